//! `ual compliance`: evidence → one CAL per principal per product family → licences drawn in
//! priority order → compliance position.

use super::evidence::{
    device_exclusion, server_key, user_domain, user_exclusion, Evidence, PrincipalKind, SystemInfo,
};
use super::licenses::{CalType, License};
use super::records::*;
use super::roles::{suite_members, WINDOWS_SERVER};
use crate::error::{AppError, AppResult, InputError};
use crate::ingest::Record;
use crate::run::Context;
use chrono::{DateTime, Duration, Utc};
use clap::ValueEnum;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Principals with evidence in the last --window-days consume CALs
    Usage,
    /// Every principal in --principals consumes CALs, evidence or not
    Access,
}

/// Servers seen, interned so per-principal server sets are bitsets.
#[derive(Default)]
struct Servers {
    names: Vec<String>,
    keys: Vec<String>,
    index: HashMap<String, u32>,
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
    principals: BTreeMap<(&'static str, PrincipalKind), HashMap<String, PrincipalAgg>>,
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
        for (kind, name) in principals {
            let Some(name) = name else { continue };
            let mut record = |status: &str, reason: Option<&str>| {
                if emit {
                    out.push(UalEvidence {
                        server: e.server.clone(),
                        source: e.source.into(),
                        products: e.products.iter().map(|(f, _)| f.to_string()).collect(),
                        role_name: e.role_name.clone(),
                        role_guid: e.role_guid.clone(),
                        principal_type: kind.name().into(),
                        principal: name.clone(),
                        first_seen: e.first_seen,
                        last_seen: e.last_seen,
                        access_count: e.count,
                        status: status.into(),
                        reason: reason.map(str::to_string),
                    });
                }
            };
            let exclusion = match kind {
                PrincipalKind::User => user_exclusion(name, &self.settings.admin_accounts),
                PrincipalKind::Device => device_exclusion(name),
            };
            if let Some(reason) = exclusion {
                *self.agg.excluded.entry(reason).or_default() += 1;
                if reason == "Ipv6Device" {
                    self.agg.ipv6.insert(name.clone());
                }
                record("Excluded", Some(reason));
                continue;
            }
            if outside {
                *self.agg.excluded.entry("OutsideWindow").or_default() += 1;
                record("Excluded", Some("OutsideWindow"));
                continue;
            }
            if self.settings.mode == Mode::Access {
                // In access mode the --principals list consumes; evidence only scopes products.
                record(
                    "Counted",
                    Some("access mode: consumption comes from --principals"),
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
                self.agg.external_count += 1;
                record(
                    "External",
                    Some("user outside --internal-domain: counts toward an External Connector"),
                );
            } else if counted_any {
                self.agg.counted += 1;
                record(
                    "Counted",
                    e.implied_windows
                        .then_some("Windows Server evidence implied: the server has no UAL"),
                );
            } else {
                record("Excluded", Some("PerCoreServer"));
            }
        }
        out
    }
}

/// One principal's need for one product family.
struct Need {
    family: &'static str,
    kind: PrincipalKind,
    principal: String,
    agg: PrincipalAgg,
}

fn cal_type_of(kind: PrincipalKind) -> CalType {
    match kind {
        PrincipalKind::User => CalType::User,
        PrincipalKind::Device => CalType::Device,
    }
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

pub fn run(ctx: &mut Context, args: &crate::cli::UalComplianceArgs) -> AppResult<()> {
    let as_of = ctx.as_of;
    let systems: HashMap<String, SystemInfo> = match &args.systems {
        Some(p) => ctx.load_all(p, SystemInfo::read)?.into_iter().collect(),
        None => HashMap::new(),
    };
    let licenses: Vec<License> = match &args.licenses {
        Some(p) => ctx.load_all(p, License::read)?,
        None => Vec::new(),
    };
    let mut per_core = Vec::new();
    for spec in &args.per_core_server {
        match spec.split_once('=') {
            Some((product, server)) => {
                let family = super::roles::product_family(product)
                    .filter(|f| *f != WINDOWS_SERVER && !f.contains("Suite"))
                    .ok_or_else(|| AppError::Arguments(format!("--per-core-server '{spec}': '{product}' is not a product licensed per core instead of CALs (e.g. SQL Server)")))?;
                per_core.push((Some(family), server_key(server)));
            }
            None => per_core.push((None, server_key(spec))),
        }
    }
    for l in licenses.iter().filter(|l| l.cal_type == CalType::PerCore) {
        for s in &l.servers {
            per_core.push((Some(l.product), s.clone()));
        }
    }
    if args.mode == Mode::Access && args.principals.is_none() {
        return Err(AppError::Arguments(
            "--mode access needs --principals FILE (every user or device in scope)".into(),
        ));
    }
    let settings = Settings {
        mode: args.mode,
        window_start: (args.mode == Mode::Usage)
            .then(|| as_of - Duration::days(args.window_days as i64)),
        internal_domains: args
            .internal_domain
            .iter()
            .map(|d| d.trim().to_ascii_lowercase())
            .collect(),
        admin_accounts: args
            .admin_account
            .iter()
            .map(|a| super::evidence::normalise_user(a))
            .collect(),
        per_core,
    };
    let mut engine = Engine {
        settings: &settings,
        servers: Servers::default(),
        agg: Aggregates::default(),
    };
    let mut known: Vec<(&String, &SystemInfo)> = systems.iter().collect();
    known.sort_by(|a, b| a.0.cmp(b.0));
    for (key, s) in known {
        engine.servers.intern(key, &s.name);
    }
    let mut out = ctx.open_output()?;
    let errors_before = ctx.diag.error_count();
    for path in &args.evidence {
        ctx.stream_each(
            path,
            Some(Evidence::PROPERTIES),
            "Reading access evidence",
            |ctx, rec| {
                match Evidence::read(&rec, &systems) {
                    Ok(e) => {
                        for r in engine.add(&e, args.emit_evidence) {
                            out.write(&r).map_err(AppError::Output)?;
                        }
                    }
                    Err(err) => ctx.diag.input_error(&err),
                }
                Ok(())
            },
        )?;
    }

    // Access mode: every listed principal needs every product in scope.
    let mut needs: Vec<Need> = Vec::new();
    let mut all_kinds: BTreeMap<(&'static str, PrincipalKind), u64> = BTreeMap::new();
    if settings.mode == Mode::Access {
        let principals =
            ctx.load_all(args.principals.as_deref().expect("checked"), read_principal)?;
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
            let excluded = match kind {
                PrincipalKind::User => user_exclusion(&name, &settings.admin_accounts),
                PrincipalKind::Device => device_exclusion(&name),
            };
            if let Some(reason) = excluded {
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
    } else {
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
    }

    // Which CAL type each product is counted in.
    let families: BTreeSet<&'static str> = all_kinds.keys().map(|(f, _)| *f).collect();
    let models: BTreeMap<&'static str, (PrincipalKind, String)> =
        families.iter().map(|f| (*f, model(f, &licenses))).collect();
    needs.retain(|n| models[n.family].0 == n.kind);
    // Deterministic order: by principal, then product, so a principal's suite seat is shared.
    needs.sort_by(|a, b| (a.kind, &a.principal, a.family).cmp(&(b.kind, &b.principal, b.family)));

    for u in engine.agg.unrecognized.values() {
        out.write(u).map_err(AppError::Output)?;
    }
    // Consumptions are written as they are decided (a principal's server list can run to
    // hundreds of names; holding them all would make memory grow with principals × servers).
    let mut positions: BTreeMap<(String, String, Option<u16>), CalCompliance> = BTreeMap::new();
    let mut emit = |c: CalConsumption, out: &mut crate::output::Output| -> AppResult<()> {
        tally(&mut positions, &c, &licenses, &models);
        out.write(&c).map_err(AppError::Output)
    };
    let mut remaining: Vec<u64> = licenses.iter().map(|l| l.quantity).collect();
    let mut held: Vec<usize> = Vec::new();
    let mut current: Option<(PrincipalKind, String)> = None;
    for need in &needs {
        if current.as_ref() != Some(&(need.kind, need.principal.clone())) {
            held.clear();
            current = Some((need.kind, need.principal.clone()));
        }
        let server_keys: Vec<&str> = need
            .agg
            .server_ids()
            .map(|s| engine.servers.keys[s as usize].as_str())
            .collect();
        let fits = |l: &License| {
            l.cal_type == cal_type_of(need.kind)
                && l.covers(need.family)
                && l.version
                    .is_none_or(|v| need.agg.version == 0 || v >= need.agg.version)
                && (l.servers.is_empty()
                    || server_keys.iter().all(|s| l.servers.iter().any(|x| x == s)))
        };
        let chosen = held
            .iter()
            .copied()
            .find(|i| fits(&licenses[*i]) && !suite_members(licenses[*i].product).is_empty())
            .or_else(|| {
                let mut c: Vec<usize> = (0..licenses.len())
                    .filter(|i| remaining[*i] > 0 && fits(&licenses[*i]))
                    .collect();
                c.sort_by_key(|i| {
                    (
                        licenses[*i].priority,
                        licenses[*i].version.unwrap_or(0),
                        licenses[*i].row,
                    )
                });
                let pick = c.first().copied();
                if let Some(i) = pick {
                    remaining[i] -= 1;
                    held.push(i);
                }
                pick
            });
        emit(
            CalConsumption {
                product: need.family.into(),
                cal_type: need.kind.name().into(),
                version: (need.agg.version > 0).then_some(need.agg.version),
                principal: need.principal.clone(),
                servers: {
                    let mut names: Vec<String> = need
                        .agg
                        .server_ids()
                        .map(|s| engine.servers.names[s as usize].clone())
                        .collect();
                    names.sort_by_key(|n| n.to_ascii_lowercase());
                    names
                },
                first_seen: need.agg.first,
                last_seen: need.agg.last,
                license: chosen.map(|i| licenses[i].label()),
                covered: chosen.is_some(),
                detail: None,
            },
            &mut out,
        )?;
    }
    // External Connectors: one per server (and product) that external users reached.
    for ((family, server), (users, version)) in &engine.agg.external {
        let key = &engine.servers.keys[*server as usize];
        let mut c: Vec<usize> = (0..licenses.len())
            .filter(|i| {
                let l = &licenses[*i];
                remaining[*i] > 0
                    && l.cal_type == CalType::ExternalConnector
                    && l.product == *family
                    && l.version.is_none_or(|v| *version == 0 || v >= *version)
                    && (l.servers.is_empty() || l.servers.contains(key))
            })
            .collect();
        c.sort_by_key(|i| {
            (
                licenses[*i].priority,
                licenses[*i].version.unwrap_or(0),
                licenses[*i].row,
            )
        });
        let chosen = c.first().copied();
        if let Some(i) = chosen {
            remaining[i] -= 1;
        }
        let listed: Vec<&str> = users.iter().take(5).map(String::as_str).collect();
        emit(
            CalConsumption {
                product: family.to_string(),
                cal_type: "ExternalConnector".into(),
                version: (*version > 0).then_some(*version),
                principal: engine.servers.names[*server as usize].clone(),
                servers: vec![engine.servers.names[*server as usize].clone()],
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
            },
            &mut out,
        )?;
    }

    for p in positions.values_mut() {
        let users = all_kinds
            .get(&(family_static(&p.product), PrincipalKind::User))
            .copied()
            .unwrap_or(0);
        let devices = all_kinds
            .get(&(family_static(&p.product), PrincipalKind::Device))
            .copied()
            .unwrap_or(0);
        p.suggestion = match p.cal_type.as_str() {
            "User" if devices > 0 && devices < users => Some(format!(
                "{devices} devices accessed {} against {users} users: Device CALs would need {} fewer licences (if those devices are the only way in)",
                p.product,
                users - devices
            )),
            "Device" if users > 0 && users < devices => Some(format!(
                "{users} users accessed {} against {devices} devices: User CALs would need {} fewer licences",
                p.product,
                devices - users
            )),
            _ => None,
        };
    }

    let shortfall: u64 = positions.values().map(|p| p.shortfall).sum();
    for p in positions.values() {
        out.write(p).map_err(AppError::Output)?;
    }
    for (i, l) in licenses.iter().enumerate() {
        out.write(&CalLicenseUse {
            license: l.label(),
            product: l.product.into(),
            version: l.version,
            cal_type: l.cal_type.name().into(),
            quantity: l.quantity,
            used: l.quantity - remaining[i],
            remaining: remaining[i],
            priority: l.priority,
            servers: l.servers.clone(),
        })
        .map_err(AppError::Output)?;
    }
    out.write(&UalEvidenceSummary {
        mode: format!("{:?}", settings.mode).to_ascii_lowercase(),
        window_start: settings.window_start,
        as_of,
        rows: engine.agg.rows,
        counted: engine.agg.counted,
        external: engine.agg.external_count,
        unrecognized_rows: engine.agg.unrecognized_rows,
        overview_rows: engine.agg.overview_rows,
        excluded: engine
            .agg
            .excluded
            .iter()
            .map(|(r, c)| ExclusionCount {
                reason: r.to_string(),
                count: *c,
            })
            .collect(),
        ipv6_device_addresses: engine.agg.ipv6.len() as u64,
        servers: engine.servers.names.clone(),
    })
    .map_err(AppError::Output)?;
    let lines: Vec<String> = positions
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
        .collect();
    out.footer(&lines).map_err(AppError::Output)?;
    out.finish().map_err(AppError::Output)?;
    ctx.problems_since(errors_before)?;
    if shortfall > 0 && args.fail_on_shortfall {
        return Err(AppError::Shortfall(format!(
            "compliance shortfall: {shortfall} CAL(s) short (see the CalCompliance records)"
        )));
    }
    Ok(())
}

/// Folds one consumption into the compliance position of its product, CAL type and version.
fn tally(
    positions: &mut BTreeMap<(String, String, Option<u16>), CalCompliance>,
    c: &CalConsumption,
    licenses: &[License],
    models: &BTreeMap<&'static str, (PrincipalKind, String)>,
) {
    let p = positions
        .entry((c.product.clone(), c.cal_type.clone(), c.version))
        .or_insert_with(|| {
            let basis = if c.cal_type == "ExternalConnector" {
                "external users (outside --internal-domain) reached this server".to_string()
            } else {
                models
                    .get(c.product.as_str())
                    .map(|m| m.1.clone())
                    .unwrap_or_default()
            };
            CalCompliance {
                product: c.product.clone(),
                cal_type: c.cal_type.clone(),
                version: c.version,
                required: 0,
                owned: licenses
                    .iter()
                    .filter(|l| {
                        l.product == c.product
                            && l.cal_type.name() == c.cal_type
                            && l.version == c.version
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
                (PrincipalKind::User, super::evidence::normalise_user(&v))
            });
        }
    }
    if let (Some(d), Some(s)) = (r.opt_str("Domain")?, r.opt_str("SamAccountName")?) {
        return Ok((
            PrincipalKind::User,
            super::evidence::normalise_user(&format!("{d}\\{s}")),
        ));
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
