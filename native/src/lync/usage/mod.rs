//! `lync usage`: what each user and device actually used, from the LcsCDR monitoring database,
//! in MAP Toolkit terms (Yes / No / InsufficientData per Standard, Enterprise, Plus; seed 000,
//! ../shared/domain/lync-cal.md "Monitoring databases").

pub mod connect;
pub mod queries;

use crate::error::{AppError, AppResult};
use crate::records::OutputRecord;
use crate::run::Context;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use connect::{Auth, ConnectOptions, ServerAddress, SqlClient};
use queries::{Query, Schema};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;

/// Evidence counts behind one user's answer, all within the window.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UsageEvidence {
    pub registrations: i64,
    #[serde(rename = "P2PImSessions")]
    pub p2p_im_sessions: i64,
    #[serde(rename = "P2PAudioVideoSessions")]
    pub p2p_audio_video_sessions: i64,
    #[serde(rename = "P2PAppSharingSessions")]
    pub p2p_app_sharing_sessions: i64,
    pub conferences_joined: i64,
    pub conferences_organized_audio_video: i64,
    pub conferences_organized_app_sharing: i64,
    pub conferences_organized_data: i64,
    pub max_conference_participants: i64,
    pub dial_in_participants: i64,
    pub pstn_calls_out: i64,
    pub pstn_calls_in: i64,
    pub delegated_calls: i64,
    pub rgs_agent_calls: i64,
}

/// What one user used, MAP-style.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LyncUserUsage {
    pub sip_address: String,
    /// Yes, No or InsufficientData
    pub standard: String,
    pub enterprise: String,
    pub plus: String,
    pub last_activity: Option<DateTime<Utc>>,
    pub evidence: UsageEvidence,
    /// Which evidence decided each Yes, or why an answer is InsufficientData
    pub reasons: Vec<String>,
}

impl OutputRecord for LyncUserUsage {
    const RECORD_TYPE: &'static str = "LyncUserUsage";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "SipAddress",
        "Standard",
        "Enterprise",
        "Plus",
        "LastActivity",
    ];
}

/// What one device used.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LyncDeviceUsage {
    /// MAC address (Lync 2013+), else the endpoint id
    pub device: String,
    /// CommonAreaPhone, IPPhone or Computer
    pub device_kind: String,
    pub sip_address: Option<String>,
    pub client_version: Option<String>,
    pub standard: String,
    pub enterprise: String,
    pub plus: String,
    pub last_activity: Option<DateTime<Utc>>,
    pub registrations: i64,
    pub reasons: Vec<String>,
}

impl OutputRecord for LyncDeviceUsage {
    const RECORD_TYPE: &'static str = "LyncDeviceUsage";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "Device",
        "DeviceKind",
        "SipAddress",
        "Standard",
        "Enterprise",
        "Plus",
    ];
}

/// Whether the monitoring data covers the window.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LyncUsageCoverage {
    pub server: String,
    pub cdr_database: String,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub first_record: Option<DateTime<Utc>>,
    pub last_record: Option<DateTime<Utc>>,
    /// The first record is at or before the window start
    pub window_covered: bool,
    /// Lync 2010 or Lync 2013+ (detected columns)
    pub schema: String,
    pub users: u64,
    pub devices: u64,
    /// Rows received from the server, all queries
    pub rows_received: u64,
    pub note: Option<String>,
}

impl OutputRecord for LyncUsageCoverage {
    const RECORD_TYPE: &'static str = "LyncUsageCoverage";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "Server",
        "WindowStart",
        "FirstRecord",
        "WindowCovered",
        "Users",
        "Devices",
    ];
}

fn sip(uri: &str) -> String {
    crate::lync::inputs::sip_key(uri)
}

/// A result column read whatever integer width or date type the server used.
fn int(row: &tiberius::Row, name: &str) -> i64 {
    row.try_get::<i64, _>(name)
        .ok()
        .flatten()
        .or_else(|| row.try_get::<i32, _>(name).ok().flatten().map(i64::from))
        .or_else(|| row.try_get::<u8, _>(name).ok().flatten().map(i64::from))
        .or_else(|| row.try_get::<bool, _>(name).ok().flatten().map(i64::from))
        .unwrap_or(0)
}

