//! A TDS test server for tiberius, backed by an in-memory SQLite database.
//!
//! There is no SQL Server on the build machine, so the usage audit is tested against this:
//! it answers PRELOGIN (encryption not supported), LOGIN7 (SQL login, password checked),
//! SQL batches and `sp_executesql` RPCs with parameters, and runs the SQL itself on SQLite
//! (bundled rusqlite), where each database (LcsCDR, QoEMetrics) is loaded from one CSV per table
//! with the real column names and attached as `dbo`, so `dbo.SessionDetails` resolves. Results go
//! back as COLMETADATA / ROW / DONE with real TDS types (bigint, bit, float, nvarchar, datetime2).
//! A wrong query fails here as it would on SQL Server, which a canned-rows fake cannot do.
//!
//! Statements other than SELECT (and WITH … SELECT) are refused: the audit must only read.
//! SQL both engines run: no TOP, COALESCE not ISNULL, dates as parameters, explicit aliases.
#![allow(dead_code)]

use rusqlite::types::{Value, ValueRef};
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PACKET: usize = 4096;

/// What the server saw at each login (tests check read-only intent, database, user).
#[derive(Debug, Clone)]
pub struct LoginSeen {
    pub user: String,
    pub database: String,
    pub read_only_intent: bool,
    pub accepted: bool,
}

#[derive(Clone)]
pub struct Options {
    pub user: String,
    pub password: String,
    /// Delay before answering any query (timeout tests).
    pub query_delay: Option<Duration>,
    /// Print rows and bytes sent when each client session ends (benchmarks).
    pub log_sessions: bool,
    /// Result columns sent as nvarchar whatever their values (a server whose schema differs).
    pub text_columns: Vec<String>,
    /// Close the connection halfway through the result of the first statement containing this
    /// text (a connection dropped mid-result).
    pub drop_mid_result: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            user: "audit".into(),
            password: "S3cret!pass".into(),
            query_delay: None,
            log_sessions: false,
            text_columns: Vec::new(),
            drop_mid_result: None,
        }
    }
}

pub struct TdsTestServer {
    pub addr: SocketAddr,
    pub logins: Arc<Mutex<Vec<LoginSeen>>>,
    /// Every statement executed, for "only SELECT" and "what crossed the wire" checks.
    pub statements: Arc<Mutex<Vec<String>>>,
    /// Rows sent to clients in all.
    pub rows_sent: Arc<Mutex<u64>>,
    stop: Arc<AtomicBool>,
}

impl Drop for TdsTestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

type Databases = Arc<HashMap<String, Mutex<rusqlite::Connection>>>;

/// Loads `dir/<Database>/<Table>.csv` for each database folder.
pub fn load_databases(dir: &Path) -> io::Result<HashMap<String, rusqlite::Connection>> {
    let mut dbs = HashMap::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            dbs.insert(
                name.to_ascii_lowercase(),
                load_database(&path).map_err(io::Error::other)?,
            );
        }
    }
    Ok(dbs)
}

/// Column types by LcsCDR/QoEMetrics naming: times are datetime, Is*/Processed bit, the named
/// text columns nvarchar, everything else int.
pub fn column_type(name: &str) -> &'static str {
    const TEXT: &[&str] = &[
        "UserUri",
        "UriType",
        "Version",
        "Gateway",
        "PhoneUri",
        "McuUri",
        "ConferenceUri",
        "PoolFQDN",
        "ServerFQDN",
        "MediationServer",
        "UserAgent",
        "URI",
        "Name",
        "TenantKey",
        "Media",
        "UAName",
        "UACategory",
        "CorrelationId",
        "EndpointId",
        "User1EndpointId",
        "User2EndpointId",
        "UserEndpointId",
        "ConfInstance",
        "EndpointEra",
        "IPAddress",
        "OS",
        "CPUName",
        "ExternalId",
    ];
    if name.ends_with("Time") || name.ends_with("TS") || name.ends_with("DateTime") {
        "DATETIME"
    } else if (name.starts_with("Is")
        && name.chars().nth(2).is_some_and(|c| c.is_ascii_uppercase()))
        || name == "Processed"
    {
        "BIT"
    } else if TEXT.iter().any(|t| t.eq_ignore_ascii_case(name)) {
        "NVARCHAR"
    } else if name == "MacAddress" {
        "BIGINT"
    } else {
        // Ids, counts, flags and codes are int in the real schema.
        "INT"
    }
}

