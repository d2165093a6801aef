use std::process::ExitCode;

fn main() -> ExitCode {
    license_audit::run::run(std::env::args_os()).into()
}
