//! `ual compliance`: evidence → one CAL per principal per product family → licences drawn in
//! priority order → compliance position.

use super::allocation::draw;
use super::evidence::{
    exclusion, normalise_user, server_key, user_domain, Evidence, FallbackServer, PrincipalKind,
    ServerFrom, SystemInfo, Systems, NO_SERVER_FIELD,
};
use super::licenses::{CalType, License};
use super::records::*;
use super::roles::{product_family, suite_members, WINDOWS_SERVER};
use crate::ingest::{load_all, stream_each, Record};
use crate::model::server_cal::{ConsumptionMode as Mode, EvidenceStatus};
use crate::model::{InputError, RecordSink, Reporter};
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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
    /// Administrator accounts exempt from CALs (domain\user)
    pub admin_accounts: Vec<String>,
    /// Also write every evidence row, normalised (UalEvidence)
    pub emit_evidence: bool,
}

/// How the compliance position came out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Outcome {
    /// CALs required but not covered by any licence.
    pub shortfall: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum UalError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    /// A per-core exemption names a product that is not licensed per core instead of CALs.
    #[error("'{product}' is not a product licensed per core instead of CALs (e.g. SQL Server)")]
    NotPerCoreProduct { product: String },
    /// Access mode counts the principals in scope, so they must be given.
    #[error("access mode needs the principals in scope (every user or device)")]
    PrincipalsNeeded,
}

/// A map looked up once per evidence row: a fast hasher, randomly seeded so a crafted file
/// cannot aim collisions at it. Nothing iterates one without sorting.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Servers seen, interned so per-principal server sets are bitsets.
#[derive(Default)]
struct Servers {
    names: Vec<String>,
    keys: Vec<String>,
    index: FastMap<String, u32>,
}

impl Servers {
    fn intern(&mut self, key: &str, display: &str) -> u32 {
        if let Some(i) = self.index.get(key) {
            return *i;
        }
        let i = self.names.len() as u32;
        self.names.push(display.to_string());
        self.keys.push(key.to_string());
        self.index.insert(key.to_string(), i);
        i
    }
}

#[derive(Default, Clone)]
struct PrincipalAgg {
    servers: Vec<u64>,
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
    /// Newest product version accessed (0: unknown).
    version: u16,
}

impl PrincipalAgg {
    fn add(
        &mut self,
        server: u32,
        first: Option<DateTime<Utc>>,
        last: Option<DateTime<Utc>>,
        version: Option<u16>,
    ) {
        let (w, b) = ((server / 64) as usize, server % 64);
        if self.servers.len() <= w {
            self.servers.resize(w + 1, 0);
        }
        self.servers[w] |= 1 << b;
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
        self.servers.iter().enumerate().flat_map(|(w, bits)| {
            (0..64)
                .filter(move |b| bits & (1 << b) != 0)
                .map(move |b| (w * 64 + b) as u32)
        })
    }
}

