//! What a terminal shows (issue #25 item 7): every example audit's `--format table` output fits
//! 120 columns and keeps the columns that carry its meaning (tier, policy, findings); the
//! summary is printed once.

mod util;

use unicode_width::UnicodeWidthStr;
use util::{repo_path, run};

/// The audits on the examples (as README and docs/ run them), with the headers each table must
/// show.
fn example_commands(cal: &str) -> Vec<(Vec<String>, &'static [&'static str])> {
    let e = |p: &str| repo_path(&format!("examples/{p}"));
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        (
            args(&[
                "lync",
                "entitlement",
                "--estate",
                &e("contoso"),
                "--summary",
            ]),
            &["SipAddress", "CALs", "ConferencingPolicy", "Findings"][..],
        ),
        (
            args(&["lync", "policies", "--estate", &e("contoso")]),
            &["Identity", "ImpliedCal", "Findings"],
        ),
        (
            args(&[
                "lync",
                "plan",
                "--estate",
                &e("contoso"),
                "--licensed",
                &e("contoso/licensed.csv"),
                "--tier-policy",
                "Standard=Tag:STD_CAL_NoConferencing",
                "--tier-policy",
                "Enterprise=Tag:ENT_CAL_REC_AudioVideo",
            ]),
            &["LicensedTier", "CurrentPolicy", "TargetPolicy", "Action"],
        ),
        (
            args(&[
                "lync",
                "rightsize",
                "--configured",
                cal,
                "--usage",
                &e("rightsizing/usage.ndjson"),
                "--licensed",
                &e("rightsizing/licensed.csv"),
                "--prices",
                &e("rightsizing/prices.csv"),
                "--summary",
            ]),
            &["Configured", "Used", "Licensed", "Recommendation", "Tier"],
        ),
        (
            args(&[
                "ual",
                "compliance",
                "--as-of",
                "2026-11-01T00:00:00Z",
                "--internal-domain",
                "contoso.com",
                "--evidence",
                &e("ual/ual-user-access.json"),
                &e("ual/ual-device-access.json"),
                &e("ual/flexnet-evidence.csv"),
                "--systems",
                &e("ual/ual-system-id.json"),
                "--licenses",
                &e("ual/licenses.csv"),
            ]),
            &[
                "Principal",
                "Required",
                "Owned",
                "Covered",
                "AssumedCovered",
                "Shortfall",
            ],
        ),
        (
            args(&["teams", "assignments", "--estate", &e("teams")]),
            &["UserPrincipalName", "Severity", "Code", "ReclaimablePlans"],
        ),
        (
            args(&["uc", "count", "--estate", &e("uc")]),
            &["Username", "Licensed", "Hybrid", "Users", "Standalone"],
        ),
    ]
}

#[test]
fn every_example_table_fits_120_columns_with_the_columns_that_carry_the_meaning() {
    let dir = tempfile::tempdir().unwrap();
    let cal = dir.path().join("cal.ndjson");
    let contoso = repo_path("examples/contoso");
    let r = run(&["lync", "entitlement", "--estate", &contoso, "--summary"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::write(&cal, &r.stdout).unwrap();
    for (args, headers) in example_commands(&cal.to_string_lossy()) {
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.extend(["--format", "table"]);
        let r = run(&a);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(r.stdout.lines().count() > 3, "{args:?}: {}", r.stdout);
        for line in r.stdout.lines() {
            assert!(
                line.width() <= 120,
                "{args:?}: a line of {} columns: {line}",
                line.width()
            );
        }
        let words: Vec<&str> = r.stdout.split_whitespace().collect();
        for h in headers {
            assert!(words.contains(h), "{args:?}: no column {h}:\n{}", r.stdout);
        }
    }
}

#[test]
fn the_summary_is_printed_once_with_its_colons_aligned() {
    let contoso = repo_path("examples/contoso");
    let r = run(&[
        "lync",
        "entitlement",
        "--estate",
        &contoso,
        "--summary",
        "--format",
        "table",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Not also as a LyncCalSummary table (its NeedNothing column).
    assert!(!r.stdout.contains("NeedNothing"), "{}", r.stdout);
    let block: Vec<&str> = r
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Summary ("))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert!(block.len() >= 7, "{}", r.stdout);
    let colons: Vec<usize> = block.iter().map(|l| l.find(" : ").unwrap()).collect();
    assert!(colons.iter().all(|c| *c == colons[0]), "{block:#?}");
    assert_eq!(
        r.stdout
            .lines()
            .filter(|l| l.starts_with("  Classified "))
            .count(),
        1
    );
    assert!(block.contains(&format!("  Classified{}: 15", " ".repeat(colons[0] - 11)).as_str()));
}
