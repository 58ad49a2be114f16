//! Printers of the trend ([`crate::history::trend::Trend`]) and of the run listing: JSON, text
//! (comfy-table with ▁▂▃▄▅▆▇█ sparklines and their numbers), Markdown (`templates/trend.md`)
//! and a self-contained HTML page with inline SVG bar charts labelled with their values
//! (`templates/trend.html`, same CSP as the report: no scripts, no network; readable at
//! phone width). Every format opens with what changed since the previous run
//! ([`super::trend_blocks`]). They only format what the trend computed.
//!
//! Test ids, titles and labels come from logs: they go through the format's
//! [`Escaper`](super::safe::Escaper) in [`build_view`] (Markdown syntax, and control and
//! bidi characters shown as `<U+XXXX>`), HTML also through askama's escaping (no `|safe`);
//! the text tables take [`text_cell`](super::text::text_cell)s and the whole text passes
//! [`terminal`](super::text::terminal); the JSON printers [`safe::json`](super::safe::json).
//!
//! It computes no trend: statuses, streaks, flip rates and recurrences are
//! [`crate::history::trend`]'s; this file only lays them out.

use super::trend_blocks::{self, ChangeRow, SignatureRow, report_href};
use crate::history::RunRecord;
use crate::history::trend::{Trend, rfc3339};
use crate::report::safe::{self, Escaper};
use crate::report::text::{terminal, text_cell};
use askama::Template;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

/// Pretty-printed JSON with a trailing newline.
pub fn json(t: &Trend) -> String {
    let mut s = serde_json::to_string_pretty(t).expect("trend serialises");
    s.push('\n');
    safe::json(s)
}

/// A sparkline of `values`, scaled to their maximum; zero is `▁`.
pub fn sparkline(values: &[u64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| {
            if v == 0 || max == 0 {
                BARS[0]
            } else {
                BARS[(v * 7).div_ceil(max).clamp(1, 7) as usize]
            }
        })
        .collect()
}

fn pct(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_else(|| "-".to_string())
}

fn labels_text(l: &std::collections::BTreeMap<String, String>) -> String {
    l.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn table(width: Option<u16>, header: Vec<&str>) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = width {
        t.set_width(w);
    }
    t.set_header(header);
    t
}

/// The trend as text for a terminal.
pub fn text(t: &Trend, width: Option<u16>) -> String {
    let mut out = format!("rca trend: {}\n", window_text(t));
    if t.runs.is_empty() {
        out.push_str("No runs recorded in this window.\n");
        return terminal(out);
    }
    out.push('\n');
    out.push_str(&trend_blocks::since_text(t));
    let failed: Vec<u64> = t.runs.iter().map(|r| r.failed + r.errors).collect();
    out.push_str(&format!(
        "failed per run  {}  ({})\n\n",
        sparkline(&failed),
        trend_blocks::numbers(&failed)
    ));
    out.push_str(&format!("{}\n", runs_table(t, width)));
    if !t.categories.is_empty() {
        let cats = categories_table(t, width);
        out.push_str(&format!("\nFailure categories (oldest → newest)\n{cats}\n"));
    }
    out.push_str(&format!("\nTests: {}\n", status_counts_text(t)));
    if let Some(tests) = tests_table(t, width) {
        out.push_str(&format!("{tests}\n"));
    }
    if !t.root_causes.is_empty() {
        let rcs = causes_table(t, width);
        out.push_str(&format!("\nRoot causes\n{rcs}\n"));
    }
    out.push_str(&trend_blocks::signatures_text(t));
    terminal(out)
}

/// One row per run: when, how many tests, how many failed (and why when an outage), the
/// pass rate and the labels.
fn runs_table(t: &Trend, width: Option<u16>) -> Table {
    let mut runs = table(
        width,
        vec!["run", "at", "tests", "failed", "pass rate", "labels"],
    );
    for r in &t.runs {
        let failed = match r.outage_reason {
            Some(why) => format!("{} (outage: {})", r.failed + r.errors, outage_words(why)),
            None => (r.failed + r.errors).to_string(),
        };
        runs.add_row(vec![
            text_cell(&r.name),
            text_cell(&r.at),
            Cell::new(r.total).set_alignment(CellAlignment::Right),
            Cell::new(failed).set_alignment(CellAlignment::Right),
            Cell::new(pct(r.pass_rate)).set_alignment(CellAlignment::Right),
            text_cell(labels_text(&r.labels)),
        ]);
    }
    runs
}

