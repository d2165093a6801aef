//! The one in-memory shape every reader dialect produces: a PowerShell object as a property bag.
//!
//! JSON, CLIXML and CSV differ in how much type information survives export (CSV: none; JSON:
//! numbers and booleans; CLIXML: nearly all). Readers keep what the file says; the typed
//! accessors in [`super::record`] do the lenient conversions (`"True"` → true, enum integers →
//! names, the three date spellings) in one place.

use chrono::{DateTime, FixedOffset};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum PsValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A CLIXML `<DT>`: JSON and CSV dates arrive as strings and are parsed on access.
    Date(DateTime<FixedOffset>),
    List(Vec<PsValue>),
    Object(Box<PsObject>),
    /// A CSV cell holding a .NET type name instead of a value (`System.Object[]`): Export-Csv
    /// flattened a collection. Kept so the error surfaces only if the property is used.
    Flattened(String),
}

/// A PowerShell object: ordered properties with case-insensitive lookup, plus the type names
/// and `ToString()` text CLIXML records (the latter is how serialised policy identities and
/// enums read back).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PsObject {
    pub type_names: Vec<String>,
    pub to_string: Option<String>,
    /// The primitive a CLIXML `<Obj>` wraps (an enum's underlying integer).
    pub base: Option<Box<PsValue>>,
    pub props: Vec<(String, PsValue)>,
}

impl PsObject {
    pub fn get(&self, name: &str) -> Option<&PsValue> {
        self.props
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    pub fn insert(&mut self, name: String, value: PsValue) {
        self.props.push((name, value));
    }
}

impl PsValue {
    pub fn kind(&self) -> &'static str {
        match self {
            PsValue::Null => "null",
            PsValue::Bool(_) => "a boolean",
            PsValue::Int(_) => "an integer",
            PsValue::Float(_) => "a number",
            PsValue::Str(_) => "a string",
            PsValue::Date(_) => "a date",
            PsValue::List(_) => "a list",
            PsValue::Object(_) => "an object",
            PsValue::Flattened(_) => "a flattened collection",
        }
    }

    /// Null, or a blank string (what Export-Csv writes for null and Get-CsUser shows for an
    /// inherited policy).
    pub fn is_blank(&self) -> bool {
        match self {
            PsValue::Null => true,
            PsValue::Str(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

impl<'de> Deserialize<'de> for PsValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PsValueVisitor)
    }
}

struct PsValueVisitor;

impl<'de> Visitor<'de> for PsValueVisitor {
    type Value = PsValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<PsValue, E> {
        Ok(PsValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<PsValue, E> {
        Ok(PsValue::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<PsValue, E> {
        Ok(i64::try_from(v).map_or(PsValue::Float(v as f64), PsValue::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<PsValue, E> {
        Ok(PsValue::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<PsValue, E> {
        Ok(PsValue::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<PsValue, E> {
        Ok(PsValue::Str(v))
    }
    fn visit_unit<E>(self) -> Result<PsValue, E> {
        Ok(PsValue::Null)
    }
    fn visit_none<E>(self) -> Result<PsValue, E> {
        Ok(PsValue::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PsValue, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element()? {
            items.push(v);
        }
        Ok(PsValue::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PsValue, A::Error> {
        let mut obj = PsObject::default();
        while let Some((k, v)) = map.next_entry::<String, PsValue>()? {
            obj.props.push((k, v));
        }
        Ok(PsValue::Object(Box::new(obj)))
    }
}

/// Deserialises a record keeping only the named properties (case-insensitively), skipping the
/// rest without allocating: a full Get-CsUser export has ~45 properties and the audit reads ~12.
/// `value` and `Count` are always kept so the Windows PowerShell 5.1 array wrapper still unwraps.
pub struct Selected(pub &'static [&'static str]);

impl<'de> de::DeserializeSeed<'de> for Selected {
    type Value = PsValue;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<PsValue, D::Error> {
        d.deserialize_any(SelectedVisitor(self.0))
    }
}

struct SelectedVisitor(&'static [&'static str]);

/// A property name, borrowed from the input when it has no escapes.
struct Key<'a>(std::borrow::Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Visitor<'de> for SelectedVisitor {
    type Value = PsValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PsValue, A::Error> {
        let mut obj = PsObject::default();
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            let wanted = k.eq_ignore_ascii_case("value")
                || k.eq_ignore_ascii_case("Count")
                || self.0.iter().any(|n| n.eq_ignore_ascii_case(&k));
            if wanted {
                let v = map.next_value::<PsValue>()?;
                obj.props.push((k.into_owned(), v));
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(PsValue::Object(Box::new(obj)))
    }
    // Anything but an object is read whole (and then refused as a record by the reader).
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<PsValue, E> {
        PsValueVisitor.visit_bool(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<PsValue, E> {
        PsValueVisitor.visit_i64(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<PsValue, E> {
        PsValueVisitor.visit_u64(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<PsValue, E> {
        PsValueVisitor.visit_f64(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<PsValue, E> {
        PsValueVisitor.visit_str(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<PsValue, E> {
        PsValueVisitor.visit_unit()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<PsValue, A::Error> {
        PsValueVisitor.visit_seq(seq)
    }
}
