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

pub use application_instance::ApplicationInstance;
pub use ip_phone_policy::IpPhonePolicy;
pub use online_user::{
    AccountKind, AssignedPlan, CsOnlineUser, KindVia, PlanState, PolicyAssignment,
};
pub use subscribed_sku::{ServicePlan, SubscribedSku};
pub use user_license::{Sku, UserLicenses};

use crate::ingest::record::value_text;
use crate::ingest::{PsValue, Record};
use crate::model::InputError;

/// The identity a Teams policy assignment or policy export names: `Global`, or the tag name
/// (`Tag:` and `Global:` prefixes removed), compared case-insensitively.
pub fn policy_key(name: &str) -> String {
    let n = name.trim();
    let n = crate::model::text::strip_prefix_ci(n, "Tag:").unwrap_or(n);
    n.to_ascii_lowercase()
}

/// The text of a nested property of an object value (`{"Name": "x"}` → `x`).
pub(crate) fn nested_text(
    r: &Record,
    property: &str,
    v: &PsValue,
    names: &[&str],
) -> Result<Option<String>, InputError> {
    if let PsValue::Object(o) = v {
        for n in names {
            if let Some(inner) = o.get(n) {
                return value_text(inner).map_err(|m| r.error(property, m));
            }
        }
        if let Some(t) = &o.to_string {
            return Ok(Some(t.clone()).filter(|t| !t.trim().is_empty()));
        }
        return Ok(None);
    }
    value_text(v).map_err(|m| r.error(property, m))
}
