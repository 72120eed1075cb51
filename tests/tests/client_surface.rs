//! The Azure-style surface against the mock ARM on loopback: `Client::new(credential,
//! subscription, options)` with an `azure_core` credential implemented here (as
//! `azure_identity`'s are), group clients with positional required parameters and an
//! options struct, owned pagers (moved into `tokio::spawn`, resumed from a continuation) and
//! a poller resumed through the client.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use azml::auth::Cloud;
use azml::runtime::PollOptions;
use azml::v2023_10_01::{models, Client, WorkspacesListByResourceGroupOptions};
use azml::ClientOptions;
use azml_tests::mock::{MockArm, Response};
use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::time::OffsetDateTime;
use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;

/// An `azure_core` credential written by a user: counts calls, remembers the scope.
#[derive(Debug, Default)]
struct UserCredential {
    calls: AtomicUsize,
    scope: std::sync::Mutex<String>,
}

#[async_trait::async_trait]
impl TokenCredential for UserCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        *self.scope.lock().unwrap() = scopes.join(" ");
        Ok(AccessToken::new(
            Secret::new("user-token"),
            OffsetDateTime::now_utc() + azure_core::time::Duration::hours(1),
        ))
    }
}

fn options(base: &str) -> ClientOptions {
    ClientOptions {
        cloud: Cloud::Custom {
            authority_host: "https://login.example".into(),
            resource_manager: base.into(),
            audience: "https://management.core.windows.net/".into(),
        },
        poll: PollOptions {
            interval: Duration::from_millis(10),
            ..PollOptions::default()
        },
        ..ClientOptions::default()
    }
}

const WS: &str = "/subscriptions/sub-1/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces";

#[tokio::test]
async fn a_user_credential_and_a_group_client_reach_arm() {
    let mock = MockArm::start(|r| match r.header("authorization") {
        Some("Bearer user-token") => {
            Response::json(200, json!({"name": "ws1"})).header("x-ms-request-id", "req-42")
        }
        _ => Response::json(401, json!({"error": {"code": "AuthenticationFailed"}})),
    })
    .await;
    let credential = Arc::new(UserCredential::default());
    let client = Client::new(credential.clone(), "sub-1", Some(options(&mock.base))).unwrap();
    assert_eq!(client.subscription_id(), "sub-1");
    let response = client.workspaces().get("rg1", "ws1", None).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers().get("x-ms-request-id").unwrap(), "req-42");
    assert_eq!(response.into_inner().name.as_deref(), Some("ws1"));
    let seen = mock.requests();
    assert_eq!(seen[0].path(), format!("{WS}/ws1"));
    assert_eq!(credential.calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        *credential.scope.lock().unwrap(),
        "https://management.core.windows.net/.default",
        "the custom cloud's audience, given once"
    );
}

#[tokio::test]
async fn optional_parameters_go_in_an_options_struct() {
    let mock = MockArm::start(|_| Response::json(200, json!({"value": []}))).await;
    let client = Client::new(
        Arc::new(UserCredential::default()),
        "sub-1",
        Some(options(&mock.base)),
    )
    .unwrap();
    let none: Vec<models::Workspace> = client
        .workspaces()
        .list_by_resource_group("rg1", None)
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());
    client
        .workspaces()
        .list_by_resource_group(
            "rg1",
            Some(WorkspacesListByResourceGroupOptions {
                skip: Some("tok".into()),
                ..Default::default()
            }),
        )
        .collect_all()
        .await
        .unwrap();
    let seen = mock.requests();
    assert!(!seen[0].target.contains("skip"), "{}", seen[0].target);
    assert!(seen[1].target.contains("skip=tok"), "{}", seen[1].target);
}

/// Two pages of workspaces; page 2 is at `/page2`.
async fn two_pages() -> MockArm {
    MockArm::start(|r| {
        let host = r.header("host").unwrap().to_string();
        match r.path() {
            "/page2" => Response::json(200, json!({"value": [{"name": "b"}]})),
            _ => Response::json(
                200,
                json!({"value": [{"name": "a"}], "nextLink": format!("http://{host}/page2")}),
            ),
        }
    })
    .await
}

