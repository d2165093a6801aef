//! Writing records (NDJSON, JSON array, CSV, table), progress and diagnostics.

mod csv_cells;
pub mod diagnostics;
mod fallback;
mod fastjson;
pub mod progress;
mod reporter;
mod shared;
mod table;
pub mod temporaries;
mod text;

pub use reporter::ConsoleReporter;
pub use text::{cell_text, defuse_formula, printable};

use crate::model::{OutputError, OutputRecord, RecordSink};
use serde_json::{Map, Value};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use text::defuse_formula_str;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ndjson,
    Json,
    Csv,
    Table,
}

impl Format {
    /// `table` when stdout is a terminal (and no --output), else `ndjson`.
    pub fn resolve(requested: Option<Format>, to_file: bool) -> Format {
        requested.unwrap_or(if !to_file && io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Ndjson
        })
    }
}

pub struct Output {
    format: Format,
    w: Box<dyn Write>,
    /// Writing to a file: (the temporary file written, the path it becomes on `finish`).
    commit: Option<(temporaries::Temporary, PathBuf)>,
    written: u64,
    csv: Option<(String, Vec<String>)>,
    /// The field names of the record that wrote the CSV header, when all were struct fields: a
    /// later record naming the very same ones (the same type) is checked by address.
    csv_fields: Vec<&'static str>,
    table: table::Table,
    scratch: Vec<u8>,
    /// Shared lists' JSON, rendered once (see `output::shared`).
    shared_json: fastjson::SharedJson,
    cells: csv_cells::Cells,
}

impl Output {
    /// Records to stdout, or to a file that appears under its name only when complete: they are
    /// written to a temporary file beside it and renamed by [`Output::finish`], so a failed,
    /// killed or disk-full run never leaves a half-written file that looks like a result.
    pub fn new(format: Format, path: Option<&Path>) -> io::Result<Self> {
        match path {
            Some(p) if !replaced_atomically(p) => {
                let file = std::fs::OpenOptions::new().write(true).open(p)?;
                Ok(Self::to_writer(
                    format,
                    Box::new(BufWriter::with_capacity(256 * 1024, file)),
                ))
            }
            Some(p) => {
                let (file, temp) = temporaries::Temporary::create(&temporary_beside(p))?;
                let mut out =
                    Self::to_writer(format, Box::new(BufWriter::with_capacity(256 * 1024, file)));
                out.commit = Some((temp, p.to_path_buf()));
                Ok(out)
            }
            None => Ok(Self::to_writer(
                format,
                Box::new(BufWriter::with_capacity(64 * 1024, io::stdout())),
            )),
        }
    }

