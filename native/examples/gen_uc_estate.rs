//! Generates a synthetic mixed UC estate for the `uc count` benchmark, as the exports arrive:
//! a user directory (JSON), Get-CsOnlineUser as PowerShell 7 `ConvertTo-Json -Depth 5` writes
//! it (~35 properties, policies as {Authority, Name}, FeatureTypes and AssignedPlan lists), CUCM
//! users (AXL getUser shape) and phones (AXL listPhone shape).
//!
//! cargo run --release --example gen_uc_estate -- --users 1000000 --cucm-users 300000 --phones 400000 --out bench-data/uc
//!
//! Shape: every directory user has a Teams account (70 % voice users, 1 % rooms, 0.5 % common
//! area phones by policy); 5 % extra Teams accounts are resource accounts, guests, disabled or
//! soft-deleted (they link to nobody). The first CUCM users own one phone each; the remaining
//! phones are extra phones (100 users get 12, listed with more than 10), CTI ports and
//! standalone phones. 20 customers, 10 sites each.

#[path = "support/gen.rs"]
mod gen;
use gen::{arg, Rng};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

const CUSTOMERS: u64 = 20;

fn main() -> std::io::Result<()> {
    let users: u64 = arg("--users", "1000000").parse().expect("--users N");
    let cucm_users: u64 = arg("--cucm-users", "300000")
        .parse()
        .expect("--cucm-users N");
    let phones: u64 = arg("--phones", "400000").parse().expect("--phones N");
    let out = PathBuf::from(arg("--out", "bench-data/uc"));
    assert!(
        cucm_users <= users && phones >= cucm_users,
        "need users >= cucm users and phones >= cucm users"
    );
    std::fs::create_dir_all(&out)?;
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);

    // The directory.
    let mut w = BufWriter::with_capacity(1 << 20, File::create(out.join("users.json"))?);
    writeln!(w, "[")?;
    for i in 0..users {
        let c = i % CUSTOMERS;
        let sep = if i + 1 < users { "," } else { "" };
        writeln!(
            w,
            "  {{\n    \"Username\": \"user{i}\",\n    \"Email\": \"user{i}@contoso{c}.com\",\n    \"Provider\": \"Northwind Voice\",\n    \"Reseller\": \"Reseller {r}\",\n    \"Customer\": \"Customer {c}\",\n    \"CustomerPkid\": \"5f1c0000-0000-4000-8000-{c:012}\",\n    \"Site\": \"Site {c}-{s}\",\n    \"username_cucm\": null,\n    \"username_ms_teams\": null\n  }}{sep}",
            r = c % 4,
            s = (i / CUSTOMERS) % 10
        )?;
    }
    writeln!(w, "]")?;
    w.flush()?;

    // Get-CsOnlineUser: one per directory user, then 5 % accounts that link to nobody.
    let extra = users / 20;
    let total = users + extra;
    let mut w = BufWriter::with_capacity(1 << 20, File::create(out.join("teams.json"))?);
    writeln!(w, "[")?;
    for i in 0..total {
        let c = i % CUSTOMERS;
        let roll = rng.below(1000);
        let (upn, account_type, interpreted, enabled, ev, features, soft, ipp) = if i < users {
            let upn = format!("user{i}@contoso{c}.com");
            if roll < 10 {
                (
                    upn,
                    "User",
                    "PureOnlineTeamsOnlyUser",
                    true,
                    true,
                    "\"Teams\", \"PhoneSystem\", \"TeamsRoomPro\"",
                    "null",
                    "null",
                )
            } else if roll < 15 {
                (upn, "User", "PureOnlineTeamsOnlyUser", true, true, "\"Teams\", \"PhoneSystem\"", "null", "{\n      \"Authority\": \"Tenant\",\n      \"Name\": \"CommonAreaPhone\"\n    }")
            } else if roll < 715 {
                (
                    upn,
                    "User",
                    "PureOnlineTeamsOnlyUser",
                    true,
                    true,
                    "\"Teams\", \"AudioConferencing\", \"PhoneSystem\", \"CallingPlan\"",
                    "null",
                    "null",
                )
            } else {
                (
                    upn,
                    "User",
                    "PureOnlineTeamsOnlyUser",
                    true,
                    false,
                    "\"Teams\", \"AudioConferencing\"",
                    "null",
                    "null",
                )
            }
        } else {
            let k = i - users;
            match k % 4 {
                0 => (
                    format!("cq{k}@contoso{c}.com"),
                    "ResourceAccount",
                    "PureOnlineApplicationInstance",
                    true,
                    true,
                    "\"VoiceApp\"",
                    "null",
                    "null",
                ),
                1 => (
                    format!("guest{k}_fabrikam.com#EXT#@contoso{c}.onmicrosoft.com"),
                    "Guest",
                    "PureOnlineTeamsOnlyUserGuest",
                    true,
                    false,
                    "",
                    "null",
                    "null",
                ),
                2 => (
                    format!("left{k}@contoso{c}.com"),
                    "User",
                    "PureOnlineTeamsOnlyUser",
                    false,
                    true,
                    "\"Teams\", \"PhoneSystem\"",
                    "null",
                    "null",
                ),
                _ => (
                    format!("deleted{k}@contoso{c}.com"),
                    "User",
                    "PureOnlineTeamsOnlyUser",
                    true,
                    true,
                    "\"Teams\", \"PhoneSystem\"",
                    "\"2026-10-20T11:00:00Z\"",
                    "null",
                ),
            }
        };
        let sep = if i + 1 < total { "," } else { "" };
        let features = if features.is_empty() {
            "[]".to_string()
        } else {
            format!("[\n      {}\n    ]", features.replace(", ", ",\n      "))
        };
        writeln!(
            w,
            r#"  {{
    "Identity": "{id:08x}-0000-4000-8000-{i:012}",
    "UserPrincipalName": "{upn}",
    "Alias": "user{i}",
    "DisplayName": "User {i}",
    "GivenName": "User",
    "Surname": "{i}",
    "City": "City {c}",
    "CountryAbbreviation": "GB",
    "Department": "Department {d}",
    "Title": "Engineer",
    "Company": "Customer {c}",
    "SipAddress": "sip:{upn}",
    "SipProxyAddress": "sip:{upn}",
    "ShadowProxyAddresses": [
      "SMTP:{upn}"
    ],
    "AccountEnabled": {enabled},
    "AccountType": "{account_type}",
    "InterpretedUserType": "{interpreted}",
    "EnterpriseVoiceEnabled": {ev},
    "FeatureTypes": {features},
    "AssignedPlan": [
      {{
        "AssignedTimestamp": "2025-01-10T09:00:00Z",
        "Capability": "MCOEV",
        "CapabilityStatus": "Enabled",
        "ServiceInstance": "MicrosoftCommunicationsOnline/EMEA-5G-S12",
        "ServicePlanId": "4828c8ec-dc2e-4779-b502-87ac9ce28ab7"
      }},
      {{
        "AssignedTimestamp": "2025-01-10T09:00:00Z",
        "Capability": "TeamsMultiGeo",
        "CapabilityStatus": "Enabled",
        "ServiceInstance": "TeamspaceAPI/EMEA",
        "ServicePlanId": "41eda15d-6b52-453b-906f-bc4a5b25a26b"
      }},
      {{
        "AssignedTimestamp": "2025-01-10T09:00:00Z",
        "Capability": "MCOSTANDARD",
        "CapabilityStatus": "Enabled",
        "ServiceInstance": "MicrosoftCommunicationsOnline/EMEA-5G-S12",
        "ServicePlanId": "0feaeb32-d00e-4d66-bd5a-43b5b83db82c"
      }}
    ],
    "LineUri": "tel:+4420{i:08}",
    "HostingProvider": "sipfed.online.lync.com",
    "TenantId": "bf19b7db-6960-41e5-a139-{c:012}",
    "UsageLocation": "GB",
    "WhenCreated": "2024-03-01T10:00:00Z",
    "WhenChanged": "2026-09-30T08:12:00Z",
    "SoftDeletionTimestamp": {soft},
    "TeamsCallingPolicy": {{
      "Authority": "Tenant",
      "Name": "AllowCalling"
    }},
    "TeamsMeetingPolicy": {{
      "Authority": "Tenant",
      "Name": "Standard"
    }},
    "TeamsMessagingPolicy": null,
    "TeamsIPPhonePolicy": {ipp},
    "OnlineVoiceRoutingPolicy": {{
      "Authority": "Tenant",
      "Name": "UK-DR"
    }},
    "TenantDialPlan": null,
    "CallingLineIdentity": null,
    "TeamsUpgradeEffectiveMode": "TeamsOnly",
    "UserValidationErrors": []
  }}{sep}"#,
            id = rng.next() as u32,
            d = i % 40,
        )?;
    }
    writeln!(w, "]")?;
    w.flush()?;

    // Phones: one per CUCM user, then extra owned phones (100 users get 11 more: 12 in all),
    // CTI ports (associated with a user, no owner) and standalone phones (no owner).
    let rest = phones - cucm_users;
    let power = 100.min(cucm_users);
    let power_phones = (power * 11).min(rest * 8 / 10);
    let extra_owned = rest * 8 / 10;
    let cti = rest / 10;
    let mut w = BufWriter::with_capacity(1 << 20, File::create(out.join("cucm-phones.json"))?);
    writeln!(w, "[")?;
    let phone = |w: &mut BufWriter<File>,
                 name: &str,
                 product: &str,
                 class: &str,
                 owner: Option<String>,
                 last: bool| {
        let owner = match owner {
            Some(o) => format!("{{\n      \"_value_1\": \"{o}\",\n      \"uuid\": \"{{A1B2C3D4-0000-0000-0000-000000000000}}\"\n    }}"),
            None => "{\n      \"_value_1\": null,\n      \"uuid\": null\n    }".to_string(),
        };
        writeln!(
            w,
            "  {{\n    \"name\": \"{name}\",\n    \"description\": \"{name}\",\n    \"product\": \"{product}\",\n    \"model\": \"{product}\",\n    \"class\": \"{class}\",\n    \"protocol\": \"SIP\",\n    \"devicePoolName\": {{\n      \"_value_1\": \"DP_London\",\n      \"uuid\": \"{{0}}\"\n    }},\n    \"ownerUserName\": {owner}\n  }}{}",
            if last { "" } else { "," }
        )
    };
    let mut n = 0u64;
    for u in 0..cucm_users {
        n += 1;
        phone(
            &mut w,
            &format!("SEP{u:012X}"),
            "Cisco 8845",
            "Phone",
            Some(format!("user{u}")),
            n == phones,
        )?;
    }
    for k in 0..extra_owned {
        n += 1;
        let owner = if k < power_phones {
            k / 11
        } else {
            (k * 7919) % cucm_users
        };
        phone(
            &mut w,
            &format!("SEPE{k:011X}"),
            "Cisco Unified Client Services Framework",
            "Phone",
            Some(format!("user{owner}")),
            n == phones,
        )?;
    }
    for k in 0..cti {
        n += 1;
        phone(
            &mut w,
            &format!("CTIPORT{k}"),
            "CTI Port",
            "CTI Port",
            None,
            n == phones,
        )?;
    }
    while n < phones {
        n += 1;
        phone(
            &mut w,
            &format!("SEPF{n:011X}"),
            "Cisco 7821",
            "Phone",
            None,
            n == phones,
        )?;
    }
    writeln!(w, "]")?;
    w.flush()?;

    // CUCM users (AXL getUser): associated with their first phone, every 30th with a CTI port.
    let mut w = BufWriter::with_capacity(1 << 20, File::create(out.join("cucm-users.json"))?);
    writeln!(w, "[")?;
    for u in 0..cucm_users {
        let c = u % CUSTOMERS;
        let mut devices = format!("\"SEP{u:012X}\"");
        if u % 30 == 0 && u / 30 < cti {
            devices.push_str(&format!(",\n        \"CTIPORT{}\"", u / 30));
        }
        let sep = if u + 1 < cucm_users { "," } else { "" };
        writeln!(
            w,
            "  {{\n    \"userid\": \"user{u}\",\n    \"firstName\": \"User\",\n    \"lastName\": \"{u}\",\n    \"mailid\": \"user{u}@contoso{c}.com\",\n    \"department\": null,\n    \"associatedDevices\": {{\n      \"device\": [\n        {devices}\n      ]\n    }},\n    \"phoneProfiles\": null,\n    \"associatedRemoteDestinationProfiles\": null,\n    \"primaryExtension\": {{\n      \"pattern\": \"{ext}\",\n      \"routePartitionName\": \"PT_Internal\"\n    }}\n  }}{sep}",
            ext = 100000 + u
        )?;
    }
    writeln!(w, "]")?;
    w.flush()?;

    std::fs::write(
        out.join("teams-ip-phone-policies.json"),
        "[\n  {\n    \"Identity\": \"Global\",\n    \"SignInMode\": \"UserSignIn\"\n  },\n  {\n    \"Identity\": \"Tag:CommonAreaPhone\",\n    \"SignInMode\": \"CommonAreaPhoneSignIn\"\n  }\n]\n",
    )?;
    eprintln!(
        "{users} directory users, {total} Get-CsOnlineUser records, {cucm_users} CUCM users, {phones} phones in {}",
        out.display()
    );
    Ok(())
}
