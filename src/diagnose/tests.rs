//! Unit tests of the diagnosis on hand-built facts: the cross-checks, the baseline's
//! down-versus-overloaded rule, outage windows, masked lines, clustering and load levels.
//! Not here: analyses of whole logs, which the integration tests under `tests/` and their
//! snapshots cover.

use super::*;
use crate::facts::fixtures::{analysis, test_report as test};

/// The statement of the cross-check `id` of a root cause.
fn statement<'a>(rc: &'a RootCause, id: &str) -> &'a str {
    &rc.cross_checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no {id} cross-check"))
        .statement
}

fn findings_of(a: &RunFacts) -> Vec<Finding> {
    let index: TestIndex<'_> = a.tests.iter().map(|t| (t.nodeid.as_str(), t)).collect();
    findings(a, &index)
}

fn event(category: Category, kind: EventKind, test: &str, count: u64) -> EventReport {
    EventReport {
        category,
        cause: None,
        kind,
        test: Some(format!("tests/t.py::{test}")),
        signature: "x".to_string(),
        count,
        lines: count,
        host: Some("10.10.10.100".to_string()),
        port: Some(443),
        method: None,
        path: Some("/focus-server/configure".to_string()),
        status: None,
        timeouts_s: Vec::new(),
        pool_sizes: Vec::new(),
        max_elapsed_ms: None,
        retry: None,
        retry_max_total: None,
        first_at: None,
        last_at: None,
        locations: vec![Location { file: 0, line: 10 }],
        last: Location { file: 0, line: 10 },
        sample: "line".to_string(),
    }
}

#[test]
fn pool_size_against_concurrency() {
    let mut pool = event(
        Category::PoolFull,
        EventKind::PoolWarning,
        "test_load[200]",
        283,
    );
    pool.pool_sizes = vec![10];
    pool.port = None;
    let a = analysis(vec![test("test_load[200]", "failed")], vec![pool]);
    let f = findings_of(&a);
    let refs: Vec<&Finding> = f.iter().collect();
    let check = pool_vs_concurrency(&refs, Some(200)).unwrap();
    assert!(
        check
            .statement
            .contains("pool size 10 < observed concurrency 200"),
        "{}",
        check.statement
    );
    assert!(check.statement.contains("up to 190"), "{}", check.statement);
    assert!(check.statement.contains("default"), "{}", check.statement);
    assert!(check.statement.contains("283 pool-full warnings"));
    let check = pool_vs_concurrency(&refs, Some(5)).unwrap();
    assert!(
        check.statement.contains(">= observed concurrency 5"),
        "{}",
        check.statement
    );
}

#[test]
fn elapsed_time_against_timeouts_and_attempts() {
    let mut deadline = event(Category::RequestTimeout, EventKind::Terminal, "test_a", 1);
    deadline.max_elapsed_ms = Some(90411.54);
    deadline.method = Some("POST".to_string());
    let mut connect = event(Category::ConnectTimeout, EventKind::Terminal, "test_a", 1);
    connect.timeouts_s = vec![60.0];
    let a = analysis(
        vec![test("test_a", "failed")],
        vec![deadline.clone(), connect.clone()],
    );
    let f = findings_of(&a);
    let refs: Vec<&Finding> = f.iter().collect();
    let check = elapsed_vs_timeout(&a, &refs).unwrap();
    assert!(
        check.statement.contains("90.4 s with a 60 s timeout: 1.5x"),
        "{}",
        check.statement
    );
    assert!(
        check.statement.contains("retries stacked"),
        "{}",
        check.statement
    );
    // With urllib3 retry counters the number of attempts is known.
    let mut retry = event(
        Category::ConnectTimeout,
        EventKind::RetryAttempt,
        "test_a",
        2,
    );
    retry.retry_max_total = Some(0);
    let a = analysis(
        vec![test("test_a", "failed")],
        vec![deadline, connect, retry],
    );
    let f = findings_of(&a);
    let refs: Vec<&Finding> = f.iter().collect();
    let check = elapsed_vs_timeout(&a, &refs).unwrap();
    assert!(
        check
            .statement
            .contains("allow 2 attempts (120 s of timeouts)"),
        "{}",
        check.statement
    );
}

