//! Replays every recorded example of the spec mirror (`x-ms-examples`, the `examples/` folder
//! of each configured api-version) through the generated client over real HTTP on loopback:
//!
//! - (b) request: the client, called with the example's `parameters`, sends the example's
//!   method, path, query (`api-version` included) and body — compared as JSON, with the
//!   read-only properties (per the raw spec) removed from the expected body;
//! - (a) responses: for each recorded response, the mock server answers with the example's
//!   status and body, and the body the client decoded into the operation's declared response
//!   type, encoded again, is the same JSON value — up to the documented normalizations of
//!   `azml_tests::schema` (listed in README "Models"), each applied only where the raw schema
//!   allows it and reported.
//!
//! Prints `N passed, M failed` per api-version. Every example file in the mirror must be
//! referenced by an operation (else it could not be replayed) — that is checked too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use azml::json::dispatch::Reply;
use azml::runtime::Pipeline;
use azml_codegen::config::ExampleExclusion;
use azml_tests::mock::{MockArm, Request, Response};
use azml_tests::schema::{Mode, Note, Schemas, UNDECLARED};
use azml_tests::{config, spec_root, RawSpec};
use serde_json::Value;

/// Calls an operation of a version's generated client through its dispatcher.
async fn call(version: &str, base: &str, op: &str, params: &Value) -> Result<Reply, String> {
    match version {
        "2023-04-01" => {
            let c = azml::v2023_04_01::Client::with_endpoint(base, Pipeline::new());
            let mut slot = None;
            let reply = azml::v2023_04_01::dispatch::call(&c, op, params, &mut slot)?.await;
            reply
        }
        "2023-10-01" => {
            let c = azml::v2023_10_01::Client::with_endpoint(base, Pipeline::new());
            let mut slot = None;
            let reply = azml::v2023_10_01::dispatch::call(&c, op, params, &mut slot)?.await;
            reply
        }
        other => panic!("api-version {other} is not wired into tests/tests/examples_replay.rs"),
    }
}

