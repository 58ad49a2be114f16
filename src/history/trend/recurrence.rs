//! One run against the runs recorded before it (`rca analyze --history`): for each of its
//! root causes and failing tests, `new`, `recurring (seen in N of the last M runs, first on
//! DATE)` or `regressed after K passing runs`, and the one line a report's summary gives.
//! Pure rules over records; [`annotate`] writes the result into an analysis. It reads no
//! store: the command line loads the earlier runs ([`crate::history`]).

use super::causes::same_cause;
use super::{is_failure, is_neutral, run_name};
use crate::diagnose::Diagnosis;
use crate::facts::RunFacts;
use crate::history::RunRecord;
use crate::history::record::{self, RootCauseRecord, RunMeta};
use serde::Serialize;
use std::collections::BTreeMap;

pub use crate::model::Recurrence;

/// The history a run was compared with, and the summary line.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RunHistory {
    /// The store (a PostgreSQL password hidden).
    pub store: String,
    /// Runs compared (the newest ones before this run, with its labels).
    pub runs: usize,
    /// Oldest of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Newest of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The newest run compared, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// Root causes of this run by status.
    pub root_causes: BTreeMap<&'static str, usize>,
    /// Failing tests of this run by status.
    pub failing_tests: BTreeMap<&'static str, usize>,
    /// "2 of 3 root causes are new, 1 recurring; ..." (reports print it after "History:").
    pub summary: String,
}

/// Statuses, in the order the summary gives them.
pub const STATUSES: [&str; 3] = ["new", "recurring", "regressed"];

fn date(s: i64) -> String {
    chrono::DateTime::from_timestamp(s, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| s.to_string())
}

/// Decides from the runs compared (`seen` per run, oldest first; runs that do not count,
/// such as runs where a test did not run, left out) and their times.
fn judge(seen: &[(i64, bool)], what: &str, gone: &str) -> Recurrence {
    let hits: Vec<i64> = seen.iter().filter(|s| s.1).map(|s| s.0).collect();
    let base = |status, text: String| Recurrence {
        status,
        seen_in: hits.len(),
        of: seen.len(),
        first_seen: hits.first().map(|&s| super::rfc3339(s)),
        last_seen: hits.last().map(|&s| super::rfc3339(s)),
        passing_runs: None,
        text,
    };
    let (Some(&first), Some(&last)) = (hits.first(), hits.last()) else {
        return base("new", "new".to_string());
    };
    if seen.last().is_some_and(|s| s.1) {
        let text = if seen.len() == 1 {
            format!("recurring ({what} in the previous run, on {})", date(first))
        } else {
            format!(
                "recurring ({what} in {} of the last {} runs, first on {})",
                hits.len(),
                seen.len(),
                date(first)
            )
        };
        return base("recurring", text);
    }
    let k = seen.iter().rev().take_while(|s| !s.1).count();
    let mut r = base(
        "regressed",
        format!(
            "regressed after {k} passing run{} ({gone} {})",
            if k == 1 { "" } else { "s" },
            date(last)
        ),
    );
    r.passing_runs = Some(k);
    r
}

/// A root cause of this run against the runs compared.
pub fn cause_recurrence(rc: &RootCauseRecord, history: &[RunRecord]) -> Recurrence {
    let seen: Vec<(i64, bool)> = history
        .iter()
        .map(|r| (r.at, r.root_causes.iter().any(|c| same_cause(rc, c))))
        .collect();
    judge(&seen, "seen", "last seen")
}

/// A failing test of this run against the runs compared in which it ran.
pub fn test_recurrence(nodeid: &str, history: &[RunRecord]) -> Recurrence {
    test_recurrence_in(nodeid, history, &tests_index(history))
}

/// Puts the run (its report document `doc`, its facts and diagnosis) against `history`
/// (the runs compared, oldest first): `history` on each root cause and failing test, and
/// the run's [`RunHistory`].
pub fn annotate(
    doc: record::ReportDoc,
    facts: &mut RunFacts,
    diagnosis: &mut Diagnosis,
    history: &[RunRecord],
    store: String,
) -> RunHistory {
    let fingerprints = doc.cause_fingerprints();
    let current = doc.into_record(RunMeta::default());
    let by_fp: BTreeMap<&str, &RootCauseRecord> = current
        .root_causes
        .iter()
        .map(|c| (c.fingerprint.as_str(), c))
        .collect();
    let tests = tests_index(history);
    let mut cause_counts = counts();
    for rc in &mut diagnosis.rca.root_causes {
        let Some(record) = fingerprints
            .get(&rc.id)
            .and_then(|fp| by_fp.get(fp.as_str()))
        else {
            continue;
        };
        let r = cause_recurrence(record, history);
        *cause_counts.entry(r.status).or_default() += 1;
        rc.history = Some(r);
    }
    let mut test_counts = counts();
    for t in facts.tests.iter_mut().filter(|t| is_failure(&t.outcome)) {
        let r = test_recurrence_in(&t.nodeid, history, &tests);
        *test_counts.entry(r.status).or_default() += 1;
        t.history = Some(r);
    }
    let summary = summary_line(history, &cause_counts, &test_counts);
    RunHistory {
        store,
        runs: history.len(),
        from: history.first().map(|r| super::rfc3339(r.at)),
        to: history.last().map(|r| super::rfc3339(r.at)),
        previous: history.last().map(run_name),
        root_causes: cause_counts,
        failing_tests: test_counts,
        summary,
    }
}

fn counts() -> BTreeMap<&'static str, usize> {
    STATUSES.iter().map(|s| (*s, 0)).collect()
}

