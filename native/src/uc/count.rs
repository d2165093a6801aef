//! `uc count`: the services each directory user is linked to, the licences they consume, the
//! standalone devices and meeting rooms, and the totals per customer (VOSS's license counting,
//! from exports). Order of work:
//!
//! 1. small inputs: IP phone policies, resource accounts, licence data, Webex licence names;
//! 2. the link indexes: CUCM users, then phones (owners and CTI), UCCX, Unity Connection,
//!    Exchange, Webex people, Pexip conferences, and Get-CsOnlineUser when a directory is given;
//! 3. the directory, streamed: one UcUserLicense per user, in input order;
//! 4. devices (standalone phones, Webex workspaces, Teams rooms and common area phones), service
//!    records nothing links to (UcOrphanService), and the totals (UcLicenseTotal).

use super::inputs::*;
use super::key::{Key, ShortSet};
use super::privacy::Privacy;
use super::records::*;
use super::services::*;
use super::teams::{
    classify, AppKind, TeamsClass, TeamsContext, TeamsFacts, SHARED_DEVICES_PART_NUMBER,
    SHARED_DEVICES_SKU_ID,
};
use super::totals::{device_index, footer, service_index, Customers};
use super::UcError;
use crate::ingest::{load_all, stream_each, DateOrder, Record};
use crate::m365::{ApplicationInstance, CsOnlineUser, IpPhonePolicy, UserLicenses};
use crate::model::uc::{
    licences_for_phones, UcCount, UcDeviceKind, UcExclusion, UcLinkRule, UcReason, UcService,
    UcVendor,
};
use crate::model::{Finding, FindingCode, RecordSink, Reporter};
use std::collections::HashMap;
use std::sync::Arc;

/// The exports a count reads. Every service is optional; several files per service are read
/// as one (clusters, tenants).
#[derive(Debug, Clone, Default)]
pub struct UcFiles {
    /// The user directory (VOSS data/User): Username, Email, Customer, CustomerPkid, ...
    pub users: Option<String>,
    /// Get-CsOnlineUser (the directory itself when no user directory is given)
    pub teams: Vec<String>,
    /// Get-CsTeamsIPPhonePolicy
    pub teams_ip_phone_policies: Option<String>,
    /// Get-CsOnlineApplicationInstance
    pub teams_resource_accounts: Option<String>,
    /// User licence data (Get-MgUser AssignedLicenses, or UPN + SkuId rows)
    pub m365_licenses: Option<String>,
    /// Get-EXOMailbox / Get-Mailbox
    pub exchange: Vec<String>,
    /// AXL getUser / listUser
    pub cucm_users: Vec<String>,
    /// AXL listPhone
    pub cucm_phones: Vec<String>,
    /// UCCX /adminapi/resource
    pub uccx_agents: Vec<String>,
    /// Unity Connection /vmrest/users
    pub unity_users: Vec<String>,
    /// Webex /v1/people
    pub webex_users: Vec<String>,
    /// Webex /v1/licenses (to name the licence ids people hold)
    pub webex_licenses: Option<String>,
    /// Webex /v1/workspaces
    pub webex_workspaces: Vec<String>,
    /// Pexip /api/admin/configuration/v1/conference/
    pub pexip_conferences: Vec<String>,
    /// The month/day order of the exports' culture-text dates, when the admin gave it.
    pub date_order: Option<DateOrder>,
}

impl UcFiles {
    fn any_service(&self) -> bool {
        !(self.teams.is_empty()
            && self.exchange.is_empty()
            && self.cucm_users.is_empty()
            && self.cucm_phones.is_empty()
            && self.uccx_agents.is_empty()
            && self.unity_users.is_empty()
            && self.webex_users.is_empty()
            && self.webex_workspaces.is_empty()
            && self.pexip_conferences.is_empty())
    }
}

/// What `uc count` reads and what the output may say about people.
#[derive(Clone, Default)]
pub struct CountOptions {
    pub files: UcFiles,
    /// Drop provider, reseller, customer and site names, and identities unless pseudonymised.
    pub anonymous: bool,
    /// Replace identities with HMAC-SHA256 pseudonyms under this key.
    pub pseudonym_key: Option<Vec<u8>>,
}

impl std::fmt::Debug for CountOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CountOptions")
            .field("files", &self.files)
            .field("anonymous", &self.anonymous)
            .field(
                "pseudonym_key",
                &self.pseudonym_key.as_ref().map(|_| "(set)"),
            )
            .finish()
    }
}

pub const WEBEX_CALLING_PROFESSIONAL: &str = "Webex Calling - Professional";

/// How a service's records are found from a directory user.
struct LinkSpec {
    service: UcService,
    by_username: bool,
    /// Email matches the record's identity (`Id`) or its separate email (`Mailid`, CUCM).
    email: EmailMatch,
}

#[derive(PartialEq, Eq)]
enum EmailMatch {
    None,
    Id,
    Mailid,
}

const SPECS: &[LinkSpec] = &[
    LinkSpec {
        service: UcService::Cucm,
        by_username: true,
        email: EmailMatch::Mailid,
    },
    LinkSpec {
        service: UcService::Uccx,
        by_username: true,
        email: EmailMatch::None,
    },
    LinkSpec {
        service: UcService::Unity,
        by_username: true,
        email: EmailMatch::None,
    },
    LinkSpec {
        service: UcService::Webex,
        by_username: false,
        email: EmailMatch::Id,
    },
    LinkSpec {
        service: UcService::Teams,
        by_username: false,
        email: EmailMatch::Id,
    },
    LinkSpec {
        service: UcService::Exchange,
        by_username: false,
        email: EmailMatch::Id,
    },
    LinkSpec {
        service: UcService::Pexip,
        by_username: false,
        email: EmailMatch::Id,
    },
];

/// What a linked record says for one user.
struct Linked {
    service: UcService,
    identity: String,
    rule: UcLinkRule,
    counted: Option<bool>,
    detail: String,
    phones: Vec<String>,
    phone_count: u32,
}

/// The directory row's own Teams record, in a Teams-only estate.
struct SelfTeams {
    facts: TeamsFacts,
    upn: String,
    device: Option<TeamsDevice>,
}

struct Counter {
    privacy: Privacy,
    ctx: TeamsContext,
    webex_licence_names: HashMap<String, String>,
    phones: Option<Phones>,
    cucm: Option<Table<CucmData>>,
    uccx: Option<Table<()>>,
    unity: Option<Table<()>>,
    webex: Option<Table<WebexCalling>>,
    teams: Option<Table<TeamsData>>,
    exchange: Option<Table<MailboxData>>,
    pexip: Option<Table<PexipData>>,
    /// Pexip conferences with no owner email: (name, file, record).
    pexip_unowned: Vec<(String, Arc<str>, u64)>,
    customers: Customers,
    /// Teams-only estates: rooms and shared phones seen in the directory pass, written with
    /// the other devices.
    pending_devices: Vec<(SelfTeams, u32)>,
    seen_users: ShortSet,
    teams_missing_features: u64,
    teams_plans_truncated: u64,
    webex_unnamed: u64,
}

