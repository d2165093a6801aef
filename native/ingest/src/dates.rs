//! The date spellings PowerShell exports, all read into UTC.
//!
//! - Windows PowerShell 5.1 `ConvertTo-Json`: `"\/Date(1574202819000)\/"` (milliseconds since the
//!   Unix epoch, UTC), `"\/Date(1574202819000+0100)\/"` (same instant; the suffix is the zone it
//!   was shown in), and for `[datetime]` values that went through the extended type system the
//!   wrapper `{"value":"\/Date(…)\/","DisplayHint":2,"DateTime":"Tuesday, November 19, 2019 …"}`.
//! - PowerShell 7 `ConvertTo-Json` and CLIXML `<DT>`: ISO 8601 with up to 7 fractional digits and
//!   an offset, `Z`, or no zone at all (a `Kind=Unspecified` value, taken as UTC).
//! - `Export-Csv` and Format-List text: the culture's `ToString()`, `a/b/yyyy [h:mm[:ss] [AM|PM]]`
//!   with `/`, `.` or `-`. Whether `a` is the month or the day is decided once per file
//!   ([`FileDates`]): by the caller's explicit [`DateOrder`], else by the file itself — any date
//!   whose first or second part is above 12 settles it for every date in the file — else by a
//!   hint (a `;`-separated CSV, or dots, are day-first cultures; an AM/PM time is the en-US
//!   month-first spelling). Only when the whole file is ambiguous is a date refused, asking for
//!   the date order.
//!
//! How the file is searched for a deciding date while streaming stays bounded: the first
//! [`HEAD_SCAN_BYTES`] of a CSV or console text are scanned when the file is opened (from the
//! look-ahead buffer the dialect sniffing fills anyway), which settles nearly every real export
//! at no cost. (JSON and CLIXML are not held back for it: they start streaming at once, and
//! their dates are ISO or `/Date()/`.) Only if
//! that finds nothing and a record then needs an ambiguous date is the file scanned to the end,
//! once, by opening it again (a regular file only; standard input cannot be read twice), in
//! chunks, stopping at the first deciding date. That costs a second read only for files that
//! have ambiguous dates near the start and no deciding one in the first MiB, and never holds
//! more than a chunk; buffering records until the order is known would hold an unbounded number
//! of them instead.

use super::value::PsValue;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::OnceLock;

/// How much of a file is scanned for a deciding date when it is opened.
pub const HEAD_SCAN_BYTES: usize = 1 << 20;

/// Month/day order of `a/b/yyyy` dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateOrder {
    /// `M/d/yyyy` (en-US): `mdy`.
    MonthFirst,
    /// `d/M/yyyy` (most other cultures): `dmy`.
    DayFirst,
}

impl DateOrder {
    pub fn name(self) -> &'static str {
        match self {
            DateOrder::MonthFirst => "mdy",
            DateOrder::DayFirst => "dmy",
        }
    }
}

impl std::str::FromStr for DateOrder {
    type Err = String;
    /// `mdy` / `dmy` (any case; `m/d/y`, `d/m/y`, `MM/dd/yyyy`-style spellings too).
    fn from_str(s: &str) -> Result<Self, String> {
        let letters: String = s
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let mut order = letters.chars().filter(|c| matches!(c, 'm' | 'd'));
        match (order.next(), letters.starts_with('y')) {
            (Some('m'), false) => Ok(DateOrder::MonthFirst),
            (Some('d'), false) => Ok(DateOrder::DayFirst),
            _ => Err(format!("'{s}' is not a date order: give mdy or dmy")),
        }
    }
}

impl std::fmt::Display for DateOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The month/day order of one file's culture-text dates: given, found, or still unknown.
/// Shared by the file's records (see the module documentation for how it is found).
pub struct FileDates {
    explicit: Option<DateOrder>,
    /// The order and the date that settled it.
    decided: OnceLock<(DateOrder, String)>,
    /// A whole-file scan's finding (run at most once).
    scanned: OnceLock<Option<(DateOrder, String)>>,
    /// A regular file that can be read again for that scan.
    rescan: Option<PathBuf>,
    /// Day-first because the CSV is `;`-separated (the list separator of day-first cultures).
    day_first_hint: Option<&'static str>,
    /// The first ambiguous date read by a hint that another hint of the file contradicts (an
    /// AM/PM time in a `;`-separated CSV or with dots), with the order it was read in.
    undecided: OnceLock<(String, DateOrder)>,
}

