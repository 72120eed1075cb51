//! The typed Swagger 2.0 model: the parts of the spec format that Azure Resource Manager specs
//! use, `x-ms-*` extensions included, read once per document by [`crate::load`] and then walked
//! by *normalize* and by the diff (no stage reads the raw JSON).
//!
//! - Maps keep the document's order ([`IndexMap`]), so generated code follows the spec.
//! - A [`Schema`] is one struct whether it is a `$ref` or inline: keys written beside a `$ref`
//!   (`readOnly`, `default`, `x-nullable`, `x-ms-client-name`, `x-ms-secret`,
//!   `x-ms-mutability`, `description`) are kept next to [`Schema::reference`]; they override
//!   the referenced definition's own for the property that carries them.
//! - Presence is kept where specs give it meaning: `properties: {}` and `allOf: []` are
//!   `Some(empty)`, not `None`.
//! - A value of the wrong JSON type (`"readOnly": "yes"`, `"required": 3`, a method that is not
//!   an object) is an error naming the file and the JSON pointer ([`parse`]); keys the model
//!   does not know are ignored.
//! - [`Document::schema_at`] and friends resolve a `$ref` target's pointer inside the model.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::{Number, Value};

use crate::load::unescape_token;
use crate::Error;

/// How deep `allOf` chains and `$ref`-to-`$ref` hops are followed before a walker gives up
/// (a cycle the loader let through). One limit for every walker.
pub const MAX_DEPTH: usize = 32;

/// One Swagger 2.0 document.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Document {
    /// `swagger` (`"2.0"`).
    pub swagger: Option<String>,
    /// `info`.
    pub info: Info,
    /// `host`.
    pub host: Option<String>,
    /// `basePath`.
    #[serde(rename = "basePath")]
    pub base_path: Option<String>,
    /// `schemes`.
    pub schemes: Vec<String>,
    /// `consumes`.
    pub consumes: Vec<String>,
    /// `produces`.
    pub produces: Vec<String>,
    /// `paths`, in document order.
    pub paths: IndexMap<String, PathItem>,
    /// `definitions`, in document order.
    pub definitions: IndexMap<String, Schema>,
    /// Shared `parameters`.
    pub parameters: IndexMap<String, Parameter>,
    /// Shared `responses`.
    pub responses: IndexMap<String, Response>,
}

/// `info`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Info {
    /// `title`.
    pub title: Option<String>,
    /// `version`.
    pub version: Option<String>,
    /// `description`.
    pub description: Option<String>,
}

/// An HTTP method of a path item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// `get`
    Get,
    /// `put`
    Put,
    /// `post`
    Post,
    /// `patch`
    Patch,
    /// `delete`
    Delete,
    /// `head`
    Head,
    /// `options`
    Options,
}

impl Method {
    /// Every method, as Swagger spells them.
    pub const ALL: [Method; 7] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Patch,
        Method::Delete,
        Method::Head,
        Method::Options,
    ];

    /// The lowercase key (`get`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Patch => "patch",
            Method::Delete => "delete",
            Method::Head => "head",
            Method::Options => "options",
        }
    }

    /// The method for a path-item key, if it is one.
    pub fn parse(key: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == key)
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A path item: shared parameters and the operations, in document order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PathItem {
    /// Parameters every operation of the path shares.
    pub parameters: Vec<Parameter>,
    /// The operations, in the order the document lists them.
    pub operations: Vec<(Method, Operation)>,
}

impl<'de> Deserialize<'de> for PathItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = PathItem;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a path item object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<PathItem, A::Error> {
                let mut item = PathItem::default();
                while let Some(key) = a.next_key::<String>()? {
                    if key == "parameters" {
                        item.parameters = a.next_value()?;
                    } else if let Some(m) = Method::parse(&key) {
                        let op: Operation = a.next_value()?;
                        item.operations.push((m, op));
                    } else {
                        a.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(item)
            }
        }
        d.deserialize_map(V)
    }
}

