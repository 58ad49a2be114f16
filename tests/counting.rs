//! Counting on the real samples and on small logs written for one rule each: a failure that
//! two loggers print is one event with two lines, two workers failing alike are two events,
//! the headline counts what the root-cause list shows.

mod common;

use common::*;
use serde_json::Value;

fn seed() -> Value {
    analyze_json(&[samples_dir().join("seed-urllib3-2.log").to_str().unwrap()])
}

fn category_events(v: &Value, id: &str) -> u64 {
    v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .map_or(0, |c| c["events"].as_u64().unwrap())
}

/// Terminal events and the log lines behind them for one port.
fn finals(v: &Value, port: u64) -> (u64, u64) {
    v["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "terminal" && e["port"] == port)
        .fold((0, 0), |(c, l), e| {
            (
                c + e["count"].as_u64().unwrap(),
                l + e["lines"].as_u64().unwrap(),
            )
        })
}

/// `grep -c` over the live part of the seed log (before the FAILURES banner): 58 client
/// "Request failed" records for :36367, each repeated by a runner "job N failed:
/// RetryError" record; 70 of each for :33939; 94 "Request timeout" records for :54789, 87
/// of them followed by the runner's "ConnectTimeout ... Max retries exceeded".
#[test]
fn a_failure_logged_by_client_and_runner_is_one_event() {
    let v = seed();
    assert_eq!(finals(&v, 36367), (58, 116));
    assert_eq!(finals(&v, 33939), (70, 140));
    assert_eq!(finals(&v, 54789), (94, 181));
    assert_eq!(category_events(&v, "retry_exhausted"), 87 + 58 + 70);
    assert_eq!(category_events(&v, "request_timeout"), 7);
    // 282 retried attempts plus the 87 final failures they ended in.
    assert_eq!(category_events(&v, "connect_timeout"), 282 + 87);
    // The Impact table's tests per category are the tests that list the category.
    for c in v["categories"].as_array().unwrap() {
        let listing = v["tests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["categories"].as_array().unwrap().contains(&c["id"]))
            .count() as u64;
        assert_eq!(c["tests"].as_u64().unwrap(), listing, "{}", c["id"]);
    }
    let rc1 = &v["root_causes"][0];
    assert_eq!(rc1["target"], "127.0.0.1:54789");
    assert_eq!(rc1["events"], 282 + 94);
}

fn analyze_text_log(log: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.log");
    std::fs::write(&path, log).unwrap();
    analyze_json(&[path.to_str().unwrap()])
}

const HEADER: &str = "============================= test session starts ==============================\n\
platform linux -- Python 3.11.7, pytest-8.3.0, pluggy-1.5.0\n\
collected 1 item\n\n\
tests/test_load.py::test_burst \n\
-------------------------------- live log call ---------------------------------\n";

const FOOTER: &str = "FAILED                                                                   [100%]\n\
=========================== short test summary info ============================\n\
FAILED tests/test_load.py::test_burst - AssertionError: jobs failed\n\
============================== 1 failed in 1.00s ===============================\n";

fn line(at: &str, logger: &str, msg: &str) -> String {
    format!("2026-11-27 09:50:{at} [  ERROR] {logger}: {msg}\n")
}

const EXC: &str = "HTTPSConnectionPool(host='10.0.0.5', port=443): Max retries exceeded with url: /api/jobs (Caused by ResponseError('too many 503 error responses'))";

#[test]
fn concurrent_workers_failing_alike_stay_distinct_and_their_relogs_fold() {
    let client = |at: &str, ms: &str| {
        line(
            at,
            "app.http",
            &format!("Request failed after {ms}ms for POST https://10.0.0.5/api/jobs: {EXC}"),
        )
    };
    let runner = |at: &str, job: u32| {
        line(
            at,
            "app.jobs",
            &format!("job {job} failed: RetryError: {EXC}"),
        )
    };
    // Two workers, interleaved: client A, client B, runner A, runner B; then a third
    // failure the runner alone reports, two seconds later (no client record to repeat).
    let log = format!(
        "{HEADER}{}{}{}{}{}{FOOTER}",
        client("01", "812.50"),
        client("01", "820.10"),
        runner("01", 0),
        runner("02", 1),
        runner("04", 2),
    );
    let v = analyze_text_log(&log);
    let t = &v["events"].as_array().unwrap();
    let count: u64 = t.iter().map(|e| e["count"].as_u64().unwrap()).sum();
    let lines: u64 = t.iter().map(|e| e["lines"].as_u64().unwrap()).sum();
    assert_eq!((count, lines), (3, 5), "{t:?}");

    // The same logger printing the same exception twice in one second: two failures.
    let log = format!(
        "{HEADER}{}{}{FOOTER}",
        client("01", "812.50"),
        client("01", "812.50")
    );
    let v = analyze_text_log(&log);
    let t = &v["events"].as_array().unwrap();
    let count: u64 = t.iter().map(|e| e["count"].as_u64().unwrap()).sum();
    assert_eq!(count, 2, "{t:?}");
}

#[test]
fn a_deadline_and_the_exhaustion_it_ended_in_are_one_failure() {
    let log = format!(
        "{HEADER}{}{}{FOOTER}",
        line(
            "01",
            "app.http",
            "Request timeout after 2607.93ms for POST https://10.0.0.5/api/jobs"
        ),
        line(
            "01",
            "app.jobs",
            "job 0 failed: ConnectTimeout: HTTPSConnectionPool(host='10.0.0.5', port=443): Max retries exceeded with url: /api/jobs (Caused by ConnectTimeoutError(<HTTPSConnection(host='10.0.0.5', port=443) at 0x7f84ef650150>, 'Connection to 10.0.0.5 timed out. (connect timeout=0.5)'))"
        ),
    );
    let v = analyze_text_log(&log);
    let t = &v["events"].as_array().unwrap();
    let count: u64 = t.iter().map(|e| e["count"].as_u64().unwrap()).sum();
    assert_eq!(count, 1, "{t:?}");
    assert_eq!(t[0]["lines"], 2);
    assert_eq!(t[0]["category"], "connect_timeout");
    assert_eq!(t[0]["max_elapsed_ms"], 2607.93);
}

/// The causes the headline names: "-> N root causes (+M contributing)".
fn headline_causes(h: &str) -> usize {
    let after = h.split("-> ").nth(1).unwrap_or("");
    let n: usize = after.split(' ').next().unwrap().parse().unwrap();
    let m = after
        .split(" (+")
        .nth(1)
        .filter(|s| s.contains("contributing"))
        .map_or(0, |s| s.split(' ').next().unwrap().parse().unwrap());
    n + m
}

#[test]
fn the_headline_counts_every_cause_the_list_shows() {
    for name in sample_names() {
        let log = samples_dir().join(sample_input(&name));
        let v = analyze_json(&[log.to_str().unwrap()]);
        let h = v["headline"].as_str().unwrap();
        let listed = v["root_causes"].as_array().unwrap();
        assert_eq!(headline_causes(h), listed.len(), "{name}: {h}");
        let contributing_only = listed
            .iter()
            .filter(|rc| rc["failed_tests"].as_array().unwrap().is_empty())
            .count();
        assert_eq!(
            h.contains(&format!("(+{contributing_only} contributing)")),
            contributing_only > 0,
            "{name}: {h}"
        );
    }
    let v = seed();
    assert_eq!(
        v["headline"],
        "18 of 41 tests failed -> 3 root causes (+1 contributing)"
    );
    let text = rca()
        .args(["analyze", "--format", "text"])
        .arg(samples_dir().join("seed-urllib3-2.log"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Root causes: 18 of 41 tests failed -> 3 root causes (+1 contributing)"),
        "{text}"
    );
    let md = rca()
        .args(["analyze", "--format", "md"])
        .arg(samples_dir().join("seed-urllib3-2.log"))
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        md.contains("18 of 41 tests failed → 3 root causes (+1 contributing)"),
        "{md}"
    );
}

/// errors-urllib3-2: 127.0.0.1:34193 answered 429, 500, 503 and 504 and timed out reading
/// (the connection was accepted): its TLS wrong-version error and its deadline are not
/// "unreachable", and the deadline joins the slow-server cause.
#[test]
fn a_server_that_answered_is_never_called_unreachable() {
    let v = analyze_json(&[samples_dir().join("errors-urllib3-2.log").to_str().unwrap()]);
    let causes = v["root_causes"].as_array().unwrap();
    for rc in causes.iter().filter(|rc| rc["target"] == "127.0.0.1:34193") {
        let title = rc["title"].as_str().unwrap();
        assert!(!title.contains("unreachable"), "{title}");
        let summary = rc["verdict"]["summary"].as_str().unwrap_or("");
        assert!(!summary.contains("could not be reached"), "{summary}");
    }
    let slow = causes
        .iter()
        .find(|rc| rc["target"] == "127.0.0.1:34193" && rc["family"] == "slow_or_dropping")
        .unwrap();
    assert!(
        slow["categories"]
            .as_array()
            .unwrap()
            .contains(&"request_timeout".into()),
        "{slow}"
    );
    // A target that never answered keeps the name.
    assert!(causes.iter().any(|rc| rc["target"] == "127.0.0.1:57313"
        && rc["title"].as_str().unwrap().contains("unreachable")));
}

/// Counter-evidence is about the cause's own target: the run-wide pass count is not
/// repeated under every cause.
#[test]
fn counter_evidence_is_about_the_causes_own_target() {
    for name in ["seed-urllib3-2", "errors-urllib3-2"] {
        let v = analyze_json(&[samples_dir().join(format!("{name}.log")).to_str().unwrap()]);
        for rc in v["root_causes"].as_array().unwrap() {
            for c in rc["verdict"]["counter_evidence"].as_array().unwrap() {
                let c = c.as_str().unwrap();
                assert!(!c.contains("passed in the same run"), "{name}: {c}");
            }
        }
    }
}

/// The Markdown table rows under a `## heading`, split into cells.
fn md_rows(md: &str, heading: &str) -> Vec<Vec<String>> {
    md.split(&format!("## {heading}\n"))
        .nth(1)
        .unwrap_or("")
        .split("\n## ")
        .next()
        .unwrap_or("")
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| l.split('|').map(|c| c.trim().to_string()).collect())
        .collect()
}

/// Impact's events per category equal Timeline's timed events plus those it says have no
/// time, in every sample with timestamps.
#[test]
fn impact_and_timeline_count_the_same_events() {
    for name in sample_names() {
        let log = samples_dir().join(sample_input(&name));
        let out = rca()
            .args(["analyze", "--format", "md"])
            .arg(&log)
            .output()
            .unwrap();
        let md = String::from_utf8_lossy(&out.stdout);
        let timeline = md_rows(&md, "Timeline");
        if timeline.is_empty() {
            continue;
        }
        let v = analyze_json(&[log.to_str().unwrap()]);
        for c in v["categories"].as_array().unwrap() {
            let id = format!("`{}`", c["id"].as_str().unwrap());
            let row = timeline
                .iter()
                .find(|r| r[1] == id)
                .unwrap_or_else(|| panic!("{name}: {id} missing from the timeline"));
            let cell = &row[4];
            let timed: u64 = cell.split(' ').next().unwrap().parse().unwrap();
            let untimed: u64 = cell
                .split("(+")
                .nth(1)
                .map_or(0, |s| s.split(' ').next().unwrap().parse().unwrap());
            assert_eq!(
                timed + untimed,
                c["events"].as_u64().unwrap(),
                "{name}: {id} {cell}"
            );
        }
    }
}

/// The header names the run's date and window (the seed log's first and last timed lines
/// are 09:50:36 and 09:51:29), the servers the log names, the tool and the inputs; the
/// default title says what the run was instead of repeating the path.
#[test]
fn the_header_says_when_what_and_against_which_servers() {
    let log = samples_dir().join("seed-urllib3-2.log");
    for (format, title) in [
        ("md", "# RCA: pytest run 2026-11-27, 18/41 failed\n"),
        ("html", "<h1>RCA: pytest run 2026-11-27, 18/41 failed</h1>"),
    ] {
        let out = rca()
            .args(["analyze", "--format", format])
            .arg(&log)
            .output()
            .unwrap();
        let doc = String::from_utf8_lossy(&out.stdout);
        assert!(
            doc.contains(title),
            "{format}: {}",
            &doc[..400.min(doc.len())]
        );
        let version = format!("rca {}", env!("CARGO_PKG_VERSION"));
        for want in [
            "Run: 2026-11-27 09:50:36 – 09:51:29 UTC",
            "servers named in the log: https://127.0.0.1:54789, https://127.0.0.1:36367, https://127.0.0.1:33939",
            version.as_str(),
            "seed-urllib3-2.log",
        ] {
            assert!(doc.contains(want), "{format}: {want} missing");
        }
    }
    let out = rca()
        .args(["analyze", "--format", "md", "--title", "Nightly load run"])
        .arg(&log)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# Nightly load run\n"));
}
