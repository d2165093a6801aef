//! `lync rightsize`: joins what each Lync/SfB user is configured for (LyncUserCal), what they used
//! (LyncUserUsage, with its window) and, optionally, what they are licensed for, into one
//! recommendation per user with the evidence behind it. Rules: docs/rules/rightsizing.md.
//!
//! Layering: depends on the model and the reader only. It reads the other audits' records by
//! field name (never their types), writes to a `RecordSink` and reports through a `Reporter`.

mod error;
pub mod inputs;
pub mod rules;

pub use error::RightSizeError;

use crate::ingest::{stream_each, DateOrder};
use crate::model::money::cents;
use crate::model::{
    Confidence, OutputRecord, RecordSink, Reporter, RightSizingCode, SchemaEntry, Tier, UsageAnswer,
};
use chrono::{DateTime, Utc};
use inputs::{Licences, Prices, Usage, Window};
use rules::{Decision, Facts, Tier3};
use schemars::JsonSchema;
use serde::Serialize;

/// A usage window shorter than this makes every recommendation Weak.
pub const MIN_WINDOW_DAYS: i64 = 30;

/// What `lync rightsize` reads.
#[derive(Debug, Clone)]
pub struct RightSizeOptions {
    /// LyncUserCal records (`lync entitlement` output); other record types are skipped
    pub configured: String,
    /// LyncUserUsage and LyncUsageCoverage records (`lync usage` output)
    pub usage: String,
    /// Licence list: SipAddress, UserPrincipalName or Identity, and Tier
    pub licensed: Option<String>,
    /// Price list: Cal, Price (per year)
    pub prices: Option<String>,
    /// The conferencing policy to name for users who should be Standard / Enterprise
    pub standard_policy: String,
    pub enterprise_policy: String,
    /// Also write the LyncCalRightSizingSummary record
    pub summary: bool,
    /// The month/day order of the inputs' culture-text dates, when the admin gave it.
    pub date_order: Option<DateOrder>,
}

/// One user's right-sizing: configured vs used vs licensed, and what to do.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LyncCalRightSizing {
    pub sip_address: String,
    pub identity: String,
    pub display_name: String,
    /// What the configuration needs, e.g. Standard+Enterprise+Plus (Undetermined: the assigned
    /// conferencing policy is missing; None: disabled or homed online)
    pub configured: String,
    /// What was used in the window, e.g. Standard+Plus, with the tiers whose use could not be
    /// determined
    pub used: String,
    /// What the licence list grants (null: no licence information for this user)
    pub licensed: Option<String>,
    pub recommendation: RightSizingCode,
    /// The conferencing tier the user should have: `lync plan` reads this column as the licence
    pub tier: Tier,
    /// Whether the user should keep Plus (Enterprise Voice, remote call control, RGS agent)
    pub keep_plus: bool,
    /// What to change, one line per tier that moves
    pub changes: Vec<String>,
    pub conferencing_policy: Option<String>,
    /// The conferencing policy that grants Tier, when the tier changes
    pub target_policy: Option<String>,
    /// Weak when the usage window is shorter than 30 days or unknown
    pub confidence: Confidence,
    pub window_days: Option<i64>,
    pub window_covered: Option<bool>,
    pub last_activity: Option<DateTime<Utc>>,
    /// Yearly price of the CALs the recommendation frees (with a price list)
    pub yearly_saving: Option<f64>,
    /// Yearly price of the CALs used or configured beyond the licence (with a price list)
    pub yearly_exposure: Option<f64>,
    pub reason: String,
    /// Configuration reasons, usage answers and counts, licence: what the recommendation rests on
    pub evidence: Vec<String>,
}

impl OutputRecord for LyncCalRightSizing {
    const RECORD_TYPE: &'static str = "LyncCalRightSizing";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "SipAddress",
        "Configured",
        "Used",
        "Licensed",
        "Recommendation",
        "Tier",
    ];
}

