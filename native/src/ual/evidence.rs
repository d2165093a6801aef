//! Reading access evidence — Get-UalUserAccess / DeviceAccess / Daily*Access / Overview output
//! and FlexNet ConsolidatedAccessEvidence spreadsheets — and normalising principals.

use super::roles::{self, find_role, license_product, version_year, Family};
use crate::ingest::record::SelectMemo;
use crate::ingest::value::Selection;
use crate::ingest::{PsValue, Record};
use crate::model::InputError;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The server a record came from, compared by its short name (`SQL001` = `sql001.contoso.com`).
pub fn server_key(name: &str) -> String {
    name.trim()
        .split('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// What Get-UalSystemId says about one server.
#[derive(Debug, Clone)]
pub struct SystemInfo {
    pub name: String,
    pub windows_year: Option<u16>,
    pub cores: Option<i64>,
    /// SystemSMBIOSUUID: what Get-UalServerUser / Get-UalServerDevice rows name the server by.
    pub uuid: Option<String>,
}

/// The servers Get-UalSystemId described, by short name and by SMBIOS UUID.
#[derive(Debug, Clone, Default)]
pub struct Systems {
    pub by_key: std::collections::BTreeMap<String, SystemInfo>,
}

impl Systems {
    pub fn insert(&mut self, key: String, info: SystemInfo) {
        self.by_key.insert(key, info);
    }
    pub fn get(&self, key: &str) -> Option<&SystemInfo> {
        self.by_key.get(key)
    }
    fn by_uuid(&self, uuid: &str) -> Option<&SystemInfo> {
        let uuid = uuid.trim();
        self.by_key.values().find(|s| {
            s.uuid
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case(uuid))
        })
    }
    /// The only server described, when there is exactly one (a local collection).
    pub fn only(&self) -> Option<&SystemInfo> {
        (self.by_key.len() == 1)
            .then(|| self.by_key.values().next())
            .flatten()
    }
}

impl SystemInfo {
    pub fn read(r: &Record) -> Result<(String, SystemInfo), InputError> {
        let name = match r.opt_str("SystemDNSHostName")? {
            Some(n) => n,
            None => r.req_str("PSComputerName")?,
        };
        let (major, minor, build) = (
            r.opt_int("OSMajor")?,
            r.opt_int("OSMinor")?,
            r.opt_int("OSBuildNumber")?,
        );
        let windows_year = match (major, minor) {
            (Some(a), Some(b)) => roles::windows_year(a, b, build.unwrap_or(0)),
            _ => None,
        };
        let cores = match (
            r.opt_int("PhysicalProcessorCount")?,
            r.opt_int("CoresPerPhysicalProcessor")?,
        ) {
            (Some(p), Some(c)) => Some(p * c),
            _ => None,
        };
        Ok((
            server_key(&name),
            SystemInfo {
                name,
                windows_year,
                cores,
                uuid: r.opt_str("SystemSMBIOSUUID")?,
            },
        ))
    }
}

pub use crate::model::server_cal::PrincipalKind;

/// The field an error names when a row names no server.
pub const NO_SERVER_FIELD: &str = "PSComputerName";

/// Where an evidence row's server name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerFrom {
    /// The row itself (PSComputerName, ComputerName, ComputerID).
    Row,
    /// The row's UUID matched a Get-UalSystemId SystemSMBIOSUUID.
    SystemUuid,
    /// The row names no server (collected locally): the fallback server was used.
    Fallback,
}

/// The server to assume for rows that name none, and how it is known.
#[derive(Debug, Clone)]
pub struct FallbackServer {
    pub name: String,
    /// e.g. "given by the admin", "the only server in the Get-UalSystemId export"
    pub because: String,
}

/// Why a principal of either kind does not consume a CAL (the one place both rules are applied).
pub fn exclusion<A: AsRef<str>>(
    kind: PrincipalKind,
    name: &str,
    admin_accounts: &[A],
) -> Option<&'static str> {
    match kind {
        PrincipalKind::User => user_exclusion(name, admin_accounts),
        PrincipalKind::Device => device_exclusion(name),
    }
}

