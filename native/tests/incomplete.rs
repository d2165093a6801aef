//! Never a zero from unread data (issue #21 item 2), audit by audit: totals built on a partly
//! read input carry `IncompleteInputs` naming the file (NDJSON and CSV), the table ends with an
//! `INCOMPLETE:` footer line, the run ends with exit 3; an input of which no record reads is
//! refused, with no totals; a complete run's IncompleteInputs is an empty list.

mod util;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use util::{repo_path, run, run_with_env};

const AS_OF: &str = "2026-11-01T00:00:00Z";

/// A folder of inputs made for one test.
struct Files(tempfile::TempDir);

impl Files {
    fn new() -> Files {
        Files(tempfile::tempdir().unwrap())
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
    fn write(&self, name: &str, text: &str) -> String {
        std::fs::write(self.path(name), text).unwrap();
        self.path(name).to_string_lossy().into_owned()
    }
    /// An example export (a JSON array) as NDJSON, with `extra` objects after its records.
    fn example_plus(&self, name: &str, example: &str, extra: &[Value]) -> String {
        let text = std::fs::read_to_string(repo_path(example)).unwrap();
        let records: Vec<Value> =
            serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
        let lines: Vec<String> = records.iter().chain(extra).map(|r| r.to_string()).collect();
        self.write(name, &(lines.join("\n") + "\n"))
    }
    /// A file of `records` alone (each one bad).
    fn only(&self, name: &str, records: &[Value]) -> String {
        let lines: Vec<String> = records.iter().map(|r| r.to_string()).collect();
        self.write(name, &(lines.join("\n") + "\n"))
    }
}

fn with(args: &[&str], more: &[&str]) -> Vec<String> {
    args.iter().chain(more).map(|a| a.to_string()).collect()
}

fn run_owned(args: &[String]) -> util::Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args)
}

