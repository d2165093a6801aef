//! Recognising UAL evidence: role GUID / role name / product name → product family and version.
//! GUIDs and the CALs each role needs: docs/rules/ual-server-cal.md, with its public sources.

use schemars::JsonSchema;
use serde::Serialize;
use std::fmt;

pub use crate::model::equivalency::{
    is_online_plan, online_plan, CORE_CAL_SUITE, ENTERPRISE_CAL_SUITE, M365_E3, M365_E5, O365_E1,
    O365_E3, O365_E5,
};

/// A product family CALs are sold for, by the name licence sheets and the contract use.
// Declared in the order of those names: positions, consumptions and External Connectors are
// listed by family, in name order (`family_order_is_name_order` holds it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
pub enum Family {
    #[serde(rename = "Active Directory Rights Management Services")]
    AdRms,
    #[serde(rename = "Exchange Server")]
    Exchange,
    #[serde(rename = "Remote Desktop Services")]
    Rds,
    #[serde(rename = "SQL Server")]
    SqlServer,
    #[serde(rename = "SharePoint Server")]
    SharePoint,
    #[serde(rename = "Skype for Business Server")]
    Skype,
    #[serde(rename = "Windows Server")]
    WindowsServer,
}

impl Family {
    pub const ALL: [Family; 7] = [
        Family::AdRms,
        Family::Exchange,
        Family::Rds,
        Family::SqlServer,
        Family::SharePoint,
        Family::Skype,
        Family::WindowsServer,
    ];

    /// The family's name, as written (the same text serde writes: `names_are_the_json`).
    pub fn name(self) -> &'static str {
        match self {
            Family::AdRms => "Active Directory Rights Management Services",
            Family::Exchange => "Exchange Server",
            Family::Rds => "Remote Desktop Services",
            Family::SqlServer => "SQL Server",
            Family::SharePoint => "SharePoint Server",
            Family::Skype => "Skype for Business Server",
            Family::WindowsServer => "Windows Server",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a licence row is for: one product family, or a suite or CAL-equivalent plan covering
/// several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenseProduct {
    Family(Family),
    /// A suite or plan, by its name in [`crate::model::equivalency`] (shared with the Lync
    /// audit's CAL equivalency); [`suite_members`] knows what each covers.
    Bundle(&'static str),
}

impl LicenseProduct {
    pub fn name(self) -> &'static str {
        match self {
            LicenseProduct::Family(f) => f.name(),
            LicenseProduct::Bundle(b) => b,
        }
    }

    /// The family, for a row of one product family.
    pub fn family(self) -> Option<Family> {
        match self {
            LicenseProduct::Family(f) => Some(f),
            LicenseProduct::Bundle(_) => None,
        }
    }

    /// A suite or plan (one licence covering several products), not a product family.
    pub fn is_bundle(self) -> bool {
        matches!(self, LicenseProduct::Bundle(_))
    }

    /// A Microsoft 365 / Office 365 plan: a user subscription, CAL-equivalent for its users.
    pub fn is_online_plan(self) -> bool {
        matches!(self, LicenseProduct::Bundle(b) if is_online_plan(b))
    }

    /// Whether a seat of this product covers `family`: the family itself, or a suite or plan
    /// that includes it.
    pub fn covers(self, family: Family) -> bool {
        match self {
            LicenseProduct::Family(f) => f == family,
            LicenseProduct::Bundle(b) => suite_members(b).contains(&family),
        }
    }
}

impl From<Family> for LicenseProduct {
    fn from(family: Family) -> LicenseProduct {
        LicenseProduct::Family(family)
    }
}

impl fmt::Display for LicenseProduct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a suite or a CAL-equivalent plan covers. None includes SQL Server or Remote Desktop
/// Services CALs; the Office 365 plans do not include the Windows Server CAL (Microsoft 365
/// E3/E5 do, through Enterprise Mobility + Security). Exchange, SharePoint and Skype for Business
/// are one family each here (Standard and Enterprise CALs are not told apart).
pub fn suite_members(suite: &str) -> &'static [Family] {
    use Family::*;
    match suite {
        CORE_CAL_SUITE => &[WindowsServer, Exchange, SharePoint, Skype],
        ENTERPRISE_CAL_SUITE | M365_E3 | M365_E5 => {
            &[WindowsServer, Exchange, SharePoint, Skype, AdRms]
        }
        O365_E1 | O365_E3 | O365_E5 => &[Exchange, SharePoint, Skype],
        _ => &[],
    }
}

