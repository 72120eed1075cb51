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
