//! Which record goes on which worksheet, in which column order, and which fields a record must
//! have to be taken as one this version writes. Records are read by field name only: this folder
//! never imports another audit's types.

use serde_json::{Map, Value};

/// Where a record of a known kind goes.
pub struct Source {
    /// The RecordType (or, for exports without one, the cmdlet that made them)
    pub record_type: &'static str,
    /// What the Source column says on a sheet that holds several kinds
    pub label: &'static str,
    /// Fields a record must have; without one it was written by another version (or another
    /// tool) and is kept out with a warning
    pub required: &'static [&'static str],
}

/// One detail worksheet: an Excel table per sheet, one row per record.
pub struct SheetSpec {
    pub name: &'static str,
    /// The Excel table's name (letters only)
    pub table: &'static str,
    pub sources: &'static [Source],
    /// Columns in this order first; other fields follow in the order first seen
    pub columns: &'static [&'static str],
}

impl SheetSpec {
    /// Several kinds of record share the sheet: a Source column tells them apart.
    pub fn is_union(&self) -> bool {
        self.sources.len() > 1
    }
}

const TIERS: &[&str] = &["Standard", "Enterprise", "Plus"];

/// The detail sheets, in workbook order (Overview and Report Details come first).
pub const SHEETS: &[SheetSpec] = &[
    SheetSpec {
        name: "User Details",
        table: "UserDetails",
        sources: &[
            Source {
                record_type: "LyncUserCal",
                label: "Configured",
                required: &["SipAddress", "Standard", "Plus"],
            },
            Source {
                record_type: "LyncUserUsage",
                label: "Used",
                required: &["SipAddress", "Standard", "Enterprise", "Plus"],
            },
        ],
        columns: &[
            "Source",
            "SipAddress",
            "DisplayName",
            "Standard",
            "Enterprise",
            "EnterpriseUnderOtherRules",
            "Plus",
            "LastActivity",
            "ConferencingPolicy",
            "ConferencingPolicySource",
            "VoicePolicy",
            "RegistrarPool",
            "Site",
            "Rules",
            "OtherRules",
        ],
    },
    SheetSpec {
        name: "Device Details",
        table: "DeviceDetails",
        sources: &[
            Source {
                record_type: "LyncUserCal",
                label: "Configured",
                required: &["SipAddress", "Kind", "Standard", "Plus"],
            },
            Source {
                record_type: "LyncDeviceUsage",
                label: "Used",
                required: &["Device", "DeviceKind", "Standard", "Enterprise", "Plus"],
            },
        ],
        columns: &[
            "Source",
            "Device",
            "DeviceKind",
            "Kind",
            "SipAddress",
            "DisplayName",
            "Standard",
            "Enterprise",
            "Plus",
            "ClientVersion",
            "LastActivity",
            "Registrations",
        ],
    },
    SheetSpec {
        name: "Server Details",
        table: "ServerDetails",
        sources: &[
            Source {
                record_type: "Get-CsPool",
                label: "Get-CsPool",
                required: &["Fqdn"],
            },
            Source {
                record_type: "Get-UalSystemId",
                label: "Get-UalSystemId",
                required: &[],
            },
            Source {
                record_type: "LyncUsageCoverage",
                label: "Monitoring database",
                required: &["Server"],
            },
        ],
        columns: &[
            "Source",
            "Identity",
            "Fqdn",
            "SystemDNSHostName",
            "Server",
            "Site",
            "Services",
            "Computers",
            "OSMajor",
            "OSMinor",
            "OSBuildNumber",
            "PhysicalProcessorCount",
            "CoresPerPhysicalProcessor",
        ],
    },
    SheetSpec {
        name: "Policies",
        table: "Policies",
        sources: &[Source {
            record_type: "LyncPolicyAudit",
            label: "",
            required: &["Identity", "ImpliedCal"],
        }],
        columns: &[
            "Identity",
            "Scope",
            "ImpliedCal",
            "EnterpriseFeatures",
            "AssignedUsers",
            "Findings",
        ],
    },
    SheetSpec {
        name: "Policy Changes",
        table: "PolicyChanges",
        sources: &[Source {
            record_type: "LyncPolicyChange",
            label: "",
            required: &["SipAddress", "Action"],
        }],
        columns: &[
            "SipAddress",
            "Identity",
            "LicensedTier",
            "CurrentPolicy",
            "TargetPolicy",
            "Action",
            "Reason",
        ],
    },
    SheetSpec {
        name: "Policy Templates",
        table: "PolicyTemplates",
        sources: &[Source {
            record_type: "LyncPolicyTemplate",
            label: "",
            required: &["Identity"],
        }],
        columns: &["Identity"],
    },
    SheetSpec {
        name: "Lync CALs",
        table: "LyncCALs",
        sources: &[Source {
            record_type: "LyncCalPosition",
            label: "",
            required: &["Tier", "Required", "Owned", "Shortfall"],
        }],
        columns: &[
            "Tier",
            "Rules",
            "Required",
            "Users",
            "Devices",
            "Owned",
            "Shortfall",
            "Surplus",
            "Undetermined",
            "OtherRules",
            "RequiredUnderOtherRules",
            "ShortfallUnderOtherRules",
            "OwnedFrom",
            "Basis",
        ],
    },
    SheetSpec {
        name: "Server CALs",
        table: "ServerCALs",
        sources: &[Source {
            record_type: "CalCompliance",
            label: "",
            required: &["Product", "CalType", "Required", "Shortfall"],
        }],
        columns: &[
            "Product",
            "CalType",
            "Version",
            "Required",
            "Owned",
            "Covered",
            "AssumedCovered",
            "Shortfall",
            "Servers",
            "EvidenceComplete",
            "ServersWithoutEvidence",
            "DrawnFrom",
            "Basis",
            "Assumption",
            "Suggestion",
        ],
    },
    SheetSpec {
        name: "CAL Consumption",
        table: "CALConsumption",
        sources: &[Source {
            record_type: "CalConsumption",
            label: "",
            required: &["Product", "CalType", "Principal"],
        }],
        columns: &[
            "Product",
            "CalType",
            "Version",
            "Principal",
            "Servers",
            "FirstSeen",
            "LastSeen",
            "License",
            "Covered",
        ],
    },
    SheetSpec {
        name: "CAL Licences",
        table: "CALLicences",
        sources: &[Source {
            record_type: "CalLicenseUse",
            label: "",
            required: &["License", "Quantity", "Used"],
        }],
        columns: &[
            "License",
            "Product",
            "Version",
            "CalType",
            "Quantity",
            "Used",
            "Remaining",
        ],
    },
    SheetSpec {
        name: "Unrecognized Evidence",
        table: "UnrecognizedEvidence",
        sources: &[Source {
            record_type: "UnrecognizedEvidence",
            label: "",
            required: &["Server"],
        }],
        columns: &[
            "Server",
            "Source",
            "RoleGuid",
            "RoleName",
            "ProductName",
            "Rows",
        ],
    },
    SheetSpec {
        name: "UAL Evidence",
        table: "UALEvidence",
        sources: &[Source {
            record_type: "UalEvidence",
            label: "",
            required: &["Server", "Principal"],
        }],
        columns: &[
            "Server",
            "Source",
            "Products",
            "PrincipalType",
            "Principal",
            "FirstSeen",
            "LastSeen",
            "Status",
            "Reason",
        ],
    },
    SheetSpec {
        name: "UC Totals",
        table: "UCTotals",
        sources: &[Source {
            record_type: "UcLicenseTotal",
            label: "",
            required: &["UserLicenses"],
        }],
        columns: &[
            "Provider",
            "Reseller",
            "Customer",
            "CustomerPkid",
            "UserLicenses",
            "CiscoMsIntegratedServices",
            "StandaloneDevices",
            "MeetingRooms",
            "PhoneServers",
            "Sites",
        ],
    },
    SheetSpec {
        name: "UC Users",
        table: "UCUsers",
        sources: &[Source {
            record_type: "UcUserLicense",
            label: "",
            required: &["Username"],
        }],
        columns: &[
            "Username",
            "Email",
            "CustomerPkid",
            "Licenses",
            "LinkedServices",
            "PhoneCount",
            "MoreThanTenPhones",
        ],
    },
    SheetSpec {
        name: "UC Devices",
        table: "UCDevices",
        sources: &[Source {
            record_type: "UcDevice",
            label: "",
            required: &[],
        }],
        columns: &[],
    },
    SheetSpec {
        name: "UC Meeting Rooms",
        table: "UCMeetingRooms",
        sources: &[Source {
            record_type: "UcMeetingRoom",
            label: "",
            required: &[],
        }],
        columns: &[],
    },
    SheetSpec {
        name: "Teams Assignments",
        table: "TeamsAssignments",
        sources: &[Source {
            record_type: "TeamsAssignmentFinding",
            label: "",
            required: &["UserPrincipalName", "Code", "Severity"],
        }],
        columns: &[
            "UserPrincipalName",
            "DisplayName",
            "AccountType",
            "Severity",
            "Code",
            "Plans",
            "ReclaimablePlans",
            "ReclaimableVia",
            "Message",
            "Evidence",
            "Source",
        ],
    },
    SheetSpec {
        name: "Right-sizing",
        table: "RightSizing",
        sources: &[Source {
            record_type: "LyncCalRightSizing",
            label: "",
            required: &["SipAddress", "Configured", "Used", "Recommendation"],
        }],
        columns: &[
            "SipAddress",
            "DisplayName",
            "Configured",
            "Used",
            "Licensed",
            "Recommendation",
            "Tier",
            "KeepPlus",
            "Confidence",
            "WindowDays",
            "ConferencingPolicy",
            "TargetPolicy",
            "YearlySaving",
            "YearlyExposure",
            "Reason",
            "Changes",
            "Evidence",
        ],
    },
    SheetSpec {
        name: "History",
        table: "History",
        sources: &[Source {
            record_type: "LicenseAuditTrend",
            label: "",
            required: &["Command", "Metric", "Value"],
        }],
        columns: &[
            "Command",
            "Metric",
            "AsOf",
            "Value",
            "Previous",
            "Change",
            "ChangePercent",
            "Alert",
        ],
    },
    SheetSpec {
        name: "Inputs",
        table: "Inputs",
        sources: &[Source {
            record_type: "InputInspection",
            label: "",
            required: &["File"],
        }],
        columns: &["File"],
    },
];

