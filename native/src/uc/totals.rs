//! Totals per customer (VOSS: Provider, Reseller, Customer, Customer pkid), the row for
//! resources above any customer (blank pkid), and the estate.

use super::inputs::Org;
use super::key::{Key, KeySet};
use super::privacy::Privacy;
use super::records::{UcDeviceCount, UcExclusionCount, UcLicenseTotal, UcServiceCount};
use crate::model::uc::{UcCount, UcDeviceKind, UcExclusion, UcReason, UcService, UcTotalScope};
use crate::model::Choice;
use std::collections::{BTreeMap, HashMap};

#[derive(Default)]
pub struct Row {
    pub provider: Option<String>,
    pub reseller: Option<String>,
    pub customer: Option<String>,
    pub pkid: Option<String>,
    pub directory_users: u64,
    pub licensed_users: u64,
    pub user_licenses: u64,
    pub extra_phone_licences: u64,
    pub hybrid: u64,
    pub undetermined: u64,
    pub more_than_ten: Vec<String>,
    pub more_than_ten_count: u64,
    pub by_service: [u64; 7],
    pub cisco_only: u64,
    pub microsoft_only: u64,
    pub devices: [u64; 3],
    pub rooms: u64,
    pub rooms_pro: u64,
    pub rooms_basic: u64,
    pub sites: KeySet,
    pub excluded: BTreeMap<UcExclusion, u64>,
    pub orphans: u64,
    /// Devices placed here because they name no customer and the directory has one.
    pub devices_by_fallback: u64,
}

impl Row {
    pub fn add_site(&mut self, site: Option<&str>) {
        if let Some(k) = site.and_then(Key::of) {
            self.sites.insert(k);
        }
    }

    pub fn exclude(&mut self, e: UcExclusion) {
        *self.excluded.entry(e).or_default() += 1;
    }

    fn is_empty(&self) -> bool {
        self.directory_users == 0
            && self.devices.iter().all(|d| *d == 0)
            && self.rooms == 0
            && self.excluded.is_empty()
            && self.orphans == 0
    }

    fn absorb(&mut self, o: &Row) {
        self.directory_users += o.directory_users;
        self.licensed_users += o.licensed_users;
        self.user_licenses += o.user_licenses;
        self.extra_phone_licences += o.extra_phone_licences;
        self.hybrid += o.hybrid;
        self.undetermined += o.undetermined;
        self.more_than_ten.extend(o.more_than_ten.iter().cloned());
        self.more_than_ten_count += o.more_than_ten_count;
        for i in 0..7 {
            self.by_service[i] += o.by_service[i];
        }
        self.cisco_only += o.cisco_only;
        self.microsoft_only += o.microsoft_only;
        for i in 0..3 {
            self.devices[i] += o.devices[i];
        }
        self.rooms += o.rooms;
        self.rooms_pro += o.rooms_pro;
        self.rooms_basic += o.rooms_basic;
        for (e, n) in &o.excluded {
            *self.excluded.entry(*e).or_default() += n;
        }
        self.orphans += o.orphans;
        self.devices_by_fallback += o.devices_by_fallback;
    }
}

pub fn service_index(s: UcService) -> usize {
    UcService::ALL.iter().position(|x| *x == s).expect("listed")
}

pub fn device_index(k: UcDeviceKind) -> usize {
    UcDeviceKind::ALL
        .iter()
        .position(|x| *x == k)
        .expect("listed")
}

/// Row 0 is the row above any customer.
pub struct Customers {
    pub rows: Vec<Row>,
    index: HashMap<String, u32>,
}

impl Customers {
    pub fn new() -> Customers {
        Customers {
            rows: vec![Row::default()],
            index: HashMap::new(),
        }
    }

    /// The row of the customer an organisation names (row 0 when it names none).
    pub fn of(&mut self, org: &Org) -> u32 {
        let key = match (&org.customer_pkid, &org.customer) {
            (Some(p), _) => format!("pkid:{}", p.trim().to_lowercase()),
            (None, Some(c)) => format!("name:{}", c.trim().to_lowercase()),
            (None, None) => return 0,
        };
        if let Some(i) = self.index.get(&key) {
            return *i;
        }
        let i = self.rows.len() as u32;
        self.rows.push(Row {
            provider: org.provider.clone(),
            reseller: org.reseller.clone(),
            customer: org.customer.clone(),
            pkid: org.customer_pkid.clone(),
            ..Row::default()
        });
        self.index.insert(key, i);
        i
    }

