//! One run as the comparison sees it ([`Side`]): outcomes by node id, failure signatures
//! without the port, events per category, and, for a run read from its log, the requests per
//! endpoint and log templates of its [`RunProfile`]. Built from an analysis or from a run of
//! the history; also the per-endpoint and per-template comparisons and the verdict lines.
//! It does not read logs or the history store: the analysis and the stored run are handed
//! in.

use super::{
    BaselineComparison, EndpointChange, EndpointStats, LIST_MAX, MIN_SAMPLES, RunTotals,
    TemplateCount, count_changed, latency_changed,
};
use crate::attribute::profile::{EndpointSeen, RunProfile};
use crate::diagnose::Diagnosis;
use crate::diagnose::Finding;
use crate::facts::{Location, RunFacts};
use crate::history::RunRecord;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A failure signature's totals in one run.
#[derive(Debug, Clone, Default)]
pub struct Signature {
    /// Category id (with `<cause` for an exhausted retry).
    pub category: String,
    /// Events.
    pub events: u64,
}

/// One run, keyed for the comparison.
#[derive(Debug, Clone, Default)]
pub struct Side<'a> {
    /// `(nodeid, outcome)` in the run's order.
    pub tests: Vec<(String, String)>,
    index: HashMap<String, usize>,
    /// Signature -> totals.
    pub signatures: BTreeMap<String, Signature>,
    /// Category id -> events.
    pub categories: BTreeMap<String, u64>,
    /// Outcome totals.
    pub totals: RunTotals,
    /// Highest concurrency the run shows.
    pub concurrency: Option<u32>,
    /// Requests and templates (runs read from a log).
    pub profile: Option<&'a RunProfile>,
}

/// A finding fingerprint (`category|host:port|endpoint|status`) without the port.
pub fn signature_of(fingerprint: &str) -> String {
    let mut parts: Vec<&str> = fingerprint.splitn(4, '|').collect();
    if let Some(target) = parts.get_mut(1) {
        *target = crate::history::trend::causes::host_of(target);
    }
    parts.join("|")
}

impl<'a> Side<'a> {
    fn with_tests(mut self, tests: Vec<(String, String)>) -> Self {
        self.index = tests
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (id.clone(), i))
            .collect();
        self.tests = tests;
        self
    }

    /// The outcome of test `id`, if the run has it.
    pub fn outcome(&self, id: &str) -> Option<&String> {
        self.index.get(id).map(|&i| &self.tests[i].1)
    }

    /// A run read from its log: its facts and diagnosis.
    pub fn of_analysis(a: &'a RunFacts, d: &'a Diagnosis) -> Side<'a> {
        let mut signatures: BTreeMap<String, Signature> = BTreeMap::new();
        for f in &d.rca.findings {
            let s = signatures.entry(signature_of(&f.fingerprint)).or_default();
            s.category = f.fingerprint.split('|').next().unwrap_or("").to_string();
            s.events += f.events;
        }
        let s = &a.summary;
        Side {
            signatures,
            categories: a
                .categories
                .iter()
                .map(|c| (c.id.id().to_string(), c.events))
                .collect(),
            totals: RunTotals {
                total: s.total,
                passed: s.passed,
                failed: s.failed,
                errors: s.errors,
                skipped: s.skipped,
            },
            concurrency: d.rca.observed_concurrency,
            profile: a.profile.as_ref(),
            ..Side::default()
        }
        .with_tests(
            a.tests
                .iter()
                .map(|t| (t.nodeid.clone(), t.outcome.clone()))
                .collect(),
        )
    }

    /// A run of the history (no requests per endpoint, no templates).
    pub fn of_record(r: &RunRecord) -> Side<'static> {
        let mut signatures: BTreeMap<String, Signature> = BTreeMap::new();
        for f in &r.findings {
            let s = signatures.entry(signature_of(&f.fingerprint)).or_default();
            s.category = f.fingerprint.split('|').next().unwrap_or("").to_string();
            s.events += f.events;
        }
        let c = &r.counts;
        Side {
            signatures,
            categories: r.categories.clone(),
            totals: RunTotals {
                total: c.total,
                passed: c.passed,
                failed: c.failed,
                errors: c.errors,
                skipped: c.skipped,
            },
            ..Side::default()
        }
        .with_tests(
            r.tests
                .iter()
                .map(|t| (t.nodeid.clone(), t.outcome.clone()))
                .collect(),
        )
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Responses, failures and nearest-rank p50/p95 of one endpoint.
pub fn stats(e: &EndpointSeen) -> EndpointStats {
    let mut ms = e.durations_ms.clone();
    ms.sort_by(f64::total_cmp);
    let pct = |q: f64| {
        (!ms.is_empty()).then(|| {
            let rank = (q * ms.len() as f64).ceil().max(1.0) as usize;
            round1(ms[rank.min(ms.len()) - 1])
        })
    };
    EndpointStats {
        responses: e.ok + e.error_responses,
        error_responses: e.error_responses,
        failed_requests: e.failures,
        p50_ms: pct(0.50),
        p95_ms: pct(0.95),
        timed: ms.len() as u64,
    }
}

