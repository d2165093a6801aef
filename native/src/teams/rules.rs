//! The rules of `teams assignments`, applied to one Get-CsOnlineUser account at a time. Pure:
//! no I/O, no counting across accounts (see `assignments`). The rules and their public sources
//! are in docs/rules/teams-assignments.md.

use super::inputs::{
    is_global, normal_id, number_key, CallQueue, PhoneNumberAssignment, SharedCallingPolicy,
    VoiceRoute, VoiceRoutingPolicy,
};
use super::records::TeamsEvidence;
use crate::m365::{AccountKind, AssignedPlan, CsOnlineUser, KindVia, PlanState, PolicyAssignment};
use crate::model::teams::{AccountType, KnownAccountType, TeamsFindingCode, TeamsPlanFamily};
use std::collections::{HashMap, HashSet};

const USER: &str = "Get-CsOnlineUser";
const NUMBERS: &str = "Get-CsPhoneNumberAssignment";
const APPS: &str = "Get-CsOnlineApplicationInstance";
const ROUTING_POLICIES: &str = "Get-CsOnlineVoiceRoutingPolicy";
const ROUTES: &str = "Get-CsOnlineVoiceRoute";
const SHARED_CALLING: &str = "Get-CsTeamsSharedCallingRoutingPolicy";
const QUEUES: &str = "Get-CsCallQueue";

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
    /// Get-CsOnlineVoiceRoutingPolicy by lower-case identity; None: not given
    routing_policies: Option<HashMap<String, VoiceRoutingPolicy>>,
    /// Get-CsOnlineVoiceRoute; None: not given
    routes: Option<Vec<VoiceRoute>>,
    /// Get-CsTeamsSharedCallingRoutingPolicy by lower-case identity; None: not given
    shared_calling: Option<HashMap<String, SharedCallingPolicy>>,
    /// Get-CsCallQueue; None: not given
    queues: Option<Queues>,
}

/// The call queues and who answers them.
#[derive(Debug, Default)]
struct Queues {
    list: Vec<CallQueue>,
    /// Agent object id (normalised) → the first queue it answers
    agent_of: HashMap<String, usize>,
}

/// The key a policy is looked up by: its name (`Tag:` removed), lower case; Global for blank or
/// `Global`.
fn policy_lookup(name: &str) -> String {
    let n = name.trim();
    let n = crate::model::text::strip_prefix_ci(n, "Tag:")
        .unwrap_or(n)
        .trim();
    if is_global(n) {
        "global".into()
    } else {
        n.to_ascii_lowercase()
    }
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

    /// Get-CsOnlineVoiceRoutingPolicy was given (even empty); a policy listed twice keeps its
    /// first record.
    pub fn add_routing_policies(&mut self, policies: Vec<VoiceRoutingPolicy>) {
        let map = self.routing_policies.get_or_insert_with(HashMap::new);
        for p in policies {
            map.entry(policy_lookup(&p.identity)).or_insert(p);
        }
    }

    /// Get-CsOnlineVoiceRoute was given (even empty).
    pub fn add_routes(&mut self, routes: Vec<VoiceRoute>) {
        self.routes.get_or_insert_with(Vec::new).extend(routes);
    }

    /// Get-CsTeamsSharedCallingRoutingPolicy was given (even empty).
    pub fn add_shared_calling_policies(&mut self, policies: Vec<SharedCallingPolicy>) {
        let map = self.shared_calling.get_or_insert_with(HashMap::new);
        for p in policies {
            map.entry(policy_lookup(&p.identity)).or_insert(p);
        }
    }

    /// Get-CsCallQueue was given (even empty).
    pub fn add_call_queues(&mut self, queues: Vec<CallQueue>) {
        let q = self.queues.get_or_insert_with(Queues::default);
        for queue in queues {
            let i = q.list.len();
            for id in queue.agent_ids() {
                q.agent_of.entry(id.clone()).or_insert(i);
            }
            q.list.push(queue);
        }
    }

    /// The call queues whose agent list may be incomplete, with why (empty without the export).
    pub fn incomplete_queues(&self) -> Vec<String> {
        self.queues
            .iter()
            .flat_map(|q| q.list.iter())
            .filter_map(|q| q.incomplete().map(|why| format!("{}: {why}", q.label())))
            .collect()
    }

    pub fn routing_policies_given(&self) -> bool {
        self.routing_policies.is_some()
    }

    pub fn routes_given(&self) -> bool {
        self.routes.is_some()
    }

    pub fn shared_calling_given(&self) -> bool {
        self.shared_calling.is_some()
    }

    pub fn call_queues_given(&self) -> bool {
        self.queues.is_some()
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

    /// The queue the account answers for, if any.
    fn queue_of(&self, u: &CsOnlineUser) -> Option<&CallQueue> {
        let q = self.queues.as_ref()?;
        [&u.identity, &u.object_id]
            .into_iter()
            .flatten()
            .find_map(|id| q.agent_of.get(&normal_id(id)))
            .map(|&i| &q.list[i])
    }
}

/// What a rule lacked to decide an account: counted per rule in the summary, never guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Missing {
    /// The number export (Calling Plan rule)
    PhoneNumbers,
    EnterpriseVoiceEnabled,
    OnlineVoiceRoutingPolicy,
    /// Get-CsOnlineVoiceRoutingPolicy not given
    RoutingPolicies,
    /// The account's policy (own or Global) is not in that export
    RoutingPolicyNotListed,
    /// Get-CsOnlineVoiceRoute not given
    VoiceRoutes,
    /// TeamsSharedCallingRoutingPolicy not in the Get-CsOnlineUser export
    SharedCallingPolicyProperty,
    /// Get-CsTeamsSharedCallingRoutingPolicy not given
    SharedCallingPolicies,
    /// That export has no Global policy
    GlobalSharedCallingNotListed,
    /// Get-CsCallQueue not given
    CallQueues,
    /// A queue's agent list is capped, out of sync, or not exported
    CallQueueAgentsIncomplete,
}

impl Missing {
    /// What was missing, for the summary's rule note.
    pub fn text(self) -> &'static str {
        match self {
            Missing::PhoneNumbers => "the Get-CsPhoneNumberAssignment export was not given (the NumberType of each number)",
            Missing::EnterpriseVoiceEnabled => "EnterpriseVoiceEnabled is not in the Get-CsOnlineUser export",
            Missing::OnlineVoiceRoutingPolicy => "OnlineVoiceRoutingPolicy is not in the Get-CsOnlineUser export",
            Missing::RoutingPolicies => "the PSTN usages of the account's voice routing policy are unknown (the Global policy may hold some): the Get-CsOnlineVoiceRoutingPolicy export was not given",
            Missing::RoutingPolicyNotListed => "the account's voice routing policy is not in the Get-CsOnlineVoiceRoutingPolicy export",
            Missing::VoiceRoutes => "the number patterns of the policy's PSTN usages are unknown: the Get-CsOnlineVoiceRoute export was not given",
            Missing::SharedCallingPolicyProperty => "TeamsSharedCallingRoutingPolicy is not in the Get-CsOnlineUser export (a Shared Calling user has no number of its own)",
            Missing::SharedCallingPolicies => "the account's Shared Calling policy is Global, which may name a resource account: the Get-CsTeamsSharedCallingRoutingPolicy export was not given",
            Missing::GlobalSharedCallingNotListed => "the Get-CsTeamsSharedCallingRoutingPolicy export has no Global policy",
            Missing::CallQueues => "the account may be a call queue agent (agents need Teams Phone and voice, no number): the Get-CsCallQueue export was not given",
            Missing::CallQueueAgentsIncomplete => "the account may be an agent of a call queue whose agent list is incomplete",
        }
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
    /// Rules that could not decide for this account, and what each lacked (a rule may lack
    /// several things)
    pub undecided: Vec<(TeamsFindingCode, Missing)>,
    /// The account type the findings show (`ResourceAccount` when the application instance
    /// export says so)
    pub account_type: Option<AccountType>,
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

/// The policy an account's assignment resolves to: its own when named, else Global.
fn effective(p: Option<&PolicyAssignment>) -> (String, bool) {
    match p.map(|p| p.name.trim()).filter(|n| !is_global(n)) {
        Some(n) => (n.to_string(), false),
        None => ("Global".into(), true),
    }
}

/// How `policy` shows in evidence and messages: `'US-Local'`, or `Global (the account has none
/// of its own)`.
fn policy_label(name: &str, global: bool) -> String {
    if global {
        "Global (the account has none of its own)".into()
    } else {
        format!("'{name}'")
    }
}

/// What the voice routing of an account with a Calling Plan and only Direct Routing / Operator
/// Connect numbers leaves to the Calling Plan.
enum Routing<'a> {
    /// A voice route of the policy matches every number: no call reaches the Calling Plan.
    Everything {
        policy: String,
        global: bool,
        usages: Vec<String>,
        route: &'a VoiceRoute,
    },
    /// Only some numbers match a route (or the policy has no usage): the rest go out on the
    /// Calling Plan [Microsoft Learn, "Configure call routing for Direct Routing"].
    Partly {
        policy: String,
        global: bool,
        usages: Vec<String>,
        routes: Vec<&'a VoiceRoute>,
    },
    /// Not decidable from the exports given.
    Unknown {
        policy: Option<(String, bool)>,
        usages: Option<Vec<String>>,
        missing: Missing,
    },
}

