//! One side's typed model, indexed for comparison: operations by path shape and method, the
//! union members of each discriminated base (keyed by discriminator value), the definitions
//! the operations reach, and the entry files' definitions (for the few rules about
//! definitions no operation reaches).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::located::{flatten, resolve, resolve_parameter, resolve_response, At, Extra};
use super::side::path_shape;
use super::OpKey;
use crate::load::{escape_token, resolve_ref, SpecSet, Target};
use crate::swagger::{Method, Operation, Parameter, Schema};

/// One operation of a side.
pub(crate) struct Op<'a> {
    /// Document that defines it.
    pub file: &'a str,
    /// Path template as written.
    pub path: &'a str,
    /// The method.
    pub method: Method,
    /// The operation object.
    pub op: &'a Operation,
    /// Path-level `parameters`.
    pub path_params: &'a [Parameter],
}

impl<'a> Op<'a> {
    /// JSON pointer of the path item.
    pub fn path_pointer(&self) -> String {
        format!("/paths/{}", escape_token(self.path))
    }

    /// JSON pointer of the operation object.
    pub fn pointer(&self) -> String {
        format!("{}/{}", self.path_pointer(), self.method)
    }

    /// The operation, located.
    pub fn at(&self) -> At<'a, Operation> {
        At::new(self.file, self.pointer(), self.op)
    }

    /// `operationId`, or `METHOD path` when it has none.
    pub fn id(&self) -> String {
        self.op
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{} {}", self.method.as_str().to_uppercase(), self.path))
    }

    /// Every parameter as listed (path level first), located where it is listed.
    pub fn parameters(&self) -> Vec<At<'a, Parameter>> {
        let path = self.path_params.iter().enumerate().map(|(i, p)| {
            At::new(
                self.file,
                format!("{}/parameters/{i}", self.path_pointer()),
                p,
            )
        });
        let own = self
            .op
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| At::new(self.file, format!("{}/parameters/{i}", self.pointer()), p));
        path.chain(own).collect()
    }

    /// The schema positions the operation sends (`true`) and receives (`false`): parameter
    /// types and the body, response bodies and headers.
    pub fn schema_sites(&self, set: &'a SpecSet) -> Vec<(At<'a, Schema>, bool)> {
        let mut out = Vec::new();
        for p in self.parameters() {
            let Ok((p, _)) = resolve_parameter(set, &p) else {
                continue;
            };
            match &p.v.schema {
                Some(s) => out.push((p.below("schema", s), true)),
                None => out.push((At::new(p.file, p.ptr.clone(), &p.v.ty), true)),
            }
        }
        let at = self.at();
        for (code, r) in self.op.responses.iter().flatten() {
            let r = resolve_response(
                set,
                &at.below(&format!("responses/{}", escape_token(code)), r),
            );
            if let Some(s) = &r.v.schema {
                out.push((r.below("schema", s), false));
            }
            for (name, h) in &r.v.headers {
                out.push((
                    r.below(&format!("headers/{}", escape_token(name)), h),
                    false,
                ));
            }
        }
        out
    }
}

/// A side's documents, indexed.
pub(crate) struct Index<'a> {
    /// The documents.
    pub set: &'a SpecSet,
    /// Operations by path shape and method.
    pub ops: BTreeMap<OpKey, Op<'a>>,
    /// Path shape → (file, path template).
    pub paths: BTreeMap<String, (&'a str, &'a str)>,
    /// Definition → the definitions that list it in `allOf`.
    children: HashMap<Target, Vec<Target>>,
    /// Definitions the operations reach (bodies, properties, `allOf` ancestors, union
    /// members, transitively).
    pub used: HashSet<Target>,
    /// The entry files' definitions by name (the first, when two files define one name).
    pub entry_defs: BTreeMap<String, At<'a, Schema>>,
}