/// An operation.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Operation {
    /// `operationId`.
    #[serde(rename = "operationId")]
    pub operation_id: Option<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `consumes`.
    pub consumes: Option<Vec<String>>,
    /// `produces`.
    pub produces: Option<Vec<String>>,
    /// `parameters` (after the path item's).
    pub parameters: Vec<Parameter>,
    /// `responses` by status code (or `default`), in document order; `None` when absent.
    pub responses: Option<IndexMap<String, Response>>,
    /// `deprecated`.
    pub deprecated: Option<bool>,
    /// `x-ms-long-running-operation`.
    #[serde(rename = "x-ms-long-running-operation")]
    pub long_running: Option<bool>,
    /// `x-ms-long-running-operation-options`.
    #[serde(rename = "x-ms-long-running-operation-options")]
    pub long_running_options: Option<LroOptions>,
    /// `x-ms-pageable`.
    #[serde(rename = "x-ms-pageable")]
    pub pageable: Option<Pageable>,
}

/// `x-ms-long-running-operation-options`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct LroOptions {
    /// `final-state-via`, as written (checked by normalize, compared by the diff); an
    /// explicit `null` is `Some(Value::Null)`, not absent.
    #[serde(rename = "final-state-via", deserialize_with = "keep_null")]
    pub final_state_via: Option<Value>,
}

/// Any JSON value, `null` included (`Option<Value>` alone would read `null` as absent).
fn keep_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// `x-ms-pageable`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Pageable {
    /// `nextLinkName`: absent means `nextLink`, `null` means one page only.
    #[serde(rename = "nextLinkName", deserialize_with = "present")]
    pub next_link_name: Option<Option<String>>,
    /// `itemName` (`value` when absent).
    #[serde(rename = "itemName")]
    pub item_name: Option<String>,
    /// `operationName`.
    #[serde(rename = "operationName")]
    pub operation_name: Option<String>,
}

impl Pageable {
    /// The next-link property: `nextLink` unless renamed, `None` when set to `null`.
    pub fn next_link(&self) -> Option<&str> {
        match &self.next_link_name {
            None => Some("nextLink"),
            Some(n) => n.as_deref(),
        }
    }

    /// The items property.
    pub fn item_name(&self) -> &str {
        self.item_name.as_deref().unwrap_or("value")
    }
}

/// Distinguishes an explicit `null` (`Some(None)`) from an absent key (`None`).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Where a parameter goes (`in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ParamLocation {
    /// `path`
    Path,
    /// `query`
    Query,
    /// `header`
    Header,
    /// `body`
    Body,
    /// `formData`
    FormData,
}

impl ParamLocation {
    /// As Swagger spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Body => "body",
            ParamLocation::FormData => "formData",
        }
    }
}

/// A parameter, or a `$ref` to a shared one (then only [`Parameter::reference`] is set).
///
/// A non-body parameter's type (`type`, `format`, `enum`, `items`, constraints, `x-ms-enum`,
/// `default`, …) is [`Parameter::ty`], the same [`Schema`] struct a property has; a body
/// parameter's is [`Parameter::schema`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Parameter {
    /// `$ref` to a shared parameter.
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `in`.
    #[serde(rename = "in")]
    pub location: Option<ParamLocation>,
    /// `required`.
    pub required: Option<bool>,
    /// `schema` (body parameters).
    pub schema: Option<Schema>,
    /// `collectionFormat` (array query and header parameters).
    #[serde(rename = "collectionFormat")]
    pub collection_format: Option<String>,
    /// `x-ms-parameter-location` (`client` or `method`).
    #[serde(rename = "x-ms-parameter-location")]
    pub parameter_location: Option<String>,
    /// `x-ms-skip-url-encoding`.
    #[serde(rename = "x-ms-skip-url-encoding")]
    pub skip_url_encoding: Option<bool>,
    /// The type keys of a non-body parameter (and its `description`, `x-ms-client-name`).
    #[serde(flatten)]
    pub ty: Schema,
}

/// A response.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Response {
    /// `$ref` to a shared response.
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `schema` (the body).
    pub schema: Option<Schema>,
    /// `headers`, in document order.
    pub headers: IndexMap<String, Schema>,
}

/// `x-ms-enum`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct XmsEnum {
    /// `name`.
    pub name: Option<String>,
    /// `modelAsString` (azml reads an absent value as `true`: unknown values are kept).
    #[serde(rename = "modelAsString")]
    pub model_as_string: Option<bool>,
    /// `values`.
    pub values: Vec<XmsEnumValue>,
}