fn routing_of<'a>(u: &CsOnlineUser, ctx: &'a Context) -> Routing<'a> {
    if !u.voice_routing_policy_exported {
        return Routing::Unknown {
            policy: None,
            usages: None,
            missing: Missing::OnlineVoiceRoutingPolicy,
        };
    }
    let (policy, global) = effective(u.voice_routing_policy.as_ref());
    let Some(policies) = &ctx.routing_policies else {
        return Routing::Unknown {
            policy: Some((policy, global)),
            usages: None,
            missing: Missing::RoutingPolicies,
        };
    };
    let Some(p) = policies.get(&policy_lookup(&policy)) else {
        return Routing::Unknown {
            policy: Some((policy, global)),
            usages: None,
            missing: Missing::RoutingPolicyNotListed,
        };
    };
    if p.usages.is_empty() {
        return Routing::Partly {
            policy,
            global,
            usages: Vec::new(),
            routes: Vec::new(),
        };
    }
    let Some(all) = &ctx.routes else {
        return Routing::Unknown {
            policy: Some((policy, global)),
            usages: Some(p.usages.clone()),
            missing: Missing::VoiceRoutes,
        };
    };
    let served: Vec<&VoiceRoute> = all
        .iter()
        .filter(|r| {
            r.usages
                .iter()
                .any(|x| p.usages.iter().any(|y| x.eq_ignore_ascii_case(y)))
        })
        .collect();
    match served.iter().find(|r| r.routes_everything()) {
        Some(route) => Routing::Everything {
            policy,
            global,
            usages: p.usages.clone(),
            route,
        },
        None => Routing::Partly {
            policy,
            global,
            usages: p.usages.clone(),
            routes: served,
        },
    }
}

/// Rule 2's verdict: whether a voice-enabled Teams Phone account with no number and no Calling
/// Plan can still place or receive a PSTN call some other way.
enum Reach {
    /// Some configuration carries its calls: not waste.
    InUse,
    /// Nothing found, but these could not be checked.
    Undecided(Vec<Missing>),
    /// Provably no PSTN call: the evidence of each check.
    None(Vec<TeamsEvidence>),
}

fn pstn_reach(u: &CsOnlineUser, ctx: &Context) -> Reach {
    let mut missing = Vec::new();
    let mut evidence = Vec::new();
    // Voice routing: a named policy counts as routing; Global only when it holds a PSTN usage.
    if !u.voice_routing_policy_exported {
        missing.push(Missing::OnlineVoiceRoutingPolicy);
    } else {
        let (name, global) = effective(u.voice_routing_policy.as_ref());
        if !global {
            return Reach::InUse;
        }
        evidence.push(TeamsEvidence::new(
            USER,
            "OnlineVoiceRoutingPolicy",
            shown(u.voice_routing_policy.as_ref().map(|p| p.name.as_str())),
        ));
        match ctx
            .routing_policies
            .as_ref()
            .map(|m| m.get(&policy_lookup(&name)))
        {
            None => missing.push(Missing::RoutingPolicies),
            Some(None) => missing.push(Missing::RoutingPolicyNotListed),
            Some(Some(p)) if !p.usages.is_empty() => return Reach::InUse,
            Some(Some(_)) => evidence.push(TeamsEvidence::new(
                ROUTING_POLICIES,
                "OnlinePstnUsages Global",
                "(none)",
            )),
        }
    }
    // Shared Calling: the user calls out with a resource account's number, has none of its own.
    if !u.shared_calling_policy_exported {
        missing.push(Missing::SharedCallingPolicyProperty);
    } else {
        let (_, global) = effective(u.shared_calling_policy.as_ref());
        if !global {
            return Reach::InUse;
        }
        evidence.push(TeamsEvidence::new(
            USER,
            "TeamsSharedCallingRoutingPolicy",
            shown(u.shared_calling_policy.as_ref().map(|p| p.name.as_str())),
        ));
        match ctx
            .shared_calling
            .as_ref()
            .map(|m| m.get(&policy_lookup("Global")))
        {
            None => missing.push(Missing::SharedCallingPolicies),
            Some(None) => missing.push(Missing::GlobalSharedCallingNotListed),
            Some(Some(p)) if p.resource_account.is_some() => return Reach::InUse,
            Some(Some(_)) => evidence.push(TeamsEvidence::new(
                SHARED_CALLING,
                "ResourceAccount Global",
                "(not set)",
            )),
        }
    }
    // Call queues: an agent takes PSTN calls the queue's resource account receives.
    match &ctx.queues {
        None => missing.push(Missing::CallQueues),
        Some(_) if ctx.queue_of(u).is_some() => return Reach::InUse,
        Some(q) if q.list.iter().any(|x| x.incomplete().is_some()) => {
            missing.push(Missing::CallQueueAgentsIncomplete)
        }
        Some(q) => evidence.push(TeamsEvidence::new(
            QUEUES,
            "Agents",
            format!("(not an agent of any of {} call queue(s))", q.list.len()),
        )),
    }
    if missing.is_empty() {
        Reach::None(evidence)
    } else {
        Reach::Undecided(missing)
    }
}

/// Where an account stands, which decides the rules that look at it. Told in this order: a
/// retired guest is retired, a guest is never a resource account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// Soft-deleted, or disabled and not a resource account: what it still holds that costs
    /// money can be given back. A resource account is a disabled user object by design
    /// (Microsoft Learn, "Manage resource accounts"): disabled, it is in service; soft-deleted,
    /// it is not.
    Retired,
    /// No rule applies to it.
    NotEvaluated(NotEvaluated),
    ResourceAccount,
    User,
}

/// The accounts a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Retired,
    /// Users and resource accounts in service
    InService,
    ResourceAccounts,
    Users,
}

impl Scope {
    fn covers(self, standing: Standing) -> bool {
        matches!(
            (self, standing),
            (Scope::Retired, Standing::Retired)
                | (Scope::InService, Standing::ResourceAccount | Standing::User)
                | (Scope::ResourceAccounts, Standing::ResourceAccount)
                | (Scope::Users, Standing::User)
        )
    }
}

/// What the rules read of one account, worked out once for all of them.
struct Account<'a> {
    user: &'a CsOnlineUser,
    /// The one classification of accounts (`m365`), as `uc count` makes it
    kind: AccountKind,
    /// In the Get-CsOnlineApplicationInstance export
    listed_app: bool,
    numbers: Vec<&'a PhoneNumberAssignment>,
    line_uri: Option<&'a str>,
    has_number: bool,
    /// Teams Phone in Enabled or Warning state
    phone: Vec<&'a AssignedPlan>,
    /// Teams Phone Suspended or LockedOut: still assigned
    phone_stopped: Vec<&'a AssignedPlan>,
    virtual_user: Vec<&'a AssignedPlan>,
    calling: Vec<&'a AssignedPlan>,
}

