//! The two ways an audit reads an input, with bad records reported rather than dropped.

use crate::dates::FileDates;
use crate::{open_input_with, DateOrder, ReadOptions, Record};
use std::sync::Arc;

/// The warning code for a file whose culture-text dates were read in a guessed month/day order
/// (see [`FileDates::undecided`]).
pub const UNDECIDED_DATES: &str = "DateOrderGuessed";
use license_audit_model::{InputError, Reporter};

/// Reads every record of a small input (policies, pools, licences) into memory. Each bad
/// record is reported; if any was, the whole input is refused (a fatal error naming the file),
/// because results built on a partly-read policy or licence set could be wrong for many users
/// at once.
pub fn load_all<T>(
    path: &str,
    date_order: Option<DateOrder>,
    reporter: &mut impl Reporter,
    read: impl Fn(&Record) -> Result<T, InputError>,
) -> Result<Vec<T>, InputError> {
    let mut items = Vec::new();
    let mut bad = 0;
    let mut input = open_input_with(
        path,
        ReadOptions {
            date_order,
            ..ReadOptions::default()
        },
    )?;
    let columns = input.columns().map(<[String]>::to_vec);
    for rec in input.by_ref() {
        match rec.and_then(|r| read(&r)) {
            Ok(item) => items.push(item),
            Err(e) if e.fatal => return Err(e),
            Err(e) => {
                bad += 1;
                reporter.bad_record(&e);
            }
        }
    }
    if let Some(w) = input.undecided_dates() {
        reporter.warning(UNDECIDED_DATES, &format!("{path}: {w}"));
    }
    if items.is_empty() && bad == 0 {
        if let Some(columns) = columns {
            header_only(path, &columns, None, reporter)?;
        }
    }
    if bad > 0 {
        return Err(InputError::file(
            path,
            format!("{bad} record(s) could not be read (each reported above); nothing was audited, because a partly-read file of this kind could change the answer for many users"),
        ));
    }
    Ok(items)
}

/// Streams a large input (users, evidence) through `each`, one good record at a time; bad
/// records are reported and skipped, never silently dropped. A fatal reader error ends the run.
///
/// The file is read and parsed on a thread of its own, a batch of records ahead of `each`
/// (which classifies and writes on the calling thread): on two cores a large audit takes about
/// as long as the slower of the two halves rather than their sum. Records reach `each` in file
/// order, and memory stays bounded (at most [`BATCHES_AHEAD`] batches of [`BATCH`] records wait).
pub fn stream_each<R: Reporter, E: From<InputError>>(
    path: &str,
    select: Option<&'static [&'static str]>,
    date_order: Option<DateOrder>,
    activity: &str,
    reporter: &mut R,
    mut each: impl FnMut(&mut R, Record) -> Result<(), E>,
) -> Result<(), E> {
    stream_batches(
        path,
        select,
        date_order,
        activity,
        reporter,
        |reporter, batch, n| {
            for rec in batch.drain(..) {
                *n += 1;
                reporter.progress(activity, "records read", *n, None);
                match rec {
                    Ok(r) => each(reporter, r)?,
                    Err(e) if e.fatal => return Err(e.into()),
                    Err(e) => reporter.bad_record(&e),
                }
            }
            Ok(())
        },
    )
}

/// [`stream_each`] for an audit that only looks at each record: `each` borrows it (and copies
/// what it keeps), and it goes back whole to the reading thread, which reads a later record into
/// its memory (JSON with a selection) or frees it there, where it was allocated. Neither thread
/// allocates or frees per record, and no memory is freed on the thread that did not allocate it.
pub fn stream_each_borrowed<R: Reporter, E: From<InputError>>(
    path: &str,
    select: Option<&'static [&'static str]>,
    date_order: Option<DateOrder>,
    activity: &str,
    reporter: &mut R,
    mut each: impl FnMut(&mut R, &Record) -> Result<(), E>,
) -> Result<(), E> {
    stream_batches(
        path,
        select,
        date_order,
        activity,
        reporter,
        |reporter, batch, n| {
            for rec in batch.iter() {
                *n += 1;
                reporter.progress(activity, "records read", *n, None);
                match rec {
                    Ok(r) => each(reporter, r)?,
                    Err(e) if e.fatal => return Err(e.clone().into()),
                    Err(e) => reporter.bad_record(e),
                }
            }
            Ok(())
        },
    )
}

