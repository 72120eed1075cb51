//! Telemetry: every request (token, ARM call, poll, page) carries
//! `User-Agent: [<application id> ]azsdk-rust-azml/<version> (<rustc>; <os>)`, and retry
//! backoff spreads uniformly over ±20%.

use std::sync::Arc;
use std::time::Duration;

use azml::auth::{ClientSecretCredential, Secret};
use azml::runtime::{Pipeline, RetryOptions};
use azml::v2023_04_01::{models, Client};
use azml_tests::mock::{MockArm, Response};
use futures_util::TryStreamExt;
use serde_json::json;

#[tokio::test]
async fn every_request_carries_the_user_agent() {
    let mock = MockArm::start(|r| {
        let host = r.header("host").unwrap().to_string();
        match (r.method.as_str(), r.path()) {
            (_, p) if p.ends_with("/token") => {
                Response::json(200, json!({"access_token": "tok", "expires_in": 3600}))
            }
            ("PUT", _) => Response::json(201, json!({"name": "ws1"}))
                .header("azure-asyncoperation", &format!("http://{host}/ops/1")),
            ("GET", "/ops/1") => Response::json(200, json!({"status": "Succeeded"})),
            ("GET", p) if p.ends_with("/workspaces") && r.query("page").is_none() => Response::json(
                200,
                json!({"value": [{"name": "a"}], "nextLink": format!("http://{host}{p}?page=2")}),
            ),
            ("GET", p) if p.ends_with("/workspaces") => {
                Response::json(200, json!({"value": [{"name": "b"}]}))
            }
            _ => Response::json(200, json!({"name": "ws1"})),
        }
    })
    .await;
    let pipeline = Pipeline::builder()
        .endpoint(&mock.base)
        .credential(Arc::new(ClientSecretCredential::new(
            &mock.base,
            "t",
            "c",
            Secret::new("s"),
        )))
        .application_id("myapp/1.2")
        .poll_interval(Duration::from_millis(5))
        .build()
        .unwrap();
    let c = Client::with_pipeline(pipeline);
    c.workspaces_get("s", "rg", "ws1").await.unwrap();
    let body: models::Workspace = serde_json::from_value(json!({"location": "eastus"})).unwrap();
    c.workspaces_create_or_update("s", "rg", "ws1", &body)
        .await
        .unwrap()
        .await
        .unwrap();
    let all: Vec<_> = c
        .workspaces_list_by_resource_group("s", "rg", None)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);

    let plain = azml::transport::user_agent(None);
    let with_app = azml::transport::user_agent(Some("myapp/1.2"));
    assert_eq!(with_app, format!("myapp/1.2 {plain}"));
    // `azsdk-rust-azml/<version> (<rustc version>; <os>)`
    let (name, rest) = plain.split_once(' ').unwrap();
    assert_eq!(name, format!("azsdk-rust-azml/{}", azml_version()));
    let (rustc, os) = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .and_then(|r| r.split_once("; "))
        .unwrap_or_else(|| panic!("{plain:?}"));
    assert!(
        rustc.split('.').count() == 3
            && rustc
                .split('.')
                .all(|p| p.chars().next().is_some_and(|c| c.is_ascii_digit())),
        "rustc version {rustc:?}"
    );
    assert_eq!(os, std::env::consts::OS);

    let requests = mock.requests();
    assert_eq!(
        requests.len(),
        7,
        "token, GET, PUT, poll, final GET, two pages"
    );
    for r in &requests {
        let expected = if r.path().ends_with("/token") {
            &plain
        } else {
            &with_app
        };
        assert_eq!(
            r.header("user-agent"),
            Some(expected.as_str()),
            "{} {}",
            r.method,
            r.path()
        );
    }
}

/// The `azml` package version, read from its manifest.
fn azml_version() -> String {
    let manifest =
        std::fs::read_to_string(azml_tests::repo_root().join("generated/Cargo.toml")).unwrap();
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .unwrap()
        .to_string()
}

#[test]
fn application_id_must_be_short_and_without_spaces() {
    for bad in ["my app", "a-very-long-application-identifier"] {
        let err = Pipeline::builder().application_id(bad).build().unwrap_err();
        assert!(matches!(err, azml::Error::Config(_)), "{err:?}");
    }
}

#[test]
fn backoff_jitter_spreads_over_plus_minus_twenty_percent() {
    let retry = RetryOptions {
        initial_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(60),
        ..RetryOptions::default()
    };
    let delays: Vec<f64> = (0..4000).map(|_| retry.backoff(0).as_secs_f64()).collect();
    let min = delays.iter().cloned().fold(f64::MAX, f64::min);
    let max = delays.iter().cloned().fold(f64::MIN, f64::max);
    let mean = delays.iter().sum::<f64>() / delays.len() as f64;
    assert!(min >= 0.8 && max <= 1.2, "within ±20%: {min}..{max}");
    assert!(min < 0.82 && max > 1.18, "reaches both ends: {min}..{max}");
    assert!((mean - 1.0).abs() < 0.02, "centred: {mean}");
    // Roughly uniform: each fifth of the range holds about a fifth of the delays.
    for k in 0..5 {
        let lo = 0.8 + 0.08 * k as f64;
        let n = delays
            .iter()
            .filter(|d| **d >= lo && **d < lo + 0.08)
            .count();
        assert!((600..1000).contains(&n), "bucket {k}: {n} of 4000");
    }
    // The second retry doubles the base.
    let d = retry.backoff(1).as_secs_f64();
    assert!((1.6..=2.4).contains(&d), "{d}");
}
