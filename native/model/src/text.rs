//! Text comparisons every reader makes the same way.

/// `s` after `prefix`, compared ignoring ASCII case (`Tag:`, `sip:`, `tel:`, `MCOEV_`…); `None`
/// when `s` does not start with it. The one such helper: every audit and reader uses it.
pub fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let n = prefix.len();
    (s.len() >= n && s.as_bytes()[..n].eq_ignore_ascii_case(prefix.as_bytes()))
        // The prefix matched byte for byte as ASCII-case-folded text, so `n` is a boundary
        // whenever the prefix is ASCII; a non-ASCII prefix needs the check.
        .then(|| s.get(n..))
        .flatten()
}

/// Whether `s` starts with `prefix`, ignoring ASCII case.
pub fn starts_with_ci(s: &str, prefix: &str) -> bool {
    strip_prefix_ci(s, prefix).is_some()
}

/// A SIP address as every audit keys users by it, and as Lync writes it: trimmed, lower case,
/// with the `sip:` scheme. The one convention (lync and rightsize compare addresses in it).
pub fn sip_key(sip: &str) -> String {
    let s = sip.trim();
    let bare = strip_prefix_ci(s, "sip:").unwrap_or(s);
    let mut key = String::with_capacity(bare.len() + 4);
    key.push_str("sip:");
    key.push_str(&bare.to_ascii_lowercase());
    key
}

/// The address of a [`sip_key`] without its scheme: what the same user's UserPrincipalName
/// reads when the two agree.
pub fn sip_user(key: &str) -> &str {
    key.strip_prefix("sip:").unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_ignore_ascii_case_only() {
        assert_eq!(
            strip_prefix_ci("SIP:alice@contoso.com", "sip:"),
            Some("alice@contoso.com")
        );
        assert_eq!(strip_prefix_ci("Tag:ENT", "tag:"), Some("ENT"));
        assert_eq!(strip_prefix_ci("ta", "tag:"), None);
        assert_eq!(strip_prefix_ci("é:x", "É:"), None, "ASCII case only");
        assert_eq!(strip_prefix_ci("éx", "é"), Some("x"));
        assert!(starts_with_ci("mcoev_virtualuser", "MCOEV_"));
        assert!(!starts_with_ci("MCO", "MCOEV"));
        // A multi-byte character where the prefix ends: no panic, no match.
        assert_eq!(strip_prefix_ci("aé", "ab"), None);
    }

    #[test]
    fn sip_keys_have_one_spelling() {
        for a in [
            "Alice@Contoso.com",
            " SIP:alice@contoso.com ",
            "sip:ALICE@contoso.com",
        ] {
            assert_eq!(sip_key(a), "sip:alice@contoso.com", "{a:?}");
            assert_eq!(sip_user(&sip_key(a)), "alice@contoso.com");
        }
    }
}

/// A summary block for a terminal: `title`, then one `  Key : value` line per pair with the
/// colons aligned (how PowerShell's Format-List reads), e.g. `  Standard   : 14`.
pub fn key_value_lines(title: &str, pairs: &[(String, String)]) -> Vec<String> {
    let width = pairs
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines = vec![title.to_string()];
    for (key, value) in pairs {
        let pad = width - key.chars().count();
        lines.push(format!("  {key}{} : {value}", " ".repeat(pad)));
    }
    lines
}

#[cfg(test)]
mod key_value_tests {
    use super::key_value_lines;

    #[test]
    fn colons_line_up() {
        let lines = key_value_lines(
            "Summary",
            &[
                ("Standard".into(), "14".into()),
                ("Need nothing".into(), "1".into()),
            ],
        );
        assert_eq!(
            lines,
            ["Summary", "  Standard     : 14", "  Need nothing : 1"]
        );
    }
}
