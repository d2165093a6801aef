//! From a record's JSON value to what one worksheet cell holds, as MAP writes it: Yes / No /
//! Insufficient Data, dates as dates, numbers as numbers, lists as text.

use crate::ingest::dates::{looks_like_date, parse_date_text};
use crate::ingest::PsValue;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// Excel's limit on the characters in one cell.
pub const MAX_CELL_CHARS: usize = 32_767;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(DateTime<Utc>),
}

impl Cell {
    /// The width the cell needs, in characters (for fitting the column).
    pub fn width(&self) -> usize {
        match self {
            Cell::Empty => 0,
            Cell::Text(s) => s.lines().map(|l| l.chars().count()).max().unwrap_or(0),
            Cell::Number(n) => format_number(*n).len(),
            Cell::Date(_) => 16,
        }
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n:.2}")
    }
}

/// A number as a cell holds it: -0 (a negative rounded to nothing, or a difference of equal
/// values) as 0, so no cell shows "-0". Every numeric cell of the workbook is written through it.
pub fn number(x: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x
    }
}

/// Text that a spreadsheet would take for a formula if typed: written with a quote prefix.
pub fn looks_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The text of a value inside a list or object: lists joined with "; ", an object's values
/// with " | " (a reason reads "Enterprise | ConferencingPolicy Global | AllowIPVideo=True").
pub fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(true) => "Yes".into(),
        Value::Bool(false) => "No".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => answer_text(s).to_string(),
        Value::Array(items) => items
            .iter()
            .map(text)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
        Value::Object(m) => m
            .values()
            .map(text)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" | "),
    }
}

/// MAP's spelling of a usage answer; PowerShell's spelling of a boolean exported as text.
fn answer_text(s: &str) -> &str {
    match s {
        "InsufficientData" => "Insufficient Data",
        "True" => "Yes",
        "False" => "No",
        other => other,
    }
}

/// What ends a text cut to Excel's cell limit, so the cut shows.
pub const CUT_MARK: &str = "… [cut: over Excel's 32,767 characters a cell]";

/// Text as one cell holds it: cut, with [`CUT_MARK`], when over Excel's limit (which a writer
/// refuses, ending the workbook).
pub fn fit(s: &str) -> std::borrow::Cow<'_, str> {
    // Bytes are at least characters: most text is known to fit without counting.
    if s.len() <= MAX_CELL_CHARS || s.chars().count() <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(s);
    }
    let keep = MAX_CELL_CHARS - CUT_MARK.chars().count();
    let mut out: String = s.chars().take(keep).collect();
    out.push_str(CUT_MARK);
    std::borrow::Cow::Owned(out)
}

fn truncate(s: String) -> String {
    match fit(&s) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(cut) => cut,
    }
}

/// A column or table header as Excel takes it: control characters (not allowed in XML, so a
/// table part holding one is not well-formed) shown as `\u{..}` escapes, and at most 255
/// characters (a table column name's limit).
pub fn header(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    if out.chars().count() > 255 {
        out = out.chars().take(254).collect();
        out.push('…');
    }
    if out.trim().is_empty() {
        out = "(no name)".into();
    }
    out
}

/// The date a string spells, when it spells one PowerShell or this tool writes.
pub fn date_of(s: &str) -> Option<DateTime<Utc>> {
    looks_like_date(s)?;
    parse_date_text(s).ok().map(|(d, _)| d)
}

/// One cell for one column of one record.
pub fn cell(column: &str, v: &Value) -> Cell {
    match v {
        Value::Null if super::catalog::is_tier_column(column) => Cell::Text("Undetermined".into()),
        Value::Null => Cell::Empty,
        Value::Number(n) => n.as_f64().map(Cell::Number).unwrap_or(Cell::Empty),
        Value::String(s) => match date_of(s) {
            Some(d) => Cell::Date(d),
            None => Cell::Text(truncate(answer_text(s).to_string())),
        },
        other => Cell::Text(truncate(text(other))),
    }
}

