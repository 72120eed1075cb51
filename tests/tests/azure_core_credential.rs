//! An `azure_core` credential (here a test implementation of its `TokenCredential` trait,
//! as `azure_identity`'s credentials are) drives azml's pipeline with no adapter:
//! its token reaches ARM, it is asked for the ARM scope, and azml's cache applies.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use azml::runtime::Pipeline;
use azml::v2023_04_01::Client;
use azml_tests::mock::{MockArm, Response};
use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::time::{Duration, OffsetDateTime};
use serde_json::json;

#[derive(Debug, Default)]
struct FakeIdentity {
    calls: AtomicUsize,
    scopes: Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl TokenCredential for FakeIdentity {
    async fn get_token(
        &self,
        scopes: &[&str],
        _: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.scopes
            .lock()
            .unwrap()
            .extend(scopes.iter().map(|s| s.to_string()));
        Ok(AccessToken::new(
            Secret::new("core-token"),
            OffsetDateTime::now_utc() + Duration::hours(1),
        ))
    }
}

#[tokio::test]
async fn azure_core_credentials_authenticate_the_client() {
    let mock = MockArm::start(|r| match r.header("authorization") {
        Some("Bearer core-token") => Response::json(200, json!({"name": "ws1"})),
        _ => Response::json(
            401,
            json!({"error": {"code": "AuthenticationFailed", "message": "no"}}),
        ),
    })
    .await;
    let identity = Arc::new(FakeIdentity::default());
    let pipeline = Pipeline::builder()
        .endpoint(&mock.base)
        .scope("https://management.azure.com/.default")
        .credential(identity.clone())
        .build()
        .unwrap();
    let client = Client::with_pipeline(pipeline);
    for _ in 0..3 {
        client.workspaces_get("s", "rg", "ws1").await.unwrap();
    }
    assert_eq!(
        identity.calls.load(Ordering::SeqCst),
        1,
        "azml's cache applies"
    );
    assert_eq!(
        *identity.scopes.lock().unwrap(),
        ["https://management.azure.com/.default"]
    );
    assert_eq!(mock.requests().len(), 3);
}
