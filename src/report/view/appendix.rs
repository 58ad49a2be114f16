//! The Appendix of the report view: one row per finding (fingerprint, events, tests, first
//! lines) and the warnings raised while reading the inputs.
//!
//! It does not make findings or warnings: both come from the analysis and are only escaped
//! here.

use crate::report::Report;

/// A row of the report.
pub struct FindingRow {
    pub id: String,
    pub fingerprint: String,
    pub events: u64,
    pub tests: usize,
    pub lines: String,
}

/// One row per finding, with its first five line numbers.
pub(super) fn finding_rows(a: &Report, cell_span: fn(&str) -> String) -> Vec<FindingRow> {
    a.diagnosis
        .rca
        .findings
        .iter()
        .map(|f| FindingRow {
            id: f.id.clone(),
            fingerprint: cell_span(&f.fingerprint),
            events: f.events,
            tests: f.tests.len(),
            lines: f
                .locations
                .iter()
                .take(5)
                .map(|l| format!("L{}", l.line))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect()
}

/// The warnings raised while reading, escaped.
pub(super) fn warnings(a: &Report, esc: fn(&str) -> String) -> Vec<String> {
    a.facts.warnings.iter().map(|w| esc(w)).collect()
}
