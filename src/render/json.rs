//! JSON output: the analysis serialised as the versioned document described in README.md.

use crate::analysis::Analysis;

/// Pretty-printed JSON with a trailing newline.
pub fn render(a: &Analysis) -> String {
    let mut s = serde_json::to_string_pretty(a).expect("analysis serialises");
    s.push('\n');
    s
}
