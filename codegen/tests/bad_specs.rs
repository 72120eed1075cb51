//! Broken specs give one clear error naming the file and JSON pointer, never a panic.
//! Each test writes its own small fixture into a fresh temporary directory.

use std::path::PathBuf;

use azml_codegen::config::ApiVersion;
use azml_codegen::Config;

struct Fixture {
    root: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Self {
        let root =
            std::env::temp_dir().join(format!("azml-bad-specs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("specification/rp/stable")).unwrap();
        Fixture { root }
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.root.join("specification/rp").join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn load(&self, files: &[&str]) -> Result<azml_codegen::ir::Api, String> {
        let av = ApiVersion {
            version: "2020-01-01".into(),
            dir: Some("specification/rp/stable".into()),
            files: files.iter().map(|s| s.to_string()).collect(),
            ..ApiVersion::default()
        };
        let config = Config {
            default_root: self.root.clone(),
            layouts: vec![],
            api_version: vec![av.clone()],
        };
        azml_codegen::load_api(&config, &self.root, &av).map_err(|e| e.to_string())
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

const GOOD_OP: &str = r##""paths": {"/things/{name}": {"get": {"operationId": "Things_Get",
    "parameters": [{"name": "name", "in": "path", "required": true, "type": "string"},
                   {"name": "api-version", "in": "query", "required": true, "type": "string"}],
    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Thing"}}}}}}"##;

#[test]
fn broken_ref_names_file_and_pointer() {
    let f = Fixture::new("ref");
    f.write(
        "stable/a.json",
        &format!(
            r##"{{"swagger": "2.0", "info": {{"title": "t", "version": "1"}}, {GOOD_OP},
            "definitions": {{"Thing": {{"properties": {{"part": {{"$ref": "#/definitions/Missing"}}}}}}}}}}"##
        ),
    );
    let e = f.load(&["a.json"]).unwrap_err();
    assert!(
        e.contains("stable/a.json#/definitions/Thing/properties/part"),
        "{e}"
    );
    assert!(e.contains("broken $ref \"#/definitions/Missing\""), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
}

#[test]
fn ref_to_missing_file_names_the_referrer() {
    let f = Fixture::new("file");
    f.write(
        "stable/a.json",
        &format!(
            r##"{{"swagger": "2.0", "info": {{"title": "t", "version": "1"}}, {GOOD_OP},
            "definitions": {{"Thing": {{"allOf": [{{"$ref": "../common/types.json#/definitions/Resource"}}]}}}}}}"##
        ),
    );
    let e = f.load(&["a.json"]).unwrap_err();
    assert!(e.contains("specification/rp/common/types.json"), "{e}");
    assert!(
        e.contains("referenced from") && e.contains("a.json#/definitions/Thing/allOf/0"),
        "{e}"
    );
}

#[test]
fn malformed_json_names_file_line_and_column() {
    let f = Fixture::new("json");
    f.write(
        "stable/a.json",
        "{\n  \"swagger\": \"2.0\",\n  \"paths\": {,}\n}",
    );
    let e = f.load(&["a.json"]).unwrap_err();
    assert!(e.contains("stable/a.json:3:"), "{e}");
    assert!(e.contains("malformed JSON"), "{e}");
}

#[test]
fn unsupported_schema_names_pointer() {
    let f = Fixture::new("schema");
    f.write(
        "stable/a.json",
        &format!(
            r##"{{"swagger": "2.0", "info": {{"title": "t", "version": "1"}}, {GOOD_OP},
            "definitions": {{"Thing": {{"properties": {{"tags": {{"type": "array"}}}}}}}}}}"##
        ),
    );
    let e = f.load(&["a.json"]).unwrap_err();
    assert!(
        e.contains("a.json#/definitions/Thing/properties/tags: array without items"),
        "{e}"
    );
}

#[test]
fn good_fixture_loads_and_drops_api_version() {
    let f = Fixture::new("good");
    f.write(
        "stable/a.json",
        &format!(
            r##"{{"swagger": "2.0", "info": {{"title": "t", "version": "1"}}, {GOOD_OP},
            "definitions": {{"Thing": {{"properties": {{"size": {{"type": "integer", "format": "int32"}}}}}}}}}}"##
        ),
    );
    let api = f.load(&["a.json"]).unwrap();
    assert_eq!(api.operations.len(), 1);
    assert!(api.operations[0]
        .params
        .iter()
        .all(|p| p.wire != "api-version"));
    assert!(api.types.contains_key("Thing"));
}

#[test]
fn missing_checkout_says_how_to_get_it() {
    let config = azml_codegen::Config {
        default_root: "definitely/not/here".into(),
        layouts: vec![],
        api_version: vec![],
    };
    let repo = std::path::Path::new("/nonexistent");
    let e = config.resolve_root(repo, None).unwrap_err().to_string();
    assert!(
        e.contains("git clone --depth 1 https://github.com/Azure/azure-rest-api-specs"),
        "{e}"
    );
    assert!(e.contains("/nonexistent/definitely/not/here"), "{e}");
    let e = config
        .resolve_root(repo, Some("/also/missing".into()))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("/also/missing (from $AZURE_REST_API_SPECS)"),
        "{e}"
    );
}

/// A package of one operation `op` (a JSON object body) at `path`, with `Thing` defined.
fn one_op(f: &Fixture, path: &str, op: &str, defs: &str) -> Result<azml_codegen::ir::Api, String> {
    f.write(
        "stable/a.json",
        &format!(
            r##"{{"swagger": "2.0", "info": {{"title": "t", "version": "1"}},
            "paths": {{"{path}": {{"get": {op}}}}},
            "definitions": {{"Thing": {{"properties": {{"a": {{"type": "string"}}}}}}{defs}}}}}"##
        ),
    );
    f.load(&["a.json"])
}

