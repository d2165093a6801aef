//! The JSON reader's selected-properties fast path (`src/fastline.rs`) against serde_json: on
//! generated records and on damaged copies of them, whenever the fast path reads a record it
//! must read what serde_json reads (otherwise it leaves the record to serde_json, which also
//! words any error). And whole files read through the reader give the same records and errors
//! with the fast path's selection as with everything read and then filtered.

use license_audit_ingest::fastline::agrees;
use license_audit_ingest::json::JsonReader;
use std::io::Cursor;
use std::sync::Arc;

static SELECT: &[&str] = &["SipAddress", "Enabled", "DisplayName", "Count", "Tags", "N"];

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const NAMES: &[&str] = &[
    "SipAddress",
    "sipaddress",
    "Enabled",
    "DisplayName",
    "Count",
    "value",
    "Tags",
    "N",
    "Other",
    "HomeServer",
    "Identity",
    "X\\u0041",
    "Sip\\\"Address",
    "é",
    "",
];
const VALUES: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "-0",
    "7",
    "-12",
    "123456789012345678",
    "1234567890123456789",
    "18446744073709551616",
    "1.5",
    "1e3",
    "-1.0E-2",
    "01",
    "1.",
    "-",
    "\"\"",
    "\"sip:a@b\"",
    "\"O\\u0027Brien\"",
    "\"a\\\\b\"",
    "\"\\ud83d\\ude00\"",
    "\"\\ud800\"",
    "\"tab\\there\"",
    "\"\\/Date(1574202819000)\\/\"",
    "\"2021-08-23T22:06:07Z\"",
    "\"é ü\"",
    "[]",
    "{}",
    "[1,\"a\",null,[true]]",
    "{\"a\":1,\"A\":2,\"b\":[{}]}",
    "{\"value\":[\"x\",\"y\"],\"Count\":2}",
    "[\"a\" , \"b\"]",
    "{ \"k\" : \"v\" }",
    "nul",
    "tru",
    "\"unterminated",
    "[1,]",
    "{\"a\"}",
    "\"bad\\escape\"",
    "\"\\u12G4\"",
];

fn record(rng: &mut Rng) -> String {
    let n = rng.next() % 8;
    let mut s = String::from("{");
    for i in 0..n {
        if i > 0 {
            s.push_str(rng.pick(&[",", ",", ",", " , ", ",\t"]));
        }
        s.push('"');
        s.push_str(rng.pick(NAMES));
        s.push('"');
        s.push_str(rng.pick(&[":", ":", " : ", ":\r\n"]));
        s.push_str(rng.pick(VALUES));
    }
    s.push_str(rng.pick(&["}", "}", "}", " } ", "}}", "", "} x"]));
    s
}

/// Flips, drops or inserts a byte.
fn damage(rng: &mut Rng, s: &str) -> Vec<u8> {
    let mut b = s.as_bytes().to_vec();
    if b.is_empty() {
        return b;
    }
    let at = (rng.next() % b.len() as u64) as usize;
    const BYTES: &[u8] = b"\"\\{}[]:, \x00\x1f\xff\xc3a0";
    let byte = BYTES[(rng.next() % BYTES.len() as u64) as usize];
    match rng.next() % 3 {
        0 => b[at] = byte,
        1 => {
            b.remove(at);
        }
        _ => b.insert(at, byte),
    }
    b
}

#[test]
fn fast_path_reads_what_serde_json_reads() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut read = 0;
    for _ in 0..20_000 {
        // Several lines in a row, so the names one line teaches are tried on the next.
        let mut lines = Vec::new();
        for _ in 0..(1 + rng.next() % 4) {
            let r = record(&mut rng);
            let line = if rng.next() % 3 == 0 {
                damage(&mut rng, &r)
            } else {
                r.into_bytes()
            };
            lines.extend_from_slice(&line);
            lines.push(b'\n');
        }
        match agrees(&lines, SELECT) {
            Ok(n) => read += n,
            Err(e) => panic!("{e}"),
        }
    }
    // The generator must give the fast path plenty to read, not only what it leaves alone.
    assert!(read > 2_000, "the fast path read only {read} lines");
}

/// Records (or errors) of a whole file, as text for comparison.
fn read(data: &[u8], select: Option<&'static [&'static str]>) -> Vec<String> {
    let reader = JsonReader::new(
        Arc::from("t.json"),
        Box::new(Cursor::new(data.to_vec())),
        select,
    );
    reader
        .map(|r| match r {
            Ok(rec) => {
                let kept: Vec<_> = rec
                    .obj
                    .props
                    .iter()
                    .filter(|(k, _)| {
                        SELECT.iter().any(|n| n.eq_ignore_ascii_case(k))
                            || k.eq_ignore_ascii_case("value")
                            || k.eq_ignore_ascii_case("Count")
                    })
                    .collect();
                format!("{} {kept:?}", rec.index)
            }
            Err(e) => format!("error {e}"),
        })
        .collect()
}

