//! Microsoft Teams: Get-CsOnlineUser, each record classified by `online_account` with the
//! IP phone policies, resource accounts and licence data; a voice user is a licence, a meeting
//! room or common area phone is a device. Without a user directory, the export is the directory
//! (a Teams-only estate). A million UPNs are not kept: the records nothing links to are named
//! by reading the export again.

use crate::ingest::{load_all, stream_each};
use crate::m365::{ApplicationInstance, CsOnlineUser, IpPhonePolicy, UserLicenses};
use crate::model::uc::{UcCount, UcDeviceKind, UcLinkRule, UcReason, UcService};
use crate::model::{Finding, FindingCode, Reporter};
use crate::uc::error::UcError;
use crate::uc::inputs::{DirectoryUser, Org};
use crate::uc::link::{
    device, find_and_mark, placed, skip_bad, CountRow, DeviceRecord, DirectorySource, EmailMatch,
    LinkCx, LinkRules, Linked, Orphan, OwnRecord, Rep, Service, Shared,
};
use crate::uc::link_index::{Entry, Table};
use crate::uc::online_account::{
    classify, AppKind, CapVia, RoomKind, TeamsClass, TeamsContext, TeamsFacts,
    SHARED_DEVICES_PART_NUMBER, SHARED_DEVICES_SKU_ID,
};
use crate::uc::options::UcFiles;
use crate::uc::privacy::Privacy;
use crate::uc::records::UcMeetingRoom;
use crate::uc::totals::device_index;
use std::collections::HashMap;

const RULES: LinkRules = LinkRules {
    by_username: false,
    email: EmailMatch::Id,
};

pub struct TeamsData {
    pub facts: TeamsFacts,
    /// Rooms and common area phones: what their device record needs.
    pub device: Option<Box<TeamsDevice>>,
}

pub struct TeamsDevice {
    pub upn: String,
    pub display_name: Option<String>,
    pub room_features: Vec<String>,
    pub org: Org,
}

#[derive(Default)]
pub struct Teams {
    ctx: TeamsContext,
    /// Get-CsOnlineUser as a service, when a separate directory is given.
    accounts: Option<Table<TeamsData>>,
    /// Teams-only estates: rooms and shared phones seen in the directory pass (with their
    /// customer row), written with the other devices.
    pending_devices: Vec<(TeamsFacts, TeamsDevice, u32)>,
    missing_features: u64,
    plans_truncated: u64,
}

pub fn new() -> Box<dyn Service> {
    Box::<Teams>::default()
}

impl Service for Teams {
    fn service(&self) -> UcService {
        UcService::Teams
    }

    fn given(&self, f: &UcFiles) -> bool {
        !f.teams.is_empty()
    }

    /// IP phone policies, resource accounts and the holders of the Shared Devices licence.
    fn read_context(&mut self, f: &UcFiles, rep: &mut Rep) -> Result<(), UcError> {
        if let Some(p) = &f.teams_ip_phone_policies {
            for policy in load_all(p, f.date_order, rep, IpPhonePolicy::read)? {
                self.ctx.add_policy(&policy);
            }
            // An export with no records still says "these are all the policies".
            self.ctx.policies_given = true;
        }
        if let Some(p) = &f.teams_resource_accounts {
            for a in load_all(p, f.date_order, rep, ApplicationInstance::read)? {
                self.ctx
                    .add_app_instance(&a.user_principal_name, AppKind::from_text(a.kind()));
            }
        }
        if let Some(p) = &f.m365_licenses {
            let ctx = &mut self.ctx;
            ctx.licences_given = true;
            stream_each(
                p,
                Some(UserLicenses::PROPERTIES),
                f.date_order,
                "Reading licence data",
                rep,
                |rep, rec| match UserLicenses::read(&rec) {
                    Ok(l) => {
                        if l.holds(SHARED_DEVICES_SKU_ID, SHARED_DEVICES_PART_NUMBER)
                            .is_some()
                        {
                            ctx.add_shared_device(&l.user_principal_name);
                        }
                        Ok(())
                    }
                    Err(e) => skip_bad(rep, e),
                },
            )?;
        }
        Ok(())
    }

