//! The generator's snapshot outputs, compiled. Each module is what `azml-codegen` emits for
//! one fixture spec of `codegen/tests/fixtures/` (a file under `src/<fixture>/`, checked
//! byte for byte by `codegen/tests/snapshots.rs`); this crate exists so that
//! `cargo build --workspace` proves every snapshot compiles. Refresh the snapshots with
//! `UPDATE_SNAPSHOTS=1 cargo test -p azml-codegen --test snapshots`.
//!
//! Like `azml` (`generated/src/lib.rs`), the crate root re-exports `azml-runtime` and defines
//! [`OperationInfo`], which the generated modules refer to as `crate::…`. Not published.

#[cfg(feature = "testing")]
pub use azml_runtime::testing;
pub use azml_runtime::{
    auth, error, json, lro, options, pager, query, response, retry, runtime, serde_via_json,
    transport, workspace, ClientOptions, Error,
};
#[rustfmt::skip]
mod fixtures;
pub use fixtures::*;

/// Static facts about one operation, as the spec states them (the same struct as
/// `azml::OperationInfo`, which the generated `OPERATIONS` tables build).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// The spec's `operationId`, e.g. `Workspaces_Get`.
    pub id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    /// Name of the generated `Client` method that sends it.
    pub rust_method: &'static str,
    /// `x-ms-long-running-operation`.
    pub long_running: bool,
    /// `final-state-via`, when the spec gives it.
    pub final_state_via: Option<&'static str>,
    /// `x-ms-pageable`.
    pub pageable: bool,
}

/// One fixture module, as listed in `FIXTURES` (the counterpart of `azml::VersionInfo`).
#[derive(Debug, Clone, Copy)]
pub struct FixtureInfo {
    /// The fixture's file stem: `codegen/tests/fixtures/<name>.json`, `src/<name>/`.
    pub name: &'static str,
    /// The module's `API_VERSION` (the fixture's `info.version`).
    pub api_version: &'static str,
    /// The module's `OPERATIONS`.
    pub operations: &'static [OperationInfo],
    /// The module's `models::DEFINITIONS`.
    pub definitions: &'static [(&'static str, &'static str)],
    /// The module's `models::__roundtrip`.
    pub roundtrip:
        fn(&str, serde_json::Value) -> Option<Result<serde_json::Value, json::DecodeError>>,
}

/// Smoke tests of the compiled snapshots: the tables are filled in and models decode and
/// re-encode a value unchanged.
#[cfg(test)]
mod tests {
    use super::FIXTURES;
    use serde_json::json;

    #[test]
    fn every_fixture_has_operations_and_an_arm_error_model() {
        assert!(!FIXTURES.is_empty());
        for f in FIXTURES {
            assert!(!f.operations.is_empty(), "{}: no operations", f.name);
            let error = format!("{}.json#/definitions/ErrorResponse", f.name);
            assert!(
                f.definitions.iter().any(|(src, _)| *src == error),
                "{}: no ErrorResponse model",
                f.name
            );
            let body = json!({"error": {"code": "Conflict", "message": "m", "target": "t",
                "details": [{"code": "Inner", "message": "i"}],
                "additionalInfo": [{"type": "PolicyViolation", "info": {"k": 1}}]},
                "unknown": [true]});
            let back = (f.roundtrip)(&error, body.clone())
                .expect("ErrorResponse is a model")
                .expect("decodes");
            assert_eq!(back, body, "{}: ErrorResponse round trip", f.name);
        }
    }

    #[test]
    fn union_models_round_trip_every_level() {
        let unions = FIXTURES.iter().find(|f| f.name == "unions").unwrap();
        let pet = "unions.json#/definitions/Pet";
        for v in [
            json!({"kind": "dog", "name": "rex", "barks": true}),
            json!({"kind": "lion", "pride": "north", "lives": 9,
                   "companions": [{"kind": "cat", "lives": 7}, {"kind": "Fish", "water": "salt"}]}),
            json!({"kind": "dragon", "wings": 2}),
        ] {
            let back = (unions.roundtrip)(pet, v.clone()).unwrap().unwrap();
            assert_eq!(back, v);
        }
    }
}
