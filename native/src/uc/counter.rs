//! The counter: links each directory user to every service, decides their licence (licensed,
//! undecided or not; phones in started tens above ten; hybrid), writes one UcUserLicense per
//! user in input order and adds them to their customer's totals; then drives the services'
//! devices and orphans. It knows services only through `link::Service`.

use super::error::UcError;
use super::inputs::DirectoryUser;
use super::key::{Key, ShortSet};
use super::link::{
    skip_bad, DeviceRecord, LinkCx, Linked, Orphan, OwnRecord, Rep, Service, Shared,
};
use super::options::UcFiles;
use super::privacy::Privacy;
use super::records::{UcLinkedService, UcOrphanService, UcUserLicense, HYBRID_BASIS};
use super::totals::{footer, service_index, Customers, Row};
use crate::ingest::{stream_each, DateOrder, Record};
use crate::model::uc::{
    licences_for_phones, UcCount, UcExclusion, UcLinkRule, UcReason, UcService, UcVendor,
};
use crate::model::{Finding, RecordSink, Reporter};

pub struct Counter {
    pub shared: Shared,
    /// In `count::SERVICES` order: the order exports are read and warnings given.
    services: Vec<Box<dyn Service>>,
    /// Indexes into `services` in `UcService` order: the order a user's links, the devices and
    /// the orphans are written in (the totals' column order).
    listed: Vec<usize>,
    seen_users: ShortSet,
}

/// What a user's links decide.
#[derive(Debug, PartialEq, Eq)]
pub struct Decision {
    /// Some(true): a linked record counts; None: none counts but one is undecided.
    pub licensed: Option<bool>,
    pub phone_count: u32,
    pub licenses: u32,
    /// A counted Cisco service.
    pub cisco: bool,
    /// A counted Microsoft service.
    pub microsoft: bool,
    pub hybrid: bool,
    pub more_than_ten: bool,
}

impl Decision {
    pub fn of(linked: &[Linked]) -> Decision {
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
        let counted = |l: &&Linked| l.counted == Some(true);
        let counted_vendor = |v: UcVendor| {
            linked
                .iter()
                .filter(counted)
                .any(|l| l.service.vendor() == v)
        };
        let cisco = counted_vendor(UcVendor::Cisco);
        // VOSS's "Cisco MS Integrated Services" are users provisioned through its hybrid
        // (Cisco and Microsoft) management; the exports show that as a user with a counted
        // Cisco service and a counted Teams voice service. An Exchange mailbox beside a Cisco
        // service is not integration (docs/rules/uc-counting.md, "Hybrid"): HYBRID_BASIS.
        let teams = linked
            .iter()
            .filter(counted)
            .any(|l| l.service == UcService::Teams);
        Decision {
            licensed,
            phone_count,
            licenses,
            cisco,
            microsoft: counted_vendor(UcVendor::Microsoft),
            hybrid: cisco && teams,
            more_than_ten: licensed == Some(true) && phone_count > 10,
        }
    }
}

/// What kept a directory row from being linked to services: it is itself an excluded account
/// or a device (Teams-only estates).
#[derive(Clone, Copy, Default)]
struct NotAUser {
    excluded: Option<UcExclusion>,
    device: bool,
}

impl Counter {
    pub fn new(privacy: Privacy, services: Vec<Box<dyn Service>>) -> Counter {
        let mut listed: Vec<usize> = (0..services.len()).collect();
        listed.sort_by_key(|i| service_index(services[*i].service()));
        Counter {
            shared: Shared {
                privacy,
                customers: Customers::new(),
            },
            services,
            listed,
            seen_users: ShortSet::default(),
        }
    }

    /// Every service's side exports, then their records; a service that can be the directory
    /// is read later, beside it.
    pub fn read_services(&mut self, f: &UcFiles, rep: &mut Rep) -> Result<(), UcError> {
        for s in &mut self.services {
            s.read_context(f, rep)?;
        }
        for s in &mut self.services {
            if s.as_directory().is_none() {
                s.read(f, rep)?;
            }
        }
        Ok(())
    }

