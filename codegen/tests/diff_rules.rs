//! `cargo xtask diff` rules, one tiny spec pair per rule written into a fresh temporary
//! directory: each rule fires where it should, with the severity its direction gives, and the
//! Rust-level impact names the right items; equivalent specs (reordered properties, a definition
//! moved to another file, edited descriptions, a renamed path parameter) give no change at all.

use std::collections::BTreeSet;
use std::path::PathBuf;

use azml_codegen::diff::{self, Report, RustChangeKind, Semver, Severity, Side};
use azml_codegen::load::SpecSet;
use serde_json::{json, Value};

/// A temporary spec root with an `old/` and a `new/` package.
struct Fixture {
    root: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Self {
        let root = std::env::temp_dir().join(format!("azml-diff-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("specification")).unwrap();
        Fixture { root }
    }

    fn write(&self, rel: &str, v: &Value) {
        let p = self.root.join("specification/rp").join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    }

    fn side(&self, dir: &str, files: &[&str]) -> Side {
        let entries: Vec<String> = files
            .iter()
            .map(|f| format!("specification/rp/{dir}/{f}"))
            .collect();
        let set = SpecSet::load(&self.root, &entries, BTreeSet::new()).unwrap();
        Side::from_set(dir, set)
    }

    /// Diffs `old/a.json` against `new/a.json` (plus extra new files).
    fn diff(&self, old: &Value, new: &Value) -> Report {
        self.write("old/a.json", old);
        self.write("new/a.json", new);
        self.report(&["a.json"], &["a.json"])
    }

    fn report(&self, old_files: &[&str], new_files: &[&str]) -> Report {
        let (o, n) = (self.side("old", old_files), self.side("new", new_files));
        assert!(o.api.is_ok(), "old side must normalize: {:?}", o.api.err());
        assert!(n.api.is_ok(), "new side must normalize: {:?}", n.api.err());
        let r = diff::diff(&o, &n);
        // Every location is a JSON pointer that resolves in its side's documents.
        for c in &r.changes {
            for (side, loc) in [(&o, &c.old), (&n, &c.new)] {
                if let Some(l) = loc {
                    let doc = side.set.docs.get(&l.file).unwrap_or_else(|| panic!("{l}"));
                    assert!(doc.pointer(&l.pointer).is_some(), "unresolved {l} in {c:?}");
                }
            }
        }
        r
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The base package: `Things_Get` / `Things_List` return `Thing` (response-only),
/// `Things_Put` sends `ThingInput` (request-only); `Shared` is used both ways; `Animal` is a
/// union with the variant `Dog`.
fn base() -> Value {
    json!({
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things/{name}": {
                "get": {
                    "operationId": "Things_Get",
                    "description": "Gets a thing.",
                    "parameters": [
                        {"name": "name", "in": "path", "required": true, "type": "string"},
                        {"$ref": "#/parameters/ApiVersion"}
                    ],
                    "responses": {
                        "200": {"description": "ok", "schema": {"$ref": "#/definitions/Thing"},
                                "headers": {"ETag": {"type": "string"}}},
                        "default": {"description": "error", "schema": {"$ref": "#/definitions/Error"}}
                    }
                },
                "put": {
                    "operationId": "Things_Put",
                    "parameters": [
                        {"name": "name", "in": "path", "required": true, "type": "string"},
                        {"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/ThingInput"}},
                        {"name": "mode", "in": "query", "required": false, "type": "string"},
                        {"$ref": "#/parameters/ApiVersion"}
                    ],
                    "x-ms-long-running-operation": true,
                    "x-ms-long-running-operation-options": {"final-state-via": "location"},
                    "responses": {
                        "200": {"description": "ok", "schema": {"$ref": "#/definitions/Thing"}},
                        "202": {"description": "accepted"},
                        "default": {"description": "error", "schema": {"$ref": "#/definitions/Error"}}
                    }
                }
            },
            "/things": {
                "get": {
                    "operationId": "Things_List",
                    "x-ms-pageable": {"nextLinkName": "nextLink"},
                    "parameters": [
                        {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "csv"},
                        {"$ref": "#/parameters/ApiVersion"}
                    ],
                    "responses": {
                        "200": {"description": "ok", "schema": {"$ref": "#/definitions/ThingList"}}
                    }
                }
            }
        },
        "parameters": {
            "ApiVersion": {"name": "api-version", "in": "query", "required": true, "type": "string"}
        },
        "definitions": {
            "Thing": {
                "description": "A thing.",
                "required": ["size"],
                "properties": {
                    "name": {"type": "string", "readOnly": true, "description": "Name."},
                    "size": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 10},
                    "kind": {"type": "string", "enum": ["a", "b"], "x-ms-enum": {"name": "Kind", "modelAsString": true}},
                    "state": {"type": "string", "enum": ["on", "off"], "x-ms-enum": {"name": "State", "modelAsString": false}},
                    "tags": {"type": "object", "additionalProperties": {"type": "string"}},
                    "props": {"$ref": "#/definitions/ThingProps"},
                    "shared": {"$ref": "#/definitions/Shared"},
                    "pet": {"$ref": "#/definitions/Animal"}
                }
            },
            "ThingInput": {
                "required": ["size"],
                "properties": {
                    "size": {"type": "integer", "format": "int32", "maximum": 10},
                    "mode": {"type": "string", "enum": ["x", "y"], "x-ms-enum": {"name": "Mode", "modelAsString": false}},
                    "label": {"type": "string", "default": "l"},
                    "shared": {"$ref": "#/definitions/Shared"}
                }
            },
            "ThingProps": {"properties": {"note": {"type": "string"}}},
            "Shared": {"properties": {"level": {"type": "string", "enum": ["low", "high"], "x-ms-enum": {"name": "Level", "modelAsString": true}}}},
            "ThingList": {
                "properties": {
                    "value": {"type": "array", "items": {"$ref": "#/definitions/Thing"}},
                    "nextLink": {"type": "string"}
                }
            },
            "Animal": {"discriminator": "kind", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
            "Dog": {"allOf": [{"$ref": "#/definitions/Animal"}], "x-ms-discriminator-value": "dog",
                    "properties": {"bark": {"type": "boolean"}}},
            "Error": {"properties": {"code": {"type": "string"}, "message": {"type": "string"}}}
        }
    })
}

const THING_GET: &str = "/paths/~1things~1{name}/get";
const THING_PUT: &str = "/paths/~1things~1{name}/put";

/// Sets (or, with `Value::Null`, removes) the value at a pointer.
fn set(doc: &mut Value, pointer: &str, v: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    let p = doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("{parent}"));
    match p {
        Value::Object(m) if v.is_null() => {
            m.remove(&key).unwrap_or_else(|| panic!("no {pointer}"));
        }
        Value::Object(m) => {
            m.insert(key, v);
        }
        Value::Array(a) if v.is_null() => {
            a.remove(key.parse::<usize>().unwrap());
        }
        Value::Array(a) => {
            let i: usize = key.parse().unwrap();
            if i == a.len() {
                a.push(v)
            } else {
                a[i] = v
            }
        }
        other => panic!("{pointer}: not a container: {other}"),
    }
}

fn changed(mods: &[(&str, Value)]) -> Value {
    let mut v = base();
    for (p, x) in mods {
        set(&mut v, p, x.clone());
    }
    v
}

/// The changes of one rule.
fn of<'r>(r: &'r Report, id: &str) -> Vec<&'r diff::Change> {
    r.changes.iter().filter(|c| c.rule.id == id).collect()
}

/// Asserts exactly one change of `id`, with `severity` and (if given) a location pointer
/// ending in `at`; returns it.
fn one<'r>(r: &'r Report, id: &str, severity: Severity, at: &str) -> &'r diff::Change {
    let cs = of(r, id);
    assert_eq!(cs.len(), 1, "expected one {id}, got:\n{}", dump(r));
    let c = cs[0];
    assert_eq!(c.severity, severity, "{c:?}");
    let p = |l: &Option<diff::Location>| l.as_ref().map(|l| l.pointer.clone()).unwrap_or_default();
    assert!(
        p(&c.old).ends_with(at) || p(&c.new).ends_with(at),
        "{id} at {:?} / {:?}, expected …{at}",
        c.old,
        c.new
    );
    c
}

