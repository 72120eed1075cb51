//! The JSON mapping every generated model implements (hand-written).
//!
//! Models do not use `#[derive(Serialize, Deserialize)]`: over ~600 types, serde's derive
//! expansion is what makes a generated client slow to compile (85–90% of `cargo check` for
//! progenitor's output). Instead each model implements [`Json`] with two small non-generic
//! functions, and `serde` support comes from [`serde_via_json!`](crate::serde_via_json), which routes through
//! `serde_json::Value`. Decoding errors carry the JSON path of the failing value.
//!
//! The mapping is exact: a value decoded and encoded again is the same JSON value, with two
//! documented exceptions (both where the service sends something its spec rules out):
//! - `null` where the type cannot hold it (a property or map value the spec does not mark
//!   `x-nullable`) reads as absent, so it is not written back;
//! - an integral float (`28800.0`) for an `integer` reads as that integer and is written
//!   back as `28800`.
//!
//! Nothing the service sends is dropped: every model keeps the properties its schema does not
//! declare and writes them back, and a response that omits a required property still decodes
//! ([`Extra`], in the `object` submodule, says how both are represented).
//!
//! Also here: the string formats ([`DateTime`], [`IsoDuration`], [`Uuid`]) — newtypes that
//! keep the service's exact text and parse on demand — and [`Shape`], the read-only
//! description generated per model, which [`strip_read_only`] uses to keep read-only
//! properties out of request bodies.

use std::collections::BTreeMap;

use serde_json::Value;

mod credential_names;
mod object;
use credential_names::credential_like;
pub use object::{Extra, ObjReader, ObjWriter};

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

    /// What is wrong at the failing value, e.g. `expected a string, found a number`.
    pub fn message(&self) -> &str {
        &self.message
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
    /// The value a required property of this type holds when a response leaves it out (see
    /// [`Extra::missing`]); `None` when the type has none (a closed enum), which makes the
    /// property's absence a decoding error.
    fn placeholder() -> Option<Self> {
        None
    }
}

impl Json for Value {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        Ok(v)
    }
    fn to_json(&self) -> Value {
        self.clone()
    }
    fn placeholder() -> Option<Self> {
        Some(Value::Null)
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
    fn placeholder() -> Option<Self> {
        Some(())
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
    fn placeholder() -> Option<Self> {
        Some(String::new())
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
    fn placeholder() -> Option<Self> {
        Some(false)
    }
}

/// An integer, also when sent as an integral float (`28800.0` reads as `28800`).
fn integer(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
            .map(|f| f as i64)
    })
}

impl Json for i64 {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        integer(&v).ok_or_else(|| DecodeError::expected("an integer", &v))
    }
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
    fn placeholder() -> Option<Self> {
        Some(0)
    }
}

impl Json for i32 {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        integer(&v)
            .and_then(|i| i32::try_from(i).ok())
            .ok_or_else(|| DecodeError::expected("a 32-bit integer", &v))
    }
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
    fn placeholder() -> Option<Self> {
        Some(0)
    }
}

/// `number` properties are kept as the exact [`serde_json::Number`] the service sent
/// (`1.0` stays `1.0`, `3` stays `3`); use `as_f64()` to compute with them.
impl Json for serde_json::Number {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        match v {
            Value::Number(n) => Ok(n),
            other => Err(DecodeError::expected("a number", &other)),
        }
    }
    fn to_json(&self) -> Value {
        Value::Number(self.clone())
    }
    fn placeholder() -> Option<Self> {
        Some(0.into())
    }
}

impl Json for f64 {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        v.as_f64()
            .ok_or_else(|| DecodeError::expected("a number", &v))
    }
    fn to_json(&self) -> Value {
        serde_json::Number::from_f64(*self).map_or(Value::Null, Value::Number)
    }
    fn placeholder() -> Option<Self> {
        Some(0.0)
    }
}

