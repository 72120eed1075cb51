//! The hand-written layer behind every generated `Client`: the [`Pipeline`] each client
//! carries, and the two hooks the generated code calls for every request —
//! [`prepare`] (`api-version`, a fresh `x-ms-client-request-id`, the bearer token) and
//! [`execute`] (retries with backoff and `Retry-After`, one re-authentication on 401).
//!
//! Bearer tokens only go to the configured ARM endpoint, over HTTPS (plain HTTP only for
//! loopback, for tests); any other request is refused before it is sent.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use tracing::Instrument;

use crate::auth::{Cloud, Secret, TokenCache, TokenCredential};
use crate::error::Error;

/// Response header azml adds to a response it gives up retrying: how many attempts were made.
pub const ATTEMPTS_HEADER: &str = "x-azml-attempts";

/// Retry policy for transient failures (408, 429, 500, 502, 503, 504, connection errors).
#[derive(Debug, Clone)]
pub struct RetryOptions {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff delay (doubles each retry, ±20% jitter).
    pub initial_delay: Duration,
    /// Cap on one delay (also caps `Retry-After`).
    pub max_delay: Duration,
    /// Cap on the time spent retrying one request.
    pub max_total: Duration,
}

impl Default for RetryOptions {
    fn default() -> Self {
        RetryOptions {
            max_retries: 3,
            initial_delay: Duration::from_millis(800),
            max_delay: Duration::from_secs(60),
            max_total: Duration::from_secs(300),
        }
    }
}

/// Shared, cheaply clonable state of a client.
#[derive(Clone)]
pub struct Pipeline {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    endpoint: reqwest::Url,
    tokens: Option<TokenCache>,
    retry: RetryOptions,
    poll_interval: Duration,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("endpoint", &self.inner.endpoint.as_str())
            .field("credential", &self.inner.tokens)
            .field("retry", &self.inner.retry)
            .field("poll_interval", &self.inner.poll_interval)
            .finish()
    }
}

/// Builds a [`Pipeline`].
#[derive(Debug, Clone)]
pub struct PipelineBuilder {
    endpoint: String,
    scope: Option<String>,
    credential: Option<Arc<dyn TokenCredential>>,
    retry: RetryOptions,
    poll_interval: Duration,
    timeout: Duration,
}

impl PipelineBuilder {
    /// Endpoint and token scope of a cloud.
    pub fn cloud(mut self, cloud: &Cloud) -> Self {
        self.endpoint = cloud.resource_manager().to_string();
        self.scope = Some(cloud.arm_scope());
        self
    }

    /// A custom ARM endpoint (the token scope stays the cloud's unless set).
    pub fn endpoint(mut self, endpoint: &str) -> Self {
        self.endpoint = endpoint.to_string();
        self
    }

    /// The token scope (default `{endpoint}/.default`).
    pub fn scope(mut self, scope: &str) -> Self {
        self.scope = Some(scope.to_string());
        self
    }

    /// The credential whose tokens are sent (none: requests go unauthenticated).
    pub fn credential(mut self, credential: Arc<dyn TokenCredential>) -> Self {
        self.credential = Some(credential);
        self
    }

    /// Retry policy.
    pub fn retry(mut self, retry: RetryOptions) -> Self {
        self.retry = retry;
        self
    }

    /// Default wait between long-running-operation polls when no `Retry-After` is sent.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Per-request timeout (default 120 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The pipeline; fails on an endpoint that is not a URL.
    pub fn build(self) -> Result<Pipeline, Error> {
        let endpoint = reqwest::Url::parse(&self.endpoint)
            .map_err(|e| Error::Other(format!("bad ARM endpoint {:?}: {e}", self.endpoint)))?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(30))
            .timeout(self.timeout)
            .build()
            .map_err(Error::from)?;
        let scope = self
            .scope
            .unwrap_or_else(|| format!("{}/.default", self.endpoint.trim_end_matches('/')));
        Ok(Pipeline {
            inner: Arc::new(Inner {
                http,
                endpoint,
                tokens: self.credential.map(|c| TokenCache::new(c, scope)),
                retry: self.retry,
                poll_interval: self.poll_interval,
            }),
        })
    }
}

