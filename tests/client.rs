//! Integration tests of `rca::client` against in-process misbehaving servers on 127.0.0.1.
//! Assertions are made from the server side where possible: what the server received, when.

mod support;

use rca::client::{
    Backoff, BreakerConfig, BreakerState, BudgetConfig, Client, ClientConfig, ErrorClass,
    HealthCheck, Jitter, Problem, Request, RequestResult, StopReason, Transition,
};
use rca::model::Category;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use support::servers::{Blackhole, Reply, Switch, TestServer, refused_addr};
use ureq::http::Method;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Short timeouts and backoff; no budget, breaker or rate limit unless a test adds them.
fn fast() -> ClientConfig {
    let mut config = ClientConfig {
        connect_timeout: ms(300),
        read_timeout: ms(300),
        overall_timeout: Duration::from_secs(10),
        budget: None,
        breaker: None,
        rate_limit: None,
        ..ClientConfig::default()
    };
    config.retry.backoff = Backoff {
        base: ms(20),
        factor: 2.0,
        cap: ms(100),
        jitter: Jitter::Full,
    };
    config.retry.retry_after_cap = Duration::from_secs(2);
    config
}

/// A breaker without jitter or slow-call counting.
fn breaker(
    consecutive_failures: u32,
    open_duration: Duration,
    half_open_trials: u32,
) -> BreakerConfig {
    BreakerConfig {
        consecutive_failures,
        open_duration,
        open_jitter: 0.0,
        half_open_trials,
        slow_call: None,
        ..BreakerConfig::default()
    }
}

fn client(config: ClientConfig) -> Client {
    Client::new(config).expect("valid config")
}

fn categories(result: &RequestResult) -> Vec<Option<Category>> {
    result.attempts.iter().map(|a| a.category()).collect()
}

fn transitions(client: &Client) -> Vec<(BreakerState, BreakerState)> {
    client
        .transitions()
        .iter()
        .map(|t| (t.from, t.to))
        .collect()
}

#[test]
fn healthy_server_gets_one_request_per_get_over_one_pooled_connection() {
    let server = TestServer::healthy();
    let client = client(fast());
    for _ in 0..5 {
        let result = client.get(&server.url("/status"));
        assert!(result.is_success(), "{result:?}");
        assert_eq!((result.attempts.len(), result.status()), (1, Some(200)));
        assert_eq!(result.body, b"status 200\n");
        let attempt = &result.attempts[0];
        let head = attempt.head_latency.expect("head latency of a response");
        assert!(head <= attempt.latency);
    }
    let head = client.head(&server.url("/status"));
    assert!(head.is_success() && head.body.is_empty());
    assert_eq!(server.requests(), 6);
    assert_eq!(
        server.connections(),
        1,
        "keep-alive pool reuses the connection"
    );
    assert_eq!(server.arrivals()[5].method, "HEAD");
}

#[test]
fn a_pool_of_zero_idle_connections_connects_every_time() {
    let server = TestServer::healthy();
    let client = client(ClientConfig {
        pool_max_idle: 0,
        pool_max_idle_per_host: 0,
        ..fast()
    });
    for _ in 0..4 {
        assert!(client.get(&server.url("/")).is_success());
    }
    assert_eq!((server.requests(), server.connections()), (4, 4));
}

#[test]
fn attempts_never_exceed_the_configured_cap() {
    let server = TestServer::always(503);
    let client = client(fast());
    for _ in 0..4 {
        let result = client.get(&server.url("/busy"));
        assert_eq!(result.stop, StopReason::AttemptsExhausted);
        assert_eq!(result.category(), Some(Category::RetryExhausted));
    }
    assert_eq!(server.requests(), 4 * 3);
    for _ in 0..2 {
        let result = client.send(&Request::new(Method::POST, server.url("/busy")).body("{}"));
        assert_eq!(
            (result.attempts.len(), result.stop),
            (1, StopReason::NotRetryable)
        );
    }
    assert_eq!(server.requests(), 4 * 3 + 2, "POST is not retried on 503");
    let stats = client.stats();
    assert_eq!(
        (stats.attempts, stats.retries.status, stats.failures.status),
        (14, 8, 14)
    );
}

