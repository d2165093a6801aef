//! A fast path for the JSON records a reader keeps only some properties of: one pass over the
//! record's bytes that compares each property name against the [`Selection`] without
//! allocating, skips the values it is not asked for, and builds only the wanted ones.
//!
//! It answers only when it is sure to give what serde_json with [`super::value::Selected`]
//! gives: any input it does not fully understand (escapes in names, numbers other than plain
//! integers, lone surrogates, deep nesting, anything serde_json might refuse) makes it return
//! `None`, and the caller parses the record the ordinary way, which also words any error. Its
//! checks are at least as strict as serde_json's (a value it skips is validated the way
//! serde_json validates an ignored value), so it never accepts what serde_json refuses.
//! [`agrees`] checks that claim on any input (the fuzz harness and tests call it).

use super::value::{name_bit, set_unique, Name, PsObject, PsValue, Seen, Selection};

/// Nesting the fast path follows before leaving the record to serde_json (whose own limit is
/// 128).
const MAX_DEPTH: u32 = 64;

use license_audit_model::json_text::special_bytes as special;

/// From `i` (just after an opening quote): the index of the closing quote and whether the
/// string holds escapes. `None` for a control character, a bad escape or no end.
#[inline]
fn string_end(b: &[u8], mut i: usize) -> Option<(usize, bool)> {
    let mut escaped = false;
    loop {
        // Eight bytes at a time to the next quote, backslash or control character.
        let rest = b.get(i..)?;
        let mut step = 0;
        for chunk in rest.chunks_exact(8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let m = special(u64::from_le_bytes(word));
            if m != 0 {
                step += (m.trailing_zeros() / 8) as usize;
                break;
            }
            step += 8;
        }
        i += step;
        match *b.get(i)? {
            b'"' => return Some((i, escaped)),
            b'\\' => {
                escaped = true;
                match *b.get(i + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                    b'u' => {
                        hex4(b.get(i + 2..i + 6)?)?;
                        i += 6;
                    }
                    _ => return None,
                }
            }
            c if c < 0x20 => return None,
            _ => i += 1,
        }
    }
}

/// The property names of the last record read, in order, with whether each is selected:
/// exports write every record with the same names in the same order, so each name of the next
/// record is confirmed by one comparison of bytes instead of being scanned and looked up.
#[derive(Debug, Default)]
pub(crate) struct Shape {
    /// Each name's bytes followed by its closing quote, one after another.
    bytes: Vec<u8>,
    /// Where each name ends in `bytes`, whether it is selected (with the selection's own
    /// spelling when the file's is the same), and its bit in the filter of names already set
    /// (worked out once, not for every record).
    names: Vec<(usize, Selected, u128)>,
}

#[derive(Debug, Clone, Copy)]
enum Selected {
    No,
    /// Selected, spelled as the reader spells it.
    As(&'static str),
    /// Selected, spelled otherwise (another case, or `value` / `Count`).
    Yes,
}

impl Shape {
    /// Whether name `j` is cached and `rest` starts with it (and its closing quote): then its
    /// length, whether it is selected, and its filter bit.
    #[inline(always)]
    fn known(&self, j: usize, rest: &[u8]) -> Option<(usize, Selected, u128)> {
        let start = match j {
            0 => 0,
            _ => self.names.get(j - 1)?.0,
        };
        let &(end, selected, bit) = self.names.get(j)?;
        let name = self.bytes.get(start..end)?;
        if starts_with_short(rest, name) {
            Some((name.len() - 1, selected, bit))
        } else {
            None
        }
    }

    /// Name `j` is `name` (without escapes, as scanned): what follows it is forgotten. Gives
    /// its filter bit.
    fn learn(&mut self, j: usize, name: &[u8], selected: Selected) -> u128 {
        self.names.truncate(j);
        let start = self.names.last().map_or(0, |n| n.0);
        self.bytes.truncate(start);
        self.bytes.extend_from_slice(name);
        self.bytes.push(b'"');
        let bit = name_bit(name);
        self.names.push((self.bytes.len(), selected, bit));
        bit
    }
}

/// `rest.starts_with(name)` for the short texts property names are: names of 8 to 32 bytes
/// (nearly all of PowerShell's) compared as two to four overlapping words in place, not by a
/// call to memcmp, which took a tenth of the reading.
#[inline(always)]
fn starts_with_short(rest: &[u8], name: &[u8]) -> bool {
    let n = name.len();
    match (rest.get(..n), n) {
        (None, _) => false,
        (Some(have), 8..=32) => {
            let word = |b: &[u8], at: usize| {
                let mut w = [0u8; 8];
                w.copy_from_slice(&b[at..at + 8]);
                u64::from_le_bytes(w)
            };
            let same = |at: usize| word(have, at) == word(name, at);
            same(0) && same(n - 8) && (n <= 16 || (same(8) && same(16.min(n - 8))))
        }
        (Some(have), _) => have == name,
    }
}

fn hex4(h: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &c in h {
        v = v << 4 | char::from(c).to_digit(16)?;
    }
    Some(v)
}

/// The text of a string with escapes (`s` is between the quotes and well-formed, as
/// [`string_end`] found it); `None` for a surrogate escape.
fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    unescape_into(s, &mut out)?;
    Some(out)
}

