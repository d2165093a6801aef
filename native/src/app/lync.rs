//! `lync …`: command-line arguments → each Lync audit's options, and its errors → messages that
//! name the flags.

use super::cli::{
    EntitlementArgs, EntitlementInputs, OnOff, PlanArgs, PoliciesArgs, SqlAuth, TemplateArgs,
    UsageArgs,
};
use super::estate_dir::EstateDir;
use super::exit::AppError;
use super::session::{async_runtime, Session};
use crate::ingest::DateOrder;
use crate::lync::entitlement::{self, EntitlementFiles, EntitlementOptions, OwnedInputs};
use crate::lync::estate::EstateFiles;
use crate::lync::owned;
use crate::lync::plan::{self, PlanOptions};
use crate::lync::policies::{self, PoliciesOptions};
use crate::lync::template;
use crate::lync::usage::connect::{Auth, ConnectOptions, ServerAddress};
use crate::lync::usage::{self, ConnectHint, Store, UsageError, UsageOptions};
use crate::lync::{LyncError, MissingInput};
use crate::model::Tier;
use chrono::Duration;

impl From<LyncError> for AppError {
    fn from(e: LyncError) -> AppError {
        match e {
            LyncError::Io(e) => e.into(),
            LyncError::Missing(MissingInput::Pools) => AppError::Arguments(
                "--pools (Get-CsPool) is needed: site-scoped policies exist, and a user without a per-user policy gets the policy of their registrar pool's site".into(),
            ),
            LyncError::Missing(MissingInput::Licensing) => AppError::Arguments(
                "give --licensed FILE, --default-tier, or both: the plan needs to know what each user is licensed for".into(),
            ),
            LyncError::Missing(MissingInput::TierPolicy(t)) => AppError::Arguments(format!(
                "--tier-policy {t}=POLICY is needed: users are licensed {t}"
            )),
            LyncError::TierPolicy {
                tier,
                policy,
                problem,
            } => AppError::Arguments(format!("--tier-policy '{tier}={policy}': {problem}")),
        }
    }
}

impl From<UsageError> for AppError {
    fn from(e: UsageError) -> AppError {
        match e {
            UsageError::Io(e) => e.into(),
            e @ UsageError::UnexpectedColumn { .. } => AppError::Unreachable(e.to_string()),
            UsageError::IntegratedAuthNeedsWindows => AppError::Arguments(
                "--auth integrated needs Windows (SSPI); use --auth sql with --user".into(),
            ),
            UsageError::Unreachable { message, hint } => {
                let hint = match hint {
                    None => String::new(),
                    Some(ConnectHint::GivePort { host }) => {
                        format!(" Or give the port: --server {host},PORT")
                    }
                    Some(ConnectHint::TrustCertificateOrEncryptOff) => ". If the server's certificate is not trusted here, use --trust-server-certificate; for a server without TLS, --encrypt off".into(),
                    Some(ConnectHint::EncryptOff) => " (--encrypt off)".into(),
                    Some(ConnectHint::CheckPassword) => format!(
                        " ({} / --password-stdin)",
                        super::secrets::PASSWORD_VARIABLE
                    ),
                    Some(ConnectHint::QueryTimeout) => " (--query-timeout)".into(),
                };
                AppError::Unreachable(format!("{message}{hint}"))
            }
        }
    }
}

/// The entitlement inputs with `--estate` applied: what will actually be read.
fn entitlement_files(
    i: &EntitlementInputs,
    date_order: Option<DateOrder>,
) -> Result<EntitlementFiles, AppError> {
    let dir = EstateDir::new(i.estate.as_deref())?;
    let pick = |given: &Option<String>, name: &str| dir.pick(given, name);
    Ok(EntitlementFiles {
        estate: EstateFiles {
            conferencing_policies: dir.required(
                &i.conferencing_policies,
                "conferencing-policies",
                "--conferencing-policies",
            )?,
            voice_policies: pick(&i.voice_policies, "voice-policies"),
            pools: pick(&i.pools, "pools"),
            rgs_agent_groups: pick(&i.rgs_agent_groups, "rgs-agent-groups"),
        },
        users: dir.required(&i.users, "users", "--users")?,
        common_area_phones: pick(&i.common_area_phones, "common-area-phones"),
        analog_devices: pick(&i.analog_devices, "analog-devices"),
        meeting_rooms: pick(&i.meeting_rooms, "meeting-rooms"),
        date_order,
    })
}

