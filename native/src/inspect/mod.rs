//! `inspect FILE`: what the reader makes of a file. The first thing to run when an export will
//! not load: encoding, dialect, PowerShell edition, record count, the properties seen, and every
//! problem with its record number; and, checked against an audit input (named, or recognised
//! by its properties), which records that audit will refuse and why, in the audit's own words.

pub mod audit;
mod detected;
mod problem;

use crate::ingest::dates::{looks_like_culture_date, looks_like_date, DateSpelling};
use crate::ingest::{open_input, Dialect, PsValue, TextEncoding};
use crate::model::{InputError, OutputRecord, RecordSink, Reporter, SchemaEntry};
pub use audit::{AuditInput, Decoder, FileDecoder, Target};
pub use problem::InspectionProblem;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeSet;

/// What `inspect` detected in one input file.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct InputInspection {
    pub file: String,
    /// In one line: what the file is and whether it reads, or what to do when it does not
    pub verdict: String,
    /// UTF-8, UTF-8 with BOM, UTF-16 LE/BE with BOM; empty for a file that could not be opened
    #[serde(serialize_with = "detected::write_encoding")]
    #[schemars(schema_with = "detected::encoding_schema")]
    pub encoding: Option<TextEncoding>,
    /// JSON array, JSON object, NDJSON, CLIXML, CSV or Format-List text; empty for a file that
    /// could not be opened
    #[serde(serialize_with = "detected::write_dialect")]
    #[schemars(schema_with = "detected::dialect_schema")]
    pub dialect: Option<Dialect>,
    /// Which PowerShell most likely wrote it, and the evidence
    pub power_shell_edition: String,
    /// Records read, good or bad
    pub records: u64,
    pub bad_records: u64,
    /// How dates are spelled (tells 5.1 from 7 exports)
    pub date_spellings: Vec<String>,
    /// CLIXML type names / the CSV #TYPE line
    pub type_names: Vec<String>,
    /// Properties in order of first appearance, with how many records have them
    pub properties: Vec<PropertySeen>,
    /// Problems found (the first 100)
    pub problems: Vec<InspectionProblem>,
    /// The audit input the records were checked against (e.g. lync-conferencing-policies)
    pub read_as: Option<String>,
    /// How ReadAs was decided: named, or recognised by which properties; or why it was not
    pub recognition: Option<String>,
    /// With ReadAs: the records its audit will refuse (Problems' bad records included)
    pub refused: Option<u64>,
    /// With ReadAs: each record the audit's own decoding refuses, with its message (the first 100)
    pub refusals: Vec<InspectionProblem>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct PropertySeen {
    pub name: String,
    pub count: u64,
}

impl OutputRecord for InputInspection {
    const RECORD_TYPE: &'static str = "InputInspection";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "File",
        "Verdict",
        "Encoding",
        "Dialect",
        "PowerShellEdition",
        "Records",
        "BadRecords",
        "ReadAs",
        "Refused",
        "Properties",
    ];
}

const MAX_PROBLEMS: usize = 100;

pub fn inspect_file(path: &str, target: &Target) -> Result<InputInspection, InputError> {
    let mut input = open_input(path)?;
    let mut check = audit::Check::new(target);
    let mut report = InputInspection {
        file: input.name.to_string(),
        verdict: String::new(),
        encoding: Some(input.encoding),
        dialect: None,
        power_shell_edition: String::new(),
        records: 0,
        bad_records: 0,
        date_spellings: Vec::new(),
        type_names: Vec::new(),
        properties: Vec::new(),
        problems: Vec::new(),
        read_as: None,
        recognition: None,
        refused: None,
        refusals: Vec::new(),
    };
    let mut spellings = BTreeSet::new();
    let mut types = BTreeSet::new();
    // Where each property (ASCII case folded) is in `report.properties`: a record of 200,000
    // properties looked up by a scan each took minutes.
    let mut property_at: std::collections::HashMap<String, usize> = Default::default();
    let mut fatal = None;
    for item in input.by_ref() {
        report.records += 1;
        let rec = match item {
            Ok(r) => r,
            Err(e) => {
                // A fatal error (truncation) is not a record; it ends the file.
                let is_fatal = e.fatal;
                if is_fatal {
                    report.records -= 1;
                } else {
                    report.bad_records += 1;
                }
                if report.problems.len() < MAX_PROBLEMS {
                    report.problems.push(InspectionProblem {
                        record: e.record,
                        property: e.field.clone(),
                        message: e.message.clone(),
                    });
                }
                if is_fatal {
                    fatal = Some(e);
                    break;
                }
                continue;
            }
        };
        if let Some(t) = rec.obj.type_names.first() {
            types.insert(t.clone());
        }
        for (name, value) in &rec.obj.props {
            match property_at.entry(name.to_ascii_lowercase()) {
                std::collections::hash_map::Entry::Occupied(at) => {
                    report.properties[*at.get()].count += 1
                }
                std::collections::hash_map::Entry::Vacant(at) => {
                    at.insert(report.properties.len());
                    report.properties.push(PropertySeen {
                        name: name.to_string(),
                        count: 1,
                    });
                }
            }
            let lost = match value {
                PsValue::Flattened(t) => Some(crate::ingest::record::flattened_message(t)),
                PsValue::Truncated(t) => Some(crate::ingest::record::truncated_message(t)),
                _ => None,
            };
            if let Some(message) = lost {
                if report.problems.len() < MAX_PROBLEMS {
                    report.problems.push(InspectionProblem {
                        record: Some(rec.index),
                        property: Some(name.to_string()),
                        message,
                    });
                }
            }
            collect_spellings(value, &mut spellings, 0);
        }
        check.record(&rec);
    }
    check.finish(&report.file);
    report.dialect = Some(input.dialect());
    if let Some(t) = input.csv_type_name() {
        types.insert(t.to_string());
    }
    report.type_names = types.into_iter().collect();
    report.power_shell_edition = input.power_shell_edition().to_string();
    report.date_spellings = spellings.iter().map(|s| s.name().to_string()).collect();
    report.verdict = verdict(&report, fatal.as_ref());
    if let Some(clause) = check.verdict(report.records, report.bad_records) {
        report.verdict = format!("{}; {clause}", report.verdict);
    }
    report.read_as = check.input().map(|i| i.name.to_string());
    report.refused = check.input().map(|_| check.refused + report.bad_records);
    report.recognition = check.recognition;
    report.refusals = check.refusals;
    // Format-List text reads, but loses what the console cut short: say so, with the export.
    if let Some(note) = input.note() {
        report.verdict = format!("{}; {note}", report.verdict);
    }
    Ok(report)
}

