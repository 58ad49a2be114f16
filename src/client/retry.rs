//! The retry policy: which failures are retried for which methods, per-class retry limits,
//! backoff delays and `Retry-After`.
//!
//! Rules, as in urllib3's `Retry` and cargo's network retry:
//! - connect failures (the server never saw the request) are retried for every method,
//!   except TLS errors, which are usually configuration problems;
//! - read failures and retryable statuses (429, 502, 503, 504 by default) are retried only
//!   for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE, TRACE);
//! - `Retry-After` on 429 and 503 is honoured (seconds or HTTP-date); a value above the cap
//!   stops retrying instead of retrying early.
//!
//! The retry budget, the breaker and the overall deadline are checked by the client, not here.

use super::attempt::{ErrorClass, Outcome, StopReason};
use super::backoff::Backoff;
use super::rng::SplitMix64;
use crate::model::Category;
use chrono::{DateTime, Utc};
use std::time::{Duration, SystemTime};
use ureq::http::Method;

/// Retry settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Total attempts per request, the first included. Default 3.
    pub max_attempts: u32,
    /// Retries allowed after connect failures, per request. Default 2.
    pub max_connect_retries: u32,
    /// Retries allowed after read failures, per request. Default 2.
    pub max_read_retries: u32,
    /// Retries allowed after retryable statuses, per request. Default 2.
    pub max_status_retries: u32,
    /// Statuses retried for idempotent methods. Default 429, 502, 503, 504.
    pub retry_statuses: Vec<u16>,
    /// Delays between attempts. Default 200 ms base, x2, 10 s cap, full jitter.
    pub backoff: Backoff,
    /// Longest `Retry-After` (on 429/503) the client waits for; longer ones stop retrying.
    /// Default 10 s.
    pub retry_after_cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            max_connect_retries: 2,
            max_read_retries: 2,
            max_status_retries: 2,
            retry_statuses: vec![429, 502, 503, 504],
            backoff: Backoff::default(),
            retry_after_cap: Duration::from_secs(10),
        }
    }
}

/// Retries used so far by one request, per error class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetryCounters {
    /// Retries after connect failures.
    pub connect: u32,
    /// Retries after read failures.
    pub read: u32,
    /// Retries after error statuses.
    pub status: u32,
}

impl RetryCounters {
    /// All retries so far.
    pub fn total(&self) -> u32 {
        self.connect + self.read + self.status
    }

    /// Retries so far for `class` (always 0 for [`ErrorClass::Other`]).
    pub fn used(&self, class: ErrorClass) -> u32 {
        match class {
            ErrorClass::Connect => self.connect,
            ErrorClass::Read => self.read,
            ErrorClass::Status => self.status,
            ErrorClass::Other => 0,
        }
    }

    /// Counts one more retry of `class`.
    pub fn bump(&mut self, class: ErrorClass) {
        match class {
            ErrorClass::Connect => self.connect += 1,
            ErrorClass::Read => self.read += 1,
            ErrorClass::Status => self.status += 1,
            ErrorClass::Other => {}
        }
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Try again after this delay.
    Retry {
        /// How long to wait first.
        delay: Duration,
    },
    /// Stop and report.
    Stop(StopReason),
}

/// True for the methods RFC 9110 defines as idempotent: GET, HEAD, OPTIONS, PUT, DELETE,
/// TRACE.
pub fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::PUT,
        Method::DELETE,
        Method::TRACE,
    ]
    .contains(method)
}

impl RetryPolicy {
    /// Whether `outcome` may ever be retried for `method`, limits aside.
    pub fn is_retryable(&self, method: &Method, outcome: &Outcome) -> bool {
        match outcome {
            Outcome::Response { status, .. } => {
                self.retry_statuses.contains(status) && is_idempotent(method)
            }
            Outcome::Error {
                class: ErrorClass::Connect,
                category,
                ..
            } => *category != Category::TlsError,
            Outcome::Error {
                class: ErrorClass::Read,
                ..
            } => is_idempotent(method),
            Outcome::Error { .. } => false,
        }
    }

    /// The per-request retry limit of `class`.
    pub fn class_limit(&self, class: ErrorClass) -> u32 {
        match class {
            ErrorClass::Connect => self.max_connect_retries,
            ErrorClass::Read => self.max_read_retries,
            ErrorClass::Status => self.max_status_retries,
            ErrorClass::Other => 0,
        }
    }

