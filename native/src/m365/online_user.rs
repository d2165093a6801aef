//! Get-CsOnlineUser (MicrosoftTeams module) read into a typed value.
//!
//! Shapes seen in exports: policies as objects `{Authority, Name}` (module 3.x and later),
//! as plain strings (`Tag:Name`, or the name alone) or null (the Global policy applies);
//! FeatureTypes as a list of strings; AssignedPlan as a list of
//! `{AssignedTimestamp, Capability, CapabilityStatus, ServiceInstance, ServicePlanId}`.
//! A property missing from the record (an older module, or a `Select-Object` that left it
//! out) reads as `None`, never as an empty value, so callers can tell "not exported" from
//! "exported and empty".

use super::value::nested_text;
use crate::ingest::record::{flattened_message, list_items, value_bool, value_text};
use crate::ingest::{PsValue, Record};
use crate::model::teams::{AccountType, KnownAccountType};
use crate::model::InputError;
use chrono::{DateTime, Utc};

/// A policy assignment as Get-CsOnlineUser shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyAssignment {
    /// The policy's name (`Tag:` removed).
    pub name: String,
    /// `Tenant`, `Group`, ... when the export says.
    pub authority: Option<String>,
}

/// One service plan assigned to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignedPlan {
    /// e.g. `MCOEV` (Phone System), `MCOPSTN1`, `MCOEV_VIRTUALUSER`, `Teams_Room_Pro`
    pub capability: String,
    /// `Enabled`, `Deleted`, `Suspended`, ... when the export says.
    pub status: Option<String>,
    pub service_plan_id: Option<String>,
}

/// CapabilityStatus as Microsoft Graph documents it for assignedPlan: Enabled, Warning (grace
/// after the subscription lapsed), Suspended, LockedOut, Deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanState {
    /// Enabled, or no status exported
    Enabled,
    Warning,
    Suspended,
    LockedOut,
    Deleted,
    /// A status this reader does not know (kept as text on the plan)
    Other,
}

impl AssignedPlan {
    pub fn state(&self) -> PlanState {
        let Some(s) = self.status.as_deref().map(str::trim) else {
            return PlanState::Enabled;
        };
        for (name, state) in [
            ("Enabled", PlanState::Enabled),
            ("Warning", PlanState::Warning),
            ("Suspended", PlanState::Suspended),
            ("LockedOut", PlanState::LockedOut),
            ("Deleted", PlanState::Deleted),
        ] {
            if s.eq_ignore_ascii_case(name) {
                return state;
            }
        }
        if s.is_empty() {
            PlanState::Enabled
        } else {
            PlanState::Other
        }
    }

    /// Enabled, or no status exported.
    pub fn enabled(&self) -> bool {
        self.status
            .as_deref()
            .is_none_or(|s| s.eq_ignore_ascii_case("Enabled"))
    }
}

/// One Get-CsOnlineUser record.
#[derive(Debug, Clone)]
pub struct CsOnlineUser {
    pub user_principal_name: String,
    pub identity: Option<String>,
    /// The Entra object id, when exported apart from Identity (older modules)
    pub object_id: Option<String>,
    pub alias: Option<String>,
    pub display_name: Option<String>,
    pub sip_address: Option<String>,
    pub tenant_id: Option<String>,
    /// None: not in the export.
    pub account_enabled: Option<bool>,
    /// `User`, `ResourceAccount`, `Guest`, `SfBOnPremUser`, `IneligibleUser`, ... as read
    pub account_type: Option<AccountType>,
    pub interpreted_user_type: Option<String>,
    pub enterprise_voice_enabled: Option<bool>,
    /// None: FeatureTypes is not in the export (an older MicrosoftTeams module).
    pub feature_types: Option<Vec<String>>,
    /// None: AssignedPlan is not in the export (or was cut short, see `assigned_plan_truncated`).
    pub assigned_plans: Option<Vec<AssignedPlan>>,
    /// ConvertTo-Json stopped at its depth limit and wrote each plan as its type name.
    pub assigned_plan_truncated: bool,
    pub line_uri: Option<String>,
    /// Set for a user deleted and restorable (the unfiltered list includes them).
    pub soft_deletion_timestamp: Option<DateTime<Utc>>,
    /// None: the Global policy applies (or the property was not exported; see
    /// `ip_phone_policy_exported`).
    pub ip_phone_policy: Option<PolicyAssignment>,
    pub ip_phone_policy_exported: bool,
    /// None: the Global policy applies (or not exported; see `voice_routing_policy_exported`).
    pub voice_routing_policy: Option<PolicyAssignment>,
    pub voice_routing_policy_exported: bool,
    /// TeamsSharedCallingRoutingPolicy. None: the Global policy applies (or not exported; see
    /// `shared_calling_policy_exported`).
    pub shared_calling_policy: Option<PolicyAssignment>,
    pub shared_calling_policy_exported: bool,
}

