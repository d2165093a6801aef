//! What an audit will make of a file's records: `inspect` runs the audit's own decoding of each
//! record (the function the audit calls, never a copy of its rules) and keeps what it refuses.
//! Which audit inputs there are, and which decoding each one runs, is the app layer's table:
//! this module knows only how to run one.

use super::InspectionProblem;
use crate::ingest::Record;
use crate::model::InputError;

/// The audit's decoding of a file: each record, then (for inputs the audit reads whole) what it
/// checks of the file as a whole. `Err` is what the audit says.
pub trait FileDecoder {
    fn record(&mut self, r: &Record) -> Result<(), InputError>;
    /// The audit's checks of the whole file (a Global policy there, no duplicate identity).
    fn finish(&mut self, _file: &str) -> Result<(), InputError> {
        Ok(())
    }
}

/// A closure decodes record by record and checks nothing of the whole file.
impl<F: FnMut(&Record) -> Result<(), InputError>> FileDecoder for F {
    fn record(&mut self, r: &Record) -> Result<(), InputError> {
        self(r)
    }
}

/// The audit's decoding of one file.
pub type Decoder = Box<dyn FileDecoder>;

/// An input of an audit that a file can be checked against.
pub struct AuditInput {
    /// Its name, e.g. `lync-conferencing-policies`.
    pub name: String,
    /// The command (and its option) that reads it, as the verdict names it.
    pub read_by: &'static str,
    /// One refused record refuses the whole file: the small inputs (policies, pools, licences)
    /// are read whole, because results built on part of one could be wrong for many users.
    pub whole_file: bool,
    /// Sets of properties that recognise a file of this kind: every property of one set is
    /// there (no set: never recognised).
    pub marks: &'static [&'static [&'static str]],
    /// Properties that say a file is not of this kind although it has the marks.
    pub unless: &'static [&'static str],
    /// A fresh decoder for one file (some remember what earlier records said).
    pub decoder: fn() -> Decoder,
}

impl AuditInput {
    /// Whether record `r` has every mark and none of the properties that rule this input out.
    fn recognises(&self, r: &Record) -> bool {
        self.marks
            .iter()
            .any(|set| set.iter().all(|p| r.get(p).is_some()))
            && !self.unless.iter().any(|p| r.get(p).is_some())
    }
}

/// What a file is checked against: the input named, or the one its first record's properties
/// recognise among these.
pub enum Target<'a> {
    Named(&'a AuditInput),
    Recognise(&'a [AuditInput]),
}

/// The most refusals kept on the record (all are counted).
const MAX_REFUSALS: usize = 100;

/// The audit's decoding run over a file's records, as they are read.
pub(super) struct Check<'a> {
    target: &'a Target<'a>,
    /// The input decided on, and its decoder.
    active: Option<(&'a AuditInput, Decoder)>,
    /// How the input was decided (or why none was).
    pub recognition: Option<String>,
    pub refused: u64,
    pub refusals: Vec<InspectionProblem>,
    /// A refusal that ends the audit's reading of the file (a neighbour's export, a file
    /// without what every record needs).
    pub stopped: Option<InputError>,
}

impl<'a> Check<'a> {
    pub fn new(target: &'a Target<'a>) -> Check<'a> {
        let mut check = Check {
            target,
            active: None,
            recognition: None,
            refused: 0,
            refusals: Vec::new(),
            stopped: None,
        };
        if let Target::Named(input) = target {
            check.active = Some((input, (input.decoder)()));
            check.recognition = Some("named".into());
        }
        check
    }

    /// The input the file is checked against, once decided.
    pub fn input(&self) -> Option<&'a AuditInput> {
        self.active.as_ref().map(|(i, _)| *i)
    }

    /// Decodes one good record; the first one decides the input when none was named.
    pub fn record(&mut self, r: &Record) {
        if self.active.is_none() && self.recognition.is_none() {
            self.recognise(r);
        }
        if self.stopped.is_some() {
            return;
        }
        let Some((_, decode)) = self.active.as_mut() else {
            return;
        };
        if let Err(e) = decode.record(r) {
            self.refuse(e);
        }
    }

    /// After the last record: the audit's checks of the whole file, unless a record was refused
    /// already (an input read whole is then refused by that record; the checks need them all).
    pub fn finish(&mut self, file: &str) {
        if self.stopped.is_some() || self.refused > 0 {
            return;
        }
        let Some((_, decode)) = self.active.as_mut() else {
            return;
        };
        if let Err(mut e) = decode.finish(file) {
            e.fatal = true;
            self.refuse(e);
        }
    }

    fn refuse(&mut self, e: InputError) {
        self.refused += 1;
        if self.refusals.len() < MAX_REFUSALS {
            self.refusals.push(InspectionProblem {
                record: e.record,
                property: e.field.clone(),
                message: e.message.clone(),
            });
        }
        if e.fatal {
            self.stopped = Some(e);
        }
    }

    fn recognise(&mut self, r: &Record) {
        let Target::Recognise(inputs) = self.target else {
            return;
        };
        let found: Vec<&'a AuditInput> = inputs.iter().filter(|i| i.recognises(r)).collect();
        self.recognition = Some(match found.as_slice() {
            [] => "not recognised as an audit input".into(),
            [one] => {
                self.active = Some((one, (one.decoder)()));
                let set = one
                    .marks
                    .iter()
                    .find(|set| set.iter().all(|p| r.get(p).is_some()))
                    .expect("recognised by one");
                format!("recognised by its properties {}", set.join(", "))
            }
            many => format!(
                "could be {}: name the input to check it against",
                many.iter()
                    .map(|i| i.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        });
    }

    /// The verdict's clause on the audit, when the file was checked against one: `records`
    /// read in all, `unread` of them the reader could not read (the audit refuses those too).
    pub fn verdict(&self, records: u64, unread: u64) -> Option<String> {
        let Some(input) = self.input() else {
            return self
                .recognition
                .as_ref()
                .filter(|r| r.starts_with("could be"))
                .cloned();
        };
        // A file of no records says so already; nothing was decoded.
        if records == 0 {
            return None;
        }
        let by = input.read_by;
        let refused = self.refused + unread;
        let how = match self.recognition.as_deref() {
            Some(r) if r.starts_with("recognised") => format!("as {} ({r})", input.name),
            _ => format!("as {}", input.name),
        };
        let see = match (unread > 0, self.refused > 0) {
            (true, true) => "see Problems and Refusals",
            (true, false) => "see Problems",
            _ => "see Refusals",
        };
        let outcome = match &self.stopped {
            Some(e) => format!(
                "{by} will refuse the whole file{} ({see})",
                e.record
                    .map(|n| format!(" at record {n}"))
                    .unwrap_or_default()
            ),
            None if refused == 0 => format!("all {records} records will read in {by}"),
            None if input.whole_file => format!(
                "{refused} of {records} records will be refused by {by}, and with them the whole file: one refused record refuses a file of this kind ({see})"
            ),
            None if refused >= records => format!(
                "{refused} of {records} records will be refused by {by}, and so the whole file ({see})"
            ),
            None => format!(
                "{refused} of {records} records will be refused by {by}; the others will read ({see})"
            ),
        };
        Some(format!("{how}: {outcome}"))
    }
}
