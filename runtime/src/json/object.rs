//! Reading and writing one JSON object of a generated model, losslessly: [`ObjReader`] takes
//! the declared properties out of the object and keeps the rest in an [`Extra`];
//! [`ObjWriter`] writes the declared properties and then the kept ones, unchanged.
//!
//! Two facts about what the service sent travel in [`Extra`]:
//! - **unknown properties** — keys the model's schema does not declare (a newer service, a
//!   setting made by the portal). They are written back as they were read, so a GET → modify →
//!   PUT round trip does not erase them. Clear them with [`Extra::clear_unknown`] (or
//!   `model.extra = Default::default()`) to send only what the schema declares;
//! - **missing required properties** — a response that omits a property the spec marks
//!   required (write-only properties such as datastore secrets never come back) still decodes:
//!   the field holds the type's placeholder ([`Json::placeholder`]: `""`, `0`, `false`, empty
//!   collections, `Unknown(null)` for a union, …) and [`Extra::missing`] names it. Such a
//!   field is not written back while it still holds the placeholder, so an unchanged round
//!   trip sends exactly what was received; set it and it is sent. Only a closed enum has no
//!   placeholder: a missing one is a decoding error.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{read_present, redact, DecodeError, Json};

/// What the service sent beyond the model's declared fields: unknown properties, and the
/// required properties it left out. Empty (and allocation-free) in the usual case.
#[derive(Clone, Default, PartialEq)]
pub struct Extra(Option<Box<ExtraInner>>);

#[derive(Clone, Default, PartialEq)]
struct ExtraInner {
    unknown: Map<String, Value>,
    missing: Vec<&'static str>,
}

impl Extra {
    /// Properties the schema does not declare, in the order they were received.
    pub fn unknown(&self) -> Option<&Map<String, Value>> {
        self.0
            .as_ref()
            .map(|i| &i.unknown)
            .filter(|m| !m.is_empty())
    }

    /// The unknown properties, to edit (adding one sends it with the model).
    pub fn unknown_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0.get_or_insert_with(Box::default).unknown
    }

    /// Drops the unknown properties: the model then writes only what its schema declares.
    pub fn clear_unknown(&mut self) {
        if let Some(i) = &mut self.0 {
            i.unknown.clear();
        }
    }

    /// Wire names of the required properties the service left out (the fields hold their
    /// placeholders).
    pub fn missing(&self) -> &[&'static str] {
        self.0.as_ref().map_or(&[], |i| &i.missing)
    }

    /// Whether nothing extra was received.
    pub fn is_empty(&self) -> bool {
        self.unknown().is_none() && self.missing().is_empty()
    }
}

impl std::fmt::Debug for Extra {
    /// Unknown properties with credential-like values redacted (they may hold secrets the
    /// schema does not describe), then the missing required properties.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Extra");
        if let Some(u) = self.unknown() {
            d.field("unknown", &redact(&Value::Object(u.clone())));
        }
        if !self.missing().is_empty() {
            d.field("missing", &self.missing());
        }
        d.finish()
    }
}

/// Reads one JSON object in a single pass; used by generated `from_json`, which matches each
/// entry's key against the declared properties (as serde's derive does), so no key is looked
/// up or hashed. What no arm takes is kept, in the order received.
pub struct ObjReader {
    entries: serde_json::map::IntoIter,
    unknown: Map<String, Value>,
    missing: Vec<&'static str>,
}

impl ObjReader {
    /// Starts reading; fails unless `v` is an object.
    pub fn new(v: Value) -> Result<Self, DecodeError> {
        match v {
            Value::Object(map) => Ok(ObjReader {
                entries: map.into_iter(),
                unknown: Map::new(),
                missing: Vec::new(),
            }),
            other => Err(DecodeError::expected("an object", &other)),
        }
    }

    /// The next entry, in the order received.
    pub fn next_entry(&mut self) -> Option<(String, Value)> {
        self.entries.next()
    }

    /// A declared property's value. `null` reads as absent (`None`) unless `T` can hold it
    /// (an `x-nullable` field is `Option<Option<U>>`: `null` → `Some(None)`).
    pub fn field<T: Json>(key: &str, v: Value) -> Result<Option<T>, DecodeError> {
        read_present(v).map_err(|e| e.at(key))
    }

    /// Keeps a property the schema does not declare.
    pub fn unknown(&mut self, key: String, v: Value) {
        self.unknown.insert(key, v);
    }

    /// An `additionalProperties` entry (a `null` where `T` cannot hold it is skipped).
    pub fn additional<T: Json>(
        &mut self,
        rest: &mut BTreeMap<String, T>,
        key: String,
        v: Value,
    ) -> Result<(), DecodeError> {
        if let Some(t) = Self::field(&key, v)? {
            rest.insert(key, t);
        }
        Ok(())
    }

