//! `lync plan`: bring conferencing-policy assignments in line with the CALs owned. For each
//! enabled user whose effective policy grants more (or less) than their licence, the policy to
//! grant instead, ready for Grant-CsConferencingPolicy.

use super::entitlement::{for_each_classified, EntitlementFiles};
use super::estate::{Estate, PolicyTable};
use super::inputs::{sip_key, ConferencingPolicy, Scope};
use super::policy::{describe_features, implied_tier, RuleSet};
use super::{LyncError, MissingInput};
use crate::ingest::{load_all, DateOrder, Record};
use crate::model::{
    Cal, Choice, InputError, LyncKind, OutputRecord, PlanAction, PolicySource, RecordSink,
    Reporter, Tier,
};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub files: EntitlementFiles,
    pub rules: RuleSet,
    /// What each user is licensed for: SipAddress or Identity, and Tier
    pub licensed: Option<String>,
    /// The tier of users the licence list does not name
    pub default_tier: Option<Tier>,
    /// The policy to grant per tier (identity as Get-CsConferencingPolicy shows it)
    pub tier_policies: Vec<(Tier, String)>,
    /// Also list users whose policy already matches their licence (Action None)
    pub all: bool,
}

/// One user's conferencing-policy change (or confirmation, with --all).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LyncPolicyChange {
    pub identity: String,
    pub sip_address: String,
    /// Null when no licence information covers the user
    pub licensed_tier: Option<Tier>,
    /// The effective conferencing policy now
    pub current_policy: Option<String>,
    pub current_policy_source: Option<PolicySource>,
    /// The tier the current policy grants (null: assigned policy missing)
    pub current_cal: Option<Tier>,
    pub target_policy: Option<String>,
    /// Grant-CsConferencingPolicy -PolicyName value; null removes the per-user assignment
    pub grant_policy_name: Option<String>,
    pub action: PlanAction,
    pub reason: String,
}

impl OutputRecord for LyncPolicyChange {
    const RECORD_TYPE: &'static str = "LyncPolicyChange";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "SipAddress",
        "LicensedTier",
        "CurrentPolicy",
        "TargetPolicy",
        "Action",
        "Reason",
    ];
}

struct Licences {
    by_key: HashMap<String, Tier>,
}

impl Licences {
    fn read(
        path: &str,
        date_order: Option<DateOrder>,
        reporter: &mut impl Reporter,
    ) -> Result<Licences, InputError> {
        let rows = load_all(
            path,
            date_order,
            reporter,
            |r: &Record| -> Result<(u64, Vec<String>, Tier), InputError> {
                let mut keys = Vec::new();
                if let Some(s) = r.opt_str("SipAddress")? {
                    keys.push(sip_key(&s));
                }
                if let Some(i) = r.opt_str("Identity")? {
                    keys.push(i.trim().to_ascii_lowercase());
                }
                if keys.is_empty() {
                    return Err(r.record_error("has neither SipAddress nor Identity"));
                }
                let text = r.req_str("Tier")?;
                let tier = Tier::from_licence_text(&text).ok_or_else(|| {
                    r.error(
                        "Tier",
                        match crate::model::equivalency::single_cals_named(&text) {
                            // Another product's name (EMS, a (no Teams) offer): what to write.
                            None => crate::model::equivalency::no_cal_hint(&text),
                            Some(_) => format!("'{text}' is neither Standard nor Enterprise"),
                        },
                    )
                })?;
                Ok((r.index, keys, tier))
            },
        )?;
        // A user listed twice with different tiers: the higher is kept, never silently the last
        // row (which would plan a downgrade of an Enterprise user; issue #22 item 5).
        let mut by_key: HashMap<String, (Tier, u64)> = HashMap::new();
        for (index, keys, tier) in rows {
            for k in keys {
                match by_key.get(&k).copied() {
                    Some((prev, _)) if prev == tier => {}
                    Some((prev, prev_index)) => {
                        let higher = if prev == Tier::Enterprise || tier == Tier::Enterprise {
                            Tier::Enterprise
                        } else {
                            prev
                        };
                        reporter.warning(
                            "LicenceListedTwice",
                            &format!(
                                "{path}: {k} is listed as {prev} (record {prev_index}) and as {tier} (record {index}); the higher, {higher}, is kept"
                            ),
                        );
                        by_key.insert(k, (higher, index));
                    }
                    None => {
                        by_key.insert(k, (tier, index));
                    }
                }
            }
        }
        Ok(Licences {
            by_key: by_key.into_iter().map(|(k, (t, _))| (k, t)).collect(),
        })
    }

    fn tier_of(&self, sip: &str, identity: &str) -> Option<Tier> {
        self.by_key
            .get(&sip_key(sip))
            .or_else(|| self.by_key.get(&identity.trim().to_ascii_lowercase()))
            .copied()
    }
}

/// Checks each tier's target policy exists and grants exactly that tier under the rule set, so
/// the plan never proposes a policy that would itself be wrong.
fn tier_policies(
    wanted: &[(Tier, String)],
    table: &PolicyTable<ConferencingPolicy>,
    rules: RuleSet,
) -> Result<HashMap<Tier, Scope>, LyncError> {
    let mut map = HashMap::new();
    for (tier, policy) in wanted {
        let scope = Scope::parse(policy);
        let problem = |problem: String| LyncError::TierPolicy {
            tier: *tier,
            policy: policy.clone(),
            problem,
        };
        let found = table.get(&scope).ok_or_else(|| {
            problem(format!(
                "{} is not in the conferencing policy export",
                scope.identity()
            ))
        })?;
        let (grants, features) = implied_tier(&found.settings, rules, false);
        if grants != *tier {
            return Err(problem(format!(
                "{} grants {grants} under the {rules} rules ({}), so it cannot be the {tier} policy",
                scope.identity(),
                describe_features(&features),
            )));
        }
        map.insert(*tier, scope);
    }
    Ok(map)
}

