//! The rules of `teams assignments`, applied to one Get-CsOnlineUser account at a time. Pure:
//! no I/O, no counting across accounts (see `assignments`). The rules and their public sources
//! are in docs/rules/teams-assignments.md.

use super::inputs::{normal_id, number_key, PhoneNumberAssignment};
use super::records::TeamsEvidence;
use crate::m365::{AssignedPlan, CsOnlineUser, PlanState};
use crate::model::teams::{TeamsFindingCode, TeamsPlanFamily};
use std::collections::{HashMap, HashSet};

const USER: &str = "Get-CsOnlineUser";
const NUMBERS: &str = "Get-CsPhoneNumberAssignment";
const APPS: &str = "Get-CsOnlineApplicationInstance";

/// What the rules know beyond the account itself.
#[derive(Debug, Default)]
pub struct Context {
    /// Get-CsPhoneNumberAssignment was given (the Calling Plan rule needs it)
    pub numbers_given: bool,
    numbers: Vec<PhoneNumberAssignment>,
    by_target: HashMap<String, Vec<usize>>,
    by_number: HashMap<String, usize>,
    /// Get-CsOnlineApplicationInstance UPNs and object ids (lower case)
    resource_accounts: HashSet<String>,
}

impl Context {
    pub fn add_number(&mut self, n: PhoneNumberAssignment) {
        self.numbers_given = true;
        let i = self.numbers.len();
        if n.assigned() {
            if let Some(t) = &n.assigned_pstn_target_id {
                self.by_target.entry(t.clone()).or_default().push(i);
            }
        }
        if let Some(k) = number_key(&n.telephone_number) {
            self.by_number.entry(k).or_insert(i);
        }
        self.numbers.push(n);
    }

    /// Marks that a phone number export was given even when it holds no rows.
    pub fn numbers_given(&mut self) {
        self.numbers_given = true;
    }

    pub fn add_resource_account(&mut self, upn: &str, object_id: Option<&str>) {
        self.resource_accounts
            .insert(upn.trim().to_ascii_lowercase());
        if let Some(id) = object_id {
            self.resource_accounts.insert(normal_id(id));
        }
    }

    /// The numbers assigned to the account: by object id, else the LineUri's number.
    fn numbers_of(&self, u: &CsOnlineUser) -> Vec<&PhoneNumberAssignment> {
        let mut out: Vec<&PhoneNumberAssignment> = Vec::new();
        for id in [&u.identity, &u.object_id].into_iter().flatten() {
            if let Some(ix) = self.by_target.get(&normal_id(id)) {
                out.extend(ix.iter().map(|&i| &self.numbers[i]));
            }
        }
        if out.is_empty() {
            if let Some(i) = u
                .line_uri
                .as_deref()
                .and_then(number_key)
                .and_then(|k| self.by_number.get(&k))
            {
                out.push(&self.numbers[*i]);
            }
        }
        out
    }

    fn is_resource_account(&self, u: &CsOnlineUser) -> bool {
        self.resource_accounts
            .contains(&u.user_principal_name.to_ascii_lowercase())
            || [&u.identity, &u.object_id]
                .into_iter()
                .flatten()
                .any(|id| self.resource_accounts.contains(&normal_id(id)))
    }
}

/// One rule that fired.
#[derive(Debug, Clone)]
pub struct Hit {
    pub code: TeamsFindingCode,
    pub plans: Vec<String>,
    pub reclaimable: Vec<String>,
    pub message: String,
    pub evidence: Vec<TeamsEvidence>,
}

/// Why no rule applies to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NotEvaluated {
    Guest,
    SfBOnPremUser,
}

impl NotEvaluated {
    pub fn text(self) -> &'static str {
        match self {
            NotEvaluated::Guest => "Guest: holds no licence of this tenant",
            NotEvaluated::SfBOnPremUser => {
                "SfBOnPremUser: homed on Skype for Business Server, voice is configured there"
            }
        }
    }
}

/// The rules' verdict on one account.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub not_evaluated: Option<NotEvaluated>,
    pub hits: Vec<Hit>,
    /// Rules that could not decide for this account (a property was not exported)
    pub undecided: Vec<TeamsFindingCode>,
    /// The account type the findings show (`ResourceAccount` when the application instance
    /// export says so)
    pub account_type: Option<String>,
}

