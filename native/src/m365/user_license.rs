//! Which licences (SKUs) a user holds, from Microsoft Graph exports:
//! `Get-MgUser -Property UserPrincipalName,AssignedLicenses` (`assignedLicenses` is a list of
//! `{skuId, disabledPlans}`), or one row per user and SKU (`UserPrincipalName`, `SkuId`,
//! `SkuPartNumber`, e.g. Get-MgUserLicenseDetail output with the UPN added).

use crate::ingest::record::{flattened_message, list_items, value_text};
use crate::ingest::{PsValue, Record};
use crate::model::InputError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sku {
    pub sku_id: Option<String>,
    pub part_number: Option<String>,
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
                        PsValue::Object(_) => skus.push(Sku {
                            sku_id: text("SkuId")?,
                            part_number: text("SkuPartNumber")?,
                        }),
                        PsValue::Null => {}
                        other => {
                            if let Some(id) =
                                value_text(other).map_err(|m| r.error("AssignedLicenses", m))?
                            {
                                skus.push(Sku {
                                    sku_id: Some(id),
                                    part_number: None,
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
