//! The report's content, independent of its format: built once from an [`Report`] and
//! rendered by the Markdown and HTML templates, so that both show the same things. This is
//! where log text enters both reports: each string goes through the format's [`Escaper`]
//! for the place it lands (prose, code span, code block), here and nowhere else.
//!
//! This file holds the [`View`] and [`build_view`], which puts together one function per
//! section (one file per group of sections). It computes no number and decides nothing:
//! every count, verdict and sentence comes from the [`Report`]; the templates lay it out.

use crate::report::Report;
use crate::report::i18n::{Labels, Lang, translate};
use crate::report::safe::Escaper;

mod appendix;
mod capacity;
mod causes;
mod impact;
mod recommendations;
mod summary;
mod timeline;

pub use appendix::FindingRow;
pub use capacity::{CapacityRow, CapacityView, ReprobeRow};
pub use causes::{CauseView, CheckRow, CodeRow, EVIDENCE_WIDTH, OutageView, cut_evidence};
pub use impact::{CategoryRow, FailingRow};
pub use recommendations::{ChecklistGroup, ChecklistRow, PartNote, RecGroup, RecView, SettingRow};
pub use timeline::{SvgCell, SvgRow, SvgTick, SvgTimeline, TimelineRow};

/// Options for reports.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Report title (default: "RCA: pytest run <date>, <failed>/<total> failed").
    pub title: Option<String>,
    /// Report language.
    pub lang: Lang,
}

/// Everything a report shows, already formatted; log-derived strings are escaped by the
/// format's [`Escaper`] (for HTML only hidden characters, the template engine does the rest).
pub struct View {
    pub title: String,
    pub headline: String,
    pub version: String,
    pub inputs: Vec<String>,
    /// When the run happened, the servers the log names, the tool (translated, escaped).
    pub run_line: String,
    pub total: u64,
    pub passed: u64,
    pub failed: u64,
    pub errors: u64,
    pub skipped: u64,
    pub xfailed: u64,
    pub xpassed: u64,
    pub failed_pct: String,
    pub unexplained: usize,
    pub categories: Vec<CategoryRow>,
    pub failing: Vec<FailingRow>,
    pub causes: Vec<CauseView>,
    pub rec_groups: Vec<RecGroup>,
    /// The closing checklist, by owner.
    pub checklist: Vec<ChecklistGroup>,
    pub timeline: Vec<TimelineRow>,
    pub findings: Vec<FindingRow>,
    pub warnings: Vec<String>,
    pub svg: SvgTimeline,
    /// Re-probe rows (`rca analyze --probe`); empty without it.
    pub reprobe: Vec<ReprobeRow>,
    /// The capacity estimate from the log's load levels; `None` when no test shows a level.
    pub capacity: Option<CapacityView>,
    /// The run against its history (`rca analyze --history`); empty without it.
    pub history: String,
    /// The run against a baseline run (`rca analyze --baseline`); not shown without it.
    pub baseline: super::baseline_run::BaselineView,
    /// Fixed wording in the report's language.
    pub l: Labels,
    /// `en` / `he`.
    pub lang: &'static str,
    /// `ltr` / `rtl`.
    pub dir: &'static str,
}

/// A sentence the analysis wrote, in the report's language, then escaped.
type Tr<'a> = &'a dyn Fn(&str) -> String;

/// An epoch second as `YYYY-MM-DD HH:MM:SS` (UTC), or the number when out of range.
fn when(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| epoch.to_string())
}

/// Builds the report view; `escaper` escapes every string taken from the log.
pub fn build_view(a: &Report, opts: &ReportOptions, escaper: &Escaper) -> View {
    let esc = escaper.text;
    let s = &a.facts.summary;
    let lang = opts.lang;
    let l = Labels::of(lang);
    // Sentences the analysis wrote, in the report's language, then escaped.
    let tr = |text: &str| esc(&translate(lang, text));
    View {
        reprobe: capacity::reprobe_rows(a, lang, escaper),
        baseline: super::baseline_run::view(a, lang, escaper),
        capacity: capacity::capacity_view(a, lang, escaper),
        history: summary::history(a, &tr),
        title: summary::title(a, opts, esc),
        headline: summary::headline(a, lang, esc),
        version: a.tool.version.to_string(),
        inputs: a
            .facts
            .inputs
            .iter()
            .map(|i| (escaper.span)(&i.path))
            .collect(),
        run_line: tr(&super::header::run_line(a)),
        total: s.total,
        passed: s.passed,
        failed: s.failed,
        errors: s.errors,
        skipped: s.skipped,
        xfailed: s.xfailed,
        xpassed: s.xpassed,
        failed_pct: summary::failed_pct(s),
        unexplained: a.diagnosis.rca.unexplained_failures.len(),
        categories: impact::category_rows(a, esc),
        failing: impact::failing_rows(a, lang, escaper, &tr),
        causes: causes::cause_views(a, lang, escaper, &tr),
        rec_groups: recommendations::rec_groups(a, lang, &l, escaper),
        checklist: recommendations::checklist_groups(a, lang, &l, escaper),
        timeline: timeline::timeline_rows(a, lang),
        findings: appendix::finding_rows(a, escaper.span_in_cell),
        warnings: appendix::warnings(a, esc),
        svg: timeline::svg_timeline(a, l.events_word),
        lang: lang.code(),
        dir: lang.dir(),
        l,
    }
}
