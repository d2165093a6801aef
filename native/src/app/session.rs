//! One run of the binary: where records go, where problems and progress go, the audit's "now",
//! and the async runtime for audits that read over the network.

use super::exit::AppError;
use super::history::Recorder;
use crate::model::Reporter;
use crate::output::diagnostics::Diagnostics;
use crate::output::{ConsoleReporter, Format, Output};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// One run of the binary: where records go, the reporter for problems and progress, and the
/// audit's "now".
pub struct Session {
    pub(super) format: Format,
    pub(super) output: Option<PathBuf>,
    pub as_of: DateTime<Utc>,
    pub(super) reporter: ConsoleReporter,
    /// --history DIR, and the command's words ("lync entitlement") for the run file
    history: Option<(PathBuf, String)>,
}

impl Session {
    pub fn new(
        format: Format,
        output: Option<PathBuf>,
        as_of: DateTime<Utc>,
        reporter: ConsoleReporter,
        history: Option<(PathBuf, String)>,
    ) -> Session {
        Session {
            format,
            output,
            as_of,
            reporter,
            history,
        }
    }

    pub fn diagnostics(&mut self) -> &mut Diagnostics {
        &mut self.reporter.diag
    }

    pub(super) fn open_output(&self) -> Result<Output, AppError> {
        Output::new(self.format, self.output.as_deref()).map_err(|e| {
            AppError::Arguments(format!(
                "cannot create --output {}: {e}",
                self.output
                    .as_deref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            ))
        })
    }

    /// Runs an audit that writes records: opens the output, hands the audit the sink and the
    /// reporter, finishes the output, and ends with exit 3 when any bad record was reported
    /// (the results then cover the remaining records).
    pub fn with_records(
        &mut self,
        audit: impl FnOnce(&mut Recorder<Output>, &mut ConsoleReporter) -> Result<(), AppError>,
    ) -> Result<(), AppError> {
        let run = self.history.as_ref().map(|(_, command)| {
            crate::report::history::LicenseAuditRun::new(
                env!("CARGO_PKG_VERSION"),
                command,
                self.as_of,
                Utc::now(),
            )
        });
        let mut out = Recorder::new(self.open_output()?, run);
        let before = self.reporter.bad_records();
        audit(&mut out, &mut self.reporter)?;
        let (out, run) = out.into_parts();
        out.finish().map_err(AppError::Output)?;
        if let (Some((dir, _)), Some(mut run)) = (&self.history, run) {
            run.bad_records = (self.reporter.bad_records() - before) as u64;
            super::history::save(dir, &run).map_err(|e| {
                AppError::Output(std::io::Error::new(
                    e.kind(),
                    format!("--history {}: {e}", dir.display()),
                ))
            })?;
        }
        self.no_bad_records_since(before)
    }

    /// Exit 3 (the results cover the remaining records) when any bad record was reported since
    /// the reporter counted `before`: the one reading of the count, for every audit.
    pub(super) fn no_bad_records_since(&self, before: usize) -> Result<(), AppError> {
        match self.reporter.bad_records() - before {
            0 => Ok(()),
            count => Err(AppError::InputProblems { count }),
        }
    }

    /// Writes plain text (schemas, SQL) to --output or stdout: for commands whose output is not
    /// records.
    pub fn write_text(&self, text: &str) -> Result<(), AppError> {
        use std::io::Write;
        match &self.output {
            Some(p) if !crate::output::replaced_atomically(p) => {
                let mut out = std::fs::OpenOptions::new()
                    .write(true)
                    .open(p)
                    .map_err(|e| {
                        AppError::Arguments(format!("cannot open --output {}: {e}", p.display()))
                    })?;
                out.write_all(text.as_bytes()).map_err(AppError::Output)?;
                out.flush().map_err(AppError::Output)
            }
            Some(p) => {
                // Complete or absent, as for records (see Output::new).
                let cannot_create = |e: std::io::Error| {
                    AppError::Arguments(format!("cannot create --output {}: {e}", p.display()))
                };
                let (mut file, temp) = crate::output::temporaries::Temporary::create(
                    &crate::output::temporary_beside(p),
                )
                .map_err(cannot_create)?;
                file.write_all(text.as_bytes()).map_err(cannot_create)?;
                drop(file);
                temp.persist(p).map_err(AppError::Output)
            }
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(text.as_bytes()).map_err(AppError::Output)?;
                out.flush().map_err(AppError::Output)
            }
        }
    }
}

/// The async runtime the SQL reader runs on (one thread: the audit is I/O-bound).
pub fn async_runtime() -> Result<tokio::runtime::Runtime, AppError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::Unreachable(format!("cannot start the async runtime: {e}")))
}
