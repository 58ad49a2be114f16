//! `rca probe`: re-probes a suspect server with the resilient client ([`crate::client`]) and
//! says whether it is healthy, degraded or down, and, with a ramp, where it stops keeping
//! up with concurrency.
//!
//! A probe has two phases per target:
//! 1. **Health**: a few sequential GETs (or HEADs) through the client's retry policy, after a
//!    preflight that times the DNS lookup and the TCP connect on their own.
//! 2. **Ramp** (optional): steps of rising concurrency, `requests_per_step` single attempts
//!    each (no retries, so the success rate measures the server, not the retry policy). The
//!    ramp stops at the first step in which the circuit breaker opens.
//!
//! Hard bounds hold whatever the server does: a total attempt cap shared by all targets
//! (attempts are reserved before they are sent, so concurrent workers cannot overshoot), a
//! total time cap, the client's rate limit, and the circuit breaker, which ends a target's
//! probe as soon as it opens (a dead server sees about five attempts). Only GET and HEAD
//! are ever sent, redirects are not followed, and TLS certificates are verified unless
//! `insecure` is set.
//!
//! It does not implement retries, limits or the breaker (the client, [`crate::client`]) nor
//! print results ([`crate::report::probe`]).

pub mod fold;
pub mod stats;
pub mod targets;
pub mod tls;

use crate::client::{
    Attempt, BreakerState, Client, ClientConfig, Outcome, RateLimit, Request, StopReason,
    Transition, TransitionReason,
};
use serde::Serialize;
use stats::{Health, Knee, KneeRule, Latency, Step};
use std::collections::BTreeMap;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};
use ureq::http::{Method, Uri};

/// Everything a probe may do, with its bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeConfig {
    /// Health requests per target. Default 5.
    pub health_requests: u32,
    /// Concurrency steps of the ramp; empty: no ramp.
    pub ramp: Vec<u32>,
    /// Attempts per ramp step. Default 20.
    pub requests_per_step: u32,
    /// Attempts on the wire for the whole probe, all targets together. Default 300.
    pub max_requests: u64,
    /// Wall time for the whole probe. Default 60 s.
    pub max_time: Duration,
    /// Attempts per second, all workers of a target together. Default 20.
    pub rate: f64,
    /// GET or HEAD.
    pub method: Method,
    /// Accept any TLS certificate.
    pub insecure: bool,
    /// DNS + TCP connect + TLS handshake limit. Default 3 s.
    pub connect_timeout: Duration,
    /// Limit for each read. Default 10 s.
    pub read_timeout: Duration,
    /// Health answers slower than this (p95) make a target `degraded`. Default 2 s.
    pub slow: Duration,
    /// What marks the capacity knee of a ramp.
    pub knee: KneeRule,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig {
            health_requests: 5,
            ramp: Vec::new(),
            requests_per_step: 20,
            max_requests: 300,
            max_time: Duration::from_secs(60),
            rate: 20.0,
            method: Method::GET,
            insecure: false,
            connect_timeout: Duration::from_secs(3),
            read_timeout: Duration::from_secs(10),
            slow: Duration::from_secs(2),
            knee: KneeRule::default(),
        }
    }
}

/// DNS and TCP connect times measured by the preflight (one connection, no request).
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Timings {
    /// Name lookup; `None` when it failed or timed out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_ms: Option<f64>,
    /// TCP connect to the first address; `None` when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_ms: Option<f64>,
    /// TLS handshake (https only) over the preflight connection; `None` when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_ms: Option<f64>,
    /// Why the preflight failed, when it did (e.g. "connection refused").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preflight_error: Option<String>,
    /// Median time to the response head of the health requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_byte_p50_ms: Option<f64>,
}

/// A breaker state change, for the report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BreakerChange {
    /// Milliseconds since the target's probe started.
    pub at_ms: u64,
    /// `closed`, `open` or `half_open`.
    pub from: &'static str,
    /// `closed`, `open` or `half_open`.
    pub to: &'static str,
    /// Why, e.g. "5 failures in a row".
    pub reason: String,
}

