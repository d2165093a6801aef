//! `uc count`: every rule of VOSS's license counting (seed 003) and the Teams refinements, proven
//! through the binary on the bundled example (examples/uc, hand-counted in the README), on
//! PowerShell-shaped fixtures (fixtures/uc) and on small estates written by each test.

mod util;
use serde_json::{json, Value};
use std::path::Path;
use util::{fixture, repo_path, run, run_with_env, Run};

/// A folder of exports written by a test.
struct Estate {
    dir: tempfile::TempDir,
}

impl Estate {
    fn new() -> Estate {
        Estate {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn file(&self, name: &str, text: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p.to_string_lossy().into_owned()
    }

    fn json(&self, name: &str, v: Value) -> String {
        self.file(name, &serde_json::to_string_pretty(&v).unwrap())
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

fn count(args: &[&str]) -> Run {
    let mut all = vec!["uc", "count", "--format", "ndjson"];
    all.extend_from_slice(args);
    run(&all)
}

fn user(r: &Run, username: &str) -> Value {
    r.records_of("UcUserLicense")
        .into_iter()
        .find(|u| u["Username"] == username)
        .unwrap_or_else(|| panic!("no UcUserLicense for {username}: {}", r.stdout))
}

fn total(r: &Run, scope: &str, pkid: Value) -> Value {
    r.records_of("UcLicenseTotal")
        .into_iter()
        .find(|t| t["Scope"] == scope && t["CustomerPkid"] == pkid)
        .unwrap_or_else(|| panic!("no {scope} total for {pkid}: {}", r.stdout))
}

fn estate_total(r: &Run) -> Value {
    total(r, "Estate", Value::Null)
}

fn link<'a>(u: &'a Value, service: &str) -> &'a Value {
    u["LinkedServices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["Service"] == service)
        .unwrap_or_else(|| panic!("{} has no {service} link: {u}", u["Username"]))
}

/// The detail of the reason a linked service gives (its Source is "<Service> <identity>").
fn reason(u: &Value, service: &str) -> String {
    u["Reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["Source"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{service} "))
        })
        .unwrap_or_else(|| panic!("{} has no {service} reason: {u}", u["Username"]))["Detail"]
        .as_str()
        .unwrap()
        .to_string()
}

fn excluded(t: &Value, reason: &str) -> u64 {
    t["Excluded"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["Reason"] == reason)
        .map(|e| e["Count"].as_u64().unwrap())
        .unwrap_or(0)
}

fn example() -> Run {
    count(&["--estate", &repo_path("examples/uc")])
}

const CONTOSO: &str = "c0a1b2c3-0000-4000-8000-000000000001";
const FABRIKAM: &str = "fab00000-0000-4000-8000-000000000002";

// ---------------------------------------------------------------- the bundled, hand-counted estate

#[test]
fn example_totals_match_the_hand_count_in_the_readme() {
    let r = example();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = total(&r, "Customer", json!(CONTOSO));
    assert_eq!(c["Customer"], "Contoso");
    assert_eq!(c["Provider"], "Northwind Voice");
    for (field, want) in [
        ("UserLicenses", 8),
        ("LicensedUsers", 7),
        ("CiscoMsIntegratedServices", 1),
        ("StandaloneDevices", 3),
        ("MeetingRooms", 1),
        ("Sites", 2),
        ("UsersWithMoreThanTenPhones", 1),
        ("DirectoryUsers", 11),
        ("CiscoOnlyUsers", 4),
        ("MicrosoftOnlyUsers", 2),
    ] {
        assert_eq!(c[field], want, "Contoso {field}: {c}");
    }
    assert_eq!(c["MoreThanTenPhones"], json!(["bob"]));
    assert_eq!(c["PhoneServers"], Value::Null);
    assert_eq!(excluded(&c, "CtiDevice"), 2);
    assert_eq!(excluded(&c, "CallingNone"), 1);

    let f = total(&r, "Customer", json!(FABRIKAM));
    for (field, want) in [
        ("UserLicenses", 3),
        ("CiscoMsIntegratedServices", 1),
        ("StandaloneDevices", 3),
        ("MeetingRooms", 0),
        ("Sites", 1),
        ("DirectoryUsers", 4),
    ] {
        assert_eq!(f[field], want, "Fabrikam {field}: {f}");
    }

    let above = total(&r, "AboveCustomer", Value::Null);
    assert_eq!(above["UserLicenses"], 1);
    assert_eq!(above["OrphanServices"], 6);
    for reason in ["ResourceAccount", "Guest", "Disabled", "SoftDeleted"] {
        assert_eq!(excluded(&above, reason), 1, "{reason}: {above}");
    }

    let e = estate_total(&r);
    for (field, want) in [
        ("UserLicenses", 12),
        ("LicensedUsers", 11),
        ("CiscoMsIntegratedServices", 2),
        ("StandaloneDevices", 6),
        ("MeetingRooms", 1),
        ("Sites", 3),
        ("UsersWithMoreThanTenPhones", 1),
        ("DirectoryUsers", 16),
        ("OrphanServices", 6),
    ] {
        assert_eq!(e[field], want, "Estate {field}: {e}");
    }
    // Output order: users (directory order), devices, rooms, orphans, totals.
    let kinds: Vec<String> = r
        .records()
        .iter()
        .map(|x| x["RecordType"].as_str().unwrap().to_string())
        .collect();
    let mut seen: Vec<&str> = Vec::new();
    for k in &kinds {
        if seen.last() != Some(&k.as_str()) {
            seen.push(k);
        }
    }
    assert_eq!(
        seen,
        vec![
            "UcUserLicense",
            "UcDevice",
            "UcMeetingRoom",
            "UcDevice",
            "UcOrphanService",
            "UcLicenseTotal"
        ]
    );
}

#[test]
fn example_users_carry_their_links_and_reasons() {
    let r = example();
    let alice = user(&r, "alice");
    assert_eq!(alice["Hybrid"], true);
    assert_eq!(link(&alice, "CUCM")["LinkRule"], "Username");
    assert_eq!(link(&alice, "Teams")["LinkRule"], "Email");
    let dave = user(&r, "dave");
    assert_eq!(link(&dave, "UCCX")["LinkRule"], "LinkField");
    assert_eq!(link(&dave, "UCCX")["Identity"], "dave.agent");
    let ivan = user(&r, "ivan.p");
    assert_eq!(
        link(&ivan, "CUCM")["LinkRule"],
        "Email",
        "mailid matches the email"
    );
    assert_eq!(link(&ivan, "Pexip")["Counted"], true);
    assert_eq!(
        ivan["Hybrid"], false,
        "Pexip is neither Cisco nor Microsoft"
    );
    let gina = user(&r, "gina");
    assert_eq!(link(&gina, "Teams")["LinkRule"], "LinkField");
    let frank = user(&r, "frank");
    assert_eq!(frank["Licensed"], false);
    assert!(reason(&frank, "CUCM").contains("1 CTI device(s) excluded"));
    assert_eq!(link(&frank, "Webex")["Counted"], false);
    let jon = user(&r, "jon");
    assert_eq!(jon["Licensed"], false);
    assert_eq!(jon["Reasons"][0]["Counts"], "None");
    let room = user(&r, "room-redmond");
    assert_eq!(room["Licensed"], false);
    let rooms = r.records_of("UcMeetingRoom");
    assert_eq!(
        rooms[0]["CustomerPkid"], CONTOSO,
        "counted under its user's customer"
    );
}

