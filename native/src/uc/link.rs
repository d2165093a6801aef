//! What a UC service is to the counter ([`Service`]: read its exports, link a directory user to
//! its record, write its devices and the records nobody links to), and what every service
//! shares: the link rules (explicit link field, else username, else email), the device record,
//! `skip_bad` and `Rep` (the run's reporter as one type). Each service is one file in `service/`
//! and one row in `count::SERVICES`.

use super::error::UcError;
use super::inputs::{DirectoryUser, Org};
use super::link_index::Table;
use super::options::UcFiles;
use super::privacy::Privacy;
use super::records::{UcDevice, UcMeetingRoom};
use super::totals::Customers;
use crate::ingest::Record;
use crate::model::uc::{UcDeviceKind, UcExclusion, UcLinkRule, UcReason, UcService};
use crate::model::{Finding, FindingCode, IncompleteInput, InputError, Reporter};

/// One service: its exports, its link index, its devices and its orphans. The counter calls
/// the reading steps in `count::SERVICES` order and the writing steps in `UcService` order.
pub trait Service {
    fn service(&self) -> UcService;
    /// Whether any of its exports was given (a count needs at least one service).
    fn given(&self, f: &UcFiles) -> bool;
    /// Side exports its records are judged by (IP phone policies, licence names), read before
    /// any service's records.
    fn read_context(&mut self, _f: &UcFiles, _rep: &mut Rep) -> Result<(), UcError> {
        Ok(())
    }
    /// Its records, indexed for linking.
    fn read(&mut self, f: &UcFiles, rep: &mut Rep) -> Result<(), UcError>;
    /// A service whose export can be the user directory itself (Get-CsOnlineUser): its `read`
    /// comes last, just before the directory, and only when a separate directory is given.
    fn as_directory(&mut self) -> Option<&mut dyn DirectorySource> {
        None
    }
    /// The directory user's record in this service, found by the link rules and described;
    /// None when nothing links.
    fn link(&mut self, u: &DirectoryUser, cx: &mut LinkCx) -> Option<Linked>;
    /// Its standalone devices and meeting rooms, added to their customers' totals.
    fn write_devices(
        &mut self,
        _shared: &mut Shared,
        _f: &UcFiles,
        _rep: &mut Rep,
        _write: &mut dyn FnMut(DeviceRecord) -> Result<(), UcError>,
    ) -> Result<(), UcError> {
        Ok(())
    }
    /// Its records no directory user links to (reported, never dropped).
    fn write_orphans(
        &mut self,
        privacy: &Privacy,
        f: &UcFiles,
        rep: &mut Rep,
        emit: &mut dyn FnMut(Orphan) -> Result<(), UcError>,
    ) -> Result<(), UcError>;
    /// What the admin should know once everything is counted.
    fn warn(&self, _f: &UcFiles, _rep: &mut Rep) {}
}

/// A service whose export stands in for the user directory in an estate without one.
pub trait DirectorySource {
    /// Reads the export as the directory, each row counted by `count`.
    fn read_as_directory(
        &mut self,
        f: &UcFiles,
        rep: &mut Rep,
        count: &mut CountRow,
    ) -> Result<(), UcError>;
}

/// Counts one directory row with its own record: the customer row it was counted under, or
/// None for a row seen before (skipped).
pub type CountRow<'a> =
    dyn FnMut(&mut Rep, &Record, &DirectoryUser, OwnRecord) -> Result<Option<u32>, UcError> + 'a;

/// What a linked record says for one user.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    pub service: UcService,
    pub identity: String,
    pub rule: UcLinkRule,
    /// Whether it counts as a user licence (None: undecided).
    pub counted: Option<bool>,
    pub detail: String,
    pub phones: Vec<String>,
    pub phone_count: u32,
}

impl Linked {
    pub fn new(
        service: UcService,
        identity: String,
        rule: UcLinkRule,
        counted: Option<bool>,
        detail: String,
    ) -> Linked {
        Linked {
            service,
            identity,
            rule,
            counted,
            detail,
            phones: Vec::new(),
            phone_count: 0,
        }
    }
}

/// The directory row's own record, when the directory is a service's export.
pub struct OwnRecord {
    pub linked: Linked,
    pub finding: Option<Finding>,
    pub excluded: Option<UcExclusion>,
    /// A room or shared phone: counted with the devices, not as a user.
    pub device: bool,
}

/// What linking one user shares with every service: the user's customer row, the privacy
/// settings for messages, and the user's findings.
pub struct LinkCx<'a> {
    pub row: u32,
    pub privacy: &'a Privacy,
    pub findings: &'a mut Vec<Finding>,
}

