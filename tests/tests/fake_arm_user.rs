//! How a user tests their own code with `azml::testing::FakeArm` (feature `testing`): the
//! function under test is the user's, the fake answers per operation id from closures or from
//! a recorded spec example, and the test asserts on what the user's code did.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use azml::runtime::Pipeline;
use azml::testing::{FakeArm, FakeResponse};
use azml::v2025_12_01::{models, Client, OPERATIONS};
use azml::Error;
use serde_json::json;

/// The user's code: tags every workspace of a resource group that has no `owner` tag with
/// `owner`, returns the names it changed.
async fn tag_unowned_workspaces(
    client: &Client,
    rg: &str,
    owner: &str,
) -> Result<Vec<String>, Error> {
    let workspaces: Vec<models::Workspace> = client
        .workspaces()
        .list_by_resource_group(rg, None)
        .collect_all()
        .await?;
    let mut changed = Vec::new();
    for ws in workspaces {
        let tags = ws.tags.unwrap_or_default();
        if tags.contains_key("owner") {
            continue;
        }
        let name = ws.name.unwrap_or_default();
        let mut tags = tags;
        tags.insert("owner".to_string(), owner.to_string());
        let update = models::WorkspaceUpdateParameters {
            tags: Some(tags),
            ..Default::default()
        };
        client
            .workspaces()
            .update(rg, &name, &update, None)
            .await?
            .await?;
        changed.push(name);
    }
    Ok(changed)
}

fn client(fake: &FakeArm) -> Client {
    let pipeline = Pipeline::builder().subscription_id("sub1").build().unwrap();
    Client::with_endpoint(fake.base_url(), pipeline)
}

fn workspace(name: &str, tags: serde_json::Value) -> serde_json::Value {
    json!({"name": name, "location": "eastus", "tags": tags,
           "properties": {"provisioningState": "Succeeded"}})
}

#[tokio::test]
async fn user_code_tags_only_unowned_workspaces() {
    let fake = FakeArm::start(OPERATIONS).await;
    fake.on("Workspaces_ListByResourceGroup", |_| {
        FakeResponse::json(
            200,
            json!({"value": [
                workspace("ws-a", json!({"owner": "bob"})),
                workspace("ws-b", json!({"team": "ml"})),
            ]}),
        )
    });
    // The closure records what the user's code sent, per workspace name.
    let updates: Arc<Mutex<BTreeMap<String, serde_json::Value>>> = Arc::default();
    let seen = updates.clone();
    fake.on("Workspaces_Update", move |req| {
        let name = req.param("workspaceName").unwrap();
        seen.lock().unwrap().insert(name.clone(), req.json());
        FakeResponse::json(200, workspace(&name, req.json()["tags"].clone()))
    });

    let changed = tag_unowned_workspaces(&client(&fake), "rg1", "alice")
        .await
        .unwrap();

    assert_eq!(changed, ["ws-b"]);
    let updates = updates.lock().unwrap();
    assert_eq!(updates.len(), 1, "ws-a already had an owner");
    assert_eq!(
        updates["ws-b"],
        json!({"tags": {"owner": "alice", "team": "ml"}})
    );
    assert_eq!(fake.calls("Workspaces_ListByResourceGroup"), 1);
    let list = &fake.requests()[0];
    assert_eq!(list.param("resourceGroupName").as_deref(), Some("rg1"));
    assert_eq!(list.param("subscriptionId").as_deref(), Some("sub1"));
    assert_eq!(list.param("api-version").as_deref(), Some("2025-12-01"));
}

#[tokio::test]
async fn errors_and_recorded_examples() {
    let fake = FakeArm::start(OPERATIONS).await;
    // An operation nobody answered: the user's code sees an ordinary ARM error.
    let err = tag_unowned_workspaces(&client(&fake), "rg1", "alice")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(501), "{err}");
    // A recorded example (an `x-ms-examples` file) answers with its 200 body.
    let example = json!({
        "parameters": {"resourceGroupName": "rg1"},
        "responses": {"200": {"body": {"value": [workspace("ws-c", json!({"owner": "eve"}))]}}}
    });
    fake.example("Workspaces_ListByResourceGroup", &example)
        .unwrap();
    let changed = tag_unowned_workspaces(&client(&fake), "rg1", "alice")
        .await
        .unwrap();
    assert!(changed.is_empty());
    assert_eq!(fake.calls("Workspaces_Update"), 0);
}
