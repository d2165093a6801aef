//! The counting rules the options imply: per-core and Azure servers, the usage window,
//! internal domains, exempt administrators; and the route an external user's access takes.

use super::evidence::{normalise_user, server_key, user_domain};
use super::licenses::{CalType, License, SKYPE_EXTERNAL_INCLUDED_FROM};
use super::options::{ComplianceOptions, UalError, MAX_ADMIN_ACCOUNTS};
use super::roles::{license_product, Family, LicenseProduct};
use crate::model::server_cal::ConsumptionMode as Mode;
use chrono::{DateTime, Duration, Utc};

pub struct Settings {
    pub mode: Mode,
    pub window_start: Option<DateTime<Utc>>,
    /// Usage mode: the window's end (the as-of time); evidence first seen after it is not
    /// counted (`AfterAsOf`), as evidence last seen before the start is not (`OutsideWindow`).
    pub window_end: Option<DateTime<Utc>>,
    pub internal_domains: Vec<String>,
    pub admin_accounts: Vec<String>,
    /// (product family or None for every product but Windows Server, server key)
    pub per_core: Vec<(Option<Family>, String)>,
    /// Server keys of Windows Server VMs in Azure
    pub azure: Vec<String>,
}

impl Settings {
    /// Whether access to `family` on `server` needs no CAL because of how the server is
    /// licensed: per core (products other than Windows Server), or, for Windows Server, a VM in
    /// Azure whose price includes the Windows Server licence and its CALs.
    pub fn is_per_core(&self, family: Family, server: &str) -> bool {
        match family {
            Family::WindowsServer => self.azure.iter().any(|s| s == server),
            _ => self
                .per_core
                .iter()
                .any(|(f, s)| f.is_none_or(|f| f == family) && s == server),
        }
    }

    /// The exclusion reason for evidence [`Settings::is_per_core`] exempts.
    pub fn exempt_reason(family: Family) -> &'static str {
        match family {
            Family::WindowsServer => "AzureWindowsServer",
            _ => "PerCoreServer",
        }
    }

    pub fn is_external(&self, user: &str) -> bool {
        if self.internal_domains.is_empty() {
            return false;
        }
        match user_domain(user) {
            Some(d) => !self.internal_domains.iter().any(|i| {
                let i = i.as_str();
                d == i
                    || d.strip_suffix(i).is_some_and(|p| p.ends_with('.'))
                    || i.split('.').next() == Some(d)
            }),
            None => false,
        }
    }
}

/// What an external user's access to a product needs (docs/rules/ual-server-cal.md, section 7).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ExternalRoute {
    /// An External Connector for the (physical) server, or CALs instead.
    Connector,
    /// A CAL like any user: SQL Server has no External Connector.
    Cal,
    /// Nothing: the server licence includes external users (Lync Server 2013 and later).
    ServerLicence,
}

pub fn external_route(family: Family, version: Option<u16>) -> ExternalRoute {
    match family {
        Family::SqlServer => ExternalRoute::Cal,
        Family::Skype if version.is_some_and(|v| v >= SKYPE_EXTERNAL_INCLUDED_FROM) => {
            ExternalRoute::ServerLicence
        }
        _ => ExternalRoute::Connector,
    }
}

/// The counting rules the options imply: per-core servers (from the options and from per-core
/// licence rows), the window, internal domains and exempt administrators.
pub fn settings(options: &ComplianceOptions, licenses: &[License]) -> Result<Settings, UalError> {
    let mut per_core = Vec::new();
    for (product, server) in &options.per_core_servers {
        let family = match product {
            Some(product) => Some(
                license_product(product)
                    .and_then(LicenseProduct::family)
                    .filter(|f| *f != Family::WindowsServer)
                    .ok_or_else(|| UalError::NotPerCoreProduct {
                        product: product.clone(),
                    })?,
            ),
            None => None,
        };
        per_core.push((family, server_key(server)));
    }
    // The reader refuses a per-core row of a suite or plan: each names one family.
    for l in licenses.iter().filter(|l| l.cal_type == CalType::PerCore) {
        for s in &l.servers {
            per_core.push((l.product.family(), s.clone()));
        }
    }
    if options.mode == Mode::Access && options.principals.is_none() {
        return Err(UalError::PrincipalsNeeded);
    }
    let admin_accounts = admin_accounts(&options.admin_accounts)?;
    Ok(Settings {
        mode: options.mode,
        window_start: (options.mode == Mode::Usage)
            .then(|| options.as_of - Duration::days(options.window_days as i64)),
        window_end: (options.mode == Mode::Usage).then_some(options.as_of),
        internal_domains: options
            .internal_domains
            .iter()
            .map(|d| d.trim().to_ascii_lowercase())
            .collect(),
        admin_accounts,
        per_core,
        azure: options
            .azure_servers
            .iter()
            .map(|s| server_key(s))
            .collect(),
    })
}

/// The administrator accounts named, as the evidence spells users (Windows account names are
/// case-insensitive: `CONTOSO\admin` and `contoso\Admin` are one account), each once; at most
/// [`MAX_ADMIN_ACCOUNTS`] distinct accounts, none empty.
fn admin_accounts(given: &[String]) -> Result<Vec<String>, UalError> {
    let mut accounts: Vec<String> = Vec::new();
    for a in given {
        let account = normalise_user(a);
        if account.is_empty() {
            return Err(UalError::EmptyAdminAccount);
        }
        if !accounts.contains(&account) {
            accounts.push(account);
        }
    }
    if accounts.len() > MAX_ADMIN_ACCOUNTS {
        return Err(UalError::TooManyAdminAccounts {
            count: accounts.len(),
        });
    }
    Ok(accounts)
}