/// The plans of a family in the given states.
fn plans<'a>(
    u: &'a CsOnlineUser,
    family: TeamsPlanFamily,
    states: &[PlanState],
) -> Vec<&'a AssignedPlan> {
    u.assigned_plans
        .iter()
        .flatten()
        .filter(|p| TeamsPlanFamily::of(&p.capability) == family && states.contains(&p.state()))
        .collect()
}

/// Enabled or Warning: the service works.
const ACTIVE: &[PlanState] = &[PlanState::Enabled, PlanState::Warning];
/// Still assigned, service at risk or stopped.
const AT_RISK: &[PlanState] = &[
    PlanState::Warning,
    PlanState::Suspended,
    PlanState::LockedOut,
];
const STOPPED: &[PlanState] = &[PlanState::Suspended, PlanState::LockedOut];

fn names(p: &[&AssignedPlan]) -> Vec<String> {
    let mut v: Vec<String> = p.iter().map(|p| p.capability.clone()).collect();
    v.sort_by_key(|c| c.to_ascii_uppercase());
    v.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    v
}

fn plan_evidence(p: &AssignedPlan) -> TeamsEvidence {
    TeamsEvidence::new(
        USER,
        format!("AssignedPlan {}", p.capability),
        p.status
            .clone()
            .unwrap_or_else(|| "(no CapabilityStatus exported)".into()),
    )
}

fn shown(v: Option<&str>) -> String {
    match v.map(str::trim) {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => "(not set)".into(),
    }
}

fn bool_text(b: Option<bool>) -> String {
    match b {
        Some(true) => "True".into(),
        Some(false) => "False".into(),
        None => "(not exported)".into(),
    }
}

