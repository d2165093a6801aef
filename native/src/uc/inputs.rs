//! The exports `uc count` reads besides Get-CsOnlineUser (which lives in `crate::m365`): the user
//! directory, CUCM users and phones (AXL `getUser`/`listUser`, `listPhone`), UCCX resources,
//! Unity Connection users (CUPI), Webex people, licences and workspaces (REST), Pexip
//! conferences (management API) and Exchange Online mailboxes. Field names and shapes are in
//! docs/rules/uc-counting.md "Inputs".

use crate::ingest::record::{flattened_message, list_items, value_text};
use crate::ingest::{PsValue, Record};
use crate::model::uc::UcService;
use crate::model::InputError;
use schemars::JsonSchema;
use serde::Deserialize;

/// The organisation columns any record may carry (the directory always may; device exports
/// may, to place a device under a customer).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Org {
    pub provider: Option<String>,
    pub reseller: Option<String>,
    pub customer: Option<String>,
    pub customer_pkid: Option<String>,
    pub site: Option<String>,
}

pub const ORG_PROPERTIES: &[&str] = &["Provider", "Reseller", "Customer", "CustomerPkid", "Site"];

impl Org {
    pub fn read(r: &Record) -> Result<Org, InputError> {
        Ok(Org {
            provider: r.opt_str("Provider")?,
            reseller: r.opt_str("Reseller")?,
            customer: r.opt_str("Customer")?,
            customer_pkid: match r.opt_str("CustomerPkid")? {
                Some(p) => Some(p),
                None => r.opt_str("Customer_Pkid")?,
            },
            site: r.opt_str("Site")?,
        })
    }

    /// Names a customer (by pkid or name).
    pub fn names_customer(&self) -> bool {
        self.customer_pkid.is_some() || self.customer.is_some()
    }
}

/// List properties a REST response wraps its objects in: Webex `items`, Pexip `objects`, UCCX
/// `resource`, Unity Connection `User`.
const REST_WRAPPERS: &[&str] = &["items", "objects", "resource", "User", "users"];

/// A saved REST response (`{"items": [...]}`) reads as one record; its objects are the real
/// records. Returns them (numbered by position in the list) when `rec` is such a wrapper, i.e.
/// it lacks `key` and holds one of the wrapper lists. The reader crate has no notion of this,
/// so it is done here.
pub fn unwrap_rest(rec: Record, key: &str) -> Vec<Record> {
    if rec.get(key).is_some() {
        return vec![rec];
    }
    let list: Option<Vec<PsValue>> = REST_WRAPPERS.iter().find_map(|w| match rec.get(w) {
        Some(PsValue::List(items)) => Some(items.to_vec()),
        Some(PsValue::Object(o)) if o.get(key).is_some() => Some(vec![PsValue::Object(o.clone())]),
        _ => None,
    });
    match list {
        None => vec![rec],
        Some(items) => items
            .into_iter()
            .enumerate()
            .filter_map(|(i, item)| match item {
                PsValue::Object(o) => Some(Record::new(
                    rec.file.clone(),
                    i as u64 + 1,
                    std::sync::Arc::unwrap_or_clone(o),
                )),
                _ => None,
            })
            .collect(),
    }
}

/// The explicit link fields of a directory user, per service (VOSS data/User).
pub const LINK_FIELDS: &[(UcService, &str)] = &[
    (UcService::Cucm, "username_cucm"),
    (UcService::Uccx, "username_uccx"),
    (UcService::Unity, "username_cuc"),
    (UcService::Webex, "username_webex_teams"),
    (UcService::Teams, "username_ms_teams"),
    (UcService::Exchange, "username_ms_365"),
];

/// One row of the user directory.
#[derive(Debug, Clone, Default)]
pub struct DirectoryUser {
    pub username: Option<String>,
    pub email: Option<String>,
    pub org: Org,
    /// Per service in `LINK_FIELDS` order.
    pub links: [Option<String>; LINK_FIELDS.len()],
}

