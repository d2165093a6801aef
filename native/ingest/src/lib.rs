//! Reading PowerShell exports: JSON (both `ConvertTo-Json` dialects, array / object / NDJSON),
//! `Export-Clixml` and `Export-Csv`, in UTF-8 or UTF-16 with a BOM, one record at a time.
//!
//! `open_input(path)` sniffs the encoding and the dialect and returns an iterator of
//! [`Record`]s. Errors carry the file, the record number and, from the typed accessors, the
//! property. A fatal error ends the iteration; any other spoils one record only.

pub mod clixml;
pub mod console;
pub mod csv;
pub mod dates;
pub mod json;
pub mod record;
pub mod source;
pub mod value;

pub use record::Record;
pub use source::TextEncoding;
pub use value::{PsObject, PsValue};

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

/// An opened input: what was detected, and the records.
pub struct InputFile {
    pub name: Arc<str>,
    pub encoding: TextEncoding,
    reader: Reader,
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
        match &mut self.reader {
            Reader::Json(r) => r.next(),
            Reader::Clixml(r) => r.next(),
            Reader::Csv(r) => r.next(),
            Reader::FormatList(r) => r.next(),
        }
    }
}

/// Opens a path (or `-` for stdin) and detects encoding and dialect.
pub fn open_input(path: &str) -> Result<InputFile, InputError> {
    open_input_selecting(path, None)
}

/// Like [`open_input`], but JSON records keep only the named properties (case-insensitive),
/// which saves parsing the rest of a wide export.
pub fn open_input_selecting(
    path: &str,
    select: Option<&'static [&'static str]>,
) -> Result<InputFile, InputError> {
    let mut src = source::open(path)?;
    let reader = from_source(&mut src, select)?;
    Ok(InputFile {
        name: src.name.clone(),
        encoding: src.encoding,
        reader,
    })
}

/// Reads from any byte stream (tests, embedded data).
pub fn open_reader(name: &str, raw: Box<dyn std::io::Read>) -> Result<InputFile, InputError> {
    let mut src = source::decode(name, raw)?;
    let reader = from_source(&mut src, None)?;
    Ok(InputFile {
        name: src.name.clone(),
        encoding: src.encoding,
        reader,
    })
}

fn from_source(
    src: &mut source::Source,
    select: Option<&'static [&'static str]>,
) -> Result<Reader, InputError> {
    let first = source::first_significant_byte(&mut src.reader)
        .map_err(|e| InputError::file(&*src.name, format!("cannot read: {e}")))?;
    let mut reader = source::Lookahead::new(std::mem::replace(
        &mut src.reader,
        Box::new(std::io::empty()),
    ));
    let name = src.name.clone();
    match first {
        None => Err(InputError::file(
            &*name,
            "is empty (ConvertTo-Json writes nothing for an empty collection: if there are no such objects, leave the option out)",
        )),
        Some(b'[') | Some(b'{') => Ok(Reader::Json(json::JsonReader::new(name, Box::new(reader), select))),
        Some(b'<') => Ok(Reader::Clixml(clixml::ClixmlReader::new(name, Box::new(reader)))),
        Some(_) => {
            let head = reader
                .peek(console::SNIFF_BYTES)
                .map_err(|e| InputError::file(&*name, format!("cannot read: {e}")))?;
            match console::sniff(&String::from_utf8_lossy(head)) {
                console::Sniffed::FormatList {
                    double_spaced,
                    command,
                } => Ok(Reader::FormatList(console::FormatListReader::new(
                    name,
                    Box::new(reader),
                    double_spaced,
                    command,
                ))),
                console::Sniffed::Refused(message) => Err(InputError::file(&*name, message)),
                console::Sniffed::Other => Ok(Reader::Csv(csv::CsvReader::new(name, Box::new(reader))?)),
            }
        }
    }
}
