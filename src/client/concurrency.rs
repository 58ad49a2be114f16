//! The concurrency limit: at most `max` attempts in flight at once across all threads that
//! share one client.
//!
//! A thread takes a [`Slot`] before each attempt and gives it back when the slot is dropped
//! (also while it sleeps between retries, the slot is free). When no slot frees up within the
//! wait, the client gives up with `pool_exhausted`, as urllib3's blocking pool and httpx's
//! `PoolTimeout` do. Waiting uses a [`Condvar`] on real time: it coordinates real threads, so
//! it is not driven by the injected clock. It does not limit the rate of attempts (that is
//! [`super::ratelimit`]) nor decide what happens when no slot frees up (the client does).

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A counting semaphore with a peak gauge.
#[derive(Debug)]
pub struct ConcurrencyLimit {
    max: usize,
    state: Mutex<Gauge>,
    freed: Condvar,
}

#[derive(Debug, Default)]
struct Gauge {
    in_use: usize,
    peak: usize,
}

/// One taken slot; dropping it frees the slot and wakes one waiter.
#[derive(Debug)]
pub struct Slot<'a> {
    limit: &'a ConcurrencyLimit,
}

impl ConcurrencyLimit {
    /// A limit of `max` concurrent slots (at least 1).
    pub fn new(max: usize) -> Self {
        ConcurrencyLimit {
            max: max.max(1),
            state: Mutex::default(),
            freed: Condvar::new(),
        }
    }

    /// Takes a slot, waiting at most `wait` for one to free up.
    pub fn acquire(&self, wait: Duration) -> Option<Slot<'_>> {
        let deadline = Instant::now().checked_add(wait);
        let mut gauge = self.lock();
        while gauge.in_use >= self.max {
            let left = deadline.map_or(Duration::MAX, |d| {
                d.saturating_duration_since(Instant::now())
            });
            if left.is_zero() {
                return None;
            }
            gauge = self
                .freed
                .wait_timeout(gauge, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        gauge.in_use += 1;
        gauge.peak = gauge.peak.max(gauge.in_use);
        Some(Slot { limit: self })
    }

    /// Slots taken right now.
    pub fn in_use(&self) -> usize {
        self.lock().in_use
    }

    /// The most slots ever taken at once.
    pub fn peak(&self) -> usize {
        self.lock().peak
    }

    fn lock(&self) -> MutexGuard<'_, Gauge> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.limit.lock().in_use -= 1;
        self.limit.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn slots_are_limited_and_freed_on_drop() {
        let limit = ConcurrencyLimit::new(2);
        let a = limit.acquire(Duration::ZERO).expect("first");
        let b = limit.acquire(Duration::ZERO).expect("second");
        assert!(limit.acquire(Duration::from_millis(20)).is_none(), "full");
        assert_eq!(limit.in_use(), 2);
        drop(a);
        let c = limit.acquire(Duration::ZERO).expect("freed");
        drop((b, c));
        assert_eq!((limit.in_use(), limit.peak()), (0, 2));
    }

    #[test]
    fn a_waiter_gets_the_slot_when_it_is_freed() {
        let limit = Arc::new(ConcurrencyLimit::new(1));
        let held = limit.acquire(Duration::ZERO).expect("first");
        let waiter = {
            let limit = Arc::clone(&limit);
            std::thread::spawn(move || limit.acquire(Duration::from_secs(10)).is_some())
        };
        std::thread::sleep(Duration::from_millis(20));
        drop(held);
        assert!(waiter.join().expect("no panic"));
    }

    #[test]
    fn threads_never_exceed_the_limit() {
        let limit = Arc::new(ConcurrencyLimit::new(3));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let limit = Arc::clone(&limit);
                std::thread::spawn(move || {
                    for _ in 0..20 {
                        let _slot = limit.acquire(Duration::from_secs(10)).expect("slot");
                        std::thread::yield_now();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("no panic");
        }
        assert!(limit.peak() <= 3 && limit.peak() >= 1);
        assert_eq!(limit.in_use(), 0);
    }
}
