//! Lync / Skype for Business Server: CAL tiers from configuration (entitlement, policy audit,
//! remediation plan, policy templates) and from usage (`usage/`). Rules: docs/rules/lync-configured.md
//! and docs/rules/lync-usage.md.
//!
//! Layering: this folder depends on the model and the reader only. It never sees flags, stdout or
//! stderr: each command takes an `Options` value, writes records to a `RecordSink` and reports
//! through a `Reporter`.

pub mod entitlement;
mod error;
pub mod estate;
pub mod inputs;
pub mod owned;
pub mod plan;
pub mod policies;
pub mod policy;
pub mod template;
pub mod usage;

pub use error::{LyncError, MissingInput};

use crate::model::SchemaEntry;

/// The record types the configured-tier commands read and write (usage has its own).
pub fn schemas() -> Vec<SchemaEntry> {
    let mut all = vec![
        SchemaEntry::output::<entitlement::LyncUserCal>(
            "CALs one Lync/SfB user or device is configured to need, with reasons",
        ),
        SchemaEntry::output::<entitlement::LyncCalSummary>(
            "Counts per tier, kind and combination (`lync entitlement`, with the summary)",
        ),
        SchemaEntry::output::<owned::LyncCalPosition>(
            "The CAL position of one tier: required by the configuration against owned counts (`lync entitlement`, given the CALs owned)",
        ),
        SchemaEntry::input::<owned::OwnedCalInput>(
            "OwnedCal",
            "Owned-counts rows `lync entitlement` reads from an owned file (an agreement's quantities per tier)",
        ),
        SchemaEntry::output::<policies::LyncPolicyAudit>(
            "One conferencing policy audited (`lync policies`)",
        ),
        SchemaEntry::output::<plan::LyncPolicyChange>(
            "One user's conferencing-policy change (`lync plan`)",
        ),
        SchemaEntry::output::<template::LyncPolicyTemplate>(
            "A conferencing policy of the CAL scheme (`lync template`)",
        ),
        SchemaEntry::input::<plan::LicensedUserInput>(
            "LicensedUser",
            "Licence list rows `lync plan` reads (who is licensed for which tier)",
        ),
    ];
    all.extend(inputs::schemas());
    all.extend(usage::schemas());
    all
}
