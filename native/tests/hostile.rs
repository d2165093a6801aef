//! Hostile input, round 2 (issue #22), through the binary: wide records, workbook limits,
//! dates, temporaries left behind on failure, and the smaller cases.

mod util;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use util::Run;

/// A bound only a quadratic (or hung) run would miss: no timing is asserted beyond it.
const BOUND: Duration = Duration::from_secs(30);

/// Runs the binary, killing it if it has not finished within [`BOUND`] (a failure).
fn run_bounded(args: &[&str], scratch: &Path) -> Run {
    let out = scratch.join("stdout");
    let err = scratch.join("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_license-audit"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("binary starts");
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            panic!("license-audit {args:?} did not finish within {BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(out).unwrap(),
        stderr: std::fs::read_to_string(err).unwrap(),
    }
}

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

// ---- Item 2: wide records ---------------------------------------------------------------------

#[test]
fn inspect_reads_a_json_object_of_200000_keys() {
    let dir = scratch();
    let file = dir.path().join("wide.json");
    let mut json = String::from("[{");
    for i in 0..200_000 {
        json.push_str(&format!("\"Key{i}\":{i},"));
    }
    json.push_str("\"KEY0\":0}]");
    std::fs::write(&file, json).unwrap();
    let r = run_bounded(&["inspect", file.to_str().unwrap()], dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = &r.records()[0];
    assert_eq!(report["Records"], 1);
    let props = report["Properties"].as_array().unwrap();
    assert_eq!(props.len(), 200_000);
    assert_eq!(props[0]["Name"], "Key0");
}

#[test]
fn inspect_reads_a_csv_of_320000_columns() {
    let dir = scratch();
    let file = dir.path().join("wide.csv");
    let n = 320_000;
    let mut csv = (0..n)
        .map(|i| format!("C{i}"))
        .collect::<Vec<_>>()
        .join(",");
    csv.push('\n');
    csv.push_str(&vec!["x"; n].join(","));
    csv.push('\n');
    std::fs::write(&file, csv).unwrap();
    let r = run_bounded(&["inspect", file.to_str().unwrap()], dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = &r.records()[0];
    assert_eq!(report["Properties"].as_array().unwrap().len(), n);
}

// ---- Item 13: the smaller cases ---------------------------------------------------------------

#[test]
fn ual_evidence_dated_after_as_of_is_excluded_and_counted() {
    // Erin's only Exchange row (FlexNet, 24 October) is after an as-of of 22 October.
    let e = |f: &str| util::repo_path(&format!("examples/ual/{f}"));
    let (access, device, flexnet, systems, licences) = (
        e("ual-user-access.json"),
        e("ual-device-access.json"),
        e("flexnet-evidence.csv"),
        e("ual-system-id.json"),
        e("licenses.csv"),
    );
    let run = |as_of: &str| {
        util::run(&[
            "ual",
            "compliance",
            "--evidence",
            &access,
            &device,
            &flexnet,
            "--systems",
            &systems,
            "--licenses",
            &licences,
            "--internal-domain",
            "contoso.com",
            "--as-of",
            as_of,
            "--emit-evidence",
        ])
    };
    let erin_exchange = |r: &Run| {
        r.records_of("CalConsumption")
            .iter()
            .any(|c| c["Product"] == "Exchange Server" && c["Principal"] == "contoso\\erin")
    };
    let after = |r: &Run| {
        r.records_of("UalEvidenceSummary")[0]["Excluded"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["Reason"] == "AfterAsOf")
            .map(|x| x["Count"].as_u64().unwrap())
    };
    let later = run("2026-11-01T00:00:00Z");
    assert!(erin_exchange(&later), "{}", later.stderr);
    assert_eq!(after(&later), None);
    let earlier = run("2026-10-22T00:00:00Z");
    assert!(!erin_exchange(&earlier), "{}", earlier.stderr);
    assert!(after(&earlier).unwrap() >= 1);
    let row = earlier
        .records_of("UalEvidence")
        .into_iter()
        .find(|x| x["Principal"] == "contoso\\erin" && x["Server"] == "EXCH2010")
        .expect("Erin's FlexNet row is listed");
    assert_eq!(
        (row["Status"].as_str(), row["Reason"].as_str()),
        (Some("Excluded"), Some("AfterAsOf"))
    );
}

#[test]
fn lync_entitlement_warns_of_addresses_that_differ_only_by_invisible_characters() {
    let dir = scratch();
    let users = dir.path().join("users.json");
    std::fs::write(
        &users,
        r#"[{"SipAddress":"sip:alice@contoso.com","Enabled":true,"ConferencingPolicy":null,"VoicePolicy":null,"EnterpriseVoiceEnabled":false},
{"SipAddress":"sip:al\u200bice@contoso.com","Enabled":true,"ConferencingPolicy":null,"VoicePolicy":null,"EnterpriseVoiceEnabled":false},
{"SipAddress":"sip:alice@contoso.com.","Enabled":true,"ConferencingPolicy":null,"VoicePolicy":null,"EnterpriseVoiceEnabled":false}]"#,
    )
    .unwrap();
    let policies = dir.path().join("policies.json");
    std::fs::write(&policies, r#"[{"Identity":"Global"}]"#).unwrap();
    let r = util::run(&[
        "lync",
        "entitlement",
        "--users",
        users.to_str().unwrap(),
        "--conferencing-policies",
        policies.to_str().unwrap(),
        "--error-format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.records_of("LyncUserCal").len(),
        3,
        "counted as three users"
    );
    let warnings: Vec<serde_json::Value> = r
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|w: &serde_json::Value| w["code"] == "LookAlikeAddress")
        .collect();
    assert_eq!(warnings.len(), 2, "{}", r.stderr);
    let m = warnings[0]["message"].as_str().unwrap();
    assert!(m.contains("record 2"), "{m}");
    assert!(
        m.contains("'sip:alice@contoso.com' and 'sip:al\\u{200b}ice@contoso.com'"),
        "{m}"
    );
}

// ---- Item 11: AM/PM dates ---------------------------------------------------------------------

#[test]
fn inspect_lists_culture_text_date_spellings() {
    let file = format!(
        "{}/ingest/tests/bad-input/csv-semicolon-ampm-dates.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let r = util::run(&["inspect", &file]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.records()[0]["DateSpellings"],
        serde_json::json!(["culture text (Export-Csv)"])
    );
}

// ---- Item 6: the workbook's limits ------------------------------------------------------------

/// The UAL example's records, one JSON object per line.
fn ual_records() -> Vec<serde_json::Value> {
    let e = |f: &str| util::repo_path(&format!("examples/ual/{f}"));
    let r = util::run(&[
        "ual",
        "compliance",
        "--evidence",
        &e("ual-user-access.json"),
        &e("flexnet-evidence.csv"),
        "--systems",
        &e("ual-system-id.json"),
        "--licenses",
        &e("licenses.csv"),
        "--internal-domain",
        "contoso.com",
        "--as-of",
        "2026-11-01T00:00:00Z",
        "--format",
        "ndjson",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.records()
}

fn write_ndjson(path: &Path, records: &[serde_json::Value]) {
    let mut text = String::new();
    for r in records {
        text.push_str(&serde_json::to_string(r).unwrap());
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

fn report(dir: &Path, records: &Path) -> (Run, std::path::PathBuf) {
    let book = dir.join("audit.xlsx");
    let r = run_bounded(
        &[
            "report",
            records.to_str().unwrap(),
            "--output",
            book.to_str().unwrap(),
            "--as-of",
            "2026-11-01T00:00:00Z",
        ],
        dir,
    );
    (r, book)
}

/// One XML part of the workbook.
fn sheet_xml(book: &Path, part: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(part).unwrap(), &mut xml).unwrap();
    xml
}

#[test]
fn report_cuts_an_overview_value_over_the_cell_limit_with_a_visible_mark() {
    let dir = scratch();
    let mut recs = ual_records();
    let c = recs
        .iter_mut()
        .find(|r| r["RecordType"] == "CalCompliance")
        .expect("a CalCompliance record");
    c["Product"] = serde_json::Value::String("P".repeat(40_000));
    let file = dir.path().join("records.ndjson");
    write_ndjson(&file, &recs);
    let (r, book) = report(dir.path(), &file);
    assert_eq!(r.code, 0, "{}", r.stderr);
    util::validate_workbook(&book);
    // The Overview's strings are in the shared string table.
    let overview = sheet_xml(&book, "xl/sharedStrings.xml");
    assert!(
        overview.contains("… [cut: over Excel&apos;s 32,767 characters a cell]")
            || overview.contains("… [cut: over Excel's 32,767 characters a cell]"),
        "the cut is marked on the Overview"
    );
}

#[test]
fn report_sanitizes_field_names_and_caps_columns_with_a_note() {
    let dir = scratch();
    let mut recs = ual_records();
    let c = recs
        .iter_mut()
        .find(|r| r["RecordType"] == "CalConsumption")
        .expect("a CalConsumption record");
    let obj = c.as_object_mut().unwrap();
    obj.insert("Bad\u{1}Name\u{7}".into(), "x".into());
    obj.insert("Bad\u{2}Name\u{7}".into(), "y".into());
    for i in 0..16_500 {
        obj.insert(format!("Extra{i:05}"), i.into());
    }
    let file = dir.path().join("records.ndjson");
    write_ndjson(&file, &recs);
    let (r, book) = report(dir.path(), &file);
    assert_eq!(r.code, 0, "{}", r.stderr);
    util::validate_workbook(&book);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&book).unwrap()).unwrap();
    let tables: Vec<String> = zip
        .file_names()
        .filter(|n| n.starts_with("xl/tables/"))
        .map(str::to_string)
        .collect();
    let mut all = String::new();
    for t in tables {
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(&t).unwrap(), &mut xml).unwrap();
        all.push_str(&xml);
    }
    assert!(all.contains("Bad\\u{1}Name\\u{7}"), "escaped, not raw");
    assert!(all.contains("Bad\\u{2}Name\\u{7}"));
    assert!(!all.contains('\u{1}'));
    assert!(
        all.contains("more field(s) not shown: Excel&apos;s limit is 16,384 columns")
            || all.contains("more field(s) not shown: Excel's limit is 16,384 columns"),
        "the cap is noted"
    );
}

// ---- Item 12: nothing left behind on failure --------------------------------------------------

#[cfg(unix)]
#[test]
fn sigterm_removes_the_partial_output() {
    let dir = scratch();
    let users = dir.path().join("users.ndjson");
    let mut text = String::new();
    for i in 0..400_000 {
        text.push_str(&format!(
            "{{\"SipAddress\":\"sip:user{i}@contoso.com\",\"Enabled\":true,\"ConferencingPolicy\":null}}\n"
        ));
    }
    std::fs::write(&users, text).unwrap();
    let policies = dir.path().join("policies.json");
    std::fs::write(&policies, r#"[{"Identity":"Global"}]"#).unwrap();
    let out = dir.path().join("out.ndjson");
    let mut child = Command::new(env!("CARGO_BIN_EXE_license-audit"))
        .args([
            "lync",
            "entitlement",
            "--users",
            users.to_str().unwrap(),
            "--conferencing-policies",
            policies.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let partial = |d: &Path| {
        std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.contains(".partial-"))
    };
    // Wait until the run has its partial file (and has read some users).
    let started = Instant::now();
    while partial(dir.path()).is_none() {
        assert!(started.elapsed() < BOUND, "no partial file appeared");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended too soon"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    if status.code() == Some(0) {
        // It finished before the signal came: the output is whole, and nothing is left over.
        assert!(out.exists());
    } else {
        assert_eq!(status.code(), Some(130), "{status:?}");
        assert!(!out.exists(), "no output from an interrupted run");
    }
    assert_eq!(partial(dir.path()), None, "the partial file is removed");
}

#[cfg(target_os = "linux")]
#[test]
fn report_on_a_full_disk_writes_one_json_diagnostic_a_line() {
    let dir = scratch();
    let file = dir.path().join("records.ndjson");
    write_ndjson(&file, &ual_records());
    // A workbook name that is /dev/full: every write fails with "no space left on device".
    let book = dir.path().join("full.xlsx");
    std::os::unix::fs::symlink("/dev/full", &book).unwrap();
    let r = run_bounded(
        &[
            "report",
            file.to_str().unwrap(),
            "--output",
            book.to_str().unwrap(),
            "--error-format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("No space left on device"), "{}", r.stderr);
    assert!(!r.stderr.is_empty());
    for line in r.stderr.lines() {
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not one JSON object ({e}): {line}"));
        assert!(v["level"].is_string(), "{line}");
    }
    assert!(!r.stderr.contains("ZipWriter::drop"), "{}", r.stderr);
}
