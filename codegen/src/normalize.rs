//! Stage 2, *normalize*: turns a loaded [`SpecSet`] into the [`crate::ir::Api`] the emitters read.
//! It reads the typed model ([`crate::swagger`]), never the raw JSON.
//!
//! What happens here, and why:
//! - Every definition and every inline schema gets one stable, unique Rust name. Definitions
//!   keep their spec name (UpperCamel); a definition of a common-types file whose name is taken
//!   by a different definition of the package gets a `Common` prefix; definitions with the same
//!   name *and* the same content (e.g. `PartialSku` in two files) share one type. Inline schemas
//!   are named `{Parent}{Property}` (or from `x-ms-enum.name`), and when that name is taken by
//!   a *different* schema a numeric suffix is added — two inline schemas never share a name
//!   with different fields (progenitor/typify silently drop fields in that case).
//! - `allOf` parents are flattened into each child's properties; a definition with a
//!   `discriminator` becomes a [`Kind::Union`] over all its (transitive) children, keyed by
//!   `x-ms-discriminator-value` (or the child's name).
//! - `api-version` is removed from every operation: the client adds it.
//! - Only types reachable from operations are kept.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::ir::*;
use crate::load::{escape_token, resolve_ref, unescape_token, SpecSet, Target};
use crate::names::{snake, unique, upper_camel};
use crate::swagger::{self, AdditionalProperties, Node, ParamLocation, Schema, MAX_DEPTH};
use crate::Error;

struct Normalizer<'a> {
    set: &'a SpecSet,
    /// Rust name of every definition target.
    def_names: BTreeMap<Target, String>,
    /// Direct `allOf` children of each definition.
    children: BTreeMap<Target, Vec<Target>>,
    /// All names in use.
    taken: BTreeSet<String>,
    types: BTreeMap<String, TypeDef>,
    queue: VecDeque<Target>,
    queued: BTreeSet<String>,
    /// Every definition target used, with its Rust name (several targets may share one
    /// type when their content is identical).
    reached: BTreeMap<String, String>,
    /// Hoisted inline schemas by spec location, so one schema is one type however it is
    /// reached (directly, or inherited through `allOf`).
    inline: BTreeMap<String, String>,
    /// Non-definition `$ref` targets being inlined right now (cycle guard).
    inlining: Vec<Target>,
}

fn err(file: &str, pointer: &str, msg: impl std::fmt::Display) -> Error {
    Error::new(format!("{file}#{pointer}: {msg}"))
}

/// A description as rustdoc: trimmed, `None` when empty.
fn doc_of(d: Option<&str>) -> Option<String> {
    let d = d?.trim();
    (!d.is_empty()).then(|| d.to_string())
}

/// An `additionalProperties` that types the values (not `{}`, `true` or `false`).
fn typed_values(ap: Option<&AdditionalProperties>) -> Option<&Schema> {
    match ap {
        Some(AdditionalProperties::Schema(s)) if **s != Schema::default() => Some(s),
        _ => None,
    }
}

/// `additionalProperties: true` or `{}`: values of any type.
fn any_values(ap: Option<&AdditionalProperties>) -> bool {
    matches!(
        ap,
        Some(AdditionalProperties::Bool(true)) | Some(AdditionalProperties::Schema(_))
    )
}

impl<'a> Normalizer<'a> {
    fn new(set: &'a SpecSet) -> Self {
        Normalizer {
            set,
            def_names: BTreeMap::new(),
            children: BTreeMap::new(),
            taken: BTreeSet::new(),
            types: BTreeMap::new(),
            queue: VecDeque::new(),
            queued: BTreeSet::new(),
            reached: BTreeMap::new(),
            inline: BTreeMap::new(),
            inlining: Vec::new(),
        }
    }

    /// Names every definition of every loaded document and indexes `allOf` children.
    fn index_definitions(&mut self) {
        // Package files first (configured order), then the rest (sorted): package names win.
        let mut order: Vec<&String> = self.set.entries.iter().collect();
        let mut others: Vec<&String> = self
            .set
            .models
            .keys()
            .filter(|k| !self.set.entries.contains(k))
            .collect();
        others.sort();
        order.extend(others);
        let mut by_name: BTreeMap<String, Vec<Target>> = BTreeMap::new();
        for file in order {
            for (name, def) in &self.set.models[file].definitions {
                let target = Target {
                    file: file.clone(),
                    pointer: format!("/definitions/{}", escape_token(name)),
                };
                let base = upper_camel(name);
                // Same name, same content: one type.
                let same = by_name
                    .get(&base)
                    .and_then(|ts| ts.iter().find(|t| self.set.schema(t) == Some(def)).cloned());
                let rust = match same {
                    Some(t) => self.def_names[&t].clone(),
                    None if !self.taken.contains(&base) => {
                        self.taken.insert(base.clone());
                        base.clone()
                    }
                    None => unique(format!("Common{base}"), "", &mut self.taken),
                };
                by_name.entry(base).or_default().push(target.clone());
                for parent in def.all_of.iter().flatten() {
                    if let Some(r) = &parent.reference {
                        let p = resolve_ref(file, r);
                        self.children.entry(p).or_default().push(target.clone());
                    }
                }
                self.def_names.insert(target, rust);
            }
        }
    }