fn operations(version: &str) -> &'static [azml::OperationInfo] {
    match version {
        "2023-04-01" => azml::v2023_04_01::OPERATIONS,
        "2023-10-01" => azml::v2023_10_01::OPERATIONS,
        other => panic!("api-version {other} is not wired into tests/tests/examples_replay.rs"),
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(x) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(x);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A parameter value as it appears in a URL.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Parameters of an operation (path-level ones included), `$ref`s resolved.
fn parameters<'a>(spec: &'a RawSpec, file: &str, path: &str, op: &'a Value) -> Vec<&'a Value> {
    let item = spec.get(file, "").and_then(|d| d["paths"].get(path));
    let mut out = Vec::new();
    for p in item
        .and_then(|i| i.get("parameters"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            op.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
    {
        let p = match p.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let (f, ptr) = RawSpec::target(file, r);
                spec.get(&f, &ptr).expect("parameter $ref resolves")
            }
            None => p,
        };
        out.push(p);
    }
    out
}

/// The note for an example whose `parameters.api-version` is another version's.
const FOREIGN_API_VERSION: &str = "example names another api-version; replayed with the folder's";

/// The decoded `(name, value)` query pairs of a parameter: an array per its
/// `collectionFormat` (Swagger 2.0: `csv` by default, `ssv`, `tsv`, `pipes` joined; `multi`
/// one pair per item), anything else as its text.
fn query_pairs(param: &Value, name: &str, v: &Value) -> Vec<(String, String)> {
    let Value::Array(items) = v else {
        return vec![(name.to_string(), text(v))];
    };
    let items: Vec<String> = items.iter().map(text).collect();
    let sep = match param
        .get("collectionFormat")
        .and_then(Value::as_str)
        .unwrap_or("csv")
    {
        "multi" => return items.into_iter().map(|i| (name.to_string(), i)).collect(),
        "ssv" => " ",
        "tsv" => "\t",
        "pipes" => "|",
        _ => ",",
    };
    vec![(name.to_string(), items.join(sep))]
}

/// Where a parameter's `$ref` (if any) was declared: needed to resolve its schema's `$ref`s.
fn parameter_file(spec: &RawSpec, file: &str, path: &str, op: &Value, name: &str) -> String {
    let item = spec.get(file, "").and_then(|d| d["paths"].get(path));
    for p in item
        .and_then(|i| i.get("parameters"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            op.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
    {
        if let Some(r) = p.get("$ref").and_then(Value::as_str) {
            let (f, ptr) = RawSpec::target(file, r);
            if spec.get(&f, &ptr).and_then(|x| x.get("name")) == Some(&Value::from(name)) {
                return f;
            }
        } else if p.get("name") == Some(&Value::from(name)) {
            return file.to_string();
        }
    }
    file.to_string()
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: Vec<String>,
    excluded: Vec<String>,
    files: usize,
    requests: usize,
    responses: usize,
    /// Normalization → (times applied, where).
    notes: BTreeMap<&'static str, (usize, BTreeSet<String>)>,
}

impl Tally {
    fn check(&mut self, what: String, outcome: Outcome) {
        match outcome {
            Outcome::Pass => self.passed += 1,
            Outcome::Excluded(why) => self.excluded.push(format!("{what}: {why}")),
            Outcome::Fail(e) => self.failed.push(format!("{what}: {e}")),
        }
    }
    /// Records what was normalized; for an example defect (a property the schema does not
    /// define, which the client keeps; another api-version) the example file is recorded.
    fn note(&mut self, example: &str, notes: Vec<Note>) {
        for n in notes {
            let at = match n.kind {
                UNDECLARED => example.to_string(),
                FOREIGN_API_VERSION => format!("{example} ({})", n.at),
                _ => n.at,
            };
            let e = self.notes.entry(n.kind).or_default();
            e.0 += 1;
            e.1.insert(at);
        }
    }
}

enum Outcome {
    Pass,
    Excluded(String),
    Fail(String),
}

/// Compares what the client produced with the expected value.
fn judge(
    got: Option<Value>,
    want: Option<Value>,
    notes: &[Note],
    exclusion: Option<&ExampleExclusion>,
    what: &str,
) -> Outcome {
    if got == want {
        return match exclusion {
            Some(_) => Outcome::Fail("passes: remove its exclusion (stale)".into()),
            None => Outcome::Pass,
        };
    }
    let undeclared: BTreeSet<&str> = notes
        .iter()
        .filter(|n| n.kind == UNDECLARED)
        .map(|n| n.at.as_str())
        .collect();
    if let (Some(ex), Some(mut want)) = (exclusion, want.clone()) {
        let listed: BTreeSet<&str> = ex.undeclared.iter().map(String::as_str).collect();
        for p in &listed {
            let (parent, key) = p.rsplit_once('/').unwrap_or(("", p));
            if let Some(Value::Object(m)) = want.pointer_mut(parent) {
                m.shift_remove(key);
            }
        }
        if undeclared == listed && got.as_ref() == Some(&want) {
            return Outcome::Excluded(ex.reason.to_string());
        }
    }
    Outcome::Fail(format!(
        "{what}\n    client   {}\n    expected {}{}",
        got.as_ref().map_or("(none)".into(), Value::to_string),
        want.as_ref().map_or("(none)".into(), Value::to_string),
        if undeclared.is_empty() {
            String::new()
        } else {
            format!("\n    properties the schema does not define: {undeclared:?}")
        }
    ))
}

/// Checks the one request the client sent against the example; returns the sent and the
/// expected body for [`judge`].
#[allow(clippy::too_many_arguments)]
fn check_request(
    version: &str,
    spec: &RawSpec,
    schemas: &Schemas,
    (method, path, file, op): (&str, &str, &str, &Value),
    params: &Value,
    requests: &[Request],
    notes: &mut Vec<Note>,
) -> Result<(Option<Value>, Option<Value>), String> {
    let [req] = requests else {
        return Err(format!("expected 1 request, got {}", requests.len()));
    };
    if req.method != method {
        return Err(format!("method {} (expected {method})", req.method));
    }
    // Path: the template's segments, each filled with the example's raw values, against the
    // sent segments percent-decoded (a value holding `/` or `:` is one encoded segment).
    let mut want = Vec::new();
    for segment in path.split('/') {
        let mut filled = segment.to_string();
        for p in parameters(spec, file, path, op) {
            if p["in"] == "path" {
                let name = p["name"].as_str().unwrap_or_default();
                let key = format!("{{{name}}}");
                if filled.contains(&key) {
                    let v = params
                        .get(name)
                        .ok_or_else(|| format!("example has no path parameter {name}"))?;
                    filled = filled.replace(&key, &text(v));
                }
            }
        }
        want.push(filled);
    }
    let sent: Vec<String> = req.path().split('/').map(percent_decode).collect();
    if sent != want {
        return Err(format!("path {} (expected {})", req.path(), want.join("/")));
    }
    // Query: api-version plus every query parameter the example gives. An example that names
    // another api-version is replayed with the folder's (noted: an example defect).
    let mut want_q: Vec<(String, String)> = vec![("api-version".into(), version.into())];
    if let Some(v) = params.get("api-version") {
        if text(v) != version {
            notes.push(Note {
                kind: FOREIGN_API_VERSION,
                at: format!("says {}", text(v)),
            });
        }
    }
    for p in parameters(spec, file, path, op) {
        let name = p["name"].as_str().unwrap_or_default();
        if p["in"] == "query" && name != "api-version" {
            if let Some(v) = params.get(name).filter(|v| !v.is_null()) {
                want_q.extend(query_pairs(p, name, v));
            }
        }
    }
    let query = req.target.split_once('?').map_or("", |x| x.1);
    let mut got_q: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    want_q.sort();
    got_q.sort();
    if got_q != want_q {
        return Err(format!("query {got_q:?} (expected {want_q:?})"));
    }
    // Body: the example's body parameter without read-only properties.
    let body_param = parameters(spec, file, path, op)
        .into_iter()
        .find(|p| p["in"] == "body");
    match body_param {
        Some(bp) => {
            let name = bp["name"].as_str().unwrap_or_default();
            let Some(example_body) = params.get(name) else {
                return if req.body.is_empty() {
                    Ok((None, None))
                } else {
                    Err("a body was sent, the example has none".into())
                };
            };
            let pf = parameter_file(spec, file, path, op, name);
            let want = schemas.expected(&pf, &bp["schema"], example_body, Mode::Request, notes);
            let got: Value = serde_json::from_slice(&req.body)
                .map_err(|e| format!("request body is not JSON ({e})"))?;
            Ok((Some(got), Some(want)))
        }
        None if !req.body.is_empty() => Err("a body was sent, the spec has none".into()),
        None => Ok((None, None)),
    }
}

async fn replay(av: &azml_codegen::config::ApiVersion) -> Tally {
    let version = av.version.as_str();
    let spec = RawSpec::load(av);
    let schemas = Schemas::new(&spec);
    let root = spec_root();
    let ops = operations(version);
    let mut tally = Tally::default();
    let mut referenced = BTreeSet::new();
    for (id, method, path, file, op) in spec.operations() {
        let info = ops
            .iter()
            .find(|o| o.id == id)
            .unwrap_or_else(|| panic!("{version}: no generated operation {id}"));
        for (name, ex) in op
            .get("x-ms-examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let Some(r) = ex.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            let (ex_file, _) = RawSpec::target(&file, r);
            let full = root.join(&ex_file);
            if !full.exists() {
                continue; // not in this (partial) mirror
            }
            referenced.insert(full.clone());
            tally.files += 1;
            let label = format!("{version} {id} {name:?} ({ex_file})");
            let example: Value = match std::fs::read_to_string(&full)
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
            {
                Ok(v) => v,
                Err(e) => {
                    tally
                        .failed
                        .push(format!("{label}: unreadable example: {e}"));
                    continue;
                }
            };
            let params = &example["parameters"];
            let responses = example["responses"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            let mut request_checked = false;
            for (status, resp) in &responses {
                let code: u16 = match status.parse() {
                    Ok(c) => c,
                    Err(_) => {
                        tally.failed.push(format!("{label}: status {status:?}"));
                        continue;
                    }
                };
                let body = resp.get("body").cloned();
                let mut answer = match &body {
                    Some(b) => Response::json(code, b.clone()),
                    None => Response::empty(code),
                };
                for (k, v) in resp
                    .get("headers")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    answer = answer.header(k, &text(v));
                }
                let mock = MockArm::start(move |_| answer.clone()).await;
                let reply = call(version, &mock.base, info.rust_method, params).await;
                let exclusion = |check: &str| {
                    av.example_exclusions
                        .iter()
                        .find(|e| ex_file.ends_with(&e.example) && e.check == check)
                };
                if !request_checked {
                    request_checked = true;
                    tally.requests += 1;
                    let mut notes = Vec::new();
                    let r = check_request(
                        version,
                        &spec,
                        &schemas,
                        (&method, &path, &file, op),
                        params,
                        &mock.requests(),
                        &mut notes,
                    );
                    let outcome = match r {
                        Ok((got, want)) => judge(got, want, &notes, exclusion("request"), "body"),
                        Err(e) => Outcome::Fail(e),
                    };
                    tally.check(format!("{label} request"), outcome);
                    tally.note(&ex_file, notes);
                }
                tally.responses += 1;
                let mut notes = Vec::new();
                let r = (|| {
                    let reply = reply.as_ref().map_err(|e| format!("call failed: {e}"))?;
                    if reply.status != code {
                        return Err(format!("status {} (expected {code})", reply.status));
                    }
                    let want = match &body {
                        None => None,
                        Some(b) => {
                            let schema = op["responses"]
                                .get(status)
                                .and_then(|r| r.get("schema"))
                                .or_else(|| {
                                    // A long-running operation decodes every 2xx body as its
                                    // declared result type.
                                    op["responses"].as_object().and_then(|rs| {
                                        rs.iter()
                                            .filter(|(s, _)| s.starts_with('2'))
                                            .find_map(|(_, r)| r.get("schema"))
                                    })
                                })
                                .ok_or_else(|| format!("the spec declares no body for {status}"))?;
                            Some(schemas.expected(&file, schema, b, Mode::Response, &mut notes))
                        }
                    };
                    Ok((reply.body.clone(), want))
                })();
                let check = format!("response {status}");
                let outcome = match r {
                    Ok((got, want)) => judge(got, want, &notes, exclusion(&check), "body"),
                    Err(e) => Outcome::Fail(e),
                };
                tally.check(format!("{label} {check}"), outcome);
                tally.note(&ex_file, notes);
            }
        }
    }
    // Every exclusion must have excused a check.
    for ex in &av.example_exclusions {
        let used = tally
            .excluded
            .iter()
            .any(|e| e.contains(&ex.example) && e.contains(&ex.check));
        if !used {
            tally.failed.push(format!(
                "{version}: exclusion of {} {} in specs/api-versions.toml matches no failing check (stale)",
                ex.example, ex.check
            ));
        }
    }
    // Every example file present must have been replayed.
    let dir = root.join(&av.dir).join("examples");
    let mut present = Vec::new();
    collect_json(&dir, &mut present);
    for f in present {
        if !referenced.contains(&f) {
            tally.failed.push(format!(
                "{version}: {} is referenced by no operation",
                f.display()
            ));
        }
    }
    tally
}

fn collect_json(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_json(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

#[tokio::test]
async fn every_example_in_the_mirror_replays() {
    let mut failures = Vec::new();
    let mut total = 0;
    for av in &config().api_version {
        let t = replay(av).await;
        println!(
            "examples replay {}: {} passed, {} failed, {} excluded ({} example files: {} requests, {} responses)",
            av.version,
            t.passed,
            t.failed.len(),
            t.excluded.len(),
            t.files,
            t.requests,
            t.responses
        );
        for (kind, (n, at)) in &t.notes {
            let at: Vec<&str> = at.iter().map(String::as_str).collect();
            if *kind == UNDECLARED {
                println!(
                    "  kept {n}× (example defect, the client keeps and returns them): {kind} (in {} examples: {})",
                    at.len(),
                    at.join(", ")
                );
            } else {
                println!("  applied {n}×: {kind} (at {})", at.join(", "));
            }
        }
        for e in &t.excluded {
            println!("  excluded: {e}");
        }
        total += t.passed + t.failed.len();
        failures.extend(t.failed);
    }
    assert!(total > 0, "no examples found in the mirror");
    assert!(
        failures.is_empty(),
        "{} example checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
