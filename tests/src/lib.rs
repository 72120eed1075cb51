//! Shared helpers for the cross-crate tests in `tests/tests/`: locating the repository, the
//! spec checkout, and the configured api-versions; a small independent reader of the raw
//! Swagger files (it does not reuse the generator's normalizer, so it can check it).

pub mod mock;
pub mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use azml_codegen::config::ApiVersion;
use azml_codegen::Config;
use serde_json::Value;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the repo")
        .to_path_buf()
}

/// The parsed `specs/api-versions.toml`.
pub fn config() -> Config {
    Config::load(&repo_root().join("specs/api-versions.toml"))
        .expect("specs/api-versions.toml loads")
}

/// The spec root, or a panic that says how to get it.
pub fn spec_root() -> PathBuf {
    config()
        .spec_root(&repo_root())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Raw Swagger documents of one package, keyed by path relative to the spec root,
/// with `$ref` resolution. Independent of the generator's loader.
pub struct RawSpec {
    /// Documents by key.
    pub docs: BTreeMap<String, Value>,
    /// Entry file keys.
    pub entries: Vec<String>,
}

fn norm(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            ".." => {
                out.pop();
            }
            "." | "" => {}
            s => out.push(s),
        }
    }
    out.join("/")
}

impl RawSpec {
    /// Loads a configured api-version's files and every file they reference.
    pub fn load(av: &ApiVersion) -> Self {
        let entries = config()
            .locate(av, &spec_root())
            .unwrap_or_else(|e| panic!("{e}"))
            .entries();
        Self::load_entries(entries)
    }

    /// Loads entry files (relative to the spec root) and every file they reference.
    pub fn load_entries(entries: Vec<String>) -> Self {
        let root = spec_root();
        let mut docs = BTreeMap::new();
        let mut todo = entries.clone();
        while let Some(k) = todo.pop() {
            if docs.contains_key(&k) {
                continue;
            }
            let text =
                std::fs::read_to_string(root.join(&k)).unwrap_or_else(|e| panic!("{k}: {e}"));
            let v: Value = serde_json::from_str(&text).unwrap();
            let mut refs = Vec::new();
            find_refs(&v, &mut refs);
            for r in refs {
                let f = r.split('#').next().unwrap();
                if !f.is_empty() {
                    todo.push(Self::join(&k, f));
                }
            }
            docs.insert(k, v);
        }
        RawSpec { docs, entries }
    }

    fn join(from: &str, rel: &str) -> String {
        let dir = from.rsplit_once('/').map(|x| x.0).unwrap_or("");
        norm(&format!("{dir}/{rel}"))
    }

    /// `(file, pointer)` of a `$ref` seen in `from`.
    pub fn target(from: &str, r: &str) -> (String, String) {
        let (f, p) = r.split_once('#').unwrap_or((r, ""));
        let file = if f.is_empty() {
            from.to_string()
        } else {
            Self::join(from, f)
        };
        (file, p.to_string())
    }

    /// The value at a target.
    pub fn get(&self, file: &str, pointer: &str) -> Option<&Value> {
        self.docs.get(file)?.pointer(pointer)
    }

    /// Every operation: `(operationId, METHOD, path, file, operation JSON)`.
    pub fn operations(&self) -> Vec<(String, String, String, String, &Value)> {
        let mut out = Vec::new();
        for f in &self.entries {
            for (path, item) in self.docs[f]["paths"].as_object().unwrap() {
                for (m, op) in item.as_object().unwrap() {
                    if m == "parameters" {
                        continue;
                    }
                    out.push((
                        op["operationId"].as_str().unwrap().to_string(),
                        m.to_uppercase(),
                        path.clone(),
                        f.clone(),
                        op,
                    ));
                }
            }
        }
        out
    }

    /// Definitions (`file#/definitions/X`) reached from the operations by `$ref`s
    /// (including `allOf` parents) plus every child of a reached discriminator base.
    pub fn reached_definitions(&self) -> BTreeSet<String> {
        let mut reached = BTreeSet::new();
        let mut todo: Vec<(String, String)> = Vec::new();
        for (_, _, _, file, op) in self.operations() {
            let mut refs = Vec::new();
            find_refs(op, &mut refs);
            todo.extend(refs.iter().map(|r| Self::target(&file, r)));
        }
        // children index: parent target → child targets
        let mut children: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (file, doc) in &self.docs {
            for (name, def) in doc
                .get("definitions")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                for p in def
                    .get("allOf")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(r) = p.get("$ref").and_then(Value::as_str) {
                        let (pf, pp) = Self::target(file, r);
                        children
                            .entry(format!("{pf}#{pp}"))
                            .or_default()
                            .push((file.clone(), format!("/definitions/{name}")));
                    }
                }
            }
        }
        while let Some((file, pointer)) = todo.pop() {
            let key = format!("{file}#{pointer}");
            let Some(v) = self.get(&file, &pointer) else {
                continue;
            };
            if pointer.starts_with("/definitions/") && !reached.insert(key.clone()) {
                continue;
            }
            let mut refs = Vec::new();
            find_refs(v, &mut refs);
            todo.extend(refs.iter().map(|r| Self::target(&file, r)));
            if v.get("discriminator").is_some() {
                let mut stack = vec![key.clone()];
                while let Some(k) = stack.pop() {
                    for (cf, cp) in children.get(&k).into_iter().flatten() {
                        stack.push(format!("{cf}#{cp}"));
                        todo.push((cf.clone(), cp.clone()));
                    }
                }
            }
        }
        reached
    }
}

/// Every `$ref` string under `v`, skipping `x-ms-examples`.
pub fn find_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                if k == "$ref" {
                    if let Value::String(s) = c {
                        out.push(s.clone());
                    }
                } else if k != "x-ms-examples" {
                    find_refs(c, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|c| find_refs(c, out)),
        _ => {}
    }
}