fn dump(r: &Report) -> String {
    r.changes
        .iter()
        .map(|c| {
            format!(
                "  {} {} {:?}: {}\n",
                c.rule.id, c.rule.name, c.severity, c.message
            )
        })
        .collect()
}

/// The Rust items (`item change`) a change explains.
fn rust_of(r: &Report, c: &diff::Change) -> Vec<String> {
    let rc = &r.rust.as_ref().unwrap().changes;
    c.rust
        .iter()
        .map(|&i| format!("{} {}", rc[i].item, rc[i].change.as_str()))
        .collect()
}

fn only(r: &Report, ids: &[&str]) {
    let got: BTreeSet<&str> = r.changes.iter().map(|c| c.rule.id).collect();
    let want: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(got, want, "\n{}", dump(r));
}

// ---------------------------------------------------------------- equivalents

#[test]
fn identical_specs_give_nothing() {
    let f = Fixture::new("same");
    let r = f.diff(&base(), &base());
    assert!(r.changes.is_empty(), "{}", dump(&r));
    assert!(r.rust.as_ref().unwrap().changes.is_empty());
    assert_eq!(r.semver(), Some(Semver::None));
}

#[test]
fn reordered_properties_and_edited_descriptions_are_no_change() {
    let f = Fixture::new("equiv");
    let mut new = base();
    // Reverse every property map and every enum; edit descriptions; rename the path parameter.
    let thing = new.pointer_mut("/definitions/Thing").unwrap();
    let props = thing["properties"].as_object().unwrap().clone();
    let mut reversed = serde_json::Map::new();
    for (k, v) in props.into_iter().rev() {
        reversed.insert(k, v);
    }
    thing["properties"] = Value::Object(reversed);
    thing["description"] = json!("A thing, reworded.");
    thing["properties"]["name"]["description"] = json!("Another description.");
    set(
        &mut new,
        "/definitions/Thing/properties/kind/enum",
        json!(["b", "a"]),
    );
    set(
        &mut new,
        &format!("{THING_GET}/description"),
        json!("Reads a thing."),
    );
    let item = new["paths"]["/things/{name}"].take();
    let text = item
        .to_string()
        .replace("\"name\",\"in\":\"path\"", "\"thingName\",\"in\":\"path\"");
    new["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/things/{name}");
    new["paths"]["/things/{thingName}"] = serde_json::from_str(&text).unwrap();
    let r = f.diff(&base(), &new);
    assert!(r.changes.is_empty(), "{}", dump(&r));
    assert!(
        r.rust.as_ref().unwrap().changes.is_empty(),
        "{:?}",
        r.rust.as_ref().unwrap().changes
    );
}

#[test]
fn definition_moved_to_another_file_with_same_content_is_no_change() {
    let f = Fixture::new("moved");
    let old = base();
    let mut new = base();
    let props = new["definitions"]
        .as_object_mut()
        .unwrap()
        .remove("ThingProps")
        .unwrap();
    let shared = new["definitions"]
        .as_object_mut()
        .unwrap()
        .remove("Shared")
        .unwrap();
    set(
        &mut new,
        "/definitions/Thing/properties/props",
        json!({"$ref": "./b.json#/definitions/ThingProps"}),
    );
    set(
        &mut new,
        "/definitions/Thing/properties/shared",
        json!({"$ref": "b.json#/definitions/Shared"}),
    );
    set(
        &mut new,
        "/definitions/ThingInput/properties/shared",
        json!({"$ref": "./b.json#/definitions/Shared"}),
    );
    f.write("old/a.json", &old);
    f.write("new/a.json", &new);
    f.write(
        "new/b.json",
        &json!({"swagger": "2.0", "info": {"title": "b", "version": "1"}, "paths": {},
                "definitions": {"ThingProps": props, "Shared": shared}}),
    );
    let r = f.report(&["a.json"], &["a.json"]);
    assert!(r.changes.is_empty(), "{}", dump(&r));
    assert!(r.rust.as_ref().unwrap().changes.is_empty());
    // The same move with a changed body is reported, at the new file.
    let mut moved = json!({"swagger": "2.0", "info": {"title": "b", "version": "1"}, "paths": {},
        "definitions": {"ThingProps": {"properties": {"note": {"type": "integer"}}}, "Shared": new["definitions"]["Thing"]["properties"]["shared"].clone()}});
    moved["definitions"]["Shared"] = base()["definitions"]["Shared"].clone();
    f.write("new/b.json", &moved);
    let r = f.report(&["a.json"], &["a.json"]);
    let c = one(
        &r,
        "1026",
        Severity::Breaking,
        "/definitions/ThingProps/properties/note/type",
    );
    assert!(c.new.as_ref().unwrap().file.ends_with("new/b.json"));
}

// ---------------------------------------------------------------- paths & operations

#[test]
fn removed_and_added_paths_and_operations() {
    let f = Fixture::new("paths");
    let mut new = base();
    let list = new["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/things")
        .unwrap();
    new["paths"]["/widgets"] = list
        .to_string()
        .replace("Things_List", "Widgets_List")
        .parse::<Value>()
        .unwrap();
    set(&mut new, THING_PUT, Value::Null);
    let put = base()["paths"]["/things/{name}"]["put"].clone();
    let mut post = put.clone();
    post["operationId"] = json!("Things_Post");
    set(&mut new, "/paths/~1things~1{name}/post", post);
    let r = f.diff(&base(), &new);
    let c = one(&r, "1005", Severity::Breaking, "/paths/~1things");
    assert_eq!(
        rust_of(&r, c),
        [
            "Client::things_list removed",
            "Client::things_list_first_page removed",
            "ThingsClient::list removed",
            "ThingsListOptions removed"
        ]
    );
    let c = one(&r, "1035", Severity::Breaking, THING_PUT);
    assert_eq!(
        rust_of(&r, c),
        [
            "Client::things_put removed",
            "Client::things_put_initial removed",
            "ThingsClient::put removed",
            "ThingsPutOptions removed"
        ]
    );
    let c = one(&r, "1038", Severity::NonBreaking, "/paths/~1widgets");
    assert_eq!(
        rust_of(&r, c),
        [
            "Client::widgets added",
            "Client::widgets_list added",
            "Client::widgets_list_first_page added",
            "WidgetsClient added",
            "WidgetsClient::list added",
            "WidgetsListOptions added"
        ]
    );
    one(
        &r,
        "1039",
        Severity::NonBreaking,
        "/paths/~1things~1{name}/post",
    );
    only(&r, &["1005", "1035", "1038", "1039"]);
    assert_eq!(r.semver(), Some(Semver::Major));
}

#[test]
fn added_operation_only_is_semver_minor() {
    let f = Fixture::new("minor");
    let mut new = base();
    let mut del = json!({"operationId": "Things_Delete", "parameters": [
        {"name": "name", "in": "path", "required": true, "type": "string"},
        {"$ref": "#/parameters/ApiVersion"}], "responses": {"200": {"description": "ok"}}});
    del["description"] = json!("Deletes.");
    set(&mut new, "/paths/~1things~1{name}/delete", del);
    let r = f.diff(&base(), &new);
    only(&r, &["1039"]);
    assert_eq!(r.count(Severity::Breaking), 0);
    assert_eq!(r.semver(), Some(Semver::Minor));
}

#[test]
fn modified_operation_id() {
    let f = Fixture::new("opid");
    let r = f.diff(
        &base(),
        &changed(&[(&format!("{THING_GET}/operationId"), json!("Things_Read"))]),
    );
    let c = one(
        &r,
        "1008",
        Severity::Breaking,
        &format!("{THING_GET}/operationId"),
    );
    assert_eq!(
        rust_of(&r, c),
        [
            "Client::things_get removed",
            "Client::things_read added",
            "ThingsClient::get removed",
            "ThingsClient::read added",
            "ThingsGetOptions removed",
            "ThingsReadOptions added"
        ]
    );
    only(&r, &["1008"]);
}

