//! The engine exits when the process that started it is gone (native/src/app/parent.rs): the
//! PowerShell module sets LICENSEAUDIT_PARENT_PID, and an engine whose pwsh was killed (SIGKILL,
//! a crash, a scheduler) must not run on as an orphan. Here a shell starts the engine with stdin
//! held open by another process, so the engine would wait for input forever; the shell is then
//! killed with SIGKILL.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // A zombie (state Z) has ended.
        Ok(stat) => stat
            .rsplit_once(") ")
            .map(|(_, rest)| !rest.starts_with('Z'))
            .unwrap_or(false),
        Err(_) => false,
    }
}

fn wait_gone(pid: u32, within: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < within {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    !alive(pid)
}

/// Starts `sh`, which starts the engine in the background (its stdin: the pipe of a `sleep` that
/// never writes) and waits; returns the shell, the sleep and the engine's pid.
fn start(with_variable: bool) -> (Child, Child, u32, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("engine.pid");
    let mut holder = Command::new("sleep")
        .arg("300")
        .stdout(Stdio::piped())
        .spawn()
        .expect("sleep starts");
    let stdin = holder.stdout.take().unwrap();
    let contoso = repo().join("examples/contoso");
    let variable = if with_variable {
        "LICENSEAUDIT_PARENT_PID=$$ "
    } else {
        ""
    };
    let script = format!(
        // A background job's stdin is /dev/null unless redirected: fd 3 carries the pipe.
        "exec 3<&0; {variable}'{bin}' lync entitlement --users - --conferencing-policies '{policies}' --pools '{pools}' --format ndjson <&3 >/dev/null 2>&1 & echo $! > '{pid}'; wait",
        bin = env!("CARGO_BIN_EXE_license-audit"),
        policies = contoso.join("conferencing-policies.json").display(),
        pools = contoso.join("pools.xml").display(),
        pid = pid_file.display(),
    );
    let shell = Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::from(stdin))
        .spawn()
        .expect("sh starts");
    let start = Instant::now();
    let pid = loop {
        if let Ok(text) = std::fs::read_to_string(&pid_file) {
            if let Ok(pid) = text.trim().parse::<u32>() {
                break pid;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the engine did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    (shell, holder, pid, dir)
}

#[test]
fn the_engine_exits_when_the_process_that_started_it_is_killed() {
    let (mut shell, mut holder, engine, _dir) = start(true);
    std::thread::sleep(Duration::from_millis(500));
    assert!(alive(engine), "the engine should be waiting for input");
    shell.kill().unwrap();
    let _ = shell.wait();
    let gone = wait_gone(engine, Duration::from_secs(10));
    let _ = holder.kill();
    let _ = holder.wait();
    assert!(
        gone,
        "the engine {engine} still runs 10 s after its parent was killed"
    );
}

#[test]
fn without_the_variable_nothing_watches_and_the_engine_waits_for_its_input() {
    let (mut shell, mut holder, engine, _dir) = start(false);
    shell.kill().unwrap();
    let _ = shell.wait();
    std::thread::sleep(Duration::from_millis(1500));
    let still = alive(engine);
    // Its input ends: it finishes as any run does.
    let _ = holder.kill();
    let _ = holder.wait();
    let ended = wait_gone(engine, Duration::from_secs(10));
    assert!(
        still,
        "the engine ended without its input ending (something else than the watch)"
    );
    assert!(ended, "the engine did not end when its input ended");
}