/// A value that may be `null` (`x-nullable`): `null` ↔ `None`.
impl<T: Json> Json for Option<T> {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        match v {
            Value::Null => Ok(None),
            v => T::from_json(v).map(Some),
        }
    }
    fn to_json(&self) -> Value {
        self.as_ref().map_or(Value::Null, Json::to_json)
    }
    fn placeholder() -> Option<Self> {
        Some(None)
    }
}

impl<T: Json> Json for Box<T> {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        T::from_json(v).map(Box::new)
    }
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
    fn placeholder() -> Option<Self> {
        T::placeholder().map(Box::new)
    }
}

impl<T: Json> Json for Vec<T> {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        match v {
            Value::Array(items) => {
                // Sized up front: collecting a `Result` iterator would grow (and copy) the
                // vector step by step, and models can be large.
                let mut out = Vec::with_capacity(items.len());
                for (i, x) in items.into_iter().enumerate() {
                    out.push(T::from_json(x).map_err(|e| e.at(i.to_string()))?);
                }
                Ok(out)
            }
            other => Err(DecodeError::expected("an array", &other)),
        }
    }
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(Json::to_json).collect())
    }
    fn placeholder() -> Option<Self> {
        Some(Vec::new())
    }
}

/// Map values that are `null` where `T` cannot be `null` are skipped (read as absent).
impl<T: Json> Json for BTreeMap<String, T> {
    fn from_json(v: Value) -> Result<Self, DecodeError> {
        match v {
            Value::Object(m) => {
                let mut out = BTreeMap::new();
                for (k, x) in m {
                    if let Some(t) = read_present(x).map_err(|e| e.at(k.as_str()))? {
                        out.insert(k, t);
                    }
                }
                Ok(out)
            }
            other => Err(DecodeError::expected("an object", &other)),
        }
    }
    fn to_json(&self) -> Value {
        Value::Object(self.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
    }
    fn placeholder() -> Option<Self> {
        Some(BTreeMap::new())
    }
}

/// Decodes a value that is present: `null` becomes `None` unless `T` can hold it.
fn read_present<T: Json>(v: Value) -> Result<Option<T>, DecodeError> {
    match v {
        Value::Null => Ok(T::from_json(Value::Null).ok()),
        v => T::from_json(v).map(Some),
    }
}

/// Stands in for a credential in `Debug` output.
pub struct Redacted(pub bool);

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A copy of `v` with the values of credential-like keys replaced by `"<redacted>"`.
fn redact(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let x = if credential_like(k) && !x.is_null() {
                        Value::String("<redacted>".into())
                    } else {
                        redact(x)
                    };
                    (k.clone(), x)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(redact).collect()),
        other => other.clone(),
    }
}

/// `Debug` of a union's `Unknown(json)` variant: the JSON with credential-like values
/// redacted (a type the client does not know may still carry secrets).
#[doc(hidden)]
pub fn debug_unknown(v: &Value, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_tuple("Unknown").field(&redact(v)).finish()
}

/// A string format kept as the exact text the service sent, with typed parsing on demand:
/// decoding never fails on a malformed value, and writing it back sends the same text.
macro_rules! string_format {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(String);

        impl $name {
            /// Wraps text as is (not validated: the typed accessor reports a malformed value).
            pub fn new(text: impl Into<String>) -> Self {
                Self(text.into())
            }
            /// The exact text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// The exact text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.0, f)
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_string())
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
        impl Json for $name {
            fn from_json(v: Value) -> Result<Self, DecodeError> {
                String::from_json(v).map(Self)
            }
            fn to_json(&self) -> Value {
                Value::String(self.0.clone())
            }
            fn placeholder() -> Option<Self> {
                Some(Self::default())
            }
        }
        crate::serde_via_json!($name);
    };
}

