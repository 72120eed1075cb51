//! Definitions of the entry files that no operation reaches, on either side: the only place a
//! definition's *name* still matters, because nothing else pairs them. Such a definition
//! present on both sides under one name is compared (its changes break nobody); one only the
//! old side has is `RemovedDefinition`, one only the new side has `AddedDefinition` — unless
//! the other side has an unreached definition of exactly the same shape under another name
//! (a rename, which only the Rust layer sees). A reached definition is never reported by
//! name: its content is compared where the operations use it.

use std::collections::BTreeSet;

use super::differ::Differ;
use super::index::Index;
use super::label::Label;
use super::located::{flatten, At};
use super::rules;
use super::Dir;
use crate::swagger::Schema;

/// A cheap fingerprint of a definition's shape: its type and its property names.
fn signature(ix: &Index, def: &At<Schema>) -> (Option<String>, Vec<String>) {
    let props = flatten(ix.set, def, "").props.into_keys().collect();
    (def.v.ty.clone(), props)
}

impl Differ<'_> {
    /// Pairs or reports the definitions no operation reaches.
    pub fn unreached(&mut self) {
        let (old, new) = (self.old, self.new);
        let unused = |ix: &Index, name: &String| {
            ix.entry_defs[name]
                .target()
                .is_some_and(|t| !ix.used.contains(&t))
        };
        let mut removed = Vec::new();
        for (name, o) in &old.entry_defs {
            if !unused(old, name) {
                continue;
            }
            match new.entry_defs.get(name) {
                Some(n) if unused(new, name) => {
                    self.pairs.add(
                        o.clone(),
                        n.clone(),
                        Dir::NONE,
                        Label::same(name.clone()),
                        BTreeSet::new(),
                    );
                }
                Some(_) => {}
                None => removed.push(o.clone()),
            }
        }
        let mut added: Vec<_> = new
            .entry_defs
            .iter()
            .filter(|(name, _)| unused(new, name) && !old.entry_defs.contains_key(*name))
            .map(|(_, n)| n.clone())
            .collect();
        for o in removed {
            // Only a definition with the same type and property names can be a twin: the full
            // comparison runs on those alone.
            let sig = signature(old, &o);
            let twin = added.iter().position(|n| {
                signature(new, n) == sig && Differ::equivalent(old, new, o.clone(), n.clone())
            });
            if let Some(i) = twin {
                added.remove(i);
                continue;
            }
            let name = o.def_name().unwrap_or_default();
            self.emit(
                &rules::REMOVED_DEFINITION,
                false,
                Some(o.loc()),
                None,
                format!("Definition `{name}` was removed."),
            );
        }
        for n in added {
            let name = n.def_name().unwrap_or_default();
            self.emit(
                &rules::ADDED_DEFINITION,
                false,
                None,
                Some(n.loc()),
                format!("Definition `{name}` was added."),
            );
        }
    }
}
