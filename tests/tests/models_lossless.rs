//! Models lose nothing the service sends, over real HTTP on loopback: unknown properties
//! (top-level, nested, inside a union variant, inside a map value) survive a GET → modify →
//! PUT round trip; a response without a required (write-only) property decodes; an array
//! query parameter goes on the wire as its `collectionFormat` says.

use std::time::Duration;

use azml::runtime::Pipeline;
use azml::v2023_10_01::{models, Client};
use azml_tests::mock::{MockArm, Response};
use serde_json::{json, Value};

const WS: &str = "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws1";
const UAI: &str = "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1";

fn client(mock: &MockArm) -> Client {
    Client::with_endpoint(
        &mock.base,
        Pipeline::new().with_poll_interval(Duration::from_millis(5)),
    )
}

/// A workspace as a newer service might send it: properties the 2023-10-01 schema does not
/// define at the top level, under `properties`, and inside a map value of
/// `identity.userAssignedIdentities`.
fn workspace_with_unknowns() -> Value {
    json!({
        "id": WS, "name": "ws1", "type": "Microsoft.MachineLearningServices/workspaces",
        "location": "eastus",
        "etag": "W/\"0x8DC\"",
        "futureTopLevel": {"mode": "on", "levels": [1, 2.5, null, {"deep": true}]},
        "identity": {
            "type": "SystemAssigned,UserAssigned",
            "userAssignedIdentities": {UAI: {"principalId": "00000000-0000-0000-0000-000000000001",
                                             "clientId": "00000000-0000-0000-0000-000000000002",
                                             "futureIdentityField": "kept"}}
        },
        "properties": {
            "friendlyName": "Ws 1",
            "provisioningState": "Succeeded",
            "futureSetting": {"enabledBy": "portal", "value": 7},
            "futureFlag": false
        }
    })
}

#[tokio::test]
async fn get_modify_put_sends_unknown_properties_back() {
    let mock = MockArm::start(|r| match r.method.as_str() {
        "GET" => Response::json(200, workspace_with_unknowns()),
        // The PUT's answer is the terminal state: no polling needed.
        _ => Response::json(200, r.json()),
    })
    .await;
    let c = client(&mock);
    let mut ws: models::Workspace = c
        .workspaces_get("sub1", "rg1", "ws1")
        .await
        .unwrap()
        .into_inner();
    // The unknown properties are reachable, not only carried.
    assert_eq!(ws.extra.unknown().unwrap()["etag"], json!("W/\"0x8DC\""));
    let props = ws.properties.as_mut().unwrap();
    assert_eq!(
        props.extra.unknown().unwrap()["futureSetting"]["enabledBy"],
        json!("portal")
    );
    props.friendly_name = Some("Changed".into());
    c.workspaces_create_or_update("sub1", "rg1", "ws1", &ws)
        .await
        .unwrap()
        .await
        .unwrap();

    let put = mock
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .expect("a PUT was sent");
    let sent = put.json();
    let original = workspace_with_unknowns();
    for pointer in [
        "/etag",
        "/futureTopLevel",
        "/properties/futureSetting",
        "/properties/futureFlag",
        &format!(
            "/identity/userAssignedIdentities/{}/futureIdentityField",
            UAI.replace('/', "~1")
        ),
    ] {
        assert_eq!(
            sent.pointer(pointer),
            original.pointer(pointer),
            "unknown property {pointer} in the PUT body {sent}"
        );
        assert!(sent.pointer(pointer).is_some(), "{pointer} missing");
    }
    // The change is sent; declared read-only properties are still stripped.
    assert_eq!(sent["properties"]["friendlyName"], json!("Changed"));
    assert!(sent["properties"].get("provisioningState").is_none());
    assert!(sent.get("id").is_none());
}