    /// The Rust name of a definition target, queuing it for emission.
    fn use_def(&mut self, t: &Target, site: (&str, &str)) -> Result<Ty, Error> {
        let Some(node) = self.set.node(t) else {
            if self.set.get(t).is_none() && self.set.is_tolerated(t) {
                return Ok(Ty::Any);
            }
            return Err(err(site.0, site.1, format!("broken $ref to {t}")));
        };
        let Some(name) = self.def_names.get(t).cloned() else {
            // A $ref to something other than a definition: inline it (unless that comes back
            // here, which would never end).
            if self.inlining.contains(t) {
                return Err(err(
                    site.0,
                    site.1,
                    format!("$ref cycle through {t} never reaches a schema"),
                ));
            }
            let s = match node {
                Node::Schema(s) => s.clone(),
                Node::Parameter(p) => p.ty.clone(),
                Node::Response(_) => Schema::default(),
            };
            let hint = upper_camel(t.pointer.rsplit('/').next().unwrap_or("Inline"));
            self.inlining.push(t.clone());
            let ty = self.ty_of(&s, &t.file, &t.pointer, &hint);
            self.inlining.pop();
            return ty;
        };
        self.reached.insert(t.to_string(), name.clone());
        if self.queued.insert(name.clone()) {
            self.queue.push_back(t.clone());
        }
        Ok(Ty::Named(name))
    }

    /// The type of a schema; inline objects and enums are hoisted under `hint`.
    fn ty_of(&mut self, s: &Schema, file: &str, pointer: &str, hint: &str) -> Result<Ty, Error> {
        if let Some(r) = &s.reference {
            return self.use_def(&resolve_ref(file, r), (file, pointer));
        }
        Ok(match s.ty.as_deref() {
            Some("string") if s.enum_values.is_some() => {
                let key = format!("{file}#{pointer}");
                if let Some(n) = self.inline.get(&key) {
                    return Ok(Ty::Named(n.clone()));
                }
                let def = self.enum_def(s, file, pointer, hint)?;
                let n = self.intern(def);
                self.inline.insert(key, n.clone());
                Ty::Named(n)
            }
            Some("string") | Some("file") => Ty::String,
            Some("integer") => match s.format.as_deref() {
                Some("int32") => Ty::I32,
                _ => Ty::I64,
            },
            Some("number") => Ty::F64,
            Some("boolean") => Ty::Bool,
            Some("array") => {
                let items = s
                    .items
                    .as_deref()
                    .ok_or_else(|| err(file, pointer, "array without items"))?;
                let p = format!("{pointer}/items");
                Ty::Array(Box::new(self.ty_of(
                    items,
                    file,
                    &p,
                    &format!("{hint}Item"),
                )?))
            }
            Some("object") | None => {
                if s.properties.is_some() || s.all_of.is_some() {
                    let key = format!("{file}#{pointer}");
                    if let Some(n) = self.inline.get(&key) {
                        return Ok(Ty::Named(n.clone()));
                    }
                    let def = self.struct_def(s, file, pointer, hint, None)?;
                    let n = self.intern(def);
                    self.inline.insert(key, n.clone());
                    Ty::Named(n)
                } else if let Some(values) = typed_values(s.additional_properties.as_ref()) {
                    let p = format!("{pointer}/additionalProperties");
                    Ty::Map(Box::new(self.ty_of(
                        values,
                        file,
                        &p,
                        &format!("{hint}Value"),
                    )?))
                } else if any_values(s.additional_properties.as_ref()) {
                    Ty::Map(Box::new(Ty::Any))
                } else {
                    Ty::Any
                }
            }
            Some(other) => return Err(err(file, pointer, format!("unsupported type {other:?}"))),
        })
    }

    /// Adds an inline type under its hinted name, reusing an identical one, else suffixing.
    fn intern(&mut self, mut def: TypeDef) -> String {
        let base = def.name.clone();
        for candidate in std::iter::once(base.clone()).chain((2..).map(|i| format!("{base}{i}"))) {
            match self.types.get(&candidate) {
                Some(existing) if same_shape(existing, &def) => return candidate,
                Some(_) => continue,
                None if self.taken.contains(&candidate) => continue,
                None => {
                    self.taken.insert(candidate.clone());
                    def.name = candidate.clone();
                    self.types.insert(candidate.clone(), def);
                    return candidate;
                }
            }
        }
        unreachable!("the candidate names are infinite")
    }

