//! One problem `inspect` found in a file (a record it cannot read, or one the audit would
//! refuse). Apart from `mod.rs` so the audit check (`audit.rs`), which `mod.rs` uses, can build
//! one without depending on `mod.rs` back.

use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct InspectionProblem {
    pub record: Option<u64>,
    pub property: Option<String>,
    pub message: String,
}
