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
}

pub struct JsonReader {
    file: Arc<str>,
    select: Option<&'static [&'static str]>,
    r: Box<dyn BufRead>,
    buf: Vec<u8>,
    expect: Expect,
    index: u64,
    line: u64,
    top_level_values: u64,
    saw_array: bool,
    pending: VecDeque<PsValue>,
    done: bool,
}

impl JsonReader {
    pub fn new(
        file: Arc<str>,
        r: Box<dyn BufRead>,
        select: Option<&'static [&'static str]>,
    ) -> Self {
        JsonReader {
            file,
            select,
            r,
            buf: Vec::with_capacity(8 * 1024),
            expect: Expect::TopLevel,
            index: 0,
            line: 1,
            top_level_values: 0,
            saw_array: false,
            pending: VecDeque::new(),
            done: false,
        }
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

    /// Skips white space, counting lines, and returns the next byte without consuming it.
    fn peek_significant(&mut self) -> Result<Option<u8>, InputError> {
        loop {
            let buf = match self.r.fill_buf() {
                Ok(b) => b,
                Err(e) => return Err(self.io_error(e)),
            };
            if buf.is_empty() {
                return Ok(None);
            }
            let mut i = 0;
            while i < buf.len() && buf[i].is_ascii_whitespace() {
                if buf[i] == b'\n' {
                    self.line += 1;
                }
                i += 1;
            }
            if i < buf.len() {
                let b = buf[i];
                self.r.consume(i);
                return Ok(Some(b));
            }
            self.r.consume(i);
        }
    }

    /// Copies one JSON value into `self.buf`. The first byte has been peeked, not consumed.
    fn read_value(&mut self, first: u8) -> Result<(), InputError> {
        self.buf.clear();
        let start_line = self.line;
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
                    return Ok(());
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
                        b'"' => in_string = true,
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
            match end {
                Some(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    self.r.consume(n);
                    return Ok(());
                }
                None => {
                    let n = chunk.len();
                    self.buf.extend_from_slice(chunk);
                    self.r.consume(n);
                }
            }
        }
    }

    /// Finds the next record's bytes; `Ok(false)` at a clean end of input.
    fn next_raw(&mut self) -> Result<bool, InputError> {
        loop {
            let next = self.peek_significant()?;
            match (self.expect, next) {
                (Expect::TopLevel, None) => return Ok(false),
                (Expect::TopLevel, Some(b'[')) => {
                    self.r.consume(1);
                    self.saw_array = true;
                    self.top_level_values += 1;
                    self.expect = Expect::FirstElement;
                }
                (Expect::TopLevel, Some(b)) => {
                    self.top_level_values += 1;
                    self.read_value(b)?;
                    return Ok(true);
                }
                (Expect::FirstElement, Some(b']')) | (Expect::Separator, Some(b']')) => {
                    self.r.consume(1);
                    self.expect = Expect::TopLevel;
                }
                (Expect::Separator, Some(b',')) => {
                    self.r.consume(1);
                    self.expect = Expect::Element;
                }
                (Expect::FirstElement, Some(b)) | (Expect::Element, Some(b)) if b != b']' && b != b',' => {
                    self.read_value(b)?;
                    self.expect = Expect::Separator;
                    return Ok(true);
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

    fn to_record(&mut self, value: PsValue) -> Result<Record, InputError> {
        match value {
            PsValue::Object(obj) => Ok(Record {
                file: self.file.clone(),
                index: self.index,
                obj: *obj,
            }),
            other => Err(InputError::record(
                &*self.file,
                self.index,
                format!("is {}, expected an object with properties", other.kind()),
            )),
        }
    }
}

impl Iterator for JsonReader {
    type Item = Result<Record, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(v) = self.pending.pop_front() {
            self.index += 1;
            return Some(self.to_record(v));
        }
        if self.done {
            return None;
        }
        match self.next_raw() {
            Ok(false) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
            Ok(true) => {
                let parsed: Result<PsValue, _> = match self.select {
                    None => serde_json::from_slice(&self.buf),
                    Some(names) => {
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
                            format!("is not valid JSON: {e}"),
                        )))
                    }
                    Ok(value) => {
                        // Windows PowerShell 5.1 sometimes wraps a whole array as {"value":[…],"Count":n}.
                        if let PsValue::Object(o) = &value {
                            if o.props.len() == 2 && o.get("Count").is_some() {
                                if let Some(PsValue::List(items)) = o.get("value") {
                                    self.pending.extend(items.iter().cloned());
                                    return self.next();
                                }
                            }
                        }
                        self.index += 1;
                        Some(self.to_record(value))
                    }
                }
            }
        }
    }
}
