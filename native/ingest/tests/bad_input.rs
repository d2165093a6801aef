//! The bad-input corpus (`tests/bad-input/`): one test per file, each asserting a clear error
//! naming file, record and (where there is one) property, or a defined, documented handling.
//! Never a panic, never an abort; one bad record never hides the others. Inputs too large to
//! keep in the repository are generated here (deep nesting) or in `long_records.rs`.

mod common;
use common::*;
use license_audit_ingest::{open_reader, Dialect, PsValue};

/// Every file in `tests/bad-input/` must be listed here, with a test below.
const CORPUS: &[&str] = &[
    "binary-access.accdb",
    "binary-access.mdb",
    "binary-archive.zip",
    "binary-eventlog.evtx",
    "binary-sqlite.db",
    "binary-ual-ese-current.mdb",
    "clixml-bad-value-then-good.xml",
    "clixml-billion-laughs.xml",
    "clixml-concatenated.xml",
    "clixml-doctype-external-entity.xml",
    "clixml-lone-surrogate.xml",
    "clixml-nan-infinity.xml",
    "clixml-truncated.xml",
    "clixml-undeclared-entity.xml",
    "csv-bom-mid-file-other-columns.csv",
    "csv-bom-mid-file.csv",
    "csv-header-only.csv",
    "csv-invalid-utf8.csv",
    "csv-quoted-bom-in-first-cell.csv",
    "csv-repeated-header.csv",
    "csv-semicolon-ampm-dates.csv",
    "csv-truncated-in-cell.csv",
    "csv-truncated.csv",
    "csv-utf16-lone-surrogate.csv",
    "csv-utf16le-no-bom.csv",
    "garbage-error-message.csv",
    "garbage-nul-bytes.csv",
    "garbage-one-line.csv",
    "garbage-utf16-bom-then-utf8.json",
    "json-duplicate-keys.json",
    "json-invalid-utf8.json",
    "json-nan-infinity.json",
    "json-numbers-beyond-i64.json",
    "json-truncated-between-records.json",
    "json-truncated.json",
    "json-utf16-bom-mid-file.json",
    "json-utf16-truncated-odd-byte.json",
    "json-utf16le-no-bom.json",
    "ndjson-bom-mid-file.ndjson",
    "ndjson-truncated.ndjson",
];

