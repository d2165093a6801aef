//! Reading PowerShell exports: JSON (both `ConvertTo-Json` dialects, array / object / NDJSON),
//! `Export-Clixml` and `Export-Csv`, in UTF-8 or UTF-16 with a BOM, one record at a time; and
//! `Format-List` console text, which admins paste instead (other console text is refused with
//! the command that makes an export).
//!
//! `open_input(path)` (or `open_input_with(path, ReadOptions { select, date_order })`) sniffs
//! the encoding and the dialect and returns an iterator of [`Record`]s. Errors carry the file,
//! the record number and, from the typed accessors, the property. A fatal error ends the
//! iteration; any other spoils one record only. Memory follows the largest record, which may
//! take at most [`MAX_RECORD_BYTES`].

pub mod clixml;
pub mod console;
pub mod csv;
pub mod dates;
pub mod edition;
/// The selected-properties fast path of the JSON reader; public only for the fuzz harness.
#[doc(hidden)]
pub mod fastline;
pub mod json;
pub mod load;
pub mod record;
pub mod source;
pub mod value;
pub mod xlsx;

pub use dates::DateOrder;
pub use load::{header_only_inputs, load_all, stream_each, stream_each_borrowed};
pub use record::Record;
pub use source::TextEncoding;
pub use value::{Name, PsObject, PsValue};

use license_audit_model::InputError;
use std::sync::Arc;

/// The most bytes one record may take: 64 MiB. A PowerShell export of one user, policy or UAL
/// row is a few kilobytes; a record this large is a damaged file (an unclosed CSV quote, a
/// truncated JSON string) or a hostile one, and refusing it keeps memory bounded whatever the
/// file holds. Lines may be longer: `ConvertTo-Json -Compress` writes a whole array on one line,
/// and its records are read one at a time. Memory for one record is at most about twice this
/// (buffers grow by doubling).
pub const MAX_RECORD_BYTES: usize = 64 << 20;

pub(crate) fn describe_record_limit() -> String {
    format!("{} MiB", MAX_RECORD_BYTES >> 20)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    JsonArray,
    JsonObject,
    Ndjson,
    Clixml,
    Csv,
    /// `Format-List` console text (`Name : Value` blocks), read as text like CSV.
    FormatList,
}

impl Dialect {
    /// Every dialect the reader detects, in the order its names are listed (a schema's allowed
    /// values).
    pub const ALL: [Dialect; 6] = [
        Dialect::JsonArray,
        Dialect::JsonObject,
        Dialect::Ndjson,
        Dialect::Clixml,
        Dialect::Csv,
        Dialect::FormatList,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dialect::JsonArray => "JSON array",
            Dialect::JsonObject => "JSON object",
            Dialect::Ndjson => "NDJSON",
            Dialect::Clixml => "CLIXML",
            Dialect::Csv => "CSV",
            Dialect::FormatList => "Format-List text",
        }
    }
}

enum Reader {
    Json(json::JsonReader),
    Clixml(clixml::ClixmlReader),
    Csv(csv::CsvReader),
    FormatList(console::FormatListReader),
}

/// How to read an input. `Default` is what [`open_input`] does.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// JSON records keep only these properties (case-insensitive); see [`open_input_selecting`].
    pub select: Option<&'static [&'static str]>,
    /// The month/day order of culture-text dates (`8/9/2012`), when the user knows it; without
    /// it the file decides (see [`dates`]).
    pub date_order: Option<DateOrder>,
}

/// An opened input: what was detected, and the records.
pub struct InputFile {
    pub name: Arc<str>,
    pub encoding: TextEncoding,
    reader: Reader,
    dates: Arc<dates::FileDates>,
    /// UTF-16 only: lone surrogates met, told once as the last item (see [`InputFile::next`]).
    lone_surrogates: Option<Arc<source::LoneSurrogates>>,
}

impl InputFile {
    pub fn dialect(&self) -> Dialect {
        match &self.reader {
            Reader::Json(j) => match j.layout() {
                json::JsonLayout::Array => Dialect::JsonArray,
                json::JsonLayout::SingleObject => Dialect::JsonObject,
                json::JsonLayout::Ndjson => Dialect::Ndjson,
            },
            Reader::Clixml(_) => Dialect::Clixml,
            Reader::Csv(_) => Dialect::Csv,
            Reader::FormatList(_) => Dialect::FormatList,
        }
    }

    /// What a caller should tell the user about how the file was read, if anything: for
    /// Format-List console text, that it is lossy and the command that makes a real export.
    pub fn note(&self) -> Option<String> {
        match &self.reader {
            Reader::FormatList(r) => Some(console::format_list_note(r.command.as_deref())),
            _ => None,
        }
    }

