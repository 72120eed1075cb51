//! One side of a diff: loading it (a configured api-version, a spec folder, or a set of spec
//! files) and indexing its raw Swagger for comparison — a stable key per definition (its name,
//! so moving a definition to another file is no change), operations by path shape and method,
//! and the direction (request / response) each definition is used in.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::emitted::Emitted;
use super::{Dir, OpKey};
use crate::config::{ApiVersion, Config};
use crate::ir::Api;
use crate::load::{escape_token, resolve_ref, SpecSet, Target};
use crate::Error;

/// HTTP methods Swagger allows on a path item.
pub const METHODS: &[&str] = &["get", "put", "post", "patch", "delete", "head", "options"];

/// A loaded side: the raw documents and, when the generator accepts them, the IR.
#[derive(Debug)]
pub struct Side {
    /// Label in reports: the api-version, or the path given.
    pub label: String,
    /// The raw documents.
    pub set: SpecSet,
    /// The normalized IR (for the Rust-level impact), or why the generator rejects the side.
    pub api: Result<Api, Error>,
    /// The emitted models' structs, enums and aliases (empty when the IR failed).
    pub models: BTreeMap<String, Emitted>,
}

impl Side {
    /// A side from loaded documents; normalizes them and emits the models for the Rust-level
    /// impact. `label` names the side in reports and must be an api-version-like string
    /// (`2023-10-01`, `2024-01-01-preview`): the generator derives module names from it.
    pub fn from_set(label: impl Into<String>, set: SpecSet) -> Side {
        let label = label.into();
        Side::with_version(label.clone(), &label, set)
    }

    /// [`Side::from_set`] with a report label that differs from the api-version.
    fn with_version(label: String, version: &str, set: SpecSet) -> Side {
        let api = crate::normalize::normalize(&set, version);
        // A generator bug must not take the diff down: without emitted models the field
        // types come from the IR.
        let models = api
            .as_ref()
            .ok()
            .and_then(|a| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| super::emitted::models(a)))
                    .ok()
            })
            .unwrap_or_default();
        Side {
            label,
            set,
            api,
            models,
        }
    }

    /// A configured api-version (with its tolerated broken `$ref`s).
    pub fn configured(config: &Config, spec_root: &Path, av: &ApiVersion) -> Result<Side, Error> {
        let located = config.locate(av, spec_root)?;
        let set = crate::load_package(spec_root, av, &located)?;
        Ok(Side::from_set(av.version.clone(), set))
    }

    /// A spec folder (every `*.json` directly inside it) or a list of spec files.
    /// `$ref`s are resolved from the nearest ancestor holding a `specification` folder (an
    /// azure-rest-api-specs checkout), else from the filesystem root. When the files are
    /// those of a configured api-version (`known`), its tolerated broken `$ref`s apply.
    pub fn from_paths(
        label: &str,
        paths: &[PathBuf],
        config: &Config,
        spec_root: Option<&Path>,
    ) -> Result<Side, Error> {
        let mut files = Vec::new();
        for p in paths {
            let abs = std::fs::canonicalize(p)
                .map_err(|e| Error::new(format!("{}: {e}", p.display())))?;
            if abs.is_dir() {
                let mut found: Vec<PathBuf> = std::fs::read_dir(&abs)
                    .map_err(|e| Error::new(format!("{}: {e}", abs.display())))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "json"))
                    .collect();
                if found.is_empty() {
                    return Err(Error::new(format!(
                        "{}: no .json spec files in this folder",
                        abs.display()
                    )));
                }
                found.sort();
                files.extend(found);
            } else {
                files.push(abs);
            }
        }
        let first = files
            .first()
            .ok_or_else(|| Error::new("no spec files given"))?;
        let root = first
            .ancestors()
            .skip(1)
            .find(|a| a.join("specification").is_dir())
            .or_else(|| first.ancestors().last())
            .unwrap_or(Path::new("/"))
            .to_path_buf();
        let rel = |f: &Path| -> String {
            f.strip_prefix(&root)
                .unwrap_or(f)
                .to_string_lossy()
                .replace('\\', "/")
        };
        let entries: Vec<String> = files.iter().map(|f| rel(f)).collect();
        // A configured package's known spec bugs still apply when it is named by path.
        let mut tolerated = BTreeSet::new();
        if let Some(sr) = spec_root.and_then(|s| std::fs::canonicalize(s).ok()) {
            for av in &config.api_version {
                let Ok(located) = config.locate(av, &sr) else {
                    continue;
                };
                let dir = std::fs::canonicalize(sr.join(&located.dir)).ok();
                if dir.is_some() && files.iter().all(|f| f.parent() == dir.as_deref()) {
                    let d = rel(dir.as_deref().unwrap_or(Path::new("")));
                    tolerated.extend(
                        av.unresolved_refs
                            .iter()
                            .map(|u| format!("{d}/{}", u.pointer)),
                    );
                }
            }
        }
        let set = SpecSet::load(&root, &entries, tolerated)?;
        Ok(Side::with_version(
            label.to_string(),
            &version_of(&files[0]),
            set,
        ))
    }
}