pub fn run(
    options: &CountOptions,
    sink: &mut impl RecordSink,
    reporter: &mut impl Reporter,
) -> Result<(), UcError> {
    let f = &options.files;
    if f.users.is_none() && f.teams.is_empty() {
        return Err(UcError::NoDirectory);
    }
    if !f.any_service() {
        return Err(UcError::NoServices);
    }
    let mut c = Counter {
        privacy: Privacy::new(options.anonymous, options.pseudonym_key.as_deref())?,
        ctx: TeamsContext::default(),
        webex_licence_names: HashMap::new(),
        phones: None,
        cucm: None,
        uccx: None,
        unity: None,
        webex: None,
        teams: None,
        exchange: None,
        pexip: None,
        pexip_unowned: Vec::new(),
        customers: Customers::new(),
        pending_devices: Vec::new(),
        seen_users: ShortSet::default(),
        teams_missing_features: 0,
        teams_plans_truncated: 0,
        webex_unnamed: 0,
    };
    c.read_context(f, reporter)?;
    c.read_cucm(f, reporter)?;
    c.read_other_services(f, reporter)?;
    match &f.users {
        Some(users) => {
            c.read_teams_index(f, reporter)?;
            c.read_directory(users, f.date_order, sink, reporter)?;
        }
        None => c.read_teams_directory(f, sink, reporter)?,
    }
    c.write_devices(f, sink, reporter)?;
    c.write_orphans(f, sink, reporter)?;
    c.warn(f, reporter);
    let mut totals = c.customers.records(&c.privacy);
    let incomplete = reporter.incomplete_inputs();
    for t in &mut totals {
        t.incomplete_inputs = incomplete.clone();
        sink.write(t)?;
    }
    sink.footer(&footer(&totals))?;
    Ok(())
}

/// A bad record is reported and skipped; a fatal one ends the run.
fn skip_bad<R: Reporter>(reporter: &mut R, e: crate::model::InputError) -> Result<(), UcError> {
    if e.fatal {
        return Err(e.into());
    }
    reporter.bad_record(&e);
    Ok(())
}

impl Counter {
    fn read_context<R: Reporter>(&mut self, f: &UcFiles, rep: &mut R) -> Result<(), UcError> {
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
        if let Some(p) = &f.webex_licenses {
            let names = &mut self.webex_licence_names;
            let mut bad = 0;
            stream_each(
                p,
                None,
                f.date_order,
                "Reading Webex licences",
                rep,
                |rep, rec| {
                    for rec in unwrap_rest(rec, "id") {
                        match WebexLicense::read(&rec) {
                            Ok(l) => {
                                names.insert(l.id.to_lowercase(), l.name);
                            }
                            Err(e) => {
                                bad += 1;
                                skip_bad(rep, e)?
                            }
                        }
                    }
                    Ok::<(), UcError>(())
                },
            )?;
            if bad > 0 {
                return Err(crate::model::InputError::file(
                    p,
                    format!("{bad} licence record(s) could not be read (each reported above); nothing was counted, because unnamed licences would leave Webex users undecided"),
                )
                .into());
            }
        }
        Ok(())
    }

    /// CUCM users first (their associatedDevices wait for the phones), then the phones (owner,
    /// CTI), then each user's devices are resolved.
    fn read_cucm<R: Reporter>(&mut self, f: &UcFiles, rep: &mut R) -> Result<(), UcError> {
        if f.cucm_users.is_empty() && f.cucm_phones.is_empty() {
            return Ok(());
        }
        let mut table: Table<CucmData> = Table::new(UcService::Cucm);
        for path in &f.cucm_users {
            stream_each(
                path,
                Some(CucmUser::PROPERTIES),
                f.date_order,
                "Reading CUCM users",
                rep,
                |rep, rec| {
                    let u = match CucmUser::read(&rec) {
                        Ok(u) => u,
                        Err(e) => return skip_bad(rep, e),
                    };
                    let file = table.file_index(&rec.file);
                    let i = match table.insert(&u.userid, file, rec.index, CucmData::default()) {
                        Ok(i) => i,
                        // The same userid in two clusters is one user: merge.
                        Err(i) if i != u32::MAX => i,
                        Err(_) => return Ok(()),
                    };
                    if let Some(m) = &u.mailid {
                        table.index_email(m, i);
                    }
                    let d = &mut table.entries[i as usize].data;
                    d.has_user_record = true;
                    for device in &u.devices {
                        d.pending.push_str(device);
                        d.pending.push('\n');
                    }
                    d.phone_profiles = d
                        .phone_profiles
                        .saturating_add(u.phone_profiles.len() as u16);
                    d.remote_destination_profiles = d
                        .remote_destination_profiles
                        .saturating_add(u.remote_destination_profiles.len() as u16);
                    Ok(())
                },
            )?;
        }
        let mut phones = Phones::default();
        for path in &f.cucm_phones {
            let mut templates = 0u64;
            stream_each(
                path,
                Some(CucmPhone::PROPERTIES),
                f.date_order,
                "Reading CUCM phones",
                rep,
                |rep, rec| {
                    let p = match CucmPhone::read(&rec) {
                        Ok(p) => p,
                        Err(e) => return skip_bad(rep, e),
                    };
                    // A Universal Device Template is configuration, not a phone: neither
                    // counted nor a service record without a user.
                    if p.is_template() {
                        templates += 1;
                        return Ok(());
                    }
                    let product = phones.product_index(p.product.as_deref().or(p.model.as_deref()));
                    let phone = Phone {
                        name: p.name.as_str().into(),
                        product,
                        cti: p.cti().is_some(),
                        has_owner: p.owner.is_some(),
                        associated: false,
                        org: p
                            .org
                            .names_customer()
                            .then(|| Box::new(p.org.clone()))
                            .or_else(|| p.org.site.is_some().then(|| Box::new(p.org.clone()))),
                    };
                    let i = match phones.insert(phone) {
                        Ok(i) => i,
                        Err(_) => {
                            rep.bad_record(&rec.error(
                            "name",
                            format!("phone {} appears more than once; the later record is skipped so it is counted once", p.name),
                        ));
                            return Ok(());
                        }
                    };
                    if let Some(owner) = &p.owner {
                        let t = &mut table;
                        let e = match t.find_id(owner) {
                            Some(e) => e,
                            None => {
                                let file = t.file_index(&rec.file);
                                t.insert(owner, file, rec.index, CucmData::default())
                                    .unwrap_or(u32::MAX)
                            }
                        };
                        if e != u32::MAX {
                            t.entries[e as usize].data.phones.push(i);
                        }
                    }
                    Ok::<(), UcError>(())
                },
            )?;
            if templates > 0 {
                rep.warning(
                    "UcDeviceTemplates",
                    &format!("{templates} Universal Device Template row(s) in {path} (Auto-registration Template, Sample Device Template, ...) are configuration, not phones: not counted"),
                );
            }
        }
        // Each user's devices: associated ∪ owned, CTI excluded, by name.
        for e in &mut table.entries {
            let d = &mut e.data;
            let pending = std::mem::take(&mut d.pending);
            let mut counted: Vec<u32> =
                Vec::with_capacity(d.phones.len() + pending.lines().count());
            for i in d.phones.drain(..) {
                if phones.list[i as usize].cti {
                    d.cti_excluded += 1;
                } else {
                    counted.push(i);
                }
            }
            for name in pending.lines() {
                match phones.find(name) {
                    Some(i) if phones.list[i as usize].cti => {
                        if !phones.list[i as usize].has_owner {
                            d.cti_excluded += 1;
                        }
                        phones.list[i as usize].associated = true;
                    }
                    Some(i) => {
                        phones.list[i as usize].associated = true;
                        counted.push(i);
                    }
                    // Not in the phone export (or none was given): not known to be CTI.
                    None => d.unknown_devices.push(name.into()),
                }
            }
            counted.sort_unstable();
            counted.dedup();
            counted.shrink_to_fit();
            d.phones = counted;
            d.unknown_devices.sort_unstable();
            d.unknown_devices.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
            d.unknown_devices.shrink_to_fit();
        }
        self.phones = Some(phones);
        self.cucm = Some(table);
        Ok(())
    }

