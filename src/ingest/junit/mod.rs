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

pub mod xmlcap;

use crate::model::Outcome;
use quick_xml::XmlVersion;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::io::{self, BufRead, Read};

/// Maximum size in bytes of [`JunitCase::details`] and [`JunitCase::message`] (64 KiB).
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// Maximum number of entries kept in [`JunitRun::warnings`] (one extra entry summarises the rest).
pub const MAX_WARNINGS: usize = 100;

/// Marker appended to text that was cut at [`MAX_TEXT_BYTES`].
const TRUNCATION_MARKER: &str = "\n[... truncated by rca: text exceeded 64 KiB]";

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

impl JunitRun {
    /// Returns the first case that [`JunitCase::matches_nodeid`] the given pytest node id.
    ///
    /// If none matches exactly, falls back to the single case (if exactly one) whose
    /// classname is `<prefix>.<expected classname>`, as written with `--junit-prefix`.
    pub fn find_nodeid(&self, nodeid: &str) -> Option<&JunitCase> {
        let (classname, name) = junit_address(nodeid);
        if let Some(c) = self
            .cases
            .iter()
            .find(|c| c.name == name && c.classname == classname)
        {
            return Some(c);
        }
        if classname.is_empty() {
            return None;
        }
        let mut prefixed = self.cases.iter().filter(|c| {
            c.name == name
                && c.classname
                    .strip_suffix(classname.as_str())
                    .is_some_and(|p| p.len() > 1 && p.ends_with('.'))
        });
        match (prefixed.next(), prefixed.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }
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

/// Content sniffing: true if `head` (the first few KiB of a file) looks like a JUnit report.
///
/// Accepts an optional UTF-8 BOM and whitespace, then any number of `<?...?>` (including the
/// XML declaration), `<!--...-->` comments and `<!DOCTYPE ...>`, then a `<testsuites` or
/// `<testsuite` start tag (which may be cut off by the end of `head`). Returns false when the
/// prolog does not end within `head`.
pub fn looks_like_junit(head: &[u8]) -> bool {
    let mut s = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    loop {
        s = trim_ascii_ws_start(s);
        if s.starts_with(b"<?") {
            match find(s, b"?>") {
                Some(i) => s = &s[i + 2..],
                None => return false,
            }
        } else if s.starts_with(b"<!--") {
            match find(&s[4..], b"-->") {
                Some(i) => s = &s[4 + i + 3..],
                None => return false,
            }
        } else if s.len() >= 9 && s[..9].eq_ignore_ascii_case(b"<!DOCTYPE") {
            match skip_doctype(s) {
                Some(rest) => s = rest,
                None => return false,
            }
        } else {
            break;
        }
    }
    for tag in [&b"<testsuites"[..], &b"<testsuite"[..]] {
        if let Some(rest) = s.strip_prefix(tag) {
            match rest.first() {
                None => return true,
                Some(b) if b.is_ascii_whitespace() || *b == b'>' || *b == b'/' => return true,
                _ => {}
            }
        }
    }
    false
}

/// Skips a `<!DOCTYPE ...>` declaration (with an optional `[...]` internal subset).
fn skip_doctype(s: &[u8]) -> Option<&[u8]> {
    let mut in_subset = false;
    let mut quote: Option<u8> = None;
    for (i, &b) in s.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'[' => in_subset = true,
                b']' => in_subset = false,
                b'>' if !in_subset => return Some(&s[i + 1..]),
                _ => {}
            },
        }
    }
    None
}

fn trim_ascii_ws_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The `(classname, name)` pair pytest's junitxml plugin writes for a node id.
///
/// Mirrors pytest's `mangle_test_address`: the id is split at the first `[` (so parameters
/// may contain `.`, `/` or `::`), the path part is split at `::`, the file path's `/` become
/// `.` and a trailing `.py` is dropped; the last part plus the parameters is the name (with
/// characters illegal in XML visually escaped like pytest's `bin_xml_escape`), the rest
/// joined with `.` is the classname. A `junit_prefix` is not included.
///
/// `"tests/load/test_x.py::TestFoo::test_y[a-1]"` gives `("tests.load.test_x.TestFoo", "test_y[a-1]")`.
pub fn junit_address(nodeid: &str) -> (String, String) {
    let nodeid = nodeid.trim();
    let (path, params) = match nodeid.find('[') {
        Some(i) => nodeid.split_at(i),
        None => (nodeid, ""),
    };
    let mut names: Vec<String> = path.split("::").map(str::to_owned).collect();
    // `split` always yields at least one element.
    if let Some(first) = names.first_mut() {
        let dotted = first.replace('/', ".");
        *first = match dotted.strip_suffix(".py") {
            Some(s) => s.to_owned(),
            None => dotted,
        };
    }
    let mut name = names.pop().unwrap_or_default();
    name.push_str(params);
    (cap_id(names.join(".")), cap_id(bin_xml_escape(&name)))
}

/// Names as [`crate::ingest::bounds`] keeps them, the same from the XML and from a node id.
fn cap_id(s: String) -> String {
    crate::ingest::bounds::cap_owned(s, crate::ingest::bounds::MAX_ID)
}

/// pytest's `bin_xml_escape`: characters not allowed in XML (and DEL) become `#xNN`.
fn bin_xml_escape(s: &str) -> String {
    let legal = |c: char| matches!(c as u32, 0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x80..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF);
    if s.chars().all(legal) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if legal(c) {
            out.push(c);
        } else if (c as u32) <= 0xFF {
            out.push_str(&format!("#x{:02X}", c as u32));
        } else {
            out.push_str(&format!("#x{:04X}", c as u32));
        }
    }
    out
}

impl JunitCase {
    /// True if this case is the one pytest wrote for `nodeid`
    /// (e.g. `tests/load/test_x.py::TestFoo::test_y[a-1]`).
    ///
    /// Exact comparison against [`junit_address`]`(nodeid)`: both `classname` and `name` must be
    /// equal. This does not depend on `junit_family`: pytest derives `classname`/`name` from
    /// the node id in every family, and the legacy `file` attribute (the *definition*
    /// location, which differs from the node id for inherited tests) is deliberately not
    /// consulted. Reports written with `--junit-prefix` do not match; see
    /// [`JunitRun::find_nodeid`] for a prefix-tolerant lookup.
    pub fn matches_nodeid(&self, nodeid: &str) -> bool {
        let (classname, name) = junit_address(nodeid);
        self.name == name && self.classname == classname
    }

    /// Best-effort reconstruction of the pytest node id, e.g. `tests/load/test_x.py::TestFoo::test_y[a-1]`.
    ///
    /// With a legacy `file` attribute whose dotted form prefixes the classname, the module path
    /// is exact. Otherwise the trailing classname segments starting with an uppercase letter
    /// are taken as (nested) classes, the rest as the module path (`.` → `/`, plus `.py`).
    /// Directories containing dots and modules starting with an uppercase letter cannot be
    /// recovered this way. A case with an empty classname (module collection error) maps to
    /// the module path derived from `name`.
    pub fn nodeid_guess(&self) -> String {
        if let Some(file) = &self.file {
            let file = file.replace('\\', "/");
            let file = file.strip_prefix("./").unwrap_or(&file);
            let stem = file.strip_suffix(".py").unwrap_or(file);
            let dotted = stem.replace('/', ".");
            if self.classname.is_empty() && self.name == dotted {
                return file.to_owned();
            }
            if self.classname == dotted {
                return format!("{file}::{}", self.name);
            }
            if let Some(classes) = self
                .classname
                .strip_prefix(&dotted)
                .and_then(|r| r.strip_prefix('.'))
            {
                return format!("{file}::{}::{}", classes.replace('.', "::"), self.name);
            }
        }
        if self.classname.is_empty() {
            if self.name.contains('[') || self.name.contains("::") {
                return self.name.clone();
            }
            return format!("{}.py", self.name.replace('.', "/"));
        }
        let segs: Vec<&str> = self.classname.split('.').collect();
        let mut k = segs.len();
        while k > 1 && segs[k - 1].chars().next().is_some_and(char::is_uppercase) {
            k -= 1;
        }
        let mut out = segs[..k].join("/");
        out.push_str(".py");
        for class in &segs[k..] {
            out.push_str("::");
            out.push_str(class);
        }
        out.push_str("::");
        out.push_str(&self.name);
        out
    }
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
    // Runs of data longer than anything kept are dropped before the XML reader buffers
    // them; an attribute keeps up to a console line's length, so that a long name is cut
    // (with its hash) the same way as in the log.
    let bounds = crate::ingest::junit::xmlcap::Bounds {
        text: MAX_TEXT_BYTES + 4,
        attribute: crate::ingest::lines::MAX_LINE,
    };
    let mut xml = Reader::from_reader(crate::ingest::junit::xmlcap::CapRuns::new(input, bounds));
    {
        let cfg = xml.config_mut();
        cfg.trim_text(false);
        cfg.expand_empty_elements = false;
        cfg.check_end_names = true;
        cfg.allow_dangling_amp = true;
    }
    let mut parser = Parser {
        line: 1,
        ..Parser::default()
    };
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

/// Kinds of open elements tracked by the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Elem {
    /// Root `<testsuites>`.
    Suites,
    /// A `<testsuite>`.
    Suite,
    /// The active `<testcase>`.
    Case,
    /// `<failure>` directly inside the active case (`true` when its text is captured).
    Failure(bool),
    /// `<error>` directly inside the active case.
    Error(bool),
    /// `<skipped>` directly inside the active case.
    Skipped,
    /// `<system-out>` directly inside the active case.
    SystemOut,
    /// `<system-err>` directly inside the active case.
    SystemErr,
    /// Anything else (properties, suite-level output, unknown elements).
    Other,
}

