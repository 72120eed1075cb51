//! Rust-level impact: the generator's IR of both sides compared item by item — model types,
//! struct fields (with the types the model emitter writes, see [`super::emitted`]), enum and
//! union variants, `Client` methods (a long-running operation is two methods, the `Poller` one
//! and `<op>_initial`; a pageable one the `Pager` one and `<op>_first_page`) — each with its
//! semver level under the Cargo rules for the items the generator emits:
//! - removing or retyping anything, changing a method's parameters or return type: **major**;
//! - adding a field to a model the client sends (reachable from a request, see
//!   [`Api::sent_types`]): **major** — it is a plain struct, so struct literals stop compiling;
//! - adding a field to a receive-only model, or a variant to an enum or union: **minor** —
//!   those are `#[non_exhaustive]`, so no code outside the crate builds them with a literal or
//!   matches them exhaustively; a model becoming receive-only (gaining `#[non_exhaustive]`)
//!   is **major**, becoming sent is **minor**;
//! - adding an optional parameter (query, header, optional body): **minor** — every group
//!   method takes its options struct (`client.group().method(.., Some(XOptions { .. }))`),
//!   which gains a field, built with `..Default::default()`; the flat positional
//!   `Client::<op>` method does gain an argument, it is the low-level layer under the group
//!   clients and not held to that rule. A new required parameter stays **major**;
//! - adding a type or a method: **minor**;
//! - wire-only changes (a JSON name, a discriminator or enum wire value, `final-state-via`,
//!   pageability): **patch**.
//!
//! Each item carries the spec locations it comes from, so [`link`] can attach it to the spec
//! changes that explain it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::emitted::Emitted;
use super::side::{path_params, path_shape};
use super::{Change, Location, OpKey, Side};
use crate::ir::{Api, Kind, Operation, ParamIn, Prop, Ty, TypeDef};
use crate::load::{escape_token, resolve_ref, SpecSet};

/// Semver level of a change to the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Semver {
    /// Nothing changed.
    None,
    /// Behaviour or docs only.
    Patch,
    /// Additions only.
    Minor,
    /// Existing code may stop compiling.
    Major,
}

impl Semver {
    /// `none` / `patch` / `minor` / `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::None => "none",
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
    }
}

/// What kind of item changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKind {
    /// `models::T`.
    Type,
    /// `models::T::field`.
    Field,
    /// `models::T::Variant`.
    Variant,
    /// `Client::method`.
    Method,
}

impl ItemKind {
    /// `type` / `field` / `variant` / `method`.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Type => "type",
            ItemKind::Field => "field",
            ItemKind::Variant => "variant",
            ItemKind::Method => "method",
        }
    }
}

/// How an item changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RustChangeKind {
    /// New item.
    Added,
    /// Item gone.
    Removed,
    /// Same name, different type or signature.
    Retyped,
    /// Same Rust shape, different wire behaviour.
    Changed,
}

impl RustChangeKind {
    /// `added` / `removed` / `retyped` / `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            RustChangeKind::Added => "added",
            RustChangeKind::Removed => "removed",
            RustChangeKind::Retyped => "retyped",
            RustChangeKind::Changed => "changed",
        }
    }
}

/// One changed item of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustChange {
    /// Item path inside the version module, e.g. `models::Workspace::description`.
    pub item: String,
    /// Kind of item.
    pub kind: ItemKind,
    /// What happened.
    pub change: RustChangeKind,
    /// Semver level.
    pub semver: Semver,
    /// e.g. `Option<String>` → `String`; empty for additions and removals.
    pub detail: String,
    /// Spec location of the old item.
    pub(crate) old: Option<Location>,
    /// Spec location of the new item.
    pub(crate) new: Option<Location>,
    /// The type the item belongs to (for fields and variants): old and new spec locations.
    pub(crate) owner: (Option<Location>, Option<Location>),
    /// Operations of a method.
    pub(crate) ops: BTreeSet<OpKey>,
}

fn loc_of(source: &str) -> Location {
    let (f, p) = source.split_once('#').unwrap_or((source, ""));
    Location::new(f, p)
}

