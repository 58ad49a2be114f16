//! The source text of a site as reports and patches show it: the call's lines dedented (at
//! most [`MAX_CODE_LINES`]), and the parts of its first and last line around the call, each
//! bounded. It does not decide what is shown where: the recommendations' patches are
//! [`advice`](crate::source::advice)'s.

use super::index::Index;
use super::{MAX_CODE_LINES, MAX_VALUE_CHARS};
use crate::source::names::cut;

impl<'t> Index<'t> {
    pub(super) fn line_part(&self, from: usize, to: usize) -> String {
        let to = to.max(from);
        let long = to - from > 4 * MAX_VALUE_CHARS;
        let to = if long { from + 4 * MAX_VALUE_CHARS } else { to };
        let text = String::from_utf8_lossy(&self.src[from..to]).replace('\t', "    ");
        cut(text, MAX_VALUE_CHARS, long)
    }

    pub(super) fn line_end(&self, at: usize) -> usize {
        memchr::memchr(b'\n', &self.src[at..]).map_or(self.src.len(), |i| at + i)
    }

    /// Source lines `line..=end`, dedented, tabs as four spaces, at most MAX_CODE_LINES.
    pub(super) fn code(&self, line: u32, end: u32) -> String {
        let from = self.line_starts[line as usize - 1];
        let last = (end as usize).min(line as usize - 1 + MAX_CODE_LINES + 1);
        let to = self
            .line_starts
            .get(last)
            .copied()
            .unwrap_or(self.src.len());
        let text = String::from_utf8_lossy(&self.src[from..to]);
        let lines: Vec<String> = text
            .lines()
            .map(|l| {
                let l = l.replace('\t', "    ").trim_end().to_string();
                cut(l, MAX_VALUE_CHARS, false)
            })
            .collect();
        let indent = lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let mut shown: Vec<String> = lines
            .iter()
            .take(MAX_CODE_LINES)
            .map(|l| l.get(indent..).unwrap_or(l.trim_start()).to_string())
            .collect();
        let total = (end - line + 1) as usize;
        if total > MAX_CODE_LINES {
            shown.push(format!("# ... {} more line(s)", total - MAX_CODE_LINES));
        }
        shown.join("\n")
    }
}
