//! Lync / Skype for Business Server CALs owned as counts (an Enterprise Agreement's "1,200
//! Standard, 400 Enterprise, 150 Plus") and the position they give against what the
//! configuration requires (`lync entitlement --owned` / `--owned-file`). Rules:
//! docs/rules/lync-configured.md, section 9, "Owned CALs as counts".
//!
//! The counts are a pool: they are compared with the requirement tier by tier, never assigned to
//! users (`lync rightsize --licensed` is the per-user list).

use super::policy::RuleSet;
use crate::ingest::{load_all, DateOrder, Record};
use crate::model::{equivalency, Cal, InputError, OutputRecord, Reporter};
use schemars::JsonSchema;
use serde::Serialize;

/// The three CALs, in the order every position is written.
pub const TIERS: [Cal; 3] = [Cal::Standard, Cal::Enterprise, Cal::Plus];

/// No count of CALs beyond a billion (as the UAL licences): a typo, not a purchase.
pub const MAX_QUANTITY: u64 = 1_000_000_000;

/// One owned quantity: a `--owned` entry or a row of the owned file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedRow {
    /// Where it came from: `--owned`, or `owned.csv record 2`
    pub source: String,
    /// The tier (or tiers, for a CAL suite or a CAL-equivalent plan) it counts toward
    pub tiers: [bool; 3],
    /// As written: Standard, Enterprise CAL Suite, ...
    pub name: String,
    pub quantity: u64,
    pub version: Option<String>,
    pub agreement: Option<String>,
}

impl OwnedRow {
    /// `--owned`, `owned.csv record 2: 1200 Standard (Version 2019, Agreement EA-1)`.
    fn describe(&self) -> String {
        let extra: Vec<String> = [("Version", &self.version), ("Agreement", &self.agreement)]
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} {v}")))
            .collect();
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(" ({})", extra.join(", "))
        };
        format!("{}: {} {}{extra}", self.source, self.quantity, self.name)
    }
}

/// Which tiers a name counts toward: exactly one of Standard, Enterprise and Plus (`Lync
/// Enterprise CAL` too), or a CAL suite or Microsoft 365 / Office 365 plan, which is
/// CAL-equivalent for the Skype for Business Server CALs it includes (Product Terms, CAL and ML
/// Equivalency Licenses: the same reading as `lync rightsize --licensed`).
pub fn tiers_named(name: &str) -> Result<[bool; 3], String> {
    if let Some(bundle) = equivalency::bundle_named(name) {
        if let Some((enterprise, plus)) = equivalency::skype_server_cals(bundle) {
            return Ok([true, enterprise, plus]);
        }
    }
    let Some(named) = equivalency::single_cals_named(name) else {
        return Err(equivalency::no_cal_hint(name));
    };
    match named.iter().filter(|n| **n).count() {
        1 => Ok(named),
        _ => Err(format!("'{name}' names more than one CAL: Enterprise and Plus are each added to Standard and counted apart, so give one quantity per CAL")),
    }
}

fn quantity_of(text: &str) -> Result<u64, String> {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '\''))
        .collect();
    let q: u64 = digits
        .parse()
        .map_err(|_| format!("'{}' is not a whole number of CALs", text.trim()))?;
    within_max(q)
}

fn within_max(q: u64) -> Result<u64, String> {
    if q > MAX_QUANTITY {
        return Err(format!("{q} is beyond {MAX_QUANTITY}: not a count of CALs"));
    }
    Ok(q)
}

/// The entries of `--owned` values, split at commas and semicolons, except a comma that is a
/// thousands separator (`Standard=1,200`: the part after it starts with a digit).
fn entries(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        for part in v.split([',', ';']) {
            let thousands = part.starts_with(|c: char| c.is_ascii_digit())
                && out.last().is_some_and(|e| e.contains('='));
            match out.last_mut() {
                Some(last) if thousands => {
                    last.push(',');
                    last.push_str(part);
                }
                _ if part.trim().is_empty() => {}
                _ => out.push(part.trim().to_string()),
            }
        }
    }
    out
}

