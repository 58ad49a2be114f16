//! Cross-check `retry_after`: whether the server sent `Retry-After` and whether the client
//! honoured it, from the responses and from the sleeps urllib3 logged between retries. It
//! reads facts and findings; it decides no verdict.

use super::*;

/// Whether status retries waited as long as `Retry-After` asks. urllib3 logs neither the
/// header nor its sleep, so the check works from what the log does show: the total time of
/// the slowest request that ran out of retries on 413/429/503 (an upper bound on the waits
/// between its attempts) and any `Retry-After` value printed by the application or by a
/// library's debug output.
pub fn retry_after(a: &RunFacts, fs: &[&Finding]) -> Option<CrossCheck> {
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
pub(crate) fn sleeps_for<'f>(
    a: &RunFacts,
    fs: impl IntoIterator<Item = &'f Finding>,
    status: bool,
) -> Option<crate::attribute::collect::RetryGaps> {
    let mut out = crate::attribute::collect::RetryGaps::default();
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
pub(crate) fn retry_after_from_sleeps(
    status: u16,
    slept: &crate::attribute::collect::RetryGaps,
    asked: Option<&crate::attribute::collect::RetryAfterSeen>,
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
