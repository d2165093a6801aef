//! `lync usage` end to end: the binary, through tiberius, against the SQLite-backed TDS test
//! server loaded with LcsCDR tables that hold one scenario per user.

#[path = "support/tds.rs"]
mod tds;
mod util;

use serde_json::Value;
use util::{fixture, run_with_env};

const AS_OF: &str = "2026-11-01T00:00:00Z";

fn server(variant: &str, options: tds::Options) -> tds::TdsTestServer {
    let dbs =
        tds::load_databases(std::path::Path::new(&fixture(&format!("lcscdr/{variant}")))).unwrap();
    tds::start(options, dbs)
}

fn estate() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let users: Vec<String> = [
        "p2ponly",
        "organizer",
        "attendee",
        "dialin",
        "pstnout",
        "pstnin",
        "rgsagent",
        "delegate",
        "boss",
        "phoneuser",
        "idle",
        "sharer",
    ]
    .iter()
    .map(|u| format!(r#"{{"SipAddress":"sip:{u}@contoso.com","Enabled":true}}"#))
    .collect();
    std::fs::write(d.path().join("users.ndjson"), users.join("\n")).unwrap();
    std::fs::write(
        d.path().join("caps.json"),
        r#"[{"SipAddress":"sip:lobbyphone@contoso.com","DisplayName":"Lobby"}]"#,
    )
    .unwrap();
    d
}

fn usage(s: &tds::TdsTestServer, extra: &[&str], password: &str) -> util::Run {
    let e = estate();
    let users = e.path().join("users.ndjson");
    let caps = e.path().join("caps.json");
    let server = format!("127.0.0.1,{}", s.addr.port());
    let mut args = vec![
        "lync",
        "usage",
        "--server",
        &server,
        "--user",
        "audit",
        "--encrypt",
        "off",
        "--as-of",
        AS_OF,
        "--users",
        users.to_str().unwrap(),
        "--common-area-phones",
        caps.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run_with_env(&args, None, &[("LICENSEAUDIT_SQL_PASSWORD", password)])
}

fn user<'a>(recs: &'a [Value], name: &str) -> &'a Value {
    let sip = format!("sip:{name}@contoso.com");
    recs.iter()
        .find(|r| r["SipAddress"] == sip.as_str())
        .unwrap_or_else(|| panic!("no record for {sip}"))
}

fn tiers(r: &Value) -> (String, String, String) {
    (
        r["Standard"].as_str().unwrap().into(),
        r["Enterprise"].as_str().unwrap().into(),
        r["Plus"].as_str().unwrap().into(),
    )
}

fn t(s: &str, e: &str, p: &str) -> (String, String, String) {
    (s.into(), e.into(), p.into())
}