#[test]
fn retry_budget_caps_retries_seen_by_the_server() {
    let server = TestServer::always(503);
    let budget = BudgetConfig {
        window: Duration::from_secs(60),
        ratio: 0.0,
        min_retries: 2,
    };
    let client = client(ClientConfig {
        budget: Some(budget),
        ..fast()
    });
    let results: Vec<RequestResult> = (0..5).map(|_| client.get(&server.url("/"))).collect();
    assert_eq!(
        server.requests(),
        5 + 2,
        "five requests plus the two budgeted retries"
    );
    assert!(
        results[1..]
            .iter()
            .all(|r| r.stop == StopReason::BudgetExhausted)
    );
}

#[test]
fn refused_connections_are_retried_for_every_method_and_classified() {
    let url = format!("http://{}/x", refused_addr());
    let client = client(fast());
    for method in [Method::GET, Method::POST] {
        let result = client.send(&Request::new(method, url.as_str()));
        assert_eq!(result.stop, StopReason::AttemptsExhausted);
        assert_eq!(
            categories(&result),
            vec![Some(Category::ConnectionRefused); 3]
        );
        assert_eq!(result.category(), Some(Category::ConnectionRefused));
        let class = result.attempts[0].outcome.error_class();
        assert_eq!(class, Some(ErrorClass::Connect));
    }
}

#[test]
fn full_backlog_listener_gives_connect_timeouts() {
    let blackhole = Blackhole::new();
    assert!(blackhole.parked() > 0);
    let mut config = fast();
    config.retry.max_attempts = 2;
    let client = client(config);
    let result = client.get(&blackhole.url("/"));
    assert_eq!(
        categories(&result),
        vec![Some(Category::ConnectTimeout); 2],
        "{result:?}"
    );
    for attempt in &result.attempts {
        assert!(
            attempt.latency >= ms(250) && attempt.latency < Duration::from_secs(3),
            "{attempt:?}"
        );
        assert_eq!(attempt.head_latency, None);
    }
    let post = client.send(&Request::new(Method::POST, blackhole.url("/")));
    assert_eq!(
        post.attempts.len(),
        2,
        "the server never saw the POST: retried"
    );
}

#[test]
fn hanging_server_gets_read_timeouts_and_the_breaker_caps_its_requests() {
    let server = TestServer::hanging();
    let config = ClientConfig {
        breaker: Some(breaker(3, Duration::from_secs(60), 1)),
        ..fast()
    };
    let client = client(config);
    let first = client.get(&server.url("/"));
    assert_eq!(categories(&first), vec![Some(Category::ReadTimeout); 3]);
    assert!(
        first
            .attempts
            .iter()
            .all(|a| a.latency >= ms(250) && a.head_latency.is_none())
    );
    for _ in 0..5 {
        let refused = client.get(&server.url("/"));
        assert_eq!(
            (refused.attempts.len(), refused.stop),
            (0, StopReason::BreakerOpen)
        );
    }
    assert_eq!(server.requests(), 3, "exactly the breaker threshold");
    assert_eq!(client.breaker_state(), Some(BreakerState::Open));
}

#[test]
fn half_open_trials_are_the_only_traffic_to_a_still_hanging_server() {
    let server = TestServer::hanging();
    let config = ClientConfig {
        read_timeout: ms(150),
        breaker: Some(breaker(2, ms(200), 1)),
        ..fast()
    };
    let client = client(config);
    let until = Instant::now() + Duration::from_millis(1500);
    let mut sent = 0;
    while Instant::now() < until && sent < 1000 {
        let result = client.send(&Request::get(server.url("/")).max_attempts(1));
        if result.attempts.is_empty() {
            thread::sleep(ms(10));
        }
        sent += 1;
    }
    let half_opened = transitions(&client)
        .iter()
        .filter(|t| t.1 == BreakerState::HalfOpen)
        .count();
    assert!(
        half_opened >= 2,
        "open 200 ms, trial 150 ms: several cycles in 1.5 s"
    );
    assert_eq!(
        server.requests(),
        2 + half_opened,
        "threshold plus one trial per half-open period"
    );
}

