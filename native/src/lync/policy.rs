//! Conferencing-policy settings and the rule sets that decide which of them make a user
//! Enterprise (docs/rules/lync-configured.md "Conferencing policy settings").
//!
//! Public scripts disagree on the rule, so it is a choice the admin makes and sees:
//! - `lenient`: only what plainly needs Enterprise — organising IP audio or video conferences,
//!   dial-in conferencing, desktop/application sharing.
//! - `default`: lenient plus scheduling meetings with application sharing
//!   (AllowUserToScheduleMeetingsWithAppSharing).
//! - `strict`: default plus everything either public script counts — anonymous participants and
//!   polls (Paul Vaillant's Get-LyncUserLicensing.ps1), data collaboration (Sam360's
//!   Get-LyncUsers.ps1), and multiple video streams (AllowMultiView).
//! Recording settings are never decided silently: the policy audit reports them as disputed.

pub use crate::model::RuleSet;
use crate::model::Tier;

#[derive(Debug, Clone, PartialEq)]
pub enum SettingValue {
    Bool(bool),
    Text(String),
    Int(i64),
}

impl std::fmt::Display for SettingValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SettingValue::Bool(true) => f.write_str("True"),
            SettingValue::Bool(false) => f.write_str("False"),
            SettingValue::Text(s) => f.write_str(s),
            SettingValue::Int(i) => write!(f, "{i}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    /// EnableAppDesktopSharing: Desktop / SingleApplication / None.
    Sharing,
    Int,
}

/// One setting the engine reads: its Lync default (used when an export leaves it out), and in
/// which rule sets it makes the organiser Enterprise. `av` marks audio/video features that
/// `AudioVideoDisabled=True` on the user takes away.
pub struct SettingDef {
    pub name: &'static str,
    pub kind: Kind,
    pub default: fn() -> SettingValue,
    pub enterprise_in: &'static [RuleSet],
    pub av: bool,
}

const ALL: &[RuleSet] = &[RuleSet::Lenient, RuleSet::Default, RuleSet::Strict];
const DEFAULT_AND_STRICT: &[RuleSet] = &[RuleSet::Default, RuleSet::Strict];
const STRICT: &[RuleSet] = &[RuleSet::Strict];
const NEVER: &[RuleSet] = &[];

fn t() -> SettingValue {
    SettingValue::Bool(true)
}
fn f() -> SettingValue {
    SettingValue::Bool(false)
}

pub const SETTINGS: &[SettingDef] = &[
    SettingDef {
        name: "AllowIPAudio",
        kind: Kind::Bool,
        default: t,
        enterprise_in: ALL,
        av: true,
    },
    SettingDef {
        name: "AllowIPVideo",
        kind: Kind::Bool,
        default: t,
        enterprise_in: ALL,
        av: true,
    },
    SettingDef {
        name: "EnableDialInConferencing",
        kind: Kind::Bool,
        default: t,
        enterprise_in: ALL,
        av: true,
    },
    SettingDef {
        name: "EnableAppDesktopSharing",
        kind: Kind::Sharing,
        default: || SettingValue::Text("Desktop".into()),
        enterprise_in: ALL,
        av: false,
    },
    SettingDef {
        name: "AllowUserToScheduleMeetingsWithAppSharing",
        kind: Kind::Bool,
        default: t,
        enterprise_in: DEFAULT_AND_STRICT,
        av: false,
    },
    SettingDef {
        name: "AllowAnonymousParticipantsInMeetings",
        kind: Kind::Bool,
        default: t,
        enterprise_in: STRICT,
        av: false,
    },
    SettingDef {
        name: "AllowPolls",
        kind: Kind::Bool,
        default: t,
        enterprise_in: STRICT,
        av: false,
    },
    SettingDef {
        name: "EnableDataCollaboration",
        kind: Kind::Bool,
        default: t,
        enterprise_in: STRICT,
        av: false,
    },
    SettingDef {
        name: "AllowMultiView",
        kind: Kind::Bool,
        default: t,
        enterprise_in: STRICT,
        av: true,
    },
    SettingDef {
        name: "AllowConferenceRecording",
        kind: Kind::Bool,
        default: f,
        enterprise_in: NEVER,
        av: false,
    },
    SettingDef {
        name: "AllowExternalUsersToRecordMeeting",
        kind: Kind::Bool,
        default: f,
        enterprise_in: NEVER,
        av: false,
    },
    SettingDef {
        name: "EnableP2PRecording",
        kind: Kind::Bool,
        default: f,
        enterprise_in: NEVER,
        av: false,
    },
    SettingDef {
        name: "MaxMeetingSize",
        kind: Kind::Int,
        default: || SettingValue::Int(250),
        enterprise_in: NEVER,
        av: false,
    },
];

