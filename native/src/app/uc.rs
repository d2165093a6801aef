//! `uc count`: arguments → the count's options (with `--estate` applied and the pseudonym key
//! read from the environment), and its errors → messages that name the flags.

use super::cli::UcCountArgs;
use super::estate_dir::EstateDir;
use super::exit::AppError;
use super::Session;
use crate::uc::{self, CountOptions, UcError, UcFiles};

impl From<UcError> for AppError {
    fn from(e: UcError) -> AppError {
        match e {
            UcError::Io(e) => e.into(),
            UcError::NoDirectory => AppError::Arguments(
                "--users FILE is required (or --teams FILE for a Teams-only estate, where the Get-CsOnlineUser export is the directory; or --estate DIR with users.* or teams.*)".into(),
            ),
            UcError::NoServices => AppError::Arguments(
                "give at least one service export (--teams, --exchange, --cucm-users, --cucm-phones, --uccx-agents, --unity-users, --webex-users, --webex-workspaces, --pexip-conferences): the directory alone links nobody to a service".into(),
            ),
            UcError::WeakPseudonymKey { bytes, min } => AppError::Arguments(format!(
                "--pseudonym-key-env: the key is {bytes} bytes; use at least {min} random bytes (e.g. 32 bytes in base64)"
            )),
        }
    }
}

/// The value of the environment variable `--pseudonym-key-env` names, as bytes.
fn pseudonym_key(var: &str) -> Result<Vec<u8>, AppError> {
    match std::env::var_os(var) {
        None => Err(AppError::Arguments(format!(
            "--pseudonym-key-env {var}: the environment variable {var} is not set (the key is read only from the environment, never from the command line)"
        ))),
        Some(v) if v.is_empty() => Err(AppError::Arguments(format!(
            "--pseudonym-key-env {var}: the environment variable {var} is empty"
        ))),
        Some(v) => Ok(v.into_encoded_bytes()),
    }
}

pub fn count(s: &mut Session, a: &UcCountArgs) -> Result<(), AppError> {
    let dir = EstateDir::new(a.estate.as_deref())?;
    let many = |given: &Vec<String>, name: &str| dir.pick_many(given, name);
    let files = UcFiles {
        users: dir.pick(&a.users, "users"),
        teams: many(&a.teams, "teams"),
        teams_ip_phone_policies: dir.pick(&a.teams_ip_phone_policies, "teams-ip-phone-policies"),
        teams_resource_accounts: dir.pick(&a.teams_resource_accounts, "teams-resource-accounts"),
        m365_licenses: dir.pick(&a.m365_licenses, "m365-licenses"),
        exchange: many(&a.exchange, "exchange"),
        cucm_users: many(&a.cucm_users, "cucm-users"),
        cucm_phones: many(&a.cucm_phones, "cucm-phones"),
        uccx_agents: many(&a.uccx_agents, "uccx-agents"),
        unity_users: many(&a.unity_users, "unity-users"),
        webex_users: many(&a.webex_users, "webex-users"),
        webex_licenses: dir.pick(&a.webex_licenses, "webex-licenses"),
        webex_workspaces: many(&a.webex_workspaces, "webex-workspaces"),
        pexip_conferences: many(&a.pexip_conferences, "pexip-conferences"),
        date_order: s.date_order,
    };
    let options = CountOptions {
        files,
        anonymous: a.anonymous,
        pseudonym_key: match &a.pseudonym_key_env {
            Some(var) => Some(pseudonym_key(var)?),
            None => None,
        },
    };
    match &options.files.users {
        Some(u) => s.require_records(u, "--users"),
        None => {
            for t in &options.files.teams {
                s.require_records(t, "--teams");
            }
        }
    }
    s.with_records(|out, rep| Ok(uc::run(&options, out, rep)?))
}