/// Every Get-CsOnlineUser property `CsOnlineUser::read` looks at, and the organisation columns an
/// admin may add (`uc count` groups by them): the one list every audit reading the export keeps.
pub const PROPERTIES: &[&str] = &[
    "UserPrincipalName",
    "Identity",
    "ObjectId",
    "Alias",
    "DisplayName",
    "SipAddress",
    "TenantId",
    "AccountEnabled",
    "AccountType",
    "InterpretedUserType",
    "EnterpriseVoiceEnabled",
    "FeatureTypes",
    "AssignedPlan",
    "AssignedPlans",
    "LineUri",
    "SoftDeletionTimestamp",
    "TeamsIPPhonePolicy",
    "OnlineVoiceRoutingPolicy",
    "TeamsSharedCallingRoutingPolicy",
    "Provider",
    "Reseller",
    "Customer",
    "CustomerPkid",
    "Customer_Pkid",
    "Site",
];

impl CsOnlineUser {
    pub const PROPERTIES: &'static [&'static str] = PROPERTIES;

    pub fn read(r: &Record) -> Result<CsOnlineUser, InputError> {
        let upn = r.req_str("UserPrincipalName")?;
        let ip_phone_policy_exported = r.get("TeamsIPPhonePolicy").is_some();
        // FeatureTypes first: when Export-Csv flattened both lists, it is the one that matters.
        let features = feature_types(r)?;
        let plans = assigned_plans(r)?;
        Ok(CsOnlineUser {
            user_principal_name: upn.trim().to_string(),
            identity: r.opt_str("Identity")?,
            object_id: r.opt_str("ObjectId")?,
            alias: r.opt_str("Alias")?,
            display_name: r.opt_str("DisplayName")?,
            sip_address: r.opt_str("SipAddress")?,
            tenant_id: r.opt_str("TenantId")?,
            account_enabled: r.opt_bool("AccountEnabled")?,
            account_type: r.opt_str("AccountType")?.map(AccountType::read),
            interpreted_user_type: r.opt_str("InterpretedUserType")?,
            enterprise_voice_enabled: r.opt_bool("EnterpriseVoiceEnabled")?,
            feature_types: features,
            assigned_plans: plans.as_ref().ok().cloned().flatten(),
            assigned_plan_truncated: plans.is_err(),
            line_uri: r.opt_str("LineUri")?,
            soft_deletion_timestamp: soft_deletion(r)?,
            ip_phone_policy: read_policy(r, "TeamsIPPhonePolicy")?,
            ip_phone_policy_exported,
            voice_routing_policy: read_policy(r, "OnlineVoiceRoutingPolicy")?,
            voice_routing_policy_exported: r.get("OnlineVoiceRoutingPolicy").is_some(),
            shared_calling_policy: read_policy(r, "TeamsSharedCallingRoutingPolicy")?,
            shared_calling_policy_exported: r.get("TeamsSharedCallingRoutingPolicy").is_some(),
        })
    }

    /// Whether FeatureTypes holds `feature` (case-insensitive); None when not exported.
    pub fn has_feature(&self, feature: &str) -> Option<bool> {
        self.feature_types
            .as_ref()
            .map(|f| f.iter().any(|x| x.eq_ignore_ascii_case(feature)))
    }

    /// The enabled plans whose capability starts with `prefix` (case-insensitive).
    pub fn plans_starting(&self, prefix: &str) -> Vec<&AssignedPlan> {
        self.assigned_plans
            .iter()
            .flatten()
            .filter(|p| p.enabled() && crate::model::text::starts_with_ci(&p.capability, prefix))
            .collect()
    }
}

