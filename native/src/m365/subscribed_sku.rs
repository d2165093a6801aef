//! Which service plans each licence (SKU) of a tenant holds, from Microsoft Graph:
//! `Get-MgSubscribedSku -All` (the subscribedSku resource: `skuId`, `skuPartNumber`,
//! `servicePlans`, a list of servicePlanInfo `{servicePlanId, servicePlanName, appliesTo,
//! provisioningStatus}`), or one row per SKU and plan (`SkuId`, `SkuPartNumber`,
//! `ServicePlanId`, `ServicePlanName`: the same export flattened for a CSV).
//!
//! Shapes as Microsoft documents them:
//! - subscribedSku: https://learn.microsoft.com/graph/api/resources/subscribedsku
//! - servicePlanInfo: https://learn.microsoft.com/graph/api/resources/serviceplaninfo (`appliesTo`
//!   `User`: assignable to a user; `Company`: to the whole tenant)
//! - Get-MgSubscribedSku (Microsoft.Graph.Identity.DirectoryManagement; PowerShell spells the
//!   properties SkuId, SkuPartNumber, ServicePlans, ServicePlanId, ServicePlanName):
//!   https://learn.microsoft.com/powershell/module/microsoft.graph.identity.directorymanagement/get-mgsubscribedsku
//!
//! Inputs only: which plans a SKU holds, never what that means for a licence.

use crate::ingest::record::{flattened_message, list_items, value_text};
use crate::ingest::{PsValue, Record};
use crate::model::InputError;

/// One servicePlanInfo of a SKU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePlan {
    /// servicePlanId, braces removed, lower case
    pub id: Option<String>,
    /// servicePlanName, e.g. `MCOEV`, `TEAMS1`
    pub name: Option<String>,
    /// `User` or `Company`, when the export says
    pub applies_to: Option<String>,
}

impl ServicePlan {
    /// Assignable to the whole tenant rather than to a user (appliesTo `Company`).
    pub fn tenant_wide(&self) -> bool {
        self.applies_to
            .as_deref()
            .is_some_and(|a| a.trim().eq_ignore_ascii_case("Company"))
    }

    /// The name, else the id: how a message shows the plan.
    pub fn label(&self) -> &str {
        self.name.as_deref().or(self.id.as_deref()).unwrap_or("")
    }
}

/// One Get-MgSubscribedSku record (or one SKU-and-plan row).
#[derive(Debug, Clone)]
pub struct SubscribedSku {
    /// skuId, braces removed, lower case
    pub sku_id: Option<String>,
    pub part_number: Option<String>,
    pub service_plans: Vec<ServicePlan>,
}

impl SubscribedSku {
    pub const PROPERTIES: &'static [&'static str] = &[
        "SkuId",
        "SkuPartNumber",
        "ServicePlans",
        "ServicePlanId",
        "ServicePlanName",
    ];

    pub fn read(r: &Record) -> Result<SubscribedSku, InputError> {
        let sku_id = match r.opt_str("SkuId")? {
            Some(t) => Some(guid(&t).ok_or_else(|| {
                r.error(
                    "SkuId",
                    format!("'{}' is not a SKU id (a GUID such as 06ebc4ee-1bb5-47dd-8120-11324bc54e06)", t.trim()),
                )
            })?),
            None => None,
        };
        let part_number = r.opt_str("SkuPartNumber")?.map(|p| p.trim().to_string());
        if sku_id.is_none() && part_number.is_none() {
            return Err(r.error(
                "SkuId",
                "required property is missing or empty: a Get-MgSubscribedSku record names its SKU by SkuId and SkuPartNumber",
            ));
        }
        let service_plans = match r.get("ServicePlans") {
            Some(v) => plans(r, v)?,
            None => {
                // The flattened form: one plan per row.
                let id = match r.opt_str("ServicePlanId")? {
                    Some(t) => Some(guid(&t).ok_or_else(|| {
                        r.error(
                            "ServicePlanId",
                            format!("'{}' is not a service plan id (a GUID)", t.trim()),
                        )
                    })?),
                    None => None,
                };
                let name = r.opt_str("ServicePlanName")?.map(|n| n.trim().to_string());
                if id.is_none() && name.is_none() {
                    return Err(r.error(
                        "ServicePlans",
                        "is not in the record: which plans the SKU holds is what this input is for (Get-MgSubscribedSku output has ServicePlans; a Select-Object may have left it out), or give one row per SKU and plan with ServicePlanName and ServicePlanId",
                    ));
                }
                vec![ServicePlan {
                    id,
                    name,
                    applies_to: None,
                }]
            }
        };
        Ok(SubscribedSku {
            sku_id,
            part_number,
            service_plans,
        })
    }

    /// The part number, else the id: how a message shows the SKU.
    pub fn label(&self) -> &str {
        self.part_number
            .as_deref()
            .or(self.sku_id.as_deref())
            .unwrap_or("")
    }
}