impl<'a> Index<'a> {
    /// Indexes a loaded set.
    pub fn build(set: &'a SpecSet) -> Index<'a> {
        let mut ix = Index {
            set,
            ops: BTreeMap::new(),
            paths: BTreeMap::new(),
            children: HashMap::new(),
            used: HashSet::new(),
            entry_defs: BTreeMap::new(),
        };
        ix.index_definitions();
        ix.index_operations();
        ix.reach();
        ix
    }

    fn index_definitions(&mut self) {
        for (file, doc) in &self.set.models {
            for (name, def) in &doc.definitions {
                let child = Target {
                    file: file.clone(),
                    pointer: format!("/definitions/{}", escape_token(name)),
                };
                for r in def
                    .all_of
                    .iter()
                    .flatten()
                    .filter_map(|p| p.reference.as_ref())
                {
                    let parent = resolve_ref(file, r);
                    self.children.entry(parent).or_default().push(child.clone());
                }
            }
        }
        for v in self.children.values_mut() {
            v.sort();
        }
        for file in &self.set.entries {
            let Some((file, doc)) = self.set.models.get_key_value(file) else {
                continue;
            };
            for (name, def) in &doc.definitions {
                let at = At::new(
                    file.as_str(),
                    format!("/definitions/{}", escape_token(name)),
                    def,
                );
                self.entry_defs.entry(name.clone()).or_insert(at);
            }
        }
    }

    fn index_operations(&mut self) {
        let set = self.set;
        for file in &set.entries {
            let Some((file, doc)) = set.models.get_key_value(file) else {
                continue;
            };
            for (path, item) in &doc.paths {
                let shape = path_shape(path);
                self.paths
                    .entry(shape.clone())
                    .or_insert((file.as_str(), path.as_str()));
                for (method, op) in &item.operations {
                    self.ops
                        .entry((shape.clone(), method.as_str().to_string()))
                        .or_insert(Op {
                            file,
                            path,
                            method: *method,
                            op,
                            path_params: &item.parameters,
                        });
                }
            }
        }
    }

    /// Marks every definition an operation reaches.
    fn reach(&mut self) {
        let set = self.set;
        let mut work: Vec<At<'a, Schema>> = self
            .ops
            .values()
            .flat_map(|op| op.schema_sites(set))
            .map(|(s, _)| s)
            .collect();
        let mut seen = HashSet::new();
        while let Some(site) = work.pop() {
            let Ok(body) = resolve(set, &site) else {
                continue;
            };
            if !seen.insert(body.loc()) {
                continue;
            }
            self.used.extend(body.target());
            let flat = flatten(set, &body, "");
            self.used.extend(flat.parents.iter().filter_map(At::target));
            work.extend(flat.props.into_values().map(|p| p.at));
            if let Some((Extra::Values(v), _)) = flat.extra {
                work.push(v);
            }
            if let Some(items) = &body.v.items {
                work.push(body.below("items", &**items));
            }
            work.extend(self.variants(&body).into_values());
        }
    }

    /// The members of a discriminated union (a definition with its own `discriminator`): its
    /// transitive `allOf` descendants, keyed by discriminator value (`x-ms-discriminator-value`,
    /// else the definition's name). Empty for any other schema.
    pub fn variants(&self, base: &At<'a, Schema>) -> BTreeMap<String, At<'a, Schema>> {
        let mut out = BTreeMap::new();
        let Some(t) = base.target().filter(|_| base.v.discriminator.is_some()) else {
            return out;
        };
        let mut seen = HashSet::new();
        let mut stack = vec![t];
        while let Some(t) = stack.pop() {
            for c in self.children.get(&t).into_iter().flatten() {
                if !seen.insert(c.clone()) {
                    continue;
                }
                stack.push(c.clone());
                let Some((file, s)) = self.definition(c) else {
                    continue;
                };
                let at = At::new(file, c.pointer.clone(), s);
                if let Some(v) = self.discriminator_value(&at) {
                    out.entry(v).or_insert(at);
                }
            }
        }
        out
    }

    /// A definition by target.
    fn definition(&self, t: &Target) -> Option<(&'a str, &'a Schema)> {
        let (file, doc) = self.set.models.get_key_value(&t.file)?;
        Some((file.as_str(), doc.schema_at(&t.pointer)?))
    }

    /// The discriminator value of a union member: `x-ms-discriminator-value`, else its
    /// definition name; `None` when it is no union member (no `allOf` ancestor has a
    /// `discriminator`, and it is no base naming its own value).
    pub fn discriminator_value(&self, body: &At<'a, Schema>) -> Option<String> {
        let name = body.def_name()?;
        let own_base = body.v.discriminator.is_some() && body.v.discriminator_value.is_some();
        let member = own_base
            || flatten(self.set, body, "")
                .parents
                .iter()
                .any(|p| p.v.discriminator.is_some());
        member.then(|| body.v.discriminator_value.clone().unwrap_or(name))
    }
}