#[derive(Default)]
struct Aggregates {
    principals: BTreeMap<(&'static str, PrincipalKind), FastMap<String, PrincipalAgg>>,
    external: BTreeMap<(&'static str, u32), (BTreeSet<String>, u16)>,
    unrecognized: BTreeMap<(String, &'static str, String, String, String), UnrecognizedEvidence>,
    /// Newest version seen per product family and server.
    versions: BTreeMap<(&'static str, u32), u16>,
    excluded: BTreeMap<&'static str, u64>,
    ipv6: HashSet<String>,
    rows: u64,
    counted: u64,
    external_count: u64,
    unrecognized_rows: u64,
    overview_rows: u64,
}

pub struct Settings {
    pub mode: Mode,
    pub window_start: Option<DateTime<Utc>>,
    pub internal_domains: Vec<String>,
    pub admin_accounts: Vec<String>,
    /// (product family or None for every product but Windows Server, server key)
    pub per_core: Vec<(Option<&'static str>, String)>,
}

impl Settings {
    fn is_per_core(&self, family: &str, server: &str) -> bool {
        family != WINDOWS_SERVER
            && self
                .per_core
                .iter()
                .any(|(f, s)| f.is_none_or(|f| f == family) && s == server)
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
    agg: Aggregates,
}

impl Engine<'_> {
    /// Adds one evidence row; returns the normalised records for --emit-evidence.
    fn add(&mut self, e: &Evidence, emit: bool) -> Vec<UalEvidence> {
        self.agg.rows += 1;
        let mut out = Vec::new();
        let server = self.servers.intern(&e.server_key, &e.server);
        if !e.recognized {
            self.agg.unrecognized_rows += 1;
            let key = (
                e.server_key.clone(),
                e.source,
                e.role_guid.clone().unwrap_or_default().to_ascii_uppercase(),
                e.role_name.clone().unwrap_or_default(),
                e.product_name.clone().unwrap_or_default(),
            );
            let u = self
                .agg
                .unrecognized
                .entry(key)
                .or_insert_with(|| UnrecognizedEvidence {
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
            u.rows += 1;
            u.first_seen = [u.first_seen, e.first_seen].into_iter().flatten().min();
            u.last_seen = [u.last_seen, e.last_seen].into_iter().flatten().max();
            if u.sample_principal.is_none() {
                u.sample_principal = e
                    .user
                    .clone()
                    .filter(|s| !s.is_empty())
                    .or(e.device.clone());
            }
            return out;
        }
        for (family, version) in &e.products {
            let v = self.agg.versions.entry((family, server)).or_insert(0);
            *v = (*v).max(version.unwrap_or(0));
        }
        if e.source == "Get-UalOverview" {
            self.agg.overview_rows += 1;
            return out;
        }
        let outside = match (self.settings.mode, self.settings.window_start, e.last_seen) {
            (Mode::Usage, Some(start), Some(last)) => last < start,
            _ => false,
        };
        let principals = [
            (PrincipalKind::User, &e.user),
            (PrincipalKind::Device, &e.device),
        ];
        // A daily-access row names a user and a device: it is one row of evidence, counted once.
        let (mut row_counted, mut row_external) = (false, false);
        for (kind, name) in principals {
            let Some(name) = name else { continue };
            let mut record = |status: EvidenceStatus, reason: Option<&str>| {
                if emit {
                    out.push(UalEvidence {
                        server: e.server.clone(),
                        source: e.source.into(),
                        products: e.products.iter().map(|(f, _)| f.to_string()).collect(),
                        role_name: e.role_name.clone(),
                        role_guid: e.role_guid.clone(),
                        principal_type: kind,
                        principal: name.clone(),
                        first_seen: e.first_seen,
                        last_seen: e.last_seen,
                        access_count: e.count,
                        status,
                        reason: reason.map(str::to_string),
                    });
                }
            };
            if let Some(reason) = exclusion(kind, name, &self.settings.admin_accounts) {
                *self.agg.excluded.entry(reason).or_default() += 1;
                if reason == "Ipv6Device" {
                    self.agg.ipv6.insert(name.clone());
                }
                record(EvidenceStatus::Excluded, Some(reason));
                continue;
            }
            if outside {
                *self.agg.excluded.entry("OutsideWindow").or_default() += 1;
                record(EvidenceStatus::Excluded, Some("OutsideWindow"));
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
            let external = kind == PrincipalKind::User && self.settings.is_external(name);
            let mut counted_any = false;
            for (family, version) in &e.products {
                if self.settings.is_per_core(family, &e.server_key) {
                    *self.agg.excluded.entry("PerCoreServer").or_default() += 1;
                    continue;
                }
                if external {
                    let x = self.agg.external.entry((family, server)).or_default();
                    x.0.insert(name.clone());
                    x.1 = x.1.max(version.unwrap_or(0));
                    continue;
                }
                counted_any = true;
                let map = self.agg.principals.entry((family, kind)).or_default();
                match map.get_mut(name.as_str()) {
                    Some(a) => a.add(server, e.first_seen, e.last_seen, *version),
                    None => {
                        let mut a = PrincipalAgg::default();
                        a.add(server, e.first_seen, e.last_seen, *version);
                        map.insert(name.clone(), a);
                    }
                }
            }
            if external {
                row_external = true;
                record(
                    EvidenceStatus::External,
                    Some("user outside the internal domains: counts toward an External Connector"),
                );
            } else if counted_any {
                row_counted = true;
                record(
                    EvidenceStatus::Counted,
                    e.implied_windows
                        .then_some("Windows Server evidence implied: the server has no UAL"),
                );
            } else {
                record(EvidenceStatus::Excluded, Some("PerCoreServer"));
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
        let os: HashMap<u32, u16> = systems
            .by_key
            .iter()
            .filter_map(|(key, s)| Some((*self.servers.index.get(key)?, s.windows_year?)))
            .collect();
        if os.is_empty() {
            return;
        }
        for ((family, server), v) in self.agg.versions.iter_mut() {
            if *family == WINDOWS_SERVER {
                *v = (*v).max(os.get(server).copied().unwrap_or(0));
            }
        }
        for ((family, _), map) in self.agg.principals.iter_mut() {
            if *family != WINDOWS_SERVER {
                continue;
            }
            for agg in map.values_mut() {
                let newest = agg.server_ids().filter_map(|s| os.get(&s)).max().copied();
                agg.version = agg.version.max(newest.unwrap_or(0));
            }
        }
        for ((family, server), (_, v)) in self.agg.external.iter_mut() {
            if *family == WINDOWS_SERVER {
                *v = (*v).max(os.get(server).copied().unwrap_or(0));
            }
        }
    }
}

/// One principal's need for one product family.
struct Need {
    family: &'static str,
    kind: PrincipalKind,
    principal: String,
    agg: PrincipalAgg,
}

/// The CAL type a product is counted in: the type its licences (direct or via a suite) hold.
fn model(family: &str, licenses: &[License]) -> (PrincipalKind, String) {
    let holds = |t: CalType| licenses.iter().any(|l| l.cal_type == t && l.covers(family));
    match (holds(CalType::User), holds(CalType::Device)) {
        (true, _) => (PrincipalKind::User, "licences hold User CALs".into()),
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

/// Compliance positions by product, CAL type and version (sorted: the output order).
type Positions = BTreeMap<(String, CalType, Option<u16>), CalCompliance>;

/// `ual compliance`: evidence → one CAL per principal and product family → licences drawn in
/// priority order → one compliance position per product, CAL type and version.
pub fn run(
    options: &ComplianceOptions,
    sink: &mut impl RecordSink,
    reporter: &mut impl Reporter,
) -> Result<Outcome, UalError> {
    let mut systems = Systems::default();
    if let Some(p) = &options.systems {
        for (key, info) in load_all(p, reporter, SystemInfo::read)? {
            systems.insert(key, info);
        }
    }
    let licenses: Vec<License> = match &options.licenses {
        Some(p) => load_all(p, reporter, License::read)?,
        None => Vec::new(),
    };
    let settings = settings(options, &licenses)?;
    let mut engine = Engine {
        settings: &settings,
        servers: Servers::default(),
        agg: Aggregates::default(),
    };
    for (key, s) in &systems.by_key {
        engine.servers.intern(key, &s.name);
    }
    for path in &options.evidence {
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
        stream_each(
            path,
            Some(Evidence::PROPERTIES),
            "Reading access evidence",
            reporter,
            |reporter, mut rec| {
                if SystemInfo::is_system_row(&rec) {
                    match SystemInfo::read(&rec) {
                        Ok((key, info)) => {
                            engine.servers.intern(&key, &info.name);
                            in_file = Some(FallbackServer {
                                name: info.name.clone(),
                                because: "the Get-UalSystemId row in the same file".into(),
                            });
                            systems.insert(key, info);
                            fallback = fallback_server(options, &in_file, &systems);
                        }
                        Err(err) => reporter.bad_record(&err),
                    }
                    return Ok(());
                }
                match Evidence::read(&mut rec, &systems, fallback.as_ref()) {
                    Ok(e) => {
                        named_rows += 1;
                        if e.server_from == ServerFrom::Fallback && !said {
                            said = true;
                            let f = fallback.as_ref().expect("used");
                            reporter.warning(
                                "ServerNameAssumed",
                                &format!("{path}: rows without PSComputerName (UAL read on the server itself) are taken as evidence of {} ({})", f.name, f.because),
                            );
                        }
                        for r in engine.add(&e, options.emit_evidence) {
                            sink.write(&r)?;
                        }
                    }
                    Err(err) if err.fatal => return Err(UalError::Input(err)),
                    Err(err)
                        if named_rows == 0 && err.field.as_deref() == Some(NO_SERVER_FIELD) =>
                    {
                        return Err(UalError::Input(err.fatal()))
                    }
                    Err(err) => reporter.bad_record(&err),
                }
                Ok::<(), UalError>(())
            },
        )?;
    }

    engine.apply_system_versions(&systems);
    let (mut needs, all_kinds) = match settings.mode {
        Mode::Access => {
            let path = options
                .principals
                .as_deref()
                .ok_or(UalError::PrincipalsNeeded)?;
            let principals = load_all(path, reporter, read_principal)?;
            access_needs(&mut engine, &licenses, principals)
        }
        Mode::Usage => usage_needs(&mut engine),
    };

    // Which CAL type each product is counted in.
    let families: BTreeSet<&'static str> = all_kinds.keys().map(|(f, _)| *f).collect();
    let models: BTreeMap<&'static str, (PrincipalKind, String)> =
        families.iter().map(|f| (*f, model(f, &licenses))).collect();
    needs.retain(|n| models[n.family].0 == n.kind);
    // Deterministic order: by principal, then product, so a principal's suite seat is shared.
    needs.sort_by(|a, b| (a.kind, &a.principal, a.family).cmp(&(b.kind, &b.principal, b.family)));

    for u in engine.agg.unrecognized.values() {
        sink.write(u)?;
    }
    let mut positions = Positions::new();
    let remaining = allocate(&engine, &needs, &licenses, &models, &mut positions, sink)?;
    suggest(&mut positions, &all_kinds);

    let shortfall: u64 = positions.values().map(|p| p.shortfall).sum();
    for p in positions.values() {
        sink.write(p)?;
    }
    for (i, l) in licenses.iter().enumerate() {
        sink.write(&CalLicenseUse {
            license: l.label(),
            product: l.product.into(),
            version: l.version,
            cal_type: l.cal_type,
            quantity: l.quantity,
            used: l.quantity - remaining[i],
            remaining: remaining[i],
            priority: l.priority,
            servers: l.servers.clone(),
        })?;
    }
    sink.write(&summary(&engine, options.as_of))?;
    sink.footer(&footer(&positions))?;
    Ok(Outcome { shortfall })
}

/// The counting rules the options imply: per-core servers (from the options and from per-core
/// licence rows), the window, internal domains and exempt administrators.
fn settings(options: &ComplianceOptions, licenses: &[License]) -> Result<Settings, UalError> {
    let mut per_core = Vec::new();
    for (product, server) in &options.per_core_servers {
        let family = match product {
            Some(product) => Some(
                product_family(product)
                    .filter(|f| *f != WINDOWS_SERVER && !f.contains("Suite"))
                    .ok_or_else(|| UalError::NotPerCoreProduct {
                        product: product.clone(),
                    })?,
            ),
            None => None,
        };
        per_core.push((family, server_key(server)));
    }
    for l in licenses.iter().filter(|l| l.cal_type == CalType::PerCore) {
        for s in &l.servers {
            per_core.push((Some(l.product), s.clone()));
        }
    }
    if options.mode == Mode::Access && options.principals.is_none() {
        return Err(UalError::PrincipalsNeeded);
    }
    Ok(Settings {
        mode: options.mode,
        window_start: (options.mode == Mode::Usage)
            .then(|| options.as_of - Duration::days(options.window_days as i64)),
        internal_domains: options
            .internal_domains
            .iter()
            .map(|d| d.trim().to_ascii_lowercase())
            .collect(),
        admin_accounts: options
            .admin_accounts
            .iter()
            .map(|a| normalise_user(a))
            .collect(),
        per_core,
    })
}

/// Principals counted per product family and CAL kind.
type KindCounts = BTreeMap<(&'static str, PrincipalKind), u64>;

/// Access mode: every listed principal needs every product in scope (evidence only says which
/// products and servers are in scope).
fn access_needs(
    engine: &mut Engine,
    licenses: &[License],
    principals: Vec<(PrincipalKind, String)>,
) -> (Vec<Need>, KindCounts) {
    let settings = engine.settings;
    let mut needs = Vec::new();
    let mut all_kinds = KindCounts::new();
    let mut families: BTreeSet<&'static str> =
        engine.agg.versions.keys().map(|(f, _)| *f).collect();
    for l in licenses
        .iter()
        .filter(|l| matches!(l.cal_type, CalType::User | CalType::Device))
    {
        families.extend(suite_members(l.product).iter().copied());
        if suite_members(l.product).is_empty() {
            families.insert(l.product);
        }
    }
    let mut seen = HashSet::new();
    for (kind, name) in principals {
        if !seen.insert((kind, name.clone())) {
            continue;
        }
        if let Some(reason) = exclusion(kind, &name, &settings.admin_accounts) {
            *engine.agg.excluded.entry(reason).or_default() += 1;
            continue;
        }
        if kind == PrincipalKind::User && settings.is_external(&name) {
            engine.agg.external_count += 1;
            continue;
        }
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
                    .all(|s| settings.is_per_core(family, &engine.servers.keys[*s as usize]))
            {
                continue;
            }
            let mut agg = PrincipalAgg::default();
            for s in &servers {
                agg.add(
                    *s,
                    None,
                    None,
                    engine.agg.versions.get(&(family, *s)).copied(),
                );
            }
            *all_kinds.entry((family, kind)).or_default() += 1;
            needs.push(Need {
                family,
                kind,
                principal: name.clone(),
                agg,
            });
        }
    }
    (needs, all_kinds)
}

/// Usage mode: each principal with evidence in the window needs the products it reached.
fn usage_needs(engine: &mut Engine) -> (Vec<Need>, KindCounts) {
    let mut needs = Vec::new();
    let mut all_kinds = KindCounts::new();
    for ((family, kind), map) in std::mem::take(&mut engine.agg.principals) {
        all_kinds.insert((family, kind), map.len() as u64);
        for (principal, agg) in map {
            needs.push(Need {
                family,
                kind,
                principal,
                agg,
            });
        }
    }
    (needs, all_kinds)
}

/// Draws a licence for every need, then one External Connector per server (and product) that
/// external users reached; writes each consumption as it is decided (a principal's server list
/// can run to hundreds of names, so holding them all would make memory grow with principals ×
/// servers) and folds it into `positions`. Returns the seats left per licence row.
fn allocate(
    engine: &Engine,
    needs: &[Need],
    licenses: &[License],
    models: &BTreeMap<&'static str, (PrincipalKind, String)>,
    positions: &mut Positions,
    sink: &mut impl RecordSink,
) -> Result<Vec<u64>, UalError> {
    let mut emit = |c: CalConsumption| -> Result<(), UalError> {
        tally(positions, &c, licenses, models);
        Ok(sink.write(&c)?)
    };
    let mut remaining: Vec<u64> = licenses.iter().map(|l| l.quantity).collect();
    let mut held: Vec<usize> = Vec::new();
    let mut current: Option<(PrincipalKind, &str)> = None;
    for need in needs {
        if current != Some((need.kind, need.principal.as_str())) {
            held.clear();
            current = Some((need.kind, need.principal.as_str()));
        }
        let server_keys: Vec<&str> = need
            .agg
            .server_ids()
            .map(|s| engine.servers.keys[s as usize].as_str())
            .collect();
        let fits = |l: &License| {
            l.cal_type == need.kind.cal_type()
                && l.covers(need.family)
                && l.version
                    .is_none_or(|v| need.agg.version == 0 || v >= need.agg.version)
                && (l.servers.is_empty()
                    || server_keys.iter().all(|s| l.servers.iter().any(|x| x == s)))
        };
        // A suite seat this principal already holds covers its other products too.
        let chosen = held
            .iter()
            .copied()
            .find(|i| fits(&licenses[*i]) && !suite_members(licenses[*i].product).is_empty())
            .or_else(|| {
                let pick = draw(licenses, &mut remaining, fits);
                held.extend(pick);
                pick
            });
        let mut servers: Vec<String> = need
            .agg
            .server_ids()
            .map(|s| engine.servers.names[s as usize].clone())
            .collect();
        // By name, ignoring ASCII case (as sorting by `to_ascii_lowercase` did, without a
        // lower-cased copy of both names for every comparison).
        servers.sort_by(|a, b| {
            a.bytes()
                .map(|c| c.to_ascii_lowercase())
                .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
        });
        emit(CalConsumption {
            product: need.family.into(),
            cal_type: need.kind.cal_type(),
            version: (need.agg.version > 0).then_some(need.agg.version),
            principal: need.principal.clone(),
            servers,
            first_seen: need.agg.first,
            last_seen: need.agg.last,
            license: chosen.map(|i| licenses[i].label()),
            covered: chosen.is_some(),
            detail: None,
        })?;
    }
    for ((family, server), (users, version)) in &engine.agg.external {
        let key = &engine.servers.keys[*server as usize];
        let chosen = draw(licenses, &mut remaining, |l| {
            l.cal_type == CalType::ExternalConnector
                && l.product == *family
                && l.version.is_none_or(|v| *version == 0 || v >= *version)
                && (l.servers.is_empty() || l.servers.contains(key))
        });
        let listed: Vec<&str> = users.iter().take(5).map(String::as_str).collect();
        let name = engine.servers.names[*server as usize].clone();
        emit(CalConsumption {
            product: family.to_string(),
            cal_type: CalType::ExternalConnector,
            version: (*version > 0).then_some(*version),
            principal: name.clone(),
            servers: vec![name],
            first_seen: None,
            last_seen: None,
            license: chosen.map(|i| licenses[i].label()),
            covered: chosen.is_some(),
            detail: Some(format!(
                "{} external user(s): {}{}",
                users.len(),
                listed.join(", "),
                if users.len() > listed.len() {
                    ", …"
                } else {
                    ""
                }
            )),
        })?;
    }
    Ok(remaining)
}

/// Where the other CAL type would need fewer licences, say so.
fn suggest(positions: &mut Positions, all_kinds: &KindCounts) {
    for p in positions.values_mut() {
        let count = |kind| {
            all_kinds
                .get(&(family_static(&p.product), kind))
                .copied()
                .unwrap_or(0)
        };
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

fn summary(engine: &Engine, as_of: DateTime<Utc>) -> UalEvidenceSummary {
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
        servers: engine.servers.names.clone(),
    }
}

/// The lines under a table: one per compliance position.
fn footer(positions: &Positions) -> Vec<String> {
    positions
        .values()
        .map(|p| {
            format!(
                "{} {} {}: required {}, owned {}, covered {}, shortfall {}",
                p.product,
                p.version
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "(version unknown)".into()),
                p.cal_type,
                p.required,
                p.owned,
                p.covered,
                p.shortfall
            )
        })
        .collect()
}

/// Folds one consumption into the compliance position of its product, CAL type and version.
fn tally(
    positions: &mut Positions,
    c: &CalConsumption,
    licenses: &[License],
    models: &BTreeMap<&'static str, (PrincipalKind, String)>,
) {
    let p = positions
        .entry((c.product.clone(), c.cal_type, c.version))
        .or_insert_with(|| {
            let basis = if c.cal_type == CalType::ExternalConnector {
                "external users (outside the internal domains) reached this server".to_string()
            } else {
                models
                    .get(c.product.as_str())
                    .map(|m| m.1.clone())
                    .unwrap_or_default()
            };
            CalCompliance {
                product: c.product.clone(),
                cal_type: c.cal_type,
                version: c.version,
                required: 0,
                owned: licenses
                    .iter()
                    .filter(|l| {
                        l.product == c.product && l.cal_type == c.cal_type && l.version == c.version
                    })
                    .map(|l| l.quantity)
                    .sum(),
                covered: 0,
                shortfall: 0,
                servers: Vec::new(),
                drawn_from: Vec::new(),
                basis,
                suggestion: None,
            }
        });
    p.required += 1;
    for server in &c.servers {
        if let Err(at) = p.servers.binary_search(server) {
            p.servers.insert(at, server.clone());
        }
    }
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
        None => p.shortfall += 1,
    }
}

/// The static family name for a record's product name.
fn family_static(name: &str) -> &'static str {
    [
        WINDOWS_SERVER,
        super::roles::SQL_SERVER,
        super::roles::RDS,
        super::roles::AD_RMS,
        super::roles::EXCHANGE,
        super::roles::SHAREPOINT,
        super::roles::SKYPE,
    ]
    .into_iter()
    .find(|f| *f == name)
    .unwrap_or("")
}

/// A `--principals` row: a user (UserName, Principal, UserPrincipalName, or Domain + SamAccountName)
/// or a device (IPAddress, ComputerName, DNSHostName); `Type` may say which.
fn read_principal(r: &Record) -> Result<(PrincipalKind, String), InputError> {
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