fn time(row: &tiberius::Row, name: &str) -> Option<DateTime<Utc>> {
    row.try_get::<NaiveDateTime, _>(name)
        .ok()
        .flatten()
        .map(|n| n.and_utc())
}

fn text(row: &tiberius::Row, name: &str) -> Option<String> {
    row.try_get::<&str, _>(name)
        .ok()
        .flatten()
        .map(str::to_string)
}

struct Runner<'a> {
    client: &'a mut SqlClient,
    timeout: std::time::Duration,
    rows: u64,
    what: String,
}

impl Runner<'_> {
    async fn rows(
        &mut self,
        q: &Query,
        start: NaiveDateTime,
        end: NaiveDateTime,
    ) -> AppResult<Vec<tiberius::Row>> {
        let secs = self.timeout.as_secs();
        let what = self.what.clone();
        let run = async {
            let stream = self.client.query(q.sql.as_str(), &[&start, &end]).await?;
            stream.into_first_result().await
        };
        let rows = tokio::time::timeout(self.timeout, run)
            .await
            .map_err(|_| {
                AppError::Unreachable(format!(
                    "{what}: query {} timed out after {secs} s (--query-timeout)",
                    q.name
                ))
            })?
            .map_err(|e| AppError::Unreachable(format!("{what}: query {} failed: {e}", q.name)))?;
        self.rows += rows.len() as u64;
        Ok(rows)
    }

    async fn columns(&mut self, table: &str) -> AppResult<BTreeSet<String>> {
        let what = self.what.clone();
        let run = async {
            let mut stream = self.client.simple_query(queries::probe(table)).await?;
            let cols = stream
                .columns()
                .await?
                .map(|c| c.iter().map(|c| c.name().to_ascii_lowercase()).collect())
                .unwrap_or_default();
            stream.into_results().await?;
            Ok::<_, tiberius::error::Error>(cols)
        };
        tokio::time::timeout(self.timeout, run)
            .await
            .map_err(|_| AppError::Unreachable(format!("{what}: probing dbo.{table} timed out")))?
            .map_err(|e| AppError::Unreachable(format!("{what}: cannot read dbo.{table} ({e}): is this an LcsCDR database, and may the login read it?")))
    }
}

#[derive(Default)]
struct UserAgg {
    e: UsageEvidence,
    last: Option<DateTime<Utc>>,
}

fn later(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

/// MAP's answer: Yes on evidence; without evidence No when the window is covered, else
/// InsufficientData.
fn answer(yes: bool, covered: bool) -> &'static str {
    match (yes, covered) {
        (true, _) => "Yes",
        (false, true) => "No",
        (false, false) => "InsufficientData",
    }
}

