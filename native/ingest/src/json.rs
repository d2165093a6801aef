//! Streaming reader for `ConvertTo-Json` output: a top-level array, a single object, NDJSON, or
//! several of those one after another (what `>>` appends produce).
//!
//! A small byte scanner finds where each record starts and ends (tracking strings, escapes and
//! nesting) and copies only that record into a reusable buffer, which serde_json then parses.
//! Memory therefore follows the largest record, not the file.

use super::value::PsValue;
use super::Record;
use license_audit_model::InputError;
use std::collections::VecDeque;
use std::io::BufRead;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonLayout {
    Array,
    SingleObject,
    Ndjson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Outside any array: a value, `[`, or the end.
    TopLevel,
    /// Just after `[`: an element or `]`.
    FirstElement,
    /// After an element: `,` or `]`.
    Separator,
    /// After `,`: an element.
    Element,
    /// After the `]` of Windows PowerShell 5.1's `{"value":[…],"Count":n}` wrapper: `,"Count":n}`.
    WrapperTail,
}

/// `{ "value" : [` at the start of `buf`: its length, not it, or more bytes needed.
fn wrapper_prefix(buf: &[u8]) -> Option<Result<usize, ()>> {
    const PARTS: [&[u8]; 4] = [b"{", b"\"value\"", b":", b"["];
    let mut i = 0;
    for part in PARTS {
        while buf.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let have = &buf[i.min(buf.len())..];
        let n = have.len().min(part.len());
        if have[..n] != part[..n] {
            return Some(Err(()));
        }
        if n < part.len() {
            return None;
        }
        i += part.len();
    }
    Some(Ok(i))
}

/// The NDJSON line `buf` starts with, when it is buffered whole and may be one object: the line
/// without its trailing white space, and where its newline is.
fn whole_line(buf: &[u8]) -> Option<(&[u8], usize)> {
    let nl = memchr::memchr(b'\n', buf)?;
    let line = buf[..nl].trim_ascii_end();
    (line.last() == Some(&b'}')).then_some((line, nl))
}

/// Whether an object read may be Windows PowerShell 5.1's `{"value":[…],"Count":n}` wrapper
/// (then [`JsonReader::accept`] decides).
fn may_be_wrapper(obj: &super::value::PsObject) -> bool {
    obj.props.len() == 2 && obj.get("Count").is_some()
}

/// What reading one value gave.
enum Scanned {
    /// The value's bytes are in the buffer.
    Value,
    /// A whole one-line record (NDJSON), parsed straight from the read buffer.
    Parsed(PsValue),
    /// A record the selected-properties fast path read (see [`crate::fastline`]).
    Fast(Record),
    /// The value was longer than [`crate::MAX_RECORD_BYTES`]; it was read past, not kept.
    TooLarge,
}

pub struct JsonReader {
    file: Arc<str>,
    select: Option<super::value::Selection>,
    r: crate::source::Lookahead,
    buf: Vec<u8>,
    expect: Expect,
    index: u64,
    line: u64,
    top_level_values: u64,
    saw_array: bool,
    pending: VecDeque<PsValue>,
    /// Inside a top-level 5.1 `{"value":[…]}` wrapper, read element by element.
    in_wrapper: bool,
    /// How many bytes of a byte-order mark between records have been skipped (a BOM can fall
    /// across two reads).
    bom_seen: u8,
    /// Line of the current record's first byte.
    start_line: u64,
    /// What the bytes say about the PowerShell edition that wrote them.
    evidence: crate::edition::JsonEvidence,
    done: bool,
    /// The names of the last record the selected-properties fast path read.
    shape: crate::fastline::Shape,
    /// Records the audit is done with, read into again (see [`JsonReader::recycle`]).
    spare: Vec<Record>,
}

/// Records [`JsonReader::recycle`] keeps: a batch's worth (see [`crate::load::BATCH`]).
const SPARE_RECORDS: usize = crate::load::BATCH;

