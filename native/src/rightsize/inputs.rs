//! What `lync rightsize` reads, by field name: LyncUserCal and LyncUserUsage / LyncUsageCoverage
//! records as the audits write them (NDJSON, or any export of them such as Export-Csv of the
//! PowerShell objects), the licence list and the price list.

use super::error::RightSizeError;
use super::rules::{Licence, Used};
use crate::ingest::{load_all, stream_each, DateOrder, Record};
use crate::model::{equivalency, Cal, Choice, InputError, Reporter, UsageAnswer};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

pub use crate::model::text::sip_key;
use crate::model::text::sip_user;

/// The record type a row says it is (null for exports that are not records of this tool).
pub fn record_type(r: &Record) -> Result<Option<String>, InputError> {
    r.opt_str("RecordType")
}

/// What one user used, kept small: 200,000 users fit in a few tens of megabytes.
#[derive(Debug, Clone)]
pub struct UsageFacts {
    pub used: Used,
    pub last_activity: Option<DateTime<Utc>>,
    /// Conferences organised with audio/video, sharing or data, dial-in participants, P2P
    /// sharing: the Enterprise evidence
    pub enterprise_evidence: [u32; 3],
    /// PSTN calls out and in, delegated calls, Response Group agent calls: the Plus evidence
    pub plus_evidence: [u32; 3],
    pub matched: bool,
}

/// The usage window, from the LyncUsageCoverage records.
#[derive(Debug, Clone, Default)]
pub struct Window {
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub covered: Option<bool>,
    pub coverage_records: u64,
}

impl Window {
    pub fn days(&self) -> Option<i64> {
        match (self.start, self.end) {
            (Some(s), Some(e)) => Some((e - s).num_days()),
            _ => None,
        }
    }
}

pub struct Usage {
    pub users: HashMap<String, UsageFacts>,
    pub window: Window,
    /// Records of other types in the usage file (device usage, anything else), skipped
    pub skipped: u64,
}

const USAGE_FIELDS: &[&str] = &[
    "RecordType",
    "SipAddress",
    "Standard",
    "Enterprise",
    "Plus",
    "LastActivity",
    "Evidence",
    "WindowStart",
    "WindowEnd",
    "WindowCovered",
];

fn answer(r: &Record, field: &str) -> Result<UsageAnswer, InputError> {
    let text = r.req_str(field)?;
    UsageAnswer::parse(&text.replace(' ', "")).ok_or_else(|| {
        r.error(
            field,
            format!("'{text}' is not Yes, No or InsufficientData"),
        )
    })
}

fn evidence_count(r: &Record, name: &str) -> u32 {
    let Some(crate::ingest::PsValue::Object(o)) = r.get("Evidence") else {
        return 0;
    };
    o.get(name)
        .and_then(|v| crate::ingest::record::value_int(v).ok().flatten())
        .map(|n| n.clamp(0, u32::MAX as i64) as u32)
        .unwrap_or(0)
}

/// Reads LyncUserUsage (and the window from LyncUsageCoverage) into memory, keyed by SIP address.
pub fn read_usage(
    path: &str,
    date_order: Option<DateOrder>,
    reporter: &mut impl Reporter,
) -> Result<Usage, RightSizeError> {
    let mut usage = Usage {
        users: HashMap::new(),
        window: Window::default(),
        skipped: 0,
    };
    stream_each(
        path,
        Some(USAGE_FIELDS),
        date_order,
        "Reading usage records",
        reporter,
        |rep, r| -> Result<(), RightSizeError> {
            let kind = match record_type(&r) {
                Ok(k) => k,
                Err(e) => {
                    rep.bad_record(&e);
                    return Ok(());
                }
            };
            match kind.as_deref() {
                Some(t) if t.eq_ignore_ascii_case("LyncUserUsage") => {
                    let read = || -> Result<(String, UsageFacts), InputError> {
                        let sip = sip_key(&r.req_str("SipAddress")?);
                        let used = Used {
                            standard: answer(&r, "Standard")?,
                            enterprise: answer(&r, "Enterprise")?,
                            plus: answer(&r, "Plus")?,
                        };
                        let e = |n| evidence_count(&r, n);
                        Ok((
                            sip,
                            UsageFacts {
                                used,
                                last_activity: r.opt_date("LastActivity")?,
                                enterprise_evidence: [
                                    e("ConferencesOrganizedAudioVideo")
                                        .saturating_add(e("ConferencesOrganizedAppSharing"))
                                        .saturating_add(e("ConferencesOrganizedData")),
                                    e("DialInParticipants"),
                                    e("P2PAppSharingSessions"),
                                ],
                                plus_evidence: [
                                    e("PstnCallsOut").saturating_add(e("PstnCallsIn")),
                                    e("DelegatedCalls"),
                                    e("RgsAgentCalls"),
                                ],
                                matched: false,
                            },
                        ))
                    };
                    match read() {
                        Ok((sip, facts)) => {
                            usage.users.insert(sip, facts);
                        }
                        Err(e) => rep.bad_record(&e),
                    }
                }
                Some(t) if t.eq_ignore_ascii_case("LyncUsageCoverage") => {
                    let read = || -> Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>, Option<bool>), InputError> {
                        Ok((
                            r.opt_date("WindowStart")?,
                            r.opt_date("WindowEnd")?,
                            r.opt_bool("WindowCovered")?,
                        ))
                    };
                    match read() {
                        Ok((s, e, c)) => {
                            let w = &mut usage.window;
                            w.coverage_records += 1;
                            // Several monitoring stores: the window every one of them covers.
                            w.start = match (w.start, s) {
                                (Some(a), Some(b)) => Some(a.max(b)),
                                (a, b) => a.or(b),
                            };
                            w.end = match (w.end, e) {
                                (Some(a), Some(b)) => Some(a.min(b)),
                                (a, b) => a.or(b),
                            };
                            w.covered = Some(w.covered.unwrap_or(true) && c.unwrap_or(false));
                        }
                        Err(e) => rep.bad_record(&e),
                    }
                }
                _ => usage.skipped += 1,
            }
            Ok(())
        },
    )?;
    Ok(usage)
}

