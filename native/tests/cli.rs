//! The binary's surface: exit codes, schema, inspect, output formats, error formats.

mod util;
use util::{fixture, run, run_with_stdin};

#[test]
fn schema_lists_record_types_and_prints_draft_2020_12() {
    let r = run(&["schema", "--list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let names: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert!(names.contains(&"InputInspection"), "{names:?}");
    for name in names {
        let s = run(&["schema", name]);
        assert_eq!(s.code, 0, "{name}: {}", s.stderr);
        let v: serde_json::Value = serde_json::from_str(&s.stdout).unwrap();
        assert_eq!(
            v["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        if r.stdout.contains(&format!("{name}\toutput")) {
            assert_eq!(v["properties"]["RecordType"]["const"], name);
        }
    }
    let all: serde_json::Value = serde_json::from_str(&run(&["schema"]).stdout).unwrap();
    assert!(all["$defs"]["InputInspection"].is_object());
    let bad = run(&["schema", "NoSuchRecord"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("no record type 'NoSuchRecord'"),
        "{}",
        bad.stderr
    );
}

#[test]
fn inspect_reports_dialect_encoding_edition_and_properties() {
    let r = run(&[
        "inspect",
        &fixture("ingest/getcsuser.ps51.utf16le.json"),
        &fixture("ingest/getcsuser.clixml"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let recs = r.records_of("InputInspection");
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["Encoding"], "UTF-16 LE with BOM");
    assert_eq!(recs[0]["Dialect"], "JSON array");
    assert_eq!(recs[0]["Records"], 3);
    assert!(recs[0]["PowerShellEdition"]
        .as_str()
        .unwrap()
        .starts_with("Windows PowerShell 5.1"));
    let props: Vec<&str> = recs[0]["Properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Name"].as_str().unwrap())
        .collect();
    assert_eq!(
        props[..4],
        [
            "SamAccountName",
            "UserPrincipalName",
            "DisplayName",
            "SipAddress"
        ]
    );
    assert_eq!(recs[1]["Dialect"], "CLIXML");
    assert_eq!(
        recs[1]["TypeNames"][0],
        "Deserialized.Microsoft.Rtc.Management.ADConnect.Schema.OCSADUser"
    );
    let ps7 = run(&["inspect", &fixture("ingest/getcsuser.ps7.json")]);
    assert!(ps7.records()[0]["PowerShellEdition"]
        .as_str()
        .unwrap()
        .starts_with("PowerShell 7"));
}

#[test]
fn bad_inputs_exit_3_with_one_located_line_and_no_panic() {
    let cases = [
        ("ingest/truncated.ps51.json", "ends inside record 2"),
        (
            "ingest/getcsuser.nobom-utf16.json",
            "UTF-16 without a byte-order mark",
        ),
        ("ingest/not-clixml.xml", "not PowerShell CLIXML"),
        (
            "ingest/flattened.ps51.csv",
            "record 1, property 'AgentsByUri'",
        ),
        ("ingest/empty.json", "is empty"),
        ("ingest", "is a directory"),
        ("ingest/missing.json", "file not found"),
    ];
    for (file, expect) in cases {
        let path = fixture(file);
        let r = run(&["inspect", &path]);
        assert_eq!(r.code, 3, "{file}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{file}: {}", r.stderr);
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{file}: one line expected: {}", r.stderr);
        assert!(
            lines[0].contains(&path) && lines[0].contains(expect),
            "{file}: {}",
            lines[0]
        );
    }
}

#[test]
fn json_error_format_carries_file_record_and_field() {
    let r = run(&[
        "inspect",
        &fixture("ingest/flattened.ps51.csv"),
        "--error-format",
        "json",
    ]);
    assert_eq!(r.code, 3);
    let e: serde_json::Value = serde_json::from_str(r.stderr.lines().next().unwrap()).unwrap();
    assert_eq!(e["level"], "error");
    assert_eq!(e["code"], "InvalidInput");
    assert_eq!(e["record"], 1);
    assert_eq!(e["field"], "AgentsByUri");
    assert!(e["file"].as_str().unwrap().ends_with("flattened.ps51.csv"));
}

#[test]
fn argument_errors_exit_2() {
    assert_eq!(run(&["inspect"]).code, 2);
    assert_eq!(run(&["no-such-command"]).code, 2);
    assert_eq!(run(&["inspect", "x", "--format", "yaml"]).code, 2);
    let r = run(&[
        "inspect",
        "x",
        "--as-of",
        "yesterday",
        "--error-format",
        "json",
    ]);
    assert_eq!(r.code, 2);
    let e: serde_json::Value = serde_json::from_str(r.stderr.lines().next().unwrap()).unwrap();
    assert_eq!(e["code"], "InvalidArguments");
    let two_stdin = run(&["inspect", "-", "-"]);
    assert_eq!(two_stdin.code, 2);
    assert!(
        two_stdin.stderr.contains("standard input"),
        "{}",
        two_stdin.stderr
    );
    assert_eq!(run(&["--version"]).code, 0);
}

#[test]
fn every_numeric_flag_refuses_its_extremes_with_exit_2_not_a_panic() {
    // Issue #22 item 8: --window-days 100000000 overflowed chrono's date arithmetic (exit 101).
    // Each numeric flag, with the smallest command line that parses up to it.
    let ual = util::repo_path("examples/ual/ual-user-access.json");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["ual", "compliance", "--evidence", &ual],
            "--window-days",
        ),
        (vec!["lync", "usage", "--server", "127.0.0.1,1"], "--days"),
        (
            vec!["lync", "usage", "--server", "127.0.0.1,1"],
            "--connect-timeout",
        ),
        (
            vec!["lync", "usage", "--server", "127.0.0.1,1"],
            "--query-timeout",
        ),
        (vec!["history", "."], "--alert-threshold"),
    ];
    for (command, flag) in &cases {
        for extreme in [
            "0",
            "-1",
            "100000000",
            "18446744073709551616",
            "NaN",
            "inf",
            "1e400",
            "",
        ] {
            if *flag == "--alert-threshold"
                && ["0", "100000000", "18446744073709551616"].contains(&extreme)
            {
                continue; // any finite percentage of zero or more is a valid threshold
            }
            // --flag=VALUE: "-1" as a separate word would be taken for an option.
            let pair = format!("{flag}={extreme}");
            let mut args = command.clone();
            args.push(&pair);
            let r = run(&args);
            assert_eq!(
                r.code,
                2,
                "{} {flag} {extreme}: exit {} {}",
                command.join(" "),
                r.code,
                r.stderr
            );
            assert!(
                r.stderr.contains(flag.trim_start_matches('-')) && !r.stderr.contains("panicked"),
                "{flag} {extreme}: {}",
                r.stderr
            );
        }
    }
    // The largest values in range are taken (a century; a day).
    let r = run(&[
        "ual",
        "compliance",
        "--evidence",
        &ual,
        "--window-days",
        "36500",
        "--as-of",
        "2026-11-01T00:00:00Z",
    ]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

#[test]
fn control_characters_never_reach_the_terminal_raw() {
    // Issue #22 item 10: a name holding ESC, BEL or CR-LF was written raw to stderr (a forged
    // "license-audit: error:" line) and to --format table.
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.json");
    // JSON escapes: the file holds ESC, BEL, CR and LF once parsed.
    let evil = r#"sip:eve\u001b[2J\u0007\r\nlicense-audit: error: forged@contoso.com"#;
    std::fs::write(
        &users,
        format!(
            r#"[{{"SipAddress":"{evil}","Enabled":true,"DisplayName":"Eve\u001b]0;owned\u0007"}},{{"SipAddress":"{evil}","Enabled":true}}]"#
        ),
    )
    .unwrap();
    let r = run(&[
        "lync",
        "entitlement",
        "--users",
        &users.to_string_lossy(),
        "--conferencing-policies",
        &util::repo_path("examples/contoso/conferencing-policies.json"),
        "--pools",
        &util::repo_path("examples/contoso/pools.xml"),
        "--format",
        "table",
    ]);
    assert_eq!(r.code, 3, "the second record is a duplicate: {}", r.stderr);
    for (name, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\r'),
            "{name} holds a raw control character: {text:?}"
        );
    }
    assert!(
        r.stderr
            .contains("\\u{1b}[2J\\u{7}\\r\\nlicense-audit: error: forged"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr
            .lines()
            .filter(|l| l.starts_with("license-audit: error: forged"))
            .count(),
        0,
        "no forged line: {}",
        r.stderr
    );
}

#[test]
fn stdin_is_read_when_the_file_is_dash() {
    let bytes = std::fs::read(fixture("ingest/getcsuser.ndjson")).unwrap();
    let r = run_with_stdin(&["inspect", "-"], Some(&bytes));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.records()[0]["Records"], 3);
    assert_eq!(r.records()[0]["Dialect"], "NDJSON");
}

#[test]
fn output_formats_json_csv_table_and_file() {
    let f = fixture("ingest/getcsuser.ps7.json");
    let json = run(&["inspect", &f, "--format", "json"]);
    let arr: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(arr.as_array().unwrap().len(), 1);
    let csv = run(&["inspect", &f, "--format", "csv"]);
    let mut rdr = csv::Reader::from_reader(csv.stdout.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(&headers[0], "RecordType");
    let row = rdr.records().next().unwrap().unwrap();
    assert_eq!(
        &row[headers.iter().position(|h| h == "Records").unwrap()],
        "3"
    );
    let table = run(&["inspect", &f, "--format", "table"]);
    assert!(
        table.stdout.lines().next().unwrap().starts_with("File"),
        "{}",
        table.stdout
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.ndjson");
    let r = run(&["inspect", &f, "--output", out.to_str().unwrap()]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    assert!(std::fs::read_to_string(out)
        .unwrap()
        .contains("\"RecordType\":\"InputInspection\""));
}

#[test]
fn json_progress_lines_are_well_formed() {
    let r = run(&[
        "inspect",
        &fixture("ingest/getcsuser.ps7.json"),
        "--progress",
        "json",
    ]);
    assert_eq!(r.code, 0);
    let lines: Vec<serde_json::Value> = r
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty(), "no progress written");
    for v in &lines {
        for key in ["activity", "status", "completed", "total"] {
            assert!(v.get(key).is_some(), "{key} missing in {v}");
        }
    }
    assert_eq!(lines.last().unwrap()["completed"], 1);
}

#[test]
fn inspect_says_in_one_line_what_a_file_is_or_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("policies.txt");
    std::fs::write(
        &table,
        "Identity        AllowIPAudio\r\n--------        ------------\r\nGlobal          True\r\n",
    )
    .unwrap();
    let users = util::repo_path("examples/contoso/users.json");
    let r = run(&[
        "inspect",
        &users,
        table.to_str().unwrap(),
        "--format",
        "ndjson",
    ]);
    assert_eq!(r.code, 3, "the console text is a problem: {}", r.stderr);
    let recs = r.records_of("InputInspection");
    assert_eq!(
        recs.len(),
        2,
        "a record even for the file that cannot be read"
    );
    assert_eq!(
        recs[0]["Verdict"],
        "JSON array, UTF-8 with BOM: reads; 12 records; as lync-users (recognised by its properties SipAddress, RemoteCallControlTelephonyEnabled): all 12 records will read in lync entitlement --users"
    );
    let refused = recs[1]["Verdict"].as_str().unwrap();
    assert!(
        refused.starts_with("cannot be read: is Format-Table console text")
            && refused.contains("Export-Clixml"),
        "{refused}"
    );
    assert!(recs[0]["PowerShellEdition"]
        .as_str()
        .unwrap()
        .starts_with("Windows PowerShell 5.1"));
}

#[test]
fn format_list_as_microsoft_docs_print_it_reads_and_glued_lines_do_not() {
    // Issue #21 item 3: Get-CsPhoneNumberAssignment's docs page prints
    // `ReverseNumberLookup\t\t: {}` (tabs before the colon): both records read.
    let r = run(&[
        "inspect",
        &fixture("ingest/phone-number-assignment.docs.txt"),
        "--format",
        "ndjson",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = &r.records()[0];
    assert_eq!(v["Records"], 2, "{v}");
    assert!(
        v["Verdict"].as_str().unwrap().contains("reads; 2 records"),
        "{v}"
    );
    // `AccountEnabled : TrueAlias : x`: refused record by record, naming the line; the
    // verdict says nothing was read.
    let r = run(&[
        "inspect",
        &fixture("ingest/glued-properties.fl.txt"),
        "--format",
        "ndjson",
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("line 2 (") && r.stderr.contains("glued"),
        "{}",
        r.stderr
    );
    let v = &r.records()[0];
    assert!(
        v["Verdict"].as_str().unwrap().contains("no record read"),
        "{v}"
    );
}

/// `inspect FILE --for INPUT` as NDJSON.
fn inspect_for(file: &str, input: &str) -> util::Run {
    run(&["inspect", file, "--for", input, "--format", "ndjson"])
}

/// The messages of the InputInspection's Refusals, by record number.
fn refusals(v: &serde_json::Value) -> Vec<(u64, String, String)> {
    v["Refusals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                // 0: a refusal of the file as a whole (no record of its own).
                r["Record"].as_u64().unwrap_or(0),
                r["Property"].as_str().unwrap_or("").to_string(),
                r["Message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn inspect_for_names_what_the_audit_refuses_in_its_own_words() {
    // Issue #25 item 6: a Windows PowerShell 5.1 ConvertTo-Json export of
    // Get-CsConferencingPolicy writes EnableAppDesktopSharing as a number. The reader reads it;
    // `lync entitlement` refuses it. inspect --for runs the audit's decoding and says so.
    let policies = fixture("ingest/getcsconferencingpolicy.ps51.json");
    let r = inspect_for(&policies, "lync-conferencing-policies");
    assert_eq!(r.code, 3, "a refused record is invalid input: {}", r.stderr);
    let v = &r.records_of("InputInspection")[0];
    assert_eq!(v["ReadAs"], "lync-conferencing-policies");
    assert_eq!(v["Recognition"], "named");
    assert_eq!(v["Records"], 9);
    assert_eq!(v["BadRecords"], 0, "the reader reads every record: {v}");
    assert_eq!(v["Refused"], 9);
    let verdict = v["Verdict"].as_str().unwrap();
    assert!(
        verdict
            .contains("9 of 9 records will be refused by lync entitlement --conferencing-policies")
            && verdict.contains("the whole file"),
        "{verdict}"
    );
    let said = refusals(v);
    assert_eq!(
        said.iter().map(|(n, _, _)| *n).collect::<Vec<_>>(),
        (1..=9).collect::<Vec<u64>>()
    );
    for (_, property, message) in &said {
        assert_eq!(property, "EnableAppDesktopSharing");
        assert!(
            message.contains("ConvertTo-Json writes enums as numbers")
                && message.contains("Export-LicenseAuditSnapshot"),
            "{message}"
        );
    }
    // The audit's own refusal is the same message for the same record and property.
    let users = util::repo_path("examples/contoso/users.json");
    let audit = run(&[
        "lync",
        "entitlement",
        "--users",
        &users,
        "--conferencing-policies",
        &policies,
    ]);
    assert_eq!(audit.code, 3, "{}", audit.stderr);
    let (_, _, first) = &said[0];
    assert!(
        audit.stderr.contains(&format!(
            "record 1, property 'EnableAppDesktopSharing': {first}"
        )),
        "inspect: {first}\naudit: {}",
        audit.stderr
    );
}

#[test]
fn inspect_for_tells_a_flattened_cell_the_audit_reads_from_one_it_does_not() {
    let dir = tempfile::tempdir().unwrap();
    // Export-Csv of Get-CsVoicePolicy: record 2's PstnUsages is a list, flattened.
    let voice = dir.path().join("voice-policies.csv");
    std::fs::write(
        &voice,
        "#TYPE Microsoft.Rtc.Management.WritableConfig.Policy.Voice.VoicePolicy\r\n\
\"Identity\",\"EnableDelegation\",\"EnableTeamCall\",\"EnableCallPark\",\"AllowSimulRing\",\"AllowCallForwarding\",\"PstnUsages\"\r\n\
\"Global\",\"True\",\"True\",\"False\",\"True\",\"True\",\"\"\r\n\
\"Tag:EV\",\"True\",\"True\",\"False\",\"True\",\"True\",\"System.Object[]\"\r\n\
\"Tag:Basic\",\"False\",\"False\",\"False\",\"False\",\"False\",\"\"\r\n",
    )
    .unwrap();
    let voice = voice.to_str().unwrap();
    let r = inspect_for(voice, "lync-voice-policies");
    assert_eq!(r.code, 3, "{}", r.stderr);
    let v = &r.records_of("InputInspection")[0];
    assert_eq!(v["Refused"], 1);
    assert_eq!(
        refusals(v)
            .iter()
            .map(|(n, p, _)| (*n, p.as_str()))
            .collect::<Vec<_>>(),
        [(2, "PstnUsages")]
    );
    let verdict = v["Verdict"].as_str().unwrap();
    assert!(
        verdict.contains("1 of 3 records will be refused by lync entitlement --voice-policies, and with them the whole file"),
        "{verdict}"
    );
    // One line on stderr for the cell, though both the reader and the audit name it.
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("record 2, property 'PstnUsages'"),
        "{}",
        r.stderr
    );

    // A flattened cell in a column the audit does not read is a problem of the file, but every
    // record still reads in the audit.
    let users = dir.path().join("users.csv");
    std::fs::write(
        &users,
        "\"SipAddress\",\"Enabled\",\"RemoteCallControlTelephonyEnabled\",\"ProxyAddresses\"\r\n\
\"sip:a@contoso.com\",\"True\",\"False\",\"System.Object[]\"\r\n\
\"sip:b@contoso.com\",\"True\",\"False\",\"\"\r\n",
    )
    .unwrap();
    let r = inspect_for(users.to_str().unwrap(), "lync-users");
    let v = &r.records_of("InputInspection")[0];
    assert_eq!(v["Problems"][0]["Property"], "ProxyAddresses", "{v}");
    assert_eq!(v["Refused"], 0, "{v}");
    assert!(
        v["Verdict"]
            .as_str()
            .unwrap()
            .ends_with("all 2 records will read in lync entitlement --users"),
        "{v}"
    );
}

#[test]
fn inspect_recognises_the_input_by_its_properties_or_says_it_cannot() {
    let r = run(&[
        "inspect",
        &fixture("ingest/getcsconferencingpolicy.ps51.json"),
        &util::repo_path("examples/contoso/meeting-rooms.json"),
        &util::repo_path("examples/ual/ual-user-access.json"),
        "--format",
        "ndjson",
    ]);
    let recs = r.records_of("InputInspection");
    assert_eq!(recs[0]["ReadAs"], "lync-conferencing-policies");
    assert!(
        recs[0]["Recognition"]
            .as_str()
            .unwrap()
            .starts_with("recognised by its properties"),
        "{}",
        recs[0]
    );
    assert_eq!(recs[0]["Refused"], 9);
    // A meeting room looks like a user or a phone: not guessed.
    assert!(recs[1]["ReadAs"].is_null(), "{}", recs[1]);
    assert_eq!(recs[1]["Recognition"], "not recognised as an audit input");
    assert!(recs[1]["Refused"].is_null());
    assert_eq!(recs[2]["ReadAs"], "ual-evidence");
    assert_eq!(recs[2]["Refused"], 0);
}

#[test]
fn inspect_for_says_when_the_audit_refuses_the_whole_file_at_one_record() {
    // A Get-CsOnlineUser export given as Get-CsUser: the audit stops at the first record.
    let online = util::repo_path("examples/teams/teams.json");
    let r = inspect_for(&online, "lync-users");
    assert_eq!(r.code, 3, "{}", r.stderr);
    let v = &r.records_of("InputInspection")[0];
    assert_eq!(v["Refused"], 1, "{v}");
    let verdict = v["Verdict"].as_str().unwrap();
    assert!(
        verdict.contains("lync entitlement --users will refuse the whole file at record 1"),
        "{verdict}"
    );
    assert!(refusals(v)[0].2.contains("Get-CsOnlineUser"), "{v}");
    // Records that each read as policies, in a file the audit refuses as a whole (no Global
    // conferencing policy: Get-CsUser output given as a policy export).
    let users = util::repo_path("examples/contoso/users.json");
    let r = inspect_for(&users, "lync-conferencing-policies");
    assert_eq!(r.code, 3, "{}", r.stderr);
    let v = &r.records_of("InputInspection")[0];
    let verdict = v["Verdict"].as_str().unwrap();
    assert!(
        verdict.contains("lync entitlement --conferencing-policies will refuse the whole file"),
        "{verdict}"
    );
    assert!(
        refusals(v)[0]
            .2
            .contains("has no Global conferencing policy"),
        "{v}"
    );
    // A header without records: the verdict says no records, not that they all read.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("licenses.csv");
    std::fs::write(&empty, "Product,Version,CalType,Quantity\r\n").unwrap();
    let r = inspect_for(empty.to_str().unwrap(), "ual-licenses");
    let v = &r.records_of("InputInspection")[0];
    assert_eq!(v["ReadAs"], "ual-licenses");
    assert!(
        v["Verdict"].as_str().unwrap().ends_with("holds no records"),
        "{v}"
    );
    // Unknown input names are an argument error.
    let bad = run(&["inspect", &online, "--for", "lync-user"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("lync-users"), "{}", bad.stderr);
}
