//! The `cargo xtask diff` command line ([`azml_codegen::diff::cli`]) on spec folders written
//! into a fresh temporary directory: formats, colour, `--fail-on`, and one-line errors for bad
//! input. Also validates `--format json` against the documented schema (`schema.json`) with a
//! small validator for the keywords that schema uses.

use std::path::{Path, PathBuf};

use azml_codegen::diff::cli;
use serde_json::{json, Map, Value};

struct Fixture {
    root: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Self {
        let root =
            std::env::temp_dir().join(format!("azml-diff-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        Fixture { root }
    }

    fn write(&self, rel: &str, text: &str) -> String {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }

    fn dir(&self, rel: &str) -> String {
        self.root.join(rel).to_string_lossy().into_owned()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn spec(defs: Value, get_extra_param: bool) -> String {
    let mut params =
        vec![json!({"name": "name", "in": "path", "required": true, "type": "string"})];
    if get_extra_param {
        params.push(json!({"name": "expand", "in": "query", "required": true, "type": "string"}));
    }
    json!({
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things/{name}": {"get": {
            "operationId": "Things_Get",
            "parameters": params,
            "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Thing"}}}
        }}},
        "definitions": defs
    })
    .to_string()
}

/// Old and new package folders: the new one removes `Thing.b`, adds `Thing.c`, adds a
/// required parameter and a value to an open enum; `Thing.a` keeps its content but moves
/// to `b.json`.
fn pair(f: &Fixture) -> (String, String) {
    let thing = |props: Value| {
        json!({"Thing": {"properties": props}, "Kind": {"type": "string", "enum": ["x", "y"],
               "x-ms-enum": {"name": "Kind", "modelAsString": true}}})
    };
    f.write(
        "old/a.json",
        &spec(thing(json!({"a": {"type": "string"}, "b": {"type": "integer"}, "k": {"$ref": "#/definitions/Kind"}})), false),
    );
    let mut new_defs = thing(
        json!({"c": {"type": "string"}, "a": {"type": "string"}, "k": {"$ref": "./b.json#/definitions/Kind"}}),
    );
    new_defs.as_object_mut().unwrap().remove("Kind");
    f.write("new/a.json", &spec(new_defs, true));
    f.write(
        "new/b.json",
        &json!({"swagger": "2.0", "info": {"title": "b", "version": "1"}, "paths": {},
                "definitions": {"Kind": {"type": "string", "enum": ["x", "y", "z"],
                                         "x-ms-enum": {"name": "Kind", "modelAsString": true}}}})
        .to_string(),
    );
    (
        f.dir("old"),
        format!("{},{}", f.dir("new/a.json"), f.dir("new/b.json")),
    )
}

fn run(args: &[&str]) -> Result<cli::Outcome, String> {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    cli::run(&args, &repo_root(), false).map_err(|e| e.to_string())
}

#[test]
fn text_output_plain_and_coloured() {
    let f = Fixture::new("text");
    let (old, new) = pair(&f);
    let out = run(&[&old, &new]).unwrap();
    let s = &out.stdout;
    assert!(
        s.contains("2 breaking, 2 non-breaking spec changes; generated crate: major"),
        "{s}"
    );
    assert!(
        s.contains("BREAKING     1010 AddingRequiredParameter"),
        "{s}"
    );
    assert!(
        s.contains("1033 RemovedProperty Property `Thing.b` was removed."),
        "{s}"
    );
    assert!(s.contains("rust: models::Thing::b field removed"), "{s}");
    assert!(
        s.contains("1020 AddedEnumValue Enum value `z` of `Kind` was added."),
        "{s}"
    );
    assert!(!s.contains('\x1b'), "no colour when not a terminal");
    assert!(out.failure.is_none());
    let coloured = run(&[&old, &new, "--color", "always"]).unwrap().stdout;
    assert!(coloured.contains("\x1b[1;31mBREAKING"), "{coloured}");
    let args: Vec<String> = [old.as_str(), new.as_str()].map(String::from).to_vec();
    let tty = cli::run(&args, &repo_root(), true).unwrap().stdout;
    assert_eq!(
        tty.contains('\x1b'),
        std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    );
}

