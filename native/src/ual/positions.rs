//! Compliance positions: consumptions folded into one line per product, CAL type and version,
//! with the cheaper CAL type suggested and what each line takes as given.

use super::engine::Engine;
use super::evidence::PrincipalKind;
use super::licenses::{CalType, License};
use super::needs::{KindCounts, Models};
use super::records::{CalCompliance, CalConsumption, LicenseDraw};
use super::roles::{Family, LicenseProduct};
use super::settings::{AdminAccount, Settings};
use crate::model::Reporter;
use std::collections::{BTreeMap, BTreeSet};

/// Compliance positions by product, CAL type and version (sorted: the output order).
pub type Positions = BTreeMap<PositionKey, CalCompliance>;
pub type PositionKey = (Family, CalType, Option<u16>);

/// What the allocation notes beside the counts: each position's assumptions, which positions
/// count principals of the product's other CAL type (see [`Need::secondary`]), and for External
/// Connector positions short, the external users whose CALs would do instead.
#[derive(Default)]
pub struct Notes {
    pub assumptions: BTreeMap<PositionKey, Vec<String>>,
    /// Positions of a product's other CAL type: how many of their principals are counted there
    /// for that reason, and how many of those drew a licence.
    pub secondary: BTreeMap<PositionKey, (u64, u64)>,
    /// External Connector positions short: the external users (product, user) of the servers
    /// left without one.
    pub ec_short: BTreeMap<PositionKey, BTreeSet<(Family, String)>>,
}

impl Notes {
    pub fn assume(&mut self, key: &PositionKey, text: String) {
        let list = self.assumptions.entry(*key).or_default();
        if !list.contains(&text) {
            list.push(text);
        }
    }
}

/// Folds one consumption into the compliance position of its product, CAL type and version
/// (all but the servers, which the caller gathers); gives the position's key.
pub fn tally(
    positions: &mut Positions,
    c: &CalConsumption,
    assumed: bool,
    licenses: &[License],
    models: &Models,
) -> PositionKey {
    let key = (c.product, c.cal_type, c.version);
    let p = positions.entry(key).or_insert_with(|| {
        let model = models.get(&c.product);
        let basis = match (c.cal_type, model) {
            (CalType::ExternalConnector, _) => "external users (outside the internal domains) reached these servers: one External Connector per physical server, or a CAL for each of those users instead".to_string(),
            (CalType::Device, Some((PrincipalKind::User, basis))) => format!(
                "{basis}; devices are counted here only when no counted user was seen on them"
            ),
            (CalType::User, Some((PrincipalKind::Device, basis))) => format!(
                "{basis}; users are counted here only when they were seen on no counted device"
            ),
            (CalType::User, None) => "external users covered by spare CALs instead of External Connectors".to_string(),
            (_, model) => model.map(|m| m.1.clone()).unwrap_or_default(),
        };
        CalCompliance {
            product: c.product,
            cal_type: c.cal_type,
            version: c.version,
            required: 0,
            owned: licenses
                .iter()
                .filter(|l| {
                    l.product == LicenseProduct::Family(c.product)
                        && l.cal_type == c.cal_type
                        && l.version == c.version
                })
                .fold(0u64, |owned, l| owned.saturating_add(l.quantity)),
            covered: 0,
            assumed_covered: 0,
            shortfall: 0,
            servers: Vec::new(),
            evidence_complete: true,
            servers_without_evidence: Vec::new(),
            drawn_from: Vec::new(),
            basis,
            assumption: None,
            suggestion: None,
            incomplete_inputs: Vec::new(),
        }
    });
    p.required += 1;
    match &c.license {
        Some(label) => {
            p.covered += 1;
            match p.drawn_from.iter_mut().find(|d| &d.license == label) {
                Some(d) => d.count += 1,
                None => p.drawn_from.push(LicenseDraw {
                    license: label.clone(),
                    count: 1,
                }),
            }
        }
        None if assumed => p.assumed_covered += 1,
        None => p.shortfall += 1,
    }
    key
}

/// The administrator accounts named: those the evidence shows (exempt) and those it does not.
pub struct Admins {
    pub seen: Vec<String>,
    pub absent: Vec<String>,
    /// Evidence rows not counted because an exempt administrator made them
    pub rows: u64,
}

