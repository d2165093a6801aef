//! Streaming reader for `Export-Csv` files: the optional `#TYPE` line Windows PowerShell 5.1
//! writes, a header row, then one row per object. The delimiter is sniffed from the header so
//! `Export-Csv -UseCulture` files (`;` in much of Europe) read too. Every cell is text; empty
//! cells are null, and a cell holding a .NET collection type name is marked as flattened.

use super::value::{PsObject, PsValue};
use super::Record;
use license_audit_model::InputError;
use std::io::{BufRead, Cursor, Read};
use std::sync::Arc;

pub struct CsvReader {
    file: Arc<str>,
    rows: csv::StringRecordsIntoIter<Box<dyn Read>>,
    headers: Vec<String>,
    pub type_name: Option<String>,
    pub delimiter: u8,
    index: u64,
    done: bool,
}

impl CsvReader {
    pub fn new(file: Arc<str>, mut r: Box<dyn BufRead>) -> Result<Self, InputError> {
        let mut first = String::new();
        read_line(&file, &mut r, &mut first)?;
        let mut type_name = None;
        if let Some(t) = first.strip_prefix("#TYPE") {
            type_name = Some(t.trim().to_string());
            first.clear();
            read_line(&file, &mut r, &mut first)?;
        }
        if first.trim().is_empty() {
            return Err(InputError::file(&*file, "has no CSV header row"));
        }
        let delimiter = sniff_delimiter(&first);
        let chained: Box<dyn Read> = Box::new(Cursor::new(first.into_bytes()).chain(r));
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(true)
            .from_reader(chained);
        let headers = rdr
            .headers()
            .map_err(|e| InputError::file(&*file, format!("cannot read the CSV header: {e}")))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect::<Vec<_>>();
        if let Some(dup) = headers
            .iter()
            .enumerate()
            .find(|(i, h)| headers[..*i].iter().any(|o| o.eq_ignore_ascii_case(h)))
            .map(|(_, h)| h)
        {
            return Err(InputError::file(
                &*file,
                format!("the CSV header names column '{dup}' twice"),
            ));
        }
        Ok(CsvReader {
            file,
            rows: rdr.into_records(),
            headers,
            type_name,
            delimiter,
            index: 0,
            done: false,
        })
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }
}

fn read_line(file: &str, r: &mut Box<dyn BufRead>, into: &mut String) -> Result<(), InputError> {
    r.read_line(into)
        .map(|_| ())
        .map_err(|e| InputError::file(file, format!("cannot read the first lines: {e}")))
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
        if self.done {
            return None;
        }
        let row = match self.rows.next()? {
            Ok(row) => row,
            Err(e) => {
                self.index += 1;
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    self.done = true;
                    return Some(Err(InputError::file(
                        &*self.file,
                        format!("cannot read: {e}"),
                    )));
                }
                return Some(Err(InputError::record(
                    &*self.file,
                    self.index,
                    format!("is not valid CSV: {e}"),
                )));
            }
        };
        self.index += 1;
        if row.len() > self.headers.len() {
            return Some(Err(InputError::record(
                &*self.file,
                self.index,
                format!(
                    "has {} cells but the header names {} columns",
                    row.len(),
                    self.headers.len()
                ),
            )));
        }
        let mut obj = PsObject::default();
        obj.props.reserve(self.headers.len());
        for (i, h) in self.headers.iter().enumerate() {
            let v = match row.get(i) {
                None | Some("") => PsValue::Null,
                Some(cell) if is_flattened_type_name(cell) => PsValue::Flattened(cell.to_string()),
                Some(cell) => PsValue::Str(cell.to_string()),
            };
            obj.props.push((h.clone(), v));
        }
        if let Some(t) = &self.type_name {
            obj.type_names.push(t.clone());
        }
        Some(Ok(Record {
            file: self.file.clone(),
            index: self.index,
            obj,
        }))
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
