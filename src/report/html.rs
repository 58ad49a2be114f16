//! Self-contained HTML report (askama template `templates/report.html`): inline CSS and SVG,
//! no scripts, no network (a Content-Security-Policy forbids both), readable on a phone and
//! printable, with collapsible evidence. The same content as the Markdown report.
//!
//! Every string from the log goes through askama's HTML escaping; no `|safe` is used.
//! Control and bidi characters are shown as `<U+XXXX>` ([`safe`](super::safe)), so a name
//! cannot reorder or hide itself.
//!
//! It does not decide what the report shows: that is the view ([`super::view`]), shared
//! with Markdown; this file only picks the HTML escaper and renders the template.

use crate::report::Report;
use crate::report::safe::{Escaper, visible_owned};
use crate::report::view::{ReportOptions, View, build_view};
use askama::Template;

/// HTML: askama escapes markup at render time; only hidden characters are left to show.
pub const ESCAPE: Escaper = Escaper {
    text: visible_owned,
    code: visible_owned,
    span: visible_owned,
    span_in_cell: visible_owned,
    block: visible_owned,
};

#[derive(Template)]
#[template(path = "report.html")]
struct Html<'a> {
    v: &'a View,
}

/// Renders the HTML report.
pub fn render(a: &Report, opts: &ReportOptions) -> String {
    let view = build_view(a, opts, &ESCAPE);
    Html { v: &view }.render().expect("html template renders")
}
