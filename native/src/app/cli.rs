//! The command line (docs/contract.md "Global options" and "Commands"). Definitions only: the
//! global options and each command's args struct; `audits.rs` names the commands and puts them
//! under [`Cli`], and the app layer maps the args onto each audit's `Options`. Flag names live
//! here and in the mapping, nowhere else; this file depends on the model alone (its closed value
//! sets).

use crate::model::server_cal::ConsumptionMode;
use crate::model::{Choice, RuleSet, Tier};
use chrono::{DateTime, Utc};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, ValueEnum};
use std::path::PathBuf;

/// A clap parser for a model [`Choice`]: its command-line spellings, with help.
/// A window longer than a century is a typo, and as-of minus it must stay a date chrono can
/// hold (a window of 100,000,000 days overflowed it: issue #22 item 8).
const MAX_WINDOW_DAYS: i64 = 36_500;
/// A day: a longer wait is a typo, and an Instant that far ahead can overflow.
const MAX_TIMEOUT_SECONDS: u64 = 86_400;

/// A percentage: a finite number of zero or more (NaN and infinity compare with nothing).
fn parse_percent(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number"))?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!("'{s}' is not a percentage of zero or more"));
    }
    Ok(v)
}

fn choice<T: Choice>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(
        T::ALL
            .iter()
            .map(|c| PossibleValue::new(c.arg()).help(c.help())),
    )
    .map(|s| T::parse(&s).expect("clap accepted only listed values"))
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Ndjson,
    Json,
    Csv,
    Table,
}

/// Progress on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressArg {
    None,
    Json,
    Bar,
}

/// The month/day order of culture-text dates (`8/9/2012`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DateOrderArg {
    /// M/d/yyyy (en-US)
    Mdy,
    /// d/M/yyyy (most other cultures)
    Dmy,
}

/// How errors and warnings are written on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ErrorFormatArg {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Parser)]
#[command(
    name = "license-audit",
    version,
    about = "Which Lync/SfB, Teams and Windows Server licences are needed, by whom, and why",
    long_about = "Reads PowerShell exports (ConvertTo-Json from Windows PowerShell 5.1 or PowerShell 7, \
Export-Clixml, Export-Csv; a path or - for stdin) and writes one record per user, device, policy or \
licence finding. Exit codes: 0 success, 1 output could not be written or internal failure, 2 invalid arguments, \
3 invalid input data, 4 data source unreachable or login failed, 5 compliance shortfall with \
--fail-on-shortfall."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Output format [default: table on a terminal, else ndjson]
    #[arg(long, global = true, value_enum)]
    pub format: Option<FormatArg>,
    /// Write records to this file instead of stdout
    #[arg(long, global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Progress on stderr [default: bar on a terminal, else none]
    #[arg(long, global = true, value_enum)]
    pub progress: Option<ProgressArg>,
    /// The audit's "now" (RFC 3339); windows such as --days end here [default: current time]
    #[arg(long, global = true, value_name = "RFC3339", value_parser = parse_as_of)]
    pub as_of: Option<DateTime<Utc>>,
    /// How errors and warnings are written on stderr
    #[arg(long, global = true, value_enum, default_value_t = ErrorFormatArg::Text)]
    pub error_format: ErrorFormatArg,
    /// The month/day order of dates such as 8/9/2012 in CSV and Format-List exports, when the
    /// file alone cannot tell (every day 12 or less) [default: decided per file]
    #[arg(long, global = true, value_enum, value_name = "ORDER")]
    pub date_order: Option<DateOrderArg>,
    /// Keep this run's totals as a dated JSON file in DIR (never overwriting an earlier run);
    /// `history DIR` compares the runs
    #[arg(long, global = true, value_name = "DIR")]
    pub history: Option<PathBuf>,
}

fn parse_as_of(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("'{s}' is not an RFC 3339 time such as 2026-11-01T00:00:00Z: {e}"))
}

