//! `specs/api-versions.toml`: which api-versions we generate, which files form each package,
//! where the azure-rest-api-specs checkout lives, and the folder layouts a version is looked
//! up in ([`Config::locate`]).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Error;

/// Environment variable naming the azure-rest-api-specs checkout.
pub const SPEC_ROOT_ENV: &str = "AZURE_REST_API_SPECS";

/// The whole `specs/api-versions.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Spec root used when `$AZURE_REST_API_SPECS` is unset, relative to the repository root.
    pub default_root: PathBuf,
    /// Folder layouts a version is looked for in, in order (first match wins).
    #[serde(default, rename = "layout")]
    pub layouts: Vec<Layout>,
    /// The packages, oldest first.
    pub api_version: Vec<ApiVersion>,
}

/// One upstream folder layout, e.g. the current `…/MachineLearningServices/stable/{version}`
/// holding one TypeSpec-emitted `openapi.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Short name used in messages and by [`ApiVersion::layout`].
    pub name: String,
    /// Folder relative to the spec root; `{version}` is replaced by the spec folder's version.
    pub dir: String,
    /// Entry files used when an api-version entry lists none.
    #[serde(default)]
    pub files: Vec<String>,
}

/// Where a configured api-version's files were found: folder and entry files, relative to the
/// spec root (`/`-separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Name of the layout that matched (`explicit` for an entry with its own `dir`).
    pub layout: String,
    /// The folder, relative to the spec root.
    pub dir: String,
    /// Entry files, relative to `dir`.
    pub files: Vec<String>,
}

impl Located {
    /// Entry files relative to the spec root.
    pub fn entries(&self) -> Vec<String> {
        self.files
            .iter()
            .map(|f| format!("{}/{f}", self.dir))
            .collect()
    }
}

/// One package: an api-version and the spec files that make it up.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiVersion {
    /// e.g. `2023-04-01`: the api-version the module sends and its name (`v2023_04_01`).
    pub version: String,
    /// The version whose spec folder is read, when it differs from `version`.
    #[serde(default)]
    pub spec_version: Option<String>,
    /// Only look in this layout (by name).
    #[serde(default)]
    pub layout: Option<String>,
    /// Folder of the spec files, relative to the spec root; overrides the layouts.
    #[serde(default)]
    pub dir: Option<PathBuf>,
    /// Entry files, relative to the folder; default: the layout's `files`.
    #[serde(default)]
    pub files: Vec<String>,
    /// Known-broken `$ref`s that become untyped JSON values, each with its reason.
    #[serde(default)]
    pub unresolved_refs: Vec<UnresolvedRef>,
    /// Recorded-example checks the replay test excuses, each an example that violates its own
    /// schema (the generator does not read these).
    #[serde(default)]
    pub example_exclusions: Vec<ExampleExclusion>,
    /// Example files in the mirror that no operation of the version references (so the replay
    /// test cannot replay them), each with its reason.
    #[serde(default)]
    pub unreferenced_examples: Vec<UnreferencedExample>,
}

/// An example file no operation of the version references.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnreferencedExample {
    /// Path suffix of the example file, e.g. `examples/InferenceGroup/list.json`.
    pub example: String,
    /// Why it is there anyway.
    pub reason: String,
}

/// One example check excused by the replay test. It is accepted only when the check passes
/// once exactly the `undeclared` properties are taken out of the expected value (so it hides
/// nothing else), and reported as stale when the check passes without it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleExclusion {
    /// Path suffix of the example file, e.g. `examples/Compute/get.json`.
    pub example: String,
    /// `request` or `response <status>`.
    pub check: String,
    /// JSON pointers (in the checked body) of the values the schema does not allow.
    pub undeclared: Vec<String>,
    /// Why: the defect, in a sentence.
    pub reason: String,
}

/// A `$ref` target that upstream does not define.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnresolvedRef {
    /// `file.json#/json/pointer`, the file relative to the package's `dir`.
    pub pointer: String,
    /// Why this is tolerated.
    pub reason: String,
}

