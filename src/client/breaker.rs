//! The circuit breaker: closed, open, half-open.
//!
//! - **Closed**: calls pass. The breaker opens after `consecutive_failures` failures in a row,
//!   or when at least `min_calls` calls in the sliding time `window` failed at
//!   `failure_rate` or more.
//! - **Open**: calls are refused for `open_duration` plus up to `open_jitter` of it (so that
//!   many clients do not probe a recovering server in lockstep).
//! - **Half-open**: at most `half_open_trials` trial calls pass; one failure re-opens, all
//!   trials succeeding closes.
//!
//! A call is a failure when the caller says so (server failure) or when it took at least
//! `slow_call` (if set). Every transition is logged with its time; [`Breaker::take_new`] hands
//! new ones to the client, which forwards them to an observer callback outside the lock.
//! Results of calls admitted in an earlier state period are ignored ([`Permit`] generations).
//!
//! It does not decide whether a call failed (the client says so, [`Breaker::record`]) and
//! reads no clock: the client passes the time in.

use super::rng::SplitMix64;
use std::collections::VecDeque;
use std::time::Duration;

/// Circuit breaker settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakerConfig {
    /// Failures in a row that open the breaker. Default 5.
    pub consecutive_failures: u32,
    /// Failure share (0..=1) in the window that opens the breaker. Default 0.5.
    pub failure_rate: f64,
    /// Calls needed in the window before the failure rate counts. Default 10.
    pub min_calls: u32,
    /// Sliding time window of the failure rate. Default 30 s.
    pub window: Duration,
    /// Base time the breaker stays open. Default 5 s.
    pub open_duration: Duration,
    /// Extra random share of `open_duration` (0.2 = up to 20% longer). Default 0.2.
    pub open_jitter: f64,
    /// Trial calls admitted when half-open; all must succeed to close. Default 2.
    pub half_open_trials: u32,
    /// Calls at least this slow count as failures. Default 5 s; `None` disables.
    pub slow_call: Option<Duration>,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig {
            consecutive_failures: 5,
            failure_rate: 0.5,
            min_calls: 10,
            window: Duration::from_secs(30),
            open_duration: Duration::from_secs(5),
            open_jitter: 0.2,
            half_open_trials: 2,
            slow_call: Some(Duration::from_secs(5)),
        }
    }
}

/// The breaker's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BreakerState {
    /// Calls pass.
    Closed,
    /// Calls are refused.
    Open,
    /// A limited number of trial calls pass.
    HalfOpen,
}

/// Why the breaker changed state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionReason {
    /// This many failures in a row (closed -> open).
    ConsecutiveFailures(u32),
    /// `failures` of `calls` in the window failed (closed -> open).
    FailureRate {
        /// Failed calls in the window.
        failures: u32,
        /// All calls in the window.
        calls: u32,
    },
    /// The open period elapsed (open -> half-open).
    OpenElapsed,
    /// A half-open trial failed (half-open -> open).
    TrialFailed,
    /// Every half-open trial succeeded (half-open -> closed).
    TrialsSucceeded,
}

/// One state change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// When, as the client clock's monotonic offset.
    pub at: Duration,
    /// The state left.
    pub from: BreakerState,
    /// The state entered.
    pub to: BreakerState,
    /// Why.
    pub reason: TransitionReason,
}

/// Permission for one call; hand it back with [`Breaker::record`] or [`Breaker::release`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permit {
    generation: u64,
    trial: bool,
}

/// Breaker state machine on injected time.
#[derive(Debug, Clone)]
pub struct Breaker {
    config: BreakerConfig,
    rng: SplitMix64,
    state: BreakerState,
    generation: u64,
    consecutive: u32,
    calls: VecDeque<(Duration, bool)>,
    open_until: Duration,
    trials_issued: u32,
    trials_passed: u32,
    log: Vec<Transition>,
    reported: usize,
}

impl Breaker {
    /// A closed breaker; `seed` drives the open-period jitter.
    pub fn new(config: BreakerConfig, seed: u64) -> Self {
        Breaker {
            config,
            rng: SplitMix64::new(seed),
            state: BreakerState::Closed,
            generation: 0,
            consecutive: 0,
            calls: VecDeque::new(),
            open_until: Duration::ZERO,
            trials_issued: 0,
            trials_passed: 0,
            log: Vec::new(),
            reported: 0,
        }
    }