/// Why a user does not consume a CAL.
pub fn user_exclusion<A: AsRef<str>>(user: &str, admin_accounts: &[A]) -> Option<&'static str> {
    let u = user.trim();
    if u.is_empty() {
        return Some("BlankUserName");
    }
    if u.ends_with('$') {
        return Some("ComputerAccount");
    }
    const SYSTEM: &[&str] = &[
        "nt authority\\system",
        "nt authority\\local service",
        "nt authority\\network service",
        "nt authority\\anonymous logon",
        "nt authority\\iusr",
        "anonymous",
        "iusr",
    ];
    const SYSTEM_DOMAINS: &[&str] = &[
        "nt service\\",
        "iis apppool\\",
        "window manager\\",
        "font driver host\\",
        "nt virtual machine\\",
    ];
    if SYSTEM.contains(&u) || SYSTEM_DOMAINS.iter().any(|d| u.starts_with(d)) {
        return Some("SystemAccount");
    }
    if admin_accounts
        .iter()
        .map(AsRef::as_ref)
        .any(|a: &str| a.eq_ignore_ascii_case(u) || a == normalise_user(u))
    {
        return Some("AdminAccount");
    }
    None
}

/// Loopback and IPv6 device evidence is reported, not counted (FlexNet excludes IPv6 devices).
pub fn device_exclusion(device: &str) -> Option<&'static str> {
    let d = device.trim();
    if d.is_empty() {
        return Some("BlankDevice");
    }
    if d == "::1" || d.starts_with("127.") {
        return Some("Loopback");
    }
    if d.contains(':') {
        return Some("Ipv6Device");
    }
    None
}

/// `DOMAIN/sam` (FlexNet) and `DOMAIN\sam` (UAL) → `domain\sam`; UPNs lower-cased.
pub fn normalise_user(u: &str) -> String {
    let mut s = String::new();
    normalise_user_into(&mut s, u);
    s
}

/// [`normalise_user`] into a buffer the caller reuses: it runs for every evidence row.
pub fn normalise_user_into(s: &mut String, u: &str) {
    s.clear();
    s.push_str(u.trim());
    // Windows account names are case-insensitive, beyond ASCII too (`CONTOSO\Zoë`).
    if s.is_ascii() {
        s.make_ascii_lowercase();
    } else {
        *s = s.to_lowercase();
    }
    if s.contains('/') {
        *s = s.replace('/', "\\");
    }
}

/// Whether `needle` (lower case ASCII) occurs in `text`, ignoring ASCII case, without copying
/// `text`.
fn contains_ignore_ascii_case(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The domain part of a normalised user: `contoso` of `contoso\peter`, `fabrikam.com` of a UPN.
pub fn user_domain(u: &str) -> Option<&str> {
    u.split_once('\\')
        .map(|(d, _)| d)
        .or_else(|| u.split_once('@').map(|(_, d)| d))
}

fn flexnet_date(r: &Record, name: &str) -> Result<Option<DateTime<Utc>>, InputError> {
    match r.opt_str(name)? {
        Some(s) if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) => {
            NaiveDate::parse_from_str(&s, "%Y%m%d")
                .map(|d| Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))))
                .map_err(|e| r.error(name, format!("'{s}' is not a yyyyMMdd date: {e}")))
        }
        Some(_) => r.opt_date(name),
        None => Ok(None),
    }
}

