//! Several monitoring stores (one per pool or site) merged into one answer per user and device,
//! so a user homed on one pool and conferencing on another is counted once, by everything they
//! did. Per tier, Yes anywhere wins; else InsufficientData anywhere (a store whose data does not
//! cover the window, or could not be read, proves nothing); else No. Evidence counts add up,
//! the largest conference and the latest activity are kept, and each reason names its store.

use super::error::UsageError;
use super::records::{
    LyncDeviceUsage, LyncUsageCoverage, LyncUserUsage, StoreRecord, UsageEvidence,
};
use crate::model::{RecordSink, UsageAnswer};
use std::collections::BTreeMap;

#[derive(Default)]
pub struct Merged {
    users: BTreeMap<String, LyncUserUsage>,
    devices: BTreeMap<String, LyncDeviceUsage>,
    coverage: Vec<LyncUsageCoverage>,
}

fn either(a: UsageAnswer, b: UsageAnswer) -> UsageAnswer {
    use UsageAnswer::*;
    match (a, b) {
        (Yes, _) | (_, Yes) => Yes,
        (InsufficientData, _) | (_, InsufficientData) => InsufficientData,
        _ => No,
    }
}

fn named(store: &str, reasons: Vec<String>) -> Vec<String> {
    reasons
        .into_iter()
        .map(|r| format!("[{store}] {r}"))
        .collect()
}

impl UsageEvidence {
    fn add(&mut self, o: &UsageEvidence) {
        self.registrations += o.registrations;
        self.p2p_im_sessions += o.p2p_im_sessions;
        self.p2p_audio_video_sessions += o.p2p_audio_video_sessions;
        self.p2p_app_sharing_sessions += o.p2p_app_sharing_sessions;
        self.conferences_joined += o.conferences_joined;
        self.conferences_organized_audio_video += o.conferences_organized_audio_video;
        self.conferences_organized_app_sharing += o.conferences_organized_app_sharing;
        self.conferences_organized_data += o.conferences_organized_data;
        self.max_conference_participants = self
            .max_conference_participants
            .max(o.max_conference_participants);
        self.dial_in_participants += o.dial_in_participants;
        self.pstn_calls_out += o.pstn_calls_out;
        self.pstn_calls_in += o.pstn_calls_in;
        self.delegated_calls += o.delegated_calls;
        self.rgs_agent_calls += o.rgs_agent_calls;
    }
}

impl Merged {
    pub fn add(&mut self, store: &str, record: StoreRecord) {
        match record {
            StoreRecord::User(mut u) => {
                u.reasons = named(store, std::mem::take(&mut u.reasons));
                match self.users.get_mut(&u.sip_address) {
                    None => {
                        self.users.insert(u.sip_address.clone(), u);
                    }
                    Some(m) => {
                        m.standard = either(m.standard, u.standard);
                        m.enterprise = either(m.enterprise, u.enterprise);
                        m.plus = either(m.plus, u.plus);
                        m.last_activity = m.last_activity.max(u.last_activity);
                        m.evidence.add(&u.evidence);
                        m.reasons.extend(u.reasons);
                    }
                }
            }
            StoreRecord::Device(mut d) => {
                d.reasons = named(store, std::mem::take(&mut d.reasons));
                match self.devices.get_mut(&d.device) {
                    None => {
                        self.devices.insert(d.device.clone(), d);
                    }
                    Some(m) => {
                        m.standard = either(m.standard, d.standard);
                        m.enterprise = either(m.enterprise, d.enterprise);
                        m.plus = either(m.plus, d.plus);
                        m.last_activity = m.last_activity.max(d.last_activity);
                        m.registrations += d.registrations;
                        if m.client_version.is_none() {
                            m.client_version = d.client_version;
                        }
                        m.reasons.extend(d.reasons);
                    }
                }
            }
            StoreRecord::Coverage(c) => self.coverage.push(c),
        }
    }

    /// Writes the merged answers (users by SIP address, devices by key), then each store's
    /// coverage. Stores in `failed` could not be read: a No elsewhere then becomes
    /// InsufficientData, because the missing store may hold the usage.
    pub fn write(
        mut self,
        failed: &[String],
        sink: &mut impl RecordSink,
    ) -> Result<(), UsageError> {
        let unread = (!failed.is_empty()).then(|| {
            format!(
                "InsufficientData: monitoring store(s) {} could not be read, so no usage there proves nothing",
                failed.join(", ")
            )
        });
        let soften = |a: &mut UsageAnswer| {
            if *a == UsageAnswer::No {
                *a = UsageAnswer::InsufficientData;
            }
        };
        for u in self.users.values_mut() {
            if let Some(why) = &unread {
                if [u.standard, u.enterprise, u.plus].contains(&UsageAnswer::No) {
                    soften(&mut u.standard);
                    soften(&mut u.enterprise);
                    soften(&mut u.plus);
                    u.reasons.push(why.clone());
                }
            }
            sink.write(u)?;
        }
        for d in self.devices.values_mut() {
            if let Some(why) = &unread {
                if [d.standard, d.enterprise, d.plus].contains(&UsageAnswer::No) {
                    soften(&mut d.standard);
                    soften(&mut d.enterprise);
                    soften(&mut d.plus);
                    d.reasons.push(why.clone());
                }
            }
            sink.write(d)?;
        }
        for c in &self.coverage {
            sink.write(c)?;
        }
        Ok(())
    }
}