/// [`unescape`] appending to `out`.
fn unescape_into(s: &str, out: &mut String) -> Option<()> {
    let mut rest = s;
    while let Some(off) = memchr::memchr(b'\\', rest.as_bytes()) {
        out.push_str(&rest[..off]);
        let b = rest.as_bytes();
        let c = match *b.get(off + 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let c = char::from_u32(hex4(b.get(off + 2..off + 6)?)?)?;
                rest = rest.get(off + 6..)?;
                out.push(c);
                continue;
            }
            _ => return None,
        };
        out.push(c);
        rest = rest.get(off + 2..)?;
    }
    out.push_str(rest);
    Some(())
}

struct Parser<'a> {
    b: &'a [u8],
    /// `b`, checked once to be UTF-8, so strings are sliced out of it without checking each.
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    /// Skips JSON white space and returns the next byte.
    #[inline(always)]
    fn peek(&mut self) -> Option<u8> {
        loop {
            let c = *self.b.get(self.i)?;
            if !matches!(c, b' ' | b'\n' | b'\t' | b'\r') {
                return Some(c);
            }
            self.i += 1;
        }
    }

    #[inline(always)]
    fn eat(&mut self, want: u8) -> Option<()> {
        if self.peek()? == want {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    /// A string whose opening quote is at `self.i`: its bytes between the quotes.
    #[inline(always)]
    fn string(&mut self) -> Option<(usize, usize, bool)> {
        let start = self.i + 1;
        let (end, escaped) = string_end(self.b, start)?;
        self.i = end + 1;
        Some((start, end, escaped))
    }

    #[inline(always)]
    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let have = self.b.get(self.i..self.i + word.len())?;
        // Byte by byte: these are four or five bytes, shorter than a call to memcmp.
        if have.iter().zip(word).all(|(a, b)| a == b) {
            self.i += word.len();
            Some(())
        } else {
            None
        }
    }

    /// A JSON number at `self.i` (serde_json's grammar): its end, and whether it is a plain
    /// integer (no fraction or exponent).
    fn number(&mut self) -> Option<bool> {
        let b = self.b;
        let mut i = self.i;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match *b.get(i)? {
            b'0' => {
                i += 1;
                if b.get(i).is_some_and(u8::is_ascii_digit) {
                    return None;
                }
            }
            b'1'..=b'9' => {
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return None,
        }
        let mut integer = true;
        if b.get(i) == Some(&b'.') {
            integer = false;
            i += 1;
            if !b.get(i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            integer = false;
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !b.get(i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        self.i = i;
        Some(integer)
    }

    /// Skips one value, validating it as serde_json validates an ignored value (or more
    /// strictly).
    fn skip(&mut self, depth: u32) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.i += 1;
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    if self.peek()? != b'"' {
                        return None;
                    }
                    self.string()?;
                    self.eat(b':')?;
                    self.skip(depth + 1)?;
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.i += 1;
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.skip(depth + 1)?;
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number().map(drop),
            _ => None,
        }
    }

    /// One value as serde_json gives it to [`PsValue`]'s deserialiser.
    ///
    /// Inlined into its caller: returned through memory from a call, each value was written in
    /// pieces and read back whole, and the processor stalled on every one (half the time of the
    /// record parse). Lists and objects, which recurse, are [`Parser::nested`].
    #[inline(always)]
    fn value(&mut self, depth: u32) -> Option<PsValue> {
        match self.peek()? {
            b'"' => {
                let (start, end, escaped) = self.string()?;
                let s = self.text.get(start..end)?;
                Some(PsValue::Str(if escaped {
                    unescape(s)?
                } else {
                    s.to_owned()
                }))
            }
            b't' => self.literal(b"true").map(|_| PsValue::Bool(true)),
            b'f' => self.literal(b"false").map(|_| PsValue::Bool(false)),
            b'n' => self.literal(b"null").map(|_| PsValue::Null),
            b'-' | b'0'..=b'9' => {
                let start = self.i;
                if !self.number()? {
                    return None; // a fraction or exponent: serde_json's float parsing decides
                }
                let digits = &self.b[start..self.i];
                let (negative, digits) = match digits.split_first() {
                    Some((b'-', rest)) => (true, rest),
                    _ => (false, digits),
                };
                // Up to 18 digits always fit an i64; "-0" is a float to serde_json.
                if digits.len() > 18 || (negative && digits == b"0") {
                    return None;
                }
                let n = digits
                    .iter()
                    .fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
                Some(PsValue::Int(if negative { -n } else { n }))
            }
            b'[' | b'{' => self.nested(depth),
            _ => None,
        }
    }

    /// [`Parser::value`] into `slot`, reusing the text a string value held (see
    /// [`parse_selected_into`]).
    #[inline(always)]
    fn value_into(&mut self, depth: u32, slot: &mut PsValue) -> Option<()> {
        if self.peek()? == b'"' {
            if let PsValue::Str(old) = slot {
                let (start, end, escaped) = self.string()?;
                let s = self.text.get(start..end)?;
                old.clear();
                if escaped {
                    unescape_into(s, old)?;
                } else {
                    old.push_str(s);
                }
                return Some(());
            }
        }
        let value = self.value(depth)?;
        // Assigned in place for the plain kinds, whose old value needs no dropping: moving a
        // whole value over the old one went through memory the processor stalled on.
        match (&mut *slot, value) {
            (PsValue::Int(old), PsValue::Int(n)) => *old = n,
            (_, value) => *slot = value,
        }
        Some(())
    }

    /// A list or object value (see [`Parser::value`]).
    #[inline(never)]
    fn nested(&mut self, depth: u32) -> Option<PsValue> {
        match self.peek()? {
            b'[' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.i += 1;
                let mut items = Vec::new();
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(PsValue::list(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(PsValue::list(items));
                        }
                        _ => return None,
                    }
                }
            }
            b'{' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.i += 1;
                let mut obj = PsObject::default();
                let mut seen = Seen::default();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(PsValue::object(obj));
                }
                loop {
                    if self.peek()? != b'"' {
                        return None;
                    }
                    let (start, end, escaped) = self.string()?;
                    if escaped {
                        return None;
                    }
                    let name = self.text.get(start..end)?.to_owned();
                    self.eat(b':')?;
                    let v = self.value(depth + 1)?;
                    set_unique(&mut obj, &mut seen, name.into(), v);
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(PsValue::object(obj));
                        }
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }
}

