//! Stage 3a, *emit models*: one Rust type per named type of the [`Api`], written by us rather
//! than typify, because typify ignores `discriminator`, closes `x-ms-enum` enums and derives
//! serde for every type (the dominant compile cost). What we emit instead:
//! - structs with `pub` fields and a [`Json`] impl of two small functions; serde comes from one
//!   `serde_via_json!` invocation;
//! - string enums: `x-ms-enum.modelAsString: true` (or no `x-ms-enum`) gets an `Other(String)`
//!   catch-all that keeps an unknown value verbatim; `modelAsString: false` is closed (an
//!   unknown value is a decoding error). Matching is case-exact, as on the wire;
//! - discriminated unions as enums with one variant per discriminator value (transitive
//!   children included; an intermediate class of a deeper hierarchy is a union itself) and an
//!   `Unknown(serde_json::Value)` variant that keeps what a newer service sends and writes it
//!   back unchanged. Each variant struct carries the base's fields (`allOf` is flattened) and
//!   is boxed: variants differ a lot in size, and a list of a union would otherwise reserve
//!   the largest variant's size for every item;
//! - a `__read_only` module with one static [`Shape`] per model that has read-only properties
//!   (directly or nested): the client hooks strip those from request bodies, so responses
//!   round-trip unchanged while requests never carry read-only fields;
//! - a `DEFINITIONS` table and a `__roundtrip` hook used by the coverage tests.
//!
//! How spec facts map to Rust (the JSON round trip is exact: read and written back, a value
//! is the same JSON value, except for the two documented cases in the `json` module). Nothing
//! the service sends is dropped: every struct has an `extra` field holding the properties its
//! schema does not declare, written back on encode, so a GET → modify → PUT keeps settings a
//! newer client or the portal made. To send only declared properties, call
//! `model.extra.clear_unknown()` (or set `extra` to its default) before sending. Request
//! bodies stay strict where the spec requires a field: a required field is a plain `T` the
//! caller must set.
//!
//! | spec | Rust |
//! |---|---|
//! | required | `T`; a response that leaves it out decodes with `T`'s placeholder (`""`, `0`, empty, `Unknown(null)`), named by `extra.missing()` and not written back unless changed; a closed enum has no placeholder, so its absence fails decoding |
//! | optional | `Option<T>` (absent ↔ `None`) |
//! | a property the schema does not declare | kept in the struct's `extra` (`azml::json::Extra`) and written back unchanged, after the declared ones |
//! | write-only (`x-ms-secret`, `x-ms-mutability` without `read`) | as required/optional above: requests must set a required one, responses never have it |
//! | `x-nullable` optional | `Option<Option<T>>` (absent ↔ `None`, `null` ↔ `Some(None)`) |
//! | `x-nullable` required | `Option<T>` (`null` ↔ `None`) |
//! | `x-nullable` map values / items | `BTreeMap<String, Option<T>>` / `Vec<Option<T>>` |
//! | `format: date-time` | [`DateTime`]: the exact RFC 3339 text, `to_system_time()` parses |
//! | `format: duration` | [`IsoDuration`]: the exact ISO 8601 text, `to_std()` parses |
//! | `format: uuid` | [`Uuid`]: the exact text, `to_u128()` parses |
//! | `integer` (`int32` / `int64` or none) | `i32` / `i64` |
//! | `number` (any format) | `serde_json::Number`, exactly as sent (`1.0` stays `1.0`) |
//! | `byte`, `arm-id`, `uri`, other string formats | `String`, unchanged |
//! | `additionalProperties` | `BTreeMap<String, T>` (`additional_properties` next to fields) |
//! | `readOnly` | a normal field (read from responses), stripped from request bodies |
//! | `x-ms-secret`, credential-like names | a normal field, `<redacted>` in `Debug` |
//! | `default` | documented on the field, not applied (absent stays absent) |
//! | `x-ms-client-flatten` | documented on the field; the Rust type keeps the wire nesting |
//!
//! `x-ms-client-flatten` is deliberately not flattened: the same model is read from responses
//! and sent in requests, the wire nesting is what round-trips exactly, and flattening would
//! make field names collide (`properties.description` vs a parent `description`).
//!
//! Names: fields are snake_case of the wire name (or of `x-ms-client-name`), keywords get a
//! trailing `_` (`type_`), and collisions get `_2`, `_3`… in property order; model names are
//! the spec's definition names in UpperCamelCase (see [`crate::normalize`] for inline
//! schemas and collisions), so a definition keeps its Rust name across api-versions.
//!
//! [`Json`]: https://docs.rs/azml (the `json` module of the generated crate)
//! [`Shape`]: https://docs.rs/azml (`azml::json::Shape`)
//! [`DateTime`]: https://docs.rs/azml (`azml::json::DateTime`)
//! [`IsoDuration`]: https://docs.rs/azml (`azml::json::IsoDuration`)
//! [`Uuid`]: https://docs.rs/azml (`azml::json::Uuid`)

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::*;