impl<'a> Account<'a> {
    fn new(u: &'a CsOnlineUser, ctx: &'a Context) -> Account<'a> {
        let listed_app = ctx.is_resource_account(u);
        let numbers = ctx.numbers_of(u);
        let line_uri = u
            .line_uri
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty());
        Account {
            user: u,
            kind: u.account_kind(listed_app),
            listed_app,
            has_number: line_uri.is_some() || !numbers.is_empty(),
            numbers,
            line_uri,
            phone: plans(u, TeamsPlanFamily::TeamsPhone, ACTIVE),
            phone_stopped: plans(u, TeamsPlanFamily::TeamsPhone, STOPPED),
            virtual_user: plans(u, TeamsPlanFamily::TeamsPhoneResourceAccount, ACTIVE),
            calling: plans(u, TeamsPlanFamily::CallingPlan, ACTIVE),
        }
    }

    fn is_resource_account(&self) -> bool {
        matches!(self.kind, AccountKind::ResourceAccount(_))
    }

    fn standing(&self) -> Standing {
        let u = self.user;
        if u.soft_deletion_timestamp.is_some()
            || (u.account_enabled == Some(false) && !self.is_resource_account())
        {
            Standing::Retired
        } else if matches!(self.kind, AccountKind::Guest(_)) {
            Standing::NotEvaluated(NotEvaluated::Guest)
        } else if u.account_type.as_ref().and_then(AccountType::known)
            == Some(KnownAccountType::SfBOnPremUser)
        {
            Standing::NotEvaluated(NotEvaluated::SfBOnPremUser)
        } else if self.is_resource_account() {
            Standing::ResourceAccount
        } else {
            Standing::User
        }
    }

    fn voice(&self) -> Option<bool> {
        self.user.enterprise_voice_enabled
    }

    fn voice_evidence(&self) -> TeamsEvidence {
        TeamsEvidence::new(USER, "EnterpriseVoiceEnabled", bool_text(self.voice()))
    }

    /// The LineUri and the NumberType of each number assigned.
    fn number_evidence(&self, out: &mut Vec<TeamsEvidence>) {
        out.push(TeamsEvidence::new(USER, "LineUri", shown(self.line_uri)));
        for n in &self.numbers {
            out.push(TeamsEvidence::new(
                NUMBERS,
                format!("NumberType {}", n.telephone_number),
                shown(n.number_type.as_ref().map(|t| t.text())),
            ));
        }
    }

    /// A Teams Rooms licence carries its own Teams Phone plan, which cannot be removed on its
    /// own.
    fn is_room(&self) -> bool {
        !plans(self.user, TeamsPlanFamily::TeamsRooms, ACTIVE).is_empty()
            || self
                .user
                .feature_types
                .iter()
                .flatten()
                .any(|f| crate::model::text::starts_with_ci(f, "TeamsRoom"))
    }
}

/// A rule: the finding codes it writes (and counts undecided), the accounts it looks at, and
/// its check.
struct Rule {
    codes: &'static [TeamsFindingCode],
    scope: Scope,
    check: fn(&Account, &Context, &mut Evaluation),
}

/// Every rule, in the order they run: the order of `Evaluation::undecided` (findings are sorted
/// by code). A new rule is a function and a row here.
const RULES: &[Rule] = &[
    Rule {
        codes: &[
            TeamsFindingCode::DisabledAccountPaidPlans,
            TeamsFindingCode::DeletedAccountPaidPlans,
        ],
        scope: Scope::Retired,
        check: retired_account_paid_plans,
    },
    Rule {
        codes: &[TeamsFindingCode::LicenseNotActiveVoiceEnabled],
        scope: Scope::InService,
        check: license_not_active_voice_enabled,
    },
    Rule {
        codes: &[
            TeamsFindingCode::CallingPlanOnDirectRouting,
            TeamsFindingCode::CallingPlanBesideDirectRouting,
        ],
        scope: Scope::InService,
        check: calling_plan_on_direct_routing,
    },
    Rule {
        codes: &[TeamsFindingCode::ResourceAccountUserPhoneLicense],
        scope: Scope::ResourceAccounts,
        check: resource_account_user_phone_license,
    },
    Rule {
        codes: &[TeamsFindingCode::VoiceWithoutPhoneLicense],
        scope: Scope::ResourceAccounts,
        check: resource_account_without_its_licence,
    },
    Rule {
        codes: &[TeamsFindingCode::VoiceWithoutPhoneLicense],
        scope: Scope::Users,
        check: voice_without_phone_license,
    },
    Rule {
        codes: &[TeamsFindingCode::PhoneLicenseVoiceDisabled],
        scope: Scope::Users,
        check: phone_license_voice_disabled,
    },
    Rule {
        codes: &[TeamsFindingCode::PhoneLicenseNoNumberNoRouting],
        scope: Scope::Users,
        check: phone_license_no_number_no_routing,
    },
];

pub fn evaluate(u: &CsOnlineUser, ctx: &Context) -> Evaluation {
    let account = Account::new(u, ctx);
    let mut e = Evaluation {
        account_type: if account.is_resource_account() {
            Some(AccountType::Known(KnownAccountType::ResourceAccount))
        } else {
            u.account_type.clone()
        },
        ..Evaluation::default()
    };
    let standing = account.standing();
    if let Standing::NotEvaluated(why) = standing {
        e.not_evaluated = Some(why);
        return e;
    }
    for rule in RULES.iter().filter(|r| r.scope.covers(standing)) {
        let (hits, undecided) = (e.hits.len(), e.undecided.len());
        (rule.check)(&account, ctx, &mut e);
        // The table names what each rule writes: keep it true.
        debug_assert!(e.hits[hits..]
            .iter()
            .map(|h| h.code)
            .chain(e.undecided[undecided..].iter().map(|u| u.0))
            .all(|c| rule.codes.contains(&c)));
    }
    e.hits.sort_by_key(|h| h.code);
    e
}