/// One LyncUserCal row, as far as right-sizing needs it.
#[derive(Debug, Clone)]
pub struct Configured {
    pub sip_address: String,
    pub identity: String,
    pub display_name: String,
    pub is_user: bool,
    pub standard: bool,
    pub enterprise: Option<bool>,
    pub plus: bool,
    pub conferencing_policy: Option<String>,
    /// "Source Detail" of the reasons for Enterprise and for Plus
    pub enterprise_reasons: Vec<String>,
    pub plus_reasons: Vec<String>,
}

pub const CONFIGURED_FIELDS: &[&str] = &[
    "RecordType",
    "SipAddress",
    "Identity",
    "DisplayName",
    "Kind",
    "Standard",
    "Enterprise",
    "Plus",
    "ConferencingPolicy",
    "Reasons",
];

fn reasons(r: &Record, cal: Cal) -> Vec<String> {
    use crate::ingest::record::{list_items, value_text};
    let Some(v) = r.get("Reasons") else {
        return Vec::new();
    };
    list_items(v)
        .into_iter()
        .filter_map(|item| match item {
            crate::ingest::PsValue::Object(o) => {
                let text = |n: &str| o.get(n).and_then(|v| value_text(v).ok().flatten());
                let c = text("Cal")?;
                (Cal::parse(&c) == Some(cal)).then(|| {
                    format!(
                        "{} {}",
                        text("Source").unwrap_or_default(),
                        text("Detail").unwrap_or_default()
                    )
                    .trim()
                    .to_string()
                })
            }
            _ => None,
        })
        .collect()
}

/// One LyncUserCal record (None for records of other types).
pub fn configured(r: &Record) -> Result<Option<Configured>, InputError> {
    match record_type(r)? {
        Some(t) if t.eq_ignore_ascii_case("LyncUserCal") => {}
        _ => return Ok(None),
    }
    let kind = r.opt_str("Kind")?.unwrap_or_else(|| "User".into());
    Ok(Some(Configured {
        sip_address: r.req_str("SipAddress")?,
        identity: r.opt_str("Identity")?.unwrap_or_default(),
        display_name: r.opt_str("DisplayName")?.unwrap_or_default(),
        is_user: kind.eq_ignore_ascii_case("User"),
        standard: r
            .opt_bool("Standard")?
            .ok_or_else(|| r.error("Standard", "required property is missing or empty"))?,
        enterprise: r.opt_bool("Enterprise")?,
        plus: r.bool_or("Plus", false)?,
        conferencing_policy: r.opt_str("ConferencingPolicy")?,
        enterprise_reasons: reasons(r, Cal::Enterprise),
        plus_reasons: reasons(r, Cal::Plus),
    }))
}

/// Reads a licence tier as licence sheets spell it: Standard, Enterprise, Enterprise+Plus,
/// Standard+Plus, "Lync Enterprise CAL", ...; or a CAL suite or Microsoft 365 / Office 365 plan
/// that is CAL-equivalent (`Microsoft 365 E3`: Standard and Enterprise, not Plus; E5 adds Plus).
pub fn licence_from_text(text: &str) -> Option<Licence> {
    if let Some(bundle) = equivalency::bundle_named(text) {
        let (enterprise, plus) = equivalency::skype_server_cals(bundle)?;
        return Some(Licence {
            enterprise,
            plus,
            via: Some(bundle),
            single: [false; 3],
        });
    }
    let [_, enterprise, plus] = equivalency::single_cals_named(text)?;
    Some(Licence {
        enterprise,
        plus,
        via: None,
        single: [true, enterprise, plus],
    })
}

