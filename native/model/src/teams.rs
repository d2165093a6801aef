//! Teams licence ↔ configuration (`teams assignments`): what a finding says is wrong, how much it
//! matters, and which family a service plan belongs to.

use crate::{choice, Choice};

choice! {
    /// What a Teams assignment finding costs the tenant.
    pub enum TeamsSeverity {
        Waste => "Waste" / "waste": "a paid licence that cannot be used as configured: reclaimable",
        Broken => "Broken" / "broken": "configured for something no licence covers: the feature fails or is out of compliance",
        Risk => "Risk" / "risk": "works today, stops when a licence in grace ends",
        Info => "Info" / "info": "a review item: the licence may be in use as configured, so nothing is called reclaimable",
    }
}

choice! {
    /// The stable code of a Teams assignment finding (filter on it; the text may change).
    pub enum TeamsFindingCode {
        PhoneLicenseVoiceDisabled => "PhoneLicenseVoiceDisabled" / "phone-license-voice-disabled": "Teams Phone (MCOEV*) licensed, EnterpriseVoiceEnabled false",
        PhoneLicenseNoNumberNoRouting => "PhoneLicenseNoNumberNoRouting" / "phone-license-no-number-no-routing": "Teams Phone licensed and voice enabled, but no number, no Calling Plan and no voice routing policy: no PSTN calls possible",
        VoiceWithoutPhoneLicense => "VoiceWithoutPhoneLicense" / "voice-without-phone-license": "voice enabled or a number assigned with no Teams Phone licence",
        CallingPlanOnDirectRouting => "CallingPlanOnDirectRouting" / "calling-plan-on-direct-routing": "a Calling Plan (MCOPSTN*) on an account whose numbers are all Direct Routing or Operator Connect and whose voice routing policy routes every number (a catch-all voice route): the Calling Plan carries no call",
        CallingPlanBesideDirectRouting => "CallingPlanBesideDirectRouting" / "calling-plan-beside-direct-routing": "a Calling Plan (MCOPSTN*) on an account whose numbers are all Direct Routing or Operator Connect, but whose voice routing policy is not proven to route every number: calls no route matches go out on the Calling Plan (review)",
        ResourceAccountUserPhoneLicense => "ResourceAccountUserPhoneLicense" / "resource-account-user-phone-license": "a resource account holds a user Teams Phone licence instead of the free Teams Phone Resource Account licence (MCOEV_VIRTUALUSER)",
        LicenseNotActiveVoiceEnabled => "LicenseNotActiveVoiceEnabled" / "license-not-active-voice-enabled": "a Teams Phone or Calling Plan licence in Warning, Suspended or LockedOut state on a user still enabled for voice",
        DisabledAccountPaidPlans => "DisabledAccountPaidPlans" / "disabled-account-paid-plans": "a disabled account still holds paid plans",
        DeletedAccountPaidPlans => "DeletedAccountPaidPlans" / "deleted-account-paid-plans": "a soft-deleted account still holds paid plans",
    }
}

impl TeamsFindingCode {
    /// Every code has one severity.
    pub fn severity(self) -> TeamsSeverity {
        use TeamsFindingCode::*;
        match self {
            PhoneLicenseVoiceDisabled
            | PhoneLicenseNoNumberNoRouting
            | CallingPlanOnDirectRouting
            | ResourceAccountUserPhoneLicense
            | DisabledAccountPaidPlans
            | DeletedAccountPaidPlans => TeamsSeverity::Waste,
            VoiceWithoutPhoneLicense => TeamsSeverity::Broken,
            LicenseNotActiveVoiceEnabled => TeamsSeverity::Risk,
            CallingPlanBesideDirectRouting => TeamsSeverity::Info,
        }
    }
}

choice! {
    /// A check `teams assignments` reports the status of that writes no finding (it is never
    /// evaluated from the exports this audit reads, and says why).
    pub enum TeamsCheck {
        TeamsRoomsProUnused => "TeamsRoomsProUnused" / "teams-rooms-pro-unused": "a Teams Rooms Pro licence on a room that uses nothing only Pro has (needs the Teams Rooms Pro Management portal's data)",
    }
}

/// A rule in the TeamsAssignmentSummary's list: one that writes findings, named by their code,
/// or a check that has none. Serialized as its bare name, so the JSON is the one string either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum TeamsRule {
    Finding(TeamsFindingCode),
    Check(TeamsCheck),
}

