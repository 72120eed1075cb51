//! Operation comparison: paths and operations added / removed (matched by path shape and
//! method, so renaming a path parameter is no change), `operationId`, parameters (by name; path
//! parameters by position; their `in`, `required`, `x-ms-parameter-location`,
//! `collectionFormat`), responses (status codes, headers), and the ARM extensions
//! `x-ms-long-running-operation`, `final-state-via`, `x-ms-pageable`. What the parameters,
//! bodies and headers hold is paired ([`super::pairs`]): sent schemas in the request
//! direction, received ones in the response direction.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::differ::Differ;
use super::index::Op;
use super::label::{show, Label};
use super::located::{resolve_parameter, resolve_response, At};
use super::rules;
use super::side::path_params;
use super::{Dir, Location, OpKey};
use crate::load::{escape_token, unescape_token};
use crate::swagger::{Method, Operation, Parameter, Response, Schema};

/// One parameter of an operation, resolved.
struct Param<'a> {
    /// Where the operation lists it (`…/parameters/i`).
    site: Location,
    /// The parameter object (after `$ref`s).
    at: At<'a, Parameter>,
    name: String,
    location: String,
    required: bool,
    /// `x-ms-parameter-location`: explicit, else `client` for a `$ref` to a shared parameter,
    /// else `method`.
    scope: String,
    /// A `$ref` to a `parameters` section: shared by operations.
    global: bool,
}

impl<'a> Param<'a> {
    /// How messages name the parameter: `Op(name)`, or `parameters.X` when shared.
    fn label(&self, op: &str) -> String {
        if self.global {
            let name = self.at.ptr.rsplit('/').next().unwrap_or_default();
            format!("parameters.{}", unescape_token(name))
        } else {
            format!("{op}({})", self.name)
        }
    }

    /// What the parameter carries: its body schema, or its own type keys.
    fn schema(&self) -> At<'a, Schema> {
        match &self.at.v.schema {
            Some(s) => self.at.below("schema", s),
            None => At::new(self.at.file, self.at.ptr.clone(), &self.at.v.ty),
        }
    }

    /// `collectionFormat` (`csv` when absent).
    fn collection_format(&self) -> &str {
        self.at.v.collection_format.as_deref().unwrap_or("csv")
    }
}

/// An operation's parameters by identity: path parameters by position, headers by lower-case
/// name, the body as `body`, others by name; `api-version` left out.
fn params<'a>(set: &'a crate::load::SpecSet, op: &Op<'a>) -> BTreeMap<String, Param<'a>> {
    let names = path_params(op.path);
    let mut out = BTreeMap::new();
    for listed in op.parameters() {
        let Ok((at, global)) = resolve_parameter(set, &listed) else {
            continue;
        };
        let name = at.v.name.clone().unwrap_or_default();
        let location = at.v.location.map(|l| l.as_str()).unwrap_or_default();
        if name == "api-version" {
            continue;
        }
        let key = match location {
            "path" => format!(
                "path:{}",
                names
                    .iter()
                    .position(|n| *n == name)
                    .map_or(name.clone(), |i| i.to_string())
            ),
            "body" => "body".to_string(),
            "header" => name.to_ascii_lowercase(),
            _ => name.clone(),
        };
        let scope =
            at.v.parameter_location
                .clone()
                .unwrap_or_else(|| if global { "client" } else { "method" }.to_string());
        out.insert(
            key,
            Param {
                site: listed.loc(),
                required: at.v.required.unwrap_or(false),
                location: location.to_string(),
                name,
                at,
                scope,
                global,
            },
        );
    }
    out
}

fn lro(op: &Operation) -> bool {
    op.long_running == Some(true)
}

/// What `x-ms-pageable` means on the wire: the next-link and items properties.
fn pageable(op: &Operation) -> Option<Value> {
    op.pageable
        .as_ref()
        .map(|p| json!({"nextLinkName": p.next_link(), "itemName": p.item_name()}))
}

