//! This run against a **baseline run** of the same suite (`rca analyze run.log --baseline
//! good.log`, or a run of the history: `--baseline history:last-pass`, `history:RUN_ID`):
//! tests that regressed or were fixed, failure signatures new in this run and those that
//! vanished, event counts per category, requests per endpoint (responses, failed requests,
//! p50/p95 durations) that changed beyond noise, and the log templates only this run shows.
//! The result is the report's Baseline section and the JSON `baseline` object; [`fold`]
//! adds what it says about each root cause to its verdict.
//!
//! Not to be confused with the *baseline tests* of one run ([`crate::diagnose::baseline`], the
//! single-request tests that tell a server that is down from one that is overloaded).
//!
//! Both runs become a [`Side`] first (maps keyed by node id, signature, endpoint and
//! template), so the comparison is linear in the size of the two runs. A run from the
//! history has no endpoint or template data; the comparison says so instead of guessing.
//!
//! It does not print the Baseline section ([`crate::report::baseline_run`]) nor analyse or
//! load the baseline run: the command line hands both runs over.

mod side;

use crate::diagnose::Diagnosis;
use crate::facts::{Location, RunFacts};
use serde::Serialize;
pub use side::Side;
use std::collections::{BTreeMap, BTreeSet};

/// The noise rule for counts: a change counts when it is at least this many ...
pub const COUNT_FLOOR: u64 = 5;
/// ... and the larger value is at least this many times the smaller (a count that appears
/// from zero or vanishes to zero passes this test).
pub const RATIO: f64 = 1.5;
/// The noise rule for durations: the p50 or p95 moved by at least this many milliseconds,
/// by at least [`RATIO`], with at least [`MIN_SAMPLES`] timed requests on both sides.
pub const LATENCY_FLOOR_MS: f64 = 20.0;
/// Timed requests an endpoint needs on each side before its percentiles are compared.
pub const MIN_SAMPLES: usize = 5;
/// Tests, signatures and templates listed by name (the counts are always complete).
pub const LIST_MAX: usize = 20;

/// This run against its baseline run.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BaselineComparison {
    /// The baseline run: its log path(s), or `history:RUN_ID`.
    pub source: String,
    /// `log` (the baseline run's log was analysed) or `history` (a recorded run).
    pub kind: &'static str,
    /// The baseline run's outcome totals.
    pub baseline_summary: RunTotals,
    /// Test ids both runs have.
    pub shared_tests: u64,
    /// Tests only this run has.
    pub only_in_this_run: u64,
    /// Tests only the baseline run has.
    pub only_in_baseline: u64,
    /// Tests that passed in the baseline run and failed or errored in this one.
    pub regressed: Vec<TestChange>,
    /// Of those, how many (the list stops at 20).
    pub regressed_count: u64,
    /// Tests that failed or errored in the baseline run and passed in this one.
    pub fixed: Vec<TestChange>,
    /// Of those, how many.
    pub fixed_count: u64,
    /// Failure signatures (category, host, endpoint, status; the port left out, it changes
    /// between runs) of this run that the baseline run did not show.
    pub new_signatures: Vec<SignatureCount>,
    /// Failure signatures of the baseline run that this run did not show.
    pub vanished_signatures: Vec<SignatureCount>,
    /// Events per category in both runs, where they differ.
    pub categories: Vec<CountChange>,
    /// Requests per endpoint in both runs (baseline runs read from a log only).
    pub endpoints: Vec<EndpointChange>,
    /// Log templates (timestamps, addresses and numbers masked) only this run shows, most
    /// frequent first (at most 20).
    pub new_templates: Vec<TemplateCount>,
    /// How many templates only this run shows.
    pub new_templates_count: u64,
    /// How many templates only the baseline run shows.
    pub vanished_templates_count: u64,
    /// True when nothing differs beyond noise.
    pub no_change: bool,
    /// What could not be compared, and why.
    pub notes: Vec<String>,
    /// The comparison in one sentence.
    pub summary: String,
}

/// Outcome totals of the baseline run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RunTotals {
    /// All tests.
    pub total: u64,
    /// Passed.
    pub passed: u64,
    /// Failed.
    pub failed: u64,
    /// Errors.
    pub errors: u64,
    /// Skipped.
    pub skipped: u64,
}

/// A test whose outcome changed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TestChange {
    /// Node id.
    pub nodeid: String,
    /// Outcome in the baseline run.
    pub baseline: String,
    /// Outcome in this run.
    pub now: String,
}

