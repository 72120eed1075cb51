//! The spec mirror holds api-version 2025-12-01 twice: upstream's five pre-TypeSpec files
//! (`Microsoft.MachineLearningServices/stable/2025-12-01/`) and the TypeSpec-emitted
//! `openapi.json` (`…/MachineLearningServices/stable/2025-12-01/`), with many definitions
//! renamed (`BatchEndpointTrackedResource` → `BatchEndpoint`, `BatchEndpoint` →
//! `BatchEndpointProperties`, …). Diffed by structure, no change is a definition rename; what
//! remains is exactly the groups below, each checked by hand against the raw files (README,
//! "The two renditions of 2025-12-01").

use std::path::{Path, PathBuf};

use azml_codegen::diff::{cli, Location, Report, Severity};
use azml_codegen::Config;
use serde_json::Value;

const PROVIDER: &str =
    "specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices";
const OLD_FILES: &[&str] = &[
    "machineLearningServices.json",
    "mfe.json",
    "registries.json",
    "workspaceFeatures.json",
    "workspaceRP.json",
];

/// Expected changes: rule, breaking, how many, where (`OLD → NEW` in the report's short
/// form, `-` for none; `*` is any text without `/`, `**` any text, `{a,b}` either), and a
/// piece of the message.
struct Group {
    rule: &'static str,
    breaking: bool,
    count: usize,
    at: &'static str,
    what: &'static str,
}

const fn g(
    rule: &'static str,
    breaking: bool,
    count: usize,
    at: &'static str,
    what: &'static str,
) -> Group {
    Group {
        rule,
        breaking,
        count,
        at,
        what,
    }
}

const B: bool = true;
const NB: bool = false;

/// What the TypeSpec rendition says differently. Every entry is a difference in the raw files.
const EXPECTED: &[Group] = &[
    // Definitions no operation uses, in one rendition only.
    g("1006", NB, 5, "*.json#/definitions/{IdleShutdownSetting,ListViewType,OrderString,ScheduleListViewType,PartialRegistry} → -", "was removed"),
    g("2005", NB, 1, "- → openapi.json#/definitions/ManagedNetworkSettingsEx", "was added"),
    // Long-running responses declare their polling headers.
    g("1013", NB, 22, "** → openapi.json#/paths/** › */responses/{200,201,202}/headers/{Location,Retry-After,Azure-AsyncOperation}", "was added"),
    // Enum values only the TypeSpec rendition lists.
    g("1020", NB, 28, "** → openapi.json#/definitions/{OperationName,OperationStatus,ComputeInstanceState,ServerlessInferenceEndpointAuthMode,EndpointServiceConnectionStatus,ConnectionAuthType,ConnectionCategory}/enum/*", "Enum value"),
    // Formats: secrets are `password`, next links and the async-operation header `uri`.
    g("1023", B, 37, "** → openapi.json#/definitions/**/format", "from none to `password`"),
    g("1023", B, 34, "** → openapi.json#**/{nextLink,Azure-AsyncOperation}/format", "from none to `uri`"),
    g("1023", B, 1, "mfe.json#/definitions/SASCredentialDto/properties/sasUri/format → openapi.json#/definitions/SASCredentialDto/properties/sasUri/format", "from `uri` to `password`"),
    g("1023", B, 1, "workspaceRP.json#/definitions/WorkspaceConnectionOAuth2/properties/authUrl/format → **", "from `url` to `uri`"),
    g("1023", B, 1, "workspaceRP.json#/definitions/WorkspaceProperties/properties/discoveryUrl/format → **", "from `uri` to none"),
    g("1023", B, 1, "registries.json#/definitions/ManagedResourceGroupAssignedIdentities/properties/principalId → openapi.json#/definitions/Azure.Core.uuid/format", "from none to `uuid`"),
    // Constraints.
    g("1024", B, 9, "machineLearningServices.json#/parameters/ComputeNameParameter → openapi.json#/paths/**/computes/** › */parameters/*/pattern", "`pattern`"),
    g("1024", B, 4, "workspaceRP.json#/definitions/EncryptionKeyVaultProperties/properties/{keyIdentifier,keyVaultArmId} → openapi.json#/definitions/KeyVaultProperties/properties/*/{minLength,pattern}", "stronger"),
    g("1037", B, 92, "*.json#/paths/** › */responses/202/headers/Retry-After/{minimum,maximum} → **", "is weaker"),
    g("1037", NB, 36, "mfe.json#/paths/** › */parameters/*/pattern → openapi.json#/paths/** › */parameters/*", "`pattern`"),
    // Required or not.
    g("1025", NB, 33, "** → openapi.json#/definitions/*/properties/value", "is now required"),
    g("1025", NB, 1, "workspaceRP.json#/paths/** › put/parameters/5/required → **", "is now optional"),
    g("1025", B, 1, "** → openapi.json#/definitions/PrivateEndpointConnectionProperties/properties/privateLinkServiceConnectionState", "is now optional"),
    g("1025", B, 1, "** → openapi.json#/definitions/Workspace/properties/properties", "is now required"),
    // Types.
    g("1026", B, 1, "** → openapi.json#/definitions/AmlComputeNodeInformation/properties/port/type", "from `number` to `integer`"),
    g("1026", B, 20, "** → openapi.json#/definitions/**", "from `object` to any"),
    // Defaults the TypeSpec rendition does not state.
    g("1027", B, 9, "*.json#/definitions/*/properties/*/default → **", "to none"),
    // Read-only.
    g("1029", B, 13, "** → **", "read-only"),
    // Properties only one rendition has.
    g("1033", B, 4, "workspaceRP.json#/definitions/{ListWorkspaceKeysResult/properties/userStorageResourceId,ManagedNetworkSettings/properties/enableFirewallLog,WorkspaceConnectionPropertiesV2/properties/value,WorkspaceConnectionPropertiesV2/properties/valueFormat} → -", "was removed"),
    g("1040", NB, 4, "- → openapi.json#/definitions/{CapabilityHostProperties/properties/messages,ImageMetadata/properties/osPatchingStatus,ListWorkspaceKeysResult/properties/userStorageArmId,WorkspacePrivateEndpointResource/properties/subnetArmId}", "was added"),
    g("1041", NB, 4, "- → openapi.json#/definitions/{ComputeInstanceDataMount/properties/mountMode,NotebookResourceInfo/properties/isPrivateLinkEnabled,PrivateEndpointConnectionListResult/properties/nextLink,PrivateLinkResourceListResult/properties/nextLink}", "was added"),
    g("1045", NB, 22, "- → openapi.json#/definitions/*/properties/*", "was added"),
    g("1043", NB, 5, "- → openapi.json#/paths/** › {get,post}/parameters/*", "parameter"),
    // Operations.
    g("2001", B, 3, "workspaceRP.json#/paths/**/{operations,privateEndpointConnections,privateLinkResources} › get** → **", "x-ms-pageable"),
    g("2002", B, 9, "** → openapi.json#/paths/** › {put,patch}/x-ms-long-running-operation-options/final-state-via", "from none to `location`"),
    // Nullable, secret.
    g("2006", B, 8, "** → **", "nullable"),
    g("2006", NB, 1, "workspaceRP.json#/definitions/NotebookResourceInfo/properties/notebookPreparationError/x-nullable → **", "no longer nullable"),
    g("2007", B, 13, "** → openapi.json#/definitions/*/properties/*/x-ms-secret", "is now a secret"),
];