/// A record as columns: RecordType dropped, the usage Evidence object spread into its counts.
pub fn flatten(obj: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::with_capacity(obj.len() + 16);
    let mut nested = Vec::new();
    for (k, v) in obj {
        if k.eq_ignore_ascii_case("RecordType") {
            continue;
        }
        match v {
            Value::Object(inner) if k == "Evidence" => nested.push((k, inner)),
            other => {
                out.insert(k, other);
            }
        }
    }
    for (parent, inner) in nested {
        for (k, v) in inner {
            let name = if out.contains_key(&k) {
                format!("{parent}.{k}")
            } else {
                k
            };
            out.insert(name, v);
        }
    }
    out
}

/// A reader value as JSON (dates as RFC 3339 text, which [`cell`] turns back into dates).
pub fn json_of(v: &PsValue) -> Value {
    match v {
        PsValue::Null => Value::Null,
        PsValue::Bool(b) => Value::Bool(*b),
        PsValue::Int(i) => Value::from(*i),
        PsValue::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        PsValue::Str(s) => Value::String(s.clone()),
        PsValue::Date(d) => Value::String(d.with_timezone(&Utc).to_rfc3339()),
        PsValue::List(items) => Value::Array(items.iter().map(json_of).collect()),
        PsValue::Object(o) => {
            // A Windows PowerShell 5.1 date wrapper {value, DisplayHint, DateTime}.
            if o.get("DateTime").is_some() {
                if let Some(PsValue::Str(s)) = o.get("value") {
                    if let Some(d) = date_of(s) {
                        return Value::String(d.to_rfc3339());
                    }
                }
            }
            Value::Object(
                o.props
                    .iter()
                    .map(|(k, v)| (k.to_string(), json_of(v)))
                    .collect(),
            )
        }
        // Text the reader could not take as a value: kept as the text it was.
        PsValue::Flattened(t) | PsValue::Truncated(t) => Value::String(t.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_read_as_map_writes_them() {
        assert_eq!(
            cell("Enterprise", &json!("InsufficientData")),
            Cell::Text("Insufficient Data".into())
        );
        assert_eq!(
            cell("Enterprise", &Value::Null),
            Cell::Text("Undetermined".into())
        );
        assert_eq!(cell("Note", &Value::Null), Cell::Empty);
        assert_eq!(cell("Plus", &json!(true)), Cell::Text("Yes".into()));
        assert_eq!(cell("Enabled", &json!("False")), Cell::Text("No".into()));
        assert_eq!(cell("Users", &json!(12)), Cell::Number(12.0));
        assert!(matches!(
            cell("LastActivity", &json!("2026-10-30T16:12:00Z")),
            Cell::Date(_)
        ));
        assert!(matches!(
            cell("LastActivity", &json!("/Date(1574202819000)/")),
            Cell::Date(_)
        ));
        assert_eq!(
            cell(
                "Reasons",
                &json!([{"Cal": "Plus", "Source": "User", "Detail": "EnterpriseVoiceEnabled=True"}])
            ),
            Cell::Text("Plus | User | EnterpriseVoiceEnabled=True".into())
        );
    }

    #[test]
    fn formula_lookalikes_are_detected() {
        for s in ["=1+1", "+44 20", "-x", "@SUM(A1)", "\tcmd"] {
            assert!(looks_like_formula(s), "{s}");
        }
        assert!(!looks_like_formula("sip:a@b"));
    }

    #[test]
    fn evidence_is_spread_into_columns() {
        let f = flatten(json!({"RecordType": "LyncUserUsage", "SipAddress": "a", "Evidence": {"Registrations": 3, "SipAddress": "x"}}).as_object().unwrap().clone());
        assert_eq!(
            f.keys().collect::<Vec<_>>(),
            vec!["SipAddress", "Registrations", "Evidence.SipAddress"]
        );
    }
}
