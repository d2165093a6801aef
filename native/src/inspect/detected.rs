//! How `InputInspection` writes what the reader detected: the reader's own names for its
//! encodings and dialects, and an empty text where nothing was detected.
//!
//! A file that cannot be opened (empty, console text, an unknown encoding) has no encoding or
//! dialect: the record holds `None`, which is written `""` because the field has always been a
//! text and scripts reading it (`$_.Encoding -eq ''`) must keep working. `None` rather than a
//! `NotRead` variant on the reader's enums: the reader never produces such a value, so it
//! belongs to the record, not to the reader.

use crate::ingest::{Dialect, TextEncoding};
use schemars::{json_schema, Schema, SchemaGenerator};
use serde::Serializer;

/// What the record writes for a detected encoding.
pub fn encoding_text(encoding: Option<TextEncoding>) -> &'static str {
    encoding.map_or("", TextEncoding::name)
}

/// What the record writes for a detected dialect.
pub fn dialect_text(dialect: Option<Dialect>) -> &'static str {
    dialect.map_or("", Dialect::name)
}

pub fn write_encoding<S: Serializer>(
    encoding: &Option<TextEncoding>,
    out: S,
) -> Result<S::Ok, S::Error> {
    out.serialize_str(encoding_text(*encoding))
}

pub fn write_dialect<S: Serializer>(dialect: &Option<Dialect>, out: S) -> Result<S::Ok, S::Error> {
    out.serialize_str(dialect_text(*dialect))
}

pub fn encoding_schema(_: &mut SchemaGenerator) -> Schema {
    texts_schema(TextEncoding::ALL.map(TextEncoding::name))
}

pub fn dialect_schema(_: &mut SchemaGenerator) -> Schema {
    texts_schema(Dialect::ALL.map(Dialect::name))
}

/// A text that is one of `names`, or empty (nothing detected).
fn texts_schema<const N: usize>(names: [&'static str; N]) -> Schema {
    let allowed: Vec<&str> = names.into_iter().chain([""]).collect();
    json_schema!({ "type": "string", "enum": allowed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_detected_is_written_as_an_empty_text() {
        assert_eq!(encoding_text(None), "");
        assert_eq!(dialect_text(None), "");
        let mut json = Vec::new();
        write_dialect(&None, &mut serde_json::Serializer::new(&mut json)).unwrap();
        assert_eq!(json, br#""""#);
    }

    #[test]
    fn a_detected_value_is_written_by_the_readers_name() {
        assert_eq!(
            encoding_text(Some(TextEncoding::Utf16LeBom)),
            "UTF-16 LE with BOM"
        );
        let mut json = Vec::new();
        write_encoding(
            &Some(TextEncoding::Utf8Bom),
            &mut serde_json::Serializer::new(&mut json),
        )
        .unwrap();
        assert_eq!(json, br#""UTF-8 with BOM""#);
        assert_eq!(dialect_text(Some(Dialect::FormatList)), "Format-List text");
    }

    #[test]
    fn the_schema_lists_every_name_written() {
        let schema = dialect_schema(&mut SchemaGenerator::default());
        let allowed = schema.get("enum").and_then(|e| e.as_array()).unwrap();
        for d in Dialect::ALL {
            assert!(allowed.contains(&dialect_text(Some(d)).into()), "{d:?}");
        }
        assert!(allowed.contains(&"".into()));
        let schema = encoding_schema(&mut SchemaGenerator::default());
        let allowed = schema.get("enum").and_then(|e| e.as_array()).unwrap();
        assert_eq!(allowed.len(), TextEncoding::ALL.len() + 1);
    }
}
