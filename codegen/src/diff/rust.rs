//! Rust-level impact: the crate the generator emits for each side, compared item by item —
//! model types, struct fields, enum and union variants (read from the model emitter's output,
//! see [`super::emitted`]), and the client: every public method of `Client` and of the group
//! clients (`WorkspacesClient::get`), the group clients and their options structs
//! (`WorkspacesListOptions`) with their fields (read from the client emitter's output, see
//! [`super::emitted_client`]). A long-running operation is `Client::<op>` (the `Poller` one)
//! and `Client::<op>_initial`, a pageable one `Client::<op>` (the `Pager` one) and
//! `Client::<op>_first_page`, plus the group method. Signatures are compared with parameter
//! names erased (callers pass arguments by position). Each item gets its semver level under
//! the Cargo rules for the items the generator emits:
//! - removing or retyping anything, changing a method's parameters or return type: **major**;
//! - adding a field to a model the client sends (reachable from a request, see
//!   [`Api::sent_types`]; read as the absence of `#[non_exhaustive]` on the emitted struct):
//!   **major** — it is a plain struct, so struct literals stop compiling;
//! - adding a field to a receive-only model, or a variant to an enum or union: **minor** —
//!   those are `#[non_exhaustive]`, so no code outside the crate builds them with a literal or
//!   matches them exhaustively; a model becoming receive-only (gaining `#[non_exhaustive]`)
//!   is **major**, becoming sent is **minor**;
//! - adding an optional parameter (query, header, optional body): **minor** — every group
//!   method takes its options struct (`client.group().method(.., Some(XOptions { .. }))`),
//!   which gains a field (`XOptions::field` added), built with `..Default::default()`; the
//!   flat positional `Client::<op>` method does gain an argument, it is the low-level layer
//!   under the group clients and not held to that rule (its change is **minor** when the only
//!   difference is new `Option` parameters). A new required parameter stays **major**;
//! - adding a type or a method: **minor**;
//! - wire-only changes (a JSON name, a discriminator or enum wire value, `final-state-via`,
//!   pageability): **patch**.
//!
//! Model items carry the spec locations they come from, client items the operations they
//! belong to, so [`link`] can attach them to the spec changes that explain them.

use std::collections::{BTreeMap, BTreeSet};

use super::emitted::Emitted;
use super::emitted_client::ClientApi;
use super::located::declaring;
use super::side::path_shape;
use super::{Change, Location, OpKey};
use crate::emit_groups::group_and_method;
use crate::ir::{Api, Kind, Operation, TypeDef};
use crate::load::{escape_token, SpecSet};
use crate::names::{snake, upper_camel};

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
    /// `models::T`, or a client type: `WorkspacesClient`, `WorkspacesListOptions`.
    Type,
    /// `models::T::field`, `WorkspacesListOptions::field`.
    Field,
    /// `models::T::Variant`.
    Variant,
    /// `Client::method`, `WorkspacesClient::method`.
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
    /// Item path inside the version module, e.g. `models::Workspace::description`,
    /// `Client::workspaces_get`, `WorkspacesClient::get`.
    pub item: String,
    /// Kind of item.
    pub kind: ItemKind,
    /// What happened.
    pub change: RustChangeKind,
    /// Semver level.
    pub semver: Semver,
    /// e.g. `Option<String>` → `String`; empty for additions and removals.
    pub detail: String,
    /// A method's signature before the change, as emitted (see [`super::emitted_client`]).
    pub old_signature: Option<String>,
    /// A method's signature after the change.
    pub new_signature: Option<String>,
    /// Spec location of the old item.
    pub(crate) old: Option<Location>,
    /// Spec location of the new item.
    pub(crate) new: Option<Location>,
    /// The type the item belongs to (for fields and variants): old and new spec locations.
    pub(crate) owner: (Option<Location>, Option<Location>),
    /// Operations of a client item (method, group client, options struct or field).
    pub(crate) ops: BTreeSet<OpKey>,
}

