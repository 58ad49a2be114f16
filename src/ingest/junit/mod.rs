//! Streaming parser for pytest JUnit XML reports (`pytest --junitxml=report.xml`).
//!
//! The parser reads the document event by event with `quick-xml`, so memory use is bounded
//! by the number of test cases (plus the largest single XML event), not by the file size.
//!
//! # What pytest writes
//!
//! pytest 6+ (default `junit_family=xunit2`) writes:
//!
//! ```xml
//! <?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">
//!   <testsuite name="pytest" errors="1" failures="1" skipped="2" tests="5" time="1.234"
//!              timestamp="2025-01-01T12:00:00.000000+00:00" hostname="ci">
//!     <testcase classname="tests.test_x.TestFoo" name="test_y[a-1]" time="0.001" />
//!     <testcase classname="tests.test_x" name="test_fail" time="0.002">
//!       <failure message="assert 1 == 2">traceback...</failure></testcase>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! `junit_family=legacy`/`xunit1` additionally writes `file` and `line` attributes on every
//! `<testcase>` (`line` is pytest's **0-based** line number and is stored as written).
//!
//! # Outcome mapping
//!
//! | children of `<testcase>`                                   | [`Outcome`]          |
//! |------------------------------------------------------------|----------------------|
//! | none                                                       | `Passed`             |
//! | `<failure message="[XPASS(strict)] ...">`                  | `Xpassed`            |
//! | `<failure>` (any other)                                    | `Failed`             |
//! | `<error>` (setup/teardown/collection/internal errors)      | `Error`              |
//! | `<skipped type="pytest.xfail">`                            | `Xfailed`            |
//! | `<skipped message="xfail-marked test passes unexpectedly">`| `Xpassed`            |
//! | `<skipped>` (any other, e.g. `type="pytest.skip"`)         | `Skipped`            |
//!
//! Precedence is failure > error > skipped. An `<error message="failed on teardown with ...">`
//! sets [`JunitCase::teardown_error`] whatever the final outcome is.
//!
//! **Limitation:** pytest reports a non-strict XPASS as a plain passing `<testcase>` with no
//! child element, so such tests come out as [`Outcome::Passed`]; only strict XPASS (reported
//! as a failure) is recognised as [`Outcome::Xpassed`].
//!
//! When a test's call fails *and* its teardown errors, pytest writes two `<testcase>` elements
//! with the same `classname`/`name`: the first with the `<failure>`, the second with the
//! teardown `<error>`. The parser merges the second into the first (outcome stays `Failed`,
//! `teardown_error` becomes `true`, durations are added), so there is one [`JunitCase`] per
//! test, consistent with pytest's own `tests` count. Merging only happens inside one
//! `<testsuite>`.
//!
//! # Robustness
//!
//! * Never panics, whatever the input.
//! * Invalid UTF-8 is replaced with U+FFFD (lossy decoding) before XML parsing.
//! * No DTD processing and no custom entity expansion: only the five predefined XML entities
//!   and character references are resolved; anything else is kept literally (with a warning).
//! * `details` and `message` are truncated to [`MAX_TEXT_BYTES`] (64 KiB).
//! * Non-fatal oddities (unparsable numbers, unknown entities, ...) are collected in
//!   [`JunitRun::warnings`] (at most [`MAX_WARNINGS`] entries).
//! * Malformed or truncated documents yield a [`JunitError`] that carries the cases that were
//!   completely read before the problem ([`JunitError::partial`]).
//!
//! Byte positions in errors count bytes of the input after lossy UTF-8 repair and after any
//! leading UTF-8 BOM; they equal raw input offsets for well-formed UTF-8 input without a BOM.
//!
//! # Layout
//!
//! This file holds the public types and [`parse_junit`]; the parts live beside it: `sniff`
//! ([`looks_like_junit`]), `address` (node id ↔ `classname`/`name`, [`junit_address`]),
//! `lossy` (UTF-8 repair), [`xmlcap`] (cutting overlong runs before the XML reader), `parser`
//! (the element state machine), `attributes` (reading each element's attributes), `case` (a
//! `<testcase>` being read and its outcome), `text` (capped text, entities, snippets).
//!
//! Not here: reading a console log ([`crate::ingest::lines`]), and joining JUnit cases with the
//! tests of a console log, which is the collector's ([`crate::attribute::collect`]).

