//! History and trend through the real binary: recording sequences of sample logs, generated
//! pytest logs and JUnit files with known outcome patterns, then checking `rca trend
//! --format json`; saved-report import, idempotence, concurrent writers, a recorder killed
//! mid-transaction, migration of a schema-version-1 file, pruning, and the printers.
//!
//! Every scenario runs against a fresh SQLite file and, when `RCA_TEST_POSTGRES` names a
//! PostgreSQL database (`.ci/postgres.sh` sets one up on 127.0.0.1), against a fresh schema
//! in it. Under `CI` a missing `RCA_TEST_POSTGRES` fails the tests instead of skipping.
//!
//! The kill test uses a test hook of the recorder: `RCA_TEST_PAUSE_IN_RECORD=FILE` makes it
//! create FILE after writing half of a run's tests and sleep inside the open transaction.
//!
//! CI environment variables (`GITHUB_RUN_ID`, ...) are part of a run's identity: every run
//! of the binary here starts with them cleared, and the CI scenario sets its own.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// One history store for one test.
enum Store {
    Sqlite {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    Postgres {
        admin: String,
        schema: String,
        url: String,
    },
}

static SCHEMAS: AtomicUsize = AtomicUsize::new(0);

impl Store {
    fn sqlite() -> Store {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite");
        Store::Sqlite { _dir: dir, path }
    }

