//! `lync policies`: an audit of the conferencing policies themselves — the tier each implies,
//! the Enterprise features it enables, who it applies to, and the known misconfigurations.

use super::estate::{resolve, Estate, EstateFiles, PolicyKind, PolicyTable};
use super::inputs::{ConferencingPolicy, CsUser, Scope};
use super::policy::{implied_tier, RuleSet, SettingValue, DISPUTED_RECORDING};
use super::LyncError;
use crate::ingest::{load_all, stream_each_borrowed, DateOrder};
use crate::model::{Finding, FindingCode, OutputRecord, PolicyScope, RecordSink, Reporter, Tier};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One conferencing policy, audited.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LyncPolicyAudit {
    pub identity: String,
    pub scope: PolicyScope,
    /// Null for an assigned policy that does not exist
    pub implied_cal: Option<Tier>,
    /// The settings that make an organiser Enterprise under the rule set
    pub enterprise_features: Vec<String>,
    pub max_meeting_size: Option<i64>,
    /// Settings the export did not hold, read as their Lync default (e.g. `AllowIPVideo=True`)
    pub settings_from_defaults: Vec<String>,
    /// Enabled users whose effective policy this is (when --users is given)
    pub assigned_users: Option<u64>,
    pub rules: RuleSet,
    pub findings: Vec<Finding>,
    /// Input files these totals were built on that were read only in part, each with how many of
    /// its records were not used (reported on stderr); empty when every record was read
    pub incomplete_inputs: Vec<crate::model::IncompleteInput>,
}
impl OutputRecord for LyncPolicyAudit {
    const RECORD_TYPE: &'static str = "LyncPolicyAudit";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "Identity",
        "ImpliedCal",
        "AssignedUsers",
        "Findings",
        "EnterpriseFeatures",
    ];
}

/// Whether a policy name says it is for Standard users: a word STD or Standard
/// (`STD_CAL_NoConferencing`, `Standard-Users`, `StdUsers`).
pub fn named_standard(name: &str) -> bool {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .map(|w| w.to_ascii_lowercase())
        .any(|w| w.starts_with("std") || w.starts_with("standard"))
}

pub fn audit_policy(
    p: &ConferencingPolicy,
    rules: RuleSet,
    assigned: Option<u64>,
) -> LyncPolicyAudit {
    let (tier, features) = implied_tier(&p.settings, rules, false);
    let enterprise = tier == Tier::Enterprise;
    let listed = features
        .iter()
        .map(|f| f.describe())
        .collect::<Vec<_>>()
        .join(", ");
    let mut findings = Vec::new();
    let max = match &p.get("MaxMeetingSize").value {
        SettingValue::Int(i) => Some(*i),
        _ => None,
    };
    if let Some(m) = max.filter(|m| *m <= 2) {
        findings.push(Finding::warning(
            FindingCode::MaxMeetingSizeBlocksMultipartyIm,
            format!("MaxMeetingSize={m} stops a third person joining an IM conversation, and multi-party IM is included in the Standard CAL; raise it (any value above 2, e.g. the default 250)"),
        ));
    }
    let name = match &p.scope {
        Scope::Tag(n) | Scope::Site(n) => n.as_str(),
        Scope::Global => "Global",
    };
    if enterprise && named_standard(name) {
        findings.push(Finding::error(
            FindingCode::StandardNameEnablesEnterprise,
            format!("named as a Standard policy but enables Enterprise features ({listed}): everyone it applies to needs an Enterprise CAL"),
        ));
    }
    if enterprise && !matches!(p.scope, Scope::Tag(_)) {
        let who = match &p.scope {
            Scope::Site(s) => format!("every user homed at site {s} without a per-user policy"),
            _ => "every user without a per-user or site policy".to_string(),
        };
        findings.push(Finding::warning(
            FindingCode::InheritedPolicyEnterprise,
            format!("{} policy enables Enterprise features ({listed}): {who} inherits it and needs an Enterprise CAL{}",
                p.scope.kind(),
                assigned.map(|n| format!(" ({n} users now)")).unwrap_or_default()),
        ));
    }
    for name in DISPUTED_RECORDING {
        let s = p.get(name);
        if s.value == SettingValue::Bool(true) {
            findings.push(Finding::warning(
                FindingCode::RecordingTierDisputed,
                format!("{}: no source confirms which CAL recording needs: only the strict rule set counts it as Enterprise; decide it with your licensing partner and record the decision", s.describe()),
            ));
        }
    }
    if assigned == Some(0) && matches!(p.scope, Scope::Tag(_)) {
        findings.push(Finding::info(
            FindingCode::PolicyUnused,
            "no enabled user has this policy; remove it or document why it is kept",
        ));
    }
    let settings_from_defaults: Vec<String> = p
        .settings
        .iter()
        .filter(|s| !s.explicit)
        .map(|s| format!("{}={}", s.name, s.value))
        .collect();
    if enterprise && features.iter().all(|f| !f.explicit) {
        findings.push(Finding::warning(
            FindingCode::TierFromLyncDefaults,
            format!("Enterprise rests only on settings the export does not hold, read as their Lync defaults ({listed}): re-export Get-CsConferencingPolicy with every property before relying on it"),
        ));
    }
    LyncPolicyAudit {
        settings_from_defaults,
        identity: p.scope.identity(),
        scope: p.scope.kind(),
        implied_cal: Some(tier),
        enterprise_features: features.iter().map(|f| f.name.to_string()).collect(),
        max_meeting_size: max,
        assigned_users: assigned,
        rules,
        findings,
        incomplete_inputs: Vec::new(),
    }
}