fn plans(r: &Record, v: &PsValue) -> Result<Vec<ServicePlan>, InputError> {
    const P: &str = "ServicePlans";
    match v {
        PsValue::Flattened(t) => return Err(r.error(P, flattened_message(t))),
        PsValue::Null => {
            return Err(r.error(
                P,
                "is null: which plans the SKU holds is what this input is for (export Get-MgSubscribedSku with ConvertTo-Json -Depth 5 or Export-Clixml)",
            ))
        }
        _ => {}
    }
    let mut out = Vec::new();
    for (i, item) in list_items(v).into_iter().enumerate() {
        let PsValue::Object(o) = item else {
            let shown = value_text(item).ok().flatten().unwrap_or_default();
            return Err(r.error(
                P,
                format!(
                    "item {} holds '{}' instead of a plan: ConvertTo-Json stopped at its depth limit or the list was turned into text; export Get-MgSubscribedSku with ConvertTo-Json -Depth 5 or Export-Clixml",
                    i + 1,
                    shown.trim()
                ),
            ));
        };
        let text = |p: &str| -> Result<Option<String>, InputError> {
            match o.get(p) {
                Some(x) => value_text(x)
                    .map(|t| t.map(|t| t.trim().to_string()))
                    .map_err(|m| r.error(P, format!("item {} {p}: {m}", i + 1))),
                None => Ok(None),
            }
        };
        let id = match text("ServicePlanId")? {
            Some(t) => Some(guid(&t).ok_or_else(|| {
                r.error(
                    P,
                    format!(
                        "item {} ServicePlanId '{t}' is not a service plan id (a GUID)",
                        i + 1
                    ),
                )
            })?),
            None => None,
        };
        let name = text("ServicePlanName")?;
        if id.is_none() && name.is_none() {
            return Err(r.error(
                P,
                format!(
                    "item {} has neither ServicePlanName nor ServicePlanId",
                    i + 1
                ),
            ));
        }
        out.push(ServicePlan {
            id,
            name,
            applies_to: text("AppliesTo")?,
        });
    }
    Ok(out)
}

/// A GUID as a join key (braces removed, lower case); None when the text is not one.
pub fn guid(text: &str) -> Option<String> {
    let t = text.trim().trim_matches(['{', '}']);
    let shape = t.len() == 36
        && t.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    shape.then(|| t.to_ascii_lowercase())
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
        PsValue::Object(Arc::new(o))
    }

    fn rec(props: Vec<(&str, PsValue)>) -> Record {
        let PsValue::Object(o) = obj(props) else {
            unreachable!()
        };
        Record::new(Arc::from("skus.json"), 3, (*o).clone())
    }

    fn s(t: &str) -> PsValue {
        PsValue::Str(t.into())
    }

    const E5: &str = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
    const MCOEV: &str = "4828c8ec-dc2e-4779-b502-87ac9ce28ab7";

    #[test]
    fn reads_the_graph_shape() {
        let r = rec(vec![
            ("SkuId", s(&format!("{{{}}}", E5.to_uppercase()))),
            ("SkuPartNumber", s("SPE_E5")),
            (
                "ServicePlans",
                PsValue::List(
                    vec![
                        obj(vec![
                            ("ServicePlanId", s(MCOEV)),
                            ("ServicePlanName", s("MCOEV")),
                            ("AppliesTo", s("User")),
                            ("ProvisioningStatus", s("Success")),
                        ]),
                        obj(vec![("ServicePlanName", s("TEAMS1"))]),
                    ]
                    .into(),
                ),
            ),
        ]);
        let k = SubscribedSku::read(&r).unwrap();
        assert_eq!(k.sku_id.as_deref(), Some(E5));
        assert_eq!(k.label(), "SPE_E5");
        assert_eq!(k.service_plans.len(), 2);
        assert_eq!(k.service_plans[0].id.as_deref(), Some(MCOEV));
        assert!(!k.service_plans[0].tenant_wide());
    }

    #[test]
    fn reads_one_row_per_plan() {
        let r = rec(vec![
            ("SkuId", s(E5)),
            ("ServicePlanName", s("MCOEV")),
            ("ServicePlanId", s(MCOEV)),
        ]);
        let k = SubscribedSku::read(&r).unwrap();
        assert_eq!(k.service_plans[0].name.as_deref(), Some("MCOEV"));
    }

    #[test]
    fn bad_records_name_the_field() {
        let e = SubscribedSku::read(&rec(vec![("SkuPartNumber", s("SPE_E5"))])).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("ServicePlans"));
        let e = SubscribedSku::read(&rec(vec![(
            "ServicePlans",
            PsValue::List(vec![obj(vec![("ServicePlanName", s("MCOEV"))])].into()),
        )]))
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("SkuId"));
        let e = SubscribedSku::read(&rec(vec![
            ("SkuId", s(E5)),
            ("ServicePlans", PsValue::Flattened("System.Object[]".into())),
        ]))
        .unwrap_err();
        assert!(e.message.contains("System.Object[]"), "{}", e.message);
        let e = SubscribedSku::read(&rec(vec![
            ("SkuId", s(E5)),
            (
                "ServicePlans",
                PsValue::List(
                    vec![s(
                        "Microsoft.Graph.PowerShell.Models.MicrosoftGraphServicePlanInfo",
                    )]
                    .into(),
                ),
            ),
        ]))
        .unwrap_err();
        assert!(e.message.contains("depth"), "{}", e.message);
        let e = SubscribedSku::read(&rec(vec![
            ("SkuId", s("SPE_E5")),
            ("ServicePlans", PsValue::List(Vec::<PsValue>::new().into())),
        ]))
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("SkuId"));
        assert!(e.message.contains("GUID"), "{}", e.message);
    }

    #[test]
    fn guids_are_join_keys() {
        assert_eq!(
            guid(" {06EBC4EE-1BB5-47DD-8120-11324BC54E06} ").as_deref(),
            Some(E5)
        );
        assert_eq!(guid("06ebc4ee1bb547dd812011324bc54e06"), None);
        assert_eq!(guid("Microsoft.Graph.PowerShell.Models.X"), None);
    }
}
