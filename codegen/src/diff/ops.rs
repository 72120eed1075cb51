//! Operation comparison: paths and operations added / removed (matched by path shape and
//! method, so renaming a path parameter is no change), `operationId`, parameters (by name; path
//! parameters by position), `x-ms-parameter-location`, responses and their headers and bodies,
//! and the ARM extensions `x-ms-long-running-operation`, `final-state-via`, `x-ms-pageable`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::differ::{Differ, Here};
use super::rules;
use super::schema::show;
use super::side::{path_params, Index, Op};
use super::{Dir, Location, OpKey};
use crate::load::{escape_token, resolve_ref};

/// One parameter of an operation, resolved.
struct Param<'a> {
    /// Where the operation lists it (`…/parameters/i`).
    site: Location,
    /// The parameter object (after `$ref`s).
    at: Here<'a>,
    name: String,
    location: String,
    required: bool,
    /// `x-ms-parameter-location`: explicit, else `client` for a `$ref` to a global parameter,
    /// else `method`.
    scope: String,
    /// A `$ref` to a `parameters` section: shared by operations.
    global: bool,
}

impl Param<'_> {
    /// How messages name the parameter's schema: `Op(name)`, or `parameters.X` when shared.
    fn label(&self, op: &str) -> String {
        if self.global {
            let name = self.at.ptr.rsplit('/').next().unwrap_or_default();
            format!("parameters.{}", name.replace("~1", "/").replace("~0", "~"))
        } else {
            format!("{op}({})", self.name)
        }
    }
}

