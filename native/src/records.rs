//! What every output record shares, and the registry behind `schema`.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// An output record. `RECORD_TYPE` is written as the first field of every record, and is what
/// the PowerShell module turns into the PSTypeName `LicenseAudit.<RecordType>`.
pub trait OutputRecord: Serialize + JsonSchema {
    const RECORD_TYPE: &'static str;
    /// The columns `--format table` shows (the full record goes to json/ndjson/csv).
    const TABLE_COLUMNS: &'static [&'static str];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    Input,
    Output,
}

pub struct SchemaEntry {
    pub name: &'static str,
    pub kind: SchemaKind,
    pub description: &'static str,
    pub schema: fn() -> Value,
}

/// JSON Schema (draft 2020-12) of an output record, with its `RecordType` constant added.
pub fn output_schema<R: OutputRecord>() -> Value {
    let mut v = serde_json::to_value(schemars::schema_for!(R)).expect("schema serialises");
    if let Some(obj) = v.as_object_mut() {
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            let mut with_type = serde_json::Map::new();
            with_type.insert(
                "RecordType".into(),
                serde_json::json!({"const": R::RECORD_TYPE, "description": "The record's type; PowerShell PSTypeName LicenseAudit.<RecordType>"}),
            );
            with_type.extend(std::mem::take(props));
            *props = with_type;
        }
        if let Some(Value::Array(req)) = obj.get_mut("required") {
            req.insert(0, Value::String("RecordType".into()));
        }
    }
    v
}

pub fn input_schema<T: JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).expect("schema serialises")
}

/// Every record type the binary reads or writes. Add new ones here.
pub fn registry() -> Vec<SchemaEntry> {
    use crate::lync::{entitlement, inputs, plan, policies, template};
    use crate::ual::records as ual;
    fn output<R: OutputRecord>(description: &'static str) -> SchemaEntry {
        SchemaEntry {
            name: R::RECORD_TYPE,
            kind: SchemaKind::Output,
            description,
            schema: output_schema::<R>,
        }
    }
    fn input<T: JsonSchema>(name: &'static str, description: &'static str) -> SchemaEntry {
        SchemaEntry {
            name,
            kind: SchemaKind::Input,
            description,
            schema: input_schema::<T>,
        }
    }
    let mut all = vec![
        output::<crate::inspect::InputInspection>("What `inspect` detected in an input file"),
        output::<entitlement::LyncUserCal>(
            "CALs one Lync/SfB user or device is configured to need, with reasons",
        ),
        output::<entitlement::LyncCalSummary>(
            "Counts per tier, kind and combination (`lync entitlement --summary`)",
        ),
        output::<policies::LyncPolicyAudit>("One conferencing policy audited (`lync policies`)"),
        output::<plan::LyncPolicyChange>("One user's conferencing-policy change (`lync plan`)"),
        output::<template::LyncPolicyTemplate>(
            "A conferencing policy of the CAL scheme (`lync template`)",
        ),
        input::<inputs::CsUserInput>("CsUser", "Get-CsUser output"),
        input::<inputs::CsConferencingPolicyInput>(
            "CsConferencingPolicy",
            "Get-CsConferencingPolicy output",
        ),
        input::<inputs::CsVoicePolicyInput>("CsVoicePolicy", "Get-CsVoicePolicy output"),
        input::<inputs::CsPoolInput>("CsPool", "Get-CsPool output"),
        input::<inputs::CsDeviceInput>(
            "CsDevice",
            "Get-CsCommonAreaPhone / Get-CsAnalogDevice / Get-CsMeetingRoom output",
        ),
        input::<inputs::CsRgsAgentGroupInput>("CsRgsAgentGroup", "Get-CsRgsAgentGroup output"),
        input::<plan::LicensedUserInput>("LicensedUser", "`lync plan --licensed` rows"),
        output::<ual::UalEvidence>(
            "One UAL evidence row, normalised (`ual compliance --emit-evidence`)",
        ),
        output::<ual::UnrecognizedEvidence>("Evidence no known product matched, kept and reported"),
        output::<ual::CalConsumption>(
            "One CAL consumed: a principal and product family, or an External Connector",
        ),
        output::<ual::CalCompliance>(
            "Required, owned, covered and short per product, CAL type and version",
        ),
        output::<ual::CalLicenseUse>("How much of one licence row was used"),
        output::<ual::UalEvidenceSummary>("What the evidence held and what was excluded, and why"),
        input::<crate::ual::licenses::LicenseInput>(
            "CalLicense",
            "`ual compliance --licenses` rows",
        ),
        input::<crate::ual::compliance::UalPrincipalInput>(
            "UalPrincipal",
            "`ual compliance --principals` rows",
        ),
    ];
    all.sort_by_key(|e| e.name);
    all
}