/// What a long-running operation's `final-state-via` means: as written, else the default
/// for its method (`original-uri` for PUT and PATCH, `location` otherwise; see
/// `azml::lro`).
fn final_state(method: Method, written: Option<Value>) -> Value {
    written.unwrap_or_else(|| match method {
        Method::Put | Method::Patch => Value::from("original-uri"),
        _ => Value::from("location"),
    })
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

impl<'a> Differ<'a> {
    /// Paths and operations added, removed, and changed.
    pub fn operations(&mut self) {
        let (old, new) = (self.old, self.new);
        let ops_of = |ix: &super::index::Index, shape: &str| -> Vec<OpKey> {
            ix.ops.keys().filter(|k| k.0 == shape).cloned().collect()
        };
        for (shape, &(file, path)) in &old.paths {
            if !new.paths.contains_key(shape) {
                for k in ops_of(old, shape) {
                    self.ops = BTreeSet::from([k]);
                    self.emit(
                        &rules::REMOVED_PATH,
                        true,
                        Some(Location::new(
                            file,
                            format!("/paths/{}", escape_token(path)),
                        )),
                        None,
                        format!("Path `{path}` was removed."),
                    );
                }
            }
        }
        for (shape, &(file, path)) in &new.paths {
            if !old.paths.contains_key(shape) {
                for k in ops_of(new, shape) {
                    self.ops = BTreeSet::from([k]);
                    self.emit(
                        &rules::ADDED_PATH,
                        false,
                        None,
                        Some(Location::new(
                            file,
                            format!("/paths/{}", escape_token(path)),
                        )),
                        format!("Path `{path}` was added."),
                    );
                }
            }
        }
        for (k, o) in &old.ops {
            self.ops = BTreeSet::from([k.clone()]);
            match new.ops.get(k) {
                Some(n) => self.operation(o, n),
                None if new.paths.contains_key(&k.0) => self.emit(
                    &rules::REMOVED_OPERATION,
                    true,
                    Some(Location::new(o.file, o.pointer())),
                    None,
                    format!(
                        "Operation `{}` ({} `{}`) was removed.",
                        o.id(),
                        o.method.as_str().to_uppercase(),
                        o.path
                    ),
                ),
                None => {}
            }
        }
        for (k, n) in &new.ops {
            if !old.ops.contains_key(k) && old.paths.contains_key(&k.0) {
                self.ops = BTreeSet::from([k.clone()]);
                self.emit(
                    &rules::ADDED_OPERATION,
                    false,
                    None,
                    Some(Location::new(n.file, n.pointer())),
                    format!(
                        "Operation `{}` ({} `{}`) was added.",
                        n.id(),
                        n.method.as_str().to_uppercase(),
                        n.path
                    ),
                );
            }
        }
        self.ops.clear();
    }

    fn operation(&mut self, o: &Op<'a>, n: &Op<'a>) {
        let (oh, nh) = (o.at(), n.at());
        let id = n.id();
        if o.id() != id {
            self.emit(
                &rules::MODIFIED_OPERATION_ID,
                true,
                Some(oh.loc_of("operationId", o.op.operation_id.is_some())),
                Some(nh.loc_of("operationId", n.op.operation_id.is_some())),
                format!(
                    "operationId of {} `{}` changed from `{}` to `{id}`.",
                    n.method.as_str().to_uppercase(),
                    n.path,
                    o.id()
                ),
            );
        }
        let lro_loc =
            |h: &At<Operation>| h.loc_of("x-ms-long-running-operation", h.v.long_running.is_some());
        if lro(o.op) != lro(n.op) {
            self.emit(
                &rules::LRO_CHANGED,
                true,
                Some(lro_loc(&oh)),
                Some(lro_loc(&nh)),
                format!(
                    "`{id}` is {} long-running.",
                    if lro(n.op) { "now" } else { "no longer" }
                ),
            );
        } else if lro(n.op) {
            let fsv = |op: &Operation| {
                op.long_running_options
                    .as_ref()
                    .and_then(|l| l.final_state_via.clone())
            };
            if final_state(n.method, fsv(o.op)) != final_state(n.method, fsv(n.op)) {
                let loc = |h: &At<Operation>| match &h.v.long_running_options {
                    Some(l) => h
                        .below("x-ms-long-running-operation-options", l)
                        .loc_of("final-state-via", l.final_state_via.is_some()),
                    None => h.loc(),
                };
                self.emit(
                    &rules::FINAL_STATE_VIA_CHANGED,
                    true,
                    Some(loc(&oh)),
                    Some(loc(&nh)),
                    format!(
                        "`final-state-via` of `{id}` changed from {} to {}.",
                        show(fsv(o.op).as_ref()),
                        show(fsv(n.op).as_ref())
                    ),
                );
            }
        }
        if pageable(o.op) != pageable(n.op) {
            let show =
                |v: Option<Value>| v.map_or("not pageable".to_string(), |v| format!("`{v}`"));
            let loc = |h: &At<Operation>| h.loc_of("x-ms-pageable", h.v.pageable.is_some());
            self.emit(
                &rules::PAGEABLE_CHANGED,
                true,
                Some(loc(&oh)),
                Some(loc(&nh)),
                format!(
                    "`x-ms-pageable` of `{id}` changed from {} to {}.",
                    show(pageable(o.op)),
                    show(pageable(n.op))
                ),
            );
        }
        self.parameters(o, n, &id);
        self.responses(&oh, &nh, &id);
    }

    fn parameters(&mut self, o: &Op<'a>, n: &Op<'a>, id: &str) {
        let (op, np) = (params(self.old.set, o), params(self.new.set, n));
        for (k, p) in &op {
            if np.contains_key(k) {
                continue;
            }
            let rule = if p.scope == "client" {
                &rules::REMOVED_CLIENT_PARAMETER
            } else if p.required {
                &rules::REMOVED_REQUIRED_PARAMETER
            } else {
                &rules::REMOVED_OPTIONAL_PARAMETER
            };
            self.emit(
                rule,
                true,
                Some(p.site.clone()),
                None,
                format!(
                    "Parameter `{}` ({}) of `{id}` was removed.",
                    p.name, p.location
                ),
            );
        }
        for (k, p) in &np {
            let Some(q) = op.get(k) else {
                let (rule, breaking, what) = if p.required {
                    (&rules::ADDING_REQUIRED_PARAMETER, true, "required")
                } else {
                    (&rules::ADDING_OPTIONAL_PARAMETER, false, "optional")
                };
                self.emit(
                    rule,
                    breaking,
                    None,
                    Some(p.site.clone()),
                    format!(
                        "{} parameter `{}` ({}) of `{id}` was added.",
                        capital(what),
                        p.name,
                        p.location
                    ),
                );
                continue;
            };
            self.parameter(q, p, id);
        }
    }

    fn parameter(&mut self, q: &Param<'a>, p: &Param<'a>, id: &str) {
        let in_loc = |x: &Param| x.at.loc_of("in", x.at.v.location.is_some());
        if q.location != p.location {
            self.emit(
                &rules::PARAMETER_IN_CHANGED,
                true,
                Some(in_loc(q)),
                Some(in_loc(p)),
                format!(
                    "Parameter `{}` of `{id}` moved from `{}` to `{}`.",
                    p.name, q.location, p.location
                ),
            );
        }
        if q.scope != p.scope {
            self.emit(
                &rules::PARAMETER_LOCATION_CHANGED,
                true,
                Some(q.site.clone()),
                Some(p.site.clone()),
                format!(
                    "`x-ms-parameter-location` of parameter `{}` of `{id}` changed from `{}` to `{}`.",
                    p.name, q.scope, p.scope
                ),
            );
        }
        if q.required != p.required {
            let loc = |x: &Param| x.at.loc_of("required", x.at.v.required.is_some());
            self.emit(
                &rules::REQUIRED_STATUS_CHANGE,
                p.required,
                Some(loc(q)),
                Some(loc(p)),
                format!(
                    "Parameter `{}` of `{id}` is now {}.",
                    p.name,
                    if p.required { "required" } else { "optional" }
                ),
            );
        }
        let label = p.label(id);
        if (p.location == "body") != (q.location == "body") {
            return;
        }
        if q.collection_format() != p.collection_format() {
            let loc = |x: &Param| {
                x.at.loc_of("collectionFormat", x.at.v.collection_format.is_some())
            };
            self.emit(
                &rules::COLLECTION_FORMAT_CHANGED,
                true,
                Some(loc(q)),
                Some(loc(p)),
                format!(
                    "Collection format of `{label}` changed from `{}` to `{}`.",
                    q.collection_format(),
                    p.collection_format()
                ),
            );
        }
        let label = Label::pair(q.label(id), label);
        let ops = self.ops.clone();
        self.pairs
            .add(q.schema(), p.schema(), Dir::REQUEST, label, ops);
    }

    fn responses(&mut self, o: &At<'a, Operation>, n: &At<'a, Operation>, id: &str) {
        let (Some(or), Some(nr)) = (&o.v.responses, &n.v.responses) else {
            return;
        };
        let (orl, nrl) = (o.below("responses", or), n.below("responses", nr));
        let code_at = |h: &At<'a, _>, code: &str, r: &'a Response| -> At<'a, Response> {
            At::new(h.file, format!("{}/{}", h.ptr, escape_token(code)), r)
        };
        for (code, r) in or {
            if !nr.contains_key(code) {
                self.emit(
                    &rules::REMOVED_RESPONSE_CODE,
                    true,
                    Some(code_at(&orl, code, r).loc()),
                    Some(nrl.loc()),
                    format!("Response `{code}` of `{id}` was removed."),
                );
            }
        }
        for (code, nc) in nr {
            let nc = code_at(&nrl, code, nc);
            let Some(oc) = or.get(code) else {
                self.emit(
                    &rules::ADDING_RESPONSE_CODE,
                    true,
                    Some(orl.loc()),
                    Some(nc.loc()),
                    format!("Response `{code}` of `{id}` was added."),
                );
                continue;
            };
            let oc = code_at(&orl, code, oc);
            let (oc, nc) = (
                resolve_response(self.old.set, &oc),
                resolve_response(self.new.set, &nc),
            );
            self.headers(&oc, &nc, id, code);
            let label = format!("{id} {code} response");
            match (&oc.v.schema, &nc.v.schema) {
                (Some(os), Some(ns)) => {
                    let ops = self.ops.clone();
                    self.pairs.add(
                        oc.below("schema", os),
                        nc.below("schema", ns),
                        Dir::RESPONSE,
                        Label::same(label),
                        ops,
                    );
                }
                (Some(os), None) => self.emit(
                    &rules::TYPE_CHANGED,
                    true,
                    Some(oc.below("schema", os).loc()),
                    Some(nc.loc()),
                    format!("The {label} no longer has a body."),
                ),
                (None, Some(ns)) => self.emit(
                    &rules::TYPE_CHANGED,
                    false,
                    Some(oc.loc()),
                    Some(nc.below("schema", ns).loc()),
                    format!("The {label} now has a body."),
                ),
                (None, None) => {}
            }
        }
    }

    fn headers(&mut self, o: &At<'a, Response>, n: &At<'a, Response>, id: &str, code: &str) {
        let named = |h: &At<'a, Response>| -> BTreeMap<String, At<'a, Schema>> {
            h.v.headers
                .iter()
                .map(|(k, s)| {
                    let at = h.below(&format!("headers/{}", escape_token(k)), s);
                    (k.to_ascii_lowercase(), at)
                })
                .collect()
        };
        let (oh, nh) = (named(o), named(n));
        for (k, h) in &oh {
            if !nh.contains_key(k) {
                self.emit(
                    &rules::REMOVING_HEADER,
                    true,
                    Some(h.loc()),
                    Some(n.loc()),
                    format!("Header `{k}` of the `{code}` response of `{id}` was removed."),
                );
            }
        }
        for (k, h) in nh {
            match oh.get(&k) {
                None => self.emit(
                    &rules::ADDING_HEADER,
                    false,
                    Some(o.loc()),
                    Some(h.loc()),
                    format!("Header `{k}` of the `{code}` response of `{id}` was added."),
                ),
                Some(g) => {
                    let ops = self.ops.clone();
                    let label = Label::same(format!("{id} {code} header {k}"));
                    self.pairs.add(g.clone(), h, Dir::RESPONSE, label, ops);
                }
            }
        }
    }
}
