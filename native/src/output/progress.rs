//! Progress on stderr: `json` lines for the PowerShell module (turned into Write-Progress), one
//! bar per activity on a terminal that redraws in place and is cleared when the activity ends
//! (indicatif), or nothing. Rate-limited so it never costs throughput.

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

enum Display {
    None,
    Json,
    Bar(indicatif::ProgressBar),
}

pub struct Progress {
    display: Display,
    activity: String,
    last: Option<Instant>,
}

impl Progress {
    pub fn new(mode: ProgressMode, activity: impl Into<String>) -> Self {
        // Drawn only when stderr is a terminal (indicatif hides it otherwise).
        Self::drawn_on(mode, activity, || {
            indicatif::ProgressDrawTarget::stderr_with_hz(4)
        })
    }

    /// [`Progress::new`] with the bar drawn on `target` (a test's fake terminal).
    pub fn drawn_on(
        mode: ProgressMode,
        activity: impl Into<String>,
        target: impl FnOnce() -> indicatif::ProgressDrawTarget,
    ) -> Self {
        let activity = activity.into();
        let display = match mode {
            ProgressMode::None => Display::None,
            ProgressMode::Json => Display::Json,
            ProgressMode::Bar => {
                let bar = indicatif::ProgressBar::with_draw_target(None, target());
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{prefix}: {msg}")
                        .expect("valid template"),
                );
                bar.set_prefix(activity.clone());
                Display::Bar(bar)
            }
        };
        Progress {
            display,
            activity,
            last: None,
        }
    }

    /// Reports unless the last report was under 250 ms ago. Cheap enough to call per record.
    pub fn tick(&mut self, status: &str, completed: u64, total: Option<u64>) {
        if matches!(self.display, Display::None) {
            return;
        }
        let now = Instant::now();
        if self.last.is_some_and(|t| now.duration_since(t) < INTERVAL) {
            return;
        }
        self.last = Some(now);
        self.emit(status, completed, total);
    }

    /// The activity is done: a last JSON line, or the bar cleared from the terminal.
    pub fn finish(&mut self, status: &str, completed: u64) {
        match &self.display {
            Display::None => {}
            Display::Json => self.emit(status, completed, Some(completed)),
            Display::Bar(bar) => bar.finish_and_clear(),
        }
    }

    /// Runs `print` (an error or warning line on the same stderr) with the bar cleared from its
    /// line first and drawn again below after, so the two never share a line.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        match &self.display {
            Display::Bar(bar) => bar.suspend(print),
            _ => print(),
        }
    }

    fn emit(&mut self, status: &str, completed: u64, total: Option<u64>) {
        match &self.display {
            Display::None => {}
            Display::Json => {
                let line = serde_json::json!({
                    "activity": self.activity, "status": status, "completed": completed, "total": total,
                });
                let _ = writeln!(io::stderr().lock(), "{line}");
            }
            Display::Bar(bar) => {
                let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
                bar.set_message(format!("{status} {completed}{of}"));
            }
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // An activity cut short by an error leaves no bar behind.
        if let Display::Bar(bar) = &self.display {
            if !bar.is_finished() {
                bar.finish_and_clear();
            }
        }
    }
}
