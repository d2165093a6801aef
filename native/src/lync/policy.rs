//! Conferencing-policy settings and the rule sets that decide which of them make a user
//! Enterprise (docs/rules/lync-configured.md "Conferencing policy settings").
//!
//! Each setting that can decide a tier names the Enterprise use it enables ([`EnterpriseUse`]):
//! the same four uses `lync usage` counts from the monitoring database, so the two audits agree
//! under the default rule set.
//! - `default`: Microsoft's Enterprise CAL feature list — organising multiparty audio/video
//!   conferences, dial-in conferencing, and web conferencing: desktop/application sharing,
//!   whiteboard and annotations, polls, PowerPoint and other data collaboration.
//! - `lenient`: the conferencing modalities only (audio, video, dial-in, desktop/application
//!   sharing); data collaboration, polls and annotations are given the benefit of the doubt,
//!   because the data-collaboration switch also carries multi-party file transfer, a Standard
//!   right.
//! - `strict`: default plus the recording settings, whose tier no source confirms: every
//!   disputed point decided against the licensee. Anonymous participants and MultiView are
//!   counted by no rule set: the first is not a CAL feature (external users are licensed with the
//!   server), the second has no effect without IP video, which every rule set counts.

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

/// What an Enterprise setting lets its user organise: the uses Microsoft's Enterprise CAL
/// feature list names, and the evidence `lync usage` reads for each (docs/rules/lync-usage.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EnterpriseUse {
    /// Multiparty audio/video conferencing (`conf:audio-video` MCU joins)
    AudioVideoConference,
    /// Dial-in (PSTN) conferencing (`IsFromPstn` participants)
    DialInConference,
    /// Desktop/application sharing (`conf:applicationsharing`, P2P sharing started)
    ApplicationSharing,
    /// Whiteboard, annotations, polls, PowerPoint: data collaboration (`conf:data-conf`)
    DataCollaboration,
    /// Meeting recording: no source confirms its tier (counted by `strict` only)
    Recording,
}