/// One row per failure category: its events per run as a sparkline, the total, the newest.
fn categories_table(t: &Trend, width: Option<u16>) -> Table {
    let mut cats = table(width, vec!["category", "events per run", "total", "newest"]);
    for c in &t.categories {
        cats.add_row(vec![
            text_cell(&c.category),
            text_cell(sparkline(&c.events)),
            Cell::new(c.total).set_alignment(CellAlignment::Right),
            Cell::new(c.events.last().copied().unwrap_or(0)).set_alignment(CellAlignment::Right),
        ]);
    }
    cats
}

/// The tests that are not passing, or `None` when all are.
fn tests_table(t: &Trend, width: Option<u16>) -> Option<Table> {
    let shown: Vec<_> = t.tests.iter().filter(|x| x.status != "passing").collect();
    if shown.is_empty() {
        return None;
    }
    let mut tests = table(
        width,
        vec![
            "status",
            "test",
            "failed/runs",
            "since / first failed",
            "flip rate",
        ],
    );
    for x in shown {
        tests.add_row(vec![
            text_cell(x.status),
            text_cell(&x.nodeid),
            text_cell(format!("{}/{}", x.failures, x.runs)),
            text_cell(since_cell(x)),
            Cell::new(format!("{:.2}", x.flip_rate)).set_alignment(CellAlignment::Right),
        ]);
    }
    Some(tests)
}

/// One row per root cause across the runs.
fn causes_table(t: &Trend, width: Option<u16>) -> Table {
    let mut rcs = table(
        width,
        vec!["status", "root cause", "seen", "first seen", "last seen"],
    );
    for c in &t.root_causes {
        rcs.add_row(vec![
            text_cell(c.status),
            text_cell(&c.title),
            text_cell(format!("{}/{}", c.seen_in, c.of)),
            text_cell(&c.first_seen),
            text_cell(&c.last_seen),
        ]);
    }
    rcs
}

/// The outage guard's reason in words.
fn outage_words(why: &str) -> &'static str {
    match why {
        "connection_class" => "could not connect",
        _ => "nearly all failed",
    }
}

/// When a test's current state began: the failing streak, the first failure, or (not run)
/// when it last ran.
fn since_cell(x: &crate::history::trend::TestTrend) -> String {
    if x.status == "not_run" {
        return format!("last ran {}", x.last_run_at);
    }
    x.since
        .as_deref()
        .or(x.first_failed_at.as_deref())
        .unwrap_or("-")
        .to_string()
}

fn window_text(t: &Trend) -> String {
    let mut s = format!("{} run(s)", t.window.runs);
    if let (Some(from), Some(to)) = (&t.window.from, &t.window.to) {
        s.push_str(&format!(", {from} .. {to}"));
    }
    if !t.window.selection.labels.is_empty() {
        s.push_str(&format!(
            ", labels {}",
            labels_text(&t.window.selection.labels)
        ));
    }
    s
}

