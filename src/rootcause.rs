//! Root-cause analysis over an [`Analysis`]: findings (events grouped by fingerprint),
//! root causes (findings clustered by failure family and target), a verdict for each with
//! its evidence and counter-evidence, and the quantitative cross-checks a careful person
//! would do by hand. Independent of any output format.

use crate::analysis::{Analysis, EventReport, Location, TestReport, trim_float};
use crate::baseline::BaselineRule;
use crate::event::EventKind;
use crate::model::{Category, Outcome};
use regex::Regex;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Hash maps and sets of this module: foldhash (their order is never printed).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;
use std::sync::LazyLock;

/// urllib3's and requests' default connection pool size.
pub const URLLIB3_DEFAULT_POOL: u32 = 10;

/// Events with the same fingerprint: category x target x endpoint x status.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// `F1`, `F2`, ... in order of first appearance.
    pub id: String,
    /// The fingerprint, e.g. `connect_timeout|10.10.10.100:443|POST /focus-server/configure|`.
    pub fingerprint: String,
    /// Category.
    pub category: Category,
    /// Cause behind retry exhaustion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Category>,
    /// `host:port` (or host).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// `METHOD /path/template`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// HTTP status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// All events.
    pub events: u64,
    /// Final failures among them.
    pub terminal_events: u64,
    /// Retry attempts among them.
    pub retry_attempts: u64,
    /// Tests with events of this finding.
    pub tests: Vec<String>,
    /// Of those, the failed or errored ones.
    pub failed_tests: Vec<String>,
    /// Timeouts seen (seconds).
    pub timeouts_s: Vec<f64>,
    /// Pool sizes seen.
    pub pool_sizes: Vec<u32>,
    /// Largest elapsed time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_elapsed_ms: Option<f64>,
    /// Earliest timestamp.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_at: Option<String>,
    /// Latest timestamp.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_at: Option<String>,
    /// First event lines (at most 20).
    pub locations: Vec<Location>,
    /// Distinct representative lines (dynamic values masked) with their counts.
    pub samples: Vec<SampleLine>,
    /// Indices into `Analysis::events` of the event groups in this finding.
    #[serde(skip)]
    pub event_indices: Vec<usize>,
}

/// A representative log line and how many events look like it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SampleLine {
    /// The line, redacted and with object addresses masked.
    pub text: String,
    /// Events it stands for.
    pub count: u64,
    /// Where the first of them is.
    pub location: Location,
}

/// What kind of trouble a root cause is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Connections could not be made (connect timeouts, refused, DNS, TLS, deadlines).
    Unreachable,
    /// The server answered with error statuses (503, 429, 5xx).
    ErrorResponses,
    /// The server accepted but was slow or dropped connections.
    SlowOrDropping,
    /// The client's connection pool was too small.
    ClientPool,
}

/// Where the cause most likely lies. The JSON names are a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum Locus {
    /// Network, firewall, server down.
    #[serde(rename = "infrastructure")]
    Infrastructure,
    /// The server is up but cannot take the load.
    #[serde(rename = "server capacity")]
    ServerCapacity,
    /// The HTTP client's configuration or code.
    #[serde(rename = "client code")]
    ClientCode,
    /// The tests themselves.
    #[serde(rename = "test code")]
    TestCode,
    /// Not enough evidence.
    #[serde(rename = "unknown")]
    Unknown,
}

impl Locus {
    /// The JSON name (`infrastructure`, `server capacity`, ...).
    pub fn id(self) -> &'static str {
        match self {
            Locus::Infrastructure => "infrastructure",
            Locus::ServerCapacity => "server capacity",
            Locus::ClientCode => "client code",
            Locus::TestCode => "test code",
            Locus::Unknown => "unknown",
        }
    }
}

/// How sure the verdict is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Several independent signals agree.
    High,
    /// One strong signal.
    Medium,
    /// A guess from weak signals.
    Low,
}

impl Confidence {
    /// The JSON name.
    pub fn id(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }
}

/// A verdict with what supports it and what speaks against it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Verdict {
    /// Where the cause most likely lies.
    pub locus: Locus,
    /// How sure.
    pub confidence: Confidence,
    /// One sentence.
    pub summary: String,
    /// Supporting facts, each with numbers and line numbers.
    pub evidence: Vec<String>,
    /// Facts that speak against it or limit it.
    pub counter_evidence: Vec<String>,
}

/// A quantitative check with its numbers.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CrossCheck {
    /// Stable id, e.g. `pool_vs_concurrency`.
    pub id: &'static str,
    /// What was compared.
    pub title: String,
    /// The result, stated with its numbers.
    pub statement: String,
    /// Lines the numbers come from.
    pub locations: Vec<Location>,
}

/// A root cause: related findings, the failed tests they explain, a verdict.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RootCause {
    /// `RC1`, `RC2`, ... most failed tests first.
    pub id: String,
    /// Short title, e.g. "127.0.0.1:54789 unreachable: connect timeouts".
    pub title: String,
    /// Failure family.
    pub family: Family,
    /// Target (`host:port` or host).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Ids of its findings.
    pub findings: Vec<String>,
    /// Categories involved.
    pub categories: Vec<Category>,
    /// Events in all its findings.
    pub events: u64,
    /// Failed tests whose main failure this is.
    pub failed_tests: Vec<String>,
    /// Other failed tests it also touched (contributing, not primary).
    pub contributing_to: Vec<String>,
    /// Passed tests that still showed these events.
    pub passed_tests_affected: Vec<String>,
    /// Failed tests whose every event falls inside one of this cause's outage windows.
    pub collateral_tests: Vec<String>,
    /// Stretches of time in which two or more tests failed of this cause together, with
    /// no successful response from the target in between (when the log shows responses).
    pub outage_windows: Vec<OutageWindow>,
    /// Outage window (first..last timestamp) when the log has times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// The verdict.
    pub verdict: Verdict,
    /// Cross-checks for this cause.
    pub cross_checks: Vec<CrossCheck>,
    /// What a re-probe of its server found (`rca analyze --probe`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reprobe: Option<crate::probe::fold::CauseReprobe>,
    /// This root cause against the recorded history (`rca analyze --history`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<crate::trend::recurrence::Recurrence>,
    /// Where the scanned code explains its evidence (`rca analyze --source DIR`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_links: Vec<crate::source::link::SourceLink>,
}

/// A time window.
#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
pub struct Window {
    /// Start, epoch seconds.
    pub start_s: i64,
    /// End, epoch seconds.
    pub end_s: i64,
}

/// A stretch of time in which several tests failed of one cause together.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OutageWindow {
    /// Start, epoch seconds (first event of the first test).
    pub start_s: i64,
    /// End, epoch seconds (last event of the last test).
    pub end_s: i64,
    /// Failed tests whose events all fall inside the window, in order of their first event.
    pub tests: Vec<String>,
    /// Successful responses from the target inside the window, when the log shows
    /// response lines for it (urllib3 debug, httpx info); `None` when it shows none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_ok: Option<u64>,
}

/// Everything root-cause analysis adds to an analysis.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct RootCauseAnalysis {
    /// "18 of 41 tests failed -> 3 root causes (+1 contributing)": the causes that are some
    /// failed test's main failure, then those that only contributed, so that the headline
    /// counts every cause the list shows.
    pub headline: String,
    /// Findings in order of first appearance.
    pub findings: Vec<Finding>,
    /// Root causes, most failed tests first.
    pub root_causes: Vec<RootCause>,
    /// Failed tests no root cause explains (assertions, test code, unknown).
    pub unexplained_failures: Vec<String>,
    /// Highest concurrency the run shows (test parameters, "N/N jobs" messages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_concurrency: Option<u32>,
    /// The capacity knee estimated from the load levels the log shows (`capacity` at the
    /// top level of the JSON); absent when no test shows a level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<crate::capacity::CapacityEstimate>,
}

static MASK_ADDR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"0x[0-9a-fA-F]+").expect("address mask"));
/// The client's ephemeral port in socket reprs (`laddr=('10.0.0.5', 51234)`), which differs
/// on every connection.
static MASK_LOCAL_PORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(laddr=\((?:'[^']*'|\[[^\]]*\]|[^,()]*), )\d{1,5}\)").expect("local port mask")
});
static MASK_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?\s*").expect("time mask")
});

/// Tests by node id (lookups happen per event and per test on runs of thousands of tests).
type TestIndex<'a> = HashMap<&'a str, &'a TestReport>;

/// Runs root-cause analysis, finding baseline tests by their names.
pub fn analyse(a: &Analysis) -> RootCauseAnalysis {
    analyse_with(a, &BaselineRule::default())
}

