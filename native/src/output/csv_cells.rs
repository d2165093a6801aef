//! CSV cells straight from a record's `Serialize`, without building a `serde_json::Value` per
//! record: the same text [`super::text::cell_text`] gives for the value `serde_json::to_value` would
//! build (booleans as `True`/`False`, lists joined with "; ", an object's non-empty values
//! joined with " | "), and the same quoting as the csv crate's writer (`QuoteStyle::Necessary`).
//! Anything this does not know how to render the same way (a float32, bytes, a field named
//! `RecordType`) is an [`Unsupported`] error, and the caller then writes that record the old way.

use serde::ser::{self, Impossible, Serialize};
use std::ops::Range;

use super::fallback::{unsupported, Result, Unsupported};
use super::shared::{identify, Renderings, Visit};
use crate::model::SHARED_LIST;

/// A column's name: a struct field's, or a map key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    Field(&'static str),
    Key(String),
}

impl Name {
    pub fn as_str(&self) -> &str {
        match self {
            Name::Field(s) => s,
            Name::Key(s) => s,
        }
    }
}

/// One record's cells: names, and ranges of `text`.
#[derive(Default)]
pub struct Cells {
    pub text: String,
    pub cells: Vec<(Name, Range<usize>)>,
    /// Per cell: known to need no quotes (a clean shared list's copy), so not scanned again.
    unquoted: Vec<bool>,
    /// Cell text of shared lists, by identity (see `output::shared`).
    shared: Renderings<SharedCell>,
    /// The shared list's text last copied (its range of `text`) and what is known of it: a
    /// cell that is exactly that text is neither defused nor scanned for quotes again.
    copied: Option<(Range<usize>, Clean)>,
}

/// A shared list's cell text, and what is known of it as a cell of its own.
struct SharedCell {
    text: Box<str>,
    clean: Clean,
}

/// What a shared list's text needs as a cell of its own. A reason list is most of a
/// LyncUserCal row's bytes and the same few lists recur on every row: scanning each copy for
/// formula starts and quotes again was the CSV printer's largest cost.
#[derive(Clone, Copy)]
struct Clean {
    /// No formula start to defuse.
    defused: bool,
    /// No comma, quote or line break: written without quotes.
    unquoted: bool,
}

impl Cells {
    /// Renders the top-level fields of `record`; on `Err` the cells are incomplete.
    pub fn fill<T: Serialize + ?Sized>(&mut self, record: &T) -> Result<()> {
        self.text.clear();
        self.cells.clear();
        self.unquoted.clear();
        record.serialize(Top(self))
    }

    pub fn cell(&self, i: usize) -> &str {
        &self.text[self.cells[i].1.clone()]
    }

    /// Cell `i` with whether it is known to need no quotes (see [`write_row_known`]).
    pub fn cell_known(&self, i: usize) -> (&str, bool) {
        (self.cell(i), self.unquoted[i])
    }

    /// One top-level value as a cell: numbers as they are, anything else defused.
    fn push<T: Serialize + ?Sized>(&mut self, name: Name, value: &T) -> Result<()> {
        if name.as_str() == "RecordType" {
            return Err(Unsupported);
        }
        let start = self.text.len();
        self.copied = None;
        let kind = value.serialize(Text(self))?;
        let end = self.text.len();
        // The cell is exactly a shared list's text: what is known of that text holds for it.
        let known = match &self.copied {
            Some((copy, clean)) if *copy == (start..end) && kind != Kind::Number => Some(*clean),
            _ => None,
        };
        let mut unquoted = matches!(kind, Kind::Number | Kind::Bool)
            || known.is_some_and(|c| c.defused && c.unquoted);
        if !unquoted && !known.is_some_and(|c| c.defused) {
            let cell = &self.text[start..];
            if super::text::is_plain_cell(cell.as_bytes()) {
                unquoted = true;
            } else if let Some(safe) = super::text::defused(cell) {
                self.text.truncate(start);
                self.text.push_str(&safe);
            }
        }
        let end = self.text.len();
        self.cells.push((name, start..end));
        self.unquoted.push(unquoted);
        Ok(())
    }
}