/// Recording settings whose CAL tier no source confirms.
pub const DISPUTED_RECORDING: &[&str] = &[
    "AllowConferenceRecording",
    "AllowExternalUsersToRecordMeeting",
    "EnableP2PRecording",
];

pub const SHARING_NAMES: &[&str] = &["Desktop", "SingleApplication", "None"];

/// Whether a value of this setting turns the Enterprise feature on.
pub fn is_on(def: &SettingDef, v: &SettingValue) -> bool {
    match (def.kind, v) {
        (Kind::Bool, SettingValue::Bool(b)) => *b,
        (Kind::Sharing, SettingValue::Text(s)) => !s.eq_ignore_ascii_case("None"),
        _ => false,
    }
}

pub fn setting(name: &str) -> &'static SettingDef {
    SETTINGS
        .iter()
        .find(|s| s.name == name)
        .expect("known setting")
}

/// A setting's value in one policy, and whether the export said so or the Lync default applies.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingState {
    pub name: &'static str,
    pub value: SettingValue,
    pub explicit: bool,
}

impl SettingState {
    /// "AllowIPAudio=True", or "AllowIPAudio=True (Lync default; not in the export)".
    pub fn describe(&self) -> String {
        if self.explicit {
            format!("{}={}", self.name, self.value)
        } else {
            format!(
                "{}={} (Lync default; not in the export)",
                self.name, self.value
            )
        }
    }
}

/// The Enterprise features a policy enables under a rule set, in the settings table's order.
/// With `av_disabled` (the user's AudioVideoDisabled), audio/video features do not count.
pub fn enterprise_features<'a>(
    settings: &'a [SettingState],
    rules: RuleSet,
    av_disabled: bool,
) -> Vec<&'a SettingState> {
    settings
        .iter()
        .filter(|s| {
            let def = setting(s.name);
            def.enterprise_in.contains(&rules) && !(av_disabled && def.av) && is_on(def, &s.value)
        })
        .collect()
}

/// The tier a policy grants its users under a rule set, and the settings that make it so: the
/// one place "Enterprise features enabled → Enterprise" is decided.
pub fn implied_tier(
    settings: &[SettingState],
    rules: RuleSet,
    av_disabled: bool,
) -> (Tier, Vec<&SettingState>) {
    let features = enterprise_features(settings, rules, av_disabled);
    (Tier::of(!features.is_empty()), features)
}

/// "AllowIPAudio=True, AllowIPVideo=True", or "no Enterprise feature".
pub fn describe_features(features: &[&SettingState]) -> String {
    if features.is_empty() {
        "no Enterprise feature".into()
    } else {
        features
            .iter()
            .map(|f| f.describe())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_defaults() -> Vec<SettingState> {
        SETTINGS
            .iter()
            .map(|d| SettingState {
                name: d.name,
                value: (d.default)(),
                explicit: false,
            })
            .collect()
    }

    #[test]
    fn a_default_policy_is_enterprise_under_every_rule_set() {
        let s = all_defaults();
        assert_eq!(enterprise_features(&s, RuleSet::Lenient, false).len(), 4);
        assert_eq!(enterprise_features(&s, RuleSet::Default, false).len(), 5);
        assert_eq!(enterprise_features(&s, RuleSet::Strict, false).len(), 9);
    }

    #[test]
    fn audio_video_disabled_removes_av_features_only() {
        let s = all_defaults();
        let names: Vec<_> = enterprise_features(&s, RuleSet::Default, true)
            .iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(
            names,
            vec![
                "EnableAppDesktopSharing",
                "AllowUserToScheduleMeetingsWithAppSharing"
            ]
        );
    }

    #[test]
    fn sharing_none_is_off() {
        let d = setting("EnableAppDesktopSharing");
        assert!(!is_on(d, &SettingValue::Text("None".into())));
        assert!(is_on(d, &SettingValue::Text("SingleApplication".into())));
    }
}
