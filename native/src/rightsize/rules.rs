//! The right-sizing rules (docs/rules/rightsizing.md): configured × used × licensed → one
//! recommendation per user. Pure: no I/O, so every transition is a unit test.

use crate::model::{RightSizingCode, Tier, UsageAnswer};

/// What the usage audit answered for one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Used {
    pub standard: UsageAnswer,
    pub enterprise: UsageAnswer,
    pub plus: UsageAnswer,
}

/// What the licence list says one user holds (Standard is implied by any row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Licence {
    pub enterprise: bool,
    pub plus: bool,
    /// The CAL suite or Microsoft 365 / Office 365 plan the CALs are held through (Product
    /// Terms, CAL and ML Equivalency Licenses), when the row names one instead of a tier
    pub via: Option<&'static str>,
    /// Which CALs (Standard, Enterprise, Plus, indexed by `Tier3`) are held as single CALs bought
    /// on their own; the others held come only with `via`
    pub single: [bool; 3],
}

impl Licence {
    /// The suite or plan `tier` is held through, when no single CAL for it is held besides. Such
    /// a right cannot be handed back alone (the suite or subscription is licensed as a whole:
    /// Product Terms, CAL and ML Equivalency Licenses), so leaving it unused saves nothing.
    pub fn bundled(&self, tier: Tier3) -> Option<&'static str> {
        let held = match tier {
            Tier3::Standard => true,
            Tier3::Enterprise => self.enterprise,
            Tier3::Plus => self.plus,
        };
        self.via.filter(|_| held && !self.single[tier as usize])
    }
}

/// The words for a right held through a suite or plan that use does not need.
pub fn no_saving(tier: Tier3, bundle: &str) -> String {
    format!(
        "{} is part of {bundle}; it cannot be returned alone — no saving",
        tier.name()
    )
}

/// What was not used, and why keeping it is no saving.
fn unused(what: &str, tier: Tier3, bundle: Option<&str>) -> String {
    format!(
        "{what}, but {}",
        no_saving(tier, bundle.unwrap_or_default())
    )
}

/// Everything the rules look at for one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// Needs a Standard CAL (enabled, homed on premises)
    pub standard: bool,
    /// Configured for Enterprise; None when the assigned conferencing policy is missing
    pub enterprise: Option<bool>,
    pub plus: bool,
    /// None: the usage records do not name this user
    pub used: Option<Used>,
    /// None: no licence list was given, or it does not name this user
    pub licence: Option<Licence>,
    pub window_days: Option<i64>,
}

/// One tier's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Configuration, use and licence agree.
    Keep,
    /// Configured or licensed for the tier, not used in a covered window: drop it.
    Drop,
    /// Used, but the configuration does not grant it now.
    Raise,
    /// Used (or configured, use unknown) without a licence for it.
    Exposed,
    /// Configured, use cannot be determined: left as it is.
    Unknown,
}

/// The rules' answer for one user.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub code: RightSizingCode,
    /// The conferencing tier the user should have (what `lync plan` reads as the licence)
    pub tier: Tier,
    pub keep_plus: bool,
    pub standard: Verdict,
    pub enterprise: Verdict,
    pub plus: Verdict,
    /// What to change, in words, one line per tier that moves
    pub changes: Vec<String>,
    /// CALs the recommendation frees (each counted when licensed, or when no licence is known,
    /// because a true-up then counts what is configured)
    pub frees: Vec<Tier3>,
    /// CALs used or configured beyond the licence
    pub exposed: Vec<Tier3>,
    /// Rights unused but held through a suite or plan: kept, with why they are no saving
    pub no_saving: Vec<String>,
}

/// The three Lync Server CALs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier3 {
    Standard,
    Enterprise,
    Plus,
}

impl Tier3 {
    pub fn name(self) -> &'static str {
        match self {
            Tier3::Standard => "Standard",
            Tier3::Enterprise => "Enterprise",
            Tier3::Plus => "Plus",
        }
    }
}

/// A usage answer, with "no usage record" folded into InsufficientData (absence proves nothing).
fn answer(used: Option<Used>, pick: fn(&Used) -> UsageAnswer) -> UsageAnswer {
    used.as_ref()
        .map(pick)
        .unwrap_or(UsageAnswer::InsufficientData)
}

fn window(days: Option<i64>) -> String {
    match days {
        Some(d) => format!("{d} days"),
        None => "the usage window".into(),
    }
}

