//! Streaming reader for `Export-Clixml` files (PowerShell's serialisation format, and the only
//! export PowerShell 2.0 on a Lync 2010 server can write).
//!
//! Format reference: MS-PSRP 2.2.5 "Serialization" (<Obj>, <TN>/<TNRef>, <ToString>, <Props>,
//! <MS>, <LST>/<IE>/<QUE>/<STK>/<DCT>, primitive elements, <Ref RefId>), names and strings
//! encoded with `_xHHHH_` escapes. One top-level `<Obj>` is one record; nested objects are kept
//! for `<Ref>` look-ups up to a bound, so memory stays flat on large files.

use super::value::{PsObject, PsValue};
use super::Record;
use chrono::DateTime;
use license_audit_model::InputError;
use quick_xml::events::{BytesStart, Event};
use std::collections::{HashMap, VecDeque};
use std::io::BufRead;
use std::sync::Arc;

const PS_NAMESPACE: &str = "http://schemas.microsoft.com/powershell/2004/04";
const MAX_RETAINED_REFS: usize = 100_000;

pub struct ClixmlReader {
    file: Arc<str>,
    xml: quick_xml::Reader<Box<dyn BufRead>>,
    buf: Vec<u8>,
    type_names: HashMap<String, Vec<String>>,
    refs: HashMap<String, PsValue>,
    ref_order: VecDeque<String>,
    index: u64,
    nesting: u32,
    started: bool,
    done: bool,
}

struct Element {
    name: String,
    n: Option<String>,
    ref_id: Option<String>,
    empty: bool,
}

type XmlResult<T> = Result<T, String>;

impl ClixmlReader {
    pub fn new(file: Arc<str>, r: Box<dyn BufRead>) -> Self {
        let mut xml = quick_xml::Reader::from_reader(r);
        xml.config_mut().trim_text(false);
        ClixmlReader {
            file,
            xml,
            buf: Vec::with_capacity(4096),
            type_names: HashMap::new(),
            refs: HashMap::new(),
            ref_order: VecDeque::new(),
            index: 0,
            nesting: 0,
            started: false,
            done: false,
        }
    }

    fn element(&self, e: &BytesStart, empty: bool) -> XmlResult<Element> {
        let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
        let mut n = None;
        let mut ref_id = None;
        for a in e.attributes() {
            let a = a.map_err(|err| format!("bad attribute: {err}"))?;
            let value = a
                .unescape_value()
                .map_err(|err| format!("bad attribute value: {err}"))?
                .into_owned();
            match a.key.local_name().as_ref() {
                b"N" => n = Some(decode_ps_escapes(&value)),
                b"RefId" => ref_id = Some(value),
                _ => {}
            }
        }
        Ok(Element {
            name,
            n,
            ref_id,
            empty,
        })
    }

    /// Next structural event: Ok(Some(element)) for a start or empty tag, Ok(None) for an end tag.
    fn next_element(&mut self) -> XmlResult<Option<Element>> {
        loop {
            self.buf.clear();
            let ev = self
                .xml
                .read_event_into(&mut self.buf)
                .map_err(|e| format!("malformed XML: {e}"))?;
            match ev {
                Event::Start(e) => {
                    let e = e.into_owned();
                    return self.element(&e, false).map(Some);
                }
                Event::Empty(e) => {
                    let e = e.into_owned();
                    return self.element(&e, true).map(Some);
                }
                Event::End(_) => return Ok(None),
                Event::Eof => return Err("the file ends before </Objs>: it is truncated".into()),
                _ => {}
            }
        }
    }

