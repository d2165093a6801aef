//! The inputs `teams assignments` reads besides Get-CsOnlineUser (read by `crate::m365`):
//! Get-CsPhoneNumberAssignment rows, the voice routing configuration
//! (Get-CsOnlineVoiceRoutingPolicy, Get-CsOnlineVoiceRoute), Shared Calling policies
//! (Get-CsTeamsSharedCallingRoutingPolicy), call queues (Get-CsCallQueue) and a price list; and
//! the schema of the licence data it reads through `crate::m365` (user licences, SKUs).

use crate::ingest::record::{list_items, value_text};
use crate::ingest::{PsValue, Record};
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

/// A policy Identity as the rules compare it: `Tag:` removed, blank read as Global.
fn policy_identity(identity: &str) -> String {
    let t = identity.trim();
    let t = crate::m365::strip_ci(t, "Tag:").unwrap_or(t).trim();
    if t.is_empty() {
        "Global".into()
    } else {
        t.to_string()
    }
}

/// Whether a policy name (as assigned, or an Identity) is the Global policy: blank, `Global`, or
/// `Global:...` as some modules write the org-wide instance.
pub fn is_global(name: &str) -> bool {
    let t = name.trim();
    t.is_empty()
        || t.eq_ignore_ascii_case("Global")
        || crate::m365::strip_ci(t, "Global:").is_some()
}

/// A list property the record must have (a null or empty list is fine: "none"). Missing, it is
/// an error naming the property: the export left it out (`Select-Object`), and its absence
/// would read as "none". Flattened by Export-Csv, the whole file has lost it: fatal.
fn required_list(r: &Record, name: &str, cmdlet: &str) -> Result<Vec<String>, InputError> {
    let Some(v) = r.get(name) else {
        return Err(r.error(
            name,
            format!("is not in the record: export {cmdlet} with all its properties (ConvertTo-Json -Depth 5 or Export-Clixml), not a Select-Object that leaves {name} out"),
        ));
    };
    text_list(r, name, v)
}

/// The texts of a list value; an Export-Csv `System.Object[]` cell is fatal (every record of
/// the file lost the list).
fn text_list(r: &Record, name: &str, v: &PsValue) -> Result<Vec<String>, InputError> {
    if let PsValue::Flattened(t) = v {
        return Err(r
            .error(
                name,
                format!("holds '{t}': Export-Csv wrote the type name instead of the list, so {name} is lost for every record of this file; export with ConvertTo-Json -Depth 5 or Export-Clixml"),
            )
            .fatal());
    }
    let mut out = Vec::new();
    for (i, item) in list_items(v).into_iter().enumerate() {
        match value_text(item) {
            Ok(Some(s)) if !s.trim().is_empty() => out.push(s.trim().to_string()),
            Ok(_) => {}
            Err(m) => return Err(r.error(name, format!("item {}: {m}", i + 1))),
        }
    }
    Ok(out)
}

/// A text property the record must have (null is fine: "not set").
fn required_text(r: &Record, name: &str, cmdlet: &str) -> Result<Option<String>, InputError> {
    if r.get(name).is_none() {
        return Err(r.error(
            name,
            format!("is not in the record: export {cmdlet} with all its properties, not a Select-Object that leaves {name} out"),
        ));
    }
    Ok(r.opt_str(name)?.map(|t| t.trim().to_string()))
}

const ROUTING_POLICY_CMDLET: &str = "Get-CsOnlineVoiceRoutingPolicy";
const ROUTE_CMDLET: &str = "Get-CsOnlineVoiceRoute";
const SHARED_CALLING_CMDLET: &str = "Get-CsTeamsSharedCallingRoutingPolicy";
const CALL_QUEUE_CMDLET: &str = "Get-CsCallQueue";

/// One Get-CsOnlineVoiceRoutingPolicy row: a policy and the PSTN usages its calls are routed
/// through (Microsoft Learn, "Configure call routing for Direct Routing").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceRoutingPolicy {
    /// `Global`, or the policy's name (`Tag:` removed)
    pub identity: String,
    /// In the order the policy applies them
    pub usages: Vec<String>,
}

impl VoiceRoutingPolicy {
    pub const PROPERTIES: &'static [&'static str] = &["Identity", "OnlinePstnUsages"];

    pub fn read(r: &Record) -> Result<VoiceRoutingPolicy, InputError> {
        Ok(VoiceRoutingPolicy {
            identity: policy_identity(&r.req_str("Identity")?),
            usages: required_list(r, "OnlinePstnUsages", ROUTING_POLICY_CMDLET)?,
        })
    }
}

