//! The models tell the truth, over real HTTP on loopback where a client is involved:
//! an unknown `computeType` (in a GET and inside a list page) and an unknown enum string
//! round-trip unchanged; a PUT of a `Workspace` read from a GET sends no read-only field
//! (checked against the raw spec, independently of the generator); formats keep the exact
//! text the service sent and parse on demand; `x-nullable` keeps `null` apart from absent;
//! numbers keep their exact JSON form.

use std::time::{Duration, UNIX_EPOCH};

use azml::json::{DateTime, IsoDuration, Uuid};
use azml::runtime::Pipeline;
use azml::v2023_04_01::{models, Client};
use azml_tests::mock::{MockArm, Response};
use azml_tests::schema::{Mode, Schemas};
use azml_tests::{config, spec_root, RawSpec};
use serde_json::{json, Value};

const WS: &str =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws1";

fn client(mock: &MockArm) -> Client {
    Client::with_endpoint(&mock.base, Pipeline::new())
}

fn future_compute(name: &str) -> Value {
    json!({
        "id": format!("{WS}/computes/{name}"),
        "name": name,
        "type": "Microsoft.MachineLearningServices/workspaces/computes",
        "location": "eastus",
        "properties": {
            "computeType": "FutureCompute",
            "provisioningState": "Succeeded",
            "createdOn": "2023-01-03T19:56:09.7588299+00:00",
            "description": "a compute type this client has never heard of",
            "qubits": 4096,
            "calibration": {"fidelity": 0.999, "drift": 1.0, "window": null, "modes": ["a", "b"]},
            "adminPassword": "FUTURE-s3cr3t"
        }
    })
}

fn aks_compute(name: &str) -> Value {
    json!({
        "id": format!("{WS}/computes/{name}"),
        "name": name,
        "type": "Microsoft.MachineLearningServices/workspaces/computes",
        "location": "eastus",
        "properties": {
            "computeType": "AKS",
            "provisioningState": "Succeeded",
            "createdOn": "2021-04-01T22:00:00.0000000+00:00",
            "resourceId": "/subscriptions/s/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/c",
            "properties": {"agentCount": 4}
        }
    })
}

#[tokio::test]
async fn unknown_compute_type_in_a_get_round_trips_unchanged() {
    let mock = MockArm::start(|_| Response::json(200, future_compute("c1"))).await;
    let c = client(&mock)
        .compute_get("s", "rg", "ws1", "c1")
        .await
        .expect("an unknown computeType does not fail the GET")
        .into_inner();
    let props = c.properties.as_ref().expect("properties");
    assert!(matches!(props, models::Compute::Unknown(_)), "{props:?}");
    assert_eq!(props.discriminator(), Some("FutureCompute"));
    // Known fields around it are typed; the whole value re-serializes unchanged.
    assert_eq!(c.name.as_deref(), Some("c1"));
    assert_eq!(serde_json::to_value(&c).unwrap(), future_compute("c1"));
    // A type the client does not know may still carry credentials: Debug redacts them.
    let shown = format!("{c:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(
        shown.contains("FutureCompute") && shown.contains("4096"),
        "{shown}"
    );
}

#[tokio::test]
async fn unknown_compute_type_inside_a_list_page_round_trips_unchanged() {
    let page = json!({
        "value": [aks_compute("known"), future_compute("future")],
        "nextLink": null
    });
    let body = page.clone();
    let mock = MockArm::start(move |_| Response::json(200, body.clone())).await;
    let got = client(&mock)
        .compute_list_first_page("s", "rg", "ws1", None)
        .await
        .expect("one unknown item does not fail the page")
        .into_inner();
    let items = got.value.as_ref().expect("value");
    assert_eq!(items.len(), 2);
    assert!(matches!(items[0].properties, Some(models::Compute::Aks(_))));
    assert!(matches!(
        items[1].properties,
        Some(models::Compute::Unknown(_))
    ));
    // `nextLink: null` is not x-nullable in the spec: it reads as absent (a documented
    // normalization); everything else comes back exactly.
    let mut expected = page;
    expected.as_object_mut().unwrap().remove("nextLink");
    assert_eq!(serde_json::to_value(&got).unwrap(), expected);
}

#[tokio::test]
async fn an_unknown_compute_is_sent_back_without_the_bases_read_only_fields() {
    let mock = MockArm::start(|r| {
        if r.method == "GET" {
            Response::json(200, future_compute("c1"))
        } else {
            Response::json(201, future_compute("c1"))
        }
    })
    .await;
    let c = client(&mock)
        .compute_get("s", "rg", "ws1", "c1")
        .await
        .unwrap()
        .into_inner();
    client(&mock)
        .compute_create_or_update_initial("s", "rg", "ws1", "c1", &c)
        .await
        .unwrap();
    let put = &mock.requests()[1];
    assert_eq!(put.method, "PUT");
    let sent = put.json();
    // Resource-level read-only fields and the Compute base's read-only fields are gone;
    // the unknown type's own fields go back as they came.
    let mut expected = future_compute("c1");
    let o = expected.as_object_mut().unwrap();
    for k in ["id", "name", "type"] {
        o.remove(k);
    }
    let p = o["properties"].as_object_mut().unwrap();
    p.remove("provisioningState");
    p.remove("createdOn");
    assert_eq!(sent, expected);
}

