//! `rca analyze --baseline`: the failed seed run against a passing run of the same suite
//! made by the generator (`samples/seed-baseline-urllib3-2.log`, healthy servers), in every
//! format, from the log and from the history; and the error cases. The expected tests come
//! from the two samples' oracles, not from rca.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

const GOOD: &str = "seed-baseline-urllib3-2";

fn good() -> String {
    samples_dir()
        .join(format!("{GOOD}.log"))
        .to_str()
        .unwrap()
        .to_string()
}

/// Node ids with `outcome` in a sample's oracle.
fn oracle(name: &str, pick: impl Fn(&str) -> bool) -> BTreeSet<String> {
    let v: Value = serde_json::from_slice(&sample_bytes(&format!("{name}.expected.json"))).unwrap();
    v["tests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, t)| pick(t["outcome"].as_str().unwrap()))
        .map(|(id, _)| id.clone())
        .collect()
}

fn ids(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| t["nodeid"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_seed_run_against_its_good_night_in_json() {
    let doc = analyze_json(&[&seed(), "--baseline", &good()]);
    let b = &doc["baseline"];
    assert_eq!(b["kind"], "log");
    assert_eq!(b["baseline_summary"]["passed"], 41);
    assert_eq!(b["shared_tests"], 41);
    // Regressed: failing now (seed oracle) and passing then (baseline oracle).
    let failing = oracle(SEED, |o| o == "failed" || o == "error");
    let passing = oracle(GOOD, |o| o == "passed");
    let want: BTreeSet<String> = failing.intersection(&passing).cloned().collect();
    assert_eq!(want.len(), 18);
    assert_eq!(ids(&b["regressed"]), want);
    assert_eq!(b["regressed_count"], 18);
    assert_eq!(b["fixed_count"], 0);
    // The stalled server's connect timeouts are new; the token manager's full pool (the
    // default pool of 10, hit on both nights) is not.
    let new: Vec<&str> = b["new_signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["signature"].as_str().unwrap())
        .collect();
    assert!(
        new.iter()
            .any(|s| s.starts_with("connect_timeout|127.0.0.1|")),
        "{new:?}"
    );
    assert!(!new.iter().any(|s| s.starts_with("pool_full")), "{new:?}");
    let cats = b["categories"].as_array().unwrap();
    let ct = cats
        .iter()
        .find(|c| c["what"] == "connect_timeout")
        .unwrap();
    assert_eq!(ct["baseline"], 0);
    assert_eq!(ct["beyond_noise"], true);
    // The configure endpoint answered on the good night and failed requests tonight.
    let ep = b["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["endpoint"] == "POST /focus-server/configure")
        .unwrap();
    assert!(ep["baseline"]["responses"].as_u64().unwrap() > 100, "{ep}");
    assert_eq!(ep["baseline"]["failed_requests"], 0);
    assert!(ep["now"]["failed_requests"].as_u64().unwrap() > 0, "{ep}");
    assert!(!ep["changes"].as_array().unwrap().is_empty());
    // Templates only tonight: the connect-timeout retries, numbers masked.
    let t = b["new_templates"].as_array().unwrap();
    assert!(
        t.iter().any(|t| {
            let s = t["template"].as_str().unwrap();
            s.contains("ConnectTimeoutError") && s.contains("port={n}")
        }),
        "{t:?}"
    );
    assert_eq!(b["no_change"], false);
    // The verdicts use it.
    let evidence: Vec<String> = doc["root_causes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|rc| rc["verdict"]["evidence"].as_array().unwrap().clone())
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    assert!(
        evidence.iter().any(|e| e.starts_with(
            "in the baseline run the same endpoint POST /focus-server/configure answered"
        ) && e.contains("at the same concurrency")),
        "{evidence:#?}"
    );
    assert!(
        evidence
            .iter()
            .any(|e| e.starts_with("new against the baseline run")),
        "{evidence:#?}"
    );
}

#[test]
fn the_baseline_object_is_in_the_schema() {
    let schema: Value = serde_json::from_str(&stdout_of(&["schema"])).unwrap();
    let strict = jsonschema::validator_for(&closed(schema)).unwrap();
    let doc = analyze_json(&[&seed(), "--baseline", &good()]);
    let errors: Vec<String> = strict.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // A wrong type in it does not validate.
    let mut bad = doc.clone();
    bad["baseline"]["regressed_count"] = Value::String("18".into());
    assert!(!strict.is_valid(&bad));
}

#[test]
fn a_baseline_section_in_every_format() {
    let (f, g) = (seed(), good());
    let text = stdout_of(&["analyze", &f, "--baseline", &g, "-q"]);
    assert!(text.contains("Baseline run: baseline run "), "{text}");
    assert!(text.contains("18 tests regressed"), "{text}");
    assert!(
        text.contains("failure signatures new in this run"),
        "{text}"
    );
    let md = stdout_of(&["analyze", &f, "--baseline", &g, "--format", "md", "-q"]);
    assert!(md.contains("\n## Baseline run\n"), "{md}");
    assert!(md.contains("**Regressed tests (passed in the baseline run):**"));
    assert!(md.contains("| `POST /focus-server/configure` |"));
    let html = stdout_of(&["analyze", &f, "--baseline", &g, "--format", "html", "-q"]);
    assert!(html.contains(r#"<h2 id="baseline-run">Baseline run</h2>"#));
    assert!(
        html.contains("<code>tests/load/test_job_capacity.py::test_single_job_baseline</code>")
    );
    let he = stdout_of(&[
        "analyze",
        &f,
        "--baseline",
        &g,
        "--format",
        "md",
        "--lang",
        "he",
        "-q",
    ]);
    assert!(he.contains("## ריצת בסיס"), "{he}");
    assert!(he.contains("18 טסטים נסוגו"), "{he}");
}

#[test]
fn without_baseline_nothing_is_added() {
    let doc = analyze_json(&[&seed()]);
    assert!(doc.get("baseline").is_none());
    let text = stdout_of(&["analyze", &seed(), "-q"]);
    assert!(!text.contains("Baseline run"));
}

#[test]
fn the_same_run_twice_is_no_change() {
    let doc = analyze_json(&[&good(), "--baseline", &good()]);
    let b = &doc["baseline"];
    assert_eq!(b["no_change"], true, "{b}");
    assert!(b["summary"].as_str().unwrap().ends_with("; no change"));
    let text = stdout_of(&["analyze", &seed(), "--baseline", &seed(), "-q"]);
    assert!(text.contains("; no change"), "{text}");
}

#[test]
fn another_suite_is_warned_about() {
    let other = samples_dir().join("errors-urllib3-2.log");
    let out = rca()
        .args(["analyze", &seed(), "--baseline", other.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--baseline: the baseline run shares only 0 of this run's 41 tests"),
        "{err}"
    );
}

#[test]
fn a_missing_baseline_is_one_line_and_exit_2() {
    let out = rca()
        .args(["analyze", &seed(), "--baseline", "/nonexistent/good.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("--baseline /nonexistent/good.log: no such file"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

fn record(history: &str, log: &str, run_id: &str) {
    let out = rca()
        .args([
            "analyze",
            log,
            "--record",
            "--history",
            history,
            "--run-id",
            run_id,
            "-q",
        ])
        .args(["-o", "/dev/null"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_last_passing_run_of_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("h.sqlite");
    let h = h.to_str().unwrap();
    record(h, &good(), "good-night");
    let doc = analyze_json(&[&seed(), "--baseline", "history:last-pass", "--history", h]);
    let b = &doc["baseline"];
    assert_eq!(b["kind"], "history");
    assert_eq!(b["source"], "history:good-night");
    assert_eq!(b["regressed_count"], 18);
    assert_eq!(b["shared_tests"], 41);
    assert!(b["new_signatures"].as_array().unwrap().iter().any(|s| {
        s["signature"]
            .as_str()
            .unwrap()
            .starts_with("connect_timeout|")
    }));
    assert!(b["endpoints"].as_array().unwrap().is_empty());
    assert!(
        b["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("the history keeps no requests per endpoint")
    );
    let schema: Value = serde_json::from_str(&stdout_of(&["schema"])).unwrap();
    let strict = jsonschema::validator_for(&closed(schema)).unwrap();
    let errors: Vec<String> = strict.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // By id, the same run.
    let by_id = analyze_json(&[&seed(), "--baseline", "history:good-night", "--history", h]);
    assert_eq!(by_id["baseline"]["regressed"], b["regressed"]);
}

#[test]
fn a_history_without_a_passing_run_or_with_another_id() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("h.sqlite");
    let h = h.to_str().unwrap();
    record(h, &seed(), "bad-night");
    for (arg, want) in [
        (
            "history:last-pass",
            "has no passing run (1 run(s) recorded)",
        ),
        (
            "history:no-such-run",
            "--baseline history:no-such-run: no run with this id",
        ),
    ] {
        let out = rca()
            .args(["analyze", &seed(), "--baseline", arg, "--history", h])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{arg}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(want), "{err}");
    }
}

#[test]
fn every_baseline_sentence_has_a_hebrew_rendering() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("h.sqlite");
    let h = h.to_str().unwrap();
    record(h, &good(), "good-night");
    let other = samples_dir().join("errors-urllib3-2.log");
    let docs = [
        analyze_json(&[&seed(), "--baseline", &good()]),
        analyze_json(&[&good(), "--baseline", &seed()]),
        analyze_json(&[&seed(), "--baseline", other.to_str().unwrap()]),
        analyze_json(&[&seed(), "--baseline", &seed()]),
        analyze_json(&[&seed(), "--baseline", "history:last-pass", "--history", h]),
    ];
    let mut missing = Vec::new();
    for doc in &docs {
        let b = &doc["baseline"];
        let mut sentences = vec![b["summary"].as_str().unwrap().to_string()];
        let strs = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        sentences.extend(strs(&b["notes"]));
        for e in b["endpoints"].as_array().unwrap() {
            sentences.extend(strs(&e["changes"]));
        }
        for rc in doc["root_causes"].as_array().unwrap() {
            sentences.extend(strs(&rc["verdict"]["evidence"]));
            sentences.extend(strs(&rc["verdict"]["counter_evidence"]));
        }
        for s in sentences {
            if !rca::report::i18n::fully_translated(&s) {
                missing.push(s);
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "untranslated:\n{}", missing.join("\n"));
}
