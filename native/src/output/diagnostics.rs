//! Errors and warnings on stderr, as text or as JSON lines
//! `{"level","code","message","file","record","field"}` (docs/contract.md), which the PowerShell
//! module turns into WriteError / WriteWarning.

use crate::model::InputError;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorFormat {
    #[default]
    Text,
    Json,
}

pub struct Diagnostics {
    format: ErrorFormat,
    errors: usize,
    w: Box<dyn Write>,
}

impl Diagnostics {
    pub fn new(format: ErrorFormat) -> Self {
        Diagnostics {
            format,
            errors: 0,
            w: Box::new(io::stderr()),
        }
    }

    pub fn to_writer(format: ErrorFormat, w: Box<dyn Write>) -> Self {
        Diagnostics {
            format,
            errors: 0,
            w,
        }
    }

    pub fn error_count(&self) -> usize {
        self.errors
    }

    pub fn input_error(&mut self, e: &InputError) {
        self.errors += 1;
        self.emit("error", "InvalidInput", &e.to_string(), Some(e));
    }

    /// An error that is not about one input record; `code` is the exit code's stable name.
    pub fn error(&mut self, code: &str, message: &str) {
        self.errors += 1;
        self.emit("error", code, message, None);
    }

    /// One data source failed while the run goes on with the others: an error line naming the
    /// source in `file` (it does not by itself change the exit code).
    pub fn source_error(&mut self, code: &str, source: &str, message: &str) {
        let at = InputError::file(source, message);
        self.emit("error", code, &at.to_string(), Some(&at));
    }

    pub fn warning(&mut self, code: &str, message: &str) {
        self.emit("warning", code, message, None);
    }

    fn emit(&mut self, level: &str, code: &str, message: &str, at: Option<&InputError>) {
        let _ = match self.format {
            ErrorFormat::Text => writeln!(
                self.w,
                "license-audit: {level}: {}",
                super::text::printable(message)
            ),
            ErrorFormat::Json => {
                let line = serde_json::json!({
                    "level": level,
                    "code": code,
                    "message": message,
                    "file": at.map(|e| e.file.clone()),
                    "record": at.and_then(|e| e.record),
                    "field": at.and_then(|e| e.field.clone()),
                });
                writeln!(self.w, "{line}")
            }
        };
    }
}
