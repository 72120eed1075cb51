//! Service-principal auth against a mock Entra ID token endpoint and a mock ARM on loopback:
//! exact form fields, caching, refresh at ≤ 5 minutes left, single-flight, 401 → one
//! re-authentication, and where tokens may go.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use azml::auth::{
    ClientSecretCredential, Cloud, EnvironmentCredential, Secret, TokenCache, TokenCredential,
};
use azml::runtime::Pipeline;
use azml::v2023_04_01::Client;
use azml_tests::mock::{MockArm, Request, Response};
use serde_json::json;

const SECRET: &str = "SECRET-value-&=+ 1";

fn form(r: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&r.body).into_owned().collect()
}

/// A mock serving both the token endpoint (tokens `tok-1`, `tok-2`, … valid `expires_in` s)
/// and ARM (workspace GETs that need `Bearer tok-*`).
async fn mock(expires_in: u64, tokens: Arc<AtomicUsize>) -> MockArm {
    MockArm::start(move |r| {
        if r.path().ends_with("/oauth2/v2.0/token") {
            let n = tokens.fetch_add(1, Ordering::SeqCst) + 1;
            return Response::json(200, json!({"token_type": "Bearer", "access_token": format!("tok-{n}"), "expires_in": expires_in}));
        }
        match r.header("authorization") {
            Some(a) if a.starts_with("Bearer tok-") => Response::json(200, json!({"name": "ws1"})),
            _ => Response::json(401, json!({"error": {"code": "AuthenticationFailed", "message": "no token"}})),
        }
    })
    .await
}

fn credential(mock: &MockArm) -> Arc<dyn TokenCredential> {
    Arc::new(ClientSecretCredential::new(
        &mock.base,
        "tenant1",
        "client1",
        Secret::new(SECRET),
    ))
}

fn client(mock: &MockArm) -> Client {
    let pipeline = Pipeline::builder()
        .endpoint(&mock.base)
        .scope("https://management.azure.com/.default")
        .credential(credential(mock))
        .build()
        .unwrap();
    Client::with_pipeline(pipeline)
}

