//! Run history: the totals one audit run keeps (a `LicenseAuditRun` file per run, written by the
//! application when asked to keep history) and `history`, which shows how they moved from run to
//! run and flags a change beyond a threshold.

use crate::model::money::no_negative_zero;
use crate::model::{IoError, OutputRecord, RecordSink, Reporter, SchemaEntry};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Record types kept whole in a run file: the summaries a trend is read from.
pub const SUMMARY_TYPES: &[&str] = &[
    "LyncCalSummary",
    "CalCompliance",
    "LyncUsageCoverage",
    "UalEvidenceSummary",
    "LyncCalRightSizingSummary",
    "UcLicenseTotal",
    "TeamsAssignmentSummary",
    "LyncCalPosition",
];

/// Record types whose tiers are counted one record at a time.
pub const TIERED_TYPES: &[&str] = &[
    "LyncUserCal",
    "LyncUserUsage",
    "LyncDeviceUsage",
    "LyncCalRightSizing",
];

/// Whether the totals need a record's fields (else its type is only counted).
pub fn needs_fields(record_type: &str) -> bool {
    SUMMARY_TYPES.contains(&record_type) || TIERED_TYPES.contains(&record_type)
}

/// One audit run's totals, as kept in DIR/<command>-<as-of>.json.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LicenseAuditRun {
    /// Always LicenseAuditRun (the schema states it as a constant)
    #[schemars(skip)]
    pub record_type: String,
    pub tool_version: String,
    /// e.g. "lync entitlement"
    pub command: String,
    /// The audit's "now"
    pub as_of: DateTime<Utc>,
    /// When the run happened
    pub run_at: DateTime<Utc>,
    /// Records written, per record type
    pub records: BTreeMap<String, u64>,
    /// Every total a trend can be drawn from: per tier, per recommendation, per product
    pub totals: BTreeMap<String, f64>,
    /// The summary records, whole
    pub summaries: Vec<Value>,
    /// Bad input records reported during the run
    pub bad_records: u64,
}

impl LicenseAuditRun {
    pub fn new(
        tool_version: &str,
        command: &str,
        as_of: DateTime<Utc>,
        run_at: DateTime<Utc>,
    ) -> Self {
        LicenseAuditRun {
            record_type: "LicenseAuditRun".into(),
            tool_version: tool_version.into(),
            command: command.into(),
            as_of,
            run_at,
            ..Default::default()
        }
    }

    fn bump(&mut self, metric: String, by: f64) {
        *self.totals.entry(metric).or_default() += by;
    }

    /// Counts one record; `fields` is given for the types [`needs_fields`] names.
    pub fn add(&mut self, record_type: &str, fields: Option<&Value>) {
        *self.records.entry(record_type.to_string()).or_default() += 1;
        self.bump(format!("{record_type}.Records"), 1.0);
        let Some(v) = fields else { return };
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let num = |k: &str| v.get(k).and_then(Value::as_f64);
        match record_type {
            "LyncUserCal" => {
                if v.get("Standard") == Some(&Value::Bool(true)) {
                    self.bump("LyncUserCal.Standard".into(), 1.0);
                    match v.get("Enterprise") {
                        Some(Value::Bool(true)) => self.bump("LyncUserCal.Enterprise".into(), 1.0),
                        Some(Value::Null) | None => {
                            self.bump("LyncUserCal.Undetermined".into(), 1.0)
                        }
                        _ => {}
                    }
                    if v.get("Plus") == Some(&Value::Bool(true)) {
                        self.bump("LyncUserCal.Plus".into(), 1.0);
                    }
                }
            }
            "LyncUserUsage" | "LyncDeviceUsage" => {
                for tier in ["Standard", "Enterprise", "Plus"] {
                    let answer = text(tier);
                    if !answer.is_empty() {
                        self.bump(format!("{record_type}.{tier}.{answer}"), 1.0);
                    }
                }
            }
            "LyncCalRightSizing" => {
                let code = text("Recommendation");
                if !code.is_empty() {
                    self.bump(format!("LyncCalRightSizing.{code}"), 1.0);
                }
            }
            "CalCompliance" => {
                let key = format!(
                    "CalCompliance[{} {} {}]",
                    text("Product"),
                    text("CalType"),
                    v.get("Version")
                        .filter(|x| !x.is_null())
                        .map(|x| x.to_string())
                        .unwrap_or_default()
                );
                for f in ["Required", "Owned", "Covered", "Shortfall"] {
                    if let Some(x) = num(f) {
                        self.bump(
                            format!("{}.{f}", key.trim_end_matches(' ').replace(" ]", "]")),
                            x,
                        );
                    }
                }
                self.summaries.push(v.clone());
            }
            "LyncCalPosition" => {
                for f in ["Required", "Owned", "Shortfall", "Surplus"] {
                    if let Some(x) = num(f) {
                        self.bump(format!("LyncCalPosition[{}].{f}", text("Tier")), x);
                    }
                }
                self.summaries.push(v.clone());
            }
            // One row per customer, one above customers, one for the estate: the estate row is
            // the total (adding them all would count every licence twice).
            "UcLicenseTotal" if v.get("Scope").and_then(Value::as_str) != Some("Estate") => {
                self.summaries.push(v.clone());
            }
            "UcLicenseTotal" => {
                for f in ["UserLicenses", "StandaloneDevices", "MeetingRooms"] {
                    if let Some(x) = num(f) {
                        self.bump(format!("UcLicenseTotal.{f}"), x);
                    }
                }
                self.summaries.push(v.clone());
            }
            t if SUMMARY_TYPES.contains(&t) => {
                if let Some(obj) = v.as_object() {
                    for (k, x) in obj {
                        if let Some(x) = x.as_f64() {
                            self.bump(format!("{t}.{k}"), x);
                        }
                    }
                }
                self.summaries.push(v.clone());
            }
            _ => {}
        }
    }

