//! Stage 3b, *emit client*: progenitor, used as a library, writes the `Client` and one
//! positional method per operation from the document [`crate::openapi`] builds; every model
//! type is replaced by ours, so progenitor emits no types. [`crate::emit_calls`] then rewrites
//! each method to send through azml's runtime and return `azml::Error` (progenitor's hooks
//! and error type are not used). We add what progenitor cannot do: the poller and pager
//! wrappers and the operation table used by tests and tooling.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::*;
use crate::openapi;
use crate::Error;

/// progenitor's output for one api-version.
pub fn emit(api: &Api) -> Result<TokenStream, Error> {
    let doc = openapi::to_openapi(api)?;
    let module = format!("v{}", api.version.replace('-', "_"));
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Optional)
        .with_inner_type(quote!(crate::runtime::Pipeline))
        .with_timeout(120);
    for name in openapi::operation_types(api) {
        settings.with_replacement(
            &name,
            format!("crate::{module}::models::{name}"),
            std::iter::empty(),
        );
    }
    let mut generator = progenitor::Generator::new(&settings);
    // A progenitor panic is caught and located by `crate::guard`.
    let tokens = generator.generate_tokens(&doc).map_err(|e| {
        Error::new(format!(
            "progenitor failed on api-version {}: {e}",
            api.version
        ))
    })?;
    let mut parsed: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::new(format!("internal: progenitor output does not parse: {e}")))?;
    crate::emit_calls::rewrite(api, &mut parsed)?;
    let wrappers = lro_wrappers(api, &module, &parsed)?;
    let pagers = pager_wrappers(api, &module, &parsed)?;
    let groups = group_clients(api, &module, &parsed, wrappers.iter().chain(&pagers))?;
    crate::emit_groups::rename_constructor(&mut parsed);
    Ok(quote! {
        #![allow(clippy::all, missing_docs, unused_imports, mismatched_lifetime_syntaxes)]
        #parsed

        /// Long-running operations: each returns a [`crate::lro::Poller`] whose `.await`
        /// yields the final typed result (emitted by azml around progenitor's `*_initial`).
        impl Client {
            #(#wrappers)*
        }

        /// Pageable operations: each returns a [`crate::pager::Pager`], a stream of items that
        /// follows `nextLink` (emitted by azml around progenitor's `*_first_page`).
        impl Client {
            #(#pagers)*
        }

        impl Client {
            /// A client for the pipeline's ARM endpoint (the only host its token is sent to).
            pub fn with_pipeline(pipeline: crate::runtime::Pipeline) -> Self {
                let base = pipeline.endpoint().to_string();
                let http = pipeline.http().clone();
                Self::new_with_client(&base, http, pipeline)
            }

            /// The pipeline this client sends through.
            pub fn pipeline(&self) -> &crate::runtime::Pipeline {
                &self.inner
            }
        }

        #groups
    })
}

