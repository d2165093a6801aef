//! The row engine: each evidence row folded into the tables and aggregates (what a row context
//! reaches, worked out once; what each principal of a row consumes).

use super::evidence::{PrincipalKind, Row, RowContext, Systems};
use super::records::{UalEvidence, UnrecognizedEvidence};
use super::roles::Family;
use super::settings::{external_route, ExternalRoute, Settings};
use super::tables::{ChainedAgg, Principals, Servers};
use crate::model::server_cal::{ConsumptionMode as Mode, EvidenceStatus};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// What the counting works out once per row context (see [`EvidenceReader`]).
pub struct Reach {
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
pub struct Aggregates {
    /// The product family and principal kind of each aggregate slot.
    pub slots: Vec<(Family, PrincipalKind)>,
    pub external: BTreeMap<(Family, u32), (BTreeSet<String>, u16)>,
    /// Unrecognised evidence by server, source, role and product (the output order), each an
    /// index into `unrecognized_list`.
    pub unrecognized: BTreeMap<(String, &'static str, String, String, String), usize>,
    pub unrecognized_list: Vec<UnrecognizedEvidence>,
    /// Newest version seen per product family and server.
    pub versions: BTreeMap<(Family, u32), u16>,
    pub excluded: BTreeMap<&'static str, u64>,
    /// The newest last-seen date of the rows outside the window, and whether any row was in it.
    pub newest_outside: Option<DateTime<Utc>>,
    pub any_inside: bool,
    /// Devices excluded as IPv6 addresses.
    pub ipv6: HashSet<u32>,
    pub rows: u64,
    pub counted: u64,
    pub external_count: u64,
    pub unrecognized_rows: u64,
    pub overview_rows: u64,
}

impl Aggregates {
    /// The aggregate slot of a product family and principal kind.
    pub fn slot(&mut self, family: Family, kind: PrincipalKind) -> usize {
        match self.slots.iter().position(|k| *k == (family, kind)) {
            Some(i) => i,
            None => {
                self.slots.push((family, kind));
                self.slots.len() - 1
            }
        }
    }
}

pub struct Engine<'a> {
    pub settings: &'a Settings,
    pub servers: Servers,
    pub users: Principals,
    pub devices: Principals,
    pub agg: Aggregates,
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
    pub fn reach(&mut self, e: &RowContext) -> Reach {
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
    pub fn add(&mut self, row: &Row<Reach>, emit: bool) -> Vec<UalEvidence> {
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
    pub fn apply_system_versions(&mut self, systems: &Systems) {
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

/// An engine and evidence rows for the counting's unit tests.
#[cfg(test)]
pub mod examples {
    use super::*;
    use crate::ual::evidence::{server_key, ServerFrom};

    pub fn engine(settings: &Settings) -> Engine<'_> {
        Engine {
            settings,
            servers: Servers::default(),
            users: Principals::default(),
            devices: Principals::default(),
            agg: Aggregates::default(),
        }
    }

    /// A Get-Ual* row context of `server` reaching `products`.
    pub fn context(server: &str, products: &[(Family, Option<u16>)]) -> RowContext {
        RowContext {
            server: server.into(),
            server_key: server_key(server),
            server_from: ServerFrom::Row,
            source: "Get-UalDailyAccess",
            role_guid: None,
            role_name: None,
            product_name: None,
            products: products.to_vec(),
            recognized: true,
            implied_windows: false,
        }
    }

    /// One evidence row of `context` by a user and/or a device, seen on `seen`, folded into
    /// `engine`: what --emit-evidence would write of it.
    pub fn add(
        engine: &mut Engine,
        context: &RowContext,
        user: Option<&str>,
        device: Option<&str>,
        seen: DateTime<Utc>,
    ) -> Vec<UalEvidence> {
        let reach = engine.reach(context);
        let row = Row {
            context,
            kept: &reach,
            user,
            device,
            first_seen: Some(seen),
            last_seen: Some(seen),
            count: Some(1),
        };
        engine.add(&row, true)
    }
}

#[cfg(test)]
mod tests {
    use super::examples::{add, context, engine};
    use super::*;
    use crate::ual::evidence::SystemInfo;
    use crate::ual::settings::examples::{self, day};

    const WINDOWS_2019: (Family, Option<u16>) = (Family::WindowsServer, Some(2019));

    fn statuses(rows: &[UalEvidence]) -> Vec<(EvidenceStatus, Option<&str>)> {
        rows.iter()
            .map(|r| (r.status, r.reason.as_deref()))
            .collect()
    }

    /// The products a principal's aggregates are for.
    fn reached(engine: &Engine, kind: PrincipalKind, name: &str) -> Vec<Family> {
        let table = match kind {
            PrincipalKind::User => &engine.users,
            PrincipalKind::Device => &engine.devices,
        };
        let id = table.by_name[name].id;
        table
            .aggs_of(id)
            .map(|(_, c)| engine.agg.slots[c.slot].0)
            .collect()
    }

    #[test]
    fn a_user_consumes_each_product_the_row_reaches() {
        let settings = examples::settings();
        let mut engine = engine(&settings);
        let sql = context("SQL02", &[WINDOWS_2019, (Family::SqlServer, Some(2016))]);
        let out = add(&mut engine, &sql, Some("contoso\\peter"), None, day(10, 1));
        assert_eq!(statuses(&out), vec![(EvidenceStatus::Counted, None)]);
        assert_eq!(
            out[0].products,
            vec![Family::WindowsServer, Family::SqlServer]
        );
        assert_eq!(
            reached(&engine, PrincipalKind::User, "contoso\\peter"),
            vec![Family::WindowsServer, Family::SqlServer]
        );
        add(&mut engine, &sql, Some("contoso\\peter"), None, day(10, 2));
        assert_eq!((engine.agg.rows, engine.agg.counted), (2, 2));
        assert_eq!(
            engine.users.aggs.len(),
            2,
            "one aggregate per product, not per row"
        );
        assert_eq!(engine.agg.versions[&(Family::SqlServer, 0)], 2016);
    }

    #[test]
    fn a_per_core_server_consumes_no_cal_of_its_product() {
        let settings = examples::settings();
        let mut engine = engine(&settings);
        let sql = context("SQL01", &[WINDOWS_2019, (Family::SqlServer, None)]);
        let out = add(&mut engine, &sql, Some("contoso\\peter"), None, day(10, 1));
        assert_eq!(statuses(&out), vec![(EvidenceStatus::Counted, None)]);
        assert_eq!(
            reached(&engine, PrincipalKind::User, "contoso\\peter"),
            vec![Family::WindowsServer]
        );
        assert_eq!(engine.agg.excluded["PerCoreServer"], 1);
        // An Azure VM's only product is exempt: the row is excluded, with why.
        let azure = context("AZ01", &[WINDOWS_2019]);
        let out = add(&mut engine, &azure, Some("contoso\\ann"), None, day(10, 1));
        assert_eq!(
            statuses(&out),
            vec![(EvidenceStatus::Excluded, Some("AzureWindowsServer"))]
        );
        assert_eq!(engine.agg.counted, 1);
    }

    #[test]
    fn an_exempt_administrator_and_a_loopback_device_consume_nothing() {
        let settings = examples::settings();
        let mut engine = engine(&settings);
        let fs = context("FS01", &[WINDOWS_2019]);
        let out = add(
            &mut engine,
            &fs,
            Some("contoso\\admin"),
            Some("127.0.0.1"),
            day(10, 1),
        );
        assert_eq!(
            statuses(&out),
            vec![
                (EvidenceStatus::Excluded, Some("AdminAccount")),
                (EvidenceStatus::Excluded, Some("Loopback")),
            ]
        );
        assert_eq!(engine.agg.excluded["AdminAccount"], 1);
        assert_eq!(engine.agg.counted, 0);
        assert!(engine.users.aggs.is_empty() && engine.devices.aggs.is_empty());
    }

    #[test]
    fn an_external_user_counts_toward_a_connector_a_cal_or_the_server_licence() {
        let settings = examples::settings();
        let mut engine = engine(&settings);
        let eve = Some("eve@fabrikam.com");
        let exchange = context("MBX01", &[(Family::Exchange, Some(2019))]);
        let out = add(&mut engine, &exchange, eve, None, day(10, 1));
        assert_eq!(out[0].status, EvidenceStatus::External);
        let (users, version) = &engine.agg.external[&(Family::Exchange, 0)];
        assert_eq!((users.len(), *version), (1, 2019));
        assert_eq!((engine.agg.counted, engine.agg.external_count), (0, 1));

        // SQL Server has no External Connector: the user takes a CAL.
        let sql = context("SQL02", &[(Family::SqlServer, None)]);
        let out = add(&mut engine, &sql, eve, None, day(10, 1));
        assert_eq!(out[0].status, EvidenceStatus::Counted);
        assert!(out[0]
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("SQL Server has no External Connector")));
        assert_eq!(
            reached(&engine, PrincipalKind::User, "eve@fabrikam.com"),
            vec![Family::SqlServer]
        );

        // Lync Server 2013 and later include external users.
        let lync = context("LYNC01", &[(Family::Skype, Some(2013))]);
        let out = add(&mut engine, &lync, eve, None, day(10, 1));
        assert_eq!(out[0].status, EvidenceStatus::External);
        assert_eq!(engine.agg.excluded["ExternalUserInServerLicence"], 1);
    }

    #[test]
    fn evidence_outside_the_window_or_after_the_as_of_date_is_not_counted() {
        let settings = examples::settings();
        let mut engine = engine(&settings);
        let fs = context("FS01", &[WINDOWS_2019]);
        let before = add(&mut engine, &fs, Some("contoso\\old"), None, day(8, 1));
        let after = add(&mut engine, &fs, Some("contoso\\new"), None, day(12, 1));
        assert_eq!(
            statuses(&before),
            vec![(EvidenceStatus::Excluded, Some("OutsideWindow"))]
        );
        assert_eq!(
            statuses(&after),
            vec![(EvidenceStatus::Excluded, Some("AfterAsOf"))]
        );
        assert_eq!(engine.agg.newest_outside, Some(day(8, 1)));
        assert!(!engine.agg.any_inside, "no row fell in the window");
        assert_eq!(engine.agg.counted, 0);
    }

    #[test]
    fn a_user_and_a_device_named_on_one_row_are_paired_and_counted_once() {
        let settings = examples::settings();
        let mut engine = engine(&settings);
        let fs = context("FS01", &[WINDOWS_2019]);
        add(
            &mut engine,
            &fs,
            Some("contoso\\peter"),
            Some("pc01"),
            day(10, 1),
        );
        add(&mut engine, &fs, None, Some("pc02"), day(10, 1));
        assert_eq!((engine.agg.rows, engine.agg.counted), (2, 2));
        let paired = |table: &Principals, name: &str| {
            let id = table.by_name[name].id;
            table.aggs_of(id).all(|(_, c)| c.agg.paired)
        };
        assert!(paired(&engine.users, "contoso\\peter"));
        assert!(paired(&engine.devices, "pc01"));
        assert!(!paired(&engine.devices, "pc02"), "no user was seen with it");
    }

    #[test]
    fn unrecognised_evidence_is_gathered_per_context_not_counted() {
        let settings = examples::settings();
        let mut engine = engine(&settings);
        let mut unknown = context("APP01", &[]);
        unknown.recognized = false;
        unknown.role_name = Some("Custom App".into());
        add(
            &mut engine,
            &unknown,
            Some("contoso\\peter"),
            None,
            day(10, 1),
        );
        add(&mut engine, &unknown, None, Some("pc01"), day(10, 3));
        assert_eq!((engine.agg.unrecognized_rows, engine.agg.counted), (2, 0));
        let u = &engine.agg.unrecognized_list[0];
        assert_eq!(u.rows, 2);
        assert_eq!(u.sample_principal.as_deref(), Some("contoso\\peter"));
        assert_eq!(
            (u.first_seen, u.last_seen),
            (Some(day(10, 1)), Some(day(10, 3)))
        );
    }

    #[test]
    fn the_servers_os_version_raises_windows_server_versions_only() {
        let settings = examples::settings();
        let mut engine = engine(&settings);
        let sql = context(
            "SQL02",
            &[
                (Family::WindowsServer, None),
                (Family::SqlServer, Some(2016)),
            ],
        );
        add(&mut engine, &sql, Some("contoso\\peter"), None, day(10, 1));
        let mut systems = Systems::default();
        systems.insert(
            "sql02".into(),
            SystemInfo {
                name: "SQL02".into(),
                windows_year: Some(2022),
                cores: None,
                uuid: None,
            },
        );
        engine.apply_system_versions(&systems);
        let versions: Vec<(Family, u16)> = engine
            .users
            .aggs
            .iter()
            .map(|c| (engine.agg.slots[c.slot].0, c.agg.version))
            .collect();
        assert_eq!(
            versions,
            vec![(Family::WindowsServer, 2022), (Family::SqlServer, 2016)]
        );
        assert_eq!(engine.agg.versions[&(Family::WindowsServer, 0)], 2022);
    }
}
