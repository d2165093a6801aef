//! Console text admins paste instead of exporting (issue 10, item 1): Format-List text is read
//! (with values PowerShell cut short flagged as unknown), Format-Table text and anything after a
//! prompt line that is not Format-List is refused once, with the command that makes an export.
//! Fixtures: `tests/fixtures/console/` — the documented outputs of Get-CsConferencingPolicy,
//! Get-UalUserAccess and Get-UalDeviceAccess exactly as the documentation shows them, and the
//! same layout as a console shows it.

mod common;
use common::*;
use license_audit_ingest::{Dialect, PsValue};

fn console(name: &str) -> String {
    format!("fixtures/console/{name}")
}

#[test]
fn documented_get_csconferencingpolicy_output_reads_as_one_record() {
    let mut input = open(&console("get-csconferencingpolicy.docs.txt")).unwrap();
    let recs: Vec<_> = input.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(input.dialect(), Dialect::FormatList);
    assert_eq!(recs.len(), 1);
    let r = &recs[0];
    assert_eq!(r.obj.props.len(), 34);
    assert_eq!(r.req_str("Identity").unwrap(), "Global");
    assert_eq!(r.opt_bool("AllowIPAudio").unwrap(), Some(true));
    assert_eq!(r.opt_bool("AllowLargeMeetings").unwrap(), Some(false));
    assert_eq!(r.opt_int("MaxMeetingSize").unwrap(), Some(250));
    assert_eq!(r.opt_str("Description").unwrap(), None);
    const SHARING: &[(i64, &str)] = &[(0, "Desktop"), (1, "SingleApplication"), (2, "None")];
    assert_eq!(
        r.opt_enum("EnableAppDesktopSharing", SHARING)
            .unwrap()
            .as_deref(),
        Some("Desktop")
    );
    let note = input.note().unwrap();
    assert!(note.contains("Format-List console text"), "{note}");
    assert!(note.contains("Export-Clixml"), "{note}");
}

#[test]
fn console_layout_with_prompt_and_blank_lines_reads_every_policy() {
    let mut input = open(&console("get-csconferencingpolicy.console.txt")).unwrap();
    let recs: Vec<_> = input.by_ref().collect::<Result<_, _>>().unwrap();
    let ids: Vec<String> = recs
        .iter()
        .map(|r| r.req_str("Identity").unwrap())
        .collect();
    assert_eq!(ids, ["Global", "Tag:RedmondConferencingPolicy"]);
    assert_eq!((recs[0].index, recs[1].index), (1, 2));
    assert_eq!(recs[1].opt_int("MaxMeetingSize").unwrap(), Some(100));
    assert_eq!(
        recs[1].opt_str("Description").unwrap().as_deref(),
        Some("Redmond users")
    );
    // The advice names the command from the prompt.
    let note = input.note().unwrap();
    assert!(
        note.contains("Get-CsConferencingPolicy | Export-Clixml csconferencingpolicy.xml"),
        "{note}"
    );
}

#[test]
fn documented_ual_examples_with_a_blank_line_after_every_property() {
    for (file, key, value) in [
        (
            "get-ualuseraccess.docs.txt",
            "UserName",
            "western\\sarahjones",
        ),
        ("get-ualdeviceaccess.docs.txt", "IPAddress", "10.17.44.6"),
    ] {
        let res = results(&console(file));
        let recs = oks(&res);
        assert_eq!(recs.len(), 1, "{file}: {res:#?}");
        let r = recs[0];
        assert_eq!(r.req_str(key).unwrap(), value, "{file}");
        assert_eq!(r.obj.props.len(), 9, "{file}");
        assert_eq!(r.opt_str("PSComputerName").unwrap(), None, "{file}");
        assert_eq!(
            r.req_str("RoleGuid").unwrap(),
            "10a9226f-50ee-49d8-a393-9a501d47ce04"
        );
        assert!(r.opt_int("ActivityCount").unwrap().unwrap() > 0);
    }
}

