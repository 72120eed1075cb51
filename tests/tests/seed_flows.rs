//! Every flow of the REST walkthrough (the `seed` example's flows, with the walkthrough's
//! request bodies) against the mock ARM on loopback: list, get, discovery, create AmlCompute
//! and wait, list computes, create workspaces (system-assigned, user-assigned, CMK), delete.

#[path = "../../generated/examples/seed/flows.rs"]
mod flows;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use azml::auth::Cloud;
use azml::runtime::PollOptions;
use azml::v2023_10_01::Client;
use azml::ClientOptions;
use azml_tests::mock::{MockArm, Request, Response};
use flows::{Target, WorkspaceKind};
use serde_json::{json, Value};

const RG: &str =
    "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.MachineLearningServices";

fn target() -> Target {
    Target {
        subscription: "sub1".into(),
        resource_group: "rg1".into(),
    }
}

/// Removes `null`s (absent and null are the same to ARM; typed models do not send nulls).
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// A small stateful ARM: resources PUT are stored; PUTs and DELETEs are long-running.
async fn arm() -> (
    MockArm,
    Arc<Mutex<std::collections::BTreeMap<String, Value>>>,
) {
    let store: Arc<Mutex<std::collections::BTreeMap<String, Value>>> = Arc::default();
    let s = store.clone();
    let mock = MockArm::start(move |r: &Request| {
        let host = r.header("host").unwrap().to_string();
        let path = r.path().to_string();
        let mut store = s.lock().unwrap();
        match (r.method.as_str(), path.as_str()) {
            ("GET", "/discovery") => Response::json(200, json!({
                "api": "https://centralus.api.azureml.ms",
                "catalog": "https://catalog.cortanaanalytics.com",
                "experimentation": "https://centralus.experiments.azureml.net",
                "history": "https://centralus.experiments.azureml.net",
                "modelmanagement": "https://centralus.modelmanagement.azureml.net",
                "pipelines": "https://centralus.aether.ms"
            })),
            ("GET", p) if p.starts_with("/ops/") => Response::json(200, json!({"status": "Succeeded"})),
            ("GET", p) if p.starts_with("/done/") => Response::empty(204),
            ("GET", p) if p.ends_with("/workspaces") => {
                let all: Vec<Value> = store.iter().filter(|(k, _)| k.contains("/workspaces/") && !k.contains("/computes/")).map(|(_, v)| v.clone()).collect();
                if r.query("page").is_none() {
                    Response::json(200, json!({"value": all[..1], "nextLink": format!("http://{host}{p}?page=2")}))
                } else {
                    Response::json(200, json!({"value": all[1..]}))
                }
            }
            ("GET", p) if p.ends_with("/computes") => {
                let all: Vec<Value> = store.iter().filter(|(k, _)| k.contains("/computes/")).map(|(_, v)| v.clone()).collect();
                Response::json(200, json!({"value": all}))
            }
            ("GET", p) => match store.get(p) {
                Some(v) => Response::json(200, v.clone()),
                None => Response::json(404, json!({"error": {"code": "ResourceNotFound", "message": format!("{p} not found")}})),
            },
            ("PUT", p) => {
                let mut v = r.json();
                v["id"] = json!(p);
                v["name"] = json!(p.rsplit('/').next().unwrap());
                if p.contains("/computes/") {
                    v["properties"]["provisioningState"] = json!("Succeeded");
                } else {
                    v["properties"]["provisioningState"] = json!("Succeeded");
                    v["properties"]["discoveryUrl"] = json!(format!("http://{host}/discovery"));
                }
                store.insert(p.to_string(), v.clone());
                if p.contains("/computes/") {
                    Response::json(201, v).header("azure-asyncoperation", &format!("http://{host}/ops/{}", store.len()))
                } else {
                    Response::empty(202).header("location", &format!("http://{host}/ops/{}", store.len()))
                }
            }
            ("DELETE", p) => {
                store.remove(p);
                Response::empty(202).header("location", &format!("http://{host}/done/1"))
            }
            _ => Response::empty(405),
        }
    })
    .await;
    (mock, store)
}

/// An `azure_core` credential, as a user's own would be: a fixed token.
#[derive(Debug)]
struct FixedToken;

#[async_trait::async_trait]
impl azure_core::credentials::TokenCredential for FixedToken {
    async fn get_token(
        &self,
        _: &[&str],
        _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        Ok(azure_core::credentials::AccessToken::new(
            azure_core::credentials::Secret::new("seed-token"),
            azure_core::time::OffsetDateTime::now_utc() + azure_core::time::Duration::hours(1),
        ))
    }
}

/// The new surface: `Client::new(credential, subscription, options)`, ARM at the mock.
fn client(mock: &MockArm) -> Client {
    let options = ClientOptions {
        cloud: Cloud::Custom {
            authority_host: "https://login.example".into(),
            resource_manager: mock.base.clone(),
            audience: "https://management.core.windows.net/".into(),
        },
        poll: PollOptions {
            interval: Duration::from_millis(5),
            ..PollOptions::default()
        },
        ..ClientOptions::default()
    };
    Client::new(Arc::new(FixedToken), &target().subscription, Some(options)).unwrap()
}

