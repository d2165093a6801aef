//! `report`: command-line arguments → the workbook's options (the workbook put in place only
//! when complete), and its errors → messages that name the flags.

use super::cli::ReportArgs;
use super::exit::AppError;
use super::Session;
use crate::output::temporaries::Temporary;
use crate::output::Output;
use crate::workbook::{self, ReportError, ReportOptions};
use std::io::IsTerminal;

impl From<ReportError> for AppError {
    fn from(e: ReportError) -> AppError {
        match e {
            ReportError::Io(e) => e.into(),
            ReportError::Workbook { path, message } => {
                AppError::Output(std::io::Error::other(format!("--output {path}: {message}")))
            }
            ReportError::NotXlsx(name) => AppError::Arguments(format!(
                "--output {name}: the workbook's name must end in .xlsx"
            )),
        }
    }
}

/// `report FILE… --output audit.xlsx`: the workbook goes to --output, one ReportSheet record per
/// worksheet to stdout.
pub fn report(s: &mut Session, a: &ReportArgs) -> Result<(), AppError> {
    let output = s.output.clone().ok_or_else(|| {
        AppError::Arguments("report needs --output FILE.xlsx: where to write the workbook".into())
    })?;
    // Checked before the records are read (the contract's exit 2), not found when the workbook
    // is written at the end (issue #22 item 13).
    if output.is_dir() {
        return Err(AppError::Arguments(format!(
            "--output {}: is a folder; name the workbook file in it, e.g. {}",
            output.display(),
            output.join("audit.xlsx").display()
        )));
    }
    if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.is_dir() {
            return Err(AppError::Arguments(format!(
                "--output {}: the folder {} does not exist",
                output.display(),
                parent.display()
            )));
        }
    }
    let options = ReportOptions {
        files: a.files.clone(),
        output_temporary: crate::output::replaced_atomically(&output)
            .then(|| crate::output::temporary_beside(&output)),
        output,
        as_of: s.as_of,
        generated_at: chrono::Utc::now(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        date_order: s.date_order,
    };
    // Removed if the run fails or is interrupted; put in place when the workbook is complete.
    let temporary = match &options.output_temporary {
        Some(t) => Some(
            Temporary::create(t)
                .map_err(|e| {
                    AppError::Arguments(format!(
                        "cannot create --output {}: {e}",
                        options.output.display()
                    ))
                })?
                .1,
        ),
        None => None,
    };
    // On a terminal, unless --format says otherwise: one line saying what was written, not the
    // ReportSheet records (which the PowerShell module, reading a pipe, still gets). A partly
    // read records file is still told on standard error (the session's IncompleteInputs warning).
    let confirm = s.requested_format.is_none() && std::io::stdout().is_terminal();
    let out = if confirm {
        Output::to_writer(s.format, Box::new(std::io::sink()))
    } else {
        Output::new(s.format, None).map_err(AppError::Output)?
    };
    let mut confirmation = None;
    let result = s.with_records_to(out, |out, rep| {
        let written = workbook::run(&options, out, rep)?;
        if let Some(t) = temporary {
            t.persist(&options.output).map_err(|e| {
                AppError::Output(std::io::Error::new(
                    e.kind(),
                    format!("--output {}: {e}", options.output.display()),
                ))
            })?;
        }
        confirmation = Some(written.confirmation);
        Ok(())
    });
    if let (true, Some(line)) = (confirm, confirmation) {
        println!("{}", crate::output::printable(&line));
    }
    result
}
