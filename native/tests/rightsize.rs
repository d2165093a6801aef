//! `lync rightsize` end to end through the binary on the example estate: every transition (down,
//! up, unchanged, exposure, insufficient data), prices, a short window, and the hand-off to
//! `lync plan`.

mod util;
use serde_json::Value;
use util::{repo_path, run, run_with_stdin};

/// `lync entitlement` output for the example estate, in a temporary file.
fn configured(dir: &tempfile::TempDir) -> String {
    let r = run(&[
        "lync",
        "entitlement",
        "--estate",
        &repo_path("examples/contoso"),
        "--summary",
        "--format",
        "ndjson",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p = dir.path().join("configured.ndjson");
    std::fs::write(&p, &r.stdout).unwrap();
    p.to_string_lossy().into_owned()
}

fn rightsize(extra: &[&str]) -> (util::Run, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let cal = configured(&dir);
    let usage = repo_path("examples/rightsizing/usage.ndjson");
    let mut args = vec![
        "lync",
        "rightsize",
        "--configured",
        &cal,
        "--usage",
        &usage,
        "--format",
        "ndjson",
    ];
    args.extend_from_slice(extra);
    let r = run(&args);
    (r, dir)
}

fn user<'a>(records: &'a [Value], name: &str) -> &'a Value {
    let sip = format!("sip:{name}@contoso.com");
    records
        .iter()
        .find(|r| r["SipAddress"] == sip.as_str())
        .unwrap_or_else(|| panic!("no record for {sip}"))
}

