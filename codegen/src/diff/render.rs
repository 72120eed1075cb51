//! Output formats of a [`Report`]: readable text (ANSI colours when asked), markdown (for a
//! changelog or a PR comment) and JSON (stable, described by `schema.json`, see
//! [`super::JSON_SCHEMA`]). All three are deterministic: no timings, no absolute paths.

use serde_json::{json, Value};

use super::{Change, Location, Report, RustChange, Semver, Severity};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text, optionally coloured.
    Text,
    /// GitHub-flavoured markdown.
    Markdown,
    /// JSON (`schema.json`).
    Json,
}

/// Version of the JSON output schema.
pub const SCHEMA_VERSION: u64 = 1;

/// The verdict when the generator rejects a side.
const UNKNOWN: &str = "unknown";

/// Most Rust items listed per spec change in text and markdown (JSON lists all).
const MAX_ITEMS: usize = 5;

fn rust_line(r: &RustChange) -> String {
    format!("`{}` {} {}", r.item, r.kind.as_str(), r.change.as_str())
}

fn where_(c: &Change) -> String {
    let s = |l: &Option<Location>| l.as_ref().map(Location::short);
    match (s(&c.old), s(&c.new)) {
        (Some(a), Some(b)) if a == b => format!("`{a}`"),
        (Some(a), Some(b)) => format!("`{a}` → `{b}`"),
        (Some(a), None) | (None, Some(a)) => format!("`{a}`"),
        (None, None) => String::new(),
    }
}

fn rust_items(report: &Report, c: &Change) -> Vec<String> {
    let Ok(r) = &report.rust else {
        return Vec::new();
    };
    let mut lines: Vec<String> = c
        .rust
        .iter()
        .take(MAX_ITEMS)
        .map(|&i| rust_line(&r.changes[i]))
        .collect();
    if c.rust.len() > MAX_ITEMS {
        lines.push(format!("… and {} more", c.rust.len() - MAX_ITEMS));
    }
    lines
}

/// Counts of Rust changes per semver level: (major, minor, patch).
fn levels(report: &Report) -> (usize, usize, usize) {
    let Ok(r) = &report.rust else {
        return (0, 0, 0);
    };
    let n = |s| r.changes.iter().filter(|c| c.semver == s).count();
    (n(Semver::Major), n(Semver::Minor), n(Semver::Patch))
}

/// Renders in a format; `color` applies to text only.
pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Text => text(report, color),
        Format::Markdown => markdown(report),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&json(report)).expect("JSON values serialize");
            s.push('\n');
            s
        }
    }
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn severity(&self, s: Severity) -> String {
        match s {
            Severity::Breaking => self.wrap("1;31", "BREAKING    "),
            Severity::NonBreaking => self.wrap("32", "non-breaking"),
        }
    }
    fn semver(&self, s: Semver) -> String {
        let code = match s {
            Semver::Major => "1;31",
            Semver::Minor => "33",
            Semver::Patch => "36",
            Semver::None => "0",
        };
        self.wrap(code, s.as_str())
    }
    fn verdict(&self, s: Option<Semver>) -> String {
        match s {
            Some(s) => self.semver(s),
            None => self.wrap("1;31", UNKNOWN),
        }
    }
}

