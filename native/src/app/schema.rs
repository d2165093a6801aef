//! `schema [--list|NAME]`: JSON Schema (draft 2020-12) of every record type.

use super::cli::SchemaArgs;
use super::exit::AppError;
use super::session::Session;
use crate::model::{SchemaEntry, SchemaKind};

/// Every record type the binary reads or writes: each audit lists its own.
pub fn registry() -> Vec<SchemaEntry> {
    let mut all = crate::inspect::schemas();
    all.extend(crate::lync::schemas());
    all.extend(crate::ual::schemas());
    all.extend(crate::rightsize::schemas());
    all.extend(crate::workbook::schemas());
    all.extend(crate::history::schemas());
    all.extend(crate::uc::schemas());
    all.extend(crate::teams::schemas());
    all.sort_by_key(|e| e.name);
    all
}

pub fn run(s: &mut Session, args: &SchemaArgs) -> Result<(), AppError> {
    let entries = registry();
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
