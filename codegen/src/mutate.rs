//! Seeded mutation campaign: single random mutations of a loaded package, each run through the
//! load checks, normalize and every emitter. The generator must either generate or reject with
//! an error naming a file and a JSON pointer; it must never panic. (A stack overflow aborts the
//! process instead of panicking: `cargo xtask mutate` runs mutants in child processes so it can
//! count those too; `codegen/tests/mutation_campaign.rs` runs a few hundred in CI.)
//!
//! Mutation classes ([`Class`]), chosen round-robin, the site chosen by the seeded RNG: delete
//! a key, retype a value, break a `$ref`, make a `$ref` cycle, add a second success response,
//! move a path parameter to another location, drop one, rename a template variable, an
//! unknown `final-state-via`, an enum value that is a Rust keyword or not an identifier.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::{json, Value};

use crate::ir::{Api, Kind, Operation, Ty, TypeDef};
use crate::load::{escape_token, resolve_ref, SpecSet};

/// What a mutant changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Delete one key of an object.
    DeleteKey,
    /// Replace a value by one of another JSON type.
    RetypeValue,
    /// Point a `$ref` at something that does not exist.
    BreakRef,
    /// A `$ref` to itself, or two definitions that are `$ref`s to each other.
    CycleRef,
    /// Add a second 2xx response (with or without a body).
    SecondSuccess,
    /// Change a path parameter's `in`.
    MovePathParam,
    /// Remove a path parameter.
    DropPathParam,
    /// Rename a `{variable}` of a path template.
    RenameTemplate,
    /// An unknown `final-state-via`.
    BadFinalState,
    /// An enum value that is `Self`, empty, a keyword or starts with a digit.
    EnumKeyword,
}

/// Every class, in round-robin order.
pub const CLASSES: &[Class] = &[
    Class::DeleteKey,
    Class::RetypeValue,
    Class::BreakRef,
    Class::CycleRef,
    Class::SecondSuccess,
    Class::MovePathParam,
    Class::DropPathParam,
    Class::RenameTemplate,
    Class::BadFinalState,
    Class::EnumKeyword,
];

/// splitmix64: small, seedable, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'v, T>(&mut self, v: &'v [T]) -> Option<&'v T> {
        (!v.is_empty()).then(|| &v[self.below(v.len())])
    }
}

/// One mutated package.
pub struct Mutant {
    /// Index in the campaign.
    pub index: u64,
    /// What was changed.
    pub class: Class,
    /// Where: `file#pointer`.
    pub site: String,
    /// The mutated document (its key in the set).
    pub file: String,
    /// The mutated package.
    pub set: SpecSet,
}

/// What the generator did with a mutant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Generated every file.
    Generated,
    /// Rejected with this error.
    Rejected(String),
    /// Panicked with this message (a bug).
    Panicked(String),
}

/// Whether an error message names a spec file and a JSON pointer in it (`x.json#/a/b`, or
/// `x.json#` for the whole document).
pub fn names_location(msg: &str) -> bool {
    msg.match_indices(".json#").any(|(i, m)| {
        matches!(
            msg[i + m.len()..].chars().next(),
            Some('/') | Some(':') | Some(' ') | None
        )
    })
}

/// Nodes of one document, by kind, as JSON pointers (skipping `x-ms-examples`).
#[derive(Default)]
struct Sites {
    objects: Vec<String>,
    all: Vec<String>,
    refs: Vec<String>,
    enums: Vec<String>,
}

fn walk(v: &Value, here: &mut String, s: &mut Sites) {
    if !here.is_empty() {
        s.all.push(here.clone());
    }
    match v {
        Value::Object(m) => {
            if !m.is_empty() {
                s.objects.push(here.clone());
            }
            if m.get("$ref").is_some_and(Value::is_string) {
                s.refs.push(here.clone());
            }
            if m.get("enum").is_some_and(Value::is_array) {
                s.enums.push(format!("{here}/enum"));
            }
            for (k, c) in m {
                if k == "x-ms-examples" {
                    continue;
                }
                let len = here.len();
                here.push('/');
                here.push_str(&escape_token(k));
                walk(c, here, s);
                here.truncate(len);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                let len = here.len();
                here.push_str(&format!("/{i}"));
                walk(c, here, s);
                here.truncate(len);
            }
        }
        _ => {}
    }
}

