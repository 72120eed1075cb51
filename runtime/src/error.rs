//! [`Error`], the one error type of every call azml offers — plain operations, long-running
//! operations, pagers, token requests and workspace discovery. Each kind keeps typed data
//! (status, ARM error fields, attempts, elapsed time, host and port) rather than text, its
//! `Display` is one line without headers, and [`std::error::Error::source`] gives the
//! underlying error where there is one.
//!
//! Nothing here holds a request body, a bearer token or a client secret. A service error keeps
//! at most [`BODY_START`] bytes of a non-JSON response body.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

/// How many bytes of a non-JSON error body [`ServiceError::body_start`] keeps.
pub const BODY_START: usize = 160;

/// A boxed error usable as a `source()`.
pub type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in a call. Match on the kind; each holds its details boxed so
/// `Result<T, Error>` stays two words.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error status (4xx/5xx), after any retries.
    Service(Box<ServiceError>),
    /// The request could not be sent or the response not read (connection, TLS, protocol).
    Transport(Box<TransportError>),
    /// A per-attempt timeout, a call's deadline or a poller's deadline expired.
    Timeout(Box<TimeoutError>),
    /// The server answered with a redirect; azml never follows one, so nothing was sent to
    /// the new location.
    Redirect(Box<RedirectError>),
    /// A response did not have the shape its operation promises.
    Decode(Box<DecodeError>),
    /// A URL was not one azml sends requests to (not HTTPS, or not the configured endpoint);
    /// no request was made.
    Refused(Box<RefusedError>),
    /// The identity provider refused to issue a token, or a credential failed.
    Authentication(Box<AuthenticationError>),
    /// A long-running operation ended `Failed`.
    OperationFailed(Box<OperationError>),
    /// A long-running operation ended `Canceled`.
    OperationCanceled(Box<OperationError>),
    /// Bad input or configuration (endpoint URL, resume token, environment, config file).
    Config(Box<ConfigError>),
}

impl Error {
    /// Whether a timeout or deadline expired.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// The HTTP status of a service error or redirect.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::Redirect(e) => Some(e.status),
            Error::Authentication(e) => e.status,
            _ => None,
        }
    }

    /// How many attempts the call made, where that is known.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Service(e) => Some(e.attempts),
            Error::Transport(e) => Some(e.attempts),
            Error::Timeout(e) => Some(e.attempts),
            Error::Redirect(e) => Some(e.attempts),
            _ => None,
        }
    }

    /// A configuration error with a description.
    pub fn config(message: impl Into<String>) -> Self {
        Error::Config(Box::new(ConfigError {
            message: message.into(),
            source: None,
        }))
    }

    /// A configuration error caused by `source`.
    pub fn config_from(message: impl Into<String>, source: impl Into<Source>) -> Self {
        Error::Config(Box::new(ConfigError {
            message: message.into(),
            source: Some(source.into()),
        }))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Timeout(e) => e.fmt(f),
            Error::Redirect(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Refused(e) => e.fmt(f),
            Error::Authentication(e) => e.fmt(f),
            Error::OperationFailed(e) | Error::OperationCanceled(e) => e.fmt(f),
            Error::Config(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        let source = match self {
            Error::Transport(e) => e.source.as_ref(),
            Error::Timeout(e) => e.source.as_ref(),
            Error::Decode(e) => e.source.as_ref(),
            Error::Authentication(e) => e.source.as_ref(),
            Error::Config(e) => e.source.as_ref(),
            _ => None,
        };
        source.map(|s| s.as_ref() as &(dyn std::error::Error + 'static))
    }
}

/// The `error` object of an ARM error body (`{"error": {"code", "message", "target",
/// "details", "additionalInfo"}}`), also used for a failed long-running operation's status.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArmError {
    /// `code`, e.g. `ResourceNotFound`.
    pub code: Option<String>,
    /// `message`.
    pub message: Option<String>,
    /// `target`.
    pub target: Option<String>,
    /// `details`: nested errors.
    pub details: Vec<ArmError>,
    /// `additionalInfo`: `{type, info}` entries.
    pub additional_info: Vec<AdditionalInfo>,
}

/// One `additionalInfo` entry of an ARM error.
#[derive(Debug, Clone, PartialEq)]
pub struct AdditionalInfo {
    /// `type`.
    pub kind: Option<String>,
    /// `info`, as sent.
    pub info: Value,
}

impl ArmError {
    /// Reads `{"error": {...}}` or the bare inner object; `None` when neither has a `code` or
    /// `message`.
    pub fn from_body(body: &Value) -> Option<Self> {
        let inner = body.get("error").filter(|e| e.is_object()).unwrap_or(body);
        let e = Self::from_object(inner);
        (e.code.is_some() || e.message.is_some()).then_some(e)
    }

    fn from_object(v: &Value) -> Self {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let list = |k: &str| {
            v.get(k)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        ArmError {
            code: s("code"),
            message: s("message"),
            target: s("target"),
            details: list("details").iter().map(Self::from_object).collect(),
            additional_info: list("additionalInfo")
                .into_iter()
                .map(|i| AdditionalInfo {
                    kind: i.get("type").and_then(Value::as_str).map(str::to_string),
                    info: i.get("info").cloned().unwrap_or(Value::Null),
                })
                .collect(),
        }
    }
}

impl fmt::Display for ArmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.as_deref().unwrap_or("(no code)"))?;
        if let Some(m) = &self.message {
            write!(f, ": {}", one_line(m))?;
        }
        if let Some(t) = &self.target {
            write!(f, " (target {t})")?;
        }
        Ok(())
    }
}

