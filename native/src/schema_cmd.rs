//! `schema [--list|NAME]`: JSON Schema (draft 2020-12) of every record type.

use crate::cli::SchemaArgs;
use crate::error::{AppError, AppResult};
use crate::records::{registry, SchemaKind};
use crate::run::Context;

pub fn run(ctx: &mut Context, args: &SchemaArgs) -> AppResult<()> {
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
    ctx.write_text(&text)
}
