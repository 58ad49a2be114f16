//! The run's facts ([`RunFacts`]): from collected tests and event groups to per-test
//! categories and symptoms, per-category totals, reconciled outcome counts, the timeline
//! and warnings — what the inputs show, counted once.
//!
//! It owns the fact types every later stage reads (tests, events, categories) and their
//! serialised shape. It does not diagnose (see [`crate::diagnose`]), and holds no result of
//! a later stage: the report ([`crate::report::Report`]) puts diagnosis, re-probe, history
//! and baseline run beside the facts.

use crate::attribute::collect::{Collected, TestRecord, truncate};
use crate::attribute::event::{EventGroup, EventKind, GroupKey};
use crate::ingest::junit::JunitRun;
use crate::model::{Category, Outcome};
use crate::parse::fields::RetryCounters;
use crate::parse::pytest::FinalCounts;
use crate::parse::signatures::SignatureSet;
use crate::redact::Redactor;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

mod categories;
mod per_test;
mod summary;

pub use categories::*;
pub use per_test::*;
use summary::*;

/// Version of the JSON document. Fields are only ever added within a version.
pub const SCHEMA_VERSION: u32 = 1;

/// A place in the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct Location {
    /// Index into `inputs`.
    pub file: u16,
    /// 1-based line number.
    pub line: u64,
}

/// One input as read.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct InputInfo {
    /// Path as given (`<stdin>` for `-`).
    pub path: String,
    /// `console` or `junit`.
    pub kind: crate::ingest::open::InputKind,
    /// Was gzip-compressed.
    pub gzip: bool,
    /// Lines read (console inputs).
    pub lines: u64,
    /// Bytes read after decompression.
    pub bytes: u64,
    /// Digest of the bytes read after decompression, `rca1:<bytes>:<crc32>:<sha256 of the
    /// first MiB>` (part of the run's identity in the history; see [`crate::ingest::digest`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// Outcome totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// Sum of the outcome counts below.
    pub total: u64,
    /// Passed tests.
    pub passed: u64,
    /// Failed tests.
    pub failed: u64,
    /// Errors (setup/teardown), as pytest counts them.
    pub errors: u64,
    /// Skipped tests.
    pub skipped: u64,
    /// Expected failures.
    pub xfailed: u64,
    /// Unexpected passes.
    pub xpassed: u64,
    /// Where the counts come from: `junit`, `pytest_final_line` or `tests_found`.
    pub counted_from: &'static str,
    /// Number of distinct tests rca identified by id.
    pub tests_found: u64,
    /// Session duration as pytest or JUnit reported it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    /// Session start, epoch seconds, from the JUnit XML's `timestamp` (the earliest one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_s: Option<i64>,
}

/// One test in the JSON document.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TestReport {
    /// Full pytest node id, parameters included.
    pub nodeid: String,
    /// Function name with parameters (`test_y[a-1]`).
    pub name: String,
    /// passed, failed, error, skipped, xfailed, xpassed, or `unknown` (log cut short).
    pub outcome: String,
    /// Categories of the events attributed to this test, in taxonomy order. A
    /// `retry_exhausted` event also counts for the failure that was retried (its `cause`).
    pub categories: Vec<Category>,
    /// Number of events attributed to this test (each event once).
    pub events: u64,
    /// Events per category (an exhausted retry of a connect timeout counts for both).
    pub category_events: BTreeMap<Category, u64>,
    /// How many tests this entry stands for, when more than one: pytest folds skips with
    /// one reason at one location into `SKIPPED [3] tests/t.py:8: reason`, naming no test.
    #[serde(skip_serializing_if = "is_one")]
    pub count: u64,
    /// One-line symptom: the assertion message, else a summary of the main event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symptom: Option<String>,
    /// The failure message pytest printed (short summary or last traceback line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Duration in seconds (from JUnit XML when merged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    /// The test also errored in teardown after failing.
    pub teardown_error: bool,
    /// Where the test first appears.
    pub location: Location,
    /// `log` or `junit`.
    pub outcome_source: &'static str,
    /// Epoch seconds of the test's first timestamped event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_event_s: Option<i64>,
    /// Epoch seconds of the test's last timestamped event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_event_s: Option<i64>,
    /// A failing test against the recorded history (`rca analyze --history`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<crate::model::Recurrence>,
}

