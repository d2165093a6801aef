//! A service whose record existing is the whole condition (UCCX agents, Unity Connection users):
//! a table of keys, linked by the explicit link field or username, never by email.

use crate::ingest::{stream_each, DateOrder, Record};
use crate::model::uc::UcService;
use crate::model::InputError;
use crate::uc::error::UcError;
use crate::uc::inputs::{unwrap_rest, DirectoryUser, LINK_FIELDS};
use crate::uc::link::{
    emit_unlinked, find_and_mark, skip_bad, EmailMatch, LinkCx, LinkRules, Linked, Orphan, Rep,
    Service,
};
use crate::uc::link_index::Table;
use crate::uc::options::UcFiles;
use crate::uc::privacy::Privacy;

const RULES: LinkRules = LinkRules {
    by_username: true,
    email: EmailMatch::None,
};

/// What tells one such service from another.
pub struct Kind {
    pub service: UcService,
    pub files: fn(&UcFiles) -> &[String],
    pub properties: &'static [&'static str],
    /// The identity property (also what a REST wrapper's records are recognised by).
    pub key_property: &'static str,
    pub read_key: fn(&Record) -> Result<String, InputError>,
    pub activity: &'static str,
    /// What a linked record says.
    pub detail: &'static str,
}

pub struct RecordExists {
    kind: Kind,
    table: Option<Table<()>>,
}

impl RecordExists {
    pub fn new(kind: Kind) -> RecordExists {
        RecordExists { kind, table: None }
    }

    /// Why a record nobody links to is not linked: the link field and username rules.
    fn orphan_reason(&self) -> String {
        let field = LINK_FIELDS
            .iter()
            .find(|(s, _)| *s == self.kind.service)
            .map_or("", |(_, f)| f);
        format!(
            "no directory user has {field} or Username equal to its {}",
            self.kind.key_property
        )
    }
}

impl Service for RecordExists {
    fn service(&self) -> UcService {
        self.kind.service
    }

    fn given(&self, f: &UcFiles) -> bool {
        !(self.kind.files)(f).is_empty()
    }

    fn read(&mut self, f: &UcFiles, rep: &mut Rep) -> Result<(), UcError> {
        if !self.given(f) {
            return Ok(());
        }
        let k = &self.kind;
        self.table = Some(key_table(
            k.service,
            (k.files)(f),
            f.date_order,
            k.properties,
            k.key_property,
            k.activity,
            rep,
            k.read_key,
        )?);
        Ok(())
    }

    fn link(&mut self, u: &DirectoryUser, cx: &mut LinkCx) -> Option<Linked> {
        let (_, rule, id) = find_and_mark(self.table.as_mut()?, &RULES, u, cx)?;
        Some(Linked::new(
            self.kind.service,
            id,
            rule,
            Some(true),
            self.kind.detail.into(),
        ))
    }

    fn write_orphans(
        &mut self,
        _privacy: &Privacy,
        _f: &UcFiles,
        _rep: &mut Rep,
        emit: &mut dyn FnMut(Orphan) -> Result<(), UcError>,
    ) -> Result<(), UcError> {
        let Some(t) = &self.table else { return Ok(()) };
        let reason = self.orphan_reason();
        emit_unlinked(t.service, Some(t), emit, |_| {
            (Some(true), reason.clone(), "record exists".into())
        })
    }
}

/// The service's table of keys, read from every file given, REST wrappers unwrapped, bad records reported and skipped.
#[allow(clippy::too_many_arguments)]
pub fn key_table(
    service: UcService,
    paths: &[String],
    date_order: Option<DateOrder>,
    properties: &'static [&'static str],
    key_property: &str,
    activity: &str,
    rep: &mut Rep,
    read: impl Fn(&Record) -> Result<String, InputError>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_links_by_username_counts_and_names_its_link_field_when_orphaned() {
        let mut s = RecordExists::new(Kind {
            service: UcService::Uccx,
            files: |f| &f.uccx_agents,
            properties: &["userID"],
            key_property: "userID",
            read_key: |_| Ok(String::new()),
            activity: "",
            detail: "UCCX resource exists",
        });
        let mut t = Table::new(UcService::Uccx);
        t.insert("jdoe", 0, 1, ()).unwrap();
        t.insert("agent7", 0, 2, ()).unwrap();
        s.table = Some(t);
        let privacy = Privacy::plain();
        let mut findings = Vec::new();
        let mut cx = LinkCx {
            row: 0,
            privacy: &privacy,
            findings: &mut findings,
        };
        let by_email = DirectoryUser {
            email: Some("jdoe".into()),
            ..DirectoryUser::default()
        };
        assert!(s.link(&by_email, &mut cx).is_none(), "never by email");
        let u = DirectoryUser {
            username: Some("jdoe".into()),
            ..DirectoryUser::default()
        };
        let l = s.link(&u, &mut cx).unwrap();
        assert_eq!(
            (l.counted, l.detail.as_str()),
            (Some(true), "UCCX resource exists")
        );
        let mut orphans = Vec::new();
        let mut reported = crate::model::sink::Collected::default();
        s.write_orphans(
            &privacy,
            &UcFiles::default(),
            &mut Rep::new(&mut reported),
            &mut |o| {
                orphans.push((o.identity.to_string(), o.reason));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(
            orphans,
            [(
                "agent7".to_string(),
                "no directory user has username_uccx or Username equal to its userID".to_string()
            )]
        );
    }
}
