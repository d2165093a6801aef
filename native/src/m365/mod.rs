//! Microsoft 365 / Teams inputs shared by the audits that read them (`uc count` today, the Teams
//! licence ↔ configuration audit next): typed readers for Get-CsOnlineUser,
//! Get-CsOnlineApplicationInstance, Get-CsTeamsIPPhonePolicy, user licence exports and the
//! tenant's SKUs with their service plans (Get-MgSubscribedSku).
//!
//! Inputs only: no records, no counting, no rules about what a value means for a licence.
//! Depends on the model and the reader alone, like an audit folder.

pub mod application_instance;
pub mod ip_phone_policy;
pub mod online_user;
pub mod subscribed_sku;
pub mod user_license;
mod value;

pub use application_instance::ApplicationInstance;
pub use ip_phone_policy::IpPhonePolicy;
pub use online_user::{
    AccountKind, AssignedPlan, CsOnlineUser, KindVia, PlanState, PolicyAssignment,
};
pub use subscribed_sku::{ServicePlan, SubscribedSku};
pub use user_license::{Sku, UserLicenses};
pub(crate) use value::nested_text;
pub use value::policy_key;
