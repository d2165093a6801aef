//! One input record with its location, and typed, lenient accessors that report problems with
//! file, record number and property name.

use super::dates::{parse_date_in, FileDates};
use super::value::{is_blank_text, PsObject, PsValue};
use chrono::{DateTime, Utc};
use license_audit_model::InputError;
use std::borrow::Cow;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Record {
    pub file: Arc<str>,
    /// 1-based position in the file.
    pub index: u64,
    pub obj: PsObject,
    /// The file's month/day order for culture-text dates, shared by its records (none: a
    /// record on its own, whose dates must settle their own order).
    dates: Option<Arc<FileDates>>,
}

impl Record {
    pub fn new(file: Arc<str>, index: u64, obj: PsObject) -> Record {
        Record {
            file,
            index,
            obj,
            dates: None,
        }
    }

    /// Makes the record's culture-text dates follow its file's month/day order (a record read
    /// into again shares them already, and is left as it is).
    pub fn share_dates(&mut self, dates: &Arc<FileDates>) {
        if !self.dates.as_ref().is_some_and(|d| Arc::ptr_eq(d, dates)) {
            self.dates = Some(dates.clone());
        }
    }

    /// The file's month/day order this record's dates are read with; `None` for a record made
    /// on its own, whose culture-text dates must each settle their own order.
    pub fn dates(&self) -> Option<&FileDates> {
        self.dates.as_deref()
    }

    /// [`Record::dates`], shared: to ask the file, once its records are read, whether its date
    /// order was a guess ([`FileDates::undecided`]).
    pub fn file_dates(&self) -> Option<&Arc<FileDates>> {
        self.dates.as_ref()
    }

    pub fn error(&self, field: &str, message: impl Into<String>) -> InputError {
        InputError::field(&*self.file, self.index, field, message)
    }

    pub fn record_error(&self, message: impl Into<String>) -> InputError {
        InputError::record(&*self.file, self.index, message)
    }

    pub fn get(&self, name: &str) -> Option<&PsValue> {
        self.obj.get(name)
    }

    /// Text of a property; `None` when absent, null or blank.
    pub fn opt_str(&self, name: &str) -> Result<Option<String>, InputError> {
        Ok(self.text_of(name, self.get(name))?.map(Cow::into_owned))
    }

