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
    pub admin_accounts: Vec<AdminAccount>,
    /// (product family or None for every product but Windows Server, server key)
    pub per_core: Vec<(Option<Family>, String)>,
    /// Server keys of Windows Server VMs in Azure
    pub azure: Vec<String>,
}

/// An administrator account named with `--admin-account`: as it is matched against the evidence
/// (normalised, see [`normalise_user`]) and as the admin wrote it, for messages that name it (a
/// mistyped name is found by its own spelling).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminAccount {
    pub key: String,
    pub given: String,
}

impl AdminAccount {
    pub fn new(given: &str) -> AdminAccount {
        AdminAccount {
            key: normalise_user(given),
            given: given.trim().to_string(),
        }
    }
}

impl AsRef<str> for AdminAccount {
    /// The account as matched.
    fn as_ref(&self) -> &str {
        &self.key
    }
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
    for l in licenses.iter().filter(|l| l.cal_type == CalType::PerCore) {
        // The reader refuses a per-core row of a suite or plan: each names one family.
        let Some(family) = l.product.family() else {
            continue;
        };
        for s in &l.servers {
            per_core.push((Some(family), s.clone()));
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
fn admin_accounts(given: &[String]) -> Result<Vec<AdminAccount>, UalError> {
    let mut accounts: Vec<AdminAccount> = Vec::new();
    for a in given {
        let account = AdminAccount::new(a);
        if account.key.is_empty() {
            return Err(UalError::EmptyAdminAccount);
        }
        // The first spelling of an account is the one its messages use.
        if !accounts.iter().any(|known| known.key == account.key) {
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

/// Example settings for the counting's unit tests (here, beside the type: a helper file that
/// every test module used would be a file-level cycle with the modules it builds on).
#[cfg(test)]
pub mod examples {
    use super::*;
    use chrono::TimeZone;

    /// Midnight UTC on a day of 2026.
    pub fn day(month: u32, day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, month, day, 0, 0, 0).unwrap()
    }

    /// Usage mode over 2026-09-01 .. 2026-11-01; contoso.com internal; contoso\admin exempt;
    /// SQL01 licensed per core for SQL Server; AZ01 a Windows Server VM in Azure.
    pub fn settings() -> Settings {
        Settings {
            mode: Mode::Usage,
            window_start: Some(day(9, 1)),
            window_end: Some(day(11, 1)),
            internal_domains: vec!["contoso.com".into()],
            admin_accounts: vec![AdminAccount::new("contoso\\admin")],
            per_core: vec![(Some(Family::SqlServer), "sql01".into())],
            azure: vec!["az01".into()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ual::licenses::example_row;

    fn options() -> ComplianceOptions {
        ComplianceOptions {
            evidence: Vec::new(),
            systems: None,
            licenses: None,
            mode: Mode::Usage,
            window_days: 30,
            as_of: examples::day(11, 1),
            principals: None,
            computer_name: None,
            internal_domains: vec![" Contoso.COM ".into()],
            per_core_servers: Vec::new(),
            admin_accounts: Vec::new(),
            azure_servers: vec!["AZ01.contoso.com".into()],
            emit_evidence: false,
            date_order: None,
        }
    }

    #[test]
    fn a_per_core_server_exempts_its_product_and_an_azure_vm_windows_server() {
        let s = examples::settings();
        assert!(s.is_per_core(Family::SqlServer, "sql01"));
        assert!(!s.is_per_core(Family::WindowsServer, "sql01"));
        assert!(!s.is_per_core(Family::SqlServer, "sql02"));
        assert!(s.is_per_core(Family::WindowsServer, "az01"));
        assert!(!s.is_per_core(Family::SqlServer, "az01"));
        assert_eq!(Settings::exempt_reason(Family::SqlServer), "PerCoreServer");
        assert_eq!(
            Settings::exempt_reason(Family::WindowsServer),
            "AzureWindowsServer"
        );
    }

    #[test]
    fn a_per_core_server_named_without_a_product_exempts_every_product_but_windows() {
        let s = Settings {
            per_core: vec![(None, "app01".into())],
            ..examples::settings()
        };
        assert!(s.is_per_core(Family::Exchange, "app01"));
        assert!(s.is_per_core(Family::SqlServer, "app01"));
        assert!(!s.is_per_core(Family::WindowsServer, "app01"));
    }

    #[test]
    fn external_users_are_those_outside_the_internal_domains() {
        let s = examples::settings();
        assert!(
            !s.is_external("contoso\\peter"),
            "NetBIOS name of contoso.com"
        );
        assert!(!s.is_external("peter@contoso.com"));
        assert!(!s.is_external("peter@eu.contoso.com"), "a subdomain");
        assert!(s.is_external("eve@fabrikam.com"));
        assert!(s.is_external("fabrikam\\eve"));
        assert!(
            !s.is_external("peter"),
            "no domain: not known to be external"
        );
        let none = Settings {
            internal_domains: Vec::new(),
            ..examples::settings()
        };
        assert!(
            !none.is_external("eve@fabrikam.com"),
            "no internal domains given"
        );
    }

    #[test]
    fn an_external_users_access_takes_a_connector_a_cal_or_nothing() {
        assert!(external_route(Family::Exchange, Some(2019)) == ExternalRoute::Connector);
        assert!(external_route(Family::SqlServer, None) == ExternalRoute::Cal);
        assert!(external_route(Family::Skype, Some(2013)) == ExternalRoute::ServerLicence);
        assert!(external_route(Family::Skype, Some(2010)) == ExternalRoute::Connector);
        assert!(external_route(Family::Skype, None) == ExternalRoute::Connector);
    }

    #[test]
    fn admin_accounts_are_one_per_account_and_at_most_two() {
        let given = |names: &[&str]| {
            admin_accounts(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
        };
        let accounts = given(&["CONTOSO\\Admin", "contoso\\admin", "contoso/backup"]).unwrap();
        // Matched as one account; named as first spelled.
        let keys: Vec<&str> = accounts.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["contoso\\admin", "contoso\\backup"]);
        let names: Vec<&str> = accounts.iter().map(|a| a.given.as_str()).collect();
        assert_eq!(names, ["CONTOSO\\Admin", "contoso/backup"]);
        assert!(matches!(
            given(&["a\\one", "a\\two", "a\\three"]),
            Err(UalError::TooManyAdminAccounts { count: 3 })
        ));
        assert!(matches!(given(&[" "]), Err(UalError::EmptyAdminAccount)));
    }

    #[test]
    fn the_options_give_the_window_domains_and_servers() {
        let s = settings(&options(), &[]).unwrap();
        assert_eq!(s.window_start, Some(examples::day(10, 2)));
        assert_eq!(s.window_end, Some(examples::day(11, 1)));
        assert_eq!(s.internal_domains, vec!["contoso.com".to_string()]);
        assert_eq!(s.azure, vec!["az01".to_string()]);
        let access = ComplianceOptions {
            mode: Mode::Access,
            principals: Some("principals.csv".into()),
            ..options()
        };
        let s = settings(&access, &[]).unwrap();
        assert_eq!((s.window_start, s.window_end), (None, None));
    }

    #[test]
    fn per_core_servers_come_from_the_options_and_per_core_licence_rows() {
        let mut row = example_row(1, Family::SqlServer, CalType::PerCore, 0);
        row.servers = vec!["sql02".into()];
        let o = ComplianceOptions {
            per_core_servers: vec![
                (
                    Some("Microsoft SQL Server 2019".into()),
                    "SQL01.contoso.com".into(),
                ),
                (None, "APP01".into()),
            ],
            ..options()
        };
        let s = settings(&o, &[row]).unwrap();
        assert_eq!(
            s.per_core,
            vec![
                (Some(Family::SqlServer), "sql01".to_string()),
                (None, "app01".to_string()),
                (Some(Family::SqlServer), "sql02".to_string()),
            ]
        );
    }

    #[test]
    fn a_per_core_exemption_must_name_a_product_sold_per_core_instead_of_cals() {
        for product in ["Windows Server", "Core CAL Suite", "Oracle"] {
            let o = ComplianceOptions {
                per_core_servers: vec![(Some(product.into()), "srv".into())],
                ..options()
            };
            assert!(
                matches!(settings(&o, &[]), Err(UalError::NotPerCoreProduct { .. })),
                "{product}"
            );
        }
    }

    #[test]
    fn access_mode_needs_the_principals_in_scope() {
        let o = ComplianceOptions {
            mode: Mode::Access,
            ..options()
        };
        assert!(matches!(settings(&o, &[]), Err(UalError::PrincipalsNeeded)));
    }
}