fn status_counts_text(t: &Trend) -> String {
    crate::history::trend::TEST_STATUSES
        .iter()
        .map(|s| format!("{} {s}", t.status_counts.get(s).copied().unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The run listing as text.
pub fn list_text(runs: &[RunRecord]) -> String {
    let mut t = table(
        Some(160),
        vec!["run", "at", "tests", "failed", "errors", "labels"],
    );
    for r in runs {
        t.add_row(vec![
            text_cell(&r.id),
            text_cell(rfc3339(r.at)),
            Cell::new(r.counts.total).set_alignment(CellAlignment::Right),
            Cell::new(r.counts.failed).set_alignment(CellAlignment::Right),
            Cell::new(r.counts.errors).set_alignment(CellAlignment::Right),
            text_cell(labels_text(&r.labels)),
        ]);
    }
    terminal(format!("{t}\n{} run(s)\n", runs.len()))
}

/// One run of the listing in JSON.
#[derive(Serialize)]
struct ListedRun<'a> {
    id: &'a str,
    at: String,
    labels: &'a std::collections::BTreeMap<String, String>,
    total: u64,
    passed: u64,
    failed: u64,
    errors: u64,
    skipped: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    ci_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<&'a str>,
}

/// The run listing as JSON (an array, oldest first).
pub fn list_json(runs: &[RunRecord]) -> String {
    let rows: Vec<ListedRun<'_>> = runs
        .iter()
        .map(|r| ListedRun {
            id: &r.id,
            at: rfc3339(r.at),
            labels: &r.labels,
            total: r.counts.total,
            passed: r.counts.passed,
            failed: r.counts.failed,
            errors: r.counts.errors,
            skipped: r.counts.skipped,
            ci_id: r.ci_id.as_deref(),
            report: r.report.as_deref(),
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&rows).expect("runs serialise");
    s.push('\n');
    safe::json(s)
}

/// What the Markdown and HTML templates print (strings already escaped for Markdown; HTML
/// escapes at render time).
pub struct TrendView {
    pub title: String,
    pub window: String,
    /// "previous -> newest" names of the since-the-previous-run block; empty with one run.
    pub since_runs: String,
    pub changes: Vec<ChangeRow>,
    pub signatures: Vec<SignatureRow>,
    pub never_fired: String,
    pub signature_runs: usize,
    pub status_counts: String,
    pub failed_spark: String,
    /// "min 0 · max 16 · newest 16".
    pub failed_numbers: String,
    pub runs: Vec<RunRow>,
    pub categories: Vec<CategoryRow>,
    pub sections: Vec<Section>,
    pub causes: Vec<CauseRow>,
    pub passing: usize,
    pub failed_chart: Chart,
    pub rate_chart: Chart,
}

/// A row of the runs table.
pub struct RunRow {
    pub id: String,
    pub name: String,
    /// Link to the run's stored report; empty when there is none to link.
    pub report: String,
    pub at: String,
    pub total: u64,
    pub failed: u64,
    pub pass_rate: String,
    pub outage: bool,
    pub outage_why: String,
    pub labels: String,
}

/// A category with its sparkline and chart.
pub struct CategoryRow {
    pub id: String,
    pub total: u64,
    pub spark: String,
    pub chart: Chart,
}

/// Tests of one status.
pub struct Section {
    pub status: String,
    pub tests: Vec<TestRow>,
}

/// A test row.
pub struct TestRow {
    pub nodeid: String,
    pub failures: usize,
    pub runs: usize,
    pub since: String,
    pub last_failed: String,
    pub flip_rate: String,
    pub categories: String,
}

/// A root-cause row.
pub struct CauseRow {
    pub status: String,
    pub title: String,
    pub fingerprint: String,
    pub locus: String,
    pub seen: String,
    pub first_seen: String,
    pub last_seen: String,
}

/// A bar chart: one bar per run.
pub struct Chart {
    pub width: u32,
    pub height: u32,
    pub bars: Vec<Bar>,
}

/// One bar.
pub struct Bar {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    pub fill: &'static str,
    pub title: String,
    /// The value written above the bar; empty when there are too many bars to label.
    pub label: String,
    /// Centre of the bar, for its label.
    pub cx: u32,
}

const CHART_W: u32 = 600;
/// Room above the bars for their values.
const LABEL_H: u32 = 24;
/// Bars labelled one by one up to this many runs; beyond, only the highest and the newest.
const LABEL_ALL: usize = 20;

fn chart(
    values: &[f64],
    height: u32,
    titles: Vec<String>,
    fills: Vec<&'static str>,
    label: fn(f64) -> String,
) -> Chart {
    let n = values.len().max(1) as u32;
    let slot = (CHART_W / n).max(1);
    let w = slot.saturating_sub(if slot > 3 { 1 } else { 0 }).max(1);
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    let highest = values.iter().position(|v| *v == max);
    let labelled =
        |i: usize| values.len() <= LABEL_ALL || Some(i) == highest || i + 1 == values.len();
    let bars = values
        .iter()
        .zip(titles)
        .zip(fills)
        .enumerate()
        .map(|(i, ((&v, title), fill))| {
            let h = if max > 0.0 {
                ((v / max) * f64::from(height))
                    .round()
                    .max(if v > 0.0 { 1.0 } else { 0.0 }) as u32
            } else {
                0
            };
            Bar {
                x: i as u32 * slot,
                y: LABEL_H + height - h,
                w,
                h,
                fill,
                title,
                label: if labelled(i) { label(v) } else { String::new() },
                cx: i as u32 * slot + w / 2,
            }
        })
        .collect();
    Chart {
        width: slot * n,
        height: height + LABEL_H,
        bars,
    }
}

fn count_label(v: f64) -> String {
    format!("{v:.0}")
}

fn rate_label(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

/// The bar colours of the runs: purple for an outage, else `normal`.
fn fills(t: &Trend, outage: &dyn Fn(usize) -> bool, normal: &'static str) -> Vec<&'static str> {
    (0..t.runs.len())
        .map(|i| if outage(i) { "#8e44ad" } else { normal })
        .collect()
}

/// Failed tests per run, outages marked.
fn failed_chart(t: &Trend, failed: &[u64]) -> Chart {
    let is_outage = |i: usize| t.runs[i].outage;
    chart(
        &failed.iter().map(|&v| v as f64).collect::<Vec<_>>(),
        60,
        t.runs
            .iter()
            .map(|r| {
                format!(
                    "{} {}: {} failed{}",
                    r.name,
                    r.at,
                    r.failed + r.errors,
                    if r.outage { " (outage)" } else { "" }
                )
            })
            .collect(),
        fills(t, &is_outage, "#c0392b"),
        count_label,
    )
}

/// The pass rate per run.
fn rate_chart(t: &Trend) -> Chart {
    chart(
        &t.runs
            .iter()
            .map(|r| r.pass_rate.unwrap_or(0.0))
            .collect::<Vec<_>>(),
        60,
        t.runs
            .iter()
            .map(|r| format!("{} {}: pass rate {}", r.name, r.at, pct(r.pass_rate)))
            .collect(),
        fills(t, &|_| false, "#2e7d32"),
        rate_label,
    )
}

/// One row per failure category, with its sparkline and its events-per-run chart.
fn category_rows(t: &Trend, code: fn(&str) -> String) -> Vec<CategoryRow> {
    t.categories
        .iter()
        .map(|c| CategoryRow {
            id: code(&c.category),
            total: c.total,
            spark: sparkline(&c.events),
            chart: chart(
                &c.events.iter().map(|&v| v as f64).collect::<Vec<_>>(),
                24,
                t.runs
                    .iter()
                    .zip(&c.events)
                    .map(|(r, n)| format!("{} {}: {n} {}", r.name, r.at, c.category))
                    .collect(),
                fills(t, &|_| false, "#d35400"),
                count_label,
            ),
        })
        .collect()
}

/// The tests by status (new failures first), statuses without tests left out.
fn test_sections(t: &Trend, escaper: &Escaper) -> Vec<Section> {
    let (esc, code) = (escaper.text, escaper.code);
    ["new_failure", "still_failing", "flaky", "fixed", "not_run"]
        .iter()
        .map(|status| Section {
            status: status.to_string(),
            tests: t
                .tests
                .iter()
                .filter(|x| x.status == *status)
                .map(|x| TestRow {
                    nodeid: code(&x.nodeid),
                    failures: x.failures,
                    runs: x.runs,
                    since: since_cell(x),
                    last_failed: x.last_failed_at.clone().unwrap_or_default(),
                    flip_rate: format!("{:.2}", x.flip_rate),
                    categories: esc(&x.categories.join(", ")),
                })
                .collect(),
        })
        .filter(|s| !s.tests.is_empty())
        .collect()
}

/// One row per run, with the link to its stored report when there is one.
fn run_rows(t: &Trend, escaper: &Escaper) -> Vec<RunRow> {
    let (esc, code) = (escaper.text, escaper.code);
    t.runs
        .iter()
        .map(|r| RunRow {
            id: esc(&r.id),
            name: code(&r.name),
            report: r
                .report
                .as_deref()
                .and_then(report_href)
                .map(|h| esc(&h))
                .unwrap_or_default(),
            at: r.at.clone(),
            total: r.total,
            failed: r.failed + r.errors,
            pass_rate: pct(r.pass_rate),
            outage: r.outage,
            outage_why: r.outage_reason.map(outage_words).unwrap_or("").to_string(),
            labels: esc(&labels_text(&r.labels)),
        })
        .collect()
}

/// One row per root cause across the runs.
fn cause_rows(t: &Trend, escaper: &Escaper) -> Vec<CauseRow> {
    let (esc, code) = (escaper.text, escaper.code);
    t.root_causes
        .iter()
        .map(|c| CauseRow {
            status: c.status.to_string(),
            title: esc(&c.title),
            fingerprint: code(&c.fingerprint),
            locus: esc(&c.locus),
            seen: format!("{}/{}", c.seen_in, c.of),
            first_seen: c.first_seen.clone(),
            last_seen: c.last_seen.clone(),
        })
        .collect()
}

fn build_view(t: &Trend, title: Option<&str>, escaper: &Escaper) -> TrendView {
    let (esc, code) = (escaper.text, escaper.code);
    let failed: Vec<u64> = t.runs.iter().map(|r| r.failed + r.errors).collect();
    TrendView {
        title: esc(title.unwrap_or("rca trend")),
        window: esc(&window_text(t)),
        since_runs: t
            .since_previous
            .as_ref()
            .map(|p| esc(&format!("{} → {}", p.previous, p.run)))
            .unwrap_or_default(),
        changes: t
            .since_previous
            .as_ref()
            .map(|p| trend_blocks::change_rows(p, code))
            .unwrap_or_default(),
        signatures: trend_blocks::signature_rows(t, code),
        never_fired: esc(&t.signatures.never_fired.join(", ")),
        signature_runs: t.signatures.runs_with_data,
        status_counts: status_counts_text(t),
        failed_spark: sparkline(&failed),
        failed_numbers: trend_blocks::numbers(&failed),
        runs: run_rows(t, escaper),
        categories: category_rows(t, code),
        sections: test_sections(t, escaper),
        causes: cause_rows(t, escaper),
        passing: t.status_counts.get("passing").copied().unwrap_or(0),
        failed_chart: failed_chart(t, &failed),
        rate_chart: rate_chart(t),
    }
}

#[derive(Template)]
#[template(path = "trend.md")]
struct Markdown<'a> {
    v: &'a TrendView,
}

#[derive(Template)]
#[template(path = "trend.html")]
struct Html<'a> {
    v: &'a TrendView,
}

/// The trend as Markdown.
pub fn markdown(t: &Trend, title: Option<&str>) -> String {
    let view = build_view(t, title, &super::markdown::ESCAPE);
    let out = Markdown { v: &view }
        .render()
        .expect("markdown template renders");
    super::markdown::collapse_blank_lines(out)
}

/// The trend as one self-contained HTML page.
pub fn html(t: &Trend, title: Option<&str>) -> String {
    let view = build_view(t, title, &super::html::ESCAPE);
    Html { v: &view }.render().expect("html template renders")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale_to_the_maximum() {
        assert_eq!(sparkline(&[0, 1, 2, 4, 8]), "▁▂▃▅█");
        assert_eq!(sparkline(&[0, 0]), "▁▁");
        assert_eq!(sparkline(&[]), "");
        assert_eq!(sparkline(&[1, 1000]), "▂█");
    }

    #[test]
    fn charts_fit_their_width() {
        let c = chart(
            &[0.0, 5.0, 10.0],
            60,
            vec![String::new(); 3],
            vec!["#000"; 3],
            count_label,
        );
        assert_eq!(c.width, 600);
        assert_eq!(
            c.bars.iter().map(|b| b.h).collect::<Vec<_>>(),
            vec![0, 30, 60]
        );
        assert_eq!(c.bars[2].y, LABEL_H);
        assert_eq!(c.height, 60 + LABEL_H);
        let labels: Vec<&str> = c.bars.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["0", "5", "10"], "values written on the bars");
        let many: Vec<f64> = (0..30).map(f64::from).rev().collect();
        let c = chart(
            &many,
            60,
            vec![String::new(); 30],
            vec!["#000"; 30],
            count_label,
        );
        let shown: Vec<&str> = c
            .bars
            .iter()
            .filter(|b| !b.label.is_empty())
            .map(|b| b.label.as_str())
            .collect();
        assert_eq!(shown, ["29", "0"], "many runs: the highest and the newest");
    }
}