/// Counts per recommendation, CALs freed and exposed, and what they are worth per year.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LyncCalRightSizingSummary {
    /// Users right-sized (devices are not: their CALs follow the device)
    pub users: u64,
    pub downgrade: u64,
    pub upgrade: u64,
    pub unchanged: u64,
    pub exposure: u64,
    pub insufficient_data: u64,
    pub no_cal_needed: u64,
    /// CALs the recommendations free, per tier
    pub standard_freed: u64,
    pub enterprise_freed: u64,
    pub plus_freed: u64,
    /// CALs used or configured beyond the licence, per tier
    pub enterprise_exposed: u64,
    pub plus_exposed: u64,
    pub yearly_saving: Option<f64>,
    pub yearly_exposure: Option<f64>,
    pub window_start: Option<DateTime<Utc>>,
    pub window_end: Option<DateTime<Utc>>,
    pub window_days: Option<i64>,
    pub window_covered: Option<bool>,
    pub confidence: Option<Confidence>,
    /// Enabled users the licence list does not name
    pub no_licence_information: u64,
    /// Users with usage but no LyncUserCal record (not right-sized)
    pub usage_only_users: u64,
    /// Devices in the configured records (not right-sized)
    pub devices_skipped: u64,
    pub notes: Vec<String>,
    /// Input files these totals were built on that were read only in part, each with how many of
    /// its records were not used (reported on stderr); empty when every record was read
    pub incomplete_inputs: Vec<crate::model::IncompleteInput>,
}
impl OutputRecord for LyncCalRightSizingSummary {
    const RECORD_TYPE: &'static str = "LyncCalRightSizingSummary";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "Users",
        "Downgrade",
        "Upgrade",
        "Unchanged",
        "Exposure",
        "InsufficientData",
        "YearlySaving",
        "YearlyExposure",
    ];
    // The footer (`footer` in this module) says it all, under any table.
    const IN_TABLE: bool = false;
}

pub fn schemas() -> Vec<SchemaEntry> {
    vec![
        SchemaEntry::output::<LyncCalRightSizing>(
            "One Lync/SfB user: configured vs used vs licensed, and the recommendation (`lync rightsize`)",
        ),
        SchemaEntry::output::<LyncCalRightSizingSummary>(
            "Right-sizing counts per recommendation, CALs freed and exposed, yearly saving and exposure",
        ),
    ]
}

fn combination(standard: bool, enterprise: Option<bool>, plus: bool) -> String {
    crate::model::tier_combination(standard, enterprise, plus).to_string()
}

fn used_text(used: Option<&rules::Used>) -> String {
    let Some(u) = used else {
        return "No usage record".into();
    };
    let tiers = [
        ("Standard", u.standard),
        ("Enterprise", u.enterprise),
        ("Plus", u.plus),
    ];
    let yes: Vec<&str> = tiers
        .iter()
        .filter(|(_, a)| *a == UsageAnswer::Yes)
        .map(|(n, _)| *n)
        .collect();
    let unknown: Vec<&str> = tiers
        .iter()
        .filter(|(_, a)| *a == UsageAnswer::InsufficientData)
        .map(|(n, _)| *n)
        .collect();
    let mut text = if yes.is_empty() {
        "None".to_string()
    } else {
        yes.join("+")
    };
    if !unknown.is_empty() {
        text.push_str(&format!(" ({}: Insufficient Data)", unknown.join(", ")));
    }
    text
}

fn licence_text(l: rules::Licence) -> String {
    combination(true, Some(l.enterprise), l.plus)
}

fn day(d: DateTime<Utc>) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn window_text(w: &Window) -> String {
    match (w.start, w.end) {
        (Some(s), Some(e)) => format!(
            "{} days, {} to {}{}",
            (e - s).num_days(),
            day(s),
            day(e),
            match w.covered {
                Some(true) => ", covered by the monitoring data",
                Some(false) => ", NOT covered by the monitoring data (records start later)",
                None => "",
            }
        ),
        _ => "window unknown (no LyncUsageCoverage record)".into(),
    }
}

fn price_sum(prices: Option<&Prices>, tiers: &[Tier3]) -> Option<f64> {
    let p = prices?;
    Some(tiers.iter().filter_map(|t| p.of(*t)).sum())
}

