//! `teams assignments`: every rule proven through the binary on the bundled example tenant
//! (examples/teams, hand-checked in the README), the same tenant in each shape PowerShell writes
//! it (7's ConvertTo-Json, 5.1's UTF-16 JSON with array wrappers and /Date()/ times, one line
//! per object, Export-Clixml, policies as plain strings), and the bad inputs admins hand over.

mod util;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use util::{repo_path, run, Run};

fn example(name: &str) -> String {
    repo_path(&format!("examples/teams/{name}"))
}

fn audit(args: &[&str]) -> Run {
    let mut all = vec!["teams", "assignments", "--format", "ndjson"];
    all.extend_from_slice(args);
    run(&all)
}

fn full_example() -> Run {
    let r = audit(&["--estate", &repo_path("examples/teams")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

/// UPN → codes of its findings.
fn codes(r: &Run) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in r.records_of("TeamsAssignmentFinding") {
        out.entry(f["UserPrincipalName"].as_str().unwrap().to_string())
            .or_default()
            .push(f["Code"].as_str().unwrap().to_string());
    }
    out
}

fn summary(r: &Run) -> Value {
    let s = r.records_of("TeamsAssignmentSummary");
    assert_eq!(s.len(), 1, "{}", r.stdout);
    s[0].clone()
}

fn finding<'a>(r: &'a [Value], upn: &str) -> &'a Value {
    r.iter()
        .find(|f| f["UserPrincipalName"] == upn)
        .unwrap_or_else(|| panic!("no finding for {upn}"))
}

