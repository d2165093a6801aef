//! JSON strings written straight into a buffer, byte for byte as serde_json writes them: text
//! that needs no escaping (nearly all of it: names, addresses, policy identities) is copied
//! eight bytes at a time, the rest goes through serde_json's own escaping.

const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of each byte of `x` (eight bytes, little-endian) that is a quote, a backslash
/// or a control character — what serde_json escapes in a string, and what ends a string's
/// plain run when reading one. The lowest bit set is exact; bits above it may be spurious.
#[inline(always)]
pub fn special_bytes(x: u64) -> u64 {
    let ctrl = x.wrapping_sub(ONES * 0x20) & !x;
    let q = x ^ (ONES * u64::from(b'"'));
    let q = q.wrapping_sub(ONES) & !q;
    let bs = x ^ (ONES * u64::from(b'\\'));
    let bs = bs.wrapping_sub(ONES) & !bs;
    (ctrl | q | bs) & (ONES * 0x80)
}

#[inline(always)]
fn needs_escape_word(x: u64) -> bool {
    special_bytes(x) != 0
}

/// Whether JSON must escape some byte of `s` (a quote, a backslash or a control character).
#[inline]
pub fn needs_escape(s: &[u8]) -> bool {
    let mut chunks = s.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if needs_escape_word(u64::from_le_bytes(word)) {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&c| c == b'"' || c == b'\\' || c < 0x20)
}

/// Appends `s` as a JSON string.
#[inline]
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    if needs_escape(s.as_bytes()) {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
        return;
    }
    out.reserve(s.len() + 2);
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        for s in [
            "",
            "plain",
            "sip:user0@contoso.com",
            "quote \" inside",
            "back\\slash",
            "tab\tand\nnew line",
            "\u{1}\u{1f}\u{7f}",
            "é ünïcödé 😀",
            "exactly8",
            "sixteen bytes!!!",
            "seventeen bytes!\"",
        ] {
            let mut out = Vec::new();
            write_str(&mut out, s);
            assert_eq!(out, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
    }
}
