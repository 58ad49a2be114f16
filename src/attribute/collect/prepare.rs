//! What a candidate line says by itself, read ahead of the collector on the thread that
//! reads the input ([`crate::run`]): its signature facts, what it says about retries and the
//! HTTP response it shows. All of it is a pure function of the line's text, so it can be
//! read on any thread; on an event-dense log it is most of the per-line work, and the
//! reading thread would otherwise wait for the collector.
//!
//! The collector uses a read-ahead only for the very text it was read from ([`PreparedLine`])
//! and reads anything else itself, so a read-ahead can never change what it concludes.
//! Not here: anything that depends on the collector's state.

use crate::attribute::responses::{self, Response};
use crate::parse::line_facts::{self, FactsMemo, LineFacts, UsedUp};
use crate::parse::signatures::SignatureSet;

/// What a candidate line (normalised, without its indentation) says by itself.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prepared {
    /// The line's facts, when a signature recognised it.
    pub facts: Option<LineFacts>,
    /// What it says about retries being used up (read only for a line naming retries or
    /// attempts, [`names_retries_or_attempts`]).
    pub used_up: UsedUp,
    /// What it says about retry timing, for a line naming retries ([`names_retries`]).
    pub retry: Option<RetryWords>,
    /// The HTTP response it shows (urllib3 DEBUG and httpx INFO lines).
    pub response: Option<Response>,
}

/// What a line naming retries says about their timing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RetryWords {
    /// A `Retry-After` value, in seconds.
    pub retry_after: Option<f64>,
    /// A urllib3 retry DEBUG line: its path and kind ([`super::retries::retry_debug_line`]).
    pub debug: Option<(String, Option<bool>)>,
}

impl RetryWords {
    /// Reads `text`.
    pub fn read(text: &[u8]) -> RetryWords {
        RetryWords {
            retry_after: responses::retry_after(text),
            debug: super::retries::retry_debug_line(text),
        }
    }
}

/// `Retry-After`, `Incremented Retry`, `Retry: `, `Retrying`: lines that may say something
/// of retry timing contain `etry` or `ETRY` (one cheap check first).
pub fn names_retries(text: &[u8]) -> bool {
    super::ETRY.find(text).is_some() || super::ETRY_UPPER.find(text).is_some()
}

/// Lines that may say retries are used up ([`line_facts::used_up`]): those naming retries
/// or attempts.
pub fn names_retries_or_attempts(text: &[u8]) -> bool {
    names_retries(text) || finder!(b"ttempt").find(text).is_some()
}

/// The response `text` shows, if any.
pub fn response_of(text: &[u8]) -> Option<Response> {
    if responses::mentions_http(text) {
        responses::parse(text)
    } else {
        None
    }
}

/// Reads candidate lines ahead, with its own memo (one per thread).
#[derive(Default)]
pub struct Preparer {
    memo: FactsMemo,
    scratch: Vec<usize>,
}

impl Preparer {
    /// What `text` (a normalised line without its indentation) says by itself.
    pub fn prepare(&mut self, sigs: &SignatureSet, text: &[u8]) -> Prepared {
        Prepared {
            facts: self.memo.facts(sigs, text, &mut self.scratch),
            used_up: if names_retries_or_attempts(text) {
                line_facts::used_up(text)
            } else {
                UsedUp::No
            },
            retry: names_retries(text).then(|| RetryWords::read(text)),
            response: response_of(text),
        }
    }
}

/// A read-ahead with the text it was read from. Each part is taken once, and only for the
/// same text (the same bytes at the same place): an event may also be read from a text of
/// its own, such as a JUnit message, and that is read afresh.
pub(super) struct PreparedLine {
    /// Address and length of the text.
    at: (usize, usize),
    facts: Option<Option<LineFacts>>,
    used_up: UsedUp,
    retry: Option<RetryWords>,
    response: Option<Option<Response>>,
}

impl PreparedLine {
    pub(super) fn new(text: &[u8], p: Prepared) -> PreparedLine {
        PreparedLine {
            at: (text.as_ptr() as usize, text.len()),
            facts: Some(p.facts),
            used_up: p.used_up,
            retry: p.retry,
            response: Some(p.response),
        }
    }

    fn is_for(&self, text: &[u8]) -> bool {
        self.at == (text.as_ptr() as usize, text.len())
    }
}

/// The read-ahead facts of `text`, else `None` (read them).
pub(super) fn take_facts(p: &mut Option<PreparedLine>, text: &[u8]) -> Option<Option<LineFacts>> {
    p.as_mut().filter(|p| p.is_for(text))?.facts.take()
}

/// What `text`, a line naming retries or attempts, says about retries being used up.
pub(super) fn used_up(p: &Option<PreparedLine>, text: &[u8]) -> UsedUp {
    match p {
        Some(p) if p.is_for(text) => p.used_up,
        _ => line_facts::used_up(text),
    }
}

/// What `text`, a line naming retries, says about their timing.
pub(super) fn take_retry_words(p: &mut Option<PreparedLine>, text: &[u8]) -> RetryWords {
    p.as_mut()
        .filter(|p| p.is_for(text))
        .and_then(|p| p.retry.take())
        .unwrap_or_else(|| RetryWords::read(text))
}

/// The response `text` shows.
pub(super) fn take_response(p: &mut Option<PreparedLine>, text: &[u8]) -> Option<Response> {
    p.as_mut()
        .filter(|p| p.is_for(text))
        .and_then(|p| p.response.take())
        .unwrap_or_else(|| response_of(text))
}
