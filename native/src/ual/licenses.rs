//! The licences CSV: `Product, Version, CalType (User|Device|ExternalConnector|PerCore),
//! Quantity, Priority, Servers, SoftwareAssurance, Host`. Lower Priority numbers are consumed
//! first. Rules: docs/rules/ual-server-cal.md, section 9.

use super::evidence::server_key;
use super::roles::{license_product, Family, LicenseProduct};
use crate::ingest::Record;
pub use crate::model::server_cal::CalType;
use crate::model::InputError;
use schemars::JsonSchema;

/// A licence sheet's CAL type, in the spellings sheets use (`User CAL`, `EC`, `Processor`).
fn parse_cal_type(s: &str) -> Option<CalType> {
    let l = s.trim().to_ascii_lowercase().replace([' ', '-', '_'], "");
    Some(match l.as_str() {
        "user" | "usercal" | "usersl" => CalType::User,
        "device" | "devicecal" => CalType::Device,
        "externalconnector" | "ec" => CalType::ExternalConnector,
        "percore" | "core" | "processor" | "perprocessor" => CalType::PerCore,
        _ => return None,
    })
}

/// No licence row counts more than a billion: two rows of 2^63-1 and one of 2 summed to
/// `Owned: 0` in a release build (issue #22 item 9). Sums of rows saturate besides.
pub const MAX_QUANTITY: u64 = 1_000_000_000;

/// The first Lync Server release whose server licence includes external users (no External
/// Connector): Lync 2013 Licensing Guide, "External Connector functionality now included with
/// Lync Server license".
pub const SKYPE_EXTERNAL_INCLUDED_FROM: u16 = 2013;

#[derive(Debug, Clone)]
pub struct License {
    /// 1-based row in the licences file, for "which licence" answers.
    pub row: u64,
    /// A product family, a suite or a CAL-equivalent plan.
    pub product: LicenseProduct,
    pub version: Option<u16>,
    pub cal_type: CalType,
    pub quantity: u64,
    pub priority: i64,
    /// Server keys the licence is restricted to (empty: any server). For an External Connector
    /// assigned to a physical server (`host`), the OSEs running on it, and the host itself.
    pub servers: Vec<String>,
    /// Active Software Assurance (the `SoftwareAssurance` column): rights to the current version,
    /// so the row covers servers of any version.
    pub software_assurance: bool,
    /// The physical server an External Connector is assigned to (key, as written): one seat
    /// covers external access to every OSE in `servers`.
    pub host: Option<(String, String)>,
}

/// `SoftwareAssurance`: True/False as PowerShell writes it, or `SA` as licence sheets do.
fn read_software_assurance(r: &Record) -> Result<bool, InputError> {
    if let Some(t) = r.opt_str("SoftwareAssurance")? {
        if t.trim().eq_ignore_ascii_case("sa") {
            return Ok(true);
        }
    }
    r.opt_bool("SoftwareAssurance")
        .map(|b| b.unwrap_or(false))
        .map_err(|_| {
            r.error(
                "SoftwareAssurance",
                "expected True or False (or SA): whether the row has active Software Assurance",
            )
        })
}