pub fn evaluate(u: &CsOnlineUser, ctx: &Context) -> Evaluation {
    let mut e = Evaluation {
        account_type: u.account_type.clone(),
        ..Evaluation::default()
    };
    let kind = u
        .account_type
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let listed_app = ctx.is_resource_account(u);
    let resource = kind == "resourceaccount"
        || listed_app
        || u.interpreted_user_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().contains("applicationinstance"));
    if resource {
        e.account_type = Some("ResourceAccount".into());
    }

    // A deleted or disabled account: whatever it holds that costs money can be given back.
    let deleted = u.soft_deletion_timestamp.is_some();
    if deleted || u.account_enabled == Some(false) {
        let paid: Vec<&AssignedPlan> = u
            .assigned_plans
            .iter()
            .flatten()
            .filter(|p| {
                ACTIVE.contains(&p.state())
                    && TeamsPlanFamily::of(&p.capability).paid(&p.capability)
            })
            .collect();
        if !paid.is_empty() {
            let mut evidence = vec![if deleted {
                TeamsEvidence::new(
                    USER,
                    "SoftDeletionTimestamp",
                    u.soft_deletion_timestamp
                        .filter(|t| *t != chrono::DateTime::<chrono::Utc>::MIN_UTC)
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_else(|| "set".into()),
                )
            } else {
                TeamsEvidence::new(USER, "AccountEnabled", "False")
            }];
            evidence.extend(paid.iter().map(|p| plan_evidence(p)));
            let n = names(&paid);
            e.hits.push(Hit {
                code: if deleted {
                    TeamsFindingCode::DeletedAccountPaidPlans
                } else {
                    TeamsFindingCode::DisabledAccountPaidPlans
                },
                message: format!(
                    "{} account still holds {}: remove the licences (or the suite that carries them) and reassign them",
                    if deleted { "a soft-deleted" } else { "a disabled" },
                    n.join(", ")
                ),
                reclaimable: n.clone(),
                plans: n,
                evidence,
            });
        }
        e.hits.sort_by_key(|h| h.code);
        return e;
    }
    if kind == "guest" {
        e.not_evaluated = Some(NotEvaluated::Guest);
        return e;
    }
    if kind == "sfbonpremuser" {
        e.not_evaluated = Some(NotEvaluated::SfBOnPremUser);
        return e;
    }

    let numbers = ctx.numbers_of(u);
    let line_uri = u
        .line_uri
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    let has_number = line_uri.is_some() || !numbers.is_empty();
    let ev = u.enterprise_voice_enabled;
    let phone = plans(u, TeamsPlanFamily::TeamsPhone, ACTIVE);
    let phone_stopped = plans(u, TeamsPlanFamily::TeamsPhone, STOPPED);
    let virtual_user = plans(u, TeamsPlanFamily::TeamsPhoneResourceAccount, ACTIVE);
    let calling = plans(u, TeamsPlanFamily::CallingPlan, ACTIVE);
    let voice_ev = TeamsEvidence::new(USER, "EnterpriseVoiceEnabled", bool_text(ev));
    let number_evidence = |out: &mut Vec<TeamsEvidence>| {
        out.push(TeamsEvidence::new(USER, "LineUri", shown(line_uri)));
        for n in &numbers {
            out.push(TeamsEvidence::new(
                NUMBERS,
                format!("NumberType {}", n.telephone_number),
                shown(n.number_type.as_ref().map(|t| t.text())),
            ));
        }
    };

    // Risk: voice still on while the licence behind it is in grace or stopped.
    let mut at_risk = plans(u, TeamsPlanFamily::TeamsPhone, AT_RISK);
    at_risk.extend(plans(u, TeamsPlanFamily::CallingPlan, AT_RISK));
    if ev == Some(true) && !at_risk.is_empty() {
        let mut evidence = vec![voice_ev.clone()];
        evidence.extend(at_risk.iter().map(|p| plan_evidence(p)));
        e.hits.push(Hit {
            code: TeamsFindingCode::LicenseNotActiveVoiceEnabled,
            plans: names(&at_risk),
            reclaimable: Vec::new(),
            message: format!(
                "enabled for voice while {} is {}: calling stops when the subscription ends; renew it or move the user to an active licence",
                names(&at_risk).join(", "),
                at_risk
                    .iter()
                    .map(|p| p.status.as_deref().unwrap_or("?"))
                    .collect::<Vec<_>>()
                    .join("/")
            ),
            evidence,
        });
    }

    // Waste: a Calling Plan paid for while the numbers come from Direct Routing / Operator
    // Connect (users and resource accounts alike).
    if !calling.is_empty() {
        if !ctx.numbers_given {
            e.undecided
                .push(TeamsFindingCode::CallingPlanOnDirectRouting);
        } else if !numbers.is_empty()
            && numbers.iter().all(|n| {
                n.number_type
                    .as_ref()
                    .is_some_and(|t| t.outside_calling_plan())
            })
        {
            let mut evidence = Vec::new();
            number_evidence(&mut evidence);
            evidence.extend(calling.iter().map(|p| plan_evidence(p)));
            e.hits.push(Hit {
                code: TeamsFindingCode::CallingPlanOnDirectRouting,
                plans: names(&calling),
                reclaimable: names(&calling),
                message: format!(
                    "holds a Calling Plan but every number is {}: the Calling Plan carries no call; reclaim it",
                    numbers
                        .iter()
                        .map(|n| n.number_type.as_ref().map(|t| t.text()).unwrap_or(""))
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
                evidence,
            });
        }
    }
    if resource {
        if !phone.is_empty() {
            let mut evidence = vec![TeamsEvidence::new(
                if listed_app { APPS } else { USER },
                if listed_app {
                    "UserPrincipalName"
                } else {
                    "AccountType"
                },
                if listed_app {
                    u.user_principal_name.clone()
                } else {
                    shown(u.account_type.as_deref())
                },
            )];
            evidence.extend(phone.iter().map(|p| plan_evidence(p)));
            e.hits.push(Hit {
                code: TeamsFindingCode::ResourceAccountUserPhoneLicense,
                plans: names(&phone),
                reclaimable: names(&phone),
                message: "a resource account holds a user Teams Phone licence: assign the free Microsoft Teams Phone Resource Account licence (MCOEV_VIRTUALUSER) instead".into(),
                evidence,
            });
        } else if has_number && virtual_user.is_empty() && phone_stopped.is_empty() {
            let mut evidence = Vec::new();
            number_evidence(&mut evidence);
            e.hits.push(Hit {
                code: TeamsFindingCode::VoiceWithoutPhoneLicense,
                plans: Vec::new(),
                reclaimable: Vec::new(),
                message: "a resource account has a phone number but no Teams Phone Resource Account licence (MCOEV_VIRTUALUSER): calls to it fail".into(),
                evidence,
            });
        }
        return e;
    }

    // Broken: voice configured, no Teams Phone at all.
    if phone.is_empty() && phone_stopped.is_empty() {
        if ev == Some(true) || has_number {
            let mut evidence = vec![voice_ev.clone()];
            number_evidence(&mut evidence);
            evidence.push(TeamsEvidence::new(
                USER,
                "AssignedPlan MCOEV*",
                "(none enabled)",
            ));
            e.hits.push(Hit {
                code: TeamsFindingCode::VoiceWithoutPhoneLicense,
                plans: Vec::new(),
                reclaimable: Vec::new(),
                message: format!(
                    "{} without a Teams Phone licence: assign Teams Phone or turn voice off and release the number",
                    match (ev == Some(true), has_number) {
                        (true, true) => "enabled for voice with a number",
                        (true, false) => "enabled for voice",
                        _ => "holds a phone number",
                    }
                ),
                evidence,
            });
        } else if ev.is_none() {
            e.undecided.push(TeamsFindingCode::VoiceWithoutPhoneLicense);
        }
    }

    // Waste: Teams Phone that cannot be used as configured. A Teams Rooms licence carries its
    // own Teams Phone plan, which cannot be removed on its own.
    let room = !plans(u, TeamsPlanFamily::TeamsRooms, ACTIVE).is_empty()
        || u.feature_types
            .iter()
            .flatten()
            .any(|f| f.to_ascii_lowercase().starts_with("teamsroom"));
    if !phone.is_empty() && !room {
        match ev {
            Some(false) => {
                let mut evidence = vec![voice_ev.clone()];
                evidence.extend(phone.iter().map(|p| plan_evidence(p)));
                e.hits.push(Hit {
                    code: TeamsFindingCode::PhoneLicenseVoiceDisabled,
                    plans: names(&phone),
                    reclaimable: names(&phone),
                    message: "licensed for Teams Phone but not enabled for voice: enable voice or reclaim the licence".into(),
                    evidence,
                });
            }
            None => e
                .undecided
                .push(TeamsFindingCode::PhoneLicenseVoiceDisabled),
            Some(true) if !has_number && calling.is_empty() => {
                let global = u.voice_routing_policy.as_ref().is_none_or(|p| {
                    p.name.trim().is_empty() || p.name.eq_ignore_ascii_case("Global")
                });
                if !u.voice_routing_policy_exported {
                    e.undecided
                        .push(TeamsFindingCode::PhoneLicenseNoNumberNoRouting);
                } else if global {
                    let mut evidence = vec![voice_ev.clone()];
                    number_evidence(&mut evidence);
                    evidence.push(TeamsEvidence::new(
                        USER,
                        "OnlineVoiceRoutingPolicy",
                        shown(u.voice_routing_policy.as_ref().map(|p| p.name.as_str())),
                    ));
                    evidence.push(TeamsEvidence::new(
                        USER,
                        "AssignedPlan MCOPSTN*",
                        "(none enabled)",
                    ));
                    evidence.extend(phone.iter().map(|p| plan_evidence(p)));
                    e.hits.push(Hit {
                        code: TeamsFindingCode::PhoneLicenseNoNumberNoRouting,
                        plans: names(&phone),
                        reclaimable: names(&phone),
                        message: "enabled for voice with no number, no Calling Plan and no voice routing policy: no PSTN call can be made or received; finish the setup or reclaim the licence".into(),
                        evidence,
                    });
                }
            }
            Some(true) => {}
        }
    }

    e.hits.sort_by_key(|h| h.code);
    e
}