/// A SQL Server edition that is free to use, so its users need no SQL Server CAL: Express
/// (free for production use) and Developer (free, for development and test only), named in a
/// product name or a FlexNet Edition column. SQL Server licensing guide: "SQL Server Express …
/// and SQL Server Developer … are free".
pub fn free_sql_edition(text: &str) -> bool {
    let l = text.to_ascii_lowercase();
    l.contains("express") || l.contains("developer")
}

/// A SQL Server Enterprise edition: licensed per core only (no Server + CAL licence since SQL
/// Server 2012, SQL Server licensing guide).
pub fn sql_enterprise_edition(text: &str) -> bool {
    text.to_ascii_lowercase().contains("enterprise")
}

pub struct Role {
    pub guid: &'static str,
    pub name: &'static str,
    /// The product whose CAL the role needs besides the Windows Server CAL (None: Windows only).
    pub extra_product: Option<Family>,
}

pub const ROLES: &[Role] = &[
    Role {
        guid: "10A9226F-50EE-49D8-A393-9A501D47CE04",
        name: "File Server",
        extra_product: None,
    },
    Role {
        guid: "7FB09BD3-7FE6-435E-8348-7D8AEFB6CEA3",
        name: "Print and Document Services",
        extra_product: None,
    },
    Role {
        guid: "48EED6B2-9CDC-4358-B5A5-8DEA3B2F3F6A",
        name: "DHCP Server",
        extra_product: None,
    },
    Role {
        guid: "AD495FC3-0EAA-413D-BA7D-8B13FA7EC598",
        name: "Active Directory Domain Services",
        extra_product: None,
    },
    Role {
        guid: "C50FCC83-BC8D-4DF5-8A3D-89D7F80F074B",
        name: "Active Directory Certificate Services",
        extra_product: None,
    },
    Role {
        guid: "4AD13311-EC3B-447E-9056-14EDE9FA7052",
        name: "Active Directory Lightweight Directory Services",
        extra_product: None,
    },
    Role {
        guid: "B4CDD739-089C-417E-878D-855F90081BE7",
        name: "Active Directory Rights Management Services",
        extra_product: Some(Family::AdRms),
    },
    Role {
        guid: "910CBAF9-B612-4782-A21F-F7C75105434A",
        name: "BranchCache",
        extra_product: None,
    },
    Role {
        guid: "7CC4B071-292C-4732-97A1-CF9A7301195D",
        name: "Fax Server",
        extra_product: None,
    },
    Role {
        guid: "C23F1C6A-30A8-41B6-BBF7-F266563DFCD6",
        name: "FTP Server",
        extra_product: None,
    },
    Role {
        guid: "DDE30B98-449E-4B93-84A6-EA86AF0B19FE",
        name: "Message Queuing",
        extra_product: None,
    },
    Role {
        guid: "BBD85B29-9DCC-4FD9-865D-3846DCBA75C7",
        name: "Network Policy and Access Services",
        extra_product: None,
    },
    Role {
        guid: "952285D9-EDB7-4B6B-9D85-0C09E3DA0BBD",
        name: "Remote Access",
        extra_product: None,
    },
    Role {
        guid: "D6256CF7-98FB-4EB4-AA18-303F1DA1F770",
        name: "Web Server",
        extra_product: None,
    },
    Role {
        guid: "4116A14D-3840-4F42-A67F-F2F9FF46EB4C",
        name: "Windows Deployment Services",
        extra_product: None,
    },
    Role {
        guid: "D8DC1C8E-EA13-49CE-9A68-C9DCA8DB8B33",
        name: "Windows Server Update Services",
        extra_product: None,
    },
    Role {
        guid: "90E64AFA-70DB-4FEF-878B-7EB8C868F091",
        name: "Remote Desktop Services",
        extra_product: Some(Family::Rds),
    },
    Role {
        guid: "1479A8C1-9808-411E-9739-2D3C5923E86A",
        name: "Remote Desktop Gateway",
        extra_product: Some(Family::Rds),
    },
    Role {
        guid: "BD7F7C0D-7C36-4721-AFA8-0BA700E26D9E",
        name: "SQL Server Database Engine",
        extra_product: Some(Family::SqlServer),
    },
    Role {
        guid: "2414BC1B-1572-4CD9-9CA5-65166D8DEF3D",
        name: "SQL Server Analysis Services",
        extra_product: Some(Family::SqlServer),
    },
    Role {
        guid: "8CC0AC85-40F7-4886-9DAB-021519800418",
        name: "SQL Server Reporting Services",
        extra_product: Some(Family::SqlServer),
    },
];

