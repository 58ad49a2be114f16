//! Where a report goes and in what shape: the format (`--format`, else the `-o` extension,
//! else text, on a terminal and on a pipe alike), the terminal width tables are fitted to,
//! and writing the bytes (a closed pipe is not an error). It does not render reports: the
//! printers are [`crate::report`]'s, this module only picks their format and destination.

use std::io::{IsTerminal, Write};

/// Report formats of `analyze` and `trend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Format {
    /// Tables for a terminal (the default, also on a pipe).
    Text,
    /// The versioned JSON document (`rca schema` describes it).
    Json,
    /// Markdown report (root causes, recommendations, timeline, evidence).
    Md,
    /// Self-contained HTML report (the Markdown report's content, inline CSS and SVG).
    Html,
}

/// The extensions `-o` understands, for the error that lists them.
pub(super) const KNOWN_EXTENSIONS: &str = ".txt, .text, .json, .md, .markdown, .html, .htm";

/// The format an output file's extension asks for; an extension rca does not write is an
/// error (a file without one, or `-`, is text).
pub(super) fn format_from_extension(path: &str) -> Result<Option<Format>, String> {
    if path == "-" {
        return Ok(None);
    }
    let Some(ext) = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
    else {
        return Ok(None);
    };
    match ext.as_str() {
        "json" => Ok(Some(Format::Json)),
        "md" | "markdown" => Ok(Some(Format::Md)),
        "txt" | "text" => Ok(Some(Format::Text)),
        "html" | "htm" => Ok(Some(Format::Html)),
        _ => Err(format!(
            "-o {path}: rca does not write .{ext} files (known: {KNOWN_EXTENSIONS}; or give --format)"
        )),
    }
}

/// The output format: `--format`, else the `-o` file's extension, else text; with whether
/// the output goes to a terminal.
pub(super) fn choose_format(
    format: Option<Format>,
    output: Option<&str>,
) -> Result<(Format, bool), String> {
    let to_terminal = output.is_none_or(|o| o == "-") && std::io::stdout().is_terminal();
    let from_extension = match (format, output) {
        (None, Some(path)) => format_from_extension(path)?,
        _ => None,
    };
    Ok((
        format.or(from_extension).unwrap_or(Format::Text),
        to_terminal,
    ))
}

/// Columns assumed when a terminal does not say (or says 0, as under `script` or some CI
/// wrappers).
pub(super) const FALLBACK_COLUMNS: u16 = 80;

/// The width text tables are fitted to: the terminal's, else `COLUMNS`, else 80; `None`
/// when the output is not a terminal (tables are not wrapped).
pub(super) fn terminal_width(to_terminal: bool) -> Option<u16> {
    if !to_terminal {
        return None;
    }
    let reported = terminal_size::terminal_size_of(std::io::stdout())
        .map(|(w, _)| w.0)
        .filter(|w| *w > 0);
    let from_env = super::env::read()
        .var("COLUMNS")
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|w| *w > 0);
    Some(reported.or(from_env).unwrap_or(FALLBACK_COLUMNS))
}

/// Writes `text` to `path`, or to standard output for none or `-`.
pub(super) fn write_output(path: Option<&str>, text: &str) -> Result<(), String> {
    match path {
        None | Some("-") => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                // A closed pipe (`rca ... | head`) is not an error worth reporting.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write output: {e}")),
            }
        }
        Some(p) => std::fs::write(p, text).map_err(|e| format!("{p}: cannot write report: {e}")),
    }
}

/// Like [`write_output`], for a report written piece by piece as it is produced.
pub(super) fn stream_output(
    path: Option<&str>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    match path {
        None | Some("-") => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            match write(&mut out) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write output: {e}")),
            }
        }
        Some(p) => {
            let file =
                std::fs::File::create(p).map_err(|e| format!("{p}: cannot write report: {e}"))?;
            let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
            write(&mut out).map_err(|e| format!("{p}: cannot write report: {e}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_pick_formats_and_unknown_ones_are_refused() {
        assert_eq!(format_from_extension("r.JSON"), Ok(Some(Format::Json)));
        assert_eq!(format_from_extension("r.htm"), Ok(Some(Format::Html)));
        assert_eq!(format_from_extension("report"), Ok(None));
        assert_eq!(format_from_extension("-"), Ok(None));
        let err = format_from_extension("report.xml").unwrap_err();
        assert!(
            err.contains(".xml") && err.contains(KNOWN_EXTENSIONS),
            "{err}"
        );
    }

    #[test]
    fn text_is_the_default_without_a_terminal_too() {
        assert_eq!(choose_format(None, None).unwrap().0, Format::Text);
        assert_eq!(choose_format(None, Some("a.json")).unwrap().0, Format::Json);
        assert_eq!(
            choose_format(Some(Format::Md), Some("a.json")).unwrap().0,
            Format::Md
        );
        assert!(choose_format(None, Some("a.xml")).is_err());
        assert!(choose_format(Some(Format::Json), Some("a.xml")).is_ok());
    }
}