    fn enum_def(
        &mut self,
        s: &Schema,
        file: &str,
        pointer: &str,
        hint: &str,
    ) -> Result<TypeDef, Error> {
        let xe = s.x_ms_enum.as_ref();
        let name = xe
            .and_then(|x| x.name.as_deref())
            .map(upper_camel)
            .unwrap_or_else(|| hint.to_string());
        let open = xe.and_then(|x| x.model_as_string).unwrap_or(true);
        let descs: BTreeMap<String, String> = xe
            .into_iter()
            .flat_map(|x| &x.values)
            .filter_map(|v| Some((v.value.as_str()?.to_string(), v.description.clone()?)))
            .collect();
        let raw = s
            .enum_values
            .as_ref()
            .ok_or_else(|| err(file, pointer, "enum is not an array"))?;
        let mut taken = BTreeSet::from(["Other".to_string()]);
        let mut values = Vec::new();
        for v in raw {
            let wire = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if values.iter().any(|e: &EnumValue| e.wire == wire) {
                continue;
            }
            let rust = unique(upper_camel(&wire), "", &mut taken);
            values.push(EnumValue {
                doc: descs.get(&wire).cloned(),
                wire,
                rust,
            });
        }
        Ok(TypeDef {
            name,
            source: format!("{file}#{pointer}"),
            definition: None,
            doc: doc_of(s.description.as_deref()),
            kind: Kind::Enum { values, open },
        })
    }

    /// Properties of `s` including its `allOf` parents', parents first, child wins.
    /// Also collects the discriminator constants of ancestor unions.
    fn collect_props(
        &mut self,
        m: &Schema,
        file: &str,
        pointer: &str,
        owner: &str,
        out: &mut Collected,
        depth: usize,
    ) -> Result<(), Error> {
        if depth > MAX_DEPTH {
            return Err(err(
                file,
                pointer,
                format!("allOf nesting deeper than {MAX_DEPTH} (a cycle?)"),
            ));
        }
        for (i, parent) in m.all_of.iter().flatten().enumerate() {
            let p = format!("{pointer}/allOf/{i}");
            if let Some(r) = &parent.reference {
                let t = resolve_ref(file, r);
                let Some(pv) = self.set.schema(&t) else {
                    return Err(err(file, &p, format!("broken $ref to {t}")));
                };
                // Parents are models too (`Resource`, `…Schema` mixins), besides being
                // flattened into their children.
                self.use_def(&t, (file, &p))?;
                self.collect_props(pv, &t.file, &t.pointer, owner, out, depth + 1)?;
            } else {
                self.collect_props(parent, file, &p, owner, out, depth + 1)?;
            }
        }
        // Inline property types are named after the definition that declares them, not the
        // child that inherits them.
        let declaring = pointer
            .strip_prefix("/definitions/")
            .map(|rest| rest.split('/').next().unwrap_or_default())
            .and_then(|tok| {
                self.def_names
                    .get(&Target {
                        file: file.to_string(),
                        pointer: format!("/definitions/{tok}"),
                    })
                    .cloned()
            });
        let owner = declaring.as_deref().unwrap_or(owner);
        let Collected { props, discs } = out;
        let required: BTreeSet<&str> = m.required.iter().map(String::as_str).collect();
        if let Some(d) = &m.discriminator {
            // This ancestor is a union base: the discriminator is written as a constant.
            discs.retain(|(k, _)| k != d);
            discs.push((d.to_string(), String::new()));
        }
        for (wire, pv) in m.properties.iter().flatten() {
            let pp = format!("{pointer}/properties/{}", escape_token(wire));
            let hint = format!("{owner}{}", upper_camel(wire));
            let ty = self.ty_of(pv, file, &pp, &hint)?;
            let rust = pv
                .client_name
                .as_deref()
                .map(snake)
                .unwrap_or_else(|| snake(wire));
            let values_nullable = pv.items.as_deref().is_some_and(Schema::is_nullable)
                || matches!(&pv.additional_properties,
                    Some(AdditionalProperties::Schema(v)) if v.is_nullable());
            let prop = Prop {
                wire: wire.clone(),
                rust,
                ty,
                required: required.contains(wire.as_str()),
                read_only: self.set.read_only(file, pv),
                secret: pv.is_secret(),
                write_only: pv.is_write_only(),
                nullable: pv.is_nullable(),
                values_nullable,
                format: pv.format.clone(),
                boxed: false,
                redacted: false,
                default: pv.default.clone(),
                flatten: pv.client_flatten == Some(true),
                doc: doc_of(pv.description.as_deref()),
            };
            match props.iter_mut().find(|p| p.wire == *wire) {
                Some(existing) => *existing = prop,
                None => props.push(prop),
            }
        }
        // `required` may name inherited properties.
        for p in props.iter_mut() {
            if required.contains(p.wire.as_str()) {
                p.required = true;
            }
        }
        Ok(())
    }