/// `Standard=1200,Enterprise=400,Plus=150` (in one value or several); `source` is what OwnedFrom
/// calls them (the option's name). A tier named twice is refused: two quantities for one tier
/// on a command line are a typo, not two purchases (rows of the owned file add up).
pub fn parse_counts(values: &[String], source: &str) -> Result<Vec<OwnedRow>, String> {
    let mut rows: Vec<OwnedRow> = Vec::new();
    for entry in entries(values).iter().map(String::as_str) {
        let (name, count) = entry.split_once('=').ok_or_else(|| {
            format!("'{entry}' is not TIER=COUNT (e.g. Standard=1200,Enterprise=400,Plus=150)")
        })?;
        let name = name.trim();
        let tiers = tiers_named(name).map_err(|m| format!("'{entry}': {m}"))?;
        let quantity = quantity_of(count).map_err(|m| format!("'{entry}': {m}"))?;
        if let Some(first) = rows.iter().find(|r| r.name.eq_ignore_ascii_case(name)) {
            return Err(format!(
                "'{entry}': {} is given twice ({} and {quantity}); give each tier once",
                first.name, first.quantity
            ));
        }
        rows.push(OwnedRow {
            source: source.to_string(),
            tiers,
            name: name.to_string(),
            quantity,
            version: None,
            agreement: None,
        });
    }
    if rows.is_empty() {
        return Err("no TIER=COUNT given (e.g. Standard=1200,Enterprise=400,Plus=150)".into());
    }
    Ok(rows)
}

fn read_row(r: &Record) -> Result<OwnedRow, InputError> {
    let field = ["Tier", "Cal", "Product"]
        .into_iter()
        .find(|f| r.get(f).is_some())
        .unwrap_or("Tier");
    let name = r.req_str(field)?;
    let tiers = tiers_named(&name).map_err(|m| r.error(field, m))?;
    let quantity = match r.opt_int("Quantity") {
        Ok(Some(q)) if q < 0 => return Err(r.error("Quantity", format!("{q} is negative"))),
        Ok(Some(q)) => within_max(q as u64).map_err(|m| r.error("Quantity", m))?,
        Ok(None) => return Err(r.error("Quantity", "required property is missing or empty")),
        // 1,200 as a licence sheet writes it
        Err(e) => match r.opt_str("Quantity")? {
            Some(text) => quantity_of(&text).map_err(|m| r.error("Quantity", m))?,
            None => return Err(e),
        },
    };
    Ok(OwnedRow {
        source: format!("{} record {}", r.file, r.index),
        tiers,
        name: name.trim().to_string(),
        quantity,
        version: r.opt_str("Version")?,
        agreement: r.opt_str("Agreement")?,
    })
}

/// The owned file: CSV (or any format the reader takes) with Tier and Quantity, and optionally
/// Version and Agreement. Rows of one tier add up (two agreements); a bad row refuses the file,
/// as every licence file is refused (a position built on part of it would look complete).
pub fn read_file(
    path: &str,
    date_order: Option<DateOrder>,
    reporter: &mut impl Reporter,
) -> Result<Vec<OwnedRow>, InputError> {
    load_all(path, date_order, reporter, read_row)
}

/// The owned counts from both sources, in the order given.
#[derive(Debug, Clone, Default)]
pub struct OwnedCals {
    pub rows: Vec<OwnedRow>,
}

impl OwnedCals {
    fn of(&self, tier: usize) -> (u64, Vec<String>) {
        let rows: Vec<&OwnedRow> = self.rows.iter().filter(|r| r.tiers[tier]).collect();
        let total = rows.iter().fold(0u64, |a, r| a.saturating_add(r.quantity));
        (total, rows.iter().map(|r| r.describe()).collect())
    }

    /// One position per tier, Standard, Enterprise, Plus.
    pub fn positions(&self, summary: &Required) -> Vec<LyncCalPosition> {
        TIERS
            .iter()
            .enumerate()
            .map(|(i, tier)| {
                let (owned, owned_from) = self.of(i);
                LyncCalPosition::new(*tier, summary, owned, owned_from)
            })
            .collect()
    }
}

