//! The flows of Microsoft Learn's "Create, run, and delete Azure Machine Learning resources
//! using REST" walkthrough, with its request bodies, on the typed client's operation-group
//! clients (api-version 2023-10-01; the subscription is the client's). Used by the `seed`
//! example (against real Azure) and by the tests (against the mock ARM).

#![allow(dead_code)]

use azml::v2023_10_01::{models, Client};
use azml::workspace::RegionalEndpoints;
use serde_json::json;

/// Where the flows act (the client was built for `subscription`; the flows use it in
/// resource ids).
#[derive(Debug, Clone)]
pub struct Target {
    /// Subscription id.
    pub subscription: String,
    /// Resource group.
    pub resource_group: String,
}

/// List the workspaces of a resource group (all pages).
pub async fn list_workspaces(
    c: &Client,
    t: &Target,
) -> Result<Vec<models::Workspace>, azml::Error> {
    c.workspaces()
        .list_by_resource_group(&t.resource_group, None)
        .collect_all()
        .await
}

/// Get one workspace.
pub async fn get_workspace(
    c: &Client,
    t: &Target,
    name: &str,
) -> Result<models::Workspace, azml::Error> {
    Ok(c.workspaces()
        .get(&t.resource_group, name, None)
        .await?
        .into_inner())
}

/// GET the workspace's `discoveryUrl` and return its regional endpoints.
pub async fn discover(
    c: &Client,
    t: &Target,
    name: &str,
) -> Result<RegionalEndpoints, azml::Error> {
    let ws = get_workspace(c, t, name).await?;
    let url = ws
        .properties
        .and_then(|p| p.discovery_url)
        .ok_or_else(|| azml::Error::config(format!("workspace {name} has no discoveryUrl")))?;
    azml::workspace::discover(c.pipeline(), &url).await
}

/// The walkthrough's AmlCompute body: dedicated Standard_D1, 0–1 nodes, scale down after 30 min.
pub fn aml_compute_body(location: &str) -> serde_json::Value {
    json!({
        "location": location,
        "properties": {
            "computeType": "AmlCompute",
            "properties": {
                "vmSize": "Standard_D1",
                "vmPriority": "Dedicated",
                "scaleSettings": {"maxNodeCount": 1, "minNodeCount": 0, "nodeIdleTimeBeforeScaleDown": "PT30M"}
            }
        }
    })
}

/// Create (or overwrite) an AmlCompute and wait until it is provisioned.
pub async fn create_aml_compute(
    c: &Client,
    t: &Target,
    workspace: &str,
    compute: &str,
    location: &str,
) -> Result<models::ComputeResource, azml::Error> {
    let body: models::ComputeResource = serde_json::from_value(aml_compute_body(location))
        .map_err(|e| azml::Error::config_from("request body", e))?;
    c.compute()
        .create_or_update(&t.resource_group, workspace, compute, &body, None)
        .await?
        .await
}

/// List the computes of a workspace.
pub async fn list_computes(
    c: &Client,
    t: &Target,
    workspace: &str,
) -> Result<Vec<models::ComputeResource>, azml::Error> {
    c.compute()
        .list(&t.resource_group, workspace, None)
        .collect_all()
        .await
}

/// Which identity the new workspace gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkspaceKind {
    /// `identity.type: systemAssigned`.
    SystemAssigned,
    /// `SystemAssigned,UserAssigned` with a user-assigned identity.
    UserAssigned,
    /// System-assigned identity and a customer-managed key.
    CustomerManagedKey,
}

/// The walkthrough's workspace bodies, with its placeholders filled from `t` and `name`.
pub fn workspace_body(
    kind: WorkspaceKind,
    t: &Target,
    name: &str,
    location: &str,
) -> serde_json::Value {
    let rg = format!(
        "/subscriptions/{}/resourceGroups/{}",
        t.subscription, t.resource_group
    );
    let mut body = json!({
        "location": location,
        "identity": {"type": "systemAssigned"},
        "properties": {
            "friendlyName": format!("{name} friendly"),
            "description": format!("{name} created by azml"),
            "containerRegistry": format!("{rg}/providers/Microsoft.ContainerRegistry/registries/{name}acr"),
            "keyVault": format!("{rg}/providers/Microsoft.Keyvault/vaults/{name}kv"),
            "applicationInsights": format!("{rg}/providers/Microsoft.insights/components/{name}ai"),
            "storageAccount": format!("{rg}/providers/Microsoft.Storage/storageAccounts/{name}sa"),
        }
    });
    match kind {
        WorkspaceKind::SystemAssigned => {}
        WorkspaceKind::UserAssigned => {
            body["identity"] = json!({
                "type": "SystemAssigned,UserAssigned",
                "userAssignedIdentities": {
                    format!("{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}mi"): {}
                }
            });
        }
        WorkspaceKind::CustomerManagedKey => {
            body["identity"] = json!({"type": "SystemAssigned"});
            body["properties"]["encryption"] = json!({
                "status": "Enabled",
                "identity": {"userAssignedIdentity": null},
                "keyVaultProperties": {
                    "keyVaultArmId": format!("{rg}/providers/Microsoft.KeyVault/vaults/{name}cmk"),
                    "keyIdentifier": format!("https://{name}cmk.vault.azure.net/keys/key1/0123456789abcdef"),
                    "identityClientId": ""
                }
            });
            body["properties"]["hbiWorkspace"] = json!(false);
        }
    }
    body
}

/// Create a workspace and wait for it.
pub async fn create_workspace(
    c: &Client,
    t: &Target,
    kind: WorkspaceKind,
    name: &str,
    location: &str,
) -> Result<models::Workspace, azml::Error> {
    let body: models::Workspace = serde_json::from_value(workspace_body(kind, t, name, location))
        .map_err(|e| azml::Error::config_from("request body", e))?;
    c.workspaces()
        .create_or_update(&t.resource_group, name, &body, None)
        .await?
        .await
}

/// Delete a compute (the underlying VMs too) and wait.
pub async fn delete_compute(
    c: &Client,
    t: &Target,
    workspace: &str,
    compute: &str,
) -> Result<(), azml::Error> {
    let action = models::UnderlyingResourceAction::Delete;
    c.compute()
        .delete(&t.resource_group, workspace, compute, &action, None)
        .await?
        .await
}

/// Delete a workspace and wait.
pub async fn delete_workspace(c: &Client, t: &Target, name: &str) -> Result<(), azml::Error> {
    c.workspaces()
        .delete(&t.resource_group, name, None)
        .await?
        .await
}
