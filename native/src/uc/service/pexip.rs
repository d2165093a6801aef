//! Pexip Infinity: conferences (VMRs, `/api/admin/configuration/v1/conference/`), linked to the
//! user whose email owns them; a conference with no owner is reported, never dropped.

use crate::ingest::stream_each;
use crate::model::uc::UcService;
use crate::uc::error::UcError;
use crate::uc::inputs::{unwrap_rest, DirectoryUser, PexipConference};
use crate::uc::link::{
    emit_unlinked, find_and_mark, skip_bad, EmailMatch, LinkCx, LinkRules, Linked, Orphan, Rep,
    Service,
};
use crate::uc::link_index::Table;
use crate::uc::options::UcFiles;
use crate::uc::privacy::Privacy;
use std::sync::Arc;

const RULES: LinkRules = LinkRules {
    by_username: false,
    email: EmailMatch::Id,
};

/// The conferences one owner has.
pub struct PexipData {
    pub conferences: u32,
    pub first: Box<str>,
}

#[derive(Default)]
pub struct Pexip {
    table: Option<Table<PexipData>>,
    /// Conferences with no owner email: (name, file, record).
    unowned: Vec<(String, Arc<str>, u64)>,
}

pub fn new() -> Box<dyn Service> {
    Box::<Pexip>::default()
}

impl Service for Pexip {
    fn service(&self) -> UcService {
        UcService::Pexip
    }

    fn given(&self, f: &UcFiles) -> bool {
        !f.pexip_conferences.is_empty()
    }

    fn read(&mut self, f: &UcFiles, rep: &mut Rep) -> Result<(), UcError> {
        if !self.given(f) {
            return Ok(());
        }
        let mut t: Table<PexipData> = Table::new(UcService::Pexip);
        let unowned = &mut self.unowned;
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
                        // The owner's later conferences are counted with the first.
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
        self.table = Some(t);
        Ok(())
    }

    fn link(&mut self, u: &DirectoryUser, cx: &mut LinkCx) -> Option<Linked> {
        let t = self.table.as_mut()?;
        let (i, rule, id) = find_and_mark(t, &RULES, u, cx)?;
        let detail = pexip_detail(&t.entries[i as usize].data, cx.privacy);
        Some(Linked::new(UcService::Pexip, id, rule, Some(true), detail))
    }

    fn write_orphans(
        &mut self,
        privacy: &Privacy,
        _f: &UcFiles,
        _rep: &mut Rep,
        emit: &mut dyn FnMut(Orphan) -> Result<(), UcError>,
    ) -> Result<(), UcError> {
        emit_unlinked(UcService::Pexip, self.table.as_ref(), emit, |d| {
            let reason = "no directory user has Email equal to its primary_owner_email_address";
            (Some(true), reason.into(), pexip_detail(d, privacy))
        })?;
        for (name, file, record) in std::mem::take(&mut self.unowned) {
            emit(Orphan {
                service: UcService::Pexip,
                identity: &name,
                location: (file.to_string(), record),
                meets: Some(false),
                reason: "primary_owner_email_address is blank: the conference has no owner to link"
                    .into(),
                detail: "conference with no owner".into(),
            })?;
        }
        Ok(())
    }
}

/// The conferences a user owns: the first by name, and how many.
pub fn pexip_detail(d: &PexipData, p: &Privacy) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detail_names_the_first_conference_and_counts_the_others() {
        let one = PexipData {
            conferences: 1,
            first: "vmr-jdoe".into(),
        };
        let p = Privacy::plain();
        assert_eq!(pexip_detail(&one, &p), "owns conference vmr-jdoe");
        let three = PexipData {
            conferences: 3,
            ..one
        };
        assert_eq!(
            pexip_detail(&three, &p),
            "owns 3 conferences (first: vmr-jdoe)"
        );
        let hidden = Privacy::new(true, None).unwrap();
        assert!(!pexip_detail(&three, &hidden).contains("vmr-jdoe"));
    }
}