/// The directory row as the schema documents it (input).
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct UcDirectoryUserInput {
    #[serde(rename = "Username")]
    pub username: Option<String>,
    #[serde(rename = "Email")]
    pub email: Option<String>,
    #[serde(rename = "Provider")]
    pub provider: Option<String>,
    #[serde(rename = "Reseller")]
    pub reseller: Option<String>,
    #[serde(rename = "Customer")]
    pub customer: Option<String>,
    /// Blank: the user sits above any customer
    #[serde(rename = "CustomerPkid")]
    pub customer_pkid: Option<String>,
    #[serde(rename = "Site")]
    pub site: Option<String>,
    /// The CUCM userid of this user, when it differs from Username
    pub username_cucm: Option<String>,
    /// The UCCX resource userID
    pub username_uccx: Option<String>,
    /// The Unity Connection alias
    pub username_cuc: Option<String>,
    /// The Webex person's email (or id)
    pub username_webex_teams: Option<String>,
    /// The Teams UserPrincipalName
    pub username_ms_teams: Option<String>,
    /// The Exchange Online UserPrincipalName
    pub username_ms_365: Option<String>,
}

impl DirectoryUser {
    pub const PROPERTIES: &'static [&'static str] = &[
        "Username",
        "Email",
        "Provider",
        "Reseller",
        "Customer",
        "CustomerPkid",
        "Customer_Pkid",
        "Site",
        "username_cucm",
        "username_uccx",
        "username_cuc",
        "username_webex_teams",
        "username_ms_teams",
        "username_ms_365",
    ];

    pub fn read(r: &Record) -> Result<DirectoryUser, InputError> {
        let username = r.opt_str("Username")?.map(|s| s.trim().to_string());
        let email = r.opt_str("Email")?.map(|s| s.trim().to_string());
        if username.is_none() && email.is_none() {
            return Err(
                r.record_error("has neither Username nor Email: nothing can link it to a service")
            );
        }
        let mut links: [Option<String>; LINK_FIELDS.len()] = Default::default();
        for (i, (_, field)) in LINK_FIELDS.iter().enumerate() {
            links[i] = r.opt_str(field)?.map(|s| s.trim().to_string());
        }
        Ok(DirectoryUser {
            username,
            email,
            org: Org::read(r)?,
            links,
        })
    }

    pub fn link_field(&self, service: UcService) -> Option<(&'static str, &str)> {
        LINK_FIELDS
            .iter()
            .position(|(s, _)| *s == service)
            .and_then(|i| self.links[i].as_deref().map(|v| (LINK_FIELDS[i].1, v)))
    }
}

/// The text of an AXL foreign key or other nested value: a string, or an object with the value
/// in `_value_1` (zeep), `#text` (XML converted by PowerShell), `value` or `name`.
pub fn fk_text(v: &PsValue) -> Result<Option<String>, String> {
    match v {
        PsValue::Object(o) => {
            for inner in ["_value_1", "#text", "value", "name", "Name"] {
                if let Some(x) = o.get(inner) {
                    return fk_text(x);
                }
            }
            match &o.to_string {
                Some(t) if !t.trim().is_empty() => Ok(Some(t.clone())),
                _ if o.props.is_empty() => Ok(None),
                // {"uuid": ...} alone: an empty foreign key.
                _ if o.props.iter().all(|(k, _)| k.eq_ignore_ascii_case("uuid")) => Ok(None),
                _ => Err(
                    "expected text or an AXL reference ({\"_value_1\": ...}), got an object".into(),
                ),
            }
        }
        other => value_text(other),
    }
}

/// An AXL list: `{"device": ["a", "b"]}` (zeep / XML), a plain list, the Windows PowerShell 5.1
/// array wrapper, or text joined with `;`, `,` or `|` (CSV).
pub fn axl_list(r: &Record, property: &str, inner: &str) -> Result<Vec<String>, InputError> {
    let Some(v) = r.get(property) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    collect(r, property, inner, v, &mut out)?;
    Ok(out)
}

fn collect(
    r: &Record,
    property: &str,
    inner: &str,
    v: &PsValue,
    out: &mut Vec<String>,
) -> Result<(), InputError> {
    match v {
        PsValue::Null => Ok(()),
        PsValue::Flattened(t) => Err(r.error(property, flattened_message(t))),
        PsValue::Object(o) if o.get(inner).is_some() => {
            collect(r, property, inner, o.get(inner).expect("checked"), out)
        }
        PsValue::Str(s) => {
            out.extend(
                s.split([';', ',', '|'])
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(str::to_string),
            );
            Ok(())
        }
        PsValue::List(items) => {
            for item in items.iter() {
                collect(r, property, inner, item, out)?;
            }
            Ok(())
        }
        // The Windows PowerShell 5.1 array wrapper {"value": [...], "Count": n}.
        PsValue::Object(o)
            if o.get("Count").is_some() && matches!(o.get("value"), Some(PsValue::List(_))) =>
        {
            for item in list_items(v) {
                collect(r, property, inner, item, out)?;
            }
            Ok(())
        }
        other => {
            if let Some(t) = fk_text(other).map_err(|m| r.error(property, m))? {
                let t = t.trim();
                if !t.is_empty() {
                    out.push(t.to_string());
                }
            }
            Ok(())
        }
    }
}