/// An error status from the service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceError {
    /// HTTP status.
    pub status: u16,
    /// The ARM error, when the body was one.
    pub error: Option<ArmError>,
    /// `x-ms-request-id`.
    pub request_id: Option<String>,
    /// `x-ms-correlation-request-id`.
    pub correlation_id: Option<String>,
    /// The response's `content-type`.
    pub content_type: Option<String>,
    /// For a body that is not an ARM error (an HTML gateway page, plain text): its first
    /// [`BODY_START`] bytes, lossily decoded.
    pub body_start: Option<String>,
    /// Attempts made, including the one that got this answer.
    pub attempts: u32,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        match (&self.error, &self.body_start) {
            (Some(e), _) => write!(f, ": {e}")?,
            (None, Some(b)) => write!(
                f,
                " ({}, body starts {:?})",
                self.content_type.as_deref().unwrap_or("no content-type"),
                one_line(b)
            )?,
            (None, None) => write!(f, " with an empty body")?,
        }
        if let Some(id) = self.request_id.as_ref().or(self.correlation_id.as_ref()) {
            write!(f, " (request id {id})")?;
        }
        if self.attempts > 1 {
            write_attempts(f, self.attempts)?;
        }
        Ok(())
    }
}

/// What went wrong in the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// No connection could be made.
    Connect,
    /// The connection broke or the response could not be read.
    Other,
}

/// A request that could not be sent or whose response could not be read.
#[derive(Debug)]
pub struct TransportError {
    /// Connect or other.
    pub kind: TransportKind,
    /// `host:port` the request went to.
    pub host: String,
    /// Attempts made.
    pub attempts: u32,
    /// Time from the first attempt to giving up.
    pub elapsed: Duration,
    /// The HTTP client's error.
    pub source: Option<Source>,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TransportKind::Connect => write!(f, "cannot connect to {}", self.host)?,
            TransportKind::Other => write!(f, "connection to {} failed", self.host)?,
        }
        write_attempts(f, self.attempts)?;
        write!(f, " in {:.1?}", self.elapsed)
    }
}

/// Which limit expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The per-attempt timeout (`PipelineBuilder::timeout`).
    Attempt(Duration),
    /// The deadline of one call including its retries (`RetryOptions::max_total`).
    Call(Duration),
    /// The deadline of a long-running operation's polling (`PipelineBuilder::poll_deadline`).
    Poller(Duration),
}

/// A timeout or deadline that expired.
#[derive(Debug)]
pub struct TimeoutError {
    /// The limit that expired and its length.
    pub limit: Limit,
    /// `host:port` of the last request.
    pub host: String,
    /// Attempts (requests, or polls for a poller) made.
    pub attempts: u32,
    /// Time from the start to giving up.
    pub elapsed: Duration,
    /// The HTTP client's timeout error, when a request was cut off.
    pub source: Option<Source>,
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, d) = match self.limit {
            Limit::Attempt(d) => ("per-attempt timeout", d),
            Limit::Call(d) => ("call deadline", d),
            Limit::Poller(d) => ("poller deadline", d),
        };
        write!(
            f,
            "timed out: {what} of {d:?} expired waiting for {}",
            self.host
        )?;
        write_attempts(f, self.attempts)?;
        write!(f, " in {:.1?}", self.elapsed)
    }
}

/// A 3xx answer that azml did not follow.
#[derive(Debug, Clone, PartialEq)]
pub struct RedirectError {
    /// HTTP status (301, 302, 303, 307, 308).
    pub status: u16,
    /// `host:port` that answered.
    pub from: String,
    /// `host:port` of the `Location` header (`None` when absent or not a URL).
    pub location: Option<String>,
    /// Attempts made.
    pub attempts: u32,
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {} redirect from {} to {} not followed (azml never follows redirects)",
            self.status,
            self.from,
            self.location.as_deref().unwrap_or("an unreadable Location")
        )
    }
}

