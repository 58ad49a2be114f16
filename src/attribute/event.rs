//! Events and their aggregation. One event is one failure occurrence (a pool-full warning
//! line, a retry attempt, a final exception); events with the same fingerprint in the same
//! test are aggregated into an [`EventGroup`] so memory stays flat on gigabyte logs. It
//! also reads log timestamps as epoch seconds and turns URL paths into the path templates a
//! fingerprint uses. It does not decide which line is an event or which test it belongs to
//! (the collector, [`collect`](crate::attribute::collect)), nor group events into findings
//! across tests (`crate::diagnose`).

use crate::model::Category;
use crate::parse::fields::{Fields, RetryCounters};
use serde::Serialize;

/// What role an event line plays, which decides how duplicates are recognised.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A urllib3 `Retrying (...)` warning: one attempt that failed and was retried.
    RetryAttempt,
    /// A pool-full warning.
    PoolWarning,
    /// A failure that ended a request (exception, error record, summary line).
    Terminal,
}

/// Where in the log an event line was read; the same failure may appear in several sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Output while the test ran (live log, printed output).
    Live = 0,
    /// A `Captured log` replay.
    CapturedLog = 1,
    /// A `Captured stdout` replay.
    CapturedStdout = 2,
    /// A `Captured stderr` replay.
    CapturedStderr = 3,
    /// The failure's traceback (`E` lines, exception lines, `--tb=line` entries).
    Traceback = 4,
    /// The short test summary line.
    Summary = 5,
    /// A JUnit XML `<failure>`/`<error>`: its body (the traceback) or `message` attribute.
    Junit = 6,
    /// A JUnit XML `<system-out>`/`<system-err>` (pytest's `junit_logging`).
    JunitCaptured = 7,
}

/// Number of [`Source`] variants.
pub const SOURCES: usize = 8;

/// A single classified event before aggregation.
#[derive(Debug, Clone)]
pub struct Event {
    /// Input file index.
    pub file: u16,
    /// 1-based line number in that file.
    pub line: u64,
    /// Final category.
    pub category: Category,
    /// The category of the underlying cause when `category` is `retry_exhausted`.
    pub cause: Option<Category>,
    /// Index of the winning signature.
    pub signature: usize,
    /// Role of the line.
    pub kind: EventKind,
    /// Extracted fields.
    pub fields: Fields,
    /// Timestamp text (CI prefix or log record time), normalised to `YYYY-MM-DDTHH:MM:SS[.fff]`.
    pub timestamp: Option<String>,
    /// The line's text (normalised, truncated).
    pub text: String,
    /// The line says retries ran out ("Max retries exceeded", `RetryError`).
    pub mentions_exhaustion: bool,
    /// Log lines this event stands for: a failure logged by the client and again by its
    /// caller is one event of two lines (see `relog.rs`).
    pub lines: u64,
    /// The category of a re-log folded into this event, when it named another one (the
    /// client's "Request timeout" folded into the runner's retry exhaustion).
    pub also: Option<Category>,
    /// Who printed the line and what exception it names, to recognise re-logs.
    pub identity: crate::attribute::relog::Identity,
}

/// Identity of an aggregated group of events.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey {
    /// Test index, or `None` for the session.
    pub test: Option<u32>,
    /// Category.
    pub category: Category,
    /// The retried failure behind a `retry_exhausted` event.
    pub cause: Option<Category>,
    /// Role.
    pub kind: EventKind,
    /// Signature index.
    pub signature: usize,
    /// Host.
    pub host: Option<String>,
    /// Port.
    pub port: Option<u16>,
    /// Method.
    pub method: Option<String>,
    /// Path template (ids masked), shared by every group and event of the template.
    pub path: Option<std::sync::Arc<str>>,
    /// Status code.
    pub status: Option<u16>,
}

/// How many line references a group keeps (first ones); the count is always exact.
pub const MAX_LINES_PER_GROUP: usize = 20;

