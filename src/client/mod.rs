//! A resilient, blocking HTTP client for probing fragile servers (built on ureq 3 + rustls).
//!
//! [`Client`] sends a [`Request`] with:
//! - separate connect, read and overall deadlines, and a small connection pool;
//! - retries ([`RetryPolicy`]) with exponential backoff, full jitter and a cap, per-class
//!   limits (connect, read, status), idempotent-only retries of read failures and statuses
//!   (POST is retried only when the connection never opened), and `Retry-After` honoured on
//!   429/503 up to a cap;
//! - a retry budget ([`BudgetConfig`]): retries stay a fixed share of recent requests;
//! - a circuit breaker ([`BreakerConfig`]): closed / open / half-open, observable transitions;
//! - a rate limiter ([`RateLimit`]) and a limit on attempts in flight;
//! - a record of every [`Attempt`]: time, outcome, latency, status, [`ErrorClass`] and the
//!   `rca` category id of the failure, the same ids `rca analyze` reports;
//! - health checks ([`HealthCheck`]).
//!
//! The client is `Send + Sync`: share it between threads with an `Arc`. Time ([`Clock`]),
//! randomness (a seed) and the wire ([`Transport`]) are injectable, so all the logic is
//! tested on a [`ManualClock`] with a [`ScriptedTransport`].
//!
//! Defaults (see [`ClientConfig`]):
//!
//! | setting | default |
//! |---|---|
//! | attempts | 3 (2 retries per class at most) |
//! | backoff | 200 ms base, x2, full jitter, 10 s cap |
//! | retried statuses | 429, 502, 503, 504 (idempotent methods only) |
//! | `Retry-After` cap | 10 s (longer: stop retrying) |
//! | timeouts | connect 3 s, read 10 s, overall 30 s |
//! | retry budget | 20% of requests + 10 per 10 s window |
//! | breaker opens | on 5 failures in a row, or >= 50% failures of >= 10 calls in 30 s |
//! | breaker open / half-open | 5 s + up to 20% jitter / 2 trial calls |
//! | slow call (counts as a breaker failure) | >= 5 s |
//! | rate limit | 20 attempts/s, burst 10 |
//! | in flight | 8 attempts, 3 s wait for a slot |
//! | pool | 4 idle connections (4 per host) |
//!
//! ```no_run
//! use rca::client::{Client, ClientConfig, HealthCheck};
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! let config = ClientConfig {
//!     connect_timeout: Duration::from_secs(1),
//!     ..ClientConfig::default()
//! };
//! let client = Arc::new(Client::new(config)?);
//! let result = client.get("http://127.0.0.1:8080/status");
//! for attempt in &result.attempts {
//!     let category = attempt.category().map_or("-", |c| c.id());
//!     println!("#{} {:?} {:?} {category}", attempt.number, attempt.status(), attempt.latency);
//! }
//! let health = HealthCheck::path("/health").run(&client, "http://127.0.0.1:8080");
//! println!("healthy: {} breaker: {:?}", health.healthy, client.breaker_state());
//! # Ok::<(), rca::client::ConfigError>(())
//! ```
//!
//! It reads no log and judges no server: what to probe and what the answers mean is
//! [`crate::probe`]'s.

pub mod attempt;
pub mod backoff;
pub mod breaker;
pub mod budget;
pub mod clock;
pub mod concurrency;
pub mod config;
pub mod fake;
pub mod health;
pub mod ratelimit;
pub mod request;
pub mod retry;
pub mod rng;
pub mod stats;
pub mod transport;

pub use attempt::{Attempt, ErrorClass, Outcome, RequestResult, StopReason};
pub use backoff::{Backoff, Jitter};
pub use breaker::{BreakerConfig, BreakerState, Transition, TransitionReason};
pub use budget::BudgetConfig;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{ClientConfig, ConfigError};
pub use fake::{ScriptedTransport, Step};
pub use health::{HealthCheck, HealthReport, Problem};
pub use ratelimit::RateLimit;
pub use request::Request;
pub use retry::RetryPolicy;
pub use stats::Stats;
pub use transport::{Transport, UreqTransport};

use breaker::{Breaker, Permit};
use budget::RetryBudget;
use concurrency::{ConcurrencyLimit, Slot};
use ratelimit::RateLimiter;
use retry::{RetryCounters, Verdict, parse_retry_after};
use rng::SplitMix64;
use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use transport::{Call, Failure, Reply, Timeouts};

/// A callback told about every breaker transition (called outside the client's locks).
pub type TransitionObserver = Arc<dyn Fn(&Transition) + Send + Sync>;

/// The resilient client. Cheap to share: wrap it in an [`Arc`] and call it from many threads.
pub struct Client {
    config: ClientConfig,
    clock: Arc<dyn Clock>,
    transport: Arc<dyn Transport>,
    rng: Mutex<SplitMix64>,
    budget: Option<Mutex<RetryBudget>>,
    breaker: Option<Mutex<Breaker>>,
    limiter: Option<Mutex<RateLimiter>>,
    slots: ConcurrencyLimit,
    stats: Mutex<Stats>,
    observer: Option<TransitionObserver>,
}

/// Builds a [`Client`] with injected clock, seed, transport or transition observer.
pub struct ClientBuilder {
    config: ClientConfig,
    clock: Option<Arc<dyn Clock>>,
    transport: Option<Arc<dyn Transport>>,
    seed: Option<u64>,
    observer: Option<TransitionObserver>,
}

impl ClientBuilder {
    /// Uses `clock` instead of the [`SystemClock`].
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Uses `transport` instead of a [`UreqTransport`].
    #[must_use]
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Seeds the jitter (backoff and breaker open periods) for reproducible runs.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Calls `observer` on every breaker transition.
    #[must_use]
    pub fn on_transition(mut self, observer: impl Fn(&Transition) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// Validates the configuration and builds the client.
    pub fn build(self) -> Result<Client, ConfigError> {
        self.config.validate()?;
        let mut rng = self
            .seed
            .map_or_else(SplitMix64::from_entropy, SplitMix64::new);
        let breaker_seed = rng.next_u64();
        let config = self.config;
        let transport = match self.transport {
            Some(t) => t,
            None => Arc::new(UreqTransport::new(&config)),
        };
        Ok(Client {
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock::new())),
            transport,
            rng: Mutex::new(rng),
            budget: config.budget.map(|b| Mutex::new(RetryBudget::new(b))),
            breaker: config
                .breaker
                .map(|b| Mutex::new(Breaker::new(b, breaker_seed))),
            limiter: config.rate_limit.map(|r| Mutex::new(RateLimiter::new(r))),
            slots: ConcurrencyLimit::new(config.max_in_flight),
            stats: Mutex::new(Stats::default()),
            observer: self.observer,
            config,
        })
    }
}

