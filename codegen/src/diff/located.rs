//! Located nodes of one side's typed model ([`crate::swagger`]): a node with its document and
//! JSON pointer, so every change can say where it is, and the two walks every comparison
//! shares — following `$ref`s ([`follow`], [`resolve`]) and flattening `allOf`
//! ([`flatten`]) — each bounded by [`MAX_DEPTH`]. Nothing here looks at definition names except
//! [`At::def_name`], which only labels messages.

use std::collections::{BTreeMap, BTreeSet};

use super::Location;
use crate::load::{escape_token, unescape_token, SpecSet, Target};
use crate::swagger::{AdditionalProperties, Node, Parameter, Response, Schema, MAX_DEPTH};

/// A node of one side with its document and JSON pointer.
pub(crate) struct At<'a, T> {
    /// Document key (path relative to the spec root).
    pub file: &'a str,
    /// JSON pointer inside the document.
    pub ptr: String,
    /// The node.
    pub v: &'a T,
}

impl<T> Clone for At<'_, T> {
    fn clone(&self) -> Self {
        At {
            file: self.file,
            ptr: self.ptr.clone(),
            v: self.v,
        }
    }
}

impl<'a, T> At<'a, T> {
    /// A located node.
    pub fn new(file: &'a str, ptr: impl Into<String>, v: &'a T) -> Self {
        At {
            file,
            ptr: ptr.into(),
            v,
        }
    }

    /// Its [`Location`].
    pub fn loc(&self) -> Location {
        Location::new(self.file, self.ptr.clone())
    }

    /// A node below this one, one pointer token further (`token` unescaped).
    pub fn child<U>(&self, token: &str, v: &'a U) -> At<'a, U> {
        At::new(
            self.file,
            format!("{}/{}", self.ptr, escape_token(token)),
            v,
        )
    }

    /// A node further below, `path` being already-escaped pointer tokens (`properties/a~1b`).
    pub fn below<U>(&self, path: &str, v: &'a U) -> At<'a, U> {
        At::new(self.file, format!("{}/{path}", self.ptr), v)
    }

    /// The location of key `key`: `ptr/key` when the node has it, else the node itself.
    pub fn loc_of(&self, key: &str, present: bool) -> Location {
        if present {
            Location::new(self.file, format!("{}/{}", self.ptr, escape_token(key)))
        } else {
            self.loc()
        }
    }
}

impl<'a> At<'a, Schema> {
    /// The location of a schema keyword (`ptr/key` when written, else the schema).
    pub fn key_loc(&self, key: &str) -> Location {
        self.loc_of(key, has(self.v, key))
    }

    /// The definition's name when this is a definition (`/definitions/X`), for messages.
    pub fn def_name(&self) -> Option<String> {
        let name = self.ptr.strip_prefix("/definitions/")?;
        (!name.contains('/')).then(|| unescape_token(name))
    }

    /// The identity of a definition (`None` for an inline schema).
    pub fn target(&self) -> Option<Target> {
        self.def_name().map(|_| Target {
            file: self.file.to_string(),
            pointer: self.ptr.clone(),
        })
    }
}

/// Whether a schema writes keyword `key` (the keywords the diff reports locations of).
pub(crate) fn has(s: &Schema, key: &str) -> bool {
    match key {
        "$ref" => s.reference.is_some(),
        "type" => s.ty.is_some(),
        "format" => s.format.is_some(),
        "default" => s.default.is_some(),
        "enum" => s.enum_values.is_some(),
        "items" => s.items.is_some(),
        "properties" => s.properties.is_some(),
        "required" => !s.required.is_empty(),
        "additionalProperties" => s.additional_properties.is_some(),
        "allOf" => s.all_of.is_some(),
        "discriminator" => s.discriminator.is_some(),
        "readOnly" => s.read_only.is_some(),
        "minimum" => s.minimum.is_some(),
        "maximum" => s.maximum.is_some(),
        "exclusiveMinimum" => s.exclusive_minimum.is_some(),
        "exclusiveMaximum" => s.exclusive_maximum.is_some(),
        "multipleOf" => s.multiple_of.is_some(),
        "minLength" => s.min_length.is_some(),
        "maxLength" => s.max_length.is_some(),
        "pattern" => s.pattern.is_some(),
        "minItems" => s.min_items.is_some(),
        "maxItems" => s.max_items.is_some(),
        "uniqueItems" => s.unique_items.is_some(),
        "minProperties" => s.min_properties.is_some(),
        "maxProperties" => s.max_properties.is_some(),
        "x-ms-enum" => s.x_ms_enum.is_some(),
        "x-ms-discriminator-value" => s.discriminator_value.is_some(),
        "x-ms-client-name" => s.client_name.is_some(),
        "x-nullable" => s.nullable.is_some(),
        "x-ms-secret" => s.secret.is_some(),
        "x-ms-mutability" => s.mutability.is_some(),
        _ => false,
    }
}

/// A `$ref` target that does not exist (a tolerated spec bug), shown as `file.json#/pointer`.
pub(crate) fn missing(t: &Target) -> String {
    let base = t.file.rsplit('/').next().unwrap_or(&t.file);
    format!("{base}#{}", t.pointer)
}

/// [`SpecSet::follow`] on a located node: the node itself when it has no `$ref`, else the last
/// target; `Err` names a target that is missing or of another kind. A cycle longer than
/// [`MAX_DEPTH`] stops at the node reached.
pub(crate) fn follow<'a, T>(
    set: &'a SpecSet,
    at: &At<'a, T>,
    reference: impl Fn(&T) -> Option<&String>,
    pick: impl Fn(Node<'a>) -> Option<&'a T>,
) -> Result<At<'a, T>, String> {
    match set.follow(at.file, at.v, reference, pick) {
        Ok(None) => Ok(at.clone()),
        Ok(Some((file, ptr, v))) => Ok(At::new(file, ptr, v)),
        Err(t) => Err(missing(&t)),
    }
}

/// The schema a schema position designates, after `$ref`s.
pub(crate) fn resolve<'a>(set: &'a SpecSet, at: &At<'a, Schema>) -> Result<At<'a, Schema>, String> {
    follow(
        set,
        at,
        |s: &Schema| s.reference.as_ref(),
        |n| match n {
            Node::Schema(s) => Some(s),
            _ => None,
        },
    )
}

/// A parameter after `$ref`s, and whether it is a shared one (`#/parameters/…`).
pub(crate) fn resolve_parameter<'a>(
    set: &'a SpecSet,
    at: &At<'a, Parameter>,
) -> Result<(At<'a, Parameter>, bool), String> {
    let p = follow(
        set,
        at,
        |p: &Parameter| p.reference.as_ref(),
        |n| match n {
            Node::Parameter(p) => Some(p),
            _ => None,
        },
    )?;
    let global = p.ptr.starts_with("/parameters/");
    Ok((p, global))
}

