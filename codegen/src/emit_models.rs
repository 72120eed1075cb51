//! Stage 3a, *emit models*: one Rust type per named type of the [`Api`], written by us rather
//! than typify, because typify ignores `discriminator`, closes `x-ms-enum` enums and derives
//! serde for every type (the dominant compile cost). What we emit instead:
//! - structs with `pub` fields (`Option<T>` unless required) and a [`Json`] impl of two small
//!   functions; serde comes from one `serde_via_json!` invocation;
//! - string enums with an `Other(String)` catch-all when `modelAsString` is true (or absent);
//! - discriminated unions as enums with one variant per discriminator value and an
//!   `Unknown(serde_json::Value)` variant that keeps what a newer service sends;
//! - a `DEFINITIONS` table and a `__roundtrip` hook used by the coverage tests.
//!
//! [`Json`]: https://docs.rs/azml (the `json` module of the generated crate)

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
        Ty::F64 => quote!(f64),
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
    d.lines()
        .map(|l| l.trim_start())
        .collect::<Vec<_>>()
        .join("\n ")
        .replace("```", "\\`\\`\\`")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Named types a field of `ty` contains directly (not behind a `Vec`/map indirection).
fn direct_refs<'a>(ty: &'a Ty, out: &mut Vec<&'a str>) {
    if let Ty::Named(n) = ty {
        out.push(n);
    }
}

/// Whether `from` reaches `to` through direct (non-heap) fields, i.e. needs a `Box`.
fn reaches(api: &Api, from: &str, to: &str, seen: &mut BTreeSet<String>) -> bool {
    if from == to {
        return true;
    }
    if !seen.insert(from.to_string()) {
        return false;
    }
    let Some(def) = api.types.get(from) else {
        return false;
    };
    let mut next = Vec::new();
    match &def.kind {
        Kind::Struct { props, .. } => props.iter().for_each(|p| direct_refs(&p.ty, &mut next)),
        Kind::Union { variants, .. } => next.extend(variants.iter().map(|(_, v)| v.as_str())),
        Kind::Alias(t) => direct_refs(t, &mut next),
        Kind::Enum { .. } => {}
    }
    next.into_iter().any(|n| reaches(api, n, to, seen))
}

/// Whether a type can derive `Default`.
fn has_default(api: &Api, ty: &Ty, memo: &mut BTreeMap<String, bool>) -> bool {
    let Ty::Named(n) = ty else { return true };
    if let Some(v) = memo.get(n) {
        return *v;
    }
    memo.insert(n.clone(), true); // cycles are behind Option/Box and default fine
    let v = match &api.types[n].kind {
        Kind::Struct { props, .. } => props
            .iter()
            .filter(|p| p.required)
            .all(|p| has_default(api, &p.ty, memo)),
        Kind::Alias(t) => has_default(api, t, memo),
        Kind::Enum { .. } | Kind::Union { .. } => false,
    };
    memo.insert(n.clone(), v);
    v
}

/// Whether a property holds a credential: `x-ms-secret`, or a credential-like name
/// (passwords, secrets, tokens, connection strings, keys), or the `value` of a `Password`.
pub fn is_secret(owner: &str, p: &Prop) -> bool {
    let w = p.wire.to_ascii_lowercase();
    p.secret
        || [
            "password",
            "secret",
            "token",
            "connectionstring",
            "privatekey",
            "sastoken",
        ]
        .iter()
        .any(|k| w.contains(k))
        || (w.ends_with("key") && !w.ends_with("publickey"))
        || w.ends_with("keys")
        || (owner.to_ascii_lowercase().contains("password") && w == "value")
}