/// SQL Server's text form of datetime, which sorts correctly as text in SQLite.
pub fn normalise_datetime(s: &str) -> Option<String> {
    let s = s.trim().replace('T', " ");
    let s = s.trim_end_matches('Z');
    let (date, time) = s.split_once(' ').unwrap_or((s, "00:00:00"));
    if date.len() != 10 || date.as_bytes()[4] != b'-' {
        return None;
    }
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let hms = if hms.len() == 5 {
        format!("{hms}:00")
    } else {
        hms.to_string()
    };
    if hms.len() != 8 {
        return None;
    }
    let frac: String = frac.chars().chain(std::iter::repeat('0')).take(7).collect();
    Some(format!("{date} {hms}.{frac}"))
}

pub fn load_database(dir: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open_in_memory()?;
    conn.execute_batch("ATTACH DATABASE ':memory:' AS dbo;")?;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("database folder")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
    {
        let table = path.file_stem().unwrap().to_string_lossy().to_string();
        let mut rdr = csv::Reader::from_path(&path).expect("csv");
        let headers: Vec<String> = rdr
            .headers()
            .expect("header")
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let cols: Vec<String> = headers
            .iter()
            .map(|h| format!("\"{h}\" {}", column_type(h)))
            .collect();
        conn.execute_batch(&format!(
            "CREATE TABLE dbo.\"{table}\" ({});",
            cols.join(", ")
        ))?;
        let placeholders: Vec<String> = (1..=headers.len()).map(|i| format!("?{i}")).collect();
        let tx = conn.unchecked_transaction()?;
        {
            let mut stmt = tx.prepare(&format!(
                "INSERT INTO dbo.\"{table}\" VALUES ({})",
                placeholders.join(", ")
            ))?;
            for rec in rdr.records() {
                let rec = rec.expect("csv row");
                let values: Vec<Value> = headers
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| {
                        if v.is_empty() || v.eq_ignore_ascii_case("NULL") {
                            return Value::Null;
                        }
                        match column_type(h) {
                            "DATETIME" => {
                                Value::Text(normalise_datetime(v).unwrap_or_else(|| {
                                    panic!("{table}.{h}: '{v}' is not a datetime")
                                }))
                            }
                            "BIT" => Value::Integer(matches!(v, "1" | "True" | "true") as i64),
                            "BIGINT" => Value::Integer(v.parse().unwrap_or_else(|_| {
                                panic!("{table}.{h}: '{v}' is not an integer")
                            })),
                            _ => Value::Text(v.to_string()),
                        }
                    })
                    .collect();
                stmt.execute(rusqlite::params_from_iter(values))?;
            }
        }
        tx.commit()?;
        for key in [
            "UserId",
            "SessionIdTime",
            "McuId",
            "UriTypeId",
            "VersionId",
            "DeviceId",
            "UserKey",
            "UserAgentKey",
            "EndpointKey",
        ] {
            if headers.iter().any(|h| h == key) {
                conn.execute_batch(&format!(
                    "CREATE INDEX dbo.\"ix_{table}_{key}\" ON \"{table}\" (\"{key}\");"
                ))?;
            }
        }
    }
    Ok(conn)
}

pub fn start(options: Options, databases: HashMap<String, rusqlite::Connection>) -> TdsTestServer {
    start_on("127.0.0.1:0", options, databases)
}

