//! The [`Reporter`] of a command-line run: problems to stderr through [`Diagnostics`], progress
//! through one [`Progress`] per activity.

use super::diagnostics::Diagnostics;
use super::progress::{Progress, ProgressMode};
use crate::model::{IncompleteInput, InputError, Reporter};

pub struct ConsoleReporter {
    pub diag: Diagnostics,
    mode: ProgressMode,
    current: Option<(String, Progress)>,
    bad: usize,
    /// Bad records per file, for the mark on totals built on a partly read file.
    bad_files: std::collections::BTreeMap<String, u64>,
    /// The marks of the records this run read (`report`): files partly read by the audits that
    /// wrote them.
    inherited: Vec<IncompleteInput>,
}

impl ConsoleReporter {
    pub fn new(diag: Diagnostics, mode: ProgressMode) -> Self {
        ConsoleReporter {
            diag,
            mode,
            current: None,
            bad: 0,
            bad_files: std::collections::BTreeMap::new(),
            inherited: Vec::new(),
        }
    }

    fn activity(&mut self, activity: &str) -> &mut Progress {
        if self.current.as_ref().is_none_or(|(a, _)| a != activity) {
            self.current = Some((activity.to_string(), Progress::new(self.mode, activity)));
        }
        &mut self.current.as_mut().expect("set above").1
    }
}

impl Reporter for ConsoleReporter {
    fn bad_record(&mut self, error: &InputError) {
        self.bad += 1;
        *self.bad_files.entry(error.file.clone()).or_default() += 1;
        self.diag.input_error(error);
    }
    fn warning(&mut self, code: &str, message: &str) {
        self.diag.warning(code, message);
    }
    fn source_failed(&mut self, code: &str, source: &str, message: &str) {
        self.diag.source_error(code, source, message);
    }
    fn progress(&mut self, activity: &str, status: &str, completed: u64, total: Option<u64>) {
        self.activity(activity).tick(status, completed, total);
    }
    fn progress_done(&mut self, activity: &str, status: &str, completed: u64) {
        self.activity(activity).finish(status, completed);
        self.current = None;
    }
    fn bad_records(&self) -> usize {
        self.bad
    }
    fn incomplete_inputs(&self) -> Vec<IncompleteInput> {
        let own = self.bad_files.iter().map(|(f, n)| (f.as_str(), *n));
        let inherited = self.inherited.iter().map(|i| (i.file.as_str(), i.refused));
        crate::model::merge_incomplete(own.chain(inherited))
    }
    fn inherit_incomplete(&mut self, input: &IncompleteInput) {
        self.inherited.push(input.clone());
    }
}
