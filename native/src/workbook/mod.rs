//! `report`: the deliverable. Reads the record files the audits write (any mix, any format the
//! reader takes) and writes one Excel workbook like the MAP Toolkit's: Overview, Report Details,
//! then a sheet per kind of record (User, Device and Server Details, Policies, Server CALs, UC
//! Totals, Right-sizing, …), only those whose records were given. The folder is named for what
//! it writes; the command and its types keep the name `report` (`ReportOptions`, `ReportSheet`).
//!
//! Layering: depends on the model and the reader only; reads every record by field name (never
//! another audit's types); writes through a `RecordSink` and reports through a `Reporter`.

pub mod catalog;
pub mod cells;
pub mod collect;
pub mod glossary;
mod records;
pub mod writer;

use crate::model::{InputError, IoError, OutputError, RecordSink, Reporter, SchemaEntry};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

pub use records::ReportSheet;

/// What `report` reads and where the workbook goes.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub files: Vec<String>,
    pub output: PathBuf,
    /// Where the workbook is written instead of `output`: the caller's temporary, which it puts
    /// in place when the run succeeds (so a failed or killed run never leaves a half-written
    /// workbook under the name an auditor will open); `None`: written to `output` as it is (a
    /// device or pipe, which a rename would replace).
    pub output_temporary: Option<PathBuf>,
    pub as_of: DateTime<Utc>,
    pub generated_at: DateTime<Utc>,
    pub tool_version: String,
    /// The month/day order of the inputs' culture-text dates, when the admin gave it.
    pub date_order: Option<crate::ingest::DateOrder>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// An input it cannot use, or output it cannot write.
    #[error(transparent)]
    Io(#[from] IoError),
    /// The workbook could not be written (the writer's message).
    #[error("cannot write the workbook {path}: {message}")]
    Workbook { path: String, message: String },
    /// The output name does not end in .xlsx.
    #[error("the workbook name {0} must end in .xlsx")]
    NotXlsx(String),
}

crate::model::io_error_from!(ReportError);

pub fn schemas() -> Vec<SchemaEntry> {
    vec![SchemaEntry::output::<ReportSheet>(
        "One worksheet of the workbook `report` wrote",
    )]
}

/// What `report` wrote: its sheets, and the line that says so (a terminal's confirmation).
pub struct Written {
    pub sheets: Vec<ReportSheet>,
    /// "Wrote audit.xlsx: 9 sheets, 1,234 rows, as of 2026-11-30"
    pub confirmation: String,
}

/// `report`: writes the workbook, then one ReportSheet per worksheet.
pub fn run(
    options: &ReportOptions,
    sink: &mut impl RecordSink,
    reporter: &mut impl Reporter,
) -> Result<Written, ReportError> {
    let name = options.output.display().to_string();
    if !name.to_ascii_lowercase().ends_with(".xlsx") {
        return Err(ReportError::NotXlsx(name));
    }
    // Its only io errors are the sheets' spool files failing to write (a read error is a bad
    // record or an unreadable file, reported and counted).
    let mut collected =
        collect::collect(&options.files, options.date_order, reporter).map_err(OutputError)?;
    // A workbook is a deliverable: one built on a records file that could not be read whole (cut
    // short, corrupted, not a records file) would look complete. Nothing is written then.
    if let Some(f) = collected.stats.files.iter().find(|f| f.bad_records > 0) {
        return Err(ReportError::from(
            InputError::file(
                f.name.clone(),
                format!(
                    "{} record(s) could not be read (reported above), so no workbook is written: one built on part of the records would look complete. Write the file again with the audit that made it",
                    f.bad_records
                ),
            )
            .fatal(),
        ));
    }
    collected.stats.incomplete_inputs = reporter.incomplete_inputs();
    let incomplete = collected.stats.incomplete_inputs.clone();
    let kept = collected.stats.kept_out();
    let as_of_text = writer::as_of_text(&collected.stats, options.as_of);
    let meta = writer::Meta {
        tool_version: options.tool_version.clone(),
        generated_at: options.generated_at,
        as_of: options.as_of,
        as_of_text: as_of_text.clone(),
        output: options
            .output
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| name.clone()),
    };
    let mut sheets = writer::write(
        &options.output,
        options.output_temporary.as_deref(),
        collected,
        &meta,
    )
    .map_err(|e| ReportError::Workbook {
        path: name.clone(),
        message: e.to_string(),
    })?;
    for s in &mut sheets {
        s.incomplete_inputs = incomplete.clone();
        sink.write(s)?;
    }
    let rows: u64 = sheets.iter().map(|s| s.rows).sum();
    let confirmation = format!(
        "Wrote {name}: {} sheets, {} rows, as of {as_of_text}",
        sheets.len(),
        thousands(rows)
    );
    let mut footer = vec![confirmation.clone()];
    if kept > 0 {
        footer.push(format!(
            "{kept} record(s) kept out of the workbook (see the warnings and Report Details)"
        ));
    }
    sink.footer(&footer)?;
    Ok(Written {
        sheets,
        confirmation,
    })
}

/// 1234567 as "1,234,567".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1234), "1,234");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