/// Record types that feed the Overview and Report Details rather than a table of their own.
pub const SUMMARY_TYPES: &[(&str, &[&str])] = &[
    (
        "LyncCalSummary",
        &["Total", "Standard", "Enterprise", "Plus"],
    ),
    ("UalEvidenceSummary", &["Rows", "Counted"]),
    (
        "LyncCalRightSizingSummary",
        &["Users", "Downgrade", "Exposure"],
    ),
    (
        "TeamsAssignmentSummary",
        &["Findings", "Waste", "Broken", "Risk", "Plans"],
    ),
];

/// What a record is, and where it goes.
pub enum Placement {
    /// A detail sheet (index into [`SHEETS`]) and the source within it
    Sheet { sheet: usize, source: usize },
    /// A summary record for the Overview / Report Details
    Summary,
    /// Kept out: a known type lacking fields this version writes
    OtherVersion { missing: Vec<String> },
    /// Kept out: a type this version does not know
    Unknown,
}

/// The record type a row is: its RecordType, or for the exports the Server Details sheet takes
/// (which have none) the cmdlet that produced them.
pub fn kind_of(obj: &Map<String, Value>) -> Option<String> {
    let get = |name: &str| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    };
    if let Some(t) = get("RecordType").and_then(Value::as_str) {
        return Some(t.to_string());
    }
    if get("Fqdn").is_some()
        && (get("Site").is_some() || get("Services").is_some() || get("Computers").is_some())
    {
        return Some("Get-CsPool".into());
    }
    if get("SystemDNSHostName").is_some()
        || (get("OSMajor").is_some() && get("OSBuildNumber").is_some())
    {
        return Some("Get-UalSystemId".into());
    }
    None
}

