//! The one in-memory shape every reader dialect produces: a PowerShell object as a property bag.
//!
//! JSON, CLIXML and CSV differ in how much type information survives export (CSV: none; JSON:
//! numbers and booleans; CLIXML: nearly all). Readers keep what the file says; the typed
//! accessors in [`super::record`] do the lenient conversions (`"True"` → true, enum integers →
//! names, the three date spellings) in one place.

use chrono::{DateTime, FixedOffset};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum PsValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A CLIXML `<DT>`: JSON and CSV dates arrive as strings and are parsed on access.
    Date(DateTime<FixedOffset>),
    /// Lists and objects are reference-counted: a CLIXML `<Ref>` is the same value as the object
    /// it points to, not a copy, so a file of nested references costs memory in proportion to its
    /// size (the reader also caps how many values one record may stand for).
    List(Arc<[PsValue]>),
    Object(Arc<PsObject>),
    /// A CSV cell holding a .NET type name instead of a value (`System.Object[]`): Export-Csv
    /// flattened a collection. Kept so the error surfaces only if the property is used.
    Flattened(String),
    /// A value PowerShell's console formatting cut short (`{a, b, c...}`, `Some text...`,
    /// `…`) in Format-List text: unknown, never a value. Kept so the error surfaces, naming the
    /// property, only if the property is used.
    Truncated(String),
}

/// A property name: the reader's own `&'static str` when the file spells it the same (no
/// allocation for the names a reader selects), else the file's text.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(std::borrow::Cow<'static, str>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0.into_owned()
    }

    /// The reader's own text, when the file spelled the name as the reader does.
    pub fn as_static(&self) -> Option<&'static str> {
        match self.0 {
            std::borrow::Cow::Borrowed(s) => Some(s),
            std::borrow::Cow::Owned(_) => None,
        }
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name(std::borrow::Cow::Owned(s))
    }
}

impl From<&'static str> for Name {
    fn from(s: &'static str) -> Name {
        Name(std::borrow::Cow::Borrowed(s))
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.into_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
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
    pub props: Vec<(Name, PsValue)>,
}

impl PsObject {
    /// Builds an object one property at a time; a name given twice (case-insensitively) keeps
    /// its first position and its last value. That is the rule for every dialect: JSON's
    /// `JSON.parse` and Json.NET keep the last value too.
    pub fn builder() -> PropsBuilder {
        PropsBuilder::default()
    }

    pub fn get(&self, name: &str) -> Option<&PsValue> {
        self.position(name).map(|i| &self.props[i].1)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut PsValue> {
        self.position(name).map(|i| &mut self.props[i].1)
    }

    /// Where `name` is, case-insensitively. Readers are called with the names they selected, so
    /// the same spelling (often the very same static text) is tried first: the case-insensitive
    /// comparison of every name runs only when that finds nothing.
    #[inline]
    fn position(&self, name: &str) -> Option<usize> {
        let same = |k: &Name| k.as_str() == name;
        self.props.iter().position(|(k, _)| same(k)).or_else(|| {
            self.props
                .iter()
                .position(|(k, _)| k.eq_ignore_ascii_case(name))
        })
    }

    pub fn insert(&mut self, name: impl Into<Name>, value: PsValue) {
        self.props.push((name.into(), value));
    }

    /// Sets a property: replaces the value of an existing one (case-insensitively), else appends.
    pub fn set(&mut self, name: impl Into<Name>, value: PsValue) {
        let name = name.into();
        match self
            .props
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(&name))
        {
            Some((_, v)) => *v = value,
            None => self.props.push((name, value)),
        }
    }
}

/// A name's bit in the 128-bit filter of names already set (see [`PropsBuilder`]): names
/// equal but for ASCII case share it.
#[inline(always)]
pub(crate) fn name_bit(b: &[u8]) -> u128 {
    // Length and five letters, case folded (`| 0x20` folds more than ASCII case, which only
    // adds collisions), mixed by one multiplication; the top 7 bits pick one of 128.
    let n = b.len();
    let at = |i: usize| u64::from(b.get(i).map_or(0, |c| c | 0x20));
    let x = n as u64
        | at(0) << 8
        | at(1) << 16
        | at(n / 2) << 24
        | at(n.wrapping_sub(2)) << 32
        | at(n.wrapping_sub(1)) << 40;
    1u128 << (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 57)
}

/// How many properties an object may have before the names already set are kept in a map:
/// below it a repeated filter bit costs one scan of a few names; above it (a hostile record of
/// 300,000 columns) a scan per property would make the record quadratic in its width.
pub(crate) const WIDE_RECORD: usize = 64;