/// The hand-over both streaming forms share: batches from the reading thread go to `visit`
/// (with the count of records so far), then back to the reading thread to be emptied and filled
/// again.
fn stream_batches<R: Reporter, E: From<InputError>>(
    path: &str,
    select: Option<&'static [&'static str]>,
    date_order: Option<DateOrder>,
    activity: &str,
    reporter: &mut R,
    mut visit: impl FnMut(&mut R, &mut Vec<Result<Record, InputError>>, &mut u64) -> Result<(), E>,
) -> Result<(), E> {
    // The header of a CSV input, set by the reading thread (for a file of no usable record).
    let header = std::sync::Mutex::new(None);
    let header_ref = &header;
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(BATCHES_AHEAD);
        // Used batches go back to be emptied and filled again: a fresh one per batch, allocated
        // on one thread and freed on the other, made the allocator map and zero new pages all run.
        let (back, spare) =
            std::sync::mpsc::sync_channel::<Vec<Result<Record, InputError>>>(BATCHES_AHEAD + 2);
        scope.spawn(move || {
            read_ahead(
                path,
                ReadOptions { select, date_order },
                &tx,
                &spare,
                header_ref,
            )
        });
        let mut n = 0u64;
        let bad_before = reporter.bad_records();
        // The file's dates (shared by its records), asked once all are read whether their order
        // was a guess.
        let mut dates: Option<Arc<FileDates>> = None;
        for batch in rx {
            let mut batch = batch?;
            if dates.is_none() {
                dates = batch
                    .iter()
                    .find_map(|r| r.as_ref().ok()?.file_dates().cloned());
            }
            visit(reporter, &mut batch, &mut n)?;
            let _ = back.try_send(batch);
        }
        reporter.progress_done(activity, "records read", n);
        if let Some(w) = dates.and_then(|d| d.undecided()) {
            let file = if path == "-" { "standard input" } else { path };
            reporter.warning(UNDECIDED_DATES, &format!("{file}: {w}"));
        }
        // Never a zero from unread data (issue #21 item 2): a file of which not one record could
        // be used is refused as a whole, before any total is written that would look complete.
        let bad = reporter.bad_records().saturating_sub(bad_before) as u64;
        let columns = header_ref.lock().map(|mut h| h.take()).unwrap_or(None);
        if n > 0 && bad >= n {
            return Err(E::from(nothing_read(path, n, select, columns.as_deref())));
        }
        if n == 0 {
            if let Some(columns) = columns {
                header_only(path, &columns, select, reporter)?;
            }
        }
        Ok(())
    })
}

/// Files read in this run that had a header and no records, for the application to refuse where
/// the input is required (see [`header_only`]).
static HEADER_ONLY: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// The files read so far in this process that had a CSV header and no records.
pub fn header_only_inputs() -> Vec<String> {
    HEADER_ONLY.lock().map(|v| v.clone()).unwrap_or_default()
}

/// A CSV with a header and no rows (issue #22 item 3). A header that names none of the
/// properties the command reads is no export of the kind asked for at all (an error message or
/// another file saved under the name; 1,000 NUL bytes are refused before): refused. Otherwise it
/// is an export with no records: said, and remembered for [`header_only_inputs`].
fn header_only(
    path: &str,
    columns: &[String],
    select: Option<&'static [&'static str]>,
    reporter: &mut impl Reporter,
) -> Result<(), InputError> {
    let file = if path == "-" { "standard input" } else { path };
    if let Some(names) = select.filter(|n| !n.is_empty()) {
        let named = columns
            .iter()
            .any(|c| names.iter().any(|n| n.eq_ignore_ascii_case(c.trim())));
        if !named {
            return Err(InputError::file(
                file,
                format!(
                    "is not an export this command reads: its only line ({}) names none of the properties it needs ({}); a one-line file is often an error message saved in place of the export",
                    describe_columns(columns),
                    names.join(", ")
                ),
            )
            .fatal());
        }
    }
    reporter.warning(
        "InputNoRecords",
        &format!(
            "{file} has a header ({}) and no records: nothing was read from it",
            describe_columns(columns)
        ),
    );
    if let Ok(mut v) = HEADER_ONLY.lock() {
        v.push(path.to_string());
    }
    Ok(())
}