impl Admins {
    /// Which named administrators the evidence (or the principals list) holds; a warning for each
    /// it does not, because a mistyped name would otherwise exempt nothing, silently.
    pub fn of(engine: &Engine, reporter: &mut impl Reporter) -> Admins {
        let (seen, absent): (Vec<&AdminAccount>, Vec<&AdminAccount>) = engine
            .settings
            .admin_accounts
            .iter()
            .partition(|a| engine.users.by_name.contains_key(a.key.as_str()));
        let given = |accounts: Vec<&AdminAccount>| -> Vec<String> {
            accounts.into_iter().map(|a| a.given.clone()).collect()
        };
        let (seen, absent) = (given(seen), given(absent));
        for a in &absent {
            reporter.warning("AdminAccountNotInEvidence", &admin_absent(a));
        }
        let rows = engine
            .agg
            .excluded
            .get("AdminAccount")
            .copied()
            .unwrap_or(0);
        Admins { seen, absent, rows }
    }

    /// What the position takes as given about them.
    pub fn assumptions(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if self.rows > 0 {
            parts.push(format!(
                "{} is exempt ({} evidence row(s) not counted): the licence terms exempt up to 2 users or devices that access the server software only to administer it; taken as doing nothing else on these servers (each that does needs a CAL)",
                self.seen.join(" and "),
                self.rows
            ));
        }
        parts.extend(self.absent.iter().map(|a| admin_absent(a)));
        parts
    }
}

fn admin_absent(account: &str) -> String {
    format!("admin account '{account}' does not appear in the evidence; nothing exempted for it")
}

/// Where the other CAL type would need fewer licences, say so (on the lines of the CAL type each
/// product is counted in).
pub fn suggest(positions: &mut Positions, all_kinds: &KindCounts, models: &Models) {
    for p in positions.values_mut() {
        let family = p.product;
        if models.get(&family).map(|m| m.0.cal_type()) != Some(p.cal_type) {
            continue;
        }
        let count = |kind| all_kinds.get(&(family, kind)).copied().unwrap_or(0);
        let (users, devices) = (count(PrincipalKind::User), count(PrincipalKind::Device));
        p.suggestion = match p.cal_type {
            CalType::User if devices > 0 && devices < users => Some(format!(
                "{devices} devices accessed {} against {users} users: Device CALs would need {} fewer licences (if those devices are the only way in)",
                p.product,
                users - devices
            )),
            CalType::Device if users > 0 && users < devices => Some(format!(
                "{users} users accessed {} against {devices} devices: User CALs would need {} fewer licences",
                p.product,
                devices - users
            )),
            _ => None,
        };
    }
}

/// Each position's `Assumption`: for the lines of a product's other CAL type, both answers (the
/// principals covered by the others' CALs, or not); then what the licences drawn were taken as.
/// What the position takes as given beyond the licences: the two exempt administrators, who an
/// external user is, that an IP address stands for a device (issue #24 item 11).
pub fn assumptions(positions: &mut Positions, notes: &Notes, settings: &Settings, admins: &Admins) {
    for (key, p) in positions.iter_mut() {
        let mut parts: Vec<String> = Vec::new();
        if let Some(&(n, drawn)) = notes.secondary.get(key) {
            let (a, s) = (p.assumed_covered, p.shortfall);
            parts.push(match p.cal_type {
                CalType::Device => format!(
                    "{n} device(s) had no counted user in the evidence (rows naming no user: Get-UalDeviceAccess, DHCP clients, spreadsheet rows without AccessingUser); {drawn} drawn from Device CALs owned; the other {a} are taken as used only by people who hold User CALs (counted on the User line), so shortfall {s}; if others use them, each needs a Device CAL: shortfall {}",
                    s + a
                ),
                _ => format!(
                    "{n} user(s) were seen on no counted device (rows naming no device, such as Get-UalUserAccess); {drawn} drawn from User CALs owned; the other {a} are taken as working only from devices that hold Device CALs (counted on the Device line), so shortfall {s}; if they use other devices, each needs a User CAL: shortfall {}",
                    s + a
                ),
            });
        }
        if p.cal_type == CalType::Device {
            parts.push(DEVICE_IS_AN_ADDRESS.to_string());
        }
        let external =
            p.cal_type == CalType::ExternalConnector || p.basis.starts_with("external users");
        if external {
            parts.push(external_user_assumption(&settings.internal_domains));
        }
        if p.product == Family::Exchange && !external {
            parts.push(EXCHANGE_ENTERPRISE_TRIGGERS.to_string());
        }
        if !external {
            parts.extend(admins.assumptions());
        }
        if let Some(list) = notes.assumptions.get(key) {
            parts.extend(list.iter().cloned());
        }
        p.assumption = (!parts.is_empty()).then(|| parts.join(". "));
    }
}

