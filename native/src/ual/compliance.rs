//! `ual compliance`: evidence → one CAL per principal per product family → licences drawn in
//! priority order → compliance position.

use super::allocation::{choose, draw};
use super::evidence::{
    self, exclusion, normalise_user, server_key, user_domain, EvidenceReader, FallbackServer,
    FastMap, GapInfo, PrincipalKind, Row, RowContext, RowKind, ServerFrom, SystemInfo, Systems,
    NO_SERVER_FIELD,
};
use super::licenses::{CalType, License, SKYPE_EXTERNAL_INCLUDED_FROM};
use super::records::*;
use super::roles::{license_product, suite_members, Family, LicenseProduct};
use crate::ingest::{load_all, stream_each_borrowed, DateOrder, Record};
use crate::model::server_cal::{ConsumptionMode as Mode, EvidenceStatus};
use crate::model::{InputError, IoError, RecordSink, Reporter};
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::rc::Rc;

/// What `ual compliance` reads and how it counts.
#[derive(Debug, Clone)]
pub struct ComplianceOptions {
    /// Get-Ual* output or FlexNet ConsolidatedAccessEvidence CSV files
    pub evidence: Vec<String>,
    /// Get-UalSystemId output (server OS version, cores)
    pub systems: Option<String>,
    /// Licences owned (CSV: Product, Version, CalType, Quantity, Priority, Servers)
    pub licenses: Option<String>,
    pub mode: Mode,
    /// The usage window ends at `as_of` and is this many days long
    pub window_days: u32,
    pub as_of: DateTime<Utc>,
    /// Users and devices in scope (access mode)
    pub principals: Option<String>,
    /// The server evidence rows without a server name come from (UAL read locally)
    pub computer_name: Option<String>,
    /// Domains whose users are internal; others count toward External Connectors
    pub internal_domains: Vec<String>,
    /// Servers licensed per core: (product, or None for every product but Windows Server; server)
    pub per_core_servers: Vec<(Option<String>, String)>,
    /// Administrator accounts exempt from CALs (domain\user): at most two
    pub admin_accounts: Vec<String>,
    /// Windows Server VMs in Azure: no Windows Server CAL for access to them
    pub azure_servers: Vec<String>,
    /// Also write every evidence row, normalised (UalEvidence)
    pub emit_evidence: bool,
    /// The month/day order of the inputs' culture-text dates, when the admin gave it.
    pub date_order: Option<DateOrder>,
}

/// How the compliance position came out.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// CALs required but not covered by any licence.
    pub shortfall: u64,
    /// Servers the evidence says gave none (UalEvidenceGap records): the position is incomplete.
    pub servers_without_evidence: Vec<String>,
    /// Usage mode with evidence rows of which none fell in the window, all being older: the
    /// newest row's date and the window's start (a 2012 export audited today counts nobody).
    pub all_before_window: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// The servers whose evidence is missing, from the UalEvidenceGap records read: one per server
/// (matched by short name, the first note kept), in name order ignoring ASCII case.
#[derive(Default)]
struct Gaps {
    gaps: Vec<GapInfo>,
    keys: HashSet<String>,
}

impl Gaps {
    /// Adds a note; false when its server was noted already.
    fn add(&mut self, gap: GapInfo) -> bool {
        if !self.keys.insert(server_key(&gap.computer_name)) {
            return false;
        }
        self.gaps.push(gap);
        true
    }

    fn sorted(mut self) -> Vec<GapInfo> {
        self.gaps.sort_by(|a, b| {
            a.computer_name
                .to_ascii_lowercase()
                .cmp(&b.computer_name.to_ascii_lowercase())
        });
        self.gaps
    }
}

