//! The recommendations, checklist and report formats on the real samples (issue 11 §2, §4):
//! "before" values taken from the run, one consolidated client configuration, an in-flight
//! limit below the concurrency that failed, no suite-specific names from the catalogue, the
//! checklist in every format, no HTML entities inside Markdown code, the right-to-left
//! wrapper, and the baseline rule said out loud.

mod common;

use common::*;
use serde_json::Value;

fn report(sample: &str, format: &str, extra: &[&str]) -> String {
    let out = rca()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "analyze",
            &format!("samples/{sample}.log"),
            "--format",
            format,
            "--quiet",
        ])
        .args(extra)
        .output()
        .expect("rca runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 report")
}

fn json(sample: &str) -> Value {
    analyze_json(&[&samples_dir()
        .join(format!("{sample}.log"))
        .to_string_lossy()])
}

#[test]
fn before_values_come_from_the_run() {
    let v = json("seed-urllib3-2");
    let config = recommendation(&v, "client-configuration");
    let before = config["before"].as_str().unwrap();
    // The first Retrying line shows total=2: the client was built with total=3.
    assert!(
        before.contains("Retry(total=3, backoff_factor=0.1)"),
        "{before}"
    );
    assert!(
        before.contains("(L12)"),
        "the line it was read from: {before}"
    );
    assert!(before.contains("pool_maxsize=10"), "{before}");
    assert!(before.contains("timeout = (0.5, None)"), "{before}");
    assert!(before.contains("inferred"), "{before}");
    // Never a canned value that contradicts the run.
    for r in v["recommendations"].as_array().unwrap() {
        let b = r["before"].as_str().unwrap();
        assert!(!b.contains("backoff_factor=1.0"), "{}: {b}", r["id"]);
        assert!(!b.contains("total=4"), "{}: {b}", r["id"]);
    }
    let settings = config["settings"].as_array().unwrap();
    let backoff = settings
        .iter()
        .find(|s| s["name"] == "backoff_factor")
        .unwrap();
    assert_eq!(backoff["before"], "~0.1");
    assert_eq!(backoff["after"], "1.0");
    assert!(
        settings
            .iter()
            .all(|s| !s["reason"].as_str().unwrap().is_empty()),
        "every line has its reason"
    );
}