/// The marks of results built on `file` read in part (`refused` of its records not used), in
/// every format: `summary` records carry IncompleteInputs naming it (NDJSON, and a CSV column),
/// the table's last line is the INCOMPLETE footer, stderr has the IncompleteInputs warning, and
/// the exit code is 3.
fn assert_marked(args: &[&str], summary: &str, file: &str, refused: u64) {
    let expected = json!([{ "File": file, "Refused": refused }]);
    let r = run_owned(&with(
        args,
        &["--format", "ndjson", "--error-format", "json"],
    ));
    assert_eq!(r.code, 3, "{args:?}: {}", r.stderr);
    let summaries = r.records_of(summary);
    assert!(!summaries.is_empty(), "no {summary}: {}", r.stdout);
    for s in &summaries {
        assert_eq!(s["IncompleteInputs"], expected, "{s}");
    }
    let warned = r.stderr.lines().any(|l| {
        let w: Value = serde_json::from_str(l).unwrap();
        w["code"] == "IncompleteInputs" && w["message"].as_str().unwrap().contains(file)
    });
    assert!(
        warned,
        "no IncompleteInputs warning naming {file}: {}",
        r.stderr
    );

    let r = run_owned(&with(args, &["--format", "table"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    let last = r
        .stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap();
    assert!(
        last.starts_with("INCOMPLETE:")
            && last.contains(&format!("{file} ({refused} record(s) not used)")),
        "the table's last line: {last}"
    );

    let r = run_owned(&with(args, &["--format", "csv"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    let header = r
        .stdout
        .lines()
        .find(|l| l.contains("IncompleteInputs"))
        .unwrap_or_else(|| panic!("no CSV header with IncompleteInputs: {}", r.stdout));
    assert!(header.starts_with("RecordType,"), "{header}");
    assert!(
        r.stdout.contains(&format!("{file} | {refused}")),
        "no CSV cell naming {file}: {}",
        r.stdout
    );
}

/// A complete run: exit 0 and every `summary` record's IncompleteInputs is an empty list.
fn assert_complete(args: &[&str], summary: &str) {
    let r = run_owned(&with(args, &["--format", "ndjson"]));
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    let summaries = r.records_of(summary);
    assert!(!summaries.is_empty(), "no {summary}: {}", r.stdout);
    for s in &summaries {
        assert_eq!(s["IncompleteInputs"], json!([]), "{s}");
    }
}

/// An input of which no record reads: exit 3 naming it, and no `summary` record written.
fn assert_refused(args: &[&str], summary: &str, file: &str) {
    let r = run_owned(&with(args, &["--format", "ndjson"]));
    assert_eq!(r.code, 3, "{args:?}: {}", r.stderr);
    let named = r.stderr.lines().any(|l| {
        l.contains(&format!("{file}: none of its"))
            || (l.contains(&format!("{file}: ")) && l.contains("could not be read"))
    });
    assert!(named, "no refusal naming {file}: {}", r.stderr);
    assert!(r.records_of(summary).is_empty(), "{}", r.stdout);
}

/// A Lync user whose Enabled is neither True nor False: a bad record.
fn bad_lync_user(n: u32) -> Value {
    json!({ "SipAddress": format!("sip:bad{n}@contoso.com"), "Enabled": "sometimes" })
}

/// The contoso users with one bad user (users.ndjson), and a users file of bad users alone.
fn lync_users(f: &Files) -> (String, String) {
    let partly = f.example_plus(
        "users.ndjson",
        "examples/contoso/users.json",
        &[bad_lync_user(1)],
    );
    let bad = f.only("bad-users.ndjson", &[bad_lync_user(1), bad_lync_user(2)]);
    (partly, bad)
}

#[test]
fn lync_entitlement_summary_is_marked() {
    let f = Files::new();
    let (partly, bad) = lync_users(&f);
    let estate = repo_path("examples/contoso");
    let base = ["lync", "entitlement", "--estate", &estate, "--summary"];
    assert_complete(&base, "LyncCalSummary");
    assert_marked(&with_users(&base, &partly), "LyncCalSummary", &partly, 1);
    assert_refused(&with_users(&base, &bad), "LyncCalSummary", &bad);
}

/// `args` with `--users FILE` (which wins over the estate's users file).
fn with_users<'a>(args: &[&'a str], users: &'a str) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["--users", users]);
    all
}

#[test]
fn lync_policies_assigned_users_are_marked() {
    let f = Files::new();
    let (partly, bad) = lync_users(&f);
    let estate = repo_path("examples/contoso");
    let base = ["lync", "policies", "--estate", &estate];
    assert_complete(&base, "LyncPolicyAudit");
    assert_marked(&with_users(&base, &partly), "LyncPolicyAudit", &partly, 1);
    assert_refused(&with_users(&base, &bad), "LyncPolicyAudit", &bad);
}

/// `lync plan` writes no totals (one change per user): its marks are the footer, the warning
/// and exit 3; a users file of which nothing reads is refused before any change is written.
#[test]
fn lync_plan_is_marked_under_its_changes() {
    let f = Files::new();
    let (partly, bad) = lync_users(&f);
    let estate = repo_path("examples/contoso");
    let base = [
        "lync",
        "plan",
        "--estate",
        &estate,
        "--default-tier",
        "standard",
        "--tier-policy",
        "Standard=Tag:STD_CAL_NoConferencing",
        "--tier-policy",
        "Enterprise=ENT_CAL_REC_AudioVideo",
        "--all",
    ];
    let r = run(&with_users(&base, &partly));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(!r.records_of("LyncPolicyChange").is_empty());
    assert!(r.stderr.contains("INCOMPLETE:") && r.stderr.contains(&partly));
    let table = run_owned(&with(&with_users(&base, &partly), &["--format", "table"]));
    let last = table
        .stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap();
    assert!(
        last.starts_with("INCOMPLETE:") && last.contains(&partly),
        "{last}"
    );
    assert_refused(&with_users(&base, &bad), "LyncPolicyChange", &bad);
}

#[test]
fn lync_rightsize_summary_is_marked() {
    let f = Files::new();
    let configured = "examples/records/lync-entitlement.ndjson";
    let bad_cal = json!({"RecordType": "LyncUserCal", "SipAddress": "sip:q@contoso.com",
        "Identity": "q", "DisplayName": "q", "Kind": "User", "Standard": "maybe",
        "Enterprise": true, "Plus": false});
    let records = std::fs::read_to_string(repo_path(configured)).unwrap();
    let partly = f.write("configured.ndjson", &format!("{records}{bad_cal}\n"));
    let bad = f.only("bad-configured.ndjson", &[bad_cal]);
    let usage = repo_path("examples/rightsizing/usage.ndjson");
    let args = |c: &str| {
        vec![
            "lync".to_string(),
            "rightsize".into(),
            "--configured".into(),
            c.to_string(),
            "--usage".into(),
            usage.clone(),
            "--summary".into(),
        ]
    };
    let summary = "LyncCalRightSizingSummary";
    assert_complete(&refs(&args(&repo_path(configured))), summary);
    assert_marked(&refs(&args(&partly)), summary, &partly, 1);
    assert_refused(&refs(&args(&bad)), summary, &bad);
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// `lync usage` reads its --users and --common-area-phones whole: one unreadable record and
/// nothing is audited (exit 3, before any monitoring store is asked).
#[test]
fn lync_usage_refuses_a_partly_read_users_file() {
    let f = Files::new();
    let partly = f.example_plus(
        "users.ndjson",
        "examples/contoso/users.json",
        &[json!({"Enabled": true})],
    );
    let r = run_with_env(
        &[
            "lync",
            "usage",
            "--server",
            "127.0.0.1,9",
            "--auth",
            "sql",
            "--user",
            "sa",
            "--users",
            &partly,
        ],
        None,
        &[("LICENSEAUDIT_SQL_PASSWORD", "not-used")],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("{partly}: 1 record(s) could not be read")),
        "{}",
        r.stderr
    );
    assert!(r.stdout.trim().is_empty(), "{}", r.stdout);
}

#[test]
fn ual_compliance_positions_and_summary_are_marked() {
    let f = Files::new();
    let example = "examples/ual/ual-user-access.json";
    let text = std::fs::read_to_string(repo_path(example)).unwrap();
    let rows: Vec<Value> = serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
    let mut bad_row = rows[0].clone();
    bad_row["FirstSeen"] = json!("not a date");
    let partly = f.example_plus("ual.ndjson", example, &[bad_row.clone()]);
    let bad = f.only("bad-ual.ndjson", &[bad_row.clone(), bad_row]);
    let e = |name: &str| repo_path(&format!("examples/ual/{name}"));
    let args = |evidence: &str| {
        vec![
            "ual".to_string(),
            "compliance".into(),
            "--evidence".into(),
            evidence.to_string(),
            "--systems".into(),
            e("ual-system-id.json"),
            "--licenses".into(),
            e("licenses.csv"),
            "--internal-domain".into(),
            "contoso.com".into(),
            "--as-of".into(),
            AS_OF.into(),
        ]
    };
    let complete = args(&repo_path(example));
    assert_complete(&refs(&complete), "CalCompliance");
    assert_complete(&refs(&complete), "UalEvidenceSummary");
    let p = args(&partly);
    assert_marked(&refs(&p), "CalCompliance", &partly, 1);
    assert_marked(&refs(&p), "UalEvidenceSummary", &partly, 1);
    let b = args(&bad);
    assert_refused(&refs(&b), "UalEvidenceSummary", &bad);
}

#[test]
fn uc_count_totals_are_marked() {
    let f = Files::new();
    let users = repo_path("examples/uc/users.csv");
    // A CUCM Bulk Administration Tool export: the second row has no USER ID.
    let partly = f.write(
        "enduser.csv",
        "USER ID,MAIL ID,DEVICE NAME 1\nalice,alice@contoso.com,SEP0A11CE000001\n,nobody@contoso.com,SEP0\n",
    );
    let bad = f.write(
        "bad-enduser.csv",
        "USER ID,MAIL ID,DEVICE NAME 1\n,a@contoso.com,SEP0\n,nobody@contoso.com,SEP0\n",
    );
    let complete = f.write(
        "good-enduser.csv",
        "USER ID,MAIL ID,DEVICE NAME 1\nalice,alice@contoso.com,SEP0A11CE000001\n",
    );
    let base = |cucm: &str| {
        vec![
            "uc".to_string(),
            "count".into(),
            "--users".into(),
            users.clone(),
            "--cucm-users".into(),
            cucm.to_string(),
        ]
    };
    assert_complete(&refs(&base(&complete)), "UcLicenseTotal");
    assert_marked(&refs(&base(&partly)), "UcLicenseTotal", &partly, 1);
    assert_refused(&refs(&base(&bad)), "UcLicenseTotal", &bad);
}

#[test]
fn teams_assignments_summary_is_marked() {
    let f = Files::new();
    let example = "examples/teams/teams.json";
    let text = std::fs::read_to_string(repo_path(example)).unwrap();
    let accounts: Vec<Value> = serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
    let mut bad_account = accounts[0].clone();
    bad_account["UserPrincipalName"] = json!("zed@contoso.com");
    bad_account["Identity"] = json!("zzz");
    bad_account["AccountEnabled"] = json!("maybe");
    let partly = f.example_plus("teams.ndjson", example, &[bad_account.clone()]);
    let bad = f.only("bad-teams.ndjson", &[bad_account]);
    let estate = repo_path("examples/teams");
    let base = ["teams", "assignments", "--estate", &estate];
    assert_complete(&base, "TeamsAssignmentSummary");
    let p = with(&base, &["--online-users", &partly]);
    assert_marked(&refs(&p), "TeamsAssignmentSummary", &partly, 1);
    let b = with(&base, &["--online-users", &bad]);
    assert_refused(&refs(&b), "TeamsAssignmentSummary", &bad);
}

/// The Overview's first rows, as text.
fn overview_text(book: &Path) -> String {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(book).unwrap();
    let range = wb.worksheet_range("Overview").unwrap();
    range
        .rows()
        .take(8)
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `report` reads records, not exports: a records file it cannot read whole is refused (no
/// workbook); records of an audit built on a partly read export carry that audit's mark into
/// every ReportSheet, the Overview, the footer and the exit code.
#[test]
fn report_carries_the_mark_of_the_records_it_reads() {
    let f = Files::new();
    let (partly_users, _) = lync_users(&f);
    let estate = repo_path("examples/contoso");
    let audit = run(&[
        "lync",
        "entitlement",
        "--estate",
        &estate,
        "--users",
        &partly_users,
        "--summary",
    ]);
    assert_eq!(audit.code, 3, "{}", audit.stderr);
    let records = f.write("entitlement.ndjson", &audit.stdout);
    let book = f.path("audit.xlsx");
    let book_arg = book.to_string_lossy().into_owned();
    let args = ["report", &records, "--output", &book_arg];
    assert_marked(&args, "ReportSheet", &partly_users, 1);
    util::validate_workbook(&book);
    let overview = overview_text(&book);
    assert!(
        overview.lines().any(|l| l.starts_with("INCOMPLETE:")
            && l.contains(&format!("{partly_users} (1 record(s) not used)"))),
        "{overview}"
    );

    let complete = repo_path("examples/records/lync-entitlement.ndjson");
    assert_complete(&["report", &complete, "--output", &book_arg], "ReportSheet");
    util::validate_workbook(&book);
    assert!(!overview_text(&book).contains("INCOMPLETE"));

    let cut = f.write(
        "cut.ndjson",
        "{\"RecordType\":\"LyncUserCal\",\"SipAddress\":\n{\"x\n",
    );
    let other = f.path("other.xlsx");
    let r = run(&["report", &cut, "--output", &other.to_string_lossy()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("{cut}: ")), "{}", r.stderr);
    assert!(
        !other.exists(),
        "no workbook from a records file not read whole"
    );
}