/// A header's columns for a message: the first few, quoted, and how many more.
fn describe_columns(columns: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut text: Vec<String> = columns
        .iter()
        .take(SHOWN)
        .map(|c| {
            let c: String = c.chars().take(60).collect();
            format!("'{}'", c.escape_debug())
        })
        .collect();
    if columns.len() > SHOWN {
        text.push(format!("and {} more", columns.len() - SHOWN));
    }
    text.join(", ")
}

/// The error for a file of which no record could be used: what it is refused for, and what the
/// command reads.
fn nothing_read(
    path: &str,
    n: u64,
    select: Option<&'static [&'static str]>,
    columns: Option<&[String]>,
) -> InputError {
    let file = if path == "-" { "standard input" } else { path };
    let has = match columns {
        Some(c) => format!(" Its columns are {}.", describe_columns(c)),
        None => String::new(),
    };
    let reads = match select {
        Some(names) if !names.is_empty() => {
            format!(" This command reads the properties {}.", names.join(", "))
        }
        _ => String::new(),
    };
    InputError::file(
        file,
        format!(
            "none of its {n} record(s) could be used (each reported above), so nothing was counted from it and no total is written: is it the export this option takes?{has}{reads}"
        ),
    )
    .fatal()
}

/// Records read ahead of the audit, in file order; `Err`: the file could not be opened.
type Batch = Result<Vec<Result<Record, InputError>>, InputError>;

/// Records per batch handed from the reading thread to the audit: enough to make the hand-over
/// cost nothing per record (2,048 measured ~7% faster than 512 on 1,000,000 UAL rows: fewer
/// wake-ups), few enough to keep memory small (a record is a few hundred bytes).
pub const BATCH: usize = 2048;

/// Batches the reading thread may be ahead of the audit. Two is enough to keep both threads
/// busy, and fewer records in flight are more often still in the processor's caches when they
/// are read into again (four measured ~10% slower on 1,000,000 UAL rows and 250,000 Lync users).
pub const BATCHES_AHEAD: usize = 2;

/// The reading thread: opens the input (the sources are not `Send`, so they are made here) and
/// sends its records in batches until the end, a fatal error, or the audit stops listening.
fn read_ahead(
    path: &str,
    options: ReadOptions,
    tx: &std::sync::mpsc::SyncSender<Batch>,
    spare: &std::sync::mpsc::Receiver<Vec<Result<Record, InputError>>>,
    header: &std::sync::Mutex<Option<Vec<String>>>,
) {
    let mut input = match open_input_with(path, options) {
        Ok(input) => input,
        Err(e) => {
            let _ = tx.send(Err(e));
            return;
        }
    };
    if let (Some(columns), Ok(mut slot)) = (input.columns(), header.lock()) {
        *slot = Some(columns.to_vec());
    }
    // Standard input is the PowerShell module streaming objects as its cmdlets produce them:
    // each record goes on at once, so results and progress follow the pipeline instead of
    // waiting for a batch to fill (PowerShell writes far slower than this reads).
    let size = if path == "-" { 1 } else { BATCH };
    let mut batch = Vec::with_capacity(size);
    loop {
        // Filled in place: records the audit only borrowed are read into again (or freed) on
        // the thread that made them.
        let more = input.fill(&mut batch, size);
        if batch.is_empty() {
            return;
        }
        let next = spare
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(size));
        let full = std::mem::replace(&mut batch, next);
        // A closed channel: the audit stopped (an error of its own); so does the reading.
        if tx.send(Ok(full)).is_err() || !more {
            return;
        }
    }
}