/// What changed beyond noise between two endpoint stats, in words.
fn changes(b: &EndpointStats, n: &EndpointStats) -> Vec<String> {
    let mut out = Vec::new();
    for (what, x, y) in [
        ("responses", b.responses, n.responses),
        ("error responses", b.error_responses, n.error_responses),
        ("failed requests", b.failed_requests, n.failed_requests),
    ] {
        if count_changed(x, y) {
            out.push(format!("{what} {x} -> {y}"));
        }
    }
    let timed = b.timed as usize >= MIN_SAMPLES && n.timed as usize >= MIN_SAMPLES;
    for (what, x, y) in [("p50", b.p50_ms, n.p50_ms), ("p95", b.p95_ms, n.p95_ms)] {
        if let (true, Some(x), Some(y)) = (timed, x, y)
            && latency_changed(x, y)
        {
            out.push(format!("{what} {x} -> {y} ms"));
        }
    }
    out
}

/// Every endpoint either run shows, with what changed beyond noise.
pub fn endpoint_changes(now: &RunProfile, base: &RunProfile) -> Vec<EndpointChange> {
    let names: BTreeSet<&String> = now.endpoints.keys().chain(base.endpoints.keys()).collect();
    names
        .into_iter()
        .map(|name| {
            let b = base.endpoints.get(name).map(stats).unwrap_or_default();
            let n = now.endpoints.get(name).map(stats).unwrap_or_default();
            EndpointChange {
                endpoint: name.clone(),
                changes: changes(&b, &n),
                baseline: b,
                now: n,
            }
        })
        .collect()
}

/// The templates only this run shows (most frequent first) and the count of those only the
/// baseline run shows.
pub fn template_changes(now: &RunProfile, base: &RunProfile, c: &mut BaselineComparison) {
    let mut only: Vec<(&String, u64, (u16, u64))> = now
        .templates
        .iter()
        .filter(|(t, _)| !base.templates.contains_key(*t))
        .map(|(t, s)| (t, s.count, s.first))
        .collect();
    c.new_templates_count = only.len() as u64;
    c.vanished_templates_count = base
        .templates
        .keys()
        .filter(|t| !now.templates.contains_key(*t))
        .count() as u64;
    only.sort_by(|x, y| y.1.cmp(&x.1).then(x.2.cmp(&y.2)));
    c.new_templates = only
        .into_iter()
        .take(LIST_MAX)
        .map(|(t, count, (file, line))| TemplateCount {
            template: t.clone(),
            count,
            location: Location { file, line },
        })
        .collect();
    if now.templates_dropped + base.templates_dropped > 0 {
        c.notes.push(format!(
            "templates beyond the first {} distinct ones per run were not compared",
            crate::attribute::profile::MAX_TEMPLATES
        ));
    }
}

/// The requests to `ep`: `METHOD /path`, or a bare `/path` (a finding whose lines name no
/// method) for every method at that path together.
fn seen_at(profile: &RunProfile, ep: &str) -> Option<EndpointSeen> {
    if !ep.starts_with('/') {
        return profile.endpoints.get(ep).cloned();
    }
    let mut all: Option<EndpointSeen> = None;
    for (name, e) in &profile.endpoints {
        if name.split_once(' ').is_some_and(|(_, path)| path == ep) {
            let m = all.get_or_insert_with(EndpointSeen::default);
            m.ok += e.ok;
            m.error_responses += e.error_responses;
            m.failures += e.failures;
            m.durations_ms.extend_from_slice(&e.durations_ms);
        }
    }
    all
}

