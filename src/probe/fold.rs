//! Folds a re-probe into an analysis (`rca analyze --probe`): each root cause whose server
//! was probed gets a conclusion (the server is still down now: a persistent outage; healthy
//! now: the run's failures were transient or load-related; healthy until concurrency K: a
//! capacity knee, compared with the concurrency the run drove) and the verdict gains it as
//! evidence. It sends no request ([`super::probe_all`] does) and prints nothing
//! ([`crate::report::probe`]).

use super::TargetReport;
use super::stats::Health;
use super::targets::ProbeTarget;
use crate::diagnose::Diagnosis;
use crate::diagnose::recommend::ProbedKnee;
use crate::diagnose::{Confidence, Locus, Verdict};
use crate::facts::RunFacts;
use serde::Serialize;
use std::collections::HashSet;

pub use crate::model::CauseReprobe;

/// The re-probe section of an analysis.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Reprobe {
    /// Path requested on every target.
    pub health_path: String,
    /// Targets in root-cause order.
    pub targets: Vec<ReprobedTarget>,
}

/// One probed server.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReprobedTarget {
    /// `scheme://host:port` as the log named it.
    pub logged_url: String,
    /// Root causes that named it.
    pub root_causes: Vec<String>,
    /// What the probe found.
    #[serde(flatten)]
    pub report: TargetReport,
}

/// A target that answers single requests but fails from a knee, against the run's load.
fn knee_statement(r: &TargetReport, k: &super::stats::Knee, observed: Option<u32>) -> String {
    let mut s = format!(
        "re-probe now: {} answers single requests but fails from concurrency {} ({})",
        r.url, k.concurrency, k.detail
    );
    if let Some(c) = observed {
        if c >= k.concurrency {
            s.push_str(&format!(
                "; the run drove {c} concurrent requests, past that knee: load-related"
            ));
        } else {
            s.push_str(&format!(
                "; the run drove {c} concurrent requests, below that knee"
            ));
        }
    }
    s
}

/// A target healthy now, with what its ramp (if any) showed.
fn healthy_statement(r: &TargetReport, answered: u64, sent: u64) -> String {
    let mut s = format!(
        "re-probe now: {} is healthy ({answered} of {sent} answered{}): the run's failures were transient or load-related",
        r.url,
        r.latency
            .map(|l| format!(", p50 {:.0} ms", l.p50_ms))
            .unwrap_or_default()
    );
    if r.steps.is_empty() {
        s.push_str("; no ramp was run to test load (--ramp)");
    } else if let Some(last) = r.steps.last() {
        s.push_str(&format!(
            "; it kept up at every ramp step up to concurrency {}",
            last.concurrency
        ));
        if r.steps.iter().any(|s| s.capped_by.is_some()) {
            let reached = r.steps.iter().map(|s| s.peak_in_flight).max().unwrap_or(0);
            s.push_str(&format!(
                "; but at most {reached} request(s) were on the wire at once: the ramp was capped below its steps"
            ));
        }
    }
    s
}

/// What the probe of `r` says about a cause seen at `observed` concurrency.
pub fn conclude(r: &TargetReport, observed: Option<u32>) -> CauseReprobe {
    let answered: u64 = r
        .outcomes
        .iter()
        .filter(|(k, _)| super::stats::answered_key(k))
        .map(|(_, n)| n)
        .sum();
    let sent: u64 = r.outcomes.values().sum();
    let (conclusion, statement) = match (r.verdict, &r.knee) {
        (Health::Down, _) => (
            "persistent_outage",
            format!(
                "re-probe now: {} is still down ({} attempt(s), {}): a persistent outage, not a passing blip",
                r.url,
                sent,
                super::stats::mix(&r.outcomes)
            ),
        ),
        (_, Some(k)) => ("capacity_knee", knee_statement(r, k, observed)),
        (Health::Healthy, None) => ("transient_or_load", healthy_statement(r, answered, sent)),
        (Health::Degraded, None) if super::stats::health_path_missing_key(&r.outcomes) => (
            "degraded_now",
            format!(
                "re-probe now: {} answered 404 to every health request: the server is up, its health unknown (set --health-path)",
                r.url
            ),
        ),
        (Health::Degraded, None) => (
            "degraded_now",
            format!(
                "re-probe now: {} is degraded ({answered} of {sent} answered, failures: {})",
                r.url,
                super::stats::mix(&r.outcomes)
            ),
        ),
    };
    CauseReprobe {
        url: r.url.clone(),
        verdict: r.verdict,
        conclusion,
        statement,
        knee_at: r.knee.as_ref().map(|k| k.concurrency),
        answered_any: r
            .outcomes
            .iter()
            .filter(|(k, _)| k.bytes().all(|b| b.is_ascii_digit()))
            .map(|(_, n)| n)
            .sum(),
        mix: super::stats::mix(&r.outcomes),
    }
}