    fn read_other_services<R: Reporter>(
        &mut self,
        f: &UcFiles,
        rep: &mut R,
    ) -> Result<(), UcError> {
        if !f.uccx_agents.is_empty() {
            self.uccx = Some(key_table(
                UcService::Uccx,
                &f.uccx_agents,
                f.date_order,
                UccxAgent::PROPERTIES,
                "userID",
                "Reading UCCX agents",
                rep,
                |r| UccxAgent::read(r).map(|a| a.user_id),
            )?);
        }
        if !f.unity_users.is_empty() {
            self.unity = Some(key_table(
                UcService::Unity,
                &f.unity_users,
                f.date_order,
                UnityUser::PROPERTIES,
                "Alias",
                "Reading Unity Connection users",
                rep,
                |r| UnityUser::read(r).map(|u| u.alias),
            )?);
        }
        if !f.exchange.is_empty() {
            let mut t: Table<MailboxData> = Table::new(UcService::Exchange);
            for path in &f.exchange {
                stream_each(
                    path,
                    Some(Mailbox::PROPERTIES),
                    f.date_order,
                    "Reading Exchange Online mailboxes",
                    rep,
                    |rep, rec| {
                        let m = match Mailbox::read(&rec) {
                            Ok(m) => m,
                            Err(e) => return skip_bad(rep, e),
                        };
                        let user_mailbox = m
                            .recipient_type_details
                            .as_deref()
                            .is_none_or(|r| r.trim().eq_ignore_ascii_case("UserMailbox"));
                        let file = t.file_index(&rec.file);
                        let data = MailboxData {
                            recipient_type: m.recipient_type_details.as_deref().map(Into::into),
                            user_mailbox,
                        };
                        if t.insert(&m.user_principal_name, file, rec.index, data)
                            .is_err()
                        {
                            rep.bad_record(&rec.error(
                                "UserPrincipalName",
                                format!(
                                    "{} appears more than once; the later record is skipped",
                                    m.user_principal_name
                                ),
                            ));
                        }
                        Ok::<(), UcError>(())
                    },
                )?;
            }
            self.exchange = Some(t);
        }
        if !f.webex_users.is_empty() {
            let mut t: Table<WebexCalling> = Table::new(UcService::Webex);
            let names = &self.webex_licence_names;
            let unnamed = &mut self.webex_unnamed;
            for path in &f.webex_users {
                stream_each(
                    path,
                    Some(WebexPerson::PROPERTIES),
                    f.date_order,
                    "Reading Webex people",
                    rep,
                    |rep, rec| {
                        for rec in unwrap_rest(rec, "emails") {
                            let p = match WebexPerson::read(&rec) {
                                Ok(p) => p,
                                Err(e) => {
                                    skip_bad(rep, e)?;
                                    continue;
                                }
                            };
                            let calling = webex_calling(&p.licenses, names);
                            if matches!(calling, WebexCalling::Unknown(_)) {
                                *unnamed += 1;
                            }
                            let file = t.file_index(&rec.file);
                            match t.insert(&p.emails[0], file, rec.index, calling) {
                                Ok(i) => {
                                    for e in &p.emails[1..] {
                                        t.alias_id(e, i);
                                    }
                                    if let Some(id) = &p.id {
                                        t.alias_id(id, i);
                                    }
                                }
                                Err(_) => rep.bad_record(&rec.error(
                                    "emails",
                                    format!(
                                        "{} appears more than once; the later record is skipped",
                                        p.emails[0]
                                    ),
                                )),
                            }
                        }
                        Ok::<(), UcError>(())
                    },
                )?;
            }
            self.webex = Some(t);
        }
        if !f.pexip_conferences.is_empty() {
            let mut t: Table<PexipData> = Table::new(UcService::Pexip);
            let unowned = &mut self.pexip_unowned;
            for path in &f.pexip_conferences {
                stream_each(
                    path,
                    Some(PexipConference::PROPERTIES),
                    f.date_order,
                    "Reading Pexip conferences",
                    rep,
                    |rep, rec| {
                        for rec in unwrap_rest(rec, "name") {
                            let c = match PexipConference::read(&rec) {
                                Ok(c) => c,
                                Err(e) => {
                                    skip_bad(rep, e)?;
                                    continue;
                                }
                            };
                            let Some(owner) = &c.owner_email else {
                                unowned.push((c.name, rec.file.clone(), rec.index));
                                continue;
                            };
                            let file = t.file_index(&rec.file);
                            let data = PexipData {
                                conferences: 1,
                                first: c.name.as_str().into(),
                            };
                            if let Err(i) = t.insert(owner, file, rec.index, data) {
                                if i != u32::MAX {
                                    t.entries[i as usize].data.conferences += 1;
                                }
                            }
                        }
                        Ok::<(), UcError>(())
                    },
                )?;
            }
            self.pexip = Some(t);
        }
        Ok(())
    }