#[test]
fn long_running_pageable_and_final_state_via() {
    let f = Fixture::new("xms");
    let r = f.diff(
        &base(),
        &changed(&[
            (
                &format!("{THING_PUT}/x-ms-long-running-operation-options/final-state-via"),
                json!("azure-async-operation"),
            ),
            (
                "/paths/~1things/get/x-ms-pageable",
                json!({"nextLinkName": null}),
            ),
            // A constraint in the same operation changes no Rust item: the methods listed
            // under 2002 are not listed under it.
            (
                &format!("{THING_PUT}/parameters/0/pattern"),
                json!("^[a-z]+$"),
            ),
        ]),
    );
    let c = one(&r, "1024", Severity::Breaking, "pattern");
    assert!(rust_of(&r, c).is_empty(), "{:?}", rust_of(&r, c));
    let c = one(&r, "2002", Severity::Breaking, "final-state-via");
    assert_eq!(
        rust_of(&r, c),
        [
            "Client::things_put changed",
            "Client::things_put_initial changed",
            "ThingsClient::put changed"
        ]
    );
    let c = one(
        &r,
        "2001",
        Severity::Breaking,
        "/paths/~1things/get/x-ms-pageable",
    );
    assert_eq!(
        rust_of(&r, c),
        [
            "Client::things_list changed",
            "Client::things_list_first_page changed",
            "ThingsClient::list changed"
        ]
    );
    only(&r, &["1024", "2001", "2002"]);
    assert_eq!(r.semver(), Some(Semver::Patch));

    // No longer pageable: the `Pager` method becomes a plain one and `_first_page` goes.
    let r = f.diff(
        &base(),
        &changed(&[("/paths/~1things/get/x-ms-pageable", Value::Null)]),
    );
    let c = one(&r, "2001", Severity::Breaking, "/paths/~1things/get");
    let rc = &r.rust.as_ref().unwrap().changes;
    assert_eq!(
        rust_of(&r, c),
        [
            "Client::things_list retyped",
            "Client::things_list_first_page removed",
            "ThingsClient::list retyped",
            "ThingsListOptions::continuation removed"
        ]
    );
    // The signatures as the client emitter writes them.
    let retyped = &rc[c.rust[0]];
    let tags = "tags: Option<&'a ::std::vec::Vec<::std::string::String>>";
    assert_eq!(
        retyped.old_signature.as_deref(),
        Some(
            format!(
                "pub fn things_list<'a>(&'a self, {tags}) -> azml::pager::Pager<'a, models::Thing>"
            )
            .as_str()
        )
    );
    assert_eq!(
        retyped.new_signature.as_deref(),
        Some(
            format!(
                "pub async fn things_list<'a>(&'a self, {tags}) \
                 -> Result<ResponseValue<models::ThingList>, azml::Error>"
            )
            .as_str()
        )
    );
    assert_eq!(
        retyped.detail,
        format!(
            "`{}` → `{}`",
            retyped.old_signature.as_ref().unwrap(),
            retyped.new_signature.as_ref().unwrap()
        )
    );

    let r = f.diff(
        &base(),
        &changed(&[
            (
                &format!("{THING_PUT}/x-ms-long-running-operation"),
                json!(false),
            ),
            (&format!("{THING_PUT}/responses/202"), Value::Null),
        ]),
    );
    let c = one(
        &r,
        "1044",
        Severity::Breaking,
        "x-ms-long-running-operation",
    );
    let items = rust_of(&r, c);
    assert!(
        items.contains(&"Client::things_put retyped".to_string()),
        "{items:?}"
    );
    assert!(
        items.contains(&"Client::things_put_initial removed".to_string()),
        "{items:?}"
    );
    one(
        &r,
        "1012",
        Severity::Breaking,
        &format!("{THING_PUT}/responses/202"),
    );
}

// ---------------------------------------------------------------- parameters

#[test]
fn added_parameters_required_breaks_optional_does_not() {
    let f = Fixture::new("addparam");
    let r = f.diff(
        &base(),
        &changed(&[
            (
                &format!("{THING_GET}/parameters/2"),
                json!({"name": "expand", "in": "query", "required": true, "type": "string"}),
            ),
            (
                &format!("{THING_PUT}/parameters/4"),
                json!({"name": "force", "in": "query", "type": "boolean"}),
            ),
        ]),
    );
    let c = one(
        &r,
        "1010",
        Severity::Breaking,
        &format!("{THING_GET}/parameters/2"),
    );
    assert_eq!(
        rust_of(&r, c),
        ["Client::things_get retyped", "ThingsClient::get retyped"]
    );
    let c = one(
        &r,
        "1043",
        Severity::NonBreaking,
        &format!("{THING_PUT}/parameters/4"),
    );
    // The flat positional methods gain an argument; the group method keeps its signature
    // and its options struct gains a field.
    assert_eq!(
        rust_of(&r, c),
        [
            "Client::things_put retyped",
            "Client::things_put_initial retyped",
            "ThingsPutOptions::force added"
        ]
    );
    only(&r, &["1010", "1043"]);
}

#[test]
fn removed_parameters() {
    let f = Fixture::new("rmparam");
    let mut new = base();
    set(&mut new, &format!("{THING_PUT}/parameters/2"), Value::Null); // optional `mode`
    let r = f.diff(&base(), &new);
    one(
        &r,
        "1046",
        Severity::Breaking,
        &format!("{THING_PUT}/parameters/2"),
    );
    only(&r, &["1046"]);
    let mut old = base();
    set(
        &mut old,
        &format!("{THING_GET}/parameters/2"),
        json!({"name": "filter", "in": "query", "required": true, "type": "string"}),
    );
    let new = base();
    let r = f.diff(&old, &new);
    one(
        &r,
        "1009",
        Severity::Breaking,
        &format!("{THING_GET}/parameters/2"),
    );
    only(&r, &["1009"]);
    // A global (client) parameter going away.
    set(
        &mut old,
        "/parameters/Sub",
        json!({"name": "sub", "in": "query", "required": true, "type": "string"}),
    );
    set(
        &mut old,
        &format!("{THING_GET}/parameters/2"),
        json!({"$ref": "#/parameters/Sub"}),
    );
    let r = f.diff(&old, &new);
    let c = one(
        &r,
        "1007",
        Severity::Breaking,
        &format!("{THING_GET}/parameters/2"),
    );
    assert_eq!(
        rust_of(&r, c),
        ["Client::things_get retyped", "ThingsClient::get retyped"]
    );
    only(&r, &["1007"]);
}

#[test]
fn parameter_in_location_and_required_changes() {
    let f = Fixture::new("paramin");
    let r = f.diff(
        &base(),
        &changed(&[
            (&format!("{THING_PUT}/parameters/2/in"), json!("header")),
            (
                "/paths/~1things/get/parameters/0/collectionFormat",
                json!("multi"),
            ),
        ]),
    );
    one(
        &r,
        "1015",
        Severity::Breaking,
        &format!("{THING_PUT}/parameters/2/in"),
    );
    one(
        &r,
        "1028",
        Severity::Breaking,
        "/paths/~1things/get/parameters/0/collectionFormat",
    );
    only(&r, &["1015", "1028"]);

    // Inline → `$ref` to a global parameter: its location becomes `client` unless it says
    // `method`.
    let mut new = base();
    set(
        &mut new,
        "/parameters/Mode",
        json!({"name": "mode", "in": "query", "required": false, "type": "string"}),
    );
    set(
        &mut new,
        &format!("{THING_PUT}/parameters/2"),
        json!({"$ref": "#/parameters/Mode"}),
    );
    let r = f.diff(&base(), &new);
    one(
        &r,
        "1050",
        Severity::Breaking,
        &format!("{THING_PUT}/parameters/2"),
    );
    only(&r, &["1050"]);
    set(
        &mut new,
        "/parameters/Mode/x-ms-parameter-location",
        json!("method"),
    );
    let r = f.diff(&base(), &new);
    assert!(r.changes.is_empty(), "{}", dump(&r));

    let r = f.diff(
        &base(),
        &changed(&[(&format!("{THING_PUT}/parameters/2/required"), json!(true))]),
    );
    let c = one(
        &r,
        "1025",
        Severity::Breaking,
        &format!("{THING_PUT}/parameters/2/required"),
    );
    assert_eq!(
        rust_of(&r, c),
        [
            "Client::things_put retyped",
            "Client::things_put_initial retyped",
            "ThingsClient::put retyped",
            "ThingsPutOptions::mode removed"
        ]
    );
    let r = f.diff(
        &changed(&[(&format!("{THING_PUT}/parameters/2/required"), json!(true))]),
        &base(),
    );
    one(
        &r,
        "1025",
        Severity::NonBreaking,
        &format!("{THING_PUT}/parameters/2/required"),
    );
}

// ---------------------------------------------------------------- responses