/// A deleted or disabled account still holding paid plans: they can be given back.
fn retired_account_paid_plans(a: &Account, _: &Context, e: &mut Evaluation) {
    let u = a.user;
    let paid: Vec<&AssignedPlan> = u
        .assigned_plans
        .iter()
        .flatten()
        .filter(|p| {
            ACTIVE.contains(&p.state()) && TeamsPlanFamily::of(&p.capability).paid(&p.capability)
        })
        .collect();
    if paid.is_empty() {
        return;
    }
    let deleted = u.soft_deletion_timestamp.is_some();
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

/// Risk: voice still on while the licence behind it is in grace or stopped.
fn license_not_active_voice_enabled(a: &Account, _: &Context, e: &mut Evaluation) {
    let mut at_risk = plans(a.user, TeamsPlanFamily::TeamsPhone, AT_RISK);
    at_risk.extend(plans(a.user, TeamsPlanFamily::CallingPlan, AT_RISK));
    if a.voice() != Some(true) || at_risk.is_empty() {
        return;
    }
    let mut evidence = vec![a.voice_evidence()];
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

/// A Calling Plan while the numbers come from Direct Routing / Operator Connect (users and
/// resource accounts alike). The Calling Plan is the last route of every outbound call no
/// Direct Routing voice route matches, so it is waste only when a route of the account's
/// policy matches every number; otherwise it is a review item.
fn calling_plan_on_direct_routing(a: &Account, ctx: &Context, e: &mut Evaluation) {
    if a.calling.is_empty() {
        return;
    }
    if !ctx.numbers_given {
        e.undecided.push((
            TeamsFindingCode::CallingPlanOnDirectRouting,
            Missing::PhoneNumbers,
        ));
        return;
    }
    let outside = |n: &&PhoneNumberAssignment| {
        n.number_type
            .as_ref()
            .is_some_and(|t| t.outside_calling_plan())
    };
    if a.numbers.is_empty() || !a.numbers.iter().all(outside) {
        return;
    }
    let kinds = a
        .numbers
        .iter()
        .map(|n| n.number_type.as_ref().map(|t| t.text()).unwrap_or(""))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(" or ");
    let u = a.user;
    let mut evidence = Vec::new();
    a.number_evidence(&mut evidence);
    evidence.extend(a.calling.iter().map(|p| plan_evidence(p)));
    evidence.push(TeamsEvidence::new(
        USER,
        "OnlineVoiceRoutingPolicy",
        if u.voice_routing_policy_exported {
            shown(u.voice_routing_policy.as_ref().map(|p| p.name.as_str()))
        } else {
            "(not exported)".into()
        },
    ));
    let hit = match routing_of(u, ctx) {
        Routing::Everything {
            policy,
            global,
            usages,
            route,
        } => routed_everywhere(a, &kinds, &policy, global, &usages, route, evidence),
        Routing::Partly {
            policy,
            global,
            usages,
            routes,
        } => routed_partly(a, &kinds, &policy, global, &usages, &routes, evidence),
        Routing::Unknown {
            policy,
            usages,
            missing,
        } => {
            e.undecided
                .push((TeamsFindingCode::CallingPlanOnDirectRouting, missing));
            routing_unknown(a, &kinds, policy, usages, missing, evidence)
        }
    };
    e.hits.push(hit);
}

/// A voice route of the policy matches every number: the Calling Plan carries no call.
fn routed_everywhere(
    a: &Account,
    kinds: &str,
    policy: &str,
    global: bool,
    usages: &[String],
    route: &VoiceRoute,
    mut evidence: Vec<TeamsEvidence>,
) -> Hit {
    evidence.push(TeamsEvidence::new(
        ROUTING_POLICIES,
        format!("OnlinePstnUsages {policy}"),
        usages.join(", "),
    ));
    evidence.push(TeamsEvidence::new(
        ROUTES,
        format!("NumberPattern {}", route.identity),
        shown(route.number_pattern.as_deref()),
    ));
    evidence.push(TeamsEvidence::new(
        ROUTES,
        format!("OnlinePstnGatewayList {}", route.identity),
        route.gateways.join(", "),
    ));
    Hit {
        code: TeamsFindingCode::CallingPlanOnDirectRouting,
        plans: names(&a.calling),
        reclaimable: names(&a.calling),
        message: format!(
            "holds a Calling Plan but every number is {kinds} and voice routing policy {} sends every dialled number to Direct Routing (route '{}', pattern {}): the Calling Plan carries no call; reclaim it",
            policy_label(policy, global),
            route.identity,
            shown(route.number_pattern.as_deref())
        ),
        evidence,
    }
}

/// Only some numbers match a route (or the policy has no usage): a review item.
fn routed_partly(
    a: &Account,
    kinds: &str,
    policy: &str,
    global: bool,
    usages: &[String],
    routes: &[&VoiceRoute],
    mut evidence: Vec<TeamsEvidence>,
) -> Hit {
    evidence.push(TeamsEvidence::new(
        ROUTING_POLICIES,
        format!("OnlinePstnUsages {policy}"),
        if usages.is_empty() {
            "(none)".to_string()
        } else {
            usages.join(", ")
        },
    ));
    for r in routes {
        evidence.push(TeamsEvidence::new(
            ROUTES,
            format!("NumberPattern {}", r.identity),
            shown(r.number_pattern.as_deref()),
        ));
    }
    let patterns: Vec<String> = routes
        .iter()
        .filter(|r| !r.gateways.is_empty())
        .filter_map(|r| r.number_pattern.clone())
        .collect();
    let what = if usages.is_empty() {
        "holds no PSTN usage, so every outbound call goes out on the Calling Plan".to_string()
    } else if patterns.is_empty() {
        format!(
            "has PSTN usages ({}) that no voice route with a gateway serves, so every outbound call goes out on the Calling Plan",
            usages.join(", ")
        )
    } else {
        format!(
            "routes only numbers matching {}: calls no route matches go out on the Calling Plan",
            patterns.join(", ")
        )
    };
    Hit {
        code: TeamsFindingCode::CallingPlanBesideDirectRouting,
        plans: names(&a.calling),
        reclaimable: Vec::new(),
        message: format!(
            "holds a Calling Plan beside {kinds} numbers; voice routing policy {} {what}. The Calling Plan may be in use: review before removing it",
            policy_label(policy, global)
        ),
        evidence,
    }
}

/// The exports given do not tell whether the policy routes every number: a review item naming
/// what was missing.
fn routing_unknown(
    a: &Account,
    kinds: &str,
    policy: Option<(String, bool)>,
    usages: Option<Vec<String>>,
    missing: Missing,
    mut evidence: Vec<TeamsEvidence>,
) -> Hit {
    if let (Some((name, _)), Some(usages)) = (&policy, &usages) {
        evidence.push(TeamsEvidence::new(
            ROUTING_POLICIES,
            format!("OnlinePstnUsages {name}"),
            usages.join(", "),
        ));
    }
    Hit {
        code: TeamsFindingCode::CallingPlanBesideDirectRouting,
        plans: names(&a.calling),
        reclaimable: Vec::new(),
        message: format!(
            "holds a Calling Plan beside {kinds} numbers; whether voice routing policy {} routes every number is not known ({}), and calls no route matches go out on the Calling Plan. The Calling Plan may be in use: review before removing it",
            match &policy {
                Some((name, global)) => policy_label(name, *global),
                None => "(not exported)".into(),
            },
            missing.text()
        ),
        evidence,
    }
}

/// A resource account holding a user Teams Phone licence instead of its free one.
fn resource_account_user_phone_license(a: &Account, _: &Context, e: &mut Evaluation) {
    if a.phone.is_empty() {
        return;
    }
    let u = a.user;
    // What told this is a resource account.
    let (source, property, value) = match a.kind {
        _ if a.listed_app => (APPS, "UserPrincipalName", u.user_principal_name.clone()),
        AccountKind::ResourceAccount(KindVia::InterpretedUserType) => (
            USER,
            "InterpretedUserType",
            shown(u.interpreted_user_type.as_deref()),
        ),
        AccountKind::ResourceAccount(KindVia::VoiceApp) => {
            (USER, "FeatureTypes", "VoiceApp".to_string())
        }
        AccountKind::ResourceAccount(KindVia::VirtualUserPlan) => {
            (USER, "AssignedPlan", "MCOEV_VIRTUALUSER".to_string())
        }
        _ => (
            USER,
            "AccountType",
            shown(u.account_type.as_ref().map(AccountType::as_str)),
        ),
    };
    let mut evidence = vec![TeamsEvidence::new(source, property, value)];
    evidence.extend(a.phone.iter().map(|p| plan_evidence(p)));
    e.hits.push(Hit {
        code: TeamsFindingCode::ResourceAccountUserPhoneLicense,
        plans: names(&a.phone),
        reclaimable: names(&a.phone),
        message: "a resource account holds a user Teams Phone licence: assign the free Microsoft Teams Phone Resource Account licence (MCOEV_VIRTUALUSER) instead".into(),
        evidence,
    });
}

/// Broken: a resource account with a number and no Teams Phone licence of either kind.
fn resource_account_without_its_licence(a: &Account, _: &Context, e: &mut Evaluation) {
    if !a.phone.is_empty()
        || !a.has_number
        || !a.virtual_user.is_empty()
        || !a.phone_stopped.is_empty()
    {
        return;
    }
    let mut evidence = Vec::new();
    a.number_evidence(&mut evidence);
    e.hits.push(Hit {
        code: TeamsFindingCode::VoiceWithoutPhoneLicense,
        plans: Vec::new(),
        reclaimable: Vec::new(),
        message: "a resource account has a phone number but no Teams Phone Resource Account licence (MCOEV_VIRTUALUSER): calls to it fail".into(),
        evidence,
    });
}

/// Broken: voice configured, no Teams Phone at all.
fn voice_without_phone_license(a: &Account, _: &Context, e: &mut Evaluation) {
    if !a.phone.is_empty() || !a.phone_stopped.is_empty() {
        return;
    }
    let voice = a.voice() == Some(true);
    if !voice && !a.has_number {
        if a.voice().is_none() {
            e.undecided.push((
                TeamsFindingCode::VoiceWithoutPhoneLicense,
                Missing::EnterpriseVoiceEnabled,
            ));
        }
        return;
    }
    let mut evidence = vec![a.voice_evidence()];
    a.number_evidence(&mut evidence);
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
            match (voice, a.has_number) {
                (true, true) => "enabled for voice with a number",
                (true, false) => "enabled for voice",
                _ => "holds a phone number",
            }
        ),
        evidence,
    });
}

/// Waste: Teams Phone on an account not enabled for voice (a room's own plan excepted).
fn phone_license_voice_disabled(a: &Account, _: &Context, e: &mut Evaluation) {
    if a.phone.is_empty() || a.is_room() {
        return;
    }
    match a.voice() {
        Some(false) => {
            let mut evidence = vec![a.voice_evidence()];
            evidence.extend(a.phone.iter().map(|p| plan_evidence(p)));
            e.hits.push(Hit {
                code: TeamsFindingCode::PhoneLicenseVoiceDisabled,
                plans: names(&a.phone),
                reclaimable: names(&a.phone),
                message: "licensed for Teams Phone but not enabled for voice: enable voice or reclaim the licence".into(),
                evidence,
            });
        }
        None => e.undecided.push((
            TeamsFindingCode::PhoneLicenseVoiceDisabled,
            Missing::EnterpriseVoiceEnabled,
        )),
        Some(true) => {}
    }
}

