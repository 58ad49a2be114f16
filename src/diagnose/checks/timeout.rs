//! Cross-check `elapsed_vs_timeout`: how long the failed requests took against the
//! timeouts and retries configured, so a deadline can be told from a slow server. It reads
//! facts and findings; it decides no verdict.

use super::*;

/// Attempts the urllib3 `Retry` allowed: the largest `total` printed after a failure + 2
/// (the first try, and the retry that printed it).
pub(crate) fn attempts_from_retry(a: &RunFacts, target: Option<&str>) -> Option<i64> {
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
pub fn elapsed_vs_timeout(a: &RunFacts, fs: &[&Finding]) -> Option<CrossCheck> {
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
