//! The intermediate representation between *normalize* and *emit*: operations and named
//! types with Rust names already chosen, plus the facts later stages need, settled once here
//! so that emitters and the diff only render them: the HTTP [`Method`], long-running
//! ([`Lro`], with a typed [`FinalStateVia`]), pageable, the operation's result [`Shape`],
//! discriminators, enums, read-only / secret / write-only, which fields are boxed (recursive
//! types) and which are redacted in `Debug` ([`crate::settle`]).

use std::collections::BTreeMap;

pub use crate::swagger::Method;

/// One api-version package, normalized.
#[derive(Debug, Clone)]
pub struct Api {
    /// e.g. `2023-04-01`.
    pub version: String,
    /// Spec title from the first entry file.
    pub title: String,
    /// Entry files relative to the spec root.
    pub sources: Vec<String>,
    /// Operations in spec order (entry files in configured order, paths in document order).
    pub operations: Vec<Operation>,
    /// Named types by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// Every spec definition the operations reach (`file#/definitions/X`) → its Rust type.
    pub definitions: BTreeMap<String, String>,
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ty {
    /// `string` (any format; the format is kept on [`Prop::format`]).
    String,
    /// `integer` with `format: int32`.
    I32,
    /// `integer` (int64 or unspecified).
    I64,
    /// `number`.
    F64,
    /// `boolean`.
    Bool,
    /// Anything (`object` without properties, unresolvable known-broken refs).
    Any,
    /// A named type in [`Api::types`].
    Named(String),
    /// `array`.
    Array(Box<Ty>),
    /// `additionalProperties` map with string keys.
    Map(Box<Ty>),
}

/// A named type and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Spec location (`file#/definitions/X`, or the pointer of an inline schema).
    pub source: String,
    /// Name of the spec definition, when this is one (`None` for hoisted inline schemas).
    pub definition: Option<String>,
    /// Description from the spec.
    pub doc: Option<String>,
    /// What it is.
    pub kind: Kind,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// An object with known properties (inherited `allOf` properties included).
    Struct {
        /// Properties, parents' first.
        props: Vec<Prop>,
        /// Discriminator constants this type writes (`("computeType", "AKS")`).
        discriminators: Vec<(String, String)>,
        /// Type of `additionalProperties`, when the object also has those.
        additional: Option<Ty>,
    },
    /// A string enum.
    Enum {
        /// Values in spec order.
        values: Vec<EnumValue>,
        /// `x-ms-enum.modelAsString` (or no `x-ms-enum`): unknown values are kept.
        open: bool,
    },
    /// A discriminated union (`discriminator` on the base definition).
    Union {
        /// Wire name of the discriminator property.
        discriminator: String,
        /// `(discriminator value, variant type name)` in a stable order.
        variants: Vec<(String, String)>,
        /// The base definition's own properties (inherited ones included, discriminator
        /// excluded): every variant has them, and so does a value of an unknown variant.
        base: Vec<Prop>,
    },
    /// A definition that is just another type (`type: string`, an array, …).
    Alias(Ty),
}

/// One enum value.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// The exact wire string.
    pub wire: String,
    /// Rust variant name.
    pub rust: String,
    /// `x-ms-enum.values[].description`.
    pub doc: Option<String>,
}

/// One property of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Prop {
    /// JSON name.
    pub wire: String,
    /// Rust field name.
    pub rust: String,
    /// Type.
    pub ty: Ty,
    /// In the schema's `required` list.
    pub required: bool,
    /// `readOnly: true`.
    pub read_only: bool,
    /// `x-ms-secret: true`.
    pub secret: bool,
    /// Never returned by the service: `x-ms-secret`, or an `x-ms-mutability` without `read`.
    /// A response leaves it out (see the models' tolerance of missing required properties).
    pub write_only: bool,
    /// `x-nullable: true`: `null` is a value of its own (distinct from absent).
    pub nullable: bool,
    /// `x-nullable: true` on the `items` / `additionalProperties` of an array or map property.
    pub values_nullable: bool,
    /// `format` of a string/number property.
    pub format: Option<String>,
    /// The field is `Box`ed: its type contains the owning type (set by [`crate::settle`]).
    pub boxed: bool,
    /// `Debug` redacts it: `x-ms-secret`, or a credential-like name (set by
    /// [`crate::settle`]).
    pub redacted: bool,
    /// The spec's `default` (documented, not applied: absent stays absent).
    pub default: Option<serde_json::Value>,
    /// `x-ms-client-flatten: true` (documented only: azml keeps the wire nesting).
    pub flatten: bool,
    /// Description.
    pub doc: Option<String>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    /// URL path segment.
    Path,
    /// Query string.
    Query,
    /// Header.
    Header,
    /// JSON body.
    Body,
}

/// One operation parameter (never `api-version`: the client adds that).
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Wire name.
    pub wire: String,
    /// Rust name.
    pub rust: String,
    /// Location.
    pub location: ParamIn,
    /// Required.
    pub required: bool,
    /// Type.
    pub ty: Ty,
    /// An array query parameter's `collectionFormat` (`csv`, the Swagger 2.0 default, `ssv`,
    /// `tsv`, `pipes` or `multi`); `None` for every other parameter.
    pub collection_format: Option<String>,
    /// Description.
    pub doc: Option<String>,
}

