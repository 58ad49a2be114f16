//! rca: root-cause analysis of failed pytest runs of HTTP load tests.
//!
//! Data flows one way: bytes ([`input`], [`lines`], [`prefix`]) → structure and events
//! ([`pytest`], [`signatures`], [`fields`], [`collect`], [`event`], [`junit`]) → analysis
//! ([`analysis`]) → output ([`report`]). [`run::analyze`] drives the pipeline; [`cli`] is the
//! command line.

/// A `memmem` finder for a constant needle, built once: `memchr::memmem::find` builds one
/// per call, which costs more than the search on a short line.
macro_rules! finder {
    ($needle:expr) => {{
        static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new($needle));
        &*FINDER
    }};
}

pub mod analysis;
pub mod baseline;
pub mod bounds;
pub mod capacity;
pub mod checklist;
pub mod cli;
pub mod client;
pub mod client_config;
pub mod collect;
pub mod compare;
pub mod digest;
pub mod echo;
pub mod event;
pub mod fields;
pub mod history;
pub mod input;
pub mod junit;
pub mod line_facts;
pub mod lines;
pub mod model;
pub mod prefix;
pub mod probe;
pub mod pytest;
pub mod recommend;
pub mod redact;
pub mod relog;
pub mod report;
pub mod responses;
pub mod rootcause;
pub mod run;
pub mod signatures;
pub mod source;
pub mod trend;
pub mod xmlcap;

/// `bytes` as text, invalid UTF-8 replaced by U+FFFD: [`String::from_utf8_lossy`], with the
/// fast validation of [`std::str::from_utf8`] first (log lines are almost always valid, and
/// the lossy decoder walks them several times slower).
pub fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}