#[cfg(test)]
mod tests {
    use super::super::inputs::NumberType;
    use super::*;
    use crate::m365::PolicyAssignment;

    fn plan(c: &str, status: &str) -> AssignedPlan {
        AssignedPlan {
            capability: c.into(),
            status: Some(status.into()),
            service_plan_id: None,
        }
    }

    fn user(ev: Option<bool>, line: Option<&str>, plans: Vec<AssignedPlan>) -> CsOnlineUser {
        CsOnlineUser {
            identity: Some("6f1c1e2a-0000-4000-8000-000000000001".into()),
            enterprise_voice_enabled: ev,
            feature_types: Some(vec!["Teams".into()]),
            assigned_plans: Some(plans),
            line_uri: line.map(Into::into),
            voice_routing_policy_exported: true,
            ..CsOnlineUser::test_user("a@contoso.com")
        }
    }

    fn codes(e: &Evaluation) -> Vec<TeamsFindingCode> {
        e.hits.iter().map(|h| h.code).collect()
    }

    use TeamsFindingCode::*;

    #[test]
    fn phone_licence_without_voice_is_waste() {
        let e = evaluate(
            &user(Some(false), None, vec![plan("MCOEV", "Enabled")]),
            &Context::default(),
        );
        assert_eq!(codes(&e), [PhoneLicenseVoiceDisabled]);
        assert_eq!(e.hits[0].reclaimable, ["MCOEV"]);
        assert!(e.hits[0]
            .evidence
            .iter()
            .any(|x| x.property == "EnterpriseVoiceEnabled" && x.value == "False"));
    }

