//! Server client access licences (Windows Server, SQL Server, RDS, ...) counted from User
//! Access Logging evidence.

use crate::choice;

choice! {
    /// Who consumes CALs.
    pub enum ConsumptionMode {
        Usage => "usage" / "usage": "principals with evidence in the window consume CALs",
        Access => "access" / "access": "every listed principal consumes CALs, evidence or not",
    }
}

choice! {
    /// What a licence row holds or a consumption draws.
    pub enum CalType {
        User => "User" / "user",
        Device => "Device" / "device",
        ExternalConnector => "ExternalConnector" / "external-connector",
        PerCore => "PerCore" / "per-core",
    }
}

choice! {
    /// Who accessed a server: a user account or a device (client address or name).
    pub enum PrincipalKind {
        User => "User" / "user",
        Device => "Device" / "device",
    }
}

impl PrincipalKind {
    pub fn cal_type(self) -> CalType {
        match self {
            PrincipalKind::User => CalType::User,
            PrincipalKind::Device => CalType::Device,
        }
    }
}

choice! {
    /// What became of one evidence row.
    pub enum EvidenceStatus {
        Counted => "Counted" / "counted",
        Excluded => "Excluded" / "excluded",
        External => "External" / "external",
    }
}

/// The columns a licences-owned CSV may have, in the order `--help` lists them: the fields of
/// the engine's `LicenseInput` schema (a test there keeps the two the same), which its licence
/// reader reads.
pub const LICENSE_COLUMNS: &[&str] = &[
    "Product",
    "Version",
    "CalType",
    "Quantity",
    "Priority",
    "Servers",
    "SoftwareAssurance",
    "Host",
];

/// `ual compliance --licenses` help: the columns, from [`LICENSE_COLUMNS`], so it cannot drift.
pub fn columns_help() -> String {
    format!(
        "Licences owned: CSV with {} (docs/rules/ual-server-cal.md, section 9)",
        LICENSE_COLUMNS.join(", ")
    )
}