/// An AXL end user (getUser / listUser).
#[derive(Debug, Clone)]
pub struct CucmUser {
    pub userid: String,
    pub mailid: Option<String>,
    pub devices: Vec<String>,
    pub phone_profiles: Vec<String>,
    pub remote_destination_profiles: Vec<String>,
}

impl CucmUser {
    pub const PROPERTIES: &'static [&'static str] = &[
        "userid",
        "mailid",
        "associatedDevices",
        "phoneProfiles",
        "associatedRemoteDestinationProfiles",
        BAT_USER_ID,
        BAT_MAIL_ID,
    ];

    /// An AXL user, or a row of a Bulk Administration Tool "Export Users" file (told by its
    /// `USER ID` column; see [`BAT_USER_COLUMNS`]).
    pub fn read(r: &Record) -> Result<CucmUser, InputError> {
        if r.get("userid").is_none() {
            if r.get(BAT_USER_ID).is_some() {
                return Self::read_bat(r);
            }
            if is_bat_phone(r) {
                return Err(r.error(
                    "userid",
                    "this is a CUCM Bulk Administration Tool phone export (Device Name, Device Type, Owner User ID), not a users export: give it as the CUCM phones file",
                ));
            }
        }
        Ok(CucmUser {
            userid: r.req_str("userid")?.trim().to_string(),
            mailid: r.opt_str("mailid")?.map(|s| s.trim().to_string()),
            devices: axl_list(r, "associatedDevices", "device")?,
            phone_profiles: axl_list(r, "phoneProfiles", "profileName")?,
            remote_destination_profiles: axl_list(
                r,
                "associatedRemoteDestinationProfiles",
                "remoteDestinationProfile",
            )?,
        })
    }

    /// A BAT "Export Users" row: `USER ID`, `MAIL ID`, the numbered `DEVICE NAME n` and
    /// `CONTROLLED DEVICE n` columns (the devices associated with the user) and `CONTROLLED
    /// PROFILE n` (extension mobility profiles), read in one pass over the columns.
    fn read_bat(r: &Record) -> Result<CucmUser, InputError> {
        let userid = r
            .opt_str(BAT_USER_ID)?
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| r.error(BAT_USER_ID, "required property is missing or empty"))?;
        let mut devices = Vec::new();
        let mut phone_profiles = Vec::new();
        for (name, value) in &r.obj.props {
            let list = if numbered(name.as_str(), "DEVICE NAME")
                || numbered(name.as_str(), "CONTROLLED DEVICE")
            {
                &mut devices
            } else if numbered(name.as_str(), "CONTROLLED PROFILE") {
                &mut phone_profiles
            } else {
                continue;
            };
            if let Some(t) = r.text_of(name.as_str(), Some(value))? {
                let t = t.trim();
                if !t.is_empty() && !list.iter().any(|d: &String| d.eq_ignore_ascii_case(t)) {
                    list.push(t.to_string());
                }
            }
        }
        Ok(CucmUser {
            userid,
            mailid: r.opt_str(BAT_MAIL_ID)?.map(|s| s.trim().to_string()),
            devices,
            phone_profiles,
            remote_destination_profiles: Vec::new(),
        })
    }
}

/// The Bulk Administration Tool column that tells an "Export Users" file, and its e-mail column.
pub const BAT_USER_ID: &str = "USER ID";
pub const BAT_MAIL_ID: &str = "MAIL ID";

/// How each BAT column maps onto the AXL property `uc count` reads (the table in
/// docs/rules/uc-counting.md "Inputs"); `n` stands for the column's number (1, 2, ...).
pub const BAT_USER_COLUMNS: &[(&str, &str)] = &[
    ("USER ID", "userid"),
    ("MAIL ID", "mailid"),
    ("DEVICE NAME n", "associatedDevices.device[]"),
    ("CONTROLLED DEVICE n", "associatedDevices.device[]"),
    ("CONTROLLED PROFILE n", "phoneProfiles.profileName[]"),
];
pub const BAT_PHONE_COLUMNS: &[(&str, &str)] = &[
    ("Device Name", "name"),
    ("Device Type", "product / model"),
    ("Device Protocol", "class (CTI Remote Device)"),
    ("Owner User ID", "ownerUserName"),
];

