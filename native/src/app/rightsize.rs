//! `lync rightsize`: command-line arguments → the audit's options, and its errors → messages
//! that name the flags.

use super::cli::RightsizeArgs;
use super::exit::AppError;
use super::Session;
use crate::model::Tier;
use crate::rightsize::{self, RightSizeError, RightSizeOptions};

impl From<RightSizeError> for AppError {
    fn from(e: RightSizeError) -> AppError {
        match e {
            RightSizeError::Io(e) => e.into(),
            RightSizeError::NoConfiguredRecords { file, skipped } => AppError::Arguments(format!(
                "--configured {file} holds no LyncUserCal records ({skipped} of other types): give `lync entitlement` output"
            )),
            RightSizeError::NoUsageRecords { file, skipped } => AppError::Arguments(format!(
                "--usage {file} holds no LyncUserUsage records ({skipped} of other types): give `lync usage` output"
            )),
        }
    }
}

/// The seed-001 policy names, used unless --tier-policy names others.
const STANDARD_POLICY: &str = "Tag:STD_CAL_NoConferencing";
const ENTERPRISE_POLICY: &str = "Tag:ENT_CAL_REC_AudioVideo";

pub fn rightsize(s: &mut Session, a: &RightsizeArgs) -> Result<(), AppError> {
    let mut standard_policy = STANDARD_POLICY.to_string();
    let mut enterprise_policy = ENTERPRISE_POLICY.to_string();
    for arg in &a.tier_policy {
        match super::lync::tier_policy(arg)? {
            (Tier::Standard, p) => standard_policy = p,
            (Tier::Enterprise, p) => enterprise_policy = p,
        }
    }
    let options = RightSizeOptions {
        configured: a.configured.clone(),
        usage: a.usage.clone(),
        licensed: a.licensed.clone(),
        prices: a.prices.clone(),
        standard_policy,
        enterprise_policy,
        summary: a.summary,
        date_order: s.date_order,
    };
    s.with_records(|out, rep| {
        rightsize::run(&options, out, rep)?;
        Ok(())
    })
}
