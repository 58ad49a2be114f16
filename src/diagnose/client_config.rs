//! The HTTP client's settings as the log reveals them, and one consolidated client
//! configuration (Session + HTTPAdapter + Retry + timeouts) that answers the run's findings,
//! one line per setting with the reason for it.
//!
//! What the run's client did is *inferred* from what urllib3 printed: the Retry total from
//! the largest counter a `Retrying (Retry(total=N, ...))` warning shows (N + 1), the
//! backoff factor from the time measured between retries (urllib3 sleeps 0, 2f, 4f, ...),
//! timeouts from `(connect timeout=0.5)` / `read timeout=5`, the pool size from `Connection
//! pool is full ... Connection pool size: 10`. Nothing is read from code, and a value the log
//! does not show is said to be unknown, never filled in with a canned one. Recommendation
//! selection is [`recommend`](crate::diagnose::recommend)'s; this module only knows settings.

use crate::attribute::event::EventKind;
use crate::diagnose::{Family, Finding, RootCauseAnalysis, URLLIB3_DEFAULT_POOL};
use crate::facts::{Location, RunFacts, trim_float};
use crate::model::Category;
use serde::Serialize;

/// A value the log reveals, with where it was seen.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Seen<T> {
    /// The value.
    pub value: T,
    /// How it was inferred, e.g. "first Retrying line shows total=2 (L12)".
    pub from: String,
}

/// The client settings the run's log reveals (each one inferred, none read from code).
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Observed {
    /// `Retry(total=...)`.
    pub retry_total: Option<Seen<i64>>,
    /// `Retry(backoff_factor=...)`, estimated from the waits between retries.
    pub backoff_factor: Option<Seen<f64>>,
    /// Connect timeout in seconds.
    pub connect_timeout: Option<Seen<f64>>,
    /// Read timeout in seconds.
    pub read_timeout: Option<Seen<f64>>,
    /// Connection pool size.
    pub pool_size: Option<Seen<u32>>,
}

/// One setting of the consolidated configuration.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Setting {
    /// Setting name, e.g. `backoff_factor`.
    pub name: String,
    /// What the run used, when the log shows it (inferred).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The recommended value.
    pub after: String,
    /// Why: the evidence it answers.
    pub reason: String,
    /// Root causes it addresses (empty: a safe default, no finding behind it).
    pub root_causes: Vec<String>,
}

fn line_of(l: Option<&Location>) -> String {
    l.map(|l| format!(" (L{})", l.line)).unwrap_or_default()
}

fn max_f64(it: impl Iterator<Item = f64>) -> Option<f64> {
    it.fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
}

/// Timeout of the findings of one category (direct or as the retried cause).
fn timeout_of(fs: &[Finding], cat: Category) -> Option<Seen<f64>> {
    let mine: Vec<&Finding> = fs
        .iter()
        .filter(|f| f.category == cat || f.cause == Some(cat))
        .filter(|f| !f.timeouts_s.is_empty())
        .collect();
    let value = max_f64(mine.iter().flat_map(|f| f.timeouts_s.iter().copied()))?;
    // The earliest line that shows the largest timeout.
    let f = mine
        .iter()
        .filter(|f| f.timeouts_s.contains(&value))
        .min_by_key(|f| f.locations.first().copied())?;
    let word = if cat == Category::ConnectTimeout {
        "connect"
    } else {
        "read"
    };
    Some(Seen {
        value,
        from: format!(
            "{word} timeout={}{}",
            trim_float(value),
            line_of(f.locations.first())
        ),
    })
}

/// `Retry(total=N)`: the largest counter a Retrying line shows, plus one.
fn retry_total(a: &RunFacts) -> Option<Seen<i64>> {
    let e = a
        .events
        .iter()
        .filter(|e| e.kind == EventKind::RetryAttempt)
        .filter(|e| e.retry_max_total.is_some())
        .max_by_key(|e| {
            (
                e.retry_max_total,
                std::cmp::Reverse(e.locations.first().copied()),
            )
        })?;
    let shown = e.retry_max_total?;
    Some(Seen {
        value: shown.saturating_add(1),
        from: format!(
            "the first Retrying line of a request shows total={shown}{}",
            line_of(e.locations.first())
        ),
    })
}