#[derive(Debug, Clone)]
pub struct PoliciesOptions {
    /// Get-CsConferencingPolicy
    pub conferencing_policies: String,
    /// Get-CsUser, to count the users each policy applies to
    pub users: Option<String>,
    /// Get-CsPool (with users, when site policies exist)
    pub pools: Option<String>,
    pub rules: RuleSet,
    /// The month/day order of the exports' culture-text dates, when the admin gave it.
    pub date_order: Option<DateOrder>,
}

/// `lync policies`: one LyncPolicyAudit per policy, and one per assigned policy that is missing.
pub fn run(
    options: &PoliciesOptions,
    sink: &mut impl RecordSink,
    reporter: &mut impl Reporter,
) -> Result<(), LyncError> {
    let conf_path = &options.conferencing_policies;
    let conf = load_all(
        conf_path,
        options.date_order,
        reporter,
        ConferencingPolicy::read,
    )?;
    let table = PolicyTable::new(conf, conf_path, "conferencing policy")?;
    let mut counts: Option<HashMap<String, u64>> = None;
    let mut missing: BTreeMap<String, u64> = BTreeMap::new();
    if let Some(users) = &options.users {
        let files = EstateFiles {
            conferencing_policies: conf_path.clone(),
            pools: options.pools.clone(),
            ..Default::default()
        };
        let estate = Estate::load(&files, options.rules, options.date_order, reporter)?;
        let mut c: HashMap<String, u64> = HashMap::new();
        stream_each_borrowed(
            users,
            Some(CsUser::PROPERTIES),
            options.date_order,
            "Counting policy assignments",
            reporter,
            |reporter, rec| {
                match CsUser::read(rec) {
                    Ok(u) if u.enabled && !u.homed_online() => {
                        let site = estate.site_of(u.registrar_pool.as_deref());
                        let r = resolve(
                            &estate.conferencing,
                            &u.conferencing,
                            &site,
                            PolicyKind::Conferencing,
                        );
                        if r.policy.is_some() {
                            *c.entry(r.identity.to_ascii_lowercase()).or_default() += 1;
                        } else {
                            *missing.entry(r.identity).or_default() += 1;
                        }
                    }
                    Ok(_) => {}
                    Err(e) if e.fatal => return Err(e.into()),
                    Err(e) => reporter.bad_record(&e),
                }
                Ok::<(), LyncError>(())
            },
        )?;
        counts = Some(c);
    }
    // Each policy's AssignedUsers is a total over the users file.
    let incomplete = reporter.incomplete_inputs();
    for p in &table.items {
        let assigned = counts
            .as_ref()
            .map(|c| c.get(&p.scope.key()).copied().unwrap_or(0));
        let mut audit = audit_policy(p, options.rules, assigned);
        audit.incomplete_inputs = incomplete.clone();
        sink.write(&audit)?;
    }
    for (identity, n) in missing {
        sink.write(&LyncPolicyAudit {
            scope: Scope::parse(&identity).kind(),
            identity: identity.clone(),
            implied_cal: None,
            enterprise_features: Vec::new(),
            max_meeting_size: None,
            settings_from_defaults: Vec::new(),
            assigned_users: Some(n),
            rules: options.rules,
            findings: vec![Finding::error(
                FindingCode::AssignedPolicyMissing,
                format!("{n} user(s) are assigned {identity}, which is not in the conferencing policy export: their Enterprise need cannot be decided (re-export Get-CsConferencingPolicy, or re-assign them)"),
            )],
            incomplete_inputs: incomplete.clone(),
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_names() {
        assert!(named_standard("STD_CAL_NoConferencing"));
        assert!(named_standard("Standard-Users"));
        assert!(named_standard("StdUsers"));
        assert!(!named_standard("ENT_CAL_REC_Audio"));
        assert!(!named_standard("Studio"));
    }
}
