//! The CI slice of the seeded mutation campaign (`codegen/src/mutate.rs`): a few hundred single
//! mutations of the 2023-04-01 package; the generator generates or rejects each with an error
//! naming file and JSON pointer, and never panics. `cargo xtask mutate 5000` runs thousands.

use std::path::Path;

use azml_codegen::mutate::{self, Tally};
use azml_codegen::Config;

/// Mutants run in `cargo test` (CI budget: keep it a few hundred and fast).
const COUNT: u64 = 200;
const SEED: u64 = 20_230_401;

#[test]
fn mutants_of_2023_04_01_never_panic_and_rejections_are_located() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let config = Config::load(&repo.join("specs/api-versions.toml")).unwrap();
    let root = config.spec_root(repo).unwrap_or_else(|e| panic!("{e}"));
    let av = config.get("2023-04-01").unwrap();
    let located = config.locate(av, &root).unwrap();
    let base = azml_codegen::load_package(&root, av, &located).unwrap();
    let baseline = azml_codegen::normalize::normalize(&base, &av.version).unwrap();
    std::panic::set_hook(Box::new(|_| {})); // panics are counted, not printed
    let mut tally = Tally::default();
    let count = std::env::var("AZML_MUTANTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(COUNT);
    for i in 0..count {
        let Some(m) = mutate::mutant(&base, SEED, i) else {
            continue;
        };
        tally.add(m.class, &m.site, &mutate::run(&m, &baseline));
    }
    let _ = std::panic::take_hook();
    println!("{}", tally.report());
    assert!(tally.total >= count as usize * 9 / 10, "{}", tally.report());
    assert!(tally.clean(), "{}", tally.report());
}
