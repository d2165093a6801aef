//! `ual compliance`: evidence → one CAL per principal per product family → licences drawn in
//! priority order → compliance position.

use super::consumption::{allocate, hosts};
use super::engine::{Aggregates, Engine, Reach};
use super::evidence::{
    self, server_key, EvidenceReader, FallbackServer, GapInfo, PrincipalKind, RowKind, ServerFrom,
    SystemInfo, Systems, NO_SERVER_FIELD,
};
use super::inputs::read_principal;
use super::licenses::License;
use super::needs::{access_needs, model, usage_needs, Models};
use super::positions::{assumptions, suggest, Admins, Notes, Positions};
use super::records::CalLicenseUse;
use super::roles::Family;
use super::settings::settings;
use super::summary::{footer, summary};
use super::tables::{Principals, Servers};
use crate::ingest::{load_all, stream_each_borrowed};
use crate::model::server_cal::ConsumptionMode as Mode;
use crate::model::{RecordSink, Reporter};
use std::collections::{BTreeSet, HashSet};

pub use super::options::{ComplianceOptions, Outcome, UalError, MAX_ADMIN_ACCOUNTS};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ual::settings::examples::day;

    fn options(computer_name: Option<&str>) -> ComplianceOptions {
        ComplianceOptions {
            evidence: Vec::new(),
            systems: None,
            licenses: None,
            mode: Mode::Usage,
            window_days: 30,
            as_of: day(11, 1),
            principals: None,
            computer_name: computer_name.map(str::to_string),
            internal_domains: Vec::new(),
            per_core_servers: Vec::new(),
            admin_accounts: Vec::new(),
            azure_servers: Vec::new(),
            emit_evidence: false,
            date_order: None,
        }
    }

    fn system(name: &str) -> SystemInfo {
        SystemInfo {
            name: name.into(),
            windows_year: None,
            cores: None,
            uuid: None,
        }
    }

    #[test]
    fn rows_without_a_server_are_the_admins_server_else_the_files_else_the_only_one() {
        let mut systems = Systems::default();
        systems.insert("fs01".into(), system("FS01"));
        let in_file = Some(FallbackServer {
            name: "APP01".into(),
            because: "the Get-UalSystemId row in the same file".into(),
        });
        let named = |o: &ComplianceOptions, f: &Option<FallbackServer>, s: &Systems| {
            fallback_server(o, f, s).map(|f| f.name)
        };
        let name = named(&options(Some("SRV9")), &in_file, &systems);
        assert_eq!(name.as_deref(), Some("SRV9"));
        let name = named(&options(None), &in_file, &systems);
        assert_eq!(name.as_deref(), Some("APP01"));
        let name = named(&options(None), &None, &systems);
        assert_eq!(name.as_deref(), Some("FS01"));
        systems.insert("fs02".into(), system("FS02"));
        assert_eq!(
            named(&options(None), &None, &systems),
            None,
            "two servers described: none is the one"
        );
    }

    #[test]
    fn a_server_without_evidence_is_noted_once_in_name_order() {
        let gap = |name: &str, query: Option<&str>, reason: Option<&str>| GapInfo {
            computer_name: name.into(),
            query: query.map(str::to_string),
            reason: reason.map(str::to_string),
        };
        let mut gaps = Gaps::default();
        assert!(gaps.add(gap("sql02", None, None)));
        assert!(gaps.add(gap("RDS01", Some("Get-UalUserAccess"), None)));
        assert!(!gaps.add(gap("SQL02.contoso.com", None, Some("later"))));
        let names: Vec<String> = gaps.sorted().into_iter().map(|g| g.computer_name).collect();
        assert_eq!(names, vec!["RDS01", "sql02"]);
        assert_eq!(
            gap_text(&gap("RDS01", Some("New-CimSession"), Some("access denied"))),
            "RDS01 (New-CimSession: access denied)"
        );
        assert_eq!(
            gap_text(&gap("RDS01", Some("New-CimSession"), None)),
            "RDS01 (New-CimSession failed)"
        );
        assert_eq!(
            gap_text(&gap("RDS01", None, Some("offline"))),
            "RDS01 (offline)"
        );
        assert_eq!(gap_text(&gap("RDS01", None, None)), "RDS01");
    }
}
