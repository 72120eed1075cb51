//! The pipeline behind every generated `Client`: the [`Pipeline`] each client carries and
//! [`send`], which the generated operations call for every request — `api-version`, read-only
//! stripping, a fresh `x-ms-client-request-id`, the bearer token — then [`execute`]: retries
//! with backoff and `Retry-After` (see [`crate::retry`]), one re-authentication on 401, a
//! per-attempt timeout and a deadline for the whole call, and an error status turned into
//! [`Error::Service`].
//!
//! Bearer tokens only go to the configured ARM endpoint, over HTTPS (plain HTTP only for
//! loopback, for tests); any other request is refused before it is sent, and redirects are
//! never followed (see [`crate::transport`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderValue, AUTHORIZATION};
use tracing::Instrument;

use crate::auth::{Cloud, Secret, TokenCache, TokenCredential};
use crate::error::{Error, Limit};
pub use crate::retry::RetryOptions;
use crate::retry::{retry_after, retryable_status, safe_to_retry};
use crate::transport::{self, Failure, Received, Tally};

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Shared, cheaply clonable state of a client.
#[derive(Clone)]
pub struct Pipeline {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    http: reqwest::Client,
    endpoint: reqwest::Url,
    tokens: Option<TokenCache>,
    retry: RetryOptions,
    timeout: Duration,
    poll: PollOptions,
    subscription_id: String,
}

/// How long-running operations are polled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollOptions {
    /// Wait between polls when the service sends no `Retry-After` (default 5 s).
    pub interval: Duration,
    /// Cap on a `Retry-After` between polls (default 60 s).
    pub max_retry_after: Duration,
    /// Deadline of a poller's `.await` / `wait` (default 1 hour).
    pub deadline: Duration,
}

impl Default for PollOptions {
    fn default() -> Self {
        PollOptions {
            interval: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
            deadline: Duration::from_secs(3600),
        }
    }
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("endpoint", &self.inner.endpoint.as_str())
            .field("credential", &self.inner.tokens)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field("poll", &self.inner.poll)
            .field("subscription_id", &self.inner.subscription_id)
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
    poll: PollOptions,
    timeout: Duration,
    application_id: Option<String>,
    http: Option<reqwest::Client>,
    subscription_id: String,
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

    /// Retry policy and the deadline of one call ([`RetryOptions::max_total`], default 300 s).
    pub fn retry(mut self, retry: RetryOptions) -> Self {
        self.retry = retry;
        self
    }

    /// Default wait between long-running-operation polls when no `Retry-After` is sent.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll.interval = interval;
        self
    }

    /// Long-running-operation polling: interval, `Retry-After` cap, deadline.
    pub fn poll(mut self, poll: PollOptions) -> Self {
        self.poll = poll;
        self
    }

    /// Timeout of one attempt, from sending the request to reading the whole response
    /// (default 120 s). A call's retries share the deadline [`RetryOptions::max_total`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// An application id put before azml's `User-Agent` (`<id> azsdk-rust-azml/…`), as the
    /// Azure SDKs' `ApplicationId`; at most 24 characters, no spaces.
    pub fn application_id(mut self, id: &str) -> Self {
        self.application_id = Some(id.to_string());
        self
    }

    /// Your own HTTP client instead of azml's (which never follows redirects); see
    /// [`crate::options::ClientOptions::http_client`].
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The subscription every operation of a client built on this pipeline addresses.
    pub fn subscription_id(mut self, id: &str) -> Self {
        self.subscription_id = id.to_string();
        self
    }

    /// The pipeline; fails on an endpoint that is not an HTTPS URL (plain HTTP only on
    /// loopback) or a bad application id.
    pub fn build(self) -> Result<Pipeline, Error> {
        let endpoint = reqwest::Url::parse(&self.endpoint)
            .map_err(|e| Error::config_from(format!("bad ARM endpoint {:?}", self.endpoint), e))?;
        transport::check_https(&endpoint)?;
        if let Some(id) = &self.application_id {
            if id.len() > 24 || id.contains(char::is_whitespace) {
                return Err(Error::config(format!(
                    "application id {id:?}: at most 24 characters, no spaces"
                )));
            }
        }
        let http = match self.http {
            Some(http) => http,
            None => transport::http_client(self.application_id.as_deref(), self.timeout)?,
        };
        let scope = self
            .scope
            .unwrap_or_else(|| format!("{}/.default", self.endpoint.trim_end_matches('/')));
        Ok(Pipeline {
            inner: Arc::new(Inner {
                http,
                endpoint,
                tokens: self.credential.map(|c| TokenCache::new(c, scope)),
                retry: self.retry,
                timeout: self.timeout,
                poll: self.poll,
                subscription_id: self.subscription_id,
            }),
        })
    }
}

