//! Owned Lync CALs as counts (issue #25 item 5): `lync entitlement --owned` / `--owned-file`
//! give a LyncCalPosition per tier in every format and the workbook, with clear refusals of bad
//! counts and the shortfall exit.

mod util;
use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;
use util::{repo_path, run};

const TIERS: [&str; 3] = ["Standard", "Enterprise", "Plus"];

fn entitlement(extra: &[&str]) -> util::Run {
    entitlement_as("ndjson", extra)
}

fn entitlement_as(format: &str, extra: &[&str]) -> util::Run {
    let contoso = repo_path("examples/contoso");
    let mut args = vec![
        "lync",
        "entitlement",
        "--estate",
        &contoso,
        "--summary-only",
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn owned_file() -> String {
    repo_path("examples/contoso/owned-cals.csv")
}

/// Quantities per tier of a Tier,Quantity CSV, read here independently of the engine.
fn file_quantities(path: &str) -> [u64; 3] {
    let mut q = [0u64; 3];
    for line in std::fs::read_to_string(path).unwrap().lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let i = TIERS.iter().position(|t| *t == cells[0]).unwrap();
        q[i] += cells[1].parse::<u64>().unwrap();
    }
    q
}

fn positions(r: &util::Run) -> Vec<Value> {
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.records_of("LyncCalPosition")
}

/// Required is the summary's count of the tier (Enterprise and Plus users are in Standard too);
/// Shortfall and Surplus are the differences with what the file owns.
#[test]
fn the_owned_file_gives_required_owned_shortfall_per_tier_in_order() {
    let r = entitlement(&["--owned-file", &owned_file()]);
    let p = positions(&r);
    let summary = &r.records_of("LyncCalSummary")[0];
    let owned = file_quantities(&owned_file());
    assert_eq!(p.len(), 3);
    for (i, tier) in TIERS.iter().enumerate() {
        let rec = &p[i];
        assert_eq!(rec["Tier"], *tier, "deterministic order");
        let required = summary[*tier].as_u64().unwrap();
        assert_eq!(rec["Required"], required, "{tier}");
        assert_eq!(
            rec["Users"].as_u64().unwrap() + rec["Devices"].as_u64().unwrap(),
            required
        );
        assert_eq!(rec["Owned"], owned[i], "{tier}");
        assert_eq!(
            rec["Shortfall"],
            required.saturating_sub(owned[i]),
            "{tier}"
        );
        assert_eq!(rec["Surplus"], owned[i].saturating_sub(required), "{tier}");
        assert_eq!(rec["Rules"], summary["Rules"]);
        let basis = rec["Basis"].as_str().unwrap();
        assert!(basis.contains("added to a Standard CAL"), "{basis}");
        assert!(basis.contains("lync-configured.md"), "{basis}");
    }
    // Every Enterprise or Plus record also needs Standard: Standard is never below either.
    let req = |i: usize| p[i]["Required"].as_u64().unwrap();
    assert!(req(0) >= req(1) && req(0) >= req(2));
    // Enterprise under the other rule set, from the summary.
    assert_eq!(
        p[1]["RequiredUnderOtherRules"],
        summary["EnterpriseUnderOtherRules"]
    );
    // Two Plus rows (two agreements) add up, each named with its record, version and agreement.
    let from: Vec<&str> = p[2]["OwnedFrom"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(from.len(), 2, "{from:?}");
    assert!(
        from.iter()
            .all(|f| f.contains("owned-cals.csv record") && f.contains("Version")),
        "{from:?}"
    );
}

#[test]
fn owned_counts_on_the_command_line_add_to_the_file_and_suites_count_toward_their_cals() {
    let file = file_quantities(&owned_file());
    // 1,200 as an agreement writes it; a CAL suite counts toward the CALs it includes
    // (Enterprise CAL Suite: Standard and Enterprise, not Plus).
    let r = entitlement(&[
        "--owned",
        "Standard=1,200,Enterprise=400",
        "--owned",
        "Enterprise CAL Suite=3",
        "--owned-file",
        &owned_file(),
    ]);
    let p = positions(&r);
    let owned: Vec<u64> = p.iter().map(|x| x["Owned"].as_u64().unwrap()).collect();
    assert_eq!(owned, [1200 + 3 + file[0], 400 + 3 + file[1], file[2]]);
    for x in &p {
        let required = x["Required"].as_u64().unwrap();
        let owned = x["Owned"].as_u64().unwrap();
        assert_eq!(x["Surplus"], owned - required.min(owned));
        assert_eq!(x["Shortfall"], 0);
    }
    let from = p[0]["OwnedFrom"].to_string();
    assert!(from.contains("--owned: 1200 Standard"), "{from}");
    assert!(from.contains("--owned: 3 Enterprise CAL Suite"), "{from}");
}

/// Every format carries the positions: NDJSON and JSON records, CSV rows, a table.
#[test]
fn every_format_carries_the_position() {
    let file = owned_file();
    for format in ["ndjson", "json", "csv", "table"] {
        let r = entitlement_as(format, &["--owned-file", &file]);
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        match format {
            "ndjson" => assert_eq!(r.records_of("LyncCalPosition").len(), 3),
            "json" => {
                let all: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
                let tiers: Vec<&Value> = all
                    .iter()
                    .filter(|x| x["RecordType"] == "LyncCalPosition")
                    .map(|x| &x["Tier"])
                    .collect();
                assert_eq!(tiers, TIERS, "{format}");
            }
            _ => {
                let header = if format == "csv" {
                    "RecordType,Tier,Rules,Required"
                } else {
                    "Tier"
                };
                let at = r.stdout.find(header).expect(header);
                let rows: Vec<&str> = r.stdout[at..]
                    .lines()
                    .filter(|l| TIERS.iter().any(|t| l.contains(t)))
                    .take(3)
                    .collect();
                for (row, tier) in rows.iter().zip(TIERS) {
                    assert!(row.contains(tier), "{format}: {row}");
                }
                assert_eq!(rows.len(), 3, "{format}: {}", r.stdout);
            }
        }
    }
}

fn owned_csv(text: &str) -> (tempfile::TempDir, String) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("owned.csv");
    std::fs::write(&p, text).unwrap();
    let s = p.to_string_lossy().into_owned();
    (d, s)
}

/// A bad row refuses the whole file (exit 3), naming the file, the record and the field.
#[test]
fn bad_rows_are_refused_naming_file_record_and_field() {
    let cases = [
        (
            "Tier,Quantity\nStandard,10\nGold,5\n",
            "record 2",
            "'Tier'",
            "'Gold' names no CAL",
        ),
        (
            "Tier,Quantity\nStandard,-4\n",
            "record 1",
            "'Quantity'",
            "negative",
        ),
        (
            "Tier,Quantity\nPlus,\n",
            "record 1",
            "'Quantity'",
            "missing or empty",
        ),
        (
            "Tier,Quantity\nPlus,many\n",
            "record 1",
            "'Quantity'",
            "not a whole number",
        ),
        (
            "Tier,Quantity\nEnterprise+Plus,5\n",
            "record 1",
            "'Tier'",
            "more than one CAL",
        ),
        // EMS has "Enterprise" in its name and includes no Skype for Business Server CAL.
        (
            "Tier,Quantity\nStandard,20\nEnterprise Mobility + Security E3,50\n",
            "record 2",
            "'Tier'",
            "names no CAL",
        ),
        (
            "Tier,Quantity\nEnterprise Mobility + Security E5,50\n",
            "record 1",
            "'Tier'",
            "names no CAL",
        ),
        (
            "Tier,Quantity\nOffice 365 E3 (no Teams),50\n",
            "record 1",
            "'Tier'",
            "write 'Office 365 E3'",
        ),
        (
            "Tier,Quantity\nStandard,2000000001\n",
            "record 1",
            "'Quantity'",
            "beyond",
        ),
    ];
    for (text, record, field, why) in cases {
        let (_d, path) = owned_csv(text);
        let r = entitlement(&["--owned-file", &path]);
        assert_eq!(r.code, 3, "{text}: {}", r.stderr);
        for part in [path.as_str(), record, field, why] {
            assert!(
                r.stderr.contains(part),
                "{text}: {part} not in {}",
                r.stderr
            );
        }
        assert!(r.records_of("LyncCalPosition").is_empty());
    }
}

#[test]
fn bad_owned_arguments_are_refused_with_exit_2() {
    for (arg, why) in [
        ("Standard", "is not TIER=COUNT"),
        ("Gold=5", "'Gold' names no CAL"),
        ("Enterprise Mobility + Security E3=50", "names no CAL"),
        ("Enterprise Mobility + Security E5=50", "names no CAL"),
        ("Microsoft 365 E3 (no Teams)=50", "write 'Microsoft 365 E3'"),
        ("Standard=5,Standard=6", "given twice"),
        ("Plus=-1", "not a whole number"),
        ("", "no TIER=COUNT given"),
    ] {
        let r = entitlement(&["--owned", arg]);
        assert_eq!(r.code, 2, "{arg}: {}", r.stderr);
        assert!(
            r.stderr.contains("--owned") && r.stderr.contains(why),
            "{arg}: {}",
            r.stderr
        );
    }
    let r = entitlement(&["--fail-on-shortfall"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--owned"), "{}", r.stderr);
}

/// `--fail-on-shortfall`: exit 5 when a tier is short (every record still written), 0 when
/// every tier is covered.
#[test]
fn a_shortfall_exits_5_with_fail_on_shortfall() {
    let short = entitlement(&[
        "--owned",
        "Standard=0,Enterprise=0,Plus=0",
        "--fail-on-shortfall",
    ]);
    assert_eq!(short.code, 5, "{}", short.stderr);
    let total: u64 = short
        .records_of("LyncCalPosition")
        .iter()
        .map(|p| p["Shortfall"].as_u64().unwrap())
        .sum();
    assert!(total > 0);
    assert!(
        short.stderr.contains(&format!("{total} CAL(s) short")),
        "{}",
        short.stderr
    );
    let plenty = entitlement(&[
        "--owned",
        "Standard=100000,Enterprise=100000,Plus=100000",
        "--fail-on-shortfall",
    ]);
    assert_eq!(plenty.code, 0, "{}", plenty.stderr);
    assert_eq!(plenty.records_of("LyncCalPosition").len(), 3);
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// The workbook shows the position: a Lync CALs sheet (one row per tier) and the Overview's
/// required / owned / shortfall block; the workbook passes xlsx-validate.
#[test]
fn the_workbook_shows_the_position_on_the_overview_and_its_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let r = entitlement(&["--owned-file", &owned_file()]);
    let p = positions(&r);
    let records = dir.path().join("cal.ndjson");
    std::fs::write(&records, &r.stdout).unwrap();
    let out = dir.path().join("audit.xlsx");
    let rep = run(&[
        "report",
        "--output",
        &out.to_string_lossy(),
        "--as-of",
        "2026-11-01T00:00:00Z",
        &records.to_string_lossy(),
    ]);
    assert_eq!(rep.code, 0, "{}", rep.stderr);
    util::validate_workbook(&out);
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert!(wb.sheet_names().contains(&"Lync CALs".to_string()));
    let sheet: Vec<Vec<Data>> = wb
        .worksheet_range("Lync CALs")
        .unwrap()
        .rows()
        .map(|r| r.to_vec())
        .collect();
    let col = |h: &str| sheet[0].iter().position(|c| text(c) == h).unwrap();
    assert_eq!(sheet.len() - 1, 3);
    for (row, rec) in sheet[1..].iter().zip(&p) {
        assert_eq!(text(&row[col("Tier")]), rec["Tier"].as_str().unwrap());
        for f in ["Required", "Owned", "Shortfall", "Surplus"] {
            assert_eq!(text(&row[col(f)]), rec[f].to_string(), "{f}");
        }
    }
    let overview: Vec<Vec<String>> = wb
        .worksheet_range("Overview")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(text).collect())
        .collect();
    let at = overview
        .iter()
        .position(|r| r[0].starts_with("Lync / Skype for Business Server CAL position"))
        .expect("the position block");
    assert_eq!(
        overview[at + 1][..6],
        ["Tier", "Rules", "Required", "Owned", "Shortfall", "Surplus"]
    );
    for (i, rec) in p.iter().enumerate() {
        let row = &overview[at + 2 + i];
        assert_eq!(row[0], rec["Tier"].as_str().unwrap());
        assert_eq!(row[4], rec["Shortfall"].to_string());
        assert_eq!(row[6], rec["ShortfallUnderOtherRules"].to_string());
    }
    let short: u64 = p.iter().map(|x| x["Shortfall"].as_u64().unwrap()).sum();
    let short_other: u64 = p
        .iter()
        .map(|x| x["ShortfallUnderOtherRules"].as_u64().unwrap())
        .sum();
    // The example owns enough for default but not for strict: the Overview says both.
    assert!(short_other > short, "{short_other} vs {short}");
    assert!(
        overview[at + 5][0].starts_with(&format!(
            "Under the strict rule set: {short_other} Lync CAL(s) short, {} more",
            short_other - short
        )),
        "{:?}",
        overview[at + 5]
    );
    assert!(
        overview[at + 6][0].starts_with(&format!("{short} Lync CAL(s) short")),
        "{:?}",
        overview[at + 6]
    );
}