    pub fn to_writer(format: Format, w: Box<dyn Write>) -> Self {
        Output {
            format,
            w,
            commit: None,
            written: 0,
            csv: None,
            csv_fields: Vec::new(),
            table: table::Table::default(),
            scratch: Vec::with_capacity(4096),
            shared_json: fastjson::SharedJson::default(),
            cells: csv_cells::Cells::default(),
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn write<R: OutputRecord>(&mut self, record: &R) -> io::Result<()> {
        if self.format == Format::Table && !R::IN_TABLE {
            // A summary the footer states: a terminal shows it once (see OutputRecord::IN_TABLE).
            return Ok(());
        }
        if matches!(self.format, Format::Ndjson | Format::Json) {
            // Fast path: the line is built in one buffer and written once — the opening, then
            // RecordType, then the struct serialised once with its `{` turned into a comma.
            let line = &mut self.scratch;
            line.clear();
            if self.format == Format::Json {
                line.extend_from_slice(if self.written == 0 { b"[\n" } else { b",\n" });
            }
            line.extend_from_slice(b"{\"RecordType\":");
            crate::model::json_text::write_str(line, R::RECORD_TYPE);
            let body = line.len();
            if fastjson::write(line, &mut self.shared_json, record).is_err() {
                line.truncate(body);
                serde_json::to_writer(&mut *line, record)?;
            }
            if line.len() - body > 2 {
                line[body] = b',';
            } else {
                line.truncate(body);
                line.push(b'}');
            }
            if self.format == Format::Ndjson {
                line.push(b'\n');
            }
            self.w.write_all(line)?;
            self.written += 1;
            return Ok(());
        }
        // CSV cells straight from the record when it holds nothing they cannot render alike.
        if self.format == Format::Csv && self.cells.fill(record).is_ok() {
            return self.write_csv_cells(R::RECORD_TYPE);
        }
        let body = serde_json::to_value(record).map_err(io::Error::other)?;
        let mut map = Map::with_capacity(16);
        map.insert("RecordType".into(), Value::String(R::RECORD_TYPE.into()));
        if let Value::Object(fields) = body {
            map.extend(fields);
        }
        self.write_map(R::RECORD_TYPE, R::TABLE_COLUMNS, map)
    }

    fn write_map(
        &mut self,
        record_type: &str,
        columns: &[&str],
        map: Map<String, Value>,
    ) -> io::Result<()> {
        match self.format {
            Format::Ndjson => {
                serde_json::to_writer(&mut self.w, &map)?;
                self.w.write_all(b"\n")?;
            }
            Format::Json => {
                self.w
                    .write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
                serde_json::to_writer(&mut self.w, &map)?;
            }
            Format::Csv => self.write_csv(record_type, map)?,
            Format::Table => {
                let cells = columns
                    .iter()
                    .map(|c| {
                        map.get(*c)
                            .map(table_cell_text)
                            .or_else(|| derived_cell(c, &map))
                            .map(|t| printable(&t).into_owned())
                            .unwrap_or_default()
                    })
                    .collect();
                self.table.push(&mut self.w, record_type, columns, cells)?;
            }
        }
        self.written += 1;
        Ok(())
    }

    /// [`Output::write_csv`] for a record rendered into `self.cells`.
    fn write_csv_cells(&mut self, record_type: &str) -> io::Result<()> {
        let Output {
            w,
            csv,
            csv_fields,
            scratch,
            cells,
            ..
        } = self;
        scratch.clear();
        if !matches!(csv, Some((t, _)) if t == record_type) {
            if csv.is_some() {
                w.write_all(b"\n")?;
            }
            let mut columns = vec!["RecordType".to_string()];
            columns.extend(cells.cells.iter().map(|(n, _)| n.as_str().to_string()));
            csv_cells::write_row(scratch, columns.iter().map(String::as_str));
            *csv = Some((record_type.to_string(), columns));
            *csv_fields = cells
                .cells
                .iter()
                .map(|(name, _)| match name {
                    csv_cells::Name::Field(f) => Some(*f),
                    csv_cells::Name::Key(_) => None,
                })
                .collect::<Option<_>>()
                .unwrap_or_default();
        }
        let (_, columns) = csv.as_ref().expect("set above");
        let record_type = defuse_formula_str(record_type);
        let n = cells.cells.len();
        // The same type's fields are the same `&'static str`s: compared by address, not text.
        let same_fields = !csv_fields.is_empty()
            && csv_fields.len() == n
            && csv_fields.iter().zip(&cells.cells).all(
                |(f, (name, _))| matches!(name, csv_cells::Name::Field(g) if std::ptr::eq(*f, *g)),
            );
        let same = same_fields
            || columns.len() == n + 1
                && columns[1..]
                    .iter()
                    .zip(&cells.cells)
                    .all(|(c, (name, _))| c == name.as_str());
        if same {
            csv_cells::write_row_known(
                scratch,
                std::iter::once((&*record_type, false)).chain((0..n).map(|i| cells.cell_known(i))),
            );
        } else {
            // Columns come from the type's first record; a field it lacked is dropped, one it
            // had and this record lacks is empty (as the Value path does).
            csv_cells::write_row(
                scratch,
                columns.iter().map(|c| {
                    if c == "RecordType" {
                        &*record_type
                    } else {
                        (0..n)
                            .find(|&i| cells.cells[i].0.as_str() == c)
                            .map_or("", |i| cells.cell(i))
                    }
                }),
            );
        }
        w.write_all(scratch)?;
        self.written += 1;
        Ok(())
    }

    /// One header per record type; a change of type starts a new block after a blank line.
    fn write_csv(&mut self, record_type: &str, map: Map<String, Value>) -> io::Result<()> {
        let new_block = !matches!(&self.csv, Some((t, _)) if t == record_type);
        if new_block {
            if self.csv.is_some() {
                self.w.write_all(b"\n")?;
            }
            let columns: Vec<String> = map.keys().cloned().collect();
            self.w.write_all(&csv_row(&columns)?)?;
            self.csv = Some((record_type.to_string(), columns));
            self.csv_fields.clear();
        }
        let (_, columns) = self.csv.as_ref().expect("set above");
        let row: Vec<String> = columns
            .iter()
            .map(|c| match map.get(c) {
                // Numbers are numbers (a negative one is not a formula).
                Some(Value::Number(n)) => n.to_string(),
                Some(v) => defuse_formula(cell_text(v)),
                None => String::new(),
            })
            .collect();
        self.w.write_all(&csv_row(&row)?)
    }

    /// Summary lines printed under a table (ignored by the machine formats, which carry the
    /// summary as records instead).
    pub fn footer(&mut self, lines: &[String]) -> io::Result<()> {
        if self.format == Format::Table {
            self.table.flush(&mut self.w)?;
            self.w.write_all(b"\n")?;
            for l in lines {
                writeln!(self.w, "{}", printable(l))?;
            }
        }
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<u64> {
        match self.format {
            Format::Json => self
                .w
                .write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?,
            Format::Table => self.table.flush(&mut self.w)?,
            _ => {}
        }
        self.w.flush()?;
        if let Some((temp, path)) = self.commit.take() {
            // Close the file before renaming it (Windows will not rename an open file).
            self.w = Box::new(io::sink());
            temp.persist(&path)?;
        }
        Ok(self.written)
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        // Not finished: the run failed, so its partial file goes (closed first, for Windows).
        if let Some((temp, _)) = self.commit.take() {
            self.w = Box::new(io::sink());
            drop(temp);
        }
    }
}

/// Whether `path` is written through a temporary file renamed into place: yes for a regular file
/// or a path that does not exist yet; no for a device, pipe or console (`/dev/null`,
/// `/dev/stdout`, a FIFO, Windows `NUL` or `CON`), which a rename would replace with a regular
/// file (as root, `--output /dev/null` used to turn /dev/null into one).
pub fn replaced_atomically(path: &Path) -> bool {
    if cfg!(windows) && windows_device_name(path) {
        return false;
    }
    std::fs::metadata(path).map_or(true, |m| m.is_file())
}

/// Win32 reserved device names, which name a device in every folder and with any extension
/// (Microsoft Learn, "Naming Files, Paths, and Namespaces").
fn windows_device_name(path: &Path) -> bool {
    let Some(stem) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let stem = stem
        .split('.')
        .next()
        .unwrap_or(stem)
        .trim_end()
        .to_ascii_uppercase();
    matches!(
        stem.as_str(),
        "NUL" | "CON" | "PRN" | "AUX" | "CONIN$" | "CONOUT$"
    ) || (stem.len() == 4
        && (stem.starts_with("COM") || stem.starts_with("LPT"))
        && stem.as_bytes()[3].is_ascii_digit()
        && stem.as_bytes()[3] != b'0')
}

/// `.<name>.partial-<pid>` in the same folder (a rename within a folder is atomic).
pub fn temporary_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    path.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

impl RecordSink for Output {
    fn write<R: OutputRecord>(&mut self, record: &R) -> Result<(), OutputError> {
        Output::write(self, record).map_err(OutputError)
    }
    fn footer(&mut self, lines: &[String]) -> Result<(), OutputError> {
        Output::footer(self, lines).map_err(OutputError)
    }
}

fn csv_row(cells: &[String]) -> io::Result<Vec<u8>> {
    let mut cw = csv::WriterBuilder::new().from_writer(Vec::with_capacity(256));
    cw.write_record(cells).map_err(io::Error::other)?;
    cw.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// Like [`cell_text`], but a list of findings shows the first one's code and how many more:
/// a terminal row has no room for the messages (json/csv keep them), e.g.
/// `RecordingTierDisputed (+1)`.
fn table_cell_text(v: &Value) -> String {
    match v {
        Value::Array(items) if items.iter().all(|i| i.get("Code").is_some()) => {
            match items.split_first() {
                None => String::new(),
                Some((first, [])) => cell_text(&first["Code"]),
                Some((first, more)) => format!("{} (+{})", cell_text(&first["Code"]), more.len()),
            }
        }
        other => cell_text(other),
    }
}

/// A table column that is not a field of the record but read from several: `CALs`, the CALs a
/// record's Standard / Enterprise / Plus flags add up to (`Standard+Enterprise`, `None`, …).
fn derived_cell(column: &str, map: &Map<String, Value>) -> Option<String> {
    match column {
        "CALs" => {
            let flag = |k: &str| map.get(k).and_then(Value::as_bool);
            let standard = flag("Standard")?;
            let plus = flag("Plus")?;
            Some(crate::model::tier_combination(standard, flag("Enterprise"), plus).to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A record holding shared lists, as `LyncUserCal` holds its reasons and findings, and the
    /// same record with plain lists.
    #[derive(serde::Serialize, schemars::JsonSchema)]
    #[serde(rename_all = "PascalCase")]
    struct SharingRecord<L> {
        identity: String,
        sip_address: String,
        display_name: String,
        kind: String,
        count: u32,
        reasons: L,
        findings: L,
    }

    impl<L: serde::Serialize + schemars::JsonSchema> OutputRecord for SharingRecord<L> {
        const RECORD_TYPE: &'static str = "SharingRecord";
        const TABLE_COLUMNS: &'static [&'static str] = &["Identity", "Reasons"];
    }

    /// A shared buffer to read what an `Output` wrote.
    #[derive(Clone, Default)]
    struct Written(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Written {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Records holding shared lists (rendered once, then copied) are written byte for byte as
    /// the same records holding plain lists, in every format, whatever the texts hold (quotes,
    /// commas, line breaks, formula starts) and across record types.
    #[test]
    fn records_with_shared_lists_are_written_as_with_plain_ones() {
        use crate::model::SharedList;
        let names = [
            ("CN=A,OU=Users", "sip:a@contoso.com", "A"),
            ("CN=\"B\"", "sip:b@contoso.com", "=HYPERLINK(\"x\")"),
            ("c", "+c", "line\nbreak"),
            ("", "", ""),
            ("@d", "-d", "\td"),
        ];
        let reasons = vec!["a \"quoted\", reason".to_string(), "=two".into()];
        let shared: SharedList<String> = reasons.clone().into();
        let none: SharedList<String> = Vec::new().into();
        for format in [Format::Ndjson, Format::Json, Format::Csv, Format::Table] {
            let write = |sharing: bool| {
                let buf = Written::default();
                let mut out = Output::to_writer(format, Box::new(buf.clone()));
                for round in 0..2 {
                    for (identity, sip, display) in names {
                        let (identity, sip_address, display_name, kind) =
                            (identity.into(), sip.into(), display.into(), "=User".into());
                        if sharing {
                            out.write(&SharingRecord {
                                identity,
                                sip_address,
                                display_name,
                                kind,
                                count: 3,
                                reasons: shared.clone(),
                                findings: none.clone(),
                            })
                        } else {
                            out.write(&SharingRecord {
                                identity,
                                sip_address,
                                display_name,
                                kind,
                                count: 3,
                                reasons: reasons.clone(),
                                findings: Vec::new(),
                            })
                        }
                        .unwrap();
                    }
                    // Another record type in between: a new header, then the first type again.
                    if round == 0 {
                        out.write(&OtherRecord { reason: "x".into() }).unwrap();
                    }
                }
                out.finish().unwrap();
                let bytes = buf.0.lock().unwrap().clone();
                String::from_utf8(bytes).unwrap()
            };
            assert_eq!(write(true), write(false), "{format:?}");
        }
    }

    #[derive(serde::Serialize, schemars::JsonSchema)]
    #[serde(rename_all = "PascalCase")]
    struct OtherRecord {
        reason: String,
    }

    impl OutputRecord for OtherRecord {
        const RECORD_TYPE: &'static str = "Other";
        const TABLE_COLUMNS: &'static [&'static str] = &["Reason"];
    }

    #[test]
    fn terminal_text_shows_control_characters_as_escapes() {
        assert_eq!(printable("Ann Lee"), "Ann Lee");
        assert_eq!(
            printable("x\u{1b}[2J\u{7}\r\nlicense-audit: error: forged\u{9b}"),
            "x\\u{1b}[2J\\u{7}\\r\\nlicense-audit: error: forged\\u{9b}"
        );
        // A table row with such a name stays one line.
        let buf = Written::default();
        let mut out = Output::to_writer(Format::Table, Box::new(buf.clone()));
        out.write(&OtherRecord {
            reason: "a\r\nlicense-audit: error: forged".into(),
        })
        .unwrap();
        out.finish().unwrap();
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(!text.contains('\r'), "{text}");
    }

    #[test]
    fn findings_show_the_first_code_and_how_many_more() {
        let one = json!([{"Code": "PolicyUnused", "Message": "m"}]);
        let three = json!([{"Code": "A"}, {"Code": "B"}, {"Code": "C"}]);
        assert_eq!(table_cell_text(&one), "PolicyUnused");
        assert_eq!(table_cell_text(&three), "A (+2)");
        assert_eq!(table_cell_text(&json!([])), "");
    }

    #[test]
    fn the_cals_column_adds_up_the_tier_flags() {
        let map = |v: Value| v.as_object().unwrap().clone();
        let cals = |v: Value| derived_cell("CALs", &map(v));
        assert_eq!(
            cals(json!({"Standard": true, "Enterprise": true, "Plus": false})).as_deref(),
            Some("Standard+Enterprise")
        );
        assert_eq!(
            cals(json!({"Standard": true, "Enterprise": null, "Plus": true})).as_deref(),
            Some("Standard+Undetermined+Plus")
        );
        assert_eq!(cals(json!({"Name": "x"})), None);
    }
}
