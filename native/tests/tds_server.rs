//! The TDS test server speaks enough TDS for tiberius and runs real SQL on SQLite.

#[path = "support/tds.rs"]
mod tds;
mod util;

use chrono::NaiveDateTime;
use tiberius::{AuthMethod, Client, Config, EncryptionLevel};
use tokio::net::TcpStream;
use tokio_util::compat::TokioAsyncWriteCompatExt;

fn server(options: tds::Options) -> tds::TdsTestServer {
    let dbs = tds::load_databases(std::path::Path::new(&util::fixture("lcscdr/basic"))).unwrap();
    tds::start(options, dbs)
}

async fn connect(
    addr: std::net::SocketAddr,
    db: &str,
    password: &str,
) -> tiberius::Result<Client<tokio_util::compat::Compat<TcpStream>>> {
    let mut config = Config::new();
    config.host("127.0.0.1");
    config.port(addr.port());
    config.database(db);
    config.authentication(AuthMethod::sql_server("audit", password));
    config.encryption(EncryptionLevel::NotSupported);
    config.readonly(true);
    let tcp = TcpStream::connect(addr).await?;
    Client::connect(config, tcp.compat_write()).await
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn tiberius_logs_in_and_runs_parameterised_aggregates() {
    let s = server(tds::Options::default());
    rt().block_on(async {
        let mut client = connect(s.addr, "LcsCDR", "S3cret!pass").await.expect("login");
        let since = NaiveDateTime::parse_from_str("2026-09-01 00:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
        let rows = client
            .query(
                "SELECT u.UserUri AS UserUri, COUNT(*) AS Sessions, MAX(s.SessionIdTime) AS LastSession \
                 FROM dbo.SessionDetails s JOIN dbo.Users u ON u.UserId = s.User1Id \
                 WHERE s.SessionIdTime >= @P1 AND s.ResponseCode = @P2 GROUP BY u.UserUri ORDER BY u.UserUri",
                &[&since, &200i32],
            )
            .await
            .expect("query")
            .into_first_result()
            .await
            .expect("rows");
        assert_eq!(rows.len(), 1, "the June session of bob is outside the window");
        assert_eq!(rows[0].get::<&str, _>("UserUri"), Some("alice@contoso.com"));
        assert_eq!(rows[0].get::<i32, _>("Sessions"), Some(2), "COUNT(*) comes back as int, as on SQL Server");
        let last: NaiveDateTime = rows[0].get("LastSession").expect("datetime2");
        assert_eq!(last.to_string(), "2026-10-02 10:30:00");
        // Column metadata comes back even for an empty result: how schema columns are detected.
        let mut stream = client.query("SELECT * FROM dbo.SessionDetails WHERE 1 = 0", &[]).await.unwrap();
        let cols: Vec<String> = stream.columns().await.unwrap().unwrap().iter().map(|c| c.name().to_string()).collect();
        assert!(cols.contains(&"OnBehalfOfId".to_string()), "{cols:?}");
    });
    let logins = s.logins.lock().unwrap();
    assert!(
        logins[0].read_only_intent,
        "the client asks for read-only intent"
    );
    assert_eq!(logins[0].database, "LcsCDR");
}

#[test]
fn wrong_password_and_writes_are_refused() {
    let s = server(tds::Options::default());
    rt().block_on(async {
        let err = connect(s.addr, "LcsCDR", "wrong")
            .await
            .err()
            .expect("login must fail");
        assert!(
            err.to_string().contains("Login failed for user 'audit'"),
            "{err}"
        );
        let mut client = connect(s.addr, "QoEMetrics", "S3cret!pass").await.unwrap();
        let err = client
            .execute("DELETE FROM dbo.UserAgent", &[])
            .await
            .err()
            .expect("write refused");
        assert!(err.to_string().contains("read-only"), "{err}");
        let err = client
            .query("SELECT NoSuchColumn FROM dbo.UserAgent", &[])
            .await
            .err()
            .expect("bad SQL fails");
        assert!(err.to_string().contains("no such column"), "{err}");
        let rows = client
            .query("SELECT UAType FROM dbo.UserAgent", &[])
            .await
            .unwrap()
            .into_first_result()
            .await
            .unwrap();
        assert_eq!(rows[0].get::<i32, _>(0), Some(8), "an int column is int");
    });
}
