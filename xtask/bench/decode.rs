//! `decode <variant> <file>`: decodes one compute-list page the way a variant does and prints
//! `seconds items peak_kib` (decode time only; peak resident memory of the whole process,
//! which read the same bytes in every variant). Built by `cargo xtask bench` in its
//! throw-away workspace `bench-work/`, next to the autorust crate; not part of the workspace.
//!
//! Variants:
//! - `value`: `serde_json::from_slice::<serde_json::Value>` — the floor;
//! - `azml-first-page`: what an azml pager does with its first page: the typed
//!   `ComputeResourceList` (progenitor's response decoding), items moved out;
//! - `azml-next-page`: what it does with every further page: a `Value` parse, then
//!   `Page::from_json` moves the items out and decodes each once;
//! - `autorust`: the retired autorust crate's serde-derived `PaginatedComputeResourcesList`.

use std::time::Instant;

use azml::v2023_04_01::models as azml_models;
use azure_mgmt_machinelearningservices::package_2023_04::models as autorust_models;

/// Peak resident memory of this process (`VmHWM`; `getrusage`'s `ru_maxrss` would include
/// the parent's peak, which `execve` carries over).
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("procfs");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (variant, path) = (&args[1], &args[2]);
    let bytes = std::fs::read(path).expect("fixture");
    let start = Instant::now();
    let (items, keep): (usize, Box<dyn std::any::Any>) = match variant.as_str() {
        "value" => {
            let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
            (v["value"].as_array().map_or(0, Vec::len), Box::new(v))
        }
        "azml-first-page" => {
            let page: azml_models::PaginatedComputeResourcesList =
                serde_json::from_slice(&bytes).expect("azml decodes the page");
            let items = page.value.unwrap_or_default();
            (items.len(), Box::new(items))
        }
        "azml-next-page" => {
            let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
            let page = azml::pager::Page::<azml_models::ComputeResource>::from_json(
                v,
                "value",
                Some("nextLink"),
            )
            .expect("azml decodes the page");
            (page.items.len(), Box::new(page.items))
        }
        "autorust" => {
            let page: autorust_models::PaginatedComputeResourcesList =
                serde_json::from_slice(&bytes).expect("autorust decodes the page");
            (page.value.len(), Box::new(page.value))
        }
        other => panic!("unknown variant {other}"),
    };
    let secs = start.elapsed().as_secs_f64();
    println!("{secs} {items} {}", peak_kib());
    drop(keep);
}
