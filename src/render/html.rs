//! Self-contained HTML report (askama template `templates/report.html`): inline CSS and SVG,
//! no scripts, no network (a Content-Security-Policy forbids both), readable on a phone and
//! printable, with collapsible evidence. The same content as the Markdown report.
//!
//! Every string from the log goes through askama's HTML escaping; no `|safe` is used.

use crate::analysis::Analysis;
use crate::render::view::{ReportOptions, View, build_view};
use askama::Template;

#[derive(Template)]
#[template(path = "report.html")]
struct Html<'a> {
    v: &'a View,
}

/// Renders the HTML report.
pub fn render(a: &Analysis, opts: &ReportOptions) -> String {
    let view = build_view(a, opts, |s| s.to_string());
    Html { v: &view }.render().expect("html template renders")
}
