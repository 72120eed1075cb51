//! azml's code generator: reads Azure Machine Learning Swagger 2.0 specs and emits the typed
//! Rust client crate in `generated/`.
//!
//! Stages, one module each: [`config`] (which api-versions, which files) → [`load`] (files and
//! `$ref`s, each document read once into the typed model of [`swagger`]) → [`normalize`] (one
//! [`ir::Api`] per api-version, its field facts settled by [`settle`], checked by [`validate`])
//! → emit ([`emit_models`] for types,
//! [`emit_client`] for operations through progenitor, [`emit_dispatch`] for the per-operation
//! read-only and dispatch tables) → [`format`](mod@format) (prettyplease + header).
//! [`generate`] runs them all and returns the files to write; `cargo xtask generate` writes them.

pub mod config;
pub mod diff;
pub mod emit_calls;
pub mod emit_client;
pub mod emit_dispatch;
pub mod emit_groups;
pub mod emit_models;
pub mod format;
pub mod guard;
pub mod ir;
pub mod load;
pub mod mutate;
pub mod names;
pub mod normalize;
pub mod openapi;
pub mod settle;
pub mod swagger;
pub mod validate;

use std::collections::BTreeSet;
use std::path::Path;

pub use config::Config;

/// A generator error: one line that says what and where (file and JSON pointer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    /// An error with this message.
    pub fn new(msg: impl Into<String>) -> Self {
        Error(msg.into())
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// One output file: path relative to the repository root, and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// e.g. `generated/src/v2023_04_01/models.rs`.
    pub path: String,
    /// Full file contents.
    pub contents: String,
}

/// Loads and normalizes one configured api-version, wherever its layout puts it.
pub fn load_api(
    config: &Config,
    spec_root: &Path,
    av: &config::ApiVersion,
) -> Result<ir::Api, Error> {
    let located = config.locate(av, spec_root)?;
    normalize::normalize(&load_package(spec_root, av, &located)?, &av.version)
}

/// Loads the files of a located package, tolerating its configured broken `$ref`s.
pub fn load_package(
    spec_root: &Path,
    av: &config::ApiVersion,
    located: &config::Located,
) -> Result<load::SpecSet, Error> {
    let tolerated: BTreeSet<String> = av
        .unresolved_refs
        .iter()
        .map(|u| format!("{}/{}", located.dir, u.pointer))
        .collect();
    load::SpecSet::load(spec_root, &located.entries(), tolerated)
}

/// Emits one normalized api-version as the files of its module `generated/src/<module>/`.
/// A panic in an emitter (progenitor included) is caught and reported as an error naming the
/// operation that causes it.
pub fn emit_version(api: &ir::Api, module: &str) -> Result<Vec<OutputFile>, Error> {
    let header = format::header(api);
    let models = guard::no_panic(api, "the model emitter", |a| Ok(emit_models::emit(a)))?;
    let client = guard::no_panic(api, "the client emitter", emit_client::emit)?;
    let dispatch = guard::no_panic(api, "the dispatch emitter", |a| {
        emit_dispatch::emit(a, &client)
    })?;
    Ok(vec![
        OutputFile {
            path: format!("generated/src/{module}/models.rs"),
            contents: format::file(&header, models)?,
        },
        OutputFile {
            path: format!("generated/src/{module}/dispatch.rs"),
            contents: format::file(&header, dispatch)?,
        },
        OutputFile {
            path: format!("generated/src/{module}/client.rs"),
            contents: format::file(&header, client)?,
        },
        OutputFile {
            path: format!("generated/src/{module}/mod.rs"),
            contents: format::file(&header, emit_client::emit_mod(api))?,
        },
    ])
}

/// Generates every file of `generated/` that the generator owns, for every configured
/// api-version. Deterministic: same specs, same bytes.
pub fn generate(config: &Config, spec_root: &Path) -> Result<Vec<OutputFile>, Error> {
    let mut files = Vec::new();
    let mut modules = Vec::new();
    for av in &config.api_version {
        let api = load_api(config, spec_root, av)?;
        let module = av.module_name();
        files.extend(emit_version(&api, &module)?);
        modules.push((module, av.version.clone()));
    }
    files.push(OutputFile {
        path: "generated/src/versions.rs".into(),
        contents: format::file(
            &format::versions_header(config),
            emit_client::emit_versions(&modules),
        )?,
    });
    Ok(files)
}