impl std::fmt::Debug for FileDates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileDates")
            .field("explicit", &self.explicit)
            .field("decided", &self.decided.get())
            .finish_non_exhaustive()
    }
}

impl Default for FileDates {
    fn default() -> Self {
        FileDates::new(None, None, None, None)
    }
}

impl FileDates {
    pub fn new(
        explicit: Option<DateOrder>,
        found: Option<(DateOrder, String)>,
        rescan: Option<PathBuf>,
        day_first_hint: Option<&'static str>,
    ) -> FileDates {
        let decided = OnceLock::new();
        if let Some(f) = found {
            let _ = decided.set(f);
        }
        FileDates {
            explicit,
            decided,
            scanned: OnceLock::new(),
            rescan,
            day_first_hint,
            undecided: OnceLock::new(),
        }
    }

    /// What the caller should warn about, once the file is read: its culture-text dates were
    /// ambiguous and its hints disagreed, so their order is a guess.
    pub fn undecided(&self) -> Option<String> {
        let (date, order) = self.undecided.get()?;
        let against = self.day_first_hint.unwrap_or("its dates use dots");
        Some(format!(
            "no date in the file settles the month/day order (none has a part above 12), and its hints disagree: '{date}' has an AM/PM time (the en-US, month-first spelling) but {against} (day-first cultures); its dates were read {} — give the date order (mdy or dmy) if that is wrong",
            describe(*order)
        ))
    }

    /// The order in force and why: given, or settled by a date in the file.
    pub fn order(&self) -> Option<(DateOrder, String)> {
        if let Some(o) = self.explicit {
            return Some((o, "given".into()));
        }
        self.decided
            .get()
            .map(|(o, d)| (*o, format!("settled by '{d}' in the file")))
    }

    /// The order for an ambiguous date, searching the whole file once if need be.
    fn resolve(&self) -> Option<(DateOrder, String)> {
        if let Some(d) = self.decided.get() {
            return Some(d.clone());
        }
        let found = self
            .scanned
            .get_or_init(|| self.rescan.as_ref().and_then(|p| scan_file(p)))
            .clone()?;
        let _ = self.decided.set(found);
        self.decided.get().cloned()
    }

    /// Records the order a deciding date shows; the first one wins.
    fn observe(&self, order: DateOrder, text: &str) -> Result<(), String> {
        if let Some(given) = self.explicit {
            if given != order {
                return Err(format!(
                    "'{text}' cannot be {} (the date order given is {given})",
                    describe(given)
                ));
            }
            return Ok(());
        }
        let (settled, by) = self.decided.get_or_init(|| (order, text.to_string()));
        if *settled != order {
            return Err(format!(
                "'{text}' is {}, but the file's dates are {} ('{by}'): the file mixes date orders",
                describe(order),
                describe(*settled)
            ));
        }
        Ok(())
    }
}

fn describe(o: DateOrder) -> &'static str {
    match o {
        DateOrder::MonthFirst => "month-first",
        DateOrder::DayFirst => "day-first",
    }
}

