//! Markdown report (askama template `templates/report.md`), modelled on a postmortem:
//! summary, impact, failing tests, one section per root cause, recommendations, timeline and
//! an evidence appendix. Renders on GitHub, GitLab and Jira-flavoured viewers.
//!
//! Log text is untrusted: table cells and prose escape `|`, `<`, `>` and line breaks; code
//! fences are longer than any backtick run inside them. Secrets were redacted upstream.

use crate::analysis::Analysis;
use askama::Template;
use std::collections::BTreeMap;

/// Options for the report.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Report title (default: "RCA: <input name>").
    pub title: Option<String>,
}

#[derive(Template)]
#[template(path = "report.md")]
struct View {
    title: String,
    headline: String,
    version: String,
    inputs: String,
    total: u64,
    passed: u64,
    failed: u64,
    errors: u64,
    skipped: u64,
    xfailed: u64,
    xpassed: u64,
    failed_pct: String,
    unexplained: usize,
    categories: Vec<CategoryRow>,
    failing: Vec<FailingRow>,
    causes: Vec<CauseView>,
    rec_groups: Vec<RecGroup>,
    timeline: Vec<TimelineRow>,
    findings: Vec<FindingRow>,
    warnings: Vec<String>,
}

struct CategoryRow {
    id: String,
    events: u64,
    tests: u64,
    failed_tests: u64,
    hosts: String,
}

struct FailingRow {
    name: String,
    outcome: String,
    categories: String,
    symptom: String,
    cause: String,
}

struct CheckRow {
    title: String,
    statement: String,
    lines: String,
}

struct CauseView {
    id: String,
    title: String,
    locus: String,
    confidence: String,
    summary: String,
    events: u64,
    window: String,
    failed_count: usize,
    contributing_count: usize,
    fence: String,
    samples: Vec<String>,
    evidence: Vec<String>,
    counter: Vec<String>,
    checks: Vec<CheckRow>,
    failed: String,
    collateral: String,
}

struct RecView {
    priority_mark: String,
    title: String,
    why: String,
    causes: String,
    fence: String,
    lang: String,
    before: String,
    after: String,
}

struct RecGroup {
    heading: String,
    items: Vec<RecView>,
}

struct TimelineRow {
    category: String,
    first: String,
    last: String,
    events: i64,
    peak: String,
}

struct FindingRow {
    id: String,
    fingerprint: String,
    events: u64,
    tests: usize,
    lines: String,
}

/// Escapes text for a Markdown table cell or a line of prose.
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            '`' => out.push('\''),
            _ => out.push(c),
        }
    }
    out
}

/// A code fence longer than any run of backticks in `texts`.
pub fn fence(texts: &[&str]) -> String {
    let longest = texts
        .iter()
        .map(|t| t.split(|c| c != '`').map(str::len).max().unwrap_or(0))
        .max()
        .unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

fn when(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| epoch.to_string())
}

/// Renders the Markdown report.
pub fn render(a: &Analysis, opts: &ReportOptions) -> String {
    let view = build_view(a, opts);
    let mut out = view.render().expect("markdown template renders");
    // Collapse the blank-line runs that template control flow leaves behind.
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
}

