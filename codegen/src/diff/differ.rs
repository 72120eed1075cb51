//! The comparison engine's state: both indexes, the changes found so far (deduplicated by
//! rule and locations, so a definition reached from many operations reports once, with the
//! strongest severity), and the definition-level pass (removed / added definitions, then each
//! definition present on both sides compared once, in the directions either side uses it).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::Value;

use super::rules::{self, Rule};
use super::side::Index;
use super::{Change, Dir, Location, OpKey, Severity};

/// A value in one side's documents, with its document and JSON pointer.
#[derive(Clone)]
pub(crate) struct Here<'a> {
    /// Document key.
    pub file: &'a str,
    /// JSON pointer.
    pub ptr: String,
    /// The value.
    pub v: &'a Value,
}

impl<'a> Here<'a> {
    /// A located value.
    pub fn new(file: &'a str, ptr: impl Into<String>, v: &'a Value) -> Self {
        Here {
            file,
            ptr: ptr.into(),
            v,
        }
    }

    /// Its [`Location`].
    pub fn loc(&self) -> Location {
        Location::new(self.file, self.ptr.clone())
    }

    /// The location of a child key: `ptr/key` when present, else `ptr` itself.
    pub fn key_loc(&self, key: &str) -> Location {
        if self.v.get(key).is_some() {
            Location::new(
                self.file,
                format!("{}/{}", self.ptr, crate::load::escape_token(key)),
            )
        } else {
            self.loc()
        }
    }

    /// A child value with its pointer.
    pub fn child(&self, key: &str) -> Option<Here<'a>> {
        let v = self.v.get(key)?;
        Some(Here::new(
            self.file,
            format!("{}/{}", self.ptr, crate::load::escape_token(key)),
            v,
        ))
    }
}

pub(crate) struct Differ<'a> {
    pub old: &'a Index<'a>,
    pub new: &'a Index<'a>,
    changes: Vec<Change>,
    by_key: BTreeMap<(&'static str, Option<Location>, Option<Location>), usize>,
    /// Schema pairs already compared, with the direction.
    pub seen: HashSet<(Location, Location, Dir)>,
    /// The operation being compared, attached to each change found meanwhile.
    pub op: Option<OpKey>,
}

impl<'a> Differ<'a> {
    pub fn new(old: &'a Index<'a>, new: &'a Index<'a>) -> Self {
        Differ {
            old,
            new,
            changes: Vec::new(),
            by_key: BTreeMap::new(),
            seen: HashSet::new(),
            op: None,
        }
    }

    /// Records a change; the same rule at the same locations is one change (breaking wins).
    pub fn emit(
        &mut self,
        rule: &'static Rule,
        breaking: bool,
        old: Option<Location>,
        new: Option<Location>,
        message: String,
    ) {
        let severity = if breaking {
            Severity::Breaking
        } else {
            Severity::NonBreaking
        };
        let key = (rule.id, old.clone(), new.clone());
        let i = *self.by_key.entry(key).or_insert_with(|| {
            self.changes.push(Change {
                rule,
                severity,
                old,
                new,
                message,
                rust: Vec::new(),
                ops: BTreeSet::new(),
            });
            self.changes.len() - 1
        });
        let c = &mut self.changes[i];
        c.severity = c.severity.min(severity);
        if let Some(op) = &self.op {
            c.ops.insert(op.clone());
        }
    }

    /// All changes: breaking first, then by rule id, then by location.
    pub fn finish(self) -> Vec<Change> {
        let mut changes = self.changes;
        changes.sort_by(|a, b| {
            (a.severity, a.rule.id, &a.old, &a.new, &a.message)
                .cmp(&(b.severity, b.rule.id, &b.old, &b.new, &b.message))
        });
        changes
    }

    /// The definition-level pass.
    pub fn definitions(&mut self) {
        let (old, new) = (self.old, self.new);
        let relevant = |ix: &Index, k: &String| !ix.dir(k).is_empty() || ix.entry_defs.contains(k);
        for (k, t) in &old.defs {
            if !relevant(old, k) || new.defs.contains_key(k) {
                continue;
            }
            let used = !old.dir(k).is_empty();
            let loc = Location::new(t.file.clone(), t.pointer.clone());
            self.emit(
                &rules::REMOVED_DEFINITION,
                used,
                Some(loc),
                None,
                format!("Definition `{k}` was removed."),
            );
        }
        for (k, t) in &new.defs {
            if !relevant(new, k) || old.defs.contains_key(k) {
                continue;
            }
            let loc = Location::new(t.file.clone(), t.pointer.clone());
            self.emit(
                &rules::ADDED_DEFINITION,
                false,
                None,
                Some(loc),
                format!("Definition `{k}` was added."),
            );
        }
        for (k, ot) in &old.defs {
            let Some(nt) = new.defs.get(k) else { continue };
            if !relevant(old, k) && !relevant(new, k) {
                continue;
            }
            let dir = old.dir(k).or(new.dir(k));
            let dir = if dir.is_empty() { Dir::BOTH } else { dir };
            let (Some(o), Some(n)) = (here(old, ot), here(new, nt)) else {
                continue;
            };
            self.discriminator_value(k, &o, &n);
            self.compare_content(&o, &n, dir, k);
        }
    }

    /// `x-ms-discriminator-value` (or the implied definition name) of a union variant.
    fn discriminator_value(&mut self, key: &str, o: &Here<'a>, n: &Here<'a>) {
        let (old, new) = (self.old, self.new);
        if !in_union(old, o, 0) || !in_union(new, n, 0) {
            return;
        }
        let value = |h: &Here| -> String {
            h.v.get("x-ms-discriminator-value")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| {
                    h.ptr
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .replace("~1", "/")
                        .replace("~0", "~")
                })
        };
        let (a, b) = (value(o), value(n));
        if a != b {
            self.emit(
                &rules::DISCRIMINATOR_VALUE_CHANGED,
                true,
                Some(o.key_loc("x-ms-discriminator-value")),
                Some(n.key_loc("x-ms-discriminator-value")),
                format!("Discriminator value of `{key}` changed from `{a}` to `{b}`."),
            );
        }
    }
}

/// The value of an indexed definition target.
pub(crate) fn here<'a>(ix: &Index<'a>, t: &crate::load::Target) -> Option<Here<'a>> {
    let (file, doc) = ix.set.docs.get_key_value(&t.file)?;
    Some(Here::new(file, t.pointer.clone(), doc.pointer(&t.pointer)?))
}

/// Whether a definition has an ancestor (through `allOf` `$ref`s) with a `discriminator`, or
/// is a union base carrying its own `x-ms-discriminator-value`.
fn in_union(ix: &Index, h: &Here, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    if depth > 0 && h.v.get("discriminator").is_some() {
        return true;
    }
    if depth == 0
        && h.v.get("discriminator").is_some()
        && h.v.get("x-ms-discriminator-value").is_some()
    {
        return true;
    }
    h.v.get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("$ref").and_then(Value::as_str))
        .any(|r| {
            let t = crate::load::resolve_ref(h.file, r);
            here(ix, &t).is_some_and(|p| in_union(ix, &p, depth + 1))
        })
}
