//! The records `uc count` writes. Identities and organisation names pass through the privacy
//! settings before they get here (null when dropped, a pseudonym when replaced).

use crate::model::uc::{UcDeviceKind, UcExclusion, UcLinkRule, UcReason, UcService, UcTotalScope};
use crate::model::{Finding, OutputRecord};
use schemars::JsonSchema;
use serde::Serialize;

/// One directory user: the services linked to them, how each was linked, and the licences
/// they consume.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UcUserLicense {
    pub username: Option<String>,
    pub email: Option<String>,
    pub provider: Option<String>,
    pub reseller: Option<String>,
    pub customer: Option<String>,
    /// Blank: the user is above any customer
    pub customer_pkid: Option<String>,
    pub site: Option<String>,
    /// True when a linked service meets its condition; null when none does but one could not
    /// be decided (see Reasons)
    pub licensed: Option<bool>,
    /// Licences consumed: 1 when licensed, one per started ten phones above ten
    pub licenses: u32,
    /// VOSS "Cisco MS Integrated Services": a counted Cisco service and a counted Teams voice
    /// service (see the totals' CiscoMsIntegratedServicesBasis); an Exchange mailbox beside a
    /// Cisco service is not
    pub hybrid: bool,
    pub linked_services: Vec<UcLinkedService>,
    /// CUCM devices counted for the user (associated or owned, CTI excluded)
    pub phone_count: u32,
    /// Listed in "Users With More Than 10 Phones"
    pub more_than_ten_phones: bool,
    pub phones: Vec<String>,
    /// Left out of every count, and why (Teams-only estates: guests, resource accounts, ...)
    pub excluded: Option<UcExclusion>,
    pub reasons: Vec<UcReason>,
    pub findings: Vec<Finding>,
}

impl OutputRecord for UcUserLicense {
    const RECORD_TYPE: &'static str = "UcUserLicense";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "Username",
        "CustomerPkid",
        "Licensed",
        "Licenses",
        "Hybrid",
        "PhoneCount",
        "LinkedServices",
    ];
}

/// A service record linked to a user.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UcLinkedService {
    pub service: UcService,
    /// The record's identity (CUCM userid, UPN, alias, email)
    pub identity: Option<String>,
    pub link_rule: UcLinkRule,
    /// Whether the record meets the service's condition (why: the matching entry of Reasons);
    /// null when it could not be decided
    pub counted: Option<bool>,
}

/// A device counted (or considered and not counted) outside any user: a standalone CUCM phone,
/// a Webex workspace, a Teams common area phone.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UcDevice {
    pub kind: UcDeviceKind,
    pub name: Option<String>,
    /// CUCM product / model, Webex calling type, Teams licence
    pub model: Option<String>,
    pub provider: Option<String>,
    pub reseller: Option<String>,
    pub customer: Option<String>,
    pub customer_pkid: Option<String>,
    pub site: Option<String>,
    pub counted: bool,
    pub excluded: Option<UcExclusion>,
    pub reasons: Vec<UcReason>,
}

impl OutputRecord for UcDevice {
    const RECORD_TYPE: &'static str = "UcDevice";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "Kind",
        "Name",
        "Model",
        "CustomerPkid",
        "Counted",
        "Excluded",
    ];
}

/// A Teams meeting room account (FeatureTypes TeamsRoomPro / TeamsRoomBasic).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UcMeetingRoom {
    pub name: Option<String>,
    pub display_name: Option<String>,
    /// The TeamsRoom* feature types
    pub features: Vec<String>,
    pub provider: Option<String>,
    pub reseller: Option<String>,
    pub customer: Option<String>,
    pub customer_pkid: Option<String>,
    pub site: Option<String>,
    pub counted: bool,
    pub reasons: Vec<UcReason>,
}

impl OutputRecord for UcMeetingRoom {
    const RECORD_TYPE: &'static str = "UcMeetingRoom";
    const TABLE_COLUMNS: &'static [&'static str] = &["Name", "Features", "CustomerPkid", "Counted"];
}