/// Operations of a document: `(path, method)`.
fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (p, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (m, _) in item.as_object().into_iter().flatten() {
            if m != "parameters" {
                out.push((p.clone(), m.clone()));
            }
        }
    }
    out
}

fn op_pointer(path: &str, method: &str) -> String {
    format!("/paths/{}/{method}", escape_token(path))
}

/// Path parameters of a document: `(pointer of the parameter entry, resolved parameter)`.
fn path_params(set: &SpecSet, file: &str) -> Vec<(String, Value)> {
    let doc = &set.docs[file];
    let mut out = Vec::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (m, op) in item.as_object().into_iter().flatten() {
            let (arr, base) = if m == "parameters" {
                (
                    Some(op),
                    format!("/paths/{}/parameters", escape_token(path)),
                )
            } else {
                (
                    op.get("parameters"),
                    format!("{}/parameters", op_pointer(path, m)),
                )
            };
            for (i, p) in arr
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let resolved = match p.get("$ref").and_then(Value::as_str) {
                    Some(r) => set.get(&resolve_ref(file, r)).cloned(),
                    None => Some(p.clone()),
                };
                if let Some(r) = resolved.filter(|r| r.get("in") == Some(&json!("path"))) {
                    out.push((format!("{base}/{i}"), r));
                }
            }
        }
    }
    out
}