/// Glob match: `*` any text without `/`, `**` any text, `{a,b}` alternatives.
fn glob(pattern: &str, text: &str) -> bool {
    if let Some(open) = pattern.find('{') {
        let close = open + pattern[open..].find('}').expect("balanced braces");
        let (head, tail) = (&pattern[..open], &pattern[close + 1..]);
        return pattern[open + 1..close]
            .split(',')
            .any(|alt| glob(&format!("{head}{alt}{tail}"), text));
    }
    fn go(p: &[u8], t: &[u8]) -> bool {
        match p {
            [] => t.is_empty(),
            [b'*', b'*', rest @ ..] => (0..=t.len()).any(|i| go(rest, &t[i..])),
            [b'*', rest @ ..] => (0..=t.len())
                .take_while(|&i| i == 0 || t[i - 1] != b'/')
                .any(|i| go(rest, &t[i..])),
            [c, rest @ ..] => t.first() == Some(c) && go(rest, &t[1..]),
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The spec root, when the mirror with both renditions is there.
fn spec_root() -> Option<PathBuf> {
    let root = repo_root();
    let config = Config::load(&root.join("specs/api-versions.toml")).ok()?;
    let spec = config.spec_root(&root).ok()?;
    let both = spec
        .join(PROVIDER)
        .join("stable/2025-12-01/mfe.json")
        .is_file()
        && spec
            .join(PROVIDER)
            .join("MachineLearningServices/stable/2025-12-01/openapi.json")
            .is_file();
    both.then_some(spec)
}

fn short(l: &Option<Location>) -> String {
    l.as_ref().map_or("-".to_string(), Location::short)
}

fn report(spec: &Path) -> Report {
    let old: Vec<String> = OLD_FILES
        .iter()
        .map(|f| {
            spec.join(PROVIDER)
                .join("stable/2025-12-01")
                .join(f)
                .display()
                .to_string()
        })
        .collect();
    let args: Vec<String> = [&old.join(","), "2025-12-01", "--format", "json"]
        .map(String::from)
        .to_vec();
    let out = cli::run(&args, &repo_root(), false).expect("both renditions load");
    assert_eq!(out.exit_code(), cli::EXIT_CLEAN, "{:?}", out.failure);
    out.report.expect("a report")
}

/// The definitions of one rendition, by name.
fn definitions(spec: &Path, files: &[&str], dir: &str) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    for f in files {
        let text = std::fs::read_to_string(spec.join(PROVIDER).join(dir).join(f)).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        out.extend(v["definitions"].as_object().cloned().unwrap_or_default());
    }
    out
}

#[test]
fn the_two_renditions_of_2025_12_01_differ_by_exactly_the_listed_changes() {
    let Some(spec) = spec_root() else {
        eprintln!(
            "skipped: the spec mirror with both renditions of 2025-12-01 is missing \
             (set AZURE_REST_API_SPECS, see specs/api-versions.toml)"
        );
        return;
    };
    let r = report(&spec);
    let mut seen = vec![0usize; EXPECTED.len()];
    let mut unexpected = Vec::new();
    for c in &r.changes {
        let at = format!("{} → {}", short(&c.old), short(&c.new));
        let hits: Vec<usize> = EXPECTED
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                e.rule == c.rule.id
                    && e.breaking == (c.severity == Severity::Breaking)
                    && c.message.contains(e.what)
                    && glob(e.at, &at)
            })
            .map(|(i, _)| i)
            .collect();
        match hits.as_slice() {
            [i] => seen[*i] += 1,
            _ => unexpected.push(format!(
                "  {} {} {:?} ({} groups): {}\n      {at}",
                c.rule.id,
                c.rule.name,
                c.severity,
                hits.len(),
                c.message
            )),
        }
    }
    let miscounted: Vec<String> = EXPECTED
        .iter()
        .zip(&seen)
        .filter(|(e, n)| e.count != **n)
        .map(|(e, n)| {
            format!(
                "  {} `{}` `{}`: expected {}, got {n}",
                e.rule, e.at, e.what, e.count
            )
        })
        .collect();
    assert!(
        unexpected.is_empty() && miscounted.is_empty(),
        "{} changes; not in exactly one group:\n{}\nmiscounted groups:\n{}",
        r.changes.len(),
        unexpected.join("\n"),
        miscounted.join("\n")
    );
    assert_eq!(
        r.changes.len(),
        EXPECTED.iter().map(|e| e.count).sum::<usize>()
    );
}

