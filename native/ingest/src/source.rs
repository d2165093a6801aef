//! Opening an input (a path or `-` for stdin) and undoing its text encoding, as a stream.
//!
//! Windows PowerShell 5.1 writes UTF-16 LE with a BOM for `>` / `Out-File`, UTF-8 with a BOM for
//! `-Encoding UTF8`; PowerShell 7 writes UTF-8 without a BOM. UTF-16 is transcoded to UTF-8 on the
//! fly (encoding_rs_io), so nothing is read into memory ahead of the parser.

use license_audit_model::InputError;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16LeBom,
    Utf16BeBom,
}

impl TextEncoding {
    /// Every encoding the reader detects, in the order its names are listed (a schema's allowed
    /// values).
    pub const ALL: [TextEncoding; 4] = [
        TextEncoding::Utf8,
        TextEncoding::Utf8Bom,
        TextEncoding::Utf16LeBom,
        TextEncoding::Utf16BeBom,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::Utf16LeBom => "UTF-16 LE with BOM",
            TextEncoding::Utf16BeBom => "UTF-16 BE with BOM",
        }
    }
}

pub struct Source {
    pub name: Arc<str>,
    pub encoding: TextEncoding,
    /// UTF-8 text, BOM removed.
    pub reader: Box<dyn BufRead>,
    /// UTF-16 only: the lone surrogates the transcoding met (each became U+FFFD).
    pub lone_surrogates: Option<Arc<LoneSurrogates>>,
}

/// Half a UTF-16 surrogate pair with no other half, counted as the raw bytes stream past (the
/// transcoder turns each into U+FFFD, which would otherwise pass for text the file held).
#[derive(Debug, Default)]
pub struct LoneSurrogates {
    count: std::sync::atomic::AtomicU64,
    /// Byte offset in the file of the first one.
    first_at: std::sync::atomic::AtomicU64,
}

impl LoneSurrogates {
    fn found(&self, at: u64) {
        use std::sync::atomic::Ordering::Relaxed;
        if self.count.fetch_add(1, Relaxed) == 0 {
            self.first_at.store(at, Relaxed);
        }
    }

    /// How many, and where the first was.
    pub fn seen(&self) -> Option<(u64, u64)> {
        use std::sync::atomic::Ordering::Relaxed;
        match self.count.load(Relaxed) {
            0 => None,
            n => Some((n, self.first_at.load(Relaxed))),
        }
    }
}

/// Watches the raw UTF-16 code units for lone surrogates on their way to the transcoder.
struct SurrogateWatch {
    inner: Box<dyn Read>,
    big_endian: bool,
    found: Arc<LoneSurrogates>,
    /// Bytes passed so far.
    offset: u64,
    /// The first byte of a code unit split across reads.
    half: Option<u8>,
    /// Where a high surrogate waiting for its low half started.
    high_at: Option<u64>,
}

impl SurrogateWatch {
    fn unit(&mut self, unit: u16, at: u64) {
        match unit {
            0xD800..=0xDBFF => {
                if let Some(h) = self.high_at.replace(at) {
                    self.found.found(h);
                }
            }
            0xDC00..=0xDFFF => {
                if self.high_at.take().is_none() {
                    self.found.found(at);
                }
            }
            _ => {
                if let Some(h) = self.high_at.take() {
                    self.found.found(h);
                }
            }
        }
    }
}

impl Read for SurrogateWatch {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            if let Some(h) = self.high_at.take() {
                self.found.found(h);
            }
            return Ok(0);
        }
        let mut i = 0;
        if let Some(first) = self.half.take() {
            let at = self.offset - 1;
            let pair = [first, buf[0]];
            self.unit(self.code_unit(pair), at);
            i = 1;
        }
        while i + 1 < n {
            let at = self.offset + i as u64;
            self.unit(self.code_unit([buf[i], buf[i + 1]]), at);
            i += 2;
        }
        if i < n {
            self.half = Some(buf[i]);
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl SurrogateWatch {
    fn code_unit(&self, b: [u8; 2]) -> u16 {
        if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    }
}

const BUFFER: usize = 256 * 1024;

pub fn open(path: &str) -> Result<Source, InputError> {
    if path == "-" {
        let stdin = io::stdin().lock();
        return decode(STDIN, Box::new(stdin));
    }
    let meta =
        std::fs::metadata(path).map_err(|e| InputError::file(path, describe_open_error(&e)))?;
    if meta.is_dir() {
        return Err(InputError::file(
            path,
            "is a directory; give the exported file inside it",
        ));
    }
    let file = File::open(path).map_err(|e| InputError::file(path, describe_open_error(&e)))?;
    decode(path, Box::new(file))
}

fn describe_open_error(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "file not found".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => format!("cannot open: {e}"),
    }
}

