//! Every command of the list of audits (`app::audits::AUDITS`) runs the example its entry names,
//! on the bundled examples (and, for `lync usage`, against the TDS test server), and writes
//! exactly the record types the entry declares. Every record type written is known to
//! `schema --list` and has a table view in LicenseAudit.Format.ps1xml — judged from what the
//! commands really emit, not from the registry itself. The reverse holds too: every output type
//! `schema --list` names is written by some command here (LicenseAuditRun by `--history`), so
//! the list cannot keep a type no command writes.

#[path = "support/tds.rs"]
mod tds;
mod util;

use license_audit::app::audits::{Audit, AUDITS};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use util::{fixture, repo_path, run, run_in};

const AS_OF: &str = "2026-11-01T00:00:00Z";
/// The login of the TDS test server (`tds::Options::default()`), as the list's `{server}` says.
const SQL_PASSWORD: (&str, &str) = ("LICENSEAUDIT_SQL_PASSWORD", "S3cret!pass");

/// What the list's examples stand on: a temporary folder, run files kept with `--history`, and
/// the TDS test server (started only when an example names it).
struct Ground {
    temp: tempfile::TempDir,
    server: Option<tds::TdsTestServer>,
}

impl Ground {
    fn new() -> Ground {
        Ground {
            temp: tempfile::tempdir().expect("temp dir"),
            server: None,
        }
    }

    fn runs(&self) -> PathBuf {
        self.temp.path().join("runs")
    }

    /// The example's words with `{temp}`, `{runs}` and `{server}` filled in.
    fn args(&mut self, audit: &Audit) -> Vec<String> {
        let mut args = Vec::new();
        for word in audit.example {
            let mut word = word.replace("{temp}", &utf8(self.temp.path()));
            word = word.replace("{runs}", &utf8(&self.runs()));
            if word.contains("{server}") {
                let server = self.server.get_or_insert_with(start_tds_server);
                word = word.replace("{server}", &format!("127.0.0.1,{}", server.addr.port()));
            }
            args.push(word);
        }
        args
    }
}

fn utf8(p: &Path) -> String {
    p.to_str().expect("utf-8 path").to_string()
}

fn start_tds_server() -> tds::TdsTestServer {
    let dbs = tds::load_databases(Path::new(&fixture("lcscdr/lync2013"))).expect("fixture");
    tds::start(tds::Options::default(), dbs)
}

/// Two runs of `lync entitlement` kept with `--history` (the `{runs}` of the list), and the
/// record types of the run files they wrote.
fn keep_two_runs(runs: &Path) -> BTreeSet<String> {
    let contoso = repo_path("examples/contoso");
    for as_of in ["2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z"] {
        let r = run(&[
            "lync",
            "entitlement",
            "--estate",
            &contoso,
            "--summary",
            "--history",
            &utf8(runs),
            "--as-of",
            as_of,
            "--output",
            "/dev/null",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    std::fs::read_dir(runs)
        .expect("run files")
        .map(|f| {
            let text = std::fs::read_to_string(f.expect("entry").path()).expect("read");
            let v: serde_json::Value = serde_json::from_str(&text).expect("a run file is JSON");
            v["RecordType"].as_str().expect("RecordType").to_string()
        })
        .collect()
}

/// Runs the entry's example from the repository root and checks it writes exactly the record
/// types the entry declares (text, and no records, for an entry that declares none).
fn emitted_by(audit: &Audit, ground: &mut Ground) -> BTreeSet<String> {
    let words = audit.command.join(" ");
    assert!(
        audit.example.starts_with(audit.command),
        "the example of `{words}` runs another command: {:?}",
        audit.example
    );
    let mut args = ground.args(audit);
    args.extend(["--format", "ndjson", "--as-of", AS_OF].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = if audit.example.contains(&"{server}") {
        vec![SQL_PASSWORD]
    } else {
        Vec::new()
    };
    let root = repo_path("");
    let r = run_in(Some(Path::new(&root)), &args, None, &env);
    assert!(
        r.code == 0 || r.code == 5,
        "{args:?} failed ({}): {}",
        r.code,
        r.stderr
    );
    let declared: BTreeSet<String> = audit.records.iter().map(|t| t.to_string()).collect();
    if declared.is_empty() {
        assert!(!r.stdout.is_empty(), "`{words}` wrote nothing");
        assert!(
            !r.stdout.contains("\"RecordType\""),
            "`{words}` declares no record types but wrote records"
        );
        return declared;
    }
    let emitted: BTreeSet<String> = r
        .records()
        .iter()
        .map(|rec| rec["RecordType"].as_str().expect("RecordType").to_string())
        .collect();
    assert_eq!(
        emitted, declared,
        "`{words}`: the record types its example wrote, and those its entry in AUDITS declares"
    );
    emitted
}

#[test]
fn every_command_writes_the_record_types_it_declares_each_listed_and_with_a_view() {
    let mut ground = Ground::new();
    let mut emitted = keep_two_runs(&ground.runs());
    assert!(AUDITS.len() >= 14, "the list has every command");
    for audit in AUDITS {
        emitted.extend(emitted_by(audit, &mut ground));
    }
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
