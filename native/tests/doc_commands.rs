//! The engine commands the documentation shows are run (issue #25): every `license-audit …` and
//! `cargo run --release -- …` line of a ```sh block in README.md and docs/ (not the generated
//! docs/contract.md), page by page, in a folder of its own that sees the repository's examples/.
//!
//! - A command whose files all exist (the bundled examples, or a file an earlier block of the
//!   same page wrote) must succeed: exit 0, or 5 with `--fail-on-shortfall`.
//! - A command that names files the reader has to bring (users.json, the monitoring SQL Server)
//!   cannot succeed here; it must still be one the engine accepts: its options parse (no clap
//!   usage error, exit 2 with "Usage:").
//!
//! Also: the DBA pack's SQL (docs/dba.md) is what `lync usage-queries` prints, and README's two
//! newcomer commands are the ones the tests and CI run.

mod util;

use std::path::{Path, PathBuf};
use std::process::Command;
use util::repo_path;

fn repo() -> PathBuf {
    PathBuf::from(repo_path(""))
}

fn pages() -> Vec<PathBuf> {
    let mut pages = vec![repo().join("README.md")];
    let mut folders = vec![repo().join("docs")];
    while let Some(folder) = folders.pop() {
        for e in std::fs::read_dir(&folder).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|x| x == "md")
                && path.file_name().unwrap() != "contract.md"
            {
                pages.push(path);
            }
        }
    }
    pages.sort();
    pages
}

