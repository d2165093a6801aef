//! Needs: one per principal and product family, from the usage aggregates or (access mode)
//! the principals in scope; and the CAL type each product is counted in.

use super::engine::Engine;
use super::evidence::PrincipalKind;
use super::licenses::{CalType, License};
use super::roles::{suite_members, Family, LicenseProduct};
use super::settings::{external_route, ExternalRoute};
use super::tables::{PrincipalAgg, Principals};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// One principal's need for one product family.
pub struct Need {
    pub family: Family,
    pub kind: PrincipalKind,
    /// The principal's number in the engine's table of its kind.
    pub principal: u32,
    /// Where its aggregate is (it stays there: a need is a few bytes to sort and hold).
    pub agg: AggAt,
    /// The product is counted in the other CAL type: this principal (a device with no counted
    /// user, or a user on no counted device) is drawn from licences of its own type when there
    /// are any, else taken as covered by the other kind's CALs (an assumption, not a shortfall).
    pub secondary: bool,
}

#[derive(Clone, Copy)]
pub enum AggAt {
    /// The principal's own (usage mode), kept at this place in [`Principals::aggs`].
    Principal(u32),
    /// Its product family's, shared by every principal in scope (access mode).
    Family,
}

/// Access mode's aggregates: one per product family, the same for every principal.
pub type FamilyAggs = BTreeMap<Family, PrincipalAgg>;

// Here, not in engine.rs: finding a need's aggregate is the needs' business, and the row
// engine knows nothing of needs (the files depend one way).
impl Engine<'_> {
    pub fn table(&self, kind: PrincipalKind) -> &Principals {
        match kind {
            PrincipalKind::User => &self.users,
            PrincipalKind::Device => &self.devices,
        }
    }

    /// A need's aggregate.
    pub fn agg<'a>(&'a self, need: &Need, by_family: &'a FamilyAggs) -> &'a PrincipalAgg {
        match need.agg {
            AggAt::Principal(at) => &self.table(need.kind).aggs[at as usize].agg,
            AggAt::Family => &by_family[&need.family],
        }
    }
}

/// The CAL type a product is counted in: the type its licences (direct or via a suite) hold.
pub fn model(family: Family, licenses: &[License]) -> (PrincipalKind, String) {
    let holds = |t: CalType| licenses.iter().any(|l| l.cal_type == t && l.covers(family));
    match (holds(CalType::User), holds(CalType::Device)) {
        (true, true) => (
            PrincipalKind::User,
            "licences hold User and Device CALs: users take User CALs".into(),
        ),
        (true, false) => (PrincipalKind::User, "licences hold User CALs".into()),
        (false, true) => (
            PrincipalKind::Device,
            "licences hold Device CALs only".into(),
        ),
        (false, false) => (
            PrincipalKind::User,
            "no licences for this product: User CALs assumed".into(),
        ),
    }
}

/// The CAL type each product is counted in, and why.
pub type Models = BTreeMap<Family, (PrincipalKind, String)>;

/// The needs of each principal, as consecutive ranges (needs are sorted by principal within
/// each CAL type), named by the principal.
pub fn principal_groups(needs: &[Need]) -> Vec<((PrincipalKind, u32), std::ops::Range<usize>)> {
    let mut groups: Vec<((PrincipalKind, u32), std::ops::Range<usize>)> = Vec::new();
    for (n, need) in needs.iter().enumerate() {
        let who = (need.kind, need.principal);
        match groups.last_mut() {
            Some((last, range)) if *last == who && range.end == n => range.end = n + 1,
            _ => groups.push((who, n..n + 1)),
        }
    }
    groups
}

/// Principals counted per product family and CAL kind.
pub type KindCounts = BTreeMap<(Family, PrincipalKind), u64>;