/// `--owned` and `--owned-file`: None when neither is given.
fn owned_inputs(a: &EntitlementArgs) -> Result<Option<OwnedInputs>, AppError> {
    if a.owned.is_empty() && a.owned_file.is_none() {
        if a.fail_on_shortfall {
            return Err(AppError::Arguments(
                "--fail-on-shortfall needs the CALs owned: --owned TIER=COUNT,... or --owned-file FILE".into(),
            ));
        }
        return Ok(None);
    }
    let counts = if a.owned.is_empty() {
        Vec::new()
    } else {
        owned::parse_counts(&a.owned, "--owned")
            .map_err(|m| AppError::Arguments(format!("--owned {m}")))?
    };
    Ok(Some(OwnedInputs {
        counts,
        file: a.owned_file.clone(),
    }))
}

pub fn entitlement(s: &mut Session, a: &EntitlementArgs) -> Result<(), AppError> {
    let options = EntitlementOptions {
        files: entitlement_files(&a.inputs, s.date_order)?,
        rules: a.inputs.rules,
        summary: a.summary || a.summary_only,
        records: !a.summary_only,
        owned: owned_inputs(a)?,
    };
    s.require_records(&options.files.users, "--users");
    let mut outcome = entitlement::Outcome::default();
    s.with_records(|out, rep| {
        outcome = entitlement::run(&options, out, rep)?;
        Ok(())
    })?;
    if a.fail_on_shortfall && outcome.shortfall > 0 {
        return Err(AppError::Shortfall(format!(
            "Lync CAL shortfall: {} CAL(s) short of the configured requirement (see the LyncCalPosition records)",
            outcome.shortfall
        )));
    }
    Ok(())
}

pub fn policies(s: &mut Session, a: &PoliciesArgs) -> Result<(), AppError> {
    let dir = EstateDir::new(a.estate.as_deref())?;
    let options = PoliciesOptions {
        conferencing_policies: dir.required(
            &a.conferencing_policies,
            "conferencing-policies",
            "--conferencing-policies",
        )?,
        users: dir.pick(&a.users, "users"),
        pools: dir.pick(&a.pools, "pools"),
        rules: a.rules,
        date_order: s.date_order,
    };
    s.with_records(|out, rep| Ok(policies::run(&options, out, rep)?))
}

/// `--tier-policy Standard=Tag:STD_CAL_NoConferencing` → (Standard, "Tag:STD_CAL_NoConferencing"):
/// the one reading of the flag, for `lync plan` and `lync rightsize`.
pub(super) fn tier_policy(arg: &str) -> Result<(Tier, String), AppError> {
    use crate::model::Choice;
    let (t, p) = arg.split_once('=').ok_or_else(|| {
        AppError::Arguments(format!(
            "--tier-policy '{arg}' is not TIER=POLICY (e.g. Standard=Tag:STD_CAL_NoConferencing)"
        ))
    })?;
    let tier = Tier::parse(t).ok_or_else(|| {
        AppError::Arguments(format!(
            "--tier-policy '{arg}': '{t}' is not Standard or Enterprise"
        ))
    })?;
    Ok((tier, p.trim().to_string()))
}