#[test]
fn response_codes_and_headers() {
    let f = Fixture::new("resp");
    let mut new = base();
    set(
        &mut new,
        &format!("{THING_GET}/responses/404"),
        json!({"description": "missing"}),
    );
    set(
        &mut new,
        &format!("{THING_GET}/responses/200/headers/ETag"),
        Value::Null,
    );
    set(
        &mut new,
        &format!("{THING_GET}/responses/200/headers/x-ms-request-id"),
        json!({"type": "string"}),
    );
    set(
        &mut new,
        "/paths/~1things/get/responses/204",
        json!({"description": "empty"}),
    );
    let r = f.diff(&base(), &new);
    let added: Vec<_> = of(&r, "1011");
    assert_eq!(added.len(), 2, "{}", dump(&r));
    assert!(added.iter().all(|c| c.severity == Severity::Breaking));
    one(
        &r,
        "1014",
        Severity::Breaking,
        "/responses/200/headers/ETag",
    );
    one(
        &r,
        "1013",
        Severity::NonBreaking,
        "/responses/200/headers/x-ms-request-id",
    );
    only(&r, &["1011", "1013", "1014"]);
    let r = f.diff(&new, &base());
    assert_eq!(of(&r, "1012").len(), 2, "{}", dump(&r));
}

// ---------------------------------------------------------------- schemas

#[test]
fn type_and_format_changes_retype_the_field() {
    let f = Fixture::new("type");
    let r = f.diff(
        &base(),
        &changed(&[("/definitions/Thing/properties/size/format", json!("int64"))]),
    );
    let c = one(
        &r,
        "1023",
        Severity::Breaking,
        "/definitions/Thing/properties/size/format",
    );
    assert_eq!(rust_of(&r, c), ["models::Thing::size retyped"]);
    let rc = &r.rust.as_ref().unwrap().changes[c.rust[0]];
    assert_eq!(rc.detail, "`i32` → `i64`");
    assert_eq!(rc.semver, Semver::Major);
    only(&r, &["1023"]);
    let r = f.diff(
        &base(),
        &changed(&[(
            "/definitions/ThingProps/properties/note",
            json!({"type": "boolean"}),
        )]),
    );
    let c = one(
        &r,
        "1026",
        Severity::Breaking,
        "/definitions/ThingProps/properties/note/type",
    );
    assert_eq!(rust_of(&r, c), ["models::ThingProps::note retyped"]);
}

#[test]
fn removed_property_and_removed_definition() {
    let f = Fixture::new("rmprop");
    let mut new = base();
    set(&mut new, "/definitions/Thing/properties/props", Value::Null);
    set(&mut new, "/definitions/ThingProps", Value::Null);
    let r = f.diff(&base(), &new);
    let c = one(
        &r,
        "1033",
        Severity::Breaking,
        "/definitions/Thing/properties/props",
    );
    assert_eq!(rust_of(&r, c), ["models::Thing::props removed"]);
    // The definition only `props` used goes with it: no `RemovedDefinition` (a reached
    // definition is compared where it is used); the Rust layer lists the type.
    only(&r, &["1033"]);
    let rc = &r.rust.as_ref().unwrap().changes;
    assert!(
        rc.iter()
            .any(|c| c.item == "models::ThingProps" && c.change == RustChangeKind::Removed),
        "{rc:?}"
    );
    // An unused definition of the package going away breaks nobody.
    let mut old = base();
    set(
        &mut old,
        "/definitions/Unused",
        json!({"properties": {"x": {"type": "string"}}}),
    );
    let r = f.diff(&old, &base());
    one(&r, "1006", Severity::NonBreaking, "/definitions/Unused");
    let r = f.diff(&base(), &old);
    one(&r, "2005", Severity::NonBreaking, "/definitions/Unused");
}

#[test]
fn added_properties_depend_on_direction() {
    let f = Fixture::new("addprop");
    let r = f.diff(
        &base(),
        &changed(&[
            (
                "/definitions/ThingInput/properties/color",
                json!({"type": "string"}),
            ),
            (
                "/definitions/ThingInput/properties/weight",
                json!({"type": "number"}),
            ),
            (
                "/definitions/ThingInput/required",
                json!(["size", "weight"]),
            ),
            (
                "/definitions/ThingProps/properties/caption",
                json!({"type": "string"}),
            ),
            (
                "/definitions/ThingProps/properties/must",
                json!({"type": "string"}),
            ),
            ("/definitions/ThingProps/required", json!(["must"])),
            (
                "/definitions/Thing/properties/etag",
                json!({"type": "string", "readOnly": true}),
            ),
        ]),
    );
    let c = one(
        &r,
        "1045",
        Severity::NonBreaking,
        "/definitions/ThingInput/properties/color",
    );
    assert_eq!(rust_of(&r, c), ["models::ThingInput::color added"]);
    assert_eq!(
        r.rust.as_ref().unwrap().changes[c.rust[0]].semver,
        Semver::Major
    );
    one(
        &r,
        "1041",
        Severity::NonBreaking,
        "/definitions/ThingProps/properties/caption",
    );
    one(
        &r,
        "1040",
        Severity::NonBreaking,
        "/definitions/Thing/properties/etag",
    );
    let req: Vec<_> = of(&r, "1034");
    assert_eq!(req.len(), 2, "{}", dump(&r));
    let sev = |p: &str| {
        req.iter()
            .find(|c| c.new.as_ref().unwrap().pointer.ends_with(p))
            .unwrap()
            .severity
    };
    assert_eq!(sev("ThingInput/properties/weight"), Severity::Breaking);
    assert_eq!(sev("ThingProps/properties/must"), Severity::NonBreaking);
    only(&r, &["1034", "1040", "1041", "1045"]);
}

#[test]
fn required_status_and_read_only_changes() {
    let f = Fixture::new("required");
    // Response-only `Thing`: required → optional breaks readers.
    let r = f.diff(
        &base(),
        &changed(&[("/definitions/Thing/required", json!([]))]),
    );
    let c = one(
        &r,
        "1025",
        Severity::Breaking,
        "/definitions/Thing/properties/size",
    );
    assert_eq!(rust_of(&r, c), ["models::Thing::size retyped"]);
    // Request-only `ThingInput`: optional → required breaks senders, the reverse does not.
    let r = f.diff(
        &base(),
        &changed(&[("/definitions/ThingInput/required", json!(["size", "label"]))]),
    );
    one(
        &r,
        "1025",
        Severity::Breaking,
        "/definitions/ThingInput/properties/label",
    );
    let r = f.diff(
        &base(),
        &changed(&[("/definitions/ThingInput/required", json!([]))]),
    );
    one(
        &r,
        "1025",
        Severity::NonBreaking,
        "/definitions/ThingInput/properties/size",
    );
    let r = f.diff(
        &base(),
        &changed(&[(
            "/definitions/ThingProps/properties/note/readOnly",
            json!(true),
        )]),
    );
    one(
        &r,
        "1029",
        Severity::Breaking,
        "/definitions/ThingProps/properties/note/readOnly",
    );
    only(&r, &["1029"]);
}

#[test]
fn enum_values_depend_on_direction_and_model_as_string() {
    let f = Fixture::new("enum");
    let r = f.diff(
        &base(),
        &changed(&[
            (
                "/definitions/Thing/properties/kind/enum",
                json!(["a", "b", "c"]),
            ),
            (
                "/definitions/Thing/properties/state/enum",
                json!(["on", "off", "broken"]),
            ),
            (
                "/definitions/ThingInput/properties/mode/enum",
                json!(["x", "y", "z"]),
            ),
        ]),
    );
    let added = of(&r, "1020");
    assert_eq!(added.len(), 3, "{}", dump(&r));
    let sev = |p: &str| {
        added
            .iter()
            .find(|c| c.new.as_ref().unwrap().pointer.starts_with(p))
            .unwrap()
    };
    // Open enum in a response: fine. Closed enum in a response: old clients reject the value.
    // Closed enum in a request: the service accepts more, fine.
    assert_eq!(
        sev("/definitions/Thing/properties/kind").severity,
        Severity::NonBreaking
    );
    assert_eq!(
        sev("/definitions/Thing/properties/state").severity,
        Severity::Breaking
    );
    assert_eq!(
        sev("/definitions/ThingInput/properties/mode").severity,
        Severity::NonBreaking
    );
    assert_eq!(
        rust_of(&r, sev("/definitions/Thing/properties/kind")),
        ["models::Kind::C added"]
    );
    only(&r, &["1020"]);

    let r = f.diff(
        &base(),
        &changed(&[
            ("/definitions/ThingInput/properties/mode/enum", json!(["x"])),
            ("/definitions/Thing/properties/state/enum", json!(["on"])),
        ]),
    );
    let removed = of(&r, "1019");
    assert_eq!(removed.len(), 2, "{}", dump(&r));
    for c in removed {
        let request = c.old.as_ref().unwrap().pointer.contains("ThingInput");
        assert_eq!(c.severity == Severity::Breaking, request, "{c:?}");
    }
    // A value removed from an enum used both ways breaks.
    let r = f.diff(
        &base(),
        &changed(&[("/definitions/Shared/properties/level/enum", json!(["low"]))]),
    );
    let c = one(
        &r,
        "1019",
        Severity::Breaking,
        "/definitions/Shared/properties/level/enum/1",
    );
    assert_eq!(rust_of(&r, c), ["models::Level::High removed"]);
}

