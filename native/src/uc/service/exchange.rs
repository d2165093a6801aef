//! Exchange Online: mailboxes (Get-EXOMailbox / Get-Mailbox); a user mailbox is a licence.

use crate::ingest::stream_each;
use crate::model::uc::UcService;
use crate::model::Reporter;
use crate::uc::error::UcError;
use crate::uc::inputs::{DirectoryUser, Mailbox};
use crate::uc::link::{
    emit_unlinked, find_and_mark, skip_bad, EmailMatch, LinkCx, LinkRules, Linked, Orphan, Rep,
    Service,
};
use crate::uc::link_index::Table;
use crate::uc::options::UcFiles;
use crate::uc::privacy::Privacy;

const RULES: LinkRules = LinkRules {
    by_username: false,
    email: EmailMatch::Id,
};

pub struct MailboxData {
    pub recipient_type: Option<Box<str>>,
    pub user_mailbox: bool,
}

impl MailboxData {
    fn of(m: &Mailbox) -> MailboxData {
        MailboxData {
            recipient_type: m.recipient_type_details.as_deref().map(Into::into),
            // No RecipientTypeDetails: taken as a user mailbox.
            user_mailbox: m
                .recipient_type_details
                .as_deref()
                .is_none_or(|r| r.trim().eq_ignore_ascii_case("UserMailbox")),
        }
    }
}

#[derive(Default)]
pub struct Exchange {
    table: Option<Table<MailboxData>>,
}

pub fn new() -> Box<dyn Service> {
    Box::<Exchange>::default()
}

impl Service for Exchange {
    fn service(&self) -> UcService {
        UcService::Exchange
    }

    fn given(&self, f: &UcFiles) -> bool {
        !f.exchange.is_empty()
    }

    fn read(&mut self, f: &UcFiles, rep: &mut Rep) -> Result<(), UcError> {
        if !self.given(f) {
            return Ok(());
        }
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
                    let file = t.file_index(&rec.file);
                    if t.insert(&m.user_principal_name, file, rec.index, MailboxData::of(&m))
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
        self.table = Some(t);
        Ok(())
    }

    fn link(&mut self, u: &DirectoryUser, cx: &mut LinkCx) -> Option<Linked> {
        let t = self.table.as_mut()?;
        let (i, rule, id) = find_and_mark(t, &RULES, u, cx)?;
        let (counted, detail) = mailbox_detail(&t.entries[i as usize].data);
        Some(Linked::new(
            UcService::Exchange,
            id,
            rule,
            Some(counted),
            detail,
        ))
    }

    fn write_orphans(
        &mut self,
        _privacy: &Privacy,
        _f: &UcFiles,
        _rep: &mut Rep,
        emit: &mut dyn FnMut(Orphan) -> Result<(), UcError>,
    ) -> Result<(), UcError> {
        emit_unlinked(UcService::Exchange, self.table.as_ref(), emit, |d| {
            let (meets, detail) = mailbox_detail(d);
            let reason =
                "no directory user has username_ms_365 or Email equal to its UserPrincipalName";
            (Some(meets), reason.into(), detail)
        })
    }
}

/// Whether a mailbox counts (a user mailbox), and why.
pub fn mailbox_detail(d: &MailboxData) -> (bool, String) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(kind: Option<&str>) -> MailboxData {
        MailboxData::of(&Mailbox {
            user_principal_name: "a@contoso.com".into(),
            recipient_type_details: kind.map(Into::into),
        })
    }

    #[test]
    fn a_user_mailbox_counts_and_other_mailboxes_do_not() {
        assert_eq!(
            mailbox_detail(&mailbox(Some(" usermailbox "))),
            (
                true,
                "mailbox exists (RecipientTypeDetails= usermailbox )".into()
            )
        );
        assert_eq!(
            mailbox_detail(&mailbox(Some("SharedMailbox"))),
            (
                false,
                "RecipientTypeDetails=SharedMailbox: not a user mailbox".into()
            )
        );
    }

    #[test]
    fn a_mailbox_of_unknown_type_is_taken_as_a_user_mailbox() {
        assert_eq!(
            mailbox_detail(&mailbox(None)),
            (true, "mailbox exists".into())
        );
    }
}
