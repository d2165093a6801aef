//! `uc count`: the services each directory user is linked to, the licences they consume, the
//! standalone devices and meeting rooms, and the totals per customer (VOSS's license counting,
//! from exports). Order of work:
//!
//! 1. every service's side exports (IP phone policies, resource accounts, licence data, Webex
//!    licence names), then its records: the link indexes;
//! 2. the directory, streamed: one UcUserLicense per user, in input order (Get-CsOnlineUser is
//!    read just before it, or is the directory itself in a Teams-only estate);
//! 3. devices (standalone phones, Webex workspaces, Teams rooms and common area phones), service
//!    records nothing links to (UcOrphanService), and the totals (UcLicenseTotal).

use super::counter::Counter;
use super::error::UcError;
use super::link::{Rep, Service};
use super::options::CountOptions;
use super::privacy::Privacy;
use super::service::{cucm, exchange, microsoft_teams, pexip, uccx, unity, webex};
use crate::model::{RecordSink, Reporter};

/// The services a count links users to: a new service is one file in `service/` and one row
/// here. This is the order exports are read and end-of-run warnings given (Teams' side exports
/// before Webex's licence names; Get-CsOnlineUser itself is read beside the directory); what the
/// services write is listed in `UcService` order.
const SERVICES: &[fn() -> Box<dyn Service>] = &[
    cucm::new,
    uccx::new,
    unity::new,
    exchange::new,
    microsoft_teams::new,
    webex::new,
    pexip::new,
];

pub fn run(
    options: &CountOptions,
    sink: &mut impl RecordSink,
    reporter: &mut impl Reporter,
) -> Result<(), UcError> {
    let f = &options.files;
    if f.users.is_none() && f.teams.is_empty() {
        return Err(UcError::NoDirectory);
    }
    let services: Vec<Box<dyn Service>> = SERVICES.iter().map(|new| new()).collect();
    if !services.iter().any(|s| s.given(f)) {
        return Err(UcError::NoServices);
    }
    let privacy = Privacy::new(options.anonymous, options.pseudonym_key.as_deref())?;
    let mut rep = Rep::new(reporter);
    let mut c = Counter::new(privacy, services);
    c.read_services(f, &mut rep)?;
    c.count_directory(f, sink, &mut rep)?;
    c.write_devices(f, sink, &mut rep)?;
    c.write_orphans(f, sink, &mut rep)?;
    c.warn(f, &mut rep);
    c.write_totals(sink, &rep)
}
