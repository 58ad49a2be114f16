//! Diagnosis: what the run's facts mean. Root-cause analysis over an [`RunFacts`]:
//! findings (events grouped by fingerprint, [`findings`]), root causes (findings clustered
//! by failure family and target, [`cluster`]), a verdict for each with its evidence and
//! counter-evidence (`verdict`), outage windows (`outage`) and the quantitative
//! cross-checks a careful person would do by hand (`checks`, one file per check); the
//! single-request baseline tests ([`baseline`]), the capacity knee ([`capacity`]), and what
//! to change: the remediation catalogue and its triggers ([`recommend`]), the consolidated
//! client configuration ([`client_config`]) and the closing checklist ([`checklist`]).
//!
//! It owns the conclusions; it does not read the log (the facts come built by
//! [`crate::facts`]), re-probe the server ([`crate::probe`]), or print anything
//! ([`crate::report`]).

use crate::attribute::event::EventKind;
use crate::diagnose::baseline::BaselineRule;
use crate::facts::{EventReport, Location, RunFacts, TestReport, trim_float};
use crate::model::{Category, Outcome};
use regex::Regex;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use std::sync::LazyLock;

pub mod baseline;
pub mod capacity;
pub mod checklist;
mod checks;
pub mod client_config;
mod cluster;
mod concurrency;
mod findings;
mod outage;
pub mod recommend;
mod types;
mod verdict;

pub use checks::*;
use cluster::*;
pub use concurrency::*;
pub use findings::*;
use outage::*;
pub use types::*;
use verdict::*;

/// Hash maps and sets of this module: foldhash (their order is never printed).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// The client's ephemeral port in socket reprs (`laddr=('10.0.0.5', 51234)`), which differs
/// on every connection.
static MASK_LOCAL_PORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(laddr=\((?:'[^']*'|\[[^\]]*\]|[^,()]*), )\d{1,5}\)").expect("local port mask")
});
static MASK_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?\s*").expect("time mask")
});

/// Tests by node id (lookups happen per event and per test on runs of thousands of tests).
type TestIndex<'a> = HashMap<&'a str, &'a TestReport>;

/// The diagnosis of a run: its root causes (with findings, verdicts and cross-checks) and
/// the remediations their evidence supports.
#[derive(Debug, Clone, Default)]
pub struct Diagnosis {
    /// Findings, root causes, capacity, headline.
    pub rca: RootCauseAnalysis,
    /// Remediations the evidence supports, most urgent first.
    pub recommendations: Vec<recommend::Recommendation>,
    /// Knees a re-probe found, in probe order (capacity evidence for the in-flight limit).
    pub probed_knees: Vec<recommend::ProbedKnee>,
}

/// Diagnoses a run: root causes (baseline tests found by `rule`), then recommendations.
pub fn diagnose(facts: &RunFacts, rule: &BaselineRule) -> Diagnosis {
    let rca = analyse_with(facts, rule);
    let recommendations = recommend::recommend(facts, &rca, &[]);
    Diagnosis {
        rca,
        recommendations,
        probed_knees: Vec::new(),
    }
}

impl Diagnosis {
    /// Recomputes the recommendations after a re-probe sharpened the root causes and found
    /// `knees` (capacity evidence for the in-flight limit).
    pub fn recommend_again(&mut self, facts: &RunFacts, knees: Vec<recommend::ProbedKnee>) {
        self.probed_knees = knees;
        self.recommendations = recommend::recommend(facts, &self.rca, &self.probed_knees);
    }
}

/// Runs root-cause analysis, finding baseline tests by their names.
pub fn analyse(a: &RunFacts) -> RootCauseAnalysis {
    analyse_with(a, &BaselineRule::default())
}

/// Runs root-cause analysis with a project's own rule for its baseline tests.
pub fn analyse_with(a: &RunFacts, rule: &BaselineRule) -> RootCauseAnalysis {
    let index: TestIndex<'_> = a.tests.iter().map(|t| (t.nodeid.as_str(), t)).collect();
    let findings = findings(a, &index);
    // Each test's concurrency read once: the observed concurrency and the default
    // baseline rule both ask it; every root cause asks for the baselines.
    let concurrency: Vec<Option<u32>> = a.tests.iter().map(test_concurrency).collect();
    let observed_concurrency = concurrency.iter().flatten().copied().max();
    let baselines: Vec<&TestReport> = a
        .tests
        .iter()
        .zip(&concurrency)
        .filter(|(t, c)| rule.matches_at(t, || **c))
        .map(|(t, _)| t)
        .collect();
    let capacity = crate::diagnose::capacity::estimate(a, &concurrency);
    let mut root_causes = cluster(a, &index, &findings);
    let mut explained = BTreeSet::new();
    for rc in &root_causes {
        explained.extend(rc.failed_tests.iter().cloned());
    }
    // The tests at or above the log's knee, once for every cause.
    let knee_tests: HashSet<&str> = capacity
        .iter()
        .flat_map(|e| e.failing_tests.iter().map(String::as_str))
        .collect();
    for rc in &mut root_causes {
        rc.verdict = verdict(a, rc, &findings, &baselines);
        if let Some(e) = &capacity {
            weigh_capacity(rc, e, &knee_tests);
        }
        rc.cross_checks = cross_checks(a, rc, &findings, observed_concurrency, &baselines);
        describe_baseline_rule(rc, rule);
    }
    let unexplained_failures: Vec<String> = a
        .tests
        .iter()
        .filter(|t| is_failed(t) && !explained.contains(&t.nodeid))
        .map(|t| t.nodeid.clone())
        .collect();
    let headline = headline(a, &root_causes, &unexplained_failures);
    RootCauseAnalysis {
        headline,
        findings,
        root_causes,
        unexplained_failures,
        observed_concurrency,
        capacity,
    }
}