/// The result of probing one URL.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TargetReport {
    /// The URL probed.
    pub url: String,
    /// `healthy`, `degraded` or `down` (from the health phase).
    pub verdict: Health,
    /// Attempts sent to the server, both phases.
    pub requests_sent: u64,
    /// The circuit breaker opened (the probe of this target stopped there).
    pub circuit_opened: bool,
    /// Latency of the health attempts that got a response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<Latency>,
    /// Health attempts per status or failure category.
    pub outcomes: BTreeMap<String, u64>,
    /// Preflight and first-byte timings.
    pub timings: Timings,
    /// Ramp steps run.
    pub steps: Vec<Step>,
    /// The first ramp step past the capacity knee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub knee: Option<Knee>,
    /// What cut the probe short: `breaker`, `request_cap`, `time_cap`, or `retry_after`
    /// (the server asked for a longer wait than the client's `Retry-After` cap).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_by: Option<&'static str>,
    /// With `stopped_by: retry_after`: the wait the server asked for, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
    /// Breaker state changes.
    pub breaker_transitions: Vec<BreakerChange>,
    /// The `--rate` the ramp needs to reach every step's concurrency, when the rate limit
    /// capped a step below it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested_rate: Option<f64>,
    /// What makes this probe less than it looks: ramp steps capped below their
    /// concurrency, a health path that answered 404 every time.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The attempt cap shared by every worker and target: attempts are reserved before they are
/// sent and unused reservations are given back.
#[derive(Debug)]
pub struct AttemptCap {
    left: AtomicU64,
}

impl AttemptCap {
    /// A cap of `n` attempts.
    pub fn new(n: u64) -> Self {
        AttemptCap {
            left: AtomicU64::new(n),
        }
    }

    /// Reserves up to `want` attempts; returns how many were granted (0 when spent).
    pub fn reserve(&self, want: u64) -> u64 {
        let mut granted = 0;
        let _ = self
            .left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                granted = left.min(want);
                Some(left - granted)
            });
        granted
    }

    /// Gives back `n` reserved attempts that were not sent.
    pub fn release(&self, n: u64) {
        self.left.fetch_add(n, Ordering::SeqCst);
    }
}

/// Checks what the user asked to probe: absolute http(s) URLs with a host.
pub fn validate_url(url: &str) -> Result<(), String> {
    let uri: Uri = url
        .parse()
        .map_err(|e| format!("{url:?}: not a URL ({e})"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => {
            return Err(format!(
                "{url:?}: only http:// and https:// URLs can be probed"
            ));
        }
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(format!("{url:?}: the URL has no host"));
    }
    Ok(())
}

/// Probes every URL in turn, within the shared bounds.
pub fn probe_all(urls: &[String], cfg: &ProbeConfig) -> Result<Vec<TargetReport>, String> {
    for u in urls {
        validate_url(u)?;
    }
    if cfg.method != Method::GET && cfg.method != Method::HEAD {
        return Err("only GET and HEAD can be probed".to_string());
    }
    let cap = AttemptCap::new(cfg.max_requests);
    let deadline = Instant::now() + cfg.max_time;
    urls.iter()
        .map(|u| probe_one(u, cfg, &cap, deadline))
        .collect()
}

fn client_for(cfg: &ProbeConfig) -> Result<Client, String> {
    let widest = cfg.ramp.iter().copied().max().unwrap_or(1).max(1) as usize;
    let config = ClientConfig {
        connect_timeout: cfg.connect_timeout,
        read_timeout: cfg.read_timeout,
        overall_timeout: (cfg.connect_timeout + cfg.read_timeout * 2).min(cfg.max_time),
        max_in_flight: widest,
        slot_wait: cfg.read_timeout + cfg.connect_timeout,
        pool_max_idle: widest,
        pool_max_idle_per_host: widest,
        rate_limit: Some(RateLimit {
            per_second: cfg.rate,
            burst: (cfg.rate / 2.0).clamp(1.0, 50.0) as u32,
        }),
        max_redirects: 0,
        tls_verify: !cfg.insecure,
        ..ClientConfig::default()
    };
    Client::new(config).map_err(|e| e.to_string())
}

/// Why a probe stopped early, checked before every attempt.
fn limit_hit(client: &Client, deadline: Instant) -> Option<&'static str> {
    if client.breaker_state() == Some(BreakerState::Open) {
        Some("breaker")
    } else if Instant::now() >= deadline {
        Some("time_cap")
    } else {
        None
    }
}

