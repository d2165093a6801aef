//! Records of hundreds of thousands of properties, in every dialect: read in time linear in
//! their width (a map of the names once a record is wide), not quadratic. A scan per property
//! took minutes for 320,000 CSV columns, 200,000 JSON keys or 100,000 Format-List lines.
//!
//! No timing is asserted: each case runs on its own thread and must finish, with the expected
//! records, within a generous bound that only a quadratic reader would miss.

mod common;
use common::*;
use license_audit_ingest::{open_input_selecting, PsValue, Record};
use license_audit_model::InputError;
use std::time::Duration;

const BOUND: Duration = Duration::from_secs(30);

fn within_bound<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(BOUND)
        .unwrap_or_else(|_| panic!("{what} was not read within {BOUND:?}"))
}

fn only_record(res: Vec<Result<Record, InputError>>) -> Record {
    assert_eq!(res.len(), 1, "one record");
    res.into_iter().next().unwrap().unwrap()
}

fn text(r: &Record, name: &str) -> String {
    r.req_str(name).unwrap()
}

#[test]
fn a_csv_of_320000_columns() {
    let n = 320_000;
    let rec = within_bound("320,000 CSV columns", move || {
        let mut csv = (0..n)
            .map(|i| format!("C{i}"))
            .collect::<Vec<_>>()
            .join(",");
        csv.push('\n');
        csv.push_str(
            &(0..n)
                .map(|i| format!("v{i}"))
                .collect::<Vec<_>>()
                .join(","),
        );
        csv.push('\n');
        only_record(results_of("wide.csv", csv.into_bytes()))
    });
    assert_eq!(rec.obj.props.len(), n);
    assert_eq!(text(&rec, "c319999"), "v319999");
}

#[test]
fn a_csv_header_of_320000_columns_naming_one_twice_is_refused() {
    let e = within_bound("320,000 CSV columns", || {
        let mut csv = (0..320_000)
            .map(|i| format!("C{i}"))
            .collect::<Vec<_>>()
            .join(",");
        csv.push_str(",c5\nx\n");
        results_of("wide.csv", csv.into_bytes())
            .into_iter()
            .next()
            .unwrap()
            .unwrap_err()
    });
    assert!(e.message.contains("names column 'c5' twice"), "{e}");
}

fn wide_json(n: usize) -> String {
    // Keys of one spelling, then the first again in another case: its first place, last value.
    let mut json = String::from("{");
    for i in 0..n {
        json.push_str(&format!("\"Key{i}\":{i},"));
    }
    json.push_str("\"KEY0\":\"last\"}");
    json
}

#[test]
fn a_json_object_of_200000_keys() {
    let n = 200_000;
    let rec = within_bound("200,000 JSON keys", move || {
        only_record(results_of("wide.json", wide_json(n).into_bytes()))
    });
    assert_eq!(rec.obj.props.len(), n);
    assert_eq!(rec.obj.props[0].0.as_str(), "Key0");
    assert_eq!(rec.get("key0"), Some(&PsValue::Str("last".into())));
    assert_eq!(rec.get("Key199999"), Some(&PsValue::Int(199_999)));
}

#[test]
fn a_json_object_of_200000_keys_read_for_a_few_of_them() {
    let dir = TempDir::new();
    let file = dir.path().join("wide.json");
    std::fs::write(&file, format!("[{}]", wide_json(200_000))).unwrap();
    let file = file.to_string_lossy().into_owned();
    static NAMES: &[&str] = &["Key0", "Key150000"];
    let rec = within_bound("200,000 JSON keys", move || {
        only_record(
            open_input_selecting(&file, Some(NAMES))
                .unwrap()
                .collect::<Vec<_>>(),
        )
    });
    assert_eq!(rec.get("Key0"), Some(&PsValue::Str("last".into())));
    assert_eq!(rec.get("Key150000"), Some(&PsValue::Int(150_000)));
}

#[test]
fn format_list_text_of_100000_properties() {
    let n = 100_000;
    let rec = within_bound("100,000 Format-List properties", move || {
        let mut text = String::from("\r\n");
        for i in 0..n {
            text.push_str(&format!("Property{i:06} : value {i}\r\n"));
        }
        text.push_str("\r\n");
        only_record(results_of("wide.txt", text.into_bytes()))
    });
    assert_eq!(rec.obj.props.len(), n);
    assert_eq!(text(&rec, "property099999"), "value 99999");
}

#[test]
fn a_clixml_object_of_100000_properties() {
    let n = 100_000;
    let rec = within_bound("100,000 CLIXML properties", move || {
        let mut xml = String::from(
            r#"<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj RefId="0"><MS>"#,
        );
        for i in 0..n {
            xml.push_str(&format!(r#"<S N="P{i}">v{i}</S>"#));
        }
        xml.push_str(r#"<S N="p0">again</S></MS></Obj></Objs>"#);
        only_record(results_of("wide.xml", xml.into_bytes()))
    });
    assert_eq!(rec.obj.props.len(), n);
    assert_eq!(text(&rec, "P0"), "again");
    assert_eq!(text(&rec, "p99999"), "v99999");
}
