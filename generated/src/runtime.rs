//! The hand-written layer behind every generated `Client`: the [`Pipeline`] each client carries
//! (HTTP client, polling interval), what each request gets before it is sent (`api-version`),
//! and the URL policy for URLs the service hands back (poll URLs, nextLinks).

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::error::Error;

/// Shared, cheaply clonable state of a client.
#[derive(Clone)]
pub struct Pipeline {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    poll_interval: Duration,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("poll_interval", &self.inner.poll_interval)
            .finish_non_exhaustive()
    }
}

impl Pipeline {
    /// A pipeline with a 5-second default polling interval and ARM-suited timeouts.
    pub fn new() -> Self {
        Self::builder(Duration::from_secs(5))
    }

    fn builder(poll_interval: Duration) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(30))
            .timeout(Duration::from_secs(120))
            .build()
            .expect("reqwest client builds with static settings");
        Pipeline {
            inner: Arc::new(Inner {
                http,
                poll_interval,
            }),
        }
    }

    /// The same pipeline with another default interval between long-running-operation polls
    /// (used when the service sends no `Retry-After`).
    pub fn with_poll_interval(&self, interval: Duration) -> Self {
        Pipeline {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                poll_interval: interval,
            }),
        }
    }

    /// Default interval between polls.
    pub fn poll_interval(&self) -> Duration {
        self.inner.poll_interval
    }

    /// Refuses a URL the service handed back unless it is on the configured endpoint's
    /// scheme, host and port, and HTTPS (plain HTTP only for loopback).
    pub fn check_url(&self, base_url: &str, url: &str) -> Result<(), Error> {
        let base = reqwest::Url::parse(base_url)
            .map_err(|e| Error::Other(format!("bad base URL: {e}")))?;
        let u = reqwest::Url::parse(url)
            .map_err(|_| Error::Refused("a URL that does not parse".into()))?;
        let loopback = |u: &reqwest::Url| {
            matches!(u.host(), Some(url::Host::Ipv4(a)) if a.is_loopback())
                || matches!(u.host(), Some(url::Host::Ipv6(a)) if a.is_loopback())
                || u.host_str() == Some("localhost")
        };
        if u.scheme() != "https" && !(u.scheme() == "http" && loopback(&u)) {
            return Err(Error::Refused(format!(
                "{}://{} is not HTTPS",
                u.scheme(),
                u.host_str().unwrap_or("")
            )));
        }
        if u.scheme() != base.scheme()
            || u.host_str() != base.host_str()
            || u.port_or_known_default() != base.port_or_known_default()
        {
            return Err(Error::Refused(format!(
                "host {} is not the configured endpoint {}",
                u.host_str().unwrap_or(""),
                base.host_str().unwrap_or("")
            )));
        }
        Ok(())
    }

    /// GETs a URL (already checked) and returns status, headers and body.
    pub async fn get(&self, url: &str) -> Result<(u16, HeaderMap, Vec<u8>), Error> {
        let request = self
            .inner
            .http
            .get(url)
            .header("accept", "application/json")
            .build()?;
        let response = execute(self, request).await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?;
        Ok((status, headers, bytes.to_vec()))
    }
}

impl Default for Pipeline {
    fn default() -> Self {
        Self::new()
    }
}

/// Adds `api-version` to the query string of a generated operation's request.
pub async fn prepare(
    _p: &Pipeline,
    request: &mut reqwest::Request,
    api_version: &str,
) -> Result<(), Error> {
    request
        .url_mut()
        .query_pairs_mut()
        .append_pair("api-version", api_version);
    Ok(())
}

/// Sends a request.
pub async fn execute(
    p: &Pipeline,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    p.inner.http.execute(request).await
}
