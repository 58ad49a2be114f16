//! The retry budget: retries may be at most a fixed share of recent requests, plus a small
//! floor, so that retries cannot multiply the load on a struggling server.
//!
//! Modelled on Finagle's and tower's `RetryBudget`: every request deposits, every retry
//! withdraws, and both expire after a sliding time window. Within any window the client makes
//! at most `min_retries + ratio * requests` retries. Pure bookkeeping on injected time; the
//! client owns the lock and the clock. It does not decide whether a failure may be retried:
//! that is the retry policy's ([`super::retry`]).

use std::collections::VecDeque;
use std::time::Duration;

/// Retry budget settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetConfig {
    /// Sliding window over which requests and retries are counted. Default 10 s.
    pub window: Duration,
    /// Retries allowed per request in the window. Default 0.2 (one retry per five requests).
    pub ratio: f64,
    /// Retries always allowed per window, however few the requests. Default 10.
    pub min_retries: u32,
}

impl Default for BudgetConfig {
    fn default() -> Self {
        BudgetConfig {
            window: Duration::from_secs(10),
            ratio: 0.2,
            min_retries: 10,
        }
    }
}

/// The budget's state: arrival times of recent requests and retries.
#[derive(Debug, Clone)]
pub struct RetryBudget {
    config: BudgetConfig,
    requests: VecDeque<Duration>,
    retries: VecDeque<Duration>,
}

impl RetryBudget {
    /// An empty budget (only the floor is available).
    pub fn new(config: BudgetConfig) -> Self {
        RetryBudget {
            config,
            requests: VecDeque::new(),
            retries: VecDeque::new(),
        }
    }

    /// Records a new (first) request at `now`.
    pub fn deposit(&mut self, now: Duration) {
        self.expire(now);
        self.requests.push_back(now);
    }

    /// Takes one retry from the budget at `now`; false (and nothing taken) when empty.
    pub fn try_withdraw(&mut self, now: Duration) -> bool {
        if self.available(now) == 0 {
            return false;
        }
        self.retries.push_back(now);
        true
    }

    /// Retries still allowed at `now`.
    pub fn available(&mut self, now: Duration) -> u32 {
        self.expire(now);
        let share = (self.config.ratio * self.requests.len() as f64).floor();
        // Saturating float-to-int conversion; the share is never negative for a valid ratio.
        let allowed = u64::from(self.config.min_retries) + share.max(0.0) as u64;
        let left = allowed.saturating_sub(self.retries.len() as u64);
        u32::try_from(left).unwrap_or(u32::MAX)
    }

    fn expire(&mut self, now: Duration) {
        let window = self.config.window;
        let old = |t: &Duration| now.saturating_sub(*t) >= window;
        while self.requests.front().is_some_and(old) {
            self.requests.pop_front();
        }
        while self.retries.front().is_some_and(old) {
            self.retries.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    fn budget(ratio: f64, min_retries: u32) -> RetryBudget {
        RetryBudget::new(BudgetConfig {
            window: secs(10),
            ratio,
            min_retries,
        })
    }

    #[test]
    fn floor_is_available_without_requests_then_runs_out() {
        let mut b = budget(0.2, 3);
        assert_eq!(b.available(secs(0)), 3);
        assert!(b.try_withdraw(secs(0)));
        assert!(b.try_withdraw(secs(1)));
        assert!(b.try_withdraw(secs(2)));
        assert!(!b.try_withdraw(secs(3)), "floor spent");
        assert_eq!(b.available(secs(3)), 0);
    }

    #[test]
    fn deposits_add_a_share_of_retries() {
        let mut b = budget(0.2, 0);
        for _ in 0..9 {
            b.deposit(secs(0));
        }
        assert_eq!(b.available(secs(0)), 1, "9 requests * 0.2 = 1.8 -> 1");
        b.deposit(secs(0));
        assert_eq!(b.available(secs(0)), 2, "10 requests * 0.2 = 2");
        assert!(b.try_withdraw(secs(1)));
        assert!(b.try_withdraw(secs(1)));
        assert!(!b.try_withdraw(secs(1)));
    }

    #[test]
    fn retries_never_exceed_share_plus_floor_under_sustained_failure() {
        // 100 requests in one window, each wanting 2 retries: at most 20% + 5.
        let mut b = budget(0.2, 5);
        let mut granted = 0;
        for i in 0..100u64 {
            let now = Duration::from_millis(i * 50);
            b.deposit(now);
            granted += (0..2).filter(|_| b.try_withdraw(now)).count();
        }
        assert_eq!(granted, 5 + 20);
    }

    #[test]
    fn window_expiry_refills_the_budget() {
        let mut b = budget(0.5, 1);
        b.deposit(secs(0));
        b.deposit(secs(0));
        assert_eq!(b.available(secs(0)), 2);
        assert!(b.try_withdraw(secs(1)));
        assert!(b.try_withdraw(secs(1)));
        assert!(!b.try_withdraw(secs(5)));
        // At 10 s the deposits expire (floor 1 left, but the retries at 1 s still count).
        assert_eq!(b.available(secs(10)), 0);
        // At 11 s the retries expire too: the floor is back.
        assert_eq!(b.available(secs(11)), 1);
    }
}
