//! Colour in the text output (anstyle): category ids, verdict loci, priorities and failed
//! outcomes. Whether to colour at all is decided once by the command line
//! (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`, `TERM=dumb`, a terminal or not); here a
//! [`Paint`] that is off returns text unchanged.
//!
//! Colour is added around text that has already been made safe for a terminal
//! ([`super::safe`]): tables are painted after comfy-table has laid them out (so widths stay
//! right), cell by cell, and only the escape sequences written here ever reach the output.
//!
//! It does not decide whether to colour (the command line does) nor lay tables out
//! ([`super::grid`]).

use anstyle::{AnsiColor, Style};

/// Colours the text printer uses, or none.
#[derive(Debug, Clone, Copy, Default)]
pub struct Paint {
    on: bool,
}

fn fg(c: AnsiColor) -> Style {
    Style::new().fg_color(Some(c.into()))
}

impl Paint {
    /// Colours when `on`, plain text otherwise.
    pub fn new(on: bool) -> Paint {
        Paint { on }
    }

    /// Whether colour is written.
    pub fn is_on(self) -> bool {
        self.on
    }

    /// `s` in `style` (unchanged when off or empty).
    pub fn style(self, style: Style, s: &str) -> String {
        if !self.on || s.is_empty() {
            return s.to_string();
        }
        format!("{}{s}{}", style.render(), style.render_reset())
    }

    /// A heading line.
    pub fn heading(self, s: &str) -> String {
        self.style(Style::new().bold(), s)
    }

    /// A category id.
    pub fn category(self, id: &str) -> String {
        self.style(fg(AnsiColor::Cyan), id)
    }

    /// A test outcome: failures and errors in red.
    pub fn outcome(self, o: &str) -> String {
        match o {
            "failed" | "error" => self.style(fg(AnsiColor::Red).bold(), o),
            _ => o.to_string(),
        }
    }

    /// A verdict locus (`infrastructure`, `server capacity`, `client code`, ...).
    pub fn locus(self, locus: &str) -> String {
        let style = match locus {
            "infrastructure" => fg(AnsiColor::Red),
            "server capacity" => fg(AnsiColor::Yellow),
            "client code" => fg(AnsiColor::Magenta),
            "test code" => fg(AnsiColor::Blue),
            _ => Style::new().dimmed(),
        };
        self.style(style.bold(), locus)
    }

    /// A recommendation priority (`now`, `next`, `later`).
    pub fn priority(self, p: &str) -> String {
        let style = match p {
            "now" => fg(AnsiColor::Red).bold(),
            "next" => fg(AnsiColor::Yellow),
            _ => Style::new().dimmed(),
        };
        self.style(style, p)
    }

    /// Comma-separated category ids, each coloured.
    pub fn categories(self, list: &str) -> String {
        list.split(", ")
            .map(|id| {
                if crate::model::Category::from_id(id).is_some() {
                    self.category(id)
                } else {
                    id.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A verdict cell's first line starts with its locus: colour that.
    pub fn verdict(self, cell: &str) -> String {
        for locus in [
            "infrastructure",
            "server capacity",
            "client code",
            "test code",
            "unknown",
        ] {
            if let Some(rest) = cell.strip_prefix(locus)
                && rest.starts_with(" (")
            {
                return format!("{}{rest}", self.locus(locus));
            }
        }
        cell.to_string()
    }

    /// A rendered comfy-table with column `col`'s body cells passed through `f`. A line
    /// whose cells cannot be told apart (a cell holding the separator itself) stays plain.
    pub fn column(self, table: &str, col: usize, f: impl Fn(&str) -> String) -> String {
        if !self.on {
            return table.to_string();
        }
        let mut out = String::with_capacity(table.len() + 256);
        let mut body = false;
        for line in table.split_inclusive('\n') {
            if line.starts_with('╞') {
                body = true;
            }
            if body && line.starts_with('│') {
                out.push_str(&paint_cell(line, col, &f));
            } else {
                out.push_str(line);
            }
        }
        out
    }
}

/// One table line with the content of cell `col` passed through `f`.
fn paint_cell(line: &str, col: usize, f: &impl Fn(&str) -> String) -> String {
    let (body, end) = match line.strip_suffix('\n') {
        Some(b) => (b, "\n"),
        None => (line, ""),
    };
    let Some(inner) = body.strip_prefix('│').and_then(|b| b.strip_suffix('│')) else {
        return line.to_string();
    };
    let mut cells: Vec<String> = inner.split('┆').map(str::to_string).collect();
    let Some(cell) = cells.get_mut(col) else {
        return line.to_string();
    };
    let content = cell.trim();
    if !content.is_empty() {
        let start = cell.find(content).unwrap_or(0);
        let painted = f(content);
        *cell = format!(
            "{}{painted}{}",
            &cell[..start],
            &cell[start + content.len()..]
        );
    }
    format!("│{}│{end}", cells.join("┆"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_is_plain_and_on_wraps_only_the_cell() {
        let table = "┌───┬───┐\n│ a ┆ b │\n╞═══╪═══╡\n│ x ┆ failed │\n└───┴───┘\n";
        assert_eq!(
            Paint::new(false).column(table, 1, |s| Paint::new(true).outcome(s)),
            table
        );
        let p = Paint::new(true);
        let got = p.column(table, 1, |s| p.outcome(s));
        assert!(got.contains("│ a ┆ b │"), "the header stays plain: {got}");
        assert!(got.contains("┆ \u{1b}["), "{got}");
        assert_eq!(anstream::adapter::strip_str(&got).to_string(), table);
    }

    #[test]
    fn verdict_locus_is_coloured() {
        let p = Paint::new(true);
        let v = p.verdict("client code (high): pool too small");
        assert!(v.starts_with("\u{1b}["), "{v}");
        assert!(v.ends_with(" (high): pool too small"), "{v}");
        assert_eq!(
            Paint::new(false).verdict("unknown (low): x"),
            "unknown (low): x"
        );
    }
}
