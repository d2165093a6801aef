//! `teams assignments`: arguments → the audit's options (with `--estate` applied), and its
//! errors → messages that name the flags.

use super::cli::TeamsAssignmentsArgs;
use super::estate_dir::EstateDir;
use super::exit::AppError;
use super::Session;
use crate::teams::{self, AssignmentOptions, TeamsError};

impl From<TeamsError> for AppError {
    fn from(e: TeamsError) -> AppError {
        match e {
            TeamsError::Io(e) => e.into(),
            TeamsError::NoUsers => AppError::Arguments(
                "--online-users FILE is required (Get-CsOnlineUser | ConvertTo-Json -Depth 5), or --estate DIR with teams.*".into(),
            ),
        }
    }
}

pub fn assignments(s: &mut Session, a: &TeamsAssignmentsArgs) -> Result<(), AppError> {
    let dir = EstateDir::new(a.estate.as_deref())?;
    let many = |given: &Vec<String>, name: &str| dir.pick_many(given, name);
    let options = AssignmentOptions {
        online_users: many(&a.online_users, "teams"),
        phone_numbers: many(&a.phone_numbers, "teams-phone-numbers"),
        resource_accounts: dir.pick(&a.resource_accounts, "teams-resource-accounts"),
        voice_routing_policies: dir.pick(&a.voice_routing_policies, "teams-voice-routing-policies"),
        voice_routes: dir.pick(&a.voice_routes, "teams-voice-routes"),
        shared_calling_policies: dir
            .pick(&a.shared_calling_policies, "teams-shared-calling-policies"),
        call_queues: dir.pick(&a.call_queues, "teams-call-queues"),
        prices: dir.pick(&a.prices, "teams-prices"),
        m365_licenses: dir.pick(&a.m365_licenses, "m365-licenses"),
        subscribed_skus: dir.pick(&a.subscribed_skus, "m365-subscribed-skus"),
        date_order: s.date_order,
    };
    for u in &options.online_users {
        s.require_records(u, "--online-users");
    }
    s.with_records(|out, rep| Ok(teams::run(&options, out, rep)?))
}
