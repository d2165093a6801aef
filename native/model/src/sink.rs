//! How an audit hands over what it found. An audit never sees stdout, stderr, formats or flags:
//! it writes records to a [`RecordSink`] and tells a [`Reporter`] about bad records, warnings and
//! progress. The application decides where those go (NDJSON, CSV, a table, JSON lines on stderr
//! for PowerShell), as ripgrep's searcher writes to a `Sink`.

use crate::{IncompleteInput, InputError, OutputError, OutputRecord};

/// Where records go.
pub trait RecordSink {
    fn write<R: OutputRecord>(&mut self, record: &R) -> Result<(), OutputError>;
    /// Summary lines for a person reading a table; machine formats ignore them, because the
    /// same facts are in records.
    fn footer(&mut self, lines: &[String]) -> Result<(), OutputError>;
}

/// Where problems and progress go.
pub trait Reporter {
    /// One record could not be used; the audit carries on with the others.
    fn bad_record(&mut self, error: &InputError);
    /// Something the admin should know that spoils no record (stable `code`).
    fn warning(&mut self, code: &str, message: &str);
    /// One of several data sources failed (named as the admin gave it); the others still answer.
    fn source_failed(&mut self, code: &str, source: &str, message: &str);
    /// Progress of one activity; cheap enough to call per record (implementations rate-limit).
    fn progress(&mut self, activity: &str, status: &str, completed: u64, total: Option<u64>);
    /// The activity is done.
    fn progress_done(&mut self, activity: &str, status: &str, completed: u64);
    /// Bad records reported so far.
    fn bad_records(&self) -> usize;
    /// The files of which records were reported bad so far, with how many, in the order of their
    /// names: what summary records carry as `IncompleteInputs` (empty when every record was read).
    fn incomplete_inputs(&self) -> Vec<IncompleteInput>;
    /// Records this run reads were themselves built on a partly read input (their
    /// `IncompleteInputs`, read by `report`): this run's results are marked with it too.
    fn inherit_incomplete(&mut self, input: &IncompleteInput);
}

/// Collects records as JSON values and problems as text: for tests of an audit without the binary.
#[derive(Default, Debug)]
pub struct Collected {
    pub records: Vec<serde_json::Value>,
    pub bad: Vec<InputError>,
    pub warnings: Vec<(String, String)>,
    pub inherited: Vec<IncompleteInput>,
}

impl RecordSink for Collected {
    fn write<R: OutputRecord>(&mut self, record: &R) -> Result<(), OutputError> {
        let mut v =
            serde_json::to_value(record).map_err(|e| OutputError(std::io::Error::other(e)))?;
        if let Some(o) = v.as_object_mut() {
            o.insert("RecordType".into(), R::RECORD_TYPE.into());
        }
        self.records.push(v);
        Ok(())
    }
    fn footer(&mut self, _lines: &[String]) -> Result<(), OutputError> {
        Ok(())
    }
}

impl Reporter for Collected {
    fn bad_record(&mut self, error: &InputError) {
        self.bad.push(error.clone());
    }
    fn warning(&mut self, code: &str, message: &str) {
        self.warnings.push((code.into(), message.into()));
    }
    fn source_failed(&mut self, code: &str, source: &str, message: &str) {
        self.warnings
            .push((code.into(), format!("{source}: {message}")));
    }
    fn progress(&mut self, _: &str, _: &str, _: u64, _: Option<u64>) {}
    fn progress_done(&mut self, _: &str, _: &str, _: u64) {}
    fn bad_records(&self) -> usize {
        self.bad.len()
    }
    fn incomplete_inputs(&self) -> Vec<IncompleteInput> {
        let mut per_file = std::collections::BTreeMap::<&str, u64>::new();
        for e in &self.bad {
            *per_file.entry(e.file.as_str()).or_default() += 1;
        }
        let inherited = self.inherited.iter().map(|i| (i.file.as_str(), i.refused));
        crate::merge_incomplete(per_file.into_iter().chain(inherited))
    }
    fn inherit_incomplete(&mut self, input: &IncompleteInput) {
        self.inherited.push(input.clone());
    }
}