pub fn start_on(
    bind: &str,
    options: Options,
    databases: HashMap<String, rusqlite::Connection>,
) -> TdsTestServer {
    let listener = TcpListener::bind(bind).unwrap_or_else(|e| panic!("bind {bind}: {e}"));
    let addr = listener.local_addr().unwrap();
    let dbs: Databases = Arc::new(
        databases
            .into_iter()
            .map(|(k, v)| (k, Mutex::new(v)))
            .collect(),
    );
    let logins = Arc::new(Mutex::new(Vec::new()));
    let statements = Arc::new(Mutex::new(Vec::new()));
    let rows_sent = Arc::new(Mutex::new(0u64));
    let stop = Arc::new(AtomicBool::new(false));
    let (l2, s2, r2, stop2) = (
        logins.clone(),
        statements.clone(),
        rows_sent.clone(),
        stop.clone(),
    );
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stop2.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let (o, d, l, s, r) = (
                options.clone(),
                dbs.clone(),
                l2.clone(),
                s2.clone(),
                r2.clone(),
            );
            std::thread::spawn(move || {
                let mut session = Session {
                    stream,
                    options: o,
                    dbs: d,
                    logins: l,
                    statements: s,
                    rows_sent: r,
                    database: String::new(),
                    packet_id: 1,
                    session_rows: 0,
                    session_bytes: 0,
                };
                let _ = session.run();
                if session.options.log_sessions {
                    eprintln!(
                        "session {}: rows {} bytes {}",
                        session.database, session.session_rows, session.session_bytes
                    );
                }
            });
        }
    });
    TdsTestServer {
        addr,
        logins,
        statements,
        rows_sent,
        stop,
    }
}

struct Session {
    stream: TcpStream,
    options: Options,
    dbs: Databases,
    logins: Arc<Mutex<Vec<LoginSeen>>>,
    statements: Arc<Mutex<Vec<String>>>,
    rows_sent: Arc<Mutex<u64>>,
    database: String,
    packet_id: u8,
    session_rows: u64,
    session_bytes: u64,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum ColType {
    Int,
    BigInt,
    Bit,
    Float,
    NVarChar,
    DateTime2,
}

impl Session {
    fn run(&mut self) -> io::Result<()> {
        loop {
            let Some((ty, payload)) = self.read_message()? else {
                return Ok(());
            };
            match ty {
                0x12 => self.prelogin(&payload)?,
                0x10 => {
                    if !self.login(&payload)? {
                        return Ok(());
                    }
                }
                0x01 => {
                    let sql = utf16(&payload[all_headers_len(&payload)..]);
                    self.execute(&sql, &[], false)?;
                }
                0x03 => {
                    let (sql, params) = parse_rpc(&payload)?;
                    self.execute(&sql, &params, true)?;
                }
                0x06 => {} // attention
                _ => return Ok(()),
            }
        }
    }

    fn read_message(&mut self) -> io::Result<Option<(u8, Vec<u8>)>> {
        let mut payload = Vec::new();
        loop {
            let mut header = [0u8; 8];
            if let Err(e) = self.stream.read_exact(&mut header) {
                return if e.kind() == io::ErrorKind::UnexpectedEof {
                    Ok(None)
                } else {
                    Err(e)
                };
            }
            let len = u16::from_be_bytes([header[2], header[3]]) as usize;
            let mut body = vec![0u8; len.saturating_sub(8)];
            self.stream.read_exact(&mut body)?;
            payload.extend_from_slice(&body);
            if header[1] & 0x01 != 0 {
                return Ok(Some((header[0], payload)));
            }
        }
    }

    fn send(&mut self, ty: u8, payload: &[u8]) -> io::Result<()> {
        let chunks: Vec<&[u8]> = if payload.is_empty() {
            vec![&[][..]]
        } else {
            payload.chunks(PACKET - 8).collect()
        };
        let n = chunks.len();
        let mut out = Vec::with_capacity(payload.len() + 8 * n);
        for (i, chunk) in chunks.into_iter().enumerate() {
            out.push(ty);
            out.push(if i + 1 == n { 0x01 } else { 0x00 });
            out.extend_from_slice(&((chunk.len() + 8) as u16).to_be_bytes());
            out.extend_from_slice(&[0, 0]);
            out.push(self.packet_id);
            out.push(0);
            self.packet_id = self.packet_id.wrapping_add(1);
            out.extend_from_slice(chunk);
        }
        self.session_bytes += out.len() as u64;
        self.stream.write_all(&out)
    }

