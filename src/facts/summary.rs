//! The run's outcome totals: what the tests found show, what pytest's final line and the
//! JUnit XML say, reconciled with a warning where they disagree. It does not count
//! events (`categories.rs`) nor describe tests (`per_test.rs`).

use super::*;

/// Epoch seconds of a JUnit `timestamp`: RFC 3339 with an offset (pytest >= 7), or a naive
/// `YYYY-MM-DDTHH:MM:SS[.ffffff]` (older pytest, local time, read as UTC).
pub(crate) fn junit_epoch(ts: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(ts)
        .map(|t| t.timestamp())
        .ok()
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(ts, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc().timestamp())
        })
}

/// The XML's own outcome counts and duration, when any JUnit XML was given (the cases
/// themselves were merged into the tests by the collector).
pub(crate) fn junit_summary(runs: &[JunitRun]) -> Option<Summary> {
    if runs.is_empty() {
        return None;
    }
    let mut s = Summary {
        counted_from: "junit",
        ..Summary::default()
    };
    for run in runs {
        if let Some(t) = run.time_s {
            s.duration_s = Some(s.duration_s.unwrap_or(0.0) + t);
        }
        for case in &run.cases {
            bump(&mut s, case.outcome, 1);
        }
    }
    s.total = s.passed + s.failed + s.errors + s.skipped + s.xfailed + s.xpassed;
    Some(s)
}

pub(crate) fn bump(s: &mut Summary, o: Outcome, n: u64) {
    let slot = match o {
        Outcome::Passed => &mut s.passed,
        Outcome::Failed => &mut s.failed,
        Outcome::Error => &mut s.errors,
        Outcome::Skipped => &mut s.skipped,
        Outcome::Xfailed => &mut s.xfailed,
        Outcome::Xpassed => &mut s.xpassed,
    };
    *slot += n;
}

pub(crate) fn summarise(
    c: &Collected,
    junit: Option<Summary>,
    tests: &[TestReport],
    warnings: &mut Vec<String>,
) -> Summary {
    let mut found = Summary {
        counted_from: "tests_found",
        ..Summary::default()
    };
    for t in &c.tests {
        if let Some(o) = t.outcome {
            bump(&mut found, o, t.multiplicity.max(1));
        }
        if t.teardown_error {
            found.errors += 1;
        }
    }
    found.total =
        found.passed + found.failed + found.errors + found.skipped + found.xfailed + found.xpassed;
    let tests_found = tests.len() as u64;
    let unknown = tests.iter().filter(|t| t.outcome == "unknown").count();
    if unknown > 0 {
        warnings.push(format!(
            "{unknown} test(s) started but have no outcome in the log (cut off?)"
        ));
    }
    let mut summary = if let Some(j) = junit {
        j
    } else if let Some(f) = &c.final_counts {
        let pytest = from_final(f);
        reconcile(&found, &pytest, c.verbose_results, warnings);
        pytest
    } else {
        if c.saw_session_start {
            warnings.push(
                "no final pytest summary line (\"N failed, M passed in Ts\"): the log looks truncated; counts are from the tests found".to_string(),
            );
        }
        found
    };
    summary.tests_found = tests_found;
    if summary.duration_s.is_none() {
        summary.duration_s = c.final_counts.as_ref().and_then(|f| f.duration_s);
    }
    summary
}

pub(crate) fn from_final(f: &FinalCounts) -> Summary {
    Summary {
        total: f.passed + f.failed + f.errors + f.skipped + f.xfailed + f.xpassed,
        passed: f.passed,
        failed: f.failed,
        errors: f.errors,
        skipped: f.skipped,
        xfailed: f.xfailed,
        xpassed: f.xpassed,
        counted_from: "pytest_final_line",
        tests_found: 0,
        duration_s: f.duration_s,
        started_s: None,
    }
}

/// Compares the tests found with pytest's own counts and explains any difference.
pub(crate) fn reconcile(
    found: &Summary,
    pytest: &Summary,
    verbose: bool,
    warnings: &mut Vec<String>,
) {
    let pairs = [
        ("failed", found.failed, pytest.failed),
        ("errors", found.errors, pytest.errors),
        ("passed", found.passed, pytest.passed),
        ("skipped", found.skipped, pytest.skipped),
        ("xfailed", found.xfailed, pytest.xfailed),
        ("xpassed", found.xpassed, pytest.xpassed),
    ];
    let differing: Vec<String> = pairs
        .iter()
        .filter(|(name, f, p)| f != p && (verbose || matches!(*name, "failed" | "errors") || f > p))
        .map(|(name, f, p)| format!("{name}: {f} found vs {p} reported"))
        .collect();
    if !differing.is_empty() {
        warnings.push(format!(
            "test counts do not reconcile with pytest's final line ({}); the log may be incomplete or interleaved",
            differing.join(", ")
        ));
    } else if !verbose && found.total < pytest.total {
        warnings.push(format!(
            "{} of {} tests are named in the log (non-verbose run: passing tests are only counted); counts are pytest's",
            found.total, pytest.total
        ));
    }
}
