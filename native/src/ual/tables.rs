//! The counting's tables: servers and principals interned to numbers, each principal's
//! aggregates per product slot (chained in one list), server sets as bitsets.

use super::evidence::{exclusion, FastMap, PrincipalKind};
use super::settings::Settings;
use chrono::{DateTime, Utc};
use std::rc::Rc;

/// Servers seen, interned so per-principal server sets are bitsets.
#[derive(Default)]
pub struct Servers {
    /// Shared: every consumption lists its servers by name.
    pub names: Vec<Rc<str>>,
    pub keys: Vec<String>,
    pub index: FastMap<String, u32>,
}

impl Servers {
    /// Each server's place in name order, ignoring ASCII case.
    pub fn order(&self) -> Vec<u32> {
        places(&self.names, |a, b| {
            a.bytes()
                .map(|c| c.to_ascii_lowercase())
                .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
        })
    }

    pub fn intern(&mut self, key: &str, display: &str) -> u32 {
        if let Some(i) = self.index.get(key) {
            return *i;
        }
        let i = self.names.len() as u32;
        self.names.push(display.into());
        self.keys.push(key.to_string());
        self.index.insert(key.to_string(), i);
        i
    }
}

#[derive(Default, Clone)]
pub struct PrincipalAgg {
    pub servers: ServerSet,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    /// Newest product version accessed (0: unknown).
    pub version: u16,
    /// Some evidence row named this principal together with a consuming principal of the other
    /// kind (a user with a device, as Get-UalDailyAccess and spreadsheet rows do): where the
    /// product is counted in the other kind's CALs, this one is covered by that principal's.
    pub paired: bool,
}

impl PrincipalAgg {
    pub fn add(
        &mut self,
        server: u32,
        first: Option<DateTime<Utc>>,
        last: Option<DateTime<Utc>>,
        version: Option<u16>,
    ) {
        add_server(&mut self.servers, server);
        self.first = match (self.first, first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = match (self.last, last) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.version = self.version.max(version.unwrap_or(0));
    }

    pub fn server_ids(&self) -> impl Iterator<Item = u32> + '_ {
        Self::ids(&self.servers)
    }

    /// The server ids a server set holds, in order.
    pub fn ids(servers: &[u64]) -> impl Iterator<Item = u32> + '_ {
        servers.iter().enumerate().flat_map(|(w, &bits)| {
            let mut rest = bits;
            std::iter::from_fn(move || {
                let b = rest.trailing_zeros();
                (rest != 0).then(|| {
                    rest &= rest - 1;
                    (w * 64) as u32 + b
                })
            })
        })
    }
}

/// Principals of one kind seen in evidence, interned: aggregates hold a number, and what decides
/// whether a principal counts (its name) is looked at once per principal, not per row.
#[derive(Default)]
pub struct Principals {
    /// Each principal's name, shared with [`Principals::by_name`] (one copy per principal).
    pub names: Vec<Rc<str>>,
    /// Each principal with why it does not consume a CAL, if it does not, and whether a user is
    /// external: one lookup answers all three.
    pub by_name: FastMap<Rc<str>, Principal>,
    /// Every principal's aggregates, one per product slot it reached (see
    /// [`Aggregates::slots`]), in one list: each principal's are chained from
    /// [`Principals::first_agg`] in the order they were made. A principal reaches a handful of
    /// products, so a short chain beats a map per product, and one list beats a list per
    /// principal (20,000 principals made 20,000 small allocations, their pages fresh).
    pub aggs: Vec<ChainedAgg>,
    /// Each principal's first aggregate in [`Principals::aggs`] ([`NO_AGG`]: none yet).
    pub first_agg: Vec<u32>,
}

/// One aggregate of a principal, with the product slot it is for and the principal's next.
pub struct ChainedAgg {
    pub slot: usize,
    pub next: u32,
    pub agg: PrincipalAgg,
}

/// The end of a principal's chain of aggregates.
const NO_AGG: u32 = u32::MAX;

/// One principal as the counting sees it.
#[derive(Clone, Copy)]
pub struct Principal {
    pub id: u32,
    pub exclusion: Option<&'static str>,
    pub external: bool,
}

impl Principals {
    pub fn intern(&mut self, kind: PrincipalKind, name: &str, settings: &Settings) -> Principal {
        if let Some(p) = self.by_name.get(name) {
            return *p;
        }
        let p = Principal {
            id: self.names.len() as u32,
            exclusion: exclusion(kind, name, &settings.admin_accounts),
            external: kind == PrincipalKind::User && settings.is_external(name),
        };
        let name: Rc<str> = name.into();
        self.by_name.insert(name.clone(), p);
        self.names.push(name);
        self.first_agg.push(NO_AGG);
        p
    }