mod address;
mod attributes;
mod case;
mod lossy;
mod parser;
mod sniff;
mod text;
pub mod xmlcap;

#[cfg(test)]
mod tests;

pub use address::junit_address;
pub use sniff::looks_like_junit;

use crate::model::Outcome;
use lossy::LossyUtf8;
use parser::Parser;
use quick_xml::events::Event;
use quick_xml::reader::Reader;
use serde::Serialize;
use std::fmt;
use std::io::BufRead;
use xmlcap::CapRuns;

/// Maximum size in bytes of [`JunitCase::details`] and [`JunitCase::message`] (64 KiB).
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// Maximum number of entries kept in [`JunitRun::warnings`] (one extra entry summarises the rest).
pub const MAX_WARNINGS: usize = 100;

/// One `<testcase>` element of a pytest JUnit XML report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JunitCase {
    /// The `classname` attribute, e.g. `tests.load.test_x.TestFoo` (empty for module-level
    /// collection errors, where pytest puts the dotted module path in `name`).
    pub classname: String,
    /// The `name` attribute: function name with parameters, e.g. `test_y[a-1]`.
    pub name: String,
    /// The `file` attribute (only written by `junit_family=legacy`/`xunit1`).
    pub file: Option<String>,
    /// The `line` attribute (legacy/xunit1 only; pytest writes a 0-based line number).
    pub line: Option<u32>,
    /// The test outcome derived from the child elements (see the module docs).
    pub outcome: Outcome,
    /// The `time` attribute in seconds (sum of both elements for merged teardown errors).
    pub duration_s: Option<f64>,
    /// The `message` attribute of the `<failure>`, `<error>` or `<skipped>` element that
    /// decided the outcome (truncated to [`MAX_TEXT_BYTES`]).
    pub message: Option<String>,
    /// The text body (traceback) of the deciding `<failure>` or `<error>` element,
    /// truncated to [`MAX_TEXT_BYTES`]. `None` for passed/skipped cases or empty bodies.
    pub details: Option<String>,
    /// True when an `<error message="failed on teardown with ...">` was reported for this
    /// test (either inside this `<testcase>` or in pytest's split second `<testcase>`).
    pub teardown_error: bool,
    /// `<system-out>` of the case (pytest's `junit_logging`: captured log and stdout),
    /// truncated to [`MAX_TEXT_BYTES`].
    pub system_out: Option<String>,
    /// `<system-err>` of the case (captured stderr), truncated to [`MAX_TEXT_BYTES`].
    pub system_err: Option<String>,
    /// `<property name=... value=...>` of the case (`record_property`), at most
    /// [`MAX_PROPERTIES`].
    pub properties: Vec<(String, String)>,
    /// Where the case and its texts start in the XML (1-based line numbers).
    pub lines: CaseLines,
}

/// 1-based line numbers in the XML file of a case and of the texts it holds, so that
/// evidence read from the XML points at its place in the file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CaseLines {
    /// The `<testcase>` start tag.
    pub case: u64,
    /// The deciding `<failure>`/`<error>` tag (its `message` attribute; its body follows).
    pub details: u64,
    /// The `<system-out>` tag.
    pub system_out: u64,
    /// The `<system-err>` tag.
    pub system_err: u64,
}

/// At most this many `<property>` elements are kept per case and per run.
pub const MAX_PROPERTIES: usize = 64;

