//! Streaming reader for `Export-Clixml` files (PowerShell's serialisation format, and the only
//! export PowerShell 2.0 on a Lync 2010 server can write).
//!
//! Format reference: MS-PSRP 2.2.5 "Serialization" (<Obj>, <TN>/<TNRef>, <ToString>, <Props>,
//! <MS>, <LST>/<IE>/<QUE>/<STK>/<DCT>, primitive elements, <Ref RefId>), names and strings
//! encoded with `_xHHHH_` escapes. One top-level `<Obj>` is one record.
//!
//! Hostile or damaged files are bounded, not trusted:
//! - a `<Ref>` shares the value it points to (reference-counted), never copies it, and every
//!   record may stand for at most [`MAX_NODES`] values counting what its references stand for,
//!   so a few kilobytes of nested references ("billion laughs") cannot grow into gigabytes, and
//!   nothing downstream walks an exponential tree;
//! - `<Obj>` may nest [`MAX_DEPTH`] deep (Export-Clixml's default `-Depth` is 2), so deep nesting
//!   is an error, not a stack overflow;
//! - one record may take [`crate::MAX_RECORD_BYTES`] of text;
//! - a `<!DOCTYPE>` (which Export-Clixml never writes) is refused before any entity in it could
//!   matter; quick-xml never expands custom or external entities in any case.
//!
//! Those limits end the file (a fatal error); a bad value (`<B>maybe</B>`, an unreadable date, a
//! `<Ref>` to nothing) spoils only its record: the reader skips to the record's end and carries on.

use super::value::{PsObject, PsValue};
use super::Record;
use crate::source::Budgeted;
use chrono::DateTime;
use license_audit_model::InputError;
use quick_xml::events::{BytesStart, Event};
use std::collections::{HashMap, VecDeque};
use std::io::BufRead;
use std::sync::Arc;

const PS_NAMESPACE: &str = "http://schemas.microsoft.com/powershell/2004/04";
/// How deep `<Obj>` may nest inside one record.
pub const MAX_DEPTH: u32 = 100;
/// How many values one record may stand for, a `<Ref>` counting as the values it points to.
pub const MAX_NODES: u64 = 1_000_000;
/// Nested objects kept for later `<Ref>`s: at most this many, standing for at most
/// `MAX_RETAINED_NODES` values and spanning at most [`MAX_RETAINED_BYTES`] of the file; the
/// oldest are forgotten first (a `<Ref>` to a forgotten one spoils its record), and an object
/// larger than that is not kept at all.
const MAX_RETAINED_REFS: usize = 100_000;
const MAX_RETAINED_NODES: u64 = 4 * MAX_NODES;
/// Bytes of the file the objects kept for later `<Ref>`s may span (what they take in memory
/// grows with it: a string is kept as long as its text). Counting objects alone let twelve
/// 50 MB strings take 760 MB.
pub const MAX_RETAINED_BYTES: u64 = 16 << 20;
/// `<TN RefId>` type-name lists kept for `<TNRef>`: all of them together may take at most
/// this many bytes (a real file's are a few kilobytes); a file whose lists take more is refused
/// (a fatal error), since a later `<TNRef>` could name any of them.
pub const MAX_TYPE_NAME_BYTES: usize = 1 << 20;
/// What one type name costs besides its text (its `String`).
const TYPE_NAME_OVERHEAD: usize = std::mem::size_of::<String>();

pub struct ClixmlReader {
    file: Arc<str>,
    xml: quick_xml::Reader<Budgeted>,
    buf: Vec<u8>,
    type_names: HashMap<String, Arc<[String]>>,
    /// Bytes the lists in `type_names` take (see [`MAX_TYPE_NAME_BYTES`]).
    type_name_bytes: usize,
    /// Each kept object with the values it stands for and the bytes of file it spans.
    refs: HashMap<String, (PsValue, u64, u64)>,
    ref_order: VecDeque<String>,
    retained_nodes: u64,
    retained_bytes: u64,
    index: u64,
    /// `<Obj>` nesting inside the current record.
    nesting: u32,
    /// Elements open in the XML (the `<Objs>` root counts one): how the reader finds the end of
    /// a record it gave up on.
    open: u32,
    /// Values the current record stands for.
    nodes: u64,
    started: bool,
    done: bool,
}