/// One Get-CsOnlineVoiceRoute row: the numbers (a regular expression) it routes, through which
/// gateways, for which PSTN usages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceRoute {
    pub identity: String,
    /// None: no pattern set
    pub number_pattern: Option<String>,
    pub usages: Vec<String>,
    pub gateways: Vec<String>,
    pub priority: Option<i64>,
}

impl VoiceRoute {
    pub const PROPERTIES: &'static [&'static str] = &[
        "Identity",
        "NumberPattern",
        "OnlinePstnUsages",
        "OnlinePstnGatewayList",
        "Priority",
    ];

    pub fn read(r: &Record) -> Result<VoiceRoute, InputError> {
        Ok(VoiceRoute {
            identity: r.req_str("Identity")?.trim().to_string(),
            number_pattern: required_text(r, "NumberPattern", ROUTE_CMDLET)?,
            usages: required_list(r, "OnlinePstnUsages", ROUTE_CMDLET)?,
            gateways: required_list(r, "OnlinePstnGatewayList", ROUTE_CMDLET)?,
            priority: r.opt_int("Priority")?,
        })
    }

    /// The route matches every dialled number and has a gateway to send it to: a policy with
    /// one of its usages never leaves a call to the Calling Plan. See [`catch_all_pattern`].
    pub fn routes_everything(&self) -> bool {
        !self.gateways.is_empty()
            && self
                .number_pattern
                .as_deref()
                .is_some_and(catch_all_pattern)
    }
}

/// Whether a NumberPattern matches every number, whatever the regular expression engine's
/// anchoring: `.*` or `.+`, optionally anchored (`^`, `$`) and optionally grouped (`( )`,
/// `(?: )`), in any nesting: `.*`, `^.*$`, `^.+`, `(.*)`, `^(.*)$`, `(?:.+)$`, `(^.*$)`. Nothing
/// else counts: `\d+` (Microsoft's "any number" example) does not match a leading `+` when the
/// whole number must match, and the Direct Routing documentation does not say which way Teams
/// matches; a pattern that is not provably catch-all leaves the Calling Plan possibly in use.
pub fn catch_all_pattern(pattern: &str) -> bool {
    let mut p = pattern.trim();
    loop {
        let before = p;
        if let Some(rest) = p.strip_prefix('^') {
            p = rest;
        }
        if p.ends_with('$') && !p.ends_with("\\$") {
            p = &p[..p.len() - 1];
        }
        if let Some(inner) = p.strip_prefix("(?:").and_then(|x| x.strip_suffix(')')) {
            p = inner;
        } else if let Some(inner) = p.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
            p = inner;
        }
        if p == before {
            break;
        }
    }
    p == ".*" || p == ".+"
}

/// One Get-CsTeamsSharedCallingRoutingPolicy row: the resource account whose number a Shared
/// Calling user's outbound calls use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedCallingPolicy {
    /// `Global`, or the policy's name (`Tag:` removed)
    pub identity: String,
    /// The resource account (its identity as exported); None: not set
    pub resource_account: Option<String>,
    pub emergency_numbers: Vec<String>,
}

impl SharedCallingPolicy {
    pub const PROPERTIES: &'static [&'static str] =
        &["Identity", "ResourceAccount", "EmergencyNumbers"];

    pub fn read(r: &Record) -> Result<SharedCallingPolicy, InputError> {
        Ok(SharedCallingPolicy {
            identity: policy_identity(&r.req_str("Identity")?),
            resource_account: required_text(r, "ResourceAccount", SHARED_CALLING_CMDLET)?,
            emergency_numbers: match r.get("EmergencyNumbers") {
                Some(v) => text_list(r, "EmergencyNumbers", v)?,
                None => Vec::new(),
            },
        })
    }
}

/// One Get-CsCallQueue row: who answers its calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallQueue {
    pub identity: String,
    pub name: Option<String>,
    /// The object ids of `Agents` (each `{ObjectId, OptIn}`); None: Agents not exported
    pub agents: Option<Vec<String>>,
    /// The object ids of `Users` (agents named one by one)
    pub users: Vec<String>,
    /// Groups whose members answer (expanded by the service into `Agents`)
    pub distribution_lists: Vec<String>,
    /// A Teams channel whose members answer
    pub channel_id: Option<String>,
    /// The service capped `Agents` (a group with more members than a queue takes)
    pub agents_capped: Option<bool>,
    pub agents_in_sync: Option<bool>,
}

