//! What `uc count` is given: the exports (every service optional) and what the output may say
//! about people.

use crate::ingest::DateOrder;

/// The exports a count reads. Every service is optional; several files per service are read
/// as one (clusters, tenants).
#[derive(Debug, Clone, Default)]
pub struct UcFiles {
    /// The user directory (VOSS data/User): Username, Email, Customer, CustomerPkid, ...
    pub users: Option<String>,
    /// Get-CsOnlineUser (the directory itself when no user directory is given)
    pub teams: Vec<String>,
    /// Get-CsTeamsIPPhonePolicy
    pub teams_ip_phone_policies: Option<String>,
    /// Get-CsOnlineApplicationInstance
    pub teams_resource_accounts: Option<String>,
    /// User licence data (Get-MgUser AssignedLicenses, or UPN + SkuId rows)
    pub m365_licenses: Option<String>,
    /// Get-EXOMailbox / Get-Mailbox
    pub exchange: Vec<String>,
    /// AXL getUser / listUser
    pub cucm_users: Vec<String>,
    /// AXL listPhone
    pub cucm_phones: Vec<String>,
    /// UCCX /adminapi/resource
    pub uccx_agents: Vec<String>,
    /// Unity Connection /vmrest/users
    pub unity_users: Vec<String>,
    /// Webex /v1/people
    pub webex_users: Vec<String>,
    /// Webex /v1/licenses (to name the licence ids people hold)
    pub webex_licenses: Option<String>,
    /// Webex /v1/workspaces
    pub webex_workspaces: Vec<String>,
    /// Pexip /api/admin/configuration/v1/conference/
    pub pexip_conferences: Vec<String>,
    /// The month/day order of the exports' culture-text dates, when the admin gave it.
    pub date_order: Option<DateOrder>,
}

/// What `uc count` reads and what the output may say about people.
#[derive(Clone, Default)]
pub struct CountOptions {
    pub files: UcFiles,
    /// Drop provider, reseller, customer and site names, and identities unless pseudonymised.
    pub anonymous: bool,
    /// Replace identities with HMAC-SHA256 pseudonyms under this key.
    pub pseudonym_key: Option<Vec<u8>>,
}

impl std::fmt::Debug for CountOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CountOptions")
            .field("files", &self.files)
            .field("anonymous", &self.anonymous)
            .field(
                "pseudonym_key",
                &self.pseudonym_key.as_ref().map(|_| "(set)"),
            )
            .finish()
    }
}
