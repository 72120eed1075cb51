//! What a schema *position* says about the value it holds, compared per pair of sites:
//! `default`, `readOnly`, `x-nullable`, `x-ms-client-name`, `x-ms-secret`, `x-ms-mutability`.
//! A key written at the position — beside a `$ref`, or in an inline schema — wins over the
//! referenced schema's own, so a `$ref` and an identical inline schema compare equal, and a
//! key moved between a property and its definition is no change. Also: a `$ref` whose target
//! is missing on one side (a tolerated spec bug) cannot be compared by content and is reported
//! as a redirection.

use std::collections::BTreeSet;

use serde_json::Value;

use super::differ::Differ;
use super::label::{show, Label};
use super::located::At;
use super::pairs::SitePair;
use super::rules;
use super::{Dir, Location};
use crate::swagger::Schema;

/// Keys that annotate a schema position and count beside a `$ref` too.
const ANNOTATIONS: &[&str] = &[
    "default",
    "readOnly",
    "x-nullable",
    "x-ms-client-name",
    "x-ms-secret",
    "x-ms-mutability",
];

/// The value of an annotation key of a schema, as JSON.
fn value(s: &Schema, key: &str) -> Option<Value> {
    match key {
        "default" => s.default.clone(),
        "readOnly" => s.read_only.map(Value::Bool),
        "x-nullable" => s.nullable.map(Value::Bool),
        "x-ms-client-name" => s.client_name.clone().map(Value::String),
        "x-ms-secret" => s.secret.map(Value::Bool),
        "x-ms-mutability" => s
            .mutability
            .as_ref()
            .map(|m| Value::Array(m.iter().cloned().map(Value::String).collect())),
        _ => None,
    }
}

/// A schema position and what it resolves to.
struct Annotated<'h, 'a> {
    site: &'h At<'a, Schema>,
    body: Option<&'h At<'a, Schema>>,
}

impl Annotated<'_, '_> {
    /// The effective value of `key` and where it is written (the position when nowhere).
    /// A referenced definition's `x-ms-client-name` names its type, not the position.
    fn get(&self, key: &str) -> (Option<Value>, Location) {
        if let Some(v) = value(self.site.v, key) {
            return (Some(v), self.site.key_loc(key));
        }
        let body = self
            .body
            .filter(|b| key != "x-ms-client-name" || b.ptr == self.site.ptr);
        match body.and_then(|b| Some((value(b.v, key)?, b))) {
            Some((v, b)) => (Some(v), b.key_loc(key)),
            None => (None, self.site.loc()),
        }
    }
}

/// A boolean keyword that is `true`.
fn flag(v: &Option<Value>) -> bool {
    v.as_ref().and_then(Value::as_bool) == Some(true)
}

/// `x-ms-mutability` as a set; absent means `read` for a read-only position, else all of
/// `create`, `read`, `update`.
fn mutability(v: &Option<Value>, read_only: bool) -> BTreeSet<String> {
    match v.as_ref().and_then(Value::as_array) {
        Some(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        None if read_only => ["read"].map(String::from).into(),
        None => ["create", "read", "update"].map(String::from).into(),
    }
}

impl<'a> Differ<'a> {
    /// Compares a pair of sites: their annotations, or a missing `$ref` target.
    pub fn site(&mut self, s: &SitePair<'a>, dir: Dir) {
        let (ob, nb) = (s.bodies.0.as_ref().ok(), s.bodies.1.as_ref().ok());
        self.annotations(
            &Annotated {
                site: &s.o,
                body: ob,
            },
            &Annotated {
                site: &s.n,
                body: nb,
            },
            dir,
            &s.label,
        );
        let (a, b) = (&s.bodies.0, &s.bodies.1);
        if a.is_ok() && b.is_ok() || a.as_ref().err() == b.as_ref().err() {
            return;
        }
        let what = |r: &Result<At<Schema>, String>| match r {
            Err(m) => format!("`{m}` (missing)"),
            Ok(b) => b
                .def_name()
                .map_or("an inline schema".to_string(), |n| format!("`{n}`")),
        };
        self.emit(
            &rules::REFERENCE_REDIRECTION,
            true,
            Some(s.o.loc()),
            Some(s.n.loc()),
            format!(
                "{} now refers to {} instead of {}.",
                s.label,
                what(b),
                what(a)
            ),
        );
    }

    fn annotations(
        &mut self,
        o: &Annotated<'_, 'a>,
        n: &Annotated<'_, 'a>,
        dir: Dir,
        label: &Label,
    ) {
        for &key in ANNOTATIONS {
            let ((ov, ol), (nv, nl)) = (o.get(key), n.get(key));
            if ov == nv {
                continue;
            }
            let (ol, nl) = (Some(ol), Some(nl));
            let (was, is) = (flag(&ov), flag(&nv));
            let now = if is { "now" } else { "no longer" };
            match key {
                "default" => self.emit(
                    &rules::DEFAULT_VALUE_CHANGED,
                    dir.has(Dir::REQUEST),
                    ol,
                    nl,
                    format!(
                        "Default of {label} changed from {} to {}.",
                        show(ov.as_ref()),
                        show(nv.as_ref())
                    ),
                ),
                "readOnly" if was != is => self.emit(
                    &rules::READONLY_CHANGED,
                    true,
                    ol,
                    nl,
                    format!("{label} is {now} read-only."),
                ),
                "x-nullable" if was != is => self.emit(
                    &rules::NULLABLE_CHANGED,
                    if is {
                        dir.has(Dir::RESPONSE)
                    } else {
                        dir.has(Dir::REQUEST)
                    },
                    ol,
                    nl,
                    format!("{label} is {now} nullable (`x-nullable`)."),
                ),
                "x-ms-client-name" => self.emit(
                    &rules::CLIENT_NAME_CHANGED,
                    false,
                    ol,
                    nl,
                    format!(
                        "Client name of {label} changed from {} to {}.",
                        show(ov.as_ref()),
                        show(nv.as_ref())
                    ),
                ),
                "x-ms-secret" if was != is => self.emit(
                    &rules::SECRET_CHANGED,
                    is && dir.has(Dir::RESPONSE),
                    ol,
                    nl,
                    format!("{label} is {now} a secret (`x-ms-secret`)."),
                ),
                "x-ms-mutability" => {
                    let ro = |a: &Annotated| flag(&a.get("readOnly").0);
                    let (om, nm) = (mutability(&ov, ro(o)), mutability(&nv, ro(n)));
                    if om == nm {
                        continue;
                    }
                    let lost = |m: &str| om.contains(m) && !nm.contains(m);
                    let breaking = (lost("read") && dir.has(Dir::RESPONSE))
                        || ((lost("create") || lost("update")) && dir.has(Dir::REQUEST));
                    let list =
                        |m: &BTreeSet<String>| m.iter().cloned().collect::<Vec<_>>().join(", ");
                    self.emit(
                        &rules::MUTABILITY_CHANGED,
                        breaking,
                        ol,
                        nl,
                        format!(
                            "`x-ms-mutability` of {label} changed from [{}] to [{}].",
                            list(&om),
                            list(&nm)
                        ),
                    );
                }
                _ => {}
            }
        }
    }
}
