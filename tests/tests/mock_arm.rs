//! The generated client against a real-protocol mock ARM server on loopback: typed GET,
//! typed ARM errors, and long-running operations driven by the poller.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use azml::runtime::Pipeline;
use azml::v2023_04_01::{models, Client};
use azml_tests::mock::{MockArm, Response};
use serde_json::json;

const WS: &str = "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws1";

fn client(mock: &MockArm) -> Client {
    Client::with_endpoint(
        &mock.base,
        Pipeline::new().with_poll_interval(Duration::from_millis(5)),
    )
}

fn workspace(state: &str) -> serde_json::Value {
    json!({"id": WS, "name": "ws1", "type": "Microsoft.MachineLearningServices/workspaces",
           "location": "eastus", "identity": {"type": "SystemAssigned"},
           "properties": {"friendlyName": "Ws 1", "provisioningState": state,
                          "discoveryUrl": "https://eastus.api.azureml.ms/discovery"}})
}

#[tokio::test]
async fn get_is_typed_and_sends_api_version() {
    let mock = MockArm::start(|_| Response::json(200, workspace("Succeeded"))).await;
    let ws = client(&mock)
        .workspaces_get("sub1", "rg1", "ws1")
        .await
        .unwrap()
        .into_inner();
    let props = ws.properties.unwrap();
    assert_eq!(props.friendly_name.as_deref(), Some("Ws 1"));
    assert_eq!(
        props.discovery_url.as_deref(),
        Some("https://eastus.api.azureml.ms/discovery")
    );
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(reqs[0].path(), WS);
    assert_eq!(reqs[0].query("api-version").as_deref(), Some("2023-04-01"));
}

#[tokio::test]
async fn arm_error_keeps_code_and_message() {
    let mock = MockArm::start(|_| {
        Response::json(404, json!({"error": {"code": "ResourceNotFound", "message": "Workspace ws1 was not found."}}))
            .header("x-ms-request-id", "req-42")
    })
    .await;
    let err: azml::Error = client(&mock)
        .workspaces_get("sub1", "rg1", "ws1")
        .await
        .unwrap_err();
    let azml::Error::Service(api) = &err else {
        panic!("expected an ARM error, got {err:?}")
    };
    let code = api.error.as_ref().and_then(|e| e.code.as_deref());
    assert_eq!((api.status, code), (404, Some("ResourceNotFound")));
    assert_eq!(api.request_id.as_deref(), Some("req-42"));
    assert_eq!(
        err.to_string(),
        "HTTP 404: ResourceNotFound: Workspace ws1 was not found. (request id req-42)"
    );
}

#[tokio::test]
async fn put_201_azure_async_operation_polls_then_gets_original_uri() {
    let polls = Arc::new(AtomicUsize::new(0));
    let p = polls.clone();
    let mock = MockArm::start(move |r| match (r.method.as_str(), r.path()) {
        ("PUT", WS) => Response::json(201, workspace("Creating")).header(
            "azure-asyncoperation",
            &format!(
                "http://{}/ops/1?api-version=2023-04-01",
                r.header("host").unwrap()
            ),
        ),
        ("GET", "/ops/1") => {
            let n = p.fetch_add(1, Ordering::SeqCst);
            let status = if n < 2 { "InProgress" } else { "Succeeded" };
            Response::json(200, json!({"status": status}))
        }
        ("GET", WS) => Response::json(200, workspace("Succeeded")),
        _ => Response::empty(500),
    })
    .await;
    let body: models::Workspace = serde_json::from_value(workspace("Creating")).unwrap();
    let ws = client(&mock)
        .workspaces_create_or_update("sub1", "rg1", "ws1", &body)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(
        ws.properties.unwrap().provisioning_state.unwrap().as_str(),
        "Succeeded"
    );
    let seen: Vec<(String, String)> = mock
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.path().to_string()))
        .collect();
    let expect = [
        ("PUT", WS),
        ("GET", "/ops/1"),
        ("GET", "/ops/1"),
        ("GET", "/ops/1"),
        ("GET", WS),
    ];
    assert_eq!(seen, expect.map(|(m, p)| (m.to_string(), p.to_string())));
    // The PUT was sent once; the final GET carries the api-version.
    assert_eq!(
        mock.requests()
            .last()
            .unwrap()
            .query("api-version")
            .as_deref(),
        Some("2023-04-01")
    );
}