/// The api-version of a spec file named by path: its folder's name when that looks like one
/// (`…/stable/2023-10-01/mfe.json` → `2023-10-01`), else `unversioned`.
fn version_of(file: &Path) -> String {
    let dir = file
        .parent()
        .and_then(Path::file_name)
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    let looks = dir.len() >= 10
        && dir.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && dir.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if looks {
        dir
    } else {
        "unversioned".to_string()
    }
}

/// Path template with parameter names erased and lower-cased: `/a/{x}/B` → `/a/{}/b`.
pub fn path_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

/// Names of the path template's parameters, in order.
pub fn path_params(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(n, _)| n))
        .collect()
}

/// One operation of a side.
pub(crate) struct Op<'a> {
    /// Document that defines it.
    pub file: &'a str,
    /// Path template as written.
    pub path: &'a str,
    /// Lower-case method.
    pub method: &'a str,
    /// The operation object.
    pub value: &'a Value,
    /// Path-level `parameters`.
    pub path_params: &'a [Value],
}

impl Op<'_> {
    /// JSON pointer of the operation object.
    pub fn pointer(&self) -> String {
        format!("/paths/{}/{}", escape_token(self.path), self.method)
    }

    /// `operationId`, or `METHOD path` when it has none.
    pub fn id(&self) -> String {
        self.value
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} {}", self.method.to_uppercase(), self.path))
    }
}

/// A side's documents, indexed.
pub(crate) struct Index<'a> {
    /// The documents.
    pub set: &'a SpecSet,
    /// Definition key → where it is defined (the first of equal-content duplicates).
    pub defs: BTreeMap<String, Target>,
    /// Every definition target → its key.
    pub keys: HashMap<Target, String>,
    /// Key → keys of definitions that list it in `allOf`.
    pub children: BTreeMap<String, BTreeSet<String>>,
    /// Operations by path shape and method.
    pub ops: BTreeMap<OpKey, Op<'a>>,
    /// Path shape → (file, path template).
    pub paths: BTreeMap<String, (&'a str, &'a str)>,
    /// Directions each definition is used in by the operations.
    pub usage: BTreeMap<String, Dir>,
    /// Keys of the definitions of the entry files.
    pub entry_defs: BTreeSet<String>,
}

impl<'a> Index<'a> {
    /// Indexes a loaded set.
    pub fn build(set: &'a SpecSet) -> Index<'a> {
        let mut ix = Index {
            set,
            defs: BTreeMap::new(),
            keys: HashMap::new(),
            children: BTreeMap::new(),
            ops: BTreeMap::new(),
            paths: BTreeMap::new(),
            usage: BTreeMap::new(),
            entry_defs: BTreeSet::new(),
        };
        ix.index_definitions();
        ix.index_operations();
        ix.compute_usage();
        ix
    }

    /// The key of a definition: its name; a *different* definition with a taken name (a
    /// common-types file defining a name the package also defines) is `Name (file.json)`.
    fn index_definitions(&mut self) {
        let set = self.set;
        let mut order: Vec<&String> = set.entries.iter().collect();
        let mut others: Vec<&String> = set
            .docs
            .keys()
            .filter(|k| !set.entries.contains(k))
            .collect();
        others.sort();
        order.extend(others);
        let mut by_key: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
        for file in order {
            let Some(defs) = set.docs[file].get("definitions").and_then(Value::as_object) else {
                continue;
            };
            let base = file.rsplit('/').next().unwrap_or(file);
            for (name, def) in defs {
                let target = Target {
                    file: file.clone(),
                    pointer: format!("/definitions/{}", escape_token(name)),
                };
                let candidates = [name.clone(), format!("{name} ({base})")];
                let mut key = None;
                for c in candidates
                    .iter()
                    .cloned()
                    .chain((2..).map(|i| format!("{name} ({base} {i})")))
                {
                    match by_key.get(&c) {
                        Some(vs) if vs.contains(&def) => {
                            key = Some(c);
                            break;
                        }
                        Some(_) => continue,
                        None => {
                            key = Some(c);
                            break;
                        }
                    }
                }
                let key = key.expect("candidate keys are infinite");
                let first = !by_key.contains_key(&key);
                by_key.entry(key.clone()).or_default().push(def);
                if first {
                    self.defs.insert(key.clone(), target.clone());
                }
                if set.entries.contains(file) {
                    self.entry_defs.insert(key.clone());
                }
                self.keys.insert(target, key);
            }
        }
        for (target, child) in &self.keys {
            let Some(def) = set.get(target) else { continue };
            for parent in def
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(r) = parent.get("$ref").and_then(Value::as_str) {
                    if let Some(pk) = self.keys.get(&resolve_ref(&target.file, r)) {
                        self.children
                            .entry(pk.clone())
                            .or_default()
                            .insert(child.clone());
                    }
                }
            }
        }
    }