choice! {
    /// What a service plan (AssignedPlan Capability) is, for the rules. Names from Microsoft
    /// Learn, "Product names and service plan identifiers for licensing" and the Teams PSTN
    /// usage report's capability list.
    pub enum TeamsPlanFamily {
        TeamsPhone => "TeamsPhone" / "teams-phone": "MCOEV* (Teams Phone / Phone System), not the resource-account plan",
        TeamsPhoneResourceAccount => "TeamsPhoneResourceAccount" / "teams-phone-resource-account": "MCOEV_VIRTUALUSER*: the free Teams Phone Resource Account licence",
        CallingPlan => "CallingPlan" / "calling-plan": "MCOPSTN* Calling Plans (not Communications Credits)",
        CommunicationsCredits => "CommunicationsCredits" / "communications-credits": "MCOPSTNC / MCOPSTNPP: prepaid credits, not a per-user licence",
        AudioConferencing => "AudioConferencing" / "audio-conferencing": "MCOMEETADV, MCOMEETADD*, MCOMEETACPEA*",
        TeamsRooms => "TeamsRooms" / "teams-rooms": "Teams_Room* (Teams Rooms Basic, Pro, Standard)",
        Teams => "Teams" / "teams": "TEAMS1 and its government variants: Teams itself",
        SkypeForBusinessOnline => "SkypeForBusinessOnline" / "skype-for-business-online": "MCOSTANDARD and other MCO* plans of suites",
        Unknown => "Unknown" / "unknown": "not a plan this audit knows: kept and counted, never dropped",
    }
}

impl TeamsPlanFamily {
    /// The family of an AssignedPlan Capability (case-insensitive; no allocation: it runs for
    /// every plan of every account).
    pub fn of(capability: &str) -> TeamsPlanFamily {
        let c = capability.trim();
        let starts = |p: &str| crate::text::starts_with_ci(c, p);
        if starts("MCOEV_VIRTUALUSER") || starts("PHONESYSTEM_VIRTUALUSER") {
            TeamsPlanFamily::TeamsPhoneResourceAccount
        } else if starts("MCOEV") {
            TeamsPlanFamily::TeamsPhone
        } else if c.eq_ignore_ascii_case("MCOPSTNC") || c.eq_ignore_ascii_case("MCOPSTNPP") {
            TeamsPlanFamily::CommunicationsCredits
        } else if starts("MCOPSTN") {
            TeamsPlanFamily::CallingPlan
        } else if starts("MCOMEETADV") || starts("MCOMEETADD") || starts("MCOMEETACPEA") {
            TeamsPlanFamily::AudioConferencing
        } else if starts("TEAMS_ROOM") {
            TeamsPlanFamily::TeamsRooms
        } else if starts("TEAMS1")
            || starts("TEAMS_GOV")
            || c.eq_ignore_ascii_case("TEAMS_AR_DOD")
            || c.eq_ignore_ascii_case("TEAMS_AR_GCCHIGH")
        {
            TeamsPlanFamily::Teams
        } else if starts("MCO") {
            TeamsPlanFamily::SkypeForBusinessOnline
        } else {
            TeamsPlanFamily::Unknown
        }
    }

    /// Whether holding the plan costs money on its own (what a disabled account should give
    /// back). Resource-account plans and Teams Rooms Basic are free; credits are pooled.
    pub fn paid(self, capability: &str) -> bool {
        match self {
            TeamsPlanFamily::TeamsPhone
            | TeamsPlanFamily::CallingPlan
            | TeamsPlanFamily::AudioConferencing
            | TeamsPlanFamily::Teams
            | TeamsPlanFamily::SkypeForBusinessOnline => true,
            TeamsPlanFamily::TeamsRooms => !capability
                .as_bytes()
                .windows(5)
                .any(|w| w.eq_ignore_ascii_case(b"BASIC")),
            TeamsPlanFamily::TeamsPhoneResourceAccount
            | TeamsPlanFamily::CommunicationsCredits
            | TeamsPlanFamily::Unknown => false,
        }
    }
}

choice! {
    /// Get-CsOnlineUser AccountType as Microsoft documents it (Microsoft Learn, "Get-CsOnlineUser",
    /// https://learn.microsoft.com/powershell/module/microsoftteams/get-csonlineuser: the
    /// -AccountType parameter, and the module 6.1.1 note that renames Unknown to IneligibleUser).
    pub enum KnownAccountType {
        User => "User" / "user": "a user account",
        ResourceAccount => "ResourceAccount" / "resource-account": "an app endpoint or resource account (auto attendant, call queue)",
        Guest => "Guest" / "guest": "a guest of the tenant",
        SfBOnPremUser => "SfBOnPremUser" / "sfb-on-prem-user": "a user homed on Skype for Business Server",
        IneligibleUser => "IneligibleUser" / "ineligible-user": "no valid Teams licence (module 6.1.1 and later)",
        Unknown => "Unknown" / "unknown": "what modules before 6.1.1 call IneligibleUser",
    }
}

/// Get-CsOnlineUser AccountType as the export spells it: a documented value, or any other text
/// kept as given, so a value newer than this reader never fails an export. Written back exactly
/// as read; the schema lists the documented values.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum AccountType {
    /// Spelled exactly as Microsoft documents it
    Known(KnownAccountType),
    /// Anything else, as read (another case, blanks around it, a new value)
    Other(String),
}

impl AccountType {
    /// Known only when spelled exactly as documented, so that it is written back unchanged.
    pub fn read(text: String) -> AccountType {
        match KnownAccountType::ALL.iter().find(|k| k.name() == text) {
            Some(&k) => AccountType::Known(k),
            None => AccountType::Other(text),
        }
    }

