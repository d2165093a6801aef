//! CUCM: end users (AXL getUser/listUser or BAT) and phones (AXL listPhone or BAT). A user's
//! devices are its associatedDevices and the phones naming it as owner, CTI excluded; a phone
//! no user has is a standalone device. A user counts when it has a device, a phone profile or
//! a remote destination profile.

use crate::ingest::stream_each;
use crate::model::uc::{UcCount, UcDeviceKind, UcExclusion, UcReason, UcService};
use crate::model::Reporter;
use crate::uc::error::UcError;
use crate::uc::inputs::{CucmPhone, CucmUser, DirectoryUser, Org};
use crate::uc::key::{Key, KeyMap};
use crate::uc::link::{
    device, emit_unlinked, find_and_mark, placed, skip_bad, DeviceRecord, EmailMatch, LinkCx,
    LinkRules, Linked, Orphan, Rep, Service, Shared,
};
use crate::uc::link_index::Table;
use crate::uc::options::UcFiles;
use crate::uc::privacy::Privacy;
use crate::uc::totals::device_index;

const RULES: LinkRules = LinkRules {
    by_username: true,
    email: EmailMatch::Mailid,
};

/// A CUCM end user, or the owner named by phones when no user record has that userid.
#[derive(Default)]
pub struct CucmData {
    /// associatedDevices names, one per line, until the phones are read (one allocation).
    pub pending: String,
    /// Counted devices (indexes into `Phones`).
    pub phones: Vec<u32>,
    /// Associated device names the phone export does not have (counted: not known to be CTI).
    pub unknown_devices: Vec<Box<str>>,
    pub cti_excluded: u16,
    pub phone_profiles: u16,
    pub remote_destination_profiles: u16,
    /// False when only phones name this userid as their owner.
    pub has_user_record: bool,
}

impl CucmData {
    pub fn phone_count(&self) -> u32 {
        (self.phones.len() + self.unknown_devices.len()) as u32
    }

    pub fn meets_condition(&self) -> bool {
        self.phone_count() > 0 || self.phone_profiles > 0 || self.remote_destination_profiles > 0
    }
}

/// One CUCM phone (listPhone).
pub struct Phone {
    pub name: Box<str>,
    /// Index into `Phones::products`.
    pub product: u16,
    pub cti: bool,
    pub has_owner: bool,
    /// Some CUCM user lists it in associatedDevices.
    pub associated: bool,
    pub org: Option<Box<Org>>,
}

/// Every phone, by name and by owner.
#[derive(Default)]
pub struct Phones {
    pub list: Vec<Phone>,
    pub products: Vec<Box<str>>,
    product_index: std::collections::HashMap<Box<str>, u16>,
    by_name: KeyMap<u32>,
}

impl Phones {
    pub fn product_index(&mut self, product: Option<&str>) -> u16 {
        let p = product.unwrap_or("");
        if let Some(i) = self.product_index.get(p) {
            return *i;
        }
        let i = self.products.len() as u16;
        self.products.push(p.into());
        self.product_index.insert(p.into(), i);
        i
    }

    /// Adds a phone; Err(existing) when the name is already there.
    pub fn insert(&mut self, phone: Phone) -> Result<u32, u32> {
        let Some(k) = Key::of(&phone.name) else {
            return Err(u32::MAX);
        };
        if let Some(i) = self.by_name.get(&k) {
            return Err(*i);
        }
        let i = self.list.len() as u32;
        self.list.push(phone);
        self.by_name.insert(k, i);
        Ok(i)
    }

    pub fn find(&self, name: &str) -> Option<u32> {
        Key::of(name).and_then(|k| self.by_name.get(&k).copied())
    }

    pub fn product(&self, i: u32) -> &str {
        &self.products[self.list[i as usize].product as usize]
    }
}

/// CUCM users and phones, once read (None: neither export was given).
#[derive(Default)]
pub struct Cucm {
    users: Option<Table<CucmData>>,
    phones: Phones,
}