/// The first date in `text` whose order is certain (a part above 12), and its spelling.
pub fn find_deciding_date(text: &[u8]) -> Option<(DateOrder, String)> {
    for sep_at in memchr::memchr3_iter(b'/', b'.', b'-', text) {
        let sep = text[sep_at];
        // Up to two digits before the separator, not preceded by another digit or separator.
        let mut start = sep_at;
        while start > 0 && sep_at - start < 2 && text[start - 1].is_ascii_digit() {
            start -= 1;
        }
        if start == sep_at
            || (start > 0
                && (text[start - 1].is_ascii_digit()
                    || matches!(text[start - 1], b'/' | b'.' | b'-')))
        {
            continue;
        }
        let rest = &text[sep_at + 1..];
        let b_len = rest
            .iter()
            .take(3)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if !(1..=2).contains(&b_len) || rest.get(b_len) != Some(&sep) {
            continue;
        }
        let y = &rest[b_len + 1..];
        if y.len() < 4
            || !y[..4].iter().all(u8::is_ascii_digit)
            || y.get(4).is_some_and(u8::is_ascii_digit)
        {
            continue;
        }
        let num = |d: &[u8]| d.iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0'));
        let (a, b) = (num(&text[start..sep_at]), num(&rest[..b_len]));
        let order = match (a, b) {
            (13..=31, 1..=12) => DateOrder::DayFirst,
            (1..=12, 13..=31) => DateOrder::MonthFirst,
            _ => continue,
        };
        let end = sep_at + 1 + b_len + 1 + 4;
        return Some((
            order,
            String::from_utf8_lossy(&text[start..end]).into_owned(),
        ));
    }
    None
}

/// Reads a file again from the start, in chunks, for its first deciding date.
fn scan_file(path: &std::path::Path) -> Option<(DateOrder, String)> {
    let mut src = crate::source::open(path.to_str()?).ok()?;
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let chunk = src.reader.fill_buf().ok()?;
        if chunk.is_empty() {
            return None;
        }
        // The last few bytes of the previous chunk, so a date across the boundary is seen.
        let mut window = std::mem::take(&mut carry);
        window.extend_from_slice(chunk);
        let n = chunk.len();
        src.reader.consume(n);
        if let Some(found) = find_deciding_date(&window) {
            return Some(found);
        }
        carry = window[window.len().saturating_sub(16)..].to_vec();
    }
}

/// Which spelling a date used; `inspect` reports these to tell 5.1 exports from 7.x ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DateSpelling {
    MicrosoftJson,
    DateTimeWrapper,
    Iso8601,
    CultureText,
    Clixml,
}

impl DateSpelling {
    pub fn name(self) -> &'static str {
        match self {
            // The escape is gone once the JSON string is read, and a file re-serialised by
            // another tool has none: InputFile::power_shell_edition tells from the bytes.
            DateSpelling::MicrosoftJson => "/Date(ms)/ (Microsoft JSON date)",
            DateSpelling::DateTimeWrapper => {
                "{value,DisplayHint,DateTime} (Windows PowerShell 5.1)"
            }
            DateSpelling::Iso8601 => "ISO 8601 (PowerShell 7)",
            DateSpelling::CultureText => "culture text (Export-Csv)",
            DateSpelling::Clixml => "CLIXML <DT>",
        }
    }
}

/// A date value on its own: culture text is read only when its own parts settle the order
/// (or it has an AM/PM time, the en-US spelling). Records use [`parse_date_in`] with their
/// file's [`FileDates`].
pub fn parse_date(value: &PsValue) -> Result<(DateTime<Utc>, DateSpelling), String> {
    parse_date_in(value, &FileDates::default())
}

/// A date value read with its file's month/day order.
pub fn parse_date_in(
    value: &PsValue,
    file: &FileDates,
) -> Result<(DateTime<Utc>, DateSpelling), String> {
    match value {
        PsValue::Date(d) => Ok((d.with_timezone(&Utc), DateSpelling::Clixml)),
        PsValue::Str(s) => parse_date_text_in(s, file),
        PsValue::Object(o) => match o.get("value") {
            Some(inner) if o.get("DateTime").is_some() || o.get("DisplayHint").is_some() => {
                parse_date_in(inner, file).map(|(d, _)| (d, DateSpelling::DateTimeWrapper))
            }
            _ => Err("expected a date, got an object".into()),
        },
        PsValue::Truncated(t) => Err(crate::record::truncated_message(t)),
        other => Err(format!("expected a date, got {}", other.kind())),
    }
}

pub fn parse_date_text(text: &str) -> Result<(DateTime<Utc>, DateSpelling), String> {
    parse_date_text_in(text, &FileDates::default())
}