fn loc_of(source: &str) -> Location {
    let (f, p) = source.split_once('#').unwrap_or((source, ""));
    Location::new(f, p)
}

fn kind_name(k: &Kind) -> &'static str {
    match k {
        Kind::Struct { .. } => "struct",
        Kind::Enum { .. } => "enum",
        Kind::Union { .. } => "union enum",
        Kind::Alias(_) => "type alias",
    }
}

/// One side of an item being compared.
struct Item {
    /// What is compared (a type, a payload…).
    shape: String,
    /// Wire facts that do not change the Rust shape.
    wire: String,
    loc: Location,
}

/// The emitted members of a model (fields or variants) by Rust name, with the wire name and
/// spec location the IR gives them.
fn members(
    api: &Api,
    set: &SpecSet,
    t: &TypeDef,
    emitted: Option<&Emitted>,
) -> (ItemKind, BTreeMap<String, Item>) {
    let src = loc_of(&t.source);
    let mut out = BTreeMap::new();
    let emitted = match emitted {
        Some(Emitted::Struct { fields: m, .. } | Emitted::Enum { variants: m, .. }) => m.clone(),
        _ => BTreeMap::new(),
    };
    let kind = match &t.kind {
        Kind::Struct { props, .. } => {
            for (name, shape) in emitted {
                let (wire, loc) = match props.iter().find(|p| p.rust == name) {
                    Some(p) => (
                        p.wire.clone(),
                        declaring(set, &src.file, &src.pointer, &p.wire)
                            .unwrap_or_else(|| src.clone()),
                    ),
                    None if name == "additional_properties" => (
                        String::new(),
                        Location::new(
                            src.file.clone(),
                            format!("{}/additionalProperties", src.pointer),
                        ),
                    ),
                    None => (String::new(), src.clone()),
                };
                out.insert(name, Item { shape, wire, loc });
            }
            ItemKind::Field
        }
        Kind::Enum { values, .. } => {
            for (name, shape) in emitted {
                // Values are in spec order (a repeated value is dropped, which shifts the
                // later ones by one).
                let (wire, loc) = match values.iter().position(|v| v.rust == name) {
                    Some(i) => (
                        values[i].wire.clone(),
                        Location::new(src.file.clone(), format!("{}/enum/{i}", src.pointer)),
                    ),
                    None => (
                        String::new(),
                        Location::new(src.file.clone(), format!("{}/x-ms-enum", src.pointer)),
                    ),
                };
                out.insert(name, Item { shape, wire, loc });
            }
            ItemKind::Variant
        }
        Kind::Union { variants, .. } => {
            for (name, shape) in emitted {
                let (wire, loc) = match variants.iter().find(|(_, v)| *v == name) {
                    Some((value, v)) => (
                        value.clone(),
                        api.types
                            .get(v)
                            .map_or_else(|| src.clone(), |v| loc_of(&v.source)),
                    ),
                    None => (String::new(), src.clone()),
                };
                out.insert(name, Item { shape, wire, loc });
            }
            ItemKind::Variant
        }
        Kind::Alias(_) => ItemKind::Field,
    };
    (kind, out)
}

/// The shape of a model type that its members do not cover.
fn type_shape(t: &TypeDef, emitted: Option<&Emitted>) -> String {
    match (&t.kind, emitted) {
        (Kind::Alias(_), Some(Emitted::Alias(target))) => format!("type alias of {target}"),
        (Kind::Union { discriminator, .. }, _) => format!("union enum on `{discriminator}`"),
        (k, _) => kind_name(k).to_string(),
    }
}

/// An operation as the client items see it.
struct OpFacts {
    key: OpKey,
    loc: Location,
    /// HTTP method and path, `final-state-via`, pageability (for display).
    wire: [String; 3],
    /// The same, compared: the path by shape (parameter names do not reach the wire).
    wire_key: [String; 3],
}

