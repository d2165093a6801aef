//! How a reclaimable plan is held, from the licence data (docs/rules/teams-assignments.md §4.1):
//! bought as a licence (SKU) of its own, which can be returned; inside a suite (Teams Phone in
//! Microsoft 365 E5), which cannot be returned without the rest of the suite; or not known.
//!
//! Get-CsOnlineUser's `AssignedPlan` names service plans (`Capability` MCOEV, with its
//! `ServicePlanId`); what is bought and returned is a SKU (Microsoft Graph `assignedLicenses`
//! of the user, whose `servicePlans` Get-MgSubscribedSku lists). A plan's `Capability` is the
//! Graph `servicePlanName` of the same plan (Microsoft Learn, "Product names and service plan
//! identifiers for licensing"); the two are matched by name, case-insensitively, or by id.

use crate::m365::subscribed_sku::guid;
use crate::m365::{AssignedPlan, ServicePlan, Sku, SubscribedSku, UserLicenses};
use std::collections::HashMap;

/// How one reclaimable plan of one account is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding {
    /// A SKU of the account holds the plan and nothing else that is not reclaimable here:
    /// returning the SKU is a saving
    Separate,
    /// Every SKU of the account that holds the plan holds other plans in use: recovered only by
    /// changing or removing the suite
    InSuite,
    /// The licence data does not say (the account or its SKUs are not in it)
    Unknown,
}

/// One reclaimable plan's holding, and the sentence that says why.
#[derive(Debug, Clone)]
pub struct PlanHolding {
    pub holding: Holding,
    /// e.g. `MCOEV: SKU MCOEV, bought separately (it holds MCOEV only): return it`
    pub via: String,
}

/// A SKU of the SKU list: its plans, several rows of the same SKU merged.
struct SkuPlans {
    label: String,
    plans: Vec<ServicePlan>,
}

/// The users' licences and (when given) the tenant's SKU list.
#[derive(Default)]
pub struct LicenceData {
    /// UserPrincipalName (lower case) → the SKUs assigned to it
    users: HashMap<String, Vec<Sku>>,
    skus: Vec<SkuPlans>,
    /// skuId (a GUID, lower case) → index in `skus`
    by_id: HashMap<String, usize>,
    /// SkuPartNumber (upper case) → index in `skus`
    by_part: HashMap<String, usize>,
    pub skus_given: bool,
    /// Accounts with reclaimable plans the licence data does not list (for the warning)
    pub missing_accounts: Vec<String>,
    /// SKUs of such accounts the SKU list does not hold, as the user data names them
    pub unknown_skus: Vec<String>,
}

impl LicenceData {
    /// Adds one user's licences; a user seen twice (one row per SKU) gets the union.
    pub fn add_user(&mut self, u: UserLicenses) {
        let skus = self
            .users
            .entry(u.user_principal_name.trim().to_ascii_lowercase())
            .or_default();
        for s in u.skus {
            if !skus.contains(&s) {
                skus.push(s);
            }
        }
    }

    /// Whether any user of the licence data holds a SKU (Get-MgUser without
    /// `-Property AssignedLicenses` gives every user none).
    pub fn any_licence(&self) -> bool {
        self.users.values().any(|s| !s.is_empty())
    }

    /// Adds the SKU list; rows of the same SKU (one per plan) are merged.
    pub fn add_skus(&mut self, skus: Vec<SubscribedSku>) {
        self.skus_given = true;
        for k in skus {
            let at = k
                .sku_id
                .as_ref()
                .and_then(|id| self.by_id.get(id))
                .or_else(|| {
                    k.part_number
                        .as_ref()
                        .and_then(|p| self.by_part.get(&p.to_ascii_uppercase()))
                })
                .copied();
            let i = match at {
                Some(i) => i,
                None => {
                    self.skus.push(SkuPlans {
                        label: k.label().to_string(),
                        plans: Vec::new(),
                    });
                    self.skus.len() - 1
                }
            };
            if let Some(id) = &k.sku_id {
                self.by_id.entry(id.clone()).or_insert(i);
            }
            if let Some(p) = &k.part_number {
                self.by_part.entry(p.to_ascii_uppercase()).or_insert(i);
                if self.skus[i].label != *p && guid(&self.skus[i].label).is_some() {
                    self.skus[i].label = p.clone();
                }
            }
            for p in k.service_plans {
                if !self.skus[i].plans.contains(&p) {
                    self.skus[i].plans.push(p);
                }
            }
        }
    }

