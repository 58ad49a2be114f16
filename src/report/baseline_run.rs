//! The report's Baseline run section (`rca analyze --baseline`): the rows the Markdown and
//! HTML templates print ([`view`]) and the terminal text ([`text`]). Only formatting: the
//! comparison itself is [`crate::compare`]. Every string from a log (node ids, signatures,
//! endpoints, templates) goes through the format's escaper or [`safe::visible`].

use crate::compare::{BaselineComparison, EndpointStats};
use crate::report::Report;
use crate::report::i18n::{Lang, translate};
use crate::report::safe::{self, Escaper};

/// Rows shown per table.
const ROWS: usize = 20;

/// The section, formatted; `shown` is false without `--baseline`.
#[derive(Default)]
pub struct BaselineView {
    pub shown: bool,
    pub summary: String,
    pub regressed: Vec<String>,
    pub regressed_more: u64,
    pub fixed: Vec<String>,
    pub fixed_more: u64,
    pub new_signatures: Vec<SigRow>,
    pub vanished_signatures: Vec<SigRow>,
    pub categories: Vec<CountRow>,
    pub endpoints: Vec<EndpointRow>,
    pub templates: Vec<TemplateRow>,
    pub templates_more: u64,
    pub notes: Vec<String>,
}

/// A failure signature with its events.
pub struct SigRow {
    pub signature: String,
    pub events: u64,
}

/// Events of a category in both runs.
pub struct CountRow {
    pub what: String,
    pub baseline: u64,
    pub now: u64,
    pub mark: &'static str,
}

/// One endpoint in both runs.
pub struct EndpointRow {
    pub endpoint: String,
    pub baseline: String,
    pub now: String,
    pub changes: String,
}

/// A template only this run shows.
pub struct TemplateRow {
    pub line: String,
    pub count: u64,
    pub template: String,
}

/// "312 ok / 0 err / 0 failed, p50 12 ms, p95 40 ms".
fn stats_cell(s: &EndpointStats) -> String {
    let mut out = format!(
        "{} ok / {} err / {} failed",
        s.responses - s.error_responses,
        s.error_responses,
        s.failed_requests
    );
    if let (Some(p50), Some(p95)) = (s.p50_ms, s.p95_ms) {
        out.push_str(&format!(", p50 {p50} ms, p95 {p95} ms"));
    }
    out
}

/// Endpoints that changed first, then the others, at most [`ROWS`].
fn endpoint_order(c: &BaselineComparison) -> Vec<&crate::compare::EndpointChange> {
    let mut rows: Vec<_> = c.endpoints.iter().collect();
    rows.sort_by_key(|e| e.changes.is_empty());
    rows.truncate(ROWS);
    rows
}

/// The section's view in `lang`, log-derived strings escaped by `escaper`.
pub fn view(a: &Report, lang: Lang, escaper: &Escaper) -> BaselineView {
    let Some(c) = &a.baseline else {
        return BaselineView::default();
    };
    let tr = |t: &str| (escaper.text)(&translate(lang, t));
    let name = |id: &str| (escaper.span)(id);
    let sig = |s: &crate::compare::SignatureCount| SigRow {
        signature: (escaper.span_in_cell)(&s.signature),
        events: s.events,
    };
    BaselineView {
        shown: true,
        summary: tr(&c.summary),
        regressed: c.regressed.iter().map(|t| name(&t.nodeid)).collect(),
        regressed_more: c.regressed_count - c.regressed.len() as u64,
        fixed: c.fixed.iter().map(|t| name(&t.nodeid)).collect(),
        fixed_more: c.fixed_count - c.fixed.len() as u64,
        new_signatures: c.new_signatures.iter().take(ROWS).map(sig).collect(),
        vanished_signatures: c.vanished_signatures.iter().take(ROWS).map(sig).collect(),
        categories: c
            .categories
            .iter()
            .map(|x| CountRow {
                what: x.what.clone(),
                baseline: x.baseline,
                now: x.now,
                mark: if x.beyond_noise { "▲" } else { "" },
            })
            .collect(),
        endpoints: endpoint_order(c)
            .into_iter()
            .map(|e| EndpointRow {
                endpoint: (escaper.span_in_cell)(&e.endpoint),
                baseline: stats_cell(&e.baseline),
                now: stats_cell(&e.now),
                changes: (escaper.text)(&translate(lang, &e.changes.join("; ")).replace("->", "→")),
            })
            .collect(),
        templates: c
            .new_templates
            .iter()
            .map(|t| TemplateRow {
                line: format!("L{}", t.location.line),
                count: t.count,
                template: (escaper.span_in_cell)(&t.template),
            })
            .collect(),
        templates_more: c.new_templates_count - c.new_templates.len() as u64,
        notes: c.notes.iter().map(|n| tr(n)).collect(),
    }
}

