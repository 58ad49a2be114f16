//! The nightly trend: pure rules over a list of recorded runs (oldest first), with no
//! database and no clock. Per run: a name, pass rate, failures, events per category, the
//! outage guard. Per test: `new_failure`, `still_failing`, `flaky`, `fixed`, `not_run`,
//! `passing`. Per root cause (one across port changes, [`causes`]): `new`, `recurring`,
//! `resolved`. Beside them: what changed since the previous run ([`previous`]) and what
//! each signature fired on ([`signals`]). The result is the versioned `rca trend --format
//! json` document (README "History and trend"). [`recurrence`] puts one run against the
//! runs before it for `rca analyze --history`.

pub mod causes;
pub mod previous;
pub mod recurrence;
pub mod signals;

use crate::history::RunRecord;
use crate::history::identity::is_default_id;
use crate::model::Category;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Version of the trend JSON document.
pub const TREND_SCHEMA_VERSION: u32 = 1;

/// Categories that mean the client could not talk to the server at all.
pub const CONNECTION_CLASS: [&str; 4] = [
    "connect_timeout",
    "connection_refused",
    "connection_reset",
    "dns_failure",
];

/// Test statuses, in the order reports list them.
pub const TEST_STATUSES: [&str; 6] = [
    "new_failure",
    "still_failing",
    "flaky",
    "fixed",
    "not_run",
    "passing",
];

/// The outage guard's outcome rule: at least this share of the tests that ran failed ...
pub const NEARLY_ALL: f64 = 0.9;
/// ... of at least this many tests ...
pub const NEARLY_ALL_MIN_TESTS: u64 = 5;
/// ... within this many seconds (failing tests' events, else the session), when known.
pub const WITHIN_S: i64 = 15 * 60;

/// Root-cause statuses, in report order.
pub const CAUSE_STATUSES: [&str; 3] = ["new", "recurring", "resolved"];

/// How the runs were selected (echoed in the document).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Selection {
    /// `--since` as given (e.g. `7d`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// `--last` as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last: Option<usize>,
    /// `--label` filters.
    pub labels: BTreeMap<String, String>,
}

/// The whole trend document.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    /// Trend JSON schema version.
    pub schema_version: u32,
    /// Always `trend`.
    pub kind: &'static str,
    /// rca name and version.
    pub tool: crate::facts::ToolInfo,
    /// Which runs and what span they cover.
    pub window: Window,
    /// Runs, oldest first.
    pub runs: Vec<RunTrend>,
    /// Events per category, one value per run (aligned with `runs`).
    pub categories: Vec<CategoryTrend>,
    /// Number of tests per status (every status present, zero included).
    pub status_counts: BTreeMap<&'static str, usize>,
    /// Tests, by status then node id.
    pub tests: Vec<TestTrend>,
    /// Root causes (records of one root cause across runs merged), by status.
    pub root_causes: Vec<CauseTrend>,
    /// The newest run against the one before it (two runs or more).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_previous: Option<previous::SincePrevious>,
    /// What each signature fired on over the window.
    pub signatures: signals::SignatureTrend,
}

/// The window the trend covers.
#[derive(Debug, Clone, Serialize)]
pub struct Window {
    /// Runs in the window.
    pub runs: usize,
    /// Oldest run time (RFC 3339, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Newest run time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Selection as asked.
    #[serde(flatten)]
    pub selection: Selection,
}

/// One run in the trend.
#[derive(Debug, Clone, Serialize)]
pub struct RunTrend {
    /// Run id.
    pub id: String,
    /// How reports name it: the run id when one was given, else its `name` label, else its
    /// CI run, else its time.
    pub name: String,
    /// The CI run it came from (`github:123456789/1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_id: Option<String>,
    /// Where its report was stored (path or URL), when it was recorded with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
    /// Run time (RFC 3339, UTC).
    pub at: String,
    /// Run time, epoch seconds.
    pub at_s: i64,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// All tests.
    pub total: u64,
    /// Passed.
    pub passed: u64,
    /// Failed.
    pub failed: u64,
    /// Errors.
    pub errors: u64,
    /// Skipped.
    pub skipped: u64,
    /// (total - failed - errors - skipped) / (total - skipped); null when nothing ran.
    pub pass_rate: Option<f64>,
    /// Events per category id.
    pub categories: BTreeMap<String, u64>,
    /// The outage guard fired: its failures do not make tests flaky.
    pub outage: bool,
    /// Why: `connection_class` (most failures could not connect) or `nearly_all_failed`
    /// (nearly every test failed within minutes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outage_reason: Option<&'static str>,
}

