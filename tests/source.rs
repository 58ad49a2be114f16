//! `rca analyze --source DIR`: the seed suite's real code linked to the seed run's root
//! causes and recommendations (file:line pointers read from the suite's files themselves),
//! output unchanged without it, bad DIRs refused, broken files skipped, secrets redacted.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn suite() -> PathBuf {
    samples_dir().join("generate/suites/seed")
}

/// The 1-based line of `file` (relative to the suite) that contains `needle`, exactly once.
fn line_of(file: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(suite().join(file)).unwrap();
    let hits: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(hits.len(), 1, "{needle:?} in {file}: {hits:?}");
    hits[0] as u64
}

fn seed_with_source() -> Value {
    analyze_json(&[&seed(), "--source", suite().to_str().unwrap()])
}

fn cause<'a>(v: &'a Value, family: &str, title_has: &str) -> &'a Value {
    v["root_causes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rc| rc["family"] == family && rc["title"].as_str().unwrap().contains(title_has))
        .unwrap_or_else(|| panic!("no {family} root cause with {title_has:?}"))
}

fn links(v: &Value) -> &Vec<Value> {
    v["source_links"].as_array().expect("source_links")
}

fn has_link(v: &Value, file: &str, line: u64, kind: &str) -> Option<Value> {
    links(v)
        .iter()
        .find(|l| l["file"] == file && l["line"] == line && l["kind"] == kind)
        .cloned()
}

#[test]
fn the_pool_warning_points_at_the_token_managers_default_session() {
    let v = seed_with_source();
    let pool = cause(&v, "client_pool", "size 10");
    let line = line_of("src/core/token_manager.py", "requests.Session()");
    let l = has_link(pool, "src/core/token_manager.py", line, "session")
        .expect("the token manager's Session()");
    assert_eq!(l["check"], "pool_vs_concurrency");
    assert!(l["code"].as_str().unwrap().contains("requests.Session()"));
    assert!(l["note"].as_str().unwrap().contains("no adapter mounted"));
    // The API client's adapter is linked too, as not the pool the warning shows.
    let adapter_line = line_of("src/core/api_client.py", "HTTPAdapter(pool_connections");
    let a = has_link(pool, "src/core/api_client.py", adapter_line, "http_adapter").unwrap();
    assert!(
        a["note"]
            .as_str()
            .unwrap()
            .contains("pool_maxsize=50: not the pool of 10"),
        "{a}"
    );
    // The worker count behind the observed concurrency.
    let pool_line = line_of("src/load/runner.py", "ThreadPoolExecutor(max_workers");
    let w = has_link(pool, "src/load/runner.py", pool_line, "thread_pool").unwrap();
    assert!(
        w["note"]
            .as_str()
            .unwrap()
            .contains("observed concurrency 50")
    );
}

#[test]
fn retries_and_timeouts_point_at_the_retry_and_the_call_sites() {
    let v = seed_with_source();
    let retry_line = line_of("src/core/api_client.py", "retry = Retry(");
    for rc in v["root_causes"].as_array().unwrap() {
        if rc["family"] != "error_responses" {
            continue;
        }
        let l = has_link(rc, "src/core/api_client.py", retry_line, "retry").expect("Retry");
        let note = l["note"].as_str().unwrap();
        assert!(note.contains("total=3"), "{note}");
        assert!(note.contains("backoff_factor=0.1"), "{note}");
        assert!(note.contains("allowed_methods=None retries every method, POST included"));
        assert_eq!(l["check"], "status_retries");
    }
    let down = cause(&v, "unreachable", "unreachable");
    // The retries against the dead server: urllib3's sleeps for backoff_factor=0.1 (0, 0.2,
    // 0.4 s) average what the log measured between retries.
    let r = has_link(down, "src/core/api_client.py", retry_line, "retry").unwrap();
    assert_eq!(r["check"], "observed_backoff");
    let note = r["note"].as_str().unwrap();
    assert!(note.contains("urllib3 sleeps 0, 0.2, 0.4 s"), "{note}");
    assert!(note.contains("0.2 s per retry on average"), "{note}");
    let measured = down["cross_checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "observed_backoff")
        .unwrap();
    assert!(
        measured["statement"]
            .as_str()
            .unwrap()
            .contains("about 0.2 s of backoff per retry")
    );
    let stalled = line_of("conftest.py", "connect_timeout=0.5");
    let t = has_link(down, "conftest.py", stalled, "timeout_call").expect("the 0.5 s timeout");
    assert_eq!(t["check"], "elapsed_vs_timeout");
    assert!(
        t["note"]
            .as_str()
            .unwrap()
            .contains("the 0.5 s timeout the log shows")
    );
    // The call site's own timeout, resolved through the constructor's defaults.
    let call = line_of("src/core/api_client.py", "timeout=self.timeout");
    let c = has_link(down, "src/core/api_client.py", call, "timeout_call").unwrap();
    assert!(c["note"].as_str().unwrap().contains("→ (3.0, 5.0)"), "{c}");
    // The logger name in the log lines maps to its module.
    assert!(
        links(down)
            .iter()
            .any(|l| l["kind"] == "logger" && l["file"] == "src/core/api_client.py"),
        "{down}"
    );
}

#[test]
fn recommendations_show_the_real_code_and_a_patch() {
    let v = seed_with_source();
    let line = line_of("src/core/token_manager.py", "requests.Session()");
    let r = recommendation(&v, "explicit-pool-on-every-session");
    let before = r["before"].as_str().unwrap();
    assert!(
        before.starts_with(&format!("# src/core/token_manager.py:{line}\n")),
        "{before}"
    );
    let after = r["after"].as_str().unwrap();
    assert!(
        after.starts_with("--- a/src/core/token_manager.py\n+++ b/src/core/token_manager.py\n")
    );
    assert!(
        after.contains(&format!("@@ -{line},1 +{line},1 @@")),
        "{after}"
    );
    assert!(
        after.contains("\n+self.session = make_session()"),
        "{after}"
    );
    let sized = recommendation(&v, "pool-size-matches-concurrency");
    assert!(sized["after"].as_str().unwrap().contains(
        "+session_adapter = HTTPAdapter(pool_connections=50, pool_maxsize=50, pool_block=True)"
    ));
    let posts = recommendation(&v, "idempotency-aware-retries");
    let after = posts["after"].as_str().unwrap();
    assert!(
        after.contains("-              allowed_methods=None)"),
        "{after}"
    );
    assert!(
        after.contains("+    allowed_methods=Retry.DEFAULT_ALLOWED_METHODS,"),
        "{after}"
    );
    // The consolidated configuration's "before" is the code, and its links say where.
    let whole = recommendation(&v, "client-configuration");
    let kinds: Vec<&str> = links(whole)
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    for k in ["session", "http_adapter", "retry", "timeout_call"] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    assert!(
        !whole["before"]
            .as_str()
            .unwrap()
            .contains("inferred from the log")
    );
}

#[test]
fn the_missing_health_check_and_rate_limit_are_pointed_at() {
    let v = seed_with_source();
    let health = recommendation(&v, "health-check-before-suite");
    assert_eq!(links(health)[0]["kind"], "missing_health_check");
    assert_eq!(links(health)[0]["file"], "conftest.py");
    let limit = recommendation(&v, "rate-limit-load-tests");
    let kinds: Vec<&str> = links(limit)
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["thread_pool", "missing_rate_limit"]);
}

