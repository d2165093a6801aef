//! A tiny harness for driving the real binary (ripgrep-style): run it, capture exit code,
//! stdout and stderr, and locate fixtures.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub fn fixture(rel: &str) -> String {
    let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", rel]
        .iter()
        .collect();
    p.to_string_lossy().into_owned()
}

pub fn repo_path(rel: &str) -> String {
    let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", rel].iter().collect();
    p.to_string_lossy().into_owned()
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as NDJSON records.
    pub fn records(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {l}"))
            })
            .collect()
    }

    pub fn records_of(&self, record_type: &str) -> Vec<serde_json::Value> {
        self.records()
            .into_iter()
            .filter(|r| r["RecordType"] == record_type)
            .collect()
    }
}

pub fn run(args: &[&str]) -> Run {
    run_with_stdin(args, None)
}

pub fn run_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Run {
    run_with_env(args, stdin, &[])
}

pub fn run_with_env(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Run {
    run_in(None, args, stdin, env)
}

/// Runs the binary in `dir` (relative paths in `args` are read from there), else in the test's.
pub fn run_in(
    dir: Option<&std::path::Path>,
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &str)],
) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_license-audit"));
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    cmd.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("binary starts");
    if let Some(bytes) = stdin {
        let mut si = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = si.write_all(&bytes);
        });
    }
    let out = child.wait_with_output().expect("binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// xlsx-validate (Open XML SDK): found through LICENSEAUDIT_XLSX_VALIDATE (.ci/run sets it) or
/// on PATH; required under CI, skipped (with a note) elsewhere when absent.
pub fn validate_workbook(path: &std::path::Path) {
    let tool = std::env::var("LICENSEAUDIT_XLSX_VALIDATE")
        .ok()
        .filter(|t| !t.is_empty())
        .or_else(|| {
            Command::new("xlsx-validate")
                .arg("--help")
                .output()
                .ok()
                .map(|_| "xlsx-validate".to_string())
        });
    let Some(tool) = tool else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "xlsx-validate is not there (set LICENSEAUDIT_XLSX_VALIDATE): under CI every workbook a test writes must pass it"
        );
        eprintln!("xlsx-validate not found: {} not validated", path.display());
        return;
    };
    let out = Command::new(&tool)
        .arg(path)
        .output()
        .expect("xlsx-validate runs");
    assert!(
        out.status.success(),
        "{} is not valid:\n{}{}",
        path.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
