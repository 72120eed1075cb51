//! Stage 3b′, *rewrite calls*: progenitor's operation methods, made to send through azml's
//! runtime and return `azml::Error`.
//!
//! Where progenitor falls short: its methods return `progenitor_client::Error<E>` (whose
//! `Display` dumps headers and the raw body), send through `ClientHooks` whose `pre` hook can
//! only fail with a string, decode with serde (no JSON path), and hand back a
//! `reqwest::Response` for unexpected statuses. What we keep is what it does well: the
//! signature (positional, typed parameters) and the statements that build the
//! `reqwest::Request` (URL, query, headers, body). What we emit instead, per method:
//!
//! ```text
//! <progenitor's request-building statements>
//! crate::query::join_arrays(request.url_mut(), &[("names", "csv")]); // array query parameters
//! let response = crate::runtime::send(&self.inner, request, super::API_VERSION, shape).await?;
//! match response.status { 200u16 => response.json(), 204u16 => Ok(response.empty()), _ => Err(response.unexpected("200 or 204")) }
//! ```
//!
//! `send` is one non-generic `async fn` in the runtime (retries, auth, errors), and the arms
//! call small synchronous methods of `azml::transport::Received`, so each operation adds no
//! extra `async` state machine. Error statuses never reach the `match`: `send` turns them into
//! `azml::Error::Service`. A long-running operation's raw first response is a
//! `ResponseValue<Vec<u8>>` (progenitor's was a `ByteStream`).

use quote::quote;

use crate::ir::*;
use crate::openapi;
use crate::Error;

/// Rewrites every operation method of progenitor's output in place, and its `pub use` of
/// `progenitor_client::Error` / `ByteStream` (no longer part of any signature).
pub fn rewrite(api: &Api, parsed: &mut syn::File) -> Result<(), Error> {
    let ops: std::collections::BTreeMap<String, &Operation> = api
        .operations
        .iter()
        .map(|op| (openapi::progenitor_id(op), op))
        .collect();
    for item in &mut parsed.items {
        match item {
            syn::Item::Use(u) if tokens(u).contains("ByteStream") => {
                *u = syn::parse_quote! {
                    #[allow(unused_imports)]
                    pub use progenitor_client::{ClientInfo, ResponseValue};
                };
            }
            syn::Item::Impl(imp) if imp.trait_.is_none() => {
                for it in &mut imp.items {
                    if let syn::ImplItem::Fn(f) = it {
                        if let Some(op) = ops.get(&f.sig.ident.to_string()) {
                            rewrite_method(op, f)?;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn tokens(t: &impl quote::ToTokens) -> String {
    t.to_token_stream().to_string()
}

/// The `X` of `Result<ResponseValue<X>, Error<E>>`, with `ByteStream` read as `Vec<u8>`.
fn success_type(sig: &syn::Signature) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let first_arg = |ty: &syn::Type| -> Option<syn::Type> {
        let syn::Type::Path(p) = ty else { return None };
        let syn::PathArguments::AngleBracketed(a) = &p.path.segments.last()?.arguments else {
            return None;
        };
        match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }
    };
    let inner = first_arg(&first_arg(ty)?)?;
    Some(if tokens(&inner) == "ByteStream" {
        syn::parse_quote!(Vec<u8>)
    } else {
        inner
    })
}

fn rewrite_method(op: &Operation, f: &mut syn::ImplItemFn) -> Result<(), Error> {
    let name = f.sig.ident.to_string();
    let internal = |what: &str| Error::new(format!("internal: progenitor's {name}: {what}"));
    let ok = success_type(&f.sig).ok_or_else(|| internal("unexpected return type"))?;
    f.sig.output = syn::parse_quote!(-> Result<ResponseValue<#ok>, crate::Error>);

    let stmts = &f.block.stmts;
    let hooks = stmts
        .iter()
        .position(|s| tokens(s).contains("OperationInfo"))
        .ok_or_else(|| internal("no OperationInfo statement"))?;
    let Some(syn::Stmt::Expr(syn::Expr::Match(m), None)) = stmts.last() else {
        return Err(internal("does not end in a status match"));
    };
    let mut arms = Vec::new();
    let mut documented = Vec::new();
    for arm in &m.arms {
        let body = tokens(&arm.body);
        let pat = &arm.pat;
        let value = if body.contains("ErrorResponse") {
            continue; // `send` already turned error statuses into `azml::Error::Service`.
        } else if body.contains("UnexpectedResponse") {
            continue; // added last, below
        } else if body.contains("ResponseValue :: empty") {
            quote!(Ok(response.empty()))
        } else if body.contains("ResponseValue :: stream") {
            quote!(Ok(response.raw()))
        } else if body.contains("from_response") {
            quote!(response.json())
        } else {
            return Err(internal(&format!("unknown response arm {body}")));
        };
        documented.push(tokens(pat).replace("u16", "").replace(' ', ""));
        arms.push(quote!(#pat => #value,));
    }
    let expected = documented.join(" or ");
    let shape = if op.params.iter().any(|p| p.location == ParamIn::Body) {
        quote!(super::dispatch::request_shape(#name))
    } else {
        quote!(None)
    };
    let build = &stmts[..hooks];
    // Array query parameters progenitor repeats but the spec joins (`collectionFormat`).
    let arrays: Vec<_> = op
        .params
        .iter()
        .filter_map(|p| {
            let f = p.collection_format.as_deref().filter(|f| *f != "multi")?;
            let w = &p.wire;
            Some(quote!((#w, #f)))
        })
        .collect();
    let join = (!arrays.is_empty())
        .then(|| quote!(crate::query::join_arrays(request.url_mut(), &[#(#arrays),*]);));
    f.block = syn::parse_quote!({
        #(#build)*
        #join
        let response = crate::runtime::send(&self.inner, request, super::API_VERSION, #shape).await?;
        match response.status {
            #(#arms)*
            _ => Err(response.unexpected(#expected)),
        }
    });
    Ok(())
}
