//! What the history keeps of one analysed run: a [`RunRecord`], built from the JSON
//! document of its report ([`crate::report::json::Document`]) or from a saved `rca analyze
//! --format json` report.
//!
//! Both paths go through the same small serde view of the JSON document ([`ReportDoc`],
//! tolerant of fields it does not know), so `rca analyze --record` and `rca record
//! report.json` of the same run produce the same record and the same default run id.
//! This module owns no storage and no trend logic.

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

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

/// A root cause of the run, keyed by a fingerprint (see [`root_cause_fingerprint`]); across
/// runs it is the same root cause as another of the same family and host that fails at one
/// of the same endpoints ([`crate::history::trend::causes`]), whatever the port.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    /// `METHOD /path` of its findings (empty: none known, e.g. runs recorded before schema
    /// version 3).
    pub endpoints: Vec<String>,
}

/// What one signature fired on in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureRecord {
    /// Signature id.
    pub signature: String,
    /// Events it recognised.
    pub events: u64,
    /// Tests it fired on that passed (`passed`, `xpassed`).
    pub passed_tests: u64,
    /// Tests it fired on that failed (`failed`, `error`).
    pub failed_tests: u64,
}

/// One run as the history stores it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    /// The CI run it came from (`github:123456789/1`), when the environment named one.
    pub ci_id: Option<String>,
    /// Where its report was written or read from (a path or URL), when known.
    pub report: Option<String>,
    /// Session duration, whole seconds (rounded up).
    pub duration_s: Option<i64>,
    /// Seconds from the first failing test's first event to the last one's last event,
    /// when two or more failing tests have event times.
    pub failure_span_s: Option<i64>,
    /// What each signature fired on.
    pub signatures: Vec<SignatureRecord>,
    /// Schema version the recorder wrote (3 and up: signatures and endpoints recorded; 0 for
    /// runs recorded before).
    pub recorded_schema: i64,
}

/// What the recorder adds to a report: the run's resolved id and time, labels, and where
/// its report lives.
#[derive(Debug, Clone, Default)]
pub struct RunMeta {
    /// Run id.
    pub id: String,
    /// Epoch seconds.
    pub at: i64,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Path or URL of the stored report.
    pub report: Option<String>,
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
    #[serde(default)]
    events: Vec<EventDoc>,
    /// The CI run the report was written in, if any.
    #[serde(default)]
    pub ci: Option<super::identity::CiRun>,
}

