//! First pass: read every record file once, send each record to its sheet's spool file (so the
//! workbook is written in flat memory, whatever the number of users), fit the columns, and keep
//! the totals the Overview and Report Details need.

use super::catalog::{self, Placement, SHEETS};
use super::cells::{self, Cell};
use crate::ingest::{open_input_with, DateOrder, PsValue, ReadOptions};
use crate::model::Reporter;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufWriter, Write};

/// Widest a fitted column gets, in characters.
const MAX_WIDTH: usize = 60;

/// One detail sheet's rows so far, spooled to a temporary file.
pub struct SheetData {
    pub spec: usize,
    pub columns: Vec<String>,
    index: HashMap<String, usize>,
    pub widths: Vec<usize>,
    filled: Vec<bool>,
    pub rows: u64,
    pub spool: BufWriter<std::fs::File>,
    /// Record types on this sheet and how many of each
    pub kinds: BTreeMap<String, u64>,
}

impl SheetData {
    fn new(spec: usize) -> std::io::Result<SheetData> {
        let mut s = SheetData {
            spec,
            columns: Vec::new(),
            index: HashMap::new(),
            widths: Vec::new(),
            filled: Vec::new(),
            rows: 0,
            spool: BufWriter::new(tempfile::tempfile()?),
            kinds: BTreeMap::new(),
        };
        for c in SHEETS[spec].columns {
            if *c != "Source" || SHEETS[spec].is_union() {
                s.column(c);
            }
        }
        Ok(s)
    }

    fn column(&mut self, name: &str) -> usize {
        if let Some(i) = self.index.get(name) {
            return *i;
        }
        self.columns.push(name.to_string());
        self.widths.push(name.chars().count());
        self.filled.push(false);
        self.index.insert(name.to_string(), self.columns.len() - 1);
        self.columns.len() - 1
    }

    fn push(&mut self, kind: &str, row: Map<String, Value>) -> std::io::Result<()> {
        for (k, v) in &row {
            let i = self.column(k);
            if !v.is_null() || super::catalog::is_tier_column(k) {
                self.filled[i] = true;
            }
            let w = cells::cell(k, v).width().min(MAX_WIDTH);
            if w > self.widths[i] {
                self.widths[i] = w;
            }
        }
        serde_json::to_writer(&mut self.spool, &row)?;
        self.spool.write_all(b"\n")?;
        self.rows += 1;
        *self.kinds.entry(kind.to_string()).or_default() += 1;
        Ok(())
    }

    /// Columns that no row filled (a preferred column no record had) are left out.
    pub fn used_columns(&self) -> Vec<usize> {
        (0..self.columns.len())
            .filter(|i| self.filled[*i])
            .collect()
    }
}

/// Standard / Enterprise / Plus counts.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tiers {
    pub total: u64,
    pub standard: u64,
    pub enterprise: u64,
    pub plus: u64,
    pub undetermined: u64,
}

/// Yes / No / Insufficient Data per tier (Standard, Enterprise, Plus).
#[derive(Debug, Default, Clone, Copy)]
pub struct Answers {
    pub total: u64,
    pub yes: [u64; 3],
    pub no: [u64; 3],
    pub insufficient: [u64; 3],
}

impl Answers {
    fn add(&mut self, answers: [Option<&str>; 3]) {
        self.total += 1;
        for (i, a) in answers.iter().enumerate() {
            match a.map(|s| s.replace(' ', "")) {
                Some(s) if s.eq_ignore_ascii_case("Yes") => self.yes[i] += 1,
                Some(s) if s.eq_ignore_ascii_case("No") => self.no[i] += 1,
                _ => self.insufficient[i] += 1,
            }
        }
    }
}

/// One input file: what it held and where it went.
#[derive(Debug, Default)]
pub struct FileInfo {
    pub name: String,
    pub format: String,
    /// Record type → records taken into the workbook
    pub taken: BTreeMap<String, u64>,
    /// Record type → (records kept out, why)
    pub kept_out: BTreeMap<String, (u64, String)>,
    pub bad_records: u64,
}