#[tokio::test]
async fn put_200_creating_polls_provisioning_state() {
    let gets = Arc::new(AtomicUsize::new(0));
    let g = gets.clone();
    let mock = MockArm::start(move |r| match r.method.as_str() {
        "PUT" => Response::json(200, workspace("Creating")),
        _ => {
            let n = g.fetch_add(1, Ordering::SeqCst);
            Response::json(200, workspace(if n < 1 { "Updating" } else { "Succeeded" }))
        }
    })
    .await;
    let body: models::Workspace = serde_json::from_value(workspace("Creating")).unwrap();
    let ws = client(&mock)
        .workspaces_create_or_update("sub1", "rg1", "ws1", &body)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(
        ws.properties.unwrap().provisioning_state.unwrap().as_str(),
        "Succeeded"
    );
    assert_eq!(gets.load(Ordering::SeqCst), 2);
    assert_eq!(
        mock.requests().iter().filter(|r| r.method == "PUT").count(),
        1
    );
}

#[tokio::test]
async fn delete_202_location_then_204() {
    let mock = MockArm::start(move |r| match (r.method.as_str(), r.path()) {
        ("DELETE", WS) => Response::empty(202)
            .header(
                "location",
                &format!("http://{}/loc/1", r.header("host").unwrap()),
            )
            .header("retry-after", "0"),
        ("GET", "/loc/1") => Response::empty(204),
        _ => Response::empty(500),
    })
    .await;
    client(&mock)
        .workspaces_delete("sub1", "rg1", "ws1")
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn failed_operation_is_a_typed_error() {
    let mock = MockArm::start(move |r| match r.path() {
        "/ops/9" => Response::json(200, json!({"status": "Failed", "error": {"code": "QuotaExceeded", "message": "Not enough cores."}})),
        _ => Response::empty(202).header("azure-asyncoperation", &format!("http://{}/ops/9", r.header("host").unwrap())),
    })
    .await;
    let err = client(&mock)
        .workspaces_delete("sub1", "rg1", "ws1")
        .await
        .unwrap()
        .await
        .unwrap_err();
    let azml::Error::OperationFailed(op) = &err else {
        panic!("{err:?}")
    };
    let e = op.error.as_ref().expect("the service's error");
    assert_eq!(
        (op.status.as_str(), e.code.as_deref(), e.message.as_deref()),
        ("Failed", Some("QuotaExceeded"), Some("Not enough cores."))
    );
}

#[tokio::test]
async fn poll_url_on_foreign_host_is_refused_without_a_request() {
    let mock = MockArm::start(|_| {
        Response::empty(202).header("azure-asyncoperation", "https://evil.example.com/ops/1")
    })
    .await;
    let err = client(&mock)
        .workspaces_delete("sub1", "rg1", "ws1")
        .await
        .unwrap_err();
    assert!(matches!(err, azml::Error::Refused(_)), "{err:?}");
    assert!(err.to_string().contains("evil.example.com"));
    assert_eq!(mock.requests().len(), 1, "only the DELETE was sent");
}

#[tokio::test]
async fn resume_token_continues_in_a_fresh_client() {
    let polls = Arc::new(AtomicUsize::new(0));
    let p = polls.clone();
    let mock = MockArm::start(move |r| match r.path() {
        "/ops/7" => {
            let n = p.fetch_add(1, Ordering::SeqCst);
            Response::json(
                200,
                json!({"status": if n < 1 { "InProgress" } else { "Succeeded" }}),
            )
        }
        _ => Response::empty(202).header(
            "azure-asyncoperation",
            &format!("http://{}/ops/7", r.header("host").unwrap()),
        ),
    })
    .await;
    let poller = client(&mock)
        .workspaces_delete("sub1", "rg1", "ws1")
        .await
        .unwrap();
    let token = poller.resume_token();
    drop(poller);
    let pipeline = Pipeline::new().with_poll_interval(Duration::from_millis(5));
    let resumed = azml::lro::Poller::<()>::resume(pipeline, &mock.base, &token).unwrap();
    resumed.await.unwrap();
    assert_eq!(polls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn post_202_location_with_final_state_via_location() {
    let polls = Arc::new(AtomicUsize::new(0));
    let p = polls.clone();
    let mock = MockArm::start(move |r| match (r.method.as_str(), r.path()) {
        ("POST", _) => Response::empty(202).header("location", &format!("http://{}/loc/d1", r.header("host").unwrap())),
        ("GET", "/loc/d1") if p.fetch_add(1, Ordering::SeqCst) == 0 => Response::empty(202),
        ("GET", "/loc/d1") => Response::json(200, json!({"value": {"applicationInsightsResults": [{"code": "ok", "level": "Information", "message": "fine"}]}})),
        _ => Response::empty(500),
    })
    .await;
    let params: models::DiagnoseWorkspaceParameters =
        serde_json::from_value(json!({"value": {}})).unwrap();
    let result = client(&mock)
        .workspaces_diagnose("sub1", "rg1", "ws1", &params)
        .await
        .unwrap()
        .await
        .unwrap()
        .expect("the Location answered 200 with a body");
    let first = &result.value.unwrap().application_insights_results.unwrap()[0];
    assert_eq!(first.message.as_deref(), Some("fine"));
    assert_eq!(polls.load(Ordering::SeqCst), 2);
    assert_eq!(
        mock.requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        1
    );
}

#[tokio::test]
async fn canceled_operation_is_a_typed_error() {
    let mock = MockArm::start(move |r| match r.path() {
        "/ops/c" => Response::json(200, json!({"status": "canceled"})),
        _ => Response::empty(202).header(
            "azure-asyncoperation",
            &format!("http://{}/ops/c", r.header("host").unwrap()),
        ),
    })
    .await;
    let err = client(&mock)
        .compute_stop("sub1", "rg1", "ws1", "cpu1")
        .await
        .unwrap()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, azml::Error::OperationCanceled(op) if op.status == "canceled" && op.error.is_none()),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "long-running operation ended canceled");
}

#[tokio::test]
async fn retry_after_sets_the_poll_interval() {
    // The default interval is an hour: the operation only finishes in time because the
    // service's `Retry-After: 0` is honoured on every poll.
    let polls = Arc::new(AtomicUsize::new(0));
    let p = polls.clone();
    let mock = MockArm::start(move |r| match r.path() {
        "/ops/r" => {
            let n = p.fetch_add(1, Ordering::SeqCst);
            Response::json(
                200,
                json!({"status": if n < 3 { "Running" } else { "Succeeded" }}),
            )
            .header("retry-after", "0")
        }
        _ => Response::empty(202)
            .header(
                "azure-asyncoperation",
                &format!("http://{}/ops/r", r.header("host").unwrap()),
            )
            .header("retry-after", "0"),
    })
    .await;
    let slow = Client::with_endpoint(
        &mock.base,
        Pipeline::new().with_poll_interval(Duration::from_secs(3600)),
    );
    let poller = slow
        .compute_start("sub1", "rg1", "ws1", "cpu1")
        .await
        .unwrap();
    assert_eq!(poller.delay(), Duration::ZERO);
    tokio::time::timeout(Duration::from_secs(20), poller)
        .await
        .expect("Retry-After was ignored")
        .unwrap();
    assert_eq!(polls.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_new_location_header_replaces_the_old_one() {
    let mock = MockArm::start(move |r| {
        let host = r.header("host").unwrap().to_string();
        match r.path() {
            "/loc/first" => {
                Response::empty(202).header("location", &format!("http://{host}/loc/second"))
            }
            "/loc/second" => Response::empty(204),
            _ => Response::empty(202).header("location", &format!("http://{host}/loc/first")),
        }
    })
    .await;
    client(&mock)
        .workspaces_delete("sub1", "rg1", "ws1")
        .await
        .unwrap()
        .await
        .unwrap();
    let paths: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(paths, [WS, "/loc/first", "/loc/second"]);
}
