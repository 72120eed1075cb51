//! The method signatures `cargo xtask diff` prints are the generated client's: for every
//! configured api-version, an empty spec is diffed against it through the command line
//! ([`azml_codegen::diff::cli`], `--format json`), so every method of the version is an added
//! one, and each printed signature is compared with the one in the committed
//! `generated/src/<module>/client.rs`, read by this test's own `syn` walk (every `pub fn` of
//! every inherent `impl` at the top of the file). The methods the empty spec's client has too
//! (constructors, `pipeline`, `resume_poller`…) are not printed; they come from the generator's
//! client emitter run on the empty spec, read by the same walk.
//!
//! The report spells signatures canonically (see `diff/emitted_client.rs`): one line, the
//! version module's `crate::vYYYY_MM_DD::` dropped and `crate::` written `azml::`. The test
//! compares token streams, so spacing does not matter, and applies those two renamings to
//! the committed file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use azml_codegen::diff::cli;
use azml_codegen::Config;
use quote::quote;
use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A Swagger document with no paths and no definitions.
const EMPTY: &str = r#"{"swagger": "2.0", "info": {"title": "empty", "version": "1"}, "paths": {}, "definitions": {}}"#;

/// Tokens as a comparable string: `quote`'s spacing, trailing commas dropped.
fn tokens(ts: proc_macro2::TokenStream) -> String {
    ts.to_string()
        .replace(" ,)", ")")
        .replace(" , )", " )")
        .replace(" , >", " >")
}