    fn lookup(&self, s: &Sku) -> Option<&SkuPlans> {
        s.sku_id
            .as_deref()
            .and_then(guid)
            .and_then(|id| self.by_id.get(&id))
            .or_else(|| {
                s.part_number
                    .as_deref()
                    .and_then(|p| self.by_part.get(&p.trim().to_ascii_uppercase()))
            })
            .map(|&i| &self.skus[i])
    }

    /// How each of `reclaimable` (the account's reclaimable plans, in order) is held. `held` is
    /// the account's AssignedPlan list: its ServicePlanIds match plans by id as well as by name.
    pub fn classify(
        &mut self,
        upn: &str,
        reclaimable: &[&str],
        held: &[AssignedPlan],
    ) -> Vec<PlanHolding> {
        let Some(skus) = self.users.get(&upn.trim().to_ascii_lowercase()) else {
            self.missing_accounts.push(upn.to_string());
            return reclaimable
                .iter()
                .map(|p| PlanHolding {
                    holding: Holding::Unknown,
                    via: format!("{p}: no licence data for this account: not counted as a saving"),
                })
                .collect();
        };
        let id_of = |plan: &str| -> Option<String> {
            held.iter()
                .find(|a| a.capability.trim().eq_ignore_ascii_case(plan))
                .and_then(|a| a.service_plan_id.as_deref())
                .and_then(guid)
        };
        let ids: Vec<Option<String>> = reclaimable.iter().map(|p| id_of(p)).collect();
        let is = |sp: &ServicePlan, k: usize| -> bool {
            sp.name
                .as_deref()
                .is_some_and(|n| n.trim().eq_ignore_ascii_case(reclaimable[k].trim()))
                || (sp.id.is_some() && sp.id == ids[k])
        };
        let mut out = Vec::with_capacity(reclaimable.len());
        let mut unknown_skus: Vec<String> = Vec::new();
        for (k, plan) in reclaimable.iter().enumerate() {
            let mut separate: Option<String> = None;
            let mut suites: Vec<(String, usize)> = Vec::new();
            let mut unplaced: Vec<String> = Vec::new();
            for s in skus {
                match self.lookup(s) {
                    Some(known) => {
                        let gives = known.plans.iter().any(|sp| {
                            is(sp, k)
                                && !sp
                                    .id
                                    .as_ref()
                                    .is_some_and(|id| s.disabled_plans.contains(id))
                        });
                        if !gives {
                            continue;
                        }
                        // The plans a user pays for with this SKU besides this one (a plan
                        // assignable only to the whole tenant is not the user's).
                        let others: Vec<&ServicePlan> = known
                            .plans
                            .iter()
                            .filter(|sp| !sp.tenant_wide() && !is(sp, k))
                            .collect();
                        let in_use: Vec<&&ServicePlan> = others
                            .iter()
                            .filter(|sp| !(0..reclaimable.len()).any(|q| is(sp, q)))
                            .collect();
                        if in_use.is_empty() {
                            if separate.is_none() {
                                separate = Some(if others.is_empty() {
                                    format!(
                                        "{plan}: SKU {}, bought separately (it holds {plan} only): return it",
                                        known.label
                                    )
                                } else {
                                    let names: Vec<&str> =
                                        others.iter().map(|sp| sp.label()).collect();
                                    format!(
                                        "{plan}: SKU {}, whose other plans ({}) are reclaimable here too: return it",
                                        known.label,
                                        names.join(", ")
                                    )
                                });
                            }
                        } else {
                            suites.push((known.label.clone(), in_use.len()));
                        }
                    }
                    None => {
                        let label = s
                            .part_number
                            .as_deref()
                            .or(s.sku_id.as_deref())
                            .unwrap_or("")
                            .trim()
                            .to_string();
                        // Without its plans, a SKU named as a plan is that plan bought alone
                        // (MCOEV, MCOPSTN1, MCOMEETADV are the names of both): it holds this
                        // plan, or (named as another plan of the account) not this one.
                        let named = |p: &str| {
                            s.part_number
                                .as_deref()
                                .is_some_and(|n| n.trim().eq_ignore_ascii_case(p.trim()))
                        };
                        if named(plan) {
                            if separate.is_none() {
                                separate = Some(format!(
                                    "{plan}: SKU {label}, bought separately (its SkuPartNumber is the plan's name): return it"
                                ));
                            }
                        } else if !label.is_empty()
                            && !held.iter().any(|a| named(&a.capability))
                            && !reclaimable.iter().any(|p| named(p))
                        {
                            unplaced.push(label);
                        }
                    }
                }
            }
            let unknown_why = |unplaced: &[String]| -> String {
                if self.skus_given {
                    format!(
                        "SKU {} of this account is not in the SKU list",
                        unplaced.join(", ")
                    )
                } else {
                    format!(
                        "no SKU list says which plans SKU {} holds",
                        unplaced.join(", ")
                    )
                }
            };
            let h = if let Some(via) = separate {
                PlanHolding {
                    holding: Holding::Separate,
                    via,
                }
            } else if !suites.is_empty() && unplaced.is_empty() {
                let names: Vec<&str> = suites.iter().map(|(n, _)| n.as_str()).collect();
                let what = if suites.len() == 1 {
                    format!(
                        "in {}, a suite ({} other plan(s) not reclaimable here)",
                        names[0], suites[0].1
                    )
                } else {
                    format!("in {}, each a suite", names.join(" and "))
                };
                PlanHolding {
                    holding: Holding::InSuite,
                    via: format!(
                        "{plan}: {what}: recovered only by changing or removing the suite, not a saving on its own"
                    ),
                }
            } else if !suites.is_empty() {
                let names: Vec<&str> = suites.iter().map(|(n, _)| n.as_str()).collect();
                PlanHolding {
                    holding: Holding::Unknown,
                    via: format!(
                        "{plan}: in {}, a suite, but {}, which may hold it alone: not counted as a saving",
                        names.join(" and "),
                        unknown_why(&unplaced)
                    ),
                }
            } else if !unplaced.is_empty() {
                PlanHolding {
                    holding: Holding::Unknown,
                    via: format!(
                        "{plan}: not placed: {}: not counted as a saving",
                        unknown_why(&unplaced)
                    ),
                }
            } else {
                PlanHolding {
                    holding: Holding::Unknown,
                    via: format!(
                        "{plan}: no licence of this account holds it in the licence data: not counted as a saving"
                    ),
                }
            };
            for u in unplaced {
                if !unknown_skus.contains(&u) {
                    unknown_skus.push(u);
                }
            }
            out.push(h);
        }
        for u in unknown_skus {
            if !self.unknown_skus.contains(&u) {
                self.unknown_skus.push(u);
            }
        }
        out
    }
}

