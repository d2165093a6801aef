//! CAL suites and the Online Services user subscriptions the Product Terms make CAL-equivalent
//! ("CAL and ML Equivalency Licenses"): their names as licence sheets spell them, and what each
//! is equivalent to among the Skype for Business Server CALs. Shared by `ual compliance`
//! (docs/rules/ual-server-cal.md, section 9) and `lync rightsize` (docs/rules/rightsizing.md).

pub const CORE_CAL_SUITE: &str = "Core CAL Suite";
pub const ENTERPRISE_CAL_SUITE: &str = "Enterprise CAL Suite";

/// Online Services user subscription licences (User SLs) the Product Terms make CAL-equivalent.
pub const M365_E3: &str = "Microsoft 365 E3";
pub const M365_E5: &str = "Microsoft 365 E5";
pub const O365_E1: &str = "Office 365 E1";
pub const O365_E3: &str = "Office 365 E3";
pub const O365_E5: &str = "Office 365 E5";

/// A Microsoft 365 / Office 365 plan: a per-user subscription, always the current version.
pub fn is_online_plan(name: &str) -> bool {
    matches!(name, M365_E3 | M365_E5 | O365_E1 | O365_E3 | O365_E5)
}

/// The plan a licence sheet names, in the spellings sheets use (`Microsoft 365 E3`, `M365 E3`,
/// `Office 365 Enterprise E3`, `O365 E5`). Exact names only: `Microsoft 365 E5 Security`, the F
/// plans and the `(no Teams)` offers are other products, not taken for these.
pub fn online_plan(name: &str) -> Option<&'static str> {
    let compact: String = name
        .to_ascii_lowercase()
        .replace("enterprise", "")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    Some(match compact.as_str() {
        "microsoft365e3" | "m365e3" => M365_E3,
        "microsoft365e5" | "m365e5" => M365_E5,
        "office365e1" | "o365e1" => O365_E1,
        "office365e3" | "o365e3" => O365_E3,
        "office365e5" | "o365e5" => O365_E5,
        _ => return None,
    })
}

/// A suite or plan named in so many words: one of the plans above, or a text naming the Core or
/// Enterprise CAL Suite (`Core CAL Suite`, `ECAL Suite` is not enough: `Enterprise CAL Suite`).
/// A tier text such as `Lync Enterprise CAL` names no suite.
pub fn bundle_named(text: &str) -> Option<&'static str> {
    if let Some(plan) = online_plan(text) {
        return Some(plan);
    }
    let l = text.to_ascii_lowercase();
    if !l.contains("suite") {
        return None;
    }
    if l.contains("core cal") {
        Some(CORE_CAL_SUITE)
    } else if l.contains("enterprise cal") {
        Some(ENTERPRISE_CAL_SUITE)
    } else {
        None
    }
}

/// Words a licence sheet may put around a Skype for Business Server (Lync Server) CAL's tier
/// (`Microsoft Lync Server 2013 Enterprise User CAL`, `SfB Server 2019 Plus CAL with SA`).
const CAL_WORDS: &[&str] = &[
    "microsoft",
    "lync",
    "skype",
    "for",
    "business",
    "sfb",
    "s4b",
    "server",
    "cal",
    "cals",
    "client",
    "access",
    "license",
    "licence",
    "licenses",
    "licences",
    "user",
    "device",
    "per",
    "and",
    "with",
    "sa",
    "software",
    "assurance",
    "only",
    "2010",
    "2013",
    "2015",
    "2019",
    "se",
    "subscription",
    "edition",
];

/// The single Skype for Business Server CALs a text names: `[standard, enterprise, plus]`, read
/// from whole words only, and only when every other word is one that sits around a CAL's name
/// (`Lync Enterprise CAL`, `Standard+Plus`). A text naming any other product names no CAL, even
/// with a tier word in it: `Enterprise Mobility + Security E3` (EMS includes no Skype for
/// Business Server CAL: Product Terms, CAL and ML Equivalency Licenses, where EMS bridges only
/// to Windows Server and management CALs), `Microsoft 365 E5 Security`, `Office 365 Enterprise
/// E1` (a plan: see [`online_plan`]). None when no tier word is named. The one reading of tier
/// text for `lync plan`, `lync rightsize --licensed` and `lync entitlement --owned`.
pub fn single_cals_named(text: &str) -> Option<[bool; 3]> {
    let lower = text.to_ascii_lowercase();
    let mut named = [false; 3];
    for word in lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        match word {
            "standard" => named[0] = true,
            "enterprise" => named[1] = true,
            "plus" => named[2] = true,
            w if CAL_WORDS.contains(&w) => {}
            _ => return None,
        }
    }
    named.iter().any(|n| *n).then_some(named)
}