/// Waste: Teams Phone enabled for voice with no way to place or receive a PSTN call (no number,
/// no Calling Plan, nothing in `pstn_reach`); a room's own plan excepted.
fn phone_license_no_number_no_routing(a: &Account, ctx: &Context, e: &mut Evaluation) {
    if a.phone.is_empty()
        || a.voice() != Some(true)
        || a.has_number
        || !a.calling.is_empty()
        || a.is_room()
    {
        return;
    }
    match pstn_reach(a.user, ctx) {
        Reach::InUse => {}
        Reach::Undecided(missing) => e.undecided.extend(
            missing
                .into_iter()
                .map(|m| (TeamsFindingCode::PhoneLicenseNoNumberNoRouting, m)),
        ),
        Reach::None(reach) => {
            let mut evidence = vec![a.voice_evidence()];
            a.number_evidence(&mut evidence);
            evidence.push(TeamsEvidence::new(
                USER,
                "AssignedPlan MCOPSTN*",
                "(none enabled)",
            ));
            evidence.extend(reach);
            evidence.extend(a.phone.iter().map(|p| plan_evidence(p)));
            e.hits.push(Hit {
                code: TeamsFindingCode::PhoneLicenseNoNumberNoRouting,
                plans: names(&a.phone),
                reclaimable: names(&a.phone),
                message: "enabled for voice with no number, no Calling Plan, no PSTN usage in its voice routing policy (Global, which holds none), no Shared Calling policy and no call queue to answer: no PSTN call can be made or received; finish the setup or reclaim the licence".into(),
                evidence,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::inputs::NumberType;
    use super::*;

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
            shared_calling_policy_exported: true,
            ..CsOnlineUser::test_user("a@contoso.com")
        }
    }

    fn codes(e: &Evaluation) -> Vec<TeamsFindingCode> {
        e.hits.iter().map(|h| h.code).collect()
    }

    fn policy(name: &str) -> Option<PolicyAssignment> {
        Some(PolicyAssignment {
            name: name.into(),
            authority: Some("Tenant".into()),
        })
    }

    fn routing_policy(identity: &str, usages: &[&str]) -> VoiceRoutingPolicy {
        VoiceRoutingPolicy {
            identity: identity.into(),
            usages: usages.iter().map(|u| u.to_string()).collect(),
        }
    }

    fn route(identity: &str, pattern: &str, usages: &[&str]) -> VoiceRoute {
        VoiceRoute {
            identity: identity.into(),
            number_pattern: Some(pattern.into()),
            usages: usages.iter().map(|u| u.to_string()).collect(),
            gateways: vec!["sbc1.contoso.com".into()],
            priority: Some(1),
        }
    }

    fn shared_global(resource_account: Option<&str>) -> SharedCallingPolicy {
        SharedCallingPolicy {
            identity: "Global".into(),
            resource_account: resource_account.map(Into::into),
            emergency_numbers: Vec::new(),
        }
    }

    fn queue(name: &str, agents: &[&str]) -> CallQueue {
        CallQueue {
            identity: format!("{name}-id"),
            name: Some(name.into()),
            agents: Some(agents.iter().map(|a| a.to_string()).collect()),
            users: Vec::new(),
            distribution_lists: Vec::new(),
            channel_id: None,
            agents_capped: Some(false),
            agents_in_sync: Some(true),
        }
    }

    /// Every export rule 2 reads, saying nothing carries PSTN calls: Global holds no usage,
    /// Global Shared Calling names no resource account, one queue whose agent is someone else.
    fn no_pstn_ctx() -> Context {
        let mut ctx = Context::default();
        ctx.add_routing_policies(vec![
            routing_policy("Global", &[]),
            routing_policy("US-Local", &["Local"]),
        ]);
        ctx.add_shared_calling_policies(vec![shared_global(None)]);
        ctx.add_call_queues(vec![queue(
            "Support",
            &["6f1c1e2a-0000-4000-8000-0000000000ff"],
        )]);
        ctx
    }

    fn dr_number(target: &str) -> PhoneNumberAssignment {
        PhoneNumberAssignment {
            telephone_number: "+14255550100".into(),
            number_type: Some(NumberType::DirectRouting),
            assigned_pstn_target_id: Some(target.into()),
            pstn_assignment_status: Some("UserAssigned".into()),
        }
    }

    const ALICE: &str = "6f1c1e2a-0000-4000-8000-000000000001";

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
    fn voice_with_no_number_and_no_routing_is_waste_only_when_every_path_is_closed() {
        let u = user(Some(true), None, vec![plan("MCOEV", "Enabled")]);
        let e = evaluate(&u, &no_pstn_ctx());
        assert_eq!(codes(&e), [PhoneLicenseNoNumberNoRouting]);
        assert_eq!(e.hits[0].reclaimable, ["MCOEV"]);
        let ev = &e.hits[0].evidence;
        for (source, property, value) in [
            (ROUTING_POLICIES, "OnlinePstnUsages Global", "(none)"),
            (SHARED_CALLING, "ResourceAccount Global", "(not set)"),
            (QUEUES, "Agents", "(not an agent of any of 1 call queue(s))"),
        ] {
            assert!(
                ev.iter()
                    .any(|x| x.source == source && x.property == property && x.value == value),
                "{property}: {ev:?}"
            );
        }
        // A named routing policy routes (as before); a number is not "no number".
        let mut routed = u.clone();
        routed.voice_routing_policy = policy("US-Route");
        assert!(evaluate(&routed, &no_pstn_ctx()).hits.is_empty());
        let mut numbered = u.clone();
        numbered.line_uri = Some("tel:+14255550100".into());
        assert!(evaluate(&numbered, &no_pstn_ctx()).hits.is_empty());
    }

    #[test]
    fn shared_calling_user_without_a_number_is_not_waste() {
        // The issue's case: Teams Phone + voice enabled + no number + a Shared Calling policy.
        let mut u = user(Some(true), None, vec![plan("MCOEV", "Enabled")]);
        u.shared_calling_policy = policy("SharedCalling-Seattle");
        for ctx in [no_pstn_ctx(), Context::default()] {
            let e = evaluate(&u, &ctx);
            assert!(e.hits.is_empty(), "{:?}", codes(&e));
            assert!(e.undecided.is_empty(), "decided: {:?}", e.undecided);
        }
        // Shared Calling granted to everyone (-Global): the Global instance names the account.
        let u = user(Some(true), None, vec![plan("MCOEV", "Enabled")]);
        let mut ctx = no_pstn_ctx();
        ctx.shared_calling = None;
        ctx.add_shared_calling_policies(vec![shared_global(Some("main-aa@contoso.com"))]);
        let e = evaluate(&u, &ctx);
        assert!(e.hits.is_empty() && e.undecided.is_empty());
    }

    #[test]
    fn a_global_routing_policy_with_pstn_usages_routes() {
        let u = user(Some(true), None, vec![plan("MCOEV", "Enabled")]);
        let mut ctx = no_pstn_ctx();
        ctx.routing_policies = None;
        ctx.add_routing_policies(vec![routing_policy("Global", &["International"])]);
        let e = evaluate(&u, &ctx);
        assert!(e.hits.is_empty() && e.undecided.is_empty());
        // "Global" written out, or Tag:Global, is still Global.
        let mut named_global = u.clone();
        named_global.voice_routing_policy = policy("Global");
        assert!(evaluate(&named_global, &ctx).hits.is_empty());
    }

    #[test]
    fn a_call_queue_agent_is_not_waste() {
        let u = user(Some(true), None, vec![plan("MCOEV", "Enabled")]);
        let mut ctx = no_pstn_ctx();
        ctx.add_call_queues(vec![queue("Sales", &[ALICE])]);
        let e = evaluate(&u, &ctx);
        assert!(e.hits.is_empty() && e.undecided.is_empty());
        // Named one by one in Users (braces and case as exported), not in Agents.
        let mut ctx = no_pstn_ctx();
        let mut q = queue("Front desk", &[]);
        q.users = vec![normal_id("{6F1C1E2A-0000-4000-8000-000000000001}")];
        ctx.add_call_queues(vec![q]);
        assert!(evaluate(&u, &ctx).hits.is_empty());
    }

    #[test]
    fn each_missing_export_or_property_is_undecided_and_named() {
        let u = user(Some(true), None, vec![plan("MCOEV", "Enabled")]);
        let undecided = |u: &CsOnlineUser, ctx: &Context| {
            let e = evaluate(u, ctx);
            assert!(e.hits.is_empty(), "never guessed: {:?}", codes(&e));
            e.undecided
                .iter()
                .map(|(c, m)| {
                    assert_eq!(*c, PhoneLicenseNoNumberNoRouting);
                    *m
                })
                .collect::<Vec<_>>()
        };
        // No export at all: the three of them named.
        assert_eq!(
            undecided(&u, &Context::default()),
            [
                Missing::RoutingPolicies,
                Missing::SharedCallingPolicies,
                Missing::CallQueues
            ]
        );
        // Each export alone missing.
        let mut ctx = no_pstn_ctx();
        ctx.routing_policies = None;
        assert_eq!(undecided(&u, &ctx), [Missing::RoutingPolicies]);
        let mut ctx = no_pstn_ctx();
        ctx.shared_calling = None;
        assert_eq!(undecided(&u, &ctx), [Missing::SharedCallingPolicies]);
        let mut ctx = no_pstn_ctx();
        ctx.queues = None;
        assert_eq!(undecided(&u, &ctx), [Missing::CallQueues]);
        // The properties missing from Get-CsOnlineUser.
        let mut bare = u.clone();
        bare.voice_routing_policy_exported = false;
        bare.shared_calling_policy_exported = false;
        assert_eq!(
            undecided(&bare, &no_pstn_ctx()),
            [
                Missing::OnlineVoiceRoutingPolicy,
                Missing::SharedCallingPolicyProperty
            ]
        );
        // Exports without their Global policy.
        let mut ctx = no_pstn_ctx();
        ctx.routing_policies = None;
        ctx.add_routing_policies(vec![routing_policy("US-Local", &["Local"])]);
        ctx.shared_calling = None;
        ctx.add_shared_calling_policies(Vec::new());
        assert_eq!(
            undecided(&u, &ctx),
            [
                Missing::RoutingPolicyNotListed,
                Missing::GlobalSharedCallingNotListed
            ]
        );
        // A queue whose agent list the service capped may hide this account.
        let mut ctx = no_pstn_ctx();
        let mut capped = queue("Big queue", &[]);
        capped.agents_capped = Some(true);
        ctx.add_call_queues(vec![capped]);
        assert_eq!(undecided(&u, &ctx), [Missing::CallQueueAgentsIncomplete]);
        assert_eq!(ctx.incomplete_queues(), ["Big queue: AgentsCapped is True"]);
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
        assert_eq!(
            e.undecided,
            [(CallingPlanOnDirectRouting, Missing::PhoneNumbers)]
        );
        // A Calling Plan number: the plan serves it, nothing to say.
        let mut ctx = Context::default();
        ctx.add_number(PhoneNumberAssignment {
            telephone_number: "+14255550100".into(),
            number_type: Some(NumberType::CallingPlan),
            assigned_pstn_target_id: None,
            pstn_assignment_status: None,
        });
        let e = evaluate(&u, &ctx);
        assert!(e.hits.is_empty() && e.undecided.is_empty());
    }

    /// A user with a Direct Routing number and MCOPSTN2 whose policy is `policy`.
    fn dr_calling_plan_user(policy_name: Option<&str>) -> CsOnlineUser {
        let mut u = user(
            Some(true),
            Some("tel:+14255550100"),
            vec![plan("MCOEV", "Enabled"), plan("MCOPSTN2", "Enabled")],
        );
        u.voice_routing_policy = policy_name.and_then(policy);
        u
    }

    fn routing_ctx(routes: Vec<VoiceRoute>) -> Context {
        let mut ctx = Context::default();
        ctx.add_number(dr_number(ALICE));
        ctx.add_routing_policies(vec![
            routing_policy("Global", &[]),
            routing_policy("Tag:US-Local", &["Local"]),
            routing_policy("No Restrictions", &["Local", "International"]),
        ]);
        ctx.add_routes(routes);
        ctx
    }

    #[test]
    fn calling_plan_beside_a_local_only_routing_policy_is_a_review_item_not_waste() {
        // The issue's case: DR number + MCOPSTN2 + a local-only routing policy.
        let ctx = routing_ctx(vec![route("Redmond", r"^\+1425\d{7}$", &["Local"])]);
        let e = evaluate(&dr_calling_plan_user(Some("US-Local")), &ctx);
        assert_eq!(codes(&e), [CallingPlanBesideDirectRouting]);
        assert_eq!(
            CallingPlanBesideDirectRouting.severity(),
            crate::model::teams::TeamsSeverity::Info
        );
        let h = &e.hits[0];
        assert!(h.reclaimable.is_empty(), "nothing reclaimable");
        assert_eq!(h.plans, ["MCOPSTN2"]);
        assert!(h.message.contains("'US-Local'"), "{}", h.message);
        assert!(h.message.contains(r"^\+1425\d{7}$"), "{}", h.message);
        assert!(
            h.message
                .contains("calls no route matches go out on the Calling Plan"),
            "{}",
            h.message
        );
        assert!(h.evidence.iter().any(|x| x.source == ROUTES
            && x.property == "NumberPattern Redmond"
            && x.value == r"^\+1425\d{7}$"));
        assert!(e.undecided.is_empty(), "decided: it is a review item");
        // A policy with no PSTN usage sends every call out on the Calling Plan.
        let e = evaluate(&dr_calling_plan_user(None), &ctx);
        assert_eq!(codes(&e), [CallingPlanBesideDirectRouting]);
        assert!(
            e.hits[0].message.contains("Global"),
            "{}",
            e.hits[0].message
        );
        assert!(e.hits[0].message.contains("holds no PSTN usage"));
    }

    #[test]
    fn calling_plan_is_waste_only_behind_a_catch_all_route() {
        let ctx = routing_ctx(vec![
            route("Redmond", r"^\+1425\d{7}$", &["Local"]),
            route("Everything", "^(.*)$", &["International"]),
        ]);
        let e = evaluate(&dr_calling_plan_user(Some("No Restrictions")), &ctx);
        assert_eq!(codes(&e), [CallingPlanOnDirectRouting]);
        assert_eq!(e.hits[0].reclaimable, ["MCOPSTN2"]);
        assert!(e.hits[0].message.contains("'Everything'"));
        assert!(e.hits[0]
            .evidence
            .iter()
            .any(|x| x.property == "NumberPattern Everything" && x.value == "^(.*)$"));
        // The same catch-all pattern without a gateway routes nothing provably.
        let mut gateless = route("Everything", ".*", &["International"]);
        gateless.gateways.clear();
        let ctx = routing_ctx(vec![gateless]);
        assert_eq!(
            codes(&evaluate(
                &dr_calling_plan_user(Some("No Restrictions")),
                &ctx
            )),
            [CallingPlanBesideDirectRouting]
        );
        // The catch-all route serves a usage this policy does not hold: not this user's.
        let ctx = routing_ctx(vec![route("Everything", ".*", &["International"])]);
        assert_eq!(
            codes(&evaluate(&dr_calling_plan_user(Some("US-Local")), &ctx)),
            [CallingPlanBesideDirectRouting]
        );
    }

    #[test]
    fn calling_plan_routing_unknown_is_info_and_undecided_naming_the_export() {
        let u = dr_calling_plan_user(Some("US-Local"));
        let check = |ctx: &Context, missing: Missing| {
            let e = evaluate(&u, ctx);
            assert_eq!(codes(&e), [CallingPlanBesideDirectRouting], "{missing:?}");
            assert!(e.hits[0].reclaimable.is_empty());
            assert!(
                e.hits[0].message.contains(missing.text()),
                "{}",
                e.hits[0].message
            );
            assert_eq!(e.undecided, [(CallingPlanOnDirectRouting, missing)]);
        };
        // Numbers only: neither routing export.
        let mut ctx = Context::default();
        ctx.add_number(dr_number(ALICE));
        check(&ctx, Missing::RoutingPolicies);
        // Policies but no routes.
        let mut ctx = routing_ctx(Vec::new());
        ctx.routes = None;
        check(&ctx, Missing::VoiceRoutes);
        // The user's policy is not in the export.
        let mut ctx = routing_ctx(vec![route("Everything", ".*", &["Local"])]);
        ctx.routing_policies = None;
        ctx.add_routing_policies(vec![routing_policy("Global", &[])]);
        check(&ctx, Missing::RoutingPolicyNotListed);
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
        assert_eq!(
            e.account_type,
            Some(AccountType::Known(KnownAccountType::ResourceAccount))
        );
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
                plan("MCOEV_VIRTUALUSER", "Deleted"),
                plan("Teams_Room_Basic", "Enabled"),
                plan("MCOPSTN2", "Deleted"),
            ],
        );
        u.account_enabled = Some(false);
        let e = evaluate(&u, &Context::default());
        assert_eq!(codes(&e), [DisabledAccountPaidPlans]);
        assert_eq!(e.hits[0].reclaimable, ["MCOEV"]);
        // An enabled MCOEV_VIRTUALUSER plan makes it a resource account (as `uc count` says:
        // `CsOnlineUser::account_kind`), disabled by design and in service.
        let mut ra = u.clone();
        ra.assigned_plans = Some(vec![
            plan("MCOEV", "Enabled"),
            plan("MCOEV_VIRTUALUSER", "Enabled"),
        ]);
        let e = evaluate(&ra, &Context::default());
        assert_eq!(
            e.account_type,
            Some(AccountType::Known(KnownAccountType::ResourceAccount))
        );
        assert_eq!(codes(&e), [ResourceAccountUserPhoneLicense]);
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
    fn a_disabled_resource_account_is_in_service_not_waste() {
        // The issue's case: AccountEnabled false, MCOEV_VIRTUALUSER + a pay-as-you-go (or any)
        // Calling Plan, a Calling Plan number assigned. Resource accounts are disabled user
        // objects by design; their Calling Plan carries the auto attendant's calls.
        for calling_plan in ["MCOPSTN_PAYG_1", "MCOPSTN1"] {
            let mut ra = user(
                Some(true),
                Some("tel:+14255550100"),
                vec![
                    plan("MCOEV_VIRTUALUSER", "Enabled"),
                    plan(calling_plan, "Enabled"),
                ],
            );
            ra.account_enabled = Some(false);
            ra.account_type = Some("ResourceAccount".into());
            let calling_plan_number = || PhoneNumberAssignment {
                telephone_number: "+14255550100".into(),
                number_type: Some(NumberType::CallingPlan),
                assigned_pstn_target_id: Some(ALICE.into()),
                pstn_assignment_status: Some("VoiceApplicationAssigned".into()),
            };
            let mut ctx = Context::default();
            ctx.add_number(calling_plan_number());
            let e = evaluate(&ra, &ctx);
            assert!(e.hits.is_empty(), "{calling_plan}: {:?}", codes(&e));
            assert_eq!(
                e.account_type,
                Some(AccountType::Known(KnownAccountType::ResourceAccount))
            );
            // Known as a resource account by InterpretedUserType or the application instance
            // export alone, too.
            let mut by_type = ra.clone();
            by_type.account_type = Some("User".into());
            by_type.interpreted_user_type = Some("PureOnlineApplicationInstance".into());
            assert!(evaluate(&by_type, &ctx).hits.is_empty());
            let mut listed = ra.clone();
            listed.account_type = None;
            let mut ctx_app = Context::default();
            ctx_app.add_number(calling_plan_number());
            ctx_app.add_resource_account("a@contoso.com", Some(ALICE));
            assert!(evaluate(&listed, &ctx_app).hits.is_empty());
            // Soft-deleted, it is out of service: its paid plans are waste.
            let mut deleted = ra.clone();
            deleted.soft_deletion_timestamp = Some(chrono::DateTime::<chrono::Utc>::MIN_UTC);
            let e = evaluate(&deleted, &ctx);
            assert_eq!(codes(&e), [DeletedAccountPaidPlans]);
            assert_eq!(e.hits[0].reclaimable, [calling_plan]);
        }
        // The resource-account rules apply to it as to an enabled one.
        let mut ra = user(
            Some(true),
            Some("tel:+14255550100"),
            vec![plan("MCOEV", "Enabled")],
        );
        ra.account_enabled = Some(false);
        ra.account_type = Some("ResourceAccount".into());
        assert_eq!(
            codes(&evaluate(&ra, &Context::default())),
            [ResourceAccountUserPhoneLicense]
        );
        ra.assigned_plans = Some(Vec::new());
        assert_eq!(
            codes(&evaluate(&ra, &Context::default())),
            [VoiceWithoutPhoneLicense]
        );
        // A disabled user account (not a resource account) still gives its plans back.
        let mut disabled = ra.clone();
        disabled.account_type = Some("User".into());
        disabled.assigned_plans = Some(vec![plan("MCOPSTN_PAYG_1", "Enabled")]);
        assert_eq!(
            codes(&evaluate(&disabled, &Context::default())),
            [DisabledAccountPaidPlans]
        );
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
        assert_eq!(
            e.undecided,
            [(PhoneLicenseVoiceDisabled, Missing::EnterpriseVoiceEnabled)]
        );
        let e = evaluate(&user(None, None, vec![]), &Context::default());
        assert_eq!(
            e.undecided,
            [(VoiceWithoutPhoneLicense, Missing::EnterpriseVoiceEnabled)]
        );
    }

    /// One rule alone on an account (whatever its scope), as `evaluate` runs it.
    fn run(
        rule: fn(&Account, &Context, &mut Evaluation),
        u: &CsOnlineUser,
        ctx: &Context,
    ) -> Evaluation {
        let mut e = Evaluation::default();
        rule(&Account::new(u, ctx), ctx, &mut e);
        e
    }

    fn standing(u: &CsOnlineUser, ctx: &Context) -> Standing {
        Account::new(u, ctx).standing()
    }

    #[test]
    fn every_finding_code_is_written_by_a_rule_of_the_table() {
        for code in <TeamsFindingCode as crate::model::Choice>::ALL {
            assert!(
                RULES.iter().any(|r| r.codes.contains(code)),
                "{code} has no rule"
            );
        }
    }

    #[test]
    fn the_standing_is_told_retired_then_not_evaluated_then_kind() {
        let ctx = Context::default();
        let mut u = user(Some(true), None, vec![]);
        assert_eq!(standing(&u, &ctx), Standing::User);
        u.account_type = Some(" sfbonpremuser ".into());
        assert_eq!(
            standing(&u, &ctx),
            Standing::NotEvaluated(NotEvaluated::SfBOnPremUser)
        );
        u.account_type = Some("Guest".into());
        assert_eq!(
            standing(&u, &ctx),
            Standing::NotEvaluated(NotEvaluated::Guest)
        );
        // A disabled guest is retired: what it holds can be given back.
        u.account_enabled = Some(false);
        assert_eq!(standing(&u, &ctx), Standing::Retired);
        // A disabled resource account is in service; soft-deleted, it is not.
        u.account_type = Some("ResourceAccount".into());
        assert_eq!(standing(&u, &ctx), Standing::ResourceAccount);
        u.soft_deletion_timestamp = Some(chrono::DateTime::<chrono::Utc>::MIN_UTC);
        assert_eq!(standing(&u, &ctx), Standing::Retired);
        // Each scope covers its standings only.
        let all = [
            Standing::Retired,
            Standing::NotEvaluated(NotEvaluated::Guest),
            Standing::ResourceAccount,
            Standing::User,
        ];
        let covered = |scope: Scope| {
            all.iter()
                .filter(|s| scope.covers(**s))
                .copied()
                .collect::<Vec<_>>()
        };
        assert_eq!(covered(Scope::Retired), [Standing::Retired]);
        assert_eq!(
            covered(Scope::InService),
            [Standing::ResourceAccount, Standing::User]
        );
        assert_eq!(
            covered(Scope::ResourceAccounts),
            [Standing::ResourceAccount]
        );
        assert_eq!(covered(Scope::Users), [Standing::User]);
    }

    #[test]
    fn rule_retired_account_paid_plans() {
        let mut u = user(
            Some(true),
            None,
            vec![
                plan("MCOEV", "Enabled"),
                plan("MCOEV_VIRTUALUSER", "Enabled"),
            ],
        );
        u.account_enabled = Some(false);
        let e = run(retired_account_paid_plans, &u, &Context::default());
        assert_eq!(codes(&e), [DisabledAccountPaidPlans]);
        assert_eq!(
            e.hits[0].reclaimable,
            ["MCOEV"],
            "the free plan is not paid"
        );
        assert_eq!(e.hits[0].evidence[0].property, "AccountEnabled");
        let when = chrono::DateTime::parse_from_rfc3339("2026-10-01T08:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        u.soft_deletion_timestamp = Some(when);
        let e = run(retired_account_paid_plans, &u, &Context::default());
        assert_eq!(codes(&e), [DeletedAccountPaidPlans]);
        assert_eq!(e.hits[0].evidence[0].value, "2026-10-01T08:00:00+00:00");
        assert!(e.hits[0]
            .message
            .starts_with("a soft-deleted account still holds MCOEV"));
        u.assigned_plans = Some(vec![plan("MCOEV", "Deleted")]);
        assert!(run(retired_account_paid_plans, &u, &Context::default())
            .hits
            .is_empty());
    }

    #[test]
    fn rule_license_not_active_voice_enabled() {
        let u = user(
            Some(true),
            None,
            vec![plan("MCOEV", "Enabled"), plan("MCOPSTN1", "Suspended")],
        );
        let e = run(license_not_active_voice_enabled, &u, &Context::default());
        assert_eq!(codes(&e), [LicenseNotActiveVoiceEnabled]);
        assert_eq!(e.hits[0].plans, ["MCOPSTN1"]);
        assert!(e.hits[0].message.contains("while MCOPSTN1 is Suspended"));
        assert!(e.hits[0].reclaimable.is_empty());
        let off = CsOnlineUser {
            enterprise_voice_enabled: None,
            ..u
        };
        assert!(
            run(license_not_active_voice_enabled, &off, &Context::default())
                .hits
                .is_empty()
        );
    }

    #[test]
    fn rule_calling_plan_on_direct_routing() {
        let u = dr_calling_plan_user(Some("No Restrictions"));
        // Without the number export: undecided, nothing said.
        let e = run(calling_plan_on_direct_routing, &u, &Context::default());
        assert!(e.hits.is_empty());
        assert_eq!(
            e.undecided,
            [(CallingPlanOnDirectRouting, Missing::PhoneNumbers)]
        );
        // A catch-all route: waste, with the route as evidence after the numbers and plans.
        let ctx = routing_ctx(vec![route("Everything", ".*", &["International"])]);
        let e = run(calling_plan_on_direct_routing, &u, &ctx);
        assert_eq!(codes(&e), [CallingPlanOnDirectRouting]);
        let props: Vec<&str> = e.hits[0]
            .evidence
            .iter()
            .map(|x| x.property.as_str())
            .collect();
        assert_eq!(
            props,
            [
                "LineUri",
                "NumberType +14255550100",
                "AssignedPlan MCOPSTN2",
                "OnlineVoiceRoutingPolicy",
                "OnlinePstnUsages No Restrictions",
                "NumberPattern Everything",
                "OnlinePstnGatewayList Everything",
            ]
        );
        // No Calling Plan: the rule has nothing to look at.
        let mut without = u.clone();
        without.assigned_plans = Some(vec![plan("MCOEV", "Enabled")]);
        let e = run(calling_plan_on_direct_routing, &without, &ctx);
        assert!(e.hits.is_empty() && e.undecided.is_empty());
    }

    #[test]
    fn rule_resource_account_user_phone_license() {
        let mut ra = user(Some(true), None, vec![plan("MCOEV", "Enabled")]);
        ra.feature_types = Some(vec!["VoiceApp".into()]);
        let e = run(
            resource_account_user_phone_license,
            &ra,
            &Context::default(),
        );
        assert_eq!(codes(&e), [ResourceAccountUserPhoneLicense]);
        let told = &e.hits[0].evidence[0];
        assert_eq!(
            (told.property.as_str(), told.value.as_str()),
            ("FeatureTypes", "VoiceApp")
        );
        ra.feature_types = None;
        ra.interpreted_user_type = Some("PureOnlineApplicationInstance".into());
        let e = run(
            resource_account_user_phone_license,
            &ra,
            &Context::default(),
        );
        assert_eq!(e.hits[0].evidence[0].property, "InterpretedUserType");
        ra.assigned_plans = Some(vec![plan("MCOEV_VIRTUALUSER", "Enabled")]);
        assert!(run(
            resource_account_user_phone_license,
            &ra,
            &Context::default()
        )
        .hits
        .is_empty());
    }

    #[test]
    fn rule_resource_account_without_its_licence() {
        let mut ra = user(Some(true), Some("tel:+14255550100"), vec![]);
        ra.account_type = Some("ResourceAccount".into());
        let e = run(
            resource_account_without_its_licence,
            &ra,
            &Context::default(),
        );
        assert_eq!(codes(&e), [VoiceWithoutPhoneLicense]);
        assert!(e.hits[0]
            .message
            .starts_with("a resource account has a phone number"));
        // Its own licence, a user licence (the other rule's business) or one suspended: not
        // this rule's finding.
        for held in ["MCOEV_VIRTUALUSER", "MCOEV"] {
            ra.assigned_plans = Some(vec![plan(held, "Enabled")]);
            assert!(
                run(
                    resource_account_without_its_licence,
                    &ra,
                    &Context::default()
                )
                .hits
                .is_empty(),
                "{held}"
            );
        }
        ra.assigned_plans = Some(vec![plan("MCOEV", "Suspended")]);
        assert!(run(
            resource_account_without_its_licence,
            &ra,
            &Context::default()
        )
        .hits
        .is_empty());
        ra.assigned_plans = Some(vec![]);
        ra.line_uri = None;
        assert!(run(
            resource_account_without_its_licence,
            &ra,
            &Context::default()
        )
        .hits
        .is_empty());
    }

    #[test]
    fn rule_voice_without_phone_license() {
        let ctx = Context::default();
        let message = |u: &CsOnlineUser| {
            let e = run(voice_without_phone_license, u, &ctx);
            assert_eq!(codes(&e), [VoiceWithoutPhoneLicense]);
            e.hits[0].message.clone()
        };
        let voice = user(Some(true), None, vec![plan("TEAMS1", "Enabled")]);
        assert!(message(&voice).starts_with("enabled for voice without"));
        let both = user(Some(true), Some("tel:+14255550100"), vec![]);
        assert!(message(&both).starts_with("enabled for voice with a number"));
        // Voice not exported and no number: undecided, never guessed.
        let unknown = user(None, None, vec![]);
        let e = run(voice_without_phone_license, &unknown, &ctx);
        assert!(e.hits.is_empty());
        assert_eq!(
            e.undecided,
            [(VoiceWithoutPhoneLicense, Missing::EnterpriseVoiceEnabled)]
        );
        // Voice off, no number, or a Teams Phone plan held (even suspended): nothing.
        for u in [
            user(Some(false), None, vec![]),
            user(Some(true), None, vec![plan("MCOEV", "Suspended")]),
        ] {
            let e = run(voice_without_phone_license, &u, &ctx);
            assert!(e.hits.is_empty() && e.undecided.is_empty());
        }
    }

    #[test]
    fn rule_phone_license_voice_disabled() {
        let ctx = Context::default();
        let mut u = user(Some(false), None, vec![plan("MCOEV", "Enabled")]);
        let e = run(phone_license_voice_disabled, &u, &ctx);
        assert_eq!(codes(&e), [PhoneLicenseVoiceDisabled]);
        assert_eq!(e.hits[0].evidence[0].property, "EnterpriseVoiceEnabled");
        u.enterprise_voice_enabled = None;
        let e = run(phone_license_voice_disabled, &u, &ctx);
        assert!(e.hits.is_empty());
        assert_eq!(
            e.undecided,
            [(PhoneLicenseVoiceDisabled, Missing::EnterpriseVoiceEnabled)]
        );
        // A room's own Teams Phone plan is not waste.
        let mut room = user(Some(false), None, vec![plan("MCOEV", "Enabled")]);
        room.feature_types = Some(vec!["TeamsRoomStandard".into()]);
        let e = run(phone_license_voice_disabled, &room, &ctx);
        assert!(e.hits.is_empty() && e.undecided.is_empty());
    }

    #[test]
    fn rule_phone_license_no_number_no_routing() {
        let u = user(Some(true), None, vec![plan("MCOEV", "Enabled")]);
        let e = run(phone_license_no_number_no_routing, &u, &no_pstn_ctx());
        assert_eq!(codes(&e), [PhoneLicenseNoNumberNoRouting]);
        let first: Vec<&str> = e.hits[0].evidence[..3]
            .iter()
            .map(|x| x.property.as_str())
            .collect();
        assert_eq!(
            first,
            ["EnterpriseVoiceEnabled", "LineUri", "AssignedPlan MCOPSTN*"]
        );
        assert_eq!(
            e.hits[0].evidence.last().unwrap().property,
            "AssignedPlan MCOEV"
        );
        // A Calling Plan or a number carries calls: not this rule's finding.
        let mut calling = u.clone();
        calling.assigned_plans = Some(vec![plan("MCOEV", "Enabled"), plan("MCOPSTN1", "Enabled")]);
        let mut numbered = u.clone();
        numbered.line_uri = Some("tel:+14255550100".into());
        for other in [calling, numbered] {
            let e = run(phone_license_no_number_no_routing, &other, &no_pstn_ctx());
            assert!(e.hits.is_empty() && e.undecided.is_empty());
        }
    }
}
