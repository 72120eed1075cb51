//! The JSON mapping every generated model implements (hand-written).
//!
//! Models do not use `#[derive(Serialize, Deserialize)]`: over ~600 types, serde's derive
//! expansion is what makes a generated client slow to compile (85–90% of `cargo check` for
//! progenitor's output). Instead each model implements [`Json`] with two small non-generic
//! functions, and `serde` support comes from [`serde_via_json!`], which routes through
//! `serde_json::Value`. Decoding errors carry the JSON path of the failing value.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// A value that could not be decoded, with the JSON path where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    path: Vec<String>,
    message: String,
}

impl DecodeError {
    /// An error at the current position.
    pub fn new(message: impl Into<String>) -> Self {
        DecodeError {
            path: Vec::new(),
            message: message.into(),
        }
    }

    /// `expected X, found <kind of value>`.
    pub fn expected(what: &str, found: &Value) -> Self {
        let kind = match found {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        Self::new(format!("expected {what}, found {kind}"))
    }

    /// Prefixes the path with an object key or array index.
    pub fn at(mut self, segment: impl Into<String>) -> Self {
        self.path.push(segment.into());
        self
    }

    /// JSON pointer of the failing value, e.g. `/properties/scaleSettings/maxNodeCount`.
    pub fn pointer(&self) -> String {
        self.path.iter().rev().map(|s| format!("/{s}")).collect()
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = self.pointer();
        if p.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "at {p}: {}", self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

/// Conversion between a model and its JSON value.
pub trait Json: Sized {
    /// Decodes from a JSON value.
    fn from_json(v: Value) -> Result<Self, DecodeError>;
    /// Encodes to a JSON value.
    fn to_json(&self) -> Value;
}

impl Json for Value {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        Ok(v)
    }
    fn to_json(&self) -> Value {
        self.clone()
    }
}

/// "No result" (e.g. a DELETE's): accepts and ignores any body.
impl Json for () {
    fn from_json(_: Value) -> Result<Self, DecodeError> {
        Ok(())
    }
    fn to_json(&self) -> Value {
        Value::Null
    }
}

impl Json for String {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        match v {
            Value::String(s) => Ok(s),
            other => Err(DecodeError::expected("a string", &other)),
        }
    }
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl Json for bool {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        v.as_bool()
            .ok_or_else(|| DecodeError::expected("a boolean", &v))
    }
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

impl Json for i64 {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        v.as_i64()
            .ok_or_else(|| DecodeError::expected("an integer", &v))
    }
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}

impl Json for i32 {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        v.as_i64()
            .and_then(|i| i32::try_from(i).ok())
            .ok_or_else(|| DecodeError::expected("a 32-bit integer", &v))
    }
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}

impl Json for f64 {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        v.as_f64()
            .ok_or_else(|| DecodeError::expected("a number", &v))
    }
    fn to_json(&self) -> Value {
        // Integral values the service sent as integers go back as integers.
        if self.fract() == 0.0 && self.abs() < 9.0e15 {
            Value::from(*self as i64)
        } else {
            serde_json::Number::from_f64(*self).map_or(Value::Null, Value::Number)
        }
    }
}

impl<T: Json> Json for Box<T> {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        T::from_json(v).map(Box::new)
    }
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

impl<T: Json> Json for Vec<T> {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        match v {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, x)| T::from_json(x).map_err(|e| e.at(i.to_string())))
                .collect(),
            other => Err(DecodeError::expected("an array", &other)),
        }
    }
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(Json::to_json).collect())
    }
}

impl<T: Json> Json for BTreeMap<String, T> {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        match v {
            Value::Object(m) => m
                .into_iter()
                .map(|(k, x)| match T::from_json(x) {
                    Ok(t) => Ok((k, t)),
                    Err(e) => Err(e.at(k)),
                })
                .collect(),
            other => Err(DecodeError::expected("an object", &other)),
        }
    }
    fn to_json(&self) -> Value {
        Value::Object(self.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
    }
}

/// Stands in for a credential in `Debug` output.
pub struct Redacted(pub bool);

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Reads the fields of one JSON object; used by generated `from_json`.
pub struct ObjReader {
    map: Map<String, Value>,
}

impl ObjReader {
    /// Starts reading; fails unless `v` is an object.
    pub fn new(v: Value) -> Result<Self, DecodeError> {
        match v {
            Value::Object(map) => Ok(ObjReader { map }),
            other => Err(DecodeError::expected("an object", &other)),
        }
    }

    /// A required field.
    pub fn req<T: Json>(&mut self, key: &str) -> Result<T, DecodeError> {
        match self.map.remove(key) {
            Some(v) => T::from_json(v).map_err(|e| e.at(key)),
            None => Err(DecodeError::new(format!("missing required field `{key}`"))),
        }
    }

    /// An optional field; `null` reads as absent.
    pub fn opt<T: Json>(&mut self, key: &str) -> Result<Option<T>, DecodeError> {
        match self.map.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => T::from_json(v).map(Some).map_err(|e| e.at(key)),
        }
    }

    /// Everything not read yet (for `additionalProperties`).
    pub fn rest<T: Json>(self) -> Result<BTreeMap<String, T>, DecodeError> {
        BTreeMap::from_json(Value::Object(self.map))
    }
}

/// Builds one JSON object; used by generated `to_json`.
#[derive(Default)]
pub struct ObjWriter {
    map: Map<String, Value>,
}

impl ObjWriter {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes a field.
    pub fn req<T: Json>(&mut self, key: &str, v: &T) {
        self.map.insert(key.to_string(), v.to_json());
    }

    /// Writes a field when present.
    pub fn opt<T: Json>(&mut self, key: &str, v: &Option<T>) {
        if let Some(v) = v {
            self.map.insert(key.to_string(), v.to_json());
        }
    }

    /// Writes a constant string (a discriminator value).
    pub fn constant(&mut self, key: &str, v: &str) {
        self.map
            .insert(key.to_string(), Value::String(v.to_string()));
    }

    /// Writes `additionalProperties` entries.
    pub fn rest<T: Json>(&mut self, rest: &BTreeMap<String, T>) {
        for (k, v) in rest {
            self.map.entry(k.clone()).or_insert_with(|| v.to_json());
        }
    }

    /// The finished object.
    pub fn finish(self) -> Value {
        Value::Object(self.map)
    }
}

/// `Serialize` through [`Json::to_json`].
pub fn serialize<T: Json, S: serde::Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&v.to_json(), s)
}

/// `Deserialize` through [`Json::from_json`].
pub fn deserialize<'de, T: Json, D: serde::Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    let v = <Value as serde::Deserialize>::deserialize(d)?;
    T::from_json(v).map_err(serde::de::Error::custom)
}

/// Implements `serde::Serialize` and `serde::Deserialize` for [`Json`] types.
#[macro_export]
#[doc(hidden)]
macro_rules! serde_via_json {
    ($($t:ty),* $(,)?) => {$(
        impl ::serde::Serialize for $t {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::json::serialize(self, s)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $t {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                $crate::json::deserialize(d)
            }
        }
    )*};
}
