//! Health checks: one GET (single attempt, no retries) of a path, judged healthy or unhealthy
//! with its timings.
//!
//! A check is healthy when the server answered with an expected status within the latency
//! limit. Otherwise the [`Problem`] says why: an unexpected status, a slow answer, a transport
//! failure (with its `rca` category) or no attempt at all (breaker open, no free slot). The
//! check goes through the client, so the breaker, limits and rate limiter apply to it too.
//! It does not probe or ramp: repeated checks and the health verdict of a target are
//! [`crate::probe`]'s.

use super::Client;
use super::attempt::{RequestResult, StopReason};
use super::request::Request;
use crate::model::Category;
use std::ops::RangeInclusive;
use std::time::{Duration, SystemTime};
use ureq::http::Method;

/// What to request and what counts as healthy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthCheck {
    /// The path appended to the base URL. Default `/`.
    pub path: String,
    /// The method. Default GET (HEAD also makes sense).
    pub method: Method,
    /// Statuses that count as healthy. Default 200..=299.
    pub healthy_statuses: RangeInclusive<u16>,
    /// Slower answers are unhealthy. Default 2 s; `None` disables.
    pub max_latency: Option<Duration>,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck {
            path: "/".to_string(),
            method: Method::GET,
            healthy_statuses: 200..=299,
            max_latency: Some(Duration::from_secs(2)),
        }
    }
}

/// Why a check was unhealthy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The server answered with a status outside `healthy_statuses`.
    Status(u16),
    /// The answer took `latency`, above `limit`.
    Slow {
        /// How long it took.
        latency: Duration,
        /// The configured limit.
        limit: Duration,
    },
    /// The attempt failed with this category (e.g. `connect_timeout`).
    Failed(Category),
    /// No attempt was made, for this reason (e.g. the breaker is open).
    NotSent(StopReason),
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthReport {
    /// The URL checked.
    pub url: String,
    /// True when there is no problem.
    pub healthy: bool,
    /// Why it is unhealthy.
    pub problem: Option<Problem>,
    /// The status, if the server answered.
    pub status: Option<u16>,
    /// Attempt latency (through the body), if an attempt was made.
    pub latency: Option<Duration>,
    /// Time to the response head, if a response arrived.
    pub head_latency: Option<Duration>,
    /// When the check started, on the client clock.
    pub at: Duration,
    /// When the check started, on the wall clock.
    pub wall: SystemTime,
    /// The underlying request result.
    pub result: RequestResult,
}

impl HealthCheck {
    /// A check of `path` with the other defaults.
    pub fn path(path: impl Into<String>) -> Self {
        HealthCheck {
            path: path.into(),
            ..HealthCheck::default()
        }
    }

    /// The URL of this check under `base_url` (slashes joined once).
    pub fn url(&self, base_url: &str) -> String {
        let base = base_url.trim_end_matches('/');
        let path = self.path.trim_start_matches('/');
        format!("{base}/{path}")
    }

    /// Runs the check against `base_url` with a single attempt.
    pub fn run(&self, client: &Client, base_url: &str) -> HealthReport {
        let request = Request::new(self.method.clone(), self.url(base_url)).max_attempts(1);
        let result = client.send(&request);
        let wall = client.clock().wall(result.started);
        self.judge(result, wall)
    }