/// A whole parsed report: every test case of every `<testsuite>` plus the summary counters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct JunitRun {
    /// All test cases in document order (several `<testsuite>` elements all contribute).
    pub cases: Vec<JunitCase>,
    /// `tests` from the root `<testsuites>` if present there, else summed over the
    /// outermost `<testsuite>` elements; `None` when no element carried it.
    pub tests: Option<u64>,
    /// `failures`, aggregated like [`JunitRun::tests`].
    pub failures: Option<u64>,
    /// `errors`, aggregated like [`JunitRun::tests`].
    pub errors: Option<u64>,
    /// `skipped`, aggregated like [`JunitRun::tests`].
    pub skipped: Option<u64>,
    /// `time` in seconds, aggregated like [`JunitRun::tests`] (a sum over suites, which
    /// over-states wall time for suites that ran in parallel).
    pub time_s: Option<f64>,
    /// `timestamp` of the root element if present, else of the first `<testsuite>` having one.
    pub timestamp: Option<String>,
    /// `hostname` of every `<testsuite>` that has one (distinct, in document order).
    pub hostnames: Vec<String>,
    /// Suite-level `<property name=... value=...>` (at most [`MAX_PROPERTIES`]).
    pub properties: Vec<(String, String)>,
    /// Non-fatal problems met while parsing (at most [`MAX_WARNINGS`] + 1 entries).
    pub warnings: Vec<String>,
}

/// Why [`parse_junit`] failed. Every variant displays as one line including a byte position.
#[derive(Debug, Clone, PartialEq)]
pub enum JunitError {
    /// Reading the input failed.
    Io {
        /// Byte position reached when the read failed.
        position: u64,
        /// The I/O error message.
        message: String,
        /// Everything completely parsed before the failure.
        partial: Box<JunitRun>,
    },
    /// The document is not well-formed XML (mismatched tags, broken attributes, ...).
    Malformed {
        /// Byte position of the offending markup.
        position: u64,
        /// What is wrong.
        message: String,
        /// Everything completely parsed before the problem.
        partial: Box<JunitRun>,
    },
    /// The input ended before the document was complete (e.g. pytest was killed while
    /// writing, or the file was cut). `partial` holds every fully read `<testcase>`.
    Truncated {
        /// Byte position where the unfinished construct starts (or the end of input).
        position: u64,
        /// What was left open.
        message: String,
        /// Everything completely parsed before the input ended.
        partial: Box<JunitRun>,
    },
    /// The input is not a JUnit report: empty, not XML, or a root element other than
    /// `<testsuites>`/`<testsuite>`.
    NotJunit {
        /// Byte position of the offending content.
        position: u64,
        /// What was found instead.
        message: String,
    },
}

impl JunitError {
    /// The byte position the error refers to.
    pub fn position(&self) -> u64 {
        match self {
            JunitError::Io { position, .. }
            | JunitError::Malformed { position, .. }
            | JunitError::Truncated { position, .. }
            | JunitError::NotJunit { position, .. } => *position,
        }
    }

    /// The cases (and counters) read before the error, if the document was a JUnit report.
    pub fn partial(&self) -> Option<&JunitRun> {
        match self {
            JunitError::Io { partial, .. }
            | JunitError::Malformed { partial, .. }
            | JunitError::Truncated { partial, .. } => Some(partial),
            JunitError::NotJunit { .. } => None,
        }
    }

    /// Consumes the error, returning the partially parsed run if there is one.
    pub fn into_partial(self) -> Option<JunitRun> {
        match self {
            JunitError::Io { partial, .. }
            | JunitError::Malformed { partial, .. }
            | JunitError::Truncated { partial, .. } => Some(*partial),
            JunitError::NotJunit { .. } => None,
        }
    }
}

