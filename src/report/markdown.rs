//! Markdown report (askama template `templates/report.md`), modelled on a postmortem:
//! summary, impact, failing tests, one section per root cause, recommendations, timeline and
//! an evidence appendix. Renders on GitHub, GitLab and Jira-flavoured viewers.
//!
//! Log text is untrusted and must not become markup, links or images, in the report or in
//! the GitHub step summary: prose and table cells ([`cell`]) escape `\`, `|`, `[`, `]`, `<`,
//! `>`, `&` and line breaks, so `[text](url)`, `![](url)`, `<http://...>` autolinks, raw HTML
//! and character references (`&#x202E;`) stay text; inside code spans ([`code`]) only `|`,
//! backticks and line breaks need it; code fences are longer than any backtick run
//! inside them. Control and bidi characters are shown as `<U+XXXX>` everywhere
//! ([`safe`](super::safe)). Bare URLs may still be autolinked by GitHub; their text is their
//! target. Secrets were redacted upstream.
//!
//! It does not decide what the report shows (that is the view, [`super::view`], shared with
//! HTML) nor redact secrets ([`crate::redact`]); it owns the Markdown escaping and the render.

use crate::report::Report;
use crate::report::safe::{Escaper, visible, visible_owned};
use crate::report::view::{ReportOptions, View, build_view};
use askama::Template;

/// Where Markdown puts log text: prose and cells, code spans, code blocks.
pub const ESCAPE: Escaper = Escaper {
    text: cell,
    code,
    span,
    span_in_cell,
    block: visible_owned,
};

#[derive(Template)]
#[template(path = "report.md")]
struct Markdown<'a> {
    v: &'a View,
}

/// Renders the Markdown report.
pub fn render(a: &Report, opts: &ReportOptions) -> String {
    let view = build_view(a, opts, &ESCAPE);
    let out = Markdown { v: &view }
        .render()
        .expect("markdown template renders");
    rtl_wrapped(collapse_blank_lines(out), view.dir)
}

/// A right-to-left report inside `<div dir="rtl">`, with blank lines around the content so
/// that GitHub still renders the Markdown inside the HTML block.
fn rtl_wrapped(out: String, dir: &str) -> String {
    if dir != "rtl" {
        return out;
    }
    format!("<div dir=\"rtl\">\n\n{}\n\n</div>\n", out.trim_end())
}

/// Collapses the blank-line runs that template control flow leaves behind.
pub(crate) fn collapse_blank_lines(mut out: String) -> String {
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
}

/// Escapes text for a Markdown table cell or a line of prose: no markup, link, image,
/// autolink, raw HTML or character reference survives.
pub fn cell(text: &str) -> String {
    let text = visible(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push(' '),
            '`' => out.push('\''),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text for an inline code span, where Markdown, HTML and character references are
/// inert (CommonMark shows `<` and `&` as they are) but `|` still splits a table row and a
/// backtick would end the span.
pub fn code(text: &str) -> String {
    let text = visible(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' => out.push(' '),
            '`' => out.push('\''),
            _ => out.push(c),
        }
    }
    out
}

/// A whole code span in prose: the text as it is (hidden characters shown, line breaks as
/// spaces) between backtick fences longer than any backtick run in it.
pub fn span(text: &str) -> String {
    code_span(text, false)
}

/// A whole code span in a table cell: as [`span`], with `|` written `\|` (GFM splits cells
/// before it reads code spans, and drops the backslash inside them).
pub fn span_in_cell(text: &str) -> String {
    code_span(text, true)
}

fn code_span(text: &str, in_cell: bool) -> String {
    let text = visible(text).replace('\n', " ");
    let text = if in_cell {
        text.replace('|', "\\|")
    } else {
        text
    };
    if text.is_empty() {
        return String::new();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick, or with a space at both ends, is padded:
    // CommonMark strips one space from each side of such content.
    let pad = text.starts_with('`')
        || text.ends_with('`')
        || (text.starts_with(' ') && text.ends_with(' ') && text.trim() != "");
    let pad = if pad { " " } else { "" };
    format!("{ticks}{pad}{text}{pad}{ticks}")
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
    fn cells_cannot_link_embed_or_hide() {
        assert_eq!(
            cell("see [docs](http://evil/) ![x](http://evil/t.png)"),
            "see \\[docs\\](http://evil/) !\\[x\\](http://evil/t.png)"
        );
        assert_eq!(cell("<http://evil/>"), "&lt;http://evil/&gt;");
        assert_eq!(cell("&#x202E; \\[x]"), "&amp;#x202E; \\\\\\[x\\]");
        assert_eq!(
            cell("a\u{202e}b\x1b[2J"),
            "a&lt;U+202E&gt;b&lt;U+001B&gt;\\[2J"
        );
    }

    #[test]
    fn code_spans_keep_brackets_but_not_pipes_or_ticks() {
        assert_eq!(code("t[a|b]`x`"), "t[a\\|b]'x'");
        assert_eq!(code("t[\u{202e}]<b>"), "t[<U+202E>]<b>");
    }

    #[test]
    fn spans_keep_the_text_and_outgrow_its_backticks() {
        assert_eq!(span("t[a|b]<x>&amp;"), "`t[a|b]<x>&amp;`");
        assert_eq!(span_in_cell("a|b"), "`a\\|b`");
        assert_eq!(span("a`b"), "``a`b``");
        assert_eq!(span("`x``"), "``` `x`` ```");
        assert_eq!(span("two\nlines\u{202e}"), "`two lines<U+202E>`");
        assert_eq!(span(""), "");
    }

    #[test]
    fn fences_outgrow_backtick_runs() {
        assert_eq!(fence(&["plain"]), "```");
        assert_eq!(fence(&["has ```` four"]), "`````");
    }
}