#[test]
fn every_rule_fires_on_the_example_tenant_with_its_evidence() {
    let r = full_example();
    let expected: BTreeMap<String, Vec<String>> = [
        ("bob@contoso.com", "PhoneLicenseVoiceDisabled"),
        ("carol@contoso.com", "CallingPlanBesideDirectRouting"),
        ("dave@contoso.com", "VoiceWithoutPhoneLicense"),
        ("erin@contoso.com", "PhoneLicenseNoNumberNoRouting"),
        ("frank@contoso.com", "LicenseNotActiveVoiceEnabled"),
        ("grace@contoso.com", "DisabledAccountPaidPlans"),
        ("henry@contoso.com", "DeletedAccountPaidPlans"),
        ("aa-main@contoso.com", "ResourceAccountUserPhoneLicense"),
        ("mia@contoso.com", "CallingPlanOnDirectRouting"),
    ]
    .into_iter()
    .map(|(u, c)| (u.to_string(), vec![c.to_string()]))
    .collect();
    // alice (all in order), ivan (number only in Get-CsPhoneNumberAssignment), the call queue
    // (resource-account licence), the room (its Teams Phone comes with Teams Rooms Pro), the
    // guest, kim (Shared Calling), leo (a call queue agent) and the disabled Shared Calling
    // resource account with its pay-as-you-go Calling Plan have none.
    assert_eq!(codes(&r), expected);

    let f = r.records_of("TeamsAssignmentFinding");
    // carol's policy routes only local numbers: the rest go out on her Calling Plan.
    let carol = finding(&f, "carol@contoso.com");
    assert_eq!(carol["Severity"], "Info");
    assert_eq!(carol["ReclaimablePlans"], json!([]));
    let message = carol["Message"].as_str().unwrap();
    assert!(
        message.contains("'US-DirectRouting'")
            && message.contains(r"^\+1(425|206)(\d{7})$")
            && message.contains("go out on the Calling Plan"),
        "{message}"
    );
    assert!(carol["Evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["Source"] == "Get-CsPhoneNumberAssignment" && e["Value"] == "DirectRouting"));
    // mia's policy has a catch-all route: her Calling Plan carries no call.
    let mia = finding(&f, "mia@contoso.com");
    assert_eq!(mia["Severity"], "Waste");
    assert_eq!(mia["ReclaimablePlans"], json!(["MCOPSTN2"]));
    assert!(mia["Evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["Source"] == "Get-CsOnlineVoiceRoute"
            && e["Property"] == "NumberPattern International"
            && e["Value"] == ".*"));
    let erin = finding(&f, "erin@contoso.com");
    for source in [
        "Get-CsOnlineVoiceRoutingPolicy",
        "Get-CsTeamsSharedCallingRoutingPolicy",
        "Get-CsCallQueue",
    ] {
        assert!(
            erin["Evidence"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["Source"] == source),
            "erin's Waste rests on {source}"
        );
    }
    let dave = finding(&f, "dave@contoso.com");
    assert_eq!(dave["Severity"], "Broken");
    assert_eq!(dave["ReclaimablePlans"], json!([]));
    let frank = finding(&f, "frank@contoso.com");
    assert_eq!(frank["Severity"], "Risk");
    assert!(frank["Evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["Property"] == "AssignedPlan MCOEV" && e["Value"] == "Warning"));
    let aa = finding(&f, "aa-main@contoso.com");
    assert_eq!(aa["AccountType"], "ResourceAccount");
    assert!(aa["Message"]
        .as_str()
        .unwrap()
        .contains("MCOEV_VIRTUALUSER"));
    let grace = finding(&f, "grace@contoso.com");
    assert_eq!(
        grace["ReclaimablePlans"],
        json!(["MCOEV", "MCOMEETADV", "TEAMS1"])
    );
    assert!(grace["Source"]
        .as_str()
        .unwrap()
        .ends_with("teams.json record 7"));
}

#[test]
fn the_summary_adds_up_to_the_findings() {
    let r = full_example();
    let f = r.records_of("TeamsAssignmentFinding");
    let s = summary(&r);
    assert_eq!(s["Findings"], f.len());
    let by_code: u64 = s["ByCode"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Findings"].as_u64().unwrap())
        .sum();
    assert_eq!(by_code, f.len() as u64);
    for severity in ["Waste", "Broken", "Risk", "Info"] {
        let n = f.iter().filter(|x| x["Severity"] == severity).count();
        assert_eq!(s[severity], n, "{severity}");
    }
    for c in s["ByCode"].as_array().unwrap() {
        let n = f.iter().filter(|x| x["Code"] == c["Code"]).count();
        assert_eq!(c["Findings"], n, "{}", c["Code"]);
    }
    // Reclaimable per plan: the accounts whose Waste findings name it, each once.
    for p in s["Plans"].as_array().unwrap() {
        let plan = p["Plan"].as_str().unwrap();
        let users: BTreeSet<&str> = f
            .iter()
            .filter(|x| x["Severity"] == "Waste")
            .filter(|x| {
                x["ReclaimablePlans"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|q| q == plan)
            })
            .map(|x| x["UserPrincipalName"].as_str().unwrap())
            .collect();
        assert_eq!(p["Reclaimable"], users.len(), "{plan}");
    }
    assert_eq!(s["AccountsRead"], 17);
    assert_eq!(s["AccountsEvaluated"], 16);
    assert_eq!(s["AccountsNotEvaluated"][0]["Count"], 1);
    assert_eq!(
        (&s["Waste"], &s["Broken"], &s["Risk"], &s["Info"]),
        (&json!(6), &json!(1), &json!(1), &json!(1))
    );
    // 5 × MCOEV at 8.00 + 1 × MCOPSTN2 at 24.00 + 1 × MCOMEETADV at 4.00; TEAMS1 is not
    // priced, and carol's MCOPSTN1 (a review item) is not reclaimable.
    assert_eq!(s["MonthlyWaste"], 68.0);
    assert_eq!(s["UnpricedPlans"], json!(["TEAMS1"]));
    let plan = |name: &str| {
        s["Plans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["Plan"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(plan("MCOEV")["Reclaimable"], 5);
    assert_eq!(plan("MCOEV")["MonthlyWaste"], 40.0);
    assert_eq!(plan("MCOPSTN2")["Reclaimable"], 1);
    assert_eq!(plan("MCOPSTN1")["Reclaimable"], 0);
    assert_eq!(plan("MCOPSTN1")["Holders"], 1);
    assert_eq!(plan("MCOPSTN_PAYG_1")["Family"], "CallingPlan");
    assert_eq!(plan("MCOPSTN_PAYG_1")["Reclaimable"], 0);
    assert_eq!(
        plan("MCOEV_VIRTUALUSER")["Family"],
        "TeamsPhoneResourceAccount"
    );
    // Every rule ran except the one this data cannot decide, which says what it would need.
    let rooms = s["Rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["Rule"] == "TeamsRoomsProUnused")
        .unwrap();
    assert_eq!(rooms["Evaluated"], false);
    assert!(rooms["Note"].as_str().unwrap().contains("not guessed"));
    assert!(s["Rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["Rule"] != "TeamsRoomsProUnused")
        .all(|x| x["Evaluated"] == true));
}

#[test]
fn unknown_plans_are_kept_and_reported_never_dropped() {
    let r = full_example();
    assert!(r.stderr.contains("TEAMSPRO_MGMT"), "{}", r.stderr);
    let s = summary(&r);
    let p = s["Plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["Plan"] == "TEAMSPRO_MGMT")
        .unwrap();
    assert_eq!(p["Known"], false);
    assert_eq!(p["Family"], "Unknown");
    assert_eq!(p["Holders"], 1);
}

/// Findings without the Source column (which names the file), and the summary.
fn comparable(r: &Run) -> (Vec<Value>, Value) {
    assert_eq!(r.code, 0, "{}", r.stderr);
    let f = r
        .records_of("TeamsAssignmentFinding")
        .into_iter()
        .map(|mut x| {
            x.as_object_mut().unwrap().remove("Source");
            x
        })
        .collect();
    (f, summary(r))
}

fn with_example_inputs(users: &str) -> Run {
    audit(&[
        "--online-users",
        users,
        "--phone-numbers",
        &example("teams-phone-numbers.json"),
        "--resource-accounts",
        &example("teams-resource-accounts.json"),
        "--voice-routing-policies",
        &example("teams-voice-routing-policies.json"),
        "--voice-routes",
        &example("teams-voice-routes.json"),
        "--shared-calling-policies",
        &example("teams-shared-calling-policies.json"),
        "--call-queues",
        &example("teams-call-queues.json"),
        "--prices",
        &example("teams-prices.csv"),
    ])
}

fn tenant() -> Vec<Value> {
    serde_json::from_str(&std::fs::read_to_string(example("teams.json")).unwrap()).unwrap()
}

/// Windows PowerShell 5.1: `ConvertTo-Json` wraps arrays held by PSObjects as
/// `{"value": [...], "Count": n}`, writes DateTime as `"\/Date(ms)\/"`, and `Out-File` writes
/// UTF-16 LE with a BOM.
fn ps51(v: &Value, inside_object: bool) -> Value {
    match v {
        Value::Array(items) if inside_object => json!({
            "value": items.iter().map(|x| ps51(x, true)).collect::<Vec<_>>(),
            "Count": items.len(),
        }),
        Value::Array(items) => Value::Array(items.iter().map(|x| ps51(x, true)).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, x)| (k.clone(), ps51(x, true))).collect())
        }
        Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => Value::String(format!("/Date({})/", t.timestamp_millis())),
            Err(_) => v.clone(),
        },
        other => other.clone(),
    }
}

fn utf16_with_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Export-Clixml of the same objects: deserialized type names, typed properties, `<Nil>`.
fn clixml(users: &[Value]) -> String {
    let mut ref_id = 0;
    let mut next = || {
        ref_id += 1;
        ref_id
    };
    fn prop(out: &mut String, name: &str, v: &Value, next: &mut dyn FnMut() -> i32) {
        let n = match name {
            "" => String::new(),
            _ => format!(" N=\"{name}\""),
        };
        match v {
            Value::Null => out.push_str(&format!("<Nil{n} />")),
            Value::Bool(b) => out.push_str(&format!("<B{n}>{b}</B>")),
            Value::String(s) if chrono::DateTime::parse_from_rfc3339(s).is_ok() => {
                out.push_str(&format!("<DT{n}>{s}</DT>"))
            }
            Value::String(s) => out.push_str(&format!("<S{n}>{}</S>", xml_escape(s))),
            Value::Number(x) => out.push_str(&format!("<I32{n}>{x}</I32>")),
            Value::Array(items) => {
                out.push_str(&format!(
                    "<Obj{n} RefId=\"{}\"><TN RefId=\"{}\"><T>Deserialized.System.Object[]</T><T>Deserialized.System.Array</T><T>Deserialized.System.Object</T></TN><LST>",
                    next(),
                    next()
                ));
                for i in items {
                    prop(out, "", i, next);
                }
                out.push_str("</LST></Obj>");
            }
            Value::Object(o) => {
                let kind = if o.contains_key("Capability") {
                    "AssignedPlan"
                } else {
                    "PolicyAssignment"
                };
                out.push_str(&format!(
                    "<Obj{n} RefId=\"{}\"><TN RefId=\"{}\"><T>Deserialized.Microsoft.Teams.ConfigAPI.Cmdlets.Generated.Models.{kind}</T><T>Deserialized.System.Object</T></TN><ToString>Microsoft.Teams.ConfigAPI.Cmdlets.Generated.Models.{kind}</ToString><Props>",
                    next(),
                    next()
                ));
                for (k, x) in o {
                    prop(out, k, x, next);
                }
                out.push_str("</Props></Obj>");
            }
        }
    }
    let mut out = String::from(
        "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n",
    );
    for u in users {
        out.push_str(&format!(
            "  <Obj RefId=\"{}\"><TN RefId=\"{}\"><T>Deserialized.Microsoft.Teams.ConfigAPI.Cmdlets.Generated.Models.User</T><T>Deserialized.System.Object</T></TN><ToString>{}</ToString><Props>",
            next(),
            next(),
            u["UserPrincipalName"].as_str().unwrap()
        ));
        for (k, v) in u.as_object().unwrap() {
            prop(&mut out, k, v, &mut next);
        }
        out.push_str("</Props></Obj>\n");
    }
    out.push_str("</Objs>\n");
    out
}

#[test]
fn the_same_tenant_in_every_powershell_flavour_gives_the_same_findings() {
    let reference = comparable(&with_example_inputs(&example("teams.json")));
    let dir = tempfile::tempdir().unwrap();
    let users = tenant();

    let ndjson = dir.path().join("teams.ndjson");
    let lines: Vec<String> = users
        .iter()
        .map(|u| serde_json::to_string(u).unwrap())
        .collect();
    std::fs::write(&ndjson, lines.join("\r\n") + "\r\n").unwrap();

    let win = dir.path().join("teams-ps51.json");
    let text = serde_json::to_string_pretty(&ps51(&Value::Array(users.clone()), false)).unwrap();
    assert!(
        text.contains("\"Count\"") && text.contains("/Date("),
        "the 5.1 shape is really used"
    );
    std::fs::write(&win, utf16_with_bom(&text)).unwrap();

    let xml = dir.path().join("teams.clixml");
    std::fs::write(&xml, clixml(&users)).unwrap();

    for file in [&ndjson, &win, &xml] {
        let got = comparable(&with_example_inputs(&file.to_string_lossy()));
        assert_eq!(got, reference, "{}", file.display());
    }
    // And two runs are identical byte for byte (diffable).
    let a = with_example_inputs(&example("teams.json"));
    let b = with_example_inputs(&example("teams.json"));
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn policies_as_plain_strings_as_older_modules_and_gcc_high_write_them() {
    let reference = comparable(&with_example_inputs(&example("teams.json")));
    let mut users = tenant();
    for u in &mut users {
        for p in [
            "OnlineVoiceRoutingPolicy",
            "TeamsCallingPolicy",
            "TeamsSharedCallingRoutingPolicy",
        ] {
            let name = u[p]["Name"].as_str().map(|n| format!("Tag:{n}"));
            u[p] = match name {
                Some(n) => Value::String(n),
                None => Value::String(String::new()),
            };
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("teams.json");
    std::fs::write(&f, serde_json::to_string(&users).unwrap()).unwrap();
    assert_eq!(
        comparable(&with_example_inputs(&f.to_string_lossy())),
        reference
    );
}

#[test]
fn export_csv_plans_are_refused_naming_file_record_and_field() {
    let csv = util::fixture("uc/teams.ps51.csv");
    let r = audit(&["--online-users", &csv]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("teams.ps51.csv"), "{}", r.stderr);
    assert!(
        r.stderr.contains("AssignedPlan") && r.stderr.contains("System.Object[]"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("record 1"), "{}", r.stderr);
    assert!(r.stderr.contains("ConvertTo-Json -Depth 5"), "{}", r.stderr);
    assert!(r.records_of("TeamsAssignmentSummary").is_empty());
}

#[test]
fn a_get_csuser_export_is_refused_not_audited_as_licence_free() {
    let r = audit(&["--online-users", &repo_path("examples/contoso/users.json")]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("AssignedPlan") && r.stderr.contains("Get-CsUser"),
        "{}",
        r.stderr
    );
}

#[test]
fn plans_cut_by_the_json_depth_limit_name_the_fix() {
    let mut users = tenant();
    users[0]["AssignedPlan"] =
        json!(["Microsoft.Teams.ConfigAPI.Cmdlets.Generated.Models.AssignedPlan"]);
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("teams.json");
    std::fs::write(&f, serde_json::to_string(&users).unwrap()).unwrap();
    let r = audit(&["--online-users", &f.to_string_lossy()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("-Depth 5"), "{}", r.stderr);
}

#[test]
fn without_the_number_export_the_calling_plan_rule_says_what_it_needs() {
    let r = audit(&[
        "--online-users",
        &example("teams.json"),
        "--voice-routing-policies",
        &example("teams-voice-routing-policies.json"),
        "--shared-calling-policies",
        &example("teams-shared-calling-policies.json"),
        "--call-queues",
        &example("teams-call-queues.json"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !codes(&r).contains_key("carol@contoso.com"),
        "not guessed without number types"
    );
    // ivan's number is only in the number export: without it he looks unrouted.
    assert_eq!(
        codes(&r)["ivan@contoso.com"],
        ["PhoneLicenseNoNumberNoRouting"]
    );
    let s = summary(&r);
    let rule = s["Rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["Rule"] == "CallingPlanOnDirectRouting")
        .unwrap();
    assert_eq!(rule["Evaluated"], false);
    // carol, mia and the Shared Calling resource account (its pay-as-you-go Calling Plan).
    assert_eq!(rule["Undecided"], 3);
    assert!(rule["Note"]
        .as_str()
        .unwrap()
        .contains("Get-CsPhoneNumberAssignment"));
    assert!(
        !codes(&r).contains_key("mia@contoso.com"),
        "no review item either without number types"
    );
    assert_eq!(s["MonthlyWaste"], Value::Null, "no price list, no money");
    // Without the application instance export the resource account is still known by its
    // AccountType.
    assert_eq!(
        codes(&r)["aa-main@contoso.com"],
        ["ResourceAccountUserPhoneLicense"]
    );
}

#[test]
fn a_bad_price_row_stops_the_audit_naming_file_record_and_field() {
    // A price list read in part would understate the waste: like every lookup input, it is
    // read whole or not at all.
    let dir = tempfile::tempdir().unwrap();
    let prices = dir.path().join("prices.csv");
    std::fs::write(
        &prices,
        "\"Plan\",\"MonthlyPrice\"\n\"MCOEV\",\"8,00\"\n\"MCOPSTN1\",\"12.00\"\n",
    )
    .unwrap();
    let r = audit(&[
        "--online-users",
        &example("teams.json"),
        "--prices",
        &prices.to_string_lossy(),
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("prices.csv, record 1, property 'MonthlyPrice'"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("decimal separator"), "{}", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "nothing half-priced is written: {}",
        r.stdout
    );
}

#[test]
fn a_repeated_account_is_audited_once_and_reported() {
    let mut users = tenant();
    users.push(users[1].clone());
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("teams.json");
    std::fs::write(&f, serde_json::to_string(&users).unwrap()).unwrap();
    let r = audit(&["--online-users", &f.to_string_lossy()]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("bob@contoso.com appears more than once"),
        "{}",
        r.stderr
    );
    assert_eq!(codes(&r)["bob@contoso.com"].len(), 1);
    assert_eq!(summary(&r)["AccountsRead"], 17);
}

#[test]
fn no_online_users_is_an_argument_error_naming_the_flag() {
    let r = audit(&[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--online-users"), "{}", r.stderr);
}

/// The rule's entry in the summary's Rules.
fn rule(s: &Value, name: &str) -> Value {
    s["Rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["Rule"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no rule {name}"))
}

/// The example estate with every export but the one named (a temporary copy).
fn estate_without(left_out: &str) -> (tempfile::TempDir, Run) {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(repo_path("examples/teams")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(&format!("{left_out}.")) {
            std::fs::copy(entry.path(), dir.path().join(&name)).unwrap();
        }
    }
    let r = audit(&["--estate", &dir.path().to_string_lossy()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (dir, r)
}

#[test]
fn in_use_licences_are_never_called_waste_through_the_cli() {
    // The issue's three cases on the example tenant: a Shared Calling user (kim), a call queue
    // agent (leo), and a disabled resource account holding a pay-as-you-go Calling Plan with a
    // Calling Plan number (aa-shared) have no finding; carol's Calling Plan beside a local-only
    // routing policy is Info, not Waste.
    let r = full_example();
    let c = codes(&r);
    for upn in [
        "kim@contoso.com",
        "leo@contoso.com",
        "aa-shared@contoso.com",
    ] {
        assert!(!c.contains_key(upn), "{upn}: {:?}", c.get(upn));
    }
    let f = r.records_of("TeamsAssignmentFinding");
    assert!(f
        .iter()
        .filter(|x| x["Severity"] == "Waste")
        .all(|x| x["UserPrincipalName"] != "carol@contoso.com"));
    let s = summary(&r);
    let beside = s["ByCode"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["Code"] == "CallingPlanBesideDirectRouting")
        .unwrap()
        .clone();
    assert_eq!(beside["Severity"], "Info");
    assert_eq!(beside["Findings"], 1);
    // Every export given: every rule decided every account.
    for name in [
        "PhoneLicenseNoNumberNoRouting",
        "CallingPlanOnDirectRouting",
        "CallingPlanBesideDirectRouting",
    ] {
        assert_eq!(rule(&s, name)["Undecided"], 0, "{name}");
        assert_eq!(rule(&s, name)["Note"], Value::Null, "{name}");
    }
}

#[test]
fn each_missing_export_is_undecided_and_named_in_the_summary() {
    // Without the voice routing policies: the Global policy may hold PSTN usages, so erin is
    // undecided, not Waste (leo is decided: a queue agent), and mia's Calling Plan is a review
    // item, not Waste.
    let (_d, r) = estate_without("teams-voice-routing-policies");
    let c = codes(&r);
    assert!(!c.contains_key("erin@contoso.com"), "{c:?}");
    assert_eq!(c["mia@contoso.com"], ["CallingPlanBesideDirectRouting"]);
    let s = summary(&r);
    let r2 = rule(&s, "PhoneLicenseNoNumberNoRouting");
    assert_eq!(r2["Undecided"], 1);
    assert!(
        r2["Note"]
            .as_str()
            .unwrap()
            .contains("1 because the PSTN usages of the account's voice routing policy are unknown (the Global policy may hold some): the Get-CsOnlineVoiceRoutingPolicy export was not given"),
        "{}",
        r2["Note"]
    );
    let r4 = rule(&s, "CallingPlanOnDirectRouting");
    assert_eq!(r4["Undecided"], 2, "carol and mia");
    let note = r4["Note"].as_str().unwrap();
    assert!(
        note.contains("Get-CsOnlineVoiceRoutingPolicy")
            && note.contains("CallingPlanBesideDirectRouting (Info) instead"),
        "{note}"
    );
    assert_eq!(s["Info"], 2);

    // Without the voice routes: mia's catch-all route is unknown.
    let (_d, r) = estate_without("teams-voice-routes");
    assert_eq!(
        codes(&r)["mia@contoso.com"],
        ["CallingPlanBesideDirectRouting"]
    );
    assert!(
        codes(&r).contains_key("erin@contoso.com"),
        "rule 2 needs no routes"
    );
    let r4 = rule(&summary(&r), "CallingPlanOnDirectRouting");
    assert_eq!(r4["Undecided"], 2);
    assert!(r4["Note"]
        .as_str()
        .unwrap()
        .contains("Get-CsOnlineVoiceRoute export"));

    // Without the Shared Calling policies: Global may name a resource account.
    let (_d, r) = estate_without("teams-shared-calling-policies");
    assert!(!codes(&r).contains_key("erin@contoso.com"));
    assert!(
        !codes(&r).contains_key("kim@contoso.com"),
        "her own policy decides"
    );
    let r2 = rule(&summary(&r), "PhoneLicenseNoNumberNoRouting");
    assert_eq!(r2["Undecided"], 1);
    assert!(r2["Note"]
        .as_str()
        .unwrap()
        .contains("Get-CsTeamsSharedCallingRoutingPolicy export was not given"));

    // Without the call queues: erin and leo may be agents.
    let (_d, r) = estate_without("teams-call-queues");
    assert!(!codes(&r).contains_key("erin@contoso.com"));
    assert!(!codes(&r).contains_key("leo@contoso.com"));
    let r2 = rule(&summary(&r), "PhoneLicenseNoNumberNoRouting");
    assert_eq!(r2["Undecided"], 2);
    assert!(r2["Note"]
        .as_str()
        .unwrap()
        .contains("2 because the account may be a call queue agent"));

    // Get-CsOnlineUser without TeamsSharedCallingRoutingPolicy (an older module): named.
    let mut users = tenant();
    for u in &mut users {
        u.as_object_mut()
            .unwrap()
            .remove("TeamsSharedCallingRoutingPolicy");
    }
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("teams.json");
    std::fs::write(&f, serde_json::to_string(&users).unwrap()).unwrap();
    let r = with_example_inputs(&f.to_string_lossy());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!codes(&r).contains_key("erin@contoso.com"));
    let r2 = rule(&summary(&r), "PhoneLicenseNoNumberNoRouting");
    assert!(r2["Note"]
        .as_str()
        .unwrap()
        .contains("TeamsSharedCallingRoutingPolicy is not in the Get-CsOnlineUser export"));
}

#[test]
fn a_voice_route_export_without_its_pattern_stops_the_run_naming_file_record_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let routes = dir.path().join("routes.json");
    std::fs::write(
        &routes,
        r#"[{"Identity":"Redmond","OnlinePstnUsages":["US-Local"],"OnlinePstnGatewayList":["sbc1.contoso.com"]}]"#,
    )
    .unwrap();
    let r = audit(&[
        "--online-users",
        &example("teams.json"),
        "--voice-routes",
        &routes.to_string_lossy(),
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("routes.json, record 1, property 'NumberPattern'"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("Get-CsOnlineVoiceRoute"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "nothing half-decided is written");
    // Call queues exported by Export-Csv lost their agents: refused, naming the fix.
    let queues = dir.path().join("queues.csv");
    std::fs::write(
        &queues,
        "\"Identity\",\"Name\",\"Agents\"\n\"q1\",\"Support\",\"System.Object[]\"\n",
    )
    .unwrap();
    let r = audit(&[
        "--online-users",
        &example("teams.json"),
        "--call-queues",
        &queues.to_string_lossy(),
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("queues.csv")
            && r.stderr.contains("Agents")
            && r.stderr.contains("ConvertTo-Json -Depth 5"),
        "{}",
        r.stderr
    );
}

// Plan-level prices and suites (issue 24, item 4): Teams Phone inside Microsoft 365 E5 cannot be
// returned alone, so with the licence data only plans bought separately are a saving; without
// it the monthly waste is plan value and says so.

fn m365(name: &str) -> String {
    repo_path(&format!("examples/m365/{name}"))
}

fn with_licences(extra: &[&str]) -> Run {
    licensed(
        &m365("m365-licenses.json"),
        &m365("m365-subscribed-skus.json"),
        extra,
    )
}

/// The example tenant with these licence files.
fn licensed(licences: &str, skus: &str, extra: &[&str]) -> Run {
    let estate = repo_path("examples/teams");
    let mut args = vec![
        "--estate",
        &estate,
        "--m365-licenses",
        licences,
        "--subscribed-skus",
        skus,
    ];
    args.extend_from_slice(extra);
    audit(&args)
}

fn plan_of(s: &Value, name: &str) -> Value {
    s["Plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["Plan"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no plan {name}"))
}

fn via(f: &[Value], upn: &str) -> Vec<String> {
    finding(f, upn)["ReclaimableVia"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn without_licence_data_the_waste_is_plan_value_and_says_so() {
    let r = full_example();
    let s = summary(&r);
    assert_eq!(s["WasteBasis"], "PlanValue");
    let note = s["WasteNote"].as_str().unwrap();
    assert!(
        note.starts_with("plan value, not a saving")
            && note.contains("cannot be returned alone")
            && note.contains("Get-MgUser")
            && note.contains("Get-MgSubscribedSku"),
        "{note}"
    );
    assert_eq!(s["MonthlyWaste"], 68.0);
    assert_eq!(s["MonthlyValueInSuites"], Value::Null);
    assert_eq!(s["MonthlyValueUnknown"], Value::Null);
    let mcoev = plan_of(&s, "MCOEV");
    assert_eq!(mcoev["ReclaimableSeparate"], Value::Null);
    assert_eq!(mcoev["ReclaimableInSuite"], Value::Null);
    assert_eq!(mcoev["ReclaimableUnknown"], Value::Null);
    let f = r.records_of("TeamsAssignmentFinding");
    let bob = via(&f, "bob@contoso.com");
    assert_eq!(bob.len(), 1);
    assert!(
        bob[0].starts_with("MCOEV: ") && bob[0].contains("plan value, not a saving"),
        "{bob:?}"
    );
    // One entry per reclaimable plan, none for findings with nothing reclaimable.
    for x in &f {
        assert_eq!(
            x["ReclaimableVia"].as_array().unwrap().len(),
            x["ReclaimablePlans"].as_array().unwrap().len(),
            "{x}"
        );
    }
}

#[test]
fn with_licence_data_only_plans_bought_separately_are_a_saving() {
    let r = with_licences(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The findings are the same as without the licence data: it changes the money, not the
    // rules.
    assert_eq!(codes(&r), codes(&full_example()));
    let f = r.records_of("TeamsAssignmentFinding");
    // bob holds Microsoft 365 E5: his Teams Phone comes with Exchange, SharePoint, ... and
    // cannot be returned alone.
    let bob = via(&f, "bob@contoso.com");
    assert!(
        bob[0].starts_with("MCOEV: in SPE_E5, a suite")
            && bob[0].contains("changing or removing the suite"),
        "{bob:?}"
    );
    // erin and the auto attendant hold the Teams Phone Standard SKU (MCOEV only); mia the
    // Domestic and International Calling Plan SKU: each can be returned.
    for (upn, plan) in [
        ("erin@contoso.com", "MCOEV"),
        ("aa-main@contoso.com", "MCOEV"),
        ("mia@contoso.com", "MCOPSTN2"),
    ] {
        let v = via(&f, upn);
        assert_eq!(
            v,
            [format!(
                "{plan}: SKU {plan}, bought separately (it holds {plan} only): return it"
            )],
            "{upn}"
        );
    }
    // grace (disabled) holds E5: all three plans are in the suite.
    let grace = via(&f, "grace@contoso.com");
    assert_eq!(grace.len(), 3);
    assert!(
        grace.iter().all(|v| v.contains("in SPE_E5, a suite")),
        "{grace:?}"
    );
    // henry is soft-deleted: Get-MgUser does not return him, so his plans are not placed.
    let henry = via(&f, "henry@contoso.com");
    assert_eq!(
        henry,
        [
            "MCOEV: no licence data for this account: not counted as a saving",
            "TEAMS1: no licence data for this account: not counted as a saving"
        ]
    );
    assert!(
        r.stderr.contains("LicenceDataMissing") || r.stderr.contains("henry@contoso.com"),
        "{}",
        r.stderr
    );

    let s = summary(&r);
    assert_eq!(s["WasteBasis"], "Saving");
    assert!(
        s["WasteNote"].as_str().unwrap().starts_with("a saving"),
        "{}",
        s["WasteNote"]
    );
    // erin + aa-main: 2 × MCOEV at 8.00; mia: MCOPSTN2 at 24.00.
    assert_eq!(s["MonthlyWaste"], 40.0);
    // bob's and grace's MCOEV (2 × 8.00), grace's MCOMEETADV (4.00); TEAMS1 is unpriced.
    assert_eq!(s["MonthlyValueInSuites"], 20.0);
    // henry's MCOEV.
    assert_eq!(s["MonthlyValueUnknown"], 8.0);
    let mcoev = plan_of(&s, "MCOEV");
    assert_eq!(
        (
            &mcoev["Reclaimable"],
            &mcoev["ReclaimableSeparate"],
            &mcoev["ReclaimableInSuite"],
            &mcoev["ReclaimableUnknown"],
            &mcoev["MonthlyWaste"]
        ),
        (&json!(5), &json!(2), &json!(2), &json!(1), &json!(16.0))
    );
    let meet = plan_of(&s, "MCOMEETADV");
    assert_eq!(meet["ReclaimableInSuite"], 1);
    assert_eq!(meet["MonthlyWaste"], 0.0);
    // The three parts add up to the reclaimable accounts of every plan, and the three sums to
    // the plan value the run without licence data prints.
    for p in s["Plans"].as_array().unwrap() {
        let parts: u64 = [
            "ReclaimableSeparate",
            "ReclaimableInSuite",
            "ReclaimableUnknown",
        ]
        .iter()
        .map(|k| p[k].as_u64().unwrap())
        .sum();
        assert_eq!(p["Reclaimable"], parts, "{}", p["Plan"]);
    }
    let total = s["MonthlyWaste"].as_f64().unwrap()
        + s["MonthlyValueInSuites"].as_f64().unwrap()
        + s["MonthlyValueUnknown"].as_f64().unwrap();
    assert_eq!(total, summary(&full_example())["MonthlyWaste"]);
}

#[test]
fn the_licence_exports_are_found_in_an_estate_folder_by_name() {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["examples/teams", "examples/m365"] {
        for entry in std::fs::read_dir(repo_path(folder)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    let r = audit(&["--estate", &dir.path().to_string_lossy()]);
    assert_eq!(comparable(&r).1["MonthlyWaste"], 40.0);
    assert_eq!(comparable(&r).1["WasteBasis"], "Saving");
}

/// The example tenant's licence data written to a temporary folder as `name`.
fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn without_the_sku_list_a_sku_named_as_the_plan_is_bought_separately_and_a_suite_is_not_known() {
    // Rows of UserPrincipalName, SkuPartNumber (Get-MgUserLicenseDetail with the UPN added):
    // MCOEV and MCOPSTN2 are SKUs holding that plan alone; what SPE_E5 holds needs the list.
    let dir = tempfile::tempdir().unwrap();
    let licences = write(
        &dir,
        "licences.csv",
        "\"UserPrincipalName\",\"SkuPartNumber\"\n\"bob@contoso.com\",\"SPE_E5\"\n\"erin@contoso.com\",\"ENTERPRISEPACK\"\n\"erin@contoso.com\",\"MCOEV\"\n\"mia@contoso.com\",\"MCOPSTN2\"\n",
    );
    let r = audit(&[
        "--estate",
        &repo_path("examples/teams"),
        "--m365-licenses",
        &licences,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let f = r.records_of("TeamsAssignmentFinding");
    assert!(via(&f, "erin@contoso.com")[0].contains("bought separately"));
    assert!(via(&f, "mia@contoso.com")[0].contains("bought separately"));
    let bob = via(&f, "bob@contoso.com");
    assert!(bob[0].contains("no SKU list"), "{bob:?}");
    assert!(r.stderr.contains("SPE_E5"), "{}", r.stderr);
    let s = summary(&r);
    assert_eq!(s["WasteBasis"], "Saving");
    // erin's MCOEV and mia's MCOPSTN2; everything else is not placed.
    assert_eq!(s["MonthlyWaste"], 32.0);
    assert_eq!(s["MonthlyValueInSuites"], 0.0);
    assert_eq!(s["MonthlyValueUnknown"], 36.0);
}

#[test]
fn the_sku_list_one_row_per_plan_reads_like_the_graph_shape() {
    let skus: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(m365("m365-subscribed-skus.json")).unwrap())
            .unwrap();
    let mut csv =
        String::from("\"SkuId\",\"SkuPartNumber\",\"ServicePlanId\",\"ServicePlanName\"\n");
    for k in &skus {
        for p in k["ServicePlans"].as_array().unwrap() {
            csv.push_str(&format!(
                "\"{}\",\"{}\",\"{}\",\"{}\"\n",
                k["SkuId"].as_str().unwrap(),
                k["SkuPartNumber"].as_str().unwrap(),
                p["ServicePlanId"].as_str().unwrap(),
                p["ServicePlanName"].as_str().unwrap()
            ));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let flat = write(&dir, "skus.csv", &csv);
    let r = audit(&[
        "--estate",
        &repo_path("examples/teams"),
        "--m365-licenses",
        &m365("m365-licenses.json"),
        "--subscribed-skus",
        &flat,
    ]);
    assert_eq!(comparable(&r), comparable(&with_licences(&[])));
}

#[test]
fn a_sku_list_without_the_users_licences_is_said_to_change_nothing() {
    let r = audit(&[
        "--estate",
        &repo_path("examples/teams"),
        "--subscribed-skus",
        &m365("m365-subscribed-skus.json"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("without the users' licences"),
        "{}",
        r.stderr
    );
    assert_eq!(summary(&r)["WasteBasis"], "PlanValue");
    assert_eq!(summary(&r)["MonthlyWaste"], 68.0);
}

#[test]
fn a_bad_sku_list_stops_the_run_naming_file_record_and_field() {
    let dir = tempfile::tempdir().unwrap();
    // A Select-Object that left ServicePlans out.
    let skus = write(
        &dir,
        "skus.json",
        r#"[{"SkuId":"06ebc4ee-1bb5-47dd-8120-11324bc54e06","SkuPartNumber":"SPE_E5"}]"#,
    );
    let r = licensed(&m365("m365-licenses.json"), &skus, &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("skus.json, record 1, property 'ServicePlans'"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "nothing half-priced is written");
    // Export-Csv flattened the plans.
    let skus = write(
        &dir,
        "skus.csv",
        "\"SkuId\",\"SkuPartNumber\",\"ServicePlans\"\n\"06ebc4ee-1bb5-47dd-8120-11324bc54e06\",\"SPE_E5\",\"System.Object[]\"\n",
    );
    let r = licensed(&m365("m365-licenses.json"), &skus, &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("skus.csv") && r.stderr.contains("System.Object[]"),
        "{}",
        r.stderr
    );
    // No SkuId: not a SKU list at all.
    let skus = write(&dir, "other.json", r#"[{"Name":"x","ServicePlans":[]}]"#);
    let r = licensed(&m365("m365-licenses.json"), &skus, &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("other.json, record 1, property 'SkuId'"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_licence_file_of_which_no_record_reads_is_refused_not_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let licences = write(
        &dir,
        "licences.csv",
        "\"UserPrincipalName\",\"AssignedLicenses\"\n\"bob@contoso.com\",\"System.Object[]\"\n\"erin@contoso.com\",\"System.Object[]\"\n",
    );
    let r = licensed(&licences, &m365("m365-subscribed-skus.json"), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("licences.csv, record 1, property 'AssignedLicenses'")
            && r.stderr.contains("System.Object[]"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("none of its 2 record(s)"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn a_bad_licence_record_is_reported_and_its_account_not_placed() {
    // One bad record among good ones: reported, exit 3, the rest audited; the account it would
    // have described is not placed rather than guessed.
    let mut users: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(m365("m365-licenses.json")).unwrap())
            .unwrap();
    let erin = users
        .iter_mut()
        .find(|u| u["UserPrincipalName"] == "erin@contoso.com")
        .unwrap();
    erin["AssignedLicenses"] =
        json!(["Microsoft.Graph.PowerShell.Models.MicrosoftGraphAssignedLicense"]);
    let dir = tempfile::tempdir().unwrap();
    let licences = write(
        &dir,
        "licences.json",
        &serde_json::to_string(&users).unwrap(),
    );
    let r = licensed(&licences, &m365("m365-subscribed-skus.json"), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("property 'AssignedLicenses'") && r.stderr.contains("-Depth 5"),
        "{}",
        r.stderr
    );
    let f = r.records_of("TeamsAssignmentFinding");
    assert!(via(&f, "erin@contoso.com")[0].contains("no licence data for this account"));
    let s = summary(&r);
    assert_eq!(s["MonthlyWaste"], 32.0);
    assert_eq!(s["MonthlyValueUnknown"], 16.0);
}

#[test]
fn licence_data_without_any_licence_is_said_to_lack_assigned_licenses() {
    // Get-MgUser -All without -Property AssignedLicenses: every user, no licence.
    let dir = tempfile::tempdir().unwrap();
    let licences = write(
        &dir,
        "users.json",
        r#"[{"UserPrincipalName":"bob@contoso.com","AssignedLicenses":[]},{"UserPrincipalName":"erin@contoso.com","AssignedLicenses":[]}]"#,
    );
    let r = licensed(&licences, &m365("m365-subscribed-skus.json"), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("-Property UserPrincipalName,AssignedLicenses"),
        "{}",
        r.stderr
    );
    let s = summary(&r);
    assert_eq!(s["WasteBasis"], "Saving");
    assert_eq!(s["MonthlyWaste"], 0.0);
    assert_eq!(s["MonthlyValueUnknown"], 68.0);
}

#[test]
fn a_plan_disabled_in_a_suite_is_not_held_through_it() {
    // bob's E5 with Teams Phone turned off (DisabledPlans, the plan's servicePlanId): his Teams
    // Phone must come from elsewhere; with no other licence the licence data does not place it.
    let mut users: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(m365("m365-licenses.json")).unwrap())
            .unwrap();
    let bob = users
        .iter_mut()
        .find(|u| u["UserPrincipalName"] == "bob@contoso.com")
        .unwrap();
    bob["AssignedLicenses"][0]["DisabledPlans"] = json!(["{4828C8EC-DC2E-4779-B502-87AC9CE28AB7}"]);
    let dir = tempfile::tempdir().unwrap();
    let licences = write(&dir, "users.json", &serde_json::to_string(&users).unwrap());
    let r = licensed(&licences, &m365("m365-subscribed-skus.json"), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let f = r.records_of("TeamsAssignmentFinding");
    assert_eq!(
        via(&f, "bob@contoso.com"),
        ["MCOEV: no licence of this account holds it in the licence data: not counted as a saving"]
    );
    // The same with Teams Phone Standard beside it: that SKU is what gives him the plan.
    let bob = users
        .iter_mut()
        .find(|u| u["UserPrincipalName"] == "bob@contoso.com")
        .unwrap();
    bob["AssignedLicenses"]
        .as_array_mut()
        .unwrap()
        .push(json!({"DisabledPlans": [], "SkuId": "e43b5b99-8dfb-405f-9987-dc307f34bcbd"}));
    let licences = write(&dir, "users2.json", &serde_json::to_string(&users).unwrap());
    let r = licensed(&licences, &m365("m365-subscribed-skus.json"), &[]);
    let f = r.records_of("TeamsAssignmentFinding");
    assert!(via(&f, "bob@contoso.com")[0].contains("SKU MCOEV, bought separately"));
    assert_eq!(summary(&r)["MonthlyWaste"], 48.0);
}