    /// [`Record::opt_str`] of a value already found (by [`Record::select_refs`]), borrowed
    /// where it is text already; `name` is what an error names.
    pub fn text_of<'v>(
        &self,
        name: &str,
        value: Option<&'v PsValue>,
    ) -> Result<Option<Cow<'v, str>>, InputError> {
        match value {
            None => Ok(None),
            Some(v) => value_text_ref(v).map_err(|m| self.error(name, m)),
        }
    }

    /// The values of the properties `select` names, found in one pass over the record's
    /// properties: slot `i` holds the value of `select.names()[i]` (matched
    /// case-insensitively), `None` when the record lacks it. For readers that look at many
    /// properties of records by the million: one probe per property instead of a search per name.
    pub fn select_refs<const N: usize>(
        &self,
        select: &super::value::Selection,
    ) -> [Option<&PsValue>; N] {
        debug_assert_eq!(select.names().len(), N, "one slot per selected name");
        let mut slots: [Option<&PsValue>; N] = [None; N];
        for (name, value) in &self.obj.props {
            if let Some(slot) = select.index(name.as_bytes()).and_then(|i| slots.get_mut(i)) {
                // Names are unique case-insensitively (readers keep a repeated name's last value
                // in its first place), so a slot is filled once.
                *slot = Some(value);
            }
        }
        slots
    }

    /// [`Record::select_refs`] that remembers in `memo` where the selected properties were: a
    /// record whose names are the very ones of the last record (an export writes every record
    /// alike, and the JSON reader gives a selected name spelled as selected the selection's own
    /// text) is matched by position, without a probe per property.
    pub fn select_refs_memo<const N: usize>(
        &self,
        select: &super::value::Selection,
        memo: &mut SelectMemo,
    ) -> [Option<&PsValue>; N] {
        let props = &self.obj.props;
        let same = std::ptr::eq(memo.selection, select.names())
            && props.len() == memo.names.len()
            && props
                .iter()
                .zip(&memo.names)
                .all(|((n, _), m)| n.as_static().is_some_and(|s| std::ptr::eq(s, *m)));
        if !same {
            memo.selection = select.names();
            memo.names.clear();
            memo.slots.clear();
            for (name, _) in props {
                // Only the reader's own texts are remembered: they live as long as the program,
                // so the same address is the same name (a freed file text's address is not).
                let Some(s) = name.as_static() else {
                    memo.names.clear();
                    memo.slots.clear();
                    return self.select_refs(select);
                };
                memo.names.push(s);
                memo.slots
                    .push(select.index(s.as_bytes()).unwrap_or(usize::MAX));
            }
        }
        let mut slots: [Option<&PsValue>; N] = [None; N];
        for ((_, value), &at) in props.iter().zip(&memo.slots) {
            if let Some(slot) = slots.get_mut(at) {
                *slot = Some(value);
            }
        }
        slots
    }

    pub fn req_str(&self, name: &str) -> Result<String, InputError> {
        self.opt_str(name)?
            .ok_or_else(|| self.error(name, "required property is missing or empty"))
    }

    /// Booleans as PowerShell exports them: JSON true/false, CSV `True`/`False`, CLIXML `<B>`,
    /// and the odd `1`/`0` or `$true` from hand-made files.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, InputError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => value_bool(v).map_err(|m| self.error(name, m)),
        }
    }

    pub fn bool_or(&self, name: &str, default: bool) -> Result<bool, InputError> {
        Ok(self.opt_bool(name)?.unwrap_or(default))
    }

    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, InputError> {
        self.int_of(name, self.get(name))
    }

    /// [`Record::opt_int`] of a value already found.
    pub fn int_of(&self, name: &str, value: Option<&PsValue>) -> Result<Option<i64>, InputError> {
        match value {
            None => Ok(None),
            Some(v) => value_int(v).map_err(|m| self.error(name, m)),
        }
    }

    pub fn opt_date(&self, name: &str) -> Result<Option<DateTime<Utc>>, InputError> {
        self.date_of(name, self.get(name))
    }

    /// [`Record::opt_date`] of a value already found.
    pub fn date_of(
        &self,
        name: &str,
        value: Option<&PsValue>,
    ) -> Result<Option<DateTime<Utc>>, InputError> {
        match value {
            None => Ok(None),
            Some(v) if v.is_blank() => Ok(None),
            Some(v) => match self.dates() {
                Some(file) => parse_date_in(v, file),
                None => parse_date_in(v, &FileDates::default()),
            }
            .map(|(d, _)| Some(d))
            .map_err(|m| self.error(name, m)),
        }
    }

    /// An enum exported either by name (PowerShell 7, CLIXML ToString, CSV) or by its integer
    /// (Windows PowerShell 5.1 ConvertTo-Json). `names` maps the integers; integers of unknown
    /// meaning are an error, because enum numbering is not stable across product versions.
    pub fn opt_enum(
        &self,
        name: &str,
        names: &[(i64, &'static str)],
    ) -> Result<Option<String>, InputError> {
        let v = match self.get(name) {
            None => return Ok(None),
            Some(v) if v.is_blank() => return Ok(None),
            Some(v) => v,
        };
        let as_int = match v {
            PsValue::Int(i) => Some(*i),
            PsValue::Object(o) if o.to_string.is_none() => match o.base.as_deref() {
                Some(PsValue::Int(i)) => Some(*i),
                _ => None,
            },
            _ => None,
        };
        if let Some(i) = as_int {
            return names
                .iter()
                .find(|(n, _)| *n == i)
                .map(|(_, s)| Some((*s).to_string()))
                .ok_or_else(|| {
                    self.error(
                        name,
                        format!(
                            "enum value {i} is not one of {}; export it as text ([string]$_.{name})",
                            names.iter().map(|(n, s)| format!("{n}={s}")).collect::<Vec<_>>().join(", ")
                        ),
                    )
                });
        }
        let text = self.opt_str(name)?;
        Ok(text.map(|t| {
            names
                .iter()
                .find(|(_, s)| s.eq_ignore_ascii_case(t.trim()))
                .map(|(_, s)| (*s).to_string())
                .unwrap_or(t)
        }))
    }

    /// A list property. A single value is a one-item list; Windows PowerShell 5.1's
    /// `{"value":[…],"Count":n}` array wrapper is unwrapped.
    pub fn str_list(&self, name: &str) -> Result<Vec<String>, InputError> {
        let Some(v) = self.get(name) else {
            return Ok(Vec::new());
        };
        let items = list_items(v);
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match value_text(item) {
                Ok(Some(s)) => out.push(s),
                Ok(None) => {}
                Err(m) => return Err(self.error(name, format!("item {}: {m}", i + 1))),
            }
        }
        Ok(out)
    }
}