#[test]
fn one_consolidated_client_configuration() {
    for sample in ["seed-urllib3-2", "seed-urllib3-1.26", "errors-urllib3-2"] {
        let md = report(sample, "md", &[]);
        let recs = &md[md.find("## Recommendations").unwrap()..];
        let recs = &recs[..recs.find("## Checklist").unwrap_or(recs.len())];
        // The Before block shows the run's Retry; the After block is the only other one.
        assert_eq!(
            recs.matches("Retry(").count() - recs.matches("retry = Retry(").count(),
            1,
            "{sample}: more than one Retry(...) to paste:\n{recs}"
        );
        assert_eq!(recs.matches("def make_session").count(), 1, "{sample}");
        assert!(
            recs.contains("| setting |"),
            "{sample}: no reasons per line"
        );
        // The settings entries are not repeated as blocks of their own.
        assert!(
            !recs.contains(
                "Retry with exponential backoff and jitter, on connect and read errors\n"
            ),
            "{sample}"
        );
    }
    let v = json("seed-urllib3-2");
    let parts: Vec<&Value> = v["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["part_of"] == "client-configuration")
        .collect();
    assert!(parts.len() >= 3, "{parts:?}");
    assert_eq!(v["recommendations"][0]["id"], "client-configuration");
}

#[test]
fn the_semaphore_limits_below_the_concurrency_that_failed() {
    let v = json("seed-urllib3-2");
    let concurrency = v["observed_concurrency"].as_u64().unwrap();
    let after = recommendation(&v, "rate-limit-load-tests")["after"]
        .as_str()
        .unwrap()
        .to_string();
    let line = after
        .lines()
        .find(|l| l.starts_with("MAX_IN_FLIGHT = "))
        .unwrap_or_else(|| panic!("no limit: {after}"));
    let limit: u64 = line["MAX_IN_FLIGHT = ".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(limit < concurrency, "{limit} >= {concurrency}: {after}");
    assert!(after.contains("BoundedSemaphore(MAX_IN_FLIGHT)"), "{after}");
    // Derived from the run's load levels (the capacity estimate): errors started at 20,
    // the level of 10 passed.
    assert_eq!(limit, 10, "{line}");
    assert!(
        line.contains("the log's load levels: errors from concurrency 20, 10 passed"),
        "{line}"
    );
}

#[test]
fn the_catalogue_names_nothing_the_log_does_not() {
    for sample in [
        "errors-urllib3-2",
        "httpx",
        "dns-urllib3-2",
        "ratelimit-urllib3-2",
    ] {
        let log = std::fs::read_to_string(samples_dir().join(format!("{sample}.log"))).unwrap();
        let md = report(sample, "md", &[]);
        for word in ["focus-server", "TokenManager", "/configure"] {
            if !log.contains(word) {
                assert!(!md.contains(word), "{sample}: {word} is not in the log");
            }
        }
    }
}

#[test]
fn the_checklist_is_in_every_format() {
    let v = json("seed-urllib3-2");
    let items = v["checklist"].as_array().unwrap();
    assert!(items.iter().any(|i| i["owner"] == "client_code"));
    assert!(items.iter().any(|i| i["owner"] == "platform_team"));
    for i in items {
        assert!(!i["text"].as_str().unwrap().contains('\n'), "{i}");
        assert!(!i["root_causes"].as_array().unwrap().is_empty(), "{i}");
        assert!(["now", "next", "later"].contains(&i["priority"].as_str().unwrap()));
    }
    let md = report("seed-urllib3-2", "md", &[]);
    let list = &md[md.find("## Checklist").expect("Markdown checklist")..];
    assert!(list.contains("**Client code**") && list.contains("**Platform team**"));
    assert_eq!(
        list.lines().filter(|l| l.starts_with("- [ ] ")).count(),
        items.len()
    );
    let html = report("seed-urllib3-2", "html", &[]);
    assert!(html.contains("<h2 id=\"checklist\">"), "HTML checklist");
    assert_eq!(
        html.matches("<li><span class=\"box\"></span>").count(),
        items.len()
    );
}

/// Markdown as GitHub renders it.
fn gfm(md: &str) -> String {
    let mut o = comrak::Options::default();
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.render.r#unsafe = true;
    comrak::markdown_to_html(md, &o)
}

/// The text of every `<code>` element, entities as comrak wrote them.
fn code_texts(html: &str) -> Vec<String> {
    html.split("<code")
        .skip(1)
        .filter_map(|s| {
            let s = &s[s.find('>')? + 1..];
            Some(s[..s.find("</code>")?].to_string())
        })
        .collect()
}

#[test]
fn markdown_code_has_no_entities_and_log_text_stays_inert() {
    for sample in [
        "seed-urllib3-2",
        "errors-urllib3-2",
        "httpx",
        "debug-urllib3-2",
    ] {
        let html = gfm(&report(sample, "md", &[]));
        for code in code_texts(&html) {
            // A `&lt;` in the Markdown source shows up as `&amp;lt;` once rendered.
            for entity in ["&amp;lt;", "&amp;gt;", "&amp;amp;", "&amp;#"] {
                assert!(
                    !code.contains(entity),
                    "{sample}: {entity} in <code>{code}</code>"
                );
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let id = "a`b<i>x</i>&c|d";
    let log = dir.path().join("run.log");
    std::fs::write(
        &log,
        format!(
            "============================= test session starts ==============================
collected 2 items

tests/test_ui.py::test_call[{id}] FAILED                                 [ 50%]
tests/test_ui.py::test_ok PASSED                                         [100%]

=================================== FAILURES ===================================
_______________________________ test_call[{id}] ________________________________
E   requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='api.example', port=443): Max retries exceeded with url: /v1/items (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f00>, 'Connection to api.example timed out. (connect timeout=5)'))
=========================== short test summary info ============================
FAILED tests/test_ui.py::test_call[{id}] - requests.exceptions.ConnectTimeout: boom
========================= 1 failed, 1 passed in 5.12s ==========================
"
        ),
    )
    .unwrap();
    let out = rca()
        .args(["analyze", log.to_str().unwrap(), "-f", "md", "-q"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    let html = gfm(&md);
    assert!(!html.contains("<i>x</i>"), "raw HTML from the log:\n{html}");
    let shown = "tests/test_ui.py::test_call[a`b&lt;i&gt;x&lt;/i&gt;&amp;c|d]";
    assert!(
        code_texts(&html).iter().any(|c| c == shown),
        "the test id is not one code span showing the log's text:\n{md}"
    );
}

#[test]
fn long_evidence_lines_are_cut_at_the_exception() {
    let md = report("seed-urllib3-2", "md", &[]);
    let line = md
        .lines()
        .find(|l| l.contains("×50") && l.contains("Caused by ResponseError"))
        .expect("the 503 evidence line");
    assert!(line.chars().count() < 190, "{line}");
    assert!(
        line.ends_with("(Caused by ResponseError('too many 503 error responses'))"),
        "{line}"
    );
}

#[test]
fn hebrew_markdown_is_wrapped_right_to_left() {
    let md = report("seed-urllib3-2", "md", &["--lang", "he"]);
    assert!(md.starts_with("<div dir=\"rtl\">\n\n# "), "{}", &md[..60]);
    assert!(md.ends_with("\n\n</div>\n"));
    let html = gfm(&md);
    assert!(
        html.contains("<h1>"),
        "the Markdown inside the div is rendered"
    );
    assert!(!report("seed-urllib3-2", "md", &[]).contains("dir=\"rtl\""));
}

#[test]
fn hebrew_html_translates_its_strings_and_uses_no_emoji() {
    let html = report("seed-urllib3-2", "html", &["--lang", "he"]);
    for emoji in ['🔴', '🟠', '🟡'] {
        assert!(!html.contains(emoji), "{emoji} needs an emoji font");
    }
    for english in [
        "events per category over time",
        " events)",
        "event(s) from",
        ">Checklist<",
        ">setting<",
    ] {
        assert!(!html.contains(english), "untranslated: {english}");
    }
    assert!(html.contains("<span class=\"chip\"></span>"));
    // The reasons of the client configuration are translated too.
    for english in [
        "connections for up to",
        "the run's total kept",
        "so backoff_factor was about",
        "): kept",
    ] {
        assert!(!html.contains(english), "untranslated reason: {english}");
    }
    assert!(html.contains("רשימת משימות"));
}

#[test]
fn the_baseline_rule_is_said_and_can_be_named() {
    let v = json("errors-urllib3-2");
    let checks: Vec<&str> = v["root_causes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|rc| rc["cross_checks"].as_array().unwrap())
        .filter(|c| c["id"] == "baseline_vs_load")
        .map(|c| c["statement"].as_str().unwrap())
        .collect();
    assert!(!checks.is_empty(), "silence when no baseline was found");
    assert!(checks[0].starts_with("no single-request baseline test was found"));
    assert!(checks[0].contains("baseline, single or smoke"));
    // A project's own pattern replaces the words.
    let log = samples_dir().join("seed-urllib3-2.log");
    let v = analyze_json(&[
        &log.to_string_lossy(),
        "--baseline-tests",
        "::test_job_creation_time$",
    ]);
    let rc1 = &v["root_causes"][0];
    let check = rc1["cross_checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "baseline_vs_load")
        .unwrap();
    let s = check["statement"].as_str().unwrap();
    assert!(s.contains("(test_job_creation_time)"), "{s}");
    assert!(!s.contains("test_single_job_baseline"), "{s}");
    assert!(
        s.contains("--baseline-tests '::test_job_creation_time$'"),
        "{s}"
    );
    rca()
        .args(["analyze", &log.to_string_lossy(), "--baseline-tests", "("])
        .assert()
        .code(2);
}
