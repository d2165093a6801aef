//! Compact JSON for output records, byte for byte what `serde_json::to_writer` writes, but with
//! strings that need no escaping (nearly all of them: names, addresses, policy identities)
//! copied eight bytes at a time instead of through serde_json's byte-by-byte escape table.
//!
//! The structure (`{`, `:`, `,`, `[`) is written here; every scalar that is not a string, and
//! every string that does need escaping, is written by serde_json itself, so numbers, escapes
//! and the rest cannot differ. Anything unusual (a map key that is not a string, an error from
//! a `Serialize` impl) makes [`write`] fail, and the caller writes the record with serde_json,
//! which then decides (and words any error).

use serde::ser::{self, Serialize};

use super::fallback::unsupported;
pub use super::fallback::Unsupported;
use super::shared::{identify, Renderings, Visit};
use crate::model::SHARED_LIST;

/// Shared lists' JSON, by identity (see `output::shared`).
pub type SharedJson = Renderings<Box<[u8]>>;

/// Appends `value` as compact JSON to `out`; on `Err`, `out` holds part of it. A shared list
/// rendered before (kept in `shared`) is copied.
pub fn write<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    shared: &mut SharedJson,
    value: &T,
) -> Result<(), Unsupported> {
    value.serialize(&mut Ser { out, shared })
}

struct Ser<'a> {
    out: &'a mut Vec<u8>,
    shared: &'a mut SharedJson,
}

/// A shared list's items: copied when rendered before, else rendered and kept.
impl Visit for &mut Ser<'_> {
    type Out = ();
    fn items<T: Serialize + ?Sized>(self, id: u64, items: &T) -> Result<(), Unsupported> {
        if let Some(json) = self.shared.get(id) {
            self.out.extend_from_slice(json);
            return Ok(());
        }
        let start = self.out.len();
        items.serialize(&mut *self)?;
        let json = self.out[start..].into();
        self.shared.keep(id, json);
        Ok(())
    }
}

impl Ser<'_> {
    /// A scalar, written by serde_json.
    fn leaf<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        serde_json::to_writer(&mut *self.out, v).map_err(|_| Unsupported)
    }

    #[inline]
    fn string(&mut self, s: &str) -> Result<(), Unsupported> {
        crate::model::json_text::write_str(self.out, s);
        Ok(())
    }
}

/// A sequence, map or struct being written: whether an element has been written (for commas),
/// and what closes it.
pub struct Compound<'s, 'a> {
    ser: &'s mut Ser<'a>,
    first: bool,
    /// Bytes that close it: `]`, `}`, or `]}` / `}}` for enum variants.
    close: &'static [u8],
}

impl Compound<'_, '_> {
    fn comma(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.ser.out.push(b',');
        }
    }

    fn end(self) -> Result<(), Unsupported> {
        self.ser.out.extend_from_slice(self.close);
        Ok(())
    }

    /// A struct field's `,"Key":` in one reservation and copy (a key needing escapes, which no
    /// record has, is written by serde_json). Inlined, so a field's key is a constant.
    #[inline(always)]
    fn key(&mut self, key: &str) -> Result<(), Unsupported> {
        if crate::model::json_text::needs_escape(key.as_bytes()) {
            self.comma();
            self.ser.string(key)?;
            self.ser.out.push(b':');
            return Ok(());
        }
        self.ser.out.reserve(key.len() + 4);
        self.comma();
        let out = &mut *self.ser.out;
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":");
        Ok(())
    }
}

impl<'s, 'a> Ser<'a> {
    /// serde_json writes an empty sequence or map whole when its length is known to be 0.
    fn open(&'s mut self, open: &[u8], close: &'static [u8], empty: bool) -> Compound<'s, 'a> {
        self.out.extend_from_slice(open);
        if empty {
            self.out.extend_from_slice(close);
        }
        Compound {
            ser: self,
            first: true,
            close: if empty { &[] } else { close },
        }
    }

    fn variant_open(
        &'s mut self,
        variant: &str,
        open: &[u8],
        close: &'static [u8],
    ) -> Result<Compound<'s, 'a>, Unsupported> {
        self.out.push(b'{');
        self.string(variant)?;
        self.out.push(b':');
        Ok(self.open(open, close, false))
    }
}

