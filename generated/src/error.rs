//! The error every hand-written entry point returns: ARM error bodies parsed into code and
//! message, with the HTTP status and request id; transport, decoding, polling and refused-URL
//! errors. Messages never contain credentials or tokens.

use serde_json::Value;

use crate::json::Json;

/// An error response from Azure Resource Manager: `{"error": {"code", "message", "target",
/// "details", "additionalInfo"}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status (0 when the error came from a long-running operation's status body).
    pub status: u16,
    /// `error.code`, e.g. `ResourceNotFound`.
    pub code: String,
    /// `error.message`.
    pub message: String,
    /// `error.target`.
    pub target: Option<String>,
    /// `x-ms-request-id` / `x-ms-correlation-request-id` of the response, when present.
    pub request_id: Option<String>,
    /// The whole error body as sent.
    pub body: Value,
    /// How many attempts were made (more than 1 when retries were exhausted).
    pub attempts: u32,
}

impl ApiError {
    /// Reads an ARM error body (either `{"error": {...}}` or the bare inner object).
    pub fn from_body(status: u16, body: Value, request_id: Option<String>) -> Self {
        let inner = body.get("error").filter(|e| e.is_object()).unwrap_or(&body);
        let s = |k: &str| inner.get(k).and_then(Value::as_str).map(str::to_string);
        ApiError {
            status,
            code: s("code").unwrap_or_else(|| "Unknown".into()),
            message: s("message").unwrap_or_default(),
            target: s("target"),
            request_id,
            body,
            attempts: 1,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.status != 0 {
            write!(f, "HTTP {}: ", self.status)?;
        }
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

/// Errors of azml's client calls.
#[derive(Debug)]
pub enum Error {
    /// The service answered with an error.
    Api(Box<ApiError>),
    /// A long-running operation ended `Failed` or `Canceled`.
    OperationFailed {
        /// The terminal status as the service spelled it.
        status: String,
        /// The service's error, when it sent one.
        error: Option<Box<ApiError>>,
    },
    /// The request could not be sent or the response not read.
    Transport(String),
    /// A response body did not match its model.
    Decode(String),
    /// A URL the service handed us (poll URL, nextLink) points somewhere we will not send
    /// credentials to; no request was made.
    Refused(String),
    /// Getting a token failed (the message never contains the secret).
    Auth(String),
    /// Anything else (unexpected status, bad input).
    Other(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::OperationFailed {
                status,
                error: Some(e),
            } => write!(f, "operation {status}: {e}"),
            Error::OperationFailed {
                status,
                error: None,
            } => write!(f, "operation {status}"),
            Error::Transport(m) => write!(f, "transport error: {m}"),
            Error::Decode(m) => write!(f, "cannot decode response: {m}"),
            Error::Refused(m) => write!(f, "refused: {m}"),
            Error::Auth(m) => write!(f, "authentication failed: {m}"),
            Error::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// The request id headers of a response.
pub fn request_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    ["x-ms-request-id", "x-ms-correlation-request-id"]
        .iter()
        .find_map(|h| {
            headers
                .get(*h)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
}

/// The attempt count azml recorded on a response it stopped retrying.
pub fn attempts(headers: &reqwest::header::HeaderMap) -> u32 {
    headers
        .get(crate::runtime::ATTEMPTS_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        // reqwest's Display has no headers or bodies; strip the URL's query just in case.
        Error::Transport(e.without_url().to_string())
    }
}

impl<E: Json> From<progenitor_client::Error<E>> for Error {
    fn from(e: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match e {
            P::ErrorResponse(rv) => {
                let status = rv.status().as_u16();
                let id = request_id(rv.headers());
                let attempts = attempts(rv.headers());
                let mut e = ApiError::from_body(status, rv.into_inner().to_json(), id);
                e.attempts = attempts;
                Error::Api(Box::new(e))
            }
            P::UnexpectedResponse(r) => Error::Other(format!(
                "unexpected HTTP status {} ({} attempts)",
                r.status().as_u16(),
                attempts(r.headers())
            )),
            P::InvalidResponsePayload(_, e) => Error::Decode(e.to_string()),
            P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => e.into(),
            P::Custom(m) if m.starts_with("refused: ") => {
                Error::Refused(m["refused: ".len()..].to_string())
            }
            P::Custom(m) if m.starts_with("authentication failed: ") => {
                Error::Auth(m["authentication failed: ".len()..].to_string())
            }
            P::InvalidRequest(m) | P::Custom(m) => Error::Other(m),
        }
    }
}
