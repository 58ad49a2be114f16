//! Unit tests of the client's attempt loop on a manual clock with a scripted transport: retry
//! rules per method, `Retry-After`, budget, breaker, deadline and rate limit working together.
//!
//! Not here: each part's own rules (backoff, budget, breaker, rate limit, retry policy),
//! tested in their modules.

use super::*;
use crate::model::Category;
use std::sync::atomic::{AtomicUsize, Ordering};
use ureq::http::Method;

const URL: &str = "http://127.0.0.1:9/status";

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Deterministic defaults: no jitter, no rate limit, no budget, no breaker.
fn plain() -> ClientConfig {
    let mut config = ClientConfig {
        rate_limit: None,
        budget: None,
        breaker: None,
        ..ClientConfig::default()
    };
    config.retry.backoff.jitter = Jitter::None;
    config
}

fn setup(
    config: ClientConfig,
    script: impl FnOnce(ScriptedTransport) -> ScriptedTransport,
) -> (Client, Arc<ScriptedTransport>) {
    let clock = Arc::new(ManualClock::new());
    let transport = Arc::new(script(ScriptedTransport::new(Arc::clone(&clock))));
    let client = Client::builder(config)
        .clock(clock)
        .transport(Arc::clone(&transport) as Arc<dyn Transport>)
        .seed(7)
        .build()
        .expect("valid config");
    (client, transport)
}

fn refused() -> Step {
    Step::failure(ErrorClass::Connect, Category::ConnectionRefused)
}

fn read_timeout() -> Step {
    Step::failure(ErrorClass::Read, Category::ReadTimeout)
}

#[test]
fn client_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Client>();
    assert_send_sync::<Arc<Client>>();
}

#[test]
fn retries_a_503_with_backoff_then_succeeds() {
    let (client, transport) = setup(plain(), |s| {
        s.then(Step::status(503)).then(Step::status(503))
    });
    let result = client.get(URL);
    assert!(result.is_success(), "{result:?}");
    assert_eq!(result.attempts.len(), 3);
    let delays: Vec<_> = result.attempts.iter().map(|a| a.delay_after).collect();
    assert_eq!(delays, vec![Some(ms(200)), Some(ms(400)), None]);
    let at: Vec<_> = transport.calls().iter().map(|c| c.at).collect();
    assert_eq!(
        at,
        vec![ms(0), ms(201), ms(602)],
        "1 ms latency + backoff between calls"
    );
    assert_eq!(result.category(), None);
}

#[test]
fn gives_up_after_max_attempts_with_retry_exhausted() {
    let (client, transport) = setup(plain(), |s| s.otherwise(Step::status(503)));
    let result = client.get(URL);
    assert_eq!(result.stop, StopReason::AttemptsExhausted);
    assert_eq!(transport.calls().len(), 3);
    assert_eq!(result.category(), Some(Category::RetryExhausted));
    assert_eq!(result.status(), Some(503));
    let stats = client.stats();
    assert_eq!(
        (stats.attempts, stats.failures.status, stats.retries.status),
        (3, 3, 2)
    );
}

#[test]
fn post_is_retried_on_connect_errors_only() {
    let (client, transport) = setup(plain(), |s| s.then(refused()).then(read_timeout()));
    let result = client.send(&Request::new(Method::POST, URL).body("x"));
    assert_eq!(
        transport.calls().len(),
        2,
        "refused retried, read timeout not"
    );
    assert_eq!(result.stop, StopReason::NotRetryable);
    assert_eq!(result.category(), Some(Category::ReadTimeout));

    let (client, transport) = setup(plain(), |s| s.then(Step::status(503)));
    let result = client.send(&Request::new(Method::POST, URL));
    assert_eq!(
        (transport.calls().len(), result.stop.clone()),
        (1, StopReason::NotRetryable)
    );

    let (client, transport) = setup(plain(), |s| s.then(read_timeout()));
    assert!(
        client.get(URL).is_success(),
        "GET is retried after a read timeout"
    );
    assert_eq!(transport.calls().len(), 2);
}

#[test]
fn per_class_limits_apply() {
    let mut config = plain();
    config.retry.max_attempts = 10;
    config.retry.max_connect_retries = 1;
    let (client, transport) = setup(config, |s| s.otherwise(refused()));
    let result = client.get(URL);
    assert_eq!(
        (transport.calls().len(), result.stop.clone()),
        (2, StopReason::AttemptsExhausted)
    );
    assert_eq!(result.category(), Some(Category::ConnectionRefused));
    assert_eq!(client.stats().retries.connect, 1);
}

