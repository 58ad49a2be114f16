//! The Root causes section of the report view: per cause its verdict, representative log
//! lines (cut at the part that matters), evidence, cross-checks, failed tests, outage windows
//! and code pointers, every log-derived string escaped for the place it lands.
//!
//! It does not find or rank causes, nor decide verdicts: that is [`crate::diagnose`]; the
//! sentences come from the analysis and are only translated and escaped here.

use super::{Tr, when};
use crate::diagnose::RootCause;
use crate::report::Report;
use crate::report::i18n::{Lang, word};
use crate::report::markdown::fence;
use crate::report::safe::Escaper;
use regex::Regex;
use std::sync::LazyLock;

/// A row of the report.
pub struct CheckRow {
    pub title: String,
    pub statement: String,
    pub lines: String,
}

/// A row of the report.
pub struct CauseView {
    pub id: String,
    pub title: String,
    pub locus: String,
    pub confidence: String,
    pub summary: String,
    pub events: u64,
    pub window: String,
    pub failed_count: usize,
    pub contributing_count: usize,
    pub fence: String,
    pub samples: Vec<String>,
    pub evidence: Vec<String>,
    pub counter: Vec<String>,
    pub checks: Vec<CheckRow>,
    pub failed: Vec<String>,
    pub outages: Vec<OutageView>,
    /// new / recurring / regressed (`--history`); empty without it.
    pub history: String,
    /// Where the scanned code explains it (`--source DIR`); empty without it.
    pub code: Vec<CodeRow>,
}

/// A pointer into the scanned code (`--source DIR`).
pub struct CodeRow {
    /// `file:line`, as an inline code span.
    pub at: String,
    /// Why it is linked.
    pub note: String,
}

/// An outage window of a root cause and the tests that failed together in it.
pub struct OutageView {
    pub text: String,
    pub tests: Vec<String>,
}

/// One view per root cause, in the analysis' order.
pub(super) fn cause_views(a: &Report, lang: Lang, escaper: &Escaper, tr: Tr<'_>) -> Vec<CauseView> {
    a.diagnosis
        .rca
        .root_causes
        .iter()
        .map(|rc| cause_view(a, rc, lang, escaper, tr))
        .collect()
}

/// Test names shown by their last `::` part, as inline code spans.
fn short_names(v: &[String], span: fn(&str) -> String) -> Vec<String> {
    v.iter()
        .map(|t| span(t.rsplit("::").next().unwrap_or(t)))
        .collect()
}

fn cause_view(a: &Report, rc: &RootCause, lang: Lang, escaper: &Escaper, tr: Tr<'_>) -> CauseView {
    let span = escaper.span;
    let samples = sample_lines(a, rc, escaper.block);
    let refs: Vec<&str> = samples.iter().map(String::as_str).collect();
    CauseView {
        id: rc.id.clone(),
        title: tr(&rc.title),
        locus: word(lang, rc.verdict.locus.id()),
        confidence: word(lang, rc.verdict.confidence.id()),
        summary: tr(&rc.verdict.summary),
        events: rc.events,
        window: rc
            .window
            .map(|w| format!("{} – {} UTC", when(w.start_s), when(w.end_s)))
            .unwrap_or_default(),
        failed_count: rc.failed_tests.len(),
        contributing_count: rc.contributing_to.len(),
        fence: fence(&refs),
        samples,
        evidence: rc.verdict.evidence.iter().map(|e| tr(e)).collect(),
        counter: rc.verdict.counter_evidence.iter().map(|e| tr(e)).collect(),
        checks: check_rows(rc, tr),
        failed: short_names(&rc.failed_tests, span),
        history: rc.history.as_ref().map(|h| tr(&h.text)).unwrap_or_default(),
        code: code_rows(rc, span, tr),
        outages: outage_views(rc, span, tr),
    }
}

/// The cause's most frequent lines across its findings, so that a finding listed late (the
/// runner's re-logged exhaustions) is not hidden by one with many rare lines.
fn sample_lines(a: &Report, rc: &RootCause, block: fn(&str) -> String) -> Vec<String> {
    let mut all: Vec<&crate::diagnose::SampleLine> = a
        .diagnosis
        .rca
        .findings
        .iter()
        .filter(|f| rc.findings.contains(&f.id))
        .flat_map(|f| f.samples.iter())
        .collect();
    all.sort_by(|x, y| y.count.cmp(&x.count).then(x.location.cmp(&y.location)));
    all.into_iter()
        .take(6)
        .map(|s| {
            block(&format!(
                "L{}  ×{}  {}",
                s.location.line,
                s.count,
                cut_evidence(&s.text, EVIDENCE_WIDTH)
            ))
        })
        .collect()
}