    /// Which PowerShell most likely wrote the file, and what was seen that says so. The JSON
    /// evidence is gathered as records are read: call it after reading them.
    pub fn power_shell_edition(&self) -> edition::EditionReport {
        let json = match &self.reader {
            Reader::Json(j) => Some(j.evidence()),
            _ => None,
        };
        edition::detect(self.dialect(), json, self.csv_type_name().is_some())
    }

    /// Takes back a record the audit is done with, so its memory is reused for a later one
    /// (JSON read with a selection; other readers let it go).
    fn recycle(&mut self, rec: Record) {
        if let Reader::Json(j) = &mut self.reader {
            j.recycle(rec);
        }
    }

    /// Replaces what `batch` holds (records the audit is done with, read into again where the
    /// reader can) with up to `max` next items, in file order: what as many calls of
    /// [`Iterator::next`] give, ending after a fatal error. False when the input is done (the
    /// end, or a fatal error, which is then the last item).
    pub fn fill(&mut self, batch: &mut Vec<Result<Record, InputError>>, max: usize) -> bool {
        let mut at = 0;
        let mut more = true;
        while at < max {
            if let Reader::Json(j) = &mut self.reader {
                at = j.fill_lines(batch, at, max, &self.dates);
                if at >= max {
                    break;
                }
            }
            // One item the ordinary way. `batch[at..]` are records the audit is done with, in
            // no order that matters: one goes to be read into by `next`, and the item takes the
            // place of another.
            if batch.len() > at {
                if let Some(Ok(old)) = batch.pop() {
                    self.recycle(old);
                }
            }
            let Some(item) = self.next() else {
                more = false;
                break;
            };
            let fatal = matches!(&item, Err(e) if e.fatal);
            batch.push(item);
            let last = batch.len() - 1;
            batch.swap(at, last);
            at += 1;
            if fatal {
                more = false;
                break;
            }
        }
        batch.truncate(at);
        more
    }

    /// The columns a CSV (or .xlsx) header names; `None` for the other dialects.
    pub fn columns(&self) -> Option<&[String]> {
        match &self.reader {
            Reader::Csv(c) => Some(c.headers()),
            _ => None,
        }
    }

    /// The `#TYPE` line of a Windows PowerShell 5.1 CSV.
    pub fn csv_type_name(&self) -> Option<&str> {
        match &self.reader {
            Reader::Csv(c) => c.type_name.as_deref(),
            _ => None,
        }
    }
}

impl Iterator for InputFile {
    type Item = Result<Record, InputError>;
    fn next(&mut self) -> Option<Self::Item> {
        let item = match &mut self.reader {
            Reader::Json(r) => r.next(),
            Reader::Clixml(r) => r.next(),
            Reader::Csv(r) => r.next(),
            Reader::FormatList(r) => r.next(),
        };
        let Some(item) = item else {
            // A UTF-16 file with lone surrogates was read with U+FFFD in their place: said
            // once, at the end, as an error of the file (as a lone surrogate in a JSON escape is
            // an error of its record), so the run says its input was damaged.
            let (n, at) = self.lone_surrogates.take()?.seen()?;
            return Some(Err(InputError {
                fatal: false,
                ..InputError::file(
                &*self.name,
                format!(
                    "holds {n} lone UTF-16 surrogate(s) (half of a character whose other half is missing; the first at byte {at}), each read as U+FFFD: the text there is damaged; export it again"
                ),
            )
            }));
        };
        if matches!(&item, Err(e) if e.fatal) {
            // Nothing comes after a fatal error (fill and the audits stop there): the file is
            // refused whole, so the lone surrogates met before it go unsaid.
            self.lone_surrogates = None;
        }
        Some(item.map(|mut r| {
            // A recycled record has its file's dates already: its shared count is left alone.
            r.share_dates(&self.dates);
            r
        }))
    }
}

/// Opens a path (or `-` for stdin) and detects encoding and dialect.
pub fn open_input(path: &str) -> Result<InputFile, InputError> {
    open_input_with(path, ReadOptions::default())
}

/// Like [`open_input`], but JSON records keep only the named properties (case-insensitive),
/// which saves parsing the rest of a wide export.
pub fn open_input_selecting(
    path: &str,
    select: Option<&'static [&'static str]>,
) -> Result<InputFile, InputError> {
    open_input_with(
        path,
        ReadOptions {
            select,
            ..ReadOptions::default()
        },
    )
}