/// Properties the evidence readers use (wide exports skip the rest), in the order of a row's
/// [`Slots`].
pub const PROPERTIES: &[&str] = &[
    "PSComputerName",
    "ComputerName",
    "ProductName",
    "RoleName",
    "RoleGuid",
    "GUID",
    "UserName",
    "IPAddress",
    "FirstSeen",
    "LastSeen",
    "AccessDate",
    "ActivityCount",
    "AccessCount",
    "ComputerID",
    "Version",
    "Edition",
    "AccessingDeviceIPAddress",
    "AccessingDeviceComputerName",
    "AccessingUser",
    "InventoryDate",
    "UUID",
    "ChassisSerialNumber",
    // Get-UalSystemId rows mixed into an evidence file.
    "SystemDNSHostName",
    "SystemDomainName",
    "SystemSMBIOSUUID",
    "OSMajor",
    "OSMinor",
    "OSBuildNumber",
    "PhysicalProcessorCount",
    "CoresPerPhysicalProcessor",
    // Get-UalCalEvidence's note of a server that gave no evidence (LicenseAudit.UalEvidenceGap).
    "RecordType",
    "Query",
    "Reason",
];

/// A row's values of [`PROPERTIES`], found in one pass over the row: slot `i` holds
/// `PROPERTIES[i]`.
pub type Slots<'r> = [Option<&'r PsValue>; PROPERTIES.len()];

