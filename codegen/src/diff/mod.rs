//! `cargo xtask diff <old> <new>`: what changed between two api-versions (or two spec folders),
//! what breaks for callers of the REST API, and what happens to the generated Rust crate.
//!
//! Two layers, one report:
//! - **Spec changes** ([`Change`]): rules modelled on Azure's `oad` (ids 1005–1050, same names)
//!   plus azml's own (2001–2008), evaluated on the typed model of both sides
//!   ([`crate::swagger`]). Operations are matched by path shape and method; everything they
//!   send and receive is compared *by structure*: `$ref`s and `allOf` are followed on both
//!   sides and schemas are paired by position (properties by wire name, union members by
//!   discriminator value), whatever their definitions are called, so a renamed or moved
//!   definition, a `$ref` replaced by an identical inline schema, reordered properties or
//!   edited descriptions are no change. Severity depends on direction, taken from where a
//!   schema is used: request bodies and parameters are sent, responses received, read-only
//!   properties only received; see [`rules`] for the table. Definition names matter only for
//!   definitions no operation reaches (`unreached`).
//! - **Rust changes** ([`RustChange`]): the generator's emitters run on both sides' IR
//!   ([`crate::ir::Api`]) and their output is read back and compared item by item (model
//!   types, fields, variants; `Client` and group-client methods with their signatures as
//!   emitted; group clients, options structs and their fields), each with its semver level,
//!   plus the verdict for the crate. Each spec change lists the Rust items it explains; a
//!   renamed definition is a Rust change only. A side the generator rejects (normalize or an
//!   emitter fails or panics) leaves the Rust impact unknown, with the generator's error: the
//!   spec changes are still reported.
//!
//! Submodules: [`side`] loads a side, `index` indexes its operations, unions and reached
//! definitions, `located` follows `$ref`s and flattens `allOf` on located nodes, `pairs`
//! pairs the two sides' schemas, `ops`, `schema` and `annotations` compare operations,
//! schemas and schema positions, `unreached` handles unreached definitions, `differ`
//! holds the engine and deduplicates, `label` names things in messages; [`emitted`] reads
//! the models (emitted when a side loads) and runs the client emitter, [`emitted_client`]
//! reads the client, [`rust`] compares the two crates (`located::declaring` finds where an
//! inherited field is declared in the spec), [`render`] writes text / markdown / JSON (schema in
//! `schema.json`), [`cli`] is the command line shared by `cargo xtask diff` and the golden
//! test.

mod annotations;
pub mod cli;
mod differ;
pub mod emitted;
pub mod emitted_client;
mod index;
mod label;
mod located;
mod ops;
mod pairs;
pub mod render;
pub mod rules;
pub mod rust;
mod schema;
pub mod side;
mod unreached;

use std::collections::BTreeSet;

pub use rules::Rule;
pub use rust::{ItemKind, RustChange, RustChangeKind, Semver};
pub use side::Side;

/// The JSON Schema of `--format json` output.
pub const JSON_SCHEMA: &str = include_str!("schema.json");

/// Whether a spec change breaks existing callers of the REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Existing clients or requests may fail.
    Breaking,
    /// Existing clients keep working.
    NonBreaking,
}

impl Severity {
    /// `breaking` / `non-breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::NonBreaking => "non-breaking",
        }
    }
}

/// A place in a spec: document (path relative to the side's root) and JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// Document path, `/`-separated, relative to the spec root.
    pub file: String,
    /// JSON pointer inside the document (`""` for the whole document).
    pub pointer: String,
}

impl Location {
    /// A location.
    pub fn new(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            pointer: pointer.into(),
        }
    }

    /// `basename.json#/pointer` for human-readable output, with an ARM path's provider prefix
    /// (`/subscriptions/…/providers/Microsoft.X`) shortened to `…` and its `~1` unescaped.
    pub fn short(&self) -> String {
        let base = self.file.rsplit('/').next().unwrap_or(&self.file);
        let Some(rest) = self.pointer.strip_prefix("/paths/") else {
            return format!("{base}#{}", self.pointer);
        };
        let (token, tail) = rest.split_once('/').map_or((rest, ""), |(a, b)| (a, b));
        let path = crate::load::unescape_token(token);
        let path = match path.find("/providers/") {
            Some(i) => {
                let after = &path[i + "/providers/".len()..];
                match after.find('/') {
                    Some(j) => format!("…{}", &after[j..]),
                    None => path.clone(),
                }
            }
            None => path.clone(),
        };
        let sep = if tail.is_empty() { "" } else { " › " };
        format!("{base}#/paths/{path}{sep}{tail}")
    }

    /// Whether one location contains the other (same file, pointer prefix at a `/`).
    pub fn related(&self, other: &Location) -> bool {
        fn within(a: &str, b: &str) -> bool {
            a == b || (a.starts_with(b) && a.as_bytes().get(b.len()) == Some(&b'/'))
        }
        self.file == other.file
            && (within(&self.pointer, &other.pointer) || within(&other.pointer, &self.pointer))
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}", self.file, self.pointer)
    }
}

/// Where a schema is used: in requests, in responses, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Dir(u8);

