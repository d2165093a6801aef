//! Values as text where they land: a CSV or table cell (PowerShell's spelling of values, formula
//! starts defused) and a terminal line (control characters escaped). The slow
//! (serde_json::Value) and fast (`csv_cells`) CSV paths and the diagnostics all use it, so it
//! sits below them, depending on no other output file.

use serde_json::Value;

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return
/// first) gets a leading apostrophe, so a DisplayName such as `=HYPERLINK(…)` stays text when the
/// CSV is opened in Excel (OWASP "CSV Injection"). So does such a start after a `,`, `;`, tab or
/// line break inside the cell: Excel in a locale whose list separator is `;` (German, French, …)
/// splits the line there, quotes or not, and `x;=cmd|' /C calc'!A0` would become a live formula
/// (issue #22 item 4).
pub fn defuse_formula(cell: String) -> String {
    match defused(&cell) {
        Some(d) => d,
        None => cell,
    }
}

/// [`defuse_formula`] without copying a cell that needs nothing.
pub(super) fn defuse_formula_str(cell: &str) -> std::borrow::Cow<'_, str> {
    match defused(cell) {
        Some(d) => std::borrow::Cow::Owned(d),
        None => std::borrow::Cow::Borrowed(cell),
    }
}

/// The cell with an apostrophe before each formula start (at the beginning, or right after a
/// separator a spreadsheet may split at); `None` when it needs none.
pub(super) fn defused(cell: &str) -> Option<String> {
    if !has_formula_start(cell.as_bytes()) {
        return None;
    }
    let b = cell.as_bytes();
    // Every byte tested is ASCII, so each insertion falls on a character boundary.
    let mut out = String::with_capacity(cell.len() + 4);
    for (i, c) in cell.char_indices() {
        if c.is_ascii() && formula_starts_at(b, i) {
            out.push('\'');
        }
        out.push(c);
    }
    Some(out)
}

/// Whether a formula starts at byte `i`: the cell's first byte is `=`, `+`, `-`, `@`, a tab or
/// a carriage return, or one of `=`, `+`, `-`, `@` follows a `,`, `;`, tab or line break.
fn formula_starts_at(b: &[u8], i: usize) -> bool {
    if i == 0 {
        matches!(b[0], b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    } else {
        matches!(b[i - 1], b',' | b';' | b'\t' | b'\r' | b'\n') && is_formula_char(b[i])
    }
}

fn is_formula_char(c: u8) -> bool {
    matches!(c, b'=' | b'+' | b'-' | b'@')
}

/// [`formula_starts_at`] anywhere in the cell. Every CSV cell is tested, and reason lists are
/// hundreds of bytes: the separators of a long cell are found with memchr's vector search (a
/// cell rarely holds one) rather than by testing each byte, which made CSV output a third
/// slower. A short cell (a name, a DN, `True`) is tested byte by byte: setting up five vector
/// searches cost more than the loop, and a DN's commas each stopped them.
fn has_formula_start(b: &[u8]) -> bool {
    if b.is_empty() {
        return false;
    }
    if formula_starts_at(b, 0) {
        return true;
    }
    if b.len() < 64 {
        return short_cell_has_formula_start(b);
    }
    let follows = |sep: usize| b.get(sep + 1).is_some_and(|&c| is_formula_char(c));
    memchr::memchr3_iter(b',', b';', b'\t', b).any(follows)
        || memchr::memchr2_iter(b'\r', b'\n', b).any(follows)
}

/// Whether a cell needs neither defusing nor quotes: no formula start first and none of
/// `, ; " tab CR LF` anywhere (so no formula start after a separator either). Most cells (names,
/// addresses, policy names) are such: one scan then answers both questions the CSV printer asks.
pub(super) fn is_plain_cell(b: &[u8]) -> bool {
    if b.first()
        .is_some_and(|&c| matches!(c, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
    {
        return false;
    }
    if b.len() >= 64 {
        return memchr::memchr3(b',', b';', b'"', b).is_none()
            && memchr::memchr3(b'\t', b'\r', b'\n', b).is_none();
    }
    !any_word(b, |x| separators(x) | eq_bytes(x, b'"') != 0)
}

/// Whether a field holds a comma, quote, CR or LF: the csv crate quotes it then.
pub(super) fn needs_quotes(b: &[u8]) -> bool {
    any_word(b, |x| {
        eq_bytes(x, b',') | eq_bytes(x, b'"') | eq_bytes(x, b'\r') | eq_bytes(x, b'\n') != 0
    })
}

const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of each byte of `x` that equals `c`. Exact per byte (no borrow crosses a byte),
/// unlike the usual "has a zero byte" test.
fn eq_bytes(x: u64, c: u8) -> u64 {
    const LOW7: u64 = ONES * 0x7f;
    const HIGH: u64 = ONES * 0x80;
    let y = x ^ (ONES * u64::from(c));
    !(((y & LOW7) + LOW7) | y) & HIGH
}

/// [`eq_bytes`] for the separators a spreadsheet may split a cell at: `,` `;` tab CR LF.
fn separators(x: u64) -> u64 {
    eq_bytes(x, b',')
        | eq_bytes(x, b';')
        | eq_bytes(x, b'\t')
        | eq_bytes(x, b'\r')
        | eq_bytes(x, b'\n')
}

/// Whether `f` holds for any of the bytes of `b` as little-endian words, eight at a time, the
/// last up to seven zero-padded (a zero byte is none of the bytes looked for) and assembled byte
/// by byte: a copy of a variable length would be a call to memcpy. (A loop, not an iterator
/// chain: every CSV cell goes through here, and a chain cost the CSV run's main thread 5% more
/// instructions.)
#[inline(always)]
fn any_word(b: &[u8], mut f: impl FnMut(u64) -> bool) -> bool {
    let mut whole = b.chunks_exact(8);
    for w in &mut whole {
        if f(u64::from_le_bytes(w.try_into().expect("eight bytes"))) {
            return true;
        }
    }
    let rest = whole.remainder();
    !rest.is_empty()
        && f(rest
            .iter()
            .enumerate()
            .fold(0u64, |x, (i, &c)| x | u64::from(c) << (8 * i)))
}

/// A formula start after a separator, eight bytes at a time: per word, a mask of separator
/// bytes shifted one byte up (the last byte's carried into the next word) meets a mask of
/// formula characters.
fn short_cell_has_formula_start(b: &[u8]) -> bool {
    let mut carry = 0u64;
    let starts_in = |x: u64| {
        let separators = separators(x);
        let mut found = false;
        if separators | carry != 0 {
            let formula =
                eq_bytes(x, b'=') | eq_bytes(x, b'+') | eq_bytes(x, b'-') | eq_bytes(x, b'@');
            found = ((separators << 8) | carry) & formula != 0;
        }
        carry = separators >> 56;
        found
    };
    any_word(b, starts_in)
}

/// How a value reads in one CSV or table cell: booleans as PowerShell prints them, lists joined
/// with "; ", an object's values joined with " | " (e.g. a reason: "Enterprise | ConferencingPolicy
/// Global | AllowIPVideo=True").
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell_text).collect::<Vec<_>>().join("; "),
        Value::Object(m) => m
            .values()
            .map(cell_text)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" | "),
    }
}