/// One entry of `x-ms-enum.values`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct XmsEnumValue {
    /// `value`.
    pub value: Value,
    /// `description`.
    pub description: Option<String>,
    /// `name`.
    pub name: Option<String>,
}

/// `additionalProperties`: a boolean or a schema.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum AdditionalProperties {
    /// `true` / `false`.
    Bool(bool),
    /// A schema for the values (`{}` means any value).
    Schema(Box<Schema>),
}

/// A schema: a definition, a property, an `items`, a body, a header — `$ref` or inline.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Schema {
    /// `$ref`.
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    /// `type`.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// `format`.
    pub format: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `default`.
    pub default: Option<Value>,
    /// `enum`.
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<Value>>,
    /// `items`.
    pub items: Option<Box<Schema>>,
    /// `properties`, in document order (`Some(empty)` for `properties: {}`).
    pub properties: Option<IndexMap<String, Schema>>,
    /// `required`.
    pub required: Vec<String>,
    /// `additionalProperties`.
    #[serde(rename = "additionalProperties")]
    pub additional_properties: Option<AdditionalProperties>,
    /// `allOf` (`Some(empty)` for `allOf: []`).
    #[serde(rename = "allOf")]
    pub all_of: Option<Vec<Schema>>,
    /// `discriminator`.
    pub discriminator: Option<String>,
    /// `readOnly`.
    #[serde(rename = "readOnly")]
    pub read_only: Option<bool>,
    /// `minimum`.
    pub minimum: Option<Number>,
    /// `maximum`.
    pub maximum: Option<Number>,
    /// `exclusiveMinimum`.
    #[serde(rename = "exclusiveMinimum")]
    pub exclusive_minimum: Option<bool>,
    /// `exclusiveMaximum`.
    #[serde(rename = "exclusiveMaximum")]
    pub exclusive_maximum: Option<bool>,
    /// `multipleOf`.
    #[serde(rename = "multipleOf")]
    pub multiple_of: Option<Number>,
    /// `minLength`.
    #[serde(rename = "minLength")]
    pub min_length: Option<u64>,
    /// `maxLength`.
    #[serde(rename = "maxLength")]
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `minItems`.
    #[serde(rename = "minItems")]
    pub min_items: Option<u64>,
    /// `maxItems`.
    #[serde(rename = "maxItems")]
    pub max_items: Option<u64>,
    /// `uniqueItems`.
    #[serde(rename = "uniqueItems")]
    pub unique_items: Option<bool>,
    /// `minProperties`.
    #[serde(rename = "minProperties")]
    pub min_properties: Option<u64>,
    /// `maxProperties`.
    #[serde(rename = "maxProperties")]
    pub max_properties: Option<u64>,
    /// `x-ms-enum`.
    #[serde(rename = "x-ms-enum")]
    pub x_ms_enum: Option<XmsEnum>,
    /// `x-ms-discriminator-value`.
    #[serde(rename = "x-ms-discriminator-value")]
    pub discriminator_value: Option<String>,
    /// `x-ms-client-name`.
    #[serde(rename = "x-ms-client-name")]
    pub client_name: Option<String>,
    /// `x-nullable`.
    #[serde(rename = "x-nullable")]
    pub nullable: Option<bool>,
    /// `x-ms-secret`.
    #[serde(rename = "x-ms-secret")]
    pub secret: Option<bool>,
    /// `x-ms-mutability` (absent: all of `create`, `read`, `update`).
    #[serde(rename = "x-ms-mutability")]
    pub mutability: Option<Vec<String>>,
    /// `x-ms-client-flatten`.
    #[serde(rename = "x-ms-client-flatten")]
    pub client_flatten: Option<bool>,
    /// `x-ms-azure-resource`.
    #[serde(rename = "x-ms-azure-resource")]
    pub azure_resource: Option<bool>,
    /// `x-ms-identifiers`.
    #[serde(rename = "x-ms-identifiers")]
    pub identifiers: Option<Vec<Value>>,
}

impl Schema {
    /// `readOnly: true`.
    pub fn is_read_only(&self) -> bool {
        self.read_only == Some(true)
    }

