//! Numbers a probe reports, computed from the attempts it made: latency percentiles, the
//! outcome mix, the health verdict and the capacity knee of a ramp. Pure functions over
//! plain data, unit-tested without a network.

use crate::client::attempt::is_failure_status;
use crate::client::{Attempt, Outcome};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Latency percentiles in milliseconds, over attempts that got a response.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Latency {
    /// Median.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest.
    pub max_ms: f64,
    /// Attempts measured.
    pub samples: usize,
}

/// Nearest-rank percentile of sorted values (`q` in 0..=1).
fn nearest_rank(sorted: &[f64], q: f64) -> f64 {
    let rank = (q * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// Percentiles of the attempts that got a response (any status); `None` when none did.
pub fn latency(attempts: &[&Attempt]) -> Option<Latency> {
    let mut ms: Vec<f64> = attempts
        .iter()
        .filter(|a| a.status().is_some())
        .map(|a| a.latency.as_secs_f64() * 1000.0)
        .collect();
    if ms.is_empty() {
        return None;
    }
    ms.sort_by(f64::total_cmp);
    Some(Latency {
        p50_ms: round1(nearest_rank(&ms, 0.50)),
        p95_ms: round1(nearest_rank(&ms, 0.95)),
        p99_ms: round1(nearest_rank(&ms, 0.99)),
        max_ms: round1(ms[ms.len() - 1]),
        samples: ms.len(),
    })
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The name an outcome is counted under: the status code (`"200"`, `"503"`) or the `rca`
/// category id of the failure (`"connect_timeout"`).
pub fn outcome_key(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Response { status, .. } => status.to_string(),
        Outcome::Error { category, .. } => category.id().to_string(),
    }
}

/// Attempts per outcome key.
pub fn outcome_counts(attempts: &[&Attempt]) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for a in attempts {
        *counts.entry(outcome_key(&a.outcome)).or_insert(0) += 1;
    }
    counts
}

/// True when an attempt shows the server working: a response below 500 other than 429
/// (a 404 on `/` still proves the server is up and answering).
pub fn answered(a: &Attempt) -> bool {
    a.status().is_some_and(|s| !is_failure_status(s))
}

/// True when an outcome key (see [`outcome_key`]) is a status that shows the server working.
pub fn answered_key(key: &str) -> bool {
    key.parse::<u16>().is_ok_and(|s| !is_failure_status(s))
}

/// The health verdict of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    /// Every attempt answered, quickly enough.
    Healthy,
    /// Some attempts failed, or answers were slow, or the breaker opened.
    Degraded,
    /// No attempt was answered (all errors, 5xx or 429), or none could be sent.
    Down,
}

impl Health {
    /// `healthy`, `degraded` or `down`.
    pub fn id(self) -> &'static str {
        match self {
            Health::Healthy => "healthy",
            Health::Degraded => "degraded",
            Health::Down => "down",
        }
    }
}

/// The verdict over the health phase's attempts. `slow_ms` is the p95 above which answers
/// count as degraded.
pub fn health(attempts: &[&Attempt], circuit_opened: bool, slow_ms: f64) -> Health {
    let ok = attempts.iter().filter(|a| answered(a)).count();
    if ok == 0 {
        return Health::Down;
    }
    let slow = latency(attempts).is_some_and(|l| l.p95_ms > slow_ms);
    if ok < attempts.len() || circuit_opened || slow {
        Health::Degraded
    } else {
        Health::Healthy
    }
}

/// One step of a concurrency ramp, as measured.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Step {
    /// Concurrency asked for (workers).
    pub concurrency: u32,
    /// Most attempts that were in flight at once.
    pub peak_in_flight: u32,
    /// Attempts sent.
    pub requests: u64,
    /// Attempts the server answered (below 500, not 429).
    pub ok: u64,
    /// `ok / requests`.
    pub success_rate: f64,
    /// Attempts per status or failure category.
    pub outcomes: BTreeMap<String, u64>,
    /// Latency of attempts that got a response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<Latency>,
    /// The circuit breaker opened during this step (the ramp stops here).
    pub breaker_opened: bool,
}

/// Thresholds that define the capacity knee.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KneeRule {
    /// Failure share (0..1) at or above which a step is past the knee. Default 0.05.
    pub error_rate: f64,
    /// p95 growth over the first step's p95 that marks the knee. Default 3.
    pub latency_factor: f64,
    /// Latency growth below this many ms is noise, whatever the factor. Default 100.
    pub latency_floor_ms: f64,
}

impl Default for KneeRule {
    fn default() -> Self {
        KneeRule {
            error_rate: 0.05,
            latency_factor: 3.0,
            latency_floor_ms: 100.0,
        }
    }
}

/// Where the server stops keeping up.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Knee {
    /// Concurrency of the first step past the knee.
    pub concurrency: u32,
    /// Concurrency of the last step before it, if any: the highest one the server handled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_good: Option<u32>,
    /// `errors`, `latency` or `breaker`.
    pub reason: &'static str,
    /// The figures behind it, e.g. "12 of 20 attempts failed (503 x12)".
    pub detail: String,
}

