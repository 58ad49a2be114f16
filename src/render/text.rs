//! Plain-text output for terminals: outcome totals, categories and failing tests as
//! comfy-table tables, then warnings; with `--history`, a History line first and a history
//! column on root causes and failing tests. Log text cannot drive the terminal: every string
//! cell is a [`text_cell`] (control and bidi characters shown as `<U+XXXX>` before
//! comfy-table measures it), and [`terminal`] passes the whole output through the same
//! filter once more.

use crate::analysis::{Analysis, TestReport};
use crate::render::safe;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

/// Renders the analysis as text. `width` is `None` on a terminal (tables fit its width),
/// `Some(_)` when the output goes to a pipe or file (tables are not wrapped).
pub fn render(a: &Analysis, width: Option<u16>) -> String {
    let mut out = String::new();
    let s = &a.summary;
    let pct = |n: u64| {
        if s.total == 0 {
            0.0
        } else {
            n as f64 * 100.0 / s.total as f64
        }
    };
    out.push_str(&format!(
        "rca {}: {} of {} tests failed ({:.0}%), {} error(s)\n\n",
        a.tool.version,
        s.failed,
        s.total,
        pct(s.failed),
        s.errors
    ));
    if let Some(h) = &a.history {
        out.push_str(&format!("History: {}\n\n", h.summary));
    }
    out.push_str(&outcomes_table(a, width).to_string());
    out.push('\n');
    if a.categories.is_empty() {
        out.push_str("\nNo HTTP-client failure events found.\n");
    } else {
        out.push_str("\nFailure categories\n");
        out.push_str(&categories_table(a, width).to_string());
        out.push('\n');
    }
    if !a.rca.root_causes.is_empty() {
        out.push_str(&format!("\nRoot causes: {}\n", a.rca.headline));
        out.push_str(&root_causes_table(a, width).to_string());
        out.push('\n');
    }
    if let Some(r) = &a.reprobe {
        let reports: Vec<crate::probe::TargetReport> =
            r.targets.iter().map(|t| t.report.clone()).collect();
        out.push_str("\nRe-probe (now)\n");
        out.push_str(&crate::render::probe::targets_table(&reports, width).to_string());
        out.push('\n');
    }
    let failing: Vec<&TestReport> = a
        .tests
        .iter()
        .filter(|t| t.outcome == "failed" || t.outcome == "error")
        .collect();
    if !failing.is_empty() {
        out.push_str(&format!("\nFailing tests ({})\n", failing.len()));
        out.push_str(&failing_table(&failing, a.history.is_some(), width).to_string());
        out.push('\n');
    }
    if !a.warnings.is_empty() {
        out.push_str("\nWarnings\n");
        for w in &a.warnings {
            out.push_str(&format!("  - {w}\n"));
        }
    }
    terminal(out)
}

/// A table in the house style: fitted to a terminal, never wrapped when piped.
pub(crate) fn table(width: Option<u16>) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    match width {
        // On a terminal, fit the tables to its width.
        None => {
            t.set_content_arrangement(ContentArrangement::Dynamic);
        }
        // Piped or written to a file: never wrap, so that lines stay greppable.
        Some(_) => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    t
}

/// A table cell of log-derived text, safe for a terminal.
pub(crate) fn text_cell(s: impl AsRef<str>) -> Cell {
    Cell::new(safe::visible(s.as_ref()))
}

/// The last filter before a terminal: no control or bidi character leaves as itself.
pub(crate) fn terminal(out: String) -> String {
    match safe::visible(&out) {
        std::borrow::Cow::Borrowed(_) => out,
        std::borrow::Cow::Owned(safe) => safe,
    }
}

fn num(n: u64) -> Cell {
    Cell::new(n).set_alignment(CellAlignment::Right)
}

fn outcomes_table(a: &Analysis, width: Option<u16>) -> Table {
    let s = &a.summary;
    let mut t = table(width);
    t.set_header(vec![
        "total", "passed", "failed", "errors", "skipped", "xfailed", "xpassed",
    ]);
    t.add_row(vec![
        num(s.total),
        num(s.passed),
        num(s.failed),
        num(s.errors),
        num(s.skipped),
        num(s.xfailed),
        num(s.xpassed),
    ]);
    t
}

fn categories_table(a: &Analysis, width: Option<u16>) -> Table {
    let mut t = table(width);
    t.set_header(vec![
        "category",
        "events",
        "tests",
        "failed tests",
        "hosts",
        "first lines",
    ]);
    for c in &a.categories {
        let hosts: Vec<String> = c
            .hosts
            .iter()
            .take(3)
            .map(|h| format!("{} ({})", h.host, h.events))
            .collect();
        let lines: Vec<String> = c
            .locations
            .iter()
            .take(4)
            .map(|l| loc(a, l.file, l.line))
            .collect();
        t.add_row(vec![
            text_cell(c.id.id()),
            num(c.events),
            num(c.tests),
            num(c.failed_tests),
            text_cell(hosts.join(", ")),
            text_cell(lines.join(" ")),
        ]);
    }
    t
}

/// The text of a `history` field, for a table cell.
fn history_cell(h: Option<&crate::trend::recurrence::Recurrence>) -> Cell {
    text_cell(h.map_or("", |h| h.text.as_str()))
}

fn root_causes_table(a: &Analysis, width: Option<u16>) -> Table {
    let mut t = table(width);
    let mut header = vec!["id", "root cause", "verdict", "failed tests", "events"];
    if a.history.is_some() {
        header.push("history");
    }
    t.set_header(header);
    for rc in &a.rca.root_causes {
        let locus = rc.verdict.locus.id().to_string();
        let confidence = rc.verdict.confidence.id().to_string();
        let failed = if rc.contributing_to.is_empty() {
            rc.failed_tests.len().to_string()
        } else {
            format!(
                "{} (+{} contributing)",
                rc.failed_tests.len(),
                rc.contributing_to.len()
            )
        };
        let mut row = vec![
            text_cell(&rc.id),
            text_cell(&rc.title),
            text_cell(format!("{locus} ({confidence}): {}", rc.verdict.summary)),
            text_cell(failed),
            num(rc.events),
        ];
        if a.history.is_some() {
            row.push(history_cell(rc.history.as_ref()));
        }
        t.add_row(row);
    }
    t
}

fn failing_table(failing: &[&TestReport], history: bool, width: Option<u16>) -> Table {
    let mut t = table(width);
    let mut header = vec!["test", "outcome", "categories", "symptom"];
    if history {
        header.push("history");
    }
    t.set_header(header);
    for f in failing {
        let cats: Vec<&str> = f.categories.iter().map(|c| c.id()).collect();
        let mut row = vec![
            text_cell(&f.nodeid),
            text_cell(&f.outcome),
            text_cell(cats.join(", ")),
            text_cell(f.symptom.as_deref().unwrap_or("")),
        ];
        if history {
            row.push(history_cell(f.history.as_ref()));
        }
        t.add_row(row);
    }
    t
}

fn loc(a: &Analysis, file: u16, line: u64) -> String {
    if a.inputs.len() > 1 {
        let name = a.inputs.get(file as usize).map_or("?", |i| i.path.as_str());
        format!("{name}:{line}")
    } else {
        format!("L{line}")
    }
}