/// What the probe settles: a server still down now makes an outage verdict certain; a knee
/// below the run's concurrency makes it a capacity problem. The summary never contradicts
/// the probe: a server that gives no HTTP answer now is not "up but refusing work", and a
/// healthy or degraded server now is said so in the summary, not only in the evidence.
fn sharpen(v: &mut Verdict, c: &CauseReprobe, observed: Option<u32>, target: &str) {
    match c.conclusion {
        "persistent_outage" if c.answered_any == 0 => {
            v.summary = format!(
                "{target} gives no HTTP answer now ({}): down now, an outage still going on",
                c.mix
            );
            v.locus = Locus::Infrastructure;
            v.confidence = Confidence::High;
        }
        "persistent_outage" if matches!(v.locus, Locus::Infrastructure | Locus::ServerCapacity) => {
            v.summary = format!("{}; still failing now (re-probe: {})", v.summary, c.mix);
            v.confidence = Confidence::High;
        }
        "transient_or_load" => {
            v.summary = format!(
                "{}; healthy now (re-probe): the run's failures were transient or load-related",
                v.summary
            );
        }
        "degraded_now" => {
            v.summary = format!("{}; degraded now (re-probe: {})", v.summary, c.mix);
        }
        "capacity_knee"
            if c.knee_at.is_some_and(|k| observed.is_some_and(|o| o >= k))
                && v.locus != Locus::ClientCode =>
        {
            v.locus = Locus::ServerCapacity;
            v.confidence = Confidence::High;
        }
        _ => {}
    }
}

/// Adds the re-probe to each probed root cause's verdict (and its warnings to the run's),
/// recomputes the recommendations with the knees it found, and gives the re-probe back.
pub fn apply(
    facts: &mut RunFacts,
    d: &mut Diagnosis,
    health_path: &str,
    probed: Vec<(ProbeTarget, TargetReport)>,
) -> Reprobe {
    let observed = d.rca.observed_concurrency;
    for (target, report) in &probed {
        let c = conclude(report, observed);
        for rc in d
            .rca
            .root_causes
            .iter_mut()
            .filter(|rc| target.root_causes.contains(&rc.id))
        {
            rc.verdict.evidence.push(c.statement.clone());
            let name = rc.target.clone().unwrap_or_else(|| report.url.clone());
            sharpen(&mut rc.verdict, &c, observed, &name);
            rc.reprobe = Some(c.clone());
        }
    }
    for (_, r) in &probed {
        for w in &r.warnings {
            facts.warnings.push(format!("re-probe of {}: {w}", r.url));
        }
    }
    // The log's capacity estimate against the ramp of the server its failing levels
    // belong to, else the first ramp that ran.
    let knee_causes: HashSet<String> = d.rca.capacity.as_ref().map_or_else(HashSet::new, |e| {
        let failing: HashSet<&str> = e.failing_tests.iter().map(String::as_str).collect();
        d.rca
            .root_causes
            .iter()
            .filter(|rc| rc.failed_tests.iter().any(|t| failing.contains(t.as_str())))
            .map(|rc| rc.id.clone())
            .collect()
    });
    // The first ramp of a knee cause's server, else the first ramp.
    let ramp = probed
        .iter()
        .filter(|(_, r)| !r.steps.is_empty())
        .min_by_key(|(t, _)| !t.root_causes.iter().any(|rc| knee_causes.contains(rc)));
    if let Some(e) = d.rca.capacity.as_mut()
        && let Some((_, r)) = ramp
    {
        let highest = r.steps.iter().map(|s| s.concurrency).max().unwrap_or(0);
        let knee = r.knee.as_ref().map(|k| (k.concurrency, k.last_good));
        e.reprobe = Some(e.compare_reprobe(&r.url, knee, highest));
    }
    let knees = probed_knees(&probed);
    let reprobe = Reprobe {
        health_path: health_path.to_string(),
        targets: probed
            .into_iter()
            .map(|(t, report)| ReprobedTarget {
                logged_url: t.logged,
                root_causes: t.root_causes,
                report,
            })
            .collect(),
    };
    // The knee is capacity evidence: the load tests' in-flight limit follows it.
    d.recommend_again(facts, knees);
    reprobe
}

