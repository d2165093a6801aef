//! What `ual compliance` is given, what it answers, and how it fails.

use crate::ingest::DateOrder;
use crate::model::server_cal::ConsumptionMode as Mode;
use crate::model::IoError;
use chrono::{DateTime, Utc};

/// What `ual compliance` reads and how it counts.
#[derive(Debug, Clone)]
pub struct ComplianceOptions {
    /// Get-Ual* output or FlexNet ConsolidatedAccessEvidence CSV files
    pub evidence: Vec<String>,
    /// Get-UalSystemId output (server OS version, cores)
    pub systems: Option<String>,
    /// Licences owned (CSV: Product, Version, CalType, Quantity, Priority, Servers)
    pub licenses: Option<String>,
    pub mode: Mode,
    /// The usage window ends at `as_of` and is this many days long
    pub window_days: u32,
    pub as_of: DateTime<Utc>,
    /// Users and devices in scope (access mode)
    pub principals: Option<String>,
    /// The server evidence rows without a server name come from (UAL read locally)
    pub computer_name: Option<String>,
    /// Domains whose users are internal; others count toward External Connectors
    pub internal_domains: Vec<String>,
    /// Servers licensed per core: (product, or None for every product but Windows Server; server)
    pub per_core_servers: Vec<(Option<String>, String)>,
    /// Administrator accounts exempt from CALs (domain\user): at most two
    pub admin_accounts: Vec<String>,
    /// Windows Server VMs in Azure: no Windows Server CAL for access to them
    pub azure_servers: Vec<String>,
    /// Also write every evidence row, normalised (UalEvidence)
    pub emit_evidence: bool,
    /// The month/day order of the inputs' culture-text dates, when the admin gave it.
    pub date_order: Option<DateOrder>,
}

/// How the compliance position came out.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// CALs required but not covered by any licence.
    pub shortfall: u64,
    /// Servers the evidence says gave none (UalEvidenceGap records): the position is incomplete.
    pub servers_without_evidence: Vec<String>,
    /// Usage mode with evidence rows of which none fell in the window, all being older: the
    /// newest row's date and the window's start (a 2012 export audited today counts nobody).
    pub all_before_window: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

#[derive(Debug, thiserror::Error)]
pub enum UalError {
    /// An input it cannot use, or output it cannot write.
    #[error(transparent)]
    Io(#[from] IoError),
    /// A per-core exemption names a product that is not licensed per core instead of CALs.
    #[error("'{product}' is not a product licensed per core instead of CALs (e.g. SQL Server)")]
    NotPerCoreProduct { product: String },
    /// Access mode counts the principals in scope, so they must be given.
    #[error("access mode needs the principals in scope (every user or device)")]
    PrincipalsNeeded,
    /// The licence terms exempt up to two administrators, not a list.
    #[error("{count} administrator accounts named: the licence terms exempt up to two")]
    TooManyAdminAccounts { count: usize },
    /// An administrator account named by an empty text.
    #[error("an administrator account is empty")]
    EmptyAdminAccount,
}

/// The most administrator accounts exempt from CALs: "up to 2 users or devices to access the
/// server software only to administer it" (Windows Server licence terms, Product Terms).
pub const MAX_ADMIN_ACCOUNTS: usize = 2;

crate::model::io_error_from!(UalError);
