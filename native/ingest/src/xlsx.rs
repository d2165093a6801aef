//! An Excel workbook (.xlsx) given as an input: its first worksheet is read as the CSV it would
//! be saved as (first row the header), so a spreadsheet of evidence (FlexNet users keep theirs in
//! Excel) takes the same columns as the CSV. Cells: text as written, numbers in invariant form,
//! booleans as True/False, dates as ISO 8601 (`2026-10-01T08:00:00`); a cell holding an Excel
//! error (`#N/A`) refuses the file, named by row and column (its text is no value to read).

use calamine::{Data, Reader, Xlsx};
use license_audit_model::InputError;

/// Whether `path` is to be read as a workbook: a regular file named .xlsx/.xlsm.
pub fn is_workbook(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    (lower.ends_with(".xlsx") || lower.ends_with(".xlsm"))
        && std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// The first worksheet of the workbook at `path` as CSV text (UTF-8, comma-separated).
pub fn to_csv(path: &str) -> Result<Vec<u8>, InputError> {
    let mut book: Xlsx<_> = calamine::open_workbook(path).map_err(|e| {
        InputError::file(
            path,
            format!("is named as an Excel workbook but cannot be read as one ({e}): save it again from Excel as .xlsx, or as CSV UTF-8"),
        )
        .fatal()
    })?;
    let sheets = book.sheet_names();
    let Some(first) = sheets.first().cloned() else {
        return Err(InputError::file(path, "is a workbook without worksheets").fatal());
    };
    let range = book.worksheet_range(&first).map_err(|e| {
        InputError::file(path, format!("worksheet '{first}' cannot be read: {e}")).fatal()
    })?;
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut width = 0;
    for (i, row) in range.rows().enumerate() {
        let mut cells: Vec<String> = Vec::with_capacity(row.len());
        for (col, cell) in row.iter().enumerate() {
            cells.push(cell_text(cell).map_err(|m| {
                InputError::file(
                    path,
                    format!(
                        "worksheet '{first}', row {}, column {}: {m}",
                        i + range.start().map_or(0, |s| s.0 as usize) + 1,
                        col + 1
                    ),
                )
            })?);
        }
        if i == 0 {
            // The header row: trailing empty header cells are columns nobody named.
            while cells.last().is_some_and(|c| c.is_empty()) {
                cells.pop();
            }
            width = cells.len();
        } else {
            if cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            // Empty cells past the header are nothing; text there is kept, so the reader says
            // the row has more cells than the header names.
            let last = cells
                .iter()
                .rposition(|c| !c.is_empty())
                .map_or(0, |p| p + 1);
            cells.truncate(last.max(width));
            cells.resize(cells.len().max(width), String::new());
        }
        out.write_record(&cells)
            .map_err(|e| InputError::file(path, format!("cannot convert the worksheet: {e}")))?;
    }
    out.into_inner()
        .map_err(|e| InputError::file(path, format!("cannot convert the worksheet: {e}")))
}

fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if d.is_datetime() => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
            _ => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(format!("the cell holds the Excel error {e}")),
    })
}
