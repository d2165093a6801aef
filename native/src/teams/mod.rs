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
pub mod inputs;
pub mod records;
pub mod rules;

pub use assignments::{run, AssignmentOptions};
pub use error::TeamsError;

use crate::model::SchemaEntry;

/// The record types `teams assignments` reads and writes.
pub fn schemas() -> Vec<SchemaEntry> {
    use records::*;
    vec![
        SchemaEntry::output::<TeamsAssignmentFinding>(
            "One licence ↔ configuration problem of one Teams account: code, severity (Waste, Broken, Risk), plans, evidence (`teams assignments`)",
        ),
        SchemaEntry::output::<TeamsAssignmentSummary>(
            "Counts per code and severity, plan holders and reclaimable plans, monthly waste when prices are given, and which rules could be evaluated",
        ),
        SchemaEntry::input::<inputs::PhoneNumberAssignmentInput>(
            "TeamsPhoneNumberAssignment",
            "Get-CsPhoneNumberAssignment rows `teams assignments` reads (TelephoneNumber, NumberType, AssignedPstnTargetId)",
        ),
        SchemaEntry::input::<inputs::PlanPriceInput>(
            "TeamsPlanPrice",
            "The price list `teams assignments` reads to value the waste: Plan (an AssignedPlan Capability such as MCOEV), MonthlyPrice",
        ),
    ]
}
