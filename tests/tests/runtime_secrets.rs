//! During a full flow (token, GET, long-running PUT, an ARM error, a refused URL), nothing
//! captured — `tracing` output at TRACE level from every crate, `Debug` of the credential,
//! pipeline, poller and errors — contains the client secret or an access token.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use azml::auth::{ClientSecretCredential, Secret, TokenCredential};
use azml::runtime::Pipeline;
use azml::v2023_04_01::{models, Client};
use azml_tests::mock::{MockArm, Response};
use serde_json::json;

const CLIENT_SECRET: &str = "cs-7Q~verysecretvalue";
const ACCESS_TOKEN: &str = "eyJ0eXAi.access.token-value";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_in_logs_debug_or_errors() {
    let capture = Capture::default();
    let sink = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mock = MockArm::start(|r| {
        let host = r.header("host").unwrap().to_string();
        match (r.method.as_str(), r.path()) {
            (_, p) if p.ends_with("/oauth2/v2.0/token") => Response::json(
                200,
                json!({"access_token": ACCESS_TOKEN, "expires_in": 3600}),
            ),
            ("PUT", _) => Response::json(
                201,
                json!({"name": "ws1", "properties": {"provisioningState": "Creating"}}),
            )
            .header("azure-asyncoperation", &format!("http://{host}/ops/1")),
            ("GET", "/ops/1") => Response::json(200, json!({"status": "Succeeded"})),
            ("GET", p) if p.ends_with("/missing") => Response::json(
                404,
                json!({"error": {"code": "ResourceNotFound", "message": "gone"}}),
            ),
            _ => Response::json(
                200,
                json!({"name": "ws1", "properties": {"provisioningState": "Succeeded"}}),
            ),
        }
    })
    .await;
    let credential: Arc<dyn TokenCredential> = Arc::new(ClientSecretCredential::new(
        &mock.base,
        "t",
        "c",
        Secret::new(CLIENT_SECRET),
    ));
    let pipeline = Pipeline::builder()
        .endpoint(&mock.base)
        .credential(credential.clone())
        .poll_interval(Duration::from_millis(5))
        .build()
        .unwrap();
    let client = Client::with_pipeline(pipeline.clone());

    let mut seen = Vec::new();
    let ws = client
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap()
        .into_inner();
    let body: models::Workspace = ws.clone();
    let poller = client
        .workspaces_create_or_update("s", "rg", "ws1", &body)
        .await
        .unwrap();
    seen.push(format!("{poller:?} {}", poller.resume_token()));
    let done = poller.await.unwrap();
    seen.push(format!("{done:?}"));
    let err: azml::Error = client
        .workspaces_get("s", "rg", "missing")
        .await
        .unwrap_err();
    seen.push(format!("{err} {err:?}"));
    let refused: azml::Error =
        Client::with_endpoint("https://elsewhere.example.com", pipeline.clone())
            .workspaces_get("s", "rg", "ws1")
            .await
            .unwrap_err();
    seen.push(format!("{refused} {refused:?}"));
    seen.push(format!(
        "{credential:?} {pipeline:?} {client:?} {:?}",
        credential.get_token(&["x/.default"], None).await.unwrap()
    ));

    // The token really was used, so its absence below means something.
    let auth = mock
        .requests()
        .iter()
        .filter_map(|r| r.header("authorization").map(str::to_string))
        .collect::<Vec<_>>();
    assert!(auth.iter().all(|a| a == &format!("Bearer {ACCESS_TOKEN}")) && !auth.is_empty());

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("azml.request"),
        "the flow was traced:\n{logs}"
    );
    let everything = format!("{logs}\n{}", seen.join("\n"));
    for secret in [CLIENT_SECRET, ACCESS_TOKEN, "verysecret", "access.token"] {
        assert!(
            !everything.contains(secret),
            "found {secret:?} in:\n{everything}"
        );
    }
}

#[tokio::test]
async fn no_secret_across_redirects_and_timeouts() {
    let capture = Capture::default();
    let sink = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut seen = Vec::new();

    // A token endpoint that redirects the client secret elsewhere.
    let other = MockArm::start(|_| Response::json(200, json!({}))).await;
    let target = other.base.clone();
    let idp = MockArm::start(move |_| {
        Response::empty(307).header("location", &format!("{target}/token"))
    })
    .await;
    let err = ClientSecretCredential::new(&idp.base, "t", "c", Secret::new(CLIENT_SECRET))
        .get_token(&["x/.default"], None)
        .await
        .map_err(azml::Error::from)
        .unwrap_err();
    seen.push(format!("{err} {err:?}"));

    // A real token, then ARM redirects a PUT whose body holds the secret.
    let tokens = MockArm::start(|_| {
        Response::json(
            200,
            json!({"access_token": ACCESS_TOKEN, "expires_in": 3600}),
        )
    })
    .await;
    let credential = Arc::new(ClientSecretCredential::new(
        &tokens.base,
        "t",
        "c",
        Secret::new(CLIENT_SECRET),
    ));
    let target = other.base.clone();
    let arm = MockArm::start(move |_| {
        Response::empty(302).header("location", &format!("{target}/stolen"))
    })
    .await;
    let pipeline = Pipeline::builder()
        .endpoint(&arm.base)
        .credential(credential.clone())
        .build()
        .unwrap();
    let body: models::Workspace = serde_json::from_value(
        json!({"location": "eastus", "properties": {"description": CLIENT_SECRET}}),
    )
    .unwrap();
    let err = Client::with_pipeline(pipeline)
        .workspaces_create_or_update_initial("s", "rg", "ws1", &body)
        .await
        .unwrap_err();
    seen.push(format!("{err} {err:?}"));
    assert!(String::from_utf8_lossy(&arm.requests()[0].body).contains(CLIENT_SECRET));

    // A hung ARM endpoint: the token was sent, the timeout error must not show it.
    let silent = azml_tests::mock::Silent::start().await;
    let pipeline = Pipeline::builder()
        .endpoint(&silent.base)
        .credential(credential)
        .timeout(Duration::from_millis(300))
        .retry(azml::runtime::RetryOptions {
            max_retries: 1,
            initial_delay: Duration::from_millis(1),
            ..Default::default()
        })
        .build()
        .unwrap();
    let err = Client::with_pipeline(pipeline)
        .workspaces_create_or_update_initial("s", "rg", "ws1", &body)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let mut chain = format!("{err} {err:?}");
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        chain.push_str(&format!(" {s} {s:?}"));
        source = s.source();
    }
    seen.push(chain);

    assert!(other.requests().is_empty());
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    let everything = format!("{logs}\n{}", seen.join("\n"));
    for secret in [CLIENT_SECRET, ACCESS_TOKEN, "verysecret", "access.token"] {
        assert!(
            !everything.contains(secret),
            "found {secret:?} in:\n{everything}"
        );
    }
}
