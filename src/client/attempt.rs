//! What the client records: one [`Attempt`] per try on the wire, its [`Outcome`] and
//! [`ErrorClass`], why the client stopped ([`StopReason`]) and the whole [`RequestResult`].
//!
//! Failures carry the same [`Category`] ids as `rca analyze` (`connect_timeout`,
//! `read_timeout`, `connection_refused`, ...), so probe results and analysed CI logs speak one
//! language. This module holds plain data and the rules that derive categories from it; it
//! does no I/O and makes no retry decisions.

use crate::model::Category;
use std::time::{Duration, SystemTime};
use ureq::http::Method;

/// Where a failure happened, which decides whether it may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorClass {
    /// No connection was made (DNS, refused, connect timeout, TLS handshake): the server never
    /// saw the request, so even non-idempotent methods may be retried.
    Connect,
    /// The connection was made and the request may have reached the server (read or write
    /// timeout, reset, broken response): only idempotent methods are retried.
    Read,
    /// The server answered with an error status (4xx/5xx).
    Status,
    /// A local or protocol-usage problem (too many redirects, oversized headers, bad
    /// encoding): never retried and never counted against the server.
    Other,
}

impl ErrorClass {
    /// A short lowercase name: `connect`, `read`, `status` or `other`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorClass::Connect => "connect",
            ErrorClass::Read => "read",
            ErrorClass::Status => "status",
            ErrorClass::Other => "other",
        }
    }
}

/// The result of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered with a status line (any status).
    Response {
        /// The HTTP status code.
        status: u16,
        /// The parsed `Retry-After` header, when the server sent a valid one.
        retry_after: Option<Duration>,
    },
    /// No usable response.
    Error {
        /// Where it failed.
        class: ErrorClass,
        /// The `rca` category id of the failure.
        category: Category,
        /// The transport's error text.
        message: String,
    },
}

impl Outcome {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Outcome::Response { status, .. } => Some(*status),
            Outcome::Error { .. } => None,
        }
    }

    /// The failure class: `Status` for 4xx/5xx responses, `None` for other responses.
    pub fn error_class(&self) -> Option<ErrorClass> {
        match self {
            Outcome::Response { status, .. } => (*status >= 400).then_some(ErrorClass::Status),
            Outcome::Error { class, .. } => Some(*class),
        }
    }

    /// The `rca` category: `rate_limited` for 429, `http_error` for other 4xx/5xx, the
    /// transport category for errors, `None` for 1xx-3xx responses.
    pub fn category(&self) -> Option<Category> {
        match self {
            Outcome::Response { status: 429, .. } => Some(Category::RateLimited),
            Outcome::Response { status, .. } if *status >= 400 => Some(Category::HttpError),
            Outcome::Response { .. } => None,
            Outcome::Error { category, .. } => Some(*category),
        }
    }

    /// True when this outcome says the server is unwell: a connect or read failure, a 5xx or
    /// a 429. This is what the circuit breaker counts (slow calls aside).
    pub fn is_server_failure(&self) -> bool {
        match self {
            Outcome::Response { status, .. } => is_failure_status(*status),
            Outcome::Error { class, .. } => matches!(class, ErrorClass::Connect | ErrorClass::Read),
        }
    }
}

/// A status that says the server is unwell: any 5xx, or 429.
pub fn is_failure_status(status: u16) -> bool {
    status >= 500 || status == 429
}

/// One try on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// 1 for the first attempt of a request.
    pub number: u32,
    /// Start time, as the client clock's monotonic offset.
    pub at: Duration,
    /// Start time on the wall clock.
    pub wall: SystemTime,
    /// From sending to the end of reading the (possibly truncated) body, or to the error.
    pub latency: Duration,
    /// Time until the response head (status line and headers) was received: the closest
    /// figure to time-to-first-byte ureq offers. `None` when no response arrived.
    pub head_latency: Option<Duration>,
    /// What happened.
    pub outcome: Outcome,
    /// True when the latency reached the breaker's slow-call threshold.
    pub slow: bool,
    /// The delay slept after this attempt before the next one, if there was a next one.
    pub delay_after: Option<Duration>,
}

impl Attempt {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        self.outcome.status()
    }

    /// The `rca` category of this attempt's failure, if it failed.
    pub fn category(&self) -> Option<Category> {
        self.outcome.category()
    }
}

/// Why the client stopped trying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// The last response is final: a success, or a status the policy does not retry.
    Completed,
    /// The last failure is not retried for this method or class (e.g. a read timeout on
    /// POST, a TLS error).
    NotRetryable,
    /// The attempt limit, or the per-class retry limit, was reached.
    AttemptsExhausted,
    /// The retry budget refused a retry.
    BudgetExhausted,
    /// The circuit breaker is open (or its half-open trials are taken).
    BreakerOpen,
    /// The server's `Retry-After` exceeds the configured cap.
    RetryAfterTooLong,
    /// The overall deadline was reached, or a wait would have passed it.
    Deadline,
    /// No concurrency slot became free within the wait (the `pool_exhausted` situation).
    ConcurrencyLimit,
    /// The request could not be built (bad URL, bad method).
    InvalidRequest(String),
}

