//! Plain-text output for terminals: outcome totals, categories, root causes and failing
//! tests as comfy-table tables, the top recommendations and the command for the full
//! report, then warnings; with `--history`, a History line first and a history column on
//! root causes and failing tests. On a terminal the tables fit its width without breaking a
//! word ([`super::grid`]); colour ([`super::paint`]) is optional. Log text cannot drive the
//! terminal: every string cell is a [`text_cell`] (control and bidi characters shown as
//! `<U+XXXX>` before comfy-table measures it), every table and line passes [`terminal`]
//! once more, and colour is added only after that.
//!
//! It decides nothing: every count and sentence comes from the analysis (only the share of
//! failed tests is turned into a percentage here); the Markdown and HTML reports are built
//! elsewhere ([`super::view`]).

use crate::facts::TestReport;
use crate::report::Report;
use crate::report::grid::{Grid, GridCell};
use crate::report::paint::Paint;
use crate::report::safe;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

/// How the text is laid out and coloured.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Terminal columns to fit the tables to; `None` when the output goes to a pipe or file
    /// (tables are not wrapped, nothing is cut).
    pub width: Option<u16>,
    /// Colour, or plain text.
    pub paint: Paint,
}

/// Recommendations listed after the tables.
const TOP_RECOMMENDATIONS: usize = 3;

/// Renders the analysis as plain text, fitted to `width` columns (`None`: unwrapped).
pub fn render(a: &Report, width: Option<u16>) -> String {
    render_with(
        a,
        &TextOptions {
            width,
            paint: Paint::default(),
        },
    )
}

/// Renders the analysis as text with `opts`.
pub fn render_with(a: &Report, opts: &TextOptions) -> String {
    let (width, paint) = (opts.width, opts.paint);
    let mut out = headline(a, paint);
    if let Some(h) = &a.history {
        out.push_str(&format!("History: {}\n\n", safe::visible(&h.summary)));
    }
    out.push_str(&terminal(outcomes_table(a, width).to_string()));
    out.push('\n');
    out.push_str(&categories_section(a, paint, width));
    out.push_str(&root_causes_section(a, paint, width));
    out.push_str(&reprobe_section(a, paint, width));
    if let Some(c) = &a.baseline {
        out.push('\n');
        out.push_str(&terminal(super::baseline_run::text(c)));
    }
    if let Some(e) = &a.diagnosis.rca.capacity {
        out.push_str(&format!("\n{}\n", paint.heading("Capacity (from the log)")));
        out.push_str(&capacity_lines(e, width));
    }
    out.push_str(&failing_section(a, paint, width));
    out.push_str(&recommendations(a, paint, width));
    out.push_str(&warnings(a));
    out
}

/// The first line: the tool, how many tests failed of how many, and the errors.
fn headline(a: &Report, paint: Paint) -> String {
    let s = &a.facts.summary;
    let pct = |n: u64| {
        if s.total == 0 {
            0.0
        } else {
            n as f64 * 100.0 / s.total as f64
        }
    };
    let mut out = paint.heading(&format!(
        "rca {}: {} of {} tests failed ({:.0}%), {} error(s)",
        a.tool.version,
        s.failed,
        s.total,
        pct(s.failed),
        s.errors
    ));
    out.push_str("\n\n");
    out
}

/// The failure categories table, or the line saying there is none.
fn categories_section(a: &Report, paint: Paint, width: Option<u16>) -> String {
    if a.facts.categories.is_empty() {
        return "\nNo HTTP-client failure events found.\n".to_string();
    }
    let mut out = format!("\n{}\n", paint.heading("Failure categories"));
    let t = terminal(categories_table(a, width).to_string());
    out.push_str(&paint.column(&t, 0, |c| paint.category(c)));
    out.push('\n');
    out
}

/// The root causes table and their code pointers; empty without root causes.
fn root_causes_section(a: &Report, paint: Paint, width: Option<u16>) -> String {
    if a.diagnosis.rca.root_causes.is_empty() {
        return String::new();
    }
    let head = format!("Root causes: {}", safe::visible(&a.diagnosis.rca.headline));
    let mut out = format!("\n{}\n", paint.heading(&head));
    let t = terminal(root_causes_table(a, width).to_string());
    out.push_str(&paint.column(&t, 2, |v| paint.verdict(v)));
    out.push('\n');
    out.push_str(&code_pointers(a, paint, width));
    out
}

/// The re-probed servers (`--probe`); empty without a re-probe.
fn reprobe_section(a: &Report, paint: Paint, width: Option<u16>) -> String {
    let Some(r) = &a.reprobe else {
        return String::new();
    };
    let reports: Vec<crate::probe::TargetReport> =
        r.targets.iter().map(|t| t.report.clone()).collect();
    let mut out = format!("\n{}\n", paint.heading("Re-probe (now)"));
    out.push_str(&terminal(
        crate::report::probe::targets_table(&reports, width).to_string(),
    ));
    out.push('\n');
    out
}