/// Where `name` is in [`PROPERTIES`]; a name not there fails the build.
const fn at(name: &str) -> usize {
    let mut i = 0;
    while i < PROPERTIES.len() {
        let p = PROPERTIES[i].as_bytes();
        let n = name.as_bytes();
        if p.len() == n.len() {
            let mut j = 0;
            while j < n.len() && p[j] == n[j] {
                j += 1;
            }
            if j == n.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("not one of the evidence PROPERTIES")
}

const PS_COMPUTER_NAME: usize = at("PSComputerName");
const COMPUTER_NAME: usize = at("ComputerName");
const PRODUCT_NAME: usize = at("ProductName");
const ROLE_NAME: usize = at("RoleName");
const ROLE_GUID: usize = at("RoleGuid");
const GUID: usize = at("GUID");
const USER_NAME: usize = at("UserName");
const IP_ADDRESS: usize = at("IPAddress");
const FIRST_SEEN: usize = at("FirstSeen");
const LAST_SEEN: usize = at("LastSeen");
const ACCESS_DATE: usize = at("AccessDate");
const ACTIVITY_COUNT: usize = at("ActivityCount");
const ACCESS_COUNT: usize = at("AccessCount");
const COMPUTER_ID: usize = at("ComputerID");
const UUID: usize = at("UUID");
const CHASSIS_SERIAL_NUMBER: usize = at("ChassisSerialNumber");
const SYSTEM_DNS_HOST_NAME: usize = at("SystemDNSHostName");
const OS_MAJOR: usize = at("OSMajor");
const RECORD_TYPE: usize = at("RecordType");

/// The `RecordType` of Get-UalCalEvidence's note of a server that gave no evidence.
pub const GAP_RECORD_TYPE: &str = "UalEvidenceGap";

/// What one row of an evidence file is: `ual compliance` reads each kind with its own reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// Get-UalCalEvidence's note of a server that gave no evidence ([`GapInfo::read`]).
    Gap,
    /// Get-UalSystemId output mixed into the evidence ([`SystemInfo::read`]).
    System,
    /// Access evidence ([`EvidenceReader::read`]).
    Access,
}

/// Which kind of row `r` is (its [`Slots`] found already).
pub fn row_kind(r: &Record, slots: &Slots) -> RowKind {
    if is_gap_row(r, slots) {
        RowKind::Gap
    } else if is_system_row(slots) {
        RowKind::System
    } else {
        RowKind::Access
    }
}

/// Decodes one row as `ual compliance` does, keeping nothing (what `inspect` runs to say which
/// rows the audit will refuse). A row that names no server is read as the audit reads it when
/// it is told no server for such rows (neither a server name nor a Get-UalSystemId export).
pub fn check_row(reader: &mut EvidenceReader<()>, r: &Record) -> Result<(), InputError> {
    let slots = reader.slots(r);
    match row_kind(r, &slots) {
        RowKind::Gap => GapInfo::read(r).map(drop),
        RowKind::System => SystemInfo::read(r).map(drop),
        RowKind::Access => reader
            .read(r, &slots, &Systems::default(), None, |_| ())
            .map(drop),
    }
}

/// Whether a row is Get-UalSystemId output (it may be mixed into an evidence file).
pub fn is_system_row(slots: &Slots) -> bool {
    slots[SYSTEM_DNS_HOST_NAME].is_some() && slots[OS_MAJOR].is_some()
}

/// Whether a row is Get-UalCalEvidence's note of a server whose evidence is missing
/// (`RecordType` UalEvidenceGap, or a CLIXML object of type LicenseAudit.UalEvidenceGap).
pub fn is_gap_row(r: &Record, slots: &Slots) -> bool {
    let by_type = slots[RECORD_TYPE]
        .and_then(|v| match v {
            PsValue::Str(s) => Some(s.trim().eq_ignore_ascii_case(GAP_RECORD_TYPE)),
            _ => None,
        })
        .unwrap_or(false);
    by_type
        || r.obj.type_names.first().is_some_and(|t| {
            let t = t.strip_prefix("Deserialized.").unwrap_or(t);
            t.eq_ignore_ascii_case("LicenseAudit.UalEvidenceGap")
        })
}

/// A server whose evidence is missing, as Get-UalCalEvidence noted it: the server, the query
/// that failed (New-CimSession, Get-UalUserAccess, ...) and why.
#[derive(Debug, Clone)]
pub struct GapInfo {
    pub computer_name: String,
    pub query: Option<String>,
    pub reason: Option<String>,
}

impl GapInfo {
    /// Reads a gap row (see [`is_gap_row`]): `ComputerName` (or `PSComputerName`) is required.
    pub fn read(r: &Record) -> Result<GapInfo, InputError> {
        let computer_name =
            match r.opt_str("ComputerName")? {
                Some(n) => n,
                None => match r.opt_str("PSComputerName")? {
                    Some(n) => n,
                    None => return Err(r.error(
                        "ComputerName",
                        "a UalEvidenceGap record must name the server whose evidence is missing",
                    )),
                },
            };
        Ok(GapInfo {
            computer_name: computer_name.trim().to_string(),
            query: r.opt_str("Query")?,
            reason: r.opt_str("Reason")?,
        })
    }
}

/// What every evidence row of one server, role (or FlexNet product) and export shape has in
/// common: worked out once per distinct combination, not per row (a server's export repeats
/// the same server, role and product on every one of its rows).
#[derive(Debug, Clone)]
pub struct RowContext {
    pub server: String,
    pub server_key: String,
    /// How the server was known.
    pub server_from: ServerFrom,
    /// Get-UalUserAccess, Get-UalDailyAccess, FlexNet spreadsheet, ...
    pub source: &'static str,
    pub role_guid: Option<String>,
    pub role_name: Option<String>,
    pub product_name: Option<String>,
    /// Product families this access needs CALs for, with the server/product version (year).
    pub products: Vec<(Family, Option<u16>)>,
    pub recognized: bool,
    /// Windows Server evidence created because the server has no UAL (FlexNet's rule).
    pub implied_windows: bool,
}

/// One evidence row, recognised (or not) and normalised: its context, what the caller keeps per
/// context (`T`), and what is the row's own.
#[derive(Debug)]
pub struct Row<'a, T> {
    pub context: &'a RowContext,
    pub kept: &'a T,
    /// Normalised (`domain\user`, lower case); empty when the row has a blank UserName.
    pub user: Option<&'a str>,
    /// Lower case.
    pub device: Option<&'a str>,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub count: Option<i64>,
}

