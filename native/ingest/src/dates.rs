//! The date spellings PowerShell exports, all read into UTC.
//!
//! - Windows PowerShell 5.1 `ConvertTo-Json`: `"\/Date(1574202819000)\/"` (milliseconds since the
//!   Unix epoch, UTC), `"\/Date(1574202819000+0100)\/"` (same instant; the suffix is the zone it
//!   was shown in), and for `[datetime]` values that went through the extended type system the
//!   wrapper `{"value":"\/Date(…)\/","DisplayHint":2,"DateTime":"Tuesday, November 19, 2019 …"}`.
//! - PowerShell 7 `ConvertTo-Json` and CLIXML `<DT>`: ISO 8601 with up to 7 fractional digits and
//!   an offset, `Z`, or no zone at all (a `Kind=Unspecified` value, taken as UTC).
//! - `Export-Csv`: the culture's `ToString()`. ISO, and `M/d/yyyy h:mm:ss AM/PM` (en-US) are read;
//!   a 24-hour `a/b/yyyy` is read when the day is unambiguous (a part above 12) and refused
//!   otherwise rather than guessed.

use super::value::PsValue;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

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
            DateSpelling::MicrosoftJson => "\\/Date(ms)\\/ (Windows PowerShell 5.1)",
            DateSpelling::DateTimeWrapper => {
                "{value,DisplayHint,DateTime} (Windows PowerShell 5.1)"
            }
            DateSpelling::Iso8601 => "ISO 8601 (PowerShell 7)",
            DateSpelling::CultureText => "culture text (Export-Csv)",
            DateSpelling::Clixml => "CLIXML <DT>",
        }
    }
}

pub fn parse_date(value: &PsValue) -> Result<(DateTime<Utc>, DateSpelling), String> {
    match value {
        PsValue::Date(d) => Ok((d.with_timezone(&Utc), DateSpelling::Clixml)),
        PsValue::Str(s) => parse_date_text(s),
        PsValue::Object(o) => match o.get("value") {
            Some(inner) if o.get("DateTime").is_some() || o.get("DisplayHint").is_some() => {
                parse_date(inner).map(|(d, _)| (d, DateSpelling::DateTimeWrapper))
            }
            _ => Err("expected a date, got an object".into()),
        },
        PsValue::Truncated(t) => Err(crate::record::truncated_message(t)),
        other => Err(format!("expected a date, got {}", other.kind())),
    }
}

pub fn parse_date_text(text: &str) -> Result<(DateTime<Utc>, DateSpelling), String> {
    let s = text.trim();
    if let Some(d) = parse_microsoft_json(s) {
        return d.map(|d| (d, DateSpelling::MicrosoftJson));
    }
    if let Some(d) = parse_iso(s) {
        return Ok((d, DateSpelling::Iso8601));
    }
    if let Some(d) = parse_culture(s)? {
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

fn parse_iso(s: &str) -> Option<DateTime<Utc>> {
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

fn parse_culture(s: &str) -> Result<Option<DateTime<Utc>>, String> {
    let upper = s.to_ascii_uppercase();
    if upper.ends_with("AM") || upper.ends_with("PM") {
        for fmt in ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p"] {
            if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
                return Ok(Some(Utc.from_utc_datetime(&n)));
            }
        }
        return Ok(None);
    }
    let mut date_time = s.splitn(2, ' ');
    let date = date_time.next().unwrap_or("");
    let time = date_time.next().unwrap_or("00:00:00");
    let parts: Vec<&str> = date.split(['/', '.', '-']).collect();
    if parts.len() != 3 || parts[2].len() != 4 {
        return Ok(None);
    }
    let (Ok(a), Ok(b)) = (parts[0].parse::<u32>(), parts[1].parse::<u32>()) else {
        return Ok(None);
    };
    let (day, month) = match (a > 12, b > 12) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        (false, false) if a == b => (a, b),
        (false, false) => {
            return Err(format!(
                "'{s}' is ambiguous (day and month both 12 or less); export dates with ConvertTo-Json or Export-Clixml"
            ))
        }
        (true, true) => return Ok(None),
    };
    let text = format!("{}-{:02}-{:02} {}", parts[2], month, day, time);
    Ok(["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&text, f).ok())
        .map(|n| Utc.from_utc_datetime(&n)))
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
        o.insert("value".into(), PsValue::Str("/Date(1574202819000)/".into()));
        o.insert("DisplayHint".into(), PsValue::Int(2));
        o.insert(
            "DateTime".into(),
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
}