    /// Text content up to the matching end tag (entity references resolved).
    fn read_text(&mut self, el: &Element) -> XmlResult<String> {
        let mut out = String::new();
        if el.empty {
            return Ok(out);
        }
        let mut depth = 0u32;
        loop {
            self.buf.clear();
            let ev = self
                .xml
                .read_event_into(&mut self.buf)
                .map_err(|e| format!("malformed XML: {e}"))?;
            match ev {
                Event::Text(t) => out.push_str(&t.decode().map_err(|e| format!("bad text: {e}"))?),
                Event::CData(t) => out.push_str(&String::from_utf8_lossy(&t)),
                Event::GeneralRef(r) => {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        out.push(c);
                    } else {
                        let name = r.decode().map_err(|e| format!("bad entity: {e}"))?;
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => out.push_str(s),
                            None => return Err(format!("unknown entity &{name};")),
                        }
                    }
                }
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => return Ok(out),
                Event::End(_) => depth -= 1,
                Event::Eof => {
                    return Err(format!(
                        "the file ends inside <{}>: it is truncated",
                        el.name
                    ))
                }
                _ => {}
            }
        }
    }

    fn skip(&mut self, el: &Element) -> XmlResult<()> {
        self.read_text(el).map(|_| ())
    }

    fn value(&mut self, el: &Element) -> XmlResult<PsValue> {
        let text_value = |s: String| PsValue::Str(decode_ps_escapes(&s));
        Ok(match el.name.as_str() {
            "Obj" => {
                let v = self.object(el)?;
                // Nested objects are retained for <Ref>; top-level ones are not (memory stays flat).
                if self.nesting > 0 {
                    if let Some(id) = &el.ref_id {
                        self.retain(id.clone(), &v);
                    }
                }
                v
            }
            "Nil" => {
                self.skip(el)?;
                PsValue::Null
            }
            "Ref" => {
                self.skip(el)?;
                let id = el.ref_id.clone().unwrap_or_default();
                self.refs.get(&id).cloned().ok_or_else(|| {
                    format!("<Ref RefId=\"{id}\"> points to an object that was not retained")
                })?
            }
            "S" | "URI" | "Version" | "G" | "XD" | "SBK" | "TS" | "BA" => {
                let t = self.read_text(el)?;
                text_value(t)
            }
            "SS" => {
                // A SecureString: never carried into records or messages.
                self.skip(el)?;
                PsValue::Null
            }
            "C" => {
                let t = self.read_text(el)?;
                let code: u32 = t
                    .trim()
                    .parse()
                    .map_err(|_| format!("<C> holds '{t}', not a character code"))?;
                PsValue::Str(char::from_u32(code).map(String::from).unwrap_or_default())
            }
            "B" => {
                let t = self.read_text(el)?;
                match t.trim() {
                    "true" => PsValue::Bool(true),
                    "false" => PsValue::Bool(false),
                    other => return Err(format!("<B> holds '{other}', not true/false")),
                }
            }
            "I32" | "I16" | "I64" | "U16" | "U32" | "U64" | "By" | "SB" => {
                let t = self.read_text(el)?;
                match t.trim().parse::<i64>() {
                    Ok(i) => PsValue::Int(i),
                    Err(_) => t
                        .trim()
                        .parse::<f64>()
                        .map(PsValue::Float)
                        .map_err(|_| format!("<{}> holds '{t}', not a number", el.name))?,
                }
            }
            "Db" | "Sg" | "D" => {
                let t = self.read_text(el)?;
                PsValue::Float(
                    t.trim()
                        .parse()
                        .map_err(|_| format!("<{}> holds '{t}', not a number", el.name))?,
                )
            }
            "DT" => {
                let t = self.read_text(el)?;
                PsValue::Date(
                    DateTime::parse_from_rfc3339(t.trim())
                        .map_err(|e| format!("<DT> holds '{t}': {e}"))?,
                )
            }
            _ => {
                // A type this reader does not know: keep its text rather than fail the record.
                let t = self.read_text(el)?;
                text_value(t)
            }
        })
    }

    fn object(&mut self, el: &Element) -> XmlResult<PsValue> {
        let mut obj = PsObject::default();
        let mut items: Option<Vec<PsValue>> = None;
        self.nesting += 1;
        if !el.empty {
            while let Some(child) = self.next_element()? {
                match child.name.as_str() {
                    "TN" => {
                        let mut names = Vec::new();
                        if !child.empty {
                            while let Some(t) = self.next_element()? {
                                names.push(self.read_text(&t)?);
                            }
                        }
                        if let Some(id) = &child.ref_id {
                            self.type_names.insert(id.clone(), names.clone());
                        }
                        obj.type_names = names;
                    }
                    "TNRef" => {
                        self.skip(&child)?;
                        if let Some(names) =
                            child.ref_id.as_ref().and_then(|id| self.type_names.get(id))
                        {
                            obj.type_names = names.clone();
                        }
                    }
                    "ToString" => {
                        let t = self.read_text(&child)?;
                        obj.to_string = Some(decode_ps_escapes(&t));
                    }
                    "Props" | "MS" => {
                        if !child.empty {
                            while let Some(p) = self.next_element()? {
                                let v = self.value(&p)?;
                                obj.props.push((p.n.clone().unwrap_or_default(), v));
                            }
                        }
                    }
                    "LST" | "AL" | "IE" | "QUE" | "STK" => {
                        let list = items.get_or_insert_with(Vec::new);
                        if !child.empty {
                            while let Some(p) = self.next_element()? {
                                let v = self.value(&p)?;
                                list.push(v);
                            }
                        }
                    }
                    "DCT" => {
                        if !child.empty {
                            while let Some(en) = self.next_element()? {
                                let (mut key, mut value) = (None, PsValue::Null);
                                if !en.empty {
                                    while let Some(kv) = self.next_element()? {
                                        let v = self.value(&kv)?;
                                        if kv.n.as_deref() == Some("Key") {
                                            key = crate::record::value_text(&v).ok().flatten();
                                        } else {
                                            value = v;
                                        }
                                    }
                                }
                                if let Some(k) = key {
                                    obj.props.push((k, value));
                                }
                            }
                        }
                    }
                    _ => {
                        // An unnamed primitive inside <Obj>: the value an enum or wrapper carries.
                        let v = self.value(&child)?;
                        obj.base = Some(Box::new(v));
                    }
                }
            }
        }
        self.nesting -= 1;
        let value = match items {
            Some(list) if obj.props.is_empty() => PsValue::List(list),
            _ => PsValue::Object(Box::new(obj)),
        };
        Ok(value)
    }

    fn retain(&mut self, id: String, v: &PsValue) {
        if self.refs.len() >= MAX_RETAINED_REFS {
            if let Some(old) = self.ref_order.pop_front() {
                self.refs.remove(&old);
            }
        }
        self.ref_order.push_back(id.clone());
        self.refs.insert(id, v.clone());
    }

    fn start(&mut self) -> XmlResult<()> {
        loop {
            self.buf.clear();
            let ev = self
                .xml
                .read_event_into(&mut self.buf)
                .map_err(|e| format!("not XML: {e}"))?;
            match ev {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    let ns = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == b"xmlns")
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                    if local != "Objs" || ns.as_deref() != Some(PS_NAMESPACE) {
                        return Err(format!(
                            "is XML but not PowerShell CLIXML (root element <{local}>{}); create it with Export-Clixml",
                            ns.map(|n| format!(" in namespace {n}")).unwrap_or_default()
                        ));
                    }
                    if matches!(ev, Event::Empty(_)) {
                        self.done = true;
                    }
                    return Ok(());
                }
                Event::Eof => return Err("is empty".into()),
                _ => {}
            }
        }
    }

    fn next_record(&mut self) -> Result<Option<Record>, InputError> {
        let fatal =
            |file: &str, at: u64, m: String| InputError::file(file, format!("byte {at}: {m}"));
        if !self.started {
            self.started = true;
            if let Err(m) = self.start() {
                return Err(InputError::file(&*self.file, m));
            }
        }
        if self.done {
            return Ok(None);
        }
        let el = match self.next_element() {
            Ok(Some(el)) => el,
            Ok(None) => {
                self.done = true;
                return Ok(None);
            }
            Err(m) => return Err(fatal(&self.file, self.xml.buffer_position(), m)),
        };
        self.index += 1;
        let index = self.index;
        let value = self.value(&el).map_err(|m| {
            InputError::record(
                &*self.file,
                index,
                format!("byte {}: {m}", self.xml.buffer_position()),
            )
            .fatal()
        })?;
        match value {
            PsValue::Object(obj) => Ok(Some(Record {
                file: self.file.clone(),
                index,
                obj: *obj,
            })),
            other => Err(InputError::record(
                &*self.file,
                index,
                format!("is {}, expected an object with properties", other.kind()),
            )),
        }
    }
}