#[test]
fn x_ms_enum_changes() {
    let f = Fixture::new("xmsenum");
    let r = f.diff(
        &base(),
        &changed(&[(
            "/definitions/Thing/properties/kind/x-ms-enum/modelAsString",
            json!(false),
        )]),
    );
    let c = one(
        &r,
        "1047",
        Severity::Breaking,
        "/definitions/Thing/properties/kind/x-ms-enum/modelAsString",
    );
    assert_eq!(rust_of(&r, c), ["models::Kind::Other removed"]);
    only(&r, &["1047"]);
    let r = f.diff(
        &base(),
        &changed(&[(
            "/definitions/Thing/properties/kind/x-ms-enum/name",
            json!("Sort"),
        )]),
    );
    // `x-ms-enum.name` only names the generated type, like a definition's name: no spec
    // change (it was `XmsEnumChanged`); the Rust layer renames the enum.
    only(&r, &[]);
    let items: Vec<String> = r
        .rust
        .as_ref()
        .unwrap()
        .changes
        .iter()
        .map(|c| format!("{} {}", c.item, c.change.as_str()))
        .collect();
    assert!(
        items.contains(&"models::Kind removed".to_string()),
        "{items:?}"
    );
    assert!(
        items.contains(&"models::Sort added".to_string()),
        "{items:?}"
    );
    let r = f.diff(
        &base(),
        &changed(&[("/definitions/Thing/properties/kind/x-ms-enum", Value::Null)]),
    );
    one(
        &r,
        "1049",
        Severity::Breaking,
        "/definitions/Thing/properties/kind/x-ms-enum",
    );
    let r = f.diff(
        &changed(&[("/definitions/Thing/properties/kind/x-ms-enum", Value::Null)]),
        &base(),
    );
    one(
        &r,
        "1048",
        Severity::Breaking,
        "/definitions/Thing/properties/kind/x-ms-enum",
    );
}

#[test]
fn constraints_stronger_weaker_changed() {
    let f = Fixture::new("constraints");
    let r = f.diff(
        &base(),
        &changed(&[
            ("/definitions/ThingInput/properties/size/maximum", json!(5)),
            ("/definitions/Thing/properties/size/maximum", json!(20)),
            (
                "/definitions/ThingProps/properties/note/pattern",
                json!("^[a-z]+$"),
            ),
        ]),
    );
    let stronger = of(&r, "1024");
    assert_eq!(stronger.len(), 2, "{}", dump(&r));
    for c in stronger {
        // Stronger breaks senders; a pattern appearing on `ThingProps`, which is only read,
        // does not.
        let request = c.new.as_ref().unwrap().pointer.contains("ThingInput");
        assert_eq!(c.severity == Severity::Breaking, request, "{c:?}");
        assert!(c.rust.is_empty(), "constraints do not change Rust items");
    }
    one(
        &r,
        "1037",
        Severity::Breaking,
        "/definitions/Thing/properties/size/maximum",
    );
    assert_eq!(r.semver(), Some(Semver::Patch));
    let r = f.diff(
        &base(),
        &changed(&[("/definitions/ThingInput/properties/size/maximum", json!(50))]),
    );
    one(
        &r,
        "1037",
        Severity::NonBreaking,
        "/definitions/ThingInput/properties/size/maximum",
    );
    let mut with = base();
    set(
        &mut with,
        "/definitions/ThingInput/properties/label/pattern",
        json!("^a"),
    );
    let r = f.diff(
        &with,
        &changed(&[(
            "/definitions/ThingInput/properties/label/pattern",
            json!("^b"),
        )]),
    );
    one(
        &r,
        "1036",
        Severity::Breaking,
        "/definitions/ThingInput/properties/label/pattern",
    );
    only(&r, &["1036"]);
}

#[test]
fn default_value_changes_break_requests_only() {
    let f = Fixture::new("default");
    let r = f.diff(
        &base(),
        &changed(&[(
            "/definitions/ThingInput/properties/label/default",
            json!("m"),
        )]),
    );
    one(
        &r,
        "1027",
        Severity::Breaking,
        "/definitions/ThingInput/properties/label/default",
    );
    let r = f.diff(
        &base(),
        &changed(&[(
            "/definitions/ThingProps/properties/note/default",
            json!("n"),
        )]),
    );
    one(
        &r,
        "1027",
        Severity::NonBreaking,
        "/definitions/ThingProps/properties/note",
    );
}

#[test]
fn additional_properties_added_and_removed() {
    let f = Fixture::new("ap");
    let r = f.diff(
        &base(),
        &changed(&[(
            "/definitions/ThingProps/additionalProperties",
            json!({"type": "string"}),
        )]),
    );
    let c = one(
        &r,
        "1021",
        Severity::Breaking,
        "/definitions/ThingProps/additionalProperties",
    );
    assert_eq!(
        rust_of(&r, c),
        ["models::ThingProps::additional_properties added"]
    );
    let r = f.diff(
        &base(),
        &changed(&[(
            "/definitions/Thing/properties/tags",
            json!({"type": "object"}),
        )]),
    );
    one(
        &r,
        "1022",
        Severity::Breaking,
        "/definitions/Thing/properties/tags",
    );
}

#[test]
fn discriminator_allof_and_discriminator_value() {
    let f = Fixture::new("poly");
    let r = f.diff(
        &base(),
        &changed(&[("/definitions/Dog/x-ms-discriminator-value", json!("canine"))]),
    );
    let c = one(
        &r,
        "2003",
        Severity::Breaking,
        "/definitions/Dog/x-ms-discriminator-value",
    );
    let rc = &r.rust.as_ref().unwrap().changes;
    assert_eq!(rust_of(&r, c), ["models::Animal::Dog changed"]);
    assert_eq!(rc[c.rust[0]].semver, Semver::Patch);
    assert_eq!(rc[c.rust[0]].detail, "wire value `dog` → `canine`");
    only(&r, &["2003"]);

    let r = f.diff(
        &base(),
        &changed(&[
            ("/definitions/Animal/discriminator", json!("type")),
            (
                "/definitions/Animal/properties/type",
                json!({"type": "string"}),
            ),
        ]),
    );
    one(
        &r,
        "1030",
        Severity::Breaking,
        "/definitions/Animal/discriminator",
    );

    let mut new = base();
    set(
        &mut new,
        "/definitions/Base",
        json!({"properties": {"id": {"type": "string"}}}),
    );
    set(
        &mut new,
        "/definitions/ThingProps/allOf",
        json!([{"$ref": "#/definitions/Base"}]),
    );
    // A new `allOf` parent is compared by what it brings: here one more property of a
    // response-only schema (it was `DifferentAllOf` when parents were compared by name).
    let r = f.diff(&base(), &new);
    let c = one(
        &r,
        "1041",
        Severity::NonBreaking,
        "/definitions/Base/properties/id",
    );
    assert_eq!(
        rust_of(&r, c),
        ["models::Base added", "models::ThingProps::id added"]
    );
    only(&r, &["1041"]);
    let mut new2 = new.clone();
    set(
        &mut new2,
        "/definitions/Base2",
        json!({"properties": {"id": {"type": "string"}}}),
    );
    set(
        &mut new2,
        "/definitions/ThingProps/allOf/0/$ref",
        json!("#/definitions/Base2"),
    );
    // Another parent of the same shape under another name: no spec change (it was
    // `DifferentExtends`); the Rust layer sees the new type.
    let r = f.diff(&new, &new2);
    only(&r, &[]);
}

