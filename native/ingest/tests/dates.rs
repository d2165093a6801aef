//! Culture-text dates (Export-Csv, Format-List): the month/day order is decided once per file
//! (issue 10, item 5). A date with a part above 12 settles it for every date in the file; a
//! `;`-separated CSV or dotted dates are day-first; only a wholly ambiguous file is refused,
//! asking for the date order, which callers can give with `ReadOptions::date_order`.

mod common;
use chrono::{DateTime, Utc};
use common::*;
use license_audit_ingest::{
    open_input_with, open_reader_with, DateOrder, InputFile, ReadOptions, Record,
};
use license_audit_model::InputError;
use std::io::Write;

fn day(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{s}T00:00:00Z"))
        .unwrap()
        .with_timezone(&Utc)
}

/// A UAL daily-access export in Export-Csv layout, 5.1 (`#TYPE`, quoted cells).
fn ual_csv(sep: &str, dates: &[&str]) -> Vec<u8> {
    let mut text = String::from(
        "#TYPE Microsoft.Management.Infrastructure.CimInstance#root/AccessLogging/MsftUal_DailyUserAccess\r\n",
    );
    text.push_str(&["\"AccessCount\"", "\"AccessDate\"", "\"UserName\""].join(sep));
    text.push_str("\r\n");
    for (i, d) in dates.iter().enumerate() {
        text.push_str(
            &[
                format!("\"{}\"", i + 1),
                format!("\"{d}\""),
                "\"western\\sarahjones\"".into(),
            ]
            .join(sep),
        );
        text.push_str("\r\n");
    }
    text.into_bytes()
}

fn read(bytes: Vec<u8>, order: Option<DateOrder>) -> (InputFile, Vec<Result<Record, InputError>>) {
    let mut input = open_reader_with(
        "daily.csv",
        Box::new(std::io::Cursor::new(bytes)),
        ReadOptions {
            date_order: order,
            ..ReadOptions::default()
        },
    )
    .unwrap();
    let recs = input.by_ref().collect();
    (input, recs)
}

fn dates_of(recs: &[Result<Record, InputError>]) -> Vec<Result<DateTime<Utc>, String>> {
    recs.iter()
        .map(|r| {
            r.as_ref()
                .unwrap()
                .opt_date("AccessDate")
                .map(Option::unwrap)
                .map_err(|e| e.to_string())
        })
        .collect()
}

#[test]
fn one_date_with_a_day_above_12_settles_the_order_for_the_file() {
    // The case: 9/2/2012 was refused as ambiguous although 8/25/2012 fixes the order,
    // whichever comes first.
    for dates in [["8/25/2012", "9/2/2012"], ["9/2/2012", "8/25/2012"]] {
        let (input, recs) = read(ual_csv(",", &dates), None);
        let got: Vec<_> = dates_of(&recs).into_iter().map(Result::unwrap).collect();
        let want: Vec<_> = dates
            .iter()
            .map(|d| {
                if d.starts_with('8') {
                    day("2012-08-25")
                } else {
                    day("2012-09-02")
                }
            })
            .collect();
        assert_eq!(got, want);
        let (order, why) = input.date_order().unwrap();
        assert_eq!(order, DateOrder::MonthFirst);
        assert!(why.contains("'8/25/2012'"), "{why}");
    }
}

#[test]
fn day_first_files_read_day_first() {
    let (_, recs) = read(ual_csv(",", &["2/9/2012", "25/8/2012 16:37:23"]), None);
    let got: Vec<_> = dates_of(&recs).into_iter().map(Result::unwrap).collect();
    assert_eq!(got[0], day("2012-09-02"));
    assert_eq!(got[1].to_rfc3339(), "2012-08-25T16:37:23+00:00");
}

#[test]
fn a_wholly_ambiguous_file_is_refused_naming_record_and_property() {
    let (input, recs) = read(ual_csv(",", &["9/2/2012", "3/4/2012"]), None);
    assert!(input.date_order().is_none());
    for (i, r) in recs.iter().enumerate() {
        let e = r.as_ref().unwrap().opt_date("AccessDate").unwrap_err();
        assert_eq!(
            (e.record, e.field.as_deref()),
            (Some(i as u64 + 1), Some("AccessDate"))
        );
        assert!(e.message.contains("is ambiguous"), "{e}");
        assert!(e.message.contains("date order (mdy or dmy)"), "{e}");
    }
}

