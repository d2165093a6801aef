//! LicenseAudit's shared vocabulary. Everything an audit produces or consumes that is not tied
//! to a file format or to the command line lives here: output records and their schemas, the
//! reasons and findings behind every classification, the tiers and answers records carry, input
//! errors, and the [`RecordSink`] / [`Reporter`] traits audits write through.
//!
//! Dependency rule (the compiler enforces it: this crate depends on no other LicenseAudit
//! crate): no I/O, nothing of the command line.

mod choice;
pub mod equivalency;
mod finding;
mod incomplete;
mod input_error;
mod io_error;
pub mod json_text;
pub mod money;
pub mod record;
pub mod rightsizing;
pub mod server_cal;
pub mod shared;
pub mod sink;
pub mod teams;
pub mod text;
pub mod tier;
pub mod uc;

pub use choice::Choice;
pub use finding::{Finding, FindingCode, Reason, Severity};
pub use incomplete::{incomplete_line, merge_incomplete, IncompleteInput};
pub use input_error::InputError;
pub use io_error::{IoError, OutputError};
pub use record::{input_schema, output_schema, OutputRecord, SchemaEntry, SchemaKind};
pub use rightsizing::{Confidence, RightSizingCode};
pub use shared::{SharedList, SharedText, SHARED_LIST};
pub use sink::{RecordSink, Reporter};
pub use tier::{
    tier_combination, Cal, LyncKind, PlanAction, PolicyScope, PolicySource, RuleSet, Tier,
    UsageAnswer, UsageDeviceKind, TIER_COMBINATIONS,
};