    #[test]
    fn voice_with_no_number_and_no_routing_is_waste_unless_routed() {
        let u = user(Some(true), None, vec![plan("MCOEV", "Enabled")]);
        assert_eq!(
            codes(&evaluate(&u, &Context::default())),
            [PhoneLicenseNoNumberNoRouting]
        );
        let mut routed = u.clone();
        routed.voice_routing_policy = Some(PolicyAssignment {
            name: "US-Route".into(),
            authority: None,
        });
        assert!(evaluate(&routed, &Context::default()).hits.is_empty());
        let mut numbered = u.clone();
        numbered.line_uri = Some("tel:+14255550100".into());
        assert!(evaluate(&numbered, &Context::default()).hits.is_empty());
        let mut unknown = u.clone();
        unknown.voice_routing_policy_exported = false;
        let e = evaluate(&unknown, &Context::default());
        assert!(e.hits.is_empty());
        assert_eq!(e.undecided, [PhoneLicenseNoNumberNoRouting]);
    }

    #[test]
    fn voice_or_number_without_phone_is_broken() {
        let e = evaluate(
            &user(Some(true), None, vec![plan("TEAMS1", "Enabled")]),
            &Context::default(),
        );
        assert_eq!(codes(&e), [VoiceWithoutPhoneLicense]);
        let e = evaluate(
            &user(Some(false), Some("tel:+14255550100"), vec![]),
            &Context::default(),
        );
        assert_eq!(codes(&e), [VoiceWithoutPhoneLicense]);
        assert!(e.hits[0].message.contains("holds a phone number"));
        // A deleted plan is no plan.
        let e = evaluate(
            &user(Some(true), None, vec![plan("MCOEV", "Deleted")]),
            &Context::default(),
        );
        assert_eq!(codes(&e), [VoiceWithoutPhoneLicense]);
        // A number found only in Get-CsPhoneNumberAssignment counts too.
        let mut ctx = Context::default();
        ctx.add_number(PhoneNumberAssignment {
            telephone_number: "+14255550199".into(),
            number_type: Some(NumberType::DirectRouting),
            assigned_pstn_target_id: Some("6f1c1e2a-0000-4000-8000-000000000001".into()),
            pstn_assignment_status: Some("UserAssigned".into()),
        });
        let e = evaluate(&user(Some(false), None, vec![]), &ctx);
        assert_eq!(codes(&e), [VoiceWithoutPhoneLicense]);
        assert!(e.hits[0].evidence.iter().any(|x| x.source == NUMBERS));
    }

    #[test]
    fn calling_plan_on_direct_routing_needs_the_number_export() {
        let u = user(
            Some(true),
            Some("tel:+14255550100"),
            vec![plan("MCOEV", "Enabled"), plan("MCOPSTN1", "Enabled")],
        );
        let e = evaluate(&u, &Context::default());
        assert!(e.hits.is_empty());
        assert_eq!(e.undecided, [CallingPlanOnDirectRouting]);
        let mut ctx = Context::default();
        ctx.add_number(PhoneNumberAssignment {
            telephone_number: "+14255550100".into(),
            number_type: Some(NumberType::DirectRouting),
            assigned_pstn_target_id: None,
            pstn_assignment_status: None,
        });
        let e = evaluate(&u, &ctx);
        assert_eq!(codes(&e), [CallingPlanOnDirectRouting]);
        assert_eq!(e.hits[0].reclaimable, ["MCOPSTN1"]);
        let mut ctx = Context::default();
        ctx.add_number(PhoneNumberAssignment {
            telephone_number: "+14255550100".into(),
            number_type: Some(NumberType::CallingPlan),
            assigned_pstn_target_id: None,
            pstn_assignment_status: None,
        });
        assert!(evaluate(&u, &ctx).hits.is_empty());
    }