/// A map looked up once per evidence row: a fast hasher, randomly seeded so a crafted file
/// cannot aim collisions at it. Nothing iterates one without sorting.
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Reads evidence rows. Each distinct combination of what decides a row's context (server,
/// role, product, which properties the export has) is looked up by those texts and worked out
/// once, along with what the caller keeps for it (`T`); only the principal, dates and count are
/// read for every row.
pub struct EvidenceReader<T> {
    contexts: Vec<(RowContext, T)>,
    by_key: FastMap<Box<[u8]>, u32>,
    /// The lookup key of the row being read (reused).
    key: Vec<u8>,
    user: String,
    device: String,
    memo: SelectMemo,
    /// The context of the last Get-Ual* row, with its shape and server bits.
    last: Option<(u32, u8)>,
}

impl<T> Default for EvidenceReader<T> {
    fn default() -> Self {
        EvidenceReader {
            contexts: Vec::new(),
            by_key: FastMap::default(),
            key: Vec::new(),
            user: String::new(),
            device: String::new(),
            memo: SelectMemo::default(),
            last: None,
        }
    }
}

/// Contexts an [`EvidenceReader`] keeps at most (an estate has a few per server).
pub const MAX_CONTEXTS: usize = 4096;

/// Separates the texts of a context key: a byte UTF-8 text never holds.
const KEY_SEPARATOR: u8 = 0xFF;