/// A failure signature with its events in the run that has it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SignatureCount {
    /// `category|host|endpoint|status`.
    pub signature: String,
    /// Category id.
    pub category: String,
    /// Events.
    pub events: u64,
}

/// A count in both runs.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CountChange {
    /// What is counted (a category id).
    pub what: String,
    /// In the baseline run.
    pub baseline: u64,
    /// In this run.
    pub now: u64,
    /// The change passes the noise rule.
    pub beyond_noise: bool,
}

/// Requests to one endpoint in one run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EndpointStats {
    /// Responses (any status).
    pub responses: u64,
    /// Responses with a status of 400 or more.
    pub error_responses: u64,
    /// Requests that got no response.
    pub failed_requests: u64,
    /// Median duration of the timed responses, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p50_ms: Option<f64>,
    /// 95th percentile, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p95_ms: Option<f64>,
    /// Responses with a duration in the log.
    pub timed: u64,
}

/// One endpoint in both runs.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EndpointChange {
    /// `METHOD /path/{id}`.
    pub endpoint: String,
    /// In the baseline run.
    pub baseline: EndpointStats,
    /// In this run.
    pub now: EndpointStats,
    /// The changes beyond noise, in words (`responses 312 -> 40`).
    pub changes: Vec<String>,
}

/// A log template with its count in this run.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TemplateCount {
    /// The template (redacted).
    pub template: String,
    /// Lines.
    pub count: u64,
    /// Its first line.
    pub location: Location,
}

/// True when `a` -> `b` passes the count noise rule.
pub fn count_changed(a: u64, b: u64) -> bool {
    let (lo, hi) = (a.min(b), a.max(b));
    hi - lo >= COUNT_FLOOR && (lo == 0 || hi as f64 >= lo as f64 * RATIO)
}

/// True when the duration `a` -> `b` (ms) passes the latency noise rule.
pub fn latency_changed(a: f64, b: f64) -> bool {
    let (lo, hi) = (a.min(b), a.max(b));
    hi - lo >= LATENCY_FLOOR_MS && (lo <= 0.0 || hi >= lo * RATIO)
}

/// Compares `now` with its baseline run `base`; `source` names the baseline run.
pub fn compare(
    now: &Side<'_>,
    base: &Side<'_>,
    source: String,
    kind: &'static str,
) -> BaselineComparison {
    let mut c = BaselineComparison {
        source,
        kind,
        baseline_summary: base.totals.clone(),
        shared_tests: 0,
        only_in_this_run: 0,
        only_in_baseline: 0,
        regressed: Vec::new(),
        regressed_count: 0,
        fixed: Vec::new(),
        fixed_count: 0,
        new_signatures: only_in(&now.signatures, &base.signatures),
        vanished_signatures: only_in(&base.signatures, &now.signatures),
        categories: category_changes(now, base),
        endpoints: Vec::new(),
        new_templates: Vec::new(),
        new_templates_count: 0,
        vanished_templates_count: 0,
        no_change: false,
        notes: Vec::new(),
        summary: String::new(),
    };
    compare_tests(now, base, &mut c);
    match (&now.profile, &base.profile) {
        (Some(n), Some(b)) => {
            c.endpoints = side::endpoint_changes(n, b);
            side::template_changes(n, b, &mut c);
        }
        _ => c.notes.push(
            "the history keeps no requests per endpoint and no log templates: give the baseline run's log to compare them"
                .to_string(),
        ),
    }
    c.no_change = c.regressed_count == 0
        && c.fixed_count == 0
        && c.new_signatures.is_empty()
        && c.vanished_signatures.is_empty()
        && c.categories.iter().all(|x| !x.beyond_noise)
        && c.endpoints.iter().all(|e| e.changes.is_empty())
        && c.new_templates_count == 0
        && c.only_in_this_run == 0
        && c.only_in_baseline == 0;
    c.summary = summary(&c);
    c
}

fn is_failure(outcome: &str) -> bool {
    outcome == "failed" || outcome == "error"
}

fn compare_tests(now: &Side<'_>, base: &Side<'_>, c: &mut BaselineComparison) {
    for (id, outcome) in &now.tests {
        let Some(before) = base.outcome(id) else {
            c.only_in_this_run += 1;
            continue;
        };
        c.shared_tests += 1;
        let change = || TestChange {
            nodeid: id.clone(),
            baseline: before.clone(),
            now: outcome.clone(),
        };
        if is_failure(outcome) && before == "passed" {
            c.regressed_count += 1;
            if c.regressed.len() < LIST_MAX {
                c.regressed.push(change());
            }
        } else if outcome == "passed" && is_failure(before) {
            c.fixed_count += 1;
            if c.fixed.len() < LIST_MAX {
                c.fixed.push(change());
            }
        }
    }
    c.only_in_baseline = base.tests.len() as u64 - c.shared_tests;
}