    #[test]
    fn resource_accounts_want_the_virtual_user_licence() {
        let mut u = user(
            Some(true),
            Some("tel:+14255550100"),
            vec![plan("MCOEV", "Enabled")],
        );
        u.account_type = Some("ResourceAccount".into());
        assert_eq!(
            codes(&evaluate(&u, &Context::default())),
            [ResourceAccountUserPhoneLicense]
        );
        u.assigned_plans = Some(vec![plan("MCOEV_VIRTUALUSER", "Enabled")]);
        assert!(evaluate(&u, &Context::default()).hits.is_empty());
        u.assigned_plans = Some(vec![]);
        assert_eq!(
            codes(&evaluate(&u, &Context::default())),
            [VoiceWithoutPhoneLicense]
        );
        // Known from the application instance export even when AccountType says User.
        let mut u = user(
            Some(true),
            Some("tel:+14255550100"),
            vec![plan("MCOEV", "Enabled")],
        );
        let mut ctx = Context::default();
        ctx.add_resource_account("A@contoso.com", None);
        let e = evaluate(&u, &ctx);
        assert_eq!(codes(&e), [ResourceAccountUserPhoneLicense]);
        assert_eq!(e.account_type.as_deref(), Some("ResourceAccount"));
        assert_eq!(e.hits[0].evidence[0].source, APPS);
        u.account_type = None;
        assert_eq!(
            codes(&evaluate(&u, &ctx)),
            [ResourceAccountUserPhoneLicense]
        );
    }

    #[test]
    fn licence_in_grace_with_voice_on_is_risk() {
        for status in ["Warning", "Suspended", "LockedOut"] {
            let e = evaluate(
                &user(Some(true), Some("tel:+1425"), vec![plan("MCOEV", status)]),
                &Context::default(),
            );
            assert_eq!(codes(&e), [LicenseNotActiveVoiceEnabled], "{status}");
        }
        // Voice off: nothing at risk (and a Warning plan is still a held licence).
        let e = evaluate(
            &user(Some(false), None, vec![plan("MCOEV", "Warning")]),
            &Context::default(),
        );
        assert_eq!(codes(&e), [PhoneLicenseVoiceDisabled]);
    }

    #[test]
    fn disabled_and_deleted_accounts_give_paid_plans_back() {
        let mut u = user(
            Some(true),
            None,
            vec![
                plan("MCOEV", "Enabled"),
                plan("MCOEV_VIRTUALUSER", "Enabled"),
                plan("Teams_Room_Basic", "Enabled"),
                plan("MCOPSTN2", "Deleted"),
            ],
        );
        u.account_enabled = Some(false);
        let e = evaluate(&u, &Context::default());
        assert_eq!(codes(&e), [DisabledAccountPaidPlans]);
        assert_eq!(e.hits[0].reclaimable, ["MCOEV"]);
        u.account_enabled = Some(true);
        u.soft_deletion_timestamp = Some(chrono::DateTime::<chrono::Utc>::MIN_UTC);
        assert_eq!(
            codes(&evaluate(&u, &Context::default())),
            [DeletedAccountPaidPlans]
        );
        // Holding nothing paid: nothing to say.
        u.assigned_plans = Some(vec![plan("MCOEV_VIRTUALUSER", "Enabled")]);
        assert!(evaluate(&u, &Context::default()).hits.is_empty());
    }

    #[test]
    fn rooms_guests_and_on_premises_users() {
        let mut room = user(
            Some(false),
            None,
            vec![plan("MCOEV", "Enabled"), plan("Teams_Room_Pro", "Enabled")],
        );
        assert!(evaluate(&room, &Context::default()).hits.is_empty());
        room.assigned_plans = Some(vec![plan("MCOEV", "Enabled")]);
        room.feature_types = Some(vec!["TeamsRoomPro".into()]);
        assert!(evaluate(&room, &Context::default()).hits.is_empty());
        let mut guest = user(Some(true), None, vec![]);
        guest.account_type = Some("Guest".into());
        let e = evaluate(&guest, &Context::default());
        assert_eq!(e.not_evaluated, Some(NotEvaluated::Guest));
        assert!(e.hits.is_empty());
        guest.account_type = Some("SfBOnPremUser".into());
        assert_eq!(
            evaluate(&guest, &Context::default()).not_evaluated,
            Some(NotEvaluated::SfBOnPremUser)
        );
    }

    #[test]
    fn voice_not_exported_is_undecided_never_guessed() {
        let e = evaluate(
            &user(None, None, vec![plan("MCOEV", "Enabled")]),
            &Context::default(),
        );
        assert!(e.hits.is_empty());
        assert_eq!(e.undecided, [PhoneLicenseVoiceDisabled]);
        let e = evaluate(&user(None, None, vec![]), &Context::default());
        assert_eq!(e.undecided, [VoiceWithoutPhoneLicense]);
    }
}
