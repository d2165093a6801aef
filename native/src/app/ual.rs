//! `ual compliance`: arguments → options, and the exit decision on a shortfall or incomplete
//! evidence.

use super::cli::UalComplianceArgs;
use super::exit::AppError;
use super::session::Session;
use crate::ual::{compliance, ComplianceOptions, UalError};

impl From<UalError> for AppError {
    fn from(e: UalError) -> AppError {
        match e {
            UalError::Io(e) => e.into(),
            UalError::NotPerCoreProduct { product } => AppError::Arguments(format!(
                "--per-core-server: '{product}' is not a product licensed per core instead of CALs (e.g. SQL Server)"
            )),
            UalError::PrincipalsNeeded => AppError::Arguments(
                "--mode access needs --principals FILE (every user or device in scope)".into(),
            ),
            UalError::TooManyAdminAccounts { count } => AppError::Arguments(format!(
                "--admin-account names {count} accounts (names compared ignoring case): the licence terms exempt up to two users or devices that access the server software only to administer it; name at most two (the others need CALs)"
            )),
            UalError::EmptyAdminAccount => AppError::Arguments(
                "--admin-account is empty: name the administrator account (DOMAIN\\user or a UPN)"
                    .into(),
            ),
        }
    }
}

pub fn compliance(s: &mut Session, a: &UalComplianceArgs) -> Result<(), AppError> {
    let options = ComplianceOptions {
        evidence: a.evidence.clone(),
        systems: a.systems.clone(),
        licenses: a.licenses.clone(),
        mode: a.mode,
        window_days: a.window_days,
        as_of: s.as_of,
        principals: a.principals.clone(),
        computer_name: a.computer_name.clone(),
        internal_domains: a.internal_domain.clone(),
        // PRODUCT=SERVER, or SERVER alone for every product but Windows Server.
        per_core_servers: a
            .per_core_server
            .iter()
            .map(|spec| match spec.split_once('=') {
                Some((product, server)) => (Some(product.to_string()), server.to_string()),
                None => (None, spec.clone()),
            })
            .collect(),
        admin_accounts: a.admin_account.clone(),
        azure_servers: a.azure_server.clone(),
        emit_evidence: a.emit_evidence,
        date_order: s.date_order,
    };
    for e in &a.evidence {
        s.require_records(e, "--evidence");
    }
    let mut outcome = compliance::Outcome::default();
    s.with_records(|out, rep| {
        outcome = compliance::run(&options, out, rep)?;
        // Issue #21 item 5: evidence that is all older than the window counts nobody; say so
        // before the totals are taken for an estate without users.
        if let Some((newest, start)) = outcome.all_before_window {
            crate::model::Reporter::warning(
                rep,
                "EvidenceOutsideWindow",
                &format!(
                    "every evidence row is older than the usage window ({} to --as-of {}), so nobody is counted: the newest row is from {}. Is the evidence that old? To audit the time it was collected, give --as-of {} (or a longer --window-days)",
                    start.format("%Y-%m-%d"),
                    options.as_of.format("%Y-%m-%d"),
                    newest.format("%Y-%m-%d"),
                    newest.format("%Y-%m-%d"),
                ),
            );
        }
        Ok(())
    })?;
    if !a.fail_on_shortfall {
        return Ok(());
    }
    let missing = &outcome.servers_without_evidence;
    if outcome.shortfall > 0 {
        let also = if missing.is_empty() {
            String::new()
        } else {
            format!(
                "; the evidence is also incomplete (no evidence from {})",
                missing.join(", ")
            )
        };
        return Err(AppError::Shortfall(format!(
            "compliance shortfall: {} CAL(s) short (see the CalCompliance records){also}",
            outcome.shortfall
        )));
    }
    if !missing.is_empty() && !a.allow_incomplete_evidence {
        return Err(AppError::Shortfall(format!(
            "evidence incomplete: no evidence from {}, so a shortfall there cannot be ruled out (every record was written, EvidenceComplete False); collect from those servers again, or accept the partial position with --allow-incomplete-evidence",
            missing.join(", ")
        )));
    }
    Ok(())
}