fn only_in(
    a: &BTreeMap<String, side::Signature>,
    b: &BTreeMap<String, side::Signature>,
) -> Vec<SignatureCount> {
    let mut out: Vec<SignatureCount> = a
        .iter()
        .filter(|(k, _)| !b.contains_key(*k))
        .map(|(k, s)| SignatureCount {
            signature: k.clone(),
            category: s.category.clone(),
            events: s.events,
        })
        .collect();
    out.sort_by(|x, y| y.events.cmp(&x.events).then(x.signature.cmp(&y.signature)));
    out
}

fn category_changes(now: &Side<'_>, base: &Side<'_>) -> Vec<CountChange> {
    let ids: BTreeSet<&String> = now
        .categories
        .keys()
        .chain(base.categories.keys())
        .collect();
    ids.into_iter()
        .filter_map(|id| {
            let a = base.categories.get(id).copied().unwrap_or(0);
            let b = now.categories.get(id).copied().unwrap_or(0);
            (a != b).then(|| CountChange {
                what: id.clone(),
                baseline: a,
                now: b,
                beyond_noise: count_changed(a, b),
            })
        })
        .collect()
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "baseline run good.log: 41 passed, 0 failed of 41; 18 tests regressed; 0 fixed; ...":
/// clauses joined by "; " (each translated on its own), or "...; no change".
fn summary(c: &BaselineComparison) -> String {
    let b = &c.baseline_summary;
    let mut parts = vec![format!(
        "baseline run {}: {} passed, {} failed of {}",
        c.source,
        b.passed,
        b.failed + b.errors,
        b.total
    )];
    if c.no_change {
        parts.push("no change".to_string());
        return parts.join("; ");
    }
    parts.push(format!(
        "{} regressed",
        plural(c.regressed_count, "test", "tests")
    ));
    parts.push(format!("{} fixed", c.fixed_count));
    parts.push(plural(
        c.new_signatures.len() as u64,
        "new failure signature",
        "new failure signatures",
    ));
    parts.push(format!("{} vanished", c.vanished_signatures.len()));
    if !c.endpoints.is_empty() {
        let moved = c.endpoints.iter().filter(|e| !e.changes.is_empty()).count() as u64;
        parts.push(format!(
            "{} changed beyond noise",
            plural(moved, "endpoint", "endpoints")
        ));
    }
    if c.kind == "log" {
        parts.push(format!(
            "{} only in this run",
            plural(c.new_templates_count, "log template", "log templates")
        ));
    }
    parts.join("; ")
}

/// Adds to each root cause's verdict what the baseline run says about it: its signatures
/// new or also seen there, and how its endpoints fared there.
pub fn fold(facts: &mut RunFacts, d: &mut Diagnosis, c: &BaselineComparison, base: &Side<'_>) {
    let new: BTreeSet<&str> = c
        .new_signatures
        .iter()
        .map(|s| s.signature.as_str())
        .collect();
    let findings: BTreeMap<&str, &crate::diagnose::Finding> =
        d.rca.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut lines: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for rc in &d.rca.root_causes {
        let fs: Vec<&crate::diagnose::Finding> = rc
            .findings
            .iter()
            .filter_map(|id| findings.get(id.as_str()).copied())
            .collect();
        lines.push(side::verdict_lines(
            &fs,
            &new,
            base,
            d.rca.observed_concurrency,
            c,
        ));
    }
    for (rc, (evidence, counter)) in d.rca.root_causes.iter_mut().zip(lines) {
        rc.verdict.evidence.extend(evidence);
        rc.verdict.counter_evidence.extend(counter);
    }
    if c.shared_tests * 2 < facts.tests.len() as u64 {
        facts.warnings.push(format!(
            "--baseline: the baseline run shares only {} of this run's {} tests: it may not be a run of the same suite",
            c.shared_tests,
            facts.tests.len()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_noise_rule() {
        assert!(!count_changed(100, 104), "under the floor");
        assert!(!count_changed(100, 140), "under the ratio");
        assert!(count_changed(100, 150));
        assert!(count_changed(0, 5));
        assert!(!count_changed(0, 4));
        assert!(count_changed(312, 40));
        assert!(!latency_changed(10.0, 25.0), "under the floor");
        assert!(!latency_changed(200.0, 260.0), "under the ratio");
        assert!(latency_changed(12.0, 2607.0));
    }
}