impl Dir {
    /// Not used by any operation.
    pub const NONE: Dir = Dir(0);
    /// Sent by the client.
    pub const REQUEST: Dir = Dir(1);
    /// Returned by the service.
    pub const RESPONSE: Dir = Dir(2);
    /// Both.
    pub const BOTH: Dir = Dir(3);

    /// Whether `self` includes all of `other`.
    pub fn has(self, other: Dir) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// Union.
    pub fn or(self, other: Dir) -> Dir {
        Dir(self.0 | other.0)
    }

    /// Intersection.
    pub fn and(self, other: Dir) -> Dir {
        Dir(self.0 & other.0)
    }

    /// Whether no direction is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// An operation's identity across versions: path shape (parameter names erased, lower case)
/// and lower-case HTTP method.
pub type OpKey = (String, String);

/// One spec change.
#[derive(Debug, Clone)]
pub struct Change {
    /// The rule that fired.
    pub rule: &'static Rule,
    /// Breaking or not, given the direction the changed schema is used in.
    pub severity: Severity,
    /// Location in the old spec (`None` for additions).
    pub old: Option<Location>,
    /// Location in the new spec (`None` for removals).
    pub new: Option<Location>,
    /// One sentence saying what changed.
    pub message: String,
    /// Indexes into [`RustImpact::changes`] of the Rust items this change explains.
    pub rust: Vec<usize>,
    /// Operations this change was found in (for linking `Client` methods).
    pub(crate) ops: BTreeSet<OpKey>,
}

/// The generated crate's side of the diff.
#[derive(Debug, Clone)]
pub struct RustImpact {
    /// Every changed item, sorted by item path.
    pub changes: Vec<RustChange>,
}

/// The result of comparing two sides.
#[derive(Debug, Clone)]
pub struct Report {
    /// Label of the old side (api-version or path).
    pub old: String,
    /// Label of the new side.
    pub new: String,
    /// Spec changes: breaking first, then by rule id and location.
    pub changes: Vec<Change>,
    /// Rust-level impact, or why it could not be computed (a side the generator rejects).
    pub rust: Result<RustImpact, String>,
}

impl Report {
    /// Number of spec changes of a severity.
    pub fn count(&self, s: Severity) -> usize {
        self.changes.iter().filter(|c| c.severity == s).count()
    }

    /// The semver verdict for the generated crate if the new side replaced the old one:
    /// the strongest level of any changed Rust item; `patch` when only the spec changed
    /// (constraints, defaults, docs); `none` when nothing changed; `None` (unknown) when the
    /// generator rejects a side.
    pub fn semver(&self) -> Option<Semver> {
        let r = self.rust.as_ref().ok()?;
        Some(match r.changes.iter().map(|c| c.semver).max() {
            Some(s) => s,
            None if self.changes.is_empty() => Semver::None,
            None => Semver::Patch,
        })
    }

    /// The semver level a single spec change causes (its strongest Rust item, else patch);
    /// `None` (unknown) when the generator rejects a side.
    pub fn change_semver(&self, c: &Change) -> Option<Semver> {
        let r = self.rust.as_ref().ok()?;
        Some(
            c.rust
                .iter()
                .map(|&i| r.changes[i].semver)
                .max()
                .unwrap_or(Semver::Patch),
        )
    }
}

/// Compares two loaded sides: the spec diff, and the Rust diff of what the generator emits for
/// each (both emitted while the specs are compared).
pub fn diff(old: &Side, new: &Side) -> Report {
    let emit = |side: &Side| -> Result<emitted_client::ClientApi, String> {
        let api = side
            .api
            .as_ref()
            .map_err(|e| format!("{}: {e}", side.label))?;
        emitted::client(api).map_err(|e| format!("{}: {e}", side.label))
    };
    let (mut changes, surfaces) = std::thread::scope(|s| {
        let os = s.spawn(|| emit(old));
        let ns = s.spawn(|| emit(new));
        let oi = s.spawn(|| index::Index::build(&old.set));
        let ni = index::Index::build(&new.set);
        let oi = oi.join().expect("indexing does not panic");
        let mut d = differ::Differ::new(&oi, &ni);
        d.operations();
        d.unreached();
        d.compare();
        let changes = d.finish();
        // Emitter panics are caught inside `emitted::surface`; a panic here is a reader bug.
        let join =
            |h: std::thread::ScopedJoinHandle<'_, Result<emitted_client::ClientApi, String>>| {
                h.join()
                    .unwrap_or_else(|_| Err("internal: reading the emitted crate panicked".into()))
            };
        (changes, (join(os), join(ns)))
    });
    let rust = match (&old.api, &new.api, surfaces) {
        (Ok(oa), Ok(na), (Ok(oc), Ok(nc))) => Ok(RustImpact {
            changes: rust::diff_crates(
                &rust::RustSide {
                    api: oa,
                    set: &old.set,
                    models: &old.models,
                    client: &oc,
                },
                &rust::RustSide {
                    api: na,
                    set: &new.set,
                    models: &new.models,
                    client: &nc,
                },
            ),
        }),
        (_, _, (Err(e), _) | (_, Err(e))) => Err(e),
        _ => unreachable!("a side without IR has no emitted crate"),
    };
    if let Ok(r) = &rust {
        rust::link(&mut changes, &r.changes);
    }
    Report {
        old: old.label.clone(),
        new: new.label.clone(),
        changes,
        rust,
    }
}
