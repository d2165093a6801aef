//! Recognising UAL evidence: role GUID / role name / product name → product family and version.
//! GUIDs and the CALs each role needs: docs/rules/ual-server-cal.md, with its public sources.

/// Product families CALs are sold for. Names as licence sheets and CONTRACT.md spell them.
pub const WINDOWS_SERVER: &str = "Windows Server";
pub const SQL_SERVER: &str = "SQL Server";
pub const RDS: &str = "Remote Desktop Services";
pub const AD_RMS: &str = "Active Directory Rights Management Services";
pub const EXCHANGE: &str = "Exchange Server";
pub const SHAREPOINT: &str = "SharePoint Server";
pub const SKYPE: &str = "Skype for Business Server";

pub use crate::model::equivalency::{
    is_online_plan, online_plan, CORE_CAL_SUITE, ENTERPRISE_CAL_SUITE, M365_E3, M365_E5, O365_E1,
    O365_E3, O365_E5,
};

/// What a suite or a CAL-equivalent plan covers. None includes SQL Server or Remote Desktop
/// Services CALs; the Office 365 plans do not include the Windows Server CAL (Microsoft 365
/// E3/E5 do, through Enterprise Mobility + Security). Exchange, SharePoint and Skype for Business
/// are one family each here (Standard and Enterprise CALs are not told apart).
pub fn suite_members(suite: &str) -> &'static [&'static str] {
    match suite {
        CORE_CAL_SUITE => &[WINDOWS_SERVER, EXCHANGE, SHAREPOINT, SKYPE],
        ENTERPRISE_CAL_SUITE | M365_E3 | M365_E5 => {
            &[WINDOWS_SERVER, EXCHANGE, SHAREPOINT, SKYPE, AD_RMS]
        }
        O365_E1 | O365_E3 | O365_E5 => &[EXCHANGE, SHAREPOINT, SKYPE],
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

/// A suite or plan (one licence covering several products), not a product family.
pub fn is_bundle(name: &str) -> bool {
    !suite_members(name).is_empty()
}

pub struct Role {
    pub guid: &'static str,
    pub name: &'static str,
    /// The product whose CAL the role needs besides the Windows Server CAL (None: Windows only).
    pub extra_product: Option<&'static str>,
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
        extra_product: Some(AD_RMS),
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
        extra_product: Some(RDS),
    },
    Role {
        guid: "1479A8C1-9808-411E-9739-2D3C5923E86A",
        name: "Remote Desktop Gateway",
        extra_product: Some(RDS),
    },
    Role {
        guid: "BD7F7C0D-7C36-4721-AFA8-0BA700E26D9E",
        name: "SQL Server Database Engine",
        extra_product: Some(SQL_SERVER),
    },
    Role {
        guid: "2414BC1B-1572-4CD9-9CA5-65166D8DEF3D",
        name: "SQL Server Analysis Services",
        extra_product: Some(SQL_SERVER),
    },
    Role {
        guid: "8CC0AC85-40F7-4886-9DAB-021519800418",
        name: "SQL Server Reporting Services",
        extra_product: Some(SQL_SERVER),
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

/// A product named in a licence sheet or a FlexNet spreadsheet, normalised to a family (or suite).
pub fn product_family(name: &str) -> Option<&'static str> {
    if let Some(plan) = online_plan(name) {
        return Some(plan);
    }
    let l = name.to_ascii_lowercase();
    let has = |w: &str| l.contains(w);
    Some(if has("core cal") {
        CORE_CAL_SUITE
    } else if has("enterprise cal") {
        ENTERPRISE_CAL_SUITE
    } else if has("sql") {
        SQL_SERVER
    } else if has("remote desktop") || l == "rds" || has("terminal server") {
        RDS
    } else if has("rights management") || l == "ad rms" || l == "rms" {
        AD_RMS
    } else if has("exchange") {
        EXCHANGE
    } else if has("sharepoint") {
        SHAREPOINT
    } else if has("skype") || has("lync") {
        SKYPE
    } else if has("windows") {
        WINDOWS_SERVER
    } else {
        return None;
    })
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
            Some(SQL_SERVER)
        );
        assert_eq!(
            find_role(None, Some("remote desktop gateway"))
                .unwrap()
                .extra_product,
            Some(RDS)
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
        assert_eq!(product_family("Microsoft Exchange Server"), Some(EXCHANGE));
        assert_eq!(product_family("Lync Server"), Some(SKYPE));
        assert!(free_sql_edition(
            "Microsoft SQL Server 2019 Express Edition"
        ));
        assert!(free_sql_edition("Developer"));
        assert!(!free_sql_edition("SQL Server 2019 Standard"));
        assert_eq!(product_family("Core CAL Suite"), Some(CORE_CAL_SUITE));
        assert_eq!(
            product_family("Microsoft Windows Server"),
            Some(WINDOWS_SERVER)
        );
        assert_eq!(product_family("Oracle"), None);
        assert_eq!(product_family("Microsoft 365 E3"), Some(M365_E3));
        assert_eq!(product_family("M365 E5"), Some(M365_E5));
        assert_eq!(product_family("Office 365 Enterprise E3"), Some(O365_E3));
        assert_eq!(product_family("Microsoft 365 E5 Security"), None);
        assert_eq!(product_family("Microsoft 365 F3"), None);
        assert!(suite_members(M365_E3).contains(&WINDOWS_SERVER));
        assert!(!suite_members(O365_E3).contains(&WINDOWS_SERVER));
        for bundle in [
            CORE_CAL_SUITE,
            ENTERPRISE_CAL_SUITE,
            M365_E3,
            M365_E5,
            O365_E3,
        ] {
            assert!(!suite_members(bundle).contains(&RDS));
            assert!(!suite_members(bundle).contains(&SQL_SERVER));
        }
    }
}
