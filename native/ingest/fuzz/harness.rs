//! What the fuzz targets do with an input, shared with the stable replay test
//! (`tests/fuzz_regressions.rs`), so every input the fuzzer ever saved is also a regression
//! test on stable Rust.
//!
//! Each reader is fed the bytes directly (json, clixml, csv) or through encoding and dialect
//! sniffing (input); every record's properties go through every typed accessor. Besides "no
//! panic, no abort, no hang", the reader's contract is checked: errors name the file, record
//! numbers count up from 1, nothing follows a fatal error, and a reader never yields more
//! items than there are bytes (no loop that does not consume input).
#![allow(dead_code)]

use license_audit_ingest::{clixml, csv, json, open_reader, Record};
use license_audit_model::InputError;
use std::io::{BufRead, Cursor};
use std::sync::Arc;

const NAME: &str = "fuzz-input";

fn stream(data: &[u8]) -> Box<dyn BufRead> {
    Box::new(Cursor::new(data.to_vec()))
}

pub fn json(data: &[u8]) {
    check(
        data,
        json::JsonReader::new(Arc::from(NAME), stream(data), None),
    );
    static SELECT: &[&str] = &["SipAddress", "Enabled", "WhenChanged"];
    check(
        data,
        json::JsonReader::new(Arc::from(NAME), stream(data), Some(SELECT)),
    );
    // The selected-properties fast path answers only as serde_json would.
    if let Err(e) = license_audit_ingest::fastline::agrees(data, SELECT) {
        panic!("{e}");
    }
    // Batches filled in place (as the streaming audits read) hold what reading record by record
    // gives, whatever the records they are filled over held.
    for max in [1, 3, 64] {
        fill_agrees(data, SELECT, max);
    }
}

/// Every item `InputFile::fill` gives, batches of `max` filled over the records of the batch
/// before (as a streaming audit hands them back), equals what `next` gives, in order.
pub fn fill_agrees(data: &[u8], select: &'static [&'static str], max: usize) {
    let options = || license_audit_ingest::ReadOptions {
        select: Some(select),
        ..Default::default()
    };
    let open = || {
        license_audit_ingest::open_reader_with(
            NAME,
            Box::new(Cursor::new(data.to_vec())),
            options(),
        )
    };
    let (Ok(one_by_one), Ok(mut batched)) = (open(), open()) else {
        return; // refused before any record: nothing to compare
    };
    let describe = |item: &Result<Record, InputError>| match item {
        Ok(r) => format!("{} {:?}", r.index, r.obj),
        Err(e) => format!("error {e}"),
    };
    let expected: Vec<String> = one_by_one.map(|item| describe(&item)).collect();
    let mut got = Vec::new();
    let mut batch = Vec::new();
    loop {
        let more = batched.fill(&mut batch, max);
        assert!(batch.len() <= max, "a batch of {} over {max}", batch.len());
        got.extend(batch.iter().map(describe));
        if !more {
            break;
        }
        assert!(!batch.is_empty(), "an empty batch before the end");
        assert!(
            got.len() <= expected.len() + 1,
            "more items batched than read one by one"
        );
    }
    assert_eq!(got, expected, "filled in batches of {max}");
}

pub fn clixml(data: &[u8]) {
    check(
        data,
        clixml::ClixmlReader::new(Arc::from(NAME), stream(data)),
    );
}

pub fn csv(data: &[u8]) {
    match csv::CsvReader::new(Arc::from(NAME), stream(data)) {
        Ok(r) => {
            check(data, r);
        }
        Err(e) => check_error(&e),
    }
}

/// The whole pipeline: BOM and UTF-16 sniffing, dialect detection, then the reader.
pub fn input(data: &[u8]) {
    match open_reader(NAME, Box::new(Cursor::new(data.to_vec()))) {
        Ok(input) => {
            let _ = input.dialect();
            check(data, input);
        }
        Err(e) => check_error(&e),
    }
}

/// Summary of one run, for the replay test.
#[derive(Debug, Default)]
pub struct Seen {
    pub records: u64,
    pub errors: u64,
}

pub fn check(data: &[u8], items: impl Iterator<Item = Result<Record, InputError>>) -> Seen {
    let mut seen = Seen::default();
    let mut last_index = 0u64;
    let mut fatal = false;
    for item in items {
        assert!(!fatal, "an item after a fatal error");
        assert!(
            seen.records + seen.errors <= data.len() as u64 + 2,
            "more items than bytes: the reader is not consuming input"
        );
        match item {
            Ok(rec) => {
                seen.records += 1;
                assert_eq!(&*rec.file, NAME);
                assert!(rec.index > last_index, "record numbers must count up");
                last_index = rec.index;
                exercise(&rec);
            }
            Err(e) => {
                seen.errors += 1;
                check_error(&e);
                if let Some(r) = e.record {
                    assert!(
                        r > last_index,
                        "error for record {r} after record {last_index}"
                    );
                    last_index = r;
                }
                fatal = e.fatal;
            }
        }
    }
    seen
}

fn check_error(e: &InputError) {
    assert_eq!(e.file, NAME);
    assert!(!e.message.is_empty());
    let _ = e.to_string();
}

const ENUM: &[(i64, &str)] = &[(0, "Desktop"), (1, "SingleApplication"), (2, "None")];

fn exercise(rec: &Record) {
    for (name, value) in &rec.obj.props {
        let _ = rec.opt_str(name);
        let _ = rec.opt_bool(name);
        let _ = rec.opt_int(name);
        let _ = rec.opt_date(name);
        let _ = rec.opt_enum(name, ENUM);
        let _ = rec.str_list(name);
        let _ = value.kind();
        for e in [
            rec.opt_str(name).err(),
            rec.opt_int(name).err(),
            rec.opt_date(name).err(),
        ]
        .into_iter()
        .flatten()
        {
            assert_eq!(e.field.as_deref(), Some(name.as_str()), "{e}");
            assert_eq!(e.record, Some(rec.index));
        }
    }
}