fn build_view(a: &Analysis, opts: &ReportOptions) -> View {
    let s = &a.summary;
    let inputs: Vec<String> = a
        .inputs
        .iter()
        .map(|i| format!("`{}`", cell(&i.path)))
        .collect();
    let title = opts.title.clone().unwrap_or_else(|| {
        let name = a.inputs.first().map_or("pytest run", |i| i.path.as_str());
        format!("RCA: {name}")
    });
    let mut primary: BTreeMap<&str, &str> = BTreeMap::new();
    for rc in &a.rca.root_causes {
        for t in &rc.failed_tests {
            primary.insert(t.as_str(), rc.id.as_str());
        }
    }
    let failing = a
        .tests
        .iter()
        .filter(|t| t.outcome == "failed" || t.outcome == "error")
        .map(|t| FailingRow {
            name: cell(&t.nodeid),
            outcome: t.outcome.clone(),
            categories: t
                .categories
                .iter()
                .map(|c| c.id())
                .collect::<Vec<_>>()
                .join(", "),
            symptom: cell(t.symptom.as_deref().unwrap_or("")),
            cause: primary
                .get(t.nodeid.as_str())
                .copied()
                .unwrap_or("—")
                .to_string(),
        })
        .collect();
    let causes = a
        .rca
        .root_causes
        .iter()
        .map(|rc| {
            let samples: Vec<String> = a
                .rca
                .findings
                .iter()
                .filter(|f| rc.findings.contains(&f.id))
                .flat_map(|f| f.samples.iter())
                .take(6)
                .map(|s| format!("L{}  ×{}  {}", s.location.line, s.count, s.text))
                .collect();
            let refs: Vec<&str> = samples.iter().map(String::as_str).collect();
            let names = |v: &[String]| {
                v.iter()
                    .map(|t| format!("`{}`", cell(t.rsplit("::").next().unwrap_or(t))))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            CauseView {
                id: rc.id.clone(),
                title: cell(&rc.title),
                locus: serde_json::to_value(rc.verdict.locus)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                confidence: serde_json::to_value(rc.verdict.confidence)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                summary: cell(&rc.verdict.summary),
                events: rc.events,
                window: rc
                    .window
                    .map(|w| format!("{} to {} UTC", when(w.start_s), when(w.end_s)))
                    .unwrap_or_default(),
                failed_count: rc.failed_tests.len(),
                contributing_count: rc.contributing_to.len(),
                fence: fence(&refs),
                samples,
                evidence: rc.verdict.evidence.iter().map(|e| cell(e)).collect(),
                counter: rc
                    .verdict
                    .counter_evidence
                    .iter()
                    .map(|e| cell(e))
                    .collect(),
                checks: rc
                    .cross_checks
                    .iter()
                    .map(|c| CheckRow {
                        title: cell(&c.title),
                        statement: cell(&c.statement),
                        lines: c
                            .locations
                            .iter()
                            .map(|l| format!("L{}", l.line))
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
                    .collect(),
                failed: names(&rc.failed_tests),
                collateral: names(&rc.collateral_tests),
            }
        })
        .collect();
    let mut groups: Vec<RecGroup> = Vec::new();
    for (kind, heading) in [
        ("code", "Code changes"),
        ("infrastructure", "Infrastructure checks"),
    ] {
        let items: Vec<RecView> = a
            .recommendations
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| RecView {
                priority_mark: match r.priority.as_str() {
                    "now" => "🔴 now ·".to_string(),
                    "next" => "🟠 next ·".to_string(),
                    _ => "🟡 later ·".to_string(),
                },
                title: cell(&r.title),
                why: cell(&r.why),
                causes: r.root_causes.join(", "),
                fence: fence(&[&r.before, &r.after]),
                lang: if kind == "code" { "python" } else { "sh" }.to_string(),
                before: r.before.clone(),
                after: r.after.clone(),
            })
            .collect();
        if !items.is_empty() {
            groups.push(RecGroup {
                heading: heading.to_string(),
                items,
            });
        }
    }
    let timeline = a
        .timeline
        .series
        .iter()
        .map(|series| {
            let first = series.points.first().map_or(0, |p| p[0]);
            let last = series.points.last().map_or(0, |p| p[0]);
            let peak = series
                .points
                .iter()
                .max_by_key(|p| (p[1], -p[0]))
                .copied()
                .unwrap_or([0, 0]);
            TimelineRow {
                category: series.category.id().to_string(),
                first: when(first),
                last: when(last),
                events: series.points.iter().map(|p| p[1]).sum(),
                peak: format!("{} ({} events)", when(peak[0]), peak[1]),
            }
        })
        .collect();
    let findings = a
        .rca
        .findings
        .iter()
        .map(|f| FindingRow {
            id: f.id.clone(),
            fingerprint: cell(&f.fingerprint),
            events: f.events,
            tests: f.tests.len(),
            lines: f
                .locations
                .iter()
                .take(5)
                .map(|l| format!("L{}", l.line))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    View {
        title: cell(&title),
        headline: cell(&a.rca.headline.replace("->", "→")),
        version: a.tool.version.to_string(),
        inputs: inputs.join(", "),
        total: s.total,
        passed: s.passed,
        failed: s.failed,
        errors: s.errors,
        skipped: s.skipped,
        xfailed: s.xfailed,
        xpassed: s.xpassed,
        failed_pct: if s.total == 0 {
            "0%".to_string()
        } else {
            format!(
                "{:.0}%",
                (s.failed + s.errors) as f64 * 100.0 / s.total as f64
            )
        },
        unexplained: a.rca.unexplained_failures.len(),
        categories: a
            .categories
            .iter()
            .map(|c| CategoryRow {
                id: c.id.id().to_string(),
                events: c.events,
                tests: c.tests,
                failed_tests: c.failed_tests,
                hosts: cell(
                    &c.hosts
                        .iter()
                        .take(3)
                        .map(|h| format!("{} ({})", h.host, h.events))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            })
            .collect(),
        failing,
        causes,
        rec_groups: groups,
        timeline,
        findings,
        warnings: a.warnings.iter().map(|w| cell(w)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_tables_or_inject_html() {
        assert_eq!(cell("a|b\n<script>`x`"), "a\\|b &lt;script&gt;'x'");
    }

    #[test]
    fn fences_outgrow_backtick_runs() {
        assert_eq!(fence(&["plain"]), "```");
        assert_eq!(fence(&["has ```` four"]), "`````");
    }
}
