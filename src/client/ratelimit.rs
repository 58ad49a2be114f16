//! The client-side rate limiter: GCRA (the generic cell rate algorithm), equivalent to a
//! token bucket of `burst` tokens refilled at `per_second`.
//!
//! GCRA keeps one number, the theoretical arrival time (TAT) of the next request. A request at
//! `now` may go at `max(now, TAT - tolerance)`; each admitted request pushes TAT one emission
//! interval further. Callers reserve a slot and sleep for the returned wait through their
//! clock, so the limiter itself never blocks and is tested on injected time. It does not
//! decide what a throttled attempt does (the client sleeps through the wait) nor bound the
//! attempts in flight ([`super::concurrency`]).

use std::time::Duration;

/// Rate limit settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Sustained requests per second (attempts, retries included). Default 20.
    pub per_second: f64,
    /// Requests that may go back to back after an idle period. Default 10.
    pub burst: u32,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            per_second: 20.0,
            burst: 10,
        }
    }
}

/// GCRA state.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    interval: Duration,
    tolerance: Duration,
    tat: Duration,
}

impl RateLimiter {
    /// A limiter with a full burst available. `per_second` must be positive and finite and
    /// `burst` at least 1 (the client validates its configuration).
    pub fn new(limit: RateLimit) -> Self {
        // Whole nanoseconds: float seconds would drift over long runs. The cast saturates.
        let interval = Duration::from_nanos((1e9 / limit.per_second).round() as u64);
        let tolerance = interval.saturating_mul(limit.burst.saturating_sub(1));
        RateLimiter {
            interval,
            tolerance,
            tat: Duration::ZERO,
        }
    }

    /// Reserves a slot at `now`. Returns the wait before the caller may send (zero when
    /// within the burst), or `Err(wait)` without reserving when the wait exceeds `max_wait`.
    pub fn reserve(&mut self, now: Duration, max_wait: Duration) -> Result<Duration, Duration> {
        let tat = self.tat.max(now);
        let allowed_at = tat.saturating_sub(self.tolerance);
        let wait = allowed_at.saturating_sub(now);
        if wait > max_wait {
            return Err(wait);
        }
        self.tat = tat + self.interval;
        Ok(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::clock::{Clock, ManualClock};

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn burst_then_steady_rate_on_the_fake_clock() {
        let clock = ManualClock::new();
        let mut limiter = RateLimiter::new(RateLimit {
            per_second: 10.0,
            burst: 3,
        });
        let mut sent_at = Vec::new();
        for _ in 0..7 {
            let wait = limiter
                .reserve(clock.now(), Duration::MAX)
                .expect("unbounded wait");
            clock.sleep(wait);
            sent_at.push(clock.now());
        }
        // Three at once, then one every 100 ms.
        assert_eq!(
            sent_at,
            vec![ms(0), ms(0), ms(0), ms(100), ms(200), ms(300), ms(400)]
        );
    }

    #[test]
    fn idle_time_refills_the_burst_but_not_beyond_it() {
        let mut limiter = RateLimiter::new(RateLimit {
            per_second: 10.0,
            burst: 2,
        });
        assert_eq!(limiter.reserve(ms(0), Duration::ZERO), Ok(ms(0)));
        assert_eq!(limiter.reserve(ms(0), Duration::ZERO), Ok(ms(0)));
        assert_eq!(limiter.reserve(ms(0), Duration::ZERO), Err(ms(100)));
        // After 10 s idle only `burst` requests go at once.
        let t = Duration::from_secs(10);
        assert_eq!(limiter.reserve(t, Duration::ZERO), Ok(ms(0)));
        assert_eq!(limiter.reserve(t, Duration::ZERO), Ok(ms(0)));
        assert_eq!(limiter.reserve(t, Duration::ZERO), Err(ms(100)));
    }

    #[test]
    fn refused_reservations_take_nothing() {
        let mut limiter = RateLimiter::new(RateLimit {
            per_second: 1.0,
            burst: 1,
        });
        assert_eq!(limiter.reserve(ms(0), Duration::ZERO), Ok(ms(0)));
        for _ in 0..5 {
            assert_eq!(limiter.reserve(ms(0), ms(500)), Err(ms(1000)));
        }
        assert_eq!(limiter.reserve(ms(0), ms(1000)), Ok(ms(1000)));
        assert_eq!(
            limiter.reserve(ms(1000), Duration::MAX),
            Ok(ms(1000)),
            "queued behind"
        );
    }

    #[test]
    fn sustained_rate_over_a_long_run() {
        let clock = ManualClock::new();
        let mut limiter = RateLimiter::new(RateLimit {
            per_second: 50.0,
            burst: 5,
        });
        for _ in 0..505 {
            let wait = limiter
                .reserve(clock.now(), Duration::MAX)
                .expect("unbounded");
            clock.sleep(wait);
        }
        // 5 free, then 500 at 20 ms each.
        assert_eq!(clock.now(), Duration::from_secs(10));
    }
}
