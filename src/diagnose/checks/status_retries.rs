//! Cross-check `status_retries`: whether the retries ran out on error statuses (the
//! server answered, badly) rather than on connection failures. It reads facts and findings;
//! it decides no verdict.

use super::*;

/// Status retries that ran out ("too many 503 error responses"), and on which methods.
pub fn status_retries(fs: &[&Finding]) -> Option<CrossCheck> {
    let exhausted: Vec<&&Finding> = fs
        .iter()
        .filter(|f| f.category == Category::RetryExhausted && f.status.is_some())
        .collect();
    let first = exhausted.first()?;
    let status = first.status?;
    let requests: u64 = exhausted.iter().map(|f| f.terminal_events).sum();
    let posts: Vec<&str> = exhausted
        .iter()
        .filter_map(|f| f.endpoint.as_deref())
        .filter(|e| e.starts_with("POST "))
        .collect();
    let mut statement = format!(
        "{requests} final failure(s) against {} after repeated HTTP {status} answers: every retry reached the server and was refused again",
        first.target.as_deref().unwrap_or("the target")
    );
    if !posts.is_empty() {
        statement.push_str(&format!(
            "; POST was retried on status ({}): the server saw every attempt, so a retry can repeat a side effect",
            posts.join(", ")
        ));
    }
    Some(CrossCheck {
        id: "status_retries",
        title: "status retries".to_string(),
        statement,
        locations: exhausted
            .iter()
            .flat_map(|f| f.locations.iter().copied())
            .take(3)
            .collect(),
    })
}