impl License {
    pub fn read(r: &Record) -> Result<License, InputError> {
        let name = r.req_str("Product")?;
        let product = license_product(&name).ok_or_else(|| {
            r.error("Product", format!("'{name}' is not a product this tool knows (Windows Server, SQL Server, Remote Desktop Services, Active Directory Rights Management Services, Exchange Server, SharePoint Server, Skype for Business Server, Core CAL Suite, Enterprise CAL Suite, Microsoft 365 E3, Microsoft 365 E5, Office 365 E1, Office 365 E3, Office 365 E5)"))
        })?;
        let plan = product.is_online_plan();
        let cal_type = match r.opt_str("CalType")? {
            Some(ct) => parse_cal_type(&ct).ok_or_else(|| {
                r.error(
                    "CalType",
                    format!("'{ct}' is not User, Device, ExternalConnector or PerCore"),
                )
            })?,
            // A Microsoft 365 / Office 365 plan is a user subscription.
            None if plan => CalType::User,
            None => return Err(r.error("CalType", "required property is missing or empty")),
        };
        let version = match r.opt_str("Version")? {
            None => None,
            Some(v) => Some(
                super::roles::version_year(&v)
                    .ok_or_else(|| r.error("Version", format!("'{v}' has no year such as 2019")))?,
            ),
        };
        let quantity = match r.opt_int("Quantity")? {
            Some(q) if q > MAX_QUANTITY as i64 => {
                return Err(r.error(
                    "Quantity",
                    format!("{q} is beyond {MAX_QUANTITY}: not a count of licences"),
                ))
            }
            Some(q) if q >= 0 => q as u64,
            Some(q) => return Err(r.error("Quantity", format!("{q} is negative"))),
            None if cal_type == CalType::PerCore => 0,
            None => return Err(r.error("Quantity", "required property is missing or empty")),
        };
        let mut servers: Vec<String> = r
            .opt_str("Servers")?
            .map(|s| {
                s.split([';', ',', ' '])
                    .filter(|x| !x.trim().is_empty())
                    .map(server_key)
                    .collect()
            })
            .unwrap_or_default();
        let family = product.family();
        if cal_type == CalType::PerCore && family == Some(Family::WindowsServer) {
            return Err(r.error("CalType", "Windows Server is licensed per core and still needs CALs for access; a PerCore row exempts other products (SQL Server) only"));
        }
        if plan && cal_type != CalType::User {
            return Err(r.error("CalType", format!("{product} is a user subscription (User SL): it is CAL-equivalent for its users only, never a Device CAL, External Connector or per-core licence")));
        }
        if product.is_bundle() && matches!(cal_type, CalType::ExternalConnector | CalType::PerCore)
        {
            return Err(r.error("CalType", format!("{product} covers several products with one CAL per user or device; External Connectors and per-core licences are sold per product (name the product)")));
        }
        if family == Some(Family::SqlServer)
            && matches!(cal_type, CalType::User | CalType::Device)
            && super::roles::sql_enterprise_edition(&name)
        {
            return Err(r.error("CalType", format!("'{name}' is licensed per core only: SQL Server Enterprise has no Server + CAL licence (since SQL Server 2012), so there are no Enterprise CALs; give the servers a PerCore row, or name the CALs SQL Server (Standard)")));
        }
        if cal_type == CalType::ExternalConnector && family == Some(Family::SqlServer) {
            return Err(r.error("CalType", "SQL Server has no External Connector licence: external users of a Server + CAL SQL Server need SQL Server CALs, or the server is licensed per core (a PerCore row)"));
        }
        if cal_type == CalType::ExternalConnector
            && family == Some(Family::Skype)
            && version.is_some_and(|v| v >= SKYPE_EXTERNAL_INCLUDED_FROM)
        {
            return Err(r.error("CalType", "Lync Server 2013 and later (Skype for Business Server) have no External Connector: the server licence includes access by external users"));
        }
        let host = match r.opt_str("Host")? {
            None => None,
            Some(h) if cal_type == CalType::ExternalConnector => {
                let key = server_key(&h);
                if !servers.contains(&key) {
                    servers.push(key.clone());
                }
                Some((key, h.trim().to_string()))
            }
            Some(_) => {
                return Err(r.error(
                    "Host",
                    "Host names the physical server an External Connector is assigned to; this row is not an ExternalConnector row",
                ))
            }
        };
        Ok(License {
            row: r.index,
            product,
            version,
            cal_type,
            quantity,
            priority: r.opt_int("Priority")?.unwrap_or(100),
            servers,
            software_assurance: read_software_assurance(r)?,
            host,
        })
    }

    pub fn covers(&self, family: Family) -> bool {
        self.product.covers(family)
    }

    /// The row covers servers of any version: no version given, active Software Assurance
    /// (rights to the current version), or a plan (a subscription is always current).
    pub fn any_version(&self) -> bool {
        self.version.is_none() || self.software_assurance || self.product.is_online_plan()
    }

    /// The row covers access to servers of version `needed` (0: unknown, covered by any).
    pub fn covers_version(&self, needed: u16) -> bool {
        needed == 0 || self.any_version() || self.version.is_some_and(|v| v >= needed)
    }

