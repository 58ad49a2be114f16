//! What the history keeps of one analysed run: a [`RunRecord`], built from an
//! [`Analysis`](crate::analysis::Analysis) or from a saved `rca analyze --format json` report.
//!
//! Both paths go through the same small serde view of the JSON document ([`ReportDoc`],
//! tolerant of fields it does not know), so `rca analyze --record` and `rca record
//! report.json` of the same run produce the same record and the same default run id.
//! This module owns no storage and no trend logic.

use crate::analysis::Analysis;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Outcome totals of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Counts {
    /// All tests.
    pub total: u64,
    /// Passed.
    pub passed: u64,
    /// Failed.
    pub failed: u64,
    /// Errors (setup/teardown).
    pub errors: u64,
    /// Skipped.
    pub skipped: u64,
    /// Expected failures.
    pub xfailed: u64,
    /// Unexpected passes.
    pub xpassed: u64,
}

/// One test's outcome in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    /// pytest node id.
    pub nodeid: String,
    /// `passed`, `failed`, `error`, `skipped`, `xfailed`, `xpassed` or `unknown`.
    pub outcome: String,
    /// Category ids of the test's events.
    pub categories: Vec<String>,
}

/// A finding of the run (events grouped by fingerprint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRecord {
    /// `category|target|endpoint|status`, as in the report.
    pub fingerprint: String,
    /// Category id.
    pub category: String,
    /// Events.
    pub events: u64,
    /// Fingerprint of the root cause that groups it, if any.
    pub root_cause: Option<String>,
}

/// A root cause of the run, keyed by a fingerprint stable across runs (see
/// [`root_cause_fingerprint`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootCauseRecord {
    /// `family|target|kinds` (see [`root_cause_fingerprint`]).
    pub fingerprint: String,
    /// Title as the report gives it.
    pub title: String,
    /// `unreachable`, `error_responses`, `slow_or_dropping` or `client_pool`.
    pub family: String,
    /// `host:port` or host.
    pub target: Option<String>,
    /// Verdict locus (`infrastructure`, `server capacity`, ...).
    pub locus: String,
    /// Failed tests whose main failure it is.
    pub failed_tests: u64,
    /// Events.
    pub events: u64,
}

/// One run as the history stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    /// Run id (given, or derived from the report's content).
    pub id: String,
    /// When the run happened, epoch seconds (UTC).
    pub at: i64,
    /// `key=value` labels (branch, environment, ...).
    pub labels: BTreeMap<String, String>,
    /// Outcome totals.
    pub counts: Counts,
    /// Per-test outcomes, by node id (one entry per node id).
    pub tests: Vec<TestOutcome>,
    /// Events per category id.
    pub categories: BTreeMap<String, u64>,
    /// Findings with their fingerprints.
    pub findings: Vec<FindingRecord>,
    /// Root causes with their fingerprints.
    pub root_causes: Vec<RootCauseRecord>,
    /// Version of rca that analysed the run.
    pub tool_version: Option<String>,
}

/// The parts of an `rca analyze --format json` document the history needs. Unknown fields
/// are ignored, so newer reports of the same schema version still load.
#[derive(Debug, Deserialize)]
pub struct ReportDoc {
    schema_version: u32,
    tool: ToolDoc,
    #[serde(default)]
    inputs: Vec<InputDoc>,
    summary: SummaryDoc,
    #[serde(default)]
    tests: Vec<TestDoc>,
    #[serde(default)]
    categories: Vec<CategoryDoc>,
    #[serde(default)]
    timeline: TimelineDoc,
    #[serde(default)]
    findings: Vec<FindingDoc>,
    #[serde(default)]
    root_causes: Vec<RootCauseDoc>,
}

#[derive(Debug, Deserialize)]
struct ToolDoc {
    name: String,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Debug, Deserialize)]
struct InputDoc {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    lines: u64,
    #[serde(default)]
    bytes: u64,
}

