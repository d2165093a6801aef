//! Teams licence ↔ configuration (`teams assignments`): licences paid for that the configuration
//! cannot use (waste), configuration no licence covers (broken), and voice users whose licence
//! is in grace (risk), each with the evidence behind it, and a summary with what can be
//! reclaimed. Rules: docs/rules/teams-assignments.md.
//!
//! Layering: depends on the model, the reader and the shared Microsoft 365 inputs
//! (`crate::m365`) only. `run` takes `AssignmentOptions`, writes records to a `RecordSink` and
//! reports through a `Reporter`; it never sees flags, stdout or stderr.

mod assignments;
mod error;
mod holding;
pub mod inputs;
pub mod records;
pub mod rules;

pub use assignments::{read_user, run, AssignmentOptions};
pub use error::TeamsError;

use crate::model::SchemaEntry;

/// The record types `teams assignments` reads and writes.
pub fn schemas() -> Vec<SchemaEntry> {
    use records::*;
    vec![
        SchemaEntry::output::<TeamsAssignmentFinding>(
            "One licence ↔ configuration problem of one Teams account: code, severity (Waste, Broken, Risk, Info), plans, evidence (`teams assignments`)",
        ),
        SchemaEntry::output::<TeamsAssignmentSummary>(
            "Counts per code and severity, plan holders and reclaimable plans (bought separately, in a suite, or not placed, with licence data), monthly waste when prices are given and what it is (WasteBasis: a saving, or plan value without licence data), and which rules could be evaluated",
        ),
        SchemaEntry::input::<inputs::PhoneNumberAssignmentInput>(
            "TeamsPhoneNumberAssignment",
            "Get-CsPhoneNumberAssignment rows `teams assignments` reads (TelephoneNumber, NumberType, AssignedPstnTargetId)",
        ),
        SchemaEntry::input::<inputs::VoiceRoutingPolicyInput>(
            "TeamsVoiceRoutingPolicy",
            "Get-CsOnlineVoiceRoutingPolicy rows `teams assignments` reads (Identity, OnlinePstnUsages): whether the Global policy holds PSTN usages, and the usages of each policy",
        ),
        SchemaEntry::input::<inputs::VoiceRouteInput>(
            "TeamsVoiceRoute",
            "Get-CsOnlineVoiceRoute rows `teams assignments` reads (Identity, NumberPattern, OnlinePstnUsages, OnlinePstnGatewayList, Priority): whether a policy routes every number over Direct Routing",
        ),
        SchemaEntry::input::<inputs::SharedCallingPolicyInput>(
            "TeamsSharedCallingPolicy",
            "Get-CsTeamsSharedCallingRoutingPolicy rows `teams assignments` reads (Identity, ResourceAccount): whether the Global policy makes every user a Shared Calling user",
        ),
        SchemaEntry::input::<inputs::CallQueueInput>(
            "TeamsCallQueue",
            "Get-CsCallQueue rows `teams assignments` reads (Identity, Name, Agents, Users, DistributionLists, AgentsCapped, AgentsInSyncWithDistributionLists): the agents, who need Teams Phone and voice but no number",
        ),
        SchemaEntry::input::<inputs::PlanPriceInput>(
            "TeamsPlanPrice",
            "The price list `teams assignments` reads to value the waste: Plan (an AssignedPlan Capability such as MCOEV), MonthlyPrice",
        ),
        SchemaEntry::input::<inputs::UserLicensesInput>(
            "M365UserLicenses",
            "The users' licences `teams assignments` and `uc count` read: Get-MgUser -Property UserPrincipalName,AssignedLicenses (SkuId, DisabledPlans), or rows of UserPrincipalName, SkuId, SkuPartNumber",
        ),
        SchemaEntry::input::<inputs::SubscribedSkuInput>(
            "M365SubscribedSku",
            "The tenant's SKUs `teams assignments` reads to tell a plan bought separately from one inside a suite: Get-MgSubscribedSku (SkuId, SkuPartNumber, ServicePlans: ServicePlanId, ServicePlanName, AppliesTo)",
        ),
    ]
}