fn params<'a>(ix: &Index<'a>, op: &Op<'a>) -> BTreeMap<String, Param<'a>> {
    let names = path_params(op.path);
    let mut out: BTreeMap<String, Param<'a>> = BTreeMap::new();
    let own = op
        .value
        .get("parameters")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let lists = [
        (
            format!("/paths/{}/parameters", escape_token(op.path)),
            op.path_params,
        ),
        (format!("{}/parameters", op.pointer()), own),
    ];
    for (base, list) in lists {
        for (i, p) in list.iter().enumerate() {
            let site = Location::new(op.file, format!("{base}/{i}"));
            let mut at = Here::new(op.file, site.pointer.clone(), p);
            let mut global = false;
            for _ in 0..8 {
                let Some(r) = at.v.get("$ref").and_then(Value::as_str) else {
                    break;
                };
                let t = resolve_ref(at.file, r);
                let Some((f, doc)) = ix.set.docs.get_key_value(&t.file) else {
                    break;
                };
                let Some(v) = doc.pointer(&t.pointer) else {
                    break;
                };
                global |= t.pointer.starts_with("/parameters/");
                at = Here::new(f, t.pointer, v);
            }
            let s = |k: &str| {
                at.v.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            let (name, location) = (s("name"), s("in"));
            if name == "api-version" {
                continue;
            }
            let key = match location.as_str() {
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
                at.v.get("x-ms-parameter-location")
                    .and_then(Value::as_str)
                    .unwrap_or(if global { "client" } else { "method" })
                    .to_string();
            let required =
                at.v.get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
            out.insert(
                key,
                Param {
                    site,
                    at,
                    name,
                    location,
                    required,
                    scope,
                    global,
                },
            );
        }
    }
    out
}

fn lro(op: &Value) -> bool {
    op.get("x-ms-long-running-operation")
        .and_then(Value::as_bool)
        == Some(true)
}

impl<'a> Differ<'a> {
    /// Paths and operations added, removed, and changed.
    pub fn operations(&mut self) {
        let (old, new) = (self.old, self.new);
        for (shape, &(file, path)) in &old.paths {
            if !new.paths.contains_key(shape) {
                self.op = None;
                let ops: Vec<OpKey> = old.ops.keys().filter(|k| &k.0 == shape).cloned().collect();
                for k in &ops {
                    self.op = Some(k.clone());
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
                let ops: Vec<OpKey> = new.ops.keys().filter(|k| &k.0 == shape).cloned().collect();
                for k in &ops {
                    self.op = Some(k.clone());
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
            self.op = Some(k.clone());
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
                        o.method.to_uppercase(),
                        o.path
                    ),
                ),
                None => {}
            }
        }
        for (k, n) in &new.ops {
            if !old.ops.contains_key(k) && old.paths.contains_key(&k.0) {
                self.op = Some(k.clone());
                self.emit(
                    &rules::ADDED_OPERATION,
                    false,
                    None,
                    Some(Location::new(n.file, n.pointer())),
                    format!(
                        "Operation `{}` ({} `{}`) was added.",
                        n.id(),
                        n.method.to_uppercase(),
                        n.path
                    ),
                );
            }
        }
        self.op = None;
    }

    fn operation(&mut self, o: &Op<'a>, n: &Op<'a>) {
        let oh = Here::new(o.file, o.pointer(), o.value);
        let nh = Here::new(n.file, n.pointer(), n.value);
        let id = n.id();
        if o.id() != id {
            self.emit(
                &rules::MODIFIED_OPERATION_ID,
                true,
                Some(oh.key_loc("operationId")),
                Some(nh.key_loc("operationId")),
                format!(
                    "operationId of {} `{}` changed from `{}` to `{id}`.",
                    n.method.to_uppercase(),
                    n.path,
                    o.id()
                ),
            );
        }
        if lro(o.value) != lro(n.value) {
            self.emit(
                &rules::LRO_CHANGED,
                true,
                Some(oh.key_loc("x-ms-long-running-operation")),
                Some(nh.key_loc("x-ms-long-running-operation")),
                format!(
                    "`{id}` is {} long-running.",
                    if lro(n.value) { "now" } else { "no longer" }
                ),
            );
        } else if lro(n.value) {
            let fsv = |v: &Value| {
                v.pointer("/x-ms-long-running-operation-options/final-state-via")
                    .cloned()
            };
            if fsv(o.value) != fsv(n.value) {
                let loc = |h: &Here| match h.child("x-ms-long-running-operation-options") {
                    Some(c) => c.key_loc("final-state-via"),
                    None => h.loc(),
                };
                self.emit(
                    &rules::FINAL_STATE_VIA_CHANGED,
                    true,
                    Some(loc(&oh)),
                    Some(loc(&nh)),
                    format!(
                        "`final-state-via` of `{id}` changed from {} to {}.",
                        show(fsv(o.value).as_ref()),
                        show(fsv(n.value).as_ref())
                    ),
                );
            }
        }
        if o.value.get("x-ms-pageable") != n.value.get("x-ms-pageable") {
            let show =
                |v: Option<&Value>| v.map_or("not pageable".to_string(), |v| format!("`{v}`"));
            self.emit(
                &rules::PAGEABLE_CHANGED,
                true,
                Some(oh.key_loc("x-ms-pageable")),
                Some(nh.key_loc("x-ms-pageable")),
                format!(
                    "`x-ms-pageable` of `{id}` changed from {} to {}.",
                    show(o.value.get("x-ms-pageable")),
                    show(n.value.get("x-ms-pageable"))
                ),
            );
        }
        self.parameters(o, n, &id);
        self.responses(&oh, &nh, &id);
    }

    fn parameters(&mut self, o: &Op<'a>, n: &Op<'a>, id: &str) {
        let (op, np) = (params(self.old, o), params(self.new, n));
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
            if q.location != p.location {
                self.emit(
                    &rules::PARAMETER_IN_CHANGED,
                    true,
                    Some(q.at.key_loc("in")),
                    Some(p.at.key_loc("in")),
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
                self.emit(
                    &rules::REQUIRED_STATUS_CHANGE,
                    p.required,
                    Some(q.at.key_loc("required")),
                    Some(p.at.key_loc("required")),
                    format!(
                        "Parameter `{}` of `{id}` is now {}.",
                        p.name,
                        if p.required { "required" } else { "optional" }
                    ),
                );
            }
            let label = p.label(id);
            if p.location == "body" && q.location == "body" {
                if let (Some(qs), Some(ps)) = (q.at.child("schema"), p.at.child("schema")) {
                    self.compare_schema(qs, ps, Dir::REQUEST, &label);
                }
            } else if p.location != "body" && q.location != "body" {
                self.compare_content(&q.at, &p.at, Dir::REQUEST, &label);
            }
        }
    }

    fn responses(&mut self, o: &Here<'a>, n: &Here<'a>, id: &str) {
        let (Some(or), Some(nr)) = (o.child("responses"), n.child("responses")) else {
            return;
        };
        let codes = |h: &Here<'a>| -> Vec<String> {
            h.v.as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        for code in codes(&or) {
            if nr.v.get(&code).is_none() {
                self.emit(
                    &rules::REMOVED_RESPONSE_CODE,
                    true,
                    or.child(&code).map(|c| c.loc()),
                    Some(nr.loc()),
                    format!("Response `{code}` of `{id}` was removed."),
                );
            }
        }
        for code in codes(&nr) {
            let nc = nr.child(&code).expect("listed");
            let Some(oc) = or.child(&code) else {
                self.emit(
                    &rules::ADDING_RESPONSE_CODE,
                    true,
                    Some(or.loc()),
                    Some(nc.loc()),
                    format!("Response `{code}` of `{id}` was added."),
                );
                continue;
            };
            let (oc, nc) = (self.deref_old(oc), self.deref_new(nc));
            self.headers(&oc, &nc, id, &code);
            let label = format!("{id} {code} response");
            match (oc.child("schema"), nc.child("schema")) {
                (Some(os), Some(ns)) => self.compare_schema(os, ns, Dir::RESPONSE, &label),
                (Some(os), None) => self.emit(
                    &rules::TYPE_CHANGED,
                    true,
                    Some(os.loc()),
                    Some(nc.loc()),
                    format!("The {label} no longer has a body."),
                ),
                (None, Some(ns)) => self.emit(
                    &rules::TYPE_CHANGED,
                    false,
                    Some(oc.loc()),
                    Some(ns.loc()),
                    format!("The {label} now has a body."),
                ),
                (None, None) => {}
            }
        }
    }

    fn headers(&mut self, o: &Here<'a>, n: &Here<'a>, id: &str, code: &str) {
        let names = |h: &Here<'a>| -> BTreeMap<String, Here<'a>> {
            let Some(hs) = h.child("headers") else {
                return BTreeMap::new();
            };
            let keys: Vec<String> =
                hs.v.as_object()
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
            keys.into_iter()
                .filter_map(|k| Some((k.to_ascii_lowercase(), hs.child(&k)?)))
                .collect()
        };
        let (oh, nh) = (names(o), names(n));
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
        for (k, h) in &nh {
            match oh.get(k) {
                None => self.emit(
                    &rules::ADDING_HEADER,
                    false,
                    Some(o.loc()),
                    Some(h.loc()),
                    format!("Header `{k}` of the `{code}` response of `{id}` was added."),
                ),
                Some(g) => {
                    self.compare_content(g, h, Dir::RESPONSE, &format!("{id} {code} header {k}"))
                }
            }
        }
    }

    /// A response object after `$ref`s (to a `responses` section).
    fn deref_old(&self, h: Here<'a>) -> Here<'a> {
        deref(self.old, h)
    }

    fn deref_new(&self, h: Here<'a>) -> Here<'a> {
        deref(self.new, h)
    }
}

fn deref<'a>(ix: &Index<'a>, mut h: Here<'a>) -> Here<'a> {
    for _ in 0..8 {
        let Some(r) = h.v.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let t = resolve_ref(h.file, r);
        let Some((f, doc)) = ix.set.docs.get_key_value(&t.file) else {
            break;
        };
        let Some(v) = doc.pointer(&t.pointer) else {
            break;
        };
        h = Here::new(f, t.pointer, v);
    }
    h
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
