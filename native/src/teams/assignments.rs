//! `teams assignments`: reads the small inputs (phone numbers, resource accounts, prices, the
//! licence data), then streams Get-CsOnlineUser: one TeamsAssignmentFinding per rule that fires,
//! in input order (codes in their fixed order within an account), then one
//! TeamsAssignmentSummary.

use super::holding::{without_licence_data, Holding, LicenceData, PlanHolding};
use super::inputs::{
    CallQueue, PhoneNumberAssignment, PlanPrice, SharedCallingPolicy, VoiceRoute,
    VoiceRoutingPolicy,
};
use super::records::*;
use super::rules::{evaluate, Context, Missing, NotEvaluated};
use super::TeamsError;
use crate::ingest::{load_all, stream_each, DateOrder, PsValue, Record};
use crate::m365::{ApplicationInstance, CsOnlineUser, PlanState, SubscribedSku, UserLicenses};
use crate::model::teams::{
    TeamsCheck, TeamsFindingCode, TeamsPlanFamily, TeamsRule, TeamsSeverity,
};
use crate::model::{Choice, InputError, RecordSink, Reporter};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What `teams assignments` reads.
#[derive(Debug, Clone, Default)]
pub struct AssignmentOptions {
    /// Get-CsOnlineUser exports (several tenants' or several batches' files are read as one)
    pub online_users: Vec<String>,
    /// Get-CsPhoneNumberAssignment exports
    pub phone_numbers: Vec<String>,
    /// Get-CsOnlineApplicationInstance
    pub resource_accounts: Option<String>,
    /// Get-CsOnlineVoiceRoutingPolicy (the PSTN usages of each policy, Global's above all)
    pub voice_routing_policies: Option<String>,
    /// Get-CsOnlineVoiceRoute (the number patterns each PSTN usage routes)
    pub voice_routes: Option<String>,
    /// Get-CsTeamsSharedCallingRoutingPolicy (whether Global names a resource account)
    pub shared_calling_policies: Option<String>,
    /// Get-CsCallQueue (the agents, who need Teams Phone and voice but no number)
    pub call_queues: Option<String>,
    /// Price list: Plan, MonthlyPrice
    pub prices: Option<String>,
    /// The users' licences (Get-MgUser -Property UserPrincipalName,AssignedLicenses, or rows of
    /// UserPrincipalName, SkuId, SkuPartNumber): with them only plans bought separately are
    /// priced as a saving
    pub m365_licenses: Option<String>,
    /// The tenant's SKUs with their service plans (Get-MgSubscribedSku)
    pub subscribed_skus: Option<String>,
    /// The month/day order of the exports' culture-text dates, when the admin gave it.
    pub date_order: Option<DateOrder>,
}

/// Counts kept while streaming.
#[derive(Default)]
struct Tally {
    read: u64,
    evaluated: u64,
    not_evaluated: BTreeMap<NotEvaluated, u64>,
    by_code: BTreeMap<TeamsFindingCode, u64>,
    /// Accounts each rule could not decide (an account once per rule)
    undecided: BTreeMap<TeamsFindingCode, u64>,
    /// ... and what each lacked (an account once per rule and reason)
    undecided_why: BTreeMap<(TeamsFindingCode, Missing), u64>,
    plans: Vec<PlanTally>,
    /// Capability as spelled in the input → index in `plans` (no allocation on a hit)
    by_spelling: HashMap<String, usize>,
    /// Upper-case capability → index: spellings that differ only in case are one plan
    by_upper: HashMap<String, usize>,
}

struct PlanTally {
    /// As first seen
    name: String,
    holders: u64,
    reclaimable: u64,
    /// Of `reclaimable`, by how the licence data says the plan is held
    separate: u64,
    in_suite: u64,
    unknown: u64,
}