/// One response status.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Body type, if the response has one.
    pub body: Option<Ty>,
}

/// `x-ms-pageable`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pageable {
    /// `nextLinkName`; `None` means a single page.
    pub next_link: Option<String>,
    /// `itemName` (default `value`).
    pub item_name: String,
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId`, e.g. `Workspaces_Get`.
    pub id: String,
    /// Rust method name, e.g. `workspaces_get`.
    pub rust: String,
    /// HTTP method.
    pub method: Method,
    /// Path template.
    pub path: String,
    /// Spec file (relative to the spec root) that defines it.
    pub file: String,
    /// Summary / description.
    pub doc: Option<String>,
    /// Parameters without `api-version`, in spec order.
    pub params: Vec<Param>,
    /// Success responses, ascending status.
    pub responses: Vec<Response>,
    /// `default` response body (the ARM error).
    pub error: Option<Ty>,
    /// `x-ms-long-running-operation: true`.
    pub lro: Option<Lro>,
    /// `x-ms-pageable`.
    pub pageable: Option<Pageable>,
}

/// A long-running operation's polling facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Lro {
    /// `x-ms-long-running-operation-options.final-state-via`, when given.
    pub final_state_via: Option<FinalStateVia>,
}

/// Where a long-running operation's result is read (`final-state-via`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FinalStateVia {
    /// `azure-async-operation`
    AzureAsyncOperation,
    /// `location`
    Location,
    /// `original-uri`
    OriginalUri,
    /// `operation-location`
    OperationLocation,
}

impl FinalStateVia {
    /// Every value ARM defines.
    pub const ALL: [FinalStateVia; 4] = [
        FinalStateVia::AzureAsyncOperation,
        FinalStateVia::Location,
        FinalStateVia::OriginalUri,
        FinalStateVia::OperationLocation,
    ];

    /// As the spec writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            FinalStateVia::AzureAsyncOperation => "azure-async-operation",
            FinalStateVia::Location => "location",
            FinalStateVia::OriginalUri => "original-uri",
            FinalStateVia::OperationLocation => "operation-location",
        }
    }

    /// The value for a spec string, if ARM defines it.
    pub fn parse(s: &str) -> Option<FinalStateVia> {
        FinalStateVia::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// What an operation's method returns, settled from its facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Long-running: a `Poller` (the first response is read raw and drives it).
    LongRunning,
    /// Not long-running, success responses that differ in body (`200` with a model, `202`
    /// without): raw access (`ResponseValue<Vec<u8>>`, decode by status), even if pageable.
    Raw,
    /// Pageable with one success shape: a `Pager` of the page's items.
    Pageable,
    /// One typed response.
    Plain,
}

impl Operation {
    /// What the operation's method returns.
    pub fn shape(&self) -> Shape {
        if self.lro.is_some() {
            Shape::LongRunning
        } else if self.multiple_success_shapes() {
            Shape::Raw
        } else if self.pageable.is_some() {
            Shape::Pageable
        } else {
            Shape::Plain
        }
    }

    /// The single body type shared by all success responses that have a body.
    pub fn success_body(&self) -> Option<&Ty> {
        self.responses.iter().find_map(|r| r.body.as_ref())
    }

    /// Whether the success responses differ in body (a body type, or none): e.g. `200` with
    /// a model and `202` without. Such an operation has no single typed result.
    pub fn multiple_success_shapes(&self) -> bool {
        let shapes: std::collections::BTreeSet<Option<&Ty>> =
            self.responses.iter().map(|r| r.body.as_ref()).collect();
        shapes.len() > 1
    }
}

impl Api {
    /// Named types the client *sends*: reachable from an operation's parameters (request
    /// bodies included) through struct properties and `additionalProperties`, union variants
    /// and base properties, arrays, maps and aliases. The others are only ever received, so
    /// the model emitter marks them `#[non_exhaustive]` (a new optional field is then a minor
    /// change) while sent models stay buildable with a struct literal.
    pub fn sent_types(&self) -> std::collections::BTreeSet<String> {
        let mut sent = std::collections::BTreeSet::new();
        let mut stack: Vec<Ty> = self
            .operations
            .iter()
            .flat_map(|op| op.params.iter().map(|p| p.ty.clone()))
            .collect();
        while let Some(t) = stack.pop() {
            match t {
                Ty::Array(t) | Ty::Map(t) => stack.push(*t),
                Ty::Named(n) => {
                    let Some(def) = self.types.get(&n) else {
                        continue;
                    };
                    if !sent.insert(n) {
                        continue;
                    }
                    match &def.kind {
                        Kind::Struct {
                            props, additional, ..
                        } => {
                            stack.extend(props.iter().map(|p| p.ty.clone()));
                            stack.extend(additional.iter().cloned());
                        }
                        Kind::Union { variants, base, .. } => {
                            stack.extend(variants.iter().map(|(_, v)| Ty::Named(v.clone())));
                            stack.extend(base.iter().map(|p| p.ty.clone()));
                        }
                        Kind::Alias(t) => stack.push(t.clone()),
                        Kind::Enum { .. } => {}
                    }
                }
                _ => {}
            }
        }
        sent
    }
}
