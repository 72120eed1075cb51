//! `azure_identity` credentials are `azure_core` `TokenCredential`s, which is what
//! `Client::new` takes: no adapter, no conversion.

use azml::v2025_12_01::Client;

#[test]
fn client_secret_credential_builds_a_client() {
    let credential = azure_identity::ClientSecretCredential::new(
        "00000000-0000-0000-0000-000000000001",
        "00000000-0000-0000-0000-000000000002".to_string(),
        "not-a-real-secret".to_string().into(),
        None,
    )
    .expect("a client secret credential");
    let client = Client::new(credential, "00000000-0000-0000-0000-000000000003", None)
        .expect("a client from an azure_identity credential");
    let _ = client.workspaces();
}

#[test]
fn developer_tools_credential_builds_a_client() {
    let credential =
        azure_identity::DeveloperToolsCredential::new(None).expect("a developer tools credential");
    let client = Client::new(credential, "00000000-0000-0000-0000-000000000003", None)
        .expect("a client from an azure_identity credential");
    let _ = client.compute();
}