struct Element {
    name: String,
    n: Option<String>,
    ref_id: Option<String>,
    empty: bool,
}

/// Why reading stopped: `fatal` ends the file; otherwise the record is skipped.
struct Fail {
    message: String,
    fatal: bool,
}

impl Fail {
    fn record(message: impl Into<String>) -> Fail {
        Fail {
            message: message.into(),
            fatal: false,
        }
    }
    fn fatal(message: impl Into<String>) -> Fail {
        Fail {
            message: message.into(),
            fatal: true,
        }
    }
}

type XmlResult<T> = Result<T, Fail>;

const DOCTYPE_MESSAGE: &str = "has a <!DOCTYPE> declaration, which Export-Clixml never writes: the file was made or altered by another tool, and is refused (its entities are not expanded); export again with Export-Clixml";

impl ClixmlReader {
    pub fn new(file: Arc<str>, r: Box<dyn BufRead>) -> Self {
        let mut xml = quick_xml::Reader::from_reader(Budgeted::new(r, crate::MAX_RECORD_BYTES));
        xml.config_mut().trim_text(false);
        ClixmlReader {
            file,
            xml,
            buf: Vec::with_capacity(4096),
            type_names: HashMap::new(),
            type_name_bytes: 0,
            refs: HashMap::new(),
            ref_order: VecDeque::new(),
            retained_nodes: 0,
            retained_bytes: 0,
            index: 0,
            nesting: 0,
            open: 0,
            nodes: 0,
            started: false,
            done: false,
        }
    }

    fn xml_error(&self, e: quick_xml::Error) -> Fail {
        if self.xml.get_ref().exceeded() {
            return Fail::fatal(format!(
                "the record is larger than {} (a PowerShell object never is): the file is damaged",
                crate::describe_record_limit()
            ));
        }
        match e {
            quick_xml::Error::Encoding(_) => Fail::fatal(crate::source::not_utf8_message()),
            quick_xml::Error::Io(io) => Fail::fatal(format!("cannot read: {io}")),
            quick_xml::Error::Syntax(s)
                if !matches!(s, quick_xml::errors::SyntaxError::InvalidBangMarkup) =>
            {
                Fail::fatal(format!("the file ends inside a tag ({s}): it is truncated"))
            }
            other => Fail::fatal(format!("malformed XML: {other}")),
        }
    }