/// The baseline cross-check names the rule that picked its baseline tests.
fn describe_baseline_rule(rc: &mut RootCause, rule: &BaselineRule) {
    if let Some(c) = rc
        .cross_checks
        .iter_mut()
        .find(|c| c.id == "baseline_vs_load")
    {
        c.statement = format!("{}; {}", c.statement, rule.describe());
    }
}

/// The one-line summary: failed tests and their root causes, or for an excerpt without
/// test results, the causes its events show.
fn headline(a: &RunFacts, root_causes: &[RootCause], unexplained_failures: &[String]) -> String {
    let failed = a.summary.failed + a.summary.errors;
    let primary = root_causes
        .iter()
        .filter(|r| !r.failed_tests.is_empty())
        .count();
    if a.summary.total == 0 {
        // An excerpt without test results: say what the events show.
        format!(
            "no test results in the input -> {} root cause{} from {} event(s)",
            root_causes.len(),
            if root_causes.len() == 1 { "" } else { "s" },
            root_causes.iter().map(|r| r.events).sum::<u64>()
        )
    } else {
        let contributing = root_causes.len() - primary;
        format!(
            "{failed} of {} tests failed -> {primary} root cause{}{}{}",
            a.summary.total,
            if primary == 1 { "" } else { "s" },
            if contributing == 0 {
                String::new()
            } else {
                format!(" (+{contributing} contributing)")
            },
            if unexplained_failures.is_empty() {
                String::new()
            } else {
                format!(
                    " (+{} failure(s) without an HTTP-client cause)",
                    unexplained_failures.len()
                )
            }
        )
    }
}

/// The log's capacity estimate in the verdict of a cause whose failures are the load
/// levels at or above the knee: evidence always; and where nothing else told down from
/// overloaded, levels that passed below the knee say overloaded (the server answered them).
fn weigh_capacity(
    rc: &mut RootCause,
    e: &crate::diagnose::capacity::CapacityEstimate,
    knee_tests: &HashSet<&str>,
) {
    let touches = rc
        .failed_tests
        .iter()
        .chain(&rc.contributing_to)
        .any(|t| knee_tests.contains(t.as_str()));
    if !touches {
        return;
    }
    let v = &mut rc.verdict;
    v.evidence.push(format!(
        "the log's load levels: {} ({} confidence)",
        e.statement,
        e.confidence.id()
    ));
    let target = rc.target.as_deref().unwrap_or("the target");
    if let (Some(k), Some(g)) = (e.knee, e.last_good)
        && rc.family == Family::Unreachable
        && v.locus == Locus::Infrastructure
        && v.confidence == Confidence::Low
        && e.confidence != Confidence::Low
    {
        v.locus = Locus::ServerCapacity;
        v.confidence = Confidence::Medium;
        v.summary = format!(
            "{target} kept up with the load levels up to {g} and failed from {k}: overloaded, not down"
        );
    } else if let (Some(k), Some(g)) = (e.knee, e.last_good)
        && v.locus == Locus::ServerCapacity
        && v.confidence == Confidence::Medium
        && e.confidence == Confidence::High
    {
        v.confidence = Confidence::High;
        v.summary = format!(
            "{}; the log's load levels passed up to {g} and failed from {k}: a capacity limit, not an outage",
            v.summary
        );
    }
}

fn is_failed(t: &TestReport) -> bool {
    t.outcome == Outcome::Failed.id() || t.outcome == Outcome::Error.id()
}

fn target_of(e: &EventReport) -> Option<String> {
    e.host.as_ref().map(|h| match e.port {
        Some(p) => format!("{h}:{p}"),
        None => h.clone(),
    })
}

fn endpoint_of(e: &EventReport) -> Option<String> {
    match (&e.method, &e.path) {
        (Some(m), Some(p)) => Some(format!("{m} {p}")),
        (None, Some(p)) => Some(p.clone()),
        _ => None,
    }
}

/// The text without a leading timestamp (`2026-11-27 09:50:36 `), as [`mask_line`] drops it.
pub fn strip_time(text: &str) -> Cow<'_, str> {
    MASK_TIME.replace(text, "")
}

/// Masks object addresses and a leading timestamp so that lines of one kind group together.
pub fn mask_line(text: &str) -> String {
    // Each mask runs only where its literal is: most sample lines have no socket repr.
    // (`\d` is any Unicode digit; `is_numeric` is wider still.)
    let t = if text.starts_with(char::is_numeric) {
        MASK_TIME.replace(text, "")
    } else {
        Cow::Borrowed(text)
    };
    let t = if finder!(b"laddr=(").find(t.as_bytes()).is_some() {
        Cow::Owned(MASK_LOCAL_PORT.replace_all(&t, "${1}{port})").into_owned())
    } else {
        t
    };
    mask_addresses(&t)
}

/// `0x` and its hex digits become `0x…` (what `0x[0-9a-fA-F]+` replaced, leftmost first;
/// an `0x` without digits is left alone), without a regex run on every sample.
fn mask_addresses(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut from) = (0, 0);
    while let Some(at) = finder!(b"0x").find(&b[from..]) {
        let start = from + at;
        let digits = b[start + 2..]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit())
            .count();
        if digits == 0 {
            from = start + 1;
            continue;
        }
        out.push_str(&text[copied..start]);
        out.push_str("0x…");
        copied = start + 2 + digits;
        from = copied;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests;