#[derive(Debug, Deserialize)]
struct SummaryDoc {
    #[serde(flatten)]
    counts: Counts,
    #[serde(default)]
    duration_s: Option<f64>,
    #[serde(default)]
    started_s: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct TestDoc {
    nodeid: String,
    outcome: String,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    duration_s: Option<f64>,
    #[serde(default)]
    first_event_s: Option<i64>,
    #[serde(default)]
    last_event_s: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct CategoryDoc {
    id: String,
    events: u64,
}

#[derive(Debug, Default, Deserialize)]
struct TimelineDoc {
    #[serde(default)]
    start_s: Option<i64>,
    #[serde(default)]
    end_s: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct FindingDoc {
    id: String,
    fingerprint: String,
    category: String,
    events: u64,
}

#[derive(Debug, Deserialize)]
struct RootCauseDoc {
    title: String,
    family: String,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    findings: Vec<String>,
    #[serde(default)]
    failed_tests: Vec<String>,
    #[serde(default)]
    events: u64,
    verdict: VerdictDoc,
}

#[derive(Debug, Deserialize)]
struct VerdictDoc {
    locus: String,
}

/// Parses a saved JSON report.
pub fn parse_report(text: &str) -> Result<ReportDoc, String> {
    let doc: ReportDoc =
        serde_json::from_str(text).map_err(|e| format!("not an rca JSON report: {e}"))?;
    if doc.tool.name != "rca" {
        return Err(format!(
            "not an rca JSON report (tool is '{}')",
            doc.tool.name
        ));
    }
    if doc.schema_version != crate::analysis::SCHEMA_VERSION {
        return Err(format!(
            "report schema_version {} is not supported (expected {})",
            doc.schema_version,
            crate::analysis::SCHEMA_VERSION
        ));
    }
    Ok(doc)
}

/// The report view of an analysis (the same document `--format json` prints).
pub fn report_of(a: &Analysis) -> ReportDoc {
    let value = serde_json::to_value(a).expect("analysis serialises");
    serde_json::from_value(value).expect("an analysis reads back as a report")
}

impl ReportDoc {
    /// Masks secrets in what the history keeps of the report (node ids, root-cause titles
    /// and targets, finding fingerprints), whatever `--no-redact` did to the report itself.
    /// Masking is stable and idempotent, so an already redacted report is unchanged.
    pub fn redact(&mut self, r: &crate::redact::Redactor) {
        let r = r.always();
        for t in &mut self.tests {
            r.in_place(&mut t.nodeid);
        }
        for f in &mut self.findings {
            r.in_place(&mut f.fingerprint);
        }
        for rc in &mut self.root_causes {
            r.in_place(&mut rc.title);
            if let Some(t) = &mut rc.target {
                r.in_place(t);
            }
            for t in &mut rc.failed_tests {
                r.in_place(t);
            }
        }
    }

    /// The session start the report shows: the JUnit XML's timestamp, else the earliest
    /// timestamped event, if any.
    pub fn session_start(&self) -> Option<i64> {
        self.summary.started_s.or_else(|| {
            self.tests
                .iter()
                .filter_map(|t| t.first_event_s)
                .chain(self.timeline.start_s)
                .min()
        })
    }

    /// A run id derived from the report's content: inputs' sizes, outcome totals, session
    /// duration, and every test's outcome, duration and event times. It does not depend on
    /// file names, redaction or extra signatures, so re-recording the same log (or its saved
    /// report) gives the same id.
    pub fn content_id(&self) -> String {
        let mut h = Fnv::new();
        for i in &self.inputs {
            h.write(format!("i{}:{}:{};", i.kind, i.lines, i.bytes).as_bytes());
        }
        let c = &self.summary.counts;
        h.write(
            format!(
                "s{}:{}:{}:{}:{}:{}:{}:{:?};",
                c.total,
                c.passed,
                c.failed,
                c.errors,
                c.skipped,
                c.xfailed,
                c.xpassed,
                self.summary.duration_s
            )
            .as_bytes(),
        );
        for t in &self.tests {
            h.write(
                format!(
                    "t{}\0{}:{:?}:{:?}:{:?};",
                    t.nodeid, t.outcome, t.duration_s, t.first_event_s, t.last_event_s
                )
                .as_bytes(),
            );
        }
        h.write(format!("l{:?}:{:?}", self.timeline.start_s, self.timeline.end_s).as_bytes());
        format!("run-{:016x}", h.finish())
    }

    /// Builds the record. `id` and `at` are resolved by the caller (see
    /// [`content_id`](Self::content_id) and [`session_start`](Self::session_start)).
    pub fn into_record(self, id: String, at: i64, labels: BTreeMap<String, String>) -> RunRecord {
        let finding_fp: BTreeMap<&str, &str> = self
            .findings
            .iter()
            .map(|f| (f.id.as_str(), f.fingerprint.as_str()))
            .collect();
        let mut rc_of_finding: BTreeMap<String, String> = BTreeMap::new();
        let mut root_causes: BTreeMap<String, RootCauseRecord> = BTreeMap::new();
        for rc in &self.root_causes {
            let member_fps: Vec<&str> = rc
                .findings
                .iter()
                .filter_map(|f| finding_fp.get(f.as_str()).copied())
                .collect();
            let fp = root_cause_fingerprint(&rc.family, rc.target.as_deref(), &member_fps);
            for f in &rc.findings {
                if let Some(ffp) = finding_fp.get(f.as_str()) {
                    rc_of_finding.insert(ffp.to_string(), fp.clone());
                }
            }
            let entry = root_causes
                .entry(fp.clone())
                .or_insert_with(|| RootCauseRecord {
                    fingerprint: fp,
                    title: rc.title.clone(),
                    family: rc.family.clone(),
                    target: rc.target.clone(),
                    locus: rc.verdict.locus.clone(),
                    failed_tests: 0,
                    events: 0,
                });
            entry.failed_tests += rc.failed_tests.len() as u64;
            entry.events += rc.events;
        }
        let mut findings: BTreeMap<String, FindingRecord> = BTreeMap::new();
        for f in self.findings {
            let root_cause = rc_of_finding.get(&f.fingerprint).cloned();
            let e = findings
                .entry(f.fingerprint.clone())
                .or_insert(FindingRecord {
                    fingerprint: f.fingerprint,
                    category: f.category,
                    events: 0,
                    root_cause,
                });
            e.events += f.events;
        }
        RunRecord {
            id,
            at,
            labels,
            counts: self.summary.counts,
            tests: dedupe_tests(self.tests),
            categories: self
                .categories
                .into_iter()
                .map(|c| (c.id, c.events))
                .collect(),
            findings: findings.into_values().collect(),
            root_causes: root_causes.into_values().collect(),
            tool_version: self.tool.version,
        }
    }
}

impl RunRecord {
    /// Masks secrets in a stored run (runs recorded before node ids were redacted), so that
    /// a trend never prints one and old raw ids meet their masked successors.
    pub fn redact(&mut self, r: &crate::redact::Redactor) {
        let r = r.always();
        for t in &mut self.tests {
            r.in_place(&mut t.nodeid);
        }
        for f in &mut self.findings {
            r.in_place(&mut f.fingerprint);
            if let Some(rc) = &mut f.root_cause {
                r.in_place(rc);
            }
        }
        for rc in &mut self.root_causes {
            r.in_place(&mut rc.fingerprint);
            r.in_place(&mut rc.title);
            if let Some(t) = &mut rc.target {
                r.in_place(t);
            }
        }
    }
}

/// The fingerprint that identifies a root cause across runs: failure family, target, and
/// the distinct `category[:status]` of its findings (read from their fingerprints,
/// `category|target|endpoint|status`), e.g. `error_responses|api:443|http_error:500`.
pub fn root_cause_fingerprint(family: &str, target: Option<&str>, findings: &[&str]) -> String {
    let mut kinds: Vec<String> = findings
        .iter()
        .map(|fp| {
            let parts: Vec<&str> = fp.split('|').collect();
            let category = parts.first().copied().unwrap_or("");
            match parts.get(3).copied().filter(|s| !s.is_empty()) {
                Some(status) => format!("{category}:{status}"),
                None => category.to_string(),
            }
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    format!("{family}|{}|{}", target.unwrap_or(""), kinds.join("+"))
}

/// One entry per node id; when a node id appears twice the failing outcome wins.
fn dedupe_tests(tests: Vec<TestDoc>) -> Vec<TestOutcome> {
    let mut by_id: BTreeMap<String, TestOutcome> = BTreeMap::new();
    for t in tests {
        let failing = matches!(t.outcome.as_str(), "failed" | "error");
        match by_id.get_mut(&t.nodeid) {
            Some(seen) => {
                if failing {
                    seen.outcome = t.outcome;
                }
                for c in t.categories {
                    if !seen.categories.contains(&c) {
                        seen.categories.push(c);
                    }
                }
            }
            None => {
                by_id.insert(
                    t.nodeid.clone(),
                    TestOutcome {
                        nodeid: t.nodeid,
                        outcome: t.outcome,
                        categories: t.categories,
                    },
                );
            }
        }
    }
    by_id.into_values().collect()
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

    const REPORT: &str = r#"{
      "schema_version": 1, "tool": {"name": "rca", "version": "0.1.0"}, "extra": [1, 2],
      "inputs": [{"path": "x.log", "kind": "console", "gzip": false, "lines": 10, "bytes": 99}],
      "summary": {"total": 3, "passed": 1, "failed": 2, "errors": 0, "skipped": 0,
                  "xfailed": 0, "xpassed": 0, "counted_from": "pytest_final_line", "tests_found": 3},
      "tests": [{"nodeid": "t::a", "outcome": "passed", "categories": []},
                {"nodeid": "t::b", "outcome": "failed", "categories": ["dns_failure"], "first_event_s": 200},
                {"nodeid": "t::c", "outcome": "failed", "categories": [], "first_event_s": 100}],
      "categories": [{"id": "dns_failure", "events": 4, "description": "x"}],
      "timeline": {"start_s": 150, "end_s": 300, "series": []},
      "findings": [{"id": "F1", "fingerprint": "dns_failure|db:5432||", "category": "dns_failure", "events": 4}],
      "root_causes": [{"id": "RC1", "title": "db unreachable", "family": "unreachable", "target": "db:5432",
                       "findings": ["F1"], "failed_tests": ["t::b"], "events": 4,
                       "verdict": {"locus": "infrastructure", "confidence": "high"}}]
    }"#;

    #[test]
    fn a_report_becomes_a_record_with_fingerprints() {
        let doc = parse_report(REPORT).unwrap();
        assert_eq!(doc.session_start(), Some(100));
        let id = doc.content_id();
        assert!(id.starts_with("run-") && id.len() == 20, "{id}");
        let r = doc.into_record(id, 100, BTreeMap::new());
        assert_eq!(r.counts.failed, 2);
        assert_eq!(r.tests.len(), 3);
        assert_eq!(r.categories["dns_failure"], 4);
        assert_eq!(
            r.root_causes[0].fingerprint,
            "unreachable|db:5432|dns_failure"
        );
        assert_eq!(
            r.findings[0].root_cause.as_deref(),
            Some("unreachable|db:5432|dns_failure")
        );
    }

    #[test]
    fn content_ids_are_stable_and_differ_by_content() {
        let a = parse_report(REPORT).unwrap().content_id();
        assert_eq!(a, parse_report(REPORT).unwrap().content_id());
        let other = REPORT.replace("\"bytes\": 99", "\"bytes\": 98");
        assert_ne!(a, parse_report(&other).unwrap().content_id());
    }

    #[test]
    fn foreign_json_is_refused() {
        assert!(parse_report("{}").is_err());
        let other = REPORT.replace("\"name\": \"rca\"", "\"name\": \"x\"");
        assert!(parse_report(&other).unwrap_err().contains("not an rca"));
    }
}
