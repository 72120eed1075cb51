//! Last line of defence: an emitter (ours or progenitor, which asserts instead of returning
//! errors) that panics despite the normalizer's checks is caught here and turned into an
//! [`Error`] naming the operation that triggers it (file and JSON pointer), found by re-running
//! the emitter on one operation at a time.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::ir::{Api, Operation};
use crate::load::escape_token;
use crate::Error;

/// Marks every error made from a caught panic.
pub const PANICKED: &str = "panicked";

/// The text of a panic payload.
fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// `file#/paths/<path>/<method>` of an operation.
pub fn operation_pointer(op: &Operation) -> String {
    format!(
        "{}#/paths/{}/{}",
        op.file,
        escape_token(&op.path),
        op.method
    )
}

/// Runs `emit` on `api`; a panic becomes an error naming `stage` and the culprit operation.
pub fn no_panic<T>(
    api: &Api,
    stage: &str,
    emit: impl Fn(&Api) -> Result<T, Error>,
) -> Result<T, Error> {
    let payload = match catch_unwind(AssertUnwindSafe(|| emit(api))) {
        Ok(result) => return result,
        Err(p) => p,
    };
    let msg = message(payload.as_ref());
    for op in &api.operations {
        let one = Api {
            operations: vec![op.clone()],
            ..api.clone()
        };
        if let Err(p) = catch_unwind(AssertUnwindSafe(|| emit(&one))) {
            return Err(Error::new(format!(
                "{}: {stage} {PANICKED} on operation {}: {}",
                operation_pointer(op),
                op.id,
                message(p.as_ref())
            )));
        }
    }
    Err(Error::new(format!(
        "api-version {}: {stage} {PANICKED} (no single operation reproduces it): {msg}",
        api.version
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(id: &str, path: &str) -> Operation {
        Operation {
            id: id.into(),
            rust: id.to_lowercase(),
            method: crate::ir::Method::Get,
            path: path.into(),
            file: "spec/a.json".into(),
            doc: None,
            params: vec![],
            responses: vec![],
            error: None,
            lro: None,
            pageable: None,
        }
    }

    #[test]
    fn a_panic_names_the_operation() {
        let api = Api {
            version: "2020-01-01".into(),
            title: "t".into(),
            sources: vec![],
            operations: vec![op("A_Get", "/a"), op("B_Get", "/b/{x}")],
            types: Default::default(),
            definitions: Default::default(),
        };
        let e = no_panic(&api, "the test emitter", |a| {
            assert!(a.operations.iter().all(|o| o.id != "B_Get"), "boom");
            Ok(())
        })
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "spec/a.json#/paths/~1b~1{x}/get: the test emitter panicked on operation B_Get: boom"
        );
        assert_eq!(no_panic(&api, "x", |_| Ok(1)).unwrap(), 1);
    }
}
