//! LicenseAudit engine: reads PowerShell exports of Lync/SfB, Teams, UAL and UC estates and
//! works out which licences are needed, by whom, and why.
//!
//! Layers (docs/dev/architecture.md): the model and the reader are crates of their own
//! (`license-audit-model`, `license-audit-ingest`); here, each audit has one folder and depends on
//! them only; `output` holds the record writers and the console reporter; `app` maps the command
//! line onto the audits (one entry per command in `app::audits::AUDITS`) and is the only layer
//! that knows flags and exit codes.

pub use license_audit_ingest as ingest;
pub use license_audit_model as model;

pub mod app;
pub mod history;
pub mod inspect;
pub mod lync;
pub mod m365;
pub mod output;
pub mod rightsize;
pub mod teams;
pub mod ual;
pub mod uc;
pub mod workbook;
