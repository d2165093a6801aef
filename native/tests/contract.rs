//! docs/contract.md is the project's contract; this test keeps it true.
//! - Its "Record types" section is generated from the binary's own schemas (every record type,
//!   every field, its type and allowed values). `UPDATE_CONTRACT=1 cargo test --test contract`
//!   rewrites the section; without it the test fails when the section is stale.
//! - Every command and every long option the command line accepts is named in the contract, and
//!   each command of the list of audits has its own section that names each of its options.

use license_audit::app::audits::{self, registry};
use license_audit::model::SchemaKind;
use serde_json::Value;
use std::path::PathBuf;

const BEGIN: &str = "<!-- BEGIN GENERATED: record types (cargo test --test contract regenerates with UPDATE_CONTRACT=1) -->";
const END: &str = "<!-- END GENERATED -->";

fn contract_path() -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "..", "docs", "contract.md"]
        .iter()
        .collect()
}

/// A JSON Schema type in words: `string`, `Tier (Standard, Enterprise)`, `list of Reason`,
/// with `, or null` when the field may be null.
fn type_words(v: &Value, defs: &Value) -> String {
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        let def = &defs[name];
        return match def.get("enum").and_then(Value::as_array) {
            Some(values) => format!(
                "{name} ({})",
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => match def.get("oneOf").and_then(Value::as_array) {
                Some(alts) => format!(
                    "{name} ({})",
                    alts.iter()
                        .filter_map(|a| a.get("const").and_then(Value::as_str))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                // An untagged enum (known values or any text): its alternatives in words.
                None if def.get("anyOf").is_some() => format!("{name} ({})", type_words(def, defs)),
                None => name.to_string(),
            },
        };
    }
    if let Some(c) = v.get("const") {
        return format!("`{}`", c.as_str().unwrap_or_default());
    }
    if let Some(alts) = v.get("anyOf").and_then(Value::as_array) {
        let parts: Vec<String> = alts
            .iter()
            .filter(|a| a.get("type") != Some(&Value::from("null")))
            .map(|a| type_words(a, defs))
            .collect();
        let nullable = alts.len() > parts.len();
        return format!(
            "{}{}",
            parts.join(" or "),
            if nullable { ", or null" } else { "" }
        );
    }
    let (types, nullable) = match v.get("type") {
        Some(Value::Array(ts)) => (
            ts.iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .map(str::to_string)
                .collect::<Vec<_>>(),
            ts.iter().any(|t| t == "null"),
        ),
        Some(Value::String(t)) => (vec![t.clone()], false),
        _ => (vec!["any".to_string()], false),
    };
    let words: Vec<String> = types
        .iter()
        .map(|t| match t.as_str() {
            "array" => format!(
                "list of {}",
                v.get("items")
                    .map(|i| type_words(i, defs))
                    .unwrap_or_else(|| "any".into())
            ),
            "object" => "object".into(),
            "integer" => "integer".into(),
            other => {
                let fmt = v.get("format").and_then(Value::as_str);
                match fmt {
                    Some("date-time") => "date-time (ISO 8601)".into(),
                    _ => other.to_string(),
                }
            }
        })
        .collect();
    format!(
        "{}{}",
        words.join(" or "),
        if nullable { ", or null" } else { "" }
    )
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The generated section: one table per record type, in name order.
fn generated() -> String {
    let mut md = String::from("\n");
    for e in registry() {
        let schema = (e.schema)();
        let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
        let kind = match e.kind {
            SchemaKind::Output => "output record",
            SchemaKind::Input => "input rows",
        };
        md.push_str(&format!("### {} ({kind})\n\n{}\n\n", e.name, e.description));
        md.push_str("| field | type | required | meaning |\n|---|---|---|---|\n");
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, p) in props {
                md.push_str(&format!(
                    "| {name} | {} | {} | {} |\n",
                    cell(&type_words(p, &defs)),
                    if required.contains(&name.as_str()) {
                        "yes"
                    } else {
                        ""
                    },
                    cell(p.get("description").and_then(Value::as_str).unwrap_or(""))
                ));
            }
        }
        // Nested objects (Reason, Finding, evidence, counts) get a table of their own.
        if let Some(defs) = defs.as_object() {
            for (dname, d) in defs {
                let Some(props) = d.get("properties").and_then(Value::as_object) else {
                    continue;
                };
                md.push_str(&format!(
                    "\n`{dname}` (within {}):\n\n| field | type | meaning |\n|---|---|---|\n",
                    e.name
                ));
                for (name, p) in props {
                    md.push_str(&format!(
                        "| {name} | {} | {} |\n",
                        cell(&type_words(p, &Value::Object(defs.clone()))),
                        cell(p.get("description").and_then(Value::as_str).unwrap_or(""))
                    ));
                }
            }
        }
        md.push('\n');
    }
    md
}