/// Finds a role by GUID (braces and case ignored), else by role name.
pub fn find_role(guid: Option<&str>, role_name: Option<&str>) -> Option<&'static Role> {
    if let Some(g) = guid {
        let g = g.trim().trim_matches(|c| c == '{' || c == '}');
        if let Some(r) = ROLES.iter().find(|r| r.guid.eq_ignore_ascii_case(g)) {
            return Some(r);
        }
    }
    let n = role_name?.trim();
    ROLES.iter().find(|r| r.name.eq_ignore_ascii_case(n))
}

/// A product named in a licence sheet or a FlexNet spreadsheet: a family, or a suite or plan.
pub fn license_product(name: &str) -> Option<LicenseProduct> {
    if let Some(plan) = online_plan(name) {
        return Some(LicenseProduct::Bundle(plan));
    }
    let l = name.to_ascii_lowercase();
    let has = |w: &str| l.contains(w);
    let family = if has("core cal") {
        return Some(LicenseProduct::Bundle(CORE_CAL_SUITE));
    } else if has("enterprise cal") {
        return Some(LicenseProduct::Bundle(ENTERPRISE_CAL_SUITE));
    } else if has("sql") {
        Family::SqlServer
    } else if has("remote desktop") || l == "rds" || has("terminal server") {
        Family::Rds
    } else if has("rights management") || l == "ad rms" || l == "rms" {
        Family::AdRms
    } else if has("exchange") {
        Family::Exchange
    } else if has("sharepoint") {
        Family::SharePoint
    } else if has("skype") || has("lync") {
        Family::Skype
    } else if has("windows") {
        Family::WindowsServer
    } else {
        return None;
    };
    Some(LicenseProduct::Family(family))
}

/// The year in a product name or version string ("Windows Server 2012 R2 Datacenter" → 2012).
/// CAL versions are compared by year: 2012 CALs also cover 2012 R2.
pub fn version_year(text: &str) -> Option<u16> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(3)).find_map(|i| {
        let w = &b[i..i + 4];
        let boundary_before = i == 0 || !b[i - 1].is_ascii_digit();
        let boundary_after = b.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if w.iter().all(u8::is_ascii_digit) && boundary_before && boundary_after {
            let y: u16 = std::str::from_utf8(w).ok()?.parse().ok()?;
            (1995..=2100).contains(&y).then_some(y)
        } else {
            None
        }
    })
}

