//! `cargo xtask <command>`: the maintainer entry point.
//!
//! - `generate`: regenerate `generated/` for every api-version in `specs/api-versions.toml`.
//! - `check`: fail if `generated/` differs from what `generate` would write.
//! - `bench [runs]`: generation time, generated size, compile time and memory against autorust,
//!   then the decode benchmark; `bench decode [runs]` runs the decode benchmark alone.
//! - `diff <old> <new>`: spec changes between two api-versions and their Rust-level impact
//!   (exit 0 clean, 1 found under `--fail-on`, 2 tool error).
//! - `mutate [count] [seed]`: the seeded mutation campaign (no panic, no abort, located errors).

mod bench;
mod decode_bench;
mod diff;
mod mutate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use azml_codegen::{generate, Config, OutputFile};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repo")
        .to_path_buf()
}

fn outputs(root: &Path) -> Result<Vec<OutputFile>, String> {
    let config = Config::load(&root.join("specs/api-versions.toml")).map_err(|e| e.to_string())?;
    let spec_root = config.spec_root(root).map_err(|e| e.to_string())?;
    generate(&config, &spec_root).map_err(|e| e.to_string())
}

/// Every configured api-version has its feature line in `generated/Cargo.toml`.
fn check_features(root: &Path) -> Result<(), String> {
    let config = Config::load(&root.join("specs/api-versions.toml")).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(root.join("generated/Cargo.toml"))
        .map_err(|e| format!("generated/Cargo.toml: {e}"))?;
    config.check_features(&text).map_err(|e| e.to_string())
}

fn run() -> Result<(), String> {
    let root = repo_root();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") => {
            let start = std::time::Instant::now();
            let files = outputs(&root)?;
            let mut changed = 0;
            for f in &files {
                let path = root.join(&f.path);
                if std::fs::read_to_string(&path).ok().as_deref() != Some(f.contents.as_str()) {
                    std::fs::create_dir_all(path.parent().expect("has a parent"))
                        .map_err(|e| e.to_string())?;
                    std::fs::write(&path, &f.contents)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    changed += 1;
                }
            }
            println!(
                "generated {} files ({changed} changed) in {:.2?}",
                files.len(),
                start.elapsed()
            );
            check_features(&root)
        }
        Some("check") => {
            let stale: Vec<_> = outputs(&root)?
                .into_iter()
                .filter(|f| {
                    std::fs::read_to_string(root.join(&f.path)).ok().as_deref()
                        != Some(f.contents.as_str())
                })
                .map(|f| f.path)
                .collect();
            if stale.is_empty() {
                println!("generated/ is up to date");
                check_features(&root)
            } else {
                Err(format!(
                    "stale: {}; run `cargo xtask generate`",
                    stale.join(", ")
                ))
            }
        }
        Some("bench") if args.get(1).map(String::as_str) == Some("decode") => {
            let runs = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
            decode_bench::run(&root, runs)
        }
        Some("bench") => {
            let runs = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3);
            bench::run(&root, runs)
        }
        Some("measure") => bench::measure(&args[1..]),
        Some("mutate") => mutate::run(&root, &args[1..]),
        Some("mutate-worker") => mutate::worker(&root, &args[1..]),
        _ => Err("usage: cargo xtask <generate|check|bench|diff|mutate>".into()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("diff") {
        // Its own exit codes: 0 clean, 1 found under `--fail-on`, 2 tool error.
        return diff::run(&repo_root(), &args[1..]);
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
