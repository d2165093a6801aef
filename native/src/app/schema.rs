//! `schema [--list|NAME]`: JSON Schema (draft 2020-12) of every record type (the registry is
//! the union of the commands' own, `audits::registry`).

use super::cli::SchemaArgs;
use super::exit::AppError;
use super::session::Session;
use crate::model::{SchemaEntry, SchemaKind};

/// The record types of several commands as one list: sorted by name, each name once (commands
/// of one domain share its types).
pub fn union(entries: impl IntoIterator<Item = SchemaEntry>) -> Vec<SchemaEntry> {
    let mut all: Vec<SchemaEntry> = entries.into_iter().collect();
    all.sort_by_key(|e| e.name);
    all.dedup_by_key(|e| e.name);
    all
}

/// Prints `entries` (the registry) as `args` asks.
pub fn run(s: &mut Session, args: &SchemaArgs, entries: Vec<SchemaEntry>) -> Result<(), AppError> {
    let text = if args.list {
        entries
            .iter()
            .map(|e| {
                let kind = if e.kind == SchemaKind::Input {
                    "input"
                } else {
                    "output"
                };
                format!("{}\t{kind}\t{}\n", e.name, e.description)
            })
            .collect::<String>()
    } else if let Some(name) = &args.name {
        let e = entries
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                AppError::Arguments(format!(
                    "no record type '{name}'; known: {}",
                    entries
                        .iter()
                        .map(|e| e.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        serde_json::to_string_pretty(&(e.schema)()).expect("json") + "\n"
    } else {
        let defs: serde_json::Map<String, serde_json::Value> = entries
            .iter()
            .map(|e| (e.name.to_string(), (e.schema)()))
            .collect();
        let all = serde_json::json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "LicenseAudit records",
            "$defs": defs,
        });
        serde_json::to_string_pretty(&all).expect("json") + "\n"
    };
    s.write_text(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &'static str, description: &'static str) -> SchemaEntry {
        SchemaEntry {
            name,
            kind: SchemaKind::Output,
            description,
            schema: || serde_json::Value::Null,
        }
    }

    #[test]
    fn the_union_is_sorted_by_name_and_keeps_a_shared_name_once() {
        let all = union([
            entry("Zeta", "z"),
            entry("Alpha", "first"),
            entry("Mid", "m"),
            entry("Alpha", "first"),
        ]);
        let names: Vec<&str> = all.iter().map(|e| e.name).collect();
        assert_eq!(names, ["Alpha", "Mid", "Zeta"]);
        assert!(union([]).is_empty());
    }
}
