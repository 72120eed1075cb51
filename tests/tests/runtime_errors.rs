//! One truthful error type: an HTML 502 keeps status, content type, body start and attempts;
//! a server that never answers times out with attempts and a `source()`; plain calls, LROs,
//! pagers and token requests all return `azml::Error`, matched here by kind.

use std::error::Error as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use azml::auth::{ClientSecretCredential, Secret, TokenCredential};
use azml::error::Limit;
use azml::runtime::{Pipeline, RetryOptions};
use azml::v2023_04_01::Client;
use azml::Error;
use azml_tests::mock::{MockArm, Response, Silent};
use futures_util::StreamExt;
use serde_json::json;

fn fast_retries(max_retries: u32) -> RetryOptions {
    RetryOptions {
        max_retries,
        initial_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(10),
        max_total: Duration::from_secs(30),
    }
}

fn client(base: &str, retry: RetryOptions, timeout: Duration) -> Client {
    Client::with_pipeline(
        Pipeline::builder()
            .endpoint(base)
            .retry(retry)
            .timeout(timeout)
            .poll_interval(Duration::from_millis(5))
            .build()
            .unwrap(),
    )
}

/// The kind of an error, as a caller would match it.
fn kind(e: &Error) -> &'static str {
    match e {
        Error::Service(_) => "service",
        Error::Transport(_) => "transport",
        Error::Timeout(_) => "timeout",
        Error::Redirect(_) => "redirect",
        Error::Decode(_) => "decode",
        Error::Refused(_) => "refused",
        Error::Authentication(_) => "authentication",
        Error::OperationFailed(_) => "operation failed",
        Error::OperationCanceled(_) => "operation canceled",
        Error::Config(_) => "config",
        _ => "other",
    }
}

#[tokio::test]
async fn html_502_keeps_status_content_type_body_and_attempts() {
    let page =
        "<html><head><title>502 Bad Gateway</title></head>\r\n<body>upstream gone</body></html>";
    let mock = MockArm::start(move |_| Response {
        status: 502,
        headers: vec![("content-type".into(), "text/html".into())],
        body: page.into(),
    })
    .await;
    let err = client(&mock.base, fast_retries(3), Duration::from_secs(10))
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap_err();
    assert_eq!(mock.requests().len(), 4);
    let Error::Service(s) = &err else {
        panic!("expected a service error, got {err:?}")
    };
    assert_eq!(s.status, 502);
    assert_eq!(s.content_type.as_deref(), Some("text/html"));
    assert!(s
        .body_start
        .as_deref()
        .unwrap()
        .starts_with("<html><head><title>502"));
    assert_eq!(s.attempts, 4);
    assert_eq!(err.attempts(), Some(4));
    let shown = err.to_string();
    for part in [
        "HTTP 502",
        "text/html",
        "<html><head><title>502 Bad Gateway",
        "4 attempts",
    ] {
        assert!(shown.contains(part), "{part:?} missing from {shown}");
    }
    assert!(
        !shown.contains('\n') && !shown.contains('\r'),
        "one line: {shown:?}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_with_attempts_and_source() {
    let silent = Silent::start().await;
    let started = Instant::now();
    let err = client(&silent.base, fast_retries(1), Duration::from_secs(1))
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(
        took >= Duration::from_secs(2),
        "two 1 s attempts, took {took:?}"
    );
    assert_eq!(silent.connections(), 2);
    let Error::Timeout(t) = &err else {
        panic!("expected a timeout, got {err:?}")
    };
    assert_eq!(t.limit, Limit::Attempt(Duration::from_secs(1)));
    assert_eq!(t.attempts, 2);
    assert!(err.is_timeout());
    let shown = err.to_string();
    assert!(
        shown.contains("timed out") && shown.contains("2 attempts"),
        "{shown}"
    );
    let source = err.source().expect("the HTTP client's error");
    let reqwest_error = source
        .downcast_ref::<reqwest::Error>()
        .expect("source is reqwest's error");
    assert!(reqwest_error.is_timeout());
}

#[tokio::test]
async fn the_call_deadline_cuts_an_attempt_short() {
    let silent = Silent::start().await;
    let retry = RetryOptions {
        max_total: Duration::from_millis(700),
        ..fast_retries(5)
    };
    let started = Instant::now();
    let err = client(&silent.base, retry, Duration::from_secs(30))
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let Error::Timeout(t) = &err else {
        panic!("expected a timeout, got {err:?}")
    };
    assert_eq!(t.limit, Limit::Call(Duration::from_millis(700)));
    assert!(err.to_string().contains("call deadline"), "{err}");
}

#[tokio::test]
async fn plain_lro_pager_and_token_calls_return_the_same_error_type() {
    let mock = MockArm::start(|r| {
        let host = r.header("host").unwrap().to_string();
        match (r.method.as_str(), r.path()) {
            (_, p) if p.ends_with("/token") => Response::json(
                400,
                json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret."}),
            ),
            ("DELETE", _) => {
                Response::empty(202).header("azure-asyncoperation", &format!("http://{host}/ops/1"))
            }
            ("GET", "/ops/1") => Response::json(
                200,
                json!({"status": "Failed", "error": {"code": "QuotaExceeded", "message": "no cores"}}),
            ),
            ("GET", p) if p.ends_with("/workspaces") => Response::json(
                500,
                json!({"error": {"code": "InternalError", "message": "boom"}}),
            ),
            _ => Response::json(404, json!({"error": {"code": "ResourceNotFound", "message": "gone"}})),
        }
    })
    .await;
    let c = client(&mock.base, fast_retries(0), Duration::from_secs(10));

    let plain: Error = c.workspaces_get("s", "rg", "ws1").await.unwrap_err();
    assert_eq!(kind(&plain), "service");
    assert_eq!(plain.status(), Some(404));

    // DELETE answered 202 + Azure-AsyncOperation; the status body says Failed.
    let lro: Error = c
        .workspaces_delete("s", "rg", "ws1")
        .await
        .unwrap()
        .await
        .unwrap_err();
    assert_eq!(kind(&lro), "operation failed");
    let Error::OperationFailed(op) = &lro else {
        unreachable!()
    };
    assert_eq!(
        op.error.as_ref().unwrap().code.as_deref(),
        Some("QuotaExceeded")
    );

    let pager: Error = c
        .workspaces_list_by_resource_group("s", "rg", None)
        .next()
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(kind(&pager), "service");
    assert_eq!(pager.status(), Some(500));

    let credential: Arc<dyn TokenCredential> = Arc::new(ClientSecretCredential::new(
        &mock.base,
        "t",
        "c",
        Secret::new("s3cret"),
    ));
    let token: Error = credential
        .get_token(&["https://management.azure.com/.default"], None)
        .await
        .map_err(Error::from)
        .unwrap_err();
    let Error::Authentication(a) = &token else {
        panic!("expected an authentication error, got {token:?}")
    };
    assert_eq!(
        (a.status, a.error.as_deref()),
        (Some(400), Some("invalid_client"))
    );
    assert!(token.to_string().contains("AADSTS7000215"), "{token}");
}