pub fn parse_date_text_in(
    text: &str,
    file: &FileDates,
) -> Result<(DateTime<Utc>, DateSpelling), String> {
    // Most dates have nothing to trim: told by their end bytes, without decoding characters.
    let plain = |b: Option<&u8>| b.is_some_and(|&c| c > b' ' && c < 0x7F);
    let s = if plain(text.as_bytes().first()) && plain(text.as_bytes().last()) {
        text
    } else {
        text.trim()
    };
    if let Some(d) = parse_microsoft_json(s) {
        return d.map(|d| (d, DateSpelling::MicrosoftJson));
    }
    if let Some(d) = parse_iso(s) {
        return Ok((d, DateSpelling::Iso8601));
    }
    if let Some(d) = parse_culture(s, file)? {
        return Ok((d, DateSpelling::CultureText));
    }
    Err(format!(
        "'{s}' is not a date PowerShell writes (\\/Date(ms)\\/, ISO 8601 or M/d/yyyy h:mm:ss tt)"
    ))
}

/// Whether a string is spelled like a date; `inspect` uses it to tell dialects apart.
pub fn looks_like_date(text: &str) -> Option<DateSpelling> {
    let s = text.trim();
    if s.len() < 10 || s.len() > 40 {
        return None;
    }
    if s.starts_with("/Date(") || s.starts_with("\\/Date(") {
        return Some(DateSpelling::MicrosoftJson);
    }
    let b = s.as_bytes();
    if b[4] == b'-' && b[7] == b'-' && b.len() >= 19 && b[10] == b'T' && parse_iso(s).is_some() {
        return Some(DateSpelling::Iso8601);
    }
    None
}

/// Whether a string is spelled like a culture-text date (`a/b/yyyy [h:mm[:ss] [AM|PM]]`, with
/// `/`, `.` or `-`, or year-first), whatever its month/day order: `inspect` lists the spelling.
pub fn looks_like_culture_date(text: &str) -> bool {
    let s = text.trim();
    if !(8..=40).contains(&s.len()) || !s.as_bytes()[0].is_ascii_digit() {
        return false;
    }
    // Any order will do to tell the shape: a date whose parts settle the other order is one too.
    let any = FileDates::new(Some(DateOrder::MonthFirst), None, None, None);
    !matches!(parse_culture(s, &any), Ok(None))
}

fn parse_microsoft_json(s: &str) -> Option<Result<DateTime<Utc>, String>> {
    let inner = s
        .strip_prefix("\\/Date(")
        .or_else(|| s.strip_prefix("/Date("))?;
    let inner = inner
        .strip_suffix(")\\/")
        .or_else(|| inner.strip_suffix(")/"))?;
    // The milliseconds are UTC; a trailing +hhmm / -hhmm only says which zone it was shown in.
    let digits_end = inner
        .char_indices()
        .skip(1)
        .find(|(_, c)| *c == '+' || *c == '-')
        .map(|(i, _)| i)
        .unwrap_or(inner.len());
    let ms: i64 = match inner[..digits_end].parse() {
        Ok(v) => v,
        Err(_) => {
            return Some(Err(format!(
                "'{s}' has no millisecond count inside /Date(…)/"
            )))
        }
    };
    Some(
        Utc.timestamp_millis_opt(ms)
            .single()
            .ok_or_else(|| format!("'{s}' is out of the representable date range")),
    )
}

