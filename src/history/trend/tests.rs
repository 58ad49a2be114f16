//! Unit tests of the trend rules on hand-built run sequences. Not here: the store and the
//! printers, tested in their own modules and the integration tests.

use super::*;
use crate::history::record::{Counts, RootCauseRecord, TestOutcome};

/// Observations from a pattern: `P` pass, `F` failure, `O` failure in an outage run.
fn seq(pattern: &str) -> Vec<Obs> {
    pattern
        .chars()
        .enumerate()
        .map(|(i, c)| Obs {
            at: 1000 * (i as i64 + 1),
            fail: c != 'P',
            excused: c == 'O',
        })
        .collect()
}

fn status(pattern: &str) -> &'static str {
    classify(&seq(pattern), true).status
}

#[test]
fn passing_when_it_never_failed() {
    assert_eq!(status("P"), "passing");
    assert_eq!(status("PPPP"), "passing");
}

#[test]
fn new_failure_when_failing_now_and_not_before() {
    assert_eq!(status("PPPF"), "new_failure");
    assert_eq!(status("F"), "new_failure"); // first run in the window
}

#[test]
fn still_failing_with_the_start_of_the_streak() {
    let v = classify(&seq("PPFFF"), true);
    assert_eq!(v.status, "still_failing");
    assert_eq!(v.since, Some(3000));
    let v = classify(&seq("FF"), true);
    assert_eq!((v.status, v.since), ("still_failing", Some(1000)));
}

#[test]
fn fixed_when_passing_after_failures() {
    assert_eq!(status("FFP"), "fixed");
    assert_eq!(status("PPFFFP"), "fixed");
}

#[test]
fn flaky_on_three_flips_or_a_single_run_blip_with_a_rate() {
    let v = classify(&seq("PFPF"), true);
    assert_eq!(v.status, "flaky");
    assert_eq!(v.flips, 3);
    assert_eq!(v.flip_rate, 1.0);
    let v = classify(&seq("PPFPP"), true);
    assert_eq!((v.status, v.flips, v.flip_rate), ("flaky", 2, 0.5));
    // flaky wins over failing now
    assert_eq!(status("FPF"), "flaky");
    assert_eq!(status("PFPPF"), "flaky");
    // two changes around a longer streak: a break that was fixed, or a regression
    assert_eq!(status("PFFPP"), "fixed");
    assert_eq!(status("FPPF"), "new_failure");
}

#[test]
fn outage_failures_do_not_make_tests_flaky_or_fixed() {
    assert_eq!(status("PPOPP"), "passing");
    assert_eq!(status("POPOP"), "passing");
    let v = classify(&seq("POPOP"), true);
    assert_eq!((v.flips, v.flip_rate), (0, 0.0));
    // failing now in an outage is still failing now
    assert_eq!(status("PPPO"), "new_failure");
    assert_eq!(status("PPOO"), "still_failing");
}

fn test(nodeid: &str, outcome: &str, cats: &[&str]) -> TestOutcome {
    TestOutcome {
        nodeid: nodeid.into(),
        outcome: outcome.into(),
        categories: cats.iter().map(|c| c.to_string()).collect(),
    }
}

fn run(id: &str, at: i64, tests: Vec<TestOutcome>) -> RunRecord {
    let failed = tests.iter().filter(|t| t.outcome == "failed").count() as u64;
    let skipped = tests.iter().filter(|t| t.outcome == "skipped").count() as u64;
    let mut categories = BTreeMap::new();
    for t in &tests {
        for c in &t.categories {
            *categories.entry(c.clone()).or_insert(0) += 1;
        }
    }
    RunRecord {
        id: id.into(),
        at,
        labels: BTreeMap::new(),
        counts: Counts {
            total: tests.len() as u64,
            passed: tests.len() as u64 - failed - skipped,
            failed,
            skipped,
            ..Counts::default()
        },
        tests,
        categories,
        ..RunRecord::default()
    }
}

#[test]
fn outage_guard_needs_most_tests_failing_with_connection_categories() {
    let down = run(
        "r",
        1,
        vec![
            test("a", "failed", &["connect_timeout"]),
            test("b", "failed", &["dns_failure"]),
            test("c", "passed", &[]),
        ],
    );
    assert!(is_outage(&down));
    let asserts = run(
        "r",
        1,
        vec![
            test("a", "failed", &[]),
            test("b", "failed", &["http_error"]),
            test("c", "passed", &[]),
        ],
    );
    assert!(
        !is_outage(&asserts),
        "failures without connection categories"
    );
    let few = run(
        "r",
        1,
        vec![
            test("a", "failed", &["connect_timeout"]),
            test("b", "passed", &[]),
            test("c", "passed", &[]),
        ],
    );
    assert!(!is_outage(&few), "a minority of tests failing");
}