#[test]
fn files_read_alike_with_and_without_the_fast_path() {
    let mut rng = Rng(0x0dd_ba11_cafe_f00d);
    for _ in 0..2_000 {
        let mut file = Vec::new();
        for _ in 0..(1 + rng.next() % 6) {
            let r = record(&mut rng);
            if rng.next() % 4 == 0 {
                file.extend_from_slice(&damage(&mut rng, &r));
            } else {
                file.extend_from_slice(r.as_bytes());
            }
            file.push(b'\n');
        }
        let all = read(&file, None);
        let selected = read(&file, Some(SELECT));
        // Errors may be worded alike only when both readers failed on the same record; values
        // must match wherever both read a record.
        assert_eq!(
            all.len(),
            selected.len(),
            "{}",
            String::from_utf8_lossy(&file)
        );
        for (a, s) in all.iter().zip(&selected) {
            if !a.starts_with("error") && !s.starts_with("error") {
                assert_eq!(a, s, "{}", String::from_utf8_lossy(&file));
            }
        }
    }
}

#[test]
fn a_typical_export_line_is_read_by_the_fast_path_alike() {
    let line = br#"{"SamAccountName":"user0","AudioVideoDisabled":false,"DisplayName":"O\u0027Brien \"Bob\"","HomeServer":"CN=Lc Services,CN=Microsoft","SipAddress":"sip:user0@contoso.com","Enabled":true,"N":42,"Tags":["a","b"],"WhenChanged":"2021-08-23T22:06:07.0000000+00:00"}"#;
    let mut two = line.to_vec();
    two.push(b'\n');
    two.extend_from_slice(line);
    assert_eq!(agrees(&two, SELECT).unwrap(), 2);
    let recs = read(&two, Some(SELECT));
    assert_eq!(recs.len(), 2);
    assert!(recs[1].contains("O'Brien \\\"Bob\\\""), "{}", recs[1]);
}

#[path = "../fuzz/harness.rs"]
#[allow(unused)]
mod harness;

/// Batches filled in place from the read buffer (`InputFile::fill`, what the streaming audits
/// read through) give exactly what reading record by record gives, around everything that makes
/// the line-at-a-time path stop and hand over: blank and white-space lines, CRLF, a byte-order
/// mark between records, the 5.1 wrapper on one line, values serde_json must read (floats,
/// surrogates), broken and non-object lines, a record over several lines, a last line without
/// its newline, and records of other shapes before each (the memory read into is reused).
#[test]
fn batches_filled_in_place_hold_what_reading_one_by_one_gives() {
    static SELECT: &[&str] = &["Id", "Name", "When"];
    let lines = [
        r#"{"Id":1,"Name":"plain","Other":[1,2],"When":"2026-08-01T07:12:44.0000000+00:00"}"#,
        r#"{"Name":"esc\"aped\\n\u00e9","Id":2}"#,
        "",
        "   ",
        "{\"Id\":3,\"Name\":\"crlf\"}\r",
        "\u{feff}{\"Id\":4,\"Name\":\"after a BOM\"}",
        r#"{"value":[{"Id":5},{"Id":6}],"Count":2}"#,
        r#"{"Id":7.5,"Name":"a float"}"#,
        r#"{"Id":8,"Name":"bad \ud800 surrogate"}"#,
        r#"{"Id": nope}"#,
        r#"[1,2]"#,
        r#""text""#,
        "{\"Id\":9,\n\"Name\":\"two lines\"}",
        r#"{"Id":10,"Name":"trailing"} x"#,
        r#"{"Id":11,"name":"twice","NAME":"last wins"}"#,
        r#"{}"#,
        r#"  {"Id":12,"Name":"indented"}   "#,
        r#"{"Id":13,"Name":["a","b"],"When":null}"#,
    ];
    let mut text = String::new();
    for round in 0..40 {
        for i in 0..lines.len() {
            text.push_str(lines[(i * 5 + round) % lines.len()]);
            text.push('\n');
        }
    }
    // The error a stray `}` makes names its line: every line before it must have been counted.
    let with_stray = format!("{text}\n\n}}\n{{\"Id\":15}}\n");
    text.push_str(r#"{"Id":14,"Name":"no newline at the end"}"#);
    for max in [1, 2, 5, 64, 2048] {
        harness::fill_agrees(text.as_bytes(), SELECT, max);
        harness::fill_agrees(with_stray.as_bytes(), SELECT, max);
    }
    // And as a JSON array, which is read element by element.
    let array = format!(
        "[{}]",
        lines
            .iter()
            .filter(|l| l.trim_start().starts_with('{') && !l.contains('\u{feff}'))
            .cloned()
            .collect::<Vec<_>>()
            .join(",\n")
    );
    for max in [1, 7, 2048] {
        harness::fill_agrees(array.as_bytes(), SELECT, max);
    }
}
