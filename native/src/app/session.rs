//! One run of the binary: where records go, where problems and progress go, the audit's "now",
//! and the async runtime for audits that read over the network.

use super::exit::AppError;
use super::run_recorder::Recorder;
use crate::model::Reporter;
use crate::output::diagnostics::Diagnostics;
use crate::output::{ConsoleReporter, Format, Output};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// One run of the binary: where records go, the reporter for problems and progress, and the
/// audit's "now".
pub struct Session {
    pub(super) format: Format,
    /// The format --format asked for (`None`: chosen by where stdout goes)
    pub(super) requested_format: Option<Format>,
    pub(super) output: Option<PathBuf>,
    pub as_of: DateTime<Utc>,
    /// --date-order: the month/day order of the inputs' culture-text dates, handed to every
    /// audit in its options (`None`: each file decides).
    pub date_order: Option<crate::ingest::DateOrder>,
    pub(super) reporter: ConsoleReporter,
    /// --history DIR, and the command's words ("lync entitlement") for the run file
    history: Option<(PathBuf, String)>,
    /// Inputs the command cannot answer without (the users, the evidence): one with a header
    /// and no records ends the run with exit 3 (issue #22 item 3).
    required: Vec<(String, &'static str)>,
    /// Whether results built on a partly read file are marked (not for `inspect`, whose
    /// records describe the files themselves).
    pub(super) mark_incomplete: bool,
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
            requested_format: None,
            output,
            as_of,
            date_order: None,
            reporter,
            history,
            required: Vec::new(),
            mark_incomplete: true,
        }
    }

    /// Marks `path` as an input the command needs records from (`flag` names it): a file with a
    /// header and no records is then not an empty estate but exit 3, so no total or pass on it
    /// (`ual compliance --fail-on-shortfall`) looks complete.
    pub fn require_records(&mut self, path: &str, flag: &'static str) {
        self.required.push((path.to_string(), flag));
    }

    /// Where errors go; a progress bar still drawn is cleared first, so it never shares a line
    /// with them.
    pub fn diagnostics(&mut self) -> &mut Diagnostics {
        self.reporter.end_progress();
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
        let out = self.open_output()?;
        self.with_records_to(out, audit)
    }

    /// [`Session::with_records`] with the records going to `out` (`report`, whose --output is
    /// the workbook, writes its records to stdout).
    pub(super) fn with_records_to(
        &mut self,
        out: Output,
        audit: impl FnOnce(&mut Recorder<Output>, &mut ConsoleReporter) -> Result<(), AppError>,
    ) -> Result<(), AppError> {
        let run = self.history.as_ref().map(|(_, command)| {
            crate::history::LicenseAuditRun::new(
                env!("CARGO_PKG_VERSION"),
                command,
                self.as_of,
                Utc::now(),
            )
        });
        let mut out = Recorder::new(out, run);
        let before = self.reporter.bad_records();
        audit(&mut out, &mut self.reporter)?;
        let partly_read = self.mark_partly_read(&mut out)?;
        let (out, run) = out.into_parts();
        out.finish().map_err(AppError::Output)?;
        if let (Some((dir, _)), Some(mut run)) = (&self.history, run) {
            run.bad_records = (self.reporter.bad_records() - before) as u64;
            super::run_recorder::save(dir, &run).map_err(|e| {
                AppError::Output(std::io::Error::new(
                    e.kind(),
                    format!("--history {}: {e}", dir.display()),
                ))
            })?;
        }
        let empty = crate::ingest::header_only_inputs();
        if let Some((path, flag)) = self.required.iter().find(|(p, _)| empty.contains(p)) {
            return Err(AppError::Input(crate::model::InputError::file(
                path.as_str(),
                format!("has a header and no records, and {flag} is required: nothing was counted, so the results above are not an answer; give the export with its records"),
            )));
        }
        self.no_bad_records_since(before)?;
        // Results built on records that were themselves built on partly read input (`report`)
        // are as incomplete as those records: exit 3, as their run's was.
        match partly_read {
            0 => Ok(()),
            count => Err(AppError::InputProblems { count }),
        }
    }

    /// Never a zero from unread data (issue #21 item 2), the part every audit shares: a file of
    /// which no record could be used was refused before any total (crate::ingest::load); the
    /// summary records of results built on a partly read file carry `IncompleteInputs` (from
    /// [`Reporter::incomplete_inputs`], which this reads too), and here they are marked for a
    /// person as well: under the table (`INCOMPLETE:` footer) and on stderr (an
    /// `IncompleteInputs` warning, which the PowerShell module turns into a warning and its
    /// RunSummary's IncompleteInputs), naming the files.
    /// Returns the records not used, all files.
    fn mark_partly_read(&mut self, out: &mut Recorder<Output>) -> Result<usize, AppError> {
        let files = self.reporter.incomplete_inputs();
        if files.is_empty() || !self.mark_incomplete {
            return Ok(0);
        }
        let line = crate::model::incomplete_line(&files);
        crate::model::RecordSink::footer(out, std::slice::from_ref(&line))
            .map_err(AppError::from)?;
        self.reporter.warning("IncompleteInputs", &line);
        Ok(files.iter().map(|f| f.refused as usize).sum())
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
