//! Why a classification came out as it did ([`Reason`]) and what an admin should look at
//! ([`Finding`]): every record that classifies carries both, so a number can be defended.

use crate::choice;
use crate::tier::Cal;
use schemars::JsonSchema;
use serde::Serialize;

choice! {
    /// How much a finding matters.
    pub enum Severity {
        Error => "Error" / "error",
        Warning => "Warning" / "warning",
        Info => "Info" / "info",
    }
}

/// Why a tier applies: which setting or flag, on which object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Reason {
    /// The CAL this reason grants (None: nothing needed)
    pub cal: Cal,
    /// e.g. `User`, `ConferencingPolicy Tag:ENT_CAL_REC_Audio`, `RgsAgentGroup Helpdesk`
    pub source: String,
    /// e.g. `AllowIPAudio=True`
    pub detail: String,
}

impl Reason {
    pub fn new(cal: Cal, source: impl Into<String>, detail: impl Into<String>) -> Reason {
        Reason {
            cal,
            source: source.into(),
            detail: detail.into(),
        }
    }
}

/// Something an admin should look at, with a stable code to filter on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Finding {
    pub severity: Severity,
    pub code: String,
    pub message: String,
}

impl Finding {
    pub fn new(severity: Severity, code: &str, message: impl Into<String>) -> Finding {
        Finding {
            severity,
            code: code.into(),
            message: message.into(),
        }
    }
    pub fn error(code: &str, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Error, code, message)
    }
    pub fn warning(code: &str, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Warning, code, message)
    }
    pub fn info(code: &str, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Info, code, message)
    }
}
