//! The command line (CONTRACT.md "Global options" and "Commands"). Definitions only: `run`
//! dispatches.

use crate::output::diagnostics::ErrorFormat;
use crate::output::progress::ProgressMode;
use crate::output::Format;
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "license-audit",
    version,
    about = "Which Lync/SfB, Teams and Windows Server licences are needed, by whom, and why",
    long_about = "Reads PowerShell exports (ConvertTo-Json from Windows PowerShell 5.1 or PowerShell 7, \
Export-Clixml, Export-Csv; a path or - for stdin) and writes one record per user, device, policy or \
licence finding. Exit codes: 0 success, 2 invalid arguments, 3 invalid input data, 4 data source \
unreachable or login failed, 5 compliance shortfall with --fail-on-shortfall."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Output format [default: table on a terminal, else ndjson]
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,
    /// Write records to this file instead of stdout
    #[arg(long, global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Progress on stderr [default: bar on a terminal, else none]
    #[arg(long, global = true, value_enum)]
    pub progress: Option<ProgressMode>,
    /// The audit's "now" (RFC 3339); windows such as --days end here [default: current time]
    #[arg(long, global = true, value_name = "RFC3339", value_parser = parse_as_of)]
    pub as_of: Option<DateTime<Utc>>,
    /// How errors and warnings are written on stderr
    #[arg(long, global = true, value_enum, default_value_t = ErrorFormat::Text)]
    pub error_format: ErrorFormat,
}

fn parse_as_of(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("'{s}' is not an RFC 3339 time such as 2026-11-01T00:00:00Z: {e}"))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// JSON Schema (draft 2020-12) of the records this binary reads and writes
    Schema(SchemaArgs),
    /// Show what the reader detects in an input file: encoding, dialect, records, properties
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// List the record types (name, input/output, description), one per line
    #[arg(long, conflicts_with = "name")]
    pub list: bool,
    /// The record type to print; all of them when omitted
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Exported files to examine (path, or - for stdin)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
}
