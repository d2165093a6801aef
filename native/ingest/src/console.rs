//! Console text: what admins paste from their PowerShell window instead of exporting.
//!
//! - `Format-List` text (`Name : Value` lines; the default view of most Lync and UAL cmdlets) is
//!   read, as the [`crate::Dialect::FormatList`] dialect: records are blocks separated by blank
//!   lines (or, in text that has a blank line after every property — how the documentation
//!   shows it — a name seen again starts the next record); indented continuation lines belong to
//!   the value above. Everything is text, as in CSV. A value PowerShell cut short (`{a, b,
//!   c...}` past `$FormatEnumerationLimit`, a trailing `...` or `…`) becomes
//!   [`PsValue::Truncated`]: unknown, an error naming the property when it is used.
//! - `Format-Table` text (a header row over a row of dashes) cannot be read back — columns are
//!   cut to the window and values shortened — and is refused, with the command that makes an
//!   export, as is anything else that follows a `PS C:\>` prompt line.
//!
//! Long values wrap at the console's width onto indented lines. A line that filled an 80-column
//! or wider window (79 characters or more) is taken to have wrapped and is joined to the next
//! without a separator; a shorter one ended a line of the value, and a line break joins them.

use crate::source::Lookahead;
use crate::value::{PsObject, PsValue};
use crate::Record;
use license_audit_model::InputError;
use std::io::{BufRead, Read};
use std::sync::Arc;

/// How much of the start of a file the detection looks at.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// What the start of a text that is not JSON or XML looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniffed {
    /// `Name : Value` blocks.
    FormatList {
        /// A blank line after every property: blank lines do not separate records.
        double_spaced: bool,
        /// The command on a `PS …>` prompt line above the text, if there was one.
        command: Option<String>,
    },
    /// Console text that cannot be read back; the message says why and what to run instead.
    Refused(String),
    /// Not console text (CSV, as far as this can tell).
    Other,
}

/// A `PS C:\>` (or Exchange-style `[PS] C:\>`) prompt line: the command typed after it.
pub fn prompt_command(line: &str) -> Option<&str> {
    let l = line.trim_start();
    let rest = match l.strip_prefix("[PS]") {
        Some(r) => r,
        None => l.strip_prefix("PS")?,
    };
    // "PS>" or "PS C:\path>"; not "PSComputerName : x".
    if !(rest.starts_with('>') || rest.starts_with(' ')) {
        return None;
    }
    let gt = rest.find('>')?;
    if rest[..gt].contains(" :") {
        return None;
    }
    Some(rest[gt + 1..].trim())
}

/// `Name : value` as Format-List writes it: the name (padded with spaces to the longest one),
/// at least one space, a colon, then a space and the value, or nothing for an empty value.
/// Returns the name and the value (which may be empty) and the column of the colon.
pub fn property_line(line: &str) -> Option<(&str, &str, usize)> {
    if line.is_empty() || line.starts_with(char::is_whitespace) {
        return None;
    }
    // The colon after the padding: spaces as Format-List pads, or tabs (Microsoft's docs pages
    // print `ReverseNumberLookup\t\t: {}`).
    let colon = line
        .match_indices(':')
        .map(|(i, _)| i)
        .find(|&i| i > 0 && matches!(line.as_bytes()[i - 1], b' ' | b'\t'))?;
    let name = line[..colon].trim_end();
    // A property name: no quotes (a CSV header has them), no colon, no control characters.
    if name.is_empty()
        || name.len() > 256
        || name.contains([':', '"'])
        || name.chars().any(char::is_control)
    {
        return None;
    }
    let after = &line[colon + 1..];
    let value = match after.strip_prefix(' ') {
        Some(v) => v,
        None if after.trim().is_empty() => "",
        None => return None,
    };
    Some((name, value, colon))
}

/// In a property's value, another `Name :` glued to its end (`TrueAlias : x`): a word before
/// ` : ` that runs on from the value without a space and turns from a lower-case letter, a digit
/// or a closing bracket to an upper-case one (`True|Alias`, `}|Identity`). A value that merely
/// holds ` : ` (`Notes : a : b`) is left alone. Returns the glued word.
fn glued_property(value: &str) -> Option<&str> {
    let at = value.find(" : ")?;
    let word = &value[..at];
    if word.is_empty() || word.contains(char::is_whitespace) {
        return None;
    }
    let b = word.as_bytes();
    b.windows(2)
        .any(|w| {
            (w[0].is_ascii_lowercase() || w[0].is_ascii_digit() || matches!(w[0], b'}' | b']'))
                && w[1].is_ascii_uppercase()
        })
        .then_some(word)
}

fn is_dash_row(line: &str) -> bool {
    let t = line.trim_end();
    !t.is_empty() && t.contains('-') && t.bytes().all(|b| b == b'-' || b == b' ')
}

