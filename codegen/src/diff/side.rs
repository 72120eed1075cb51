//! One side of a diff: loading it (a configured api-version, a spec folder, or a set of spec
//! files) into the typed model and the generator's IR, and the path-template helpers both
//! layers use to match operations (path shape: parameter names erased).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::emitted::Emitted;
use crate::config::{ApiVersion, Config};
use crate::ir::Api;
use crate::load::SpecSet;
use crate::Error;

/// A loaded side: the raw documents and, when the generator accepts them, the IR.
#[derive(Debug)]
pub struct Side {
    /// Label in reports: the api-version, or the path given.
    pub label: String,
    /// The documents (raw and typed; the spec layer reads the typed model).
    pub set: SpecSet,
    /// The normalized IR (for the Rust-level impact), or why the generator rejects the side
    /// (normalize failed, or the model emitter panicked).
    pub api: Result<Api, Error>,
    /// The emitted models' structs, enums and aliases (empty when `api` is an error).
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
        let mut api = crate::normalize::normalize(&set, version);
        // The emitted models (exact field types); a model-emitter panic is caught and makes
        // the side one the generator rejects, like a normalize error.
        let mut models = BTreeMap::new();
        if let Ok(a) = &api {
            match crate::guard::no_panic(a, "the model emitter", |a| Ok(super::emitted::models(a)))
            {
                Ok(m) => models = m,
                Err(e) => api = Err(e),
            }
        }
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
