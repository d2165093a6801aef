//! One file per UC service: what it reads, what it keeps of each record (in a `link_index::Table`),
//! how a directory user links to it, what it counts, and its devices and orphans. Each
//! implements `link::Service` and is one row of `count::SERVICES`.

pub mod cucm;
pub mod exchange;
pub mod microsoft_teams;
pub mod pexip;
mod record_exists;
pub mod uccx;
pub mod unity;
pub mod webex;