    /// Principal `id`'s aggregates, in the order they were made, with where each is kept.
    pub fn aggs_of(&self, id: u32) -> impl Iterator<Item = (u32, &ChainedAgg)> + '_ {
        let mut at = self.first_agg[id as usize];
        std::iter::from_fn(move || {
            let here = at;
            let c = self.aggs.get(here as usize)?;
            at = c.next;
            Some((here, c))
        })
    }

    /// Principal `id`'s aggregate for product `slot`, made (last in its chain) if it has none.
    pub fn agg_mut(&mut self, id: u32, slot: usize) -> &mut PrincipalAgg {
        let (mut found, mut last) = (None, None);
        for (at, c) in self.aggs_of(id) {
            if c.slot == slot {
                found = Some(at);
                break;
            }
            last = Some(at);
        }
        if let Some(at) = found {
            return &mut self.aggs[at as usize].agg;
        }
        let new = u32::try_from(self.aggs.len()).expect("fewer than 4 billion aggregates");
        self.aggs.push(ChainedAgg {
            slot,
            next: NO_AGG,
            agg: PrincipalAgg::default(),
        });
        match last {
            Some(l) => self.aggs[l as usize].next = new,
            None => self.first_agg[id as usize] = new,
        }
        &mut self.aggs[new as usize].agg
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// Each principal's place in name order.
    pub fn order(&self) -> Vec<u32> {
        places(&self.names, |a, b| a.cmp(b))
    }
}

/// Each item's place (by number) when `items` are sorted by `cmp`; ties keep their order.
fn places<T: std::ops::Deref<Target = str>>(
    items: &[T],
    mut cmp: impl FnMut(&str, &str) -> std::cmp::Ordering,
) -> Vec<u32> {
    let mut ids: Vec<u32> = (0..items.len() as u32).collect();
    ids.sort_by(|a, b| cmp(&items[*a as usize], &items[*b as usize]));
    let mut place = vec![0u32; ids.len()];
    for (at, id) in ids.into_iter().enumerate() {
        place[id as usize] = at as u32;
    }
    place
}

/// A set of servers: a bit per server id, the first 128 kept in place (no allocation for each
/// principal's set in estates of up to 128 servers).
pub type ServerSet = smallvec::SmallVec<[u64; 2]>;

/// Adds a server to a server set ([`PrincipalAgg::servers`]).
pub fn add_server(set: &mut ServerSet, server: u32) {
    let (w, b) = ((server / 64) as usize, server % 64);
    if set.len() <= w {
        set.resize(w + 1, 0);
    }
    set[w] |= 1 << b;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ual::settings::examples;

    #[test]
    fn an_aggregate_keeps_the_servers_the_span_and_the_newest_version() {
        let mut agg = PrincipalAgg::default();
        agg.add(
            3,
            Some(examples::day(9, 5)),
            Some(examples::day(9, 9)),
            Some(2016),
        );
        agg.add(70, None, Some(examples::day(10, 1)), None);
        agg.add(3, Some(examples::day(9, 2)), None, Some(2019));
        assert_eq!(agg.server_ids().collect::<Vec<_>>(), vec![3, 70]);
        assert_eq!(agg.first, Some(examples::day(9, 2)));
        assert_eq!(agg.last, Some(examples::day(10, 1)));
        assert_eq!(agg.version, 2019);
        assert!(!agg.paired);
    }

    #[test]
    fn servers_are_interned_once_and_ordered_ignoring_case() {
        let mut servers = Servers::default();
        assert_eq!(servers.intern("fs02", "fs02"), 0);
        assert_eq!(servers.intern("app01", "APP01"), 1);
        assert_eq!(servers.intern("fs02", "FS02.contoso.com"), 0);
        assert_eq!(&*servers.names[0], "fs02", "the first spelling is kept");
        assert_eq!(servers.order(), vec![1, 0]);
    }

    #[test]
    fn places_sort_and_keep_ties_in_order() {
        let names: Vec<Rc<str>> = ["b", "a", "b", "c"].map(Rc::from).to_vec();
        assert_eq!(places(&names, |a, b| a.cmp(b)), vec![1, 0, 2, 3]);
    }

    #[test]
    fn a_principal_is_judged_once_and_keeps_one_aggregate_per_slot() {
        let settings = examples::settings();
        let mut users = Principals::default();
        let peter = users.intern(PrincipalKind::User, "contoso\\peter", &settings);
        let admin = users.intern(PrincipalKind::User, "contoso\\admin", &settings);
        let eve = users.intern(PrincipalKind::User, "eve@fabrikam.com", &settings);
        assert_eq!(
            users
                .intern(PrincipalKind::User, "contoso\\peter", &settings)
                .id,
            peter.id
        );
        assert_eq!((peter.exclusion, peter.external), (None, false));
        assert_eq!(admin.exclusion, Some("AdminAccount"));
        assert!(eve.external);
        users.agg_mut(peter.id, 4).version = 2019;
        users.agg_mut(eve.id, 4).version = 2016;
        users.agg_mut(peter.id, 1).version = 2012;
        users.agg_mut(peter.id, 4).version += 1;
        let chain: Vec<(usize, u16)> = users
            .aggs_of(peter.id)
            .map(|(_, c)| (c.slot, c.agg.version))
            .collect();
        assert_eq!(chain, vec![(4, 2020), (1, 2012)], "in the order made");
        assert_eq!(users.aggs_of(admin.id).count(), 0);
        assert_eq!(users.name(eve.id), "eve@fabrikam.com");
        assert_eq!(users.order(), vec![1, 0, 2]);
    }
}