/// A response after `$ref`s (to a shared `responses` entry); the response itself when its
/// target is missing.
pub(crate) fn resolve_response<'a>(set: &'a SpecSet, at: &At<'a, Response>) -> At<'a, Response> {
    follow(
        set,
        at,
        |r: &Response| r.reference.as_ref(),
        |n| match n {
            Node::Response(r) => Some(r),
            _ => None,
        },
    )
    .unwrap_or_else(|_| at.clone())
}

/// A property after `allOf` flattening.
pub(crate) struct Prop<'a> {
    /// Where it is declared.
    pub at: At<'a, Schema>,
    /// Label of the declaring schema: a definition's name, or the inline schema's label.
    pub owner: String,
}

/// `additionalProperties` as far as the wire is concerned.
pub(crate) enum Extra<'a> {
    /// Absent or `false`: no other properties.
    No,
    /// `true`: any value.
    Any,
    /// A schema for the values.
    Values(At<'a, Schema>),
}

/// A schema's object content with its `allOf` ancestors flattened in: properties keyed by wire
/// name (a schema's own declaration wins over its parents', a later parent over an earlier
/// one), the union of `required`, and `additionalProperties` (its own, else the first
/// parent's).
pub(crate) struct Flat<'a> {
    /// Properties by wire name.
    pub props: BTreeMap<String, Prop<'a>>,
    /// Required property names.
    pub required: BTreeSet<String>,
    /// `additionalProperties` and where it is written (`None`: nowhere in the chain).
    pub extra: Option<(Extra<'a>, Location)>,
    /// The definitions flattened in (the `allOf` ancestors reached through `$ref`s).
    pub parents: Vec<At<'a, Schema>>,
}

/// Where property `wire` of the schema at `file#ptr` is declared once `allOf` is flattened
/// (its own `properties`, else the last parent declaring it, as the generator keeps): links
/// an inherited Rust field to the spec changes that explain it.
pub(crate) fn declaring(set: &SpecSet, file: &str, ptr: &str, wire: &str) -> Option<Location> {
    let (file, doc) = set.models.get_key_value(file)?;
    let schema = doc.schema_at(ptr)?;
    let flat = flatten(set, &At::new(file.as_str(), ptr, schema), "");
    flat.props.get(wire).map(|p| p.at.loc())
}