// ---------------------------------------------------------------- seed 003: phones in started tens

#[test]
fn seed_worked_examples_5_15_30_phones() {
    let r = count(&[
        "--users",
        &fixture("uc/seed/users.csv"),
        "--cucm-users",
        &fixture("uc/seed/cucm-users.ps51.json"),
        "--cucm-phones",
        &fixture("uc/seed/cucm-phones.csv"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (name, phones, licences, listed) in [
        ("five", 5, 1, false),
        ("fifteen", 15, 2, true),
        ("thirty", 30, 3, true),
    ] {
        let u = user(&r, name);
        assert_eq!(u["PhoneCount"], phones, "{name}");
        assert_eq!(u["Licenses"], licences, "{name}");
        assert_eq!(u["MoreThanTenPhones"], listed, "{name}");
    }
    // five's CTI port (associated and owned) is excluded, not counted.
    assert!(reason(&user(&r, "five"), "CUCM").contains("1 CTI device(s) excluded"));
    let t = total(&r, "Customer", json!("c-1"));
    assert_eq!(t["UserLicenses"], 6);
    assert_eq!(t["LicensedUsers"], 3);
    assert_eq!(t["UsersWithMoreThanTenPhones"], 2);
    assert_eq!(t["MoreThanTenPhones"], json!(["fifteen", "thirty"]));
    assert!(t["Reasons"][0]["Detail"]
        .as_str()
        .unwrap()
        .contains("3 extra licence(s) for 2 user(s)"));
    // Five of "five"'s phones have no owner but are associated: not standalone.
    assert_eq!(t["StandaloneDevices"], 0);
}

// ---------------------------------------------------------------- links

fn directory(e: &Estate, rows: &[&str]) -> String {
    let mut text = String::from("Username,Email,Customer,CustomerPkid,Site,username_cucm,username_uccx,username_cuc,username_webex_teams,username_ms_teams,username_ms_365\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    e.file("users.csv", &text)
}

#[test]
fn link_field_first_then_username_then_email_case_insensitively() {
    let e = Estate::new();
    let users = directory(
        &e,
        &[
            // username_uccx names agent7; the username would match "ann" too: the field wins.
            "ann,Ann@Contoso.com,C,c1,S,,agent7,,,,",
            // No field: username matches (different case).
            "BEN,ben@contoso.com,C,c1,S,,,,,,",
            // A field that names nothing: finding, then the username rule links.
            "cat,cat@contoso.com,C,c1,S,,nosuchagent,,,,",
        ],
    );
    let uccx = e.json(
        "uccx.json",
        json!([{"userID": "agent7"}, {"userID": "ann"}, {"userID": "ben"}, {"userID": "cat"}]),
    );
    let exchange = e.json(
        "exo.json",
        json!([{"UserPrincipalName": "ann@contoso.com", "RecipientTypeDetails": "UserMailbox"}]),
    );
    let r = count(&[
        "--users",
        &users,
        "--uccx-agents",
        &uccx,
        "--exchange",
        &exchange,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ann = user(&r, "ann");
    assert_eq!(link(&ann, "UCCX")["LinkRule"], "LinkField");
    assert_eq!(link(&ann, "UCCX")["Identity"], "agent7");
    assert_eq!(link(&ann, "ExchangeOnline")["LinkRule"], "Email");
    assert_eq!(link(&user(&r, "BEN"), "UCCX")["LinkRule"], "Username");
    let cat = user(&r, "cat");
    assert_eq!(link(&cat, "UCCX")["LinkRule"], "Username");
    assert_eq!(cat["Findings"][0]["Code"], "LinkTargetNotFound");
    assert!(cat["Findings"][0]["Message"]
        .as_str()
        .unwrap()
        .contains("username_uccx=nosuchagent"));
    // The "ann" agent record links to nobody: reported.
    let orphans = r.records_of("UcOrphanService");
    assert_eq!(orphans.len(), 1, "{orphans:?}");
    assert_eq!(orphans[0]["Identity"], "ann");
    assert_eq!(orphans[0]["Service"], "UCCX");
}

#[test]
fn every_service_links_by_its_own_rule() {
    let e = Estate::new();
    let users = directory(
        &e,
        &[
            "u1,one@contoso.com,C,c1,S,,,,,,",
            "u2,two@contoso.com,C,c1,S,cucm2,,,,,",
            "u3,three@contoso.com,C,c1,S,,,vm3,,,",
            "u4,four@contoso.com,C,c1,S,,,,wx4@contoso.com,,",
            "u5,five@contoso.com,C,c1,S,,,,,t5@contoso.onmicrosoft.com,",
            "u6,six@contoso.com,C,c1,S,,,,,,m6@contoso.onmicrosoft.com",
        ],
    );
    let cucm = e.json(
        "cucm.json",
        json!([
            {"userid": "someone-else", "mailid": "ONE@contoso.com", "phoneProfiles": {"profileName": ["one-EM"]}},
            {"userid": "cucm2", "associatedRemoteDestinationProfiles": {"remoteDestinationProfile": ["RDP-two"]}},
        ]),
    );
    let unity = e.json(
        "cuc.json",
        json!([{"Alias": "vm3", "SmtpAddress": "three@contoso.com"}]),
    );
    let webex = e.json(
        "wx.json",
        json!([{"emails": ["wx4@contoso.com"], "licenses": ["Webex Calling - Professional"]}]),
    );
    let teams = e.json("teams.json", json!([{"UserPrincipalName": "t5@contoso.onmicrosoft.com", "AccountEnabled": true, "EnterpriseVoiceEnabled": true, "FeatureTypes": ["PhoneSystem"]}]));
    let exo = e.json(
        "exo.json",
        json!([{"UserPrincipalName": "m6@contoso.onmicrosoft.com"}]),
    );
    let pexip = e.json(
        "pexip.json",
        json!([{"name": "VMR one", "primary_owner_email_address": "one@contoso.com"}]),
    );
    let r = count(&[
        "--users",
        &users,
        "--cucm-users",
        &cucm,
        "--unity-users",
        &unity,
        "--webex-users",
        &webex,
        "--teams",
        &teams,
        "--exchange",
        &exo,
        "--pexip-conferences",
        &pexip,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let expect = [
        ("u1", "CUCM", "Email"),
        ("u1", "Pexip", "Email"),
        ("u2", "CUCM", "LinkField"),
        ("u3", "UnityConnection", "LinkField"),
        ("u4", "Webex", "LinkField"),
        ("u5", "Teams", "LinkField"),
        ("u6", "ExchangeOnline", "LinkField"),
    ];
    for (who, service, rule) in expect {
        let u = user(&r, who);
        assert_eq!(link(&u, service)["LinkRule"], rule, "{who} {service}");
        assert_eq!(link(&u, service)["Counted"], true, "{who} {service}");
        assert_eq!(u["Licenses"], 1, "{who}");
    }
    assert!(r.records_of("UcOrphanService").is_empty());
}

// ---------------------------------------------------------------- service conditions

#[test]
fn cucm_condition_devices_owned_phones_profiles_rdps_and_cti() {
    let e = Estate::new();
    let users = directory(
        &e,
        &[
            "assoc,,C,c1,S,,,,,,",
            "owner,,C,c1,S,,,,,,",
            "profile,,C,c1,S,,,,,,",
            "rdp,,C,c1,S,,,,,,",
            "ctionly,,C,c1,S,,,,,,",
            "nothing,,C,c1,S,,,,,,",
        ],
    );
    let cucm = e.json(
        "cucm.json",
        json!([
            {"userid": "assoc", "associatedDevices": {"device": ["SEPA"]}},
            {"userid": "owner"},
            {"userid": "profile", "phoneProfiles": {"profileName": [{"_value_1": "profile-EM", "uuid": "{1}"}]}},
            {"userid": "rdp", "associatedRemoteDestinationProfiles": {"remoteDestinationProfile": ["RDP1"]}},
            {"userid": "ctionly", "associatedDevices": {"device": ["CTIRP1", "CTIREMOTE1"]}},
            {"userid": "nothing", "associatedDevices": null, "phoneProfiles": null}
        ]),
    );
    let phones = e.file(
        "phones.csv",
        "name,product,model,class,ownerUserName\nSEPA,Cisco 8845,Cisco 8845,Phone,\nSEPB,Cisco 7821,Cisco 7821,Phone,owner\nCTIRP1,CTI Route Point,CTI Route Point,CTI Route Point,\nCTIREMOTE1,CTI Remote Device,CTI Remote Device,Phone,ctionly\n",
    );
    let r = count(&[
        "--users",
        &users,
        "--cucm-users",
        &cucm,
        "--cucm-phones",
        &phones,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (who, counted, phones) in [
        ("assoc", true, 1),
        ("owner", true, 1),
        ("profile", true, 0),
        ("rdp", true, 0),
        ("ctionly", false, 0),
        ("nothing", false, 0),
    ] {
        let u = user(&r, who);
        assert_eq!(link(&u, "CUCM")["Counted"], counted, "{who}: {u}");
        assert_eq!(u["PhoneCount"], phones, "{who}");
        assert_eq!(u["Licensed"], counted, "{who}");
    }
    assert_eq!(user(&r, "owner")["Phones"], json!(["SEPB"]));
    // SEPA has no owner but is associated: not standalone. CTIRP1 has no owner: a CTI device,
    // reported and excluded.
    let devices = r.records_of("UcDevice");
    assert_eq!(devices.len(), 1, "{devices:?}");
    assert_eq!(devices[0]["Name"], "CTIRP1");
    assert_eq!(devices[0]["Excluded"], "CtiDevice");
    let t = total(&r, "Customer", json!("c1"));
    assert_eq!(excluded(&t, "CtiDevice"), 2);
    assert_eq!(t["StandaloneDevices"], 0);
}

#[test]
fn uccx_unity_exchange_pexip_conditions() {
    let e = Estate::new();
    let users = directory(
        &e,
        &[
            "agent,agent@contoso.com,C,c1,S,,,,,,",
            "vm,vm@contoso.com,C,c1,S,,,,,,",
            "mbx,mbx@contoso.com,C,c1,S,,,,,,",
            "shared,shared@contoso.com,C,c1,S,,,,,,",
            "vmr,vmr@contoso.com,C,c1,S,,,,,,",
        ],
    );
    let uccx = e.json(
        "uccx.json",
        json!({"resource": [{"userID": "agent", "type": 1}]}),
    );
    let unity = e.json(
        "cuc.json",
        json!({"@total": "1", "User": [{"Alias": "vm", "ObjectId": "x"}]}),
    );
    let exo = e.json(
        "exo.json",
        json!([
            {"UserPrincipalName": "mbx@contoso.com", "RecipientTypeDetails": "UserMailbox"},
            {"UserPrincipalName": "shared@contoso.com", "RecipientTypeDetails": "SharedMailbox"}
        ]),
    );
    let pexip = e.json(
        "pexip.json",
        json!({"meta": {"total_count": 2}, "objects": [
            {"name": "VMR a", "service_type": "conference", "primary_owner_email_address": "vmr@contoso.com"},
            {"name": "VMR b", "service_type": "conference", "primary_owner_email_address": "VMR@contoso.com"}
        ]}),
    );
    let r = count(&[
        "--users",
        &users,
        "--uccx-agents",
        &uccx,
        "--unity-users",
        &unity,
        "--exchange",
        &exo,
        "--pexip-conferences",
        &pexip,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(user(&r, "agent")["Licensed"], true);
    assert_eq!(user(&r, "vm")["Licensed"], true);
    assert_eq!(user(&r, "mbx")["Licensed"], true);
    let shared = user(&r, "shared");
    assert_eq!(shared["Licensed"], false);
    assert!(reason(&shared, "ExchangeOnline").contains("SharedMailbox"));
    let vmr = user(&r, "vmr");
    assert_eq!(vmr["Licensed"], true);
    assert!(reason(&vmr, "Pexip").contains("2 conferences"));
}

#[test]
fn webex_counts_calling_professional_only_and_never_guesses_unnamed_licences() {
    let e = Estate::new();
    let users = directory(
        &e,
        &[
            "pro,pro@contoso.com,C,c1,S,,,,,,",
            "basic,basic@contoso.com,C,c1,S,,,,,,",
            "unknown,unknown@contoso.com,C,c1,S,,,,,,",
        ],
    );
    let people = e.json(
        "people.json",
        json!({"items": [
            {"id": "P1", "emails": ["pro@contoso.com"], "licenses": ["LIC-PRO", "LIC-MEET"]},
            {"id": "P2", "emails": ["basic@contoso.com"], "licenses": ["LIC-BASIC"]},
            {"id": "P3", "emails": ["unknown@contoso.com"], "licenses": ["LIC-OTHER-ORG"]}
        ]}),
    );
    let licences = e.json(
        "licences.json",
        json!({"items": [
            {"id": "LIC-PRO", "name": "Webex Calling - Professional"},
            {"id": "LIC-BASIC", "name": "Webex Calling - Basic"},
            {"id": "LIC-MEET", "name": "Meeting - Webex Enterprise"}
        ]}),
    );
    let r = count(&[
        "--users",
        &users,
        "--webex-users",
        &people,
        "--webex-licenses",
        &licences,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(user(&r, "pro")["Licensed"], true);
    assert_eq!(user(&r, "basic")["Licensed"], false);
    let unknown = user(&r, "unknown");
    assert_eq!(unknown["Licensed"], Value::Null);
    assert_eq!(link(&unknown, "Webex")["Counted"], Value::Null);
    assert_eq!(total(&r, "Customer", json!("c1"))["UndeterminedUsers"], 1);
    assert!(r.stderr.contains("licence ids"), "{}", r.stderr);
}

#[test]
fn teams_voice_user_condition_needs_enabled_voice_and_phone_system() {
    let e = Estate::new();
    let users = directory(
        &e,
        &[
            "v,v@contoso.com,C,c1,S,,,,,,",
            "noev,noev@contoso.com,C,c1,S,,,,,,",
            "nops,nops@contoso.com,C,c1,S,,,,,,",
        ],
    );
    let teams = e.json(
        "teams.json",
        json!([
            {"UserPrincipalName": "V@contoso.com", "AccountEnabled": true, "EnterpriseVoiceEnabled": true, "FeatureTypes": ["Teams", "PhoneSystem"]},
            {"UserPrincipalName": "noev@contoso.com", "AccountEnabled": true, "EnterpriseVoiceEnabled": false, "FeatureTypes": ["Teams", "PhoneSystem"]},
            {"UserPrincipalName": "nops@contoso.com", "AccountEnabled": true, "EnterpriseVoiceEnabled": true, "FeatureTypes": ["Teams"]}
        ]),
    );
    let r = count(&["--users", &users, "--teams", &teams]);
    assert_eq!(user(&r, "v")["Licensed"], true);
    assert_eq!(user(&r, "noev")["Licensed"], false);
    assert!(reason(&user(&r, "noev"), "Teams").contains("EnterpriseVoiceEnabled=False"));
    assert_eq!(user(&r, "nops")["Licensed"], false);
}

#[test]
fn hybrid_is_a_cisco_service_and_teams_voice_not_an_exchange_mailbox() {
    // Issue #24 item 11: VOSS's "Cisco MS Integrated Services" are users provisioned through
    // hybrid management (both calling platforms), not any Cisco user who has Exchange mail.
    let e = Estate::new();
    let users = directory(
        &e,
        &[
            "both,both@contoso.com,C,c1,S,,,,,,",
            "mail,mail@contoso.com,C,c1,S,,,,,,",
            "cisco,cisco@contoso.com,C,c1,S,,,,,,",
            "ms,ms@contoso.com,C,c1,S,,,,,,",
        ],
    );
    let uccx = e.json(
        "uccx.json",
        json!([{"userID": "both"}, {"userID": "mail"}, {"userID": "cisco"}]),
    );
    let teams = e.json(
        "teams.json",
        json!([{"UserPrincipalName": "both@contoso.com", "AccountEnabled": true, "EnterpriseVoiceEnabled": true, "FeatureTypes": ["Teams", "PhoneSystem"]}]),
    );
    let exo = e.json(
        "exo.json",
        json!([{"UserPrincipalName": "mail@contoso.com"}, {"UserPrincipalName": "ms@contoso.com"}]),
    );
    let pexip = e.json(
        "pexip.json",
        json!([{"name": "x", "primary_owner_email_address": "cisco@contoso.com"}]),
    );
    let r = count(&[
        "--users",
        &users,
        "--uccx-agents",
        &uccx,
        "--teams",
        &teams,
        "--exchange",
        &exo,
        "--pexip-conferences",
        &pexip,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let both = user(&r, "both");
    assert_eq!(both["Hybrid"], true);
    assert!(
        both["Reasons"]
            .to_string()
            .contains("VOSS hybrid management"),
        "{both:#}"
    );
    assert_eq!(both["Licenses"], 1, "one licence however many services");
    let mail = user(&r, "mail");
    assert_eq!(
        mail["Hybrid"], false,
        "a Cisco user with an Exchange mailbox: {mail:#}"
    );
    assert_eq!(mail["Licensed"], true, "still one user licence");
    assert_eq!(user(&r, "cisco")["Hybrid"], false);
    let t = total(&r, "Customer", json!("c1"));
    assert_eq!(t["CiscoMsIntegratedServices"], 1);
    assert_eq!(t["UserLicenses"], 4);
    assert_eq!(
        t["CiscoOnlyUsers"], 2,
        "cisco, and mail (Exchange only beside Cisco)"
    );
    assert_eq!(t["MicrosoftOnlyUsers"], 1);
    assert!(
        t["CiscoMsIntegratedServicesBasis"]
            .as_str()
            .unwrap()
            .contains("an Exchange mailbox"),
        "{t:#}"
    );
}

// ---------------------------------------------------------------- devices and rooms

#[test]
fn webex_workspace_calling_none_is_not_a_device_webex_calling_is() {
    let e = Estate::new();
    let users = directory(&e, &["a,a@contoso.com,C,c1,S,,,,,,"]);
    let ws = e.json(
        "ws.json",
        json!({"items": [
            {"id": "W1", "displayName": "Lobby", "calling": {"type": "webexCalling"}},
            {"id": "W2", "displayName": "Quiet", "calling": {"type": "none"}},
            {"id": "W3", "displayName": "Free", "calling": {"type": "freeCalling"}}
        ]}),
    );
    let r = count(&["--users", &users, "--webex-workspaces", &ws]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = r.records_of("UcDevice");
    let by = |n: &str| d.iter().find(|x| x["Name"] == n).unwrap().clone();
    assert_eq!(by("Lobby")["Counted"], true);
    assert_eq!(by("Quiet")["Counted"], false);
    assert_eq!(by("Quiet")["Excluded"], "CallingNone");
    assert_eq!(by("Free")["Counted"], true, "only none is left out");
    // One customer in the directory: devices naming none are counted under it, and say so.
    let t = total(&r, "Customer", json!("c1"));
    assert_eq!(t["StandaloneDevices"], 2);
    assert!(t["Reasons"].as_array().unwrap().iter().any(|x| x["Detail"]
        .as_str()
        .unwrap()
        .contains("this one customer only")));
}

#[test]
fn teams_room_voice_user_resource_account_and_common_area_phones() {
    let r = count(&[
        "--teams",
        &fixture("uc/teams.ps7.json"),
        "--teams-ip-phone-policies",
        &fixture("uc/teams-ip-phone-policies.json"),
        "--m365-licenses",
        &fixture("uc/m365-licenses.json"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(user(&r, "voice@contoso.com")["Licensed"], true);
    let rooms = r.records_of("UcMeetingRoom");
    let room = |n: &str| rooms.iter().find(|x| x["Name"] == n).unwrap().clone();
    assert_eq!(room("room@contoso.com")["Counted"], true);
    assert_eq!(
        room("room@contoso.com")["Features"],
        json!(["TeamsRoomBasic"])
    );
    assert_eq!(
        room("roomnovoice@contoso.com")["Counted"],
        false,
        "VOSS needs EnterpriseVoiceEnabled"
    );
    let devices = r.records_of("UcDevice");
    let cap = devices
        .iter()
        .find(|x| x["Name"] == "cap@contoso.com")
        .unwrap();
    assert_eq!(cap["Kind"], "TeamsCommonAreaPhone");
    assert_eq!(cap["Counted"], true);
    assert!(cap["Reasons"][0]["Detail"]
        .as_str()
        .unwrap()
        .contains("SignInMode=CommonAreaPhoneSignIn"));
    let kitchen = devices
        .iter()
        .find(|x| x["Name"] == "kitchen@contoso.com")
        .unwrap();
    assert!(kitchen["Reasons"][0]["Detail"]
        .as_str()
        .unwrap()
        .contains("Shared Devices"));
    for who in ["room@contoso.com", "cap@contoso.com", "kitchen@contoso.com"] {
        assert_eq!(
            user(&r, who)["Licensed"],
            false,
            "{who} is a device, not a user"
        );
    }
    let cq = user(&r, "cq@contoso.com");
    assert_eq!(cq["Excluded"], "ResourceAccount");
    assert_eq!(cq["Licensed"], false);
    let t = estate_total(&r);
    assert_eq!(t["UserLicenses"], 1);
    assert_eq!(t["MeetingRooms"], 1);
    assert_eq!(t["StandaloneDevices"], 2);
    for reason in ["ResourceAccount", "Guest", "SoftDeleted", "Disabled"] {
        assert_eq!(excluded(&t, reason), 1, "{reason}");
    }
    assert_eq!(t["DirectoryUsers"], 11);
}

#[test]
fn without_policies_or_licence_data_common_area_phones_count_as_users_and_the_run_says_so() {
    let r = count(&["--teams", &fixture("uc/teams.ps7.json")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(user(&r, "cap@contoso.com")["Licensed"], true);
    assert!(
        r.stderr
            .contains("common area phones cannot be told from users"),
        "{}",
        r.stderr
    );
}

#[test]
fn resource_accounts_from_get_csonlineapplicationinstance() {
    let e = Estate::new();
    let teams = e.json(
        "teams.json",
        json!([{"UserPrincipalName": "cq-sales@contoso.com", "AccountEnabled": true, "AccountType": "User", "EnterpriseVoiceEnabled": true, "FeatureTypes": ["PhoneSystem"]}]),
    );
    let apps = e.json(
        "apps.json",
        json!([{"UserPrincipalName": "CQ-Sales@contoso.com", "ApplicationId": "11cd3e2e-fccb-42ad-ad00-878b93575e07"}]),
    );
    let r = count(&["--teams", &teams, "--teams-resource-accounts", &apps]);
    let u = user(&r, "cq-sales@contoso.com");
    assert_eq!(u["Excluded"], "ResourceAccount");
    assert!(reason(&u, "Teams").contains("call queue"));
}

// ---------------------------------------------------------------- PowerShell export shapes

#[test]
fn windows_powershell_51_json_reads_like_powershell_7() {
    let args = |f: &str| {
        count(&[
            "--teams",
            &fixture(f),
            "--teams-ip-phone-policies",
            &fixture("uc/teams-ip-phone-policies.json"),
            "--m365-licenses",
            &fixture("uc/m365-licenses.json"),
        ])
    };
    let a = args("uc/teams.ps51.json");
    let b = args("uc/teams.ps7.json");
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(
        a.stdout, b.stdout,
        "UTF-16 5.1 JSON with \\/Date()\\/ and the array wrapper counts the same"
    );
    assert_eq!(user(&a, "deleted@contoso.com")["Excluded"], "SoftDeleted");
}

#[test]
fn export_csv_flattened_feature_types_is_an_error_naming_file_record_and_property() {
    let r = count(&[
        "--teams",
        &fixture("uc/teams.ps51.csv"),
        "--error-format",
        "json",
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let err: Value = serde_json::from_str(r.stderr.lines().next().unwrap()).unwrap();
    assert!(err["file"].as_str().unwrap().ends_with("teams.ps51.csv"));
    assert_eq!(err["record"], 1);
    assert_eq!(err["field"], "FeatureTypes");
    let msg = err["message"].as_str().unwrap();
    assert!(
        msg.contains("System.Object[]") && msg.contains("ConvertTo-Json"),
        "{msg}"
    );
    assert!(
        r.records_of("UcLicenseTotal").is_empty(),
        "no totals from a lost property"
    );
}

#[test]
fn older_module_without_feature_types_says_which_rule_cannot_be_applied() {
    let r = count(&["--teams", &fixture("uc/teams-older-module.json")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = user(&r, "voice@contoso.com");
    assert_eq!(v["Licensed"], Value::Null, "never guessed");
    let detail = reason(&v, "Teams").to_string();
    assert!(
        detail.contains("FeatureTypes is not in the Get-CsOnlineUser export"),
        "{detail}"
    );
    assert!(detail.contains("voice-user rule") && detail.contains("meeting-room rule"));
    assert_eq!(v["Reasons"][0]["Counts"], "Undetermined");
    // EnterpriseVoiceEnabled=False decides without FeatureTypes.
    assert_eq!(user(&r, "roomnovoice@contoso.com")["Licensed"], false);
    let t = estate_total(&r);
    assert_eq!(t["UndeterminedUsers"], 2);
    assert_eq!(t["UserLicenses"], 0);
    assert!(
        r.stderr.contains("no FeatureTypes property"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------- anonymous and pseudonymised output

#[test]
fn anonymous_drops_names_and_identities() {
    let r = count(&["--estate", &repo_path("examples/uc"), "--anonymous"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for secret in [
        "Contoso",
        "Fabrikam",
        "Northwind",
        "Blue Yonder",
        "alice",
        "bob@",
        "Redmond",
        "Leeds",
        "SEP0A11CE000001",
        "room-redmond",
        "dave.agent",
        "temp01",
    ] {
        assert!(
            !r.stdout.contains(secret),
            "anonymous output holds {secret}"
        );
    }
    let t = total(&r, "Customer", json!(CONTOSO));
    assert_eq!(t["Customer"], Value::Null);
    assert_eq!(t["UserLicenses"], 8, "the numbers stay");
    assert_eq!(t["MoreThanTenPhones"], json!([]));
    assert_eq!(t["UsersWithMoreThanTenPhones"], 1);
}

#[test]
fn pseudonyms_are_stable_under_one_key_and_differ_under_another() {
    let key_a = "correct-horse-battery-staple-0001";
    let key_b = "correct-horse-battery-staple-0002";
    let go = |key: &str| {
        run_with_env(
            &[
                "uc",
                "count",
                "--format",
                "ndjson",
                "--estate",
                &repo_path("examples/uc"),
                "--anonymous",
                "--pseudonym-key-env",
                "UC_KEY",
            ],
            None,
            &[("UC_KEY", key)],
        )
    };
    let (a1, a2, b) = (go(key_a), go(key_a), go(key_b));
    assert_eq!(a1.code, 0, "{}", a1.stderr);
    assert_eq!(a1.stdout, a2.stdout, "same key, same pseudonyms");
    let names = |r: &Run| -> Vec<Value> {
        r.records_of("UcUserLicense")
            .iter()
            .map(|u| u["Username"].clone())
            .collect()
    };
    let (n1, nb) = (names(&a1), names(&b));
    assert!(n1.iter().all(|n| n.as_str().is_some_and(|s| s.len() == 32)));
    assert!(
        n1.iter().zip(&nb).all(|(x, y)| x != y),
        "another key, other pseudonyms"
    );
    assert!(!a1.stdout.contains("alice") && !a1.stdout.contains("Contoso"));
    // The same person has one pseudonym: alice's email and her Teams UPN are equal.
    let alice = &a1.records_of("UcUserLicense")[0];
    assert_eq!(alice["Email"], link(alice, "Teams")["Identity"]);
    // The key is never in the output.
    assert!(!a1.stdout.contains(key_a) && !a1.stderr.contains(key_a));
}

#[test]
fn pseudonym_key_only_from_the_environment_and_long_enough() {
    let est = repo_path("examples/uc");
    let r = run_with_env(
        &[
            "uc",
            "count",
            "--estate",
            &est,
            "--pseudonym-key-env",
            "UC_NO_SUCH_VAR",
        ],
        None,
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("UC_NO_SUCH_VAR") && r.stderr.contains("not set"),
        "{}",
        r.stderr
    );
    let r = run_with_env(
        &[
            "uc",
            "count",
            "--estate",
            &est,
            "--pseudonym-key-env",
            "UC_KEY",
        ],
        None,
        &[("UC_KEY", "short")],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--pseudonym-key-env") && r.stderr.contains("at least 16"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("short"), "the key is not echoed");
}

// ---------------------------------------------------------------- orphans, errors, schema

#[test]
fn orphan_services_are_reported_never_lost() {
    let r = example();
    let o = r.records_of("UcOrphanService");
    let ids: Vec<(&str, &str)> = o
        .iter()
        .map(|x| {
            (
                x["Service"].as_str().unwrap(),
                x["Identity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        vec![
            ("CUCM", "temp01"),
            ("CUCM", "ghost"),
            ("UCCX", "agent99"),
            ("Teams", "zoe@contoso.com"),
            ("ExchangeOnline", "info@contoso.com"),
            ("Pexip", "Legacy Lobby VMR"),
        ]
    );
    let zoe = &o[3];
    assert_eq!(zoe["MeetsCondition"], true);
    assert!(zoe["File"].as_str().unwrap().ends_with("teams.json"));
    assert_eq!(zoe["Record"], 11);
    assert!(o[1]["Reason"].as_str().unwrap().contains("no such userid"));
}

#[test]
fn duplicate_directory_users_are_counted_once_and_reported() {
    let e = Estate::new();
    let users = directory(
        &e,
        &[
            "a,a@contoso.com,C,c1,S,,,,,,",
            "A,other@contoso.com,C,c1,S,,,,,,",
        ],
    );
    let uccx = e.json("uccx.json", json!([{"userID": "a"}]));
    let r = count(&["--users", &users, "--uccx-agents", &uccx]);
    assert_eq!(r.code, 3);
    assert_eq!(r.records_of("UcUserLicense").len(), 1);
    assert!(
        r.stderr.contains("record 2") && r.stderr.contains("more than once"),
        "{}",
        r.stderr
    );
    assert_eq!(estate_total(&r)["UserLicenses"], 1);
}

#[test]
fn a_cucm_file_of_which_no_record_reads_is_refused_and_no_total_is_written() {
    // Issue #21 items 1-2: a file of which no record reads (here a BAT phone export given as
    // the users) is refused as a whole, saying what it is, and no UcLicenseTotal says 0.
    let e = Estate::new();
    let users = directory(&e, &["alice,alice@contoso.com,C,c1,S,alice,,,,,"]);
    let bat = e.file(
        "phone.csv",
        "Device Name,Description,Device Type,Device Protocol,Owner User ID,Device Pool,LINE 1\nSEP0A11CE000001,Alice,Cisco 8851,SIP,alice,Default,1001\nSEPB0B000000001,Bob,Cisco 8845,SIP,bob,Default,1002\n",
    );
    let r = count(&["--users", &users, "--cucm-users", &bat]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("none of its 2 record(s) could be used (each reported above)")
            && r.stderr.contains("userid")
            && r.stderr
                .contains("this is a CUCM Bulk Administration Tool phone export"),
        "{}",
        r.stderr
    );
    assert!(
        r.records_of("UcLicenseTotal").is_empty(),
        "no total from unread data: {}",
        r.stdout
    );
}

/// The records of a run with where each came from (File, Record) left out: the same estate
/// read from other files.
fn without_provenance(r: &Run) -> Vec<Value> {
    r.records()
        .into_iter()
        .map(|mut v| {
            if let Some(o) = v.as_object_mut() {
                o.remove("File");
                o.remove("Record");
            }
            v
        })
        .collect()
}

#[test]
fn the_example_estate_as_cucm_bat_exports_counts_as_its_axl_exports() {
    // Issue #21 item 1: Bulk Administration Tool "Export Users" / "Export Phones - All Details"
    // files (USER ID, MAIL ID, DEVICE NAME n; Device Name, Device Type, Device Protocol, Owner
    // User ID, 240+ columns) are read by their header, as the AXL shape is.
    let axl = example();
    assert_eq!(axl.code, 0, "{}", axl.stderr);
    let bat = count(&[
        "--estate",
        &repo_path("examples/uc"),
        "--cucm-users",
        &repo_path("examples/uc/cucm-bat-users.csv"),
        "--cucm-phones",
        &repo_path("examples/uc/cucm-bat-phones.csv"),
    ]);
    assert_eq!(bat.code, 0, "{}", bat.stderr);
    assert_eq!(without_provenance(&axl), without_provenance(&bat));
    // The BAT phone export lists the Universal Device Templates among the phones: said, not
    // counted, not orphan services.
    assert!(
        bat.stderr.contains("2 Universal Device Template row(s)"),
        "{}",
        bat.stderr
    );
    assert!(!bat.stdout.contains("Template"), "{}", bat.stdout);
}

#[test]
fn totals_built_on_a_partly_read_file_are_marked_in_the_table_and_on_stderr() {
    // Issue #21 item 2: a CUCM users file with one bad row of two; the totals are written, and
    // marked as built on it, naming the file.
    let e = Estate::new();
    let users = directory(&e, &["alice,alice@contoso.com,C,c1,S,alice,,,,,"]);
    let cucm = e.file(
        "enduser.csv",
        "USER ID,MAIL ID,DEVICE NAME 1\nalice,alice@contoso.com,SEP0A11CE000001\n,nobody@contoso.com,SEP0\n",
    );
    let mut args = vec![
        "uc",
        "count",
        "--users",
        &users,
        "--cucm-users",
        &cucm,
        "--format",
        "table",
    ];
    let r = run(&args);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let footer = r
        .stdout
        .lines()
        .find(|l| l.starts_with("INCOMPLETE:"))
        .unwrap_or_else(|| panic!("no INCOMPLETE footer: {}", r.stdout));
    assert!(
        footer.contains("enduser.csv (1 record(s) not used)"),
        "{footer}"
    );
    args.truncate(6);
    let r = count(&args[2..]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(!r.records_of("UcLicenseTotal").is_empty());
    assert!(
        r.stderr.contains("IncompleteInputs") || r.stderr.contains("INCOMPLETE:"),
        "{}",
        r.stderr
    );
}

#[test]
fn bat_device_templates_and_cti_remote_devices_are_not_phones() {
    // Issue #21 item 6: a Universal Device Template is configuration; a device whose protocol
    // is CTI Remote Device (Cisco Spark Remote Device, a Jabber remote device) is not a phone
    // for the ten-phones rule, as CTI ports and route points are not.
    let e = Estate::new();
    let users = directory(&e, &["carol,carol@contoso.com,C,c1,S,carol,,,,,"]);
    let mut devices: Vec<String> = (1..=10).map(|i| format!("SEPCA0000000{i:03}")).collect();
    devices.push("CTIRDCAROL".into());
    devices.push("SPARKCAROL".into());
    let header: Vec<String> = (1..=devices.len())
        .map(|i| format!("DEVICE NAME {i}"))
        .collect();
    let cucm_users = e.file(
        "enduser.csv",
        &format!(
            "USER ID,MAIL ID,FIRST NAME,LAST NAME,{}\ncarol,carol@contoso.com,Carol,C,{}\n",
            header.join(","),
            devices.join(",")
        ),
    );
    let mut phones = String::from(
        "Device Name,Description,Device Type,Device Protocol,Owner User ID,Device Pool,LINE 1\n",
    );
    for d in &devices[..10] {
        phones.push_str(&format!("{d},desk,Cisco 8845,SIP,carol,Default,1\n"));
    }
    phones.push_str("CTIRDCAROL,remote,CTI Remote Device,CTI Remote Device,carol,Default,\n");
    phones
        .push_str("SPARKCAROL,spark,Cisco Spark Remote Device,CTI Remote Device,carol,Default,\n");
    phones.push_str("Auto-registration Template,udt,Universal Device Template,SIP,,Default,\n");
    phones.push_str("Sample Device Template,udt,Universal Device Template,SIP,,Default,\n");
    let cucm_phones = e.file("phone.csv", &phones);
    let r = count(&[
        "--users",
        &users,
        "--cucm-users",
        &cucm_users,
        "--cucm-phones",
        &cucm_phones,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let carol = user(&r, "carol");
    // Ten phones: one licence (the remote devices would have made twelve, a second ten).
    assert_eq!(carol["Licenses"], 1, "{carol}");
    assert!(
        reason(&carol, "CUCM").contains("10 device(s)"),
        "{}",
        reason(&carol, "CUCM")
    );
    assert!(r.records_of("UcDevice").is_empty(), "{}", r.stdout);
    assert!(r.records_of("UcOrphanService").is_empty(), "{}", r.stdout);
    assert_eq!(estate_total(&r)["StandaloneDevices"], 0);
}

#[test]
fn argument_errors_name_the_flags() {
    let e = Estate::new();
    let users = directory(&e, &["a,a@contoso.com,C,c1,S,,,,,,"]);
    let r = run(&["uc", "count", "--users", &users]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--cucm-users"), "{}", r.stderr);
    let uccx = e.json("uccx.json", json!([{"userID": "a"}]));
    let r = run(&["uc", "count", "--uccx-agents", &uccx]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--users FILE is required") && r.stderr.contains("--teams"),
        "{}",
        r.stderr
    );
    let r = run(&[
        "uc",
        "count",
        "--estate",
        &e.path().join("nope").to_string_lossy(),
    ]);
    assert_eq!(r.code, 2);
}

#[test]
fn estate_folder_names_the_files_and_explicit_options_win() {
    let e = Estate::new();
    std::fs::write(
        e.path().join("users.csv"),
        "Username,Email\nx,x@contoso.com\n",
    )
    .unwrap();
    std::fs::write(e.path().join("uccx-agents.json"), r#"[{"userID":"x"}]"#).unwrap();
    let other = e.json("other-uccx.json", json!([{"userID": "nobody"}]));
    let r = count(&["--estate", &e.path().to_string_lossy()]);
    assert_eq!(user(&r, "x")["Licensed"], true);
    let r = count(&[
        "--estate",
        &e.path().to_string_lossy(),
        "--uccx-agents",
        &other,
    ]);
    assert_eq!(user(&r, "x")["Licensed"], false);
}

#[test]
fn schema_lists_the_uc_records() {
    let r = run(&["schema", "--list"]);
    for name in [
        "UcUserLicense",
        "UcDevice",
        "UcMeetingRoom",
        "UcOrphanService",
        "UcLicenseTotal",
        "UcDirectoryUser",
    ] {
        assert!(r.stdout.contains(name), "{name} missing from schema --list");
    }
    let r = run(&["schema", "UcLicenseTotal"]);
    let s: Value = serde_json::from_str(&r.stdout).unwrap();
    for f in [
        "Provider",
        "Reseller",
        "Customer",
        "CustomerPkid",
        "UserLicenses",
        "CiscoMsIntegratedServices",
        "StandaloneDevices",
        "MeetingRooms",
        "PhoneServers",
        "Sites",
    ] {
        assert!(s["properties"].get(f).is_some(), "UcLicenseTotal lacks {f}");
    }
    let r = run(&["schema", "UcUserLicense"]);
    let s: Value = serde_json::from_str(&r.stdout).unwrap();
    for f in [
        "Username",
        "Email",
        "CustomerPkid",
        "Licenses",
        "LinkedServices",
        "PhoneCount",
        "MoreThanTenPhones",
        "Reasons",
    ] {
        assert!(s["properties"].get(f).is_some(), "UcUserLicense lacks {f}");
    }
}

#[test]
fn csv_and_table_formats_render_the_records() {
    let r = run(&[
        "uc",
        "count",
        "--estate",
        &repo_path("examples/uc"),
        "--format",
        "table",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("UC licence totals"));
    assert!(r.stdout.contains("Estate"));
    let r = run(&[
        "uc",
        "count",
        "--estate",
        &repo_path("examples/uc"),
        "--format",
        "csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("RecordType,Scope,Provider"));
}

#[test]
fn teams_accounts_no_user_links_to_are_named_whether_read_from_a_file_or_stdin() {
    let e = Estate::new();
    let users = directory(&e, &["a,a@contoso.com,C,c1,S,,,,,,"]);
    let teams = json!([
        {"UserPrincipalName": "a@contoso.com", "AccountEnabled": true, "EnterpriseVoiceEnabled": true, "FeatureTypes": ["PhoneSystem"]},
        {"UserPrincipalName": "Nobody@Contoso.com", "AccountEnabled": true, "EnterpriseVoiceEnabled": true, "FeatureTypes": ["PhoneSystem"]}
    ]);
    let file = e.json("teams.json", teams.clone());
    let from_file = count(&["--users", &users, "--teams", &file]);
    let stdin = serde_json::to_vec(&teams).unwrap();
    let from_stdin = util::run_with_stdin(
        &[
            "uc", "count", "--format", "ndjson", "--users", &users, "--teams", "-",
        ],
        Some(&stdin),
    );
    for r in [&from_file, &from_stdin] {
        assert_eq!(r.code, 0, "{}", r.stderr);
        let o = r.records_of("UcOrphanService");
        assert_eq!(o.len(), 1, "{o:?}");
        assert_eq!(o[0]["Identity"], "Nobody@Contoso.com");
        assert_eq!(o[0]["Record"], 2);
        // The linked account's identity is the directory's spelling of the same UPN.
        assert_eq!(link(&user(r, "a"), "Teams")["Identity"], "a@contoso.com");
    }
}

#[test]
fn readme_hand_count_table_matches_the_run() {
    // The hand count moved from README.md to the guide's UC page (issue #25).
    let readme = std::fs::read_to_string(repo_path("docs/uc-count.md")).unwrap();
    let start = readme
        .find("## The example estate, counted by hand")
        .expect("docs/uc-count.md section");
    let table: Vec<&str> = readme[start..]
        .lines()
        .skip_while(|l| !l.starts_with("| | Contoso"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(table.len() > 5, "README table not found");
    let r = example();
    let rows = [
        total(&r, "Customer", json!(CONTOSO)),
        total(&r, "Customer", json!(FABRIKAM)),
        total(&r, "AboveCustomer", Value::Null),
        estate_total(&r),
    ];
    let mut checked = 0;
    for line in &table[2..] {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let field = cells[0];
        for (i, row) in rows.iter().enumerate() {
            let readme_value: u64 = cells[i + 1]
                .split_whitespace()
                .next()
                .unwrap()
                .parse()
                .unwrap_or_else(|_| panic!("README {field}: {}", cells[i + 1]));
            let actual = match field {
                "Excluded" => row["Excluded"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["Count"].as_u64().unwrap())
                    .sum(),
                f => row[f].as_u64().unwrap_or_else(|| panic!("no {f} in {row}")),
            };
            assert_eq!(actual, readme_value, "README {field}, column {}", i + 1);
            checked += 1;
        }
    }
    assert_eq!(checked, 32);
}

fn record_type_runs(r: &Run) -> Vec<String> {
    let mut runs: Vec<String> = Vec::new();
    for rec in r.records() {
        let t = rec["RecordType"].as_str().unwrap().to_string();
        if runs.last() != Some(&t) {
            runs.push(t);
        }
    }
    runs
}

#[test]
fn teams_only_estates_write_every_user_before_the_devices() {
    let r = count(&[
        "--teams",
        &fixture("uc/teams.ps7.json"),
        "--teams-ip-phone-policies",
        &fixture("uc/teams-ip-phone-policies.json"),
        "--m365-licenses",
        &fixture("uc/m365-licenses.json"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        record_type_runs(&r),
        vec![
            "UcUserLicense",
            "UcMeetingRoom",
            "UcDevice",
            "UcLicenseTotal"
        ],
        "rooms and shared phones are written after the last user, in directory order"
    );
    let runs = record_type_runs(&r);
    assert_eq!(runs[0], "UcUserLicense");
    assert_eq!(
        runs.iter().filter(|t| *t == "UcUserLicense").count(),
        1,
        "{runs:?}"
    );
    assert_eq!(runs.last().unwrap(), "UcLicenseTotal");
}

#[test]
fn export_clixml_reads_policies_lists_and_plans() {
    let r = count(&[
        "--teams",
        &fixture("uc/teams.clixml"),
        "--teams-ip-phone-policies",
        &fixture("uc/teams-ip-phone-policies.json"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(user(&r, "voice@contoso.com")["Licensed"], true);
    assert_eq!(user(&r, "novoice@contoso.com")["Licensed"], false);
    let cap = r
        .records_of("UcDevice")
        .into_iter()
        .find(|d| d["Name"] == "cap@contoso.com")
        .expect("the CAP policy object was read");
    assert_eq!(cap["Counted"], true);
    assert_eq!(
        r.records_of("UcMeetingRoom")[0]["Features"],
        json!(["TeamsRoomBasic"])
    );
}

#[test]
fn assigned_plan_cut_by_the_json_depth_limit_is_ignored_with_a_warning() {
    let e = Estate::new();
    let teams = e.json(
        "teams.json",
        json!([{
            "UserPrincipalName": "a@contoso.com", "AccountEnabled": true, "EnterpriseVoiceEnabled": true,
            "FeatureTypes": ["PhoneSystem"],
            "AssignedPlan": ["Microsoft.Teams.ConfigAPI.Cmdlets.Generated.Models.AssignedPlan"]
        }]),
    );
    let users = directory(&e, &["a,a@contoso.com,C,c1,S,,,,,,"]);
    for mode in [
        vec!["--teams", teams.as_str()],
        vec!["--users", users.as_str(), "--teams", teams.as_str()],
    ] {
        let r = count(&mode);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains("depth limit"), "{}", r.stderr);
        assert_eq!(
            user(
                &r,
                if mode[0] == "--teams" {
                    "a@contoso.com"
                } else {
                    "a"
                }
            )["Licensed"],
            true
        );
    }
}