    /// Get-CsOnlineUser as a service, when a separate directory is given.
    fn read_teams_index<R: Reporter>(&mut self, f: &UcFiles, rep: &mut R) -> Result<(), UcError> {
        if f.teams.is_empty() {
            return Ok(());
        }
        let mut t: Table<TeamsData> = Table::new(UcService::Teams);
        // A million UPNs are not kept: records nothing links to are named by reading the export
        // again (write_orphans), which standard input cannot be.
        t.keep_ids = f.teams.iter().any(|p| p == "-");
        let ctx = &self.ctx;
        let missing = &mut self.teams_missing_features;
        let truncated = &mut self.teams_plans_truncated;
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
                    let facts = classify(&u, ctx);
                    if u.feature_types.is_none() {
                        *missing += 1;
                    }
                    *truncated += u.assigned_plan_truncated as u64;
                    let device = match facts.is_device() {
                        true => Some(Box::new(teams_device(&u, &rec)?)),
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
        self.teams = Some(t);
        Ok(())
    }

    fn read_directory<R: Reporter>(
        &mut self,
        path: &str,
        date_order: Option<DateOrder>,
        sink: &mut impl RecordSink,
        rep: &mut R,
    ) -> Result<(), UcError> {
        stream_each(
            path,
            Some(DirectoryUser::PROPERTIES),
            date_order,
            "Counting directory users",
            rep,
            |rep, rec| {
                let u = match DirectoryUser::read(&rec) {
                    Ok(u) => u,
                    Err(e) => return skip_bad(rep, e),
                };
                if !self.first_time(&u, &rec, rep) {
                    return Ok(());
                }
                let record = self.count_user(&u, None);
                sink.write(&record)?;
                Ok(())
            },
        )
    }

    /// A Teams-only estate: every Get-CsOnlineUser record is a directory row.
    fn read_teams_directory<R: Reporter>(
        &mut self,
        f: &UcFiles,
        sink: &mut impl RecordSink,
        rep: &mut R,
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
                    let u = DirectoryUser {
                        username: Some(t.user_principal_name.clone()),
                        email: Some(t.user_principal_name.clone()),
                        org,
                        links: Default::default(),
                    };
                    if !self.first_time(&u, &rec, rep) {
                        return Ok(());
                    }
                    let facts = classify(&t, &self.ctx);
                    if t.feature_types.is_none() {
                        self.teams_missing_features += 1;
                    }
                    self.teams_plans_truncated += t.assigned_plan_truncated as u64;
                    let device = match facts.is_device() {
                        true => Some(teams_device(&t, &rec)?),
                        false => None,
                    };
                    let own = SelfTeams {
                        facts,
                        upn: t.user_principal_name.clone(),
                        device,
                    };
                    let record = self.count_user(&u, Some(&own));
                    sink.write(&record)?;
                    if own.device.is_some() {
                        // Written with the other devices, after the users.
                        let row = self.customers.of(&u.org);
                        self.pending_devices.push((own, row));
                    }
                    Ok::<(), UcError>(())
                },
            )?;
        }
        Ok(())
    }

    /// Reports a directory row seen before (same username, or email when there is none).
    fn first_time<R: Reporter>(&mut self, u: &DirectoryUser, rec: &Record, rep: &mut R) -> bool {
        let (field, value) = match (&u.username, &u.email) {
            (Some(n), _) => ("Username", n),
            (None, Some(e)) => ("Email", e),
            (None, None) => return true,
        };
        let Some(k) = Key::of(value) else { return true };
        if self.seen_users.insert(k.short()) {
            return true;
        }
        rep.bad_record(&rec.error(
            field,
            format!("{value} appears more than once; the later record is skipped so the user is counted once"),
        ));
        false
    }

    /// Links one directory user to every service, decides their licence, adds them to their
    /// customer's totals.
    fn count_user(&mut self, u: &DirectoryUser, own: Option<&SelfTeams>) -> UcUserLicense {
        let row = self.customers.of(&u.org);
        let mut findings = Vec::new();
        let mut linked: Vec<Linked> = Vec::new();
        let mut excluded = None;
        let mut device_row = false;

        if let Some(own) = own {
            let counted = own.facts.counts_as_user();
            linked.push(Linked {
                service: UcService::Teams,
                identity: own.upn.clone(),
                rule: UcLinkRule::Directory,
                counted,
                detail: own.facts.detail(&self.ctx),
                phones: Vec::new(),
                phone_count: 0,
            });
            if own.facts.policy_not_found {
                findings.push(policy_not_found());
            }
            excluded = own.facts.exclusion();
            device_row = own.facts.is_device();
        }
        // A row that is a room, a shared phone or an excluded account is not a user: other
        // services are not linked to it.
        if excluded.is_none() && !device_row {
            for spec in SPECS {
                if own.is_some() && spec.service == UcService::Teams {
                    continue;
                }
                if let Some(l) = self.link(spec, u, row, &mut findings) {
                    linked.push(l);
                }
            }
        }

        let licensed = if linked.iter().any(|l| l.counted == Some(true)) {
            Some(true)
        } else if linked.iter().any(|l| l.counted.is_none()) {
            None
        } else {
            Some(false)
        };
        let phone_count: u32 = linked.iter().map(|l| l.phone_count).sum();
        let licenses = if licensed == Some(true) {
            licences_for_phones(phone_count)
        } else {
            0
        };
        let counted_vendor = |v: UcVendor| {
            linked
                .iter()
                .any(|l| l.counted == Some(true) && l.service.vendor() == v)
        };
        let cisco = counted_vendor(UcVendor::Cisco);
        let microsoft = counted_vendor(UcVendor::Microsoft);
        // VOSS's "Cisco MS Integrated Services" are users provisioned through its hybrid
        // (Cisco and Microsoft) management; the exports show that as a user with a counted Cisco
        // service and a counted Teams voice service. An Exchange mailbox beside a Cisco service
        // is not integration (docs/rules/uc-counting.md, "Hybrid"): HYBRID_BASIS.
        let teams = linked
            .iter()
            .any(|l| l.counted == Some(true) && l.service == UcService::Teams);
        let hybrid = cisco && teams;
        let more_than_ten = licensed == Some(true) && phone_count > 10;

        let mut reasons = Vec::new();
        for l in &linked {
            let source = format!("{} {}", l.service, self.privacy.show(&l.identity));
            let detail = format!("{} (linked by {})", l.detail, rule_text(l.rule));
            let counts = match l.counted {
                Some(true) => UcCount::UserLicense,
                None => UcCount::Undetermined,
                Some(false) => UcCount::None,
            };
            reasons.push(UcReason::new(counts, source, detail));
        }
        if more_than_ten {
            let cucm = linked
                .iter()
                .find(|l| l.service == UcService::Cucm)
                .map(|l| self.privacy.show(&l.identity))
                .unwrap_or_default();
            reasons.push(UcReason::new(
                UcCount::PhoneLicenses,
                format!("CUCM {cucm}"),
                format!(
                    "{phone_count} phones: {licenses} licences (one per started ten above ten); listed in Users With More Than 10 Phones"
                ),
            ));
        }
        if hybrid {
            let names = |v: UcVendor| {
                linked
                    .iter()
                    .filter(|l| {
                        l.counted == Some(true)
                            && l.service.vendor() == v
                            && (v == UcVendor::Cisco || l.service == UcService::Teams)
                    })
                    .map(|l| l.service.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            reasons.push(UcReason::new(
                UcCount::Hybrid,
                "Services",
                format!(
                    "Cisco ({}) and Microsoft ({}): {}",
                    names(UcVendor::Cisco),
                    names(UcVendor::Microsoft),
                    crate::uc::records::HYBRID_BASIS
                ),
            ));
        }
        if linked.is_empty() {
            reasons.push(UcReason::new(
                UcCount::None,
                "Directory",
                "no service record links to this user: not licensed",
            ));
        } else if let Some(e) = excluded {
            reasons.push(UcReason::new(
                UcCount::None,
                "Directory",
                format!("left out of every count ({e}); counted under Excluded in the totals"),
            ));
        } else if device_row {
            reasons.push(UcReason::new(
                UcCount::None,
                "Directory",
                "a device account: counted with the devices or meeting rooms, not as a user",
            ));
        }

        // Totals.
        let r = self.customers.row(row);
        r.directory_users += 1;
        r.add_site(u.org.site.as_deref());
        if let Some(e) = excluded {
            r.exclude(e);
        }
        match licensed {
            Some(true) => {
                r.licensed_users += 1;
                r.user_licenses += licenses as u64;
                r.extra_phone_licences += (licenses - 1) as u64;
                r.hybrid += hybrid as u64;
                r.cisco_only += (cisco && !hybrid) as u64;
                r.microsoft_only += (microsoft && !cisco) as u64;
                for l in linked.iter().filter(|l| l.counted == Some(true)) {
                    r.by_service[service_index(l.service)] += 1;
                }
                if more_than_ten {
                    r.more_than_ten_count += 1;
                    let who = u
                        .username
                        .as_deref()
                        .or(u.email.as_deref())
                        .unwrap_or_default();
                    if let Some(id) = self.privacy.id(who) {
                        r.more_than_ten.push(id);
                    }
                }
            }
            None => r.undetermined += 1,
            Some(false) => {}
        }

        let p = &self.privacy;
        UcUserLicense {
            username: p.id_opt(u.username.as_deref()),
            email: p.id_opt(u.email.as_deref()),
            provider: p.org(u.org.provider.as_deref()),
            reseller: p.org(u.org.reseller.as_deref()),
            customer: p.org(u.org.customer.as_deref()),
            customer_pkid: u.org.customer_pkid.clone(),
            site: p.org(u.org.site.as_deref()),
            licensed,
            licenses,
            hybrid,
            phone_count,
            more_than_ten_phones: more_than_ten,
            phones: linked
                .iter()
                .flat_map(|l| l.phones.iter())
                .filter_map(|n| p.id(n))
                .collect(),
            linked_services: linked
                .into_iter()
                .map(|l| UcLinkedService {
                    service: l.service,
                    identity: p.id(&l.identity),
                    link_rule: l.rule,
                    counted: l.counted,
                })
                .collect(),
            excluded,
            reasons,
            findings,
        }
    }

    /// Finds the user's record in one service: the explicit link field first, else username,
    /// else email; describes it.
    fn link(
        &mut self,
        spec: &LinkSpec,
        u: &DirectoryUser,
        row: u32,
        findings: &mut Vec<Finding>,
    ) -> Option<Linked> {
        let service = spec.service;
        let field = u.link_field(service);
        let privacy = &self.privacy;
        macro_rules! find {
            ($t:expr) => {{
                let t = $t.as_ref()?;
                let mut hit = None;
                if let Some((name, value)) = field {
                    match t.find_id(value) {
                        Some(i) => hit = Some((i, UcLinkRule::LinkField, value)),
                        None => findings.push(Finding::warning(
                            FindingCode::LinkTargetNotFound,
                            format!(
                                "{name}={} names no {service} record in the export; the username and email rules were tried instead",
                                privacy.show(value)
                            ),
                        )),
                    }
                }
                if hit.is_none() && spec.by_username {
                    if let Some(n) = u.username.as_deref() {
                        if let Some(i) = t.find_id(n) {
                            hit = Some((i, UcLinkRule::Username, n));
                        }
                    }
                }
                if hit.is_none() {
                    if let Some(e) = u.email.as_deref() {
                        let i = match spec.email {
                            EmailMatch::Id => t.find_id(e),
                            EmailMatch::Mailid => t.find_email(e),
                            EmailMatch::None => None,
                        };
                        if let Some(i) = i {
                            hit = Some((i, UcLinkRule::Email, e));
                        }
                    }
                }
                hit
            }};
        }
        // The record's identity: its own, or (Teams, whose identities are not kept) the text that
        // matched it, which equals it but for letter case.
        macro_rules! mark {
            ($t:expr, $i:expr, $matched:expr) => {{
                let e = &mut $t.as_mut().expect("found above").entries[$i as usize];
                let id: String = if e.id.is_empty() { $matched.to_string() } else { e.id.to_string() };
                e.links = e.links.saturating_add(1);
                if e.customer == u32::MAX {
                    e.customer = row;
                }
                if e.links == 2 {
                    findings.push(Finding::warning(
                        FindingCode::ServiceLinkedToSeveralUsers,
                        format!(
                            "{service} record {} is linked to another directory user too; each of them counts it",
                            self.privacy.show(&id)
                        ),
                    ));
                }
                id
            }};
        }
        let linked = |identity: String, rule, counted, detail: String| Linked {
            service,
            identity,
            rule,
            counted,
            detail,
            phones: Vec::new(),
            phone_count: 0,
        };
        match service {
            UcService::Cucm => {
                let (i, rule, matched) = find!(self.cucm)?;
                let id = mark!(self.cucm, i, matched);
                let d = &self.cucm.as_ref()?.entries[i as usize].data;
                let phones = self.phones.as_ref();
                let mut names: Vec<String> = d
                    .phones
                    .iter()
                    .filter_map(|p| phones.map(|ph| ph.list[*p as usize].name.to_string()))
                    .collect();
                names.extend(d.unknown_devices.iter().map(|n| n.to_string()));
                let count = d.phone_count();
                let mut l = linked(
                    id,
                    rule,
                    Some(d.meets_condition()),
                    cucm_detail(d, self.phones.as_ref()),
                );
                l.phones = names;
                l.phone_count = count;
                Some(l)
            }
            UcService::Uccx => {
                let (i, rule, matched) = find!(self.uccx)?;
                let id = mark!(self.uccx, i, matched);
                Some(linked(id, rule, Some(true), "UCCX resource exists".into()))
            }
            UcService::Unity => {
                let (i, rule, matched) = find!(self.unity)?;
                let id = mark!(self.unity, i, matched);
                Some(linked(
                    id,
                    rule,
                    Some(true),
                    "Unity Connection user (mailbox) exists".into(),
                ))
            }
            UcService::Webex => {
                let (i, rule, matched) = find!(self.webex)?;
                let id = mark!(self.webex, i, matched);
                let d = &self.webex.as_ref()?.entries[i as usize].data;
                let (counted, detail) = webex_detail(d);
                Some(linked(id, rule, counted, detail))
            }
            UcService::Teams => {
                let (i, rule, matched) = find!(self.teams)?;
                let id = mark!(self.teams, i, matched);
                let d = &self.teams.as_ref()?.entries[i as usize].data;
                if d.facts.policy_not_found {
                    findings.push(policy_not_found());
                }
                Some(linked(
                    id,
                    rule,
                    d.facts.counts_as_user(),
                    d.facts.detail(&self.ctx),
                ))
            }
            UcService::Exchange => {
                let (i, rule, matched) = find!(self.exchange)?;
                let id = mark!(self.exchange, i, matched);
                let d = &self.exchange.as_ref()?.entries[i as usize].data;
                let (counted, detail) = mailbox_detail(d);
                Some(linked(id, rule, Some(counted), detail))
            }
            UcService::Pexip => {
                let (i, rule, matched) = find!(self.pexip)?;
                let id = mark!(self.pexip, i, matched);
                let d = &self.pexip.as_ref()?.entries[i as usize].data;
                Some(linked(id, rule, Some(true), pexip_detail(d, &self.privacy)))
            }
        }
    }

    fn write_teams_device(
        &mut self,
        sink: &mut impl RecordSink,
        upn: &str,
        facts: &TeamsFacts,
        d: &TeamsDevice,
        row: u32,
        fallback: bool,
    ) -> Result<(), UcError> {
        let p = &self.privacy;
        let source = format!("Get-CsOnlineUser {}", p.show(upn));
        let detail = facts.detail(&self.ctx);
        let org = Org {
            site: d.org.site.clone(),
            ..self.customers.org_of(row)
        };
        let r = self.customers.row(row);
        r.add_site(d.org.site.as_deref());
        match facts.class {
            TeamsClass::MeetingRoom { counted, kind } => {
                let counted = counted == Some(true);
                if counted {
                    r.rooms += 1;
                    match kind {
                        super::teams::RoomKind::Pro => r.rooms_pro += 1,
                        super::teams::RoomKind::Basic => r.rooms_basic += 1,
                        super::teams::RoomKind::Other => {}
                    }
                }
                let counts = if counted {
                    UcCount::MeetingRoom
                } else {
                    UcCount::None
                };
                sink.write(&UcMeetingRoom {
                    name: p.id(upn),
                    display_name: d.display_name.as_deref().and_then(|n| p.id(n)),
                    features: d.room_features.clone(),
                    provider: p.org(org.provider.as_deref()),
                    reseller: p.org(org.reseller.as_deref()),
                    customer: p.org(org.customer.as_deref()),
                    customer_pkid: org.customer_pkid.clone(),
                    site: p.org(org.site.as_deref()),
                    counted,
                    reasons: vec![UcReason::new(counts, source, detail)],
                })?;
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
                sink.write(&UcDevice {
                    kind: UcDeviceKind::TeamsCommonAreaPhone,
                    name: p.id(upn),
                    model: Some(match via {
                        super::teams::CapVia::Policy(i) => {
                            format!("TeamsIPPhonePolicy {}", self.ctx.policy_name(i))
                        }
                        super::teams::CapVia::SharedDevicesSku => "Teams Shared Devices".into(),
                    }),
                    provider: p.org(org.provider.as_deref()),
                    reseller: p.org(org.reseller.as_deref()),
                    customer: p.org(org.customer.as_deref()),
                    customer_pkid: org.customer_pkid.clone(),
                    site: p.org(org.site.as_deref()),
                    counted,
                    excluded: None,
                    reasons: vec![UcReason::new(counts, source, detail)],
                })?;
            }
            _ => {}
        }
        Ok(())
    }

    fn write_devices<R: Reporter>(
        &mut self,
        f: &UcFiles,
        sink: &mut impl RecordSink,
        rep: &mut R,
    ) -> Result<(), UcError> {
        // Standalone CUCM phones, in export order.
        if let Some(phones) = self.phones.take() {
            for ph in &phones.list {
                if ph.has_owner {
                    if ph.cti {
                        let (row, _) = self.customers.for_device(ph.org.as_deref());
                        self.customers.row(row).exclude(UcExclusion::CtiDevice);
                    }
                    continue;
                }
                if ph.associated && !ph.cti {
                    continue;
                }
                let (row, fallback) = self.customers.for_device(ph.org.as_deref());
                let product = phones.products[ph.product as usize].to_string();
                let product = (!product.is_empty()).then_some(product);
                let r = self.customers.row(row);
                if let Some(o) = &ph.org {
                    r.add_site(o.site.as_deref());
                }
                let source = format!("CUCM phone {}", self.privacy.show(&ph.name));
                let (counted, excluded, reason) = if ph.cti {
                    r.exclude(UcExclusion::CtiDevice);
                    (
                        false,
                        Some(UcExclusion::CtiDevice),
                        UcReason::new(
                            UcCount::None,
                            source,
                            format!(
                                "{}: CTI devices are never counted",
                                product.as_deref().unwrap_or("CTI device")
                            ),
                        ),
                    )
                } else {
                    r.devices[device_index(UcDeviceKind::CucmPhone)] += 1;
                    r.devices_by_fallback += fallback as u64;
                    (
                        true,
                        None,
                        UcReason::new(
                            UcCount::StandaloneDevice,
                            source,
                            "ownerUserName is blank and no CUCM user lists it in associatedDevices: a standalone phone",
                        ),
                    )
                };
                let org = Org {
                    site: ph.org.as_ref().and_then(|o| o.site.clone()),
                    ..self.customers.org_of(row)
                };
                let p = &self.privacy;
                sink.write(&UcDevice {
                    kind: UcDeviceKind::CucmPhone,
                    name: p.id(&ph.name),
                    model: product,
                    provider: p.org(org.provider.as_deref()),
                    reseller: p.org(org.reseller.as_deref()),
                    customer: p.org(org.customer.as_deref()),
                    customer_pkid: org.customer_pkid.clone(),
                    site: p.org(org.site.as_deref()),
                    counted,
                    excluded,
                    reasons: vec![reason],
                })?;
            }
            self.phones = Some(phones);
        }
        // Webex workspaces, streamed.
        for path in &f.webex_workspaces {
            let mut missing = 0u64;
            stream_each(
                path,
                Some(WebexWorkspace::PROPERTIES),
                f.date_order,
                "Reading Webex workspaces",
                rep,
                |rep, rec| {
                    for rec in unwrap_rest(rec, "displayName") {
                        let w = match WebexWorkspace::read(&rec) {
                            Ok(w) => w,
                            Err(e) => {
                                skip_bad(rep, e)?;
                                continue;
                            }
                        };
                        let (row, fallback) = self.customers.for_device(Some(&w.org));
                        let name = w.display_name.clone().or(w.id.clone()).unwrap_or_default();
                        let source = format!("Webex workspace {}", self.privacy.show(&name));
                        let r = self.customers.row(row);
                        r.add_site(w.org.site.as_deref());
                        let (counted, excluded, reason) = match w.calling_type.as_deref() {
                            Some(t) if t.eq_ignore_ascii_case("none") => {
                                r.exclude(UcExclusion::CallingNone);
                                (
                                    false,
                                    Some(UcExclusion::CallingNone),
                                    UcReason::new(
                                        UcCount::None,
                                        source,
                                        "calling.type=none: not enabled for calling",
                                    ),
                                )
                            }
                            Some(t) => {
                                r.devices[device_index(UcDeviceKind::WebexWorkspace)] += 1;
                                r.devices_by_fallback += fallback as u64;
                                (
                                    true,
                                    None,
                                    UcReason::new(
                                        UcCount::StandaloneDevice,
                                        source,
                                        format!(
                                            "calling.type={t}: a workspace enabled for calling"
                                        ),
                                    ),
                                )
                            }
                            None => {
                                missing += 1;
                                (false, None, UcReason::new(UcCount::Undetermined, source, "calling is not in the export: whether the workspace is enabled for calling cannot be told, so it is not counted"))
                            }
                        };
                        let org = Org {
                            site: w.org.site.clone(),
                            ..self.customers.org_of(row)
                        };
                        let p = &self.privacy;
                        sink.write(&UcDevice {
                            kind: UcDeviceKind::WebexWorkspace,
                            name: p.id(&name),
                            model: w.calling_type.clone(),
                            provider: p.org(org.provider.as_deref()),
                            reseller: p.org(org.reseller.as_deref()),
                            customer: p.org(org.customer.as_deref()),
                            customer_pkid: org.customer_pkid.clone(),
                            site: p.org(org.site.as_deref()),
                            counted,
                            excluded,
                            reasons: vec![reason],
                        })?;
                    }
                    Ok::<(), UcError>(())
                },
            )?;
            if missing > 0 {
                rep.warning(
                    "UcWorkspaceCallingMissing",
                    &format!("{missing} Webex workspace(s) in {path} have no calling information; they are not counted (export the workspaces with their calling settings)"),
                );
            }
        }
        // Teams rooms and common area phones: Teams-only estates, then mixed ones (with the
        // Teams exclusions).
        for (own, row) in std::mem::take(&mut self.pending_devices) {
            if let Some(d) = &own.device {
                self.write_teams_device(sink, &own.upn, &own.facts, d, row, false)?;
            }
        }
        if let Some(teams) = self.teams.take() {
            for e in &teams.entries {
                let own = e.data.device.as_ref().map(|d| &d.org);
                let (row, fallback) =
                    if e.customer != u32::MAX && !own.is_some_and(|o| o.names_customer()) {
                        (e.customer, false)
                    } else {
                        self.customers.for_device(own)
                    };
                if let Some(x) = e.data.facts.exclusion() {
                    self.customers.row(row).exclude(x);
                }
                if let Some(d) = &e.data.device {
                    self.write_teams_device(sink, &d.upn, &e.data.facts, d, row, fallback)?;
                }
            }
            self.teams = Some(teams);
        }
        Ok(())
    }

    fn write_orphans<R: Reporter>(
        &mut self,
        f: &UcFiles,
        sink: &mut impl RecordSink,
        rep: &mut R,
    ) -> Result<(), UcError> {
        let teams_ids = self.teams_orphan_ids(f, rep)?;
        let p = &self.privacy;
        let customers = &mut self.customers;
        let mut emit = |service: UcService,
                        id: &str,
                        (file, record): (String, u64),
                        meets: Option<bool>,
                        reason: String,
                        detail: String|
         -> Result<(), UcError> {
            let (row, _) = customers.for_device(None);
            customers.row(row).orphans += 1;
            sink.write(&UcOrphanService {
                service,
                identity: p.id(id),
                file,
                record,
                meets_condition: meets,
                reason,
                detail,
            })?;
            Ok(())
        };
        let unlinked = |e_links: u16| e_links == 0;
        if let Some(t) = &self.cucm {
            for (i, e) in t.entries.iter().enumerate() {
                if unlinked(e.links) {
                    let reason = if e.data.has_user_record {
                        "no directory user has username_cucm or Username equal to its userid, or Email equal to its mailid".to_string()
                    } else {
                        "phones name this ownerUserName, but the CUCM user export has no such userid and no directory user matches it".to_string()
                    };
                    emit(
                        UcService::Cucm,
                        &e.id,
                        t.location(i as u32),
                        Some(e.data.meets_condition()),
                        reason,
                        cucm_detail(&e.data, self.phones.as_ref()),
                    )?;
                }
            }
        }
        for (t, field, key) in [
            (&self.uccx, "username_uccx", "userID"),
            (&self.unity, "username_cuc", "Alias"),
        ] {
            if let Some(t) = t {
                for (i, e) in t.entries.iter().enumerate() {
                    if unlinked(e.links) {
                        emit(
                            t.service,
                            &e.id,
                            t.location(i as u32),
                            Some(true),
                            format!("no directory user has {field} or Username equal to its {key}"),
                            "record exists".into(),
                        )?;
                    }
                }
            }
        }
        if let Some(t) = &self.webex {
            for (i, e) in t.entries.iter().enumerate() {
                if unlinked(e.links) {
                    let (meets, detail) = webex_detail(&e.data);
                    emit(
                        UcService::Webex,
                        &e.id,
                        t.location(i as u32),
                        meets,
                        "no directory user has username_webex_teams or Email equal to its email"
                            .into(),
                        detail,
                    )?;
                }
            }
        }
        if let Some(t) = &self.teams {
            for (i, e) in t.entries.iter().enumerate() {
                if teams_orphan(e) {
                    let id = match teams_ids.get(&(i as u32)) {
                        Some(id) => id.as_str(),
                        None => &e.id,
                    };
                    emit(
                        UcService::Teams,
                        id,
                        t.location(i as u32),
                        e.data.facts.counts_as_user(),
                        "no directory user has username_ms_teams or Email equal to its UserPrincipalName".into(),
                        e.data.facts.detail(&self.ctx),
                    )?;
                }
            }
        }
        if let Some(t) = &self.exchange {
            for (i, e) in t.entries.iter().enumerate() {
                if unlinked(e.links) {
                    let (meets, detail) = mailbox_detail(&e.data);
                    emit(UcService::Exchange, &e.id, t.location(i as u32), Some(meets), "no directory user has username_ms_365 or Email equal to its UserPrincipalName".into(), detail)?;
                }
            }
        }
        if let Some(t) = &self.pexip {
            for (i, e) in t.entries.iter().enumerate() {
                if unlinked(e.links) {
                    emit(
                        UcService::Pexip,
                        &e.id,
                        t.location(i as u32),
                        Some(true),
                        "no directory user has Email equal to its primary_owner_email_address"
                            .into(),
                        pexip_detail(&e.data, p),
                    )?;
                }
            }
        }
        for (name, file, record) in std::mem::take(&mut self.pexip_unowned) {
            emit(
                UcService::Pexip,
                &name,
                (file.to_string(), record),
                Some(false),
                "primary_owner_email_address is blank: the conference has no owner to link".into(),
                "conference with no owner".into(),
            )?;
        }
        Ok(())
    }

    /// The UPNs of the Teams accounts nothing links to, read again from the export (their
    /// identities were not kept). Empty when none are unlinked or the identities were kept.
    fn teams_orphan_ids<R: Reporter>(
        &self,
        f: &UcFiles,
        rep: &mut R,
    ) -> Result<HashMap<u32, String>, UcError> {
        let mut found = HashMap::new();
        let Some(t) = &self.teams else {
            return Ok(found);
        };
        if t.keep_ids {
            return Ok(found);
        }
        let wanted: HashMap<u64, u32> = t
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| teams_orphan(e))
            .map(|(i, _)| (t.loc(i as u32), i as u32))
            .collect();
        if wanted.is_empty() {
            return Ok(found);
        }
        // Bad records were reported on the first read: not again.
        let mut quiet = Quiet(rep);
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

    fn warn<R: Reporter>(&self, f: &UcFiles, rep: &mut R) {
        if !f.cucm_users.is_empty() && f.cucm_phones.is_empty() {
            rep.warning("UcNoCucmPhones", "the CUCM phone export was not given: CTI devices among associatedDevices cannot be excluded, phones owned but not associated are missed, and standalone phones are not counted");
        }
        if !f.teams.is_empty() && !self.ctx.policies_given && !self.ctx.licences_given {
            rep.warning("UcCommonAreaPhonesNotChecked", "neither the Teams IP phone policies nor licence data were given: common area phones cannot be told from users and are counted as voice users, as VOSS does");
        }
        if self.teams_missing_features > 0 {
            rep.warning("UcFeatureTypesMissing", &format!("{} Get-CsOnlineUser record(s) have no FeatureTypes property (an older MicrosoftTeams module?): the voice-user and meeting-room rules cannot be applied to them, and enabled voice users among them are left undecided", self.teams_missing_features));
        }
        if self.teams_plans_truncated > 0 {
            rep.warning("UcAssignedPlanTruncated", &format!("{} Get-CsOnlineUser record(s) hold AssignedPlan items cut to their type name by ConvertTo-Json's depth limit: AssignedPlan was ignored for them (export with ConvertTo-Json -Depth 5 to use it)", self.teams_plans_truncated));
        }
        if self.webex_unnamed > 0 {
            rep.warning("UcWebexLicensesUnnamed", &format!("{} Webex person(s) hold licence ids that no Webex licence export names: whether they hold Webex Calling - Professional is undecided", self.webex_unnamed));
        }
    }
}

/// A service whose records only link (UCCX agents, Unity Connection users): a table of keys,
/// read from every file given, REST wrappers unwrapped, bad records reported and skipped.
fn key_table<R: Reporter>(
    service: UcService,
    paths: &[String],
    date_order: Option<DateOrder>,
    properties: &'static [&'static str],
    key_property: &str,
    activity: &str,
    rep: &mut R,
    read: impl Fn(&Record) -> Result<String, crate::model::InputError>,
) -> Result<Table<()>, UcError> {
    let mut t: Table<()> = Table::new(service);
    for path in paths {
        stream_each(
            path,
            Some(properties),
            date_order,
            activity,
            rep,
            |rep, rec| {
                for rec in unwrap_rest(rec, key_property) {
                    match read(&rec) {
                        Ok(key) => {
                            let file = t.file_index(&rec.file);
                            let _ = t.insert(&key, file, rec.index, ());
                        }
                        Err(e) => skip_bad(rep, e)?,
                    }
                }
                Ok::<(), UcError>(())
            },
        )?;
    }
    Ok(t)
}

