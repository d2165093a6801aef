//! A problem with one input: where it is (file, record, property) and what is wrong.

use std::fmt;

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
