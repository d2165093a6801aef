//! `lync usage`: what each user and device actually used, from the LcsCDR monitoring database,
//! in MAP Toolkit terms (Yes / No / InsufficientData per Standard, Enterprise, Plus; rules in
//! docs/rules/lync-usage.md).

pub mod connect;
mod error;
pub mod merge;
pub mod queries;
mod records;

pub use error::{ConnectHint, UsageError};
pub use records::{LyncDeviceUsage, LyncUsageCoverage, LyncUserUsage, StoreRecord, UsageEvidence};

use crate::ingest::{load_all, DateOrder};
use crate::model::{RecordSink, Reporter, SchemaEntry, UsageAnswer, UsageDeviceKind};
use chrono::{DateTime, NaiveDateTime, Utc};
use connect::{ConnectOptions, SqlClient};
use queries::{Query, Schema, UserQuery};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// One monitoring store: the SQL Server holding LcsCDR (and QoEMetrics).
#[derive(Debug, Clone)]
pub struct Store {
    /// As the admin named it, for messages and merged reasons.
    pub name: String,
    pub connection: ConnectOptions,
}

/// What `lync usage` reads, from where, over which window.
#[derive(Debug, Clone)]
pub struct UsageOptions {
    /// One or more monitoring stores; several are merged into one answer per user and device.
    pub stores: Vec<Store>,
    /// The call detail recording database (LcsCDR)
    pub cdr_database: String,
    /// The QoE database (which calls were made from IP phones)
    pub qoe_database: String,
    pub query_timeout: Duration,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    /// Get-CsUser: every user gets an answer, including those with no usage (No)
    pub users: Option<String>,
    /// Get-CsCommonAreaPhone: these devices are common area phones (Standard + Plus)
    pub common_area_phones: Option<String>,
    /// The month/day order of the exports' culture-text dates, when the admin gave it.
    pub date_order: Option<DateOrder>,
}

pub fn schemas() -> Vec<SchemaEntry> {
    vec![
        SchemaEntry::output::<LyncUserUsage>(
            "What one Lync/SfB user used in the window, MAP-style (Yes / No / InsufficientData)",
        ),
        SchemaEntry::output::<LyncDeviceUsage>(
            "What one device (common area phone, IP phone, computer) used in the window",
        ),
        SchemaEntry::output::<LyncUsageCoverage>(
            "Whether the monitoring data covers the window, and what was read",
        ),
    ]
}

fn sip(uri: &str) -> String {
    crate::model::text::sip_key(uri)
}

/// A column the server returned with a type the query did not ask for (or not at all): an
/// error naming it, never a silent 0 that would turn usage into "No".
fn column_error(row: &tiberius::Row, name: &str, wanted: &str) -> UsageError {
    let found = row
        .columns()
        .iter()
        .find(|c| c.name().eq_ignore_ascii_case(name))
        .map(|c| format!("{:?}", c.column_type()));
    UsageError::UnexpectedColumn {
        column: name.to_string(),
        problem: match found {
            Some(t) => format!("is {t}, not {wanted}"),
            None => "is missing from the result".to_string(),
        },
    }
}

/// An integer column of any width (or a bit); NULL is 0.
fn int(row: &tiberius::Row, name: &str) -> Result<i64, UsageError> {
    if let Ok(v) = row.try_get::<i64, _>(name) {
        return Ok(v.unwrap_or(0));
    }
    if let Ok(v) = row.try_get::<i32, _>(name) {
        return Ok(v.map_or(0, i64::from));
    }
    if let Ok(v) = row.try_get::<i16, _>(name) {
        return Ok(v.map_or(0, i64::from));
    }
    if let Ok(v) = row.try_get::<u8, _>(name) {
        return Ok(v.map_or(0, i64::from));
    }
    if let Ok(v) = row.try_get::<bool, _>(name) {
        return Ok(v.map_or(0, i64::from));
    }
    Err(column_error(row, name, "an integer"))
}

/// A datetime column; NULL is None.
fn time(row: &tiberius::Row, name: &str) -> Result<Option<DateTime<Utc>>, UsageError> {
    row.try_get::<NaiveDateTime, _>(name)
        .map(|v| v.map(|n| n.and_utc()))
        .map_err(|_| column_error(row, name, "a date and time"))
}

