//! LicenseAudit engine: reads PowerShell exports of Lync/SfB, Teams, UAL and UC estates and
//! works out which licences are needed, by whom, and why.

pub use license_audit_ingest as ingest;
pub use license_audit_model as model;

pub mod cli;
pub mod error;
pub mod inspect;
pub mod lync;
pub mod output;
pub mod records;
pub mod run;
pub mod schema_cmd;
pub mod ual;
