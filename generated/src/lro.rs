//! Long-running operations (`x-ms-long-running-operation`), following ARM's rules as Azure's
//! Python `ARMPolling` and Go `runtime.Poller` do:
//!
//! 1. poll `Azure-AsyncOperation` when the first response has it (status body
//!    `{"status": "InProgress" | "Succeeded" | "Failed" | "Canceled", "error": …}`),
//! 2. else poll `Location` (202 = still running; 200/201/204 = done, the body is the result),
//! 3. else, for PUT/PATCH answered 200/201, poll the original URI until the body's
//!    `properties.provisioningState` is terminal.
//!
//! Terminal states compare case-insensitively. When done, the result is fetched per
//! `final-state-via` and the verb's default: PUT/PATCH → GET the original URI; DELETE → no
//! result; POST → the `Location` URL (or the async-operation body for
//! `final-state-via: azure-async-operation`). `Retry-After` sets the wait between polls,
//! else [`crate::runtime::Pipeline::poll_interval`]. A new `Location` header replaces the old.
//! Poll URLs must be on the host the client was configured with; anything else is refused
//! without a request. A [`Poller::resume_token`] continues polling from another process.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::error::{request_id, ApiError, Error};
use crate::json::Json;
use crate::runtime::Pipeline;

/// How the operation is being tracked.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum Phase {
    /// Polling an `Azure-AsyncOperation` URL.
    AsyncOperation(String),
    /// Polling a `Location` URL.
    Location(String),
    /// Polling the original URI's `provisioningState`.
    Body,
    /// Finished; the result body (if any) is known.
    Done(Option<Value>),
}

/// Everything needed to continue polling; serialized as the resume token.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct State {
    method: String,
    original_url: String,
    api_version: String,
    final_state_via: Option<String>,
    location: Option<String>,
    phase: Phase,
    #[serde(skip)]
    retry_after: Option<Duration>,
}

/// A running long-running operation. `.await` it (or call [`Poller::wait`]) for the final
/// typed result; [`Poller::poll`] advances one step.
#[derive(Debug)]
pub struct Poller<T> {
    pipeline: Pipeline,
    base_url: String,
    state: State,
    _result: PhantomData<fn() -> T>,
}

/// What one poll step found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Still running.
    InProgress,
    /// Finished successfully; `wait` returns the result without further polling of status.
    Succeeded,
}

fn header(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .filter(|s| !s.is_empty())
}

/// `Retry-After` (seconds or HTTP date), `retry-after-ms`, `x-ms-retry-after-ms`.
pub fn retry_after(h: &HeaderMap) -> Option<Duration> {
    for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
        if let Some(ms) = header(h, name).and_then(|v| v.trim().parse::<u64>().ok()) {
            return Some(Duration::from_millis(ms));
        }
    }
    let v = header(h, "retry-after")?;
    if let Ok(secs) = v.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v.trim()).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn terminal(state: &str) -> Option<bool> {
    match state.to_ascii_lowercase().as_str() {
        "succeeded" => Some(true),
        "failed" | "canceled" | "cancelled" => Some(false),
        _ => None,
    }
}

fn provisioning_state(body: &Value) -> Option<&str> {
    body.pointer("/properties/provisioningState")
        .or_else(|| body.get("provisioningState"))
        .and_then(Value::as_str)
}

fn parse_body(bytes: &[u8]) -> Result<Option<Value>, Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(bytes)
        .map(Some)
        .map_err(|e| Error::Decode(e.to_string()))
}

fn failed(status: &str, body: &Value, headers: &HeaderMap) -> Error {
    let error = body
        .get("error")
        .map(|_| Box::new(ApiError::from_body(0, body.clone(), request_id(headers))));
    Error::OperationFailed {
        status: status.to_string(),
        error,
    }
}

impl<T: Json> Poller<T> {
    /// Starts tracking from the operation's first response.
    #[doc(hidden)]
    pub async fn start(
        pipeline: Pipeline,
        base_url: &str,
        method: &str,
        original_url: String,
        api_version: &str,
        final_state_via: Option<&str>,
        initial: progenitor_client::ResponseValue<progenitor_client::ByteStream>,
    ) -> Result<Self, Error> {
        let status = initial.status().as_u16();
        let headers = initial.headers().clone();
        let bytes = collect(initial.into_inner()).await?;
        let body = parse_body(&bytes)?;
        let async_op = header(&headers, "azure-asyncoperation");
        let location = header(&headers, "location");
        let phase = if let Some(u) = async_op {
            Phase::AsyncOperation(u)
        } else if let Some(u) = location.clone() {
            Phase::Location(u)
        } else {
            match body
                .as_ref()
                .and_then(provisioning_state)
                .map(|s| (s, terminal(s)))
            {
                Some((s, Some(false))) => {
                    return Err(failed(s, body.as_ref().expect("has state"), &headers))
                }
                Some((_, None)) if matches!(method, "PUT" | "PATCH") && status != 202 => {
                    Phase::Body
                }
                _ => Phase::Done(body),
            }
        };
        let state = State {
            method: method.to_string(),
            original_url,
            api_version: api_version.to_string(),
            final_state_via: final_state_via.map(str::to_string),
            location,
            phase,
            retry_after: retry_after(&headers),
        };
        let poller = Poller {
            pipeline,
            base_url: base_url.to_string(),
            state,
            _result: PhantomData,
        };
        poller.check_urls()?;
        Ok(poller)
    }

    /// A token from which [`Poller::resume`] continues this operation (no secrets in it).
    pub fn resume_token(&self) -> String {
        serde_json::to_string(&self.state).expect("state serializes")
    }

