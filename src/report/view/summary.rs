//! The head of the report view: its title, the headline, the run line and the Summary
//! counts' share of failures, and the run against its history (`rca analyze --history`).
//!
//! It does not count: the totals and the headline come from the analysis, the default title
//! and the run line from [`crate::report::header`]; here they are translated and escaped.

use super::{ReportOptions, Tr};
use crate::facts::Summary;
use crate::report::Report;
use crate::report::i18n::{Lang, translate};

/// The title given, else the default one; escaped.
pub(super) fn title(a: &Report, opts: &ReportOptions, esc: fn(&str) -> String) -> String {
    let title = opts
        .title
        .clone()
        .unwrap_or_else(|| crate::report::header::default_title(a));
    esc(&title)
}

/// The headline in the report's language, with an arrow for `->`.
pub(super) fn headline(a: &Report, lang: Lang, esc: fn(&str) -> String) -> String {
    esc(&translate(lang, &a.diagnosis.rca.headline).replace("->", "→"))
}

/// The share of failed tests, rounded to a whole percent.
pub(super) fn failed_pct(s: &Summary) -> String {
    if s.total == 0 {
        "0%".to_string()
    } else {
        format!("{:.0}%", s.failed as f64 * 100.0 / s.total as f64)
    }
}

/// The run against its history; empty without `--history`.
pub(super) fn history(a: &Report, tr: Tr<'_>) -> String {
    a.history
        .as_ref()
        .map(|h| tr(&h.summary))
        .unwrap_or_default()
}
