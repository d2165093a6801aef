//! `teams assignments`: reads the small inputs (phone numbers, resource accounts, prices), then
//! streams Get-CsOnlineUser: one TeamsAssignmentFinding per rule that fires, in input order
//! (codes in their fixed order within an account), then one TeamsAssignmentSummary.

use super::inputs::{
    CallQueue, PhoneNumberAssignment, PlanPrice, SharedCallingPolicy, VoiceRoute,
    VoiceRoutingPolicy,
};
use super::records::*;
use super::rules::{evaluate, Context, Missing, NotEvaluated};
use super::TeamsError;
use crate::ingest::{load_all, stream_each, PsValue};
use crate::m365::{ApplicationInstance, CsOnlineUser, PlanState};
use crate::model::teams::{TeamsFindingCode, TeamsPlanFamily, TeamsSeverity};
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
        for n in load_all(path, rep, PhoneNumberAssignment::read)? {
            ctx.add_number(n);
        }
    }
    if let Some(path) = &o.resource_accounts {
        for a in load_all(path, rep, ApplicationInstance::read)? {
            ctx.add_resource_account(&a.user_principal_name, a.object_id.as_deref());
        }
    }
    if let Some(path) = &o.voice_routing_policies {
        ctx.add_routing_policies(load_all(path, rep, VoiceRoutingPolicy::read)?);
    }
    if let Some(path) = &o.voice_routes {
        ctx.add_routes(load_all(path, rep, VoiceRoute::read)?);
    }
    if let Some(path) = &o.shared_calling_policies {
        ctx.add_shared_calling_policies(load_all(path, rep, SharedCallingPolicy::read)?);
    }
    if let Some(path) = &o.call_queues {
        ctx.add_call_queues(load_all(path, rep, CallQueue::read)?);
    }
    let prices = match &o.prices {
        Some(path) => Some(read_prices(path, rep)?),
        None => None,
    };

    let mut t = Tally::default();
    let mut seen: HashSet<String> = HashSet::new();
    for path in &o.online_users {
        stream_each(
            path,
            Some(CsOnlineUser::PROPERTIES),
            "Auditing Teams licence assignments",
            rep,
            |rep, rec| {
                if let Some(PsValue::Flattened(t)) = rec.get("AssignedPlan") {
                    return Err(rec
                        .error(
                            "AssignedPlan",
                            format!("holds '{t}': Export-Csv wrote the type name instead of the plans, so every account's licences are lost in this file; export Get-CsOnlineUser as JSON (Get-CsOnlineUser | ConvertTo-Json -Depth 5) or with Export-Clixml"),
                        )
                        .fatal()
                        .into());
                }
                let u = match CsOnlineUser::read(&rec) {
                    Ok(u) => u,
                    Err(e) => return skip_bad(rep, e),
                };
                if u.assigned_plans.is_none() {
                    // Every rule reads the plans: a file without them cannot be audited.
                    let message = if u.assigned_plan_truncated {
                        "holds type names instead of plans: ConvertTo-Json stopped at its depth limit; export with Get-CsOnlineUser | ConvertTo-Json -Depth 5, or Export-Clixml"
                    } else {
                        "is not in the record: this audit needs each account's licence plans (a Get-CsOnlineUser export from the MicrosoftTeams module, not Get-CsUser, and no Select-Object that leaves AssignedPlan out)"
                    };
                    return Err(rec.error("AssignedPlan", message).fatal().into());
                }
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
                let mut reclaimed: Vec<usize> = Vec::new();
                for h in e.hits {
                    *t.by_code.entry(h.code).or_default() += 1;
                    if h.code.severity() == TeamsSeverity::Waste {
                        for p in &h.reclaimable {
                            let i = t.plan(p);
                            if !reclaimed.contains(&i) {
                                reclaimed.push(i);
                            }
                        }
                    }
                    sink.write(&TeamsAssignmentFinding {
                        user_principal_name: u.user_principal_name.clone(),
                        display_name: u.display_name.clone(),
                        account_type: e.account_type.clone(),
                        code: h.code,
                        severity: h.code.severity(),
                        plans: h.plans,
                        reclaimable_plans: h.reclaimable,
                        message: h.message,
                        evidence: h.evidence,
                        source: format!("{} record {}", rec.file, rec.index),
                    })?;
                }
                for i in reclaimed {
                    t.plans[i].reclaimable += 1;
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
    sink.write(&summary(&t, &ctx, o, prices.as_ref()))?;
    Ok(())
}

/// Plan (upper case) → price. A plan priced twice with different prices is a bad record.
fn read_prices<R: Reporter>(path: &str, rep: &mut R) -> Result<HashMap<String, f64>, TeamsError> {
    let mut out: HashMap<String, f64> = HashMap::new();
    let rows = load_all(path, rep, |r| PlanPrice::read(r).map(|p| (r.index, p)))?;
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
            TeamsPlanCount {
                plan: p.name.clone(),
                family,
                known: family != TeamsPlanFamily::Unknown,
                holders: p.holders,
                reclaimable: p.reclaimable,
                monthly_price: price,
                monthly_waste: price.map(|x| round_cents(x * p.reclaimable as f64)),
            }
        })
        .collect();
    plans.sort_by(|a, b| {
        (a.family, a.plan.to_ascii_uppercase()).cmp(&(b.family, b.plan.to_ascii_uppercase()))
    });
    let (monthly_waste, unpriced_plans) = match prices {
        None => (None, Vec::new()),
        Some(_) => (
            Some(round_cents(
                plans.iter().filter_map(|p| p.monthly_waste).sum(),
            )),
            plans
                .iter()
                .filter(|p| p.reclaimable > 0 && p.monthly_price.is_none())
                .map(|p| p.plan.clone())
                .collect(),
        ),
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
        unpriced_plans,
        rules: rules(t, ctx, o),
    }
}

fn round_cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
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
                rule: code.name().to_string(),
                evaluated,
                undecided,
                note,
            }
        })
        .collect();
    out.push(TeamsRuleStatus {
        rule: "TeamsRoomsProUnused".into(),
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
