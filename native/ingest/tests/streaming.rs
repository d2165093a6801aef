//! `stream_each` parses on a reader thread ahead of the audit: records still arrive in file
//! order with bad ones reported in place, an audit that stops early stops the reading (no hang on
//! a full hand-over), and a file that cannot be opened is the same error as before.

use license_audit_ingest::load::{BATCH, BATCHES_AHEAD};
use license_audit_ingest::stream_each;
use license_audit_model::sink::Collected;
use license_audit_model::InputError;

const NAMES: &[&str] = &["Id", "Name"];

fn ndjson(lines: usize, bad_every: usize) -> tempfile::NamedTempFile {
    let mut text = String::new();
    for i in 1..=lines {
        if bad_every > 0 && i % bad_every == 0 {
            text.push_str("{\"Id\": nope}\n");
        } else {
            text.push_str(&format!(
                "{{\"Id\":{i},\"Name\":\"user{i}\",\"Other\":[1,2]}}\n"
            ));
        }
    }
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), text).unwrap();
    f
}

#[test]
fn records_arrive_in_file_order_with_bad_ones_reported_in_place() {
    // More records than the reader may hold ahead, so it waits on the audit.
    let n = BATCH * (BATCHES_AHEAD + 3) + 17;
    let f = ndjson(n, 1000);
    let mut rep = Collected::default();
    let mut seen = Vec::new();
    stream_each::<_, InputError>(
        f.path().to_str().unwrap(),
        Some(NAMES),
        None,
        "test",
        &mut rep,
        |rep, r| {
            // Bad records reported so far are exactly those before this one.
            assert_eq!(rep.bad.len() as u64, r.index / 1000);
            seen.push(r.opt_int("Id")?.unwrap());
            Ok(())
        },
    )
    .unwrap();
    let expected: Vec<i64> = (1..=n as i64).filter(|i| i % 1000 != 0).collect();
    assert_eq!(seen, expected);
    assert_eq!(rep.bad.len(), n / 1000);
    assert!(
        rep.bad
            .iter()
            .all(|e| e.record.is_some_and(|r| r % 1000 == 0)),
        "{:?}",
        rep.bad
    );
}

#[test]
fn an_audit_that_stops_early_stops_the_reading() {
    let f = ndjson(BATCH * (BATCHES_AHEAD + 10), 0);
    let mut rep = Collected::default();
    let mut calls = 0;
    let r = stream_each(
        f.path().to_str().unwrap(),
        Some(NAMES),
        None,
        "test",
        &mut rep,
        |_, r| {
            calls += 1;
            if r.index == 3 {
                return Err(InputError::record("audit", 3, "stop here"));
            }
            Ok(())
        },
    );
    assert_eq!(r.unwrap_err().message, "stop here");
    assert_eq!(calls, 3);
}

#[test]
fn a_file_that_cannot_be_opened_is_an_error_naming_it() {
    let mut rep = Collected::default();
    let r = stream_each::<_, InputError>(
        "/no/such/dir/users.json",
        Some(NAMES),
        None,
        "test",
        &mut rep,
        |_, _| Ok(()),
    );
    let e = r.unwrap_err();
    assert!(e.to_string().contains("/no/such/dir/users.json"), "{e}");
    assert!(rep.bad.is_empty());
}

/// The child side of the next test, which runs it (`--ignored`) with its stdin piped: streams
/// stdin, printing each record's Id as it arrives. Not a test on its own.
#[test]
#[ignore = "run by records_streamed_on_stdin_reach_the_audit_before_stdin_closes"]
fn stdin_child() {
    use std::io::Write;
    let mut rep = Collected::default();
    stream_each::<_, InputError>("-", Some(NAMES), None, "test", &mut rep, |_, r| {
        let mut out = std::io::stdout().lock();
        writeln!(out, "got {}", r.opt_int("Id")?.unwrap()).unwrap();
        out.flush().unwrap();
        Ok(())
    })
    .unwrap();
}