impl OpFacts {
    fn of(op: &Operation) -> OpFacts {
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
        OpFacts {
            key: (path_shape(&op.path), op.method.to_string()),
            loc: Location::new(
                op.file.clone(),
                format!("/paths/{}/{}", escape_token(&op.path), op.method),
            ),
            wire,
            wire_key,
        }
    }
}

/// The operations behind each client item, by item path (as the emitters name them):
/// `Client::<op>` and `Client::<first>` (`_initial`, `_first_page`), the group method
/// `<Group>Client::<method>` and its options struct `<Group><Method>Options` (one operation
/// each), and the group client `<Group>Client` with its accessor `Client::<group>` (all the
/// group's operations). Also the methods that send an operation's request (the flat and
/// group methods), whose wire changes are reported.
struct OpItems {
    facts: Vec<OpFacts>,
    items: BTreeMap<String, Vec<usize>>,
    calls: BTreeMap<String, usize>,
}

fn op_items(api: &Api) -> OpItems {
    let facts: Vec<OpFacts> = api.operations.iter().map(OpFacts::of).collect();
    let mut items: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut calls = BTreeMap::new();
    for (i, op) in api.operations.iter().enumerate() {
        let (group, method) = group_and_method(&op.id);
        let sends = [
            format!("Client::{}", op.rust),
            format!("Client::{}", crate::openapi::progenitor_id(op)),
            format!("{group}Client::{method}"),
        ];
        for item in &sends {
            calls.insert(item.clone(), i);
        }
        for item in sends.into_iter().chain([
            format!("{group}{}Options", upper_camel(&method)),
            format!("{group}Client"),
            format!("Client::{}", snake(&group)),
        ]) {
            let v = items.entry(item).or_default();
            if !v.contains(&i) {
                v.push(i);
            }
        }
    }
    OpItems {
        facts,
        items,
        calls,
    }
}

/// The client items of one side with their operations.
struct ClientSide<'a> {
    api: &'a ClientApi,
    ops: OpItems,
}

impl<'a> ClientSide<'a> {
    fn new(ir: &Api, api: &'a ClientApi) -> Self {
        ClientSide {
            api,
            ops: op_items(ir),
        }
    }

    /// The operation keys of an item.
    fn ops(&self, item: &str) -> BTreeSet<OpKey> {
        self.facts_of(item).map(|f| f.key.clone()).collect()
    }

    /// The operations of an item; a struct field's are its struct's.
    fn facts_of(&self, item: &str) -> impl Iterator<Item = &OpFacts> {
        let items = &self.ops.items;
        let key = if items.contains_key(item) {
            Some(item)
        } else {
            item.split_once("::")
                .map(|(s, _)| s)
                .filter(|s| items.contains_key(*s))
        };
        key.and_then(|k| items.get(k))
            .into_iter()
            .flatten()
            .map(|&i| &self.ops.facts[i])
    }

    /// The location of an item's operation, when it has exactly one.
    fn loc(&self, item: &str) -> Option<Location> {
        let mut f = self.facts_of(item);
        match (f.next(), f.next()) {
            (Some(one), None) => Some(one.loc.clone()),
            _ => None,
        }
    }

    /// The operation a method sends, if it sends one.
    fn wire(&self, item: &str) -> Option<&OpFacts> {
        self.ops.calls.get(item).map(|&i| &self.ops.facts[i])
    }
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
        semver: Semver,
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
            old_signature: None,
            new_signature: None,
            old,
            new,
            owner,
            ops,
        });
    }

    /// Sets the signatures of the last item pushed.
    fn signatures(&mut self, old: Option<&str>, new: Option<&str>) {
        if let Some(last) = self.out.last_mut() {
            last.old_signature = old.map(str::to_string);
            last.new_signature = new.map(str::to_string);
        }
    }
}