/// urllib3 sleeps `f * 2^(k-1)` before the k-th consecutive retry (none before the first):
/// over `retries` retries the mean sleep is `f * (2^r - 2) / r` and the longest `f * 2^(r-1)`.
fn backoff_factor(a: &RunFacts, retries: i64) -> Option<Seen<f64>> {
    let r = retries.clamp(2, 16) as i32;
    let longest = a
        .retry_sleeps
        .values()
        .map(|s| s.error.max_ms.max(s.status.max_ms))
        .max()
        .filter(|ms| *ms > 0);
    if let Some(ms) = longest {
        let f = ms as f64 / 1000.0 / 2f64.powi(r - 1);
        return Some(Seen {
            value: round2(f),
            from: format!(
                "urllib3 slept at most {:.2} s before a retry (DEBUG lines) over {r} retries",
                ms as f64 / 1000.0
            ),
        });
    }
    let (gaps, timeout) = a
        .retry_gaps
        .values()
        .filter(|g| g.pairs > 0)
        .find_map(|g| g.timeout_s.map(|t| (g, t)))?;
    let mean_backoff = (gaps.mean_s() - timeout).max(0.0);
    let f = mean_backoff * r as f64 / (2f64.powi(r) - 2.0);
    Some(Seen {
        value: round2(f),
        from: format!(
            "retries of one request were {:.1} s apart with a {} s timeout: about {:.1} s of backoff per retry{}",
            gaps.mean_s(),
            trim_float(timeout),
            mean_backoff,
            if gaps.precise {
                ""
            } else {
                ", from 1 s timestamps"
            }
        ),
    })
}

/// A float as Python source: `1.0`, `0.5`.
fn py_float(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.1}")
    } else {
        trim_float(v)
    }
}

/// Two significant digits, at least 0.01.
fn round2(v: f64) -> f64 {
    if v <= 0.0 {
        return 0.0;
    }
    let digits = 1 - v.log10().floor() as i32;
    let p = 10f64.powi(digits.max(0));
    ((v * p).round() / p).max(0.01)
}

/// The settings this run's log reveals.
pub fn observe(a: &RunFacts, rca: &RootCauseAnalysis) -> Observed {
    let retry_total = retry_total(a);
    let retries = retry_total.as_ref().map_or(3, |t| t.value);
    let pool = rca
        .findings
        .iter()
        .filter(|f| !f.pool_sizes.is_empty())
        .max_by_key(|f| f.pool_sizes.iter().max().copied())
        .and_then(|f| {
            let size = f.pool_sizes.iter().max().copied()?;
            Some(Seen {
                value: size,
                from: format!(
                    "\"Connection pool size: {size}\"{}",
                    line_of(f.locations.first())
                ),
            })
        });
    Observed {
        backoff_factor: retry_total
            .as_ref()
            .and_then(|_| backoff_factor(a, retries)),
        retry_total,
        connect_timeout: timeout_of(&rca.findings, Category::ConnectTimeout),
        read_timeout: timeout_of(&rca.findings, Category::ReadTimeout),
        pool_size: pool,
    }
}

/// Root causes of each kind, to name what a setting answers.
#[derive(Debug, Default)]
pub struct Causes {
    /// Client-pool causes.
    pub pool: Vec<String>,
    /// Causes whose requests were retried.
    pub retried: Vec<String>,
    /// Causes with status retries (429/503) that ran out.
    pub status: Vec<String>,
    /// Causes where POST was retried.
    pub post: Vec<String>,
    /// Unreachable causes (connect timeouts).
    pub unreachable: Vec<String>,
}

