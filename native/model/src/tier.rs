//! Lync / Skype for Business Server client access licence tiers, as configured, licensed and used.

use crate::choice;

choice! {
    /// A CAL a reason grants. Standard, Enterprise and Plus are the Lync/SfB Server CALs
    /// (Enterprise and Plus are additive to Standard); None marks a reason that nothing is needed.
    pub enum Cal {
        Standard => "Standard" / "standard",
        Enterprise => "Enterprise" / "enterprise",
        Plus => "Plus" / "plus",
        None => "None" / "none",
    }
}

choice! {
    /// The conferencing tier a user is licensed for or a policy grants.
    pub enum Tier {
        Standard => "Standard" / "standard",
        Enterprise => "Enterprise" / "enterprise",
    }
}

impl Tier {
    /// `Standard`, `Enterprise`, and the spellings licence sheets use (`Enterprise+Plus`,
    /// `Lync Enterprise CAL`): Enterprise wins when both words appear. A CAL suite or a
    /// CAL-equivalent plan is the tier it is equivalent to (`Microsoft 365 E3`: Enterprise;
    /// `Office 365 Enterprise E1`, `Core CAL Suite`: Standard).
    pub fn from_licence_text(s: &str) -> Option<Tier> {
        if let Some(bundle) = crate::equivalency::bundle_named(s) {
            return crate::equivalency::skype_server_cals(bundle).map(|(e, _)| Tier::of(e));
        }
        match crate::equivalency::single_cals_named(s)? {
            [_, true, _] => Some(Tier::Enterprise),
            [true, false, _] => Some(Tier::Standard),
            _ => None,
        }
    }

    pub fn of(enterprise: bool) -> Tier {
        if enterprise {
            Tier::Enterprise
        } else {
            Tier::Standard
        }
    }
}

/// The CALs a configuration needs, as one text: `Standard`, `Standard+Enterprise`,
/// `Standard+Plus`, `Standard+Enterprise+Plus`, `Standard+Undetermined` (the assigned
/// conferencing policy is missing), `Standard+Undetermined+Plus`, or `None`. Enterprise and Plus
/// are additive to Standard, so either one needed means Standard is too; `None` only when nothing
/// is. The one spelling: the entitlement summary counts by it and rightsize writes it.
pub fn tier_combination(standard: bool, enterprise: Option<bool>, plus: bool) -> &'static str {
    match (standard, enterprise, plus) {
        (false, Some(false), false) | (false, None, false) => "None",
        (_, Some(true), false) => "Standard+Enterprise",
        (_, Some(true), true) => "Standard+Enterprise+Plus",
        (_, None, false) => "Standard+Undetermined",
        (_, None, true) => "Standard+Undetermined+Plus",
        (_, Some(false), false) => "Standard",
        (_, Some(false), true) => "Standard+Plus",
    }
}

/// Every text [`tier_combination`] gives, in summary order.
pub const TIER_COMBINATIONS: &[&str] = &[
    "Standard",
    "Standard+Enterprise",
    "Standard+Plus",
    "Standard+Enterprise+Plus",
    "Standard+Undetermined",
    "Standard+Undetermined+Plus",
    "None",
];

choice! {
    /// Which conferencing settings count as Enterprise. Public sources disagree, so the admin
    /// chooses and every record names the choice.
    #[derive(Default)]
    pub enum RuleSet {
        Lenient => "lenient" / "lenient": "the conferencing modalities only: IP audio/video, dial-in, desktop/application sharing; data collaboration, polls and annotations given the benefit of the doubt",
        #[default]
        Default => "default" / "default": "Microsoft's Enterprise CAL list: lenient plus web-conferencing content (data collaboration, whiteboard/annotations, polls), as lync usage counts it",
        Strict => "strict" / "strict": "the worst case: default plus meeting and P2P recording, whose tier no source confirms",
    }
}

choice! {
    /// What a Lync/SfB record describes.
    pub enum LyncKind {
        User => "User" / "user",
        CommonAreaPhone => "CommonAreaPhone" / "common-area-phone",
        AnalogDevice => "AnalogDevice" / "analog-device",
        MeetingRoom => "MeetingRoom" / "meeting-room",
    }
}

choice! {
    /// Where a policy's scope is: a per-user (Tag) policy, a site policy or Global.
    pub enum PolicyScope {
        Global => "Global" / "global",
        Site => "Site" / "site",
        Tag => "Tag" / "tag",
    }
}

choice! {
    /// How a user came by their effective policy.
    pub enum PolicySource {
        User => "User" / "user",
        Site => "Site" / "site",
        Global => "Global" / "global",
    }
}

choice! {
    /// What a remediation plan does for one user.
    pub enum PlanAction {
        Grant => "Grant" / "grant",
        None => "None" / "none",
    }
}

choice! {
    /// MAP Toolkit's usage answer for one tier.
    pub enum UsageAnswer {
        Yes => "Yes" / "yes",
        No => "No" / "no",
        InsufficientData => "InsufficientData" / "insufficient-data",
    }
}

impl UsageAnswer {
    /// MAP's rule: Yes on evidence; without evidence No only when the monitoring data covers
    /// the whole window, else InsufficientData (absence of data proves nothing).
    pub fn from_evidence(used: bool, window_covered: bool) -> UsageAnswer {
        match (used, window_covered) {
            (true, _) => UsageAnswer::Yes,
            (false, true) => UsageAnswer::No,
            (false, false) => UsageAnswer::InsufficientData,
        }
    }
}

choice! {
    /// What a device in the usage audit is.
    pub enum UsageDeviceKind {
        CommonAreaPhone => "CommonAreaPhone" / "common-area-phone",
        IpPhone => "IPPhone" / "ip-phone",
        Computer => "Computer" / "computer",
    }
}