/// Builds mutant `index` of campaign `seed` from `base`. `None` when the chosen class has no
/// site in the chosen file (rare; the caller skips it).
pub fn mutant(base: &SpecSet, seed: u64, index: u64) -> Option<Mutant> {
    let mut rng = Rng(seed ^ index.wrapping_mul(0xA076_1D64_78BD_642F));
    let class = CLASSES[(index % CLASSES.len() as u64) as usize];
    let file = rng.pick(&base.entries)?.clone();
    let mut set = base.clone();
    let mut sites = Sites::default();
    walk(&set.docs[&file], &mut String::new(), &mut sites);
    let ops = operations(&set.docs[&file]);
    let doc = set.docs.get_mut(&file)?;
    let pointer = match class {
        Class::DeleteKey => {
            let at = rng.pick(&sites.objects)?.clone();
            let m = doc.pointer_mut(&at)?.as_object_mut()?;
            let key = m.keys().nth(rng.below(m.len()))?.clone();
            m.shift_remove(&key);
            format!("{at}/{}", escape_token(&key))
        }
        Class::RetypeValue => {
            let at = rng.pick(&sites.all)?.clone();
            let v = doc.pointer_mut(&at)?;
            let choices = [
                json!("x"),
                json!(42),
                json!(true),
                Value::Null,
                json!([]),
                json!({}),
            ];
            let other: Vec<&Value> = choices
                .iter()
                .filter(|c| std::mem::discriminant(*c) != std::mem::discriminant(v))
                .collect();
            *v = (*rng.pick(&other)?).clone();
            at
        }
        Class::BreakRef => {
            let at = rng.pick(&sites.refs)?.clone();
            let targets = [
                "#/definitions/DoesNotExist",
                "missing.json#/definitions/X",
                "",
                "#",
                "#/paths",
                "#/definitions/",
            ];
            doc.pointer_mut(&at)?["$ref"] = json!(*rng.pick(&targets)?);
            format!("{at}/$ref")
        }
        Class::CycleRef => {
            let defs: Vec<String> = doc
                .get("definitions")
                .and_then(Value::as_object)
                .map(|d| d.keys().cloned().collect())
                .unwrap_or_default();
            match rng.below(3) {
                0 => {
                    let at = rng.pick(&sites.refs)?.clone();
                    doc.pointer_mut(&at)?["$ref"] = json!(format!("#{at}"));
                    format!("{at}/$ref")
                }
                1 => {
                    let d = escape_token(rng.pick(&defs)?);
                    let at = format!("/definitions/{d}");
                    *doc.pointer_mut(&at)? = json!({"$ref": format!("#{at}")});
                    at
                }
                _ => {
                    let a = escape_token(rng.pick(&defs)?);
                    let b = escape_token(rng.pick(&defs)?);
                    *doc.pointer_mut(&format!("/definitions/{a}"))? =
                        json!({"$ref": format!("#/definitions/{b}")});
                    *doc.pointer_mut(&format!("/definitions/{b}"))? =
                        json!({"$ref": format!("#/definitions/{a}")});
                    format!("/definitions/{a}")
                }
            }
        }
        Class::SecondSuccess => {
            let (p, m) = rng.pick(&ops)?.clone();
            let at = format!("{}/responses", op_pointer(&p, &m));
            let defs: Vec<String> = doc
                .get("definitions")
                .and_then(Value::as_object)
                .map(|d| d.keys().cloned().collect())
                .unwrap_or_default();
            let body = match rng.pick(&defs) {
                Some(d) if rng.below(2) == 0 => {
                    json!({"description": "x", "schema": {"$ref": format!("#/definitions/{}", escape_token(d))}})
                }
                _ => json!({"description": "x"}),
            };
            let responses = doc.pointer_mut(&at)?.as_object_mut()?;
            let code = ["200", "201", "202", "204", "203"]
                .into_iter()
                .find(|c| !responses.contains_key(*c))?;
            responses.insert(code.to_string(), body);
            format!("{at}/{code}")
        }
        Class::MovePathParam | Class::DropPathParam => {
            let pps = path_params(&set, &file);
            let (at, resolved) = rng.pick(&pps)?.clone();
            let doc = set.docs.get_mut(&file)?;
            if class == Class::MovePathParam {
                let mut moved = resolved;
                moved["in"] = json!(*rng.pick(&["query", "header", "body", "formData", "cookie"])?);
                *doc.pointer_mut(&at)? = moved;
            } else {
                let (arr, i) = at.rsplit_once('/')?;
                doc.pointer_mut(arr)?
                    .as_array_mut()?
                    .remove(i.parse().ok()?);
            }
            at
        }
        Class::RenameTemplate => {
            let templated: Vec<&(String, String)> =
                ops.iter().filter(|(p, _)| p.contains('{')).collect();
            let (p, _) = (*rng.pick(&templated)?).clone();
            let vars: Vec<&str> = p
                .split('{')
                .skip(1)
                .filter_map(|s| s.split_once('}').map(|x| x.0))
                .collect();
            let var = *rng.pick(&vars)?;
            let renamed = p.replacen(&format!("{{{var}}}"), &format!("{{{var}X}}"), 1);
            let paths = doc.get_mut("paths")?.as_object_mut()?;
            let item = paths.shift_remove(&p)?;
            paths.insert(renamed.clone(), item);
            format!("/paths/{}", escape_token(&renamed))
        }
        Class::BadFinalState => {
            let (p, m) = rng.pick(&ops)?.clone();
            let at = op_pointer(&p, &m);
            let op = doc.pointer_mut(&at)?.as_object_mut()?;
            op.insert("x-ms-long-running-operation".into(), json!(true));
            let value = rng
                .pick(&[json!("bogus"), json!(42), Value::Null, json!("")])?
                .clone();
            op.insert(
                "x-ms-long-running-operation-options".into(),
                json!({ "final-state-via": value }),
            );
            format!("{at}/x-ms-long-running-operation-options/final-state-via")
        }
        Class::EnumKeyword => {
            let at = rng.pick(&sites.enums)?.clone();
            let value = *rng.pick(&["Self", "self", "", "1st", "type", "Other", "-"])?;
            doc.pointer_mut(&at)?.as_array_mut()?.push(json!(value));
            at
        }
    };
    Some(Mutant {
        index,
        class,
        site: format!("{file}#{pointer}"),
        file,
        set,
    })
}