#[test]
fn every_corpus_file_has_a_test() {
    let mut files: Vec<String> = std::fs::read_dir(path("bad-input"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, CORPUS, "add a test for each new corpus file");
}

fn corpus(
    name: &str,
) -> Vec<Result<license_audit_ingest::Record, license_audit_model::InputError>> {
    results(&format!("bad-input/{name}"))
}

fn ids(recs: &[&license_audit_ingest::Record], prop: &str) -> Vec<String> {
    recs.iter().map(|r| r.req_str(prop).unwrap()).collect()
}

// ---- CLIXML -------------------------------------------------------------------------------

#[test]
fn clixml_billion_laughs_is_refused_without_expanding() {
    let started = std::time::Instant::now();
    let res = corpus("clixml-billion-laughs.xml");
    let e = only_error(&res);
    assert!(e.fatal, "{e}");
    assert_eq!(e.record, Some(1), "{e}");
    assert!(e.file.ends_with("clixml-billion-laughs.xml"), "{e}");
    assert!(e.message.contains("more than 1000000 values"), "{e}");
    // Ten references per level, nine levels: a billion values if copied. Sharing and the cap
    // stop it at once.
    assert!(started.elapsed().as_secs() < 10);
    if let Some(mib) = peak_rss_mib() {
        assert!(mib < 1024, "peak memory {mib} MiB");
    }
}

#[test]
fn clixml_refs_are_shared_not_copied() {
    // Nine levels of ten references would be 10^9 values copied; sharing makes a record
    // with a handful of levels cheap, and the values read back the same.
    let mut levels = String::from("<Obj N=\"L0\" RefId=\"1\"><LST><S>a</S><S>b</S></LST></Obj>");
    for k in 1..5 {
        levels.push_str(&format!("<Obj N=\"L{k}\" RefId=\"{}\"><LST>", k + 1));
        for _ in 0..10 {
            levels.push_str(&format!("<Ref RefId=\"{k}\" />"));
        }
        levels.push_str("</LST></Obj>");
    }
    let xml = format!(
        "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><Obj RefId=\"0\"><MS>{levels}</MS></Obj></Objs>"
    );
    let res = results_of("refs.xml", xml.into_bytes());
    let rec = oks(&res)[0];
    let PsValue::List(l4) = rec.get("L4").unwrap() else {
        panic!("L4 is not a list")
    };
    assert_eq!(l4.len(), 10);
    let (PsValue::List(a), PsValue::List(b)) = (&l4[0], &l4[9]) else {
        panic!("not lists")
    };
    assert!(std::sync::Arc::ptr_eq(a, b), "a <Ref> shares its target");
    assert_eq!(rec.str_list("L0").unwrap(), vec!["a", "b"]);
}

#[test]
fn clixml_doctype_and_external_entities_are_refused_never_resolved() {
    let res = corpus("clixml-doctype-external-entity.xml");
    let e = only_error(&res);
    assert!(e.fatal);
    assert!(e.message.contains("<!DOCTYPE>"), "{e}");
    assert!(e.message.contains("Export-Clixml"), "{e}");
    assert!(!e.message.contains("root:"), "nothing of /etc/passwd: {e}");
}

#[test]
fn clixml_undeclared_entity_spoils_its_record_only() {
    let res = corpus("clixml-undeclared-entity.xml");
    assert_eq!(res.len(), 2, "{res:#?}");
    let e = res[0].as_ref().unwrap_err();
    assert_eq!((e.record, e.fatal), (Some(1), false), "{e}");
    assert!(e.message.contains("unknown entity &xxe;"), "{e}");
    assert_eq!(
        res[1].as_ref().unwrap().req_str("Identity").unwrap(),
        "Tag:B"
    );
}

#[test]
fn clixml_surrogate_escapes_pair_up_or_become_replacement_characters() {
    let res = corpus("clixml-lone-surrogate.xml");
    let rec = oks(&res)[0];
    assert_eq!(
        rec.req_str("Description").unwrap(),
        "\u{FFFD}A and 😀 and \u{FFFD}"
    );
    // <C>55296</C> is a lone high surrogate code unit.
    assert_eq!(rec.req_str("Initial").unwrap(), "\u{FFFD}");
}

#[test]
fn clixml_bad_values_spoil_their_record_and_reading_carries_on() {
    let res = corpus("clixml-bad-value-then-good.xml");
    assert_eq!(res.len(), 3, "{res:#?}");
    let e1 = res[0].as_ref().unwrap_err();
    assert_eq!((e1.record, e1.fatal), (Some(1), false));
    assert!(e1.message.contains("<B> holds 'maybe'"), "{e1}");
    let e2 = res[1].as_ref().unwrap_err();
    assert_eq!((e2.record, e2.fatal), (Some(2), false));
    assert!(e2.message.contains("RefId=\"77\""), "{e2}");
    let good = res[2].as_ref().unwrap();
    assert_eq!(
        (good.index, good.req_str("Identity").unwrap().as_str()),
        (3, "Tag:C")
    );
}

#[test]
fn clixml_truncated_names_the_record() {
    let res = corpus("clixml-truncated.xml");
    assert_eq!(ids(&oks(&res), "Identity"), vec!["Tag:A"]);
    let e = errs(&res)[0];
    assert!(e.fatal);
    assert_eq!(e.record, Some(2), "{e}");
    assert!(e.message.contains("truncated"), "{e}");
}

#[test]
fn clixml_files_joined_with_a_bom_between_are_read_one_after_the_other() {
    let res = corpus("clixml-concatenated.xml");
    assert!(errs(&res).is_empty(), "{res:#?}");
    let recs = oks(&res);
    assert_eq!(ids(&recs, "Identity"), vec!["Tag:A", "Tag:B"]);
    assert_eq!((recs[0].index, recs[1].index), (1, 2));
}

#[test]
fn clixml_nan_infinity_and_uint64_max_are_numbers_refused_where_exactness_matters() {
    let res = corpus("clixml-nan-infinity.xml");
    let rec = oks(&res)[0];
    assert!(matches!(rec.get("Ratio"), Some(PsValue::Float(f)) if f.is_nan()));
    assert_eq!(rec.get("Limit"), Some(&PsValue::Float(f64::INFINITY)));
    let e = rec.opt_int("Ratio").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("Ratio"));
    assert!(e.message.contains("whole number"), "{e}");
    let e = rec.opt_int("Huge").unwrap_err();
    assert!(e.message.contains("beyond the range"), "{e}");
    assert!(rec.opt_str("Huge").is_err(), "no lossy digits as text");
    assert_eq!(rec.opt_int("MaxMeetingSize").unwrap(), Some(250));
}

