//! Stage 1, *load*: reads the entry Swagger files of a package and every file they `$ref`
//! (common-types, sibling files), recursively, and checks that every `$ref` resolves.
//!
//! `x-ms-examples` subtrees are not followed: example files are test data, not part of the API.
//! Errors name the file and the JSON pointer of the offending `$ref` (or the line and column
//! of a JSON syntax error).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::Error;

/// A loaded set of spec documents, keyed by path relative to the spec root (`/`-separated).
#[derive(Debug, Clone)]
pub struct SpecSet {
    /// The spec root on disk.
    pub root: PathBuf,
    /// The package's entry files, in configured order.
    pub entries: Vec<String>,
    /// Every loaded document, as JSON (the `$ref` check and the mutation campaign read it).
    pub docs: BTreeMap<String, Value>,
    /// Every loaded document, typed: what *normalize* and the diff read.
    pub models: BTreeMap<String, crate::swagger::Document>,
    /// `$ref` targets (`file#pointer`) that are allowed to be missing (known spec bugs).
    pub tolerated: BTreeSet<String>,
}

/// A node reached by [`SpecSet::follow`]: its document key, JSON pointer and value.
pub type Reached<'a, T> = (&'a str, String, &'a T);

/// A resolved `$ref` target: document key and JSON pointer (without `#`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    /// Document key (path relative to the spec root).
    pub file: String,
    /// JSON pointer inside that document, e.g. `/definitions/Workspace`.
    pub pointer: String,
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}", self.file, self.pointer)
    }
}

/// Escapes one JSON pointer token (`~` → `~0`, `/` → `~1`).
pub fn escape_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one JSON pointer token (`~1` → `/`, `~0` → `~`).
pub fn unescape_token(s: &str) -> String {
    s.replace("~1", "/").replace("~0", "~")
}

/// Lexically normalizes `a/b/../c` → `a/c` with `/` separators.
fn normalize(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                parts.pop();
            }
            Component::CurDir => {}
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

/// Resolves a `$ref` string found in document `from` to a [`Target`].
pub fn resolve_ref(from: &str, reference: &str) -> Target {
    let (file_part, pointer) = reference.split_once('#').unwrap_or((reference, ""));
    let file = if file_part.is_empty() {
        from.to_string()
    } else {
        let dir = Path::new(from).parent().unwrap_or(Path::new(""));
        normalize(&dir.join(file_part))
    };
    Target {
        file,
        pointer: pointer.to_string(),
    }
}

/// Every `$ref` in `v` with the JSON pointer of the object holding it.
/// Skips `x-ms-examples` subtrees.
pub fn collect_refs(v: &Value, here: &mut String, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push((here.clone(), r.clone()));
            }
            for (k, child) in map {
                if k == "x-ms-examples" {
                    continue;
                }
                let len = here.len();
                here.push('/');
                here.push_str(&escape_token(k));
                collect_refs(child, here, out);
                here.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = here.len();
                here.push('/');
                here.push_str(&i.to_string());
                collect_refs(child, here, out);
                here.truncate(len);
            }
        }
        _ => {}
    }
}

