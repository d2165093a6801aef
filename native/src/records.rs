//! The schema registry: every record type the binary reads or writes.

pub use crate::model::record::*;
use schemars::JsonSchema;

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