#[test]
fn trend_over_runs_combines_the_rules() {
    let runs = vec![
        run(
            "r1",
            100,
            vec![
                test("a", "passed", &[]),
                test("b", "failed", &["http_error"]),
            ],
        ),
        run(
            "r2",
            200,
            vec![
                test("a", "failed", &["connection_refused"]),
                test("b", "failed", &["connection_refused"]),
                test("s", "skipped", &[]),
            ],
        ),
        run(
            "r3",
            300,
            vec![test("a", "passed", &[]), test("b", "passed", &[])],
        ),
    ];
    let t = compute(&runs, Selection::default(), &[]);
    assert!(t.runs[1].outage);
    let a = t.tests.iter().find(|t| t.nodeid == "a").unwrap();
    assert_eq!(
        a.status, "passing",
        "its only failure was in the outage run"
    );
    assert_eq!((a.failures, a.outage_failures), (1, 1));
    let b = t.tests.iter().find(|t| t.nodeid == "b").unwrap();
    assert_eq!(b.status, "fixed");
    assert_eq!(b.first_failed_at.as_deref(), Some("1970-01-01T00:01:40Z"));
    assert_eq!(b.last_failed_at.as_deref(), Some("1970-01-01T00:03:20Z"));
    assert!(t.tests.iter().all(|t| t.nodeid != "s"), "only ever skipped");
    assert_eq!(t.status_counts["fixed"], 1);
    assert_eq!(t.status_counts["flaky"], 0);
    assert_eq!(t.runs[0].pass_rate, Some(0.5));
    let refused = t
        .categories
        .iter()
        .find(|c| c.category == "connection_refused")
        .unwrap();
    assert_eq!(refused.events, vec![0, 2, 0]);
}

#[test]
fn cause_statuses() {
    assert_eq!(cause_status(&[false, false, true]), Some("new"));
    assert_eq!(cause_status(&[true]), Some("new"));
    assert_eq!(cause_status(&[true, false, true]), Some("recurring"));
    assert_eq!(cause_status(&[true, true, false]), Some("resolved"));
    assert_eq!(cause_status(&[false, false]), None);
}

#[test]
fn root_causes_by_fingerprint_with_counts_and_dates() {
    let rc = |fp: &str| RootCauseRecord {
        fingerprint: fp.into(),
        title: format!("title {fp}"),
        family: "unreachable".into(),
        target: Some("db:5432".into()),
        locus: "infrastructure".into(),
        failed_tests: 1,
        events: 10,
        endpoints: vec![format!("GET /{fp}")],
    };
    let mut runs: Vec<RunRecord> = (1..=4)
        .map(|i| run(&format!("r{i}"), i * 100, vec![test("a", "passed", &[])]))
        .collect();
    runs[0].root_causes = vec![rc("old")];
    runs[1].root_causes = vec![rc("old"), rc("again")];
    runs[3].root_causes = vec![rc("again"), rc("fresh")];
    let t = compute(&runs, Selection::default(), &[]);
    let by: BTreeMap<&str, &CauseTrend> = t
        .root_causes
        .iter()
        .map(|c| (c.fingerprint.as_str(), c))
        .collect();
    assert_eq!(by["fresh"].status, "new");
    assert_eq!(by["old"].status, "resolved");
    let again = by["again"];
    assert_eq!(again.status, "recurring");
    assert_eq!((again.seen_in, again.of, again.events), (2, 4, 20));
    assert_eq!(again.first_seen, rfc3339(200));
    assert_eq!(again.last_seen, rfc3339(400));
    let order: Vec<&str> = t.root_causes.iter().map(|c| c.status).collect();
    assert_eq!(order, ["new", "recurring", "resolved"]);
}

#[test]
fn a_test_missing_from_the_newest_run_is_not_run_not_failing() {
    let runs = vec![
        run(
            "r1",
            100,
            vec![test("a", "failed", &[]), test("b", "passed", &[])],
        ),
        run(
            "r2",
            200,
            vec![test("a", "failed", &[]), test("b", "passed", &[])],
        ),
        run(
            "r3",
            300,
            vec![test("b", "passed", &[]), test("a", "skipped", &[])],
        ),
    ];
    let t = compute(&runs, Selection::default(), &[]);
    let a = t.tests.iter().find(|x| x.nodeid == "a").unwrap();
    assert_eq!(a.status, "not_run");
    assert_eq!(a.last_run_at, rfc3339(200), "when it last ran");
    assert_eq!(a.last_outcome, "failed");
    assert_eq!(t.status_counts["not_run"], 1);
    assert_eq!(t.status_counts["still_failing"], 0);
    assert_eq!(classify(&seq("PFPF"), false).status, "flaky", "flaky wins");
}

