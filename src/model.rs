//! Core data types shared by every stage: failure categories, test outcomes and events, and
//! the values the optional stages attach to tests and root causes (recurrence, re-probe
//! conclusion, health, code links).
//!
//! Category ids and outcome names are part of the public JSON contract: never rename them.
//! It computes nothing: lines are classified by [`crate::parse`], events counted by
//! [`crate::attribute`] and judged by [`crate::diagnose`].

use serde::Serialize;
use std::fmt;

/// A class of HTTP-client failure. The `id()` strings are stable public identifiers.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    ConnectTimeout,
    ReadTimeout,
    PoolFull,
    PoolExhausted,
    RetryExhausted,
    ConnectionRefused,
    ConnectionReset,
    DnsFailure,
    TlsError,
    HttpError,
    RateLimited,
    RequestTimeout,
}

impl Category {
    /// Every category, in the order reports list them.
    pub const ALL: [Category; 12] = [
        Category::ConnectTimeout,
        Category::ReadTimeout,
        Category::PoolFull,
        Category::PoolExhausted,
        Category::RetryExhausted,
        Category::ConnectionRefused,
        Category::ConnectionReset,
        Category::DnsFailure,
        Category::TlsError,
        Category::HttpError,
        Category::RateLimited,
        Category::RequestTimeout,
    ];

    /// The stable id used in JSON, `--fail-on` and signature files.
    pub fn id(self) -> &'static str {
        match self {
            Category::ConnectTimeout => "connect_timeout",
            Category::ReadTimeout => "read_timeout",
            Category::PoolFull => "pool_full",
            Category::PoolExhausted => "pool_exhausted",
            Category::RetryExhausted => "retry_exhausted",
            Category::ConnectionRefused => "connection_refused",
            Category::ConnectionReset => "connection_reset",
            Category::DnsFailure => "dns_failure",
            Category::TlsError => "tls_error",
            Category::HttpError => "http_error",
            Category::RateLimited => "rate_limited",
            Category::RequestTimeout => "request_timeout",
        }
    }

    /// Parses a stable id back into a category.
    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The outcome of one test, as pytest names it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    Failed,
    Error,
    Skipped,
    Xfailed,
    Xpassed,
}

impl Outcome {
    /// The stable name used in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Error => "error",
            Outcome::Skipped => "skipped",
            Outcome::Xfailed => "xfailed",
            Outcome::Xpassed => "xpassed",
        }
    }

    /// True for outcomes that make a run red.
    pub fn is_failure(self) -> bool {
        matches!(self, Outcome::Failed | Outcome::Error)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

// Values the optional stages attach to a test or a root cause: defined here, with the
// types every stage shares, so that the facts and the diagnosis that carry them read no
// type of a later stage. The re-probe (`crate::probe`), the history (`crate::history`) and
// `--source` (`crate::source`) fill them in.

/// How a root cause or a failing test of this run stands against the runs before it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Recurrence {
    /// `new`, `recurring` or `regressed`.
    pub status: &'static str,
    /// Runs compared in which it was seen (root cause) or failed (test).
    pub seen_in: usize,
    /// Runs compared (for a test: those in which it ran).
    pub of: usize,
    /// First of those runs in which it was seen or failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// Last of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// `regressed`: the runs since then, in which it did not occur (root cause) or passed
    /// (test).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passing_runs: Option<usize>,
    /// The same in words, e.g. "recurring (seen in 5 of the last 12 runs, first on
    /// 2026-10-25)".
    pub text: String,
}

/// A root cause's conclusion from the re-probe.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CauseReprobe {
    /// The URL probed.
    pub url: String,
    /// `healthy`, `degraded` or `down`.
    pub verdict: Health,
    /// `persistent_outage`, `transient_or_load`, `capacity_knee` or `degraded_now`.
    pub conclusion: &'static str,
    /// The sentence for the report.
    pub statement: String,
    /// Concurrency of the capacity knee, when the ramp found one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub knee_at: Option<u32>,
    /// Health attempts that got an HTTP answer (any status).
    #[serde(skip)]
    pub answered_any: u64,
    /// What the attempts ended in (`connection_refused x5`).
    #[serde(skip)]
    pub mix: String,
}

/// The health verdict of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    /// Every attempt answered, quickly enough.
    Healthy,
    /// Some attempts failed, or answers were slow, or the breaker opened, or the health
    /// path answered 404 every time (the server is up, its health unknown).
    Degraded,
    /// No attempt was answered (all errors, 5xx or 429), or none could be sent.
    Down,
}

impl Health {
    /// `healthy`, `degraded` or `down`.
    pub fn id(self) -> &'static str {
        match self {
            Health::Healthy => "healthy",
            Health::Degraded => "degraded",
            Health::Down => "down",
        }
    }
}

/// A pointer from a root cause or a recommendation into the scanned code.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SourceLink {
    /// Path relative to `--source DIR`.
    pub file: String,
    /// First line (1-based).
    pub line: u32,
    /// Last line.
    pub end_line: u32,
    /// A site kind (`session`, `http_adapter`, `retry`, `timeout_call`, `thread_pool`, ...),
    /// `logger` (the module a cause's log lines come from), or what is missing:
    /// `missing_health_check`, `missing_rate_limit`.
    pub kind: String,
    /// The code at that place (empty for what is missing).
    pub code: String,
    /// Why it is linked, with the values on both sides.
    pub note: String,
    /// The cross-check of the root cause it backs (`pool_vs_concurrency`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
}