impl<T> EvidenceReader<T> {
    /// The slots of one row.
    pub fn slots<'r>(&mut self, r: &'r Record) -> Slots<'r> {
        static SELECT: LazyLock<Selection> = LazyLock::new(|| Selection::new(PROPERTIES));
        r.select_refs_memo(&SELECT, &mut self.memo)
    }

    /// Forgets every context: what they were worked out from (the servers' Windows versions,
    /// the server assumed for rows that name none) has changed.
    pub fn forget(&mut self) {
        self.contexts.clear();
        self.by_key.clear();
        self.last = None;
    }

    /// Reads one row (its [`Slots`] found already); `keep` makes what the caller keeps for a
    /// context the first time one is seen.
    pub fn read(
        &mut self,
        r: &Record,
        slots: &Slots,
        systems: &Systems,
        fallback: Option<&FallbackServer>,
        keep: impl FnOnce(&RowContext) -> T,
    ) -> Result<Row<'_, T>, InputError> {
        if slots[COMPUTER_ID].is_some() {
            return self.read_flexnet(r, systems, keep);
        }
        // Read in the order errors are looked for: a row with several bad properties names the
        // first of these.
        let uuid = r.text_of("UUID", slots[UUID])?;
        let (server, server_from) = match r.text_of("PSComputerName", slots[PS_COMPUTER_NAME])? {
            Some(s) => (s, ServerFrom::Row),
            None => match r.text_of("ComputerName", slots[COMPUTER_NAME])? {
                Some(s) => (s, ServerFrom::Row),
                None => match (uuid.as_deref().and_then(|u| systems.by_uuid(u)), fallback) {
                    (Some(sys), _) => (Cow::Borrowed(sys.name.as_str()), ServerFrom::SystemUuid),
                    (None, Some(f)) => (Cow::Borrowed(f.name.as_str()), ServerFrom::Fallback),
                    (None, None) => {
                        return Err(r.error(NO_SERVER_FIELD, "the row names no server: PSComputerName is empty when UAL is read on the server itself (no -CimSession). Name the server the evidence comes from (ComputerName), or give that server's Get-UalSystemId output with it"))
                    }
                },
            },
        };
        let guid = match r.text_of("RoleGuid", slots[ROLE_GUID])? {
            Some(g) => Some(g),
            None => r.text_of("GUID", slots[GUID])?,
        };
        let role_name = r.text_of("RoleName", slots[ROLE_NAME])?;
        let product_name = r.text_of("ProductName", slots[PRODUCT_NAME])?;
        let user = r.text_of("UserName", slots[USER_NAME])?;
        let device = r.text_of("IPAddress", slots[IP_ADDRESS])?;
        let shape = UalShape {
            has_user: slots[USER_NAME].is_some(),
            has_device: slots[IP_ADDRESS].is_some(),
            daily: slots[ACCESS_DATE].is_some(),
            // Get-UalServerUser / Get-UalServerDevice: access to the server as a whole (no
            // role), the server named by its SMBIOS UUID and chassis serial number.
            server_level: guid.is_none()
                && role_name.is_none()
                && (slots[UUID].is_some() || slots[CHASSIS_SERIAL_NUMBER].is_some()),
        };
        let (first_seen, last_seen) = if shape.daily {
            let d = r.date_of("AccessDate", slots[ACCESS_DATE])?;
            (d, d)
        } else {
            (
                r.date_of("FirstSeen", slots[FIRST_SEEN])?,
                r.date_of("LastSeen", slots[LAST_SEEN])?,
            )
        };
        let count = match r.int_of("ActivityCount", slots[ACTIVITY_COUNT])? {
            Some(c) => Some(c),
            None => r.int_of("AccessCount", slots[ACCESS_COUNT])?,
        };

        let bits = shape.bits() | (server_from as u8) << 4;
        // Rows come grouped by server and role (an export is one server's, in role order): the
        // last row's context is tried first, by its texts, before a key is made and looked up.
        let same_as_last = self.last.filter(|&(id, last_bits)| {
            let c = &self.contexts[id as usize].0;
            last_bits == bits
                && c.server == *server
                && c.role_guid.as_deref() == guid.as_deref()
                && c.role_name.as_deref() == role_name.as_deref()
                && c.product_name.as_deref() == product_name.as_deref()
        });
        let found = match same_as_last {
            Some((id, _)) => Some(id),
            None => {
                self.key.clear();
                self.key.extend_from_slice(&[b'U', bits]);
                for text in [
                    Some(&server),
                    guid.as_ref(),
                    role_name.as_ref(),
                    product_name.as_ref(),
                ] {
                    if let Some(t) = text {
                        self.key.extend_from_slice(t.as_bytes());
                    }
                    self.key.push(KEY_SEPARATOR);
                }
                self.by_key.get(self.key.as_slice()).copied()
            }
        };
        let id = match found {
            Some(id) => id,
            None => {
                let context = ual_context(
                    server.into_owned(),
                    server_from,
                    guid.map(Cow::into_owned),
                    role_name.map(Cow::into_owned),
                    product_name.map(Cow::into_owned),
                    shape,
                    systems,
                );
                self.remember(context, keep)
            }
        };
        self.last = Some((id, bits));
        // A UserName named but blank is a row of evidence whose user is missing (BlankUserName).
        Ok(self.row(
            id,
            user.as_deref(),
            shape.has_user,
            device.as_deref(),
            (first_seen, last_seen),
            count,
        ))
    }

    /// A row of context `id`, its principals normalised into the reader's buffers; `blank_user`:
    /// a row without a user still names one, blank.
    fn row(
        &mut self,
        id: u32,
        user: Option<&str>,
        blank_user: bool,
        device: Option<&str>,
        (first_seen, last_seen): (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
        count: Option<i64>,
    ) -> Row<'_, T> {
        let user = match user {
            Some(u) => {
                normalise_user_into(&mut self.user, u);
                Some(self.user.as_str())
            }
            None => blank_user.then_some(""),
        };
        let device = device.map(|d| {
            self.device.clear();
            self.device.push_str(d.trim());
            self.device.make_ascii_lowercase();
            self.device.as_str()
        });
        let (context, kept) = &self.contexts[id as usize];
        Row {
            context,
            kept,
            user,
            device,
            first_seen,
            last_seen,
            count,
        }
    }

    fn remember(&mut self, context: RowContext, keep: impl FnOnce(&RowContext) -> T) -> u32 {
        // A file of ever new combinations (a product name per row) must not make memory grow
        // with its rows: past the cap the contexts start over, and are worked out again as met
        // (what is kept for one is the same each time it is made).
        if self.contexts.len() >= MAX_CONTEXTS {
            self.forget();
        }
        let id = self.contexts.len() as u32;
        let kept = keep(&context);
        self.contexts.push((context, kept));
        self.by_key.insert(self.key.as_slice().into(), id);
        id
    }

    /// A ConsolidatedAccessEvidence row: ComputerID, ProductName, Version, Edition,
    /// AccessingDevice*, AccessingUser (DOMAIN/sam), AccessDate (yyyyMMdd), AccessCount.
    fn read_flexnet(
        &mut self,
        r: &Record,
        systems: &Systems,
        keep: impl FnOnce(&RowContext) -> T,
    ) -> Result<Row<'_, T>, InputError> {
        let server = r.req_str("ComputerID")?;
        let product_name = r.opt_str("ProductName")?;
        let version = r.opt_str("Version")?;
        let edition = r.opt_str("Edition")?;
        let user = r.opt_str("AccessingUser")?;
        let device = match r.opt_str("AccessingDeviceComputerName")? {
            Some(d) => Some(d),
            None => r.opt_str("AccessingDeviceIPAddress")?,
        };
        if user.is_none() && device.is_none() {
            return Err(r.record_error(
                "gives neither AccessingUser nor an accessing device; one is required",
            ));
        }
        let date = flexnet_date(r, "AccessDate")?;
        let count = r.opt_int("AccessCount")?;

        self.key.clear();
        self.key.push(b'F');
        for text in [
            Some(&server),
            product_name.as_ref(),
            version.as_ref(),
            edition.as_ref(),
        ] {
            if let Some(t) = text {
                self.key.extend_from_slice(t.as_bytes());
            }
            self.key.push(KEY_SEPARATOR);
        }
        let id = match self.by_key.get(self.key.as_slice()) {
            Some(id) => *id,
            None => {
                let context = flexnet_context(
                    server,
                    product_name,
                    version.as_deref(),
                    edition.as_deref(),
                    systems,
                );
                self.remember(context, keep)
            }
        };
        // Not a Get-Ual* context: never taken for the next row's by its texts.
        self.last = None;
        Ok(self.row(
            id,
            user.as_deref(),
            false,
            device.as_deref(),
            (date, date),
            count,
        ))
    }
}

