//! The [`Reporter`] of a command-line run: problems to stderr through [`Diagnostics`], progress
//! through one [`Progress`] per activity.

use super::diagnostics::Diagnostics;
use super::progress::{Progress, ProgressMode};
use crate::model::{IncompleteInput, InputError, Reporter};

pub struct ConsoleReporter {
    pub diag: Diagnostics,
    mode: ProgressMode,
    /// Where a bar is drawn: stderr (a test's fake terminal).
    bar_target: Box<dyn Fn() -> indicatif::ProgressDrawTarget>,
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
            bar_target: Box::new(|| indicatif::ProgressDrawTarget::stderr_with_hz(4)),
            current: None,
            bad: 0,
            bad_files: std::collections::BTreeMap::new(),
            inherited: Vec::new(),
        }
    }

    fn activity(&mut self, activity: &str) -> &mut Progress {
        if self.current.as_ref().is_none_or(|(a, _)| a != activity) {
            let progress = Progress::drawn_on(self.mode, activity, &self.bar_target);
            self.current = Some((activity.to_string(), progress));
        }
        &mut self.current.as_mut().expect("set above").1
    }

    /// Ends the activity in progress: its bar is cleared from the terminal (before a message that
    /// is not about one record, such as the error that ends the run, is printed).
    pub fn end_progress(&mut self) {
        self.current = None;
    }

    /// An error or warning line, printed with the progress bar (if one is drawn) cleared from
    /// its line first: a bar redrawn in place with `\r` never shares a line with it.
    fn say(&mut self, print: impl FnOnce(&mut Diagnostics)) {
        let ConsoleReporter { diag, current, .. } = self;
        match current {
            Some((_, progress)) => progress.suspend(|| print(diag)),
            None => print(diag),
        }
    }
}

impl Reporter for ConsoleReporter {
    fn bad_record(&mut self, error: &InputError) {
        self.bad += 1;
        *self.bad_files.entry(error.file.clone()).or_default() += 1;
        self.say(|d| d.input_error(error));
    }
    fn warning(&mut self, code: &str, message: &str) {
        self.say(|d| d.warning(code, message));
    }
    fn source_failed(&mut self, code: &str, source: &str, message: &str) {
        self.say(|d| d.source_error(code, source, message));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::diagnostics::ErrorFormat;
    use std::io::{self, Write};
    use std::sync::{Arc, Mutex};

    /// A terminal screen: lines of text and the cursor's line. The bar draws through indicatif's
    /// `TermLike`; diagnostics write bytes to the same screen, as both go to one stderr.
    #[derive(Clone, Default)]
    struct Screen(Arc<Mutex<(Vec<String>, usize)>>);

    impl Screen {
        fn put(&self, text: &str) {
            let mut g = self.0.lock().unwrap();
            let (lines, row) = &mut *g;
            for (i, piece) in text.split('\n').enumerate() {
                if i > 0 {
                    *row += 1;
                }
                while lines.len() <= *row {
                    lines.push(String::new());
                }
                lines[*row].push_str(piece);
            }
        }
        fn lines(&self) -> Vec<String> {
            self.0.lock().unwrap().0.clone()
        }
    }

    impl std::fmt::Debug for Screen {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{:?}", self.lines())
        }
    }

    impl indicatif::TermLike for Screen {
        fn width(&self) -> u16 {
            120
        }
        fn move_cursor_up(&self, n: usize) -> io::Result<()> {
            let mut g = self.0.lock().unwrap();
            g.1 = g.1.saturating_sub(n);
            Ok(())
        }
        fn move_cursor_down(&self, n: usize) -> io::Result<()> {
            self.0.lock().unwrap().1 += n;
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.put(&format!("{s}\n"));
            Ok(())
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.put(s);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            let mut g = self.0.lock().unwrap();
            let row = g.1;
            if let Some(l) = g.0.get_mut(row) {
                l.clear();
            }
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Write for Screen {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.put(&String::from_utf8_lossy(b));
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_warning_never_shares_a_line_with_the_progress_bar() {
        let screen = Screen::default();
        let diag = Diagnostics::to_writer(ErrorFormat::Text, Box::new(screen.clone()));
        let mut r = ConsoleReporter::new(diag, ProgressMode::Bar);
        let term = screen.clone();
        r.bar_target =
            Box::new(move || indicatif::ProgressDrawTarget::term_like(Box::new(term.clone())));
        r.progress("Reading users.json", "users", 5, Some(10));
        let drawn = screen
            .lines()
            .iter()
            .any(|l| l.contains("Reading users.json"));
        assert!(drawn, "the fake terminal shows the bar: {screen:?}");
        r.warning("Test", "a warning while the bar is drawn");
        r.bad_record(&InputError::file("users.json", "a bad record"));
        r.progress_done("Reading users.json", "users", 10);
        let lines = screen.lines();
        for l in lines.iter().filter(|l| l.contains("license-audit:")) {
            assert!(
                l.starts_with("license-audit: "),
                "shares a line: {l:?} in {lines:?}"
            );
        }
        let said = lines
            .iter()
            .filter(|l| l.starts_with("license-audit: "))
            .count();
        assert_eq!(said, 2, "{lines:?}");
    }

    #[test]
    fn the_error_that_ends_a_run_finds_the_bar_cleared() {
        let screen = Screen::default();
        let diag = Diagnostics::to_writer(ErrorFormat::Text, Box::new(screen.clone()));
        let mut r = ConsoleReporter::new(diag, ProgressMode::Bar);
        let term = screen.clone();
        r.bar_target =
            Box::new(move || indicatif::ProgressDrawTarget::term_like(Box::new(term.clone())));
        r.progress("Reading records", "records", 3, None);
        assert!(screen.lines().iter().any(|l| l.contains("Reading records")));
        r.end_progress();
        r.diag.error("OutputFailed", "the run ends");
        let lines = screen.lines();
        assert!(
            lines.iter().all(|l| !l.contains("Reading records")),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l == "license-audit: error: the run ends"),
            "{lines:?}"
        );
    }
}