#[test]
fn the_scan_reads_every_python_file_of_the_suite() {
    let v = seed_with_source();
    fn count(dir: &Path) -> u64 {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| match p.is_dir() {
                true => count(&p),
                false => u64::from(p.extension().is_some_and(|e| e == "py")),
            })
            .sum()
    }
    assert_eq!(v["source"]["files_read"], count(&suite()));
    assert_eq!(v["source"]["skipped"].as_array().unwrap().len(), 0);
}

#[test]
fn without_source_nothing_changes() {
    let plain = stdout_of(&["analyze", &seed(), "--format", "json"]);
    assert!(!plain.contains("source_links"));
    assert!(!plain.contains("\"source\":"));
    let text = stdout_of(&["analyze", &seed()]);
    assert!(!text.contains("In the code"));
}

#[test]
fn every_format_shows_the_pointers() {
    let dir = suite();
    let dir = dir.to_str().unwrap();
    let text = stdout_of(&["analyze", &seed(), "--source", dir, "-q"]);
    let line = line_of("src/core/token_manager.py", "requests.Session()");
    assert!(text.contains("In the code (--source)"));
    assert!(text.contains(&format!(
        "src/core/token_manager.py:{line}  requests.Session()"
    )));
    let md = stdout_of(&["analyze", &seed(), "--source", dir, "--format", "md", "-q"]);
    assert!(md.contains("**In the code**"));
    assert!(md.contains(&format!(
        "- `src/core/token_manager.py:{line}` — requests.Session()"
    )));
    let html = stdout_of(&[
        "analyze",
        &seed(),
        "--source",
        dir,
        "--format",
        "html",
        "-q",
    ]);
    assert!(html.contains(&format!("<code>src/core/token_manager.py:{line}</code>")));
}

#[test]
fn a_missing_or_plain_file_dir_is_a_one_line_error() {
    for (dir, says) in [
        ("/nonexistent/suite", "no such directory"),
        (seed().as_str(), "not a directory"),
    ] {
        let out = rca()
            .args(["analyze", &seed(), "--source", dir])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("rca: --source ") && err.trim_end().ends_with(says),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn broken_files_are_skipped_and_secrets_in_code_are_redacted() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    std::fs::write(d.join("broken.py"), "def f(:\n    pass\n").unwrap();
    std::fs::write(
        d.join("tokens.py"),
        "import requests\n\nclass Tokens:\n    def __init__(self):\n        self.session = requests.Session()\n\n    def get(self, url):\n        return self.session.get(url, headers={'Authorization': 'Bearer abc.def.ghi123'}, timeout=0.5)\n",
    )
    .unwrap();
    std::fs::create_dir(d.join(".venv")).unwrap();
    std::fs::write(
        d.join(".venv/requests_sessions.py"),
        "import requests\ns = requests.Session()\n",
    )
    .unwrap();
    let out = rca()
        .args([
            "analyze",
            &seed(),
            "--source",
            d.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("rca: warning: --source: broken.py: Python syntax error at line 1, not read"),
        "{err}"
    );
    let json = String::from_utf8(out.stdout).unwrap();
    assert!(!json.contains("abc.def.ghi123"), "the token is masked");
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["source"]["files_read"], 1, "broken.py and .venv left out");
    let pool = cause(&v, "client_pool", "size 10");
    assert!(
        has_link(pool, "tokens.py", 5, "session").is_some(),
        "{pool}"
    );
    let down = cause(&v, "unreachable", "unreachable");
    let call = has_link(down, "tokens.py", 8, "timeout_call").expect("the 0.5 s call");
    assert!(
        call["code"].as_str().unwrap().contains("[REDACTED"),
        "{call}"
    );
}