/// What the device pass shares: the privacy settings and the customers' totals.
pub struct Shared {
    pub privacy: Privacy,
    pub customers: Customers,
}

/// A device-pass record.
pub enum DeviceRecord {
    Device(UcDevice),
    Room(UcMeetingRoom),
}

/// A service record no directory user links to, before the privacy settings apply.
pub struct Orphan<'a> {
    pub service: UcService,
    pub identity: &'a str,
    pub location: (String, u64),
    pub meets: Option<bool>,
    pub reason: String,
    pub detail: String,
}

/// How a service's records are found from a directory user, after its explicit link field.
pub struct LinkRules {
    pub by_username: bool,
    pub email: EmailMatch,
}

/// What a directory user's email is matched against.
#[derive(PartialEq, Eq)]
pub enum EmailMatch {
    None,
    /// The record's identity (a UPN, a Webex email).
    Id,
    /// The record's separate email (CUCM mailid).
    Mailid,
}

/// Finds the user's record: the explicit link field first (a warning when it names nothing),
/// else username, else email. Returns the entry, the rule and the text that matched.
pub fn find<'u, T>(
    t: &Table<T>,
    rules: &LinkRules,
    u: &'u DirectoryUser,
    cx: &mut LinkCx,
) -> Option<(u32, UcLinkRule, &'u str)> {
    let service = t.service;
    if let Some((name, value)) = u.link_field(service) {
        match t.find_id(value) {
            Some(i) => return Some((i, UcLinkRule::LinkField, value)),
            None => cx.findings.push(Finding::warning(
                FindingCode::LinkTargetNotFound,
                format!(
                    "{name}={} names no {service} record in the export; the username and email rules were tried instead",
                    cx.privacy.show(value)
                ),
            )),
        }
    }
    if rules.by_username {
        if let Some(n) = u.username.as_deref() {
            if let Some(i) = t.find_id(n) {
                return Some((i, UcLinkRule::Username, n));
            }
        }
    }
    let e = u.email.as_deref()?;
    let i = match rules.email {
        EmailMatch::Id => t.find_id(e),
        EmailMatch::Mailid => t.find_email(e),
        EmailMatch::None => None,
    }?;
    Some((i, UcLinkRule::Email, e))
}

/// Counts a link to entry `i` (the first linked user's customer keeps it; a warning at the
/// second user) and returns the record's identity: its own, or (Teams, whose identities are
/// not kept) the text that matched it, which equals it but for letter case.
pub fn mark<T>(t: &mut Table<T>, i: u32, matched: &str, cx: &mut LinkCx) -> String {
    let service = t.service;
    let e = &mut t.entries[i as usize];
    let id: String = if e.id.is_empty() {
        matched.to_string()
    } else {
        e.id.to_string()
    };
    e.links = e.links.saturating_add(1);
    if e.customer == u32::MAX {
        e.customer = cx.row;
    }
    if e.links == 2 {
        cx.findings.push(Finding::warning(
            FindingCode::ServiceLinkedToSeveralUsers,
            format!(
                "{service} record {} is linked to another directory user too; each of them counts it",
                cx.privacy.show(&id)
            ),
        ));
    }
    id
}

/// [`find`], then [`mark`]: the linked entry, the rule and the record's identity.
pub fn find_and_mark<T>(
    t: &mut Table<T>,
    rules: &LinkRules,
    u: &DirectoryUser,
    cx: &mut LinkCx,
) -> Option<(u32, UcLinkRule, String)> {
    let (i, rule, matched) = find(t, rules, u, cx)?;
    let id = mark(t, i, matched, cx);
    Some((i, rule, id))
}

/// Entries no directory user links to, with their index.
fn unlinked<T>(t: &Table<T>) -> impl Iterator<Item = (u32, &super::link_index::Entry<T>)> {
    t.entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.links == 0)
        .map(|(i, e)| (i as u32, e))
}

/// Emits every record of `table` that no directory user linked to as an orphan of `service`;
/// `judge` says of a record whether it meets the service's condition, why it is unlinked, and
/// its detail.
pub fn emit_unlinked<T>(
    service: UcService,
    table: Option<&Table<T>>,
    emit: &mut dyn FnMut(Orphan) -> Result<(), UcError>,
    mut judge: impl FnMut(&T) -> (Option<bool>, String, String),
) -> Result<(), UcError> {
    let Some(t) = table else { return Ok(()) };
    for (i, e) in unlinked(t) {
        let (meets, reason, detail) = judge(&e.data);
        emit(Orphan {
            service,
            identity: &e.id,
            location: t.location(i),
            meets,
            reason,
            detail,
        })?;
    }
    Ok(())
}