/// The export command to suggest: the prompt's command without its Format-* / Out-* tail, or
/// a generic example.
fn export_advice(command: Option<&str>) -> String {
    let base = command.and_then(|c| {
        let first = c
            .split('|')
            .next()
            .map(str::trim)
            .filter(|s| !s.is_empty())?;
        Some(first.to_string())
    });
    match base {
        Some(cmd) => {
            let noun = cmd
                .split_whitespace()
                .next()
                .and_then(|v| v.split_once('-'))
                .map(|(_, n)| n.to_ascii_lowercase())
                .filter(|n| n.chars().all(|c| c.is_ascii_alphanumeric()) && !n.is_empty())
                .unwrap_or_else(|| "export".into());
            format!("{cmd} | Export-Clixml {noun}.xml (or {cmd} | ConvertTo-Json -Depth 5 | Out-File {noun}.json -Encoding UTF8)")
        }
        None => "e.g. Get-CsConferencingPolicy | Export-Clixml policies.xml (or ... | ConvertTo-Json -Depth 5 | Out-File policies.json -Encoding UTF8)".into(),
    }
}

/// The message for console text that is read anyway (Format-List): what is lost.
pub fn format_list_note(command: Option<&str>) -> String {
    format!(
        "is Format-List console text, not an export: every value is text, and values PowerShell cut short are unknown; for a faithful input run {}",
        export_advice(command)
    )
}

/// Looks at the start of a text that is not JSON or XML.
pub fn sniff(head: &str) -> Sniffed {
    let mut lines = head.lines().map(|l| l.trim_end_matches('\r')).peekable();
    let mut command = None;
    // Leading blank lines, then an optional prompt line (and `>>` continuation lines).
    while lines.peek().is_some_and(|l| l.trim().is_empty()) {
        lines.next();
    }
    if let Some(cmd) = lines.peek().and_then(|l| prompt_command(l)) {
        command = Some(cmd.to_string());
        lines.next();
        while lines
            .peek()
            .is_some_and(|l| l.trim().is_empty() || l.starts_with(">> "))
        {
            lines.next();
        }
    }
    let rest: Vec<&str> = lines.take(400).collect();
    let Some(first) = rest.first() else {
        return match command {
            Some(c) => Sniffed::Refused(format!(
                "holds only a PowerShell prompt line (PS …> {c}), no output: export the objects instead: {}",
                export_advice(Some(&c))
            )),
            None => Sniffed::Other,
        };
    };
    if rest.len() >= 2 && is_dash_row(rest[1]) && !first.trim().is_empty() {
        return Sniffed::Refused(format!(
            "is Format-Table console text (a header row over a row of dashes), not an export: columns are cut to the window's width and long values shortened, so it cannot be read back; export the objects instead: {}",
            export_advice(command.as_deref())
        ));
    }
    if property_line(first).is_some() {
        let props: Vec<usize> = rest
            .iter()
            .enumerate()
            .filter(|(_, l)| property_line(l).is_some())
            .map(|(i, _)| i)
            .collect();
        let double_spaced = props.len() >= 2
            && props.windows(2).all(|w| w[1] > w[0] + 1)
            && props
                .iter()
                .all(|&i| rest.get(i + 1).is_none_or(|l| l.trim().is_empty()));
        return Sniffed::FormatList {
            double_spaced,
            command,
        };
    }
    match command {
        Some(c) => Sniffed::Refused(format!(
            "starts with a PowerShell prompt line (PS …> {c}): this is text copied from the console window, which wraps and cuts what it shows; export the objects instead: {}",
            export_advice(Some(&c))
        )),
        None => Sniffed::Other,
    }
}

/// Reads Format-List text one record (block) at a time.
pub struct FormatListReader {
    file: Arc<str>,
    r: Lookahead,
    double_spaced: bool,
    pub command: Option<String>,
    line_no: u64,
    /// A property line that starts the next record (its name was already in this one).
    carry: Option<(u64, String)>,
    index: u64,
    done: bool,
}

/// The property being read: its name, its text so far, the length of its last line, and the
/// column its value starts at (continuation lines are indented to it).
struct Open {
    name: String,
    value: String,
    last_len: usize,
    indent: usize,
}

/// A line that wrapped at the console's width (79 or more characters) is joined without a
/// separator; a shorter one ended a line of the value.
const WRAP_WIDTH: usize = 79;

impl FormatListReader {
    pub fn new(
        file: Arc<str>,
        r: Box<dyn BufRead>,
        double_spaced: bool,
        command: Option<String>,
    ) -> Self {
        FormatListReader {
            file,
            r: Lookahead::new(r),
            double_spaced,
            command,
            line_no: 0,
            carry: None,
            index: 0,
            done: false,
        }
    }

