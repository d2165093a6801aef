//! What the evidence held (the UalEvidenceSummary record) and the line under the tables.

use super::engine::Engine;
use super::evidence::GapInfo;
use super::records::{EvidenceGap, ExclusionCount, UalEvidenceSummary};
use chrono::{DateTime, Utc};

pub fn summary(engine: &Engine, as_of: DateTime<Utc>, gaps: &[GapInfo]) -> UalEvidenceSummary {
    let agg = &engine.agg;
    UalEvidenceSummary {
        mode: engine.settings.mode,
        window_start: engine.settings.window_start,
        as_of,
        rows: agg.rows,
        counted: agg.counted,
        external: agg.external_count,
        unrecognized_rows: agg.unrecognized_rows,
        overview_rows: agg.overview_rows,
        excluded: agg
            .excluded
            .iter()
            .map(|(r, c)| ExclusionCount {
                reason: r.to_string(),
                count: *c,
            })
            .collect(),
        ipv6_device_addresses: agg.ipv6.len() as u64,
        servers: engine.servers.names.iter().map(|n| n.to_string()).collect(),
        evidence_complete: gaps.is_empty(),
        servers_without_evidence: gaps.iter().map(|g| g.computer_name.clone()).collect(),
        evidence_gaps: gaps
            .iter()
            .map(|g| EvidenceGap {
                computer_name: g.computer_name.clone(),
                query: g.query.clone(),
                reason: g.reason.clone(),
            })
            .collect(),
        incomplete_inputs: Vec::new(),
    }
}

/// The line under a table: which servers gave no evidence. (The positions are the CalCompliance
/// table itself, AssumedCovered included: printed once.)
pub fn footer(missing: &[String]) -> Vec<String> {
    if missing.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "evidence incomplete: no evidence from {}",
        missing.join(", ")
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ual::engine::examples::{add, context, engine};
    use crate::ual::roles::Family;
    use crate::ual::settings::examples::{self, day};

    #[test]
    fn the_summary_counts_rows_as_the_engine_saw_them() {
        let settings = examples::settings();
        let mut engine = engine(&settings);
        let fs = context("FS01", &[(Family::WindowsServer, None)]);
        let mbx = context("MBX01", &[(Family::Exchange, None)]);
        let mut overview = context("FS01", &[(Family::WindowsServer, None)]);
        overview.source = "Get-UalOverview";
        add(
            &mut engine,
            &fs,
            Some("contoso\\peter"),
            Some("pc01"),
            day(10, 1),
        );
        add(&mut engine, &fs, Some("contoso\\admin"), None, day(10, 1));
        add(&mut engine, &fs, None, Some("fe80::1"), day(10, 1));
        add(
            &mut engine,
            &mbx,
            Some("eve@fabrikam.com"),
            None,
            day(10, 1),
        );
        add(&mut engine, &overview, None, None, day(10, 1));
        let gaps = [GapInfo {
            computer_name: "RDS01".into(),
            query: Some("New-CimSession".into()),
            reason: None,
        }];
        let s = summary(&engine, day(11, 1), &gaps);
        assert_eq!(
            (s.rows, s.counted, s.external, s.overview_rows),
            (5, 1, 1, 1),
            "a user and a device on one row are one counted row"
        );
        let excluded: Vec<(&str, u64)> = s
            .excluded
            .iter()
            .map(|e| (e.reason.as_str(), e.count))
            .collect();
        assert_eq!(excluded, vec![("AdminAccount", 1), ("Ipv6Device", 1)]);
        assert_eq!(s.ipv6_device_addresses, 1);
        assert_eq!(s.servers, vec!["FS01".to_string(), "MBX01".to_string()]);
        assert!(!s.evidence_complete);
        assert_eq!(s.servers_without_evidence, vec!["RDS01".to_string()]);
        assert_eq!(s.evidence_gaps[0].query.as_deref(), Some("New-CimSession"));
        assert_eq!(s.window_start, Some(day(9, 1)));
    }

    #[test]
    fn the_footer_names_the_servers_without_evidence_if_any() {
        assert!(footer(&[]).is_empty());
        assert_eq!(
            footer(&["RDS01".into(), "SQL02".into()]),
            vec!["evidence incomplete: no evidence from RDS01, SQL02".to_string()]
        );
    }
}