#[tokio::test]
async fn token_request_has_the_exact_form_fields() {
    let mock = mock(3600, Arc::new(AtomicUsize::new(0))).await;
    client(&mock)
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap();
    let reqs = mock.requests();
    let token_req = &reqs[0];
    assert_eq!(token_req.method, "POST");
    assert_eq!(token_req.path(), "/tenant1/oauth2/v2.0/token");
    assert_eq!(
        token_req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let mut fields = form(token_req);
    fields.sort();
    assert_eq!(
        fields,
        vec![
            ("client_id".to_string(), "client1".to_string()),
            ("client_secret".into(), SECRET.into()),
            ("grant_type".into(), "client_credentials".into()),
            (
                "scope".into(),
                "https://management.azure.com/.default".into()
            ),
        ]
    );
    assert_eq!(reqs[1].header("authorization"), Some("Bearer tok-1"));
    assert!(reqs[1]
        .header("x-ms-client-request-id")
        .is_some_and(|id| id.len() == 36));
}

#[tokio::test]
async fn token_is_cached_and_refreshed_when_five_minutes_or_less_remain() {
    let tokens = Arc::new(AtomicUsize::new(0));
    let long = mock(3600, tokens.clone()).await;
    let c = client(&long);
    for _ in 0..3 {
        c.workspaces_get("s", "rg", "ws1").await.unwrap();
    }
    assert_eq!(tokens.load(Ordering::SeqCst), 1, "a 1-hour token is reused");

    let tokens = Arc::new(AtomicUsize::new(0));
    let short = mock(300, tokens.clone()).await;
    let c = client(&short);
    for _ in 0..3 {
        c.workspaces_get("s", "rg", "ws1").await.unwrap();
    }
    assert_eq!(
        tokens.load(Ordering::SeqCst),
        3,
        "a token with 5 minutes left is refreshed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_calls_make_one_token_request() {
    let tokens = Arc::new(AtomicUsize::new(0));
    let server = mock(3600, tokens.clone()).await;
    let cache = Arc::new(TokenCache::new(
        credential(&server),
        "https://management.azure.com/.default".into(),
    ));
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.token().await.unwrap().expose().to_string() })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), "tok-1");
    }
    assert_eq!(tokens.load(Ordering::SeqCst), 1);

    // The same through the client: 100 concurrent ARM calls, cold cache, one token request.
    let tokens = Arc::new(AtomicUsize::new(0));
    let server = mock(3600, tokens.clone()).await;
    let c = Arc::new(client(&server));
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.workspaces_get("s", "rg", "ws1").await.map(|_| ()) })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(tokens.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_401_drops_the_token_and_retries_once() {
    let tokens = Arc::new(AtomicUsize::new(0));
    let t = tokens.clone();
    let mock = MockArm::start(move |r| {
        if r.path().ends_with("/token") {
            let n = t.fetch_add(1, Ordering::SeqCst) + 1;
            return Response::json(
                200,
                json!({"access_token": format!("tok-{n}"), "expires_in": 3600}),
            );
        }
        match r.header("authorization") {
            Some("Bearer tok-2") => Response::json(200, json!({"name": "ws1"})),
            _ => Response::json(
                401,
                json!({"error": {"code": "InvalidAuthenticationToken", "message": "expired"}}),
            ),
        }
    })
    .await;
    client(&mock)
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap();
    assert_eq!(tokens.load(Ordering::SeqCst), 2);
    let arm: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|r| !r.path().ends_with("/token"))
        .collect();
    assert_eq!(arm.len(), 2);
    assert_eq!(arm[1].header("authorization"), Some("Bearer tok-2"));

    // A token that keeps failing: one retry only, then the ARM error.
    let tokens = Arc::new(AtomicUsize::new(0));
    let t = tokens.clone();
    let mock = MockArm::start(move |r| {
        if r.path().ends_with("/token") {
            t.fetch_add(1, Ordering::SeqCst);
            return Response::json(200, json!({"access_token": "tok-bad", "expires_in": 3600}));
        }
        Response::json(
            401,
            json!({"error": {"code": "InvalidAuthenticationToken", "message": "nope"}}),
        )
    })
    .await;
    let err: azml::Error = client(&mock)
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("HTTP 401: InvalidAuthenticationToken: nope"),
        "{err}"
    );
    assert_eq!(tokens.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn token_goes_only_to_the_configured_https_endpoint() {
    let arm = mock(3600, Arc::new(AtomicUsize::new(0))).await;
    let other = MockArm::start(|_| Response::json(200, json!({}))).await;
    // A client whose base URL is not the pipeline's endpoint: refused, nothing sent there.
    let pipeline = Pipeline::builder()
        .endpoint(&arm.base)
        .credential(credential(&arm))
        .build()
        .unwrap();
    let c = Client::with_endpoint(&other.base, pipeline);
    let err: azml::Error = c.workspaces_get("s", "rg", "ws1").await.unwrap_err();
    assert!(matches!(err, azml::Error::Refused(_)), "{err:?}");
    // Both hosts are 127.0.0.1: only the ports tell them apart, so the message has them.
    let (refused, configured) = (
        other.base.trim_start_matches("http://"),
        arm.base.trim_start_matches("http://"),
    );
    assert_eq!(
        err.to_string(),
        format!("refused to send a request to http://{refused}: not the configured endpoint {configured}")
    );
    assert!(other.requests().is_empty());
    // Plain HTTP to a non-loopback host: the pipeline is refused, so nothing can be sent.
    let err = Pipeline::builder()
        .endpoint("http://management.example.com")
        .credential(credential(&arm))
        .build()
        .unwrap_err();
    assert!(matches!(err, azml::Error::Refused(_)), "{err:?}");
    assert!(err.to_string().contains("not HTTPS"), "{err}");
    assert!(arm.requests().is_empty(), "not even a token request");
}

#[tokio::test]
async fn token_endpoint_errors_are_clear_and_secret_free() {
    let mock = MockArm::start(|_| Response::json(401, json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}))).await;
    let err: azml::Error = client(&mock)
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        text.contains("invalid_client") && text.contains("AADSTS7000215"),
        "{text}"
    );
    assert!(!text.contains(SECRET), "{text}");
}

#[test]
fn environment_credential_and_clouds() {
    let env = |k: &str| match k {
        "AZURE_TENANT_ID" => Some("t".to_string()),
        "AZURE_CLIENT_ID" => Some("c".to_string()),
        "AZURE_CLIENT_SECRET" => Some(SECRET.to_string()),
        _ => None,
    };
    let cred = EnvironmentCredential::from_lookup(env).unwrap();
    let shown = format!("{cred:?}");
    assert!(
        shown.contains("login.microsoftonline.com") && !shown.contains(SECRET),
        "{shown}"
    );
    let missing = EnvironmentCredential::from_lookup(|k| {
        (k != "AZURE_CLIENT_SECRET").then(|| "x".to_string())
    })
    .unwrap_err();
    assert_eq!(
        missing.to_string(),
        "invalid configuration: AZURE_CLIENT_SECRET is not set"
    );
    assert_eq!(
        Cloud::China.resource_manager(),
        "https://management.chinacloudapi.cn"
    );
    assert_eq!(
        Cloud::UsGovernment.arm_scope(),
        "https://management.usgovcloudapi.net/.default"
    );
    assert_eq!(
        Cloud::Public.authority_host(),
        "https://login.microsoftonline.com"
    );
}