    /// The file name of a run: command and as-of, e.g. lync-entitlement-20261101T000000Z.
    pub fn file_stem(&self) -> String {
        let cmd: String = self
            .command
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        format!("{cmd}-{}", self.as_of.format("%Y%m%dT%H%M%SZ"))
    }
}

/// How one total moved from the previous run of the same command.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LicenseAuditTrend {
    pub command: String,
    pub as_of: DateTime<Utc>,
    pub metric: String,
    pub value: f64,
    /// The same total in the previous run (null: first run, or the total is new)
    pub previous: Option<f64>,
    pub change: Option<f64>,
    /// Change relative to the previous run (null when the previous value was 0)
    pub change_percent: Option<f64>,
    /// The change is beyond the alert threshold (or a total appeared from 0)
    pub alert: bool,
    /// The run file
    pub file: String,
}

impl OutputRecord for LicenseAuditTrend {
    const RECORD_TYPE: &'static str = "LicenseAuditTrend";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "Command",
        "AsOf",
        "Metric",
        "Previous",
        "Value",
        "ChangePercent",
        "Alert",
    ];
}

pub fn schemas() -> Vec<SchemaEntry> {
    vec![
        SchemaEntry::output::<LicenseAuditTrend>(
            "How one total moved between two runs kept with the history option (`history`)",
        ),
        SchemaEntry::output::<LicenseAuditRun>(
            "One audit run's totals, as kept in the history folder",
        ),
    ]
}

impl OutputRecord for LicenseAuditRun {
    const RECORD_TYPE: &'static str = "LicenseAuditRun";
    const TABLE_COLUMNS: &'static [&'static str] = &["Command", "AsOf", "RunAt", "BadRecords"];
}

