//! [`ClientConfig`]: every setting of the resilient client, its defaults and their
//! validation.
//!
//! The defaults suit probing a fragile server: few attempts, short backoff, a breaker that
//! trips early, a small pool and a gentle rate. This module holds data only; the client and
//! the transport read it.

use super::breaker::BreakerConfig;
use super::budget::BudgetConfig;
use super::ratelimit::RateLimit;
use super::retry::RetryPolicy;
use std::fmt;
use std::time::Duration;

/// All client settings. Build one with `ClientConfig::default()` and struct-update syntax.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// Limit for DNS resolution and for TCP connect plus TLS handshake. Default 3 s.
    pub connect_timeout: Duration,
    /// Limit for sending the request, for receiving the response head and for receiving the
    /// body, each. Default 10 s.
    pub read_timeout: Duration,
    /// Limit for the whole request: every attempt, backoff and wait. Default 30 s.
    pub overall_timeout: Duration,
    /// Idle connections kept in the pool, all hosts together. Default 4.
    pub pool_max_idle: usize,
    /// Idle connections kept per host. Default 4.
    pub pool_max_idle_per_host: usize,
    /// Attempts in flight at once across all threads sharing the client. Default 8.
    pub max_in_flight: usize,
    /// How long an attempt waits for a free in-flight slot before the request fails with
    /// `pool_exhausted`. Default 3 s.
    pub slot_wait: Duration,
    /// Retry rules, limits, backoff and `Retry-After` handling.
    pub retry: RetryPolicy,
    /// Retry budget; `None` disables it. Default on (20% + 10 per 10 s).
    pub budget: Option<BudgetConfig>,
    /// Circuit breaker; `None` disables it. Default on (5 in a row, or 50% of >= 10 calls).
    pub breaker: Option<BreakerConfig>,
    /// Client-side rate limit on attempts; `None` disables it. Default 20/s, burst 10.
    pub rate_limit: Option<RateLimit>,
    /// Response bytes kept (and read) per response; the rest is not read. Default 64 KiB.
    pub max_body_bytes: usize,
    /// Redirects followed per attempt. Default 5.
    pub max_redirects: u32,
    /// The `User-Agent` header. Default `rca/<version>`.
    pub user_agent: String,
    /// Use `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` (and `NO_PROXY`) from the environment.
    /// Default false: a probe measures the server, not a proxy.
    pub proxy_from_env: bool,
    /// Verify TLS certificates (against the bundled webpki roots). Default true; turning it
    /// off (`rca probe --insecure`) accepts any certificate.
    pub tls_verify: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(3),
            read_timeout: Duration::from_secs(10),
            overall_timeout: Duration::from_secs(30),
            pool_max_idle: 4,
            pool_max_idle_per_host: 4,
            max_in_flight: 8,
            slot_wait: Duration::from_secs(3),
            retry: RetryPolicy::default(),
            budget: Some(BudgetConfig::default()),
            breaker: Some(BreakerConfig::default()),
            rate_limit: Some(RateLimit::default()),
            max_body_bytes: 64 * 1024,
            max_redirects: 5,
            user_agent: concat!("rca/", env!("CARGO_PKG_VERSION")).to_string(),
            proxy_from_env: false,
            tls_verify: true,
        }
    }
}

/// An invalid [`ClientConfig`] setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid client configuration: {}", self.0)
    }
}

impl std::error::Error for ConfigError {}

impl ClientConfig {
    /// Checks that every setting is usable.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let checks = [
            (
                self.connect_timeout.is_zero(),
                "connect_timeout must be positive",
            ),
            (self.read_timeout.is_zero(), "read_timeout must be positive"),
            (
                self.overall_timeout.is_zero(),
                "overall_timeout must be positive",
            ),
            (self.max_in_flight == 0, "max_in_flight must be at least 1"),
            (
                self.retry.max_attempts == 0,
                "retry.max_attempts must be at least 1",
            ),
            (
                self.retry.backoff.factor.is_nan() || self.retry.backoff.factor < 1.0,
                "retry.backoff.factor must be >= 1",
            ),
        ];
        checks
            .iter()
            .try_for_each(|(bad, msg)| fail_if(*bad, msg))?;
        if let Some(b) = &self.budget {
            fail_if(
                b.ratio.is_nan() || b.ratio < 0.0,
                "budget.ratio must be >= 0",
            )?;
            fail_if(b.window.is_zero(), "budget.window must be positive")?;
        }
        if let Some(b) = &self.breaker {
            fail_if(
                b.consecutive_failures == 0,
                "breaker.consecutive_failures must be >= 1",
            )?;
            fail_if(
                !(0.0..=1.0).contains(&b.failure_rate) || b.failure_rate == 0.0,
                "breaker.failure_rate must be in (0, 1]",
            )?;
            fail_if(
                b.half_open_trials == 0,
                "breaker.half_open_trials must be >= 1",
            )?;
            fail_if(
                b.open_jitter.is_nan() || b.open_jitter < 0.0,
                "breaker.open_jitter must be >= 0",
            )?;
        }
        if let Some(r) = &self.rate_limit {
            fail_if(
                !r.per_second.is_finite() || r.per_second <= 0.0,
                "rate_limit.per_second must be positive",
            )?;
            fail_if(r.burst == 0, "rate_limit.burst must be >= 1")?;
        }
        Ok(())
    }
}

fn fail_if(bad: bool, message: &str) -> Result<(), ConfigError> {
    if bad {
        Err(ConfigError(message.to_string()))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_documented_values() {
        let c = ClientConfig::default();
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(c.connect_timeout, Duration::from_secs(3));
        assert_eq!(c.read_timeout, Duration::from_secs(10));
        assert_eq!(c.overall_timeout, Duration::from_secs(30));
        assert_eq!(c.retry.max_attempts, 3);
        assert_eq!(c.retry.backoff.base, Duration::from_millis(200));
        assert_eq!(c.retry.backoff.cap, Duration::from_secs(10));
        let breaker = c.breaker.expect("breaker on by default");
        assert_eq!((breaker.consecutive_failures, breaker.min_calls), (5, 10));
        assert!(c.user_agent.starts_with("rca/"));
    }

    #[test]
    fn invalid_settings_are_named() {
        let bad = ClientConfig {
            max_in_flight: 0,
            ..ClientConfig::default()
        };
        assert!(bad.validate().unwrap_err().0.contains("max_in_flight"));
        let mut bad = ClientConfig::default();
        bad.retry.backoff.factor = f64::NAN;
        assert!(bad.validate().unwrap_err().0.contains("factor"));
        let rate = RateLimit {
            per_second: 0.0,
            burst: 1,
        };
        let bad = ClientConfig {
            rate_limit: Some(rate),
            ..ClientConfig::default()
        };
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("per_second")
        );
        let breaker = BreakerConfig {
            failure_rate: 1.5,
            ..BreakerConfig::default()
        };
        let bad = ClientConfig {
            breaker: Some(breaker),
            ..ClientConfig::default()
        };
        assert!(bad.validate().is_err());
    }
}