/// Text capped at [`MAX_TEXT_BYTES`].
#[derive(Debug, Default)]
struct CappedText {
    text: String,
    overflow: bool,
}

impl CappedText {
    fn push(&mut self, s: &str) {
        if self.overflow {
            return;
        }
        let room = MAX_TEXT_BYTES - self.text.len();
        if s.len() <= room {
            self.text.push_str(s);
        } else {
            self.text.push_str(&s[..floor_char_boundary(s, room)]);
            self.overflow = true;
        }
    }

    fn finish(self) -> Option<String> {
        let CappedText { mut text, overflow } = self;
        if overflow {
            let keep = floor_char_boundary(&text, MAX_TEXT_BYTES - TRUNCATION_MARKER.len());
            text.truncate(keep);
            text.push_str(TRUNCATION_MARKER);
        }
        if text.trim().is_empty() {
            None
        } else {
            Some(text)
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn cap(s: String) -> String {
    if s.len() <= MAX_TEXT_BYTES {
        return s;
    }
    let mut t = CappedText::default();
    t.push(&s);
    t.finish().unwrap_or_default()
}

/// Names, values and host names are kept to 1 KiB.
fn cap_short(s: String) -> String {
    const MAX: usize = 1024;
    if s.len() <= MAX {
        return s;
    }
    let end = floor_char_boundary(&s, MAX);
    format!("{}…", &s[..end])
}

/// A `<failure>`, `<error>` or `<skipped>` child.
#[derive(Debug, Default)]
struct Child {
    message: Option<String>,
    kind: Option<String>,
    text: CappedText,
    line: u64,
}

/// A `<testcase>` being read.
#[derive(Debug)]
struct CaseBuilder {
    classname: String,
    name: String,
    file: Option<String>,
    line: Option<u32>,
    duration_s: Option<f64>,
    failure: Option<Child>,
    error: Option<Child>,
    skipped: Option<Child>,
    teardown_error: bool,
    system_out: CappedText,
    system_err: CappedText,
    properties: Vec<(String, String)>,
    lines: CaseLines,
}

impl CaseBuilder {
    fn build(self) -> JunitCase {
        let (outcome, child) = if let Some(f) = self.failure {
            let strict_xpass = f
                .message
                .as_deref()
                .is_some_and(|m| m.trim_start().starts_with("[XPASS(strict)]"));
            let outcome = if strict_xpass {
                Outcome::Xpassed
            } else {
                Outcome::Failed
            };
            (outcome, Some(f))
        } else if let Some(e) = self.error {
            (Outcome::Error, Some(e))
        } else if let Some(s) = self.skipped {
            let msg = s.message.as_deref().unwrap_or("");
            let outcome =
                if s.kind.as_deref() == Some("pytest.xfail") || msg == "expected test failure" {
                    Outcome::Xfailed
                } else if msg == "xfail-marked test passes unexpectedly" {
                    Outcome::Xpassed
                } else {
                    Outcome::Skipped
                };
            // Skip bodies only repeat `file:line: reason`; keep just the message.
            let child = Child {
                text: CappedText::default(),
                ..s
            };
            (outcome, Some(child))
        } else {
            (Outcome::Passed, None)
        };
        let mut lines = self.lines;
        let (message, details) = match child {
            Some(c) => {
                lines.details = c.line;
                (c.message, c.text.finish())
            }
            None => (None, None),
        };
        JunitCase {
            classname: self.classname,
            name: self.name,
            file: self.file,
            line: self.line,
            outcome,
            duration_s: self.duration_s,
            message,
            details,
            teardown_error: self.teardown_error,
            system_out: self.system_out.finish(),
            system_err: self.system_err.finish(),
            properties: self.properties,
            lines,
        }
    }
}

/// Parser state.
#[derive(Debug, Default)]
struct Parser {
    run: JunitRun,
    stack: Vec<Elem>,
    case: Option<CaseBuilder>,
    roots: usize,
    /// Totals of the root elements already closed (several only for concatenated reports).
    closed_totals: Counters,
    /// Counter attributes of the open root `<testsuites>`.
    root_attrs: Counters,
    /// Sum over the outermost `<testsuite>` elements of the open root.
    root_sums: Counters,
    /// `(classname, name)` → index in `run.cases`, for the current outermost suite.
    index: HashMap<(String, String), usize>,
    suppressed_warnings: usize,
    /// 1-based line of the event being handled.
    line: u64,
}

/// The summary counters of one element (or a sum of several).
#[derive(Debug, Default, Clone)]
struct Counters {
    tests: Option<u64>,
    failures: Option<u64>,
    errors: Option<u64>,
    skipped: Option<u64>,
    time_s: Option<f64>,
    timestamp: Option<String>,
}

impl Counters {
    /// Each counter from `attrs` when present there, else from `sums`.
    fn resolve(attrs: Counters, sums: Counters) -> Counters {
        Counters {
            tests: attrs.tests.or(sums.tests),
            failures: attrs.failures.or(sums.failures),
            errors: attrs.errors.or(sums.errors),
            skipped: attrs.skipped.or(sums.skipped),
            time_s: attrs.time_s.or(sums.time_s),
            timestamp: attrs.timestamp.or(sums.timestamp),
        }
    }

    fn add(&mut self, other: Counters) {
        fn sum(a: &mut Option<u64>, b: Option<u64>) {
            if let Some(b) = b {
                *a = Some(a.unwrap_or(0).saturating_add(b));
            }
        }
        sum(&mut self.tests, other.tests);
        sum(&mut self.failures, other.failures);
        sum(&mut self.errors, other.errors);
        sum(&mut self.skipped, other.skipped);
        if let Some(t) = other.time_s {
            self.time_s = Some(self.time_s.unwrap_or(0.0) + t);
        }
        if self.timestamp.is_none() {
            self.timestamp = other.timestamp;
        }
    }
}

/// Local name of an element (namespace prefix dropped).
fn local_name(e: &BytesStart<'_>) -> Vec<u8> {
    e.local_name().as_ref().as_bytes().to_vec()
}

impl Parser {
    fn warn(&mut self, msg: String) {
        if self.run.warnings.len() < MAX_WARNINGS {
            self.run.warnings.push(msg);
        } else {
            self.suppressed_warnings += 1;
        }
    }

    /// The run as parsed so far, with counters resolved.
    fn snapshot(&mut self) -> JunitRun {
        let mut run = std::mem::take(&mut self.run);
        let mut totals = self.closed_totals.clone();
        totals.add(Counters::resolve(
            self.root_attrs.clone(),
            self.root_sums.clone(),
        ));
        run.tests = totals.tests;
        run.failures = totals.failures;
        run.errors = totals.errors;
        run.skipped = totals.skipped;
        run.time_s = totals.time_s;
        run.timestamp = totals.timestamp;
        if self.suppressed_warnings > 0 {
            run.warnings.push(format!(
                "{} more warnings suppressed",
                self.suppressed_warnings
            ));
        }
        run
    }

    fn finish(mut self, position: u64) -> Result<JunitRun, JunitError> {
        if self.roots == 0 {
            return Err(JunitError::NotJunit {
                position,
                message: "no <testsuites> or <testsuite> element found".into(),
            });
        }
        if let Some(top) = self.stack.first().copied() {
            let what = match top {
                Elem::Suites => "<testsuites>",
                _ => "<testsuite>",
            };
            let open = self.stack.len();
            let partial = Box::new(self.snapshot());
            return Err(JunitError::Truncated {
                position,
                message: format!("input ended with {open} element(s) still open (root {what})"),
                partial,
            });
        }
        Ok(self.snapshot())
    }

    fn xml_error(&mut self, err: quick_xml::Error, position: u64) -> JunitError {
        use quick_xml::errors::SyntaxError;
        let message = err.to_string();
        let partial = Box::new(self.snapshot());
        match err {
            quick_xml::Error::Io(_) => JunitError::Io {
                position,
                message,
                partial,
            },
            quick_xml::Error::Syntax(s) if s != SyntaxError::InvalidBangMarkup => {
                if self.roots == 0 {
                    JunitError::NotJunit { position, message }
                } else {
                    JunitError::Truncated {
                        position,
                        message,
                        partial,
                    }
                }
            }
            _ => JunitError::Malformed {
                position,
                message,
                partial,
            },
        }
    }

    fn handle(&mut self, event: Event<'_>, position: u64) -> Result<(), JunitError> {
        match event {
            Event::Start(e) => self.start(&e, position, false),
            Event::Empty(e) => self.start(&e, position, true),
            Event::End(_) => {
                if let Some(elem) = self.stack.pop() {
                    self.end(elem);
                }
                if self.stack.is_empty() {
                    self.close_root();
                }
                Ok(())
            }
            Event::Text(t) => {
                if self.stack.is_empty() {
                    let content = t.xml10_content();
                    let trimmed =
                        content.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
                    if !trimmed.is_empty() && self.roots == 0 {
                        return Err(JunitError::NotJunit {
                            position,
                            message: format!(
                                "text before the root element: {:?}",
                                snippet(trimmed)
                            ),
                        });
                    }
                } else if let Some(target) = self.text_target() {
                    target.push(&t.xml10_content());
                }
                Ok(())
            }
            Event::CData(t) => {
                if let Some(target) = self.text_target() {
                    target.push(&t.xml10_content());
                }
                Ok(())
            }
            Event::GeneralRef(r) => {
                let resolved = resolve_ref(&r);
                if resolved.is_none() {
                    self.warn(format!(
                        "byte {position}: unknown or invalid entity reference &{};, kept literally",
                        snippet(&r)
                    ));
                }
                if let Some(target) = self.text_target() {
                    match resolved {
                        Some(s) => target.push(&s),
                        None => {
                            target.push("&");
                            target.push(&r);
                            target.push(";");
                        }
                    }
                }
                Ok(())
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => Ok(()),
            Event::Eof => Ok(()),
        }
    }

    fn text_target(&mut self) -> Option<&mut CappedText> {
        let case = self.case.as_mut()?;
        match self.stack.last() {
            Some(Elem::Failure(true)) => case.failure.as_mut().map(|c| &mut c.text),
            Some(Elem::Error(true)) => case.error.as_mut().map(|c| &mut c.text),
            Some(Elem::SystemOut) => Some(&mut case.system_out),
            Some(Elem::SystemErr) => Some(&mut case.system_err),
            _ => None,
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, position: u64, empty: bool) -> Result<(), JunitError> {
        let name = local_name(e);
        let elem = if self.stack.is_empty() {
            match name.as_slice() {
                b"testsuites" => Elem::Suites,
                b"testsuite" => Elem::Suite,
                other => {
                    if self.roots == 0 {
                        return Err(JunitError::NotJunit {
                            position,
                            message: format!(
                                "root element is <{}>, expected <testsuites> or <testsuite>",
                                snippet(&String::from_utf8_lossy(other))
                            ),
                        });
                    }
                    self.warn(format!(
                        "byte {position}: ignoring extra root element <{}>",
                        snippet(&String::from_utf8_lossy(other))
                    ));
                    Elem::Other
                }
            }
        } else {
            let top = self.stack.last().copied();
            match (name.as_slice(), top) {
                (b"testsuite", _) if self.case.is_none() => Elem::Suite,
                (b"testcase", _) if self.case.is_none() => Elem::Case,
                (b"testcase", _) => {
                    self.warn(format!(
                        "byte {position}: ignoring <testcase> nested in a <testcase>"
                    ));
                    Elem::Other
                }
                (b"failure", Some(Elem::Case)) => Elem::Failure(false),
                (b"error", Some(Elem::Case)) => Elem::Error(false),
                (b"skipped", Some(Elem::Case)) => Elem::Skipped,
                (b"system-out", Some(Elem::Case)) => Elem::SystemOut,
                (b"system-err", Some(Elem::Case)) => Elem::SystemErr,
                (b"property", _) => {
                    self.read_property(e, position)?;
                    Elem::Other
                }
                _ => Elem::Other,
            }
        };
        let elem = match elem {
            Elem::Suites | Elem::Suite => {
                let counters = self.read_counters(e, position)?;
                if self.stack.is_empty() {
                    self.roots += 1;
                    if self.roots == 2 {
                        self.warn(format!(
                            "byte {position}: several root elements (concatenated reports?)"
                        ));
                    }
                }
                if elem == Elem::Suites {
                    if self.stack.is_empty() {
                        self.root_attrs = counters;
                    }
                } else if !self.stack.contains(&Elem::Suite) {
                    self.root_sums.add(counters);
                    self.index.clear();
                }
                if empty && self.stack.is_empty() {
                    self.close_root();
                }
                elem
            }
            Elem::Case => {
                let mut case = self.read_case(e, position)?;
                case.lines.case = self.line;
                self.case = Some(case);
                if empty {
                    self.end(Elem::Case);
                    return Ok(());
                }
                elem
            }
            Elem::SystemOut | Elem::SystemErr => {
                if let Some(case) = self.case.as_mut() {
                    if elem == Elem::SystemOut {
                        case.lines.system_out = self.line;
                    } else {
                        case.lines.system_err = self.line;
                    }
                }
                elem
            }
            Elem::Failure(_) | Elem::Error(_) | Elem::Skipped => {
                let mut child = self.read_child(e, position)?;
                child.line = self.line;
                let teardown = child
                    .message
                    .as_deref()
                    .is_some_and(|m| m.starts_with("failed on teardown"));
                let Some(case) = self.case.as_mut() else {
                    return Ok(());
                };
                let slot = match elem {
                    Elem::Failure(_) => &mut case.failure,
                    Elem::Error(_) => {
                        case.teardown_error |= teardown;
                        &mut case.error
                    }
                    _ => &mut case.skipped,
                };
                let capture = slot.is_none();
                if capture {
                    *slot = Some(child);
                }
                match elem {
                    Elem::Failure(_) => Elem::Failure(capture),
                    Elem::Error(_) => Elem::Error(capture),
                    other => other,
                }
            }
            other => other,
        };
        if !empty {
            self.stack.push(elem);
        }
        Ok(())
    }

    /// Adds the totals of the root element that just closed to `closed_totals`.
    fn close_root(&mut self) {
        let attrs = std::mem::take(&mut self.root_attrs);
        let sums = std::mem::take(&mut self.root_sums);
        self.closed_totals.add(Counters::resolve(attrs, sums));
        self.index.clear();
    }

    fn end(&mut self, elem: Elem) {
        if elem == Elem::Case
            && let Some(builder) = self.case.take()
        {
            let case = builder.build();
            self.push_case(case);
        }
    }

    fn push_case(&mut self, case: JunitCase) {
        let key = (case.classname.clone(), case.name.clone());
        // pytest's split report: a second <testcase> holding only the teardown error of a
        // test whose call failed.
        let teardown_only = case.outcome == Outcome::Error
            && case.teardown_error
            && case
                .message
                .as_deref()
                .is_some_and(|m| m.starts_with("failed on teardown"));
        if teardown_only
            && let Some(&i) = self.index.get(&key)
            && let Some(prev) = self.run.cases.get_mut(i)
            && matches!(prev.outcome, Outcome::Failed | Outcome::Xpassed)
            && !prev.teardown_error
        {
            prev.teardown_error = true;
            prev.duration_s = match (prev.duration_s, case.duration_s) {
                (Some(a), Some(b)) => Some(a + b),
                (a, b) => a.or(b),
            };
            return;
        }
        self.index.insert(key, self.run.cases.len());
        self.run.cases.push(case);
    }

    /// Reads every attribute of `e` as `(local name, value)`.
    fn attributes(
        &mut self,
        e: &BytesStart<'_>,
        position: u64,
    ) -> Result<Vec<(Vec<u8>, String)>, JunitError> {
        let mut out = Vec::new();
        for attr in e.attributes() {
            let attr: Attribute<'_> = match attr {
                Ok(a) => a,
                Err(err) => {
                    let partial = Box::new(self.snapshot());
                    return Err(JunitError::Malformed {
                        position,
                        message: format!("bad attribute: {err}"),
                        partial,
                    });
                }
            };
            let key = attr.key.local_name().as_ref().as_bytes().to_vec();
            let value = match attr.normalized_value(XmlVersion::Implicit1_0) {
                Ok(v) => v.into_owned(),
                Err(err) => {
                    self.warn(format!(
                        "byte {position}: attribute {}: {err}; raw value kept",
                        String::from_utf8_lossy(&key)
                    ));
                    attr.value.into_owned()
                }
            };
            out.push((key, value));
        }
        Ok(out)
    }

    /// A `<property>`: the case's when inside a `<testcase>`, else the run's.
    fn read_property(&mut self, e: &BytesStart<'_>, position: u64) -> Result<(), JunitError> {
        let (mut name, mut value) = (None, None);
        for (key, v) in self.attributes(e, position)? {
            match key.as_slice() {
                b"name" => name = Some(cap_short(v)),
                b"value" => value = Some(cap_short(v)),
                _ => {}
            }
        }
        let Some(name) = name else { return Ok(()) };
        let pair = (name, value.unwrap_or_default());
        let list = match self.case.as_mut() {
            Some(case) => &mut case.properties,
            None => &mut self.run.properties,
        };
        if list.len() < MAX_PROPERTIES {
            list.push(pair);
        }
        Ok(())
    }

    fn read_counters(&mut self, e: &BytesStart<'_>, position: u64) -> Result<Counters, JunitError> {
        let mut c = Counters::default();
        for (key, value) in self.attributes(e, position)? {
            match key.as_slice() {
                b"hostname" => {
                    let host = cap_short(value);
                    if !self.run.hostnames.contains(&host) && self.run.hostnames.len() < 16 {
                        self.run.hostnames.push(host);
                    }
                }
                b"tests" => c.tests = self.parse_u64(&value, "tests", position),
                b"failures" => c.failures = self.parse_u64(&value, "failures", position),
                b"errors" => c.errors = self.parse_u64(&value, "errors", position),
                b"skipped" | b"skips" => c.skipped = self.parse_u64(&value, "skipped", position),
                b"time" => c.time_s = self.parse_secs(&value, position),
                b"timestamp" => c.timestamp = Some(cap(value)),
                _ => {}
            }
        }
        Ok(c)
    }

    fn read_case(&mut self, e: &BytesStart<'_>, position: u64) -> Result<CaseBuilder, JunitError> {
        let mut b = CaseBuilder {
            classname: String::new(),
            name: String::new(),
            file: None,
            line: None,
            duration_s: None,
            failure: None,
            error: None,
            skipped: None,
            teardown_error: false,
            system_out: CappedText::default(),
            system_err: CappedText::default(),
            properties: Vec::new(),
            lines: CaseLines::default(),
        };
        for (key, value) in self.attributes(e, position)? {
            match key.as_slice() {
                b"classname" => b.classname = cap_id(value),
                b"name" => b.name = cap_id(value),
                b"file" => b.file = Some(cap_id(value)),
                b"line" => match value.trim().parse::<u32>() {
                    Ok(n) => b.line = Some(n),
                    Err(_) => self.warn(format!(
                        "byte {position}: bad testcase line {:?}",
                        snippet(&value)
                    )),
                },
                b"time" => b.duration_s = self.parse_secs(&value, position),
                _ => {}
            }
        }
        Ok(b)
    }

    fn read_child(&mut self, e: &BytesStart<'_>, position: u64) -> Result<Child, JunitError> {
        let mut c = Child::default();
        for (key, value) in self.attributes(e, position)? {
            match key.as_slice() {
                b"message" => c.message = Some(cap(value)),
                b"type" => c.kind = Some(cap(value)),
                _ => {}
            }
        }
        Ok(c)
    }

    fn parse_u64(&mut self, value: &str, what: &str, position: u64) -> Option<u64> {
        match value.trim().parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.warn(format!(
                    "byte {position}: bad {what} count {:?}",
                    snippet(value)
                ));
                None
            }
        }
    }

    fn parse_secs(&mut self, value: &str, position: u64) -> Option<f64> {
        match value.trim().parse::<f64>() {
            Ok(t) if t.is_finite() && t >= 0.0 => Some(t),
            _ => {
                self.warn(format!("byte {position}: bad time {:?}", snippet(value)));
                None
            }
        }
    }
}

/// Resolves a predefined entity or character reference; `None` for anything else.
fn resolve_ref(r: &BytesRef<'_>) -> Option<String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c.to_string()),
        Ok(None) => quick_xml::escape::resolve_predefined_entity(r).map(str::to_owned),
        Err(_) => None,
    }
}

/// At most 80 characters of `s`, for messages.
fn snippet(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if s.chars().nth(80).is_some() {
        out.push('…');
    }
    out
}

/// A `BufRead` adapter that repairs invalid UTF-8 (U+FFFD), streaming.
struct LossyUtf8<R> {
    inner: R,
    /// Repaired bytes not yet consumed: `out[pos..]`.
    out: Vec<u8>,
    pos: usize,
    /// An incomplete UTF-8 sequence at the end of the last chunk (at most 3 bytes).
    pending: Vec<u8>,
    eof: bool,
}

impl<R: BufRead> LossyUtf8<R> {
    fn new(inner: R) -> Self {
        LossyUtf8 {
            inner,
            out: Vec::new(),
            pos: 0,
            pending: Vec::new(),
            eof: false,
        }
    }