fn v(s: &str) -> String {
    safe::visible(s).into_owned()
}

/// The section as terminal text.
pub fn text(c: &BaselineComparison) -> String {
    let mut out = format!("Baseline run: {}\n", v(&c.summary));
    test_lists(&mut out, c);
    signature_lists(&mut out, c);
    list(
        &mut out,
        "events per category (baseline run -> this run)",
        c.categories
            .iter()
            .map(|x| {
                let mark = if x.beyond_noise { "  beyond noise" } else { "" };
                format!("{} {} -> {}{mark}", x.what, x.baseline, x.now)
            })
            .collect(),
        0,
    );
    endpoint_lines(&mut out, c);
    list(
        &mut out,
        "log templates only in this run",
        c.new_templates
            .iter()
            .map(|t| format!("L{} ×{}  {}", t.location.line, t.count, v(&t.template)))
            .collect(),
        c.new_templates_count - c.new_templates.len() as u64,
    );
    for n in &c.notes {
        out.push_str(&format!("  note: {}\n", v(n)));
    }
    out
}

/// A headed list of `items` and how many more were left out; nothing when it is empty.
fn list(out: &mut String, head: &str, items: Vec<String>, more: u64) {
    if items.is_empty() {
        return;
    }
    out.push_str(&format!("  {head}:\n"));
    for i in items {
        out.push_str(&format!("    {i}\n"));
    }
    if more > 0 {
        out.push_str(&format!("    (+{more} more)\n"));
    }
}

/// The regressed and the fixed tests.
fn test_lists(out: &mut String, c: &BaselineComparison) {
    list(
        out,
        "regressed (passed in the baseline run)",
        c.regressed
            .iter()
            .map(|t| format!("{} ({} -> {})", v(&t.nodeid), t.baseline, t.now))
            .collect(),
        c.regressed_count - c.regressed.len() as u64,
    );
    list(
        out,
        "fixed (failed in the baseline run)",
        c.fixed.iter().map(|t| v(&t.nodeid)).collect(),
        c.fixed_count - c.fixed.len() as u64,
    );
}

/// The failure signatures new in this run and those that vanished.
fn signature_lists(out: &mut String, c: &BaselineComparison) {
    let sigs = |s: &[crate::compare::SignatureCount]| -> Vec<String> {
        s.iter()
            .take(ROWS)
            .map(|x| format!("{} ({} events)", v(&x.signature), x.events))
            .collect()
    };
    list(
        out,
        "failure signatures new in this run",
        sigs(&c.new_signatures),
        c.new_signatures.len().saturating_sub(ROWS) as u64,
    );
    list(
        out,
        "failure signatures that vanished",
        sigs(&c.vanished_signatures),
        c.vanished_signatures.len().saturating_sub(ROWS) as u64,
    );
}

/// The endpoints that changed beyond noise, and how many others stayed within it.
fn endpoint_lines(out: &mut String, c: &BaselineComparison) {
    let moved: Vec<&crate::compare::EndpointChange> = c
        .endpoints
        .iter()
        .filter(|e| !e.changes.is_empty())
        .collect();
    list(
        out,
        "endpoints changed beyond noise (baseline run | this run)",
        moved
            .iter()
            .take(ROWS)
            .map(|e| {
                format!(
                    "{}: {} | {}  ({})",
                    v(&e.endpoint),
                    stats_cell(&e.baseline),
                    stats_cell(&e.now),
                    e.changes.join("; ")
                )
            })
            .collect(),
        moved.len().saturating_sub(ROWS) as u64,
    );
    if c.endpoints.len() > moved.len() {
        out.push_str(&format!(
            "  {} other endpoint(s) within noise\n",
            c.endpoints.len() - moved.len()
        ));
    }
}