/// One category across runs.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryTrend {
    /// Category id.
    pub category: String,
    /// Events in each run, aligned with `runs`.
    pub events: Vec<u64>,
    /// Sum over the window.
    pub total: u64,
}

/// One test across runs.
#[derive(Debug, Clone, Serialize)]
pub struct TestTrend {
    /// pytest node id.
    pub nodeid: String,
    /// `new_failure`, `still_failing`, `flaky`, `fixed`, `not_run` or `passing`.
    pub status: &'static str,
    /// Runs in the window where the test ran (not skipped).
    pub runs: usize,
    /// Of those, runs where it failed or errored (outage runs included).
    pub failures: usize,
    /// Failures in runs the outage guard flagged.
    pub outage_failures: usize,
    /// First failing run's time.
    pub first_failed_at: Option<String>,
    /// Last failing run's time.
    pub last_failed_at: Option<String>,
    /// `still_failing`: time of the first run of the current failing streak.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// pass <-> fail changes between consecutive runs, outage failures left out.
    pub flips: usize,
    /// flips / (runs considered - 1); 0 with fewer than two runs.
    pub flip_rate: f64,
    /// Outcome in the newest run where it ran.
    pub last_outcome: String,
    /// Time of the newest run where it ran (for `not_run`: when it last ran).
    pub last_run_at: String,
    /// Categories seen in its failing runs.
    pub categories: Vec<String>,
}

/// One root cause across runs.
#[derive(Debug, Clone, Serialize)]
pub struct CauseTrend {
    /// `family|target|kinds` in the newest run that had it (README "History and trend").
    pub fingerprint: String,
    /// Every fingerprint it had in the window (ports and kinds vary between runs).
    pub fingerprints: Vec<String>,
    /// Every target it had in the window.
    pub targets: Vec<String>,
    /// `new`, `recurring` or `resolved`.
    pub status: &'static str,
    /// Title in the newest run that had it.
    pub title: String,
    /// Failure family.
    pub family: String,
    /// Target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Verdict locus in the newest run that had it.
    pub locus: String,
    /// Runs that had it ...
    pub seen_in: usize,
    /// ... of this many runs in the window.
    pub of: usize,
    /// First run that had it.
    pub first_seen: String,
    /// Last run that had it.
    pub last_seen: String,
    /// Events over the window.
    pub events: u64,
}

/// Formats epoch seconds as RFC 3339 UTC.
pub fn rfc3339(s: i64) -> String {
    chrono::DateTime::from_timestamp(s, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| s.to_string())
}

/// The name reports give a run: its id when one was given (`--run-id`), else its `name`
/// label, else its CI run, else its time (`2026-11-04 02:00`).
pub fn run_name(r: &RunRecord) -> String {
    if !is_default_id(&r.id) {
        return r.id.clone();
    }
    if let Some(name) = r.labels.get("name").filter(|n| !n.is_empty()) {
        return name.clone();
    }
    r.ci_id.clone().unwrap_or_else(|| {
        chrono::DateTime::from_timestamp(r.at, 0)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| r.id.clone())
    })
}

/// The names of `runs` ([`run_name`]), made unique: a name two runs share gets the start
/// of each one's id (`2026-11-04 02:00 #1a2b3c`).
pub fn run_names(runs: &[RunRecord]) -> Vec<String> {
    let names: Vec<String> = runs.iter().map(run_name).collect();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for n in &names {
        *seen.entry(n.as_str()).or_default() += 1;
    }
    names
        .iter()
        .zip(runs)
        .map(|(n, r)| match seen.get(n.as_str()) {
            Some(&count) if count > 1 => {
                let short: String = r.id.trim_start_matches("run-").chars().take(6).collect();
                format!("{n} #{short}")
            }
            _ => n.clone(),
        })
        .collect()
}

