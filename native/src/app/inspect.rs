//! `inspect [--for INPUT]`: the table of audit inputs a file can be checked against. Each entry
//! runs the decoding function its audit runs on every record (the same function, called the
//! same way), so what `inspect` says the audit will refuse is what the audit refuses. The names
//! are `AuditInputArg`'s (cli.rs); this match is the only place that maps them.

use super::cli::{AuditInputArg, InspectArgs};
use super::exit::AppError;
use super::Session;
use crate::ingest::Record;
use crate::inspect::{AuditInput, Decoder, FileDecoder, Target};
use crate::lync::estate::{PolicyTable, Scoped};
use crate::lync::inputs::{
    ConferencingPolicy, CsDevice, CsUser, DeviceKind, Pool, RgsAgentGroup, VoicePolicy,
};
use crate::m365::{ApplicationInstance, CsOnlineUser, IpPhonePolicy, SubscribedSku, UserLicenses};
use crate::model::InputError;
use crate::teams::inputs::{
    CallQueue, PhoneNumberAssignment, PlanPrice, SharedCallingPolicy, VoiceRoute,
    VoiceRoutingPolicy,
};
use crate::ual::evidence::{check_row, EvidenceReader, SystemInfo};
use crate::ual::licenses::License;
use crate::uc::inputs::{CucmPhone, CucmUser, DirectoryUser, Mailbox};
use clap::ValueEnum;

pub fn run(s: &mut Session, a: &InspectArgs) -> Result<(), AppError> {
    s.mark_incomplete = false;
    let named;
    let all;
    let target = match a.for_input {
        Some(arg) => {
            named = audit_input(arg);
            Target::Named(&named)
        }
        None => {
            all = AuditInputArg::value_variants()
                .iter()
                .map(|v| audit_input(*v))
                .collect::<Vec<_>>();
            Target::Recognise(&all)
        }
    };
    s.with_records(|out, rep| Ok(crate::inspect::run(&a.files, &target, out, rep)?))
}

/// A decoder that calls `read` on each record and keeps nothing.
fn each<T: 'static>(read: fn(&Record) -> Result<T, InputError>) -> Decoder {
    Box::new(move |r: &Record| read(r).map(drop))
}

/// A policy export as the audit reads it: each record, then the file as one table (a Global
/// policy there, no identity twice: `PolicyTable::new`, the audit's own check).
struct PolicyFile<P> {
    read: fn(&Record) -> Result<P, InputError>,
    what: &'static str,
    items: Vec<P>,
}

impl<P: Scoped> FileDecoder for PolicyFile<P> {
    fn record(&mut self, r: &Record) -> Result<(), InputError> {
        self.items.push((self.read)(r)?);
        Ok(())
    }

    fn finish(&mut self, file: &str) -> Result<(), InputError> {
        PolicyTable::new(std::mem::take(&mut self.items), file, self.what).map(drop)
    }
}

/// The decoder of a policy export (see [`PolicyFile`]).
fn policies<P: Scoped + 'static>(
    read: fn(&Record) -> Result<P, InputError>,
    what: &'static str,
) -> Decoder {
    Box::new(PolicyFile {
        read,
        what,
        items: Vec::new(),
    })
}

/// Properties that recognise a file: any one of these sets, all of its properties present.
type Marks = &'static [&'static [&'static str]];

/// The entry of one audit input: its name (the `--for` value), who reads it and how.
fn entry(
    arg: AuditInputArg,
    read_by: &'static str,
    whole_file: bool,
    marks: Marks,
    unless: &'static [&'static str],
    decoder: fn() -> Decoder,
) -> AuditInput {
    AuditInput {
        name: arg
            .to_possible_value()
            .expect("no variant is skipped")
            .get_name()
            .to_string(),
        read_by,
        whole_file,
        marks,
        unless,
        decoder,
    }
}