pub fn new() -> Box<dyn Service> {
    Box::<Cucm>::default()
}

impl Service for Cucm {
    fn service(&self) -> UcService {
        UcService::Cucm
    }

    fn given(&self, f: &UcFiles) -> bool {
        !(f.cucm_users.is_empty() && f.cucm_phones.is_empty())
    }

    /// CUCM users first (their associatedDevices wait for the phones), then the phones (owner,
    /// CTI), then each user's devices are resolved.
    fn read(&mut self, f: &UcFiles, rep: &mut Rep) -> Result<(), UcError> {
        if !self.given(f) {
            return Ok(());
        }
        let mut table: Table<CucmData> = Table::new(UcService::Cucm);
        for path in &f.cucm_users {
            read_users(&mut table, path, f, rep)?;
        }
        let mut phones = Phones::default();
        for path in &f.cucm_phones {
            read_phones(&mut table, &mut phones, path, f, rep)?;
        }
        resolve_devices(&mut table, &mut phones);
        self.phones = phones;
        self.users = Some(table);
        Ok(())
    }

    fn link(&mut self, u: &DirectoryUser, cx: &mut LinkCx) -> Option<Linked> {
        let t = self.users.as_mut()?;
        let (i, rule, id) = find_and_mark(t, &RULES, u, cx)?;
        let d = &t.entries[i as usize].data;
        let mut names: Vec<String> = d
            .phones
            .iter()
            .map(|p| self.phones.list[*p as usize].name.to_string())
            .collect();
        names.extend(d.unknown_devices.iter().map(|n| n.to_string()));
        let mut l = Linked::new(
            UcService::Cucm,
            id,
            rule,
            Some(d.meets_condition()),
            cucm_detail(d, &self.phones),
        );
        l.phones = names;
        l.phone_count = d.phone_count();
        Some(l)
    }

    /// Standalone CUCM phones, in export order; CTI phones are excluded from the totals.
    fn write_devices(
        &mut self,
        shared: &mut Shared,
        _f: &UcFiles,
        _rep: &mut Rep,
        write: &mut dyn FnMut(DeviceRecord) -> Result<(), UcError>,
    ) -> Result<(), UcError> {
        let customers = &mut shared.customers;
        for ph in &self.phones.list {
            if ph.has_owner {
                if ph.cti {
                    let (row, _) = customers.for_device(ph.org.as_deref());
                    customers.row(row).exclude(UcExclusion::CtiDevice);
                }
                continue;
            }
            if ph.associated && !ph.cti {
                continue;
            }
            let (row, fallback) = customers.for_device(ph.org.as_deref());
            let product = self.phones.products[ph.product as usize].to_string();
            let product = (!product.is_empty()).then_some(product);
            let r = customers.row(row);
            if let Some(o) = &ph.org {
                r.add_site(o.site.as_deref());
            }
            let source = format!("CUCM phone {}", shared.privacy.show(&ph.name));
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
            let org = placed(customers, row, ph.org.as_ref().and_then(|o| o.site.clone()));
            write(device(
                &shared.privacy,
                UcDeviceKind::CucmPhone,
                &ph.name,
                product,
                &org,
                counted,
                excluded,
                reason,
            ))?;
        }
        Ok(())
    }

    fn write_orphans(
        &mut self,
        _privacy: &Privacy,
        _f: &UcFiles,
        _rep: &mut Rep,
        emit: &mut dyn FnMut(Orphan) -> Result<(), UcError>,
    ) -> Result<(), UcError> {
        let phones = &self.phones;
        emit_unlinked(UcService::Cucm, self.users.as_ref(), emit, |d| {
            let reason = orphan_reason(d).into();
            (Some(d.meets_condition()), reason, cucm_detail(d, phones))
        })
    }

    fn warn(&self, f: &UcFiles, rep: &mut Rep) {
        if !f.cucm_users.is_empty() && f.cucm_phones.is_empty() {
            rep.warning("UcNoCucmPhones", "the CUCM phone export was not given: CTI devices among associatedDevices cannot be excluded, phones owned but not associated are missed, and standalone phones are not counted");
        }
    }
}