impl Tally {
    fn plan(&mut self, capability: &str) -> usize {
        let c = capability.trim();
        if let Some(&i) = self.by_spelling.get(c) {
            return i;
        }
        let upper = c.to_ascii_uppercase();
        let i = match self.by_upper.get(&upper) {
            Some(&i) => i,
            None => {
                self.plans.push(PlanTally {
                    name: c.to_string(),
                    holders: 0,
                    reclaimable: 0,
                    separate: 0,
                    in_suite: 0,
                    unknown: 0,
                });
                self.by_upper.insert(upper, self.plans.len() - 1);
                self.plans.len() - 1
            }
        };
        self.by_spelling.insert(c.to_string(), i);
        i
    }
}

fn skip_bad<R: Reporter>(rep: &mut R, e: InputError) -> Result<(), TeamsError> {
    if e.fatal {
        return Err(e.into());
    }
    rep.bad_record(&e);
    Ok(())
}

/// One Get-CsOnlineUser record as this audit reads it (what `inspect --for` runs too): an
/// account without its licence plans is a fatal error, because every rule reads them.
pub fn read_user(rec: &Record) -> Result<CsOnlineUser, InputError> {
    if let Some(PsValue::Flattened(t)) = rec.get("AssignedPlan") {
        return Err(rec
            .error(
                "AssignedPlan",
                format!("holds '{t}': Export-Csv wrote the type name instead of the plans, so every account's licences are lost in this file; export Get-CsOnlineUser as JSON (Get-CsOnlineUser | ConvertTo-Json -Depth 5) or with Export-Clixml"),
            )
            .fatal());
    }
    let u = CsOnlineUser::read(rec)?;
    if u.assigned_plans.is_none() {
        let message = if u.assigned_plan_truncated {
            "holds type names instead of plans: ConvertTo-Json stopped at its depth limit; export with Get-CsOnlineUser | ConvertTo-Json -Depth 5, or Export-Clixml"
        } else {
            "is not in the record: this audit needs each account's licence plans (a Get-CsOnlineUser export from the MicrosoftTeams module, not Get-CsUser, and no Select-Object that leaves AssignedPlan out)"
        };
        return Err(rec.error("AssignedPlan", message).fatal());
    }
    Ok(u)
}