/// The record `bytes` hold (one JSON object, surrounded by nothing but white space) with only
/// the selected properties, exactly as serde_json with [`super::value::Selected`] reads it; `None`
/// when the fast path cannot be sure of that (see the module notes).
/// `shape` carries the names of one record to the next (see [`Shape`]).
pub(crate) fn parse_selected(
    bytes: &[u8],
    select: &Selection,
    shape: &mut Shape,
) -> Option<PsObject> {
    let mut obj = PsObject {
        props: Vec::with_capacity(select.names().len().min(8)),
        ..PsObject::default()
    };
    parse_selected_into(bytes, select, shape, &mut obj).then_some(obj)
}

/// [`parse_selected`] into an object a record used before, whose property list and texts are
/// reused (no allocation for a record shaped like the last, where each value was read into its
/// own memory and copied into place). True when it read the record: `obj` is then exactly
/// what [`parse_selected`] gives; when false, `obj` holds nothing of use.
pub(crate) fn parse_selected_into(
    bytes: &[u8],
    select: &Selection,
    shape: &mut Shape,
    obj: &mut PsObject,
) -> bool {
    obj.type_names.clear();
    obj.to_string = None;
    obj.base = None;
    let kept = read_selected(bytes, select, shape, obj);
    if let Some(kept) = kept {
        obj.props.truncate(kept);
    }
    kept.is_some()
}