#[test]
fn unknown_enum_strings_round_trip_and_values_are_case_exact() {
    let raw = json!({
        "location": "eastus",
        "properties": {"provisioningState": "Migrating", "publicNetworkAccess": "enabled"},
        "sku": {"name": "Basic", "tier": "Basic"}
    });
    let ws: models::Workspace = serde_json::from_value(raw.clone()).unwrap();
    let props = ws.properties.as_ref().unwrap();
    assert_eq!(
        props.provisioning_state,
        Some(models::ProvisioningState::Other("Migrating".into()))
    );
    // `Enabled` is known; `enabled` is not the same wire value and is kept verbatim.
    assert_eq!(
        props.public_network_access,
        Some(models::PublicNetworkAccess::Other("enabled".into()))
    );
    assert_eq!(ws.sku.as_ref().unwrap().tier, Some(models::SkuTier::Basic));
    assert_eq!(serde_json::to_value(&ws).unwrap(), raw);

    let known: models::PublicNetworkAccess = serde_json::from_value(json!("Enabled")).unwrap();
    assert_eq!(known, models::PublicNetworkAccess::Enabled);
    assert_eq!(known.as_str(), "Enabled");

    // `SkuTier` is `modelAsString: false`: an unknown value is a clear error, not a panic.
    let err =
        serde_json::from_value::<models::Workspace>(json!({"sku": {"name": "x", "tier": "Ultra"}}))
            .unwrap_err()
            .to_string();
    assert!(err.contains("/sku/tier") && err.contains("Ultra"), "{err}");
}

/// A workspace as a GET returns it, with the service-set (read-only) fields.
fn workspace_from_get() -> Value {
    json!({
        "id": WS,
        "name": "ws1",
        "type": "Microsoft.MachineLearningServices/workspaces",
        "location": "eastus2euap",
        "tags": {"team": "ml"},
        "systemData": {"createdBy": "someone@example.com", "createdByType": "User",
                        "createdAt": "2023-01-03T19:56:09.7588299+00:00"},
        "identity": {
            "type": "SystemAssigned,UserAssigned",
            "principalId": "00000000-1111-2222-3333-444444444444",
            "tenantId": "00000000-1111-2222-3333-444444444444",
            "userAssignedIdentities": {
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai": {
                    "principalId": "00000000-1111-2222-3333-444444444444",
                    "clientId": "00000000-1111-2222-3333-444444444444"
                }
            }
        },
        "sku": {"name": "Basic", "tier": "Basic"},
        "properties": {
            "workspaceId": "7c4a1e8e-93d3-4f2f-9d5c-1f2e3d4c5b6a",
            "friendlyName": "HelloName",
            "description": "test description",
            "keyVault": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
            "storageAccount": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa",
            "discoveryUrl": "https://eastus2euap.api.azureml.ms/discovery",
            "provisioningState": "Succeeded",
            "hbiWorkspace": false,
            "serviceProvisionedResourceGroup": "rg-managed",
            "privateLinkCount": 0,
            "allowPublicAccessWhenBehindVnet": false,
            "publicNetworkAccess": "Disabled",
            "tenantId": "00000000-1111-2222-3333-444444444444",
            "storageHnsEnabled": false,
            "mlFlowTrackingUri": "azureml://eastus2euap.api.azureml.ms/mlflow",
            "notebookInfo": {"resourceId": "nb", "fqdn": "nb.example.com",
                              "notebookPreparationError": {"errorMessage": "none", "statusCode": 0}},
            "privateEndpointConnections": [{"id": "pec1", "properties": {"provisioningState": "Succeeded",
                "privateLinkServiceConnectionState": {"status": "Approved"}}}],
            "sharedPrivateLinkResources": [{"name": "db", "properties": {"groupId": "Sql", "status": "Approved"}}]
        }
    })
}