    fn index_operations(&mut self) {
        let set = self.set;
        for file in &set.entries {
            let (file, doc) = set.docs.get_key_value(file).expect("entries are loaded");
            let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
                continue;
            };
            for (path, item) in paths {
                let shape = path_shape(path);
                self.paths
                    .entry(shape.clone())
                    .or_insert((file.as_str(), path.as_str()));
                let Some(item) = item.as_object() else {
                    continue;
                };
                let path_params = item
                    .get("parameters")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                for (method, op) in item {
                    if METHODS.contains(&method.as_str()) {
                        self.ops
                            .entry((shape.clone(), method.clone()))
                            .or_insert(Op {
                                file,
                                path,
                                method,
                                value: op,
                                path_params,
                            });
                    }
                }
            }
        }
    }

    /// Marks every definition reachable from an operation with the direction it is used in.
    fn compute_usage(&mut self) {
        let mut work: Vec<(&'a str, &'a Value, Dir)> = Vec::new();
        for op in self.ops.values() {
            for p in op.path_params.iter().chain(
                op.value
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            ) {
                work.push((op.file, p, Dir::REQUEST));
            }
            for r in op
                .value
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|m| m.values())
            {
                work.push((op.file, r, Dir::RESPONSE));
            }
        }
        for (file, v, dir) in work {
            self.mark(file, v, dir, 0);
        }
    }

    fn mark(&mut self, file: &'a str, v: &'a Value, dir: Dir, depth: usize) {
        if depth > 64 || dir.is_empty() {
            return;
        }
        let Some(m) = v.as_object() else { return };
        if let Some(r) = m.get("$ref").and_then(Value::as_str) {
            self.mark_target(resolve_ref(file, r), dir, depth + 1);
            return;
        }
        if let Some(s) = m.get("schema") {
            self.mark(file, s, dir, depth + 1);
        }
        if let Some(ps) = m.get("properties").and_then(Value::as_object) {
            for p in ps.values() {
                let ro = p.get("readOnly").and_then(Value::as_bool) == Some(true);
                let d = if ro { dir.and(Dir::RESPONSE) } else { dir };
                self.mark(file, p, d, depth + 1);
            }
        }
        for k in ["items", "additionalProperties"] {
            if let Some(s) = m.get(k) {
                self.mark(file, s, dir, depth + 1);
            }
        }
        for s in m
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.mark(file, s, dir, depth + 1);
        }
    }

    /// Marks a `$ref` target; a definition is walked once per direction, and a union base
    /// brings its variants.
    fn mark_target(&mut self, t: Target, dir: Dir, depth: usize) {
        let set = self.set;
        let Some((tf, doc)) = set.docs.get_key_value(&t.file) else {
            return;
        };
        let Some(target) = doc.pointer(&t.pointer) else {
            return;
        };
        if let Some(key) = self.keys.get(&t).cloned() {
            let had = self.dir(&key);
            if had.has(dir) {
                return;
            }
            self.usage.insert(key.clone(), had.or(dir));
            if target.get("discriminator").is_some() {
                for k in self.descendants(&key) {
                    let child = self.defs[&k].clone();
                    self.mark_target(child, dir, depth + 1);
                }
            }
        }
        self.mark(tf, target, dir, depth);
    }

    /// Transitive `allOf` children of a definition.
    pub fn descendants(&self, key: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut stack = vec![key.to_string()];
        while let Some(k) = stack.pop() {
            for c in self.children.get(&k).into_iter().flatten() {
                if out.insert(c.clone()) {
                    stack.push(c.clone());
                }
            }
        }
        out
    }

    /// The directions a definition is used in (empty when no operation reaches it).
    pub fn dir(&self, key: &str) -> Dir {
        self.usage.get(key).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_sides_get_identifier_safe_versions() {
        let v = |p: &str| version_of(Path::new(p));
        assert_eq!(v("/s/stable/2023-10-01/mfe.json"), "2023-10-01");
        assert_eq!(
            v("/s/preview/2024-01-01-preview/a.json"),
            "2024-01-01-preview"
        );
        assert_eq!(v("/tmp/some dir/a.json"), "unversioned");
        assert_eq!(v("/tmp/x/1234/a.json"), "unversioned");
    }

    #[test]
    fn path_shapes_erase_parameter_names() {
        assert_eq!(path_shape("/A/{x}/b/{y}"), "/a/{}/b/{}");
        assert_eq!(path_params("/a/{x}/b/{y}"), ["x", "y"]);
    }
}
