//! Core data types shared by every stage: failure categories, test outcomes and events.
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