#[tokio::test]
async fn a_put_of_a_workspace_read_from_a_get_sends_no_read_only_field() {
    let mock = MockArm::start(|r| {
        if r.method == "GET" {
            Response::json(200, workspace_from_get())
        } else {
            Response::empty(202)
        }
    })
    .await;
    let c = client(&mock);
    let ws = c
        .workspaces_get("s", "rg", "ws1")
        .await
        .unwrap()
        .into_inner();
    // The response keeps everything (read-only fields included) and round-trips unchanged.
    assert!(ws.system_data.is_some() && ws.id.is_some());
    assert_eq!(serde_json::to_value(&ws).unwrap(), workspace_from_get());

    c.workspaces_create_or_update_initial("s", "rg", "ws1", &ws)
        .await
        .unwrap();
    let put = &mock.requests()[1];
    assert_eq!(put.method, "PUT");
    let sent = put.json();

    // Independently of the generator: walk the sent body with the raw 2023-04-01 schema and
    // find no read-only property in it. The same walk over the GET body finds many (so this
    // check can fail).
    let av = config()
        .api_version
        .into_iter()
        .find(|a| a.version == "2023-04-01")
        .unwrap();
    let spec = RawSpec::load(&av);
    let schemas = Schemas::new(&spec);
    let dir = config().locate(&av, &spec_root()).unwrap().dir;
    let file = format!("{dir}/machineLearningServices.json");
    let schema = json!({"$ref": "#/definitions/Workspace"});
    let read_only_in = |v: &Value| {
        let mut notes = Vec::new();
        schemas.expected(&file, &schema, v, Mode::Request, &mut notes);
        notes
            .into_iter()
            .filter(|n| n.kind == "read-only removed from request")
            .map(|n| n.at)
            .collect::<Vec<_>>()
    };
    let in_get = read_only_in(&workspace_from_get());
    assert!(in_get.len() >= 15, "{in_get:?}");
    assert_eq!(read_only_in(&sent), Vec::<String>::new(), "sent {sent}");

    // Exactly the read-only fields are gone: everything writable is still sent.
    let mut expected = workspace_from_get();
    for p in &in_get {
        let (parent, key) = p.rsplit_once('/').unwrap();
        // Keys of `userAssignedIdentities` contain '/': find the parent by walking.
        let target = if parent.contains("/userAssignedIdentities/") {
            let (head, id) = parent.split_once("/userAssignedIdentities/").unwrap();
            expected
                .pointer_mut(&format!("{head}/userAssignedIdentities"))
                .and_then(|m| m.get_mut(id))
        } else {
            expected.pointer_mut(parent)
        };
        target
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("{p}"))
            .remove(key);
    }
    assert_eq!(sent, expected);
    assert_eq!(sent["properties"]["friendlyName"], "HelloName");
    assert!(sent.get("systemData").is_none() && sent.get("id").is_none());
}

#[test]
fn date_time_keeps_the_services_text_and_parses() {
    let raw = json!({"computeType": "AKS", "createdOn": "2023-01-03T19:56:09.7588299+00:00"});
    let aks: models::Aks = serde_json::from_value(raw.clone()).unwrap();
    let created = aks.created_on.as_ref().unwrap();
    assert_eq!(created.as_str(), "2023-01-03T19:56:09.7588299+00:00");
    assert_eq!(serde_json::to_value(&aks).unwrap(), raw);
    let t = created.to_system_time().unwrap();
    assert_eq!(
        t,
        UNIX_EPOCH + Duration::from_secs(1_672_775_769) + Duration::from_nanos(758_829_900)
    );
    assert_eq!(
        DateTime::from_system_time(t).as_str(),
        "2023-01-03T19:56:09.7588299Z"
    );
    // Offsets, `Z`, no fraction, before the epoch.
    assert_eq!(
        DateTime::new("2023-01-04T01:26:09+05:30")
            .to_system_time()
            .unwrap(),
        UNIX_EPOCH + Duration::from_secs(1_672_775_769)
    );
    let before = DateTime::new("1969-12-31T23:59:59.5Z")
        .to_system_time()
        .unwrap();
    assert_eq!(
        DateTime::from_system_time(before).as_str(),
        "1969-12-31T23:59:59.5Z"
    );
    // Malformed text is kept on decode and reported on parse — never a panic.
    let bad: models::Aks =
        serde_json::from_value(json!({"computeType": "AKS", "createdOn": "yesterday"})).unwrap();
    let e = bad.created_on.unwrap().to_system_time().unwrap_err();
    assert!(e.to_string().contains("yesterday"), "{e}");
    for s in [
        "2023-02-29T00:00:00Z",
        "2023-01-03T24:00:00Z",
        "2023-01-03T19:56:09+0530",
    ] {
        assert!(DateTime::new(s).to_system_time().is_err(), "{s}");
    }
}

