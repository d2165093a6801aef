//! PowerShell edition detection reports what the bytes show (issue 10, item 6): 5.1's
//! two-space `"name":  value` layout tells 5.1 even without dates, and `/Date(ms)/` without
//! backslashes is not reported as 5.1's escaped form.

mod common;
use common::*;
use license_audit_ingest::edition::{Edition, EditionReport};
use license_audit_ingest::open_reader;

fn edition_of_file(rel: &str) -> EditionReport {
    let mut input = open(rel).unwrap();
    assert!(input.by_ref().all(|r| r.is_ok()));
    input.power_shell_edition()
}

fn edition_of(text: &str) -> EditionReport {
    let mut input = open_reader(
        "t.json",
        Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
    )
    .unwrap();
    assert!(input.by_ref().all(|r| r.is_ok()));
    input.power_shell_edition()
}

#[test]
fn windows_powershell_51_export_shows_layout_and_escaped_dates() {
    let e = edition_of_file("fixtures/getcsuser.ps51.json");
    assert_eq!(e.edition, Edition::WindowsPowerShell51);
    assert_eq!(
        e.to_string(),
        "Windows PowerShell 5.1 (\"name\":  value layout (two spaces); \\/Date(ms)\\/ dates)"
    );
}

#[test]
fn powershell_7_export_shows_layout_and_iso_dates() {
    let e = edition_of_file("fixtures/getcsuser.ps7.json");
    assert_eq!(e.edition, Edition::PowerShell7);
    assert_eq!(
        e.to_string(),
        "PowerShell 7 (\"name\": value layout (one space); ISO 8601 dates)"
    );
}

#[test]
fn a_51_file_without_dates_is_told_by_its_layout() {
    let e = edition_of("[\r\n    {\r\n        \"Identity\":  \"Global\",\r\n        \"MaxMeetingSize\":  250\r\n    }\r\n]\r\n");
    assert_eq!(e.edition, Edition::WindowsPowerShell51);
    assert_eq!(
        e.to_string(),
        "Windows PowerShell 5.1 (\"name\":  value layout (two spaces))"
    );
}

#[test]
fn plain_ms_dates_are_reported_as_what_they_are() {
    let e =
        edition_of("{\"SipAddress\":\"sip:a@x.com\",\"WhenChanged\":\"/Date(1574202819000)/\"}\n");
    assert_eq!(e.edition, Edition::Unknown);
    assert!(
        e.to_string()
            .contains("/Date(ms)/ dates without the backslashes"),
        "{e}"
    );
    assert!(!e.to_string().contains("\\/Date"), "{e}");
    // ...and with 5.1's layout around them, both are said.
    let e = edition_of("[\r\n    {\r\n        \"When\":  \"/Date(1574202819000)/\"\r\n    }\r\n]");
    assert_eq!(e.edition, Edition::WindowsPowerShell51);
    assert!(
        e.to_string().contains("re-serialised by another tool"),
        "{e}"
    );
}

#[test]
fn compressed_json_without_dates_is_unknown_and_says_why() {
    let e = edition_of("[{\"Identity\":\"Global\",\"MaxMeetingSize\":250}]");
    assert_eq!(
        e.to_string(),
        "unknown (compressed (-Compress): no layout to tell by)"
    );
    // Compressed with ISO dates is PowerShell 7 (5.1 writes \/Date()\/)...
    let e = edition_of("{\"a\":1,\"When\":\"2019-11-19T22:33:39Z\"}\n");
    assert_eq!(
        e.to_string(),
        "PowerShell 7 (ISO 8601 dates; compressed (-Compress): no layout to tell by)"
    );
    // ...and the NDJSON fixture, which mixes both date spellings, is said to.
    let e = edition_of_file("fixtures/getcsuser.ndjson");
    assert_eq!(e.edition, Edition::Unknown, "{e}");
    assert!(e.to_string().contains("signs of both editions"), "{e}");
}

#[test]
fn the_51_array_wrapper_is_evidence() {
    let e = edition_of("{\"value\":[{\"a\":1}],\"Count\":1}");
    assert_eq!(e.edition, Edition::WindowsPowerShell51);
    assert!(e.to_string().contains("wrapper"), "{e}");
}

#[test]
fn other_dialects() {
    assert_eq!(
        edition_of_file("fixtures/getcsuser.ps51.csv").to_string(),
        "Windows PowerShell 5.1 (#TYPE line)"
    );
    assert_eq!(
        edition_of_file("fixtures/getcsuser.ps7.semicolon.csv").edition,
        Edition::Unknown
    );
    assert_eq!(
        edition_of_file("fixtures/getcsuser.clixml").edition,
        Edition::Any
    );
    assert_eq!(
        edition_of_file("fixtures/console/get-csconferencingpolicy.docs.txt").edition,
        Edition::Unknown
    );
}