#[test]
fn reference_redirection_and_client_name() {
    let f = Fixture::new("redirect");
    let mut new = base();
    set(
        &mut new,
        "/definitions/Notes",
        json!({"properties": {"note": {"type": "string"}}}),
    );
    set(
        &mut new,
        "/definitions/Thing/properties/props/$ref",
        json!("#/definitions/Notes"),
    );
    // `props` now refers to `Notes`, of the same shape as `ThingProps`: no spec change (it
    // was `ReferenceRedirection`); the field's Rust type is renamed.
    let r = f.diff(&base(), &new);
    only(&r, &[]);
    let rc = &r.rust.as_ref().unwrap().changes;
    assert!(
        rc.iter()
            .any(|c| c.item == "models::Thing::props" && c.change == RustChangeKind::Retyped),
        "{rc:?}"
    );
    // Of another shape: what differs, where the two definitions declare it.
    set(
        &mut new,
        "/definitions/Notes/properties/note",
        json!({"type": "integer"}),
    );
    let r = f.diff(&base(), &new);
    let c = one(
        &r,
        "1026",
        Severity::Breaking,
        "/definitions/Notes/properties/note/type",
    );
    assert_eq!(
        c.old.as_ref().unwrap().pointer,
        "/definitions/ThingProps/properties/note/type"
    );
    only(&r, &["1026"]);
    let r = f.diff(
        &base(),
        &changed(&[(
            "/definitions/ThingProps/properties/note/x-ms-client-name",
            json!("text"),
        )]),
    );
    let c = one(
        &r,
        "2004",
        Severity::NonBreaking,
        "/definitions/ThingProps/properties/note/x-ms-client-name",
    );
    assert_eq!(
        rust_of(&r, c),
        [
            "models::ThingProps::note removed",
            "models::ThingProps::text added"
        ]
    );
}

#[test]
fn a_definition_used_by_many_operations_reports_once() {
    let f = Fixture::new("dedupe");
    // `Thing` is returned by three operations and listed through `ThingList`.
    let r = f.diff(
        &base(),
        &changed(&[("/definitions/Thing/properties/name", Value::Null)]),
    );
    let c = one(
        &r,
        "1033",
        Severity::Breaking,
        "/definitions/Thing/properties/name",
    );
    assert_eq!(rust_of(&r, c), ["models::Thing::name removed"]);
    only(&r, &["1033"]);
}

#[test]
fn rust_impact_semver_of_field_addition_is_major_and_listed_once() {
    // `ThingInput` is sent (`Things_Put`'s body): a plain struct, so a new field breaks
    // struct literals.
    let f = Fixture::new("rust");
    let r = f.diff(
        &base(),
        &changed(&[(
            "/definitions/ThingInput/properties/caption",
            json!({"type": "string"}),
        )]),
    );
    let rc = &r.rust.as_ref().unwrap().changes;
    assert_eq!(rc.len(), 1, "{rc:?}");
    assert_eq!(rc[0].item, "models::ThingInput::caption");
    assert_eq!(rc[0].change, RustChangeKind::Added);
    assert_eq!(r.semver(), Some(Semver::Major));
    assert_eq!(r.change_semver(&r.changes[0]), Some(Semver::Major));
}

#[test]
fn rust_impact_semver_of_field_addition_to_receive_only_model_is_minor() {
    // `ThingProps` is only received (`Thing` is a response): `#[non_exhaustive]`.
    let f = Fixture::new("rust-recv");
    let r = f.diff(
        &base(),
        &changed(&[(
            "/definitions/ThingProps/properties/caption",
            json!({"type": "string"}),
        )]),
    );
    let rc = &r.rust.as_ref().unwrap().changes;
    assert_eq!(rc.len(), 1, "{rc:?}");
    assert_eq!(rc[0].item, "models::ThingProps::caption");
    assert_eq!(rc[0].change, RustChangeKind::Added);
    assert_eq!(rc[0].semver, Semver::Minor);
    assert_eq!(r.semver(), Some(Semver::Minor));
}

#[test]
fn rust_impact_semver_of_enum_value_addition_is_minor() {
    let f = Fixture::new("rust-enum");
    let r = f.diff(
        &base(),
        &changed(&[(
            "/definitions/Thing/properties/kind/enum",
            json!(["a", "b", "c"]),
        )]),
    );
    let rc = &r.rust.as_ref().unwrap().changes;
    assert_eq!(rc.len(), 1, "{rc:?}");
    assert_eq!(rc[0].item, "models::Kind::C");
    assert_eq!(rc[0].change, RustChangeKind::Added);
    assert_eq!(rc[0].semver, Semver::Minor);
    assert_eq!(r.semver(), Some(Semver::Minor));
}

#[test]
fn rust_impact_semver_of_optional_query_parameter_is_minor() {
    // `Things_Put` already has the optional `mode`: its group method takes
    // `Option<ThingsPutOptions>`, and `force` becomes one more field.
    let f = Fixture::new("rust-optparam");
    let r = f.diff(
        &base(),
        &changed(&[(
            &format!("{THING_PUT}/parameters/4"),
            json!({"name": "force", "in": "query", "type": "boolean"}),
        )]),
    );
    let rc = &r.rust.as_ref().unwrap().changes;
    let items: Vec<String> = rc
        .iter()
        .map(|c| format!("{} {}", c.item, c.change.as_str()))
        .collect();
    assert_eq!(
        items,
        [
            "Client::things_put retyped",
            "Client::things_put_initial retyped",
            "ThingsPutOptions::force added"
        ]
    );
    assert!(rc.iter().all(|c| c.semver == Semver::Minor), "{rc:?}");
    assert_eq!(r.semver(), Some(Semver::Minor));
    // `Things_Get` has no optional parameter: its group method takes an empty options
    // struct all the same, so the first one is a new field too.
    let r = f.diff(
        &base(),
        &changed(&[(
            &format!("{THING_GET}/parameters/2"),
            json!({"name": "expand", "in": "query", "type": "string"}),
        )]),
    );
    assert_eq!(r.semver(), Some(Semver::Minor));
    // A new required parameter stays major.
    let r = f.diff(
        &base(),
        &changed(&[(
            &format!("{THING_GET}/parameters/2"),
            json!({"name": "expand", "in": "query", "type": "string", "required": true}),
        )]),
    );
    assert_eq!(r.semver(), Some(Semver::Major));
}

#[test]
fn rust_impact_of_a_retyped_optional_parameter_is_major_in_the_options_struct() {
    // `Things_Put`'s optional `mode` becomes an integer: the group method keeps its signature,
    // its options field changes type.
    let f = Fixture::new("rust-optretype");
    let r = f.diff(
        &base(),
        &changed(&[(
            &format!("{THING_PUT}/parameters/2"),
            json!({"name": "mode", "in": "query", "required": false, "type": "integer"}),
        )]),
    );
    let rc = &r.rust.as_ref().unwrap().changes;
    let items: Vec<String> = rc
        .iter()
        .map(|c| format!("{} {} {}", c.item, c.change.as_str(), c.semver.as_str()))
        .collect();
    assert_eq!(
        items,
        [
            "Client::things_put retyped major",
            "Client::things_put_initial retyped major",
            "ThingsPutOptions::mode retyped major"
        ]
    );
    assert_eq!(rc[2].detail, "`Option<String>` → `Option<i64>`");
    assert_eq!(r.semver(), Some(Semver::Major));
}

// ---------------------------------------------------------------- keys beside a `$ref`

/// `Thing.props` (response-only) and `ThingInput.shared` (request-only) are `$ref`s.
const PROPS: &str = "/definitions/Thing/properties/props";
const INPUT_SHARED: &str = "/definitions/ThingInput/properties/shared";

/// Diffs `base()` with `old` then `new` keys written beside the `$ref` at `at`.
fn beside_ref(f: &Fixture, at: &str, old: Value, new: Value) -> Report {
    let with = |keys: Value| {
        let mut v = base();
        let target = v.pointer(&format!("{at}/$ref")).unwrap().clone();
        let mut m = keys.as_object().unwrap().clone();
        m.insert("$ref".into(), target);
        set(&mut v, at, Value::Object(m));
        v
    };
    f.diff(&with(old), &with(new))
}