/// Sniffs the BOM from the first bytes and wraps the rest in the matching decoder.
pub fn decode(name: &str, mut raw: Box<dyn Read>) -> Result<Source, InputError> {
    let mut head = [0u8; HEAD];
    let mut got = 0;
    // Standard input is the PowerShell module streaming records as they come: wait for no more
    // than the four bytes of a byte-order mark. A file gives the whole head at once.
    let want = if name == STDIN { 4 } else { HEAD };
    while got < want {
        match raw.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(InputError::file(name, format!("cannot read: {e}"))),
        }
    }
    let head = &head[..got];
    if let Some(what) = binary_kind(head) {
        return Err(InputError::file(name, what).fatal());
    }
    let (encoding, skip) = match head {
        [0xEF, 0xBB, 0xBF, ..] => (TextEncoding::Utf8Bom, 3),
        [0xFF, 0xFE, 0, 0] => {
            return Err(InputError::file(name, "is UTF-32; save it as UTF-8 or UTF-16 (-Encoding UTF8)"))
        }
        [0xFF, 0xFE, ..] => (TextEncoding::Utf16LeBom, 0),
        [0xFE, 0xFF, ..] => (TextEncoding::Utf16BeBom, 0),
        [a, 0, ..] | [0, a, ..] if *a != 0 => {
            return Err(InputError::file(
                name,
                "looks like UTF-16 without a byte-order mark; re-save it with Out-File -Encoding Unicode (which writes the BOM) or -Encoding UTF8",
            ))
        }
        _ => (TextEncoding::Utf8, 0),
    };
    match encoding {
        TextEncoding::Utf16LeBom | TextEncoding::Utf16BeBom
            if head.len() >= 8 && !head[2..].contains(&0) =>
        {
            // An export's first characters are ASCII ([, {, <, ", #TYPE, a line break), which
            // UTF-16 writes with a NUL byte each: none at all is UTF-8 (or a code page) behind a
            // UTF-16 byte-order mark, which would read as one line of CJK characters.
            return Err(InputError::file(
                name,
                "starts with a UTF-16 byte-order mark, but the text after it is not UTF-16 (no NUL bytes: it looks like UTF-8 that was given a UTF-16 mark when it was copied or re-saved); export it again with -Encoding UTF8 or -Encoding Unicode",
            )
            .fatal());
        }
        TextEncoding::Utf8 | TextEncoding::Utf8Bom if head[skip..].contains(&0) => {
            return Err(InputError::file(
                name,
                "holds NUL bytes: it is binary data, not a text export (a file of zeros left by a failed copy, or a database or program file); give the JSON, CLIXML or CSV export",
            )
            .fatal());
        }
        _ => {}
    }
    let rest: Box<dyn Read> = if name == STDIN {
        Box::new(Cursor::new(head[skip..].to_vec()).chain(raw))
    } else {
        // The head and what follows in one read, so the reader's first buffer holds more than
        // the sniffed bytes (as it did when only a BOM's four were read ahead).
        Box::new(Prefixed {
            head: head[skip..].to_vec(),
            at: 0,
            inner: raw,
        })
    };
    let mut lone_surrogates = None;
    let reader: Box<dyn BufRead> = match encoding {
        TextEncoding::Utf16LeBom | TextEncoding::Utf16BeBom => {
            let found = Arc::new(LoneSurrogates::default());
            lone_surrogates = Some(found.clone());
            let watched = SurrogateWatch {
                inner: rest,
                big_endian: encoding == TextEncoding::Utf16BeBom,
                found,
                offset: 0,
                half: None,
                high_at: None,
            };
            Box::new(BufReader::with_capacity(
                BUFFER,
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .bom_sniffing(true)
                    .strip_bom(true)
                    .build(watched),
            ))
        }
        _ => Box::new(BufReader::with_capacity(BUFFER, rest)),
    };
    Ok(Source {
        name: Arc::from(name),
        encoding,
        reader,
        lone_surrogates,
    })
}

