//! The TDS test server on its own, for trying `lync usage` by hand or from Pester:
//!
//!   cargo run --example tds-test-server -- --load native/tests/fixtures/lcscdr/basic --port 14330
//!
//! Loads DIR/<Database>/<Table>.csv (LcsCDR, QoEMetrics), listens on 127.0.0.1:PORT, and accepts
//! the SQL login given by --user / LICENSEAUDIT_SQL_PASSWORD (defaults: audit / S3cret!pass).

#[path = "../tests/support/tds.rs"]
mod tds;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.windows(2).find(|w| w[0] == name).map(|w| w[1].clone())
}

fn main() {
    let dir = arg("--load").expect("--load DIR");
    let port = arg("--port").unwrap_or_else(|| "14330".into());
    let mut options = tds::Options {
        log_sessions: true,
        ..Default::default()
    };
    if let Some(u) = arg("--user") {
        options.user = u;
    }
    if let Ok(p) = std::env::var("LICENSEAUDIT_SQL_PASSWORD") {
        options.password = p;
    }
    let dbs = tds::load_databases(std::path::Path::new(&dir)).expect("load databases");
    let names: Vec<String> = dbs.keys().cloned().collect();
    let server = tds::start_on(&format!("127.0.0.1:{port}"), options, dbs);
    eprintln!(
        "TDS test server on {} with databases {names:?}; Ctrl+C stops it",
        server.addr
    );
    loop {
        std::thread::park();
    }
}
