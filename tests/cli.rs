//! The command line as users meet it: bad inputs, exit codes, --fail-on, signatures and
//! rules, redaction, text output, JUnit merging, CI prefixes and damaged logs.

mod common;

use common::*;
use predicates::prelude::*;
use serde_json::Value;

const SEED: &str = "seed-urllib3-2";

fn sample_path(file: &str) -> String {
    samples_dir().join(file).to_str().unwrap().to_string()
}

fn expect_input_error(args: &[&str], stdin: Option<&[u8]>, message: &str) {
    let mut cmd = rca();
    cmd.args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s.to_vec());
    }
    cmd.assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::starts_with("rca: "))
        .stderr(predicate::str::contains(message))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn bad_inputs_get_one_line_errors_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.log");
    std::fs::write(&empty, b"").unwrap();
    let binary = dir.path().join("core.bin");
    let mut bytes = b"\x7fELF\x02\x01\x01\x00".to_vec();
    bytes.extend((0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8));
    std::fs::write(&binary, &bytes).unwrap();
    // The same bytes without a magic number: judged by their share of odd bytes.
    let noise = dir.path().join("noise.dat");
    std::fs::write(&noise, &bytes[8..]).unwrap();
    let prose = dir.path().join("notes.txt");
    std::fs::write(
        &prose,
        "Shopping list\nmilk\neggs\nThe quick brown fox jumps over the lazy dog.\n".repeat(50),
    )
    .unwrap();
    let p = |x: &std::path::Path| x.to_str().unwrap().to_string();
    expect_input_error(&["analyze", &p(&empty)], None, "empty input");
    expect_input_error(&["analyze", &p(&binary)], None, "ELF executable data");
    expect_input_error(&["analyze", &p(&noise)], None, "binary data");
    expect_input_error(&["analyze", &p(&prose)], None, "not a pytest log");
    expect_input_error(&["analyze", &p(dir.path())], None, "is a directory");
    expect_input_error(&["analyze", "/nonexistent/run.log"], None, "no such file");
    expect_input_error(&["analyze", "-"], Some(b""), "empty input");
    expect_input_error(&["analyze", "-", "-"], Some(b"x"), "only once");
    let log = sample_path(&format!("{SEED}.log"));
    expect_input_error(
        &["analyze", &log, "--fail-on", "nonsense"],
        None,
        "unknown category",
    );
    expect_input_error(
        &["analyze", &log, "--rules", "/nonexistent.toml"],
        None,
        "cannot read rules",
    );
    let gz_garbage = dir.path().join("broken.log.gz");
    std::fs::write(&gz_garbage, b"\x1f\x8b\x08\x00garbage-not-deflate").unwrap();
    let out = rca().args(["analyze", &p(&gz_garbage)]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("rca: "));
}