    /// The directory, streamed: the user directory (after the services that can stand in for
    /// it), or else that service's own export.
    pub fn count_directory(
        &mut self,
        f: &UcFiles,
        sink: &mut impl RecordSink,
        rep: &mut Rep,
    ) -> Result<(), UcError> {
        if let Some(users) = &f.users {
            for s in &mut self.services {
                if s.as_directory().is_some() {
                    s.read(f, rep)?;
                }
            }
            return self.read_directory(users, f.date_order, sink, rep);
        }
        let Some(i) = (0..self.services.len()).find(|i| self.services[*i].as_directory().is_some())
        else {
            return Err(UcError::NoDirectory);
        };
        let standin = Box::new(Standin(self.services[i].service()));
        let mut source = std::mem::replace(&mut self.services[i], standin);
        let result = source
            .as_directory()
            .expect("found above")
            .read_as_directory(f, rep, &mut |rep, rec, u, own| {
                if !self.first_time(u, rec, rep) {
                    return Ok(None);
                }
                let (record, row) = self.count_user(u, Some(own));
                sink.write(&record)?;
                Ok(Some(row))
            });
        self.services[i] = source;
        result
    }

    fn read_directory(
        &mut self,
        path: &str,
        date_order: Option<DateOrder>,
        sink: &mut impl RecordSink,
        rep: &mut Rep,
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
                let (record, _) = self.count_user(&u, None);
                sink.write(&record)?;
                Ok(())
            },
        )
    }

    /// Reports a directory row seen before (same username, or email when there is none).
    fn first_time(&mut self, u: &DirectoryUser, rec: &Record, rep: &mut impl Reporter) -> bool {
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
    /// customer's totals. Returns the record and the customer row.
    pub fn count_user(
        &mut self,
        u: &DirectoryUser,
        own: Option<OwnRecord>,
    ) -> (UcUserLicense, u32) {
        let row = self.shared.customers.of(&u.org);
        let mut findings = Vec::new();
        let (linked, not_a_user) = self.link(u, own, row, &mut findings);
        let decision = Decision::of(&linked);
        let p = &self.shared.privacy;
        let reasons = reasons(&linked, &decision, not_a_user, p);
        add_user(
            self.shared.customers.row(row),
            u,
            &linked,
            &decision,
            not_a_user.excluded,
            p,
        );
        let record = UcUserLicense {
            username: p.id_opt(u.username.as_deref()),
            email: p.id_opt(u.email.as_deref()),
            provider: p.org(u.org.provider.as_deref()),
            reseller: p.org(u.org.reseller.as_deref()),
            customer: p.org(u.org.customer.as_deref()),
            customer_pkid: u.org.customer_pkid.clone(),
            site: p.org(u.org.site.as_deref()),
            licensed: decision.licensed,
            licenses: decision.licenses,
            hybrid: decision.hybrid,
            phone_count: decision.phone_count,
            more_than_ten_phones: decision.more_than_ten,
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
            excluded: not_a_user.excluded,
            reasons,
            findings,
        };
        (record, row)
    }

    /// The user's records: its own (a Teams-only directory row), then each service's in
    /// `UcService` order. A row that is a room, a shared phone or an excluded account is not a
    /// user: other services are not linked to it.
    fn link(
        &mut self,
        u: &DirectoryUser,
        own: Option<OwnRecord>,
        row: u32,
        findings: &mut Vec<Finding>,
    ) -> (Vec<Linked>, NotAUser) {
        let mut linked = Vec::new();
        let mut not_a_user = NotAUser::default();
        let own_service = own.as_ref().map(|o| o.linked.service);
        if let Some(own) = own {
            linked.push(own.linked);
            findings.extend(own.finding);
            not_a_user = NotAUser {
                excluded: own.excluded,
                device: own.device,
            };
        }
        if not_a_user.excluded.is_some() || not_a_user.device {
            return (linked, not_a_user);
        }
        let mut cx = LinkCx {
            row,
            privacy: &self.shared.privacy,
            findings,
        };
        for &i in &self.listed {
            let s = &mut self.services[i];
            if own_service == Some(s.service()) {
                continue;
            }
            if let Some(l) = s.link(u, &mut cx) {
                linked.push(l);
            }
        }
        (linked, not_a_user)
    }

    /// Each service's devices and meeting rooms, in `UcService` order.
    pub fn write_devices(
        &mut self,
        f: &UcFiles,
        sink: &mut impl RecordSink,
        rep: &mut Rep,
    ) -> Result<(), UcError> {
        let mut write = |r: DeviceRecord| -> Result<(), UcError> {
            match r {
                DeviceRecord::Device(d) => sink.write(&d)?,
                DeviceRecord::Room(m) => sink.write(&m)?,
            }
            Ok(())
        };
        for &i in &self.listed {
            self.services[i].write_devices(&mut self.shared, f, rep, &mut write)?;
        }
        Ok(())
    }

    /// Each service's records nobody links to, in `UcService` order, counted above any
    /// customer (or at the directory's only customer).
    pub fn write_orphans(
        &mut self,
        f: &UcFiles,
        sink: &mut impl RecordSink,
        rep: &mut Rep,
    ) -> Result<(), UcError> {
        let p = &self.shared.privacy;
        let customers = &mut self.shared.customers;
        let mut emit = |o: Orphan| -> Result<(), UcError> {
            let (row, _) = customers.for_device(None);
            customers.row(row).orphans += 1;
            sink.write(&UcOrphanService {
                service: o.service,
                identity: p.id(o.identity),
                file: o.location.0,
                record: o.location.1,
                meets_condition: o.meets,
                reason: o.reason,
                detail: o.detail,
            })?;
            Ok(())
        };
        for &i in &self.listed {
            self.services[i].write_orphans(p, f, rep, &mut emit)?;
        }
        Ok(())
    }

    /// Each service's end-of-run warnings, in `count::SERVICES` order.
    pub fn warn(&self, f: &UcFiles, rep: &mut Rep) {
        for s in &self.services {
            s.warn(f, rep);
        }
    }

    /// The totals per customer, above customers and for the estate, marked with the inputs
    /// that were only partly read; then the footer.
    pub fn write_totals(&self, sink: &mut impl RecordSink, rep: &Rep) -> Result<(), UcError> {
        let mut totals = self.shared.customers.records(&self.shared.privacy);
        let incomplete = rep.incomplete_inputs();
        for t in &mut totals {
            t.incomplete_inputs = incomplete.clone();
            sink.write(t)?;
        }
        sink.footer(&footer(&totals))?;
        Ok(())
    }
}