/// `Type::method` → signature tokens, for every `pub fn` of every inherent `impl` at the top
/// level of a file, and the names of the top-level `pub struct`s.
fn walk(file: &syn::File) -> (BTreeMap<String, String>, BTreeSet<String>) {
    let mut methods = BTreeMap::new();
    let mut structs = BTreeSet::new();
    for item in &file.items {
        match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() => {
                let syn::Type::Path(p) = &*imp.self_ty else {
                    panic!("impl of a non-path type")
                };
                let owner = p.path.segments.last().unwrap().ident.to_string();
                for it in &imp.items {
                    if let syn::ImplItem::Fn(f) = it {
                        if matches!(f.vis, syn::Visibility::Public(_)) {
                            let (vis, sig) = (&f.vis, &f.sig);
                            let name = format!("{owner}::{}", sig.ident);
                            let prev = methods.insert(name.clone(), tokens(quote!(#vis #sig)));
                            assert!(prev.is_none(), "{name} twice");
                        }
                    }
                }
            }
            syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                structs.insert(s.ident.to_string());
            }
            _ => {}
        }
    }
    (methods, structs)
}

/// A printed signature (`pub async fn f<'a>(&'a self, …) -> …`) as tokens.
fn printed(sig: &str) -> String {
    let f: syn::ImplItemFn = syn::parse_str(&format!("{sig} {{}}"))
        .unwrap_or_else(|e| panic!("printed signature does not parse ({e}): {sig}"));
    let (vis, sig) = (&f.vis, &f.sig);
    tokens(quote!(#vis #sig))
}

/// The committed client's signatures, in the report's spelling.
fn committed(module: &str) -> (BTreeMap<String, String>, BTreeSet<String>) {
    let path = repo_root().join(format!("generated/src/{module}/client.rs"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let (methods, structs) = walk(&file);
    let methods = methods
        .into_iter()
        .map(|(k, v)| {
            let v = v
                .replace(&format!("crate :: {module} :: "), "")
                .replace("crate :: ", "azml :: ");
            (k, v)
        })
        .collect();
    (methods, structs)
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn printed_signatures_are_the_emitted_clients() {
    let root = repo_root();
    let config = Config::load(&root.join("specs/api-versions.toml")).unwrap();
    let tmp = TempDir(std::env::temp_dir().join(format!("azml-diff-sig-{}", std::process::id())));
    let dir = tmp.0.join("empty");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("empty.json"), EMPTY).unwrap();
    let empty = dir.to_string_lossy().into_owned();

    // The empty spec's own client: what both sides have, so the diff does not print it.
    let set =
        azml_codegen::load::SpecSet::load(&tmp.0, &["empty/empty.json".into()], BTreeSet::new())
            .unwrap();
    let api = azml_codegen::normalize::normalize(&set, "2000-01-01").unwrap();
    let client = azml_codegen::emit_client::emit(&api).unwrap();
    let (base, base_structs) = walk(&syn::parse2(client).unwrap());
    assert!(base.contains_key("Client::new"), "{base:?}");

    assert!(!config.api_version.is_empty());
    let mut total = 0;
    for av in &config.api_version {
        let module = av.module_name();
        let args: Vec<String> = [empty.as_str(), av.version.as_str(), "--format", "json"]
            .map(String::from)
            .to_vec();
        let out = cli::run(&args, &root, false)
            .unwrap_or_else(|e| panic!("cargo xtask diff {empty} {}: {e}", av.version));
        assert_eq!(out.exit_code(), cli::EXIT_CLEAN, "{}", out.stdout);
        let report: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(report["rust"]["error"], Value::Null);
        let changes = report["rust"]["changes"].as_array().unwrap();

        let mut added = BTreeMap::new();
        let mut added_structs = BTreeSet::new();
        for c in changes {
            let item = c["item"].as_str().unwrap();
            let change = c["change"].as_str().unwrap();
            match c["kind"].as_str().unwrap() {
                "method" => {
                    assert_eq!(change, "added", "{c}");
                    let sig = c["new_signature"].as_str().unwrap();
                    assert_eq!(c["detail"].as_str().unwrap(), format!("`{sig}`"));
                    assert_eq!(c["old_signature"], Value::Null);
                    added.insert(item.to_string(), printed(sig));
                }
                "type" if !item.starts_with("models::") => {
                    assert_eq!(change, "added", "{c}");
                    added_structs.insert(item.to_string());
                }
                _ => assert!(item.starts_with("models::"), "{c}"),
            }
        }

        let (want, want_structs) = committed(&module);
        // What the empty spec's client has is the same in the version, so not printed.
        for (name, sig) in &base {
            let theirs = want.get(name).map(|s| s.replace("crate :: ", "azml :: "));
            let ours = sig.replace("crate :: ", "azml :: ");
            assert_eq!(
                theirs.as_ref(),
                Some(&ours),
                "{name} differs from the empty spec's"
            );
        }
        let expected: BTreeMap<&String, &String> = want
            .iter()
            .filter(|(k, _)| !base.contains_key(*k))
            .collect();
        let missing: Vec<&&String> = expected
            .keys()
            .filter(|k| !added.contains_key(**k))
            .collect();
        let extra: Vec<&String> = added.keys().filter(|k| !expected.contains_key(k)).collect();
        let mismatches: Vec<String> = added
            .iter()
            .filter_map(|(k, v)| {
                let w = expected.get(k)?;
                (*w != v).then(|| format!("{k}\n  printed: {v}\n  emitted: {w}"))
            })
            .collect();
        println!(
            "{}: {} methods in {module}/client.rs, {} printed and compared, {} also in the \
             empty spec's client; {} missing, {} extra, {} mismatches",
            av.version,
            want.len(),
            added.len(),
            want.len() - expected.len(),
            missing.len(),
            extra.len(),
            mismatches.len()
        );
        assert!(missing.is_empty(), "not printed: {missing:?}");
        assert!(extra.is_empty(), "printed but not in client.rs: {extra:?}");
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
        let want_structs: BTreeSet<String> =
            want_structs.difference(&base_structs).cloned().collect();
        assert_eq!(added_structs, want_structs);
        total += added.len();
    }
    println!("{total} printed signatures compared, 0 mismatches");
}