#[test]
fn every_transition_on_the_example_estate() {
    let licensed = repo_path("examples/rightsizing/licensed.csv");
    let (r, _d) = rightsize(&["--licensed", &licensed, "--summary"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let recs = r.records_of("LyncCalRightSizing");
    assert_eq!(recs.len(), 12, "users only: devices are not right-sized");
    let expect = [
        ("alice", "Unchanged", "Enterprise"),
        ("bob", "Upgrade", "Enterprise"),
        ("carol", "Downgrade", "Standard"),
        ("dave", "Exposure", "Standard"),
        ("erin", "Exposure", "Enterprise"),
        ("frank", "NoCalNeeded", "Standard"),
        ("grace", "InsufficientData", "Enterprise"),
        ("heidi", "Downgrade", "Standard"),
        ("ivan", "Downgrade", "Standard"),
        ("judy", "Unchanged", "Standard"),
        ("mallory", "Unchanged", "Enterprise"),
        ("zoe", "Downgrade", "Standard"),
    ];
    for (name, code, tier) in expect {
        let u = user(&recs, name);
        assert_eq!(u["Recommendation"], code, "{name}: {u:#}");
        assert_eq!(u["Tier"], tier, "{name}: {u:#}");
        assert_eq!(u["Confidence"], "Normal", "{name}");
        assert_eq!(u["WindowDays"], 90, "{name}");
    }
    // Down: Enterprise configured, no Enterprise use in 90 days → the Standard policy.
    let carol = user(&recs, "carol");
    assert_eq!(carol["Configured"], "Standard+Enterprise");
    assert_eq!(carol["Used"], "Standard");
    assert_eq!(carol["TargetPolicy"], "Tag:STD_CAL_NoConferencing");
    assert!(carol["Reason"]
        .as_str()
        .unwrap()
        .contains("no Enterprise use in 90 days"));
    let ev = carol["Evidence"].to_string();
    assert!(
        ev.contains("Enterprise configured by ConferencingPolicy Site:Dublin"),
        "{ev}"
    );
    assert!(ev.contains("Enterprise=No"), "{ev}");
    // Exposure: PSTN use without a Plus licence.
    let erin = user(&recs, "erin");
    assert!(erin["Reason"]
        .as_str()
        .unwrap()
        .contains("without a Plus licence"));
    assert_eq!(erin["KeepPlus"], true);
    // Insufficient data: never a downgrade.
    let grace = user(&recs, "grace");
    assert_eq!(grace["Used"], "No usage record");
    assert!(grace["Reason"]
        .as_str()
        .unwrap()
        .contains("never recommended for downgrade"));
    assert_eq!(grace["TargetPolicy"], Value::Null);
    // Up: used Enterprise though configured Standard.
    assert_eq!(
        user(&recs, "bob")["TargetPolicy"],
        "Tag:ENT_CAL_REC_AudioVideo"
    );

    let s = &r.records_of("LyncCalRightSizingSummary")[0];
    assert_eq!(s["Users"], 12);
    assert_eq!(s["Downgrade"], 4);
    assert_eq!(s["Upgrade"], 1);
    assert_eq!(s["Unchanged"], 3);
    assert_eq!(s["Exposure"], 2);
    assert_eq!(s["InsufficientData"], 1);
    assert_eq!(s["NoCalNeeded"], 1);
    assert_eq!(s["DevicesSkipped"], 3);
    assert_eq!(s["UsageOnlyUsers"], 1);
    assert_eq!(s["YearlySaving"], Value::Null, "no price list given");
    assert!(r.stderr.contains("no LyncUserCal record"), "{}", r.stderr);
}

#[test]
fn a_user_listed_twice_holds_both_licences_with_a_warning() {
    // Issue #22 item 5: never silently the last row.
    let dir = tempfile::tempdir().unwrap();
    let licensed = dir.path().join("licensed.csv");
    std::fs::write(
        &licensed,
        "SipAddress,Tier\nsip:alice@contoso.com,Enterprise\nsip:alice@contoso.com,Standard+Plus\nsip:bob@contoso.com,Enterprise\n",
    )
    .unwrap();
    let (r, _dir) = rightsize(&["--licensed", &licensed.to_string_lossy()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let alice = user(&r.records_of("LyncCalRightSizing"), "alice").clone();
    assert_eq!(alice["Licensed"], "Standard+Enterprise+Plus", "{alice}");
    assert!(
        r.stderr.contains("alice@contoso.com is listed as Standard+Enterprise (record 1) and as Standard+Plus (record 2); both are kept: Standard+Enterprise+Plus"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_sfb_server_user_holding_e3_has_standard_and_enterprise_covered_and_still_needs_plus() {
    // Issue #24 item 5: Microsoft 365 / Office 365 E3 is CAL-equivalent for the Skype for
    // Business Server Standard and Enterprise CALs, not Plus (Product Terms, CAL and ML
    // Equivalency Licenses). Alice is configured and uses Enterprise and Plus.
    let dir = tempfile::tempdir().unwrap();
    let licensed = dir.path().join("licensed.csv");
    std::fs::write(
        &licensed,
        "SipAddress,Tier\nsip:alice@contoso.com,Microsoft 365 E3\nsip:bob@contoso.com,Office 365 E5\n",
    )
    .unwrap();
    let (r, _dir) = rightsize(&["--licensed", &licensed.to_string_lossy()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let recs = r.records_of("LyncCalRightSizing");
    let alice = user(&recs, "alice");
    assert_eq!(alice["Licensed"], "Standard+Enterprise", "{alice:#}");
    assert_eq!(alice["Recommendation"], "Exposure", "{alice:#}");
    let evidence = alice["Evidence"].to_string();
    assert!(
        evidence.contains("Basis: Microsoft 365 E3 is taken as CAL-equivalent for the Skype for Business Server Standard, Enterprise CAL(s)")
            && evidence.contains("no Plus CAL"),
        "{evidence}"
    );
    assert!(
        alice["Changes"].to_string().contains("Plus"),
        "the Plus CAL is still needed: {alice:#}"
    );
    // E5 includes Phone System: the Plus CAL too.
    let bob = user(&recs, "bob");
    assert_eq!(bob["Licensed"], "Standard+Enterprise+Plus", "{bob:#}");
}

#[test]
fn ems_and_no_teams_offers_are_refused_not_read_as_enterprise() {
    // Review finding: "Enterprise Mobility + Security E3" was read as an Enterprise CAL for the
    // word in its name. EMS includes no Skype for Business Server CAL (Product Terms, CAL and ML
    // Equivalency Licenses); the (no Teams) offers are not in that table, so the admin is told
    // what to write. Alice is configured and uses Enterprise.
    let dir = tempfile::tempdir().unwrap();
    let licensed = dir.path().join("licensed.csv");
    std::fs::write(
        &licensed,
        "SipAddress,Tier\nsip:alice@contoso.com,Enterprise Mobility + Security E3\nsip:bob@contoso.com,Enterprise Mobility + Security E5\nsip:carol@contoso.com,Microsoft 365 E3 (no Teams)\n",
    )
    .unwrap();
    let path = licensed.to_string_lossy().to_string();
    let (r, _dir) = rightsize(&["--licensed", &path]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    for part in [
        path.as_str(),
        "record 1",
        "record 2",
        "'Tier'",
        "'Enterprise Mobility + Security E3' names no CAL",
        "'Enterprise Mobility + Security E5' names no CAL",
        "write 'Microsoft 365 E3'",
    ] {
        assert!(r.stderr.contains(part), "{part} not in {}", r.stderr);
    }
    // A licence list read in part could give alice Enterprise she does not hold: nothing is
    // right-sized, rather than a YearlyExposure of 0 for her.
    assert!(
        r.records_of("LyncCalRightSizing").is_empty(),
        "{}",
        r.stdout
    );
}

/// `lync rightsize` with the example prices and a licence list written to a temporary file.
fn rightsize_licensed(csv: &str, summary: bool) -> (util::Run, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let licensed = dir.path().join("licensed.csv");
    std::fs::write(&licensed, csv).unwrap();
    let prices = repo_path("examples/rightsizing/prices.csv");
    let licensed = licensed.to_string_lossy();
    let mut args = vec!["--licensed", &licensed, "--prices", &prices];
    if summary {
        args.push("--summary");
    }
    let (r, _d) = rightsize(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (r, dir)
}

#[test]
fn rights_held_through_a_suite_or_plan_are_no_saving() {
    // Review of issue #24: an Enterprise right inside Microsoft 365 E3 (or E5, or a CAL suite)
    // cannot be handed back alone (Product Terms, CAL and ML Equivalency Licenses), so an unused
    // one is kept and saves nothing. On the example estate (prices Standard 40, Enterprise 60,
    // Plus 85): zoe is configured Enterprise and Plus and used neither (with single CALs:
    // Downgrade, 145 a year); carol is configured Enterprise and did not use it (with a
    // single CAL: Downgrade to the Standard policy, 60); ivan had no activity at all (with a
    // single Standard CAL: Downgrade, 40).
    let (r, _dir) = rightsize_licensed(
        "SipAddress,Tier\n\
         sip:zoe@contoso.com,Microsoft 365 E5\n\
         sip:carol@contoso.com,Microsoft 365 E3\n\
         sip:ivan@contoso.com,Core CAL Suite\n\
         sip:heidi@contoso.com,Office 365 E5\n",
        true,
    );
    let recs = r.records_of("LyncCalRightSizing");
    let cases = [
        ("zoe", "Enterprise", "Plus is part of Microsoft 365 E5"),
        (
            "carol",
            "Enterprise",
            "Enterprise is part of Microsoft 365 E3",
        ),
        ("ivan", "Standard", "Standard is part of Core CAL Suite"),
        ("heidi", "Standard", "Plus is part of Office 365 E5"),
    ];
    for (name, tier, part) in cases {
        let u = user(&recs, name);
        assert_eq!(u["Recommendation"], "Unchanged", "{name}: {u:#}");
        assert_eq!(u["Tier"], tier, "{name}: {u:#}");
        assert_eq!(u["TargetPolicy"], Value::Null, "{name}: nothing to grant");
        let saving = &u["YearlySaving"];
        assert!(saving.as_f64() == Some(0.0), "{name}: {saving}");
        assert_eq!(saving.to_string(), "0.0", "{name}: never -0");
        let reason = u["Reason"].as_str().unwrap();
        assert!(
            reason.contains(&format!("{part}; it cannot be returned alone — no saving")),
            "{name}: {reason}"
        );
        assert!(
            u["Evidence"].to_string().contains("No saving: "),
            "{name}: {u:#}"
        );
    }
    let s = &r.records_of("LyncCalRightSizingSummary")[0];
    assert_eq!(s["EnterpriseFreed"], 0, "{s:#}");
    assert_eq!(s["StandardFreed"], 0, "{s:#}");
    assert!(
        s["Notes"]
            .to_string()
            .contains("4 user(s) leave rights unused"),
        "{s:#}"
    );
}

#[test]
fn a_user_the_licence_list_leaves_out_frees_no_saving() {
    // docs/rules/rightsizing.md, "Money": a freed CAL is counted when licensed, or when no
    // licence list is given. zoe (configured Enterprise and Plus, used neither) is not in this
    // list: the configuration should still change (Downgrade), but she holds no listed CAL, so
    // nothing is saved. Without a list, the same downgrade is priced (Enterprise 60 + Plus 85).
    let (r, _dir) = rightsize_licensed("SipAddress,Tier\nsip:heidi@contoso.com,Standard\n", false);
    let zoe = user(&r.records_of("LyncCalRightSizing"), "zoe").clone();
    assert_eq!(zoe["Recommendation"], "Downgrade", "{zoe:#}");
    assert_eq!(zoe["YearlySaving"].to_string(), "0.0", "{zoe:#}");
    assert!(
        zoe["Evidence"]
            .to_string()
            .contains("Not in the licence list: no exposure can be decided, and what the recommendation frees is no saving"),
        "{zoe:#}"
    );
    let prices = repo_path("examples/rightsizing/prices.csv");
    let (r, _d) = rightsize(&["--prices", &prices]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let zoe = user(&r.records_of("LyncCalRightSizing"), "zoe").clone();
    assert_eq!(zoe["Recommendation"], "Downgrade", "{zoe:#}");
    assert_eq!(zoe["YearlySaving"], 145.0, "{zoe:#}");
}

#[test]
fn a_single_cal_held_beside_a_plan_is_still_a_saving() {
    // zoe holds Enterprise through Microsoft 365 E3 and a Plus CAL bought on its own; she used
    // neither: the Plus CAL (85 a year) can go, the Enterprise right inside E3 cannot.
    let (r, _dir) = rightsize_licensed(
        "SipAddress,Tier\nsip:zoe@contoso.com,Microsoft 365 E3\nsip:zoe@contoso.com,Standard+Plus\n",
        false,
    );
    let zoe = user(&r.records_of("LyncCalRightSizing"), "zoe").clone();
    assert_eq!(zoe["Recommendation"], "Downgrade", "{zoe:#}");
    assert_eq!(zoe["YearlySaving"], 85.0, "{zoe:#}");
    let reason = zoe["Reason"].as_str().unwrap();
    assert!(reason.contains("Plus → none"), "{reason}");
    assert!(
        reason.contains("Enterprise is part of Microsoft 365 E3; it cannot be returned alone"),
        "{reason}"
    );
}

#[test]
fn lync_plan_does_not_downgrade_a_suite_holder() {
    // carol holds Enterprise through the Enterprise CAL Suite and did not use it: rightsize keeps
    // her Tier Enterprise, so lync plan (reading that Tier as her licence) grants nothing.
    let (r, _dir) = rightsize_licensed(
        "SipAddress,Tier\nsip:carol@contoso.com,Enterprise CAL Suite\n",
        false,
    );
    let plan = run_with_stdin(
        &[
            "lync",
            "plan",
            "--estate",
            &repo_path("examples/contoso"),
            "--licensed",
            "-",
            "--tier-policy",
            "Standard=Tag:STD_CAL_NoConferencing",
            "--tier-policy",
            "Enterprise=Tag:ENT_CAL_REC_AudioVideo",
            "--all",
            "--format",
            "ndjson",
        ],
        Some(r.stdout.as_bytes()),
    );
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let changes = plan.records_of("LyncPolicyChange");
    let carol = changes
        .iter()
        .find(|c| c["SipAddress"] == "sip:carol@contoso.com")
        .expect("carol is planned (--all)");
    assert_eq!(carol["LicensedTier"], "Enterprise", "{carol:#}");
    assert_eq!(carol["Action"], "None", "{carol:#}");
}

#[test]
fn prices_give_the_yearly_saving_and_exposure() {
    let licensed = repo_path("examples/rightsizing/licensed.csv");
    let prices = repo_path("examples/rightsizing/prices.csv");
    let (r, _d) = rightsize(&["--licensed", &licensed, "--prices", &prices, "--summary"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let recs = r.records_of("LyncCalRightSizing");
    assert_eq!(
        user(&recs, "zoe")["YearlySaving"],
        145.0,
        "Enterprise 60 + Plus 85"
    );
    assert_eq!(
        user(&recs, "ivan")["YearlySaving"],
        40.0,
        "an inactive user frees Standard"
    );
    assert_eq!(user(&recs, "dave")["YearlyExposure"], 60.0);
    let s = &r.records_of("LyncCalRightSizingSummary")[0];
    assert_eq!(s["YearlySaving"], 330.0);
    assert_eq!(s["YearlyExposure"], 145.0);
    assert_eq!(s["EnterpriseFreed"], 2);
    assert_eq!(s["PlusFreed"], 2);
    assert_eq!(s["StandardFreed"], 1);
}

#[test]
fn without_a_licence_list_nothing_is_an_exposure() {
    let (r, _d) = rightsize(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let recs = r.records_of("LyncCalRightSizing");
    assert!(recs.iter().all(|x| x["Recommendation"] != "Exposure"));
    assert_eq!(user(&recs, "dave")["Recommendation"], "Upgrade");
    assert_eq!(user(&recs, "dave")["Licensed"], Value::Null);
    assert!(r.records_of("LyncCalRightSizingSummary").is_empty());
}

#[test]
fn a_short_window_makes_every_recommendation_weak() {
    let dir = tempfile::tempdir().unwrap();
    let cal = configured(&dir);
    let usage = std::fs::read_to_string(repo_path("examples/rightsizing/usage.ndjson"))
        .unwrap()
        .replace(
            "\"WindowStart\":\"2026-08-03T00:00:00Z\"",
            "\"WindowStart\":\"2026-10-18T00:00:00Z\"",
        );
    let p = dir.path().join("usage-14.ndjson");
    std::fs::write(&p, usage).unwrap();
    let r = run(&[
        "lync",
        "rightsize",
        "--configured",
        &cal,
        "--usage",
        &p.to_string_lossy(),
        "--summary",
        "--format",
        "ndjson",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for rec in r.records_of("LyncCalRightSizing") {
        assert_eq!(rec["Confidence"], "Weak", "{rec}");
        assert_eq!(rec["WindowDays"], 14);
    }
    let carol = r
        .records_of("LyncCalRightSizing")
        .into_iter()
        .find(|x| x["SipAddress"] == "sip:carol@contoso.com")
        .unwrap();
    assert!(carol["Evidence"].to_string().contains("shorter than 30"));
    let s = &r.records_of("LyncCalRightSizingSummary")[0];
    assert_eq!(s["Confidence"], "Weak");
    assert!(s["Notes"]
        .to_string()
        .contains("recommendations are weaker"));
    assert!(r.stderr.contains("shorter than 30"), "{}", r.stderr);
}

#[test]
fn the_output_feeds_lync_plan() {
    let licensed = repo_path("examples/rightsizing/licensed.csv");
    let (r, _d) = rightsize(&["--licensed", &licensed]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan = run_with_stdin(
        &[
            "lync",
            "plan",
            "--estate",
            &repo_path("examples/contoso"),
            "--licensed",
            "-",
            "--tier-policy",
            "Standard=Tag:STD_CAL_NoConferencing",
            "--tier-policy",
            "Enterprise=Tag:ENT_CAL_REC_AudioVideo",
            "--format",
            "ndjson",
        ],
        Some(r.stdout.as_bytes()),
    );
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let changes = plan.records_of("LyncPolicyChange");
    let grants: Vec<(String, String)> = changes
        .iter()
        .filter(|c| c["Action"] == "Grant")
        .map(|c| {
            (
                c["SipAddress"].as_str().unwrap().to_string(),
                c["GrantPolicyName"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        grants.contains(&(
            "sip:carol@contoso.com".into(),
            "STD_CAL_NoConferencing".into()
        )),
        "{grants:?}"
    );
    assert!(
        grants.contains(&(
            "sip:zoe@contoso.com".into(),
            "STD_CAL_NoConferencing".into()
        )),
        "{grants:?}"
    );
    assert!(
        grants.contains(&(
            "sip:bob@contoso.com".into(),
            "ENT_CAL_REC_AudioVideo".into()
        )),
        "{grants:?}"
    );
    // Insufficient data and exposures keep their tier: no grant for them.
    for name in ["grace", "dave", "erin"] {
        assert!(
            !grants.iter().any(|(s, _)| s.contains(name)),
            "{name} must not be changed: {grants:?}"
        );
    }
}

#[test]
fn bad_inputs_say_which_file_and_what_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    let cal = configured(&dir);
    // The configured file as the usage file: no usage records.
    let r = run(&["lync", "rightsize", "--configured", &cal, "--usage", &cal]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("--usage") && r.stderr.contains("no LyncUserUsage"),
        "{}",
        r.stderr
    );
    let usage = repo_path("examples/rightsizing/usage.ndjson");
    let r = run(&[
        "lync",
        "rightsize",
        "--configured",
        &usage,
        "--usage",
        &usage,
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--configured"), "{}", r.stderr);
    // A bad usage answer is one bad record: reported, the rest carry on, exit 3.
    let bad = std::fs::read_to_string(&usage).unwrap().replacen(
        "\"Enterprise\":\"No\"",
        "\"Enterprise\":\"Maybe\"",
        1,
    );
    let p = dir.path().join("bad.ndjson");
    std::fs::write(&p, bad).unwrap();
    let r = run(&[
        "lync",
        "rightsize",
        "--configured",
        &cal,
        "--usage",
        &p.to_string_lossy(),
        "--format",
        "ndjson",
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("Maybe"), "{}", r.stderr);
    assert_eq!(r.records_of("LyncCalRightSizing").len(), 12);
}
