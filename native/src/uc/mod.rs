//! UC licence counting for Cisco and Microsoft estates (`uc count`), after VOSS Automate's
//! license counting: which directory users are licensed by a linked UC service, how many
//! licences they consume (phones in started tens above ten), hybrid users, standalone devices,
//! meeting rooms, and totals per customer. Rules: docs/rules/uc-counting.md.
//!
//! Layout: `count` (the run, and `SERVICES`, the table of services), `counter` (linking,
//! licences, the device and orphan passes, totals), `link` (what a service is: the `Service`
//! trait and the link rules), `service/` (one file per service: CUCM with its phones and BAT
//! exports, UCCX, Unity Connection, Webex, Microsoft Teams (`microsoft_teams`), Exchange Online, Pexip), `online_account`
//! (what one Get-CsOnlineUser record is for counting), `inputs` (the readers), `link_index` (a
//! service's link index), `totals`, `privacy`, `records`. Adding a service is one file in
//! `service/` and one row in `count::SERVICES`, beside what it shares with the rest of the
//! tool: its `UcService` variant (model), its `UcFiles` field and flag (app), and, when the
//! directory names it, its link column (`inputs::LINK_FIELDS`, `DirectoryUser::PROPERTIES`,
//! `UcDirectoryUserInput`).
//!
//! Layering: depends on the model, the reader and the shared Microsoft 365 inputs
//! (`crate::m365`) only. `run` takes `CountOptions`, writes records to a `RecordSink` and
//! reports through a `Reporter`; it never sees flags, stdout or stderr. This file only declares
//! and re-exports: the modules below never name it.

mod count;
mod counter;
mod error;
pub mod inputs;
pub mod key;
mod link;
mod link_index;
pub mod online_account;
mod options;
pub mod privacy;
pub mod records;
mod service;
mod totals;

pub use count::run;
pub use error::UcError;
pub use options::{CountOptions, UcFiles};

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