impl Iterator for ClixmlReader {
    type Item = Result<Record, InputError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done && self.started {
            return None;
        }
        match self.next_record() {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => None,
            Err(e) => {
                if e.fatal {
                    self.done = true;
                    self.started = true;
                }
                Some(Err(e))
            }
        }
    }
}

/// Undoes the `_xHHHH_` escapes the serializer uses for characters XML cannot carry.
pub fn decode_ps_escapes(s: &str) -> String {
    if !s.contains("_x") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find("_x") {
        out.push_str(&rest[..pos]);
        let cand = &rest[pos..];
        let code = cand
            .get(2..6)
            .filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()))
            .filter(|_| cand.as_bytes().get(6) == Some(&b'_'))
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        match code {
            Some(c) => {
                // Surrogate pairs arrive as two escapes; decode the pair together.
                if (0xD800..0xDC00).contains(&c) {
                    let low = cand
                        .get(9..13)
                        .filter(|_| {
                            cand.get(7..9) == Some("_x") && cand.as_bytes().get(13) == Some(&b'_')
                        })
                        .and_then(|h| u32::from_str_radix(h, 16).ok());
                    if let Some(l) = low {
                        let cp = 0x10000 + ((c - 0xD800) << 10) + (l - 0xDC00);
                        out.extend(char::from_u32(cp));
                        rest = &cand[14..];
                        continue;
                    }
                }
                out.extend(char::from_u32(c));
                rest = &cand[7..];
            }
            None => {
                out.push_str("_x");
                rest = &cand[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ps_escapes() {
        assert_eq!(decode_ps_escapes("a_x000D__x000A_b"), "a\r\nb");
        assert_eq!(decode_ps_escapes("no_xescape"), "no_xescape");
        assert_eq!(decode_ps_escapes("_xD83D__xDE00_"), "😀");
    }
}