    fn element(&self, e: &BytesStart, empty: bool) -> XmlResult<Element> {
        let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
        let mut n = None;
        let mut ref_id = None;
        for a in e.attributes() {
            let a = a.map_err(|err| Fail::record(format!("bad attribute in <{name}>: {err}")))?;
            let value = a
                .unescape_value()
                .map_err(|err| Fail::record(format!("bad attribute value in <{name}>: {err}")))?
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
            let ev = match self.xml.read_event_into(&mut self.buf) {
                Ok(ev) => ev,
                Err(e) => return Err(self.xml_error(e)),
            };
            match ev {
                Event::Start(e) => {
                    self.open += 1;
                    let e = e.into_owned();
                    return self.element(&e, false).map(Some);
                }
                Event::Empty(e) => {
                    let e = e.into_owned();
                    return self.element(&e, true).map(Some);
                }
                Event::End(_) => {
                    self.open = self.open.saturating_sub(1);
                    return Ok(None);
                }
                Event::DocType(_) => return Err(Fail::fatal(DOCTYPE_MESSAGE)),
                Event::Eof => {
                    return Err(Fail::fatal("the file ends before </Objs>: it is truncated"))
                }
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
            let ev = match self.xml.read_event_into(&mut self.buf) {
                Ok(ev) => ev,
                Err(e) => return Err(self.xml_error(e)),
            };
            match ev {
                Event::Text(t) => out.push_str(
                    &t.decode()
                        .map_err(|_| Fail::fatal(crate::source::not_utf8_message()))?,
                ),
                Event::CData(t) => out.push_str(&String::from_utf8_lossy(&t)),
                Event::GeneralRef(r) => {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        out.push(c);
                    } else {
                        let name = r
                            .decode()
                            .map_err(|_| Fail::fatal(crate::source::not_utf8_message()))?;
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => out.push_str(s),
                            None => {
                                return Err(Fail::record(format!(
                                    "unknown entity &{name}; in <{}> (Export-Clixml writes only the XML built-in entities)",
                                    el.name
                                )))
                            }
                        }
                    }
                }
                Event::Start(_) => {
                    self.open += 1;
                    depth += 1;
                }
                Event::End(_) => {
                    self.open = self.open.saturating_sub(1);
                    if depth == 0 {
                        return Ok(out);
                    }
                    depth -= 1;
                }
                Event::DocType(_) => return Err(Fail::fatal(DOCTYPE_MESSAGE)),
                Event::Eof => {
                    return Err(Fail::fatal(format!(
                        "the file ends inside <{}>: it is truncated",
                        el.name
                    )))
                }
                _ => {}
            }
        }
    }

    fn skip(&mut self, el: &Element) -> XmlResult<()> {
        self.read_text(el).map(|_| ())
    }

    /// Counts `n` values against the record's budget.
    fn count(&mut self, n: u64) -> XmlResult<()> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(Fail::fatal(format!(
                "the record stands for more than {MAX_NODES} values (nested <Ref>s repeat the same objects over and over): refusing a file built to exhaust memory"
            )));
        }
        Ok(())
    }

    fn value(&mut self, el: &Element) -> XmlResult<PsValue> {
        self.count(1)?;
        let text_value = |s: String| PsValue::Str(decode_ps_escapes(&s));
        Ok(match el.name.as_str() {
            "Obj" => {
                let before = self.nodes;
                let from = self.xml.buffer_position();
                let v = self.object(el)?;
                // Nested objects are retained for <Ref>; top-level ones are not (memory stays flat).
                if self.nesting > 0 {
                    if let Some(id) = &el.ref_id {
                        let bytes = self.xml.buffer_position().saturating_sub(from);
                        self.retain(id.clone(), &v, self.nodes - before + 1, bytes);
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
                let (v, nodes, _) = self.refs.get(&id).cloned().ok_or_else(|| {
                    Fail::record(format!(
                        "<Ref RefId=\"{id}\"> points to an object that was not retained"
                    ))
                })?;
                // The reference stands for every value of its target.
                self.count(nodes.saturating_sub(1))?;
                v
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
                    .map_err(|_| Fail::record(format!("<C> holds '{t}', not a character code")))?;
                // A UTF-16 code unit: half a surrogate pair alone is no character.
                PsValue::Str(
                    char::from_u32(code)
                        .unwrap_or(char::REPLACEMENT_CHARACTER)
                        .to_string(),
                )
            }
            "B" => {
                let t = self.read_text(el)?;
                match t.trim() {
                    "true" => PsValue::Bool(true),
                    "false" => PsValue::Bool(false),
                    other => {
                        return Err(Fail::record(format!("<B> holds '{other}', not true/false")))
                    }
                }
            }
            "I32" | "I16" | "I64" | "U16" | "U32" | "U64" | "By" | "SB" => {
                let t = self.read_text(el)?;
                match t.trim().parse::<i64>() {
                    Ok(i) => PsValue::Int(i),
                    // A UInt64 above i64::MAX: kept as a number, refused where a whole number
                    // or text is needed (it cannot be represented exactly).
                    Err(_) => t.trim().parse::<f64>().map(PsValue::Float).map_err(|_| {
                        Fail::record(format!("<{}> holds '{t}', not a number", el.name))
                    })?,
                }
            }
            "Db" | "Sg" | "D" => {
                // .NET writes NaN, Infinity and -Infinity; they are read as such floats.
                let t = self.read_text(el)?;
                PsValue::Float(parse_dotnet_float(t.trim()).ok_or_else(|| {
                    Fail::record(format!("<{}> holds '{t}', not a number", el.name))
                })?)
            }
            "DT" => {
                let t = self.read_text(el)?;
                PsValue::Date(
                    DateTime::parse_from_rfc3339(t.trim())
                        .map_err(|e| Fail::record(format!("<DT> holds '{t}': {e}")))?,
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
        if self.nesting >= MAX_DEPTH {
            return Err(Fail::fatal(format!(
                "<Obj> elements nest more than {MAX_DEPTH} deep (Export-Clixml writes -Depth 2 unless told otherwise): refusing the file"
            )));
        }
        let mut obj = PsObject::builder();
        let mut items: Option<Vec<PsValue>> = None;
        self.nesting += 1;
        let result = self.object_body(el, &mut obj, &mut items);
        self.nesting -= 1;
        result?;
        let obj = obj.finish();
        Ok(match items {
            Some(list) if obj.props.is_empty() => PsValue::list(list),
            _ => PsValue::object(obj),
        })
    }

    fn object_body(
        &mut self,
        el: &Element,
        obj: &mut crate::value::PropsBuilder,
        items: &mut Option<Vec<PsValue>>,
    ) -> XmlResult<()> {
        if el.empty {
            return Ok(());
        }
        while let Some(child) = self.next_element()? {
            match child.name.as_str() {
                "TN" => {
                    let mut names = Vec::new();
                    // What the list will take once kept for <TNRef>s, counted as it is read so
                    // that a list of a million names is refused at the cap, not after.
                    let mut bytes = child.ref_id.as_ref().map_or(0, |id| id.len());
                    if !child.empty {
                        while let Some(t) = self.next_element()? {
                            self.count(1)?;
                            let name = self.read_text(&t)?;
                            if child.ref_id.is_some() {
                                bytes += name.len() + TYPE_NAME_OVERHEAD;
                                if self.type_name_bytes + bytes > MAX_TYPE_NAME_BYTES {
                                    return Err(Fail::fatal(format!(
                                        "its <TN RefId> type-name lists take more than {} KiB (Export-Clixml writes a few short ones): refusing a file built to exhaust memory",
                                        MAX_TYPE_NAME_BYTES >> 10
                                    )));
                                }
                            }
                            names.push(name);
                        }
                    }
                    let names: Arc<[String]> = names.into();
                    if let Some(id) = &child.ref_id {
                        let freed = match self.type_names.insert(id.clone(), names.clone()) {
                            Some(old) => {
                                id.len()
                                    + old
                                        .iter()
                                        .map(|n| n.len() + TYPE_NAME_OVERHEAD)
                                        .sum::<usize>()
                            }
                            None => 0,
                        };
                        self.type_name_bytes = (self.type_name_bytes + bytes).saturating_sub(freed);
                    }
                    obj.obj_mut().type_names = names.to_vec();
                }
                "TNRef" => {
                    self.skip(&child)?;
                    if let Some(names) =
                        child.ref_id.as_ref().and_then(|id| self.type_names.get(id))
                    {
                        let names = names.to_vec();
                        self.count(names.len() as u64)?;
                        obj.obj_mut().type_names = names;
                    }
                }
                "ToString" => {
                    let t = self.read_text(&child)?;
                    obj.obj_mut().to_string = Some(decode_ps_escapes(&t));
                }
                "Props" | "MS" => {
                    if !child.empty {
                        while let Some(p) = self.next_element()? {
                            let v = self.value(&p)?;
                            obj.set(p.n.clone().unwrap_or_default(), v);
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
                                obj.set(k, value);
                            }
                        }
                    }
                }
                _ => {
                    // An unnamed primitive inside <Obj>: the value an enum or wrapper carries.
                    let v = self.value(&child)?;
                    obj.obj_mut().base = Some(Box::new(v));
                }
            }
        }
        Ok(())
    }

    fn retain(&mut self, id: String, v: &PsValue, nodes: u64, bytes: u64) {
        while self.refs.len() >= MAX_RETAINED_REFS
            || ((self.retained_nodes + nodes > MAX_RETAINED_NODES
                || self.retained_bytes + bytes > MAX_RETAINED_BYTES)
                && !self.refs.is_empty())
        {
            let Some(old) = self.ref_order.pop_front() else {
                break;
            };
            if let Some((_, n, b)) = self.refs.remove(&old) {
                self.retained_nodes -= n;
                self.retained_bytes -= b;
            }
        }
        if nodes > MAX_RETAINED_NODES || bytes > MAX_RETAINED_BYTES {
            // Too large to keep: a later <Ref> to it spoils its record. An older object of the
            // same RefId is not what a later <Ref> means either.
            if let Some((_, n, b)) = self.refs.remove(&id) {
                self.retained_nodes -= n;
                self.retained_bytes -= b;
            }
            return;
        }
        if let Some((_, n, b)) = self.refs.insert(id.clone(), (v.clone(), nodes, bytes)) {
            // A RefId used twice: the later object wins, as in PowerShell's deserializer.
            self.retained_nodes -= n;
            self.retained_bytes -= b;
        } else {
            self.ref_order.push_back(id);
        }
        self.retained_nodes += nodes;
        self.retained_bytes += bytes;
    }

    /// Reads up to the `<Objs>` root. `Ok(false)` at a clean end of input (only after a first
    /// document: several `Export-Clixml` files concatenated are read one after another).
    fn start_document(&mut self, first: bool) -> XmlResult<bool> {
        loop {
            self.buf.clear();
            let ev = match self.xml.read_event_into(&mut self.buf) {
                Ok(ev) => ev,
                Err(e) => {
                    let f = self.xml_error(e);
                    return Err(if first {
                        Fail::fatal(format!("not XML: {}", f.message))
                    } else {
                        f
                    });
                }
            };
            match ev {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    let ns = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == b"xmlns")
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                    if local != "Objs" || ns.as_deref() != Some(PS_NAMESPACE) {
                        return Err(Fail::fatal(if first {
                            format!(
                                "is XML but not PowerShell CLIXML (root element <{local}>{}); create it with Export-Clixml",
                                ns.map(|n| format!(" in namespace {n}")).unwrap_or_default()
                            )
                        } else {
                            format!("after </Objs> comes <{local}>, not another Export-Clixml document: the file was altered")
                        }));
                    }
                    if matches!(ev, Event::Start(_)) {
                        self.open = 1;
                        return Ok(true);
                    }
                    // <Objs/>: an empty document; look for another.
                }
                Event::DocType(_) => return Err(Fail::fatal(DOCTYPE_MESSAGE)),
                Event::Text(ref t)
                    if !first
                        && !t
                            .iter()
                            .all(|b| b.is_ascii_whitespace() || [0xEF, 0xBB, 0xBF].contains(b)) =>
                {
                    return Err(Fail::fatal("text after </Objs>: the file was altered"))
                }
                Event::Eof if first => return Err(Fail::fatal("is empty")),
                Event::Eof => return Ok(false),
                _ => {}
            }
        }
    }

    /// After a bad value: reads on to the end of the record's top-level element.
    fn skip_rest_of_record(&mut self) -> XmlResult<()> {
        while self.open > 1 {
            self.buf.clear();
            match self.xml.read_event_into(&mut self.buf) {
                Ok(Event::Start(_)) => self.open += 1,
                Ok(Event::End(_)) => self.open -= 1,
                Ok(Event::DocType(_)) => return Err(Fail::fatal(DOCTYPE_MESSAGE)),
                Ok(Event::Eof) => {
                    return Err(Fail::fatal("the file ends before </Objs>: it is truncated"))
                }
                Ok(_) => {}
                Err(e) => return Err(self.xml_error(e)),
            }
        }
        Ok(())
    }

    fn next_record(&mut self) -> Result<Option<Record>, InputError> {
        self.xml.get_mut().reset();
        if !self.started {
            self.started = true;
            match self.start_document(true) {
                Ok(_) => {}
                Err(f) => return Err(InputError::file(&*self.file, f.message)),
            }
        }
        let el = loop {
            if self.done {
                return Ok(None);
            }
            match self.next_element() {
                Ok(Some(el)) => break el,
                // </Objs>: the end, or another concatenated document.
                Ok(None) => match self.start_document(false) {
                    Ok(true) => continue,
                    Ok(false) => {
                        self.done = true;
                        return Ok(None);
                    }
                    Err(f) => return Err(self.located(None, f)),
                },
                Err(f) => return Err(self.located(None, f)),
            }
        };
        self.index += 1;
        let index = self.index;
        self.nodes = 0;
        self.nesting = 0;
        let value = match self.value(&el) {
            Ok(v) => v,
            Err(f) if f.fatal => return Err(self.located(Some(index), f)),
            Err(f) => {
                let e = self.located(Some(index), f);
                // The record is spoilt; the ones after it are not.
                if let Err(f) = self.skip_rest_of_record() {
                    return Err(self.located(Some(index), f));
                }
                return Err(e);
            }
        };
        match value {
            PsValue::Object(obj) => Ok(Some(Record::new(
                self.file.clone(),
                index,
                Arc::unwrap_or_clone(obj),
            ))),
            other => Err(InputError::record(
                &*self.file,
                index,
                format!("is {}, expected an object with properties", other.kind()),
            )),
        }
    }

    fn located(&self, index: Option<u64>, f: Fail) -> InputError {
        let message = format!("byte {}: {}", self.xml.buffer_position(), f.message);
        let e = match index {
            Some(i) => InputError::record(&*self.file, i, message),
            None => InputError::file(&*self.file, message),
        };
        if f.fatal {
            e.fatal()
        } else {
            e
        }
    }
}

impl Iterator for ClixmlReader {
    type Item = Result<Record, InputError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
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

/// `Double.ToString("R")` spellings: digits, `NaN`, `Infinity`, `-Infinity`.
fn parse_dotnet_float(t: &str) -> Option<f64> {
    match t {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        // Rust would also take "inf" and "nan"; .NET writes neither.
        _ if t
            .bytes()
            .any(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E') =>
        {
            None
        }
        _ => t.parse().ok(),
    }
}

/// Undoes the `_xHHHH_` escapes the serializer uses for characters XML cannot carry. Each
/// escape is one UTF-16 code unit: a high surrogate followed by a low one makes one character;
/// half a pair alone becomes U+FFFD (the replacement character).
pub fn decode_ps_escapes(s: &str) -> String {
    if !s.contains("_x") {
        return s.to_string();
    }
    /// The code unit of an escape at the start of `s`, if it is one.
    fn unit(s: &str) -> Option<u16> {
        let b = s.as_bytes();
        if b.len() >= 7
            && b[0] == b'_'
            && b[1] == b'x'
            && b[6] == b'_'
            && b[2..6].iter().all(u8::is_ascii_hexdigit)
        {
            u16::from_str_radix(&s[2..6], 16).ok()
        } else {
            None
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find("_x") {
        out.push_str(&rest[..pos]);
        let cand = &rest[pos..];
        match unit(cand) {
            Some(hi @ 0xD800..=0xDBFF) => match unit(&cand[7..]) {
                Some(lo @ 0xDC00..=0xDFFF) => {
                    let cp = 0x10000 + ((u32::from(hi) - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
                    out.push(char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER));
                    rest = &cand[14..];
                }
                _ => {
                    out.push(char::REPLACEMENT_CHARACTER);
                    rest = &cand[7..];
                }
            },
            Some(c) => {
                out.push(char::from_u32(u32::from(c)).unwrap_or(char::REPLACEMENT_CHARACTER));
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

    #[test]
    fn lone_surrogates_become_the_replacement_character() {
        // A high surrogate followed by an ordinary character (it used to underflow).
        assert_eq!(decode_ps_escapes("_xD800__x0041_"), "\u{FFFD}A");
        // A high surrogate at the end, a low one alone, two highs in a row.
        assert_eq!(decode_ps_escapes("x_xD83D_"), "x\u{FFFD}");
        assert_eq!(decode_ps_escapes("_xDE00_y"), "\u{FFFD}y");
        assert_eq!(decode_ps_escapes("_xD83D__xD83D__xDE00_"), "\u{FFFD}😀");
        // Almost-escapes are text.
        assert_eq!(decode_ps_escapes("_xD83D__xZZZZ_"), "\u{FFFD}_xZZZZ_");
        assert_eq!(decode_ps_escapes("_x00e9_"), "é");
        assert_eq!(decode_ps_escapes("é_x"), "é_x");
    }

    #[test]
    fn dotnet_floats() {
        assert!(parse_dotnet_float("NaN").unwrap().is_nan());
        assert_eq!(parse_dotnet_float("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_dotnet_float("1.5E+20"), Some(1.5e20));
        assert_eq!(parse_dotnet_float("inf"), None);
    }
}