/// Opens a path (or `-` for stdin) with [`ReadOptions`].
pub fn open_input_with(path: &str, options: ReadOptions) -> Result<InputFile, InputError> {
    if xlsx::is_workbook(path) {
        let text = xlsx::to_csv(path)?;
        let mut src = source::decode(path, Box::new(std::io::Cursor::new(text)))?;
        return InputFile::from_source(&mut src, options, None);
    }
    let mut src = source::open(path)?;
    // Only a regular file can be read a second time (for the date-order scan).
    let rescan = (path != "-" && std::fs::metadata(path).is_ok_and(|m| m.is_file()))
        .then(|| std::path::PathBuf::from(path));
    InputFile::from_source(&mut src, options, rescan)
}

/// Reads from any byte stream (tests, embedded data).
pub fn open_reader(name: &str, raw: Box<dyn std::io::Read>) -> Result<InputFile, InputError> {
    open_reader_with(name, raw, ReadOptions::default())
}

/// [`open_reader`] with [`ReadOptions`].
pub fn open_reader_with(
    name: &str,
    raw: Box<dyn std::io::Read>,
    options: ReadOptions,
) -> Result<InputFile, InputError> {
    let mut src = source::decode(name, raw)?;
    InputFile::from_source(&mut src, options, None)
}

impl InputFile {
    fn from_source(
        src: &mut source::Source,
        options: ReadOptions,
        rescan: Option<std::path::PathBuf>,
    ) -> Result<InputFile, InputError> {
        let (reader, deciding) = dialect_reader(src, options.select)?;
        let day_first_hint = match &reader {
            Reader::Csv(c) if c.delimiter == b';' => Some("the CSV is ;-separated"),
            _ => None,
        };
        Ok(InputFile {
            name: src.name.clone(),
            encoding: src.encoding,
            lone_surrogates: src.lone_surrogates.clone(),
            reader,
            dates: Arc::new(dates::FileDates::new(
                options.date_order,
                deciding,
                rescan,
                day_first_hint,
            )),
        })
    }

    /// The month/day order culture-text dates are read with, and why (given, or the date in
    /// the file that settled it); `None` while the file has not shown it.
    pub fn date_order(&self) -> Option<(DateOrder, String)> {
        self.dates.order()
    }

    /// Once its records are read: why the month/day order of the file's ambiguous dates was
    /// a guess (its hints disagreed), if it was.
    pub fn undecided_dates(&self) -> Option<String> {
        self.dates.undecided()
    }
}

/// The reader for the source's dialect, and the first date in the file's head whose month/day
/// order is certain.
fn dialect_reader(
    src: &mut source::Source,
    select: Option<&'static [&'static str]>,
) -> Result<(Reader, Option<(DateOrder, String)>), InputError> {
    let first = source::first_significant_byte(&mut src.reader)
        .map_err(|e| InputError::file(&*src.name, format!("cannot read: {e}")))?;
    let mut reader = source::Lookahead::new(std::mem::replace(
        &mut src.reader,
        Box::new(std::io::empty()),
    ));
    let name = src.name.clone();
    if first.is_none() {
        return Err(InputError::file(
            &*name,
            "is empty (ConvertTo-Json writes nothing for an empty collection: if there are no such objects, leave the option out)",
        ));
    }
    // JSON and CLIXML start streaming at once (the PowerShell module pipes NDJSON into the
    // engine as objects arrive); their dates are ISO or /Date()/, so a culture-text date in them
    // is rare and its order is found lazily. Other text is sniffed for console output, and its
    // first MiB scanned for a date that settles the month/day order (see dates.rs).
    let mut deciding = None;
    let reader = match first {
        Some(b'[') | Some(b'{') => {
            Reader::Json(json::JsonReader::new(name, Box::new(reader), select))
        }
        Some(b'<') => Reader::Clixml(clixml::ClixmlReader::new(name, Box::new(reader))),
        _ => {
            let head = reader
                .peek(dates::HEAD_SCAN_BYTES)
                .map_err(|e| InputError::file(&*name, format!("cannot read: {e}")))?;
            deciding = dates::find_deciding_date(head);
            let sniff_len = head.len().min(console::SNIFF_BYTES);
            match console::sniff(&String::from_utf8_lossy(&head[..sniff_len])) {
                console::Sniffed::FormatList {
                    double_spaced,
                    command,
                } => Reader::FormatList(console::FormatListReader::new(
                    name,
                    Box::new(reader),
                    double_spaced,
                    command,
                )),
                console::Sniffed::Refused(message) => {
                    return Err(InputError::file(&*name, message))
                }
                console::Sniffed::Other => {
                    Reader::Csv(csv::CsvReader::new(name, Box::new(reader))?)
                }
            }
        }
    };
    Ok((reader, deciding))
}