#[test]
fn documented_ual_device_dates_read_month_first() {
    // FirstSeen 8/25/2012 fixes the order for LastSeen 9/1/2012 in the same file.
    let res = results(&console("get-ualdeviceaccess.docs.txt"));
    let r = oks(&res)[0];
    let first = r.opt_date("FirstSeen").unwrap().unwrap();
    let last = r.opt_date("LastSeen").unwrap().unwrap();
    assert_eq!(first.to_rfc3339(), "2012-08-25T16:37:23+00:00");
    assert_eq!(last.to_rfc3339(), "2012-09-01T21:30:09+00:00");
}

#[test]
fn ual_user_access_console_output_reads_three_records() {
    let res = results(&console("get-ualuseraccess.console.txt"));
    assert!(errs(&res).is_empty(), "{res:#?}");
    let users: Vec<String> = oks(&res)
        .iter()
        .map(|r| r.req_str("UserName").unwrap())
        .collect();
    assert_eq!(
        users,
        ["western\\sarahjones", "western\\davidp", "western\\ananya"]
    );
}

#[test]
fn ual_system_id_in_format_list_layout() {
    let res = results(&console("get-ualsystemid.console.txt"));
    let recs = oks(&res);
    assert_eq!(recs.len(), 1);
    let r = recs[0];
    assert_eq!(r.obj.props.len(), 25);
    assert_eq!(r.req_str("SystemDNSHostName").unwrap(), "FS01");
    assert_eq!(r.opt_int("PhysicalProcessorCount").unwrap(), Some(2));
    assert_eq!(r.opt_int("CoresPerPhysicalProcessor").unwrap(), Some(8));
    assert_eq!(r.opt_int("OSCurrentTimeZone").unwrap(), Some(-420));
    assert_eq!(r.opt_int("MaximumMemory").unwrap(), Some(34_359_738_368));
    assert_eq!(r.opt_bool("OSDaylightInEffect").unwrap(), Some(true));
}

#[test]
fn values_powershell_cut_short_are_unknown_and_name_the_property() {
    let res = results(&console("get-csvoicepolicy.truncated.txt"));
    let recs = oks(&res);
    assert_eq!(recs.len(), 2);
    let intl = recs[0];
    assert!(matches!(
        intl.get("PstnUsages"),
        Some(PsValue::Truncated(_))
    ));
    let e = intl.str_list("PstnUsages").unwrap_err();
    assert_eq!(
        (e.record, e.field.as_deref()),
        (Some(1), Some("PstnUsages"))
    );
    assert!(e.message.contains("truncated by Format-List"), "{e}");
    assert!(e.message.contains("Export-Clixml"), "{e}");
    let e = intl.opt_str("Description").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("Description"));
    // The other properties of the same record are values.
    assert_eq!(intl.opt_bool("AllowSimulRing").unwrap(), Some(true));
    // A complete list is a list.
    assert_eq!(recs[1].str_list("PstnUsages").unwrap(), vec!["Local"]);
    assert_eq!(recs[1].opt_str("Description").unwrap(), None);
}

#[test]
fn wrapped_values_join_and_a_warning_spoils_only_its_block() {
    let res = results(&console("get-csuser.warning-and-wrap.txt"));
    assert_eq!(res.len(), 3, "{res:#?}");
    let first = res[0].as_ref().unwrap();
    assert_eq!(
        first.req_str("Identity").unwrap(),
        "CN=Sarah Jones (Contractor),OU=File Server Users,OU=Western Region,OU=Accounts and Service Identities,DC=western,DC=contoso,DC=com"
    );
    assert_eq!(first.req_str("Notes").unwrap(), "first line\nsecond line");
    let e = res[1].as_ref().unwrap_err();
    assert_eq!((e.record, e.fatal), (Some(2), false));
    assert!(e.message.contains("line 10 ('WARNING: The user"), "{e}");
    assert_eq!(
        res[2].as_ref().unwrap().req_str("SipAddress").unwrap(),
        "sip:davidp@contoso.com"
    );
}