#[derive(Debug, Deserialize)]
struct EventDoc {
    signature: String,
    #[serde(default)]
    test: Option<String>,
    #[serde(default)]
    count: u64,
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
    #[serde(default)]
    digest: Option<String>,
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
    #[serde(default)]
    endpoint: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RootCauseDoc {
    #[serde(default)]
    id: String,
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
    if doc.schema_version != crate::facts::SCHEMA_VERSION {
        return Err(format!(
            "report schema_version {} is not supported (expected {})",
            doc.schema_version,
            crate::facts::SCHEMA_VERSION
        ));
    }
    Ok(doc)
}

/// What the history reads of a report document (the one `--format json` prints, given as
/// any value that serialises to it).
pub fn report_of(document: &impl serde::Serialize) -> ReportDoc {
    let value = serde_json::to_value(document).expect("the report serialises");
    serde_json::from_value(value).expect("an analysis reads back as a report")
}

impl ReportDoc {
    /// Masks secrets in what the history keeps of the report (node ids, root-cause titles
    /// and targets, finding fingerprints and endpoints), whatever `--no-redact` did to the
    /// report itself.
    /// Masking is stable and idempotent, so an already redacted report is unchanged.
    pub fn redact(&mut self, r: &crate::redact::Redactor) {
        let r = r.always();
        for t in &mut self.tests {
            r.in_place(&mut t.nodeid);
        }
        for e in &mut self.events {
            if let Some(t) = &mut e.test {
                r.in_place(t);
            }
        }
        for f in &mut self.findings {
            r.in_place(&mut f.fingerprint);
            if let Some(e) = &mut f.endpoint {
                r.in_place(e);
            }
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

    /// Digests of the inputs' bytes, as the report gives them (reports written before
    /// rca recorded them have none).
    pub fn input_digests(&self) -> Vec<&str> {
        self.inputs
            .iter()
            .filter_map(|i| i.digest.as_deref())
            .collect()
    }

    /// The report's content as the first history format hashed it: inputs' sizes, outcome
    /// totals, session duration, and every test's outcome, duration and event times. Kept
    /// so that reports written before input digests keep the run id they were recorded
    /// under ([`super::identity::default_id`]).
    pub fn legacy_content(&self) -> String {
        let mut out = String::new();
        for i in &self.inputs {
            out.push_str(&format!("i{}:{}:{};", i.kind, i.lines, i.bytes));
        }
        let c = &self.summary.counts;
        out.push_str(&format!(
            "s{}:{}:{}:{}:{}:{}:{}:{:?};",
            c.total,
            c.passed,
            c.failed,
            c.errors,
            c.skipped,
            c.xfailed,
            c.xpassed,
            self.summary.duration_s
        ));
        for t in &self.tests {
            out.push_str(&format!(
                "t{}\0{}:{:?}:{:?}:{:?};",
                t.nodeid, t.outcome, t.duration_s, t.first_event_s, t.last_event_s
            ));
        }
        out.push_str(&format!(
            "l{:?}:{:?}",
            self.timeline.start_s, self.timeline.end_s
        ));
        out
    }

    /// The fingerprint of each root cause, by its id in the report (`RC1`, ...).
    pub fn cause_fingerprints(&self) -> BTreeMap<String, String> {
        let finding_fp = self.finding_fingerprints();
        self.root_causes
            .iter()
            .map(|rc| (rc.id.clone(), cause_fingerprint(rc, &finding_fp)))
            .collect()
    }

    fn finding_fingerprints(&self) -> BTreeMap<&str, &str> {
        self.findings
            .iter()
            .map(|f| (f.id.as_str(), f.fingerprint.as_str()))
            .collect()
    }

    /// Seconds between the first event of the first failing test and the last event of
    /// the last one, when at least two failing tests have event times.
    fn failure_span(&self) -> Option<i64> {
        let spans: Vec<(i64, i64)> = self
            .tests
            .iter()
            .filter(|t| is_failing(&t.outcome))
            .filter_map(|t| {
                let first = t.first_event_s?;
                Some((first, t.last_event_s.unwrap_or(first)))
            })
            .collect();
        if spans.len() < 2 {
            return None;
        }
        let first = spans.iter().map(|s| s.0).min()?;
        let last = spans.iter().map(|s| s.1).max()?;
        Some(last.saturating_sub(first).max(0))
    }

    /// Per signature: events, and the passed and failed tests it fired on.
    fn signature_records(&self) -> Vec<SignatureRecord> {
        let outcome: BTreeMap<&str, &str> = self
            .tests
            .iter()
            .map(|t| (t.nodeid.as_str(), t.outcome.as_str()))
            .collect();
        let mut by_sig: BTreeMap<&str, (u64, BTreeSet<&str>)> = BTreeMap::new();
        for e in &self.events {
            let entry = by_sig.entry(e.signature.as_str()).or_default();
            entry.0 += e.count;
            entry.1.extend(e.test.as_deref());
        }
        by_sig
            .into_iter()
            .map(|(sig, (events, tests))| {
                let count = |f: fn(&str) -> bool| {
                    tests
                        .iter()
                        .filter(|t| outcome.get(*t).is_some_and(|o| f(o)))
                        .count() as u64
                };
                SignatureRecord {
                    signature: sig.to_string(),
                    events,
                    passed_tests: count(|o| matches!(o, "passed" | "xpassed")),
                    failed_tests: count(is_failing),
                }
            })
            .collect()
    }

    /// Builds the record. `meta.id` and `meta.at` are resolved by the caller (see
    /// [`super::identity::default_id`] and [`session_start`](Self::session_start)).
    pub fn into_record(self, meta: RunMeta) -> RunRecord {
        let finding_fp = self.finding_fingerprints();
        let endpoint_of: BTreeMap<&str, &str> = self
            .findings
            .iter()
            .filter_map(|f| Some((f.id.as_str(), f.endpoint.as_deref()?)))
            .collect();
        let mut rc_of_finding: BTreeMap<String, String> = BTreeMap::new();
        let mut root_causes: BTreeMap<String, RootCauseRecord> = BTreeMap::new();
        for rc in &self.root_causes {
            let fp = cause_fingerprint(rc, &finding_fp);
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
                    ..RootCauseRecord::default()
                });
            entry.failed_tests += rc.failed_tests.len() as u64;
            entry.events += rc.events;
            for f in &rc.findings {
                if let Some(e) = endpoint_of.get(f.as_str())
                    && !entry.endpoints.iter().any(|x| x == e)
                {
                    entry.endpoints.push(e.to_string());
                }
            }
        }
        for rc in root_causes.values_mut() {
            rc.endpoints.sort();
        }
        let failure_span_s = self.failure_span();
        let signatures = self.signature_records();
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
            id: meta.id,
            at: meta.at,
            labels: meta.labels,
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
            ci_id: self.ci.as_ref().map(super::identity::CiRun::label),
            report: meta.report,
            duration_s: self.summary.duration_s.map(|d| d.max(0.0).ceil() as i64),
            failure_span_s,
            signatures,
            recorded_schema: super::schema::CURRENT,
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
            for e in &mut rc.endpoints {
                r.in_place(e);
            }
        }
        if let Some(report) = &mut self.report {
            r.in_place(report);
        }
    }
}