/// `yyyy-MM-ddTHH:mm:ss[.f…]` with `Z` or `±HH:mm`, the form PowerShell 7 writes every date
/// in, read without chrono's general parser; `None` (the caller then asks chrono) for anything
/// else, including what chrono would read differently or refuse (leap seconds, more than nine
/// fraction digits, impossible dates).
fn parse_rfc3339_quick(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    // Two digits at `i` as a number; `None` unless both are digits.
    let d2 = |i: usize| -> Option<u32> {
        let (hi, lo) = (
            b.get(i)?.wrapping_sub(b'0'),
            b.get(i + 1)?.wrapping_sub(b'0'),
        );
        (hi < 10 && lo < 10).then(|| u32::from(hi) * 10 + u32::from(lo))
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let year = d2(0)? * 100 + d2(2)?;
    let date = NaiveDate::from_ymd_opt(year as i32, d2(5)?, d2(8)?)?;
    let (h, mi, sec) = (d2(11)?, d2(14)?, d2(17)?);
    if sec >= 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b[i] == b'.' {
        let mut digits = 0;
        while let Some(d) = b
            .get(i + 1 + digits)
            .map(|c| c.wrapping_sub(b'0'))
            .filter(|&d| d < 10)
        {
            if digits == 9 {
                return None; // more than chrono reads
            }
            nanos = nanos * 10 + u32::from(d);
            digits += 1;
        }
        if digits == 0 {
            return None;
        }
        nanos *= 10u32.pow(9 - digits as u32);
        i += 1 + digits;
    }
    let offset = match b.get(i..)? {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (oh, om) = (d2(i + 1)?, d2(i + 4)?);
            if oh >= 24 || om >= 60 {
                return None;
            }
            let secs = (oh * 3600 + om * 60) as i32;
            if *sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let time = chrono::NaiveTime::from_hms_nano_opt(h, mi, sec, nanos)?;
    // The instant the local time at that offset is (what `FixedOffset::from_local_datetime`
    // gives, without building the zoned value first; it runs twice for every evidence row).
    let local = NaiveDateTime::new(date, time);
    let utc = match offset {
        // UTC already (the usual case: UAL keeps its times in UTC).
        0 => local,
        _ => local.checked_sub_signed(chrono::TimeDelta::seconds(i64::from(offset)))?,
    };
    Some(utc.and_utc())
}

fn parse_iso(s: &str) -> Option<DateTime<Utc>> {
    if let Some(d) = parse_rfc3339_quick(s) {
        return Some(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Utc.from_utc_datetime(&n));
        }
    }
    if let Ok(d) = DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f %:z") {
        return Some(d.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| Utc.from_utc_datetime(&n))
}

/// `a/b/yyyy [h:mm[:ss] [AM|PM]]` (or with `.` / `-`), and year-first `yyyy/M/d`.
fn parse_culture(s: &str, file: &FileDates) -> Result<Option<DateTime<Utc>>, String> {
    let (date, time) = match s.split_once(' ') {
        Some((d, t)) => (d, t.trim()),
        None => (s, ""),
    };
    let Some(sep) = date.chars().find(|c| matches!(c, '/' | '.' | '-')) else {
        return Ok(None);
    };
    let parts: Vec<&str> = date.trim_end_matches('.').split(sep).collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Ok(None);
    }
    let Some(time) = parse_time(time) else {
        return Ok(None);
    };
    let num = |p: &str| p.parse::<u32>().ok();
    let (Some(a), Some(b), Some(c)) = (num(parts[0]), num(parts[1]), num(parts[2])) else {
        return Ok(None);
    };
    let (year, month, day) = if parts[0].len() == 4 {
        // yyyy/M/d (ja-JP, zh-CN): never day-first.
        (a, b, c)
    } else if parts[2].len() == 4 {
        let order = match (a, b) {
            (13..=31, 1..=12) => {
                file.observe(DateOrder::DayFirst, s)?;
                DateOrder::DayFirst
            }
            (1..=12, 13..=31) => {
                file.observe(DateOrder::MonthFirst, s)?;
                DateOrder::MonthFirst
            }
            _ if a == 0 || b == 0 || a > 12 || b > 12 => return Ok(None),
            // The same either way.
            _ if a == b => DateOrder::MonthFirst,
            _ => ambiguous_order(s, sep, time.2, file)?,
        };
        match order {
            DateOrder::MonthFirst => (c, a, b),
            DateOrder::DayFirst => (c, b, a),
        }
    } else {
        return Ok(None);
    };
    let (h, m, sec) = (time.0, time.1, time.3);
    Ok(NaiveDate::from_ymd_opt(year as i32, month, day)
        .and_then(|d| d.and_hms_opt(h, m, sec))
        .map(|n| Utc.from_utc_datetime(&n)))
}

