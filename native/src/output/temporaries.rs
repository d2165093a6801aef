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