fn classify_user(sip_address: String, agg: &UserAgg, covered: bool) -> LyncUserUsage {
    let e = &agg.e;
    let mut reasons = Vec::new();
    let mut say = |cond: bool, text: String| {
        if cond {
            reasons.push(text);
        }
    };
    let standard =
        e.registrations + e.p2p_im_sessions + e.p2p_audio_video_sessions + e.conferences_joined > 0;
    say(
        e.registrations > 0,
        format!("Standard: {} client registration(s)", e.registrations),
    );
    say(
        e.p2p_im_sessions > 0,
        format!("Standard: {} peer-to-peer IM session(s)", e.p2p_im_sessions),
    );
    say(
        e.p2p_audio_video_sessions > 0,
        format!(
            "Standard: {} peer-to-peer audio/video session(s)",
            e.p2p_audio_video_sessions
        ),
    );
    say(
        e.conferences_joined > 0,
        format!("Standard: joined {} conference(s)", e.conferences_joined),
    );
    let enterprise = e.conferences_organized_audio_video
        + e.conferences_organized_app_sharing
        + e.conferences_organized_data
        + e.dial_in_participants
        + e.p2p_app_sharing_sessions
        > 0;
    say(
        e.conferences_organized_audio_video > 0,
        format!(
            "Enterprise: organised {} conference(s) with audio/video joined by 2+ participants",
            e.conferences_organized_audio_video
        ),
    );
    say(e.conferences_organized_app_sharing > 0, format!("Enterprise: organised {} conference(s) with application sharing joined by 2+ participants", e.conferences_organized_app_sharing));
    say(
        e.conferences_organized_data > 0,
        format!(
            "Enterprise: organised {} data-collaboration conference(s) joined by 2+ participants",
            e.conferences_organized_data
        ),
    );
    say(
        e.dial_in_participants > 0,
        format!(
            "Enterprise: {} dial-in (PSTN) participant(s) in conferences they organised",
            e.dial_in_participants
        ),
    );
    say(
        e.p2p_app_sharing_sessions > 0,
        format!(
            "Enterprise: {} peer-to-peer application sharing session(s)",
            e.p2p_app_sharing_sessions
        ),
    );
    let plus = e.pstn_calls_out + e.pstn_calls_in + e.delegated_calls + e.rgs_agent_calls > 0;
    say(
        e.pstn_calls_out > 0,
        format!(
            "Plus: {} call(s) to the PSTN through a gateway",
            e.pstn_calls_out
        ),
    );
    say(
        e.pstn_calls_in > 0,
        format!(
            "Plus: {} call(s) from the PSTN through a gateway",
            e.pstn_calls_in
        ),
    );
    say(
        e.delegated_calls > 0,
        format!(
            "Plus: {} call(s) made on behalf of another user (delegation)",
            e.delegated_calls
        ),
    );
    say(
        e.rgs_agent_calls > 0,
        format!("Plus: {} Response Group agent call(s)", e.rgs_agent_calls),
    );
    // Enterprise and Plus are added to Standard: any use of them is use of Lync.
    let direct_standard = standard;
    let standard = standard || enterprise || plus;
    if standard && !direct_standard {
        reasons.insert(
            0,
            "Standard: implied by the Enterprise or Plus usage below (both are added to Standard)"
                .into(),
        );
    }
    if !covered && !(standard && enterprise && plus) {
        reasons.push("InsufficientData: the monitoring data starts after the window start, so absence of usage proves nothing".into());
    }
    LyncUserUsage {
        sip_address,
        standard: answer(standard, covered).into(),
        enterprise: answer(enterprise, covered).into(),
        plus: answer(plus, covered).into(),
        last_activity: agg.last,
        evidence: e.clone(),
        reasons,
    }
}

fn read_password(args: &crate::cli::UsageArgs) -> AppResult<String> {
    if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| {
            AppError::Arguments(format!("--password-stdin: cannot read stdin: {e}"))
        })?;
        let p = line.trim_end_matches(['\r', '\n']).to_string();
        if p.is_empty() {
            return Err(AppError::Arguments(
                "--password-stdin: stdin held no password".into(),
            ));
        }
        return Ok(p);
    }
    std::env::var("LICENSEAUDIT_SQL_PASSWORD").map_err(|_| {
        AppError::Arguments("a SQL login needs its password in LICENSEAUDIT_SQL_PASSWORD or on stdin with --password-stdin (never on the command line)".into())
    })
}