    /// `x-ms-secret: true`.
    pub fn is_secret(&self) -> bool {
        self.secret == Some(true)
    }

    /// `x-nullable: true`.
    pub fn is_nullable(&self) -> bool {
        self.nullable == Some(true)
    }

    /// Whether the service never returns it: a secret, or `x-ms-mutability` without `read`.
    pub fn is_write_only(&self) -> bool {
        self.is_secret()
            || self
                .mutability
                .as_ref()
                .is_some_and(|m| !m.iter().any(|x| x == "read"))
    }

    /// A string enum (`type: string` with `enum`).
    pub fn is_string_enum(&self) -> bool {
        self.ty.as_deref() == Some("string") && self.enum_values.is_some()
    }

    /// The schema at a pointer below this one (`/properties/x/items`, `/allOf/0`, …).
    pub fn at(&self, tokens: &[String]) -> Option<&Schema> {
        let Some((first, rest)) = tokens.split_first() else {
            return Some(self);
        };
        match first.as_str() {
            "properties" => {
                let (name, rest) = rest.split_first()?;
                self.properties.as_ref()?.get(name)?.at(rest)
            }
            "items" => self.items.as_deref()?.at(rest),
            "allOf" => {
                let (i, rest) = rest.split_first()?;
                self.all_of
                    .as_ref()?
                    .get(i.parse::<usize>().ok()?)?
                    .at(rest)
            }
            "additionalProperties" => match self.additional_properties.as_ref()? {
                AdditionalProperties::Schema(s) => s.at(rest),
                AdditionalProperties::Bool(_) => None,
            },
            _ => None,
        }
    }
}

/// What a JSON pointer into a document designates.
#[derive(Debug, Clone, Copy)]
pub enum Node<'a> {
    /// A schema (definition, property, body, …).
    Schema(&'a Schema),
    /// A parameter.
    Parameter(&'a Parameter),
    /// A response.
    Response(&'a Response),
}

/// Splits a JSON pointer (`/definitions/A~1B`) into unescaped tokens.
pub fn tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(unescape_token)
        .collect::<Vec<_>>()
}

impl Document {
    /// What `pointer` designates in this document, when it is a schema, parameter or response.
    pub fn at(&self, pointer: &str) -> Option<Node<'_>> {
        let toks = tokens(pointer);
        let (first, rest) = toks.split_first()?;
        match first.as_str() {
            "definitions" => {
                let (name, rest) = rest.split_first()?;
                self.definitions.get(name)?.at(rest).map(Node::Schema)
            }
            "parameters" => {
                let (name, rest) = rest.split_first()?;
                parameter_at(self.parameters.get(name)?, rest)
            }
            "responses" => {
                let (name, rest) = rest.split_first()?;
                response_at(self.responses.get(name)?, rest)
            }
            "paths" => {
                let (path, rest) = rest.split_first()?;
                let item = self.paths.get(path)?;
                let (second, rest) = rest.split_first()?;
                if second == "parameters" {
                    let (i, rest) = rest.split_first()?;
                    return parameter_at(item.parameters.get(i.parse::<usize>().ok()?)?, rest);
                }
                let m = Method::parse(second)?;
                let op = &item.operations.iter().find(|(k, _)| *k == m)?.1;
                let (third, rest) = rest.split_first()?;
                let (key, rest) = rest.split_first()?;
                match third.as_str() {
                    "parameters" => {
                        parameter_at(op.parameters.get(key.parse::<usize>().ok()?)?, rest)
                    }
                    "responses" => response_at(op.responses.as_ref()?.get(key)?, rest),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The schema at `pointer`, if it designates one.
    pub fn schema_at(&self, pointer: &str) -> Option<&Schema> {
        match self.at(pointer)? {
            Node::Schema(s) => Some(s),
            _ => None,
        }
    }
}

fn parameter_at<'a>(p: &'a Parameter, rest: &[String]) -> Option<Node<'a>> {
    match rest.split_first() {
        None => Some(Node::Parameter(p)),
        Some((s, rest)) if s == "schema" => p.schema.as_ref()?.at(rest).map(Node::Schema),
        Some(_) => p.ty.at(rest).map(Node::Schema),
    }
}

fn response_at<'a>(r: &'a Response, rest: &[String]) -> Option<Node<'a>> {
    match rest.split_first() {
        None => Some(Node::Response(r)),
        Some((s, rest)) if s == "schema" => r.schema.as_ref()?.at(rest).map(Node::Schema),
        Some((h, rest)) if h == "headers" => {
            let (name, rest) = rest.split_first()?;
            r.headers.get(name)?.at(rest).map(Node::Schema)
        }
        Some(_) => None,
    }
}

