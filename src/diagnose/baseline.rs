//! Which tests are the single-request baseline that tells "down" from "overloaded": by
//! default a test whose name has the word `baseline`, `single` or `smoke`, or whose
//! parameters or message show a concurrency of 1; a project names its own with a pattern
//! (`--baseline-tests REGEX`, matched against the node id). The rule also says, in the
//! report, how the baseline was looked for, so that a missing one is visible. It does not
//! decide what a failed or passed baseline means: that is the `baseline_vs_load`
//! cross-check's and the verdict's.

use crate::diagnose::test_concurrency;
use crate::facts::TestReport;
use regex::Regex;

/// The words that mark a baseline test by default.
pub const DEFAULT_WORDS: [&str; 3] = ["baseline", "single", "smoke"];

/// How baseline tests are found.
#[derive(Debug, Clone, Default)]
pub struct BaselineRule {
    /// A project's own pattern (node ids); `None`: the default words.
    pub pattern: Option<Regex>,
}

impl BaselineRule {
    /// A rule from a `--baseline-tests` pattern.
    pub fn from_pattern(pattern: &str) -> Result<BaselineRule, String> {
        Regex::new(pattern)
            .map(|re| BaselineRule { pattern: Some(re) })
            .map_err(|e| {
                // The regex error spans several lines (pattern, caret, message): keep the message.
                let text = e.to_string();
                let reason = text.lines().last().unwrap_or("").trim();
                let reason = reason.strip_prefix("error: ").unwrap_or(reason);
                format!("--baseline-tests {pattern:?}: not a valid regex: {reason}")
            })
    }

    /// True for a single-request baseline test.
    pub fn matches(&self, t: &TestReport) -> bool {
        self.matches_at(t, || test_concurrency(t))
    }

    /// [`matches`](Self::matches) for a caller that already knows the test's concurrency.
    pub fn matches_at(&self, t: &TestReport, concurrency: impl FnOnce() -> Option<u32>) -> bool {
        match &self.pattern {
            Some(re) => re.is_match(&t.nodeid),
            None => {
                let n = t.name.to_ascii_lowercase();
                DEFAULT_WORDS.iter().any(|w| n.contains(w)) || concurrency() == Some(1)
            }
        }
    }

    /// How the baseline was looked for, for the report.
    pub fn describe(&self) -> String {
        match &self.pattern {
            Some(re) => format!("baseline tests are the tests matching --baseline-tests '{re}'"),
            None => "baseline tests are found by the words baseline, single or smoke in their names (or a concurrency of 1); --baseline-tests REGEX names them".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_pattern_is_checked_and_described() {
        let own = BaselineRule::from_pattern(r"::test_one_request$").unwrap();
        assert!(
            own.describe()
                .contains("--baseline-tests '::test_one_request$'")
        );
        assert!(
            BaselineRule::default()
                .describe()
                .contains("baseline, single or smoke")
        );
        assert!(BaselineRule::from_pattern("(").is_err());
    }
}