/// Passes progress and warnings on, drops bad records (already reported).
struct Quiet<'a, R>(&'a mut R);

impl<R: Reporter> Reporter for Quiet<'_, R> {
    fn bad_record(&mut self, _: &crate::model::InputError) {}
    fn warning(&mut self, code: &str, message: &str) {
        self.0.warning(code, message)
    }
    fn source_failed(&mut self, code: &str, source: &str, message: &str) {
        self.0.source_failed(code, source, message)
    }
    fn progress(&mut self, activity: &str, status: &str, completed: u64, total: Option<u64>) {
        self.0.progress(activity, status, completed, total)
    }
    fn progress_done(&mut self, activity: &str, status: &str, completed: u64) {
        self.0.progress_done(activity, status, completed)
    }
    fn bad_records(&self) -> usize {
        self.0.bad_records()
    }
    fn incomplete_inputs(&self) -> Vec<crate::model::IncompleteInput> {
        self.0.incomplete_inputs()
    }
    fn inherit_incomplete(&mut self, input: &crate::model::IncompleteInput) {
        self.0.inherit_incomplete(input)
    }
}

/// A Teams account that is a user (not a room, shared phone or excluded account) and that no
/// directory user links to.
fn teams_orphan(e: &Entry<TeamsData>) -> bool {
    e.links == 0 && !e.data.facts.is_device() && e.data.facts.exclusion().is_none()
}

