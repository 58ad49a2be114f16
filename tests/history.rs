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

/// Runs `rca ARGS --history STORE`, asserts success, returns stdout.
fn rca_ok(store: &Store, args: &[&str]) -> String {
    let out = rca()
        .env_remove("RCA_HISTORY")
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
    String::from_utf8(out.stdout).unwrap()
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
    let failures = tests.iter().filter(|t| !matches!(t.1, 'P' | 'S')).count();
    let skipped = tests.iter().filter(|t| t.1 == 'S').count();
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites><testsuite name=\"pytest\" \
         errors=\"0\" failures=\"{failures}\" skipped=\"{skipped}\" tests=\"{}\" time=\"2.5\">",
        tests.len()
    );
    for (name, o) in tests {
        let body = match o {
            'P' => String::new(),
            'S' => "<skipped message=\"not here\"/>".to_string(),
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

#[test]
fn a_version_1_history_is_migrated_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/history-v1.sqlite"),
        &path,
    )
    .unwrap();
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
    let runs: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["v1-night-1", "v1-night-2", "v1-night-3"]);
    let db = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = db
        .query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 2);
    drop(db);
    // Old runs keep their per-test outcomes; new runs with labels go beside them.
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