/// The knees the probe found, in probe order, as the recommendations read them.
fn probed_knees(probed: &[(ProbeTarget, TargetReport)]) -> Vec<ProbedKnee> {
    probed
        .iter()
        .filter_map(|(t, r)| {
            let k = r.knee.as_ref()?;
            Some(ProbedKnee {
                url: r.url.clone(),
                root_causes: t.root_causes.clone(),
                concurrency: k.concurrency,
                last_good: k.last_good,
                detail: k.detail.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::stats::{Knee, Latency};
    use super::*;
    use std::collections::BTreeMap;

    fn report(verdict: Health, outcomes: &[(&str, u64)], knee: Option<Knee>) -> TargetReport {
        TargetReport {
            url: "http://127.0.0.1:8080/".to_string(),
            verdict,
            requests_sent: outcomes.iter().map(|(_, n)| n).sum(),
            circuit_opened: false,
            latency: Some(Latency {
                p50_ms: 12.0,
                p95_ms: 20.0,
                p99_ms: 20.0,
                max_ms: 20.0,
                samples: 5,
            }),
            outcomes: outcomes
                .iter()
                .map(|(k, n)| (k.to_string(), *n))
                .collect::<BTreeMap<_, _>>(),
            timings: Default::default(),
            steps: Vec::new(),
            knee,
            stopped_by: None,
            retry_after_s: None,
            breaker_transitions: Vec::new(),
            suggested_rate: None,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn conclusions_follow_the_probe() {
        let down = conclude(
            &report(Health::Down, &[("connection_refused", 5)], None),
            Some(50),
        );
        assert_eq!(down.conclusion, "persistent_outage");
        assert!(
            down.statement
                .contains("still down (5 attempt(s), connection_refused x5)")
        );
        let up = conclude(&report(Health::Healthy, &[("200", 5)], None), Some(50));
        assert_eq!(up.conclusion, "transient_or_load");
        assert!(
            up.statement
                .contains("healthy (5 of 5 answered, p50 12 ms)"),
            "{}",
            up.statement
        );
        assert!(up.statement.contains("no ramp was run"));
        let knee = Knee {
            concurrency: 10,
            last_good: Some(5),
            reason: "errors",
            detail: "12 of 20 attempts failed (503 x12)".to_string(),
        };
        let k = conclude(
            &report(Health::Healthy, &[("200", 5)], Some(knee.clone())),
            Some(50),
        );
        assert_eq!(k.conclusion, "capacity_knee");
        assert!(k.statement.contains("fails from concurrency 10"));
        assert!(
            k.statement
                .contains("drove 50 concurrent requests, past that knee")
        );
        let below = conclude(&report(Health::Healthy, &[("200", 5)], Some(knee)), Some(4));
        assert!(below.statement.contains("below that knee"));
        let mut v = Verdict {
            locus: Locus::Infrastructure,
            confidence: Confidence::Medium,
            summary: String::new(),
            evidence: Vec::new(),
            counter_evidence: Vec::new(),
        };
        sharpen(&mut v, &down, Some(50), "t");
        assert_eq!(v.confidence, Confidence::High, "still down now: certain");
        let mut v2 = v.clone();
        v2.confidence = Confidence::Medium;
        sharpen(&mut v2, &k, Some(50), "t");
        assert_eq!(
            (v2.locus, v2.confidence),
            (Locus::ServerCapacity, Confidence::High)
        );
        let mut v3 = v.clone();
        v3.confidence = Confidence::Medium;
        sharpen(&mut v3, &below, Some(4), "t");
        assert_eq!(
            (v3.locus, v3.confidence),
            (Locus::Infrastructure, Confidence::Medium)
        );
        let missing = conclude(&report(Health::Degraded, &[("404", 5)], None), None);
        assert!(
            missing
                .statement
                .contains("answered 404 to every health request")
                && missing.statement.contains("--health-path"),
            "{}",
            missing.statement
        );
        let degraded = conclude(
            &report(Health::Degraded, &[("200", 3), ("503", 2)], None),
            None,
        );
        assert_eq!(degraded.conclusion, "degraded_now");
        assert!(
            degraded
                .statement
                .contains("3 of 5 answered, failures: 503 x2")
        );
    }
}