    fn postgres(admin: &str) -> Store {
        let schema = format!(
            "rca_t_{}_{}_{}",
            std::process::id(),
            SCHEMAS.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let mut client = postgres::Client::connect(admin, postgres::NoTls)
            .expect("RCA_TEST_POSTGRES accepts connections");
        client
            .batch_execute(&format!("CREATE SCHEMA {schema}"))
            .unwrap();
        let sep = if admin.contains('?') { '&' } else { '?' };
        let url = format!("{admin}{sep}options=-c%20search_path%3D{schema}");
        Store::Postgres {
            admin: admin.to_string(),
            schema,
            url,
        }
    }

    fn url(&self) -> String {
        match self {
            Store::Sqlite { path, .. } => path.to_str().unwrap().to_string(),
            Store::Postgres { url, .. } => url.clone(),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Store::Sqlite { .. } => "sqlite",
            Store::Postgres { .. } => "postgres",
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Store::Postgres { admin, schema, .. } = self
            && let Ok(mut c) = postgres::Client::connect(admin, postgres::NoTls)
        {
            let _ = c.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
        }
    }
}

/// The stores every scenario runs against.
fn stores() -> Vec<Store> {
    let mut out = vec![Store::sqlite()];
    match std::env::var("RCA_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => out.push(Store::postgres(&url)),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI is set but RCA_TEST_POSTGRES is not: source .ci/postgres.sh first")
        }
        _ => eprintln!("RCA_TEST_POSTGRES not set: PostgreSQL history tests skipped"),
    }
    out
}

/// The binary with no history and no CI variables in its environment.
fn rca_clean() -> assert_cmd::Command {
    let mut cmd = rca();
    cmd.env_remove("RCA_HISTORY");
    for var in rca::history::identity::variables() {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `rca ARGS --history STORE`, asserts success, returns stdout.
fn rca_ok(store: &Store, args: &[&str]) -> String {
    rca_ok_env(store, args, &[])
}

/// [`rca_ok`] with environment variables set.
fn rca_ok_env(store: &Store, args: &[&str], env: &[(&str, &str)]) -> String {
    let (stdout, _) = rca_ok_err(store, args, env);
    stdout
}

/// Runs `rca ARGS --history STORE` with `env`, asserts success, returns stdout and stderr.
fn rca_ok_err(store: &Store, args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let mut cmd = rca_clean();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .args(args)
        .args(["--history", &store.url()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "[{}] rca {args:?}: {}",
        store.name(),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs `rca ARGS` (no store added), asserts exit 2 with one `rca:` line; returns it.
fn rca_fails(args: &[&str]) -> String {
    let out = rca_clean().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.starts_with("rca: "), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: one line, got {err}");
    err
}

fn trend(store: &Store, extra: &[&str]) -> Value {
    let mut args = vec!["trend", "--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&rca_ok(store, &args)).expect("trend prints JSON")
}

fn runs_listed(store: &Store) -> Vec<Value> {
    let v: Value =
        serde_json::from_str(&rca_ok(store, &["history", "list", "--format", "json"])).unwrap();
    v.as_array().unwrap().clone()
}

fn tests_by_id(t: &Value) -> BTreeMap<String, Value> {
    t["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["nodeid"].as_str().unwrap().to_string(), x.clone()))
        .collect()
}

fn sample(name: &str) -> String {
    samples_dir().join(name).to_str().unwrap().to_string()
}

/// Writes `text` to `dir/name` and returns the path.
fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// Test names with outcome letters.
fn named<'a>(names: &[&'a str], outcomes: &str) -> Vec<(&'a str, char)> {
    names.iter().copied().zip(outcomes.chars()).collect()
}

/// A pytest `-v` console log. Outcomes: `P` passed, `S` skipped, `F` assertion failure,
/// `R` connection refused by db.internal:5432, `T` read timeout from api.internal:443,
/// `C` read timeout from cache.internal:6379.
fn pytest_log(tests: &[(&str, char)], duration: &str) -> String {
    let mut s = String::from(
        "============================= test session starts ==============================\n\
         platform linux -- Python 3.11.7, pytest-9.2.0, pluggy-1.7.0\n",
    );
    s.push_str(&format!("collected {} items\n\n", tests.len()));
    for (name, o) in tests {
        let word = match o {
            'P' => "PASSED",
            'S' => "SKIPPED (not here)",
            _ => "FAILED",
        };
        s.push_str(&format!("tests/test_p.py::{name} {word}\n"));
    }
    s.push_str(
        "=================================== FAILURES ===================================\n",
    );
    for (name, o) in tests {
        let line = match o {
            'F' => "E   assert 1 == 2".to_string(),
            'R' => "E   requests.exceptions.ConnectionError: HTTPConnectionPool(host='db.internal', port=5432): Max retries exceeded with url: /q (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f00>: Failed to establish a new connection: [Errno 111] Connection refused'))".to_string(),
            'T' | 'C' => {
                let (host, port) = if *o == 'T' { ("api.internal", 443) } else { ("cache.internal", 6379) };
                format!("E   requests.exceptions.ReadTimeout: HTTPConnectionPool(host='{host}', port={port}): Read timed out. (read timeout=5)")
            }
            _ => continue,
        };
        s.push_str(&format!("___ {name} ___\n{line}\n"));
    }
    s.push_str(
        "=========================== short test summary info ============================\n",
    );
    let mut counts = BTreeMap::new();
    for (name, o) in tests {
        let kind = match o {
            'P' => "passed",
            'S' => "skipped",
            _ => {
                s.push_str(&format!("FAILED tests/test_p.py::{name} - error\n"));
                "failed"
            }
        };
        *counts.entry(kind).or_insert(0) += 1;
    }
    let summary: Vec<String> = ["failed", "passed", "skipped"]
        .iter()
        .filter_map(|k| counts.get(k).map(|n| format!("{n} {k}")))
        .collect();
    s.push_str(&format!(
        "========================= {} in {duration}s ==========================\n",
        summary.join(", ")
    ));
    s
}

/// A JUnit XML file with the same outcome letters (`F`: failure, `P`: pass, `S`: skipped).
fn junit_xml(tests: &[(&str, char)]) -> String {
    junit_xml_at(tests, None)
}

/// [`junit_xml`] with a `timestamp` on the suite. `C` is a connect timeout to
/// api.internal:443 (in the XML only: no log says so).
fn junit_xml_at(tests: &[(&str, char)], timestamp: Option<&str>) -> String {
    let failures = tests.iter().filter(|t| !matches!(t.1, 'P' | 'S')).count();
    let skipped = tests.iter().filter(|t| t.1 == 'S').count();
    let stamp = timestamp
        .map(|t| format!(" timestamp=\"{t}\""))
        .unwrap_or_default();
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites><testsuite name=\"pytest\" \
         errors=\"0\" failures=\"{failures}\" skipped=\"{skipped}\" tests=\"{}\" time=\"2.5\"{stamp}>",
        tests.len()
    );
    for (name, o) in tests {
        let body = match o {
            'P' => String::new(),
            'S' => "<skipped message=\"not here\"/>".to_string(),
            'C' => "<failure message=\"requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='api.internal', port=443): Max retries exceeded with url: /jobs (Caused by ConnectTimeoutError(&lt;urllib3.connection.HTTPSConnection object at 0x7f00&gt;, 'Connection to api.internal timed out. (connect timeout=10)'))\">ConnectTimeout</failure>".to_string(),
            _ => "<failure message=\"AssertionError\">assert 1 == 2</failure>".to_string(),
        };
        s.push_str(&format!(
            "<testcase classname=\"tests.test_p\" name=\"{name}\" time=\"0.1\">{body}</testcase>"
        ));
    }
    s.push_str("</testsuite></testsuites>\n");
    s
}

const NAMES: [&str; 11] = [
    "test_pass",
    "test_new",
    "test_still",
    "test_fixed",
    "test_flaky",
    "test_outage",
    "test_dep1",
    "test_dep2",
    "test_dep3",
    "test_dep4",
    "test_skip",
];

/// Five nights, one column per test in `NAMES` order. Night 4 is an outage (6 of 10 tests
/// fail, 5 of them refused by db.internal); night 2 comes as JUnit XML.
const NIGHTS: [&str; 5] = [
    "PPPFPPPPPPS",
    "PPPFFPPPPPS",
    "PPCPPPPPPPS",
    "PPCPPRRRRRS",
    "PTCPFPPPPPS",
];

fn record_nights(store: &Store, dir: &Path) {
    for (i, night) in NIGHTS.iter().enumerate() {
        let tests: Vec<(&str, char)> = NAMES.iter().copied().zip(night.chars()).collect();
        let (file, text) = if i == 1 {
            (dir.join(format!("night{i}.xml")), junit_xml(&tests))
        } else {
            (
                dir.join(format!("night{i}.log")),
                pytest_log(&tests, &format!("{}.5", i + 1)),
            )
        };
        std::fs::write(&file, text).unwrap();
        let id = format!("night-{}", i + 1);
        let at = format!("2026-11-0{} 02:00:00", i + 1);
        rca_ok(
            store,
            &[
                "analyze",
                file.to_str().unwrap(),
                "--record",
                "--run-id",
                &id,
                "--at",
                &at,
                "--label",
                "branch=main",
                "-q",
                "--format",
                "json",
            ],
        );
    }
}

#[test]
fn outcome_patterns_give_each_status() {
    for store in stores() {
        let dir = tempfile::tempdir().unwrap();
        record_nights(&store, dir.path());
        let t = trend(&store, &["--label", "branch=main"]);
        let ctx = store.name();
        assert_eq!(t["window"]["runs"], 5, "[{ctx}]");
        let outages: Vec<bool> = t["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["outage"].as_bool().unwrap())
            .collect();
        assert_eq!(outages, [false, false, false, true, false], "[{ctx}]");
        let run4 = &t["runs"][3];
        assert_eq!(run4["id"], "night-4");
        assert_eq!(run4["at"], "2026-11-04T02:00:00Z");
        assert_eq!(
            (run4["total"].as_u64(), run4["failed"].as_u64()),
            (Some(11), Some(6))
        );
        assert_eq!(run4["categories"]["connection_refused"], 5, "[{ctx}]");

        let tests = tests_by_id(&t);
        let get = |n: &str| &tests[&format!("tests/test_p.py::{n}")];
        let status = |n: &str| get(n)["status"].as_str().unwrap().to_string();
        assert_eq!(status("test_pass"), "passing", "[{ctx}]");
        assert_eq!(status("test_new"), "new_failure", "[{ctx}]");
        assert_eq!(status("test_still"), "still_failing", "[{ctx}]");
        assert_eq!(get("test_still")["since"], "2026-11-03T02:00:00Z");
        assert_eq!(status("test_fixed"), "fixed", "[{ctx}]");
        assert_eq!(get("test_fixed")["first_failed_at"], "2026-11-01T02:00:00Z");
        assert_eq!(get("test_fixed")["last_failed_at"], "2026-11-02T02:00:00Z");
        assert_eq!(status("test_flaky"), "flaky", "[{ctx}]");
        assert_eq!(get("test_flaky")["flips"], 3);
        assert_eq!(get("test_flaky")["flip_rate"], 0.75);
        assert_eq!(get("test_flaky")["failures"], 2);
        for n in ["test_outage", "test_dep1", "test_dep4"] {
            assert_eq!(
                status(n),
                "passing",
                "[{ctx}] {n}: only failed in the outage"
            );
            assert_eq!(get(n)["outage_failures"], 1);
            assert_eq!(get(n)["runs"], 5);
        }
        assert!(
            !tests.contains_key("tests/test_p.py::test_skip"),
            "[{ctx}] only ever skipped"
        );
        assert_eq!(t["status_counts"]["passing"], 6, "[{ctx}]");

        let causes: BTreeMap<String, Value> = t["root_causes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["target"].as_str().unwrap_or("").to_string(), c.clone()))
            .collect();
        assert_eq!(causes["api.internal:443"]["status"], "new", "[{ctx}]");
        let cache = &causes["cache.internal:6379"];
        assert_eq!(cache["status"], "recurring", "[{ctx}]");
        assert_eq!(
            (cache["seen_in"].as_u64(), cache["of"].as_u64()),
            (Some(3), Some(5))
        );
        assert_eq!(cache["first_seen"], "2026-11-03T02:00:00Z");
        assert_eq!(cache["last_seen"], "2026-11-05T02:00:00Z");
        assert_eq!(causes["db.internal:5432"]["status"], "resolved", "[{ctx}]");

        // Windows: --last and a label that matches nothing.
        let last2 = trend(&store, &["--last", "2"]);
        assert_eq!(last2["window"]["runs"], 2);
        let none = trend(&store, &["--label", "branch=other"]);
        assert_eq!(none["window"]["runs"], 0);
        assert!(none["tests"].as_array().unwrap().is_empty());
    }
}

/// Test statuses the oracle of a sample predicts when it is recorded on every night.
fn expected_statuses(sample_name: &str) -> BTreeMap<String, &'static str> {
    let text = std::fs::read_to_string(samples_dir().join(format!("{sample_name}.expected.json")))
        .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["tests"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(id, t)| match t["outcome"].as_str().unwrap() {
            "skipped" => None,
            "failed" | "error" => Some((id.clone(), "still_failing")),
            _ => Some((id.clone(), "passing")),
        })
        .collect()
}

#[test]
fn sample_logs_recorded_night_after_night() {
    for store in stores() {
        let nights = [
            ("errors-urllib3-1.26.log", "errors"),
            ("errors-urllib3-2.log", "errors"),
            ("shape-rA.log", "errors"),
            ("dns-urllib3-1.26.log", "dns"),
            ("dns-urllib3-2.log", "dns"),
        ];
        for (i, (log, suite)) in nights.iter().enumerate() {
            let at = format!("2026-11-1{i}T02:00:00Z");
            let label = format!("suite={suite}");
            rca_ok(
                &store,
                &[
                    "analyze",
                    &sample(log),
                    "--record",
                    "--at",
                    &at,
                    "--label",
                    &label,
                    "-q",
                ],
            );
        }
        let t = trend(&store, &["--label", "suite=errors"]);
        assert_eq!(t["window"]["runs"], 3);
        let got: BTreeMap<String, String> = tests_by_id(&t)
            .into_iter()
            .map(|(id, x)| (id, x["status"].as_str().unwrap().to_string()))
            .collect();
        let want: BTreeMap<String, String> = expected_statuses("errors-urllib3-2")
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect();
        assert_eq!(got, want, "[{}]", store.name());
        for x in t["tests"].as_array().unwrap() {
            if x["status"] == "still_failing" {
                assert_eq!(x["since"], "2026-11-10T02:00:00Z");
                assert_eq!(x["failures"], 3);
            }
        }
        assert!(
            t["runs"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["outage"] == false)
        );

        // dns: 3 of 4 tests fail on name resolution: both nights are outages.
        let t = trend(&store, &["--label", "suite=dns"]);
        assert!(
            t["runs"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["outage"] == true)
        );
        let recurring: Vec<&Value> = t["root_causes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "recurring")
            .collect();
        assert!(
            recurring
                .iter()
                .any(|c| c["target"] == "staging-api.invalid" && c["seen_in"] == 2),
            "[{}] {:#}",
            store.name(),
            t["root_causes"]
        );
        // All five nights unfiltered.
        assert_eq!(runs_listed(&store).len(), 5);
    }
}

#[test]
fn saved_reports_and_live_analyses_are_one_run() {
    for store in stores() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("rca.json");
        let log = sample("httpx.log");
        let junit = sample("httpx.junit.xml");
        rca()
            .args([
                "analyze",
                &log,
                &junit,
                "-o",
                report.to_str().unwrap(),
                "-q",
            ])
            .assert()
            .success();
        let out = rca()
            .env_remove("RCA_HISTORY")
            .args([
                "record",
                report.to_str().unwrap(),
                "--history",
                &store.url(),
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("recorded run run-"));
        // The same run analysed live: same derived id, nothing added.
        let out = rca()
            .env_remove("RCA_HISTORY")
            .args(["analyze", &log, &junit, "--record", "--format", "json"])
            .args(["--history", &store.url()])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("already in"));
        // And the report again.
        rca_ok(&store, &["record", report.to_str().unwrap()]);
        let runs = runs_listed(&store);
        assert_eq!(runs.len(), 1, "[{}] {runs:?}", store.name());
        assert_eq!(runs[0]["total"], 11);
        assert_eq!(runs[0]["failed"], 9);
        // The session start the log shows, not the time of recording.
        assert!(
            runs[0]["at"]
                .as_str()
                .unwrap()
                .starts_with("2026-11-27T09:5")
        );
        let t = trend(&store, &[]);
        assert_eq!(t["status_counts"]["new_failure"], 9);
        assert!(!t["root_causes"].as_array().unwrap().is_empty());
    }
}

#[test]
fn concurrent_recorders_both_land() {
    for store in stores() {
        let logs = [
            "seed-urllib3-2.log",
            "errors-urllib3-2.log",
            "dns-urllib3-2.log",
            "httpx.log",
        ];
        let children: Vec<_> = logs
            .iter()
            .map(|log| {
                Command::new(assert_cmd::cargo::cargo_bin!("rca"))
                    .env_remove("RCA_HISTORY")
                    .args(["analyze", &sample(log), "--record", "--format", "json"])
                    .args(["--history", &store.url()])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "[{}] {}",
                store.name(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(runs_listed(&store).len(), logs.len(), "[{}]", store.name());
    }
}

#[test]
fn a_recorder_killed_mid_transaction_leaves_no_trace() {
    for store in stores() {
        let dir = tempfile::tempdir().unwrap();
        rca_ok(
            &store,
            &["analyze", &sample("dns-urllib3-2.log"), "--record", "-q"],
        );
        let marker = dir.path().join("paused");
        let mut child = Command::new(assert_cmd::cargo::cargo_bin!("rca"))
            .env_remove("RCA_HISTORY")
            .env("RCA_TEST_PAUSE_IN_RECORD", &marker)
            .args(["analyze", &sample("seed-urllib3-2.log"), "--record", "-q"])
            .args(["--format", "json", "--history", &store.url()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while !marker.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "recorder never paused"
            );
            assert!(child.try_wait().unwrap().is_none(), "recorder exited early");
            std::thread::sleep(Duration::from_millis(20));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Only the first run is there; the store opens and takes new runs.
        let runs = runs_listed(&store);
        assert_eq!(runs.len(), 1, "[{}] {runs:?}", store.name());
        if let Store::Sqlite { path, .. } = &store {
            let db = rusqlite::Connection::open(path).unwrap();
            let check: String = db
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(check, "ok");
            let orphans: i64 = db
                .query_row(
                    "SELECT COUNT(*) FROM run_tests WHERE run_id NOT IN (SELECT id FROM runs)",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(orphans, 0);
        }
        rca_ok(
            &store,
            &["analyze", &sample("seed-urllib3-2.log"), "--record", "-q"],
        );
        assert_eq!(runs_listed(&store).len(), 2);
    }
}

fn schema_version_of(path: &Path) -> i64 {
    let db = rusqlite::Connection::open(path).unwrap();
    db.query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_version_1_history_is_read_as_it_is_and_migrated_by_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/history-v1.sqlite"),
        &path,
    )
    .unwrap();
    let before = std::fs::read(&path).unwrap();
    let url = path.to_str().unwrap();
    let out = rca()
        .args(["history", "list", "--format", "json", "--history", url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains("schema version 1 is older") && note.contains("next write"),
        "{note}"
    );
    assert_eq!(note.lines().count(), 1, "{note}");
    let runs: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["v1-night-1", "v1-night-2", "v1-night-3"]);
    // The trend reads version 1 too, and neither read touched the file.
    let t: Value = serde_json::from_slice(
        &rca()
            .args(["trend", "--format", "json", "--history", url])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let tests = tests_by_id(&t);
    assert_eq!(tests["tests/test_v1.py::test_b"]["status"], "still_failing");
    assert_eq!(tests["tests/test_v1.py::test_c"]["status"], "fixed");
    assert_eq!(tests["tests/test_v1.py::test_a"]["status"], "passing");
    assert!(std::fs::read(&path).unwrap() == before, "reads never write");
    assert_eq!(schema_version_of(&path), 1);
    assert!(!dir.path().join("old.sqlite-wal").exists());
    // A write migrates, keeping the old runs and their outcomes; new runs go beside them.
    rca()
        .args([
            "analyze",
            &sample("httpx.log"),
            "--record",
            "--label",
            "env=ci",
        ])
        .args(["--format", "json", "--history", url])
        .assert()
        .success();
    assert_eq!(schema_version_of(&path), 3);
    let t: Value = serde_json::from_slice(
        &rca()
            .args(["trend", "--format", "json", "--history", url])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(t["window"]["runs"], 4);
    let tests = tests_by_id(&t);
    assert_eq!(
        tests["tests/test_v1.py::test_b"]["status"], "not_run",
        "absent from the newest run"
    );
    let t: Value = serde_json::from_slice(
        &rca()
            .args([
                "trend",
                "--format",
                "json",
                "--label",
                "env=ci",
                "--history",
                url,
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(t["window"]["runs"], 1);
}

#[test]
fn prune_drops_old_runs_only() {
    for store in stores() {
        for (id, at) in [
            ("old", "2001-01-01 00:00:00"),
            ("recent", "2999-01-01T00:00:00Z"),
        ] {
            rca_ok(
                &store,
                &[
                    "analyze",
                    &sample("dns-urllib3-2.log"),
                    "--record",
                    "--run-id",
                    id,
                    "--at",
                    at,
                    "-q",
                ],
            );
        }
        rca_ok(&store, &["history", "prune", "--older-than", "90d"]);
        let runs = runs_listed(&store);
        assert_eq!(runs.len(), 1, "[{}]", store.name());
        assert_eq!(runs[0]["id"], "recent");
        let text = rca_ok(&store, &["history", "list"]);
        assert!(text.contains("recent") && text.contains("1 run(s)"));
    }
}

#[test]
fn trend_printers_escape_log_text() {
    let store = Store::sqlite();
    let dir = tempfile::tempdir().unwrap();
    for (i, o) in ['P', 'F', 'F'].iter().enumerate() {
        let tests = [
            ("test_x[<script>alert(1)</script>|`]", *o),
            ("test_ok", 'P'),
        ];
        let file = dir.path().join(format!("n{i}.log"));
        std::fs::write(&file, pytest_log(&tests, &format!("{i}.1"))).unwrap();
        let at = format!("2026-10-0{}T00:00:00Z", i + 1);
        rca_ok(
            &store,
            &[
                "analyze",
                file.to_str().unwrap(),
                "--record",
                "--at",
                &at,
                "-q",
            ],
        );
    }
    let html = rca_ok(
        &store,
        &["trend", "--format", "html", "--title", "<b>nightly</b>"],
    );
    assert!(html.contains("Content-Security-Policy"));
    assert!(html.contains("<svg"));
    assert!(!html.contains("<script"), "log text must be escaped");
    assert!(html.contains("&#60;script&#62;"));
    assert!(!html.contains("<b>nightly"));
    let md = rca_ok(&store, &["trend", "--format", "md"]);
    assert!(md.contains("## still_failing (1)"));
    assert!(!outside_code(&md).contains("<script"));
    let text = rca_ok(&store, &["trend", "--format", "text"]);
    assert!(text.contains("still_failing"));
    assert!(text.contains("1 still_failing"));
    assert!(text.contains("▁"), "sparklines");
    let out = dir.path().join("trend.html");
    rca_ok(&store, &["trend", "-o", out.to_str().unwrap()]);
    assert!(
        std::fs::read_to_string(out)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
}

#[test]
fn history_usage_errors_are_one_line() {
    let store = Store::sqlite();
    let log = sample("dns-urllib3-2.log");
    let url = store.url();
    let cases: [(&[&str], &str); 6] = [
        (&["analyze", &log, "--record", "--at", "yesterday"], "--at"),
        (
            &["analyze", &log, "--record", "--label", "nolabel"],
            "KEY=VALUE",
        ),
        (&["analyze", &log, "--run-id", "x"], "need --record"),
        (&["trend", "--since", "7y"], "--since"),
        (
            &["history", "prune", "--older-than", "soon"],
            "--older-than",
        ),
        (&["record", "/nonexistent/rca.json"], "no such file"),
    ];
    for (args, msg) in cases {
        let out = rca().args(args).args(["--history", &url]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("rca: ") && err.contains(msg),
            "{args:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let not_rca = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(not_rca.path(), "{\"hello\": 1}").unwrap();
    let out = rca()
        .args([
            "record",
            not_rca.path().to_str().unwrap(),
            "--history",
            &url,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an rca JSON report"));
}

#[test]
fn rca_history_env_selects_the_store() {
    let store = Store::sqlite();
    rca()
        .env("RCA_HISTORY", store.url())
        .args([
            "analyze",
            &sample("dns-urllib3-2.log"),
            "--record",
            "-q",
            "--format",
            "json",
        ])
        .assert()
        .success();
    assert_eq!(runs_listed(&store).len(), 1);
    // Without --history, RCA_HISTORY and XDG_DATA_HOME the default path under HOME is used.
    let home = tempfile::tempdir().unwrap();
    rca()
        .env_remove("RCA_HISTORY")
        .env_remove("XDG_DATA_HOME")
        .env("HOME", home.path())
        .args([
            "analyze",
            &sample("dns-urllib3-2.log"),
            "--record",
            "-q",
            "--format",
            "json",
        ])
        .assert()
        .success();
    assert!(home.path().join(".local/share/rca/history.sqlite").exists());
}

#[test]
fn a_junit_only_run_is_dated_by_its_timestamp() {
    for store in stores() {
        rca_ok(
            &store,
            &["analyze", &sample("httpx.junit.xml"), "--record", "-q"],
        );
        let runs = runs_listed(&store);
        // <testsuite ... timestamp="2026-11-27T09:52:31.753055+00:00">, not the file's mtime.
        assert_eq!(runs[0]["at"], "2026-11-27T09:52:31Z", "[{}]", store.name());
    }
}

/// `rca history list --format json` ids.
fn ids_listed(store: &Store) -> Vec<String> {
    runs_listed(store)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn two_nights_of_equal_outcomes_are_two_runs_and_a_re_record_is_one() {
    let names = ["test_a", "test_b", "test_c"];
    for store in stores() {
        let ctx = store.name();
        let dir = tempfile::tempdir().unwrap();
        // The same bytes twice, told apart by --at (nightly files written without a time).
        let xml = write(dir.path(), "same.xml", &junit_xml(&named(&names, "PFP")));
        for at in ["2026-11-01 02:00:00", "2026-11-02 02:00:00"] {
            rca_ok(&store, &["analyze", &xml, "--record", "--at", at, "-q"]);
        }
        assert_eq!(
            ids_listed(&store).len(),
            2,
            "[{ctx}] --at tells the nights apart"
        );
        // Equal outcomes, different JUnit timestamps, no --at: two runs.
        for (i, day) in ["03", "04"].iter().enumerate() {
            let stamp = format!("2026-11-{day}T02:00:00+00:00");
            let text = junit_xml_at(&named(&names, "PFP"), Some(&stamp));
            let file = write(dir.path(), &format!("n{i}.xml"), &text);
            rca_ok(&store, &["analyze", &file, "--record", "-q"]);
        }
        let runs = runs_listed(&store);
        assert_eq!(runs.len(), 4, "[{ctx}] {runs:?}");
        assert_eq!(runs[3]["at"], "2026-11-04T02:00:00Z");
        // Re-recording a file is idempotent, and says how to force it.
        let night4 = dir.path().join("n1.xml");
        let night4 = night4.to_str().unwrap();
        let (_, err) = rca_ok_err(&store, &["analyze", night4, "--record"], &[]);
        assert!(
            err.contains("already in") && err.contains("--replace") && err.contains("--run-id"),
            "[{ctx}] {err}"
        );
        assert_eq!(ids_listed(&store).len(), 4, "[{ctx}]");
        let (_, err) = rca_ok_err(&store, &["analyze", night4, "--record", "--replace"], &[]);
        assert!(err.contains("replaced run"), "[{ctx}] {err}");
        assert_eq!(ids_listed(&store).len(), 4, "[{ctx}] replaced, not added");
        // Its saved report, imported later, is the same run too.
        let report = dir.path().join("n1.json");
        rca_clean()
            .args(["analyze", night4, "-q", "-o", report.to_str().unwrap()])
            .assert()
            .success();
        let (_, err) = rca_ok_err(&store, &["record", report.to_str().unwrap()], &[]);
        assert!(err.contains("already in"), "[{ctx}] {err}");
        assert_eq!(ids_listed(&store).len(), 4, "[{ctx}]");
        let t = trend(&store, &[]);
        assert_eq!(t["window"]["runs"], 4);
        let b = &tests_by_id(&t)["tests/test_p.py::test_b"];
        assert_eq!(
            (b["status"].as_str(), b["failures"].as_u64()),
            (Some("still_failing"), Some(4))
        );
    }
}

#[test]
fn ci_run_ids_from_the_environment_name_and_separate_runs() {
    let dir = tempfile::tempdir().unwrap();
    let log = write(
        dir.path(),
        "run.log",
        &pytest_log(&named(&["test_a", "test_b"], "PR"), "1.5"),
    );
    for store in stores() {
        let ctx = store.name();
        let attempt = |n: &'static str| vec![("GITHUB_RUN_ID", "4242"), ("GITHUB_RUN_ATTEMPT", n)];
        rca_ok_env(&store, &["analyze", &log, "--record", "-q"], &attempt("1"));
        rca_ok_env(&store, &["analyze", &log, "--record", "-q"], &attempt("2"));
        let (_, err) = rca_ok_err(&store, &["analyze", &log, "--record"], &attempt("2"));
        assert!(
            err.contains("already in"),
            "[{ctx}] the same attempt again: {err}"
        );
        rca_ok_env(
            &store,
            &["analyze", &log, "--record", "-q"],
            &[("CI_PIPELINE_ID", "77")],
        );
        rca_ok_env(
            &store,
            &["analyze", &log, "--record", "-q"],
            &[("BUILD_TAG", "jenkins-nightly-9")],
        );
        let runs = runs_listed(&store);
        let ci: Vec<&str> = runs
            .iter()
            .map(|r| r["ci_id"].as_str().unwrap_or(""))
            .collect();
        let mut ci_sorted = ci.clone();
        ci_sorted.sort();
        assert_eq!(
            ci_sorted,
            [
                "github:4242/1",
                "github:4242/2",
                "gitlab:77",
                "jenkins:jenkins-nightly-9"
            ],
            "[{ctx}]"
        );
        // The trend names runs by their CI run, not a hash.
        let t = trend(&store, &[]);
        let mut names: Vec<&str> = t["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ci_sorted, "[{ctx}]");
        // A report written in CI and imported elsewhere keeps its CI identity.
        let report = dir.path().join(format!("{ctx}.json"));
        rca_clean()
            .env("GITHUB_RUN_ID", "4242")
            .env("GITHUB_RUN_ATTEMPT", "1")
            .args(["analyze", &log, "-q", "-o", report.to_str().unwrap()])
            .assert()
            .success();
        let saved: Value =
            serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        assert_eq!(saved["ci"]["provider"], "github");
        assert_eq!(saved["ci"]["id"], "4242/1");
        let (_, err) = rca_ok_err(&store, &["record", report.to_str().unwrap()], &[]);
        assert!(err.contains("already in"), "[{ctx}] {err}");
        assert_eq!(runs_listed(&store).len(), 4, "[{ctx}]");
    }
}

#[test]
fn a_test_missing_from_the_last_run_is_not_run_and_not_failing() {
    let names = ["test_ok", "test_gone", "test_broken"];
    for store in stores() {
        let dir = tempfile::tempdir().unwrap();
        for (i, night) in ["PFF", "PFF", "P-F"].iter().enumerate() {
            let tests: Vec<(&str, char)> = named(&names, night)
                .into_iter()
                .filter(|t| t.1 != '-')
                .collect();
            let log = write(dir.path(), &format!("n{i}.log"), &pytest_log(&tests, "1.0"));
            let at = format!("2026-11-0{}T02:00:00Z", i + 1);
            rca_ok(&store, &["analyze", &log, "--record", "--at", &at, "-q"]);
        }
        let t = trend(&store, &[]);
        let ctx = store.name();
        let tests = tests_by_id(&t);
        let gone = &tests["tests/test_p.py::test_gone"];
        assert_eq!(gone["status"], "not_run", "[{ctx}]");
        assert_eq!(
            gone["last_run_at"], "2026-11-02T02:00:00Z",
            "[{ctx}] when it last ran"
        );
        assert_eq!(gone["last_outcome"], "failed");
        assert_eq!(
            tests["tests/test_p.py::test_broken"]["status"],
            "still_failing"
        );
        assert_eq!(t["status_counts"]["not_run"], 1, "[{ctx}]");
        assert_eq!(
            t["status_counts"]["still_failing"], 1,
            "[{ctx}] only the one that ran"
        );
        assert_eq!(
            t["since_previous"]["not_run"][0],
            "tests/test_p.py::test_gone"
        );
        let text = rca_ok(&store, &["trend", "--format", "text"]);
        assert!(
            text.contains("not_run") && text.contains("last ran 2026-11-02"),
            "{text}"
        );
    }
}

/// A log where `test_db` is refused by db.internal on `port` (endpoint /q).
fn refused_on(port: u16, extra: &[(&str, char)]) -> String {
    let mut tests = vec![("test_db", 'R'), ("test_ok", 'P')];
    tests.extend_from_slice(extra);
    pytest_log(&tests, "1.0").replace("port=5432", &format!("port={port}"))
}

#[test]
fn a_port_change_between_nights_is_one_recurring_root_cause() {
    for store in stores() {
        let ctx = store.name();
        let dir = tempfile::tempdir().unwrap();
        for (i, port) in [5432u16, 6543, 7000].iter().enumerate() {
            let log = write(dir.path(), &format!("n{i}.log"), &refused_on(*port, &[]));
            let at = format!("2026-11-0{}T02:00:00Z", i + 1);
            rca_ok(&store, &["analyze", &log, "--record", "--at", &at, "-q"]);
        }
        let t = trend(&store, &[]);
        let causes = t["root_causes"].as_array().unwrap();
        assert_eq!(causes.len(), 1, "[{ctx}] {causes:#?}");
        let c = &causes[0];
        assert_eq!(c["status"], "recurring");
        assert_eq!(
            (c["seen_in"].as_u64(), c["of"].as_u64()),
            (Some(3), Some(3))
        );
        assert_eq!(c["target"], "db.internal:7000", "[{ctx}] the newest target");
        assert_eq!(c["targets"].as_array().unwrap().len(), 3);
        // Tonight it listens on yet another port: still the same root cause.
        let log = write(dir.path(), "tonight.log", &refused_on(7777, &[]));
        let out = rca_ok(&store, &["analyze", &log, "--format", "json", "-q"]);
        let doc: Value = serde_json::from_str(&out).unwrap();
        let h = &doc["root_causes"][0]["history"];
        assert_eq!(h["status"], "recurring", "[{ctx}] {h}");
        assert_eq!(
            (h["seen_in"].as_u64(), h["of"].as_u64()),
            (Some(3), Some(3))
        );
    }
}

#[test]
fn an_xml_only_outage_night_is_an_outage_and_makes_nobody_flaky() {
    let names: Vec<String> = (0..16).map(|i| format!("test_{i:02}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    for store in stores() {
        let ctx = store.name();
        let dir = tempfile::tempdir().unwrap();
        for (i, outcome) in ['P', 'P', 'C', 'P', 'P'].iter().enumerate() {
            let night: String = std::iter::repeat_n(*outcome, 16).collect();
            let stamp = format!("2026-11-0{}T02:00:00+00:00", i + 1);
            let xml = write(
                dir.path(),
                &format!("n{i}.xml"),
                &junit_xml_at(&named(&names, &night), Some(&stamp)),
            );
            rca_ok(&store, &["analyze", &xml, "--record", "-q"]);
        }
        let t = trend(&store, &[]);
        let outages: Vec<bool> = t["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["outage"].as_bool().unwrap())
            .collect();
        assert_eq!(outages, [false, false, true, false, false], "[{ctx}]");
        let why = t["runs"][2]["outage_reason"].as_str().unwrap();
        assert!(
            ["nearly_all_failed", "connection_class"].contains(&why),
            "[{ctx}] {why}"
        );
        assert_eq!(t["status_counts"]["flaky"], 0, "[{ctx}]");
        assert_eq!(t["status_counts"]["passing"], 16, "[{ctx}]");
    }
}

/// Three recorded nights, then tonight's log: `test_db` refused every night (recurring),
/// `test_api` timed out on night 1 only (regressed after 2 passing runs), `test_cache`
/// fails for the first time (new).
fn morning_nights(store: &Store, dir: &Path) -> String {
    let names = ["test_db", "test_api", "test_cache", "test_ok"];
    for (i, night) in ["RTPP", "RPPP", "RPPP"].iter().enumerate() {
        let log = write(
            dir,
            &format!("n{i}.log"),
            &pytest_log(&named(&names, night), "1.0"),
        );
        let at = format!("2026-11-0{}T02:00:00Z", i + 1);
        rca_ok(
            store,
            &[
                "analyze",
                &log,
                "--record",
                "--at",
                &at,
                "--label",
                "branch=main",
                "-q",
            ],
        );
    }
    write(
        dir,
        "tonight.log",
        &pytest_log(&named(&names, "RTCP"), "1.0"),
    )
}

#[test]
fn analyze_with_history_says_new_recurring_or_regressed_in_every_format() {
    for store in stores() {
        let ctx = store.name();
        let dir = tempfile::tempdir().unwrap();
        let tonight = morning_nights(&store, dir.path());
        let args = ["analyze", tonight.as_str(), "--at", "2026-11-04T02:00:00Z"];
        // --at needs --record; without it the run is compared as of now.
        let doc: Value = serde_json::from_str(&rca_ok(
            &store,
            &["analyze", &tonight, "--format", "json", "-q"],
        ))
        .unwrap();
        let h = &doc["history"];
        assert_eq!(h["runs"], 3, "[{ctx}] {h}");
        assert_eq!(h["root_causes"]["new"], 1, "[{ctx}] {h}");
        assert_eq!(h["root_causes"]["recurring"], 1);
        assert_eq!(h["root_causes"]["regressed"], 1);
        assert_eq!(
            h["summary"].as_str().unwrap(),
            "1 of 3 root causes are new, 1 recurring, 1 regressed; 1 of 3 failing tests are new, \
             1 recurring, 1 regressed (compared with the last 3 runs, 2026-11-01 .. 2026-11-03)"
        );
        let test = |n: &str| {
            doc["tests"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["nodeid"] == format!("tests/test_p.py::{n}"))
                .unwrap()["history"]
                .clone()
        };
        assert_eq!(test("test_db")["status"], "recurring");
        assert_eq!(
            test("test_db")["text"],
            "recurring (failed in 3 of the last 3 runs, first on 2026-11-01)"
        );
        assert_eq!(test("test_api")["status"], "regressed");
        assert_eq!(test("test_api")["passing_runs"], 2);
        assert_eq!(test("test_cache")["status"], "new");
        assert_eq!(
            test("test_ok"),
            Value::Null,
            "passing tests carry no history"
        );
        let cause = |host: &str| {
            doc["root_causes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["target"].as_str().unwrap().starts_with(host))
                .unwrap()["history"]
                .clone()
        };
        assert_eq!(cause("db.internal")["status"], "recurring");
        assert_eq!(
            cause("api.internal")["text"],
            "regressed after 2 passing runs (last seen 2026-11-01)"
        );
        assert_eq!(cause("cache.internal")["status"], "new");
        // The Summary line in every format.
        let summary = "1 of 3 root causes are new, 1 recurring, 1 regressed";
        let text = rca_ok(&store, &["analyze", &tonight, "--format", "text", "-q"]);
        assert!(
            text.contains(&format!("History: {summary}")),
            "[{ctx}] {text}"
        );
        assert!(text.contains("regressed after 2 passing runs"), "[{ctx}]");
        let md = rca_ok(&store, &["analyze", &tonight, "--format", "md", "-q"]);
        let md_summary = md
            .split("## Summary")
            .nth(1)
            .unwrap()
            .split("\n## ")
            .next()
            .unwrap();
        assert!(
            md_summary.contains(&format!("- **History:** {summary}")),
            "[{ctx}] {md_summary}"
        );
        assert!(
            md.contains("**History:** recurring (seen in 3 of the last 3 runs"),
            "[{ctx}]"
        );
        let html = rca_ok(&store, &["analyze", &tonight, "--format", "html", "-q"]);
        assert!(
            html.contains(&format!("<li class=\"history\"><b>History:</b> {summary}")),
            "[{ctx}]"
        );
        let he = rca_ok(
            &store,
            &["analyze", &tonight, "--format", "md", "--lang", "he", "-q"],
        );
        assert!(
            he.contains("**היסטוריה:** 1 מתוך 3 גורמי השורש חדשים"),
            "[{ctx}]"
        );
        // Labels choose the runs compared.
        let other: Value = serde_json::from_str(&rca_ok(
            &store,
            &[
                "analyze",
                &tonight,
                "--label",
                "branch=other",
                "--format",
                "json",
                "-q",
            ],
        ))
        .unwrap();
        assert_eq!(other["history"]["runs"], 0);
        assert_eq!(
            other["history"]["summary"],
            "no earlier runs to compare with"
        );
        // With --record too: compared with the runs before it, then recorded; recording it
        // again does not compare it with itself.
        for _ in 0..2 {
            let mut a = args.to_vec();
            a.extend(["--record", "--format", "json", "-q"]);
            let doc: Value = serde_json::from_str(&rca_ok(&store, &a)).unwrap();
            assert_eq!(doc["history"]["runs"], 3, "[{ctx}]");
            assert_eq!(doc["history"]["root_causes"]["new"], 1, "[{ctx}]");
        }
        assert_eq!(runs_listed(&store).len(), 4);
        // Reports without --history are as before.
        let plain = rca_clean()
            .args(["analyze", &tonight, "--format", "json", "-q"])
            .output()
            .unwrap();
        let plain: Value = serde_json::from_slice(&plain.stdout).unwrap();
        assert!(plain.get("history").is_none() && plain["root_causes"][0].get("history").is_none());
    }
}

#[test]
fn reads_never_write_and_a_missing_store_is_no_history() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere/h.sqlite");
    let m = missing.to_str().unwrap();
    let log = sample("dns-urllib3-2.log");
    let report = dir.path().join("report.md");
    for args in [
        vec!["trend", "--history", m],
        vec!["trend", "--format", "html", "--history", m],
        vec!["history", "list", "--history", m],
        vec!["history", "prune", "--older-than", "1d", "--history", m],
        vec!["signatures", "--history", m],
        vec![
            "analyze",
            &log,
            "--history",
            m,
            "-o",
            report.to_str().unwrap(),
        ],
    ] {
        let err = rca_fails(&args);
        assert!(
            err.contains(&format!("no history at {m}")),
            "{args:?}: {err}"
        );
    }
    assert!(!dir.path().join("nowhere").exists(), "nothing created");
    assert!(!report.exists(), "no report without the history asked for");
    if let Ok(admin) = std::env::var("RCA_TEST_POSTGRES")
        && !admin.is_empty()
    {
        let store = Store::postgres(&admin);
        let err = rca_fails(&["trend", "--history", &store.url()]);
        assert!(err.contains("no history at postgres://rca:***@"), "{err}");
        if let Store::Postgres { admin, schema, .. } = &store {
            let mut c = postgres::Client::connect(admin, postgres::NoTls).unwrap();
            let n: i64 = c
                .query_one(
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $1",
                    &[schema],
                )
                .unwrap()
                .get(0);
            assert_eq!(n, 0, "a read created no tables");
        }
    }
}

/// Whether this process runs as root (then file modes do not stop it writing).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn a_history_in_a_read_only_place_can_be_read() {
    use std::os::unix::fs::PermissionsExt;
    let store = Store::sqlite();
    rca_ok(
        &store,
        &["analyze", &sample("dns-urllib3-2.log"), "--record", "-q"],
    );
    let Store::Sqlite { path, .. } = &store else {
        unreachable!()
    };
    let dir = path.parent().unwrap();
    let before = std::fs::read(path).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores file modes: read as an unprivileged user instead.
    let as_reader = |args: &[&str]| {
        let mut cmd = if is_root() {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(assert_cmd::cargo::cargo_bin!("rca"));
            c
        } else {
            Command::new(assert_cmd::cargo::cargo_bin!("rca"))
        };
        cmd.env_remove("RCA_HISTORY")
            .args(args)
            .args(["--history", path.to_str().unwrap()]);
        cmd.output().unwrap()
    };
    for args in [
        &["history", "list", "--format", "json"][..],
        &["trend", "--format", "json"][..],
    ] {
        let out = as_reader(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("\"runs\"") || args[0] == "history");
    }
    let listed: Value =
        serde_json::from_slice(&as_reader(&["history", "list", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    // A write there fails in one line, and nothing changed.
    let out = as_reader(&[
        "analyze",
        &sample("httpx.log"),
        "--record",
        "-q",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(
        std::fs::read(path).unwrap() == before,
        "the store was changed"
    );
}

#[test]
fn bad_history_arguments_exit_2_before_a_report_or_a_store_exists() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("new.sqlite");
    let s = store.to_str().unwrap();
    let report = dir.path().join("rca.md");
    let r = report.to_str().unwrap();
    let log = sample("dns-urllib3-2.log");
    let saved = write(dir.path(), "saved.json", "{}");
    let cases: [(&[&str], &str); 9] = [
        (
            &[
                "analyze",
                &log,
                "-o",
                r,
                "--record",
                "--history",
                s,
                "--at",
                "yesterday",
            ],
            "--at",
        ),
        (
            &[
                "analyze",
                &log,
                "-o",
                r,
                "--record",
                "--history",
                s,
                "--at",
                "2026-02-30",
            ],
            "--at",
        ),
        (
            &[
                "analyze",
                &log,
                "-o",
                r,
                "--record",
                "--history",
                s,
                "--label",
                "nolabel",
            ],
            "KEY=VALUE",
        ),
        (
            &[
                "analyze",
                &log,
                "-o",
                r,
                "--record",
                "--history",
                s,
                "--label",
                "a b=c",
            ],
            "--label",
        ),
        (
            &[
                "analyze",
                &log,
                "-o",
                r,
                "--record",
                "--history",
                s,
                "--label",
                "k=1",
                "--label",
                "k=2",
            ],
            "twice",
        ),
        (
            &[
                "analyze",
                &log,
                "-o",
                r,
                "--record",
                "--history",
                s,
                "--run-id",
                " ",
            ],
            "--run-id",
        ),
        (
            &[
                "analyze",
                &log,
                "-o",
                r,
                "--record",
                "--history",
                s,
                "--run-id",
                "a\u{1b}[2Jb",
            ],
            "--run-id",
        ),
        (
            &[
                "analyze",
                &log,
                "-o",
                r,
                "--history",
                s,
                "--at",
                "2026-11-01",
            ],
            "need --record",
        ),
        (&["record", &saved, "--history", s, "--at", "soon"], "--at"),
    ];
    for (args, msg) in cases {
        let err = rca_fails(args);
        assert!(err.contains(msg), "{args:?}: {err}");
        assert!(
            !err.contains('\u{1b}'),
            "control characters are not echoed: {err:?}"
        );
        assert!(!report.exists(), "{args:?}: report written");
        assert!(!store.exists(), "{args:?}: store created");
    }
}

/// Overwrites page `page` (1-based) of an SQLite file with garbage.
fn smash_page(path: &Path, page: u64) {
    use std::io::{Seek, SeekFrom, Write};
    let db = rusqlite::Connection::open(path).unwrap();
    let size: i64 = db.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    let size = size as u64;
    db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(db);
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start((page - 1) * size)).unwrap();
    f.write_all(&vec![0xA5; size as usize]).unwrap();
}

fn root_page(path: &Path, table: &str) -> u64 {
    let db = rusqlite::Connection::open(path).unwrap();
    let page: i64 = db
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE name = ?1",
            [table],
            |r| r.get(0),
        )
        .unwrap();
    page as u64
}

#[test]
fn a_corrupt_store_is_refused_in_one_line_and_no_write_is_acknowledged() {
    for table in ["runs", "run_tests"] {
        let store = Store::sqlite();
        rca_ok(
            &store,
            &["analyze", &sample("seed-urllib3-2.log"), "--record", "-q"],
        );
        let Store::Sqlite { path, .. } = &store else {
            unreachable!()
        };
        smash_page(path, root_page(path, table));
        let url = store.url();
        let out = rca_clean()
            .args([
                "analyze",
                &sample("httpx.log"),
                "--record",
                "--format",
                "json",
                "--history",
                &url,
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "[{table}] {err}");
        assert!(
            err.contains("corrupt") && err.contains("quick_check"),
            "[{table}] {err}"
        );
        assert!(
            !err.contains("recorded run"),
            "[{table}] a write was acknowledged: {err}"
        );
        assert_eq!(err.lines().count(), 1, "[{table}] {err}");
        let err = rca_fails(&["trend", "--history", &url]);
        assert!(
            err.contains("corrupt") || err.contains("malformed"),
            "[{table}] {err}"
        );
    }
}

#[test]
fn foreign_and_invalid_schemas_are_one_line_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("foreign.sqlite");
    let db = rusqlite::Connection::open(&foreign).unwrap();
    db.execute_batch("CREATE TABLE runs (x INT); CREATE TABLE invoices (y TEXT);")
        .unwrap();
    drop(db);
    let invalid = dir.path().join("invalid.sqlite");
    let db = rusqlite::Connection::open(&invalid).unwrap();
    db.execute_batch(
        "CREATE TABLE schema_version (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL);
         INSERT INTO schema_version VALUES (2, 0);
         CREATE TABLE runs (id TEXT PRIMARY KEY, at BIGINT);",
    )
    .unwrap();
    drop(db);
    let garbage = write(
        dir.path(),
        "garbage.sqlite",
        &"not a database\n".repeat(400),
    );
    let log = sample("dns-urllib3-2.log");
    let cases = [
        (
            foreign.to_str().unwrap(),
            "not an rca history: it holds other tables (invoices, runs)",
        ),
        (
            invalid.to_str().unwrap(),
            "invalid rca history: schema version 2 but",
        ),
        (garbage.as_str(), "not an SQLite database"),
    ];
    for (path, msg) in cases {
        let before = std::fs::read(path).unwrap();
        for args in [
            vec!["trend", "--history", path],
            vec!["history", "list", "--history", path],
            vec![
                "analyze",
                &log,
                "--record",
                "--format",
                "json",
                "--history",
                path,
            ],
        ] {
            let err = rca_fails(&args);
            assert!(err.contains(msg), "{args:?}: {err}");
        }
        assert!(std::fs::read(path).unwrap() == before, "{path} was changed");
    }
    if let Ok(admin) = std::env::var("RCA_TEST_POSTGRES")
        && !admin.is_empty()
    {
        let store = Store::postgres(&admin);
        if let Store::Postgres { admin, schema, .. } = &store {
            let mut c = postgres::Client::connect(admin, postgres::NoTls).unwrap();
            c.batch_execute(&format!("CREATE TABLE {schema}.runs (x INT)"))
                .unwrap();
        }
        for args in [
            vec!["trend", "--history", &store.url()],
            vec![
                "analyze",
                &log,
                "--record",
                "--format",
                "json",
                "--history",
                &store.url(),
            ],
        ] {
            let err = rca_fails(&args);
            assert!(
                err.contains("not an rca history: it holds other tables (runs)"),
                "{err}"
            );
        }
    }
}

#[test]
fn the_trend_opens_with_the_previous_run_links_reports_and_names_runs() {
    for store in stores() {
        let ctx = store.name();
        let dir = tempfile::tempdir().unwrap();
        let names = ["test_db", "test_api", "test_ok"];
        let nights = [("PPP", "night-1"), ("RPP", ""), ("PTP", "")];
        for (i, (night, id)) in nights.iter().enumerate() {
            let log = write(
                dir.path(),
                &format!("n{i}.log"),
                &pytest_log(&named(&names, night), "1.0"),
            );
            let report = dir.path().join(format!("n{i}.html"));
            let at = format!("2026-11-0{}T02:00:00Z", i + 1);
            let mut args = vec![
                "analyze",
                &log,
                "--record",
                "--at",
                &at,
                "-q",
                "-o",
                report.to_str().unwrap(),
            ];
            if !id.is_empty() {
                args.extend(["--run-id", id]);
            }
            let env = if i == 2 {
                vec![("GITHUB_RUN_ID", "99")]
            } else {
                vec![]
            };
            rca_ok_env(&store, &args, &env);
        }
        let t = trend(&store, &[]);
        let runs = t["runs"].as_array().unwrap();
        let names: Vec<&str> = runs.iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            ["night-1", "2026-11-02 02:00", "github:99"],
            "[{ctx}]"
        );
        let report1 = dir.path().join("n1.html");
        assert_eq!(runs[1]["report"], report1.to_str().unwrap(), "[{ctx}]");
        let p = &t["since_previous"];
        assert_eq!(p["previous"], "2026-11-02 02:00");
        assert_eq!(p["newly_failing"][0], "tests/test_p.py::test_api");
        assert_eq!(p["fixed"][0], "tests/test_p.py::test_db");
        assert_eq!(p["new_root_causes"].as_array().unwrap().len(), 1);
        assert_eq!(p["gone_root_causes"].as_array().unwrap().len(), 1);
        let text = rca_ok(&store, &["trend", "--format", "text"]);
        let first = text.lines().nth(2).unwrap();
        assert!(
            first.starts_with("Since the previous run (2026-11-02 02:00 -> github:99)"),
            "[{ctx}] {text}"
        );
        assert!(text.contains("newly failing (1): tests/test_p.py::test_api"));
        assert!(
            text.contains("(min 0 · max 1 · newest 1)"),
            "numbers beside the sparkline"
        );
        let md = rca_ok(&store, &["trend", "--format", "md"]);
        let since = md.find("## Since the previous run").unwrap();
        assert!(since < md.find("## Runs").unwrap(), "the block comes first");
        assert!(md.contains(&format!(
            "[`2026-11-02 02:00`](<file://{}>)",
            report1.display()
        )));
        let html = rca_ok(&store, &["trend", "--format", "html"]);
        assert!(html.find("id=\"since-previous\"").unwrap() < html.find("id=\"runs\"").unwrap());
        assert!(html.contains(&format!("<a href=\"file://{}\">", report1.display())));
        // Values are written on the bars, and narrow screens drop the optional columns.
        assert!(html.contains("text-anchor=\"middle\">1</text>"), "[{ctx}]");
        assert!(html.contains("width=device-width"));
        assert!(html.contains(".opt { display:none; }"));
    }
}

#[test]
fn report_links_only_for_http_urls_and_absolute_paths() {
    let store = Store::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let log = write(
        dir.path(),
        "n.log",
        &pytest_log(&named(&["test_a"], "F"), "1.0"),
    );
    for (i, url) in ["https://ci.example/runs/7/rca.html", "javascript:alert(1)"]
        .iter()
        .enumerate()
    {
        let id = format!("r{i}");
        rca_ok(
            &store,
            &[
                "analyze",
                &log,
                "--record",
                "--run-id",
                &id,
                "--report-url",
                url,
                "-q",
            ],
        );
    }
    let html = rca_ok(&store, &["trend", "--format", "html"]);
    assert!(html.contains("<a href=\"https://ci.example/runs/7/rca.html\">"));
    assert!(
        !html.contains("javascript:"),
        "not linked, not printed as a link"
    );
    let t = trend(&store, &[]);
    assert_eq!(
        t["runs"][1]["report"], "javascript:alert(1)",
        "kept as given in JSON"
    );
}

#[test]
fn signature_precision_from_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write(
        dir.path(),
        "team.toml",
        r#"
[[signature]]
id = "team-assert-two"
category = "http_error"
description = "assert 1 == 2 (a team rule)"
literals = ["assert 1 == 2"]
patterns = ['assert 1 == 2']
match = ["E   assert 1 == 2"]

[[signature]]
id = "team-never"
category = "http_error"
description = "never in these logs"
literals = ["QUUX-NEVER"]
patterns = ['QUUX-NEVER']
match = ["QUUX-NEVER"]
"#,
    );
    for store in stores() {
        let ctx = store.name();
        for (i, night) in ["FRP", "PRP"].iter().enumerate() {
            let log = write(
                dir.path(),
                &format!("s{i}.log"),
                &pytest_log(&named(&["test_a", "test_db", "test_ok"], night), "1.0"),
            );
            let at = format!("2026-11-0{}T02:00:00Z", i + 1);
            rca_ok(
                &store,
                &[
                    "analyze", &log, "--rules", &rules, "--record", "--at", &at, "-q",
                ],
            );
        }
        let t = trend(&store, &["--rules", &rules]);
        let s = &t["signatures"];
        assert_eq!(s["runs_with_data"], 2, "[{ctx}]");
        let never: Vec<&str> = s["never_fired"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(never.contains(&"team-never"), "[{ctx}] {never:?}");
        assert!(!never.contains(&"team-assert-two"));
        let fired = |id: &str| {
            s["fired"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["id"] == id)
                .cloned()
        };
        let team = fired("team-assert-two").unwrap();
        assert_eq!(
            (team["runs"].as_u64(), team["failed_tests"].as_u64()),
            (Some(1), Some(1))
        );
        let refused = fired("socket-connection-refused").expect("the refused lines fired");
        assert_eq!(refused["failed_tests"], 2, "[{ctx}] test_db on both nights");
        assert_eq!(refused["precision"], 1.0);
        // The same from `rca signatures --history`.
        let out = rca_ok(
            &store,
            &["signatures", "--rules", &rules, "--format", "json"],
        );
        let doc: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["runs_with_data"], 2);
        let sig = |id: &str| {
            doc["signatures"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["id"] == id)
                .unwrap()
                .clone()
        };
        assert_eq!(sig("team-never")["history"], Value::Null);
        assert_eq!(
            sig("socket-connection-refused")["history"]["failed_tests"],
            2
        );
        let text = rca_ok(&store, &["signatures", "--rules", &rules]);
        let never_row = text.lines().find(|l| l.contains("team-never")).unwrap();
        assert!(never_row.contains("never"), "{never_row}");
    }
    let err = rca_fails(&["signatures", "--last", "3"]);
    assert!(err.contains("need --history"), "{err}");
}
