//! Injectable time for the resilient client: a [`Clock`] trait, the real [`SystemClock`] and
//! the [`ManualClock`] used by tests.
//!
//! Every time-dependent piece of the client (backoff sleeps, retry budget windows, the rate
//! limiter, circuit-breaker open periods, attempt timestamps) reads time only through a
//! [`Clock`], so its logic can be unit-tested without real sleeping. Time is a monotonic
//! [`Duration`] since the clock's origin; [`Clock::wall`] turns it into wall-clock time for
//! reports. This module does not measure network phases: that is the transport's job.

use std::fmt::Debug;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// A source of monotonic time that can also sleep.
///
/// Implementations must be shareable between threads: one client is used from several
/// threads at once.
pub trait Clock: Send + Sync + Debug {
    /// Monotonic time elapsed since this clock's origin.
    fn now(&self) -> Duration;

    /// Blocks the calling thread for `duration` (a fake clock just advances its time).
    fn sleep(&self, duration: Duration);

    /// The wall-clock time of the monotonic instant `at` (a value returned by [`Clock::now`]).
    fn wall(&self, at: Duration) -> SystemTime;
}

/// The real clock: [`Instant`] for monotonic time, [`std::thread::sleep`] for sleeping.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: Instant,
    wall_origin: SystemTime,
}

impl SystemClock {
    /// A clock whose origin is now.
    pub fn new() -> Self {
        SystemClock {
            origin: Instant::now(),
            wall_origin: SystemTime::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }

    fn sleep(&self, duration: Duration) {
        if !duration.is_zero() {
            std::thread::sleep(duration);
        }
    }

    fn wall(&self, at: Duration) -> SystemTime {
        self.wall_origin + at
    }
}

/// A fake clock for tests: time stands still until [`ManualClock::advance`] or
/// [`Clock::sleep`] moves it forward. Every sleep is recorded.
#[derive(Debug, Default)]
pub struct ManualClock {
    state: Mutex<ManualState>,
}

#[derive(Debug, Default)]
struct ManualState {
    now: Duration,
    sleeps: Vec<Duration>,
}

impl ManualClock {
    /// A clock at time zero, whose wall-clock origin is the Unix epoch.
    pub fn new() -> Self {
        ManualClock::default()
    }

    /// Moves time forward by `by` without recording a sleep.
    pub fn advance(&self, by: Duration) {
        self.lock().now += by;
    }

    /// Every duration passed to [`Clock::sleep`] so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        self.lock().now
    }

    fn sleep(&self, duration: Duration) {
        let mut state = self.lock();
        state.now += duration;
        state.sleeps.push(duration);
    }

    fn wall(&self, at: Duration) -> SystemTime {
        SystemTime::UNIX_EPOCH + at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_advances_on_sleep_and_records_it() {
        let clock = ManualClock::new();
        assert_eq!(clock.now(), Duration::ZERO);
        clock.sleep(Duration::from_millis(250));
        clock.advance(Duration::from_millis(50));
        clock.sleep(Duration::from_secs(1));
        assert_eq!(clock.now(), Duration::from_millis(1300));
        assert_eq!(
            clock.sleeps(),
            vec![Duration::from_millis(250), Duration::from_secs(1)]
        );
        assert_eq!(
            clock.wall(Duration::from_secs(2)),
            SystemTime::UNIX_EPOCH + Duration::from_secs(2)
        );
    }

    #[test]
    fn system_clock_is_monotonic_and_sleeps() {
        let clock = SystemClock::new();
        let a = clock.now();
        clock.sleep(Duration::from_millis(5));
        let b = clock.now();
        assert!(b >= a + Duration::from_millis(5), "{a:?} -> {b:?}");
        assert!(clock.wall(b) >= clock.wall(a));
    }
}