#[test]
fn format_table_is_refused_once_with_the_export_command() {
    let res = results(&console("get-csconferencingpolicy.table.txt"));
    let e = only_error(&res);
    assert!(e.fatal);
    assert_eq!(e.record, None);
    assert!(e.message.contains("Format-Table console text"), "{e}");
    assert!(
        e.message
            .contains("Get-CsConferencingPolicy | Export-Clixml csconferencingpolicy.xml"),
        "{e}"
    );
    let res = results(&console("get-ualuseraccess.table.txt"));
    let e = only_error(&res);
    assert!(e.message.contains("Format-Table console text"), "{e}");
    assert!(e.message.contains("Export-Clixml"), "{e}");
}

#[test]
fn anything_else_after_a_prompt_is_refused_as_console_text() {
    let res = results(&console("prompt-then-json.txt"));
    let e = only_error(&res);
    assert!(e.fatal);
    assert!(e.message.contains("prompt line"), "{e}");
    assert!(
        e.message
            .contains("Get-CsConferencingPolicy -Identity Global | Export-Clixml"),
        "{e}"
    );
}

#[test]
fn a_single_identity_line_is_format_list_not_a_one_column_csv() {
    let mut input =
        license_audit_ingest::open_reader("pasted.txt", Box::new(&b"Identity : Global\r\n"[..]))
            .unwrap();
    let r = input.next().unwrap().unwrap();
    assert_eq!(input.dialect(), Dialect::FormatList);
    assert_eq!(r.req_str("Identity").unwrap(), "Global");
}

#[test]
fn csv_is_still_csv() {
    let mut input = open("fixtures/getcsuser.ps51.csv").unwrap();
    assert!(input.next().unwrap().is_ok());
    assert_eq!(input.dialect(), Dialect::Csv);
    assert!(input.note().is_none());
}

#[test]
fn records_run_together_without_blank_lines_split_where_a_name_repeats() {
    let text =
        "Identity : Tag:A\r\nMaxMeetingSize : 10\r\nIdentity : Tag:B\r\nMaxMeetingSize : 20\r\n";
    let res = results_of("run-together.txt", text.as_bytes().to_vec());
    let ids: Vec<String> = oks(&res)
        .iter()
        .map(|r| r.req_str("identity").unwrap())
        .collect();
    assert_eq!(ids, ["Tag:A", "Tag:B"]);
}

#[test]
fn a_csv_whose_first_line_holds_space_colon_stays_csv() {
    // Found by the fuzzer: a header line with " : " in it was taken for Format-List text.
    let text = "\"Name\";\"Note : x\"\r\n\"a\";\"b\"\r\n";
    let mut input =
        license_audit_ingest::open_reader("semi.csv", Box::new(text.as_bytes())).unwrap();
    let r = input.next().unwrap().unwrap();
    assert_eq!(input.dialect(), Dialect::Csv);
    assert_eq!(r.req_str("Note : x").unwrap(), "b");
}

#[test]
fn format_list_redirected_with_51s_out_file_is_utf16_and_reads_the_same() {
    // `Get-UalUserAccess > ual.txt` in Windows PowerShell 5.1 writes UTF-16 LE with a BOM.
    let text = std::fs::read_to_string(path(&console("get-ualuseraccess.console.txt"))).unwrap();
    let bytes: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    let res = results_of("ual.txt", bytes);
    assert!(errs(&res).is_empty(), "{res:#?}");
    let users: Vec<String> = oks(&res)
        .iter()
        .map(|r| r.req_str("UserName").unwrap())
        .collect();
    assert_eq!(users.len(), 3);
    assert_eq!(users[2], "western\\ananya");
}

#[test]
fn a_wrapped_list_keeps_the_space_that_fell_at_the_wrap() {
    // Format-List wraps at the window's width: here right after a comma, so the next line
    // starts with the list's own space, after the 13 columns of indentation.
    let first = format!("PstnUsages : {{{}", "Usage, ".repeat(15));
    let first = first.trim_end_matches(' ').to_string();
    assert!(first.len() >= 79);
    let text = format!("Identity   : Tag:Long\r\n{first}\r\n              Last}}\r\n");
    let res = results_of("wrapped.txt", text.into_bytes());
    let usages = oks(&res)[0].str_list("PstnUsages").unwrap();
    assert_eq!(usages.len(), 16);
    assert_eq!(usages.last().unwrap(), "Last");
}
