//! `specs/api-versions.toml`: which api-versions we generate, which files form each package,
//! and where the azure-rest-api-specs checkout lives.

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
    /// The packages, oldest first.
    pub api_version: Vec<ApiVersion>,
}

/// One package: an api-version and the spec files that make it up.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiVersion {
    /// e.g. `2023-04-01`.
    pub version: String,
    /// Folder of the spec files, relative to the spec root.
    pub dir: PathBuf,
    /// Entry files, relative to `dir`.
    pub files: Vec<String>,
    /// Known-broken `$ref`s that become untyped JSON values, each with its reason.
    #[serde(default)]
    pub unresolved_refs: Vec<UnresolvedRef>,
    /// Recorded-example checks the replay test excuses, each an example that violates its own
    /// schema (the generator does not read these).
    #[serde(default)]
    pub example_exclusions: Vec<ExampleExclusion>,
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
}

impl Config {
    /// Reads the config file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| Error::new(format!("{}: {e}", path.display())))
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
