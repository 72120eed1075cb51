//! `cargo xtask diff <old> <new>`: prints the report of [`azml_codegen::diff::cli`] (text,
//! markdown or JSON) and the time taken (on stderr); fails under `--fail-on` when it finds
//! breaking (or semver-major) changes.

use std::io::{IsTerminal, Write};
use std::path::Path;

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let start = std::time::Instant::now();
    let tty = std::io::stdout().is_terminal();
    let out = azml_codegen::diff::cli::run(args, root, tty).map_err(|e| e.to_string())?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.stdout.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("writing the report: {e}"))?;
    if out.report.is_some() {
        eprintln!("diffed in {:.2?}", start.elapsed());
    }
    match out.failure {
        Some(reason) => Err(reason),
        None => Ok(()),
    }
}