/// Windows Server release from Get-UalSystemId OS numbers.
pub fn windows_year(major: i64, minor: i64, build: i64) -> Option<u16> {
    Some(match (major, minor) {
        (6, 0) => 2008,
        (6, 1) => 2008, // 2008 R2
        (6, 2) => 2012,
        (6, 3) => 2012, // 2012 R2
        (10, 0) if build >= 26100 => 2025,
        (10, 0) if build >= 20348 => 2022,
        (10, 0) if build >= 17763 => 2019,
        (10, 0) => 2016,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_by_guid_or_name() {
        assert_eq!(
            find_role(Some("{bd7f7c0d-7c36-4721-afa8-0ba700e26d9e}"), None)
                .unwrap()
                .extra_product,
            Some(Family::SqlServer)
        );
        assert_eq!(
            find_role(None, Some("remote desktop gateway"))
                .unwrap()
                .extra_product,
            Some(Family::Rds)
        );
        assert!(find_role(
            Some("00000000-0000-0000-0000-000000000000"),
            Some("Something")
        )
        .is_none());
    }

    #[test]
    fn versions() {
        assert_eq!(
            version_year("Windows Server 2012 R2 Datacenter"),
            Some(2012)
        );
        assert_eq!(version_year("Microsoft SQL Server 2016 (SP2)"), Some(2016));
        assert_eq!(version_year("build 17763"), None);
        assert_eq!(windows_year(10, 0, 17763), Some(2019));
        assert_eq!(windows_year(6, 3, 9600), Some(2012));
    }

    #[test]
    fn product_names() {
        let family = |f| Some(LicenseProduct::Family(f));
        let bundle = |b| Some(LicenseProduct::Bundle(b));
        assert_eq!(
            license_product("Microsoft Exchange Server"),
            family(Family::Exchange)
        );
        assert_eq!(license_product("Lync Server"), family(Family::Skype));
        assert!(free_sql_edition(
            "Microsoft SQL Server 2019 Express Edition"
        ));
        assert!(free_sql_edition("Developer"));
        assert!(!free_sql_edition("SQL Server 2019 Standard"));
        assert_eq!(license_product("Core CAL Suite"), bundle(CORE_CAL_SUITE));
        assert_eq!(
            license_product("Microsoft Windows Server"),
            family(Family::WindowsServer)
        );
        assert_eq!(license_product("Oracle"), None);
        assert_eq!(license_product("Microsoft 365 E3"), bundle(M365_E3));
        assert_eq!(license_product("M365 E5"), bundle(M365_E5));
        assert_eq!(license_product("Office 365 Enterprise E3"), bundle(O365_E3));
        assert_eq!(license_product("Microsoft 365 E5 Security"), None);
        assert_eq!(license_product("Microsoft 365 F3"), None);
        assert!(suite_members(M365_E3).contains(&Family::WindowsServer));
        assert!(!suite_members(O365_E3).contains(&Family::WindowsServer));
        for bundle in [
            CORE_CAL_SUITE,
            ENTERPRISE_CAL_SUITE,
            M365_E3,
            M365_E5,
            O365_E3,
        ] {
            assert!(!suite_members(bundle).contains(&Family::Rds));
            assert!(!suite_members(bundle).contains(&Family::SqlServer));
        }
    }

    #[test]
    fn a_licence_product_covers_its_family_or_its_suites_members() {
        let exchange = LicenseProduct::Family(Family::Exchange);
        assert!(exchange.covers(Family::Exchange));
        assert!(!exchange.covers(Family::WindowsServer));
        let o365 = LicenseProduct::Bundle(O365_E3);
        assert!(o365.covers(Family::Exchange) && !o365.covers(Family::WindowsServer));
        assert!(o365.is_online_plan() && o365.is_bundle() && o365.family().is_none());
        let core = LicenseProduct::Bundle(CORE_CAL_SUITE);
        assert!(core.is_bundle() && !core.is_online_plan());
        assert_eq!(exchange.family(), Some(Family::Exchange));
        assert_eq!(core.to_string(), "Core CAL Suite");
    }

    #[test]
    fn names_are_the_json() {
        for f in Family::ALL {
            assert_eq!(
                serde_json::to_string(&f).unwrap(),
                format!("\"{}\"", f.name())
            );
            assert_eq!(f.to_string(), f.name());
            // A licence sheet's name of the family reads back as the family.
            assert_eq!(license_product(f.name()), Some(LicenseProduct::Family(f)));
        }
    }

    #[test]
    fn family_order_is_name_order() {
        let mut by_name = Family::ALL;
        by_name.sort_by_key(|f| f.name());
        let mut by_order = Family::ALL;
        by_order.sort();
        assert_eq!(by_name, by_order);
        assert_eq!(by_order, Family::ALL);
    }
}