fn probe_one(
    url: &str,
    cfg: &ProbeConfig,
    cap: &AttemptCap,
    deadline: Instant,
) -> Result<TargetReport, String> {
    let client = client_for(cfg)?;
    let started = client.clock().now();
    let mut timings = preflight(url, cfg.connect_timeout, cfg.insecure);
    let (health_attempts, mut stopped) = health_phase(url, cfg, &client, cap, deadline);
    let retry_after_s = (stopped == Some("retry_after"))
        .then(|| asked_wait(&health_attempts))
        .flatten();
    let refs: Vec<&Attempt> = health_attempts.iter().collect();
    let circuit_now = client.breaker_state() == Some(BreakerState::Open);
    let verdict = stats::health(&refs, circuit_now, cfg.slow.as_secs_f64() * 1000.0);
    timings.first_byte_p50_ms = first_byte_p50(&refs);
    let mut steps = Vec::new();
    if stopped.is_none() && verdict != Health::Down {
        for &c in &cfg.ramp {
            let (step, why) = ramp_step(url, cfg, &client, cap, deadline, c);
            let opened = step.breaker_opened;
            steps.push(step);
            if why.is_some() || opened {
                stopped = why.or(Some("breaker"));
                break;
            }
        }
    }
    let transitions = client.transitions();
    let knee = stats::knee(&steps, cfg.knee);
    let ramp_sent: u64 = steps.iter().map(|s| s.requests).sum();
    let suggested_rate = stats::rate_needed(&steps, timings.first_byte_p50_ms);
    let mut warnings = cap_warnings(&steps, cfg, suggested_rate);
    if stats::health_path_missing(&refs) {
        warnings.push(format!(
            "every health request got 404 from {}: not a health endpoint, so the server is up but its health is unknown; point the probe at a health path (--health-path with rca analyze --probe, the URL's path with rca probe)",
            path_of(url)
        ));
    }
    Ok(TargetReport {
        url: url.to_string(),
        verdict,
        requests_sent: health_attempts.len() as u64 + ramp_sent,
        circuit_opened: transitions.iter().any(|t| t.to == BreakerState::Open),
        latency: stats::latency(&refs),
        outcomes: stats::outcome_counts(&refs),
        timings,
        steps,
        knee,
        stopped_by: stopped,
        retry_after_s,
        breaker_transitions: transitions.iter().map(|t| change(t, started)).collect(),
        suggested_rate,
        warnings,
    })
}

/// The path of a URL (`/` when it has none), for messages.
fn path_of(url: &str) -> String {
    url.parse::<Uri>()
        .ok()
        .map(|u| u.path().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "/".to_string())
}

/// One warning per reason ramp steps stayed below their concurrency, with the flag that
/// lifts it.
fn cap_warnings(steps: &[Step], cfg: &ProbeConfig, suggested_rate: Option<f64>) -> Vec<String> {
    let mut out = Vec::new();
    let by_rate: Vec<&Step> = steps
        .iter()
        .filter(|s| s.capped_by == Some("rate"))
        .collect();
    if let Some(top) = by_rate.iter().max_by_key(|s| s.concurrency) {
        out.push(format!(
            "the rate limit ({}/s) kept {} of {} ramp step(s) below their concurrency (at concurrency {}: at most {} on the wire): those levels were not tested{}",
            trim_rate(cfg.rate),
            by_rate.len(),
            steps.len(),
            top.concurrency,
            top.peak_in_flight,
            suggested_rate
                .map(|r| format!("; rerun with --rate {}", trim_rate(r)))
                .unwrap_or_default()
        ));
    }
    // Known before sending: a step with more workers than attempts cannot reach its level.
    let by_count: Vec<&Step> = steps
        .iter()
        .filter(|s| s.concurrency > cfg.requests_per_step)
        .collect();
    if let Some(top) = by_count.iter().max_by_key(|s| s.concurrency) {
        out.push(format!(
            "{} ramp step(s) had fewer attempts ({}) than workers and could not reach their concurrency; rerun with --requests {}",
            by_count.len(),
            cfg.requests_per_step,
            top.concurrency * 2
        ));
    }
    out
}