/// One side of the Rust diff: its IR, its documents (for spec locations) and what the
/// generator emits for it.
pub struct RustSide<'a> {
    /// The normalized IR.
    pub api: &'a Api,
    /// The raw documents.
    pub set: &'a SpecSet,
    /// The model emitter's output, read back.
    pub models: &'a BTreeMap<String, Emitted>,
    /// The client emitter's output, read back.
    pub client: &'a ClientApi,
}

/// Every changed item between the crates emitted for two sides, sorted by item path.
pub fn diff_crates(old: &RustSide, new: &RustSide) -> Vec<RustChange> {
    let mut b = Builder { out: Vec::new() };
    models(&mut b, old, new);
    client(&mut b, old, new);
    let mut out = b.out;
    out.sort_by(|a, b| (&a.item, a.change).cmp(&(&b.item, b.change)));
    out
}

/// Model types, fields and variants.
fn models(b: &mut Builder, old_side: &RustSide, new_side: &RustSide) {
    use RustChangeKind::*;
    let (old, new) = (old_side.api, new_side.api);
    let (oe, ne) = (old_side.models, new_side.models);
    let none = || (None, None);
    // `#[non_exhaustive]`, as emitted: the receive-only structs, every enum and union.
    let sealed = |e: &BTreeMap<String, Emitted>, name: &str| {
        e.get(name).is_some_and(Emitted::non_exhaustive)
    };
    for (name, t) in &old.types {
        if !new.types.contains_key(name) {
            b.push(
                format!("models::{name}"),
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
        let (was_sealed, is_sealed) = (sealed(oe, name), sealed(ne, name));
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
        let (kind, om) = members(old, old_side.set, o, oe.get(name));
        let (_, nm) = members(new, new_side.set, n, ne.get(name));
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
}

/// `Client` and group-client methods, group clients, options structs and their fields.
fn client(b: &mut Builder, old_side: &RustSide, new_side: &RustSide) {
    use RustChangeKind::*;
    let old = ClientSide::new(old_side.api, old_side.client);
    let new = ClientSide::new(new_side.api, new_side.client);
    let none = || (None, None);
    let both = |item: &str| {
        let mut ops = old.ops(item);
        ops.extend(new.ops(item));
        ops
    };
    for (name, m) in &old.api.methods {
        if !new.api.methods.contains_key(name) {
            b.push(
                name.clone(),
                ItemKind::Method,
                Removed,
                Semver::Major,
                String::new(),
                old.loc(name),
                None,
                none(),
                old.ops(name),
            );
            b.signatures(Some(&m.signature), None);
        }
    }
    for (name, m) in &new.api.methods {
        let Some(o) = old.api.methods.get(name) else {
            b.push(
                name.clone(),
                ItemKind::Method,
                Added,
                Semver::Minor,
                format!("`{}`", m.signature),
                None,
                new.loc(name),
                none(),
                new.ops(name),
            );
            b.signatures(None, Some(&m.signature));
            continue;
        };
        if o.shape != m.shape {
            // The flat method of an operation whose only new parameters are optional ones
            // (new fields of the group method's options).
            let flat = name.starts_with("Client::") && !old.ops(name).is_empty();
            let options_only = o.required_shape == m.required_shape
                && o.optional.iter().all(|(k, t)| m.optional.get(k) == Some(t));
            b.push(
                name.clone(),
                ItemKind::Method,
                Retyped,
                if flat && options_only {
                    Semver::Minor
                } else {
                    Semver::Major
                },
                format!("`{}` → `{}`", o.signature, m.signature),
                old.loc(name),
                new.loc(name),
                none(),
                both(name),
            );
            b.signatures(Some(&o.signature), Some(&m.signature));
            continue;
        }
        if let (Some(ow), Some(nw)) = (old.wire(name), new.wire(name)) {
            if ow.wire_key != nw.wire_key {
                let detail: Vec<String> = ow
                    .wire
                    .iter()
                    .zip(&nw.wire)
                    .zip(ow.wire_key.iter().zip(&nw.wire_key))
                    .filter(|(_, (a, b))| a != b)
                    .map(|((a, b), _)| format!("{a} → {b}"))
                    .collect();
                b.push(
                    name.clone(),
                    ItemKind::Method,
                    Changed,
                    Semver::Patch,
                    detail.join("; "),
                    Some(ow.loc.clone()),
                    Some(nw.loc.clone()),
                    none(),
                    both(name),
                );
                b.signatures(Some(&o.signature), Some(&m.signature));
            }
        }
    }
    for name in old.api.structs.keys() {
        if !new.api.structs.contains_key(name) {
            b.push(
                name.clone(),
                ItemKind::Type,
                Removed,
                Semver::Major,
                String::new(),
                old.loc(name),
                None,
                none(),
                old.ops(name),
            );
        }
    }
    for (name, fields) in &new.api.structs {
        let Some(old_fields) = old.api.structs.get(name) else {
            b.push(
                name.clone(),
                ItemKind::Type,
                Added,
                Semver::Minor,
                "struct".to_string(),
                None,
                new.loc(name),
                none(),
                new.ops(name),
            );
            continue;
        };
        // An options struct is `Default` and documented to be built with
        // `..Default::default()`: a new field (a new optional parameter) is minor.
        let options = name.ends_with("Options");
        for (f, t) in old_fields {
            let item = format!("{name}::{f}");
            match fields.get(f) {
                None => b.push(
                    item.clone(),
                    ItemKind::Field,
                    Removed,
                    Semver::Major,
                    String::new(),
                    old.loc(name),
                    None,
                    none(),
                    both(&item),
                ),
                Some(n) if n != t => b.push(
                    item.clone(),
                    ItemKind::Field,
                    Retyped,
                    Semver::Major,
                    format!("`{t}` → `{n}`"),
                    old.loc(name),
                    new.loc(name),
                    none(),
                    both(&item),
                ),
                Some(_) => {}
            }
        }
        for f in fields.keys().filter(|f| !old_fields.contains_key(*f)) {
            let item = format!("{name}::{f}");
            b.push(
                item.clone(),
                ItemKind::Field,
                Added,
                if options {
                    Semver::Minor
                } else {
                    Semver::Major
                },
                String::new(),
                None,
                new.loc(name),
                none(),
                both(&item),
            );
        }
    }
}

/// Rules whose changes never alter a client item's signature or the wire facts it carries
/// (method, path, `final-state-via`, pageability): a method that changed in the same
/// operation changed for another reason.
const NO_CLIENT_IMPACT: &[&str] = &[
    "1013", "1014", "1024", "1027", "1028", "1036", "1037", "2007", "2008",
];

/// Attaches to each spec change the Rust items it explains: client items (methods, group
/// clients, options structs and their fields) of the operations it was found in, unless the
/// rule cannot change a client item (`NO_CLIENT_IMPACT`: headers, constraints, defaults,
/// collection format, secret and mutability flags); model types, fields and variants whose
/// spec location contains or is contained in the change's location; and, for a change of a
/// type's discriminator, the type's fields and variants declared outside its own schema
/// (inherited ones).
pub fn link(changes: &mut [Change], rust: &[RustChange]) {
    const STRUCTURAL: &[&str] = &["1030"];
    let related = |a: &Option<Location>, b: &Option<Location>| match (a, b) {
        (Some(a), Some(b)) => a.related(b),
        _ => false,
    };
    for c in changes.iter_mut() {
        for (i, r) in rust.iter().enumerate() {
            let hit = if r.item.starts_with("models::") {
                related(&c.old, &r.old) || related(&c.new, &r.new)
            } else {
                !NO_CLIENT_IMPACT.contains(&c.rule.id) && r.ops.iter().any(|k| c.ops.contains(k))
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