fn rule_text(rule: UcLinkRule) -> &'static str {
    match rule {
        UcLinkRule::LinkField => "the user's link field",
        UcLinkRule::Username => "username",
        UcLinkRule::Email => "email",
        UcLinkRule::Directory => "being the directory row",
    }
}

fn policy_not_found() -> Finding {
    Finding::warning(
        FindingCode::IpPhonePolicyNotFound,
        "its TeamsIPPhonePolicy is not in the IP phone policy export, so whether it is a common area phone was not checked",
    )
}

fn teams_device(u: &CsOnlineUser, rec: &Record) -> Result<TeamsDevice, UcError> {
    Ok(TeamsDevice {
        upn: u.user_principal_name.clone(),
        display_name: u.display_name.clone(),
        room_features: u
            .feature_types
            .iter()
            .flatten()
            .filter(|f| crate::model::text::starts_with_ci(f, "TeamsRoom"))
            .cloned()
            .collect(),
        org: Org::read(rec)?,
    })
}

fn webex_calling(licences: &[String], names: &HashMap<String, String>) -> WebexCalling {
    let mut named = Vec::new();
    let mut unknown = 0u16;
    for l in licences {
        let name = names
            .get(&l.to_lowercase())
            .map(String::as_str)
            .or_else(|| (l.contains(' ')).then_some(l.as_str()));
        match name {
            Some(n) if n.trim().eq_ignore_ascii_case(WEBEX_CALLING_PROFESSIONAL) => {
                return WebexCalling::Professional
            }
            Some(n) => named.push(n.trim().to_string()),
            None => unknown += 1,
        }
    }
    if unknown > 0 {
        WebexCalling::Unknown(unknown)
    } else {
        WebexCalling::Other(named.join(", ").into())
    }
}