#[test]
fn retry_amplification_counts_attempts_and_flags_unsafe_post() {
    let mut retry = event(Category::ReadTimeout, EventKind::RetryAttempt, "test_a", 6);
    retry.retry_max_total = Some(2);
    let mut last = event(Category::ReadTimeout, EventKind::Terminal, "test_a", 2);
    last.method = Some("POST".to_string());
    let a = analysis(vec![test("test_a", "failed")], vec![retry, last]);
    let f = findings_of(&a);
    let refs: Vec<&Finding> = f.iter().collect();
    let check = retry_amplification(&a, &refs).unwrap();
    assert!(
        check
            .statement
            .contains("6 retry attempt(s) for 2 failed request(s): 4.0 attempts"),
        "{}",
        check.statement
    );
    assert!(
        check
            .statement
            .contains("POST requests were among those retried"),
        "{}",
        check.statement
    );
    // The same after connect timeouts is safe: no POST warning.
    let mut retry = event(
        Category::ConnectTimeout,
        EventKind::RetryAttempt,
        "test_a",
        6,
    );
    retry.retry_max_total = Some(2);
    let mut last = event(Category::ConnectTimeout, EventKind::Terminal, "test_a", 2);
    last.method = Some("POST".to_string());
    let a = analysis(vec![test("test_a", "failed")], vec![retry, last]);
    let f = findings_of(&a);
    let refs: Vec<&Finding> = f.iter().collect();
    let check = retry_amplification(&a, &refs).unwrap();
    assert!(!check.statement.contains("POST"), "{}", check.statement);
}

/// A `Retry(total=9223372036854775807)` counter in a log overflowed the attempt count (a
/// panic in debug builds, a negative count in release). Found by the `recombine` fuzz
/// target (`fuzz/regressions/recombine/retry-attempts-i64-max.fuzz-input`).
#[test]
fn retry_counters_at_the_integer_limit_do_not_overflow() {
    let mut retry = event(Category::ReadTimeout, EventKind::RetryAttempt, "test_a", 1);
    retry.retry_max_total = Some(i64::MAX);
    let last = event(Category::ReadTimeout, EventKind::Terminal, "test_a", 1);
    let a = analysis(vec![test("test_a", "failed")], vec![retry, last]);
    assert_eq!(attempts_from_retry(&a, None), Some(i64::MAX));
    let f = findings_of(&a);
    let refs: Vec<&Finding> = f.iter().collect();
    let check = retry_amplification(&a, &refs).unwrap();
    assert!(
        check
            .statement
            .contains(&format!("(Retry allowed {})", i64::MAX)),
        "{}",
        check.statement
    );
}

#[test]
fn baseline_decides_down_versus_overloaded() {
    let tests = vec![
        test("test_single_job_baseline", "failed"),
        test("test_heavy[50]", "failed"),
    ];
    let events = vec![
        event(
            Category::ConnectTimeout,
            EventKind::Terminal,
            "test_single_job_baseline",
            1,
        ),
        event(
            Category::ConnectTimeout,
            EventKind::Terminal,
            "test_heavy[50]",
            10,
        ),
    ];
    let a = analysis(tests, events);
    let r = analyse(&a);
    assert_eq!(r.root_causes.len(), 1);
    let rc = &r.root_causes[0];
    assert_eq!(rc.verdict.locus, Locus::Infrastructure);
    let check_statement = statement(rc, "baseline_vs_load");
    assert!(
        check_statement.contains("baseline failed as well"),
        "{}",
        check_statement
    );

    let tests = vec![
        test("test_single_job_baseline", "passed"),
        test("test_heavy[50]", "failed"),
    ];
    let events = vec![event(
        Category::ConnectTimeout,
        EventKind::Terminal,
        "test_heavy[50]",
        10,
    )];
    let r = analyse(&analysis(tests, events));
    let rc = &r.root_causes[0];
    assert_eq!(rc.verdict.locus, Locus::ServerCapacity);
    let check_statement = statement(rc, "baseline_vs_load");
    assert!(
        check_statement.contains("overloaded, not down"),
        "{}",
        check_statement
    );
}