/// A standalone device record at the organisation it is counted under.
#[allow(clippy::too_many_arguments)]
pub fn device(
    p: &Privacy,
    kind: UcDeviceKind,
    name: &str,
    model: Option<String>,
    org: &Org,
    counted: bool,
    excluded: Option<UcExclusion>,
    reason: UcReason,
) -> DeviceRecord {
    DeviceRecord::Device(UcDevice {
        kind,
        name: p.id(name),
        model,
        provider: p.org(org.provider.as_deref()),
        reseller: p.org(org.reseller.as_deref()),
        customer: p.org(org.customer.as_deref()),
        customer_pkid: org.customer_pkid.clone(),
        site: p.org(org.site.as_deref()),
        counted,
        excluded,
        reasons: vec![reason],
    })
}

/// The organisation of customer row `row`, at the device's own site.
pub fn placed(customers: &Customers, row: u32, site: Option<String>) -> Org {
    Org {
        site,
        ..customers.org_of(row)
    }
}

/// A bad record is reported and skipped; a fatal one ends the run.
pub fn skip_bad(reporter: &mut impl Reporter, e: InputError) -> Result<(), UcError> {
    if e.fatal {
        return Err(e.into());
    }
    reporter.bad_record(&e);
    Ok(())
}

/// The run's reporter behind one type, so that services can be trait objects.
pub struct Rep<'a> {
    inner: &'a mut dyn Reporter,
    /// Drop bad records: a second read of a file already reported them.
    quiet: bool,
}

impl<'a> Rep<'a> {
    pub fn new(inner: &'a mut dyn Reporter) -> Rep<'a> {
        Rep {
            inner,
            quiet: false,
        }
    }

    /// The same reporter for a second read: progress and warnings, no bad records.
    pub fn quiet(&mut self) -> Rep<'_> {
        Rep {
            inner: &mut *self.inner,
            quiet: true,
        }
    }
}