/// One gap as a warning names it: `RDS01 (New-CimSession: access denied)`.
fn gap_text(g: &GapInfo) -> String {
    match (&g.query, &g.reason) {
        (Some(q), Some(r)) => format!("{} ({q}: {r})", g.computer_name),
        (Some(q), None) => format!("{} ({q} failed)", g.computer_name),
        (None, Some(r)) => format!("{} ({r})", g.computer_name),
        (None, None) => g.computer_name.clone(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UalError {
    /// An input it cannot use, or output it cannot write.
    #[error(transparent)]
    Io(#[from] IoError),
    /// A per-core exemption names a product that is not licensed per core instead of CALs.
    #[error("'{product}' is not a product licensed per core instead of CALs (e.g. SQL Server)")]
    NotPerCoreProduct { product: String },
    /// Access mode counts the principals in scope, so they must be given.
    #[error("access mode needs the principals in scope (every user or device)")]
    PrincipalsNeeded,
    /// The licence terms exempt up to two administrators, not a list.
    #[error("{count} administrator accounts named: the licence terms exempt up to two")]
    TooManyAdminAccounts { count: usize },
    /// An administrator account named by an empty text.
    #[error("an administrator account is empty")]
    EmptyAdminAccount,
}

/// The most administrator accounts exempt from CALs: "up to 2 users or devices to access the
/// server software only to administer it" (Windows Server licence terms, Product Terms).
pub const MAX_ADMIN_ACCOUNTS: usize = 2;

crate::model::io_error_from!(UalError);

/// Servers seen, interned so per-principal server sets are bitsets.
#[derive(Default)]
struct Servers {
    /// Shared: every consumption lists its servers by name.
    names: Vec<std::rc::Rc<str>>,
    keys: Vec<String>,
    index: FastMap<String, u32>,
}

impl Servers {
    /// Each server's place in name order, ignoring ASCII case.
    fn order(&self) -> Vec<u32> {
        places(&self.names, |a, b| {
            a.bytes()
                .map(|c| c.to_ascii_lowercase())
                .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
        })
    }

    fn intern(&mut self, key: &str, display: &str) -> u32 {
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
struct PrincipalAgg {
    servers: ServerSet,
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
    /// Newest product version accessed (0: unknown).
    version: u16,
    /// Some evidence row named this principal together with a consuming principal of the other
    /// kind (a user with a device, as Get-UalDailyAccess and spreadsheet rows do): where the
    /// product is counted in the other kind's CALs, this one is covered by that principal's.
    paired: bool,
}

impl PrincipalAgg {
    fn add(
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

    fn server_ids(&self) -> impl Iterator<Item = u32> + '_ {
        Self::ids(&self.servers)
    }

    /// The server ids a server set holds, in order.
    fn ids(servers: &[u64]) -> impl Iterator<Item = u32> + '_ {
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
struct Principals {
    /// Each principal's name, shared with [`Principals::by_name`] (one copy per principal).
    names: Vec<Rc<str>>,
    /// Each principal with why it does not consume a CAL, if it does not, and whether a user is
    /// external: one lookup answers all three.
    by_name: FastMap<Rc<str>, Principal>,
    /// Every principal's aggregates, one per product slot it reached (see
    /// [`Aggregates::slots`]), in one list: each principal's are chained from
    /// [`Principals::first_agg`] in the order they were made. A principal reaches a handful of
    /// products, so a short chain beats a map per product, and one list beats a list per
    /// principal (20,000 principals made 20,000 small allocations, their pages fresh).
    aggs: Vec<ChainedAgg>,
    /// Each principal's first aggregate in [`Principals::aggs`] ([`NO_AGG`]: none yet).
    first_agg: Vec<u32>,
}

/// One aggregate of a principal, with the product slot it is for and the principal's next.
struct ChainedAgg {
    slot: usize,
    next: u32,
    agg: PrincipalAgg,
}

/// The end of a principal's chain of aggregates.
const NO_AGG: u32 = u32::MAX;

/// One principal as the counting sees it.
#[derive(Clone, Copy)]
struct Principal {
    id: u32,
    exclusion: Option<&'static str>,
    external: bool,
}

impl Principals {
    fn intern(&mut self, kind: PrincipalKind, name: &str, settings: &Settings) -> Principal {
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
    fn aggs_of(&self, id: u32) -> impl Iterator<Item = (u32, &ChainedAgg)> + '_ {
        let mut at = self.first_agg[id as usize];
        std::iter::from_fn(move || {
            let here = at;
            let c = self.aggs.get(here as usize)?;
            at = c.next;
            Some((here, c))
        })
    }

    /// Principal `id`'s aggregate for product `slot`, made (last in its chain) if it has none.
    fn agg_mut(&mut self, id: u32, slot: usize) -> &mut PrincipalAgg {
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

    fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// Each principal's place in name order.
    fn order(&self) -> Vec<u32> {
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

/// What the counting works out once per row context (see [`EvidenceReader`]).
struct Reach {
    server: u32,
    products: Vec<ProductReach>,
    /// Where unrecognised evidence of this context is gathered.
    unrecognized: Option<usize>,
}

struct ProductReach {
    family: Family,
    version: Option<u16>,
    /// The server is licensed per core for this product: no CALs.
    per_core: bool,
    /// The aggregate slots of this product's users and of its devices (see
    /// [`Aggregates::slots`]).
    slots: [usize; 2],
}

#[derive(Default)]
struct Aggregates {
    /// The product family and principal kind of each aggregate slot.
    slots: Vec<(Family, PrincipalKind)>,
    external: BTreeMap<(Family, u32), (BTreeSet<String>, u16)>,
    /// Unrecognised evidence by server, source, role and product (the output order), each an
    /// index into `unrecognized_list`.
    unrecognized: BTreeMap<(String, &'static str, String, String, String), usize>,
    unrecognized_list: Vec<UnrecognizedEvidence>,
    /// Newest version seen per product family and server.
    versions: BTreeMap<(Family, u32), u16>,
    excluded: BTreeMap<&'static str, u64>,
    /// The newest last-seen date of the rows outside the window, and whether any row was in it.
    newest_outside: Option<DateTime<Utc>>,
    any_inside: bool,
    /// Devices excluded as IPv6 addresses.
    ipv6: HashSet<u32>,
    rows: u64,
    counted: u64,
    external_count: u64,
    unrecognized_rows: u64,
    overview_rows: u64,
}

impl Aggregates {
    /// The aggregate slot of a product family and principal kind.
    fn slot(&mut self, family: Family, kind: PrincipalKind) -> usize {
        match self.slots.iter().position(|k| *k == (family, kind)) {
            Some(i) => i,
            None => {
                self.slots.push((family, kind));
                self.slots.len() - 1
            }
        }
    }
}

pub struct Settings {
    pub mode: Mode,
    pub window_start: Option<DateTime<Utc>>,
    /// Usage mode: the window's end (the as-of time); evidence first seen after it is not
    /// counted (`AfterAsOf`), as evidence last seen before the start is not (`OutsideWindow`).
    pub window_end: Option<DateTime<Utc>>,
    pub internal_domains: Vec<String>,
    pub admin_accounts: Vec<String>,
    /// (product family or None for every product but Windows Server, server key)
    pub per_core: Vec<(Option<Family>, String)>,
    /// Server keys of Windows Server VMs in Azure
    pub azure: Vec<String>,
}

impl Settings {
    /// Whether access to `family` on `server` needs no CAL because of how the server is
    /// licensed: per core (products other than Windows Server), or, for Windows Server, a VM in
    /// Azure whose price includes the Windows Server licence and its CALs.
    fn is_per_core(&self, family: Family, server: &str) -> bool {
        match family {
            Family::WindowsServer => self.azure.iter().any(|s| s == server),
            _ => self
                .per_core
                .iter()
                .any(|(f, s)| f.is_none_or(|f| f == family) && s == server),
        }
    }

    /// The exclusion reason for evidence [`Settings::is_per_core`] exempts.
    fn exempt_reason(family: Family) -> &'static str {
        match family {
            Family::WindowsServer => "AzureWindowsServer",
            _ => "PerCoreServer",
        }
    }

    fn is_external(&self, user: &str) -> bool {
        if self.internal_domains.is_empty() {
            return false;
        }
        match user_domain(user) {
            Some(d) => !self.internal_domains.iter().any(|i| {
                let i = i.as_str();
                d == i
                    || d.strip_suffix(i).is_some_and(|p| p.ends_with('.'))
                    || i.split('.').next() == Some(d)
            }),
            None => false,
        }
    }
}

/// The server rows that name none are taken to be: the one the admin names, else a
/// Get-UalSystemId row earlier in the same file, else the only server the Get-UalSystemId
/// export describes.
fn fallback_server(
    options: &ComplianceOptions,
    in_file: &Option<FallbackServer>,
    systems: &Systems,
) -> Option<FallbackServer> {
    match &options.computer_name {
        Some(name) => Some(FallbackServer {
            name: name.clone(),
            because: "named by the admin".into(),
        }),
        None => in_file.clone().or_else(|| {
            systems.only().map(|s| FallbackServer {
                name: s.name.clone(),
                because: "the only server the Get-UalSystemId export describes".into(),
            })
        }),
    }
}

struct Engine<'a> {
    settings: &'a Settings,
    servers: Servers,
    users: Principals,
    devices: Principals,
    agg: Aggregates,
}

/// What an external user's access to a product needs (docs/rules/ual-server-cal.md, section 7).
#[derive(Clone, Copy, PartialEq, Eq)]
enum ExternalRoute {
    /// An External Connector for the (physical) server, or CALs instead.
    Connector,
    /// A CAL like any user: SQL Server has no External Connector.
    Cal,
    /// Nothing: the server licence includes external users (Lync Server 2013 and later).
    ServerLicence,
}

fn external_route(family: Family, version: Option<u16>) -> ExternalRoute {
    match family {
        Family::SqlServer => ExternalRoute::Cal,
        Family::Skype if version.is_some_and(|v| v >= SKYPE_EXTERNAL_INCLUDED_FROM) => {
            ExternalRoute::ServerLicence
        }
        _ => ExternalRoute::Connector,
    }
}

/// Products one evidence row can reach (a role's Windows Server and one more): where the row's
/// user and device are paired, per product.
const ROW_PRODUCTS: usize = 4;

/// The index of a principal kind in [`ProductReach::slots`].
fn kind_index(kind: PrincipalKind) -> usize {
    match kind {
        PrincipalKind::User => 0,
        PrincipalKind::Device => 1,
    }
}

impl Engine<'_> {
    /// What every row of a context shares, worked out the first time the context is seen: its
    /// server, the products it reaches (and their newest versions on that server), where its
    /// unrecognised evidence is gathered.
    fn reach(&mut self, e: &RowContext) -> Reach {
        let server = self.servers.intern(&e.server_key, &e.server);
        if !e.recognized {
            let key = (
                e.server_key.clone(),
                e.source,
                e.role_guid.clone().unwrap_or_default().to_ascii_uppercase(),
                e.role_name.clone().unwrap_or_default(),
                e.product_name.clone().unwrap_or_default(),
            );
            let list = &mut self.agg.unrecognized_list;
            let at = *self.agg.unrecognized.entry(key).or_insert_with(|| {
                list.push(UnrecognizedEvidence {
                    server: e.server.clone(),
                    source: e.source.into(),
                    role_guid: e.role_guid.clone(),
                    role_name: e.role_name.clone(),
                    product_name: e.product_name.clone(),
                    rows: 0,
                    first_seen: None,
                    last_seen: None,
                    sample_principal: None,
                });
                list.len() - 1
            });
            return Reach {
                server,
                products: Vec::new(),
                unrecognized: Some(at),
            };
        }
        let mut products = Vec::new();
        for (family, version) in &e.products {
            let v = self.agg.versions.entry((*family, server)).or_insert(0);
            *v = (*v).max(version.unwrap_or(0));
            products.push(ProductReach {
                family: *family,
                version: *version,
                per_core: self.settings.is_per_core(*family, &e.server_key),
                slots: [
                    self.agg.slot(*family, PrincipalKind::User),
                    self.agg.slot(*family, PrincipalKind::Device),
                ],
            });
        }
        Reach {
            server,
            products,
            unrecognized: None,
        }
    }

    /// Adds one evidence row; returns the normalised records for --emit-evidence.
    fn add(&mut self, row: &Row<Reach>, emit: bool) -> Vec<UalEvidence> {
        self.agg.rows += 1;
        let mut out = Vec::new();
        let (e, reach) = (row.context, row.kept);
        let server = reach.server;
        if let Some(at) = reach.unrecognized {
            self.agg.unrecognized_rows += 1;
            let u = &mut self.agg.unrecognized_list[at];
            u.rows += 1;
            u.first_seen = [u.first_seen, row.first_seen].into_iter().flatten().min();
            u.last_seen = [u.last_seen, row.last_seen].into_iter().flatten().max();
            if u.sample_principal.is_none() {
                u.sample_principal = row
                    .user
                    .filter(|s| !s.is_empty())
                    .or(row.device)
                    .map(str::to_string);
            }
            return out;
        }
        if e.source == "Get-UalOverview" {
            self.agg.overview_rows += 1;
            return out;
        }
        let outside = match (
            self.settings.mode,
            self.settings.window_start,
            row.last_seen,
        ) {
            (Mode::Usage, Some(start), Some(last)) => last < start,
            _ => false,
        };
        // Evidence from after the as-of time (an export taken later, a server clock ahead) is
        // not in the window either.
        let after = match (self.settings.window_end, row.first_seen.or(row.last_seen)) {
            (Some(end), Some(first)) if !outside => first > end,
            _ => false,
        };
        match (outside, row.last_seen) {
            (true, Some(last)) => {
                if self.agg.newest_outside.is_none_or(|n| last > n) {
                    self.agg.newest_outside = Some(last);
                }
            }
            _ if !after => self.agg.any_inside = true,
            _ => {}
        }
        let principals = [
            (PrincipalKind::User, row.user),
            (PrincipalKind::Device, row.device),
        ];
        // A daily-access row names a user and a device: it is one row of evidence, counted once.
        let (mut row_counted, mut row_external) = (false, false);
        // Per product of the row: whether its user consumes (a CAL, or as an external user), and
        // where that user's aggregate is; then the device's, to pair the two.
        let mut user_consumes = [false; ROW_PRODUCTS];
        let mut user_at: [Option<(u32, usize)>; ROW_PRODUCTS] = [None; ROW_PRODUCTS];
        let mut device_consumes = [false; ROW_PRODUCTS];
        for (kind, name) in principals {
            let Some(name) = name else { continue };
            let mut record = |status: EvidenceStatus, reason: Option<&str>| {
                if emit {
                    out.push(UalEvidence {
                        server: e.server.clone(),
                        source: e.source.into(),
                        products: e.products.iter().map(|(f, _)| *f).collect(),
                        role_name: e.role_name.clone(),
                        role_guid: e.role_guid.clone(),
                        principal_type: kind,
                        principal: name.to_string(),
                        first_seen: row.first_seen,
                        last_seen: row.last_seen,
                        access_count: row.count,
                        status,
                        reason: reason.map(str::to_string),
                    });
                }
            };
            let table = match kind {
                PrincipalKind::User => &mut self.users,
                PrincipalKind::Device => &mut self.devices,
            };
            let principal = table.intern(kind, name, self.settings);
            if let Some(reason) = principal.exclusion {
                *self.agg.excluded.entry(reason).or_default() += 1;
                if reason == "Ipv6Device" {
                    self.agg.ipv6.insert(principal.id);
                }
                record(EvidenceStatus::Excluded, Some(reason));
                continue;
            }
            if outside {
                *self.agg.excluded.entry("OutsideWindow").or_default() += 1;
                record(EvidenceStatus::Excluded, Some("OutsideWindow"));
                continue;
            }
            if after {
                *self.agg.excluded.entry("AfterAsOf").or_default() += 1;
                record(EvidenceStatus::Excluded, Some("AfterAsOf"));
                continue;
            }
            if self.settings.mode == Mode::Access {
                // In access mode the --principals list consumes; evidence only scopes products.
                record(
                    EvidenceStatus::Counted,
                    Some("access mode: consumption comes from the principals in scope"),
                );
                continue;
            }
            let external = principal.external;
            // What became of the row for this principal: counted toward a CAL; toward an
            // External Connector; included in the server licence (external users of Lync 2013+).
            let (mut counted_any, mut connector_any, mut included_any) = (false, false, false);
            let mut external_cal: Option<Family> = None;
            for (i, product) in reach.products.iter().enumerate() {
                if product.per_core {
                    *self
                        .agg
                        .excluded
                        .entry(Settings::exempt_reason(product.family))
                        .or_default() += 1;
                    continue;
                }
                if external {
                    match external_route(product.family, product.version) {
                        ExternalRoute::Connector => {
                            let x = self
                                .agg
                                .external
                                .entry((product.family, server))
                                .or_default();
                            if !x.0.contains(name) {
                                x.0.insert(name.to_string());
                            }
                            x.1 = x.1.max(product.version.unwrap_or(0));
                            connector_any = true;
                            if let Some(c) = user_consumes.get_mut(i) {
                                *c = true;
                            }
                            continue;
                        }
                        ExternalRoute::ServerLicence => {
                            *self
                                .agg
                                .excluded
                                .entry("ExternalUserInServerLicence")
                                .or_default() += 1;
                            included_any = true;
                            if let Some(c) = user_consumes.get_mut(i) {
                                *c = true;
                            }
                            continue;
                        }
                        ExternalRoute::Cal => external_cal = Some(product.family),
                    }
                }
                counted_any = true;
                let slot = product.slots[kind_index(kind)];
                let agg = table.agg_mut(principal.id, slot);
                agg.add(server, row.first_seen, row.last_seen, product.version);
                if i < ROW_PRODUCTS {
                    match kind {
                        PrincipalKind::User => {
                            user_consumes[i] = true;
                            user_at[i] = Some((principal.id, slot));
                        }
                        PrincipalKind::Device => {
                            device_consumes[i] = true;
                            if user_consumes[i] {
                                agg.paired = true;
                            }
                        }
                    }
                }
            }
            if counted_any {
                row_counted = true;
                match external_cal {
                    Some(family) if emit => {
                        let also = if connector_any {
                            "; its other products count toward an External Connector"
                        } else {
                            ""
                        };
                        record(
                            EvidenceStatus::Counted,
                            Some(format!("user outside the internal domains: {family} has no External Connector, so the user needs a {family} CAL (or the server licensed per core){also}").as_str()),
                        );
                    }
                    _ => record(
                        EvidenceStatus::Counted,
                        e.implied_windows
                            .then_some("Windows Server evidence implied: the server has no UAL"),
                    ),
                }
            } else if connector_any {
                row_external = true;
                record(
                    EvidenceStatus::External,
                    Some("user outside the internal domains: counts toward an External Connector (or a CAL instead)"),
                );
            } else if included_any {
                record(
                    EvidenceStatus::External,
                    Some("user outside the internal domains: the Lync / Skype for Business Server 2013+ server licence includes external users (no External Connector, no CAL)"),
                );
            } else {
                let why = reach
                    .products
                    .iter()
                    .find(|p| p.per_core)
                    .map_or("PerCoreServer", |p| Settings::exempt_reason(p.family));
                record(EvidenceStatus::Excluded, Some(why));
            }
        }
        // The row's user is covered where its device is counted (and the other way round).
        for (i, at) in user_at.iter().enumerate() {
            if let (Some((id, slot)), true) = (at, device_consumes[i]) {
                self.users.agg_mut(*id, *slot).paired = true;
            }
        }
        self.agg.counted += row_counted as u64;
        self.agg.external_count += (row_external && !row_counted) as u64;
        out
    }
}

impl Engine<'_> {
    /// Windows Server versions from Get-UalSystemId, applied once all evidence is read: a
    /// SystemId row may come after the access rows of its server (a local collection streamed
    /// in any order), and a row whose product name carries no year needs the server's OS.
    fn apply_system_versions(&mut self, systems: &Systems) {
        // By server id (0: unknown).
        let mut os = vec![0u16; self.servers.names.len()];
        for (key, s) in &systems.by_key {
            if let (Some(id), Some(year)) = (self.servers.index.get(key), s.windows_year) {
                os[*id as usize] = year;
            }
        }
        if os.iter().all(|y| *y == 0) {
            return;
        }
        for ((family, server), v) in self.agg.versions.iter_mut() {
            if *family == Family::WindowsServer {
                *v = (*v).max(os[*server as usize]);
            }
        }
        let slots = &self.agg.slots;
        for ChainedAgg { slot, agg, .. } in self
            .users
            .aggs
            .iter_mut()
            .chain(self.devices.aggs.iter_mut())
        {
            if slots[*slot].0 != Family::WindowsServer {
                continue;
            }
            let newest = agg.server_ids().map(|s| os[s as usize]).max();
            agg.version = agg.version.max(newest.unwrap_or(0));
        }
        for ((family, server), (_, v)) in self.agg.external.iter_mut() {
            if *family == Family::WindowsServer {
                *v = (*v).max(os[*server as usize]);
            }
        }
    }
}

/// One principal's need for one product family.
struct Need {
    family: Family,
    kind: PrincipalKind,
    /// The principal's number in the engine's table of its kind.
    principal: u32,
    /// Where its aggregate is (it stays there: a need is a few bytes to sort and hold).
    agg: AggAt,
    /// The product is counted in the other CAL type: this principal (a device with no counted
    /// user, or a user on no counted device) is drawn from licences of its own type when there
    /// are any, else taken as covered by the other kind's CALs (an assumption, not a shortfall).
    secondary: bool,
}

#[derive(Clone, Copy)]
enum AggAt {
    /// The principal's own (usage mode), kept at this place in [`Principals::aggs`].
    Principal(u32),
    /// Its product family's, shared by every principal in scope (access mode).
    Family,
}

/// Access mode's aggregates: one per product family, the same for every principal.
type FamilyAggs = BTreeMap<Family, PrincipalAgg>;

impl Engine<'_> {
    fn table(&self, kind: PrincipalKind) -> &Principals {
        match kind {
            PrincipalKind::User => &self.users,
            PrincipalKind::Device => &self.devices,
        }
    }

    /// A need's aggregate.
    fn agg<'a>(&'a self, need: &Need, by_family: &'a FamilyAggs) -> &'a PrincipalAgg {
        match need.agg {
            AggAt::Principal(at) => &self.table(need.kind).aggs[at as usize].agg,
            AggAt::Family => &by_family[&need.family],
        }
    }
}

/// The CAL type a product is counted in: the type its licences (direct or via a suite) hold.
fn model(family: Family, licenses: &[License]) -> (PrincipalKind, String) {
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
type Models = BTreeMap<Family, (PrincipalKind, String)>;

/// Compliance positions by product, CAL type and version (sorted: the output order).
type Positions = BTreeMap<PositionKey, CalCompliance>;
type PositionKey = (Family, CalType, Option<u16>);

/// A set of servers: a bit per server id, the first 128 kept in place (no allocation for each
/// principal's set in estates of up to 128 servers).
type ServerSet = smallvec::SmallVec<[u64; 2]>;

/// Adds a server to a server set ([`PrincipalAgg::servers`]).
fn add_server(set: &mut ServerSet, server: u32) {
    let (w, b) = ((server / 64) as usize, server % 64);
    if set.len() <= w {
        set.resize(w + 1, 0);
    }
    set[w] |= 1 << b;
}

/// `ual compliance`: evidence → one CAL per principal and product family → licences drawn in
/// priority order → one compliance position per product, CAL type and version.
pub fn run(
    options: &ComplianceOptions,
    sink: &mut impl RecordSink,
    reporter: &mut impl Reporter,
) -> Result<Outcome, UalError> {
    let mut systems = Systems::default();
    if let Some(p) = &options.systems {
        for (key, info) in load_all(p, options.date_order, reporter, SystemInfo::read)? {
            systems.insert(key, info);
        }
    }
    let licenses: Vec<License> = match &options.licenses {
        Some(p) => load_all(p, options.date_order, reporter, License::read)?,
        None => Vec::new(),
    };
    let settings = settings(options, &licenses)?;
    let mut engine = Engine {
        settings: &settings,
        servers: Servers::default(),
        users: Principals::default(),
        devices: Principals::default(),
        agg: Aggregates::default(),
    };
    let mut reader = EvidenceReader::<Reach>::default();
    for (key, s) in &systems.by_key {
        engine.servers.intern(key, &s.name);
    }
    let mut gaps = Gaps::default();
    for path in &options.evidence {
        // This file's notes of servers that gave no evidence, said in one warning after it.
        let mut file_gaps: Vec<String> = Vec::new();
        // Rows that name no server (UAL read on the server itself) are that server's: the one
        // the admin names, else a Get-UalSystemId row earlier in the same file, else the only
        // server the Get-UalSystemId export describes. Said once per file.
        let mut in_file: Option<FallbackServer> = None;
        let mut said = false;
        // A file whose first evidence row names no server is a local export: every row would
        // fail alike, so it is refused once. Later rows without one are bad records.
        let mut named_rows = 0u64;
        // Worked out when what it depends on changes, not per row.
        let mut fallback = fallback_server(options, &in_file, &systems);
        stream_each_borrowed(
            path,
            Some(evidence::PROPERTIES),
            options.date_order,
            "Reading access evidence",
            reporter,
            |reporter, rec| {
                let slots = reader.slots(rec);
                let kind = evidence::row_kind(rec, &slots);
                if kind == RowKind::Gap {
                    match GapInfo::read(rec) {
                        Ok(gap) => {
                            file_gaps.push(gap_text(&gap));
                            gaps.add(gap);
                        }
                        Err(err) => reporter.bad_record(&err),
                    }
                    return Ok(());
                }
                if kind == RowKind::System {
                    match SystemInfo::read(rec) {
                        Ok((key, info)) => {
                            engine.servers.intern(&key, &info.name);
                            in_file = Some(FallbackServer {
                                name: info.name.clone(),
                                because: "the Get-UalSystemId row in the same file".into(),
                            });
                            systems.insert(key, info);
                            fallback = fallback_server(options, &in_file, &systems);
                            // Contexts were worked out with the servers' versions and the
                            // fallback server as they were.
                            reader.forget();
                        }
                        Err(err) => reporter.bad_record(&err),
                    }
                    return Ok(());
                }
                let read = reader.read(rec, &slots, &systems, fallback.as_ref(), |context| {
                    engine.reach(context)
                });
                match read {
                    Ok(row) => {
                        named_rows += 1;
                        if row.context.server_from == ServerFrom::Fallback && !said {
                            said = true;
                            let f = fallback.as_ref().expect("used");
                            reporter.warning(
                                "ServerNameAssumed",
                                &format!("{path}: rows without PSComputerName (UAL read on the server itself) are taken as evidence of {} ({})", f.name, f.because),
                            );
                        }
                        for r in engine.add(&row, options.emit_evidence) {
                            sink.write(&r)?;
                        }
                    }
                    Err(err) if err.fatal => return Err(err.into()),
                    Err(err)
                        if named_rows == 0 && err.field.as_deref() == Some(NO_SERVER_FIELD) =>
                    {
                        return Err(err.fatal().into())
                    }
                    Err(err) => reporter.bad_record(&err),
                }
                Ok::<(), UalError>(())
            },
        )?;
        if !file_gaps.is_empty() {
            let name = if path == "-" {
                "<stdin>"
            } else {
                path.as_str()
            };
            reporter.warning(
                "EvidenceIncomplete",
                &format!(
                    "{name}: the UAL evidence is incomplete: no evidence from {}. The position covers only the servers that answered (EvidenceComplete False, ServersWithoutEvidence)",
                    file_gaps.join("; ")
                ),
            );
        }
    }
    let gaps = gaps.sorted();
    let missing: Vec<String> = gaps.iter().map(|g| g.computer_name.clone()).collect();

    engine.apply_system_versions(&systems);
    let (mut needs, all_kinds, by_family) = match settings.mode {
        Mode::Access => {
            let path = options
                .principals
                .as_deref()
                .ok_or(UalError::PrincipalsNeeded)?;
            let principals = load_all(path, options.date_order, reporter, read_principal)?;
            access_needs(&mut engine, &licenses, principals)
        }
        Mode::Usage => usage_needs(&engine),
    };

    // Which CAL type each product is counted in.
    let families: BTreeSet<Family> = all_kinds.keys().map(|(f, _)| *f).collect();
    let models: Models = families
        .iter()
        .map(|f| (*f, model(*f, &licenses)))
        .collect();
    // Principals of a product's other CAL type count only where no consuming principal of its
    // type was seen with them (a device with no counted user): item 8 of issue #24.
    needs.retain_mut(|n| {
        n.secondary = models[&n.family].0 != n.kind;
        !(n.secondary && engine.agg(n, &by_family).paired)
    });
    // Deterministic order: the product's own CAL type first, then the others; by principal
    // (name), then product, so a principal's suite seat is shared. Each need is one principal
    // and product, so the order is total.
    let (user_order, device_order) = (engine.users.order(), engine.devices.order());
    needs.sort_unstable_by_key(|n| {
        let order = match n.kind {
            PrincipalKind::User => &user_order,
            PrincipalKind::Device => &device_order,
        };
        (n.secondary, n.kind, order[n.principal as usize], n.family)
    });
    let hosts = hosts(&licenses, reporter);

    for at in engine.agg.unrecognized.values() {
        sink.write(&engine.agg.unrecognized_list[*at])?;
    }
    let mut positions = Positions::new();
    let mut notes = Notes::default();
    let remaining = allocate(
        &engine,
        &needs,
        &by_family,
        &licenses,
        &hosts,
        &models,
        &mut positions,
        &mut notes,
        sink,
    )?;
    suggest(&mut positions, &all_kinds, &models);
    let admins = Admins::of(&engine, reporter);
    assumptions(&mut positions, &notes, &engine.settings, &admins);

    let shortfall: u64 = positions.values().map(|p| p.shortfall).sum();
    let incomplete = reporter.incomplete_inputs();
    for p in positions.values_mut() {
        p.evidence_complete = missing.is_empty();
        p.servers_without_evidence = missing.clone();
        p.incomplete_inputs = incomplete.clone();
        sink.write(p)?;
    }
    for (i, l) in licenses.iter().enumerate() {
        sink.write(&CalLicenseUse {
            license: l.label(),
            product: l.product.name().into(),
            version: l.version,
            cal_type: l.cal_type,
            quantity: l.quantity,
            used: l.quantity - remaining[i],
            remaining: remaining[i],
            priority: l.priority,
            servers: l.servers.clone(),
        })?;
    }
    let mut summary = summary(&engine, options.as_of, &gaps);
    summary.incomplete_inputs = incomplete;
    sink.write(&summary)?;
    sink.footer(&footer(&missing))?;
    let all_before_window = match (engine.agg.newest_outside, engine.settings.window_start) {
        (Some(newest), Some(start)) if !engine.agg.any_inside => Some((newest, start)),
        _ => None,
    };
    Ok(Outcome {
        shortfall,
        servers_without_evidence: missing,
        all_before_window,
    })
}

/// The counting rules the options imply: per-core servers (from the options and from per-core
/// licence rows), the window, internal domains and exempt administrators.
fn settings(options: &ComplianceOptions, licenses: &[License]) -> Result<Settings, UalError> {
    let mut per_core = Vec::new();
    for (product, server) in &options.per_core_servers {
        let family = match product {
            Some(product) => Some(
                license_product(product)
                    .and_then(LicenseProduct::family)
                    .filter(|f| *f != Family::WindowsServer)
                    .ok_or_else(|| UalError::NotPerCoreProduct {
                        product: product.clone(),
                    })?,
            ),
            None => None,
        };
        per_core.push((family, server_key(server)));
    }
    // The reader refuses a per-core row of a suite or plan: each names one family.
    for l in licenses.iter().filter(|l| l.cal_type == CalType::PerCore) {
        for s in &l.servers {
            per_core.push((l.product.family(), s.clone()));
        }
    }
    if options.mode == Mode::Access && options.principals.is_none() {
        return Err(UalError::PrincipalsNeeded);
    }
    let admin_accounts = admin_accounts(&options.admin_accounts)?;
    Ok(Settings {
        mode: options.mode,
        window_start: (options.mode == Mode::Usage)
            .then(|| options.as_of - Duration::days(options.window_days as i64)),
        window_end: (options.mode == Mode::Usage).then_some(options.as_of),
        internal_domains: options
            .internal_domains
            .iter()
            .map(|d| d.trim().to_ascii_lowercase())
            .collect(),
        admin_accounts,
        per_core,
        azure: options
            .azure_servers
            .iter()
            .map(|s| server_key(s))
            .collect(),
    })
}

/// The administrator accounts named, as the evidence spells users (Windows account names are
/// case-insensitive: `CONTOSO\admin` and `contoso\Admin` are one account), each once; at most
/// [`MAX_ADMIN_ACCOUNTS`] distinct accounts, none empty.
fn admin_accounts(given: &[String]) -> Result<Vec<String>, UalError> {
    let mut accounts: Vec<String> = Vec::new();
    for a in given {
        let account = normalise_user(a);
        if account.is_empty() {
            return Err(UalError::EmptyAdminAccount);
        }
        if !accounts.contains(&account) {
            accounts.push(account);
        }
    }
    if accounts.len() > MAX_ADMIN_ACCOUNTS {
        return Err(UalError::TooManyAdminAccounts {
            count: accounts.len(),
        });
    }
    Ok(accounts)
}

/// The administrator accounts named: those the evidence shows (exempt) and those it does not.
struct Admins {
    seen: Vec<String>,
    absent: Vec<String>,
    /// Evidence rows not counted because an exempt administrator made them
    rows: u64,
}

impl Admins {
    /// Which named administrators the evidence (or the principals list) holds; a warning for each
    /// it does not, because a mistyped name would otherwise exempt nothing, silently.
    fn of(engine: &Engine, reporter: &mut impl Reporter) -> Admins {
        let (seen, absent): (Vec<String>, Vec<String>) = engine
            .settings
            .admin_accounts
            .iter()
            .cloned()
            .partition(|a| engine.users.by_name.contains_key(a.as_str()));
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
    fn assumptions(&self) -> Vec<String> {
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

/// The needs of each principal, as consecutive ranges (needs are sorted by principal within
/// each CAL type), named by the principal.
fn principal_groups(needs: &[Need]) -> Vec<((PrincipalKind, u32), std::ops::Range<usize>)> {
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
type KindCounts = BTreeMap<(Family, PrincipalKind), u64>;

/// Access mode: every listed principal needs every product in scope (evidence only says which
/// products and servers are in scope).
fn access_needs(
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
fn usage_needs(engine: &Engine) -> (Vec<Need>, KindCounts, FamilyAggs) {
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

/// What the allocation notes beside the counts: each position's assumptions, which positions
/// count principals of the product's other CAL type (see [`Need::secondary`]), and for External
/// Connector positions short, the external users whose CALs would do instead.
#[derive(Default)]
struct Notes {
    assumptions: BTreeMap<PositionKey, Vec<String>>,
    /// Positions of a product's other CAL type: how many of their principals are counted there
    /// for that reason, and how many of those drew a licence.
    secondary: BTreeMap<PositionKey, (u64, u64)>,
    /// External Connector positions short: the external users (product, user) of the servers
    /// left without one.
    ec_short: BTreeMap<PositionKey, BTreeSet<(Family, String)>>,
}

impl Notes {
    fn assume(&mut self, key: &PositionKey, text: String) {
        let list = self.assumptions.entry(key.clone()).or_default();
        if !list.contains(&text) {
            list.push(text);
        }
    }
}

/// The physical server each server (OSE) runs on, by key, from the ExternalConnector licence rows
/// that name a `Host`: (host key, host as written). A server under two hosts is taken as on the
/// first, and said.
type Hosts = BTreeMap<String, (String, String)>;

fn hosts(licenses: &[License], reporter: &mut impl Reporter) -> Hosts {
    let mut hosts = Hosts::new();
    for l in licenses {
        let Some((key, name)) = &l.host else { continue };
        for s in &l.servers {
            match hosts.get(s) {
                Some((k, first)) if k != key => reporter.warning(
                    "ServerOnTwoHosts",
                    &format!("{s} is listed on the External Connector rows of two hosts ({first} and {name}, licence row {}): taken as running on {first}", l.row),
                ),
                Some(_) => {}
                None => {
                    hosts.insert(s.clone(), (key.clone(), name.clone()));
                }
            }
        }
    }
    hosts
}

/// One physical server external users reached, for one product: what one External Connector
/// would cover.
struct ConnectorNeed {
    /// The host as the licence row writes it, or the server's name (not mapped to a host).
    name: String,
    /// An ExternalConnector row names this host (else the server is taken as physical).
    mapped: bool,
    servers: ServerSet,
    keys: Vec<String>,
    users: BTreeSet<String>,
    version: u16,
}

/// Draws a licence for every need (those of the product's CAL type first, then the others), then
/// covers external users: one External Connector per physical server and product, or spare CALs
/// for those users instead. Writes each consumption as it is decided (a principal's server list
/// can run to hundreds of names, so holding them all would make memory grow with principals ×
/// servers) and folds it into `positions`. Returns the seats left per licence row.
#[allow(clippy::too_many_arguments)]
fn allocate(
    engine: &Engine,
    needs: &[Need],
    by_family: &FamilyAggs,
    licenses: &[License],
    hosts: &Hosts,
    models: &Models,
    positions: &mut Positions,
    notes: &mut Notes,
    sink: &mut impl RecordSink,
) -> Result<Vec<u64>, UalError> {
    // The servers each position's consumptions reached, as server ids (named once, at the end).
    let mut reached: BTreeMap<PositionKey, Vec<u64>> = BTreeMap::new();
    let mut emit =
        |c: CalConsumption, servers: &[u64], assumed: bool| -> Result<PositionKey, UalError> {
            let key = tally(positions, &c, assumed, licenses, models);
            let bits = reached.entry(key.clone()).or_default();
            if bits.len() < servers.len() {
                bits.resize(servers.len(), 0);
            }
            for (b, s) in bits.iter_mut().zip(servers) {
                *b |= s;
            }
            sink.write(&c)?;
            Ok(key)
        };
    let mut remaining: Vec<u64> = licenses.iter().map(|l| l.quantity).collect();
    let labels: Vec<String> = licenses.iter().map(License::label).collect();
    // Each server's place among the server names, ignoring ASCII case (a consumption lists its
    // servers in that order).
    let server_order = engine.servers.order();
    let mut ids: Vec<u32> = Vec::new();
    let mut lists: FastMap<ServerSet, ServerList> = FastMap::default();
    // One list per set of servers reached, named in order once.
    let mut list_of = |set: &ServerSet| -> ServerList {
        if let Some(list) = lists.get(set.as_slice()) {
            return list.clone();
        }
        ids.clear();
        ids.extend(PrincipalAgg::ids(set));
        ids.sort_unstable_by_key(|s| server_order[*s as usize]);
        let list = ServerList::new(
            ids.iter()
                .map(|s| engine.servers.names[*s as usize].clone())
                .collect(),
        );
        lists.insert(set.clone(), list.clone());
        list
    };
    let restricted_to = |l: &License, servers: &ServerSet| {
        l.servers.is_empty()
            || PrincipalAgg::ids(servers).all(|s| {
                let key = &engine.servers.keys[s as usize];
                l.servers.iter().any(|x| x == key)
            })
    };
    let fits = |n: usize, l: &License| {
        let need = &needs[n];
        let agg = engine.agg(need, by_family);
        l.cal_type == need.kind.cal_type()
            && l.covers(need.family)
            && l.covers_version(agg.version)
            && restricted_to(l, &agg.servers)
    };
    let choices = choose(licenses, &mut remaining, &principal_groups(needs), fits);
    for (need, chosen) in needs.iter().zip(choices) {
        let agg = engine.agg(need, by_family);
        let principal = match need.kind {
            PrincipalKind::User => engine.users.name(need.principal),
            PrincipalKind::Device => engine.devices.name(need.principal),
        };
        let assumed = need.secondary && chosen.is_none();
        let detail = if assumed {
            Some(match need.kind {
                PrincipalKind::Device => "no counted user was seen on this device and no Device CAL fits: taken as used only by people who hold User CALs; if others use it, it needs a Device CAL".to_string(),
                PrincipalKind::User => "this user was seen on no counted device and no User CAL fits: taken as working only from devices that hold Device CALs; if not, the user needs a User CAL".to_string(),
            })
        } else if need.kind == PrincipalKind::User
            && external_route(need.family, None) == ExternalRoute::Cal
            && engine
                .users
                .by_name
                .get(principal)
                .is_some_and(|p| p.external)
        {
            Some(format!("user outside the internal domains: {} has no External Connector, so external users need {} CALs (or the server licensed per core)", need.family, need.family))
        } else {
            None
        };
        let key = emit(
            CalConsumption {
                product: need.family,
                cal_type: need.kind.cal_type(),
                version: (agg.version > 0).then_some(agg.version),
                principal: principal.to_string(),
                servers: list_of(&agg.servers),
                first_seen: agg.first,
                last_seen: agg.last,
                license: chosen.map(|i| labels[i].clone()),
                covered: chosen.is_some(),
                detail,
            },
            &agg.servers,
            assumed,
        )?;
        if need.secondary {
            let counts = notes.secondary.entry(key.clone()).or_default();
            counts.0 += 1;
            counts.1 += u64::from(chosen.is_some());
        }
        if let Some(text) = chosen.and_then(|i| licenses[i].assumption(need.family)) {
            notes.assume(&key, text);
        }
    }

    // External users: one External Connector per physical server (and product) they reached,
    // or a CAL for each of them instead, whichever the licences hold.
    let mut connectors: BTreeMap<(Family, String), ConnectorNeed> = BTreeMap::new();
    // Each external user's servers and the CAL version they need, per product.
    let mut external_users: BTreeMap<(Family, &str), (ServerSet, u16)> = BTreeMap::new();
    for ((family, server), (users, version)) in &engine.agg.external {
        let key = &engine.servers.keys[*server as usize];
        let (host, name, mapped) = match hosts.get(key) {
            Some((host, name)) => (host.clone(), name.clone(), true),
            None => (
                key.clone(),
                engine.servers.names[*server as usize].to_string(),
                false,
            ),
        };
        let c = connectors
            .entry((*family, host))
            .or_insert_with(|| ConnectorNeed {
                name,
                mapped,
                servers: ServerSet::new(),
                keys: Vec::new(),
                users: BTreeSet::new(),
                version: 0,
            });
        add_server(&mut c.servers, *server);
        c.keys.push(key.clone());
        c.users.extend(users.iter().cloned());
        c.version = c.version.max(*version);
        for u in users {
            let x = external_users.entry((*family, u.as_str())).or_default();
            add_server(&mut x.0, *server);
            x.1 = x.1.max(*version);
        }
    }
    // A CAL an external user takes instead of an External Connector: a CAL licence (not a
    // subscription plan, which is assigned to the organisation's own users) of the product.
    let cal_fits = |l: &License, family: Family, (servers, version): &(ServerSet, u16)| {
        l.cal_type == CalType::User
            && !l.product.is_online_plan()
            && l.covers(family)
            && l.covers_version(*version)
            && restricted_to(l, servers)
    };
    // External users covered by a CAL already (from an earlier server's choice).
    let mut with_cal: BTreeSet<(Family, String)> = BTreeSet::new();
    for (&(family, _), need) in &connectors {
        let listed: Vec<&str> = need.users.iter().take(5).map(String::as_str).collect();
        let who = format!(
            "{} external user(s): {}{}",
            need.users.len(),
            listed.join(", "),
            if need.users.len() > listed.len() {
                ", …"
            } else {
                ""
            }
        );
        let mut server_ids: Vec<u32> = PrincipalAgg::ids(&need.servers).collect();
        server_ids.sort_unstable_by_key(|s| server_order[*s as usize]);
        let server_names: Vec<&str> = server_ids
            .iter()
            .map(|s| &*engine.servers.names[*s as usize])
            .collect();
        let list = list_of(&need.servers);
        let physical = if need.mapped {
            format!(
                "one External Connector for the physical server {}, which runs {}",
                need.name,
                server_names.join(", ")
            )
        } else {
            format!(
                "{} taken as a physical server of its own (no ExternalConnector licence row names its Host)",
                need.name
            )
        };
        let version = need.version;
        let ec = draw(licenses, &mut remaining, |l| {
            l.cal_type == CalType::ExternalConnector
                && l.product == LicenseProduct::Family(family)
                && l.covers_version(version)
                && (l.servers.is_empty() || need.keys.iter().all(|k| l.servers.contains(k)))
        });
        let connector = |license: Option<usize>, detail: String| CalConsumption {
            product: family,
            cal_type: CalType::ExternalConnector,
            version: (version > 0).then_some(version),
            principal: need.name.clone(),
            servers: list.clone(),
            first_seen: None,
            last_seen: None,
            license: license.map(|i| labels[i].clone()),
            covered: license.is_some(),
            detail: Some(detail),
        };
        let mut ec_notes: Vec<String> = Vec::new();
        if !need.mapped {
            ec_notes.push("each server external users reached is taken as a physical server of its own unless an ExternalConnector licence row names the Host it runs on: one External Connector covers every virtual machine on its physical server".into());
        }
        if family == Family::Skype && version == 0 {
            ec_notes.push("Skype for Business / Lync Server version unknown: taken as older than Lync Server 2013 (whose server licence includes external users, so that no External Connector is needed)".into());
        }
        if let Some(i) = ec {
            let key = emit(
                connector(
                    Some(i),
                    format!("{who}; {physical}; CALs for these users would do instead (an External Connector is an alternative to CALs, not an addition)"),
                ),
                &need.servers,
                false,
            )?;
            for text in ec_notes.into_iter().chain(licenses[i].assumption(family)) {
                notes.assume(&key, text);
            }
            continue;
        }
        // No External Connector fits: spare CALs for these users instead, if each can have one.
        let mut taken: Vec<(&str, usize)> = Vec::new();
        let mut short = 0u64;
        for u in &need.users {
            if with_cal.contains(&(family, u.clone())) {
                continue;
            }
            let x = &external_users[&(family, u.as_str())];
            match draw(licenses, &mut remaining, |l| cal_fits(l, family, x)) {
                Some(i) => taken.push((u.as_str(), i)),
                None => short += 1,
            }
        }
        if short == 0 {
            for (u, i) in taken {
                with_cal.insert((family, u.to_string()));
                let (servers, v) = &external_users[&(family, u)];
                let key = emit(
                    CalConsumption {
                        product: family,
                        cal_type: CalType::User,
                        version: (*v > 0).then_some(*v),
                        principal: u.to_string(),
                        servers: list_of(servers),
                        first_seen: None,
                        last_seen: None,
                        license: Some(labels[i].clone()),
                        covered: true,
                        detail: Some(format!("user outside the internal domains: a spare CAL covers this user, so {} needs no {family} External Connector (an External Connector is an alternative to CALs, not an addition)", need.name)),
                    },
                    servers,
                    false,
                )?;
                notes.assume(&key, format!("external users (outside the internal domains) take CALs that were spare instead of a {family} External Connector: either licenses their access, so no External Connector is needed on top"));
                if let Some(text) = licenses[i].assumption(family) {
                    notes.assume(&key, text);
                }
            }
            continue;
        }
        for (_, i) in &taken {
            remaining[*i] += 1;
        }
        let cals = taken.len() as u64 + short;
        let key = emit(
            connector(
                None,
                format!(
                    "{who}; {physical}; no External Connector owned fits: buy one, or CALs for these users instead: {cals} needed, {} spare, {short} to buy",
                    taken.len()
                ),
            ),
            &need.servers,
            false,
        )?;
        for text in ec_notes {
            notes.assume(&key, text);
        }
        let short_users = notes.ec_short.entry(key).or_default();
        for u in &need.users {
            if !with_cal.contains(&(family, u.clone())) {
                short_users.insert((family, u.clone()));
            }
        }
    }
    // For each External Connector position short: how many of its external users spare CALs
    // would cover, all of them at once.
    for (key, users) in &notes.ec_short {
        let mut taken = Vec::new();
        for &(family, ref u) in users {
            if let Some(x) = external_users.get(&(family, u.as_str())) {
                if let Some(i) = draw(licenses, &mut remaining, |l| cal_fits(l, family, x)) {
                    taken.push(i);
                }
            }
        }
        for i in &taken {
            remaining[*i] += 1;
        }
        let p = positions.get_mut(key).expect("tallied");
        let (n, spare) = (users.len(), taken.len());
        p.suggestion = Some(format!(
            "{} External Connector(s) short, or CALs for the {n} external user(s) instead ({spare} spare, {} to buy); an External Connector is an alternative to CALs for external users, not an addition",
            p.shortfall,
            n - spare
        ));
    }
    for (key, bits) in reached {
        let p = positions.get_mut(&key).expect("tallied");
        p.servers = PrincipalAgg::ids(&bits)
            .map(|s| engine.servers.names[s as usize].to_string())
            .collect();
        p.servers.sort();
        p.servers.dedup();
    }
    Ok(remaining)
}

/// Where the other CAL type would need fewer licences, say so (on the lines of the CAL type each
/// product is counted in).
fn suggest(positions: &mut Positions, all_kinds: &KindCounts, models: &Models) {
    for p in positions.values_mut() {
        // A product that is no family has no CAL model to compare the other CAL type with.
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
fn assumptions(positions: &mut Positions, notes: &Notes, settings: &Settings, admins: &Admins) {
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

fn summary(engine: &Engine, as_of: DateTime<Utc>, gaps: &[GapInfo]) -> UalEvidenceSummary {
    let agg = &engine.agg;
    UalEvidenceSummary {
        mode: engine.settings.mode,
        window_start: engine.settings.window_start,
        as_of,
        rows: agg.rows,
        counted: agg.counted,
        external: agg.external_count,
        unrecognized_rows: agg.unrecognized_rows,
        overview_rows: agg.overview_rows,
        excluded: agg
            .excluded
            .iter()
            .map(|(r, c)| ExclusionCount {
                reason: r.to_string(),
                count: *c,
            })
            .collect(),
        ipv6_device_addresses: agg.ipv6.len() as u64,
        servers: engine.servers.names.iter().map(|n| n.to_string()).collect(),
        evidence_complete: gaps.is_empty(),
        servers_without_evidence: gaps.iter().map(|g| g.computer_name.clone()).collect(),
        evidence_gaps: gaps
            .iter()
            .map(|g| EvidenceGap {
                computer_name: g.computer_name.clone(),
                query: g.query.clone(),
                reason: g.reason.clone(),
            })
            .collect(),
        incomplete_inputs: Vec::new(),
    }
}

/// The line under a table: which servers gave no evidence. (The positions are the CalCompliance
/// table itself, AssumedCovered included: printed once.)
fn footer(missing: &[String]) -> Vec<String> {
    if missing.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "evidence incomplete: no evidence from {}",
        missing.join(", ")
    )]
}

/// Folds one consumption into the compliance position of its product, CAL type and version
/// (all but the servers, which the caller gathers); gives the position's key.
fn tally(
    positions: &mut Positions,
    c: &CalConsumption,
    assumed: bool,
    licenses: &[License],
    models: &Models,
) -> PositionKey {
    let key = (c.product, c.cal_type, c.version);
    let p = positions.entry(key.clone()).or_insert_with(|| {
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

/// A `--principals` row: a user (UserName, Principal, UserPrincipalName, or Domain + SamAccountName)
/// or a device (IPAddress, ComputerName, DNSHostName); `Type` may say which.
pub fn read_principal(r: &Record) -> Result<(PrincipalKind, String), InputError> {
    let kind_hint = r.opt_str("Type")?.map(|t| t.to_ascii_lowercase());
    for p in ["UserName", "Principal", "UserPrincipalName"] {
        if let Some(v) = r.opt_str(p)? {
            let device = kind_hint.as_deref() == Some("device");
            return Ok(if device {
                (PrincipalKind::Device, v.trim().to_ascii_lowercase())
            } else {
                (PrincipalKind::User, normalise_user(&v))
            });
        }
    }
    if let (Some(d), Some(s)) = (r.opt_str("Domain")?, r.opt_str("SamAccountName")?) {
        return Ok((PrincipalKind::User, normalise_user(&format!("{d}\\{s}"))));
    }
    for p in ["ComputerName", "DNSHostName", "IPAddress"] {
        if let Some(v) = r.opt_str(p)? {
            return Ok((PrincipalKind::Device, v.trim().to_ascii_lowercase()));
        }
    }
    Err(r.record_error("names no principal: give UserName (domain\\user), Domain + SamAccountName, ComputerName or IPAddress"))
}

/// A note of a server whose evidence is missing, read among the evidence (any format: JSON,
/// CLIXML, CSV; what Get-UalCalEvidence emits as LicenseAudit.UalEvidenceGap).
#[derive(schemars::JsonSchema)]
#[allow(non_snake_case, dead_code)]
pub struct UalEvidenceGapInput {
    /// UalEvidenceGap: what makes the row a note, not evidence (a CLIXML object of type
    /// LicenseAudit.UalEvidenceGap is one too)
    RecordType: String,
    /// The server whose evidence is missing (or PSComputerName)
    ComputerName: String,
    /// The command that failed there: New-CimSession, Get-UalUserAccess, ...
    Query: Option<String>,
    /// Why (the error's message)
    Reason: Option<String>,
}

/// A `--principals` row.
#[derive(schemars::JsonSchema)]
#[allow(non_snake_case, dead_code)]
pub struct UalPrincipalInput {
    /// domain\user
    UserName: Option<String>,
    Domain: Option<String>,
    SamAccountName: Option<String>,
    ComputerName: Option<String>,
    IPAddress: Option<String>,
    /// User or Device
    Type: Option<String>,
}
