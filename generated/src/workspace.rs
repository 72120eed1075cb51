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
        let cwd = std::env::current_dir()
            .map_err(|e| Error::Other(format!("no current directory: {e}")))?;
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
        Err(Error::Other(format!(
            "no config.json or .azureml/config.json in {} or its parents",
            start.display()
        )))
    }

    /// Reads one config file.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Other(format!("{}: {e}", path.display())))?;
        let mut c: WorkspaceConfig = serde_json::from_str(&text)
            .map_err(|e| Error::Other(format!("{}: {e}", path.display())))?;
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

/// GETs a workspace's `discoveryUrl` (HTTPS only; plain HTTP only on loopback, for tests).
pub async fn discover(
    http: &reqwest::Client,
    discovery_url: &str,
) -> Result<RegionalEndpoints, Error> {
    let url = reqwest::Url::parse(discovery_url)
        .map_err(|e| Error::Other(format!("bad discoveryUrl: {e}")))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
        return Err(Error::Refused(format!(
            "discoveryUrl {} is not HTTPS",
            url.host_str().unwrap_or("")
        )));
    }
    let response = http
        .get(url)
        .header("accept", "application/json")
        .send()
        .await?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await?;
    if !(200..300).contains(&status) {
        let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        return Err(Error::Api(Box::new(crate::error::ApiError::from_body(
            status, body, None,
        ))));
    }
    serde_json::from_slice(&bytes).map_err(|e| Error::Decode(format!("discovery document: {e}")))
}