/// The work of [`parse_selected_into`]: gives how many properties it set (the first ones of
/// `obj.props`; the rest are left over from the record before).
fn read_selected(
    bytes: &[u8],
    select: &Selection,
    shape: &mut Shape,
    obj: &mut PsObject,
) -> Option<usize> {
    // Checked whole, once (serde_json checks only the strings it keeps, so a record with a
    // broken character elsewhere is left to it).
    let text = std::str::from_utf8(bytes).ok()?;
    let mut p = Parser {
        b: bytes,
        text,
        i: 0,
    };
    p.eat(b'{')?;
    let mut kept = 0;
    let mut seen = 0u128;
    if p.peek()? == b'}' {
        p.i += 1;
    } else {
        let mut j = 0;
        loop {
            if p.peek()? != b'"' {
                return None;
            }
            let start = p.i + 1;
            let (end, selected, bit) = match shape.known(j, bytes.get(start..)?) {
                Some((len, selected, bit)) => {
                    p.i = start + len + 1;
                    (start + len, selected, bit)
                }
                None => {
                    let (start, end, escaped) = p.string()?;
                    if escaped {
                        return None;
                    }
                    let key = &bytes[start..end];
                    let selected = match select.find(key) {
                        None => Selected::No,
                        Some(n) if !n.is_empty() && n.as_bytes() == key => Selected::As(n),
                        Some(_) => Selected::Yes,
                    };
                    let bit = shape.learn(j, key, selected);
                    (end, selected, bit)
                }
            };
            j += 1;
            p.eat(b':')?;
            if let Selected::No = selected {
                p.skip(1)?;
            } else {
                let name = text.get(start..end)?;
                // A name given twice (case-insensitively) keeps its first place and its last
                // value, as [`super::value::set_unique`] does.
                let again = match seen & bit {
                    0 => None,
                    _ => obj.props[..kept]
                        .iter()
                        .position(|(k, _)| k.eq_ignore_ascii_case(name)),
                };
                seen |= bit;
                match again {
                    Some(i) => obj.props[i].1 = p.value(1)?,
                    None => {
                        // The next place, reused when the object has one from the record before.
                        if kept == obj.props.len() {
                            obj.props.push((Name::default(), PsValue::Null));
                        }
                        let (k, v) = &mut obj.props[kept];
                        match selected {
                            Selected::As(n)
                                if k.as_static().is_some_and(|s| std::ptr::eq(s, n)) => {}
                            Selected::As(n) => *k = Name::from(n),
                            _ => *k = Name::from(name.to_owned()),
                        }
                        p.value_into(1, v)?;
                        kept += 1;
                    }
                }
            }
            match p.peek()? {
                b',' => p.i += 1,
                b'}' => {
                    p.i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    // Nothing but white space may follow.
    match p.peek() {
        None => Some(kept),
        Some(_) => None,
    }
}

/// Whether the fast path keeps its promise on each line of `bytes` (read in order, so the names
/// one line teaches are tried on the next): when it answers, serde_json with the same selection
/// gives the same object, and so does reading the line into the object the line before was read
/// into ([`parse_selected_into`], as records are recycled). Checked by the fuzz harness and
/// tests; gives how many lines the fast path read.
pub fn agrees(bytes: &[u8], names: &'static [&'static str]) -> Result<usize, String> {
    let select = Selection::new(names);
    let mut shape = Shape::default();
    // Its own shape: what one path learns must not make the other agree by accident.
    let mut reused_shape = Shape::default();
    let mut reused = PsObject::default();
    let mut read = 0;
    for line in bytes.split(|&b| b == b'\n') {
        let fresh = parse_selected(line, &select, &mut shape);
        let into = parse_selected_into(line, &select, &mut reused_shape, &mut reused);
        match (&fresh, into) {
            (Some(f), true) if *f != reused => {
                return Err(format!(
                    "read into a used object: {reused:?}, fresh: {f:?}, from {:?}",
                    String::from_utf8_lossy(line)
                ))
            }
            (Some(_), false) | (None, true) => {
                return Err(format!(
                    "read fresh: {}, into a used object: {into}, from {:?}",
                    fresh.is_some(),
                    String::from_utf8_lossy(line)
                ))
            }
            _ => {}
        }
        let Some(fast) = fresh else {
            continue;
        };
        let mut de = serde_json::Deserializer::from_slice(line);
        let slow: Result<PsValue, _> =
            serde::de::DeserializeSeed::deserialize(super::value::Selected(&select), &mut de)
                .and_then(|v| de.end().map(|_| v));
        match slow {
            Ok(PsValue::Object(o)) if *o == fast => read += 1,
            Ok(other) => {
                return Err(format!(
                    "fast path read {fast:?}, serde_json {other:?} from {:?}",
                    String::from_utf8_lossy(line)
                ))
            }
            Err(e) => {
                return Err(format!(
                    "fast path read {fast:?}, serde_json refused it ({e}): {:?}",
                    String::from_utf8_lossy(line)
                ))
            }
        }
    }
    Ok(read)
}