    fn struct_def(
        &mut self,
        s: &Schema,
        file: &str,
        pointer: &str,
        name: &str,
        definition: Option<String>,
    ) -> Result<TypeDef, Error> {
        let mut out = Collected::default();
        self.collect_props(s, file, pointer, name, &mut out, 0)?;
        let Collected {
            mut props,
            mut discs,
        } = out;
        // Fill in this type's own discriminator value for each ancestor union.
        let value = s.discriminator_value.clone().or_else(|| definition.clone());
        let own_disc = s.discriminator.as_deref();
        discs.retain(|(k, _)| Some(k.as_str()) != own_disc);
        for (_, v) in discs.iter_mut() {
            *v = value.clone().unwrap_or_default();
        }
        props.retain(|p| !discs.iter().any(|(k, _)| *k == p.wire));
        // Deterministic, collision-free field names (`additional_properties` is the field
        // of `additionalProperties`).
        let mut taken = BTreeSet::new();
        if s.additional_properties.is_some() {
            taken.insert("additional_properties".to_string());
        }
        for p in props.iter_mut() {
            p.rust = unique(std::mem::take(&mut p.rust), "_", &mut taken);
        }
        let ap = s.additional_properties.as_ref();
        let additional = if let Some(values) = typed_values(ap) {
            let p = format!("{pointer}/additionalProperties");
            Some(self.ty_of(values, file, &p, &format!("{name}Value"))?)
        } else if any_values(ap) {
            Some(Ty::Any)
        } else {
            None
        };
        Ok(TypeDef {
            name: name.to_string(),
            source: format!("{file}#{pointer}"),
            definition,
            doc: doc_of(s.description.as_deref()),
            kind: Kind::Struct {
                props,
                discriminators: discs,
                additional,
            },
        })
    }

    /// The `discriminator` of the nearest `allOf` ancestor of schema `s` that has one.
    fn inherited_discriminator(&self, s: &Schema, file: &str, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        for parent in s.all_of.iter().flatten() {
            let Some(r) = &parent.reference else {
                continue;
            };
            let t = resolve_ref(file, r);
            let Some(pv) = self.set.schema(&t) else {
                continue;
            };
            if let Some(d) = &pv.discriminator {
                return Some(d.clone());
            }
            if let Some(d) = self.inherited_discriminator(pv, &t.file, depth + 1) {
                return Some(d);
            }
        }
        None
    }

    /// All transitive `allOf` children of `base`, in a stable order.
    fn descendants(&self, base: &Target) -> Vec<Target> {
        let mut out = Vec::new();
        let mut stack = vec![base.clone()];
        let mut seen = BTreeSet::new();
        while let Some(t) = stack.pop() {
            for c in self.children.get(&t).into_iter().flatten() {
                if seen.insert(c.clone()) {
                    out.push(c.clone());
                    stack.push(c.clone());
                }
            }
        }
        out.sort_by(|a, b| self.def_names[a].cmp(&self.def_names[b]));
        out
    }