/// Events sharing a [`GroupKey`].
#[derive(Debug, Clone)]
pub struct EventGroup {
    /// Number of events.
    pub count: u64,
    /// Number of log lines behind them (a re-logged failure is one event, two lines).
    pub log_lines: u64,
    /// The first [`MAX_LINES_PER_GROUP`] event locations (file, line).
    pub lines: Vec<(u16, u64)>,
    /// Location of the last event.
    pub last: (u16, u64),
    /// Text of the first event line.
    pub sample: String,
    /// Earliest timestamp seen.
    pub first_at: Option<String>,
    /// Latest timestamp seen.
    pub last_at: Option<String>,
    /// Underlying cause for retry exhaustion.
    pub cause: Option<Category>,
    /// Timeouts seen (distinct values, at most a few).
    pub timeouts_s: Vec<f64>,
    /// Pool sizes seen (distinct).
    pub pool_sizes: Vec<u32>,
    /// Largest elapsed time seen.
    pub max_elapsed_ms: Option<f64>,
    /// Retry counters of the last event that had them.
    pub retry: Option<RetryCounters>,
    /// Largest remaining `total` (else `connect`) counter printed: the first retry's.
    pub retry_max_total: Option<i64>,
}

impl EventGroup {
    /// Starts a group from its first event, whose text becomes the sample.
    pub fn new(mut e: Event) -> EventGroup {
        let mut g = EventGroup {
            count: 0,
            log_lines: 0,
            lines: Vec::new(),
            last: (e.file, e.line),
            sample: std::mem::take(&mut e.text),
            first_at: None,
            last_at: None,
            cause: e.cause,
            timeouts_s: Vec::new(),
            pool_sizes: Vec::new(),
            max_elapsed_ms: None,
            retry: None,
            retry_max_total: None,
        };
        g.add(&e);
        g
    }

    /// Adds one more event.
    pub fn add(&mut self, e: &Event) {
        self.count += 1;
        self.log_lines += e.lines.max(1);
        if self.lines.len() < MAX_LINES_PER_GROUP {
            self.lines.push((e.file, e.line));
        }
        self.last = (e.file, e.line);
        if let Some(t) = &e.timestamp {
            match &mut self.first_at {
                Some(f) if t < f => f.clone_from(t),
                Some(_) => {}
                None => self.first_at = Some(t.clone()),
            }
            match &mut self.last_at {
                Some(l) if t > l => l.clone_from(t),
                Some(_) => {}
                None => self.last_at = Some(t.clone()),
            }
        }
        if let Some(t) = e.fields.timeout_s
            && !self.timeouts_s.contains(&t)
            && self.timeouts_s.len() < 8
        {
            self.timeouts_s.push(t);
        }
        if let Some(p) = e.fields.pool_size
            && !self.pool_sizes.contains(&p)
            && self.pool_sizes.len() < 8
        {
            self.pool_sizes.push(p);
        }
        if let Some(ms) = e.fields.elapsed_ms {
            self.max_elapsed_ms = Some(self.max_elapsed_ms.map_or(ms, |m| m.max(ms)));
        }
        if let Some(r) = e.fields.retry {
            self.retry = Some(r);
            if let Some(t) = r.total.or(r.connect) {
                self.retry_max_total = Some(self.retry_max_total.map_or(t, |m| m.max(t)));
            }
        }
        if self.cause.is_none() {
            self.cause = e.cause;
        }
    }
}

