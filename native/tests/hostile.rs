//! Hostile input, round 2 (issue #22), through the binary: wide records, workbook limits,
//! dates, temporaries left behind on failure, and the smaller cases.

mod util;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use util::Run;

/// A bound only a quadratic (or hung) run would miss: no timing is asserted beyond it.
const BOUND: Duration = Duration::from_secs(30);

/// Runs the binary, killing it if it has not finished within [`BOUND`] (a failure).
fn run_bounded(args: &[&str], scratch: &Path) -> Run {
    let out = scratch.join("stdout");
    let err = scratch.join("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_license-audit"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("binary starts");
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            panic!("license-audit {args:?} did not finish within {BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(out).unwrap(),
        stderr: std::fs::read_to_string(err).unwrap(),
    }
}

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

// ---- Item 2: wide records ---------------------------------------------------------------------

#[test]
fn inspect_reads_a_json_object_of_200000_keys() {
    let dir = scratch();
    let file = dir.path().join("wide.json");
    let mut json = String::from("[{");
    for i in 0..200_000 {
        json.push_str(&format!("\"Key{i}\":{i},"));
    }
    json.push_str("\"KEY0\":0}]");
    std::fs::write(&file, json).unwrap();
    let r = run_bounded(&["inspect", file.to_str().unwrap()], dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = &r.records()[0];
    assert_eq!(report["Records"], 1);
    let props = report["Properties"].as_array().unwrap();
    assert_eq!(props.len(), 200_000);
    assert_eq!(props[0]["Name"], "Key0");
}

#[test]
fn inspect_reads_a_csv_of_320000_columns() {
    let dir = scratch();
    let file = dir.path().join("wide.csv");
    let n = 320_000;
    let mut csv = (0..n)
        .map(|i| format!("C{i}"))
        .collect::<Vec<_>>()
        .join(",");
    csv.push('\n');
    csv.push_str(&vec!["x"; n].join(","));
    csv.push('\n');
    std::fs::write(&file, csv).unwrap();
    let r = run_bounded(&["inspect", file.to_str().unwrap()], dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = &r.records()[0];
    assert_eq!(report["Properties"].as_array().unwrap().len(), n);
}