    fn prelogin(&mut self, _payload: &[u8]) -> io::Result<()> {
        // VERSION, ENCRYPTION (ENCRYPT_NOT_SUP), INSTOPT, MARS.
        let options: [(u8, Vec<u8>); 4] = [
            (0x00, vec![0x0F, 0x00, 0x10, 0x00, 0x00, 0x00]),
            (0x01, vec![0x02]),
            (0x02, vec![0x00]),
            (0x04, vec![0x00]),
        ];
        let mut head = Vec::new();
        let mut data = Vec::new();
        let mut offset = (options.len() * 5 + 1) as u16;
        for (token, value) in &options {
            head.push(*token);
            head.extend_from_slice(&offset.to_be_bytes());
            head.extend_from_slice(&(value.len() as u16).to_be_bytes());
            offset += value.len() as u16;
            data.extend_from_slice(value);
        }
        head.push(0xFF);
        head.extend(data);
        self.send(0x04, &head)
    }

    fn login(&mut self, p: &[u8]) -> io::Result<bool> {
        if p.len() < 94 {
            return Err(io::Error::other("short LOGIN7"));
        }
        let field = |at: usize| -> (usize, usize) {
            (u16le(p, at) as usize, u16le(p, at + 2) as usize * 2)
        };
        let (uo, ul) = field(40);
        let (po, pl) = field(44);
        let (dbo, dbl) = field(68);
        let user = utf16(&p[uo..uo + ul]);
        let password_bytes: Vec<u8> = p[po..po + pl]
            .iter()
            .map(|b| {
                let x = b ^ 0xA5;
                x.rotate_left(4)
            })
            .collect();
        let password = utf16(&password_bytes);
        let database = utf16(&p[dbo..dbo + dbl]);
        let read_only_intent = p[26] & 0x20 != 0;
        let accepted = user == self.options.user && password == self.options.password;
        self.logins.lock().unwrap().push(LoginSeen {
            user: user.clone(),
            database: database.clone(),
            read_only_intent,
            accepted,
        });
        let mut out = Vec::new();
        if !accepted {
            error_token(
                &mut out,
                18456,
                1,
                14,
                &format!("Login failed for user '{user}'."),
            );
            done_token(&mut out, 0xFD, 0x02, 0, 0);
            self.send(0x04, &out)?;
            return Ok(false);
        }
        if !self.dbs.contains_key(&database.to_ascii_lowercase()) {
            error_token(
                &mut out,
                4060,
                1,
                11,
                &format!(
                    "Cannot open database \"{database}\" requested by the login. The login failed."
                ),
            );
            done_token(&mut out, 0xFD, 0x02, 0, 0);
            self.send(0x04, &out)?;
            return Ok(false);
        }
        self.database = database.to_ascii_lowercase();
        // ENVCHANGE database, packet size; LOGINACK; DONE.
        env_change(&mut out, 1, &database, "master");
        env_change(&mut out, 4, "4096", "4096");
        let mut ack = vec![0x01];
        ack.extend_from_slice(&0x7400_0004u32.to_be_bytes());
        b_varchar(&mut ack, "LicenseAudit TDS test server");
        ack.extend_from_slice(&[15, 0, 0x10, 0x00]);
        out.push(0xAD);
        out.extend_from_slice(&(ack.len() as u16).to_le_bytes());
        out.extend(ack);
        done_token(&mut out, 0xFD, 0, 0, 0);
        self.send(0x04, &out)?;
        Ok(true)
    }

