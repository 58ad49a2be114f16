//! The morning question: what changed between the newest run of the window and the one
//! before it — tests that fail now and did not then, tests fixed since, tests that no
//! longer ran, and root causes that appeared or went away (one root cause across port
//! changes, as [`super::causes`] groups them). It reads no store and prints nothing
//! ([`crate::report::trend_blocks`] words it).

use super::causes::Cluster;
use super::{is_failure, is_neutral, rfc3339};
use crate::history::RunRecord;
use serde::Serialize;
use std::collections::BTreeMap;

/// The newest run against the previous one.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SincePrevious {
    /// The newest run's name ([`super::run_names`]).
    pub run: String,
    /// Its time.
    pub at: String,
    /// The previous run's name.
    pub previous: String,
    /// Its time.
    pub previous_at: String,
    /// Failing now, and passed, did not run or did not exist in the previous run.
    pub newly_failing: Vec<String>,
    /// Failed in the previous run, pass now.
    pub fixed: Vec<String>,
    /// Ran in the previous run, did not run now.
    pub not_run: Vec<String>,
    /// Root causes the newest run has and the previous one had not.
    pub new_root_causes: Vec<CauseRef>,
    /// Root causes the previous run had and the newest one has not.
    pub gone_root_causes: Vec<CauseRef>,
}

/// A root cause, as the block names it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CauseRef {
    /// Its fingerprint in the run that has it.
    pub fingerprint: String,
    /// Its title there.
    pub title: String,
}

/// What ran and how: `true` failed, `false` passed.
fn outcomes(run: &RunRecord) -> BTreeMap<&str, bool> {
    run.tests
        .iter()
        .filter(|t| !is_neutral(&t.outcome))
        .map(|t| (t.nodeid.as_str(), is_failure(&t.outcome)))
        .collect()
}

/// The block, when there are two runs or more; `names` are the runs' names.
pub fn since_previous(
    runs: &[RunRecord],
    clusters: &[Cluster<'_>],
    names: &[String],
) -> Option<SincePrevious> {
    let n = runs.len();
    if n < 2 {
        return None;
    }
    let (prev, last) = (&runs[n - 2], &runs[n - 1]);
    let (before, now) = (outcomes(prev), outcomes(last));
    let pick = |f: &dyn Fn(&str, bool) -> bool, of: &BTreeMap<&str, bool>| -> Vec<String> {
        of.iter()
            .filter(|(id, fail)| f(id, **fail))
            .map(|(id, _)| id.to_string())
            .collect()
    };
    let cause_in = |run: usize, other: usize| -> Vec<CauseRef> {
        clusters
            .iter()
            .filter(|c| c.in_run(run) && !c.in_run(other))
            .filter_map(|c| c.members.iter().find(|(r, _)| *r == run))
            .map(|(_, m)| CauseRef {
                fingerprint: m.fingerprint.clone(),
                title: m.title.clone(),
            })
            .collect()
    };
    Some(SincePrevious {
        run: names[n - 1].clone(),
        at: rfc3339(last.at),
        previous: names[n - 2].clone(),
        previous_at: rfc3339(prev.at),
        newly_failing: pick(&|id, fail| fail && before.get(id) != Some(&true), &now),
        fixed: pick(&|id, fail| !fail && before.get(id) == Some(&true), &now),
        not_run: pick(&|id, _| !now.contains_key(id), &before),
        new_root_causes: cause_in(n - 1, n - 2),
        gone_root_causes: cause_in(n - 2, n - 1),
    })
}
