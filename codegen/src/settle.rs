//! The last step of *normalize* before validation: facts about fields that depend on the
//! whole type graph or on naming rules, decided once here and stored in the IR
//! ([`Prop::boxed`], [`Prop::redacted`]) so that the model emitter only renders them.
//!
//! - **Boxed**: a field whose type contains the owning type through direct (non-`Vec`,
//!   non-map) fields is `Box`ed, or the struct would have infinite size.
//! - **Redacted**: `Debug` shows `<redacted>` for `x-ms-secret` fields, fields with a
//!   credential-like name (the rule the runtime applies to unknown properties, shared as one
//!   file: `runtime/src/json/credential_names.rs`), and the `value` of a `…Password…` type.

use std::collections::BTreeSet;

use crate::ir::*;

#[path = "../../runtime/src/json/credential_names.rs"]
mod credential_names;

/// Fills in the settled facts of every struct field and union base field.
pub fn settle(mut api: Api) -> Api {
    let names: Vec<String> = api.types.keys().cloned().collect();
    for name in names {
        let flags: Vec<(bool, bool)> = match &api.types[&name].kind {
            Kind::Struct { props, .. } | Kind::Union { base: props, .. } => props
                .iter()
                .map(|p| (boxed(&api, &name, p), redacted(&name, p)))
                .collect(),
            Kind::Enum { .. } | Kind::Alias(_) => continue,
        };
        let def = api.types.get_mut(&name).expect("listed");
        if let Kind::Struct { props, .. } | Kind::Union { base: props, .. } = &mut def.kind {
            for (p, (b, r)) in props.iter_mut().zip(flags) {
                p.boxed = b;
                p.redacted = r;
            }
        }
    }
    api
}

fn boxed(api: &Api, owner: &str, p: &Prop) -> bool {
    matches!(&p.ty, Ty::Named(n) if reaches(api, n, owner, &mut BTreeSet::new()))
}

fn redacted(owner: &str, p: &Prop) -> bool {
    p.secret
        || credential_names::credential_like(&p.wire)
        || (owner.to_ascii_lowercase().contains("password") && p.wire.eq_ignore_ascii_case("value"))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn prop(wire: &str, ty: Ty) -> Prop {
        Prop {
            wire: wire.into(),
            rust: wire.to_lowercase(),
            ty,
            required: false,
            read_only: false,
            secret: false,
            write_only: false,
            nullable: false,
            values_nullable: false,
            format: None,
            boxed: false,
            redacted: false,
            default: None,
            flatten: false,
            doc: None,
        }
    }

    fn strukt(name: &str, props: Vec<Prop>) -> (String, TypeDef) {
        let kind = Kind::Struct {
            props,
            discriminators: vec![],
            additional: None,
        };
        let def = TypeDef {
            name: name.into(),
            source: String::new(),
            definition: Some(name.into()),
            doc: None,
            kind,
        };
        (name.into(), def)
    }

    #[test]
    fn recursion_is_boxed_and_credentials_are_redacted() {
        let api = Api {
            version: "v".into(),
            title: "t".into(),
            sources: vec![],
            operations: vec![],
            types: [
                strukt(
                    "Node",
                    vec![
                        prop("next", Ty::Named("Node".into())),
                        prop("children", Ty::Array(Box::new(Ty::Named("Node".into())))),
                        prop("adminPassword", Ty::String),
                        prop("publicKey", Ty::String),
                        prop("primaryKeys", Ty::String),
                        prop("value", Ty::String),
                    ],
                ),
                strukt("SecretPassword", vec![prop("value", Ty::String)]),
            ]
            .into_iter()
            .collect(),
            definitions: Default::default(),
        };
        let api = settle(api);
        let Kind::Struct { props, .. } = &api.types["Node"].kind else {
            unreachable!()
        };
        let flags: Vec<(bool, bool)> = props.iter().map(|p| (p.boxed, p.redacted)).collect();
        assert_eq!(
            flags,
            [
                (true, false),
                (false, false),
                (false, true),
                (false, false),
                (false, true),
                (false, false)
            ]
        );
        let Kind::Struct { props, .. } = &api.types["SecretPassword"].kind else {
            unreachable!()
        };
        assert!(props[0].redacted);
    }
}
