//! Which PowerShell wrote an export, from what was actually seen in the file.
//!
//! `ConvertTo-Json` differs between editions in its bytes, not only in its values:
//!
//! | seen                                   | Windows PowerShell 5.1 | PowerShell 7 |
//! |----------------------------------------|------------------------|--------------|
//! | `"Name":  value` (two spaces)          | yes (indented)         | no           |
//! | `"Name": value` (one space)            | no                     | yes (indented) |
//! | `"\/Date(1574202819000)\/"`            | yes (every DateTime)   | no           |
//! | `"2019-11-19T22:33:39+01:00"`          | only as string values  | every DateTime |
//! | `{"value":[…],"Count":n}` around a list | yes                   | no           |
//!
//! `"/Date(…)/"` without the backslashes is written by neither (5.1 always escapes the slash):
//! the file went through another JSON tool, and that is what is reported. `-Compress` output has
//! no layout to tell by. The JSON reader notes these in the bytes (not the parsed values, which
//! lose the escape) while it scans each record for its end, at the cost of a comparison per
//! string, so the evidence covers every record read.

use crate::Dialect;
use std::fmt;

/// What the JSON reader saw in the records read so far (dates are counted as they are met while
/// a record's bytes are scanned; the layout once per record, after its first name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonEvidence {
    /// `"\/Date(…)\/"`: JavaScriptSerializer, Windows PowerShell 5.1.
    pub escaped_ms_dates: u64,
    /// `"/Date(…)/"`: the same date re-serialised by some other tool.
    pub plain_ms_dates: u64,
    /// Strings starting `yyyy-MM-ddT`: PowerShell 7's dates (looked for until one is found).
    pub iso_dates: u64,
    /// `"name":  value` after the record's first name: 5.1's indented layout.
    pub two_space_colons: u64,
    /// `"name": value`: 7's indented layout.
    pub one_space_colons: u64,
    /// `"name":value`: `-Compress`, either edition.
    pub tight_colons: u64,
    /// 5.1's `{"value":[…],"Count":n}` wrapper around a list.
    pub array_wrapper: bool,
}

impl JsonEvidence {
    /// Notes the layout after the record's first name (a name never holds a colon).
    pub(crate) fn record(&mut self, buf: &[u8]) {
        if let Some(p) = memchr::memchr(b':', buf) {
            if p > 0 && buf[p - 1] == b'"' {
                self.colon(&buf[p + 1..]);
            }
        }
    }

    /// The date evidence of one whole-line record read without the byte scanner (NDJSON):
    /// `\/Date(` and `"/Date(` anywhere in it, and an ISO date until one has been seen.
    pub(crate) fn line_dates(&mut self, line: &[u8]) {
        // Built once: a searcher per line cost more than the search.
        static DATE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"Date("));
        for pos in DATE.find_iter(line) {
            if pos >= 2 && &line[pos - 2..pos] == b"\\/" {
                self.escaped_ms_dates += 1;
            } else if pos >= 2 && &line[pos - 2..pos] == b"\"/" {
                self.plain_ms_dates += 1;
            }
        }
        if self.iso_dates == 0 {
            for q in memchr::memchr_iter(b'"', line) {
                let s = &line[q + 1..];
                if s.first().is_some_and(u8::is_ascii_digit) && is_iso_date(s) {
                    self.iso_dates += 1;
                    break;
                }
            }
        }
    }

    /// Notes an escaped slash inside a string (`s` starts at the slash).
    pub(crate) fn escaped_slash(&mut self, s: &[u8]) {
        if s.starts_with(b"/Date(") {
            self.escaped_ms_dates += 1;
        }
    }

    /// Notes what a string starting at `s` (just after its opening quote) shows.
    pub(crate) fn string_start(&mut self, s: &[u8]) {
        match s.first() {
            Some(b'\\') => self.escaped_slash(&s[1..]),
            Some(b'/') if s.starts_with(b"/Date(") => self.plain_ms_dates += 1,
            Some(b'0'..=b'9') if is_iso_date(s) => self.iso_dates += 1,
            _ => {}
        }
    }

    /// Notes the layout after a `:` outside strings (`s` follows the colon).
    pub(crate) fn colon(&mut self, s: &[u8]) {
        match s {
            [b' ', b' ', ..] => self.two_space_colons += 1,
            [b' ', _, ..] => self.one_space_colons += 1,
            [b, ..] if !b.is_ascii_whitespace() => self.tight_colons += 1,
            _ => {}
        }
    }
}

/// `yyyy-MM-ddT…` at the start of `s`.
pub(crate) fn is_iso_date(s: &[u8]) -> bool {
    s.len() > 10
        && s[4] == b'-'
        && s[7] == b'-'
        && s[10] == b'T'
        && s[..4].iter().all(u8::is_ascii_digit)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    WindowsPowerShell51,
    PowerShell7,
    /// CLIXML: the same in every edition.
    Any,
    Unknown,
}

impl Edition {
    pub fn name(self) -> &'static str {
        match self {
            Edition::WindowsPowerShell51 => "Windows PowerShell 5.1",
            Edition::PowerShell7 => "PowerShell 7",
            Edition::Any => "any",
            Edition::Unknown => "unknown",
        }
    }
}

/// Which edition most likely wrote a file, and what was seen that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionReport {
    pub edition: Edition,
    pub evidence: Vec<String>,
}

