//! Where in a side's raw Swagger an inherited struct field is declared, so a Rust item can be
//! linked to the spec changes that explain it (a property removed from `Resource` removes the
//! field from every model inheriting it). The IR flattens `allOf` and keeps no trace of where
//! a property came from, so this one fact is looked up in the documents; it names a spec
//! location only and decides nothing about the Rust item.

use serde_json::Value;

use super::Location;
use crate::load::{escape_token, resolve_ref, SpecSet};

/// Where property `wire` of the schema at `file#ptr` is declared: the schema's own
/// `properties`, else the last `allOf` parent declaring it (the one the generator keeps).
pub(crate) fn declaring(set: &SpecSet, file: &str, ptr: &str, wire: &str) -> Option<Location> {
    walk(set, file, ptr, wire, 0)
}

fn walk(set: &SpecSet, file: &str, ptr: &str, wire: &str, depth: usize) -> Option<Location> {
    if depth > 32 {
        return None;
    }
    let v = set.docs.get(file)?.pointer(ptr)?;
    if v.get("properties").and_then(|p| p.get(wire)).is_some() {
        return Some(Location::new(
            file,
            format!("{ptr}/properties/{}", escape_token(wire)),
        ));
    }
    let parents = v.get("allOf").and_then(Value::as_array)?;
    for (i, p) in parents.iter().enumerate().rev() {
        let found = match p.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let t = resolve_ref(file, r);
                walk(set, &t.file, &t.pointer, wire, depth + 1)
            }
            None => walk(set, file, &format!("{ptr}/allOf/{i}"), wire, depth + 1),
        };
        if found.is_some() {
            return found;
        }
    }
    None
}