    /// Emits the definition at `t` (already named).
    fn definition(&mut self, t: &Target) -> Result<(), Error> {
        let name = self.def_names[t].clone();
        let set = self.set;
        let m = set
            .schema(t)
            .ok_or_else(|| err(&t.file, &t.pointer, "expected a schema"))?;
        let def_name = unescape_token(t.pointer.rsplit('/').next().unwrap_or_default());
        // A union: a definition with a `discriminator`, or an intermediate class of a
        // discriminated hierarchy (it has children and an ancestor has the discriminator).
        let own_disc = m.discriminator.clone();
        let union_disc = own_disc.clone().or_else(|| {
            self.children
                .contains_key(t)
                .then(|| self.inherited_discriminator(m, &t.file, 0))
                .flatten()
        });
        let def = if m.reference.is_some() {
            // A definition that is only a `$ref`: another name for its target.
            let ty = self.ty_of(m, &t.file, &t.pointer, &format!("{name}Inner"))?;
            TypeDef {
                name: name.clone(),
                source: t.to_string(),
                definition: Some(def_name),
                doc: doc_of(m.description.as_deref()),
                kind: Kind::Alias(ty),
            }
        } else if let Some(d) = union_disc {
            let mut variants = Vec::new();
            // A base that carries its own value (or an intermediate class, whose value is
            // its own) is a variant of itself.
            let own = match (&own_disc, &m.discriminator_value) {
                (_, Some(own)) => Some(own.clone()),
                (None, _) => Some(def_name.clone()),
                _ => None,
            };
            if let Some(own) = own {
                let mut base = self.struct_def(
                    m,
                    &t.file,
                    &t.pointer,
                    &format!("{name}Base"),
                    Some(def_name.clone()),
                )?;
                base.name = format!("{name}Base");
                base.definition = None;
                variants.push((own, self.intern(base)));
            }
            // The base's own properties, for every variant and for unknown values.
            let mut out = Collected::default();
            self.collect_props(m, &t.file, &t.pointer, &name, &mut out, 0)?;
            let mut base = out.props;
            base.retain(|p| p.wire != d);
            let mut taken = BTreeSet::new();
            for p in base.iter_mut() {
                p.rust = unique(std::mem::take(&mut p.rust), "_", &mut taken);
            }
            for child in self.descendants(t) {
                let cv = set.schema(&child).expect("indexed");
                let value = cv.discriminator_value.clone().unwrap_or_else(|| {
                    child
                        .pointer
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_string()
                });
                let Ty::Named(vn) = self.use_def(&child, (&t.file, &t.pointer))? else {
                    unreachable!("definitions are named")
                };
                variants.push((value, vn));
            }
            TypeDef {
                name: name.clone(),
                source: t.to_string(),
                definition: Some(def_name),
                doc: doc_of(m.description.as_deref()),
                kind: Kind::Union {
                    discriminator: d.to_string(),
                    variants,
                    base,
                },
            }
        } else if m.is_string_enum() {
            let mut e = self.enum_def(m, &t.file, &t.pointer, &name)?;
            e.name = name.clone();
            e.definition = Some(def_name);
            e
        } else if m.properties.is_some()
            || m.all_of.is_some()
            || (m.ty.as_deref().is_none_or(|ty| ty == "object")
                && m.additional_properties.is_none())
        {
            self.struct_def(m, &t.file, &t.pointer, &name, Some(def_name))?
        } else {
            let ty = self.ty_of(m, &t.file, &t.pointer, &format!("{name}Inner"))?;
            TypeDef {
                name: name.clone(),
                source: t.to_string(),
                definition: Some(def_name),
                doc: doc_of(m.description.as_deref()),
                kind: Kind::Alias(ty),
            }
        };
        self.types.insert(name, def);
        Ok(())
    }

    /// Resolves a parameter (possibly a `$ref` into a `parameters` section).
    fn param(
        &mut self,
        p: &swagger::Parameter,
        file: &str,
        pointer: &str,
        op_hint: &str,
    ) -> Result<Option<Param>, Error> {
        let reached = self.set.follow(
            file,
            p,
            |p| p.reference.as_ref(),
            |n| match n {
                Node::Parameter(p) => Some(p),
                _ => None,
            },
        );
        let (p, file, pointer) = match reached {
            Ok(None) => (p, file.to_string(), pointer.to_string()),
            Ok(Some((f, ptr, p))) => (p, f.to_string(), ptr),
            Err(t) => {
                return Err(err(
                    file,
                    pointer,
                    format!("$ref to {t}, which is not a parameter"),
                ))
            }
        };
        let wire = p
            .name
            .as_deref()
            .ok_or_else(|| err(&file, &pointer, "parameter without name"))?;
        if wire == "api-version" {
            return Ok(None);
        }
        let location = match p.location {
            Some(ParamLocation::Path) => ParamIn::Path,
            Some(ParamLocation::Query) => ParamIn::Query,
            Some(ParamLocation::Header) => ParamIn::Header,
            Some(ParamLocation::Body) => ParamIn::Body,
            other => {
                return Err(err(
                    &file,
                    &pointer,
                    format!(
                        "unsupported parameter location {:?}",
                        other.map(ParamLocation::as_str)
                    ),
                ))
            }
        };
        let hint = format!("{op_hint}{}", upper_camel(wire));
        let ty = if location == ParamIn::Body {
            let s = p
                .schema
                .as_ref()
                .ok_or_else(|| err(&file, &pointer, "body parameter without schema"))?;
            self.ty_of(s, &file, &format!("{pointer}/schema"), &hint)?
        } else {
            self.ty_of(&p.ty, &file, &pointer, &hint)?
        };
        let collection_format = match &p.collection_format {
            _ if location != ParamIn::Query || !matches!(ty, Ty::Array(_)) => None,
            None => Some("csv".to_string()),
            Some(f) if ["csv", "ssv", "tsv", "pipes", "multi"].contains(&f.as_str()) => {
                Some(f.clone())
            }
            Some(other) => {
                return Err(err(
                    &file,
                    &format!("{pointer}/collectionFormat"),
                    format!("unsupported collectionFormat {other:?}"),
                ))
            }
        };
        Ok(Some(Param {
            wire: wire.to_string(),
            rust: snake(p.ty.client_name.as_deref().unwrap_or(wire)),
            location,
            required: p.required.unwrap_or(false),
            collection_format,
            ty,
            doc: doc_of(p.ty.description.as_deref()),
        }))
    }