#[test]
fn the_record_types_section_is_generated_from_the_schemas() {
    let path = contract_path();
    let text = std::fs::read_to_string(&path).expect("docs/contract.md exists");
    let (Some(b), Some(e)) = (text.find(BEGIN), text.find(END)) else {
        panic!("docs/contract.md lacks the generated-section markers");
    };
    let current = &text[b + BEGIN.len()..e];
    let wanted = generated();
    if current != wanted {
        if std::env::var_os("UPDATE_CONTRACT").is_some() {
            let new = format!("{}{BEGIN}{wanted}{}", &text[..b], &text[e..]);
            std::fs::write(&path, new).expect("rewrite docs/contract.md");
        } else {
            panic!("docs/contract.md's record types are stale: run UPDATE_CONTRACT=1 cargo test --test contract, and review the diff");
        }
    }
    for entry in registry() {
        assert!(
            wanted.contains(&format!("### {} (", entry.name)),
            "{} is missing",
            entry.name
        );
    }
}

#[test]
fn every_command_and_option_is_in_the_contract() {
    let text = std::fs::read_to_string(contract_path()).expect("docs/contract.md exists");
    let mut missing = Vec::new();
    let mut checked = 0;
    fn walk(
        cmd: &clap::Command,
        path: &mut Vec<String>,
        text: &str,
        missing: &mut Vec<String>,
        checked: &mut usize,
    ) {
        for sub in cmd.get_subcommands() {
            path.push(sub.get_name().to_string());
            let name = path.join(" ");
            if sub.get_subcommands().next().is_none() && !text.contains(&format!("`{name}`")) {
                missing.push(format!("command `{name}`"));
            }
            for arg in sub.get_arguments() {
                if let Some(long) = arg.get_long() {
                    *checked += 1;
                    if !text.contains(&format!("--{long}")) {
                        missing.push(format!("`{name}` option --{long}"));
                    }
                }
            }
            walk(sub, path, text, missing, checked);
            path.pop();
        }
    }
    let cli = audits::command();
    for arg in cli.get_arguments() {
        if let Some(long) = arg.get_long() {
            checked += 1;
            if !text.contains(&format!("--{long}")) {
                missing.push(format!("global option --{long}"));
            }
        }
    }
    walk(&cli, &mut Vec::new(), &text, &mut missing, &mut checked);
    assert!(checked > 30, "the walk saw the options ({checked})");
    assert!(
        missing.is_empty(),
        "docs/contract.md does not describe: {}",
        missing.join(", ")
    );
}

/// The text of the `###` section whose heading ends with `` `words` ``, up to the next heading.
fn section<'a>(text: &'a str, words: &str) -> Option<&'a str> {
    let heading = format!("`{words}`");
    let mut start = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let is_heading = line.starts_with("## ") || line.starts_with("### ");
        match start {
            None if line.starts_with("### ") && line.trim_end().ends_with(&heading) => {
                start = Some(offset + line.len());
            }
            Some(from) if is_heading => return Some(&text[from..offset]),
            _ => {}
        }
        offset += line.len();
    }
    start.map(|from| &text[from..])
}

#[test]
fn each_command_of_the_list_has_a_section_naming_its_options() {
    let text = std::fs::read_to_string(contract_path()).expect("docs/contract.md exists");
    let mut missing = Vec::new();
    let mut checked = 0;
    for audit in audits::AUDITS {
        let words = audit.command.join(" ");
        let Some(section) = section(&text, &words) else {
            missing.push(format!("a ### section for `{words}`"));
            continue;
        };
        let args = audit.mapping.args(clap::Command::new("command"));
        for long in args.get_arguments().filter_map(|a| a.get_long()) {
            checked += 1;
            if !section.contains(&format!("--{long}")) {
                missing.push(format!("--{long} in the section of `{words}`"));
            }
        }
    }
    assert!(checked > 30, "the list's options were seen ({checked})");
    assert!(
        missing.is_empty(),
        "docs/contract.md lacks: {}",
        missing.join(", ")
    );
}

#[test]
fn a_section_runs_from_its_heading_to_the_next() {
    let text =
        "## 3. Commands\n### 3.1 `lync plan`\nplan --all\n### 3.2 `lync planner`\nx\n## 4. Input\n";
    assert_eq!(section(text, "lync plan"), Some("plan --all\n"));
    assert_eq!(section(text, "lync planner"), Some("x\n"));
    assert_eq!(
        section(text, "plan"),
        None,
        "the whole command, in backquotes"
    );
    assert_eq!(section("### `report`\nlast", "report"), Some("last"));
}