impl CallQueue {
    pub const PROPERTIES: &'static [&'static str] = &[
        "Identity",
        "Name",
        "Agents",
        "Users",
        "DistributionLists",
        "ChannelId",
        "AgentsCapped",
        "AgentsInSyncWithDistributionLists",
    ];

    pub fn read(r: &Record) -> Result<CallQueue, InputError> {
        let agents = match r.get("Agents") {
            None => None,
            Some(PsValue::Flattened(t)) => {
                return Err(r
                    .error(
                        "Agents",
                        format!("holds '{t}': Export-Csv wrote the type name instead of the agents; export {CALL_QUEUE_CMDLET} with ConvertTo-Json -Depth 5 or Export-Clixml"),
                    )
                    .fatal())
            }
            Some(v) => {
                let mut ids = Vec::new();
                for (i, item) in list_items(v).into_iter().enumerate() {
                    let id = match item {
                        PsValue::Object(_) => {
                            crate::m365::nested_text(r, "Agents", item, &["ObjectId", "Id"])?
                        }
                        other => value_text(other)
                            .map_err(|m| r.error("Agents", format!("item {}: {m}", i + 1)))?,
                    };
                    match id {
                        Some(id) => ids.push(normal_id(&id)),
                        None if matches!(item, PsValue::Null) => {}
                        None => {
                            return Err(r.error(
                                "Agents",
                                format!("item {} has no ObjectId: export {CALL_QUEUE_CMDLET} with ConvertTo-Json -Depth 5 (a lower depth writes each agent as its type name)", i + 1),
                            ))
                        }
                    }
                }
                Some(ids)
            }
        };
        let users = match r.get("Users") {
            Some(v) => text_list(r, "Users", v)?
                .iter()
                .map(|u| normal_id(u))
                .collect(),
            None => Vec::new(),
        };
        if agents.is_none() && r.get("Users").is_none() {
            return Err(r.error(
                "Agents",
                format!("is not in the record, nor is Users: the queue's agents are unknown; export {CALL_QUEUE_CMDLET} with all its properties (ConvertTo-Json -Depth 5 or Export-Clixml)"),
            ));
        }
        Ok(CallQueue {
            identity: r.req_str("Identity")?.trim().to_string(),
            name: r.opt_str("Name")?,
            agents,
            users,
            distribution_lists: match r.get("DistributionLists") {
                Some(v) => text_list(r, "DistributionLists", v)?,
                None => Vec::new(),
            },
            channel_id: r.opt_str("ChannelId")?,
            agents_capped: r.opt_bool("AgentsCapped")?,
            agents_in_sync: r.opt_bool("AgentsInSyncWithDistributionLists")?,
        })
    }

    /// The queue's name, else its identity.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.identity)
    }

    /// Why `Agents` + `Users` may not be every agent: the service capped the list, it is not in
    /// sync with the queue's groups, or it was not exported while groups or a channel answer.
    pub fn incomplete(&self) -> Option<&'static str> {
        if self.agents_capped == Some(true) {
            Some("AgentsCapped is True")
        } else if self.agents_in_sync == Some(false) {
            Some("AgentsInSyncWithDistributionLists is False")
        } else if self.agents.is_none()
            && (!self.distribution_lists.is_empty() || self.channel_id.is_some())
        {
            Some("Agents is not exported and groups or a channel answer")
        } else {
            None
        }
    }

    /// Every agent's object id (`Agents` and `Users`).
    pub fn agent_ids(&self) -> impl Iterator<Item = &String> {
        self.agents.iter().flatten().chain(self.users.iter())
    }
}

/// Get-CsOnlineVoiceRoutingPolicy as the schema documents it (input).
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct VoiceRoutingPolicyInput {
    /// `Global`, or `Tag:<name>` (the `Tag:` prefix is optional)
    #[serde(rename = "Identity")]
    pub identity: String,
    /// The PSTN usages, in order; null or empty: none (the policy routes no call over Direct
    /// Routing). Required in the record
    #[serde(rename = "OnlinePstnUsages")]
    pub online_pstn_usages: Option<Vec<String>>,
}