/// What a licence held through a suite or plan rests on, for the record's evidence: the CALs the
/// suite or plan itself is equivalent to (a single CAL listed besides is not), and that they are
/// no saving when unused.
pub fn licence_basis(l: Licence) -> Option<String> {
    let via = l.via?;
    let (enterprise, plus) = equivalency::skype_server_cals(via)?;
    let bundle = Licence {
        enterprise,
        plus,
        via: None,
        single: [false; 3],
    };
    let missing: Vec<&str> = [("Enterprise", enterprise), ("Plus", plus)]
        .iter()
        .filter(|(_, held)| !held)
        .map(|(t, _)| *t)
        .collect();
    let not = if missing.is_empty() {
        String::new()
    } else {
        format!("; it includes no {} CAL", missing.join(" or "))
    };
    Some(format!(
        "Basis: {via} is taken as CAL-equivalent for the Skype for Business Server {} CAL(s) (Product Terms, CAL and ML Equivalency Licenses){not}; rights held through it cannot be returned alone, so leaving them unused is no saving",
        licence_text(bundle).replace('+', ", ")
    ))
}

/// A licence as the sheets spell it: Standard, Standard+Enterprise, Standard+Enterprise+Plus, ...
fn licence_text(l: Licence) -> String {
    let mut text = String::from("Standard");
    if l.enterprise {
        text.push_str("+Enterprise");
    }
    if l.plus {
        text.push_str("+Plus");
    }
    text
}

/// The licence list: SipAddress, UserPrincipalName or Identity → tier (as `lync plan` reads it,
/// with Plus added).
pub struct Licences {
    by_key: HashMap<String, Licence>,
}

impl Licences {
    pub fn read(
        path: &str,
        date_order: Option<DateOrder>,
        reporter: &mut impl Reporter,
    ) -> Result<Licences, InputError> {
        let rows = load_all(
            path,
            date_order,
            reporter,
            |r| -> Result<(u64, Vec<String>, Licence), InputError> {
                let mut keys = Vec::new();
                if let Some(s) = r.opt_str("SipAddress")? {
                    // The address without its scheme: a UserPrincipalName of the same user meets it.
                    keys.push(sip_user(&sip_key(&s)).to_string());
                }
                for field in ["UserPrincipalName", "Identity"] {
                    if let Some(i) = r.opt_str(field)? {
                        keys.push(i.trim().to_ascii_lowercase());
                    }
                }
                if keys.is_empty() {
                    return Err(
                        r.record_error("has none of SipAddress, UserPrincipalName and Identity")
                    );
                }
                let text = r.req_str("Tier")?;
                let licence = licence_from_text(&text)
                    .ok_or_else(|| r.error("Tier", equivalency::no_cal_hint(&text)))?;
                Ok((r.index, keys, licence))
            },
        )?;
        // A user listed twice with different licences holds what both rows say (the union is
        // the higher position), with a warning; never silently the last row (issue #22 item 5).
        let mut by_key: HashMap<String, (Licence, u64)> = HashMap::new();
        for (index, keys, licence) in rows {
            for k in keys {
                match by_key.get(&k).copied() {
                    Some((prev, _)) if prev == licence => {}
                    Some((prev, prev_index)) => {
                        let both = Licence {
                            enterprise: prev.enterprise || licence.enterprise,
                            plus: prev.plus || licence.plus,
                            via: prev.via.or(licence.via),
                            single: [0, 1, 2].map(|i| prev.single[i] || licence.single[i]),
                        };
                        reporter.warning(
                            "LicenceListedTwice",
                            &format!(
                                "{path}: {k} is listed as {} (record {prev_index}) and as {} (record {index}); both are kept: {}",
                                licence_text(prev),
                                licence_text(licence),
                                licence_text(both)
                            ),
                        );
                        by_key.insert(k, (both, index));
                    }
                    None => {
                        by_key.insert(k, (licence, index));
                    }
                }
            }
        }
        Ok(Licences {
            by_key: by_key.into_iter().map(|(k, (l, _))| (k, l)).collect(),
        })
    }

    /// By SIP address, then by the user part of the SIP address as a UPN, then by identity.
    pub fn of(&self, sip: &str, identity: &str) -> Option<Licence> {
        let key = sip_key(sip);
        self.by_key
            .get(sip_user(&key))
            .or_else(|| self.by_key.get(&identity.trim().to_ascii_lowercase()))
            .copied()
    }
}