#[test]
fn nearly_every_test_failing_within_minutes_is_an_outage_without_categories() {
    let tests = |n: usize, failing: usize| -> Vec<TestOutcome> {
        (0..n)
            .map(|i| {
                test(
                    &format!("t{i}"),
                    if i < failing { "failed" } else { "passed" },
                    &[],
                )
            })
            .collect()
    };
    let mut all = run("r", 1, tests(16, 16));
    all.duration_s = Some(190);
    assert_eq!(outage_reason(&all), Some("nearly_all_failed"));
    all.failure_span_s = Some(WITHIN_S + 1);
    assert_eq!(
        outage_reason(&all),
        None,
        "spread over hours: not one outage"
    );
    all.failure_span_s = None;
    all.duration_s = None;
    assert_eq!(
        outage_reason(&all),
        Some("nearly_all_failed"),
        "outcomes alone"
    );
    assert_eq!(
        outage_reason(&run("r", 1, tests(16, 13))),
        None,
        "81% is not nearly all"
    );
    assert_eq!(
        outage_reason(&run("r", 1, tests(4, 4))),
        None,
        "too few tests to tell"
    );
    let down = run(
        "r",
        1,
        vec![
            test("a", "failed", &["dns_failure"]),
            test("b", "passed", &[]),
        ],
    );
    let mut down = down;
    down.counts.failed = 2;
    assert_eq!(outage_reason(&down), Some("connection_class"));
}

#[test]
fn an_outage_night_of_unclassified_failures_makes_nobody_flaky() {
    let names: Vec<String> = (0..16).map(|i| format!("t{i}")).collect();
    let night = |id: &str, at: i64, outcome: &str| {
        let mut r = run(
            id,
            at,
            names.iter().map(|n| test(n, outcome, &[])).collect(),
        );
        r.duration_s = Some(160);
        r
    };
    let runs = vec![
        night("n1", 100, "passed"),
        night("n2", 200, "passed"),
        night("n3", 300, "failed"),
        night("n4", 400, "passed"),
        night("n5", 500, "passed"),
    ];
    let t = compute(&runs, Selection::default(), &[]);
    assert_eq!(t.runs[2].outage_reason, Some("nearly_all_failed"));
    assert_eq!(t.status_counts["passing"], 16);
    assert_eq!(t.status_counts["flaky"], 0);
}

#[test]
fn a_port_change_between_nights_is_one_recurring_root_cause() {
    let rc = |port: u16, endpoint: &str| RootCauseRecord {
        fingerprint: format!("unreachable|127.0.0.1:{port}|connect_timeout"),
        title: format!("127.0.0.1:{port} unreachable"),
        family: "unreachable".into(),
        target: Some(format!("127.0.0.1:{port}")),
        locus: "infrastructure".into(),
        events: 1,
        endpoints: vec![endpoint.to_string()],
        ..RootCauseRecord::default()
    };
    let mut runs: Vec<RunRecord> = (1..=6)
        .map(|i| run(&format!("r{i}"), i * 100, vec![test("a", "failed", &[])]))
        .collect();
    for (i, r) in runs.iter_mut().enumerate() {
        r.root_causes = vec![
            rc(40000 + i as u16, "POST /jobs"),
            rc(41000 + i as u16, "GET /status"),
        ];
    }
    let t = compute(&runs, Selection::default(), &[]);
    assert_eq!(t.root_causes.len(), 2, "{:#?}", t.root_causes);
    for c in &t.root_causes {
        assert_eq!((c.status, c.seen_in, c.of), ("recurring", 6, 6));
        assert_eq!(c.fingerprints.len(), 6);
        assert_eq!(c.events, 6);
    }
    assert_eq!(t.root_causes[0].target.as_deref(), Some("127.0.0.1:40005"));
}

#[test]
fn since_the_previous_run() {
    let runs = vec![
        run(
            "r1",
            100,
            vec![
                test("a", "passed", &[]),
                test("b", "failed", &[]),
                test("c", "passed", &[]),
            ],
        ),
        run(
            "r2",
            200,
            vec![test("a", "failed", &[]), test("b", "passed", &[])],
        ),
    ];
    let t = compute(&runs, Selection::default(), &[]);
    let p = t.since_previous.as_ref().unwrap();
    assert_eq!((p.run.as_str(), p.previous.as_str()), ("r2", "r1"));
    assert_eq!(p.newly_failing, ["a"]);
    assert_eq!(p.fixed, ["b"]);
    assert_eq!(p.not_run, ["c"]);
    assert!(
        compute(&runs[..1], Selection::default(), &[])
            .since_previous
            .is_none()
    );
}

#[test]
fn runs_are_named_by_id_ci_run_or_time() {
    let mut r = run("nightly-7", 86_400, vec![]);
    assert_eq!(run_name(&r), "nightly-7");
    r.id = "run-0123456789abcdef".into();
    assert_eq!(run_name(&r), "1970-01-02 00:00");
    r.ci_id = Some("github:42/1".into());
    assert_eq!(run_name(&r), "github:42/1");
    r.labels.insert("name".into(), "nightly #42".into());
    assert_eq!(
        run_name(&r),
        "nightly #42",
        "a name label wins over the CI run"
    );
    let twins = vec![
        run("run-aaaaaaaaaaaaaaaa", 60, vec![]),
        run("run-bbbbbbbbbbbbbbbb", 60, vec![]),
    ];
    assert_eq!(
        run_names(&twins),
        ["1970-01-01 00:01 #aaaaaa", "1970-01-01 00:01 #bbbbbb"]
    );
}
