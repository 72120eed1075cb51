//! The `cargo xtask diff` command line, kept here so the golden test runs exactly what the
//! command runs.
//!
//! ```text
//! cargo xtask diff <old> <new> [--format text|markdown|json] [--fail-on breaking|major]
//!                              [--color auto|always|never]
//! cargo xtask diff --rules      # the rule table (markdown)
//! cargo xtask diff --schema     # the JSON Schema of --format json
//! ```
//!
//! Each side is an api-version from `specs/api-versions.toml`, a spec folder (its `*.json`
//! files), a spec file, or comma-separated spec files.

use std::path::{Path, PathBuf};

use super::render::{render, Format};
use super::{diff, Report, Semver, Severity, Side};
use crate::{Config, Error};

/// The usage line.
pub const USAGE: &str = "usage: cargo xtask diff <old> <new> [--format text|markdown|json] \
    [--fail-on breaking|major] [--color auto|always|never] | --rules | --schema \
    (each side: a configured api-version, a spec folder, or spec files separated by commas)";

/// Exit code: no change at or above `--fail-on` (or no `--fail-on`).
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: `--fail-on` found what it looks for.
pub const EXIT_FOUND: u8 = 1;
/// Exit code: the tool could not do its job (bad arguments, an unreadable or broken spec, or
/// a side the generator rejects, so the Rust-level impact is unknown).
pub const EXIT_TOOL_ERROR: u8 = 2;

/// The exit code of a [`run`] result: [`EXIT_TOOL_ERROR`] for an error or a report without
/// its Rust-level impact (a tool error wins over a `--fail-on` finding), else
/// [`EXIT_FOUND`] when `--fail-on` found something, else [`EXIT_CLEAN`].
pub fn exit_code(result: &Result<Outcome, Error>) -> u8 {
    match result {
        Err(_) => EXIT_TOOL_ERROR,
        Ok(o) => o.exit_code(),
    }
}

/// What the command prints, and whether it fails (`--fail-on`).
#[derive(Debug)]
pub struct Outcome {
    /// The report (or table / schema), for stdout.
    pub stdout: String,
    /// Set when `--fail-on` found what it looks for: the one-line reason.
    pub failure: Option<String>,
    /// The report, when one was made.
    pub report: Option<Report>,
}

impl Outcome {
    /// The exit code (see [`exit_code`]).
    pub fn exit_code(&self) -> u8 {
        if self.generation_error().is_some() {
            EXIT_TOOL_ERROR
        } else if self.failure.is_some() {
            EXIT_FOUND
        } else {
            EXIT_CLEAN
        }
    }

    /// Why the Rust-level impact is missing from the report: a side the generator rejects.
    pub fn generation_error(&self) -> Option<&str> {
        self.report
            .as_ref()?
            .rust
            .as_ref()
            .err()
            .map(String::as_str)
    }
}

/// When to fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FailOn {
    Breaking,
    Major,
}

struct Args {
    old: String,
    new: String,
    format: Format,
    fail_on: Option<FailOn>,
    color: Option<bool>,
}

fn parse(args: &[String]) -> Result<Args, Error> {
    let bad = |m: String| Error::new(format!("{m}; {USAGE}"));
    let mut sides = Vec::new();
    let (mut format, mut fail_on, mut color) = (Format::Text, None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if a.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| bad(format!("{name} needs a value")))
        };
        match flag {
            "--format" => {
                format = match value("--format")?.as_str() {
                    "text" => Format::Text,
                    "markdown" | "md" => Format::Markdown,
                    "json" => Format::Json,
                    other => return Err(bad(format!("unknown format `{other}`"))),
                }
            }
            "--fail-on" => {
                fail_on = Some(match value("--fail-on")?.as_str() {
                    "breaking" => FailOn::Breaking,
                    "major" => FailOn::Major,
                    other => return Err(bad(format!("unknown --fail-on `{other}`"))),
                })
            }
            "--color" | "--colour" => {
                color = match value("--color")?.as_str() {
                    "auto" => None,
                    "always" => Some(true),
                    "never" => Some(false),
                    other => return Err(bad(format!("unknown --color `{other}`"))),
                }
            }
            f if f.starts_with("--") => return Err(bad(format!("unknown option `{f}`"))),
            _ => sides.push(a.clone()),
        }
    }
    match <[String; 2]>::try_from(sides) {
        Ok([old, new]) => Ok(Args {
            old,
            new,
            format,
            fail_on,
            color,
        }),
        Err(s) => Err(bad(format!("expected two sides, got {}", s.len()))),
    }
}

/// Loads a side named on the command line.
fn side(arg: &str, config: &Config, repo_root: &Path) -> Result<Side, Error> {
    if let Ok(av) = config.get(arg) {
        let root = config.spec_root(repo_root)?;
        return Side::configured(config, &root, av);
    }
    let paths: Vec<PathBuf> = arg.split(',').map(PathBuf::from).collect();
    if paths.iter().all(|p| p.exists()) {
        let spec_root = config.spec_root(repo_root).ok();
        return Side::from_paths(arg, &paths, config, spec_root.as_deref());
    }
    let known: Vec<&str> = config
        .api_version
        .iter()
        .map(|a| a.version.as_str())
        .collect();
    Err(Error::new(format!(
        "`{arg}` is neither a configured api-version ({}) nor an existing spec folder or file",
        known.join(", ")
    )))
}

/// Runs the command. `tty` says whether stdout is a terminal (for `--color auto`, which also
/// honours `NO_COLOR`).
pub fn run(args: &[String], repo_root: &Path, tty: bool) -> Result<Outcome, Error> {
    match args.first().map(String::as_str) {
        Some("--rules") => {
            return Ok(Outcome {
                stdout: super::rules::markdown_table(),
                failure: None,
                report: None,
            })
        }
        Some("--schema") => {
            return Ok(Outcome {
                stdout: super::JSON_SCHEMA.to_string(),
                failure: None,
                report: None,
            })
        }
        Some("--help" | "-h") => {
            return Ok(Outcome {
                stdout: format!("{USAGE}\n"),
                failure: None,
                report: None,
            })
        }
        _ => {}
    }
    let a = parse(args)?;
    let config = Config::load(&repo_root.join("specs/api-versions.toml"))?;
    let (old, new) = std::thread::scope(|s| {
        let old = s.spawn(|| side(&a.old, &config, repo_root));
        let new = side(&a.new, &config, repo_root);
        (
            old.join()
                .unwrap_or_else(|_| Err(Error::new("internal: loader panicked"))),
            new,
        )
    });
    let report = diff(&old?, &new?);
    let color = a
        .color
        .unwrap_or_else(|| tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()));
    let stdout = render(&report, a.format, color && a.format == Format::Text);
    let failure = match a.fail_on {
        Some(FailOn::Breaking) if report.count(Severity::Breaking) > 0 => Some(format!(
            "{} breaking change(s) from {} to {} (--fail-on breaking)",
            report.count(Severity::Breaking),
            report.old,
            report.new
        )),
        Some(FailOn::Major) if report.semver() == Some(Semver::Major) => Some(format!(
            "the generated crate changes in a semver-major way from {} to {} (--fail-on major)",
            report.old, report.new
        )),
        _ => None,
    };
    Ok(Outcome {
        stdout,
        failure,
        report: Some(report),
    })
}