/// Where [`Record::select_refs_memo`] found the selected properties of the last record.
#[derive(Debug, Default)]
pub struct SelectMemo {
    selection: &'static [&'static str],
    names: Vec<&'static str>,
    /// The selection index of each name (`usize::MAX`: not selected).
    slots: Vec<usize>,
}

pub fn list_items(v: &PsValue) -> Vec<&PsValue> {
    match v {
        PsValue::Null => Vec::new(),
        PsValue::List(items) => items.iter().collect(),
        PsValue::Object(o) if o.props.len() <= 2 && o.get("Count").is_some() => {
            match o.get("value") {
                Some(PsValue::List(items)) => items.iter().collect(),
                _ => vec![v],
            }
        }
        other => vec![other],
    }
}

pub fn value_text(v: &PsValue) -> Result<Option<String>, String> {
    Ok(value_text_ref(v)?.map(Cow::into_owned))
}

/// [`value_text`], borrowing the text where the value holds it.
pub fn value_text_ref(v: &PsValue) -> Result<Option<Cow<'_, str>>, String> {
    match v {
        PsValue::Null => Ok(None),
        PsValue::Str(s) if is_blank_text(s) => Ok(None),
        PsValue::Str(s) => Ok(Some(Cow::Borrowed(s))),
        PsValue::Int(i) => Ok(Some(Cow::Owned(i.to_string()))),
        PsValue::Float(f) if is_inexact_integer(*f) => Err(inexact_message(*f)),
        PsValue::Float(f) if f.is_infinite() => Ok(Some(Cow::Borrowed(if *f > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }))),
        PsValue::Float(f) => Ok(Some(Cow::Owned(f.to_string()))),
        PsValue::Bool(b) => Ok(Some(Cow::Borrowed(if *b { "True" } else { "False" }))),
        PsValue::Date(d) => Ok(Some(Cow::Owned(d.to_rfc3339()))),
        PsValue::Object(o) => match &o.to_string {
            Some(s) if is_blank_text(s) => Ok(None),
            Some(s) => Ok(Some(Cow::Borrowed(s))),
            None => {
                Err("expected text, got an object (convert it with [string] before export)".into())
            }
        },
        PsValue::List(items) if items.len() == 1 => value_text_ref(&items[0]),
        PsValue::List(_) => Err("expected one value, got a list".into()),
        PsValue::Flattened(t) => Err(flattened_message(t)),
        PsValue::Truncated(t) => Err(truncated_message(t)),
    }
}

pub fn value_bool(v: &PsValue) -> Result<Option<bool>, String> {
    match v {
        PsValue::Null => Ok(None),
        PsValue::Bool(b) => Ok(Some(*b)),
        PsValue::Int(0) => Ok(Some(false)),
        PsValue::Int(1) => Ok(Some(true)),
        PsValue::Str(s) => {
            let t = s.trim();
            if t.is_empty() {
                Ok(None)
            } else if ["true", "$true", "1", "yes"]
                .iter()
                .any(|w| t.eq_ignore_ascii_case(w))
            {
                Ok(Some(true))
            } else if ["false", "$false", "0", "no"]
                .iter()
                .any(|w| t.eq_ignore_ascii_case(w))
            {
                Ok(Some(false))
            } else {
                Err(format!("expected True or False, got '{t}'"))
            }
        }
        PsValue::Flattened(t) => Err(flattened_message(t)),
        PsValue::Truncated(t) => Err(truncated_message(t)),
        other => Err(format!("expected True or False, got {}", other.kind())),
    }
}

