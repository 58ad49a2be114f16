//! rca: root-cause analysis of failed pytest runs of HTTP load tests.
//!
//! One folder per stage, data flowing one way (README, *Architecture*):
//! [`ingest`] (open files, stdin and gzip, split lines, strip CI prefixes, read JUnit XML) →
//! [`parse`] (pytest's console grammar, failure signatures, fields) → [`attribute`] (which
//! test each line belongs to; events counted once, re-logs folded, responses) →
//! [`facts`] (the run's facts: tests, categories, events, timeline) → [`diagnose`] (root
//! causes, verdicts, cross-checks, capacity, recommendations) → [`report`] (one view model,
//! printed as text, Markdown, HTML or JSON). Beside the line: [`probe`] and [`client`]
//! re-probe the server, [`history`] keeps runs and the nightly trend, [`compare`] sets a
//! run against a baseline run, [`source`] reads the code under test. [`run::analyze`]
//! drives the pipeline; [`cli`] is the command line.
//!
//! The crate root owns only this map and two small helpers (`lossy`, the `finder!` macro);
//! every stage lives in its own module.

/// A `memmem` finder for a constant needle, built once: `memchr::memmem::find` builds one
/// per call, which costs more than the search on a short line.
macro_rules! finder {
    ($needle:expr) => {{
        static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new($needle));
        &*FINDER
    }};
}

pub mod attribute;
pub mod cli;
pub mod client;
pub mod compare;
pub mod diagnose;
pub mod facts;
pub mod history;
pub mod ingest;
pub mod model;
pub mod parse;
pub mod probe;
pub mod redact;
pub mod report;
pub mod run;
pub mod source;

/// `bytes` as text, invalid UTF-8 replaced by U+FFFD: [`String::from_utf8_lossy`], with the
/// fast validation of [`std::str::from_utf8`] first (log lines are almost always valid, and
/// the lossy decoder walks them several times slower).
pub fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}