    /// A required property's value, as read by [`ObjReader::field`]. Absent (or `null` where
    /// `T` cannot hold it), it is `T`'s placeholder and recorded as missing; only a type
    /// without a placeholder (a closed enum) fails.
    pub fn required<T: Json>(
        &mut self,
        key: &'static str,
        read: Option<T>,
    ) -> Result<T, DecodeError> {
        match read {
            Some(t) => Ok(t),
            None => match T::placeholder() {
                Some(t) => {
                    self.missing.push(key);
                    Ok(t)
                }
                None => Err(DecodeError::new(format!("missing required field `{key}`"))),
            },
        }
    }

    /// What is left: the unknown properties and the missing required ones.
    pub fn finish(self) -> Extra {
        if self.unknown.is_empty() && self.missing.is_empty() {
            return Extra(None);
        }
        Extra(Some(Box::new(ExtraInner {
            unknown: self.unknown,
            missing: self.missing,
        })))
    }
}

/// Builds one JSON object; used by generated `to_json`.
pub struct ObjWriter<'a> {
    map: Map<String, Value>,
    extra: &'a Extra,
}

impl<'a> ObjWriter<'a> {
    /// An empty object for a model with this [`Extra`].
    pub fn new(extra: &'a Extra) -> Self {
        ObjWriter {
            map: Map::new(),
            extra,
        }
    }

    /// Writes a required field, unless the service left it out and it still holds the
    /// placeholder it was read as.
    pub fn req<T: Json + PartialEq>(&mut self, key: &str, v: &T) {
        if self.extra.missing().contains(&key) && T::placeholder().as_ref() == Some(v) {
            return;
        }
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

    /// Writes `additionalProperties` entries (declared properties win).
    pub fn rest<T: Json>(&mut self, rest: &BTreeMap<String, T>) {
        for (k, v) in rest {
            self.map.entry(k.clone()).or_insert_with(|| v.to_json());
        }
    }

    /// The finished object: declared properties, then the unknown ones as received
    /// (declared properties win over an unknown one of the same name).
    pub fn finish(mut self) -> Value {
        if let Some(u) = self.extra.unknown() {
            for (k, v) in u {
                self.map.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        Value::Object(self.map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Clone, Debug, PartialEq)]
    struct M {
        name: String,
        tag: Option<String>,
        extra: Extra,
    }

    impl Json for M {
        fn from_json(v: Value) -> Result<Self, DecodeError> {
            let mut o = ObjReader::new(v)?;
            let (mut name, mut tag) = (None, None);
            while let Some((k, v)) = o.next_entry() {
                match k.as_str() {
                    "name" => name = ObjReader::field("name", v)?,
                    "tag" => tag = ObjReader::field("tag", v)?,
                    _ => o.unknown(k, v),
                }
            }
            Ok(M {
                name: o.required("name", name)?,
                tag,
                extra: o.finish(),
            })
        }
        fn to_json(&self) -> Value {
            let mut o = ObjWriter::new(&self.extra);
            o.req("name", &self.name);
            o.opt("tag", &self.tag);
            o.finish()
        }
    }

    #[test]
    fn unknown_properties_round_trip() {
        let v = json!({"name": "a", "later": {"x": [1, 2]}, "etag": "W/1"});
        let m = M::from_json(v.clone()).unwrap();
        assert_eq!(m.extra.unknown().unwrap().len(), 2);
        assert_eq!(m.to_json(), v);
        let mut cleared = m.clone();
        cleared.extra.clear_unknown();
        assert_eq!(cleared.to_json(), json!({"name": "a"}));
    }

    #[test]
    fn a_missing_required_property_decodes_and_is_not_invented() {
        let m = M::from_json(json!({"tag": "t"})).unwrap();
        assert_eq!(m.name, "");
        assert_eq!(m.extra.missing(), ["name"]);
        assert_eq!(m.to_json(), json!({"tag": "t"}));
        let mut set = m.clone();
        set.name = "b".into();
        assert_eq!(set.to_json(), json!({"name": "b", "tag": "t"}));
        // `null` where a string cannot be null reads as missing too.
        let n = M::from_json(json!({"name": null})).unwrap();
        assert_eq!(n.extra.missing(), ["name"]);
    }

    #[test]
    fn debug_redacts_unknown_credentials() {
        let m = M::from_json(json!({"name": "a", "adminPassword": "hunter2"})).unwrap();
        let d = format!("{m:?}");
        assert!(!d.contains("hunter2"), "{d}");
        assert!(d.contains("adminPassword"), "{d}");
    }

    #[test]
    fn unknown_properties_keep_their_order() {
        let v = json!({"z": 1, "name": "a", "b": 2, "tag": "t", "a": 3});
        let m = M::from_json(v).unwrap();
        let keys: Vec<&str> = m
            .extra
            .unknown()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["z", "b", "a"]);
    }

    #[test]
    fn empty_extra_does_not_allocate() {
        let m = M::from_json(json!({"name": "a"})).unwrap();
        assert!(m.extra.0.is_none());
    }
}
