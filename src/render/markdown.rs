//! Markdown report (askama template `templates/report.md`), modelled on a postmortem:
//! summary, impact, failing tests, one section per root cause, recommendations, timeline and
//! an evidence appendix. Renders on GitHub, GitLab and Jira-flavoured viewers.
//!
//! Log text is untrusted: table cells and prose escape `|`, `<`, `>` and line breaks; code
//! fences are longer than any backtick run inside them. Secrets were redacted upstream.

use crate::analysis::Analysis;
use crate::render::view::{ReportOptions, View, build_view};
use askama::Template;

#[derive(Template)]
#[template(path = "report.md")]
struct Markdown<'a> {
    v: &'a View,
}

/// Renders the Markdown report.
pub fn render(a: &Analysis, opts: &ReportOptions) -> String {
    let view = build_view(a, opts, cell);
    let out = Markdown { v: &view }
        .render()
        .expect("markdown template renders");
    collapse_blank_lines(out)
}

/// Collapses the blank-line runs that template control flow leaves behind.
pub(crate) fn collapse_blank_lines(mut out: String) -> String {
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
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