#[test]
fn the_callers_date_order_reads_an_ambiguous_file() {
    let (input, recs) = read(
        ual_csv(",", &["9/2/2012", "3/4/2012"]),
        Some(DateOrder::DayFirst),
    );
    let got: Vec<_> = dates_of(&recs).into_iter().map(Result::unwrap).collect();
    assert_eq!(got, [day("2012-02-09"), day("2012-04-03")]);
    assert_eq!(
        input.date_order().unwrap(),
        (DateOrder::DayFirst, "given".into())
    );
    let (_, recs) = read(ual_csv(",", &["9/2/2012"]), Some(DateOrder::MonthFirst));
    assert_eq!(dates_of(&recs)[0].clone().unwrap(), day("2012-09-02"));
}

#[test]
fn a_date_contradicting_the_given_order_is_an_error() {
    let (_, recs) = read(
        ual_csv(",", &["8/25/2012", "9/2/2012"]),
        Some(DateOrder::DayFirst),
    );
    let got = dates_of(&recs);
    let e = got[0].as_ref().unwrap_err();
    assert!(
        e.contains("'8/25/2012' cannot be day-first (the date order given is dmy)"),
        "{e}"
    );
    assert_eq!(got[1].clone().unwrap(), day("2012-02-09"));
}

#[test]
fn a_file_mixing_orders_is_an_error_at_the_date_that_contradicts() {
    let (_, recs) = read(ual_csv(",", &["8/25/2012", "25/8/2012"]), None);
    let got = dates_of(&recs);
    assert_eq!(got[0].clone().unwrap(), day("2012-08-25"));
    let e = got[1].as_ref().unwrap_err();
    assert!(e.contains("record 2, property 'AccessDate'"), "{e}");
    assert!(e.contains("mixes date orders"), "{e}");
}

#[test]
fn a_semicolon_csv_is_day_first_when_no_date_decides() {
    // Export-Csv -UseCulture on a de-DE or fr-FR server.
    let (_, recs) = read(ual_csv(";", &["9/2/2012", "3/4/2012"]), None);
    let got: Vec<_> = dates_of(&recs).into_iter().map(Result::unwrap).collect();
    assert_eq!(got, [day("2012-02-09"), day("2012-04-03")]);
    // ...but a date in the file still wins over the hint.
    let (_, recs) = read(ual_csv(";", &["8/25/2012", "9/2/2012"]), None);
    assert_eq!(dates_of(&recs)[1].clone().unwrap(), day("2012-09-02"));
}

#[test]
fn dotted_dates_are_day_first() {
    let (_, recs) = read(ual_csv(",", &["02.09.2012 08:00:00", "03.04.2012"]), None);
    let got: Vec<_> = dates_of(&recs).into_iter().map(Result::unwrap).collect();
    assert_eq!(got[0].to_rfc3339(), "2012-09-02T08:00:00+00:00");
    assert_eq!(got[1], day("2012-04-03"));
}

#[test]
fn am_pm_times_read_month_first_unless_the_file_says_otherwise() {
    let (_, recs) = read(ual_csv(",", &["9/2/2012 4:37:23 PM"]), None);
    assert_eq!(
        dates_of(&recs)[0].clone().unwrap().to_rfc3339(),
        "2012-09-02T16:37:23+00:00"
    );
    // en-AU writes day-first with AM/PM.
    let (_, recs) = read(
        ual_csv(",", &["25/08/2012 4:37:23 PM", "9/2/2012 12:00:00 AM"]),
        None,
    );
    let got: Vec<_> = dates_of(&recs).into_iter().map(Result::unwrap).collect();
    assert_eq!(got[0].to_rfc3339(), "2012-08-25T16:37:23+00:00");
    assert_eq!(got[1], day("2012-02-09"));
}

/// A CSV whose first MiB holds only ambiguous dates, with the deciding one after it.
fn late_deciding_csv() -> Vec<u8> {
    let rows = (1 << 20) / 40 + 100;
    let mut dates: Vec<&str> = vec!["9/2/2012"; rows];
    dates.push("8/25/2012");
    ual_csv(",", &dates)
}