impl Pipeline {
    /// A builder: public cloud, no credential, default retries and polling, 120 s attempts.
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder {
            endpoint: Cloud::Public.resource_manager().to_string(),
            scope: None,
            credential: None,
            retry: RetryOptions::default(),
            poll: PollOptions::default(),
            timeout: Duration::from_secs(120),
            application_id: None,
            http: None,
            subscription_id: String::new(),
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
        let mut inner = (*self.inner).clone();
        inner.poll.interval = interval;
        Pipeline {
            inner: Arc::new(inner),
        }
    }

    /// The configured ARM endpoint, e.g. `https://management.azure.com`.
    pub fn endpoint(&self) -> &str {
        self.inner.endpoint.as_str().trim_end_matches('/')
    }

    /// The subscription id given at construction (empty when none was).
    pub fn subscription_id(&self) -> &str {
        &self.inner.subscription_id
    }

    /// The underlying HTTP client (no redirects, azml's `User-Agent`).
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// Default interval between polls.
    pub fn poll_interval(&self) -> Duration {
        self.inner.poll.interval
    }

    /// Polling options.
    pub fn poll_options(&self) -> PollOptions {
        self.inner.poll
    }

    /// Refuses a URL the service handed back (poll URL, nextLink) unless it is on the
    /// client's endpoint (`base_url`: scheme, host, port) and HTTPS (HTTP only on loopback).
    pub fn check_url(&self, base_url: &str, url: &str) -> Result<(), Error> {
        let base = reqwest::Url::parse(base_url)
            .map_err(|e| Error::config_from(format!("bad base URL {base_url:?}"), e))?;
        transport::check_same_origin(&transport::parse(url)?, &base)
    }

    /// Adds the bearer token, after checking the URL may receive it.
    async fn authorize(&self, request: &mut reqwest::Request) -> Result<(), Error> {
        let Some(tokens) = &self.inner.tokens else {
            return Ok(());
        };
        transport::check_same_origin(request.url(), &self.inner.endpoint)?;
        let token = tokens.token().await?;
        let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .map_err(|_| Error::config("the token is not a valid header value"))?;
        value.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(())
    }

    /// GETs an absolute URL (poll URL, nextLink) through the pipeline: checked, authorized,
    /// retried; an error status is an [`Error::Service`].
    pub async fn get(&self, url: &str) -> Result<Received, Error> {
        let mut request = self.get_request(url)?;
        self.authorize(&mut request).await?;
        execute(self, request).await?.error_for_status()
    }

    /// GETs an HTTPS URL on any host without the ARM token (discovery documents), retried.
    pub async fn get_anonymous(&self, url: &str) -> Result<Received, Error> {
        let request = self.get_request(url)?;
        transport::check_https(request.url())?;
        execute(self, request).await?.error_for_status()
    }

    fn get_request(&self, url: &str) -> Result<reqwest::Request, Error> {
        let mut request = self
            .inner
            .http
            .get(transport::parse(url)?)
            .header("accept", "application/json")
            .build()?;
        set_request_id(&mut request);
        Ok(request)
    }
}

impl Default for Pipeline {
    fn default() -> Self {
        Self::new()
    }
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

/// Sends a generated operation's request: `api-version`, read-only properties stripped from
/// the body (`shape`), a fresh `x-ms-client-request-id`, the bearer token; then
/// [`execute`]. An error status (after retries) is an [`Error::Service`].
///
/// Boxed, so that each generated operation's future holds a pointer rather than the whole
/// retry loop (smaller futures, less stack, less code per operation).
pub fn send<'a>(
    p: &'a Pipeline,
    request: reqwest::Request,
    api_version: &'static str,
    shape: Option<&'static crate::json::Shape>,
) -> BoxFuture<'a, Result<Received, Error>> {
    Box::pin(send_inner(p, request, api_version, shape))
}