/// Get-CsOnlineVoiceRoute as the schema documents it (input).
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct VoiceRouteInput {
    #[serde(rename = "Identity")]
    pub identity: String,
    /// The regular expression of the numbers the route takes; `.*` / `.+` (anchored or grouped)
    /// route every number. Required in the record
    #[serde(rename = "NumberPattern")]
    pub number_pattern: Option<String>,
    /// The PSTN usages the route serves. Required in the record
    #[serde(rename = "OnlinePstnUsages")]
    pub online_pstn_usages: Option<Vec<String>>,
    /// The SBCs the route sends calls to. Required in the record
    #[serde(rename = "OnlinePstnGatewayList")]
    pub online_pstn_gateway_list: Option<Vec<String>>,
    #[serde(rename = "Priority")]
    pub priority: Option<i64>,
}

/// Get-CsTeamsSharedCallingRoutingPolicy as the schema documents it (input).
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct SharedCallingPolicyInput {
    /// `Global`, or `Tag:<name>`
    #[serde(rename = "Identity")]
    pub identity: String,
    /// The resource account whose number Shared Calling users call out with; null: none (for
    /// Global: no Shared Calling by default). Required in the record
    #[serde(rename = "ResourceAccount")]
    pub resource_account: Option<String>,
    #[serde(rename = "EmergencyNumbers")]
    pub emergency_numbers: Option<Vec<String>>,
}

/// One agent of a call queue (Get-CsCallQueue `Agents`).
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct CallQueueAgentInput {
    /// The agent's object id (Get-CsOnlineUser Identity)
    #[serde(rename = "ObjectId")]
    pub object_id: String,
    #[serde(rename = "OptIn")]
    pub opt_in: Option<bool>,
}

/// Get-CsCallQueue as the schema documents it (input).
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct CallQueueInput {
    #[serde(rename = "Identity")]
    pub identity: String,
    #[serde(rename = "Name")]
    pub name: Option<String>,
    /// Every agent, those of its distribution lists and channel included (Agents or Users is
    /// required)
    #[serde(rename = "Agents")]
    pub agents: Option<Vec<CallQueueAgentInput>>,
    /// Agents named one by one (object ids)
    #[serde(rename = "Users")]
    pub users: Option<Vec<String>>,
    #[serde(rename = "DistributionLists")]
    pub distribution_lists: Option<Vec<String>>,
    #[serde(rename = "ChannelId")]
    pub channel_id: Option<String>,
    /// True: the service capped Agents, so some agents are not listed
    #[serde(rename = "AgentsCapped")]
    pub agents_capped: Option<bool>,
    /// False: Agents lags behind the distribution lists' members
    #[serde(rename = "AgentsInSyncWithDistributionLists")]
    pub agents_in_sync_with_distribution_lists: Option<bool>,
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

/// One licence of a user (Microsoft Graph assignedLicense), as the schema documents it.
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct AssignedLicenseInput {
    /// The SKU's id (a GUID), as Get-MgSubscribedSku's SkuId
    #[serde(rename = "SkuId")]
    pub sku_id: Option<String>,
    /// The SKU's part number (SPE_E5, MCOEV), when the export has it
    #[serde(rename = "SkuPartNumber")]
    pub sku_part_number: Option<String>,
    /// The servicePlanIds of the SKU's plans turned off for this user: a SKU gives none of them
    #[serde(rename = "DisabledPlans")]
    pub disabled_plans: Option<Vec<String>>,
}

/// The users' licences `teams assignments` (and `uc count`) read, as the schema documents them
/// (input): Get-MgUser -Property UserPrincipalName,AssignedLicenses, or one row per user and
/// SKU with SkuId and/or SkuPartNumber.
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct UserLicensesInput {
    #[serde(rename = "UserPrincipalName")]
    pub user_principal_name: String,
    /// Microsoft Graph assignedLicenses (`{SkuId, DisabledPlans}` each; a bare SKU id is read
    /// as one)
    #[serde(rename = "AssignedLicenses")]
    pub assigned_licenses: Option<Vec<AssignedLicenseInput>>,
    /// One row per user and SKU: the SKU's id
    #[serde(rename = "SkuId")]
    pub sku_id: Option<String>,
    /// One row per user and SKU: the SKU's part number
    #[serde(rename = "SkuPartNumber")]
    pub sku_part_number: Option<String>,
}

/// One plan of a SKU (Microsoft Graph servicePlanInfo), as the schema documents it.
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct ServicePlanInfoInput {
    /// A GUID; matched to AssignedPlan's ServicePlanId
    #[serde(rename = "ServicePlanId")]
    pub service_plan_id: Option<String>,
    /// MCOEV, TEAMS1, ...: matched to AssignedPlan's Capability, case-insensitively (ServicePlanId
    /// or ServicePlanName is required)
    #[serde(rename = "ServicePlanName")]
    pub service_plan_name: Option<String>,
    /// `User` or `Company`; a `Company` plan (the whole tenant's) does not make a user's SKU a
    /// suite
    #[serde(rename = "AppliesTo")]
    pub applies_to: Option<String>,
    #[serde(rename = "ProvisioningStatus")]
    pub provisioning_status: Option<String>,
}

/// The tenant's SKUs `teams assignments` reads, as the schema documents them (input):
/// Get-MgSubscribedSku, or one row per SKU and plan (SkuId, SkuPartNumber, ServicePlanId,
/// ServicePlanName).
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
pub struct SubscribedSkuInput {
    /// A GUID (SkuId or SkuPartNumber is required)
    #[serde(rename = "SkuId")]
    pub sku_id: Option<String>,
    /// SPE_E5, MCOEV, ...
    #[serde(rename = "SkuPartNumber")]
    pub sku_part_number: Option<String>,
    /// Every plan the SKU holds (required, unless the row names one plan with ServicePlanId /
    /// ServicePlanName)
    #[serde(rename = "ServicePlans")]
    pub service_plans: Option<Vec<ServicePlanInfoInput>>,
    /// One row per SKU and plan: the plan's id
    #[serde(rename = "ServicePlanId")]
    pub service_plan_id: Option<String>,
    /// One row per SKU and plan: the plan's name
    #[serde(rename = "ServicePlanName")]
    pub service_plan_name: Option<String>,
}

/// One price list row.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanPrice {
    pub plan: String,
    pub monthly_price: f64,
}