impl fmt::Display for EditionReport {
    /// `Windows PowerShell 5.1 ("name":  value layout; \/Date(ms)\/ dates)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.edition.name())?;
        if !self.evidence.is_empty() {
            write!(f, " ({})", self.evidence.join("; "))?;
        }
        Ok(())
    }
}

/// Decides from what a reader saw.
pub fn detect(dialect: Dialect, json: Option<&JsonEvidence>, csv_type_line: bool) -> EditionReport {
    let report = |edition, evidence: Vec<&str>| EditionReport {
        edition,
        evidence: evidence.into_iter().map(String::from).collect(),
    };
    match dialect {
        Dialect::Clixml => report(Edition::Any, vec!["CLIXML is the same in every edition"]),
        Dialect::Csv if csv_type_line => report(Edition::WindowsPowerShell51, vec!["#TYPE line"]),
        Dialect::Csv => report(
            Edition::Unknown,
            vec!["no #TYPE line: PowerShell 7, or 5.1 with -NoTypeInformation"],
        ),
        Dialect::FormatList => report(
            Edition::Unknown,
            vec!["Format-List console text looks the same in every edition"],
        ),
        Dialect::JsonArray | Dialect::JsonObject | Dialect::Ndjson => {
            json_edition(json.cloned().unwrap_or_default())
        }
    }
}

fn json_edition(e: JsonEvidence) -> EditionReport {
    let mut old = Vec::new();
    let mut new = Vec::new();
    let mut other = Vec::new();
    if e.two_space_colons > 0 {
        old.push("\"name\":  value layout (two spaces)");
    }
    if e.escaped_ms_dates > 0 {
        old.push("\\/Date(ms)\\/ dates");
    }
    if e.array_wrapper {
        old.push("{\"value\":[…],\"Count\":n} wrapper");
    }
    if e.one_space_colons > 0 {
        new.push("\"name\": value layout (one space)");
    }
    if e.iso_dates > 0 {
        new.push("ISO 8601 dates");
    }
    if e.plain_ms_dates > 0 {
        other.push(
            "/Date(ms)/ dates without the backslashes Windows PowerShell 5.1 writes: re-serialised by another tool",
        );
    }
    let layout_seen = e.two_space_colons + e.one_space_colons > 0;
    if e.tight_colons > 0 && !layout_seen {
        other.push("compressed (-Compress): no layout to tell by");
    }
    // The layout is the surest sign (a 5.1 file can hold ISO text in string properties).
    let edition = match (old.is_empty(), new.is_empty()) {
        (false, true) => Edition::WindowsPowerShell51,
        (true, false) => Edition::PowerShell7,
        (false, false) if e.two_space_colons > 0 && e.one_space_colons == 0 => {
            new.retain(|s| *s == "ISO 8601 dates");
            new.iter_mut()
                .for_each(|s| *s = "ISO 8601 text in string properties");
            Edition::WindowsPowerShell51
        }
        (false, false) if e.one_space_colons > 0 && e.two_space_colons == 0 => Edition::PowerShell7,
        (false, false) => {
            other.push("signs of both editions: files joined, or edited by hand");
            Edition::Unknown
        }
        (true, true) => Edition::Unknown,
    };
    let mut evidence: Vec<String> = match edition {
        Edition::WindowsPowerShell51 => old.iter().chain(&new).map(|s| s.to_string()).collect(),
        Edition::PowerShell7 => new.iter().chain(&old).map(|s| s.to_string()).collect(),
        _ => old.iter().chain(&new).map(|s| s.to_string()).collect(),
    };
    evidence.extend(other.into_iter().map(String::from));
    if evidence.is_empty() {
        evidence.push("no dates and no layout to tell by".into());
    }
    EditionReport { edition, evidence }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(f: impl FnOnce(&mut JsonEvidence)) -> String {
        let mut e = JsonEvidence::default();
        f(&mut e);
        detect(Dialect::JsonArray, Some(&e), false).to_string()
    }

    #[test]
    fn reports_what_was_seen() {
        assert_eq!(
            seen(|e| e.two_space_colons = 3),
            "Windows PowerShell 5.1 (\"name\":  value layout (two spaces))"
        );
        assert_eq!(
            seen(|e| {
                e.one_space_colons = 3;
                e.iso_dates = 1
            }),
            "PowerShell 7 (\"name\": value layout (one space); ISO 8601 dates)"
        );
        assert!(seen(|e| {
            e.tight_colons = 3;
            e.plain_ms_dates = 1
        })
        .starts_with("unknown (/Date(ms)/ dates without the backslashes"));
        assert_eq!(seen(|_| {}), "unknown (no dates and no layout to tell by)");
        assert!(seen(|e| {
            e.two_space_colons = 2;
            e.iso_dates = 1
        })
        .contains("ISO 8601 text in string properties"));
    }

    #[test]
    fn scanner_notes() {
        let mut e = JsonEvidence::default();
        e.string_start(b"\\/Date(1574202819000)\\/\"");
        e.string_start(b"/Date(1574202819000)/\"");
        e.string_start(b"2019-11-19T22:33:39Z\"");
        e.string_start(b"2019-11-19\"");
        e.colon(b"  \"x\"");
        e.colon(b" 1");
        e.colon(b"true");
        e.colon(b"\r\n");
        assert_eq!(
            e,
            JsonEvidence {
                escaped_ms_dates: 1,
                plain_ms_dates: 1,
                iso_dates: 1,
                two_space_colons: 1,
                one_space_colons: 1,
                tight_colons: 1,
                array_wrapper: false,
            }
        );
    }
}