#[test]
fn clixml_nested_15000_deep_is_an_error_not_a_stack_overflow() {
    let n = 15_000;
    let mut xml = String::from(
        "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">",
    );
    for i in 0..n {
        xml.push_str(&format!("<Obj N=\"x\" RefId=\"{i}\"><MS>"));
    }
    for _ in 0..n {
        xml.push_str("</MS></Obj>");
    }
    xml.push_str("</Objs>");
    let res = results_of("deep.xml", xml.into_bytes());
    let e = only_error(&res);
    assert!(e.fatal, "{e}");
    assert_eq!(e.record, Some(1));
    assert!(e.message.contains("nest more than 100 deep"), "{e}");
}

#[test]
fn clixml_nested_to_the_limit_is_read() {
    // The deepest nesting allowed must not overflow a test thread's 2 MiB stack either.
    let n = license_audit_ingest::clixml::MAX_DEPTH;
    let mut xml = String::from(
        "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">",
    );
    for i in 0..n {
        xml.push_str(&format!(
            "<Obj N=\"x\" RefId=\"{i}\"><MS><S N=\"Level\">{i}</S>"
        ));
    }
    for _ in 0..n {
        xml.push_str("</MS></Obj>");
    }
    xml.push_str("</Objs>");
    let res = results_of("deep.xml", xml.into_bytes());
    assert!(errs(&res).is_empty(), "{:?}", errs(&res));
    assert_eq!(oks(&res)[0].req_str("Level").unwrap(), "0");
}

// ---- encodings ----------------------------------------------------------------------------

#[test]
fn json_in_windows_1252_names_the_record_and_the_line_and_reads_the_rest() {
    let res = corpus("json-invalid-utf8.json");
    assert_eq!(res.len(), 3);
    assert_eq!(ids(&oks(&res), "SamAccountName"), vec!["alice", "bob"]);
    let e = res[1].as_ref().unwrap_err();
    assert_eq!((e.record, e.fatal), (Some(2), false));
    assert!(
        e.message
            .starts_with("line 10: byte 0xEB is not UTF-8 text"),
        "{e}"
    );
    assert!(e.message.contains("-Encoding UTF8"), "{e}");
}

#[test]
fn csv_in_windows_1252_names_the_record_and_reads_the_rest() {
    let res = corpus("csv-invalid-utf8.csv");
    assert_eq!(res.len(), 3);
    assert_eq!(ids(&oks(&res), "SamAccountName"), vec!["alice", "bob"]);
    let e = res[1].as_ref().unwrap_err();
    assert_eq!((e.record, e.fatal), (Some(2), false));
    assert!(e.message.contains("line 4: is not UTF-8 text"), "{e}");
}

#[test]
fn utf16_without_bom_is_refused_with_advice() {
    for f in ["json-utf16le-no-bom.json", "csv-utf16le-no-bom.csv"] {
        let res = corpus(f);
        let e = only_error(&res);
        assert!(e.fatal);
        assert!(
            e.message.contains("UTF-16 without a byte-order mark"),
            "{f}: {e}"
        );
        assert!(e.message.contains("-Encoding Unicode"), "{f}: {e}");
    }
}

#[test]
fn ndjson_joined_with_boms_reads_every_record() {
    let res = corpus("ndjson-bom-mid-file.ndjson");
    assert!(errs(&res).is_empty(), "{res:#?}");
    assert_eq!(
        ids(&oks(&res), "SamAccountName"),
        vec!["alice", "bob", "carol"]
    );
}

#[test]
fn utf16_json_arrays_joined_with_a_second_bom_read_as_one_stream() {
    let res = corpus("json-utf16-bom-mid-file.json");
    assert!(errs(&res).is_empty(), "{res:#?}");
    assert_eq!(ids(&oks(&res), "SamAccountName"), vec!["alice", "bob"]);
}

#[test]
fn csv_exports_joined_as_bytes_skip_the_second_bom_type_line_and_header() {
    let res = corpus("csv-bom-mid-file.csv");
    assert!(errs(&res).is_empty(), "{res:#?}");
    let recs = oks(&res);
    assert_eq!(ids(&recs, "SamAccountName"), vec!["alice", "bob", "carol"]);
    assert_eq!(recs[2].index, 3);
}

