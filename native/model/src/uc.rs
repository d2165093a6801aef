//! UC licence counting (Cisco and Microsoft estates, VOSS style): the services a directory user
//! can be linked to, how each link was made, what a count is made of, and why records are left
//! out.

use crate::choice;
use schemars::JsonSchema;
use serde::Serialize;

choice! {
    /// A UC service whose record can link to a directory user and license them.
    pub enum UcService {
        Cucm => "CUCM" / "cucm": "Cisco Unified Communications Manager end user (with devices, profiles or remote destination profiles)",
        Uccx => "UCCX" / "uccx": "Cisco Unified Contact Center Express agent",
        Unity => "UnityConnection" / "unity": "Cisco Unity Connection user (a mailbox)",
        Webex => "Webex" / "webex": "Webex person with a Webex Calling Professional licence",
        Teams => "Teams" / "teams": "Microsoft Teams voice user (Get-CsOnlineUser)",
        Exchange => "ExchangeOnline" / "exchange": "Exchange Online user mailbox",
        Pexip => "Pexip" / "pexip": "Pexip Infinity conference (VMR) owned by the user",
    }
}

choice! {
    /// Whose service it is: a user with both Cisco and Microsoft services is a hybrid user
    /// (VOSS "Cisco MS Integrated Services").
    pub enum UcVendor {
        Cisco => "Cisco" / "cisco",
        Microsoft => "Microsoft" / "microsoft",
        Other => "Other" / "other",
    }
}

impl UcService {
    pub fn vendor(self) -> UcVendor {
        match self {
            UcService::Cucm | UcService::Uccx | UcService::Unity | UcService::Webex => {
                UcVendor::Cisco
            }
            UcService::Teams | UcService::Exchange => UcVendor::Microsoft,
            UcService::Pexip => UcVendor::Other,
        }
    }
}

choice! {
    /// How a service record was linked to a directory user.
    pub enum UcLinkRule {
        LinkField => "LinkField" / "link-field": "the user's explicit link field (username_cucm, username_ms_teams, ...) names the record",
        Username => "Username" / "username": "the record's user id or alias equals the user's username",
        Email => "Email" / "email": "the record's email or UPN equals the user's email",
        Directory => "Directory" / "directory": "the record is itself the directory row (a Teams-only estate)",
    }
}

choice! {
    /// What a reason adds to (or takes from) the counts.
    pub enum UcCount {
        UserLicense => "UserLicense" / "user-license",
        PhoneLicenses => "PhoneLicenses" / "phone-licenses",
        Hybrid => "Hybrid" / "hybrid",
        StandaloneDevice => "StandaloneDevice" / "standalone-device",
        MeetingRoom => "MeetingRoom" / "meeting-room",
        Undetermined => "Undetermined" / "undetermined",
        None => "None" / "none",
    }
}

choice! {
    /// Why a record is left out of every count (each reason is counted in the totals).
    pub enum UcExclusion {
        ResourceAccount => "ResourceAccount" / "resource-account",
        Guest => "Guest" / "guest",
        Disabled => "Disabled" / "disabled",
        SoftDeleted => "SoftDeleted" / "soft-deleted",
        CtiDevice => "CtiDevice" / "cti-device",
        CallingNone => "CallingNone" / "calling-none",
        NotUserMailbox => "NotUserMailbox" / "not-user-mailbox",
    }
}

choice! {
    /// What a counted device is.
    pub enum UcDeviceKind {
        CucmPhone => "CucmPhone" / "cucm-phone",
        WebexWorkspace => "WebexWorkspace" / "webex-workspace",
        TeamsCommonAreaPhone => "TeamsCommonAreaPhone" / "teams-common-area-phone",
    }
}

choice! {
    /// Which rows a total covers: one customer, the resources above any customer (blank pkid,
    /// as VOSS writes it), or the whole estate (the sum of the other rows).
    pub enum UcTotalScope {
        Customer => "Customer" / "customer",
        AboveCustomer => "AboveCustomer" / "above-customer",
        Estate => "Estate" / "estate",
    }
}

/// Why a number came out as it did: what it adds to, on which record, and the detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UcReason {
    /// What this reason adds to (None: it explains why nothing was counted)
    pub counts: UcCount,
    /// e.g. `CUCM user jdoe`, `Get-CsOnlineUser room1@contoso.com`
    pub source: String,
    /// e.g. `3 devices, not CTI: SEP001122334455, ...`
    pub detail: String,
}

impl UcReason {
    pub fn new(counts: UcCount, source: impl Into<String>, detail: impl Into<String>) -> UcReason {
        UcReason {
            counts,
            source: source.into(),
            detail: detail.into(),
        }
    }
}

/// Licences a user consumes for their phones: one, or one per started ten when they have more
/// than ten (VOSS: 5 phones → 1, 15 → 2, 30 → 3).
pub fn licences_for_phones(phones: u32) -> u32 {
    if phones > 10 {
        phones.div_ceil(10)
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_count_in_started_tens_above_ten() {
        for (phones, licences) in [
            (0, 1),
            (1, 1),
            (5, 1),
            (10, 1),
            (11, 2),
            (15, 2),
            (20, 2),
            (21, 3),
            (30, 3),
            (31, 4),
        ] {
            assert_eq!(licences_for_phones(phones), licences, "{phones} phones");
        }
    }
}