/// Rust spelling of a type reference.
fn ty(t: &Ty) -> String {
    match t {
        Ty::String => "String".into(),
        Ty::I32 => "i32".into(),
        Ty::I64 => "i64".into(),
        Ty::F64 => "f64".into(),
        Ty::Bool => "bool".into(),
        Ty::Any => "serde_json::Value".into(),
        Ty::Named(n) => n.clone(),
        Ty::Array(t) => format!("Vec<{}>", ty(t)),
        Ty::Map(t) => format!("BTreeMap<String, {}>", ty(t)),
    }
}

fn field_ty(p: &Prop) -> String {
    if p.required {
        ty(&p.ty)
    } else {
        format!("Option<{}>", ty(&p.ty))
    }
}

fn kind_name(k: &Kind) -> &'static str {
    match k {
        Kind::Struct { .. } => "struct",
        Kind::Enum { .. } => "enum",
        Kind::Union { .. } => "union enum",
        Kind::Alias(_) => "type alias",
    }
}

/// Where a struct's property is declared: the type's own schema, else the last `allOf` parent
/// declaring it (the one the generator keeps).
fn declaring(set: &SpecSet, file: &str, ptr: &str, wire: &str, depth: usize) -> Option<Location> {
    if depth > 32 {
        return None;
    }
    let v = set.docs.get(file)?.pointer(ptr)?;
    if v.get("properties").and_then(|p| p.get(wire)).is_some() {
        return Some(Location::new(
            file,
            format!("{ptr}/properties/{}", escape_token(wire)),
        ));
    }
    let parents = v.get("allOf").and_then(Value::as_array)?;
    for (i, p) in parents.iter().enumerate().rev() {
        let found = match p.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let t = resolve_ref(file, r);
                declaring(set, &t.file, &t.pointer, wire, depth + 1)
            }
            None => declaring(set, file, &format!("{ptr}/allOf/{i}"), wire, depth + 1),
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// An enum value as the IR spells it (strings bare, other values as JSON).
fn wire_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The spec location of an enum value: `source/enum/i`.
fn enum_value_loc(set: &SpecSet, source: &Location, wire: &str) -> Location {
    let i = set
        .docs
        .get(&source.file)
        .and_then(|d| d.pointer(&source.pointer))
        .and_then(|v| v.get("enum"))
        .and_then(Value::as_array)
        .and_then(|vs| vs.iter().position(|v| wire_value(v) == wire));
    match i {
        Some(i) => Location::new(source.file.clone(), format!("{}/enum/{i}", source.pointer)),
        None => source.clone(),
    }
}

/// One side of an item being compared.
struct Item {
    /// What is compared (a type, a signature…).
    shape: String,
    /// Wire facts that do not change the Rust shape.
    wire: String,
    loc: Location,
}

/// The items of a type (fields or variants) by Rust name. Struct fields take their types
/// from the emitted code when available (`emitted`), else from the IR.
fn members(
    api: &Api,
    set: &SpecSet,
    t: &TypeDef,
    emitted: Option<&Emitted>,
) -> (ItemKind, BTreeMap<String, Item>) {
    let src = loc_of(&t.source);
    let mut out = BTreeMap::new();
    let kind = match &t.kind {
        Kind::Struct { props, .. } => {
            let field_loc = |p: &Prop| {
                declaring(set, &src.file, &src.pointer, &p.wire, 0).unwrap_or_else(|| src.clone())
            };
            let rest_loc = Location::new(
                src.file.clone(),
                format!("{}/additionalProperties", src.pointer),
            );
            let fields: Vec<(String, String)> = match (emitted, &t.kind) {
                (Some(Emitted::Struct(fields)), _) => {
                    fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
                }
                (
                    _,
                    Kind::Struct {
                        props, additional, ..
                    },
                ) => props
                    .iter()
                    .map(|p| (p.rust.clone(), field_ty(p)))
                    .chain(additional.iter().map(|a| {
                        (
                            "additional_properties".to_string(),
                            format!("BTreeMap<String, {}>", ty(a)),
                        )
                    }))
                    .collect(),
                _ => Vec::new(),
            };
            for (name, shape) in fields {
                let prop = props.iter().find(|p| p.rust == name);
                let (wire, loc) = match prop {
                    Some(p) => (p.wire.clone(), field_loc(p)),
                    None if name == "additional_properties" => (String::new(), rest_loc.clone()),
                    None => (String::new(), src.clone()),
                };
                out.insert(name, Item { shape, wire, loc });
            }
            ItemKind::Field
        }
        Kind::Enum { values, open } => {
            for v in values {
                out.insert(
                    v.rust.clone(),
                    Item {
                        shape: String::new(),
                        wire: v.wire.clone(),
                        loc: enum_value_loc(set, &src, &v.wire),
                    },
                );
            }
            if *open {
                out.insert(
                    "Other".into(),
                    Item {
                        shape: "(String)".into(),
                        wire: String::new(),
                        loc: Location::new(src.file.clone(), format!("{}/x-ms-enum", src.pointer)),
                    },
                );
            }
            ItemKind::Variant
        }
        Kind::Union { variants, .. } => {
            for (value, name) in variants {
                out.insert(
                    name.clone(),
                    Item {
                        shape: format!("({name})"),
                        wire: value.clone(),
                        loc: api
                            .types
                            .get(name)
                            .map_or_else(|| src.clone(), |v| loc_of(&v.source)),
                    },
                );
            }
            ItemKind::Variant
        }
        Kind::Alias(_) => ItemKind::Field,
    };
    (kind, out)
}

/// The shape of a type that its members do not cover.
fn type_shape(t: &TypeDef, emitted: Option<&Emitted>) -> String {
    match (&t.kind, emitted) {
        (Kind::Alias(_), Some(Emitted::Alias(target))) => format!("type alias of {target}"),
        (Kind::Alias(a), _) => format!("type alias of {}", ty(a)),
        (Kind::Union { discriminator, .. }, _) => format!("union enum on `{discriminator}`"),
        (k, _) => kind_name(k).to_string(),
    }
}

/// The positional parameter types progenitor emits (path in URL order, then query and header
/// parameters by name, then the body), and the return type.
fn signature(op: &Operation, returns: &str) -> (String, String) {
    let names = path_params(&op.path);
    let mut ps: Vec<_> = op.params.iter().collect();
    let rank = |p: &crate::ir::Param| match p.location {
        ParamIn::Path => (
            0,
            names
                .iter()
                .position(|n| *n == p.wire)
                .unwrap_or(usize::MAX),
            String::new(),
        ),
        ParamIn::Query => (1, 0, p.wire.clone()),
        ParamIn::Header => (2, 0, p.wire.clone()),
        ParamIn::Body => (3, 0, String::new()),
    };
    ps.sort_by_key(|p| rank(p));
    let arg = |p: &crate::ir::Param| {
        let t = match (&p.ty, p.location) {
            (Ty::String, ParamIn::Path) => "&str".to_string(),
            (t, ParamIn::Body) => format!("&{}", ty(t)),
            (t, _) => ty(t),
        };
        if p.required || p.location == ParamIn::Path {
            t
        } else {
            format!("Option<{t}>")
        }
    };
    let types: Vec<String> = ps.iter().map(|p| arg(p)).collect();
    let named: Vec<String> = ps
        .iter()
        .map(|p| format!("{}: {}", p.rust, arg(p)))
        .collect();
    (
        format!("({}) -> {returns}", types.join(", ")),
        format!("({}) -> {returns}", named.join(", ")),
    )
}

/// The item type a pageable operation's `Pager` yields: the element type of the page's
/// `itemName` array, else `serde_json::Value` (as the client emitter decides).
fn page_item(api: &Api, op: &Operation) -> String {
    let item_name = op
        .pageable
        .as_ref()
        .map_or("value", |p| p.item_name.as_str());
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
        Some(Ty::Array(inner)) => ty(&inner),
        _ => ty(&Ty::Any),
    }
}

