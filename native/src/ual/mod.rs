//! Server CALs from User Access Logging: evidence → consumption → compliance (seed 002,
//! ../shared/domain/ual-cal.md).

pub mod compliance;
pub mod evidence;
pub mod licenses;
pub mod records;
pub mod roles;