#[test]
fn retry_after_is_honoured_and_capped() {
    let (client, transport) = setup(plain(), |s| s.then(Step::retry_after(429, "2")));
    let result = client.get(URL);
    assert!(result.is_success());
    assert_eq!(result.attempts[0].delay_after, Some(Duration::from_secs(2)));
    let calls = transport.calls();
    assert!(calls[1].at - calls[0].at >= Duration::from_secs(2));

    let (client, transport) = setup(plain(), |s| s.then(Step::retry_after(503, "3600")));
    let result = client.get(URL);
    assert_eq!(
        (transport.calls().len(), result.stop.clone()),
        (1, StopReason::RetryAfterTooLong)
    );
}

#[test]
fn retry_after_http_date_is_measured_from_the_clock() {
    // The manual clock's wall time starts at the Unix epoch.
    let date = "Thu, 01 Jan 1970 00:00:05 GMT";
    let (client, _) = setup(plain(), |s| s.then(Step::retry_after(503, date)));
    let result = client.get(URL);
    assert!(result.is_success());
    let delay = result.attempts[0].delay_after.expect("retried");
    assert!(delay > ms(4990) && delay <= ms(5000), "{delay:?}");
}

#[test]
fn budget_limits_retries_across_requests() {
    let budget = BudgetConfig {
        window: Duration::from_secs(60),
        ratio: 0.0,
        min_retries: 2,
    };
    let config = ClientConfig {
        budget: Some(budget),
        ..plain()
    };
    let (client, transport) = setup(config, |s| s.otherwise(Step::status(503)));
    let first = client.get(URL);
    assert_eq!(
        first.stop,
        StopReason::AttemptsExhausted,
        "two retries fit the floor"
    );
    let second = client.get(URL);
    assert_eq!(
        (second.attempts.len(), second.stop),
        (1, StopReason::BudgetExhausted)
    );
    assert_eq!(transport.calls().len(), 4);
    assert_eq!(client.stats().budget_denied, 1);
}