/// `name` is `prefix` followed by a number (`DEVICE NAME 12`), case-insensitively.
fn numbered(name: &str, prefix: &str) -> bool {
    let name = name.trim();
    name.len() > prefix.len()
        && name.is_char_boundary(prefix.len())
        && name[..prefix.len()].eq_ignore_ascii_case(prefix)
        && {
            let n = name[prefix.len()..].trim_start();
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
        }
}

/// A row of a BAT "Export Phones" file (its `Device Name` and `Device Type` columns).
fn is_bat_phone(r: &Record) -> bool {
    r.get("Device Name").is_some() && r.get("Device Type").is_some()
}

/// CUCM products that are CTI devices, never counted (as CUCM names them in `product`,
/// `model` or `class`).
/// `Cisco Spark Remote Device` is the Webex (Spark) remote device, a CTI remote device too.
pub const CTI_PRODUCTS: &[&str] = &[
    "CTI Port",
    "CTI Route Point",
    "CTI Remote Device",
    "Cisco Spark Remote Device",
];

/// A Universal Device Template: configuration a phone is made from (auto-registration, BAT),
/// listed by a BAT phone export among the phones; never a phone and never a service.
pub const DEVICE_TEMPLATE_TYPE: &str = "Universal Device Template";
/// The templates CUCM ships, by name (a BAT export may leave their Device Type blank).
pub const DEVICE_TEMPLATE_NAMES: &[&str] = &[
    "Auto-registration Template",
    "Sample Device Template",
    "Sample Device Template with TAG usage examples",
];

/// An AXL phone (listPhone), or a row of a BAT "Export Phones" file (told by its `Device Name`
/// column; see [`BAT_PHONE_COLUMNS`]).
#[derive(Debug, Clone)]
pub struct CucmPhone {
    pub name: String,
    pub product: Option<String>,
    pub model: Option<String>,
    pub class: Option<String>,
    pub owner: Option<String>,
    pub org: Org,
}

impl CucmPhone {
    pub const PROPERTIES: &'static [&'static str] = &[
        "name",
        "product",
        "model",
        "class",
        "ownerUserName",
        "Provider",
        "Reseller",
        "Customer",
        "CustomerPkid",
        "Customer_Pkid",
        "Site",
        "Device Name",
        "Device Type",
        "Device Protocol",
        "Owner User ID",
    ];

    pub fn read(r: &Record) -> Result<CucmPhone, InputError> {
        let text = |p: &str| -> Result<Option<String>, InputError> {
            match r.get(p) {
                None => Ok(None),
                Some(PsValue::Flattened(t)) => Err(r.error(p, flattened_message(t))),
                Some(v) => fk_text(v)
                    .map(|t| t.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()))
                    .map_err(|m| r.error(p, m)),
            }
        };
        if r.get("name").is_none() && r.get("Device Name").is_some() {
            let device_type = text("Device Type")?;
            return Ok(CucmPhone {
                name: text("Device Name")?.ok_or_else(|| {
                    r.error("Device Name", "required property is missing or empty")
                })?,
                product: device_type.clone(),
                model: device_type,
                class: text("Device Protocol")?,
                owner: text("Owner User ID")?,
                org: Org::read(r)?,
            });
        }
        if r.get("name").is_none() && r.get(BAT_USER_ID).is_some() {
            return Err(r.error(
                "name",
                "this is a CUCM Bulk Administration Tool users export (USER ID, MAIL ID, DEVICE NAME n), not a phones export: give it as the CUCM users file",
            ));
        }
        Ok(CucmPhone {
            name: text("name")?
                .ok_or_else(|| r.error("name", "required property is missing or empty"))?,
            product: text("product")?,
            model: text("model")?,
            class: text("class")?,
            owner: text("ownerUserName")?,
            org: Org::read(r)?,
        })
    }

    /// The CTI product this phone is, if it is one (the BAT Device Protocol of a Cisco Spark
    /// Remote Device or a Jabber remote device is `CTI Remote Device`).
    pub fn cti(&self) -> Option<&str> {
        [&self.product, &self.model, &self.class]
            .into_iter()
            .flatten()
            .find(|v| {
                CTI_PRODUCTS
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(v.trim()))
            })
            .map(String::as_str)
    }

    /// Whether this row is a Universal Device Template (configuration, not a phone).
    pub fn is_template(&self) -> bool {
        [&self.product, &self.model, &self.class]
            .into_iter()
            .flatten()
            .any(|v| v.trim().eq_ignore_ascii_case(DEVICE_TEMPLATE_TYPE))
            || DEVICE_TEMPLATE_NAMES
                .iter()
                .any(|n| n.eq_ignore_ascii_case(self.name.trim()))
    }
}