/// Events per category over time (from log timestamps; empty when the log has none).
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Timeline {
    /// First event second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_s: Option<i64>,
    /// Last event second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_s: Option<i64>,
    /// One series per category: `[epoch_second, events]` points in time order.
    pub series: Vec<Series>,
}

/// One category's events over time.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Series {
    /// Category.
    pub category: Category,
    /// `[epoch_second, events]`.
    pub points: Vec<[i64; 2]>,
}

/// Totals for one category.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CategoryReport {
    /// Stable category id.
    pub id: Category,
    /// What the category means.
    pub description: &'static str,
    /// Events, session-level ones included.
    pub events: u64,
    /// Tests whose lines show this category: with an event of it, or with a line of it
    /// folded into another event (a re-log); the same tests list it in `categories`.
    pub tests: u64,
    /// Of those, tests that failed or errored.
    pub failed_tests: u64,
    /// Events outside any test.
    pub session_events: u64,
    /// `host:port` targets named by the events, most events first.
    pub hosts: Vec<HostCount>,
    /// First event lines (at most 20).
    pub locations: Vec<Location>,
}

/// Events per target.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HostCount {
    /// `host:port` (or host).
    pub host: String,
    /// Events.
    pub events: u64,
}

/// An aggregated group of identical events.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EventReport {
    /// Category.
    pub category: Category,
    /// Cause behind a `retry_exhausted` event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Category>,
    /// `retry_attempt`, `pool_warning` or `terminal`.
    pub kind: EventKind,
    /// Node id of the test, or null for the session.
    pub test: Option<String>,
    /// Id of the signature that recognised it.
    pub signature: String,
    /// Number of events.
    pub count: u64,
    /// Log lines behind those events: more than `count` when loggers re-logged a failure
    /// (the client and the job runner each print it; see README, *Counting*).
    pub lines: u64,
    /// Host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// HTTP method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Path template (`{id}` for ids).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// HTTP status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Distinct timeouts in seconds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub timeouts_s: Vec<f64>,
    /// Distinct pool sizes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pool_sizes: Vec<u32>,
    /// Largest elapsed time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_elapsed_ms: Option<f64>,
    /// Last urllib3 retry counters seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetryCounters>,
    /// Largest remaining `total` (else `connect`) retry counter printed (the first retry's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_max_total: Option<i64>,
    /// Earliest timestamp.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_at: Option<String>,
    /// Latest timestamp.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_at: Option<String>,
    /// First event locations (at most 20).
    pub locations: Vec<Location>,
    /// Last event location.
    pub last: Location,
    /// The first event's line (redacted).
    pub sample: String,
}

/// What the inputs show about the run, and nothing more: its tests, events, categories,
/// timeline, the responses and retries the log prints, and the problems noticed reading it.
/// The diagnosis reads it; later stages (re-probe, history, baseline run, source) add
/// their own results beside it in the report, never into it.
#[derive(Debug, Clone)]
pub struct RunFacts {
    /// Inputs read.
    pub inputs: Vec<InputInfo>,
    /// Outcome totals.
    pub summary: Summary,
    /// Tests in order of appearance.
    pub tests: Vec<TestReport>,
    /// Categories with events, in taxonomy order.
    pub categories: Vec<CategoryReport>,
    /// Aggregated events.
    pub events: Vec<EventReport>,
    /// Events per category over time.
    pub timeline: Timeline,
    /// HTTP responses the log shows per target (urllib3 debug and httpx info lines).
    pub responses: Vec<crate::attribute::responses::TargetResponses>,
    /// Time between consecutive retries of one request, per target.
    pub retry_gaps: BTreeMap<String, crate::attribute::collect::RetryGaps>,
    /// `Retry-After` values the log shows (none: the log never prints the header).
    pub retry_after: crate::attribute::collect::RetryAfterSeen,
    /// urllib3's sleeps before retries, per path template (DEBUG logs with ms times).
    pub retry_sleeps: BTreeMap<String, crate::attribute::collect::RetrySleeps>,
    /// What the JUnit XML says about the run itself: host names, `<properties>`, start.
    pub metadata: RunMetadata,
    /// Requests per endpoint and log templates, read only for `--baseline`.
    pub profile: Option<crate::attribute::profile::RunProfile>,
    /// Problems noticed (truncated log, count mismatch, ...).
    pub warnings: Vec<String>,
}

