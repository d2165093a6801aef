//! Connecting to the Lync monitoring SQL Server: `host`, `host\instance` (port from the SQL
//! Browser on UDP 1434), `host,port`; SQL login or Windows integrated auth; TLS on by default;
//! read-only intent; connect timeout. Every failure is a clear SourceUnreachable (exit 4).

use super::{ConnectHint, UsageError};
use futures_util::FutureExt;
use std::time::Duration;
use tiberius::{AuthMethod, Client, Config, EncryptionLevel};
use tokio::net::TcpStream;
use tokio_util::compat::{Compat, TokioAsyncWriteCompatExt};

pub type SqlClient = Client<Compat<TcpStream>>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerAddress {
    pub host: String,
    pub instance: Option<String>,
    pub port: Option<u16>,
}

impl ServerAddress {
    /// `host`, `host\instance`, `host,port`, `host\instance,port` (an explicit port wins).
    pub fn parse(s: &str) -> Result<ServerAddress, String> {
        let s = s.trim().trim_start_matches("tcp:");
        let (rest, port) = match s.rsplit_once(',') {
            Some((r, p)) => (
                r,
                Some(
                    p.trim()
                        .parse::<u16>()
                        .map_err(|_| format!("'{p}' is not a port number"))?,
                ),
            ),
            None => (s, None),
        };
        let (host, instance) = match rest.split_once('\\') {
            Some((h, i)) if !i.is_empty() => (h, Some(i.to_string())),
            Some((h, _)) => (h, None),
            None => (rest, None),
        };
        if host.is_empty() {
            return Err(format!("'{s}' names no host"));
        }
        let host = if host == "." || host.eq_ignore_ascii_case("(local)") {
            "localhost"
        } else {
            host
        };
        Ok(ServerAddress {
            host: host.to_string(),
            instance,
            port,
        })
    }

    pub fn display(&self) -> String {
        let mut s = self.host.clone();
        if let Some(i) = &self.instance {
            s.push('\\');
            s.push_str(i);
        }
        if let Some(p) = self.port {
            s.push_str(&format!(",{p}"));
        }
        s
    }
}

#[derive(Debug, Clone)]
pub enum Auth {
    Sql { user: String, password: String },
    Integrated,
}

#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub server: ServerAddress,
    pub auth: Auth,
    pub encrypt: bool,
    pub trust_server_certificate: bool,
    pub connect_timeout: Duration,
    /// The UDP port the SQL Browser is asked on for a named instance's TCP port: 1434 (see
    /// [`SQL_BROWSER_PORT`]) unless the app was told otherwise (tests run their own Browser).
    pub sql_browser_port: u16,
}

/// The port SQL Server's Browser service listens on.
pub const SQL_BROWSER_PORT: u16 = 1434;

/// Asks the SQL Browser (on UDP `port`) which TCP port a named instance listens on.
async fn browse(
    host: &str,
    instance: &str,
    port: u16,
    timeout: Duration,
) -> Result<u16, UsageError> {
    let unreachable = |m: String| UsageError::unreachable(m);
    let socket = tokio::net::UdpSocket::bind("0.0.0.0:0")
        .await
        .map_err(|e| unreachable(format!("SQL Browser: {e}")))?;
    let msg = [&[4u8][..], instance.as_bytes()].concat();
    socket.send_to(&msg, (host, port)).await.map_err(|e| {
        unreachable(format!(
            "cannot ask the SQL Browser on {host} (UDP {port}) for instance {instance}: {e}"
        ))
    })?;
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(timeout, socket.recv(&mut buf))
        .await
        .map_err(|_| UsageError::Unreachable {
            message: format!("the SQL Browser on {host} (UDP {port}) did not answer for instance {instance}: is the SQL Server Browser service running and UDP {port} open?"),
            hint: Some(ConnectHint::GivePort { host: host.to_string() }),
        })?
        .map_err(|e| unreachable(format!("SQL Browser on {host}: {e}")))?;
    // SVR_RESP: 0x05, u16 length, then "ServerName;X;InstanceName;Y;IsClustered;No;Version;..;tcp;1433;;"
    let text = String::from_utf8_lossy(buf.get(3..n).unwrap_or_default()).to_string();
    let parts: Vec<&str> = text.split(';').collect();
    parts
        .windows(2)
        .find(|w| w[0].eq_ignore_ascii_case("tcp"))
        .and_then(|w| w[1].parse().ok())
        .ok_or_else(|| unreachable(format!("the SQL Browser on {host} knows no TCP port for instance {instance} (answer: {text})")))
}