    fn execute(&mut self, sql: &str, params: &[(String, Value)], rpc: bool) -> io::Result<()> {
        self.statements.lock().unwrap().push(sql.to_string());
        if let Some(d) = self.options.query_delay {
            std::thread::sleep(d);
        }
        let mut out = Vec::new();
        let first = sql
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let result = if first != "SELECT" && first != "WITH" {
            Err((
                3906,
                format!(
                    "Failed to update database \"{}\" because the database is read-only.",
                    self.database
                ),
            ))
        } else {
            let db = self.dbs[&self.database].lock().unwrap();
            run_select(&db, sql, params).map_err(|e| (208, e.to_string()))
        };
        match result {
            Err((number, message)) => {
                error_token(&mut out, number, 1, 16, &message);
                if rpc {
                    done_token(&mut out, 0xFE, 0x02, 0, 0);
                } else {
                    done_token(&mut out, 0xFD, 0x02, 0, 0);
                }
            }
            Ok((mut cols, mut rows)) => {
                for (i, (name, ty)) in cols.iter_mut().enumerate() {
                    if self
                        .options
                        .text_columns
                        .iter()
                        .any(|c| c.eq_ignore_ascii_case(name))
                    {
                        *ty = ColType::NVarChar;
                        for row in rows.iter_mut() {
                            if let Value::Integer(v) = row[i] {
                                row[i] = Value::Text(v.to_string());
                            }
                        }
                    }
                }
                colmetadata(&mut out, &cols);
                for row in &rows {
                    out.push(0xD1);
                    for ((_, ty), v) in cols.iter().zip(row) {
                        write_value(&mut out, *ty, v);
                    }
                }
                *self.rows_sent.lock().unwrap() += rows.len() as u64;
                self.session_rows += rows.len() as u64;
                if rpc {
                    done_token(&mut out, 0xFF, 0x10, 0xC1, rows.len() as u64);
                    out.push(0x79);
                    out.extend_from_slice(&0i32.to_le_bytes());
                    done_token(&mut out, 0xFE, 0, 0xE0, 0);
                } else {
                    done_token(&mut out, 0xFD, 0x10, 0xC1, rows.len() as u64);
                }
            }
        }
        if self
            .options
            .drop_mid_result
            .as_deref()
            .is_some_and(|t| sql.contains(t))
        {
            // Half a result, then the connection is gone.
            let half = out.len() / 2;
            let mut packet = vec![0x04, 0x00];
            packet.extend_from_slice(&((half + 8) as u16).to_be_bytes());
            packet.extend_from_slice(&[0, 0, self.packet_id, 0]);
            packet.extend_from_slice(&out[..half]);
            self.stream.write_all(&packet)?;
            let _ = self.stream.shutdown(std::net::Shutdown::Both);
            return Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "dropped on purpose",
            ));
        }
        self.send(0x04, &out)
    }
}

type Rows = (Vec<(String, ColType)>, Vec<Vec<Value>>);

fn run_select(
    db: &rusqlite::Connection,
    sql: &str,
    params: &[(String, Value)],
) -> rusqlite::Result<Rows> {
    let mut stmt = db.prepare(sql)?;
    for (name, value) in params {
        if let Some(i) = stmt.parameter_index(name)? {
            stmt.raw_bind_parameter(i, value)?;
        }
    }
    let decl: Vec<(String, Option<String>)> = stmt
        .columns()
        .iter()
        .map(|c| (c.name().to_string(), c.decl_type().map(str::to_string)))
        .collect();
    let n = decl.len();
    let mut rows = Vec::new();
    let mut raw = stmt.raw_query();
    while let Some(r) = raw.next()? {
        let mut row = Vec::with_capacity(n);
        for i in 0..n {
            row.push(match r.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(v) => Value::Integer(v),
                ValueRef::Real(v) => Value::Real(v),
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            });
        }
        rows.push(row);
    }
    // Types: the declared column type, else what the values are (SQLite keeps datetimes as text).
    let cols = decl
        .into_iter()
        .enumerate()
        .map(|(i, (name, decl))| {
            let ty = match decl.as_deref().map(str::to_ascii_uppercase).as_deref() {
                Some("DATETIME") => ColType::DateTime2,
                Some("BIT") => ColType::Bit,
                Some("BIGINT") => ColType::BigInt,
                Some("INT") => ColType::Int,
                Some("NVARCHAR") => ColType::NVarChar,
                _ => match rows
                    .iter()
                    .map(|r| &r[i])
                    .find(|v| !matches!(v, Value::Null))
                {
                    // COUNT and SUM of int columns are int on SQL Server, unless too big.
                    Some(Value::Integer(_)) => {
                        let fits = rows.iter().all(|r| match &r[i] {
                            Value::Integer(x) => i32::try_from(*x).is_ok(),
                            _ => true,
                        });
                        if fits {
                            ColType::Int
                        } else {
                            ColType::BigInt
                        }
                    }
                    Some(Value::Real(_)) => ColType::Float,
                    Some(Value::Text(t)) if normalise_datetime(t).is_some() => ColType::DateTime2,
                    _ => ColType::NVarChar,
                },
            };
            (name, ty)
        })
        .collect();
    Ok((cols, rows))
}

