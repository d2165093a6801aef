//! Issue #23 item 4: `uc count` and `teams assignments` read the same Get-CsOnlineUser export and
//! must agree on what each account is. Both ask `m365` (`CsOnlineUser::account_kind`); this
//! classifies one shared tenant through each audit's own entry point and compares.

use license_audit::m365::{AssignedPlan, CsOnlineUser};
use license_audit::model::teams::{AccountType, KnownAccountType};
use license_audit::model::uc::UcExclusion;
use license_audit::teams::rules::{evaluate, Context, NotEvaluated};
use license_audit::uc::online_account::{classify, TeamsContext};

fn account(upn: &str) -> CsOnlineUser {
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
        feature_types: Some(vec!["Teams".into(), "PhoneSystem".into()]),
        assigned_plans: Some(vec![plan("MCOEV")]),
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

fn plan(capability: &str) -> AssignedPlan {
    AssignedPlan {
        capability: capability.into(),
        status: Some("Enabled".into()),
        service_plan_id: None,
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Guest,
    ResourceAccount,
    User,
}

/// The tenant: one account of each kind, each told by a different property.
fn tenant() -> Vec<(CsOnlineUser, Kind)> {
    let with = |upn: &str, f: &dyn Fn(&mut CsOnlineUser)| {
        let mut a = account(upn);
        f(&mut a);
        a
    };
    vec![
        (account("user@contoso.com"), Kind::User),
        (
            with("g1@contoso.com", &|a| a.account_type = Some("Guest".into())),
            Kind::Guest,
        ),
        (
            with("g2@contoso.com", &|a| {
                a.interpreted_user_type = Some("PureOnlineTeamsOnlyGuestUser".into())
            }),
            Kind::Guest,
        ),
        (
            account("bob_fabrikam.com#EXT#@contoso.onmicrosoft.com"),
            Kind::Guest,
        ),
        (
            with("ra1@contoso.com", &|a| {
                a.account_type = Some("ResourceAccount".into())
            }),
            Kind::ResourceAccount,
        ),
        (
            with("ra2@contoso.com", &|a| {
                a.interpreted_user_type = Some("PureOnlineApplicationInstance".into())
            }),
            Kind::ResourceAccount,
        ),
        (
            with("ra3@contoso.com", &|a| {
                a.feature_types = Some(vec!["VoiceApp".into()])
            }),
            Kind::ResourceAccount,
        ),
        (
            with("ra4@contoso.com", &|a| {
                a.assigned_plans = Some(vec![plan("MCOEV_VIRTUALUSER")])
            }),
            Kind::ResourceAccount,
        ),
    ]
}

#[test]
fn uc_count_and_teams_assignments_classify_a_shared_tenant_alike() {
    let (uc, teams) = (TeamsContext::default(), Context::default());
    for (a, expected) in tenant() {
        let by_uc = match classify(&a, &uc).exclusion() {
            Some(UcExclusion::Guest) => Kind::Guest,
            Some(UcExclusion::ResourceAccount) => Kind::ResourceAccount,
            None => Kind::User,
            Some(other) => panic!("{}: {other:?}", a.user_principal_name),
        };
        let e = evaluate(&a, &teams);
        let by_teams = if e.not_evaluated == Some(NotEvaluated::Guest) {
            Kind::Guest
        } else if e.account_type == Some(AccountType::Known(KnownAccountType::ResourceAccount)) {
            Kind::ResourceAccount
        } else {
            Kind::User
        };
        assert_eq!(by_uc, expected, "uc count: {}", a.user_principal_name);
        assert_eq!(
            by_teams, expected,
            "teams assignments: {}",
            a.user_principal_name
        );
    }
}