    /// The next line without its line break (and whether it was valid UTF-8); `Ok(None)` at
    /// the end.
    fn read_line(&mut self) -> Result<Option<(String, bool)>, InputError> {
        let mut bytes = Vec::new();
        let n = (&mut self.r)
            .take(crate::MAX_RECORD_BYTES as u64 + 1)
            .read_until(b'\n', &mut bytes)
            .map_err(|e| InputError::file(&*self.file, format!("cannot read: {e}")))?;
        if n == 0 {
            return Ok(None);
        }
        self.line_no += 1;
        if bytes.len() > crate::MAX_RECORD_BYTES {
            self.done = true;
            return Err(InputError::file(
                &*self.file,
                format!(
                    "line {} is longer than {}: this is not console text",
                    self.line_no,
                    crate::describe_record_limit()
                ),
            ));
        }
        while matches!(bytes.last(), Some(b'\n' | b'\r')) {
            bytes.pop();
        }
        Ok(Some(match String::from_utf8(bytes) {
            Ok(s) => (s, true),
            Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), false),
        }))
    }

    fn next_record(&mut self) -> Result<Option<Record>, InputError> {
        let mut obj = PsObject::builder();
        let mut open: Option<Open> = None;
        // The first thing wrong with this block.
        let mut bad: Option<String> = None;
        let not_fl = |n: u64, text: &str| {
            let shown: String = text.chars().take(60).collect();
            format!(
                "line {n} ('{shown}') is not 'Name : Value' Format-List text (a warning or error mixed into the console output?)"
            )
        };
        let mut size = 0usize;
        let mut started = false;
        loop {
            let (line_no, line) = match self.carry.take() {
                Some(c) => c,
                None => match self.read_line()? {
                    Some((l, utf8)) => {
                        if !utf8 && bad.is_none() {
                            started = true;
                            bad = Some(format!(
                                "line {}: {}",
                                self.line_no,
                                crate::source::not_utf8_message()
                            ));
                        }
                        (self.line_no, l)
                    }
                    None => {
                        self.done = true;
                        break;
                    }
                },
            };
            size += line.len();
            if size > crate::MAX_RECORD_BYTES {
                self.done = true;
                return Err(InputError::record(
                    &*self.file,
                    self.index + 1,
                    format!(
                        "is larger than {}: this is not console text",
                        crate::describe_record_limit()
                    ),
                )
                .fatal());
            }
            let is_prompt = prompt_command(&line).is_some();
            if is_prompt || line.trim().is_empty() || (!started && line.starts_with(">> ")) {
                if started && (is_prompt || !self.double_spaced) {
                    break;
                }
                continue;
            }
            if line.starts_with(char::is_whitespace) {
                match open.as_mut() {
                    Some(o) => {
                        // Only the indentation goes: a space the value had at the wrap stays.
                        let pad = line.len() - line.trim_start_matches(' ').len();
                        let part = &line[pad.min(o.indent)..];
                        if o.last_len < WRAP_WIDTH {
                            o.value.push('\n');
                        }
                        o.value.push_str(part);
                        o.last_len = line.len();
                    }
                    None if bad.is_none() => bad = Some(not_fl(line_no, &line)),
                    None => {}
                }
                continue;
            }
            match property_line(&line) {
                Some((name, value, colon)) => {
                    if let Some(glued) = glued_property(value) {
                        // `AccountEnabled : TrueAlias : x`: where one value ends and the next
                        // name starts cannot be told, so the record is refused, not guessed.
                        if bad.is_none() {
                            let shown: String = line.chars().take(80).collect();
                            bad = Some(format!(
                                "line {line_no} ('{shown}') holds several properties glued on one line ('{glued} :' inside the value of {name}), as a copy-paste of console text can leave them; where one value ends cannot be told, so the record is not read: export with ConvertTo-Json or Export-Csv instead"
                            ));
                        }
                        started = true;
                        continue;
                    }
                    let seen = obj.contains(name)
                        || open
                            .as_ref()
                            .is_some_and(|o| o.name.eq_ignore_ascii_case(name));
                    if seen {
                        // The same name again: the next record (pasted without blank lines).
                        self.carry = Some((line_no, line.clone()));
                        break;
                    }
                    if let Some(o) = open.take() {
                        obj.set(o.name, parse_value(&o.value));
                    }
                    started = true;
                    open = Some(Open {
                        name: name.to_string(),
                        value: value.to_string(),
                        last_len: line.len(),
                        indent: colon + 2,
                    });
                }
                None => {
                    started = true;
                    if bad.is_none() {
                        bad = Some(not_fl(line_no, &line));
                    }
                }
            }
        }
        if let Some(o) = open.take() {
            obj.set(o.name, parse_value(&o.value));
        }
        if !started {
            return Ok(None);
        }
        self.index += 1;
        if let Some(message) = bad {
            return Err(InputError::record(&*self.file, self.index, message));
        }
        Ok(Some(Record::new(
            self.file.clone(),
            self.index,
            obj.finish(),
        )))
    }
}