impl fmt::Display for JunitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, position, message) = match self {
            JunitError::Io {
                position, message, ..
            } => ("read error", position, message),
            JunitError::Malformed {
                position, message, ..
            } => ("malformed XML", position, message),
            JunitError::Truncated {
                position, message, ..
            } => ("truncated JUnit XML", position, message),
            JunitError::NotJunit { position, message } => {
                ("not a JUnit XML report", position, message)
            }
        };
        write!(f, "{what} at byte {position}: {}", one_line(message))?;
        if let Some(p) = self.partial() {
            write!(f, " ({} complete test cases read)", p.cases.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for JunitError {}

/// Returns `s` with line breaks replaced by spaces and length limited, for one-line messages.
fn one_line(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    if s.chars().nth(300).is_some() {
        out.push('…');
    }
    out
}

/// Parses a pytest JUnit XML report from `reader`, streaming.
///
/// See the module docs for the outcome rules and limits.
///
/// # Errors
///
/// [`JunitError::NotJunit`] for empty input, non-XML content or another root element;
/// [`JunitError::Truncated`], [`JunitError::Malformed`] and [`JunitError::Io`] carry the
/// cases completely read before the problem ([`JunitError::partial`]).
pub fn parse_junit<R: BufRead>(reader: R) -> Result<JunitRun, JunitError> {
    let mut input = LossyUtf8::new(reader);
    // Cheap up-front check so binary garbage is rejected without buffering it.
    let base = markup_start(&mut input)?;
    let mut xml = xml_reader(input);
    let mut parser = Parser::new();
    let mut buf = Vec::new();
    let mut dropped_newlines = 0;
    loop {
        if buf.capacity() > 4 * MAX_TEXT_BYTES {
            buf = Vec::new(); // one big event must not keep its buffer for the rest
        }
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(err) => {
                let position = base + xml.error_position() + xml.get_ref().dropped_bytes();
                return Err(parser.xml_error(err, position));
            }
        };
        let position = base + xml.buffer_position() + xml.get_ref().dropped_bytes();
        match event {
            Event::Eof => return parser.finish(position),
            other => parser.handle(other, position)?,
        }
        let dropped = xml.get_ref().dropped_newlines();
        parser.line += memchr::memchr_iter(b'\n', &buf).count() as u64 + dropped - dropped_newlines;
        dropped_newlines = dropped;
    }
}

/// Skips a leading BOM and whitespace; the byte position of the first markup, or the
/// error for an input that is empty or does not start with markup.
fn markup_start<R: BufRead>(input: &mut LossyUtf8<R>) -> Result<u64, JunitError> {
    let base = match input.skip_bom_and_whitespace() {
        Ok(Some(n)) => n,
        Ok(None) => {
            return Err(JunitError::NotJunit {
                position: 0,
                message: "empty input (no <testsuites> or <testsuite> element)".into(),
            });
        }
        Err(e) => {
            return Err(JunitError::Io {
                position: 0,
                message: e.to_string(),
                partial: Box::default(),
            });
        }
    };
    if input.peek_byte() != Some(b'<') {
        return Err(JunitError::NotJunit {
            position: base,
            message: "content does not start with XML markup".into(),
        });
    }
    Ok(base)
}

/// The XML reader over the repaired input, configured for pytest's reports.
fn xml_reader<R: BufRead>(input: LossyUtf8<R>) -> Reader<CapRuns<LossyUtf8<R>>> {
    // Runs of data longer than anything kept are dropped before the XML reader buffers
    // them; an attribute keeps up to a console line's length, so that a long name is cut
    // (with its hash) the same way as in the log.
    let bounds = xmlcap::Bounds {
        text: MAX_TEXT_BYTES + 4,
        attribute: crate::ingest::lines::MAX_LINE,
    };
    let mut xml = Reader::from_reader(CapRuns::new(input, bounds));
    {
        let cfg = xml.config_mut();
        cfg.trim_text(false);
        cfg.expand_empty_elements = false;
        cfg.check_end_names = true;
        cfg.allow_dangling_amp = true;
    }
    xml
}