const NAME_PARAM: &str = r#"{"name": "name", "in": "path", "required": true, "type": "string"}"#;
const THING_200: &str =
    r##""200": {"description": "ok", "schema": {"$ref": "#/definitions/Thing"}}"##;

#[test]
fn path_template_and_path_parameters_must_agree() {
    let f = Fixture::new("template");
    let e = one_op(
        &f,
        "/things/{name}",
        &format!(r#"{{"operationId": "T_Get", "parameters": [], "responses": {{{THING_200}}}}}"#),
        "",
    )
    .unwrap_err();
    assert!(
        e.contains("a.json#/paths/~1things~1{name}/get: path template names {name} but the operation has no path parameter `name`"),
        "{e}"
    );
    let moved = NAME_PARAM.replace("\"path\"", "\"query\"");
    let e = one_op(
        &f,
        "/things",
        &format!(
            r#"{{"operationId": "T_Get", "parameters": [{NAME_PARAM}], "responses": {{{THING_200}}}}}"#
        ),
        "",
    )
    .unwrap_err();
    assert!(
        e.contains("a.json#/paths/~1things/get: path parameter `name` is not in the path template"),
        "{e}"
    );
    let e = one_op(
        &f,
        "/things/{name}",
        &format!(
            r#"{{"operationId": "T_Get", "parameters": [{moved}], "responses": {{{THING_200}}}}}"#
        ),
        "",
    )
    .unwrap_err();
    assert!(e.contains("no path parameter `name`"), "{e}");
}

#[test]
fn unknown_final_state_via_is_rejected_with_its_pointer() {
    let f = Fixture::new("fsv");
    for bad in [r#""bogus""#, "42", "null", r#""""#] {
        let e = one_op(
            &f,
            "/things",
            &format!(
                r#"{{"operationId": "T_Get", "x-ms-long-running-operation": true,
                "x-ms-long-running-operation-options": {{"final-state-via": {bad}}},
                "responses": {{{THING_200}}}}}"#
            ),
            "",
        )
        .unwrap_err();
        assert!(
            e.contains("a.json#/paths/~1things/get/x-ms-long-running-operation-options/final-state-via: unknown final-state-via"),
            "{e}"
        );
    }
}

#[test]
fn ref_cycles_are_rejected_not_overflowed() {
    let f = Fixture::new("cycle");
    // A property whose $ref points at itself.
    let e = one_op(
        &f,
        "/things",
        &format!(r#"{{"operationId": "T_Get", "responses": {{{THING_200}}}}}"#),
        r##", "Loop": {"properties": {"x": {"$ref": "#/definitions/Loop/properties/x"}}}"##,
    );
    assert!(e.is_ok(), "an unreached cycle is harmless: {e:?}");
    let e = one_op(
        &f,
        "/things",
        r##"{"operationId": "T_Get", "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Loop"}}}}"##,
        r##", "Loop": {"properties": {"x": {"$ref": "#/definitions/Loop/properties/x"}}}"##,
    )
    .unwrap_err();
    assert!(
        e.contains("a.json#/definitions/Loop/properties/x: $ref cycle through"),
        "{e}"
    );
    // Two definitions that are each other's $ref.
    let e = one_op(
        &f,
        "/things",
        r##"{"operationId": "T_Get", "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/A"}}}}"##,
        r##", "A": {"$ref": "#/definitions/B"}, "B": {"$ref": "#/definitions/A"}"##,
    )
    .unwrap_err();
    assert!(
        e.contains("a.json#/definitions/") && e.contains("$ref cycle"),
        "{e}"
    );
}

#[test]
fn two_success_shapes_without_lro_generate_raw_access() {
    let f = Fixture::new("multi");
    let api = one_op(
        &f,
        "/things",
        &format!(
            r#"{{"operationId": "Things_Start", "responses": {{{THING_200}, "202": {{"description": "accepted"}}}}}}"#
        ),
        "",
    )
    .unwrap();
    let files = azml_codegen::emit_version(&api, "v2020_01_01").unwrap();
    let client = &files
        .iter()
        .find(|f| f.path.ends_with("client.rs"))
        .unwrap()
        .contents;
    let method = client
        .split("pub async fn things_start")
        .nth(1)
        .expect("the method keeps its name")
        .split('{')
        .next()
        .unwrap()
        .to_string();
    assert!(method.contains("ResponseValue<Vec<u8>>"), "{method}");
    let dispatch = &files
        .iter()
        .find(|f| f.path.ends_with("dispatch.rs"))
        .unwrap()
        .contents;
    assert!(
        dispatch.contains("drive_raw::<serde_json::Value"),
        "{dispatch}"
    );
}

#[test]
fn enum_value_self_is_an_identifier() {
    let f = Fixture::new("self");
    let api = one_op(
        &f,
        "/things",
        r##"{"operationId": "T_Get", "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Who"}}}}"##,
        r##", "Who": {"type": "string", "enum": ["self", "Self", "other"]}"##,
    )
    .unwrap();
    let files = azml_codegen::emit_version(&api, "v2020_01_01")
        .expect("Self is not emitted as an identifier");
    let models = &files
        .iter()
        .find(|f| f.path.ends_with("models.rs"))
        .unwrap()
        .contents;
    assert!(models.contains("SelfValue"), "{models}");
}