pub async fn connect(o: &ConnectOptions, database: &str) -> Result<SqlClient, UsageError> {
    let port = match (o.server.port, &o.server.instance) {
        (Some(p), _) => p,
        (None, Some(i)) => browse(&o.server.host, i, o.sql_browser_port, o.connect_timeout).await?,
        (None, None) => 1433,
    };
    let mut config = Config::new();
    config.host(&o.server.host);
    config.port(port);
    config.database(database);
    config.application_name("LicenseAudit");
    config.readonly(true);
    if o.encrypt {
        config.encryption(EncryptionLevel::Required);
    } else {
        // Without TLS at all: tiberius only stays unencrypted when it asks NotSupported.
        config.encryption(EncryptionLevel::NotSupported);
    }
    if o.trust_server_certificate {
        config.trust_cert();
    }
    match &o.auth {
        Auth::Sql { user, password } => {
            config.authentication(AuthMethod::sql_server(user, password))
        }
        Auth::Integrated => {
            #[cfg(windows)]
            config.authentication(AuthMethod::Integrated);
            #[cfg(not(windows))]
            return Err(UsageError::IntegratedAuthNeedsWindows);
        }
    }
    let target = format!("{} (port {port}), database {database}", o.server.display());
    let attempt = async {
        let tcp = TcpStream::connect((o.server.host.as_str(), port))
            .await
            .map_err(|e| {
                UsageError::unreachable(format!("cannot reach SQL Server {target}: {e}"))
            })?;
        tcp.set_nodelay(true).ok();
        contained(
            &o.server.display(),
            Client::connect(config, tcp.compat_write()),
        )
        .await?
        .map_err(|e| describe(&e, &target, o))
    };
    tokio::time::timeout(o.connect_timeout, attempt)
        .await
        .map_err(|_| {
            UsageError::unreachable(format!(
                "connecting to {target} timed out after {} s",
                o.connect_timeout.as_secs()
            ))
        })?
}

/// Runs one exchange with tiberius (connect, query, read a result). tiberius asserts (panics)
/// on some protocol surprises from a misbehaving server: such a server is a data-source problem
/// (exit 4), not a crash, so the panic is contained here and reported in words with what to
/// try. Only tiberius' own futures are wrapped, so a panic of this engine stays a bug (exit 101).
/// The assertion's own text (`left: TabularResult right: PreLogin`) means nothing to an admin:
/// it is neither in the message nor printed on stderr (see [`quiet_tiberius_panics`]).
pub async fn contained<T>(
    server: &str,
    exchange: impl std::future::Future<Output = T>,
) -> Result<T, UsageError> {
    quiet_tiberius_panics();
    std::panic::AssertUnwindSafe(exchange)
        .catch_unwind()
        .await
        .map_err(|panic| {
            let detail = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or_default();
            UsageError::Unreachable {
                message: format!(
                    "the SQL Server connection to {server} failed during the protocol exchange: {}",
                    protocol_surprise(detail)
                ),
                hint: Some(ConnectHint::TrustCertificateOrEncryptOff),
            }
        })
}

/// What a contained tiberius panic means, in words. The one seen in the field: with TLS on,
/// tiberius wraps the TLS handshake in TDS PreLogin packets, and asserts that the answer is one;
/// a server without TLS answers with a plain TDS result instead.
fn protocol_surprise(detail: &str) -> &'static str {
    if detail.contains("PreLogin") {
        "the server answered the TLS handshake with plain TDS instead of TLS, as a server without TLS does"
    } else {
        "the server answered out of the protocol's order; with TLS on, a server that does not offer TLS ends here"
    }
}