/// A service record that links to no directory user: reported, never dropped silently.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UcOrphanService {
    pub service: UcService,
    pub identity: Option<String>,
    pub file: String,
    pub record: u64,
    /// Whether it would count if it were linked (null: undecided)
    pub meets_condition: Option<bool>,
    /// Why nothing links to it
    pub reason: String,
    pub detail: String,
}

impl OutputRecord for UcOrphanService {
    const RECORD_TYPE: &'static str = "UcOrphanService";
    const TABLE_COLUMNS: &'static [&'static str] =
        &["Service", "Identity", "MeetsCondition", "Detail"];
}

/// What "Cisco MS Integrated Services" counts here, in every total and hybrid user's reason.
pub const HYBRID_BASIS: &str = "Cisco MS Integrated Services are taken as users provisioned on both calling platforms, as VOSS hybrid management provisions them: a counted Cisco service (CUCM, UCCX, Unity Connection, Webex Calling) and a counted Microsoft Teams voice service; a Cisco user who only has an Exchange mailbox is not integrated (counted as Cisco-only)";

/// Totals for one customer, for the resources above any customer (blank pkid), or for the
/// whole estate.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UcLicenseTotal {
    pub scope: UcTotalScope,
    pub provider: Option<String>,
    pub reseller: Option<String>,
    pub customer: Option<String>,
    /// Blank: resources above the customer level (or the estate row)
    pub customer_pkid: Option<String>,
    /// Licences consumed by users: licensed users plus the extra licences of users with more
    /// than ten phones
    pub user_licenses: u64,
    pub licensed_users: u64,
    /// Hybrid users (a counted Cisco service and Teams voice), included in UserLicenses
    pub cisco_ms_integrated_services: u64,
    /// The definition CiscoMsIntegratedServices counts by
    pub cisco_ms_integrated_services_basis: String,
    pub standalone_devices: u64,
    pub meeting_rooms: u64,
    /// VOSS Phone Servers: not in any export this audit reads, so null
    pub phone_servers: Option<u64>,
    /// Distinct Site values of the customer's users and devices
    pub sites: u64,
    pub users_with_more_than_ten_phones: u64,
    /// Their identities (empty when identities are dropped)
    pub more_than_ten_phones: Vec<String>,
    /// Directory rows read for this customer
    pub directory_users: u64,
    /// Users whose licence could not be decided (see their records)
    pub undetermined_users: u64,
    /// Users with a Cisco service and no Teams voice (an Exchange mailbox beside it included)
    pub cisco_only_users: u64,
    pub microsoft_only_users: u64,
    /// Users licensed by each service (a user can count under several)
    pub users_by_service: Vec<UcServiceCount>,
    pub devices_by_kind: Vec<UcDeviceCount>,
    pub excluded: Vec<UcExclusionCount>,
    pub orphan_services: u64,
    pub reasons: Vec<UcReason>,
    /// Input files these totals were built on that were read only in part, each with how many of
    /// its records were not used (reported on stderr); empty when every record was read
    pub incomplete_inputs: Vec<crate::model::IncompleteInput>,
}
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UcServiceCount {
    pub service: UcService,
    pub users: u64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UcDeviceCount {
    pub kind: UcDeviceKind,
    pub devices: u64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UcExclusionCount {
    pub reason: UcExclusion,
    pub count: u64,
}

impl OutputRecord for UcLicenseTotal {
    const RECORD_TYPE: &'static str = "UcLicenseTotal";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "Scope",
        "Customer",
        "CustomerPkid",
        "UserLicenses",
        "CiscoMsIntegratedServices",
        "StandaloneDevices",
        "MeetingRooms",
        "Sites",
    ];
    // The footer (`uc::totals::footer`) shows every total as one table, under any table.
    const IN_TABLE: bool = false;
}
