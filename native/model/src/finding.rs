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

choice! {
    /// The stable code of a finding (filter on it; the message may change).
    pub enum FindingCode {
        ConferencingPolicyNotFound => "ConferencingPolicyNotFound" / "conferencing-policy-not-found": "the user's assigned conferencing policy is not in the export",
        VoicePolicyNotFound => "VoicePolicyNotFound" / "voice-policy-not-found": "the user's assigned voice policy is not in the export",
        PoolNotFound => "PoolNotFound" / "pool-not-found": "the registrar pool is not in the pools export, so its site is unknown",
        AssignedPolicyMissing => "AssignedPolicyMissing" / "assigned-policy-missing": "users are assigned a policy the export does not hold",
        MaxMeetingSizeBlocksMultipartyIm => "MaxMeetingSizeBlocksMultipartyIm" / "max-meeting-size-blocks-multiparty-im",
        StandardNameEnablesEnterprise => "StandardNameEnablesEnterprise" / "standard-name-enables-enterprise",
        InheritedPolicyEnterprise => "InheritedPolicyEnterprise" / "inherited-policy-enterprise",
        RecordingTierDisputed => "RecordingTierDisputed" / "recording-tier-disputed",
        PolicyUnused => "PolicyUnused" / "policy-unused",
        TierFromLyncDefaults => "TierFromLyncDefaults" / "tier-from-lync-defaults",
        AudioVideoDisabled => "AudioVideoDisabled" / "audio-video-disabled",
        DeviceMayBeCoveredByUserCals => "DeviceMayBeCoveredByUserCals" / "device-may-be-covered-by-user-cals",
        LinkTargetNotFound => "LinkTargetNotFound" / "link-target-not-found",
        ServiceLinkedToSeveralUsers => "ServiceLinkedToSeveralUsers" / "service-linked-to-several-users",
        IpPhonePolicyNotFound => "IpPhonePolicyNotFound" / "ip-phone-policy-not-found",
    }
}

/// Why a tier applies: which setting or flag, on which object.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Finding {
    pub severity: Severity,
    pub code: FindingCode,
    pub message: String,
}

impl Finding {
    pub fn new(severity: Severity, code: FindingCode, message: impl Into<String>) -> Finding {
        Finding {
            severity,
            code,
            message: message.into(),
        }
    }
    pub fn error(code: FindingCode, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Error, code, message)
    }
    pub fn warning(code: FindingCode, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Warning, code, message)
    }
    pub fn info(code: FindingCode, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Info, code, message)
    }
}