/// A response that does not match what its operation promises.
#[derive(Debug)]
pub struct DecodeError {
    /// HTTP status of the response.
    pub status: u16,
    /// JSON pointer of the failing value (empty for the whole body).
    pub path: String,
    /// What was expected and what was found, e.g. `expected a string, found a number`.
    pub problem: String,
    /// The decoder's error, if any.
    pub source: Option<Source>,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot decode the HTTP {} response", self.status)?;
        if !self.path.is_empty() {
            write!(f, " at {}", self.path)?;
        }
        write!(f, ": {}", self.problem)
    }
}

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusedReason {
    /// Not `https://` (plain `http://` is allowed only on loopback).
    NotHttps,
    /// Not the configured endpoint (`host:port` given) that the token belongs to.
    OtherHost(String),
    /// The URL does not parse.
    Unparsable,
}

/// A URL azml will not send a request to; nothing was sent.
#[derive(Debug, Clone, PartialEq)]
pub struct RefusedError {
    /// `scheme://host:port` of the refused URL.
    pub url: String,
    /// Why.
    pub reason: RefusedReason,
}

impl fmt::Display for RefusedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refused to send a request to {}: ", self.url)?;
        match &self.reason {
            RefusedReason::NotHttps => f.write_str("not HTTPS (http:// only for loopback)"),
            RefusedReason::OtherHost(h) => write!(f, "not the configured endpoint {h}"),
            RefusedReason::Unparsable => f.write_str("not a URL"),
        }
    }
}

/// The identity provider did not issue a token, or a credential failed.
#[derive(Debug)]
pub struct AuthenticationError {
    /// `host:port` of the token endpoint, when a request was made.
    pub host: Option<String>,
    /// HTTP status of the token response.
    pub status: Option<u16>,
    /// OAuth `error`, e.g. `invalid_client`.
    pub error: Option<String>,
    /// OAuth `error_description`, or what was wrong with the response.
    pub description: Option<String>,
    /// The credential's own error (e.g. an `azure_core` credential).
    pub source: Option<Source>,
}

impl fmt::Display for AuthenticationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("authentication failed")?;
        if let Some(h) = &self.host {
            write!(f, ": token endpoint {h}")?;
        }
        if let Some(s) = self.status {
            write!(f, " answered HTTP {s}")?;
        }
        if let Some(e) = &self.error {
            write!(f, ": {e}")?;
        }
        if let Some(d) = &self.description {
            write!(f, ": {}", one_line(d))?;
        }
        if let Some(s) = &self.source {
            write!(f, ": {s}")?;
        }
        Ok(())
    }
}

/// A long-running operation that ended `Failed` or `Canceled`.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationError {
    /// The terminal status as the service spelled it.
    pub status: String,
    /// The service's error, when it sent one.
    pub error: Option<ArmError>,
    /// `x-ms-request-id` of the response that reported it.
    pub request_id: Option<String>,
}

impl fmt::Display for OperationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "long-running operation ended {}", self.status)?;
        if let Some(e) = &self.error {
            write!(f, ": {e}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// Bad input or configuration.
#[derive(Debug)]
pub struct ConfigError {
    /// What is wrong.
    pub message: String,
    /// The underlying error, if any.
    pub source: Option<Source>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration: {}", self.message)?;
        if let Some(s) = &self.source {
            write!(f, ": {s}")?;
        }
        Ok(())
    }
}

fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    match attempts {
        0 | 1 => write!(f, " after 1 attempt"),
        n => write!(f, " after {n} attempts"),
    }
}

/// Text on one line: line breaks and runs of whitespace become one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A credential's error: azml's own credentials' errors come back as they were; any other
/// `azure_core` error is an [`Error::Authentication`] with it as `source()`.
impl From<azure_core::Error> for Error {
    fn from(e: azure_core::Error) -> Self {
        match e.into_inner() {
            Ok(inner) => match inner.downcast::<Error>() {
                Ok(own) => *own,
                Err(other) => Error::Authentication(Box::new(AuthenticationError {
                    host: None,
                    status: None,
                    error: None,
                    description: None,
                    source: Some(other),
                })),
            },
            Err(e) => Error::Authentication(Box::new(AuthenticationError {
                host: None,
                status: None,
                error: None,
                description: None,
                source: Some(Box::new(e)),
            })),
        }
    }
}

impl From<reqwest::Error> for Error {
    /// Errors building a request (the URL or a header); sending goes through the runtime,
    /// which classifies transport failures itself.
    fn from(e: reqwest::Error) -> Self {
        Error::config_from("cannot build the request", e.without_url())
    }
}