fn trim_rate(r: f64) -> String {
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r}")
    }
}

/// Sequential health requests, each with the client's retries, until done or stopped. A
/// server that asks (`Retry-After`) for a longer wait than the client's cap ends the
/// target's probe there: sending the next health request at once would ignore it, and
/// waiting as long as it asks could outlast any sensible probe.
fn health_phase(
    url: &str,
    cfg: &ProbeConfig,
    client: &Client,
    cap: &AttemptCap,
    deadline: Instant,
) -> (Vec<Attempt>, Option<&'static str>) {
    let per_request = u64::from(client.config().retry.max_attempts.max(1));
    let mut attempts = Vec::new();
    for _ in 0..cfg.health_requests {
        if let Some(why) = limit_hit(client, deadline) {
            return (attempts, Some(why));
        }
        let granted = cap.reserve(per_request);
        if granted == 0 {
            return (attempts, Some("request_cap"));
        }
        let request = Request::new(cfg.method.clone(), url).max_attempts(granted as u32);
        let result = client.send(&request);
        cap.release(granted.saturating_sub(result.attempts.len() as u64));
        attempts.extend(result.attempts);
        if result.stop == StopReason::RetryAfterTooLong {
            return (attempts, Some("retry_after"));
        }
    }
    (
        attempts,
        limit_hit(client, deadline).filter(|w| *w == "breaker"),
    )
}

/// One ramp step: `concurrency` workers share `requests_per_step` single attempts.
fn ramp_step(
    url: &str,
    cfg: &ProbeConfig,
    client: &Client,
    cap: &AttemptCap,
    deadline: Instant,
    concurrency: u32,
) -> (Step, Option<&'static str>) {
    let todo = AtomicU64::new(u64::from(cfg.requests_per_step));
    let stop = AtomicBool::new(false);
    let why: Mutex<Option<&'static str>> = Mutex::new(None);
    let attempts: Mutex<Vec<Attempt>> = Mutex::new(Vec::new());
    let opened_before = opened_count(client);
    let waited_before = client.stats().rate_limit_wait;
    std::thread::scope(|scope| {
        for _ in 0..concurrency.max(1) {
            scope.spawn(|| {
                loop {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    if todo
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_err()
                    {
                        return;
                    }
                    let hit = limit_hit(client, deadline)
                        .or_else(|| (cap.reserve(1) == 0).then_some("request_cap"));
                    if let Some(w) = hit {
                        stop.store(true, Ordering::SeqCst);
                        let mut slot = why.lock().unwrap_or_else(PoisonError::into_inner);
                        slot.get_or_insert(w);
                        return;
                    }
                    let result =
                        client.send(&Request::new(cfg.method.clone(), url).max_attempts(1));
                    cap.release(1u64.saturating_sub(result.attempts.len() as u64));
                    attempts
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .extend(result.attempts);
                }
            });
        }
    });
    let attempts = attempts
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    let refs: Vec<&Attempt> = attempts.iter().collect();
    let ok = refs.iter().filter(|a| stats::answered(a)).count() as u64;
    let requests = refs.len() as u64;
    let why = why.into_inner().unwrap_or_else(PoisonError::into_inner);
    let peak = stats::peak_on_wire(&refs);
    let rate_waited = client.stats().rate_limit_wait > waited_before;
    let step = Step {
        concurrency,
        peak_in_flight: peak,
        capped_by: stats::cap_of(
            concurrency,
            peak,
            u64::from(cfg.requests_per_step),
            rate_waited,
        ),
        requests,
        ok,
        success_rate: if requests == 0 {
            0.0
        } else {
            (ok as f64 / requests as f64 * 1000.0).round() / 1000.0
        },
        outcomes: stats::outcome_counts(&refs),
        latency: stats::latency(&refs),
        breaker_opened: opened_count(client) > opened_before,
    };
    (step, why.filter(|w| *w != "breaker"))
}

/// The `Retry-After` of the last attempt that carried one, in whole seconds.
fn asked_wait(attempts: &[Attempt]) -> Option<u64> {
    attempts.iter().rev().find_map(|a| match &a.outcome {
        Outcome::Response {
            retry_after: Some(d),
            ..
        } => Some(d.as_secs()),
        _ => None,
    })
}

