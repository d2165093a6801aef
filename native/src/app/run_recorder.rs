//! `--history DIR`: a record sink that passes every record through and keeps the run's totals,
//! then writes them as one dated JSON file in DIR, atomically (a temporary file, then a rename
//! that fails rather than replace), never overwriting an earlier run.

use crate::history::{needs_fields, LicenseAuditRun};
use crate::model::{OutputError, OutputRecord, RecordSink};
use crate::output::temporaries::Temporary;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Passes records to `inner`; with a run to fill, counts them too.
pub struct Recorder<S> {
    inner: S,
    run: Option<LicenseAuditRun>,
}

impl<S: RecordSink> Recorder<S> {
    pub fn new(inner: S, run: Option<LicenseAuditRun>) -> Self {
        Recorder { inner, run }
    }

    pub fn into_parts(self) -> (S, Option<LicenseAuditRun>) {
        (self.inner, self.run)
    }
}

impl<S: RecordSink> RecordSink for Recorder<S> {
    fn write<R: OutputRecord>(&mut self, record: &R) -> Result<(), OutputError> {
        if let Some(run) = &mut self.run {
            let fields = if needs_fields(R::RECORD_TYPE) {
                Some(serde_json::to_value(record).map_err(|e| OutputError(io::Error::other(e)))?)
            } else {
                None
            };
            run.add(R::RECORD_TYPE, fields.as_ref());
        }
        self.inner.write(record)
    }
    fn footer(&mut self, lines: &[String]) -> Result<(), OutputError> {
        self.inner.footer(lines)
    }
}

/// Writes the run file; returns its path. An existing file of the same name is never replaced:
/// the run gets the next free `-2`, `-3`, … name.
pub fn save(dir: &Path, run: &LicenseAuditRun) -> io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let stem = run.file_stem();
    // Removed if writing fails (a full disk left a 0-byte .tmp behind) or the run is stopped.
    let (mut f, mut tmp) =
        Temporary::create(&dir.join(format!(".{stem}.{}.tmp", std::process::id())))?;
    let text = serde_json::to_string_pretty(run).map_err(io::Error::other)?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()?;
    drop(f);
    for n in 1..10_000u32 {
        let name = if n == 1 {
            format!("{stem}.json")
        } else {
            format!("{stem}-{n}.json")
        };
        let target = dir.join(name);
        match tmp.persist_noclobber(&target) {
            Ok(()) => return Ok(target),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            // File systems that can neither rename without replacing nor hard-link: check, then
            // rename (not atomic against a concurrent run of the same second, which the
            // no-clobber rename is).
            Err(_) if !target.exists() => {
                tmp.persist(&target)?;
                return Ok(target);
            }
            Err(_) => continue,
        }
    }
    Err(io::Error::other("no free run file name"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn runs_never_overwrite_each_other() {
        let d = tempfile::tempdir().unwrap();
        let t = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let mut run = LicenseAuditRun::new("0.1.0", "lync entitlement", t, t);
        let a = save(d.path(), &run).unwrap();
        run.bad_records = 7;
        let b = save(d.path(), &run).unwrap();
        assert_ne!(a, b);
        assert!(b
            .to_string_lossy()
            .ends_with("lync-entitlement-20261101T000000Z-2.json"));
        let first: LicenseAuditRun =
            serde_json::from_str(&std::fs::read_to_string(&a).unwrap()).unwrap();
        assert_eq!(first.bad_records, 0, "the first run is untouched");
        let names: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "no temporary file left: {names:?}");
    }
}