    /// Decides what follows attempt number `attempts_made` (1-based) that ended in
    /// `outcome`, given the retries already used.
    pub fn verdict(
        &self,
        method: &Method,
        outcome: &Outcome,
        attempts_made: u32,
        used: &RetryCounters,
        rng: &mut SplitMix64,
    ) -> Verdict {
        let class = match outcome {
            Outcome::Response { status, .. } if !self.retry_statuses.contains(status) => {
                return Verdict::Stop(StopReason::Completed);
            }
            Outcome::Response { .. } => ErrorClass::Status,
            Outcome::Error { class, .. } => *class,
        };
        if !self.is_retryable(method, outcome) {
            return Verdict::Stop(StopReason::NotRetryable);
        }
        if attempts_made >= self.max_attempts || used.used(class) >= self.class_limit(class) {
            return Verdict::Stop(StopReason::AttemptsExhausted);
        }
        let backoff = self.backoff.delay(used.total(), rng);
        match honoured_retry_after(outcome) {
            Some(wait) if wait > self.retry_after_cap => {
                Verdict::Stop(StopReason::RetryAfterTooLong)
            }
            Some(wait) => Verdict::Retry {
                delay: backoff.max(wait),
            },
            None => Verdict::Retry { delay: backoff },
        }
    }
}

/// The `Retry-After` of a 429 or 503 response; other statuses' values are ignored.
fn honoured_retry_after(outcome: &Outcome) -> Option<Duration> {
    match outcome {
        Outcome::Response {
            status: 429 | 503,
            retry_after,
        } => *retry_after,
        _ => None,
    }
}