/// Runs root-cause analysis with a project's own rule for its baseline tests.
pub fn analyse_with(a: &Analysis, rule: &BaselineRule) -> RootCauseAnalysis {
    let index: TestIndex<'_> = a.tests.iter().map(|t| (t.nodeid.as_str(), t)).collect();
    let findings = findings(a, &index);
    // Each test's concurrency read once: the observed concurrency and the default
    // baseline rule both ask it; every root cause asks for the baselines.
    let concurrency: Vec<Option<u32>> = a.tests.iter().map(test_concurrency).collect();
    let observed_concurrency = concurrency.iter().flatten().copied().max();
    let baselines: Vec<&TestReport> = a
        .tests
        .iter()
        .zip(&concurrency)
        .filter(|(t, c)| rule.matches_at(t, || **c))
        .map(|(t, _)| t)
        .collect();
    let capacity = crate::capacity::estimate(a, &concurrency);
    let mut root_causes = cluster(a, &index, &findings);
    let mut explained = BTreeSet::new();
    for rc in &root_causes {
        explained.extend(rc.failed_tests.iter().cloned());
    }
    // The tests at or above the log's knee, once for every cause.
    let knee_tests: HashSet<&str> = capacity
        .iter()
        .flat_map(|e| e.failing_tests.iter().map(String::as_str))
        .collect();
    for rc in &mut root_causes {
        rc.verdict = verdict(a, rc, &findings, &baselines);
        if let Some(e) = &capacity {
            weigh_capacity(rc, e, &knee_tests);
        }
        rc.cross_checks = cross_checks(a, rc, &findings, observed_concurrency, &baselines);
        if let Some(c) = rc
            .cross_checks
            .iter_mut()
            .find(|c| c.id == "baseline_vs_load")
        {
            c.statement = format!("{}; {}", c.statement, rule.describe());
        }
    }
    let unexplained_failures: Vec<String> = a
        .tests
        .iter()
        .filter(|t| is_failed(t) && !explained.contains(&t.nodeid))
        .map(|t| t.nodeid.clone())
        .collect();
    let failed = a.summary.failed + a.summary.errors;
    let primary = root_causes
        .iter()
        .filter(|r| !r.failed_tests.is_empty())
        .count();
    let headline = if a.summary.total == 0 {
        // An excerpt without test results: say what the events show.
        format!(
            "no test results in the input -> {} root cause{} from {} event(s)",
            root_causes.len(),
            if root_causes.len() == 1 { "" } else { "s" },
            root_causes.iter().map(|r| r.events).sum::<u64>()
        )
    } else {
        let contributing = root_causes.len() - primary;
        format!(
            "{failed} of {} tests failed -> {primary} root cause{}{}{}",
            a.summary.total,
            if primary == 1 { "" } else { "s" },
            if contributing == 0 {
                String::new()
            } else {
                format!(" (+{contributing} contributing)")
            },
            if unexplained_failures.is_empty() {
                String::new()
            } else {
                format!(
                    " (+{} failure(s) without an HTTP-client cause)",
                    unexplained_failures.len()
                )
            }
        )
    };
    RootCauseAnalysis {
        headline,
        findings,
        root_causes,
        unexplained_failures,
        observed_concurrency,
        capacity,
    }
}

/// The log's capacity estimate in the verdict of a cause whose failures are the load
/// levels at or above the knee: evidence always; and where nothing else told down from
/// overloaded, levels that passed below the knee say overloaded (the server answered them).
fn weigh_capacity(
    rc: &mut RootCause,
    e: &crate::capacity::CapacityEstimate,
    knee_tests: &HashSet<&str>,
) {
    let touches = rc
        .failed_tests
        .iter()
        .chain(&rc.contributing_to)
        .any(|t| knee_tests.contains(t.as_str()));
    if !touches {
        return;
    }
    let v = &mut rc.verdict;
    v.evidence.push(format!(
        "the log's load levels: {} ({} confidence)",
        e.statement,
        e.confidence.id()
    ));
    let target = rc.target.as_deref().unwrap_or("the target");
    if let (Some(k), Some(g)) = (e.knee, e.last_good)
        && rc.family == Family::Unreachable
        && v.locus == Locus::Infrastructure
        && v.confidence == Confidence::Low
        && e.confidence != Confidence::Low
    {
        v.locus = Locus::ServerCapacity;
        v.confidence = Confidence::Medium;
        v.summary = format!(
            "{target} kept up with the load levels up to {g} and failed from {k}: overloaded, not down"
        );
    } else if let (Some(k), Some(g)) = (e.knee, e.last_good)
        && v.locus == Locus::ServerCapacity
        && v.confidence == Confidence::Medium
        && e.confidence == Confidence::High
    {
        v.confidence = Confidence::High;
        v.summary = format!(
            "{}; the log's load levels passed up to {g} and failed from {k}: a capacity limit, not an outage",
            v.summary
        );
    }
}

fn is_failed(t: &TestReport) -> bool {
    t.outcome == Outcome::Failed.id() || t.outcome == Outcome::Error.id()
}

fn target_of(e: &EventReport) -> Option<String> {
    e.host.as_ref().map(|h| match e.port {
        Some(p) => format!("{h}:{p}"),
        None => h.clone(),
    })
}

fn endpoint_of(e: &EventReport) -> Option<String> {
    match (&e.method, &e.path) {
        (Some(m), Some(p)) => Some(format!("{m} {p}")),
        (None, Some(p)) => Some(p.clone()),
        _ => None,
    }
}

/// The text without a leading timestamp (`2026-11-27 09:50:36 `), as [`mask_line`] drops it.
pub fn strip_time(text: &str) -> std::borrow::Cow<'_, str> {
    MASK_TIME.replace(text, "")
}

/// Masks object addresses and a leading timestamp so that lines of one kind group together.
pub fn mask_line(text: &str) -> String {
    let t = MASK_TIME.replace(text, "");
    let t = MASK_LOCAL_PORT.replace_all(&t, "${1}{port})");
    MASK_ADDR.replace_all(&t, "0x…").into_owned()
}

/// (category, target, path, status): one failure at one endpoint, whatever the method.
type FailureAt<'a> = (Category, Option<String>, &'a str, Option<u16>);

/// An empty finding for the first event with fingerprint `fp`.
fn new_finding(
    e: &EventReport,
    fp: &str,
    target: &Option<String>,
    endpoint: &Option<String>,
) -> Finding {
    Finding {
        id: String::new(),
        fingerprint: fp.to_string(),
        category: e.category,
        cause: e.cause,
        target: target.clone(),
        endpoint: endpoint.clone(),
        status: e.status,
        events: 0,
        terminal_events: 0,
        retry_attempts: 0,
        tests: Vec::new(),
        failed_tests: Vec::new(),
        timeouts_s: Vec::new(),
        pool_sizes: Vec::new(),
        max_elapsed_ms: None,
        first_at: None,
        last_at: None,
        locations: Vec::new(),
        samples: Vec::new(),
        event_indices: Vec::new(),
    }
}

fn findings(a: &Analysis, tests_by_id: &TestIndex<'_>) -> Vec<Finding> {
    // Findings in order of first appearance, found by fingerprint.
    let mut out: Vec<Finding> = Vec::new();
    let mut slot: HashMap<String, usize> = HashMap::default();
    // Tracebacks rarely name the method; borrow it from records of the same failure.
    let mut methods: BTreeMap<FailureAt<'_>, BTreeSet<&str>> = BTreeMap::new();
    for e in &a.events {
        if let (Some(m), Some(p)) = (&e.method, &e.path) {
            methods
                .entry((e.category, target_of(e), p.as_str(), e.status))
                .or_default()
                .insert(m.as_str());
        }
    }
    // (finding, test) pairs already counted and (finding, masked sample) positions: sets
    // and maps, as one finding may hold 100k tests with as many distinct lines.
    let mut seen_tests: HashSet<(usize, &str)> = HashSet::default();
    let mut sample_at: HashMap<(usize, String), usize> = HashMap::default();
    for (index, e) in a.events.iter().enumerate() {
        let target = target_of(e);
        let endpoint = match (&e.method, &e.path) {
            (None, Some(p)) => {
                match methods.get(&(e.category, target.clone(), p.as_str(), e.status)) {
                    Some(ms) if ms.len() == 1 => {
                        Some(format!("{} {p}", ms.iter().next().unwrap_or(&"")))
                    }
                    _ => Some(p.clone()),
                }
            }
            _ => endpoint_of(e),
        };
        let fp = format!(
            "{}{}|{}|{}|{}",
            e.category.id(),
            e.cause.map(|c| format!("<{}", c.id())).unwrap_or_default(),
            target.as_deref().unwrap_or(""),
            endpoint.as_deref().unwrap_or(""),
            e.status.map(|s| s.to_string()).unwrap_or_default()
        );
        let fi = match slot.get(&fp) {
            Some(&i) => i,
            None => {
                slot.insert(fp.clone(), out.len());
                out.push(new_finding(e, &fp, &target, &endpoint));
                out.len() - 1
            }
        };
        let f = &mut out[fi];
        f.event_indices.push(index);
        f.events += e.count;
        match e.kind {
            EventKind::Terminal => f.terminal_events += e.count,
            EventKind::RetryAttempt => f.retry_attempts += e.count,
            EventKind::PoolWarning => {}
        }
        if let Some(t) = &e.test
            && seen_tests.insert((fi, t.as_str()))
        {
            f.tests.push(t.clone());
            if tests_by_id.get(t.as_str()).is_some_and(|x| is_failed(x)) {
                f.failed_tests.push(t.clone());
            }
        }
        for t in &e.timeouts_s {
            if !f.timeouts_s.contains(t) {
                f.timeouts_s.push(*t);
            }
        }
        for p in &e.pool_sizes {
            if !f.pool_sizes.contains(p) {
                f.pool_sizes.push(*p);
            }
        }
        if let Some(ms) = e.max_elapsed_ms {
            f.max_elapsed_ms = Some(f.max_elapsed_ms.map_or(ms, |m| m.max(ms)));
        }
        if let Some(t) = &e.first_at
            && f.first_at.as_ref().is_none_or(|x| t < x)
        {
            f.first_at = Some(t.clone());
        }
        if let Some(t) = &e.last_at
            && f.last_at.as_ref().is_none_or(|x| t > x)
        {
            f.last_at = Some(t.clone());
        }
        f.locations.extend(e.locations.iter().copied());
        let masked = mask_line(&e.sample);
        match sample_at.entry((fi, masked)) {
            std::collections::hash_map::Entry::Occupied(at) => {
                f.samples[*at.get()].count += e.count;
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                f.samples.push(SampleLine {
                    text: slot.key().1.clone(),
                    count: e.count,
                    location: e.locations.first().copied().unwrap_or(e.last),
                });
                slot.insert(f.samples.len() - 1);
            }
        }
    }
    for (i, f) in out.iter_mut().enumerate() {
        f.id = format!("F{}", i + 1);
        f.locations.sort();
        f.locations.truncate(crate::event::MAX_LINES_PER_GROUP);
        f.samples
            .sort_by(|a, b| b.count.cmp(&a.count).then(a.location.cmp(&b.location)));
        f.samples.truncate(5);
    }
    out
}