/// The failed and errored tests; empty when none failed.
fn failing_section(a: &Report, paint: Paint, width: Option<u16>) -> String {
    let failing: Vec<&TestReport> = a
        .facts
        .tests
        .iter()
        .filter(|t| t.outcome == "failed" || t.outcome == "error")
        .collect();
    if failing.is_empty() {
        return String::new();
    }
    let head = format!("Failing tests ({})", failing.len());
    let mut out = format!("\n{}\n", paint.heading(&head));
    let t = terminal(failing_table(&failing, a.history.is_some(), width).to_string());
    let t = paint.column(&t, 1, |o| paint.outcome(o));
    out.push_str(&paint.column(&t, 2, |c| paint.categories(c)));
    out.push('\n');
    out
}

/// The warnings raised while reading; empty without any.
fn warnings(a: &Report) -> String {
    let mut out = String::new();
    if !a.facts.warnings.is_empty() {
        out.push_str("\nWarnings\n");
        for w in &a.facts.warnings {
            out.push_str(&format!("  - {}\n", safe::visible(w)));
        }
    }
    out
}

/// The capacity estimate: its sentence, how it was derived, the levels on one line, and the
/// re-probe comparison when there is one.
fn capacity_lines(e: &crate::diagnose::capacity::CapacityEstimate, width: Option<u16>) -> String {
    let cols = width.map(|w| usize::from(w).saturating_sub(2));
    let levels: Vec<String> = e
        .levels
        .iter()
        .map(|r| match (r.passed, r.failed) {
            (_, 0) => format!("{} passed", r.concurrency),
            (0, _) => format!("{} failed", r.concurrency),
            (p, f) => format!("{} {p} passed/{f} failed", r.concurrency),
        })
        .collect();
    // Beyond a line's worth of levels, the counts (the statement names the knee).
    let levels = if levels.len() <= 12 {
        levels.join(", ")
    } else {
        let failing = e.levels.iter().filter(|r| r.failed > 0).count();
        format!("{} levels, {failing} with failures", e.levels.len())
    };
    let mut lines = vec![
        format!("{} ({} confidence)", e.statement, e.confidence.id()),
        format!("derived from {}: {levels}", e.derived_from),
    ];
    lines.extend(e.reprobe.clone());
    let mut out = String::new();
    for l in lines {
        let text = wrap(&safe::visible(&l), cols).join("\n  ");
        out.push_str(&terminal(format!("  {text}\n")));
    }
    out
}

/// `--source DIR`: each root cause's pointers into the code, `file:line  why`.
fn code_pointers(a: &Report, paint: Paint, width: Option<u16>) -> String {
    let mut out = String::new();
    for rc in a
        .diagnosis
        .rca
        .root_causes
        .iter()
        .filter(|rc| !rc.source_links.is_empty())
    {
        if out.is_empty() {
            out.push_str(&format!("\n{}\n", paint.heading("In the code (--source)")));
        }
        let more = rc.source_links.len().saturating_sub(TOP_POINTERS);
        for l in rc.source_links.iter().take(TOP_POINTERS) {
            let lead = format!("  {} {}:{}  ", rc.id, safe::visible(&l.file), l.line);
            let body = wrap(
                &safe::visible(&l.note),
                width.map(|w| usize::from(w).saturating_sub(lead.len()).max(20)),
            );
            out.push_str(&lead);
            out.push_str(&body.join(&format!("\n{}", " ".repeat(lead.len()))));
            out.push('\n');
        }
        if more > 0 {
            out.push_str(&format!("  {} +{more} more in the full report\n", rc.id));
        }
    }
    out
}

/// Code pointers shown per root cause on the terminal.
const TOP_POINTERS: usize = 3;

/// The most urgent recommendations (titles and priorities), then where the full report is.
fn recommendations(a: &Report, paint: Paint, width: Option<u16>) -> String {
    let mut out = String::new();
    // A setting folded into the consolidated client configuration is that block's line,
    // not a change of its own: one fix per setting.
    let own: Vec<_> = a
        .diagnosis
        .recommendations
        .iter()
        .filter(|r| r.part_of.is_none())
        .collect();
    if !own.is_empty() {
        let shown = own.len().min(TOP_RECOMMENDATIONS);
        let head = format!("Top recommendations ({shown} of {})", own.len());
        out.push_str(&format!("\n{}\n", paint.heading(&head)));
        for (i, r) in own.iter().take(TOP_RECOMMENDATIONS).enumerate() {
            let causes = if r.root_causes.is_empty() {
                String::new()
            } else {
                format!(" ({})", r.root_causes.join(", "))
            };
            let priority = safe::visible(&r.priority);
            let lead = format!("  {}. [{priority}] ", i + 1);
            let text = format!("{}{}", safe::visible(&r.title), safe::visible(&causes));
            let body = wrap(
                &text,
                width.map(|w| usize::from(w).saturating_sub(lead.len())),
            );
            let painted = format!("  {}. [{}] ", i + 1, paint.priority(&priority));
            out.push_str(&painted);
            out.push_str(&body.join(&format!("\n{}", " ".repeat(lead.len()))));
            out.push('\n');
        }
    }
    out.push_str(&format!(
        "\nfull report: rca analyze {} -o rca.md\n",
        safe::visible(&inputs_argument(a))
    ));
    out
}

