//! JSON output: the analysis serialised as the versioned document described in README.md.
//! Strings keep exactly what the log said; control, bidi and invisible characters are
//! written as `\uXXXX` escapes ([`safe::json`](super::safe::json)), so the document itself
//! is safe to print on a terminal and a name cannot disguise itself in an editor.

use crate::analysis::Analysis;

/// Pretty-printed JSON with a trailing newline.
pub fn render(a: &Analysis) -> String {
    let mut s = serde_json::to_string_pretty(a).expect("analysis serialises");
    s.push('\n');
    super::safe::json(s)
}
