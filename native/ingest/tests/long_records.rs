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

/// A stream made record by record from `make(i)` for `i` in `0..times`, between `head` and
/// `tail` (for files whose records must differ, as RefIds do).
struct Generated<F: FnMut(u64) -> Vec<u8>> {
    make: F,
    next: u64,
    times: u64,
    tail: Option<Vec<u8>>,
    chunk: Vec<u8>,
    offset: usize,
}

impl<F: FnMut(u64) -> Vec<u8>> Generated<F> {
    fn new(head: &[u8], times: u64, tail: &[u8], make: F) -> Self {
        Generated {
            make,
            next: 0,
            times,
            tail: Some(tail.to_vec()),
            chunk: head.to_vec(),
            offset: 0,
        }
    }
}

impl<F: FnMut(u64) -> Vec<u8>> std::io::Read for Generated<F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.offset == self.chunk.len() {
            self.offset = 0;
            self.chunk = if self.next < self.times {
                self.next += 1;
                (self.make)(self.next - 1)
            } else {
                match self.tail.take() {
                    Some(t) => t,
                    None => return Ok(0),
                }
            };
        }
        let n = (self.chunk.len() - self.offset).min(buf.len());
        buf[..n].copy_from_slice(&self.chunk[self.offset..self.offset + n]);
        self.offset += n;
        Ok(n)
    }
}

const CLIXML_HEAD: &[u8] =
    br#"<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">"#;

#[test]
fn clixml_type_name_lists_past_the_byte_cap_refuse_the_file_at_once() {
    // Ten records each declaring a list of a million type names (40 MB each) took 535 MB; a
    // hundred aborted the process. The first list past the cap ends the file.
    bounded(2 * MAX_RECORD_BYTES as u64 / MIB + 48, || {
        let stream = Generated::new(CLIXML_HEAD, 10, b"</Objs>", |i| {
            let mut rec = format!(r#"<Obj RefId="{i}"><TN RefId="{i}">"#).into_bytes();
            for k in 0..1_000_000u32 {
                rec.extend_from_slice(format!("<T>T{k:08}</T>").as_bytes());
            }
            rec.extend_from_slice(br#"</TN><MS><S N="Identity">x</S></MS></Obj>"#);
            rec
        });
        let res: Vec<_> = open_reader("type-names.xml", Box::new(stream))
            .unwrap()
            .collect();
        let e = only_error(&res);
        assert!(e.fatal, "{e}");
        assert_eq!(e.record, Some(1), "{e}");
        assert!(
            e.message
                .contains("<TN RefId> type-name lists take more than 1024 KiB"),
            "{e}"
        );
        assert_eq!(res.len(), 1, "nothing after a fatal error");
    });
}

#[test]
fn clixml_type_name_lists_adding_up_past_the_cap_refuse_the_file_naming_the_record() {
    // Each list is small; their sum grows with the file until the cap refuses it. Records
    // before that are read.
    bounded(48, || {
        let stream = Generated::new(CLIXML_HEAD, 1000, b"</Objs>", |i| {
            let mut rec = format!(r#"<Obj RefId="{i}"><TN RefId="{i}">"#).into_bytes();
            for k in 0..200u32 {
                rec.extend_from_slice(format!("<T>Type.{i}.{k:060}</T>").as_bytes());
            }
            rec.extend_from_slice(br#"</TN><MS><S N="Identity">x</S></MS></Obj>"#);
            rec
        });
        let res: Vec<_> = open_reader("type-names.xml", Box::new(stream))
            .unwrap()
            .collect();
        let e = res.last().unwrap().as_ref().unwrap_err();
        assert!(e.fatal, "{e}");
        let at = e.record.unwrap();
        // ~100 bytes a name, 200 names a list: about 20 KiB a record, so 1 MiB in ~50.
        assert!((30..80).contains(&at), "refused at record {at}");
        assert_eq!(oks(&res).len() as u64, at - 1);
    });
}

#[test]
fn clixml_objects_kept_for_refs_are_capped_in_bytes_not_count() {
    // Twenty-four records each with a nested 10 MB string object (a RefId of its own): kept for
    // later <Ref>s by count, they all stayed in memory (240 MB). The byte cap forgets the
    // oldest; a <Ref> to a forgotten one spoils only its record.
    bounded(2 * MAX_RECORD_BYTES as u64 / MIB + 48, || {
        let stream = Generated::new(CLIXML_HEAD, 25, b"</Objs>", |i| {
            if i == 24 {
                // A reference to the first record's object, long forgotten, then one to the last.
                return br#"<Obj RefId="r24"><MS><Ref N="Old" RefId="n0" /><Ref N="New" RefId="n23" /></MS></Obj>"#.to_vec();
            }
            let mut rec = format!(
                r#"<Obj RefId="r{i}"><MS><S N="Identity">u{i}</S><Obj N="Notes" RefId="n{i}"><MS><S N="Text">"#
            )
            .into_bytes();
            rec.resize(rec.len() + (10 << 20), b'w');
            rec.extend_from_slice(br#"</S></MS></Obj></MS></Obj>"#);
            rec
        });
        // Records are dropped as read: only what the reader keeps stays.
        let (mut read, mut errors) = (0, Vec::new());
        for r in open_reader("refs.xml", Box::new(stream)).unwrap() {
            match r {
                Ok(_) => read += 1,
                Err(e) => errors.push(e),
            }
        }
        assert_eq!(read, 24);
        assert_eq!(errors.len(), 1, "{errors:?}");
        let e = &errors[0];
        assert!(!e.fatal, "{e}");
        assert!(e.message.contains("RefId=\"n0\""), "{e}");
    });
}