fn s(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The evidence and counter-evidence the baseline run gives one root cause (its findings
/// `fs`; `new`: the signatures only this run shows).
pub fn verdict_lines(
    fs: &[&Finding],
    new: &BTreeSet<&str>,
    base: &Side<'_>,
    now_concurrency: Option<u32>,
    c: &BaselineComparison,
) -> (Vec<String>, Vec<String>) {
    let (mut evidence, mut counter) = (Vec::new(), Vec::new());
    let keys: BTreeSet<String> = fs.iter().map(|f| signature_of(&f.fingerprint)).collect();
    let fresh = keys.iter().filter(|k| new.contains(k.as_str())).count();
    if !keys.is_empty() && fresh == keys.len() {
        evidence.push(format!(
            "new against the baseline run: none of its {} failure signature{} occurred in {}",
            keys.len(),
            s(keys.len()),
            c.source
        ));
    } else if fresh < keys.len() {
        let events: u64 = keys
            .iter()
            .filter_map(|k| base.signatures.get(k))
            .map(|x| x.events)
            .sum();
        let failed = (c.baseline_summary.failed + c.baseline_summary.errors) as usize;
        counter.push(format!(
            "the baseline run {} showed {} of its {} failure signature{} too ({events} events), with {failed} failed test{}",
            c.source,
            keys.len() - fresh,
            keys.len(),
            s(keys.len()),
            s(failed)
        ));
    }
    let Some(profile) = base.profile else {
        return (evidence, counter);
    };
    let endpoints: BTreeSet<&str> = fs.iter().filter_map(|f| f.endpoint.as_deref()).collect();
    for ep in endpoints.into_iter().take(2) {
        let Some(seen) = seen_at(profile, ep).filter(|e| e.ok > 0) else {
            continue;
        };
        let st = stats(&seen);
        let p50 = st
            .p50_ms
            .map(|p| format!(", p50 {p} ms"))
            .unwrap_or_default();
        let at = match (base.concurrency, now_concurrency) {
            (Some(b), Some(n)) if b == n => format!(" at the same concurrency (up to {b})"),
            (Some(b), Some(n)) => format!(" at concurrency up to {b} (this run: {n})"),
            (Some(b), None) => format!(" at concurrency up to {b}"),
            _ => String::new(),
        };
        evidence.push(format!(
            "in the baseline run the same endpoint {ep} answered {} time{} ({} failed request{}{p50}){at}",
            seen.ok,
            s(seen.ok as usize),
            st.failed_requests,
            s(st.failed_requests as usize)
        ));
    }
    (evidence, counter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_leave_the_port_out() {
        assert_eq!(
            signature_of("connect_timeout|127.0.0.1:54789|POST /focus-server/configure|"),
            "connect_timeout|127.0.0.1|POST /focus-server/configure|"
        );
        assert_eq!(
            signature_of("retry_exhausted<http_error|h|GET /x|503"),
            "retry_exhausted<http_error|h|GET /x|503"
        );
        assert_eq!(signature_of("pool_full||"), "pool_full||");
    }

    #[test]
    fn endpoint_percentiles_and_changes() {
        let fast = EndpointSeen {
            ok: 10,
            durations_ms: (1..=10).map(|i| i as f64).collect(),
            ..Default::default()
        };
        let slow = EndpointSeen {
            ok: 2,
            failures: 30,
            durations_ms: vec![2600.0; 6],
            ..Default::default()
        };
        let b = stats(&fast);
        assert_eq!((b.p50_ms, b.p95_ms, b.timed), (Some(5.0), Some(10.0), 10));
        let n = stats(&slow);
        let ch = changes(&b, &n);
        assert_eq!(
            ch,
            vec![
                "responses 10 -> 2",
                "failed requests 0 -> 30",
                "p50 5 -> 2600 ms",
                "p95 10 -> 2600 ms"
            ]
        );
        assert!(changes(&b, &b).is_empty());
    }
}
