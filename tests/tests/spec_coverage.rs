//! Each api-version module exposes exactly the spec's operations and one model per definition
//! the operations reach, and every property of every definition survives a decode/encode
//! round trip through its generated model (no silently dropped fields).
//!
//! The expectations are computed here from the raw Swagger files, independently of the
//! generator's normalizer.

use std::collections::BTreeSet;

use azml::VersionInfo;
use azml_tests::{config, repo_root, RawSpec};
use serde_json::{json, Map, Value};

/// The generated module of a configured api-version, from the crate's version registry.
fn module(version: &str) -> &'static VersionInfo {
    azml::VERSIONS
        .iter()
        .find(|v| v.api_version == version)
        .unwrap_or_else(|| {
            panic!(
                "api-version {version} is configured but not compiled in: does \
                 generated/Cargo.toml have its feature line, and is generated/ fresh?"
            )
        })
}

/// Every configured api-version is in the registry and nothing else is.
#[test]
fn registry_lists_exactly_the_configured_versions() {
    let configured: Vec<String> = config()
        .api_version
        .iter()
        .map(|a| a.version.clone())
        .collect();
    let compiled: Vec<String> = azml::VERSIONS
        .iter()
        .map(|v| v.api_version.to_string())
        .collect();
    assert_eq!(configured, compiled);
}

#[test]
fn every_operation_is_a_client_method() {
    for av in &config().api_version {
        let spec = RawSpec::load(av);
        let ops = module(&av.version).operations;
        let expected: BTreeSet<(String, String, String)> = spec
            .operations()
            .into_iter()
            .map(|(id, m, p, _, _)| (id, m, p))
            .collect();
        let actual: BTreeSet<(String, String, String)> = ops
            .iter()
            .map(|o| (o.id.to_string(), o.method.to_string(), o.path.to_string()))
            .collect();
        assert_eq!(
            expected.len(),
            ops.len(),
            "{}: duplicate or missing operations",
            av.version
        );
        assert_eq!(
            expected, actual,
            "{}: operations differ from the spec",
            av.version
        );
        if av.version == "2023-04-01" {
            assert_eq!(ops.len(), 170);
            assert_eq!(ops.iter().filter(|o| o.long_running).count(), 52);
            assert_eq!(ops.iter().filter(|o| o.pageable).count(), 40);
        }
        // Every operation has a method on `Client` in the generated source.
        let src = repo_root().join(format!("generated/src/{}/client.rs", av.module_name()));
        let file: syn::File = syn::parse_str(&std::fs::read_to_string(&src).unwrap()).unwrap();
        let mut methods = BTreeSet::new();
        for item in &file.items {
            if let syn::Item::Impl(imp) = item {
                if imp.trait_.is_none() {
                    for it in &imp.items {
                        if let syn::ImplItem::Fn(f) = it {
                            methods.insert(f.sig.ident.to_string());
                        }
                    }
                }
            }
        }
        for op in ops {
            assert!(
                methods.contains(op.rust_method),
                "{}: no Client::{} for {}",
                av.version,
                op.rust_method,
                op.id
            );
        }
    }
}

#[test]
fn one_model_per_reached_definition() {
    for av in &config().api_version {
        let spec = RawSpec::load(av);
        let m = module(&av.version);
        let (defs, roundtrip) = (m.definitions, m.roundtrip);
        let expected = spec.reached_definitions();
        let actual: BTreeSet<String> = defs.iter().map(|(s, _)| s.to_string()).collect();
        let missing: Vec<_> = expected.difference(&actual).collect();
        let extra: Vec<_> = actual.difference(&expected).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{}: missing {missing:?}, extra {extra:?}",
            av.version
        );
        for (src, _) in defs {
            assert!(
                roundtrip(src, json!({})).is_some(),
                "{}: no model for {src}",
                av.version
            );
        }
        if av.version == "2023-04-01" {
            assert!(
                defs.len() > 400,
                "2023-04-01 reaches {} definitions",
                defs.len()
            );
        }
    }
}

/// A JSON sample for a schema, with every property filled in (to a depth bound; required
/// properties always).
struct Sampler<'a> {
    spec: &'a RawSpec,
}