impl JsonReader {
    pub fn new(
        file: Arc<str>,
        r: Box<dyn BufRead>,
        select: Option<&'static [&'static str]>,
    ) -> Self {
        JsonReader {
            file,
            select: select.map(super::value::Selection::new),
            r: crate::source::Lookahead::new(r),
            buf: Vec::with_capacity(8 * 1024),
            expect: Expect::TopLevel,
            index: 0,
            line: 1,
            top_level_values: 0,
            saw_array: false,
            pending: VecDeque::new(),
            in_wrapper: false,
            bom_seen: 0,
            start_line: 1,
            evidence: Default::default(),
            done: false,
            shape: Default::default(),
            spare: Vec::new(),
        }
    }

    /// Takes back a record of this file the audit is done with: the selected-properties fast
    /// path reads a later record into it, reusing its memory (and its shared parts, whose counts
    /// are then not touched for every record).
    pub(crate) fn recycle(&mut self, rec: Record) {
        if self.select.is_some()
            && self.spare.len() < SPARE_RECORDS
            && Arc::ptr_eq(&rec.file, &self.file)
        {
            self.spare.push(rec);
        }
    }

    /// The fast path on `bytes` (`self.buf`, or a line in the read buffer), into a spare record
    /// when there is one; the record's index is set by [`JsonReader::accept_object`].
    fn parse_fast(
        bytes: &[u8],
        names: &super::value::Selection,
        shape: &mut crate::fastline::Shape,
        spare: &mut Vec<Record>,
        file: &Arc<str>,
    ) -> Option<Record> {
        match spare.pop() {
            Some(mut rec) => {
                if crate::fastline::parse_selected_into(bytes, names, shape, &mut rec.obj) {
                    Some(rec)
                } else {
                    spare.push(rec);
                    None
                }
            }
            None => crate::fastline::parse_selected(bytes, names, shape)
                .map(|obj| Record::new(file.clone(), 0, obj)),
        }
    }

    /// What the records read so far show about the edition that wrote them.
    pub fn evidence(&self) -> &crate::edition::JsonEvidence {
        &self.evidence
    }

    pub fn layout(&self) -> JsonLayout {
        if self.saw_array {
            JsonLayout::Array
        } else if self.top_level_values > 1 {
            JsonLayout::Ndjson
        } else {
            JsonLayout::SingleObject
        }
    }

    fn fatal(&self, message: String) -> InputError {
        InputError::file(&*self.file, message)
    }

    fn io_error(&self, e: std::io::Error) -> InputError {
        self.fatal(format!("cannot read: {e}"))
    }

    /// Skips white space (and the byte-order marks that concatenating exports leaves between
    /// records: U+FEFF carries no data there), counting lines, and returns the next byte without
    /// consuming it.
    fn peek_significant(&mut self) -> Result<Option<u8>, InputError> {
        const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
        loop {
            let buf = match self.r.fill_buf() {
                Ok(b) => b,
                Err(e) => return Err(self.io_error(e)),
            };
            if buf.is_empty() {
                if self.bom_seen > 0 {
                    return Err(self.fatal(format!(
                        "line {}: the file ends in a broken character: it is truncated",
                        self.line
                    )));
                }
                return Ok(None);
            }
            let mut i = 0;
            let mut lines = 0;
            loop {
                if self.bom_seen == 0 {
                    while i < buf.len() && buf[i].is_ascii_whitespace() {
                        lines += u64::from(buf[i] == b'\n');
                        i += 1;
                    }
                }
                match buf.get(i) {
                    Some(&b) if self.bom_seen > 0 => {
                        if b != BOM[self.bom_seen as usize] {
                            break;
                        }
                        self.bom_seen = (self.bom_seen + 1) % 3;
                    }
                    Some(&b) if b == BOM[0] => self.bom_seen = 1,
                    _ => break,
                }
                i += 1;
            }
            self.line += lines;
            if i < buf.len() {
                let b = buf[i];
                self.r.consume(i);
                if self.bom_seen == 1 && b == 0xBF {
                    // EF BF BD, U+FFFD: what the UTF-16 decoder makes of half a character.
                    return Err(self.fatal(format!(
                        "line {}: unexpected broken character (U+FFFD) after record {}: the file ends in the middle of a character (it is truncated) or is damaged",
                        self.line, self.index
                    )));
                }
                if self.bom_seen > 0 {
                    return Err(self.fatal(format!(
                        "line {}: byte 0x{b:02X} where a record should start: {}",
                        self.line,
                        crate::source::not_utf8_message()
                    )));
                }
                return Ok(Some(b));
            }
            self.r.consume(i);
        }
    }

    /// Whether the next bytes are Windows PowerShell 5.1's `{"value":[` array wrapper, which
    /// then is read element by element instead of as one (possibly huge) record. Looks ahead
    /// only as far as it takes to tell (a record starting `{"Sip…` is told by its third byte,
    /// so a pipe is never waited on), and at most 256 bytes.
    fn at_wrapper(&mut self) -> Result<bool, InputError> {
        // First what is already buffered (never waits), then more only if that cannot tell.
        let mut want = 0;
        loop {
            let got = if want == 0 {
                self.r.fill_buf()
            } else {
                self.r.peek(want)
            };
            let buf = match got {
                Ok(b) => b,
                Err(e) => return Err(self.io_error(e)),
            };
            match wrapper_prefix(buf) {
                Some(Ok(len)) => {
                    let lines = buf[..len].iter().filter(|&&b| b == b'\n').count() as u64;
                    self.r.consume(len);
                    self.line += lines;
                    return Ok(true);
                }
                Some(Err(())) => return Ok(false),
                None if want == 0 => want = 16,
                None if buf.len() < want || want >= 256 => return Ok(false),
                None => want *= 4,
            }
        }
    }

    /// After the wrapper's array: `, "Count": n }`.
    fn finish_wrapper(&mut self) -> Result<(), InputError> {
        let bad = |me: &Self, what: &str| {
            me.fatal(format!(
                "line {}: {what} after the array in Windows PowerShell 5.1's {{\"value\":[…],\"Count\":n}} wrapper: the file was altered or is not a ConvertTo-Json export",
                me.line
            ))
        };
        if self.peek_significant()? == Some(b'}') {
            self.r.consume(1);
            return Ok(());
        }
        if self.peek_significant()? != Some(b',') {
            return Err(bad(self, "something other than ,\"Count\""));
        }
        self.r.consume(1);
        if self.peek_significant()? != Some(b'"') {
            return Err(bad(self, "something other than \"Count\""));
        }
        let key = self.take_while(64, |b| b != b',' && b != b':' && !b.is_ascii_whitespace())?;
        if !key.eq_ignore_ascii_case(b"\"Count\"") {
            return Err(bad(
                self,
                &format!("property {}", String::from_utf8_lossy(&key)),
            ));
        }
        if self.peek_significant()? != Some(b':') {
            return Err(bad(self, "a Count without a value"));
        }
        self.r.consume(1);
        self.peek_significant()?;
        let n = self.take_while(24, |b| b.is_ascii_digit())?;
        if n.is_empty() {
            return Err(bad(self, "a Count that is not a number"));
        }
        if self.peek_significant()? != Some(b'}') {
            return Err(bad(self, "more properties"));
        }
        self.r.consume(1);
        Ok(())
    }

    /// Consumes up to `max` bytes while `keep` holds.
    fn take_while(&mut self, max: usize, keep: impl Fn(u8) -> bool) -> Result<Vec<u8>, InputError> {
        let mut out = Vec::new();
        loop {
            let buf = match self.r.fill_buf() {
                Ok(b) => b,
                Err(e) => return Err(self.io_error(e)),
            };
            if buf.is_empty() {
                return Ok(out);
            }
            let n = buf
                .iter()
                .take(max - out.len())
                .take_while(|&&b| keep(b))
                .count();
            out.extend_from_slice(&buf[..n]);
            let whole = n == buf.len();
            self.r.consume(n);
            if !whole || out.len() >= max {
                return Ok(out);
            }
        }
    }

    /// Copies one JSON value into `self.buf`. The first byte has been peeked, not consumed.
    fn read_value(&mut self, first: u8) -> Result<Scanned, InputError> {
        self.buf.clear();
        self.start_line = self.line;
        let start_line = self.line;
        let mut too_large = false;
        let mut depth: u32 = 0;
        let mut in_string = false;
        let mut escaped = false;
        let scalar = !matches!(first, b'{' | b'[' | b'"');
        loop {
            let chunk = match self.r.fill_buf() {
                Ok(b) => b,
                Err(e) => return Err(self.io_error(e)),
            };
            if chunk.is_empty() {
                if scalar && !self.buf.is_empty() {
                    return Ok(Scanned::Value);
                }
                return Err(self.fatal(format!(
                    "the file ends inside record {} (started on line {start_line}): it is truncated, or was still being written",
                    self.index + 1
                )));
            }
            let mut end = None;
            if scalar {
                for (i, &b) in chunk.iter().enumerate() {
                    if b.is_ascii_whitespace() || matches!(b, b',' | b']' | b'}') {
                        end = Some(i);
                        break;
                    }
                }
            } else {
                let mut i = 0;
                while i < chunk.len() {
                    if in_string {
                        if escaped {
                            escaped = false;
                            i += 1;
                            continue;
                        }
                        // Inside a string only a quote or a backslash matters: jump to the next.
                        match memchr::memchr2(b'"', b'\\', &chunk[i..]) {
                            None => i = chunk.len(),
                            Some(off) => {
                                i += off;
                                if chunk[i] == b'\\' {
                                    escaped = true;
                                    // 5.1's "\/Date(ms)\/": seen here for the cost of one
                                    // comparison per backslash.
                                    if chunk.get(i + 1) == Some(&b'/') {
                                        self.evidence.escaped_slash(&chunk[i + 1..]);
                                    }
                                } else {
                                    in_string = false;
                                    if depth == 0 {
                                        end = Some(i + 1);
                                        break;
                                    }
                                }
                                i += 1;
                            }
                        }
                        continue;
                    }
                    match chunk[i] {
                        b'\n' => self.line += 1,
                        b'"' => {
                            in_string = true;
                            // "/Date(" and ISO dates: one comparison per string.
                            match chunk.get(i + 1) {
                                Some(b'/') => self.evidence.string_start(&chunk[i + 1..]),
                                Some(b'0'..=b'9') if self.evidence.iso_dates == 0 => {
                                    self.evidence.string_start(&chunk[i + 1..])
                                }
                                _ => {}
                            }
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                end = Some(i + 1);
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            let n = end.unwrap_or(chunk.len());
            if !too_large {
                if self.buf.len() + n > crate::MAX_RECORD_BYTES {
                    // Read on to the record's end without keeping it: memory stays bounded and
                    // the records after it are still read.
                    too_large = true;
                    self.buf = Vec::with_capacity(8 * 1024);
                } else {
                    self.buf.extend_from_slice(&chunk[..n]);
                }
            }
            self.r.consume(n);
            if end.is_some() {
                return Ok(if too_large {
                    Scanned::TooLarge
                } else {
                    Scanned::Value
                });
            }
        }
    }

    /// One NDJSON line parsed in the read buffer, when the buffered bytes hold the whole line and
    /// it parses as one value; else nothing is consumed and the scanner reads the record (and
    /// reports any error exactly).
    fn read_line_record(&mut self) -> Result<Option<Scanned>, InputError> {
        let select = self.select.as_ref();
        let chunk = match self.r.fill_buf() {
            Ok(b) => b,
            Err(e) => return Err(InputError::file(&*self.file, format!("cannot read: {e}"))),
        };
        let Some((line, nl)) = whole_line(chunk) else {
            return Ok(None);
        };
        let parsed: Result<PsValue, serde_json::Error> = match select {
            None => serde_json::from_slice(line),
            Some(names) => {
                if let Some(obj) =
                    Self::parse_fast(line, names, &mut self.shape, &mut self.spare, &self.file)
                {
                    // No edition evidence: only `inspect` asks for it, and it reads every
                    // property (a search of each line for dates cost audits a tenth of their read).
                    self.r.consume(nl + 1);
                    self.start_line = self.line;
                    self.line += 1;
                    return Ok(Some(Scanned::Fast(obj)));
                }
                let mut de = serde_json::Deserializer::from_slice(line);
                serde::de::DeserializeSeed::deserialize(super::value::Selected(names), &mut de)
                    .and_then(|v| de.end().map(|_| v))
            }
        };
        let Ok(value) = parsed else {
            return Ok(None);
        };
        self.evidence.record(line);
        self.evidence.line_dates(line);
        self.r.consume(nl + 1);
        self.start_line = self.line;
        self.line += 1;
        Ok(Some(Scanned::Parsed(value)))
    }

    /// Reads the NDJSON lines the fast path takes straight out of the read buffer into
    /// `batch[at..max]`, reading into the records already there (ones the audit is done with)
    /// where it can: what [`Iterator::next`] gives for those lines, with its per-record steps
    /// (looking ahead, the wrapper check, handing the record through each layer) taken once per
    /// buffer. Stops where that path would not take the next record the same way: anything but
    /// one whole object a line, a byte-order mark, a line the fast path leaves to serde_json, a
    /// possible 5.1 wrapper, the end of what is buffered; [`Iterator::next`] reads on from
    /// there. Gives where the records it placed end.
    pub(crate) fn fill_lines(
        &mut self,
        batch: &mut Vec<Result<Record, InputError>>,
        mut at: usize,
        max: usize,
        dates: &Arc<crate::dates::FileDates>,
    ) -> usize {
        let Some(names) = self.select.as_ref() else {
            return at;
        };
        // The state in which `next` would take the next record by `read_line_record`.
        if self.index == 0
            || self.done
            || self.bom_seen != 0
            || !self.pending.is_empty()
            || self.expect != Expect::TopLevel
        {
            return at;
        }
        let Ok(chunk) = self.r.fill_buf() else {
            return at; // `next` meets the error again and reports it
        };
        let mut p = 0;
        while at < max {
            // White space between records, counted in lines as `peek_significant` does.
            let mut i = p;
            let mut lines = 0;
            while i < chunk.len() && chunk[i].is_ascii_whitespace() {
                lines += u64::from(chunk[i] == b'\n');
                i += 1;
            }
            let rest = &chunk[i..];
            if rest.first() != Some(&b'{') || !matches!(wrapper_prefix(rest), Some(Err(()))) {
                break;
            }
            let Some((line, nl)) = whole_line(rest) else {
                break;
            };
            // Into the record in this place when it is one of this file's (the audit is done
            // with it), else into a spare or a new one put there.
            let read = match batch.get_mut(at) {
                Some(Ok(rec)) if Arc::ptr_eq(&rec.file, &self.file) => {
                    crate::fastline::parse_selected_into(line, names, &mut self.shape, &mut rec.obj)
                }
                slot => match Self::parse_fast(
                    line,
                    names,
                    &mut self.shape,
                    &mut self.spare,
                    &self.file,
                ) {
                    Some(rec) => {
                        match slot {
                            Some(slot) => *slot = Ok(rec),
                            None => batch.push(Ok(rec)),
                        }
                        true
                    }
                    None => false,
                },
            };
            // Not read: serde_json's to read (and word any error), so `next` reads it again.
            let (true, Some(Ok(rec))) = (read, batch.get_mut(at)) else {
                break;
            };
            if may_be_wrapper(&rec.obj) {
                break; // `next` tells
            }
            self.line += lines;
            self.top_level_values += 1;
            self.index += 1;
            rec.index = self.index;
            rec.share_dates(dates);
            self.start_line = self.line;
            self.line += 1;
            p = i + nl + 1;
            at += 1;
        }
        self.r.consume(p);
        at
    }

    /// Finds the next record's bytes; `Ok(None)` at a clean end of input.
    fn next_raw(&mut self) -> Result<Option<Scanned>, InputError> {
        loop {
            let next = self.peek_significant()?;
            match (self.expect, next) {
                (Expect::TopLevel, None) => return Ok(None),
                (Expect::TopLevel, Some(b'[')) => {
                    self.r.consume(1);
                    self.saw_array = true;
                    self.top_level_values += 1;
                    self.expect = Expect::FirstElement;
                }
                (Expect::TopLevel, Some(b'{')) if self.at_wrapper()? => {
                    self.evidence.array_wrapper = true;
                    self.saw_array = true;
                    self.in_wrapper = true;
                    self.top_level_values += 1;
                    self.expect = Expect::FirstElement;
                }
                (Expect::TopLevel, Some(b)) if matches!(b, b'}' | b']' | b',') => {
                    // Nothing can start here; reading it as a value would never consume it.
                    return Err(self.fatal(format!(
                        "line {}: unexpected '{}' after record {}: not valid JSON",
                        self.line,
                        char::from(b),
                        self.index
                    )));
                }
                (Expect::TopLevel, Some(b)) => {
                    self.top_level_values += 1;
                    // NDJSON (`ConvertTo-Json -Compress`, one record a line): from the second
                    // record on, a line that is one whole object is parsed where it lies, without
                    // the byte scan. The first record goes through the scanner, which also notes
                    // the date spellings the edition is told by.
                    if b == b'{' && self.index > 0 {
                        if let Some(parsed) = self.read_line_record()? {
                            return Ok(Some(parsed));
                        }
                    }
                    return self.read_value(b).map(Some);
                }
                (Expect::FirstElement, Some(b']')) | (Expect::Separator, Some(b']')) => {
                    self.r.consume(1);
                    self.expect = if self.in_wrapper {
                        Expect::WrapperTail
                    } else {
                        Expect::TopLevel
                    };
                }
                (Expect::WrapperTail, _) => {
                    self.finish_wrapper()?;
                    self.in_wrapper = false;
                    self.expect = Expect::TopLevel;
                }
                (Expect::Separator, Some(b',')) => {
                    self.r.consume(1);
                    self.expect = Expect::Element;
                }
                (Expect::FirstElement, Some(b)) | (Expect::Element, Some(b)) if b != b']' && b != b',' => {
                    let scanned = self.read_value(b)?;
                    self.expect = Expect::Separator;
                    return Ok(Some(scanned));
                }
                (_, None) => {
                    return Err(self.fatal(format!(
                        "the file ends before the closing ] of the array (after record {}): it is truncated",
                        self.index
                    )))
                }
                (_, Some(b)) => {
                    return Err(self.fatal(format!(
                        "line {}: unexpected '{}' after record {}: not valid JSON",
                        self.line,
                        char::from(b).escape_default(),
                        self.index
                    )))
                }
            }
        }
    }

    /// A clear message for a record serde_json refused.
    fn parse_error(&self, e: &serde_json::Error) -> String {
        let text = e.to_string();
        if let Err(bad) = std::str::from_utf8(&self.buf) {
            let at = bad.valid_up_to();
            let line =
                self.start_line + self.buf[..at].iter().filter(|&&b| b == b'\n').count() as u64;
            return format!(
                "line {line}: byte 0x{:02X} {}",
                self.buf[at],
                crate::source::not_utf8_message()
            );
        }
        if text.starts_with("recursion limit exceeded") {
            return format!(
                "nests objects and arrays more than 128 deep (ConvertTo-Json writes at most -Depth 100): refusing it ({text})"
            );
        }
        let bare = |word: &[u8]| memchr::memmem::find(&self.buf, word).is_some();
        if e.is_syntax() && (bare(b"NaN") || bare(b"Infinity")) {
            return format!(
                "is not valid JSON: {text} (NaN and Infinity are not JSON numbers; ConvertTo-Json writes them as the strings \"NaN\" and \"Infinity\")"
            );
        }
        format!("is not valid JSON: {text}")
    }

    fn make_record(&mut self, value: PsValue) -> Result<Record, InputError> {
        match value {
            PsValue::Object(obj) => Ok(Record::new(
                self.file.clone(),
                self.index,
                Arc::unwrap_or_clone(obj),
            )),
            other => Err(InputError::record(
                &*self.file,
                self.index,
                format!("is {}, expected an object with properties", other.kind()),
            )),
        }
    }
}

impl JsonReader {
    /// A parsed top-level value: a record, or Windows PowerShell 5.1's
    /// `{"value":[…],"Count":n}` wrapper of a whole array, whose items are the records.
    fn accept(&mut self, value: PsValue) -> Option<Result<Record, InputError>> {
        if let PsValue::Object(o) = &value {
            if o.props.len() == 2 && o.get("Count").is_some() {
                if let Some(PsValue::List(items)) = o.get("value") {
                    self.evidence.array_wrapper = true;
                    self.pending.extend(items.iter().cloned());
                    return self.next();
                }
            }
        }
        self.index += 1;
        Some(self.make_record(value))
    }
}

impl JsonReader {
    /// [`JsonReader::accept`] for an object (what the fast path reads), without wrapping and
    /// unwrapping it unless it may be the 5.1 wrapper.
    fn accept_object(&mut self, mut rec: Record) -> Option<Result<Record, InputError>> {
        if may_be_wrapper(&rec.obj) {
            return self.accept(PsValue::object(rec.obj));
        }
        self.index += 1;
        rec.index = self.index;
        Some(Ok(rec))
    }
}

impl Iterator for JsonReader {
    type Item = Result<Record, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(v) = self.pending.pop_front() {
            self.index += 1;
            return Some(self.make_record(v));
        }
        if self.done {
            return None;
        }
        match self.next_raw() {
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
            Ok(Some(Scanned::TooLarge)) => {
                self.index += 1;
                Some(Err(InputError::record(
                    &*self.file,
                    self.index,
                    format!(
                        "(line {}) is larger than {}, more than any PowerShell object: a string or list in it never ends, or the file is damaged; the records after it are still read",
                        self.start_line,
                        crate::describe_record_limit()
                    ),
                )))
            }
            Ok(Some(Scanned::Parsed(value))) => self.accept(value),
            Ok(Some(Scanned::Fast(obj))) => self.accept_object(obj),
            Ok(Some(Scanned::Value)) => {
                self.evidence.record(&self.buf);
                let parsed: Result<PsValue, _> = match &self.select {
                    None => serde_json::from_slice(&self.buf),
                    Some(names) => {
                        if let Some(obj) = Self::parse_fast(
                            &self.buf,
                            names,
                            &mut self.shape,
                            &mut self.spare,
                            &self.file,
                        ) {
                            return self.accept_object(obj);
                        }
                        let mut de = serde_json::Deserializer::from_slice(&self.buf);
                        serde::de::DeserializeSeed::deserialize(
                            super::value::Selected(names),
                            &mut de,
                        )
                        .and_then(|v| de.end().map(|_| v))
                    }
                };
                match parsed {
                    Err(e) => {
                        self.index += 1;
                        Some(Err(InputError::record(
                            &*self.file,
                            self.index,
                            self.parse_error(&e),
                        )))
                    }
                    Ok(value) => self.accept(value),
                }
            }
        }
    }
}