/// Stands in for the directory's service while it reads its own export (it links nothing: a
/// directory row is not linked to its own service).
struct Standin(UcService);

impl Service for Standin {
    fn service(&self) -> UcService {
        self.0
    }
    fn given(&self, _: &UcFiles) -> bool {
        false
    }
    fn read(&mut self, _: &UcFiles, _: &mut Rep) -> Result<(), UcError> {
        Ok(())
    }
    fn link(&mut self, _: &DirectoryUser, _: &mut LinkCx) -> Option<Linked> {
        None
    }
    fn write_orphans(
        &mut self,
        _: &Privacy,
        _: &UcFiles,
        _: &mut Rep,
        _: &mut dyn FnMut(Orphan) -> Result<(), UcError>,
    ) -> Result<(), UcError> {
        Ok(())
    }
}

/// Why the user counts as they do: one reason per linked record, then phones above ten, the
/// hybrid basis, or why the row is not a user.
fn reasons(linked: &[Linked], d: &Decision, not_a_user: NotAUser, p: &Privacy) -> Vec<UcReason> {
    let mut reasons = Vec::new();
    for l in linked {
        let source = format!("{} {}", l.service, p.show(&l.identity));
        let detail = format!("{} (linked by {})", l.detail, rule_text(l.rule));
        let counts = match l.counted {
            Some(true) => UcCount::UserLicense,
            None => UcCount::Undetermined,
            Some(false) => UcCount::None,
        };
        reasons.push(UcReason::new(counts, source, detail));
    }
    if d.more_than_ten {
        let cucm = linked
            .iter()
            .find(|l| l.service == UcService::Cucm)
            .map(|l| p.show(&l.identity))
            .unwrap_or_default();
        reasons.push(UcReason::new(
            UcCount::PhoneLicenses,
            format!("CUCM {cucm}"),
            format!(
                "{} phones: {} licences (one per started ten above ten); listed in Users With More Than 10 Phones",
                d.phone_count, d.licenses
            ),
        ));
    }
    if d.hybrid {
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
                "Cisco ({}) and Microsoft ({}): {HYBRID_BASIS}",
                names(UcVendor::Cisco),
                names(UcVendor::Microsoft),
            ),
        ));
    }
    if linked.is_empty() {
        reasons.push(UcReason::new(
            UcCount::None,
            "Directory",
            "no service record links to this user: not licensed",
        ));
    } else if let Some(e) = not_a_user.excluded {
        reasons.push(UcReason::new(
            UcCount::None,
            "Directory",
            format!("left out of every count ({e}); counted under Excluded in the totals"),
        ));
    } else if not_a_user.device {
        reasons.push(UcReason::new(
            UcCount::None,
            "Directory",
            "a device account: counted with the devices or meeting rooms, not as a user",
        ));
    }
    reasons
}