fn check_scenarios(r: &util::Run) {
    assert_eq!(r.code, 0, "{}", r.stderr);
    let u = r.records_of("LyncUserUsage");
    assert_eq!(
        tiers(user(&u, "p2ponly")),
        t("Yes", "No", "No"),
        "P2P IM only"
    );
    assert_eq!(
        user(&u, "p2ponly")["Evidence"]["P2PImSessions"],
        1,
        "the failed (486) session does not count"
    );
    assert_eq!(
        tiers(user(&u, "organizer")),
        t("Yes", "Yes", "No"),
        "organised a conference with video, 2 participants"
    );
    assert_eq!(
        user(&u, "organizer")["Evidence"]["ConferencesOrganizedAudioVideo"],
        1
    );
    assert_eq!(
        tiers(user(&u, "attendee")),
        t("Yes", "No", "No"),
        "attendee only: joining is Standard"
    );
    assert_eq!(
        tiers(user(&u, "dialin")),
        t("Yes", "Yes", "No"),
        "a dial-in participant makes the organiser Enterprise"
    );
    assert_eq!(user(&u, "dialin")["Evidence"]["DialInParticipants"], 1);
    assert_eq!(
        tiers(user(&u, "pstnout")).2,
        "Yes",
        "PSTN out through a gateway"
    );
    assert_eq!(user(&u, "pstnout")["Evidence"]["PstnCallsOut"], 1);
    assert_eq!(
        tiers(user(&u, "pstnin")),
        t("Yes", "No", "Yes"),
        "PSTN in through a gateway; Plus implies Standard"
    );
    assert_eq!(
        tiers(user(&u, "rgsagent")).2,
        "Yes",
        "Response Group agent call"
    );
    assert_eq!(user(&u, "rgsagent")["Evidence"]["RgsAgentCalls"], 1);
    let called = u
        .iter()
        .find(|x| x["SipAddress"] == "sip:pstnparty@contoso.com")
        .expect("the called party has a record");
    assert_eq!(
        called["Evidence"]["RgsAgentCalls"], 0,
        "the party an agent calls uses no Plus feature"
    );
    assert_eq!(tiers(user(&u, "delegate")).2, "Yes", "delegation");
    assert_eq!(
        tiers(user(&u, "sharer")).1,
        "Yes",
        "P2P application sharing"
    );
    // The same session seen from the other side: boss (User2) viewed alice's share. Viewing is
    // Standard (issue #24 item 6): the IM of that session counts for both, the sharing for the
    // sharer only.
    assert_eq!(user(&u, "sharer")["Evidence"]["P2PAppSharingSessions"], 1);
    assert_eq!(user(&u, "boss")["Evidence"]["P2PAppSharingSessions"], 0);
    assert_eq!(user(&u, "boss")["Evidence"]["P2PImSessions"], 1);
    assert_eq!(
        tiers(user(&u, "boss")),
        t("Yes", "No", "No"),
        "the viewer of a P2P share needs no Enterprise CAL"
    );
    assert_eq!(
        tiers(user(&u, "idle")),
        t("No", "No", "No"),
        "a known user with no usage in a covered window"
    );
    assert!(user(&u, "organizer")["Reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x.as_str().unwrap().contains("audio/video joined by 2+")));
    assert!(
        u.iter()
            .all(|x| x["SipAddress"] != "sip:lobbyphone@contoso.com"),
        "a common area phone is a device, not a user"
    );
    let watcher = u
        .iter()
        .find(|x| x["SipAddress"] == "sip:watcher@contoso.com");
    assert!(
        watcher.is_none_or(|w| w["Enterprise"] != "Yes"),
        "a synthetic-transaction conference is not usage"
    );

    let d = r.records_of("LyncDeviceUsage");
    let cap = d
        .iter()
        .find(|x| x["DeviceKind"] == "CommonAreaPhone")
        .unwrap();
    assert_eq!(tiers(cap), t("Yes", "No", "Yes"));
    let phones: Vec<_> = d
        .iter()
        .filter(|x| x["DeviceKind"] == "IPPhone" && x["SipAddress"] == "sip:phoneuser@contoso.com")
        .collect();
    assert_eq!(
        phones.len(),
        1,
        "one record per IP phone, whether LcsCDR, QoEMetrics or both saw it: {phones:?}"
    );
    let phone = phones[0];
    let why = phone["Reasons"].to_string();
    assert!(
        why.contains("(LcsCDR)") && why.contains("(QoEMetrics)"),
        "evidence from both sources: {why}"
    );
    assert_eq!(tiers(phone).0, "Yes");
    let pc = d
        .iter()
        .find(|x| x["DeviceKind"] == "Computer" && x["SipAddress"] == "sip:phoneuser@contoso.com")
        .unwrap();
    assert_eq!(
        tiers(pc),
        t("InsufficientData", "InsufficientData", "InsufficientData"),
        "a computer with no recorded sessions"
    );
    assert!(
        d.iter()
            .all(|x| x["SipAddress"] != "sip:watcher@contoso.com"),
        "system (CAS) endpoints are not devices"
    );

    let c = &r.records_of("LyncUsageCoverage")[0];
    assert_eq!(c["WindowCovered"], true);
    assert_eq!(c["FirstRecord"], "2026-07-15T10:00:00Z");
}

#[test]
fn every_scenario_on_lync_2013() {
    let s = server("lync2013", tds::Options::default());
    let r = usage(&s, &[], "S3cret!pass");
    check_scenarios(&r);
    let c = &r.records_of("LyncUsageCoverage")[0];
    assert_eq!(c["Schema"], "Lync 2013 or later");
    let phone = r
        .records_of("LyncDeviceUsage")
        .into_iter()
        .find(|x| x["DeviceKind"] == "IPPhone")
        .unwrap();
    assert_eq!(
        phone["Device"], "20015781346",
        "the MAC address from Devices"
    );
    // Read-only intent, only SELECTs, every value a parameter.
    assert!(s.logins.lock().unwrap().iter().all(|l| l.read_only_intent));
    for sql in s.statements.lock().unwrap().iter() {
        assert!(sql.trim_start().starts_with("SELECT"), "{sql}");
        assert!(!sql.contains("2026"), "dates must be parameters: {sql}");
    }
}

#[test]
fn every_scenario_on_lync_2010() {
    let s = server("lync2010", tds::Options::default());
    let r = usage(&s, &[], "S3cret!pass");
    check_scenarios(&r);
    assert_eq!(r.records_of("LyncUsageCoverage")[0]["Schema"], "Lync 2010");
    let phone = r
        .records_of("LyncDeviceUsage")
        .into_iter()
        .find(|x| x["DeviceKind"] == "IPPhone")
        .unwrap();
    assert_eq!(
        phone["Device"], "ep-desk-phone",
        "no Devices table in use: the endpoint id"
    );
}

#[test]
fn a_window_the_data_does_not_cover_gives_insufficient_data_not_no() {
    let s = server("lync2013", tds::Options::default());
    let r = usage(&s, &["--days", "180"], "S3cret!pass");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let u = r.records_of("LyncUserUsage");
    assert_eq!(
        tiers(user(&u, "idle")),
        t("InsufficientData", "InsufficientData", "InsufficientData")
    );
    assert_eq!(
        tiers(user(&u, "p2ponly")),
        t("Yes", "InsufficientData", "InsufficientData")
    );
    let c = &r.records_of("LyncUsageCoverage")[0];
    assert_eq!(c["WindowCovered"], false);
    assert!(c["Note"].as_str().unwrap().contains("InsufficientData"));
}

#[test]
fn rows_received_grow_with_users_not_sessions() {
    let s = server("lync2013", tds::Options::default());
    let r = usage(&s, &[], "S3cret!pass");
    let c = &r.records_of("LyncUsageCoverage")[0];
    // Six queries; each returns at most one row per user (or device).
    let users = 15u64;
    assert!(
        c["RowsReceived"].as_u64().unwrap() <= 1 + 5 * users + 5,
        "{c}"
    );
    assert_eq!(
        c["RowsReceived"].as_u64(),
        Some(*s.rows_sent.lock().unwrap())
    );
}

#[test]
fn wrong_password_exits_4_with_a_clear_message_and_no_secret() {
    let s = server("lync2013", tds::Options::default());
    let r = usage(&s, &[], "not-the-password");
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        r.stderr.contains("login to 127.0.0.1")
            && r.stderr.contains("failed for 'audit'")
            && r.stderr.contains("18456"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("not-the-password"));
}

#[test]
fn password_from_stdin_never_from_argv() {
    let s = server("lync2013", tds::Options::default());
    let server = format!("127.0.0.1,{}", s.addr.port());
    let args = [
        "lync",
        "usage",
        "--server",
        &server,
        "--user",
        "audit",
        "--encrypt",
        "off",
        "--as-of",
        AS_OF,
        "--password-stdin",
    ];
    let r = util::run_with_stdin(&args, Some(b"S3cret!pass\n"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = util::run(&[
        "lync",
        "usage",
        "--server",
        &server,
        "--user",
        "audit",
        "--encrypt",
        "off",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("LICENSEAUDIT_SQL_PASSWORD"),
        "{}",
        r.stderr
    );
}

#[test]
fn server_not_listening_exits_4() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let server = format!("127.0.0.1,{port}");
    let r = run_with_env(
        &[
            "lync",
            "usage",
            "--server",
            &server,
            "--user",
            "audit",
            "--encrypt",
            "off",
        ],
        None,
        &[("LICENSEAUDIT_SQL_PASSWORD", "x")],
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("cannot reach SQL Server"), "{}", r.stderr);
}

#[test]
fn query_timeout_exits_4() {
    let s = server(
        "lync2013",
        tds::Options {
            query_delay: Some(std::time::Duration::from_secs(3)),
            ..Default::default()
        },
    );
    let r = usage(&s, &["--query-timeout", "1"], "S3cret!pass");
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("timed out"), "{}", r.stderr);
}

#[test]
fn tls_required_against_a_server_without_tls_fails_clearly() {
    let s = server("lync2013", tds::Options::default());
    let server = format!("127.0.0.1,{}", s.addr.port());
    let r = run_with_env(
        &[
            "lync",
            "usage",
            "--server",
            &server,
            "--user",
            "audit",
            "--connect-timeout",
            "5",
        ],
        None,
        &[("LICENSEAUDIT_SQL_PASSWORD", "S3cret!pass")],
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        r.stderr.contains("--encrypt off") || r.stderr.contains("TLS"),
        "{}",
        r.stderr
    );
    // tiberius asserts on the plain TDS answer; that is said in words, and its assertion text
    // (message or panic report) never reaches stderr.
    assert!(r.stderr.contains("without TLS"), "{}", r.stderr);
    for raw in ["assertion", "left:", "right:", "panicked", "TabularResult"] {
        assert!(!r.stderr.contains(raw), "{raw}: {}", r.stderr);
    }
}

#[test]
fn usage_queries_prints_the_sql_for_review() {
    let r = util::run(&["lync", "usage-queries"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("-- PeerToPeer:") && r.stdout.contains("ut.UriType = 'conf:audio-video'")
    );
    assert!(r.stdout.contains("cv.ClientType = 8"));
    let old = util::run(&["lync", "usage-queries", "--lync2010"]);
    assert!(
        !old.stdout.contains("ClientType") || old.stdout.contains("no ClientVersions.ClientType")
    );
    assert!(!old.stdout.contains("dbo.Devices"));
}

#[test]
fn named_instances_are_found_through_the_sql_browser() {
    let s = server("lync2013", tds::Options::default());
    let browser = tds::start_browser("LYNCMON", s.addr.port());
    let browser_port = browser.to_string();
    let args = [
        "lync",
        "usage",
        "--server",
        "127.0.0.1\\LYNCMON",
        "--user",
        "audit",
        "--encrypt",
        "off",
        "--as-of",
        AS_OF,
    ];
    let env = [
        ("LICENSEAUDIT_SQL_PASSWORD", "S3cret!pass"),
        ("LICENSEAUDIT_SQL_BROWSER_PORT", browser_port.as_str()),
    ];
    let r = run_with_env(&args, None, &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.records_of("LyncUsageCoverage")[0]["Server"],
        "127.0.0.1\\LYNCMON"
    );
    let missing = [
        "lync",
        "usage",
        "--server",
        "127.0.0.1\\NOSUCH",
        "--user",
        "audit",
        "--encrypt",
        "off",
        "--connect-timeout",
        "1",
    ];
    let r = run_with_env(&missing, None, &env);
    assert_eq!(r.code, 4);
    assert!(
        r.stderr.contains("SQL Browser") && r.stderr.contains("NOSUCH"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_column_of_another_type_is_an_error_naming_it_not_a_silent_zero() {
    let s = server(
        "lync2013",
        tds::Options {
            text_columns: vec!["PstnOut".into()],
            ..tds::Options::default()
        },
    );
    let r = usage(&s, &[], "S3cret!pass");
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        r.stderr.contains("column PstnOut") && r.stderr.contains("not an integer"),
        "{}",
        r.stderr
    );
    assert!(
        r.records_of("LyncUserUsage").is_empty(),
        "no answers built on a misread column"
    );
}

#[test]
fn without_qoemetrics_the_cdr_audit_completes_and_says_why() {
    let mut dbs = tds::load_databases(std::path::Path::new(&fixture("lcscdr/lync2013"))).unwrap();
    assert!(
        dbs.remove("qoemetrics").is_some(),
        "the fixture has a QoEMetrics database to take away"
    );
    let s = tds::start(tds::Options::default(), dbs);
    let r = usage(&s, &[], "S3cret!pass");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("QoEMetricsUnavailable")
            || r.stderr.contains("the audit goes on without it"),
        "{}",
        r.stderr
    );
    let u = r.records_of("LyncUserUsage");
    assert_eq!(
        tiers(user(&u, "pstnin")),
        t("Yes", "No", "Yes"),
        "CDR answers stand"
    );
    let c = &r.records_of("LyncUsageCoverage")[0];
    assert_eq!(c["QoeDatabase"], Value::Null);
    assert!(
        c["QoeProblem"].as_str().unwrap().contains("QoEMetrics"),
        "{c}"
    );
    let d = r.records_of("LyncDeviceUsage");
    let phone = d
        .iter()
        .find(|x| x["DeviceKind"] == "IPPhone" && x["SipAddress"] == "sip:phoneuser@contoso.com")
        .expect("the phone LcsCDR saw is still there");
    assert!(phone["Reasons"]
        .to_string()
        .contains("QoEMetrics could not be read"));
    assert!(
        d.iter().all(|x| x["SipAddress"] != "sip:desk2@contoso.com"),
        "a phone only QoEMetrics knew cannot be listed"
    );
}

#[test]
fn a_connection_dropped_mid_result_exits_4_clearly() {
    let s = server(
        "lync2013",
        tds::Options {
            drop_mid_result: Some("AS PstnOut".into()),
            ..tds::Options::default()
        },
    );
    let started = std::time::Instant::now();
    let r = usage(&s, &["--query-timeout", "10"], "S3cret!pass");
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        r.stderr.contains("Pstn"),
        "names the query that failed: {}",
        r.stderr
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(
        r.records_of("LyncUserUsage").is_empty(),
        "no answers from half a result"
    );
}

#[test]
fn a_server_that_never_answers_prelogin_times_out_with_exit_4() {
    // Accepts the TCP connection and says nothing.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let conn = listener.accept();
        std::thread::sleep(std::time::Duration::from_secs(6));
        drop(conn);
    });
    let server = format!("127.0.0.1,{port}");
    let started = std::time::Instant::now();
    let r = run_with_env(
        &[
            "lync",
            "usage",
            "--server",
            &server,
            "--user",
            "audit",
            "--encrypt",
            "off",
            "--connect-timeout",
            "2",
            "--as-of",
            AS_OF,
        ],
        None,
        &[("LICENSEAUDIT_SQL_PASSWORD", "S3cret!pass")],
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("timed out after 2 s"), "{}", r.stderr);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "within the timeout"
    );
    held.join().unwrap();
}

#[test]
fn the_password_and_the_users_share_stdin() {
    let s = server("lync2013", tds::Options::default());
    let address = format!("127.0.0.1,{}", s.addr.port());
    // Windows PowerShell 5.1 with a UTF-8 console code page starts the pipe with a BOM.
    let stdin = "\u{feff}S3cret!pass\r\n{\"SipAddress\":\"sip:idle@contoso.com\",\"Enabled\":true}\n{\"SipAddress\":\"sip:attendee@contoso.com\",\"Enabled\":true}\n";
    let r = util::run_with_stdin(
        &[
            "lync",
            "usage",
            "--server",
            &address,
            "--user",
            "audit",
            "--encrypt",
            "off",
            "--password-stdin",
            "--users",
            "-",
            "--as-of",
            AS_OF,
        ],
        Some(stdin.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let u = r.records_of("LyncUserUsage");
    assert_eq!(
        tiers(user(&u, "idle")),
        t("No", "No", "No"),
        "a user from stdin gets an answer"
    );
    assert_eq!(tiers(user(&u, "attendee")).0, "Yes");
    // Two `-` inputs are still refused.
    let r = util::run_with_stdin(
        &[
            "lync",
            "usage",
            "--server",
            &address,
            "--user",
            "audit",
            "--password-stdin",
            "--users",
            "-",
            "--common-area-phones",
            "-",
        ],
        Some(stdin.as_bytes()),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn several_stores_merge_into_one_answer_per_user_and_a_dead_store_is_reported() {
    let a = server("lync2013", tds::Options::default());
    let b = server("lync2013", tds::Options::default());
    let (sa, sb) = (
        format!("127.0.0.1,{}", a.addr.port()),
        format!("127.0.0.1,{}", b.addr.port()),
    );
    let r = usage(
        &a,
        &["--server", &sb, "--error-format", "json"],
        "S3cret!pass",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let u = r.records_of("LyncUserUsage");
    let p2p: Vec<_> = u
        .iter()
        .filter(|x| x["SipAddress"] == "sip:p2ponly@contoso.com")
        .collect();
    assert_eq!(p2p.len(), 1, "one answer per user, not one per store");
    assert_eq!(
        p2p[0]["Evidence"]["P2PImSessions"], 2,
        "evidence adds up across stores"
    );
    let reasons = p2p[0]["Reasons"].to_string();
    assert!(
        reasons.contains(&format!("[{sa}]")) && reasons.contains(&format!("[{sb}]")),
        "{reasons}"
    );
    assert_eq!(tiers(user(&u, "idle")), t("No", "No", "No"));
    assert_eq!(
        r.records_of("LyncUsageCoverage").len(),
        2,
        "one coverage per store"
    );
    let phones: Vec<_> = r
        .records_of("LyncDeviceUsage")
        .into_iter()
        .filter(|d| d["DeviceKind"] == "IPPhone" && d["SipAddress"] == "sip:phoneuser@contoso.com")
        .collect();
    assert_eq!(
        phones.len(),
        1,
        "the same device in both stores is one device"
    );

    // A third store that cannot be read: reported with its name, the others still answer, and
    // "No" becomes "InsufficientData" because that store may hold the usage.
    let r = usage(
        &a,
        &[
            "--server",
            &sb,
            "--server",
            "127.0.0.1,1",
            "--connect-timeout",
            "2",
            "--error-format",
            "json",
        ],
        "S3cret!pass",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let failure: Value = r
        .stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["code"] == "StoreUnreachable")
        .unwrap_or_else(|| panic!("no StoreUnreachable line: {}", r.stderr));
    assert_eq!(failure["level"], "error");
    assert_eq!(failure["file"], "127.0.0.1,1");
    let u = r.records_of("LyncUserUsage");
    let idle = user(&u, "idle");
    assert_eq!(
        tiers(idle),
        t("InsufficientData", "InsufficientData", "InsufficientData")
    );
    assert!(idle["Reasons"].to_string().contains("127.0.0.1,1"));
    assert_eq!(tiers(user(&u, "attendee")).0, "Yes", "a Yes stands");

    // No store readable at all: exit 4.
    let r = usage(
        &a,
        &["--server", "127.0.0.1,1", "--connect-timeout", "2"],
        "wrong password",
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
}