    /// The version the drawing order compares: rows that cover any version come last, so
    /// version-bound rows are used where they can be.
    pub fn draw_version(&self) -> u16 {
        if self.any_version() {
            u16::MAX
        } else {
            self.version.unwrap_or(0)
        }
    }

    pub fn label(&self) -> String {
        let v = self.version.map(|v| format!(" {v}")).unwrap_or_default();
        let sa = if self.software_assurance && !self.product.is_online_plan() {
            " with SA"
        } else {
            ""
        };
        format!(
            "{}{v} {}{sa} (licence row {})",
            self.product, self.cal_type, self.row
        )
    }

    /// What the position depends on when a need drew from this row, if anything beyond the
    /// row itself: Software Assurance taken as active, or a plan taken as CAL-equivalent.
    pub fn assumption(&self, family: Family) -> Option<String> {
        if self.product.is_online_plan() {
            Some(format!(
                "{}: each {} user subscription is taken as CAL-equivalent for {family} (Product Terms, CAL and ML Equivalency Licenses) and as assigned to the user it covers here; it does not cover Remote Desktop Services or SQL Server",
                self.label(),
                self.product
            ))
        } else if self.software_assurance {
            Some(format!(
                "{}: Software Assurance is taken as active on the audit date (and when the server version needed was released), which gives rights to the current version, so it covers servers of any version",
                self.label()
            ))
        } else {
            None
        }
    }
}

/// A licences CSV row.
pub use crate::model::server_cal::{columns_help, LICENSE_COLUMNS};

#[derive(JsonSchema)]
#[allow(non_snake_case, dead_code)]
pub struct LicenseInput {
    /// Windows Server, SQL Server, Remote Desktop Services, Active Directory Rights Management
    /// Services, Exchange Server, SharePoint Server, Skype for Business Server (Lync); a suite:
    /// Core CAL Suite, Enterprise CAL Suite; or a CAL-equivalent plan: Microsoft 365 E3, Microsoft
    /// 365 E5, Office 365 E1, Office 365 E3, Office 365 E5
    Product: String,
    /// e.g. 2019 (CALs cover servers of the same or an older version; ignored for plans)
    Version: Option<String>,
    /// User, Device, ExternalConnector or PerCore; required, except for a plan (User, the
    /// default)
    CalType: Option<String>,
    Quantity: Option<u64>,
    /// Lower numbers are consumed first (default 100)
    Priority: Option<i64>,
    /// Servers the licence is restricted to, separated by ; (PerCore: the servers licensed per
    /// core; an ExternalConnector with Host: the servers (OSEs) running on that physical server)
    Servers: Option<String>,
    /// True (or SA): active Software Assurance, rights to the current version, so the row covers
    /// servers of any version (default False)
    SoftwareAssurance: Option<bool>,
    /// ExternalConnector rows only: the physical server the External Connector is assigned to;
    /// one licence covers external access to every server (OSE) in Servers
    Host: Option<String>,
}

/// A licence row of `product` (no version, no servers, priority 100), for unit tests.
#[cfg(test)]
pub fn example_row(
    row: u64,
    product: impl Into<super::roles::LicenseProduct>,
    cal_type: CalType,
    quantity: u64,
) -> License {
    License {
        row,
        product: product.into(),
        version: None,
        cal_type,
        quantity,
        priority: 100,
        servers: Vec::new(),
        software_assurance: false,
        host: None,
    }
}

#[cfg(test)]
mod column_tests {
    use super::*;

    #[test]
    fn the_help_lists_the_columns_the_reader_takes() {
        let schema = schemars::schema_for!(LicenseInput);
        let value = serde_json::to_value(&schema).unwrap();
        let mut fields: Vec<&str> = value["properties"]
            .as_object()
            .expect("LicenseInput has properties")
            .keys()
            .map(String::as_str)
            .collect();
        let mut listed = LICENSE_COLUMNS.to_vec();
        fields.sort_unstable();
        listed.sort_unstable();
        assert_eq!(listed, fields);
        for c in LICENSE_COLUMNS {
            assert!(columns_help().contains(c), "{c}");
        }
    }
}
