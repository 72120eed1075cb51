//! Authentication for ARM. Credentials are `azure_core`'s [`TokenCredential`] (re-exported
//! here), so any `azure_identity` credential works as is. azml keeps two of its own that
//! implement that trait: the service-principal [`ClientSecretCredential`] (Entra ID v2
//! client-credentials flow) and [`EnvironmentCredential`] (`AZURE_TENANT_ID`,
//! `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`, `AZURE_AUTHORITY_HOST`) — the REST walkthrough's
//! flow, with azml's transport rules (no redirects, HTTPS only, typed [`Error`]s) and no
//! further dependency. Also [`Cloud`] presets, and the [`TokenCache`] every pipeline uses:
//! it refreshes when five minutes or less remain and makes concurrent callers share one
//! token request.
//!
//! Secrets (client secret, access tokens) are held in [`Secret`], whose `Debug` and
//! `Display` never show the value.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::error::{AuthenticationError, Error, Limit};
use crate::transport::{self, Tally};

pub use azure_core::credentials::TokenCredential;
use azure_core::credentials::TokenRequestOptions;

/// A string that must not be shown: `Debug`/`Display` print `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The value, for putting on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A bearer token and when it expires.
#[derive(Debug, Clone)]
pub struct AccessToken {
    /// The token.
    pub token: Secret,
    /// Expiry instant.
    pub expires_on: SystemTime,
}

impl AccessToken {
    fn from_core(t: azure_core::credentials::AccessToken) -> Self {
        AccessToken {
            token: Secret::new(t.token.secret()),
            expires_on: SystemTime::from(t.expires_on),
        }
    }

    fn into_core(self) -> azure_core::credentials::AccessToken {
        azure_core::credentials::AccessToken::new(
            self.token.0,
            azure_core::time::OffsetDateTime::from(self.expires_on),
        )
    }
}

/// An azml error as an `azure_core` credential error (turned back by `From<azure_core::Error>`).
fn to_core(e: Error) -> azure_core::Error {
    azure_core::Error::new(azure_core::error::ErrorKind::Credential, e)
}

/// Sovereign-cloud presets: Entra ID authority host and ARM endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cloud {
    /// Azure public cloud.
    Public,
    /// Azure operated by 21Vianet (China).
    China,
    /// Azure US Government.
    UsGovernment,
    /// Any other endpoints (Azure Stack, tests), each given once: the client and
    /// [`ClientSecretCredential::for_cloud`] read them from here.
    Custom {
        /// e.g. `https://login.microsoftonline.com`.
        authority_host: String,
        /// e.g. `https://management.azure.com`.
        resource_manager: String,
        /// The token audience, e.g. `https://management.core.windows.net/`; the scope asked
        /// for is `{audience}/.default`.
        audience: String,
    },
}

impl Cloud {
    /// The Entra ID authority host.
    pub fn authority_host(&self) -> &str {
        match self {
            Cloud::Public => "https://login.microsoftonline.com",
            Cloud::China => "https://login.chinacloudapi.cn",
            Cloud::UsGovernment => "https://login.microsoftonline.us",
            Cloud::Custom { authority_host, .. } => authority_host,
        }
    }

    /// The ARM endpoint.
    pub fn resource_manager(&self) -> &str {
        match self {
            Cloud::Public => "https://management.azure.com",
            Cloud::China => "https://management.chinacloudapi.cn",
            Cloud::UsGovernment => "https://management.usgovcloudapi.net",
            Cloud::Custom {
                resource_manager, ..
            } => resource_manager,
        }
    }

    /// The token audience: the ARM endpoint, or a custom cloud's `audience`.
    pub fn audience(&self) -> &str {
        match self {
            Cloud::Custom { audience, .. } => audience,
            other => other.resource_manager(),
        }
    }

    /// The ARM token scope, `{audience}/.default`.
    pub fn arm_scope(&self) -> String {
        format!("{}/.default", self.audience().trim_end_matches('/'))
    }
}

/// Service principal with a client secret: `POST {authority}/{tenant}/oauth2/v2.0/token`
/// with `grant_type=client_credentials`.
pub struct ClientSecretCredential {
    authority_host: String,
    tenant_id: String,
    client_id: String,
    client_secret: Secret,
    timeout: Duration,
}

/// Default timeout of one token request.
pub const TOKEN_TIMEOUT: Duration = Duration::from_secs(60);