fn colmetadata(out: &mut Vec<u8>, cols: &[(String, ColType)]) {
    out.push(0x81);
    out.extend_from_slice(&(cols.len() as u16).to_le_bytes());
    for (name, ty) in cols {
        out.extend_from_slice(&0u32.to_le_bytes()); // user type
        out.extend_from_slice(&0x0001u16.to_le_bytes()); // nullable
        match ty {
            ColType::Int => out.extend_from_slice(&[0x26, 4]),
            ColType::BigInt => out.extend_from_slice(&[0x26, 8]),
            ColType::Bit => out.extend_from_slice(&[0x68, 1]),
            ColType::Float => out.extend_from_slice(&[0x6D, 8]),
            ColType::DateTime2 => out.extend_from_slice(&[0x2A, 7]),
            ColType::NVarChar => {
                out.push(0xE7);
                out.extend_from_slice(&8000u16.to_le_bytes());
                out.extend_from_slice(&[0x09, 0x04, 0xD0, 0x00, 0x34]);
            }
        }
        b_varchar(out, name);
    }
}

fn write_value(out: &mut Vec<u8>, ty: ColType, v: &Value) {
    match (ty, v) {
        (ColType::NVarChar, Value::Null) => out.extend_from_slice(&0xFFFFu16.to_le_bytes()),
        (_, Value::Null) => out.push(0),
        (ColType::Int, Value::Integer(i)) => {
            out.push(4);
            out.extend_from_slice(&(*i as i32).to_le_bytes());
        }
        (ColType::BigInt, Value::Integer(i)) => {
            out.push(8);
            out.extend_from_slice(&i.to_le_bytes());
        }
        (ColType::Bit, Value::Integer(i)) => out.extend_from_slice(&[1, (*i != 0) as u8]),
        (ColType::Float, Value::Real(f)) => {
            out.push(8);
            out.extend_from_slice(&f.to_le_bytes());
        }
        (ColType::Float, Value::Integer(i)) => {
            out.push(8);
            out.extend_from_slice(&(*i as f64).to_le_bytes());
        }
        (ColType::DateTime2, Value::Text(t)) => {
            let n = normalise_datetime(t).expect("datetime text");
            let date = chrono::NaiveDate::parse_from_str(&n[..10], "%Y-%m-%d").expect("date");
            let days = date
                .signed_duration_since(chrono::NaiveDate::from_ymd_opt(1, 1, 1).unwrap())
                .num_days() as u32;
            let h: u64 = n[11..13].parse().unwrap();
            let m: u64 = n[14..16].parse().unwrap();
            let s: u64 = n[17..19].parse().unwrap();
            let frac: u64 = n[20..27].parse().unwrap();
            let ticks = ((h * 60 + m) * 60 + s) * 10_000_000 + frac;
            out.push(8);
            out.extend_from_slice(&ticks.to_le_bytes()[..5]);
            out.extend_from_slice(&days.to_le_bytes()[..3]);
        }
        (ColType::NVarChar, other) => {
            let text = match other {
                Value::Text(t) => t.clone(),
                Value::Integer(i) => i.to_string(),
                Value::Real(f) => f.to_string(),
                _ => String::new(),
            };
            let units: Vec<u16> = text.encode_utf16().collect();
            out.extend_from_slice(&((units.len() * 2) as u16).to_le_bytes());
            for u in units {
                out.extend_from_slice(&u.to_le_bytes());
            }
        }
        (t, v) => panic!("test server cannot send {v:?} as {t:?}"),
    }
}