#[derive(Debug, Args)]
pub struct UalComplianceArgs {
    /// Get-UalUserAccess / Get-UalDeviceAccess / Get-UalDaily*Access / Get-UalOverview output, or
    /// FlexNet ConsolidatedAccessEvidence CSV (several files, or the option repeated)
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub evidence: Vec<String>,
    /// Get-UalSystemId output (server OS version, cores)
    #[arg(long, value_name = "FILE")]
    pub systems: Option<String>,
    // The help lists the columns the licence reader takes (model::server_cal::LICENSE_COLUMNS).
    #[arg(long, value_name = "FILE", help = crate::model::server_cal::columns_help())]
    pub licenses: Option<String>,
    /// usage: principals with evidence in the window consume; access: every --principals entry does
    #[arg(long, value_parser = choice::<ConsumptionMode>(), default_value = "usage")]
    pub mode: ConsumptionMode,
    /// The usage window, ending at --as-of (1 to 36,500 days)
    #[arg(long, default_value_t = 90, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=MAX_WINDOW_DAYS))]
    pub window_days: u32,
    /// Users and devices in scope for --mode access
    #[arg(long, value_name = "FILE")]
    pub principals: Option<String>,
    /// The server that evidence rows without PSComputerName come from (UAL exported on the
    /// server itself, without -CimSession) [default: a Get-UalSystemId row in the same file, or
    /// the only server in --systems]
    #[arg(long, value_name = "NAME")]
    pub computer_name: Option<String>,
    /// A domain whose users are internal (repeatable); others count toward External Connectors.
    /// Without it every user is internal
    #[arg(long, value_name = "DOMAIN")]
    pub internal_domain: Vec<String>,
    /// A server licensed per core: SERVER (every product but Windows Server) or PRODUCT=SERVER (repeatable)
    #[arg(long, value_name = "SERVER")]
    pub per_core_server: Vec<String>,
    /// An administrator account exempt from CALs, domain\user (at most two: the licence terms
    /// exempt up to two users or devices that access the server only to administer it)
    #[arg(long, value_name = "ACCOUNT")]
    pub admin_account: Vec<String>,
    /// A server that is a Windows Server VM in Azure (repeatable): the Windows Server licence,
    /// CALs included, is in the VM's price, so access to it needs no Windows Server CAL (other
    /// products' CALs still apply)
    #[arg(long, value_name = "SERVER")]
    pub azure_server: Vec<String>,
    /// Also write every evidence row, normalised (UalEvidence)
    #[arg(long)]
    pub emit_evidence: bool,
    /// Exit with code 5 when any CAL is short, or when the evidence says some servers gave none
    /// (UalEvidenceGap records) unless --allow-incomplete-evidence
    #[arg(long)]
    pub fail_on_shortfall: bool,
    /// With --fail-on-shortfall: accept a position computed without the evidence of some
    /// servers (the records still say EvidenceComplete False)
    #[arg(long, requires = "fail_on_shortfall")]
    pub allow_incomplete_evidence: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SqlAuth {
    /// SQL login: --user, password from LICENSEAUDIT_SQL_PASSWORD or --password-stdin
    Sql,
    /// Windows integrated authentication (Windows only)
    Integrated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Args)]
pub struct UsageArgs {
    /// A monitoring SQL Server: HOST, HOST\INSTANCE (port from the SQL Browser) or HOST,PORT.
    /// Repeat it for several monitoring stores: their answers are merged into one per user and
    /// device, and a store that cannot be read is reported while the others still answer
    #[arg(long, required = true, value_name = "HOST[\\INSTANCE][,PORT]")]
    pub server: Vec<String>,
    /// The call detail recording database
    #[arg(long, default_value = "LcsCDR", value_name = "NAME")]
    pub cdr_database: String,
    /// The QoE database (which calls were made from IP phones)
    #[arg(long, default_value = "QoEMetrics", value_name = "NAME")]
    pub qoe_database: String,
    #[arg(long, value_enum, default_value_t = SqlAuth::Sql)]
    pub auth: SqlAuth,
    /// SQL login name (with --auth sql)
    #[arg(long, value_name = "LOGIN")]
    pub user: Option<String>,
    /// Read the SQL password from the first line of stdin (else LICENSEAUDIT_SQL_PASSWORD); one
    /// input may still be `-`: its records follow the password line
    #[arg(long)]
    pub password_stdin: bool,
    /// TLS to the server (off: no TLS at all, only for servers without one)
    #[arg(long, value_enum, default_value_t = OnOff::On)]
    pub encrypt: OnOff,
    /// Accept the server's certificate without validating it (MAP's "Validate SSL certificate" unticked)
    #[arg(long)]
    pub trust_server_certificate: bool,
    /// The window, in days ending at --as-of (1 to 36,500)
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=MAX_WINDOW_DAYS))]
    pub days: u32,
    /// 1 to 86,400 seconds
    #[arg(long, default_value_t = 15, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=MAX_TIMEOUT_SECONDS))]
    pub connect_timeout: u64,
    /// 1 to 86,400 seconds
    #[arg(long, default_value_t = 600, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=MAX_TIMEOUT_SECONDS))]
    pub query_timeout: u64,
    /// Get-CsUser output: every user gets an answer, including those with no usage (No)
    #[arg(long, value_name = "FILE")]
    pub users: Option<String>,
    /// Get-CsCommonAreaPhone output: these devices are common area phones (Standard + Plus)
    #[arg(long, value_name = "FILE")]
    pub common_area_phones: Option<String>,
}

