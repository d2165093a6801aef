//! Streaming reader for `Export-Csv` files: the optional `#TYPE` line Windows PowerShell 5.1
//! writes, a header row, then one row per object. The delimiter is sniffed from the header so
//! `Export-Csv -UseCulture` files (`;` in much of Europe) read too. Every cell is text; empty
//! cells are null, and a cell holding a .NET collection type name is marked as flattened.

use super::value::{PsObject, PsValue};
use super::Record;
use crate::source::Budgeted;
use license_audit_model::InputError;
use std::io::{BufRead, Cursor, Read};
use std::sync::Arc;

pub struct CsvReader {
    file: Arc<str>,
    rdr: csv::Reader<Budgeted>,
    headers: Vec<String>,
    /// The header row as written (with quotes?), to tell a truncated last line.
    quoted: bool,
    pub type_name: Option<String>,
    pub delimiter: u8,
    /// Lines before the header (the #TYPE line): the CSV parser counts from the header.
    line_offset: u64,
    /// The row being returned and the one after it (read one ahead to know which is last).
    row: csv::StringRecord,
    ahead: Option<Result<bool, csv::Error>>,
    ahead_row: csv::StringRecord,
    index: u64,
    done: bool,
}

impl CsvReader {
    pub fn new(file: Arc<str>, mut r: Box<dyn BufRead>) -> Result<Self, InputError> {
        let mut first = read_line(&file, &mut r)?;
        let mut type_name = None;
        if let Some(t) = first.strip_prefix("#TYPE") {
            type_name = Some(t.trim().to_string());
            first = read_line(&file, &mut r)?;
        }
        if first.trim().is_empty() {
            return Err(InputError::file(&*file, "has no CSV header row"));
        }
        let delimiter = sniff_delimiter(&first);
        let quoted = first.trim_start().starts_with('"');
        let chained: Box<dyn BufRead> = Box::new(Cursor::new(first.into_bytes()).chain(r));
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(true)
            .from_reader(Budgeted::new(chained, crate::MAX_RECORD_BYTES));
        let headers = rdr
            .headers()
            .map_err(|e| InputError::file(&*file, format!("cannot read the CSV header: {e}")))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect::<Vec<_>>();
        // One pass with a set of the names seen (a header of 300,000 columns compared pair by
        // pair took minutes).
        let mut names = std::collections::HashSet::with_capacity(headers.len());
        if let Some(dup) = headers
            .iter()
            .find(|h| !names.insert(h.to_ascii_lowercase()))
        {
            return Err(InputError::file(
                &*file,
                format!("the CSV header names column '{dup}' twice"),
            ));
        }
        Ok(CsvReader {
            file,
            rdr,
            headers,
            quoted,
            line_offset: u64::from(type_name.is_some()),
            type_name,
            delimiter,
            row: csv::StringRecord::new(),
            ahead: None,
            ahead_row: csv::StringRecord::new(),
            index: 0,
            done: false,
        })
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    fn read_ahead(&mut self) {
        self.rdr.get_mut().reset();
        self.ahead = Some(self.rdr.read_record(&mut self.ahead_row));
    }

    /// A row that repeats the header (or a `#TYPE` line, or starts with a byte-order mark):
    /// what joining two exports of the same command as text gives. `Ok(true)`: skip it.
    fn is_repeated_header(&self, row: &csv::StringRecord) -> Result<bool, InputError> {
        let first = row.get(0).unwrap_or("");
        let first_bare = first.trim_start_matches('\u{FEFF}');
        // A byte-order mark where a joined file starts stands before the line's first quote,
        // so in a quoted export the quote is still there (a quote not at a field's start is
        // text); a mark inside a quoted first cell is the cell's text, not a join.
        let bom = first.len() != first_bare.len() && (!self.quoted || first_bare.starts_with('"'));
        let first = first_bare;
        let unquoted = first
            .strip_prefix('"')
            .and_then(|f| f.strip_suffix('"'))
            .unwrap_or(first);
        if row.len() == 1 && unquoted.starts_with("#TYPE") {
            return Ok(true);
        }
        let same = row.len() == self.headers.len()
            && row.iter().enumerate().all(|(i, c)| {
                let c = if i == 0 { unquoted } else { c };
                c.trim().eq_ignore_ascii_case(&self.headers[i])
            });
        if same {
            return Ok(true);
        }
        if bom {
            let line = self.line_of(row.position());
            return Err(InputError::file(
                &*self.file,
                format!(
                    "line {line}: a byte-order mark in the middle of the file, followed by other columns: two different files were joined; give them separately"
                ),
            ));
        }
        Ok(false)
    }

    /// The file's line number where a row starts.
    fn line_of(&self, pos: Option<&csv::Position>) -> u64 {
        pos.map_or(0, |p| p.line() + 1 + self.line_offset)
    }

    fn row_error(&mut self, e: csv::Error) -> InputError {
        if self.rdr.get_ref().exceeded() {
            self.done = true;
            return InputError::record(
                &*self.file,
                self.index,
                format!(
                    "is larger than {}: a quote that is never closed swallows the rest of the file, or the file is damaged",
                    crate::describe_record_limit()
                ),
            )
            .fatal();
        }
        match e.kind() {
            csv::ErrorKind::Io(_) => {
                self.done = true;
                InputError::file(&*self.file, format!("cannot read: {e}"))
            }
            csv::ErrorKind::Utf8 { pos, .. } => InputError::record(
                &*self.file,
                self.index,
                format!(
                    "line {}: {}",
                    self.line_of(pos.as_ref()),
                    crate::source::not_utf8_message()
                ),
            ),
            _ => InputError::record(&*self.file, self.index, format!("is not valid CSV: {e}")),
        }
    }
}

/// Reads the first lines (#TYPE, header), at most one record's worth.
fn read_line(file: &str, r: &mut Box<dyn BufRead>) -> Result<String, InputError> {
    let mut bytes = Vec::new();
    r.by_ref()
        .take(crate::MAX_RECORD_BYTES as u64)
        .read_until(b'\n', &mut bytes)
        .map_err(|e| InputError::file(file, format!("cannot read the first lines: {e}")))?;
    if bytes.len() >= crate::MAX_RECORD_BYTES {
        return Err(InputError::file(
            file,
            format!(
                "the first line is longer than {}: this is not a CSV export",
                crate::describe_record_limit()
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|_| {
        InputError::file(
            file,
            format!("the first lines: {}", crate::source::not_utf8_message()),
        )
    })
}
fn sniff_delimiter(header: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut in_quotes = false;
    for b in header.bytes() {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            for c in counts.iter_mut() {
                if c.0 == b {
                    c.1 += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|c| c.1)
        .filter(|c| c.1 > 0)
        .map(|c| c.0)
        .unwrap_or(b',')
}

/// `System.Object[]`, `System.Collections.Generic.List`1[…]` and friends: what Export-Csv writes
/// for a property that held a collection.
fn is_flattened_type_name(cell: &str) -> bool {
    let c = cell.trim();
    !c.contains(' ')
        && (c.starts_with("System.Collections.")
            || c.starts_with("Deserialized.System.Collections.")
            || (c.ends_with("[]") && c.contains('.')))
}

impl Iterator for CsvReader {
    type Item = Result<Record, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            if self.ahead.is_none() {
                self.read_ahead();
            }
            match self.ahead.take()? {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.index += 1;
                    let e = self.row_error(e);
                    return Some(Err(e));
                }
                Ok(true) => {
                    std::mem::swap(&mut self.row, &mut self.ahead_row);
                    match self.is_repeated_header(&self.row) {
                        Ok(true) => continue,
                        Ok(false) => {}
                        Err(e) => {
                            self.done = true;
                            return Some(Err(e));
                        }
                    }
                    self.index += 1;
                    self.read_ahead();
                    let last = matches!(self.ahead, Some(Ok(false)));
                    return Some(self.record(last));
                }
            }
        }
    }
}

impl CsvReader {
    fn record(&mut self, last: bool) -> Result<Record, InputError> {
        let row = &self.row;
        if row.len() > self.headers.len() {
            return Err(InputError::record(
                &*self.file,
                self.index,
                format!(
                    "has {} cells but the header names {} columns",
                    row.len(),
                    self.headers.len()
                ),
            ));
        }
        // Export-Csv ends every line, the last too, with a line break; a last line without one
        // that is short of cells (or, in a quoted export, stops inside a cell) was cut off.
        if last && self.rdr.get_ref().last_byte() != Some(b'\n') {
            let short = row.len() < self.headers.len();
            let open_cell = self.quoted && self.rdr.get_ref().last_byte() != Some(b'"');
            if short || open_cell {
                self.done = true;
                return Err(InputError::record(
                    &*self.file,
                    self.index,
                    format!(
                        "the file ends in the middle of this line ({} of {} cells, no line break): it is truncated, or was still being written",
                        row.len(),
                        self.headers.len()
                    ),
                )
                .fatal());
            }
        }
        let mut obj = PsObject::default();
        obj.props.reserve(self.headers.len());
        for (i, h) in self.headers.iter().enumerate() {
            let v = match row.get(i) {
                None | Some("") => PsValue::Null,
                Some(cell) if is_flattened_type_name(cell) => PsValue::Flattened(cell.to_string()),
                Some(cell) => PsValue::Str(cell.to_string()),
            };
            obj.props.push((h.clone().into(), v));
        }
        if let Some(t) = &self.type_name {
            obj.type_names.push(t.clone());
        }
        Ok(Record::new(self.file.clone(), self.index, obj))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_is_sniffed_outside_quotes() {
        assert_eq!(sniff_delimiter("\"a\",\"b;c\""), b',');
        assert_eq!(sniff_delimiter("\"a\";\"b\";\"c\""), b';');
    }

    #[test]
    fn flattened_names() {
        assert!(is_flattened_type_name("System.Object[]"));
        assert!(is_flattened_type_name(
            "System.Collections.Generic.List`1[System.String]"
        ));
        assert!(!is_flattened_type_name("Tag:ENT_CAL_REC_Audio"));
        assert!(!is_flattened_type_name("sip:a.b@contoso.com"));
    }
}