    /// Judges a finished request (pure: no I/O).
    pub fn judge(&self, result: RequestResult, wall: SystemTime) -> HealthReport {
        let last = result.last();
        let status = result.status();
        let latency = last.map(|a| a.latency);
        let head_latency = last.and_then(|a| a.head_latency);
        let problem = match (last, status, latency) {
            (None, _, _) => Some(Problem::NotSent(result.stop.clone())),
            (Some(a), None, _) => {
                Some(Problem::Failed(a.category().unwrap_or(Category::HttpError)))
            }
            (_, Some(s), _) if !self.healthy_statuses.contains(&s) => Some(Problem::Status(s)),
            (_, _, Some(l)) => self
                .max_latency
                .filter(|limit| l > *limit)
                .map(|limit| Problem::Slow { latency: l, limit }),
            _ => None,
        };
        HealthReport {
            url: result.url.clone(),
            healthy: problem.is_none(),
            problem,
            status,
            latency,
            head_latency,
            at: result.started,
            wall,
            result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::attempt::{Attempt, ErrorClass, Outcome};

    fn result(outcome: Option<Outcome>, latency_ms: u64, stop: StopReason) -> RequestResult {
        let attempts = outcome.into_iter().map(|outcome| Attempt {
            number: 1,
            at: Duration::ZERO,
            wall: SystemTime::UNIX_EPOCH,
            latency: Duration::from_millis(latency_ms),
            head_latency: Some(Duration::from_millis(latency_ms / 2)),
            outcome,
            slow: false,
            delay_after: None,
        });
        RequestResult {
            method: Method::GET,
            url: "http://127.0.0.1:1/health".into(),
            attempts: attempts.collect(),
            stop,
            body: Vec::new(),
            started: Duration::from_secs(1),
            elapsed: Duration::ZERO,
        }
    }

    fn judge(outcome: Option<Outcome>, latency_ms: u64, stop: StopReason) -> HealthReport {
        HealthCheck::default().judge(result(outcome, latency_ms, stop), SystemTime::UNIX_EPOCH)
    }

    fn status(status: u16) -> Option<Outcome> {
        Some(Outcome::Response {
            status,
            retry_after: None,
        })
    }

    #[test]
    fn urls_join_with_one_slash() {
        assert_eq!(
            HealthCheck::path("/health").url("http://h:1/"),
            "http://h:1/health"
        );
        assert_eq!(
            HealthCheck::path("health").url("http://h:1"),
            "http://h:1/health"
        );
        assert_eq!(HealthCheck::default().url("http://h:1"), "http://h:1/");
    }

    #[test]
    fn a_fast_2xx_is_healthy_with_timings() {
        let r = judge(status(200), 40, StopReason::Completed);
        assert!(r.healthy);
        assert_eq!(r.problem, None);
        assert_eq!(
            (r.status, r.latency),
            (Some(200), Some(Duration::from_millis(40)))
        );
        assert_eq!(r.head_latency, Some(Duration::from_millis(20)));
        assert_eq!(r.at, Duration::from_secs(1));
    }

    #[test]
    fn bad_status_slow_failed_and_not_sent_are_unhealthy() {
        let r = judge(status(503), 10, StopReason::Completed);
        assert_eq!(r.problem, Some(Problem::Status(503)));
        let r = judge(status(200), 2500, StopReason::Completed);
        let slow = Problem::Slow {
            latency: Duration::from_millis(2500),
            limit: Duration::from_secs(2),
        };
        assert_eq!(r.problem, Some(slow));
        let refused = Outcome::Error {
            class: ErrorClass::Connect,
            category: Category::ConnectionRefused,
            message: String::new(),
        };
        let r = judge(Some(refused), 1, StopReason::AttemptsExhausted);
        assert_eq!(
            r.problem,
            Some(Problem::Failed(Category::ConnectionRefused))
        );
        assert!(!r.healthy);
        let r = judge(None, 0, StopReason::BreakerOpen);
        assert_eq!(r.problem, Some(Problem::NotSent(StopReason::BreakerOpen)));
        assert_eq!(r.latency, None);
    }

    #[test]
    fn custom_statuses_and_no_latency_limit() {
        let check = HealthCheck {
            healthy_statuses: 200..=404,
            max_latency: None,
            ..HealthCheck::default()
        };
        let r = check.judge(
            result(status(404), 60_000, StopReason::Completed),
            SystemTime::UNIX_EPOCH,
        );
        assert!(r.healthy);
    }
}