/// Reads one document's JSON into the model. `file` is how errors name the document; a value
/// of the wrong type is reported with its JSON pointer.
pub fn parse(file: &str, doc: &Value) -> Result<Document, Error> {
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let mut pointer = String::new();
        for seg in e.path().iter() {
            use serde_path_to_error::Segment;
            match seg {
                Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
                Segment::Map { key } | Segment::Enum { variant: key } => {
                    pointer.push('/');
                    pointer.push_str(&crate::load::escape_token(key));
                }
                Segment::Unknown => {}
            }
        }
        Error::new(format!("{file}#{pointer}: {}", e.inner()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ref_siblings_order_and_presence_are_kept() {
        let d = parse(
            "a.json",
            &json!({
                "paths": {"/b": {"put": {"operationId": "B_Put"}, "get": {"operationId": "B_Get"}}},
                "definitions": {
                    "Z": {"properties": {}},
                    "A": {"properties": {"p": {"$ref": "#/definitions/Z", "readOnly": true,
                        "x-ms-client-name": "q", "x-nullable": false}}}
                }
            }),
        )
        .unwrap();
        let methods: Vec<_> = d.paths["/b"].operations.iter().map(|(m, _)| *m).collect();
        assert_eq!(methods, [Method::Put, Method::Get]);
        assert_eq!(d.definitions.keys().collect::<Vec<_>>(), ["Z", "A"]);
        assert_eq!(d.definitions["Z"].properties, Some(IndexMap::new()));
        let p = d.schema_at("/definitions/A/properties/p").unwrap();
        assert_eq!(p.reference.as_deref(), Some("#/definitions/Z"));
        assert!(p.is_read_only());
        assert_eq!(p.client_name.as_deref(), Some("q"));
        assert_eq!(p.nullable, Some(false));
    }

    #[test]
    fn wrong_types_name_the_pointer() {
        let e = parse(
            "a.json",
            &json!({"definitions": {"A": {"properties": {"p": {"readOnly": "yes"}}}}}),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("a.json#/definitions/A/properties/p/readOnly: invalid type"),
            "{e}"
        );
        let e = parse(
            "a.json",
            &json!({"paths": {"/x": {"get": {"responses": {"200": {"schema": {"required": 3}}}}}}}),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("a.json#/paths/~1x/get/responses/200/schema/required: invalid type"),
            "{e}"
        );
    }

    #[test]
    fn parameters_keep_type_and_null_next_link() {
        let d = parse(
            "a.json",
            &json!({"parameters": {"P": {"name": "n", "in": "query", "type": "array",
                        "items": {"type": "string"}, "required": true, "x-ms-client-name": "m"}},
                    "paths": {"/x": {"get": {"x-ms-pageable": {"nextLinkName": null}}}}}),
        )
        .unwrap();
        let Some(Node::Parameter(p)) = d.at("/parameters/P") else {
            panic!("parameter")
        };
        assert_eq!(p.location, Some(ParamLocation::Query));
        assert_eq!(p.required, Some(true));
        assert_eq!(p.ty.ty.as_deref(), Some("array"));
        assert_eq!(p.ty.client_name.as_deref(), Some("m"));
        assert!(p.ty.required.is_empty());
        let pg = d.paths["/x"].operations[0].1.pageable.as_ref().unwrap();
        let lro = parse(
            "a.json",
            &json!({"paths": {"/x": {"put": {"x-ms-long-running-operation-options": {"final-state-via": null}}}}}),
        )
        .unwrap();
        let options = lro.paths["/x"].operations[0].1.long_running_options.clone();
        assert_eq!(options.unwrap().final_state_via, Some(Value::Null));
        assert_eq!(pg.next_link(), None);
        assert_eq!(pg.item_name(), "value");
    }
}