fn has(obj: &Map<String, Value>, field: &str) -> bool {
    obj.keys().any(|k| k.eq_ignore_ascii_case(field))
}

/// Where a record of this kind goes; `obj` decides between users and devices for LyncUserCal.
pub fn place(kind: &str, obj: &Map<String, Value>) -> Placement {
    if let Some((_, required)) = SUMMARY_TYPES
        .iter()
        .find(|(t, _)| t.eq_ignore_ascii_case(kind))
    {
        let missing: Vec<String> = required
            .iter()
            .filter(|f| !has(obj, f))
            .map(|f| f.to_string())
            .collect();
        return if missing.is_empty() {
            Placement::Summary
        } else {
            Placement::OtherVersion { missing }
        };
    }
    let is_device = kind.eq_ignore_ascii_case("LyncUserCal")
        && obj
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Kind"))
            .and_then(|(_, v)| v.as_str())
            .is_some_and(|k| !k.eq_ignore_ascii_case("User"));
    for (si, sheet) in SHEETS.iter().enumerate() {
        if kind.eq_ignore_ascii_case("LyncUserCal") && (sheet.name == "Device Details") != is_device
        {
            continue;
        }
        if let Some(source) = sheet
            .sources
            .iter()
            .position(|s| s.record_type.eq_ignore_ascii_case(kind))
        {
            let missing: Vec<String> = sheet.sources[source]
                .required
                .iter()
                .filter(|f| !has(obj, f))
                .map(|f| f.to_string())
                .collect();
            return if missing.is_empty() {
                Placement::Sheet { sheet: si, source }
            } else {
                Placement::OtherVersion { missing }
            };
        }
    }
    Placement::Unknown
}

/// Columns whose null means "undecided" rather than "nothing".
pub fn is_tier_column(column: &str) -> bool {
    TIERS.contains(&column)
}