/// Coverage, schema shape, users, LcsCDR device rows, QoE IP-phone rows, rows received.
type Fetched = (
    (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    Schema,
    BTreeMap<String, UserAgg>,
    Vec<tiberius::Row>,
    Vec<tiberius::Row>,
    u64,
);

pub fn run(ctx: &mut Context, args: &crate::cli::UsageArgs) -> AppResult<()> {
    let server = ServerAddress::parse(&args.server)
        .map_err(|m| AppError::Arguments(format!("--server: {m}")))?;
    let auth = match args.auth {
        crate::cli::SqlAuth::Sql => Auth::Sql {
            user: args
                .user
                .clone()
                .ok_or_else(|| AppError::Arguments("--auth sql needs --user".into()))?,
            password: read_password(args)?,
        },
        crate::cli::SqlAuth::Integrated => Auth::Integrated,
    };
    let options = ConnectOptions {
        server,
        auth,
        encrypt: args.encrypt == crate::cli::OnOff::On,
        trust_server_certificate: args.trust_server_certificate,
        connect_timeout: std::time::Duration::from_secs(args.connect_timeout),
    };
    let end = ctx.as_of;
    let start = end - Duration::days(args.days as i64);
    // Devices named as common area phones (Get-CsCommonAreaPhone) are reported as such.
    let mut caps: BTreeSet<String> = BTreeSet::new();
    if let Some(path) = &args.common_area_phones {
        for d in ctx.load_all(path, |r| r.req_str("SipAddress"))? {
            caps.insert(sip(&d));
        }
    }
    // With --users, every Lync user gets an answer, not only those with usage.
    let mut population: BTreeSet<String> = BTreeSet::new();
    if let Some(path) = &args.users {
        for u in ctx.load_all(path, |r| r.req_str("SipAddress"))? {
            population.insert(sip(&u));
        }
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::Unreachable(format!("cannot start the async runtime: {e}")))?;
    let mut progress = ctx.progress("Reading Lync monitoring data");
    let what = format!("{} / {}", options.server.display(), args.cdr_database);
    // tiberius asserts (panics) on some protocol surprises from a misbehaving server; such a
    // server is a data source problem (exit 4), never a crash.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async {
            let mut client = connect::connect(&options, &args.cdr_database).await?;
            let mut r = Runner {
                client: &mut client,
                timeout: std::time::Duration::from_secs(args.query_timeout),
                rows: 0,
                what,
            };
            let reg = r.columns("Registration").await?;
            let cv = r.columns("ClientVersions").await?;
            let schema = Schema {
                registration_device_id: reg.contains("deviceid"),
                client_type: cv.contains("clienttype"),
            };
            let (s, e) = (start.naive_utc(), end.naive_utc());
            progress.tick("coverage", 0, None);
            let cov = r.rows(&queries::coverage(), s, e).await?;
            let coverage = cov
                .first()
                .map(|row| (time(row, "FirstRecord"), time(row, "LastRecord")))
                .unwrap_or((None, None));
            let mut users: BTreeMap<String, UserAgg> = BTreeMap::new();
            let qs = queries::user_queries(schema);
            let total = qs.len() as u64 + 1;
            for (i, q) in qs.iter().enumerate() {
                progress.tick(q.name, i as u64 + 1, Some(total));
                for row in r.rows(q, s, e).await? {
                    let Some(uri) = text(&row, "UserUri") else {
                        continue;
                    };
                    let a = users.entry(sip(&uri)).or_default();
                    a.last = later(a.last, time(&row, "LastActivity"));
                    let ev = &mut a.e;
                    match q.name {
                        "Registrations" => ev.registrations += int(&row, "Registrations"),
                        "PeerToPeer" => {
                            ev.p2p_im_sessions += int(&row, "P2PIm");
                            ev.p2p_audio_video_sessions += int(&row, "P2PAudioVideo");
                            ev.p2p_app_sharing_sessions += int(&row, "P2PAppSharing");
                            ev.delegated_calls += int(&row, "DelegatedCalls");
                            ev.rgs_agent_calls += int(&row, "RgsAgentCalls");
                        }
                        "Pstn" => {
                            ev.pstn_calls_out += int(&row, "PstnOut");
                            ev.pstn_calls_in += int(&row, "PstnIn");
                        }
                        "ConferencesOrganized" => {
                            ev.conferences_organized_audio_video +=
                                int(&row, "AudioVideoConferences");
                            ev.conferences_organized_app_sharing +=
                                int(&row, "AppSharingConferences");
                            ev.conferences_organized_data += int(&row, "DataConferences");
                            ev.dial_in_participants += int(&row, "DialInParticipants");
                            ev.max_conference_participants = ev
                                .max_conference_participants
                                .max(int(&row, "MaxParticipants"));
                        }
                        "ConferencesJoined" => {
                            ev.conferences_joined += int(&row, "ConferencesJoined")
                        }
                        _ => {}
                    }
                }
            }
            progress.tick("Devices", total, Some(total));
            let devices = r.rows(&queries::device_query(schema), s, e).await?;
            let mut rows = r.rows;
            let _ = client.close().await;
            // QoEMetrics tells which calls were made from IP phones.
            let mut qoe_client = connect::connect(&options, &args.qoe_database).await?;
            let mut q = Runner {
                client: &mut qoe_client,
                timeout: std::time::Duration::from_secs(args.query_timeout),
                rows: 0,
                what: format!("{} / {}", options.server.display(), args.qoe_database),
            };
            let phones = q.rows(&queries::qoe_ip_phones(), s, e).await?;
            rows += q.rows;
            let _ = qoe_client.close().await;
            Ok::<Fetched, AppError>((coverage, schema, users, devices, phones, rows))
        })
    }));
    std::panic::set_hook(previous_hook);
    let (coverage_row, schema, users, devices, qoe_phones, rows) = match outcome {
        Ok(result) => result?,
        Err(panic) => {
            let detail = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unexpected protocol state");
            return Err(AppError::Unreachable(format!(
                "the SQL Server connection to {} failed during the protocol exchange ({detail}); with TLS on, a server that does not offer TLS ends here: try --encrypt off or --trust-server-certificate",
                args.server
            )));
        }
    };
    progress.finish("done", rows);

    let (first, last) = coverage_row;
    let covered = first.is_some_and(|f| f <= start);
    let mut out = ctx.open_output()?;
    // Users with no usage at all still get an answer.
    let mut all: BTreeMap<String, UserAgg> = users;
    for s in population {
        all.entry(s).or_default();
    }
    let user_count = all.len() as u64;
    for (s, agg) in &all {
        if caps.contains(s) {
            continue;
        }
        out.write(&classify_user(s.clone(), agg, covered))
            .map_err(AppError::Output)?;
    }
    // IP-phone sessions per user (QoEMetrics); endpoints seen only there become devices too.
    let mut phone_sessions: BTreeMap<String, i64> = BTreeMap::new();
    for row in &qoe_phones {
        if let Some(u) = text(row, "UserUri") {
            *phone_sessions.entry(sip(&u)).or_default() += int(row, "Sessions");
        }
    }
    let mut device_count = 0u64;
    let mut seen_caps = BTreeSet::new();
    let mut phone_users_seen = BTreeSet::new();
    for row in &devices {
        let user = text(row, "UserUri").map(|u| sip(&u));
        let mac = text(row, "MacAddress");
        let device = mac.or_else(|| text(row, "EndpointId")).unwrap_or_default();
        let registrations = int(row, "Registrations");
        let is_cap = user.as_ref().is_some_and(|u| caps.contains(u));
        let is_phone = int(row, "IsIpPhone") == 1;
        let user_agg = user.as_ref().and_then(|u| all.get(u));
        let (kind, std, ent, plus, reasons) = if is_cap {
            seen_caps.insert(user.clone().unwrap_or_default());
            (
                "CommonAreaPhone",
                "Yes",
                "No",
                "Yes",
                vec!["common area phone: Standard and Plus whatever its usage (MAP)".to_string()],
            )
        } else if is_phone {
            let pstn = user_agg.is_some_and(|a| a.e.pstn_calls_in + a.e.pstn_calls_out > 0);
            let mut r = vec![format!(
                "IP phone: {registrations} registration(s) in the window"
            )];
            if pstn {
                r.push("Plus: PSTN calls by the user the phone is registered to".into());
            }
            (
                "IPPhone",
                "Yes",
                "No",
                if pstn { "Yes" } else { answer(false, covered) },
                r,
            )
        } else {
            let used = user_agg.is_some_and(|a| {
                a.e.p2p_im_sessions + a.e.p2p_audio_video_sessions + a.e.conferences_joined > 0
            });
            (
                "Computer",
                if used { "Yes" } else { "InsufficientData" },
                "InsufficientData",
                "InsufficientData",
                vec!["computer: Enterprise and Plus cannot be decided per device; Standard only when its user's sessions are recorded (MAP)".to_string()],
            )
        };
        device_count += 1;
        out.write(&LyncDeviceUsage {
            device,
            device_kind: kind.into(),
            sip_address: user,
            client_version: text(row, "ClientVersion"),
            standard: std.into(),
            enterprise: ent.into(),
            plus: plus.into(),
            last_activity: time(row, "LastActivity"),
            registrations,
            reasons,
        })
        .map_err(AppError::Output)?;
    }
    // IP phones seen in QoEMetrics whose registrations fell outside what LcsCDR returned.
    for row in &qoe_phones {
        let Some(user) = text(row, "UserUri").map(|u| sip(&u)) else {
            continue;
        };
        if phone_users_seen.contains(&user) || caps.contains(&user) {
            continue;
        }
        phone_users_seen.insert(user.clone());
        let pstn = all
            .get(&user)
            .is_some_and(|a| a.e.pstn_calls_in + a.e.pstn_calls_out > 0);
        device_count += 1;
        out.write(&LyncDeviceUsage {
            device: text(row, "EndpointName").unwrap_or_else(|| user.clone()),
            device_kind: "IPPhone".into(),
            sip_address: Some(user),
            client_version: None,
            standard: "Yes".into(),
            enterprise: "No".into(),
            plus: if pstn { "Yes" } else { answer(false, covered) }.into(),
            last_activity: time(row, "LastActivity"),
            registrations: 0,
            reasons: vec![format!(
                "IP phone: {} call(s) from an IP phone (QoEMetrics)",
                int(row, "Sessions")
            )],
        })
        .map_err(AppError::Output)?;
    }
    // Common area phones that never registered in the window are still Standard + Plus.
    for cap in caps.difference(&seen_caps) {
        device_count += 1;
        out.write(&LyncDeviceUsage {
            device: cap.clone(),
            device_kind: "CommonAreaPhone".into(),
            sip_address: Some(cap.clone()),
            client_version: None,
            standard: "Yes".into(),
            enterprise: "No".into(),
            plus: "Yes".into(),
            last_activity: None,
            registrations: 0,
            reasons: vec!["common area phone: Standard and Plus whatever its usage (MAP); no registration in the window".into()],
        })
        .map_err(AppError::Output)?;
    }
    out.write(&LyncUsageCoverage {
        server: options.server.display(),
        cdr_database: args.cdr_database.clone(),
        window_start: start,
        window_end: end,
        first_record: first,
        last_record: last,
        window_covered: covered,
        schema: if schema.client_type || schema.registration_device_id { "Lync 2013 or later".into() } else { "Lync 2010".into() },
        users: user_count,
        devices: device_count,
        rows_received: rows,
        note: (!covered).then(|| {
            "the call detail records start after the window start (KeepCallDetailForDays may be shorter than --days): users without usage are InsufficientData, not No".to_string()
        }),
    })
    .map_err(AppError::Output)?;
    out.finish().map_err(AppError::Output)?;
    Ok(())
}