/// Everything the Overview and Report Details say.
#[derive(Debug, Default)]
pub struct Stats {
    pub files: Vec<FileInfo>,
    pub configured_users: Tiers,
    pub configured_devices: Tiers,
    pub configured_disabled: u64,
    pub used_users: Answers,
    pub used_devices: Answers,
    pub rules: BTreeSet<String>,
    /// The rule sets configured users are compared with (LyncUserCal OtherRules)
    pub other_rules: BTreeSet<String>,
    /// Configured users Enterprise under their OtherRules
    pub enterprise_other_users: u64,
    /// Configured users whose Enterprise answer differs under OtherRules
    pub rules_differ_users: u64,
    /// Configured devices (meeting rooms, common area phones) Enterprise under their OtherRules
    pub enterprise_other_devices: u64,
    /// Configured devices whose Enterprise answer differs under OtherRules
    pub rules_differ_devices: u64,
    pub findings: BTreeMap<String, u64>,
    pub cal_summaries: Vec<Map<String, Value>>,
    pub coverage: Vec<Map<String, Value>>,
    pub ual_summaries: Vec<Map<String, Value>>,
    pub rightsizing_summaries: Vec<Map<String, Value>>,
    pub teams_summaries: Vec<Map<String, Value>>,
    pub compliance: Vec<Map<String, Value>>,
    /// LyncCalPosition records: the Lync CAL position against owned counts
    pub lync_positions: Vec<Map<String, Value>>,
    pub rightsizing: BTreeMap<String, u64>,
    pub rs_configured: Tiers,
    pub rs_used: Answers,
    pub licensed: Tiers,
    pub rs_window_days: BTreeSet<i64>,
    pub rs_weak: u64,
    pub saving: Option<f64>,
    pub exposure: Option<f64>,
    pub unrecognized_rows: u64,
    pub uc_customers: u64,
    pub uc_user_licences: f64,
    pub trend_alerts: u64,
    /// The earliest and latest date the records state as the audit's (UalEvidenceSummary AsOf,
    /// LyncUsageCoverage and LyncCalRightSizingSummary WindowEnd)
    pub record_dates: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// The inputs the records' audits read only in part (their summaries' IncompleteInputs)
    pub incomplete_inputs: Vec<crate::model::IncompleteInput>,
}

/// The field of a record type that states the audit's date.
const DATED: &[(&str, &str)] = &[
    ("UalEvidenceSummary", "AsOf"),
    ("LyncUsageCoverage", "WindowEnd"),
    ("LyncCalRightSizingSummary", "WindowEnd"),
];

impl Stats {
    /// Records kept out of the workbook, all files.
    pub fn kept_out(&self) -> u64 {
        self.files
            .iter()
            .flat_map(|f| f.kept_out.values())
            .map(|(n, _)| n)
            .sum()
    }

    /// The shortest usage window any record states, in days.
    pub fn shortest_window(&self) -> Option<i64> {
        let coverage = self.coverage.iter().filter_map(|c| {
            let s = c
                .get("WindowStart")
                .and_then(Value::as_str)
                .and_then(cells::date_of)?;
            let e = c
                .get("WindowEnd")
                .and_then(Value::as_str)
                .and_then(cells::date_of)?;
            Some((e - s).num_days())
        });
        coverage.chain(self.rs_window_days.iter().copied()).min()
    }
}