/// `lync rightsize`: one LyncCalRightSizing per user in the configured records, and with the
/// summary option a LyncCalRightSizingSummary.
pub fn run(
    options: &RightSizeOptions,
    sink: &mut impl RecordSink,
    reporter: &mut impl Reporter,
) -> Result<LyncCalRightSizingSummary, RightSizeError> {
    let mut usage: Usage = inputs::read_usage(&options.usage, options.date_order, reporter)?;
    if usage.users.is_empty() {
        return Err(RightSizeError::NoUsageRecords {
            file: options.usage.clone(),
            skipped: usage.skipped,
        });
    }
    let licences = match &options.licensed {
        Some(p) => Some(Licences::read(p, options.date_order, reporter)?),
        None => None,
    };
    let prices = match &options.prices {
        Some(p) => Some(Prices::read(p, options.date_order, reporter)?),
        None => None,
    };
    let window = usage.window.clone();
    let days = window.days();
    let confidence = match days {
        Some(d) if d >= MIN_WINDOW_DAYS => Confidence::Normal,
        _ => Confidence::Weak,
    };
    let weak_note = match days {
        Some(d) if d < MIN_WINDOW_DAYS => Some(format!(
            "the usage window is {d} days, shorter than {MIN_WINDOW_DAYS}: recommendations are weaker (seasonal and monthly use may be missed)"
        )),
        None => Some(
            "the usage window is unknown (no LyncUsageCoverage record): recommendations are weaker"
                .to_string(),
        ),
        _ => None,
    };
    if let Some(n) = &weak_note {
        reporter.warning("ShortUsageWindow", n);
    }

    let mut summary = LyncCalRightSizingSummary {
        window_start: window.start,
        window_end: window.end,
        window_days: days,
        window_covered: window.covered,
        confidence: Some(confidence),
        notes: weak_note.iter().cloned().collect(),
        ..Default::default()
    };
    let mut configured_records = 0u64;
    let mut skipped = 0u64;
    let mut freed_value = 0.0;
    let mut bundled_unused = 0u64;
    let mut exposed_value = 0.0;

    stream_each(
        &options.configured,
        Some(inputs::CONFIGURED_FIELDS),
        options.date_order,
        "Right-sizing users",
        reporter,
        |rep, r| -> Result<(), RightSizeError> {
            let cal = match inputs::configured(&r) {
                Ok(Some(c)) => c,
                Ok(None) => {
                    skipped += 1;
                    return Ok(());
                }
                Err(e) => {
                    rep.bad_record(&e);
                    return Ok(());
                }
            };
            configured_records += 1;
            if !cal.is_user {
                summary.devices_skipped += 1;
                return Ok(());
            }
            let key = inputs::sip_key(&cal.sip_address);
            let facts_used = usage.users.get_mut(&key).map(|u| {
                u.matched = true;
                u.clone()
            });
            let licence = licences
                .as_ref()
                .and_then(|l| l.of(&cal.sip_address, &cal.identity));
            if licences.is_some() && licence.is_none() && cal.standard {
                summary.no_licence_information += 1;
            }
            let facts = Facts {
                standard: cal.standard,
                enterprise: cal.enterprise,
                plus: cal.plus,
                used: facts_used.as_ref().map(|u| u.used),
                licence,
                window_days: days,
            };
            let d: Decision = rules::decide(&facts);
            let record = build(
                &cal,
                &facts,
                &d,
                facts_used.as_ref(),
                &window,
                confidence,
                licences.is_some(),
                prices.as_ref(),
                options,
            );
            summary.users += 1;
            bundled_unused += u64::from(!d.no_saving.is_empty());
            match d.code {
                RightSizingCode::Downgrade => summary.downgrade += 1,
                RightSizingCode::Upgrade => summary.upgrade += 1,
                RightSizingCode::Unchanged => summary.unchanged += 1,
                RightSizingCode::Exposure => summary.exposure += 1,
                RightSizingCode::InsufficientData => summary.insufficient_data += 1,
                RightSizingCode::NoCalNeeded => summary.no_cal_needed += 1,
            }
            for t in &d.frees {
                match t {
                    Tier3::Standard => summary.standard_freed += 1,
                    Tier3::Enterprise => summary.enterprise_freed += 1,
                    Tier3::Plus => summary.plus_freed += 1,
                }
            }
            for t in &d.exposed {
                match t {
                    Tier3::Enterprise => summary.enterprise_exposed += 1,
                    Tier3::Plus => summary.plus_exposed += 1,
                    Tier3::Standard => {}
                }
            }
            freed_value += record.yearly_saving.unwrap_or(0.0);
            exposed_value += record.yearly_exposure.unwrap_or(0.0);
            sink.write(&record)?;
            Ok(())
        },
    )?;
    if configured_records == 0 {
        return Err(RightSizeError::NoConfiguredRecords {
            file: options.configured.clone(),
            skipped,
        });
    }
    summary.usage_only_users = usage.users.values().filter(|u| !u.matched).count() as u64;
    if summary.usage_only_users > 0 {
        reporter.warning(
            "UsageOnlyUsers",
            &format!(
                "{} user(s) in the usage records have no LyncUserCal record (removed, or homed elsewhere since): not right-sized",
                summary.usage_only_users
            ),
        );
        summary.notes.push(format!(
            "{} user(s) with usage but no configuration record were not right-sized",
            summary.usage_only_users
        ));
    }
    if bundled_unused > 0 {
        summary.notes.push(format!(
            "{bundled_unused} user(s) leave rights unused that they hold through a CAL suite or a Microsoft 365 / Office 365 plan: kept, no saving (such rights cannot be returned alone)"
        ));
    }
    if summary.no_licence_information > 0 {
        reporter.warning(
            "NoLicenceInformation",
            &format!(
                "{} enabled user(s) are not in the licence list: no exposure can be decided for them",
                summary.no_licence_information
            ),
        );
    }
    if prices.is_some() {
        summary.yearly_saving = Some(cents(freed_value));
        summary.yearly_exposure = Some(cents(exposed_value));
    }
    if options.summary {
        summary.incomplete_inputs = reporter.incomplete_inputs();
        sink.write(&summary)?;
    }
    sink.footer(&footer(&summary))?;
    Ok(summary)
}