#[test]
fn load_levels_that_passed_below_the_knee_say_overloaded_not_down() {
    let ramp = |outcomes: [&str; 4]| {
        let tests: Vec<TestReport> = [5, 10, 20, 50]
            .iter()
            .zip(outcomes)
            .map(|(c, o)| test(&format!("test_load[{c}]"), o))
            .collect();
        let events = tests
            .iter()
            .filter(|t| t.outcome == "failed")
            .map(|t| event(Category::ConnectTimeout, EventKind::Terminal, &t.name, 5))
            .collect();
        analyse(&analysis(tests, events))
    };
    // No baseline test: only the levels tell down from overloaded.
    let r = ramp(["passed", "passed", "failed", "failed"]);
    let v = &r.root_causes[0].verdict;
    assert_eq!(
        (v.locus, v.confidence),
        (Locus::ServerCapacity, Confidence::Medium)
    );
    assert!(
        v.summary
            .contains("kept up with the load levels up to 10 and failed from 20"),
        "{}",
        v.summary
    );
    assert!(
        v.evidence
            .iter()
            .any(|e| e.starts_with("the log's load levels: "))
    );
    // Every level failing is no evidence of overload: the verdict stays, the estimate
    // is cited.
    let r = ramp(["failed", "failed", "failed", "failed"]);
    let v = &r.root_causes[0].verdict;
    assert_eq!(
        (v.locus, v.confidence),
        (Locus::Infrastructure, Confidence::Low)
    );
    assert!(
        v.evidence
            .iter()
            .any(|e| e.contains("every load level failed")),
        "{:?}",
        v.evidence
    );
    assert_eq!(r.capacity.as_ref().and_then(|c| c.last_good), None);
}

#[test]
fn successful_responses_turn_down_into_overloaded() {
    let tests = vec![
        test("test_single_job_baseline", "failed"),
        test("test_heavy[50]", "failed"),
    ];
    let mut e1 = event(
        Category::ConnectTimeout,
        EventKind::Terminal,
        "test_single_job_baseline",
        1,
    );
    e1.first_at = Some("2025-11-07T10:00:00".to_string());
    e1.last_at = Some("2025-11-07T10:00:00".to_string());
    let mut e2 = event(
        Category::ConnectTimeout,
        EventKind::Terminal,
        "test_heavy[50]",
        10,
    );
    e2.first_at = Some("2025-11-07T10:00:10".to_string());
    e2.last_at = Some("2025-11-07T10:00:30".to_string());
    let mut a = analysis(tests, vec![e1, e2]);
    let start = crate::attribute::event::epoch_seconds("2025-11-07T10:00:00").unwrap();
    let mut r = crate::attribute::responses::TargetResponses {
        target: "10.10.10.100:443".to_string(),
        ..Default::default()
    };
    for i in 0..40 {
        r.add(200, Some(start + i));
    }
    r.add(503, Some(start + 5));
    a.responses = vec![r];
    let rc = &analyse(&a).root_causes[0];
    assert_eq!(rc.verdict.locus, Locus::ServerCapacity, "{:?}", rc.verdict);
    assert!(
        rc.verdict.summary.contains("answered 31 other request(s)"),
        "{}",
        rc.verdict.summary
    );
    assert!(
        rc.verdict
            .counter_evidence
            .iter()
            .any(|c| c.contains("31 request(s) successfully in the same window (1 error")),
        "{:?}",
        rc.verdict.counter_evidence
    );
}

#[test]
fn backoff_is_the_gap_between_retries_minus_the_timeout() {
    let tests = vec![test("test_a", "failed")];
    let mut retry = event(
        Category::ConnectTimeout,
        EventKind::RetryAttempt,
        "test_a",
        3,
    );
    retry.timeouts_s = vec![0.5];
    let mut a = analysis(tests, vec![retry]);
    let mut gaps = crate::attribute::collect::RetryGaps {
        pairs: 4,
        total_ms: 4 * 2500,
        min_ms: 2000,
        max_ms: 3000,
        precise: true,
        timeout_s: Some(0.5),
    };
    a.retry_gaps
        .insert("10.10.10.100:443".to_string(), gaps.clone());
    let r = analyse(&a);
    let c_statement = statement(&r.root_causes[0], "observed_backoff");
    assert!(
        c_statement.contains("2.5 s apart on average (4 pair(s), 2.0-3.0 s)"),
        "{}",
        c_statement
    );
    assert!(
        c_statement.contains("about 2.0 s of backoff per retry"),
        "{}",
        c_statement
    );
    gaps.total_ms = 4 * 550;
    gaps.min_ms = 500;
    gaps.max_ms = 600;
    a.retry_gaps.insert("10.10.10.100:443".to_string(), gaps);
    let r = analyse(&a);
    let c_statement = statement(&r.root_causes[0], "observed_backoff");
    assert!(
        c_statement.contains("no visible backoff"),
        "{}",
        c_statement
    );
}

