//! Cargo feature `azure-core`: use any `azure_core` credential — `azure_identity`'s
//! `DeveloperToolsCredential`, `ManagedIdentityCredential`, `AzureCliCredential`,
//! `WorkloadIdentityCredential`, … — as an azml [`TokenCredential`].
//!
//! ```ignore
//! let cred = azure_identity::ManagedIdentityCredential::new(None)?;
//! let pipeline = azml::runtime::Pipeline::with_credential(Arc::new(AzureCoreCredential::new(cred)));
//! ```

use std::sync::Arc;
use std::time::SystemTime;

use crate::auth::{AccessToken, BoxFuture, Secret, TokenCredential};
use crate::error::{AuthenticationError, Error};

/// An `azure_core` credential seen as an azml [`TokenCredential`].
#[derive(Debug, Clone)]
pub struct AzureCoreCredential(Arc<dyn azure_core::credentials::TokenCredential>);

impl AzureCoreCredential {
    /// Wraps an `azure_core` credential.
    pub fn new(credential: Arc<dyn azure_core::credentials::TokenCredential>) -> Self {
        AzureCoreCredential(credential)
    }
}

impl TokenCredential for AzureCoreCredential {
    fn get_token<'a>(&'a self, scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(async move {
            let t = self.0.get_token(scopes, None).await.map_err(|e| {
                Error::Authentication(Box::new(AuthenticationError {
                    host: None,
                    status: None,
                    error: None,
                    description: None,
                    source: Some(Box::new(e)),
                }))
            })?;
            Ok(AccessToken {
                token: Secret::new(t.token.secret()),
                expires_on: SystemTime::from(t.expires_on),
            })
        })
    }
}