/// Which properties a UAL row has: what decides the cmdlet it came from.
#[derive(Debug, Clone, Copy)]
struct UalShape {
    has_user: bool,
    has_device: bool,
    daily: bool,
    server_level: bool,
}

impl UalShape {
    fn bits(self) -> u8 {
        u8::from(self.has_user)
            | u8::from(self.has_device) << 1
            | u8::from(self.daily) << 2
            | u8::from(self.server_level) << 3
    }

    fn source(self) -> &'static str {
        match (self.has_user, self.has_device, self.daily) {
            _ if self.server_level && self.has_user => "Get-UalServerUser",
            _ if self.server_level && self.has_device => "Get-UalServerDevice",
            (true, true, _) => "Get-UalDailyAccess",
            (true, false, true) => "Get-UalDailyUserAccess",
            (true, false, false) => "Get-UalUserAccess",
            (false, true, true) => "Get-UalDailyDeviceAccess",
            (false, true, false) => "Get-UalDeviceAccess",
            (false, false, _) => "Get-UalOverview",
        }
    }
}

/// The context of a Get-Ual* row: which products the role needs CALs for, at which version.
fn ual_context(
    server: String,
    server_from: ServerFrom,
    guid: Option<String>,
    role_name: Option<String>,
    product_name: Option<String>,
    shape: UalShape,
    systems: &Systems,
) -> RowContext {
    let key = server_key(&server);
    let os_year = systems.get(&key).and_then(|s| s.windows_year).or_else(|| {
        product_name
            .as_deref()
            .filter(|p| contains_ignore_ascii_case(p, "windows"))
            .and_then(version_year)
    });
    let mut products = Vec::new();
    let role = find_role(guid.as_deref(), role_name.as_deref());
    if let Some(role) = role {
        products.push((Family::WindowsServer, os_year));
        if let Some(extra) = role.extra_product {
            // SQL Server Express and Developer are free: their users need no SQL Server CAL
            // (the Windows Server CAL for the host still applies).
            let free = extra == Family::SqlServer
                && product_name.as_deref().is_some_and(roles::free_sql_edition);
            if !free {
                products.push((extra, product_name.as_deref().and_then(version_year)));
            }
        }
    } else if shape.server_level {
        // Any client access to a Windows server needs a Windows Server CAL.
        products.push((Family::WindowsServer, os_year));
    }
    RowContext {
        server,
        server_key: key,
        server_from,
        source: shape.source(),
        role_guid: guid,
        role_name,
        product_name,
        recognized: role.is_some() || shape.server_level,
        products,
        implied_windows: false,
    }
}