string_format!(
    /// `format: date-time`: RFC 3339 text exactly as sent (fractional seconds keep their
    /// digits, e.g. `2023-01-03T19:56:09.7588299+00:00`). [`DateTime::to_system_time`] parses
    /// it; [`DateTime::from_system_time`] makes one.
    DateTime
);
string_format!(
    /// `format: duration`: ISO 8601 text exactly as sent (e.g. `PT30M`).
    /// [`IsoDuration::to_std`] parses it; [`IsoDuration::from_std`] makes one.
    IsoDuration
);
string_format!(
    /// `format: uuid`: the text exactly as sent. [`Uuid::to_u128`] parses it;
    /// [`Uuid::from_u128`] makes one (lower-case, hyphenated).
    Uuid
);

fn digits(s: &[u8], what: &str) -> Result<u64, DecodeError> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return Err(DecodeError::new(format!("bad {what}")));
    }
    std::str::from_utf8(s)
        .ok()
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| DecodeError::new(format!("bad {what}")))
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u64, d: u64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count from 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u64, u64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u64;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u64;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

impl DateTime {
    /// Parses RFC 3339 (`2023-01-03T19:56:09.7588299+00:00`, `2023-01-03T19:56:09Z`);
    /// fractional seconds beyond nanoseconds are truncated, and a time without an offset is
    /// read as UTC (ARM sometimes omits it).
    pub fn to_system_time(&self) -> Result<std::time::SystemTime, DecodeError> {
        let bad = || DecodeError::new(format!("not an RFC 3339 date-time: {:?}", self.0));
        let b = self.0.as_bytes();
        if b.len() < 19
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| digits(&b[r], "date-time").map_err(|_| bad());
        let (y, mo, d, h, mi, s) = (
            num(0..4)?,
            num(5..7)?,
            num(8..10)?,
            num(11..13)?,
            num(14..16)?,
            num(17..19)?,
        );
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        let month_days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if !(1..=12).contains(&mo)
            || d == 0
            || d > month_days[mo as usize - 1]
            || h > 23
            || mi > 59
            || s > 60
        {
            return Err(bad());
        }
        let mut i = 19;
        let mut nanos = 0u64;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return Err(bad());
            }
            for k in 0..9 {
                nanos = nanos * 10
                    + b.get(start + k)
                        .filter(|_| start + k < i)
                        .map_or(0, |c| u64::from(c - b'0'));
            }
        }
        let offset: i64 = match &b[i..] {
            [] | [b'Z'] | [b'z'] => 0,
            [sign @ (b'+' | b'-'), oh1, oh2, b':', om1, om2] => {
                let oh = digits(&[*oh1, *oh2], "offset").map_err(|_| bad())? as i64;
                let om = digits(&[*om1, *om2], "offset").map_err(|_| bad())? as i64;
                if oh > 23 || om > 59 {
                    return Err(bad());
                }
                let o = oh * 3600 + om * 60;
                if *sign == b'-' {
                    -o
                } else {
                    o
                }
            }
            _ => return Err(bad()),
        };
        let secs =
            days_from_civil(y as i64, mo, d) * 86_400 + (h * 3600 + mi * 60 + s) as i64 - offset;
        let epoch = std::time::UNIX_EPOCH;
        let t = if secs >= 0 {
            epoch + std::time::Duration::from_secs(secs as u64)
        } else {
            epoch - std::time::Duration::from_secs(secs.unsigned_abs())
        };
        Ok(t + std::time::Duration::from_nanos(nanos))
    }

    /// RFC 3339 in UTC, with fractional seconds only when not zero
    /// (`2023-01-03T19:56:09.7588299Z`).
    pub fn from_system_time(t: std::time::SystemTime) -> Self {
        let (secs, nanos) = match t.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
            Err(e) => {
                let d = e.duration();
                let (s, n) = (d.as_secs() as i64, d.subsec_nanos());
                if n == 0 {
                    (-s, 0)
                } else {
                    (-s - 1, 1_000_000_000 - n)
                }
            }
        };
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        let mut out = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        );
        if nanos != 0 {
            let frac = format!("{nanos:09}");
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        out.push('Z');
        DateTime(out)
    }
}

