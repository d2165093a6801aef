//! Helpers shared by the integration tests.
#![allow(dead_code)]

use license_audit_ingest::{open_input, open_reader, InputFile, Record};
use license_audit_model::InputError;
use std::path::PathBuf;

pub fn path(rel: &str) -> String {
    let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", rel].iter().collect();
    p.to_string_lossy().into_owned()
}

/// Opens a file under `tests/` by path, as the CLI does.
pub fn open(rel: &str) -> Result<InputFile, InputError> {
    open_input(&path(rel))
}

/// Every result a file under `tests/` gives (an open error is the only item).
pub fn results(rel: &str) -> Vec<Result<Record, InputError>> {
    match open(rel) {
        Ok(input) => input.collect(),
        Err(e) => vec![Err(e)],
    }
}

/// Every result some bytes give.
pub fn results_of(name: &str, bytes: Vec<u8>) -> Vec<Result<Record, InputError>> {
    match open_reader(name, Box::new(std::io::Cursor::new(bytes))) {
        Ok(input) => input.collect(),
        Err(e) => vec![Err(e)],
    }
}

pub fn oks(results: &[Result<Record, InputError>]) -> Vec<&Record> {
    results.iter().filter_map(|r| r.as_ref().ok()).collect()
}

pub fn errs(results: &[Result<Record, InputError>]) -> Vec<&InputError> {
    results.iter().filter_map(|r| r.as_ref().err()).collect()
}

/// The one error among the results (panics, showing them, if there is not exactly one).
pub fn only_error(results: &[Result<Record, InputError>]) -> &InputError {
    let e = errs(results);
    assert_eq!(e.len(), 1, "expected one error, got {results:#?}");
    e[0]
}

/// A stream of `head`, then `body` repeated `times`, then `tail`, without holding it in memory.
pub struct Repeat {
    parts: Vec<(Vec<u8>, u64)>,
    at: usize,
    offset: usize,
    left: u64,
}

impl Repeat {
    pub fn new(head: &[u8], body: &[u8], times: u64, tail: &[u8]) -> Repeat {
        Repeat {
            parts: vec![
                (head.to_vec(), 1),
                (body.to_vec(), times),
                (tail.to_vec(), 1),
            ],
            at: 0,
            offset: 0,
            left: 1,
        }
    }
}

impl std::io::Read for Repeat {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let Some((part, times)) = self.parts.get(self.at) else {
                return Ok(0);
            };
            if self.left == 0 || part.is_empty() {
                self.at += 1;
                self.offset = 0;
                self.left = self.parts.get(self.at).map_or(0, |p| p.1);
                continue;
            }
            let _ = times;
            let n = (part.len() - self.offset).min(buf.len());
            buf[..n].copy_from_slice(&part[self.offset..self.offset + n]);
            self.offset += n;
            if self.offset == part.len() {
                self.offset = 0;
                self.left -= 1;
            }
            return Ok(n);
        }
    }
}

/// Peak resident memory of this process so far, in MiB (Linux; None elsewhere).
pub fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// A directory under the system temp dir, removed when dropped (no extra dependency).
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "license-audit-ingest-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