fn text(report: &Report, color: bool) -> String {
    let p = Paint(color);
    let mut out = format!(
        "{} → {}: {} breaking, {} non-breaking spec changes; generated crate: {}\n",
        report.old,
        report.new,
        report.count(Severity::Breaking),
        report.count(Severity::NonBreaking),
        p.verdict(report.semver())
    );
    for c in &report.changes {
        out.push_str(&format!(
            "\n{} {} {}\n",
            p.severity(c.severity),
            p.wrap("2", &format!("{} {}", c.rule.id, c.rule.name)),
            c.message
        ));
        if let Some(l) = &c.old {
            out.push_str(&format!("    old:  {}\n", l.short()));
        }
        if let Some(l) = &c.new {
            out.push_str(&format!("    new:  {}\n", l.short()));
        }
        for line in rust_items(report, c) {
            out.push_str(&format!("    rust: {}\n", line.replace('`', "")));
        }
    }
    match &report.rust {
        Ok(r) => {
            let (ma, mi, pa) = levels(report);
            out.push_str(&format!(
                "\nRust API: {} items changed ({ma} major, {mi} minor, {pa} patch)\n",
                r.changes.len()
            ));
            for c in &r.changes {
                out.push_str(&format!(
                    "  {:<5} {} {} {}{}\n",
                    p.semver(c.semver),
                    c.item,
                    c.kind.as_str(),
                    c.change.as_str(),
                    if c.detail.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", c.detail.replace('`', ""))
                    }
                ));
            }
        }
        Err(e) => out.push_str(&format!("\nRust API impact unavailable: {e}\n")),
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn markdown(report: &Report) -> String {
    let mut out = format!("# API diff: `{}` → `{}`\n\n", report.old, report.new);
    let (ma, mi, pa) = levels(report);
    out.push_str("| | |\n|---|---:|\n");
    out.push_str(&format!(
        "| Breaking spec changes | {} |\n",
        report.count(Severity::Breaking)
    ));
    out.push_str(&format!(
        "| Non-breaking spec changes | {} |\n",
        report.count(Severity::NonBreaking)
    ));
    match &report.rust {
        Ok(r) => out.push_str(&format!(
            "| Rust items changed | {} ({ma} major, {mi} minor, {pa} patch) |\n",
            r.changes.len()
        )),
        Err(e) => out.push_str(&format!(
            "| Rust items changed | unavailable: {} |\n",
            cell(e)
        )),
    }
    out.push_str(&format!(
        "| **Semver verdict for the generated crate** | **{}** |\n",
        report.semver().map_or(UNKNOWN, Semver::as_str)
    ));
    for (sev, title) in [
        (Severity::Breaking, "Breaking changes"),
        (Severity::NonBreaking, "Non-breaking changes"),
    ] {
        let list: Vec<&Change> = report
            .changes
            .iter()
            .filter(|c| c.severity == sev)
            .collect();
        out.push_str(&format!("\n## {title} ({})\n\n", list.len()));
        if list.is_empty() {
            out.push_str("None.\n");
            continue;
        }
        out.push_str("| Rule | Change | Where | Rust impact |\n|---|---|---|---|\n");
        for c in list {
            out.push_str(&format!(
                "| {} {} | {} | {} | {} |\n",
                c.rule.id,
                c.rule.name,
                cell(&c.message),
                cell(&where_(c)),
                cell(&rust_items(report, c).join("<br>"))
            ));
        }
    }
    if let Ok(r) = &report.rust {
        out.push_str(&format!("\n## Rust API changes ({})\n\n", r.changes.len()));
        if r.changes.is_empty() {
            out.push_str("None.\n");
        } else {
            out.push_str("| Semver | Item | Kind | Change | Detail |\n|---|---|---|---|---|\n");
            let mut sorted: Vec<&RustChange> = r.changes.iter().collect();
            sorted.sort_by(|a, b| b.semver.cmp(&a.semver).then(a.item.cmp(&b.item)));
            for c in sorted {
                out.push_str(&format!(
                    "| {} | `{}` | {} | {} | {} |\n",
                    c.semver.as_str(),
                    c.item,
                    c.kind.as_str(),
                    c.change.as_str(),
                    cell(&c.detail)
                ));
            }
        }
    }
    out
}

fn loc_json(l: &Option<Location>) -> Value {
    match l {
        Some(l) => json!({"file": l.file, "pointer": l.pointer}),
        None => Value::Null,
    }
}

/// The JSON document (see `schema.json`).
pub fn json(report: &Report) -> Value {
    let rust = report.rust.as_ref().ok();
    let changes: Vec<Value> = report
        .changes
        .iter()
        .map(|c| {
            let items: Vec<Value> = rust
                .map(|r| {
                    c.rust
                        .iter()
                        .map(|&i| {
                            let x = &r.changes[i];
                            json!({"item": x.item, "kind": x.kind.as_str(), "change": x.change.as_str(), "semver": x.semver.as_str()})
                        })
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "id": c.rule.id,
                "name": c.rule.name,
                "severity": c.severity.as_str(),
                "old": loc_json(&c.old),
                "new": loc_json(&c.new),
                "message": c.message,
                "semver": report.change_semver(c).map(Semver::as_str),
                "rust": items,
            })
        })
        .collect();
    let rust_json = match &report.rust {
        Ok(r) => json!({
            "changes": r.changes.iter().map(|x| json!({
                "item": x.item,
                "kind": x.kind.as_str(),
                "change": x.change.as_str(),
                "semver": x.semver.as_str(),
                "detail": x.detail,
                "old_signature": x.old_signature,
                "new_signature": x.new_signature,
            })).collect::<Vec<_>>(),
            "error": Value::Null,
        }),
        Err(e) => json!({"changes": [], "error": e}),
    };
    json!({
        "schema_version": SCHEMA_VERSION,
        "old": report.old,
        "new": report.new,
        "summary": {
            "breaking": report.count(Severity::Breaking),
            "non_breaking": report.count(Severity::NonBreaking),
            "semver": report.semver().map(Semver::as_str),
        },
        "changes": changes,
        "rust": rust_json,
    })
}