/// A shared list's items as cell text: copied when rendered before, else rendered and kept.
impl Visit for Text<'_> {
    type Out = Kind;
    fn items<T: Serialize + ?Sized>(self, id: u64, items: &T) -> Result<Kind> {
        let cells = self.0;
        let start = cells.text.len();
        if let Some(kept) = cells.shared.get(id) {
            cells.text.push_str(&kept.text);
            cells.copied = Some((start..cells.text.len(), kept.clean));
            return Ok(Kind::Other);
        }
        let kind = items.serialize(Text(&mut *cells))?;
        let text = &cells.text[start..];
        let clean = Clean {
            defused: kind != Kind::Number && super::text::defused(text).is_none(),
            unquoted: !super::text::needs_quotes(text.as_bytes()),
        };
        let text = text.into();
        cells.shared.keep(id, SharedCell { text, clean });
        cells.copied = Some((start..cells.text.len(), clean));
        Ok(kind)
    }
}

/// Appends one CSV row (fields quoted as the csv crate quotes them, `\n` terminated).
pub fn write_row<'a>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = &'a str>) {
    write_row_known(out, fields.into_iter().map(|f| (f, false)));
}

/// [`write_row`] for fields each given with whether it is known to need no quotes (then it is
/// not scanned).
pub fn write_row_known<'a>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = (&'a str, bool)>) {
    let start = out.len();
    for (i, (f, unquoted)) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let b = f.as_bytes();
        if !unquoted && super::text::needs_quotes(b) {
            out.push(b'"');
            // Each quote doubled; the text between quotes copied whole (reason lists are
            // hundreds of bytes of JSON, full of quotes).
            let mut rest = b;
            while let Some(q) = memchr::memchr(b'"', rest) {
                out.extend_from_slice(&rest[..=q]);
                out.push(b'"');
                rest = &rest[q + 1..];
            }
            out.extend_from_slice(rest);
            out.push(b'"');
        } else {
            out.extend_from_slice(b);
        }
    }
    if out.len() == start {
        // A row of one empty field is written as "" (csv-core does, so the row is not lost).
        out.extend_from_slice(b"\"\"");
    }
    out.push(b'\n');
}

/// What a value was, as far as a cell cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Digits, sign, point, exponent: never defused nor quoted.
    Number,
    /// `True` or `False`: nothing to defuse or quote.
    Bool,
    Other,
}

/// The record itself: a struct or map whose fields become cells.
struct Top<'a>(&'a mut Cells);

/// A value written as cell text.
struct Text<'a>(&'a mut Cells);

impl<'a> ser::Serializer for Top<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Impossible<(), Unsupported>;
    type SerializeTuple = Impossible<(), Unsupported>;
    type SerializeTupleStruct = Impossible<(), Unsupported>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = TopMap<'a>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    unsupported! {
        serialize_some<T>(&T) -> ();
        serialize_newtype_variant<T>(&'static str, u32, &'static str, &T) -> ();
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<()> {
        v.serialize(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<TopMap<'a>> {
        Ok(TopMap(self.0, None))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self> {
        Ok(self)
    }
}

impl ser::SerializeStruct for Top<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<()> {
        self.0.push(Name::Field(key), v)
    }
    fn end(self) -> Result<()> {
        Ok(())
    }
}

struct TopMap<'a>(&'a mut Cells, Option<String>);

impl ser::SerializeMap for TopMap<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.1 = Some(key.serialize(KeyText)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        let key = self.1.take().ok_or(Unsupported)?;
        self.0.push(Name::Key(key), v)
    }
    fn end(self) -> Result<()> {
        Ok(())
    }
}