/// Flattens `body` (no `$ref` at its top); `owner` labels the properties it declares itself.
pub(crate) fn flatten<'a>(set: &'a SpecSet, body: &At<'a, Schema>, owner: &str) -> Flat<'a> {
    let mut flat = Flat {
        props: BTreeMap::new(),
        required: BTreeSet::new(),
        extra: None,
        parents: Vec::new(),
    };
    flatten_into(set, body, owner, &mut flat, 0);
    flat
}

fn flatten_into<'a>(
    set: &'a SpecSet,
    h: &At<'a, Schema>,
    owner: &str,
    flat: &mut Flat<'a>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for (i, p) in h.v.all_of.iter().flatten().enumerate() {
        let site = h.below(&format!("allOf/{i}"), p);
        let Ok(parent) = resolve(set, &site) else {
            continue;
        };
        match parent.def_name().filter(|_| p.reference.is_some()) {
            Some(name) => {
                flat.parents.push(parent.clone());
                flatten_into(set, &parent, &name, flat, depth + 1);
            }
            None => flatten_into(set, &parent, owner, flat, depth + 1),
        }
    }
    flat.required.extend(h.v.required.iter().cloned());
    for (name, p) in h.v.properties.iter().flatten() {
        let at = h.below(&format!("properties/{}", escape_token(name)), p);
        flat.props.insert(
            name.clone(),
            Prop {
                at,
                owner: owner.to_string(),
            },
        );
    }
    if let Some(ap) = &h.v.additional_properties {
        let extra = match ap {
            AdditionalProperties::Bool(false) => Extra::No,
            AdditionalProperties::Bool(true) => Extra::Any,
            AdditionalProperties::Schema(s) => Extra::Values(h.child("additionalProperties", &**s)),
        };
        // Own wins: this runs after the parents, so it replaces what they set.
        flat.extra = Some((extra, h.key_loc("additionalProperties")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn set(doc: serde_json::Value) -> SpecSet {
        let mut docs = BTreeMap::new();
        docs.insert("a.json".to_string(), doc);
        let tolerated = BTreeSet::from(["a.json#/definitions/Gone".to_string()]);
        SpecSet::new(
            std::path::Path::new("/"),
            vec!["a.json".into()],
            docs,
            tolerated,
        )
        .unwrap()
    }

    #[test]
    fn flatten_declares_where_written_and_own_wins() {
        let s = set(json!({"definitions": {
            "Base": {"required": ["id"], "properties": {"id": {"type": "string"}, "x": {"type": "integer"}}},
            "Kid": {"allOf": [{"$ref": "#/definitions/Base"}, {"properties": {"y": {"type": "string"}}}],
                    "properties": {"x": {"type": "string"}}, "additionalProperties": false}
        }}));
        let doc = &s.models["a.json"];
        let kid = At::new("a.json", "/definitions/Kid", &doc.definitions["Kid"]);
        let f = flatten(&s, &kid, "Kid");
        let at = |n: &str| (f.props[n].at.ptr.clone(), f.props[n].owner.clone());
        assert_eq!(
            at("id"),
            ("/definitions/Base/properties/id".into(), "Base".into())
        );
        assert_eq!(
            at("x"),
            ("/definitions/Kid/properties/x".into(), "Kid".into())
        );
        assert_eq!(
            at("y"),
            ("/definitions/Kid/allOf/1/properties/y".into(), "Kid".into())
        );
        assert!(f.required.contains("id"));
        assert!(matches!(f.extra, Some((Extra::No, _))));
        assert_eq!(f.parents.len(), 1);
    }

    #[test]
    fn follow_stops_at_missing_targets_and_cycles() {
        let s = set(json!({"definitions": {
            "A": {"$ref": "#/definitions/B"}, "B": {"$ref": "#/definitions/A"},
            "C": {"$ref": "#/definitions/Gone"}, "D": {"$ref": "#/definitions/E"},
            "E": {"type": "string"}
        }}));
        let doc = &s.models["a.json"];
        let at = |n: &str| At::new("a.json", format!("/definitions/{n}"), &doc.definitions[n]);
        assert!(resolve(&s, &at("A")).is_ok());
        assert_eq!(
            resolve(&s, &at("C")).err().unwrap(),
            "a.json#/definitions/Gone"
        );
        assert_eq!(resolve(&s, &at("D")).unwrap().ptr, "/definitions/E");
    }
}
