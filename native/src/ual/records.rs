//! The records `ual compliance` writes.

use super::roles::Family;
use crate::model::server_cal::{CalType, ConsumptionMode, EvidenceStatus, PrincipalKind};
use crate::model::{OutputRecord, SharedList};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Serialize;
use std::rc::Rc;

/// One evidence row, normalised (written when evidence output is asked for).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UalEvidence {
    pub server: String,
    /// Get-UalUserAccess, Get-UalDailyAccess, FlexNet spreadsheet, ...
    pub source: String,
    pub products: Vec<Family>,
    pub role_name: Option<String>,
    pub role_guid: Option<String>,
    pub principal_type: PrincipalKind,
    /// domain\user (lower case) or the device's name or address
    pub principal: String,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub access_count: Option<i64>,
    pub status: EvidenceStatus,
    /// Why it was excluded (ComputerAccount, SystemAccount, AdminAccount, BlankUserName, Loopback,
    /// Ipv6Device, OutsideWindow, AfterAsOf, PerCoreServer), or a note
    pub reason: Option<String>,
}

impl OutputRecord for UalEvidence {
    const RECORD_TYPE: &'static str = "UalEvidence";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "Server",
        "PrincipalType",
        "Principal",
        "Products",
        "Status",
        "Reason",
    ];
}

/// Evidence no known product matched: kept and reported, never dropped.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UnrecognizedEvidence {
    pub server: String,
    pub source: String,
    pub role_guid: Option<String>,
    pub role_name: Option<String>,
    pub product_name: Option<String>,
    pub rows: u64,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    /// One principal seen, to help identify the application
    pub sample_principal: Option<String>,
}

impl OutputRecord for UnrecognizedEvidence {
    const RECORD_TYPE: &'static str = "UnrecognizedEvidence";
    const TABLE_COLUMNS: &'static [&'static str] =
        &["Server", "RoleGuid", "RoleName", "ProductName", "Rows"];
}

/// One CAL consumed: a principal's access to a product family (one per family, however many
/// servers), or an External Connector for a server.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct CalConsumption {
    pub product: Family,
    pub cal_type: CalType,
    /// The CAL version needed: the newest server version accessed (null: unknown)
    pub version: Option<u16>,
    /// domain\user, device, or for an External Connector the server
    pub principal: String,
    // Shared by every consumption that reached the same servers (see `ServerList`).
    #[schemars(with = "Vec<String>")]
    pub servers: ServerList,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    /// The licence it drew from, or null when none was left (a shortfall)
    pub license: Option<String>,
    pub covered: bool,
    pub detail: Option<String>,
}

/// A consumption's servers, by name: one list for every consumption that reached the same set of
/// servers, which on a large estate is most of them (written once, see `SharedList`).
pub type ServerList = SharedList<Rc<str>>;

impl OutputRecord for CalConsumption {
    const RECORD_TYPE: &'static str = "CalConsumption";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "Product",
        "CalType",
        "Version",
        "Principal",
        "Servers",
        "License",
    ];
}

