//! Reads JSON values against the raw Swagger schemas (independently of the generator): the
//! example-replay and model tests use it to remove read-only properties from an expected
//! request body and to apply the documented normalizations to an expected response body.
//!
//! The documented normalizations (see README "Models"), each applied only where the schema
//! says so:
//! - `null` for a property or map value the spec does not mark `x-nullable` → absent;
//! - an integral float (`28800.0`) for an `integer` → that integer (`28800`).
//!
//! It also notes what needs no normalization but shows an example defect or a tolerance: a
//! property the schema does not define ([`UNDECLARED`]; the models keep it) and a required
//! property a response leaves out ([`MISSING_REQUIRED`]; the models decode it as missing).

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

use crate::RawSpec;

/// One normalization or removal applied, for the test's report.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// What was done (`read-only removed`, `non-nullable null dropped`, `integral float`),
    /// or [`UNDECLARED`].
    pub kind: &'static str,
    /// JSON pointer of the value.
    pub at: String,
}

/// The note for a property the schema does not define (an example that violates its own
/// schema). The value is left in place: this is no normalization.
pub const UNDECLARED: &str = "property not defined by the schema";

/// The note for a required property a response leaves out: the model decodes it as missing
/// (`extra.missing()`) and does not write it back, so the value is unchanged.
pub const MISSING_REQUIRED: &str = "required property absent from a response, decoded as missing";

/// A schema located in a document.
#[derive(Clone, Copy)]
struct At<'a> {
    file: &'a str,
    schema: &'a Value,
}

/// What to do while walking a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A response: apply the documented normalizations.
    Response,
    /// A request body: also remove read-only properties.
    Request,
}

/// The walker over one package's raw documents.
pub struct Schemas<'a> {
    spec: &'a RawSpec,
    /// Parent definition `file#pointer` → direct `allOf` children `(file, name)`.
    children: BTreeMap<String, Vec<(String, String)>>,
}

/// A property of a schema, with its flags.
struct PropInfo<'a> {
    at: At<'a>,
    read_only: bool,
    nullable: bool,
    required: bool,
}