/// On every Exchange Server line: the evidence shows who reached a mailbox server, not which
/// features each mailbox uses, and the Enterprise CAL is additive for some of them.
const EXCHANGE_ENTERPRISE_TRIGGERS: &str = "Exchange Server Standard and Enterprise CALs are not told apart: this line counts each user once (the Standard CAL). An Exchange Enterprise CAL is needed in addition for each user of an Enterprise feature: an archive mailbox (In-Place Archive), In-Place or Litigation Hold and In-Place eDiscovery, data loss prevention, per-user journaling, Unified Messaging; access evidence cannot show which mailboxes use them, so count those users from the mailbox settings (Get-Mailbox ArchiveStatus, LitigationHoldEnabled, InPlaceHolds) and add Enterprise CALs for them";

/// On every Device CAL line: UAL and DHCP name a device by its IP address, which is not a device.
const DEVICE_IS_AN_ADDRESS: &str = "Devices are counted by the name or IP address the evidence gives: an IP address is not a device (DHCP gives one device several addresses over time, and one address to several devices in turn), so a count of addresses can be higher or lower than the devices; confirm it against a device inventory or the DHCP leases";

/// Who an external user is: the engine's proxy (the account's domain) for the Product Terms'
/// definition, which changed for agreements signed from 1 October 2024.
fn external_user_assumption(internal: &[String]) -> String {
    let domains = if internal.is_empty() {
        "none given".to_string()
    } else {
        internal.join(", ")
    };
    format!(
        "External users are taken as the accounts outside the internal domains ({domains}). The Product Terms define them as users who are not employees, onsite contractors or onsite agents of the customer or its affiliates; for agreements signed on or after 1 October 2024, users who are not employees, nor contractors or agents who typically work for the customer more than 30 hours a week on average or onsite every working day. The evidence shows neither employment, hours nor place of work: add the domain of contractors or agents who are internal under your agreement's definition as an internal domain"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sink::Collected;
    use crate::ual::engine::examples::{add, context, engine};
    use crate::ual::licenses::example_row as licence;
    use crate::ual::needs::model;
    use crate::ual::records::ServerList;
    use crate::ual::settings::examples::{self, day};

    fn consumption(product: Family, cal_type: CalType, license: Option<&str>) -> CalConsumption {
        CalConsumption {
            product,
            cal_type,
            version: Some(2019),
            principal: "contoso\\peter".into(),
            servers: ServerList::new(Vec::new()),
            first_seen: None,
            last_seen: None,
            license: license.map(str::to_string),
            covered: license.is_some(),
            detail: None,
        }
    }

    fn models(licenses: &[License]) -> Models {
        Family::ALL
            .map(|f| (f, model(f, licenses)))
            .into_iter()
            .collect()
    }

    #[test]
    fn a_position_counts_required_covered_assumed_and_short() {
        let mut owned = licence(1, Family::Exchange, CalType::User, 3);
        owned.version = Some(2019);
        let mut older = owned.clone();
        older.version = Some(2016);
        let licenses = [owned.clone(), owned, older];
        let models = models(&licenses);
        let mut positions = Positions::new();
        let a = consumption(Family::Exchange, CalType::User, Some("row 1"));
        let short = consumption(Family::Exchange, CalType::User, None);
        for (c, assumed) in [(&a, false), (&a, false), (&short, true), (&short, false)] {
            tally(&mut positions, c, assumed, &licenses, &models);
        }
        let key = tally(&mut positions, &short, false, &licenses, &models);
        assert_eq!(key, (Family::Exchange, CalType::User, Some(2019)));
        let p = &positions[&key];
        assert_eq!(
            (p.required, p.covered, p.assumed_covered, p.shortfall),
            (5, 2, 1, 2)
        );
        assert_eq!(p.owned, 6, "rows of this version only");
        assert_eq!(p.drawn_from.len(), 1);
        assert_eq!(p.drawn_from[0].count, 2);
        assert_eq!(p.basis, "licences hold User CALs");
    }

    #[test]
    fn the_other_cal_type_is_suggested_where_it_needs_fewer_licences() {
        let models = models(&[]);
        let mut positions = Positions::new();
        let mut kinds = KindCounts::new();
        kinds.insert((Family::Exchange, PrincipalKind::User), 5);
        kinds.insert((Family::Exchange, PrincipalKind::Device), 3);
        kinds.insert((Family::Rds, PrincipalKind::User), 2);
        kinds.insert((Family::Rds, PrincipalKind::Device), 4);
        for (family, cal_type) in [
            (Family::Exchange, CalType::User),
            (Family::Exchange, CalType::Device),
            (Family::Rds, CalType::User),
        ] {
            let c = consumption(family, cal_type, None);
            tally(&mut positions, &c, false, &[], &models);
        }
        suggest(&mut positions, &kinds, &models);
        let suggestion = |family, cal_type| {
            positions[&(family, cal_type, Some(2019))]
                .suggestion
                .clone()
        };
        assert_eq!(
            suggestion(Family::Exchange, CalType::User).as_deref(),
            Some("3 devices accessed Exchange Server against 5 users: Device CALs would need 2 fewer licences (if those devices are the only way in)")
        );
        assert_eq!(
            suggestion(Family::Exchange, CalType::Device),
            None,
            "not the CAL type Exchange is counted in"
        );
        assert_eq!(
            suggestion(Family::Rds, CalType::User),
            None,
            "more devices than users"
        );
    }

    #[test]
    fn each_line_says_what_it_takes_as_given() {
        let settings = examples::settings();
        let admins = Admins {
            seen: vec!["contoso\\admin".into()],
            absent: Vec::new(),
            rows: 3,
        };
        let models = models(&[]);
        let mut positions = Positions::new();
        let user = tally(
            &mut positions,
            &consumption(Family::Exchange, CalType::User, None),
            false,
            &[],
            &models,
        );
        let device = tally(
            &mut positions,
            &consumption(Family::Exchange, CalType::Device, None),
            true,
            &[],
            &models,
        );
        let ec = tally(
            &mut positions,
            &consumption(Family::Exchange, CalType::ExternalConnector, None),
            false,
            &[],
            &models,
        );
        let mut notes = Notes::default();
        notes.secondary.insert(device, (1, 0));
        notes.assume(&ec, "each server is a physical server".into());
        notes.assume(&ec, "each server is a physical server".into());
        assumptions(&mut positions, &notes, &settings, &admins);
        let said = |key| positions[&key].assumption.clone().unwrap_or_default();
        let (user, device, ec) = (said(user), said(device), said(ec));
        assert!(user.contains(EXCHANGE_ENTERPRISE_TRIGGERS));
        assert!(user.contains("contoso\\admin is exempt (3 evidence row(s) not counted)"));
        assert!(!user.contains(DEVICE_IS_AN_ADDRESS));
        assert!(device.starts_with("1 device(s) had no counted user"));
        assert!(device.contains("the other 1 are taken as used only by people who hold User CALs (counted on the User line), so shortfall 0; if others use them, each needs a Device CAL: shortfall 1"));
        assert!(device.contains(DEVICE_IS_AN_ADDRESS));
        assert!(ec.starts_with(
            "External users are taken as the accounts outside the internal domains (contoso.com)"
        ));
        assert!(
            !ec.contains("is exempt"),
            "administrators are not external users"
        );
        assert!(!ec.contains(EXCHANGE_ENTERPRISE_TRIGGERS));
        assert_eq!(ec.matches("each server is a physical server").count(), 1);
    }

    #[test]
    fn administrators_named_but_not_in_the_evidence_are_warned_of() {
        let settings = Settings {
            admin_accounts: vec![
                AdminAccount::new("contoso\\admin"),
                AdminAccount::new("CONTOSO\\Typo"),
            ],
            ..examples::settings()
        };
        let mut engine = engine(&settings);
        let fs = context("FS01", &[(Family::WindowsServer, None)]);
        add(&mut engine, &fs, Some("contoso\\admin"), None, day(10, 1));
        add(&mut engine, &fs, Some("contoso\\admin"), None, day(10, 2));
        let mut reporter = Collected::default();
        let admins = Admins::of(&engine, &mut reporter);
        assert_eq!(admins.seen, vec!["contoso\\admin".to_string()]);
        // Named as the admin spelled it, so the typo can be found.
        assert_eq!(admins.absent, vec!["CONTOSO\\Typo".to_string()]);
        assert_eq!(admins.rows, 2);
        assert_eq!(reporter.warnings.len(), 1);
        assert_eq!(reporter.warnings[0].0, "AdminAccountNotInEvidence");
        assert!(reporter.warnings[0].1.contains("'CONTOSO\\Typo'"));
        let said = admins.assumptions();
        assert_eq!(said.len(), 2);
        assert!(said[1].contains("'CONTOSO\\Typo' does not appear in the evidence"));
        let none = Admins {
            seen: Vec::new(),
            absent: Vec::new(),
            rows: 0,
        };
        assert!(none.assumptions().is_empty());
    }
}
