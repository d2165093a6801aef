//! LicenseAudit's shared vocabulary. Everything an audit produces or consumes that is not tied
//! to a file format or to the command line lives here: output records and their schemas, the
//! reasons and findings behind every classification, the tiers and answers records carry, input
//! errors, and the [`RecordSink`] / [`Reporter`] traits audits write through.
//!
//! Dependency rule (checked by `native/tests/architecture.rs`): this crate depends on no other
//! LicenseAudit crate, performs no I/O and knows nothing of command-line flags.

mod input_error;
pub mod record;

pub use input_error::InputError;
pub use record::{input_schema, output_schema, OutputRecord};
