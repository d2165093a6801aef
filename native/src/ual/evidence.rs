//! Reading access evidence — Get-UalUserAccess / DeviceAccess / Daily*Access / Overview output
//! and FlexNet ConsolidatedAccessEvidence spreadsheets — and normalising principals.

use super::roles::{self, find_role, product_family, version_year, WINDOWS_SERVER};
use crate::ingest::Record;
use crate::model::InputError;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

/// The server a record came from, compared by its short name (`SQL001` = `sql001.contoso.com`).
pub fn server_key(name: &str) -> String {
    name.trim()
        .split('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// What Get-UalSystemId says about one server.
#[derive(Debug, Clone)]
pub struct SystemInfo {
    pub name: String,
    pub windows_year: Option<u16>,
    pub cores: Option<i64>,
    /// SystemSMBIOSUUID: what Get-UalServerUser / Get-UalServerDevice rows name the server by.
    pub uuid: Option<String>,
}

/// The servers Get-UalSystemId described, by short name and by SMBIOS UUID.
#[derive(Debug, Clone, Default)]
pub struct Systems {
    pub by_key: std::collections::BTreeMap<String, SystemInfo>,
}

impl Systems {
    pub fn insert(&mut self, key: String, info: SystemInfo) {
        self.by_key.insert(key, info);
    }
    pub fn get(&self, key: &str) -> Option<&SystemInfo> {
        self.by_key.get(key)
    }
    fn by_uuid(&self, uuid: &str) -> Option<&SystemInfo> {
        let uuid = uuid.trim();
        self.by_key.values().find(|s| {
            s.uuid
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case(uuid))
        })
    }
    /// The only server described, when there is exactly one (a local collection).
    pub fn only(&self) -> Option<&SystemInfo> {
        (self.by_key.len() == 1)
            .then(|| self.by_key.values().next())
            .flatten()
    }
}

impl SystemInfo {
    /// Whether a row is Get-UalSystemId output (it may be mixed into an evidence file).
    pub fn is_system_row(r: &Record) -> bool {
        r.get("SystemDNSHostName").is_some() && r.get("OSMajor").is_some()
    }

    pub fn read(r: &Record) -> Result<(String, SystemInfo), InputError> {
        let name = match r.opt_str("SystemDNSHostName")? {
            Some(n) => n,
            None => r.req_str("PSComputerName")?,
        };
        let (major, minor, build) = (
            r.opt_int("OSMajor")?,
            r.opt_int("OSMinor")?,
            r.opt_int("OSBuildNumber")?,
        );
        let windows_year = match (major, minor) {
            (Some(a), Some(b)) => roles::windows_year(a, b, build.unwrap_or(0)),
            _ => None,
        };
        let cores = match (
            r.opt_int("PhysicalProcessorCount")?,
            r.opt_int("CoresPerPhysicalProcessor")?,
        ) {
            (Some(p), Some(c)) => Some(p * c),
            _ => None,
        };
        Ok((
            server_key(&name),
            SystemInfo {
                name,
                windows_year,
                cores,
                uuid: r.opt_str("SystemSMBIOSUUID")?,
            },
        ))
    }
}

pub use crate::model::server_cal::PrincipalKind;

/// One evidence row, recognised (or not) and normalised.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub server: String,
    pub server_key: String,
    /// Get-UalUserAccess, Get-UalDailyAccess, FlexNet spreadsheet, ...
    pub source: &'static str,
    pub role_guid: Option<String>,
    pub role_name: Option<String>,
    pub product_name: Option<String>,
    /// Product families this access needs CALs for, with the server/product version (year).
    pub products: Vec<(&'static str, Option<u16>)>,
    pub recognized: bool,
    /// Windows Server evidence created because the server has no UAL (FlexNet's rule).
    pub implied_windows: bool,
    pub user: Option<String>,
    pub device: Option<String>,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub count: Option<i64>,
    /// How the server was known.
    pub server_from: ServerFrom,
}

/// The field an error names when a row names no server.
pub const NO_SERVER_FIELD: &str = "PSComputerName";

/// Where an evidence row's server name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerFrom {
    /// The row itself (PSComputerName, ComputerName, ComputerID).
    Row,
    /// The row's UUID matched a Get-UalSystemId SystemSMBIOSUUID.
    SystemUuid,
    /// The row names no server (collected locally): the fallback server was used.
    Fallback,
}