    fn read(&mut self, f: &UcFiles, rep: &mut Rep) -> Result<(), UcError> {
        if !self.given(f) {
            return Ok(());
        }
        let mut t: Table<TeamsData> = Table::new(UcService::Teams);
        // A million UPNs are not kept: records nothing links to are named by reading the export
        // again (write_orphans), which standard input cannot be.
        t.keep_ids = f.teams.iter().any(|p| p == "-");
        for path in &f.teams {
            stream_each(
                path,
                Some(CsOnlineUser::PROPERTIES),
                f.date_order,
                "Reading Get-CsOnlineUser",
                rep,
                |rep, rec| {
                    let u = match CsOnlineUser::read(&rec) {
                        Ok(u) => u,
                        Err(e) => return skip_bad(rep, e),
                    };
                    let facts = self.classify(&u);
                    let device = match facts.is_device() {
                        true => Some(Box::new(teams_device(&u, Org::read(&rec)?))),
                        false => None,
                    };
                    let file = t.file_index(&rec.file);
                    if t.insert(
                        &u.user_principal_name,
                        file,
                        rec.index,
                        TeamsData { facts, device },
                    )
                    .is_err()
                    {
                        rep.bad_record(&rec.error(
                            "UserPrincipalName",
                            format!("{} appears more than once; the later record is skipped so it is counted once", u.user_principal_name),
                        ));
                    }
                    Ok::<(), UcError>(())
                },
            )?;
        }
        self.accounts = Some(t);
        Ok(())
    }

    fn as_directory(&mut self) -> Option<&mut dyn DirectorySource> {
        Some(self)
    }

    fn link(&mut self, u: &DirectoryUser, cx: &mut LinkCx) -> Option<Linked> {
        let t = self.accounts.as_mut()?;
        let (i, rule, id) = find_and_mark(t, &RULES, u, cx)?;
        let facts = &t.entries[i as usize].data.facts;
        if facts.policy_not_found {
            cx.findings.push(policy_not_found());
        }
        Some(Linked::new(
            UcService::Teams,
            id,
            rule,
            facts.counts_as_user(),
            facts.detail(&self.ctx),
        ))
    }

    /// Rooms and common area phones: Teams-only estates', then mixed ones' (with the Teams
    /// exclusions, at the customer of the user first linked, else the device's own).
    fn write_devices(
        &mut self,
        shared: &mut Shared,
        _f: &UcFiles,
        _rep: &mut Rep,
        write: &mut dyn FnMut(DeviceRecord) -> Result<(), UcError>,
    ) -> Result<(), UcError> {
        for (facts, d, row) in std::mem::take(&mut self.pending_devices) {
            self.write_device(shared, write, &facts, &d, row, false)?;
        }
        let Some(t) = &self.accounts else {
            return Ok(());
        };
        for e in &t.entries {
            let own = e.data.device.as_ref().map(|d| &d.org);
            let (row, fallback) =
                if e.customer != u32::MAX && !own.is_some_and(|o| o.names_customer()) {
                    (e.customer, false)
                } else {
                    shared.customers.for_device(own)
                };
            if let Some(x) = e.data.facts.exclusion() {
                shared.customers.row(row).exclude(x);
            }
            if let Some(d) = &e.data.device {
                self.write_device(shared, write, &e.data.facts, d, row, fallback)?;
            }
        }
        Ok(())
    }

    fn write_orphans(
        &mut self,
        _privacy: &Privacy,
        f: &UcFiles,
        rep: &mut Rep,
        emit: &mut dyn FnMut(Orphan) -> Result<(), UcError>,
    ) -> Result<(), UcError> {
        let ids = self.orphan_ids(f, rep)?;
        let Some(t) = &self.accounts else {
            return Ok(());
        };
        for (i, e) in t.entries.iter().enumerate() {
            if is_orphan(e) {
                let i = i as u32;
                emit(Orphan {
                    service: UcService::Teams,
                    identity: ids.get(&i).map_or(&e.id, |id| id.as_str()),
                    location: t.location(i),
                    meets: e.data.facts.counts_as_user(),
                    reason: "no directory user has username_ms_teams or Email equal to its UserPrincipalName".into(),
                    detail: e.data.facts.detail(&self.ctx),
                })?;
            }
        }
        Ok(())
    }

    fn warn(&self, f: &UcFiles, rep: &mut Rep) {
        if !f.teams.is_empty() && !self.ctx.policies_given && !self.ctx.licences_given {
            rep.warning("UcCommonAreaPhonesNotChecked", "neither the Teams IP phone policies nor licence data were given: common area phones cannot be told from users and are counted as voice users, as VOSS does");
        }
        if self.missing_features > 0 {
            rep.warning("UcFeatureTypesMissing", &format!("{} Get-CsOnlineUser record(s) have no FeatureTypes property (an older MicrosoftTeams module?): the voice-user and meeting-room rules cannot be applied to them, and enabled voice users among them are left undecided", self.missing_features));
        }
        if self.plans_truncated > 0 {
            rep.warning("UcAssignedPlanTruncated", &format!("{} Get-CsOnlineUser record(s) hold AssignedPlan items cut to their type name by ConvertTo-Json's depth limit: AssignedPlan was ignored for them (export with ConvertTo-Json -Depth 5 to use it)", self.plans_truncated));
        }
    }
}