    /// The one customer the directory names, if it names exactly one.
    pub fn sole_customer(&self) -> Option<u32> {
        (self.rows.len() == 2).then_some(1)
    }

    /// Where a device goes: the customer its export names, else the directory's only customer,
    /// else above any customer. The bool says whether the fallback was used.
    pub fn for_device(&mut self, org: Option<&Org>) -> (u32, bool) {
        match org {
            Some(o) if o.names_customer() => (self.of(o), false),
            _ => match self.sole_customer() {
                Some(i) => (i, true),
                None => (0, false),
            },
        }
    }

    /// The organisation a row stands for (what device records counted there carry).
    pub fn org_of(&self, i: u32) -> Org {
        let r = &self.rows[i as usize];
        Org {
            provider: r.provider.clone(),
            reseller: r.reseller.clone(),
            customer: r.customer.clone(),
            customer_pkid: r.pkid.clone(),
            site: None,
        }
    }

    pub fn row(&mut self, i: u32) -> &mut Row {
        &mut self.rows[i as usize]
    }

    /// The total records: each customer in first-seen order, the row above customers when it
    /// holds anything, then the estate.
    pub fn records(&self, privacy: &Privacy) -> Vec<UcLicenseTotal> {
        let mut estate = Row::default();
        let mut sites_total = 0;
        let mut out = Vec::new();
        let order: Vec<usize> = (1..self.rows.len()).chain(std::iter::once(0)).collect();
        for i in order {
            let row = &self.rows[i];
            if i == 0 && row.is_empty() && self.rows.len() > 1 {
                continue;
            }
            estate.absorb(row);
            sites_total += row.sites.len() as u64;
            let scope = if i == 0 {
                UcTotalScope::AboveCustomer
            } else {
                UcTotalScope::Customer
            };
            out.push(total(row, scope, row.sites.len() as u64, privacy));
        }
        out.push(total(&estate, UcTotalScope::Estate, sites_total, privacy));
        out
    }
}

fn total(row: &Row, scope: UcTotalScope, sites: u64, privacy: &Privacy) -> UcLicenseTotal {
    let mut reasons = vec![UcReason::new(
        UcCount::UserLicense,
        "UcUserLicense",
        format!(
            "{} licensed user(s){}",
            row.licensed_users,
            if row.extra_phone_licences > 0 {
                format!(
                    " + {} extra licence(s) for {} user(s) with more than 10 phones (one per started ten)",
                    row.extra_phone_licences, row.more_than_ten_count
                )
            } else {
                String::new()
            }
        ),
    )];
    if row.hybrid > 0 {
        reasons.push(UcReason::new(
            UcCount::Hybrid,
            "UcUserLicense",
            format!(
                "{} user(s) with a counted Cisco service and Teams voice (included in UserLicenses)",
                row.hybrid
            ),
        ));
    }
    let d = |k: UcDeviceKind| row.devices[device_index(k)];
    if row.devices.iter().any(|n| *n > 0) {
        let mut detail = format!(
            "{} CUCM phone(s) with no owner (not CTI, in no user's associatedDevices), {} Webex workspace(s) enabled for calling, {} Teams common area phone(s)",
            d(UcDeviceKind::CucmPhone),
            d(UcDeviceKind::WebexWorkspace),
            d(UcDeviceKind::TeamsCommonAreaPhone)
        );
        if row.devices_by_fallback > 0 && scope == UcTotalScope::Customer {
            detail.push_str(&format!(
                "; {} of them name no customer in their export and are counted here because the directory has this one customer only",
                row.devices_by_fallback
            ));
        }
        reasons.push(UcReason::new(UcCount::StandaloneDevice, "UcDevice", detail));
    }
    if row.rooms > 0 {
        reasons.push(UcReason::new(
            UcCount::MeetingRoom,
            "UcMeetingRoom",
            format!(
                "{} Teams meeting room(s): {} TeamsRoomPro, {} TeamsRoomBasic, {} other TeamsRoom*",
                row.rooms,
                row.rooms_pro,
                row.rooms_basic,
                row.rooms - row.rooms_pro - row.rooms_basic
            ),
        ));
    }
    if row.undetermined > 0 {
        reasons.push(UcReason::new(
            UcCount::Undetermined,
            "UcUserLicense",
            format!(
                "{} user(s) could not be decided and are not in UserLicenses (their records say which property is missing)",
                row.undetermined
            ),
        ));
    }
    reasons.push(UcReason::new(
        UcCount::None,
        "PhoneServers",
        "VOSS Phone Servers are not in any export this audit reads: not counted (null)",
    ));
    reasons.push(UcReason::new(
        UcCount::None,
        "Sites",
        "distinct Site values of the users and devices counted in this row",
    ));
    UcLicenseTotal {
        scope,
        provider: privacy.org(row.provider.as_deref()),
        reseller: privacy.org(row.reseller.as_deref()),
        customer: privacy.org(row.customer.as_deref()),
        customer_pkid: row.pkid.clone(),
        user_licenses: row.user_licenses,
        licensed_users: row.licensed_users,
        cisco_ms_integrated_services: row.hybrid,
        cisco_ms_integrated_services_basis: super::records::HYBRID_BASIS.to_string(),
        standalone_devices: row.devices.iter().sum(),
        meeting_rooms: row.rooms,
        phone_servers: None,
        sites,
        users_with_more_than_ten_phones: row.more_than_ten_count,
        more_than_ten_phones: row.more_than_ten.clone(),
        directory_users: row.directory_users,
        undetermined_users: row.undetermined,
        cisco_only_users: row.cisco_only,
        microsoft_only_users: row.microsoft_only,
        users_by_service: UcService::ALL
            .iter()
            .map(|s| UcServiceCount {
                service: *s,
                users: row.by_service[service_index(*s)],
            })
            .collect(),
        devices_by_kind: UcDeviceKind::ALL
            .iter()
            .map(|k| UcDeviceCount {
                kind: *k,
                devices: row.devices[device_index(*k)],
            })
            .collect(),
        excluded: row
            .excluded
            .iter()
            .map(|(e, n)| UcExclusionCount {
                reason: *e,
                count: *n,
            })
            .collect(),
        orphan_services: row.orphans,
        reasons,
        incomplete_inputs: Vec::new(),
    }
}