fn read_users(
    table: &mut Table<CucmData>,
    path: &str,
    f: &UcFiles,
    rep: &mut Rep,
) -> Result<(), UcError> {
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
            add_user_record(&mut table.entries[i as usize].data, &u);
            Ok(())
        },
    )
}

/// A user record's devices and profiles, added to what is known of that userid.
fn add_user_record(d: &mut CucmData, u: &CucmUser) {
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
}

fn read_phones(
    table: &mut Table<CucmData>,
    phones: &mut Phones,
    path: &str,
    f: &UcFiles,
    rep: &mut Rep,
) -> Result<(), UcError> {
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
            let i = match phones.insert(phone(&p, product)) {
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
                let e = match table.find_id(owner) {
                    Some(e) => e,
                    None => {
                        let file = table.file_index(&rec.file);
                        table
                            .insert(owner, file, rec.index, CucmData::default())
                            .unwrap_or(u32::MAX)
                    }
                };
                if e != u32::MAX {
                    table.entries[e as usize].data.phones.push(i);
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
    Ok(())
}

/// What is kept of one listPhone record; its organisation only when it names one.
fn phone(p: &CucmPhone, product: u16) -> Phone {
    Phone {
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
    }
}

/// Each user's devices: associated ∪ owned, CTI excluded, by name.
fn resolve_devices(table: &mut Table<CucmData>, phones: &mut Phones) {
    for e in &mut table.entries {
        let d = &mut e.data;
        let pending = std::mem::take(&mut d.pending);
        let mut counted: Vec<u32> = Vec::with_capacity(d.phones.len() + pending.lines().count());
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
}

fn orphan_reason(d: &CucmData) -> &'static str {
    if d.has_user_record {
        "no directory user has username_cucm or Username equal to its userid, or Email equal to its mailid"
    } else {
        "phones name this ownerUserName, but the CUCM user export has no such userid and no directory user matches it"
    }
}

/// What a CUCM user has: devices (by product), profiles, CTI devices left out.
pub fn cucm_detail(d: &CucmData, phones: &Phones) -> String {
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
        let mut by_product: std::collections::BTreeMap<&str, u32> = Default::default();
        for i in &d.phones {
            *by_product.entry(phones.product(*i)).or_default() += 1;
        }
        let list: Vec<String> = by_product
            .iter()
            .filter(|(p, _)| !p.is_empty())
            .map(|(p, c)| format!("{c}× {p}"))
            .collect();
        if !list.is_empty() {
            s.push_str(&format!(": {}", list.join(", ")));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uc::totals::Customers;

    fn cucm_phone(name: &str, product: &str, owner: Option<&str>) -> CucmPhone {
        CucmPhone {
            name: name.into(),
            product: Some(product.into()),
            model: None,
            class: None,
            owner: owner.map(Into::into),
            org: Org::default(),
        }
    }

    /// Phones SEP1 (owned by jdoe), SEP2, CTI1 (CTI port, owned by jdoe), CTI2 (CTI port,
    /// unowned), SEP3 (unowned, nobody's); user jdoe associates SEP2, CTI1, CTI2 and a device
    /// the phone export lacks (twice, in two letter cases).
    fn estate() -> Cucm {
        let mut table: Table<CucmData> = Table::new(UcService::Cucm);
        let i = table.insert("jdoe", 0, 1, CucmData::default()).unwrap();
        let user = CucmUser {
            userid: "jdoe".into(),
            mailid: None,
            devices: ["SEP2", "CTI1", "CTI2", "ATA9", "ata9"]
                .map(String::from)
                .to_vec(),
            phone_profiles: vec!["profile".into()],
            remote_destination_profiles: vec![],
        };
        add_user_record(&mut table.entries[i as usize].data, &user);
        let mut phones = Phones::default();
        for (name, product, owner) in [
            ("SEP1", "Cisco 8845", Some("jdoe")),
            ("SEP2", "Cisco 8845", None),
            ("CTI1", "CTI Port", Some("jdoe")),
            ("CTI2", "CTI Port", None),
            ("SEP3", "Cisco 7841", None),
        ] {
            let p = cucm_phone(name, product, owner);
            let product = phones.product_index(p.product.as_deref());
            let n = phones.insert(phone(&p, product)).unwrap();
            if owner.is_some() {
                table.entries[0].data.phones.push(n);
            }
        }
        resolve_devices(&mut table, &mut phones);
        Cucm {
            users: Some(table),
            phones,
        }
    }

    #[test]
    fn a_users_devices_are_associated_and_owned_without_cti() {
        let c = estate();
        let d = &c.users.as_ref().unwrap().entries[0].data;
        let names: Vec<&str> = d
            .phones
            .iter()
            .map(|i| &*c.phones.list[*i as usize].name)
            .collect();
        assert_eq!(names, ["SEP1", "SEP2"]);
        assert_eq!(
            d.unknown_devices,
            ["ATA9".into()] as [Box<str>; 1],
            "deduplicated, any case"
        );
        // CTI1 (owned) and CTI2 (associated, no owner): each once.
        assert_eq!(d.cti_excluded, 2);
        assert_eq!(d.phone_count(), 3);
        assert!(d.meets_condition());
        assert!(c.phones.list[1].associated && !c.phones.list[4].associated);
    }

    #[test]
    fn the_detail_names_devices_by_product_profiles_and_cti() {
        let c = estate();
        let d = &c.users.as_ref().unwrap().entries[0].data;
        assert_eq!(
            cucm_detail(d, &c.phones),
            "3 device(s), CTI excluded (1 not in the phone export, counted since they are not known to be CTI): 2× Cisco 8845; 1 phone profile(s); 2 CTI device(s) excluded"
        );
        let owner_only = CucmData::default();
        assert!(!owner_only.meets_condition());
        assert_eq!(
            cucm_detail(&owner_only, &c.phones),
            "no devices (CTI excluded), phone profiles or remote destination profiles: not counted; no CUCM user record: known from the phones' ownerUserName"
        );
        assert!(orphan_reason(&owner_only).starts_with("phones name this ownerUserName"));
    }

    #[test]
    fn a_linked_user_brings_its_phones() {
        let mut c = estate();
        let privacy = Privacy::plain();
        let mut findings = Vec::new();
        let mut cx = LinkCx {
            row: 0,
            privacy: &privacy,
            findings: &mut findings,
        };
        let u = DirectoryUser {
            username: Some("JDOE".into()),
            ..DirectoryUser::default()
        };
        let l = c.link(&u, &mut cx).unwrap();
        assert_eq!(l.identity, "jdoe");
        assert_eq!(l.phones, ["SEP1", "SEP2", "ATA9"]);
        assert_eq!((l.phone_count, l.counted), (3, Some(true)));
    }

    #[test]
    fn unowned_unassociated_phones_are_standalone_and_cti_is_excluded() {
        let mut c = estate();
        let mut shared = Shared {
            privacy: Privacy::plain(),
            customers: Customers::new(),
        };
        let mut written = Vec::new();
        let mut reported = crate::model::sink::Collected::default();
        c.write_devices(
            &mut shared,
            &UcFiles::default(),
            &mut Rep::new(&mut reported),
            &mut |r| {
                if let DeviceRecord::Device(d) = r {
                    written.push((d.name.unwrap(), d.counted, d.excluded));
                }
                Ok(())
            },
        )
        .unwrap();
        // SEP1 owned, SEP2 associated: not standalone. CTI1 owned: excluded in the totals only.
        assert_eq!(
            written,
            [
                ("CTI2".into(), false, Some(UcExclusion::CtiDevice)),
                ("SEP3".into(), true, None),
            ]
        );
        let row = shared.customers.row(0);
        assert_eq!(row.devices[device_index(UcDeviceKind::CucmPhone)], 1);
        assert_eq!(row.excluded[&UcExclusion::CtiDevice], 2);
    }
}
