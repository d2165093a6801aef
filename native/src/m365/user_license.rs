//! Which licences (SKUs) a user holds, from Microsoft Graph exports:
//! `Get-MgUser -Property UserPrincipalName,AssignedLicenses` (`assignedLicenses` is a list of
//! `{skuId, disabledPlans}`), or one row per user and SKU (`UserPrincipalName`, `SkuId`,
//! `SkuPartNumber`, e.g. Get-MgUserLicenseDetail output with the UPN added).
//!
//! Shapes as Microsoft documents them: the assignedLicense resource (`skuId`; `disabledPlans`,
//! the servicePlanIds of the SKU's plans turned off for this user),
//! https://learn.microsoft.com/graph/api/resources/assignedlicense, and Get-MgUser, which returns
//! AssignedLicenses only when asked with -Property,
//! https://learn.microsoft.com/powershell/module/microsoft.graph.users/get-mguser.

use super::subscribed_sku::guid;
use crate::ingest::record::{flattened_message, list_items, value_text};
use crate::ingest::{PsValue, Record};
use crate::model::InputError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sku {
    pub sku_id: Option<String>,
    pub part_number: Option<String>,
    /// assignedLicense disabledPlans: servicePlanIds (braces removed, lower case) of the SKU's
    /// plans turned off for this user; empty in the one-row-per-SKU form
    pub disabled_plans: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct UserLicenses {
    pub user_principal_name: String,
    pub skus: Vec<Sku>,
}

impl UserLicenses {
    pub const PROPERTIES: &'static [&'static str] = &[
        "UserPrincipalName",
        "AssignedLicenses",
        "SkuId",
        "SkuPartNumber",
    ];

    pub fn read(r: &Record) -> Result<UserLicenses, InputError> {
        let upn = r.req_str("UserPrincipalName")?.trim().to_string();
        let mut skus = Vec::new();
        match r.get("AssignedLicenses") {
            None => {}
            Some(PsValue::Flattened(t)) => {
                return Err(r.error("AssignedLicenses", flattened_message(t)))
            }
            Some(v) => {
                for item in list_items(v) {
                    let text = |p: &str| -> Result<Option<String>, InputError> {
                        match item {
                            PsValue::Object(o) => match o.get(p) {
                                Some(x) => {
                                    value_text(x).map_err(|m| r.error("AssignedLicenses", m))
                                }
                                None => Ok(None),
                            },
                            _ => Ok(None),
                        }
                    };
                    match item {
                        PsValue::Object(o) => {
                            let mut disabled_plans = Vec::new();
                            if let Some(d) = o.get("DisabledPlans") {
                                if let PsValue::Flattened(t) = d {
                                    return Err(r.error("AssignedLicenses", flattened_message(t)));
                                }
                                for p in list_items(d) {
                                    if let Some(t) =
                                        value_text(p).map_err(|m| r.error("AssignedLicenses", m))?
                                    {
                                        disabled_plans.push(guid(&t).ok_or_else(|| {
                                            r.error(
                                                "AssignedLicenses",
                                                format!("DisabledPlans holds '{}', not a service plan id (a GUID)", t.trim()),
                                            )
                                        })?);
                                    }
                                }
                            }
                            skus.push(Sku {
                                sku_id: text("SkuId")?,
                                part_number: text("SkuPartNumber")?,
                                disabled_plans,
                            })
                        }
                        PsValue::Null => {}
                        other => {
                            if let Some(id) =
                                value_text(other).map_err(|m| r.error("AssignedLicenses", m))?
                            {
                                // A bare id; anything else is a licence object ConvertTo-Json
                                // cut to its type name, which must not pass for an id.
                                if guid(&id).is_none() {
                                    return Err(r.error(
                                        "AssignedLicenses",
                                        format!("holds '{}' instead of a licence: ConvertTo-Json stopped at its depth limit or the list was turned into text; export with ConvertTo-Json -Depth 5 or Export-Clixml", id.trim()),
                                    ));
                                }
                                skus.push(Sku {
                                    sku_id: Some(id),
                                    part_number: None,
                                    disabled_plans: Vec::new(),
                                })
                            }
                        }
                    }
                }
            }
        }
        let (id, part) = (r.opt_str("SkuId")?, r.opt_str("SkuPartNumber")?);
        if id.is_some() || part.is_some() {
            skus.push(Sku {
                sku_id: id,
                part_number: part,
                disabled_plans: Vec::new(),
            });
        }
        Ok(UserLicenses {
            user_principal_name: upn,
            skus,
        })
    }

    /// Holds the SKU with this id or part number (case-insensitive, braces ignored).
    pub fn holds(&self, sku_id: &str, part_number: &str) -> Option<&Sku> {
        self.skus.iter().find(|s| {
            s.sku_id.as_deref().is_some_and(|i| {
                i.trim()
                    .trim_matches(['{', '}'])
                    .eq_ignore_ascii_case(sku_id)
            }) || s
                .part_number
                .as_deref()
                .is_some_and(|p| p.trim().eq_ignore_ascii_case(part_number))
        })
    }
}
