//! Stage 3b input: the [`crate::ir::Api`] as an `openapiv3::OpenAPI` document shaped so that
//! progenitor accepts every operation.
//!
//! Where progenitor falls short, this is how we bend the document (and why):
//! - progenitor asserts at most one success body type per operation: long-running
//!   operations (200/201/202/204 with and without bodies) are given one `2XX`
//!   `application/octet-stream` response, so progenitor returns the raw first response
//!   (status, headers, bytes) and our emitted wrapper decodes it and drives the poller;
//! - an operation that is not long-running but whose success responses differ in body (`200`
//!   with a model and `202` without, or two models) gets the same single raw `2XX` response:
//!   its method keeps its name and returns `ResponseValue<Vec<u8>>` (status, headers,
//!   bytes) for the caller to decode by status;
//! - `api-version` is not a parameter: `azml::runtime::send` adds it;
//! - every named type is a component schema that progenitor replaces with our own model
//!   (`with_replacement`), so typify emits no types at all;
//! - progenitor treats a `default` response as a possible *success*, and then asserts on the
//!   two body types (success model vs. `ErrorResponse`): the ARM `default` error becomes `4XX`
//!   and `5XX` responses with its schema, which progenitor turns into `Error::ErrorResponse`.

use serde_json::{json, Map, Value};

use crate::ir::*;
use crate::Error;

fn schema(ty: &Ty) -> Value {
    match ty {
        Ty::String => json!({"type": "string"}),
        Ty::I32 => json!({"type": "integer", "format": "int32"}),
        Ty::I64 => json!({"type": "integer", "format": "int64"}),
        Ty::F64 => json!({"type": "number", "format": "double"}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Any => json!({}),
        Ty::Named(n) => json!({"$ref": format!("#/components/schemas/{n}")}),
        Ty::Array(t) => json!({"type": "array", "items": schema(t)}),
        Ty::Map(t) => json!({"type": "object", "additionalProperties": schema(t)}),
    }
}

fn collect_named(ty: &Ty, out: &mut std::collections::BTreeSet<String>) {
    match ty {
        Ty::Named(n) => {
            out.insert(n.clone());
        }
        Ty::Array(t) | Ty::Map(t) => collect_named(t, out),
        _ => {}
    }
}

/// Named types the operations mention directly (each needs a progenitor replacement).
pub fn operation_types(api: &Api) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for op in &api.operations {
        op.params
            .iter()
            .for_each(|p| collect_named(&p.ty, &mut out));
        op.responses
            .iter()
            .filter_map(|r| r.body.as_ref())
            .for_each(|t| collect_named(t, &mut out));
        if let Some(e) = &op.error {
            collect_named(e, &mut out);
        }
    }
    out
}

/// Whether an operation's success responses are handed back raw (see the module doc):
/// long-running operations, and operations whose success responses differ in body.
pub fn raw_success(op: &Operation) -> bool {
    matches!(op.shape(), Shape::LongRunning | Shape::Raw)
}

/// The progenitor-facing operationId: `_initial` for long-running operations (whose public
/// method is our poller wrapper), `_first_page` for pageable ones (whose public method is our
/// pager wrapper). An operation with several success shapes keeps its name and returns the
/// raw response (it gets no pager).
pub fn progenitor_id(op: &Operation) -> String {
    match op.shape() {
        Shape::LongRunning => format!("{}_initial", op.rust),
        Shape::Pageable => format!("{}_first_page", op.rust),
        Shape::Raw | Shape::Plain => op.rust.clone(),
    }
}

/// Builds the OpenAPI 3 document.
pub fn to_openapi(api: &Api) -> Result<openapiv3::OpenAPI, Error> {
    let mut paths: Map<String, Value> = Map::new();
    for op in &api.operations {
        let mut params = Vec::new();
        let mut body = None;
        for p in &op.params {
            match p.location {
                ParamIn::Body => {
                    body = Some(json!({
                        "required": p.required,
                        "content": {"application/json": {"schema": schema(&p.ty)}}
                    }))
                }
                loc => {
                    let location = match loc {
                        ParamIn::Path => "path",
                        ParamIn::Query => "query",
                        _ => "header",
                    };
                    let mut v = json!({
                        "name": p.wire,
                        "in": location,
                        "required": p.required || loc == ParamIn::Path,
                        "schema": schema(&p.ty),
                    });
                    if let Some(d) = &p.doc {
                        v["description"] = json!(crate::emit_models::escape_doc(d));
                    }
                    params.push(v);
                }
            }
        }
        let mut responses = Map::new();
        if raw_success(op) {
            // Any 2xx starts the poller: services answer 200/201/202/204 more freely than
            // specs list them.
            responses.insert(
                "2XX".into(),
                json!({"description": "", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}),
            );
        }
        for r in op.responses.iter().filter(|_| !raw_success(op)) {
            let content = match (&r.body, raw_success(op)) {
                (_, true) => {
                    json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
                }
                (Some(t), false) => json!({"application/json": {"schema": schema(t)}}),
                (None, false) => json!({}),
            };
            responses.insert(
                r.status.to_string(),
                json!({"description": "", "content": content}),
            );
        }
        if let Some(e) = &op.error {
            for range in ["4XX", "5XX"] {
                responses.insert(
                    range.into(),
                    json!({"description": "error", "content": {"application/json": {"schema": schema(e)}}}),
                );
            }
        }
        let mut o = json!({
            "operationId": progenitor_id(op),
            "parameters": params,
            "responses": responses,
        });
        if let Some(d) = &op.doc {
            o["description"] = json!(crate::emit_models::escape_doc(d));
        }
        if let Some(b) = body {
            o["requestBody"] = b;
        }
        let item = paths.entry(op.path.clone()).or_insert_with(|| json!({}));
        item[op.method.as_str()] = o;
    }
    let schemas: Map<String, Value> = operation_types(api)
        .into_iter()
        .map(|n| (n, json!({"type": "object"})))
        .collect();
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": api.title, "version": api.version},
        "paths": paths,
        "components": {"schemas": schemas},
    });
    serde_json::from_value(doc)
        .map_err(|e| Error::new(format!("internal: building OpenAPI document: {e}")))
}