/// Access mode: every listed principal needs every product in scope (evidence only says which
/// products and servers are in scope).
pub fn access_needs(
    engine: &mut Engine,
    licenses: &[License],
    principals: Vec<(PrincipalKind, String)>,
) -> (Vec<Need>, KindCounts, FamilyAggs) {
    let settings = engine.settings;
    let mut needs = Vec::new();
    let mut all_kinds = KindCounts::new();
    let mut families: BTreeSet<Family> = engine.agg.versions.keys().map(|(f, _)| *f).collect();
    // A plan (Microsoft 365, Office 365) is bought for its online services: it puts no
    // on-premises product in scope.
    for l in licenses.iter().filter(|l| {
        matches!(l.cal_type, CalType::User | CalType::Device) && !l.product.is_online_plan()
    }) {
        match l.product {
            LicenseProduct::Family(f) => families.insert(f),
            LicenseProduct::Bundle(suite) => {
                families.extend(suite_members(suite).iter().copied());
                continue;
            }
        };
    }
    // What every principal in scope needs of each family: its servers (unless all of them are
    // licensed per core) at their newest versions.
    let mut by_family = FamilyAggs::new();
    for family in &families {
        let servers: Vec<u32> = engine
            .agg
            .versions
            .keys()
            .filter(|(f, _)| f == family)
            .map(|(_, s)| *s)
            .collect();
        if !servers.is_empty()
            && servers
                .iter()
                .all(|s| settings.is_per_core(*family, &engine.servers.keys[*s as usize]))
        {
            continue;
        }
        let mut agg = PrincipalAgg::default();
        for s in &servers {
            agg.add(
                *s,
                None,
                None,
                engine.agg.versions.get(&(*family, *s)).copied(),
            );
        }
        by_family.insert(*family, agg);
    }
    let mut seen = HashSet::new();
    for (kind, name) in principals {
        let table = match kind {
            PrincipalKind::User => &mut engine.users,
            PrincipalKind::Device => &mut engine.devices,
        };
        let principal = table.intern(kind, &name, settings);
        if !seen.insert((kind, principal.id)) {
            continue;
        }
        if let Some(reason) = principal.exclusion {
            *engine.agg.excluded.entry(reason).or_default() += 1;
            continue;
        }
        if principal.external {
            engine.agg.external_count += 1;
        }
        for &family in by_family.keys() {
            // External Connectors are not derived in access mode; an external user still needs
            // the CALs of a product that has none (SQL Server).
            if principal.external && external_route(family, None) != ExternalRoute::Cal {
                continue;
            }
            *all_kinds.entry((family, kind)).or_default() += 1;
            needs.push(Need {
                family,
                kind,
                principal: principal.id,
                agg: AggAt::Family,
                secondary: false,
            });
        }
    }
    (needs, all_kinds, by_family)
}