#[test]
fn markdown_output() {
    let f = Fixture::new("md");
    let (old, new) = pair(&f);
    let md = run(&[&old, &new, "--format", "markdown"]).unwrap().stdout;
    assert!(md.starts_with("# API diff: `"), "{md}");
    assert!(
        md.contains("| **Semver verdict for the generated crate** | **major** |"),
        "{md}"
    );
    assert!(md.contains("## Breaking changes (2)"), "{md}");
    assert!(
        md.contains("| 1033 RemovedProperty | Property `Thing.b` was removed. | `a.json#/definitions/Thing/properties/b` | `models::Thing::b` field removed |"),
        "{md}"
    );
    assert!(
        md.contains("| major | `Client::things_get` | method | retyped |"),
        "{md}"
    );
    // Sides are labelled as given; locations are relative, never absolute paths.
    let body = md.split_once('\n').unwrap().1;
    assert!(!body.contains(&*f.root.to_string_lossy()), "{body}");
}

#[test]
fn fail_on_breaking_and_major() {
    let f = Fixture::new("fail");
    let (old, new) = pair(&f);
    let out = run(&[&old, &new, "--fail-on", "breaking"]).unwrap();
    let reason = out.failure.expect("breaking changes fail");
    assert!(reason.contains("2 breaking change(s)"), "{reason}");
    assert!(run(&[&old, &new, "--fail-on=major"])
        .unwrap()
        .failure
        .is_some());
    // Same folder on both sides: nothing to fail on.
    let out = run(&[&old, &old, "--fail-on", "breaking"]).unwrap();
    assert!(out.failure.is_none());
    assert!(out
        .stdout
        .contains("0 breaking, 0 non-breaking spec changes; generated crate: none"));
}

fn code(args: &[&str]) -> u8 {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    cli::exit_code(&cli::run(&args, &repo_root(), false))
}

#[test]
fn exit_codes_clean_found_and_tool_error() {
    let f = Fixture::new("exit");
    let (old, new) = pair(&f);
    // 0: nothing to fail on (no `--fail-on`, or nothing at or above it).
    assert_eq!(code(&[&old, &new]), cli::EXIT_CLEAN);
    assert_eq!(
        code(&[&old, &old, "--fail-on", "breaking"]),
        cli::EXIT_CLEAN
    );
    assert_eq!(code(&[&old, &old, "--fail-on", "major"]), cli::EXIT_CLEAN);
    assert_eq!(code(&["--rules"]), cli::EXIT_CLEAN);
    // 1: `--fail-on` found breaking / semver-major changes.
    assert_eq!(
        code(&[&old, &new, "--fail-on", "breaking"]),
        cli::EXIT_FOUND
    );
    assert_eq!(code(&[&old, &new, "--fail-on=major"]), cli::EXIT_FOUND);
    // 2: tool errors, with or without `--fail-on`.
    assert_eq!(code(&[&old]), cli::EXIT_TOOL_ERROR);
    assert_eq!(code(&[&old, &new, "--fast"]), cli::EXIT_TOOL_ERROR);
    assert_eq!(
        code(&[&old, &new, "--fail-on", "sometimes"]),
        cli::EXIT_TOOL_ERROR
    );
    assert_eq!(code(&["1999-01-01", &old]), cli::EXIT_TOOL_ERROR);
    let broken = f.write("broken/a.json", "{\"swagger\": \"2.0\", \"paths\": {,}}");
    assert_eq!(
        code(&[&old, &broken, "--fail-on", "breaking"]),
        cli::EXIT_TOOL_ERROR
    );
    let unreadable = f.dir("missing/a.json");
    assert_eq!(code(&[&old, &unreadable]), cli::EXIT_TOOL_ERROR);
    // 2: a side the generator rejects: the spec diff is printed, the Rust impact is unknown;
    // the tool error wins over a `--fail-on` finding.
    let odd = f.write(
        "odd/a.json",
        &spec(
            json!({"Thing": {"properties": {"a": {"type": "array"}}}}),
            false,
        ),
    );
    let args: Vec<String> = [old.as_str(), odd.as_str(), "--fail-on", "breaking"]
        .map(String::from)
        .to_vec();
    let out = cli::run(&args, &repo_root(), false).unwrap();
    assert!(out.stdout.contains("breaking"), "{}", out.stdout);
    assert!(out.failure.is_some());
    assert!(out
        .generation_error()
        .is_some_and(|e| e.contains("array without items")));
    assert_eq!(out.exit_code(), cli::EXIT_TOOL_ERROR);
}