impl DirectorySource for Teams {
    /// A Teams-only estate: every Get-CsOnlineUser record is a directory row, linked to itself.
    fn read_as_directory(
        &mut self,
        f: &UcFiles,
        rep: &mut Rep,
        count: &mut CountRow,
    ) -> Result<(), UcError> {
        for path in &f.teams {
            stream_each(
                path,
                Some(CsOnlineUser::PROPERTIES),
                f.date_order,
                "Counting Get-CsOnlineUser records",
                rep,
                |rep, rec| {
                    let t = match CsOnlineUser::read(&rec) {
                        Ok(u) => u,
                        Err(e) => return skip_bad(rep, e),
                    };
                    let org = match Org::read(&rec) {
                        Ok(o) => o,
                        Err(e) => return skip_bad(rep, e),
                    };
                    let facts = classify(&t, &self.ctx);
                    let device = facts.is_device().then(|| teams_device(&t, org.clone()));
                    let u = DirectoryUser {
                        username: Some(t.user_principal_name.clone()),
                        email: Some(t.user_principal_name.clone()),
                        org,
                        links: Default::default(),
                    };
                    let own = own_record(&t.user_principal_name, &facts, &self.ctx);
                    // None: a row seen before, skipped (and not counted here either).
                    let Some(row) = count(rep, &rec, &u, own)? else {
                        return Ok(());
                    };
                    self.note_export_gaps(&t);
                    if let Some(d) = device {
                        // Written with the other devices, after the users.
                        self.pending_devices.push((facts, d, row));
                    }
                    Ok::<(), UcError>(())
                },
            )?;
        }
        Ok(())
    }
}

impl Teams {
    /// What a record is, noting the properties the export lacks.
    fn classify(&mut self, u: &CsOnlineUser) -> TeamsFacts {
        self.note_export_gaps(u);
        classify(u, &self.ctx)
    }

    fn note_export_gaps(&mut self, u: &CsOnlineUser) {
        if u.feature_types.is_none() {
            self.missing_features += 1;
        }
        self.plans_truncated += u.assigned_plan_truncated as u64;
    }

    /// A meeting room or common area phone, counted into its customer's totals.
    fn write_device(
        &self,
        shared: &mut Shared,
        write: &mut dyn FnMut(DeviceRecord) -> Result<(), UcError>,
        facts: &TeamsFacts,
        d: &TeamsDevice,
        row: u32,
        fallback: bool,
    ) -> Result<(), UcError> {
        let p = &shared.privacy;
        let source = format!("Get-CsOnlineUser {}", p.show(&d.upn));
        let detail = facts.detail(&self.ctx);
        let org = placed(&shared.customers, row, d.org.site.clone());
        let r = shared.customers.row(row);
        r.add_site(d.org.site.as_deref());
        match facts.class {
            TeamsClass::MeetingRoom { counted, kind } => {
                let counted = counted == Some(true);
                if counted {
                    r.rooms += 1;
                    match kind {
                        RoomKind::Pro => r.rooms_pro += 1,
                        RoomKind::Basic => r.rooms_basic += 1,
                        RoomKind::Other => {}
                    }
                }
                let counts = if counted {
                    UcCount::MeetingRoom
                } else {
                    UcCount::None
                };
                write(DeviceRecord::Room(UcMeetingRoom {
                    name: p.id(&d.upn),
                    display_name: d.display_name.as_deref().and_then(|n| p.id(n)),
                    features: d.room_features.clone(),
                    provider: p.org(org.provider.as_deref()),
                    reseller: p.org(org.reseller.as_deref()),
                    customer: p.org(org.customer.as_deref()),
                    customer_pkid: org.customer_pkid.clone(),
                    site: p.org(org.site.as_deref()),
                    counted,
                    reasons: vec![UcReason::new(counts, source, detail)],
                }))
            }
            TeamsClass::CommonAreaPhone { counted, via } => {
                let counted = counted == Some(true);
                if counted {
                    r.devices[device_index(UcDeviceKind::TeamsCommonAreaPhone)] += 1;
                    r.devices_by_fallback += fallback as u64;
                }
                let counts = if counted {
                    UcCount::StandaloneDevice
                } else {
                    UcCount::None
                };
                let model = match via {
                    CapVia::Policy(i) => format!("TeamsIPPhonePolicy {}", self.ctx.policy_name(i)),
                    CapVia::SharedDevicesSku => "Teams Shared Devices".into(),
                };
                write(device(
                    p,
                    UcDeviceKind::TeamsCommonAreaPhone,
                    &d.upn,
                    Some(model),
                    &org,
                    counted,
                    None,
                    UcReason::new(counts, source, detail),
                ))
            }
            _ => Ok(()),
        }
    }

