//! Webex: people (`/v1/people`), named by the licence export (`/v1/licenses`); a person holding
//! Webex Calling - Professional is a licence. Workspaces (`/v1/workspaces`) enabled for calling
//! are standalone devices.

use crate::ingest::stream_each;
use crate::model::uc::{UcCount, UcDeviceKind, UcExclusion, UcReason, UcService};
use crate::model::{InputError, Reporter};
use crate::uc::error::UcError;
use crate::uc::inputs::{unwrap_rest, DirectoryUser, WebexLicense, WebexPerson, WebexWorkspace};
use crate::uc::link::{
    device, emit_unlinked, find_and_mark, placed, skip_bad, DeviceRecord, EmailMatch, LinkCx,
    LinkRules, Linked, Orphan, Rep, Service, Shared,
};
use crate::uc::link_index::Table;
use crate::uc::options::UcFiles;
use crate::uc::privacy::Privacy;
use crate::uc::totals::{device_index, Row};
use std::collections::HashMap;

pub const WEBEX_CALLING_PROFESSIONAL: &str = "Webex Calling - Professional";

const RULES: LinkRules = LinkRules {
    by_username: false,
    email: EmailMatch::Id,
};

/// What a person's licences say about Webex Calling Professional.
#[derive(Debug, PartialEq)]
pub enum WebexCalling {
    /// Holds Webex Calling - Professional.
    Professional,
    /// Holds other licences only (named: e.g. Webex Calling - Basic).
    Other(Box<str>),
    /// Some licence ids could not be named.
    Unknown(u16),
}

#[derive(Default)]
pub struct Webex {
    /// Licence names by lower-case id.
    licence_names: HashMap<String, String>,
    people: Option<Table<WebexCalling>>,
    /// People holding licence ids no licence export names.
    unnamed: u64,
}

pub fn new() -> Box<dyn Service> {
    Box::<Webex>::default()
}

impl Service for Webex {
    fn service(&self) -> UcService {
        UcService::Webex
    }

    fn given(&self, f: &UcFiles) -> bool {
        !(f.webex_users.is_empty() && f.webex_workspaces.is_empty())
    }

    /// The licence names; one unreadable licence record stops the count, since the people
    /// holding it would be undecided.
    fn read_context(&mut self, f: &UcFiles, rep: &mut Rep) -> Result<(), UcError> {
        let Some(p) = &f.webex_licenses else {
            return Ok(());
        };
        let names = &mut self.licence_names;
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
            return Err(InputError::file(
                p,
                format!("{bad} licence record(s) could not be read (each reported above); nothing was counted, because unnamed licences would leave Webex users undecided"),
            )
            .into());
        }
        Ok(())
    }

    fn read(&mut self, f: &UcFiles, rep: &mut Rep) -> Result<(), UcError> {
        if f.webex_users.is_empty() {
            return Ok(());
        }
        let mut t: Table<WebexCalling> = Table::new(UcService::Webex);
        let names = &self.licence_names;
        let unnamed = &mut self.unnamed;
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
                            // A person is found by each of their emails and their id.
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
        self.people = Some(t);
        Ok(())
    }

    fn link(&mut self, u: &DirectoryUser, cx: &mut LinkCx) -> Option<Linked> {
        let t = self.people.as_mut()?;
        let (i, rule, id) = find_and_mark(t, &RULES, u, cx)?;
        let (counted, detail) = webex_detail(&t.entries[i as usize].data);
        Some(Linked::new(UcService::Webex, id, rule, counted, detail))
    }

    /// Workspaces, streamed: counted when enabled for calling.
    fn write_devices(
        &mut self,
        shared: &mut Shared,
        f: &UcFiles,
        rep: &mut Rep,
        write: &mut dyn FnMut(DeviceRecord) -> Result<(), UcError>,
    ) -> Result<(), UcError> {
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
                        missing += w.calling_type.is_none() as u64;
                        write(workspace(shared, &w))?;
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
        Ok(())
    }

    fn write_orphans(
        &mut self,
        _privacy: &Privacy,
        _f: &UcFiles,
        _rep: &mut Rep,
        emit: &mut dyn FnMut(Orphan) -> Result<(), UcError>,
    ) -> Result<(), UcError> {
        emit_unlinked(UcService::Webex, self.people.as_ref(), emit, |d| {
            let (meets, detail) = webex_detail(d);
            let reason = "no directory user has username_webex_teams or Email equal to its email";
            (meets, reason.into(), detail)
        })
    }

    fn warn(&self, _f: &UcFiles, rep: &mut Rep) {
        if self.unnamed > 0 {
            rep.warning("UcWebexLicensesUnnamed", &format!("{} Webex person(s) hold licence ids that no Webex licence export names: whether they hold Webex Calling - Professional is undecided", self.unnamed));
        }
    }
}

