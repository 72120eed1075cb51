//! `Debug` of models that carry credentials (`x-ms-secret` or credential-like fields) never
//! shows them.

use azml::v2023_04_01::models;
use serde_json::json;

#[test]
fn workspace_keys_debug_shows_no_secret() {
    let keys: models::ListWorkspaceKeysResult = serde_json::from_value(json!({
        "userStorageKey": "STORAGE-KEY-s3cr3t",
        "userStorageResourceId": "/subscriptions/x/storage",
        "appInsightsInstrumentationKey": "AI-KEY-s3cr3t",
        "containerRegistryCredentials": {"location": "eastus", "username": "acr",
            "passwords": [{"name": "password", "value": "ACR-PASS-s3cr3t"}]},
        "notebookAccessKeys": {"primaryAccessKey": "NB-PRIMARY-s3cr3t", "secondaryAccessKey": "NB-SECONDARY-s3cr3t"}
    }))
    .unwrap();
    let shown = format!("{keys:?} {keys:#?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(
        shown.contains("<redacted>") && shown.contains("/subscriptions/x/storage"),
        "{shown}"
    );
    // The values are still there for the program to use, and serialize unchanged.
    assert_eq!(keys.user_storage_key.as_deref(), Some("STORAGE-KEY-s3cr3t"));
    assert_eq!(
        serde_json::to_value(&keys).unwrap()["notebookAccessKeys"]["primaryAccessKey"],
        "NB-PRIMARY-s3cr3t"
    );
}

#[test]
fn compute_admin_credentials_debug_shows_no_secret() {
    let creds: models::VirtualMachineSshCredentials = serde_json::from_value(json!({
        "username": "azureuser", "password": "ADMIN-PASS-s3cr3t",
        "publicKeyData": "ssh-rsa AAAA", "privateKeyData": "PRIVATE-s3cr3t"
    }))
    .unwrap();
    let shown = format!("{creds:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(shown.contains("azureuser"), "{shown}");
}

#[test]
fn aml_compute_admin_credentials_inside_a_compute_resource_debug_shows_no_secret() {
    let c: models::ComputeResource = serde_json::from_value(json!({
        "name": "cluster1",
        "properties": {"computeType": "AmlCompute", "properties": {
            "vmSize": "STANDARD_NC6",
            "userAccountCredentials": {"adminUserName": "azureuser",
                "adminUserSshPublicKey": "ssh-rsa PUBLIC", "adminUserPassword": "AML-PASS-s3cr3t"}}}
    }))
    .unwrap();
    let shown = format!("{c:?} {c:#?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    // `adminUserSshPublicKey` is `x-ms-secret` in the spec, so it is redacted too.
    assert!(
        shown.contains("azureuser") && !shown.contains("ssh-rsa PUBLIC"),
        "{shown}"
    );
    // The password is still there for the program, and serializes unchanged.
    assert_eq!(
        serde_json::to_value(&c).unwrap()["properties"]["properties"]["userAccountCredentials"]
            ["adminUserPassword"],
        "AML-PASS-s3cr3t"
    );
}

#[test]
fn compute_secrets_debug_shows_no_secret() {
    let s: models::ComputeSecrets = serde_json::from_value(json!({
        "computeType": "AKS", "userKubeConfig": "USER-KUBE-s3cr3t",
        "adminKubeConfig": "ADMIN-KUBE-s3cr3t", "imagePullSecretName": "pull-s3cr3t"
    }))
    .unwrap();
    let shown = format!("{s:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    let vm: models::ComputeSecrets = serde_json::from_value(json!({
        "computeType": "VirtualMachine",
        "administratorAccount": {"username": "azureuser", "password": "VM-PASS-s3cr3t",
                                 "privateKeyData": "VM-KEY-s3cr3t"}
    }))
    .unwrap();
    let shown = format!("{vm:?}");
    assert!(
        !shown.contains("s3cr3t") && shown.contains("azureuser"),
        "{shown}"
    );
}

#[test]
fn workspace_keys_debug_shows_no_secret_in_2023_10_01() {
    use azml::v2023_10_01::models as m;
    let keys: m::ListWorkspaceKeysResult = serde_json::from_value(json!({
        "userStorageKey": "STORAGE-KEY-s3cr3t",
        "appInsightsInstrumentationKey": "AI-KEY-s3cr3t",
        "containerRegistryCredentials": {"username": "acr",
            "passwords": [{"name": "password", "value": "ACR-PASS-s3cr3t"}]},
        "notebookAccessKeys": {"primaryAccessKey": "NB-s3cr3t"}
    }))
    .unwrap();
    let shown = format!("{keys:#?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}