/// Text for a terminal: C0 and C1 control characters and DEL as visible escapes (`\u{1b}`,
/// `\r`, `\n`, `\t`), so a DisplayName holding ESC, BEL or CR-LF can neither drive the
/// terminal nor forge a `license-audit: error:` line (issue #22 item 10). NDJSON and CSV escape
/// or quote on their own and keep the text as it is.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_word_scans_agree_with_the_byte_by_byte_definitions() {
        // Every string of up to four characters over separators, formula starts and text.
        let alphabet = [",", ";", "\t", "\r", "\n", "=", "-", "@", "a", "é", "\""];
        let mut cells = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = cells
                .iter()
                .flat_map(|c| alphabet.iter().map(move |a| format!("{c}{a}")))
                .collect();
            cells.extend(longer);
        }
        cells.sort();
        cells.dedup();
        // Each as it is (the short cells' loop) and inside a long cell (the vector search).
        let pad = "x".repeat(64);
        for short in &cells {
            for cell in [
                short.clone(),
                format!("{pad}{short}"),
                format!("{short}{pad}"),
            ] {
                let b = cell.as_bytes();
                let byte_by_byte = (0..b.len()).any(|i| formula_starts_at(b, i));
                assert_eq!(has_formula_start(b), byte_by_byte, "{cell:?}");
                let plain = (b.is_empty() || !formula_starts_at(b, 0))
                    && !b.iter().any(|c| b",;\"\t\r\n".contains(c));
                assert_eq!(is_plain_cell(b), plain, "{cell:?}");
                let quoted = b.iter().any(|c| b",\"\r\n".contains(c));
                assert_eq!(needs_quotes(b), quoted, "{cell:?}");
            }
        }
    }

    #[test]
    fn no_formula_start_after_any_separator_a_spreadsheet_may_split_at() {
        for (cell, safe) in [
            ("x;=cmd|' /C calc'!A0", "x;'=cmd|' /C calc'!A0"),
            ("=1+2", "'=1+2"),
            ("a,@SUM(1)", "a,'@SUM(1)"),
            ("a\t-2\r\n+3", "a\t'-2\r\n'+3"),
            ("\t=x", "'\t'=x"),
            ("Zoë;=x", "Zoë;'=x"),
        ] {
            assert_eq!(defuse_formula(cell.to_string()), safe, "{cell:?}");
        }
        for plain in ["MCOEV; MCOPSTN1", "Ann Lee", "a-b", "x; =y", "", "ü;ü"] {
            assert_eq!(defused(plain), None, "{plain:?}");
        }
        // Split at , ; or tab, no piece of a defused cell starts a formula.
        let cell = defuse_formula("x;=a,+b\t@c\n-d".to_string());
        for piece in cell.split([',', ';', '\t', '\n', '\r']) {
            assert!(
                !piece.starts_with(['=', '+', '-', '@']),
                "{piece:?} in {cell:?}"
            );
        }
    }

    #[test]
    fn cells_read_like_powershell() {
        assert_eq!(cell_text(&json!(true)), "True");
        assert_eq!(cell_text(&json!(["a", "b"])), "a; b");
        assert_eq!(
            cell_text(
                &json!([{"Cal":"Enterprise","Source":"Global","Detail":"AllowIPVideo=True"}])
            ),
            "Enterprise | Global | AllowIPVideo=True"
        );
    }
}
