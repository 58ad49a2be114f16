//! The element state machine of the JUnit reader: the stack of open elements, the active
//! `<testcase>`, the counters of the roots and suites, merging pytest's split teardown
//! reports, and turning reader errors into [`JunitError`]s with what was read so far.
//!
//! Not here: reading each element's attributes ([`super::attributes`]), deciding a case's
//! outcome from its children ([`super::case`]), and the read loop ([`super::parse_junit`]).

use super::case::CaseBuilder;
use super::text::{CappedText, resolve_ref, snippet};
use super::{JunitCase, JunitError, JunitRun, MAX_WARNINGS};
use crate::model::Outcome;
use quick_xml::events::{BytesRef, BytesStart, BytesText, Event};
use std::collections::HashMap;

/// Kinds of open elements tracked by the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Elem {
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

/// Parser state.
#[derive(Debug, Default)]
pub(super) struct Parser {
    pub(super) run: JunitRun,
    stack: Vec<Elem>,
    pub(super) case: Option<CaseBuilder>,
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
    pub(super) line: u64,
}

/// The summary counters of one element (or a sum of several).
#[derive(Debug, Default, Clone)]
pub(super) struct Counters {
    pub(super) tests: Option<u64>,
    pub(super) failures: Option<u64>,
    pub(super) errors: Option<u64>,
    pub(super) skipped: Option<u64>,
    pub(super) time_s: Option<f64>,
    pub(super) timestamp: Option<String>,
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
    /// A parser at line 1 of a document.
    pub(super) fn new() -> Self {
        Parser {
            line: 1,
            ..Parser::default()
        }
    }

    pub(super) fn warn(&mut self, msg: String) {
        if self.run.warnings.len() < MAX_WARNINGS {
            self.run.warnings.push(msg);
        } else {
            self.suppressed_warnings += 1;
        }
    }