impl Reporter for Rep<'_> {
    fn bad_record(&mut self, e: &InputError) {
        if !self.quiet {
            self.inner.bad_record(e)
        }
    }
    fn warning(&mut self, code: &str, message: &str) {
        self.inner.warning(code, message)
    }
    fn source_failed(&mut self, code: &str, source: &str, message: &str) {
        self.inner.source_failed(code, source, message)
    }
    fn progress(&mut self, activity: &str, status: &str, completed: u64, total: Option<u64>) {
        self.inner.progress(activity, status, completed, total)
    }
    fn progress_done(&mut self, activity: &str, status: &str, completed: u64) {
        self.inner.progress_done(activity, status, completed)
    }
    fn bad_records(&self) -> usize {
        self.inner.bad_records()
    }
    fn incomplete_inputs(&self) -> Vec<IncompleteInput> {
        self.inner.incomplete_inputs()
    }
    fn inherit_incomplete(&mut self, input: &IncompleteInput) {
        self.inner.inherit_incomplete(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sink::Collected;

    const BY_MAILID: LinkRules = LinkRules {
        by_username: true,
        email: EmailMatch::Mailid,
    };
    const BY_ID: LinkRules = LinkRules {
        by_username: false,
        email: EmailMatch::Id,
    };

    fn user(username: &str, email: &str) -> DirectoryUser {
        DirectoryUser {
            username: Some(username.into()),
            email: Some(email.into()),
            ..DirectoryUser::default()
        }
    }

    /// A CUCM table: userid `jdoe` (mailid john.doe@contoso.com) and `asmith`.
    fn cucm() -> Table<()> {
        let mut t = Table::new(UcService::Cucm);
        let i = t.insert("jdoe", 0, 1, ()).unwrap();
        t.index_email("john.doe@contoso.com", i);
        t.insert("asmith", 0, 2, ()).unwrap();
        t
    }

    fn found(
        t: &Table<()>,
        rules: &LinkRules,
        u: &DirectoryUser,
    ) -> (Option<(u32, UcLinkRule, String)>, Vec<Finding>) {
        let privacy = Privacy::plain();
        let mut findings = Vec::new();
        let mut cx = LinkCx {
            row: 0,
            privacy: &privacy,
            findings: &mut findings,
        };
        let hit = find(t, rules, u, &mut cx).map(|(i, r, m)| (i, r, m.to_string()));
        (hit, findings)
    }

    #[test]
    fn the_link_field_wins_over_username_and_email() {
        let mut u = user("jdoe", "john.doe@contoso.com");
        u.links[0] = Some("ASMITH".into()); // username_cucm
        let (hit, findings) = found(&cucm(), &BY_MAILID, &u);
        assert_eq!(hit, Some((1, UcLinkRule::LinkField, "ASMITH".into())));
        assert!(findings.is_empty());
    }

    #[test]
    fn a_link_field_naming_nothing_warns_and_the_other_rules_are_tried() {
        let mut u = user("jdoe", "x@contoso.com");
        u.links[0] = Some("nobody".into());
        let (hit, findings) = found(&cucm(), &BY_MAILID, &u);
        assert_eq!(hit, Some((0, UcLinkRule::Username, "jdoe".into())));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, FindingCode::LinkTargetNotFound);
        assert!(findings[0]
            .message
            .starts_with("username_cucm=nobody names no CUCM record"));
    }

    #[test]
    fn username_then_mailid_for_cucm() {
        let (hit, _) = found(&cucm(), &BY_MAILID, &user("JDoe", "x@contoso.com"));
        assert_eq!(hit, Some((0, UcLinkRule::Username, "JDoe".into())));
        let (hit, _) = found(&cucm(), &BY_MAILID, &user("john", "John.Doe@contoso.com"));
        assert_eq!(
            hit,
            Some((0, UcLinkRule::Email, "John.Doe@contoso.com".into()))
        );
        // The mailid index, not the userid: an email equal to a userid does not link.
        let (hit, _) = found(&cucm(), &BY_MAILID, &user("john", "jdoe"));
        assert_eq!(hit, None);
    }

    #[test]
    fn email_services_match_the_identity_and_never_the_username() {
        let mut t = Table::new(UcService::Exchange);
        t.insert("jdoe@contoso.com", 0, 1, ()).unwrap();
        let (hit, _) = found(&t, &BY_ID, &user("jdoe@contoso.com", "other@contoso.com"));
        assert_eq!(hit, None, "username is not a rule for this service");
        let (hit, _) = found(&t, &BY_ID, &user("jdoe", "JDOE@contoso.com"));
        assert_eq!(hit, Some((0, UcLinkRule::Email, "JDOE@contoso.com".into())));
        let no_email = LinkRules {
            by_username: true,
            email: EmailMatch::None,
        };
        let (hit, _) = found(&t, &no_email, &user("x", "jdoe@contoso.com"));
        assert_eq!(hit, None, "email is not a rule for this service");
    }

    #[test]
    fn the_first_user_keeps_the_record_and_a_second_one_is_warned_about() {
        let mut t = cucm();
        let privacy = Privacy::plain();
        let mut findings = Vec::new();
        let mut cx = LinkCx {
            row: 3,
            privacy: &privacy,
            findings: &mut findings,
        };
        let first = find_and_mark(&mut t, &BY_MAILID, &user("jdoe", ""), &mut cx);
        assert_eq!(first, Some((0, UcLinkRule::Username, "jdoe".into())));
        cx.row = 4;
        find_and_mark(
            &mut t,
            &BY_MAILID,
            &user("x", "john.doe@contoso.com"),
            &mut cx,
        );
        assert_eq!(t.entries[0].links, 2);
        assert_eq!(t.entries[0].customer, 3, "the first linked user's customer");
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, FindingCode::ServiceLinkedToSeveralUsers);
        assert_eq!(unlinked(&t).map(|(i, _)| i).collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn a_record_whose_identity_is_not_kept_is_named_by_the_text_that_matched() {
        let mut t: Table<()> = Table::new(UcService::Teams);
        t.keep_ids = false;
        t.insert("jdoe@contoso.com", 0, 1, ()).unwrap();
        let privacy = Privacy::plain();
        let mut findings = Vec::new();
        let mut cx = LinkCx {
            row: 0,
            privacy: &privacy,
            findings: &mut findings,
        };
        assert_eq!(
            mark(&mut t, 0, "JDoe@Contoso.com", &mut cx),
            "JDoe@Contoso.com"
        );
    }

    #[test]
    fn a_quiet_reporter_drops_bad_records_only() {
        let mut collected = Collected::default();
        let mut rep = Rep::new(&mut collected);
        let bad = InputError::field("users.csv", 2, "Username", "blank");
        rep.quiet().bad_record(&bad);
        rep.quiet().warning("Code", "said");
        rep.bad_record(&bad);
        assert_eq!(collected.bad.len(), 1);
        assert_eq!(
            collected.warnings,
            [("Code".to_string(), "said".to_string())]
        );
    }
}