impl Iterator for FormatListReader {
    type Item = Result<Record, InputError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done && self.carry.is_none() {
            return None;
        }
        match self.next_record() {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => None,
            Err(e) => {
                if e.fatal {
                    self.done = true;
                    self.carry = None;
                }
                Some(Err(e))
            }
        }
    }
}

/// Whether PowerShell's formatting cut this value short.
pub fn is_truncated(value: &str) -> bool {
    let v = value.trim_end();
    let v = v.strip_suffix('}').unwrap_or(v);
    v.ends_with("...") || v.ends_with('…')
}

/// One Format-List value: empty is null, `{a, b}` a list, a value cut short unknown.
pub fn parse_value(text: &str) -> PsValue {
    let t = text.trim();
    if t.is_empty() {
        return PsValue::Null;
    }
    if is_truncated(t) {
        return PsValue::Truncated(t.to_string());
    }
    if let Some(inner) = t.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        return PsValue::list(split_list(inner));
    }
    PsValue::Str(t.to_string())
}

/// `a, b, c` as Format-List joins a collection, not splitting inside brackets.
fn split_list(inner: &str) -> Vec<PsValue> {
    let mut items = Vec::new();
    if inner.trim().is_empty() {
        return items;
    }
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'(' | b'{' => depth += 1,
            b']' | b')' | b'}' => depth -= 1,
            b',' if depth == 0 && bytes.get(i + 1) == Some(&b' ') => {
                items.push(PsValue::Str(inner[start..i].trim().to_string()));
                start = i + 2;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    items.push(PsValue::Str(inner[start..].trim().to_string()));
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_lines() {
        assert_eq!(
            property_line("Identity                                  : Global"),
            Some(("Identity", "Global", 42))
        );
        assert_eq!(
            property_line("Description                               :"),
            Some(("Description", "", 42))
        );
        assert_eq!(property_line("Notes : a : b"), Some(("Notes", "a : b", 6)));
        assert_eq!(property_line("WARNING: something"), None);
        assert_eq!(property_line("   indented : x"), None);
        assert_eq!(property_line("\"Identity\",\"AllowIPAudio\""), None);
        assert_eq!(property_line("At line:1 char:1"), None);
        // Tabs between the name and its colon, as Microsoft's docs pages print them.
        assert_eq!(
            property_line("ReverseNumberLookup\t\t: {}"),
            Some(("ReverseNumberLookup", "{}", 21))
        );
        assert_eq!(glued_property("TrueAlias : x"), Some("TrueAlias"));
        assert_eq!(glued_property("{}Identity : x"), Some("{}Identity"));
        assert_eq!(glued_property("a : b"), None);
        assert_eq!(glued_property("Some text : more"), None);
    }

    #[test]
    fn prompts() {
        assert_eq!(
            prompt_command("PS C:\\> Get-UalUserAccess -Username x"),
            Some("Get-UalUserAccess -Username x")
        );
        assert_eq!(
            prompt_command("PS C:\\>Get-UalSystemId"),
            Some("Get-UalSystemId")
        );
        assert_eq!(
            prompt_command("[PS] C:\\Windows\\system32>Get-CsUser"),
            Some("Get-CsUser")
        );
        assert_eq!(prompt_command("PS> Get-CsUser"), Some("Get-CsUser"));
        assert_eq!(prompt_command("PSComputerName   : FS01"), None);
        assert_eq!(prompt_command("Identity : Global"), None);
    }

    #[test]
    fn values() {
        assert_eq!(parse_value(""), PsValue::Null);
        assert_eq!(parse_value("{}"), PsValue::list(vec![]));
        assert_eq!(
            parse_value("{Local, Long Distance}"),
            PsValue::list(vec![
                PsValue::Str("Local".into()),
                PsValue::Str("Long Distance".into())
            ])
        );
        assert_eq!(
            parse_value("{[a, 1], [b, 2]}"),
            PsValue::list(vec![
                PsValue::Str("[a, 1]".into()),
                PsValue::Str("[b, 2]".into())
            ])
        );
        for cut in [
            "{a, b, c, d...}",
            "Some long text...",
            "Some long text…",
            "{a, b…}",
        ] {
            assert_eq!(parse_value(cut), PsValue::Truncated(cut.into()), "{cut}");
        }
    }

    #[test]
    fn advice_names_the_command() {
        let a = export_advice(Some("Get-CsConferencingPolicy | Format-Table Identity"));
        assert!(
            a.starts_with("Get-CsConferencingPolicy | Export-Clixml csconferencingpolicy.xml"),
            "{a}"
        );
        assert!(export_advice(None).contains("Export-Clixml"));
    }
}
