//! The inputs `ual compliance` reads besides evidence and licences: the principals in scope,
//! and the notes of servers whose evidence is missing (their schemas).

use super::evidence::{normalise_user, PrincipalKind};
use crate::ingest::Record;
use crate::model::InputError;

/// A `--principals` row: a user (UserName, Principal, UserPrincipalName, or Domain + SamAccountName)
/// or a device (IPAddress, ComputerName, DNSHostName); `Type` may say which.
pub fn read_principal(r: &Record) -> Result<(PrincipalKind, String), InputError> {
    let kind_hint = r.opt_str("Type")?.map(|t| t.to_ascii_lowercase());
    for p in ["UserName", "Principal", "UserPrincipalName"] {
        if let Some(v) = r.opt_str(p)? {
            let device = kind_hint.as_deref() == Some("device");
            return Ok(if device {
                (PrincipalKind::Device, v.trim().to_ascii_lowercase())
            } else {
                (PrincipalKind::User, normalise_user(&v))
            });
        }
    }
    if let (Some(d), Some(s)) = (r.opt_str("Domain")?, r.opt_str("SamAccountName")?) {
        return Ok((PrincipalKind::User, normalise_user(&format!("{d}\\{s}"))));
    }
    for p in ["ComputerName", "DNSHostName", "IPAddress"] {
        if let Some(v) = r.opt_str(p)? {
            return Ok((PrincipalKind::Device, v.trim().to_ascii_lowercase()));
        }
    }
    Err(r.record_error("names no principal: give UserName (domain\\user), Domain + SamAccountName, ComputerName or IPAddress"))
}

/// A note of a server whose evidence is missing, read among the evidence (any format: JSON,
/// CLIXML, CSV; what Get-UalCalEvidence emits as LicenseAudit.UalEvidenceGap).
#[derive(schemars::JsonSchema)]
#[allow(non_snake_case, dead_code)]
pub struct UalEvidenceGapInput {
    /// UalEvidenceGap: what makes the row a note, not evidence (a CLIXML object of type
    /// LicenseAudit.UalEvidenceGap is one too)
    RecordType: String,
    /// The server whose evidence is missing (or PSComputerName)
    ComputerName: String,
    /// The command that failed there: New-CimSession, Get-UalUserAccess, ...
    Query: Option<String>,
    /// Why (the error's message)
    Reason: Option<String>,
}

/// A `--principals` row.
#[derive(schemars::JsonSchema)]
#[allow(non_snake_case, dead_code)]
pub struct UalPrincipalInput {
    /// domain\user
    UserName: Option<String>,
    Domain: Option<String>,
    SamAccountName: Option<String>,
    ComputerName: Option<String>,
    IPAddress: Option<String>,
    /// User or Device
    Type: Option<String>,
}