pub fn value_int(v: &PsValue) -> Result<Option<i64>, String> {
    match v {
        PsValue::Null => Ok(None),
        PsValue::Int(i) => Ok(Some(*i)),
        PsValue::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(*f as i64)),
        PsValue::Float(f) if is_inexact_integer(*f) => Err(inexact_message(*f)),
        PsValue::Float(f) => Err(format!("expected a whole number, got {f}")),
        PsValue::Str(s) if s.trim().is_empty() => Ok(None),
        PsValue::Str(s) => {
            let t = s.trim();
            t.parse().map(Some).map_err(|_| {
                let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    format!("'{t}' is beyond the range of a 64-bit whole number")
                } else {
                    format!("expected a whole number, got '{t}'")
                }
            })
        }
        PsValue::Object(o) => match o.base.as_deref() {
            Some(b) => value_int(b),
            None => Err("expected a whole number, got an object".into()),
        },
        PsValue::Flattened(t) => Err(flattened_message(t)),
        PsValue::Truncated(t) => Err(truncated_message(t)),
        other => Err(format!("expected a whole number, got {}", other.kind())),
    }
}

/// A whole number too large for a double to hold exactly (a JSON integer beyond 64 bits, a
/// UInt64 above 2^63): its digits are no longer known.
fn is_inexact_integer(f: f64) -> bool {
    f.is_finite() && f.fract() == 0.0 && f.abs() >= 9.0e15
}

fn inexact_message(f: f64) -> String {
    format!(
        "the number {f:e} is beyond the range of a 64-bit whole number and its exact digits are lost; export it as text ([string]$_.Property)"
    )
}

/// Why a value PowerShell's console formatting cut short is not read.
pub fn truncated_message(shown: &str) -> String {
    format!(
        "truncated by Format-List ('{shown}'): the rest of the value is unknown; export with Export-Clixml or ConvertTo-Json instead of copying console output"
    )
}