/// What the configuration requires, per tier (Standard, Enterprise, Plus), from the summary.
#[derive(Debug, Clone)]
pub struct Required {
    pub rules: RuleSet,
    pub other_rules: RuleSet,
    pub users: [u64; 3],
    pub devices: [u64; 3],
    /// Records whose Enterprise answer is undecided
    pub undetermined: u64,
    /// Records Enterprise under `other_rules`
    pub enterprise_under_other_rules: u64,
}

/// The Lync / Skype for Business Server CAL position of one tier: what the configuration requires
/// against the CALs owned as counts.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LyncCalPosition {
    /// Standard, Enterprise or Plus
    pub tier: Cal,
    /// The rule set the requirement was classified under
    pub rules: RuleSet,
    /// Users and devices configured to need this CAL (Standard: every one that needs any CAL)
    pub required: u64,
    /// Of Required, users
    pub users: u64,
    /// Of Required, devices (common area phones, analog devices, meeting rooms)
    pub devices: u64,
    /// CALs of this tier owned (suites and plans that include it counted in)
    pub owned: u64,
    /// Required − Owned, when more are required than owned
    pub shortfall: u64,
    /// Owned − Required, when more are owned than required
    pub surplus: u64,
    /// Enterprise: records whose Enterprise answer is undecided (assigned conferencing policy
    /// missing), not in Required: the shortfall may be up to this many more. 0 for the others
    pub undetermined: u64,
    /// The rule set the requirement is compared with (strict, or default when Rules is strict)
    pub other_rules: RuleSet,
    /// Required under OtherRules (only Enterprise depends on the rule set)
    pub required_under_other_rules: u64,
    /// Shortfall under OtherRules
    pub shortfall_under_other_rules: u64,
    /// The owned quantities counted: `--owned`, or the file and record, with Version and
    /// Agreement when given
    pub owned_from: Vec<String>,
    /// What Required counts and why, with the licensing source
    pub basis: String,
}

impl OutputRecord for LyncCalPosition {
    const RECORD_TYPE: &'static str = "LyncCalPosition";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "Tier",
        "Required",
        "Owned",
        "Shortfall",
        "Surplus",
        "Undetermined",
        "Rules",
    ];
}

/// Enterprise and Plus are each added to Standard: Microsoft's Skype for Business IT-pro
/// licensing page, "Die Standard CAL ist eine Voraussetzung für die Enterprise CAL" / "… für die
/// Plus CAL" (https://products.office.com/de-at/skype-for-business/it-pros); the Lync Server Plus
/// CAL description ("can be used only in conjunction with a … Standard … CAL",
/// http://www.connectingup.org/donations/microsoft/microsoft-lync-server-device-cal-plus-includes-software-assurance).
const ADDITIVE: &str = "Enterprise and Plus are each added to a Standard CAL, never instead of it (Microsoft, Skype for Business IT-pro licensing: the Standard CAL is a prerequisite for the Enterprise and the Plus CAL; docs/rules/lync-configured.md section 1)";

fn basis(tier: Cal, rules: RuleSet, users: u64, devices: u64) -> String {
    let counted = format!("{users} user(s) and {devices} device(s)");
    match tier {
        Cal::Standard => format!("Required: every enabled on-premises user and every device configured to need a CAL ({counted}), including each one that also needs Enterprise or Plus: {ADDITIVE}. Owned Enterprise or Plus CALs do not cover Standard"),
        Cal::Enterprise => format!("Required: users and devices whose effective conferencing policy lets them organise Enterprise features under the {rules} rule set ({counted}); each also needs a Standard CAL, counted in the Standard position: {ADDITIVE}. A surplus of Standard or Plus does not cover Enterprise"),
        _ => format!("Required: users enabled for Enterprise Voice or remote call control, Response Group agents, and voice-enabled common area phones, analog devices and meeting rooms ({counted}); each also needs a Standard CAL, counted in the Standard position: {ADDITIVE}. A surplus of Standard or Enterprise does not cover Plus"),
    }
}