/// The context of a FlexNet row: the product family its ProductName names, at the version its
/// Version (or name) gives, and Windows Server evidence implied where the server has no UAL.
fn flexnet_context(
    server: String,
    product_name: Option<String>,
    version: Option<&str>,
    edition: Option<&str>,
    systems: &Systems,
) -> RowContext {
    let key = server_key(&server);
    let family = product_name
        .as_deref()
        .and_then(license_product)
        .and_then(roles::LicenseProduct::family);
    let year = version
        .and_then(version_year)
        .or_else(|| product_name.as_deref().and_then(version_year));
    let os = systems.get(&key).and_then(|s| s.windows_year);
    let mut products = Vec::new();
    let mut implied_windows = false;
    // SQL Server Express and Developer are free: no SQL Server CAL (their host's Windows Server
    // CAL still applies, implied below where the server has no UAL).
    let free_sql = family == Some(Family::SqlServer)
        && [product_name.as_deref(), edition]
            .into_iter()
            .flatten()
            .any(roles::free_sql_edition);
    if let Some(f) = family {
        if f == Family::WindowsServer {
            products.push((f, year.or(os)));
        } else {
            if !free_sql {
                products.push((f, year));
            }
            // No UAL on the server (pre-2012, or never collected): the access implies Windows
            // Server CAL evidence too, as FlexNet does.
            let has_ual = os.is_some_and(|y| y >= 2012);
            if !has_ual {
                products.push((Family::WindowsServer, os));
                implied_windows = true;
            }
        }
    }
    RowContext {
        server,
        server_key: key,
        server_from: ServerFrom::Row,
        source: "FlexNet spreadsheet",
        role_guid: None,
        role_name: None,
        recognized: family.is_some(),
        product_name,
        products,
        implied_windows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusions() {
        let admins = vec!["contoso\\admin1".to_string()];
        assert_eq!(
            user_exclusion("contoso\\sql001$", &admins),
            Some("ComputerAccount")
        );
        assert_eq!(user_exclusion("", &admins), Some("BlankUserName"));
        assert_eq!(
            user_exclusion("nt authority\\system", &admins),
            Some("SystemAccount")
        );
        assert_eq!(
            user_exclusion("iis apppool\\defaultapppool", &admins),
            Some("SystemAccount")
        );
        assert_eq!(
            user_exclusion("contoso\\ADMIN1", &admins),
            Some("AdminAccount")
        );
        assert_eq!(user_exclusion("contoso\\peter", &admins), None);
        assert_eq!(device_exclusion("::1"), Some("Loopback"));
        assert_eq!(device_exclusion("127.0.0.1"), Some("Loopback"));
        assert_eq!(device_exclusion("fe80::1c2d:3e4f"), Some("Ipv6Device"));
        assert_eq!(device_exclusion("10.0.0.5"), None);
    }

    #[test]
    fn users_and_domains() {
        assert_eq!(normalise_user("CONTOSO/Peter"), "contoso\\peter");
        assert_eq!(user_domain("contoso\\peter"), Some("contoso"));
        assert_eq!(user_domain("guest@fabrikam.com"), Some("fabrikam.com"));
        assert_eq!(server_key("SQL001.contoso.com"), "sql001");
    }
}