impl ApiVersion {
    /// Module / feature name, e.g. `v2023_04_01`.
    pub fn module_name(&self) -> String {
        format!("v{}", self.version.replace('-', "_"))
    }

    /// The version whose spec folder is read: `spec_version`, else `version`.
    pub fn folder_version(&self) -> &str {
        self.spec_version.as_deref().unwrap_or(&self.version)
    }
}

impl Config {
    /// Reads the config file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
        Config::parse(&text).map_err(|e| Error::new(format!("{}: {e}", path.display())))
    }

    /// Parses the config text. Spec workarounds are facts of a spec folder, so an entry that
    /// reads another version's folder (`spec_version`) inherits that version's
    /// `unresolved_refs`, `example_exclusions` and `unreferenced_examples` after its own.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let mut c: Config = toml::from_str(text).map_err(|e| Error::new(e.to_string()))?;
        let owners: Vec<ApiVersion> = c.api_version.clone();
        for av in &mut c.api_version {
            let Some(folder) = av.spec_version.clone() else {
                continue;
            };
            if let Some(owner) = owners.iter().find(|o| o.version == folder) {
                av.unresolved_refs
                    .extend(owner.unresolved_refs.iter().cloned());
                av.example_exclusions
                    .extend(owner.example_exclusions.iter().cloned());
                av.unreferenced_examples
                    .extend(owner.unreferenced_examples.iter().cloned());
            }
        }
        Ok(c)
    }

    /// The spec root: `$AZURE_REST_API_SPECS`, else `default_root` under `repo_root`.
    /// Fails with a one-line hint when the folder is missing.
    pub fn spec_root(&self, repo_root: &Path) -> Result<PathBuf, Error> {
        self.resolve_root(repo_root, std::env::var_os(SPEC_ROOT_ENV))
    }

    /// [`Config::spec_root`] with the environment variable's value passed in.
    pub fn resolve_root(
        &self,
        repo_root: &Path,
        env_value: Option<std::ffi::OsString>,
    ) -> Result<PathBuf, Error> {
        let (root, origin) = match env_value {
            Some(v) if !v.is_empty() => (PathBuf::from(v), format!("${SPEC_ROOT_ENV}")),
            _ => (
                repo_root.join(&self.default_root),
                format!("default_root in specs/api-versions.toml (${SPEC_ROOT_ENV} is unset)"),
            ),
        };
        if !root.join("specification").is_dir() {
            return Err(Error::new(format!(
                "no azure-rest-api-specs checkout at {} (from {origin}); get one with \
                 `git clone --depth 1 https://github.com/Azure/azure-rest-api-specs {}` \
                 or set ${SPEC_ROOT_ENV}",
                root.display(),
                root.display()
            )));
        }
        Ok(root)
    }

    /// Finds `av`'s spec folder under `spec_root`: its explicit `dir`, else the first layout
    /// (in configured order, or the one it names) whose folder holds every entry file.
    /// The error lists every folder looked in.
    pub fn locate(&self, av: &ApiVersion, spec_root: &Path) -> Result<Located, Error> {
        let found = |dir: &str, files: &[String]| {
            !files.is_empty() && files.iter().all(|f| spec_root.join(dir).join(f).is_file())
        };
        if let Some(dir) = &av.dir {
            let dir = dir.to_string_lossy().replace('\\', "/");
            if av.files.is_empty() {
                return Err(Error::new(format!(
                    "specs/api-versions.toml: api-version {} names dir {dir} but no files",
                    av.version
                )));
            }
            if !found(&dir, &av.files) {
                return Err(Error::new(format!(
                    "api-version {}: {dir}/{{{}}} not all found under {}",
                    av.version,
                    av.files.join(","),
                    spec_root.display()
                )));
            }
            return Ok(Located {
                layout: "explicit".into(),
                dir,
                files: av.files.clone(),
            });
        }
        let mut tried = Vec::new();
        for layout in &self.layouts {
            if av.layout.as_deref().is_some_and(|l| l != layout.name) {
                continue;
            }
            let dir = layout.dir.replace("{version}", av.folder_version());
            let files = if av.files.is_empty() {
                layout.files.clone()
            } else {
                av.files.clone()
            };
            if found(&dir, &files) {
                return Ok(Located {
                    layout: layout.name.clone(),
                    dir,
                    files,
                });
            }
            tried.push(format!(
                "{dir}/{{{}}} ({} layout)",
                files.join(","),
                layout.name
            ));
        }
        if tried.is_empty() {
            return Err(Error::new(format!(
                "specs/api-versions.toml: api-version {} has no dir and no [[layout]] matches{}",
                av.version,
                av.layout
                    .as_deref()
                    .map(|l| format!(" layout = \"{l}\""))
                    .unwrap_or_default()
            )));
        }
        Err(Error::new(format!(
            "api-version {}: spec files not found under {}; looked for {}",
            av.version,
            spec_root.display(),
            tried.join("; ")
        )))
    }

    /// Every rendition of `av`'s spec version in the checkout: the located one first, then
    /// each other layout's folder for the same version that exists, with the layout's files
    /// when present, else every `*.json` directly in the folder. (Both renditions of one
    /// api-version describe the same operations; each carries its own recorded examples.)
    pub fn renditions(&self, av: &ApiVersion, spec_root: &Path) -> Result<Vec<Located>, Error> {
        let first = self.locate(av, spec_root)?;
        let mut out = vec![first.clone()];
        for layout in &self.layouts {
            let dir = layout.dir.replace("{version}", av.folder_version());
            if dir == first.dir || !spec_root.join(&dir).is_dir() {
                continue;
            }
            let mut files: Vec<String> = layout
                .files
                .iter()
                .filter(|f| spec_root.join(&dir).join(f).is_file())
                .cloned()
                .collect();
            if files.is_empty() {
                files = std::fs::read_dir(spec_root.join(&dir))
                    .map_err(|e| Error::new(format!("{dir}: {e}")))?
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|f| f.ends_with(".json"))
                    .collect();
                files.sort();
            }
            if !files.is_empty() {
                out.push(Located {
                    layout: layout.name.clone(),
                    dir,
                    files,
                });
            }
        }
        Ok(out)
    }

    /// Every existing `examples` folder of `av`'s spec version, in any layout (both renditions
    /// of a version may carry recorded examples).
    pub fn example_dirs(&self, av: &ApiVersion, spec_root: &Path) -> Vec<String> {
        let mut dirs: Vec<String> = self
            .layouts
            .iter()
            .map(|l| l.dir.replace("{version}", av.folder_version()))
            .chain(
                av.dir
                    .iter()
                    .map(|d| d.to_string_lossy().replace('\\', "/")),
            )
            .map(|d| format!("{d}/examples"))
            .filter(|d| spec_root.join(d).is_dir())
            .collect();
        dirs.sort();
        dirs.dedup();
        dirs
    }

    /// Checks `generated/Cargo.toml` (its text) against the config: every api-version needs a
    /// `vYYYY_MM_DD = []` feature line (the `all-versions` feature compiles every module in).
    pub fn check_features(&self, cargo_toml: &str) -> Result<(), Error> {
        let doc: toml::Table = toml::from_str(cargo_toml)
            .map_err(|e| Error::new(format!("generated/Cargo.toml: {e}")))?;
        let features = doc.get("features").and_then(toml::Value::as_table);
        let missing: Vec<String> = self
            .api_version
            .iter()
            .map(ApiVersion::module_name)
            .filter(|m| !features.is_some_and(|f| f.contains_key(m)))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(Error::new(format!(
            "generated/Cargo.toml [features] lacks {}; add {}",
            missing.join(", "),
            missing
                .iter()
                .map(|m| format!("`{m} = []`"))
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }

    /// The api-version entry named `version`.
    pub fn get(&self, version: &str) -> Result<&ApiVersion, Error> {
        self.api_version
            .iter()
            .find(|a| a.version == version)
            .ok_or_else(|| {
                let known: Vec<_> = self
                    .api_version
                    .iter()
                    .map(|a| a.version.as_str())
                    .collect();
                Error::new(format!(
                    "unknown api-version {version}; configured: {}",
                    known.join(", ")
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = r#"
default_root = "x"
[[layout]]
name = "current"
dir = "spec/rp/Provider/stable/{version}"
files = ["openapi.json"]
[[layout]]
name = "old"
dir = "spec/rp/stable/{version}"
[[api_version]]
version = "2020-01-01"
files = ["a.json", "b.json"]
[[api_version]]
version = "2021-01-01"
[[api_version]]
version = "2021-06-01"
spec_version = "2021-01-01"
[[api_version]]
version = "2022-01-01"
"#;

    fn tree(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("azml-config-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for f in [
            "spec/rp/stable/2020-01-01/a.json",
            "spec/rp/stable/2020-01-01/b.json",
            "spec/rp/stable/2021-01-01/a.json",
            "spec/rp/Provider/stable/2021-01-01/openapi.json",
            "spec/rp/Provider/stable/2021-01-01/examples/x.json",
            "spec/rp/stable/2021-01-01/examples/y.json",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "{}").unwrap();
        }
        root
    }

    #[test]
    fn locates_in_either_layout_current_first() {
        let root = tree("locate");
        let c = Config::parse(TOML).unwrap();
        let old = c.locate(&c.api_version[0], &root).unwrap();
        assert_eq!(old.layout, "old");
        assert_eq!(
            old.entries(),
            [
                "spec/rp/stable/2020-01-01/a.json",
                "spec/rp/stable/2020-01-01/b.json"
            ]
        );
        let cur = c.locate(&c.api_version[1], &root).unwrap();
        assert_eq!(cur.layout, "current");
        assert_eq!(
            cur.entries(),
            ["spec/rp/Provider/stable/2021-01-01/openapi.json"]
        );
        // A version name reading another version's folder.
        let copy = c.locate(&c.api_version[2], &root).unwrap();
        assert_eq!(copy.dir, "spec/rp/Provider/stable/2021-01-01");
        let r = c.renditions(&c.api_version[1], &root).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].entries(), ["spec/rp/stable/2021-01-01/a.json"]);
        assert_eq!(c.renditions(&c.api_version[0], &root).unwrap().len(), 1);
        assert_eq!(
            c.example_dirs(&c.api_version[1], &root),
            [
                "spec/rp/Provider/stable/2021-01-01/examples",
                "spec/rp/stable/2021-01-01/examples"
            ]
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn pinned_layout_and_missing_version_errors() {
        let root = tree("pinned");
        let mut c: Config = toml::from_str(TOML).unwrap();
        c.api_version[1].layout = Some("old".into());
        c.api_version[1].files = vec!["a.json".into()];
        assert_eq!(c.locate(&c.api_version[1], &root).unwrap().layout, "old");
        let e = c.locate(&c.api_version[3], &root).unwrap_err().to_string();
        assert!(
            e.contains("spec/rp/Provider/stable/2022-01-01/{openapi.json} (current layout)")
                && e.contains("spec/rp/stable/2022-01-01/{} (old layout)"),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn feature_lines_are_checked() {
        let c: Config = toml::from_str(TOML).unwrap();
        let e = c
            .check_features("[features]\nv2020_01_01 = []\nv2021_01_01 = []\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("lacks v2021_06_01, v2022_01_01"), "{e}");
    }

    #[test]
    fn a_copy_inherits_the_workarounds_of_the_folder_it_reads() {
        let text = format!(
            "{TOML}\n[[api_version.unreferenced_examples]]\nexample = \"examples/x.json\"\nreason = \"r\"\n\
             [[api_version]]\nversion = \"2030-01-01\"\nspec_version = \"2022-01-01\"\n"
        );
        let c = Config::parse(&text).unwrap();
        let copy = c.get("2030-01-01").unwrap();
        assert_eq!(copy.unreferenced_examples.len(), 1);
        assert_eq!(copy.unreferenced_examples[0].example, "examples/x.json");
        // 2021-06-01 reads 2021-01-01's folder, which has no workarounds.
        assert!(c
            .get("2021-06-01")
            .unwrap()
            .unreferenced_examples
            .is_empty());
    }
}