pub fn plan(s: &mut Session, a: &PlanArgs) -> Result<(), AppError> {
    let options = PlanOptions {
        files: entitlement_files(&a.inputs, s.date_order)?,
        rules: a.inputs.rules,
        licensed: a.licensed.clone(),
        default_tier: a.default_tier,
        tier_policies: a
            .tier_policy
            .iter()
            .map(|p| tier_policy(p))
            .collect::<Result<_, _>>()?,
        all: a.all,
    };
    s.require_records(&options.files.users, "--users");
    s.with_records(|out, rep| Ok(plan::run(&options, out, rep)?))
}

pub fn template(s: &mut Session, a: &TemplateArgs) -> Result<(), AppError> {
    if !template::valid_prefix(&a.prefix) {
        return Err(AppError::Arguments(format!(
            "--prefix '{}' may hold only letters, digits, _ and -",
            a.prefix
        )));
    }
    s.with_records(|out, _| Ok(template::run(&a.prefix, a.rules, out)?))
}

pub fn usage(s: &mut Session, a: &UsageArgs) -> Result<(), AppError> {
    let auth = match a.auth {
        SqlAuth::Sql => Auth::Sql {
            user: a
                .user
                .clone()
                .ok_or_else(|| AppError::Arguments("--auth sql needs --user".into()))?,
            password: super::secrets::sql_password(a.password_stdin)?,
        },
        SqlAuth::Integrated => Auth::Integrated,
    };
    let sql_browser_port = sql_browser_port()?;
    let mut stores = Vec::new();
    for name in &a.server {
        let server = ServerAddress::parse(name)
            .map_err(|m| AppError::Arguments(format!("--server {name}: {m}")))?;
        stores.push(Store {
            name: name.clone(),
            connection: ConnectOptions {
                server,
                auth: auth.clone(),
                encrypt: a.encrypt == OnOff::On,
                trust_server_certificate: a.trust_server_certificate,
                connect_timeout: std::time::Duration::from_secs(a.connect_timeout),
                sql_browser_port,
            },
        });
    }
    let options = UsageOptions {
        stores,
        cdr_database: a.cdr_database.clone(),
        qoe_database: a.qoe_database.clone(),
        query_timeout: std::time::Duration::from_secs(a.query_timeout),
        window_start: s.as_of - Duration::days(a.days as i64),
        window_end: s.as_of,
        users: a.users.clone(),
        common_area_phones: a.common_area_phones.clone(),
        date_order: s.date_order,
    };
    let runtime = async_runtime()?;
    s.with_records(|out, rep| Ok(runtime.block_on(usage::run(&options, out, rep))?))
}

/// The SQL Browser's UDP port: LICENSEAUDIT_SQL_BROWSER_PORT (for tests, which run their own
/// Browser on a free port), else the standard one. Read here, once, so the usage code has no
/// input but its options.
fn sql_browser_port() -> Result<u16, AppError> {
    match std::env::var("LICENSEAUDIT_SQL_BROWSER_PORT") {
        Ok(p) => p.parse().map_err(|_| {
            AppError::Arguments(format!(
                "LICENSEAUDIT_SQL_BROWSER_PORT '{p}' is not a port number"
            ))
        }),
        Err(_) => Ok(crate::lync::usage::connect::SQL_BROWSER_PORT),
    }
}

pub fn usage_queries(s: &mut Session, lync2010: bool) -> Result<(), AppError> {
    s.write_text(&usage::queries_text(lync2010))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one reading of --tier-policy, which `lync plan` and `lync rightsize` both use.
    #[test]
    fn tier_policy_reads_tier_equals_policy() {
        let (t, p) = tier_policy("enterprise= Tag:ENT_CAL ").unwrap();
        assert_eq!((t, p.as_str()), (Tier::Enterprise, "Tag:ENT_CAL"));
        let bad = |arg: &str| match tier_policy(arg) {
            Err(AppError::Arguments(m)) => m,
            other => panic!("{other:?}"),
        };
        assert!(bad("Standard").contains("is not TIER=POLICY"));
        assert!(bad("Gold=Tag:X").contains("'Gold' is not Standard or Enterprise"));
    }
}
