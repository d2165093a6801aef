//! The inputs `teams assignments` reads besides Get-CsOnlineUser (read by `crate::m365`):
//! Get-CsPhoneNumberAssignment rows and a price list.

use crate::ingest::Record;
use crate::model::InputError;
use schemars::JsonSchema;
use serde::Deserialize;

/// Who carries a number's PSTN service (Get-CsPhoneNumberAssignment NumberType).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberType {
    /// A Microsoft Calling Plan number
    CallingPlan,
    /// Direct Routing: the tenant's own SBC
    DirectRouting,
    /// Operator Connect, Operator Connect Mobile / Teams Phone Mobile: the operator's service
    OperatorConnect,
    /// A value this audit does not know (kept as text, never guessed)
    Other(String),
}

impl NumberType {
    pub fn parse(s: &str) -> NumberType {
        let t = s.trim();
        if t.eq_ignore_ascii_case("CallingPlan") {
            NumberType::CallingPlan
        } else if t.eq_ignore_ascii_case("DirectRouting") {
            NumberType::DirectRouting
        } else if t.eq_ignore_ascii_case("OperatorConnect")
            || t.eq_ignore_ascii_case("OCMobile")
            || t.eq_ignore_ascii_case("OperatorConnectMobile")
            || t.eq_ignore_ascii_case("TeamsPhoneMobile")
        {
            NumberType::OperatorConnect
        } else {
            NumberType::Other(t.to_string())
        }
    }

    /// The PSTN service does not come from a Calling Plan.
    pub fn outside_calling_plan(&self) -> bool {
        matches!(
            self,
            NumberType::DirectRouting | NumberType::OperatorConnect
        )
    }

    pub fn text(&self) -> &str {
        match self {
            NumberType::CallingPlan => "CallingPlan",
            NumberType::DirectRouting => "DirectRouting",
            NumberType::OperatorConnect => "OperatorConnect",
            NumberType::Other(s) => s,
        }
    }
}

/// One Get-CsPhoneNumberAssignment row.
#[derive(Debug, Clone)]
pub struct PhoneNumberAssignment {
    pub telephone_number: String,
    /// None: NumberType not exported or blank
    pub number_type: Option<NumberType>,
    /// The object id of the user or resource account the number is assigned to
    pub assigned_pstn_target_id: Option<String>,
    pub pstn_assignment_status: Option<String>,
}

impl PhoneNumberAssignment {
    pub const PROPERTIES: &'static [&'static str] = &[
        "TelephoneNumber",
        "NumberType",
        "AssignedPstnTargetId",
        "PstnAssignmentStatus",
    ];

    pub fn read(r: &Record) -> Result<PhoneNumberAssignment, InputError> {
        Ok(PhoneNumberAssignment {
            telephone_number: r.req_str("TelephoneNumber")?.trim().to_string(),
            number_type: r.opt_str("NumberType")?.map(|t| NumberType::parse(&t)),
            assigned_pstn_target_id: r
                .opt_str("AssignedPstnTargetId")?
                .map(|t| normal_id(&t))
                .filter(|t| !t.is_empty()),
            pstn_assignment_status: r.opt_str("PstnAssignmentStatus")?,
        })
    }

    /// Assigned to someone (PstnAssignmentStatus other than Unassigned, or a target).
    pub fn assigned(&self) -> bool {
        self.assigned_pstn_target_id.is_some()
            && !self
                .pstn_assignment_status
                .as_deref()
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("Unassigned"))
    }
}

/// An object id as a join key: braces and case removed.
pub fn normal_id(id: &str) -> String {
    id.trim().trim_matches(['{', '}']).to_ascii_lowercase()
}

