//! Stage 3c, *emit dispatch*: `generated/src/<version>/dispatch.rs`, two small tables keyed by
//! progenitor's operation id (`workspaces_create_or_update_initial`, as in
//! `progenitor_client::OperationInfo::operation_id`):
//! - `request_shape`: where the read-only properties of the operation's request body are
//!   (`azml::runtime::send` strips them before sending);
//! - `call`: calls the generated `Client` method with parameters given as JSON — the
//!   `parameters` object of a spec example, keyed by wire name — and returns the status and
//!   the body decoded as the operation's declared response type and encoded again.
//!   Long-running operations call `<op>_initial`, so nothing polls. The example-replay tests
//!   and the `testing` fake use it; it is `#[doc(hidden)]` and compiled only with the cargo
//!   feature `testing` (off by default), so users' default builds carry no test-only table.
//!
//! `call` is a plain function returning a boxed future built by two generic helpers, not an
//! `async` block per operation: that keeps its compile cost small (one `async` coroutine per
//! operation cost about 1 s of `cargo check`). Arguments the client borrows are decoded into
//! a caller-owned slot.
//!
//! The argument list of each call is read from progenitor's own method signatures, so the
//! dispatcher cannot drift from the client.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit_models::{body_shape, read_only_types, ty_tokens};
use crate::ir::*;
use crate::openapi;
use crate::Error;