/// A text column; NULL is None.
fn text(row: &tiberius::Row, name: &str) -> Result<Option<String>, UsageError> {
    row.try_get::<&str, _>(name)
        .map(|v| v.map(str::to_string))
        .map_err(|_| column_error(row, name, "text"))
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
    ) -> Result<Vec<tiberius::Row>, UsageError> {
        let secs = self.timeout.as_secs();
        let what = self.what.clone();
        let run = connect::contained(&what, async {
            let stream = self.client.query(q.sql.as_str(), &[&start, &end]).await?;
            stream.into_first_result().await
        });
        let rows = tokio::time::timeout(self.timeout, run)
            .await
            .map_err(|_| UsageError::Unreachable {
                message: format!("{what}: query {} timed out after {secs} s", q.name),
                hint: Some(ConnectHint::QueryTimeout),
            })??
            .map_err(|e| {
                UsageError::unreachable(format!("{what}: query {} failed: {e}", q.name))
            })?;
        self.rows += rows.len() as u64;
        Ok(rows)
    }

    async fn columns(&mut self, table: &str) -> Result<BTreeSet<String>, UsageError> {
        let what = self.what.clone();
        let run = connect::contained(&what, async {
            let mut stream = self.client.simple_query(queries::probe(table)).await?;
            let cols = stream
                .columns()
                .await?
                .map(|c| c.iter().map(|c| c.name().to_ascii_lowercase()).collect())
                .unwrap_or_default();
            stream.into_results().await?;
            Ok::<_, tiberius::error::Error>(cols)
        });
        tokio::time::timeout(self.timeout, run)
            .await
            .map_err(|_| UsageError::unreachable(format!("{what}: probing dbo.{table} timed out")))??
            .map_err(|e| UsageError::unreachable(format!("{what}: cannot read dbo.{table} ({e}): is this an LcsCDR database, and may the login read it?")))
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

fn answer(yes: bool, covered: bool) -> UsageAnswer {
    UsageAnswer::from_evidence(yes, covered)
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
            "Enterprise: started {} peer-to-peer session(s) with application sharing (the user who starts the session is taken as the sharer; the viewer is Standard)",
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
        format!(
            "Plus: {} call(s) placed as a Response Group agent (CallFlag 0x02, this user the calling party)",
            e.rgs_agent_calls
        ),
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
        standard: answer(standard, covered),
        enterprise: answer(enterprise, covered),
        plus: answer(plus, covered),
        last_activity: agg.last,
        evidence: e.clone(),
        reasons,
    }
}