pub fn run<R: Reporter>(
    o: &AssignmentOptions,
    sink: &mut impl RecordSink,
    rep: &mut R,
) -> Result<(), TeamsError> {
    if o.online_users.is_empty() {
        return Err(TeamsError::NoUsers);
    }
    let mut ctx = Context::default();
    for path in &o.phone_numbers {
        ctx.numbers_given();
        for n in load_all(path, o.date_order, rep, PhoneNumberAssignment::read)? {
            ctx.add_number(n);
        }
    }
    if let Some(path) = &o.resource_accounts {
        for a in load_all(path, o.date_order, rep, ApplicationInstance::read)? {
            ctx.add_resource_account(&a.user_principal_name, a.object_id.as_deref());
        }
    }
    if let Some(path) = &o.voice_routing_policies {
        ctx.add_routing_policies(load_all(path, o.date_order, rep, VoiceRoutingPolicy::read)?);
    }
    if let Some(path) = &o.voice_routes {
        ctx.add_routes(load_all(path, o.date_order, rep, VoiceRoute::read)?);
    }
    if let Some(path) = &o.shared_calling_policies {
        ctx.add_shared_calling_policies(load_all(
            path,
            o.date_order,
            rep,
            SharedCallingPolicy::read,
        )?);
    }
    if let Some(path) = &o.call_queues {
        ctx.add_call_queues(load_all(path, o.date_order, rep, CallQueue::read)?);
    }
    let prices = match &o.prices {
        Some(path) => Some(read_prices(path, o.date_order, rep)?),
        None => None,
    };
    let mut licences = read_licences(o, rep)?;

    let mut t = Tally::default();
    let mut seen: HashSet<String> = HashSet::new();
    for path in &o.online_users {
        stream_each(
            path,
            Some(CsOnlineUser::PROPERTIES),
            o.date_order,
            "Auditing Teams licence assignments",
            rep,
            |rep, rec| {
                let u = match read_user(&rec) {
                    Ok(u) => u,
                    Err(e) => return skip_bad(rep, e),
                };
                if !seen.insert(u.user_principal_name.to_ascii_lowercase()) {
                    rep.bad_record(&rec.error(
                        "UserPrincipalName",
                        format!(
                            "{} appears more than once; the later record is skipped so the account is audited once",
                            u.user_principal_name
                        ),
                    ));
                    return Ok(());
                }
                t.read += 1;
                let mut held: Vec<usize> = Vec::new();
                for p in u.assigned_plans.iter().flatten() {
                    let i = t.plan(&p.capability);
                    let active = matches!(p.state(), PlanState::Enabled | PlanState::Warning);
                    if active && !held.contains(&i) {
                        held.push(i);
                        t.plans[i].holders += 1;
                    }
                }
                let e = evaluate(&u, &ctx);
                if let Some(why) = e.not_evaluated {
                    *t.not_evaluated.entry(why).or_default() += 1;
                    return Ok(());
                }
                t.evaluated += 1;
                let mut codes: Vec<TeamsFindingCode> = Vec::new();
                let mut why: Vec<(TeamsFindingCode, Missing)> = Vec::new();
                for &(code, missing) in &e.undecided {
                    if !codes.contains(&code) {
                        codes.push(code);
                        *t.undecided.entry(code).or_default() += 1;
                    }
                    if !why.contains(&(code, missing)) {
                        why.push((code, missing));
                        *t.undecided_why.entry((code, missing)).or_default() += 1;
                    }
                }
                // The account's reclaimable plans (each once, however many Waste findings name
                // it), then how each is held, then the findings with that said per plan.
                let mut reclaimed: Vec<usize> = Vec::new();
                let mut names: Vec<&str> = Vec::new();
                for h in &e.hits {
                    if h.code.severity() == TeamsSeverity::Waste {
                        for p in &h.reclaimable {
                            let i = t.plan(p);
                            if !reclaimed.contains(&i) {
                                reclaimed.push(i);
                                names.push(p);
                            }
                        }
                    }
                }
                let holdings: Vec<PlanHolding> = match licences.as_mut() {
                    Some(_) if names.is_empty() => Vec::new(),
                    Some(d) => d.classify(
                        &u.user_principal_name,
                        &names,
                        u.assigned_plans.as_deref().unwrap_or(&[]),
                    ),
                    None => names.iter().map(|p| without_licence_data(p)).collect(),
                };
                for h in e.hits {
                    *t.by_code.entry(h.code).or_default() += 1;
                    let reclaimable_via: Vec<String> = h
                        .reclaimable
                        .iter()
                        .filter_map(|p| {
                            let i = t.plan(p);
                            let k = reclaimed.iter().position(|&x| x == i)?;
                            holdings.get(k).map(|x| x.via.clone())
                        })
                        .collect();
                    sink.write(&TeamsAssignmentFinding {
                        user_principal_name: u.user_principal_name.clone(),
                        display_name: u.display_name.clone(),
                        account_type: e.account_type.clone(),
                        code: h.code,
                        severity: h.code.severity(),
                        plans: h.plans,
                        reclaimable_plans: h.reclaimable,
                        reclaimable_via,
                        message: h.message,
                        evidence: h.evidence,
                        source: format!("{} record {}", rec.file, rec.index),
                    })?;
                }
                for (k, &i) in reclaimed.iter().enumerate() {
                    let p = &mut t.plans[i];
                    p.reclaimable += 1;
                    if licences.is_some() {
                        match holdings.get(k).map(|x| x.holding) {
                            Some(Holding::Separate) => p.separate += 1,
                            Some(Holding::InSuite) => p.in_suite += 1,
                            _ => p.unknown += 1,
                        }
                    }
                }
                Ok(())
            },
        )?;
    }

    let mut unknown: Vec<&str> = t
        .plans
        .iter()
        .filter(|p| TeamsPlanFamily::of(&p.name) == TeamsPlanFamily::Unknown)
        .map(|p| p.name.as_str())
        .collect();
    unknown.sort_by_key(|n| n.to_ascii_uppercase());
    if !unknown.is_empty() {
        rep.warning(
            "UnknownPlan",
            &format!(
                "{} plan name(s) this audit does not know: {}; they are kept in the summary's Plans (Known: false) and no rule reads them",
                unknown.len(),
                unknown.join(", ")
            ),
        );
    }
    if let Some(d) = &licences {
        licence_warnings(d, rep);
    }
    let mut summary = summary(&t, &ctx, o, prices.as_ref(), licences.is_some());
    summary.incomplete_inputs = rep.incomplete_inputs();
    sink.write(&summary)?;
    Ok(())
}