/// The group clients ([`crate::emit_groups`]) over the flat methods: progenitor's and the
/// poller/pager `wrappers`.
fn group_clients<'w>(
    api: &Api,
    module: &str,
    parsed: &syn::File,
    wrappers: impl Iterator<Item = &'w TokenStream>,
) -> Result<TokenStream, Error> {
    let mut all = methods(parsed);
    for w in wrappers {
        let f: syn::ImplItemFn = syn::parse2(w.clone())
            .map_err(|e| Error::new(format!("internal: wrapper does not parse: {e}")))?;
        all.insert(f.sig.ident.to_string(), f);
    }
    let mut pagers = std::collections::BTreeMap::new();
    for op in api
        .operations
        .iter()
        .filter(|o| o.shape() == Shape::Pageable)
    {
        let pageable = op.pageable.as_ref().expect("filtered");
        let item_name = pageable.item_name.clone();
        let next = match &pageable.next_link {
            Some(n) => quote!(Some(#n)),
            None => quote!(None),
        };
        let first_page = match first_page_parts(api, op, pageable) {
            Some((items, next_link)) => {
                quote!(Ok(crate::pager::Page { items: #items, next_link: #next_link }))
            }
            None => {
                quote!(crate::pager::Page::from_json(crate::json::Json::to_json(&page), #item_name, #next))
            }
        };
        pagers.insert(
            op.id.clone(),
            crate::emit_groups::PagerParts {
                first: format_ident!("{}", openapi::progenitor_id(op)),
                item: page_item(api, op, module),
                item_name,
                next,
                first_page,
            },
        );
    }
    crate::emit_groups::emit(api, &all, &pagers)
}

/// Progenitor's inherent `Client` methods by name (trait impls skipped).
pub(crate) fn methods(parsed: &syn::File) -> std::collections::BTreeMap<String, syn::ImplItemFn> {
    let mut fns = std::collections::BTreeMap::new();
    for item in &parsed.items {
        if let syn::Item::Impl(imp) = item {
            if imp.trait_.is_some() {
                continue;
            }
            for it in &imp.items {
                if let syn::ImplItem::Fn(f) = it {
                    fns.insert(f.sig.ident.to_string(), f.clone());
                }
            }
        }
    }
    fns
}

/// The argument names of a method signature (without `self`).
fn arg_names(sig: &syn::Signature) -> Vec<TokenStream> {
    sig.inputs
        .iter()
        .filter_map(|a| match a {
            syn::FnArg::Typed(pt) => {
                let pat = &pt.pat;
                Some(quote!(#pat))
            }
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

/// The item type of a pageable operation: the element type of its page's `itemName` array.
fn page_item(api: &Api, op: &Operation, module: &str) -> TokenStream {
    let item_name = op
        .pageable
        .as_ref()
        .map(|p| p.item_name.as_str())
        .unwrap_or("value");
    let found = match op.success_body() {
        Some(Ty::Named(page)) => match api.types.get(page).map(|t| &t.kind) {
            Some(Kind::Struct { props, .. }) => props
                .iter()
                .find(|p| p.wire == item_name)
                .map(|p| p.ty.clone()),
            _ => None,
        },
        _ => None,
    };
    match found {
        Some(Ty::Array(inner)) => qualified(&inner, module),
        _ => quote!(serde_json::Value),
    }
}

/// How to move the items and the next link out of a pageable operation's typed first page
/// (bound as `page`), so the page is decoded once: `(items: Vec<T>, next_link:
/// Option<String>)` expressions, or `None` when the page type is not a plain struct with an
/// array of items.
fn first_page_parts(
    api: &Api,
    op: &Operation,
    pageable: &Pageable,
) -> Option<(TokenStream, TokenStream)> {
    let Some(Ty::Named(page)) = op.success_body() else {
        return None;
    };
    let Some(Kind::Struct { props, .. }) = api.types.get(page).map(|t| &t.kind) else {
        return None;
    };
    // `Option` layers of a field: optional, then `x-nullable`.
    let layers = |p: &Prop| usize::from(!p.required) + usize::from(p.nullable);
    let items = props.iter().find(|p| p.wire == pageable.item_name)?;
    if !matches!(items.ty, Ty::Array(_)) || items.values_nullable {
        return None;
    }
    let f = format_ident!("{}", items.rust);
    let items_expr = match layers(items) {
        0 => quote!(page.#f),
        1 => quote!(page.#f.unwrap_or_default()),
        _ => quote!(page.#f.flatten().unwrap_or_default()),
    };
    let next_expr = match &pageable.next_link {
        None => quote!(None),
        Some(n) => match props.iter().find(|p| p.wire == *n) {
            Some(p) if p.ty == Ty::String => {
                let f = format_ident!("{}", p.rust);
                match layers(p) {
                    0 => quote!(Some(page.#f)),
                    1 => quote!(page.#f),
                    _ => quote!(page.#f.flatten()),
                }
            }
            Some(_) => return None,
            // Not declared: a link the service sends anyway is among the unknown properties.
            None => {
                let extra = format_ident!("{}", crate::emit_models::extra_field(props));
                quote!(page.#extra.unknown().and_then(|u| u.get(#n)).and_then(|v| v.as_str()).map(str::to_string))
            }
        },
    };
    Some((items_expr, next_expr))
}

/// One `Pager`-returning method per pageable operation, with the parameters of progenitor's
/// `<op>_first_page`.
fn pager_wrappers(api: &Api, module: &str, parsed: &syn::File) -> Result<Vec<TokenStream>, Error> {
    let fns = methods(parsed);
    let mut out = Vec::new();
    for op in api
        .operations
        .iter()
        .filter(|o| o.shape() == Shape::Pageable)
    {
        let first_name = openapi::progenitor_id(op);
        let f = fns
            .get(&first_name)
            .ok_or_else(|| Error::new(format!("internal: progenitor emitted no {first_name}")))?;
        let mut sig = f.sig.clone();
        sig.ident = format_ident!("{}", op.rust);
        sig.asyncness = None;
        let item = page_item(api, op, module);
        sig.output = syn::parse_quote!(-> crate::pager::Pager<'a, #item>);
        let args = arg_names(&sig);
        let first = format_ident!("{}", first_name);
        let pageable = op.pageable.as_ref().expect("filtered");
        let item_name = &pageable.item_name;
        let next = match &pageable.next_link {
            Some(n) => quote!(Some(#n)),
            None => quote!(None),
        };
        let first_page = match first_page_parts(api, op, pageable) {
            Some((items, next_link)) => {
                quote!(Ok(crate::pager::Page { items: #items, next_link: #next_link }))
            }
            // A page shape we cannot take apart field by field: through its JSON.
            None => {
                quote!(crate::pager::Page::from_json(crate::json::Json::to_json(&page), #item_name, #next))
            }
        };
        let doc = format!(
            " {}\n\n Pageable (`{}` {}): a stream of items across all pages; `.into_pages()` \
             for whole pages. The first page alone is [`Client::{first_name}`].",
            op.doc
                .as_deref()
                .map(crate::emit_models::escape_doc)
                .unwrap_or_default(),
            op.method.as_str().to_uppercase(),
            op.path
        );
        out.push(quote! {
            #[doc = #doc]
            pub #sig {
                crate::pager::Pager::new(self.inner().clone(), &self.baseurl, #item_name, #next, async move {
                    let page = self.#first(#(#args),*).await?.into_inner();
                    #first_page
                })
            }
        });
    }
    Ok(out)
}

/// A type reference qualified for use outside the models module.
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
        other => crate::emit_models::ty_tokens(other, false),
    }
}

/// One `Poller`-returning method per long-running operation, with the exact parameters of
/// progenitor's `<op>_initial` (copied from its signature) and its URL expression.
fn lro_wrappers(api: &Api, module: &str, parsed: &syn::File) -> Result<Vec<TokenStream>, Error> {
    let fns = methods(parsed);
    let mut out = Vec::new();
    for op in api.operations.iter().filter(|o| o.lro.is_some()) {
        let initial_name = openapi::progenitor_id(op);
        let f = fns
            .get(&initial_name)
            .ok_or_else(|| Error::new(format!("internal: progenitor emitted no {initial_name}")))?;
        let url_stmt = f
            .block
            .stmts
            .first()
            .cloned()
            .ok_or_else(|| Error::new("internal: empty progenitor method"))?;
        let mut sig = f.sig.clone();
        sig.ident = format_ident!("{}", op.rust);
        // A POST's final `Location` may answer 204 with nothing to return: its result is
        // optional. PUT/PATCH end in a GET of the resource, which must have a body.
        let result = match (op.method, op.success_body()) {
            (Method::Delete, _) | (_, None) => quote!(()),
            (Method::Post, Some(t)) => {
                let t = qualified(t, module);
                quote!(Option<#t>)
            }
            (_, Some(t)) => qualified(t, module),
        };
        sig.output = syn::parse_quote!(-> Result<crate::lro::Poller<#result>, crate::Error>);
        let args = arg_names(&sig);
        let initial = format_ident!("{}", initial_name);
        let method = op.method.as_str().to_uppercase();
        let fsv = fsv_tokens(op);
        let doc =
            format!(
            " {}\n\n Long-running (`{}` {}): returns a poller; `.await` it for the final result. \
             The first response alone is [`Client::{initial_name}`].",
            op.doc.as_deref().map(crate::emit_models::escape_doc).unwrap_or_default(),
            method,
            op.path
        );
        out.push(quote! {
            #[doc = #doc]
            pub #sig {
                #url_stmt
                let initial = self.#initial(#(#args),*).await?;
                crate::lro::Poller::start(self.inner().clone(), &self.baseurl, #method, url, super::API_VERSION, #fsv, initial).await
            }
        });
    }
    Ok(out)
}

/// `Some("location")` / `None`: a long-running operation's `final-state-via`.
fn fsv_tokens(op: &Operation) -> TokenStream {
    match op.lro.as_ref().and_then(|l| l.final_state_via) {
        Some(f) => {
            let f = f.as_str();
            quote!(Some(#f))
        }
        None => quote!(None),
    }
}

/// `mod.rs` of one api-version: re-exports and the operation table.
pub fn emit_mod(api: &Api) -> TokenStream {
    let version = &api.version;
    let title = format!(" {} — api-version {}.", api.title, api.version);
    let ops = api.operations.iter().map(|op| {
        let id = &op.id;
        let method = op.method.as_str().to_uppercase();
        let path = &op.path;
        let rust = openapi::progenitor_id(op);
        let lro = op.lro.is_some();
        let fsv = fsv_tokens(op);
        let pageable = op.pageable.is_some();
        quote!(crate::OperationInfo { id: #id, method: #method, path: #path, rust_method: #rust, long_running: #lro, final_state_via: #fsv, pageable: #pageable },)
    });
    quote! {
        #![doc = #title]
        #![doc = ""]
        #![doc = " `models` holds one type per spec definition the operations use; `Client` has one"]
        #![doc = " method per operation."]
        pub mod models;
        mod client;
        pub use client::*;
        #[doc(hidden)]
        pub mod dispatch;

        /// The api-version this module sends.
        pub const API_VERSION: &str = #version;

        /// Every operation of this api-version, in spec order.
        pub const OPERATIONS: &[crate::OperationInfo] = &[#(#ops)*];

    }
}

/// `versions.rs`: the feature-gated version modules and the `VERSIONS` registry of those
/// compiled in.
pub fn emit_versions(modules: &[(String, String)]) -> TokenStream {
    let gate = |m: &str| quote!(#[cfg(any(feature = "all-versions", feature = #m))]);
    let items = modules.iter().map(|(m, v)| {
        let id = format_ident!("{}", m);
        let doc = format!(" api-version {v} (cargo feature `{m}`, or `all-versions`).");
        let path = format!("{m}/mod.rs");
        let cfg = gate(m);
        quote! {
            #cfg
            #[doc = #doc]
            #[path = #path]
            #[rustfmt::skip]
            pub mod #id;
        }
    });
    let entries = modules.iter().map(|(m, v)| {
        let id = format_ident!("{}", m);
        let cfg = gate(m);
        quote! {
            #cfg
            crate::VersionInfo {
                api_version: #v,
                module: #m,
                operations: #id::OPERATIONS,
                definitions: #id::models::DEFINITIONS,
                roundtrip: #id::models::__roundtrip,
                #[cfg(feature = "testing")]
                replay: #id::dispatch::replay,
            },
        }
    });
    quote! {
        #(#items)*

        /// Every api-version module compiled in (by cargo feature), in configuration order.
        pub const VERSIONS: &[crate::VersionInfo] = &[#(#entries)*];
    }
}
