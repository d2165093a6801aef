//! No output of the example estates says `-0` (review of issue #24): Rust's `f64` sum of nothing
//! is `-0.0`, so a user whose recommendation frees nothing used to carry `"YearlySaving":-0.0`,
//! which an admin reads as a loss. Each money and fractional figure is normalised where it is
//! computed (`model::money`); this runs the audits that write them, in JSON and CSV, and looks
//! at every field.

mod util;
use util::{repo_path, run};

/// A field that is a negative zero: `-0`, `-0.0`, `-0.00`, as JSON or CSV writes it.
fn negative_zeros(text: &str) -> Vec<String> {
    text.split(|c: char| matches!(c, ',' | ':' | '[' | ']' | '{' | '}' | '\n' | '"' | ' '))
        .filter(|field| {
            field.strip_prefix("-0").is_some_and(|rest| {
                rest.is_empty() || (rest.starts_with('.') && rest[1..].chars().all(|c| c == '0'))
            })
        })
        .map(str::to_string)
        .collect()
}

fn example(rel: &str) -> String {
    repo_path(&format!("examples/{rel}"))
}

/// The example-estate audits that write money or fractional figures.
fn audits() -> Vec<(&'static str, Vec<String>)> {
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        (
            "lync rightsize",
            args(&[
                "lync",
                "rightsize",
                "--configured",
                &example("records/lync-entitlement.ndjson"),
                "--usage",
                &example("rightsizing/usage.ndjson"),
                "--licensed",
                &example("rightsizing/licensed.csv"),
                "--prices",
                &example("rightsizing/prices.csv"),
                "--summary",
            ]),
        ),
        (
            "teams assignments",
            args(&[
                "teams",
                "assignments",
                "--estate",
                &example("teams"),
                "--m365-licenses",
                &example("m365/m365-licenses.json"),
                "--subscribed-skus",
                &example("m365/m365-subscribed-skus.json"),
            ]),
        ),
        (
            "ual compliance",
            args(&[
                "ual",
                "compliance",
                "--evidence",
                &example("ual/ual-user-access.json"),
                &example("ual/ual-device-access.json"),
                "--systems",
                &example("ual/ual-system-id.json"),
                "--licenses",
                &example("ual/licenses.csv"),
                "--as-of",
                "2026-11-01T00:00:00Z",
            ]),
        ),
    ]
}

#[test]
fn the_detector_sees_negative_zeros_and_nothing_else() {
    assert_eq!(
        negative_zeros("{\"YearlySaving\":-0.0,\"A\":-0.5,\"B\":-10}\nx,-0,-0.00,0.0"),
        vec!["-0.0", "-0", "-0.00"]
    );
}

#[test]
fn no_example_output_writes_minus_zero() {
    let mut money_fields = 0;
    for (name, args) in audits() {
        for format in ["ndjson", "csv"] {
            let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
            a.extend(["--format", format]);
            let r = run(&a);
            assert!(
                r.code == 0 || r.code == 5,
                "{name} --format {format}: exit {}: {}",
                r.code,
                r.stderr
            );
            assert!(!r.stdout.trim().is_empty(), "{name} --format {format}");
            let found = negative_zeros(&r.stdout);
            assert!(
                found.is_empty(),
                "{name} --format {format} writes {found:?}:\n{}",
                r.stdout
            );
            money_fields += ["YearlySaving", "MonthlyWaste"]
                .iter()
                .filter(|f| r.stdout.contains(*f))
                .count();
        }
    }
    // Not vacuous: the money fields were written, in both formats.
    assert!(money_fields >= 4, "{money_fields}");
}

#[test]
fn a_user_who_frees_nothing_saves_zero_not_minus_zero() {
    let r = run(&[
        "lync",
        "rightsize",
        "--configured",
        &example("records/lync-entitlement.ndjson"),
        "--usage",
        &example("rightsizing/usage.ndjson"),
        "--licensed",
        &example("rightsizing/licensed.csv"),
        "--prices",
        &example("rightsizing/prices.csv"),
        "--format",
        "ndjson",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let recs = r.records_of("LyncCalRightSizing");
    let alice = recs
        .iter()
        .find(|x| x["SipAddress"] == "sip:alice@contoso.com")
        .expect("alice");
    assert_eq!(alice["Recommendation"], "Unchanged");
    assert_eq!(alice["YearlySaving"].to_string(), "0.0", "{alice:#}");
    assert_eq!(alice["YearlyExposure"].to_string(), "0.0", "{alice:#}");
}

/// The committed example records (what README's example workbook reads) hold no `-0` either.
#[test]
fn the_example_records_hold_no_minus_zero() {
    let dir = repo_path("examples/records");
    let mut files = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let found = negative_zeros(&text);
        assert!(found.is_empty(), "{}: {found:?}", path.display());
        files += 1;
    }
    assert!(files >= 5, "{files} files in {dir}");
}
