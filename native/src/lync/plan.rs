//! `lync plan`: bring conferencing-policy assignments in line with the CALs owned. For each
//! enabled user whose effective policy grants more (or less) than their licence, the policy to
//! grant instead, ready for Grant-CsConferencingPolicy.

use super::entitlement::for_each_classified;
use super::estate::{Estate, PolicyTable};
use super::inputs::{sip_key, ConferencingPolicy, Scope};
use super::policy::enterprise_features;
use crate::error::{AppError, AppResult, InputError};
use crate::ingest::Record;
use crate::records::OutputRecord;
use crate::run::Context;
use clap::ValueEnum;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum, Serialize, JsonSchema)]
pub enum Tier {
    Standard,
    Enterprise,
}

impl Tier {
    pub fn name(self) -> &'static str {
        match self {
            Tier::Standard => "Standard",
            Tier::Enterprise => "Enterprise",
        }
    }

    /// `Standard`, `Enterprise`, and the spellings licence sheets use (`Enterprise+Plus`,
    /// `Lync Enterprise CAL`): Enterprise wins when both words appear.
    pub fn parse(s: &str) -> Option<Tier> {
        let l = s.to_ascii_lowercase();
        if l.contains("enterprise") {
            Some(Tier::Enterprise)
        } else if l.contains("standard") {
            Some(Tier::Standard)
        } else {
            None
        }
    }
}

/// One user's conferencing-policy change (or confirmation, with --all).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LyncPolicyChange {
    pub identity: String,
    pub sip_address: String,
    /// Standard or Enterprise; null when no licence information covers the user
    pub licensed_tier: Option<String>,
    /// The effective conferencing policy now
    pub current_policy: Option<String>,
    pub current_policy_source: Option<String>,
    /// The tier the current policy grants (null: assigned policy missing)
    pub current_cal: Option<String>,
    pub target_policy: Option<String>,
    /// Grant-CsConferencingPolicy -PolicyName value; null removes the per-user assignment
    pub grant_policy_name: Option<String>,
    /// Grant or None
    pub action: String,
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
    fn read(ctx: &mut Context, path: &str) -> AppResult<Licences> {
        let rows = ctx.load_all(
            path,
            |r: &Record| -> Result<(Vec<String>, Tier), InputError> {
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
                let tier = Tier::parse(&text).ok_or_else(|| {
                    r.error(
                        "Tier",
                        format!("'{text}' is neither Standard nor Enterprise"),
                    )
                })?;
                Ok((keys, tier))
            },
        )?;
        let mut by_key = HashMap::new();
        for (keys, tier) in rows {
            for k in keys {
                by_key.insert(k, tier);
            }
        }
        Ok(Licences { by_key })
    }

    fn tier_of(&self, sip: &str, identity: &str) -> Option<Tier> {
        self.by_key
            .get(&sip_key(sip))
            .or_else(|| self.by_key.get(&identity.trim().to_ascii_lowercase()))
            .copied()
    }
}

/// Parses `--tier-policy Standard=Tag:STD_CAL_NoConferencing` and checks the policy exists and
/// grants exactly that tier under the rule set, so the plan never proposes a policy that would
/// itself be wrong.
fn tier_policies(
    args: &[String],
    table: &PolicyTable<ConferencingPolicy>,
    estate: &Estate,
) -> AppResult<HashMap<Tier, Scope>> {
    let mut map = HashMap::new();
    for a in args {
        let (t, p) = a.split_once('=').ok_or_else(|| {
            AppError::Arguments(format!(
                "--tier-policy '{a}' is not TIER=POLICY (e.g. Standard=Tag:STD_CAL_NoConferencing)"
            ))
        })?;
        let tier = Tier::parse(t.trim()).ok_or_else(|| {
            AppError::Arguments(format!(
                "--tier-policy '{a}': '{t}' is not Standard or Enterprise"
            ))
        })?;
        let scope = Scope::parse(p);
        let policy = table.get(&scope).ok_or_else(|| {
            AppError::Arguments(format!(
                "--tier-policy '{a}': {} is not in the conferencing policy export",
                scope.identity()
            ))
        })?;
        let features = enterprise_features(&policy.settings, estate.rules, false);
        let grants = if features.is_empty() {
            Tier::Standard
        } else {
            Tier::Enterprise
        };
        if grants != tier {
            return Err(AppError::Arguments(format!(
                "--tier-policy '{a}': {} grants {} under the {} rules ({}), so it cannot be the {} policy",
                scope.identity(),
                grants.name(),
                estate.rules.name(),
                if features.is_empty() { "no Enterprise feature".to_string() } else { features.iter().map(|f| f.describe()).collect::<Vec<_>>().join(", ") },
                tier.name()
            )));
        }
        map.insert(tier, scope);
    }
    Ok(map)
}

