//! The client API as users compile against it: runs the client emitter
//! ([`crate::emit_client::emit`], which also writes the group clients of
//! [`crate::emit_groups`]) and reads, with `syn`, every public method of `impl Client` and of
//! each `impl <Group>Client`, and every other public struct (group clients, options structs)
//! with its public fields.
//!
//! A signature is rendered canonically on one line ([`super::emitted::source`]): visibility,
//! `async`, name, generics, parameters and return type exactly as emitted, with the version
//! module's paths shortened (`crate::v2023_04_01::models::Workspace` → `models::Workspace`) and
//! `crate::` spelled `azml::` (`azml::Error`), so the same item reads the same in every
//! api-version. Method bodies are dropped before parsing: they are most of the tokens and none
//! of the API.

use std::collections::BTreeMap;

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::quote;

use super::emitted::source;
use crate::Error;

/// One public method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    /// The whole signature (`pub async fn get<'a>(&'a self, name: &'a str) -> …`).
    pub signature: String,
    /// The same with parameter names erased: what callers depend on.
    pub shape: String,
    /// [`Method::shape`] without the `Option<…>` parameters.
    pub required_shape: String,
    /// The `Option<…>` parameters: name → type.
    pub optional: BTreeMap<String, String>,
}

/// The public client surface of one api-version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientApi {
    /// Public inherent methods by item path: `Client::workspaces_get`, `WorkspacesClient::get`.
    pub methods: BTreeMap<String, Method>,
    /// Public structs besides `Client` (group clients, options structs): name → public field →
    /// type.
    pub structs: BTreeMap<String, BTreeMap<String, String>>,
}