/// Each audit input: the command and option that read it; whether one refused record refuses
/// the file (`load_all`: small inputs read whole) or is skipped (`stream_each`); its marks; the
/// audit's decoding. Devices and users without marks of their own are never recognised (name
/// them with --for).
pub(super) fn audit_input(arg: AuditInputArg) -> AuditInput {
    use AuditInputArg as A;
    const ONLINE: &[&str] = &["AssignedPlan", "FeatureTypes"];
    match arg {
        A::LyncUsers => entry(
            arg,
            "lync entitlement --users",
            false,
            &[
                &["SipAddress", "RemoteCallControlTelephonyEnabled"],
                &["SipAddress", "AudioVideoDisabled"],
            ],
            ONLINE,
            || each(CsUser::read),
        ),
        A::LyncConferencingPolicies => entry(
            arg,
            "lync entitlement --conferencing-policies",
            true,
            &[&["Identity", "EnableAppDesktopSharing"]],
            &["ScreenSharingMode"],
            || policies(ConferencingPolicy::read, "conferencing policy"),
        ),
        A::LyncVoicePolicies => entry(
            arg,
            "lync entitlement --voice-policies",
            true,
            &[&["Identity", "PstnUsages", "EnableDelegation"]],
            &["OnlinePstnUsages"],
            || policies(VoicePolicy::read, "voice policy"),
        ),
        A::LyncPools => entry(
            arg,
            "lync entitlement --pools",
            true,
            &[&["Fqdn", "Site", "Computers"]],
            &[],
            || each(Pool::read),
        ),
        A::LyncCommonAreaPhones => entry(
            arg,
            "lync entitlement --common-area-phones",
            false,
            &[&["SipAddress", "LineURI", "RegistrarPool"]],
            &[
                "Gateway",
                "RemoteCallControlTelephonyEnabled",
                "AudioVideoDisabled",
                "UserPrincipalName",
                "SamAccountName",
                "AssignedPlan",
            ],
            || Box::new(|r: &Record| CsDevice::read(r, DeviceKind::CommonAreaPhone).map(drop)),
        ),
        A::LyncAnalogDevices => entry(
            arg,
            "lync entitlement --analog-devices",
            false,
            &[&["SipAddress", "Gateway", "AnalogFax"]],
            &[],
            || Box::new(|r: &Record| CsDevice::read(r, DeviceKind::AnalogDevice).map(drop)),
        ),
        A::LyncMeetingRooms => entry(
            arg,
            "lync entitlement --meeting-rooms",
            false,
            &[],
            &[],
            || Box::new(|r: &Record| CsDevice::read(r, DeviceKind::MeetingRoom).map(drop)),
        ),
        A::LyncRgsAgentGroups => entry(
            arg,
            "lync entitlement --rgs-agent-groups",
            true,
            &[&["AgentsByUri"]],
            &[],
            || each(RgsAgentGroup::read),
        ),
        A::UalEvidence => entry(
            arg,
            "ual compliance --evidence",
            false,
            &[
                &["RoleGuid", "ActivityCount"],
                &["ComputerID", "ProductName", "AccessDate"],
            ],
            &[],
            || {
                let mut reader = EvidenceReader::<()>::default();
                Box::new(move |r: &Record| check_row(&mut reader, r))
            },
        ),
        A::UalSystems => entry(
            arg,
            "ual compliance --systems",
            true,
            &[&["SystemDNSHostName", "OSMajor"]],
            &["RoleGuid", "ActivityCount"],
            || each(SystemInfo::read),
        ),
        A::UalLicenses => entry(
            arg,
            "ual compliance --licenses",
            true,
            &[&["Product", "CalType", "Quantity"]],
            &[],
            || each(License::read),
        ),
        A::UalPrincipals => entry(arg, "ual compliance --principals", true, &[], &[], || {
            each(crate::ual::inputs::read_principal)
        }),
        A::TeamsOnlineUsers => entry(
            arg,
            "teams assignments --online-users",
            false,
            &[&["UserPrincipalName", "AssignedPlan"]],
            &[],
            || each(crate::teams::read_user),
        ),
        A::TeamsPhoneNumbers => entry(
            arg,
            "teams assignments --phone-numbers",
            true,
            &[&["TelephoneNumber", "NumberType"]],
            &[],
            || each(PhoneNumberAssignment::read),
        ),
        A::TeamsResourceAccounts => entry(
            arg,
            "teams assignments --resource-accounts",
            true,
            &[&["UserPrincipalName", "ApplicationId"]],
            ONLINE,
            || each(ApplicationInstance::read),
        ),
        A::TeamsVoiceRoutingPolicies => entry(
            arg,
            "teams assignments --voice-routing-policies",
            true,
            &[&["Identity", "OnlinePstnUsages"]],
            &["NumberPattern"],
            || each(VoiceRoutingPolicy::read),
        ),
        A::TeamsVoiceRoutes => entry(
            arg,
            "teams assignments --voice-routes",
            true,
            &[&["NumberPattern", "OnlinePstnGatewayList"]],
            &[],
            || each(VoiceRoute::read),
        ),
        A::TeamsSharedCallingPolicies => entry(
            arg,
            "teams assignments --shared-calling-policies",
            true,
            &[&["Identity", "ResourceAccount"]],
            &[],
            || each(SharedCallingPolicy::read),
        ),
        A::TeamsCallQueues => entry(
            arg,
            "teams assignments --call-queues",
            true,
            &[&["Agents", "RoutingMethod"]],
            &[],
            || each(CallQueue::read),
        ),
        A::TeamsPrices => entry(
            arg,
            "teams assignments --prices",
            true,
            &[&["Plan", "MonthlyPrice"]],
            &[],
            || each(PlanPrice::read),
        ),
        A::M365Licenses => entry(
            arg,
            "teams assignments --m365-licenses",
            false,
            &[
                &["UserPrincipalName", "AssignedLicenses"],
                &["UserPrincipalName", "SkuId"],
            ],
            ONLINE,
            || each(UserLicenses::read),
        ),
        A::M365SubscribedSkus => entry(
            arg,
            "teams assignments --subscribed-skus",
            true,
            &[&["SkuPartNumber", "ServicePlans"]],
            &[],
            || each(SubscribedSku::read),
        ),
        A::UcUsers => entry(
            arg,
            "uc count --users",
            false,
            &[&["Username", "Email", "Customer"]],
            &[],
            || each(DirectoryUser::read),
        ),
        A::UcTeams => entry(arg, "uc count --teams", false, &[], &[], || {
            each(CsOnlineUser::read)
        }),
        A::UcTeamsIpPhonePolicies => entry(
            arg,
            "uc count --teams-ip-phone-policies",
            true,
            &[&["Identity", "SignInMode"]],
            &[],
            || each(IpPhonePolicy::read),
        ),
        A::UcCucmUsers => entry(
            arg,
            "uc count --cucm-users",
            false,
            &[&["userid", "associatedDevices"], &["USER ID", "FIRST NAME"]],
            &[],
            || each(CucmUser::read),
        ),
        A::UcCucmPhones => entry(
            arg,
            "uc count --cucm-phones",
            false,
            &[
                &["name", "product", "model"],
                &["Device Name", "Device Type"],
            ],
            &[],
            || each(CucmPhone::read),
        ),
        A::UcExchange => entry(
            arg,
            "uc count --exchange",
            false,
            &[&["UserPrincipalName", "RecipientTypeDetails"]],
            &[],
            || each(Mailbox::read),
        ),
    }
}