fn error_token(out: &mut Vec<u8>, number: i32, state: u8, class: u8, message: &str) {
    let mut body = Vec::new();
    body.extend_from_slice(&number.to_le_bytes());
    body.push(state);
    body.push(class);
    let units: Vec<u16> = message.encode_utf16().collect();
    body.extend_from_slice(&(units.len() as u16).to_le_bytes());
    for u in units {
        body.extend_from_slice(&u.to_le_bytes());
    }
    b_varchar(&mut body, "TDSTEST");
    b_varchar(&mut body, "");
    body.extend_from_slice(&1i32.to_le_bytes());
    out.push(0xAA);
    out.extend_from_slice(&(body.len() as u16).to_le_bytes());
    out.extend(body);
}

fn done_token(out: &mut Vec<u8>, token: u8, status: u16, cur_cmd: u16, rows: u64) {
    out.push(token);
    out.extend_from_slice(&status.to_le_bytes());
    out.extend_from_slice(&cur_cmd.to_le_bytes());
    out.extend_from_slice(&rows.to_le_bytes());
}

fn env_change(out: &mut Vec<u8>, ty: u8, new: &str, old: &str) {
    let mut body = vec![ty];
    b_varchar(&mut body, new);
    b_varchar(&mut body, old);
    out.push(0xE3);
    out.extend_from_slice(&(body.len() as u16).to_le_bytes());
    out.extend(body);
}

fn b_varchar(out: &mut Vec<u8>, s: &str) {
    let units: Vec<u16> = s.encode_utf16().collect();
    out.push(units.len() as u8);
    for u in units {
        out.extend_from_slice(&u.to_le_bytes());
    }
}

fn u16le(p: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([p[at], p[at + 1]])
}