    fn operation(
        &mut self,
        file: &str,
        path: &str,
        method: swagger::Method,
        op: &swagger::Operation,
        path_params: &[swagger::Parameter],
    ) -> Result<Operation, Error> {
        let pointer = format!("/paths/{}/{method}", escape_token(path));
        let id = op
            .operation_id
            .clone()
            .ok_or_else(|| err(file, &pointer, "operation without operationId"))?;
        let hint = upper_camel(&id);
        let mut params = Vec::new();
        for (i, p) in path_params.iter().chain(op.parameters.iter()).enumerate() {
            let pp = format!("{pointer}/parameters/{i}");
            if let Some(p) = self.param(p, file, &pp, &hint)? {
                if let Some(existing) = params
                    .iter_mut()
                    .find(|e: &&mut Param| e.wire == p.wire && e.location == p.location)
                {
                    *existing = p; // operation-level overrides path-level
                } else {
                    params.push(p);
                }
            }
        }
        let mut taken = BTreeSet::new();
        for p in params.iter_mut() {
            p.rust = unique(std::mem::take(&mut p.rust), "_", &mut taken);
        }
        let resp = op
            .responses
            .as_ref()
            .ok_or_else(|| err(file, &pointer, "operation without responses"))?;
        let mut responses = Vec::new();
        let mut error = None;
        for (code, r) in resp {
            let rp = format!("{pointer}/responses/{}", escape_token(code));
            // A response may be a `$ref` to a shared one (`#/responses/…`).
            let reached = self.set.follow(
                file,
                r,
                |r| r.reference.as_ref(),
                |n| match n {
                    Node::Response(r) => Some(r),
                    _ => None,
                },
            );
            let (r, rfile, rptr) = match reached {
                Ok(None) => (r, file.to_string(), rp.clone()),
                Ok(Some((f, ptr, r))) => (r, f.to_string(), ptr),
                Err(t) => {
                    return Err(err(
                        file,
                        &rp,
                        format!("$ref to {t}, which is not a response"),
                    ))
                }
            };
            let body = match &r.schema {
                Some(s) => Some(self.ty_of(
                    s,
                    &rfile,
                    &format!("{rptr}/schema"),
                    &format!("{hint}Response"),
                )?),
                None => None,
            };
            if code == "default" {
                error = body;
            } else {
                let status: u16 = code
                    .parse()
                    .map_err(|_| err(file, &rp, "status is not a number"))?;
                if (200..300).contains(&status) {
                    responses.push(Response { status, body });
                }
            }
        }
        responses.sort_by_key(|r| r.status);
        let lro = match op.long_running {
            None | Some(false) => None,
            Some(true) => Some(lro(op, file, &pointer)?),
        };
        let pageable = op.pageable.as_ref().map(|p| Pageable {
            next_link: p.next_link().map(str::to_string),
            item_name: p.item_name().to_string(),
        });
        let doc = match (op.summary.as_deref(), op.description.as_deref()) {
            (Some(s), Some(d)) if s.trim() != d.trim() => {
                Some(format!("{}\n\n{}", s.trim(), d.trim()))
            }
            (Some(s), _) => Some(s.trim().to_string()),
            (None, Some(d)) => Some(d.trim().to_string()),
            (None, None) => None,
        };
        Ok(Operation {
            rust: snake(&id),
            id,
            method,
            path: path.to_string(),
            file: file.to_string(),
            doc,
            params,
            responses,
            error,
            lro,
            pageable,
        })
    }
}

/// The polling facts of a long-running operation: `final-state-via` absent, or one of the
/// values ARM defines (anything else is an error, not silently passed on).
fn lro(op: &swagger::Operation, file: &str, pointer: &str) -> Result<Lro, Error> {
    let given = op
        .long_running_options
        .as_ref()
        .and_then(|o| o.final_state_via.as_ref());
    let final_state_via = match given {
        None => None,
        Some(v) => Some(v.as_str().and_then(FinalStateVia::parse).ok_or_else(|| {
            err(
                file,
                &format!("{pointer}/x-ms-long-running-operation-options/final-state-via"),
                format!(
                    "unknown final-state-via {v}; expected one of {}",
                    FinalStateVia::ALL.map(FinalStateVia::as_str).join(", ")
                ),
            )
        })?),
    };
    Ok(Lro { final_state_via })
}