/// What an admitted attempt holds: an in-flight slot and, with a breaker, its permit.
struct Gate<'a> {
    slot: Slot<'a>,
    permit: Option<Permit>,
}

/// Per-request progress.
#[derive(Default)]
struct Progress {
    attempts: Vec<Attempt>,
    used: RetryCounters,
    body: Vec<u8>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Client {
    /// A client with the real clock and transport. Fails on an invalid configuration.
    pub fn new(config: ClientConfig) -> Result<Client, ConfigError> {
        Client::builder(config).build()
    }

    /// A builder, to inject a clock, seed, transport or transition observer.
    pub fn builder(config: ClientConfig) -> ClientBuilder {
        ClientBuilder {
            config,
            clock: None,
            transport: None,
            seed: None,
            observer: None,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The clock the client reads time from.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Sends a GET.
    pub fn get(&self, url: &str) -> RequestResult {
        self.send(&Request::get(url))
    }

    /// Sends a HEAD.
    pub fn head(&self, url: &str) -> RequestResult {
        self.send(&Request::head(url))
    }

    /// Runs a health check against `base_url` (a shortcut for [`HealthCheck::run`]).
    pub fn health_check(&self, base_url: &str, check: &HealthCheck) -> HealthReport {
        check.run(self, base_url)
    }

    /// Sends `request`, retrying as the policy, budget, breaker and deadline allow.
    /// Never panics on network trouble: every failure is in the result.
    pub fn send(&self, request: &Request) -> RequestResult {
        let started = self.clock.now();
        let mut progress = Progress::default();
        let stop = match request.validate() {
            Err(message) => StopReason::InvalidRequest(message),
            Ok(()) => {
                lock(&self.stats).requests += 1;
                if let Some(budget) = &self.budget {
                    lock(budget).deposit(started);
                }
                let deadline = started + self.config.overall_timeout;
                self.run(request, deadline, &mut progress)
            }
        };
        let result = RequestResult {
            method: request.method.clone(),
            url: request.url.clone(),
            attempts: progress.attempts,
            stop,
            body: progress.body,
            started,
            elapsed: self.clock.now().saturating_sub(started),
        };
        lock(&self.stats).record_stop(&result.stop, result.is_success());
        result
    }

    /// The breaker's state now, or `None` when the breaker is disabled.
    pub fn breaker_state(&self) -> Option<BreakerState> {
        let breaker = self.breaker.as_ref()?;
        let (state, new) = {
            let mut b = lock(breaker);
            (b.state(self.clock.now()), b.take_new())
        };
        self.notify(&new);
        Some(state)
    }

    /// Every breaker transition so far, oldest first (empty without a breaker).
    pub fn transitions(&self) -> Vec<Transition> {
        self.breaker
            .as_ref()
            .map(|b| lock(b).transitions().to_vec())
            .unwrap_or_default()
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        let mut stats = lock(&self.stats).clone();
        stats.peak_in_flight = self.slots.peak();
        stats
    }

    fn policy_for(&self, request: &Request) -> Cow<'_, RetryPolicy> {
        match request.max_attempts {
            Some(max_attempts) => Cow::Owned(RetryPolicy {
                max_attempts,
                ..self.config.retry.clone()
            }),
            None => Cow::Borrowed(&self.config.retry),
        }
    }

    /// The attempt loop.
    fn run(&self, request: &Request, deadline: Duration, progress: &mut Progress) -> StopReason {
        let policy = self.policy_for(request);
        loop {
            let gate = match self.admit(deadline) {
                Ok(gate) => gate,
                Err(stop) => return stop,
            };
            let number = u32::try_from(progress.attempts.len() + 1).unwrap_or(u32::MAX);
            let (attempt, body) = self.attempt(request, number, gate, deadline);
            progress.body = body;
            let verdict = {
                let mut rng = lock(&self.rng);
                policy.verdict(
                    &request.method,
                    &attempt.outcome,
                    number,
                    &progress.used,
                    &mut rng,
                )
            };
            let class = attempt.outcome.error_class();
            progress.attempts.push(attempt);
            let delay = match verdict {
                Verdict::Stop(stop) => return stop,
                Verdict::Retry { delay } => delay,
            };
            if let Err(stop) = self.may_retry(delay, deadline) {
                return stop;
            }
            if let Some(class) = class {
                progress.used.bump(class);
                lock(&self.stats).retries.add(class);
            }
            if let Some(last) = progress.attempts.last_mut() {
                last.delay_after = Some(delay);
            }
            self.clock.sleep(delay);
        }
    }

    /// Checks the deadline, the breaker (at the end of the delay) and the budget, in that
    /// order, so that a retry that cannot happen takes nothing from the budget.
    fn may_retry(&self, delay: Duration, deadline: Duration) -> Result<(), StopReason> {
        let now = self.clock.now();
        if now + delay >= deadline {
            return Err(StopReason::Deadline);
        }
        if let Some(breaker) = &self.breaker
            && !lock(breaker).admits_at(now + delay)
        {
            return Err(StopReason::BreakerOpen);
        }
        if let Some(budget) = &self.budget
            && !lock(budget).try_withdraw(now)
        {
            return Err(StopReason::BudgetExhausted);
        }
        Ok(())
    }

    /// Lets one attempt through: deadline, breaker, rate limiter, in-flight slot, permit.
    fn admit(&self, deadline: Duration) -> Result<Gate<'_>, StopReason> {
        let now = self.clock.now();
        if now >= deadline {
            return Err(StopReason::Deadline);
        }
        if !self.with_breaker(|b| b.would_admit(now)).unwrap_or(true) {
            return Err(StopReason::BreakerOpen);
        }
        self.wait_for_rate(deadline)?;
        let left = deadline.saturating_sub(self.clock.now());
        let slot = self
            .slots
            .acquire(self.config.slot_wait.min(left))
            .ok_or(StopReason::ConcurrencyLimit)?;
        let permit = match self.with_breaker(|b| b.try_acquire(self.clock.now())) {
            None => None,
            Some(None) => return Err(StopReason::BreakerOpen),
            Some(permit) => permit,
        };
        Ok(Gate { slot, permit })
    }

    /// Sleeps for the rate limiter; refuses when the wait would reach the deadline.
    fn wait_for_rate(&self, deadline: Duration) -> Result<(), StopReason> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        let now = self.clock.now();
        let max_wait = deadline
            .saturating_sub(now)
            .saturating_sub(Duration::from_millis(1));
        let wait = lock(limiter)
            .reserve(now, max_wait)
            .map_err(|_| StopReason::Deadline)?;
        if !wait.is_zero() {
            lock(&self.stats).rate_limit_wait += wait;
            self.clock.sleep(wait);
        }
        Ok(())
    }