/// What the PowerShell module streams on stdin reaches the audit record by record: the reader
/// thread does not hold stdin records back to fill a batch, so results follow the pipeline.
#[test]
fn records_streamed_on_stdin_reach_the_audit_before_stdin_closes() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "stdin_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    // A watchdog: if records were held back, the reads below would wait forever.
    let pid = child.id();
    let watchdog = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        let _ = Command::new("kill").arg(pid.to_string()).status();
    });
    for id in 1..=3 {
        writeln!(stdin, "{{\"Id\":{id},\"Name\":\"user{id}\"}}").unwrap();
        stdin.flush().unwrap();
        // libtest prints "test stdin_child ... " without a line break before the first answer.
        let mut line = String::new();
        let answer = loop {
            line.clear();
            assert!(
                stdout.read_line(&mut line).unwrap() > 0,
                "the child ended early"
            );
            if let Some(at) = line.find("got ") {
                break line[at..].trim().to_string();
            }
        };
        assert_eq!(answer, format!("got {id}"));
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    drop(watchdog);
}

/// `stream_each_borrowed` recycles each record's memory into a later record: every record must
/// still read exactly as `stream_each` reads it, whatever shape the record before it had (more or
/// fewer properties, other names, escapes, lists, values of other kinds).
#[test]
fn borrowed_records_read_as_owned_ones_whatever_came_before() {
    let shapes = [
        r#"{"Id":1,"Name":"plain","Other":[1,2]}"#,
        r#"{"Name":"esc\"aped\\n\u00e9","Id":2}"#,
        r#"{"Id":3}"#,
        r#"{"id":4,"NAME":"other case"}"#,
        r#"{"Id":"5","Name":null}"#,
        r#"{"Id":6,"Name":["a","b"],"Id2":7}"#,
        r#"{"Id":7,"Name":{"x":1}}"#,
        r#"{"Id":8,"Name":"twice","name":"last wins"}"#,
        r#"{"Id":9,"Name":"bad \ud800 surrogate"}"#,
        r#"{"Id": nope}"#,
        r#"{}"#,
        r#"{"Name":"","Id":10.5}"#,
    ];
    let mut text = String::new();
    // Enough records for batches to go back and forth, each shape after each other shape.
    for round in 0..(BATCH * 3 / shapes.len() + 2) {
        for (i, s) in shapes.iter().enumerate() {
            text.push_str(shapes[(i * 7 + round) % shapes.len()]);
            text.push('\n');
            text.push_str(s);
            text.push('\n');
        }
    }
    // The same records as NDJSON and as one JSON array (whose elements the reader scans into a
    // buffer before the fast path reads them).
    let array = format!("[\n{}\n]\n", text.trim_end().replace('\n', ",\n"));
    for text in [text, array] {
        owned_and_borrowed_agree(&text);
    }
}

fn owned_and_borrowed_agree(text: &str) {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), text).unwrap();
    let path = f.path().to_str().unwrap();
    let describe = |r: &license_audit_ingest::Record| format!("{} {:?}", r.index, r.obj);
    let (mut owned, mut owned_rep) = (Vec::new(), Collected::default());
    stream_each::<_, InputError>(path, Some(NAMES), None, "test", &mut owned_rep, |_, r| {
        owned.push(describe(&r));
        Ok(())
    })
    .unwrap();
    let (mut borrowed, mut borrowed_rep) = (Vec::new(), Collected::default());
    license_audit_ingest::stream_each_borrowed::<_, InputError>(
        path,
        Some(NAMES),
        None,
        "test",
        &mut borrowed_rep,
        |_, r| {
            borrowed.push(describe(r));
            Ok(())
        },
    )
    .unwrap();
    assert!(owned.len() > BATCH * 3, "{}", owned.len());
    assert_eq!(owned, borrowed);
    assert_eq!(owned_rep.bad, borrowed_rep.bad);
    assert!(!owned_rep.bad.is_empty());
}