fn utf16(b: &[u8]) -> String {
    let units: Vec<u16> = b
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

fn all_headers_len(p: &[u8]) -> usize {
    if p.len() >= 4 {
        u32::from_le_bytes([p[0], p[1], p[2], p[3]]) as usize
    } else {
        0
    }
}

/// sp_executesql: @stmt, @params, then the values (@P1, @P2, ...).
fn parse_rpc(p: &[u8]) -> io::Result<(String, Vec<(String, Value)>)> {
    let mut c = Cursor {
        p,
        at: all_headers_len(p),
    };
    let name_len = c.u16()?;
    if name_len == 0xFFFF {
        let id = c.u16()?;
        if id != 10 {
            return Err(io::Error::other(format!(
                "RPC proc id {id} is not sp_executesql"
            )));
        }
    } else {
        c.take(name_len as usize * 2)?;
    }
    c.u16()?; // option flags
    let mut params = Vec::new();
    while c.at < p.len() {
        let n = c.u8()? as usize;
        let name = utf16(c.take(n * 2)?);
        c.u8()?; // status
        params.push((name, c.typed_value()?));
    }
    let sql = match params.first() {
        Some((_, Value::Text(s))) => s.clone(),
        _ => return Err(io::Error::other("sp_executesql without @stmt")),
    };
    let values = params.into_iter().skip(2).collect();
    Ok((sql, values))
}

struct Cursor<'a> {
    p: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        let s = self
            .p
            .get(self.at..self.at + n)
            .ok_or_else(|| io::Error::other("RPC packet too short"))?;
        self.at += n;
        Ok(s)
    }
    fn u8(&mut self) -> io::Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> io::Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> io::Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// TYPE_INFO then the value, for the types tiberius sends.
    fn typed_value(&mut self) -> io::Result<Value> {
        let ty = self.u8()?;
        match ty {
            0x26 | 0x68 => {
                self.u8()?; // max length
                let len = self.u8()? as usize;
                let b = self.take(len)?;
                Ok(match len {
                    0 => Value::Null,
                    1 => Value::Integer(b[0] as i64),
                    2 => Value::Integer(i16::from_le_bytes([b[0], b[1]]) as i64),
                    4 => Value::Integer(i32::from_le_bytes(b.try_into().unwrap()) as i64),
                    _ => Value::Integer(i64::from_le_bytes(b.try_into().unwrap())),
                })
            }
            0x6D => {
                self.u8()?;
                let len = self.u8()? as usize;
                let b = self.take(len)?;
                Ok(match len {
                    0 => Value::Null,
                    4 => Value::Real(f32::from_le_bytes(b.try_into().unwrap()) as f64),
                    _ => Value::Real(f64::from_le_bytes(b.try_into().unwrap())),
                })
            }
            0x2A => {
                let scale = self.u8()?;
                let len = self.u8()? as usize;
                if len == 0 {
                    return Ok(Value::Null);
                }
                let b = self.take(len)?;
                let tlen = len - 3;
                let mut t = [0u8; 8];
                t[..tlen].copy_from_slice(&b[..tlen]);
                let ticks = u64::from_le_bytes(t) * 10u64.pow(7 - scale as u32);
                let days = u32::from_le_bytes([b[tlen], b[tlen + 1], b[tlen + 2], 0]);
                let date = chrono::NaiveDate::from_ymd_opt(1, 1, 1).unwrap()
                    + chrono::Duration::days(days as i64);
                let secs = ticks / 10_000_000;
                Ok(Value::Text(format!(
                    "{} {:02}:{:02}:{:02}.{:07}",
                    date.format("%Y-%m-%d"),
                    secs / 3600,
                    secs / 60 % 60,
                    secs % 60,
                    ticks % 10_000_000
                )))
            }
            0xE7 | 0xEF | 0xA7 | 0xAF => {
                let max = self.u16()?;
                self.take(5)?; // collation
                let wide = ty == 0xE7 || ty == 0xEF;
                let bytes = if max == 0xFFFF {
                    // PLP: total length, then chunks ending with a zero-length one.
                    let total = u64::from_le_bytes(self.take(8)?.try_into().unwrap());
                    if total == u64::MAX {
                        return Ok(Value::Null);
                    }
                    let mut v = Vec::new();
                    loop {
                        let n = self.u32()? as usize;
                        if n == 0 {
                            break;
                        }
                        v.extend_from_slice(self.take(n)?);
                    }
                    v
                } else {
                    let n = self.u16()?;
                    if n == 0xFFFF {
                        return Ok(Value::Null);
                    }
                    self.take(n as usize)?.to_vec()
                };
                Ok(Value::Text(if wide {
                    utf16(&bytes)
                } else {
                    String::from_utf8_lossy(&bytes).into_owned()
                }))
            }
            other => Err(io::Error::other(format!(
                "test server cannot read parameter type 0x{other:02X}"
            ))),
        }
    }
}

/// A SQL Browser (MS-SQLR) answering CLNT_UCAST_INST for one instance, on a free UDP port of
/// 127.0.0.1 (the client is pointed at it with LICENSEAUDIT_SQL_BROWSER_PORT).
pub fn start_browser(instance: &str, tcp_port: u16) -> u16 {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind udp");
    let port = socket.local_addr().unwrap().port();
    let instance = instance.to_string();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            if n < 2 || buf[0] != 0x04 {
                continue;
            }
            let asked = String::from_utf8_lossy(&buf[1..n])
                .trim_end_matches('\0')
                .to_string();
            if !asked.eq_ignore_ascii_case(&instance) {
                continue;
            }
            let text = format!("ServerName;TDSTEST;InstanceName;{instance};IsClustered;No;Version;15.0.4000.0;tcp;{tcp_port};;");
            let mut reply = vec![0x05];
            reply.extend_from_slice(&(text.len() as u16).to_le_bytes());
            reply.extend_from_slice(text.as_bytes());
            let _ = socket.send_to(&reply, from);
        }
    });
    port
}