/// A phone number as a join key: the digits of `tel:+1 (425) 555-0100;ext=100` before any
/// extension (`14255550100`); None when there are none.
pub fn number_key(n: &str) -> Option<String> {
    let n = n.trim();
    let n = crate::m365::strip_ci(n, "tel:").unwrap_or(n);
    let main = n.split([';', 'x', 'X']).next().unwrap_or("");
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

/// The price list row as the schema documents it (input).
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct PlanPriceInput {
    /// An AssignedPlan Capability, e.g. MCOEV, MCOPSTN1, MCOMEETADV (case-insensitive)
    #[serde(rename = "Plan")]
    pub plan: String,
    /// What one user's plan costs per month, with a dot as the decimal separator (12.50)
    #[serde(rename = "MonthlyPrice")]
    pub monthly_price: f64,
}

/// The phone-number assignment row as the schema documents it (input).
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct PhoneNumberAssignmentInput {
    #[serde(rename = "TelephoneNumber")]
    pub telephone_number: String,
    /// DirectRouting, CallingPlan, OperatorConnect (others are kept and reported)
    #[serde(rename = "NumberType")]
    pub number_type: Option<String>,
    /// The object id (Get-CsOnlineUser Identity) of the user or resource account holding it
    #[serde(rename = "AssignedPstnTargetId")]
    pub assigned_pstn_target_id: Option<String>,
    /// Unassigned, UserAssigned, VoiceApplicationAssigned, ConferenceAssigned, ...
    #[serde(rename = "PstnAssignmentStatus")]
    pub pstn_assignment_status: Option<String>,
}

/// One price list row.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanPrice {
    pub plan: String,
    pub monthly_price: f64,
}

impl PlanPrice {
    pub const PROPERTIES: &'static [&'static str] = &["Plan", "MonthlyPrice"];

    pub fn read(r: &Record) -> Result<PlanPrice, InputError> {
        let plan = r.req_str("Plan")?.trim().to_string();
        let text = r.req_str("MonthlyPrice")?;
        let t = text.trim();
        let price: f64 = t.parse().map_err(|_| {
            let hint = if t.contains(',') && !t.contains('.') {
                " (use a dot as the decimal separator: 12.50)"
            } else {
                " (a number such as 12.50, without a currency sign)"
            };
            r.error("MonthlyPrice", format!("'{t}' is not a price{hint}"))
        })?;
        if !price.is_finite() || price < 0.0 {
            return Err(r.error(
                "MonthlyPrice",
                format!("'{t}' is not a price (a number of zero or more)"),
            ));
        }
        Ok(PlanPrice {
            plan,
            monthly_price: price,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{PsObject, PsValue};
    use std::sync::Arc;

    fn rec(props: Vec<(&str, &str)>) -> Record {
        let mut obj = PsObject::default();
        for (k, v) in props {
            obj.insert(k.to_string(), PsValue::Str(v.into()));
        }
        Record::new(Arc::from("prices.csv"), 2, obj)
    }

    #[test]
    fn number_keys_ignore_format_and_extension() {
        assert_eq!(
            number_key("tel:+14255550100").as_deref(),
            Some("14255550100")
        );
        assert_eq!(
            number_key("TEL:+1 (425) 555-0100;ext=100").as_deref(),
            Some("14255550100")
        );
        assert_eq!(number_key("+14255550100").as_deref(), Some("14255550100"));
        assert_eq!(number_key("tel:"), None);
    }

    #[test]
    fn number_types() {
        assert_eq!(
            NumberType::parse("directrouting"),
            NumberType::DirectRouting
        );
        assert!(NumberType::parse("OperatorConnect").outside_calling_plan());
        assert!(!NumberType::parse("CallingPlan").outside_calling_plan());
        assert_eq!(
            NumberType::parse("Shared"),
            NumberType::Other("Shared".into())
        );
    }

    #[test]
    fn prices_need_a_dot_and_no_currency() {
        let p = PlanPrice::read(&rec(vec![("Plan", "MCOEV"), ("MonthlyPrice", "10.00")])).unwrap();
        assert_eq!(p.monthly_price, 10.0);
        let e =
            PlanPrice::read(&rec(vec![("Plan", "MCOEV"), ("MonthlyPrice", "10,50")])).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("MonthlyPrice"));
        assert!(e.message.contains("decimal separator"), "{}", e.message);
        let e = PlanPrice::read(&rec(vec![("Plan", "MCOEV"), ("MonthlyPrice", "$8")])).unwrap_err();
        assert!(e.message.contains("currency"), "{}", e.message);
        assert!(PlanPrice::read(&rec(vec![("Plan", "MCOEV"), ("MonthlyPrice", "-1")])).is_err());
    }
}