/// Parses a `Retry-After` value: delay-seconds (`120`) or an HTTP-date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`, measured from `now`; a past date gives zero).
/// Returns `None` for anything else.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(Duration::from_secs);
    }
    let date = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    let now: DateTime<Utc> = now.into();
    Some((date - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::super::backoff::Jitter;
    use super::*;

    fn status(status: u16) -> Outcome {
        Outcome::Response {
            status,
            retry_after: None,
        }
    }

    fn status_after(status: u16, secs: u64) -> Outcome {
        Outcome::Response {
            status,
            retry_after: Some(Duration::from_secs(secs)),
        }
    }

    fn error(class: ErrorClass, category: Category) -> Outcome {
        Outcome::Error {
            class,
            category,
            message: String::new(),
        }
    }

    fn fixed() -> RetryPolicy {
        let backoff = Backoff {
            jitter: Jitter::None,
            ..Backoff::default()
        };
        RetryPolicy {
            backoff,
            ..RetryPolicy::default()
        }
    }

    fn verdict(policy: &RetryPolicy, method: Method, outcome: &Outcome, made: u32) -> Verdict {
        policy.verdict(
            &method,
            outcome,
            made,
            &RetryCounters::default(),
            &mut SplitMix64::new(1),
        )
    }

    fn retry(ms: u64) -> Verdict {
        Verdict::Retry {
            delay: Duration::from_millis(ms),
        }
    }

    #[test]
    fn idempotent_methods() {
        for m in [
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PUT,
            Method::DELETE,
        ] {
            assert!(is_idempotent(&m), "{m}");
        }
        assert!(is_idempotent(&Method::TRACE));
        assert!(!is_idempotent(&Method::POST));
        assert!(!is_idempotent(&Method::PATCH));
        assert!(!is_idempotent(&Method::CONNECT));
    }

    #[test]
    fn get_retries_connect_read_and_retryable_statuses() {
        let p = fixed();
        let refused = error(ErrorClass::Connect, Category::ConnectionRefused);
        assert_eq!(verdict(&p, Method::GET, &refused, 1), retry(200));
        let read = error(ErrorClass::Read, Category::ReadTimeout);
        assert_eq!(verdict(&p, Method::GET, &read, 1), retry(200));
        assert_eq!(verdict(&p, Method::GET, &status(503), 1), retry(200));
        assert_eq!(verdict(&p, Method::HEAD, &status(502), 1), retry(200));
    }

    #[test]
    fn post_is_retried_only_on_connect_errors() {
        let p = fixed();
        let timeout = error(ErrorClass::Connect, Category::ConnectTimeout);
        assert_eq!(verdict(&p, Method::POST, &timeout, 1), retry(200));
        let dns = error(ErrorClass::Connect, Category::DnsFailure);
        assert_eq!(verdict(&p, Method::POST, &dns, 1), retry(200));
        let read = error(ErrorClass::Read, Category::ReadTimeout);
        assert_eq!(
            verdict(&p, Method::POST, &read, 1),
            Verdict::Stop(StopReason::NotRetryable)
        );
        let reset = error(ErrorClass::Read, Category::ConnectionReset);
        assert_eq!(
            verdict(&p, Method::POST, &reset, 1),
            Verdict::Stop(StopReason::NotRetryable)
        );
        let busy = status(503);
        assert_eq!(
            verdict(&p, Method::POST, &busy, 1),
            Verdict::Stop(StopReason::NotRetryable)
        );
        let patch = Method::PATCH;
        assert_eq!(
            verdict(&p, patch, &read, 1),
            Verdict::Stop(StopReason::NotRetryable)
        );
    }

    #[test]
    fn final_responses_tls_and_local_errors_are_not_retried() {
        let p = fixed();
        for s in [200, 204, 301, 404, 500] {
            assert_eq!(
                verdict(&p, Method::GET, &status(s), 1),
                Verdict::Stop(StopReason::Completed)
            );
        }
        let tls = error(ErrorClass::Connect, Category::TlsError);
        assert_eq!(
            verdict(&p, Method::GET, &tls, 1),
            Verdict::Stop(StopReason::NotRetryable)
        );
        let other = error(ErrorClass::Other, Category::HttpError);
        assert_eq!(
            verdict(&p, Method::GET, &other, 1),
            Verdict::Stop(StopReason::NotRetryable)
        );
    }

    #[test]
    fn attempts_and_per_class_limits() {
        let p = RetryPolicy {
            max_attempts: 5,
            max_read_retries: 1,
            ..fixed()
        };
        let read = error(ErrorClass::Read, Category::ReadTimeout);
        let mut used = RetryCounters::default();
        let mut rng = SplitMix64::new(1);
        assert!(matches!(
            p.verdict(&Method::GET, &read, 1, &used, &mut rng),
            Verdict::Retry { .. }
        ));
        used.bump(ErrorClass::Read);
        let exhausted = Verdict::Stop(StopReason::AttemptsExhausted);
        assert_eq!(
            p.verdict(&Method::GET, &read, 2, &used, &mut rng),
            exhausted
        );
        // The read limit does not limit connect retries; the total does.
        let refused = error(ErrorClass::Connect, Category::ConnectionRefused);
        let v = p.verdict(&Method::GET, &refused, 2, &used, &mut rng);
        assert_eq!(v, retry(400), "second retry overall: ceiling 400 ms");
        assert_eq!(
            p.verdict(&Method::GET, &refused, 5, &used, &mut rng),
            exhausted
        );
        let default = fixed();
        assert_eq!(verdict(&default, Method::GET, &status(503), 3), exhausted);
    }

    #[test]
    fn retry_after_is_honoured_on_429_and_503_up_to_the_cap() {
        let p = fixed();
        assert_eq!(
            verdict(&p, Method::GET, &status_after(503, 2), 1),
            retry(2000)
        );
        assert_eq!(
            verdict(&p, Method::GET, &status_after(429, 1), 1),
            retry(1000)
        );
        assert_eq!(
            verdict(&p, Method::GET, &status_after(429, 10), 1),
            retry(10_000)
        );
        let too_long = Verdict::Stop(StopReason::RetryAfterTooLong);
        assert_eq!(
            verdict(&p, Method::GET, &status_after(429, 11), 1),
            too_long
        );
        // 502 does not carry Retry-After semantics here: plain backoff.
        assert_eq!(
            verdict(&p, Method::GET, &status_after(502, 7), 1),
            retry(200)
        );
        // Backoff longer than Retry-After wins.
        let used = RetryCounters {
            status: 4,
            ..RetryCounters::default()
        };
        let p = RetryPolicy {
            max_attempts: 9,
            max_status_retries: 9,
            ..p
        };
        let v = p.verdict(
            &Method::GET,
            &status_after(503, 1),
            5,
            &used,
            &mut SplitMix64::new(1),
        );
        assert_eq!(v, retry(3200));
    }

    #[test]
    fn parse_retry_after_seconds_and_dates() {
        // 2015-10-21 07:28:00 UTC
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        let later = "Wed, 21 Oct 2015 07:28:30 GMT";
        assert_eq!(parse_retry_after(later, now), Some(Duration::from_secs(30)));
        let past = "Wed, 21 Oct 2015 07:27:00 GMT";
        assert_eq!(parse_retry_after(past, now), Some(Duration::ZERO));
        for bad in ["", "-5", "1.5", "soon", "Wed, 99 Oct 2015 07:28:00 GMT"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }
}
