//! From argv to exit code: parse, set up output/progress/diagnostics, dispatch, report.

use crate::cli::{Cli, Command, LyncCommand, UalCommand};
use crate::error::{AppError, AppResult, Exit};
use crate::output::diagnostics::{Diagnostics, ErrorFormat};
use crate::output::progress::{Progress, ProgressMode};
use crate::output::{Format, Output};
use chrono::{DateTime, Utc};
use clap::Parser;
use std::ffi::OsString;
use std::path::PathBuf;

/// What every command gets: where output goes, how progress and errors are reported, and the
/// audit's "now".
pub struct Context {
    pub format: Format,
    pub output: Option<PathBuf>,
    pub progress: ProgressMode,
    pub as_of: DateTime<Utc>,
    pub diag: Diagnostics,
}

impl Context {
    pub fn open_output(&self) -> AppResult<Output> {
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

    /// Writes plain text (schemas, SQL) to --output or stdout: for commands whose output is not
    /// records.
    pub fn write_text(&self, text: &str) -> AppResult<()> {
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

    pub fn progress(&self, activity: &str) -> Progress {
        Progress::new(self.progress, activity)
    }

    /// Reads every record of a small input (policies, pools, ...) into memory. Each bad record
    /// is reported; if any was bad the command stops with exit 3, because results built on a
    /// partly-read policy set could be wrong for many users at once.
    pub fn load_all<T>(
        &mut self,
        path: &str,
        read: impl Fn(&crate::ingest::Record) -> Result<T, crate::error::InputError>,
    ) -> AppResult<Vec<T>> {
        let mut items = Vec::new();
        let mut bad = 0;
        for rec in crate::ingest::open_input(path)? {
            match rec.and_then(|r| read(&r)) {
                Ok(item) => items.push(item),
                Err(e) => {
                    bad += 1;
                    self.diag.input_error(&e);
                }
            }
        }
        if bad > 0 {
            return Err(AppError::InputProblems { count: bad });
        }
        Ok(items)
    }

    /// Streams a large input (users), calling `each` per good record; bad records are reported,
    /// never silently dropped (see [`Context::problems_since`]).
    pub fn stream_each(
        &mut self,
        path: &str,
        select: Option<&'static [&'static str]>,
        activity: &str,
        mut each: impl FnMut(&mut Self, crate::ingest::Record) -> AppResult<()>,
    ) -> AppResult<()> {
        let mut progress = self.progress(activity);
        let mut n = 0u64;
        for rec in crate::ingest::open_input_selecting(path, select)? {
            n += 1;
            progress.tick("records read", n, None);
            match rec {
                Ok(r) => each(self, r)?,
                Err(e) => self.diag.input_error(&e),
            }
        }
        progress.finish("records read", n);
        Ok(())
    }

    /// After a run that reported bad records one by one and carried on: exit 3 if any error was
    /// reported since `before` (a `diag.error_count()` taken at the start).
    pub fn problems_since(&self, before: usize) -> AppResult<()> {
        match self.diag.error_count() - before {
            0 => Ok(()),
            count => Err(AppError::InputProblems { count }),
        }
    }
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
                    Exit::InvalidArguments,
                    e.to_string().lines().next().unwrap_or("invalid arguments"),
                );
            } else {
                let _ = e.print();
            }
            return Exit::InvalidArguments;
        }
    };
    let mut ctx = Context {
        format: Format::resolve(cli.global.format, cli.global.output.is_some()),
        output: cli.global.output.clone(),
        progress: ProgressMode::resolve(cli.global.progress),
        as_of: cli.global.as_of.unwrap_or_else(Utc::now),
        diag: Diagnostics::new(cli.global.error_format),
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
        dispatch(&mut ctx, &cli.command)
    };
    match result {
        Ok(()) => Exit::Success,
        Err(AppError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Success,
        Err(e) => {
            let exit = e.exit();
            match &e {
                // Already reported one by one.
                AppError::InputProblems { .. } => {}
                AppError::Input(ie) => ctx.diag.input_error(ie),
                other => ctx.diag.error(exit, &other.to_string()),
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

fn dispatch(ctx: &mut Context, command: &Command) -> AppResult<()> {
    match command {
        Command::Schema(a) => crate::schema_cmd::run(ctx, a),
        Command::Inspect(a) => crate::inspect::run(ctx, a),
        Command::Lync(l) => match l {
            LyncCommand::Entitlement(a) => crate::lync::entitlement::run(ctx, a),
            LyncCommand::Policies(a) => crate::lync::policies::run(ctx, a),
            LyncCommand::Plan(a) => crate::lync::plan::run(ctx, a),
            LyncCommand::Template(a) => crate::lync::template::run(ctx, a),
            LyncCommand::Usage(a) => crate::lync::usage::run(ctx, a),
            LyncCommand::UsageQueries(a) => crate::lync::usage::print_queries(ctx, a),
        },
        Command::Ual(UalCommand::Compliance(a)) => crate::ual::compliance::run(ctx, a),
    }
}