/// Usage mode: each principal with evidence in the window needs the products it reached.
pub fn usage_needs(engine: &Engine) -> (Vec<Need>, KindCounts, FamilyAggs) {
    let mut needs = Vec::with_capacity(engine.users.aggs.len() + engine.devices.aggs.len());
    let mut all_kinds = KindCounts::new();
    for table in [&engine.users, &engine.devices] {
        for id in 0..table.first_agg.len() as u32 {
            for (at, c) in table.aggs_of(id) {
                let (family, kind) = engine.agg.slots[c.slot];
                *all_kinds.entry((family, kind)).or_default() += 1;
                needs.push(Need {
                    family,
                    kind,
                    principal: id,
                    agg: AggAt::Principal(at),
                    secondary: false,
                });
            }
        }
    }
    (needs, all_kinds, FamilyAggs::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ual::engine::examples::{add, context, engine};
    use crate::ual::licenses::example_row as licence;
    use crate::ual::roles::CORE_CAL_SUITE;
    use crate::ual::settings::examples::{self, day};

    #[test]
    fn a_product_is_counted_in_the_cal_type_its_licences_hold() {
        let kind = |licenses: &[License]| model(Family::Exchange, licenses).0;
        let user = licence(1, Family::Exchange, CalType::User, 5);
        let device = licence(2, Family::Exchange, CalType::Device, 5);
        let suite_devices = licence(
            3,
            LicenseProduct::Bundle(CORE_CAL_SUITE),
            CalType::Device,
            5,
        );
        let other = licence(4, Family::SqlServer, CalType::Device, 5);
        assert_eq!(kind(&[user.clone(), device.clone()]), PrincipalKind::User);
        assert_eq!(kind(&[user]), PrincipalKind::User);
        assert_eq!(kind(&[device]), PrincipalKind::Device);
        assert_eq!(
            kind(&[suite_devices]),
            PrincipalKind::Device,
            "through a suite"
        );
        assert_eq!(
            kind(&[other]),
            PrincipalKind::User,
            "none: User CALs assumed"
        );
        assert_eq!(
            model(Family::Exchange, &[]).1,
            "no licences for this product: User CALs assumed"
        );
    }

    #[test]
    fn usage_needs_are_one_per_principal_and_product_reached() {
        let settings = examples::settings();
        let mut engine = engine(&settings);
        let sql = context(
            "SQL02",
            &[(Family::WindowsServer, None), (Family::SqlServer, None)],
        );
        add(
            &mut engine,
            &sql,
            Some("contoso\\peter"),
            Some("pc01"),
            day(10, 1),
        );
        add(&mut engine, &sql, Some("contoso\\peter"), None, day(10, 2));
        let (needs, kinds, by_family) = usage_needs(&engine);
        assert_eq!(needs.len(), 4, "peter and pc01, two products each");
        assert!(by_family.is_empty());
        assert_eq!(kinds[&(Family::SqlServer, PrincipalKind::User)], 1);
        assert_eq!(kinds[&(Family::SqlServer, PrincipalKind::Device)], 1);
        let user_needs: Vec<Family> = needs
            .iter()
            .filter(|n| n.kind == PrincipalKind::User)
            .map(|n| n.family)
            .collect();
        assert_eq!(user_needs, vec![Family::WindowsServer, Family::SqlServer]);
    }

    #[test]
    fn access_needs_give_every_principal_in_scope_every_product_in_scope() {
        let settings = examples::settings();
        let mut engine = engine(&settings);
        // Evidence puts Windows Server (FS01) and SQL Server (only on SQL01, per core) in scope;
        // an Exchange licence puts Exchange in scope.
        add(
            &mut engine,
            &context("FS01", &[(Family::WindowsServer, Some(2019))]),
            Some("contoso\\x"),
            None,
            day(10, 1),
        );
        add(
            &mut engine,
            &context("SQL01", &[(Family::SqlServer, None)]),
            Some("contoso\\x"),
            None,
            day(10, 1),
        );
        let licenses = [licence(1, Family::Exchange, CalType::User, 1)];
        let principals = vec![
            (PrincipalKind::User, "contoso\\peter".to_string()),
            (PrincipalKind::User, "contoso\\peter".to_string()),
            (PrincipalKind::User, "contoso\\admin".to_string()),
            (PrincipalKind::User, "eve@fabrikam.com".to_string()),
            (PrincipalKind::Device, "pc01".to_string()),
        ];
        let (needs, kinds, by_family) = access_needs(&mut engine, &licenses, principals);
        assert_eq!(
            by_family.keys().copied().collect::<Vec<_>>(),
            vec![Family::Exchange, Family::WindowsServer],
            "SQL Server only on a per-core server is out of scope"
        );
        assert_eq!(by_family[&Family::WindowsServer].version, 2019);
        // peter (once) and pc01 need both; the admin is exempt; the external user needs
        // neither (External Connectors are not derived in access mode).
        assert_eq!(needs.len(), 4);
        assert_eq!(kinds[&(Family::Exchange, PrincipalKind::User)], 1);
        assert_eq!(kinds[&(Family::Exchange, PrincipalKind::Device)], 1);
        assert_eq!(engine.agg.excluded["AdminAccount"], 1);
        assert_eq!(engine.agg.external_count, 1);
    }

    #[test]
    fn an_external_user_in_access_mode_still_needs_sql_server_cals() {
        let settings = examples::settings();
        let mut engine = engine(&settings);
        add(
            &mut engine,
            &context(
                "SQL02",
                &[(Family::WindowsServer, None), (Family::SqlServer, None)],
            ),
            Some("contoso\\x"),
            None,
            day(10, 1),
        );
        let principals = vec![(PrincipalKind::User, "eve@fabrikam.com".to_string())];
        let (needs, _, _) = access_needs(&mut engine, &[], principals);
        assert_eq!(
            needs.iter().map(|n| n.family).collect::<Vec<_>>(),
            vec![Family::SqlServer]
        );
    }

    #[test]
    fn needs_are_grouped_by_principal_in_runs() {
        let need = |kind, principal| Need {
            family: Family::WindowsServer,
            kind,
            principal,
            agg: AggAt::Family,
            secondary: false,
        };
        let needs = [
            need(PrincipalKind::User, 0),
            need(PrincipalKind::User, 0),
            need(PrincipalKind::User, 1),
            need(PrincipalKind::Device, 0),
        ];
        assert_eq!(
            principal_groups(&needs),
            vec![
                ((PrincipalKind::User, 0), 0..2),
                ((PrincipalKind::User, 1), 2..3),
                ((PrincipalKind::Device, 0), 3..4),
            ]
        );
    }
}