/// The one line an admin reads first.
fn verdict(r: &InputInspection, fatal: Option<&InputError>) -> String {
    let what = format!(
        "{}{}, {}",
        detected::dialect_text(r.dialect),
        r.type_names
            .first()
            .map(|t| format!(" of {t}"))
            .unwrap_or_default(),
        detected::encoding_text(r.encoding)
    );
    match fatal {
        Some(e) => format!(
            "{what}: reading stopped{}: {}",
            e.record
                .map(|n| format!(" at record {n}"))
                .unwrap_or_default(),
            e.message
        ),
        None if r.records > 0 && r.bad_records >= r.records => format!(
            "{what}: no record read: all {} records have problems (see Problems)",
            r.records
        ),
        None if r.bad_records > 0 => format!(
            "{what}: {} of {} records have problems (see Problems); the others read",
            r.bad_records, r.records
        ),
        None if r.records == 0 => format!("{what}: holds no records"),
        None => format!("{what}: reads; {} records", r.records),
    }
}

/// What `inspect` says of a file that cannot be opened at all (empty, console text, unknown
/// encoding): the reason, which carries what to do.
fn unreadable(path: &str, e: &InputError, target: &Target) -> InputInspection {
    InputInspection {
        file: path.to_string(),
        verdict: format!("cannot be read: {}", e.message),
        encoding: None,
        dialect: None,
        power_shell_edition: String::new(),
        records: 0,
        bad_records: 0,
        date_spellings: Vec::new(),
        type_names: Vec::new(),
        properties: Vec::new(),
        problems: vec![InspectionProblem {
            record: e.record,
            property: e.field.clone(),
            message: e.message.clone(),
        }],
        read_as: match target {
            Target::Named(input) => Some(input.name.to_string()),
            Target::Recognise(_) => None,
        },
        recognition: None,
        refused: None,
        refusals: Vec::new(),
    }
}

fn collect_spellings(v: &PsValue, out: &mut BTreeSet<DateSpelling>, depth: u32) {
    match v {
        PsValue::Str(s) => {
            if let Some(k) = looks_like_date(s) {
                out.insert(k);
            } else if looks_like_culture_date(s) {
                out.insert(DateSpelling::CultureText);
            }
        }
        PsValue::Date(_) => {
            out.insert(DateSpelling::Clixml);
        }
        PsValue::Object(o) if depth < 3 => {
            if o.get("value").is_some() && o.get("DateTime").is_some() {
                out.insert(DateSpelling::DateTimeWrapper);
            } else {
                o.props
                    .iter()
                    .for_each(|(_, v)| collect_spellings(v, out, depth + 1));
            }
        }
        PsValue::List(items) if depth < 3 => items
            .iter()
            .for_each(|v| collect_spellings(v, out, depth + 1)),
        _ => {}
    }
}

pub fn schemas() -> Vec<SchemaEntry> {
    vec![SchemaEntry::output::<InputInspection>(
        "What `inspect` detected in an input file",
    )]
}

/// `inspect`: one InputInspection per file; every problem found, and every record the audit
/// checked against will refuse, is also reported (so the run ends with "invalid input" when any
/// file has one).
pub fn run(
    files: &[String],
    target: &Target,
    sink: &mut impl RecordSink,
    reporter: &mut impl Reporter,
) -> Result<(), crate::model::OutputError> {
    let activity = "Inspecting input files";
    for (i, path) in files.iter().enumerate() {
        reporter.progress(activity, path, i as u64, Some(files.len() as u64));
        match inspect_file(path, target) {
            Ok(report) => {
                let told = |r: &InspectionProblem| {
                    report
                        .problems
                        .iter()
                        .any(|p| p.record == r.record && p.property == r.property)
                };
                let refusals = report.refusals.iter().filter(|r| !told(r));
                for p in report.problems.iter().chain(refusals) {
                    reporter.bad_record(&InputError {
                        file: report.file.clone(),
                        record: p.record,
                        field: p.property.clone(),
                        message: p.message.clone(),
                        fatal: false,
                    });
                }
                sink.write(&report)?;
            }
            Err(e) => {
                reporter.bad_record(&e);
                sink.write(&unreadable(path, &e, target))?;
            }
        }
    }
    reporter.progress_done(activity, "done", files.len() as u64);
    Ok(())
}