/// The consolidated configuration: its settings (with reasons) and the code before/after.
#[derive(Debug, Clone)]
pub struct Config {
    /// One entry per setting.
    pub settings: Vec<Setting>,
    /// What the log shows of the run's configuration, as Python comments and code.
    pub before: String,
    /// The paste-able block.
    pub after: String,
    /// Values for catalogue placeholders, so every snippet uses the same numbers.
    pub values: Vec<(&'static str, String)>,
}

/// The suggested backoff factor: 1.0 (waits 0, 2, 4 s) unless the run already waited longer.
fn suggested_backoff(observed: Option<f64>) -> f64 {
    match observed {
        Some(f) if f >= 1.0 => (f * 2.0).min(10.0),
        _ => 1.0,
    }
}

/// The recommended values, each from what the run shows.
struct Suggested {
    /// `Retry(total=...)`.
    total: i64,
    /// `pool_connections` / `pool_maxsize`.
    pool: u32,
    /// `Retry(backoff_factor=...)`.
    backoff: f64,
    /// Connect timeout in seconds.
    connect: f64,
    /// Read timeout in seconds.
    read: f64,
}

impl Suggested {
    /// The values for what the log shows and the tests' concurrency.
    fn of(o: &Observed, concurrency: Option<u32>) -> Self {
        let total = o.retry_total.as_ref().map_or(3, |t| t.value.clamp(1, 10));
        let pool = match (o.pool_size.as_ref().map(|p| p.value), concurrency) {
            // The pool size is log text: a huge one must not overflow.
            (Some(p), Some(c)) => c.max(p.saturating_mul(2)),
            (Some(p), None) => p.saturating_mul(2),
            (None, Some(c)) => c.max(URLLIB3_DEFAULT_POOL),
            (None, None) => URLLIB3_DEFAULT_POOL,
        };
        let backoff = suggested_backoff(o.backoff_factor.as_ref().map(|b| b.value));
        let connect = match o.connect_timeout.as_ref().map(|t| t.value) {
            Some(t) if t >= 10.0 => (t / 4.0).clamp(1.0, 5.0).round(),
            Some(t) => t,
            None => 3.0,
        };
        let read = o.read_timeout.as_ref().map_or(30.0, |t| t.value);
        Suggested {
            total,
            pool,
            backoff,
            connect,
            read,
        }
    }
}

/// One setting with the root causes it answers.
fn setting(
    name: &str,
    before: Option<String>,
    after: String,
    reason: String,
    rcs: &[String],
) -> Setting {
    Setting {
        name: name.to_string(),
        before,
        after,
        reason,
        root_causes: rcs.to_vec(),
    }
}

/// Builds the consolidated configuration from what the run shows.
pub fn build(o: &Observed, causes: &Causes, concurrency: Option<u32>) -> Config {
    let s = Suggested::of(o, concurrency);
    let mut settings = pool_settings(o, causes, concurrency, s.pool);
    settings.extend(retry_settings(o, causes, s.total, s.backoff));
    settings.extend(method_settings(causes));
    settings.push(timeout_setting(o, causes, s.connect, s.read));
    let before = before_block(o);
    let after = after_block(s.total, s.backoff, s.pool, s.connect, s.read);
    Config {
        settings,
        before,
        after,
        values: placeholder_values(o, &s),
    }
}

/// The pool size and blocking, against the pool-full warnings and the concurrency.
fn pool_settings(
    o: &Observed,
    causes: &Causes,
    concurrency: Option<u32>,
    pool_after: u32,
) -> Vec<Setting> {
    let reason = match (&o.pool_size, concurrency) {
        (Some(p), Some(c)) if c > p.value => format!(
            "{}: {} connections for up to {c} concurrent requests, so up to {} per burst are opened and discarded",
            p.from,
            p.value,
            c - p.value
        ),
        (Some(p), _) => format!("{}: pool-full warnings at this size", p.from),
        (None, Some(c)) => {
            format!("no pool-full warning, sized for the {c} concurrent requests the tests run")
        }
        (None, None) => {
            "no pool evidence in this run: the requests default, kept explicit".to_string()
        }
    };
    vec![
        setting(
            "pool_connections / pool_maxsize",
            o.pool_size.as_ref().map(|p| p.value.to_string()),
            pool_after.to_string(),
            reason,
            &causes.pool,
        ),
        setting(
            "pool_block",
            None,
            "True".to_string(),
            "wait for a free connection instead of opening one the pool will throw away"
                .to_string(),
            &causes.pool,
        ),
    ]
}

/// The retry counts, backoff factor and jitter, against the Retrying lines and their waits.
fn retry_settings(o: &Observed, causes: &Causes, total: i64, backoff_after: f64) -> Vec<Setting> {
    let total_reason = match &o.retry_total {
        Some(t) => format!(
            "{}: the run's total kept; connect and status errors counted on their own, fewer read retries (a read timeout may have been executed)",
            t.from
        ),
        None => "no Retrying line in the log: a bounded default".to_string(),
    };
    let backoff_reason = match &o.backoff_factor {
        Some(b) => format!(
            "{}, so backoff_factor was about {}: retries came back before an overloaded server recovered; {} waits 0, {}, {} s",
            b.from,
            trim_float(b.value),
            py_float(backoff_after),
            trim_float(backoff_after * 2.0),
            trim_float(backoff_after * 4.0)
        ),
        None => "the log shows no measurable wait between retries".to_string(),
    };
    vec![
        setting(
            "total / connect / read / status",
            o.retry_total.as_ref().map(|t| format!("total={}", t.value)),
            format!("{total} / {total} / {} / {total}", (total - 1).max(1)),
            total_reason,
            &causes.retried,
        ),
        setting(
            "backoff_factor",
            o.backoff_factor
                .as_ref()
                .map(|b| format!("~{}", trim_float(b.value))),
            py_float(backoff_after),
            backoff_reason,
            &causes.retried,
        ),
        setting(
            "backoff_jitter / backoff_max",
            None,
            "0.5 / 30".to_string(),
            "spread the retries of parallel workers so they do not return in lockstep (urllib3 >= 2, drop on 1.26)".to_string(),
            &causes.retried,
        ),
    ]
}

/// Which statuses and methods are retried, against status retries that ran out and POST
/// retries.
fn method_settings(causes: &Causes) -> Vec<Setting> {
    vec![
        setting(
            "status_forcelist / respect_retry_after_header",
            None,
            "[429, 502, 503, 504] / True".to_string(),
            if causes.status.is_empty() {
                "retry only statuses that mean \"come back later\", when the server says"
                    .to_string()
            } else {
                "status retries ran out on 429/503 without waiting as long as the server may have asked"
                    .to_string()
            },
            &causes.status,
        ),
        setting(
            "allowed_methods",
            None,
            "Retry.DEFAULT_ALLOWED_METHODS (no POST)".to_string(),
            if causes.post.is_empty() {
                "read and status retries only for idempotent methods; connect errors are still retried for every method".to_string()
            } else {
                "POST was retried after the server had seen it: a retry can repeat a side effect; connect errors are still retried (the server never saw those)".to_string()
            },
            &causes.post,
        ),
    ]
}

/// The (connect, read) timeout, against the timeouts the log shows.
fn timeout_setting(o: &Observed, causes: &Causes, connect_after: f64, read_after: f64) -> Setting {
    setting(
        "timeout (connect, read)",
        match (&o.connect_timeout, &o.read_timeout) {
            (None, None) => None,
            (c, r) => Some(format!(
                "({}, {})",
                c.as_ref().map_or("?".to_string(), |t| trim_float(t.value)),
                r.as_ref().map_or("?".to_string(), |t| trim_float(t.value))
            )),
        },
        format!(
            "({}, {})",
            trim_float(connect_after),
            trim_float(read_after)
        ),
        timeout_reason(o, connect_after),
        &causes.unreachable,
    )
}

/// Values for catalogue placeholders, so every snippet uses the configuration's numbers.
fn placeholder_values(o: &Observed, s: &Suggested) -> Vec<(&'static str, String)> {
    vec![
        ("retry_before", before_retry(o)),
        (
            "pool_before",
            o.pool_size
                .as_ref()
                .map_or("# pool size: not visible in the log".to_string(), |p| {
                    format!(
                        "HTTPAdapter(pool_connections={0}, pool_maxsize={0})  # inferred: {1}",
                        p.value, p.from
                    )
                }),
        ),
        ("timeout_before", before_timeout(o)),
        ("retry_total", s.total.to_string()),
        ("backoff_after", py_float(s.backoff)),
        ("suggested_pool", s.pool.to_string()),
        ("suggested_timeout", trim_float(s.connect)),
        ("read_timeout", trim_float(s.read)),
    ]
}

fn timeout_reason(o: &Observed, connect_after: f64) -> String {
    let connect = match &o.connect_timeout {
        Some(t) if t.value >= 10.0 => format!(
            "{}: each unreachable attempt cost {} s, {} s is plenty on a LAN",
            t.from,
            trim_float(t.value),
            trim_float(connect_after)
        ),
        Some(t) => format!("{}: kept", t.from),
        None => "connect timeout not in the log: a short default".to_string(),
    };
    let read = match &o.read_timeout {
        Some(t) => format!("{}: kept", t.from),
        None => "read timeout not in the log: set it above the slowest expected answer".to_string(),
    };
    format!("{connect}; {read}; a timeout on every call, never none")
}

/// `Retry(...)` as the log shows it, one line.
fn before_retry(o: &Observed) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &o.retry_total {
        parts.push(format!("total={}", t.value));
    }
    if let Some(b) = &o.backoff_factor {
        parts.push(format!("backoff_factor={}", trim_float(b.value)));
    }
    if parts.is_empty() {
        "# Retry: not visible in the log".to_string()
    } else {
        format!(
            "retry = Retry({})  # inferred from the log",
            parts.join(", ")
        )
    }
}

