//! Two small readings of Teams values: a policy's identity (`policy_key`) and a nested property's
//! text (`nested_text`). In a file of their own, below the readers that use them, so the readers
//! never reach back into `m365/mod.rs` (which re-exports the readers).

use crate::ingest::record::value_text;
use crate::ingest::{PsValue, Record};
use crate::model::InputError;

/// The identity a Teams policy assignment or policy export names: `Global`, or the tag name
/// (`Tag:` and `Global:` prefixes removed), compared case-insensitively.
pub fn policy_key(name: &str) -> String {
    let n = name.trim();
    let n = crate::model::text::strip_prefix_ci(n, "Tag:").unwrap_or(n);
    n.to_ascii_lowercase()
}

/// The text of a nested property of an object value (`{"Name": "x"}` → `x`).
pub(crate) fn nested_text(
    r: &Record,
    property: &str,
    v: &PsValue,
    names: &[&str],
) -> Result<Option<String>, InputError> {
    if let PsValue::Object(o) = v {
        for n in names {
            if let Some(inner) = o.get(n) {
                return value_text(inner).map_err(|m| r.error(property, m));
            }
        }
        if let Some(t) = &o.to_string {
            return Ok(Some(t.clone()).filter(|t| !t.trim().is_empty()));
        }
        return Ok(None);
    }
    value_text(v).map_err(|m| r.error(property, m))
}
