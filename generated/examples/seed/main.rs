//! The REST walkthrough's flows against real Azure.
//!
//! Credentials come from `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` (and
//! optionally `AZURE_AUTHORITY_HOST`); the subscription and resource group from
//! `config.json` / `.azureml/config.json` (found in this directory or a parent), or from
//! `AZURE_SUBSCRIPTION_ID` and `AZURE_RESOURCE_GROUP`.
//!
//! ```text
//! cargo run -p azml --example seed --features v2023_10_01 -- list
//! cargo run -p azml --example seed --features v2023_10_01 -- get <workspace>
//! cargo run -p azml --example seed --features v2023_10_01 -- discover <workspace>
//! cargo run -p azml --example seed --features v2023_10_01 -- create-compute <workspace> <compute> <location>
//! cargo run -p azml --example seed --features v2023_10_01 -- list-computes <workspace>
//! cargo run -p azml --example seed --features v2023_10_01 -- create-workspace <system|user|cmk> <name> <location>
//! cargo run -p azml --example seed --features v2023_10_01 -- delete-compute <workspace> <compute>
//! cargo run -p azml --example seed --features v2023_10_01 -- delete-workspace <name>
//! ```

mod flows;

use std::sync::Arc;

use azml::auth::EnvironmentCredential;
use azml::v2023_10_01::Client;
use flows::{Target, WorkspaceKind};

fn target() -> Result<Target, azml::Error> {
    if let (Ok(subscription), Ok(resource_group)) = (
        std::env::var("AZURE_SUBSCRIPTION_ID"),
        std::env::var("AZURE_RESOURCE_GROUP"),
    ) {
        return Ok(Target {
            subscription,
            resource_group,
        });
    }
    let c = azml::workspace::WorkspaceConfig::from_config()?;
    Ok(Target {
        subscription: c.subscription_id,
        resource_group: c.resource_group,
    })
}

async fn run(args: &[String]) -> Result<(), azml::Error> {
    let t = target()?;
    let client = Client::new(
        Arc::new(EnvironmentCredential::new()?),
        &t.subscription,
        None,
    )?;
    let a = |i: usize| {
        args.get(i)
            .map(String::as_str)
            .ok_or_else(|| azml::Error::config("missing argument; see the example's doc"))
    };
    match a(0)? {
        "list" => {
            for ws in flows::list_workspaces(&client, &t).await? {
                println!("{}", ws.name.unwrap_or_default());
            }
        }
        "get" => println!("{:#?}", flows::get_workspace(&client, &t, a(1)?).await?),
        "discover" => println!("{:#?}", flows::discover(&client, &t, a(1)?).await?),
        "create-compute" => println!(
            "{:#?}",
            flows::create_aml_compute(&client, &t, a(1)?, a(2)?, a(3)?).await?
        ),
        "list-computes" => {
            for c in flows::list_computes(&client, &t, a(1)?).await? {
                println!("{}", c.name.unwrap_or_default());
            }
        }
        "create-workspace" => {
            let kind = match a(1)? {
                "system" => WorkspaceKind::SystemAssigned,
                "user" => WorkspaceKind::UserAssigned,
                _ => WorkspaceKind::CustomerManagedKey,
            };
            println!(
                "{:#?}",
                flows::create_workspace(&client, &t, kind, a(2)?, a(3)?).await?
            );
        }
        "delete-compute" => flows::delete_compute(&client, &t, a(1)?, a(2)?).await?,
        "delete-workspace" => flows::delete_workspace(&client, &t, a(1)?).await?,
        other => return Err(azml::Error::config(format!("unknown command {other}"))),
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
