//! Pairing: which schema of the old side stands where which schema of the new side stands,
//! found by walking what the operations send and receive on both sides at once. From each
//! pair of schema positions (a *site*: a body, a parameter's type, a property, `items`, …) the
//! walk follows `$ref`s to the schemas themselves (the *bodies*), flattens `allOf`, and pairs
//! their properties by wire name, `items` with `items`, `additionalProperties` with
//! `additionalProperties`, and union members by discriminator value — whatever the
//! definitions are called, so a renamed definition pairs with its old self.
//!
//! Each pair is keyed by (old location, new location) and carries the union of the directions
//! it is used in (request, response; a read-only property only in responses) and, for
//! schemas written inline in an operation, the operations it belongs to. A pair is walked
//! again only when its direction or operations grow, so recursive and shared types
//! terminate. The comparison itself ([`super::schema`], [`super::annotations`]) runs once per
//! pair, afterwards, with the final direction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::index::Index;
use super::label::Label;
use super::located::{flatten, resolve, At, Extra};
use super::{Dir, Location, OpKey};
use crate::swagger::Schema;

/// Two schema positions, before `$ref`s.
pub(crate) struct SitePair<'a> {
    /// Old position.
    pub o: At<'a, Schema>,
    /// New position.
    pub n: At<'a, Schema>,
    /// What each designates (`Err`: a missing `$ref` target, named).
    pub bodies: (
        Result<At<'a, Schema>, String>,
        Result<At<'a, Schema>, String>,
    ),
    /// Names for messages.
    pub label: Label,
    /// Directions it is used in (empty: reached by no operation).
    pub dir: Dir,
    /// Operations it is written in (empty for what definitions hold).
    pub ops: BTreeSet<OpKey>,
}

/// Two schemas (after `$ref`s).
pub(crate) struct BodyPair<'a> {
    /// Old schema.
    pub o: At<'a, Schema>,
    /// New schema.
    pub n: At<'a, Schema>,
    /// Names for messages: the definitions' names, else the site's label.
    pub label: Label,
    /// Directions it is used in (empty: reached by no operation).
    pub dir: Dir,
    /// Operations it is written in.
    pub ops: BTreeSet<OpKey>,
}

/// A union's members on both sides, matched by discriminator value (then, for values that
/// changed, by definition name).
pub(crate) struct Members<'a> {
    /// Matched members.
    pub matched: Vec<(At<'a, Schema>, At<'a, Schema>)>,
    /// Old members without a partner, by value.
    pub removed: Vec<(String, At<'a, Schema>)>,
    /// New members without a partner, by value.
    pub added: Vec<(String, At<'a, Schema>)>,
}

/// Matches the members of two union bases (empty unless both have a `discriminator`).
pub(crate) fn members<'a>(
    old: &Index<'a>,
    new: &Index<'a>,
    o: &At<'a, Schema>,
    n: &At<'a, Schema>,
) -> Members<'a> {
    let mut out = Members {
        matched: Vec::new(),
        removed: Vec::new(),
        added: Vec::new(),
    };
    if o.v.discriminator.is_none() || n.v.discriminator.is_none() {
        return out;
    }
    let (mut ov, mut nv) = (old.variants(o), new.variants(n));
    let common: Vec<String> = ov.keys().filter(|k| nv.contains_key(*k)).cloned().collect();
    for k in common {
        let (a, b) = (ov.remove(&k), nv.remove(&k));
        out.matched.extend(a.zip(b));
    }
    // A member whose value changed keeps its definition's name.
    let by_name: BTreeMap<String, String> = nv
        .iter()
        .filter_map(|(v, at)| Some((at.def_name()?, v.clone())))
        .collect();
    for (v, a) in ov {
        match a.def_name().and_then(|name| by_name.get(&name)) {
            Some(nk) => {
                let b = nv.remove(nk).expect("listed");
                out.matched.push((a, b));
            }
            None => out.removed.push((v, a)),
        }
    }
    out.added.extend(nv);
    out
}

/// One pair of sites to walk.
struct Task<'a> {
    o: At<'a, Schema>,
    n: At<'a, Schema>,
    dir: Dir,
    label: Label,
    ops: BTreeSet<OpKey>,
}

/// The pairs found so far.
pub(crate) struct Pairs<'a> {
    old: &'a Index<'a>,
    new: &'a Index<'a>,
    /// Site pairs, in the order found.
    pub sites: Vec<SitePair<'a>>,
    site_ix: HashMap<(Location, Location), usize>,
    /// Body pairs, in the order found.
    pub bodies: Vec<BodyPair<'a>>,
    body_ix: HashMap<(Location, Location), usize>,
}

/// Merges `dir` and `ops` into a pair's; whether anything was new.
fn grow(have: &mut Dir, have_ops: &mut BTreeSet<OpKey>, dir: Dir, ops: &BTreeSet<OpKey>) -> bool {
    let merged = have.or(dir);
    let new_ops = !ops.is_subset(have_ops);
    if merged == *have && !new_ops {
        return false;
    }
    *have = merged;
    have_ops.extend(ops.iter().cloned());
    true
}