pub fn flattened_message(type_name: &str) -> String {
    format!(
        "the cell holds '{type_name}', not a value: Export-Csv flattened a collection; export with ConvertTo-Json or Export-Clixml, or join it first (@{{n='X';e={{$_.X -join ';'}}}})"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(props: Vec<(&str, PsValue)>) -> Record {
        let mut obj = PsObject::default();
        for (k, v) in props {
            obj.insert(k.to_string(), v);
        }
        Record::new(Arc::from("users.json"), 7, obj)
    }

    #[test]
    fn select_refs_finds_each_property_in_one_pass_and_the_memo_agrees() {
        static NAMES: &[&str] = &["SipAddress", "Enabled", "VoicePolicy"];
        let select = super::super::value::Selection::new(NAMES);
        let mut memo = SelectMemo::default();
        // Names as the JSON reader gives them when the file spells them as selected: the
        // selection's own texts.
        let by_reader = |props: Vec<(usize, PsValue)>| {
            let mut obj = PsObject::default();
            for (i, v) in props {
                obj.insert(NAMES[i], v);
            }
            Record::new(Arc::from("users.json"), 1, obj)
        };
        let a = by_reader(vec![
            (1, PsValue::Bool(true)),
            (0, PsValue::Str("sip:a".into())),
        ]);
        let b = by_reader(vec![
            (1, PsValue::Bool(false)),
            (0, PsValue::Str("sip:b".into())),
        ]);
        // Same names in another order: the memo must not answer with the last record's places.
        let c = by_reader(vec![
            (0, PsValue::Str("sip:c".into())),
            (2, PsValue::Int(4)),
        ]);
        // Names spelled otherwise (the file's own text): found by probing, not remembered.
        let d = rec(vec![
            ("voicepolicy", PsValue::Int(5)),
            ("Other", PsValue::Int(3)),
            ("SIPADDRESS", PsValue::Str("sip:d".into())),
        ]);
        for r in [&a, &b, &a, &c, &d, &c, &b] {
            let plain: [Option<&PsValue>; 3] = r.select_refs(&select);
            let remembered: [Option<&PsValue>; 3] = r.select_refs_memo(&select, &mut memo);
            assert_eq!(plain, remembered, "{r:?}");
            for (slot, name) in plain.iter().zip(NAMES) {
                assert_eq!(*slot, r.get(name), "{name} of {r:?}");
            }
        }
        let [sip, enabled, voice] = d.select_refs::<3>(&select);
        assert_eq!(sip, Some(&PsValue::Str("sip:d".into())));
        assert_eq!((enabled, voice), (None, Some(&PsValue::Int(5))));
    }

    #[test]
    fn borrowed_text_is_the_text_opt_str_gives() {
        for v in [
            PsValue::Str("  ".into()),
            PsValue::Str("\u{a0}".into()),
            PsValue::Str("\u{b}x".into()),
            PsValue::Str(" x ".into()),
            PsValue::Int(7),
            PsValue::Bool(true),
            PsValue::Float(f64::INFINITY),
            PsValue::Null,
        ] {
            let r = rec(vec![("P", v.clone())]);
            let borrowed = r.text_of("P", r.get("P")).unwrap().map(Cow::into_owned);
            assert_eq!(borrowed, r.opt_str("P").unwrap(), "{v:?}");
        }
    }

    #[test]
    fn names_match_case_insensitively_and_errors_locate_the_field() {
        let r = rec(vec![(
            "EnterpriseVoiceEnabled",
            PsValue::Str("maybe".into()),
        )]);
        let e = r.opt_bool("enterprisevoiceenabled").unwrap_err();
        assert_eq!(e.to_string(), "users.json, record 7, property 'enterprisevoiceenabled': expected True or False, got 'maybe'");
    }

    #[test]
    fn booleans_in_every_spelling() {
        for (v, want) in [
            (PsValue::Bool(true), Some(true)),
            (PsValue::Str("False".into()), Some(false)),
            (PsValue::Str("TRUE".into()), Some(true)),
            (PsValue::Int(0), Some(false)),
            (PsValue::Str("".into()), None),
            (PsValue::Null, None),
        ] {
            assert_eq!(value_bool(&v).unwrap(), want, "{v:?}");
        }
    }

    #[test]
    fn enums_by_integer_or_name() {
        const SHARING: &[(i64, &str)] = &[(0, "Desktop"), (1, "SingleApplication"), (2, "None")];
        let r = rec(vec![
            ("A", PsValue::Int(2)),
            ("B", PsValue::Str("desktop".into())),
            ("C", PsValue::Int(9)),
        ]);
        assert_eq!(r.opt_enum("A", SHARING).unwrap().as_deref(), Some("None"));
        assert_eq!(
            r.opt_enum("B", SHARING).unwrap().as_deref(),
            Some("Desktop")
        );
        assert!(r
            .opt_enum("C", SHARING)
            .unwrap_err()
            .message
            .contains("enum value 9"));
    }

    #[test]
    fn lists_unwrap_the_51_array_wrapper() {
        let mut wrapper = PsObject::default();
        wrapper.insert(
            "value",
            PsValue::list(vec![PsValue::Str("a".into()), PsValue::Str("b".into())]),
        );
        wrapper.insert("Count", PsValue::Int(2));
        let r = rec(vec![
            ("AgentsByUri", PsValue::object(wrapper)),
            ("One", PsValue::Str("x".into())),
        ]);
        assert_eq!(r.str_list("agentsbyuri").unwrap(), vec!["a", "b"]);
        assert_eq!(r.str_list("One").unwrap(), vec!["x"]);
        assert!(r.str_list("Missing").unwrap().is_empty());
    }

    #[test]
    fn flattened_cells_are_an_error_only_when_used() {
        let r = rec(vec![(
            "ProxyAddresses",
            PsValue::Flattened("System.Object[]".into()),
        )]);
        let e = r.opt_str("ProxyAddresses").unwrap_err();
        assert!(e.message.contains("System.Object[]"));
        assert_eq!(r.opt_str("Other").unwrap(), None);
    }
}