    /// The state at `now` (an elapsed open period turns into half-open here).
    pub fn state(&mut self, now: Duration) -> BreakerState {
        if self.state == BreakerState::Open && now >= self.open_until {
            self.transition(now, BreakerState::HalfOpen, TransitionReason::OpenElapsed);
        }
        self.state
    }

    /// When the current (or last) open period ends.
    pub fn open_until(&self) -> Duration {
        self.open_until
    }

    /// Would a call at `now` be admitted? Takes nothing.
    pub fn would_admit(&mut self, now: Duration) -> bool {
        match self.state(now) {
            BreakerState::Closed => true,
            BreakerState::Open => false,
            BreakerState::HalfOpen => self.trials_issued < self.config.half_open_trials,
        }
    }

    /// Would a call at `at` (possibly in the future) be admitted, given what is known now?
    /// Changes nothing: the client uses it to skip a backoff sleep that would end in refusal.
    pub fn admits_at(&self, at: Duration) -> bool {
        match self.state {
            BreakerState::Closed => true,
            BreakerState::Open => at >= self.open_until,
            BreakerState::HalfOpen => self.trials_issued < self.config.half_open_trials,
        }
    }

    /// Admits a call at `now`, or refuses it (`None`) when open or out of trials.
    pub fn try_acquire(&mut self, now: Duration) -> Option<Permit> {
        if !self.would_admit(now) {
            return None;
        }
        let trial = self.state == BreakerState::HalfOpen;
        if trial {
            self.trials_issued += 1;
        }
        Some(Permit {
            generation: self.generation,
            trial,
        })
    }

    /// Gives a permit back unused (the call was not made).
    pub fn release(&mut self, permit: Permit) {
        if permit.trial && permit.generation == self.generation {
            self.trials_issued = self.trials_issued.saturating_sub(1);
        }
    }

    /// Records the result of a call admitted with `permit`, ending at `now` after `latency`.
    /// A call is a failure if `failed`, or if it was slow.
    pub fn record(&mut self, permit: Permit, now: Duration, failed: bool, latency: Duration) {
        if permit.generation != self.generation {
            return;
        }
        let failed = failed || self.is_slow(latency);
        match self.state {
            BreakerState::Closed => self.record_closed(now, failed),
            BreakerState::HalfOpen if failed => self.open(now, TransitionReason::TrialFailed),
            BreakerState::HalfOpen => {
                self.trials_passed += 1;
                if self.trials_passed >= self.config.half_open_trials {
                    self.transition(now, BreakerState::Closed, TransitionReason::TrialsSucceeded);
                }
            }
            BreakerState::Open => {}
        }
    }

    /// True when `latency` reaches the slow-call threshold.
    pub fn is_slow(&self, latency: Duration) -> bool {
        self.config.slow_call.is_some_and(|t| latency >= t)
    }

    /// Every transition so far, oldest first.
    pub fn transitions(&self) -> &[Transition] {
        &self.log
    }

    /// Transitions not handed out by an earlier call.
    pub fn take_new(&mut self) -> Vec<Transition> {
        let new = self.log[self.reported..].to_vec();
        self.reported = self.log.len();
        new
    }

    fn record_closed(&mut self, now: Duration, failed: bool) {
        self.consecutive = if failed { self.consecutive + 1 } else { 0 };
        self.calls.push_back((now, failed));
        let window = self.config.window;
        while self
            .calls
            .front()
            .is_some_and(|(t, _)| now.saturating_sub(*t) >= window)
        {
            self.calls.pop_front();
        }
        if self.consecutive >= self.config.consecutive_failures {
            let reason = TransitionReason::ConsecutiveFailures(self.consecutive);
            return self.open(now, reason);
        }
        let calls = u32::try_from(self.calls.len()).unwrap_or(u32::MAX);
        let failures = self.calls.iter().filter(|(_, f)| *f).count();
        let failures = u32::try_from(failures).unwrap_or(u32::MAX);
        let rate = f64::from(failures) / f64::from(calls.max(1));
        if calls >= self.config.min_calls && rate >= self.config.failure_rate {
            self.open(now, TransitionReason::FailureRate { failures, calls });
        }
    }

    fn open(&mut self, now: Duration, reason: TransitionReason) {
        let extra = self
            .config
            .open_duration
            .mul_f64(self.config.open_jitter * self.rng.next_f64());
        self.open_until = now + self.config.open_duration + extra;
        self.transition(now, BreakerState::Open, reason);
    }