#[test]
fn read_only_beside_a_ref_added_removed() {
    let f = Fixture::new("ref-readonly");
    for (old, new) in [
        (json!({}), json!({"readOnly": true})),
        (json!({"readOnly": true}), json!({})),
        (json!({"readOnly": true}), json!({"readOnly": false})),
    ] {
        let r = beside_ref(&f, PROPS, old, new);
        one(&r, "1029", Severity::Breaking, &format!("{PROPS}/readOnly"));
        only(&r, &["1029"]);
    }
    // Written beside the `$ref` on both sides, unchanged: nothing.
    let r = beside_ref(
        &f,
        PROPS,
        json!({"readOnly": true}),
        json!({"readOnly": true}),
    );
    only(&r, &[]);
}

#[test]
fn default_beside_a_ref_added_removed_changed() {
    let f = Fixture::new("ref-default");
    let (a, b) = (json!({"level": "low"}), json!({"level": "high"}));
    for (old, new) in [
        (json!({}), json!({"default": a})),
        (json!({"default": a}), json!({})),
        (json!({"default": a}), json!({"default": b})),
    ] {
        // Request-only: breaking.
        let r = beside_ref(&f, INPUT_SHARED, old.clone(), new.clone());
        one(
            &r,
            "1027",
            Severity::Breaking,
            &format!("{INPUT_SHARED}/default"),
        );
        only(&r, &["1027"]);
        // Response-only: not breaking.
        let r = beside_ref(&f, PROPS, old, new);
        one(
            &r,
            "1027",
            Severity::NonBreaking,
            &format!("{PROPS}/default"),
        );
        only(&r, &["1027"]);
    }
}

#[test]
fn x_nullable_beside_a_ref_added_removed() {
    let f = Fixture::new("ref-nullable");
    let (yes, no) = (json!({"x-nullable": true}), json!({}));
    // Becoming nullable breaks readers, becoming non-nullable breaks senders.
    let r = beside_ref(&f, PROPS, no.clone(), yes.clone());
    one(
        &r,
        "2006",
        Severity::Breaking,
        &format!("{PROPS}/x-nullable"),
    );
    only(&r, &["2006"]);
    let r = beside_ref(&f, PROPS, yes.clone(), no.clone());
    one(
        &r,
        "2006",
        Severity::NonBreaking,
        &format!("{PROPS}/x-nullable"),
    );
    let r = beside_ref(&f, INPUT_SHARED, no.clone(), yes.clone());
    one(
        &r,
        "2006",
        Severity::NonBreaking,
        &format!("{INPUT_SHARED}/x-nullable"),
    );
    let r = beside_ref(&f, INPUT_SHARED, yes, json!({"x-nullable": false}));
    one(
        &r,
        "2006",
        Severity::Breaking,
        &format!("{INPUT_SHARED}/x-nullable"),
    );
    only(&r, &["2006"]);
}

#[test]
fn client_name_beside_a_ref_added_removed_changed() {
    let f = Fixture::new("ref-client-name");
    for (old, new) in [
        (json!({}), json!({"x-ms-client-name": "properties"})),
        (json!({"x-ms-client-name": "properties"}), json!({})),
        (
            json!({"x-ms-client-name": "properties"}),
            json!({"x-ms-client-name": "details"}),
        ),
    ] {
        let r = beside_ref(&f, PROPS, old, new);
        one(
            &r,
            "2004",
            Severity::NonBreaking,
            &format!("{PROPS}/x-ms-client-name"),
        );
        only(&r, &["2004"]);
    }
}

#[test]
fn x_ms_secret_beside_a_ref_added_removed() {
    let f = Fixture::new("ref-secret");
    let (yes, no) = (json!({"x-ms-secret": true}), json!({}));
    // A response property becoming secret is no longer returned: breaking.
    let r = beside_ref(&f, PROPS, no.clone(), yes.clone());
    let c = one(
        &r,
        "2007",
        Severity::Breaking,
        &format!("{PROPS}/x-ms-secret"),
    );
    assert!(c.message.contains("is now a secret"), "{}", c.message);
    only(&r, &["2007"]);
    let r = beside_ref(&f, PROPS, yes.clone(), no.clone());
    one(
        &r,
        "2007",
        Severity::NonBreaking,
        &format!("{PROPS}/x-ms-secret"),
    );
    // Request-only: the client still sends it.
    let r = beside_ref(&f, INPUT_SHARED, no, yes);
    one(
        &r,
        "2007",
        Severity::NonBreaking,
        &format!("{INPUT_SHARED}/x-ms-secret"),
    );
}

#[test]
fn x_ms_mutability_beside_a_ref_added_removed_changed() {
    let f = Fixture::new("ref-mutability");
    let m = |v: &[&str]| json!({ "x-ms-mutability": v });
    let all = m(&["create", "read", "update"]);
    let cases = [
        // Losing `read` breaks responses, not requests.
        (
            PROPS,
            json!({}),
            m(&["create", "update"]),
            Severity::Breaking,
        ),
        (
            INPUT_SHARED,
            json!({}),
            m(&["create", "update"]),
            Severity::NonBreaking,
        ),
        // Losing `create` / `update` breaks requests, not responses.
        (
            INPUT_SHARED,
            all.clone(),
            m(&["read", "create"]),
            Severity::Breaking,
        ),
        (PROPS, all.clone(), m(&["read"]), Severity::NonBreaking),
        // Removed (absent means all three) and gained: nothing lost.
        (PROPS, m(&["read"]), json!({}), Severity::NonBreaking),
        (
            INPUT_SHARED,
            m(&["create"]),
            m(&["create", "update"]),
            Severity::NonBreaking,
        ),
    ];
    for (at, old, new, severity) in cases {
        let r = beside_ref(&f, at, old, new);
        one(&r, "2008", severity, &format!("{at}/x-ms-mutability"));
        only(&r, &["2008"]);
    }
    // The same set, spelled out or in another order: nothing.
    let r = beside_ref(&f, PROPS, json!({}), m(&["update", "read", "create"]));
    only(&r, &[]);
}

#[test]
fn a_ref_replaced_by_an_identical_inline_schema_is_no_change() {
    let f = Fixture::new("ref-inline");
    let inline = json!({"properties": {"note": {"type": "string"}}});
    let r = f.diff(&base(), &changed(&[(PROPS, inline.clone())]));
    only(&r, &[]);
    let r = f.diff(&changed(&[(PROPS, inline)]), &base());
    only(&r, &[]);
    // Keys beside the `$ref`, and the definition's own, carried into the inline schema.
    let keys = json!({"readOnly": true, "x-ms-client-name": "details", "x-nullable": true});
    let mut old = changed(&[("/definitions/ThingProps/x-ms-mutability", json!(["read"]))]);
    let mut beside = keys.as_object().unwrap().clone();
    beside.insert("$ref".into(), json!("#/definitions/ThingProps"));
    set(&mut old, PROPS, Value::Object(beside));
    let mut inline = keys.as_object().unwrap().clone();
    inline.insert("x-ms-mutability".into(), json!(["read"]));
    inline.insert("properties".into(), json!({"note": {"type": "string"}}));
    let mut new = old.clone();
    set(&mut new, PROPS, Value::Object(inline));
    let r = f.diff(&old, &new);
    only(&r, &[]);
    let r = f.diff(&new, &old);
    only(&r, &[]);
}

// ---------------------------------------------------------------- structure, not names

/// `v` with definition `from` renamed to `to`, every `$ref` to it included.
fn renamed(v: &Value, from: &str, to: &str) -> Value {
    let text = v.to_string().replace(
        &format!("\"#/definitions/{from}\""),
        &format!("\"#/definitions/{to}\""),
    );
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let defs = v["definitions"].as_object_mut().unwrap();
    let def = defs.remove(from).unwrap();
    defs.insert(to.to_string(), def);
    v
}

#[test]
fn a_renamed_definition_of_the_same_shape_is_no_spec_change() {
    let f = Fixture::new("rename");
    let new = renamed(&base(), "ThingProps", "Details");
    let r = f.diff(&base(), &new);
    only(&r, &[]);
    // The Rust layer still sees the type renamed.
    let rc = &r.rust.as_ref().unwrap().changes;
    assert!(
        rc.iter()
            .any(|c| c.item == "models::Details" && c.change == RustChangeKind::Added),
        "{rc:?}"
    );
    // Renamed on both ends of a chain (a body and what it holds) and used both ways.
    let new = renamed(&renamed(&base(), "Thing", "Item"), "Shared", "Common");
    only(&f.diff(&base(), &new), &[]);
}