/// The family of a category (with the cause behind retry exhaustion).
pub fn family(category: Category, cause: Option<Category>, status: Option<u16>) -> Family {
    match category {
        Category::RetryExhausted => match (cause, status) {
            (Some(c), _) if c != Category::RetryExhausted => family(c, None, None),
            _ => Family::ErrorResponses,
        },
        // A deadline that wraps a known failure (openai's APITimeoutError over a read
        // timeout) belongs with that failure.
        Category::RequestTimeout if cause.is_some_and(|c| c != Category::RequestTimeout) => {
            family(cause.unwrap_or(category), None, status)
        }
        Category::ConnectTimeout
        | Category::ConnectionRefused
        | Category::DnsFailure
        | Category::TlsError
        | Category::RequestTimeout => Family::Unreachable,
        Category::ReadTimeout | Category::ConnectionReset => Family::SlowOrDropping,
        Category::HttpError | Category::RateLimited => Family::ErrorResponses,
        Category::PoolFull | Category::PoolExhausted => Family::ClientPool,
    }
}

/// Targets that answered in this run: HTTP responses in the log, error statuses, or
/// read timeouts and resets (the connection was accepted). Such a server was reachable, so
/// none of its failures may be called "unreachable".
fn answered_targets(a: &Analysis, findings: &[Finding]) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = a
        .responses
        .iter()
        .filter(|r| r.ok + r.errors > 0)
        .map(|r| r.target.clone())
        .collect();
    for f in findings {
        let fam = family(f.category, f.cause, f.status);
        let spoke = f.status.is_some() || fam == Family::SlowOrDropping;
        if spoke && let Some(t) = f.target.as_deref() {
            out.insert(t.to_string());
        }
    }
    out
}

/// The host part of a target (`host:port` -> `host`).
fn host_of(target: &str) -> &str {
    match target.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => target,
    }
}

fn cluster(a: &Analysis, index: &TestIndex<'_>, findings: &[Finding]) -> Vec<RootCause> {
    // Application deadlines join the connect-failure cluster of their target when there is
    // one (a deadline hit because connects kept timing out or were refused and retried),
    // else the slow-server cluster: a TLS or DNS error fails fast and explains no deadline.
    let spoke = answered_targets(a, findings);
    let unreachable_targets: BTreeSet<&str> = findings
        .iter()
        .filter(|f| {
            matches!(
                f.cause.unwrap_or(f.category),
                Category::ConnectTimeout | Category::ConnectionRefused
            )
        })
        .filter_map(|f| f.target.as_deref())
        .collect();
    // urllib3 1.26 and bare "Connection to host timed out" lines name no port: such a
    // target stands for every port of its host, and a port-less deadline for any of them.
    let unreachable_hosts: BTreeSet<&str> =
        unreachable_targets.iter().map(|t| host_of(t)).collect();
    let portless_unreachable: BTreeSet<&str> = unreachable_targets
        .iter()
        .copied()
        .filter(|t| host_of(t) == *t)
        .collect();
    let family_of = |f: &Finding| {
        let fam = family(f.category, f.cause, f.status);
        if f.category == Category::RequestTimeout
            && !f.target.as_deref().is_some_and(|t| {
                unreachable_targets.contains(t)
                    || portless_unreachable.contains(host_of(t))
                    || (host_of(t) == t && unreachable_hosts.contains(t))
            })
        {
            Family::SlowOrDropping
        } else {
            fam
        }
    };
    // urllib3 1.26's `<HTTPSConnection object at 0x..>` names no port: such a finding joins
    // the one target of its family on the same host, when there is exactly one.
    let mut ported: BTreeMap<(Family, &str), BTreeSet<&str>> = BTreeMap::new();
    for f in findings {
        if let Some(t) = f.target.as_deref()
            && host_of(t) != t
        {
            ported
                .entry((family_of(f), host_of(t)))
                .or_default()
                .insert(t);
        }
    }
    let mut clusters: BTreeMap<(Family, String), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        let fam = family_of(f);
        let target = f.target.as_deref().map(|t| match ported.get(&(fam, t)) {
            Some(set) if host_of(t) == t && set.len() == 1 => {
                set.iter().next().copied().unwrap_or(t)
            }
            _ => t,
        });
        let is_dns = f.cause.unwrap_or(f.category) == Category::DnsFailure;
        let key = match fam {
            Family::ClientPool => target.map(host_of).unwrap_or("").to_string(),
            // A name that does not resolve fails the same way on every port.
            Family::Unreachable if is_dns => format!("dns|{}", target.map(host_of).unwrap_or("")),
            Family::ErrorResponses => format!(
                "{}|{}",
                target.unwrap_or(""),
                f.status.map(|s| s.to_string()).unwrap_or_default()
            ),
            // Without a target, different failure kinds are not assumed to share a cause.
            _ => target.map_or_else(
                || format!("?{}", f.cause.unwrap_or(f.category).id()),
                str::to_string,
            ),
        };
        clusters.entry((fam, key)).or_default().push(f);
    }
    // Each failed test's primary cause: the cluster with most of its final failures (ties:
    // the first cluster in key order). Clusters are numbered in key order.
    let clusters: Vec<((Family, String), Vec<&Finding>)> = clusters.into_iter().collect();
    let mut terminal_by_test: HashMap<&str, BTreeMap<usize, u64>> = HashMap::default();
    for (ci, (_, fs)) in clusters.iter().enumerate() {
        for f in fs {
            let events = f.event_indices.iter().map(|&i| &a.events[i]);
            for e in events.filter(|e| e.kind == EventKind::Terminal) {
                if let Some(t) = &e.test {
                    *terminal_by_test
                        .entry(t.as_str())
                        .or_default()
                        .entry(ci)
                        .or_default() += e.count;
                }
            }
        }
    }
    let primary_of: HashMap<&str, usize> = terminal_by_test
        .iter()
        .filter_map(|(t, m)| {
            m.iter()
                .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                .map(|(ci, _)| (*t, *ci))
        })
        .collect();
    let mut out: Vec<RootCause> = clusters
        .into_iter()
        .enumerate()
        .map(|(ci, ((fam, key), fs))| {
            let mut failed = Vec::new();
            let mut contributing = Vec::new();
            let mut passed = Vec::new();
            let mut listed: HashSet<&str> = HashSet::default();
            for f in &fs {
                for t in &f.tests {
                    let is_fail = index.get(t.as_str()).is_some_and(|x| is_failed(x));
                    let primary = primary_of.get(t.as_str()) == Some(&ci);
                    let list = if !is_fail {
                        &mut passed
                    } else if primary {
                        &mut failed
                    } else {
                        &mut contributing
                    };
                    if listed.insert(t.as_str()) {
                        list.push(t.clone());
                    }
                }
            }
            // A failed test with no final failure anywhere is explained by its only cluster.
            contributing.retain(|t: &String| {
                if primary_of.contains_key(t.as_str()) {
                    true
                } else {
                    failed.push(t.clone());
                    false
                }
            });
            // The cluster key holds the resolved target (a port-less 1.26 repr joined its
            // ported twin); DNS and pool causes are per host.
            let target = match fam {
                Family::ErrorResponses => key.split('|').next().map(str::to_string),
                _ => Some(key.strip_prefix("dns|").unwrap_or(&key).to_string()),
            }
            .filter(|t| !t.is_empty() && !t.starts_with('?'));
            let mut categories: Vec<Category> = fs.iter().map(|f| f.category).collect();
            categories.sort();
            categories.dedup();
            let window = window_of(&fs);
            let answered = target
                .as_deref()
                .and_then(|t| a.responses.iter().find(|r| r.target == t));
            let outages = outage_windows(index, &failed, answered);
            let collateral = outages.iter().flat_map(|w| w.tests.clone()).collect();
            RootCause {
                id: String::new(),
                title: title(
                    fam,
                    target.as_deref(),
                    &fs,
                    target.as_deref().is_some_and(|t| spoke.contains(t)),
                ),
                family: fam,
                target,
                findings: fs.iter().map(|f| f.id.clone()).collect(),
                categories,
                events: fs.iter().map(|f| f.events).sum(),
                failed_tests: failed,
                contributing_to: contributing,
                passed_tests_affected: passed,
                collateral_tests: collateral,
                outage_windows: outages,
                window,
                verdict: Verdict {
                    locus: Locus::Unknown,
                    confidence: Confidence::Low,
                    summary: String::new(),
                    evidence: Vec::new(),
                    counter_evidence: Vec::new(),
                },
                cross_checks: Vec::new(),
                reprobe: None,
                history: None,
                source_links: Vec::new(),
            }
        })
        .collect();
    out.sort_by(|x, y| {
        y.failed_tests
            .len()
            .cmp(&x.failed_tests.len())
            .then(y.events.cmp(&x.events))
    });
    for (i, rc) in out.iter_mut().enumerate() {
        rc.id = format!("RC{}", i + 1);
    }
    out
}

/// A cause's title; `answered`: the target answered other requests in this run, so its
/// connection failures are not called "unreachable".
fn title(fam: Family, target: Option<&str>, fs: &[&Finding], answered: bool) -> String {
    let target = target.unwrap_or("unknown target");
    let cats: BTreeSet<&str> = fs
        .iter()
        .map(|f| f.cause.unwrap_or(f.category).id())
        .collect();
    let cats: Vec<&str> = cats.into_iter().collect();
    match fam {
        Family::Unreachable if answered => format!(
            "{target} connection failures although it answered other requests: {}",
            cats.join(", ")
        ),
        // A TLS handshake needs a TCP connection: such a server was reached.
        Family::Unreachable if cats == ["tls_error"] => {
            format!("{target} failed the TLS handshake: tls_error")
        }
        Family::Unreachable => format!("{target} unreachable: {}", cats.join(", ")),
        Family::ErrorResponses => {
            let status = fs.iter().find_map(|f| f.status);
            match status {
                Some(s) => format!("{target} answered HTTP {s}"),
                None => format!("{target} answered error statuses"),
            }
        }
        Family::SlowOrDropping => {
            format!("{target} slow or dropping connections: {}", cats.join(", "))
        }
        Family::ClientPool => {
            let sizes: BTreeSet<u32> = fs
                .iter()
                .flat_map(|f| f.pool_sizes.iter().copied())
                .collect();
            let host = host_of(target);
            match sizes.iter().next() {
                Some(s) => format!("client connection pool for {host} too small (size {s})"),
                None => format!("client connection pool for {host} exhausted"),
            }
        }
    }
}

