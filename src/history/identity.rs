//! Who a run is: the CI run it came from (read from the provider's environment variables)
//! and the default run id, derived from the run itself — the digests of its input bytes,
//! its own start time, its CI run and an explicit `--at` — so that re-recording the same
//! file (or its saved report) is idempotent while two different nights never share an id,
//! however equal their outcomes. This module reads no environment itself: the command line
//! passes a lookup function in.

use super::record::ReportDoc;
use serde::{Deserialize, Serialize};

/// A CI provider's run, as its environment names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CiRun {
    /// `github`, `gitlab`, `jenkins`, `buildkite`, `circleci`, `azure` or `travis`.
    pub provider: String,
    /// The provider's run id, with the attempt when it has one (`123456789/2`).
    pub id: String,
    /// The job within the run, when the provider names it (several jobs of one run record
    /// runs of their own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
}

impl CiRun {
    /// `provider:id`, e.g. `github:123456789/2`: how runs are named and stored.
    pub fn label(&self) -> String {
        format!("{}:{}", self.provider, self.id)
    }
}

/// One provider: the variable with its run id, and optional attempt and job variables.
struct Provider {
    name: &'static str,
    run: &'static str,
    attempt: Option<&'static str>,
    job: Option<&'static str>,
}

/// Providers in the order they are tried (the first whose run variable is set wins).
const PROVIDERS: [Provider; 7] = [
    Provider {
        name: "github",
        run: "GITHUB_RUN_ID",
        attempt: Some("GITHUB_RUN_ATTEMPT"),
        job: Some("GITHUB_JOB"),
    },
    Provider {
        name: "gitlab",
        run: "CI_PIPELINE_ID",
        attempt: None,
        job: Some("CI_JOB_ID"),
    },
    Provider {
        name: "buildkite",
        run: "BUILDKITE_BUILD_ID",
        attempt: Some("BUILDKITE_RETRY_COUNT"),
        job: Some("BUILDKITE_JOB_ID"),
    },
    Provider {
        name: "circleci",
        run: "CIRCLE_WORKFLOW_ID",
        attempt: None,
        job: Some("CIRCLE_BUILD_NUM"),
    },
    Provider {
        name: "azure",
        run: "BUILD_BUILDID",
        attempt: Some("SYSTEM_JOBATTEMPT"),
        job: Some("SYSTEM_JOBID"),
    },
    Provider {
        name: "travis",
        run: "TRAVIS_BUILD_ID",
        attempt: None,
        job: Some("TRAVIS_JOB_ID"),
    },
    Provider {
        name: "jenkins",
        run: "BUILD_TAG",
        attempt: None,
        job: None,
    },
];

/// Every environment variable [`detect`] reads (tests clear them).
pub fn variables() -> Vec<&'static str> {
    PROVIDERS
        .iter()
        .flat_map(|p| [Some(p.run), p.attempt, p.job])
        .flatten()
        .collect()
}

/// Longest CI value kept; longer ones are cut.
const MAX_VALUE: usize = 128;

/// A value as it can be stored and printed: trimmed, printable, bounded.
fn clean(value: Option<String>) -> Option<String> {
    let v: String = value?
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_VALUE)
        .collect();
    (!v.is_empty()).then_some(v)
}

/// The CI run the environment names, if any. `var` looks a variable up.
pub fn detect(var: impl Fn(&str) -> Option<String>) -> Option<CiRun> {
    PROVIDERS.iter().find_map(|p| {
        let run = clean(var(p.run))?;
        let id = match p.attempt.and_then(|a| clean(var(a))) {
            Some(attempt) => format!("{run}/{attempt}"),
            None => run,
        };
        Some(CiRun {
            provider: p.name.to_string(),
            id,
            job: p.job.and_then(|j| clean(var(j))),
        })
    })
}

