//! The mark on totals built on a partly read input (issue #21 item 2): which files, and how many
//! of their records were not used. Summary records carry it as `IncompleteInputs`, an empty list
//! when every record was read (lists are always present in the contract, so a CSV column and a
//! PowerShell property exist on every run and `Where-Object IncompleteInputs` filters).

use schemars::JsonSchema;
use serde::Serialize;

/// One input file of which some records could not be used (each was reported on stderr).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct IncompleteInput {
    /// The file as given on the command line
    pub file: String,
    /// Records of it reported bad and left out of every count and total
    pub refused: u64,
}

impl std::fmt::Display for IncompleteInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} record(s) not used)", self.file, self.refused)
    }
}

/// The line that marks results built on partly read input, for a person: under a table, on
/// stderr, on the workbook's Overview. Each file with the records of it not used.
pub fn incomplete_line(files: &[IncompleteInput]) -> String {
    let files: Vec<String> = files.iter().map(ToString::to_string).collect();
    format!(
        "INCOMPLETE: these results are built on partly read input: {}; the records reported as bad are left out of every count and total",
        files.join(", ")
    )
}

/// Files with their counts of records not used, merged from several sources (this run's bad
/// records, and the marks of the records a `report` reads): one entry per file, in name order,
/// the larger count where two sources name the same file (two summary records of one run carry
/// the same list).
pub fn merge_incomplete<'a>(
    sources: impl IntoIterator<Item = (&'a str, u64)>,
) -> Vec<IncompleteInput> {
    let mut files = std::collections::BTreeMap::<&str, u64>::new();
    for (file, n) in sources.into_iter().filter(|(_, n)| *n > 0) {
        let kept = files.entry(file).or_default();
        *kept = (*kept).max(n);
    }
    files
        .into_iter()
        .map(|(file, refused)| IncompleteInput {
            file: file.to_string(),
            refused,
        })
        .collect()
}