/// A type qualified for use outside the models module.
fn qualified(ty: &Ty, module: &str) -> TokenStream {
    let m = format_ident!("{}", module);
    match ty {
        Ty::Named(n) => {
            let n = format_ident!("{}", n);
            quote!(crate::#m::models::#n)
        }
        Ty::Array(t) => {
            let t = qualified(t, module);
            quote!(Vec<#t>)
        }
        Ty::Map(t) => {
            let t = qualified(t, module);
            quote!(std::collections::BTreeMap<String, #t>)
        }
        other => ty_tokens(other, false),
    }
}

/// Letters and digits, lower-cased: `subscriptionId`, `subscription_id` → `subscriptionid`.
fn loose(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `Option<X>` → `Some(X)` (also used by the group clients' emitter).
pub(crate) fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

fn is_str(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("str"))
}

/// The `&'static Shape` expression of a body type, as a function's return value.
fn request_shape(api: &Api, ty: &Ty, ro: &BTreeSet<String>) -> Option<TokenStream> {
    match ty {
        Ty::Named(_) => body_shape(api, ty, ro),
        Ty::Array(t) | Ty::Map(t) => {
            let inner = request_shape(api, t, ro)?;
            let ctor = if matches!(ty, Ty::Array(_)) {
                quote!(Array)
            } else {
                quote!(Map)
            };
            Some(quote!({
                static S: crate::json::Shape = crate::json::Shape::#ctor(#inner);
                &S
            }))
        }
        _ => None,
    }
}

/// The dispatch module of one api-version. `client` is progenitor's output for it.
pub fn emit(api: &Api, client: &TokenStream) -> Result<TokenStream, Error> {
    let module = format!("v{}", api.version.replace('-', "_"));
    let parsed: syn::File = syn::parse2(client.clone())
        .map_err(|e| Error::new(format!("internal: client does not parse: {e}")))?;
    let methods = crate::emit_client::methods(&parsed);
    let ro = read_only_types(api);
    let mut shapes = Vec::new();
    let mut arms = Vec::new();
    for op in &api.operations {
        let pid = openapi::progenitor_id(op);
        let sig = &methods
            .get(&pid)
            .ok_or_else(|| Error::new(format!("internal: progenitor emitted no Client::{pid}")))?
            .sig;
        if let Some(body) = op.params.iter().find(|p| p.location == ParamIn::Body) {
            if let Some(shape) = request_shape(api, &body.ty, &ro) {
                shapes.push(quote!(#pid => #shape,));
            }
        }
        // Arguments passed by reference are decoded into one tuple held by the caller's slot.
        let mut owned = Vec::new();
        let mut args = Vec::new();
        for input in &sig.inputs {
            let syn::FnArg::Typed(pt) = input else {
                continue;
            };
            let syn::Pat::Ident(pi) = &*pt.pat else {
                return Err(Error::new(format!("internal: pattern argument in {pid}")));
            };
            let name = pi.ident.to_string();
            let param = op
                .params
                .iter()
                .find(|p| p.location == ParamIn::Body && name == "body")
                .or_else(|| {
                    op.params.iter().find(|p| {
                        p.location != ParamIn::Body
                            && (loose(&p.rust) == loose(&name) || loose(&p.wire) == loose(&name))
                    })
                })
                .ok_or_else(|| {
                    Error::new(format!(
                        "internal: argument {name} of Client::{pid} matches no parameter of {}",
                        op.id
                    ))
                })?;
            let wire = &param.wire;
            let idx = syn::Index::from(owned.len());
            let ty = &*pt.ty;
            match (ty, option_inner(ty)) {
                (syn::Type::Reference(r), _) if is_str(&r.elem) => {
                    args.push(quote!(req_str(p, #wire)?));
                }
                (syn::Type::Reference(r), _) => {
                    let t = &r.elem;
                    owned.push(quote!(req::<#t>(p, #wire)?));
                    args.push(quote!(&h.#idx));
                }
                (_, Some(syn::Type::Reference(r))) if is_str(&r.elem) => {
                    args.push(quote!(opt_str(p, #wire)?));
                }
                (_, Some(syn::Type::Reference(r))) => {
                    let t = &r.elem;
                    owned.push(quote!(opt::<#t>(p, #wire)?));
                    args.push(quote!(h.#idx.as_ref()));
                }
                (_, Some(_)) => args.push(quote!(opt(p, #wire)?)),
                (_, None) => args.push(quote!(req(p, #wire)?)),
            }
        }
        let hold = if owned.is_empty() {
            quote!()
        } else {
            quote!(let h = hold(slot, (#(#owned,)*));)
        };
        let method = format_ident!("{}", pid);
        let call = quote!(c.#method(#(#args),*));
        let reply = if openapi::raw_success(op) {
            let t = match op.success_body() {
                // Several shapes: the body is replayed as plain JSON.
                _ if op.shape() == Shape::Raw => quote!(serde_json::Value),
                Some(t) => qualified(t, &module),
                None => quote!(()),
            };
            quote!(Box::pin(drive_raw::<#t, _>(#call)))
        } else {
            quote!(Box::pin(drive_typed(#call)))
        };
        arms.push(quote!(#pid => { #hold #reply }));
    }
    // Without any shape the `Some(match …)` form is unreachable code (a rustc warning).
    let request_shape_body = if shapes.is_empty() {
        quote!(let _ = operation_id; None)
    } else {
        quote!(Some(match operation_id {
            #(#shapes)*
            _ => return None,
        }))
    };
    Ok(quote! {
        #![allow(clippy::all, unused_imports)]
        //! Operation tables keyed by progenitor's operation id: the read-only shape of each
        //! request body (used by the generated methods) and a JSON-parameter dispatcher (used by the
        //! example-replay tests, feature `testing`). Generated; not part of the public API.
        #[cfg(feature = "testing")]
        use crate::json::dispatch::{drive_raw, drive_typed, hold, opt, opt_str, req, req_str, Call, Slot};
        #[cfg(feature = "testing")]
        use serde_json::Value;
        #[cfg(feature = "testing")]
        use super::Client;

        /// Where the read-only properties of an operation's request body are.
        pub fn request_shape(operation_id: &str) -> Option<&'static crate::json::Shape> {
            #request_shape_body
        }

        /// [`call`] on a fresh client for `base`, owning its arguments (the version registry's
        /// `replay`).
        #[cfg(feature = "testing")]
        pub fn replay(base: &str, operation_id: &str, p: Value) -> Call<'static> {
            let c = Client::with_endpoint(base, crate::runtime::Pipeline::new());
            let operation_id = operation_id.to_string();
            Box::pin(async move {
                let mut slot = None;
                let reply = call(&c, &operation_id, &p, &mut slot)?;
                reply.await
            })
        }

        /// Calls operation `operation_id` (progenitor's id; `<op>_initial` for long-running
        /// operations) with parameters keyed by wire name, as in a spec example's
        /// `parameters`; `slot` holds the decoded arguments the call borrows. The future
        /// yields the status and the decoded-and-re-encoded body.
        #[cfg(feature = "testing")]
        pub fn call<'a>(c: &'a Client, operation_id: &str, p: &'a Value, slot: &'a mut Slot) -> Result<Call<'a>, String> {
            Ok(match operation_id {
                #(#arms)*
                other => return Err(format!("unknown operation {other}")),
            })
        }
    })
}