/// The highest monthly price a plan may have (a million a month): its product with any count of
/// users and the sum over plans stay far inside a number's range.
pub const MAX_MONTHLY_PRICE: f64 = 1_000_000.0;

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
        // 1e308 times two users is beyond a number's range: the waste would be written as null,
        // which reads as "not priced". No plan costs more than this a month.
        if price > MAX_MONTHLY_PRICE {
            return Err(r.error(
                "MonthlyPrice",
                format!(
                    "'{t}' is beyond any plan's price (at most {MAX_MONTHLY_PRICE:.0} a month): multiplied by the users it would be beyond a number's range"
                ),
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

    fn rec_of(file: &str, props: Vec<(&str, PsValue)>) -> Record {
        let mut obj = PsObject::default();
        for (k, v) in props {
            obj.insert(k.to_string(), v);
        }
        Record::new(Arc::from(file), 4, obj)
    }

    fn s(x: &str) -> PsValue {
        PsValue::Str(x.into())
    }

    fn list(items: &[&str]) -> PsValue {
        PsValue::list(items.iter().map(|x| s(x)).collect())
    }

    #[test]
    fn catch_all_patterns_are_exactly_the_documented_forms() {
        for p in [
            ".*", ".+", "^.*$", "^.+$", "^.*", ".*$", "(.*)", "^(.*)$", "(?:.+)", "(^.*$)", " .* ",
            "^((.*))$",
        ] {
            assert!(catch_all_pattern(p), "{p}");
        }
        for p in [
            r"\d+",
            r"^\d+$",
            r"^\+1(\d{10})$",
            r"^\+1(425|206)(\d{7})$",
            ".",
            "",
            "^$",
            r".*\$",
            "(.*)(.*)",
            "(?i).*",
            ".*|x",
            "*",
        ] {
            assert!(!catch_all_pattern(p), "{p}");
        }
    }

    #[test]
    fn voice_routing_exports_name_the_record_and_property_they_lack() {
        let p = VoiceRoutingPolicy::read(&rec_of(
            "policies.json",
            vec![
                ("Identity", s("Tag:US-Local")),
                ("OnlinePstnUsages", list(&["Local"])),
            ],
        ))
        .unwrap();
        assert_eq!(p.identity, "US-Local");
        assert_eq!(p.usages, ["Local"]);
        // Null usages: none.
        let p = VoiceRoutingPolicy::read(&rec_of(
            "policies.json",
            vec![
                ("Identity", s("Global")),
                ("OnlinePstnUsages", PsValue::Null),
            ],
        ))
        .unwrap();
        assert!(p.usages.is_empty());
        // Left out: an error naming file, record and property, never read as "none".
        let e = VoiceRoutingPolicy::read(&rec_of("policies.json", vec![("Identity", s("Global"))]))
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("OnlinePstnUsages"));
        assert_eq!(e.record, Some(4));
        assert!(
            e.message.contains("Get-CsOnlineVoiceRoutingPolicy"),
            "{}",
            e.message
        );
        // Flattened by Export-Csv: the whole file lost it.
        let e = VoiceRoute::read(&rec_of(
            "routes.csv",
            vec![
                ("Identity", s("Redmond")),
                ("NumberPattern", s(".*")),
                (
                    "OnlinePstnUsages",
                    PsValue::Flattened("System.Object[]".into()),
                ),
                ("OnlinePstnGatewayList", list(&["sbc1.contoso.com"])),
            ],
        ))
        .unwrap_err();
        assert!(e.fatal && e.field.as_deref() == Some("OnlinePstnUsages"));
        let e = VoiceRoute::read(&rec_of(
            "routes.json",
            vec![
                ("Identity", s("Redmond")),
                ("OnlinePstnUsages", list(&["Local"])),
                ("OnlinePstnGatewayList", list(&["sbc1.contoso.com"])),
            ],
        ))
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("NumberPattern"));
        let r = VoiceRoute::read(&rec_of(
            "routes.json",
            vec![
                ("Identity", s("All")),
                ("NumberPattern", s("^.*$")),
                ("OnlinePstnUsages", list(&["International"])),
                ("OnlinePstnGatewayList", list(&["sbc1.contoso.com"])),
                ("Priority", PsValue::Int(4)),
            ],
        ))
        .unwrap();
        assert!(r.routes_everything());
        assert_eq!(r.priority, Some(4));
        let e = SharedCallingPolicy::read(&rec_of("shared.json", vec![("Identity", s("Global"))]))
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("ResourceAccount"));
    }

    #[test]
    fn call_queue_agents_as_objects_or_ids_and_what_makes_them_incomplete() {
        let mut agent = PsObject::default();
        agent.insert("ObjectId", s("{6F1C1E2A-0000-4000-8000-000000000005}"));
        agent.insert("OptIn", PsValue::Bool(true));
        let q = CallQueue::read(&rec_of(
            "queues.json",
            vec![
                ("Identity", s("q1")),
                ("Name", s("Support")),
                ("Agents", PsValue::list(vec![PsValue::object(agent)])),
                ("Users", list(&["6f1c1e2a-0000-4000-8000-000000000006"])),
                ("AgentsCapped", PsValue::Bool(false)),
            ],
        ))
        .unwrap();
        assert_eq!(
            q.agent_ids().cloned().collect::<Vec<_>>(),
            [
                "6f1c1e2a-0000-4000-8000-000000000005",
                "6f1c1e2a-0000-4000-8000-000000000006"
            ]
        );
        assert_eq!(q.incomplete(), None);
        // An agent written as its type name (ConvertTo-Json too shallow) names the fix.
        let e = CallQueue::read(&rec_of(
            "queues.json",
            vec![
                ("Identity", s("q1")),
                (
                    "Agents",
                    PsValue::list(vec![PsValue::object(PsObject::default())]),
                ),
            ],
        ))
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("Agents"));
        assert!(e.message.contains("-Depth 5"), "{}", e.message);
        // Neither Agents nor Users: the agents are unknown, an error.
        let e = CallQueue::read(&rec_of("queues.json", vec![("Identity", s("q1"))])).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("Agents"));
        // Users only, but a distribution list answers too: incomplete.
        let q = CallQueue::read(&rec_of(
            "queues.json",
            vec![
                ("Identity", s("q1")),
                ("Users", list(&[])),
                ("DistributionLists", list(&["group-1"])),
            ],
        ))
        .unwrap();
        assert!(q.incomplete().is_some());
        let q = CallQueue::read(&rec_of(
            "queues.json",
            vec![
                ("Identity", s("q1")),
                ("Agents", list(&[])),
                ("AgentsInSyncWithDistributionLists", PsValue::Bool(false)),
            ],
        ))
        .unwrap();
        assert_eq!(
            q.incomplete(),
            Some("AgentsInSyncWithDistributionLists is False")
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
        // Its product with two users would be infinite (written as null, "not priced").
        let e =
            PlanPrice::read(&rec(vec![("Plan", "MCOEV"), ("MonthlyPrice", "1e308")])).unwrap_err();
        assert_eq!(
            (e.record, e.field.as_deref()),
            (Some(2), Some("MonthlyPrice"))
        );
        assert!(e.message.contains("beyond any plan's price"), "{e}");
        assert!(
            PlanPrice::read(&rec(vec![("Plan", "MCOEV"), ("MonthlyPrice", "1000000")])).is_ok()
        );
    }
}