#[derive(Debug, Args)]
pub struct UsageQueriesArgs {
    /// Show the Lync 2010 shape (no Registration.DeviceId, no ClientVersions.ClientType)
    #[arg(long)]
    pub lync2010: bool,
}

/// The Lync management-shell exports an entitlement audit reads.
#[derive(Debug, Args)]
pub struct EntitlementInputs {
    /// A folder of exports named users, conferencing-policies, voice-policies, pools,
    /// common-area-phones, analog-devices, meeting-rooms, rgs-agent-groups (.json, .ndjson, .xml,
    /// .clixml or .csv); options given explicitly win
    #[arg(long, value_name = "DIR")]
    pub estate: Option<PathBuf>,
    /// Get-CsUser output
    #[arg(long, value_name = "FILE")]
    pub users: Option<String>,
    /// Get-CsConferencingPolicy output (all scopes; Global must be there)
    #[arg(long, value_name = "FILE")]
    pub conferencing_policies: Option<String>,
    /// Get-CsVoicePolicy output (adds the voice policy and its Plus features to the reasons)
    #[arg(long, value_name = "FILE")]
    pub voice_policies: Option<String>,
    /// Get-CsPool output: the site of each registrar pool (needed when site policies exist)
    #[arg(long, value_name = "FILE")]
    pub pools: Option<String>,
    /// Get-CsCommonAreaPhone output
    #[arg(long, value_name = "FILE")]
    pub common_area_phones: Option<String>,
    /// Get-CsAnalogDevice output
    #[arg(long, value_name = "FILE")]
    pub analog_devices: Option<String>,
    /// Get-CsMeetingRoom output
    #[arg(long, value_name = "FILE")]
    pub meeting_rooms: Option<String>,
    /// Get-CsRgsAgentGroup output (agents need Plus)
    #[arg(long, value_name = "FILE")]
    pub rgs_agent_groups: Option<String>,
    /// Which conferencing settings count as Enterprise (see README)
    #[arg(long, value_parser = choice::<RuleSet>(), default_value = "default")]
    pub rules: RuleSet,
}

#[derive(Debug, Args)]
pub struct EntitlementArgs {
    #[command(flatten)]
    pub inputs: EntitlementInputs,
    /// Also write a LyncCalSummary record (counts per tier, kind and combination)
    #[arg(long)]
    pub summary: bool,
    /// Write only the LyncCalSummary record, not one record per user and device
    #[arg(long, conflicts_with = "summary")]
    pub summary_only: bool,
    /// Lync CALs owned, as counts: Standard=1200,Enterprise=400,Plus=150 (an agreement's
    /// quantities; repeatable). Writes a LyncCalPosition per tier: required, owned, shortfall
    #[arg(long, value_name = "TIER=COUNT,...")]
    pub owned: Vec<String>,
    /// Lync CALs owned, as a CSV: Tier, Quantity, and optionally Version and Agreement (rows of a
    /// tier add up, and add to --owned). Writes a LyncCalPosition per tier
    #[arg(long, value_name = "FILE")]
    pub owned_file: Option<String>,
    /// With --owned or --owned-file: exit with code 5 when any tier is short
    #[arg(long)]
    pub fail_on_shortfall: bool,
}

