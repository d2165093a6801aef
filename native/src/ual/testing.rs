//! What the counting's unit tests build on: settings, an engine, evidence rows, licence rows.

use super::engine::{Engine, Reach};
use super::evidence::{server_key, Row, RowContext, ServerFrom};
use super::licenses::{CalType, License};
use super::records::UalEvidence;
use super::roles::{Family, LicenseProduct};
use super::settings::Settings;
use super::tables::{Principals, Servers};
use crate::model::server_cal::ConsumptionMode as Mode;
use chrono::{DateTime, TimeZone, Utc};

/// Midnight UTC on a day of 2026.
pub fn day(month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, 0, 0, 0).unwrap()
}

/// Usage mode over 2026-09-01 .. 2026-11-01; contoso.com internal; contoso\admin exempt; SQL01
/// licensed per core for SQL Server; AZ01 a Windows Server VM in Azure.
pub fn settings() -> Settings {
    Settings {
        mode: Mode::Usage,
        window_start: Some(day(9, 1)),
        window_end: Some(day(11, 1)),
        internal_domains: vec!["contoso.com".into()],
        admin_accounts: vec!["contoso\\admin".into()],
        per_core: vec![(Some(Family::SqlServer), "sql01".into())],
        azure: vec!["az01".into()],
    }
}

pub fn engine(settings: &Settings) -> Engine<'_> {
    Engine {
        settings,
        servers: Servers::default(),
        users: Principals::default(),
        devices: Principals::default(),
        agg: Default::default(),
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
    let reach: Reach = engine.reach(context);
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

/// A licence row of `product` (no version, no servers, priority 100).
pub fn licence(
    row: u64,
    product: impl Into<LicenseProduct>,
    cal_type: CalType,
    quantity: u64,
) -> License {
    License {
        row,
        product: product.into(),
        version: None,
        cal_type,
        quantity,
        priority: 100,
        servers: Vec::new(),
        software_assurance: false,
        host: None,
    }
}
