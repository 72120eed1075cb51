//! The hand-written layer behind every generated `Client`: what each request gets before it is
//! sent (api-version) and how it is sent.

/// Shared state of a client: the ARM endpoint it talks to.
#[derive(Debug, Clone)]
pub struct Pipeline {
    _private: (),
}

impl Pipeline {
    /// A pipeline with default settings.
    pub fn new() -> Self {
        Pipeline { _private: () }
    }
}

impl Default for Pipeline {
    fn default() -> Self {
        Self::new()
    }
}

/// Error raised while preparing a request.
#[derive(Debug)]
pub struct PrepareError(String);

impl std::fmt::Display for PrepareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Adds `api-version` to the query string.
pub async fn prepare(
    _p: &Pipeline,
    request: &mut reqwest::Request,
    api_version: &str,
) -> Result<(), PrepareError> {
    request
        .url_mut()
        .query_pairs_mut()
        .append_pair("api-version", api_version);
    Ok(())
}

/// Sends a request.
pub async fn execute(
    _p: &Pipeline,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(reqwest::Client::new)
        .execute(request)
        .await
}