/// Computes the trend of `runs` (oldest first). `catalogue` lists the signature ids that
/// could have fired (built-in and `--rules`), for the ones that never did.
pub fn compute(runs: &[RunRecord], selection: Selection, catalogue: &[String]) -> Trend {
    let reasons: Vec<Option<&'static str>> = runs.iter().map(outage_reason).collect();
    let outages: Vec<bool> = reasons.iter().map(Option::is_some).collect();
    let names = run_names(runs);
    let run_trends: Vec<RunTrend> = runs
        .iter()
        .zip(&reasons)
        .zip(&names)
        .map(|((r, &o), name)| run_trend(r, o, name))
        .collect();
    let clusters = causes::clusters(runs);
    let tests = test_trends(runs, &outages);
    let mut status_counts: BTreeMap<&'static str, usize> =
        TEST_STATUSES.iter().map(|s| (*s, 0)).collect();
    for t in &tests {
        *status_counts.entry(t.status).or_default() += 1;
    }
    Trend {
        schema_version: TREND_SCHEMA_VERSION,
        kind: "trend",
        tool: crate::facts::ToolInfo {
            name: "rca",
            version: env!("CARGO_PKG_VERSION"),
        },
        window: Window {
            runs: runs.len(),
            from: runs.first().map(|r| rfc3339(r.at)),
            to: runs.last().map(|r| rfc3339(r.at)),
            selection,
        },
        categories: category_trends(runs),
        since_previous: previous::since_previous(runs, &clusters, &names),
        runs: run_trends,
        status_counts,
        tests,
        root_causes: cause_trends(runs, &clusters),
        signatures: signals::signature_trend(runs, catalogue),
    }
}

fn is_failure(outcome: &str) -> bool {
    matches!(outcome, "failed" | "error")
}

/// Outcomes that say nothing about pass or fail.
fn is_neutral(outcome: &str) -> bool {
    matches!(outcome, "skipped" | "unknown" | "")
}

/// The outage guard (see [`outage_reason`]).
pub fn is_outage(run: &RunRecord) -> bool {
    outage_reason(run).is_some()
}

/// Why the outage guard fires for a run, if it does:
///
/// * `connection_class`: more than half of the tests that ran failed, and at least half of
///   the failing tests (or, without per-test data, the run) show a connection-class
///   category;
/// * `nearly_all_failed`: at least 90% of at least five tests that ran failed, within 15
///   minutes (from the failing tests' first to last event, else the session's duration;
///   a run that shows neither counts by its outcomes alone). This holds without any
///   category, e.g. for a JUnit-only run whose messages were not classified.
pub fn outage_reason(run: &RunRecord) -> Option<&'static str> {
    let c = &run.counts;
    let ran = c.total.saturating_sub(c.skipped);
    let failing = c.failed + c.errors;
    if ran == 0 || failing * 2 <= ran {
        return None;
    }
    if connection_outage(run) {
        return Some("connection_class");
    }
    let nearly_all = ran >= NEARLY_ALL_MIN_TESTS && failing as f64 >= ran as f64 * NEARLY_ALL;
    let quick = run
        .failure_span_s
        .or(run.duration_s)
        .is_none_or(|s| s <= WITHIN_S);
    (nearly_all && quick).then_some("nearly_all_failed")
}

fn connection_outage(run: &RunRecord) -> bool {
    let connection = |cats: &[String]| cats.iter().any(|c| CONNECTION_CLASS.contains(&c.as_str()));
    let failing_tests: Vec<_> = run
        .tests
        .iter()
        .filter(|t| is_failure(&t.outcome))
        .collect();
    if failing_tests.is_empty() {
        return CONNECTION_CLASS
            .iter()
            .any(|c| run.categories.get(*c).copied().unwrap_or(0) > 0);
    }
    let with_connection = failing_tests
        .iter()
        .filter(|t| connection(&t.categories))
        .count();
    with_connection > 0 && with_connection * 2 >= failing_tests.len()
}