    /// The UPNs of the accounts nothing links to, read again from the export (their identities
    /// were not kept). Empty when none are unlinked or the identities were kept.
    fn orphan_ids(&self, f: &UcFiles, rep: &mut Rep) -> Result<HashMap<u32, String>, UcError> {
        let mut found = HashMap::new();
        let Some(t) = &self.accounts else {
            return Ok(found);
        };
        if t.keep_ids {
            return Ok(found);
        }
        let wanted: HashMap<u64, u32> = t
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| is_orphan(e))
            .map(|(i, _)| (t.loc(i as u32), i as u32))
            .collect();
        if wanted.is_empty() {
            return Ok(found);
        }
        // Bad records were reported on the first read: not again.
        let mut quiet = rep.quiet();
        for path in &f.teams {
            stream_each(
                path,
                Some(&["UserPrincipalName"]),
                f.date_order,
                "Naming Teams accounts no user links to",
                &mut quiet,
                |_, rec| {
                    if let Some(i) = t.loc_of(&rec.file, rec.index).and_then(|l| wanted.get(&l)) {
                        if let Ok(Some(upn)) = rec.opt_str("UserPrincipalName") {
                            found.insert(*i, upn);
                        }
                    }
                    Ok::<(), UcError>(())
                },
            )?;
        }
        Ok(found)
    }
}

/// The directory row's own record in a Teams-only estate.
fn own_record(upn: &str, facts: &TeamsFacts, ctx: &TeamsContext) -> OwnRecord {
    OwnRecord {
        linked: Linked::new(
            UcService::Teams,
            upn.to_string(),
            UcLinkRule::Directory,
            facts.counts_as_user(),
            facts.detail(ctx),
        ),
        finding: facts.policy_not_found.then(policy_not_found),
        excluded: facts.exclusion(),
        device: facts.is_device(),
    }
}

/// An account that is a user (not a room, shared phone or excluded account) and that no
/// directory user links to.
fn is_orphan(e: &Entry<TeamsData>) -> bool {
    e.links == 0 && !e.data.facts.is_device() && e.data.facts.exclusion().is_none()
}

fn policy_not_found() -> Finding {
    Finding::warning(
        FindingCode::IpPhonePolicyNotFound,
        "its TeamsIPPhonePolicy is not in the IP phone policy export, so whether it is a common area phone was not checked",
    )
}