#[test]
fn usage_errors_exit_2() {
    rca().assert().code(2);
    rca().arg("analyze").assert().code(2);
    rca()
        .args(["analyze", "x.log", "--format", "yaml"])
        .assert()
        .code(2);
    rca()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("analyze"));
    rca()
        .args(["analyze", "--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("Exit codes"));
}

#[test]
fn fail_on_sets_exit_code_1_only_when_found() {
    let log = sample_path(&format!("{SEED}.log"));
    let got = analyze_json(&[&log]);
    let present: Vec<&str> = got["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(present.contains(&"connect_timeout"), "{present:?}");
    assert!(!present.contains(&"dns_failure"), "{present:?}");
    let run = |fail_on: &str| {
        rca()
            .args([
                "analyze",
                &log,
                "--format",
                "json",
                "-q",
                "--fail-on",
                fail_on,
            ])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run("connect_timeout"), Some(1));
    assert_eq!(run("dns_failure"), Some(0));
    assert_eq!(run("dns_failure,pool_full"), Some(1));
    assert_eq!(run("any"), Some(1));
}

#[test]
fn text_output_shows_tables_and_failing_tests() {
    let log = sample_path(&format!("{SEED}.log"));
    let out = rca()
        .args(["analyze", &log, "--format", "text", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let json = analyze_json(&[&log]);
    let failed = json["summary"]["failed"].as_u64().unwrap();
    let total = json["summary"]["total"].as_u64().unwrap();
    assert!(
        text.contains(&format!("{failed} of {total} tests failed")),
        "{text}"
    );
    assert!(text.contains("Failure categories"));
    for t in json["tests"].as_array().unwrap() {
        if t["outcome"] == "failed" {
            let name = t["nodeid"].as_str().unwrap();
            assert!(text.contains(name), "{name} missing from text output");
        }
    }
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let log = sample_path(&format!("{SEED}.log"));
    rca()
        .args([
            "analyze",
            &log,
            "--format",
            "json",
            "-q",
            "-o",
            out.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["schema_version"], 1);
}

#[test]
fn signatures_are_listed_and_user_rules_classify() {
    rca()
        .arg("signatures")
        .assert()
        .success()
        .stdout(predicate::str::contains("urllib3-pool-full"))
        .stdout(predicate::str::contains("pool_full"));
    let out = rca()
        .args(["signatures", "--format", "json"])
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(list.as_array().unwrap().len() >= 30);

    // A team rule for a line the built-ins leave alone: the app's "N/M jobs failed" assertion.
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        r#"
[[signature]]
id = "team-all-jobs-failed"
category = "request_timeout"
description = "every job of a load step failed"
priority = 10
literals = ["jobs failed"]
patterns = ['(?P<n>\d+)/(?P=n) jobs failed']
match = ["AssertionError: 10/10 jobs failed"]
"#,
    )
    .unwrap();
    // Back-references are not supported by the regex engine: a clear error, exit 2.
    expect_input_error(
        &["signatures", "--rules", rules.to_str().unwrap()],
        None,
        "bad pattern",
    );
    std::fs::write(
        &rules,
        r#"
[[signature]]
id = "team-jobs-failed"
category = "http_error"
description = "a load step reported failed jobs"
priority = 10
literals = ["jobs failed"]
patterns = ['\d+/\d+ jobs failed']
match = ["AssertionError: 10/10 jobs failed"]
no_match = ["0 jobs pending"]
"#,
    )
    .unwrap();
    rca()
        .args(["signatures", "--rules", rules.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("team-jobs-failed"));
    let log = sample_path(&format!("{SEED}.log"));
    let text = String::from_utf8(sample_bytes(&format!("{SEED}.log"))).unwrap();
    let with_rules = analyze_json(&[&log, "--rules", rules.to_str().unwrap()]);
    let rule_events: u64 = with_rules["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["signature"] == "team-jobs-failed")
        .map(|e| e["count"].as_u64().unwrap())
        .sum();
    let mentions = text.lines().filter(|l| l.contains("jobs failed")).count();
    assert!(mentions > 0, "the seed sample has 'jobs failed' lines");
    assert!(rule_events > 0, "the user rule produced events");
}

#[test]
fn junit_xml_alone_and_merged_with_the_log() {
    let log = sample_path(&format!("{SEED}.log"));
    let xml = sample_path(&format!("{SEED}.junit.xml"));
    let alone = analyze_json(&[&xml]);
    let merged = analyze_json(&[&log, &xml]);
    let log_only = analyze_json(&[&log]);
    for k in ["total", "passed", "failed", "errors", "skipped"] {
        assert_eq!(alone["summary"][k], log_only["summary"][k], "{k}");
        assert_eq!(merged["summary"][k], log_only["summary"][k], "{k}");
    }
    assert_eq!(merged["summary"]["counted_from"], "junit");
    let tests = merged["tests"].as_array().unwrap();
    assert_eq!(
        tests.len() as u64,
        log_only["summary"]["total"].as_u64().unwrap()
    );
    assert!(tests.iter().all(|t| t["outcome_source"] == "junit"));
    assert!(tests.iter().all(|t| t["duration_s"].is_number()));
    // Evidence still comes from the log.
    let m = outcomes(&merged);
    for (id, (outcome, cats)) in outcomes(&log_only) {
        assert_eq!(m[&id].0, outcome, "{id}");
        assert_eq!(m[&id].1, cats, "{id}");
    }
    assert!(
        merged["warnings"].as_array().unwrap().is_empty(),
        "{}",
        merged["warnings"]
    );
    // Log + XML never counts more than the log alone, category by category.
    let events = |v: &Value| -> Vec<(String, u64)> {
        v["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_string(),
                    c["events"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(events(&merged), events(&log_only));
    // The XML alone names what its failure texts show (this run wrote no captured logs
    // into it, so tests that failed on an assertion show nothing); never more than the log.
    let a = outcomes(&alone);
    let mut named = 0;
    for (id, (outcome, cats)) in outcomes(&log_only) {
        let (o, c) = &a[&id];
        assert_eq!(o, &outcome, "{id}");
        assert!(
            c.iter().all(|x| cats.contains(x)),
            "{id}: {c:?} vs {cats:?}"
        );
        named += usize::from(!c.is_empty());
    }
    assert!(named >= 6, "only {named} tests got categories from the XML");
    assert!(alone["metadata"]["hostnames"].is_array());
}

#[test]
fn ci_runner_prefixes_do_not_change_the_analysis() {
    let raw = String::from_utf8_lossy(&sample_bytes(&format!("{SEED}.log"))).into_owned();
    let baseline = outcomes(&analyze_json(&[&sample_path(&format!("{SEED}.log"))]));
    let dir = tempfile::tempdir().unwrap();
    type Prefix = fn(usize) -> String;
    let prefixes: [(&str, Prefix); 3] = [
        ("github", |i| {
            format!("2026-11-27T07:55:{:02}.{:07}Z ", i % 60, i)
        }),
        ("build-clock", |i| format!("[{:>4}s] ", i / 10)),
        ("jenkins", |i| {
            format!("[2026-11-27T07:55:{:02}.123Z] ", i % 60)
        }),
    ];
    for (name, prefix) in prefixes {
        let wrapped: String = raw
            .lines()
            .enumerate()
            .map(|(i, l)| format!("{}{l}\n", prefix(i)))
            .collect();
        let path = dir.path().join(format!("{name}.log"));
        std::fs::write(&path, wrapped).unwrap();
        let got = analyze_json(&[path.to_str().unwrap()]);
        assert_eq!(
            outcomes(&got),
            baseline,
            "{name} prefixes changed the analysis"
        );
    }
}

#[test]
fn truncated_log_yields_partial_results_with_a_warning() {
    let raw = sample_bytes(&format!("{SEED}.log"));
    let full = analyze_json(&[&sample_path(&format!("{SEED}.log"))]);
    let dir = tempfile::tempdir().unwrap();
    // Cut in the middle of a line, about halfway through the run.
    let mut cut = raw.len() / 3;
    while raw[cut] == b'\n' {
        cut += 1;
    }
    let path = dir.path().join("cut.log");
    std::fs::write(&path, &raw[..cut]).unwrap();
    let out = rca()
        .args(["analyze", path.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rca: warning:"), "{stderr}");
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings = got["warnings"].to_string();
    assert!(warnings.contains("truncated"), "{warnings}");
    let got_tests = outcomes(&got);
    assert!(!got_tests.is_empty());
    assert!(got_tests.len() < outcomes(&full).len());
    // What was read completely agrees with the full log.
    let full_tests = outcomes(&full);
    for (id, (outcome, _)) in &got_tests {
        if outcome != "unknown" {
            assert_eq!(&full_tests[id].0, outcome, "{id}");
        }
    }
}

#[test]
fn invalid_utf8_is_read_lossily_with_exact_line_numbers() {
    let raw = sample_bytes(&format!("{SEED}.log"));
    let mut damaged = Vec::with_capacity(raw.len() + 1000);
    // Invalid bytes inside log records' messages (as a binary response body would put there).
    let mut touched = 0;
    for line in raw.split_inclusive(|b| *b == b'\n') {
        match line.windows(2).position(|w| w == b"] ") {
            Some(i) if line.starts_with(b"20") => {
                damaged.extend_from_slice(&line[..i + 2]);
                damaged.extend_from_slice(b"\xff\xfe\xc3 ");
                damaged.extend_from_slice(&line[i + 2..]);
                touched += 1;
            }
            _ => damaged.extend_from_slice(line),
        }
    }
    assert!(touched > 100);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.log");
    std::fs::write(&path, damaged).unwrap();
    let a = analyze_json(&[&sample_path(&format!("{SEED}.log"))]);
    let b = analyze_json(&[path.to_str().unwrap()]);
    assert_eq!(outcomes(&a), outcomes(&b));
    let lines = |v: &Value| -> Vec<Value> {
        v["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["locations"].clone())
            .collect()
    };
    assert_eq!(lines(&a), lines(&b));
}

#[test]
fn secrets_are_redacted_unless_asked_not_to() {
    let raw = String::from_utf8_lossy(&sample_bytes(&format!("{SEED}.log"))).into_owned();
    let secret = "tok_3f9a8b7c6d5e4f30";
    let leaky = raw.replace(
        "/focus-server/configure",
        &format!("/focus-server/configure?token={secret}&api_key=AKIAIOSFODNN7EXAMPLE"),
    );
    assert_ne!(leaky, raw);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leaky.log");
    std::fs::write(&path, leaky).unwrap();
    let p = path.to_str().unwrap();
    for format in ["json", "text"] {
        let out = rca()
            .args(["analyze", p, "--format", format, "-q"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(secret), "{format} output leaks the token");
        assert!(
            !text.contains("AKIAIOSFODNN7EXAMPLE"),
            "{format} output leaks the key"
        );
    }
    let out = rca()
        .args(["analyze", p, "--format", "json", "-q", "--no-redact"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(secret));
}

#[test]
fn markdown_report_has_the_postmortem_sections() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rca.md");
    let log = sample_path(&format!("{SEED}.log"));
    rca()
        .args([
            "analyze",
            &log,
            "-q",
            "-o",
            out.to_str().unwrap(),
            "--title",
            "Nightly run",
        ])
        .assert()
        .success();
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.starts_with("# Nightly run\n"), "{}", &md[..80]);
    for section in [
        "## Summary",
        "## Impact",
        "## Failing tests",
        "## Root causes",
        "### RC1",
        "**Verdict:**",
        "**Cross-checks**",
        "## Recommendations",
        "## Timeline",
        "## Appendix: evidence",
    ] {
        assert!(md.contains(section), "missing {section}");
    }
    assert!(md.contains("18 of 41 tests failed → 3 root causes"));
    assert!(
        md.contains("pool_maxsize=50"),
        "recommendation code uses the evidence"
    );
    // The same report goes to the GitHub step summary when asked.
    let summary = dir.path().join("summary.md");
    rca()
        .args([
            "analyze",
            &log,
            "-q",
            "--format",
            "json",
            "--github-summary",
        ])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap()
            .contains("## Root causes")
    );
    // -o report.html picks the HTML report from the extension.
    let html = dir.path().join("r.html");
    rca()
        .args(["analyze", &log, "-q", "-o", html.to_str().unwrap()])
        .assert()
        .success();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    for section in [
        "id=\"summary\"",
        "id=\"root-causes\"",
        "id=\"recommendations\"",
        "<svg",
    ] {
        assert!(page.contains(section), "html lacks {section}");
    }
    assert!(!page.contains("<script"), "the report needs no scripts");
}

#[test]
fn markdown_escapes_log_text_and_redacts_secrets() {
    let raw = String::from_utf8_lossy(&sample_bytes(&format!("{SEED}.log"))).into_owned();
    let hostile = raw
        .replace(
            "test_heavy_config_concurrent",
            "test_heavy_config_concurrent[<script>alert(1)</script>|x]",
        )
        .replace(
            "/focus-server/configure",
            "/focus-server/configure?token=tok_9f8e7d6c5b4a3210",
        );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.log");
    std::fs::write(&path, hostile).unwrap();
    let out = rca()
        .args(["analyze", path.to_str().unwrap(), "--format", "md", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("`tests/load/test_job_capacity.py::test_heavy_config_concurrent[<script>alert(1)</script>\\|x]`"),
        "test names are code spans, shown as they are"
    );
    assert!(
        !outside_code(&md).contains("<script>"),
        "no raw HTML outside code spans and blocks"
    );
    assert!(!md.contains("tok_9f8e7d6c5b4a3210"), "token redacted");
    let out = rca()
        .args(["analyze", path.to_str().unwrap(), "--format", "html", "-q"])
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(!html.contains("<script"), "payload escaped in HTML");
    assert!(html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"));
    assert!(
        !html.contains("tok_9f8e7d6c5b4a3210"),
        "token redacted in HTML"
    );
}

/// Issue 9 §5: a rules file is held to the built-ins' standard when it loads, and
/// `rca signatures --rules FILE --check` reports every failing example for a team's CI.
#[test]
fn user_rules_examples_are_checked_on_load_and_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    let good = r#"
[[signature]]
id = "team-upstream-gave-up"
category = "http_error"
description = "the gateway gave up on an upstream"
literals = ["upstream gave up"]
patterns = ['upstream gave up with (?P<status>\d{3})']
match = ["ERROR gateway: upstream gave up with 502"]
no_match = ["INFO gateway: upstream gave up waiting, retrying"]
"#;
    std::fs::write(&rules, good).unwrap();
    let path = rules.to_str().unwrap();
    rca()
        .args(["signatures", "--rules", path, "--check"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "1 rule(s), 2 example(s) checked: all hold",
        ));
    // A broken example: analyze refuses the file in one line naming the rule and example.
    let bad = good.replace(
        r#"match = ["ERROR gateway: upstream gave up with 502"]"#,
        r#"match = ["ERROR gateway: upstream gave up with 502", "ERROR gateway: upstream gave up"]"#,
    );
    std::fs::write(&rules, &bad).unwrap();
    let log = sample_path(&format!("{SEED}.log"));
    expect_input_error(
        &["analyze", &log, "--rules", path],
        None,
        "team-upstream-gave-up: example not matched: ERROR gateway: upstream gave up",
    );
    let out = rca()
        .args(["signatures", "--rules", path, "--check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("example not matched"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 failed"));
    // --check needs a rules file.
    rca().args(["signatures", "--check"]).assert().code(2);
}
