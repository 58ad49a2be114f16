//! Root causes, verdicts, cross-checks and recommendations on the real samples: the seed
//! shape must come out as the hand-written report reasoned, and advice must follow evidence.

mod common;

use common::*;
use serde_json::Value;

fn analyse(name: &str) -> Value {
    analyze_json(&[samples_dir().join(format!("{name}.log")).to_str().unwrap()])
}

fn rec_ids(v: &Value) -> Vec<String> {
    v["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn check<'a>(v: &'a Value, id: &str) -> Option<&'a Value> {
    v["root_causes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cross_checks"].as_array().unwrap())
        .find(|c| c["id"] == id)
}

#[test]
fn seed_shape_reads_like_the_hand_written_report() {
    for name in ["seed-urllib3-2", "seed-urllib3-1.26"] {
        let v = analyse(name);
        assert_eq!(
            v["headline"], "18 of 41 tests failed -> 3 root causes (+1 contributing)",
            "{name}"
        );
        let rcs = v["root_causes"].as_array().unwrap();
        // Every failed test is explained by exactly one primary cause.
        let explained: usize = rcs
            .iter()
            .map(|r| r["failed_tests"].as_array().unwrap().len())
            .sum();
        assert_eq!(explained, 18, "{name}");
        assert!(v["unexplained_failures"].as_array().unwrap().is_empty());
        let unreachable = rcs.iter().find(|r| r["family"] == "unreachable").unwrap();
        assert_eq!(
            unreachable["failed_tests"].as_array().unwrap().len(),
            12,
            "{name}"
        );
        // The baseline failed too: down, not overloaded.
        assert_eq!(unreachable["verdict"]["locus"], "infrastructure", "{name}");
        let pool = rcs.iter().find(|r| r["family"] == "client_pool").unwrap();
        assert_eq!(pool["verdict"]["locus"], "client code");
        assert_eq!(
            pool["contributing_to"].as_array().unwrap().len(),
            8,
            "{name}"
        );
        let p = check(&v, "pool_vs_concurrency").unwrap()["statement"]
            .as_str()
            .unwrap();
        assert!(
            p.contains("pool size 10 < observed concurrency 50"),
            "{name}: {p}"
        );
        assert!(p.contains("default"), "{p}");
        let e = check(&v, "elapsed_vs_timeout").unwrap()["statement"]
            .as_str()
            .unwrap();
        assert!(e.contains("0.5 s timeout"), "{e}");
        assert!(e.contains("allow 4 attempts"), "{e}");
        let b = check(&v, "baseline_vs_load").unwrap()["statement"]
            .as_str()
            .unwrap();
        assert!(b.contains("test_single_job_baseline"), "{b}");
        let recs = rec_ids(&v);
        for want in [
            "pool-size-matches-concurrency",
            "explicit-pool-on-every-session",
            "backoff-with-jitter",
            "circuit-breaker",
            "health-check-before-suite",
            "rate-limit-load-tests",
            "infra-reachability",
            "infra-cpu-memory",
        ] {
            assert!(
                recs.iter().any(|r| r == want),
                "{name}: {want} missing from {recs:?}"
            );
        }
        let pool_rec = v["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == "pool-size-matches-concurrency")
            .unwrap();
        // Values in the code come from the evidence.
        assert!(
            pool_rec["after"]
                .as_str()
                .unwrap()
                .contains("pool_maxsize=50")
        );
        assert!(
            pool_rec["why"]
                .as_str()
                .unwrap()
                .contains("keeps 10 connections")
        );
    }
}

#[test]
fn advice_follows_evidence() {
    // Only DNS failures: no pool, rate-limit, Retry-After or retry advice.
    let v = analyse("dns-urllib3-2");
    let recs = rec_ids(&v);
    for absent in [
        "pool-size-matches-concurrency",
        "explicit-pool-on-every-session",
        "rate-limit-load-tests",
        "honour-retry-after",
        "backoff-with-jitter",
        "retry-budget",
        "idempotency-aware-retries",
    ] {
        assert!(!recs.iter().any(|r| r == absent), "{absent} in {recs:?}");
    }
    assert!(recs.iter().any(|r| r == "infra-reachability"), "{recs:?}");
    for rc in v["root_causes"].as_array().unwrap() {
        assert_eq!(rc["family"], "unreachable");
        // DNS failures, some after retries ran out (their cause is kept).
        assert!(
            rc["categories"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c == "dns_failure" || c == "retry_exhausted"),
            "{}",
            rc["categories"]
        );
    }
    // No pool warnings in the httpx run: no pool-size advice.
    let v = analyse("httpx");
    assert!(
        !rec_ids(&v)
            .iter()
            .any(|r| r == "explicit-pool-on-every-session")
    );
}

/// The evidence lines the hand-written seed report quotes, verbatim from
/// ../shared/docs/seed-brief.md: a pasted excerpt with no pytest structure.
const SEED_REPORT_EXCERPT: &str = "\
ERROR: Request timeout after 90411.54ms for POST https://10.10.10.100/focus-server/configure
HTTPSConnectionPool(host='10.10.10.100', port=443): Max retries exceeded
Caused by ConnectTimeoutError: Connection to 10.10.10.100 timed out. (connect timeout=60)

WARNING: Connection pool is full, discarding connection: 10.10.10.100. Connection pool size: 10

ERROR: HTTPSConnectionPool(host='10.10.10.100', port=443): Max retries exceeded with url: /focus-server/configure
(Caused by ResponseError('too many 503 error responses'))
";

#[test]
fn the_seed_reports_own_excerpt_yields_its_reasoning() {
    let v = analyze_json_stdin(&["-"], Some(SEED_REPORT_EXCERPT.as_bytes().to_vec()));
    assert_eq!(
        v["headline"],
        "no test results in the input -> 3 root causes from 4 event(s)"
    );
    let families: Vec<&str> = v["root_causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["family"].as_str().unwrap())
        .collect();
    for f in ["unreachable", "error_responses", "client_pool"] {
        assert!(families.contains(&f), "{f} missing from {families:?}");
    }
    // "a request took 90.4 s although the connect timeout is 60 s: retries stacked"
    let e = check(&v, "elapsed_vs_timeout").unwrap()["statement"]
        .as_str()
        .unwrap();
    assert!(e.contains("90.4 s with a 60 s timeout"), "{e}");
    assert!(e.contains("retries stacked"), "{e}");
    // "the pool warning says size 10, the urllib3 default"
    let p = check(&v, "pool_vs_concurrency").unwrap()["statement"]
        .as_str()
        .unwrap();
    assert!(p.contains("10 is the urllib3/requests default"), "{p}");
    let recs = rec_ids(&v);
    for want in [
        "explicit-pool-on-every-session",
        "shorter-connect-timeout",
        "honour-retry-after",
    ] {
        assert!(
            recs.iter().any(|r| r == want),
            "{want} missing from {recs:?}"
        );
    }
}

#[test]
fn debug_logs_show_what_urllib3_actually_slept() {
    // The errors suite's 429 and 503 servers send "Retry-After: 1", which urllib3 honours:
    // its DEBUG lines put the sleep between "Incremented Retry" and "Retry:" at 1 s. Its
    // connect-timeout retries use backoff_factor 0.1: no sleep, then about 0.1 s.
    for name in ["debug-urllib3-2", "debug-urllib3-1.26"] {
        let v = analyse(name);
        let statements: Vec<String> = v["root_causes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["cross_checks"].as_array().unwrap())
            .map(|c| {
                format!(
                    "{}: {}",
                    c["id"].as_str().unwrap(),
                    c["statement"].as_str().unwrap()
                )
            })
            .collect();
        let find = |prefix: &str| {
            statements
                .iter()
                .find(|s| s.starts_with(prefix))
                .unwrap_or_else(|| panic!("{name}: no {prefix:?} in {statements:#?}"))
        };
        let s = find("retry_after: urllib3 slept 1.0");
        assert!(s.contains("status retr(ies) on HTTP"), "{name}: {s}");
        for status in [429, 503] {
            assert!(
                statements
                    .iter()
                    .any(|s| s.starts_with("retry_after: urllib3 slept 1.0")
                        && s.contains(&format!("on HTTP {status}"))),
                "{name}: no 1 s sleep before {status} retries: {statements:#?}"
            );
        }
        let backoff = find("observed_backoff: urllib3 slept 0.00-0.1");
        assert!(
            backoff.contains("after a connection error"),
            "{name}: {backoff}"
        );
        // The same run at INFO level shows none of this.
        let info = analyse(&name.replace("debug", "errors"));
        assert!(
            check(&info, "retry_after").is_none(),
            "{name}: INFO has no sleeps"
        );
    }
}
