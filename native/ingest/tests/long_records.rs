//! Long lines and huge records, generated as streams (nothing here is held in memory whole).
//!
//! The bound: one record may take [`MAX_RECORD_BYTES`] (64 MiB). Lines may be longer — a
//! `ConvertTo-Json -Compress` array is one line — because records are read one at a time. A
//! record over the bound is an error naming it: JSON reads past it and goes on with the next
//! record; CSV and CLIXML cannot find the next record reliably and stop there.
//!
//! Memory for one record is at most about twice the bound (buffers grow by doubling).
//!
//! The tests run one at a time and check the process's peak memory (Linux), so each sees its own.

mod common;
use common::*;
use license_audit_ingest::{open_reader, MAX_RECORD_BYTES};
use std::sync::Mutex;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs `f` alone and checks that the process's peak memory grew by less than `limit_mib`.
fn bounded(limit_mib: u64, f: impl FnOnce()) {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // Writing 5 to clear_refs resets the peak (VmHWM) to the current resident size.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = peak_rss_mib();
    f();
    if let (true, Some(before), Some(after)) = (reset, before, peak_rss_mib()) {
        assert!(
            after.saturating_sub(before) < limit_mib,
            "peak memory grew by {} MiB",
            after - before
        );
    }
}

const MIB: u64 = 1 << 20;

#[test]
fn a_compressed_array_on_one_80_mib_line_reads_record_by_record() {
    bounded(48, || {
        let rec = br#"{"SamAccountName":"u","SipAddress":"sip:u@contoso.com","Enabled":true},"#;
        let times = 80 * MIB / rec.len() as u64;
        let stream = Repeat::new(b"[", rec, times, br#"{"SamAccountName":"last"}]"#);
        let input = open_reader("compressed.json", Box::new(stream)).unwrap();
        let mut n = 0u64;
        for r in input {
            r.unwrap();
            n += 1;
        }
        assert_eq!(n, times + 1);
    });
}

#[test]
fn a_json_record_over_the_bound_is_an_error_and_the_next_record_is_read() {
    // Twice the bound would take 128 MiB or more if it were kept.
    bounded(MAX_RECORD_BYTES as u64 / MIB + 48, || {
        let times = 2 * MAX_RECORD_BYTES as u64 / 64;
        let stream = Repeat::new(
            br#"{"SamAccountName":"first"}
{"SamAccountName":"huge","Notes":""#,
            &[b'x'; 64],
            times,
            b"\"}\n{\"SamAccountName\":\"after\"}\n",
        );
        let res: Vec<_> = open_reader("huge.ndjson", Box::new(stream))
            .unwrap()
            .collect();
        assert_eq!(res.len(), 3);
        let e = res[1].as_ref().unwrap_err();
        assert_eq!((e.record, e.fatal), (Some(2), false));
        assert!(e.message.contains("(line 2) is larger than 64 MiB"), "{e}");
        assert_eq!(
            res[2].as_ref().unwrap().req_str("SamAccountName").unwrap(),
            "after"
        );
    });
}

#[test]
fn a_csv_quote_that_never_closes_stops_at_the_bound() {
    // The CSV parser's record buffer grows by doubling: up to twice the bound.
    bounded(2 * MAX_RECORD_BYTES as u64 / MIB + 48, || {
        let times = 2 * MAX_RECORD_BYTES as u64 / 64;
        let stream = Repeat::new(
            b"\"SamAccountName\",\"Notes\"\r\n\"alice\",\"fine\"\r\n\"bob\",\"never closed\r\n",
            &[b'y'; 64],
            times,
            b"\r\n",
        );
        let res: Vec<_> = open_reader("open-quote.csv", Box::new(stream))
            .unwrap()
            .collect();
        assert_eq!(res[0].as_ref().unwrap().req_str("Notes").unwrap(), "fine");
        let e = res[1].as_ref().unwrap_err();
        assert!(e.fatal);
        assert_eq!(e.record, Some(2), "{e}");
        assert!(e.message.contains("larger than 64 MiB"), "{e}");
        assert!(e.message.contains("quote that is never closed"), "{e}");
        assert_eq!(res.len(), 2);
    });
}

#[test]
fn a_csv_first_line_over_the_bound_is_refused() {
    bounded(MAX_RECORD_BYTES as u64 / MIB + 48, || {
        let times = MAX_RECORD_BYTES as u64 / 64 + 1;
        let stream = Repeat::new(b"Name", &[b'z'; 64], times, b"\n");
        let e = match open_reader("one-line.csv", Box::new(stream)) {
            Err(e) => e,
            Ok(_) => panic!("accepted"),
        };
        assert!(
            e.message.contains("first line is longer than 64 MiB"),
            "{e}"
        );
    });
}

#[test]
fn a_clixml_text_over_the_bound_stops_with_an_error() {
    bounded(2 * MAX_RECORD_BYTES as u64 / MIB + 48, || {
        let times = 2 * MAX_RECORD_BYTES as u64 / 64;
        let stream = Repeat::new(
            br#"<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj RefId="0"><MS><S N="Identity">Global</S></MS></Obj><Obj RefId="1"><MS><S N="Notes">"#,
            &[b'w'; 64],
            times,
            b"</S></MS></Obj></Objs>",
        );
        let res: Vec<_> = open_reader("huge.xml", Box::new(stream)).unwrap().collect();
        assert_eq!(
            res[0].as_ref().unwrap().req_str("Identity").unwrap(),
            "Global"
        );
        let e = res[1].as_ref().unwrap_err();
        assert!(e.fatal);
        assert_eq!(e.record, Some(2), "{e}");
        assert!(e.message.contains("larger than 64 MiB"), "{e}");
        assert_eq!(res.len(), 2);
    });
}