/// One setting the engine reads: its Lync default (used when an export leaves it out), the
/// Enterprise use it enables, and in which rule sets it makes the organiser Enterprise. `av`
/// marks audio/video features that `AudioVideoDisabled=True` on the user takes away.
pub struct SettingDef {
    pub name: &'static str,
    pub kind: Kind,
    pub default: fn() -> SettingValue,
    pub enables: Option<EnterpriseUse>,
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

/// In the order reasons list them. Settings with no `enables` are read (and audited by
/// `lync policies`) but never decide a tier: AllowAnonymousParticipantsInMeetings (anonymous
/// participants are external users, licensed with the server, not a feature of the organiser's
/// CAL), AllowMultiView (more video streams in a video conference, which AllowIPVideo already
/// counts; without it there is no video to multiply), AllowExternalUsersToRecordMeeting (no
/// effect unless AllowConferenceRecording is on, which `strict` counts), MaxMeetingSize.
pub const SETTINGS: &[SettingDef] = &[
    SettingDef {
        name: "AllowIPAudio",
        kind: Kind::Bool,
        default: t,
        enables: Some(EnterpriseUse::AudioVideoConference),
        enterprise_in: ALL,
        av: true,
    },
    SettingDef {
        name: "AllowIPVideo",
        kind: Kind::Bool,
        default: t,
        enables: Some(EnterpriseUse::AudioVideoConference),
        enterprise_in: ALL,
        av: true,
    },
    SettingDef {
        name: "EnableDialInConferencing",
        kind: Kind::Bool,
        default: t,
        enables: Some(EnterpriseUse::DialInConference),
        enterprise_in: ALL,
        av: true,
    },
    SettingDef {
        name: "EnableAppDesktopSharing",
        kind: Kind::Sharing,
        default: || SettingValue::Text("Desktop".into()),
        enables: Some(EnterpriseUse::ApplicationSharing),
        enterprise_in: ALL,
        av: false,
    },
    SettingDef {
        name: "AllowUserToScheduleMeetingsWithAppSharing",
        kind: Kind::Bool,
        default: t,
        enables: Some(EnterpriseUse::ApplicationSharing),
        enterprise_in: ALL,
        av: false,
    },
    SettingDef {
        name: "EnableDataCollaboration",
        kind: Kind::Bool,
        default: t,
        enables: Some(EnterpriseUse::DataCollaboration),
        enterprise_in: DEFAULT_AND_STRICT,
        av: false,
    },
    SettingDef {
        name: "AllowPolls",
        kind: Kind::Bool,
        default: t,
        enables: Some(EnterpriseUse::DataCollaboration),
        enterprise_in: DEFAULT_AND_STRICT,
        av: false,
    },
    SettingDef {
        name: "AllowAnnotations",
        kind: Kind::Bool,
        default: t,
        enables: Some(EnterpriseUse::DataCollaboration),
        enterprise_in: DEFAULT_AND_STRICT,
        av: false,
    },
    SettingDef {
        name: "AllowConferenceRecording",
        kind: Kind::Bool,
        default: f,
        enables: Some(EnterpriseUse::Recording),
        enterprise_in: STRICT,
        av: false,
    },
    SettingDef {
        name: "EnableP2PRecording",
        kind: Kind::Bool,
        default: f,
        enables: Some(EnterpriseUse::Recording),
        enterprise_in: STRICT,
        av: false,
    },
    SettingDef {
        name: "AllowExternalUsersToRecordMeeting",
        kind: Kind::Bool,
        default: f,
        enables: None,
        enterprise_in: NEVER,
        av: false,
    },
    SettingDef {
        name: "AllowAnonymousParticipantsInMeetings",
        kind: Kind::Bool,
        default: t,
        enables: None,
        enterprise_in: NEVER,
        av: false,
    },
    SettingDef {
        name: "AllowMultiView",
        kind: Kind::Bool,
        default: t,
        enables: None,
        enterprise_in: NEVER,
        av: true,
    },
    SettingDef {
        name: "MaxMeetingSize",
        kind: Kind::Int,
        default: || SettingValue::Int(250),
        enables: None,
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

/// The rule set a record is compared with, so the workbook can show what depends on the choice:
/// strict (the worst case) for a lenient or default run, default for a strict one.
pub fn other_rules(rules: RuleSet) -> RuleSet {
    match rules {
        RuleSet::Strict => RuleSet::Default,
        RuleSet::Lenient | RuleSet::Default => RuleSet::Strict,
    }
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

    fn names(features: Vec<&SettingState>) -> Vec<&'static str> {
        features.iter().map(|s| s.name).collect()
    }

    #[test]
    fn a_default_policy_is_enterprise_under_every_rule_set() {
        let s = all_defaults();
        assert_eq!(enterprise_features(&s, RuleSet::Lenient, false).len(), 5);
        assert_eq!(enterprise_features(&s, RuleSet::Default, false).len(), 8);
        // Recording is off by default: strict adds nothing to a default policy.
        assert_eq!(enterprise_features(&s, RuleSet::Strict, false).len(), 8);
    }

    #[test]
    fn audio_video_disabled_removes_av_features_only() {
        let s = all_defaults();
        assert_eq!(
            names(enterprise_features(&s, RuleSet::Default, true)),
            vec![
                "EnableAppDesktopSharing",
                "AllowUserToScheduleMeetingsWithAppSharing",
                "EnableDataCollaboration",
                "AllowPolls",
                "AllowAnnotations",
            ]
        );
    }

    /// A policy with every setting off but the one named.
    fn only(name: &str) -> Vec<SettingState> {
        SETTINGS
            .iter()
            .map(|d| SettingState {
                name: d.name,
                value: match (d.name == name, d.kind) {
                    (true, Kind::Sharing) => SettingValue::Text("Desktop".into()),
                    (false, Kind::Sharing) => SettingValue::Text("None".into()),
                    (on, Kind::Bool) => SettingValue::Bool(on),
                    (_, Kind::Int) => SettingValue::Int(250),
                },
                explicit: true,
            })
            .collect()
    }

    fn tier_of(name: &str, rules: RuleSet) -> Tier {
        implied_tier(&only(name), rules, false).0
    }

    #[test]
    fn data_collaboration_polls_and_annotations_are_enterprise_under_the_default() {
        // Microsoft's Enterprise CAL list: web conferencing includes whiteboard, polls and
        // PowerPoint. lync usage counts conf:data-conf as Enterprise; entitlement agrees.
        for name in ["EnableDataCollaboration", "AllowPolls", "AllowAnnotations"] {
            assert_eq!(tier_of(name, RuleSet::Default), Tier::Enterprise, "{name}");
            assert_eq!(tier_of(name, RuleSet::Strict), Tier::Enterprise, "{name}");
            assert_eq!(tier_of(name, RuleSet::Lenient), Tier::Standard, "{name}");
        }
    }

    #[test]
    fn anonymous_participants_and_multiview_decide_no_tier_in_any_rule_set() {
        for name in [
            "AllowAnonymousParticipantsInMeetings",
            "AllowMultiView",
            "AllowExternalUsersToRecordMeeting",
        ] {
            for rules in [RuleSet::Lenient, RuleSet::Default, RuleSet::Strict] {
                assert_eq!(tier_of(name, rules), Tier::Standard, "{name} {rules}");
            }
        }
    }

    #[test]
    fn strict_adds_only_recording_to_the_default() {
        for d in SETTINGS {
            let strict = d.enterprise_in.contains(&RuleSet::Strict);
            let default = d.enterprise_in.contains(&RuleSet::Default);
            assert_eq!(
                strict && !default,
                d.enables == Some(EnterpriseUse::Recording),
                "{}",
                d.name
            );
            // Every rule set counts a subset of the next: lenient <= default <= strict.
            assert!(
                !d.enterprise_in.contains(&RuleSet::Lenient) || default,
                "{}",
                d.name
            );
            assert!(!default || strict, "{}", d.name);
            // A setting counted anywhere names the use it enables.
            assert_eq!(d.enables.is_some(), strict, "{}", d.name);
        }
        assert_eq!(
            tier_of("AllowConferenceRecording", RuleSet::Strict),
            Tier::Enterprise
        );
        assert_eq!(
            tier_of("AllowConferenceRecording", RuleSet::Default),
            Tier::Standard
        );
    }

    #[test]
    fn sharing_none_is_off() {
        let d = setting("EnableAppDesktopSharing");
        assert!(!is_on(d, &SettingValue::Text("None".into())));
        assert!(is_on(d, &SettingValue::Text("SingleApplication".into())));
    }
}
