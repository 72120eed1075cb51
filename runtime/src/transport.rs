//! How a request leaves the process, for every client azml builds (ARM pipeline, token
//! requests, discovery): an HTTP client that never follows redirects and sends azml's
//! `User-Agent`; the URL policy (HTTPS only, plain HTTP only on loopback; same origin as the
//! configured endpoint); and [`send_once`], one attempt whose outcome is classified (timeout,
//! connect, other, redirect) instead of left as a `reqwest::Error`.
//!
//! Redirects are not followed because a redirected request would carry its bearer token,
//! client secret or body to a host nobody configured; a 3xx becomes [`Error::Redirect`].

use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::error::{
    Error, Limit, RedirectError, RefusedError, RefusedReason, Source, TimeoutError, TransportError,
    TransportKind,
};

/// `User-Agent` azml sends: `azsdk-rust-azml/<version> (<rustc version>; <os>)`, as the Azure
/// SDKs format it, optionally prefixed by an application id.
pub fn user_agent(application_id: Option<&str>) -> String {
    let ua = format!(
        "azsdk-rust-azml/{} ({}; {})",
        env!("CARGO_PKG_VERSION"),
        env!("AZML_RUSTC_VERSION"),
        std::env::consts::OS
    );
    match application_id {
        Some(id) if !id.is_empty() => format!("{id} {ua}"),
        _ => ua,
    }
}

/// An HTTP client with azml's transport settings: no redirects, the `User-Agent`, a connect
/// timeout and the per-attempt `timeout`.
pub fn http_client(
    application_id: Option<&str>,
    timeout: Duration,
) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent(application_id))
        .connect_timeout(timeout.min(Duration::from_secs(30)))
        .timeout(timeout)
        .build()
        .map_err(|e| Error::config_from("cannot build the HTTP client", e))
}

/// `host:port` of a URL (the port spelled out even when it is the scheme's default).
pub fn host_port(u: &reqwest::Url) -> String {
    format!(
        "{}:{}",
        u.host_str().unwrap_or(""),
        u.port_or_known_default().unwrap_or(0)
    )
}

fn origin(u: &reqwest::Url) -> String {
    format!("{}://{}", u.scheme(), host_port(u))
}

fn is_loopback(u: &reqwest::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

fn refused(u: &reqwest::Url, reason: RefusedReason) -> Error {
    Error::Refused(Box::new(RefusedError {
        url: origin(u),
        reason,
    }))
}

/// Parses a URL, refusing one that does not parse.
pub fn parse(url: &str) -> Result<reqwest::Url, Error> {
    reqwest::Url::parse(url).map_err(|_| {
        Error::Refused(Box::new(RefusedError {
            url: url.chars().take(64).collect(),
            reason: RefusedReason::Unparsable,
        }))
    })
}

/// Refuses anything but `https://` (and `http://` on loopback, for tests).
pub fn check_https(u: &reqwest::Url) -> Result<(), Error> {
    if u.scheme() == "https" || (u.scheme() == "http" && is_loopback(u)) {
        Ok(())
    } else {
        Err(refused(u, RefusedReason::NotHttps))
    }
}

/// Refuses `u` unless it is HTTPS and on the same scheme, host and port as `endpoint`.
pub fn check_same_origin(u: &reqwest::Url, endpoint: &reqwest::Url) -> Result<(), Error> {
    check_https(u)?;
    if origin(u) == origin(endpoint) {
        Ok(())
    } else {
        Err(refused(u, RefusedReason::OtherHost(host_port(endpoint))))
    }
}

/// A response read in full: status, headers and body.
#[derive(Clone)]
pub struct Received {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Attempts it took (set by the retry loop; 1 for a single attempt).
    pub attempts: u32,
}

impl std::fmt::Debug for Received {
    /// Status and body length only: a body may hold keys or secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Received")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// Why one attempt failed before a complete response arrived.
#[derive(Debug)]
pub enum Failure {
    /// The attempt timed out.
    Timeout(reqwest::Error),
    /// No connection could be made.
    Connect(reqwest::Error),
    /// Anything else in the transport.
    Other(reqwest::Error),
    /// A 3xx answer (not followed).
    Redirect(Box<RedirectError>),
}

impl Failure {
    fn from_reqwest(e: reqwest::Error) -> Self {
        let e = e.without_url();
        if e.is_timeout() {
            Failure::Timeout(e)
        } else if e.is_connect() {
            Failure::Connect(e)
        } else {
            Failure::Other(e)
        }
    }

    /// Whether no connection was made (so even a POST may be repeated).
    pub fn is_connect(&self) -> bool {
        matches!(self, Failure::Connect(_))
    }

    /// The error for a call that gave up on this failure.
    pub fn into_error(self, tally: Tally) -> Error {
        let transport = |kind, e: reqwest::Error| {
            Error::Transport(Box::new(TransportError {
                kind,
                host: tally.host.clone(),
                attempts: tally.attempts,
                elapsed: tally.elapsed,
                source: Some(Box::new(e) as Source),
            }))
        };
        match self {
            Failure::Timeout(e) => Error::Timeout(Box::new(TimeoutError {
                limit: tally.limit,
                host: tally.host,
                attempts: tally.attempts,
                elapsed: tally.elapsed,
                source: Some(Box::new(e)),
            })),
            Failure::Connect(e) => transport(TransportKind::Connect, e),
            Failure::Other(e) => transport(TransportKind::Other, e),
            Failure::Redirect(mut r) => {
                r.attempts = tally.attempts;
                Error::Redirect(r)
            }
        }
    }
}

/// The circumstances of a call that gave up, for its error.
#[derive(Debug, Clone)]
pub struct Tally {
    /// `host:port` of the request.
    pub host: String,
    /// Attempts made.
    pub attempts: u32,
    /// Time since the first attempt.
    pub elapsed: Duration,
    /// The limit a timeout hit.
    pub limit: Limit,
}

/// Sends one attempt and reads the whole body (under the request's timeout). A 3xx is a
/// [`Failure::Redirect`] naming where it pointed; nothing is sent there.
pub async fn send_once(
    http: &reqwest::Client,
    request: reqwest::Request,
) -> Result<Received, Failure> {
    let from = request.url().clone();
    let response = http.execute(request).await.map_err(Failure::from_reqwest)?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    if (300..400).contains(&status) {
        let location = headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| from.join(l).ok())
            .map(|u| host_port(&u));
        return Err(Failure::Redirect(Box::new(RedirectError {
            status,
            from: host_port(&from),
            location,
            attempts: 1,
        })));
    }
    let body = response.bytes().await.map_err(Failure::from_reqwest)?;
    Ok(Received {
        status,
        headers,
        body: body.to_vec(),
        attempts: 1,
    })
}