/// The names already set on an object being built: a 128-bit filter of each name's length and
/// a few of its letters (see [`name_bit`]), and, once the object is wider than [`WIDE_RECORD`]
/// and a name hits the filter, a map from the ASCII-folded name to its place.
#[derive(Default)]
pub(crate) struct Seen {
    bits: u128,
    index: Option<std::collections::HashMap<Box<[u8]>, usize>>,
}

fn folded(name: &str) -> Box<[u8]> {
    name.as_bytes().to_ascii_lowercase().into_boxed_slice()
}

impl Seen {
    /// Where a name equal to `name` (ASCII case folded) already is among `props`, if anywhere.
    /// Linear in the names only for an object narrower than [`WIDE_RECORD`].
    #[inline]
    pub(crate) fn find(&mut self, props: &[(Name, PsValue)], name: &str) -> Option<usize> {
        if let Some(index) = &self.index {
            return index.get(&*folded(name)).copied();
        }
        let bit = name_bit(name.as_bytes());
        if self.bits & bit == 0 {
            return None;
        }
        if props.len() < WIDE_RECORD {
            return props.iter().position(|(k, _)| k.eq_ignore_ascii_case(name));
        }
        let mut index = std::collections::HashMap::with_capacity(props.len() * 2);
        for (i, (k, _)) in props.iter().enumerate() {
            index.entry(folded(k)).or_insert(i);
        }
        let at = index.get(&*folded(name)).copied();
        self.index = Some(index);
        at
    }

    /// `name` is now at place `at`.
    #[inline]
    pub(crate) fn note(&mut self, name: &str, at: usize) {
        match &mut self.index {
            Some(index) => {
                index.insert(folded(name), at);
            }
            None => self.bits |= name_bit(name.as_bytes()),
        }
    }
}

/// [`PsObject::set`] with the names already set kept in `seen` (see [`Seen`]): no scan per
/// property, however wide the object.
#[inline(always)]
pub(crate) fn set_unique(obj: &mut PsObject, seen: &mut Seen, name: Name, value: PsValue) {
    match seen.find(&obj.props, &name) {
        Some(i) => obj.props[i].1 = value,
        None => {
            seen.note(&name, obj.props.len());
            obj.props.push((name, value));
        }
    }
}

/// [`PsObject::set`] for objects built property by property, without a scan per property (see
/// [`Seen`]).
#[derive(Default)]
pub struct PropsBuilder {
    obj: PsObject,
    seen: Seen,
}

impl PropsBuilder {
    #[inline]
    pub fn set(&mut self, name: impl Into<Name>, value: PsValue) {
        set_unique(&mut self.obj, &mut self.seen, name.into(), value);
    }

    /// Whether a property of this name (ASCII case folded) is set already.
    pub fn contains(&mut self, name: &str) -> bool {
        self.seen.find(&self.obj.props, name).is_some()
    }

    pub fn obj_mut(&mut self) -> &mut PsObject {
        &mut self.obj
    }

    pub fn finish(self) -> PsObject {
        self.obj
    }
}

impl PsValue {
    pub fn list(items: Vec<PsValue>) -> PsValue {
        PsValue::List(items.into())
    }

    pub fn object(obj: PsObject) -> PsValue {
        PsValue::Object(Arc::new(obj))
    }

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
            PsValue::Truncated(_) => "a value cut short by Format-List",
        }
    }

    /// Null, or a blank string (what Export-Csv writes for null and Get-CsUser shows for an
    /// inherited policy).
    pub fn is_blank(&self) -> bool {
        match self {
            PsValue::Null => true,
            PsValue::Str(s) => is_blank_text(s),
            _ => false,
        }
    }
}