/// The users' licences and the SKU list. The licences are streamed (one record per user, or per
/// user and SKU): a bad record is reported and skipped, and its account's plans are then not
/// placed (never counted as a saving); a file of which no record reads is refused. The SKU
/// list is small and read whole. None without the users' licences: the SKU list alone says
/// nothing about an account.
fn read_licences<R: Reporter>(
    o: &AssignmentOptions,
    rep: &mut R,
) -> Result<Option<LicenceData>, TeamsError> {
    let mut licences = None;
    if let Some(path) = &o.m365_licenses {
        let mut d = LicenceData::default();
        let (mut good, mut bad) = (0u64, 0u64);
        stream_each(
            path,
            Some(UserLicenses::PROPERTIES),
            o.date_order,
            "Reading licence data",
            rep,
            |rep, rec| match UserLicenses::read(&rec) {
                Ok(u) => {
                    good += 1;
                    d.add_user(u);
                    Ok(())
                }
                Err(e) => {
                    bad += 1;
                    skip_bad(rep, e)
                }
            },
        )?;
        if good == 0 && bad > 0 {
            return Err(InputError::file(
                path,
                format!("none of its {bad} record(s) could be read (each reported above): this is not the users' licence data (Get-MgUser -Property UserPrincipalName,AssignedLicenses, or rows of UserPrincipalName, SkuId, SkuPartNumber), and nothing was audited"),
            )
            .into());
        }
        if good > 0 && !d.any_licence() {
            rep.warning(
                "LicenceDataEmpty",
                &format!("none of the {good} user(s) of the licence data holds a licence: Get-MgUser returns AssignedLicenses only when asked (Get-MgUser -All -Property UserPrincipalName,AssignedLicenses); every reclaimable plan is counted as not placed, not as a saving"),
            );
        }
        licences = Some(d);
    }
    if let Some(path) = &o.subscribed_skus {
        let skus = load_all(path, o.date_order, rep, SubscribedSku::read)?;
        match licences.as_mut() {
            Some(d) => d.add_skus(skus),
            None => rep.warning(
                "SkusWithoutLicences",
                "the SKU list (Get-MgSubscribedSku) was given without the users' licences (Get-MgUser -Property UserPrincipalName,AssignedLicenses): it says nothing about any account, so MonthlyWaste stays plan value, not a saving",
            ),
        }
    }
    Ok(licences)
}

/// Accounts and SKUs the licence data could not place, once each.
fn licence_warnings<R: Reporter>(d: &LicenceData, rep: &mut R) {
    let first = |names: &[String]| -> String {
        let mut shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
        if names.len() > 5 {
            shown.push("...");
        }
        shown.join(", ")
    };
    if !d.missing_accounts.is_empty() {
        rep.warning(
            "LicenceDataMissing",
            &format!(
                "{} account(s) with reclaimable plans are not in the licence data ({}): their plans are counted as not placed (ReclaimableUnknown), not as a saving",
                d.missing_accounts.len(),
                first(&d.missing_accounts)
            ),
        );
    }
    if !d.unknown_skus.is_empty() {
        let what = if d.skus_given {
            "are not in the SKU list (Get-MgSubscribedSku)"
        } else {
            "are named without their plans, and no SKU list (Get-MgSubscribedSku) says which plans they hold"
        };
        rep.warning(
            "UnknownSku",
            &format!(
                "{} SKU(s) held by accounts with reclaimable plans {what} ({}): a plan they may hold is counted as not placed, not as a saving",
                d.unknown_skus.len(),
                first(&d.unknown_skus)
            ),
        );
    }
}

