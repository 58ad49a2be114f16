//! rca: root-cause analysis of failed pytest runs of HTTP load tests.
//!
//! Data flows one way: bytes ([`input`], [`lines`], [`prefix`]) → structure and events
//! ([`pytest`], [`signatures`], [`fields`], [`collect`], [`event`], [`junit`]) → analysis
//! ([`analysis`]) → output ([`render`]). [`run::analyze`] drives the pipeline; [`cli`] is the
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
pub mod checklist;
pub mod cli;
pub mod client;
pub mod client_config;
pub mod collect;
pub mod digest;
pub mod echo;
pub mod event;
pub mod fields;
pub mod history;
pub mod i18n;
pub mod input;
pub mod junit;
pub mod lines;
pub mod model;
pub mod prefix;
pub mod probe;
pub mod pytest;
pub mod recommend;
pub mod redact;
pub mod relog;
pub mod render;
pub mod responses;
pub mod rootcause;
pub mod run;
pub mod signatures;
pub mod source;
pub mod trend;
pub mod xmlcap;
