//! `cargo xtask diff 2023-04-01 2023-10-01 --format markdown` (the same code path:
//! `azml_codegen::diff::cli::run`) equals the committed report in `tests/golden/`.
//!
//! After an intended change (generator, diff rules, or the spec mirror), refresh and review it:
//!
//! ```sh
//! UPDATE_GOLDEN=1 cargo test -p azml-tests --test diff_golden
//! # or, equivalently:
//! cargo xtask diff 2023-04-01 2023-10-01 --format markdown > tests/golden/diff-2023-04-01-2023-10-01.md
//! ```

use azml_tests::{config, repo_root, spec_root};

const OLD: &str = "2023-04-01";
const NEW: &str = "2023-10-01";
const GOLDEN: &str = "tests/golden/diff-2023-04-01-2023-10-01.md";
const REFRESH: &str = "refresh it with `UPDATE_GOLDEN=1 cargo test -p azml-tests --test diff_golden` \
    (or `cargo xtask diff 2023-04-01 2023-10-01 --format markdown > tests/golden/diff-2023-04-01-2023-10-01.md`) \
    and review the change";

/// Whether both api-versions are configured and their files are in the spec checkout.
fn both_in_mirror() -> bool {
    let config = config();
    let root = spec_root();
    [OLD, NEW].iter().all(|v| match config.get(v) {
        Ok(av) => config.locate(av, &root).is_ok(),
        Err(_) => false,
    })
}

#[test]
fn diff_report_matches_golden() {
    if !both_in_mirror() {
        eprintln!("skipped: {OLD} and {NEW} are not both configured and in the spec mirror");
        return;
    }
    let args: Vec<String> = [OLD, NEW, "--format", "markdown"]
        .map(String::from)
        .to_vec();
    let start = std::time::Instant::now();
    let out = azml_codegen::diff::cli::run(&args, &repo_root(), false)
        .unwrap_or_else(|e| panic!("cargo xtask diff {OLD} {NEW} failed: {e}"));
    eprintln!("diffed {OLD} → {NEW} in {:.2?}", start.elapsed());
    let path = repo_root().join(GOLDEN);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &out.stdout).unwrap();
        eprintln!("wrote {GOLDEN}");
        return;
    }
    let golden = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {GOLDEN} ({e}); {REFRESH}"));
    if golden != out.stdout {
        let (n, (want, got)) = golden
            .lines()
            .chain(std::iter::repeat("<end of file>"))
            .zip(out.stdout.lines().chain(std::iter::repeat("<end of file>")))
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .expect("texts differ, so some line does");
        panic!(
            "{GOLDEN} is stale: line {} differs\n  golden: {want}\n  actual: {got}\n{REFRESH}",
            n + 1
        );
    }
    // The report is about what it says it is.
    assert!(golden.starts_with(&format!("# API diff: `{OLD}` → `{NEW}`")));
    assert!(golden.contains("| **Semver verdict for the generated crate** |"));
}
