//! Numbers a probe reports, computed from the attempts it made: latency percentiles, the
//! outcome mix, the health verdict and the capacity knee of a ramp. Pure functions over
//! plain data, unit-tested without a network. They send nothing and print nothing.

use crate::client::attempt::is_failure_status;
use crate::client::{Attempt, Outcome};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

pub use crate::model::Health;

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

/// The verdict over the health phase's attempts. `slow_ms` is the p95 above which answers
/// count as degraded.
pub fn health(attempts: &[&Attempt], circuit_opened: bool, slow_ms: f64) -> Health {
    let ok = attempts.iter().filter(|a| answered(a)).count();
    if ok == 0 {
        return Health::Down;
    }
    if health_path_missing(attempts) {
        return Health::Degraded;
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
    /// Most attempts that were on the wire at once (from the attempts' send and end times;
    /// workers waiting for the rate limiter are not in flight).
    pub peak_in_flight: u32,
    /// What kept `peak_in_flight` below `concurrency`: `rate` (the rate limit spaced the
    /// attempts so that fewer overlapped) or `requests_per_step` (fewer attempts than
    /// workers); absent when the step reached its level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capped_by: Option<&'static str>,
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

/// The most attempts on the wire at once: a sweep over their `[at, at + latency)` spans.
pub fn peak_on_wire(attempts: &[&Attempt]) -> u32 {
    let mut edges: Vec<(Duration, i32)> = Vec::with_capacity(attempts.len() * 2);
    for a in attempts {
        edges.push((a.at, 1));
        edges.push((a.at + a.latency, -1));
    }
    // An attempt that ends exactly when another starts does not overlap it.
    edges.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(&y.1)));
    let (mut now, mut peak) = (0i32, 0i32);
    for (_, d) in edges {
        now += d;
        peak = peak.max(now);
    }
    peak.max(0) as u32
}

/// What capped a step below its concurrency, if anything: the rate limiter when it made
/// workers wait during the step, else too few attempts per step (`per_step`, as configured:
/// a step the breaker cut short was not capped).
pub fn cap_of(
    concurrency: u32,
    peak: u32,
    per_step: u64,
    rate_waited: bool,
) -> Option<&'static str> {
    if peak >= concurrency {
        None
    } else if rate_waited {
        Some("rate")
    } else if per_step < u64::from(concurrency) {
        Some("requests_per_step")
    } else {
        None
    }
}

/// The `--rate` that lets every capped step reach its concurrency: by Little's law a level
/// of C in flight with attempts of L seconds needs C / L attempts per second (1.5 times that
/// for headroom, rounded up to two significant digits). `None` when no step was capped by
/// the rate or none has a latency.
pub fn rate_needed(steps: &[Step], health_p50_ms: Option<f64>) -> Option<f64> {
    steps
        .iter()
        .filter(|s| s.capped_by == Some("rate"))
        .filter_map(|s| {
            let ms = s.latency.map(|l| l.p50_ms).or(health_p50_ms)?.max(1.0);
            Some(f64::from(s.concurrency) * 1000.0 / ms * 1.5)
        })
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
        .map(round_up_2)
}

/// Rounds up to two significant digits, at least 10 (14160 -> 15000, 57 -> 57).
fn round_up_2(v: f64) -> f64 {
    let v = v.max(10.0);
    let step = 10f64.powi(v.log10().floor() as i32 - 1);
    (v / step).ceil() * step
}

/// True when every health attempt was answered 404: the path is not a health endpoint, so
/// the answers prove the server up but say nothing about its health.
pub fn health_path_missing(attempts: &[&Attempt]) -> bool {
    !attempts.is_empty() && attempts.iter().all(|a| a.status() == Some(404))
}

/// [`health_path_missing`] over counted outcomes: every attempt was a 404.
pub fn health_path_missing_key(outcomes: &BTreeMap<String, u64>) -> bool {
    !outcomes.is_empty() && outcomes.keys().all(|k| k == "404")
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
            capped_by: None,
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

    fn at(start_ms: u64, latency_ms: u64) -> Attempt {
        let mut a = status(200, latency_ms);
        a.at = Duration::from_millis(start_ms);
        a
    }

    #[test]
    fn peak_on_the_wire_counts_overlapping_spans_only() {
        // Spaced by a rate limit: one after the other, never two at once.
        let spaced: Vec<Attempt> = (0..5).map(|i| at(i * 50, 10)).collect();
        assert_eq!(peak_on_wire(&spaced.iter().collect::<Vec<_>>()), 1);
        // Back to back (one ends as the next starts): still one.
        let chained: Vec<Attempt> = (0..3).map(|i| at(i * 10, 10)).collect();
        assert_eq!(peak_on_wire(&chained.iter().collect::<Vec<_>>()), 1);
        // Three overlap at 25 ms.
        let burst = [at(0, 30), at(10, 30), at(20, 30), at(100, 5)];
        assert_eq!(peak_on_wire(&burst.iter().collect::<Vec<_>>()), 3);
        assert_eq!(peak_on_wire(&[]), 0);
    }

    #[test]
    fn a_cap_is_named_only_below_the_level() {
        assert_eq!(cap_of(5, 5, 20, true), None);
        assert_eq!(cap_of(20, 2, 20, true), Some("rate"));
        assert_eq!(cap_of(50, 20, 20, false), Some("requests_per_step"));
        assert_eq!(cap_of(5, 4, 20, false), None, "thread start-up, not a cap");
    }

    #[test]
    fn the_rate_needed_follows_littles_law() {
        let mut capped = step(50, 20, 0, 10.0);
        capped.capped_by = Some("rate");
        // 50 in flight at 10 ms each: 5000/s, 1.5 times for headroom.
        assert_eq!(
            rate_needed(&[step(1, 20, 0, 10.0), capped.clone()], None),
            Some(7500.0)
        );
        capped.latency = None;
        assert_eq!(rate_needed(&[capped.clone()], Some(200.0)), Some(380.0));
        assert_eq!(rate_needed(&[capped], None), None);
        assert_eq!(rate_needed(&[step(5, 20, 0, 10.0)], Some(1.0)), None);
        assert_eq!(round_up_2(14160.0), 15000.0);
        assert_eq!(round_up_2(3.0), 10.0);
    }

    #[test]
    fn a_404_on_every_health_request_is_not_healthy() {
        let all_404: Vec<Attempt> = (0..5).map(|_| status(404, 5)).collect();
        let refs: Vec<&Attempt> = all_404.iter().collect();
        assert!(health_path_missing(&refs));
        assert_eq!(health(&refs, false, 2000.0), Health::Degraded);
        let mixed = [status(404, 5), status(200, 5)];
        let refs: Vec<&Attempt> = mixed.iter().collect();
        assert!(!health_path_missing(&refs));
        assert_eq!(health(&refs, false, 2000.0), Health::Healthy);
    }
}