fn is_failing(outcome: &str) -> bool {
    matches!(outcome, "failed" | "error")
}

fn cause_fingerprint(rc: &RootCauseDoc, finding_fp: &BTreeMap<&str, &str>) -> String {
    let member_fps: Vec<&str> = rc
        .findings
        .iter()
        .filter_map(|f| finding_fp.get(f.as_str()).copied())
        .collect();
    root_cause_fingerprint(&rc.family, rc.target.as_deref(), &member_fps)
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

#[cfg(test)]
mod tests {
    use super::super::identity::{default_id, is_default_id};
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

    fn meta(id: &str) -> RunMeta {
        RunMeta {
            id: id.to_string(),
            at: 100,
            ..RunMeta::default()
        }
    }

    #[test]
    fn a_report_becomes_a_record_with_fingerprints() {
        let doc = parse_report(REPORT).unwrap();
        assert_eq!(doc.session_start(), Some(100));
        let r = doc.into_record(meta("r"));
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
        assert_eq!(r.failure_span_s, Some(100), "first events at 100 and 200");
        assert_eq!(r.recorded_schema, super::super::schema::CURRENT);
    }

    #[test]
    fn reports_without_digests_keep_the_id_they_were_recorded_under() {
        // The id rca gave this report before input digests (FNV-1a of its content).
        let doc = parse_report(REPORT).unwrap();
        assert_eq!(default_id(&doc, None), "run-09e4dbfb1bf65f0e");
        let other = REPORT.replace("\"bytes\": 99", "\"bytes\": 98");
        assert_ne!(
            default_id(&parse_report(&other).unwrap(), None),
            "run-09e4dbfb1bf65f0e"
        );
        // An explicit time tells two recordings of the same content apart.
        assert_ne!(default_id(&doc, Some(5)), default_id(&doc, Some(6)));
    }

    #[test]
    fn ids_come_from_input_bytes_start_ci_and_at() {
        let with = |digest: &str, extra: &str| {
            let text = REPORT
                .replace(
                    "\"bytes\": 99}",
                    &format!("\"bytes\": 99, \"digest\": \"{digest}\"}}"),
                )
                .replace("\"extra\": [1, 2],", extra);
            parse_report(&text).unwrap()
        };
        let a = default_id(&with("rca1:1:aa:aa", ""), None);
        assert_eq!(
            a,
            default_id(&with("rca1:1:aa:aa", ""), None),
            "same bytes, same run"
        );
        assert_ne!(
            a,
            default_id(&with("rca1:1:bb:bb", ""), None),
            "other bytes"
        );
        let ci = r#""ci": {"provider": "github", "id": "7/1"},"#;
        let ci2 = r#""ci": {"provider": "github", "id": "7/2"},"#;
        assert_ne!(a, default_id(&with("rca1:1:aa:aa", ci), None), "a CI run");
        assert_ne!(
            default_id(&with("rca1:1:aa:aa", ci), None),
            default_id(&with("rca1:1:aa:aa", ci2), None),
            "another attempt"
        );
        assert_ne!(
            a,
            default_id(&with("rca1:1:aa:aa", ""), Some(86_400)),
            "--at"
        );
        assert!(is_default_id(&a));
    }

    #[test]
    fn signatures_count_the_tests_they_fired_on() {
        let text = REPORT.replace(
            "\"extra\": [1, 2],",
            r#""events": [{"signature": "dns", "test": "t::a", "count": 2},
                          {"signature": "dns", "test": "t::b", "count": 1},
                          {"signature": "dns", "test": null, "count": 5}],"#,
        );
        let r = parse_report(&text).unwrap().into_record(meta("r"));
        assert_eq!(
            r.signatures,
            vec![SignatureRecord {
                signature: "dns".into(),
                events: 8,
                passed_tests: 1,
                failed_tests: 1,
            }]
        );
    }

    #[test]
    fn foreign_json_is_refused() {
        assert!(parse_report("{}").is_err());
        let other = REPORT.replace("\"name\": \"rca\"", "\"name\": \"x\"");
        assert!(parse_report(&other).unwrap_err().contains("not an rca"));
    }
}