/// One workspace's device record, counted into its customer's totals.
fn workspace(shared: &mut Shared, w: &WebexWorkspace) -> DeviceRecord {
    let customers = &mut shared.customers;
    let (row, fallback) = customers.for_device(Some(&w.org));
    let name = w.display_name.clone().or(w.id.clone()).unwrap_or_default();
    let source = format!("Webex workspace {}", shared.privacy.show(&name));
    let r = customers.row(row);
    r.add_site(w.org.site.as_deref());
    let (counted, excluded, reason) =
        workspace_decision(w.calling_type.as_deref(), source, r, fallback);
    let org = placed(customers, row, w.org.site.clone());
    device(
        &shared.privacy,
        UcDeviceKind::WebexWorkspace,
        &name,
        w.calling_type.clone(),
        &org,
        counted,
        excluded,
        reason,
    )
}

/// A workspace counts when its calling type is given and not `none`; the totals row counts it.
fn workspace_decision(
    calling_type: Option<&str>,
    source: String,
    r: &mut Row,
    fallback: bool,
) -> (bool, Option<UcExclusion>, UcReason) {
    match calling_type {
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
                    format!("calling.type={t}: a workspace enabled for calling"),
                ),
            )
        }
        None => (false, None, UcReason::new(UcCount::Undetermined, source, "calling is not in the export: whether the workspace is enabled for calling cannot be told, so it is not counted")),
    }
}

/// Whether a person's licences include Webex Calling Professional: by the licence export's
/// names, or the licence text itself when it is a name (holds a space).
pub fn webex_calling(licences: &[String], names: &HashMap<String, String>) -> WebexCalling {
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

/// Whether a person counts (None: undecided), and why.
pub fn webex_detail(d: &WebexCalling) -> (Option<bool>, String) {
    match d {
        WebexCalling::Professional => (Some(true), format!("holds {WEBEX_CALLING_PROFESSIONAL}")),
        WebexCalling::Other(names) if names.is_empty() => (Some(false), "holds no licence: not a Webex Calling Professional user".into()),
        WebexCalling::Other(names) => (Some(false), format!("licences {names}: no {WEBEX_CALLING_PROFESSIONAL}")),
        WebexCalling::Unknown(n) => (None, format!("undecided: {n} licence id(s) are not named by any Webex licence export, so whether one is {WEBEX_CALLING_PROFESSIONAL} cannot be told")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> HashMap<String, String> {
        HashMap::from([
            ("id-pro".to_string(), WEBEX_CALLING_PROFESSIONAL.to_string()),
            ("id-basic".to_string(), "Webex Calling - Basic".to_string()),
        ])
    }

    fn calling(licences: &[&str]) -> WebexCalling {
        let licences: Vec<String> = licences.iter().map(|l| l.to_string()).collect();
        webex_calling(&licences, &names())
    }

    #[test]
    fn professional_by_the_licence_exports_name_or_the_name_itself() {
        assert_eq!(calling(&["id-basic", "ID-PRO"]), WebexCalling::Professional);
        assert_eq!(
            calling(&[" webex calling - professional "]),
            WebexCalling::Professional
        );
        assert_eq!(webex_detail(&WebexCalling::Professional).0, Some(true));
    }

    #[test]
    fn other_licences_are_named_and_do_not_count() {
        let c = calling(&["id-basic", "Webex Meetings"]);
        assert_eq!(
            c,
            WebexCalling::Other("Webex Calling - Basic, Webex Meetings".into())
        );
        assert_eq!(
            webex_detail(&c),
            (
                Some(false),
                "licences Webex Calling - Basic, Webex Meetings: no Webex Calling - Professional"
                    .into()
            )
        );
        let none = calling(&[]);
        assert_eq!(
            webex_detail(&none),
            (
                Some(false),
                "holds no licence: not a Webex Calling Professional user".into()
            )
        );
    }

    #[test]
    fn an_unnamed_licence_id_leaves_the_person_undecided() {
        let c = calling(&["id-basic", "Y2lzY29zcGFyazovL3VzL0xJQ0VOU0U"]);
        assert_eq!(c, WebexCalling::Unknown(1));
        assert_eq!(webex_detail(&c).0, None);
    }

    #[test]
    fn a_workspace_counts_when_enabled_for_calling() {
        let mut r = Row::default();
        let (counted, excluded, reason) =
            workspace_decision(Some("None"), "w".into(), &mut r, false);
        assert_eq!(
            (counted, excluded, reason.counts),
            (false, Some(UcExclusion::CallingNone), UcCount::None)
        );
        assert_eq!(r.excluded[&UcExclusion::CallingNone], 1);
        let (counted, excluded, reason) =
            workspace_decision(Some("freeCalling"), "w".into(), &mut r, true);
        assert_eq!(
            (counted, excluded, reason.counts),
            (true, None, UcCount::StandaloneDevice)
        );
        assert_eq!(r.devices[device_index(UcDeviceKind::WebexWorkspace)], 1);
        assert_eq!(r.devices_by_fallback, 1);
        let (counted, _, reason) = workspace_decision(None, "w".into(), &mut r, false);
        assert_eq!((counted, reason.counts), (false, UcCount::Undetermined));
        assert_eq!(
            r.devices[device_index(UcDeviceKind::WebexWorkspace)],
            1,
            "not counted"
        );
    }
}