/// The timeouts as the log shows them, one line.
fn before_timeout(o: &Observed) -> String {
    let show = |t: &Option<Seen<f64>>| {
        t.as_ref()
            .map_or("None".to_string(), |t| trim_float(t.value))
    };
    if o.connect_timeout.is_none() && o.read_timeout.is_none() {
        return "# timeouts: not visible in the log".to_string();
    }
    format!(
        "timeout = ({}, {})  # (connect, read) inferred from the log; None: not visible",
        show(&o.connect_timeout),
        show(&o.read_timeout)
    )
}

/// The run's configuration as far as the log shows it, as commented Python.
fn before_block(o: &Observed) -> String {
    let mut lines = vec!["# inferred from the log, not read from your code".to_string()];
    let mut retry = Vec::new();
    if let Some(t) = &o.retry_total {
        retry.push(format!("total={}", t.value));
    }
    if let Some(b) = &o.backoff_factor {
        retry.push(format!("backoff_factor={}", trim_float(b.value)));
    }
    if !retry.is_empty() {
        lines.push(format!("retry = Retry({})", retry.join(", ")));
        if let Some(t) = &o.retry_total {
            lines.push(format!("#   total: {}", t.from));
        }
        if let Some(b) = &o.backoff_factor {
            lines.push(format!("#   backoff_factor (about): {}", b.from));
        }
    } else {
        lines.push("# Retry: not visible in the log".to_string());
    }
    match &o.pool_size {
        Some(p) => {
            lines.push(format!(
                "adapter = HTTPAdapter(pool_connections={0}, pool_maxsize={0})",
                p.value
            ));
            lines.push(format!("#   pool: {}", p.from));
        }
        None => lines.push("# pool size: not visible in the log".to_string()),
    }
    let show = |t: &Option<Seen<f64>>| t.as_ref().map(|t| trim_float(t.value));
    match (show(&o.connect_timeout), show(&o.read_timeout)) {
        (None, None) => lines.push("# timeouts: not visible in the log".to_string()),
        (c, r) => {
            lines.push(format!(
                "timeout = ({}, {})  # (connect, read){}",
                c.clone().unwrap_or_else(|| "None".to_string()),
                r.clone().unwrap_or_else(|| "None".to_string()),
                if c.is_none() || r.is_none() {
                    "; None: not visible in the log"
                } else {
                    ""
                }
            ));
            for t in [&o.connect_timeout, &o.read_timeout].into_iter().flatten() {
                lines.push(format!("#   {}", t.from));
            }
        }
    }
    lines.join("\n")
}