#[derive(Debug, Args)]
pub struct PoliciesArgs {
    /// A folder of exports (conferencing-policies, and users and pools when present)
    #[arg(long, value_name = "DIR")]
    pub estate: Option<PathBuf>,
    /// Get-CsConferencingPolicy output
    #[arg(long, value_name = "FILE")]
    pub conferencing_policies: Option<String>,
    /// Get-CsUser output, to count the users each policy applies to
    #[arg(long, value_name = "FILE")]
    pub users: Option<String>,
    /// Get-CsPool output (with --users, when site policies exist)
    #[arg(long, value_name = "FILE")]
    pub pools: Option<String>,
    #[arg(long, value_parser = choice::<RuleSet>(), default_value = "default")]
    pub rules: RuleSet,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub inputs: EntitlementInputs,
    /// What each user is licensed for: columns SipAddress or Identity, and Tier (Standard/Enterprise)
    #[arg(long, value_name = "FILE")]
    pub licensed: Option<String>,
    /// The tier of users not in --licensed
    #[arg(long, value_parser = choice::<Tier>())]
    pub default_tier: Option<Tier>,
    /// The policy to grant per tier, e.g. Standard=Tag:STD_CAL_NoConferencing (repeatable)
    #[arg(long, value_name = "TIER=POLICY")]
    pub tier_policy: Vec<String>,
    /// Also list users whose policy already matches their licence (Action None)
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Put before each policy name, e.g. Contoso_
    #[arg(long, default_value = "")]
    pub prefix: String,
    /// The rule set the templates must satisfy
    #[arg(long, value_parser = choice::<RuleSet>(), default_value = "default")]
    pub rules: RuleSet,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// List the record types (name, input/output, description), one per line
    #[arg(long, conflicts_with = "name")]
    pub list: bool,
    /// The record type to print; all of them when omitted
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Exported files to examine (path, or - for stdin)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// The audit input the files are meant for: their records are decoded as that audit decodes
    /// them, and each record it will refuse is named [default: recognised by the properties of
    /// the first record, where they say it]
    #[arg(long = "for", value_enum, value_name = "INPUT")]
    pub for_input: Option<AuditInputArg>,
}

/// The audit inputs `inspect --for` checks a file against: the command, then its option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditInputArg {
    /// lync entitlement / policies / plan --users (Get-CsUser)
    LyncUsers,
    /// lync entitlement / policies / plan --conferencing-policies (Get-CsConferencingPolicy)
    LyncConferencingPolicies,
    /// lync entitlement / plan --voice-policies (Get-CsVoicePolicy)
    LyncVoicePolicies,
    /// lync entitlement / policies / plan --pools (Get-CsPool)
    LyncPools,
    /// lync entitlement / plan --common-area-phones (Get-CsCommonAreaPhone)
    LyncCommonAreaPhones,
    /// lync entitlement / plan --analog-devices (Get-CsAnalogDevice)
    LyncAnalogDevices,
    /// lync entitlement / plan --meeting-rooms (Get-CsMeetingRoom)
    LyncMeetingRooms,
    /// lync entitlement / plan --rgs-agent-groups (Get-CsRgsAgentGroup)
    LyncRgsAgentGroups,
    /// ual compliance --evidence (Get-UalUserAccess, Get-UalDeviceAccess, FlexNet, ...)
    UalEvidence,
    /// ual compliance --systems (Get-UalSystemId)
    UalSystems,
    /// ual compliance --licenses (Product, Version, CalType, Quantity, ...)
    UalLicenses,
    /// ual compliance --principals (users and devices in scope)
    UalPrincipals,
    /// teams assignments --online-users (Get-CsOnlineUser with AssignedPlan)
    TeamsOnlineUsers,
    /// teams assignments --phone-numbers (Get-CsPhoneNumberAssignment)
    TeamsPhoneNumbers,
    /// teams assignments --resource-accounts, uc count --teams-resource-accounts
    /// (Get-CsOnlineApplicationInstance)
    TeamsResourceAccounts,
    /// teams assignments --voice-routing-policies (Get-CsOnlineVoiceRoutingPolicy)
    TeamsVoiceRoutingPolicies,
    /// teams assignments --voice-routes (Get-CsOnlineVoiceRoute)
    TeamsVoiceRoutes,
    /// teams assignments --shared-calling-policies (Get-CsTeamsSharedCallingRoutingPolicy)
    TeamsSharedCallingPolicies,
    /// teams assignments --call-queues (Get-CsCallQueue)
    TeamsCallQueues,
    /// teams assignments --prices (Plan, MonthlyPrice)
    TeamsPrices,
    /// teams assignments / uc count --m365-licenses (Get-MgUser ... AssignedLicenses)
    M365Licenses,
    /// teams assignments --subscribed-skus (Get-MgSubscribedSku)
    M365SubscribedSkus,
    /// uc count --users (the user directory)
    UcUsers,
    /// uc count --teams (Get-CsOnlineUser)
    UcTeams,
    /// uc count --teams-ip-phone-policies (Get-CsTeamsIPPhonePolicy)
    UcTeamsIpPhonePolicies,
    /// uc count --cucm-users (AXL end users, or BAT export)
    UcCucmUsers,
    /// uc count --cucm-phones (AXL phones, or BAT export)
    UcCucmPhones,
    /// uc count --exchange (Get-EXOMailbox)
    UcExchange,
}