fn run_trend(r: &RunRecord, outage: Option<&'static str>, name: &str) -> RunTrend {
    let c = &r.counts;
    let ran = c.total.saturating_sub(c.skipped);
    let ok = ran.saturating_sub(c.failed + c.errors);
    RunTrend {
        id: r.id.clone(),
        name: name.to_string(),
        ci_id: r.ci_id.clone(),
        report: r.report.clone(),
        at: rfc3339(r.at),
        at_s: r.at,
        labels: r.labels.clone(),
        total: c.total,
        passed: c.passed,
        failed: c.failed,
        errors: c.errors,
        skipped: c.skipped,
        pass_rate: (ran > 0).then(|| round4(ok as f64 / ran as f64)),
        categories: r.categories.clone(),
        outage: outage.is_some(),
        outage_reason: outage,
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Taxonomy order first, unknown ids after, alphabetically.
fn category_rank(id: &str) -> (usize, String) {
    let pos = Category::ALL
        .iter()
        .position(|c| c.id() == id)
        .unwrap_or(usize::MAX);
    (pos, id.to_string())
}

fn category_trends(runs: &[RunRecord]) -> Vec<CategoryTrend> {
    let mut ids: Vec<&String> = runs
        .iter()
        .flat_map(|r| r.categories.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    ids.sort_by_key(|id| category_rank(id));
    ids.into_iter()
        .map(|id| {
            let events: Vec<u64> = runs
                .iter()
                .map(|r| r.categories.get(id).copied().unwrap_or(0))
                .collect();
            CategoryTrend {
                category: id.clone(),
                total: events.iter().sum(),
                events,
            }
        })
        .collect()
}

/// One test in one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Obs {
    /// Run time.
    pub at: i64,
    /// Failed or errored.
    pub fail: bool,
    /// A failure in a run the outage guard flagged.
    pub excused: bool,
}

/// What the rules decide for one test.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Status id.
    pub status: &'static str,
    /// Start of the current failing streak (`still_failing`).
    pub since: Option<i64>,
    /// Flips, outage failures left out.
    pub flips: usize,
    /// Flip rate.
    pub flip_rate: f64,
}

/// The status rules, over one test's observations (oldest first, skipped runs left out)
/// and whether it ran in the newest run of the window:
///
/// 1. `flaky`: counting only failures outside outage runs, the outcome changes (pass <->
///    fail) three or more times between consecutive runs, or twice around a single run (a
///    one-run blip: pass, fail, pass or fail, pass, fail);
/// 2. `not_run`: it did not run in the newest run (absent, skipped or cut off); it is not
///    counted as failing, whatever it did before;
/// 3. `new_failure`: it fails in its newest run and did not fail in the run before (it
///    passed there, or this is its first run in the window);
/// 4. `still_failing`: it fails in its newest run and in the run before; `since` is the
///    first run of that failing streak;
/// 5. `fixed`: it passes in its newest run and failed earlier in the window outside an
///    outage run;
/// 6. `passing`: otherwise.
pub fn classify(obs: &[Obs], ran_in_newest: bool) -> Verdict {
    let real: Vec<bool> = obs.iter().filter(|o| !o.excused).map(|o| o.fail).collect();
    let flips = real.windows(2).filter(|w| w[0] != w[1]).count();
    let flip_rate = if real.len() > 1 {
        round4(flips as f64 / (real.len() - 1) as f64)
    } else {
        0.0
    };
    let verdict = |status, since| Verdict {
        status,
        since,
        flips,
        flip_rate,
    };
    let middle_streak = real
        .iter()
        .skip_while(|f| **f == real[0])
        .take_while(|f| **f != real[0])
        .count();
    if flips >= 3 || (flips == 2 && middle_streak == 1) {
        return verdict("flaky", None);
    }
    if !ran_in_newest {
        return verdict("not_run", None);
    }
    match obs.last() {
        Some(last) if last.fail => {
            let streak = obs.iter().rev().take_while(|o| o.fail).count();
            if streak == 1 {
                verdict("new_failure", None)
            } else {
                verdict("still_failing", Some(obs[obs.len() - streak].at))
            }
        }
        Some(_) if real.contains(&true) => verdict("fixed", None),
        _ => verdict("passing", None),
    }
}

/// One test's observations across the window.
struct TestAcc {
    obs: Vec<Obs>,
    last_run: usize,
    last_outcome: String,
    categories: BTreeSet<String>,
}

fn observe<'a>(runs: &'a [RunRecord], outages: &[bool]) -> BTreeMap<&'a str, TestAcc> {
    let mut by_test: BTreeMap<&str, TestAcc> = BTreeMap::new();
    for (i, (run, &outage)) in runs.iter().zip(outages).enumerate() {
        for t in &run.tests {
            if is_neutral(&t.outcome) {
                continue;
            }
            let fail = is_failure(&t.outcome);
            let acc = by_test.entry(&t.nodeid).or_insert_with(|| TestAcc {
                obs: Vec::new(),
                last_run: i,
                last_outcome: String::new(),
                categories: BTreeSet::new(),
            });
            acc.obs.push(Obs {
                at: run.at,
                fail,
                excused: fail && outage,
            });
            acc.last_run = i;
            acc.last_outcome = t.outcome.clone();
            if fail {
                acc.categories.extend(t.categories.iter().cloned());
            }
        }
    }
    by_test
}

