//! Reading the Lync/SfB management-shell exports into typed values: users, conferencing and
//! voice policies, pools, devices and Response Group agent groups. Property names and value
//! shapes are described in docs/rules/lync-configured.md "Inputs".

use super::policy::{Kind, SettingState, SettingValue, SETTINGS, SHARING_NAMES};
use crate::ingest::record::{value_bool, value_text};
use crate::ingest::value::Selection;
use crate::ingest::{PsValue, Record};
use crate::model::{InputError, LyncKind, PolicyScope, SchemaEntry};
use schemars::JsonSchema;
use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Global,
    Site(String),
    Tag(String),
}

impl Scope {
    /// Parses a policy Identity: `Global`, `Site:<name>`, `Tag:<name>`; a bare name is a tag.
    pub fn parse(identity: &str) -> Scope {
        let id = identity.trim();
        if id.eq_ignore_ascii_case("Global") {
            Scope::Global
        } else if let Some(site) = strip_prefix_ci(id, "Site:") {
            Scope::Site(site.to_string())
        } else if let Some(tag) = strip_prefix_ci(id, "Tag:") {
            Scope::Tag(tag.to_string())
        } else {
            Scope::Tag(id.to_string())
        }
    }

    pub fn identity(&self) -> String {
        match self {
            Scope::Global => "Global".into(),
            Scope::Site(s) => format!("Site:{s}"),
            Scope::Tag(t) => format!("Tag:{t}"),
        }
    }

    /// Case-insensitive lookup key.
    pub fn key(&self) -> String {
        self.identity().to_ascii_lowercase()
    }

    pub fn kind(&self) -> PolicyScope {
        match self {
            Scope::Global => PolicyScope::Global,
            Scope::Site(_) => PolicyScope::Site,
            Scope::Tag(_) => PolicyScope::Tag,
        }
    }
}

use crate::model::text::strip_prefix_ci;

/// An export of a neighbouring cmdlet, told by its type names (CLIXML) or by properties only it
/// has (JSON, CSV). Given in place of the expected export it would read "successfully" — with
/// Lync defaults filled in for everything it lacks — so it is refused, once, as fatal.
pub struct Neighbour {
    /// What the object is, for the message.
    pub what: &'static str,
    /// A type-name fragment (CLIXML `<TN>`) that identifies it.
    pub type_name: &'static str,
    /// Properties it has and the expected export never has.
    pub properties: &'static [&'static str],
}

/// Teams meeting policies look like Lync conferencing policies (both have AllowIPAudio and
/// AllowIPVideo) but have no EnableAppDesktopSharing: a Lync default of Desktop would be read in.
pub const TEAMS_MEETING_POLICY: Neighbour = Neighbour {
    what: "a Teams meeting policy (Get-CsTeamsMeetingPolicy)",
    type_name: "TeamsMeetingPolicy",
    properties: &[
        "ScreenSharingMode",
        "AllowMeetNow",
        "MeetingChatEnabledType",
        "AllowTranscription",
        "AllowCloudRecording",
        "AllowChannelMeetingScheduling",
    ],
};

pub const TEAMS_ONLINE_USER: Neighbour = Neighbour {
    what: "a Teams / Skype for Business Online user (Get-CsOnlineUser)",
    type_name: "OnlineUser",
    properties: &["FeatureTypes", "AssignedPlan"],
};

pub const TEAMS_VOICE_POLICY: Neighbour = Neighbour {
    what: "a Teams voice routing or calling policy (Get-CsOnlineVoiceRoutingPolicy / Get-CsTeamsCallingPolicy)",
    type_name: "Teams",
    properties: &["OnlinePstnUsages", "AllowPrivateCalling", "AllowWebPSTNCalling"],
};

impl Neighbour {
    /// A fatal error when `r` is this neighbour's object, naming what it is, what was expected
    /// and the evidence (type name or property).
    pub fn refuse(&self, r: &Record, expected: &str) -> Result<(), InputError> {
        self.refuse_if_present(r, expected, |p| r.get(p).is_some())
    }

