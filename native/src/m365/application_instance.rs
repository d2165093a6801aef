//! Get-CsOnlineApplicationInstance: the resource accounts behind auto attendants and call queues.

use crate::ingest::Record;
use crate::model::InputError;

/// The Microsoft application ids of the two first-party voice applications (Microsoft Learn,
/// New-CsOnlineApplicationInstance, parameter -ApplicationId).
pub const AUTO_ATTENDANT_APP_ID: &str = "ce933385-9390-45d1-9512-c8d228074e07";
pub const CALL_QUEUE_APP_ID: &str = "11cd3e2e-fccb-42ad-ad00-878b93575e07";

#[derive(Debug, Clone)]
pub struct ApplicationInstance {
    pub user_principal_name: String,
    pub object_id: Option<String>,
    pub application_id: Option<String>,
    pub display_name: Option<String>,
}

impl ApplicationInstance {
    pub const PROPERTIES: &'static [&'static str] = &[
        "UserPrincipalName",
        "ObjectId",
        "ApplicationId",
        "DisplayName",
    ];

    pub fn read(r: &Record) -> Result<ApplicationInstance, InputError> {
        Ok(ApplicationInstance {
            user_principal_name: r.req_str("UserPrincipalName")?.trim().to_string(),
            object_id: r.opt_str("ObjectId")?,
            application_id: r.opt_str("ApplicationId")?,
            display_name: r.opt_str("DisplayName")?,
        })
    }

    /// `auto attendant`, `call queue`, or `voice application` for other application ids.
    pub fn kind(&self) -> &'static str {
        match self
            .application_id
            .as_deref()
            .map(|a| a.trim().trim_matches(['{', '}']))
        {
            Some(a) if a.eq_ignore_ascii_case(AUTO_ATTENDANT_APP_ID) => "auto attendant",
            Some(a) if a.eq_ignore_ascii_case(CALL_QUEUE_APP_ID) => "call queue",
            _ => "voice application",
        }
    }
}
