//! The last step of *normalize*: checks the finished [`Api`] for what the emitters and
//! progenitor assume but do not check themselves (they assert, index or recurse instead), and
//! rejects a spec that breaks an assumption with an error naming the file and JSON pointer.
//!
//! - Every `{name}` of a path template has a path parameter, and every path parameter is in
//!   the template (progenitor: "`x` missing from path", "missing path name mapping").
//! - Path, query and header parameters are scalars, enums, or (query/header) arrays of them.
//! - Type aliases end in a type: `A = B`, `B = A` (a `$ref` cycle through definitions that
//!   are only `$ref`s) never terminates in the emitters.
//! - A long-running operation whose success responses carry different body types has no one
//!   result type for its poller. (A non-long-running one is generated with raw access, see
//!   [`crate::openapi`].)

use std::collections::BTreeSet;

use crate::guard::operation_pointer;
use crate::ir::{Api, Kind, Operation, ParamIn, Ty};
use crate::Error;

/// Checks `api`; the first violation is the error.
pub fn validate(api: &Api) -> Result<(), Error> {
    for op in &api.operations {
        path_template(op)?;
        parameter_types(api, op)?;
        lro_results(op)?;
    }
    aliases_terminate(api)
}

fn at(op: &Operation, msg: impl std::fmt::Display) -> Error {
    Error::new(format!("{}: {msg}", operation_pointer(op)))
}

/// The `{variables}` of a path template, or an error for an unbalanced brace.
fn template_vars(op: &Operation) -> Result<Vec<&str>, Error> {
    let mut vars = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| {
            at(
                op,
                format!("path template {:?} has an unclosed `{{`", op.path),
            )
        })?;
        let var = &after[..close];
        if var.is_empty() || var.contains('{') {
            return Err(at(
                op,
                format!("path template {:?} has a bad variable", op.path),
            ));
        }
        vars.push(var);
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err(at(
            op,
            format!("path template {:?} has a stray `}}`", op.path),
        ));
    }
    Ok(vars)
}

fn path_template(op: &Operation) -> Result<(), Error> {
    let vars = template_vars(op)?;
    let params: BTreeSet<&str> = op
        .params
        .iter()
        .filter(|p| p.location == ParamIn::Path)
        .map(|p| p.wire.as_str())
        .collect();
    let mut seen = BTreeSet::new();
    for v in &vars {
        if !seen.insert(*v) {
            return Err(at(op, format!("path template names {{{v}}} twice")));
        }
        if !params.contains(v) {
            return Err(at(
                op,
                format!(
                    "path template names {{{v}}} but the operation has no path parameter `{v}`"
                ),
            ));
        }
    }
    if let Some(extra) = params.iter().find(|p| !seen.contains(*p)) {
        return Err(at(
            op,
            format!(
                "path parameter `{extra}` is not in the path template {:?}",
                op.path
            ),
        ));
    }
    let mut wires = BTreeSet::new();
    for p in op.params.iter().filter(|p| p.location != ParamIn::Body) {
        if !wires.insert(p.wire.as_str()) {
            return Err(at(
                op,
                format!("parameter `{}` is declared in two locations", p.wire),
            ));
        }
    }
    if op
        .params
        .iter()
        .filter(|p| p.location == ParamIn::Body)
        .count()
        > 1
    {
        return Err(at(op, "more than one body parameter"));
    }
    Ok(())
}

/// Whether `ty` is a scalar or an enum (through aliases).
fn scalar(api: &Api, ty: &Ty, depth: usize) -> bool {
    match ty {
        Ty::String | Ty::I32 | Ty::I64 | Ty::F64 | Ty::Bool => true,
        Ty::Named(n) if depth < 16 => match api.types.get(n).map(|d| &d.kind) {
            Some(Kind::Enum { .. }) => true,
            Some(Kind::Alias(t)) => scalar(api, t, depth + 1),
            _ => false,
        },
        _ => false,
    }
}

fn parameter_types(api: &Api, op: &Operation) -> Result<(), Error> {
    for p in &op.params {
        let ok = match (p.location, &p.ty) {
            (ParamIn::Body, _) => true,
            (ParamIn::Path, t) => scalar(api, t, 0),
            (_, Ty::Array(t)) => scalar(api, t, 0),
            (_, t) => scalar(api, t, 0),
        };
        if !ok {
            return Err(at(
                op,
                format!(
                    "{:?} parameter `{}` must be a scalar or an enum{}",
                    p.location,
                    p.wire,
                    if p.location == ParamIn::Path {
                        ""
                    } else {
                        " (or an array of them)"
                    }
                ),
            ));
        }
    }
    Ok(())
}

