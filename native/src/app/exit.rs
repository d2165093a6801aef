//! Errors and the exit codes the contract (docs/contract.md "Exit codes") assigns to them.

use std::process::ExitCode;

/// Exit codes (docs/contract.md). 1 is for an output that cannot be written or an internal fault.
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

use crate::model::{InputError, IoError, OutputError};

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

/// The audits' shared pair: an input they cannot use is exit 3, output they cannot write exit 1.
impl From<IoError> for AppError {
    fn from(e: IoError) -> AppError {
        match e {
            IoError::Input(e) => AppError::Input(e),
            IoError::Output(OutputError(e)) => AppError::Output(e),
        }
    }
}

impl From<OutputError> for AppError {
    fn from(OutputError(e): OutputError) -> AppError {
        AppError::Output(e)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The audits' shared pair keeps its exit codes: a bad input is 3, failed output 1.
    #[test]
    fn the_io_pair_keeps_input_and_output_apart() {
        let input = AppError::from(IoError::from(InputError::file("users.json", "unreadable")));
        assert_eq!(input.exit().code(), Exit::InvalidInput.code());
        assert_eq!(
            input.to_string(),
            InputError::file("users.json", "unreadable").to_string()
        );
        let output = AppError::from(IoError::from(OutputError(std::io::Error::other(
            "disk full",
        ))));
        assert_eq!(output.exit().code(), Exit::Failure.code());
        assert_eq!(output.to_string(), "cannot write output: disk full");
    }
}
