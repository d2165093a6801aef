//! `--history DIR` on the audits and `history DIR`: run files written atomically, never
//! overwritten, and the drift between two example runs flagged.

mod util;
use util::{repo_path, run};

fn entitlement(history: &str, as_of: &str, users: Option<&str>) -> util::Run {
    let estate = repo_path("examples/contoso");
    let mut args = vec![
        "lync",
        "entitlement",
        "--estate",
        &estate,
        "--summary",
        "--as-of",
        as_of,
        "--history",
        history,
        "--format",
        "ndjson",
    ];
    if let Some(u) = users {
        args.extend(["--users", u]);
    }
    run(&args)
}

#[test]
fn two_example_runs_show_the_drift() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("runs");
    let h = h.to_string_lossy().into_owned();
    let oct = entitlement(&h, "2026-10-01T00:00:00Z", None);
    assert_eq!(oct.code, 0, "{}", oct.stderr);
    assert_eq!(
        oct.records_of("LyncUserCal").len(),
        15,
        "records pass through unchanged"
    );
    let november = repo_path("examples/history/users-november.json");
    let nov = entitlement(&h, "2026-11-01T00:00:00Z", Some(&november));
    assert_eq!(nov.code, 0, "{}", nov.stderr);

    let mut names: Vec<String> = std::fs::read_dir(&h)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "lync-entitlement-20261001T000000Z.json",
            "lync-entitlement-20261101T000000Z.json"
        ]
    );
    let run_file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{h}/{}", names[0])).unwrap())
            .unwrap();
    assert_eq!(run_file["RecordType"], "LicenseAuditRun");
    assert_eq!(run_file["Command"], "lync entitlement");
    assert_eq!(run_file["Totals"]["LyncUserCal.Enterprise"], 6.0);
    assert_eq!(run_file["Summaries"][0]["Total"], 15);

    let r = run(&[
        "history",
        &h,
        "--alert-threshold",
        "10",
        "--format",
        "ndjson",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let trends = r.records_of("LicenseAuditTrend");
    let ent = trends
        .iter()
        .find(|t| t["Metric"] == "LyncUserCal.Enterprise" && t["AsOf"] == "2026-11-01T00:00:00Z")
        .expect("the Enterprise count moved");
    assert_eq!(ent["Previous"], 6.0);
    assert_eq!(ent["Value"], 9.0);
    assert_eq!(ent["ChangePercent"], 50.0);
    assert_eq!(ent["Alert"], true);
    let std = trends
        .iter()
        .find(|t| t["Metric"] == "LyncUserCal.Standard" && t["AsOf"] == "2026-11-01T00:00:00Z")
        .unwrap();
    assert_eq!(std["Alert"], false, "7.1% is under 10%");
    assert!(
        r.stderr.contains("LyncUserCal.Enterprise moved 6 → 9"),
        "{}",
        r.stderr
    );

    // A higher threshold (60: the largest move is +50%): no alert.
    let r = run(&[
        "history",
        &h,
        "--alert-threshold",
        "60",
        "--format",
        "ndjson",
    ]);
    assert!(r
        .records_of("LicenseAuditTrend")
        .iter()
        .all(|t| t["Alert"] == false));

    // The trend goes into the workbook too.
    let trend_file = dir.path().join("trend.ndjson");
    let r = run(&[
        "history",
        &h,
        "--format",
        "ndjson",
        "--output",
        &trend_file.to_string_lossy(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let xlsx = dir.path().join("h.xlsx");
    let r = run(&[
        "report",
        "--output",
        &xlsx.to_string_lossy(),
        &trend_file.to_string_lossy(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("History"), "{}", r.stdout);
}

#[test]
fn a_run_never_overwrites_an_earlier_one() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().to_string_lossy().into_owned();
    for _ in 0..3 {
        assert_eq!(entitlement(&h, "2026-10-01T00:00:00Z", None).code, 0);
    }
    let mut names: Vec<String> = std::fs::read_dir(&h)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "lync-entitlement-20261001T000000Z-2.json",
            "lync-entitlement-20261001T000000Z-3.json",
            "lync-entitlement-20261001T000000Z.json"
        ]
    );
}

#[test]
fn every_audit_keeps_history_and_the_folder_must_hold_runs() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().to_string_lossy().into_owned();
    let ual = |f: &str| repo_path(&format!("examples/ual/{f}"));
    let r = run(&[
        "ual",
        "compliance",
        "--as-of",
        "2026-11-01T00:00:00Z",
        "--evidence",
        &ual("ual-user-access.json"),
        "--systems",
        &ual("ual-system-id.json"),
        "--licenses",
        &ual("licenses.csv"),
        "--history",
        &h,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["lync", "template", "--history", &h]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["history", &h, "--all", "--format", "ndjson"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let commands: std::collections::BTreeSet<String> = r
        .records_of("LicenseAuditTrend")
        .iter()
        .map(|t| t["Command"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        commands.into_iter().collect::<Vec<_>>(),
        vec!["lync template", "ual compliance"]
    );
    assert!(
        r.stdout.contains("Shortfall"),
        "CalCompliance totals are kept"
    );

    let empty = tempfile::tempdir().unwrap();
    let r = run(&["history", &empty.path().to_string_lossy()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no run files"), "{}", r.stderr);
}

#[test]
fn uc_totals_are_the_estate_row_not_the_sum_of_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("runs");
    let h = h.to_string_lossy().into_owned();
    let estate = repo_path("examples/uc");
    let r = run(&[
        "uc",
        "count",
        "--estate",
        &estate,
        "--as-of",
        "2026-11-01T00:00:00Z",
        "--history",
        &h,
        "--format",
        "ndjson",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let totals = r.records_of("UcLicenseTotal");
    assert!(
        totals.len() > 2,
        "customers, above customers and the estate"
    );
    let estate_row = totals
        .iter()
        .find(|t| t["Scope"] == "Estate")
        .expect("an estate row");
    let run_file: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{h}/uc-count-20261101T000000Z.json")).unwrap(),
    )
    .unwrap();
    for f in ["UserLicenses", "StandaloneDevices", "MeetingRooms"] {
        assert_eq!(
            run_file["Totals"][format!("UcLicenseTotal.{f}")],
            estate_row[f].as_f64().unwrap(),
            "{f}"
        );
    }
    // Every total row is still kept whole.
    assert_eq!(
        run_file["Summaries"].as_array().unwrap().len(),
        totals.len()
    );
}
