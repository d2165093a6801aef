//! What one Get-CsOnlineUser record is for counting: a voice user (VOSS: AccountEnabled,
//! EnterpriseVoiceEnabled and FeatureTypes containing PhoneSystem but no TeamsRoom*), a meeting
//! room (FeatureTypes starting with TeamsRoom), a common area phone (IP phone policy
//! SignInMode CommonAreaPhoneSignIn, or the Teams Shared Devices licence), a record left out
//! (resource account, guest, disabled, soft-deleted), or undecided because the export lacks a
//! property a rule needs. Compact: a million of these are kept in a mixed estate.

use super::key::{Key, KeyMap, KeySet};
use crate::m365::{policy_key, AccountKind, CsOnlineUser, IpPhonePolicy, KindVia};
use crate::model::text::starts_with_ci;
use crate::model::uc::UcExclusion;
use std::collections::HashMap;

/// The Teams Shared Devices SKU (formerly Common Area Phone), as Microsoft's licensing
/// service-plan reference lists it.
pub const SHARED_DEVICES_SKU_ID: &str = "295a8eb0-f78d-45c7-8b5b-1eed5ed02dff";
pub const SHARED_DEVICES_PART_NUMBER: &str = "MCOCAP";

/// What the other Teams exports say, for classifying one record.
#[derive(Default)]
pub struct TeamsContext {
    /// IP phone policies by lower-case name (`global` for Global): (name, common-area mode).
    policies: HashMap<String, (u16, bool)>,
    policy_names: Vec<String>,
    pub policies_given: bool,
    /// Resource accounts from Get-CsOnlineApplicationInstance: UPN → application kind.
    app_instances: KeyMap<AppKind>,
    /// UPNs holding the Shared Devices SKU.
    shared_devices: KeySet,
    pub licences_given: bool,
}

impl TeamsContext {
    pub fn add_policy(&mut self, p: &IpPhonePolicy) {
        self.policies_given = true;
        let i = self.policy_names.len() as u16;
        self.policy_names.push(p.name.clone());
        self.policies
            .insert(policy_key(&p.name), (i, p.is_common_area_phone()));
    }

    pub fn add_app_instance(&mut self, upn: &str, kind: AppKind) {
        if let Some(k) = Key::of(upn) {
            self.app_instances.insert(k, kind);
        }
    }

    pub fn add_shared_device(&mut self, upn: &str) {
        if let Some(k) = Key::of(upn) {
            self.shared_devices.insert(k);
        }
    }

    pub fn policy_name(&self, i: u16) -> &str {
        &self.policy_names[i as usize]
    }
}

/// The voice application behind a resource account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppKind {
    AutoAttendant,
    CallQueue,
    Other,
}

impl AppKind {
    pub fn from_text(kind: &str) -> AppKind {
        match kind {
            "auto attendant" => AppKind::AutoAttendant,
            "call queue" => AppKind::CallQueue,
            _ => AppKind::Other,
        }
    }

