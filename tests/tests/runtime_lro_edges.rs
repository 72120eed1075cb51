//! Long-running-operation edge cases: a POST whose final `Location` answers 204 with no
//! body, a typed result that needs a body, `Retry-After` surviving a resume token, the cap on
//! `Retry-After`, and the poller's deadline.

use std::time::{Duration, Instant};

use azml::error::Limit;
use azml::runtime::{Pipeline, PollOptions};
use azml::v2023_04_01::{models, Client};
use azml::Error;
use azml_tests::mock::{MockArm, Response};
use serde_json::json;

fn pipeline(base: &str, poll: PollOptions) -> Pipeline {
    Pipeline::builder()
        .endpoint(base)
        .poll(poll)
        .build()
        .unwrap()
}

fn quick() -> PollOptions {
    PollOptions {
        interval: Duration::from_millis(5),
        ..PollOptions::default()
    }
}

/// POST answered 202 + `Location`; the `Location` answers 202 once, then 204 with no body.
async fn post_then_204() -> MockArm {
    MockArm::start(|r| {
        let host = r.header("host").unwrap().to_string();
        match (r.method.as_str(), r.path()) {
            ("POST", _) => Response::empty(202).header("location", &format!("http://{host}/ops/1")),
            ("GET", "/ops/1") => {
                Response::empty(202).header("location", &format!("http://{host}/ops/2"))
            }
            _ => Response::empty(204),
        }
    })
    .await
}

#[tokio::test]
async fn post_lro_whose_final_location_answers_204_succeeds() {
    let mock = post_then_204().await;
    let c = Client::with_pipeline(pipeline(&mock.base, quick()));
    c.compute_start("s", "rg", "ws1", "cpu1")
        .await
        .unwrap()
        .await
        .unwrap();
    let paths: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert_eq!(&paths[1..], ["/ops/1", "/ops/2"]);
}

#[tokio::test]
async fn typed_post_lro_with_a_final_204_yields_no_result() {
    let mock = post_then_204().await;
    let c = Client::with_pipeline(pipeline(&mock.base, quick()));
    let result: Option<models::NotebookResourceInfo> = c
        .workspaces_prepare_notebook("s", "rg", "ws1")
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(result, None);
}

#[tokio::test]
async fn put_lro_whose_resource_get_is_empty_is_a_clear_decode_error() {
    let mock = MockArm::start(|r| {
        let host = r.header("host").unwrap().to_string();
        match (r.method.as_str(), r.path()) {
            ("PUT", _) => Response::json(201, json!({"name": "ws1"}))
                .header("azure-asyncoperation", &format!("http://{host}/ops/1")),
            ("GET", "/ops/1") => Response::json(200, json!({"status": "Succeeded"})),
            _ => Response::empty(204),
        }
    })
    .await;
    let c = Client::with_pipeline(pipeline(&mock.base, quick()));
    let body: models::Workspace = serde_json::from_value(json!({"location": "eastus"})).unwrap();
    let err = c
        .workspaces_create_or_update("s", "rg", "ws1", &body)
        .await
        .unwrap()
        .await
        .unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(d.status, 204);
    assert_eq!(
        err.to_string(),
        "cannot decode the HTTP 204 response: expected a Workspace body, found an empty body"
    );
}

#[tokio::test]
async fn retry_after_survives_a_resume_token() {
    let mock = MockArm::start(|r| {
        let host = r.header("host").unwrap().to_string();
        match (r.method.as_str(), r.path()) {
            ("PUT", _) => Response::json(201, json!({"name": "ws1"}))
                .header("azure-asyncoperation", &format!("http://{host}/ops/1"))
                .header("retry-after", "1"),
            ("GET", "/ops/1") => Response::json(200, json!({"status": "Succeeded"})),
            _ => Response::json(200, json!({"name": "ws1"})),
        }
    })
    .await;
    // The resuming process polls every 30 s by default; the service asked for 1 s.
    let slow = PollOptions {
        interval: Duration::from_secs(30),
        ..PollOptions::default()
    };
    let c = Client::with_pipeline(pipeline(&mock.base, slow));
    let body: models::Workspace = serde_json::from_value(json!({"location": "eastus"})).unwrap();
    let token = c
        .workspaces_create_or_update("s", "rg", "ws1", &body)
        .await
        .unwrap()
        .resume_token();
    let resumed = azml::lro::Poller::<models::Workspace>::resume(
        pipeline(&mock.base, slow),
        &mock.base,
        &token,
    )
    .unwrap();
    assert_eq!(resumed.delay(), Duration::from_secs(1));
    let started = Instant::now();
    let ws = resumed.await.unwrap();
    assert_eq!(ws.name.as_deref(), Some("ws1"));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(5),
        "{took:?}"
    );
}

#[tokio::test]
async fn retry_after_between_polls_is_capped() {
    let mock = MockArm::start(|r| {
        let host = r.header("host").unwrap().to_string();
        match (r.method.as_str(), r.path()) {
            ("DELETE", _) => Response::empty(202)
                .header("azure-asyncoperation", &format!("http://{host}/ops/1"))
                .header("retry-after", "3600"),
            _ => Response::json(200, json!({"status": "Succeeded"})),
        }
    })
    .await;
    let capped = PollOptions {
        max_retry_after: Duration::from_millis(50),
        ..quick()
    };
    let poller = Client::with_pipeline(pipeline(&mock.base, capped))
        .workspaces_delete("s", "rg", "ws1")
        .await
        .unwrap();
    assert_eq!(poller.delay(), Duration::from_millis(50));
    let started = Instant::now();
    poller.await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_poller_gives_up_at_its_deadline() {
    let mock = MockArm::start(|r| {
        let host = r.header("host").unwrap().to_string();
        match r.method.as_str() {
            "DELETE" => {
                Response::empty(202).header("azure-asyncoperation", &format!("http://{host}/ops/1"))
            }
            _ => Response::json(200, json!({"status": "InProgress"})),
        }
    })
    .await;
    let short = PollOptions {
        interval: Duration::from_millis(50),
        deadline: Duration::from_millis(300),
        ..PollOptions::default()
    };
    let started = Instant::now();
    let err = Client::with_pipeline(pipeline(&mock.base, short))
        .workspaces_delete("s", "rg", "ws1")
        .await
        .unwrap()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    let Error::Timeout(t) = &err else {
        panic!("expected a timeout, got {err:?}")
    };
    assert_eq!(t.limit, Limit::Poller(Duration::from_millis(300)));
    assert!(t.attempts >= 3, "polled until the deadline: {}", t.attempts);
    assert!(err.to_string().contains("poller deadline"), "{err}");
}