/// Per run, the outcome of each test by node id (so each failing test is one lookup per
/// run, not a scan).
fn tests_index(history: &[RunRecord]) -> Vec<BTreeMap<&str, &str>> {
    history
        .iter()
        .map(|r| {
            r.tests
                .iter()
                .map(|t| (t.nodeid.as_str(), t.outcome.as_str()))
                .collect()
        })
        .collect()
}

fn test_recurrence_in(
    nodeid: &str,
    history: &[RunRecord],
    index: &[BTreeMap<&str, &str>],
) -> Recurrence {
    let seen: Vec<(i64, bool)> = history
        .iter()
        .zip(index)
        .filter_map(|(r, tests)| {
            let outcome = tests.get(nodeid)?;
            (!is_neutral(outcome)).then(|| (r.at, is_failure(outcome)))
        })
        .collect();
    judge(&seen, "failed", "last failed")
}

/// "2 of 3 root causes are new, 1 recurring; 4 of 9 failing tests are new, 1 regressed
/// (compared with the last 12 runs, 2026-10-24 .. 2026-11-04)".
pub fn summary_line(
    history: &[RunRecord],
    causes: &BTreeMap<&'static str, usize>,
    tests: &BTreeMap<&'static str, usize>,
) -> String {
    let (Some(first), Some(last)) = (history.first(), history.last()) else {
        return "no earlier runs to compare with".to_string();
    };
    format!(
        "{}; {} (compared with the last {} run{}, {} .. {})",
        part(causes, "root cause", "root causes"),
        part(tests, "failing test", "failing tests"),
        history.len(),
        if history.len() == 1 { "" } else { "s" },
        date(first.at),
        date(last.at)
    )
}

fn part(counts: &BTreeMap<&'static str, usize>, one: &str, many: &str) -> String {
    let total: usize = counts.values().sum();
    if total == 0 {
        return format!("no {many}");
    }
    let n = |s: &str| counts.get(s).copied().unwrap_or(0);
    let (noun, verb) = if total == 1 {
        (one, "is")
    } else {
        (many, "are")
    };
    let mut out = format!("{} of {total} {noun} {verb} new", n("new"));
    for s in ["recurring", "regressed"] {
        if n(s) > 0 {
            out.push_str(&format!(", {} {s}", n(s)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::record::TestOutcome;

    fn run(at: i64, outcomes: &[(&str, &str)], causes: Vec<RootCauseRecord>) -> RunRecord {
        RunRecord {
            at,
            tests: outcomes
                .iter()
                .map(|(n, o)| TestOutcome {
                    nodeid: n.to_string(),
                    outcome: o.to_string(),
                    categories: Vec::new(),
                })
                .collect(),
            root_causes: causes,
            ..RunRecord::default()
        }
    }

    fn cause(target: &str, endpoint: &str) -> RootCauseRecord {
        RootCauseRecord {
            fingerprint: format!("unreachable|{target}|connect_timeout"),
            family: "unreachable".into(),
            target: Some(target.into()),
            endpoints: vec![endpoint.to_string()],
            ..RootCauseRecord::default()
        }
    }

    const DAY: i64 = 86_400;

    #[test]
    fn tests_are_new_recurring_or_regressed() {
        let history = vec![
            run(DAY, &[("a", "failed"), ("b", "failed")], vec![]),
            run(
                2 * DAY,
                &[("a", "passed"), ("b", "failed"), ("c", "skipped")],
                vec![],
            ),
            run(3 * DAY, &[("a", "passed"), ("b", "failed")], vec![]),
        ];
        let a = test_recurrence("a", &history);
        assert_eq!((a.status, a.passing_runs), ("regressed", Some(2)));
        assert_eq!(
            a.text,
            "regressed after 2 passing runs (last failed 1970-01-02)"
        );
        let b = test_recurrence("b", &history);
        assert_eq!((b.status, b.seen_in, b.of), ("recurring", 3, 3));
        assert_eq!(
            b.text,
            "recurring (failed in 3 of the last 3 runs, first on 1970-01-02)"
        );
        let c = test_recurrence("c", &history);
        assert_eq!((c.status, c.of), ("new", 0), "skipped runs do not count");
        assert_eq!(test_recurrence("never", &history).status, "new");
    }

    #[test]
    fn root_causes_recur_across_port_changes() {
        let history = vec![
            run(DAY, &[], vec![cause("db:5432", "GET /q")]),
            run(2 * DAY, &[], vec![]),
            run(3 * DAY, &[], vec![cause("db:6543", "GET /q")]),
        ];
        let now = cause("db:7000", "GET /q");
        let r = cause_recurrence(&now, &history);
        assert_eq!((r.status, r.seen_in, r.of), ("recurring", 2, 3));
        let other = cause("db:7000", "GET /other");
        assert_eq!(cause_recurrence(&other, &history).status, "new");
        let back = cause_recurrence(&now, &history[..2]);
        assert_eq!((back.status, back.passing_runs), ("regressed", Some(1)));
        assert_eq!(
            back.text,
            "regressed after 1 passing run (last seen 1970-01-02)"
        );
    }

    #[test]
    fn the_summary_line() {
        let mut causes = counts();
        causes.insert("new", 2);
        causes.insert("recurring", 1);
        let mut tests = counts();
        tests.insert("new", 1);
        let history = vec![run(DAY, &[], vec![]), run(3 * DAY, &[], vec![])];
        assert_eq!(
            summary_line(&history, &causes, &tests),
            "2 of 3 root causes are new, 1 recurring; 1 of 1 failing test is new \
             (compared with the last 2 runs, 1970-01-02 .. 1970-01-04)"
        );
        assert_eq!(
            summary_line(&[], &causes, &tests),
            "no earlier runs to compare with"
        );
        assert_eq!(part(&counts(), "x", "xs"), "no xs");
    }
}