fn window_of(fs: &[&Finding]) -> Option<Window> {
    let start = fs
        .iter()
        .filter_map(|f| f.first_at.as_deref().and_then(crate::event::epoch_seconds))
        .min()?;
    let end = fs
        .iter()
        .filter_map(|f| f.last_at.as_deref().and_then(crate::event::epoch_seconds))
        .max()?;
    Some(Window {
        start_s: start,
        end_s: end,
    })
}

/// Two failed tests belong to one outage when the second one's first event comes at most
/// this long after the first one's last event.
const OUTAGE_GAP_S: i64 = 10;

/// Groups the failed tests of a cause into outage windows: tests whose failures overlap or
/// follow each other within [`OUTAGE_GAP_S`], unless the target answered successfully in
/// the gap between them (then the server was up in between and these are two episodes).
/// A window needs two tests or more: its tests are collateral of one outage, not
/// independent failures.
fn outage_windows(
    index: &TestIndex<'_>,
    failed: &[String],
    answered: Option<&crate::responses::TargetResponses>,
) -> Vec<OutageWindow> {
    let mut spans: Vec<(i64, i64, &String)> = failed
        .iter()
        .filter_map(|t| {
            let x = index.get(t.as_str())?;
            Some((x.first_event_s?, x.last_event_s?, t))
        })
        .collect();
    spans.sort();
    let mut windows: Vec<OutageWindow> = Vec::new();
    for (start, end, test) in spans {
        let joins = windows.last().is_some_and(|w| {
            start <= w.end_s + OUTAGE_GAP_S
                && (start <= w.end_s
                    || answered.is_none_or(|r| r.ok_between(w.end_s + 1, start - 1) == 0))
        });
        match windows.last_mut() {
            Some(w) if joins => {
                w.end_s = w.end_s.max(end);
                w.tests.push(test.clone());
            }
            _ => windows.push(OutageWindow {
                start_s: start,
                end_s: end,
                tests: vec![test.clone()],
                answered_ok: None,
            }),
        }
    }
    windows.retain(|w| w.tests.len() >= 2);
    for w in &mut windows {
        w.answered_ok = answered.map(|r| r.ok_between(w.start_s, w.end_s));
    }
    windows
}

static CONCURRENCY_PARAM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:concurrency|concurrent|workers?|threads?|users?|parallel|clients?|c)[-_=:]?(\d{1,5})|^(\d{1,5})$")
        .expect("concurrency pattern")
});
static N_OF_N: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,5})/(\d{1,5}) (?:jobs|requests|tasks|polls|calls|workers|threads)")
        .expect("n of n pattern")
});

/// The concurrency a test ran at, from its parameters (`[50]`, `[concurrency-200]`) or
/// its failure message ("10/10 jobs failed").
pub fn test_concurrency(t: &TestReport) -> Option<u32> {
    let mut best = param_concurrency(t);
    for text in [t.message.as_deref(), t.symptom.as_deref()]
        .into_iter()
        .flatten()
    {
        if let Some(c) = N_OF_N.captures(text)
            && let Some(n) = c.get(2).and_then(|m| m.as_str().parse::<u32>().ok())
        {
            best = best.max(Some(n));
        }
    }
    best
}

/// The concurrency a test's parameters name (`[50]` in a test about load,
/// `[concurrency-200]`, `[workers=8]`).
pub fn param_concurrency(t: &TestReport) -> Option<u32> {
    // Most tests have no parameters: nothing to read.
    if !t.name.ends_with(']') {
        return None;
    }
    let mut best = None;
    let lower = t.name.to_ascii_lowercase();
    // A bare number (`[50]`) is a load level only in a test about load.
    let base = lower.split('[').next().unwrap_or("");
    let about_load = base.split('_').any(|word| {
        [
            "load",
            "concurr",
            "parallel",
            "burst",
            "stress",
            "progression",
            "ramp",
            "scal",
        ]
        .iter()
        .any(|stem| word.starts_with(stem))
    });
    if let (Some(open), true) = (t.name.find('['), t.name.ends_with(']')) {
        for part in t.name[open + 1..t.name.len() - 1].split(['-', ',', ' ']) {
            if let Some(c) = CONCURRENCY_PARAM.captures(part) {
                let n = c
                    .get(1)
                    .or(c.get(2).filter(|_| about_load))
                    .and_then(|m| m.as_str().parse::<u32>().ok());
                best = best.max(n);
            }
        }
        // `concurrency-200` splits into two parts: look at the whole too.
        for c in CONCURRENCY_PARAM.captures_iter(&t.name[open + 1..t.name.len() - 1]) {
            if let Some(n) = c.get(1).and_then(|m| m.as_str().parse::<u32>().ok()) {
                best = best.max(Some(n));
            }
        }
    }
    best
}

fn first_lines(fs: &[&Finding], n: usize) -> String {
    let mut locs: Vec<Location> = fs
        .iter()
        .flat_map(|f| f.locations.iter().copied())
        .collect();
    locs.sort();
    locs.dedup();
    let shown: Vec<String> = locs
        .iter()
        .take(n)
        .map(|l| format!("L{}", l.line))
        .collect();
    shown.join(", ")
}

/// The findings of a root cause, in the order it lists them.
fn findings_of<'f>(rc: &RootCause, all: &'f [Finding]) -> Vec<&'f Finding> {
    let ids: HashSet<&str> = rc.findings.iter().map(String::as_str).collect();
    all.iter().filter(|f| ids.contains(f.id.as_str())).collect()
}

