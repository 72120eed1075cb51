//! `cargo xtask mutate [count] [seed]`: the seeded mutation campaign of
//! `azml_codegen::mutate` over the 2023-04-01 package, at scale. Mutants run in child
//! processes (`xtask mutate-worker`), so a mutant that aborts the process (a stack overflow)
//! is counted and the campaign goes on with the next one.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use azml_codegen::mutate::{self, Class, Outcome, Tally, CLASSES};
use azml_codegen::Config;

const VERSION: &str = "2023-04-01";

fn load(root: &Path) -> Result<(azml_codegen::load::SpecSet, azml_codegen::ir::Api), String> {
    let config = Config::load(&root.join("specs/api-versions.toml")).map_err(|e| e.to_string())?;
    let spec_root = config.spec_root(root).map_err(|e| e.to_string())?;
    let av = config.get(VERSION).map_err(|e| e.to_string())?;
    let located = config.locate(av, &spec_root).map_err(|e| e.to_string())?;
    let base = azml_codegen::load_package(&spec_root, av, &located).map_err(|e| e.to_string())?;
    let baseline =
        azml_codegen::normalize::normalize(&base, &av.version).map_err(|e| e.to_string())?;
    Ok((base, baseline))
}

/// Child: runs mutants `start..end`, one line each: `start <i> <class> <site>` before, then
/// `done <i> <outcome> <message>`.
pub fn worker(root: &Path, args: &[String]) -> Result<(), String> {
    let num = |i: usize| -> Result<u64, String> {
        args.get(i)
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| "usage: xtask mutate-worker <seed> <start> <end>".to_string())
    };
    let (seed, start, end) = (num(0)?, num(1)?, num(2)?);
    let (base, baseline) = load(root)?;
    std::panic::set_hook(Box::new(|_| {}));
    let mut out = std::io::stdout().lock();
    for i in start..end {
        let Some(m) = mutate::mutant(&base, seed, i) else {
            writeln!(out, "skip {i}").map_err(|e| e.to_string())?;
            continue;
        };
        writeln!(out, "start {i} {:?} {}", m.class, m.site).map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
        let (kind, msg) = match mutate::run(&m, &baseline) {
            Outcome::Generated => ("generated", String::new()),
            Outcome::Rejected(e) => ("rejected", e),
            Outcome::Panicked(e) => ("panicked", e),
        };
        let msg = msg.replace('\n', " ");
        writeln!(out, "done {i} {kind} {msg}").map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn class_named(name: &str) -> Class {
    *CLASSES
        .iter()
        .find(|c| format!("{c:?}") == name)
        .unwrap_or(&CLASSES[0])
}

/// Parent: drives workers over `count` mutants and prints the tally.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let count: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(5000);
    let seed: u64 = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_230_401);
    load(root)?; // fail fast, in this process, when the specs are missing
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let mut tally = Tally::default();
    let mut next = 0u64;
    while next < count {
        let mut child = Command::new(&exe)
            .args([
                "mutate-worker",
                &seed.to_string(),
                &next.to_string(),
                &count.to_string(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        let stdout = child.stdout.take().expect("piped");
        let mut current: Option<(u64, String, String)> = None;
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| e.to_string())?;
            let mut parts = line.splitn(4, ' ');
            let (tag, i) = (parts.next(), parts.next().and_then(|i| i.parse().ok()));
            match (tag, i) {
                (Some("start"), Some(i)) => {
                    let class = parts.next().unwrap_or_default().to_string();
                    let site = parts.next().unwrap_or_default().to_string();
                    current = Some((i, class, site));
                }
                (Some("done"), Some(i)) => {
                    let kind = parts.next().unwrap_or_default();
                    let msg = parts.next().unwrap_or_default().to_string();
                    let (_, class, site) = current.take().unwrap_or_default();
                    let outcome = match kind {
                        "generated" => Outcome::Generated,
                        "rejected" => Outcome::Rejected(msg),
                        _ => Outcome::Panicked(msg),
                    };
                    tally.add(class_named(&class), &site, &outcome);
                    next = i + 1;
                    if next.is_multiple_of(500) {
                        eprintln!("{next}/{count} in {:.0?}", started.elapsed());
                    }
                }
                (Some("skip"), Some(i)) => next = i + 1,
                _ => {}
            }
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        if let Some((i, class, site)) = current {
            // The worker died inside mutant i.
            tally.abort(&class, &site);
            next = i + 1;
        } else if !status.success() {
            return Err(format!(
                "mutate-worker failed ({status}) before mutant {next}"
            ));
        }
    }
    println!("{}", tally.report());
    println!(
        "\nseed {seed}, {count} mutants of {VERSION} in {:.1?}",
        started.elapsed()
    );
    if tally.clean() {
        Ok(())
    } else {
        Err("the campaign found panics, aborts or rejections without a location".into())
    }
}
