//! The models module as users compile against it: runs the model emitter
//! ([`crate::emit_models::emit`]) and reads, from its tokens, each struct's fields with their
//! exact Rust types (`Option`, `Box`, `x-nullable`, formats…), each enum's variants and each
//! type alias' target. A light token walk, not a full `syn` parse: impl blocks are skipped.

use std::collections::BTreeMap;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::ir::Api;

/// One emitted model item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Emitted {
    /// `pub struct`: field name → Rust type.
    Struct(BTreeMap<String, String>),
    /// `pub enum`: variant name → payload (`(String)`, or empty).
    Enum(BTreeMap<String, String>),
    /// `pub type X = T;`: `T`.
    Alias(String),
}

/// Every struct, enum and type alias the model emitter writes for `api`, by name.
pub fn models(api: &Api) -> BTreeMap<String, Emitted> {
    items(crate::emit_models::emit(api))
}

/// The struct, enum and type alias items of a module's tokens.
fn items(ts: TokenStream) -> BTreeMap<String, Emitted> {
    let tokens: Vec<TokenTree> = ts.into_iter().collect();
    let mut out = BTreeMap::new();
    let mut i = 0;
    while i < tokens.len() {
        let TokenTree::Ident(kw) = &tokens[i] else {
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
                Emitted::Struct(members)
            } else {
                Emitted::Enum(members)
            },
        );
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
    fn go(tokens: &[TokenTree], s: &mut String) {
        for t in tokens {
            match t {
                TokenTree::Ident(i) => {
                    if s.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                        s.push(' ');
                    }
                    s.push_str(&i.to_string());
                }
                TokenTree::Punct(p) if p.as_char() == ',' => s.push_str(", "),
                TokenTree::Punct(p) => s.push(p.as_char()),
                TokenTree::Literal(l) => s.push_str(&l.to_string()),
                TokenTree::Group(g) => {
                    let (open, close) = match g.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::None => ("", ""),
                    };
                    s.push_str(open);
                    go(&g.stream().into_iter().collect::<Vec<_>>(), s);
                    s.push_str(close);
                }
            }
        }
    }
    let mut s = String::new();
    go(tokens, &mut s);
    s.replace("std::collections::", "")
        .replace("crate::json::", "")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn reads_fields_variants_and_aliases() {
        let items = items(quote! {
            use serde_json::Value;
            #[doc = " A."]
            #[derive(Clone, Debug)]
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
        assert_eq!(items["A"], Emitted::Struct(fields));
        let variants = BTreeMap::from([
            ("Bee".to_string(), String::new()),
            ("Other".to_string(), "(String)".to_string()),
        ]);
        assert_eq!(items["B"], Emitted::Enum(variants));
        assert_eq!(items["C"], Emitted::Alias("Vec<DateTime>".into()));
        assert_eq!(items.len(), 3);
    }
}
