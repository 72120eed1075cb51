//! Redirects are never followed: a 307 or 302 from the token endpoint, or from ARM on a GET,
//! a PUT carrying a secret, or a poll, comes back as `Error::Redirect` naming the status and
//! the `Location`'s host:port, and the other host receives nothing. A plain-HTTP authority
//! host is refused before any request.

use std::sync::Arc;
use std::time::Duration;

use azml::auth::{ClientSecretCredential, Secret, TokenCredential};
use azml::error::RefusedReason;
use azml::runtime::Pipeline;
use azml::v2023_04_01::{models, Client};
use azml::Error;
use azml_tests::mock::{MockArm, Response};
use serde_json::json;

const PASSWORD: &str = "Admin-P4ssw0rd-do-not-leak";

/// A host nobody configured; every test checks it received nothing.
async fn other_host() -> MockArm {
    MockArm::start(|_| Response::json(200, json!({"name": "from-the-other-host"}))).await
}

fn host_port(base: &str) -> String {
    base.trim_start_matches("http://").to_string()
}

/// The error is a redirect naming the status and where it pointed.
fn assert_redirect(err: &Error, status: u16, other: &MockArm) {
    let Error::Redirect(r) = err else {
        panic!("expected a redirect error, got {err:?}")
    };
    assert_eq!(r.status, status);
    assert_eq!(r.location.as_deref(), Some(host_port(&other.base).as_str()));
    let shown = err.to_string();
    assert!(
        shown.contains(&status.to_string()) && shown.contains(&host_port(&other.base)),
        "{shown}"
    );
    assert!(!shown.contains(PASSWORD) && !format!("{err:?}").contains(PASSWORD));
}

fn client(arm: &MockArm) -> Client {
    Client::with_pipeline(
        Pipeline::builder()
            .endpoint(&arm.base)
            .poll_interval(Duration::from_millis(5))
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn token_endpoint_redirect_is_not_followed() {
    for status in [307, 302] {
        let other = other_host().await;
        let target = other.base.clone();
        let idp = MockArm::start(move |_| {
            Response::empty(status).header("location", &format!("{target}/t/oauth2/v2.0/token"))
        })
        .await;
        let credential = ClientSecretCredential::new(&idp.base, "t", "c", Secret::new(PASSWORD));
        let err = credential
            .get_token(&["https://management.azure.com/.default"], None)
            .await
            .map_err(Error::from)
            .unwrap_err();
        assert_redirect(&err, status, &other);
        assert_eq!(
            idp.requests().len(),
            1,
            "one token request, to the configured host"
        );
        assert!(
            other.requests().is_empty(),
            "{status}: the secret went to the other host"
        );
    }
}

#[tokio::test]
async fn arm_redirect_on_get_is_not_followed() {
    for status in [307, 302] {
        let other = other_host().await;
        let target = other.base.clone();
        let arm = MockArm::start(move |_| {
            Response::empty(status).header("location", &format!("{target}/stolen"))
        })
        .await;
        let err = client(&arm)
            .workspaces_get("s", "rg", "ws1")
            .await
            .unwrap_err();
        assert_redirect(&err, status, &other);
        assert_eq!(arm.requests().len(), 1, "a redirect is not retried");
        assert!(other.requests().is_empty());
    }
}

#[tokio::test]
async fn arm_redirect_on_put_does_not_replay_the_body() {
    let body: models::ComputeResource = serde_json::from_value(json!({
        "location": "eastus",
        "properties": {"computeType": "AmlCompute", "properties": {
            "vmSize": "STANDARD_D1",
            "userAccountCredentials": {"adminUserName": "azureuser", "adminUserPassword": PASSWORD}
        }}
    }))
    .unwrap();
    for status in [307, 302] {
        let other = other_host().await;
        let target = other.base.clone();
        let arm = MockArm::start(move |_| {
            Response::empty(status).header("location", &format!("{target}/stolen"))
        })
        .await;
        let err = client(&arm)
            .compute_create_or_update("s", "rg", "ws1", "cpu1", &body)
            .await
            .unwrap_err();
        assert_redirect(&err, status, &other);
        let sent = arm.requests();
        assert_eq!(sent.len(), 1);
        assert!(
            String::from_utf8_lossy(&sent[0].body).contains(PASSWORD),
            "the PUT really carried the secret"
        );
        assert!(
            other.requests().is_empty(),
            "{status}: the body was replayed"
        );
    }
}

#[tokio::test]
async fn arm_redirect_on_a_poll_is_not_followed() {
    for status in [307, 302] {
        let other = other_host().await;
        let target = other.base.clone();
        let arm = MockArm::start(move |r| match r.method.as_str() {
            "PUT" => Response::json(201, json!({"name": "ws1"})).header(
                "azure-asyncoperation",
                &format!("http://{}/ops/1", r.header("host").unwrap()),
            ),
            _ => Response::empty(status).header("location", &format!("{target}/ops/1")),
        })
        .await;
        let body: models::Workspace =
            serde_json::from_value(json!({"location": "eastus"})).unwrap();
        let err = client(&arm)
            .workspaces_create_or_update("s", "rg", "ws1", &body)
            .await
            .unwrap()
            .await
            .unwrap_err();
        assert_redirect(&err, status, &other);
        assert_eq!(arm.requests().len(), 2, "the PUT and one poll");
        assert!(other.requests().is_empty());
    }
}

#[tokio::test]
async fn plain_http_authority_host_is_refused_before_any_request() {
    let arm = MockArm::start(|_| Response::json(200, json!({"name": "ws1"}))).await;
    let credential: Arc<dyn TokenCredential> = Arc::new(ClientSecretCredential::new(
        "http://login.example.com",
        "t",
        "c",
        Secret::new(PASSWORD),
    ));
    let err = credential
        .get_token(&["https://management.azure.com/.default"], None)
        .await
        .map_err(Error::from)
        .unwrap_err();
    let Error::Refused(r) = &err else {
        panic!("expected a refusal, got {err:?}")
    };
    assert_eq!(r.reason, RefusedReason::NotHttps);
    assert_eq!(r.url, "http://login.example.com:80");
    // Through a pipeline: the ARM call fails on the token, so ARM sees nothing either.
    let pipeline = Pipeline::builder()
        .endpoint(&arm.base)
        .credential(credential)
        .build()
        .unwrap();
    let err = Client::with_pipeline(pipeline)
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Refused(_)), "{err:?}");
    assert!(arm.requests().is_empty());
}