/// Seconds since the Unix epoch of a normalised timestamp (`YYYY-MM-DDTHH:MM:SS[.fff]`),
/// read as UTC (log timestamps rarely carry a zone; only differences matter here).
pub fn epoch_seconds(ts: &str) -> Option<i64> {
    if let Some(fast) = epoch_seconds_fast(ts.as_bytes()) {
        return Some(fast);
    }
    let t = chrono::NaiveDateTime::parse_from_str(ts, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(ts, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    Some(t.and_utc().timestamp())
}

/// Milliseconds since the epoch, with the fraction when the timestamp has one; the second
/// value tells whether it had one (else the resolution is one second).
pub fn epoch_millis(ts: &str) -> Option<(i64, bool)> {
    let secs = epoch_seconds(ts)?;
    let b = ts.as_bytes();
    if b.get(19) == Some(&b'.') {
        // The first three fraction digits, as milliseconds (".5" is 500): read in place,
        // as this runs for every timed retry attempt of a log.
        let digits = b[20..].iter().take_while(|c| c.is_ascii_digit()).take(3);
        let (ms, n) = digits.fold((0i64, 0u32), |(ms, n), d| {
            (ms * 10 + i64::from(d - b'0'), n + 1)
        });
        if n > 0 {
            return Some((secs * 1000 + ms * 10i64.pow(3 - n), true));
        }
    }
    Some((secs * 1000, false))
}

/// `YYYY-MM-DDTHH:MM:SS...` without a format parser: this runs once per timestamped event
/// or response line. Days from the civil date follow Howard Hinnant's algorithm.
fn epoch_seconds_fast(b: &[u8]) -> Option<i64> {
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b[r].iter().try_fold(0i64, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// Masks dynamic parts of a URL path so that `/jobs/8123/status` and `/jobs/77/status`
/// share one template (`/jobs/{id}/status`): numbers, UUIDs and long hex ids.
pub fn path_template(path: &str) -> String {
    // Every masked part has a digit: a path without one is its own template.
    if !path.bytes().any(|b| b.is_ascii_digit()) {
        return path.to_owned();
    }
    let mut out = String::with_capacity(path.len());
    for (i, seg) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if is_dynamic_segment(seg) {
            out.push_str("{id}");
        } else if let Some(word) = numbered_segment(seg) {
            out.push_str(&seg[..word]);
            out.push_str("{id}");
        } else {
            out.push_str(seg);
        }
    }
    out
}

fn is_dynamic_segment(seg: &str) -> bool {
    if seg.is_empty() {
        return false;
    }
    let digits = seg.bytes().filter(u8::is_ascii_digit).count();
    let hexish = seg.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    digits == seg.len() || (hexish && seg.len() >= 16 && digits > 0)
}

/// `task-000`, `job17`, `run_3`: a word and a number, where the number is an id
/// (but not a version such as `v2`). Returns the length of the word part.
fn numbered_segment(seg: &str) -> Option<usize> {
    let word = seg.trim_end_matches(|c: char| c.is_ascii_digit());
    let number = seg.len() - word.len();
    let is_version = (word == "v" || word == "V") && number <= 2;
    (number > 0
        && !word.is_empty()
        && !is_version
        && word
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_'))
    .then_some(word.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_of_timestamps() {
        assert_eq!(epoch_seconds("1970-01-01T00:01:05"), Some(65));
        assert_eq!(epoch_seconds("1970-01-01T00:01:05.250"), Some(65));
        assert_eq!(epoch_seconds("not a time"), None);
        assert_eq!(epoch_millis("1970-01-01T00:01:05.25"), Some((65_250, true)));
        assert_eq!(epoch_millis("1970-01-01T00:01:05"), Some((65_000, false)));
        assert_eq!(epoch_millis("1970-01-01T00:01:05.1"), Some((65_100, true)));
        assert_eq!(
            epoch_millis("1970-01-01T00:01:05.123456"),
            Some((65_123, true))
        );
        assert_eq!(
            epoch_millis("1970-01-01T00:01:05.007"),
            Some((65_007, true))
        );
        assert_eq!(epoch_millis("1970-01-01T00:01:05."), Some((65_000, false)));
        assert_eq!(
            epoch_millis("1970-01-01T00:01:05.\u{e9}9"),
            Some((65_000, false))
        );
        for ts in [
            "2025-11-07T10:23:45",
            "2000-02-29T23:59:59.5",
            "1999-12-31T00:00:00",
        ] {
            let slow = chrono::NaiveDateTime::parse_from_str(ts, "%Y-%m-%dT%H:%M:%S%.f")
                .unwrap()
                .and_utc()
                .timestamp();
            assert_eq!(epoch_seconds(ts), Some(slow), "{ts}");
        }
    }

    #[test]
    fn path_templates_mask_ids() {
        assert_eq!(path_template("/jobs/8123/status"), "/jobs/{id}/status");
        assert_eq!(
            path_template("/t/3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
            "/t/{id}"
        );
        assert_eq!(
            path_template("/focus-server/configure"),
            "/focus-server/configure"
        );
        assert_eq!(path_template("/v2/items"), "/v2/items");
        assert_eq!(
            path_template("/tasks/task-007/status"),
            "/tasks/task-{id}/status"
        );
        assert_eq!(path_template("/jobs/job17"), "/jobs/job{id}");
    }
}