#[derive(Debug, Clone)]
pub struct HistoryOptions {
    pub dir: PathBuf,
    /// Percent
    pub alert_threshold: f64,
    /// Only runs of this command
    pub command: Option<String>,
    /// Also list totals that did not move
    pub all: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// An input it cannot use, or output it cannot write.
    #[error(transparent)]
    Io(#[from] IoError),
    #[error("cannot read the history folder {dir}: {message}")]
    Folder { dir: String, message: String },
    #[error("the history folder {0} holds no run files")]
    Empty(String),
}

crate::model::io_error_from!(HistoryError);

/// What `history` found.
#[derive(Debug, Default)]
pub struct HistoryOutcome {
    pub runs: u64,
    pub alerts: u64,
}

fn read_runs(
    dir: &Path,
    reporter: &mut impl Reporter,
) -> Result<Vec<(String, LicenseAuditRun)>, HistoryError> {
    let entries = std::fs::read_dir(dir).map_err(|e| HistoryError::Folder {
        dir: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut runs = Vec::new();
    for p in paths {
        let name = p
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        match std::fs::read_to_string(&p)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                serde_json::from_str::<LicenseAuditRun>(t.trim_start_matches('\u{feff}'))
                    .map_err(|e| e.to_string())
            }) {
            Ok(r) if r.record_type == "LicenseAuditRun" => runs.push((name, r)),
            Ok(_) => reporter.warning(
                "NotARunFile",
                &format!("{name}: not a LicenseAuditRun file; skipped"),
            ),
            Err(e) => reporter.warning(
                "NotARunFile",
                &format!("{name}: not a run file ({e}); skipped"),
            ),
        }
    }
    Ok(runs)
}

/// `history`: one LicenseAuditTrend per total per run (totals that did not move only with the
/// all option), oldest first within each command.
pub fn run(
    options: &HistoryOptions,
    sink: &mut impl RecordSink,
    reporter: &mut impl Reporter,
) -> Result<HistoryOutcome, HistoryError> {
    let mut runs = read_runs(&options.dir, reporter)?;
    if let Some(c) = &options.command {
        runs.retain(|(_, r)| r.command.eq_ignore_ascii_case(c.trim()));
    }
    if runs.is_empty() {
        return Err(HistoryError::Empty(options.dir.display().to_string()));
    }
    runs.sort_by(|a, b| {
        (&a.1.command, a.1.as_of, a.1.run_at, &a.0).cmp(&(
            &b.1.command,
            b.1.as_of,
            b.1.run_at,
            &b.0,
        ))
    });
    let mut outcome = HistoryOutcome {
        runs: runs.len() as u64,
        alerts: 0,
    };
    let mut alerts = Vec::new();
    let mut previous: Option<&LicenseAuditRun> = None;
    for (file, run) in &runs {
        let prev = previous.filter(|p| p.command == run.command);
        let mut metrics: Vec<&String> = run.totals.keys().collect();
        if let Some(p) = prev {
            // A total that went away is a move to 0.
            metrics.extend(p.totals.keys().filter(|k| !run.totals.contains_key(*k)));
        }
        metrics.sort();
        metrics.dedup();
        for m in metrics {
            // An older run's file may hold a -0: read as 0.
            let value = no_negative_zero(run.totals.get(m).copied().unwrap_or(0.0));
            let before = prev.map(|p| no_negative_zero(p.totals.get(m).copied().unwrap_or(0.0)));
            let change = before.map(|b| no_negative_zero(value - b));
            let pct = before
                .filter(|b| *b != 0.0)
                .map(|b| no_negative_zero(((value - b) / b.abs() * 1000.0).round() / 10.0));
            let alert = match (before, pct) {
                (Some(_), Some(p)) => p.abs() > options.alert_threshold,
                (Some(b), None) => b != value,
                _ => false,
            };
            if !options.all && prev.is_some() && change == Some(0.0) {
                continue;
            }
            let trend = LicenseAuditTrend {
                command: run.command.clone(),
                as_of: run.as_of,
                metric: m.clone(),
                value,
                previous: before,
                change,
                change_percent: pct,
                alert,
                file: file.clone(),
            };
            if alert {
                outcome.alerts += 1;
                alerts.push(format!(
                    "{} {}: {} moved {} → {}{}",
                    run.command,
                    run.as_of.format("%Y-%m-%d"),
                    m,
                    before.unwrap_or(0.0),
                    value,
                    pct.map(|p| format!(" ({p:+}%)")).unwrap_or_default()
                ));
            }
            sink.write(&trend)?;
        }
        previous = Some(run);
    }
    for a in &alerts {
        reporter.warning(
            "HistoryAlert",
            &format!("{a}, beyond {}%", options.alert_threshold),
        );
    }
    sink.footer(&[format!(
        "{} run(s); {} change(s) beyond {}%",
        outcome.runs, outcome.alerts, options.alert_threshold
    )])?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn totals_count_tiers_and_keep_summaries() {
        let t = DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut r = LicenseAuditRun::new("0.1.0", "lync entitlement", t, t);
        r.add(
            "LyncUserCal",
            Some(&json!({"Standard": true, "Enterprise": null, "Plus": true})),
        );
        r.add(
            "LyncUserCal",
            Some(&json!({"Standard": true, "Enterprise": true, "Plus": false})),
        );
        r.add(
            "LyncUserCal",
            Some(&json!({"Standard": false, "Enterprise": false, "Plus": false})),
        );
        r.add("CalCompliance", Some(&json!({"Product": "Windows Server", "CalType": "User", "Version": 2019, "Required": 5, "Shortfall": 2})));
        r.add("LyncPolicyAudit", None);
        r.add("LyncCalPosition", Some(&json!({"Tier": "Enterprise", "Required": 12, "Owned": 10, "Shortfall": 2, "Surplus": 0})));
        assert_eq!(r.totals["LyncCalPosition[Enterprise].Shortfall"], 2.0);
        assert_eq!(r.totals["LyncCalPosition[Enterprise].Owned"], 10.0);
        assert_eq!(r.totals["LyncUserCal.Records"], 3.0);
        assert_eq!(r.totals["LyncUserCal.Standard"], 2.0);
        assert_eq!(r.totals["LyncUserCal.Enterprise"], 1.0);
        assert_eq!(r.totals["LyncUserCal.Undetermined"], 1.0);
        assert_eq!(r.totals["LyncUserCal.Plus"], 1.0);
        assert_eq!(
            r.totals["CalCompliance[Windows Server User 2019].Shortfall"],
            2.0
        );
        assert_eq!(r.records["LyncPolicyAudit"], 1);
        assert_eq!(r.summaries.len(), 2);
        assert_eq!(r.file_stem(), "lync-entitlement-20261101T000000Z");
    }
}