#[test]
fn csv_joined_with_a_different_export_is_refused_at_the_bom() {
    let res = corpus("csv-bom-mid-file-other-columns.csv");
    assert_eq!(ids(&oks(&res), "SamAccountName"), vec!["alice"]);
    let e = errs(&res)[0];
    assert!(e.fatal);
    assert!(
        e.message
            .contains("line 4: a byte-order mark in the middle"),
        "{e}"
    );
}

#[test]
fn csv_repeated_header_from_joined_exports_is_skipped() {
    let res = corpus("csv-repeated-header.csv");
    assert!(errs(&res).is_empty(), "{res:#?}");
    assert_eq!(ids(&oks(&res), "SamAccountName"), vec!["alice", "bob"]);
}

// ---- numbers and keys ---------------------------------------------------------------------

#[test]
fn json_bare_nan_and_infinity_spoil_their_record_with_a_hint() {
    let res = corpus("json-nan-infinity.json");
    assert_eq!(res.len(), 4);
    let alice = res[0].as_ref().unwrap();
    // The strings ConvertTo-Json writes are strings: refused only where a number is needed.
    assert_eq!(alice.opt_str("Ratio").unwrap().as_deref(), Some("NaN"));
    let e = alice.opt_int("Limit").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("Limit"));
    for (i, r) in [(1, 2), (2, 3)] {
        let e = res[i].as_ref().unwrap_err();
        assert_eq!((e.record, e.fatal), (Some(r), false));
        assert!(
            e.message.contains("NaN and Infinity are not JSON numbers"),
            "{e}"
        );
    }
    assert_eq!(
        res[3].as_ref().unwrap().req_str("SamAccountName").unwrap(),
        "dave"
    );
}

#[test]
fn json_numbers_beyond_i64_are_never_read_as_wrong_values() {
    let res = corpus("json-numbers-beyond-i64.json");
    let rec = oks(&res)[0];
    assert_eq!(rec.opt_int("Small").unwrap(), Some(i64::MAX));
    for prop in ["MaxMeetingSize", "Budget", "Neg"] {
        let e = rec.opt_int(prop).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(prop));
        assert!(
            e.message
                .contains("beyond the range of a 64-bit whole number"),
            "{e}"
        );
        let e = rec.opt_str(prop).unwrap_err();
        assert!(e.message.contains("exact digits are lost"), "{e}");
    }
}

#[test]
fn json_duplicate_keys_keep_the_last_value_case_insensitively() {
    let res = corpus("json-duplicate-keys.json");
    let rec = oks(&res)[0];
    // "Enabled": true then "Enabled": false; "DisplayName" then "displayname".
    assert_eq!(rec.opt_bool("Enabled").unwrap(), Some(false));
    assert_eq!(rec.req_str("DisplayName").unwrap(), "Alice A.");
    let names: Vec<&str> = rec.obj.props.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "SamAccountName",
            "DisplayName",
            "SipAddress",
            "Enabled",
            "ConferencingPolicy"
        ],
        "one entry per name, at its first position"
    );
    let Some(PsValue::Object(policy)) = rec.get("ConferencingPolicy") else {
        panic!("not an object")
    };
    assert_eq!(policy.get("FriendlyName"), Some(&PsValue::Str("B".into())));
    // The same rule under a property selection.
    static WANT: &[&str] = &["enabled", "displayname"];
    let rec = license_audit_ingest::open_input_selecting(
        &path("bad-input/json-duplicate-keys.json"),
        Some(WANT),
    )
    .unwrap()
    .next()
    .unwrap()
    .unwrap();
    assert_eq!(rec.opt_bool("Enabled").unwrap(), Some(false));
    assert_eq!(rec.req_str("DisplayName").unwrap(), "Alice A.");
}

#[test]
fn json_nested_100000_deep_spoils_one_record_and_the_next_is_read() {
    let mut text = String::from("{\"SamAccountName\":\"deep\",\"X\":");
    text.push_str(&"[".repeat(100_000));
    text.push_str(&"]".repeat(100_000));
    text.push_str("}\n{\"SamAccountName\":\"next\"}\n");
    let res = results_of("deep.ndjson", text.into_bytes());
    assert_eq!(res.len(), 2);
    let e = res[0].as_ref().unwrap_err();
    assert_eq!(e.record, Some(1));
    assert!(e.message.contains("more than 128 deep"), "{e}");
    assert_eq!(
        res[1].as_ref().unwrap().req_str("SamAccountName").unwrap(),
        "next"
    );
}