/// The server to assume for rows that name none, and how it is known.
#[derive(Debug, Clone)]
pub struct FallbackServer {
    pub name: String,
    /// e.g. "given by the admin", "the only server in the Get-UalSystemId export"
    pub because: String,
}

/// Why a principal of either kind does not consume a CAL (the one place both rules are applied).
pub fn exclusion(
    kind: PrincipalKind,
    name: &str,
    admin_accounts: &[String],
) -> Option<&'static str> {
    match kind {
        PrincipalKind::User => user_exclusion(name, admin_accounts),
        PrincipalKind::Device => device_exclusion(name),
    }
}

/// Why a user does not consume a CAL.
pub fn user_exclusion(user: &str, admin_accounts: &[String]) -> Option<&'static str> {
    let u = user.trim();
    if u.is_empty() {
        return Some("BlankUserName");
    }
    if u.ends_with('$') {
        return Some("ComputerAccount");
    }
    const SYSTEM: &[&str] = &[
        "nt authority\\system",
        "nt authority\\local service",
        "nt authority\\network service",
        "nt authority\\anonymous logon",
        "nt authority\\iusr",
        "anonymous",
        "iusr",
    ];
    const SYSTEM_DOMAINS: &[&str] = &[
        "nt service\\",
        "iis apppool\\",
        "window manager\\",
        "font driver host\\",
        "nt virtual machine\\",
    ];
    if SYSTEM.contains(&u) || SYSTEM_DOMAINS.iter().any(|d| u.starts_with(d)) {
        return Some("SystemAccount");
    }
    if admin_accounts.iter().any(|a| a.eq_ignore_ascii_case(u)) {
        return Some("AdminAccount");
    }
    None
}

/// Loopback and IPv6 device evidence is reported, not counted (FlexNet excludes IPv6 devices).
pub fn device_exclusion(device: &str) -> Option<&'static str> {
    let d = device.trim();
    if d.is_empty() {
        return Some("BlankDevice");
    }
    if d == "::1" || d.starts_with("127.") {
        return Some("Loopback");
    }
    if d.contains(':') {
        return Some("Ipv6Device");
    }
    None
}

/// `DOMAIN/sam` (FlexNet) and `DOMAIN\sam` (UAL) → `domain\sam`; UPNs lower-cased.
pub fn normalise_user(u: &str) -> String {
    // One copy: it runs for every evidence row.
    let mut s = u.trim().to_ascii_lowercase();
    if s.contains('/') {
        s = s.replace('/', "\\");
    }
    s
}

/// Whether `needle` (lower case ASCII) occurs in `text`, ignoring ASCII case, without copying
/// `text`.
fn contains_ignore_ascii_case(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The domain part of a normalised user: `contoso` of `contoso\peter`, `fabrikam.com` of a UPN.
pub fn user_domain(u: &str) -> Option<&str> {
    u.split_once('\\')
        .map(|(d, _)| d)
        .or_else(|| u.split_once('@').map(|(_, d)| d))
}

fn flexnet_date(r: &Record, name: &str) -> Result<Option<DateTime<Utc>>, InputError> {
    match r.opt_str(name)? {
        Some(s) if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) => {
            NaiveDate::parse_from_str(&s, "%Y%m%d")
                .map(|d| Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))))
                .map_err(|e| r.error(name, format!("'{s}' is not a yyyyMMdd date: {e}")))
        }
        Some(_) => r.opt_date(name),
        None => Ok(None),
    }
}