/// What to tell the admin about a text that names neither a single CAL nor a suite or plan taken
/// as CAL-equivalent. The `(no Teams)` offers (`Microsoft 365 E3 (no Teams)`) are not in the
/// equivalency table this tool follows, so they are not assumed; the admin who holds them with
/// the same CAL rights (their agreement says so) writes the plan's name.
pub fn no_cal_hint(text: &str) -> String {
    let l = text.to_ascii_lowercase();
    if l.contains("no teams") {
        let plan = online_plan(&l.replace("no teams", ""))
            .map(|p| format!("'{p}'"))
            .unwrap_or_else(|| "the plan's name without '(no Teams)'".into());
        return format!("'{text}' is not taken as CAL-equivalent: the (no Teams) offers are not named in the CAL and ML Equivalency table this tool follows; if your agreement gives it the same CAL rights, write {plan}, otherwise the Skype for Business Server CALs held (Standard, Enterprise, Plus)");
    }
    format!("'{text}' names no CAL: not a Skype for Business Server Standard, Enterprise or Plus CAL, nor a CAL suite or plan taken as CAL-equivalent (Core CAL Suite, Enterprise CAL Suite, Microsoft 365 E3/E5, Office 365 E1/E3/E5); products such as Enterprise Mobility + Security or Microsoft 365 E5 Security include none")
}

/// The Skype for Business Server (Lync Server) CALs a suite or plan is equivalent to, beyond the
/// Standard CAL every one of them includes: `(enterprise, plus)`. Product Terms, "CAL and ML
/// Equivalency Licenses": the Core CAL Suite and Office 365 E1 the Standard CAL; the Enterprise
/// CAL Suite, Office 365 E3 and Microsoft 365 E3 Standard and Enterprise; Office 365 E5 and
/// Microsoft 365 E5, which include Phone System, also the Plus CAL. None for any other name.
pub fn skype_server_cals(bundle: &str) -> Option<(bool, bool)> {
    Some(match bundle {
        CORE_CAL_SUITE | O365_E1 => (false, false),
        ENTERPRISE_CAL_SUITE | O365_E3 | M365_E3 => (true, false),
        O365_E5 | M365_E5 => (true, true),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suites_and_plans_are_named_in_so_many_words() {
        assert_eq!(bundle_named("Microsoft 365 E3"), Some(M365_E3));
        assert_eq!(bundle_named("O365 E5"), Some(O365_E5));
        assert_eq!(
            bundle_named("Enterprise CAL Suite"),
            Some(ENTERPRISE_CAL_SUITE)
        );
        assert_eq!(bundle_named("Core CAL Suite 2019"), Some(CORE_CAL_SUITE));
        assert_eq!(bundle_named("Lync Enterprise CAL"), None);
        assert_eq!(bundle_named("Microsoft 365 E5 Security"), None);
    }

    #[test]
    fn tier_words_count_only_in_a_cals_name() {
        assert_eq!(
            single_cals_named("Lync Enterprise CAL"),
            Some([false, true, false])
        );
        assert_eq!(
            single_cals_named("Standard + Plus"),
            Some([true, false, true])
        );
        assert_eq!(
            single_cals_named("Skype for Business Server 2019 Plus User CAL"),
            Some([false, false, true])
        );
        assert_eq!(single_cals_named("Enterprise Mobility + Security E3"), None);
        assert_eq!(single_cals_named("Enterprise Mobility + Security E5"), None);
        assert_eq!(single_cals_named("Microsoft 365 E5 Security"), None);
        assert_eq!(single_cals_named("Lync Server CAL"), None);
        let hint = no_cal_hint("Microsoft 365 E3 (no Teams)");
        assert!(hint.contains("write 'Microsoft 365 E3'"), "{hint}");
        assert!(no_cal_hint("Enterprise Mobility + Security E3").contains("names no CAL"));
    }

    #[test]
    fn e3_is_standard_and_enterprise_e5_adds_plus() {
        assert_eq!(skype_server_cals(M365_E3), Some((true, false)));
        assert_eq!(skype_server_cals(O365_E3), Some((true, false)));
        assert_eq!(skype_server_cals(M365_E5), Some((true, true)));
        assert_eq!(skype_server_cals(CORE_CAL_SUITE), Some((false, false)));
        assert_eq!(skype_server_cals(O365_E1), Some((false, false)));
        assert_eq!(skype_server_cals("Windows Server"), None);
    }

    #[test]
    fn lync_plan_reads_a_plan_as_the_tier_it_is_equivalent_to() {
        use crate::Tier;
        assert_eq!(
            Tier::from_licence_text("Microsoft 365 E3"),
            Some(Tier::Enterprise)
        );
        // Not Enterprise for the word in its name: E1 is the Standard CAL only.
        assert_eq!(
            Tier::from_licence_text("Office 365 Enterprise E1"),
            Some(Tier::Standard)
        );
        assert_eq!(
            Tier::from_licence_text("Core CAL Suite"),
            Some(Tier::Standard)
        );
        assert_eq!(
            Tier::from_licence_text("Lync Enterprise CAL"),
            Some(Tier::Enterprise)
        );
    }
}