#[test]
fn json_unclosed_100000_deep_is_a_truncation_error() {
    let text = "[".repeat(100_000);
    let res = results_of("open.json", text.into_bytes());
    let e = only_error(&res);
    assert!(e.fatal);
    assert!(e.message.contains("truncated"), "{e}");
}

// ---- truncation ---------------------------------------------------------------------------

#[test]
fn json_truncated_inside_a_record() {
    let res = corpus("json-truncated.json");
    assert_eq!(ids(&oks(&res), "SamAccountName"), vec!["alice"]);
    let e = errs(&res)[0];
    assert!(e.fatal);
    assert!(
        e.message
            .contains("ends inside record 2 (started on line 8)"),
        "{e}"
    );
}

#[test]
fn json_truncated_between_records() {
    let res = corpus("json-truncated-between-records.json");
    assert_eq!(ids(&oks(&res), "SamAccountName"), vec!["alice", "bob"]);
    let e = errs(&res)[0];
    assert!(e.fatal);
    assert!(e.message.contains("before the closing ]"), "{e}");
}

#[test]
fn ndjson_truncated_last_line() {
    let res = corpus("ndjson-truncated.ndjson");
    assert_eq!(ids(&oks(&res), "SamAccountName"), vec!["alice", "bob"]);
    let e = errs(&res)[0];
    assert!(e.fatal);
    assert!(e.message.contains("ends inside record 3"), "{e}");
}

#[test]
fn csv_truncated_mid_line_is_fatal_and_names_the_record() {
    for f in ["csv-truncated.csv", "csv-truncated-in-cell.csv"] {
        let res = corpus(f);
        assert_eq!(
            ids(&oks(&res), "SamAccountName"),
            vec!["alice", "bob"],
            "{f}"
        );
        let e = errs(&res)[0];
        assert!(e.fatal, "{f}");
        assert_eq!(e.record, Some(3), "{f}: {e}");
        assert!(
            e.message.contains("ends in the middle of this line"),
            "{f}: {e}"
        );
    }
}

#[test]
fn csv_short_rows_with_line_breaks_are_kept_lenient() {
    // Hand-made CSVs (a licences list typed in Notepad) leave trailing cells off; only a last
    // line without its line break counts as truncated.
    let text = "Product,Count,Notes\r\nWindows Server CAL,100\r\nRDS CAL,50,\"x\"\r\n";
    let res = results_of("licences.csv", text.as_bytes().to_vec());
    assert!(errs(&res).is_empty(), "{res:#?}");
    assert_eq!(oks(&res)[0].opt_str("Notes").unwrap(), None);
    // A hand-made file without a final line break, complete, is fine too.
    let res = results_of("l.csv", b"Product,Count\nRDS CAL,50".to_vec());
    assert_eq!(oks(&res)[0].opt_int("Count").unwrap(), Some(50));
}

#[test]
fn utf16_truncated_on_an_odd_byte() {
    let res = corpus("json-utf16-truncated-odd-byte.json");
    assert_eq!(
        ids(&oks(&res), "SamAccountName"),
        vec!["alice", "bob", "carol"]
    );
    let e = errs(&res)[0];
    assert!(e.fatal);
    assert!(e.message.contains("unexpected"), "{e}");
}

#[test]
fn empty_and_whitespace_only_inputs() {
    for bytes in [&b""[..], b"  \r\n\t", b"\xEF\xBB\xBF", b"\xFF\xFE"] {
        let res = results_of("empty.json", bytes.to_vec());
        let e = only_error(&res);
        assert!(e.fatal && e.message.contains("is empty"), "{bytes:?}: {e}");
    }
}

#[test]
fn dialect_is_still_reported_after_errors() {
    let input = open_reader(
        "w.json",
        Box::new(&b"{\"value\":[{\"a\":1},{\"a\":2}],\"Count\":2}"[..]),
    )
    .unwrap();
    let mut input = input;
    assert_eq!(input.by_ref().filter(|r| r.is_ok()).count(), 2);
    assert_eq!(input.dialect(), Dialect::JsonArray);
}