/// The summary under a table, once, as `Key : value` lines.
fn footer(s: &LyncCalRightSizingSummary) -> Vec<String> {
    let mut pairs: Vec<(String, String)> = [
        ("Users", s.users),
        ("Downgrade", s.downgrade),
        ("Upgrade", s.upgrade),
        ("Unchanged", s.unchanged),
        ("Exposure", s.exposure),
        ("Insufficient data", s.insufficient_data),
        ("Need no CAL", s.no_cal_needed),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    pairs.push((
        "CALs freed".into(),
        format!(
            "{} Standard, {} Enterprise, {} Plus",
            s.standard_freed, s.enterprise_freed, s.plus_freed
        ),
    ));
    pairs.push((
        "CALs exposed".into(),
        format!(
            "{} Enterprise, {} Plus",
            s.enterprise_exposed, s.plus_exposed
        ),
    ));
    if let (Some(save), Some(exp)) = (s.yearly_saving, s.yearly_exposure) {
        pairs.push(("Yearly saving".into(), format!("{save:.2}")));
        pairs.push(("Yearly exposure".into(), format!("{exp:.2}")));
    }
    pairs.extend(s.notes.iter().map(|n| ("Note".to_string(), n.clone())));
    crate::model::text::key_value_lines("Right-sizing", &pairs)
}

#[allow(clippy::too_many_arguments)]
fn build(
    cal: &inputs::Configured,
    facts: &Facts,
    d: &Decision,
    used: Option<&inputs::UsageFacts>,
    window: &Window,
    confidence: Confidence,
    licence_list: bool,
    prices: Option<&Prices>,
    options: &RightSizeOptions,
) -> LyncCalRightSizing {
    let mut evidence = Vec::new();
    let unlisted = licence_list && facts.licence.is_none();
    let configured = combination(cal.standard, cal.enterprise, cal.plus);
    let mut conf = format!("Configured {configured}");
    if let Some(p) = &cal.conferencing_policy {
        conf.push_str(&format!(" (conferencing policy {p})"));
    }
    evidence.push(conf);
    for r in &cal.enterprise_reasons {
        evidence.push(format!("Enterprise configured by {r}"));
    }
    for r in &cal.plus_reasons {
        evidence.push(format!("Plus configured by {r}"));
    }
    match used {
        Some(u) => {
            evidence.push(format!(
                "Used over {}: Standard={}, Enterprise={}, Plus={}{}",
                window_text(window),
                u.used.standard,
                u.used.enterprise,
                u.used.plus,
                u.last_activity
                    .map(|t| format!("; last activity {}", day(t)))
                    .unwrap_or_default()
            ));
            let [conf_org, dial_in, p2p_share] = u.enterprise_evidence;
            let [pstn, delegated, rgs] = u.plus_evidence;
            evidence.push(format!(
                "Enterprise evidence: {conf_org} conference(s) organised with audio/video, sharing or data; {dial_in} dial-in participant(s); {p2p_share} P2P sharing session(s)"
            ));
            evidence.push(format!(
                "Plus evidence: {pstn} PSTN call(s); {delegated} delegated call(s); {rgs} Response Group agent call(s)"
            ));
        }
        None => evidence.push(format!(
            "No usage record for this user over {}: use cannot be determined",
            window_text(window)
        )),
    }
    match facts.licence {
        Some(l) => {
            evidence.push(format!("Licensed {} (licence list)", licence_text(l)));
            evidence.extend(inputs::licence_basis(l));
        }
        None if licence_list => evidence.push(
            "Not in the licence list: no exposure can be decided, and what the recommendation frees is no saving (no CAL of theirs is listed)".into(),
        ),
        None => {}
    }
    evidence.extend(d.no_saving.iter().map(|n| format!("No saving: {n}")));
    if confidence == Confidence::Weak {
        evidence.push(match window.days() {
            Some(days) => {
                format!("Weak: the usage window is {days} days, shorter than {MIN_WINDOW_DAYS}")
            }
            None => "Weak: the usage window is unknown".into(),
        });
    }

    let current_tier = cal.enterprise.map(Tier::of);
    let target_policy = (current_tier != Some(d.tier) && cal.standard).then(|| match d.tier {
        Tier::Standard => options.standard_policy.clone(),
        Tier::Enterprise => options.enterprise_policy.clone(),
    });
    let mut reason = match d.code {
        RightSizingCode::NoCalNeeded => {
            "disabled or homed online: needs no on-premises CAL".to_string()
        }
        RightSizingCode::Unchanged => format!(
            "configured {configured}, used {}{}: nothing to change",
            used_text(facts.used.as_ref()),
            facts
                .licence
                .map(|l| format!(", licensed {}", licence_text(l)))
                .unwrap_or_default()
        ),
        RightSizingCode::InsufficientData => format!(
            "configured {configured}; use could not be determined ({}): never recommended for downgrade",
            used_text(facts.used.as_ref())
        ),
        _ => d.changes.join("; "),
    };
    for n in &d.no_saving {
        reason.push_str("; ");
        reason.push_str(n);
    }
    LyncCalRightSizing {
        sip_address: cal.sip_address.clone(),
        identity: cal.identity.clone(),
        display_name: cal.display_name.clone(),
        configured,
        used: used_text(facts.used.as_ref()),
        licensed: facts.licence.map(licence_text),
        recommendation: d.code,
        tier: d.tier,
        keep_plus: d.keep_plus,
        changes: d.changes.clone(),
        conferencing_policy: cal.conferencing_policy.clone(),
        target_policy,
        confidence,
        window_days: window.days(),
        window_covered: window.covered,
        last_activity: used.and_then(|u| u.last_activity),
        // docs/rules/rightsizing.md, "Money": a freed CAL is a saving when licensed, or when no
        // licence list is given (a true-up then counts what is configured); a user the list
        // leaves out holds none to free.
        yearly_saving: price_sum(prices, if unlisted { &[] } else { &d.frees }).map(cents),
        yearly_exposure: price_sum(prices, &d.exposed).map(cents),
        reason,
        evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_read_like_the_entitlement_summary() {
        assert_eq!(
            combination(true, Some(true), true),
            "Standard+Enterprise+Plus"
        );
        assert_eq!(combination(true, None, false), "Standard+Undetermined");
        // Enterprise and Plus are additive to Standard: needed, Standard is too (the
        // entitlement summary counts this record so; rightsize used to say "None").
        assert_eq!(
            combination(false, Some(true), true),
            "Standard+Enterprise+Plus"
        );
        assert_eq!(combination(false, Some(false), false), "None");
        let u = rules::Used {
            standard: UsageAnswer::Yes,
            enterprise: UsageAnswer::InsufficientData,
            plus: UsageAnswer::InsufficientData,
        };
        assert_eq!(
            used_text(Some(&u)),
            "Standard (Enterprise, Plus: Insufficient Data)"
        );
        assert_eq!(used_text(None), "No usage record");
        let _ = <UsageAnswer as crate::model::Choice>::parse("Yes");
    }
}
