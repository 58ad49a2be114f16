//! Cross-checks: the quantitative tests a careful person does by hand before blaming a
//! side (one file per check). Each reads the run's facts and one cause's findings and
//! returns a [`CrossCheck`] or nothing; none of them decides the verdict.

use super::*;

mod amplification;
mod backoff;
mod baseline_load;
mod pool;
mod retry_after;
mod status_retries;
mod timeout;

pub use amplification::*;
pub use backoff::*;
pub use baseline_load::*;
pub use pool::*;
pub use retry_after::*;
pub use status_retries::*;
pub use timeout::*;

pub(crate) fn cross_checks(
    a: &RunFacts,
    rc: &RootCause,
    all: &[Finding],
    concurrency: Option<u32>,
    baselines: &[&TestReport],
) -> Vec<CrossCheck> {
    let fs = findings_of(rc, all);
    let mut out = Vec::new();
    if let Some(c) = pool_vs_concurrency(&fs, concurrency) {
        out.push(c);
    }
    if let Some(c) = elapsed_vs_timeout(a, &fs) {
        out.push(c);
    }
    if let Some(c) = retry_amplification(a, &fs) {
        out.push(c);
    }
    if let Some(c) = baseline_vs_load(rc, baselines) {
        out.push(c);
    }
    if let Some(c) = status_retries(&fs) {
        out.push(c);
    }
    if let Some(c) = observed_backoff(a, rc, &fs) {
        out.push(c);
    }
    if let Some(c) = retry_after(a, &fs) {
        out.push(c);
    }
    out
}