/// Coverage, schema shape, users, LcsCDR device rows, QoE IP-phone rows (or why QoEMetrics could
/// not be read), rows received.
type Fetched = (
    (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    Schema,
    BTreeMap<String, UserAgg>,
    Vec<tiberius::Row>,
    Result<Vec<tiberius::Row>, String>,
    u64,
);

/// Reads the monitoring databases. Runs on the caller's async runtime.
async fn fetch(
    options: &UsageOptions,
    connection: &ConnectOptions,
    reporter: &mut impl Reporter,
) -> Result<Fetched, UsageError> {
    let activity = "Reading Lync monitoring data";
    let what = format!("{} / {}", connection.server.display(), options.cdr_database);
    let (s, e) = (
        options.window_start.naive_utc(),
        options.window_end.naive_utc(),
    );
    let mut client = connect::connect(connection, &options.cdr_database).await?;
    let mut r = Runner {
        client: &mut client,
        timeout: options.query_timeout,
        rows: 0,
        what,
    };
    let reg = r.columns("Registration").await?;
    let cv = r.columns("ClientVersions").await?;
    let schema = Schema {
        registration_device_id: reg.contains("deviceid"),
        client_type: cv.contains("clienttype"),
    };
    reporter.progress(activity, "coverage", 0, None);
    let cov = r.rows(&queries::coverage(), s, e).await?;
    let coverage = cov
        .first()
        .map(|row| Ok::<_, UsageError>((time(row, "FirstRecord")?, time(row, "LastRecord")?)))
        .transpose()?
        .unwrap_or((None, None));
    let mut users: BTreeMap<String, UserAgg> = BTreeMap::new();
    let total = UserQuery::ALL.len() as u64 + 1;
    for (i, &which) in UserQuery::ALL.iter().enumerate() {
        let q = queries::user_query(which, schema);
        reporter.progress(activity, q.name.as_str(), i as u64 + 1, Some(total));
        for row in r.rows(&q, s, e).await? {
            let Some(uri) = text(&row, "UserUri")? else {
                continue;
            };
            let a = users.entry(sip(&uri)).or_default();
            a.last = later(a.last, time(&row, "LastActivity")?);
            let ev = &mut a.e;
            match which {
                UserQuery::Registrations => ev.registrations += int(&row, "Registrations")?,
                UserQuery::PeerToPeer => {
                    ev.p2p_im_sessions += int(&row, "P2PIm")?;
                    ev.p2p_audio_video_sessions += int(&row, "P2PAudioVideo")?;
                    ev.p2p_app_sharing_sessions += int(&row, "P2PAppSharing")?;
                    ev.delegated_calls += int(&row, "DelegatedCalls")?;
                    ev.rgs_agent_calls += int(&row, "RgsAgentCalls")?;
                }
                UserQuery::Pstn => {
                    ev.pstn_calls_out += int(&row, "PstnOut")?;
                    ev.pstn_calls_in += int(&row, "PstnIn")?;
                }
                UserQuery::ConferencesOrganized => {
                    ev.conferences_organized_audio_video += int(&row, "AudioVideoConferences")?;
                    ev.conferences_organized_app_sharing += int(&row, "AppSharingConferences")?;
                    ev.conferences_organized_data += int(&row, "DataConferences")?;
                    ev.dial_in_participants += int(&row, "DialInParticipants")?;
                    ev.max_conference_participants = ev
                        .max_conference_participants
                        .max(int(&row, "MaxParticipants")?);
                }
                UserQuery::ConferencesJoined => {
                    ev.conferences_joined += int(&row, "ConferencesJoined")?
                }
            }
        }
    }
    reporter.progress(activity, "Devices", total, Some(total));
    let devices = r.rows(&queries::device_query(schema), s, e).await?;
    let mut rows = r.rows;
    let _ = connect::contained(&connection.server.display(), client.close()).await;
    // QoEMetrics tells which calls were made from IP phones. It is optional: QoE may be off, or
    // the login granted LcsCDR only; the CDR answers stand without it.
    let qoe = match read_qoe(options, connection, s, e).await {
        Ok((phones, n)) => {
            rows += n;
            Ok(phones)
        }
        Err(err) => {
            reporter.warning(
                "QoEMetricsUnavailable",
                &format!("{err}; the audit goes on without it: IP phones are told from LcsCDR registrations only"),
            );
            Err(err.to_string())
        }
    };
    reporter.progress_done(activity, "done", rows);
    Ok((coverage, schema, users, devices, qoe, rows))
}

/// The QoEMetrics IP-phone rows, and how many rows were received.
async fn read_qoe(
    options: &UsageOptions,
    connection: &ConnectOptions,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Result<(Vec<tiberius::Row>, u64), UsageError> {
    let mut client = connect::connect(connection, &options.qoe_database).await?;
    let mut q = Runner {
        client: &mut client,
        timeout: options.query_timeout,
        rows: 0,
        what: format!("{} / {}", connection.server.display(), options.qoe_database),
    };
    let phones = q.rows(&queries::qoe_ip_phones(), start, end).await?;
    let n = q.rows;
    let _ = connect::contained(&connection.server.display(), client.close()).await;
    Ok((phones, n))
}

/// `lync usage`: one LyncUserUsage per user, one LyncDeviceUsage per device, then the coverage
/// of each store. With several stores the answers are merged (see [`merge`]); a store that
/// cannot be read is reported and the others still answer, unless none can be.
pub async fn run(
    options: &UsageOptions,
    sink: &mut impl RecordSink,
    reporter: &mut impl Reporter,
) -> Result<(), UsageError> {
    // Devices named as common area phones (Get-CsCommonAreaPhone) are reported as such.
    let mut caps: BTreeSet<String> = BTreeSet::new();
    if let Some(path) = &options.common_area_phones {
        for d in load_all(path, options.date_order, reporter, |r| {
            r.req_str("SipAddress")
        })? {
            caps.insert(sip(&d));
        }
    }
    // With the users export, every Lync user gets an answer, not only those with usage.
    let mut population: BTreeSet<String> = BTreeSet::new();
    if let Some(path) = &options.users {
        for u in load_all(path, options.date_order, reporter, |r| {
            r.req_str("SipAddress")
        })? {
            population.insert(sip(&u));
        }
    }
    if let [store] = options.stores.as_slice() {
        let fetched = fetch(options, &store.connection, reporter).await?;
        return report_store(options, store, fetched, &caps, &population, &mut |r| {
            match r {
                StoreRecord::User(u) => sink.write(&u)?,
                StoreRecord::Device(d) => sink.write(&d)?,
                StoreRecord::Coverage(c) => sink.write(&c)?,
            }
            Ok(())
        });
    }
    let mut merged = merge::Merged::default();
    let mut failed: Vec<(String, UsageError)> = Vec::new();
    for store in &options.stores {
        match fetch(options, &store.connection, reporter).await {
            Ok(fetched) => report_store(options, store, fetched, &caps, &population, &mut |r| {
                merged.add(&store.name, r);
                Ok(())
            })?,
            Err(e) => {
                reporter.source_failed("StoreUnreachable", &store.name, &e.to_string());
                failed.push((store.name.clone(), e));
            }
        }
    }
    if failed.len() == options.stores.len() {
        return Err(failed.remove(0).1);
    }
    let failed: Vec<String> = failed.into_iter().map(|(name, _)| name).collect();
    merged.write(&failed, sink)
}

/// One store's answers, handed to `emit` as they are decided.
fn report_store(
    options: &UsageOptions,
    store: &Store,
    fetched: Fetched,
    caps: &BTreeSet<String>,
    population: &BTreeSet<String>,
    emit: &mut dyn FnMut(StoreRecord) -> Result<(), UsageError>,
) -> Result<(), UsageError> {
    let (start, end) = (options.window_start, options.window_end);
    let (coverage_row, schema, users, devices, qoe, rows) = fetched;
    let no_rows = Vec::new();
    let qoe_phones = qoe.as_ref().unwrap_or(&no_rows);

    let (first, last) = coverage_row;
    let covered = first.is_some_and(|f| f <= start);
    // Users with no usage at all still get an answer.
    let mut all: BTreeMap<String, UserAgg> = users;
    for s in population {
        all.entry(s.clone()).or_default();
    }
    let user_count = all.keys().filter(|s| !caps.contains(*s)).count() as u64;
    for (s, agg) in &all {
        if caps.contains(s) {
            continue;
        }
        emit(StoreRecord::User(classify_user(s.clone(), agg, covered)))?;
    }
    // IP-phone sessions per user (QoEMetrics). A phone LcsCDR also reported gets this evidence
    // on its one record; endpoints seen only in QoEMetrics become devices of their own.
    let mut phone_sessions: BTreeMap<String, (i64, Option<String>, Option<DateTime<Utc>>)> =
        BTreeMap::new();
    for row in qoe_phones {
        if let Some(u) = text(row, "UserUri")? {
            let e = phone_sessions.entry(sip(&u)).or_default();
            e.0 += int(row, "Sessions")?;
            if e.1.is_none() {
                e.1 = text(row, "EndpointName")?;
            }
            e.2 = later(e.2, time(row, "LastActivity")?);
        }
    }
    let mut device_count = 0u64;
    let mut seen_caps = BTreeSet::new();
    let mut phone_users_seen = BTreeSet::new();
    for row in &devices {
        let user = text(row, "UserUri")?.map(|u| sip(&u));
        let mac = text(row, "MacAddress")?;
        let device = match mac {
            Some(m) => m,
            None => text(row, "EndpointId")?.unwrap_or_default(),
        };
        let registrations = int(row, "Registrations")?;
        let is_cap = user.as_ref().is_some_and(|u| caps.contains(u));
        let is_phone = int(row, "IsIpPhone")? == 1;
        let user_agg = user.as_ref().and_then(|u| all.get(u));
        let (kind, std, ent, plus, reasons) = if is_cap {
            seen_caps.insert(user.clone().unwrap_or_default());
            (
                UsageDeviceKind::CommonAreaPhone,
                UsageAnswer::Yes,
                UsageAnswer::No,
                UsageAnswer::Yes,
                vec!["common area phone: Standard and Plus whatever its usage (MAP)".to_string()],
            )
        } else if is_phone {
            let pstn = user_agg.is_some_and(|a| a.e.pstn_calls_in + a.e.pstn_calls_out > 0);
            let mut r = vec![format!(
                "IP phone: {registrations} registration(s) in the window (LcsCDR)"
            )];
            if let Some(u) = &user {
                // QoE evidence for this user's phone belongs to the first phone LcsCDR lists.
                if phone_users_seen.insert(u.clone()) {
                    if let Some((calls, _, _)) = phone_sessions.get(u) {
                        r.push(format!(
                            "IP phone: {calls} call(s) from an IP phone (QoEMetrics)"
                        ));
                    }
                }
            }
            if pstn {
                r.push("Plus: PSTN calls by the user the phone is registered to".into());
            }
            if qoe.is_err() {
                r.push(
                    "QoEMetrics could not be read: calls made from this phone are not counted"
                        .into(),
                );
            }
            (
                UsageDeviceKind::IpPhone,
                UsageAnswer::Yes,
                UsageAnswer::No,
                answer(pstn, covered),
                r,
            )
        } else {
            let used = user_agg.is_some_and(|a| {
                a.e.p2p_im_sessions + a.e.p2p_audio_video_sessions + a.e.conferences_joined > 0
            });
            (
                UsageDeviceKind::Computer,
                if used { UsageAnswer::Yes } else { UsageAnswer::InsufficientData },
                UsageAnswer::InsufficientData,
                UsageAnswer::InsufficientData,
                vec!["computer: Enterprise and Plus cannot be decided per device; Standard only when its user's sessions are recorded (MAP)".to_string()],
            )
        };
        device_count += 1;
        emit(StoreRecord::Device(LyncDeviceUsage {
            device,
            device_kind: kind,
            sip_address: user,
            client_version: text(row, "ClientVersion")?,
            standard: std,
            enterprise: ent,
            plus,
            last_activity: time(row, "LastActivity")?,
            registrations,
            reasons,
        }))?;
    }
    // IP phones seen only in QoEMetrics (their registrations fell outside what LcsCDR returned).
    for (user, (calls, endpoint, last)) in &phone_sessions {
        if phone_users_seen.contains(user) || caps.contains(user) {
            continue;
        }
        let pstn = all
            .get(user)
            .is_some_and(|a| a.e.pstn_calls_in + a.e.pstn_calls_out > 0);
        device_count += 1;
        emit(StoreRecord::Device(LyncDeviceUsage {
            device: endpoint.clone().unwrap_or_else(|| user.clone()),
            device_kind: UsageDeviceKind::IpPhone,
            sip_address: Some(user.clone()),
            client_version: None,
            standard: UsageAnswer::Yes,
            enterprise: UsageAnswer::No,
            plus: answer(pstn, covered),
            last_activity: *last,
            registrations: 0,
            reasons: vec![format!(
                "IP phone: {calls} call(s) from an IP phone (QoEMetrics; no registration in LcsCDR)"
            )],
        }))?;
    }
    // Common area phones that never registered in the window are still Standard + Plus.
    for cap in caps.difference(&seen_caps) {
        device_count += 1;
        emit(StoreRecord::Device(LyncDeviceUsage {
            device: cap.clone(),
            device_kind: UsageDeviceKind::CommonAreaPhone,
            sip_address: Some(cap.clone()),
            client_version: None,
            standard: UsageAnswer::Yes,
            enterprise: UsageAnswer::No,
            plus: UsageAnswer::Yes,
            last_activity: None,
            registrations: 0,
            reasons: vec!["common area phone: Standard and Plus whatever its usage (MAP); no registration in the window".into()],
        }))?;
    }
    emit(StoreRecord::Coverage(LyncUsageCoverage {
        server: store.connection.server.display(),
        cdr_database: options.cdr_database.clone(),
        window_start: start,
        window_end: end,
        first_record: first,
        last_record: last,
        window_covered: covered,
        schema: if schema.client_type || schema.registration_device_id { "Lync 2013 or later".into() } else { "Lync 2010".into() },
        users: user_count,
        devices: device_count,
        rows_received: rows,
        qoe_database: qoe.is_ok().then(|| options.qoe_database.clone()),
        qoe_problem: qoe.as_ref().err().cloned(),
        note: (!covered).then(|| {
            "the call detail records start after the window start (KeepCallDetailForDays may be shorter than the window): users without usage are InsufficientData, not No".to_string()
        }),
    }))?;
    Ok(())
}

/// `lync usage-queries`: the exact SQL, for a DBA to review before granting access.
pub fn queries_text(lync2010: bool) -> String {
    let schema = if lync2010 {
        Schema::lync2010()
    } else {
        Schema::lync2013()
    };
    let mut text = String::from("-- LicenseAudit `lync usage`: read-only queries against the LcsCDR database (and the last one against QoEMetrics).\n-- @P1 = window start, @P2 = window end (datetime2 parameters).\n");
    text.push_str(&format!(
        "-- Schema shape: {}. Column probes run first: {}; {}.\n\n",
        if lync2010 {
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
    text
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
            (u.standard, u.enterprise, u.plus),
            (UsageAnswer::Yes, UsageAnswer::No, UsageAnswer::Yes)
        );
        assert!(
            u.reasons[0].starts_with("Standard: implied"),
            "{:?}",
            u.reasons
        );
    }

    #[test]
    fn enterprise_evidence_is_what_the_default_rule_set_counts() {
        // Issue #24 item 10: lync usage and lync entitlement agree under the default rule set.
        // Each kind of Enterprise evidence alone makes a user Enterprise Yes here, and the uses
        // they stand for are exactly the uses of the settings the default rule set counts.
        use crate::lync::policy::{EnterpriseUse, RuleSet, SETTINGS};
        use std::collections::BTreeSet;
        type Set = fn(&mut UsageEvidence);
        let cases: [(EnterpriseUse, Set); 5] = [
            (EnterpriseUse::AudioVideoConference, |e| {
                e.conferences_organized_audio_video = 1
            }),
            (EnterpriseUse::ApplicationSharing, |e| {
                e.conferences_organized_app_sharing = 1
            }),
            (EnterpriseUse::ApplicationSharing, |e| {
                e.p2p_app_sharing_sessions = 1
            }),
            (EnterpriseUse::DataCollaboration, |e| {
                e.conferences_organized_data = 1
            }),
            (EnterpriseUse::DialInConference, |e| {
                e.dial_in_participants = 1
            }),
        ];
        for (use_, set) in cases {
            let mut agg = UserAgg::default();
            set(&mut agg.e);
            let u = classify_user("sip:x@contoso.com".into(), &agg, true);
            assert_eq!(u.enterprise, UsageAnswer::Yes, "{use_:?}");
        }
        let used: BTreeSet<EnterpriseUse> = cases.iter().map(|c| c.0).collect();
        let configured: BTreeSet<EnterpriseUse> = SETTINGS
            .iter()
            .filter(|d| d.enterprise_in.contains(&RuleSet::Default))
            .filter_map(|d| d.enables)
            .collect();
        assert_eq!(used, configured);
    }

    #[test]
    fn no_evidence_is_no_only_when_the_window_is_covered() {
        let agg = UserAgg::default();
        assert_eq!(
            classify_user("a".into(), &agg, true).standard,
            UsageAnswer::No
        );
        assert_eq!(
            classify_user("a".into(), &agg, false).standard,
            UsageAnswer::InsufficientData
        );
    }
}
