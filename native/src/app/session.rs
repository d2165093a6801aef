//! One run of the binary: where records go, where problems and progress go, the audit's "now",
//! and the async runtime for audits that read over the network.

use super::exit::AppError;
use crate::model::Reporter;
use crate::output::diagnostics::Diagnostics;
use crate::output::{ConsoleReporter, Format, Output};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// One run of the binary: where records go, the reporter for problems and progress, and the
/// audit's "now".
pub struct Session {
    format: Format,
    output: Option<PathBuf>,
    pub as_of: DateTime<Utc>,
    reporter: ConsoleReporter,
}

impl Session {
    pub fn new(
        format: Format,
        output: Option<PathBuf>,
        as_of: DateTime<Utc>,
        reporter: ConsoleReporter,
    ) -> Session {
        Session {
            format,
            output,
            as_of,
            reporter,
        }
    }

    pub fn diagnostics(&mut self) -> &mut Diagnostics {
        &mut self.reporter.diag
    }

    fn open_output(&self) -> Result<Output, AppError> {
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
        audit: impl FnOnce(&mut Output, &mut ConsoleReporter) -> Result<(), AppError>,
    ) -> Result<(), AppError> {
        let mut out = self.open_output()?;
        let before = self.reporter.bad_records();
        audit(&mut out, &mut self.reporter)?;
        out.finish().map_err(AppError::Output)?;
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
            Some(p) => {
                // Complete or absent, as for records (see Output::new).
                let temp = crate::output::temporary_beside(p);
                std::fs::write(&temp, text).map_err(|e| {
                    AppError::Arguments(format!("cannot create --output {}: {e}", p.display()))
                })?;
                std::fs::rename(&temp, p).map_err(|e| {
                    let _ = std::fs::remove_file(&temp);
                    AppError::Output(e)
                })
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
