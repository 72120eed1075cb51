//! [`ClientOptions`]: everything a generated `Client::new(credential, subscription_id,
//! options)` can be told — the cloud (ARM endpoint, token audience; a custom cloud given
//! once), retries, the per-attempt timeout, long-running-operation polling, the user-agent
//! application id and, optionally, your own `reqwest::Client` — turned into the
//! [`Pipeline`] the client sends through.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::{Cloud, TokenCredential};
use crate::error::Error;
use crate::retry::RetryOptions;
use crate::runtime::{Pipeline, PollOptions};

/// Options of a generated `Client`; `None` / `Default` is the public cloud with azml's
/// defaults (retries per [`RetryOptions::default`], 120 s attempts, 5 s poll interval).
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Which cloud: its ARM endpoint and token audience.
    pub cloud: Cloud,
    /// Retry policy and the deadline of one call.
    pub retry: RetryOptions,
    /// Timeout of one attempt, from sending to reading the whole body (default 120 s).
    pub timeout: Duration,
    /// Long-running-operation polling: interval, `Retry-After` cap, deadline.
    pub poll: PollOptions,
    /// Put before azml's `User-Agent` (`<id> azsdk-rust-azml/…`); ≤ 24 characters, no spaces.
    pub application_id: Option<String>,
    /// Your own HTTP client (proxies, certificates). azml's own never follows redirects and
    /// sets its `User-Agent` and timeouts; a client you pass should not follow redirects
    /// either (`reqwest::redirect::Policy::none()`), or a 3xx could take a request elsewhere.
    pub http_client: Option<reqwest::Client>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            cloud: Cloud::Public,
            retry: RetryOptions::default(),
            timeout: Duration::from_secs(120),
            poll: PollOptions::default(),
            application_id: None,
            http_client: None,
        }
    }
}

impl ClientOptions {
    /// The pipeline for `credential` (none: unauthenticated, for local fakes) and
    /// `subscription_id`.
    pub fn into_pipeline(
        self,
        credential: Option<Arc<dyn TokenCredential>>,
        subscription_id: &str,
    ) -> Result<Pipeline, Error> {
        let mut b = Pipeline::builder()
            .cloud(&self.cloud)
            .retry(self.retry)
            .timeout(self.timeout)
            .poll(self.poll)
            .subscription_id(subscription_id);
        if let Some(c) = credential {
            b = b.credential(c);
        }
        if let Some(id) = &self.application_id {
            b = b.application_id(id);
        }
        if let Some(http) = self.http_client {
            b = b.http_client(http);
        }
        b.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_cloud_sets_endpoint_and_scope_once() {
        let cloud = Cloud::Custom {
            authority_host: "https://login.example".into(),
            resource_manager: "https://arm.example".into(),
            audience: "https://arm-audience.example/".into(),
        };
        assert_eq!(cloud.arm_scope(), "https://arm-audience.example/.default");
        let p = ClientOptions {
            cloud,
            ..Default::default()
        }
        .into_pipeline(None, "sub-1")
        .unwrap();
        assert_eq!(p.endpoint(), "https://arm.example");
        assert_eq!(p.subscription_id(), "sub-1");
    }

    #[test]
    fn plain_http_endpoints_are_refused_off_loopback() {
        let options = ClientOptions {
            cloud: Cloud::Custom {
                authority_host: "https://login.example".into(),
                resource_manager: "http://arm.example".into(),
                audience: "https://arm.example".into(),
            },
            ..Default::default()
        };
        assert!(matches!(
            options.into_pipeline(None, "s"),
            Err(Error::Refused(_))
        ));
    }

    #[test]
    fn a_bad_application_id_is_a_config_error() {
        let options = ClientOptions {
            application_id: Some("has spaces in it".into()),
            ..Default::default()
        };
        assert!(matches!(
            options.into_pipeline(None, "s"),
            Err(Error::Config(_))
        ));
    }
}
