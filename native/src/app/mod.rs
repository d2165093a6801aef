//! The application layer: from argv to exit code. Parses the command line, sets up where records,
//! problems and progress go, maps each command's arguments onto its audit's options, runs it, and
//! decides the exit code. The only layer that knows flags, stdout/stderr and exit codes.
//!
//! Dependencies run one way: model ← ingest ← audits (`inspect`, `lync`, `lync::usage`,
//! `rightsize`, `ual`, `uc`, `teams`, `workbook` for `report`, `history`) ← app.
//! `native/tests/architecture.rs` fails on any import that runs the other way, and on any cycle
//! between files. Each command domain has its mapping file here, named after it (`app/lync.rs`
//! for `lync/`, `app/workbook.rs` for `workbook/`, …).

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
use clap::Parser;
use cli::{Cli, Command, ErrorFormatArg, FormatArg, LyncCommand, ProgressArg, UalCommand};
use cli::{TeamsCommand, UcCommand};
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
            .map(|dir| (dir, history_command_name(&args))),
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
        dispatch(&mut session, &cli.command)
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

/// The subcommand words of this run ("lync entitlement"), for the --history run file.
fn history_command_name(args: &[OsString]) -> String {
    use clap::CommandFactory;
    let mut words = Vec::new();
    if let Ok(m) = Cli::command().try_get_matches_from(args) {
        let mut m = &m;
        while let Some((name, sub)) = m.subcommand() {
            words.push(name.to_string());
            m = sub;
        }
    }
    words.join(" ")
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
        Command::Inspect(a) => inspect::run(s, a),
        Command::Lync(l) => match l {
            LyncCommand::Entitlement(a) => lync::entitlement(s, a),
            LyncCommand::Policies(a) => lync::policies(s, a),
            LyncCommand::Plan(a) => lync::plan(s, a),
            LyncCommand::Template(a) => lync::template(s, a),
            LyncCommand::Usage(a) => lync::usage(s, a),
            LyncCommand::UsageQueries(a) => lync::usage_queries(s, a.lync2010),
            LyncCommand::Rightsize(a) => rightsize::rightsize(s, a),
        },
        Command::Ual(UalCommand::Compliance(a)) => ual::compliance(s, a),
        Command::Report(a) => workbook::report(s, a),
        Command::History(a) => history::history(s, a),
        Command::Uc(UcCommand::Count(a)) => uc::count(s, a),
        Command::Teams(TeamsCommand::Assignments(a)) => teams::assignments(s, a),
    }
}
