//! What every output record shares, and how its JSON Schema is made.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// An output record. `RECORD_TYPE` is written as the first field of every record, and is what
/// the PowerShell module turns into the PSTypeName `LicenseAudit.<RecordType>`.
pub trait OutputRecord: Serialize + JsonSchema {
    const RECORD_TYPE: &'static str;
    /// The columns `--format table` shows (the full record goes to json/ndjson/csv).
    const TABLE_COLUMNS: &'static [&'static str];

    /// Appends the record's compact JSON object (without RecordType), byte for byte what
    /// serde_json writes, when the record has a faster way than serialising field by field
    /// (parts rendered once for many records). `false`, the default: nothing was written, and
    /// the record is serialised.
    fn write_json(&self, _out: &mut Vec<u8>) -> bool {
        false
    }

    /// For CSV: when every field after the first few is shared with other records (rendered
    /// once for all of them), those first fields' texts and where the CSV writer keeps the shared
    /// fields' cells. `None`, the default: the record's cells are made field by field.
    fn csv_shared_tail(&self) -> Option<SharedCsvTail<'_>> {
        None
    }
}

/// See [`OutputRecord::csv_shared_tail`].
pub struct SharedCsvTail<'a> {
    /// The texts of the record's first fields, in order (each a text field: its cell is the text,
    /// defused as any text cell is).
    pub lead: [&'a str; 3],
    /// Kept by the CSV writer: the header it rendered the shared cells under, and the row's bytes
    /// after the lead cells (from the comma before the first shared cell to the line end).
    pub cells: &'a std::sync::OnceLock<(Vec<String>, Box<[u8]>)>,
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