/// What kind of account a Get-CsOnlineUser record is: the one answer every audit that reads the
/// export (`uc count`, `teams assignments`) gives, with the property that told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// A guest of the tenant: holds no licence of it.
    Guest(KindVia),
    /// A resource account (auto attendant, call queue): licensed as one, never as a user.
    ResourceAccount(KindVia),
    User,
}

/// Which property made an account a guest or a resource account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindVia {
    /// AccountType Guest / ResourceAccount
    AccountType,
    /// InterpretedUserType names a guest / an application instance
    InterpretedUserType,
    /// The UserPrincipalName holds #EXT# (a guest)
    ExternalUpn,
    /// FeatureTypes contains VoiceApp
    VoiceApp,
    /// An enabled MCOEV_VIRTUALUSER plan (Teams Phone Resource Account)
    VirtualUserPlan,
    /// Listed in the Get-CsOnlineApplicationInstance export
    ApplicationInstance,
}

impl CsOnlineUser {
    /// The account's kind. `listed_application_instance`: the account is in the
    /// Get-CsOnlineApplicationInstance export (which also finds the resource accounts an older
    /// module shows as users). Guests are told first: a guest is never a resource account.
    pub fn account_kind(&self, listed_application_instance: bool) -> AccountKind {
        let account_type = self.account_type.as_ref().and_then(AccountType::known);
        let names = |v: &Option<String>, w: &str| {
            v.as_deref()
                .is_some_and(|x| x.to_ascii_lowercase().contains(&w.to_ascii_lowercase()))
        };
        use AccountKind::{Guest, ResourceAccount};
        if account_type == Some(KnownAccountType::Guest) {
            Guest(KindVia::AccountType)
        } else if names(&self.interpreted_user_type, "Guest") {
            Guest(KindVia::InterpretedUserType)
        } else if self
            .user_principal_name
            .to_ascii_uppercase()
            .contains("#EXT#")
        {
            Guest(KindVia::ExternalUpn)
        } else if account_type == Some(KnownAccountType::ResourceAccount) {
            ResourceAccount(KindVia::AccountType)
        } else if names(&self.interpreted_user_type, "ApplicationInstance") {
            ResourceAccount(KindVia::InterpretedUserType)
        } else if self.has_feature("VoiceApp") == Some(true) {
            ResourceAccount(KindVia::VoiceApp)
        } else if !self.plans_starting("MCOEV_VIRTUALUSER").is_empty() {
            ResourceAccount(KindVia::VirtualUserPlan)
        } else if listed_application_instance {
            ResourceAccount(KindVia::ApplicationInstance)
        } else {
            AccountKind::User
        }
    }
}

#[cfg(test)]
impl CsOnlineUser {
    /// An enabled, voice-enabled user account with nothing else set, for tests to adjust.
    pub fn test_user(upn: &str) -> CsOnlineUser {
        CsOnlineUser {
            user_principal_name: upn.into(),
            identity: None,
            object_id: None,
            alias: None,
            display_name: None,
            sip_address: None,
            tenant_id: None,
            account_enabled: Some(true),
            account_type: Some("User".into()),
            interpreted_user_type: None,
            enterprise_voice_enabled: Some(true),
            feature_types: None,
            assigned_plans: None,
            assigned_plan_truncated: false,
            line_uri: None,
            soft_deletion_timestamp: None,
            ip_phone_policy: None,
            ip_phone_policy_exported: true,
            voice_routing_policy: None,
            voice_routing_policy_exported: false,
            shared_calling_policy: None,
            shared_calling_policy_exported: false,
        }
    }
}

/// A policy property: `{Authority, Name}`, `Tag:Name`, `Name`, or null / blank (Global).
pub fn read_policy(r: &Record, property: &str) -> Result<Option<PolicyAssignment>, InputError> {
    let Some(v) = r.get(property) else {
        return Ok(None);
    };
    let (name, authority) = match v {
        PsValue::Object(o) => (
            nested_text(r, property, v, &["Name", "PolicyName", "FriendlyName"])?,
            match o.get("Authority") {
                Some(a) => value_text(a).map_err(|m| r.error(property, m))?,
                None => None,
            },
        ),
        PsValue::Flattened(t) => return Err(r.error(property, flattened_message(t))),
        other => (value_text(other).map_err(|m| r.error(property, m))?, None),
    };
    Ok(name.map(|n| {
        let n = n.trim();
        PolicyAssignment {
            name: crate::model::text::strip_prefix_ci(n, "Tag:")
                .unwrap_or(n)
                .to_string(),
            authority,
        }
    }))
}

