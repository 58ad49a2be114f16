//! Tables fitted to a terminal without breaking a word: the text printer's layout.
//!
//! comfy-table wraps a cell at spaces, and splits a word only when it is wider than its
//! column. A [`Grid`] first works out, for each column, the width of its longest word
//! (a `host:port`, a test id, a category id), then shrinks the widest columns until the
//! table fits the terminal, cuts only the words still too wide with an ellipsis, and gives
//! every column at least that width: so wrapping happens between words only. Unwrapped
//! (piped or written to a file), the grid is a plain table and nothing is cut.
//!
//! It does not decide the terminal width (the command line does), make cells safe
//! (`text_cell` in [`super::text`]) or colour them ([`super::paint`]).

use super::text::{table, text_cell};
use comfy_table::{Cell, CellAlignment, ColumnConstraint, Table, Width};

/// The narrowest a column is shrunk to (a cut word keeps at least a few characters).
const MIN_COLUMN: usize = 8;
/// Words up to this width (category ids, `host:port`s) are kept whole while anything else
/// can give way.
const KEEP: usize = 22;

/// Border and padding characters a table of `n` columns uses per line.
fn chrome(n: usize) -> usize {
    3 * n + 1
}

/// One cell before layout.
#[derive(Debug, Clone)]
pub(crate) struct GridCell {
    text: String,
    right: bool,
}

impl GridCell {
    /// Log-derived or prose text, left-aligned.
    pub(crate) fn text(s: impl AsRef<str>) -> GridCell {
        GridCell {
            text: super::safe::visible(s.as_ref()).into_owned(),
            right: false,
        }
    }

    /// A number, right-aligned.
    pub(crate) fn num(n: u64) -> GridCell {
        GridCell {
            text: n.to_string(),
            right: true,
        }
    }
}

/// Rows of cells laid out once the terminal width is known.
#[derive(Debug, Default)]
pub(crate) struct Grid {
    header: Vec<String>,
    rows: Vec<Vec<GridCell>>,
    /// Columns of running text (symptoms, verdicts), which give way first.
    prose: Vec<usize>,
}

impl Grid {
    /// A grid with these column headings.
    pub(crate) fn new(header: &[&str]) -> Grid {
        Grid {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            prose: Vec::new(),
        }
    }

    /// Marks columns of running text: they are narrowed first, then the others.
    pub(crate) fn prose(mut self, cols: &[usize]) -> Grid {
        self.prose = cols.to_vec();
        self
    }

    /// Adds a row (as many cells as headings).
    pub(crate) fn row(&mut self, cells: Vec<GridCell>) {
        self.rows.push(cells);
    }

    /// The table: fitted to `width` columns, or unwrapped with `None`.
    pub(crate) fn table(self, width: Option<u16>) -> Table {
        let mut t = table(width);
        t.set_header(self.header.clone());
        let limits = width.map(|w| self.column_limits(w as usize));
        for row in &self.rows {
            let cells = row.iter().enumerate().map(|(c, cell)| {
                let text = match &limits {
                    Some(l) => cut_words(&cell.text, l[c]),
                    None => cell.text.clone(),
                };
                if cell.right {
                    Cell::new(text).set_alignment(CellAlignment::Right)
                } else {
                    text_cell(text)
                }
            });
            t.add_row(cells.collect::<Vec<_>>());
        }
        if let Some(limits) = limits {
            for (c, limit) in limits.iter().enumerate() {
                if let Some(col) = t.column_mut(c) {
                    let w = u16::try_from(limit + 2).unwrap_or(u16::MAX);
                    col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(w)));
                }
            }
        }
        t
    }

    /// Per column, the widest word it may hold: its longest word, narrowed until the table
    /// fits `width`. Prose gives way first (to [`KEEP`], then to [`MIN_COLUMN`]), then
    /// words longer than [`KEEP`] elsewhere (a long test id, cut at the front), then
    /// everything down to [`MIN_COLUMN`]; the widest eligible column shrinks first, and
    /// headings are never cut.
    fn column_limits(&self, width: usize) -> Vec<usize> {
        let n = self.header.len();
        let heading: Vec<usize> = self.header.iter().map(|h| longest_word(h)).collect();
        let mut need: Vec<usize> = (0..n)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|cell| longest_word(&cell.text))
                    .max()
                    .unwrap_or(0)
                    .max(heading[c])
            })
            .collect();
        let available = width.saturating_sub(chrome(n));
        let prose = |c: usize| self.prose.contains(&c);
        let phases: [&dyn Fn(usize) -> Option<usize>; 4] = [
            &|c| prose(c).then_some(KEEP),
            &|c| prose(c).then_some(MIN_COLUMN),
            &|c| (!prose(c)).then_some(KEEP),
            &|_| Some(MIN_COLUMN),
        ];
        for floor_of in phases {
            shrink(&mut need, available, |c| {
                floor_of(c).map(|f| f.max(heading[c]))
            });
        }
        need
    }
}

