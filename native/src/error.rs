//! Errors and the exit codes CONTRACT.md assigns to them.

use std::fmt;
use std::process::ExitCode;

/// Exit codes from CONTRACT.md. Anything not covered there (an output file that cannot be
/// written, an internal fault) uses 1, which the contract leaves free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    Failure = 1,
    InvalidArguments = 2,
    InvalidInput = 3,
    SourceUnreachable = 4,
    Shortfall = 5,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Stable machine-readable name, used in `--error-format json`.
    pub fn name(self) -> &'static str {
        match self {
            Exit::Success => "Success",
            Exit::Failure => "Failure",
            Exit::InvalidArguments => "InvalidArguments",
            Exit::InvalidInput => "InvalidInput",
            Exit::SourceUnreachable => "SourceUnreachable",
            Exit::Shortfall => "Shortfall",
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e.code())
    }
}

/// A problem with input data, located as precisely as the reader can: file, record (1-based),
/// property. `fatal` means the reader cannot continue past it (e.g. a truncated file); a
/// non-fatal error spoils one record and the reader carries on with the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    pub record: Option<u64>,
    pub field: Option<String>,
    pub message: String,
    pub fatal: bool,
}

impl InputError {
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            file: file.into(),
            record: None,
            field: None,
            message: message.into(),
            fatal: true,
        }
    }

    pub fn record(file: impl Into<String>, record: u64, message: impl Into<String>) -> Self {
        InputError {
            file: file.into(),
            record: Some(record),
            field: None,
            message: message.into(),
            fatal: false,
        }
    }

    pub fn field(
        file: impl Into<String>,
        record: u64,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            file: file.into(),
            record: Some(record),
            field: Some(field.into()),
            message: message.into(),
            fatal: false,
        }
    }

    pub fn fatal(mut self) -> Self {
        self.fatal = true;
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(r) = self.record {
            write!(f, ", record {r}")?;
        }
        if let Some(p) = &self.field {
            write!(f, ", property '{p}'")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}

/// Every way a command can fail, each mapped to one exit code.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("{0}")]
    Arguments(String),
    #[error("{0}")]
    Unreachable(String),
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
    #[error("{0}")]
    Shortfall(String),
    /// Some records were bad and were reported one by one; the run finished with the rest.
    #[error(
        "{count} input problem(s) were reported above; the results cover the remaining records"
    )]
    InputProblems { count: usize },
}

impl AppError {
    pub fn exit(&self) -> Exit {
        match self {
            AppError::Input(_) | AppError::InputProblems { .. } => Exit::InvalidInput,
            AppError::Arguments(_) => Exit::InvalidArguments,
            AppError::Unreachable(_) => Exit::SourceUnreachable,
            AppError::Output(_) => Exit::Failure,
            AppError::Shortfall(_) => Exit::Shortfall,
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