/// Rust tokens of a type reference.
pub fn ty_tokens(ty: &Ty, boxed: bool) -> TokenStream {
    let inner = match ty {
        Ty::String => quote!(String),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::F64 => quote!(serde_json::Number),
        Ty::Bool => quote!(bool),
        Ty::Any => quote!(serde_json::Value),
        Ty::Named(n) => {
            let id = format_ident!("{}", n);
            quote!(#id)
        }
        Ty::Array(t) => {
            let t = ty_tokens(t, false);
            quote!(Vec<#t>)
        }
        Ty::Map(t) => {
            let t = ty_tokens(t, false);
            quote!(std::collections::BTreeMap<String, #t>)
        }
    };
    if boxed {
        quote!(Box<#inner>)
    } else {
        inner
    }
}

/// `#[doc = ...]` attributes for an optional description.
pub fn doc_attr(doc: Option<&str>) -> TokenStream {
    match doc {
        Some(d) => {
            let d = format!(" {}", escape_doc(d));
            quote!(#[doc = #d])
        }
        None => quote!(),
    }
}

/// Keeps descriptions from being read as rustdoc code blocks (doctests), HTML or intra-doc
/// links.
pub fn escape_doc(d: &str) -> String {
    let escaped = d
        .lines()
        .map(|l| l.trim_start())
        .collect::<Vec<_>>()
        .join("\n ")
        .replace("```", "\\`\\`\\`")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    autolink(&escaped)
}

/// Wraps bare `http(s)://` URLs in `<…>` (rustdoc warns on bare URLs; Markdown links cannot
/// occur, `escape_doc` escapes their brackets); trailing `.,;:` stay outside.
fn autolink(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(i) = rest.find("http") {
        let (before, at) = rest.split_at(i);
        out.push_str(before);
        let is_url = at.starts_with("https://") || at.starts_with("http://");
        if !is_url {
            out.push_str("http");
            rest = &at[4..];
            continue;
        }
        let end = at
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ')' | '&' | '`' | '\\'))
            .unwrap_or(at.len());
        let url = at[..end].trim_end_matches(['.', ',', ';', ':']);
        out.push('<');
        out.push_str(url);
        out.push('>');
        rest = &at[url.len()..];
    }
    out.push_str(rest);
    out
}

/// Whether a type can derive `Default`.
fn has_default(api: &Api, ty: &Ty, memo: &mut BTreeMap<String, bool>) -> bool {
    let n = match ty {
        Ty::Named(n) => n,
        Ty::F64 => return false, // `serde_json::Number` has no `Default`
        _ => return true,
    };
    if let Some(v) = memo.get(n) {
        return *v;
    }
    memo.insert(n.clone(), true); // cycles are behind Option/Box and default fine
    let v = match &api.types[n].kind {
        Kind::Struct { props, .. } => props
            .iter()
            .filter(|p| p.required && !p.nullable)
            .all(|p| has_default(api, &p.ty, memo)),
        Kind::Alias(t) => has_default(api, t, memo),
        Kind::Enum { .. } | Kind::Union { .. } => false,
    };
    memo.insert(n.clone(), v);
    v
}

/// The Rust type of a struct field: formats, `x-nullable` (`Option`), optional (`Option`).
fn field_ty(p: &Prop) -> TokenStream {
    let base = match (&p.ty, p.format.as_deref()) {
        (Ty::String, Some("date-time" | "date-time-rfc1123")) => quote!(crate::json::DateTime),
        (Ty::String, Some("duration")) => quote!(crate::json::IsoDuration),
        (Ty::String, Some("uuid")) => quote!(crate::json::Uuid),
        (Ty::Array(t), _) if p.values_nullable && **t != Ty::Any => {
            let t = ty_tokens(t, false);
            quote!(Vec<Option<#t>>)
        }
        (Ty::Map(t), _) if p.values_nullable && **t != Ty::Any => {
            let t = ty_tokens(t, false);
            quote!(std::collections::BTreeMap<String, Option<#t>>)
        }
        (t, _) => ty_tokens(t, p.boxed),
    };
    let t = if p.nullable && p.ty != Ty::Any {
        quote!(Option<#base>)
    } else {
        base
    };
    if p.required {
        t
    } else {
        quote!(Option<#t>)
    }
}

/// Field documentation: the spec's description plus what azml does with the field.
fn field_doc(p: &Prop) -> TokenStream {
    let mut d = p.doc.clone().unwrap_or_default();
    let mut note = |s: String| {
        if !d.is_empty() {
            d.push_str("\n\n");
        }
        d.push_str(&s);
    };
    if p.read_only {
        note("Read-only: set by the service, never sent in a request body.".into());
    }
    if p.write_only {
        note(if p.required {
            "Write-only: the service never returns it; a response without it decodes with a \
             placeholder here, listed in `extra.missing()`."
                .into()
        } else {
            "Write-only: the service never returns it.".into()
        });
    }
    if p.nullable && p.ty != Ty::Any {
        note(if p.required {
            "Nullable: `None` is an explicit `null`.".into()
        } else {
            "Nullable (`x-nullable`): `None` is absent, `Some(None)` an explicit `null`.".into()
        });
    }
    if let Some(v) = &p.default {
        note(format!(
            "Service default: `{}` (not filled in by azml: absent stays absent).",
            v.to_string().replace('`', "'")
        ));
    }
    if p.flatten {
        note(
            "`x-ms-client-flatten`: other Azure SDKs hoist these properties into the parent; \
             azml keeps them nested, as on the wire."
                .into(),
        );
    }
    if p.redacted {
        note("Credential: shown as `<redacted>` by `Debug`.".into());
    }
    doc_attr((!d.is_empty()).then_some(d.as_str()))
}

fn emit_struct(
    api: &Api,
    def: &TypeDef,
    props: &[Prop],
    discs: &[(String, String)],
    additional: &Option<Ty>,
    memo: &mut BTreeMap<String, bool>,
    sent: &BTreeSet<String>,
) -> TokenStream {
    let name = format_ident!("{}", def.name);
    // Receive-only models may gain fields in a minor release; sent ones stay buildable with
    // a struct literal (`..Default::default()`).
    let non_exhaustive = if sent.contains(&def.name) {
        quote!()
    } else {
        quote!(#[non_exhaustive])
    };
    let doc = doc_attr(def.doc.as_deref());
    let mut fields = Vec::new();
    // Decoding is one pass over the object's entries: each declared key fills a local
    // (`f_<field>`), discriminator constants are skipped, anything else is kept.
    let mut locals = Vec::new();
    let mut arms = Vec::new();
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    for p in props {
        let f = format_ident!("{}", p.rust);
        let local = format_ident!("f_{}", p.rust);
        let t = field_ty(p);
        let wire = &p.wire;
        let fdoc = field_doc(p);
        fields.push(quote!(#fdoc pub #f: #t,));
        locals.push(quote!(let mut #local = None;));
        arms.push(quote!(#wire => #local = ObjReader::field(#wire, v)?,));
        if p.required {
            reads.push(quote!(#f: o.required(#wire, #local)?,));
            writes.push(quote!(o.req(#wire, &self.#f);));
        } else {
            reads.push(quote!(#f: #local,));
            writes.push(quote!(o.opt(#wire, &self.#f);));
        }
    }
    for (k, v) in discs {
        writes.push(quote!(o.constant(#k, #v);));
        if !props.iter().any(|p| p.wire == *k) {
            arms.push(quote!(#k => {}));
        }
    }
    let (rest_field, rest_local, rest_arm, rest_read, rest_write) = match additional {
        Some(t) => {
            let t = ty_tokens(t, false);
            (
                quote!(#[doc = " Additional properties."] pub additional_properties: std::collections::BTreeMap<String, #t>,),
                quote!(let mut rest = std::collections::BTreeMap::new();),
                quote!(_ => o.additional(&mut rest, k, v)?,),
                quote!(additional_properties: rest,),
                quote!(o.rest(&self.additional_properties);),
            )
        }
        None => (
            quote!(),
            quote!(),
            quote!(_ => o.unknown(k, v),),
            quote!(),
            quote!(),
        ),
    };
    let extra = format_ident!("{}", extra_field(props));
    let default = if has_default(api, &Ty::Named(def.name.clone()), memo) {
        quote!(Default,)
    } else {
        quote!()
    };
    // Credentials never appear in `Debug` output.
    let secrets: Vec<&Prop> = props.iter().filter(|p| p.redacted).collect();
    let (debug_derive, debug_impl) = if secrets.is_empty() {
        (quote!(Debug,), quote!())
    } else {
        let label = def.name.as_str();
        let fields = props.iter().map(|p| {
            let f = format_ident!("{}", p.rust);
            let n = p.rust.as_str();
            if !p.redacted {
                quote!(.field(#n, &self.#f))
            } else if p.required {
                quote!(.field(#n, &crate::json::Redacted(true)))
            } else {
                quote!(.field(#n, &self.#f.as_ref().map(|_| crate::json::Redacted(true))))
            }
        });
        let rest = if additional.is_some() {
            quote!(.field("additional_properties", &self.additional_properties))
        } else {
            quote!()
        };
        let extra_name = extra.to_string();
        let rest = quote!(#rest .field(#extra_name, &self.#extra));
        (
            quote!(),
            quote! {
                impl std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.debug_struct(#label) #(#fields)* #rest .finish()
                    }
                }
            },
        )
    };
    let placeholder = if default.is_empty() {
        let fields = props.iter().map(|p| {
            let f = format_ident!("{}", p.rust);
            if p.required {
                quote!(#f: Json::placeholder()?,)
            } else {
                quote!(#f: None,)
            }
        });
        let rest = additional
            .as_ref()
            .map(|_| quote!(additional_properties: Default::default(),));
        quote!(Some(Self { #(#fields)* #rest #extra: Default::default() }))
    } else {
        quote!(Some(Self::default()))
    };
    quote! {
        #doc
        #[derive(Clone, #debug_derive #default PartialEq)]
        #non_exhaustive
        pub struct #name {
            #(#fields)*
            #rest_field
            #[doc = " What the service sent beyond the declared fields: unknown properties (written"]
            #[doc = " back unchanged) and required ones it left out (see `azml::json::Extra`)."]
            pub #extra: crate::json::Extra,
        }
        #debug_impl
        impl Json for #name {
            fn from_json(v: Value) -> Result<Self, DecodeError> {
                let mut o = ObjReader::new(v)?;
                #(#locals)*
                #rest_local
                while let Some((k, v)) = o.next_entry() {
                    match k.as_str() {
                        #(#arms)*
                        #rest_arm
                    }
                }
                Ok(Self { #(#reads)* #rest_read #extra: o.finish() })
            }
            fn to_json(&self) -> Value {
                let mut o = ObjWriter::new(&self.#extra);
                #(#writes)*
                #rest_write
                o.finish()
            }
            fn placeholder() -> Option<Self> {
                #placeholder
            }
        }
    }
}

/// The name of a struct's [`Extra`] field: `extra`, unless a property already took it.
///
/// [`Extra`]: https://docs.rs/azml (`azml::json::Extra`)
pub fn extra_field(props: &[Prop]) -> String {
    let mut name = String::from("extra");
    while props.iter().any(|p| p.rust == name) {
        name.push('_');
    }
    name
}

fn emit_enum(def: &TypeDef, values: &[EnumValue], open: bool) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let doc = doc_attr(def.doc.as_deref());
    let variants = values.iter().map(|v| {
        let id = format_ident!("{}", v.rust);
        let d = doc_attr(Some(v.doc.as_deref().unwrap_or(&format!("`{}`", v.wire))));
        quote!(#d #id,)
    });
    let as_str = values.iter().map(|v| {
        let id = format_ident!("{}", v.rust);
        let w = &v.wire;
        quote!(Self::#id => #w,)
    });
    let parse = values.iter().map(|v| {
        let id = format_ident!("{}", v.rust);
        let w = &v.wire;
        quote!(#w => Self::#id,)
    });
    let (other_variant, other_str, other_parse) = if open {
        (
            quote!(
                #[doc = " A value this version of the client does not know, kept verbatim."]
                Other(String),
            ),
            quote!(Self::Other(s) => s,),
            quote!(_ => Self::Other(s),),
        )
    } else {
        (
            quote!(),
            quote!(),
            quote!(other => return Err(DecodeError::new(format!("unknown {} value {:?}", stringify!(#name), other))),),
        )
    };
    let placeholder = if open {
        quote!(
            fn placeholder() -> Option<Self> {
                Some(Self::Other(String::new()))
            }
        )
    } else {
        quote!()
    };
    let kind = if open {
        " Extensible (`modelAsString`): values are case-exact; an unknown one is kept in `Other`."
    } else {
        " Closed (`modelAsString: false`): values are case-exact; an unknown one fails decoding."
    };
    quote! {
        #doc
        #[doc = ""]
        #[doc = #kind]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name { #(#variants)* #other_variant }
        impl #name {
            /// The exact wire value.
            pub fn as_str(&self) -> &str {
                match self { #(#as_str)* #other_str }
            }
        }
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl Json for #name {
            fn from_json(v: Value) -> Result<Self, DecodeError> {
                let s = String::from_json(v)?;
                Ok(match s.as_str() { #(#parse)* #other_parse })
            }
            fn to_json(&self) -> Value {
                Value::String(self.as_str().to_string())
            }
            #placeholder
        }
    }
}

fn emit_union(
    def: &TypeDef,
    disc: &str,
    variants: &[(String, String)],
    base: &[Prop],
) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let doc = doc_attr(def.doc.as_deref());
    let shared = if base.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = base.iter().map(|p| format!("`{}`", p.rust)).collect();
        format!(
            " Every variant has the base's fields ({}); an unknown variant keeps them in its JSON.",
            names.join(", ")
        )
    };
    let vars = variants.iter().map(|(value, ty)| {
        let id = format_ident!("{}", ty);
        let d = format!(" `{disc}: \"{value}\"`");
        quote!(#[doc = #d] #id(Box<#id>),)
    });
    let reads = variants.iter().map(|(value, ty)| {
        let id = format_ident!("{}", ty);
        quote!(Some(#value) => #id::from_json(v).map(|x| Self::#id(Box::new(x))),)
    });
    let writes = variants.iter().map(|(_, ty)| {
        let id = format_ident!("{}", ty);
        quote!(Self::#id(x) => x.to_json(),)
    });
    let debugs = variants.iter().map(|(_, ty)| {
        let id = format_ident!("{}", ty);
        quote!(Self::#id(x) => std::fmt::Debug::fmt(x, f),)
    });
    let discs = variants.iter().map(|(value, ty)| {
        let id = format_ident!("{}", ty);
        quote!(Self::#id(_) => Some(#value),)
    });
    quote! {
        #doc
        #[doc = ""]
        #[doc = #shared]
        #[derive(Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#vars)*
            /// A discriminator value this version of the client does not know; the JSON is kept
            /// unchanged and written back as it was read (`Debug` redacts credential-like keys).
            Unknown(Value),
        }
        impl #name {
            /// The discriminator value on the wire.
            pub fn discriminator(&self) -> Option<&str> {
                match self {
                    #(#discs)*
                    Self::Unknown(v) => v.get(#disc).and_then(Value::as_str),
                }
            }
        }
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #(#debugs)*
                    Self::Unknown(v) => crate::json::debug_unknown(v, f),
                }
            }
        }
        impl Json for #name {
            fn from_json(v: Value) -> Result<Self, DecodeError> {
                if !v.is_object() {
                    return Err(DecodeError::expected("an object", &v));
                }
                match v.get(#disc).and_then(Value::as_str) {
                    #(#reads)*
                    _ => Ok(Self::Unknown(v)),
                }
            }
            fn to_json(&self) -> Value {
                match self {
                    #(#writes)*
                    Self::Unknown(v) => v.clone(),
                }
            }
            fn placeholder() -> Option<Self> {
                Some(Self::Unknown(Value::Null))
            }
        }
    }
}

/// Named types whose JSON contains read-only properties (directly or nested).
pub fn read_only_types(api: &Api) -> BTreeSet<String> {
    let mut ro = BTreeSet::new();
    let has = |ty: &Ty, ro: &BTreeSet<String>| ty_has_read_only(ty, ro);
    loop {
        let mut changed = false;
        for def in api.types.values() {
            if ro.contains(&def.name) {
                continue;
            }
            let props_have = |props: &[Prop], ro: &BTreeSet<String>| {
                props.iter().any(|p| p.read_only || has(&p.ty, ro))
            };
            let yes = match &def.kind {
                Kind::Struct {
                    props, additional, ..
                } => props_have(props, &ro) || additional.as_ref().is_some_and(|t| has(t, &ro)),
                Kind::Union { variants, base, .. } => {
                    variants.iter().any(|(_, v)| ro.contains(v)) || props_have(base, &ro)
                }
                Kind::Alias(t) => has(t, &ro),
                Kind::Enum { .. } => false,
            };
            if yes {
                ro.insert(def.name.clone());
                changed = true;
            }
        }
        if !changed {
            return ro;
        }
    }
}

fn ty_has_read_only(ty: &Ty, ro: &BTreeSet<String>) -> bool {
    match ty {
        Ty::Named(n) => ro.contains(n),
        Ty::Array(t) | Ty::Map(t) => ty_has_read_only(t, ro),
        _ => false,
    }
}

/// A `&'static Shape` expression for a type with read-only content.
fn shape_expr(api: &Api, ty: &Ty, ro: &BTreeSet<String>) -> Option<TokenStream> {
    match ty {
        Ty::Named(n) if ro.contains(n) => match &api.types[n].kind {
            Kind::Alias(t) => shape_expr(api, t, ro),
            _ => {
                let m = format_ident!("v{}", api.version.replace('-', "_"));
                let id = format_ident!("{}", n);
                Some(quote!(&crate::#m::models::__read_only::#id))
            }
        },
        Ty::Array(t) => shape_expr(api, t, ro).map(|e| quote!(&crate::json::Shape::Array(#e))),
        Ty::Map(t) => shape_expr(api, t, ro).map(|e| quote!(&crate::json::Shape::Map(#e))),
        _ => None,
    }
}

/// `Shape::Object { .. }` for a list of properties.
fn object_shape(
    api: &Api,
    props: &[Prop],
    extra_keys: &[&str],
    additional: Option<&Ty>,
    ro: &BTreeSet<String>,
) -> TokenStream {
    let read_only = props.iter().filter(|p| p.read_only).map(|p| &p.wire);
    let fields = props.iter().filter(|p| !p.read_only).filter_map(|p| {
        let w = &p.wire;
        shape_expr(api, &p.ty, ro).map(|e| quote!((#w, #e),))
    });
    let rest = match additional.and_then(|t| shape_expr(api, t, ro)) {
        Some(e) => {
            let declared = props
                .iter()
                .map(|p| p.wire.as_str())
                .chain(extra_keys.iter().copied());
            quote!(Some((#e, &[#(#declared),*])))
        }
        None => quote!(None),
    };
    quote!(Shape::Object { read_only: &[#(#read_only),*], fields: &[#(#fields)*], rest: #rest })
}

/// One `static` [`Shape`] per model with read-only content, in a hidden module.
///
/// [`Shape`]: https://docs.rs/azml (the `json` module of the generated crate)
fn emit_read_only(api: &Api, ro: &BTreeSet<String>) -> TokenStream {
    let statics = api.types.values().filter(|d| ro.contains(&d.name)).filter_map(|def| {
        let id = format_ident!("{}", def.name);
        let body = match &def.kind {
            Kind::Struct {
                props,
                discriminators,
                additional,
            } => {
                let keys: Vec<&str> = discriminators.iter().map(|(k, _)| k.as_str()).collect();
                object_shape(api, props, &keys, additional.as_ref(), ro)
            }
            Kind::Union {
                discriminator,
                variants,
                base,
            } => {
                let vs = variants.iter().filter(|(_, v)| ro.contains(v)).map(|(value, v)| {
                    let v = format_ident!("{}", v);
                    quote!((#value, &#v),)
                });
                let base = if base.iter().any(|p| p.read_only || ty_has_read_only(&p.ty, ro)) {
                    let b = object_shape(api, base, &[discriminator.as_str()], None, ro);
                    quote!(Some(&#b))
                } else {
                    quote!(None)
                };
                quote!(Shape::Union { discriminator: #discriminator, variants: &[#(#vs)*], base: #base })
            }
            Kind::Alias(_) | Kind::Enum { .. } => return None,
        };
        Some(quote!(pub static #id: Shape = #body;))
    });
    quote! {
        /// Where each model's read-only properties are (models without any are not listed);
        /// the client hooks strip them from request bodies.
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        pub mod __read_only {
            use crate::json::Shape;
            #(#statics)*
        }
    }
}

/// The `&'static Shape` of a request body type (`None`: nothing read-only in it); `ro` is
/// [`read_only_types`].
pub fn body_shape(api: &Api, ty: &Ty, ro: &BTreeSet<String>) -> Option<TokenStream> {
    shape_expr(api, ty, ro)
}

/// The models module of one api-version.
pub fn emit(api: &Api) -> TokenStream {
    let mut items = Vec::new();
    let mut memo = BTreeMap::new();
    let sent = api.sent_types();
    let mut serde_types = Vec::new();
    let mut table = Vec::new();
    let mut roundtrip = Vec::new();
    for def in api.types.values() {
        let name = format_ident!("{}", def.name);
        items.push(match &def.kind {
            Kind::Struct {
                props,
                discriminators,
                additional,
            } => emit_struct(
                api,
                def,
                props,
                discriminators,
                additional,
                &mut memo,
                &sent,
            ),
            Kind::Enum { values, open } => emit_enum(def, values, *open),
            Kind::Union {
                discriminator,
                variants,
                base,
            } => emit_union(def, discriminator, variants, base),
            Kind::Alias(t) => {
                let doc = doc_attr(def.doc.as_deref());
                let t = ty_tokens(t, false);
                quote!(#doc pub type #name = #t;)
            }
        });
        if !matches!(def.kind, Kind::Alias(_)) {
            serde_types.push(quote!(#name));
        }
        let rt = match &def.kind {
            Kind::Alias(t) => ty_tokens(t, false),
            _ => quote!(#name),
        };
        let mut sources: Vec<&String> = api
            .definitions
            .iter()
            .filter(|(_, n)| **n == def.name)
            .map(|(s, _)| s)
            .collect();
        // A type no definition maps to answers for its own source, unless that source is a
        // definition answered by another type (the base struct of an intermediate union shares
        // its definition's pointer with the union): a second arm would be unreachable.
        if sources.is_empty() && !api.definitions.contains_key(&def.source) {
            sources.push(&def.source);
        }
        if !sources.is_empty() {
            roundtrip.push(quote!(#(#sources)|* => roundtrip::<#rt>(v),));
        }
    }
    for (src, n) in &api.definitions {
        table.push(quote!((#src, #n),));
    }
    let read_only = emit_read_only(api, &read_only_types(api));
    quote! {
        #![allow(clippy::all, missing_docs, non_camel_case_types, unused_mut)]
        use serde_json::Value;
        use crate::json::{DecodeError, Json, ObjReader, ObjWriter};

        #(#items)*

        crate::serde_via_json!(#(#serde_types),*);

        #read_only

        /// Every spec definition this module models: `(spec file#/definitions/Name, Rust type)`.
        pub const DEFINITIONS: &[(&str, &str)] = &[#(#table)*];

        fn roundtrip<T: Json>(v: Value) -> Result<Value, DecodeError> {
            T::from_json(v).map(|t| t.to_json())
        }

        /// Decodes `v` as the type generated for the spec location `source` (a `DEFINITIONS`
        /// key or an inline schema's pointer) and encodes it again. For tests.
        #[doc(hidden)]
        pub fn __roundtrip(source: &str, v: Value) -> Option<Result<Value, DecodeError>> {
            Some(match source {
                #(#roundtrip)*
                _ => return None,
            })
        }
    }
}

#[cfg(test)]
mod doc_tests {
    use super::escape_doc;

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            escape_doc("More info: https://k8s.io/x. See [a](https://b.c) or <https://d.e>"),
            "More info: <https://k8s.io/x>. See \\[a\\](<https://b.c>) or &lt;<https://d.e>&gt;"
        );
        assert_eq!(escape_doc("httpx and http only"), "httpx and http only");
    }
}
