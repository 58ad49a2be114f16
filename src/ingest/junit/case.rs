//! A `<testcase>` being read: its attributes and its `<failure>`, `<error>` and `<skipped>`
//! children as they arrive, and the finished [`JunitCase`] with its outcome.
//!
//! Not here: the element state machine that fills it ([`super::parser`]) and merging pytest's
//! split teardown report into the case before it (also the parser's).

use super::text::CappedText;
use super::{CaseLines, JunitCase};
use crate::model::Outcome;

/// A `<failure>`, `<error>` or `<skipped>` child.
#[derive(Debug, Default)]
pub(super) struct Child {
    pub(super) message: Option<String>,
    pub(super) kind: Option<String>,
    pub(super) text: CappedText,
    pub(super) line: u64,
}

/// A `<testcase>` being read.
#[derive(Debug)]
pub(super) struct CaseBuilder {
    pub(super) classname: String,
    pub(super) name: String,
    pub(super) file: Option<String>,
    pub(super) line: Option<u32>,
    pub(super) duration_s: Option<f64>,
    pub(super) failure: Option<Child>,
    pub(super) error: Option<Child>,
    pub(super) skipped: Option<Child>,
    pub(super) teardown_error: bool,
    pub(super) system_out: CappedText,
    pub(super) system_err: CappedText,
    pub(super) properties: Vec<(String, String)>,
    pub(super) lines: CaseLines,
}

impl CaseBuilder {
    /// The finished case: the outcome from its children (see the module docs of
    /// [`super`]), and the message and body of the child that decided it.
    pub(super) fn build(self) -> JunitCase {
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
