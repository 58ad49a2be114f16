//! Client-wide counters ([`Stats`]): requests, attempts, failures and retries per error class,
//! failures per `rca` category, and how often each protection (budget, breaker, concurrency
//! limit, deadline, rate limiter) stepped in. A snapshot is cheap to copy. It counts only:
//! the client decides when each counter moves.

use super::attempt::{Attempt, ErrorClass, StopReason};
use crate::model::Category;
use std::collections::BTreeMap;
use std::time::Duration;

/// Counts per error class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassCounts {
    /// Connect failures (or retries after them).
    pub connect: u64,
    /// Read failures (or retries after them).
    pub read: u64,
    /// Error statuses (or retries after them).
    pub status: u64,
    /// Local or protocol-usage errors (never retried).
    pub other: u64,
}

impl ClassCounts {
    /// Adds one to `class`.
    pub fn add(&mut self, class: ErrorClass) {
        match class {
            ErrorClass::Connect => self.connect += 1,
            ErrorClass::Read => self.read += 1,
            ErrorClass::Status => self.status += 1,
            ErrorClass::Other => self.other += 1,
        }
    }

    /// The sum over all classes.
    pub fn total(&self) -> u64 {
        self.connect + self.read + self.status + self.other
    }
}

/// A snapshot of the client's counters since it was built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Logical requests started.
    pub requests: u64,
    /// Requests that ended with a 1xx-3xx response.
    pub succeeded: u64,
    /// Attempts sent.
    pub attempts: u64,
    /// Failed attempts per class (4xx/5xx responses count as `status`).
    pub failures: ClassCounts,
    /// Retries made per class of the failure that caused them.
    pub retries: ClassCounts,
    /// Failed attempts per `rca` category.
    pub categories: BTreeMap<Category, u64>,
    /// Attempts that reached the breaker's slow-call threshold.
    pub slow: u64,
    /// Requests whose retry the budget refused.
    pub budget_denied: u64,
    /// Requests stopped because the breaker was open (or out of half-open trials).
    pub breaker_rejected: u64,
    /// Requests that found no free in-flight slot in time.
    pub slot_timeouts: u64,
    /// Requests stopped by their overall deadline.
    pub deadline_stops: u64,
    /// Total time attempts waited for the rate limiter.
    pub rate_limit_wait: Duration,
    /// The most attempts that were ever in flight at once.
    pub peak_in_flight: usize,
}

impl Stats {
    /// Counts one attempt.
    pub fn record_attempt(&mut self, attempt: &Attempt) {
        self.attempts += 1;
        self.slow += u64::from(attempt.slow);
        if let Some(class) = attempt.outcome.error_class() {
            self.failures.add(class);
        }
        if let Some(category) = attempt.category() {
            *self.categories.entry(category).or_default() += 1;
        }
    }

    /// Counts how a request ended.
    pub fn record_stop(&mut self, stop: &StopReason, succeeded: bool) {
        self.succeeded += u64::from(succeeded);
        match stop {
            StopReason::BudgetExhausted => self.budget_denied += 1,
            StopReason::BreakerOpen => self.breaker_rejected += 1,
            StopReason::ConcurrencyLimit => self.slot_timeouts += 1,
            StopReason::Deadline => self.deadline_stops += 1,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::attempt::Outcome;

    fn attempt(outcome: Outcome, slow: bool) -> Attempt {
        Attempt {
            slow,
            ..Attempt::fixture(outcome, Duration::ZERO)
        }
    }

    #[test]
    fn attempts_are_counted_by_class_and_category() {
        let mut s = Stats::default();
        s.record_attempt(&attempt(
            Outcome::Response {
                status: 200,
                retry_after: None,
            },
            true,
        ));
        s.record_attempt(&attempt(
            Outcome::Response {
                status: 503,
                retry_after: None,
            },
            false,
        ));
        let refused = Outcome::Error {
            class: ErrorClass::Connect,
            category: Category::ConnectionRefused,
            message: String::new(),
        };
        s.record_attempt(&attempt(refused, false));
        assert_eq!((s.attempts, s.slow), (3, 1));
        assert_eq!(
            (s.failures.connect, s.failures.status, s.failures.total()),
            (1, 1, 2)
        );
        assert_eq!(s.categories.get(&Category::HttpError), Some(&1));
        assert_eq!(s.categories.get(&Category::ConnectionRefused), Some(&1));
    }

    #[test]
    fn stops_are_counted() {
        let mut s = Stats::default();
        s.record_stop(&StopReason::Completed, true);
        s.record_stop(&StopReason::BreakerOpen, false);
        s.record_stop(&StopReason::BudgetExhausted, false);
        s.record_stop(&StopReason::ConcurrencyLimit, false);
        s.record_stop(&StopReason::Deadline, false);
        assert_eq!(s.succeeded, 1);
        assert_eq!(
            (
                s.breaker_rejected,
                s.budget_denied,
                s.slot_timeouts,
                s.deadline_stops
            ),
            (1, 1, 1, 1)
        );
    }
}