#[test]
fn json_stray_closing_brace_between_records_ends_the_file_instead_of_looping() {
    // Found by the fuzz harness: a '}' where a record should start was "read" as an empty
    // value forever.
    let res = results_of("stray.ndjson", b"{\"a\":1}}\n{\"a\":2}\n".to_vec());
    assert_eq!(res.len(), 2, "{res:#?}");
    assert!(res[0].is_ok());
    let e = res[1].as_ref().unwrap_err();
    assert!(e.fatal);
    assert!(
        e.message.contains("line 1: unexpected '}' after record 1"),
        "{e}"
    );
}

#[test]
fn json_51_wrapper_edge_cases() {
    // Empty, 5.1-indented, followed by another top-level value, and one with a stray property.
    let res = results_of("w.json", b"{\"value\":[],\"Count\":0}".to_vec());
    assert!(res.is_empty(), "{res:#?}");
    let text = "{\r\n    \"value\":  [\r\n                  {\r\n                      \"a\":  1\r\n                  }\r\n              ],\r\n    \"Count\":  1\r\n}\r\n{\"a\":2}\r\n";
    let res = results_of("w.json", text.as_bytes().to_vec());
    let vals: Vec<i64> = oks(&res)
        .iter()
        .map(|r| r.opt_int("a").unwrap().unwrap())
        .collect();
    assert_eq!(vals, [1, 2]);
    assert!(errs(&res).is_empty());
    let res = results_of("w.json", b"{\"value\":[{\"a\":1}],\"Name\":\"x\"}".to_vec());
    assert_eq!(oks(&res).len(), 1);
    let e = errs(&res)[0];
    assert!(e.fatal);
    assert!(e.message.contains("wrapper"), "{e}");
}

