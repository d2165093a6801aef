//! Every reader dialect, fed fixtures shaped like real Get-CsUser exports, must yield the same
//! records; every kind of bad input must give a located error, never a panic or silence.

use chrono::{DateTime, Utc};
use license_audit::ingest::{open_input, Dialect, PsValue, TextEncoding};

mod util;
use util::fixture;

#[derive(Debug, PartialEq)]
struct User {
    sip: String,
    display: String,
    enabled: bool,
    ev: bool,
    rcc: bool,
    conferencing: Option<String>,
    when_changed: DateTime<Utc>,
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn expected() -> Vec<User> {
    vec![
        User {
            sip: "sip:alice@contoso.com".into(),
            display: "Alice Anders".into(),
            enabled: true,
            ev: true,
            rcc: false,
            conferencing: Some("ENT_CAL_REC_Audio".into()),
            when_changed: utc("2019-11-19T22:33:39Z"),
        },
        User {
            sip: "sip:bob@contoso.com".into(),
            display: "Bob Barker".into(),
            enabled: true,
            ev: false,
            rcc: false,
            conferencing: None,
            when_changed: utc("2020-01-02T03:04:05Z"),
        },
        User {
            sip: "sip:zoe@contoso.com".into(),
            display: "Zoë O'Brien & Co <Sales>".into(),
            enabled: false,
            ev: false,
            rcc: true,
            conferencing: Some("STD_CAL_NoConferencing".into()),
            when_changed: utc("2020-11-01T02:00:00Z"),
        },
    ]
}

/// Reads users the way a domain module would: typed accessors, with the policy taken from a
/// string, a `Tag:` string, or a serialised object's FriendlyName.
fn read_users(path: &str) -> (Vec<User>, Dialect, TextEncoding) {
    let mut input = open_input(&fixture(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut users = Vec::new();
    for rec in input.by_ref() {
        let rec = rec.unwrap_or_else(|e| panic!("{path}: {e}"));
        let conferencing = match rec.get("conferencingpolicy") {
            Some(PsValue::Object(o)) if o.get("FriendlyName").is_some() => {
                license_audit::ingest::record::value_text(o.get("FriendlyName").unwrap()).unwrap()
            }
            _ => rec.opt_str("ConferencingPolicy").unwrap(),
        }
        .map(|s| s.trim_start_matches("Tag:").to_string());
        users.push(User {
            sip: rec.req_str("SipAddress").unwrap(),
            display: rec.req_str("displayname").unwrap(),
            enabled: rec.opt_bool("Enabled").unwrap().unwrap(),
            ev: rec.opt_bool("EnterpriseVoiceEnabled").unwrap().unwrap(),
            rcc: rec
                .opt_bool("RemoteCallControlTelephonyEnabled")
                .unwrap()
                .unwrap(),
            conferencing,
            when_changed: rec.opt_date("WhenChanged").unwrap().unwrap(),
        });
    }
    (users, input.dialect(), input.encoding)
}

#[test]
fn windows_powershell_51_json_array() {
    let (users, dialect, enc) = read_users("ingest/getcsuser.ps51.json");
    assert_eq!(users, expected());
    assert_eq!((dialect, enc), (Dialect::JsonArray, TextEncoding::Utf8));
}

#[test]
fn windows_powershell_51_json_in_utf16_le_with_crlf() {
    let (users, dialect, enc) = read_users("ingest/getcsuser.ps51.utf16le.json");
    assert_eq!(users, expected());
    assert_eq!(
        (dialect, enc),
        (Dialect::JsonArray, TextEncoding::Utf16LeBom)
    );
}

#[test]
fn powershell_7_json_with_and_without_bom() {
    let (users, _, enc) = read_users("ingest/getcsuser.ps7.json");
    assert_eq!(users, expected());
    assert_eq!(enc, TextEncoding::Utf8);
    let (users, _, enc) = read_users("ingest/getcsuser.utf8bom.json");
    assert_eq!(users, expected());
    assert_eq!(enc, TextEncoding::Utf8Bom);
}

#[test]
fn ndjson_as_the_module_streams_it() {
    let (users, dialect, _) = read_users("ingest/getcsuser.ndjson");
    assert_eq!(users, expected());
    assert_eq!(dialect, Dialect::Ndjson);
}

#[test]
fn single_object_json() {
    let mut input = open_input(&fixture("ingest/getcsuser.single.ps51.json")).unwrap();
    let recs: Vec<_> = input.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(recs.len(), 1);
    assert_eq!(input.dialect(), Dialect::JsonObject);
    assert_eq!(
        recs[0].opt_date("WhenChanged").unwrap(),
        Some(utc("2019-11-19T22:33:39Z"))
    );
}

#[test]
fn clixml_objects_refs_lists_and_nil() {
    let (users, dialect, _) = read_users("ingest/getcsuser.clixml");
    assert_eq!(users, expected());
    assert_eq!(dialect, Dialect::Clixml);
    let recs: Vec<_> = open_input(&fixture("ingest/getcsuser.clixml"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // <Ref> resolves to the earlier nested object; <TNRef> to the earlier type names.
    assert_eq!(
        recs[2].opt_str("RegistrarPool").unwrap().as_deref(),
        Some("pool01.contoso.com")
    );
    assert_eq!(
        recs[1].obj.type_names[0],
        "Deserialized.Microsoft.Rtc.Management.ADConnect.Schema.OCSADUser"
    );
    assert_eq!(
        recs[0].str_list("ProxyAddresses").unwrap(),
        vec!["SMTP:alice@contoso.com", "sip:alice@contoso.com"]
    );
    assert!(recs[2].str_list("ProxyAddresses").unwrap().is_empty());
    assert_eq!(
        recs[2].opt_str("Notes").unwrap().as_deref(),
        Some("line one\r\nline two")
    );
    assert_eq!(recs[1].opt_str("LineURI").unwrap(), None);
}

#[test]
fn clixml_enums_and_dictionaries() {
    const SHARING: &[(i64, &str)] = &[(0, "Desktop"), (1, "SingleApplication"), (2, "None")];
    let recs: Vec<_> = open_input(&fixture("ingest/getcsconferencingpolicy.clixml"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        recs[0]
            .opt_enum("EnableAppDesktopSharing", SHARING)
            .unwrap()
            .as_deref(),
        Some("Desktop")
    );
    assert_eq!(recs[0].opt_int("MaxMeetingSize").unwrap(), Some(250));
    match recs[0].get("Description") {
        Some(PsValue::Object(o)) => {
            assert_eq!(o.get("Owner"), Some(&PsValue::Str("UC team".into())))
        }
        other => panic!("dictionary not read as an object: {other:?}"),
    }
}

#[test]
fn csv_51_with_type_line_and_utf16_be() {
    let (users, dialect, _) = read_users("ingest/getcsuser.ps51.csv");
    assert_eq!(users, expected());
    assert_eq!(dialect, Dialect::Csv);
    let (users, _, enc) = read_users("ingest/getcsuser.ps51.utf16be.csv");
    assert_eq!(users, expected());
    assert_eq!(enc, TextEncoding::Utf16BeBom);
    let input = open_input(&fixture("ingest/getcsuser.ps51.csv")).unwrap();
    assert_eq!(
        input.csv_type_name(),
        Some("Selected.Microsoft.Rtc.Management.ADConnect.Schema.OCSADUser")
    );
}

#[test]
fn csv_7_with_culture_delimiter() {
    let (users, _, _) = read_users("ingest/getcsuser.ps7.semicolon.csv");
    assert_eq!(users, expected());
}

#[test]
fn reading_streams_without_holding_the_file() {
    // 50,000 records through a reader that never sees more than 64 KiB at a time: the reader
    // must hand back records as it goes (it holds one record, not the file).
    struct Gen {
        n: u64,
        i: u64,
        pending: Vec<u8>,
        max_chunk: usize,
    }
    impl std::io::Read for Gen {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.pending.is_empty() {
                if self.i > self.n {
                    return Ok(0);
                }
                self.pending = if self.i == 0 {
                    b"[".to_vec()
                } else if self.i == self.n {
                    format!(
                        "{{\"SipAddress\":\"sip:u{}@contoso.com\",\"Enabled\":true}}]",
                        self.i
                    )
                    .into_bytes()
                } else {
                    format!(
                        "{{\"SipAddress\":\"sip:u{}@contoso.com\",\"Enabled\":true}},\n",
                        self.i
                    )
                    .into_bytes()
                };
                self.i += 1;
            }
            let n = self.pending.len().min(buf.len()).min(self.max_chunk);
            buf[..n].copy_from_slice(&self.pending[..n]);
            self.pending.drain(..n);
            Ok(n)
        }
    }
    let gen = Gen {
        n: 50_000,
        i: 0,
        pending: Vec::new(),
        max_chunk: 7,
    };
    let input = license_audit::ingest::open_reader("generated", Box::new(gen)).unwrap();
    let mut count = 0u64;
    for rec in input {
        let rec = rec.unwrap();
        count += 1;
        assert_eq!(rec.index, count);
        assert_eq!(
            rec.req_str("sipaddress").unwrap(),
            format!("sip:u{count}@contoso.com")
        );
    }
    assert_eq!(count, 50_000);
}

#[test]
fn powershell_51_array_wrapper_is_unwrapped() {
    let text =
        br#"{"value":[{"SipAddress":"sip:a@x.com"},{"SipAddress":"sip:b@x.com"}],"Count":2}"#;
    let recs: Vec<_> = license_audit::ingest::open_reader("w", Box::new(&text[..]))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1].index, 2);
}

fn first_error(path: &str) -> license_audit::model::InputError {
    match open_input(&fixture(path)) {
        Err(e) => e,
        Ok(mut input) => input
            .find_map(|r| r.err())
            .unwrap_or_else(|| panic!("{path}: expected an error")),
    }
}

#[test]
fn truncated_json_names_the_record() {
    let e = first_error("ingest/truncated.ps51.json");
    assert!(e.fatal);
    assert!(e.message.contains("ends inside record 2"), "{e}");
    assert!(e.message.contains("truncated"), "{e}");
}

#[test]
fn utf16_without_bom_is_refused() {
    let e = first_error("ingest/getcsuser.nobom-utf16.json");
    assert!(
        e.message.contains("UTF-16 without a byte-order mark"),
        "{e}"
    );
}

#[test]
fn xml_from_another_tool_is_refused() {
    let e = first_error("ingest/not-clixml.xml");
    assert!(e.message.contains("not PowerShell CLIXML"), "{e}");
    assert!(e.message.contains("<configuration>"), "{e}");
}

#[test]
fn flattened_csv_cell_is_an_error_naming_record_and_property() {
    let mut input = open_input(&fixture("ingest/flattened.ps51.csv")).unwrap();
    let rec = input.next().unwrap().unwrap();
    let e = rec.str_list("AgentsByUri").unwrap_err();
    assert_eq!(
        (e.record, e.field.as_deref()),
        (Some(1), Some("AgentsByUri"))
    );
    assert!(e.message.contains("System.Object[]"), "{e}");
}

#[test]
fn empty_file_missing_file_and_directory_are_errors() {
    assert!(first_error("ingest/empty.json")
        .message
        .contains("is empty"));
    assert!(first_error("ingest/does-not-exist.json")
        .message
        .contains("file not found"));
    assert!(first_error("ingest").message.contains("is a directory"));
}

#[test]
fn one_bad_record_does_not_hide_the_others() {
    let text = b"{\"SipAddress\":\"sip:a@x.com\"}\n{\"SipAddress\": nope}\n{\"SipAddress\":\"sip:c@x.com\"}\n\"just a string\"\n";
    let results: Vec<_> = license_audit::ingest::open_reader("n.ndjson", Box::new(&text[..]))
        .unwrap()
        .collect();
    assert_eq!(results.len(), 4);
    assert!(results[0].is_ok() && results[2].is_ok());
    let e = results[1].as_ref().unwrap_err();
    assert_eq!(e.record, Some(2));
    assert!(e.message.contains("not valid JSON"), "{e}");
    let e = results[3].as_ref().unwrap_err();
    assert_eq!(e.record, Some(4));
    assert!(e.message.contains("expected an object"), "{e}");
}

#[test]
fn selecting_properties_keeps_only_those_case_insensitively() {
    static WANT: &[&str] = &["sipaddress", "ENABLED"];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u.json");
    std::fs::write(
        &path,
        r#"[{"Sip\u0041ddress":"sip:a@x.com","Enabled":true,"Huge":{"Nested":[1,2,{"x":"y"}]},"Other":"z"},
            {"value":[{"SipAddress":"sip:b@x.com","Enabled":false,"Other":1}],"Count":1}]"#,
    )
    .unwrap();
    let recs: Vec<_> =
        license_audit::ingest::open_input_selecting(path.to_str().unwrap(), Some(WANT))
            .unwrap()
            .map(Result::unwrap)
            .collect();
    assert_eq!(
        recs.len(),
        2,
        "the 5.1 array wrapper still unwraps under a selection"
    );
    let names: Vec<&str> = recs[0].obj.props.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        vec!["SipAddress", "Enabled"],
        "escaped names match; the rest is skipped"
    );
    assert_eq!(recs[1].req_str("SipAddress").unwrap(), "sip:b@x.com");
}

#[test]
fn syntax_errors_between_records_name_the_line() {
    let text = b"[\n  {\"a\": 1},\n  {\"a\": 2}\n  {\"a\": 3}\n]";
    let results: Vec<_> = license_audit::ingest::open_reader("l.json", Box::new(&text[..]))
        .unwrap()
        .collect();
    let e = results.last().unwrap().as_ref().unwrap_err();
    assert!(
        e.message
            .starts_with("line 4: unexpected '{' after record 2"),
        "{e}"
    );
}