/// Whether text is empty or white space only (as `trim` sees it): what every reader takes for
/// a missing value. Answered from the first byte for the usual text, which starts with a visible
/// ASCII character (it runs for nearly every value of every record).
#[inline]
pub fn is_blank_text(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(&b) if b.is_ascii() && !matches!(b, b' ' | b'\t'..=b'\r') => false,
        _ => s.trim().is_empty(),
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
        Ok(PsValue::list(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PsValue, A::Error> {
        let mut obj = PsObject::default();
        let mut seen = Seen::default();
        while let Some((k, v)) = map.next_entry::<String, PsValue>()? {
            set_unique(&mut obj, &mut seen, k.into(), v);
        }
        Ok(PsValue::object(obj))
    }
}

/// The properties a reader keeps (case-insensitively), found by a small open-addressing table
/// keyed by a hash of a name's length and three of its letters, case folded, so most other
/// names are turned away by one probe of an empty slot and the rest by a length comparison.
/// `value` and `Count` are always kept so the Windows PowerShell 5.1 array wrapper still
/// unwraps.
#[derive(Debug, Clone)]
pub struct Selection {
    names: &'static [&'static str],
    /// Index + 1 into `names` (`names.len()` and `names.len() + 1`: `value`, `Count`); 0 empty.
    /// At most a quarter full, its length a power of two.
    table: Box<[u32]>,
}

const WRAPPER_NAMES: [&str; 2] = ["value", "Count"];

impl Selection {
    pub fn new(names: &'static [&'static str]) -> Selection {
        let all = names.len() + WRAPPER_NAMES.len();
        let mut table = vec![0u32; (all * 4).next_power_of_two()].into_boxed_slice();
        let mask = table.len() - 1;
        for (i, n) in names.iter().chain(&WRAPPER_NAMES).enumerate() {
            let mut s = Self::slot(n.as_bytes()) & mask;
            while table[s] != 0 {
                s = (s + 1) & mask;
            }
            table[s] = (i + 1) as u32;
        }
        Selection { names, table }
    }

    pub fn names(&self) -> &'static [&'static str] {
        self.names
    }

    /// Names equal but for ASCII case share a slot (`| 0x20` maps both cases of a letter to
    /// one byte, and any other byte to itself or to a byte no other spelling reaches).
    #[inline(always)]
    fn slot(k: &[u8]) -> usize {
        let n = k.len();
        let at = |i: usize| usize::from(k.get(i).map_or(0, |c| c | 0x20));
        let x = n ^ at(0) << 5 ^ at(n.wrapping_sub(1)) << 11 ^ at(n / 2) << 17;
        x.wrapping_mul(0x9E37_79B9) >> 12
    }

    /// Where the wanted name `k` spells (case-insensitively) is in [`Selection::names`]; `None`
    /// for a name not wanted, and for `value` and `Count`.
    #[inline]
    pub fn index(&self, k: &[u8]) -> Option<usize> {
        self.probe(k).filter(|&i| i < self.names.len())
    }

    /// The wanted name `k` spells, case-insensitively; `Some("")` for `value` and `Count`.
    #[inline]
    pub(crate) fn find(&self, k: &[u8]) -> Option<&'static str> {
        let i = self.probe(k)?;
        Some(self.names.get(i).copied().unwrap_or(""))
    }

    /// The position of the name `k` spells among the names and then the wrapper names.
    #[inline]
    fn probe(&self, k: &[u8]) -> Option<usize> {
        let mask = self.table.len() - 1;
        let mut s = Self::slot(k) & mask;
        loop {
            let i = (*self.table.get(s)? as usize).checked_sub(1)?;
            let name = match self.names.get(i) {
                Some(n) => *n,
                None => WRAPPER_NAMES.get(i - self.names.len())?,
            };
            if name.len() == k.len()
                && (name.as_bytes() == k || name.as_bytes().eq_ignore_ascii_case(k))
            {
                return Some(i);
            }
            s = (s + 1) & mask;
        }
    }
}

/// Deserialises a record keeping only the [`Selection`]'s properties, skipping the rest
/// without allocating: a full Get-CsUser export has ~45 properties and the audit reads ~12.
pub struct Selected<'a>(pub &'a Selection);

impl<'de> de::DeserializeSeed<'de> for Selected<'_> {
    type Value = PsValue;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<PsValue, D::Error> {
        d.deserialize_any(SelectedVisitor(self.0))
    }
}

struct SelectedVisitor<'a>(&'a Selection);

/// A property name as raw bytes, borrowed from the input when it has no escapes. Read as bytes
/// so the names a record is not asked for (most of a wide export) are never UTF-8-checked; a
/// wanted name is checked when it becomes a `String`.
struct Key<'a>(std::borrow::Cow<'a, [u8]>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_bytes<E>(self, v: &'de [u8]) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v.as_bytes())))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.as_bytes().to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.into_bytes())))
            }
        }
        d.deserialize_bytes(V)
    }
}

impl<'de> Visitor<'de> for SelectedVisitor<'_> {
    type Value = PsValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PsValue, A::Error> {
        // Room for the wanted properties up front (most records have most of them).
        let mut obj = PsObject {
            props: Vec::with_capacity(self.0.names.len().min(16)),
            ..PsObject::default()
        };
        let mut seen = Seen::default();
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            if let Some(wanted) = self.0.find(&k) {
                let name = if !wanted.is_empty() && wanted.as_bytes() == &*k {
                    Name::from(wanted)
                } else {
                    Name::from(
                        String::from_utf8(k.into_owned())
                            .map_err(|_| de::Error::custom("a property name is not valid UTF-8"))?,
                    )
                };
                let v = map.next_value::<PsValue>()?;
                set_unique(&mut obj, &mut seen, name, v);
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(PsValue::object(obj))
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