/// `lync plan`: one LyncPolicyChange per enabled user whose policy does not match their licence.
pub fn run(
    options: &PlanOptions,
    sink: &mut impl RecordSink,
    reporter: &mut impl Reporter,
) -> Result<(), LyncError> {
    if options.licensed.is_none() && options.default_tier.is_none() {
        return Err(LyncError::Missing(MissingInput::Licensing));
    }
    let estate = Estate::load(
        &options.files.estate,
        options.rules,
        options.files.date_order,
        reporter,
    )?;
    let licences = match &options.licensed {
        Some(p) => Some(Licences::read(p, options.files.date_order, reporter)?),
        None => None,
    };
    let targets = tier_policies(&options.tier_policies, &estate.conferencing, estate.rules)?;
    let mut needed: Vec<Tier> = licences
        .iter()
        .flat_map(|l| l.by_key.values().copied())
        .chain(options.default_tier)
        .collect();
    needed.sort_by_key(|t| t.name());
    needed.dedup();
    if let Some(t) = needed.iter().find(|t| !targets.contains_key(t)) {
        return Err(LyncError::Missing(MissingInput::TierPolicy(*t)));
    }
    let mut unlicensed = 0u64;
    for_each_classified(&estate, &options.files, reporter, |cal| {
        if cal.kind != LyncKind::User || !cal.standard {
            return Ok(());
        }
        let licensed = licences
            .as_ref()
            .and_then(|l| l.tier_of(&cal.sip_address, &cal.identity))
            .or(options.default_tier);
        let current = cal.enterprise.map(Tier::of);
        let enterprise_reasons: Vec<&str> = cal
            .reasons
            .iter()
            .filter(|r| r.cal == Cal::Enterprise)
            .map(|r| r.detail.as_str())
            .collect();
        let policy = cal.conferencing_policy.clone().unwrap_or_default();
        let mut change = LyncPolicyChange {
            identity: cal.identity.clone(),
            sip_address: cal.sip_address.clone(),
            licensed_tier: licensed,
            current_policy: cal.conferencing_policy.as_deref().map(str::to_string),
            current_policy_source: cal.conferencing_policy_source,
            current_cal: current,
            target_policy: None,
            grant_policy_name: None,
            action: PlanAction::None,
            reason: String::new(),
        };
        let Some(licensed) = licensed else {
            unlicensed += 1;
            change.reason = "no licence information: the user is not in the licence list and no default tier was given".into();
            return Ok(sink.write(&change)?);
        };
        if current == Some(licensed) {
            if !options.all {
                return Ok(());
            }
            change.reason = format!("effective policy {policy} grants {licensed}, as licensed");
            return Ok(sink.write(&change)?);
        }
        let target = &targets[&licensed];
        change.reason = match current {
            Some(Tier::Enterprise) => format!(
                "licensed {licensed}, but effective policy {policy} enables Enterprise features ({})",
                enterprise_reasons.join(", ")
            ),
            Some(Tier::Standard) => format!(
                "licensed {licensed}, but effective policy {policy} enables no Enterprise feature"
            ),
            None => format!(
                "assigned policy {policy} does not exist; assign a policy that grants {licensed}"
            ),
        };
        change.target_policy = Some(target.identity());
        match target {
            Scope::Tag(name) => {
                change.grant_policy_name = Some(name.clone());
                change.action = PlanAction::Grant;
            }
            inherited => {
                // Removing the per-user policy only helps if the user would inherit the target.
                let inherits = if cal.site.as_deref().is_some_and(|s| {
                    estate
                        .conferencing
                        .get(&Scope::Site(s.to_string()))
                        .is_some()
                }) {
                    Scope::Site(cal.site.as_deref().unwrap_or_default().to_string())
                } else {
                    Scope::Global
                };
                if &inherits == inherited {
                    change.action = PlanAction::Grant;
                    change.reason.push_str(&format!(
                        "; removing the per-user policy makes {} apply",
                        inherited.identity()
                    ));
                } else {
                    change.reason.push_str(&format!(
                        "; the target {} is not what this user would inherit ({}): give a Tag: policy for {licensed}",
                        inherited.identity(),
                        inherits.identity(),
                    ));
                    change.target_policy = None;
                }
            }
        }
        Ok(sink.write(&change)?)
    })?;
    if unlicensed > 0 {
        reporter.warning(
            "Unlicensed",
            &format!(
                "{unlicensed} enabled user(s) have no licence information; their records say so"
            ),
        );
    }
    Ok(())
}

/// A `--licensed` row (CSV or any supported export).
#[derive(JsonSchema)]
#[allow(non_snake_case, dead_code)]
pub struct LicensedUserInput {
    /// SipAddress or Identity (at least one)
    SipAddress: Option<String>,
    Identity: Option<String>,
    /// Standard or Enterprise (spellings such as "Enterprise+Plus" read as Enterprise)
    Tier: String,
}
