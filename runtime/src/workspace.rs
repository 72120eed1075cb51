//! Workspace helpers beyond the management API: [`WorkspaceConfig::from_config`] finds
//! `config.json` / `.azureml/config.json` in the current directory or its parents (as the
//! Python SDK does), and [`discover`] GETs a workspace's `discoveryUrl` and returns the
//! regional endpoints as a typed struct.
//!
//! The discovery document is on a regional host, not the ARM endpoint: it is fetched without
//! the ARM token.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;

/// The contents of an Azure ML `config.json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WorkspaceConfig {
    /// Subscription id.
    pub subscription_id: String,
    /// Resource group name.
    pub resource_group: String,
    /// Workspace name.
    pub workspace_name: String,
    /// The file it was read from.
    #[serde(skip)]
    pub path: PathBuf,
}

impl WorkspaceConfig {
    /// Searches the current directory and its parents.
    pub fn from_config() -> Result<Self, Error> {
        let cwd =
            std::env::current_dir().map_err(|e| Error::config_from("no current directory", e))?;
        Self::find_from(&cwd)
    }

    /// Searches `start` and its parents for `config.json` or `.azureml/config.json`.
    pub fn find_from(start: &Path) -> Result<Self, Error> {
        for dir in start.ancestors() {
            for candidate in [
                dir.join("config.json"),
                dir.join(".azureml").join("config.json"),
            ] {
                if candidate.is_file() {
                    return Self::read(&candidate);
                }
            }
        }
        Err(Error::config(format!(
            "no config.json or .azureml/config.json in {} or its parents",
            start.display()
        )))
    }

    /// Reads one config file.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::config_from(path.display().to_string(), e))?;
        let mut c: WorkspaceConfig = serde_json::from_str(&text)
            .map_err(|e| Error::config_from(path.display().to_string(), e))?;
        c.path = path.to_path_buf();
        Ok(c)
    }
}

/// The regional endpoints a workspace's `discoveryUrl` returns.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RegionalEndpoints {
    /// The regional API server, e.g. `https://centralus.api.azureml.ms`.
    pub api: String,
    /// Catalog service.
    pub catalog: Option<String>,
    /// Experimentation service.
    pub experimentation: Option<String>,
    /// Gallery.
    pub gallery: Option<String>,
    /// Run history service.
    pub history: Option<String>,
    /// Hyperparameter tuning service.
    pub hyperdrive: Option<String>,
    /// Labeling service.
    pub labeling: Option<String>,
    /// Model management service.
    pub modelmanagement: Option<String>,
    /// Pipelines service.
    pub pipelines: Option<String>,
    /// Studio core services.
    pub studiocoreservices: Option<String>,
}

/// GETs a workspace's `discoveryUrl` through `pipeline`'s transport (HTTPS only, plain HTTP
/// only on loopback; retried; no redirects) without the ARM token.
pub async fn discover(
    pipeline: &crate::runtime::Pipeline,
    discovery_url: &str,
) -> Result<RegionalEndpoints, Error> {
    let response = pipeline.get_anonymous(discovery_url).await?;
    let body = response.value()?.unwrap_or(serde_json::Value::Null);
    serde_json::from_value(body).map_err(|e| {
        crate::response::decode_error(
            response.status,
            String::new(),
            e.to_string(),
            Some(Box::new(e)),
        )
    })
}