/// A directory user in their customer's totals.
fn add_user(
    r: &mut Row,
    u: &DirectoryUser,
    linked: &[Linked],
    d: &Decision,
    excluded: Option<UcExclusion>,
    p: &Privacy,
) {
    r.directory_users += 1;
    r.add_site(u.org.site.as_deref());
    if let Some(e) = excluded {
        r.exclude(e);
    }
    match d.licensed {
        Some(true) => {
            r.licensed_users += 1;
            r.user_licenses += d.licenses as u64;
            r.extra_phone_licences += (d.licenses - 1) as u64;
            r.hybrid += d.hybrid as u64;
            r.cisco_only += (d.cisco && !d.hybrid) as u64;
            r.microsoft_only += (d.microsoft && !d.cisco) as u64;
            for l in linked.iter().filter(|l| l.counted == Some(true)) {
                r.by_service[service_index(l.service)] += 1;
            }
            if d.more_than_ten {
                r.more_than_ten_count += 1;
                let who = u
                    .username
                    .as_deref()
                    .or(u.email.as_deref())
                    .unwrap_or_default();
                if let Some(id) = p.id(who) {
                    r.more_than_ten.push(id);
                }
            }
        }
        None => r.undetermined += 1,
        Some(false) => {}
    }
}

fn rule_text(rule: UcLinkRule) -> &'static str {
    match rule {
        UcLinkRule::LinkField => "the user's link field",
        UcLinkRule::Username => "username",
        UcLinkRule::Email => "email",
        UcLinkRule::Directory => "being the directory row",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::PsObject;
    use crate::model::sink::Collected;
    use crate::model::uc::UcDeviceKind;
    use crate::uc::inputs::Org;
    use crate::uc::link::device;

    fn linked(service: UcService, counted: Option<bool>, phones: u32) -> Linked {
        let mut l = Linked::new(
            service,
            "jdoe".into(),
            UcLinkRule::Username,
            counted,
            "why".into(),
        );
        l.phone_count = phones;
        l
    }

    /// A service that links every user to one record with a fixed verdict, and reports one
    /// record nobody links to.
    struct Fixed(UcService, Option<bool>);

    impl Service for Fixed {
        fn service(&self) -> UcService {
            self.0
        }
        fn given(&self, _: &UcFiles) -> bool {
            true
        }
        fn read(&mut self, _: &UcFiles, _: &mut Rep) -> Result<(), UcError> {
            Ok(())
        }
        fn link(&mut self, u: &DirectoryUser, _: &mut LinkCx) -> Option<Linked> {
            let mut l = linked(self.0, self.1, 0);
            l.identity = u.username.clone()?;
            Some(l)
        }
        fn write_devices(
            &mut self,
            shared: &mut Shared,
            _: &UcFiles,
            _: &mut Rep,
            write: &mut dyn FnMut(DeviceRecord) -> Result<(), UcError>,
        ) -> Result<(), UcError> {
            let reason = UcReason::new(UcCount::StandaloneDevice, "here", "a phone");
            let org = Org::default();
            write(device(
                &shared.privacy,
                UcDeviceKind::CucmPhone,
                "SEP1",
                None,
                &org,
                true,
                None,
                reason,
            ))
        }
        fn write_orphans(
            &mut self,
            _: &Privacy,
            _: &UcFiles,
            _: &mut Rep,
            emit: &mut dyn FnMut(Orphan) -> Result<(), UcError>,
        ) -> Result<(), UcError> {
            emit(Orphan {
                service: self.0,
                identity: "nobody",
                location: ("export.json".into(), 7),
                meets: Some(true),
                reason: "no user".into(),
                detail: "exists".into(),
            })
        }
    }

    fn counter(services: Vec<(UcService, Option<bool>)>) -> Counter {
        let services = services
            .into_iter()
            .map(|(s, c)| Box::new(Fixed(s, c)) as Box<dyn Service>)
            .collect();
        Counter::new(Privacy::plain(), services)
    }

    fn jdoe() -> DirectoryUser {
        DirectoryUser {
            username: Some("jdoe".into()),
            ..DirectoryUser::default()
        }
    }

    #[test]
    fn a_counted_record_licenses_the_user_once() {
        let d = Decision::of(&[
            linked(UcService::Unity, Some(true), 0),
            linked(UcService::Exchange, Some(false), 0),
        ]);
        assert_eq!(d.licensed, Some(true));
        assert_eq!(d.licenses, 1);
        assert!(d.cisco && !d.microsoft && !d.hybrid && !d.more_than_ten);
    }

    #[test]
    fn undecided_when_nothing_counts_but_something_is_undecided() {
        let d = Decision::of(&[
            linked(UcService::Webex, None, 0),
            linked(UcService::Exchange, Some(false), 0),
        ]);
        assert_eq!(d.licensed, None);
        assert_eq!(d.licenses, 0);
        let d = Decision::of(&[linked(UcService::Exchange, Some(false), 0)]);
        assert_eq!(d.licensed, Some(false));
        assert_eq!(Decision::of(&[]).licensed, Some(false));
    }

    #[test]
    fn phones_above_ten_take_a_licence_per_started_ten() {
        let d = Decision::of(&[linked(UcService::Cucm, Some(true), 23)]);
        assert_eq!((d.phone_count, d.licenses, d.more_than_ten), (23, 3, true));
        let d = Decision::of(&[linked(UcService::Cucm, Some(true), 10)]);
        assert_eq!((d.licenses, d.more_than_ten), (1, false));
        // Not licensed: phones consume nothing.
        let d = Decision::of(&[linked(UcService::Cucm, Some(false), 23)]);
        assert_eq!((d.licenses, d.more_than_ten), (0, false));
    }

    #[test]
    fn hybrid_is_a_counted_cisco_service_and_a_counted_teams_voice_service() {
        let d = Decision::of(&[
            linked(UcService::Cucm, Some(true), 1),
            linked(UcService::Teams, Some(true), 0),
        ]);
        assert!(d.hybrid && d.cisco && d.microsoft);
        let d = Decision::of(&[
            linked(UcService::Cucm, Some(true), 1),
            linked(UcService::Exchange, Some(true), 0),
        ]);
        assert!(
            !d.hybrid && d.cisco && d.microsoft,
            "a mailbox is not integration"
        );
        let d = Decision::of(&[
            linked(UcService::Cucm, Some(true), 1),
            linked(UcService::Teams, Some(false), 0),
        ]);
        assert!(!d.hybrid, "Teams not counted");
    }

    #[test]
    fn links_are_listed_in_service_order_and_counted_in_the_totals() {
        // SERVICES order is not the listing order.
        let mut c = counter(vec![
            (UcService::Pexip, Some(true)),
            (UcService::Teams, Some(true)),
            (UcService::Cucm, Some(true)),
        ]);
        let (r, row) = c.count_user(&jdoe(), None);
        let listed: Vec<UcService> = r.linked_services.iter().map(|l| l.service).collect();
        assert_eq!(
            listed,
            [UcService::Cucm, UcService::Teams, UcService::Pexip]
        );
        assert!(r.hybrid);
        assert_eq!(r.reasons.last().unwrap().counts, UcCount::Hybrid);
        let totals = c.shared.customers.row(row);
        assert_eq!(
            (totals.directory_users, totals.licensed_users, totals.hybrid),
            (1, 1, 1)
        );
        assert_eq!(totals.by_service[service_index(UcService::Pexip)], 1);
    }

    #[test]
    fn an_undecided_user_is_counted_as_undetermined() {
        let mut c = counter(vec![(UcService::Webex, None)]);
        let (r, row) = c.count_user(&jdoe(), None);
        assert_eq!(r.licensed, None);
        assert_eq!(r.reasons[0].counts, UcCount::Undetermined);
        assert_eq!(c.shared.customers.row(row).undetermined, 1);
        assert_eq!(c.shared.customers.row(row).licensed_users, 0);
    }

    #[test]
    fn a_user_nothing_links_to_is_not_licensed_and_says_so() {
        let mut c = counter(vec![(UcService::Cucm, Some(true))]);
        let (r, _) = c.count_user(&DirectoryUser::default(), None);
        assert_eq!(r.licensed, Some(false));
        assert_eq!(r.reasons.len(), 1);
        assert_eq!(
            r.reasons[0].detail,
            "no service record links to this user: not licensed"
        );
    }

    fn own(excluded: Option<UcExclusion>, device: bool) -> OwnRecord {
        OwnRecord {
            linked: Linked::new(
                UcService::Teams,
                "room@contoso.com".into(),
                UcLinkRule::Directory,
                Some(false),
                "a room".into(),
            ),
            finding: None,
            excluded,
            device,
        }
    }

    #[test]
    fn an_excluded_directory_row_links_nothing_else_and_is_counted_as_excluded() {
        let mut c = counter(vec![(UcService::Cucm, Some(true))]);
        let (r, row) = c.count_user(&jdoe(), Some(own(Some(UcExclusion::Guest), false)));
        assert_eq!(r.linked_services.len(), 1, "its own record only");
        assert_eq!(r.licensed, Some(false));
        assert_eq!(r.excluded, Some(UcExclusion::Guest));
        assert!(r.reasons[1].detail.starts_with("left out of every count"));
        assert_eq!(c.shared.customers.row(row).excluded[&UcExclusion::Guest], 1);
    }

    #[test]
    fn a_meeting_room_directory_row_is_a_device_not_a_user() {
        let mut c = counter(vec![(UcService::Cucm, Some(true))]);
        let (r, _) = c.count_user(&jdoe(), Some(own(None, true)));
        assert_eq!(r.linked_services.len(), 1);
        assert_eq!(r.linked_services[0].link_rule, UcLinkRule::Directory);
        assert_eq!(
            r.reasons[1].detail,
            "a device account: counted with the devices or meeting rooms, not as a user"
        );
    }

    #[test]
    fn a_directory_row_is_not_linked_to_its_own_service_again() {
        let mut c = counter(vec![
            (UcService::Teams, Some(true)),
            (UcService::Cucm, Some(true)),
        ]);
        let mut me = own(None, false);
        me.linked.counted = Some(true);
        let (r, _) = c.count_user(&jdoe(), Some(me));
        let listed: Vec<(UcService, UcLinkRule)> = r
            .linked_services
            .iter()
            .map(|l| (l.service, l.link_rule))
            .collect();
        assert_eq!(
            listed,
            [
                (UcService::Teams, UcLinkRule::Directory),
                (UcService::Cucm, UcLinkRule::Username)
            ]
        );
    }

    #[test]
    fn orphans_and_devices_are_written_and_orphans_counted_above_customers() {
        let mut c = counter(vec![(UcService::Uccx, Some(true))]);
        let mut sink = Collected::default();
        let mut reported = Collected::default();
        let mut rep = Rep::new(&mut reported);
        let f = UcFiles::default();
        c.write_devices(&f, &mut sink, &mut rep).unwrap();
        c.write_orphans(&f, &mut sink, &mut rep).unwrap();
        assert_eq!(sink.records[0]["RecordType"], "UcDevice");
        assert_eq!(sink.records[0]["Name"], "SEP1");
        let orphan = &sink.records[1];
        assert_eq!(orphan["RecordType"], "UcOrphanService");
        assert_eq!(orphan["Identity"], "nobody");
        assert_eq!(orphan["File"], "export.json");
        assert_eq!(orphan["Record"], 7);
        assert_eq!(c.shared.customers.row(0).orphans, 1);
    }

    #[test]
    fn a_row_seen_before_is_reported_once_and_skipped() {
        let mut c = counter(vec![]);
        let mut reported = Collected::default();
        let rec = Record::new("users.csv".into(), 3, PsObject::default());
        assert!(c.first_time(&jdoe(), &rec, &mut reported));
        let again = DirectoryUser {
            username: Some("JDOE".into()),
            ..DirectoryUser::default()
        };
        assert!(!c.first_time(&again, &rec, &mut reported));
        assert_eq!(reported.bad.len(), 1);
        assert!(
            c.first_time(&DirectoryUser::default(), &rec, &mut reported),
            "no identity: never a duplicate"
        );
    }
}