/// A map key: only strings (anything else is left to serde_json's rules).
struct KeyText;

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = Unsupported;
    type SerializeSeq = Impossible<String, Unsupported>;
    type SerializeTuple = Impossible<String, Unsupported>;
    type SerializeTupleStruct = Impossible<String, Unsupported>;
    type SerializeTupleVariant = Impossible<String, Unsupported>;
    type SerializeMap = Impossible<String, Unsupported>;
    type SerializeStruct = Impossible<String, Unsupported>;
    type SerializeStructVariant = Impossible<String, Unsupported>;

    unsupported! {
        serialize_some<T>(&T) -> String;
        serialize_newtype_variant<T>(&'static str, u32, &'static str, &T) -> String;
        serialize_bool(bool) -> String;
        serialize_i8(i8) -> String;
        serialize_i16(i16) -> String;
        serialize_i32(i32) -> String;
        serialize_i64(i64) -> String;
        serialize_u8(u8) -> String;
        serialize_u16(u16) -> String;
        serialize_u32(u32) -> String;
        serialize_u64(u64) -> String;
        serialize_f32(f32) -> String;
        serialize_f64(f64) -> String;
        serialize_char(char) -> String;
        serialize_bytes(&[u8]) -> String;
        serialize_none() -> String;
        serialize_unit() -> String;
        serialize_unit_struct(&'static str) -> String;
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_str(self, v: &str) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String> {
        v.serialize(self)
    }
}

impl<'a> ser::Serializer for Text<'a> {
    type Ok = Kind;
    type Error = Unsupported;
    type SerializeSeq = List<'a>;
    type SerializeTuple = List<'a>;
    type SerializeTupleStruct = List<'a>;
    type SerializeTupleVariant = List<'a>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Object<'a>;

    unsupported! {
        serialize_f32(f32) -> Kind;
        serialize_bytes(&[u8]) -> Kind;
        serialize_i128(i128) -> Kind;
        serialize_u128(u128) -> Kind;
    }

    fn serialize_bool(self, v: bool) -> Result<Kind> {
        self.0.text.push_str(if v { "True" } else { "False" });
        Ok(Kind::Bool)
    }
    fn serialize_i8(self, v: i8) -> Result<Kind> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Kind> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Kind> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<Kind> {
        use std::fmt::Write;
        let _ = write!(self.0.text, "{v}");
        Ok(Kind::Number)
    }
    fn serialize_u8(self, v: u8) -> Result<Kind> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Kind> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Kind> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<Kind> {
        use std::fmt::Write;
        let _ = write!(self.0.text, "{v}");
        Ok(Kind::Number)
    }
    fn serialize_f64(self, v: f64) -> Result<Kind> {
        // As serde_json::to_value: a finite float is a Number (printed by serde_json), any other
        // is null.
        match serde_json::Number::from_f64(v) {
            Some(n) => {
                use std::fmt::Write;
                let _ = write!(self.0.text, "{n}");
                Ok(Kind::Number)
            }
            None => Ok(Kind::Other),
        }
    }
    fn serialize_char(self, v: char) -> Result<Kind> {
        self.0.text.push(v);
        Ok(Kind::Other)
    }
    fn serialize_str(self, v: &str) -> Result<Kind> {
        self.0.text.push_str(v);
        Ok(Kind::Other)
    }
    fn serialize_none(self) -> Result<Kind> {
        Ok(Kind::Other)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Kind> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Kind> {
        Ok(Kind::Other)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Kind> {
        Ok(Kind::Other)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<Kind> {
        self.0.text.push_str(v);
        Ok(Kind::Other)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<Kind> {
        if name == SHARED_LIST {
            return identify(v, self);
        }
        v.serialize(self)
    }
    /// `{variant: value}`: an object of one value, whose text is the value's.
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        v: &T,
    ) -> Result<Kind> {
        v.serialize(Text(self.0))?;
        Ok(Kind::Other)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<List<'a>> {
        Ok(List(self.0, true))
    }
    fn serialize_tuple(self, _: usize) -> Result<List<'a>> {
        Ok(List(self.0, true))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<List<'a>> {
        Ok(List(self.0, true))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<List<'a>> {
        Ok(List(self.0, true))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Object<'a>> {
        Ok(Object::new(self.0))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'a>> {
        Ok(Object::new(self.0))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Object<'a>> {
        Ok(Object::new(self.0))
    }
}

/// A list: items joined with "; " (empty ones too).
struct List<'a>(&'a mut Cells, bool);

impl List<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        if !std::mem::replace(&mut self.1, false) {
            self.0.text.push_str("; ");
        }
        v.serialize(Text(self.0)).map(|_| ())
    }
}

macro_rules! list_impl {
    ($($tr:ident :: $f:ident),*) => {$(
        impl ser::$tr for List<'_> {
            type Ok = Kind;
            type Error = Unsupported;
            fn $f<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
                self.item(v)
            }
            fn end(self) -> Result<Kind> {
                Ok(Kind::Other)
            }
        }
    )*};
}
list_impl!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// An object: its non-empty values joined with " | ".
struct Object<'a> {
    cells: &'a mut Cells,
    any: bool,
}

impl<'a> Object<'a> {
    fn new(cells: &'a mut Cells) -> Self {
        Object { cells, any: false }
    }