fn opened_count(client: &Client) -> usize {
    client
        .transitions()
        .iter()
        .filter(|t| t.to == BreakerState::Open)
        .count()
}

fn first_byte_p50(attempts: &[&Attempt]) -> Option<f64> {
    let mut v: Vec<f64> = attempts
        .iter()
        .filter_map(|a| a.head_latency.map(stats::ms))
        .collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[(v.len() - 1) / 2])
}

/// Times the DNS lookup, a bare TCP connect and, for https, the TLS handshake (then closes
/// the connection: no request is sent). The lookup runs on its own thread so that a stuck
/// resolver cannot outlive the timeout.
fn preflight(url: &str, timeout: Duration, insecure: bool) -> Timings {
    let mut t = Timings::default();
    let Ok(uri) = url.parse::<Uri>() else {
        return t;
    };
    let host = uri
        .host()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_string();
    let port = uri
        .port_u16()
        .unwrap_or(if uri.scheme_str() == Some("https") {
            443
        } else {
            80
        });
    let (tx, rx) = mpsc::channel();
    let began = Instant::now();
    std::thread::spawn(move || {
        let _ = tx.send(
            (host.as_str(), port)
                .to_socket_addrs()
                .map(|a| a.collect::<Vec<_>>()),
        );
    });
    let addrs = match rx.recv_timeout(timeout) {
        Ok(Ok(a)) if !a.is_empty() => a,
        Ok(Ok(_)) => {
            t.preflight_error = Some("the name resolved to no address".to_string());
            return t;
        }
        Ok(Err(e)) => {
            t.preflight_error = Some(format!("name lookup failed: {e}"));
            return t;
        }
        Err(_) => {
            t.preflight_error = Some("name lookup timed out".to_string());
            return t;
        }
    };
    t.dns_ms = Some(stats::ms(began.elapsed()));
    let began = Instant::now();
    let stream = match TcpStream::connect_timeout(&addrs[0], timeout) {
        Ok(s) => s,
        Err(e) => {
            t.preflight_error = Some(format!("connect failed: {e}"));
            return t;
        }
    };
    t.connect_ms = Some(stats::ms(began.elapsed()));
    if uri.scheme_str() == Some("https") {
        let host = uri.host().unwrap_or_default().trim_matches(['[', ']']);
        match tls::handshake(stream, host, insecure, timeout) {
            Ok(d) => t.tls_ms = Some(stats::ms(d)),
            Err(e) => t.preflight_error = Some(e),
        }
    }
    t
}

fn state_id(s: BreakerState) -> &'static str {
    match s {
        BreakerState::Closed => "closed",
        BreakerState::Open => "open",
        BreakerState::HalfOpen => "half_open",
    }
}

fn change(t: &Transition, started: Duration) -> BreakerChange {
    BreakerChange {
        at_ms: t.at.saturating_sub(started).as_millis() as u64,
        from: state_id(t.from),
        to: state_id(t.to),
        reason: match t.reason {
            TransitionReason::ConsecutiveFailures(n) => format!("{n} failures in a row"),
            TransitionReason::FailureRate { failures, calls } => {
                format!("{failures} of {calls} calls failed")
            }
            TransitionReason::OpenElapsed => "open period elapsed".to_string(),
            TransitionReason::TrialFailed => "a trial call failed".to_string(),
            TransitionReason::TrialsSucceeded => "trial calls succeeded".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_grants_at_most_what_is_left() {
        let cap = AttemptCap::new(5);
        assert_eq!(cap.reserve(3), 3);
        assert_eq!(cap.reserve(3), 2);
        assert_eq!(cap.reserve(1), 0);
        cap.release(1);
        assert_eq!(cap.reserve(3), 1);
    }

    #[test]
    fn only_http_urls_with_a_host() {
        assert!(validate_url("http://127.0.0.1:8080/health").is_ok());
        assert!(validate_url("https://[::1]:8443/").is_ok());
        assert!(validate_url("ftp://127.0.0.1/").is_err());
        assert!(validate_url("127.0.0.1:8080").is_err());
        assert!(validate_url("http:///x").is_err());
    }
}
