//! The application layer: from argv to exit code. Parses the command line, sets up where records,
//! problems and progress go, maps each command's arguments onto its audit's options, runs it, and
//! decides the exit code. The only layer that knows flags, stdout/stderr and exit codes.
//!
//! Every command is one entry of `audits::AUDITS`: the command line is built from the list and
//! dispatch runs the entry clap matched.
//!
//! Dependencies run one way: model ← ingest ← audits (`inspect`, `lync`, `lync::usage`,
//! `rightsize`, `ual`, `uc`, `teams`, `workbook` for `report`, `history`) ← app.
//! `native/tests/architecture.rs` fails on any import that runs the other way, and on any cycle
//! between files. Each command domain has its mapping file here, named after it (`app/lync.rs`
//! for `lync/`, `app/workbook.rs` for `workbook/`, …).

pub mod audits;
pub mod cli;
mod estate_dir;
pub mod exit;
mod history;
mod inspect;
mod lync;
mod parent;
mod rightsize;
mod run_recorder;
pub mod schema;
mod secrets;
mod session;
mod teams;
mod ual;
mod uc;
mod workbook;

pub use session::Session;

use crate::output::diagnostics::{Diagnostics, ErrorFormat};
use crate::output::progress::ProgressMode;
use crate::output::{ConsoleReporter, Format};
use chrono::Utc;
use clap::FromArgMatches;
use cli::{ErrorFormatArg, FormatArg, GlobalArgs, ProgressArg};
use exit::{AppError, Exit};
use std::ffi::OsString;

/// The exit code of a run stopped by Ctrl+C or SIGTERM (after its temporaries are removed).
pub const INTERRUPTED: i32 = 130;

pub fn run<I, T>(args: I) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    parent::watch();
    // Stopped by Ctrl+C or SIGTERM: the output being written is removed, not left half-written
    // beside the target; 130 is what a shell reports for a run ended by Ctrl+C.
    crate::output::temporaries::remove_on_interrupt(INTERRUPTED);
    let early_format = error_format_from_argv(&args);
    let parsed = audits::command()
        .try_get_matches_from(&args)
        .and_then(|m| GlobalArgs::from_arg_matches(&m).map(|g| (m, g)));
    let (matches, g) = match parsed {
        Ok(p) => p,
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
    let mut session = Session::new(
        Format::resolve(format, g.output.is_some()),
        g.output.clone(),
        g.as_of.unwrap_or_else(Utc::now),
        ConsoleReporter::new(
            Diagnostics::new(error_format),
            ProgressMode::resolve(progress),
        ),
        g.history
            .clone()
            .map(|dir| (dir, audits::matched_words(&matches).0.join(" "))),
    );
    session.requested_format = format;
    session.date_order = g.date_order.map(|order| match order {
        cli::DateOrderArg::Mdy => crate::ingest::DateOrder::MonthFirst,
        cli::DateOrderArg::Dmy => crate::ingest::DateOrder::DayFirst,
    });
    // stdin feeds one input per run; a password read with --password-stdin is its first line
    // and the records of one `-` input may follow it.
    let dash_inputs = args.iter().filter(|a| a.to_str() == Some("-")).count();
    let result = if dash_inputs > 1 {
        Err(AppError::Arguments(
            "standard input (-) can feed only one input per run".into(),
        ))
    } else {
        audits::dispatch(&mut session, &matches)
    };
    match result {
        Ok(()) => Exit::Success,
        Err(AppError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Success,
        Err(e) => {
            let exit = e.exit();
            let diag = session.diagnostics();
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