/// The name standard input is read under.
const STDIN: &str = "<stdin>";

/// Bytes read ahead, then the rest of a file: a read hands out what is left of the head and
/// fills the rest of the caller's buffer from the file.
struct Prefixed {
    head: Vec<u8>,
    at: usize,
    inner: Box<dyn Read>,
}

impl Read for Prefixed {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = (self.head.len() - self.at).min(out.len());
        out[..n].copy_from_slice(&self.head[self.at..self.at + n]);
        self.at += n;
        if n == out.len() {
            return Ok(n);
        }
        match self.inner.read(&mut out[n..]) {
            Ok(m) => Ok(n + m),
            Err(_) if n > 0 => Ok(n),
            Err(e) => Err(e),
        }
    }
}

/// Bytes sniffed for a binary file's signature (the longest is SQLite's 16).
const HEAD: usize = 32;

/// What to run instead of the UAL database itself.
const UAL_INSTEAD: &str = "read it on the server with Get-UalUserAccess and Get-UalDeviceAccess (module UserAccessLogging; -CimSession <server> from another machine) and export that with ConvertTo-Json or Export-Csv -Encoding UTF8, or let this module collect it: Get-UalCalEvidence -ComputerName <server> (which runs those over CIM and keeps PSComputerName)";

/// A binary file an admin may hand over instead of an export, told by its signature: what it
/// is and what to give instead. `None`: not one of these (text, or a binary file not known).
pub fn binary_kind(head: &[u8]) -> Option<String> {
    let at = |offset: usize, magic: &[u8]| {
        head.len() >= offset + magic.len() && &head[offset..offset + magic.len()] == magic
    };
    if at(4, &[0xEF, 0xCD, 0xAB, 0x89]) {
        return Some(format!("is an ESE database (the signature EF CD AB 89 at offset 4), not an export: most likely a User Access Logging database copied from a server (Current.mdb or {{GUID}}.mdb in C:\\Windows\\System32\\LogFiles\\Sum), which only Windows' own UAL service reads; {UAL_INSTEAD}"));
    }
    if at(4, b"Standard Jet DB") || at(4, b"Standard ACE DB") {
        return Some("is a Microsoft Access database (.mdb/.accdb), not an export: export the table as CSV (UTF-8) or JSON and give that".to_string());
    }
    if at(0, b"SQLite format 3\0") {
        return Some("is an SQLite database, not an export: export the table as CSV (UTF-8) or JSON and give that".to_string());
    }
    if at(0, b"ElfFile\0") {
        return Some("is a Windows event log (.evtx), not an export: licence evidence is not read from event logs; for UAL evidence, read the server's User Access Logging with Get-UalUserAccess/Get-UalDeviceAccess -CimSession, or Get-UalCalEvidence -ComputerName <server>".to_string());
    }
    if at(0, b"PK\x03\x04") || at(0, b"PK\x05\x06") {
        return Some("is a zip archive (a compressed folder, or an Office document other than an .xlsx workbook), not an export: extract the export from it and give that file".to_string());
    }
    if at(0, &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some("is an Office 97-2003 document (.xls/.doc), not an export: save the sheet as .xlsx or as CSV UTF-8 and give that".to_string());
    }
    None
}

/// What every reader says about bytes that are not UTF-8 (after any UTF-16 was transcoded).
pub fn not_utf8_message() -> String {
    "is not UTF-8 text: it was probably saved in a legacy code page (Windows-1252 or similar, which Set-Content, Out-File -Encoding Default and Export-Csv -Encoding Default write in Windows PowerShell 5.1); export it again with -Encoding UTF8 or -Encoding Unicode".to_string()
}

/// A reader that refuses to hand out more than `limit` bytes between two [`Budgeted::reset`]s:
/// the CSV and CLIXML readers reset it at every record, so one record (an unclosed quote that
/// swallows the rest of a CSV, a gigabyte text node) cannot take unbounded memory. JSON counts
/// its record buffer itself.
pub struct Budgeted {
    inner: Box<dyn BufRead>,
    used: u64,
    limit: u64,
    exceeded: bool,
    last_byte: Option<u8>,
}

/// What [`Budgeted`] reports when a record is over the limit; readers turn it into a located
/// [`InputError`].
#[derive(Debug)]
pub struct RecordTooLarge;