/// A UCCX resource (agent or supervisor; `/adminapi/resource`).
#[derive(Debug, Clone)]
pub struct UccxAgent {
    pub user_id: String,
}

impl UccxAgent {
    pub const PROPERTIES: &'static [&'static str] = &["userID", "resource"];
    pub fn read(r: &Record) -> Result<UccxAgent, InputError> {
        Ok(UccxAgent {
            user_id: r.req_str("userID")?.trim().to_string(),
        })
    }
}

/// A Unity Connection user (CUPI `/vmrest/users`).
#[derive(Debug, Clone)]
pub struct UnityUser {
    pub alias: String,
}

impl UnityUser {
    pub const PROPERTIES: &'static [&'static str] = &["Alias", "User", "users"];
    pub fn read(r: &Record) -> Result<UnityUser, InputError> {
        Ok(UnityUser {
            alias: r.req_str("Alias")?.trim().to_string(),
        })
    }
}

/// A Webex person (`/v1/people`).
#[derive(Debug, Clone)]
pub struct WebexPerson {
    pub id: Option<String>,
    pub emails: Vec<String>,
    pub licenses: Vec<String>,
}

impl WebexPerson {
    pub const PROPERTIES: &'static [&'static str] = &["id", "emails", "email", "licenses", "items"];
    pub fn read(r: &Record) -> Result<WebexPerson, InputError> {
        let mut emails = axl_list(r, "emails", "value")?;
        emails.extend(axl_list(r, "email", "value")?);
        if emails.is_empty() {
            return Err(r.error("emails", "required property is missing or empty"));
        }
        Ok(WebexPerson {
            id: r.opt_str("id")?,
            emails,
            licenses: axl_list(r, "licenses", "id")?,
        })
    }
}

/// A Webex licence (`/v1/licenses`): its id and name.
#[derive(Debug, Clone)]
pub struct WebexLicense {
    pub id: String,
    pub name: String,
}

impl WebexLicense {
    pub fn read(r: &Record) -> Result<WebexLicense, InputError> {
        Ok(WebexLicense {
            id: r.req_str("id")?.trim().to_string(),
            name: r.req_str("name")?.trim().to_string(),
        })
    }
}

/// A Webex workspace (`/v1/workspaces`).
#[derive(Debug, Clone)]
pub struct WebexWorkspace {
    pub id: Option<String>,
    pub display_name: Option<String>,
    /// `calling.type`; None when the export has no calling information.
    pub calling_type: Option<String>,
    pub org: Org,
}

impl WebexWorkspace {
    pub const PROPERTIES: &'static [&'static str] = &[
        "id",
        "displayName",
        "calling",
        "items",
        "Provider",
        "Reseller",
        "Customer",
        "CustomerPkid",
        "Customer_Pkid",
        "Site",
    ];

    pub fn read(r: &Record) -> Result<WebexWorkspace, InputError> {
        let calling_type = match r.get("calling") {
            None => None,
            Some(PsValue::Object(o)) => match o.get("type") {
                Some(t) => value_text(t).map_err(|m| r.error("calling", m))?,
                None => None,
            },
            // CSV exports flatten calling.type into the calling column.
            Some(v) => fk_text(v).map_err(|m| r.error("calling", m))?,
        };
        let display_name = r.opt_str("displayName")?;
        let id = r.opt_str("id")?;
        if display_name.is_none() && id.is_none() {
            return Err(r.record_error("has neither id nor displayName"));
        }
        Ok(WebexWorkspace {
            id,
            display_name,
            calling_type: calling_type.map(|t| t.trim().to_string()),
            org: Org::read(r)?,
        })
    }
}

/// A Pexip Infinity conference (`/api/admin/configuration/v1/conference/`).
#[derive(Debug, Clone)]
pub struct PexipConference {
    pub name: String,
    pub service_type: Option<String>,
    pub owner_email: Option<String>,
}