/// The run's own description from JUnit XML (`hostname` and `timestamp` of its suites,
/// suite-level `<property>` elements), values redacted like every printed string.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct RunMetadata {
    /// `hostname` of every suite, distinct.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hostnames: Vec<String>,
    /// The earliest suite `timestamp`, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// Suite-level properties (`name` -> `value`; the first value of a repeated name).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

impl RunMetadata {
    /// Nothing known (the JSON leaves the field out).
    pub fn is_empty(&self) -> bool {
        self.hostnames.is_empty() && self.timestamp.is_none() && self.properties.is_empty()
    }

    fn from_junit(runs: &[JunitRun], redactor: Redactor) -> RunMetadata {
        let mut m = RunMetadata::default();
        for run in runs {
            for h in &run.hostnames {
                let h = redactor.apply(h);
                if !m.hostnames.contains(&h) {
                    m.hostnames.push(h);
                }
            }
            if let Some(ts) = &run.timestamp
                && m.timestamp.as_ref().is_none_or(|t| ts < t)
            {
                m.timestamp = Some(ts.clone());
            }
            for (k, v) in &run.properties {
                m.properties
                    .entry(redactor.apply(k))
                    .or_insert_with(|| redactor.apply(v));
            }
        }
        m
    }
}

/// Tool identification.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ToolInfo {
    /// Always `rca`.
    pub name: &'static str,
    /// Crate version.
    pub version: &'static str,
}

/// Describes a category in one line.
pub fn describe(c: Category) -> &'static str {
    match c {
        Category::ConnectTimeout => "TCP connect did not complete in time",
        Category::ReadTimeout => "server accepted the connection but did not answer in time",
        Category::PoolFull => "urllib3 discarded a connection because its pool was full",
        Category::PoolExhausted => "no connection could be had from a blocking pool",
        Category::RetryExhausted => "retries were visibly used up",
        Category::ConnectionRefused => "connection refused or no route to host",
        Category::ConnectionReset => "connection dropped by the peer",
        Category::DnsFailure => "host name resolution failed",
        Category::TlsError => "TLS handshake or certificate verification failed",
        Category::HttpError => "an error status that was not retried away",
        Category::RateLimited => "HTTP 429 Too Many Requests",
        Category::RequestTimeout => "an application-level request deadline expired",
    }
}

/// The run's facts from what the collector gathered and any JUnit runs.
pub fn build(
    mut collected: Collected,
    junit: Vec<JunitRun>,
    inputs: Vec<InputInfo>,
    sigs: &SignatureSet,
    redactor: Redactor,
) -> RunFacts {
    let mut warnings = std::mem::take(&mut collected.warnings);
    let junit_summary = junit_summary(&junit);
    // Parametrize ids may hold secrets. Masks are stable, so a masked id still names one
    // test in every format and in the history; the collector matched JUnit cases to the raw
    // ids already. Messages are redacted before a symptom is cut from them, so no cut
    // leaves half a secret.
    for t in &mut collected.tests {
        redactor.in_place(&mut t.nodeid);
        for m in [&mut t.summary_message, &mut t.traceback_message]
            .into_iter()
            .flatten()
        {
            redactor.in_place(m);
        }
    }
    let owned = sorted_groups(&mut collected);
    let groups: Vec<(&GroupKey, &EventGroup)> = owned.iter().map(|(k, g)| (k, g)).collect();
    let tests = test_reports(&collected, &groups, redactor);
    let mut summary = summarise(&collected, junit_summary, &tests, &mut warnings);
    summary.started_s = junit
        .iter()
        .filter_map(|r| r.timestamp.as_deref().and_then(junit_epoch))
        .min();
    let categories = category_reports(&groups, &collected.tests);
    let samples: Vec<&str> = groups.iter().map(|(_, g)| g.sample.as_str()).collect();
    let samples = redactor.apply_all(&samples);
    let paths = redacted_paths(&groups, redactor);
    drop(groups);
    // The groups are not read again: their strings and lists move into the reports.
    let events = owned
        .into_iter()
        .zip(samples)
        .zip(paths)
        .map(|(((k, g), sample), path)| event_report(k, g, path, sample, &collected.tests, sigs))
        .collect();
    let timeline = timeline(&collected);
    let warnings = warnings.iter().map(|w| redactor.apply(w)).collect();
    RunFacts {
        inputs,
        summary,
        tests,
        categories,
        events,
        timeline,
        responses: collected.responses.values().cloned().collect(),
        retry_gaps: collected.retry_gaps.clone(),
        retry_after: collected.retry_after.clone(),
        retry_sleeps: collected
            .retry_sleeps
            .iter()
            .map(|(path, s)| (redactor.apply(path), s.clone()))
            .collect(),
        metadata: RunMetadata::from_junit(&junit, redactor),
        profile: collected.profile.take().map(|p| p.finish(redactor)),
        warnings,
    }
}