/// Reads the client emitter's output for the api-version whose module is `module`
/// (`v2023_04_01`).
pub fn read(tokens: TokenStream, module: &str) -> Result<ClientApi, Error> {
    let file: syn::File = syn::parse2(without_bodies(tokens))
        .map_err(|e| Error::new(format!("internal: the emitted client does not parse: {e}")))?;
    let prefix = format!("crate::{module}::");
    let canon = |ts: TokenStream| source(ts).replace(&prefix, "").replace("crate::", "azml::");
    let mut out = ClientApi::default();
    for item in &file.items {
        match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() => {
                let syn::Type::Path(p) = &*imp.self_ty else {
                    continue;
                };
                let Some(owner) = p.path.segments.last().map(|s| s.ident.to_string()) else {
                    continue;
                };
                if !owner.ends_with("Client") {
                    continue;
                }
                for it in &imp.items {
                    let syn::ImplItem::Fn(f) = it else { continue };
                    if matches!(f.vis, syn::Visibility::Public(_)) {
                        let name = format!("{owner}::{}", f.sig.ident);
                        out.methods.insert(name, method(&f.vis, &f.sig, &canon));
                    }
                }
            }
            syn::Item::Struct(st)
                if matches!(st.vis, syn::Visibility::Public(_)) && st.ident != "Client" =>
            {
                let fields = st
                    .fields
                    .iter()
                    .filter(|f| matches!(f.vis, syn::Visibility::Public(_)))
                    .filter_map(|f| {
                        let ty = &f.ty;
                        Some((f.ident.as_ref()?.to_string(), canon(quote!(#ty))))
                    })
                    .collect();
                out.structs.insert(st.ident.to_string(), fields);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A method's signature, its shape and required shape, each part rendered once.
fn method(
    vis: &syn::Visibility,
    sig: &syn::Signature,
    canon: &impl Fn(TokenStream) -> String,
) -> Method {
    let syn::Signature {
        constness,
        asyncness,
        unsafety,
        abi,
        ident,
        generics,
        output,
        ..
    } = sig;
    let head = canon(quote!(#vis #constness #asyncness #unsafety #abi fn #ident #generics));
    let tail = {
        let out = canon(quote!(#output));
        let wh = match &generics.where_clause {
            Some(w) => format!(" {}", canon(quote!(#w))),
            None => String::new(),
        };
        match out.is_empty() {
            true => wh,
            false => format!(" {out}{wh}"),
        }
    };
    // (name, type, optional); the receiver has no name.
    let args: Vec<(Option<String>, String, bool)> = sig
        .inputs
        .iter()
        .map(|a| match a {
            syn::FnArg::Receiver(r) => (None, canon(quote!(#r)), false),
            syn::FnArg::Typed(pt) => {
                let (pat, ty) = (&pt.pat, &pt.ty);
                (Some(canon(quote!(#pat))), canon(quote!(#ty)), is_option(ty))
            }
        })
        .collect();
    let render = |named: bool, required_only: bool| {
        let list: Vec<String> = args
            .iter()
            .filter(|(_, _, opt)| !(required_only && *opt))
            .map(|(name, ty, _)| match name {
                None => ty.clone(),
                Some(n) => format!("{}: {ty}", if named { n } else { "_" }),
            })
            .collect();
        format!("{head}({}){tail}", list.join(", "))
    };
    Method {
        signature: render(true, false),
        shape: render(false, false),
        required_shape: render(false, true),
        optional: args
            .iter()
            .filter(|a| a.2)
            .filter_map(|(n, t, _)| Some((n.clone()?, t.clone())))
            .collect(),
    }
}

/// `Option<…>`.
fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.len() == 1
        && p.path.segments[0].ident == "Option")
}

/// The tokens without what the API does not depend on and parsing would spend most of its
/// time on: the body of every function in an `impl` block (replaced by `{}`) and every
/// attribute (docs), at the top level, in `mod`s, `impl` blocks and struct bodies.
fn without_bodies(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    // The first keyword of the current item (after attributes and visibility).
    let mut item_kw: Option<String> = None;
    let mut it = tokens.into_iter().peekable();
    while let Some(t) = it.next() {
        match t {
            TokenTree::Punct(ref p) if p.as_char() == '#' => {
                // `#[…]` or `#![…]`.
                if matches!(it.peek(), Some(TokenTree::Punct(b)) if b.as_char() == '!') {
                    it.next();
                }
                if matches!(it.peek(), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket)
                {
                    it.next();
                } else {
                    out.push(t);
                }
            }
            TokenTree::Ident(ref id) => {
                if item_kw.is_none() && id != "pub" {
                    item_kw = Some(id.to_string());
                }
                out.push(t);
            }
            TokenTree::Punct(ref p) => {
                if p.as_char() == ';' {
                    item_kw = None;
                }
                out.push(t);
            }
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                let inner = match item_kw.as_deref() {
                    Some("impl") => without_bodies(g.stream())
                        .into_iter()
                        .map(|t| match t {
                            TokenTree::Group(b) if b.delimiter() == Delimiter::Brace => {
                                let mut e = Group::new(Delimiter::Brace, TokenStream::new());
                                e.set_span(b.span());
                                TokenTree::Group(e)
                            }
                            other => other,
                        })
                        .collect(),
                    Some("mod" | "struct") => without_bodies(g.stream()),
                    _ => g.stream(),
                };
                let mut ng = Group::new(Delimiter::Brace, inner);
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
                item_kw = None;
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_methods_groups_and_options() {
        let api = read(
            quote! {
                #![allow(clippy::all)]
                pub use progenitor_client::ResponseValue;
                pub mod types { impl X { fn f(&self) -> u8 { 1 } } }
                pub struct Client { pub(crate) inner: u8 }
                impl Client {
                    /// Docs.
                    pub async fn things_get<'a>(
                        &'a self,
                        name: &'a str,
                        expand: Option<&'a str>,
                        body: &'a crate::v2020_01_01::models::Thing,
                    ) -> Result<ResponseValue<crate::v2020_01_01::models::Thing,>, crate::Error,> {
                        let x = { 1 };
                        todo!()
                    }
                    fn private(&self) {}
                }
                impl ClientInfo<u8> for Client { fn api_version() -> &'static str { "" } }
                pub struct ThingsClient<'a> { client: &'a Client }
                impl<'a> ThingsClient<'a> {
                    pub fn get(&self, name: &'a str, options: Option<ThingsGetOptions>)
                        -> impl std::future::Future<Output = Result<u8, crate::Error>> + Send + 'a {
                        async move { todo!() }
                    }
                }
                #[derive(Default)]
                pub struct ThingsGetOptions { #[doc = " x"] pub expand: Option<String>, }
            },
            "v2020_01_01",
        )
        .unwrap();
        let get = &api.methods["Client::things_get"];
        assert_eq!(
            get.signature,
            "pub async fn things_get<'a>(&'a self, name: &'a str, expand: Option<&'a str>, \
             body: &'a models::Thing) -> Result<ResponseValue<models::Thing>, azml::Error>"
        );
        assert_eq!(
            get.shape,
            "pub async fn things_get<'a>(&'a self, _: &'a str, _: Option<&'a str>, \
             _: &'a models::Thing) -> Result<ResponseValue<models::Thing>, azml::Error>"
        );
        assert_eq!(
            get.required_shape,
            "pub async fn things_get<'a>(&'a self, _: &'a str, _: &'a models::Thing) \
             -> Result<ResponseValue<models::Thing>, azml::Error>"
        );
        assert_eq!(
            get.optional,
            BTreeMap::from([("expand".to_string(), "Option<&'a str>".to_string())])
        );
        assert_eq!(
            api.methods["ThingsClient::get"].signature,
            "pub fn get(&self, name: &'a str, options: Option<ThingsGetOptions>) -> impl \
             std::future::Future<Output = Result<u8, azml::Error>> + Send + 'a"
        );
        assert_eq!(api.methods.len(), 2);
        assert_eq!(
            api.structs,
            BTreeMap::from([
                ("ThingsClient".to_string(), BTreeMap::new()),
                (
                    "ThingsGetOptions".to_string(),
                    BTreeMap::from([("expand".to_string(), "Option<String>".to_string())])
                ),
            ])
        );
    }
}