impl PexipConference {
    pub const PROPERTIES: &'static [&'static str] = &[
        "name",
        "service_type",
        "primary_owner_email_address",
        "objects",
    ];
    pub fn read(r: &Record) -> Result<PexipConference, InputError> {
        Ok(PexipConference {
            name: r.req_str("name")?,
            service_type: r.opt_str("service_type")?,
            owner_email: r
                .opt_str("primary_owner_email_address")?
                .map(|s| s.trim().to_string()),
        })
    }
}

/// An Exchange Online mailbox (Get-EXOMailbox / Get-Mailbox).
#[derive(Debug, Clone)]
pub struct Mailbox {
    pub user_principal_name: String,
    pub recipient_type_details: Option<String>,
}

impl Mailbox {
    pub const PROPERTIES: &'static [&'static str] = &["UserPrincipalName", "RecipientTypeDetails"];
    pub fn read(r: &Record) -> Result<Mailbox, InputError> {
        Ok(Mailbox {
            user_principal_name: r.req_str("UserPrincipalName")?.trim().to_string(),
            recipient_type_details: r.opt_str("RecipientTypeDetails")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::PsObject;
    use std::sync::Arc;

    fn obj(props: Vec<(&str, PsValue)>) -> PsValue {
        let mut o = PsObject::default();
        for (k, v) in props {
            o.insert(k.to_string(), v);
        }
        PsValue::object(o)
    }

    fn rec(props: Vec<(&str, PsValue)>) -> Record {
        let PsValue::Object(o) = obj(props) else {
            unreachable!()
        };
        Record::new(Arc::from("cucm.json"), 1, Arc::unwrap_or_clone(o))
    }

    fn s(x: &str) -> PsValue {
        PsValue::Str(x.into())
    }

    #[test]
    fn axl_lists_in_every_shape() {
        let r = rec(vec![
            ("userid", s("jdoe")),
            (
                "associatedDevices",
                obj(vec![(
                    "device",
                    PsValue::list(vec![s("SEP1"), s("CSFJDOE")]),
                )]),
            ),
            (
                "phoneProfiles",
                obj(vec![(
                    "profileName",
                    PsValue::list(vec![obj(vec![
                        ("_value_1", s("jdoe-EM")),
                        ("uuid", s("{X}")),
                    ])]),
                )]),
            ),
            ("associatedRemoteDestinationProfiles", PsValue::Null),
        ]);
        let u = CucmUser::read(&r).unwrap();
        assert_eq!(u.devices, vec!["SEP1", "CSFJDOE"]);
        assert_eq!(u.phone_profiles, vec!["jdoe-EM"]);
        assert!(u.remote_destination_profiles.is_empty());

        let r = rec(vec![
            ("userid", s("a")),
            ("associatedDevices", s("SEP1; SEP2")),
        ]);
        assert_eq!(CucmUser::read(&r).unwrap().devices, vec!["SEP1", "SEP2"]);
        let r = rec(vec![
            ("userid", s("a")),
            ("associatedDevices", obj(vec![("device", s("SEP9"))])),
        ]);
        assert_eq!(CucmUser::read(&r).unwrap().devices, vec!["SEP9"]);
        let r = rec(vec![
            ("userid", s("a")),
            (
                "associatedDevices",
                PsValue::Flattened("System.Object[]".into()),
            ),
        ]);
        assert!(CucmUser::read(&r).is_err());
    }

    #[test]
    fn owner_as_axl_reference_or_text() {
        let r = rec(vec![
            ("name", s("SEP001122334455")),
            ("product", s("Cisco 8841")),
            (
                "ownerUserName",
                obj(vec![("_value_1", s("jdoe")), ("uuid", s("{A}"))]),
            ),
        ]);
        let p = CucmPhone::read(&r).unwrap();
        assert_eq!(p.owner.as_deref(), Some("jdoe"));
        assert_eq!(p.cti(), None);
        let r = rec(vec![
            ("name", s("CTIRP1")),
            ("product", s("CTI Route Point")),
            (
                "ownerUserName",
                obj(vec![("_value_1", PsValue::Null), ("uuid", PsValue::Null)]),
            ),
        ]);
        let p = CucmPhone::read(&r).unwrap();
        assert_eq!(p.owner, None);
        assert_eq!(p.cti(), Some("CTI Route Point"));
    }
}
