//! `cargo xtask bench decode [runs]`: decoding one 5,000-item compute list page, in the same
//! run, the way azml's pager does it, as a plain `serde_json::Value`, and with the retired
//! autorust crate's serde-derived `PaginatedComputeResourcesList` — time and peak memory, as ratios.
//!
//! The page is built from the spec mirror's recorded 2023-04-01 `Compute/get` responses
//! (AKS, AmlCompute, ComputeInstance in turn, each with its own name and id), written to
//! `bench-work/compute-list.json`. Each sample is a fresh release-built process
//! (`xtask/bench/decode.rs`), so peak memory is per variant. Time is the best of the runs
//! (the one least disturbed by other work on the machine), memory the median; with valgrind
//! installed, the instructions of one run each are counted too (callgrind), a figure other
//! load on the machine does not change.

use std::path::Path;
use std::process::Command;

use azml_codegen::Config;
use serde_json::{json, Value};

use crate::bench::{bench_workspace, cargo, median};

const ITEMS: usize = 5000;
const VARIANTS: [(&str, &str); 4] = [
    ("value", "`serde_json::Value` parse"),
    ("azml-first-page", "azml pager, first page (typed list)"),
    (
        "azml-next-page",
        "azml pager, further pages (`Value` → items)",
    ),
    (
        "autorust",
        "autorust 0.21 `PaginatedComputeResourcesList` (serde derive)",
    ),
];

/// The 5,000-item page, from the recorded examples.
fn fixture(root: &Path) -> Result<Vec<u8>, String> {
    let config = Config::load(&root.join("specs/api-versions.toml")).map_err(|e| e.to_string())?;
    let spec_root = config.spec_root(root).map_err(|e| e.to_string())?;
    let av = config.get("2023-04-01").map_err(|e| e.to_string())?;
    let located = config.locate(av, &spec_root).map_err(|e| e.to_string())?;
    let dir = spec_root.join(located.dir).join("examples/Compute/get");
    let mut templates = Vec::new();
    for name in ["AKSCompute.json", "AmlCompute.json", "ComputeInstance.json"] {
        let path = dir.join(name);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let ex: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        templates.push(ex["responses"]["200"]["body"].clone());
    }
    let value: Vec<Value> = (0..ITEMS)
        .map(|i| {
            let mut item = templates[i % templates.len()].clone();
            let name = format!("compute-{i:05}");
            if let Some(id) = item["id"].as_str() {
                let base = id.rsplit_once('/').map_or(id, |(b, _)| b);
                item["id"] = json!(format!("{base}/{name}"));
            }
            item["name"] = json!(name);
            item
        })
        .collect();
    serde_json::to_vec(&json!({ "value": value })).map_err(|e| e.to_string())
}

/// One sample: `(seconds, items, peak MiB)`.
fn sample(exe: &Path, variant: &str, file: &Path) -> Result<(f64, usize, f64), String> {
    let out = Command::new(exe)
        .arg(variant)
        .arg(file)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "decode {variant} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    let parse = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok());
    match (parse(0), parse(1), parse(2)) {
        (Some(s), Some(n), Some(kib)) => Ok((s, n as usize, kib / 1024.0)),
        _ => Err(format!("bad decode output {text:?}")),
    }
}

/// Instructions one run of `variant` executes, counted by `valgrind --tool=callgrind`
/// (repeatable whatever else the machine is doing); `None` without valgrind.
fn instructions(exe: &Path, variant: &str, file: &Path) -> Option<u64> {
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(exe)
        .arg(variant)
        .arg(file)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stderr);
    let refs = text.lines().find_map(|l| l.split("refs:").nth(1))?;
    refs.trim().replace(',', "").parse().ok()
}

/// Builds the decode program, runs every variant `runs` times, prints a Markdown table.
pub fn run(root: &Path, runs: usize) -> Result<(), String> {
    let dir = bench_workspace(root)?;
    let file = dir.join("compute-list.json");
    let bytes = fixture(root)?;
    std::fs::write(&file, &bytes).map_err(|e| e.to_string())?;
    eprintln!("building the decode program (release)…");
    cargo(&dir, &["build", "--release", "--bin", "decode"])?;
    let exe = dir.join("target/release/decode");
    let mut rows = Vec::new();
    for (variant, label) in VARIANTS {
        let mut secs = Vec::new();
        let mut peaks = Vec::new();
        let mut items = 0;
        for _ in 0..runs.max(1) {
            let (s, n, p) = sample(&exe, variant, &file)?;
            secs.push(s);
            peaks.push(p);
            items = n;
        }
        if items != ITEMS {
            return Err(format!("{variant} decoded {items} items, not {ITEMS}"));
        }
        let best = secs.iter().copied().fold(f64::INFINITY, f64::min);
        let ir = instructions(&exe, variant, &file);
        rows.push((label, best, median(peaks), ir));
    }
    println!(
        "\n## Decoding a {ITEMS}-item compute list page ({:.1} MB, release, {runs} runs each: \
         best time, median peak memory)\n",
        bytes.len() as f64 / 1e6
    );
    println!("| decoder | ms | × Value | peak MiB | × Value | instructions (M) | × Value |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let (base_s, base_m, base_ir) = (rows[0].1, rows[0].2, rows[0].3);
    for (label, s, m, ir) in &rows {
        let (ir_m, ir_x) = match (ir, base_ir) {
            (Some(i), Some(b)) => (
                format!("{:.0}", *i as f64 / 1e6),
                format!("{:.2}×", *i as f64 / b as f64),
            ),
            _ => ("–".into(), "–".into()),
        };
        println!(
            "| {label} | {:.0} | {:.2}× | {m:.0} | {:.2}× | {ir_m} | {ir_x} |",
            s * 1000.0,
            s / base_s,
            m / base_m
        );
    }
    Ok(())
}