/// The totals under the tables, once (the UcLicenseTotal records are not also a table): one
/// row per customer, short VOSS headings, numbers right-aligned.
pub fn footer(totals: &[UcLicenseTotal]) -> Vec<String> {
    const HEADINGS: [&str; 8] = [
        "Users",
        "Hybrid",
        "Standalone",
        "Rooms",
        "Sites",
        ">10 phones",
        "Excluded",
        "Orphans",
    ];
    let rows: Vec<(String, [u64; 8])> = totals
        .iter()
        .map(|t| {
            let who = match t.scope {
                UcTotalScope::Estate => "Estate".to_string(),
                UcTotalScope::AboveCustomer => "(above customers)".to_string(),
                UcTotalScope::Customer => t
                    .customer
                    .clone()
                    .or_else(|| t.customer_pkid.clone())
                    .unwrap_or_else(|| "(customer)".into()),
            };
            let values = [
                t.user_licenses,
                t.cisco_ms_integrated_services,
                t.standalone_devices,
                t.meeting_rooms,
                t.sites,
                t.users_with_more_than_ten_phones,
                t.excluded.iter().map(|e| e.count).sum::<u64>(),
                t.orphan_services,
            ];
            (who, values)
        })
        .collect();
    // A customer name is cut to 36 characters, so the line stays within 120 columns.
    let cut = |s: &str| s.chars().take(36).collect::<String>();
    let name_width = rows
        .iter()
        .map(|(w, _)| cut(w).chars().count())
        .chain(std::iter::once("Customer".len()))
        .max()
        .unwrap_or(8);
    let line = |name: &str, cells: Vec<String>| {
        let mut l = format!("  {name:<name_width$}");
        for (cell, heading) in cells.iter().zip(HEADINGS) {
            l.push_str(&format!("  {cell:>w$}", w = heading.len().max(7)));
        }
        l
    };
    let mut lines = vec!["UC licence totals (VOSS columns):".to_string()];
    lines.push(line(
        "Customer",
        HEADINGS.iter().map(|h| h.to_string()).collect(),
    ));
    for (who, values) in rows {
        lines.push(line(
            &cut(&who),
            values.iter().map(u64::to_string).collect(),
        ));
    }
    lines
}
