//! What every output record shares, and how its JSON Schema is made.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// An output record: a plain serde type. `RECORD_TYPE` is written as the first field of every
/// record, and is what the PowerShell module turns into the PSTypeName `LicenseAudit.<RecordType>`.
/// How fast a record is written is the printers' business, not the record's.
pub trait OutputRecord: Serialize + JsonSchema {
    const RECORD_TYPE: &'static str;
    /// The columns `--format table` shows (the full record goes to json/ndjson/csv).
    const TABLE_COLUMNS: &'static [&'static str];
    /// Whether `--format table` prints the record as a table row. `false` for a summary the
    /// audit prints under the table as its footer instead, so a terminal shows it once.
    const IN_TABLE: bool = true;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    Input,
    Output,
}

pub struct SchemaEntry {
    pub name: &'static str,
    pub kind: SchemaKind,
    pub description: &'static str,
    pub schema: fn() -> Value,
}

/// JSON Schema (draft 2020-12) of an output record, with its `RecordType` constant added.
pub fn output_schema<R: OutputRecord>() -> Value {
    let mut v = serde_json::to_value(schemars::schema_for!(R)).expect("schema serialises");
    if let Some(obj) = v.as_object_mut() {
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            let mut with_type = serde_json::Map::new();
            with_type.insert(
                "RecordType".into(),
                serde_json::json!({"const": R::RECORD_TYPE, "description": "The record's type; PowerShell PSTypeName LicenseAudit.<RecordType>"}),
            );
            with_type.extend(std::mem::take(props));
            *props = with_type;
        }
        if let Some(Value::Array(req)) = obj.get_mut("required") {
            req.insert(0, Value::String("RecordType".into()));
        }
    }
    v
}

pub fn input_schema<T: JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).expect("schema serialises")
}

impl SchemaEntry {
    /// The entry of an output record type.
    pub fn output<R: OutputRecord>(description: &'static str) -> SchemaEntry {
        SchemaEntry {
            name: R::RECORD_TYPE,
            kind: SchemaKind::Output,
            description,
            schema: output_schema::<R>,
        }
    }

    /// The entry of an input row shape (what an export must hold).
    pub fn input<T: JsonSchema>(name: &'static str, description: &'static str) -> SchemaEntry {
        SchemaEntry {
            name,
            kind: SchemaKind::Input,
            description,
            schema: input_schema::<T>,
        }
    }
}