#[test]
fn retry_after_compares_the_time_taken_with_the_delay_asked() {
    let mut e = event(Category::RetryExhausted, EventKind::Terminal, "test_a", 3);
    e.status = Some(503);
    e.max_elapsed_ms = Some(900.0);
    let mut retry = event(
        Category::ConnectTimeout,
        EventKind::RetryAttempt,
        "test_a",
        1,
    );
    retry.retry_max_total = Some(2); // Retry(total=2) after the first failure: 4 attempts
    let mut a = analysis(vec![test("test_a", "failed")], vec![e, retry]);
    let check_of = |a: &RunFacts| {
        let f = findings_of(a);
        let refs: Vec<&Finding> = f.iter().collect();
        retry_after(a, &refs).map(|c| c.statement)
    };
    // No header in the log: only the upper bound on what was waited.
    let s = check_of(&a).unwrap();
    assert!(s.contains("took 0.9 s in total with 4 attempt(s)"), "{s}");
    assert!(s.contains("waited at most 0.3 s between attempts"), "{s}");
    assert!(
        s.contains("does not show whether the server sent one"),
        "{s}"
    );
    // The server asked for 2 s: three waits need 6 s, 0.9 s is far short.
    a.retry_after = crate::attribute::collect::RetryAfterSeen {
        count: 5,
        min_s: 2.0,
        max_s: 2.0,
        first_line: 77,
    };
    let s = check_of(&a).unwrap();
    assert!(s.contains("asked to wait 2 s (Retry-After, L77)"), "{s}");
    assert!(
        s.contains("at least 6 s, so Retry-After was not honoured"),
        "{s}"
    );
    // Slow enough to have waited: consistent.
    a.events[0].max_elapsed_ms = Some(6500.0);
    let s = check_of(&a).unwrap();
    assert!(
        s.contains("consistent with Retry-After being honoured"),
        "{s}"
    );
    // A 500 is not a status urllib3 applies Retry-After to.
    a.events[0].status = Some(500);
    assert_eq!(check_of(&a), None);
}

#[test]
fn masked_lines_drop_times_addresses_and_client_ports() {
    let line = "2026-11-27 09:50:36,120 ERROR reset on <socket.socket fd=7, laddr=('10.0.0.5', 51234), raddr=('10.10.10.100', 443)> at 0x7f84ef669b50";
    assert_eq!(
        mask_line(line),
        "ERROR reset on <socket.socket fd=7, laddr=('10.0.0.5', {port}), raddr=('10.10.10.100', 443)> at 0x…"
    );
}

#[test]
fn addresses_mask_as_the_hex_regex_replaces_them() {
    let re = regex::Regex::new(r"0x[0-9a-fA-F]+").unwrap();
    for t in [
        "at 0x7f84ef669b50>",
        "0x0xab 0x 0xg 0x1",
        "x0x",
        "0x",
        "ends 0xDEADbeef",
        "é0x1é 0xé",
        "00x00x0",
        "no address",
    ] {
        assert_eq!(mask_addresses(t), re.replace_all(t, "0x…"), "{t:?}");
    }
}

