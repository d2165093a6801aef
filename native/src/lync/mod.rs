//! Lync / Skype for Business Server: CAL tiers from configuration (entitlement, policy audit,
//! remediation plan, policy templates). Facts: ../shared/domain/lync-cal.md; seed 001.

pub mod entitlement;
pub mod estate;
pub mod inputs;
pub mod plan;
pub mod policies;
pub mod policy;
pub mod template;
pub mod usage;

use schemars::JsonSchema;
use serde::Serialize;

/// Why a tier applies: which setting or flag, on which object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Reason {
    /// Standard, Enterprise, Plus, or None (nothing needed)
    pub cal: String,
    /// e.g. `User`, `ConferencingPolicy Tag:ENT_CAL_REC_Audio`, `RgsAgentGroup Helpdesk`
    pub source: String,
    /// e.g. `AllowIPAudio=True`
    pub detail: String,
}

impl Reason {
    pub fn new(cal: &str, source: impl Into<String>, detail: impl Into<String>) -> Reason {
        Reason {
            cal: cal.into(),
            source: source.into(),
            detail: detail.into(),
        }
    }
}

/// Something an admin should look at, with a stable code to filter on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Finding {
    /// Error, Warning or Info
    pub severity: String,
    pub code: String,
    pub message: String,
}

impl Finding {
    pub fn error(code: &str, message: impl Into<String>) -> Finding {
        Finding {
            severity: "Error".into(),
            code: code.into(),
            message: message.into(),
        }
    }
    pub fn warning(code: &str, message: impl Into<String>) -> Finding {
        Finding {
            severity: "Warning".into(),
            code: code.into(),
            message: message.into(),
        }
    }
    pub fn info(code: &str, message: impl Into<String>) -> Finding {
        Finding {
            severity: "Info".into(),
            code: code.into(),
            message: message.into(),
        }
    }
}