/// A `Client` method.
struct Method {
    /// Parameter types and return type (what callers depend on).
    shape: String,
    /// The same without the optional parameters (what the group method takes positionally).
    required_shape: String,
    /// Optional parameters (options-struct fields of the group method): name → type.
    optional: BTreeMap<String, String>,
    /// Readable signature.
    display: String,
    /// HTTP method and path, `final-state-via`, pageability (for display).
    wire: [String; 3],
    /// The same, compared: the path by shape (parameter names do not reach the wire).
    wire_key: [String; 3],
    loc: Location,
    op: OpKey,
}

fn methods(api: &Api) -> BTreeMap<String, Method> {
    let mut out = BTreeMap::new();
    for op in &api.operations {
        let error = op.error.as_ref().map_or("()".to_string(), ty);
        let body = op.success_body().map_or("()".to_string(), ty);
        let loc = Location::new(
            op.file.clone(),
            format!("/paths/{}/{}", escape_token(&op.path), op.method),
        );
        let key: OpKey = (path_shape(&op.path), op.method.to_string());
        let fsv = op
            .lro
            .as_ref()
            .map(|l| l.final_state_via.map_or("default", |f| f.as_str()));
        let wire = [
            format!("`{} {}`", op.method.as_str().to_uppercase(), op.path),
            format!("final-state-via `{}`", fsv.unwrap_or("none")),
            match &op.pageable {
                Some(p) => format!(
                    "pageable (next link `{}`, items `{}`)",
                    p.next_link.as_deref().unwrap_or("none"),
                    p.item_name
                ),
                None => "not pageable".to_string(),
            },
        ];
        let mut wire_key = wire.clone();
        wire_key[0] = format!("{} {}", op.method, path_shape(&op.path));
        let optional: BTreeMap<String, String> = op
            .params
            .iter()
            .filter(|p| !p.required && p.location != ParamIn::Path)
            .map(|p| (p.rust.clone(), ty(&p.ty)))
            .collect();
        let mut required_op = op.clone();
        required_op
            .params
            .retain(|p| p.required || p.location == ParamIn::Path);
        let mut add = |name: String, returns: String| {
            let (shape, display) = signature(op, &returns);
            out.insert(
                name,
                Method {
                    shape,
                    required_shape: signature(&required_op, &returns).0,
                    optional: optional.clone(),
                    display,
                    wire: wire.clone(),
                    wire_key: wire_key.clone(),
                    loc: loc.clone(),
                    op: key.clone(),
                },
            );
        };
        let first = crate::openapi::progenitor_id(op);
        if op.lro.is_some() {
            let result = if op.method == crate::ir::Method::Delete {
                "()".to_string()
            } else {
                body
            };
            add(op.rust.clone(), format!("Result<Poller<{result}>, Error>"));
            add(
                first,
                format!("Result<ResponseValue<ByteStream>, Error<{error}>>"),
            );
        } else if op.pageable.is_some() {
            add(op.rust.clone(), format!("Pager<{}>", page_item(api, op)));
            add(
                first,
                format!("Result<ResponseValue<{body}>, Error<{error}>>"),
            );
        } else {
            add(
                op.rust.clone(),
                format!("Result<ResponseValue<{body}>, Error<{error}>>"),
            );
        }
    }
    out
}