#[test]
fn no_change_between_the_renditions_is_a_definition_rename() {
    let Some(spec) = spec_root() else {
        eprintln!("skipped: the spec mirror with both renditions of 2025-12-01 is missing");
        return;
    };
    let r = report(&spec);
    let old = definitions(&spec, OLD_FILES, "stable/2025-12-01");
    let new = definitions(
        &spec,
        &["openapi.json"],
        "MachineLearningServices/stable/2025-12-01",
    );
    for c in &r.changes {
        // Rules about names only: a `$ref` pointing elsewhere, a definition's own client name.
        assert_ne!(c.rule.id, "1017", "{c:?}");
        let own_client_name = |l: &Option<Location>| {
            l.as_ref().is_some_and(|l| {
                l.pointer.starts_with("/definitions/")
                    && l.pointer.matches('/').count() == 3
                    && l.pointer.ends_with("/x-ms-client-name")
            })
        };
        assert!(
            !own_client_name(&c.old) && !own_client_name(&c.new),
            "{c:?}"
        );
        // A definition reported as removed or added has no twin under another name.
        let (name, here, there) = match c.rule.id {
            "1006" => (c.old.as_ref().unwrap(), &old, &new),
            "2005" => (c.new.as_ref().unwrap(), &new, &old),
            _ => continue,
        };
        let name = name.pointer.trim_start_matches("/definitions/");
        assert!(!there.contains_key(name), "{name} is on both sides");
        let strip = |v: &Value| -> String {
            let mut v = v.clone();
            if let Some(m) = v.as_object_mut() {
                m.remove("description");
            }
            v.to_string()
        };
        let shape = strip(&here[name]);
        assert!(
            there.values().all(|d| strip(d) != shape),
            "{name} has a renamed twin"
        );
    }
}

#[test]
fn globs() {
    assert!(glob("a/*/c", "a/b/c"));
    assert!(!glob("a/*/c", "a/b/x/c"));
    assert!(glob("a/**/c", "a/b/x/c"));
    assert!(glob("a/{b,x}/c", "a/x/c"));
    assert!(!glob("a/{b,x}/c", "a/y/c"));
}