/// Decides one user. See docs/rules/rightsizing.md for the table this implements.
pub fn decide(f: &Facts) -> Decision {
    let mut changes = Vec::new();
    let mut frees = Vec::new();
    let mut exposed = Vec::new();
    let licence_known = f.licence.is_some();
    let lic_e = f.licence.map(|l| l.enterprise);
    let lic_p = f.licence.map(|l| l.plus);
    let days = window(f.window_days);
    let bundled = |t: Tier3| f.licence.and_then(|l| l.bundled(t));
    let (e_bundle, p_bundle) = (bundled(Tier3::Enterprise), bundled(Tier3::Plus));
    let mut kept = Vec::new();

    if !f.standard {
        return Decision {
            code: RightSizingCode::NoCalNeeded,
            tier: Tier::Standard,
            keep_plus: false,
            standard: Verdict::Keep,
            enterprise: Verdict::Keep,
            plus: Verdict::Keep,
            changes,
            frees,
            exposed,
            no_saving: kept,
        };
    }

    let ue = answer(f.used, |u| u.enterprise);
    let up = answer(f.used, |u| u.plus);
    let us = answer(f.used, |u| u.standard);

    // Standard: a user with no activity at all in a covered window holds a CAL for nothing.
    let standard = if let Some(b) = bundled(Tier3::Standard).filter(|_| us == UsageAnswer::No) {
        kept.push(unused(
            &format!("no Lync activity in {days}"),
            Tier3::Standard,
            Some(b),
        ));
        Verdict::Keep
    } else if us == UsageAnswer::No {
        changes.push(format!(
            "no Lync activity in {days}: disabling the user (Disable-CsUser) frees the Standard CAL"
        ));
        frees.push(Tier3::Standard);
        Verdict::Drop
    } else {
        Verdict::Keep
    };

    // Enterprise (conferencing policy).
    use UsageAnswer::{InsufficientData as Unknown, No, Yes};
    let (enterprise, tier) = match (f.enterprise, ue) {
        (Some(true), Yes) if lic_e == Some(false) => {
            changes.push("used Enterprise features without an Enterprise licence: license Enterprise, or remove the features and accept the loss".into());
            exposed.push(Tier3::Enterprise);
            (Verdict::Exposed, Tier::Enterprise)
        }
        (Some(true), Yes) => (Verdict::Keep, Tier::Enterprise),
        (Some(true), No) if e_bundle.is_some() => {
            kept.push(unused(
                &format!("no Enterprise use in {days}"),
                Tier3::Enterprise,
                e_bundle,
            ));
            (Verdict::Keep, Tier::Enterprise)
        }
        (Some(true), No) => {
            if lic_e == Some(false) {
                changes.push(format!("Enterprise → Standard: configured for Enterprise, licensed Standard, no Enterprise use in {days}; the Standard policy closes the gap"));
            } else {
                changes.push(format!("Enterprise → Standard: no Enterprise use in {days}; grant the Standard conferencing policy"));
                frees.push(Tier3::Enterprise);
            }
            (Verdict::Drop, Tier::Standard)
        }
        (Some(true), Unknown) if lic_e == Some(false) => {
            changes.push("configured for Enterprise without an Enterprise licence, and Enterprise use could not be determined: license Enterprise, or decide on a Standard policy once usage is known".into());
            exposed.push(Tier3::Enterprise);
            (Verdict::Exposed, Tier::Enterprise)
        }
        (Some(true), Unknown) => (Verdict::Unknown, Tier::Enterprise),
        (Some(false), Yes) if lic_e == Some(false) => {
            changes.push("used Enterprise features without an Enterprise licence (the policy grants Standard now: it may have changed during the window)".into());
            exposed.push(Tier3::Enterprise);
            (Verdict::Exposed, Tier::Standard)
        }
        (Some(false), Yes) => {
            changes.push("Standard → Enterprise: used Enterprise features though the policy grants Standard now; grant an Enterprise conferencing policy".into());
            (Verdict::Raise, Tier::Enterprise)
        }
        (Some(false), No) if e_bundle.is_some() => {
            kept.push(unused(
                &format!("configured Standard, no Enterprise use in {days}"),
                Tier3::Enterprise,
                e_bundle,
            ));
            (Verdict::Keep, Tier::Standard)
        }
        (Some(false), No) if lic_e == Some(true) => {
            changes.push(format!("Enterprise licence unused: configured Standard, no Enterprise use in {days}; the Enterprise CAL can be dropped or reassigned"));
            frees.push(Tier3::Enterprise);
            (Verdict::Drop, Tier::Standard)
        }
        (Some(false), _) => (Verdict::Keep, Tier::Standard),
        (None, Yes) if lic_e == Some(false) => {
            changes.push("used Enterprise features without an Enterprise licence (assigned conferencing policy missing)".into());
            exposed.push(Tier3::Enterprise);
            (Verdict::Exposed, Tier::Standard)
        }
        (None, Yes) => {
            changes.push("assigned conferencing policy missing; Enterprise features were used: grant an Enterprise conferencing policy".into());
            (Verdict::Raise, Tier::Enterprise)
        }
        (None, No) => {
            changes.push(format!("assigned conferencing policy missing; no Enterprise use in {days}: grant the Standard conferencing policy"));
            if let Some(b) = e_bundle {
                kept.push(no_saving(Tier3::Enterprise, b));
            } else if lic_e == Some(true) {
                frees.push(Tier3::Enterprise);
            }
            (Verdict::Drop, Tier::Standard)
        }
        // Nothing to go on: keep whatever the licence grants, else never take capability away.
        (None, Unknown) => (
            Verdict::Unknown,
            lic_e.map(Tier::of).unwrap_or(Tier::Enterprise),
        ),
    };

    // Plus (Enterprise Voice, remote call control, Response Group agent).
    let (plus, keep_plus) = match (f.plus, up) {
        (true, Yes) if lic_p == Some(false) => {
            changes.push("PSTN / Plus use without a Plus licence: license Plus".into());
            exposed.push(Tier3::Plus);
            (Verdict::Exposed, true)
        }
        (true, Yes) => (Verdict::Keep, true),
        (true, No) if p_bundle.is_some() => {
            kept.push(unused(
                &format!("no Plus use in {days}"),
                Tier3::Plus,
                p_bundle,
            ));
            (Verdict::Keep, true)
        }
        (true, No) => {
            if lic_p == Some(false) {
                changes.push(format!("Plus configured, not licensed, no Plus use in {days}: disable Enterprise Voice / remote call control (not a conferencing policy: lync plan does not change it)"));
            } else {
                changes.push(format!("Plus → none: no PSTN, delegation or Response Group use in {days}; disable Enterprise Voice / remote call control (not a conferencing policy: lync plan does not change it)"));
                frees.push(Tier3::Plus);
            }
            (Verdict::Drop, false)
        }
        (true, Unknown) if lic_p == Some(false) => {
            changes.push("Plus configured without a Plus licence, and Plus use could not be determined: license Plus, or disable Enterprise Voice once usage is known".into());
            exposed.push(Tier3::Plus);
            (Verdict::Exposed, true)
        }
        (true, Unknown) => (Verdict::Unknown, true),
        (false, Yes) if lic_p == Some(false) => {
            changes.push("PSTN / Plus use without a Plus licence (Enterprise Voice is off now: it may have changed during the window): license Plus".into());
            exposed.push(Tier3::Plus);
            (Verdict::Exposed, true)
        }
        (false, Yes) => {
            changes.push("none → Plus: PSTN / Plus use though Enterprise Voice is not enabled now; count a Plus CAL".into());
            (Verdict::Raise, true)
        }
        (false, No) if p_bundle.is_some() => {
            kept.push(unused(
                &format!("no Plus configuration or use in {days}"),
                Tier3::Plus,
                p_bundle,
            ));
            (Verdict::Keep, false)
        }
        (false, No) if lic_p == Some(true) => {
            changes.push(format!("Plus licence unused: no Plus configuration or use in {days}; the Plus CAL can be dropped or reassigned"));
            frees.push(Tier3::Plus);
            (Verdict::Drop, false)
        }
        (false, _) => (Verdict::Keep, false),
    };

    // A dropped Standard CAL takes the others with it.
    if standard == Verdict::Drop {
        for t in [Tier3::Enterprise, Tier3::Plus] {
            let held = match t {
                Tier3::Enterprise => f.enterprise == Some(true) || lic_e == Some(true),
                _ => f.plus || lic_p == Some(true),
            };
            let licensed_or_unknown = match t {
                Tier3::Enterprise => lic_e != Some(false),
                _ => lic_p != Some(false),
            };
            if !(held && licensed_or_unknown) || frees.contains(&t) {
                continue;
            }
            match bundled(t) {
                Some(b) => kept.push(no_saving(t, b)),
                None => frees.push(t),
            }
        }
    }
    if !licence_known {
        // Without a licence list, exposure cannot be decided: the rules above never set it.
        debug_assert!(exposed.is_empty());
    }

    let verdicts = [standard, enterprise, plus];
    let code = if verdicts.contains(&Verdict::Exposed) {
        RightSizingCode::Exposure
    } else if verdicts.contains(&Verdict::Raise) {
        RightSizingCode::Upgrade
    } else if verdicts.contains(&Verdict::Drop) {
        RightSizingCode::Downgrade
    } else if verdicts.contains(&Verdict::Unknown) {
        RightSizingCode::InsufficientData
    } else {
        RightSizingCode::Unchanged
    };
    Decision {
        code,
        tier,
        keep_plus,
        standard,
        enterprise,
        plus,
        changes,
        frees,
        exposed,
        no_saving: kept,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use UsageAnswer::{InsufficientData as I, No as N, Yes as Y};

    fn used(s: UsageAnswer, e: UsageAnswer, p: UsageAnswer) -> Option<Used> {
        Some(Used {
            standard: s,
            enterprise: e,
            plus: p,
        })
    }

    fn facts(
        enterprise: Option<bool>,
        plus: bool,
        u: Option<Used>,
        l: Option<(bool, bool)>,
    ) -> Facts {
        Facts {
            standard: true,
            enterprise,
            plus,
            used: u,
            licence: l.map(|(e, p)| Licence {
                enterprise: e,
                plus: p,
                via: None,
                single: [true, e, p],
            }),
            window_days: Some(90),
        }
    }

    #[test]
    fn down_enterprise_configured_not_used_in_a_covered_window() {
        let d = decide(&facts(
            Some(true),
            false,
            used(Y, N, N),
            Some((true, false)),
        ));
        assert_eq!(d.code, RightSizingCode::Downgrade);
        assert_eq!(d.tier, Tier::Standard);
        assert_eq!(d.enterprise, Verdict::Drop);
        assert_eq!(d.frees, vec![Tier3::Enterprise]);
        assert!(
            d.changes[0].contains("no Enterprise use in 90 days"),
            "{:?}",
            d.changes
        );
    }

    #[test]
    fn down_without_a_licence_list_still_frees_the_configured_cal() {
        let d = decide(&facts(Some(true), false, used(Y, N, N), None));
        assert_eq!(d.code, RightSizingCode::Downgrade);
        assert_eq!(d.frees, vec![Tier3::Enterprise]);
        assert!(d.exposed.is_empty());
    }

    #[test]
    fn down_plus_configured_not_used() {
        let d = decide(&facts(
            Some(false),
            true,
            used(Y, N, N),
            Some((false, true)),
        ));
        assert_eq!(d.code, RightSizingCode::Downgrade);
        assert_eq!(d.plus, Verdict::Drop);
        assert!(!d.keep_plus);
        assert_eq!(d.tier, Tier::Standard);
        assert_eq!(d.frees, vec![Tier3::Plus]);
    }

    #[test]
    fn down_licence_held_but_neither_configured_nor_used() {
        let d = decide(&facts(
            Some(false),
            false,
            used(Y, N, N),
            Some((true, true)),
        ));
        assert_eq!(d.code, RightSizingCode::Downgrade);
        assert_eq!(d.frees, vec![Tier3::Enterprise, Tier3::Plus]);
    }

    #[test]
    fn down_inactive_user_frees_every_cal_held() {
        let d = decide(&facts(Some(true), true, used(N, N, N), Some((true, true))));
        assert_eq!(d.code, RightSizingCode::Downgrade);
        assert_eq!(d.standard, Verdict::Drop);
        let mut frees = d.frees.clone();
        frees.sort();
        assert_eq!(frees, vec![Tier3::Standard, Tier3::Enterprise, Tier3::Plus]);
    }

    #[test]
    fn up_enterprise_used_but_configured_standard() {
        let d = decide(&facts(
            Some(false),
            false,
            used(Y, Y, N),
            Some((true, false)),
        ));
        assert_eq!(d.code, RightSizingCode::Upgrade);
        assert_eq!(d.tier, Tier::Enterprise);
        let d = decide(&facts(Some(false), false, used(Y, Y, N), None));
        assert_eq!(d.code, RightSizingCode::Upgrade);
    }

    #[test]
    fn up_plus_used_but_not_configured() {
        let d = decide(&facts(Some(false), false, used(Y, N, Y), None));
        assert_eq!(d.code, RightSizingCode::Upgrade);
        assert!(d.keep_plus);
    }

    #[test]
    fn unchanged_when_configuration_use_and_licence_agree() {
        for f in [
            facts(Some(true), true, used(Y, Y, Y), Some((true, true))),
            facts(Some(false), false, used(Y, N, N), Some((false, false))),
            facts(Some(true), false, used(Y, Y, N), None),
        ] {
            let d = decide(&f);
            assert_eq!(d.code, RightSizingCode::Unchanged, "{f:?}: {d:?}");
            assert!(d.changes.is_empty() && d.frees.is_empty() && d.exposed.is_empty());
        }
    }

    #[test]
    fn exposure_pstn_use_without_a_plus_licence() {
        let d = decide(&facts(
            Some(false),
            true,
            used(Y, N, Y),
            Some((false, false)),
        ));
        assert_eq!(d.code, RightSizingCode::Exposure);
        assert_eq!(d.exposed, vec![Tier3::Plus]);
        assert!(d
            .changes
            .iter()
            .any(|c| c.contains("without a Plus licence")));
    }

    #[test]
    fn exposure_enterprise_use_without_an_enterprise_licence() {
        let d = decide(&facts(
            Some(true),
            false,
            used(Y, Y, N),
            Some((false, false)),
        ));
        assert_eq!(d.code, RightSizingCode::Exposure);
        assert_eq!(d.exposed, vec![Tier3::Enterprise]);
        assert_eq!(d.tier, Tier::Enterprise, "never takes away what is used");
    }

    #[test]
    fn exposure_beats_downgrade_on_another_tier() {
        let d = decide(&facts(Some(true), true, used(Y, N, Y), Some((true, false))));
        assert_eq!(d.enterprise, Verdict::Drop);
        assert_eq!(d.plus, Verdict::Exposed);
        assert_eq!(d.code, RightSizingCode::Exposure);
        assert_eq!(d.tier, Tier::Standard);
    }

    #[test]
    fn insufficient_data_is_never_a_downgrade() {
        for u in [used(I, I, I), used(Y, I, I), None] {
            let d = decide(&facts(Some(true), true, u, Some((true, true))));
            assert_eq!(d.code, RightSizingCode::InsufficientData, "{u:?}");
            assert_eq!(d.tier, Tier::Enterprise);
            assert!(d.keep_plus);
            assert!(d.frees.is_empty(), "{u:?}: {d:?}");
        }
        // Undetermined configuration and no usage: capability is kept.
        let d = decide(&facts(None, false, None, None));
        assert_eq!(d.code, RightSizingCode::InsufficientData);
        assert_eq!(d.tier, Tier::Enterprise);
    }

    #[test]
    fn insufficient_data_with_a_licence_gap_is_an_exposure_not_a_downgrade() {
        let d = decide(&facts(
            Some(true),
            false,
            used(Y, I, I),
            Some((false, false)),
        ));
        assert_eq!(d.code, RightSizingCode::Exposure);
        assert_eq!(d.tier, Tier::Enterprise);
        assert!(d.frees.is_empty());
    }

    #[test]
    fn a_right_held_through_a_plan_is_kept_not_freed() {
        let e3 = Licence {
            enterprise: true,
            plus: false,
            via: Some("Microsoft 365 E3"),
            single: [false; 3],
        };
        let mut f = facts(Some(false), false, used(Y, N, N), None);
        f.licence = Some(e3);
        let d = decide(&f);
        assert_eq!(d.code, RightSizingCode::Unchanged, "{d:?}");
        assert_eq!(d.enterprise, Verdict::Keep);
        assert!(d.frees.is_empty() && d.changes.is_empty(), "{d:?}");
        assert_eq!(
            d.no_saving,
            vec!["configured Standard, no Enterprise use in 90 days, but Enterprise is part of Microsoft 365 E3; it cannot be returned alone — no saving"]
        );
        // An inactive user: neither the Standard nor the Enterprise right inside E3 is freed.
        f.used = used(N, N, N);
        let d = decide(&f);
        assert!(d.frees.is_empty(), "{d:?}");
        assert_eq!(d.no_saving.len(), 2, "{d:?}");
        // A single Plus CAL beside E3 is still freed.
        f.licence = Some(Licence {
            plus: true,
            single: [false, false, true],
            ..e3
        });
        f.plus = true;
        f.used = used(Y, N, N);
        let d = decide(&f);
        assert_eq!(d.frees, vec![Tier3::Plus]);
        assert_eq!(d.code, RightSizingCode::Downgrade);
    }

    #[test]
    fn disabled_users_need_nothing() {
        let mut f = facts(Some(false), false, None, None);
        f.standard = false;
        assert_eq!(decide(&f).code, RightSizingCode::NoCalNeeded);
    }
}