    /// Continues an operation from a [`Poller::resume_token`], in a client configured for
    /// the same ARM endpoint `base_url`.
    pub fn resume(pipeline: Pipeline, base_url: &str, token: &str) -> Result<Self, Error> {
        let state: State = serde_json::from_str(token)
            .map_err(|e| Error::Other(format!("bad resume token: {e}")))?;
        let poller = Poller {
            pipeline,
            base_url: base_url.to_string(),
            state,
            _result: PhantomData,
        };
        poller.check_urls()?;
        Ok(poller)
    }

    fn check_urls(&self) -> Result<(), Error> {
        let mut urls = vec![self.state.original_url.as_str()];
        urls.extend(self.state.location.as_deref());
        if let Phase::AsyncOperation(u) | Phase::Location(u) = &self.state.phase {
            urls.push(u);
        }
        urls.into_iter()
            .try_for_each(|u| self.pipeline.check_url(&self.base_url, u))
    }

    /// The current polling delay: the last `Retry-After`, else the pipeline's interval.
    pub fn delay(&self) -> Duration {
        self.state
            .retry_after
            .unwrap_or(self.pipeline.poll_interval())
    }

    /// Whether the operation has finished.
    pub fn is_done(&self) -> bool {
        matches!(self.state.phase, Phase::Done(_))
    }

    async fn get(&mut self, url: &str) -> Result<(u16, HeaderMap, Option<Value>), Error> {
        self.pipeline.check_url(&self.base_url, url)?;
        let (status, headers, bytes) = self.pipeline.get(url).await?;
        self.state.retry_after = retry_after(&headers);
        if !(200..300).contains(&status) {
            let body = parse_body(&bytes).ok().flatten().unwrap_or(Value::Null);
            let mut e = ApiError::from_body(status, body, request_id(&headers));
            e.attempts = crate::error::attempts(&headers);
            return Err(Error::Api(Box::new(e)));
        }
        Ok((status, headers, parse_body(&bytes)?))
    }

    fn original_with_version(&self) -> String {
        let sep = if self.state.original_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{sep}api-version={}",
            self.state.original_url, self.state.api_version
        )
    }

    /// Sends one poll request and advances the state.
    pub async fn poll(&mut self) -> Result<Status, Error> {
        match self.state.phase.clone() {
            Phase::Done(_) => return Ok(Status::Succeeded),
            Phase::AsyncOperation(url) => {
                let (_, headers, body) = self.get(&url).await?;
                if let Some(l) = header(&headers, "location") {
                    self.pipeline.check_url(&self.base_url, &l)?;
                    self.state.location = Some(l);
                }
                let body = body.unwrap_or(Value::Null);
                let status = body
                    .get("status")
                    .and_then(Value::as_str)
                    .unwrap_or("InProgress")
                    .to_string();
                match terminal(&status) {
                    None => return Ok(Status::InProgress),
                    Some(false) => return Err(failed(&status, &body, &headers)),
                    Some(true) => {
                        let result = self.final_result(Some(body)).await?;
                        self.state.phase = Phase::Done(result);
                    }
                }
            }
            Phase::Location(url) => {
                let (status, headers, body) = self.get(&url).await?;
                if status == 202 {
                    if let Some(l) = header(&headers, "location") {
                        self.pipeline.check_url(&self.base_url, &l)?;
                        self.state.phase = Phase::Location(l);
                    }
                    return Ok(Status::InProgress);
                }
                let result = match self.state.method.as_str() {
                    "PUT" | "PATCH"
                        if self.state.final_state_via.as_deref() != Some("location") =>
                    {
                        self.get(&self.original_with_version()).await?.2
                    }
                    "DELETE" => None,
                    _ => body,
                };
                self.state.phase = Phase::Done(result);
            }
            Phase::Body => {
                let (_, headers, body) = self.get(&self.original_with_version()).await?;
                let body = body.unwrap_or(Value::Null);
                match provisioning_state(&body)
                    .and_then(|s| terminal(s).map(|t| (s.to_string(), t)))
                {
                    None => return Ok(Status::InProgress),
                    Some((s, false)) => return Err(failed(&s, &body, &headers)),
                    Some((_, true)) => self.state.phase = Phase::Done(Some(body)),
                }
            }
        }
        Ok(Status::Succeeded)
    }

    /// The result once the async operation succeeded, per `final-state-via` and the verb.
    async fn final_result(&mut self, async_body: Option<Value>) -> Result<Option<Value>, Error> {
        let fsv = self.state.final_state_via.as_deref();
        match (self.state.method.as_str(), fsv) {
            ("DELETE", _) => Ok(None),
            (_, Some("azure-async-operation")) => Ok(async_body),
            ("POST", _) | (_, Some("location")) => match self.state.location.clone() {
                Some(l) => Ok(self.get(&l).await?.2),
                None => Ok(None),
            },
            _ => Ok(self.get(&self.original_with_version()).await?.2),
        }
    }

    /// Polls until the operation finishes and returns its typed result.
    pub async fn wait(mut self) -> Result<T, Error> {
        loop {
            if let Phase::Done(body) = &mut self.state.phase {
                return T::from_json(body.take().unwrap_or(Value::Null))
                    .map_err(|e| Error::Decode(e.to_string()));
            }
            tokio::time::sleep(self.delay()).await;
            self.poll().await?;
        }
    }
}

impl<T: Json + Send + 'static> IntoFuture for Poller<T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}

async fn collect(stream: progenitor_client::ByteStream) -> Result<Vec<u8>, Error> {
    use futures_util::StreamExt;
    let mut inner = stream.into_inner();
    let mut out = Vec::new();
    while let Some(chunk) = inner.next().await {
        out.extend_from_slice(&chunk?);
    }
    Ok(out)
}