#[test]
fn durations_and_uuids_parse() {
    let d = |s: &str| IsoDuration::new(s).to_std();
    assert_eq!(d("PT30M").unwrap(), Duration::from_secs(1800));
    assert_eq!(d("P1DT12H").unwrap(), Duration::from_secs(129_600));
    assert_eq!(d("PT0.5S").unwrap(), Duration::from_millis(500));
    assert_eq!(d("P2W").unwrap(), Duration::from_secs(14 * 86_400));
    for bad in ["P1M", "P1Y", "30M", "PT", "P", "PTxS", "-PT1H"] {
        assert!(d(bad).is_err(), "{bad}");
    }
    assert_eq!(
        IsoDuration::from_std(Duration::from_secs(1800)).as_str(),
        "PT30M"
    );
    assert_eq!(
        IsoDuration::from_std(Duration::from_millis(93_784_500)).as_str(),
        "P1DT2H3M4.5S"
    );
    assert_eq!(IsoDuration::from_std(Duration::ZERO).as_str(), "PT0S");

    let u = Uuid::new("7C4A1E8E-93D3-4F2F-9D5C-1F2E3D4C5B6A");
    let v = u.to_u128().unwrap();
    assert_eq!(v, 0x7c4a1e8e_93d3_4f2f_9d5c_1f2e3d4c5b6a);
    assert_eq!(
        Uuid::from_u128(v).as_str(),
        "7c4a1e8e-93d3-4f2f-9d5c-1f2e3d4c5b6a"
    );
    assert!(Uuid::new("7c4a1e8e-93d3-4f2f-9d5c").to_u128().is_err());
}

#[test]
fn numbers_keep_their_exact_json_form() {
    let raw = json!({"policyType": "Bandit", "slackAmount": 1.0, "slackFactor": 0.15,
                     "evaluationInterval": 3, "delayEvaluation": 0});
    let p: models::BanditPolicy = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(p.slack_amount.as_ref().unwrap().as_f64(), Some(1.0));
    let text = serde_json::to_string(&p).unwrap();
    assert!(text.contains("\"slackAmount\":1.0"), "{text}");
    assert_eq!(serde_json::to_value(&p).unwrap(), raw);
    // int64 beyond f64 precision.
    let big = json!({"miniBatchSize": 9_007_199_254_740_993_i64});
    let s: models::BatchDeployment = serde_json::from_value(big.clone()).unwrap();
    assert_eq!(s.mini_batch_size, Some(9_007_199_254_740_993));
    assert_eq!(serde_json::to_value(&s).unwrap(), big);
}

#[test]
fn nullable_keeps_null_apart_from_absent() {
    let with_null = json!({"computeType": "AKS", "description": null, "resourceId": "r"});
    let aks: models::Aks = serde_json::from_value(with_null.clone()).unwrap();
    assert_eq!(aks.description, Some(None));
    assert_eq!(aks.resource_id, Some(Some("r".into())));
    assert_eq!(serde_json::to_value(&aks).unwrap(), with_null);

    let absent = json!({"computeType": "AKS"});
    let aks: models::Aks = serde_json::from_value(absent.clone()).unwrap();
    assert_eq!(aks.description, None);
    assert_eq!(serde_json::to_value(&aks).unwrap(), absent);

    // x-nullable map values: a PATCH that removes one tag and sets another.
    let patch = json!({"tags": {"old": null, "new": "v"}});
    let p: models::PartialMinimalTrackedResource = serde_json::from_value(patch.clone()).unwrap();
    assert_eq!(p.tags.as_ref().unwrap()["old"], None);
    assert_eq!(serde_json::to_value(&p).unwrap(), patch);
}

#[test]
fn field_names_are_snake_case_and_keyword_safe() {
    let ws = models::Workspace {
        type_: Some("Microsoft.MachineLearningServices/workspaces".into()),
        system_data: None,
        ..Default::default()
    };
    let v = serde_json::to_value(&ws).unwrap();
    assert_eq!(
        v,
        json!({"type": "Microsoft.MachineLearningServices/workspaces"})
    );
}

#[test]
fn model_names_are_stable_across_api_versions() {
    // Every spec definition present in both versions under the same name has the same Rust
    // name, unless the generator had to resolve a collision in one of them.
    let name_of = |defs: &[(&str, &str)]| -> std::collections::BTreeMap<String, String> {
        defs.iter()
            .map(|(src, rust)| {
                let (file, ptr) = src.split_once('#').unwrap();
                let file = file.rsplit('/').next().unwrap();
                (format!("{file}#{ptr}"), rust.to_string())
            })
            .collect()
    };
    let a = name_of(azml::v2023_04_01::models::DEFINITIONS);
    let b = name_of(azml::v2023_10_01::models::DEFINITIONS);
    let mut shared = 0;
    let mut differ = Vec::new();
    for (k, ra) in &a {
        if let Some(rb) = b.get(k) {
            shared += 1;
            if ra != rb {
                differ.push(format!("{k}: {ra} vs {rb}"));
            }
        }
    }
    assert!(shared > 400, "only {shared} shared definitions");
    assert!(differ.is_empty(), "{differ:#?}");
}