impl Sampler<'_> {
    fn sample(&self, file: &str, s: &Value, depth: usize) -> Option<Value> {
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let (f, p) = RawSpec::target(file, r);
            let target = self.spec.get(&f, &p)?;
            return self.definition(&f, &p, target, depth + 1);
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array) {
            return e.last().cloned();
        }
        Some(match s.get("type").and_then(Value::as_str) {
            Some("string") => match s.get("format").and_then(Value::as_str) {
                Some("date-time") => json!("2023-01-03T19:56:09.7588299+00:00"),
                Some("duration") => json!("PT30M"),
                Some("uuid") => json!("7c4a1e8e-93d3-4f2f-9d5c-1f2e3d4c5b6a"),
                _ => json!("text"),
            },
            Some("integer") => json!(7),
            Some("number") => json!(1.5),
            Some("boolean") => json!(true),
            Some("array") => {
                if depth > 6 {
                    json!([])
                } else {
                    Value::Array(
                        self.sample(file, &s["items"], depth + 1)
                            .into_iter()
                            .collect(),
                    )
                }
            }
            _ => self.object(file, s, depth)?,
        })
    }

    /// A definition: discriminator bases sample their first child (by name).
    fn definition(&self, file: &str, pointer: &str, def: &Value, depth: usize) -> Option<Value> {
        if def.get("discriminator").is_some() {
            let me = format!("{file}#{pointer}");
            let mut kids: Vec<(String, String)> = Vec::new();
            for (f, doc) in &self.spec.docs {
                for (name, d) in doc
                    .get("definitions")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let is_child = d
                        .get("allOf")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .any(|p| {
                            p.get("$ref").and_then(Value::as_str).is_some_and(|r| {
                                let (pf, pp) = RawSpec::target(f, r);
                                format!("{pf}#{pp}") == me
                            })
                        });
                    if is_child {
                        kids.push((f.clone(), format!("/definitions/{name}")));
                    }
                }
            }
            kids.sort_by(|a, b| a.1.cmp(&b.1));
            if let Some((f, p)) = kids.first() {
                let v = self.spec.get(f, p)?;
                return self.definition(f, p, v, depth);
            }
        }
        let mut v = self.sample(file, def, depth)?;
        // Concrete children carry their discriminator value.
        if let Some(obj) = v.as_object_mut() {
            self.set_discriminators(file, pointer, def, obj);
        }
        Some(v)
    }

    fn set_discriminators(
        &self,
        file: &str,
        pointer: &str,
        def: &Value,
        obj: &mut Map<String, Value>,
    ) {
        let name = pointer.rsplit('/').next().unwrap_or_default();
        let value = def
            .get("x-ms-discriminator-value")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .to_string();
        let mut stack = vec![(file.to_string(), def.clone())];
        while let Some((f, d)) = stack.pop() {
            if let Some(disc) = d.get("discriminator").and_then(Value::as_str) {
                obj.insert(disc.to_string(), json!(value));
            }
            for p in d
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(r) = p.get("$ref").and_then(Value::as_str) {
                    let (pf, pp) = RawSpec::target(&f, r);
                    if let Some(pv) = self.spec.get(&pf, &pp) {
                        stack.push((pf, pv.clone()));
                    }
                }
            }
        }
    }

    fn object(&self, file: &str, s: &Value, depth: usize) -> Option<Value> {
        let mut out = Map::new();
        for p in s
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (f, pv) = match p.get("$ref").and_then(Value::as_str) {
                Some(r) => {
                    let (f, ptr) = RawSpec::target(file, r);
                    let v = self.spec.get(&f, &ptr)?.clone();
                    (f, v)
                }
                None => (file.to_string(), p.clone()),
            };
            if let Some(Value::Object(m)) = self.object(&f, &pv, depth) {
                out.extend(m);
            }
        }
        let required: BTreeSet<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (k, ps) in s
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if depth > 6 && !required.contains(k.as_str()) {
                continue;
            }
            if let Some(v) = self.sample(file, ps, depth + 1) {
                out.insert(k.clone(), v);
            }
        }
        if let Some(ap) = s.get("additionalProperties") {
            if ap.is_object() && depth <= 6 && s.get("properties").is_none() {
                if let Some(v) = self.sample(file, ap, depth + 1) {
                    out.insert("someKey".into(), v);
                }
            }
        }
        Some(Value::Object(out))
    }
}

#[test]
fn every_property_of_every_definition_round_trips() {
    for av in &config().api_version {
        let spec = RawSpec::load(av);
        let m = module(&av.version);
        let (defs, roundtrip) = (m.definitions, m.roundtrip);
        let sampler = Sampler { spec: &spec };
        let mut failures = Vec::new();
        let mut props = 0usize;
        for (src, rust) in defs {
            let (file, pointer) = src.split_once('#').unwrap();
            let def = spec.get(file, pointer).unwrap();
            let Some(sample) = sampler.definition(file, pointer, def, 0) else {
                continue;
            };
            if let Some(o) = sample.as_object() {
                props += o.len();
            }
            match roundtrip(src, sample.clone()).expect("model exists") {
                Ok(out) if out == sample => {}
                Ok(out) => failures.push(format!("{rust} ({src}):\n  sent {sample}\n  got  {out}")),
                Err(e) => failures.push(format!("{rust} ({src}): {e}\n  sent {sample}")),
            }
        }
        assert!(
            failures.is_empty(),
            "{}: {} of {} definitions lose data:\n{}",
            av.version,
            failures.len(),
            defs.len(),
            failures.join("\n")
        );
        assert!(
            props > 1000,
            "{}: only {props} top-level properties sampled",
            av.version
        );
    }
}
