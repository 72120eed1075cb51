//! What a complete response ([`Received`]) means: an error status becomes a
//! [`ServiceError`] (ARM error fields, or the content type and first bytes of a body that is
//! not one), a success body is decoded into its model with the JSON path of any mismatch, and
//! an empty body is accepted where the result type allows it.
//!
//! The generated operations call these instead of progenitor's `ResponseValue::from_response`
//! so that every outcome is an [`Error`] kind rather than progenitor's error.

use progenitor_client::ResponseValue;
use serde_json::Value;

use crate::error::{ArmError, DecodeError, Error, ServiceError, Source, BODY_START};
use crate::json::Json;
use crate::transport::Received;

fn header(r: &Received, name: &str) -> Option<String> {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A [`Error::Decode`] for a response with `status`.
pub fn decode_error(status: u16, path: String, problem: String, source: Option<Source>) -> Error {
    Error::Decode(Box::new(DecodeError {
        status,
        path,
        problem,
        source,
    }))
}

/// Decodes the body (`value`; `None`: there was none) of a response with `status` as `T`. A
/// type that accepts no body (`()`, `Option<_>`) gets it; one that needs a body says so.
pub fn decode<T: Json>(status: u16, value: Option<Value>) -> Result<T, Error> {
    let empty = value.is_none();
    T::from_json(value.unwrap_or(Value::Null)).map_err(|e| {
        if empty {
            let name = std::any::type_name::<T>();
            let name = name
                .rsplit("::")
                .next()
                .unwrap_or(name)
                .trim_end_matches('>');
            decode_error(
                status,
                String::new(),
                format!("expected a {name} body, found an empty body"),
                None,
            )
        } else {
            decode_error(
                status,
                e.pointer(),
                e.message().to_string(),
                Some(Box::new(e)),
            )
        }
    })
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

impl Received {
    /// The [`ServiceError`] this response stands for.
    pub fn into_error(self) -> Error {
        let json: Option<Value> = serde_json::from_slice(&self.body).ok();
        let error = json.as_ref().and_then(ArmError::from_body);
        let body_start = (error.is_none() && !is_blank(&self.body)).then(|| {
            let end = self.body.len().min(BODY_START);
            String::from_utf8_lossy(&self.body[..end]).into_owned()
        });
        Error::Service(Box::new(ServiceError {
            status: self.status,
            error,
            request_id: header(&self, "x-ms-request-id"),
            correlation_id: header(&self, "x-ms-correlation-request-id"),
            content_type: header(&self, "content-type"),
            body_start,
            attempts: self.attempts,
        }))
    }

    /// `Ok` for 1xx/2xx, else the service error.
    pub fn error_for_status(self) -> Result<Self, Error> {
        if self.status < 300 {
            Ok(self)
        } else {
            Err(self.into_error())
        }
    }

    /// The body as JSON; `None` when empty.
    pub fn value(&self) -> Result<Option<Value>, Error> {
        if is_blank(&self.body) {
            return Ok(None);
        }
        serde_json::from_slice(&self.body).map(Some).map_err(|e| {
            let ct = header(self, "content-type").unwrap_or_else(|| "no content-type".into());
            decode_error(
                self.status,
                String::new(),
                format!("expected JSON, found a body that is not ({ct})"),
                Some(Box::new(e)),
            )
        })
    }

    /// The body decoded as `T`.
    pub fn json<T: Json>(self) -> Result<ResponseValue<T>, Error> {
        let v = self.value()?;
        let t = decode(self.status, v)?;
        Ok(self.wrap(t))
    }

    /// No body is expected.
    pub fn empty(self) -> ResponseValue<()> {
        self.wrap(())
    }

    /// The raw body (a long-running operation's first response).
    pub fn raw(mut self) -> ResponseValue<Vec<u8>> {
        let body = std::mem::take(&mut self.body);
        self.wrap(body)
    }

    /// A success status the operation does not document (`expected` lists those it does).
    pub fn unexpected(self, expected: &str) -> Error {
        decode_error(
            self.status,
            String::new(),
            format!("expected status {expected}, found {}", self.status),
            None,
        )
    }

    fn wrap<T>(self, t: T) -> ResponseValue<T> {
        let status = reqwest::StatusCode::from_u16(self.status).unwrap_or(reqwest::StatusCode::OK);
        ResponseValue::new(t, status, self.headers)
    }
}