fn emit_struct(
    api: &Api,
    def: &TypeDef,
    props: &[Prop],
    discs: &[(String, String)],
    additional: &Option<Ty>,
    memo: &mut BTreeMap<String, bool>,
) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let doc = doc_attr(def.doc.as_deref());
    let mut fields = Vec::new();
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    for p in props {
        let f = format_ident!("{}", p.rust);
        let boxed =
            matches!(&p.ty, Ty::Named(n) if reaches(api, n, &def.name, &mut BTreeSet::new()));
        let t = ty_tokens(&p.ty, boxed);
        let wire = &p.wire;
        let mut d = p.doc.clone().unwrap_or_default();
        if p.read_only {
            d.push_str(if d.is_empty() {
                "Read-only: set by the service."
            } else {
                "\n\nRead-only: set by the service."
            });
        }
        let fdoc = doc_attr((!d.is_empty()).then_some(d.as_str()));
        if p.required {
            fields.push(quote!(#fdoc pub #f: #t,));
            reads.push(quote!(#f: o.req(#wire)?,));
            writes.push(quote!(o.req(#wire, &self.#f);));
        } else {
            fields.push(quote!(#fdoc pub #f: Option<#t>,));
            reads.push(quote!(#f: o.opt(#wire)?,));
            writes.push(quote!(o.opt(#wire, &self.#f);));
        }
    }
    for (k, v) in discs {
        writes.push(quote!(o.constant(#k, #v);));
    }
    let (rest_field, rest_read, rest_write, finish_read) = match additional {
        Some(t) => {
            let t = ty_tokens(t, false);
            (
                quote!(#[doc = " Additional properties."] pub additional_properties: std::collections::BTreeMap<String, #t>,),
                quote!(),
                quote!(o.rest(&self.additional_properties);),
                quote!(additional_properties: o.rest()?,),
            )
        }
        None => (quote!(), quote!(), quote!(), quote!()),
    };
    let default = if has_default(api, &Ty::Named(def.name.clone()), memo) {
        quote!(Default,)
    } else {
        quote!()
    };
    // Credentials never appear in `Debug` output.
    let secrets: Vec<&Prop> = props.iter().filter(|p| is_secret(&def.name, p)).collect();
    let (debug_derive, debug_impl) = if secrets.is_empty() {
        (quote!(Debug,), quote!())
    } else {
        let label = def.name.as_str();
        let fields = props.iter().map(|p| {
            let f = format_ident!("{}", p.rust);
            let n = p.rust.as_str();
            if !is_secret(&def.name, p) {
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
    let mutability = if props.is_empty() && additional.is_none() {
        quote!()
    } else {
        quote!(mut)
    };
    let reader = if props.is_empty() && additional.is_none() {
        quote!(let _ = ObjReader::new(v)?;)
    } else {
        quote!(let mut o = ObjReader::new(v)?;)
    };
    let writer_mut = if writes.is_empty() && additional.is_none() {
        quote!()
    } else {
        quote!(mut)
    };
    let _ = mutability;
    quote! {
        #doc
        #[derive(Clone, #debug_derive #default PartialEq)]
        pub struct #name { #(#fields)* #rest_field }
        #debug_impl
        impl Json for #name {
            fn from_json(v: Value) -> Result<Self, DecodeError> {
                #reader
                #rest_read
                Ok(Self { #(#reads)* #finish_read })
            }
            fn to_json(&self) -> Value {
                let #writer_mut o = ObjWriter::new();
                #(#writes)*
                #rest_write
                o.finish()
            }
        }
    }
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
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
        }
    }
}

fn emit_union(def: &TypeDef, disc: &str, variants: &[(String, String)]) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let doc = doc_attr(def.doc.as_deref());
    let vars = variants.iter().map(|(value, ty)| {
        let id = format_ident!("{}", ty);
        let d = format!(" `{disc}: \"{value}\"`");
        quote!(#[doc = #d] #id(#id),)
    });
    let reads = variants.iter().map(|(value, ty)| {
        let id = format_ident!("{}", ty);
        quote!(Some(#value) => #id::from_json(v).map(Self::#id),)
    });
    let writes = variants.iter().map(|(_, ty)| {
        let id = format_ident!("{}", ty);
        quote!(Self::#id(x) => x.to_json(),)
    });
    let discs = variants.iter().map(|(value, ty)| {
        let id = format_ident!("{}", ty);
        quote!(Self::#id(_) => Some(#value),)
    });
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#vars)*
            /// A discriminator value this version of the client does not know; the JSON is kept
            /// unchanged and written back as it was read.
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
        }
    }
}

/// The models module of one api-version.
pub fn emit(api: &Api) -> TokenStream {
    let mut items = Vec::new();
    let mut memo = BTreeMap::new();
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
            } => emit_struct(api, def, props, discriminators, additional, &mut memo),
            Kind::Enum { values, open } => emit_enum(def, values, *open),
            Kind::Union {
                discriminator,
                variants,
            } => emit_union(def, discriminator, variants),
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
        if sources.is_empty() {
            sources.push(&def.source);
        }
        roundtrip.push(quote!(#(#sources)|* => roundtrip::<#rt>(v),));
    }
    for (src, n) in &api.definitions {
        table.push(quote!((#src, #n),));
    }
    quote! {
        #![allow(clippy::all, missing_docs, non_camel_case_types, unused_mut)]
        use serde_json::Value;
        use crate::json::{DecodeError, Json, ObjReader, ObjWriter};

        #(#items)*

        crate::serde_via_json!(#(#serde_types),*);

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
