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
//! capped by [`crate::runtime::PollOptions::max_retry_after`], else the pipeline's poll interval;
//! `wait` has a deadline ([`crate::runtime::PollOptions::deadline`]). A new `Location` header
//! replaces the old. An empty final body (e.g. a POST whose `Location` answers 204) is the
//! result when the result type allows none.
//! Poll URLs must be on the host the client was configured with; anything else is refused
//! without a request. A [`Poller::resume_token`] (which keeps the last `Retry-After`) continues
//! polling from another process.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::{Duration, Instant};

use progenitor_client::ResponseValue;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::error::{ArmError, Error, Limit, OperationError, TimeoutError};
use crate::json::Json;
use crate::response::decode;
pub use crate::retry::retry_after;
use crate::runtime::Pipeline;
use crate::transport::Received;

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
    /// The last `Retry-After`, in milliseconds.
    #[serde(default)]
    retry_after_ms: Option<u64>,
    /// HTTP status of the response that ended the operation (for decode errors).
    #[serde(default)]
    final_status: u16,
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

/// `Failed` → [`Error::OperationFailed`], `Canceled` → [`Error::OperationCanceled`], with the
/// service's error from the status body.
fn failed(status: &str, body: &Value, headers: &HeaderMap) -> Error {
    let e = Box::new(OperationError {
        status: status.to_string(),
        error: ArmError::from_body(body),
        request_id: header(headers, "x-ms-request-id"),
    });
    if status.to_ascii_lowercase().starts_with("cancel") {
        Error::OperationCanceled(e)
    } else {
        Error::OperationFailed(e)
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
        initial: ResponseValue<Vec<u8>>,
    ) -> Result<Self, Error> {
        let status = initial.status().as_u16();
        let headers = initial.headers().clone();
        let received = Received {
            status,
            headers: headers.clone(),
            body: initial.into_inner(),
            attempts: 1,
        };
        let body = received.value()?;
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
            retry_after_ms: retry_after(&headers).map(|d| d.as_millis() as u64),
            final_status: status,
        };
        Self::with_state(pipeline, base_url, state)
    }

    /// A poller in `state`, its URLs checked against the configured endpoint.
    fn with_state(pipeline: Pipeline, base_url: &str, state: State) -> Result<Self, Error> {
        let poller = Poller {
            pipeline,
            base_url: base_url.to_string(),
            state,
            _result: PhantomData,
        };
        poller.check_urls()?;
        Ok(poller)
    }

    /// A token from which [`Poller::resume`] continues this operation, including the last
    /// `Retry-After` (no secrets in it).
    pub fn resume_token(&self) -> String {
        serde_json::to_string(&self.state).expect("state serializes")
    }

    /// Continues an operation from a [`Poller::resume_token`], in a client configured for
    /// the same ARM endpoint `base_url`.
    pub fn resume(pipeline: Pipeline, base_url: &str, token: &str) -> Result<Self, Error> {
        let state: State =
            serde_json::from_str(token).map_err(|e| Error::config_from("bad resume token", e))?;
        Self::with_state(pipeline, base_url, state)
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

    /// The current polling delay: the last `Retry-After` (capped by
    /// [`crate::runtime::PollOptions::max_retry_after`]), else the pipeline's interval.
    pub fn delay(&self) -> Duration {
        let poll = self.pipeline.poll_options();
        match self.state.retry_after_ms {
            Some(ms) => Duration::from_millis(ms).min(poll.max_retry_after),
            None => poll.interval,
        }
    }

    /// Whether the operation has finished.
    pub fn is_done(&self) -> bool {
        matches!(self.state.phase, Phase::Done(_))
    }

    async fn get(&mut self, url: &str) -> Result<(u16, HeaderMap, Option<Value>), Error> {
        self.pipeline.check_url(&self.base_url, url)?;
        let r = self.pipeline.get(url).await?;
        self.state.retry_after_ms = retry_after(&r.headers).map(|d| d.as_millis() as u64);
        self.state.final_status = r.status;
        let body = r.value()?;
        Ok((r.status, r.headers, body))
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

    /// Polls until the operation finishes and returns its typed result. An empty final body
    /// is the result for a type that allows none (`()`, `Option<_>`); for one that needs a
    /// body it is an [`Error::Decode`] saying so. Gives up with [`Error::Timeout`]
    /// ([`Limit::Poller`]) when the next poll would pass the pipeline's poll deadline.
    pub async fn wait(mut self) -> Result<T, Error> {
        let deadline = self.pipeline.poll_options().deadline;
        let started = Instant::now();
        let mut polls = 0;
        loop {
            if let Phase::Done(body) = &mut self.state.phase {
                return decode(self.state.final_status, body.take());
            }
            let delay = self.delay();
            if started.elapsed() + delay > deadline {
                return Err(Error::Timeout(Box::new(TimeoutError {
                    limit: Limit::Poller(deadline),
                    host: crate::transport::parse(&self.state.original_url)
                        .map(|u| crate::transport::host_port(&u))
                        .unwrap_or_default(),
                    attempts: polls,
                    elapsed: started.elapsed(),
                    source: None,
                })));
            }
            tokio::time::sleep(delay).await;
            polls += 1;
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