/// The first step past the knee: errors at or above the threshold, p95 grown by the factor
/// over the first step, or the breaker opening.
pub fn knee(steps: &[Step], rule: KneeRule) -> Option<Knee> {
    let base_p95 = steps.iter().find_map(|s| s.latency.map(|l| l.p95_ms));
    let mut last_good = None;
    for s in steps {
        let failed = s.requests - s.ok;
        let rate = if s.requests == 0 {
            0.0
        } else {
            failed as f64 / s.requests as f64
        };
        let found = if s.requests > 0 && rate >= rule.error_rate {
            Some((
                "errors",
                format!(
                    "{failed} of {} attempts failed ({})",
                    s.requests,
                    mix(&s.outcomes)
                ),
            ))
        } else if s.breaker_opened {
            Some(("breaker", "the circuit breaker opened".to_string()))
        } else {
            match (base_p95, s.latency) {
                (Some(base), Some(l))
                    if l.p95_ms >= base * rule.latency_factor
                        && l.p95_ms - base >= rule.latency_floor_ms =>
                {
                    Some((
                        "latency",
                        format!(
                            "p95 {:.0} ms against {:.0} ms at the first step",
                            l.p95_ms, base
                        ),
                    ))
                }
                _ => None,
            }
        };
        if let Some((reason, detail)) = found {
            return Some(Knee {
                concurrency: s.concurrency,
                last_good,
                reason,
                detail,
            });
        }
        last_good = Some(s.concurrency);
    }
    None
}

/// "503 x12, connect_timeout x3" for the failing outcomes of a step.
pub fn mix(outcomes: &BTreeMap<String, u64>) -> String {
    let failing: Vec<String> = outcomes
        .iter()
        .filter(|(k, _)| !answered_key(k))
        .map(|(k, n)| format!("{k} x{n}"))
        .collect();
    if failing.is_empty() {
        "none failed".to_string()
    } else {
        failing.join(", ")
    }
}

/// Milliseconds of a duration, one decimal.
pub fn ms(d: Duration) -> f64 {
    round1(d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;

    fn attempt(outcome: Outcome, latency_ms: u64) -> Attempt {
        Attempt::fixture(outcome, Duration::from_millis(latency_ms))
    }

    fn status(s: u16, latency_ms: u64) -> Attempt {
        attempt(
            Outcome::Response {
                status: s,
                retry_after: None,
            },
            latency_ms,
        )
    }

    fn refused() -> Attempt {
        attempt(
            Outcome::Error {
                class: crate::client::ErrorClass::Connect,
                category: Category::ConnectionRefused,
                message: "refused".to_string(),
            },
            1,
        )
    }

    #[test]
    fn percentiles_use_nearest_rank_over_answered_attempts() {
        let list: Vec<Attempt> = (1..=100)
            .map(|i| status(200, i))
            .chain([refused()])
            .collect();
        let refs: Vec<&Attempt> = list.iter().collect();
        let l = latency(&refs).unwrap();
        assert_eq!(
            (l.p50_ms, l.p95_ms, l.p99_ms, l.max_ms),
            (50.0, 95.0, 99.0, 100.0)
        );
        assert_eq!(
            l.samples, 100,
            "the refused attempt has no latency to report"
        );
        assert!(latency(&[&refused()]).is_none());
    }

    #[test]
    fn verdicts() {
        let ok = status(200, 20);
        let not_found = status(404, 20);
        let busy = status(503, 20);
        let slow = status(200, 5000);
        let down = refused();
        assert_eq!(health(&[&ok, &not_found], false, 2000.0), Health::Healthy);
        assert_eq!(health(&[&ok, &busy], false, 2000.0), Health::Degraded);
        assert_eq!(health(&[&ok, &ok], true, 2000.0), Health::Degraded);
        assert_eq!(health(&[&ok, &slow], false, 2000.0), Health::Degraded);
        assert_eq!(health(&[&busy, &down], false, 2000.0), Health::Down);
        assert_eq!(health(&[], true, 2000.0), Health::Down);
    }

    fn step(c: u32, ok: u64, failed: u64, p95: f64) -> Step {
        let mut outcomes = BTreeMap::new();
        outcomes.insert("200".to_string(), ok);
        if failed > 0 {
            outcomes.insert("503".to_string(), failed);
        }
        Step {
            concurrency: c,
            peak_in_flight: c,
            requests: ok + failed,
            ok,
            success_rate: ok as f64 / (ok + failed) as f64,
            outcomes,
            latency: Some(Latency {
                p50_ms: p95,
                p95_ms: p95,
                p99_ms: p95,
                max_ms: p95,
                samples: 1,
            }),
            breaker_opened: false,
        }
    }

    #[test]
    fn knee_on_errors_latency_or_breaker() {
        let rule = KneeRule::default();
        let steps = vec![
            step(1, 20, 0, 10.0),
            step(2, 20, 0, 12.0),
            step(5, 8, 12, 15.0),
        ];
        let k = knee(&steps, rule).unwrap();
        assert_eq!(
            (k.concurrency, k.last_good, k.reason),
            (5, Some(2), "errors")
        );
        assert_eq!(k.detail, "12 of 20 attempts failed (503 x12)");
        // One failure in 20 is exactly the 5% threshold.
        let steps = vec![step(1, 20, 0, 10.0), step(2, 19, 1, 10.0)];
        assert_eq!(knee(&steps, rule).unwrap().concurrency, 2);
        // p95 tripled but by less than 100 ms: loopback noise, no knee.
        let steps = vec![step(1, 20, 0, 2.0), step(10, 20, 0, 9.0)];
        assert_eq!(knee(&steps, rule), None);
        let steps = vec![step(1, 20, 0, 50.0), step(10, 20, 0, 400.0)];
        assert_eq!(knee(&steps, rule).unwrap().reason, "latency");
        let mut broken = step(20, 20, 0, 50.0);
        broken.breaker_opened = true;
        let steps = vec![step(1, 20, 0, 50.0), broken];
        let k = knee(&steps, rule).unwrap();
        assert_eq!((k.concurrency, k.reason), (20, "breaker"));
    }
}