/// Narrows the widest column above its floor (`None`: not now) by one until the widths
/// fit `available` or no column can give way.
fn shrink(need: &mut [usize], available: usize, floor: impl Fn(usize) -> Option<usize>) {
    while need.iter().sum::<usize>() > available {
        let widest = need
            .iter()
            .enumerate()
            .filter(|(c, w)| floor(*c).is_some_and(|f| **w > f))
            .max_by_key(|(c, w)| (**w, usize::MAX - c));
        match widest {
            Some((c, _)) => need[c] -= 1,
            None => return,
        }
    }
}

/// Display width of a string in terminal columns, as comfy-table measures it (a CJK
/// character takes two).
fn chars(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Display width of one character.
fn char_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

/// The longest space-separated word.
fn longest_word(s: &str) -> usize {
    s.split([' ', '\n']).map(chars).max().unwrap_or(0)
}

/// `s` with every word wider than `limit` cut to `limit` characters with an ellipsis. A
/// test id (`file.py::test[param]`) keeps its end, where the test's name is; other words
/// keep their start (a `host:port`, a URL).
pub(crate) fn cut_words(s: &str, limit: usize) -> String {
    if longest_word(s) <= limit {
        return s.to_string();
    }
    s.split(' ')
        .map(|w| cut_word(w, limit))
        .collect::<Vec<_>>()
        .join(" ")
}

fn cut_word(w: &str, limit: usize) -> String {
    let n = chars(w);
    if n <= limit || limit == 0 {
        return w.to_string();
    }
    let keep = limit - 1;
    let fit = |chars: &mut dyn Iterator<Item = char>| {
        let mut used = 0;
        let mut out = Vec::new();
        for c in chars {
            used += char_width(c);
            if used > keep {
                break;
            }
            out.push(c);
        }
        out
    };
    if w.contains("::") {
        let mut tail = fit(&mut w.chars().rev());
        tail.reverse();
        format!("…{}", tail.into_iter().collect::<String>())
    } else {
        format!("{}…", fit(&mut w.chars()).into_iter().collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_cut_with_an_ellipsis_at_the_less_telling_end() {
        assert_eq!(
            cut_words("127.0.0.1:54789 (282)", 40),
            "127.0.0.1:54789 (282)"
        );
        assert_eq!(cut_words("https://example.internal/x", 10), "https://e…");
        assert_eq!(
            cut_words("tests/load/test_a.py::test_heavy", 12),
            "…:test_heavy"
        );
        assert_eq!(chars(&cut_words("tests/a.py::test_b[1-2]", 9)), 9);
        let wide = cut_words("tests/t.py::test_名前付きのテスト", 12);
        assert!(chars(&wide) <= 12, "{wide}");
        assert!(wide.starts_with('…') && wide.ends_with("テスト"), "{wide}");
    }

    fn test_and(header: &str, other: &str) -> Grid {
        let mut g = Grid::new(&["test", header]);
        g.row(vec![
            GridCell::text("tests/load/test_job_capacity.py::test_heavy_config_concurrent"),
            GridCell::text(other),
        ]);
        g
    }

    #[test]
    fn the_widest_columns_shrink_until_the_table_fits() {
        let limits = test_and("outcome", "failed").column_limits(40);
        assert_eq!(limits[1], 7, "the heading is never cut");
        assert_eq!(limits.iter().sum::<usize>() + chrome(2), 40);
        let g = test_and("symptom", "deadline hit on POST /focus-server/configure").prose(&[1]);
        let limits = g.column_limits(60);
        assert_eq!(
            limits,
            [60 - chrome(2) - MIN_COLUMN, MIN_COLUMN],
            "prose gives way first"
        );
        let rendered = test_and("outcome", "failed").table(Some(40)).to_string();
        assert!(rendered.lines().all(|l| chars(l) <= 40), "{rendered}");
        assert!(rendered.contains("…"), "{rendered}");
        assert!(
            rendered.contains("…t_heavy_config_concurrent ┆"),
            "{rendered}"
        );
    }
}
