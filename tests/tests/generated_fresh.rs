//! The committed `generated/` equals what the generator produces from the specs now
//! (rust-analyzer's "sourcegen" pattern), and generation is deterministic.

use std::collections::BTreeSet;

use azml_tests::{config, repo_root, spec_root};

#[test]
fn generated_code_is_fresh() {
    let root = repo_root();
    let files = azml_codegen::generate(&config(), &spec_root())
        .unwrap_or_else(|e| panic!("generation failed: {e}"));
    let mut stale = Vec::new();
    for f in &files {
        let on_disk = std::fs::read_to_string(root.join(&f.path)).unwrap_or_default();
        if on_disk != f.contents {
            stale.push(f.path.clone());
        }
    }
    // No leftovers from api-versions that are no longer configured (version modules are the
    // `vYYYY_MM_DD` folders; other folders hold hand-written submodules).
    let expected: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
    for entry in std::fs::read_dir(root.join("generated/src")).unwrap() {
        let dir = entry.unwrap().path();
        let is_version = dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            n.strip_prefix('v')
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        });
        if dir.is_dir() && is_version {
            for file in std::fs::read_dir(&dir).unwrap() {
                let p = file.unwrap().path();
                let rel = p
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if !expected.contains(&rel) {
                    stale.push(format!("{rel} (not generated any more)"));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated/ is stale: {}\nrun `cargo xtask generate` and commit the result",
        stale.join(", ")
    );
}

/// `generated/` holds only generated code plus its thin hand-written `lib.rs`; the runtime
/// lives in `runtime/` (crate `azml-runtime`).
#[test]
fn generated_src_holds_only_generated_code() {
    let root = repo_root();
    let generated: BTreeSet<String> = azml_codegen::generate(&config(), &spec_root())
        .unwrap()
        .into_iter()
        .map(|f| f.path)
        .collect();
    let mut hand_written = Vec::new();
    let mut stack = vec![root.join("generated/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel != "generated/src/lib.rs" && !generated.contains(&rel) {
                hand_written.push(rel);
            }
        }
    }
    assert!(
        hand_written.is_empty(),
        "hand-written code belongs in runtime/ (azml-runtime): {hand_written:?}"
    );
}

#[test]
fn generation_is_deterministic_and_headed() {
    let a = azml_codegen::generate(&config(), &spec_root()).unwrap();
    let b = azml_codegen::generate(&config(), &spec_root()).unwrap();
    assert_eq!(a, b);
    for f in &a {
        assert!(
            f.contents.starts_with("// @generated"),
            "{} lacks the @generated header",
            f.path
        );
    }
    let models = a
        .iter()
        .find(|f| f.path.ends_with("v2023_04_01/models.rs"))
        .unwrap();
    assert!(
        models.contents.contains("stable/2023-04-01/mfe.json"),
        "header names the spec files"
    );
}

#[test]
fn every_configured_version_has_a_feature_line() {
    let text = std::fs::read_to_string(repo_root().join("generated/Cargo.toml")).unwrap();
    config()
        .check_features(&text)
        .unwrap_or_else(|e| panic!("{e}"));
    let without = text.replace("v2023_04_01 = []", "");
    let e = config().check_features(&without).unwrap_err().to_string();
    assert!(e.contains("add `v2023_04_01 = []`"), "{e}");
}