#[test]
fn a_renamed_definition_with_one_property_retyped_reports_that_property_only() {
    let f = Fixture::new("rename-retype");
    let mut new = renamed(&base(), "ThingProps", "Details");
    set(
        &mut new,
        "/definitions/Details/properties/note",
        json!({"type": "integer"}),
    );
    let r = f.diff(&base(), &new);
    let c = one(
        &r,
        "1026",
        Severity::Breaking,
        "/definitions/Details/properties/note/type",
    );
    assert_eq!(
        c.old.as_ref().unwrap().pointer,
        "/definitions/ThingProps/properties/note/type"
    );
    assert!(c.old.as_ref().unwrap().file.ends_with("old/a.json"));
    assert!(c.new.as_ref().unwrap().file.ends_with("new/a.json"));
    assert!(
        c.message.contains("`Details.note` (was `ThingProps.note`)"),
        "{}",
        c.message
    );
    assert_eq!(r.changes.len(), 1, "{}", dump(&r));
}

/// `base()` with `Thing.tree`: a `Node` holding a list of `Node`s and a map of them.
fn with_tree() -> Value {
    let mut v = base();
    set(
        &mut v,
        "/definitions/Node",
        json!({"properties": {
            "label": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/definitions/Node"}},
            "byName": {"type": "object", "additionalProperties": {"$ref": "#/definitions/Node"}}
        }}),
    );
    set(
        &mut v,
        "/definitions/Thing/properties/tree",
        json!({"$ref": "#/definitions/Node"}),
    );
    v
}

#[test]
fn a_renamed_recursive_definition_terminates_and_reports_once() {
    let f = Fixture::new("recursive");
    let new = renamed(&with_tree(), "Node", "TreeNode");
    only(&f.diff(&with_tree(), &new), &[]);
    let mut changed = new.clone();
    set(
        &mut changed,
        "/definitions/TreeNode/properties/label/maxLength",
        json!(10),
    );
    let r = f.diff(&with_tree(), &changed);
    // Reached at every depth of the recursion, reported once (response only: weaker is not
    // what happened, stronger does not break a response).
    one(
        &r,
        "1024",
        Severity::NonBreaking,
        "/definitions/TreeNode/properties/label/maxLength",
    );
    assert_eq!(r.changes.len(), 1, "{}", dump(&r));
}

#[test]
fn union_members_are_paired_by_discriminator_value_whatever_their_names() {
    let f = Fixture::new("union");
    let new = renamed(&renamed(&base(), "Dog", "Hound"), "Animal", "Pet");
    only(&f.diff(&base(), &new), &[]);
    // A member changed under its new name: reported where it declares the property.
    let mut changed = new.clone();
    set(
        &mut changed,
        "/definitions/Hound/properties/bark",
        json!({"type": "string"}),
    );
    let r = f.diff(&base(), &changed);
    let c = one(
        &r,
        "1026",
        Severity::Breaking,
        "/definitions/Hound/properties/bark/type",
    );
    assert_eq!(
        c.old.as_ref().unwrap().pointer,
        "/definitions/Dog/properties/bark/type"
    );
    only(&r, &["1026"]);
    // A member only one side has: like a value of the discriminator.
    let mut more = base();
    set(
        &mut more,
        "/definitions/Cat",
        json!({"allOf": [{"$ref": "#/definitions/Animal"}], "x-ms-discriminator-value": "cat",
               "properties": {"purr": {"type": "boolean"}}}),
    );
    let r = f.diff(&base(), &more);
    let c = one(&r, "1020", Severity::NonBreaking, "/definitions/Cat");
    assert!(c.message.contains("Union member `cat`"), "{}", c.message);
    only(&r, &["1020"]);
    let r = f.diff(&more, &base());
    one(&r, "1019", Severity::NonBreaking, "/definitions/Cat");
    only(&r, &["1019"]);
}

#[test]
fn keys_beside_a_ref_to_a_renamed_definition_are_compared_at_the_property() {
    let f = Fixture::new("rename-beside");
    let mut new = renamed(&base(), "ThingProps", "Details");
    set(&mut new, &format!("{PROPS}/readOnly"), json!(true));
    let r = f.diff(&base(), &new);
    one(&r, "1029", Severity::Breaking, &format!("{PROPS}/readOnly"));
    only(&r, &["1029"]);
}

#[test]
fn what_only_names_types_or_restates_a_default_is_no_spec_change() {
    let f = Fixture::new("restated");
    // A definition's own `x-ms-client-name` names the Rust type, not the properties using it.
    let r = f.diff(
        &base(),
        &changed(&[("/definitions/ThingProps/x-ms-client-name", json!("Details"))]),
    );
    only(&r, &[]);
    // A read-only property without `x-ms-mutability` is `["read"]`.
    let r = f.diff(
        &base(),
        &changed(&[(
            "/definitions/Thing/properties/name/x-ms-mutability",
            json!(["read"]),
        )]),
    );
    only(&r, &[]);
    // A PUT's `final-state-via` defaults to `original-uri`.
    let mut old = base();
    set(
        &mut old,
        &format!("{THING_PUT}/x-ms-long-running-operation-options"),
        Value::Null,
    );
    let spelled = changed(&[(
        &format!("{THING_PUT}/x-ms-long-running-operation-options/final-state-via"),
        json!("original-uri"),
    )]);
    only(&f.diff(&old, &spelled), &[]);
    one(
        &f.diff(&old, &base()),
        "2002",
        Severity::Breaking,
        "final-state-via",
    );
    // A free-form object, with or without `additionalProperties: {}`.
    let free = changed(&[(
        "/definitions/ThingProps/properties/extra",
        json!({"type": "object"}),
    )]);
    let spelled = changed(&[(
        "/definitions/ThingProps/properties/extra",
        json!({"type": "object", "additionalProperties": {}}),
    )]);
    only(&f.diff(&free, &spelled), &[]);
    only(&f.diff(&spelled, &free), &[]);
}

#[test]
fn a_ref_to_a_missing_definition_is_a_redirection() {
    // The one place `ReferenceRedirection` still fires: a tolerated broken `$ref` cannot be
    // compared by content.
    let f = Fixture::new("missing-ref");
    f.write("old/a.json", &base());
    f.write(
        "new/a.json",
        &changed(&[(&format!("{PROPS}/$ref"), json!("#/definitions/Gone"))]),
    );
    let load = |dir: &str, tolerated: &[&str]| {
        let set = SpecSet::load(
            &f.root,
            &[format!("specification/rp/{dir}/a.json")],
            tolerated.iter().map(|t| t.to_string()).collect(),
        )
        .unwrap();
        Side::from_set(dir, set)
    };
    let old = load("old", &[]);
    let new = load("new", &["specification/rp/new/a.json#/definitions/Gone"]);
    let r = diff::diff(&old, &new);
    let c = one(&r, "1017", Severity::Breaking, PROPS);
    assert!(
        c.message.contains("`a.json#/definitions/Gone` (missing)"),
        "{}",
        c.message
    );
    only(&r, &["1017"]);
    // Missing on both sides alike: nothing to report.
    let r = diff::diff(&new, &new);
    only(&r, &[]);
}

#[test]
fn unreached_definitions_are_matched_by_name_then_by_shape() {
    let f = Fixture::new("unreached");
    let unused = |name: &str, ty: &str| {
        changed(&[(
            &format!("/definitions/{name}"),
            json!({"properties": {"x": {"type": ty}}}),
        )])
    };
    // Renamed, same shape: nothing (the Rust layer sees the rename).
    only(
        &f.diff(&unused("Old", "string"), &unused("New", "string")),
        &[],
    );
    // Renamed, another shape: a removal and an addition, neither breaking.
    let r = f.diff(&unused("Old", "string"), &unused("New", "integer"));
    one(&r, "1006", Severity::NonBreaking, "/definitions/Old");
    one(&r, "2005", Severity::NonBreaking, "/definitions/New");
    only(&r, &["1006", "2005"]);
    // Same name, changed: compared, and non-breaking since no operation uses it.
    let r = f.diff(&unused("Old", "string"), &unused("Old", "integer"));
    one(
        &r,
        "1026",
        Severity::NonBreaking,
        "/definitions/Old/properties/x/type",
    );
    only(&r, &["1026"]);
}