#[test]
fn dead_server_under_concurrency_gets_at_most_threshold_plus_in_flight() {
    let server = TestServer::closing();
    let config = ClientConfig {
        max_in_flight: 4,
        breaker: Some(breaker(5, Duration::from_secs(60), 1)),
        ..fast()
    };
    let client = Arc::new(client(config));
    let start = Arc::new(Barrier::new(4));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (client, start, url) = (Arc::clone(&client), Arc::clone(&start), server.url("/"));
            thread::spawn(move || {
                start.wait();
                (0..10).map(|_| client.get(&url)).collect::<Vec<_>>()
            })
        })
        .collect();
    let results: Vec<RequestResult> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("thread"))
        .collect();
    assert_eq!(client.breaker_state(), Some(BreakerState::Open));
    let sent: usize = results.iter().map(|r| r.attempts.len()).sum();
    assert_eq!(
        server.requests(),
        sent,
        "every attempt reached the server once"
    );
    assert!(
        sent <= 5 + 3,
        "threshold + attempts already in flight when it opened: {sent}"
    );
    let failed = results
        .iter()
        .flat_map(|r| &r.attempts)
        .all(|a| a.category() == Some(Category::ConnectionReset));
    assert!(
        failed,
        "a server closing without an answer is a connection reset"
    );
}

#[test]
fn retry_after_seconds_are_respected_between_arrivals() {
    let server = TestServer::rate_limited("1", 1);
    let client = client(fast());
    let result = client.get(&server.url("/limited"));
    assert!(result.is_success(), "{result:?}");
    assert_eq!(result.attempts[0].category(), Some(Category::RateLimited));
    assert_eq!(result.attempts[0].delay_after, Some(Duration::from_secs(1)));
    let gaps = server.arrival_gaps();
    assert_eq!(gaps.len(), 1);
    assert!(
        gaps[0] >= Duration::from_secs(1) && gaps[0] < Duration::from_secs(3),
        "{gaps:?}"
    );
}

#[test]
fn retry_after_http_date_is_respected() {
    let at: chrono::DateTime<chrono::Utc> =
        (std::time::SystemTime::now() + Duration::from_secs(2)).into();
    let date = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let server = TestServer::rate_limited(&date, 1);
    let client = client(fast());
    let result = client.get(&server.url("/"));
    assert!(result.is_success(), "{result:?}");
    let gaps = server.arrival_gaps();
    // The date has whole seconds: the wait is between 1 and 2 s.
    assert!(
        gaps[0] >= ms(900) && gaps[0] < Duration::from_secs(3),
        "{gaps:?}"
    );
}

#[test]
fn retry_after_above_the_cap_stops_retrying() {
    let server = TestServer::rate_limited("30", 10);
    let client = client(fast());
    let result = client.get(&server.url("/"));
    assert_eq!(
        (result.stop.clone(), result.status()),
        (StopReason::RetryAfterTooLong, Some(429))
    );
    assert_eq!(result.category(), Some(Category::RateLimited));
    assert_eq!(server.requests(), 1);
}

#[test]
fn concurrency_limit_matching_capacity_keeps_an_overloaded_server_happy() {
    let server = TestServer::overloaded(2, ms(100));
    let client = Arc::new(client(ClientConfig {
        max_in_flight: 2,
        ..fast()
    }));
    let results = hammer(&client, &server.url("/work"), 6, 2);
    assert!(results.iter().all(RequestResult::is_success));
    assert_eq!(server.responses_with(503), 0);
    assert!(server.peak_in_flight() <= 2, "{}", server.peak_in_flight());
    assert_eq!(client.stats().peak_in_flight, 2);
}

#[test]
fn an_overloaded_server_sheds_load_and_sees_only_capped_retries() {
    let server = TestServer::overloaded(2, ms(300));
    let client = Arc::new(client(ClientConfig {
        max_in_flight: 8,
        ..fast()
    }));
    let results = hammer(&client, &server.url("/work"), 6, 2);
    let sent: usize = results.iter().map(|r| r.attempts.len()).sum();
    assert!(
        server.responses_with(503) > 0,
        "six at once overload a server of two"
    );
    assert_eq!(server.requests(), sent);
    assert!(sent <= 12 * 3);
    assert!(results.iter().all(|r| r.attempts.len() <= 3));
}

