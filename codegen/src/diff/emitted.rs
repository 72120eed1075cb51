//! The crate as users compile against it: the generator's emitters run on a side's IR — the
//! model emitter ([`crate::emit_models::emit`], see [`models`]) and the client emitter
//! ([`crate::emit_client::emit`], see [`client`] and [`super::emitted_client`]) — and their
//! output is read back. From the models' tokens: each struct's fields with their exact Rust
//! types (`Option`, `Box`, `x-nullable`, formats…), each enum's variants and each type alias'
//! target (a light token walk, not a full `syn` parse: impl blocks are skipped). An emitter
//! that fails or panics makes the side's Rust impact unknown: [`client`] returns its error.

use std::collections::BTreeMap;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::emitted_client::{self, ClientApi};
use crate::ir::Api;
use crate::{guard, Error};

/// Emits and reads a side's client (its models were emitted when it was loaded, see
/// [`super::Side`]). An emitter error is returned as is; a panic becomes an error naming the
/// operation that causes it ([`crate::guard`]), as `cargo xtask generate` reports it.
pub fn client(api: &Api) -> Result<ClientApi, Error> {
    let tokens = guard::no_panic(api, "the client emitter", crate::emit_client::emit)?;
    emitted_client::read(tokens, &format!("v{}", api.version.replace('-', "_")))
}

/// One emitted model item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Emitted {
    /// `pub struct`.
    Struct {
        /// Field name → Rust type.
        fields: BTreeMap<String, String>,
        /// Marked `#[non_exhaustive]` (a receive-only model).
        non_exhaustive: bool,
    },
    /// `pub enum`.
    Enum {
        /// Variant name → payload (`(String)`, or empty).
        variants: BTreeMap<String, String>,
        /// Marked `#[non_exhaustive]`.
        non_exhaustive: bool,
    },
    /// `pub type X = T;`: `T`.
    Alias(String),
}

impl Emitted {
    /// Whether code outside the crate can neither build it with a literal nor match it
    /// exhaustively (`#[non_exhaustive]`).
    pub fn non_exhaustive(&self) -> bool {
        match self {
            Emitted::Struct { non_exhaustive, .. } | Emitted::Enum { non_exhaustive, .. } => {
                *non_exhaustive
            }
            Emitted::Alias(_) => false,
        }
    }
}

/// Every struct, enum and type alias the model emitter writes for `api`, by name.
pub fn models(api: &Api) -> BTreeMap<String, Emitted> {
    items(crate::emit_models::emit(api))
}

/// The struct, enum and type alias items of a module's tokens.
fn items(ts: TokenStream) -> BTreeMap<String, Emitted> {
    let tokens: Vec<TokenTree> = ts.into_iter().collect();
    let mut out = BTreeMap::new();
    // A `#[non_exhaustive]` seen since the last item ended.
    let mut non_exhaustive = false;
    let mut i = 0;
    while i < tokens.len() {
        let TokenTree::Ident(kw) = &tokens[i] else {
            match &tokens[i] {
                TokenTree::Group(g)
                    if g.delimiter() == Delimiter::Bracket
                        && g.stream().to_string() == "non_exhaustive" =>
                {
                    non_exhaustive = true
                }
                TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => non_exhaustive = false,
                TokenTree::Punct(p) if p.as_char() == ';' => non_exhaustive = false,
                _ => {}
            }
            i += 1;
            continue;
        };
        let kw = kw.to_string();
        let name = match tokens.get(i + 1) {
            Some(TokenTree::Ident(n)) if ["struct", "enum", "type"].contains(&kw.as_str()) => {
                n.to_string()
            }
            _ => {
                i += 1;
                continue;
            }
        };
        i += 2;
        if kw == "type" {
            // `= T ;`
            let start = i + 1;
            let end = (start..tokens.len())
                .find(|&j| matches!(&tokens[j], TokenTree::Punct(p) if p.as_char() == ';'))
                .unwrap_or(tokens.len());
            out.insert(name, Emitted::Alias(render(&tokens[start.min(end)..end])));
            non_exhaustive = false;
            i = end;
            continue;
        }
        let Some(j) = (i..tokens.len()).find(
            |&j| matches!(&tokens[j], TokenTree::Group(g) if g.delimiter() == Delimiter::Brace),
        ) else {
            break;
        };
        let TokenTree::Group(body) = &tokens[j] else {
            unreachable!("found a group")
        };
        let members = members(body.stream(), kw == "struct");
        out.insert(
            name,
            if kw == "struct" {
                Emitted::Struct {
                    fields: members,
                    non_exhaustive,
                }
            } else {
                Emitted::Enum {
                    variants: members,
                    non_exhaustive,
                }
            },
        );
        non_exhaustive = false;
        i = j + 1;
    }
    out
}