/// The ```<lang> blocks of a page, in order: (first line number, text).
fn blocks(text: &str, lang: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        match &mut current {
            None if t == format!("```{lang}") => current = Some((i + 1, String::new())),
            Some(_) if t.starts_with("```") => out.push(current.take().unwrap()),
            Some((_, block)) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    out
}

/// The engine commands of a sh block: continuation lines joined, comments dropped; a pipe into a
/// second `license-audit` stays one command.
fn engine_commands(block: &str) -> Vec<String> {
    let mut joined = Vec::new();
    let mut current = String::new();
    for line in block.lines() {
        let line = line.trim_end();
        let (body, more) = match line.strip_suffix('\\') {
            Some(b) => (b, true),
            None => (line, false),
        };
        current.push_str(body.trim_start());
        current.push(' ');
        if !more && !line.trim_end().ends_with('|') {
            joined.push(std::mem::take(&mut current));
        }
    }
    joined
        .into_iter()
        .map(|c| {
            // A trailing "# comment" (never inside the commands' quotes here).
            let c = match c.find(" # ") {
                Some(i) => c[..i].to_string(),
                None => c,
            };
            c.trim().to_string()
        })
        .filter(|c| c.starts_with("license-audit ") || c.starts_with("cargo run --release -- "))
        .collect()
}

/// Words of a command that look like files it reads (relative paths with an extension or under
/// examples/), and whether they all exist in `dir`.
fn files_exist(command: &str, dir: &Path) -> bool {
    let words: Vec<&str> = command.split_whitespace().collect();
    let mut previous = "";
    for w in &words {
        let w = w.trim_matches('\'');
        let is_output = matches!(previous, "--output" | "--history");
        previous = w;
        if w.starts_with('-') || is_output || w == "|" {
            continue;
        }
        let looks_like_file = w.starts_with("examples/")
            || [".json", ".ndjson", ".csv", ".xml", ".xlsx"]
                .iter()
                .any(|x| w.ends_with(x));
        if looks_like_file && !w.contains('*') && !dir.join(w).exists() {
            return false;
        }
        if w.contains('*') && !w.starts_with("examples/") {
            return false;
        }
    }
    true
}

fn run(command: &str, dir: &Path) -> (i32, String) {
    let bin = env!("CARGO_BIN_EXE_license-audit");
    let command = command
        .replace("cargo run --release -- ", "license-audit ")
        .replace("license-audit ", &format!("'{bin}' "));
    let out = Command::new("sh")
        .arg("-c")
        .arg(&command)
        .current_dir(dir)
        .env("LICENSEAUDIT_SQL_PASSWORD", "not-a-password")
        .env_remove("LICENSEAUDIT_BINARY")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn every_engine_command_of_the_documentation_runs() {
    let mut ran = 0;
    let mut parsed = 0;
    let mut problems = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(repo().join("examples"), dir.path().join("examples")).unwrap();
        let name = page.strip_prefix(repo()).unwrap().display().to_string();
        for (line, block) in blocks(&text, "sh") {
            for command in engine_commands(&block) {
                // A SQL Server that is not here: only the arguments can be checked.
                let needs_sql = command.contains("lync usage ");
                if !needs_sql && files_exist(&command, dir.path()) {
                    let (code, stderr) = run(&command, dir.path());
                    let ok = code == 0 || (code == 5 && command.contains("--fail-on-shortfall"));
                    if !ok {
                        problems.push(format!(
                            "{name}:{line}: `{command}` exited {code}: {stderr}"
                        ));
                    }
                    ran += 1;
                } else {
                    let (code, stderr) = run(&command, dir.path());
                    if code == 2 && stderr.contains("Usage:") {
                        problems.push(format!(
                            "{name}:{line}: `{command}`: the engine refuses its options: {stderr}"
                        ));
                    }
                    parsed += 1;
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Not vacuous: the README's main job, the examples' audits, the workbook, the history.
    assert!(ran >= 10, "only {ran} documented commands ran");
    assert!(
        parsed >= 3,
        "only {parsed} documented commands were argument-checked"
    );
}

#[test]
fn the_dba_pack_shows_the_sql_lync_usage_runs() {
    let text = std::fs::read_to_string(repo().join("docs/dba.md")).unwrap();
    let start = text
        .find("## The queries (Lync 2013 and later)")
        .expect("docs/dba.md: the queries section");
    let (_, sql) = blocks(&text[start..], "sql")
        .into_iter()
        .next()
        .expect("docs/dba.md: the queries' sql block");
    let out = Command::new(env!("CARGO_BIN_EXE_license-audit"))
        .args(["lync", "usage-queries"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    // Line breaks and indentation were added for review; nothing else may differ.
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert_eq!(
        squeeze(&sql),
        squeeze(&printed),
        "docs/dba.md's queries are not what `license-audit lync usage-queries` prints: update them"
    );
}

#[test]
fn the_readme_newcomer_commands_are_the_ones_ci_and_the_tests_run() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    // The first block of README: the main job on the bundled example, then every test.
    let (_, first) = blocks(&readme, "sh")
        .into_iter()
        .next()
        .expect("README's first sh block");
    let commands: Vec<&str> = first
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(
        commands,
        [
            "cargo run --release -- lync entitlement --estate examples/contoso --summary",
            "scripts/test-all"
        ],
        "README's newcomer commands"
    );
    let head: String = readme.lines().take(30).collect::<Vec<_>>().join("\n");
    assert!(
        head.contains(&first),
        "the newcomer commands are at the top of README"
    );
    // .ci/run ends by running README's test command.
    let ci = std::fs::read_to_string(repo().join(".ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l.trim() == "exec scripts/test-all"),
        ".ci/run must run README's test command, scripts/test-all"
    );
}

#[test]
fn the_example_snapshot_is_the_fixture_plus_the_example_tenant() {
    // examples/snapshot (what README's "Try it" audits): the snapshot fixture as Windows
    // PowerShell 5.1 writes the folder (native/tests/snapshot.rs proves it), plus the example
    // Teams tenant's exports (examples/teams), which a snapshot does not collect.
    let snapshot = repo().join("examples/snapshot");
    let mut expected = Vec::new();
    for (from, dir) in [
        (
            "native/tests/fixtures/snapshot/ps51-json",
            repo().join("native/tests/fixtures/snapshot/ps51-json"),
        ),
        ("examples/teams", repo().join("examples/teams")),
    ] {
        for e in std::fs::read_dir(&dir).unwrap() {
            let name = e.unwrap().file_name();
            let a = std::fs::read(dir.join(&name)).unwrap();
            let b = std::fs::read(snapshot.join(&name))
                .unwrap_or_else(|_| panic!("examples/snapshot lacks {name:?} of {from}"));
            assert!(a == b, "examples/snapshot/{name:?} differs from {from}");
            expected.push(name);
        }
    }
    let count = std::fs::read_dir(&snapshot).unwrap().count();
    assert_eq!(
        count,
        expected.len(),
        "examples/snapshot holds files of neither source"
    );
}