fn check_rows(rc: &RootCause, tr: Tr<'_>) -> Vec<CheckRow> {
    rc.cross_checks
        .iter()
        .map(|c| CheckRow {
            title: tr(&c.title),
            statement: tr(&c.statement),
            lines: c
                .locations
                .iter()
                .map(|l| format!("L{}", l.line))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect()
}

fn code_rows(rc: &RootCause, span: fn(&str) -> String, tr: Tr<'_>) -> Vec<CodeRow> {
    rc.source_links
        .iter()
        .map(|l| CodeRow {
            at: span(&format!("{}:{}", l.file, l.line)),
            note: tr(&l.note),
        })
        .collect()
}

fn outage_views(rc: &RootCause, span: fn(&str) -> String, tr: Tr<'_>) -> Vec<OutageView> {
    rc.outage_windows
        .iter()
        .map(|w| OutageView {
            text: tr(&outage_sentence(w)),
            tests: short_names(&w.tests, span),
        })
        .collect()
}

/// "2026-11-27 09:50:36 – 2026-11-27 09:51:29 UTC: 10 failed tests within 53 s; ..."
fn outage_sentence(w: &crate::diagnose::OutageWindow) -> String {
    let mut text = format!(
        "{} – {} UTC: {} failed tests within {} s",
        when(w.start_s),
        when(w.end_s),
        w.tests.len(),
        w.end_s - w.start_s + 1
    );
    match w.answered_ok {
        Some(0) => text.push_str("; no successful response from the target in that time"),
        Some(n) => text.push_str(&format!(
            "; the target answered {n} request(s) successfully in that time"
        )),
        None => {}
    }
    text
}

/// Evidence lines longer than this are cut ([`cut_evidence`]).
pub const EVIDENCE_WIDTH: usize = 160;

/// Where the part of a log line that matters starts: urllib3's `(Caused by ...)`, else the
/// first exception name.
static EXCEPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\(Caused by |\b[A-Z][A-Za-z0-9]*(?:Error|Exception|Timeout)\b")
        .expect("exception pattern")
});

/// A long evidence line cut at the part that matters: the exception (from `Caused by`, else
/// the first exception name) is kept whole as far as `max` allows, the prefix (timestamp,
/// logger, URL) is shortened first; a line without an exception keeps its start.
pub fn cut_evidence(text: &str, max: usize) -> String {
    let len = text.chars().count();
    if len <= max {
        return text.to_string();
    }
    let anchor = text
        .find("(Caused by ")
        .or_else(|| EXCEPTION.find(text).map(|m| m.start()));
    let Some(at) = anchor else {
        return format!("{}…", text.chars().take(max - 1).collect::<String>());
    };
    let (head, tail) = text.split_at(at);
    let tail_len = tail.chars().count();
    if tail_len + 24 >= max {
        let kept: String = tail.chars().take(max - 2).collect();
        let more = if tail_len > max - 2 { "…" } else { "" };
        return format!("…{kept}{more}");
    }
    let head_room = max - tail_len - 2;
    let head: String = head.chars().take(head_room).collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_evidence_keeps_the_exception_not_the_prefix() {
        let line = format!(
            "[  ERROR] src.core.api_client: Request failed after 894.25ms for POST https://127.0.0.1:36367/{}: HTTPSConnectionPool(host='127.0.0.1', port=36367): Max retries exceeded with url: /x (Caused by ResponseError('too many 503 error responses'))",
            "p/".repeat(30)
        );
        let cut = cut_evidence(&line, 160);
        assert!(cut.chars().count() <= 160, "{cut}");
        assert!(
            cut.ends_with("(Caused by ResponseError('too many 503 error responses'))"),
            "{cut}"
        );
        assert!(cut.starts_with("[  ERROR] src.core"), "{cut}");
        let retrying = "[WARNING] urllib3.connectionpool: Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ConnectTimeoutError(<HTTPSConnection(host='127.0.0.1', port=54789) at 0x…>, 'Connection to 127.0.0.1 timed out. (connect timeout=0.5)')': /focus-server/configure";
        let cut = cut_evidence(retrying, 160);
        assert!(cut.contains("ConnectTimeoutError("), "{cut}");
        assert!(cut.contains("timed out. (connect timeout=0.5)"), "{cut}");
        assert_eq!(cut_evidence("short", 160), "short");
        assert_eq!(cut_evidence(&"x".repeat(200), 160).chars().count(), 160);
    }
}