/// Plan (upper case) → price. A plan priced twice with different prices is a bad record.
fn read_prices<R: Reporter>(
    path: &str,
    date_order: Option<DateOrder>,
    rep: &mut R,
) -> Result<HashMap<String, f64>, TeamsError> {
    let mut out: HashMap<String, f64> = HashMap::new();
    let rows = load_all(path, date_order, rep, |r| {
        PlanPrice::read(r).map(|p| (r.index, p))
    })?;
    for (index, p) in rows {
        let key = p.plan.to_ascii_uppercase();
        match out.get(&key) {
            Some(prev) if *prev != p.monthly_price => rep.bad_record(&InputError::field(
                path,
                index,
                "MonthlyPrice",
                format!(
                    "{} is priced twice ({} and {}); the first price is kept",
                    p.plan, prev, p.monthly_price
                ),
            )),
            Some(_) => {}
            None => {
                out.insert(key, p.monthly_price);
            }
        }
    }
    Ok(out)
}

fn summary(
    t: &Tally,
    ctx: &Context,
    o: &AssignmentOptions,
    prices: Option<&HashMap<String, f64>>,
    licences: bool,
) -> TeamsAssignmentSummary {
    let by_code: Vec<TeamsCodeCount> = TeamsFindingCode::ALL
        .iter()
        .map(|&code| TeamsCodeCount {
            code,
            severity: code.severity(),
            findings: t.by_code.get(&code).copied().unwrap_or(0),
        })
        .collect();
    let severity = |s: TeamsSeverity| -> u64 {
        by_code
            .iter()
            .filter(|c| c.severity == s)
            .map(|c| c.findings)
            .sum()
    };
    let mut plans: Vec<TeamsPlanCount> = t
        .plans
        .iter()
        .map(|p| {
            let family = TeamsPlanFamily::of(&p.name);
            let price = prices.and_then(|x| x.get(&p.name.to_ascii_uppercase()).copied());
            // With licence data only the plans bought separately are a saving; without, every
            // reclaimable plan at its price (plan value).
            let priced = if licences { p.separate } else { p.reclaimable };
            TeamsPlanCount {
                plan: p.name.clone(),
                family,
                known: family != TeamsPlanFamily::Unknown,
                holders: p.holders,
                reclaimable: p.reclaimable,
                reclaimable_separate: licences.then_some(p.separate),
                reclaimable_in_suite: licences.then_some(p.in_suite),
                reclaimable_unknown: licences.then_some(p.unknown),
                monthly_price: price,
                monthly_waste: price.map(|x| crate::model::money::cents(x * priced as f64)),
            }
        })
        .collect();
    plans.sort_by(|a, b| {
        (a.family, a.plan.to_ascii_uppercase()).cmp(&(b.family, b.plan.to_ascii_uppercase()))
    });
    let (monthly_waste, unpriced_plans) = match prices {
        None => (None, Vec::new()),
        Some(_) => (
            Some(crate::model::money::cents(
                plans.iter().filter_map(|p| p.monthly_waste).sum(),
            )),
            plans
                .iter()
                .filter(|p| p.reclaimable > 0 && p.monthly_price.is_none())
                .map(|p| p.plan.clone())
                .collect(),
        ),
    };
    // What the reclaimable plans MonthlyWaste leaves out are worth, at their plan prices.
    let value_of = |count: fn(&TeamsPlanCount) -> Option<u64>| -> Option<f64> {
        if prices.is_none() || !licences {
            return None;
        }
        Some(crate::model::money::cents(
            plans
                .iter()
                .filter_map(|p| Some(p.monthly_price? * count(p)? as f64))
                .sum(),
        ))
    };
    let monthly_value_in_suites = value_of(|p| p.reclaimable_in_suite);
    let monthly_value_unknown = value_of(|p| p.reclaimable_unknown);
    let (waste_basis, waste_note) = if licences {
        (
            TeamsWasteBasis::Saving,
            "a saving: MonthlyWaste prices only the reclaimable plans bought as a licence of their own (a SKU none of whose other plans is in use on the account); plans inside a suite (MonthlyValueInSuites) are recovered only by changing or removing the suite, and plans the licence data does not place (MonthlyValueUnknown) are not counted".to_string(),
        )
    } else {
        (
            TeamsWasteBasis::PlanValue,
            "plan value, not a saving: MonthlyWaste prices every reclaimable plan, but a plan inside a suite (Teams Phone in Microsoft 365 E5) cannot be returned alone; give the users' licences (Get-MgUser -Property UserPrincipalName,AssignedLicenses) and the tenant's SKUs (Get-MgSubscribedSku) to price only separately bought plans".to_string(),
        )
    };
    let findings = by_code.iter().map(|c| c.findings).sum();
    TeamsAssignmentSummary {
        accounts_read: t.read,
        accounts_evaluated: t.evaluated,
        accounts_not_evaluated: t
            .not_evaluated
            .iter()
            .map(|(why, n)| TeamsCount {
                reason: why.text().to_string(),
                count: *n,
            })
            .collect(),
        findings,
        waste: severity(TeamsSeverity::Waste),
        broken: severity(TeamsSeverity::Broken),
        risk: severity(TeamsSeverity::Risk),
        info: severity(TeamsSeverity::Info),
        by_code,
        plans,
        monthly_waste,
        waste_basis,
        waste_note,
        monthly_value_in_suites,
        monthly_value_unknown,
        unpriced_plans,
        rules: rules(t, ctx, o),
        incomplete_inputs: Vec::new(),
    }
}