async fn send_inner(
    p: &Pipeline,
    mut request: reqwest::Request,
    api_version: &str,
    shape: Option<&'static crate::json::Shape>,
) -> Result<Received, Error> {
    if let Some(shape) = shape {
        crate::json::strip_request_body(&mut request, shape);
    }
    request
        .url_mut()
        .query_pairs_mut()
        .append_pair("api-version", api_version);
    request.headers_mut().remove("api-version");
    set_request_id(&mut request);
    p.authorize(&mut request).await?;
    execute(p, request).await?.error_for_status()
}

/// Sends a request with retries, each attempt under the per-attempt timeout and all of them
/// within [`RetryOptions::max_total`]; on a 401 to a request that carried a token, drops the
/// cached token and retries once with a new one. Returns the last response (its `attempts`
/// set), or the error of the last failed attempt with attempts and elapsed time.
pub async fn execute(p: &Pipeline, request: reqwest::Request) -> Result<Received, Error> {
    let span = tracing::debug_span!(
        "azml.request",
        method = %request.method(),
        host = request.url().host_str().unwrap_or(""),
        path = request.url().path(),
        client_request_id = request.headers().get("x-ms-client-request-id").and_then(|v| v.to_str().ok()).unwrap_or(""),
    );
    execute_inner(p, request).instrument(span).await
}

async fn execute_inner(p: &Pipeline, mut request: reqwest::Request) -> Result<Received, Error> {
    let retry = &p.inner.retry;
    let started = Instant::now();
    let host = transport::host_port(request.url());
    let mut attempts: u32 = 0;
    let mut reauthenticated = false;
    loop {
        let remaining = retry.max_total.saturating_sub(started.elapsed());
        let limit = if remaining < p.inner.timeout {
            Limit::Call(retry.max_total)
        } else {
            Limit::Attempt(p.inner.timeout)
        };
        let mut this = request
            .try_clone()
            .ok_or_else(|| Error::config("a streaming request body cannot be sent"))?;
        *this.timeout_mut() = Some(p.inner.timeout.min(remaining));
        attempts += 1;
        let outcome = transport::send_once(&p.inner.http, this).await;
        let (status, hint) = match &outcome {
            Ok(r) => (Some(r.status), retry_after(&r.headers)),
            Err(_) => (None, None),
        };
        match &outcome {
            Ok(r)
                if r.status == 401
                    && !reauthenticated
                    && request.headers().contains_key(AUTHORIZATION) =>
            {
                reauthenticated = true;
                tracing::debug!(attempts, "401 from ARM: refreshing the token once");
                let rejected = request
                    .headers()
                    .get(AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .map(Secret::new);
                if let (Some(tokens), Some(rejected)) = (&p.inner.tokens, rejected) {
                    tokens.invalidate(&rejected).await;
                }
                if p.authorize(&mut request).await.is_ok() {
                    attempts -= 1;
                    continue;
                }
            }
            Ok(r) if !retryable_status(r.status) => {}
            Err(Failure::Redirect(_)) => {}
            _ => {
                let connect = matches!(&outcome, Err(f) if f.is_connect());
                let delay = hint
                    .map(|h| h.min(retry.max_delay))
                    .unwrap_or_else(|| retry.backoff(attempts - 1));
                if attempts <= retry.max_retries
                    && safe_to_retry(request.method(), status, connect)
                    && started.elapsed() + delay < retry.max_total
                {
                    tracing::debug!(
                        attempts,
                        status,
                        delay_ms = delay.as_millis() as u64,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                    continue;
                }
            }
        }
        if outcome.as_ref().map_or(true, |r| r.status >= 400) {
            tracing::warn!(attempts, status, "giving up after {attempts} attempt(s)");
        }
        return match outcome {
            Ok(mut r) => {
                r.attempts = attempts;
                Ok(r)
            }
            Err(f) => Err(f.into_error(Tally {
                host,
                attempts,
                elapsed: started.elapsed(),
                limit,
            })),
        };
    }
}