impl IsoDuration {
    /// Parses `PnW` and `PnDTnHnMnS` forms with optional fractions (`PT30M`, `P1DT12H`,
    /// `PT0.5S`). Years and months have no fixed length and are refused, as are negative
    /// durations.
    pub fn to_std(&self) -> Result<std::time::Duration, DecodeError> {
        let bad = |why: &str| {
            DecodeError::new(format!(
                "not a supported ISO 8601 duration ({why}): {:?}",
                self.0
            ))
        };
        let rest = self
            .0
            .strip_prefix('P')
            .ok_or_else(|| bad("no leading P"))?;
        let (mut total, mut in_time, mut any) = (0u128, false, false);
        let b = rest.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'T' {
                if in_time {
                    return Err(bad("second T"));
                }
                in_time = true;
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let int = digits(&b[start..i], "duration").map_err(|_| bad("missing number"))?;
            let (mut frac, mut scale) = (0u128, 1u128);
            if i < b.len() && (b[i] == b'.' || b[i] == b',') {
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    if scale < 1_000_000_000 {
                        frac = frac * 10 + u128::from(b[i] - b'0');
                        scale *= 10;
                    }
                    i += 1;
                }
            }
            let unit: u128 = match (b.get(i), in_time) {
                (Some(b'W'), false) => 7 * 86_400,
                (Some(b'D'), false) => 86_400,
                (Some(b'H'), true) => 3600,
                (Some(b'M'), true) => 60,
                (Some(b'S'), true) => 1,
                (Some(b'Y' | b'M'), false) => return Err(bad("years and months vary in length")),
                _ => return Err(bad("unknown designator")),
            };
            i += 1;
            any = true;
            total += (u128::from(int) * unit) * 1_000_000_000 + frac * unit * 1_000_000_000 / scale;
        }
        if !any {
            return Err(bad("no components"));
        }
        let secs = u64::try_from(total / 1_000_000_000).map_err(|_| bad("too long"))?;
        Ok(std::time::Duration::new(
            secs,
            (total % 1_000_000_000) as u32,
        ))
    }

    /// ISO 8601 with days, hours, minutes and (fractional) seconds, e.g. `P1DT2H3M4.5S`;
    /// zero is `PT0S`.
    pub fn from_std(d: std::time::Duration) -> Self {
        let s = d.as_secs();
        let (days, h, m, sec, n) = (
            s / 86_400,
            s % 86_400 / 3600,
            s % 3600 / 60,
            s % 60,
            d.subsec_nanos(),
        );
        let mut out = String::from("P");
        if days > 0 {
            out.push_str(&format!("{days}D"));
        }
        if h > 0 || m > 0 || sec > 0 || n > 0 || days == 0 {
            out.push('T');
            if h > 0 {
                out.push_str(&format!("{h}H"));
            }
            if m > 0 {
                out.push_str(&format!("{m}M"));
            }
            if sec > 0 || n > 0 || (h == 0 && m == 0) {
                out.push_str(&sec.to_string());
                if n > 0 {
                    out.push('.');
                    out.push_str(format!("{n:09}").trim_end_matches('0'));
                }
                out.push('S');
            }
        }
        IsoDuration(out)
    }
}

impl Uuid {
    /// Parses the hyphenated form (`7c4a1e8e-93d3-4f2f-9d5c-1f2e3d4c5b6a`, any case), also
    /// braced or as 32 bare hex digits.
    pub fn to_u128(&self) -> Result<u128, DecodeError> {
        let bad = || DecodeError::new(format!("not a UUID: {:?}", self.0));
        let t = self
            .0
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix('}'))
            .unwrap_or(&self.0);
        let hex: String = if t.len() == 36 {
            let groups: Vec<&str> = t.split('-').collect();
            if groups.iter().map(|g| g.len()).collect::<Vec<_>>() != [8, 4, 4, 4, 12] {
                return Err(bad());
            }
            groups.concat()
        } else if t.len() == 32 {
            t.to_string()
        } else {
            return Err(bad());
        };
        if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        u128::from_str_radix(&hex, 16).map_err(|_| bad())
    }

    /// Lower-case hyphenated text of a 128-bit value.
    pub fn from_u128(v: u128) -> Self {
        let h = format!("{v:032x}");
        Uuid(format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        ))
    }
}