fn lro_results(op: &Operation) -> Result<(), Error> {
    if op.lro.is_some() {
        let bodies: BTreeSet<&Ty> = op
            .responses
            .iter()
            .filter_map(|r| r.body.as_ref())
            .collect();
        if bodies.len() > 1 {
            return Err(at(
                op,
                "long-running operation whose success responses have different body types \
                 (its poller needs one result type)",
            ));
        }
    }
    Ok(())
}

fn aliases_terminate(api: &Api) -> Result<(), Error> {
    for (name, def) in &api.types {
        let mut seen = BTreeSet::from([name.as_str()]);
        let mut kind = &def.kind;
        while let Kind::Alias(Ty::Named(next)) = kind {
            if !seen.insert(next.as_str()) {
                return Err(Error::new(format!(
                    "{}: $ref cycle: {} never reaches a schema",
                    def.source,
                    seen.into_iter().collect::<Vec<_>>().join(" → ")
                )));
            }
            match api.types.get(next) {
                Some(d) => kind = &d.kind,
                None => break,
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Param, Response, TypeDef};

    fn op(path: &str, params: &[(&str, ParamIn, Ty)]) -> Operation {
        Operation {
            id: "A_Get".into(),
            rust: "a_get".into(),
            method: crate::ir::Method::Get,
            path: path.into(),
            file: "a.json".into(),
            doc: None,
            params: params
                .iter()
                .map(|(w, l, t)| Param {
                    collection_format: None,
                    wire: w.to_string(),
                    rust: w.to_string(),
                    location: *l,
                    required: true,
                    ty: t.clone(),
                    doc: None,
                })
                .collect(),
            responses: vec![],
            error: None,
            lro: None,
            pageable: None,
        }
    }

    fn api(ops: Vec<Operation>) -> Api {
        Api {
            version: "1".into(),
            title: "t".into(),
            sources: vec![],
            operations: ops,
            types: Default::default(),
            definitions: Default::default(),
        }
    }

    fn check(o: Operation) -> String {
        validate(&api(vec![o]))
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn path_template_and_parameters_agree() {
        assert_eq!(check(op("/a/{x}", &[("x", ParamIn::Path, Ty::String)])), "");
        assert_eq!(
            check(op("/a/{x}", &[("x", ParamIn::Query, Ty::String)])),
            "a.json#/paths/~1a~1{x}/get: path template names {x} but the operation has no path parameter `x`"
        );
        assert_eq!(
            check(op("/a", &[("x", ParamIn::Path, Ty::String)])),
            "a.json#/paths/~1a/get: path parameter `x` is not in the path template \"/a\""
        );
        assert!(check(op("/a/{x", &[])).contains("unclosed"));
        assert!(check(op("/a/{x}/{x}", &[("x", ParamIn::Path, Ty::String)])).contains("twice"));
        assert!(check(op(
            "/a/{x}",
            &[
                ("x", ParamIn::Path, Ty::String),
                ("x", ParamIn::Query, Ty::String)
            ]
        ))
        .contains("two locations"));
        assert!(check(op("/a", &[("q", ParamIn::Query, Ty::Any)])).contains("must be a scalar"));
        assert_eq!(
            check(op(
                "/a",
                &[("q", ParamIn::Query, Ty::Array(Box::new(Ty::I32)))]
            )),
            ""
        );
    }

    #[test]
    fn lro_with_two_body_types_is_rejected() {
        let mut o = op("/a", &[]);
        o.lro = Some(crate::ir::Lro {
            final_state_via: None,
        });
        o.responses = vec![
            Response {
                status: 200,
                body: Some(Ty::String),
            },
            Response {
                status: 201,
                body: Some(Ty::I32),
            },
        ];
        assert!(check(o.clone()).contains("different body types"));
        o.lro = None;
        assert_eq!(check(o), "");
    }

    #[test]
    fn alias_cycles_are_rejected() {
        let mut a = api(vec![]);
        for (n, to) in [("A", "B"), ("B", "A")] {
            a.types.insert(
                n.into(),
                TypeDef {
                    name: n.into(),
                    source: format!("a.json#/definitions/{n}"),
                    definition: Some(n.into()),
                    doc: None,
                    kind: Kind::Alias(Ty::Named(to.into())),
                },
            );
        }
        assert_eq!(
            validate(&a).unwrap_err().to_string(),
            "a.json#/definitions/A: $ref cycle: A → B never reaches a schema"
        );
    }
}
