//! Stage 3d, *emit groups*: the Azure-style surface over the flat client of one api-version.
//!
//! - `Client::new(credential, subscription_id, Option<ClientOptions>)`; progenitor's own
//!   `new(baseurl, pipeline)` is renamed `with_endpoint` (tests and fakes).
//! - One client per operation group: the group is the `operationId`'s part before `_`
//!   (`Workspaces_Get` → `Workspaces`), the accessor its snake_case (`client.workspaces()`),
//!   the type `<Group>Client` (`WorkspacesClient`), each method the snake_case of the part
//!   after `_` (`get`, `list_by_resource_group`, `create_or_update`).
//! - A group method takes the required path/body parameters positionally — the subscription
//!   comes from the client — and always one `Option<<Group><Method>Options>` whose fields
//!   are the operation's optional parameters (all `Option`, `Default`, built as
//!   `XOptions { skip: Some(..), ..Default::default() }`; empty when there are none), so a
//!   new optional parameter upstream is a new field: a minor change, as in the Azure SDKs.
//! - Plain and long-running methods return the flat method's future as is (no extra
//!   `async` state machine unless options must be owned); pageable ones return an owned
//!   `Pager<'static, T>` (it clones the client, which is a few `Arc`s) that can be moved into
//!   `tokio::spawn`, and their options have `continuation` to resume from a `nextLink`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit_dispatch::option_inner;
use crate::ir::*;
use crate::names::{snake, upper_camel};
use crate::Error;

/// `(group, method)` of an operation: `Workspaces_ListByResourceGroup` →
/// (`Workspaces`, `list_by_resource_group`); an id without `_` is its own group's `call`.
pub fn group_and_method(op_id: &str) -> (String, String) {
    match op_id.split_once('_') {
        Some((g, m)) => (upper_camel(g), snake(m)),
        None => (upper_camel(op_id), "call".into()),
    }
}

