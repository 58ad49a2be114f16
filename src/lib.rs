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
//! run against a baseline run, [`source`] reads the code under test, [`par`] spreads
//! per-group work over the cores. [`run::analyze`] drives the pipeline; [`cli`] is the
//! command line.
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
pub mod hashed;
pub mod history;
pub mod ingest;
pub mod model;
pub mod par;
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

/// Keeps the first `k` elements of `v` in the order `cmp`, sorted: a selection, then a sort
/// of the `k` kept (a finding of an event-dense log holds tens of thousands of locations and
/// keeps twenty). `cmp` must be a total order for the result not to depend on input order.
pub(crate) fn keep_first_sorted<T>(
    v: &mut Vec<T>,
    k: usize,
    mut cmp: impl FnMut(&T, &T) -> std::cmp::Ordering,
) {
    if v.len() > k {
        if k == 0 {
            v.clear();
            return;
        }
        v.select_nth_unstable_by(k - 1, &mut cmp);
        v.truncate(k);
    }
    v.sort_unstable_by(cmp);
}

#[cfg(test)]
mod tests {
    use super::keep_first_sorted;

    /// The selection keeps what a full sort and a cut keep, whatever `k` and the input order.
    #[test]
    fn keeping_the_first_k_equals_sorting_everything_and_cutting() {
        let mut seed = 0x9e37_79b9_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % 50
        };
        for len in [0, 1, 5, 20, 21, 300] {
            let data: Vec<(u64, u64)> = (0..len).map(|_| (next(), next())).collect();
            for k in [0, 1, 5, 20, 400] {
                let mut expected = data.clone();
                expected.sort();
                expected.truncate(k);
                let mut kept = data.clone();
                keep_first_sorted(&mut kept, k, Ord::cmp);
                assert_eq!(kept, expected, "len {len}, k {k}");
                let mut by_count = data.clone();
                keep_first_sorted(&mut by_count, k, |a, b| b.cmp(a));
                let mut expected: Vec<_> = data.clone();
                expected.sort_by(|a, b| b.cmp(a));
                expected.truncate(k);
                assert_eq!(by_count, expected, "descending, len {len}, k {k}");
            }
        }
    }
}