fn verdict(a: &Analysis, rc: &RootCause, all: &[Finding], baselines: &[&TestReport]) -> Verdict {
    let fs = findings_of(rc, all);
    let target = rc
        .target
        .clone()
        .unwrap_or_else(|| "the target".to_string());
    let mut evidence = vec![format!(
        "{} event(s) in {} finding(s) ({}), first at {}",
        rc.events,
        fs.len(),
        rc.categories
            .iter()
            .map(|c| c.id())
            .collect::<Vec<_>>()
            .join(", "),
        first_lines(&fs, 3)
    )];
    let mut counter = Vec::new();
    let touched: HashSet<&str> = fs
        .iter()
        .flat_map(|f| f.tests.iter().map(String::as_str))
        .collect();
    let baseline_failed: Vec<&&TestReport> = baselines
        .iter()
        .filter(|t| touched.contains(t.nodeid.as_str()) && is_failed(t))
        .collect();
    let baseline_passed: Vec<&TestReport> = baselines
        .iter()
        .copied()
        .filter(|t| t.outcome == "passed")
        .collect();
    if !rc.failed_tests.is_empty() {
        evidence.push(format!(
            "{} failed test(s) have this as their main failure",
            rc.failed_tests.len()
        ));
    }
    if !rc.passed_tests_affected.is_empty() {
        counter.push(format!(
            "{} test(s) showed these events and still passed",
            rc.passed_tests_affected.len()
        ));
    }
    // Successful responses from the same target while it was failing.
    let answered = rc.target.as_deref().and_then(|t| {
        let r = a.responses.iter().find(|r| r.target == t)?;
        let (ok, scope) = match rc.window {
            Some(w) if !r.by_second.is_empty() => {
                (r.ok_between(w.start_s, w.end_s), "in the same window")
            }
            _ => (r.ok, "during the run"),
        };
        (ok > 0).then_some((ok, scope, r.errors))
    });
    if let Some((ok, scope, errors)) = answered {
        counter.push(format!(
            "{target} answered {ok} request(s) successfully {scope} ({errors} error response(s) in all)"
        ));
    }
    let spoke = rc
        .target
        .as_deref()
        .is_some_and(|t| answered_targets(a, all).contains(t));
    let (locus, confidence, summary) = match rc.family {
        Family::Unreachable if answered.is_none() && spoke => {
            let cats: Vec<&str> = rc.categories.iter().map(|c| c.id()).collect();
            (
                Locus::Unknown,
                Confidence::Low,
                format!(
                    "connections to {target} failed ({}) although it answered other requests in this run (error statuses or slow answers): a scheme, TLS or port mismatch on these requests, or an intermittent network fault, not a server that is down",
                    cats.join(", ")
                ),
            )
        }
        Family::Unreachable if answered.is_some() => {
            let ok = answered.map_or(0, |a| a.0);
            (
                Locus::ServerCapacity,
                Confidence::Medium,
                format!(
                    "{target} answered {ok} other request(s) while these failed: overloaded or flapping, not down"
                ),
            )
        }
        Family::Unreachable => {
            if !baseline_failed.is_empty() {
                evidence.push(format!(
                    "the single-request baseline failed too ({}): the target fails without load",
                    baseline_failed
                        .iter()
                        .map(|t| t.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                (
                    Locus::Infrastructure,
                    if baseline_passed.is_empty() {
                        Confidence::High
                    } else {
                        Confidence::Medium
                    },
                    format!(
                        "{target} could not be reached even without load: server down, firewall or network"
                    ),
                )
            } else if !baseline_passed.is_empty() {
                counter.push(format!(
                    "baseline test(s) passed: {}",
                    baseline_passed
                        .iter()
                        .map(|t| t.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                (
                    Locus::ServerCapacity,
                    Confidence::Medium,
                    format!(
                        "{target} accepts single requests but stops accepting connections under load"
                    ),
                )
            } else {
                (
                    Locus::Infrastructure,
                    Confidence::Low,
                    format!(
                        "{target} could not be reached; no baseline test tells down from overloaded"
                    ),
                )
            }
        }
        Family::ErrorResponses => {
            let status = fs.iter().find_map(|f| f.status);
            match status {
                Some(503) | Some(429) | Some(502) | Some(504) => (
                    Locus::ServerCapacity,
                    Confidence::Medium,
                    format!(
                        "{target} is up but refuses work with HTTP {}: overloaded or an unhealthy upstream",
                        status.unwrap_or_default()
                    ),
                ),
                Some(s) if s >= 500 => (
                    Locus::Unknown,
                    Confidence::Low,
                    format!(
                        "{target} answered HTTP {s}: a server-side error; its logs must say why"
                    ),
                ),
                Some(s) => (
                    Locus::TestCode,
                    Confidence::Low,
                    format!(
                        "{target} rejected the requests with HTTP {s}: check what the tests send"
                    ),
                ),
                None => (
                    Locus::Unknown,
                    Confidence::Low,
                    format!("{target} answered error statuses"),
                ),
            }
        }
        Family::SlowOrDropping => (
            Locus::ServerCapacity,
            Confidence::Medium,
            format!("{target} accepted connections but answered too slowly or dropped them"),
        ),
        Family::ClientPool => {
            let sizes: BTreeSet<u32> = fs
                .iter()
                .flat_map(|f| f.pool_sizes.iter().copied())
                .collect();
            if sizes.contains(&URLLIB3_DEFAULT_POOL) {
                evidence.push(format!(
                    "pool size {URLLIB3_DEFAULT_POOL} is the urllib3/requests default: a session without explicit pool settings"
                ));
            }
            (
                Locus::ClientCode,
                if sizes.is_empty() {
                    Confidence::Medium
                } else {
                    Confidence::High
                },
                "the client opened more concurrent connections than its pool keeps".to_string(),
            )
        }
    };
    Verdict {
        locus,
        confidence,
        summary,
        evidence,
        counter_evidence: counter,
    }
}

fn cross_checks(
    a: &Analysis,
    rc: &RootCause,
    all: &[Finding],
    concurrency: Option<u32>,
    baselines: &[&TestReport],
) -> Vec<CrossCheck> {
    let fs = findings_of(rc, all);
    let mut out = Vec::new();
    if let Some(c) = pool_vs_concurrency(&fs, concurrency) {
        out.push(c);
    }
    if let Some(c) = elapsed_vs_timeout(a, &fs) {
        out.push(c);
    }
    if let Some(c) = retry_amplification(a, &fs) {
        out.push(c);
    }
    if let Some(c) = baseline_vs_load(rc, baselines) {
        out.push(c);
    }
    if let Some(c) = status_retries(&fs) {
        out.push(c);
    }
    if let Some(c) = observed_backoff(a, rc, &fs) {
        out.push(c);
    }
    if let Some(c) = retry_after(a, &fs) {
        out.push(c);
    }
    out
}

/// The time between consecutive retries of one request against the timeout: what is left
/// is the backoff the client actually waited.
pub fn observed_backoff(a: &Analysis, rc: &RootCause, fs: &[&Finding]) -> Option<CrossCheck> {
    if fs.iter().all(|f| f.retry_attempts == 0) {
        return None;
    }
    if let Some(slept) = sleeps_for(a, fs.iter().copied(), false) {
        return Some(CrossCheck {
            id: "observed_backoff",
            title: "backoff observed between attempts".to_string(),
            statement: format!(
                "urllib3 slept {:.2}-{:.2} s (mean {:.2} s) before each of {} retr(ies) after a connection error (between its DEBUG 'Incremented Retry' and 'Retrying' lines)",
                slept.min_ms as f64 / 1000.0,
                slept.max_ms as f64 / 1000.0,
                slept.mean_s(),
                slept.pairs
            ),
            locations: fs
                .iter()
                .filter(|f| f.retry_attempts > 0)
                .flat_map(|f| f.locations.iter().copied())
                .take(3)
                .collect(),
        });
    }
    let target = rc.target.as_deref()?;
    let gaps = a
        .retry_gaps
        .get(target)
        .or_else(|| a.retry_gaps.get(host_of(target)))
        .filter(|g| g.pairs > 0)?;
    let mean = gaps.mean_s();
    let mut statement = format!(
        "consecutive retries of one request were {:.1} s apart on average ({} pair(s), {:.1}-{:.1} s)",
        mean,
        gaps.pairs,
        gaps.min_ms as f64 / 1000.0,
        gaps.max_ms as f64 / 1000.0
    );
    if let Some(t) = gaps.timeout_s {
        let backoff = mean - t;
        if backoff < 0.2 && gaps.precise {
            statement.push_str(&format!(
                "; with a {} s timeout that leaves no visible backoff between attempts",
                trim_float(t)
            ));
        } else {
            statement.push_str(&format!(
                "; with a {} s timeout that leaves about {:.1} s of backoff per retry",
                trim_float(t),
                backoff.max(0.0)
            ));
        }
    }
    if !gaps.precise {
        statement.push_str("; the log's timestamps have 1 s resolution");
    }
    Some(CrossCheck {
        id: "observed_backoff",
        title: "backoff observed between attempts".to_string(),
        statement,
        locations: fs
            .iter()
            .filter(|f| f.retry_attempts > 0)
            .flat_map(|f| f.locations.iter().copied())
            .take(3)
            .collect(),
    })
}

/// Status retries that ran out ("too many 503 error responses"), and on which methods.
pub fn status_retries(fs: &[&Finding]) -> Option<CrossCheck> {
    let exhausted: Vec<&&Finding> = fs
        .iter()
        .filter(|f| f.category == Category::RetryExhausted && f.status.is_some())
        .collect();
    let first = exhausted.first()?;
    let status = first.status?;
    let requests: u64 = exhausted.iter().map(|f| f.terminal_events).sum();
    let posts: Vec<&str> = exhausted
        .iter()
        .filter_map(|f| f.endpoint.as_deref())
        .filter(|e| e.starts_with("POST "))
        .collect();
    let mut statement = format!(
        "{requests} final failure(s) against {} after repeated HTTP {status} answers: every retry reached the server and was refused again",
        first.target.as_deref().unwrap_or("the target")
    );
    if !posts.is_empty() {
        statement.push_str(&format!(
            "; POST was retried on status ({}): the server saw every attempt, so a retry can repeat a side effect",
            posts.join(", ")
        ));
    }
    Some(CrossCheck {
        id: "status_retries",
        title: "status retries".to_string(),
        statement,
        locations: exhausted
            .iter()
            .flat_map(|f| f.locations.iter().copied())
            .take(3)
            .collect(),
    })
}

/// Whether status retries waited as long as `Retry-After` asks. urllib3 logs neither the
/// header nor its sleep, so the check works from what the log does show: the total time of
/// the slowest request that ran out of retries on 413/429/503 (an upper bound on the waits
/// between its attempts) and any `Retry-After` value printed by the application or by a
/// library's debug output.
pub fn retry_after(a: &Analysis, fs: &[&Finding]) -> Option<CrossCheck> {
    let exhausted: Vec<&&Finding> = fs
        .iter()
        .filter(|f| {
            f.category == Category::RetryExhausted && matches!(f.status, Some(413 | 429 | 503))
        })
        .collect();
    let status = exhausted.first()?.status?;
    let elapsed_s = exhausted
        .iter()
        .filter_map(|f| f.max_elapsed_ms)
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
        .map(|ms| ms / 1000.0);
    let asked = (a.retry_after.count > 0).then_some(&a.retry_after);
    if let Some(slept) = sleeps_for(a, exhausted.iter().copied().copied(), true) {
        return Some(retry_after_from_sleeps(status, &slept, asked, &exhausted));
    }
    let target = exhausted.iter().find_map(|f| f.target.as_deref());
    // Waits between attempts: one fewer than the attempts the Retry settings allow.
    let waits = attempts_from_retry(a, target).map(|n| (n - 1).max(1));
    let statement = match (asked, elapsed_s) {
        (None, None) => return None,
        (Some(r), None) => format!(
            "the server asked to wait {} s (Retry-After, L{}); the log does not show how long the requests that ran out of retries on HTTP {status} took",
            trim_float(r.min_s),
            r.first_line
        ),
        (asked, Some(e)) => {
            let mut s = format!(
                "the slowest request that ran out of retries on HTTP {status} took {e:.1} s in total"
            );
            if let Some(w) = waits {
                s.push_str(&format!(" with {} attempt(s)", w + 1));
            }
            let per_wait = e / waits.unwrap_or(1) as f64;
            match asked {
                Some(r) => {
                    let needed = r.min_s * waits.unwrap_or(1) as f64;
                    s.push_str(&format!(
                        "; the server asked to wait {} s (Retry-After, L{})",
                        trim_float(r.min_s),
                        r.first_line
                    ));
                    if e < needed {
                        s.push_str(&format!(
                            "; honouring it takes at least {} s, so Retry-After was not honoured",
                            trim_float(needed)
                        ));
                    } else {
                        s.push_str("; consistent with Retry-After being honoured");
                    }
                }
                None => s.push_str(&format!(
                    "; the client waited at most {per_wait:.1} s between attempts, so a Retry-After longer than that was not honoured; the log does not show whether the server sent one"
                )),
            }
            s
        }
    };
    Some(CrossCheck {
        id: "retry_after",
        title: "Retry-After on status retries".to_string(),
        statement,
        locations: exhausted
            .iter()
            .filter(|f| f.max_elapsed_ms.is_some())
            .flat_map(|f| f.locations.iter().copied())
            .take(3)
            .collect(),
    })
}

/// urllib3's measured sleeps before retries of these findings' endpoints: before status
/// retries (`status`) or before retries after errors.
fn sleeps_for<'f>(
    a: &Analysis,
    fs: impl IntoIterator<Item = &'f Finding>,
    status: bool,
) -> Option<crate::collect::RetryGaps> {
    let mut out = crate::collect::RetryGaps::default();
    let mut seen = BTreeSet::new();
    for f in fs {
        let Some(endpoint) = f.endpoint.as_deref() else {
            continue;
        };
        let path = endpoint.rsplit(' ').next().unwrap_or(endpoint);
        if !seen.insert(path) {
            continue;
        }
        if let Some(s) = a.retry_sleeps.get(path) {
            out.merge(if status { &s.status } else { &s.error });
        }
    }
    (out.pairs > 0).then_some(out)
}

/// The Retry-After check when DEBUG lines show how long urllib3 slept before each status
/// retry: the sleep is exactly what the client waited.
fn retry_after_from_sleeps(
    status: u16,
    slept: &crate::collect::RetryGaps,
    asked: Option<&crate::collect::RetryAfterSeen>,
    exhausted: &[&&Finding],
) -> CrossCheck {
    let mut statement = format!(
        "urllib3 slept {:.2}-{:.2} s before each of {} status retr(ies) on HTTP {status} (between its DEBUG 'Incremented Retry' and 'Retry:' lines)",
        slept.min_ms as f64 / 1000.0,
        slept.max_ms as f64 / 1000.0,
        slept.pairs
    );
    match asked {
        Some(r) if (slept.min_ms as f64) < r.min_s * 1000.0 - 50.0 => statement.push_str(&format!(
            "; the server asked to wait {} s (Retry-After, L{}); shorter sleeps mean Retry-After was not honoured",
            trim_float(r.min_s),
            r.first_line
        )),
        Some(r) => statement.push_str(&format!(
            "; the server asked to wait {} s (Retry-After, L{}); consistent with Retry-After being honoured",
            trim_float(r.min_s),
            r.first_line
        )),
        None if slept.max_ms < 50 => statement.push_str(
            "; no wait before retrying: a Retry-After, if the server sent one, was not honoured",
        ),
        None => statement.push_str(
            "; the log does not show the header, so this is the server's Retry-After or the client's backoff",
        ),
    }
    CrossCheck {
        id: "retry_after",
        title: "Retry-After on status retries".to_string(),
        statement,
        locations: exhausted
            .iter()
            .flat_map(|f| f.locations.iter().copied())
            .take(3)
            .collect(),
    }
}

/// Pool size in the pool-full warnings against the concurrency the tests ran at.
pub fn pool_vs_concurrency(fs: &[&Finding], concurrency: Option<u32>) -> Option<CrossCheck> {
    let pool: Vec<&&Finding> = fs
        .iter()
        .filter(|f| f.category == Category::PoolFull)
        .collect();
    let size = pool
        .iter()
        .flat_map(|f| f.pool_sizes.iter().copied())
        .max()?;
    let warnings: u64 = pool.iter().map(|f| f.events).sum();
    let mut statement = match concurrency {
        Some(c) if c > size => format!(
            "pool size {size} < observed concurrency {c}: up to {} connections per burst are opened and then discarded ({warnings} pool-full warnings)",
            c - size
        ),
        Some(c) => format!(
            "pool size {size} >= observed concurrency {c}, yet {warnings} pool-full warnings: another session shares the host"
        ),
        None => format!(
            "pool size {size}; {warnings} pool-full warnings show more concurrent requests than that"
        ),
    };
    if size == URLLIB3_DEFAULT_POOL {
        statement.push_str(&format!(
            "; {URLLIB3_DEFAULT_POOL} is the urllib3/requests default, so the session that logged this was built without pool settings even if the main client is tuned"
        ));
    }
    Some(CrossCheck {
        id: "pool_vs_concurrency",
        title: "connection pool size vs concurrency".to_string(),
        statement,
        locations: pool
            .iter()
            .flat_map(|f| f.locations.iter().copied())
            .take(3)
            .collect(),
    })
}

/// Attempts the urllib3 `Retry` allowed: the largest `total` printed after a failure + 2
/// (the first try, and the retry that printed it).
fn attempts_from_retry(a: &Analysis, target: Option<&str>) -> Option<i64> {
    a.events
        .iter()
        .filter(|e| {
            e.kind == EventKind::RetryAttempt
                && target.is_none_or(|t| {
                    target_of(e).as_deref() == Some(t) || e.host.as_deref() == Some(host_of(t))
                })
        })
        .filter_map(|e| e.retry_max_total)
        .max()
        // The counter is log text: `Retry(total=9223372036854775807)` must not overflow.
        .map(|m| m.saturating_add(2))
}

/// Elapsed time of failed requests against timeout x attempts.
pub fn elapsed_vs_timeout(a: &Analysis, fs: &[&Finding]) -> Option<CrossCheck> {
    let elapsed = fs
        .iter()
        .filter_map(|f| f.max_elapsed_ms)
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))?;
    let timeout = fs
        .iter()
        .filter(|f| {
            matches!(f.category, Category::ConnectTimeout | Category::ReadTimeout)
                || matches!(
                    f.cause,
                    Some(Category::ConnectTimeout | Category::ReadTimeout)
                )
        })
        .flat_map(|f| f.timeouts_s.iter().copied())
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))?;
    let target = fs.iter().find_map(|f| f.target.as_deref());
    let attempts = attempts_from_retry(a, target);
    let ratio = elapsed / (timeout * 1000.0);
    let mut statement = format!(
        "a failed request took {:.1} s with a {} s timeout: {:.1}x the timeout",
        elapsed / 1000.0,
        trim_float(timeout),
        ratio
    );
    match attempts {
        Some(n) => {
            let budget = timeout * n as f64;
            statement.push_str(&format!(
                "; the Retry settings allow {n} attempts ({} s of timeouts), so {:.1} s went to backoff and overhead",
                trim_float(budget),
                (elapsed / 1000.0 - budget).max(0.0)
            ));
        }
        None if ratio > 1.2 => statement.push_str("; retries stacked on top of the timeout"),
        None => {}
    }
    Some(CrossCheck {
        id: "elapsed_vs_timeout",
        title: "request duration vs timeout x attempts".to_string(),
        statement,
        locations: fs
            .iter()
            .filter(|f| f.max_elapsed_ms.is_some())
            .flat_map(|f| f.locations.iter().copied())
            .take(3)
            .collect(),
    })
}

/// Retry attempts per failed request, and whether POST was retried.
pub fn retry_amplification(a: &Analysis, fs: &[&Finding]) -> Option<CrossCheck> {
    let retries: u64 = fs.iter().map(|f| f.retry_attempts).sum();
    // The collector counts a request once even when the application's deadline record
    // and the exception are both logged (see `relog.rs`): every final failure is one request.
    let terminal: u64 = fs.iter().map(|f| f.terminal_events).sum();
    if retries == 0 || terminal == 0 {
        return None;
    }
    let target = fs.iter().find_map(|f| f.target.as_deref());
    // Retrying a POST after a connect failure is safe (the server never saw it); after a
    // read timeout or a dropped connection it may run twice.
    let retried_paths: BTreeSet<String> = fs
        .iter()
        .filter(|f| f.retry_attempts > 0)
        .filter(|f| {
            matches!(
                f.category,
                Category::ReadTimeout | Category::ConnectionReset
            )
        })
        .filter_map(|f| {
            f.endpoint
                .as_deref()
                .map(|e| e.rsplit(' ').next().unwrap_or(e).to_string())
        })
        .collect();
    let post_retried = a.events.iter().any(|e| {
        e.method.as_deref() == Some("POST")
            && e.path.as_ref().is_some_and(|p| retried_paths.contains(p))
            && target.is_none_or(|t| e.host.as_deref() == Some(host_of(t)))
    });
    let per = (retries + terminal) as f64 / terminal as f64;
    let mut statement = format!(
        "{retries} retry attempt(s) for {terminal} failed request(s): {per:.1} attempts per failed request against {}",
        target.unwrap_or("the target")
    );
    if let Some(n) = attempts_from_retry(a, target) {
        statement.push_str(&format!(" (Retry allowed {n})"));
    }
    // Which urllib3 counter reached zero on the last retry of these requests.
    let exhausted: BTreeSet<&str> = fs
        .iter()
        .flat_map(|f| f.event_indices.iter().map(|&i| &a.events[i]))
        .filter_map(|e| e.retry)
        .flat_map(|r| {
            [
                ("total", r.total),
                ("connect", r.connect),
                ("read", r.read),
                ("status", r.status),
            ]
            .into_iter()
            .filter(|(_, v)| v.is_some_and(|v| v <= 0))
            .map(|(name, _)| name)
        })
        .collect();
    if !exhausted.is_empty() {
        let names: Vec<&str> = exhausted.into_iter().collect();
        statement.push_str(&format!("; the {} retry counter ran out", names.join("/")));
    }
    if post_retried {
        statement.push_str("; POST requests were among those retried (not idempotent: a retry may create a second job)");
    }
    Some(CrossCheck {
        id: "retry_amplification",
        title: "retry amplification".to_string(),
        statement,
        locations: fs
            .iter()
            .filter(|f| f.retry_attempts > 0)
            .flat_map(|f| f.locations.iter().copied())
            .take(3)
            .collect(),
    })
}

/// Failures on the single-request baseline against failures only under load.
pub fn baseline_vs_load(rc: &RootCause, baselines: &[&TestReport]) -> Option<CrossCheck> {
    if rc.family != Family::Unreachable {
        return None;
    }
    if baselines.is_empty() {
        return Some(CrossCheck {
            id: "baseline_vs_load",
            title: "single-request baseline vs load".to_string(),
            statement:
                "no single-request baseline test was found, so down cannot be told from overloaded"
                    .to_string(),
            locations: Vec::new(),
        });
    }
    let hit: HashSet<&str> = rc
        .failed_tests
        .iter()
        .chain(&rc.contributing_to)
        .map(String::as_str)
        .collect();
    let failed: Vec<&str> = baselines
        .iter()
        .filter(|t| hit.contains(t.nodeid.as_str()))
        .map(|t| t.name.as_str())
        .collect();
    let baseline_ids: HashSet<&str> = baselines.iter().map(|b| b.nodeid.as_str()).collect();
    let loaded_failed = rc
        .failed_tests
        .iter()
        .filter(|t| !baseline_ids.contains(t.as_str()))
        .count();
    let statement = if failed.is_empty() {
        format!(
            "the baseline ({}) did not hit this, {loaded_failed} test(s) under load did: overloaded, not down",
            baselines
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        format!(
            "the baseline failed as well ({}) besides {loaded_failed} test(s) under load: down or unreachable, not just overloaded",
            failed.join(", ")
        )
    };
    Some(CrossCheck {
        id: "baseline_vs_load",
        title: "single-request baseline vs load".to_string(),
        statement,
        locations: baselines.iter().map(|t| t.location).take(3).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{analysis, test_report as test};

    /// The statement of the cross-check `id` of a root cause.
    fn statement<'a>(rc: &'a RootCause, id: &str) -> &'a str {
        &rc.cross_checks
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no {id} cross-check"))
            .statement
    }

    fn findings_of(a: &Analysis) -> Vec<Finding> {
        let index: TestIndex<'_> = a.tests.iter().map(|t| (t.nodeid.as_str(), t)).collect();
        findings(a, &index)
    }

    fn event(category: Category, kind: EventKind, test: &str, count: u64) -> EventReport {
        EventReport {
            category,
            cause: None,
            kind,
            test: Some(format!("tests/t.py::{test}")),
            signature: "x".to_string(),
            count,
            lines: count,
            host: Some("10.10.10.100".to_string()),
            port: Some(443),
            method: None,
            path: Some("/focus-server/configure".to_string()),
            status: None,
            timeouts_s: Vec::new(),
            pool_sizes: Vec::new(),
            max_elapsed_ms: None,
            retry: None,
            retry_max_total: None,
            first_at: None,
            last_at: None,
            locations: vec![Location { file: 0, line: 10 }],
            last: Location { file: 0, line: 10 },
            sample: "line".to_string(),
        }
    }

    #[test]
    fn pool_size_against_concurrency() {
        let mut pool = event(
            Category::PoolFull,
            EventKind::PoolWarning,
            "test_load[200]",
            283,
        );
        pool.pool_sizes = vec![10];
        pool.port = None;
        let a = analysis(vec![test("test_load[200]", "failed")], vec![pool]);
        let f = findings_of(&a);
        let refs: Vec<&Finding> = f.iter().collect();
        let check = pool_vs_concurrency(&refs, Some(200)).unwrap();
        assert!(
            check
                .statement
                .contains("pool size 10 < observed concurrency 200"),
            "{}",
            check.statement
        );
        assert!(check.statement.contains("up to 190"), "{}", check.statement);
        assert!(check.statement.contains("default"), "{}", check.statement);
        assert!(check.statement.contains("283 pool-full warnings"));
        let check = pool_vs_concurrency(&refs, Some(5)).unwrap();
        assert!(
            check.statement.contains(">= observed concurrency 5"),
            "{}",
            check.statement
        );
    }

    #[test]
    fn elapsed_time_against_timeouts_and_attempts() {
        let mut deadline = event(Category::RequestTimeout, EventKind::Terminal, "test_a", 1);
        deadline.max_elapsed_ms = Some(90411.54);
        deadline.method = Some("POST".to_string());
        let mut connect = event(Category::ConnectTimeout, EventKind::Terminal, "test_a", 1);
        connect.timeouts_s = vec![60.0];
        let a = analysis(
            vec![test("test_a", "failed")],
            vec![deadline.clone(), connect.clone()],
        );
        let f = findings_of(&a);
        let refs: Vec<&Finding> = f.iter().collect();
        let check = elapsed_vs_timeout(&a, &refs).unwrap();
        assert!(
            check.statement.contains("90.4 s with a 60 s timeout: 1.5x"),
            "{}",
            check.statement
        );
        assert!(
            check.statement.contains("retries stacked"),
            "{}",
            check.statement
        );
        // With urllib3 retry counters the number of attempts is known.
        let mut retry = event(
            Category::ConnectTimeout,
            EventKind::RetryAttempt,
            "test_a",
            2,
        );
        retry.retry_max_total = Some(0);
        let a = analysis(
            vec![test("test_a", "failed")],
            vec![deadline, connect, retry],
        );
        let f = findings_of(&a);
        let refs: Vec<&Finding> = f.iter().collect();
        let check = elapsed_vs_timeout(&a, &refs).unwrap();
        assert!(
            check
                .statement
                .contains("allow 2 attempts (120 s of timeouts)"),
            "{}",
            check.statement
        );
    }

    #[test]
    fn retry_amplification_counts_attempts_and_flags_unsafe_post() {
        let mut retry = event(Category::ReadTimeout, EventKind::RetryAttempt, "test_a", 6);
        retry.retry_max_total = Some(2);
        let mut last = event(Category::ReadTimeout, EventKind::Terminal, "test_a", 2);
        last.method = Some("POST".to_string());
        let a = analysis(vec![test("test_a", "failed")], vec![retry, last]);
        let f = findings_of(&a);
        let refs: Vec<&Finding> = f.iter().collect();
        let check = retry_amplification(&a, &refs).unwrap();
        assert!(
            check
                .statement
                .contains("6 retry attempt(s) for 2 failed request(s): 4.0 attempts"),
            "{}",
            check.statement
        );
        assert!(
            check
                .statement
                .contains("POST requests were among those retried"),
            "{}",
            check.statement
        );
        // The same after connect timeouts is safe: no POST warning.
        let mut retry = event(
            Category::ConnectTimeout,
            EventKind::RetryAttempt,
            "test_a",
            6,
        );
        retry.retry_max_total = Some(2);
        let mut last = event(Category::ConnectTimeout, EventKind::Terminal, "test_a", 2);
        last.method = Some("POST".to_string());
        let a = analysis(vec![test("test_a", "failed")], vec![retry, last]);
        let f = findings_of(&a);
        let refs: Vec<&Finding> = f.iter().collect();
        let check = retry_amplification(&a, &refs).unwrap();
        assert!(!check.statement.contains("POST"), "{}", check.statement);
    }

    /// A `Retry(total=9223372036854775807)` counter in a log overflowed the attempt count (a
    /// panic in debug builds, a negative count in release). Found by the `recombine` fuzz
    /// target (`fuzz/regressions/recombine/retry-attempts-i64-max.fuzz-input`).
    #[test]
    fn retry_counters_at_the_integer_limit_do_not_overflow() {
        let mut retry = event(Category::ReadTimeout, EventKind::RetryAttempt, "test_a", 1);
        retry.retry_max_total = Some(i64::MAX);
        let last = event(Category::ReadTimeout, EventKind::Terminal, "test_a", 1);
        let a = analysis(vec![test("test_a", "failed")], vec![retry, last]);
        assert_eq!(attempts_from_retry(&a, None), Some(i64::MAX));
        let f = findings_of(&a);
        let refs: Vec<&Finding> = f.iter().collect();
        let check = retry_amplification(&a, &refs).unwrap();
        assert!(
            check
                .statement
                .contains(&format!("(Retry allowed {})", i64::MAX)),
            "{}",
            check.statement
        );
    }

    #[test]
    fn baseline_decides_down_versus_overloaded() {
        let tests = vec![
            test("test_single_job_baseline", "failed"),
            test("test_heavy[50]", "failed"),
        ];
        let events = vec![
            event(
                Category::ConnectTimeout,
                EventKind::Terminal,
                "test_single_job_baseline",
                1,
            ),
            event(
                Category::ConnectTimeout,
                EventKind::Terminal,
                "test_heavy[50]",
                10,
            ),
        ];
        let a = analysis(tests, events);
        let r = analyse(&a);
        assert_eq!(r.root_causes.len(), 1);
        let rc = &r.root_causes[0];
        assert_eq!(rc.verdict.locus, Locus::Infrastructure);
        let check_statement = statement(rc, "baseline_vs_load");
        assert!(
            check_statement.contains("baseline failed as well"),
            "{}",
            check_statement
        );

        let tests = vec![
            test("test_single_job_baseline", "passed"),
            test("test_heavy[50]", "failed"),
        ];
        let events = vec![event(
            Category::ConnectTimeout,
            EventKind::Terminal,
            "test_heavy[50]",
            10,
        )];
        let r = analyse(&analysis(tests, events));
        let rc = &r.root_causes[0];
        assert_eq!(rc.verdict.locus, Locus::ServerCapacity);
        let check_statement = statement(rc, "baseline_vs_load");
        assert!(
            check_statement.contains("overloaded, not down"),
            "{}",
            check_statement
        );
    }

    #[test]
    fn load_levels_that_passed_below_the_knee_say_overloaded_not_down() {
        let ramp = |outcomes: [&str; 4]| {
            let tests: Vec<TestReport> = [5, 10, 20, 50]
                .iter()
                .zip(outcomes)
                .map(|(c, o)| test(&format!("test_load[{c}]"), o))
                .collect();
            let events = tests
                .iter()
                .filter(|t| t.outcome == "failed")
                .map(|t| event(Category::ConnectTimeout, EventKind::Terminal, &t.name, 5))
                .collect();
            analyse(&analysis(tests, events))
        };
        // No baseline test: only the levels tell down from overloaded.
        let r = ramp(["passed", "passed", "failed", "failed"]);
        let v = &r.root_causes[0].verdict;
        assert_eq!(
            (v.locus, v.confidence),
            (Locus::ServerCapacity, Confidence::Medium)
        );
        assert!(
            v.summary
                .contains("kept up with the load levels up to 10 and failed from 20"),
            "{}",
            v.summary
        );
        assert!(
            v.evidence
                .iter()
                .any(|e| e.starts_with("the log's load levels: "))
        );
        // Every level failing is no evidence of overload: the verdict stays, the estimate
        // is cited.
        let r = ramp(["failed", "failed", "failed", "failed"]);
        let v = &r.root_causes[0].verdict;
        assert_eq!(
            (v.locus, v.confidence),
            (Locus::Infrastructure, Confidence::Low)
        );
        assert!(
            v.evidence
                .iter()
                .any(|e| e.contains("every load level failed")),
            "{:?}",
            v.evidence
        );
        assert_eq!(r.capacity.as_ref().and_then(|c| c.last_good), None);
    }

    #[test]
    fn successful_responses_turn_down_into_overloaded() {
        let tests = vec![
            test("test_single_job_baseline", "failed"),
            test("test_heavy[50]", "failed"),
        ];
        let mut e1 = event(
            Category::ConnectTimeout,
            EventKind::Terminal,
            "test_single_job_baseline",
            1,
        );
        e1.first_at = Some("2025-11-07T10:00:00".to_string());
        e1.last_at = Some("2025-11-07T10:00:00".to_string());
        let mut e2 = event(
            Category::ConnectTimeout,
            EventKind::Terminal,
            "test_heavy[50]",
            10,
        );
        e2.first_at = Some("2025-11-07T10:00:10".to_string());
        e2.last_at = Some("2025-11-07T10:00:30".to_string());
        let mut a = analysis(tests, vec![e1, e2]);
        let start = crate::event::epoch_seconds("2025-11-07T10:00:00").unwrap();
        let mut r = crate::responses::TargetResponses {
            target: "10.10.10.100:443".to_string(),
            ..Default::default()
        };
        for i in 0..40 {
            r.add(200, Some(start + i));
        }
        r.add(503, Some(start + 5));
        a.responses = vec![r];
        let rc = &analyse(&a).root_causes[0];
        assert_eq!(rc.verdict.locus, Locus::ServerCapacity, "{:?}", rc.verdict);
        assert!(
            rc.verdict.summary.contains("answered 31 other request(s)"),
            "{}",
            rc.verdict.summary
        );
        assert!(
            rc.verdict
                .counter_evidence
                .iter()
                .any(|c| c.contains("31 request(s) successfully in the same window (1 error")),
            "{:?}",
            rc.verdict.counter_evidence
        );
    }

    #[test]
    fn backoff_is_the_gap_between_retries_minus_the_timeout() {
        let tests = vec![test("test_a", "failed")];
        let mut retry = event(
            Category::ConnectTimeout,
            EventKind::RetryAttempt,
            "test_a",
            3,
        );
        retry.timeouts_s = vec![0.5];
        let mut a = analysis(tests, vec![retry]);
        let mut gaps = crate::collect::RetryGaps {
            pairs: 4,
            total_ms: 4 * 2500,
            min_ms: 2000,
            max_ms: 3000,
            precise: true,
            timeout_s: Some(0.5),
        };
        a.retry_gaps
            .insert("10.10.10.100:443".to_string(), gaps.clone());
        let r = analyse(&a);
        let c_statement = statement(&r.root_causes[0], "observed_backoff");
        assert!(
            c_statement.contains("2.5 s apart on average (4 pair(s), 2.0-3.0 s)"),
            "{}",
            c_statement
        );
        assert!(
            c_statement.contains("about 2.0 s of backoff per retry"),
            "{}",
            c_statement
        );
        gaps.total_ms = 4 * 550;
        gaps.min_ms = 500;
        gaps.max_ms = 600;
        a.retry_gaps.insert("10.10.10.100:443".to_string(), gaps);
        let r = analyse(&a);
        let c_statement = statement(&r.root_causes[0], "observed_backoff");
        assert!(
            c_statement.contains("no visible backoff"),
            "{}",
            c_statement
        );
    }

    #[test]
    fn retry_after_compares_the_time_taken_with_the_delay_asked() {
        let mut e = event(Category::RetryExhausted, EventKind::Terminal, "test_a", 3);
        e.status = Some(503);
        e.max_elapsed_ms = Some(900.0);
        let mut retry = event(
            Category::ConnectTimeout,
            EventKind::RetryAttempt,
            "test_a",
            1,
        );
        retry.retry_max_total = Some(2); // Retry(total=2) after the first failure: 4 attempts
        let mut a = analysis(vec![test("test_a", "failed")], vec![e, retry]);
        let check_of = |a: &Analysis| {
            let f = findings_of(a);
            let refs: Vec<&Finding> = f.iter().collect();
            retry_after(a, &refs).map(|c| c.statement)
        };
        // No header in the log: only the upper bound on what was waited.
        let s = check_of(&a).unwrap();
        assert!(s.contains("took 0.9 s in total with 4 attempt(s)"), "{s}");
        assert!(s.contains("waited at most 0.3 s between attempts"), "{s}");
        assert!(
            s.contains("does not show whether the server sent one"),
            "{s}"
        );
        // The server asked for 2 s: three waits need 6 s, 0.9 s is far short.
        a.retry_after = crate::collect::RetryAfterSeen {
            count: 5,
            min_s: 2.0,
            max_s: 2.0,
            first_line: 77,
        };
        let s = check_of(&a).unwrap();
        assert!(s.contains("asked to wait 2 s (Retry-After, L77)"), "{s}");
        assert!(
            s.contains("at least 6 s, so Retry-After was not honoured"),
            "{s}"
        );
        // Slow enough to have waited: consistent.
        a.events[0].max_elapsed_ms = Some(6500.0);
        let s = check_of(&a).unwrap();
        assert!(
            s.contains("consistent with Retry-After being honoured"),
            "{s}"
        );
        // A 500 is not a status urllib3 applies Retry-After to.
        a.events[0].status = Some(500);
        assert_eq!(check_of(&a), None);
    }

    #[test]
    fn masked_lines_drop_times_addresses_and_client_ports() {
        let line = "2026-11-27 09:50:36,120 ERROR reset on <socket.socket fd=7, laddr=('10.0.0.5', 51234), raddr=('10.10.10.100', 443)> at 0x7f84ef669b50";
        assert_eq!(
            mask_line(line),
            "ERROR reset on <socket.socket fd=7, laddr=('10.0.0.5', {port}), raddr=('10.10.10.100', 443)> at 0x…"
        );
    }

    #[test]
    fn outage_windows_split_on_gaps_and_on_successes() {
        let mut tests = Vec::new();
        for (name, start, end) in [
            ("t1", 100, 110),
            ("t2", 112, 120),
            ("t3", 125, 130),
            ("t4", 200, 205),
            ("t5", 300, 301),
            ("t6", 303, 304),
        ] {
            let mut t = test(name, "failed");
            t.first_event_s = Some(start);
            t.last_event_s = Some(end);
            tests.push(t);
        }
        let index: TestIndex<'_> = tests.iter().map(|t| (t.nodeid.as_str(), t)).collect();
        let failed: Vec<String> = tests.iter().map(|t| t.nodeid.clone()).collect();
        let w = outage_windows(&index, &failed, None);
        let spans: Vec<(i64, i64, usize)> = w
            .iter()
            .map(|w| (w.start_s, w.end_s, w.tests.len()))
            .collect();
        // t4 stands alone (70 s after t3): not an outage window of its own.
        assert_eq!(spans, vec![(100, 130, 3), (300, 304, 2)]);
        assert_eq!(w[0].answered_ok, None);
        // The target answered at 122 s, between t2 and t3: the server was up in between.
        let mut r = crate::responses::TargetResponses::default();
        r.add(200, Some(122));
        r.add(503, Some(302));
        let w = outage_windows(&index, &failed, Some(&r));
        let spans: Vec<(i64, i64, usize)> = w
            .iter()
            .map(|w| (w.start_s, w.end_s, w.tests.len()))
            .collect();
        assert_eq!(spans, vec![(100, 120, 2), (300, 304, 2)]);
        assert_eq!(w[0].answered_ok, Some(0));
        assert_eq!(w[1].answered_ok, Some(0), "a 503 is not a success");
    }

    #[test]
    fn status_retries_name_the_status_and_post() {
        let mut e = event(Category::RetryExhausted, EventKind::Terminal, "test_a", 3);
        e.status = Some(503);
        e.method = Some("POST".to_string());
        let a = analysis(vec![test("test_a", "failed")], vec![e]);
        let f = findings_of(&a);
        let refs: Vec<&Finding> = f.iter().collect();
        let check = status_retries(&refs).unwrap();
        assert!(
            check.statement.contains("3 final failure(s)"),
            "{}",
            check.statement
        );
        assert!(check.statement.contains("HTTP 503"));
        assert!(check.statement.contains("POST was retried on status"));
    }

    #[test]
    fn clusters_separate_families_and_name_primary_causes() {
        let mut s503 = event(
            Category::RetryExhausted,
            EventKind::Terminal,
            "test_poll",
            5,
        );
        s503.status = Some(503);
        let mut pool = event(Category::PoolFull, EventKind::PoolWarning, "test_poll", 40);
        pool.pool_sizes = vec![10];
        pool.port = None;
        let events = vec![
            event(
                Category::ConnectTimeout,
                EventKind::Terminal,
                "test_create",
                3,
            ),
            s503,
            pool,
        ];
        let tests = vec![
            test("test_create", "failed"),
            test("test_poll", "failed"),
            test("test_ok", "passed"),
        ];
        let mut a = analysis(tests, events);
        a.summary.failed = 2;
        a.summary.total = 3;
        let r = analyse(&a);
        assert_eq!(
            r.headline,
            "2 of 3 tests failed -> 2 root causes (+1 contributing)"
        );
        let pool_rc = r
            .root_causes
            .iter()
            .find(|c| c.family == Family::ClientPool)
            .unwrap();
        assert!(pool_rc.failed_tests.is_empty());
        assert_eq!(
            pool_rc.contributing_to,
            vec!["tests/t.py::test_poll".to_string()]
        );
        assert_eq!(pool_rc.verdict.locus, Locus::ClientCode);
        let s503_rc = r
            .root_causes
            .iter()
            .find(|c| c.family == Family::ErrorResponses)
            .unwrap();
        assert_eq!(
            s503_rc.failed_tests,
            vec!["tests/t.py::test_poll".to_string()]
        );
    }

    #[test]
    fn concurrency_from_parameters_and_messages() {
        let mut t = test("test_linear_load_progression[50]", "failed");
        assert_eq!(test_concurrency(&t), Some(50));
        t.name = "test_configure_payload_validation[256]".to_string();
        assert_eq!(
            test_concurrency(&t),
            None,
            "payload size is not concurrency"
        );
        t.name = "test_burst[concurrency-200-run0]".to_string();
        assert_eq!(test_concurrency(&t), Some(200));
        t.name = "test_x".to_string();
        t.message = Some("AssertionError: 10/10 jobs failed (0% success)".to_string());
        assert_eq!(test_concurrency(&t), Some(10));
    }
}