#[test]
fn a_key_beside_a_ref_fails_on_breaking() {
    let f = Fixture::new("beside");
    let defs = |k: Value| {
        json!({"Thing": {"properties": {"k": k}}, "Kind": {"type": "string", "enum": ["x", "y"],
               "x-ms-enum": {"name": "Kind", "modelAsString": true}}})
    };
    let old = f.write(
        "old/a.json",
        &spec(
            defs(json!({"$ref": "#/definitions/Kind", "readOnly": true})),
            false,
        ),
    );
    let new = f.write(
        "new/a.json",
        &spec(defs(json!({"$ref": "#/definitions/Kind"})), false),
    );
    assert_eq!(
        code(&[&old, &new, "--fail-on", "breaking"]),
        cli::EXIT_FOUND
    );
    assert_eq!(
        code(&[&old, &old, "--fail-on", "breaking"]),
        cli::EXIT_CLEAN
    );
}

#[test]
fn bad_input_gives_one_line_errors() {
    let f = Fixture::new("bad");
    let (old, _) = pair(&f);
    let one_line = |args: &[&str], want: &str| {
        let e = run(args).unwrap_err();
        assert!(e.contains(want), "{e}");
        assert_eq!(e.lines().count(), 1, "{e}");
    };
    one_line(
        &["1999-01-01", &old],
        "`1999-01-01` is neither a configured api-version (2023-04-01",
    );
    one_line(&[&old], "expected two sides, got 1");
    one_line(&[&old, &old, &old], "expected two sides, got 3");
    one_line(&[&old, &old, "--format", "yaml"], "unknown format `yaml`");
    one_line(&[&old, &old, "--fail-on"], "--fail-on needs a value");
    one_line(&[&old, &old, "--fast"], "unknown option `--fast`");
    let empty = f.dir("empty");
    std::fs::create_dir_all(&empty).unwrap();
    one_line(&[&old, &empty], "no .json spec files in this folder");
    let broken = f.write(
        "broken/a.json",
        "{\n  \"swagger\": \"2.0\",\n  \"paths\": {,}\n}",
    );
    one_line(&[&old, &broken], "broken/a.json:3:");
    let dangling = f.write(
        "dangling/a.json",
        &spec(
            json!({"Thing": {"properties": {"x": {"$ref": "#/definitions/Nope"}}}}),
            false,
        ),
    );
    one_line(&[&old, &dangling], "broken $ref \"#/definitions/Nope\"");
}

#[test]
fn a_side_the_generator_rejects_still_gets_a_spec_diff() {
    let f = Fixture::new("reject");
    let (old, _) = pair(&f);
    // `array` without `items` loads but does not normalize.
    let new = f.write(
        "odd/a.json",
        &spec(
            json!({"Thing": {"properties": {"a": {"type": "array"}}}}),
            false,
        ),
    );
    let out = run(&[&old, &new, "--format", "json"]).unwrap();
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(
        v["rust"]["error"]
            .as_str()
            .unwrap()
            .contains("array without items"),
        "{v}"
    );
    assert!(!v["changes"].as_array().unwrap().is_empty());
    validate(&schema(), &v).unwrap();
}

/// A spec the normalizer rejects: `Things_List`'s path parameter `name` is not in its
/// template `/things`.
fn rejected_spec(f: &Fixture) -> String {
    f.write(
        "rejected/a.json",
        &json!({
            "swagger": "2.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/things": {"get": {
                "operationId": "Things_List",
                "parameters": [{"name": "name", "in": "path", "required": true, "type": "string"}],
                "responses": {"200": {"description": "ok"}}
            }}},
            "definitions": {}
        })
        .to_string(),
    )
}