    /// The documented value this is, whatever its case and blanks around it.
    pub fn known(&self) -> Option<KnownAccountType> {
        match self {
            AccountType::Known(k) => Some(*k),
            AccountType::Other(text) => KnownAccountType::ALL
                .iter()
                .copied()
                .find(|k| k.name().eq_ignore_ascii_case(text.trim())),
        }
    }

    /// As read.
    pub fn as_str(&self) -> &str {
        match self {
            AccountType::Known(k) => k.name(),
            AccountType::Other(text) => text,
        }
    }
}

/// The value as an export spells it (see [`AccountType::read`]).
impl From<&str> for AccountType {
    fn from(text: &str) -> AccountType {
        AccountType::read(text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_families() {
        use TeamsPlanFamily::*;
        for (c, f) in [
            ("MCOEV", TeamsPhone),
            ("mcoev_gov", TeamsPhone),
            ("MCOEV_VIRTUALUSER", TeamsPhoneResourceAccount),
            ("MCOEV_VIRTUALUSER_GOV", TeamsPhoneResourceAccount),
            ("MCOPSTN1", CallingPlan),
            ("MCOPSTN2", CallingPlan),
            ("MCOPSTNEAU2", CallingPlan),
            // Pay-as-you-go Calling Plans (zone 1 and zone 2 countries): a Calling Plan, paid.
            ("MCOPSTN_PAYG_1", CallingPlan),
            ("MCOPSTN_PAYG_2", CallingPlan),
            ("MCOPSTNC", CommunicationsCredits),
            ("MCOPSTNPP", CommunicationsCredits),
            ("MCOMEETADV", AudioConferencing),
            ("Teams_Room_Pro", TeamsRooms),
            ("TEAMS1", Teams),
            ("MCOSTANDARD", SkypeForBusinessOnline),
            ("exchange", Unknown),
        ] {
            assert_eq!(TeamsPlanFamily::of(c), f, "{c}");
        }
        assert!(!TeamsRooms.paid("Teams_Room_Basic"));
        assert!(TeamsRooms.paid("Teams_Room_Pro"));
        assert!(!TeamsPhoneResourceAccount.paid("MCOEV_VIRTUALUSER"));
        assert!(CallingPlan.paid("MCOPSTN_PAYG_1"));
    }

    #[test]
    fn every_code_has_a_severity() {
        let waste = TeamsFindingCode::ALL
            .iter()
            .filter(|c| c.severity() == TeamsSeverity::Waste)
            .count();
        assert_eq!(waste, 6);
        assert_eq!(
            TeamsFindingCode::VoiceWithoutPhoneLicense.severity(),
            TeamsSeverity::Broken
        );
        // The review item beside the Waste rule: never reclaimable, so never Waste.
        let info: Vec<TeamsFindingCode> = TeamsFindingCode::ALL
            .iter()
            .copied()
            .filter(|c| c.severity() == TeamsSeverity::Info)
            .collect();
        assert_eq!(info, [TeamsFindingCode::CallingPlanBesideDirectRouting]);
        // Every severity is some code's (a severity no code has would be a dead column).
        for s in TeamsSeverity::ALL {
            assert!(
                TeamsFindingCode::ALL.iter().any(|c| c.severity() == *s),
                "{s:?}"
            );
        }
    }

    #[test]
    fn account_types_are_written_as_read_and_known_in_any_case() {
        let as_json = |t: &AccountType| serde_json::to_string(t).unwrap();
        for (text, known) in [
            ("Guest", Some(KnownAccountType::Guest)),
            ("ResourceAccount", Some(KnownAccountType::ResourceAccount)),
            ("IneligibleUser", Some(KnownAccountType::IneligibleUser)),
            // Another spelling is kept as read, yet known for what it is.
            (" guest", Some(KnownAccountType::Guest)),
            ("SFBONPREMUSER", Some(KnownAccountType::SfBOnPremUser)),
            // A value newer than this reader: kept, never refused.
            ("FutureKind", None),
        ] {
            let t = AccountType::read(text.to_string());
            assert_eq!(t.known(), known, "{text}");
            assert_eq!(t.as_str(), text);
            assert_eq!(as_json(&t), serde_json::to_string(text).unwrap());
        }
        assert_eq!(
            AccountType::from("User"),
            AccountType::Known(KnownAccountType::User)
        );
        assert_eq!(
            AccountType::from("user"),
            AccountType::Other("user".into()),
            "only the documented spelling is the variant, so it writes back unchanged"
        );
    }

    #[test]
    fn the_account_type_schema_lists_the_documented_values() {
        let schema = serde_json::to_string(&schemars::schema_for!(AccountType)).unwrap();
        for k in KnownAccountType::ALL {
            assert!(
                schema.contains(&format!("\"{}\"", k.name())),
                "{k}: {schema}"
            );
        }
        assert!(
            schema.contains("\"type\":\"string\""),
            "any other text: {schema}"
        );
    }
}
