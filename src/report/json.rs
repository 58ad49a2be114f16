//! JSON output: the analysis serialised as the versioned document described in README.md.
//! Strings keep exactly what the log said; control, bidi and invisible characters are
//! written as `\uXXXX` escapes ([`safe::json`](super::safe::json)), so the document itself
//! is safe to print on a terminal and a name cannot disguise itself in an editor.

//!
//! [`write`] streams the document to a writer as it is serialised (a 100k-test report is
//! never held as one string); [`render`] gives the same bytes as a `String`.
//!
//! It does not shape the fields: they are the analysis' own serialisation (and the
//! checklist's, [`crate::checklist`]); nothing is computed or translated here.

use crate::analysis::Analysis;
use crate::diagnose::checklist::{self, Item};
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use std::io::{self, Write};

/// Pretty-printed JSON with a trailing newline.
pub fn render(a: &Analysis) -> String {
    let mut out = Vec::new();
    write(a, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// The document: the analysis and, derived from its recommendations, the closing
/// `checklist` (its schema is what `rca schema` prints).
#[derive(Serialize, schemars::JsonSchema)]
pub struct Document<'a> {
    #[serde(flatten)]
    analysis: &'a Analysis,
    checklist: Vec<Item>,
}

/// Writes the pretty-printed document and a trailing newline to `w`.
pub fn write<W: Write>(a: &Analysis, w: W) -> io::Result<()> {
    let doc = Document {
        analysis: a,
        checklist: checklist::build(&a.recommendations),
    };
    to_writer(&doc, w)
}

/// Any serialisable value, pretty-printed with hidden characters escaped, then a newline.
pub fn to_writer<T: Serialize, W: Write>(value: &T, mut w: W) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut w, Safe(PrettyFormatter::new()));
    value.serialize(&mut ser).map_err(io::Error::other)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// serde_json's pretty printer, with the hidden characters serde leaves raw in strings
/// written as `\uXXXX` escapes ([`safe::json`](super::safe::json), while streaming).
struct Safe<'a>(PrettyFormatter<'a>);

impl Formatter for Safe<'_> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        w.write_all(super::safe::json_fragment(fragment).as_bytes())
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_output_escapes_like_the_string_sanitiser() {
        let value = serde_json::json!({
            "name": "test_\u{202e}gpj.exe[\u{200b}]",
            "nested": [{"k": "a\u{1b}[31m\u{7f}b"}, 1, null],
            "plain": "ok"
        });
        let mut streamed = Vec::new();
        to_writer(&value, &mut streamed).unwrap();
        let mut whole = serde_json::to_string_pretty(&value).unwrap();
        whole.push('\n');
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            super::super::safe::json(whole)
        );
    }
}
