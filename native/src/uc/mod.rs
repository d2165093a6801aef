//! UC licence counting for Cisco and Microsoft estates (`uc count`), after VOSS Automate's
//! license counting: which directory users are licensed by a linked UC service, how many
//! licences they consume (phones in started tens above ten), hybrid users, standalone devices,
//! meeting rooms, and totals per customer. Rules: docs/rules/uc-counting.md.
//!
//! Layering: depends on the model, the reader and the shared Microsoft 365 inputs
//! (`crate::m365`) only. `count::run` takes `CountOptions`, writes records to a `RecordSink` and
//! reports through a `Reporter`; it never sees flags, stdout or stderr.

pub mod count;
mod error;
pub mod inputs;
pub mod key;
pub mod privacy;
pub mod records;
mod services;
pub mod teams;
mod totals;

pub use count::{run, CountOptions, UcFiles};
pub use error::UcError;

use crate::model::SchemaEntry;

/// The record types `uc count` reads and writes.
pub fn schemas() -> Vec<SchemaEntry> {
    use records::*;
    vec![
        SchemaEntry::output::<UcUserLicense>(
            "One directory user: linked services, the rule that linked each, licences consumed, phones (`uc count`)",
        ),
        SchemaEntry::output::<UcDevice>(
            "A standalone device: CUCM phone with no owner, Webex workspace enabled for calling, Teams common area phone",
        ),
        SchemaEntry::output::<UcMeetingRoom>("A Teams meeting room account (TeamsRoomPro / TeamsRoomBasic)"),
        SchemaEntry::output::<UcOrphanService>(
            "A service record no directory user links to (reported, never dropped)",
        ),
        SchemaEntry::output::<UcLicenseTotal>(
            "VOSS-style totals per customer, above customers (blank pkid), and for the estate",
        ),
        SchemaEntry::input::<inputs::UcDirectoryUserInput>(
            "UcDirectoryUser",
            "User directory rows `uc count` reads (VOSS data/User: identity, customer, explicit link fields)",
        ),
    ]
}
