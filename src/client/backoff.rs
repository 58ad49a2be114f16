//! Exponential backoff with a cap and optional full jitter.
//!
//! The delay before retry `n` (0 for the first retry) is drawn uniformly from
//! `0..=min(cap, base * factor^n)` with full jitter (the "Full Jitter" of the AWS
//! architecture blog), or is exactly that ceiling without jitter. This module only computes
//! delays; the client decides whether to retry and sleeps through its [`Clock`](super::Clock).

use super::rng::SplitMix64;
use std::time::Duration;

/// How a delay is randomised below its ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// No randomness: the delay is the ceiling itself.
    None,
    /// Uniform in `0..=ceiling`: retries from many clients spread out instead of bunching.
    Full,
}

/// Exponential backoff parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// Ceiling of the first retry's delay. Default 200 ms.
    pub base: Duration,
    /// Growth of the ceiling per retry. Default 2.0.
    pub factor: f64,
    /// Largest delay ever. Default 10 s.
    pub cap: Duration,
    /// Randomisation below the ceiling. Default [`Jitter::Full`].
    pub jitter: Jitter,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_millis(200),
            factor: 2.0,
            cap: Duration::from_secs(10),
            jitter: Jitter::Full,
        }
    }
}

impl Backoff {
    /// The largest delay before retry `retry` (0-based): `min(cap, base * factor^retry)`.
    pub fn ceiling(&self, retry: u32) -> Duration {
        let exponent = i32::try_from(retry).unwrap_or(i32::MAX);
        let secs = self.base.as_secs_f64() * self.factor.powi(exponent);
        match Duration::try_from_secs_f64(secs) {
            Ok(delay) => delay.min(self.cap),
            // Overflow, infinity or NaN: the cap is the only sensible answer.
            Err(_) => self.cap,
        }
    }

    /// The delay before retry `retry` (0-based), jittered with `rng`.
    pub fn delay(&self, retry: u32, rng: &mut SplitMix64) -> Duration {
        let ceiling = self.ceiling(retry);
        match self.jitter {
            Jitter::None => ceiling,
            Jitter::Full => rng.duration_up_to(ceiling),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn ceiling_grows_exponentially_then_stops_at_the_cap() {
        let b = Backoff::default();
        let ceilings: Vec<Duration> = (0..8).map(|n| b.ceiling(n)).collect();
        assert_eq!(
            ceilings,
            vec![
                ms(200),
                ms(400),
                ms(800),
                ms(1600),
                ms(3200),
                ms(6400),
                ms(10_000),
                ms(10_000)
            ]
        );
        assert_eq!(
            b.ceiling(10_000),
            ms(10_000),
            "huge exponents saturate at the cap"
        );
    }

    #[test]
    fn other_factor_and_base() {
        let b = Backoff {
            base: ms(100),
            factor: 3.0,
            cap: ms(1000),
            jitter: Jitter::None,
        };
        assert_eq!(b.ceiling(0), ms(100));
        assert_eq!(b.ceiling(1), ms(300));
        assert_eq!(b.ceiling(2), ms(900));
        assert_eq!(b.ceiling(3), ms(1000));
    }

    #[test]
    fn no_jitter_gives_the_ceiling() {
        let b = Backoff {
            jitter: Jitter::None,
            ..Backoff::default()
        };
        let mut rng = SplitMix64::new(1);
        assert_eq!(b.delay(0, &mut rng), ms(200));
        assert_eq!(b.delay(3, &mut rng), ms(1600));
        assert_eq!(b.delay(9, &mut rng), ms(10_000));
    }

    #[test]
    fn full_jitter_stays_within_zero_and_the_ceiling_and_covers_it() {
        let b = Backoff::default();
        let mut rng = SplitMix64::new(99);
        for retry in 0..10 {
            let ceiling = b.ceiling(retry);
            let delays: Vec<Duration> = (0..500).map(|_| b.delay(retry, &mut rng)).collect();
            assert!(
                delays.iter().all(|d| *d <= ceiling),
                "retry {retry}: above {ceiling:?}"
            );
            assert!(
                delays.iter().any(|d| *d < ceiling / 4),
                "retry {retry}: never low"
            );
            assert!(
                delays.iter().any(|d| *d > ceiling * 3 / 4),
                "retry {retry}: never high"
            );
        }
    }

    #[test]
    fn full_jitter_is_reproducible_with_a_seed() {
        let b = Backoff::default();
        let (mut r1, mut r2) = (SplitMix64::new(5), SplitMix64::new(5));
        let a: Vec<Duration> = (0..5).map(|n| b.delay(n, &mut r1)).collect();
        let c: Vec<Duration> = (0..5).map(|n| b.delay(n, &mut r2)).collect();
        assert_eq!(a, c);
    }
}