/// Fields (`name: Type,`) or variants (`Name(Payload),`) of a braced body, attributes and
/// visibility skipped.
fn members(body: TokenStream, fields: bool) -> BTreeMap<String, String> {
    let tokens: Vec<TokenTree> = body.into_iter().collect();
    let mut out = BTreeMap::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            // `#[…]`
            TokenTree::Punct(p) if p.as_char() == '#' => i += 2,
            TokenTree::Ident(id) if id == "pub" => {
                i += 1;
                if matches!(tokens.get(i), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
                {
                    i += 1;
                }
            }
            TokenTree::Ident(id) => {
                let name = id.to_string();
                i += 1;
                let start = if fields { i + 1 } else { i };
                let mut depth = 0i32;
                let mut end = start;
                while end < tokens.len() {
                    if let TokenTree::Punct(p) = &tokens[end] {
                        match p.as_char() {
                            '<' => depth += 1,
                            '>' => depth -= 1,
                            ',' if depth == 0 => break,
                            _ => {}
                        }
                    }
                    end += 1;
                }
                out.insert(name, render(&tokens[start.min(end)..end]));
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Rust source of a type's tokens, compact (`Option<BTreeMap<String, Value>>`), with the
/// `std::collections::` and `crate::json::` paths dropped.
fn render(tokens: &[TokenTree]) -> String {
    let ts: TokenStream = tokens.iter().cloned().collect();
    source(ts)
        .replace("std::collections::", "")
        .replace("crate::json::", "")
}

/// Rust source of tokens on one line, spaced as rustfmt would (`&'a self`, `a: T`,
/// `-> R`, `Output = T`, `Send + 'a`), without trailing commas before `)`, `]` or `>`:
/// the canonical spelling the diff compares and prints.
pub fn source(ts: TokenStream) -> String {
    let mut s = String::new();
    write_tokens(&ts.into_iter().collect::<Vec<_>>(), &mut s);
    s.trim().to_string()
}

/// Keywords after which a leading `::` path needs a space (`impl ::std::fmt::Debug`), as it
/// does after a lifetime (`&'a ::std::vec::Vec<T>`).
const KEYWORDS: &[&str] = &[
    "as", "const", "dyn", "fn", "for", "impl", "in", "mut", "where",
];

fn write_tokens(tokens: &[TokenTree], s: &mut String) {
    // A word written after one of these needs a space (`mut self`, `) where`, `> where`).
    let word_end =
        |s: &str| s.ends_with(|c: char| c.is_alphanumeric() || matches!(c, '_' | ')' | ']' | '>'));
    let trim_comma = |s: &mut String| {
        let t = s.trim_end().len();
        s.truncate(t);
        if s.ends_with(',') {
            s.pop();
        }
    };
    // The previous token when it is an identifier, and whether it is a lifetime's.
    let mut last_ident: Option<(String, bool)> = None;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Ident(id) => {
                if word_end(s) {
                    s.push(' ');
                }
                let lifetime = s.ends_with('\'');
                let id = id.to_string();
                s.push_str(&id);
                last_ident = Some((id, lifetime));
                i += 1;
                continue;
            }
            TokenTree::Literal(l) => {
                if word_end(s) {
                    s.push(' ');
                }
                s.push_str(&l.to_string());
            }
            TokenTree::Punct(_) => {
                // One operator: puncts joined to the next punct.
                let mut op = String::new();
                while let Some(TokenTree::Punct(p)) = tokens.get(i) {
                    op.push(p.as_char());
                    i += 1;
                    let joined = p.spacing() == proc_macro2::Spacing::Joint
                        && matches!(tokens.get(i), Some(TokenTree::Punct(_)));
                    if !joined {
                        break;
                    }
                }
                match op.as_str() {
                    "," => s.push_str(", "),
                    ":" | ";" => {
                        s.push_str(&op);
                        s.push(' ');
                    }
                    "->" | "=" | "=>" | "+" => {
                        let t = s.trim_end().len();
                        s.truncate(t);
                        s.push_str(&format!(" {op} "));
                    }
                    _ => {
                        if op.starts_with('>') {
                            trim_comma(s);
                        } else if op.starts_with("::")
                            && last_ident
                                .as_ref()
                                .is_some_and(|(k, lt)| *lt || KEYWORDS.contains(&k.as_str()))
                        {
                            s.push(' ');
                        }
                        s.push_str(&op);
                    }
                }
                last_ident = None;
                continue;
            }
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => (" { ", " }"),
                    Delimiter::None => ("", ""),
                };
                s.push_str(open);
                write_tokens(&g.stream().into_iter().collect::<Vec<_>>(), s);
                if g.delimiter() != Delimiter::None {
                    trim_comma(s);
                }
                s.push_str(close);
            }
        }
        last_ident = None;
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn source_is_one_canonical_line() {
        let cases = [
            (
                quote!(pub async fn f<'a,>(&'a self, x: &'a ::std::vec::Vec<::std::string::String>,)
                    -> Result<ResponseValue<crate::m::T,>, crate::Error,>),
                "pub async fn f<'a>(&'a self, x: &'a ::std::vec::Vec<::std::string::String>) \
                 -> Result<ResponseValue<crate::m::T>, crate::Error>",
            ),
            (
                quote!(pub fn g(&mut self, o: Option<X>) -> impl std::future::Future<Output = Result<u8, E>> + Send + 'a),
                "pub fn g(&mut self, o: Option<X>) -> impl std::future::Future<Output = \
                 Result<u8, E>> + Send + 'a",
            ),
            (
                quote!(fn h<T: crate::json::Json>(f: Box<dyn Fn(u8) -> u8>, d: impl ::std::fmt::Debug) where T: Clone),
                "fn h<T: crate::json::Json>(f: Box<dyn Fn(u8) -> u8>, d: impl ::std::fmt::Debug) \
                 where T: Clone",
            ),
            (quote!(Vec<[u8; 4]>), "Vec<[u8; 4]>"),
        ];
        for (ts, want) in cases {
            assert_eq!(source(ts), want);
        }
    }

    #[test]
    fn reads_fields_variants_and_aliases() {
        let items = items(quote! {
            use serde_json::Value;
            #[doc = " A."]
            #[derive(Clone, Debug)]
            #[non_exhaustive]
            pub struct A {
                #[doc = " x"]
                pub x: Option<std::collections::BTreeMap<String, Option<i32>>>,
                pub y: Box<B>,
            }
            impl Json for A {
                fn from_json(v: Value) -> Result<Self, DecodeError> { todo!() }
            }
            pub enum B { #[doc = " `b`"] Bee, Other(String), }
            pub type C = Vec<crate::json::DateTime>;
            crate::serde_via_json!(A, B);
        });
        let fields = BTreeMap::from([
            (
                "x".to_string(),
                "Option<BTreeMap<String, Option<i32>>>".to_string(),
            ),
            ("y".to_string(), "Box<B>".to_string()),
        ]);
        assert_eq!(
            items["A"],
            Emitted::Struct {
                fields,
                non_exhaustive: true
            }
        );
        let variants = BTreeMap::from([
            ("Bee".to_string(), String::new()),
            ("Other".to_string(), "(String)".to_string()),
        ]);
        assert_eq!(
            items["B"],
            Emitted::Enum {
                variants,
                non_exhaustive: false
            }
        );
        assert_eq!(items["C"], Emitted::Alias("Vec<DateTime>".into()));
        assert_eq!(items.len(), 3);
    }
}