fn rules(t: &Tally, ctx: &Context, o: &AssignmentOptions) -> Vec<TeamsRuleStatus> {
    let mut out: Vec<TeamsRuleStatus> = TeamsFindingCode::ALL
        .iter()
        .map(|&code| {
            let undecided = t.undecided.get(&code).copied().unwrap_or(0);
            let (evaluated, note) = match code {
                TeamsFindingCode::CallingPlanOnDirectRouting if !ctx.numbers_given => (
                    false,
                    Some(format!(
                        "needs the Get-CsPhoneNumberAssignment export (NumberType of each number); {undecided} account(s) hold a Calling Plan"
                    )),
                ),
                TeamsFindingCode::CallingPlanBesideDirectRouting if !ctx.numbers_given => (
                    false,
                    Some("needs the Get-CsPhoneNumberAssignment export, like CallingPlanOnDirectRouting".to_string()),
                ),
                TeamsFindingCode::ResourceAccountUserPhoneLicense if o.resource_accounts.is_none() => (
                    true,
                    Some("resource accounts known by AccountType / InterpretedUserType only; the Get-CsOnlineApplicationInstance export also finds those an older module shows as User".to_string()),
                ),
                _ if undecided > 0 => (true, Some(undecided_note(t, ctx, code, undecided))),
                _ => (true, None),
            };
            TeamsRuleStatus {
                rule: TeamsRule::Finding(code),
                evaluated,
                undecided,
                note,
            }
        })
        .collect();
    out.push(TeamsRuleStatus {
        rule: TeamsRule::Check(TeamsCheck::TeamsRoomsProUnused),
        evaluated: false,
        undecided: 0,
        note: Some("whether a Teams Rooms Pro room uses anything Pro has (management, multi-screen, intelligent audio/video) is not in Get-CsOnlineUser or the phone number export; it needs the Teams Rooms Pro Management portal's data and is not guessed".into()),
    });
    out
}

/// "N account(s) undecided: n1 because <what lacked>; n2 because <what lacked>" — every
/// reason, each account counted once per reason (an account may lack several).
fn undecided_note(t: &Tally, ctx: &Context, code: TeamsFindingCode, undecided: u64) -> String {
    let reasons: Vec<String> = t
        .undecided_why
        .iter()
        .filter(|((c, _), _)| *c == code)
        .map(|((_, m), n)| match m {
            Missing::CallQueueAgentsIncomplete => {
                format!(
                    "{n} because {} ({})",
                    m.text(),
                    ctx.incomplete_queues().join("; ")
                )
            }
            _ => format!("{n} because {}", m.text()),
        })
        .collect();
    let instead = if code == TeamsFindingCode::CallingPlanOnDirectRouting {
        "; each is reported as CallingPlanBesideDirectRouting (Info) instead of Waste"
    } else {
        ""
    };
    format!(
        "{undecided} account(s) undecided: {}{instead}",
        reasons.join("; ")
    )
}
