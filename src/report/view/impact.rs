//! The Impact and Failing tests sections of the report view: one row per category (events,
//! tests, hosts) and one per failed or errored test with its symptom and its main cause.
//!
//! It does not count or attribute anything: the categories, the tests and which cause a test
//! failed of come from the analysis; here they are only translated and escaped.

use super::Tr;
use crate::report::Report;
use crate::report::i18n::{Lang, word};
use crate::report::safe::Escaper;
use std::collections::BTreeMap;

/// A row of the report.
pub struct CategoryRow {
    pub id: String,
    pub events: u64,
    pub tests: u64,
    pub failed_tests: u64,
    pub hosts: String,
}

/// A row of the report.
pub struct FailingRow {
    pub name: String,
    pub outcome: String,
    pub categories: String,
    pub symptom: String,
    pub cause: String,
    /// new / recurring / regressed (`--history`); empty without it.
    pub history: String,
}

/// One row per category, with its three first hosts.
pub(super) fn category_rows(a: &Report, esc: fn(&str) -> String) -> Vec<CategoryRow> {
    a.facts
        .categories
        .iter()
        .map(|c| CategoryRow {
            id: c.id.id().to_string(),
            events: c.events,
            tests: c.tests,
            failed_tests: c.failed_tests,
            hosts: esc(&c
                .hosts
                .iter()
                .take(3)
                .map(|h| format!("{} ({})", h.host, h.events))
                .collect::<Vec<_>>()
                .join(", ")),
        })
        .collect()
}

/// One row per failed or errored test, with the root cause it is the main failure of ("—"
/// when none).
pub(super) fn failing_rows(
    a: &Report,
    lang: Lang,
    escaper: &Escaper,
    tr: Tr<'_>,
) -> Vec<FailingRow> {
    let mut primary: BTreeMap<&str, &str> = BTreeMap::new();
    for rc in &a.diagnosis.rca.root_causes {
        for t in &rc.failed_tests {
            primary.insert(t.as_str(), rc.id.as_str());
        }
    }
    a.facts
        .tests
        .iter()
        .filter(|t| t.outcome == "failed" || t.outcome == "error")
        .map(|t| FailingRow {
            name: (escaper.span_in_cell)(&t.nodeid),
            outcome: word(lang, &t.outcome),
            categories: t
                .categories
                .iter()
                .map(|c| c.id())
                .collect::<Vec<_>>()
                .join(", "),
            symptom: tr(t.symptom.as_deref().unwrap_or("")),
            cause: primary
                .get(t.nodeid.as_str())
                .copied()
                .unwrap_or("—")
                .to_string(),
            history: t.history.as_ref().map(|h| tr(&h.text)).unwrap_or_default(),
        })
        .collect()
}