#[test]
fn json_51_wrapper_is_found_however_the_stream_is_chunked() {
    /// Hands out one byte per read, as a slow pipe might.
    struct Trickle(Vec<u8>, usize);
    impl std::io::Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.get(self.1) {
                Some(&b) if !buf.is_empty() => {
                    buf[0] = b;
                    self.1 += 1;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }
    let text = b"{\r\n    \"value\":  [\r\n        {\"a\":  1},\r\n        {\"a\":  2}\r\n    ],\r\n    \"Count\":  2\r\n}".to_vec();
    let mut input = open_reader("slow.json", Box::new(Trickle(text, 0))).unwrap();
    let recs: Vec<_> = input.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(recs.len(), 2);
    assert_eq!(
        input.dialect(),
        Dialect::JsonArray,
        "read as an array, not one record"
    );
    assert!(input.power_shell_edition().to_string().contains("wrapper"));
}

// ---- Hostile input, round 2 (issue #22) ---------------------------------------------------

#[test]
fn csv_semicolon_with_am_pm_times_reads_month_first_and_says_the_order_was_a_guess() {
    // `;` is the list separator of day-first cultures, but an AM/PM designator is the en-US
    // (month-first) spelling: 10/2/2026 8:00:00 AM is 2 October, not 10 February.
    let mut input = open("bad-input/csv-semicolon-ampm-dates.csv").unwrap();
    let rec = input.next().unwrap().unwrap();
    let d = rec.opt_date("LastLogon").unwrap().unwrap();
    assert_eq!(d.to_rfc3339(), "2026-10-02T08:00:00+00:00");
    assert!(input.next().is_none());
    let w = input.undecided_dates().expect("the guess is told");
    assert!(w.contains("10/2/2026 8:00:00 AM"), "{w}");
    assert!(w.contains("read month-first"), "{w}");
    assert!(w.contains("mdy or dmy"), "{w}");
}

#[test]
fn csv_quoted_first_cell_starting_with_a_bom_is_data_not_a_joined_file() {
    let res = corpus("csv-quoted-bom-in-first-cell.csv");
    assert!(errs(&res).is_empty(), "{res:#?}");
    let recs = oks(&res);
    assert_eq!(
        ids(&recs, "SipAddress"),
        vec!["sip:a@contoso.com", "sip:b@contoso.com"]
    );
    assert_eq!(recs[0].req_str("SamAccountName").unwrap(), "\u{FEFF}a");
}

#[test]
fn csv_utf16_lone_surrogate_is_told_not_silently_replaced() {
    let res = corpus("csv-utf16-lone-surrogate.csv");
    assert_eq!(
        ids(&oks(&res), "SipAddress"),
        vec![
            "sip:a@contoso.com",
            "sip:b@contoso.com",
            "sip:c@contoso.com"
        ]
    );
    let e = only_error(&res);
    assert!(!e.fatal, "the records read are kept: {e}");
    assert!(e.file.ends_with("csv-utf16-lone-surrogate.csv"), "{e}");
    // BOM (2) + two lines of 27 and 21 characters + 'b' (1), in 2-byte units.
    assert!(e.message.contains("1 lone UTF-16 surrogate(s)"), "{e}");
    assert!(e.message.contains("the first at byte 100"), "{e}");
    assert!(e.message.contains("U+FFFD"), "{e}");
}

// ---- binary files and one-line garbage (issues #21 item 4, #22 item 3) ----------------------

fn refusal(name: &str) -> license_audit_model::InputError {
    let res = corpus(name);
    let e = only_error(&res).clone();
    assert!(e.fatal, "{e}");
    assert!(e.file.ends_with(name), "{e}");
    e
}

#[test]
fn a_ual_database_copied_from_a_server_is_named_with_what_to_run_instead() {
    let e = refusal("binary-ual-ese-current.mdb");
    assert!(e.message.contains("ESE database"), "{e}");
    assert!(e.message.contains("User Access Logging"), "{e}");
    assert!(
        e.message.contains("Get-UalUserAccess") && e.message.contains("Get-UalDeviceAccess"),
        "{e}"
    );
    assert!(e.message.contains("-CimSession"), "{e}");
    assert!(
        !e.message.contains("code page"),
        "not called legacy text: {e}"
    );
}

#[test]
fn other_binary_files_are_named_as_what_they_are() {
    for (name, what) in [
        ("binary-access.mdb", "Microsoft Access database"),
        ("binary-access.accdb", "Microsoft Access database"),
        ("binary-sqlite.db", "SQLite database"),
        ("binary-eventlog.evtx", "Windows event log"),
        ("binary-archive.zip", "zip archive"),
    ] {
        let e = refusal(name);
        assert!(e.message.contains(what), "{name}: {e}");
    }
}

#[test]
fn nul_bytes_and_a_utf16_mark_on_utf8_text_are_refused_not_read_as_a_header() {
    let e = refusal("garbage-nul-bytes.csv");
    assert!(e.message.contains("NUL bytes"), "{e}");
    let e = refusal("garbage-utf16-bom-then-utf8.json");
    assert!(
        e.message.contains("UTF-16 byte-order mark") && e.message.contains("UTF-8"),
        "{e}"
    );
}

/// What `stream_each` does with a corpus file for a command that reads `select` and needs
/// `required` in every record (as an audit's reader does).
fn streamed(
    name: &str,
    select: &'static [&'static str],
    required: &'static str,
) -> (
    Result<u64, license_audit_model::InputError>,
    license_audit_model::sink::Collected,
) {
    let mut rep = license_audit_model::sink::Collected::default();
    let mut n = 0u64;
    let r = license_audit_ingest::stream_each(
        &path(&format!("bad-input/{name}")),
        Some(select),
        None,
        "reading",
        &mut rep,
        |rep, rec| {
            match rec.req_str(required) {
                Ok(_) => n += 1,
                Err(e) => license_audit_model::sink::Reporter::bad_record(rep, &e),
            }
            Ok::<(), license_audit_model::InputError>(())
        },
    );
    (r.map(|_| n), rep)
}

const UAL: &[&str] = &["AccessingUser", "UserName", "AccessDate", "LastAccess"];

#[test]
fn a_one_line_file_that_is_no_export_is_refused() {
    for name in ["garbage-error-message.csv", "garbage-one-line.csv"] {
        let (r, _) = streamed(name, UAL, "UserName");
        let e = r.expect_err(name);
        assert!(e.fatal, "{e}");
        assert!(e.file.ends_with(name), "{e}");
        assert!(
            e.message.contains("none of") && e.message.contains("UserName"),
            "{name}: {e}"
        );
    }
}

#[test]
fn a_header_without_rows_is_no_records_said_and_remembered() {
    let (r, rep) = streamed("csv-header-only.csv", UAL, "AccessingUser");
    assert_eq!(r.unwrap(), 0);
    let (code, message) = &rep.warnings[0];
    assert_eq!(code, "InputNoRecords");
    assert!(
        message.contains("csv-header-only.csv") && message.contains("no records"),
        "{message}"
    );
    assert!(license_audit_ingest::header_only_inputs()
        .iter()
        .any(|p| p.ends_with("csv-header-only.csv")));
}
