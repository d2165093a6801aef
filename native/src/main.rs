use std::process::ExitCode;

fn main() -> ExitCode {
    license_audit::app::run(std::env::args_os()).into()
}
