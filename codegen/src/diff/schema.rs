//! Schema comparison: type, format, enum and `x-ms-enum`, constraints, annotations (defaults,
//! read-only, nullable, client name, secret, mutability),
//! `allOf` parents, discriminator, `additionalProperties`, and properties (flattened over
//! `allOf`, keyed by name, so order and where a property is declared do not matter).
//!
//! A `$ref` to a definition is compared by the definition's key (its name): the definition's
//! content is compared once, in [`Differ::definitions`]. A `$ref` on one side against an inline
//! schema on the other is compared by content. Keys written beside a `$ref` (`default`,
//! `readOnly`, `x-nullable`, `x-ms-client-name`, `x-ms-secret`, `x-ms-mutability`) belong to
//! the property and are compared over the definition's own, so moving them between the
//! property and an identical inline schema is no change.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::differ::{Differ, Here};
use super::rules;
use super::side::Index;
use super::{Dir, Location};
use crate::load::{escape_token, resolve_ref};

/// What a schema position resolves to.
enum Resolved<'a> {
    /// A definition: its key and content.
    Named(String, Here<'a>),
    /// An inline schema (possibly reached through non-definition `$ref`s).
    Inline(Here<'a>),
    /// A `$ref` whose target is missing (a tolerated spec bug): compared by target.
    Missing(String),
}

fn resolve<'a>(ix: &Index<'a>, h: Here<'a>) -> Resolved<'a> {
    let mut h = h;
    for _ in 0..32 {
        let Some(r) = h.v.get("$ref").and_then(Value::as_str) else {
            return Resolved::Inline(h);
        };
        let t = resolve_ref(h.file, r);
        let missing = || {
            let base = t.file.rsplit('/').next().unwrap_or(&t.file);
            Resolved::Missing(format!("{base}#{}", t.pointer))
        };
        let Some((file, doc)) = ix.set.docs.get_key_value(&t.file) else {
            return missing();
        };
        let Some(v) = doc.pointer(&t.pointer) else {
            return missing();
        };
        let next = Here::new(file, t.pointer.clone(), v);
        if let Some(k) = ix.keys.get(&t) {
            return Resolved::Named(k.clone(), next);
        }
        h = next;
    }
    Resolved::Inline(h)
}

/// The schema type: `type`, or `object` when it has object keywords.
fn type_of(v: &Value) -> Option<&str> {
    if let Some(t) = v.get("type").and_then(Value::as_str) {
        return Some(t);
    }
    ["properties", "allOf", "additionalProperties"]
        .iter()
        .any(|k| v.get(k).is_some())
        .then_some("object")
}

/// A spec value for messages: `` `value` `` or `none`.
pub(crate) fn show(v: Option<&Value>) -> String {
    match v {
        None => "none".to_string(),
        Some(Value::String(s)) => format!("`{s}`"),
        Some(v) => format!("`{v}`"),
    }
}

/// A property after `allOf` flattening.
struct Prop<'a> {
    /// Where it is declared.
    at: Here<'a>,
    /// Label of the declaring schema (a definition key, or the inline schema's label).
    owner: String,
}

/// Properties of a schema including inherited ones (child wins), and the `required` names.
fn flatten<'a>(
    ix: &Index<'a>,
    h: &Here<'a>,
    label: &str,
    props: &mut BTreeMap<String, Prop<'a>>,
    required: &mut BTreeSet<String>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    for (i, p) in
        h.v.get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
    {
        let site = Here::new(h.file, format!("{}/allOf/{i}", h.ptr), p);
        match resolve(ix, site) {
            Resolved::Named(k, ph) => flatten(ix, &ph, &k, props, required, depth + 1),
            Resolved::Inline(ph) => flatten(ix, &ph, label, props, required, depth + 1),
            Resolved::Missing(_) => {}
        }
    }
    required.extend(
        h.v.get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string),
    );
    if let Some(ps) = h.v.get("properties").and_then(Value::as_object) {
        for (name, pv) in ps {
            let ptr = format!("{}/properties/{}", h.ptr, escape_token(name));
            props.insert(
                name.clone(),
                Prop {
                    at: Here::new(h.file, ptr, pv),
                    owner: label.to_string(),
                },
            );
        }
    }
}