    /// Sends one attempt and records it (stats, breaker).
    fn attempt(
        &self,
        request: &Request,
        number: u32,
        gate: Gate<'_>,
        deadline: Duration,
    ) -> (Attempt, Vec<u8>) {
        let at = self.clock.now();
        let timeouts = Timeouts {
            connect: self.config.connect_timeout,
            read: self.config.read_timeout,
            total: deadline.saturating_sub(at),
        };
        let call = Call {
            method: &request.method,
            url: &request.url,
            body: request.body.as_deref(),
            timeouts,
            max_body_bytes: self.config.max_body_bytes,
        };
        let result = self.transport.send(&call);
        let end = self.clock.now();
        drop(gate.slot);
        let latency = end.saturating_sub(at);
        let (outcome, head_latency, body) = self.outcome(result);
        let slow = self.with_breaker(|b| b.is_slow(latency)).unwrap_or(false);
        if let Some(permit) = gate.permit {
            self.record_call(permit, end, &outcome, latency);
        }
        let wall = self.clock.wall(at);
        let attempt = Attempt {
            number,
            at,
            wall,
            latency,
            head_latency,
            outcome,
            slow,
            delay_after: None,
        };
        lock(&self.stats).record_attempt(&attempt);
        (attempt, body)
    }

    fn outcome(&self, result: Result<Reply, Failure>) -> (Outcome, Option<Duration>, Vec<u8>) {
        match result {
            Ok(reply) => {
                let now = self.clock.wall(self.clock.now());
                let retry_after = reply
                    .retry_after
                    .as_deref()
                    .and_then(|v| parse_retry_after(v, now));
                let outcome = Outcome::Response {
                    status: reply.status,
                    retry_after,
                };
                (outcome, reply.head_latency, reply.body)
            }
            Err(f) => {
                let outcome = Outcome::Error {
                    class: f.class,
                    category: f.category,
                    message: f.message,
                };
                (outcome, f.head_latency, Vec::new())
            }
        }
    }

    /// Tells the breaker how the call went; local errors give the permit back uncounted.
    fn record_call(&self, permit: Permit, end: Duration, outcome: &Outcome, latency: Duration) {
        self.with_breaker(|b| {
            if outcome.error_class() == Some(ErrorClass::Other) {
                b.release(permit);
            } else {
                b.record(permit, end, outcome.is_server_failure(), latency);
            }
        });
    }

    /// Runs `f` on the breaker (if any) under its lock, then reports new transitions.
    fn with_breaker<T>(&self, f: impl FnOnce(&mut Breaker) -> T) -> Option<T> {
        let breaker = self.breaker.as_ref()?;
        let (value, new) = {
            let mut b = lock(breaker);
            let value = f(&mut b);
            (value, b.take_new())
        };
        self.notify(&new);
        Some(value)
    }

    fn notify(&self, transitions: &[Transition]) {
        if let Some(observer) = &self.observer {
            transitions.iter().for_each(|t| observer(t));
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("clock", &self.clock)
            .field("transport", &self.transport)
            .field("observer", &self.observer.is_some())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("seed", &self.seed)
            .field("observer", &self.observer.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