/// Every reclaimable plan's sentence when no licence data was given.
pub fn without_licence_data(plan: &str) -> PlanHolding {
    PlanHolding {
        holding: Holding::Unknown,
        via: format!(
            "{plan}: bought separately or in a suite is not known (no licence data given): plan value, not a saving"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const E5: &str = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
    const PHONE: &str = "e43b5b99-8dfb-405f-9987-dc307f34bcbd";
    const MCOEV: &str = "4828c8ec-dc2e-4779-b502-87ac9ce28ab7";

    fn plan(name: &str, id: Option<&str>) -> ServicePlan {
        ServicePlan {
            id: id.map(str::to_string),
            name: Some(name.to_string()),
            applies_to: Some("User".into()),
        }
    }

    fn sku(id: &str, part: &str, plans: Vec<ServicePlan>) -> SubscribedSku {
        SubscribedSku {
            sku_id: Some(id.to_string()),
            part_number: Some(part.to_string()),
            service_plans: plans,
        }
    }

    fn user(upn: &str, ids: &[&str]) -> UserLicenses {
        UserLicenses {
            user_principal_name: upn.to_string(),
            skus: ids
                .iter()
                .map(|i| Sku {
                    sku_id: Some(i.to_uppercase()),
                    part_number: None,
                    disabled_plans: Vec::new(),
                })
                .collect(),
        }
    }

    fn data() -> LicenceData {
        let mut d = LicenceData::default();
        d.add_skus(vec![
            sku(
                E5,
                "SPE_E5",
                vec![
                    plan("MCOEV", Some(MCOEV)),
                    plan("TEAMS1", None),
                    plan("EXCHANGE_S_ENTERPRISE", None),
                ],
            ),
            sku(PHONE, "MCOEV", vec![plan("MCOEV", Some(MCOEV))]),
        ]);
        d
    }

    #[test]
    fn a_plan_in_a_suite_is_not_a_saving_one_bought_alone_is() {
        let mut d = data();
        d.add_user(user("e5@contoso.com", &[E5]));
        d.add_user(user("phone@contoso.com", &[E5, PHONE]));
        let h = d.classify("E5@contoso.com", &["MCOEV"], &[]);
        assert_eq!(h[0].holding, Holding::InSuite, "{}", h[0].via);
        assert!(h[0].via.contains("in SPE_E5, a suite"), "{}", h[0].via);
        let h = d.classify("phone@contoso.com", &["mcoev"], &[]);
        assert_eq!(h[0].holding, Holding::Separate, "{}", h[0].via);
        assert!(
            h[0].via.contains("SKU MCOEV, bought separately"),
            "{}",
            h[0].via
        );
        let h = d.classify("nobody@contoso.com", &["MCOEV"], &[]);
        assert_eq!(h[0].holding, Holding::Unknown);
        assert_eq!(d.missing_accounts, ["nobody@contoso.com"]);
    }

    #[test]
    fn a_suite_every_plan_of_which_is_reclaimable_can_go() {
        let mut d = data();
        d.add_user(user("gone@contoso.com", &[E5]));
        let h = d.classify(
            "gone@contoso.com",
            &["MCOEV", "TEAMS1", "EXCHANGE_S_ENTERPRISE"],
            &[],
        );
        assert!(h.iter().all(|x| x.holding == Holding::Separate), "{h:?}");
    }

    #[test]
    fn plans_match_by_service_plan_id_and_disabled_plans_give_nothing() {
        let mut d = LicenceData::default();
        d.add_skus(vec![sku(
            PHONE,
            "MCOEV",
            vec![plan("PHONE_SYSTEM", Some(MCOEV))],
        )]);
        d.add_user(user("a@contoso.com", &[PHONE]));
        let held = [AssignedPlan {
            capability: "MCOEV".into(),
            status: Some("Enabled".into()),
            service_plan_id: Some(MCOEV.to_uppercase()),
        }];
        assert_eq!(
            d.classify("a@contoso.com", &["MCOEV"], &held)[0].holding,
            Holding::Separate
        );
        let mut d = data();
        d.add_user(UserLicenses {
            user_principal_name: "b@contoso.com".into(),
            skus: vec![Sku {
                sku_id: Some(PHONE.into()),
                part_number: None,
                disabled_plans: vec![MCOEV.into()],
            }],
        });
        let h = d.classify("b@contoso.com", &["MCOEV"], &[]);
        assert_eq!(h[0].holding, Holding::Unknown, "{}", h[0].via);
    }

    #[test]
    fn without_the_sku_list_only_a_sku_named_as_the_plan_is_placed() {
        let mut d = LicenceData::default();
        d.add_user(UserLicenses {
            user_principal_name: "a@contoso.com".into(),
            skus: vec![
                Sku {
                    sku_id: None,
                    part_number: Some("SPE_E5".into()),
                    disabled_plans: Vec::new(),
                },
                Sku {
                    sku_id: None,
                    part_number: Some("MCOPSTN2".into()),
                    disabled_plans: Vec::new(),
                },
            ],
        });
        let h = d.classify("a@contoso.com", &["MCOPSTN2", "MCOEV"], &[]);
        assert_eq!(h[0].holding, Holding::Separate, "{}", h[0].via);
        assert_eq!(h[1].holding, Holding::Unknown, "{}", h[1].via);
        assert!(h[1].via.contains("no SKU list"), "{}", h[1].via);
        assert_eq!(d.unknown_skus, ["SPE_E5"]);
    }

    #[test]
    fn a_suite_beside_an_unknown_sku_is_not_called_a_suite() {
        let mut d = data();
        d.add_user(user(
            "a@contoso.com",
            &[E5, "11111111-2222-3333-4444-555555555555"],
        ));
        let h = d.classify("a@contoso.com", &["MCOEV"], &[]);
        assert_eq!(h[0].holding, Holding::Unknown, "{}", h[0].via);
        assert!(h[0].via.contains("not in the SKU list"), "{}", h[0].via);
    }
}