/// Renames progenitor's `Client::new(baseurl, inner)` to `with_endpoint`, freeing `new`.
pub fn rename_constructor(parsed: &mut syn::File) {
    for item in &mut parsed.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        for it in &mut imp.items {
            if let syn::ImplItem::Fn(f) = it {
                if f.sig.ident == "new" {
                    f.sig.ident = format_ident!("with_endpoint");
                    f.attrs.retain(|a| !a.path().is_ident("doc"));
                    f.attrs.push(syn::parse_quote!(#[doc = " A client for `baseurl` (a fake ARM in tests) over `inner`; the token, if any, goes only to `inner`'s endpoint."]));
                }
            }
        }
    }
}

/// One argument of a flat method.
struct Arg {
    name: syn::Ident,
    ty: syn::Type,
}

fn args(sig: &syn::Signature) -> Vec<Arg> {
    sig.inputs
        .iter()
        .filter_map(|a| match a {
            syn::FnArg::Typed(pt) => match &*pt.pat {
                syn::Pat::Ident(pi) => Some(Arg {
                    name: pi.ident.clone(),
                    ty: (*pt.ty).clone(),
                }),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

/// An optional argument as an owned options field: `(field type, expression passing it)`.
fn option_field(name: &syn::Ident, inner: &syn::Type) -> (TokenStream, TokenStream) {
    match inner {
        syn::Type::Reference(r) => {
            let elem = &r.elem;
            if matches!(&**elem, syn::Type::Path(p) if p.path.is_ident("str")) {
                (quote!(Option<String>), quote!(o.#name.as_deref()))
            } else {
                (quote!(Option<#elem>), quote!(o.#name.as_ref()))
            }
        }
        other => (quote!(Option<#other>), quote!(o.#name)),
    }
}

/// What the group emitter needs to build an owned pager for a pageable operation.
pub struct PagerParts {
    /// Progenitor's `<op>_first_page`.
    pub first: syn::Ident,
    /// The item type.
    pub item: TokenStream,
    /// `itemName`.
    pub item_name: String,
    /// `Some("nextLink")` or `None`.
    pub next: TokenStream,
    /// The expression turning the typed first `page` into a `Page`.
    pub first_page: TokenStream,
}

/// The group clients of one api-version. `methods` are the flat public methods by name
/// (progenitor's and azml's wrappers); `pagers` the pager facts by operation id.
pub fn emit(
    api: &Api,
    methods: &BTreeMap<String, syn::ImplItemFn>,
    pagers: &BTreeMap<String, PagerParts>,
) -> Result<TokenStream, Error> {
    let mut groups: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
    let mut options_structs = Vec::new();
    for op in &api.operations {
        let (group, method) = group_and_method(&op.id);
        let flat = methods
            .get(&op.rust)
            .ok_or_else(|| Error::new(format!("internal: no Client::{}", op.rust)))?;
        let all = args(&flat.sig);
        let flat_name = format_ident!("{}", op.rust);
        let method_id = format_ident!("{}", method);
        let mut params = Vec::new();
        let mut pass = Vec::new();
        let mut fields = Vec::new();
        let mut owned = Vec::new();
        for a in &all {
            let name = &a.name;
            if name == "subscription_id" {
                pass.push(quote!(c.subscription_id()));
            } else if let Some(inner) = option_inner(&a.ty) {
                let (fty, expr) = option_field(name, inner);
                let doc = op
                    .params
                    .iter()
                    .find(|p| *name == p.rust || *name == snake(&p.wire))
                    .and_then(|p| p.doc.clone())
                    .map(|d| format!(" {}", crate::emit_models::escape_doc(&d)))
                    .unwrap_or_else(|| format!(" `{name}`"));
                fields.push(quote!(#[doc = #doc] pub #name: #fty,));
                pass.push(expr);
            } else {
                let ty = &a.ty;
                if pagers.contains_key(&op.id) {
                    // Owned by the pager's future.
                    let (pty, own, use_) = match ty {
                        syn::Type::Reference(r) if matches!(&*r.elem, syn::Type::Path(p) if p.path.is_ident("str")) => {
                            (
                                quote!(&str),
                                quote!(let #name = #name.to_owned();),
                                quote!(&#name),
                            )
                        }
                        syn::Type::Reference(r) => {
                            let e = &r.elem;
                            (
                                quote!(&#e),
                                quote!(let #name = #name.clone();),
                                quote!(&#name),
                            )
                        }
                        other => (quote!(#other), quote!(), quote!(#name)),
                    };
                    params.push(quote!(#name: #pty));
                    owned.push(own);
                    pass.push(use_);
                } else {
                    params.push(quote!(#name: #ty));
                    pass.push(quote!(#name));
                }
            }
        }
        let options_ty = format_ident!("{}{}Options", group, upper_camel(&method));
        let pager = pagers.get(&op.id);
        if pager.is_some() {
            fields.push(quote! {
                /// Resume from this `nextLink` (a [`crate::pager::Pager::continuation`])
                /// instead of sending the first request.
                pub continuation: Option<String>,
            });
        }
        // Every method takes its options struct, empty or not, so the first optional
        // parameter upstream is a new field too, not a new argument.
        let has_options = !fields.is_empty();
        let doc = format!(
            " Optional parameters of [`{group}Client::{method}`] (`{}`).",
            op.id
        );
        options_structs.push(quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, Default, PartialEq)]
            pub struct #options_ty { #(#fields)* }
        });
        params.push(quote!(options: Option<#options_ty>));
        let doc = format!(
            " `{}` ({} `{}`); see [`Client::{}`].",
            op.id,
            op.method.as_str().to_uppercase(),
            op.path,
            op.rust
        );
        let body = if let Some(p) = pager {
            let PagerParts {
                first,
                item,
                item_name,
                next,
                first_page,
            } = p;
            quote! {
                #[doc = #doc]
                pub fn #method_id(&self, #(#params),*) -> crate::pager::Pager<'static, #item> {
                    let c = self.client.clone();
                    let o = options.unwrap_or_default();
                    if let Some(link) = o.continuation.clone() {
                        return crate::pager::Pager::resume(c.inner.clone(), &c.baseurl, #item_name, #next, link);
                    }
                    #(#owned)*
                    let (inner, base) = (c.inner.clone(), c.baseurl.clone());
                    crate::pager::Pager::new(inner, &base, #item_name, #next, async move {
                        let page = c.#first(#(#pass),*).await?.into_inner();
                        #first_page
                    })
                }
            }
        } else {
            let output = match &flat.sig.output {
                syn::ReturnType::Type(_, t) => quote!(#t),
                syn::ReturnType::Default => quote!(()),
            };
            if has_options {
                quote! {
                    #[doc = #doc]
                    pub fn #method_id(&self, #(#params),*) -> impl std::future::Future<Output = #output> + Send + 'a {
                        let c = self.client;
                        async move {
                            let o = options.unwrap_or_default();
                            c.#flat_name(#(#pass),*).await
                        }
                    }
                }
            } else {
                quote! {
                    #[doc = #doc]
                    pub fn #method_id(&self, #(#params),*) -> impl std::future::Future<Output = #output> + Send + 'a {
                        let _ = options; // no optional parameter today
                        let c = self.client;
                        c.#flat_name(#(#pass),*)
                    }
                }
            }
        };
        groups.entry(group).or_default().push(body);
    }
    let mut accessors = Vec::new();
    let mut clients = Vec::new();
    for (group, methods) in &groups {
        let ty = format_ident!("{}Client", group);
        let acc = format_ident!("{}", snake(group));
        let doc = format!(" The `{group}` operations.");
        accessors.push(quote! {
            #[doc = #doc]
            pub fn #acc(&self) -> #ty<'_> { #ty { client: self } }
        });
        let tdoc = format!(" The `{group}_*` operations of the spec; from [`Client::{acc}`].");
        clients.push(quote! {
            #[doc = #tdoc]
            #[derive(Clone, Copy, Debug)]
            pub struct #ty<'a> { client: &'a Client }
            impl<'a> #ty<'a> { #(#methods)* }
        });
    }
    Ok(quote! {
        impl Client {
            /// A client for `subscription_id`, authenticated by `credential` (any
            /// `azure_core` credential: `azure_identity`'s, or azml's
            /// [`crate::auth::ClientSecretCredential`]); `options` default to the public
            /// cloud. Fails on a bad endpoint or application id.
            pub fn new(
                credential: std::sync::Arc<dyn crate::auth::TokenCredential>,
                subscription_id: &str,
                options: Option<crate::ClientOptions>,
            ) -> Result<Self, crate::Error> {
                let pipeline = options.unwrap_or_default().into_pipeline(Some(credential), subscription_id)?;
                Ok(Self::with_pipeline(pipeline))
            }

            /// The subscription every group method addresses.
            pub fn subscription_id(&self) -> &str {
                self.inner.subscription_id()
            }

            /// Resumes a long-running operation from its [`crate::lro::Poller::resume_token`]
            /// on this client's endpoint and pipeline; the result type is the one of the
            /// operation that made the token (inferred where the poller is awaited).
            pub fn resume_poller<T: crate::json::Json>(&self, token: &str) -> Result<crate::lro::Poller<T>, crate::Error> {
                crate::lro::Poller::resume(self.inner.clone(), &self.baseurl, token)
            }

            #(#accessors)*
        }
        #(#clients)*
        #(#options_structs)*
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naming_rule() {
        assert_eq!(
            group_and_method("Workspaces_ListByResourceGroup"),
            ("Workspaces".into(), "list_by_resource_group".into())
        );
        assert_eq!(
            group_and_method("PrivateEndpointConnections_Get"),
            ("PrivateEndpointConnections".into(), "get".into())
        );
        assert_eq!(
            group_and_method("Compute_CreateOrUpdate"),
            ("Compute".into(), "create_or_update".into())
        );
    }
}
