//! The licences CSV: `Product, Version, CalType (User|Device|ExternalConnector|PerCore),
//! Quantity, Priority, Servers`. Lower Priority numbers are consumed first.

use super::evidence::server_key;
use super::roles::{product_family, suite_members, WINDOWS_SERVER};
use crate::ingest::Record;
pub use crate::model::server_cal::CalType;
use crate::model::InputError;
use schemars::JsonSchema;

/// A licence sheet's CAL type, in the spellings sheets use (`User CAL`, `EC`, `Processor`).
fn parse_cal_type(s: &str) -> Option<CalType> {
    let l = s.trim().to_ascii_lowercase().replace([' ', '-', '_'], "");
    Some(match l.as_str() {
        "user" | "usercal" => CalType::User,
        "device" | "devicecal" => CalType::Device,
        "externalconnector" | "ec" => CalType::ExternalConnector,
        "percore" | "core" | "processor" | "perprocessor" => CalType::PerCore,
        _ => return None,
    })
}

/// No licence row counts more than a billion: two rows of 2^63-1 and one of 2 summed to
/// `Owned: 0` in a release build (issue #22 item 9). Sums of rows saturate besides.
pub const MAX_QUANTITY: u64 = 1_000_000_000;

#[derive(Debug, Clone)]
pub struct License {
    /// 1-based row in the licences file, for "which licence" answers.
    pub row: u64,
    /// A product family or a suite name.
    pub product: &'static str,
    pub version: Option<u16>,
    pub cal_type: CalType,
    pub quantity: u64,
    pub priority: i64,
    /// Server keys the licence is restricted to (empty: any server).
    pub servers: Vec<String>,
}

impl License {
    pub fn read(r: &Record) -> Result<License, InputError> {
        let name = r.req_str("Product")?;
        let product = product_family(&name).ok_or_else(|| {
            r.error("Product", format!("'{name}' is not a product this tool knows (Windows Server, SQL Server, Remote Desktop Services, Active Directory Rights Management Services, Exchange Server, SharePoint Server, Skype for Business Server, Core CAL Suite, Enterprise CAL Suite)"))
        })?;
        let ct = r.req_str("CalType")?;
        let cal_type = parse_cal_type(&ct).ok_or_else(|| {
            r.error(
                "CalType",
                format!("'{ct}' is not User, Device, ExternalConnector or PerCore"),
            )
        })?;
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
        let servers = r
            .opt_str("Servers")?
            .map(|s| {
                s.split([';', ',', ' '])
                    .filter(|x| !x.trim().is_empty())
                    .map(server_key)
                    .collect()
            })
            .unwrap_or_default();
        if cal_type == CalType::PerCore && product == WINDOWS_SERVER {
            return Err(r.error("CalType", "Windows Server is licensed per core and still needs CALs for access; a PerCore row exempts other products (SQL Server) only"));
        }
        Ok(License {
            row: r.index,
            product,
            version,
            cal_type,
            quantity,
            priority: r.opt_int("Priority")?.unwrap_or(100),
            servers,
        })
    }

    pub fn covers(&self, family: &str) -> bool {
        self.product == family || suite_members(self.product).contains(&family)
    }

    pub fn label(&self) -> String {
        let v = self.version.map(|v| format!(" {v}")).unwrap_or_default();
        format!(
            "{}{v} {} (licence row {})",
            self.product, self.cal_type, self.row
        )
    }
}

/// A licences CSV row.
#[derive(JsonSchema)]
#[allow(non_snake_case, dead_code)]
pub struct LicenseInput {
    /// Windows Server, SQL Server, Remote Desktop Services, Core CAL Suite, Enterprise CAL Suite, ...
    Product: String,
    /// e.g. 2019 (CALs cover servers of the same or an older version)
    Version: Option<String>,
    /// User, Device, ExternalConnector or PerCore
    CalType: String,
    Quantity: Option<u64>,
    /// Lower numbers are consumed first (default 100)
    Priority: Option<i64>,
    /// Servers the licence is restricted to, separated by ; (required meaning for PerCore and ExternalConnector)
    Servers: Option<String>,
}
