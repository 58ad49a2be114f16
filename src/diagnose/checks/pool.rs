//! Cross-check `pool_vs_concurrency`: the connection pool size the log shows against the
//! concurrency the tests ran at. It reads facts and findings; it decides no verdict.

use super::*;

/// Pool size in the pool-full warnings against the concurrency the tests ran at.
pub fn pool_vs_concurrency(fs: &[&Finding], concurrency: Option<u32>) -> Option<CrossCheck> {
    let pool: Vec<&&Finding> = fs
        .iter()
        .filter(|f| f.category == Category::PoolFull)
        .collect();
    let size = pool
        .iter()
        .flat_map(|f| f.pool_sizes.iter().copied())
        .max()?;
    let warnings: u64 = pool.iter().map(|f| f.events).sum();
    let mut statement = match concurrency {
        Some(c) if c > size => format!(
            "pool size {size} < observed concurrency {c}: up to {} connections per burst are opened and then discarded ({warnings} pool-full warnings)",
            c - size
        ),
        Some(c) => format!(
            "pool size {size} >= observed concurrency {c}, yet {warnings} pool-full warnings: another session shares the host"
        ),
        None => format!(
            "pool size {size}; {warnings} pool-full warnings show more concurrent requests than that"
        ),
    };
    if size == URLLIB3_DEFAULT_POOL {
        statement.push_str(&format!(
            "; {URLLIB3_DEFAULT_POOL} is the urllib3/requests default, so the session that logged this was built without pool settings even if the main client is tuned"
        ));
    }
    Some(CrossCheck {
        id: "pool_vs_concurrency",
        title: "connection pool size vs concurrency".to_string(),
        statement,
        locations: pool
            .iter()
            .flat_map(|f| f.locations.iter().copied())
            .take(3)
            .collect(),
    })
}
