//! The capacity knee estimated from the log itself: the load levels the tests ran at
//! (parametrised levels such as `test_load[20]`, "N/N jobs" counts in failure messages), the
//! outcome at each level, and the JUnit durations when there are any, give the concurrency at
//! which errors start (or latency climbs), the last level that kept up, how that was derived
//! and how sure it is. Owns the estimate only: the verdicts, the in-flight recommendation and
//! the re-probe comparison read it; printers show it.
//!
//! A parametrised series (one test function at two or more levels) is the cleanest evidence
//! and is used when there is one; otherwise every test with a level counts. Linear in the
//! number of tests.

use crate::diagnose::{Confidence, param_concurrency};
use crate::facts::{RunFacts, TestReport};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Test names listed per level.
const NAMES_PER_LEVEL: usize = 3;
/// Levels named in `derived_from` before the middle ones are elided.
const LISTED_LEVELS: usize = 12;
/// A level's duration this many times the lowest level's marks a latency knee...
const LATENCY_FACTOR: f64 = 3.0;
/// ...when it also grew by at least this many seconds.
const LATENCY_FLOOR_S: f64 = 1.0;

/// Where the server stops keeping up, as the log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CapacityEstimate {
    /// Lowest load level at which errors start (or latency climbs); `None` when every level
    /// kept up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub knee: Option<u32>,
    /// Highest level below the knee at which every test passed (with no knee: the highest
    /// level that passed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_good: Option<u32>,
    /// `errors` or `latency` (what marks the knee); absent without a knee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// `parametrised_levels` (one test function at several levels) or `test_levels` (every
    /// test with a level, from parameters and "N/N jobs" messages).
    pub basis: &'static str,
    /// How it was derived, in words ("the parametrised levels of test_load (1, 2, 5)").
    pub derived_from: String,
    /// `high`, `medium` or `low`.
    pub confidence: Confidence,
    /// The estimate in one sentence.
    pub statement: String,
    /// Outcomes per level, lowest first.
    pub levels: Vec<LevelRow>,
    /// The estimate against the re-probe's knee (`rca analyze --probe --ramp`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reprobe: Option<String>,
    /// Node ids of the tests that failed at or above the knee (for the verdicts).
    #[serde(skip)]
    pub failing_tests: Vec<String>,
}

/// The tests at one load level.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LevelRow {
    /// Concurrency.
    pub concurrency: u32,
    /// Tests that passed at it.
    pub passed: u32,
    /// Tests that failed or errored at it.
    pub failed: u32,
    /// Longest JUnit duration at this level, in seconds (absent without JUnit times).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    /// The first few tests at this level.
    pub tests: Vec<String>,
}

impl LevelRow {
    fn failing(&self) -> bool {
        self.failed > 0
    }
    fn clean(&self) -> bool {
        self.failed == 0 && self.passed > 0
    }
}

/// One test that ran at a level and has a pass/fail outcome.
struct Point<'a> {
    level: u32,
    test: &'a TestReport,
    failed: bool,
}

/// Estimates the knee from the run's tests, `concurrency` holding each test's
/// [`test_concurrency`](crate::diagnose::test_concurrency) (read once by the caller); `None` when no test shows a load level.
pub fn estimate(a: &RunFacts, concurrency: &[Option<u32>]) -> Option<CapacityEstimate> {
    let decided = |t: &&TestReport| matches!(t.outcome.as_str(), "passed" | "failed" | "error");
    // The parametrised series with the most levels, first in the log on a tie.
    let mut series: HashMap<&str, (usize, Vec<Point<'_>>)> = HashMap::new();
    for (i, t) in a.tests.iter().filter(decided).enumerate() {
        if let Some(level) = param_concurrency(t) {
            let base = t.name.split('[').next().unwrap_or(&t.name);
            let entry = series.entry(base).or_insert_with(|| (i, Vec::new()));
            entry.1.push(point(level, t));
        }
    }
    let best = series
        .into_iter()
        .filter(|(_, (_, pts))| distinct_levels(pts) >= 2)
        .max_by(|x, y| {
            distinct_levels(&x.1.1)
                .cmp(&distinct_levels(&y.1.1))
                .then(y.1.0.cmp(&x.1.0))
        });
    let (basis, derived_from, points) = match best {
        Some((base, (_, pts))) => {
            let levels = level_list(&pts);
            (
                "parametrised_levels",
                format!("the parametrised levels of {base} ({levels})"),
                pts,
            )
        }
        None => {
            let pts: Vec<Point<'_>> = a
                .tests
                .iter()
                .zip(concurrency)
                .filter(|(t, _)| decided(t))
                .filter_map(|(t, c)| c.map(|c| point(c, t)))
                .collect();
            if pts.is_empty() {
                return None;
            }
            let n = pts.len();
            let levels = level_list(&pts);
            (
                "test_levels",
                format!(
                    "the load levels of {n} test(s) ({levels}), from their parameters and \"N/N jobs\" messages"
                ),
                pts,
            )
        }
    };
    let subject = match basis {
        "parametrised_levels" => points[0]
            .test
            .name
            .split('[')
            .next()
            .unwrap_or_default()
            .to_string(),
        _ => "the tests with a load level".to_string(),
    };
    Some(judge(basis, derived_from, &subject, &points))
}

fn point(level: u32, t: &TestReport) -> Point<'_> {
    Point {
        level,
        test: t,
        failed: t.outcome != "passed",
    }
}

