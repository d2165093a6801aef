//! Server CALs from User Access Logging: evidence → consumption → compliance. Rules:
//! docs/rules/ual-server-cal.md.
//!
//! Layering: depends on the model and the reader only; `compliance::run` takes `Options`,
//! writes to a `RecordSink` and reports through a `Reporter`.
//!
//! `compliance::run` in steps, a file each: `settings` (the rules the options imply) → `engine`
//! (each evidence row into the `tables`) → `needs` (one per principal and family) →
//! `consumption` (licences drawn via `allocation`, External Connectors) → `positions` (one line
//! per product, CAL type and version) → `summary`.

pub mod allocation;
pub mod compliance;
mod consumption;
mod engine;
pub mod evidence;
pub mod inputs;
pub mod licenses;
mod needs;
mod options;
mod positions;
pub mod records;
pub mod roles;
mod settings;
mod summary;
mod tables;

pub use compliance::{ComplianceOptions, Outcome, UalError};

use crate::model::SchemaEntry;

pub fn schemas() -> Vec<SchemaEntry> {
    use records::*;
    vec![
        SchemaEntry::output::<UalEvidence>(
            "One UAL evidence row, normalised (`ual compliance`, when evidence output is asked for)",
        ),
        SchemaEntry::output::<UnrecognizedEvidence>(
            "Evidence no known product matched, kept and reported",
        ),
        SchemaEntry::output::<CalConsumption>(
            "One CAL consumed: a principal and product family, or an External Connector",
        ),
        SchemaEntry::output::<CalCompliance>(
            "Required, owned, covered and short per product, CAL type and version",
        ),
        SchemaEntry::output::<CalLicenseUse>("How much of one licence row was used"),
        SchemaEntry::output::<UalEvidenceSummary>(
            "What the evidence held and what was excluded, and why",
        ),
        SchemaEntry::input::<licenses::LicenseInput>(
            "CalLicense",
            "Licences-owned rows `ual compliance` reads",
        ),
        SchemaEntry::input::<inputs::UalEvidenceGapInput>(
            "UalEvidenceGap",
            "A server whose evidence is missing, in a UAL evidence input (Get-UalCalEvidence writes one per server it could not read): the position is marked incomplete",
        ),
        SchemaEntry::input::<inputs::UalPrincipalInput>(
            "UalPrincipal",
            "Principals-in-scope rows `ual compliance` reads (access mode)",
        ),
    ]
}
