//! The parse floor every audit benchmark is measured against: serde_json reads the file and keeps
//! nothing (`IgnoredAny`). NDJSON goes a line at a time through one reused buffer and is parsed
//! from the slice; any other JSON through serde_json's streaming reader. No audit can read the
//! same input faster, so `audit time / floor time` on the same file says what the audit costs
//! beyond reading. Prints the number of JSON values read.
//!
//! cargo run --release -p licenseaudit-bench --bin parsefloor -- FILE
//! (Built on its own, so serde_json has its default features.)

use serde::de::IgnoredAny;
use std::io::{BufRead, BufReader};

fn main() {
    let path = std::env::args().nth(1).expect("usage: parsefloor FILE");
    let mut input = BufReader::with_capacity(1 << 20, std::fs::File::open(&path).expect("open"));
    // A file that starts with an object is NDJSON (or one object); an array is one value.
    let ndjson = input.fill_buf().expect("read").first() == Some(&b'{');
    let mut values = 0u64;
    if ndjson {
        let mut line = Vec::with_capacity(1 << 16);
        while input.read_until(b'\n', &mut line).expect("read") > 0 {
            if line.iter().any(|b| !b.is_ascii_whitespace()) {
                serde_json::from_slice::<IgnoredAny>(&line).expect("valid JSON");
                values += 1;
            }
            line.clear();
        }
    } else {
        for v in serde_json::Deserializer::from_reader(input).into_iter::<IgnoredAny>() {
            v.expect("valid JSON");
            values += 1;
        }
    }
    println!("{values}");
}