/// `s` in lines of at most `width` characters, broken between words only (`None`: one
/// line).
fn wrap(s: &str, width: Option<usize>) -> Vec<String> {
    let Some(width) = width.filter(|w| *w >= 20) else {
        return vec![s.to_string()];
    };
    let mut lines = vec![String::new()];
    for word in s.split(' ') {
        let line = lines.last_mut().expect("one line");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// The inputs as a shell argument list (`FILE` for standard input, which cannot be read
/// twice).
fn inputs_argument(a: &Report) -> String {
    let args: Vec<String> = a
        .facts
        .inputs
        .iter()
        .map(|i| {
            if i.path == "<stdin>" {
                "FILE".to_string()
            } else {
                shell_word(&i.path)
            }
        })
        .collect();
    if args.is_empty() {
        "FILE".to_string()
    } else {
        args.join(" ")
    }
}

/// `s` quoted for a POSIX shell when it holds anything but plain path characters.
fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+:,=@%".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// A table in the house style: fitted to a terminal of `width` columns, never wrapped
/// when piped (`None`).
pub(crate) fn table(width: Option<u16>) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    match width {
        // On a terminal, fit the tables to its width (the command line works it out: a
        // terminal that reports 0 columns gets 80).
        Some(w) => {
            t.set_content_arrangement(ContentArrangement::Dynamic);
            t.set_width(w);
        }
        // Piped or written to a file: never wrap, so that lines stay greppable.
        None => {
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

fn outcomes_table(a: &Report, width: Option<u16>) -> Table {
    let s = &a.facts.summary;
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

fn categories_table(a: &Report, width: Option<u16>) -> Table {
    let mut g = Grid::new(&[
        "category",
        "events",
        "tests",
        "failed tests",
        "hosts",
        "first lines",
    ]);
    for c in &a.facts.categories {
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
        g.row(vec![
            GridCell::text(c.id.id()),
            GridCell::num(c.events),
            GridCell::num(c.tests),
            GridCell::num(c.failed_tests),
            GridCell::text(hosts.join(", ")),
            GridCell::text(lines.join(" ")),
        ]);
    }
    g.table(width)
}

/// The text of a `history` field, for a table cell.
fn history_cell(h: Option<&crate::history::trend::recurrence::Recurrence>) -> GridCell {
    GridCell::text(h.map_or("", |h| h.text.as_str()))
}

fn root_causes_table(a: &Report, width: Option<u16>) -> Table {
    let mut header = vec!["id", "root cause", "verdict", "failed tests", "events"];
    if a.history.is_some() {
        header.push("history");
    }
    let mut g = Grid::new(&header).prose(&[1, 2, 5]);
    for rc in &a.diagnosis.rca.root_causes {
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
            GridCell::text(&rc.id),
            GridCell::text(&rc.title),
            GridCell::text(format!("{locus} ({confidence}): {}", rc.verdict.summary)),
            GridCell::text(failed),
            GridCell::num(rc.events),
        ];
        if a.history.is_some() {
            row.push(history_cell(rc.history.as_ref()));
        }
        g.row(row);
    }
    g.table(width)
}

fn failing_table(failing: &[&TestReport], history: bool, width: Option<u16>) -> Table {
    let mut header = vec!["test", "outcome", "categories", "symptom"];
    if history {
        header.push("history");
    }
    let mut g = Grid::new(&header).prose(&[3, 4]);
    for f in failing {
        let cats: Vec<&str> = f.categories.iter().map(|c| c.id()).collect();
        let mut row = vec![
            GridCell::text(&f.nodeid),
            GridCell::text(&f.outcome),
            GridCell::text(cats.join(", ")),
            GridCell::text(f.symptom.as_deref().unwrap_or("")),
        ];
        if history {
            row.push(history_cell(f.history.as_ref()));
        }
        g.row(row);
    }
    g.table(width)
}

fn loc(a: &Report, file: u16, line: u64) -> String {
    if a.facts.inputs.len() > 1 {
        let name = a
            .facts
            .inputs
            .get(file as usize)
            .map_or("?", |i| i.path.as_str());
        format!("{name}:{line}")
    } else {
        format!("L{line}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wrap_between_words_only() {
        let text = "Retry with exponential backoff and jitter, on connect and read errors";
        let lines = wrap(text, Some(24));
        assert!(lines.iter().all(|l| l.chars().count() <= 24), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap(text, None), [text]);
    }

    #[test]
    fn the_full_report_command_can_be_pasted() {
        assert_eq!(shell_word("logs/run-1.log.gz"), "logs/run-1.log.gz");
        assert_eq!(shell_word("my run.log"), "'my run.log'");
        assert_eq!(shell_word("it's.log"), "'it'\\''s.log'");
    }
}
