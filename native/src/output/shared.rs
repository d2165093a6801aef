//! Shared lists rendered once: the printers' side of [`crate::model::SHARED_LIST`]. A record
//! holds its reasons or findings as a [`crate::model::SharedList`]; 250,000 users who share a
//! policy outcome hold the very same list. The fast writers (`fastjson`, `csv_cells`) render such
//! a list the first time they meet it and copy that rendering for every later record holding it,
//! keyed by the list's identity (never by its content, never by an address that could be reused).

use serde::ser::{self, Impossible, Serialize};
use std::collections::HashMap;

use super::fallback::{unsupported, Result, Unsupported};

/// Renderings kept at most before the cache starts over (a few MB; real estates share a few
/// thousand lists).
const MAX_KEPT: usize = 16_384;

/// Renderings of shared lists, by identity.
pub struct Renderings<T>(HashMap<u64, T, foldhash::fast::RandomState>);

impl<T> Default for Renderings<T> {
    fn default() -> Self {
        Renderings(HashMap::default())
    }
}

impl<T> Renderings<T> {
    /// The rendering of list `id` (0: a list nobody shares, never kept).
    pub fn get(&self, id: u64) -> Option<&T> {
        if id == 0 {
            return None;
        }
        self.0.get(&id)
    }

    pub fn keep(&mut self, id: u64, rendering: T) {
        if id == 0 {
            return;
        }
        if self.0.len() >= MAX_KEPT {
            self.0.clear();
        }
        self.0.insert(id, rendering);
    }
}

/// What a printer does with a shared list's items once it knows the list's identity.
pub trait Visit {
    type Out;
    fn items<T: Serialize + ?Sized>(self, id: u64, items: &T) -> Result<Self::Out>;
}

/// The content a [`crate::model::SharedList`] serialises under [`crate::model::SHARED_LIST`],
/// taken apart: `visit` is given the list's identity and items.
pub fn identify<T: Serialize + ?Sized, V: Visit>(content: &T, visit: V) -> Result<V::Out> {
    content.serialize(Probe(visit))
}

/// Not human-readable, so the content serialises as `(identity, items)`.
struct Probe<V>(V);

struct Pair<V: Visit> {
    visit: Option<V>,
    id: Option<u64>,
    out: Option<V::Out>,
}

impl<V: Visit> ser::Serializer for Probe<V> {
    type Ok = V::Out;
    type Error = Unsupported;
    type SerializeSeq = Impossible<V::Out, Unsupported>;
    type SerializeTuple = Pair<V>;
    type SerializeTupleStruct = Impossible<V::Out, Unsupported>;
    type SerializeTupleVariant = Impossible<V::Out, Unsupported>;
    type SerializeMap = Impossible<V::Out, Unsupported>;
    type SerializeStruct = Impossible<V::Out, Unsupported>;
    type SerializeStructVariant = Impossible<V::Out, Unsupported>;

    fn is_human_readable(&self) -> bool {
        false
    }
    fn serialize_tuple(self, len: usize) -> Result<Pair<V>> {
        if len != 2 {
            return Err(Unsupported);
        }
        Ok(Pair {
            visit: Some(self.0),
            id: None,
            out: None,
        })
    }
    unsupported! {
        serialize_bool(bool) -> V::Out;
        serialize_i8(i8) -> V::Out;
        serialize_i16(i16) -> V::Out;
        serialize_i32(i32) -> V::Out;
        serialize_i64(i64) -> V::Out;
        serialize_u8(u8) -> V::Out;
        serialize_u16(u16) -> V::Out;
        serialize_u32(u32) -> V::Out;
        serialize_u64(u64) -> V::Out;
        serialize_f32(f32) -> V::Out;
        serialize_f64(f64) -> V::Out;
        serialize_char(char) -> V::Out;
        serialize_str(&str) -> V::Out;
        serialize_bytes(&[u8]) -> V::Out;
        serialize_none() -> V::Out;
        serialize_some<T>(&T) -> V::Out;
        serialize_unit() -> V::Out;
        serialize_unit_struct(&'static str) -> V::Out;
        serialize_unit_variant(&'static str, u32, &'static str) -> V::Out;
        serialize_newtype_struct<T>(&'static str, &T) -> V::Out;
        serialize_newtype_variant<T>(&'static str, u32, &'static str, &T) -> V::Out;
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

impl<V: Visit> ser::SerializeTuple for Pair<V> {
    type Ok = V::Out;
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        match self.id {
            None => self.id = Some(value.serialize(Identity)?),
            Some(id) => {
                let visit = self.visit.take().ok_or(Unsupported)?;
                self.out = Some(visit.items(id, value)?);
            }
        }
        Ok(())
    }
    fn end(self) -> Result<V::Out> {
        self.out.ok_or(Unsupported)
    }
}

/// The identity: a `u64`.
struct Identity;

impl ser::Serializer for Identity {
    type Ok = u64;
    type Error = Unsupported;
    type SerializeSeq = Impossible<u64, Unsupported>;
    type SerializeTuple = Impossible<u64, Unsupported>;
    type SerializeTupleStruct = Impossible<u64, Unsupported>;
    type SerializeTupleVariant = Impossible<u64, Unsupported>;
    type SerializeMap = Impossible<u64, Unsupported>;
    type SerializeStruct = Impossible<u64, Unsupported>;
    type SerializeStructVariant = Impossible<u64, Unsupported>;

    fn serialize_u64(self, v: u64) -> Result<u64> {
        Ok(v)
    }
    unsupported! {
        serialize_bool(bool) -> u64;
        serialize_i8(i8) -> u64;
        serialize_i16(i16) -> u64;
        serialize_i32(i32) -> u64;
        serialize_i64(i64) -> u64;
        serialize_u8(u8) -> u64;
        serialize_u16(u16) -> u64;
        serialize_u32(u32) -> u64;
        serialize_f32(f32) -> u64;
        serialize_f64(f64) -> u64;
        serialize_char(char) -> u64;
        serialize_str(&str) -> u64;
        serialize_bytes(&[u8]) -> u64;
        serialize_none() -> u64;
        serialize_some<T>(&T) -> u64;
        serialize_unit() -> u64;
        serialize_unit_struct(&'static str) -> u64;
        serialize_unit_variant(&'static str, u32, &'static str) -> u64;
        serialize_newtype_struct<T>(&'static str, &T) -> u64;
        serialize_newtype_variant<T>(&'static str, u32, &'static str, &T) -> u64;
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}
