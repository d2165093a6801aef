//! The record `report` writes: one per worksheet. Apart from `mod.rs` so the sheet writer
//! (`writer.rs`), which `mod.rs` calls, builds them without depending on `mod.rs` back.

use crate::model::OutputRecord;
use schemars::JsonSchema;
use serde::Serialize;

/// One worksheet of the workbook written.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ReportSheet {
    pub sheet: String,
    /// Rows with content below the header row (a detail sheet: its records; Report Details: its items and inputs; the Overview, which has no header row: every row with content)
    pub rows: u64,
    /// The record types on the sheet
    pub record_types: Vec<String>,
    /// Columns with content
    pub columns: u64,
    /// Input files these totals were built on that were read only in part, each with how many of
    /// its records were not used (reported on stderr); empty when every record was read
    pub incomplete_inputs: Vec<crate::model::IncompleteInput>,
}
impl OutputRecord for ReportSheet {
    const RECORD_TYPE: &'static str = "ReportSheet";
    const TABLE_COLUMNS: &'static [&'static str] = &["Sheet", "Rows", "RecordTypes"];
}