#[test]
fn outage_windows_split_on_gaps_and_on_successes() {
    let mut tests = Vec::new();
    for (name, start, end) in [
        ("t1", 100, 110),
        ("t2", 112, 120),
        ("t3", 125, 130),
        ("t4", 200, 205),
        ("t5", 300, 301),
        ("t6", 303, 304),
    ] {
        let mut t = test(name, "failed");
        t.first_event_s = Some(start);
        t.last_event_s = Some(end);
        tests.push(t);
    }
    let index: TestIndex<'_> = tests.iter().map(|t| (t.nodeid.as_str(), t)).collect();
    let failed: Vec<String> = tests.iter().map(|t| t.nodeid.clone()).collect();
    let w = outage_windows(&index, &failed, None);
    let spans: Vec<(i64, i64, usize)> = w
        .iter()
        .map(|w| (w.start_s, w.end_s, w.tests.len()))
        .collect();
    // t4 stands alone (70 s after t3): not an outage window of its own.
    assert_eq!(spans, vec![(100, 130, 3), (300, 304, 2)]);
    assert_eq!(w[0].answered_ok, None);
    // The target answered at 122 s, between t2 and t3: the server was up in between.
    let mut r = crate::attribute::responses::TargetResponses::default();
    r.add(200, Some(122));
    r.add(503, Some(302));
    let w = outage_windows(&index, &failed, Some(&r));
    let spans: Vec<(i64, i64, usize)> = w
        .iter()
        .map(|w| (w.start_s, w.end_s, w.tests.len()))
        .collect();
    assert_eq!(spans, vec![(100, 120, 2), (300, 304, 2)]);
    assert_eq!(w[0].answered_ok, Some(0));
    assert_eq!(w[1].answered_ok, Some(0), "a 503 is not a success");
}

#[test]
fn status_retries_name_the_status_and_post() {
    let mut e = event(Category::RetryExhausted, EventKind::Terminal, "test_a", 3);
    e.status = Some(503);
    e.method = Some("POST".to_string());
    let a = analysis(vec![test("test_a", "failed")], vec![e]);
    let f = findings_of(&a);
    let refs: Vec<&Finding> = f.iter().collect();
    let check = status_retries(&refs).unwrap();
    assert!(
        check.statement.contains("3 final failure(s)"),
        "{}",
        check.statement
    );
    assert!(check.statement.contains("HTTP 503"));
    assert!(check.statement.contains("POST was retried on status"));
}

#[test]
fn clusters_separate_families_and_name_primary_causes() {
    let mut s503 = event(
        Category::RetryExhausted,
        EventKind::Terminal,
        "test_poll",
        5,
    );
    s503.status = Some(503);
    let mut pool = event(Category::PoolFull, EventKind::PoolWarning, "test_poll", 40);
    pool.pool_sizes = vec![10];
    pool.port = None;
    let events = vec![
        event(
            Category::ConnectTimeout,
            EventKind::Terminal,
            "test_create",
            3,
        ),
        s503,
        pool,
    ];
    let tests = vec![
        test("test_create", "failed"),
        test("test_poll", "failed"),
        test("test_ok", "passed"),
    ];
    let mut a = analysis(tests, events);
    a.summary.failed = 2;
    a.summary.total = 3;
    let r = analyse(&a);
    assert_eq!(
        r.headline,
        "2 of 3 tests failed -> 2 root causes (+1 contributing)"
    );
    let pool_rc = r
        .root_causes
        .iter()
        .find(|c| c.family == Family::ClientPool)
        .unwrap();
    assert!(pool_rc.failed_tests.is_empty());
    assert_eq!(
        pool_rc.contributing_to,
        vec!["tests/t.py::test_poll".to_string()]
    );
    assert_eq!(pool_rc.verdict.locus, Locus::ClientCode);
    let s503_rc = r
        .root_causes
        .iter()
        .find(|c| c.family == Family::ErrorResponses)
        .unwrap();
    assert_eq!(
        s503_rc.failed_tests,
        vec!["tests/t.py::test_poll".to_string()]
    );
}

#[test]
fn concurrency_from_parameters_and_messages() {
    let mut t = test("test_linear_load_progression[50]", "failed");
    assert_eq!(test_concurrency(&t), Some(50));
    t.name = "test_configure_payload_validation[256]".to_string();
    assert_eq!(
        test_concurrency(&t),
        None,
        "payload size is not concurrency"
    );
    t.name = "test_burst[concurrency-200-run0]".to_string();
    assert_eq!(test_concurrency(&t), Some(200));
    t.name = "test_x".to_string();
    t.message = Some("AssertionError: 10/10 jobs failed (0% success)".to_string());
    assert_eq!(test_concurrency(&t), Some(10));
}
