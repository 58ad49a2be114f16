//! Cross-check `retry_amplification`: how many requests the retries added on top of the
//! tests' own, the load a struggling server got from its clients. It reads facts and
//! findings; it decides no verdict.

use super::*;

/// Retry attempts per failed request, and whether POST was retried.
pub fn retry_amplification(a: &RunFacts, fs: &[&Finding]) -> Option<CrossCheck> {
    let retries: u64 = fs.iter().map(|f| f.retry_attempts).sum();
    // The collector counts a request once even when the application's deadline record
    // and the exception are both logged (see `relog.rs`): every final failure is one request.
    let terminal: u64 = fs.iter().map(|f| f.terminal_events).sum();
    if retries == 0 || terminal == 0 {
        return None;
    }
    let target = fs.iter().find_map(|f| f.target.as_deref());
    // Retrying a POST after a connect failure is safe (the server never saw it); after a
    // read timeout or a dropped connection it may run twice.
    let retried_paths: BTreeSet<String> = fs
        .iter()
        .filter(|f| f.retry_attempts > 0)
        .filter(|f| {
            matches!(
                f.category,
                Category::ReadTimeout | Category::ConnectionReset
            )
        })
        .filter_map(|f| {
            f.endpoint
                .as_deref()
                .map(|e| e.rsplit(' ').next().unwrap_or(e).to_string())
        })
        .collect();
    let post_retried = a.events.iter().any(|e| {
        e.method.as_deref() == Some("POST")
            && e.path.as_ref().is_some_and(|p| retried_paths.contains(p))
            && target.is_none_or(|t| e.host.as_deref() == Some(host_of(t)))
    });
    let per = (retries + terminal) as f64 / terminal as f64;
    let mut statement = format!(
        "{retries} retry attempt(s) for {terminal} failed request(s): {per:.1} attempts per failed request against {}",
        target.unwrap_or("the target")
    );
    if let Some(n) = attempts_from_retry(a, target) {
        statement.push_str(&format!(" (Retry allowed {n})"));
    }
    // Which urllib3 counter reached zero on the last retry of these requests.
    let exhausted: BTreeSet<&str> = fs
        .iter()
        .flat_map(|f| f.event_indices.iter().map(|&i| &a.events[i]))
        .filter_map(|e| e.retry)
        .flat_map(|r| {
            [
                ("total", r.total),
                ("connect", r.connect),
                ("read", r.read),
                ("status", r.status),
            ]
            .into_iter()
            .filter(|(_, v)| v.is_some_and(|v| v <= 0))
            .map(|(name, _)| name)
        })
        .collect();
    if !exhausted.is_empty() {
        let names: Vec<&str> = exhausted.into_iter().collect();
        statement.push_str(&format!("; the {} retry counter ran out", names.join("/")));
    }
    if post_retried {
        statement.push_str("; POST requests were among those retried (not idempotent: a retry may create a second job)");
    }
    Some(CrossCheck {
        id: "retry_amplification",
        title: "retry amplification".to_string(),
        statement,
        locations: fs
            .iter()
            .filter(|f| f.retry_attempts > 0)
            .flat_map(|f| f.locations.iter().copied())
            .take(3)
            .collect(),
    })
}