#[test]
fn a_deciding_date_past_the_first_mib_is_found_by_scanning_the_file_again() {
    let dir = TempDir::new();
    let path = dir.path().join("daily.csv");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(&late_deciding_csv())
        .unwrap();
    let mut input = open_input_with(path.to_str().unwrap(), ReadOptions::default()).unwrap();
    assert!(input.date_order().is_none(), "not in the first MiB");
    let first = input.next().unwrap().unwrap();
    assert_eq!(
        first.opt_date("AccessDate").unwrap(),
        Some(day("2012-09-02"))
    );
    let (order, why) = input.date_order().unwrap();
    assert_eq!(order, DateOrder::MonthFirst);
    assert!(why.contains("8/25/2012"), "{why}");
    assert!(input.all(|r| r.unwrap().opt_date("AccessDate").is_ok()));
}

#[test]
fn a_stream_that_cannot_be_read_twice_refuses_dates_before_the_deciding_one() {
    // Standard input: the first MiB is all that can be looked at ahead; an ambiguous date
    // before the deciding one is refused (with the advice), the ones after it are read.
    let (_, recs) = read(late_deciding_csv(), None);
    let got = dates_of(&recs);
    assert!(got[0].as_ref().unwrap_err().contains("is ambiguous"));
    assert_eq!(got.last().unwrap().clone().unwrap(), day("2012-08-25"));
}

#[test]
fn date_order_parses_the_spellings_a_cli_flag_would_take() {
    for (s, o) in [
        ("mdy", DateOrder::MonthFirst),
        ("DMY", DateOrder::DayFirst),
        ("M/d/yyyy", DateOrder::MonthFirst),
        ("dd.MM.yyyy", DateOrder::DayFirst),
    ] {
        assert_eq!(s.parse::<DateOrder>().unwrap(), o, "{s}");
    }
    assert!("ymd".parse::<DateOrder>().is_err());
    assert!("".parse::<DateOrder>().is_err());
    assert_eq!(DateOrder::DayFirst.to_string(), "dmy");
}

#[test]
fn iso_and_json_dates_are_not_affected_by_the_order() {
    let (_, recs) = read(
        ual_csv(",", &["2012-09-02T10:00:00Z", "9/2/2012"]),
        Some(DateOrder::DayFirst),
    );
    let got = dates_of(&recs);
    assert_eq!(
        got[0].clone().unwrap().to_rfc3339(),
        "2012-09-02T10:00:00+00:00"
    );
    assert_eq!(got[1].clone().unwrap(), day("2012-02-09"));
    // A file path (not only a stream) reads the same way.
    let rec = results("fixtures/getcsuser.ps51.csv");
    assert!(oks(&rec)[0].opt_date("WhenChanged").unwrap().is_some());
}

/// Serves its bytes, then fails: like a pipe whose writer has not written more yet.
struct ThenFails(std::io::Cursor<Vec<u8>>);

impl std::io::Read for ThenFails {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.0.read(buf)? {
            0 => Err(std::io::Error::other("nothing more yet")),
            n => Ok(n),
        }
    }
}

#[test]
fn json_on_a_pipe_streams_without_waiting_for_a_head_scan() {
    // The PowerShell module pipes NDJSON in as objects arrive: the first record must come back
    // without the reader waiting for a MiB of input.
    let text = b"{\"SipAddress\":\"sip:a@x.com\",\"When\":\"9/2/2012\"}\n".to_vec();
    let mut input =
        license_audit_ingest::open_reader("-", Box::new(ThenFails(std::io::Cursor::new(text))))
            .unwrap();
    let rec = input.next().unwrap().unwrap();
    assert_eq!(rec.req_str("SipAddress").unwrap(), "sip:a@x.com");
    // Its culture-text date cannot be settled from a stream.
    assert!(rec
        .opt_date("When")
        .unwrap_err()
        .message
        .contains("ambiguous"));
}

#[test]
fn culture_dates_in_a_json_file_are_settled_by_scanning_it() {
    let dir = TempDir::new();
    let path = dir.path().join("u.json");
    std::fs::write(&path, "[{\"When\":\"9/2/2012\"},{\"When\":\"8/25/2012\"}]").unwrap();
    let recs: Vec<_> = open_input_with(path.to_str().unwrap(), ReadOptions::default())
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(recs[0].opt_date("When").unwrap(), Some(day("2012-09-02")));
}