    fn value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        let before = self.cells.text.len();
        if self.any {
            self.cells.text.push_str(" | ");
        }
        let start = self.cells.text.len();
        v.serialize(Text(self.cells))?;
        if self.cells.text.len() == start {
            self.cells.text.truncate(before);
        } else {
            self.any = true;
        }
        Ok(())
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = Kind;
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        // Keys are not part of the text; serde_json accepts string keys only (checked).
        key.serialize(KeyText).map(|_| ())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.value(v)
    }
    fn end(self) -> Result<Kind> {
        Ok(Kind::Other)
    }
}

impl ser::SerializeStruct for Object<'_> {
    type Ok = Kind;
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, v: &T) -> Result<()> {
        self.value(v)
    }
    fn end(self) -> Result<Kind> {
        Ok(Kind::Other)
    }
}

impl ser::SerializeStructVariant for Object<'_> {
    type Ok = Kind;
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, v: &T) -> Result<()> {
        self.value(v)
    }
    fn end(self) -> Result<Kind> {
        Ok(Kind::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use license_audit_model::{Cal, Reason, SharedList};
    use serde::Serialize;
    use serde_json::Value;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    enum Mode {
        Usage,
        #[allow(dead_code)]
        Access,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Sample {
        name: String,
        formula: String,
        negative: i64,
        float: f64,
        nan: f64,
        flag: bool,
        none: Option<String>,
        mode: Mode,
        list: Vec<String>,
        empty_items: Vec<String>,
        reasons: Vec<Reason>,
        shared: SharedList<Reason>,
        map: BTreeMap<String, Option<u16>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        quoted: String,
    }

    /// The cells the slow path (serde_json::Value + cell_text + defuse_formula) gives.
    fn slow(record: &impl Serialize) -> Vec<(String, String)> {
        let Value::Object(m) = serde_json::to_value(record).unwrap() else {
            panic!("object")
        };
        m.into_iter()
            .map(|(k, v)| {
                let text = match &v {
                    Value::Number(n) => n.to_string(),
                    v => super::super::text::defuse_formula(super::super::text::cell_text(v)),
                };
                (k, text)
            })
            .collect()
    }

    #[test]
    fn cells_match_the_value_path() {
        let reasons = vec![
            Reason::new(Cal::Standard, "User", "Enabled=True"),
            Reason::new(Cal::Enterprise, "ConferencingPolicy Tag:\"x\"", ""),
        ];
        let sample = Sample {
            name: "Alice, \"A\"".into(),
            formula: "=HYPERLINK(1)".into(),
            negative: -5,
            float: 1.5,
            nan: f64::NAN,
            flag: false,
            none: None,
            mode: Mode::Usage,
            list: vec!["-a".into(), "b".into()],
            empty_items: vec!["".into(), "x".into(), "".into()],
            reasons: reasons.clone(),
            shared: SharedList::new(reasons),
            map: [("a".to_string(), Some(2012)), ("b".to_string(), None)]
                .into_iter()
                .collect(),
            skipped: None,
            quoted: "line\nbreak".into(),
        };
        // Held twice, as a policy outcome's reasons are: worth remembering.
        let _outcome = sample.shared.clone();
        let mut cells = Cells::default();
        for _ in 0..2 {
            // The second time the shared list's cell comes from the cache.
            cells.fill(&sample).unwrap();
            let fast: Vec<(String, String)> = (0..cells.cells.len())
                .map(|i| {
                    (
                        cells.cells[i].0.as_str().to_string(),
                        cells.cell(i).to_string(),
                    )
                })
                .collect();
            assert_eq!(fast, slow(&sample));
        }
    }

    #[test]
    fn rows_are_quoted_like_the_csv_crate() {
        let fields = ["a", "b,c", "say \"hi\"", "x\ry", "", "é"];
        let mut fast = Vec::new();
        write_row(&mut fast, fields.iter().copied());
        let mut cw = csv::WriterBuilder::new().from_writer(Vec::new());
        cw.write_record(fields).unwrap();
        assert_eq!(fast, cw.into_inner().unwrap());
        let mut one_empty = Vec::new();
        write_row(&mut one_empty, [""]);
        let mut cw = csv::WriterBuilder::new().from_writer(Vec::new());
        cw.write_record([""]).unwrap();
        assert_eq!(one_empty, cw.into_inner().unwrap());
    }

    #[test]
    fn a_field_named_record_type_is_left_to_the_slow_path() {
        #[derive(Serialize)]
        struct Odd {
            #[serde(rename = "RecordType")]
            record_type: u8,
        }
        assert!(Cells::default().fill(&Odd { record_type: 1 }).is_err());
    }
}
