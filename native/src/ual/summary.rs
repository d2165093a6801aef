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
