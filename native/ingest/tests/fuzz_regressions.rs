//! Replays, on stable Rust, every input the fuzz targets keep: the seed corpus
//! (`fuzz/seeds/<target>/`) and every crash, timeout or out-of-memory input the fuzzer ever
//! found (`fuzz/regressions/<target>/`, filled by `scripts/fuzz`). Each goes through the same
//! harness as the fuzzer (`fuzz/harness.rs`), whose assertions are the readers' contract.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::PathBuf;

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fuzz", kind, target]
        .iter()
        .collect();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.ends_with(".keep"))
        .collect();
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8])) {
    let seeds = inputs("seeds", target);
    assert!(!seeds.is_empty(), "no seeds for {target}");
    for path in seeds.iter().chain(inputs("regressions", target).iter()) {
        let data = std::fs::read(path).unwrap();
        // A panic here names the input; the harness asserts the reader's contract.
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{target}: {} failed", path.display());
    }
}

#[test]
fn json_inputs() {
    replay("json", harness::json);
}

#[test]
fn clixml_inputs() {
    replay("clixml", harness::clixml);
}

#[test]
fn csv_inputs() {
    replay("csv", harness::csv);
}

#[test]
fn whole_pipeline_inputs() {
    replay("input", harness::input);
}

#[test]
fn the_harness_counts_what_the_readers_give() {
    let data = std::fs::read(
        [
            env!("CARGO_MANIFEST_DIR"),
            "tests",
            "fixtures",
            "getcsuser.ndjson",
        ]
        .iter()
        .collect::<PathBuf>(),
    )
    .unwrap();
    let seen = harness::check(
        &data,
        license_audit_ingest::json::JsonReader::new(
            std::sync::Arc::from("fuzz-input"),
            Box::new(std::io::Cursor::new(data.clone())),
            None,
        ),
    );
    assert_eq!((seen.records, seen.errors), (3, 0));
}