fn sent_body(mock: &MockArm, method: &str, path: &str) -> Value {
    mock.requests()
        .iter()
        .rev()
        .find(|r| r.method == method && r.path() == path)
        .map(|r| r.json())
        .unwrap_or_else(|| panic!("no {method} {path}"))
}

#[tokio::test]
async fn the_whole_walkthrough() {
    let (mock, _store) = arm().await;
    let c = client(&mock);
    let t = target();

    // Create three workspaces, one per identity flavour; each PUT body is the walkthrough's.
    for (kind, name) in [
        (WorkspaceKind::SystemAssigned, "wsa"),
        (WorkspaceKind::UserAssigned, "wsb"),
        (WorkspaceKind::CustomerManagedKey, "wsc"),
    ] {
        let ws = flows::create_workspace(&c, &t, kind, name, "eastus")
            .await
            .unwrap();
        assert_eq!(ws.name.as_deref(), Some(name));
        let expected = without_nulls(&flows::workspace_body(kind, &t, name, "eastus"));
        assert_eq!(
            sent_body(&mock, "PUT", &format!("{RG}/workspaces/{name}")),
            expected,
            "{kind:?} body"
        );
    }
    assert_eq!(
        sent_body(&mock, "PUT", &format!("{RG}/workspaces/wsa"))["identity"]["type"],
        "systemAssigned",
        "case kept as sent"
    );

    // List (two pages) and get.
    let names: Vec<String> = flows::list_workspaces(&c, &t)
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.name.unwrap())
        .collect();
    assert_eq!(names, ["wsa", "wsb", "wsc"]);
    let got = flows::get_workspace(&c, &t, "wsc").await.unwrap();
    assert!(got.properties.unwrap().encryption.is_some());

    // Discovery: the regional endpoints, typed.
    let endpoints = flows::discover(&c, &t, "wsa").await.unwrap();
    assert_eq!(endpoints.api, "https://centralus.api.azureml.ms");
    assert_eq!(
        endpoints.modelmanagement.as_deref(),
        Some("https://centralus.modelmanagement.azureml.net")
    );

    // AmlCompute: Standard_D1, 0–1 nodes, PT30M, polled to completion.
    let compute = flows::create_aml_compute(&c, &t, "wsa", "cpu1", "eastus")
        .await
        .unwrap();
    assert_eq!(compute.name.as_deref(), Some("cpu1"));
    assert_eq!(
        sent_body(&mock, "PUT", &format!("{RG}/workspaces/wsa/computes/cpu1")),
        flows::aml_compute_body("eastus")
    );
    let computes = flows::list_computes(&c, &t, "wsa").await.unwrap();
    assert_eq!(computes.len(), 1);

    // Delete compute (with underlyingResourceAction) and workspace; both wait for 204.
    flows::delete_compute(&c, &t, "wsa", "cpu1").await.unwrap();
    let del = mock
        .requests()
        .into_iter()
        .find(|r| r.method == "DELETE" && r.path().ends_with("/computes/cpu1"))
        .unwrap();
    assert_eq!(
        del.query("underlyingResourceAction").as_deref(),
        Some("Delete")
    );
    flows::delete_workspace(&c, &t, "wsa").await.unwrap();
    let names: Vec<String> = flows::list_workspaces(&c, &t)
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.name.unwrap())
        .collect();
    assert_eq!(names, ["wsb", "wsc"]);
}

#[test]
fn from_config_finds_config_json_upwards() {
    let root = std::env::temp_dir().join(format!("azml-config-{}", std::process::id()));
    let deep = root.join("a/b/c");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::create_dir_all(root.join("a/.azureml")).unwrap();
    std::fs::write(
        root.join("a/.azureml/config.json"),
        r#"{"subscription_id": "sub1", "resource_group": "rg1", "workspace_name": "ws1"}"#,
    )
    .unwrap();
    let c = azml::workspace::WorkspaceConfig::find_from(&deep).unwrap();
    assert_eq!(
        (
            c.subscription_id.as_str(),
            c.resource_group.as_str(),
            c.workspace_name.as_str()
        ),
        ("sub1", "rg1", "ws1")
    );
    assert!(c.path.ends_with("a/.azureml/config.json"));
    // A closer config.json wins.
    std::fs::write(
        deep.join("config.json"),
        r#"{"subscription_id": "s2", "resource_group": "r2", "workspace_name": "w2"}"#,
    )
    .unwrap();
    assert_eq!(
        azml::workspace::WorkspaceConfig::find_from(&deep)
            .unwrap()
            .workspace_name,
        "w2"
    );
    let _ = std::fs::remove_dir_all(&root);
    let err = azml::workspace::WorkspaceConfig::find_from(std::path::Path::new("/")).unwrap_err();
    assert!(err.to_string().contains("no config.json"), "{err}");
}
