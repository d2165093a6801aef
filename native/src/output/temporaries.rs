//! Files written beside an output and renamed over it when complete (`.<name>.partial-<pid>`,
//! a history run's `.tmp`): the ones still there are removed when the run is stopped by Ctrl+C
//! or SIGTERM (a console close or Ctrl+Break on Windows), or by the parent-process watch, so an
//! interrupted run leaves nothing behind (a 277 MB `.partial` file was left before).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// `path` is a temporary of this run until [`done`]: removed if the run is stopped.
pub fn register(path: &Path) {
    if let Ok(mut t) = TEMPORARIES.lock() {
        t.push(path.to_path_buf());
    }
}

/// `path` was renamed into place or removed: no longer this run's to remove.
pub fn done(path: &Path) {
    if let Ok(mut t) = TEMPORARIES.lock() {
        t.retain(|p| p != path);
    }
}

/// Removes every temporary still registered (the run is ending early).
pub fn remove_all() {
    // A handler must not wait on a lock the interrupted thread holds for long: it never is.
    if let Ok(mut t) = TEMPORARIES.lock() {
        for p in t.drain(..) {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Installs the handler that removes the temporaries and ends the run with `code` when it is
/// interrupted (once per process; a second call changes nothing).
pub fn remove_on_interrupt(code: i32) {
    let _ = ctrlc::set_handler(move || {
        remove_all();
        std::process::exit(code);
    });
}

/// A file of this run written beside its target and put in place when complete, the one way
/// every writer of a result file (records, `--output` text, the workbook, a history run) does
/// it: registered above until it is persisted, and removed (and unregistered) when dropped
/// unpersisted, so a failed run leaves nothing behind. The rename itself is tempfile's
/// `persist` (replace the target) or `persist_noclobber` (never replace one).
pub struct Temporary {
    path: Option<tempfile::TempPath>,
}

impl Temporary {
    /// Creates (or truncates) the file at `path` and makes it a temporary of this run.
    pub fn create(path: &Path) -> std::io::Result<(std::fs::File, Temporary)> {
        let file = std::fs::File::create(path)?;
        let path = tempfile::TempPath::try_from_path(path)?;
        register(&path);
        Ok((file, Temporary { path: Some(path) }))
    }

    pub fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(""))
    }

    /// Renames the file to `to`, replacing a file there; on failure it is removed.
    pub fn persist(mut self, to: &Path) -> std::io::Result<()> {
        let Some(path) = self.path.take() else {
            return Err(std::io::Error::other("temporary already persisted"));
        };
        let at = path.to_path_buf();
        // On failure the error's TempPath is dropped here, which removes the file.
        let persisted = path.persist(to).map_err(|e| e.error);
        done(&at);
        persisted
    }

    /// Renames the file to `to` only if nothing is there (`AlreadyExists` if something is);
    /// on failure the temporary stays, to be persisted elsewhere or dropped.
    pub fn persist_noclobber(&mut self, to: &Path) -> std::io::Result<()> {
        let Some(path) = self.path.take() else {
            return Err(std::io::Error::other("temporary already persisted"));
        };
        let at = path.to_path_buf();
        match path.persist_noclobber(to) {
            Ok(()) => {
                done(&at);
                Ok(())
            }
            Err(e) => {
                self.path = Some(e.path);
                Err(e.error)
            }
        }
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let at = path.to_path_buf();
            drop(path); // removes the file
            done(&at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registered(p: &Path) -> bool {
        TEMPORARIES.lock().unwrap().iter().any(|t| t == p)
    }

    #[test]
    fn persisted_replaces_the_target_and_is_no_longer_registered() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.json");
        std::fs::write(&target, "old").unwrap();
        let (mut f, t) = Temporary::create(&dir.path().join(".out.json.partial-1")).unwrap();
        std::io::Write::write_all(&mut f, b"new").unwrap();
        drop(f);
        let at = t.path().to_path_buf();
        assert!(registered(&at));
        t.persist(&target).unwrap();
        assert!(!registered(&at));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert!(!at.exists());
    }

    #[test]
    fn dropped_unpersisted_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let (_, t) = Temporary::create(&dir.path().join(".x.partial-2")).unwrap();
        let at = t.path().to_path_buf();
        assert!(at.exists());
        drop(t);
        assert!(!at.exists());
        assert!(!registered(&at));
    }

    #[test]
    fn noclobber_keeps_an_existing_target_and_the_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let taken = dir.path().join("run.json");
        std::fs::write(&taken, "first").unwrap();
        let (mut f, mut t) = Temporary::create(&dir.path().join(".run.3.tmp")).unwrap();
        std::io::Write::write_all(&mut f, b"second").unwrap();
        drop(f);
        let e = t.persist_noclobber(&taken).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&taken).unwrap(), "first");
        let next = dir.path().join("run-2.json");
        t.persist_noclobber(&next).unwrap();
        assert_eq!(std::fs::read_to_string(&next).unwrap(), "second");
        drop(t);
        assert!(
            next.exists(),
            "a persisted temporary is not removed when dropped"
        );
    }
}