/// Properties and ancestor discriminators gathered over an `allOf` chain.
#[derive(Default)]
struct Collected {
    props: Vec<Prop>,
    discs: Vec<(String, String)>,
}

/// Two inline types are the same when everything but the name/source matches.
fn same_shape(a: &TypeDef, b: &TypeDef) -> bool {
    a.kind == b.kind && a.definition == b.definition
}

/// Normalizes a loaded package.
pub fn normalize(set: &SpecSet, version: &str) -> Result<Api, Error> {
    let mut n = Normalizer::new(set);
    n.index_definitions();
    let mut operations = Vec::new();
    let mut ids = BTreeSet::new();
    let mut methods = BTreeSet::new();
    for file in &set.entries {
        for (path, item) in &set.models[file].paths {
            let pp = format!("/paths/{}", escape_token(path));
            for (method, op) in &item.operations {
                let op = n.operation(file, path, *method, op, &item.parameters)?;
                if !ids.insert(op.id.clone()) || !methods.insert(op.rust.clone()) {
                    return Err(err(
                        file,
                        &format!("{pp}/{method}"),
                        format!("duplicate operationId {}", op.id),
                    ));
                }
                operations.push(op);
            }
        }
    }
    while let Some(t) = n.queue.pop_front() {
        n.definition(&t)?;
    }
    let title = set
        .entries
        .first()
        .and_then(|f| set.models[f].info.title.clone())
        .unwrap_or_else(|| "Azure Machine Learning".to_string());
    let api = Api {
        version: version.to_string(),
        title,
        sources: set.entries.clone(),
        operations,
        types: n.types,
        definitions: n.reached,
    };
    let api = crate::settle::settle(api);
    crate::validate::validate(&api)?;
    Ok(api)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// Normalizes a one-file package whose single operation returns `#/definitions/{root}`.
    fn api(root: &str, definitions: Value) -> Api {
        let doc = json!({
            "swagger": "2.0", "info": {"title": "t", "version": "1"},
            "paths": {"/things": {"get": {"operationId": "Things_Get",
                "responses": {"200": {"description": "ok",
                    "schema": {"$ref": format!("#/definitions/{root}")}}}}}},
            "definitions": definitions
        });
        let set = SpecSet::new(
            &std::path::PathBuf::new(),
            vec!["a.json".into()],
            BTreeMap::from([("a.json".to_string(), doc)]),
            BTreeSet::new(),
        )
        .unwrap();
        normalize(&set, "2020-01-01").expect("normalizes")
    }

    fn wires(props: &[Prop]) -> Vec<&str> {
        props.iter().map(|p| p.wire.as_str()).collect()
    }

    #[test]
    fn multi_level_discriminated_hierarchy() {
        let api = api(
            "Base",
            json!({
                "Base": {"discriminator": "kind", "required": ["kind"],
                         "properties": {"kind": {"type": "string"}, "b": {"type": "string", "readOnly": true}}},
                "Mid": {"allOf": [{"$ref": "#/definitions/Base"}], "x-ms-discriminator-value": "mid",
                        "properties": {"m": {"type": "integer"}}},
                "Leaf": {"allOf": [{"$ref": "#/definitions/Mid"}], "x-ms-discriminator-value": "leaf",
                         "properties": {"l": {"type": "boolean"}}}
            }),
        );
        let Kind::Union {
            discriminator,
            variants,
            base,
        } = &api.types["Base"].kind
        else {
            panic!("Base is a union: {:?}", api.types["Base"]);
        };
        assert_eq!(discriminator, "kind");
        assert_eq!(
            variants,
            &[
                ("leaf".to_string(), "Leaf".to_string()),
                ("mid".to_string(), "Mid".to_string())
            ]
        );
        assert_eq!(wires(base), ["b"]);
        assert!(base[0].read_only);
        // The intermediate class is a union of itself and its children.
        let Kind::Union { variants, .. } = &api.types["Mid"].kind else {
            panic!("Mid is a union: {:?}", api.types["Mid"]);
        };
        assert_eq!(
            variants,
            &[
                ("mid".to_string(), "MidBase".to_string()),
                ("leaf".to_string(), "Leaf".to_string())
            ]
        );
        // Leaves carry every ancestor's fields and write their own value.
        let Kind::Struct {
            props,
            discriminators,
            ..
        } = &api.types["Leaf"].kind
        else {
            panic!("Leaf is a struct");
        };
        assert_eq!(wires(props), ["b", "m", "l"]);
        assert_eq!(discriminators, &[("kind".to_string(), "leaf".to_string())]);
        let Kind::Struct { discriminators, .. } = &api.types["MidBase"].kind else {
            panic!("MidBase is a struct");
        };
        assert_eq!(discriminators, &[("kind".to_string(), "mid".to_string())]);
    }

    #[test]
    fn field_names_keywords_client_names_and_collisions() {
        let api = api(
            "Thing",
            json!({"Thing": {"properties": {
                "type": {"type": "string"},
                "fooBar": {"type": "string"},
                "foo_bar": {"type": "string"},
                "x": {"type": "string", "x-ms-client-name": "renamedX"},
                "self": {"type": "string"}
            }}}),
        );
        let Kind::Struct { props, .. } = &api.types["Thing"].kind else {
            panic!()
        };
        let rust: Vec<&str> = props.iter().map(|p| p.rust.as_str()).collect();
        assert_eq!(
            rust,
            ["type_", "foo_bar", "foo_bar_2", "renamed_x", "self_"]
        );
    }

    #[test]
    fn property_facts_are_recorded() {
        let api = api(
            "Thing",
            json!({"Thing": {"properties": {
                "when": {"type": "string", "format": "date-time", "readOnly": true},
                "maybe": {"type": "string", "x-nullable": true, "default": "d"},
                "tags": {"type": "object", "additionalProperties": {"type": "string", "x-nullable": true}},
                "properties": {"x-ms-client-flatten": true, "type": "object",
                               "properties": {"a": {"type": "number"}}}
            }}}),
        );
        let Kind::Struct { props, .. } = &api.types["Thing"].kind else {
            panic!()
        };
        let by = |w: &str| props.iter().find(|p| p.wire == w).unwrap();
        assert_eq!(by("when").format.as_deref(), Some("date-time"));
        assert!(by("when").read_only && !by("when").nullable);
        assert!(by("maybe").nullable);
        assert_eq!(by("maybe").default, Some(json!("d")));
        assert!(by("tags").values_nullable && !by("tags").nullable);
        assert_eq!(by("tags").ty, Ty::Map(Box::new(Ty::String)));
        assert!(by("properties").flatten);
    }

    #[test]
    fn shared_responses_and_parameters_are_followed() {
        let doc = json!({
            "swagger": "2.0", "info": {"title": "t", "version": "1"},
            "paths": {"/things/{name}": {"get": {"operationId": "Things_Get",
                "parameters": [{"$ref": "#/parameters/Alias"}],
                "responses": {"200": {"$ref": "#/responses/Thing"},
                              "default": {"$ref": "#/responses/Error"}}}}},
            "parameters": {
                "Alias": {"$ref": "#/parameters/Name"},
                "Name": {"name": "name", "in": "path", "required": true, "type": "string"}
            },
            "responses": {
                "Thing": {"description": "ok", "schema": {"$ref": "#/definitions/Thing"}},
                "Error": {"description": "error", "schema": {"type": "object",
                    "properties": {"code": {"type": "string"}}}}
            },
            "definitions": {"Thing": {"properties": {"id": {"type": "string"}}}}
        });
        let set = SpecSet::new(
            &std::path::PathBuf::new(),
            vec!["a.json".into()],
            BTreeMap::from([("a.json".to_string(), doc)]),
            BTreeSet::new(),
        )
        .unwrap();
        let api = normalize(&set, "2020-01-01").expect("normalizes");
        let op = &api.operations[0];
        assert_eq!(op.params.len(), 1);
        assert_eq!(op.params[0].wire, "name");
        assert_eq!(op.success_body(), Some(&Ty::Named("Thing".into())));
        let Some(Ty::Named(error)) = &op.error else {
            panic!("{:?}", op.error)
        };
        // The inline error schema is named from where it is written: the shared response.
        assert!(api.types[error]
            .source
            .ends_with("#/responses/Error/schema"));
    }

    #[test]
    fn a_property_typed_by_a_read_only_definition_is_read_only() {
        let api = api(
            "Thing",
            json!({
                "Thing": {"properties": {
                    "state": {"$ref": "#/definitions/State"},
                    "overridden": {"$ref": "#/definitions/State", "readOnly": false},
                    "plain": {"$ref": "#/definitions/Name"}
                }},
                "State": {"type": "string", "readOnly": true},
                "Name": {"type": "string"}
            }),
        );
        let Kind::Struct { props, .. } = &api.types["Thing"].kind else {
            panic!()
        };
        let ro: Vec<(&str, bool)> = props
            .iter()
            .map(|p| (p.wire.as_str(), p.read_only))
            .collect();
        assert_eq!(
            ro,
            [("state", true), ("overridden", false), ("plain", false)]
        );
    }
}