/// Keeps the panics of tiberius (contained by [`contained`] and reported in words) off stderr;
/// any other panic is printed as before. Installed once.
fn quiet_tiberius_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // .../registry/src/<index>/tiberius-0.12.3/src/..., or vendor/tiberius/src/...
            let in_tiberius = info.location().is_some_and(|l| {
                l.file()
                    .split(['/', '\\'])
                    .any(|c| c == "tiberius" || c.starts_with("tiberius-"))
            });
            if !in_tiberius {
                previous(info);
            }
        }));
    });
}

fn describe(e: &tiberius::error::Error, target: &str, o: &ConnectOptions) -> UsageError {
    match e {
        tiberius::error::Error::Server(t) if t.code() == 18456 => {
            let user = match &o.auth {
                Auth::Sql { user, .. } => user.as_str(),
                Auth::Integrated => "(Windows account)",
            };
            UsageError::Unreachable {
                message: format!("login to {target} failed for '{user}' (SQL Server error 18456): check the user and the password, and that the login may read the database"),
                hint: Some(ConnectHint::CheckPassword),
            }
        }
        tiberius::error::Error::Server(t) => UsageError::unreachable(format!("{target}: SQL Server error {}: {}", t.code(), t.message())),
        tiberius::error::Error::Tls(m) => UsageError::Unreachable {
            message: format!("TLS with {target} failed: {m}"),
            hint: Some(ConnectHint::TrustCertificateOrEncryptOff),
        },
        tiberius::error::Error::Io { kind, message } => UsageError::Unreachable {
            message: format!("{target}: connection failed ({kind:?}: {message}); with TLS on, a server that does not offer TLS also ends up here"),
            hint: Some(ConnectHint::EncryptOff),
        },
        other => UsageError::unreachable(format!("{target}: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contained_tiberius_assertion_is_said_in_words() {
        let tls = protocol_surprise(
            "assertion `left == right` failed\n  left: TabularResult\n right: PreLogin",
        );
        assert!(tls.contains("TLS") && tls.contains("plain TDS"), "{tls}");
        for said in [
            tls,
            protocol_surprise("assertion failed: x"),
            protocol_surprise(""),
        ] {
            for raw in ["assertion", "left", "right", "TabularResult", "PreLogin"] {
                assert!(!said.contains(raw), "{said}");
            }
        }
    }

    #[test]
    fn a_panic_inside_an_exchange_is_an_unreachable_server_with_the_tls_hint() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let said = runtime.block_on(contained("sql01", async {
            panic!("assertion `left == right` failed\n  left: TabularResult\n right: PreLogin")
        }));
        match said {
            Err(UsageError::Unreachable { message, hint }) => {
                assert!(
                    message.contains("sql01") && message.contains("plain TDS"),
                    "{message}"
                );
                assert!(matches!(
                    hint,
                    Some(ConnectHint::TrustCertificateOrEncryptOff)
                ));
            }
            _ => panic!("a panic in the exchange was not contained"),
        }
        let answered = runtime.block_on(contained("sql01", async { 7 }));
        assert!(matches!(answered, Ok(7)));
    }

    #[test]
    fn server_forms() {
        assert_eq!(
            ServerAddress::parse("sql01").unwrap(),
            ServerAddress {
                host: "sql01".into(),
                instance: None,
                port: None
            }
        );
        assert_eq!(
            ServerAddress::parse("sql01\\LYNCMON")
                .unwrap()
                .instance
                .as_deref(),
            Some("LYNCMON")
        );
        assert_eq!(ServerAddress::parse("sql01,1533").unwrap().port, Some(1533));
        let both = ServerAddress::parse("sql01\\LYNCMON,1533").unwrap();
        assert_eq!(
            (both.instance.as_deref(), both.port),
            (Some("LYNCMON"), Some(1533))
        );
        assert!(ServerAddress::parse("sql01,port").is_err());
        assert_eq!(
            ServerAddress::parse(".\\SQLEXPRESS").unwrap().host,
            "localhost"
        );
    }
}
