//! One report per test: its categories (counted and folded), its main failure and the
//! symptom cut from it, and how an event group reads as a phrase. It does not total the run
//! (`summary.rs`) nor the categories (`categories.rs`).

use super::*;

pub(crate) fn test_name(nodeid: &str) -> String {
    let len = crate::parse::pytest::nodeid_len(nodeid).unwrap_or(nodeid.len());
    let id = &nodeid[..len];
    // The last `::` outside brackets starts the name.
    let mut depth = 0usize;
    let mut cut = 0;
    let b = id.as_bytes();
    for i in 0..b.len() {
        match b[i] {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b':' if depth == 0 && i > 0 && b[i - 1] == b':' => cut = i + 1,
            _ => {}
        }
    }
    id[cut..].to_string()
}

pub(crate) fn test_reports(
    c: &Collected,
    groups: &[(&GroupKey, &EventGroup)],
    redactor: Redactor,
) -> Vec<TestReport> {
    let mut per_test: Vec<BTreeMap<Category, u64>> = vec![BTreeMap::new(); c.tests.len()];
    let mut events = vec![0u64; c.tests.len()];
    let mut main_event: Vec<Option<(&GroupKey, &EventGroup)>> = vec![None; c.tests.len()];
    for (k, g) in groups {
        let Some(t) = k.test else { continue };
        let t = t as usize;
        events[t] += g.count;
        for cat in group_categories(k) {
            *per_test[t].entry(cat).or_default() += g.count;
        }
        let better = match main_event[t] {
            None => true,
            Some((mk, mg)) => rank(k, g) > rank(mk, mg),
        };
        if better {
            main_event[t] = Some((k, g));
        }
    }
    c.tests
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let message = t
                .summary_message
                .clone()
                .or_else(|| t.traceback_message.clone());
            let symptom = symptom(t, main_event[i]).map(|s| redactor.apply(&s));
            TestReport {
                nodeid: t.nodeid.clone(),
                name: test_name(&t.nodeid),
                outcome: t
                    .outcome
                    .map_or("unknown".to_string(), |o| o.id().to_string()),
                categories: test_categories(&per_test[i], &t.folded_categories),
                events: events[i],
                category_events: per_test[i].clone(),
                count: t.multiplicity.max(1),
                symptom,
                message,
                duration_s: t.duration_s,
                teardown_error: t.teardown_error,
                location: Location {
                    file: t.first_seen.0,
                    line: t.first_seen.1,
                },
                outcome_source: t.outcome_source,
                first_event_s: t.event_span.map(|s| s.0),
                last_event_s: t.event_span.map(|s| s.1),
                history: None,
            }
        })
        .collect()
}

/// A test's categories: those its events count for, and those named by its lines that
/// were folded into another event (a re-log, the traceback of a live failure).
pub(crate) fn test_categories(
    counted: &BTreeMap<Category, u64>,
    folded: &[Category],
) -> Vec<Category> {
    let mut all: Vec<Category> = counted.keys().chain(folded).copied().collect();
    all.sort();
    all.dedup();
    all
}

/// Which event best explains a test: terminal failures first, then the most frequent.
pub(crate) fn rank(k: &GroupKey, g: &EventGroup) -> (u8, u64) {
    let role = match k.kind {
        EventKind::Terminal => 2,
        EventKind::RetryAttempt => 1,
        EventKind::PoolWarning => 0,
    };
    (role, g.count)
}

/// A one-line symptom: the assertion text when the test failed on an assertion, else a
/// phrase built from its main event, else the failure message.
pub(crate) fn symptom(t: &TestRecord, main: Option<(&GroupKey, &EventGroup)>) -> Option<String> {
    let msg = t
        .summary_message
        .as_deref()
        .or(t.traceback_message.as_deref());
    if let Some(m) = msg {
        if let Some(rest) = m.strip_prefix("AssertionError: ") {
            return Some(truncate(first_line(rest), 160));
        }
        if m.starts_with("assert ") {
            return Some(truncate(first_line(m), 160));
        }
    }
    if let Some((k, g)) = main {
        return Some(event_phrase(k, g));
    }
    msg.map(|m| truncate(first_line(m), 160))
}

pub(crate) fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// Describes an event group in a few words, e.g. "Read timed out (5 s) on GET /status".
pub fn event_phrase(k: &GroupKey, g: &EventGroup) -> String {
    let secs = |v: &[f64]| {
        v.first()
            .map(|t| format!(" ({} s)", trim_float(*t)))
            .unwrap_or_default()
    };
    let target = match (&k.method, &k.path) {
        (Some(m), Some(p)) => format!(" on {m} {p}"),
        (None, Some(p)) => format!(" on {p}"),
        _ => k
            .host
            .as_ref()
            .map(|h| format!(" to {h}"))
            .unwrap_or_default(),
    };
    let times = if g.count > 1 {
        format!(" ×{}", g.count)
    } else {
        String::new()
    };
    let head = match k.category {
        Category::ConnectTimeout => format!("Connect timed out{}", secs(&g.timeouts_s)),
        Category::ReadTimeout => format!("Read timed out{}", secs(&g.timeouts_s)),
        Category::PoolFull => format!(
            "Connection pool full{}",
            g.pool_sizes
                .first()
                .map(|p| format!(" (size {p})"))
                .unwrap_or_default()
        ),
        Category::PoolExhausted => "Connection pool exhausted".to_string(),
        Category::RetryExhausted => match (k.status, g.cause) {
            (Some(s), _) => format!("Retries exhausted on HTTP {s}"),
            (None, Some(c)) => format!("Retries exhausted after {}", c.id().replace('_', " ")),
            _ => "Retries exhausted".to_string(),
        },
        Category::ConnectionRefused => "Connection refused".to_string(),
        Category::ConnectionReset => "Connection reset by peer".to_string(),
        Category::DnsFailure => "Name resolution failed".to_string(),
        Category::TlsError => "TLS error".to_string(),
        Category::HttpError => match k.status {
            Some(s) => format!("HTTP {s}"),
            None => "HTTP error status".to_string(),
        },
        Category::RateLimited => "HTTP 429 Too Many Requests".to_string(),
        Category::RequestTimeout => match g.max_elapsed_ms {
            Some(ms) => format!("Request deadline hit after {:.1} s", ms / 1000.0),
            None => "Request deadline hit".to_string(),
        },
    };
    format!("{head}{target}{times}")
}