#[test]
fn a_side_the_generator_rejects_is_a_tool_error_without_rust_impact() {
    let f = Fixture::new("rejected");
    let (old, _) = pair(&f);
    let bad = rejected_spec(&f);
    let why = "a.json#/paths/~1things/get: path parameter `name` is not in the path template";
    for (a, b) in [(&old, &bad), (&bad, &old)] {
        for fail_on in [None, Some("major"), Some("breaking")] {
            let mut args = vec![a.as_str(), b.as_str(), "--format", "json"];
            args.extend(fail_on.iter().flat_map(|f| ["--fail-on", f]));
            let out = run(&args).unwrap();
            assert_eq!(out.exit_code(), cli::EXIT_TOOL_ERROR, "{args:?}");
            assert!(out.generation_error().is_some_and(|e| e.contains(why)));
            let v: Value = serde_json::from_str(&out.stdout).unwrap();
            validate(&schema(), &v).unwrap();
            // The spec diff is there; the Rust impact is not, nor a verdict made up without it.
            assert!(!v["changes"].as_array().unwrap().is_empty(), "{v}");
            let e = v["rust"]["error"].as_str().unwrap();
            assert!(e.contains(why), "{e}");
            assert_eq!(v["rust"]["changes"], json!([]));
            assert_eq!(v["summary"]["semver"], Value::Null);
            for c in v["changes"].as_array().unwrap() {
                assert_eq!(c["rust"], json!([]), "{c}");
                assert_eq!(c["semver"], Value::Null, "{c}");
            }
        }
    }
    let text = run(&[&old, &bad]).unwrap().stdout;
    assert!(text.contains("generated crate: unknown"), "{text}");
    assert!(
        text.contains(&format!("Rust API impact unavailable: {bad}: ")) && text.contains(why),
        "{text}"
    );
    assert!(!text.contains("rust:"), "{text}");
    let md = run(&[&old, &bad, "--format", "markdown"]).unwrap().stdout;
    assert!(
        md.contains("| **Semver verdict for the generated crate** | **unknown** |"),
        "{md}"
    );
    assert!(!md.contains("## Rust API changes"), "{md}");
}

#[test]
fn an_emitter_failure_is_a_tool_error_naming_the_operation() {
    use azml_codegen::diff::{self, Side};
    let f = Fixture::new("emitter");
    let (old, _) = pair(&f);
    let config = azml_codegen::Config::load(&repo_root().join("specs/api-versions.toml")).unwrap();
    let load = |p: &str| Side::from_paths(p, &[PathBuf::from(p)], &config, None).unwrap();
    let good = load(&old);
    // An IR the normalizer would not make (a template parameter without a parameter):
    // progenitor panics on it, and the error names the operation (file and pointer) as
    // `cargo xtask generate` does.
    let mut broken = load(&old);
    let api = broken.api.as_mut().unwrap();
    api.operations[0].path = "/things/{name}/{other}".into();
    let report = diff::diff(&good, &broken);
    let e = report.rust.as_ref().unwrap_err();
    assert!(e.starts_with(&format!("{old}: ")), "{e}");
    assert!(
        e.contains("a.json#/paths/~1things~1{name}~1{other}/get: the client emitter panicked on operation Things_Get"),
        "{e}"
    );
    assert!(report.semver().is_none());
    assert!(report.changes.iter().all(|c| c.rust.is_empty()));
    let out = cli::Outcome {
        stdout: String::new(),
        failure: None,
        report: Some(report),
    };
    assert_eq!(out.exit_code(), cli::EXIT_TOOL_ERROR);
}

#[test]
fn rules_and_schema_listings() {
    let rules = run(&["--rules"]).unwrap().stdout;
    for r in azml_codegen::diff::rules::ALL {
        assert!(
            rules.contains(&format!("| {} | {} |", r.id, r.name)),
            "{rules}"
        );
    }
    let s = run(&["--schema"]).unwrap().stdout;
    assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), schema());
}

// ---------------------------------------------------------------- JSON schema

fn schema() -> Value {
    serde_json::from_str(azml_codegen::diff::JSON_SCHEMA).expect("schema.json parses")
}

/// Validates `v` against `schema` (the subset of JSON Schema 2020-12 that `schema.json` uses;
/// any other keyword is an error, so the schema cannot silently outgrow the validator).
fn validate(schema: &Value, v: &Value) -> Result<(), String> {
    check(schema, schema, v, "")
}