/// Everything about one logical request: its attempts and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestResult {
    /// The request method.
    pub method: Method,
    /// The request URL.
    pub url: String,
    /// Every attempt made, in order (possibly none, e.g. when the breaker was open).
    pub attempts: Vec<Attempt>,
    /// Why the client stopped.
    pub stop: StopReason,
    /// The body of the last response, truncated at `ClientConfig::max_body_bytes`.
    pub body: Vec<u8>,
    /// Start of the request, as the client clock's monotonic offset.
    pub started: Duration,
    /// Total time including waits and backoff.
    pub elapsed: Duration,
}

impl RequestResult {
    /// The last attempt, if any.
    pub fn last(&self) -> Option<&Attempt> {
        self.attempts.last()
    }

    /// The status of the last response, if the last attempt got one.
    pub fn status(&self) -> Option<u16> {
        self.last().and_then(Attempt::status)
    }

    /// True when the request ended with a 1xx-3xx response.
    pub fn is_success(&self) -> bool {
        self.stop == StopReason::Completed && self.status().is_some_and(|s| s < 400)
    }

    /// Number of retries made (attempts after the first).
    pub fn retries(&self) -> usize {
        self.attempts.len().saturating_sub(1)
    }

    /// The `rca` category of the request's failure, `None` on success or when the client
    /// refused locally without evidence about the server (breaker open before any attempt).
    ///
    /// Exhausting attempts on error statuses gives `retry_exhausted` (urllib3's "too many 503
    /// error responses"); exhausting them on transport errors keeps the cause's category, as
    /// `rca analyze` does for "Max retries exceeded ... (Caused by X)".
    pub fn category(&self) -> Option<Category> {
        if self.is_success() {
            return None;
        }
        match (&self.stop, self.last()) {
            (StopReason::ConcurrencyLimit, None) => Some(Category::PoolExhausted),
            (StopReason::Deadline, None) => Some(Category::RequestTimeout),
            (StopReason::AttemptsExhausted, Some(a)) if a.status().is_some_and(|s| s >= 400) => {
                Some(Category::RetryExhausted)
            }
            (_, last) => last.and_then(Attempt::category),
        }
    }
}

#[cfg(test)]
impl Attempt {
    /// A first attempt at time zero with this outcome and latency (for unit tests).
    pub(crate) fn fixture(outcome: Outcome, latency: Duration) -> Attempt {
        Attempt {
            number: 1,
            at: Duration::ZERO,
            wall: SystemTime::UNIX_EPOCH,
            latency,
            head_latency: None,
            outcome,
            slow: false,
            delay_after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16) -> Outcome {
        Outcome::Response {
            status,
            retry_after: None,
        }
    }

    fn error(class: ErrorClass, category: Category) -> Outcome {
        Outcome::Error {
            class,
            category,
            message: String::new(),
        }
    }

    fn attempt(outcome: Outcome) -> Attempt {
        Attempt::fixture(outcome, Duration::ZERO)
    }

    fn result(stop: StopReason, outcomes: Vec<Outcome>) -> RequestResult {
        RequestResult {
            method: Method::GET,
            url: "http://127.0.0.1:1/".into(),
            attempts: outcomes.into_iter().map(attempt).collect(),
            stop,
            body: Vec::new(),
            started: Duration::ZERO,
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn outcome_categories_and_classes() {
        assert_eq!(response(200).category(), None);
        assert_eq!(response(200).error_class(), None);
        assert_eq!(response(404).category(), Some(Category::HttpError));
        assert_eq!(response(503).error_class(), Some(ErrorClass::Status));
        assert_eq!(response(429).category(), Some(Category::RateLimited));
        let e = error(ErrorClass::Connect, Category::ConnectTimeout);
        assert_eq!(e.category(), Some(Category::ConnectTimeout));
        assert_eq!(e.error_class(), Some(ErrorClass::Connect));
    }

    #[test]
    fn server_failures_are_transport_errors_5xx_and_429() {
        assert!(response(503).is_server_failure());
        assert!(response(429).is_server_failure());
        assert!(!response(404).is_server_failure());
        assert!(!response(200).is_server_failure());
        assert!(error(ErrorClass::Read, Category::ReadTimeout).is_server_failure());
        assert!(!error(ErrorClass::Other, Category::HttpError).is_server_failure());
    }

    #[test]
    fn request_category_rules() {
        let ok = result(StopReason::Completed, vec![response(503), response(200)]);
        assert!(ok.is_success());
        assert_eq!(ok.category(), None);
        assert_eq!(ok.retries(), 1);

        let exhausted = result(StopReason::AttemptsExhausted, vec![response(503); 3]);
        assert_eq!(exhausted.category(), Some(Category::RetryExhausted));

        let refused = vec![error(ErrorClass::Connect, Category::ConnectionRefused); 3];
        let refused = result(StopReason::AttemptsExhausted, refused);
        assert_eq!(refused.category(), Some(Category::ConnectionRefused));

        let not_found = result(StopReason::Completed, vec![response(404)]);
        assert!(!not_found.is_success());
        assert_eq!(not_found.category(), Some(Category::HttpError));

        let pool = result(StopReason::ConcurrencyLimit, vec![]);
        assert_eq!(pool.category(), Some(Category::PoolExhausted));
        let deadline = result(StopReason::Deadline, vec![]);
        assert_eq!(deadline.category(), Some(Category::RequestTimeout));
        let open = result(StopReason::BreakerOpen, vec![]);
        assert_eq!(open.category(), None);
        assert!(!open.is_success());
    }
}