    fn transition(&mut self, at: Duration, to: BreakerState, reason: TransitionReason) {
        self.log.push(Transition {
            at,
            from: self.state,
            to,
            reason,
        });
        self.state = to;
        self.generation += 1;
        self.trials_issued = 0;
        self.trials_passed = 0;
        if to == BreakerState::Closed {
            self.consecutive = 0;
            self.calls.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BreakerState::{Closed, HalfOpen, Open};

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn config() -> BreakerConfig {
        BreakerConfig {
            open_jitter: 0.0,
            slow_call: None,
            ..BreakerConfig::default()
        }
    }

    /// Makes one call at `now` and records it.
    fn call(b: &mut Breaker, now: Duration, failed: bool) -> bool {
        match b.try_acquire(now) {
            Some(p) => {
                b.record(p, now, failed, ms(1));
                true
            }
            None => false,
        }
    }

    fn states(b: &Breaker) -> Vec<(BreakerState, BreakerState)> {
        b.transitions().iter().map(|t| (t.from, t.to)).collect()
    }

    #[test]
    fn opens_after_consecutive_failures_and_successes_reset_the_streak() {
        let mut b = Breaker::new(config(), 1);
        for i in 0..4 {
            assert!(call(&mut b, ms(i), true));
        }
        assert!(call(&mut b, ms(4), false), "a success resets the streak");
        for i in 5..9 {
            assert!(call(&mut b, ms(i), true));
            assert_eq!(b.state(ms(i)), Closed);
        }
        assert!(call(&mut b, ms(9), true));
        assert_eq!(b.state(ms(9)), Open);
        let t = b.transitions()[0];
        assert_eq!(
            (t.at, t.reason),
            (ms(9), TransitionReason::ConsecutiveFailures(5))
        );
        assert!(!call(&mut b, ms(10), false), "open refuses calls");
    }

    #[test]
    fn opens_on_failure_rate_only_after_min_calls() {
        let cfg = BreakerConfig {
            consecutive_failures: 100,
            ..config()
        };
        let mut b = Breaker::new(cfg, 1);
        // Alternate failure/success: rate 50% but fewer than 10 calls for a while.
        for i in 0..9 {
            assert!(call(&mut b, ms(i), i % 2 == 0));
            assert_eq!(b.state(ms(i)), Closed, "call {i}: below min_calls");
        }
        assert!(call(&mut b, ms(9), true), "10th call: 6 of 10 failed");
        assert_eq!(b.state(ms(9)), Open);
        let reason = b.transitions()[0].reason;
        assert_eq!(
            reason,
            TransitionReason::FailureRate {
                failures: 6,
                calls: 10
            }
        );
    }

    #[test]
    fn failure_rate_below_threshold_or_expired_does_not_open() {
        let cfg = BreakerConfig {
            consecutive_failures: 100,
            ..config()
        };
        let mut b = Breaker::new(cfg, 1);
        // 4 failures in 10 calls: 40%.
        for i in 0..10 {
            call(&mut b, ms(i), i < 4);
        }
        assert_eq!(b.state(ms(10)), Closed);
        // Old failures leave the 30 s window: 5 new failures among 5 calls stay under min_calls.
        let later = Duration::from_secs(60);
        for i in 0..5 {
            call(&mut b, later + ms(i), true);
        }
        assert_eq!(b.state(later + ms(5)), Closed);
    }

    #[test]
    fn open_to_half_open_after_the_open_duration() {
        let mut b = Breaker::new(config(), 1);
        for i in 0..5 {
            call(&mut b, ms(i), true);
        }
        let opened = ms(4);
        assert_eq!(b.open_until(), opened + Duration::from_secs(5));
        assert!(!b.admits_at(opened + ms(4999)));
        assert!(b.admits_at(opened + ms(5000)), "prediction");
        assert_eq!(b.transitions().len(), 1, "predictions change nothing");
        assert!(!b.would_admit(opened + ms(4999)));
        assert_eq!(b.state(opened + ms(4999)), Open);
        assert_eq!(b.state(opened + ms(5000)), HalfOpen);
        assert_eq!(states(&b), vec![(Closed, Open), (Open, HalfOpen)]);
        assert_eq!(b.transitions()[1].reason, TransitionReason::OpenElapsed);
    }

    #[test]
    fn open_duration_is_jittered_within_bounds() {
        let cfg = BreakerConfig {
            open_jitter: 0.5,
            ..config()
        };
        let mut seen = Vec::new();
        for seed in 0..50 {
            let mut b = Breaker::new(cfg, seed);
            for _ in 0..5 {
                call(&mut b, ms(0), true);
            }
            let open_for = b.open_until();
            assert!(open_for >= ms(5000) && open_for <= ms(7500), "{open_for:?}");
            assert!(!b.would_admit(open_for - ms(1)));
            assert!(b.would_admit(open_for));
            seen.push(open_for);
        }
        seen.dedup();
        assert!(seen.len() > 10, "jitter should vary the open period");
    }

    #[test]
    fn half_open_admits_limited_trials_and_closes_when_they_succeed() {
        let mut b = Breaker::new(config(), 1);
        for _ in 0..5 {
            call(&mut b, ms(0), true);
        }
        let t = Duration::from_secs(5);
        let first = b.try_acquire(t).expect("trial 1");
        let second = b.try_acquire(t).expect("trial 2");
        assert!(b.try_acquire(t).is_none(), "only two trials");
        b.record(first, t, false, ms(1));
        assert_eq!(b.state(t), HalfOpen, "one success is not enough");
        assert!(
            b.try_acquire(t).is_none(),
            "trials are per half-open period"
        );
        b.record(second, t + ms(1), false, ms(1));
        assert_eq!(b.state(t + ms(1)), Closed);
        let last = b.transitions()[2];
        assert_eq!(
            (last.from, last.to, last.reason),
            (HalfOpen, Closed, TransitionReason::TrialsSucceeded)
        );
        assert!(
            call(&mut b, t + ms(2), true),
            "closed again, counting from zero"
        );
        assert_eq!(b.state(t + ms(2)), Closed);
    }

    #[test]
    fn a_failed_trial_reopens_and_late_results_are_ignored() {
        let mut b = Breaker::new(config(), 1);
        let early = b.try_acquire(ms(0)).expect("closed");
        for _ in 0..5 {
            call(&mut b, ms(0), true);
        }
        let t = Duration::from_secs(5);
        let trial = b.try_acquire(t).expect("half-open trial");
        b.record(early, t, false, ms(1)); // admitted while closed: ignored now
        assert_eq!(b.state(t), HalfOpen);
        b.record(trial, t + ms(10), true, ms(1));
        assert_eq!(b.state(t + ms(10)), Open);
        assert_eq!(b.open_until(), t + ms(10) + Duration::from_secs(5));
        assert_eq!(
            states(&b),
            vec![(Closed, Open), (Open, HalfOpen), (HalfOpen, Open)]
        );
        assert_eq!(b.transitions()[2].reason, TransitionReason::TrialFailed);
    }

    #[test]
    fn released_trials_can_be_reused() {
        let mut b = Breaker::new(
            BreakerConfig {
                half_open_trials: 1,
                ..config()
            },
            1,
        );
        for _ in 0..5 {
            call(&mut b, ms(0), true);
        }
        let t = Duration::from_secs(5);
        let trial = b.try_acquire(t).expect("trial");
        assert!(b.try_acquire(t).is_none());
        b.release(trial);
        assert!(b.try_acquire(t).is_some());
    }

    #[test]
    fn slow_calls_count_as_failures() {
        let cfg = BreakerConfig {
            slow_call: Some(ms(500)),
            ..config()
        };
        let mut b = Breaker::new(cfg, 1);
        assert!(b.is_slow(ms(500)) && !b.is_slow(ms(499)));
        for i in 0..4 {
            let p = b.try_acquire(ms(i)).expect("closed");
            b.record(p, ms(i), false, ms(800));
        }
        assert_eq!(b.state(ms(4)), Closed);
        let p = b.try_acquire(ms(5)).expect("closed");
        b.record(p, ms(5), false, ms(500));
        assert_eq!(b.state(ms(5)), Open, "five slow successes open the breaker");
    }

    #[test]
    fn take_new_hands_out_each_transition_once() {
        let mut b = Breaker::new(config(), 1);
        for _ in 0..5 {
            call(&mut b, ms(0), true);
        }
        assert_eq!(b.take_new().len(), 1);
        assert!(b.take_new().is_empty());
        b.state(Duration::from_secs(5));
        let new = b.take_new();
        assert_eq!((new.len(), new[0].to), (1, HalfOpen));
    }
}
