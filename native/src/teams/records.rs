//! The records `teams assignments` writes.

use crate::model::teams::{
    AccountType, TeamsFindingCode, TeamsPlanFamily, TeamsRule, TeamsSeverity,
};
use crate::model::OutputRecord;
use schemars::JsonSchema;
use serde::Serialize;

/// One licence ↔ configuration problem of one account.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TeamsAssignmentFinding {
    pub user_principal_name: String,
    pub display_name: Option<String>,
    /// Get-CsOnlineUser AccountType (User, ResourceAccount, ...); `ResourceAccount` also when
    /// the account is in the Get-CsOnlineApplicationInstance export
    pub account_type: Option<AccountType>,
    pub code: TeamsFindingCode,
    pub severity: TeamsSeverity,
    /// The plans (AssignedPlan Capability) the finding is about
    pub plans: Vec<String>,
    /// The plans that can be taken back from this account (Waste only). A plan that comes in a
    /// suite (E5) is recovered by changing the suite, not by removing the plan
    pub reclaimable_plans: Vec<String>,
    /// How each reclaimable plan is held, one entry per plan in ReclaimablePlans' order, from
    /// the licence data: `MCOEV: SKU MCOEV, bought separately ...: return it` (a saving),
    /// `MCOEV: in SPE_E5, a suite ...: recovered only by changing or removing the suite`, or
    /// why it is not known (no licence data given, or none for this account)
    pub reclaimable_via: Vec<String>,
    pub message: String,
    /// What the finding rests on: each property and value read
    pub evidence: Vec<TeamsEvidence>,
    /// The input file and record number of the account
    pub source: String,
}

impl OutputRecord for TeamsAssignmentFinding {
    const RECORD_TYPE: &'static str = "TeamsAssignmentFinding";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "UserPrincipalName",
        "Severity",
        "Code",
        "Plans",
        "ReclaimablePlans",
    ];
}

/// One fact a finding rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TeamsEvidence {
    /// The cmdlet whose output held it: Get-CsOnlineUser, Get-CsPhoneNumberAssignment,
    /// Get-CsOnlineApplicationInstance, Get-CsOnlineVoiceRoutingPolicy, Get-CsOnlineVoiceRoute,
    /// Get-CsTeamsSharedCallingRoutingPolicy, Get-CsCallQueue
    pub source: String,
    /// e.g. `EnterpriseVoiceEnabled`, `AssignedPlan MCOEV`, `NumberType +14255550100`
    pub property: String,
    /// As read, e.g. `False`, `Enabled`, `DirectRouting`; `(not set)` for blank or null
    pub value: String,
}

impl TeamsEvidence {
    pub fn new(source: &str, property: impl Into<String>, value: impl Into<String>) -> Self {
        TeamsEvidence {
            source: source.into(),
            property: property.into(),
            value: value.into(),
        }
    }
}

/// Counts over the whole tenant: they add up to the findings written before it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TeamsAssignmentSummary {
    /// Get-CsOnlineUser records read (bad records and repeated UPNs excluded)
    pub accounts_read: u64,
    /// Accounts the rules were applied to
    pub accounts_evaluated: u64,
    /// Accounts no rule applies to, and why
    pub accounts_not_evaluated: Vec<TeamsCount>,
    pub findings: u64,
    pub waste: u64,
    pub broken: u64,
    pub risk: u64,
    /// Review items: a licence that may be in use as configured (nothing reclaimable)
    pub info: u64,
    /// Findings per code (every code listed, zero included)
    pub by_code: Vec<TeamsCodeCount>,
    /// Every plan seen, known or not
    pub plans: Vec<TeamsPlanCount>,
    /// Sum of MonthlyWaste over the plans; null without a price list. What it is depends on
    /// WasteBasis: a saving (plans bought separately) or plan value (no licence data)
    pub monthly_waste: Option<f64>,
    /// `Saving` with licence data (only plans bought as a SKU of their own are in
    /// MonthlyWaste), `PlanValue` without (every reclaimable plan at its price, suites included)
    pub waste_basis: TeamsWasteBasis,
    /// What WasteBasis means for MonthlyWaste, in one sentence
    pub waste_note: String,
    /// With licence data and a price list: what the reclaimable plans inside suites are worth
    /// at their plan prices (recovered only by changing the suite, so not in MonthlyWaste);
    /// null otherwise
    pub monthly_value_in_suites: Option<f64>,
    /// With licence data and a price list: the reclaimable plans the licence data does not
    /// place (account or SKU not in it), at their plan prices, not in MonthlyWaste; null
    /// otherwise
    pub monthly_value_unknown: Option<f64>,
    /// Reclaimable plans the price list does not price (their waste is not in MonthlyWaste)
    pub unpriced_plans: Vec<String>,
    /// Which rules ran, and what a rule that could not run needs
    pub rules: Vec<TeamsRuleStatus>,
    /// Input files these totals were built on that were read only in part, each with how many of
    /// its records were not used (reported on stderr); empty when every record was read
    pub incomplete_inputs: Vec<crate::model::IncompleteInput>,
}
impl OutputRecord for TeamsAssignmentSummary {
    const RECORD_TYPE: &'static str = "TeamsAssignmentSummary";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "AccountsEvaluated",
        "Findings",
        "Waste",
        "Broken",
        "Risk",
        "Info",
        "MonthlyWaste",
        "WasteBasis",
    ];
}

/// What MonthlyWaste is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub enum TeamsWasteBasis {
    /// Licence data given: only reclaimable plans bought as a SKU of their own are priced
    Saving,
    /// No licence data: every reclaimable plan at its price, including plans inside suites
    /// that cannot be returned alone: plan value, not a saving
    PlanValue,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TeamsCount {
    pub reason: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TeamsCodeCount {
    pub code: TeamsFindingCode,
    pub severity: TeamsSeverity,
    pub findings: u64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TeamsPlanCount {
    /// The AssignedPlan Capability, as first seen
    pub plan: String,
    pub family: TeamsPlanFamily,
    /// False for a plan this audit does not know (kept, never dropped)
    pub known: bool,
    /// Accounts evaluated that hold it in Enabled or Warning state
    pub holders: u64,
    /// Accounts whose Waste findings name it (each account once)
    pub reclaimable: u64,
    /// Of Reclaimable, those bought as a SKU of their own (a saving); null without licence data
    pub reclaimable_separate: Option<u64>,
    /// Of Reclaimable, those inside a suite (recovered only by changing it); null without
    /// licence data
    pub reclaimable_in_suite: Option<u64>,
    /// Of Reclaimable, those the licence data does not place; null without licence data
    pub reclaimable_unknown: Option<u64>,
    /// From the price list; null when not priced
    pub monthly_price: Option<f64>,
    /// MonthlyPrice × ReclaimableSeparate with licence data (a saving), × Reclaimable without
    /// (plan value); null when not priced
    pub monthly_waste: Option<f64>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TeamsRuleStatus {
    /// The finding code, or the name of a check that has none (it never writes findings)
    pub rule: TeamsRule,
    pub evaluated: bool,
    /// Accounts the rule could not decide for lack of a property (0 when it decided all)
    pub undecided: u64,
    /// What the rule needs that the input lacks, or why it cannot be decided from this data
    pub note: Option<String>,
}