/// Yearly price per CAL.
#[derive(Debug, Clone, Default)]
pub struct Prices {
    pub standard: Option<f64>,
    pub enterprise: Option<f64>,
    pub plus: Option<f64>,
}

fn price_number(text: &str) -> Option<f64> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !"$€£¥".contains(*c))
        .collect();
    // 1,234.50 / 1234,50 / 1.234,50
    let t = match (t.rfind('.'), t.rfind(',')) {
        (Some(d), Some(c)) if c > d => t.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => t.replace(',', ""),
        (None, Some(_)) => t.replace(',', "."),
        _ => t,
    };
    t.parse::<f64>().ok().filter(|p| p.is_finite() && *p >= 0.0)
}

impl Prices {
    pub fn read(
        path: &str,
        date_order: Option<DateOrder>,
        reporter: &mut impl Reporter,
    ) -> Result<Prices, InputError> {
        let rows = load_all(
            path,
            date_order,
            reporter,
            |r| -> Result<(Cal, f64), InputError> {
                let cal_text = r.req_str("Cal")?;
                let cal = Cal::parse(&cal_text)
                    .filter(|c| *c != Cal::None)
                    .ok_or_else(|| {
                        r.error(
                            "Cal",
                            format!("'{cal_text}' is not Standard, Enterprise or Plus"),
                        )
                    })?;
                let field = ["Price", "PricePerYear", "Price per year", "YearlyPrice"]
                    .into_iter()
                    .find(|f| r.get(f).is_some())
                    .unwrap_or("Price");
                let text = r.req_str(field)?;
                let price = price_number(&text).ok_or_else(|| {
                    r.error(
                        field,
                        format!("'{text}' is not a price (a number, per year)"),
                    )
                })?;
                Ok((cal, price))
            },
        )?;
        let mut p = Prices::default();
        for (cal, price) in rows {
            match cal {
                Cal::Standard => p.standard = Some(price),
                Cal::Enterprise => p.enterprise = Some(price),
                Cal::Plus => p.plus = Some(price),
                Cal::None => {}
            }
        }
        Ok(p)
    }

    pub fn of(&self, tier: super::rules::Tier3) -> Option<f64> {
        use super::rules::Tier3;
        match tier {
            Tier3::Standard => self.standard,
            Tier3::Enterprise => self.enterprise,
            Tier3::Plus => self.plus,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_read_in_either_culture() {
        assert_eq!(price_number("1,234.50"), Some(1234.5));
        assert_eq!(price_number("1.234,50"), Some(1234.5));
        assert_eq!(price_number("31,20"), Some(31.2));
        assert_eq!(price_number("$ 45"), Some(45.0));
        assert_eq!(price_number("n/a"), None);
    }

    #[test]
    fn licence_texts() {
        let l = |t| licence_from_text(t).map(|l| (l.enterprise, l.plus));
        assert_eq!(l("Standard"), Some((false, false)));
        assert_eq!(l("Enterprise+Plus"), Some((true, true)));
        assert_eq!(l("Standard + Plus"), Some((false, true)));
        assert_eq!(l("Lync Enterprise CAL"), Some((true, false)));
        assert_eq!(l("gold"), None);
        // A tier word in another product's name is no CAL: EMS includes none.
        assert_eq!(l("Enterprise Mobility + Security E3"), None);
        assert_eq!(l("Enterprise Mobility + Security E5"), None);
        assert_eq!(l("Microsoft 365 E3 (no Teams)"), None);
        // Suites and plans: CAL-equivalent (Product Terms, CAL and ML Equivalency Licenses).
        assert_eq!(l("Microsoft 365 E3"), Some((true, false)));
        assert_eq!(l("Office 365 E5"), Some((true, true)));
        assert_eq!(l("Core CAL Suite"), Some((false, false)));
        assert_eq!(l("Enterprise CAL Suite"), Some((true, false)));
    }

    #[test]
    fn a_licence_through_e3_says_what_it_rests_on_and_what_it_lacks() {
        let e3 = licence_from_text("M365 E3").unwrap();
        let basis = licence_basis(e3).unwrap();
        assert!(basis.contains("Microsoft 365 E3"), "{basis}");
        assert!(basis.contains("Standard, Enterprise CAL(s)"), "{basis}");
        assert!(basis.contains("no Plus CAL"), "{basis}");
        assert_eq!(
            licence_basis(licence_from_text("Standard+Plus").unwrap()),
            None
        );
    }

    /// Rightsize keys users as lync does (model's one `sip_key`; `lync usage` writes the
    /// SipAddress rightsize reads back).
    #[test]
    fn sip_keys_are_lyncs() {
        assert_eq!(sip_key(" SIP:Alice@Contoso.com"), "sip:alice@contoso.com");
        assert_eq!(sip_key("bob@contoso.com"), "sip:bob@contoso.com");
    }
}