/// The error for a collection property Export-Csv turned into its type name: every record of
/// such an export has lost the list, so the whole file is refused.
fn flattened(r: &Record, property: &str, type_name: &str) -> InputError {
    r.error(
        property,
        format!(
            "holds '{type_name}': Export-Csv wrote the type name instead of the list, so {property} is lost for every user in this file; export Get-CsOnlineUser as JSON instead (Get-CsOnlineUser | ConvertTo-Json -Depth 5 | Set-Content teams.json) or with Export-Clixml"
        ),
    )
    .fatal()
}

/// ConvertTo-Json beyond its -Depth writes a nested object as its type name.
fn looks_like_type_name(s: &str) -> bool {
    let t = s.trim();
    !t.contains(' ')
        && t.matches('.').count() >= 2
        && (t.starts_with("Microsoft.")
            || t.starts_with("Deserialized.")
            || t.starts_with("System."))
}

fn feature_types(r: &Record) -> Result<Option<Vec<String>>, InputError> {
    let Some(v) = r.get("FeatureTypes") else {
        return Ok(None);
    };
    if let PsValue::Flattened(t) = v {
        return Err(flattened(r, "FeatureTypes", t));
    }
    let mut out = Vec::new();
    for item in list_items(v) {
        match value_text(item) {
            Ok(Some(s)) => out.extend(
                s.split([';', ',', ' ', '|'])
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(str::to_string),
            ),
            Ok(None) => {}
            Err(m) => return Err(r.error("FeatureTypes", m)),
        }
    }
    Ok(Some(out))
}

/// Ok(Err(())) when ConvertTo-Json cut the plans to their type name.
#[allow(clippy::type_complexity)]
fn assigned_plans(r: &Record) -> Result<Result<Option<Vec<AssignedPlan>>, ()>, InputError> {
    let (name, v) = match (r.get("AssignedPlan"), r.get("AssignedPlans")) {
        (Some(v), _) => ("AssignedPlan", v),
        (None, Some(v)) => ("AssignedPlans", v),
        (None, None) => return Ok(Ok(None)),
    };
    if let PsValue::Flattened(t) = v {
        return Err(flattened(r, name, t));
    }
    let mut out = Vec::new();
    for item in list_items(v) {
        match item {
            PsValue::Object(o) => {
                let text = |p: &str| -> Result<Option<String>, InputError> {
                    match o.get(p) {
                        Some(x) => value_text(x).map_err(|m| r.error(name, m)),
                        None => Ok(None),
                    }
                };
                if let Some(capability) = text("Capability")? {
                    out.push(AssignedPlan {
                        capability,
                        status: text("CapabilityStatus")?,
                        service_plan_id: text("ServicePlanId")?,
                    });
                }
            }
            PsValue::Null => {}
            other => match value_text(other).map_err(|m| r.error(name, m))? {
                Some(s) if looks_like_type_name(&s) => return Ok(Err(())),
                Some(s) => out.push(AssignedPlan {
                    capability: s,
                    status: None,
                    service_plan_id: None,
                }),
                None => {}
            },
        }
    }
    Ok(Ok(Some(out)))
}