fn read_doc(root: &Path, key: &str) -> Result<Value, Error> {
    let path = root.join(key);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::new(format!("{}: cannot read: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Error::new(format!(
            "{}:{}:{}: malformed JSON: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

impl SpecSet {
    /// Loads `entries` (relative to the spec root) and everything they reference.
    /// `tolerated` lists `file#pointer` targets (file relative to the spec root) that may be
    /// missing.
    pub fn load(
        root: &Path,
        entries: &[String],
        tolerated: BTreeSet<String>,
    ) -> Result<Self, Error> {
        let mut docs = BTreeMap::new();
        let mut queue: VecDeque<(String, Option<String>)> = entries
            .iter()
            .map(|e| (normalize(Path::new(e)), None))
            .collect();
        while let Some((key, referrer)) = queue.pop_front() {
            if docs.contains_key(&key) {
                continue;
            }
            let doc = match read_doc(root, &key) {
                Ok(d) => d,
                Err(e) => {
                    return Err(match referrer {
                        Some(site) => Error::new(format!("{e} (referenced from {site})")),
                        None => e,
                    })
                }
            };
            let mut refs = Vec::new();
            collect_refs(&doc, &mut String::new(), &mut refs);
            for (site, r) in refs {
                let t = resolve_ref(&key, &r);
                if !docs.contains_key(&t.file) {
                    queue.push_back((
                        t.file,
                        Some(format!("{}#{site}", root.join(&key).display())),
                    ));
                }
            }
            docs.insert(key, doc);
        }
        SpecSet::new(
            root,
            entries.iter().map(|e| normalize(Path::new(e))).collect(),
            docs,
            tolerated,
        )
    }

    /// A set from documents already read: checks every `$ref` resolves, then reads each
    /// document into the typed model ([`crate::swagger`]).
    pub fn new(
        root: &Path,
        entries: Vec<String>,
        docs: BTreeMap<String, Value>,
        tolerated: BTreeSet<String>,
    ) -> Result<Self, Error> {
        let mut set = SpecSet {
            root: root.to_path_buf(),
            entries,
            docs,
            models: BTreeMap::new(),
            tolerated,
        };
        set.check_refs()?;
        for (key, doc) in &set.docs {
            let shown = set.root.join(key).display().to_string();
            set.models
                .insert(key.clone(), crate::swagger::parse(&shown, doc)?);
        }
        Ok(set)
    }

    /// Fails on the first `$ref` (in document order) whose target does not exist.
    pub fn check_refs(&self) -> Result<(), Error> {
        for (key, doc) in &self.docs {
            let mut refs = Vec::new();
            collect_refs(doc, &mut String::new(), &mut refs);
            for (site, r) in refs {
                let t = resolve_ref(key, &r);
                if self.get(&t).is_none() && !self.tolerated.contains(&t.to_string()) {
                    return Err(Error::new(format!(
                        "{}#{site}: broken $ref \"{r}\": {} has no {}",
                        self.root.join(key).display(),
                        t.file,
                        if t.pointer.is_empty() {
                            "document".to_string()
                        } else {
                            t.pointer.clone()
                        }
                    )));
                }
            }
        }
        Ok(())
    }

    /// Reads document `key` into the typed model again, after its JSON was changed.
    pub fn reread(&mut self, key: &str) -> Result<(), Error> {
        let Some(doc) = self.docs.get(key) else {
            return Ok(());
        };
        let shown = self.root.join(key).display().to_string();
        self.models
            .insert(key.to_string(), crate::swagger::parse(&shown, doc)?);
        Ok(())
    }

    /// What a target designates in the typed model (a schema, parameter or response).
    pub fn node(&self, t: &Target) -> Option<crate::swagger::Node<'_>> {
        self.models.get(&t.file)?.at(&t.pointer)
    }

    /// Follows `$ref`s from `start` (a node of document `file`) until a node without one, each
    /// hop resolved against the document it is written in and `pick`ed from what its target
    /// designates (a parameter's `$ref` must reach a parameter, …). `Ok(None)`: `start` has no
    /// `$ref`; `Ok(Some((file, pointer, node)))`: the last node reached (after
    /// [`crate::swagger::MAX_DEPTH`] hops of a cycle, the node reached then); `Err`: a target
    /// that is missing or of another kind. The one `$ref` follower of parameters, responses and
    /// the diff's schema positions.
    pub fn follow<'a, T>(
        &'a self,
        file: &str,
        start: &'a T,
        reference: impl Fn(&T) -> Option<&String>,
        pick: impl Fn(crate::swagger::Node<'a>) -> Option<&'a T>,
    ) -> Result<Option<Reached<'a, T>>, Target> {
        let Some(first) = reference(start) else {
            return Ok(None);
        };
        let mut t = resolve_ref(file, first);
        let mut hops = 1;
        loop {
            let (key, doc) = self
                .models
                .get_key_value(&t.file)
                .ok_or_else(|| t.clone())?;
            let v = doc
                .at(&t.pointer)
                .and_then(&pick)
                .ok_or_else(|| t.clone())?;
            match reference(v) {
                Some(r) if hops < crate::swagger::MAX_DEPTH => {
                    t = resolve_ref(key, r);
                    hops += 1;
                }
                _ => return Ok(Some((key.as_str(), t.pointer, v))),
            }
        }
    }

    /// Whether a schema position (in document `file`) is read-only: `readOnly` written there,
    /// beside a `$ref` too, else the referenced schema's. The generator and the diff both ask
    /// this, so a property whose type is a `readOnly` definition is read-only for both.
    pub fn read_only(&self, file: &str, site: &crate::swagger::Schema) -> bool {
        let referenced = || {
            let pick = |n| match n {
                crate::swagger::Node::Schema(s) => Some(s),
                _ => None,
            };
            match self.follow(file, site, |s| s.reference.as_ref(), pick) {
                Ok(Some((_, _, s))) => s.read_only,
                _ => None,
            }
        };
        site.read_only.or_else(referenced) == Some(true)
    }

    /// The schema at a target, if it designates one.
    pub fn schema(&self, t: &Target) -> Option<&crate::swagger::Schema> {
        self.models.get(&t.file)?.schema_at(&t.pointer)
    }

    /// The value at a target, if present.
    pub fn get(&self, t: &Target) -> Option<&Value> {
        self.docs.get(&t.file)?.pointer(&t.pointer)
    }

    /// Whether a missing target is a known, tolerated spec bug.
    pub fn is_tolerated(&self, t: &Target) -> bool {
        self.tolerated.contains(&t.to_string())
    }
}