    /// Consumes a leading UTF-8 BOM and ASCII whitespace. Returns the number of bytes
    /// skipped, or `None` if the input holds nothing else.
    fn skip_bom_and_whitespace(&mut self) -> io::Result<Option<u64>> {
        let mut skipped = 0u64;
        let mut first = true;
        loop {
            let buf = self.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let mut n = 0;
            if first && buf.starts_with(b"\xEF\xBB\xBF") {
                n = 3;
            }
            first = false;
            n += buf[n..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            let done = n < buf.len();
            self.consume(n);
            skipped += n as u64;
            if done {
                return Ok(Some(skipped));
            }
        }
    }

    fn peek_byte(&self) -> Option<u8> {
        self.out.get(self.pos).copied()
    }

    /// Appends the repaired form of `data` to `out`, keeping an incomplete tail in `pending`.
    fn repair(out: &mut Vec<u8>, pending: &mut Vec<u8>, data: &[u8]) {
        let mut rest = data;
        loop {
            match std::str::from_utf8(rest) {
                Ok(_) => {
                    out.extend_from_slice(rest);
                    return;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    out.extend_from_slice(&rest[..valid]);
                    match e.error_len() {
                        Some(bad) => {
                            out.extend_from_slice("\u{FFFD}".as_bytes());
                            rest = &rest[valid + bad..];
                        }
                        None => {
                            pending.extend_from_slice(&rest[valid..]);
                            return;
                        }
                    }
                }
            }
        }
    }
}

impl<R: BufRead> Read for LossyUtf8<R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        crate::ingest::junit::xmlcap::read_buffered(self, dst)
    }
}