/// The compliance position for one product, CAL type and version.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct CalCompliance {
    pub product: Family,
    pub cal_type: CalType,
    pub version: Option<u16>,
    /// Principals (or servers, for External Connectors) that need this CAL
    pub required: u64,
    /// Licences of exactly this product, type and version
    pub owned: u64,
    /// Required accesses covered by some licence (this one, a newer version, a licence with
    /// Software Assurance, a suite or a CAL-equivalent plan)
    pub covered: u64,
    /// Principals counted here only because no principal of the other kind was seen with them
    /// (devices with no counted user; in a product counted in Device CALs, users on no counted
    /// device), taken as covered by those others' CALs: not a shortfall. `Assumption` gives the
    /// shortfall if they are not
    pub assumed_covered: u64,
    /// Required − Covered − AssumedCovered
    pub shortfall: u64,
    /// The servers these accesses reached
    pub servers: Vec<String>,
    /// False when the evidence read says some servers gave none (UalEvidenceGap records): the
    /// position covers only the servers that answered, and a shortfall elsewhere cannot be
    /// ruled out
    pub evidence_complete: bool,
    /// The servers whose evidence is missing (UalEvidenceGap records), by name; empty when complete
    pub servers_without_evidence: Vec<String>,
    pub drawn_from: Vec<LicenseDraw>,
    /// Why this CAL type was used for the product
    pub basis: String,
    /// What the position takes as given where the evidence or the licences cannot tell (Software
    /// Assurance active, a plan's CAL equivalency, devices covered by their users' CALs with the
    /// shortfall if not, each server a physical server of its own for External Connectors), with
    /// the figure the other answer gives; null when nothing is assumed
    pub assumption: Option<String>,
    /// A cheaper or equivalent way to be covered: the other CAL type, or CALs instead of an
    /// External Connector (and the other way round)
    pub suggestion: Option<String>,
    /// Input files these totals were built on that were read only in part, each with how many of
    /// its records were not used (reported on stderr); empty when every record was read
    pub incomplete_inputs: Vec<crate::model::IncompleteInput>,
}
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LicenseDraw {
    pub license: String,
    pub count: u64,
}

impl OutputRecord for CalCompliance {
    const RECORD_TYPE: &'static str = "CalCompliance";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "Product",
        "CalType",
        "Version",
        "Required",
        "Owned",
        "Covered",
        "AssumedCovered",
        "Shortfall",
        "Suggestion",
    ];
}

/// How much of one licence row was used.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct CalLicenseUse {
    pub license: String,
    pub product: String,
    pub version: Option<u16>,
    pub cal_type: CalType,
    pub quantity: u64,
    pub used: u64,
    pub remaining: u64,
    pub priority: i64,
    pub servers: Vec<String>,
}

impl OutputRecord for CalLicenseUse {
    const RECORD_TYPE: &'static str = "CalLicenseUse";
    const TABLE_COLUMNS: &'static [&'static str] = &["License", "Quantity", "Used", "Remaining"];
}

/// What the evidence held and what was left out, and why.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UalEvidenceSummary {
    pub mode: ConsumptionMode,
    pub window_start: Option<DateTime<Utc>>,
    pub as_of: DateTime<Utc>,
    pub rows: u64,
    /// Evidence rows that consume CALs (a daily-access row naming a user and a device is one row),
    /// before one-CAL-per-principal de-duplication
    pub counted: u64,
    /// Evidence rows whose only consumption is toward an External Connector
    pub external: u64,
    pub unrecognized_rows: u64,
    pub overview_rows: u64,
    pub excluded: Vec<ExclusionCount>,
    pub ipv6_device_addresses: u64,
    pub servers: Vec<String>,
    /// False when the evidence read says some servers gave none (UalEvidenceGap records)
    pub evidence_complete: bool,
    /// The servers whose evidence is missing, by name; empty when complete
    pub servers_without_evidence: Vec<String>,
    /// Each server whose evidence is missing, with the query that failed and why, as
    /// Get-UalCalEvidence noted it
    pub evidence_gaps: Vec<EvidenceGap>,
    /// Input files these totals were built on that were read only in part, each with how many of
    /// its records were not used (reported on stderr); empty when every record was read
    pub incomplete_inputs: Vec<crate::model::IncompleteInput>,
}
/// A server whose evidence is missing: what Get-UalCalEvidence could not read there.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct EvidenceGap {
    pub computer_name: String,
    /// The command that failed: New-CimSession, Get-UalUserAccess, ...
    pub query: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ExclusionCount {
    pub reason: String,
    pub count: u64,
}

impl OutputRecord for UalEvidenceSummary {
    const RECORD_TYPE: &'static str = "UalEvidenceSummary";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "Mode",
        "Rows",
        "Counted",
        "External",
        "UnrecognizedRows",
        "Excluded",
    ];
}