/// The default run id: `run-` and 16 hex digits.
///
/// With input digests (reports of this rca): a hash of the digests, the session start, the
/// CI run and `at` when it was given explicitly — all of which come from the run, not from
/// how it was analysed, so the same input recorded twice is one run and another night is
/// another. A report written before input digests keeps the id it was recorded under (a
/// hash of its content, [`ReportDoc::legacy_content`]), unless a CI run or `--at` tells
/// it apart.
pub fn default_id(doc: &ReportDoc, explicit_at: Option<i64>) -> String {
    let mut h = Fnv::new();
    let digests = {
        let mut d = doc.input_digests();
        d.sort_unstable();
        d
    };
    if digests.is_empty() {
        h.write(doc.legacy_content().as_bytes());
        if doc.ci.is_none() && explicit_at.is_none() {
            return format!("run-{:016x}", h.finish());
        }
    }
    h.write(b"identity-2;");
    for d in digests {
        h.write(format!("d{d};").as_bytes());
    }
    h.write(format!("s{:?};", doc.session_start()).as_bytes());
    if let Some(ci) = &doc.ci {
        h.write(format!("c{}:{}:{:?};", ci.provider, ci.id, ci.job).as_bytes());
    }
    if let Some(at) = explicit_at {
        h.write(format!("a{at};").as_bytes());
    }
    format!("run-{:016x}", h.finish())
}

/// True for an id [`default_id`] makes (runs are then named by CI id or date instead).
pub fn is_default_id(id: &str) -> bool {
    id.strip_prefix("run-")
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Longest run id accepted.
pub const MAX_RUN_ID: usize = 128;

/// Checks a run id given with `--run-id`: 1 to 128 printable characters, no spaces at
/// either end.
pub fn validate_run_id(id: &str) -> Result<(), String> {
    if id.trim().is_empty() {
        return Err("--run-id: empty".to_string());
    }
    if id.trim() != id {
        return Err(format!("--run-id '{id}': spaces at either end"));
    }
    if id.chars().count() > MAX_RUN_ID {
        return Err(format!("--run-id: longer than {MAX_RUN_ID} characters"));
    }
    if id.chars().any(char::is_control) {
        return Err("--run-id: control characters are not allowed".to_string());
    }
    Ok(())
}

/// FNV-1a, 64 bits: a stable hash (std's hasher may change between Rust releases).
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn ci_runs_from_each_provider() {
        let gh = detect(env(&[
            ("GITHUB_RUN_ID", "123456789"),
            ("GITHUB_RUN_ATTEMPT", "2"),
            ("GITHUB_JOB", "nightly"),
        ]))
        .unwrap();
        assert_eq!(gh.label(), "github:123456789/2");
        assert_eq!(gh.job.as_deref(), Some("nightly"));
        let gl = detect(env(&[("CI_PIPELINE_ID", "42"), ("CI_JOB_ID", "7")])).unwrap();
        assert_eq!((gl.label(), gl.job), ("gitlab:42".into(), Some("7".into())));
        let j = detect(env(&[("BUILD_TAG", "jenkins-nightly-17")])).unwrap();
        assert_eq!(j.label(), "jenkins:jenkins-nightly-17");
        assert_eq!(detect(env(&[("GITHUB_RUN_ID", "  ")])), None);
        assert_eq!(detect(env(&[])), None);
        let odd = detect(env(&[("CI_PIPELINE_ID", "4\u{1b}[2J2")])).unwrap();
        assert_eq!(odd.id, "4[2J2", "control characters are dropped");
    }

    #[test]
    fn default_ids_have_their_shape() {
        assert!(is_default_id("run-0123456789abcdef"));
        assert!(!is_default_id("night-1"));
        assert!(!is_default_id("run-0123"));
    }

    #[test]
    fn run_ids_are_checked() {
        assert!(validate_run_id("nightly-2026-11-27").is_ok());
        assert!(validate_run_id("").is_err());
        assert!(validate_run_id(" x").is_err());
        assert!(validate_run_id("a\nb").is_err());
        assert!(validate_run_id(&"x".repeat(129)).is_err());
    }
}
