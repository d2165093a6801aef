//! Progress on stderr: `json` lines for the PowerShell module (turned into Write-Progress), a
//! one-line counter on a terminal, or nothing. Rate-limited so it never costs throughput.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    None,
    Json,
    Bar,
}

impl ProgressMode {
    pub fn resolve(requested: Option<ProgressMode>) -> ProgressMode {
        requested.unwrap_or(if io::stderr().is_terminal() {
            ProgressMode::Bar
        } else {
            ProgressMode::None
        })
    }
}

const INTERVAL: Duration = Duration::from_millis(250);

pub struct Progress {
    mode: ProgressMode,
    activity: String,
    last: Option<Instant>,
    bar_drawn: bool,
}

impl Progress {
    pub fn new(mode: ProgressMode, activity: impl Into<String>) -> Self {
        Progress {
            mode,
            activity: activity.into(),
            last: None,
            bar_drawn: false,
        }
    }

    /// Reports unless the last report was under 250 ms ago. Cheap enough to call per record.
    pub fn tick(&mut self, status: &str, completed: u64, total: Option<u64>) {
        if self.mode == ProgressMode::None {
            return;
        }
        let now = Instant::now();
        if self.last.is_some_and(|t| now.duration_since(t) < INTERVAL) {
            return;
        }
        self.last = Some(now);
        self.emit(status, completed, total);
    }

    pub fn finish(&mut self, status: &str, completed: u64) {
        if self.mode == ProgressMode::None {
            return;
        }
        self.emit(status, completed, Some(completed));
        if self.bar_drawn {
            let _ = writeln!(io::stderr());
            self.bar_drawn = false;
        }
    }

    fn emit(&mut self, status: &str, completed: u64, total: Option<u64>) {
        let mut err = io::stderr().lock();
        match self.mode {
            ProgressMode::None => {}
            ProgressMode::Json => {
                let line = serde_json::json!({
                    "activity": self.activity, "status": status, "completed": completed, "total": total,
                });
                let _ = writeln!(err, "{line}");
            }
            ProgressMode::Bar => {
                let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
                let _ = write!(err, "\r{}: {status} {completed}{of}\x1b[K", self.activity);
                self.bar_drawn = true;
            }
        }
    }
}
