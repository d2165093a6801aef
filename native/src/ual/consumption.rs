//! From needs to consumptions: a licence drawn for each need, then External Connectors (or
//! spare CALs) for external users; each consumption written and tallied into its position.

use super::allocation::{choose, draw};
use super::engine::Engine;
use super::evidence::{FastMap, PrincipalKind};
use super::licenses::{CalType, License};
use super::needs::{principal_groups, FamilyAggs, Models, Need};
use super::options::UalError;
use super::positions::{tally, Notes, PositionKey, Positions};
use super::records::{CalConsumption, ServerList};
use super::roles::{Family, LicenseProduct};
use super::settings::{external_route, ExternalRoute};
use super::tables::{add_server, PrincipalAgg, ServerSet};
use crate::model::{RecordSink, Reporter};
use std::collections::{BTreeMap, BTreeSet};

/// The physical server each server (OSE) runs on, by key, from the ExternalConnector licence rows
/// that name a `Host`: (host key, host as written). A server under two hosts is taken as on the
/// first, and said.
pub type Hosts = BTreeMap<String, (String, String)>;

pub fn hosts(licenses: &[License], reporter: &mut impl Reporter) -> Hosts {
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
pub fn allocate(
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
            let bits = reached.entry(key).or_default();
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
            let counts = notes.secondary.entry(key).or_default();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sink::Collected;
    use crate::ual::engine::examples::{add, context, engine};
    use crate::ual::licenses::example_row as licence;
    use crate::ual::needs::{model, usage_needs};
    use crate::ual::settings::examples::{self, day};
    use crate::ual::settings::Settings;

    /// An External Connector row assigned to physical server `host`, which runs `servers`.
    fn connector_on(row: u64, host: &str, servers: &[&str]) -> License {
        let mut l = licence(row, Family::Exchange, CalType::ExternalConnector, 1);
        l.servers = servers.iter().map(|s| s.to_string()).collect();
        l.servers.push(host.to_ascii_lowercase());
        l.host = Some((host.to_ascii_lowercase(), host.into()));
        l
    }

    /// Two external users on MBX01 and MBX02, one internal user on MBX01; allocated against
    /// `licenses`: the consumptions written, the positions and the seats left.
    fn run(licenses: &[License]) -> (Vec<serde_json::Value>, Positions, Vec<u64>) {
        let settings: Settings = examples::settings();
        let mut engine = engine(&settings);
        let exchange = (Family::Exchange, Some(2019));
        for (server, user) in [
            ("MBX01", "eve@fabrikam.com"),
            ("MBX02", "bob@fabrikam.com"),
            ("MBX01", "contoso\\peter"),
        ] {
            add(
                &mut engine,
                &context(server, &[exchange]),
                Some(user),
                None,
                day(10, 1),
            );
        }
        let (needs, _, by_family) = usage_needs(&engine);
        let models: Models = [(Family::Exchange, model(Family::Exchange, licenses))].into();
        let mut reporter = Collected::default();
        let hosts = hosts(licenses, &mut reporter);
        let (mut positions, mut notes, mut sink) =
            (Positions::new(), Notes::default(), Collected::default());
        let remaining = allocate(
            &engine,
            &needs,
            &by_family,
            licenses,
            &hosts,
            &models,
            &mut positions,
            &mut notes,
            &mut sink,
        )
        .unwrap();
        (sink.records, positions, remaining)
    }

    fn of_type<'a>(records: &'a [serde_json::Value], cal_type: &str) -> Vec<&'a serde_json::Value> {
        records
            .iter()
            .filter(|r| r["CalType"] == cal_type)
            .collect()
    }

    #[test]
    fn one_external_connector_covers_every_server_on_its_physical_host() {
        let licenses = [
            licence(1, Family::Exchange, CalType::User, 1),
            connector_on(2, "HV01", &["mbx01", "mbx02"]),
        ];
        let (records, positions, remaining) = run(&licenses);
        let ec = of_type(&records, "ExternalConnector");
        assert_eq!(ec.len(), 1, "one host, one External Connector");
        assert_eq!(ec[0]["Principal"], "HV01");
        assert_eq!(ec[0]["Servers"], serde_json::json!(["MBX01", "MBX02"]));
        assert_eq!(ec[0]["Covered"], true);
        assert_eq!(remaining, vec![0, 0]);
        let p = &positions[&(Family::Exchange, CalType::ExternalConnector, Some(2019))];
        assert_eq!((p.required, p.covered, p.shortfall), (1, 1, 0));
        assert_eq!(
            of_type(&records, "User").len(),
            1,
            "the internal user's CAL"
        );
    }

    #[test]
    fn a_server_no_connector_row_names_is_a_physical_server_of_its_own() {
        let licenses = [licence(1, Family::Exchange, CalType::User, 1)];
        let (records, positions, _) = run(&licenses);
        let ec = of_type(&records, "ExternalConnector");
        assert_eq!(
            ec.iter()
                .map(|c| c["Principal"].clone())
                .collect::<Vec<_>>(),
            vec!["MBX01", "MBX02"]
        );
        // No External Connector and no spare CAL for the external users: short, with the
        // CALs that would do instead.
        let p = &positions[&(Family::Exchange, CalType::ExternalConnector, Some(2019))];
        assert_eq!((p.required, p.shortfall), (2, 2));
        assert!(p
            .suggestion
            .as_deref()
            .is_some_and(|s| s.starts_with("2 External Connector(s) short, or CALs for the 2 external user(s) instead (0 spare, 2 to buy)")));
    }

    #[test]
    fn spare_cals_cover_external_users_instead_of_a_connector() {
        let licenses = [licence(1, Family::Exchange, CalType::User, 3)];
        let (records, positions, remaining) = run(&licenses);
        assert!(of_type(&records, "ExternalConnector").is_empty());
        let users = of_type(&records, "User");
        let principals: Vec<&str> = users
            .iter()
            .map(|u| u["Principal"].as_str().unwrap())
            .collect();
        assert_eq!(
            principals,
            vec!["contoso\\peter", "eve@fabrikam.com", "bob@fabrikam.com"],
            "by server reached (MBX01, MBX02)"
        );
        assert!(users[1]["Detail"]
            .as_str()
            .is_some_and(|d| d.contains("a spare CAL covers this user")));
        assert_eq!(remaining, vec![0]);
        let p = &positions[&(Family::Exchange, CalType::User, Some(2019))];
        assert_eq!((p.required, p.covered, p.shortfall), (3, 3, 0));
    }

    #[test]
    fn a_server_listed_under_two_hosts_is_taken_as_on_the_first() {
        let licenses = [
            connector_on(1, "HV01", &["mbx01"]),
            connector_on(2, "HV02", &["mbx01"]),
        ];
        let mut reporter = Collected::default();
        let hosts = hosts(&licenses, &mut reporter);
        assert_eq!(hosts["mbx01"], ("hv01".to_string(), "HV01".to_string()));
        assert_eq!(reporter.warnings.len(), 1);
        assert_eq!(reporter.warnings[0].0, "ServerOnTwoHosts");
    }
}
