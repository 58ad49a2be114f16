//! The table of English clause patterns and their Hebrew renderings (`{name}` = named
//! capture), one file per family of sentences, and the order in which they are tried (the
//! first pattern that matches a clause wins, so the order is part of the table).
//!
//! It holds no code: the matching and the substitution of captures are in
//! [`crate::report::i18n`], the fixed report wording in [`crate::report::i18n::labels`].

mod causes;
mod checks;
mod client;
mod runs;
mod source;
mod summary;

/// Every family, in the order the patterns are tried.
pub(super) const FAMILIES: &[&[(&str, &str)]] = &[
    runs::BASELINE,
    runs::HISTORY,
    causes::CAPACITY,
    causes::TITLES,
    causes::VERDICTS,
    causes::EVIDENCE,
    checks::CROSS_CHECK_TITLES,
    checks::CROSS_CHECKS,
    client::CLIENT_CONFIG,
    client::RETRY_AFTER,
    client::REPROBE,
    client::URLLIB3_SLEEPS,
    summary::OUTAGES,
    summary::HEADLINE,
    summary::SYMPTOMS,
    source::SOURCE,
];