    /// The run as parsed so far, with counters resolved.
    pub(super) fn snapshot(&mut self) -> JunitRun {
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

    pub(super) fn finish(mut self, position: u64) -> Result<JunitRun, JunitError> {
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

    pub(super) fn xml_error(&mut self, err: quick_xml::Error, position: u64) -> JunitError {
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

    /// Handles one XML event at byte `position`.
    pub(super) fn handle(&mut self, event: Event<'_>, position: u64) -> Result<(), JunitError> {
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
            Event::Text(t) => self.text(&t, position),
            Event::CData(t) => {
                if let Some(target) = self.text_target() {
                    target.push(&t.xml10_content());
                }
                Ok(())
            }
            Event::GeneralRef(r) => {
                self.general_ref(&r, position);
                Ok(())
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => Ok(()),
            Event::Eof => Ok(()),
        }
    }

    /// Text outside the root must be blank before the first root; inside, it goes to
    /// whatever captures it.
    fn text(&mut self, t: &BytesText<'_>, position: u64) -> Result<(), JunitError> {
        if self.stack.is_empty() {
            let content = t.xml10_content();
            let trimmed = content.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
            if !trimmed.is_empty() && self.roots == 0 {
                return Err(JunitError::NotJunit {
                    position,
                    message: format!("text before the root element: {:?}", snippet(trimmed)),
                });
            }
        } else if let Some(target) = self.text_target() {
            target.push(&t.xml10_content());
        }
        Ok(())
    }

    /// An entity or character reference: resolved, or kept literally with a warning.
    fn general_ref(&mut self, r: &BytesRef<'_>, position: u64) {
        let resolved = resolve_ref(r);
        if resolved.is_none() {
            self.warn(format!(
                "byte {position}: unknown or invalid entity reference &{};, kept literally",
                snippet(r)
            ));
        }
        if let Some(target) = self.text_target() {
            match resolved {
                Some(s) => target.push(&s),
                None => {
                    target.push("&");
                    target.push(r);
                    target.push(";");
                }
            }
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

    /// A start tag (or an empty element when `empty`): which element it is, what it opens,
    /// and whether it stays on the stack.
    fn start(&mut self, e: &BytesStart<'_>, position: u64, empty: bool) -> Result<(), JunitError> {
        let name = local_name(e);
        let elem = if self.stack.is_empty() {
            self.root_elem(&name, position)?
        } else {
            self.nested_elem(e, &name, position)?
        };
        let Some(elem) = self.open(elem, e, position, empty)? else {
            return Ok(());
        };
        if !empty {
            self.stack.push(elem);
        }
        Ok(())
    }

    /// The kind of a root element: another root than a suite is not JUnit when it is the
    /// first, and ignored with a warning after one.
    fn root_elem(&mut self, name: &[u8], position: u64) -> Result<Elem, JunitError> {
        match name {
            b"testsuites" => Ok(Elem::Suites),
            b"testsuite" => Ok(Elem::Suite),
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
                Ok(Elem::Other)
            }
        }
    }

    /// The kind of an element inside the root (a `<property>` is read here, whole).
    fn nested_elem(
        &mut self,
        e: &BytesStart<'_>,
        name: &[u8],
        position: u64,
    ) -> Result<Elem, JunitError> {
        let top = self.stack.last().copied();
        Ok(match (name, top) {
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
        })
    }

    /// Opens `elem`: the element to push, or `None` when nothing is to be pushed (an empty
    /// `<testcase>` already closed, a child outside a case).
    fn open(
        &mut self,
        elem: Elem,
        e: &BytesStart<'_>,
        position: u64,
        empty: bool,
    ) -> Result<Option<Elem>, JunitError> {
        match elem {
            Elem::Suites | Elem::Suite => self.open_suite(elem, e, position, empty).map(Some),
            Elem::Case => self.open_case(e, position, empty),
            Elem::SystemOut | Elem::SystemErr => {
                self.mark_output(elem);
                Ok(Some(elem))
            }
            Elem::Failure(_) | Elem::Error(_) | Elem::Skipped => self.open_child(elem, e, position),
            other => Ok(Some(other)),
        }
    }

    /// A `<testsuites>` or `<testsuite>`: its counters go to the root's attributes or to the
    /// sums over the outermost suites.
    fn open_suite(
        &mut self,
        elem: Elem,
        e: &BytesStart<'_>,
        position: u64,
        empty: bool,
    ) -> Result<Elem, JunitError> {
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
        Ok(elem)
    }

    /// A `<testcase>` becomes the active case (and is finished at once when empty).
    fn open_case(
        &mut self,
        e: &BytesStart<'_>,
        position: u64,
        empty: bool,
    ) -> Result<Option<Elem>, JunitError> {
        let mut case = self.read_case(e, position)?;
        case.lines.case = self.line;
        self.case = Some(case);
        if empty {
            self.end(Elem::Case);
            return Ok(None);
        }
        Ok(Some(Elem::Case))
    }

    /// Where the active case's `<system-out>` or `<system-err>` starts.
    fn mark_output(&mut self, elem: Elem) {
        if let Some(case) = self.case.as_mut() {
            if elem == Elem::SystemOut {
                case.lines.system_out = self.line;
            } else {
                case.lines.system_err = self.line;
            }
        }
    }

    /// A `<failure>`, `<error>` or `<skipped>` of the active case: the first of each kind is
    /// kept (and its text captured); an error "failed on teardown" marks the case.
    fn open_child(
        &mut self,
        elem: Elem,
        e: &BytesStart<'_>,
        position: u64,
    ) -> Result<Option<Elem>, JunitError> {
        let mut child = self.read_child(e, position)?;
        child.line = self.line;
        let teardown = child
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("failed on teardown"));
        let Some(case) = self.case.as_mut() else {
            return Ok(None);
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
        Ok(Some(match elem {
            Elem::Failure(_) => Elem::Failure(capture),
            Elem::Error(_) => Elem::Error(capture),
            other => other,
        }))
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
}