impl<R: BufRead> BufRead for LossyUtf8<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.out.len() && !self.eof {
            self.out.clear();
            self.pos = 0;
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                self.eof = true;
                if !self.pending.is_empty() {
                    self.pending.clear();
                    self.out.extend_from_slice("\u{FFFD}".as_bytes());
                }
                break;
            }
            let n = chunk.len();
            if self.pending.is_empty() {
                Self::repair(&mut self.out, &mut self.pending, chunk);
            } else {
                let mut data = std::mem::take(&mut self.pending);
                data.extend_from_slice(chunk);
                Self::repair(&mut self.out, &mut self.pending, &data);
            }
            self.inner.consume(n);
        }
        Ok(&self.out[self.pos.min(self.out.len())..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.out.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Cursor};

    fn parse(xml: &str) -> Result<JunitRun, JunitError> {
        parse_junit(Cursor::new(xml.as_bytes()))
    }

    fn parse_bytes(xml: &[u8]) -> Result<JunitRun, JunitError> {
        parse_junit(Cursor::new(xml))
    }

    fn case<'a>(run: &'a JunitRun, name: &str) -> &'a JunitCase {
        run.cases
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no case {name}"))
    }

    /// What pytest 8 writes (xunit2, single line after the declaration, ET formatting).
    const PYTEST8: &str = concat!(
        r#"<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="1" failures="1" skipped="2" tests="9" time="3.250" timestamp="2025-05-01T10:00:00.123456+02:00" hostname="ci-runner">"#,
        r#"<testcase classname="tests.load.test_x.TestFoo" name="test_y[a-1]" time="0.001" />"#,
        r#"<testcase classname="tests.load.test_x" name="test_fail" time="0.012"><failure message="AssertionError: assert &lt;script&gt;alert(1)&lt;/script&gt; == 'x'&#10;second line">def test_fail():&#13;
&gt;       assert "&lt;script&gt;" == 'x'
E       AssertionError

tests/load/test_x.py:12: AssertionError</failure></testcase>"#,
        r#"<testcase classname="tests.load.test_x" name="test_setup_err" time="0.003"><error message="failed on setup with &quot;requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='api', port=443)&quot;">@pytest.fixture
def client():
&gt;   raise ConnectTimeout()
E   requests.exceptions.ConnectTimeout</error></testcase>"#,
        r#"<testcase classname="tests.load.test_x" name="test_skip" time="0.000"><skipped type="pytest.skip" message="no network">/repo/tests/load/test_x.py:20: no network</skipped></testcase>"#,
        r#"<testcase classname="tests.load.test_x" name="test_xfail" time="0.002"><skipped type="pytest.xfail" message="flaky upstream" /></testcase>"#,
        r#"<testcase classname="tests.load.test_x" name="test_xpass_strict" time="0.001"><failure message="[XPASS(strict)] should fail">[XPASS(strict)] should fail</failure></testcase>"#,
        r#"<testcase classname="tests.load.test_x" name="test_xpass_lax" time="0.001" />"#,
        r#"<testcase classname="tests.load.test_x" name="test_p[v1.2/x::y-a.b]" time="0.004"><properties><property name="k" value="v" /></properties><system-out>--- Captured Out ---
hello &lt;b&gt;</system-out></testcase>"#,
        r#"<testcase classname="tests.load.test_x.TestFoo.TestInner" name="test_nested" time="0.250" />"#,
        r#"</testsuite></testsuites>"#
    );

    #[test]
    fn parses_every_pytest_outcome() {
        let run = parse(PYTEST8).expect("valid");
        assert_eq!(run.cases.len(), 9);
        assert_eq!(run.tests, Some(9));
        assert_eq!(run.failures, Some(1));
        assert_eq!(run.errors, Some(1));
        assert_eq!(run.skipped, Some(2));
        assert_eq!(run.time_s, Some(3.25));
        assert_eq!(
            run.timestamp.as_deref(),
            Some("2025-05-01T10:00:00.123456+02:00")
        );
        assert!(run.warnings.is_empty(), "{:?}", run.warnings);

        let c = case(&run, "test_y[a-1]");
        assert_eq!(c.classname, "tests.load.test_x.TestFoo");
        assert_eq!(c.outcome, Outcome::Passed);
        assert_eq!(c.duration_s, Some(0.001));
        assert_eq!(
            (c.file.as_deref(), c.line, c.message.as_deref()),
            (None, None, None)
        );

        let c = case(&run, "test_fail");
        assert_eq!(c.outcome, Outcome::Failed);
        assert_eq!(
            c.message.as_deref(),
            Some("AssertionError: assert <script>alert(1)</script> == 'x'\nsecond line")
        );
        let details = c.details.as_deref().unwrap();
        assert!(details.starts_with("def test_fail():\r\n>       assert \"<script>\" == 'x'\n"));
        assert!(details.ends_with("tests/load/test_x.py:12: AssertionError"));
        assert!(!c.teardown_error);

        let c = case(&run, "test_setup_err");
        assert_eq!(c.outcome, Outcome::Error);
        assert!(
            c.message
                .as_deref()
                .unwrap()
                .starts_with("failed on setup with \"requests.")
        );
        assert!(
            c.details
                .as_deref()
                .unwrap()
                .contains("E   requests.exceptions.ConnectTimeout")
        );
        assert!(!c.teardown_error);

        let c = case(&run, "test_skip");
        assert_eq!(c.outcome, Outcome::Skipped);
        assert_eq!(c.message.as_deref(), Some("no network"));
        assert_eq!(c.details, None);

        let c = case(&run, "test_xfail");
        assert_eq!(c.outcome, Outcome::Xfailed);
        assert_eq!(c.message.as_deref(), Some("flaky upstream"));

        assert_eq!(case(&run, "test_xpass_strict").outcome, Outcome::Xpassed);
        // Documented limitation: non-strict XPASS is indistinguishable from a pass.
        assert_eq!(case(&run, "test_xpass_lax").outcome, Outcome::Passed);

        let c = case(&run, "test_p[v1.2/x::y-a.b]");
        assert_eq!(c.outcome, Outcome::Passed);
        assert_eq!(c.details, None, "system-out must not leak into details");
        assert!(c.matches_nodeid("tests/load/test_x.py::test_p[v1.2/x::y-a.b]"));

        let c = case(&run, "test_nested");
        assert!(c.matches_nodeid("tests/load/test_x.py::TestFoo::TestInner::test_nested"));
        assert_eq!(
            c.nodeid_guess(),
            "tests/load/test_x.py::TestFoo::TestInner::test_nested"
        );

        assert!(
            run.find_nodeid("tests/load/test_x.py::TestFoo::test_y[a-1]")
                .is_some()
        );
        assert!(
            run.find_nodeid("tests/load/test_x.py::test_y[a-1]")
                .is_none()
        );
    }

    /// Verbatim `pytest 9.2 --continue-on-collection-errors --junitxml` output (paths anonymised).
    const PYTEST9_REAL: &str = r##"<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="4" failures="4" skipped="3" tests="15" time="0.116" timestamp="2026-11-27T09:33:52.851125+00:00" hostname="ci"><testcase classname="" name="tests.load.test_broken" time="0.000"><error message="collection failure">ImportError while importing test module '/repo/tests/load/test_broken.py'.