fn named(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::Named(n) => out.push(n.clone()),
        Ty::Array(t) | Ty::Map(t) => named(t, out),
        _ => {}
    }
}

/// Named types a type definition mentions.
fn mentions(def: &TypeDef) -> Vec<String> {
    let mut out = Vec::new();
    let props = |ps: &[crate::ir::Prop], out: &mut Vec<String>| {
        ps.iter().for_each(|p| named(&p.ty, out));
    };
    match &def.kind {
        Kind::Struct {
            props: ps,
            additional,
            ..
        } => {
            props(ps, &mut out);
            additional.iter().for_each(|t| named(t, &mut out));
        }
        Kind::Union { variants, base, .. } => {
            out.extend(variants.iter().map(|(_, v)| v.clone()));
            props(base, &mut out);
        }
        Kind::Alias(t) => named(t, &mut out),
        Kind::Enum { .. } => {}
    }
    out
}

/// The part of `api` that differs from `baseline` (operations and types not equal to the
/// unmutated package's), with every type it mentions, transitively. `None` when nothing
/// differs. The emitters run on this slice: what is equal to the baseline was generated from
/// the baseline already and emits the same code, so re-emitting it only costs time.
pub fn affected_slice(baseline: &Api, api: &Api) -> Option<Api> {
    let operations: Vec<Operation> = api
        .operations
        .iter()
        .filter(|o| !baseline.operations.contains(o))
        .cloned()
        .collect();
    let mut todo: Vec<String> = api
        .types
        .iter()
        .filter(|(n, d)| baseline.types.get(*n) != Some(*d))
        .map(|(n, _)| n.clone())
        .collect();
    if operations.is_empty() && todo.is_empty() {
        return None;
    }
    for op in &operations {
        op.params.iter().for_each(|p| named(&p.ty, &mut todo));
        op.responses
            .iter()
            .filter_map(|r| r.body.as_ref())
            .for_each(|t| named(t, &mut todo));
        op.error.iter().for_each(|t| named(t, &mut todo));
    }
    let mut types = BTreeMap::new();
    while let Some(n) = todo.pop() {
        if types.contains_key(&n) {
            continue;
        }
        if let Some(d) = api.types.get(&n) {
            todo.extend(mentions(d));
            types.insert(n, d.clone());
        }
    }
    Some(Api {
        operations,
        types,
        ..api.clone()
    })
}

/// Runs the generator on a mutant: `$ref` checks, normalize (whole package), then every
/// emitter and the formatter on the [`affected_slice`] against `baseline` (the unmutated
/// package, normalized). Panics are caught and reported as [`Outcome::Panicked`], including
/// those [`crate::guard`] turned into errors.
pub fn run(m: &Mutant, baseline: &Api) -> Outcome {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut set = m.set.clone();
        set.check_refs()?;
        set.reread(&m.file)?;
        let api = crate::normalize::normalize(&set, &baseline.version)?;
        match affected_slice(baseline, &api) {
            Some(slice) => crate::emit_version(&slice, "vmutant").map(|_| ()),
            None => Ok(()),
        }
    }));
    match result {
        Ok(Ok(())) => Outcome::Generated,
        Ok(Err(e)) if e.to_string().contains(crate::guard::PANICKED) => {
            Outcome::Panicked(e.to_string())
        }
        Ok(Err(e)) => Outcome::Rejected(e.to_string()),
        Err(p) => Outcome::Panicked(
            p.downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default(),
        ),
    }
}

/// Campaign totals.
#[derive(Debug, Default)]
pub struct Tally {
    /// Mutants run.
    pub total: usize,
    /// Generated.
    pub generated: usize,
    /// Rejected with an error naming file and pointer.
    pub rejected: usize,
    /// Rejected without naming file and pointer: `site: class: message`.
    pub unlocated: Vec<String>,
    /// Panicked: `site: class: message`.
    pub panicked: Vec<String>,
    /// Aborted the process (only `cargo xtask mutate` can see these).
    pub aborted: Vec<String>,
    /// Per class: generated, rejected, unlocated, panicked + aborted.
    pub by_class: BTreeMap<String, [usize; 4]>,
}

