//! How well each signature points at real failures, from the history: per signature, the
//! runs it fired in, its events, and the tests it fired on that passed and that failed
//! (precision = failed / (passed + failed)); and the signatures of the catalogue that never
//! fired in the window. A team prunes or tightens its own `--rules` with it. Only runs
//! recorded with signature data (schema version 3 and up) count. It does not change the
//! signature set ([`crate::parse::signatures`]) nor print the numbers
//! ([`crate::report::signals`]).

use crate::history::RunRecord;
use serde::Serialize;
use std::collections::BTreeMap;

/// Signatures over the window.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SignatureTrend {
    /// Runs of the window recorded with signature data.
    pub runs_with_data: usize,
    /// Signatures that fired, least precise first.
    pub fired: Vec<SignatureStat>,
    /// Signatures of the catalogue (built-in and `--rules`) that never fired in those runs.
    pub never_fired: Vec<String>,
}

/// One signature over the window.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureStat {
    /// Signature id.
    pub id: String,
    /// Runs it fired in.
    pub runs: usize,
    /// Events it recognised.
    pub events: u64,
    /// Tests it fired on that passed, summed over runs.
    pub passed_tests: u64,
    /// Tests it fired on that failed, summed over runs.
    pub failed_tests: u64,
    /// failed / (passed + failed); null when it fired on no test (session lines only).
    pub precision: Option<f64>,
}

/// The signature block of a trend.
pub fn signature_trend(runs: &[RunRecord], catalogue: &[String]) -> SignatureTrend {
    let with_data: Vec<&RunRecord> = runs.iter().filter(|r| r.recorded_schema >= 3).collect();
    let mut by_id: BTreeMap<&str, SignatureStat> = BTreeMap::new();
    for run in &with_data {
        for s in &run.signatures {
            let stat = by_id.entry(&s.signature).or_insert_with(|| SignatureStat {
                id: s.signature.clone(),
                runs: 0,
                events: 0,
                passed_tests: 0,
                failed_tests: 0,
                precision: None,
            });
            stat.runs += 1;
            stat.events += s.events;
            stat.passed_tests += s.passed_tests;
            stat.failed_tests += s.failed_tests;
        }
    }
    let never_fired = if with_data.is_empty() {
        Vec::new()
    } else {
        let mut ids: Vec<String> = catalogue
            .iter()
            .filter(|id| !by_id.contains_key(id.as_str()))
            .cloned()
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let mut fired: Vec<SignatureStat> = by_id
        .into_values()
        .map(|mut s| {
            let tests = s.passed_tests + s.failed_tests;
            s.precision = (tests > 0)
                .then(|| (s.failed_tests as f64 / tests as f64 * 10_000.0).round() / 10_000.0);
            s
        })
        .collect();
    fired.sort_by(|a, b| {
        let key = |s: &SignatureStat| s.precision.unwrap_or(f64::INFINITY);
        key(a).total_cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
    });
    SignatureTrend {
        runs_with_data: with_data.len(),
        fired,
        never_fired,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::record::SignatureRecord;

    fn run(schema: i64, sigs: &[(&str, u64, u64)]) -> RunRecord {
        RunRecord {
            recorded_schema: schema,
            signatures: sigs
                .iter()
                .map(|(id, passed, failed)| SignatureRecord {
                    signature: id.to_string(),
                    events: passed + failed,
                    passed_tests: *passed,
                    failed_tests: *failed,
                })
                .collect(),
            ..RunRecord::default()
        }
    }

    #[test]
    fn precision_per_signature_and_the_ones_that_never_fired() {
        let runs = vec![
            run(3, &[("noisy", 3, 1), ("sharp", 0, 2)]),
            run(3, &[("noisy", 1, 0)]),
            run(2, &[("old", 5, 0)]), // recorded before signature data: not counted
        ];
        let catalogue = ["noisy", "sharp", "quiet", "old"].map(String::from);
        let t = signature_trend(&runs, &catalogue);
        assert_eq!(t.runs_with_data, 2);
        let ids: Vec<&str> = t.fired.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["noisy", "sharp"], "least precise first");
        assert_eq!((t.fired[0].runs, t.fired[0].passed_tests), (2, 4));
        assert_eq!(t.fired[0].precision, Some(0.2));
        assert_eq!(t.fired[1].precision, Some(1.0));
        assert_eq!(t.never_fired, ["old", "quiet"]);
        assert!(
            signature_trend(&runs[2..], &catalogue)
                .never_fired
                .is_empty()
        );
    }
}