/// The order for a date whose parts are both 12 or less.
fn ambiguous_order(s: &str, sep: char, am_pm: bool, file: &FileDates) -> Result<DateOrder, String> {
    if let Some(o) = file.explicit {
        return Ok(o);
    }
    if let Some((o, _)) = file.resolve() {
        return Ok(o);
    }
    let day_first = sep == '.' || file.day_first_hint.is_some();
    // An AM/PM designator is the en-US spelling: month-first, even in a `;`-separated CSV (a
    // hint of a day-first culture, which would read `10/2/2026 8:00:00 AM` as 10 February).
    // Dots are never en-US: day-first. Either way, hints that disagree are warned of.
    let order = match (am_pm, day_first) {
        (true, _) if sep != '.' => DateOrder::MonthFirst,
        (_, true) => DateOrder::DayFirst,
        (true, false) | (false, false) => {
            return Err(format!(
                "'{s}' is ambiguous: no date in this file has a day above 12, so whether it is month/day or day/month cannot be told; give the date order (mdy or dmy), or export dates with ConvertTo-Json or Export-Clixml"
            ))
        }
    };
    if am_pm && day_first {
        let _ = file.undecided.set((s.to_string(), order));
    }
    Ok(order)
}

/// `h:mm[:ss[.fff]] [AM|PM]` or nothing: (hour, minute, had AM/PM, second).
fn parse_time(t: &str) -> Option<(u32, u32, bool, u32)> {
    if t.is_empty() {
        return Some((0, 0, false, 0));
    }
    let upper = t.to_ascii_uppercase();
    let (clock, pm) = if let Some(c) = upper.strip_suffix("PM") {
        (c.trim(), Some(true))
    } else if let Some(c) = upper.strip_suffix("AM") {
        (c.trim(), Some(false))
    } else {
        (upper.as_str(), None)
    };
    let mut it = clock.split(':');
    let h: u32 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let sec: u32 = match it.next() {
        Some(x) => x.split('.').next()?.parse().ok()?,
        None => 0,
    };
    if it.next().is_some() || m > 59 || sec > 59 {
        return None;
    }
    let h = match pm {
        None if h <= 23 => h,
        Some(false) if (1..=12).contains(&h) => h % 12,
        Some(true) if (1..=12).contains(&h) => h % 12 + 12,
        _ => return None,
    };
    Some((h, m, pm.is_some(), sec))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn microsoft_json_dates_are_utc_milliseconds() {
        let (d, k) = parse_date_text("/Date(1574202819000)/").unwrap();
        assert_eq!(d, utc("2019-11-19T22:33:39Z"));
        assert_eq!(k, DateSpelling::MicrosoftJson);
        // The offset suffix does not move the instant.
        let (d2, _) = parse_date_text("/Date(1574202819000+0100)/").unwrap();
        assert_eq!(d2, d);
        let (d3, _) = parse_date_text("/Date(-1000)/").unwrap();
        assert_eq!(d3, utc("1969-12-31T23:59:59Z"));
    }

    #[test]
    fn iso_dates_with_seven_fraction_digits_and_offsets() {
        let (d, k) = parse_date_text("2019-11-19T23:33:39.1234567+01:00").unwrap();
        assert_eq!(k, DateSpelling::Iso8601);
        assert_eq!(d.timestamp(), utc("2019-11-19T22:33:39Z").timestamp());
        let (u, _) = parse_date_text("2019-11-19T22:33:39").unwrap();
        assert_eq!(u, utc("2019-11-19T22:33:39Z"));
    }

    #[test]
    fn wrapper_object_uses_its_value() {
        let mut o = super::super::value::PsObject::default();
        o.insert("value", PsValue::Str("/Date(1574202819000)/".into()));
        o.insert("DisplayHint", PsValue::Int(2));
        o.insert(
            "DateTime",
            PsValue::Str("Tuesday, November 19, 2019 10:33:39 PM".into()),
        );
        let (d, k) = parse_date(&PsValue::object(o)).unwrap();
        assert_eq!(d, utc("2019-11-19T22:33:39Z"));
        assert_eq!(k, DateSpelling::DateTimeWrapper);
    }

    #[test]
    fn culture_text_is_read_only_when_unambiguous() {
        let (d, _) = parse_date_text("11/19/2019 10:33:39 PM").unwrap();
        assert_eq!(d, utc("2019-11-19T22:33:39Z"));
        let (d, _) = parse_date_text("19/11/2019 22:33:39").unwrap();
        assert_eq!(d, utc("2019-11-19T22:33:39Z"));
        let err = parse_date_text("03/04/2019 10:00:00").unwrap_err();
        assert!(err.contains("ambiguous"), "{err}");
        assert!(parse_date_text("yesterday").is_err());
    }

    #[test]
    fn deciding_dates_are_found_only_where_they_are() {
        let find = |t: &str| find_deciding_date(t.as_bytes());
        assert_eq!(
            find("\"9/2/2012\",\"8/25/2012 4:37:23 PM\""),
            Some((DateOrder::MonthFirst, "8/25/2012".into()))
        );
        assert_eq!(
            find("x;25.08.2012;y"),
            Some((DateOrder::DayFirst, "25.08.2012".into()))
        );
        for none in [
            "2012-08-25T16:37:23Z",
            "10.17.44.6",
            "10a9226f-50ee-49d8-a393-9a501d47ce04",
            "00000000-0000-0000-0000-000000000000",
            "tel:+1-425-555-0101",
            "9/2/2012 3/4/2012",
            "125/08/2012",
            "25/08/20123",
            "32/08/2012",
        ] {
            assert_eq!(find(none), None, "{none}");
        }
    }
}

