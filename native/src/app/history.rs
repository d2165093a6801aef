//! `history DIR`: command-line arguments → the options of the run-history view, and its errors
//! → messages for the command line.

use super::cli::HistoryArgs;
use super::exit::AppError;
use super::Session;
use crate::history::{self, HistoryError, HistoryOptions};

impl From<HistoryError> for AppError {
    fn from(e: HistoryError) -> AppError {
        match e {
            HistoryError::Io(e) => e.into(),
            other => AppError::Arguments(other.to_string()),
        }
    }
}

/// `history DIR`: how the kept totals moved.
pub fn history(s: &mut Session, a: &HistoryArgs) -> Result<(), AppError> {
    if !(a.alert_threshold >= 0.0) {
        return Err(AppError::Arguments(format!(
            "--alert-threshold {} must be a percentage of 0 or more",
            a.alert_threshold
        )));
    }
    let options = HistoryOptions {
        dir: a.dir.clone(),
        alert_threshold: a.alert_threshold,
        command: a.command.clone(),
        all: a.all,
    };
    let mut out = s.open_output()?;
    history::run(&options, &mut out, &mut s.reporter)?;
    out.finish().map_err(AppError::Output)?;
    Ok(())
}