Hint: make sure your test modules/packages have valid Python names.
Traceback:
/usr/lib/python3.11/importlib/__init__.py:126: in import_module
    return _bootstrap._gcd_import(name[level:], package, level)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
tests/load/test_broken.py:1: in &lt;module&gt;
    import nonexistent_mod_xyz
E   ModuleNotFoundError: No module named 'nonexistent_mod_xyz'</error></testcase><testcase classname="tests.load.test_x.TestFoo" name="test_y[a-1]" time="0.001" /><testcase classname="tests.load.test_x.TestFoo" name="test_y[v1.2/x::y]" time="0.001" /><testcase classname="tests.load.test_x.TestFoo" name="test_y[http://h.example/a.b]" time="0.001" /><testcase classname="tests.load.test_x.TestFoo.TestInner" name="test_nested" time="0.001"><failure message="AssertionError: nested &lt;b&gt;fail&lt;/b&gt;&#10;assert 1 == 2">self = &lt;test_x.TestFoo.TestInner object at 0x7f18a28f47d0&gt;

    def test_nested(self):
&gt;       assert 1 == 2, "nested &lt;b&gt;fail&lt;/b&gt;"
E       AssertionError: nested &lt;b&gt;fail&lt;/b&gt;
E       assert 1 == 2

tests/load/test_x.py:19: AssertionError</failure></testcase><testcase classname="tests.load.test_x" name="test_fail" time="0.001"><failure message="AssertionError: assert '&lt;script&gt;' == 'x'&#10;  &#10;  - x&#10;  + &lt;script&gt;">def test_fail():
&gt;       assert "&lt;script&gt;" == "x"
E       AssertionError: assert '&lt;script&gt;' == 'x'
E         
E         - x
E         + &lt;script&gt;

tests/load/test_x.py:22: AssertionError</failure></testcase><testcase classname="tests.load.test_x" name="test_setup_err" time="0.000"><error message="failed on setup with &quot;ConnectionRefusedError: [Errno 111] Connection refused &lt;script&gt;&quot;">@pytest.fixture
    def bad_setup():
&gt;       raise ConnectionRefusedError("[Errno 111] Connection refused &lt;script&gt;")
E       ConnectionRefusedError: [Errno 111] Connection refused &lt;script&gt;

tests/load/test_x.py:5: ConnectionRefusedError</error></testcase><testcase classname="tests.load.test_x" name="test_fail_and_teardown" time="0.000"><failure message="assert 0">bad_teardown = None

    def test_fail_and_teardown(bad_teardown):
&gt;       assert 0
E       assert 0

tests/load/test_x.py:28: AssertionError</failure></testcase><testcase classname="tests.load.test_x" name="test_fail_and_teardown" time="0.000"><error message="failed on teardown with &quot;ConnectionResetError: reset &amp; gone&quot;">@pytest.fixture
    def bad_teardown():
        yield
&gt;       raise ConnectionResetError("reset &amp; gone")
E       ConnectionResetError: reset &amp; gone

tests/load/test_x.py:10: ConnectionResetError</error></testcase><testcase classname="tests.load.test_x" name="test_pass_and_teardown" time="0.001"><error message="failed on teardown with &quot;ConnectionResetError: reset &amp; gone&quot;">@pytest.fixture
    def bad_teardown():
        yield
&gt;       raise ConnectionResetError("reset &amp; gone")
E       ConnectionResetError: reset &amp; gone