#[cfg(test)]
mod quick_rfc3339 {
    use super::*;

    /// The quick reader gives what chrono's RFC 3339 parser gives, wherever it answers.
    #[test]
    fn agrees_with_chrono() {
        let mut seed = 0x1234_5678_9abc_def1u64;
        let mut rnd = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut answered = 0;
        for _ in 0..50_000 {
            let frac = match rnd(5) {
                0 => String::new(),
                1 => ".0000000".into(),
                2 => format!(".{}", rnd(1_000_000_000)),
                3 => format!(".{:07}", rnd(10_000_000)),
                _ => format!(".{}", "1234567891234".get(..rnd(13) as usize).unwrap_or("")),
            };
            let zone = match rnd(6) {
                0 => "Z".to_string(),
                1 => "z".to_string(),
                2 => format!("+{:02}:{:02}", rnd(26), rnd(62)),
                3 => format!("-{:02}:{:02}", rnd(26), rnd(62)),
                4 => "+0100".to_string(),
                _ => String::new(),
            };
            let s = format!(
                "{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}{frac}{zone}",
                rnd(10_000),
                rnd(14),
                rnd(33),
                ["T", "t", " "][rnd(3) as usize],
                rnd(25),
                rnd(61),
                rnd(62),
            );
            // Now and then one character replaced: a letter, a sign or white space where a
            // digit should be (and the like) must be refused as chrono refuses it.
            let s = if rnd(4) == 0 {
                let at = rnd(s.len() as u64) as usize;
                let with = ["O", " ", "+", "-", "/", ":", "9", ".", "\u{0660}"][rnd(9) as usize];
                format!("{}{with}{}", &s[..at], &s[at + 1..])
            } else {
                s
            };
            let chrono = DateTime::parse_from_rfc3339(&s)
                .ok()
                .map(|d| d.with_timezone(&Utc));
            if let Some(quick) = parse_rfc3339_quick(&s) {
                answered += 1;
                assert_eq!(Some(quick), chrono, "{s}");
            }
        }
        assert!(answered > 5_000, "answered only {answered}");
        assert_eq!(
            parse_rfc3339_quick("2026-08-01T07:12:44.0000000+00:00"),
            DateTime::parse_from_rfc3339("2026-08-01T07:12:44Z")
                .ok()
                .map(|d| d.with_timezone(&Utc))
        );
    }
}