#[tokio::test]
async fn an_owned_pager_moves_into_a_spawned_task() {
    let mock = two_pages().await;
    let client = Client::new(
        Arc::new(UserCredential::default()),
        "sub-1",
        Some(options(&mock.base)),
    )
    .unwrap();
    let rg = String::from("rg1");
    let pager = client.workspaces().list_by_resource_group(&rg, None);
    drop(rg); // the pager owns its arguments
    drop(client); // and a clone of the client
    let names = tokio::spawn(async move {
        pager
            .map_ok(|w| w.name.unwrap_or_default())
            .try_collect::<Vec<_>>()
            .await
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(names, ["a", "b"]);
}

#[tokio::test]
async fn a_pager_resumes_from_its_continuation() {
    let mock = two_pages().await;
    let client = Client::new(
        Arc::new(UserCredential::default()),
        "sub-1",
        Some(options(&mock.base)),
    )
    .unwrap();
    let mut first = client.workspaces().list_by_resource_group("rg1", None);
    let a = first.next().await.unwrap().unwrap();
    assert_eq!(a.name.as_deref(), Some("a"));
    let continuation = first.continuation().expect("a next page");
    assert!(continuation.ends_with("/page2"), "{continuation}");
    drop(first);
    let rest: Vec<models::Workspace> = client
        .workspaces()
        .list_by_resource_group(
            "rg1",
            Some(WorkspacesListByResourceGroupOptions {
                continuation: Some(continuation),
                ..Default::default()
            }),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].name.as_deref(), Some("b"));
    let paths: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    // The first pager fetched page 1 only; the resumed one starts at page 2.
    assert_eq!(paths, [WS.to_string(), "/page2".to_string()]);
}

#[tokio::test]
async fn a_continuation_on_another_host_is_refused() {
    let mock = two_pages().await;
    let client = Client::new(
        Arc::new(UserCredential::default()),
        "sub-1",
        Some(options(&mock.base)),
    )
    .unwrap();
    let err = client
        .workspaces()
        .list_by_resource_group(
            "rg1",
            Some(WorkspacesListByResourceGroupOptions {
                continuation: Some("https://elsewhere.example.com/page2".into()),
                ..Default::default()
            }),
        )
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(err, azml::Error::Refused(_)), "{err:?}");
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn a_poller_resumes_through_the_client() {
    let mock = MockArm::start(|r| {
        let host = r.header("host").unwrap().to_string();
        match (r.method.as_str(), r.path()) {
            ("PUT", _) => Response::json(201, json!({"name": "ws1"}))
                .header("azure-asyncoperation", &format!("http://{host}/ops/1")),
            ("GET", "/ops/1") => Response::json(200, json!({"status": "Succeeded"})),
            _ => Response::json(200, json!({"name": "ws1", "location": "eastus"})),
        }
    })
    .await;
    let client = Client::new(
        Arc::new(UserCredential::default()),
        "sub-1",
        Some(options(&mock.base)),
    )
    .unwrap();
    let body = models::Workspace {
        location: Some("eastus".into()),
        ..Default::default()
    };
    let token = client
        .workspaces()
        .create_or_update("rg1", "ws1", &body, None)
        .await
        .unwrap()
        .resume_token();
    // Another process: a new client, the token, no base URL, no result type spelled out.
    let later = Client::new(
        Arc::new(UserCredential::default()),
        "sub-1",
        Some(options(&mock.base)),
    )
    .unwrap();
    let ws: models::Workspace = later.resume_poller(&token).unwrap().await.unwrap();
    assert_eq!(ws.name.as_deref(), Some("ws1"));
    let puts = mock.requests().iter().filter(|r| r.method == "PUT").count();
    assert_eq!(puts, 1, "resuming never re-sends the PUT");
}