tests/load/test_x.py:10: ConnectionResetError</error></testcase><testcase classname="tests.load.test_x" name="test_skip" time="0.000"><skipped type="pytest.skip" message="no network">/repo/tests/load/test_x.py:34: no network</skipped></testcase><testcase classname="tests.load.test_x" name="test_xfail" time="0.000"><skipped type="pytest.xfail" message="flaky upstream" /></testcase><testcase classname="tests.load.test_x" name="test_xpass_strict" time="0.000"><failure message="[XPASS(strict)] should fail">[XPASS(strict)] should fail</failure></testcase><testcase classname="tests.load.test_x" name="test_xpass_lax" time="0.000" /><testcase classname="tests.load.test_x" name="test_imperative_xfail" time="0.000"><skipped type="pytest.xfail" message="nope" /></testcase></testsuite></testsuites>"##;

    #[test]
    fn real_pytest9_report() {
        let run = parse(PYTEST9_REAL).unwrap();
        assert_eq!(run.tests, Some(15));
        assert_eq!(
            (run.failures, run.errors, run.skipped),
            (Some(4), Some(4), Some(3))
        );
        let got: Vec<(String, Outcome, bool)> = run
            .cases
            .iter()
            .map(|c| (c.nodeid_guess(), c.outcome, c.teardown_error))
            .collect();
        let t = "tests/load/test_x.py::";
        let want: Vec<(String, Outcome, bool)> = [
            (
                "tests/load/test_broken.py".to_owned(),
                Outcome::Error,
                false,
            ),
            (format!("{t}TestFoo::test_y[a-1]"), Outcome::Passed, false),
            (
                format!("{t}TestFoo::test_y[v1.2/x::y]"),
                Outcome::Passed,
                false,
            ),
            (
                format!("{t}TestFoo::test_y[http://h.example/a.b]"),
                Outcome::Passed,
                false,
            ),
            (
                format!("{t}TestFoo::TestInner::test_nested"),
                Outcome::Failed,
                false,
            ),
            (format!("{t}test_fail"), Outcome::Failed, false),
            (format!("{t}test_setup_err"), Outcome::Error, false),
            (format!("{t}test_fail_and_teardown"), Outcome::Failed, true),
            (format!("{t}test_pass_and_teardown"), Outcome::Error, true),
            (format!("{t}test_skip"), Outcome::Skipped, false),
            (format!("{t}test_xfail"), Outcome::Xfailed, false),
            (format!("{t}test_xpass_strict"), Outcome::Xpassed, false),
            (format!("{t}test_xpass_lax"), Outcome::Passed, false),
            (format!("{t}test_imperative_xfail"), Outcome::Xfailed, false),
        ]
        .into_iter()
        .collect();
        assert_eq!(got, want);
        for c in &run.cases {
            assert!(c.matches_nodeid(&c.nodeid_guess()), "{c:?}");
        }
        let c = case(&run, "test_setup_err");
        assert_eq!(
            c.message.as_deref(),
            Some(
                "failed on setup with \"ConnectionRefusedError: [Errno 111] Connection refused <script>\""
            )
        );
        assert!(
            c.details
                .as_deref()
                .unwrap()
                .contains("E       ConnectionRefusedError")
        );
        let c = case(&run, "test_fail");
        assert_eq!(
            c.message.as_deref(),
            Some("AssertionError: assert '<script>' == 'x'\n  \n  - x\n  + <script>")
        );
    }

    #[test]
    fn failed_call_plus_teardown_error_is_merged() {
        // pytest writes two <testcase> elements for the same test in this situation.
        let xml = r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1" failures="1" skipped="0" tests="2" time="0.5" timestamp="2025-05-01T10:00:00"><testcase classname="test_td" name="test_both" time="0.100"><failure message="assert 0">E assert 0</failure></testcase><testcase classname="test_td" name="test_other" time="0.010" /><testcase classname="test_td" name="test_both" time="0.020"><error message="failed on teardown with &quot;ConnectionResetError: [Errno 104]&quot;">teardown tb</error></testcase></testsuite></testsuites>"#;
        let run = parse(xml).unwrap();
        assert_eq!(run.cases.len(), 2);
        assert_eq!(run.tests, Some(2));
        let c = case(&run, "test_both");
        assert_eq!(c.outcome, Outcome::Failed);
        assert!(c.teardown_error);
        assert_eq!(c.message.as_deref(), Some("assert 0"));
        assert_eq!(c.details.as_deref(), Some("E assert 0"));
        assert!((c.duration_s.unwrap() - 0.12).abs() < 1e-9);
    }

    #[test]
    fn failure_and_error_in_one_testcase() {
        let xml = r#"<testsuite tests="1"><testcase classname="m" name="t" time="1"><failure message="boom">call tb</failure><error message="failed on teardown with &quot;x&quot;">td tb</error></testcase></testsuite>"#;
        let run = parse(xml).unwrap();
        let c = &run.cases[0];
        assert_eq!(c.outcome, Outcome::Failed);
        assert!(c.teardown_error);
        assert_eq!(c.details.as_deref(), Some("call tb"));
    }

    #[test]
    fn passed_call_with_teardown_error_is_error() {
        let xml = r#"<testsuites><testsuite errors="1" tests="1"><testcase classname="m" name="t" time="0.5"><error message="failed on teardown with &quot;OSError&quot;">tb</error></testcase></testsuite></testsuites>"#;
        let run = parse(xml).unwrap();
        assert_eq!(run.cases.len(), 1);
        assert_eq!(run.cases[0].outcome, Outcome::Error);
        assert!(run.cases[0].teardown_error);
    }

    #[test]
    fn setup_and_teardown_errors_and_collection_errors() {
        let xml = r#"<testsuites><testsuite tests="3"><testcase classname="m" name="t" time="0"><error message="failed on setup with &quot;a&quot;">s</error><error message="failed on teardown with &quot;b&quot;">t</error></testcase><testcase classname="" name="tests.load.test_broken" time="0.000"><error message="collection failure">ImportError</error></testcase><testcase classname="pytest" name="internal" time="0.000"><error message="internal error">x</error></testcase><testcase classname="tests" name="test_mod" time="0"><skipped message="collection skipped">why</skipped></testcase></testsuite></testsuites>"#;
        let run = parse(xml).unwrap();
        let c = &run.cases[0];
        assert_eq!(c.outcome, Outcome::Error);
        assert!(c.teardown_error);
        assert_eq!(c.details.as_deref(), Some("s"));
        let c = &run.cases[1];
        assert_eq!(c.outcome, Outcome::Error);
        assert_eq!(c.nodeid_guess(), "tests/load/test_broken.py");
        assert!(c.matches_nodeid("tests/load/test_broken.py"));
        assert_eq!(run.cases[2].outcome, Outcome::Error);
        assert_eq!(run.cases[3].outcome, Outcome::Skipped);
    }

    #[test]
    fn old_style_xfail_and_xpass_markers() {
        let xml = r#"<testsuite><testcase classname="m" name="a"><skipped message="expected test failure">reason</skipped></testcase><testcase classname="m" name="b"><skipped message="xfail-marked test passes unexpectedly">None</skipped></testcase></testsuite>"#;
        let run = parse(xml).unwrap();
        assert_eq!(run.cases[0].outcome, Outcome::Xfailed);
        assert_eq!(run.cases[1].outcome, Outcome::Xpassed);
    }

    #[test]
    fn xdist_like_multiple_suites_all_contribute() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<testsuites>
  <testsuite name="gw0" errors="0" failures="1" skipped="0" tests="2" time="1.5" timestamp="2025-01-01T00:00:00">
    <testcase classname="tests.test_a" name="test_1" time="0.5"/>
    <testcase classname="tests.test_a" name="test_2" time="1.0"><failure message="x">tb</failure></testcase>
  </testsuite>
  <testsuite name="gw1" errors="1" failures="0" skipped="1" tests="2" time="2.0" timestamp="2025-01-01T00:00:01">
    <testcase classname="tests.test_b" name="test_3" time="0.5"><skipped type="pytest.skip" message="s">f:1: s</skipped></testcase>
    <testcase classname="tests.test_b" name="test_4" time="1.5"><error message="failed on setup with &quot;e&quot;">tb</error></testcase>
  </testsuite>
