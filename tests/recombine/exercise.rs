//! One input through the whole of rca: `rca::run::analyze` on files, then every renderer
//! (JSON, text for a terminal and for a pipe, Markdown and HTML in both languages), the way
//! `rca analyze` calls them. Used by the fuzz targets and by `tests/recombined.rs`; an input
//! error is an accepted outcome, a panic is not.

use rca::parse::signatures::SignatureSet;
use rca::report::Report;
use rca::report::i18n::Lang;
use rca::report::{html, json, markdown, text, view::ReportOptions};
use rca::run::{Options, analyze};
use std::path::{Path, PathBuf};

/// Writes `parts` as `dir/input-N.log` (or `.xml` when it starts like XML) and returns their
/// paths for `analyze`.
pub fn write_inputs(dir: &Path, parts: &[&[u8]]) -> Vec<String> {
    parts
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let ext = if bytes.starts_with(b"<?xml") {
                "xml"
            } else {
                "log"
            };
            let path: PathBuf = dir.join(format!("input-{i}.{ext}"));
            std::fs::write(&path, bytes).expect("scratch file writes");
            path.to_string_lossy().into_owned()
        })
        .collect()
}

/// Analyses `paths` and renders every format. Returns the JSON report, or `None` when rca
/// refused the input with an error.
pub fn analyze_and_render(paths: &[String], sigs: &SignatureSet, opts: &Options) -> Option<String> {
    let analysis = analyze(paths, sigs, opts).ok()?;
    Some(render_all(&analysis))
}

/// Renders `a` in every format and checks that the JSON parses; returns the JSON.
pub fn render_all(a: &Report) -> String {
    let doc = json::render(a);
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&doc) {
        panic!("the JSON report does not parse: {e}");
    }
    let _ = text::render(a, None);
    let _ = text::render(a, Some(80));
    for (title, lang) in [
        (None, Lang::En),
        (
            Some("RCA | <b>`title`</b> [x](http://e)".to_string()),
            Lang::He,
        ),
    ] {
        let opts = ReportOptions { title, lang };
        let _ = markdown::render(a, &opts);
        let _ = html::render(a, &opts);
    }
    doc
}