fn webex_detail(d: &WebexCalling) -> (Option<bool>, String) {
    match d {
        WebexCalling::Professional => (Some(true), format!("holds {WEBEX_CALLING_PROFESSIONAL}")),
        WebexCalling::Other(names) if names.is_empty() => (Some(false), "holds no licence: not a Webex Calling Professional user".into()),
        WebexCalling::Other(names) => (Some(false), format!("licences {names}: no {WEBEX_CALLING_PROFESSIONAL}")),
        WebexCalling::Unknown(n) => (None, format!("undecided: {n} licence id(s) are not named by any Webex licence export, so whether one is {WEBEX_CALLING_PROFESSIONAL} cannot be told")),
    }
}

fn mailbox_detail(d: &MailboxData) -> (bool, String) {
    match (&d.recipient_type, d.user_mailbox) {
        (_, false) => (
            false,
            format!(
                "RecipientTypeDetails={}: not a user mailbox",
                d.recipient_type.as_deref().unwrap_or_default()
            ),
        ),
        (Some(t), true) => (true, format!("mailbox exists (RecipientTypeDetails={t})")),
        (None, true) => (true, "mailbox exists".into()),
    }
}

fn pexip_detail(d: &PexipData, p: &Privacy) -> String {
    if d.conferences == 1 {
        format!("owns conference {}", p.show(&d.first))
    } else {
        format!(
            "owns {} conferences (first: {})",
            d.conferences,
            p.show(&d.first)
        )
    }
}