/// Keys of the `$ref`'d `allOf` parents.
fn parents(ix: &Index, h: &Here) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, p) in
        h.v.get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
    {
        if p.get("$ref").is_none() {
            continue;
        }
        match resolve(ix, Here::new(h.file, format!("{}/allOf/{i}", h.ptr), p)) {
            Resolved::Named(k, _) | Resolved::Missing(k) => {
                out.insert(k);
            }
            Resolved::Inline(_) => {}
        }
    }
    out
}

fn read_only(v: &Value) -> bool {
    flag(v.get("readOnly"))
}

/// A boolean keyword that is `true`.
fn flag(v: Option<&Value>) -> bool {
    v.and_then(Value::as_bool) == Some(true)
}

/// `x-ms-mutability` as a set; absent means all of `create`, `read`, `update`.
fn mutability(v: Option<&Value>) -> BTreeSet<&str> {
    match v.and_then(Value::as_array) {
        Some(a) => a.iter().filter_map(Value::as_str).collect(),
        None => ["create", "read", "update"].into(),
    }
}

/// Keys that annotate a schema position and count beside a `$ref` too.
const ANNOTATIONS: &[&str] = &[
    "default",
    "readOnly",
    "x-nullable",
    "x-ms-client-name",
    "x-ms-secret",
    "x-ms-mutability",
];

/// A schema position and what it resolves to: a key written at the position (beside a `$ref`,
/// or in an inline schema) wins over the resolved body's.
struct Annotated<'h, 'a> {
    site: &'h Here<'a>,
    body: Option<&'h Here<'a>>,
}

impl<'h, 'a> Annotated<'h, 'a> {
    fn inline(h: &'h Here<'a>) -> Self {
        Annotated {
            site: h,
            body: Some(h),
        }
    }

    /// The effective value of `key` and where it is written (the position when absent).
    fn get(&self, key: &str) -> (Option<&'a Value>, Location) {
        if let Some(v) = self.site.v.get(key) {
            return (Some(v), self.site.key_loc(key));
        }
        match self.body.and_then(|b| Some((b.v.get(key)?, b))) {
            Some((v, b)) => (Some(v), b.key_loc(key)),
            None => (None, self.site.loc()),
        }
    }
}

/// `x-ms-enum.modelAsString == false`: unknown values are rejected by generated clients.
fn closed_enum(v: &Value) -> bool {
    v.pointer("/x-ms-enum/modelAsString")
        .and_then(Value::as_bool)
        == Some(false)
}

/// How a constraint keyword tightens: `Max` (smaller is stronger), `Min` (larger is stronger),
/// `Flag` (true is stronger), `Other` (any change is just a change).
#[derive(Clone, Copy)]
enum Tighten {
    Max,
    Min,
    Flag,
    Other,
}

const CONSTRAINTS: &[(&str, Tighten)] = &[
    ("maximum", Tighten::Max),
    ("maxLength", Tighten::Max),
    ("maxItems", Tighten::Max),
    ("maxProperties", Tighten::Max),
    ("minimum", Tighten::Min),
    ("minLength", Tighten::Min),
    ("minItems", Tighten::Min),
    ("minProperties", Tighten::Min),
    ("exclusiveMaximum", Tighten::Flag),
    ("exclusiveMinimum", Tighten::Flag),
    ("uniqueItems", Tighten::Flag),
    ("pattern", Tighten::Other),
    ("multipleOf", Tighten::Other),
];

/// Stronger (`Some(true)`), weaker (`Some(false)`) or just different (`None`).
fn tightening(kind: Tighten, a: Option<&Value>, b: Option<&Value>) -> Option<bool> {
    match (kind, a, b) {
        (Tighten::Flag, a, b) => {
            let f = |v: Option<&Value>| v.and_then(Value::as_bool).unwrap_or(false);
            Some(f(b) && !f(a))
        }
        (_, None, Some(_)) => Some(true),
        (_, Some(_), None) => Some(false),
        (Tighten::Other, _, _) => None,
        (k, Some(a), Some(b)) => {
            let (a, b) = (a.as_f64()?, b.as_f64()?);
            Some(match k {
                Tighten::Max => b < a,
                _ => b > a,
            })
        }
        (_, None, None) => None,
    }
}