struct Builder {
    out: Vec<RustChange>,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        item: String,
        kind: ItemKind,
        change: RustChangeKind,
        semver: super::Semver,
        detail: String,
        old: Option<Location>,
        new: Option<Location>,
        owner: (Option<Location>, Option<Location>),
        ops: BTreeSet<OpKey>,
    ) {
        self.out.push(RustChange {
            item,
            kind,
            change,
            semver,
            detail,
            old,
            new,
            owner,
            ops,
        });
    }
}

/// Every changed item between the IRs of two sides (both must have normalized), sorted by item
/// path.
pub fn diff_apis(old_side: &Side, new_side: &Side) -> Vec<RustChange> {
    use RustChangeKind::*;
    let (Ok(old), Ok(new)) = (&old_side.api, &new_side.api) else {
        return Vec::new();
    };
    let (old_set, new_set) = (&old_side.set, &new_side.set);
    let (oe, ne) = (&old_side.models, &new_side.models);
    let mut b = Builder { out: Vec::new() };
    let none = || (None, None);
    let (old_sent, new_sent) = (old.sent_types(), new.sent_types());
    // `#[non_exhaustive]` models: the receive-only structs (enums and unions always are).
    let sealed = |sent: &BTreeSet<String>, t: &TypeDef| {
        !matches!(t.kind, Kind::Struct { .. }) || !sent.contains(&t.name)
    };
    for (name, t) in &old.types {
        if !new.types.contains_key(name) {
            let item = format!("models::{name}");
            b.push(
                item,
                ItemKind::Type,
                Removed,
                Semver::Major,
                String::new(),
                Some(loc_of(&t.source)),
                None,
                none(),
                BTreeSet::new(),
            );
        }
    }
    for (name, n) in &new.types {
        let item = format!("models::{name}");
        let nl = loc_of(&n.source);
        let Some(o) = old.types.get(name) else {
            b.push(
                item,
                ItemKind::Type,
                Added,
                Semver::Minor,
                type_shape(n, ne.get(name)),
                None,
                Some(nl),
                none(),
                BTreeSet::new(),
            );
            continue;
        };
        let ol = loc_of(&o.source);
        let (os, ns) = (type_shape(o, oe.get(name)), type_shape(n, ne.get(name)));
        if os != ns {
            b.push(
                item,
                ItemKind::Type,
                Retyped,
                Semver::Major,
                format!("{os} → {ns}"),
                Some(ol),
                Some(nl),
                none(),
                BTreeSet::new(),
            );
            continue;
        }
        if let (
            Kind::Union {
                discriminator: a, ..
            },
            Kind::Union {
                discriminator: c, ..
            },
        ) = (&o.kind, &n.kind)
        {
            if a != c {
                b.push(
                    item.clone(),
                    ItemKind::Type,
                    Changed,
                    Semver::Patch,
                    format!("discriminator `{a}` → `{c}`"),
                    Some(ol.clone()),
                    Some(nl.clone()),
                    none(),
                    BTreeSet::new(),
                );
            }
        }
        let (was_sealed, is_sealed) = (sealed(&old_sent, o), sealed(&new_sent, n));
        if was_sealed != is_sealed {
            b.push(
                item.clone(),
                ItemKind::Type,
                Changed,
                if is_sealed {
                    Semver::Major
                } else {
                    Semver::Minor
                },
                if is_sealed {
                    "now receive-only: gains `#[non_exhaustive]`".to_string()
                } else {
                    "now sent in requests: loses `#[non_exhaustive]`".to_string()
                },
                Some(ol.clone()),
                Some(nl.clone()),
                none(),
                BTreeSet::new(),
            );
        }
        let (kind, om) = members(old, old_set, o, oe.get(name));
        let (_, nm) = members(new, new_set, n, ne.get(name));
        let owner = (Some(ol.clone()), Some(nl.clone()));
        for (m, i) in &om {
            if !nm.contains_key(m) {
                b.push(
                    format!("{item}::{m}"),
                    kind,
                    Removed,
                    Semver::Major,
                    String::new(),
                    Some(i.loc.clone()),
                    None,
                    owner.clone(),
                    BTreeSet::new(),
                );
            }
        }
        for (m, i) in &nm {
            let path = format!("{item}::{m}");
            match om.get(m) {
                // Code outside the crate neither builds a `#[non_exhaustive]` type with a
                // literal nor matches it exhaustively.
                None => b.push(
                    path,
                    kind,
                    Added,
                    if was_sealed && is_sealed {
                        Semver::Minor
                    } else {
                        Semver::Major
                    },
                    String::new(),
                    None,
                    Some(i.loc.clone()),
                    owner.clone(),
                    BTreeSet::new(),
                ),
                Some(j) if j.shape != i.shape => b.push(
                    path,
                    kind,
                    Retyped,
                    Semver::Major,
                    format!("`{}` → `{}`", j.shape, i.shape),
                    Some(j.loc.clone()),
                    Some(i.loc.clone()),
                    owner.clone(),
                    BTreeSet::new(),
                ),
                Some(j) if j.wire != i.wire => b.push(
                    path,
                    kind,
                    Changed,
                    Semver::Patch,
                    format!("wire value `{}` → `{}`", j.wire, i.wire),
                    Some(j.loc.clone()),
                    Some(i.loc.clone()),
                    owner.clone(),
                    BTreeSet::new(),
                ),
                Some(_) => {}
            }
        }
    }
    let (om, nm) = (methods(old), methods(new));
    for (name, m) in &om {
        if !nm.contains_key(name) {
            b.push(
                format!("Client::{name}"),
                ItemKind::Method,
                Removed,
                Semver::Major,
                String::new(),
                Some(m.loc.clone()),
                None,
                none(),
                BTreeSet::from([m.op.clone()]),
            );
        }
    }
    for (name, m) in &nm {
        let item = format!("Client::{name}");
        let Some(o) = om.get(name) else {
            b.push(
                item,
                ItemKind::Method,
                Added,
                Semver::Minor,
                format!("`{}`", m.display),
                None,
                Some(m.loc.clone()),
                none(),
                BTreeSet::from([m.op.clone()]),
            );
            continue;
        };
        let ops = BTreeSet::from([o.op.clone(), m.op.clone()]);
        // Only new optional parameters: they are new fields of the group method's options.
        let options_only = o.required_shape == m.required_shape
            && o.optional.iter().all(|(k, t)| m.optional.get(k) == Some(t));
        if o.shape != m.shape {
            b.push(
                item,
                ItemKind::Method,
                Retyped,
                if options_only {
                    Semver::Minor
                } else {
                    Semver::Major
                },
                format!("`{}` → `{}`", o.display, m.display),
                Some(o.loc.clone()),
                Some(m.loc.clone()),
                none(),
                ops,
            );
        } else if o.wire_key != m.wire_key {
            let detail: Vec<String> = o
                .wire
                .iter()
                .zip(&m.wire)
                .zip(o.wire_key.iter().zip(&m.wire_key))
                .filter(|(_, (a, b))| a != b)
                .map(|(w, _)| w)
                .map(|(a, b)| format!("{a} → {b}"))
                .collect();
            b.push(
                item,
                ItemKind::Method,
                Changed,
                Semver::Patch,
                detail.join("; "),
                Some(o.loc.clone()),
                Some(m.loc.clone()),
                none(),
                ops,
            );
        }
    }
    let mut out = b.out;
    out.sort_by(|a, b| (&a.item, a.change).cmp(&(&b.item, b.change)));
    out
}