fn distinct_levels(points: &[Point<'_>]) -> usize {
    let mut v: Vec<u32> = points.iter().map(|p| p.level).collect();
    v.sort_unstable();
    v.dedup();
    v.len()
}

/// The distinct levels, lowest first; past [`LISTED_LEVELS`] the middle ones are elided
/// ("1, 2, 3, 4, 5, 6, …, 98, 99, 100 (100 levels)").
fn level_list(points: &[Point<'_>]) -> String {
    let mut v: Vec<u32> = points.iter().map(|p| p.level).collect();
    v.sort_unstable();
    v.dedup();
    let words: Vec<String> = v.iter().map(u32::to_string).collect();
    if words.len() <= LISTED_LEVELS {
        return words.join(", ");
    }
    format!(
        "{}, …, {} ({} levels)",
        words[..6].join(", "),
        words[words.len() - 3..].join(", "),
        words.len()
    )
}

/// The per-level table, lowest level first.
fn table(points: &[Point<'_>]) -> Vec<LevelRow> {
    let mut by_level: BTreeMap<u32, LevelRow> = BTreeMap::new();
    for p in points {
        let row = by_level.entry(p.level).or_insert_with(|| LevelRow {
            concurrency: p.level,
            passed: 0,
            failed: 0,
            duration_s: None,
            tests: Vec::new(),
        });
        if p.failed {
            row.failed += 1;
        } else {
            row.passed += 1;
        }
        if let Some(d) = p.test.duration_s {
            row.duration_s = Some(row.duration_s.map_or(d, |m: f64| m.max(d)));
        }
        if row.tests.len() < NAMES_PER_LEVEL {
            row.tests.push(p.test.name.clone());
        }
    }
    by_level.into_values().collect()
}

/// The knee, the last good level and the confidence from the table.
fn judge(
    basis: &'static str,
    derived_from: String,
    subject: &str,
    points: &[Point<'_>],
) -> CapacityEstimate {
    let levels = table(points);
    let error_knee = levels.iter().position(LevelRow::failing);
    let (knee_at, reason) = match error_knee {
        Some(i) => (Some(i), Some("errors")),
        None => match latency_knee(&levels) {
            Some(i) => (Some(i), Some("latency")),
            None => (None, None),
        },
    };
    let below = knee_at.unwrap_or(levels.len());
    let last_good = levels[..below]
        .iter()
        .rev()
        .find(|r| r.clean())
        .map(|r| r.concurrency);
    // A level above the knee where every test passed contradicts it.
    let passed_above: Option<u32> = knee_at.and_then(|i| {
        levels[i + 1..]
            .iter()
            .filter(|r| r.clean())
            .map(|r| r.concurrency)
            .max()
    });
    let mixed = levels.iter().any(|r| r.passed > 0 && r.failed > 0);
    let knee = knee_at.map(|i| levels[i].concurrency);
    let confidence = match (knee, last_good) {
        _ if passed_above.is_some() || levels.len() < 2 => Confidence::Low,
        (Some(_), None) => Confidence::Low,
        (Some(_), Some(_)) if basis == "parametrised_levels" && !mixed => Confidence::High,
        (None, Some(_)) if levels.len() < 3 => Confidence::Low,
        _ => Confidence::Medium,
    };
    let statement = statement(subject, &levels, knee, last_good, reason, passed_above);
    let failing_tests = knee.map_or_else(Vec::new, |k| {
        points
            .iter()
            .filter(|p| p.failed && p.level >= k)
            .map(|p| p.test.nodeid.clone())
            .collect()
    });
    CapacityEstimate {
        knee,
        last_good,
        reason,
        basis,
        derived_from,
        confidence,
        statement,
        levels,
        reprobe: None,
        failing_tests,
    }
}

/// The first level (all passing before it) whose duration grew past the factor and floor
/// over the lowest level's.
fn latency_knee(levels: &[LevelRow]) -> Option<usize> {
    let base = levels.first()?.duration_s?;
    levels.iter().position(|r| {
        r.duration_s
            .is_some_and(|d| d >= base * LATENCY_FACTOR && d - base >= LATENCY_FLOOR_S)
    })
}

fn statement(
    subject: &str,
    levels: &[LevelRow],
    knee: Option<u32>,
    last_good: Option<u32>,
    reason: Option<&str>,
    passed_above: Option<u32>,
) -> String {
    let lowest = levels.first().map_or(0, |r| r.concurrency);
    let highest = levels.last().map_or(0, |r| r.concurrency);
    match (knee, last_good, reason) {
        (Some(k), _, _) if passed_above.is_some() => format!(
            "errors first at concurrency {k} but {subject} passed at {} above it: the knee is uncertain (intermittent errors or another cause)",
            passed_above.unwrap_or_default()
        ),
        (Some(k), Some(g), Some("latency")) => format!(
            "latency climbs between concurrency {g} and {k}: {subject} passed at every level but took {} times as long at {k} as at {lowest}",
            duration_ratio(levels, k)
        ),
        (Some(k), Some(g), _) => format!(
            "errors start between concurrency {g} and {k}: {subject} passed up to {g} and failed from {k}"
        ),
        (Some(k), None, _) if levels.len() == 1 => format!(
            "{subject} failed at concurrency {k}, the only level: the capacity is below {k} or the server is down"
        ),
        (Some(k), None, _) => format!(
            "every load level failed, the lowest at concurrency {k}: the capacity is below {k} or the server is down"
        ),
        (None, _, _) if levels.len() == 1 => format!(
            "{subject} passed at concurrency {highest}, the only level: no knee up to {highest}"
        ),
        (None, _, _) => format!("no knee up to concurrency {highest}: every load level passed"),
    }
}

fn duration_ratio(levels: &[LevelRow], k: u32) -> String {
    let base = levels.first().and_then(|r| r.duration_s).unwrap_or(0.0);
    let at = levels
        .iter()
        .find(|r| r.concurrency == k)
        .and_then(|r| r.duration_s)
        .unwrap_or(0.0);
    if base > 0.0 {
        format!("{:.0}", at / base)
    } else {
        "many".to_string()
    }
}

impl CapacityEstimate {
    /// The estimate against a re-probe knee (`None` when the ramp found none, up to
    /// `highest`): the two agree when the ranges they give for the capacity overlap.
    pub fn compare_reprobe(
        &self,
        url: &str,
        probe_knee: Option<(u32, Option<u32>)>,
        highest: u32,
    ) -> String {
        match (self.knee, probe_knee) {
            (Some(k), Some((pk, pg))) => {
                let (lo, hi) = (self.last_good.unwrap_or(0), k);
                let (plo, phi) = (pg.unwrap_or(0), pk);
                let verdict = if lo < phi && plo < hi {
                    "agrees with the log"
                } else if phi <= lo {
                    "lower than the log shows: the server has less capacity now"
                } else {
                    "higher than the log shows: the run's failures were not only capacity"
                };
                format!(
                    "the re-probe of {url} fails from concurrency {pk}, the log from {k}: {verdict}"
                )
            }
            (Some(k), None) => format!(
                "the re-probe of {url} kept up to concurrency {highest}, the log failed from {k}: the server copes better now, or the run's load was not what the levels say"
            ),
            (None, Some((pk, _))) => {
                format!("the re-probe of {url} fails from concurrency {pk}: the log shows no knee")
            }
            (None, None) => format!(
                "the re-probe of {url} kept up to concurrency {highest}: the log shows no knee either"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::test_concurrency;
    use crate::facts::fixtures::{analysis, test_report as test};

    fn run(tests: Vec<TestReport>) -> Option<CapacityEstimate> {
        let a = analysis(tests, Vec::new());
        let concurrency: Vec<Option<u32>> = a.tests.iter().map(test_concurrency).collect();
        estimate(&a, &concurrency)
    }

    fn ramp(outcomes: &[(u32, &str)]) -> Vec<TestReport> {
        outcomes
            .iter()
            .map(|(c, o)| test(&format!("test_load_levels[{c}]"), o))
            .collect()
    }

    #[test]
    fn a_clean_ramp_gives_the_knee_and_the_last_good_level() {
        let e = run(ramp(&[
            (1, "passed"),
            (2, "passed"),
            (5, "passed"),
            (10, "failed"),
            (20, "failed"),
            (50, "failed"),
        ]))
        .unwrap();
        assert_eq!((e.knee, e.last_good), (Some(10), Some(5)));
        assert_eq!(e.basis, "parametrised_levels");
        assert_eq!(e.confidence, Confidence::High);
        assert_eq!(e.reason, Some("errors"));
        assert_eq!(e.levels.len(), 6);
        assert_eq!(e.failing_tests.len(), 3);
        assert!(
            e.statement
                .contains("between concurrency 5 and 10: test_load_levels passed up to 5"),
            "{}",
            e.statement
        );
    }

    #[test]
    fn no_level_no_estimate() {
        assert_eq!(
            run(vec![test("test_a", "failed"), test("test_b[x]", "passed")]),
            None
        );
        // Bare numbers name a load level only in a test about load.
        assert_eq!(run(vec![test("test_payload[64]", "failed")]), None);
    }

    #[test]
    fn one_level_is_low_confidence_either_way() {
        let e = run(vec![test("test_load[20]", "failed")]).unwrap();
        assert_eq!((e.knee, e.last_good), (Some(20), None));
        assert_eq!(e.basis, "test_levels");
        assert_eq!(e.confidence, Confidence::Low);
        assert!(e.statement.contains("the only level"), "{}", e.statement);
        let e = run(vec![test("test_load[20]", "passed")]).unwrap();
        assert_eq!((e.knee, e.last_good), (None, Some(20)));
        assert_eq!(e.confidence, Confidence::Low);
    }

    #[test]
    fn every_level_failing_has_no_last_good() {
        let e = run(ramp(&[(5, "failed"), (10, "failed"), (20, "error")])).unwrap();
        assert_eq!((e.knee, e.last_good), (Some(5), None));
        assert_eq!(e.confidence, Confidence::Low);
        assert!(
            e.statement.starts_with("every load level failed"),
            "{}",
            e.statement
        );
    }

    #[test]
    fn a_pass_above_the_first_failure_makes_it_uncertain() {
        let e = run(ramp(&[
            (1, "passed"),
            (5, "passed"),
            (10, "failed"),
            (20, "passed"),
            (50, "failed"),
        ]))
        .unwrap();
        assert_eq!((e.knee, e.last_good), (Some(10), Some(5)));
        assert_eq!(e.confidence, Confidence::Low);
        assert!(e.statement.contains("uncertain"), "{}", e.statement);
    }

    #[test]
    fn all_passing_has_no_knee() {
        let e = run(ramp(&[(1, "passed"), (10, "passed"), (50, "passed")])).unwrap();
        assert_eq!((e.knee, e.last_good), (None, Some(50)));
        assert_eq!(e.confidence, Confidence::Medium);
        assert!(e.statement.starts_with("no knee up to concurrency 50"));
    }

    #[test]
    fn durations_that_climb_mark_a_latency_knee() {
        let mut tests = ramp(&[(1, "passed"), (10, "passed"), (50, "passed")]);
        for (t, d) in tests.iter_mut().zip([0.4, 0.5, 4.0]) {
            t.duration_s = Some(d);
        }
        let e = run(tests).unwrap();
        assert_eq!(
            (e.knee, e.last_good, e.reason),
            (Some(50), Some(10), Some("latency"))
        );
        assert!(e.statement.contains("10 times as long"), "{}", e.statement);
    }

    #[test]
    fn the_longest_series_wins_and_skips_do_not_count() {
        let mut tests = ramp(&[(1, "passed"), (10, "passed"), (20, "failed")]);
        tests.push(test("test_burst_load[5]", "failed"));
        tests.push(test("test_burst_load[50]", "failed"));
        tests.push(test("test_load_levels[100]", "skipped"));
        let e = run(tests).unwrap();
        assert_eq!((e.knee, e.last_good), (Some(20), Some(10)));
        assert!(e.derived_from.contains("test_load_levels (1, 10, 20)"));
    }

    #[test]
    fn many_levels_are_listed_with_the_middle_elided() {
        let outcomes: Vec<(u32, &str)> = (1..=100).map(|c| (c, "passed")).collect();
        let e = run(ramp(&outcomes)).unwrap();
        assert!(
            e.derived_from
                .ends_with("(1, 2, 3, 4, 5, 6, …, 98, 99, 100 (100 levels))"),
            "{}",
            e.derived_from
        );
        assert_eq!(e.levels.len(), 100, "the JSON keeps every level");
    }

    #[test]
    fn the_reprobe_comparison_says_whether_the_ranges_overlap() {
        let e = run(ramp(&[(5, "passed"), (10, "failed")])).unwrap();
        let s = e.compare_reprobe("http://x", Some((10, Some(5))), 20);
        assert!(s.ends_with("agrees with the log"), "{s}");
        let s = e.compare_reprobe("http://x", Some((2, Some(1))), 20);
        assert!(s.contains("less capacity now"), "{s}");
        let s = e.compare_reprobe("http://x", Some((50, Some(20))), 50);
        assert!(s.contains("not only capacity"), "{s}");
        let s = e.compare_reprobe("http://x", None, 50);
        assert!(s.contains("kept up to concurrency 50"), "{s}");
    }
}
