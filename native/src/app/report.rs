//! `lync rightsize`, `report` and `history`: command-line arguments → each audit's options, and
//! its errors → messages that name the flags.

use super::cli::RightsizeArgs;
use super::exit::AppError;
use super::Session;
use crate::model::{Choice, Tier};
use crate::rightsize::{self, RightSizeError, RightSizeOptions};

impl From<RightSizeError> for AppError {
    fn from(e: RightSizeError) -> AppError {
        match e {
            RightSizeError::Input(e) => AppError::Input(e),
            RightSizeError::Output(e) => AppError::Output(e),
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
        let (t, p) = arg.split_once('=').ok_or_else(|| {
            AppError::Arguments(format!(
                "--tier-policy '{arg}' is not TIER=POLICY (e.g. Standard=Tag:STD_CAL_NoConferencing)"
            ))
        })?;
        match Tier::parse(t) {
            Some(Tier::Standard) => standard_policy = p.trim().to_string(),
            Some(Tier::Enterprise) => enterprise_policy = p.trim().to_string(),
            None => {
                return Err(AppError::Arguments(format!(
                    "--tier-policy '{arg}': '{t}' is not Standard or Enterprise"
                )))
            }
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
    };
    s.with_records(|out, rep| {
        rightsize::run(&options, out, rep)?;
        Ok(())
    })
}