#[derive(Debug, Args)]
pub struct RightsizeArgs {
    /// `lync entitlement` output (LyncUserCal records; other record types are skipped)
    #[arg(long, value_name = "FILE")]
    pub configured: String,
    /// `lync usage` output (LyncUserUsage and LyncUsageCoverage records)
    #[arg(long, value_name = "FILE")]
    pub usage: String,
    /// What each user is licensed for: SipAddress, UserPrincipalName or Identity, and Tier
    /// (Standard, Enterprise, Enterprise+Plus, Standard+Plus, or a CAL suite or plan read as the
    /// CALs it is equivalent to: Core CAL Suite, Enterprise CAL Suite, Office 365 E1/E3/E5,
    /// Microsoft 365 E3/E5)
    #[arg(long, value_name = "FILE")]
    pub licensed: Option<String>,
    /// Yearly price per CAL: CSV with Cal (Standard/Enterprise/Plus) and Price
    #[arg(long, value_name = "FILE")]
    pub prices: Option<String>,
    /// The policy named for a tier change, e.g. Standard=Tag:STD_CAL_NoConferencing (repeatable)
    #[arg(long, value_name = "TIER=POLICY")]
    pub tier_policy: Vec<String>,
    /// Also write a LyncCalRightSizingSummary record (leave it out when piping into lync plan)
    #[arg(long)]
    pub summary: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Record files the audits wrote (NDJSON, JSON, CSV or CLIXML; any mix; - for stdin), plus
    /// Get-CsPool and Get-UalSystemId exports for the Server Details sheet
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The folder --history wrote run files to
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Flag a change between two runs larger than this many percent (0 or more)
    #[arg(long, default_value_t = 10.0, value_name = "PERCENT", value_parser = parse_percent)]
    pub alert_threshold: f64,
    /// Only runs of this command, e.g. "lync entitlement"
    #[arg(long, value_name = "COMMAND")]
    pub command: Option<String>,
    /// Also list the totals that did not move
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct UcCountArgs {
    /// A folder of exports named users, teams, teams-ip-phone-policies, teams-resource-accounts,
    /// m365-licenses, exchange, cucm-users, cucm-phones, uccx-agents, unity-users, webex-users,
    /// webex-licenses, webex-workspaces, pexip-conferences (.json, .ndjson, .xml, .clixml or .csv);
    /// options given explicitly win
    #[arg(long, value_name = "DIR")]
    pub estate: Option<PathBuf>,
    /// The user directory: Username, Email, Customer, CustomerPkid, Reseller, Provider, Site and the
    /// link fields username_cucm, username_uccx, username_cuc, username_webex_teams,
    /// username_ms_teams, username_ms_365. Without it the Get-CsOnlineUser export is the directory
    #[arg(long, value_name = "FILE")]
    pub users: Option<String>,
    /// Get-CsOnlineUser output (several files: several tenants)
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub teams: Vec<String>,
    /// Get-CsTeamsIPPhonePolicy output: accounts whose policy has SignInMode CommonAreaPhoneSignIn
    /// are common area phones (devices), not users
    #[arg(long, value_name = "FILE")]
    pub teams_ip_phone_policies: Option<String>,
    /// Get-CsOnlineApplicationInstance output: resource accounts, never users
    #[arg(long, value_name = "FILE")]
    pub teams_resource_accounts: Option<String>,
    /// User licence data (Get-MgUser -Property UserPrincipalName,AssignedLicenses, or UPN + SkuId
    /// rows): holders of the Teams Shared Devices SKU are common area phones
    #[arg(long, value_name = "FILE")]
    pub m365_licenses: Option<String>,
    /// Exchange Online mailboxes (Get-EXOMailbox: UserPrincipalName, RecipientTypeDetails)
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub exchange: Vec<String>,
    /// CUCM end users (AXL getUser/listUser: userid, mailid, associatedDevices, phoneProfiles,
    /// associatedRemoteDestinationProfiles), JSON or CSV; several files: several clusters
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub cucm_users: Vec<String>,
    /// CUCM phones (AXL listPhone: name, product, model, class, ownerUserName), JSON or CSV
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub cucm_phones: Vec<String>,
    /// UCCX resources (/adminapi/resource: userID)
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub uccx_agents: Vec<String>,
    /// Unity Connection users (/vmrest/users: Alias)
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub unity_users: Vec<String>,
    /// Webex people (/v1/people: emails, licenses)
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub webex_users: Vec<String>,
    /// Webex licences (/v1/licenses: id, name), to name the licence ids people hold
    #[arg(long, value_name = "FILE")]
    pub webex_licenses: Option<String>,
    /// Webex workspaces (/v1/workspaces: displayName, calling.type)
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub webex_workspaces: Vec<String>,
    /// Pexip conferences (/api/admin/configuration/v1/conference/: name, primary_owner_email_address)
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub pexip_conferences: Vec<String>,
    /// The anonymous audit file: no provider, reseller, customer or site names, no identities
    /// (pseudonyms instead with --pseudonym-key-env)
    #[arg(long)]
    pub anonymous: bool,
    /// Replace identities with HMAC-SHA256 pseudonyms keyed by the value of this environment
    /// variable (at least 16 bytes; the key is never taken from the command line)
    #[arg(long, value_name = "VAR")]
    pub pseudonym_key_env: Option<String>,
}

#[derive(Debug, Args)]
pub struct TeamsAssignmentsArgs {
    /// A folder of exports named teams (Get-CsOnlineUser), teams-phone-numbers,
    /// teams-resource-accounts, teams-voice-routing-policies, teams-voice-routes,
    /// teams-shared-calling-policies, teams-call-queues, teams-prices, m365-licenses and
    /// m365-subscribed-skus (.json, .ndjson, .xml, .clixml or .csv); options given explicitly win
    #[arg(long, value_name = "DIR")]
    pub estate: Option<PathBuf>,
    /// Get-CsOnlineUser output with AssignedPlan (JSON with -Depth 5, Export-Clixml, or one JSON
    /// line per user); several files are read as one
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub online_users: Vec<String>,
    /// Get-CsPhoneNumberAssignment output (TelephoneNumber, NumberType, AssignedPstnTargetId):
    /// numbers not in LineUri, and the number type the Calling Plan rule needs
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub phone_numbers: Vec<String>,
    /// Get-CsOnlineApplicationInstance output: resource accounts an older module shows as User
    #[arg(long, value_name = "FILE")]
    pub resource_accounts: Option<String>,
    /// Get-CsOnlineVoiceRoutingPolicy output (Identity, OnlinePstnUsages): whether the Global
    /// policy routes PSTN calls, and the usages of the policy a Calling Plan holder uses
    #[arg(long, value_name = "FILE")]
    pub voice_routing_policies: Option<String>,
    /// Get-CsOnlineVoiceRoute output (Identity, NumberPattern, OnlinePstnUsages,
    /// OnlinePstnGatewayList): whether a policy routes every number over Direct Routing, so a
    /// Calling Plan beside it carries no call
    #[arg(long, value_name = "FILE")]
    pub voice_routes: Option<String>,
    /// Get-CsTeamsSharedCallingRoutingPolicy output (Identity, ResourceAccount): whether the
    /// Global policy makes voice users without a number Shared Calling users
    #[arg(long, value_name = "FILE")]
    pub shared_calling_policies: Option<String>,
    /// Get-CsCallQueue output (Agents, Users): call queue agents need Teams Phone and voice but
    /// no number of their own
    #[arg(long, value_name = "FILE")]
    pub call_queues: Option<String>,
    /// Price list CSV with columns Plan (an AssignedPlan Capability such as MCOEV) and
    /// MonthlyPrice (12.50): the summary then gives the monthly waste
    #[arg(long, value_name = "FILE")]
    pub prices: Option<String>,
    /// The users' licences: Get-MgUser -Property UserPrincipalName,AssignedLicenses, or rows of
    /// UserPrincipalName, SkuId, SkuPartNumber. With them the monthly waste is a saving: only
    /// plans bought separately are priced, not plans inside a suite (Teams Phone in E5)
    #[arg(long, value_name = "FILE")]
    pub m365_licenses: Option<String>,
    /// Get-MgSubscribedSku output (SkuId, SkuPartNumber, ServicePlans): which plans each SKU of
    /// the tenant holds, so a SKU holding only the plan tells from a suite
    #[arg(long, value_name = "FILE")]
    pub subscribed_skus: Option<String>,
}