fn test_trends(runs: &[RunRecord], outages: &[bool]) -> Vec<TestTrend> {
    let newest = runs.len().saturating_sub(1);
    let mut out: Vec<TestTrend> = observe(runs, outages)
        .into_iter()
        .map(|(nodeid, acc)| {
            let v = classify(&acc.obs, acc.last_run == newest);
            let failed_at: Vec<i64> = acc.obs.iter().filter(|o| o.fail).map(|o| o.at).collect();
            let mut categories: Vec<String> = acc.categories.into_iter().collect();
            categories.sort_by_key(|c| category_rank(c));
            TestTrend {
                nodeid: nodeid.to_string(),
                status: v.status,
                runs: acc.obs.len(),
                failures: failed_at.len(),
                outage_failures: acc.obs.iter().filter(|o| o.excused).count(),
                first_failed_at: failed_at.first().map(|&s| rfc3339(s)),
                last_failed_at: failed_at.last().map(|&s| rfc3339(s)),
                since: v.since.map(rfc3339),
                flips: v.flips,
                flip_rate: v.flip_rate,
                last_outcome: acc.last_outcome,
                last_run_at: rfc3339(runs[acc.last_run].at),
                categories,
            }
        })
        .collect();
    out.sort_by(|a, b| (status_rank(a.status), &a.nodeid).cmp(&(status_rank(b.status), &b.nodeid)));
    out
}

fn status_rank(s: &str) -> usize {
    TEST_STATUSES
        .iter()
        .chain(CAUSE_STATUSES.iter())
        .position(|x| *x == s)
        .unwrap_or(usize::MAX)
}

/// Root-cause rules: `new` when only the newest run has the root cause, `recurring` when
/// the newest run and an earlier one have it, `resolved` when an earlier run has it and the
/// newest does not.
pub fn cause_status(seen: &[bool]) -> Option<&'static str> {
    let (&latest, earlier) = seen.split_last()?;
    let before = earlier.contains(&true);
    match (latest, before) {
        (true, false) => Some("new"),
        (true, true) => Some("recurring"),
        (false, true) => Some("resolved"),
        (false, false) => None,
    }
}

fn cause_trends(runs: &[RunRecord], clusters: &[causes::Cluster<'_>]) -> Vec<CauseTrend> {
    let mut out: Vec<CauseTrend> = clusters
        .iter()
        .filter_map(|c| {
            let seen: Vec<bool> = (0..runs.len()).map(|i| c.in_run(i)).collect();
            let status = cause_status(&seen)?;
            let &(first, _) = c.members.first()?;
            let &(last, newest) = c.members.last()?;
            let distinct = |f: fn(&crate::history::record::RootCauseRecord) -> Option<&str>| {
                c.members
                    .iter()
                    .filter_map(|(_, m)| f(m).map(str::to_string))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
            };
            Some(CauseTrend {
                fingerprint: newest.fingerprint.clone(),
                fingerprints: distinct(|m| Some(m.fingerprint.as_str())),
                targets: distinct(|m| m.target.as_deref()),
                status,
                title: newest.title.clone(),
                family: newest.family.clone(),
                target: newest.target.clone(),
                locus: newest.locus.clone(),
                seen_in: seen.iter().filter(|s| **s).count(),
                of: runs.len(),
                first_seen: rfc3339(runs[first].at),
                last_seen: rfc3339(runs[last].at),
                events: c.members.iter().map(|(_, m)| m.events).sum(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (
            status_rank(a.status),
            std::cmp::Reverse(a.seen_in),
            &a.fingerprint,
        )
            .cmp(&(
                status_rank(b.status),
                std::cmp::Reverse(b.seen_in),
                &b.fingerprint,
            ))
    });
    out
}

#[cfg(test)]
mod tests;