/// Attaches to each spec change the Rust items it explains: methods of the operations it was
/// found in; types, fields and variants whose spec location contains or is contained in the
/// change's location; and, for a change of a type's `allOf` parents or discriminator, the
/// type's fields and variants declared outside its own schema (inherited ones).
pub fn link(changes: &mut [Change], rust: &[RustChange]) {
    const STRUCTURAL: &[&str] = &["1030", "1031", "1032"];
    let related = |a: &Option<Location>, b: &Option<Location>| match (a, b) {
        (Some(a), Some(b)) => a.related(b),
        _ => false,
    };
    for c in changes.iter_mut() {
        for (i, r) in rust.iter().enumerate() {
            let hit = match r.kind {
                ItemKind::Method => r.ops.iter().any(|k| c.ops.contains(k)),
                _ => related(&c.old, &r.old) || related(&c.new, &r.new),
            };
            let inherited = STRUCTURAL.contains(&c.rule.id)
                && matches!(r.kind, ItemKind::Field | ItemKind::Variant)
                && ((related(&c.old, &r.owner.0) && !related(&r.old, &r.owner.0))
                    || (related(&c.new, &r.owner.1) && !related(&r.new, &r.owner.1)));
            if hit || inherited {
                c.rust.push(i);
            }
        }
    }
}
