//! `lync template`: the five-policy scheme of docs/rules/lync-configured.md as New-CsConferencingPolicy parameters, so
//! conferencing capability follows the CALs owned. The settings behind each name:
//!
//! | policy | audio | video | sharing | dial-in | recording |
//! |---|---|---|---|---|---|
//! | STD_CAL_NoConferencing | – | – | – | – | – |
//! | ENT_CAL_REC_Audio | ✓ | – | ✓ | – | ✓ |
//! | ENT_CAL_REC_AudioVideo | ✓ | ✓ | ✓ | – | ✓ |
//! | ENT_CAL_REC_AudioVideo_PSTN | ✓ | ✓ | ✓ | ✓ | ✓ |
//! | ENT_CAL_NOREC_AudioVideo | ✓ | ✓ | ✓ | – | – |
//!
//! STD_CAL_NoConferencing keeps MaxMeetingSize at 250, not the 2 of the original post, because
//! multi-party IM is part of the Standard CAL (the scheme's author corrected the original post). It turns
//! data collaboration, polls and annotations off under the default and strict rule sets, which
//! count them as Enterprise (whiteboard and polls are web conferencing); under the lenient rule
//! set it keeps EnableDataCollaboration on, for multi-party file transfer (a Standard right).

use super::inputs::ConferencingPolicy;
use super::policy::{implied_tier, RuleSet, SettingValue};
use crate::model::{OutputRecord, RecordSink, Tier};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

/// One conferencing policy to create.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LyncPolicyTemplate {
    /// Tag:<name>
    pub identity: String,
    /// The name to pass to New-CsConferencingPolicy -Identity and Grant-CsConferencingPolicy -PolicyName
    pub name: String,
    /// The CAL tier users of this policy need, under `Rules`
    pub implied_cal: Tier,
    pub rules: RuleSet,
    pub description: String,
    /// New-CsConferencingPolicy parameters (name → value)
    pub parameters: Map<String, Value>,
    /// The same as one PowerShell command line
    pub command: String,
}

impl OutputRecord for LyncPolicyTemplate {
    const RECORD_TYPE: &'static str = "LyncPolicyTemplate";
    const TABLE_COLUMNS: &'static [&'static str] = &["Name", "ImpliedCal", "Description"];
}

struct Scheme {
    name: &'static str,
    description: &'static str,
    audio: bool,
    video: bool,
    dial_in: bool,
    recording: bool,
}

const SCHEME: &[Scheme] = &[
    Scheme {
        name: "STD_CAL_NoConferencing",
        description: "Standard CAL: IM/presence, multi-party IM, P2P audio/video; no conferencing",
        audio: false,
        video: false,
        dial_in: false,
        recording: false,
    },
    Scheme {
        name: "ENT_CAL_REC_Audio",
        description: "Enterprise CAL: audio conferencing, sharing, recording",
        audio: true,
        video: false,
        dial_in: false,
        recording: true,
    },
    Scheme {
        name: "ENT_CAL_REC_AudioVideo",
        description: "Enterprise CAL: audio/video conferencing, sharing, recording",
        audio: true,
        video: true,
        dial_in: false,
        recording: true,
    },
    Scheme {
        name: "ENT_CAL_REC_AudioVideo_PSTN",
        description:
            "Enterprise CAL: audio/video and dial-in (PSTN) conferencing, sharing, recording",
        audio: true,
        video: true,
        dial_in: true,
        recording: true,
    },
    Scheme {
        name: "ENT_CAL_NOREC_AudioVideo",
        description: "Enterprise CAL: audio/video conferencing and sharing, no recording",
        audio: true,
        video: true,
        dial_in: false,
        recording: false,
    },
];

