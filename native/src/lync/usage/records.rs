//! The records `lync usage` writes (one per user, per device, per store's coverage), apart from
//! the queries that decide them, so that merging several stores (`merge`) and deciding one store
//! (`mod.rs`) both build on them without depending on each other.

use crate::model::{OutputRecord, UsageAnswer, UsageDeviceKind};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Serialize;

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
    pub standard: UsageAnswer,
    pub enterprise: UsageAnswer,
    pub plus: UsageAnswer,
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
    pub device_kind: UsageDeviceKind,
    pub sip_address: Option<String>,
    pub client_version: Option<String>,
    pub standard: UsageAnswer,
    pub enterprise: UsageAnswer,
    pub plus: UsageAnswer,
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
    /// The QoE database; null when it could not be read (see QoeProblem)
    pub qoe_database: Option<String>,
    /// Why QoEMetrics could not be read: IP phones are then told from LcsCDR registrations only,
    /// and phones that made calls without registering in the window are not listed
    pub qoe_problem: Option<String>,
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

/// One store's records, as they are decided.
pub enum StoreRecord {
    User(LyncUserUsage),
    Device(LyncDeviceUsage),
    Coverage(LyncUsageCoverage),
}