impl std::fmt::Display for RecordTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a record is larger than {}",
            crate::describe_record_limit()
        )
    }
}

impl std::error::Error for RecordTooLarge {}

impl Budgeted {
    pub fn new(inner: Box<dyn BufRead>, limit: usize) -> Self {
        Budgeted {
            inner,
            used: 0,
            limit: limit as u64,
            exceeded: false,
            last_byte: None,
        }
    }

    pub fn reset(&mut self) {
        self.used = 0;
    }

    /// Whether the limit was hit (the error the caller saw came from here).
    pub fn exceeded(&self) -> bool {
        self.exceeded
    }

    /// The last byte handed out through `read` (CSV uses it to tell a truncated last line).
    pub fn last_byte(&self) -> Option<u8> {
        self.last_byte
    }
}

impl Read for Budgeted {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let buf = self.fill_buf()?;
            let n = buf.len().min(out.len());
            out[..n].copy_from_slice(&buf[..n]);
            n
        };
        if n > 0 {
            self.last_byte = Some(out[n - 1]);
        }
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Budgeted {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.used > self.limit {
            self.exceeded = true;
            return Err(io::Error::other(RecordTooLarge));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.used += n as u64;
        self.inner.consume(n);
    }
}

/// A buffered reader that can look further ahead than one read: [`Lookahead::peek`] gathers at
/// least `n` bytes (fewer only at the end) without consuming them, however the stream happens
/// to be chunked (a pipe, the UTF-16 decoder). Dialect sniffing and the JSON reader use it.
pub struct Lookahead {
    inner: Box<dyn BufRead>,
    held: Vec<u8>,
    pos: usize,
}

impl Lookahead {
    pub fn new(inner: Box<dyn BufRead>) -> Self {
        Lookahead {
            inner,
            held: Vec::new(),
            pos: 0,
        }
    }

    /// At least `n` bytes ahead, or all that is left.
    pub fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        if self.held.len() - self.pos < n {
            self.held.drain(..self.pos);
            self.pos = 0;
            while self.held.len() < n {
                let buf = match self.inner.fill_buf() {
                    Ok(b) => b,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                if buf.is_empty() {
                    break;
                }
                let take = buf.len().min(n - self.held.len());
                self.held.extend_from_slice(&buf[..take]);
                self.inner.consume(take);
            }
        }
        Ok(&self.held[self.pos..])
    }
}

impl Read for Lookahead {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let buf = self.fill_buf()?;
            let n = buf.len().min(out.len());
            out[..n].copy_from_slice(&buf[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Lookahead {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos < self.held.len() {
            return Ok(&self.held[self.pos..]);
        }
        if !self.held.is_empty() {
            self.held.clear();
            self.pos = 0;
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        if self.pos < self.held.len() {
            self.pos += n;
        } else {
            self.inner.consume(n);
        }
    }
}

/// Skips leading white space and returns the first significant byte without consuming it.
pub fn first_significant_byte(r: &mut dyn BufRead) -> io::Result<Option<u8>> {
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => {
                let b = buf[i];
                r.consume(i);
                return Ok(Some(b));
            }
            None => {
                let n = buf.len();
                r.consume(n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> Result<(TextEncoding, String), InputError> {
        let mut s = decode("t", Box::new(Cursor::new(bytes.to_vec())))?;
        let mut out = String::new();
        s.reader.read_to_string(&mut out).unwrap();
        Ok((s.encoding, out))
    }

    #[test]
    fn boms_are_detected_and_removed() {
        assert_eq!(
            read_all(b"[1]").unwrap(),
            (TextEncoding::Utf8, "[1]".into())
        );
        assert_eq!(
            read_all(b"\xEF\xBB\xBF[1]").unwrap(),
            (TextEncoding::Utf8Bom, "[1]".into())
        );
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("[\"é\"]".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(
            read_all(&le).unwrap(),
            (TextEncoding::Utf16LeBom, "[\"é\"]".into())
        );
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("{}".encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        assert_eq!(
            read_all(&be).unwrap(),
            (TextEncoding::Utf16BeBom, "{}".into())
        );
    }

    #[test]
    fn utf16_without_bom_is_refused_with_advice() {
        let le: Vec<u8> = "[{}]"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let e = read_all(&le).unwrap_err();
        assert!(
            e.message.contains("UTF-16 without a byte-order mark"),
            "{e}"
        );
    }
}