fn check(root: &Value, s: &Value, v: &Value, at: &str) -> Result<(), String> {
    let s: &Map<String, Value> = s
        .as_object()
        .ok_or(format!("{at}: schema is not an object"))?;
    for (k, kv) in s {
        match k.as_str() {
            "$schema" | "$id" | "title" | "description" | "$defs" => {}
            "$ref" => {
                let p = kv.as_str().unwrap().strip_prefix('#').unwrap();
                let target = root.pointer(p).ok_or(format!("{at}: bad $ref {p}"))?;
                check(root, target, v, at)?;
            }
            "type" => {
                let types: Vec<&str> = match kv {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                    _ => return Err(format!("{at}: bad type keyword")),
                };
                let ok = types.iter().any(|t| match *t {
                    "object" => v.is_object(),
                    "array" => v.is_array(),
                    "string" => v.is_string(),
                    "integer" => v.is_u64() || v.is_i64(),
                    "null" => v.is_null(),
                    other => panic!("type {other} unsupported by this validator"),
                });
                if !ok {
                    return Err(format!("{at}: {v} is not {types:?}"));
                }
            }
            "enum" => {
                if !kv.as_array().unwrap().contains(v) {
                    return Err(format!("{at}: {v} not in {kv}"));
                }
            }
            "const" => {
                if kv != v {
                    return Err(format!("{at}: {v} is not {kv}"));
                }
            }
            "minimum" => {
                if v.as_f64().is_some_and(|x| x < kv.as_f64().unwrap()) {
                    return Err(format!("{at}: {v} < {kv}"));
                }
            }
            "required" => {
                if let Some(o) = v.as_object() {
                    for r in kv.as_array().unwrap() {
                        if !o.contains_key(r.as_str().unwrap()) {
                            return Err(format!("{at}: missing {r}"));
                        }
                    }
                }
            }
            "properties" => {
                if let Some(o) = v.as_object() {
                    for (name, ps) in kv.as_object().unwrap() {
                        if let Some(x) = o.get(name) {
                            check(root, ps, x, &format!("{at}/{name}"))?;
                        }
                    }
                }
            }
            "additionalProperties" => {
                assert_eq!(kv, &Value::Bool(false), "only `false` is supported");
                if let Some(o) = v.as_object() {
                    let known = s.get("properties").and_then(Value::as_object);
                    for name in o.keys() {
                        if !known.is_some_and(|k| k.contains_key(name)) {
                            return Err(format!("{at}: unexpected property {name}"));
                        }
                    }
                }
            }
            "items" => {
                if let Some(a) = v.as_array() {
                    for (i, x) in a.iter().enumerate() {
                        check(root, kv, x, &format!("{at}/{i}"))?;
                    }
                }
            }
            other => {
                return Err(format!(
                    "{at}: keyword {other} unsupported by this validator"
                ))
            }
        }
    }
    Ok(())
}

#[test]
fn json_output_matches_the_documented_schema() {
    let f = Fixture::new("json");
    let (old, new) = pair(&f);
    let out = run(&[&old, &new, "--format", "json"]).unwrap();
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    validate(&schema(), &v).unwrap_or_else(|e| panic!("{e}\n{}", out.stdout));
    assert_eq!(
        v["summary"],
        json!({"breaking": 2, "non_breaking": 2, "semver": "major"})
    );
    let removed = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "1033")
        .unwrap();
    assert_eq!(removed["name"], "RemovedProperty");
    assert_eq!(removed["severity"], "breaking");
    assert_eq!(removed["new"], Value::Null);
    assert!(removed["old"]["file"]
        .as_str()
        .unwrap()
        .ends_with("old/a.json"));
    assert_eq!(removed["old"]["pointer"], "/definitions/Thing/properties/b");
    assert_eq!(
        removed["rust"],
        json!([{"item": "models::Thing::b", "kind": "field", "change": "removed", "semver": "major"}])
    );
    // Every change of every kind the fixture has is covered; the validator is not vacuous.
    for bad in [
        json!({}),
        {
            let mut x = v.clone();
            x["changes"][0]["severity"] = json!("fatal");
            x
        },
        {
            let mut x = v.clone();
            x["changes"][0]["extra"] = json!(1);
            x
        },
        {
            let mut x = v.clone();
            x["changes"][0]["old"] = json!({"file": "a.json"});
            x
        },
        {
            let mut x = v.clone();
            x["summary"]["breaking"] = json!("two");
            x
        },
        {
            let mut x = v.clone();
            x["rust"]["changes"][0]["semver"] = json!("huge");
            x
        },
    ] {
        assert!(validate(&schema(), &bad).is_err(), "accepted {bad}");
    }
}
