//! Every record type a command writes is known to `schema --list` and has a table view in
//! LicenseAudit.Format.ps1xml — judged from what the commands really emit on the bundled
//! examples (and, for `lync usage`, against the TDS test server), not from the registry itself.
//! The reverse holds too: every output type `schema --list` names is written by some command
//! here, so the list cannot keep a type no command writes.

#[path = "support/tds.rs"]
mod tds;
mod util;

use std::collections::BTreeSet;
use util::{fixture, repo_path, run, run_with_env};

const AS_OF: &str = "2026-11-01T00:00:00Z";

fn emitted_by(args: &[&str], env: &[(&str, &str)]) -> BTreeSet<String> {
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["--format", "ndjson", "--as-of", AS_OF]);
    let r = run_with_env(&full, None, env);
    assert!(
        r.code == 0 || r.code == 5,
        "{args:?} failed ({}): {}",
        r.code,
        r.stderr
    );
    let types: BTreeSet<String> = r
        .records()
        .iter()
        .map(|rec| rec["RecordType"].as_str().expect("RecordType").to_string())
        .collect();
    assert!(!types.is_empty(), "{args:?} wrote no records");
    types
}

fn all_emitted() -> BTreeSet<String> {
    let contoso = repo_path("examples/contoso");
    let licensed = repo_path("examples/contoso/licensed.csv");
    let owned = repo_path("examples/contoso/owned-cals.csv");
    let ual = |f: &str| repo_path(&format!("examples/ual/{f}"));
    let mut all = BTreeSet::new();
    all.extend(emitted_by(
        &[
            "lync",
            "entitlement",
            "--estate",
            &contoso,
            "--summary",
            "--owned-file",
            &owned,
        ],
        &[],
    ));
    all.extend(emitted_by(&["lync", "policies", "--estate", &contoso], &[]));
    all.extend(emitted_by(
        &[
            "lync",
            "plan",
            "--estate",
            &contoso,
            "--licensed",
            &licensed,
            "--default-tier",
            "standard",
            "--tier-policy",
            "Standard=Tag:STD_CAL_NoConferencing",
            "--tier-policy",
            "Enterprise=Tag:ENT_CAL_REC_AudioVideo",
            "--all",
        ],
        &[],
    ));
    all.extend(emitted_by(&["lync", "template"], &[]));
    all.extend(emitted_by(
        &[
            "ual",
            "compliance",
            "--evidence",
            &ual("ual-user-access.json"),
            &ual("ual-device-access.json"),
            &ual("flexnet-evidence.csv"),
            "--systems",
            &ual("ual-system-id.json"),
            "--licenses",
            &ual("licenses.csv"),
            "--emit-evidence",
        ],
        &[],
    ));
    all.extend(emitted_by(&["inspect", &ual("licenses.csv")], &[]));
    // UC licence counting on the bundled, hand-counted estate (users, devices, a meeting room,
    // orphan service records and the totals).
    all.extend(emitted_by(
        &["uc", "count", "--estate", &repo_path("examples/uc")],
        &[],
    ));
    // The Teams licence ↔ configuration audit on the bundled example tenant.
    all.extend(emitted_by(
        &[
            "teams",
            "assignments",
            "--estate",
            &repo_path("examples/teams"),
        ],
        &[],
    ));

    // The deliverables, from the committed example records.
    let records = |f: &str| repo_path(&format!("examples/records/{f}"));
    let rightsizing = |f: &str| repo_path(&format!("examples/rightsizing/{f}"));
    all.extend(emitted_by(
        &[
            "lync",
            "rightsize",
            "--configured",
            &records("lync-entitlement.ndjson"),
            "--usage",
            &rightsizing("usage.ndjson"),
            "--licensed",
            &rightsizing("licensed.csv"),
            "--prices",
            &rightsizing("prices.csv"),
            "--summary",
        ],
        &[],
    ));
    let dir = tempfile::tempdir().expect("temp dir");
    let workbook = dir.path().join("audit.xlsx");
    all.extend(emitted_by(
        &[
            "report",
            &records("lync-entitlement.ndjson"),
            &records("ual-compliance.ndjson"),
            "--output",
            workbook.to_str().expect("utf-8 path"),
        ],
        &[],
    ));
    // Two runs kept with --history, then compared (the run files are LicenseAuditRun records).
    let runs = dir.path().join("runs");
    let runs_dir = runs.to_str().expect("utf-8 path");
    for as_of in ["2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z"] {
        let r = run(&[
            "lync",
            "entitlement",
            "--estate",
            &contoso,
            "--summary",
            "--history",
            runs_dir,
            "--as-of",
            as_of,
            "--output",
            "/dev/null",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    all.extend(emitted_by(&["history", runs_dir, "--all"], &[]));
    for f in std::fs::read_dir(&runs).expect("run files") {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(f.expect("entry").path()).expect("read"))
                .expect("a run file is JSON");
        all.insert(v["RecordType"].as_str().expect("RecordType").to_string());
    }

    let dbs =
        tds::load_databases(std::path::Path::new(&fixture("lcscdr/lync2013"))).expect("fixture");
    let server = tds::start(tds::Options::default(), dbs);
    let address = format!("127.0.0.1,{}", server.addr.port());
    all.extend(emitted_by(
        &[
            "lync",
            "usage",
            "--server",
            &address,
            "--user",
            "audit",
            "--encrypt",
            "off",
        ],
        &[("LICENSEAUDIT_SQL_PASSWORD", "S3cret!pass")],
    ));
    all
}

#[test]
fn every_emitted_record_type_is_in_the_schema_list_and_has_a_format_view() {
    let emitted = all_emitted();
    let list = run(&["schema", "--list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let listed_outputs: BTreeSet<String> = list
        .stdout
        .lines()
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let name = cols.next()?;
            (cols.next()? == "output").then(|| name.to_string())
        })
        .collect();
    let xml =
        std::fs::read_to_string(repo_path("LicenseAudit.Format.ps1xml")).expect("format file");
    for t in &emitted {
        assert!(
            listed_outputs.contains(t),
            "{t} is written but `schema --list` does not know it"
        );
        let schema = run(&["schema", t]);
        assert_eq!(schema.code, 0, "schema {t}: {}", schema.stderr);
        assert!(
            xml.contains(&format!("<TypeName>LicenseAudit.{t}</TypeName>")),
            "{t} is written but LicenseAudit.Format.ps1xml has no view for it"
        );
    }
    let never: Vec<&String> = listed_outputs.difference(&emitted).collect();
    assert!(
        never.is_empty(),
        "`schema --list` names output types no command wrote on the examples: {never:?}"
    );
}