</testsuites>"#;
        let run = parse(xml).unwrap();
        assert_eq!(run.cases.len(), 4);
        assert_eq!(run.tests, Some(4));
        assert_eq!(run.failures, Some(1));
        assert_eq!(run.errors, Some(1));
        assert_eq!(run.skipped, Some(1));
        assert_eq!(run.time_s, Some(3.5));
        assert_eq!(run.timestamp.as_deref(), Some("2025-01-01T00:00:00"));
        let outcomes: Vec<Outcome> = run.cases.iter().map(|c| c.outcome).collect();
        assert_eq!(
            outcomes,
            [
                Outcome::Passed,
                Outcome::Failed,
                Outcome::Skipped,
                Outcome::Error
            ]
        );
    }

    #[test]
    fn root_totals_win_over_suite_sums() {
        let xml = r#"<testsuites tests="10" failures="2" errors="0" time="9.0"><testsuite tests="3" failures="1" time="1"/><testsuite tests="4" failures="0" time="2"/></testsuites>"#;
        let run = parse(xml).unwrap();
        assert_eq!(run.tests, Some(10));
        assert_eq!(run.failures, Some(2));
        assert_eq!(run.errors, Some(0));
        assert_eq!(run.skipped, None);
        assert_eq!(run.time_s, Some(9.0));
    }

    #[test]
    fn concatenated_reports_add_up() {
        let one = r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite tests="1" failures="1" time="1.0"><testcase classname="a" name="t"><failure message="m">x</failure></testcase></testsuite></testsuites>"#;
        let two = r#"<?xml version="1.0" encoding="utf-8"?><testsuites tests="2" failures="0" time="2.0"><testsuite tests="5"><testcase classname="b" name="t"/><testcase classname="b" name="u"/></testsuite></testsuites>"#;
        let three = r#"<testsuite tests="1" skipped="1"/>"#;
        let run = parse(&format!("{one}\n{two}\n{three}\n")).unwrap();
        assert_eq!(run.cases.len(), 3);
        assert_eq!(run.tests, Some(4));
        assert_eq!(run.failures, Some(1));
        assert_eq!(run.skipped, Some(1));
        assert_eq!(run.time_s, Some(3.0));
        assert_eq!(run.warnings.len(), 1, "{:?}", run.warnings);
    }

    #[test]
    fn legacy_family_file_and_line() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="0" skipped="0" tests="2" time="0.1" timestamp="2025-01-01T00:00:00" hostname="h"><testcase classname="tests.v1.2.test_x.TestFoo" name="test_y[a.b/c::d]" file="tests/v1.2/test_x.py" line="41" time="0.001" /><testcase classname="tests.Load.test_x" name="test_z" file="tests\Load\test_x.py" line="7" time="0.001" /></testsuite></testsuites>"#;
        let run = parse(xml).unwrap();
        let c = &run.cases[0];
        assert_eq!(c.file.as_deref(), Some("tests/v1.2/test_x.py"));
        assert_eq!(c.line, Some(41));
        // The dotted directory is only recoverable thanks to the legacy `file` attribute.
        assert_eq!(
            c.nodeid_guess(),
            "tests/v1.2/test_x.py::TestFoo::test_y[a.b/c::d]"
        );
        assert!(c.matches_nodeid("tests/v1.2/test_x.py::TestFoo::test_y[a.b/c::d]"));
        let c = &run.cases[1];
        assert_eq!(c.nodeid_guess(), "tests/Load/test_x.py::test_z");
        assert!(c.matches_nodeid("tests/Load/test_x.py::test_z"));
    }

    #[test]
    fn single_testsuite_root_and_namespaces_and_cdata() {
        let xml = r#"<?xml version="1.0"?>
<!-- generated -->
<ns:testsuite xmlns:ns="urn:x" tests="1"><ns:testcase classname="m" name="t"><ns:failure message="m"><![CDATA[a < b & c]]> tail</ns:failure></ns:testcase></ns:testsuite>"#;
        let run = parse(xml).unwrap();
        assert_eq!(run.cases.len(), 1);
        assert_eq!(run.cases[0].outcome, Outcome::Failed);
        assert_eq!(run.cases[0].details.as_deref(), Some("a < b & c tail"));
    }

    #[test]
    fn escaped_entities_are_resolved_but_custom_entities_are_not_expanded() {
        let xml = r#"<?xml version="1.0"?>
<!DOCTYPE testsuites [<!ENTITY boom "BOOM"><!ENTITY lol "&boom;&boom;&boom;">]>
<testsuites><testsuite><testcase classname="m" name="t"><failure message="&lt;script&gt;&amp;&#x41;&#66;&apos;&quot;">x &lol; &#0; &lt;script&gt;</failure></testcase></testsuite></testsuites>"#;
        let run = parse(xml).unwrap();
        let c = &run.cases[0];
        assert_eq!(c.message.as_deref(), Some("<script>&AB'\""));
        assert_eq!(c.details.as_deref(), Some("x &lol; &#0; <script>"));
        assert!(!run.warnings.is_empty());
        assert!(!c.details.as_deref().unwrap().contains("BOOM"));
    }

    #[test]
    fn unknown_entity_in_attribute_keeps_raw_value_with_warning() {
        let xml = r#"<testsuite><testcase classname="m" name="t"><failure message="a &custom; b">x</failure></testcase></testsuite>"#;
        let run = parse(xml).unwrap();
        assert_eq!(run.cases[0].message.as_deref(), Some("a &custom; b"));
        assert_eq!(run.warnings.len(), 1);
    }

    #[test]
    fn truncated_after_complete_cases_returns_partial() {
        let cut = PYTEST8
            .find("<testcase classname=\"tests.load.test_x\" name=\"test_skip\"")
            .unwrap();
        // Cut in the middle of the skip test's element.
        let err = parse(&PYTEST8[..cut + 40]).unwrap_err();
        assert!(matches!(err, JunitError::Truncated { .. }), "{err}");
        let partial = err.partial().unwrap();
        assert_eq!(partial.cases.len(), 3);
        assert_eq!(partial.cases[1].outcome, Outcome::Failed);
        assert_eq!(partial.tests, Some(9));

        // Cut between elements: no syntax error, but elements are left open.
        let cut = PYTEST8
            .find("<testcase classname=\"tests.load.test_x\" name=\"test_xfail\"")
            .unwrap();
        let err = parse(&PYTEST8[..cut]).unwrap_err();
        assert!(matches!(err, JunitError::Truncated { .. }), "{err}");
        assert_eq!(err.position(), cut as u64);
        let run = err.into_partial().unwrap();
        assert_eq!(run.cases.len(), 4);

        // Cut inside a failure body: that case is not complete, so it is dropped.
        let cut = PYTEST8.find("E       AssertionError").unwrap();
        let err = parse(&PYTEST8[..cut]).unwrap_err();
        assert_eq!(err.partial().unwrap().cases.len(), 1);
    }

    #[test]
    fn every_prefix_is_handled_without_panic() {
        for end in 0..=PYTEST8.len() {
            if !PYTEST8.is_char_boundary(end) {
                continue;
            }
            match parse(&PYTEST8[..end]) {
                Ok(run) => assert_eq!(end, PYTEST8.len(), "{run:?}"),
                Err(e) => {
                    let msg = e.to_string();
                    assert!(!msg.contains('\n'), "{msg}");
                }
            }
        }
        assert!(parse(PYTEST8).is_ok());
    }

    #[test]
    fn garbage_and_non_junit_inputs() {
        for input in [
            &b""[..],
            b"   \n\t ",
            b"\xEF\xBB\xBF",
            b"\x00\x01\x02\xff\xfe binary",
            b"PK\x03\x04\x14\x00\x00\x00",
            b"hello world",
            b"{\"json\": true}",
            b"<html><body>nope</body></html>",
            b"<?xml version=\"1.0\"?><testsuitesX/>",
            b"<<<<>>>>",
            b"<!-- only a comment -->",
        ] {
            let err = parse_bytes(input).unwrap_err();
            assert!(
                matches!(err, JunitError::NotJunit { .. }),
                "{input:?}: {err:?}"
            );
            assert!(err.partial().is_none());
            assert!(err.to_string().contains("at byte"));
        }
    }

    #[test]
    fn malformed_xml_is_an_error_with_partial() {
        let xml = r#"<testsuites><testsuite><testcase classname="m" name="a"/><testcase classname="m" name="b"></testsuite></testsuites>"#;
        let err = parse(xml).unwrap_err();
        assert!(matches!(err, JunitError::Malformed { .. }), "{err:?}");
        assert_eq!(err.partial().unwrap().cases.len(), 1);
        let line = err.to_string();
        assert!(line.starts_with("malformed XML at byte "), "{line}");
        assert!(!line.contains('\n'));

        let xml = r#"<testsuite><testcase classname="m" name="a" name="b"/></testsuite>"#;
        assert!(matches!(parse(xml), Err(JunitError::Malformed { .. })));
        let xml = r#"<testsuite><testcase classname=m/></testsuite>"#;
        assert!(parse(xml).is_err());
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let mut xml = b"<testsuite><testcase classname=\"m\" name=\"t\"><failure message=\"bad \xff\xfe byte\">tb \xe2\x82 end</failure></testcase></testsuite>".to_vec();
        let run = parse_bytes(&xml).unwrap();
        assert_eq!(
            run.cases[0].message.as_deref(),
            Some("bad \u{FFFD}\u{FFFD} byte")
        );
        assert_eq!(run.cases[0].details.as_deref(), Some("tb \u{FFFD} end"));
        // Incomplete sequence at the very end of input.
        xml.truncate(20);
        xml.push(0xE2);
        assert!(parse_bytes(&xml).is_err());
    }

    #[test]
    fn tiny_read_chunks_do_not_split_characters() {
        let xml = "<testsuite><testcase classname=\"m\" name=\"t[ü-€-𝄞]\"><failure message=\"é\">日本語</failure></testcase></testsuite>";
        let run = parse_junit(BufReader::with_capacity(1, xml.as_bytes())).unwrap();
        assert_eq!(run.cases[0].name, "t[ü-€-𝄞]");
        assert_eq!(run.cases[0].message.as_deref(), Some("é"));
        assert_eq!(run.cases[0].details.as_deref(), Some("日本語"));
        let run2 = parse_junit(BufReader::with_capacity(2, xml.as_bytes())).unwrap();
        assert_eq!(run, run2);
    }

    #[test]
    fn overlong_names_and_bodies_are_cut_while_reading_and_lines_stay_right() {
        // Longer than any name kept, shorter than a console line (whose ids hash whole).
        let name = format!("test_p[{}]", "x".repeat(512 << 10));
        let body = "Traceback line\n".repeat(200_000);
        let xml = format!(
            "<testsuite>\n<testcase classname=\"tests.test_a\" name=\"{name}\">\n<failure message=\"m\">{body}</failure>\n</testcase>\n<testcase classname=\"tests.test_a\" name=\"test_after\"/>\n</testsuite>"
        );
        let run = parse(&xml).unwrap();
        let (first, after) = (&run.cases[0], &run.cases[1]);
        assert!(
            first.name.len() <= crate::ingest::bounds::MAX_ID,
            "{}",
            first.name.len()
        );
        // The same long id from the console log gives the same address.
        let (_, from_log) = junit_address(&format!("tests/test_a.py::{name}"));
        assert!(
            first.name == from_log,
            "the XML and the log cut the name alike"
        );
        assert!(
            first
                .details
                .as_deref()
                .unwrap()
                .ends_with(TRUNCATION_MARKER)
        );
        assert_eq!(after.name, "test_after");
        assert_eq!(
            after.lines.case,
            200_000 + 5,
            "line numbers count the dropped lines"
        );
    }

    #[test]
    fn huge_attributes_and_bodies_are_capped() {
        let big = "é".repeat(200_000);
        let xml = format!(
            "<testsuite><testcase classname=\"m\" name=\"t\"><failure message=\"{big}\">{big}<![CDATA[{big}]]></failure></testcase></testsuite>"
        );
        let run = parse(&xml).unwrap();
        let c = &run.cases[0];
        let msg = c.message.as_deref().unwrap();
        let details = c.details.as_deref().unwrap();
        assert!(msg.len() <= MAX_TEXT_BYTES && details.len() <= MAX_TEXT_BYTES);
        assert!(details.ends_with(TRUNCATION_MARKER));
        assert!(msg.len() > MAX_TEXT_BYTES - 100);
    }

    #[test]
    fn bad_numbers_become_warnings() {
        let xml = r#"<testsuite tests="many" time="NaN"><testcase classname="m" name="t" time="-1" line="x"/></testsuite>"#;
        let run = parse(xml).unwrap();
        assert_eq!(run.tests, None);
        assert_eq!(run.time_s, None);
        assert_eq!(run.cases[0].duration_s, None);
        assert_eq!(run.cases[0].line, None);
        assert_eq!(run.warnings.len(), 4);
    }

    #[test]
    fn warnings_are_capped() {
        let mut xml = String::from("<testsuite>");
        for _ in 0..500 {
            xml.push_str(r#"<testcase classname="m" name="t" time="x"/>"#);
        }
        xml.push_str("</testsuite>");
        let run = parse(&xml).unwrap();
        assert_eq!(run.warnings.len(), MAX_WARNINGS + 1);
        assert_eq!(run.cases.len(), 500);
    }

    #[test]
    fn pseudo_random_inputs_never_panic() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet: &[u8] = b"<>/=\"' &;#x![]-?testsuitecas\xff\xc3\n";
        for _ in 0..2000 {
            let len = (next() % 200) as usize;
            let mut input = b"<testsuites><testsuite><testcase ".to_vec();
            for _ in 0..len {
                input.push(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            let _ = parse_bytes(&input);
            // Also mutate a valid document.
            let mut doc = PYTEST8.as_bytes().to_vec();
            for _ in 0..3 {
                let i = (next() % doc.len() as u64) as usize;
                doc[i] = alphabet[(next() % alphabet.len() as u64) as usize];
            }
            let _ = parse_bytes(&doc);
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let mut xml = String::from("<testsuites>");
        xml.push_str(&"<x>".repeat(100_000));
        xml.push_str(&"</x>".repeat(100_000));
        xml.push_str("</testsuites>");
        assert!(parse(&xml).unwrap().cases.is_empty());
    }

    #[test]
    fn sniffing() {
        assert!(looks_like_junit(PYTEST8.as_bytes()));
        assert!(looks_like_junit(&PYTEST8.as_bytes()[..60]));
        assert!(looks_like_junit(b"\xEF\xBB\xBF\n  <testsuite name=\"x\">"));
        assert!(looks_like_junit(b"<testsuites>"));
        assert!(looks_like_junit(b"<testsuite/>"));
        assert!(looks_like_junit(b"<testsuites"));
        assert!(looks_like_junit(
            b"<?xml version=\"1.0\"?>\n<!-- a -->\n<?pi x?><!DOCTYPE testsuites [<!ENTITY a \">\">]>\n<testsuites>"
        ));
        assert!(!looks_like_junit(b""));
        assert!(!looks_like_junit(b"<?xml version=\"1.0\"?>"));
        assert!(!looks_like_junit(b"<?xml version=\"1.0\"?><html>"));
        assert!(!looks_like_junit(b"<testsuitesX>"));
        assert!(!looks_like_junit(b"<!-- unterminated <testsuites>"));
        assert!(!looks_like_junit(
            b"============ test session starts ============"
        ));
        assert!(!looks_like_junit(b"\x00\xff<testsuites>"));
    }

    #[test]
    fn address_mapping() {
        assert_eq!(
            junit_address("tests/load/test_x.py::TestFoo::test_y[a-1]"),
            ("tests.load.test_x.TestFoo".into(), "test_y[a-1]".into())
        );
        assert_eq!(
            junit_address("test_x.py::test_y[a.b/c::d[e]]"),
            ("test_x".into(), "test_y[a.b/c::d[e]]".into())
        );
        assert_eq!(
            junit_address("tests/test_x.py"),
            ("".into(), "tests.test_x".into())
        );
        assert_eq!(
            junit_address("docs/index.rst::index.rst"),
            ("docs.index.rst".into(), "index.rst".into())
        );
        assert_eq!(
            junit_address("t.py::test[\u{1b}]"),
            ("t".into(), "test[#x1B]".into())
        );
    }

    #[test]
    fn captured_output_properties_and_lines() {
        let xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites>\n<testsuite name=\"pytest\" tests=\"2\" hostname=\"ci-7\" timestamp=\"2026-11-27T09:50:35+00:00\">\n<properties><property name=\"build\" value=\"1234\"/></properties>\n<testcase classname=\"tests.test_api\" name=\"test_a\" time=\"0.5\">\n<properties><property name=\"env\" value=\"staging\"/></properties>\n<failure message=\"requests.exceptions.ReadTimeout: boom\">tests/test_api.py:3: in test_a\nE   requests.exceptions.ReadTimeout: boom</failure>\n<system-out>--- Captured Log ---\nWARNING  urllib3.connectionpool:connectionpool.py:870 Retrying (Retry(total=0))</system-out>\n<system-err>oops</system-err>\n</testcase>\n<testcase classname=\"tests.test_api\" name=\"test_b\"/>\n</testsuite>\n</testsuites>\n";
        let run = parse(xml).unwrap();
        assert_eq!(run.hostnames, vec!["ci-7".to_string()]);
        assert_eq!(
            run.properties,
            vec![("build".to_string(), "1234".to_string())]
        );
        let a = case(&run, "test_a");
        assert_eq!(
            a.properties,
            vec![("env".to_string(), "staging".to_string())]
        );
        assert!(
            a.system_out
                .as_deref()
                .unwrap()
                .contains("Retrying (Retry(total=0))")
        );
        assert_eq!(a.system_err.as_deref(), Some("oops"));
        assert_eq!(a.lines.case, 5);
        assert_eq!(a.lines.details, 7);
        assert_eq!(a.lines.system_out, 9);
        assert_eq!(a.lines.system_err, 11);
        assert_eq!(case(&run, "test_b").lines.case, 13);
    }

    #[test]
    fn nodeid_matching() {
        let c = |classname: &str, name: &str| JunitCase {
            classname: classname.into(),
            name: name.into(),
            file: None,
            line: None,
            outcome: Outcome::Passed,
            duration_s: None,
            message: None,
            details: None,
            teardown_error: false,
            system_out: None,
            system_err: None,
            properties: Vec::new(),
            lines: CaseLines::default(),
        };
        let foo = c("tests.load.test_x.TestFoo", "test_y[a-1]");
        assert!(foo.matches_nodeid("tests/load/test_x.py::TestFoo::test_y[a-1]"));
        assert!(!foo.matches_nodeid("tests/load/test_x.py::TestFoo::test_y[a-2]"));
        assert!(!foo.matches_nodeid("tests/load/test_x.py::test_y[a-1]"));
        assert!(!foo.matches_nodeid("tests/load/test_z.py::TestFoo::test_y[a-1]"));
        assert!(!foo.matches_nodeid("load/test_x.py::TestFoo::test_y[a-1]"));
        assert_eq!(
            foo.nodeid_guess(),
            "tests/load/test_x.py::TestFoo::test_y[a-1]"
        );

        let p = c("tests.test_x", "test_u[http://h.example/a.b::c]");
        assert!(p.matches_nodeid("tests/test_x.py::test_u[http://h.example/a.b::c]"));
        assert_eq!(
            p.nodeid_guess(),
            "tests/test_x.py::test_u[http://h.example/a.b::c]"
        );

        // --junit-prefix: not an exact match, but found by JunitRun::find_nodeid.
        let pre = c("ci.tests.test_x.TestA", "test_b");
        assert!(!pre.matches_nodeid("tests/test_x.py::TestA::test_b"));
        let mut run = JunitRun {
            cases: vec![pre.clone(), c("xtests.test_x", "t")],
            ..JunitRun::default()
        };
        assert_eq!(
            run.find_nodeid("tests/test_x.py::TestA::test_b"),
            Some(&pre)
        );
        assert_eq!(run.find_nodeid("tests/test_x.py::t"), None);
        run.cases.push(c("other.tests.test_x.TestA", "test_b"));
        assert_eq!(
            run.find_nodeid("tests/test_x.py::TestA::test_b"),
            None,
            "ambiguous"
        );
        run.cases.push(c("tests.test_x.TestA", "test_b"));
        assert_eq!(
            run.find_nodeid("tests/test_x.py::TestA::test_b")
                .map(|c| c.classname.as_str()),
            Some("tests.test_x.TestA")
        );

        assert_eq!(
            c("test_top", "test_a").nodeid_guess(),
            "test_top.py::test_a"
        );
        assert_eq!(c("Tests.test_a", "t").nodeid_guess(), "Tests/test_a.py::t");
        assert_eq!(
            c("tests.test_a", "TestC").nodeid_guess(),
            "tests/test_a.py::TestC"
        );
    }

    #[test]
    fn error_display_is_one_line_with_position() {
        let err = parse("<testsuites><testsuite>\n<testcase classname=\"a\nb\"").unwrap_err();
        let s = err.to_string();
        assert!(s.contains("at byte "), "{s}");
        assert!(!s.contains('\n'));
        let e: Box<dyn std::error::Error> = Box::new(err);
        assert!(!e.to_string().is_empty());
    }
}
