//! The diagnosis as data: findings, root causes with their family, locus, verdict and
//! cross-checks, outage windows, and the [`RootCauseAnalysis`] that holds them. Types and
//! their small helpers only; how they are computed lives in the sibling modules.

use super::*;

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
    /// Indices into `RunFacts::events` of the event groups in this finding.
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
    pub reprobe: Option<crate::model::CauseReprobe>,
    /// This root cause against the recorded history (`rca analyze --history`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<crate::model::Recurrence>,
    /// Where the scanned code explains its evidence (`rca analyze --source DIR`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_links: Vec<crate::model::SourceLink>,
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
    pub capacity: Option<crate::diagnose::capacity::CapacityEstimate>,
}
