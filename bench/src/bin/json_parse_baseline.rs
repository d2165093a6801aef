//! The yardstick for the entitlement benchmark: a plain serde_json parse of the same file.
//! `value` builds a serde_json::Value (what a naive tool does: the whole array in memory);
//! `skim` only validates (IgnoredAny), the lower bound for any JSON reader.
//!
//! cargo run --release -p licenseaudit-bench --bin json_parse_baseline -- value|skim FILE
//! Built on its own (-p), so serde_json has its default features (no preserve_order).

use std::io::BufReader;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, path) = (&args[1], &args[2]);
    match mode.as_str() {
        "value" => {
            // The usual way: read the file, parse it whole.
            let bytes = std::fs::read(path).expect("read");
            let v: serde_json::Value = serde_json::from_slice(&bytes).expect("parse");
            println!("{} records", v.as_array().map(|a| a.len()).unwrap_or(1));
        }
        "skim" => {
            let reader =
                BufReader::with_capacity(256 * 1024, std::fs::File::open(path).expect("open"));
            let _: serde::de::IgnoredAny = serde_json::from_reader(reader).expect("parse");
            println!("parsed");
        }
        other => panic!("mode {other}: use value or skim"),
    }
}
