//! Get-CsTeamsIPPhonePolicy: how Teams phones signed in with an account behave. SignInMode is
//! `UserSignIn`, `CommonAreaPhoneSignIn` or `MeetingSignIn` (Microsoft Learn,
//! Set-CsTeamsIPPhonePolicy).

use crate::ingest::Record;
use crate::model::InputError;

const KNOWN_MODES: &[&str] = &["UserSignIn", "CommonAreaPhoneSignIn", "MeetingSignIn"];

#[derive(Debug, Clone)]
pub struct IpPhonePolicy {
    /// `Global`, or the tag name (`Tag:` removed).
    pub name: String,
    /// As exported, spelled as Microsoft documents it when it is one of the known modes.
    pub sign_in_mode: Option<String>,
}

impl IpPhonePolicy {
    pub const PROPERTIES: &'static [&'static str] = &["Identity", "SignInMode"];

    pub fn read(r: &Record) -> Result<IpPhonePolicy, InputError> {
        let identity = r.req_str("Identity")?;
        let id = identity.trim();
        let id = crate::model::text::strip_prefix_ci(id, "Tag:").unwrap_or(id);
        if let Some(crate::ingest::PsValue::Int(i)) = r.get("SignInMode") {
            return Err(r.error(
                "SignInMode",
                format!("is the number {i}; export it as text (UserSignIn, CommonAreaPhoneSignIn or MeetingSignIn)"),
            ));
        }
        let sign_in_mode = r.opt_str("SignInMode")?.map(|m| {
            KNOWN_MODES
                .iter()
                .find(|k| k.eq_ignore_ascii_case(m.trim()))
                .map(|k| k.to_string())
                .unwrap_or(m)
        });
        Ok(IpPhonePolicy {
            name: id.to_string(),
            sign_in_mode,
        })
    }

    pub fn is_common_area_phone(&self) -> bool {
        self.sign_in_mode
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("CommonAreaPhoneSignIn"))
    }
}
