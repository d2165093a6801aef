//! The application layer: from argv to exit code. Parses the command line, sets up where records,
//! problems and progress go, maps each command's arguments onto its audit's options, runs it, and
//! decides the exit code. The only layer that knows flags, stdout/stderr and exit codes.
//!
//! Dependencies run one way: model ← ingest ← audits (`inspect`, `lync`, `lync::usage`, `ual`)
//! ← app. `native/tests/architecture.rs` fails on any import that runs the other way.

pub mod cli;
mod estate;
pub mod exit;
mod lync;
pub mod schema;
mod secrets;
mod ual;
mod uc;

use crate::model::Reporter;
use crate::output::diagnostics::{Diagnostics, ErrorFormat};
use crate::output::progress::ProgressMode;
use crate::output::{ConsoleReporter, Format, Output};
use chrono::{DateTime, Utc};
use clap::Parser;
use cli::UcCommand;
use cli::{Cli, Command, ErrorFormatArg, FormatArg, LyncCommand, ProgressArg, UalCommand};
use exit::{AppError, Exit};
use std::ffi::OsString;
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
        let mut w: Box<dyn Write> = match &self.output {
            Some(p) => Box::new(std::fs::File::create(p).map_err(|e| {
                AppError::Arguments(format!("cannot create --output {}: {e}", p.display()))
            })?),
            None => Box::new(std::io::stdout()),
        };
        w.write_all(text.as_bytes()).map_err(AppError::Output)?;
        w.flush().map_err(AppError::Output)
    }
}

/// The async runtime the SQL reader runs on (one thread: the audit is I/O-bound).
fn async_runtime() -> Result<tokio::runtime::Runtime, AppError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::Unreachable(format!("cannot start the async runtime: {e}")))
}

pub fn run<I, T>(args: I) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let early_format = error_format_from_argv(&args);
    let cli = match Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return Exit::Success;
            }
            if early_format == ErrorFormat::Json {
                let mut d = Diagnostics::new(early_format);
                d.error(
                    Exit::InvalidArguments.name(),
                    e.to_string().lines().next().unwrap_or("invalid arguments"),
                );
            } else {
                let _ = e.print();
            }
            return Exit::InvalidArguments;
        }
    };
    let g = &cli.global;
    let format = g.format.map(|f| match f {
        FormatArg::Ndjson => Format::Ndjson,
        FormatArg::Json => Format::Json,
        FormatArg::Csv => Format::Csv,
        FormatArg::Table => Format::Table,
    });
    let progress = g.progress.map(|p| match p {
        ProgressArg::None => ProgressMode::None,
        ProgressArg::Json => ProgressMode::Json,
        ProgressArg::Bar => ProgressMode::Bar,
    });
    let error_format = match g.error_format {
        ErrorFormatArg::Text => ErrorFormat::Text,
        ErrorFormatArg::Json => ErrorFormat::Json,
    };
    let mut session = Session {
        format: Format::resolve(format, g.output.is_some()),
        output: g.output.clone(),
        as_of: g.as_of.unwrap_or_else(Utc::now),
        reporter: ConsoleReporter::new(
            Diagnostics::new(error_format),
            ProgressMode::resolve(progress),
        ),
    };
    let stdin_uses = args.iter().filter(|a| a.to_str() == Some("-")).count()
        + args
            .iter()
            .filter(|a| a.to_str() == Some("--password-stdin"))
            .count();
    let result = if stdin_uses > 1 {
        Err(AppError::Arguments(
            "standard input (-) can feed only one input per run".into(),
        ))
    } else {
        dispatch(&mut session, &cli.command)
    };
    match result {
        Ok(()) => Exit::Success,
        Err(AppError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Success,
        Err(e) => {
            let exit = e.exit();
            let diag = &mut session.reporter.diag;
            match &e {
                // Already reported one by one.
                AppError::InputProblems { .. } => {}
                AppError::Input(ie) => diag.input_error(ie),
                other => diag.error(exit.name(), &other.to_string()),
            }
            exit
        }
    }
}

fn error_format_from_argv(args: &[OsString]) -> ErrorFormat {
    let strs: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    let json = strs
        .windows(2)
        .any(|w| w[0] == "--error-format" && w[1] == "json")
        || strs.contains(&"--error-format=json");
    if json {
        ErrorFormat::Json
    } else {
        ErrorFormat::Text
    }
}

/// One line per command: which mapping runs it.
fn dispatch(s: &mut Session, command: &Command) -> Result<(), AppError> {
    match command {
        Command::Schema(a) => schema::run(s, a),
        Command::Inspect(a) => s.with_records(|out, rep| {
            crate::inspect::run(&a.files, out, rep).map_err(AppError::Output)
        }),
        Command::Lync(l) => match l {
            LyncCommand::Entitlement(a) => lync::entitlement(s, a),
            LyncCommand::Policies(a) => lync::policies(s, a),
            LyncCommand::Plan(a) => lync::plan(s, a),
            LyncCommand::Template(a) => lync::template(s, a),
            LyncCommand::Usage(a) => lync::usage(s, a),
            LyncCommand::UsageQueries(a) => lync::usage_queries(s, a.lync2010),
        },
        Command::Ual(UalCommand::Compliance(a)) => ual::compliance(s, a),
        Command::Uc(UcCommand::Count(a)) => uc::count(s, a),
    }
}