impl Pipeline {
    /// A builder: public cloud, no credential, default retries, 5 s poll interval.
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder {
            endpoint: Cloud::Public.resource_manager().to_string(),
            scope: None,
            credential: None,
            retry: RetryOptions::default(),
            poll_interval: Duration::from_secs(5),
            timeout: Duration::from_secs(120),
        }
    }

    /// Public cloud, no credential (unauthenticated requests; for tests and local mocks).
    pub fn new() -> Self {
        Self::builder()
            .build()
            .expect("the default endpoint parses")
    }

    /// Public cloud with `credential`.
    pub fn with_credential(credential: Arc<dyn TokenCredential>) -> Self {
        Self::builder()
            .credential(credential)
            .build()
            .expect("the default endpoint parses")
    }

    /// The same pipeline with another default interval between polls.
    pub fn with_poll_interval(&self, interval: Duration) -> Self {
        let i = &self.inner;
        Pipeline {
            inner: Arc::new(Inner {
                http: i.http.clone(),
                endpoint: i.endpoint.clone(),
                tokens: i.tokens.clone(),
                retry: i.retry.clone(),
                poll_interval: interval,
            }),
        }
    }

    /// The configured ARM endpoint, e.g. `https://management.azure.com`.
    pub fn endpoint(&self) -> &str {
        self.inner.endpoint.as_str().trim_end_matches('/')
    }

    /// The underlying HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// Default interval between polls.
    pub fn poll_interval(&self) -> Duration {
        self.inner.poll_interval
    }

    /// Refuses a URL the service handed back (poll URL, nextLink) unless it is on the
    /// client's endpoint (`base_url`: scheme, host, port) and HTTPS (HTTP only on loopback).
    pub fn check_url(&self, base_url: &str, url: &str) -> Result<(), Error> {
        let base = reqwest::Url::parse(base_url)
            .map_err(|e| Error::Other(format!("bad base URL: {e}")))?;
        let u = reqwest::Url::parse(url)
            .map_err(|_| Error::Refused("a URL that does not parse".into()))?;
        check_transport(&u)?;
        if !same_origin(&u, &base) {
            return Err(Error::Refused(format!(
                "host {} is not the configured endpoint {}",
                u.host_str().unwrap_or(""),
                base.host_str().unwrap_or("")
            )));
        }
        Ok(())
    }

    /// Adds the bearer token, after checking the URL may receive it.
    async fn authorize(&self, request: &mut reqwest::Request) -> Result<Option<Secret>, Error> {
        let Some(tokens) = &self.inner.tokens else {
            return Ok(None);
        };
        let url = request.url();
        check_transport(url)?;
        if !same_origin(url, &self.inner.endpoint) {
            return Err(Error::Refused(format!(
                "will not send the ARM token to {}: not the configured endpoint {}",
                url.host_str().unwrap_or(""),
                self.inner.endpoint.host_str().unwrap_or("")
            )));
        }
        let token = tokens.token().await?;
        let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .map_err(|_| Error::Auth("token is not a valid header value".into()))?;
        value.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(Some(token))
    }

    /// GETs an absolute URL (poll URL, nextLink) through the pipeline: checked, authorized,
    /// retried. Returns status, headers and body.
    pub async fn get(&self, url: &str) -> Result<(u16, HeaderMap, Vec<u8>), Error> {
        let mut request = self
            .inner
            .http
            .get(url)
            .header("accept", "application/json")
            .build()?;
        set_request_id(&mut request);
        self.authorize(&mut request).await?;
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

fn is_loopback(u: &reqwest::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

fn check_transport(u: &reqwest::Url) -> Result<(), Error> {
    if u.scheme() == "https" || (u.scheme() == "http" && is_loopback(u)) {
        Ok(())
    } else {
        Err(Error::Refused(format!(
            "{}://{} is not HTTPS",
            u.scheme(),
            u.host_str().unwrap_or("")
        )))
    }
}

fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// A random-enough UUID v4 string for `x-ms-client-request-id`.
fn new_request_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let a = h.finish();
    h.write_u64(a);
    let b = h.finish();
    let hi = (a & 0xffff_ffff_ffff_0fff) | 0x4000;
    let lo = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

fn set_request_id(request: &mut reqwest::Request) {
    let id = HeaderValue::from_str(&new_request_id()).expect("hex is a valid header");
    request.headers_mut().insert("x-ms-client-request-id", id);
}

/// Before sending a generated operation's request: `api-version`, a fresh
/// `x-ms-client-request-id`, and the bearer token.
pub async fn prepare(
    p: &Pipeline,
    request: &mut reqwest::Request,
    api_version: &str,
) -> Result<(), Error> {
    request
        .url_mut()
        .query_pairs_mut()
        .append_pair("api-version", api_version);
    request.headers_mut().remove("api-version");
    set_request_id(request);
    p.authorize(request).await?;
    Ok(())
}

fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// Whether a failed attempt may be repeated: idempotent verbs always; POST/PATCH only when
/// the service said it did not process the request (408, 429, 503) or the connection was
/// never made.
fn safe_to_retry(method: &reqwest::Method, status: Option<u16>, connect_error: bool) -> bool {
    let idempotent = matches!(
        method.as_str(),
        "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS"
    );
    idempotent || connect_error || matches!(status, Some(408 | 429 | 503))
}

fn backoff(retry: &RetryOptions, attempt: u32) -> Duration {
    let base = retry
        .initial_delay
        .saturating_mul(1u32 << attempt.min(16))
        .min(retry.max_delay);
    // ±20% jitter from the request-id generator's randomness.
    let jitter = (new_request_id().as_bytes()[0] as f64 / 255.0) * 0.4 + 0.8;
    base.mul_f64(jitter).min(retry.max_delay)
}

/// Sends a request with retries; on a 401 drops the cached token and retries once with a
/// new one. A response still failing after the last retry carries [`ATTEMPTS_HEADER`].
pub async fn execute(
    p: &Pipeline,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let span = tracing::debug_span!(
        "azml.request",
        method = %request.method(),
        host = request.url().host_str().unwrap_or(""),
        path = request.url().path(),
        client_request_id = request.headers().get("x-ms-client-request-id").and_then(|v| v.to_str().ok()).unwrap_or(""),
    );
    execute_inner(p, request).instrument(span).await
}

async fn execute_inner(
    p: &Pipeline,
    mut request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let retry = &p.inner.retry;
    let started = Instant::now();
    let mut attempt: u32 = 0;
    let mut reauthenticated = false;
    loop {
        let Some(this) = request.try_clone() else {
            // Streaming bodies cannot be replayed: one attempt.
            return p.inner.http.execute(request).await;
        };
        attempt += 1;
        let result = p.inner.http.execute(this).await;
        let (status, delay_hint, connect_error) = match &result {
            Ok(r) => (
                Some(r.status().as_u16()),
                crate::lro::retry_after(r.headers()),
                false,
            ),
            Err(e) => (None, None, e.is_connect()),
        };
        match (&result, status) {
            (Ok(_), Some(401)) if !reauthenticated && p.inner.tokens.is_some() => {
                reauthenticated = true;
                tracing::debug!(attempt, "401 from ARM: refreshing the token once");
                let rejected = request
                    .headers()
                    .get(AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .map(Secret::new);
                if let (Some(tokens), Some(rejected)) = (&p.inner.tokens, rejected) {
                    tokens.invalidate(&rejected).await;
                }
                if p.authorize(&mut request).await.is_err() {
                    return result;
                }
                attempt -= 1;
                continue;
            }
            (Ok(_), Some(s)) if !retryable_status(s) => return result,
            (Err(e), _) if !(e.is_connect() || e.is_timeout() || e.is_request()) => return result,
            _ => {}
        }
        let can_retry =
            attempt <= retry.max_retries && safe_to_retry(request.method(), status, connect_error);
        let delay = delay_hint
            .unwrap_or_else(|| backoff(retry, attempt - 1))
            .min(retry.max_delay);
        if !can_retry || started.elapsed() + delay > retry.max_total {
            tracing::warn!(
                attempts = attempt,
                status,
                "giving up after {attempt} attempt(s)"
            );
            return result.map(|mut r| {
                if attempt > 1 {
                    r.headers_mut()
                        .insert(ATTEMPTS_HEADER, HeaderValue::from(attempt));
                }
                r
            });
        }
        tracing::debug!(
            attempt,
            status,
            delay_ms = delay.as_millis() as u64,
            "retrying"
        );
        tokio::time::sleep(delay).await;
    }
}