#[test]
fn breaker_opens_on_a_dead_server_and_limits_traffic() {
    let seen = Arc::new(AtomicUsize::new(0));
    let config = ClientConfig {
        breaker: Some(BreakerConfig::default()),
        ..plain()
    };
    let clock = Arc::new(ManualClock::new());
    let transport = Arc::new(ScriptedTransport::new(Arc::clone(&clock)).otherwise(refused()));
    let counter = Arc::clone(&seen);
    let client = Client::builder(config)
        .clock(clock)
        .transport(Arc::clone(&transport) as Arc<dyn Transport>)
        .on_transition(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .expect("valid");
    let results: Vec<RequestResult> = (0..5).map(|_| client.get(URL)).collect();
    assert_eq!(
        transport.calls().len(),
        5,
        "threshold is 5 consecutive failures"
    );
    assert_eq!(client.breaker_state(), Some(BreakerState::Open));
    assert_eq!(
        results[1].stop,
        StopReason::BreakerOpen,
        "second request stops mid-retries"
    );
    assert!(
        results[2..]
            .iter()
            .all(|r| r.attempts.is_empty() && r.stop == StopReason::BreakerOpen)
    );
    assert_eq!(results[2].category(), None);
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    assert_eq!(client.stats().breaker_rejected, 4);
}

#[test]
fn breaker_half_opens_after_the_open_period_and_closes_on_recovery() {
    let breaker = BreakerConfig {
        open_jitter: 0.0,
        ..BreakerConfig::default()
    };
    let config = ClientConfig {
        breaker: Some(breaker),
        ..plain()
    };
    let (client, transport) = setup(config, |s| s.times(5, &refused()));
    client.get(URL);
    client.get(URL);
    assert_eq!(client.breaker_state(), Some(BreakerState::Open));
    let opened = client.transitions()[0].at;
    client.clock().sleep(Duration::from_secs(5));
    // The server has recovered (the script falls back to 200).
    assert!(client.get(URL).is_success());
    assert_eq!(
        client.breaker_state(),
        Some(BreakerState::HalfOpen),
        "one of two trials"
    );
    assert!(client.get(URL).is_success());
    assert_eq!(client.breaker_state(), Some(BreakerState::Closed));
    let states: Vec<_> = client
        .transitions()
        .iter()
        .map(|t| (t.from, t.to))
        .collect();
    use BreakerState::{Closed, HalfOpen, Open};
    assert_eq!(
        states,
        vec![(Closed, Open), (Open, HalfOpen), (HalfOpen, Closed)]
    );
    assert_eq!(client.transitions()[1].at, opened + Duration::from_secs(5));
    assert_eq!(transport.calls().len(), 7);
}

#[test]
fn breaker_skips_a_backoff_that_would_end_while_open() {
    let breaker = BreakerConfig {
        consecutive_failures: 1,
        open_jitter: 0.0,
        ..BreakerConfig::default()
    };
    let config = ClientConfig {
        breaker: Some(breaker),
        ..plain()
    };
    let (client, _) = setup(config, |s| s.otherwise(Step::status(503)));
    let result = client.get(URL);
    assert_eq!(
        (result.attempts.len(), result.stop),
        (1, StopReason::BreakerOpen)
    );
    assert!(client.clock().now() < ms(10), "no backoff slept");
}

#[test]
fn slow_successes_open_the_breaker() {
    let config = ClientConfig {
        breaker: Some(BreakerConfig::default()),
        ..plain()
    };
    let slow = Step::status(200).latency(Duration::from_secs(6));
    let (client, _) = setup(config, |s| s.otherwise(slow));
    for _ in 0..5 {
        let r = client.get(URL);
        assert!(r.is_success() && r.attempts[0].slow);
    }
    assert_eq!(client.breaker_state(), Some(BreakerState::Open));
    assert_eq!(client.stats().slow, 5);
}

#[test]
fn overall_deadline_bounds_attempts_and_backoff() {
    let config = ClientConfig {
        overall_timeout: Duration::from_secs(1),
        ..plain()
    };
    let slow_fail = read_timeout().latency(ms(850));
    let (client, transport) = setup(config, |s| s.otherwise(slow_fail));
    let result = client.get(URL);
    assert_eq!(
        (transport.calls().len(), result.stop.clone()),
        (1, StopReason::Deadline)
    );
    assert_eq!(transport.calls()[0].total_timeout, Duration::from_secs(1));
    assert_eq!(result.category(), Some(Category::ReadTimeout));

    let config = ClientConfig {
        overall_timeout: Duration::from_secs(1),
        ..plain()
    };
    let (client, transport) = setup(config, |s| s.otherwise(read_timeout().latency(ms(300))));
    let result = client.get(URL);
    let totals: Vec<_> = transport.calls().iter().map(|c| c.total_timeout).collect();
    assert_eq!(
        totals,
        vec![ms(1000), ms(500)],
        "the second attempt gets what is left"
    );
    assert_eq!(result.stop, StopReason::Deadline);
}

#[test]
fn rate_limit_spaces_attempts_on_the_fake_clock() {
    let config = ClientConfig {
        rate_limit: Some(RateLimit {
            per_second: 10.0,
            burst: 2,
        }),
        ..plain()
    };
    let (client, transport) = setup(config, |s| {
        s.otherwise(Step::status(200).latency(Duration::ZERO))
    });
    for _ in 0..5 {
        assert!(client.get(URL).is_success());
    }
    let at: Vec<_> = transport.calls().iter().map(|c| c.at).collect();
    assert_eq!(at, vec![ms(0), ms(0), ms(100), ms(200), ms(300)]);
    assert_eq!(client.stats().rate_limit_wait, ms(300));
}

#[test]
fn full_jitter_delays_stay_under_the_ceiling() {
    let mut config = plain();
    config.retry.backoff.jitter = Jitter::Full;
    config.retry.max_attempts = 6;
    config.retry.max_status_retries = 5;
    let (client, _) = setup(config, |s| s.otherwise(Step::status(502)));
    let result = client.get(URL);
    for (n, attempt) in result.attempts.iter().take(5).enumerate() {
        let delay = attempt.delay_after.expect("retried");
        assert!(delay <= ms(200 << n), "retry {n}: {delay:?}");
    }
}

#[test]
fn invalid_requests_send_nothing() {
    let (client, transport) = setup(plain(), |s| s);
    let result = client.get("ftp://127.0.0.1/x");
    assert!(matches!(result.stop, StopReason::InvalidRequest(_)));
    assert!(transport.calls().is_empty());
    assert_eq!(client.stats().requests, 0);
}

#[test]
fn health_check_uses_a_single_attempt() {
    let (client, transport) = setup(plain(), |s| s.then(Step::status(503)));
    let report = client.health_check("http://127.0.0.1:9", &HealthCheck::path("/health"));
    assert!(!report.healthy);
    assert_eq!(report.problem, Some(Problem::Status(503)));
    assert_eq!(transport.calls().len(), 1);
    assert_eq!(transport.calls()[0].url, "http://127.0.0.1:9/health");
    let report = client.health_check("http://127.0.0.1:9", &HealthCheck::path("/health"));
    assert!(report.healthy);
    assert_eq!(report.latency, Some(ms(1)));
}
