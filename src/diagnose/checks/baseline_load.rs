//! Cross-check `baseline_vs_load`: whether the single-request baseline tests passed while
//! the loaded ones failed (overload) or failed too (the target is down). Which tests are
//! the baseline is [`crate::diagnose::baseline`]'s; this check only reads their outcomes
//! and decides no verdict.

use super::*;

/// Failures on the single-request baseline against failures only under load.
pub fn baseline_vs_load(rc: &RootCause, baselines: &[&TestReport]) -> Option<CrossCheck> {
    if rc.family != Family::Unreachable {
        return None;
    }
    if baselines.is_empty() {
        return Some(CrossCheck {
            id: "baseline_vs_load",
            title: "single-request baseline vs load".to_string(),
            statement:
                "no single-request baseline test was found, so down cannot be told from overloaded"
                    .to_string(),
            locations: Vec::new(),
        });
    }
    let hit: HashSet<&str> = rc
        .failed_tests
        .iter()
        .chain(&rc.contributing_to)
        .map(String::as_str)
        .collect();
    let failed: Vec<&str> = baselines
        .iter()
        .filter(|t| hit.contains(t.nodeid.as_str()))
        .map(|t| t.name.as_str())
        .collect();
    let baseline_ids: HashSet<&str> = baselines.iter().map(|b| b.nodeid.as_str()).collect();
    let loaded_failed = rc
        .failed_tests
        .iter()
        .filter(|t| !baseline_ids.contains(t.as_str()))
        .count();
    let statement = if failed.is_empty() {
        format!(
            "the baseline ({}) did not hit this, {loaded_failed} test(s) under load did: overloaded, not down",
            baselines
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        format!(
            "the baseline failed as well ({}) besides {loaded_failed} test(s) under load: down or unreachable, not just overloaded",
            failed.join(", ")
        )
    };
    Some(CrossCheck {
        id: "baseline_vs_load",
        title: "single-request baseline vs load".to_string(),
        statement,
        locations: baselines.iter().map(|t| t.location).take(3).collect(),
    })
}
