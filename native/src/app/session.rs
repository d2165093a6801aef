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
    /// The format --format asked for (`None`: chosen by where stdout goes)
    pub(super) requested_format: Option<Format>,
    pub(super) output: Option<PathBuf>,
    pub as_of: DateTime<Utc>,
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
        let files_before = self.reporter.bad_files().clone();
        audit(&mut out, &mut self.reporter)?;
        // Never a zero from unread data (issue #21 item 2), the part every audit shares: a file
        // of which no record could be used was refused before any total (crate::ingest::load);
        // totals built on a partly read file are marked, under the table and on stderr (which
        // the PowerShell module turns into a warning), naming the files.
        let partly_read = incomplete_inputs(&files_before, self.reporter.bad_files());
        if let Some(line) = partly_read.filter(|_| self.mark_incomplete) {
            crate::model::RecordSink::footer(&mut out, std::slice::from_ref(&line))
                .map_err(AppError::from)?;
            crate::model::Reporter::warning(&mut self.reporter, "IncompleteInputs", &line);
        }
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
        let empty = crate::ingest::header_only_inputs();
        if let Some((path, flag)) = self.required.iter().find(|(p, _)| empty.contains(p)) {
            return Err(AppError::Input(crate::model::InputError::file(
                path.as_str(),
                format!("has a header and no records, and {flag} is required: nothing was counted, so the results above are not an answer; give the export with its records"),
            )));
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

/// The mark for results built on partly read files: each file with the records of it that could
/// not be used in this run; `None` when every record was read.
fn incomplete_inputs(
    before: &std::collections::BTreeMap<String, usize>,
    after: &std::collections::BTreeMap<String, usize>,
) -> Option<String> {
    let files: Vec<String> = after
        .iter()
        .filter_map(|(file, n)| {
            let new = n - before.get(file).copied().unwrap_or(0);
            (new > 0).then(|| format!("{file} ({new} record(s) not used)"))
        })
        .collect();
    (!files.is_empty()).then(|| {
        format!(
            "INCOMPLETE: these results are built on partly read input: {}; the records reported above are left out of every count and total",
            files.join(", ")
        )
    })
}

/// The async runtime the SQL reader runs on (one thread: the audit is I/O-bound).
pub fn async_runtime() -> Result<tokio::runtime::Runtime, AppError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::Unreachable(format!("cannot start the async runtime: {e}")))
}