fn get<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    obj.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn flag(obj: &Map<String, Value>, name: &str) -> Option<bool> {
    match get(obj, name)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn num(obj: &Map<String, Value>, name: &str) -> Option<f64> {
    match get(obj, name)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Counts from a combination text such as Standard+Enterprise+Plus.
fn tiers_from_text(t: &mut Tiers, text: &str) {
    t.total += 1;
    let words: Vec<&str> = text.split('+').map(str::trim).collect();
    if words.contains(&"Standard") {
        t.standard += 1;
    }
    if words.contains(&"Enterprise") {
        t.enterprise += 1;
    }
    if words.contains(&"Plus") {
        t.plus += 1;
    }
    if words.contains(&"Undetermined") {
        t.undetermined += 1;
    }
}

impl Stats {
    fn observe(&mut self, kind: &str, obj: &Map<String, Value>) {
        let s = |name: &str| get(obj, name).and_then(Value::as_str);
        if let Some((_, field)) = DATED.iter().find(|(k, _)| *k == kind) {
            if let Some(d) = s(field).and_then(cells::date_of) {
                let (lo, hi) = self.record_dates.get_or_insert((d, d));
                *lo = (*lo).min(d);
                *hi = (*hi).max(d);
            }
        }
        match kind {
            "LyncUserCal" => {
                let device = s("Kind").is_some_and(|k| !k.eq_ignore_ascii_case("User"));
                let t = if device {
                    &mut self.configured_devices
                } else {
                    &mut self.configured_users
                };
                t.total += 1;
                if flag(obj, "Standard") == Some(true) {
                    t.standard += 1;
                    match flag(obj, "Enterprise") {
                        Some(true) => t.enterprise += 1,
                        Some(false) => {}
                        None => t.undetermined += 1,
                    }
                    if flag(obj, "Plus") == Some(true) {
                        t.plus += 1;
                    }
                } else if !device {
                    self.configured_disabled += 1;
                }
                if let Some(r) = s("Rules") {
                    self.rules.insert(r.to_string());
                }
                if let Some(o) = s("OtherRules") {
                    self.other_rules.insert(o.to_string());
                    let other = flag(obj, "EnterpriseUnderOtherRules");
                    let (enterprise, differ) = if device {
                        (
                            &mut self.enterprise_other_devices,
                            &mut self.rules_differ_devices,
                        )
                    } else {
                        (
                            &mut self.enterprise_other_users,
                            &mut self.rules_differ_users,
                        )
                    };
                    *enterprise += (other == Some(true)) as u64;
                    *differ += (other != flag(obj, "Enterprise")) as u64;
                }
                if let Some(Value::Array(findings)) = get(obj, "Findings") {
                    for f in findings {
                        if let Some(code) = f.get("Code").and_then(Value::as_str) {
                            *self.findings.entry(code.to_string()).or_default() += 1;
                        }
                    }
                }
            }
            "LyncUserUsage" | "LyncDeviceUsage" => {
                let a = if kind == "LyncUserUsage" {
                    &mut self.used_users
                } else {
                    &mut self.used_devices
                };
                a.add([s("Standard"), s("Enterprise"), s("Plus")]);
            }
            "LyncCalSummary" => {
                if let Some(r) = s("Rules") {
                    self.rules.insert(r.to_string());
                }
                self.cal_summaries.push(obj.clone());
            }
            "LyncUsageCoverage" => self.coverage.push(obj.clone()),
            "UalEvidenceSummary" => self.ual_summaries.push(obj.clone()),
            "LyncCalRightSizingSummary" => self.rightsizing_summaries.push(obj.clone()),
            "TeamsAssignmentSummary" => self.teams_summaries.push(obj.clone()),
            "CalCompliance" => self.compliance.push(obj.clone()),
            "LyncCalPosition" => self.lync_positions.push(obj.clone()),
            "UnrecognizedEvidence" => {
                self.unrecognized_rows += num(obj, "Rows").unwrap_or(1.0) as u64
            }
            "UcLicenseTotal" => {
                self.uc_customers += 1;
                self.uc_user_licences += num(obj, "UserLicenses").unwrap_or(0.0);
            }
            "LicenseAuditTrend" => {
                if flag(obj, "Alert") == Some(true) {
                    self.trend_alerts += 1;
                }
            }
            "LyncCalRightSizing" => {
                if let Some(r) = s("Recommendation") {
                    *self.rightsizing.entry(r.to_string()).or_default() += 1;
                }
                if let Some(c) = s("Configured") {
                    tiers_from_text(&mut self.rs_configured, c);
                }
                if let Some(l) = s("Licensed") {
                    tiers_from_text(&mut self.licensed, l);
                }
                if let Some(u) = s("Used") {
                    // "Standard+Enterprise (Plus: Insufficient Data)", "None", "No usage record"
                    let (yes, unknown) = u.split_once(" (").unwrap_or((u, ""));
                    let answer = |tier: &str| {
                        if u == "No usage record" || unknown.contains(tier) {
                            None
                        } else if yes.split('+').any(|w| w.trim() == tier) {
                            Some("Yes")
                        } else {
                            Some("No")
                        }
                    };
                    self.rs_used
                        .add([answer("Standard"), answer("Enterprise"), answer("Plus")]);
                }
                if let Some(d) = num(obj, "WindowDays") {
                    self.rs_window_days.insert(d as i64);
                }
                if s("Confidence") == Some("Weak") {
                    self.rs_weak += 1;
                }
                if let Some(v) = num(obj, "YearlySaving") {
                    *self.saving.get_or_insert(0.0) += v;
                }
                if let Some(v) = num(obj, "YearlyExposure") {
                    *self.exposure.get_or_insert(0.0) += v;
                }
            }
            _ => {}
        }
    }
}

/// What the first pass leaves for the workbook writer.
pub struct Collected {
    pub sheets: Vec<SheetData>,
    pub stats: Stats,
}

/// Reads every file; bad records and unreadable files are reported and the rest carry on.
pub fn collect(
    files: &[String],
    date_order: Option<DateOrder>,
    reporter: &mut impl Reporter,
) -> std::io::Result<Collected> {
    let mut sheets: Vec<Option<SheetData>> = (0..SHEETS.len()).map(|_| None).collect();
    let mut stats = Stats::default();
    let mut n = 0u64;
    for path in files {
        let mut info = FileInfo {
            name: path.clone(),
            ..Default::default()
        };
        let read = ReadOptions {
            date_order,
            ..ReadOptions::default()
        };
        let input = match open_input_with(path, read) {
            Ok(i) => i,
            Err(e) => {
                reporter.bad_record(&e);
                info.format = "unreadable".into();
                info.bad_records += 1;
                stats.files.push(info);
                continue;
            }
        };
        info.format = input.dialect().name().to_string();
        let mut unknown_no_type = 0u64;
        for rec in input {
            n += 1;
            reporter.progress("Reading records", "records read", n, None);
            let record = match rec {
                Ok(r) => r,
                Err(e) => {
                    reporter.bad_record(&e);
                    info.bad_records += 1;
                    if e.fatal {
                        break;
                    }
                    continue;
                }
            };
            let Value::Object(obj) =
                cells::json_of(&PsValue::Object(std::sync::Arc::new(record.obj)))
            else {
                continue;
            };
            let Some(kind) = catalog::kind_of(&obj) else {
                unknown_no_type += 1;
                continue;
            };
            inherit_incomplete(&obj, reporter);
            match catalog::place(&kind, &obj) {
                Placement::Summary => {
                    stats.observe(&kind, &obj);
                    *info.taken.entry(kind).or_default() += 1;
                }
                Placement::Sheet { sheet, source } => {
                    stats.observe(&kind, &obj);
                    let spec = &SHEETS[sheet];
                    let data = match &mut sheets[sheet] {
                        Some(d) => d,
                        slot => slot.insert(SheetData::new(sheet)?),
                    };
                    let mut row = Map::new();
                    if spec.is_union() {
                        row.insert(
                            "Source".into(),
                            Value::String(spec.sources[source].label.into()),
                        );
                    }
                    row.extend(cells::flatten(obj));
                    data.push(&kind, row)?;
                    *info.taken.entry(kind).or_default() += 1;
                }
                Placement::OtherVersion { missing } => {
                    let e = info.kept_out.entry(kind).or_insert((0, String::new()));
                    e.0 += 1;
                    e.1 = format!(
                        "lacks {} that this version of license-audit writes: from another version or tool",
                        missing.join(", ")
                    );
                }
                Placement::Unknown => {
                    let e = info.kept_out.entry(kind).or_insert((0, String::new()));
                    e.0 += 1;
                    e.1 =
                        "not a record type this version of license-audit puts in a workbook".into();
                }
            }
        }
        if unknown_no_type > 0 {
            info.kept_out.insert(
                "(no RecordType)".into(),
                (
                    unknown_no_type,
                    "no RecordType, and not a Get-CsPool or Get-UalSystemId export".into(),
                ),
            );
        }
        for (kind, (count, why)) in &info.kept_out {
            reporter.warning(
                "KeptOutOfWorkbook",
                &format!(
                    "{}: {count} {kind} record(s) kept out of the workbook: {why}",
                    info.name
                ),
            );
        }
        stats.files.push(info);
    }
    reporter.progress_done("Reading records", "records read", n);
    let mut out = Vec::new();
    for mut s in sheets.into_iter().flatten() {
        s.spool.flush()?;
        out.push(s);
    }
    Ok(Collected { sheets: out, stats })
}

/// Whether a cell needs a wider column than its header: used by the summary sheets too.
pub fn width_of(cell: &Cell) -> usize {
    cell.width().min(MAX_WIDTH)
}

/// A record's `IncompleteInputs` (a summary built on partly read input) marks the workbook too.
fn inherit_incomplete(obj: &Map<String, Value>, reporter: &mut impl Reporter) {
    let Some(Value::Array(files)) = obj.get("IncompleteInputs") else {
        return;
    };
    for f in files {
        let file = f.get("File").and_then(Value::as_str);
        let refused = f.get("Refused").and_then(Value::as_u64);
        if let (Some(file), Some(refused)) = (file, refused) {
            reporter.inherit_incomplete(&crate::model::IncompleteInput {
                file: file.to_string(),
                refused,
            });
        }
    }
}
