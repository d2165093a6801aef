//! The engine does not outlive the process that started it. The PowerShell module starts every
//! run with `LICENSEAUDIT_PARENT_PID` set to its own process id (Private/NativeProcess.cs); when
//! that process is gone — pwsh killed by SIGKILL, crashed, or ended by a scheduler — an engine
//! still blocked on a pipe, a SQL connection or a long audit would otherwise run on as an orphan
//! (issue #29). On Unix a thread watches `getppid()`: once it is no longer that id (the engine
//! was re-parented to init or a subreaper), the engine exits with code 1. Without the variable,
//! or when it names another process than the parent at start (inherited from a grandparent), no
//! watch runs. On Windows the module's job object (kill on close) does this instead.

/// How often the parent is checked.
#[cfg(unix)]
const INTERVAL: std::time::Duration = std::time::Duration::from_millis(250);

/// The environment variable the module sets (docs/contract.md, "Parent process").
#[cfg(unix)]
const VARIABLE: &str = "LICENSEAUDIT_PARENT_PID";

/// Starts the watch when `LICENSEAUDIT_PARENT_PID` names this process's parent.
pub fn watch() {
    #[cfg(unix)]
    {
        let Some(expected) = std::env::var(VARIABLE)
            .ok()
            .and_then(|v| v.trim().parse::<u32>().ok())
        else {
            return;
        };
        if std::os::unix::process::parent_id() != expected {
            return;
        }
        let _ = std::thread::Builder::new()
            .name("parent watch".into())
            .spawn(move || loop {
                std::thread::sleep(INTERVAL);
                if std::os::unix::process::parent_id() != expected {
                    // Nobody reads the output any more: nothing to flush or report, and no
                    // half-written output to leave.
                    crate::output::temporaries::remove_all();
                    std::process::exit(1);
                }
            });
    }
}
