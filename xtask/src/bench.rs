//! `cargo xtask bench`: generation speed, generated size, and compile cost of the generated
//! crate measured side by side, in the same run, with the retired autorust crate
//! `azure_mgmt_machinelearningservices` 0.21 (feature `package-2023-04`, default features off).
//!
//! Compile figures are for the crate itself (dependencies are built first, then only the
//! measured crate is cleaned and rebuilt), with `CARGO_INCREMENTAL=0`. Peak memory is the
//! largest resident set of any process the measured cargo run waited for (`getrusage`), read by
//! a fresh `xtask measure` child per run so runs do not mix.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use azml_codegen::{generate, Config};

const PEER: &str = "azure_mgmt_machinelearningservices";
const PEER_VERSION: &str = "=0.21.0";
const PEER_FEATURE: &str = "package-2023-04";
const OUR_FEATURE: &str = "v2023_04_01";

/// One measured command: wall time and peak RSS in MiB.
#[derive(Debug, Clone, Copy)]
struct Sample {
    secs: f64,
    peak_mib: f64,
}

/// `xtask measure <cmd> <args…>`: runs the command and prints `secs peak_kib`.
pub fn measure(args: &[String]) -> Result<(), String> {
    let start = Instant::now();
    let status = Command::new(&args[0])
        .args(&args[1..])
        .status()
        .map_err(|e| format!("{}: {e}", args[0]))?;
    let secs = start.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!("{args:?} failed: {status}"));
    }
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    println!("{secs} {}", usage.ru_maxrss);
    Ok(())
}

pub(crate) fn cargo(dir: &Path, args: &[&str]) -> Result<(), String> {
    let status = Command::new("cargo")
        .args(args)
        .current_dir(dir)
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .map_err(|e| e.to_string())?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("cargo {args:?} failed"))
}

fn measured(dir: &Path, args: &[&str]) -> Result<Sample, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new(exe)
        .arg("measure")
        .arg("cargo")
        .args(args)
        .current_dir(dir)
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "measure cargo {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    let secs: f64 = it
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("bad measure output")?;
    let kib: f64 = it
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("bad measure output")?;
    Ok(Sample {
        secs,
        peak_mib: kib / 1024.0,
    })
}

pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    v[v.len() / 2]
}

/// Writes the throw-away workspace that holds both crates.
pub(crate) fn bench_workspace(root: &Path) -> Result<std::path::PathBuf, String> {
    let dir = root.join("bench-work");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"bench-peer\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\n\
         azml = {{ path = \"../generated\", default-features = false, features = [\"{OUR_FEATURE}\"] }}\n\
         {PEER} = {{ version = \"{PEER_VERSION}\", default-features = false, features = [\"{PEER_FEATURE}\"] }}\n"
    );
    // The decode benchmark's program (`xtask/bench/decode.rs`) needs both crates too.
    let manifest = format!(
        "{manifest}serde_json = \"1\"\n\n\
         [[bin]]\nname = \"decode\"\npath = \"../xtask/bench/decode.rs\"\n\n\
         [profile.release]\ndebug = false\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/lib.rs"), "").map_err(|e| e.to_string())?;
    Ok(dir)
}

/// Runs the whole benchmark and prints a Markdown report.
pub fn run(root: &Path, runs: usize) -> Result<(), String> {
    compile(root, runs)?;
    crate::decode_bench::run(root, runs)
}

/// Generation and compile cost.
fn compile(root: &Path, runs: usize) -> Result<(), String> {
    let config = Config::load(&root.join("specs/api-versions.toml")).map_err(|e| e.to_string())?;
    let spec_root = config.spec_root(root).map_err(|e| e.to_string())?;

    // Generation.
    let mut gen_times = Vec::new();
    let mut files = Vec::new();
    for _ in 0..runs.max(3) {
        let t = Instant::now();
        files = generate(&config, &spec_root).map_err(|e| e.to_string())?;
        gen_times.push(t.elapsed().as_secs_f64());
    }
    println!("## Generation\n");
    println!(
        "All {} api-versions: median {:.2} s over {} runs.\n",
        config.api_version.len(),
        median(gen_times.clone()),
        gen_times.len()
    );
    println!("| api-version | lines generated | operations | models |");
    println!("|---|---:|---:|---:|");
    for av in &config.api_version {
        let m = av.module_name();
        let lines: usize = files
            .iter()
            .filter(|f| f.path.contains(&format!("/{m}/")))
            .map(|f| f.contents.lines().count())
            .sum();
        let api = azml_codegen::load_api(&config, &spec_root, av).map_err(|e| e.to_string())?;
        println!(
            "| {} | {lines} | {} | {} |",
            av.version,
            api.operations.len(),
            api.types.len()
        );
    }

    // Compile cost, side by side.
    let dir = bench_workspace(root)?;
    let crates = [("azml", OUR_FEATURE), (PEER, PEER_FEATURE)];
    let mut results: Vec<(&str, &str, Vec<Sample>, Vec<Sample>)> = Vec::new();
    for (krate, feature) in crates {
        eprintln!("warming dependencies of {krate}…");
        cargo(&dir, &["check", "-p", krate])?;
        cargo(&dir, &["build", "-p", krate])?;
        results.push((krate, feature, Vec::new(), Vec::new()));
    }
    for i in 0..runs {
        for (krate, _, checks, builds) in results.iter_mut() {
            eprintln!("run {}/{runs}: {krate}", i + 1);
            cargo(&dir, &["clean", "-p", krate])?;
            checks.push(measured(&dir, &["check", "-p", krate])?);
            cargo(&dir, &["clean", "-p", krate])?;
            builds.push(measured(&dir, &["build", "-p", krate])?);
        }
    }
    let summary = |v: &[Sample]| {
        (
            median(v.iter().map(|s| s.secs).collect()),
            median(v.iter().map(|s| s.peak_mib).collect()),
        )
    };
    println!(
        "\n## Compile cost of the crate itself (median of {runs}, CARGO_INCREMENTAL=0, {} cores)\n",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("| crate (feature) | check s | check peak MiB | build s | build peak MiB |");
    println!("|---|---:|---:|---:|---:|");
    let mut rows = Vec::new();
    for (krate, feature, checks, builds) in &results {
        let (cs, cm) = summary(checks);
        let (bs, bm) = summary(builds);
        println!("| `{krate}` ({feature}) | {cs:.1} | {cm:.0} | {bs:.1} | {bm:.0} |");
        rows.push((cs, cm, bs, bm));
    }
    let (o, p) = (rows[0], rows[1]);
    println!(
        "| **ratio azml / autorust** | **{:.2}×** | **{:.2}×** | **{:.2}×** | **{:.2}×** |",
        o.0 / p.0,
        o.1 / p.1,
        o.2 / p.2,
        o.3 / p.3
    );
    Ok(())
}