/// What a room's or shared phone's device record needs.
fn teams_device(u: &CsOnlineUser, org: Org) -> TeamsDevice {
    TeamsDevice {
        upn: u.user_principal_name.clone(),
        display_name: u.display_name.clone(),
        room_features: u
            .feature_types
            .iter()
            .flatten()
            .filter(|f| crate::model::text::starts_with_ci(f, "TeamsRoom"))
            .cloned()
            .collect(),
        org,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sink::Collected;
    use crate::model::uc::UcExclusion;
    use crate::uc::online_account::ExcludedVia;
    use crate::uc::totals::Customers;

    fn facts(class: TeamsClass) -> TeamsFacts {
        TeamsFacts {
            class,
            policy_not_found: false,
        }
    }

    const VOICE: TeamsClass = TeamsClass::VoiceUser {
        calling_plan: false,
    };
    const ROOM: TeamsClass = TeamsClass::MeetingRoom {
        counted: Some(true),
        kind: RoomKind::Pro,
    };
    const GUEST: TeamsClass =
        TeamsClass::Excluded(UcExclusion::Guest, ExcludedVia::AccountTypeGuest);

    fn room_device() -> TeamsDevice {
        TeamsDevice {
            upn: "room1@contoso.com".into(),
            display_name: Some("Room 1".into()),
            room_features: vec!["TeamsRoomPro".into()],
            org: Org {
                site: Some("HQ".into()),
                ..Org::default()
            },
        }
    }

    #[test]
    fn a_directory_rows_own_record_says_what_the_account_is() {
        let ctx = TeamsContext::default();
        let voice = own_record("a@contoso.com", &facts(VOICE), &ctx);
        assert_eq!(voice.linked.rule, UcLinkRule::Directory);
        assert_eq!(voice.linked.counted, Some(true));
        assert!(!voice.device && voice.excluded.is_none() && voice.finding.is_none());
        let room = own_record("r@contoso.com", &facts(ROOM), &ctx);
        assert!(room.device);
        assert_eq!(
            room.linked.counted,
            Some(false),
            "a room is not a user licence"
        );
        let guest = own_record("g@contoso.com", &facts(GUEST), &ctx);
        assert_eq!(guest.excluded, Some(UcExclusion::Guest));
        let mut unchecked = facts(VOICE);
        unchecked.policy_not_found = true;
        let own = own_record("a@contoso.com", &unchecked, &ctx);
        assert_eq!(
            own.finding.unwrap().code,
            FindingCode::IpPhonePolicyNotFound
        );
    }

    #[test]
    fn only_unlinked_users_are_orphans_not_rooms_or_excluded_accounts() {
        let mut t: Table<TeamsData> = Table::new(UcService::Teams);
        for (upn, class) in [("a", VOICE), ("r", ROOM), ("g", GUEST), ("b", VOICE)] {
            let data = TeamsData {
                facts: facts(class),
                device: None,
            };
            t.insert(upn, 0, 1, data).unwrap();
        }
        t.entries[3].links = 1;
        let orphans: Vec<&str> = t
            .entries
            .iter()
            .filter(|e| is_orphan(e))
            .map(|e| &*e.id)
            .collect();
        assert_eq!(orphans, ["a"]);
    }

    #[test]
    fn a_linked_account_with_an_unknown_policy_is_linked_with_a_finding() {
        let mut t: Table<TeamsData> = Table::new(UcService::Teams);
        let mut f = facts(VOICE);
        f.policy_not_found = true;
        t.insert(
            "a@contoso.com",
            0,
            1,
            TeamsData {
                facts: f,
                device: None,
            },
        )
        .unwrap();
        let mut teams = Teams {
            accounts: Some(t),
            ..Teams::default()
        };
        let privacy = Privacy::plain();
        let mut findings = Vec::new();
        let mut cx = LinkCx {
            row: 0,
            privacy: &privacy,
            findings: &mut findings,
        };
        let u = DirectoryUser {
            username: Some("a@contoso.com".into()),
            email: Some("A@contoso.com".into()),
            ..DirectoryUser::default()
        };
        let l = teams.link(&u, &mut cx).unwrap();
        assert_eq!((l.rule, l.counted), (UcLinkRule::Email, Some(true)));
        assert_eq!(findings[0].code, FindingCode::IpPhonePolicyNotFound);
    }

    fn written(facts: TeamsFacts, fallback: bool) -> (Vec<serde_json::Value>, Customers) {
        let teams = Teams::default();
        let mut shared = Shared {
            privacy: Privacy::plain(),
            customers: Customers::new(),
        };
        let mut sink = Collected::default();
        teams
            .write_device(
                &mut shared,
                &mut |r| {
                    use crate::model::RecordSink;
                    match r {
                        DeviceRecord::Device(d) => sink.write(&d)?,
                        DeviceRecord::Room(m) => sink.write(&m)?,
                    }
                    Ok(())
                },
                &facts,
                &room_device(),
                0,
                fallback,
            )
            .unwrap();
        (sink.records, shared.customers)
    }

    #[test]
    fn a_counted_meeting_room_is_a_room_in_the_totals() {
        let (records, mut customers) = written(facts(ROOM), false);
        assert_eq!(records[0]["RecordType"], "UcMeetingRoom");
        assert_eq!(records[0]["Counted"], true);
        assert_eq!(records[0]["Features"][0], "TeamsRoomPro");
        let row = customers.row(0);
        assert_eq!((row.rooms, row.rooms_pro, row.rooms_basic), (1, 1, 0));
    }

    #[test]
    fn a_common_area_phone_is_a_device_named_by_how_it_was_found() {
        let cap = TeamsClass::CommonAreaPhone {
            counted: Some(true),
            via: CapVia::SharedDevicesSku,
        };
        let (records, mut customers) = written(facts(cap), true);
        assert_eq!(records[0]["RecordType"], "UcDevice");
        assert_eq!(records[0]["Model"], "Teams Shared Devices");
        assert_eq!(records[0]["Site"], "HQ");
        let row = customers.row(0);
        assert_eq!(
            row.devices[device_index(UcDeviceKind::TeamsCommonAreaPhone)],
            1
        );
        assert_eq!(row.devices_by_fallback, 1);
        let not_enabled = TeamsClass::CommonAreaPhone {
            counted: Some(false),
            via: CapVia::SharedDevicesSku,
        };
        let (records, mut customers) = written(facts(not_enabled), true);
        assert_eq!(records[0]["Counted"], false);
        assert_eq!(customers.row(0).devices, [0; 3]);
    }
}
