//! How results leave the binary: CSV cells a spreadsheet would run are defused, an --output file
//! is complete or absent, the same inputs give the same bytes, a closed pipe ends quietly, the
//! terminal bar redraws in place, and a password never shows up anywhere.

mod util;
use std::io::Read;
use std::process::{Command, Stdio};
use util::{repo_path, run, run_with_env};

const AS_OF: &str = "2026-11-01T00:00:00Z";

fn estate(users: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("users.json"), users).unwrap();
    std::fs::write(
        d.path().join("conferencing-policies.json"),
        r#"[{"Identity":"Global","AllowIPAudio":false,"AllowIPVideo":false,"EnableDialInConferencing":false,"EnableAppDesktopSharing":"None","AllowUserToScheduleMeetingsWithAppSharing":false}]"#,
    )
    .unwrap();
    d
}

#[test]
fn csv_cells_that_start_a_formula_are_written_as_text() {
    let users = r#"[
 {"SipAddress":"sip:a@contoso.com","Enabled":true,"DisplayName":"=HYPERLINK(\"http://evil.example/\",\"click\")"},
 {"SipAddress":"sip:b@contoso.com","Enabled":true,"DisplayName":"+1 (555) 0100"},
 {"SipAddress":"sip:c@contoso.com","Enabled":true,"DisplayName":"@SUM(A1)"},
 {"SipAddress":"sip:d@contoso.com","Enabled":true,"DisplayName":"-2+3"},
 {"SipAddress":"sip:e@contoso.com","Enabled":true,"DisplayName":"\tTabbed"},
 {"SipAddress":"sip:f@contoso.com","Enabled":true,"DisplayName":"Plain Name"}
]"#;
    let d = estate(users);
    let dir = d.path().to_str().unwrap();
    let r = run(&["lync", "entitlement", "--estate", dir, "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut rows = csv::Reader::from_reader(r.stdout.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let col = headers.iter().position(|h| h == "DisplayName").unwrap();
    let names: Vec<String> = rows
        .records()
        .map(|r| r.unwrap()[col].to_string())
        .collect();
    assert_eq!(
        names,
        vec![
            "'=HYPERLINK(\"http://evil.example/\",\"click\")",
            "'+1 (555) 0100",
            "'@SUM(A1)",
            "'-2+3",
            "'\tTabbed",
            "Plain Name",
        ]
    );
    // JSON keeps the value as it is: only the spreadsheet format needs defusing.
    let j = run(&["lync", "entitlement", "--estate", dir, "--format", "ndjson"]);
    assert!(
        j.stdout.contains(r#""DisplayName":"=HYPERLINK("#),
        "{}",
        j.stdout
    );
}

#[test]
fn an_output_file_is_complete_or_absent() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("result.ndjson");
    // A run that fails (a fatal input error after the output was opened) leaves nothing.
    let bad = d.path().join("users.json");
    std::fs::write(
        &bad,
        r#"[{"SipAddress":"sip:a@contoso.com","Enabled":true},"#,
    )
    .unwrap();
    let policies = repo_path("examples/contoso/conferencing-policies.json");
    let pools = repo_path("examples/contoso/pools.xml");
    let r = run(&[
        "lync",
        "entitlement",
        "--users",
        bad.to_str().unwrap(),
        "--conferencing-policies",
        &policies,
        "--pools",
        &pools,
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let left: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        vec!["users.json".to_string()],
        "no result and no partial file"
    );

    // A good run writes the file under its name, and nothing else.
    let r = run(&[
        "lync",
        "entitlement",
        "--estate",
        &repo_path("examples/contoso"),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.lines().count() > 5 && text.ends_with('\n'));
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 2);
}

/// A device or pipe given as --output is written as it is, never replaced by a renamed
/// temporary file (as root, `--output /dev/null` used to turn /dev/null into a regular file).
#[cfg(unix)]
#[test]
fn an_output_that_is_a_pipe_is_written_in_place_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("results.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let contoso = repo_path("examples/contoso");
    for (args, first_line) in [
        (
            vec!["lync", "entitlement", "--estate", &contoso],
            "{\"RecordType\":",
        ),
        (vec!["schema", "LyncUserCal"], "{"),
    ] {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        let mut args = args.clone();
        args.extend(["--output", fifo.to_str().unwrap()]);
        let r = run(&args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "{args:?} replaced the pipe with {kind:?}");
        // The writer has closed the pipe, so the reader has the whole output.
        let text = reader.join().unwrap();
        assert!(text.lines().count() > 5, "{args:?}: {text}");
        assert!(text.starts_with(first_line), "{args:?}: {text}");
    }
    assert_eq!(
        std::fs::read_dir(d.path()).unwrap().count(),
        1,
        "no partial file"
    );
}

#[test]
fn the_same_inputs_give_byte_identical_output() {
    let contoso = repo_path("examples/contoso");
    let ual = |f: &str| repo_path(&format!("examples/ual/{f}"));
    let runs: Vec<Vec<String>> = vec![
        vec!["lync", "entitlement", "--estate", &contoso, "--summary"],
        vec!["lync", "policies", "--estate", &contoso],
        vec![
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
    ]
    .into_iter()
    .map(|v| v.into_iter().map(String::from).collect())
    .collect();
    for args in runs {
        for format in ["ndjson", "csv"] {
            let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
            a.extend(["--format", format, "--as-of", AS_OF]);
            let first = run(&a);
            let second = run(&a);
            assert_eq!(first.code, 0, "{a:?}: {}", first.stderr);
            assert!(!first.stdout.is_empty());
            assert_eq!(first.stdout, second.stdout, "{a:?} differs between runs");
        }
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    // Far more output than a pipe holds, so the binary is still writing when the pipe closes.
    let users: Vec<String> = (0..20_000)
        .map(|i| format!(r#"{{"SipAddress":"sip:user{i}@contoso.com","Enabled":true}}"#))
        .collect();
    let d = estate(&format!("[{}]", users.join(",")));
    let mut child = Command::new(env!("CARGO_BIN_EXE_license-audit"))
        .args([
            "lync",
            "entitlement",
            "--estate",
            d.path().to_str().unwrap(),
        ])
        .args(["--format", "ndjson", "--as-of", AS_OF])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe, as `| Select-Object -First 1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = Vec::new();
    let mut byte = [0u8; 1];
    while stdout.read_exact(&mut byte).is_ok() && byte[0] != b'\n' {
        first.push(byte[0]);
    }
    assert!(String::from_utf8_lossy(&first).contains("LyncUserCal"));
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_terminal_bar_redraws_in_place_and_is_cleared() {
    // `script` gives the binary a terminal; without it there is nothing to draw on.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let log = d.path().join("typescript");
    let out = d.path().join("out.ndjson");
    let cmd = format!(
        "{} lync entitlement --estate {} --progress bar --output {}",
        env!("CARGO_BIN_EXE_license-audit"),
        repo_path("examples/contoso"),
        out.display()
    );
    let status = Command::new("script")
        .args(["-qec", &cmd, log.to_str().unwrap()])
        // script runs the command through $SHELL: a plain shell reads no profile.
        .env("SHELL", "/bin/sh")
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&log).unwrap();
    // What the program wrote to the terminal: the lines holding real escape characters (script
    // may also log a caret-notation echo such as "^[[2K", which is not what was drawn).
    let drawn: Vec<&str> = text
        .lines()
        .filter(|l| l.contains('\x1b') && l.contains("Classifying Lync"))
        .collect();
    assert_eq!(
        drawn.len(),
        1,
        "one line redrawn in place, not a line per update: {drawn:?}"
    );
    let line = drawn[0];
    assert!(
        line.contains("Classifying Lync users") && line.contains("Classifying Lync devices"),
        "every activity drew on that one line: {line:?}"
    );
    assert!(
        line.contains("\r\x1b[2K"),
        "redrawn with carriage return and line clear"
    );
    assert!(
        line.trim_end().ends_with("\x1b[2K"),
        "cleared at the end: {line:?}"
    );
}

#[test]
fn a_password_appears_in_no_output_error_or_progress() {
    let secret = "Pa55-w0rd-never-shown";
    // A login against a port where no SQL Server listens: the error must not carry the secret.
    let r = run_with_env(
        &[
            "lync",
            "usage",
            "--server",
            "127.0.0.1,1",
            "--user",
            "audit",
            "--encrypt",
            "off",
            "--connect-timeout",
            "2",
            "--progress",
            "json",
            "--error-format",
            "json",
        ],
        None,
        &[("LICENSEAUDIT_SQL_PASSWORD", secret)],
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(!r.stdout.contains(secret) && !r.stderr.contains(secret));
    // Nor does an audit that succeeds echo the environment.
    let r = run_with_env(
        &[
            "lync",
            "entitlement",
            "--estate",
            &repo_path("examples/contoso"),
            "--progress",
            "json",
            "--format",
            "csv",
        ],
        None,
        &[("LICENSEAUDIT_SQL_PASSWORD", secret)],
    );
    assert_eq!(r.code, 0);
    assert!(!r.stdout.contains(secret) && !r.stderr.contains(secret));
}