impl Tally {
    /// Records one outcome.
    pub fn add(&mut self, class: Class, site: &str, outcome: &Outcome) {
        self.total += 1;
        let row = self.by_class.entry(format!("{class:?}")).or_default();
        match outcome {
            Outcome::Generated => {
                self.generated += 1;
                row[0] += 1;
            }
            Outcome::Rejected(e) if names_location(e) => {
                self.rejected += 1;
                row[1] += 1;
            }
            Outcome::Rejected(e) => {
                self.unlocated.push(format!("{site}: {class:?}: {e}"));
                row[2] += 1;
            }
            Outcome::Panicked(e) => {
                self.panicked.push(format!("{site}: {class:?}: {e}"));
                row[3] += 1;
            }
        }
    }

    /// Records a mutant that killed its process.
    pub fn abort(&mut self, class: &str, site: &str) {
        self.total += 1;
        self.aborted.push(format!("{site}: {class}: aborted"));
        self.by_class.entry(class.to_string()).or_default()[3] += 1;
    }

    /// A Markdown summary.
    pub fn report(&self) -> String {
        let mut s = format!(
            "| mutants | generated | rejected (file + pointer) | rejected without location | panicked | aborted |\n\
             |---:|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} | {} |\n\n\
             | class | generated | rejected | unlocated | panicked/aborted |\n|---|---:|---:|---:|---:|\n",
            self.total,
            self.generated,
            self.rejected,
            self.unlocated.len(),
            self.panicked.len(),
            self.aborted.len()
        );
        for (c, r) in &self.by_class {
            s.push_str(&format!(
                "| {c} | {} | {} | {} | {} |\n",
                r[0], r[1], r[2], r[3]
            ));
        }
        for line in self
            .unlocated
            .iter()
            .chain(&self.panicked)
            .chain(&self.aborted)
            .take(20)
        {
            s.push_str(&format!("\n- {line}"));
        }
        s
    }

    /// Whether the campaign passed: no panic, no abort, every rejection located.
    pub fn clean(&self) -> bool {
        self.unlocated.is_empty() && self.panicked.is_empty() && self.aborted.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_is_recognised() {
        assert!(names_location("a/b.json#/paths/~1x/get: bad"));
        assert!(names_location("a/b.json#: not an object"));
        assert!(!names_location("internal: emitted code does not parse"));
        assert!(!names_location("see b.json#definitions"));
    }

    #[test]
    fn mutants_are_deterministic_and_cover_every_class() {
        let doc = json!({"swagger": "2.0", "info": {"title": "t", "version": "1"},
            "paths": {"/a/{x}": {"get": {"operationId": "A_Get",
                "x-ms-long-running-operation": true,
                "parameters": [{"name": "x", "in": "path", "required": true, "type": "string"}],
                "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/A"}}}}}},
            "definitions": {"A": {"properties": {"e": {"type": "string", "enum": ["a"]},
                                                   "b": {"$ref": "#/definitions/B"}}},
                            "B": {"type": "string"}}});
        let set = SpecSet::new(
            std::path::Path::new(""),
            vec!["a.json".into()],
            BTreeMap::from([("a.json".to_string(), doc)]),
            Default::default(),
        )
        .unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..60 {
            let a = mutant(&set, 7, i).expect("every class has a site here");
            let b = mutant(&set, 7, i).unwrap();
            assert_eq!(a.site, b.site);
            assert_eq!(a.set.docs, b.set.docs);
            assert_ne!(a.set.docs, set.docs, "{:?} changed nothing", a.class);
            seen.insert(a.class);
        }
        assert_eq!(seen.len(), CLASSES.len());
    }
}