    fn text(self) -> &'static str {
        match self {
            AppKind::AutoAttendant => "auto attendant",
            AppKind::CallQueue => "call queue",
            AppKind::Other => "voice application",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExcludedVia {
    SoftDeletionTimestamp,
    AccountTypeGuest,
    InterpretedGuest,
    ExternalUpn,
    AccountTypeResource,
    InterpretedApplicationInstance,
    VoiceApp,
    VirtualUserPlan,
    ApplicationInstance(AppKind),
    AccountDisabled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomKind {
    Pro,
    Basic,
    Other,
}

impl RoomKind {
    pub fn feature(self) -> &'static str {
        match self {
            RoomKind::Pro => "TeamsRoomPro",
            RoomKind::Basic => "TeamsRoomBasic",
            RoomKind::Other => "TeamsRoom*",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapVia {
    Policy(u16),
    SharedDevicesSku,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    FeatureTypes,
    AccountEnabled,
    EnterpriseVoiceEnabled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamsClass {
    Excluded(UcExclusion, ExcludedVia),
    MeetingRoom {
        counted: Option<bool>,
        kind: RoomKind,
    },
    CommonAreaPhone {
        counted: Option<bool>,
        via: CapVia,
    },
    VoiceUser {
        calling_plan: bool,
    },
    /// A condition of the voice-user rule is false: EnterpriseVoiceEnabled (ev) or PhoneSystem.
    NotVoice {
        ev_off: bool,
        no_phone_system: bool,
    },
    Undetermined(Missing),
}

/// A classified record, and whether its IP phone policy could be looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeamsFacts {
    pub class: TeamsClass,
    /// Its IP phone policy is not in the policy export (so the common-area check was not made).
    pub policy_not_found: bool,
}

pub fn classify(u: &CsOnlineUser, ctx: &TeamsContext) -> TeamsFacts {
    use TeamsClass::*;
    let facts = |class| TeamsFacts {
        class,
        policy_not_found: false,
    };
    let key = Key::of(&u.user_principal_name);

    if u.soft_deletion_timestamp.is_some() {
        return facts(Excluded(
            UcExclusion::SoftDeleted,
            ExcludedVia::SoftDeletionTimestamp,
        ));
    }
    let app = key.and_then(|k| ctx.app_instances.get(&k)).copied();
    match u.account_kind(app.is_some()) {
        AccountKind::Guest(via) => {
            let via = match via {
                KindVia::AccountType => ExcludedVia::AccountTypeGuest,
                KindVia::InterpretedUserType => ExcludedVia::InterpretedGuest,
                _ => ExcludedVia::ExternalUpn,
            };
            return facts(Excluded(UcExclusion::Guest, via));
        }
        AccountKind::ResourceAccount(via) => {
            let via = match via {
                KindVia::AccountType => ExcludedVia::AccountTypeResource,
                KindVia::InterpretedUserType => ExcludedVia::InterpretedApplicationInstance,
                KindVia::VoiceApp => ExcludedVia::VoiceApp,
                KindVia::VirtualUserPlan => ExcludedVia::VirtualUserPlan,
                _ => ExcludedVia::ApplicationInstance(app.unwrap_or(AppKind::Other)),
            };
            return facts(Excluded(UcExclusion::ResourceAccount, via));
        }
        AccountKind::User => {}
    }
    if u.account_enabled == Some(false) {
        return facts(Excluded(
            UcExclusion::Disabled,
            ExcludedVia::AccountDisabled,
        ));
    }

    let enabled_ev = match (u.account_enabled, u.enterprise_voice_enabled) {
        (Some(true), Some(true)) => Some(true),
        (_, Some(false)) => Some(false),
        _ => None,
    };

    // Meeting rooms: FeatureTypes starting with TeamsRoom.
    if let Some(features) = &u.feature_types {
        let rooms: Vec<&String> = features
            .iter()
            .filter(|f| starts_with_ci(f, "TeamsRoom"))
            .collect();
        if !rooms.is_empty() {
            let kind = if rooms.iter().any(|f| f.eq_ignore_ascii_case("TeamsRoomPro")) {
                RoomKind::Pro
            } else if rooms
                .iter()
                .any(|f| f.eq_ignore_ascii_case("TeamsRoomBasic"))
            {
                RoomKind::Basic
            } else {
                RoomKind::Other
            };
            return facts(MeetingRoom {
                counted: enabled_ev,
                kind,
            });
        }
    }

    // Common area phones: the Shared Devices licence, or a common-area IP phone policy.
    let mut policy_not_found = false;
    if key.is_some_and(|k| ctx.shared_devices.contains(&k)) {
        return facts(CommonAreaPhone {
            counted: enabled_ev,
            via: CapVia::SharedDevicesSku,
        });
    }
    if ctx.policies_given && u.ip_phone_policy_exported {
        let name = u
            .ip_phone_policy
            .as_ref()
            .map(|p| policy_key(&p.name))
            .unwrap_or_else(|| "global".into());
        match ctx.policies.get(&name) {
            Some((i, true)) => {
                return facts(CommonAreaPhone {
                    counted: enabled_ev,
                    via: CapVia::Policy(*i),
                })
            }
            Some(_) => {}
            None => policy_not_found = true,
        }
    }

    let class = match (
        u.account_enabled,
        u.enterprise_voice_enabled,
        u.has_feature("PhoneSystem"),
    ) {
        (_, Some(false), Some(false)) => NotVoice {
            ev_off: true,
            no_phone_system: true,
        },
        (_, Some(false), _) => NotVoice {
            ev_off: true,
            no_phone_system: false,
        },
        (_, _, Some(false)) => NotVoice {
            ev_off: false,
            no_phone_system: true,
        },
        (None, _, _) => Undetermined(Missing::AccountEnabled),
        (_, None, _) => Undetermined(Missing::EnterpriseVoiceEnabled),
        (_, _, None) => Undetermined(Missing::FeatureTypes),
        (Some(true), Some(true), Some(true)) => VoiceUser {
            calling_plan: u.has_feature("CallingPlan") == Some(true),
        },
        (Some(false), _, _) => unreachable!("disabled accounts are excluded above"),
    };
    TeamsFacts {
        class,
        policy_not_found,
    }
}

impl TeamsFacts {
    /// Whether the record licenses its user as a Teams voice user (None: undecided).
    pub fn counts_as_user(&self) -> Option<bool> {
        match self.class {
            TeamsClass::VoiceUser { .. } => Some(true),
            TeamsClass::Undetermined(_) => None,
            _ => Some(false),
        }
    }

    pub fn exclusion(&self) -> Option<UcExclusion> {
        match self.class {
            TeamsClass::Excluded(e, _) => Some(e),
            _ => None,
        }
    }

    pub fn is_device(&self) -> bool {
        matches!(
            self.class,
            TeamsClass::MeetingRoom { .. } | TeamsClass::CommonAreaPhone { .. }
        )
    }

    /// What the record is, in the words of the rule that decided it.
    pub fn detail(&self, ctx: &TeamsContext) -> String {
        use TeamsClass::*;
        match self.class {
            VoiceUser { calling_plan } => format!(
                "voice user: AccountEnabled=True, EnterpriseVoiceEnabled=True, FeatureTypes contains PhoneSystem{}",
                if calling_plan { " (and CallingPlan)" } else { "" }
            ),
            NotVoice { ev_off, no_phone_system } => {
                let mut why = Vec::new();
                if ev_off {
                    why.push("EnterpriseVoiceEnabled=False");
                }
                if no_phone_system {
                    why.push("FeatureTypes has no PhoneSystem");
                }
                format!("not a voice user: {}", why.join(", "))
            }
            Undetermined(Missing::FeatureTypes) => "undecided: FeatureTypes is not in the Get-CsOnlineUser export (an older MicrosoftTeams module, or a selection that left it out), so neither the voice-user rule (FeatureTypes contains PhoneSystem) nor the meeting-room rule (FeatureTypes starts with TeamsRoom) can be applied; export it again with a current module".into(),
            Undetermined(Missing::AccountEnabled) => "undecided: AccountEnabled is not in the Get-CsOnlineUser export, and the voice-user rule needs it".into(),
            Undetermined(Missing::EnterpriseVoiceEnabled) => "undecided: EnterpriseVoiceEnabled is not in the Get-CsOnlineUser export, and the voice-user rule needs it".into(),
            MeetingRoom { counted, kind } => match counted {
                Some(true) => format!("meeting room: FeatureTypes {}, AccountEnabled=True, EnterpriseVoiceEnabled=True", kind.feature()),
                Some(false) => format!("meeting room account (FeatureTypes {}) not enabled for voice: EnterpriseVoiceEnabled=False, so not counted", kind.feature()),
                None => format!("meeting room account (FeatureTypes {}); AccountEnabled or EnterpriseVoiceEnabled is not in the export, so it is not counted", kind.feature()),
            },
            CommonAreaPhone { counted, via } => {
                let how = match via {
                    CapVia::Policy(i) => format!(
                        "TeamsIPPhonePolicy {} has SignInMode=CommonAreaPhoneSignIn",
                        ctx.policy_name(i)
                    ),
                    CapVia::SharedDevicesSku => format!(
                        "holds the Teams Shared Devices licence ({SHARED_DEVICES_PART_NUMBER}, {SHARED_DEVICES_SKU_ID})"
                    ),
                };
                match counted {
                    Some(true) => format!("common area phone: {how}; counted as a device, not a user"),
                    Some(false) => format!("common area phone ({how}) not enabled for calling: EnterpriseVoiceEnabled=False"),
                    None => format!("common area phone ({how}); EnterpriseVoiceEnabled is not in the export, so it is not counted"),
                }
            }
            Excluded(_, via) => match via {
                ExcludedVia::SoftDeletionTimestamp => "soft-deleted: SoftDeletionTimestamp is set".into(),
                ExcludedVia::AccountTypeGuest => "guest: AccountType=Guest".into(),
                ExcludedVia::InterpretedGuest => "guest: InterpretedUserType names a guest".into(),
                ExcludedVia::ExternalUpn => "guest: the UserPrincipalName holds #EXT#".into(),
                ExcludedVia::AccountTypeResource => "resource account: AccountType=ResourceAccount".into(),
                ExcludedVia::InterpretedApplicationInstance => "resource account: InterpretedUserType names an application instance".into(),
                ExcludedVia::VoiceApp => "resource account: FeatureTypes contains VoiceApp".into(),
                ExcludedVia::VirtualUserPlan => "resource account: AssignedPlan holds MCOEV_VIRTUALUSER (Teams Phone Resource Account)".into(),
                ExcludedVia::ApplicationInstance(kind) => format!(
                    "resource account: Get-CsOnlineApplicationInstance lists it ({})",
                    kind.text()
                ),
                ExcludedVia::AccountDisabled => "disabled: AccountEnabled=False".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::m365::online_user::{AssignedPlan, PolicyAssignment};

    fn user(features: Option<&[&str]>) -> CsOnlineUser {
        CsOnlineUser {
            feature_types: features.map(|f| f.iter().map(|x| x.to_string()).collect()),
            ..CsOnlineUser::test_user("a@contoso.com")
        }
    }

    #[test]
    fn voice_user_room_resource_account_and_common_area_phone() {
        let ctx = TeamsContext::default();
        let c = |u: &CsOnlineUser| classify(u, &ctx).class;
        assert_eq!(
            c(&user(Some(&["Teams", "PhoneSystem"]))),
            TeamsClass::VoiceUser {
                calling_plan: false
            }
        );
        assert!(matches!(
            c(&user(Some(&["Teams", "PhoneSystem", "TeamsRoomPro"]))),
            TeamsClass::MeetingRoom {
                counted: Some(true),
                kind: RoomKind::Pro
            }
        ));
        let mut ra = user(Some(&["VoiceApp"]));
        ra.account_type = Some("ResourceAccount".into());
        assert!(matches!(
            c(&ra),
            TeamsClass::Excluded(UcExclusion::ResourceAccount, _)
        ));
        let mut va = user(Some(&["PhoneSystem"]));
        va.assigned_plans = Some(vec![AssignedPlan {
            capability: "MCOEV_VIRTUALUSER".into(),
            status: Some("Enabled".into()),
            service_plan_id: None,
        }]);
        assert!(matches!(
            c(&va),
            TeamsClass::Excluded(UcExclusion::ResourceAccount, ExcludedVia::VirtualUserPlan)
        ));

        let mut ctx = TeamsContext::default();
        ctx.add_policy(&IpPhonePolicy {
            name: "Global".into(),
            sign_in_mode: Some("UserSignIn".into()),
        });
        ctx.add_policy(&IpPhonePolicy {
            name: "CAP".into(),
            sign_in_mode: Some("CommonAreaPhoneSignIn".into()),
        });
        let mut cap = user(Some(&["Teams", "PhoneSystem"]));
        cap.ip_phone_policy = Some(PolicyAssignment {
            name: "cap".into(),
            authority: None,
        });
        let f = classify(&cap, &ctx);
        assert!(matches!(
            f.class,
            TeamsClass::CommonAreaPhone {
                counted: Some(true),
                via: CapVia::Policy(_)
            }
        ));
        assert!(f.detail(&ctx).contains("TeamsIPPhonePolicy CAP"));
        let plain = classify(&user(Some(&["Teams", "PhoneSystem"])), &ctx);
        assert_eq!(
            plain.class,
            TeamsClass::VoiceUser {
                calling_plan: false
            }
        );
        let mut lost = user(Some(&["PhoneSystem"]));
        lost.ip_phone_policy = Some(PolicyAssignment {
            name: "Missing".into(),
            authority: None,
        });
        assert!(classify(&lost, &ctx).policy_not_found);

        let mut ctx = TeamsContext::default();
        ctx.add_shared_device("A@contoso.com");
        assert!(matches!(
            classify(&user(Some(&["PhoneSystem"])), &ctx).class,
            TeamsClass::CommonAreaPhone {
                via: CapVia::SharedDevicesSku,
                ..
            }
        ));
    }

    #[test]
    fn missing_feature_types_is_undecided_unless_another_condition_fails() {
        let ctx = TeamsContext::default();
        let f = classify(&user(None), &ctx);
        assert_eq!(f.class, TeamsClass::Undetermined(Missing::FeatureTypes));
        assert_eq!(f.counts_as_user(), None);
        assert!(f.detail(&ctx).contains("voice-user rule"));
        let mut no_ev = user(None);
        no_ev.enterprise_voice_enabled = Some(false);
        assert_eq!(classify(&no_ev, &ctx).counts_as_user(), Some(false));
    }

    #[test]
    fn exclusions() {
        let ctx = TeamsContext::default();
        let mut g = user(Some(&["Teams"]));
        g.account_type = Some("Guest".into());
        assert_eq!(classify(&g, &ctx).exclusion(), Some(UcExclusion::Guest));
        let mut d = user(Some(&["PhoneSystem"]));
        d.account_enabled = Some(false);
        assert_eq!(classify(&d, &ctx).exclusion(), Some(UcExclusion::Disabled));
        let mut s = user(Some(&["PhoneSystem"]));
        s.soft_deletion_timestamp = Some(chrono::Utc::now());
        assert_eq!(
            classify(&s, &ctx).exclusion(),
            Some(UcExclusion::SoftDeleted)
        );
        let mut e = user(Some(&["PhoneSystem"]));
        e.user_principal_name = "bob_fabrikam.com#EXT#@contoso.onmicrosoft.com".into();
        assert_eq!(classify(&e, &ctx).exclusion(), Some(UcExclusion::Guest));
    }
}