    /// [`Neighbour::refuse`] for a reader that has taken the properties out of `r` already:
    /// `present` says whether the record had a property.
    pub fn refuse_if_present(
        &self,
        r: &Record,
        expected: &str,
        present: impl Fn(&str) -> bool,
    ) -> Result<(), InputError> {
        let by_type = r.obj.type_names.iter().find(|t| t.contains(self.type_name));
        let by_property = self.properties.iter().find(|p| present(p));
        let evidence = match (by_type, by_property) {
            (Some(t), _) => format!("its type is {t}"),
            (None, Some(p)) => format!("it has {p}, which {expected} never has"),
            (None, None) => return Ok(()),
        };
        Err(r
            .record_error(format!(
                "is {} ({evidence}), not {expected}: its settings mean something else, so the file is refused; export {expected} from the Lync / Skype for Business Server Management Shell",
                self.what
            ))
            .fatal())
    }
}

/// Where an input record came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Shared with the file's records (one allocation per file, not per record).
    pub file: Arc<str>,
    pub record: u64,
}

impl Origin {
    pub fn of(r: &Record) -> Origin {
        Origin {
            file: Arc::clone(&r.file),
            record: r.index,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ConferencingPolicy {
    pub scope: Scope,
    pub settings: Vec<SettingState>,
    pub origin: Origin,
}

impl ConferencingPolicy {
    pub fn read(r: &Record) -> Result<Self, InputError> {
        TEAMS_MEETING_POLICY.refuse(r, "Get-CsConferencingPolicy output")?;
        let scope = Scope::parse(&r.req_str("Identity")?);
        let mut settings = Vec::with_capacity(SETTINGS.len());
        for def in SETTINGS {
            let value = match def.kind {
                Kind::Bool => r.opt_bool(def.name)?.map(SettingValue::Bool),
                Kind::Int => r.opt_int(def.name)?.map(SettingValue::Int),
                Kind::Sharing => sharing(r, def.name)?.map(SettingValue::Text),
            };
            settings.push(match value {
                Some(v) => SettingState {
                    name: def.name,
                    value: v,
                    explicit: true,
                },
                None => SettingState {
                    name: def.name,
                    value: (def.default)(),
                    explicit: false,
                },
            });
        }
        Ok(ConferencingPolicy {
            scope,
            settings,
            origin: Origin::of(r),
        })
    }

    pub fn get(&self, name: &str) -> &SettingState {
        self.settings
            .iter()
            .find(|s| s.name == name)
            .expect("every setting is read")
    }

    /// A policy built from New-CsConferencingPolicy parameters (templates, tests).
    pub fn from_values(identity: &str, values: &[(&str, SettingValue)]) -> Self {
        let settings = SETTINGS
            .iter()
            .map(|def| match values.iter().find(|(n, _)| *n == def.name) {
                Some((_, v)) => SettingState {
                    name: def.name,
                    value: v.clone(),
                    explicit: true,
                },
                None => SettingState {
                    name: def.name,
                    value: (def.default)(),
                    explicit: false,
                },
            })
            .collect();
        ConferencingPolicy {
            scope: Scope::parse(identity),
            settings,
            origin: Origin {
                file: "<template>".into(),
                record: 0,
            },
        }
    }
}

/// EnableAppDesktopSharing by name. Its number (what Windows PowerShell 5.1's ConvertTo-Json
/// writes for an enum) is refused: Microsoft documents the type's members by name only
/// (Desktop, SingleApplication, None: New-CsConferencingPolicy -EnableAppDesktopSharing,
/// https://learn.microsoft.com/powershell/module/skype/new-csconferencingpolicy, "Type:
/// EnableAppDesktopSharing", applicable Lync Server 2010 to Skype for Business Server 2019), and
/// no Microsoft source fixes which number each name is in each of those versions. A guessed
/// number could turn Desktop sharing (Enterprise) into None, so it is not guessed.
fn sharing(r: &Record, name: &str) -> Result<Option<String>, InputError> {
    match r.get(name) {
        Some(PsValue::Int(i)) => Err(r.error(
            name,
            format!("is the number {i}, not a name: Windows PowerShell 5.1's ConvertTo-Json writes enums as numbers, and Microsoft documents only the names (Desktop, SingleApplication, None), not which number each is from Lync 2010 to Skype for Business Server 2019, so the number is not guessed; export with the module's Export-LicenseAuditSnapshot, with Export-Clixml, or with Select-Object -Property @{{n='{name}';e={{[string]$_.{name}}}}}, * -ExcludeProperty {name} (every other property kept)"),
        )),
        _ => {
            let v = r.opt_str(name)?;
            match v {
                None => Ok(None),
                Some(s) => SHARING_NAMES
                    .iter()
                    .find(|n| n.eq_ignore_ascii_case(s.trim()))
                    .map(|n| Some(n.to_string()))
                    .ok_or_else(|| r.error(name, format!("'{s}' is not Desktop, SingleApplication or None"))),
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct VoicePolicy {
    pub scope: Scope,
    /// Plus features the policy turns on, described ("EnableDelegation=True").
    pub plus_features: Vec<String>,
    pub origin: Origin,
}

/// Voice-policy features that are Plus-tier (they only work for Enterprise Voice users), with
/// their Lync defaults (MicrosoftDocs/office-docs-powershell, skype/skype-ps/skype/New-CsVoicePolicy.md:
/// AllowCallForwarding, AllowSimulRing, EnableDelegation, EnableTeamCall default True;
/// EnableCallPark False; PstnUsages empty).
pub const VOICE_FEATURES: &[(&str, bool)] = &[
    ("EnableDelegation", true),
    ("EnableTeamCall", true),
    ("EnableCallPark", false),
    ("AllowSimulRing", true),
    ("AllowCallForwarding", true),
];

impl VoicePolicy {
    pub fn read(r: &Record) -> Result<Self, InputError> {
        TEAMS_VOICE_POLICY.refuse(r, "Get-CsVoicePolicy output")?;
        let scope = Scope::parse(&r.req_str("Identity")?);
        let mut plus_features = Vec::new();
        for (name, default) in VOICE_FEATURES {
            match r.opt_bool(name)? {
                Some(true) => plus_features.push(format!("{name}=True")),
                Some(false) => {}
                None if *default => {
                    plus_features.push(format!("{name}=True (Lync default; not in the export)"))
                }
                None => {}
            }
        }
        let usages = r.str_list("PstnUsages")?;
        if !usages.is_empty() {
            plus_features.push(format!("PstnUsages={}", usages.join(",")));
        }
        Ok(VoicePolicy {
            scope,
            plus_features,
            origin: Origin::of(r),
        })
    }
}

#[derive(Debug, Clone)]
pub struct Pool {
    pub fqdn: String,
    pub site: Option<String>,
}

impl Pool {
    pub fn read(r: &Record) -> Result<Self, InputError> {
        let fqdn = match r.opt_str("Fqdn")? {
            Some(f) => f,
            None => r.req_str("Identity")?,
        };
        let site = r.opt_str("Site")?.map(|s| {
            strip_prefix_ci(s.trim(), "Site:")
                .unwrap_or(s.trim())
                .to_string()
        });
        Ok(Pool { fqdn, site })
    }
}

/// The text of value `v` of record `r` (property `name`), as [`Record::opt_str`] reads it.
fn owned_text(v: Option<&PsValue>, r: &Record, name: &str) -> Result<Option<String>, InputError> {
    Ok(r.text_of(name, v)?.map(Cow::into_owned))
}

/// A per-user policy assignment as Get-CsUser shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PolicyRef {
    /// Blank: the site's or the Global policy applies.
    Inherited,
    Named(String),
}

impl PolicyRef {
    /// Null/empty, a bare tag name (remote session), `Tag:Name`, or an object with FriendlyName
    /// (serialised snap-in object) all resolve to the same policy.
    pub fn read(r: &Record, name: &str) -> Result<PolicyRef, InputError> {
        Self::of_value(r.get(name), r, name)
    }

    /// [`PolicyRef::read`] of a value already found in record `r` (property `name`).
    pub fn of_value(v: Option<&PsValue>, r: &Record, name: &str) -> Result<PolicyRef, InputError> {
        let text = match v {
            Some(PsValue::Object(o)) if o.get("FriendlyName").is_some() => {
                value_text(o.get("FriendlyName").expect("checked")).map_err(|m| r.error(name, m))?
            }
            v => owned_text(v, r, name)?,
        };
        Ok(text.map_or(PolicyRef::Inherited, PolicyRef::named))
    }

    /// `Tag:Name`, ` Name ` and `Name` are the same policy; the text is reused when it is
    /// already bare.
    fn named(mut t: String) -> PolicyRef {
        t.truncate(t.trim_end().len());
        let lead = t.len() - t.trim_start().len();
        let tag = strip_prefix_ci(&t[lead..], "Tag:").map_or(0, |_| "Tag:".len());
        if lead + tag > 0 {
            t.drain(..lead + tag);
        }
        PolicyRef::Named(t)
    }
}

#[derive(Debug, Clone)]
pub struct CsUser {
    pub identity: String,
    pub sip: String,
    pub display_name: String,
    pub enabled: bool,
    pub enterprise_voice: bool,
    pub remote_call_control: bool,
    pub audio_video_disabled: bool,
    pub registrar_pool: Option<String>,
    pub hosting_provider: Option<String>,
    pub conferencing: PolicyRef,
    pub voice: PolicyRef,
    pub origin: Origin,
}

impl CsUser {
    /// The Get-CsUser properties `read` uses.
    pub const PROPERTIES: &'static [&'static str] = &[
        "SipAddress",
        "Identity",
        "DisplayName",
        "Enabled",
        "EnterpriseVoiceEnabled",
        "RemoteCallControlTelephonyEnabled",
        "AudioVideoDisabled",
        "RegistrarPool",
        "HostingProvider",
        "ConferencingPolicy",
        "VoicePolicy",
        // Read only to refuse a Get-CsOnlineUser export given as Get-CsUser.
        "FeatureTypes",
        "AssignedPlan",
    ];

    /// Reads a user. Its texts are copied: the record goes back to the reading thread, which
    /// reads a later user into the same memory (moving them out made that thread allocate them
    /// again for every user, and this one free what the other allocated).
    pub fn read(r: &Record) -> Result<Self, InputError> {
        static FIELDS: LazyLock<Selection> = LazyLock::new(|| Selection::new(CsUser::PROPERTIES));
        let [sip, identity, display_name, enabled, enterprise_voice, remote_call_control, audio_video_disabled, registrar_pool, hosting_provider, conferencing, voice, feature_types, assigned_plan] =
            r.select_refs::<13>(&FIELDS);
        TEAMS_ONLINE_USER.refuse_if_present(r, "Get-CsUser output", |p| match p {
            "FeatureTypes" => feature_types.is_some(),
            "AssignedPlan" => assigned_plan.is_some(),
            _ => false,
        })?;
        let flag = |v: Option<&PsValue>, name: &str| match v {
            None => Ok(None),
            Some(v) => value_bool(v).map_err(|m| r.error(name, m)),
        };
        let sip = owned_text(sip, r, "SipAddress")?
            .ok_or_else(|| r.error("SipAddress", "required property is missing or empty"))?;
        Ok(CsUser {
            identity: owned_text(identity, r, "Identity")?.unwrap_or_else(|| sip.clone()),
            display_name: owned_text(display_name, r, "DisplayName")?.unwrap_or_default(),
            enabled: flag(enabled, "Enabled")?
                .ok_or_else(|| r.error("Enabled", "required property is missing"))?,
            enterprise_voice: flag(enterprise_voice, "EnterpriseVoiceEnabled")?.unwrap_or(false),
            remote_call_control: flag(remote_call_control, "RemoteCallControlTelephonyEnabled")?
                .unwrap_or(false),
            audio_video_disabled: flag(audio_video_disabled, "AudioVideoDisabled")?
                .unwrap_or(false),
            registrar_pool: owned_text(registrar_pool, r, "RegistrarPool")?,
            hosting_provider: owned_text(hosting_provider, r, "HostingProvider")?,
            conferencing: PolicyRef::of_value(conferencing, r, "ConferencingPolicy")?,
            voice: PolicyRef::of_value(voice, r, "VoicePolicy")?,
            sip,
            origin: Origin::of(r),
        })
    }

    /// Homed in Skype for Business Online (hybrid): licensed in the cloud, not by on-premises CALs.
    pub fn homed_online(&self) -> bool {
        self.registrar_pool.is_none()
            && self
                .hosting_provider
                .as_deref()
                .is_some_and(|h| !h.eq_ignore_ascii_case("SRV:"))
    }
}

/// The Lync objects that are devices rather than users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    CommonAreaPhone,
    AnalogDevice,
    MeetingRoom,
}

impl DeviceKind {
    pub fn kind(self) -> LyncKind {
        match self {
            DeviceKind::CommonAreaPhone => LyncKind::CommonAreaPhone,
            DeviceKind::AnalogDevice => LyncKind::AnalogDevice,
            DeviceKind::MeetingRoom => LyncKind::MeetingRoom,
        }
    }
}

#[derive(Debug, Clone)]
pub struct CsDevice {
    pub kind: DeviceKind,
    pub identity: String,
    pub sip: String,
    pub display_name: String,
    pub enabled: bool,
    /// EnterpriseVoiceEnabled as the export has it: `None` when the object does not carry it
    /// (a common area phone is then taken to be voice-enabled: it is created with a line URI).
    pub enterprise_voice: Option<bool>,
    pub registrar_pool: Option<String>,
    pub conferencing: PolicyRef,
    pub voice: PolicyRef,
    pub origin: Origin,
}

impl CsDevice {
    pub const PROPERTIES: &'static [&'static str] = &[
        "SipAddress",
        "Identity",
        "DisplayName",
        "Enabled",
        "EnterpriseVoiceEnabled",
        "RegistrarPool",
        "ConferencingPolicy",
        "VoicePolicy",
    ];

    pub fn read(r: &Record, kind: DeviceKind) -> Result<Self, InputError> {
        let sip = r.req_str("SipAddress")?;
        Ok(CsDevice {
            kind,
            identity: r.opt_str("Identity")?.unwrap_or_else(|| sip.clone()),
            display_name: r.opt_str("DisplayName")?.unwrap_or_default(),
            // Get-CsCommonAreaPhone / Get-CsAnalogDevice objects exist only when enabled in
            // Lync; an explicit Enabled=False is honoured.
            enabled: r.bool_or("Enabled", true)?,
            enterprise_voice: r.opt_bool("EnterpriseVoiceEnabled")?,
            registrar_pool: r.opt_str("RegistrarPool")?,
            conferencing: PolicyRef::read(r, "ConferencingPolicy")?,
            voice: PolicyRef::read(r, "VoicePolicy")?,
            sip,
            origin: Origin::of(r),
        })
    }
}

#[derive(Debug, Clone)]
pub struct RgsAgentGroup {
    pub name: String,
    pub agents: Vec<String>,
}

impl RgsAgentGroup {
    pub fn read(r: &Record) -> Result<Self, InputError> {
        let name = match r.opt_str("Name")? {
            Some(n) => n,
            None => r.req_str("Identity")?,
        };
        Ok(RgsAgentGroup {
            name,
            agents: r.str_list("AgentsByUri")?,
        })
    }
}

pub use crate::model::text::sip_key;

// ---- Input schemas (`license-audit schema`): the properties each reader uses. ----

pub fn schemas() -> Vec<SchemaEntry> {
    vec![
        SchemaEntry::input::<CsUserInput>("CsUser", "Get-CsUser output"),
        SchemaEntry::input::<CsConferencingPolicyInput>(
            "CsConferencingPolicy",
            "Get-CsConferencingPolicy output",
        ),
        SchemaEntry::input::<CsVoicePolicyInput>("CsVoicePolicy", "Get-CsVoicePolicy output"),
        SchemaEntry::input::<CsPoolInput>("CsPool", "Get-CsPool output"),
        SchemaEntry::input::<CsDeviceInput>(
            "CsDevice",
            "Get-CsCommonAreaPhone / Get-CsAnalogDevice / Get-CsMeetingRoom output",
        ),
        SchemaEntry::input::<CsRgsAgentGroupInput>("CsRgsAgentGroup", "Get-CsRgsAgentGroup output"),
    ]
}

/// Get-CsUser output: the properties `lync entitlement` reads.
#[derive(JsonSchema)]
#[allow(non_snake_case, dead_code)]
pub struct CsUserInput {
    /// Required. `sip:user@domain`.
    SipAddress: String,
    /// Required.
    Enabled: bool,
    Identity: Option<String>,
    DisplayName: Option<String>,
    EnterpriseVoiceEnabled: Option<bool>,
    RemoteCallControlTelephonyEnabled: Option<bool>,
    AudioVideoDisabled: Option<bool>,
    /// The registrar pool FQDN; its site (from Get-CsPool) selects the site policy.
    RegistrarPool: Option<String>,
    /// Set (and RegistrarPool empty) for users homed online.
    HostingProvider: Option<String>,
    /// Null/empty (inherited), `Name`, `Tag:Name`, or an object with FriendlyName.
    ConferencingPolicy: Option<serde_json::Value>,
    /// As ConferencingPolicy.
    VoicePolicy: Option<serde_json::Value>,
}

/// Get-CsConferencingPolicy output. Missing settings take the Lync default.
#[derive(JsonSchema)]
#[allow(non_snake_case, dead_code)]
pub struct CsConferencingPolicyInput {
    /// Required. `Global`, `Site:<name>` or `Tag:<name>`.
    Identity: String,
    AllowIPAudio: Option<bool>,
    AllowIPVideo: Option<bool>,
    EnableDialInConferencing: Option<bool>,
    /// Desktop, SingleApplication or None (as text).
    EnableAppDesktopSharing: Option<String>,
    AllowUserToScheduleMeetingsWithAppSharing: Option<bool>,
    AllowAnonymousParticipantsInMeetings: Option<bool>,
    AllowPolls: Option<bool>,
    /// Whiteboarding and annotations on shared content (organiser).
    AllowAnnotations: Option<bool>,
    EnableDataCollaboration: Option<bool>,
    AllowMultiView: Option<bool>,
    AllowConferenceRecording: Option<bool>,
    AllowExternalUsersToRecordMeeting: Option<bool>,
    EnableP2PRecording: Option<bool>,
    MaxMeetingSize: Option<i64>,
}

/// Get-CsVoicePolicy output.
#[derive(JsonSchema)]
#[allow(non_snake_case, dead_code)]
pub struct CsVoicePolicyInput {
    Identity: String,
    EnableDelegation: Option<bool>,
    EnableTeamCall: Option<bool>,
    EnableCallPark: Option<bool>,
    AllowSimulRing: Option<bool>,
    AllowCallForwarding: Option<bool>,
    PstnUsages: Option<Vec<String>>,
}

/// Get-CsPool output.
#[derive(JsonSchema)]
#[allow(non_snake_case, dead_code)]
pub struct CsPoolInput {
    /// The pool FQDN (Fqdn is used when present).
    Identity: String,
    Fqdn: Option<String>,
    /// `Site:<name>` or `<name>`.
    Site: Option<String>,
}

/// Get-CsCommonAreaPhone, Get-CsAnalogDevice or Get-CsMeetingRoom output.
#[derive(JsonSchema)]
#[allow(non_snake_case, dead_code)]
pub struct CsDeviceInput {
    SipAddress: String,
    Identity: Option<String>,
    DisplayName: Option<String>,
    Enabled: Option<bool>,
    EnterpriseVoiceEnabled: Option<bool>,
    RegistrarPool: Option<String>,
    ConferencingPolicy: Option<serde_json::Value>,
    VoicePolicy: Option<serde_json::Value>,
}

/// Get-CsRgsAgentGroup output.
#[derive(JsonSchema)]
#[allow(non_snake_case, dead_code)]
pub struct CsRgsAgentGroupInput {
    Name: Option<String>,
    Identity: Option<String>,
    /// SIP URIs of the agents (each needs Plus).
    AgentsByUri: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_case_insensitively() {
        assert_eq!(Scope::parse("global"), Scope::Global);
        assert_eq!(Scope::parse("site:Redmond"), Scope::Site("Redmond".into()));
        assert_eq!(Scope::parse("TAG:ENT"), Scope::Tag("ENT".into()));
        assert_eq!(Scope::parse("ENT").key(), "tag:ent");
    }

    #[test]
    fn sip_keys() {
        assert_eq!(sip_key("Alice@Contoso.com"), "sip:alice@contoso.com");
        assert_eq!(sip_key("SIP:alice@contoso.com"), "sip:alice@contoso.com");
    }
}
