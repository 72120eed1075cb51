//! Retry drills over loopback: 429 with `Retry-After`, 503 twice then 200, a connection
//! reset, and the bound on retries.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use azml::runtime::{Pipeline, RetryOptions};
use azml::v2023_04_01::Client;
use azml_tests::mock::{MockArm, Response};
use serde_json::json;

fn client(mock: &MockArm, retry: RetryOptions) -> Client {
    Client::with_pipeline(
        Pipeline::builder()
            .endpoint(&mock.base)
            .retry(retry)
            .build()
            .unwrap(),
    )
}

fn fast() -> RetryOptions {
    RetryOptions {
        max_retries: 3,
        initial_delay: Duration::from_millis(1),
        max_delay: Duration::from_secs(60),
        max_total: Duration::from_secs(60),
    }
}

/// Answers the first `fail` requests with `failure`, then 200.
async fn flaky(fail: usize, failure: fn() -> Response) -> (MockArm, Arc<AtomicUsize>) {
    let n = Arc::new(AtomicUsize::new(0));
    let c = n.clone();
    let mock = MockArm::start(move |_| {
        if c.fetch_add(1, Ordering::SeqCst) < fail {
            failure()
        } else {
            Response::json(200, json!({"name": "ws1"}))
        }
    })
    .await;
    (mock, n)
}

#[tokio::test]
async fn throttled_429_honours_retry_after() {
    // Backoff alone would wait 10 s, more than the 5 s budget: only honouring the
    // 20 ms `retry-after-ms` lets this succeed.
    let retry = RetryOptions {
        initial_delay: Duration::from_secs(10),
        max_total: Duration::from_secs(5),
        ..fast()
    };
    let (mock, n) = flaky(1, || {
        Response::json(
            429,
            json!({"error": {"code": "TooManyRequests", "message": "slow down"}}),
        )
        .header("retry-after-ms", "20")
    })
    .await;
    let ws = client(&mock, retry.clone())
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ws.name.as_deref(), Some("ws1"));
    assert_eq!(n.load(Ordering::SeqCst), 2);
    // `Retry-After` in seconds: 0 s.
    let (mock, n) = flaky(1, || {
        Response::json(429, json!({})).header("retry-after", "0")
    })
    .await;
    client(&mock, retry)
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap();
    assert_eq!(n.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn service_unavailable_twice_then_ok() {
    let (mock, n) = flaky(2, || {
        Response::json(
            503,
            json!({"error": {"code": "ServiceUnavailable", "message": "busy"}}),
        )
    })
    .await;
    client(&mock, fast())
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap();
    assert_eq!(n.load(Ordering::SeqCst), 3);
    let ids: std::collections::BTreeSet<_> = mock
        .requests()
        .iter()
        .filter_map(|r| r.header("x-ms-client-request-id").map(str::to_string))
        .collect();
    assert_eq!(
        ids.len(),
        1,
        "retries of one call keep its client request id"
    );
}

#[tokio::test]
async fn connection_reset_is_retried() {
    let (mock, n) = flaky(1, Response::drop_connection).await;
    client(&mock, fast())
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap();
    assert_eq!(n.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn retries_stop_at_the_bound_and_say_how_many() {
    let (mock, n) = flaky(usize::MAX, || {
        Response::json(
            503,
            json!({"error": {"code": "ServiceUnavailable", "message": "down"}}),
        )
    })
    .await;
    let retry = RetryOptions {
        max_retries: 2,
        ..fast()
    };
    let err: azml::Error = client(&mock, retry)
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap_err();
    assert_eq!(n.load(Ordering::SeqCst), 3);
    assert_eq!(
        err.to_string(),
        "HTTP 503: ServiceUnavailable: down after 3 attempts"
    );
}

#[tokio::test]
async fn post_is_not_retried_on_500_but_is_on_503() {
    let (mock, n) = flaky(1, || {
        Response::json(
            500,
            json!({"error": {"code": "InternalServerError", "message": "oops"}}),
        )
    })
    .await;
    let err: azml::Error = client(&mock, fast())
        .workspaces_list_keys("s", "rg", "ws1")
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("HTTP 500"), "{err}");
    assert_eq!(
        n.load(Ordering::SeqCst),
        1,
        "a POST that may have been processed is not repeated"
    );
    let (mock, n) = flaky(1, || Response::json(503, json!({}))).await;
    let _ = client(&mock, fast())
        .workspaces_list_keys("s", "rg", "ws1")
        .await;
    assert_eq!(
        n.load(Ordering::SeqCst),
        2,
        "503 means not processed: retried"
    );
}

#[test]
fn retry_after_forms() {
    use reqwest::header::{HeaderMap, HeaderValue};
    let h = |k: &'static str, v: &str| {
        let mut m = HeaderMap::new();
        m.insert(k, HeaderValue::from_str(v).unwrap());
        m
    };
    assert_eq!(
        azml::lro::retry_after(&h("retry-after", "7")),
        Some(Duration::from_secs(7))
    );
    assert_eq!(
        azml::lro::retry_after(&h("retry-after-ms", "250")),
        Some(Duration::from_millis(250))
    );
    assert_eq!(
        azml::lro::retry_after(&h("x-ms-retry-after-ms", "40")),
        Some(Duration::from_millis(40))
    );
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(120));
    let d = azml::lro::retry_after(&h("retry-after", &date)).unwrap();
    assert!(
        d > Duration::from_secs(110) && d <= Duration::from_secs(120),
        "{d:?}"
    );
    assert_eq!(azml::lro::retry_after(&HeaderMap::new()), None);
}