/// `lync usage-queries`: the exact SQL, for a DBA to review before granting access.
pub fn print_queries(ctx: &mut Context, args: &crate::cli::UsageQueriesArgs) -> AppResult<()> {
    let schema = if args.lync2010 {
        Schema::lync2010()
    } else {
        Schema::lync2013()
    };
    let mut text = String::from("-- LicenseAudit `lync usage`: read-only queries against the LcsCDR database (and the last one against QoEMetrics).\n-- @P1 = window start, @P2 = window end (datetime2 parameters).\n");
    text.push_str(&format!(
        "-- Schema shape: {}. Column probes run first: {}; {}.\n\n",
        if args.lync2010 {
            "Lync 2010 (no Registration.DeviceId, no ClientVersions.ClientType)"
        } else {
            "Lync 2013 and later"
        },
        queries::probe("Registration"),
        queries::probe("ClientVersions")
    ));
    let mut all = vec![queries::coverage()];
    all.extend(queries::user_queries(schema));
    all.push(queries::device_query(schema));
    all.push(queries::qoe_ip_phones());
    for q in all {
        text.push_str(&format!("-- {}: {}\n{};\n\n", q.name, q.purpose, q.sql));
    }
    ctx.write_text(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_usage_alone_implies_standard_and_says_so() {
        let agg = UserAgg {
            e: UsageEvidence {
                pstn_calls_in: 2,
                ..Default::default()
            },
            last: None,
        };
        let u = classify_user("sip:x@contoso.com".into(), &agg, true);
        assert_eq!(
            (u.standard.as_str(), u.enterprise.as_str(), u.plus.as_str()),
            ("Yes", "No", "Yes")
        );
        assert!(
            u.reasons[0].starts_with("Standard: implied"),
            "{:?}",
            u.reasons
        );
    }

    #[test]
    fn no_evidence_is_no_only_when_the_window_is_covered() {
        let agg = UserAgg::default();
        assert_eq!(classify_user("a".into(), &agg, true).standard, "No");
        assert_eq!(
            classify_user("a".into(), &agg, false).standard,
            "InsufficientData"
        );
    }
}