impl std::fmt::Debug for ClientSecretCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSecretCredential")
            .field("authority_host", &self.authority_host)
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl ClientSecretCredential {
    /// A credential against `authority_host` (see [`Cloud::authority_host`]), which must be
    /// HTTPS (plain HTTP only on loopback; checked before any request). Token requests time
    /// out after 60 s unless [`ClientSecretCredential::with_timeout`] says otherwise.
    pub fn new(
        authority_host: &str,
        tenant_id: &str,
        client_id: &str,
        client_secret: Secret,
    ) -> Self {
        ClientSecretCredential {
            authority_host: authority_host.trim_end_matches('/').to_string(),
            tenant_id: tenant_id.to_string(),
            client_id: client_id.to_string(),
            client_secret,
            timeout: TOKEN_TIMEOUT,
        }
    }

    /// A credential against `cloud`'s authority host (the same [`Cloud`] value the client's
    /// [`ClientOptions`](crate::options::ClientOptions) take, so a custom cloud is given once).
    pub fn for_cloud(
        cloud: &Cloud,
        tenant_id: &str,
        client_id: &str,
        client_secret: Secret,
    ) -> Self {
        Self::new(cloud.authority_host(), tenant_id, client_id, client_secret)
    }

    /// The same credential with another timeout for a token request.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Requests a token for `scopes` (no caching), with azml's typed error.
    pub async fn fetch(&self, scopes: &[&str]) -> Result<AccessToken, Error> {
        let url = transport::parse(&format!(
            "{}/{}/oauth2/v2.0/token",
            self.authority_host, self.tenant_id
        ))?;
        transport::check_https(&url)?;
        let http = transport::http_client(None, self.timeout)?;
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("client_id", &self.client_id)
            .append_pair("client_secret", self.client_secret.expose())
            .append_pair("scope", &scopes.join(" "))
            .finish();
        let host = transport::host_port(&url);
        let request = http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(form)
            .build()?;
        let started = Instant::now();
        let issued = SystemTime::now();
        let response = transport::send_once(&http, request).await.map_err(|f| {
            f.into_error(Tally {
                host: host.clone(),
                attempts: 1,
                elapsed: started.elapsed(),
                limit: Limit::Attempt(self.timeout),
            })
        })?;
        let body: serde_json::Value =
            serde_json::from_slice(&response.body).unwrap_or(serde_json::Value::Null);
        let text = |k: &str| body.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let refused = |description: Option<String>| {
            Error::Authentication(Box::new(AuthenticationError {
                host: Some(host.clone()),
                status: Some(response.status),
                error: text("error"),
                description,
                source: None,
            }))
        };
        if !(200..300).contains(&response.status) {
            return Err(refused(text("error_description")));
        }
        let token = text("access_token")
            .ok_or_else(|| refused(Some("the token response has no access_token".into())))?;
        let expires_in = match body.get("expires_in") {
            Some(serde_json::Value::Number(n)) => n.as_u64(),
            Some(serde_json::Value::String(s)) => s.parse().ok(),
            _ => None,
        }
        .unwrap_or(3600);
        Ok(AccessToken {
            token: Secret::new(token),
            expires_on: issued + Duration::from_secs(expires_in),
        })
    }
}

#[async_trait::async_trait]
impl TokenCredential for ClientSecretCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        self.fetch(scopes)
            .await
            .map(AccessToken::into_core)
            .map_err(to_core)
    }
}

/// A [`ClientSecretCredential`] from `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`,
/// `AZURE_CLIENT_SECRET` and optional `AZURE_AUTHORITY_HOST`.
#[derive(Debug)]
pub struct EnvironmentCredential(ClientSecretCredential);

impl EnvironmentCredential {
    /// Reads the environment; names the missing variable on failure.
    pub fn new() -> Result<Self, Error> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Like [`EnvironmentCredential::new`] with a custom variable lookup (for tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let need = |k: &str| {
            get(k)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| Error::config(format!("{k} is not set")))
        };
        let tenant = need("AZURE_TENANT_ID")?;
        let client = need("AZURE_CLIENT_ID")?;
        let secret = Secret::new(need("AZURE_CLIENT_SECRET")?);
        let authority = get("AZURE_AUTHORITY_HOST")
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| Cloud::Public.authority_host().to_string());
        Ok(EnvironmentCredential(ClientSecretCredential::new(
            &authority, &tenant, &client, secret,
        )))
    }
}

#[async_trait::async_trait]
impl TokenCredential for EnvironmentCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        self.0.get_token(scopes, options).await
    }
}

/// Tokens are refreshed when this much or less of their lifetime remains.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// A cached token for one scope. Concurrent callers with a cold or stale cache wait for a
/// single token request (the lock is held across it) and then share its result.
#[derive(Clone)]
pub struct TokenCache {
    credential: Arc<dyn TokenCredential>,
    scope: String,
    cached: Arc<tokio::sync::Mutex<Option<AccessToken>>>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("credential", &self.credential)
            .field("scope", &self.scope)
            .finish()
    }
}

impl TokenCache {
    /// A cache for `scope` over `credential`.
    pub fn new(credential: Arc<dyn TokenCredential>, scope: String) -> Self {
        TokenCache {
            credential,
            scope,
            cached: Arc::new(tokio::sync::Mutex::new(None)),
        }
    }

    /// A token with more than [`REFRESH_MARGIN`] left, fetching one if needed.
    pub async fn token(&self) -> Result<Secret, Error> {
        let mut cached = self.cached.lock().await;
        if let Some(t) = cached.as_ref() {
            let left = t
                .expires_on
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO);
            if left > REFRESH_MARGIN {
                return Ok(t.token.clone());
            }
        }
        let fresh = self
            .credential
            .get_token(&[self.scope.as_str()], None)
            .await
            .map(AccessToken::from_core)?;
        let token = fresh.token.clone();
        *cached = Some(fresh);
        Ok(token)
    }

    /// Drops the cached token if it is still `rejected` (after a 401).
    pub async fn invalidate(&self, rejected: &Secret) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|t| t.token == *rejected) {
            *cached = None;
        }
    }
}