impl<'a> Differ<'a> {
    /// Compares the schemas at two positions (`$ref` or inline), used in `dir`.
    pub fn compare_schema(&mut self, o: Here<'a>, n: Here<'a>, dir: Dir, label: &str) {
        let (site_o, site_n) = (o.loc(), n.loc());
        let (ro, rn) = (resolve(self.old, o.clone()), resolve(self.new, n.clone()));
        let key = |r: &Resolved| match r {
            Resolved::Named(k, _) | Resolved::Missing(k) => Some(k.clone()),
            Resolved::Inline(_) => None,
        };
        let (ko, kn) = (key(&ro), key(&rn));
        let body = |r: Resolved<'a>| match r {
            Resolved::Named(_, h) | Resolved::Inline(h) => Some(h),
            Resolved::Missing(_) => None,
        };
        let (ro, rn) = (body(ro), body(rn));
        // Keys beside a `$ref` are part of the property: compared over what the definition
        // says, so a `$ref` and an identical inline schema compare equal.
        self.annotations(
            &Annotated {
                site: &o,
                body: ro.as_ref(),
            },
            &Annotated {
                site: &n,
                body: rn.as_ref(),
            },
            dir,
            label,
            ko.is_some() && kn.is_some(),
        );
        match (&ko, &kn) {
            (Some(a), Some(b)) if a == b => return,
            (Some(a), Some(b)) => {
                self.emit(
                    &rules::REFERENCE_REDIRECTION,
                    true,
                    Some(site_o),
                    Some(site_n),
                    format!("`{label}` now refers to `{b}` instead of `{a}`."),
                );
                return;
            }
            _ => {}
        }
        let (Some(o), Some(n)) = (ro, rn) else {
            let show = |k: &Option<String>| k.clone().unwrap_or_else(|| "an inline schema".into());
            self.emit(
                &rules::REFERENCE_REDIRECTION,
                true,
                Some(site_o),
                Some(site_n),
                format!(
                    "`{label}` now refers to {} instead of {}.",
                    show(&kn),
                    show(&ko)
                ),
            );
            return;
        };
        self.compare_body(&o, &n, dir, label, false);
    }

    /// Compares two schema bodies (no `$ref` at the top), their annotations included.
    pub fn compare_content(&mut self, o: &Here<'a>, n: &Here<'a>, dir: Dir, label: &str) {
        self.compare_body(o, n, dir, label, true);
    }

    /// Compares the annotations ([`ANNOTATIONS`]) of two schema positions. With
    /// `siblings_only` (a `$ref` on both sides), a key is compared only where it is written
    /// beside a `$ref` on either side: the definitions' own annotations are compared with the
    /// definitions.
    fn annotations(
        &mut self,
        o: &Annotated<'_, 'a>,
        n: &Annotated<'_, 'a>,
        dir: Dir,
        label: &str,
        siblings_only: bool,
    ) {
        for &key in ANNOTATIONS {
            if siblings_only && o.site.v.get(key).is_none() && n.site.v.get(key).is_none() {
                continue;
            }
            let ((ov, ol), (nv, nl)) = (o.get(key), n.get(key));
            if ov == nv {
                continue;
            }
            let (ol, nl) = (Some(ol), Some(nl));
            match key {
                "default" => self.emit(
                    &rules::DEFAULT_VALUE_CHANGED,
                    dir.has(Dir::REQUEST),
                    ol,
                    nl,
                    format!(
                        "Default of `{label}` changed from {} to {}.",
                        show(ov),
                        show(nv)
                    ),
                ),
                "readOnly" if flag(ov) != flag(nv) => self.emit(
                    &rules::READONLY_CHANGED,
                    true,
                    ol,
                    nl,
                    format!(
                        "`{label}` is {} read-only.",
                        if flag(nv) { "now" } else { "no longer" }
                    ),
                ),
                "x-nullable" if flag(ov) != flag(nv) => self.emit(
                    &rules::NULLABLE_CHANGED,
                    if flag(nv) {
                        dir.has(Dir::RESPONSE)
                    } else {
                        dir.has(Dir::REQUEST)
                    },
                    ol,
                    nl,
                    format!(
                        "`{label}` is {} nullable (`x-nullable`).",
                        if flag(nv) { "now" } else { "no longer" }
                    ),
                ),
                "x-ms-client-name" => self.emit(
                    &rules::CLIENT_NAME_CHANGED,
                    false,
                    ol,
                    nl,
                    format!(
                        "Client name of `{label}` changed from {} to {}.",
                        show(ov),
                        show(nv)
                    ),
                ),
                "x-ms-secret" if flag(ov) != flag(nv) => self.emit(
                    &rules::SECRET_CHANGED,
                    flag(nv) && dir.has(Dir::RESPONSE),
                    ol,
                    nl,
                    format!(
                        "`{label}` is {} a secret (`x-ms-secret`).",
                        if flag(nv) { "now" } else { "no longer" }
                    ),
                ),
                "x-ms-mutability" => {
                    let (om, nm) = (mutability(ov), mutability(nv));
                    if om == nm {
                        continue;
                    }
                    let lost = |m: &str| om.contains(m) && !nm.contains(m);
                    let breaking = (lost("read") && dir.has(Dir::RESPONSE))
                        || ((lost("create") || lost("update")) && dir.has(Dir::REQUEST));
                    let list =
                        |m: &BTreeSet<&str>| m.iter().copied().collect::<Vec<_>>().join(", ");
                    self.emit(
                        &rules::MUTABILITY_CHANGED,
                        breaking,
                        ol,
                        nl,
                        format!(
                            "`x-ms-mutability` of `{label}` changed from [{}] to [{}].",
                            list(&om),
                            list(&nm)
                        ),
                    );
                }
                _ => {}
            }
        }
    }

    /// Compares two schema bodies, their annotations only when asked (the caller compared
    /// them over a `$ref` otherwise).
    fn compare_body(
        &mut self,
        o: &Here<'a>,
        n: &Here<'a>,
        dir: Dir,
        label: &str,
        with_annotations: bool,
    ) {
        if !self.seen.insert((o.loc(), n.loc(), dir)) {
            return;
        }
        if with_annotations {
            let (ao, an) = (Annotated::inline(o), Annotated::inline(n));
            self.annotations(&ao, &an, dir, label, false);
        }
        let (ov, nv) = (o.v, n.v);
        let (ot, nt) = (type_of(ov), type_of(nv));
        if ot != nt {
            self.emit(
                &rules::TYPE_CHANGED,
                true,
                Some(o.key_loc("type")),
                Some(n.key_loc("type")),
                format!(
                    "Type of `{label}` changed from {} to {}.",
                    ot.map_or("any".into(), |t| format!("`{t}`")),
                    nt.map_or("any".into(), |t| format!("`{t}`"))
                ),
            );
            return;
        }
        if ov.get("format") != nv.get("format") {
            self.emit(
                &rules::TYPE_FORMAT_CHANGED,
                true,
                Some(o.key_loc("format")),
                Some(n.key_loc("format")),
                format!(
                    "Format of `{label}` changed from {} to {}.",
                    show(ov.get("format")),
                    show(nv.get("format"))
                ),
            );
        }
        self.enums(o, n, dir, label);
        self.constraints(o, n, dir, label);
        let cf = |v: &Value| {
            v.get("collectionFormat")
                .and_then(Value::as_str)
                .unwrap_or("csv")
                .to_string()
        };
        if cf(ov) != cf(nv) {
            self.emit(
                &rules::COLLECTION_FORMAT_CHANGED,
                true,
                Some(o.key_loc("collectionFormat")),
                Some(n.key_loc("collectionFormat")),
                format!(
                    "Collection format of `{label}` changed from `{}` to `{}`.",
                    cf(ov),
                    cf(nv)
                ),
            );
        }
        if ov.get("discriminator") != nv.get("discriminator") {
            self.emit(
                &rules::DIFFERENT_DISCRIMINATOR,
                true,
                Some(o.key_loc("discriminator")),
                Some(n.key_loc("discriminator")),
                format!(
                    "Discriminator of `{label}` changed from {} to {}.",
                    show(ov.get("discriminator")),
                    show(nv.get("discriminator"))
                ),
            );
        }
        self.all_of(o, n, label);
        self.additional(o, n, dir, label);
        self.properties(o, n, dir, label);
        if let (Some(oi), Some(ni)) = (o.child("items"), n.child("items")) {
            self.compare_schema(oi, ni, dir, &format!("{label}[]"));
        }
    }

    fn enums(&mut self, o: &Here<'a>, n: &Here<'a>, dir: Dir, label: &str) {
        let (ov, nv) = (o.v, n.v);
        let (oe, ne) = (
            ov.get("enum").and_then(Value::as_array),
            nv.get("enum").and_then(Value::as_array),
        );
        match (oe, ne) {
            (None, Some(_)) => self.emit(
                &rules::CONSTRAINT_IS_STRONGER,
                dir.has(Dir::REQUEST),
                Some(o.loc()),
                Some(n.key_loc("enum")),
                format!("`{label}` is now restricted to an enum."),
            ),
            (Some(_), None) => self.emit(
                &rules::CONSTRAINT_IS_WEAKER,
                dir.has(Dir::RESPONSE),
                Some(o.key_loc("enum")),
                Some(n.loc()),
                format!("`{label}` is no longer restricted to an enum."),
            ),
            (Some(oe), Some(ne)) => {
                for (i, v) in oe.iter().enumerate() {
                    if !ne.contains(v) {
                        self.emit(
                            &rules::REMOVED_ENUM_VALUE,
                            dir.has(Dir::REQUEST),
                            Some(Location::new(o.file, format!("{}/enum/{i}", o.ptr))),
                            Some(n.key_loc("enum")),
                            format!("Enum value {} of `{label}` was removed.", show(Some(v))),
                        );
                    }
                }
                for (i, v) in ne.iter().enumerate() {
                    if !oe.contains(v) {
                        self.emit(
                            &rules::ADDED_ENUM_VALUE,
                            dir.has(Dir::RESPONSE) && closed_enum(nv),
                            Some(o.key_loc("enum")),
                            Some(Location::new(n.file, format!("{}/enum/{i}", n.ptr))),
                            format!("Enum value {} of `{label}` was added.", show(Some(v))),
                        );
                    }
                }
            }
            (None, None) => {}
        }
        let (ox, nx) = (ov.get("x-ms-enum"), nv.get("x-ms-enum"));
        match (ox, nx) {
            (None, Some(_)) => self.emit(
                &rules::ADDED_XMS_ENUM,
                true,
                Some(o.loc()),
                Some(n.key_loc("x-ms-enum")),
                format!("`{label}` gained `x-ms-enum`."),
            ),
            (Some(_), None) => self.emit(
                &rules::REMOVED_XMS_ENUM,
                true,
                Some(o.key_loc("x-ms-enum")),
                Some(n.loc()),
                format!("`{label}` lost `x-ms-enum`."),
            ),
            (Some(a), Some(b)) => {
                for key in ["name", "modelAsString"] {
                    if a.get(key) != b.get(key) {
                        let (oh, nh) = (o.child("x-ms-enum"), n.child("x-ms-enum"));
                        let (oh, nh) = (oh.expect("present"), nh.expect("present"));
                        self.emit(
                            &rules::XMS_ENUM_CHANGED,
                            true,
                            Some(oh.key_loc(key)),
                            Some(nh.key_loc(key)),
                            format!(
                                "`x-ms-enum.{key}` of `{label}` changed from {} to {}.",
                                show(a.get(key)),
                                show(b.get(key))
                            ),
                        );
                    }
                }
            }
            (None, None) => {}
        }
    }

    fn constraints(&mut self, o: &Here<'a>, n: &Here<'a>, dir: Dir, label: &str) {
        for &(kw, kind) in CONSTRAINTS {
            let (a, b) = (o.v.get(kw), n.v.get(kw));
            if a == b {
                continue;
            }
            let (rule, breaking, how) = match tightening(kind, a, b) {
                Some(true) => (
                    &rules::CONSTRAINT_IS_STRONGER,
                    dir.has(Dir::REQUEST),
                    "stronger",
                ),
                Some(false) => (
                    &rules::CONSTRAINT_IS_WEAKER,
                    dir.has(Dir::RESPONSE),
                    "weaker",
                ),
                None => (&rules::CONSTRAINT_CHANGED, dir.has(Dir::REQUEST), "changed"),
            };
            self.emit(
                rule,
                breaking,
                Some(o.key_loc(kw)),
                Some(n.key_loc(kw)),
                format!("`{kw}` of `{label}` is {how}: {} → {}.", show(a), show(b)),
            );
        }
    }

    fn all_of(&mut self, o: &Here<'a>, n: &Here<'a>, label: &str) {
        let (op, np) = (parents(self.old, o), parents(self.new, n));
        if op == np {
            return;
        }
        let list = |s: &BTreeSet<String>| {
            if s.is_empty() {
                "none".to_string()
            } else {
                s.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let rule = if op.len() == 1 && np.len() == 1 {
            &rules::DIFFERENT_EXTENDS
        } else {
            &rules::DIFFERENT_ALL_OF
        };
        self.emit(
            rule,
            true,
            Some(o.key_loc("allOf")),
            Some(n.key_loc("allOf")),
            format!(
                "`allOf` parents of `{label}` changed from {} to {}.",
                list(&op),
                list(&np)
            ),
        );
    }

    fn additional(&mut self, o: &Here<'a>, n: &Here<'a>, dir: Dir, label: &str) {
        let present = |v: &Value| {
            !matches!(
                v.get("additionalProperties"),
                None | Some(Value::Bool(false))
            )
        };
        match (present(o.v), present(n.v)) {
            (false, true) => self.emit(
                &rules::ADDED_ADDITIONAL_PROPERTIES,
                true,
                Some(o.key_loc("additionalProperties")),
                Some(n.key_loc("additionalProperties")),
                format!("`{label}` now allows additional properties."),
            ),
            (true, false) => self.emit(
                &rules::REMOVED_ADDITIONAL_PROPERTIES,
                true,
                Some(o.key_loc("additionalProperties")),
                Some(n.key_loc("additionalProperties")),
                format!("`{label}` no longer allows additional properties."),
            ),
            (true, true) => {
                let (oa, na) = (
                    o.child("additionalProperties"),
                    n.child("additionalProperties"),
                );
                if let (Some(oa), Some(na)) = (oa, na) {
                    if oa.v.is_object() && na.v.is_object() {
                        self.compare_schema(oa, na, dir, &format!("{label}{{}}"));
                    }
                }
            }
            (false, false) => {}
        }
    }

    fn properties(&mut self, o: &Here<'a>, n: &Here<'a>, dir: Dir, label: &str) {
        let (mut op, mut oreq) = (BTreeMap::new(), BTreeSet::new());
        let (mut np, mut nreq) = (BTreeMap::new(), BTreeSet::new());
        flatten(self.old, o, label, &mut op, &mut oreq, 0);
        flatten(self.new, n, label, &mut np, &mut nreq, 0);
        for (name, p) in &op {
            if !np.contains_key(name) {
                self.emit(
                    &rules::REMOVED_PROPERTY,
                    true,
                    Some(p.at.loc()),
                    None,
                    format!("Property `{}.{name}` was removed.", p.owner),
                );
            }
        }
        for (name, p) in &np {
            let Some(q) = op.get(name) else {
                let ro = read_only(p.at.v);
                let req = nreq.contains(name);
                let what = format!("`{}.{name}`", p.owner);
                let (rule, breaking, msg) = if ro {
                    (
                        &rules::ADDED_READONLY_PROPERTY,
                        false,
                        format!("Read-only property {what} was added."),
                    )
                } else if req {
                    (
                        &rules::ADDED_REQUIRED_PROPERTY,
                        dir.has(Dir::REQUEST),
                        format!("Required property {what} was added."),
                    )
                } else if !dir.has(Dir::REQUEST) {
                    (
                        &rules::ADDED_PROPERTY_IN_RESPONSE,
                        false,
                        format!("Property {what} was added (response only)."),
                    )
                } else {
                    (
                        &rules::ADDED_OPTIONAL_PROPERTY,
                        false,
                        format!("Optional property {what} was added."),
                    )
                };
                self.emit(rule, breaking, None, Some(p.at.loc()), msg);
                continue;
            };
            let plabel = format!("{}.{name}", p.owner);
            let ro = read_only(p.at.v) && read_only(q.at.v);
            let pdir = if ro && dir.has(Dir::RESPONSE) {
                Dir::RESPONSE
            } else {
                dir
            };
            let (was, is) = (oreq.contains(name), nreq.contains(name));
            if was != is {
                let breaking = if is {
                    pdir.has(Dir::REQUEST)
                } else {
                    pdir.has(Dir::RESPONSE)
                };
                self.emit(
                    &rules::REQUIRED_STATUS_CHANGE,
                    breaking,
                    Some(q.at.loc()),
                    Some(p.at.loc()),
                    format!(
                        "Property `{plabel}` is now {}.",
                        if is { "required" } else { "optional" }
                    ),
                );
            }
            self.compare_schema(q.at.clone(), p.at.clone(), pdir, &plabel);
        }
    }
}