fn cucm_detail(d: &CucmData, phones: Option<&Phones>) -> String {
    let mut parts = Vec::new();
    let n = d.phone_count();
    if n > 0 {
        let mut s = format!("{n} device(s), CTI excluded");
        if !d.unknown_devices.is_empty() {
            s.push_str(&format!(
                " ({} not in the phone export, counted since they are not known to be CTI)",
                d.unknown_devices.len()
            ));
        }
        if let Some(ph) = phones {
            let mut by_product: std::collections::BTreeMap<&str, u32> = Default::default();
            for i in &d.phones {
                *by_product.entry(ph.product(*i)).or_default() += 1;
            }
            let list: Vec<String> = by_product
                .iter()
                .filter(|(p, _)| !p.is_empty())
                .map(|(p, c)| format!("{c}× {p}"))
                .collect();
            if !list.is_empty() {
                s.push_str(&format!(": {}", list.join(", ")));
            }
        }
        parts.push(s);
    }
    if d.phone_profiles > 0 {
        parts.push(format!("{} phone profile(s)", d.phone_profiles));
    }
    if d.remote_destination_profiles > 0 {
        parts.push(format!(
            "{} remote destination profile(s)",
            d.remote_destination_profiles
        ));
    }
    let mut text = if parts.is_empty() {
        "no devices (CTI excluded), phone profiles or remote destination profiles: not counted"
            .to_string()
    } else {
        parts.join("; ")
    };
    if d.cti_excluded > 0 {
        text.push_str(&format!("; {} CTI device(s) excluded", d.cti_excluded));
    }
    if !d.has_user_record {
        text.push_str("; no CUCM user record: known from the phones' ownerUserName");
    }
    text
}
