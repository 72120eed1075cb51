//! The comparison engine: both indexes, the schema pairs found ([`Pairs`]), and the changes
//! found so far — deduplicated by rule and locations, so a schema reached from many operations
//! or pairs reports once, with the strongest severity. [`Differ::compare`] runs the
//! per-pair comparisons once every pair and its final direction is known.

use std::collections::{BTreeMap, BTreeSet};

use super::index::Index;
use super::label::Label;
use super::located::At;
use super::pairs::Pairs;
use super::rules::Rule;
use super::{Change, Dir, Location, OpKey, Severity};
use crate::swagger::Schema;

pub(crate) struct Differ<'a> {
    pub old: &'a Index<'a>,
    pub new: &'a Index<'a>,
    /// The schema pairs found.
    pub pairs: Pairs<'a>,
    changes: Vec<Change>,
    by_key: BTreeMap<(&'static str, Option<Location>, Option<Location>), usize>,
    /// The operations attached to what is emitted now.
    pub ops: BTreeSet<OpKey>,
    /// Whether what is compared now is reached by no operation (its changes break nobody).
    unused: bool,
}

impl<'a> Differ<'a> {
    pub fn new(old: &'a Index<'a>, new: &'a Index<'a>) -> Self {
        Differ {
            old,
            new,
            pairs: Pairs::new(old, new),
            changes: Vec::new(),
            by_key: BTreeMap::new(),
            ops: BTreeSet::new(),
            unused: false,
        }
    }

    /// Records a change; the same rule at the same locations is one change (breaking wins).
    /// Nothing breaks in what no operation uses.
    pub fn emit(
        &mut self,
        rule: &'static Rule,
        breaking: bool,
        old: Option<Location>,
        new: Option<Location>,
        message: String,
    ) {
        let severity = if breaking && !self.unused {
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
        c.ops.extend(self.ops.iter().cloned());
    }

    /// Compares every pair found, each once, with the union of the directions it is used in
    /// (a pair no operation uses as if used both ways, but non-breaking).
    pub fn compare(&mut self) {
        let sites = std::mem::take(&mut self.pairs.sites);
        for s in &sites {
            self.ops = s.ops.clone();
            self.unused = s.dir.is_empty();
            self.site(s, effective(s.dir));
        }
        self.pairs.sites = sites;
        let bodies = std::mem::take(&mut self.pairs.bodies);
        for b in &bodies {
            self.ops = b.ops.clone();
            self.unused = b.dir.is_empty();
            self.body(&b.o, &b.n, effective(b.dir), &b.label);
        }
        self.pairs.bodies = bodies;
        self.ops.clear();
        self.unused = false;
    }

    /// Whether comparing two sites finds no change at all.
    pub fn equivalent(
        old: &'a Index<'a>,
        new: &'a Index<'a>,
        o: At<'a, Schema>,
        n: At<'a, Schema>,
    ) -> bool {
        let mut d = Differ::new(old, new);
        d.pairs
            .add(o, n, Dir::BOTH, Label::same(""), BTreeSet::new());
        d.compare();
        d.changes.is_empty()
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
}

/// The direction a pair is compared in: what no operation uses counts as used both ways.
fn effective(dir: Dir) -> Dir {
    if dir.is_empty() {
        Dir::BOTH
    } else {
        dir
    }
}