impl<'s, 'a> ser::Serializer for &'s mut Ser<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'s, 'a>;
    type SerializeTuple = Compound<'s, 'a>;
    type SerializeTupleStruct = Compound<'s, 'a>;
    type SerializeTupleVariant = Compound<'s, 'a>;
    type SerializeMap = Compound<'s, 'a>;
    type SerializeStruct = Compound<'s, 'a>;
    type SerializeStructVariant = Compound<'s, 'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Unsupported> {
        self.leaf(&v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Unsupported> {
        self.leaf(&v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Unsupported> {
        self.leaf(&v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Unsupported> {
        self.leaf(&v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Unsupported> {
        self.leaf(&v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Unsupported> {
        self.leaf(&v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Unsupported> {
        self.leaf(&v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Unsupported> {
        self.leaf(&v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Unsupported> {
        self.leaf(&v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Unsupported> {
        self.leaf(&v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Unsupported> {
        self.leaf(&v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Unsupported> {
        self.leaf(&v)
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.leaf(&v)
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.string(v)
    }
    /// Dates and other `Display` values are formatted straight into the output (serde's default
    /// builds a `String` first); the rare text that needs escaping is then written again by
    /// serde_json.
    fn collect_str<T: ?Sized + std::fmt::Display>(self, value: &T) -> Result<(), Unsupported> {
        use std::io::Write;
        let start = self.out.len();
        self.out.push(b'"');
        write!(self.out, "{value}").map_err(|_| Unsupported)?;
        if crate::model::json_text::needs_escape(&self.out[start + 1..]) {
            let text =
                String::from_utf8(self.out[start + 1..].to_vec()).map_err(|_| Unsupported)?;
            self.out.truncate(start);
            return self.string(&text);
        }
        self.out.push(b'"');
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Unsupported> {
        self.leaf(v)
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Unsupported> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        if name == SHARED_LIST {
            return identify(value, self);
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.out.push(b'{');
        self.string(variant)?;
        self.out.push(b':');
        value.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'s, 'a>, Unsupported> {
        Ok(self.open(b"[", b"]", len == Some(0)))
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'s, 'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'s, 'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'s, 'a>, Unsupported> {
        self.variant_open(variant, b"[", b"]}")
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'s, 'a>, Unsupported> {
        Ok(self.open(b"{", b"}", len == Some(0)))
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'s, 'a>, Unsupported> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'s, 'a>, Unsupported> {
        self.variant_open(variant, b"{", b"}}")
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.comma();
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), Unsupported> {
        Compound::end(self)
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Unsupported> {
        Compound::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Unsupported> {
        Compound::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Unsupported> {
        Compound::end(self)
    }
}

/// A map key: only strings are written here (serde_json quotes numbers and more, left to it).
struct KeySer<'s, 'a>(&'s mut Ser<'a>);

impl ser::Serializer for KeySer<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = ser::Impossible<(), Unsupported>;
    type SerializeTuple = ser::Impossible<(), Unsupported>;
    type SerializeTupleStruct = ser::Impossible<(), Unsupported>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = ser::Impossible<(), Unsupported>;
    type SerializeStruct = ser::Impossible<(), Unsupported>;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.0.string(v)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.0.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    unsupported! {
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
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_some<T>(&T) -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_newtype_variant<T>(&'static str, u32, &'static str, &T) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        self.comma();
        key.serialize(KeySer(&mut *self.ser))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.ser.out.push(b':');
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), Unsupported> {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    #[inline]
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.key(key)?;
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), Unsupported> {
        Compound::end(self)
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.key(key)?;
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), Unsupported> {
        Compound::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn same<T: Serialize>(v: &T) {
        let mut fast = Vec::new();
        write(&mut fast, &mut SharedJson::default(), v).unwrap();
        assert_eq!(
            String::from_utf8(fast).unwrap(),
            serde_json::to_string(v).unwrap()
        );
    }

    #[derive(Serialize)]
    enum E {
        Unit,
        New(u8),
        Tuple(u8, String),
        Struct { a: Option<f64> },
    }

    #[derive(Serialize)]
    struct S {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        list: Vec<E>,
        empty: Vec<u8>,
        map: BTreeMap<String, i64>,
        empty_map: BTreeMap<String, i64>,
        shared: crate::model::SharedList<E>,
        tuple: (u8, bool, ()),
        f: f64,
        c: char,
        bytes: &'static [u8],
    }

    #[test]
    fn writes_what_serde_json_writes() {
        same(&S {
            name: "tab\there \"quoted\" \\ é \u{1}".into(),
            skipped: None,
            list: vec![
                E::Unit,
                E::New(3),
                E::Tuple(1, "x".into()),
                E::Struct { a: Some(1.5e300) },
                E::Struct { a: None },
            ],
            empty: vec![],
            map: [("k\n".to_string(), -1), ("plain".to_string(), i64::MAX)].into(),
            empty_map: BTreeMap::new(),
            shared: vec![E::Unit, E::New(1)].into(),
            tuple: (7, false, ()),
            f: -0.1,
            c: '"',
            bytes: b"ab",
        });
        same(&json!({"a": [1, 2.5, null, {"b": "c"}], "": {}, "n": []}));
        same(&"0123456789abcdef\u{7f}");
        same(&Some(E::Unit));
    }

    /// `Display` values (dates above all) are formatted into the output directly.
    #[test]
    fn display_values_are_written_as_serde_json_writes_them() {
        struct Shown(&'static str);
        impl std::fmt::Display for Shown {
            fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        impl Serialize for Shown {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        let date = chrono::DateTime::parse_from_rfc3339("2026-11-01T07:12:44.5+01:00").unwrap();
        same(&vec![date.with_timezone(&chrono::Utc)]);
        same(&json!({"at": date}));
        for text in [
            "plain",
            "",
            "with \"quotes\" and \\",
            "line\nbreak \u{1}",
            "é ✓",
        ] {
            same(&[Shown(text), Shown("after")]);
        }
    }

    #[test]
    fn keys_that_are_not_strings_are_left_to_serde_json() {
        let m: BTreeMap<u8, u8> = [(1, 2)].into();
        assert!(write(&mut Vec::new(), &mut SharedJson::default(), &m).is_err());
    }

    /// A shared list is rendered once and copied for every later value holding it; another list
    /// with other items (however alike) is rendered on its own.
    #[test]
    fn shared_lists_are_rendered_once_by_identity() {
        use crate::model::SharedList;
        let a: SharedList<String> = vec!["x \"1\"".to_string(), "é".into()].into();
        let b: SharedList<String> = vec!["y".to_string()].into();
        let lone: SharedList<String> = vec!["z".to_string()].into();
        let mut shared = SharedJson::default();
        let mut out = Vec::new();
        for v in [&a, &b, &a.clone(), &b.clone(), &lone] {
            out.clear();
            write(&mut out, &mut shared, &(v, v)).unwrap();
            assert_eq!(out, serde_json::to_vec(&(v, v)).unwrap());
        }
        let copy = a.clone();
        assert_ne!(copy.identity(), 0);
        assert_eq!(
            shared.get(copy.identity()).map(|j| j.to_vec()),
            Some(serde_json::to_vec(&*a).unwrap())
        );
        assert_eq!(lone.identity(), 0, "held once: not worth remembering");
    }
}