fn timeline(c: &Collected) -> Timeline {
    let mut series: BTreeMap<Category, Vec<[i64; 2]>> = BTreeMap::new();
    for (&(at, cat), &n) in &c.timeline {
        series.entry(cat).or_default().push([at, n as i64]);
    }
    Timeline {
        start_s: c.timeline.keys().next().map(|k| k.0),
        end_s: c.timeline.keys().next_back().map(|k| k.0),
        series: series
            .into_iter()
            .map(|(category, points)| Series { category, points })
            .collect(),
    }
}

/// The collected groups, taken out, in the order of their first lines (the key decides
/// between groups that start on one line). The first line is read once per group, not
/// once per comparison: a sort of tens of thousands of groups otherwise chases pointers.
/// The sort moves small (line, index) pairs; each group of some 400 bytes moves once.
fn sorted_groups(c: &mut Collected) -> Vec<(GroupKey, EventGroup)> {
    let mut groups: Vec<Option<(GroupKey, EventGroup)>> = std::mem::take(&mut c.groups)
        .into_iter()
        .map(|(k, g)| Some((k.value, g)))
        .collect();
    let first_line = |i: usize| {
        groups[i]
            .as_ref()
            .and_then(|(_, g)| g.lines.first().copied())
    };
    let mut order: Vec<(Option<(u16, u64)>, usize)> =
        (0..groups.len()).map(|i| (first_line(i), i)).collect();
    let key = |i: usize| groups[i].as_ref().map(|(k, _)| k);
    order.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| key(a.1).cmp(&key(b.1))));
    order
        .into_iter()
        .filter_map(|(_, i)| groups[i].take())
        .collect()
}

/// Each group's path template, redacted: groups of one run share a few templates, and each
/// is redacted once.
fn redacted_paths(groups: &[(&GroupKey, &EventGroup)], redactor: Redactor) -> Vec<Option<String>> {
    let mut paths: crate::attribute::collect::HashMap<&str, String> = Default::default();
    groups
        .iter()
        .map(|(k, _)| {
            k.path
                .as_deref()
                .map(|p| paths.entry(p).or_insert_with(|| redactor.apply(p)).clone())
        })
        .collect()
}

fn is_one(n: &u64) -> bool {
    *n == 1
}

/// Formats a float without a needless `.0`.
pub fn trim_float(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

impl RunFacts {
    /// Categories present with at least one event.
    pub fn categories_present(&self) -> impl Iterator<Item = Category> + '_ {
        self.categories
            .iter()
            .filter(|c| c.events > 0)
            .map(|c| c.id)
    }
}

/// Small values for the unit tests of the stages that read [`RunFacts`].
#[cfg(test)]
pub mod fixtures {
    use super::*;

    /// A test `tests/t.py::NAME` with `outcome` and nothing else known.
    pub fn test_report(name: &str, outcome: &str) -> TestReport {
        TestReport {
            nodeid: format!("tests/t.py::{name}"),
            name: name.to_string(),
            outcome: outcome.to_string(),
            categories: Vec::new(),
            events: 0,
            category_events: BTreeMap::new(),
            count: 1,
            symptom: None,
            message: None,
            duration_s: None,
            teardown_error: false,
            location: Location { file: 0, line: 1 },
            outcome_source: "log",
            first_event_s: None,
            last_event_s: None,
            history: None,
        }
    }

    /// The facts of `tests` and `events` alone.
    pub fn analysis(tests: Vec<TestReport>, events: Vec<EventReport>) -> RunFacts {
        RunFacts {
            inputs: Vec::new(),
            summary: Summary::default(),
            tests,
            categories: Vec::new(),
            events,
            timeline: Timeline::default(),
            responses: Vec::new(),
            retry_gaps: BTreeMap::new(),
            retry_after: crate::attribute::collect::RetryAfterSeen::default(),
            retry_sleeps: BTreeMap::new(),
            metadata: Default::default(),
            profile: None,
            warnings: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;