#[tokio::test]
async fn clearing_unknown_properties_sends_only_the_declared_ones() {
    let mock = MockArm::start(|r| match r.method.as_str() {
        "GET" => Response::json(200, workspace_with_unknowns()),
        _ => Response::json(200, r.json()),
    })
    .await;
    let c = client(&mock);
    let mut ws = c
        .workspaces_get("sub1", "rg1", "ws1")
        .await
        .unwrap()
        .into_inner();
    ws.extra.clear_unknown();
    c.workspaces_create_or_update("sub1", "rg1", "ws1", &ws)
        .await
        .unwrap()
        .await
        .unwrap();
    let put = mock.requests().into_iter().find(|r| r.method == "PUT");
    let sent = put.unwrap().json();
    assert!(sent.get("etag").is_none() && sent.get("futureTopLevel").is_none());
    // Only the top level was cleared: nested models keep theirs.
    assert_eq!(sent["properties"]["futureFlag"], json!(false));
}

#[tokio::test]
async fn unknown_property_inside_a_union_variant_survives() {
    let compute = json!({
        "id": "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws1/computes/cpu",
        "name": "cpu",
        "properties": {
            "computeType": "AmlCompute",
            "computeLocation": "eastus",
            "futureVariantField": {"x": 1},
            "properties": {"vmSize": "STANDARD_D1", "futureNested": "yes",
                           "scaleSettings": {"maxNodeCount": 1, "minNodeCount": 0,
                                             "nodeIdleTimeBeforeScaleDown": "PT30M"}}
        }
    });
    let body = compute.clone();
    let mock = MockArm::start(move |_| Response::json(200, body.clone())).await;
    let got = client(&mock)
        .compute_get("sub1", "rg1", "ws1", "cpu")
        .await
        .unwrap()
        .into_inner();
    let Some(models::Compute::AmlCompute(aml)) = &got.properties else {
        panic!("expected the AmlCompute variant, got {:?}", got.properties)
    };
    assert_eq!(aml.compute_location.as_deref(), Some("eastus"));
    assert_eq!(
        aml.extra.unknown().unwrap()["futureVariantField"],
        json!({"x": 1})
    );
    assert_eq!(serde_json::to_value(&got).unwrap(), compute);
}

#[tokio::test]
async fn a_datastore_get_without_secrets_decodes() {
    // What the service returns: the credentials without their write-only `secrets`.
    let datastore = json!({
        "id": "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws1/datastores/blob",
        "name": "blob",
        "properties": {
            "datastoreType": "AzureBlob",
            "accountName": "acct",
            "containerName": "data",
            "credentials": {"credentialsType": "AccountKey"}
        }
    });
    let body = datastore.clone();
    let mock = MockArm::start(move |_| Response::json(200, body.clone())).await;
    let got = client(&mock)
        .datastores_get("sub1", "rg1", "ws1", "blob")
        .await
        .unwrap()
        .into_inner();
    let models::Datastore::AzureBlobDatastore(blob) = &got.properties else {
        panic!("expected the AzureBlob variant, got {:?}", got.properties)
    };
    let models::DatastoreCredentials::AccountKeyDatastoreCredentials(creds) = &blob.credentials
    else {
        panic!(
            "expected account-key credentials, got {:?}",
            blob.credentials
        )
    };
    assert_eq!(creds.extra.missing(), ["secrets"]);
    // Written back, the missing property is not invented.
    assert_eq!(serde_json::to_value(&got).unwrap(), datastore);
}

#[tokio::test]
async fn an_array_query_parameter_is_sent_as_its_collection_format() {
    let mock = MockArm::start(|_| Response::json(200, json!({"value": []}))).await;
    let names = vec!["a".to_string(), "b".to_string()];
    client(&mock)
        .datastores_list_first_page(
            "sub1",
            "rg1",
            "ws1",
            None,
            None,
            None,
            Some(&names),
            None,
            None,
            None,
        )
        .await
        .unwrap();
    let r = &mock.requests()[0];
    let query = r.target.split_once('?').map_or("", |q| q.1);
    // `names` has no `collectionFormat`: Swagger 2.0's default, csv.
    assert!(
        query.split('&').any(|p| p == "names=a,b"),
        "query {query:?} lacks names=a,b"
    );
    assert_eq!(query.matches("names=").count(), 1, "{query}");
}
