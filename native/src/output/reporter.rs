//! The [`Reporter`] of a command-line run: problems to stderr through [`Diagnostics`], progress
//! through one [`Progress`] per activity.

use super::diagnostics::Diagnostics;
use super::progress::{Progress, ProgressMode};
use crate::model::{InputError, Reporter};

pub struct ConsoleReporter {
    pub diag: Diagnostics,
    mode: ProgressMode,
    current: Option<(String, Progress)>,
    bad: usize,
    /// Bad records per file, for the mark on totals built on a partly read file.
    bad_files: std::collections::BTreeMap<String, usize>,
}

impl ConsoleReporter {
    pub fn new(diag: Diagnostics, mode: ProgressMode) -> Self {
        ConsoleReporter {
            diag,
            mode,
            current: None,
            bad: 0,
            bad_files: std::collections::BTreeMap::new(),
        }
    }

    /// Bad records reported so far, per file.
    pub fn bad_files(&self) -> &std::collections::BTreeMap<String, usize> {
        &self.bad_files
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
}