impl Evidence {
    /// Properties the readers use (wide exports skip the rest).
    pub const PROPERTIES: &'static [&'static str] = &[
        "PSComputerName",
        "ComputerName",
        "ProductName",
        "RoleName",
        "RoleGuid",
        "GUID",
        "UserName",
        "IPAddress",
        "FirstSeen",
        "LastSeen",
        "AccessDate",
        "ActivityCount",
        "AccessCount",
        "ComputerID",
        "Version",
        "Edition",
        "AccessingDeviceIPAddress",
        "AccessingDeviceComputerName",
        "AccessingUser",
        "InventoryDate",
        "UUID",
        "ChassisSerialNumber",
        // Get-UalSystemId rows mixed into an evidence file.
        "SystemDNSHostName",
        "SystemDomainName",
        "SystemSMBIOSUUID",
        "OSMajor",
        "OSMinor",
        "OSBuildNumber",
        "PhysicalProcessorCount",
        "CoresPerPhysicalProcessor",
    ];

    /// Reads one row, moving its text out of the record (which is read once).
    pub fn read(
        r: &mut Record,
        systems: &Systems,
        fallback: Option<&FallbackServer>,
    ) -> Result<Evidence, InputError> {
        if r.get("ComputerID").is_some() {
            return Self::read_flexnet(r, systems);
        }
        let uuid = r.opt_str("UUID")?;
        let (server, server_from) = match r.take_str("PSComputerName")? {
            Some(s) => (s, ServerFrom::Row),
            None => match r.take_str("ComputerName")? {
                Some(s) => (s, ServerFrom::Row),
                None => match (uuid.as_deref().and_then(|u| systems.by_uuid(u)), fallback) {
                    (Some(sys), _) => (sys.name.clone(), ServerFrom::SystemUuid),
                    (None, Some(f)) => (f.name.clone(), ServerFrom::Fallback),
                    (None, None) => {
                        return Err(r.error(NO_SERVER_FIELD, "the row names no server: PSComputerName is empty when UAL is read on the server itself (no -CimSession). Name the server the evidence comes from (ComputerName), or give that server's Get-UalSystemId output with it"))
                    }
                },
            },
        };
        let key = server_key(&server);
        let guid = match r.take_str("RoleGuid")? {
            Some(g) => Some(g),
            None => r.take_str("GUID")?,
        };
        let role_name = r.take_str("RoleName")?;
        let product_name = r.take_str("ProductName")?;
        let user = r.take_str("UserName")?;
        let device = r.take_str("IPAddress")?;
        let daily = r.get("AccessDate").is_some();
        let has_user = user.is_some() || r.get("UserName").is_some();
        let has_device = device.is_some() || r.get("IPAddress").is_some();
        // Get-UalServerUser / Get-UalServerDevice: access to the server as a whole (no role),
        // the server named by its SMBIOS UUID and chassis serial number.
        let server_level = guid.is_none()
            && role_name.is_none()
            && (r.get("UUID").is_some() || r.get("ChassisSerialNumber").is_some());
        let source = match (has_user, has_device, daily) {
            _ if server_level && has_user => "Get-UalServerUser",
            _ if server_level && has_device => "Get-UalServerDevice",
            (true, true, _) => "Get-UalDailyAccess",
            (true, false, true) => "Get-UalDailyUserAccess",
            (true, false, false) => "Get-UalUserAccess",
            (false, true, true) => "Get-UalDailyDeviceAccess",
            (false, true, false) => "Get-UalDeviceAccess",
            (false, false, _) => "Get-UalOverview",
        };
        let (first_seen, last_seen) = if daily {
            let d = r.opt_date("AccessDate")?;
            (d, d)
        } else {
            (r.opt_date("FirstSeen")?, r.opt_date("LastSeen")?)
        };
        let count = match r.opt_int("ActivityCount")? {
            Some(c) => Some(c),
            None => r.opt_int("AccessCount")?,
        };
        let os_year = systems.get(&key).and_then(|s| s.windows_year).or_else(|| {
            product_name
                .as_deref()
                .filter(|p| contains_ignore_ascii_case(p, "windows"))
                .and_then(version_year)
        });
        let mut products = Vec::new();
        let role = find_role(guid.as_deref(), role_name.as_deref());
        if let Some(role) = role {
            products.push((WINDOWS_SERVER, os_year));
            if let Some(extra) = role.extra_product {
                products.push((extra, product_name.as_deref().and_then(version_year)));
            }
        } else if server_level {
            // Any client access to a Windows server needs a Windows Server CAL.
            products.push((WINDOWS_SERVER, os_year));
        }
        Ok(Evidence {
            server,
            server_key: key,
            source,
            role_guid: guid,
            role_name,
            product_name,
            recognized: role.is_some() || server_level,
            products,
            implied_windows: false,
            server_from,
            user: user
                .map(|u| normalise_user(&u))
                .or_else(|| r.get("UserName").map(|_| String::new())),
            device: device.map(|d| d.trim().to_ascii_lowercase()),
            first_seen,
            last_seen,
            count,
        })
    }

    /// A ConsolidatedAccessEvidence row: ComputerID, ProductName, Version, Edition,
    /// AccessingDevice*, AccessingUser (DOMAIN/sam), AccessDate (yyyyMMdd), AccessCount.
    fn read_flexnet(r: &Record, systems: &Systems) -> Result<Evidence, InputError> {
        let server = r.req_str("ComputerID")?;
        let key = server_key(&server);
        let product_name = r.opt_str("ProductName")?;
        let version = r.opt_str("Version")?;
        let user = r.opt_str("AccessingUser")?.map(|u| normalise_user(&u));
        let device = match r.opt_str("AccessingDeviceComputerName")? {
            Some(d) => Some(d.trim().to_ascii_lowercase()),
            None => r
                .opt_str("AccessingDeviceIPAddress")?
                .map(|d| d.trim().to_ascii_lowercase()),
        };
        if user.is_none() && device.is_none() {
            return Err(r.record_error(
                "gives neither AccessingUser nor an accessing device; one is required",
            ));
        }
        let date = flexnet_date(r, "AccessDate")?;
        let family = product_name
            .as_deref()
            .and_then(product_family)
            .filter(|f| !f.contains("Suite"));
        let year = version
            .as_deref()
            .and_then(version_year)
            .or_else(|| product_name.as_deref().and_then(version_year));
        let os = systems.get(&key).and_then(|s| s.windows_year);
        let mut products = Vec::new();
        let mut implied_windows = false;
        if let Some(f) = family {
            if f == WINDOWS_SERVER {
                products.push((f, year.or(os)));
            } else {
                products.push((f, year));
                // No UAL on the server (pre-2012, or never collected): the access implies Windows
                // Server CAL evidence too, as FlexNet does.
                let has_ual = os.is_some_and(|y| y >= 2012);
                if !has_ual {
                    products.push((WINDOWS_SERVER, os));
                    implied_windows = true;
                }
            }
        }
        Ok(Evidence {
            server,
            server_key: key,
            source: "FlexNet spreadsheet",
            role_guid: None,
            role_name: None,
            recognized: family.is_some(),
            product_name,
            products,
            implied_windows,
            user,
            device,
            first_seen: date,
            last_seen: date,
            count: r.opt_int("AccessCount")?,
            server_from: ServerFrom::Row,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusions() {
        let admins = vec!["contoso\\admin1".to_string()];
        assert_eq!(
            user_exclusion("contoso\\sql001$", &admins),
            Some("ComputerAccount")
        );
        assert_eq!(user_exclusion("", &admins), Some("BlankUserName"));
        assert_eq!(
            user_exclusion("nt authority\\system", &admins),
            Some("SystemAccount")
        );
        assert_eq!(
            user_exclusion("iis apppool\\defaultapppool", &admins),
            Some("SystemAccount")
        );
        assert_eq!(
            user_exclusion("contoso\\ADMIN1", &admins),
            Some("AdminAccount")
        );
        assert_eq!(user_exclusion("contoso\\peter", &admins), None);
        assert_eq!(device_exclusion("::1"), Some("Loopback"));
        assert_eq!(device_exclusion("127.0.0.1"), Some("Loopback"));
        assert_eq!(device_exclusion("fe80::1c2d:3e4f"), Some("Ipv6Device"));
        assert_eq!(device_exclusion("10.0.0.5"), None);
    }

    #[test]
    fn users_and_domains() {
        assert_eq!(normalise_user("CONTOSO/Peter"), "contoso\\peter");
        assert_eq!(user_domain("contoso\\peter"), Some("contoso"));
        assert_eq!(user_domain("guest@fabrikam.com"), Some("fabrikam.com"));
        assert_eq!(server_key("SQL001.contoso.com"), "sql001");
    }
}
