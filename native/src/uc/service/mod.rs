//! One file per UC service: what it reads, what it keeps of each record (in a `table::Table`),
//! how a directory user links to it, what it counts, and its devices and orphans. Each
//! implements `link::Service` and is one row of `count::SERVICES`.

pub mod cucm;
pub mod exchange;
pub mod pexip;
mod record_exists;
pub mod teams;
pub mod uccx;
pub mod unity;
pub mod webex;