impl<'a> Schemas<'a> {
    /// Indexes the package's `allOf` children.
    pub fn new(spec: &'a RawSpec) -> Self {
        let mut children: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (file, doc) in &spec.docs {
            for (name, def) in doc
                .get("definitions")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                for p in def
                    .get("allOf")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(r) = p.get("$ref").and_then(Value::as_str) {
                        let (pf, pp) = RawSpec::target(file, r);
                        children
                            .entry(format!("{pf}#{pp}"))
                            .or_default()
                            .push((file.clone(), name.clone()));
                    }
                }
            }
        }
        Schemas { spec, children }
    }

    /// Follows `$ref`s; returns the schema and, when it is a definition, its `file#pointer`.
    fn resolve(&self, mut at: At<'a>) -> (At<'a>, Option<String>) {
        let mut key = None;
        for _ in 0..32 {
            let Some(r) = at.schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let (f, p) = RawSpec::target(at.file, r);
            let Some(v) = self.spec.get(&f, &p) else {
                // A tolerated broken reference: an untyped value.
                return (
                    At {
                        file: at.file,
                        schema: &Value::Null,
                    },
                    None,
                );
            };
            let (file, _) = self.spec.docs.get_key_value(&f).expect("loaded");
            key = Some(format!("{f}#{p}"));
            at = At { file, schema: v };
        }
        (at, key)
    }

    /// The concrete schema for a value of a (possibly discriminated) definition.
    fn concrete(&self, at: At<'a>, key: Option<&str>, v: &Value) -> At<'a> {
        let Some(key) = key else { return at };
        let Some(disc) = self.discriminator(at) else {
            return at;
        };
        let Some(tag) = v.get(&disc).and_then(Value::as_str) else {
            return at;
        };
        let mut stack = vec![key.to_string()];
        while let Some(k) = stack.pop() {
            for (f, name) in self.children.get(&k).into_iter().flatten() {
                let pointer = format!("/definitions/{name}");
                let Some(def) = self.spec.get(f, &pointer) else {
                    continue;
                };
                let value = def
                    .get("x-ms-discriminator-value")
                    .and_then(Value::as_str)
                    .unwrap_or(name);
                let (file, _) = self.spec.docs.get_key_value(f).expect("loaded");
                if value == tag {
                    return At { file, schema: def };
                }
                stack.push(format!("{f}#{pointer}"));
            }
        }
        at
    }

    /// The discriminator of a schema or of its nearest `allOf` ancestor.
    fn discriminator(&self, at: At<'a>) -> Option<String> {
        if let Some(d) = at.schema.get("discriminator").and_then(Value::as_str) {
            return Some(d.to_string());
        }
        for p in at
            .schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (pa, _) = self.resolve(At {
                file: at.file,
                schema: p,
            });
            if let Some(d) = self.discriminator(pa) {
                return Some(d);
            }
        }
        None
    }

    /// Properties of an object schema, `allOf` parents included (the child wins).
    fn properties(&self, at: At<'a>, out: &mut BTreeMap<String, PropInfo<'a>>, depth: usize) {
        if depth > 32 {
            return;
        }
        for p in at
            .schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (pa, _) = self.resolve(At {
                file: at.file,
                schema: p,
            });
            self.properties(pa, out, depth + 1);
        }
        for (k, ps) in at
            .schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let flag = |n: &str| ps.get(n).and_then(Value::as_bool).unwrap_or(false);
            out.insert(
                k.clone(),
                PropInfo {
                    at: At {
                        file: at.file,
                        schema: ps,
                    },
                    read_only: flag("readOnly"),
                    nullable: flag("x-nullable"),
                    required: false,
                },
            );
        }
        // `required` may name inherited properties.
        for r in at
            .schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if let Some(p) = out.get_mut(r) {
                p.required = true;
            }
        }
    }

    /// `additionalProperties` of a schema or its `allOf` parents.
    fn additional(&self, at: At<'a>, depth: usize) -> Option<At<'a>> {
        if depth > 32 {
            return None;
        }
        if let Some(ap) = at.schema.get("additionalProperties") {
            if ap == &Value::Bool(false) {
                return None; // no additional properties allowed
            }
            return Some(At {
                file: at.file,
                schema: ap,
            });
        }
        at.schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|p| {
                let (pa, _) = self.resolve(At {
                    file: at.file,
                    schema: p,
                });
                self.additional(pa, depth + 1)
            })
    }

    /// Returns `v` as the schema `(file, schema)` says a client should see it: normalized
    /// and, for [`Mode::Request`], without read-only properties. `notes` records each change.
    pub fn expected(
        &self,
        file: &str,
        schema: &Value,
        v: &Value,
        mode: Mode,
        notes: &mut Vec<Note>,
    ) -> Value {
        let (file, _) = self.spec.docs.get_key_value(file).expect("loaded file");
        self.walk(At { file, schema }, v.clone(), mode, "", notes)
    }

    fn walk(&self, at: At<'a>, v: Value, mode: Mode, path: &str, notes: &mut Vec<Note>) -> Value {
        let (at, key) = self.resolve(at);
        let at = self.concrete(at, key.as_deref(), &v);
        let ty = at.schema.get("type").and_then(Value::as_str);
        match v {
            Value::Number(n) if ty == Some("integer") && n.is_f64() => {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    notes.push(Note {
                        kind: "integral float read as integer",
                        at: path.to_string(),
                    });
                    Value::Number(Number::from(f as i64))
                } else {
                    Value::Number(n)
                }
            }
            Value::Array(items) => {
                let item = at.schema.get("items").map(|s| At {
                    file: at.file,
                    schema: s,
                });
                Value::Array(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, x)| match item {
                            Some(s) => self.walk(s, x, mode, &format!("{path}/{i}"), notes),
                            None => x,
                        })
                        .collect(),
                )
            }
            Value::Object(m) => {
                let mut props = BTreeMap::new();
                self.properties(at, &mut props, 0);
                let additional = self.additional(at, 0);
                let typed =
                    at.schema.get("properties").is_some() || at.schema.get("allOf").is_some();
                if mode == Mode::Response {
                    for (k, p) in &props {
                        if p.required && !m.contains_key(k) {
                            notes.push(Note {
                                kind: MISSING_REQUIRED,
                                at: format!("{path}/{k}"),
                            });
                        }
                    }
                }
                let mut out = Map::new();
                for (k, x) in m {
                    let here = format!("{path}/{k}");
                    let (schema, nullable) = match props.get(&k) {
                        Some(p) => {
                            if p.read_only && mode == Mode::Request {
                                notes.push(Note {
                                    kind: "read-only removed from request",
                                    at: here,
                                });
                                continue;
                            }
                            (Some(p.at), p.nullable)
                        }
                        None => match additional {
                            Some(ap) if ap.schema.is_object() => {
                                let n = ap
                                    .schema
                                    .get("x-nullable")
                                    .and_then(Value::as_bool)
                                    .unwrap_or(false);
                                (Some(ap), n)
                            }
                            Some(_) => (None, true),
                            None => {
                                if typed {
                                    // Kept, so the comparison shows it: a model has no field
                                    // for it. Only an exclusion (README) can excuse this.
                                    notes.push(Note {
                                        kind: UNDECLARED,
                                        at: here.clone(),
                                    });
                                }
                                (None, true)
                            }
                        },
                    };
                    if x.is_null() {
                        // An inline schema with nothing to decode is an untyped value,
                        // which holds `null` like anything else.
                        let untyped = schema.is_some_and(|s| {
                            let (r, def) = self.resolve(s);
                            r.schema.is_null()
                                || (def.is_none()
                                    && r.schema.get("type").is_none_or(|t| t == "object")
                                    && r.schema.get("properties").is_none()
                                    && r.schema.get("allOf").is_none()
                                    && r.schema.get("additionalProperties").is_none()
                                    && r.schema.get("enum").is_none())
                        });
                        if !nullable && !untyped {
                            notes.push(Note {
                                kind: "null for a non-nullable property dropped",
                                at: here,
                            });
                            continue;
                        }
                        out.insert(k, x);
                        continue;
                    }
                    let x = match schema {
                        Some(s) => self.walk(s, x, mode, &here, notes),
                        None => x,
                    };
                    out.insert(k, x);
                }
                Value::Object(out)
            }
            other => other,
        }
    }
}