fn parameters(s: &Scheme, rules: RuleSet) -> Vec<(&'static str, SettingValue)> {
    let b = SettingValue::Bool;
    let conferencing = s.audio || s.video;
    vec![
        ("AllowIPAudio", b(s.audio)),
        ("AllowIPVideo", b(s.video)),
        ("AllowMultiView", b(s.video)),
        ("EnableDialInConferencing", b(s.dial_in)),
        (
            "EnableAppDesktopSharing",
            SettingValue::Text(if conferencing { "Desktop" } else { "None" }.into()),
        ),
        ("AllowUserToScheduleMeetingsWithAppSharing", b(conferencing)),
        ("AllowAnonymousParticipantsInMeetings", b(conferencing)),
        ("AllowPolls", b(conferencing)),
        ("AllowAnnotations", b(conferencing)),
        (
            "EnableDataCollaboration",
            b(conferencing || rules == RuleSet::Lenient),
        ),
        ("AllowConferenceRecording", b(s.recording)),
        ("AllowExternalUsersToRecordMeeting", b(false)),
        ("EnableP2PRecording", b(false)),
        ("EnableP2PVideo", b(true)),
        ("EnableP2PFileTransfer", b(true)),
        ("EnableFileTransfer", b(true)),
        ("MaxMeetingSize", SettingValue::Int(250)),
    ]
}

pub fn templates(prefix: &str, rules: RuleSet) -> Vec<LyncPolicyTemplate> {
    SCHEME
        .iter()
        .map(|s| {
            let name = format!("{prefix}{}", s.name);
            let params = parameters(s, rules);
            let policy = ConferencingPolicy::from_values(&format!("Tag:{name}"), &params);
            let (implied_cal, _) = implied_tier(&policy.settings, rules, false);
            let mut map = Map::new();
            let mut command = format!(
                "New-CsConferencingPolicy -Identity '{name}' -Description '{}'",
                s.description
            );
            for (k, v) in &params {
                let (json, ps) = match v {
                    SettingValue::Bool(x) => (Value::Bool(*x), format!("${x}")),
                    SettingValue::Int(i) => (Value::from(*i), i.to_string()),
                    SettingValue::Text(t) => (Value::String(t.clone()), format!("'{t}'")),
                };
                map.insert(k.to_string(), json);
                command.push_str(&format!(" -{k} {ps}"));
            }
            LyncPolicyTemplate {
                identity: format!("Tag:{name}"),
                name,
                implied_cal,
                rules,
                description: s.description.into(),
                parameters: map,
                command,
            }
        })
        .collect()
}

/// Whether a prefix is safe inside a policy name and a PowerShell command line.
pub fn valid_prefix(prefix: &str) -> bool {
    prefix
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `lync template`: the scheme's policies (the prefix is checked with [`valid_prefix`] first).
pub fn run(
    prefix: &str,
    rules: RuleSet,
    sink: &mut impl RecordSink,
) -> Result<(), crate::model::OutputError> {
    for t in templates(prefix, rules) {
        sink.write(&t)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_template_implies_the_tier_its_name_promises_under_every_rule_set() {
        for rules in [RuleSet::Lenient, RuleSet::Default, RuleSet::Strict] {
            for t in templates("", rules) {
                let want = if t.name.starts_with("STD") {
                    Tier::Standard
                } else {
                    Tier::Enterprise
                };
                assert_eq!(t.implied_cal, want, "{} under {rules:?}", t.name);
                assert_eq!(
                    t.parameters["MaxMeetingSize"], 250,
                    "multi-party IM must stay possible"
                );
            }
        }
    }

    #[test]
    fn commands_are_powershell() {
        let t = &templates("Contoso_", RuleSet::Default)[0];
        assert_eq!(t.name, "Contoso_STD_CAL_NoConferencing");
        assert!(t
            .command
            .starts_with("New-CsConferencingPolicy -Identity 'Contoso_STD_CAL_NoConferencing'"));
        assert!(t.command.contains(" -AllowIPAudio $false"));
        assert!(t.command.contains(" -EnableAppDesktopSharing 'None'"));
    }
}
