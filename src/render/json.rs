//! JSON output: the analysis serialised as the versioned document described in README.md.
//! Strings keep exactly what the log said; control, bidi and invisible characters are
//! written as `\uXXXX` escapes ([`safe::json`](super::safe::json)), so the document itself
//! is safe to print on a terminal and a name cannot disguise itself in an editor.

use crate::analysis::Analysis;
use crate::checklist::{self, Item};
use serde::Serialize;

/// The document: the analysis and, derived from its recommendations, the closing
/// `checklist`.
#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    analysis: &'a Analysis,
    checklist: Vec<Item>,
}

/// Pretty-printed JSON with a trailing newline.
pub fn render(a: &Analysis) -> String {
    let doc = Document {
        analysis: a,
        checklist: checklist::build(&a.recommendations),
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("analysis serialises");
    s.push('\n');
    super::safe::json(s)
}
