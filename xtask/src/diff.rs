//! `cargo xtask diff <old> <new>`: prints the report of [`azml_codegen::diff::cli`] (text,
//! markdown or JSON) and the time taken (on stderr). Exit code: 0 clean, 1 when `--fail-on`
//! finds breaking (or semver-major) changes, 2 on a tool error (bad arguments, an unreadable
//! spec, a side the generator rejects; the report is still printed when one was made).

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use azml_codegen::diff::cli;

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    let start = std::time::Instant::now();
    let tty = std::io::stdout().is_terminal();
    let result = cli::run(args, root, tty);
    let code = cli::exit_code(&result);
    match &result {
        Err(e) => eprintln!("error: {e}"),
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(out.stdout.as_bytes())
                .and_then(|()| stdout.flush())
            {
                eprintln!("error: writing the report: {e}");
                return ExitCode::from(cli::EXIT_TOOL_ERROR);
            }
            if out.report.is_some() {
                eprintln!("diffed in {:.2?}", start.elapsed());
            }
            if let Some(e) = out.generation_error() {
                eprintln!("error: no Rust-level impact: the generator rejects a side: {e}");
            }
            if let Some(reason) = &out.failure {
                eprintln!("error: {reason}");
            }
        }
    }
    ExitCode::from(code)
}