/// `threads` threads start together and each sends `each` GETs to `url`.
fn hammer(client: &Arc<Client>, url: &str, threads: usize, each: usize) -> Vec<RequestResult> {
    let start = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (client, start, url) = (Arc::clone(client), Arc::clone(&start), url.to_string());
            thread::spawn(move || {
                start.wait();
                (0..each).map(|_| client.get(&url)).collect::<Vec<_>>()
            })
        })
        .collect();
    handles
        .into_iter()
        .flat_map(|h| h.join().expect("thread"))
        .collect()
}

#[test]
fn breaker_opens_half_opens_and_closes_as_a_flapping_server_recovers() {
    let switch = Switch::down();
    let server = TestServer::flapping(&switch, Reply::status(503));
    let seen: Arc<Mutex<Vec<Transition>>> = Arc::default();
    let log = Arc::clone(&seen);
    let config = ClientConfig {
        breaker: Some(breaker(3, ms(300), 2)),
        ..fast()
    };
    let client = Client::builder(config)
        .on_transition(move |t| log.lock().expect("lock").push(*t))
        .build()
        .expect("valid");
    let once = |c: &Client| c.send(&Request::get(server.url("/")).max_attempts(1));
    for _ in 0..3 {
        assert_eq!(once(&client).status(), Some(503));
    }
    assert_eq!(client.breaker_state(), Some(BreakerState::Open));
    for _ in 0..5 {
        assert_eq!(once(&client).stop, StopReason::BreakerOpen);
    }
    assert_eq!(
        server.requests(),
        3,
        "nothing reaches the server while open"
    );
    switch.set_up();
    thread::sleep(ms(400));
    assert!(once(&client).is_success());
    assert_eq!(client.breaker_state(), Some(BreakerState::HalfOpen));
    assert!(once(&client).is_success());
    assert_eq!(client.breaker_state(), Some(BreakerState::Closed));
    use BreakerState::{Closed, HalfOpen, Open};
    assert_eq!(
        transitions(&client),
        vec![(Closed, Open), (Open, HalfOpen), (HalfOpen, Closed)]
    );
    let t = client.transitions();
    assert!(
        t[1].at - t[0].at >= ms(300),
        "open for the whole open duration"
    );
    assert_eq!(
        *seen.lock().expect("lock"),
        t,
        "the observer saw every transition"
    );
    assert_eq!(server.requests(), 5);
}

#[test]
fn health_checks_classify_servers() {
    let client = client(fast());
    let check = HealthCheck::path("/health");

    let healthy = TestServer::healthy();
    let report = check.run(&client, &healthy.base_url());
    assert!(report.healthy, "{report:?}");
    assert!(report.latency.is_some() && report.head_latency.is_some());
    assert_eq!(healthy.arrivals()[0].path, "/health");

    let slow = TestServer::start(|_| Reply::status(200).after(ms(120)));
    let strict = HealthCheck {
        max_latency: Some(ms(50)),
        ..check.clone()
    };
    let report = strict.run(&client, &slow.base_url());
    assert!(
        matches!(report.problem, Some(Problem::Slow { .. })),
        "{report:?}"
    );
    assert!(
        report.head_latency.is_some_and(|h| h >= ms(100)),
        "{report:?}"
    );

    let hanging = TestServer::hanging();
    let report = check.run(&client, &hanging.base_url());
    assert_eq!(report.problem, Some(Problem::Failed(Category::ReadTimeout)));
    assert_eq!(hanging.requests(), 1, "a health check is a single attempt");

    let refused = format!("http://{}", refused_addr());
    let report = check.run(&client, &refused);
    assert_eq!(
        report.problem,
        Some(Problem::Failed(Category::ConnectionRefused))
    );
}

#[test]
fn health_polling_sees_a_server_recover_after_a_while() {
    let server = TestServer::failing_for(ms(500), Reply::status(503));
    let client = client(fast());
    let check = HealthCheck::default();
    let mut reports = Vec::new();
    for _ in 0..40 {
        let report = check.run(&client, &server.base_url());
        let healthy = report.healthy;
        reports.push(report);
        if healthy {
            break;
        }
        thread::sleep(ms(50));
    }
    assert_eq!(reports[0].problem, Some(Problem::Status(503)));
    assert!(
        reports.last().expect("polled").healthy,
        "recovered within 2 s"
    );
    assert_eq!(server.requests(), reports.len());
}