pub fn run(ctx: &mut Context, args: &crate::cli::PlanArgs) -> AppResult<()> {
    if args.licensed.is_none() && args.default_tier.is_none() {
        return Err(AppError::Arguments("give --licensed FILE, --default-tier, or both: the plan needs to know what each user is licensed for".into()));
    }
    let files = args.inputs.files()?;
    let estate = Estate::load(ctx, &super::entitlement::estate_files(&files), files.rules)?;
    let licences = match &args.licensed {
        Some(p) => Some(Licences::read(ctx, p)?),
        None => None,
    };
    let targets = tier_policies(&args.tier_policy, &estate.conferencing, &estate)?;
    let mut needed: Vec<Tier> = licences
        .iter()
        .flat_map(|l| l.by_key.values().copied())
        .chain(args.default_tier)
        .collect();
    needed.sort_by_key(|t| t.name());
    needed.dedup();
    if let Some(t) = needed.iter().find(|t| !targets.contains_key(t)) {
        return Err(AppError::Arguments(format!(
            "--tier-policy {}=POLICY is needed: users are licensed {}",
            t.name(),
            t.name()
        )));
    }
    let mut out = ctx.open_output()?;
    let errors_before = ctx.diag.error_count();
    let mut unlicensed = 0u64;
    for_each_classified(ctx, &estate, &files, |_, cal| {
        if cal.kind != "User" || !cal.standard {
            return Ok(());
        }
        let licensed = licences
            .as_ref()
            .and_then(|l| l.tier_of(&cal.sip_address, &cal.identity))
            .or(args.default_tier);
        let current = cal
            .enterprise
            .map(|e| if e { Tier::Enterprise } else { Tier::Standard });
        let enterprise_reasons: Vec<&str> = cal
            .reasons
            .iter()
            .filter(|r| r.cal == "Enterprise")
            .map(|r| r.detail.as_str())
            .collect();
        let policy = cal.conferencing_policy.clone().unwrap_or_default();
        let mut change = LyncPolicyChange {
            identity: cal.identity.clone(),
            sip_address: cal.sip_address.clone(),
            licensed_tier: licensed.map(|t| t.name().to_string()),
            current_policy: cal.conferencing_policy.clone(),
            current_policy_source: cal.conferencing_policy_source.clone(),
            current_cal: current.map(|t| t.name().to_string()),
            target_policy: None,
            grant_policy_name: None,
            action: "None".into(),
            reason: String::new(),
        };
        let Some(licensed) = licensed else {
            unlicensed += 1;
            change.reason = "no licence information: the user is not in --licensed and no --default-tier was given".into();
            return out.write(&change).map_err(AppError::Output);
        };
        if current == Some(licensed) {
            if !args.all {
                return Ok(());
            }
            change.reason = format!(
                "effective policy {policy} grants {}, as licensed",
                licensed.name()
            );
            return out.write(&change).map_err(AppError::Output);
        }
        let target = &targets[&licensed];
        change.reason = match current {
            Some(Tier::Enterprise) => format!(
                "licensed {}, but effective policy {policy} enables Enterprise features ({})",
                licensed.name(),
                enterprise_reasons.join(", ")
            ),
            Some(Tier::Standard) => format!(
                "licensed {}, but effective policy {policy} enables no Enterprise feature",
                licensed.name()
            ),
            None => format!(
                "assigned policy {policy} does not exist; assign a policy that grants {}",
                licensed.name()
            ),
        };
        change.target_policy = Some(target.identity());
        match target {
            Scope::Tag(name) => {
                change.grant_policy_name = Some(name.clone());
                change.action = "Grant".into();
            }
            inherited => {
                // Removing the per-user policy only helps if the user would inherit the target.
                let inherits = if cal.site.as_deref().is_some_and(|s| {
                    estate
                        .conferencing
                        .get(&Scope::Site(s.to_string()))
                        .is_some()
                }) {
                    Scope::Site(cal.site.clone().unwrap_or_default())
                } else {
                    Scope::Global
                };
                if &inherits == inherited {
                    change.action = "Grant".into();
                    change.reason.push_str(&format!(
                        "; removing the per-user policy makes {} apply",
                        inherited.identity()
                    ));
                } else {
                    change.reason.push_str(&format!(
                        "; the target {} is not what this user would inherit ({}): give a Tag: policy for {}",
                        inherited.identity(),
                        inherits.identity(),
                        licensed.name()
                    ));
                    change.target_policy = None;
                }
            }
        }
        out.write(&change).map_err(AppError::Output)
    })?;
    out.finish().map_err(AppError::Output)?;
    if unlicensed > 0 {
        ctx.diag.warning(
            "Unlicensed",
            &format!(
                "{unlicensed} enabled user(s) have no licence information; their records say so"
            ),
        );
    }
    ctx.problems_since(errors_before)
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