impl<'a> Pairs<'a> {
    /// No pairs yet.
    pub fn new(old: &'a Index<'a>, new: &'a Index<'a>) -> Self {
        Pairs {
            old,
            new,
            sites: Vec::new(),
            site_ix: HashMap::new(),
            bodies: Vec::new(),
            body_ix: HashMap::new(),
        }
    }

    /// Pairs two sites used in `dir` (empty: by no operation) by operations `ops`, and
    /// everything below them.
    pub fn add(
        &mut self,
        o: At<'a, Schema>,
        n: At<'a, Schema>,
        dir: Dir,
        label: Label,
        ops: BTreeSet<OpKey>,
    ) {
        let mut work = vec![Task {
            o,
            n,
            dir,
            label,
            ops,
        }];
        while let Some(t) = work.pop() {
            self.site(t, &mut work);
        }
    }

    fn site(&mut self, t: Task<'a>, work: &mut Vec<Task<'a>>) {
        let key = (t.o.loc(), t.n.loc());
        let (i, dir, ops) = match self.site_ix.get(&key) {
            Some(&i) => {
                let s = &mut self.sites[i];
                if !grow(&mut s.dir, &mut s.ops, t.dir, &t.ops) {
                    return;
                }
                (i, s.dir, s.ops.clone())
            }
            None => {
                let bodies = (resolve(self.old.set, &t.o), resolve(self.new.set, &t.n));
                let i = self.sites.len();
                self.site_ix.insert(key, i);
                self.sites.push(SitePair {
                    o: t.o.clone(),
                    n: t.n.clone(),
                    bodies,
                    label: t.label.clone(),
                    dir: t.dir,
                    ops: t.ops.clone(),
                });
                (i, t.dir, t.ops)
            }
        };
        let (Ok(ob), Ok(nb)) = (&self.sites[i].bodies.0, &self.sites[i].bodies.1) else {
            return;
        };
        let (ob, nb) = (ob.clone(), nb.clone());
        // What a definition holds belongs to no operation.
        let inline = t.o.v.reference.is_none() && t.n.v.reference.is_none();
        let ops = if inline { ops } else { BTreeSet::new() };
        let label = Label::pair(
            ob.def_name().unwrap_or(t.label.old),
            nb.def_name().unwrap_or(t.label.new),
        );
        self.body(ob, nb, dir, label, ops, work);
    }

    fn body(
        &mut self,
        o: At<'a, Schema>,
        n: At<'a, Schema>,
        dir: Dir,
        label: Label,
        ops: BTreeSet<OpKey>,
        work: &mut Vec<Task<'a>>,
    ) {
        let key = (o.loc(), n.loc());
        let (dir, ops) = match self.body_ix.get(&key) {
            Some(&i) => {
                let b = &mut self.bodies[i];
                if !grow(&mut b.dir, &mut b.ops, dir, &ops) {
                    return;
                }
                (b.dir, b.ops.clone())
            }
            None => {
                self.body_ix.insert(key, self.bodies.len());
                self.bodies.push(BodyPair {
                    o: o.clone(),
                    n: n.clone(),
                    label: label.clone(),
                    dir,
                    ops: ops.clone(),
                });
                (dir, ops)
            }
        };
        let (old, new) = (self.old, self.new);
        let (of, nf) = (
            flatten(old.set, &o, &label.old),
            flatten(new.set, &n, &label.new),
        );
        for (name, q) in &of.props {
            let Some(p) = nf.props.get(name) else {
                continue;
            };
            let ro = read_only(old, &q.at) && read_only(new, &p.at);
            let pdir = if ro { dir.and(Dir::RESPONSE) } else { dir };
            if ro && !dir.is_empty() && pdir.is_empty() {
                // Read-only in a schema only sent: neither sent nor received.
                continue;
            }
            work.push(Task {
                o: q.at.clone(),
                n: p.at.clone(),
                dir: pdir,
                label: Label::pair(format!("{}.{name}", q.owner), format!("{}.{name}", p.owner)),
                ops: ops.clone(),
            });
        }
        if let (Some((Extra::Values(a), _)), Some((Extra::Values(b), _))) = (of.extra, nf.extra) {
            work.push(Task {
                o: a,
                n: b,
                dir,
                label: label.suffixed("{}"),
                ops: ops.clone(),
            });
        }
        if let (Some(a), Some(b)) = (&o.v.items, &n.v.items) {
            work.push(Task {
                o: o.below("items", &**a),
                n: n.below("items", &**b),
                dir,
                label: label.suffixed("[]"),
                ops: ops.clone(),
            });
        }
        for (a, b) in members(old, new, &o, &n).matched {
            let label = Label::pair(
                a.def_name().unwrap_or_default(),
                b.def_name().unwrap_or_default(),
            );
            work.push(Task {
                o: a,
                n: b,
                dir,
                label,
                ops: BTreeSet::new(),
            });
        }
    }
}

/// Whether a schema position is read-only: `readOnly` written there (beside a `$ref` too),
/// else the referenced schema's.
pub(crate) fn read_only(ix: &Index, site: &At<Schema>) -> bool {
    ix.set.read_only(site.file, site.v)
}