/// Where a model's read-only properties are, generated per model that has any (directly or
/// in nested models); see [`strip_read_only`].
#[doc(hidden)]
#[derive(Debug)]
pub enum Shape {
    /// An object: its read-only keys, the keys whose values contain read-only properties,
    /// and, with `additionalProperties`, the shape of those values plus the declared keys.
    Object {
        /// Read-only keys.
        read_only: &'static [&'static str],
        /// Keys whose values contain read-only properties.
        fields: &'static [(&'static str, &'static Shape)],
        /// `additionalProperties` value shape and the declared keys it does not apply to.
        rest: Option<(&'static Shape, &'static [&'static str])>,
    },
    /// A discriminated union: variants with read-only properties by discriminator value,
    /// and the base's own properties for a value the client does not know.
    Union {
        /// Wire name of the discriminator.
        discriminator: &'static str,
        /// `(value, shape)`.
        variants: &'static [(&'static str, &'static Shape)],
        /// The base definition's own properties.
        base: Option<&'static Shape>,
    },
    /// Every item.
    Array(&'static Shape),
    /// Every value of a map.
    Map(&'static Shape),
}

/// Removes every read-only property from the JSON of a model with this shape. Used on
/// request bodies only: responses keep everything.
pub fn strip_read_only(v: &mut Value, shape: &Shape) {
    match (shape, v) {
        (
            Shape::Object {
                read_only,
                fields,
                rest,
            },
            Value::Object(m),
        ) => {
            for k in *read_only {
                m.shift_remove(*k);
            }
            for (k, s) in *fields {
                if let Some(x) = m.get_mut(*k) {
                    strip_read_only(x, s);
                }
            }
            if let Some((s, declared)) = rest {
                for (k, x) in m.iter_mut() {
                    if !declared.contains(&k.as_str()) {
                        strip_read_only(x, s);
                    }
                }
            }
        }
        (
            Shape::Union {
                discriminator,
                variants,
                base,
            },
            v @ Value::Object(_),
        ) => {
            let tag = v.get(*discriminator).and_then(Value::as_str);
            let s = variants
                .iter()
                .find(|(value, _)| Some(*value) == tag)
                .map(|(_, s)| *s)
                .or(*base);
            if let Some(s) = s {
                strip_read_only(v, s);
            }
        }
        (Shape::Array(s), Value::Array(items)) => {
            items.iter_mut().for_each(|x| strip_read_only(x, s));
        }
        (Shape::Map(s), Value::Object(m)) => {
            m.values_mut().for_each(|x| strip_read_only(x, s));
        }
        _ => {}
    }
}

/// Removes read-only properties from a request's JSON body (called by each version's client
/// hook with the shape of the operation's body type). A body that is not JSON is left alone.
#[doc(hidden)]
pub fn strip_request_body(request: &mut reqwest::Request, shape: &Shape) {
    let Some(bytes) = request.body().and_then(|b| b.as_bytes()) else {
        return;
    };
    let Ok(mut v) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    strip_read_only(&mut v, shape);
    if let Ok(b) = serde_json::to_vec(&v) {
        *request.body_mut() = Some(b.into());
    }
}

/// Support for the generated `dispatch` modules: call an operation by id with parameters
/// given as JSON (the `parameters` of a spec example) and get the decoded response back as
/// JSON. Used by the example-replay tests and the `testing` fake (cargo feature `testing`).
#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod dispatch {
    use super::{DecodeError, Json};
    use progenitor_client::ResponseValue;
    use serde_json::Value;

    /// A dispatched call.
    pub type Call<'a> =
        std::pin::Pin<Box<dyn std::future::Future<Output = Result<Reply, String>> + 'a>>;

    /// Where a dispatched call keeps the arguments it decoded and lends to the client.
    pub type Slot = Option<Box<dyn std::any::Any>>;

    /// Stores `t` in `slot` and lends it for as long as the slot is borrowed.
    pub fn hold<T: std::any::Any>(slot: &mut Slot, t: T) -> &T {
        slot.insert(Box::new(t))
            .downcast_ref::<T>()
            .unwrap_or_else(|| unreachable!("the slot holds the value just stored"))
    }

    /// Awaits a typed call.
    pub async fn drive_typed<T: Json>(
        f: impl std::future::Future<Output = Result<ResponseValue<T>, crate::Error>>,
    ) -> Result<Reply, String> {
        typed(f.await)
    }

    /// Awaits a raw call (a long-running operation's first response), decoding it as `T`.
    pub async fn drive_raw<T, F>(f: F) -> Result<Reply, String>
    where
        T: Json,
        F: std::future::Future<Output = Result<ResponseValue<Vec<u8>>, crate::Error>>,
    {
        raw::<T>(f.await)
    }

    /// One call's outcome.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Reply {
        /// HTTP status.
        pub status: u16,
        /// The body decoded as the operation's declared response type and encoded again;
        /// `None` when there was no body.
        pub body: Option<Value>,
    }

    fn param<'v>(p: &'v Value, k: &str) -> Option<&'v Value> {
        p.get(k).filter(|v| !v.is_null())
    }

    fn decode<T: Json>(v: &Value, k: &str) -> Result<T, String> {
        T::from_json(v.clone()).map_err(|e| format!("parameter {k}: {}", e.at(k)))
    }

    /// A required string parameter.
    pub fn req_str<'v>(p: &'v Value, k: &str) -> Result<&'v str, String> {
        opt_str(p, k)?.ok_or_else(|| format!("missing parameter {k}"))
    }

    /// An optional string parameter.
    pub fn opt_str<'v>(p: &'v Value, k: &str) -> Result<Option<&'v str>, String> {
        match param(p, k) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(format!(
                "parameter {k}: {}",
                DecodeError::expected("a string", other)
            )),
        }
    }

    /// A required parameter of another type.
    pub fn req<T: Json>(p: &Value, k: &str) -> Result<T, String> {
        let v = param(p, k).ok_or_else(|| format!("missing parameter {k}"))?;
        decode(v, k)
    }

    /// An optional parameter of another type.
    pub fn opt<T: Json>(p: &Value, k: &str) -> Result<Option<T>, String> {
        param(p, k).map(|v| decode(v, k)).transpose()
    }

    fn body_of(v: Value) -> Option<Value> {
        (!v.is_null()).then_some(v)
    }

    /// A typed response.
    pub fn typed<T: Json>(r: Result<ResponseValue<T>, crate::Error>) -> Result<Reply, String> {
        let rv = r.map_err(|e| e.to_string())?;
        Ok(Reply {
            status: rv.status().as_u16(),
            body: body_of(rv.into_inner().to_json()),
        })
    }

    /// A raw response (long-running operations' first response), decoded as `T`.
    pub fn raw<T: Json>(r: Result<ResponseValue<Vec<u8>>, crate::Error>) -> Result<Reply, String> {
        let rv = r.map_err(|e| e.to_string())?;
        let status = rv.status().as_u16();
        let bytes = rv.into_inner();
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Reply { status, body: None });
        }
        let v: Value =
            serde_json::from_slice(&bytes).map_err(|e| format!("body is not JSON: {e}"))?;
        let t = T::from_json(v).map_err(|e| e.to_string())?;
        Ok(Reply {
            status,
            body: body_of(t.to_json()),
        })
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
        impl $crate::serde::Serialize for $t {
            fn serialize<S: $crate::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::json::serialize(self, s)
            }
        }
        impl<'de> $crate::serde::Deserialize<'de> for $t {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                $crate::json::deserialize(d)
            }
        }
    )*};
}