fn soft_deletion(r: &Record) -> Result<Option<DateTime<Utc>>, InputError> {
    match r.get("SoftDeletionTimestamp") {
        None => Ok(None),
        Some(v) if v.is_blank() => Ok(None),
        // A flag some exports carry instead of the time: a set time means deleted.
        Some(v @ PsValue::Bool(_)) => Ok(value_bool(v)
            .ok()
            .flatten()
            .filter(|b| *b)
            .map(|_| DateTime::<Utc>::MIN_UTC)),
        Some(_) => r.opt_date("SoftDeletionTimestamp"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::PsObject;
    use std::sync::Arc;

    fn rec(props: Vec<(&str, PsValue)>) -> Record {
        let mut obj = PsObject::default();
        for (k, v) in props {
            obj.insert(k.to_string(), v);
        }
        Record::new(Arc::from("teams.json"), 3, obj)
    }

    fn s(x: &str) -> PsValue {
        PsValue::Str(x.into())
    }

    #[test]
    fn policies_as_objects_strings_or_null() {
        let mut policy = PsObject::default();
        policy.insert("Authority", s("Tenant"));
        policy.insert("Name", s("CommonAreaPhone"));
        let r = rec(vec![
            ("UserPrincipalName", s("cap@contoso.com")),
            ("TeamsIPPhonePolicy", PsValue::object(policy)),
        ]);
        let u = CsOnlineUser::read(&r).unwrap();
        assert_eq!(
            u.ip_phone_policy,
            Some(PolicyAssignment {
                name: "CommonAreaPhone".into(),
                authority: Some("Tenant".into())
            })
        );
        let r = rec(vec![
            ("UserPrincipalName", s("a@contoso.com")),
            ("TeamsIPPhonePolicy", s("Tag:CAP")),
        ]);
        assert_eq!(
            CsOnlineUser::read(&r)
                .unwrap()
                .ip_phone_policy
                .unwrap()
                .name,
            "CAP"
        );
        let r = rec(vec![
            ("UserPrincipalName", s("a@contoso.com")),
            ("TeamsIPPhonePolicy", PsValue::Null),
        ]);
        let u = CsOnlineUser::read(&r).unwrap();
        assert!(u.ip_phone_policy.is_none() && u.ip_phone_policy_exported);
    }

    #[test]
    fn feature_types_missing_is_not_empty() {
        let r = rec(vec![("UserPrincipalName", s("a@contoso.com"))]);
        assert_eq!(CsOnlineUser::read(&r).unwrap().feature_types, None);
        let r = rec(vec![
            ("UserPrincipalName", s("a@contoso.com")),
            ("FeatureTypes", PsValue::list(vec![])),
        ]);
        assert_eq!(CsOnlineUser::read(&r).unwrap().feature_types, Some(vec![]));
        let r = rec(vec![
            ("UserPrincipalName", s("a@contoso.com")),
            ("FeatureTypes", s("Teams;PhoneSystem")),
        ]);
        let u = CsOnlineUser::read(&r).unwrap();
        assert_eq!(u.has_feature("phonesystem"), Some(true));
    }

    #[test]
    fn flattened_lists_are_fatal_and_name_the_property() {
        let r = rec(vec![
            ("UserPrincipalName", s("a@contoso.com")),
            ("FeatureTypes", PsValue::Flattened("System.Object[]".into())),
        ]);
        let e = CsOnlineUser::read(&r).unwrap_err();
        assert!(e.fatal);
        assert_eq!(e.field.as_deref(), Some("FeatureTypes"));
        assert_eq!(e.record, Some(3));
        assert!(e.message.contains("System.Object[]") && e.message.contains("JSON"));
    }

    #[test]
    fn assigned_plans_as_objects() {
        let mut plan = PsObject::default();
        plan.insert("Capability", s("MCOEV"));
        plan.insert("CapabilityStatus", s("Enabled"));
        plan.insert("ServicePlanId", s("4828c8ec-dc2e-4779-b502-87ac9ce28ab7"));
        let r = rec(vec![
            ("UserPrincipalName", s("a@contoso.com")),
            ("AssignedPlan", PsValue::list(vec![PsValue::object(plan)])),
        ]);
        let u = CsOnlineUser::read(&r).unwrap();
        assert_eq!(u.plans_starting("MCOEV").len(), 1);
        let r = rec(vec![
            ("UserPrincipalName", s("a@contoso.com")),
            (
                "AssignedPlan",
                PsValue::list(vec![s(
                    "Microsoft.Teams.ConfigAPI.Cmdlets.Generated.Models.AssignedPlan",
                )]),
            ),
        ]);
        let u = CsOnlineUser::read(&r).unwrap();
        assert!(u.assigned_plan_truncated && u.assigned_plans.is_none());
    }
}
