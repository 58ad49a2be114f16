//! Cross-check `observed_backoff`: the gaps between consecutive retries of one request,
//! measured from the log's timestamps, against urllib3's backoff formula. Reads facts and
//! findings; decides nothing.

use super::*;

/// The time between consecutive retries of one request against the timeout: what is left
/// is the backoff the client actually waited.
pub fn observed_backoff(a: &RunFacts, rc: &RootCause, fs: &[&Finding]) -> Option<CrossCheck> {
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