impl LyncCalPosition {
    fn new(tier: Cal, s: &Required, owned: u64, owned_from: Vec<String>) -> Self {
        let i = TIERS.iter().position(|t| *t == tier).unwrap_or(0);
        let (users, devices) = (s.users[i], s.devices[i]);
        let required = users + devices;
        let (undetermined, other) = match tier {
            Cal::Enterprise => (s.undetermined, s.enterprise_under_other_rules),
            _ => (0, required),
        };
        LyncCalPosition {
            tier,
            rules: s.rules,
            required,
            users,
            devices,
            owned,
            shortfall: required.saturating_sub(owned),
            surplus: owned.saturating_sub(required),
            undetermined,
            other_rules: s.other_rules,
            required_under_other_rules: other,
            shortfall_under_other_rules: other.saturating_sub(owned),
            owned_from,
            basis: basis(tier, s.rules, users, devices),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_names_as_sheets_write_them() {
        assert_eq!(tiers_named("Standard"), Ok([true, false, false]));
        assert_eq!(tiers_named("Lync Enterprise CAL"), Ok([false, true, false]));
        assert_eq!(tiers_named("plus"), Ok([false, false, true]));
        assert_eq!(tiers_named("Enterprise CAL Suite"), Ok([true, true, false]));
        assert_eq!(tiers_named("Core CAL Suite"), Ok([true, false, false]));
        assert_eq!(tiers_named("Microsoft 365 E5"), Ok([true, true, true]));
        assert!(tiers_named("Enterprise+Plus")
            .unwrap_err()
            .contains("more than one CAL"));
        assert!(tiers_named("Gold")
            .unwrap_err()
            .contains("'Gold' names no CAL"));
        assert!(tiers_named("Enterprise Mobility + Security E3")
            .unwrap_err()
            .contains("names no CAL"));
    }

    #[test]
    fn a_comma_before_digits_is_a_thousands_separator() {
        let v = |s: &str| entries(&[s.to_string()]);
        assert_eq!(
            v("Standard=1,200,Enterprise=400; Plus=150"),
            ["Standard=1,200", "Enterprise=400", "Plus=150"]
        );
        assert_eq!(v("Standard=1,200,000"), ["Standard=1,200,000"]);
        let rows =
            parse_counts(&["Standard=1,200".into(), "Plus=3".into()], "command line").unwrap();
        assert_eq!(
            rows.iter().map(|r| r.quantity).collect::<Vec<_>>(),
            [1200, 3]
        );
        assert_eq!(rows[0].source, "command line");
    }

    #[test]
    fn quantities_take_thousands_separators_and_refuse_the_rest() {
        assert_eq!(quantity_of("1,200"), Ok(1200));
        assert_eq!(quantity_of(" 400 "), Ok(400));
        assert!(quantity_of("-3").is_err());
        assert!(quantity_of("12.5").is_err());
        assert!(quantity_of("2000000000").unwrap_err().contains("beyond"));
    }
}

/// A `--owned-file` row (CSV or any supported export).
#[derive(JsonSchema)]
#[allow(non_snake_case, dead_code)]
pub struct OwnedCalInput {
    /// Standard, Enterprise or Plus (one per row; `Lync Enterprise CAL` reads as Enterprise), or
    /// a CAL suite or Microsoft 365 / Office 365 plan, counted toward the Skype for Business
    /// Server CALs it includes. Cal or Product are read when there is no Tier column
    Tier: String,
    /// How many (thousands separators allowed: 1,200); rows of one tier add up
    Quantity: u64,
    /// The CAL version, e.g. 2019: shown with the position, not compared (the configuration
    /// does not say which server version each user reaches)
    Version: Option<String>,
    /// The agreement or purchase, e.g. EA 1234: shown with the position
    Agreement: Option<String>,
}