/// The paste-able block.
fn after_block(total: i64, backoff: f64, pool: u32, connect: f64, read: f64) -> String {
    format!(
        r#"import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRY = Retry(
    total={total},
    connect={total},
    read={read_retries},
    status={total},
    backoff_factor={backoff},
    backoff_jitter=0.5,  # urllib3 >= 2 (remove on 1.26)
    backoff_max=30,
    status_forcelist=[429, 502, 503, 504],
    allowed_methods=Retry.DEFAULT_ALLOWED_METHODS,  # no POST: read/status retries only when idempotent
    respect_retry_after_header=True,
)
TIMEOUT = ({connect}, {read})  # (connect, read) seconds: pass timeout=TIMEOUT on every call


def make_session():
    """Every session the suite builds (API client, auth/token helpers, fixtures) comes from here."""
    session = requests.Session()
    adapter = HTTPAdapter(
        pool_connections={pool}, pool_maxsize={pool}, pool_block=True, max_retries=RETRY
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session"#,
        read_retries = (total - 1).max(1),
        backoff = py_float(backoff),
        connect = trim_float(connect),
        read = trim_float(read),
    )
}

/// Which root causes each group of settings answers.
pub fn causes(rca: &RootCauseAnalysis, fired: &dyn Fn(&str) -> Vec<String>) -> Causes {
    Causes {
        pool: fired("pool_too_small"),
        retried: fired("retries_seen"),
        status: fired("status_retries_exhausted"),
        post: fired("post_retried"),
        unreachable: rca
            .root_causes
            .iter()
            .filter(|rc| rc.family == Family::Unreachable)
            .map(|rc| rc.id.clone())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_factor_rounds_to_two_digits() {
        assert_eq!(round2(0.104), 0.1);
        assert_eq!(round2(0.0), 0.0);
        assert_eq!(round2(1.26), 1.3);
        assert_eq!(round2(0.0049), 0.01);
    }

    #[test]
    fn the_suggestion_never_shortens_a_longer_backoff() {
        assert_eq!(suggested_backoff(Some(0.1)), 1.0);
        assert_eq!(suggested_backoff(None), 1.0);
        assert_eq!(suggested_backoff(Some(2.0)), 4.0);
    }

    #[test]
    fn the_block_uses_the_run_values_and_one_retry() {
        let o = Observed {
            retry_total: Some(Seen {
                value: 3,
                from: "L12".into(),
            }),
            backoff_factor: Some(Seen {
                value: 0.1,
                from: "gaps".into(),
            }),
            connect_timeout: Some(Seen {
                value: 0.5,
                from: "connect timeout=0.5 (L12)".into(),
            }),
            read_timeout: None,
            pool_size: Some(Seen {
                value: 10,
                from: "pool (L73)".into(),
            }),
        };
        let c = build(&o, &Causes::default(), Some(50));
        assert_eq!(c.after.matches("Retry(").count(), 1, "{}", c.after);
        assert!(c.after.contains("total=3,") && c.after.contains("pool_maxsize=50"));
        assert!(c.after.contains("TIMEOUT = (0.5, 30)"), "{}", c.after);
        assert!(
            c.before.contains("Retry(total=3, backoff_factor=0.1)"),
            "{}",
            c.before
        );
        assert!(c.before.contains("timeout = (0.5, None)"), "{}", c.before);
        assert!(!c.before.contains("1.0"), "{}", c.before);
    }
}
