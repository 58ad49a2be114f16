//! Failure signatures as data: each has a stable id, a category, literal prefilters, regex
//! patterns, a priority, a description and examples that must and must not match.
//!
//! The built-in set lives in `src/parse/signatures.toml`; users add their own with `--rules FILE`
//! in the same format. Classification of one line: only signatures whose literal occurs in the
//! line are tried, and of those that match, the highest priority wins (ties: earliest defined).
//!
//! Not here: the fields an event line carries ([`super::fields`]), and which test an event
//! belongs to or whether its retries were used up (the collector's).

use crate::model::Category;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::bytes::{Captures, Regex};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The built-in signature file, compiled into the binary.
pub const BUILTIN_TOML: &str = include_str!("signatures.toml");

/// One signature as written in a TOML file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureSpec {
    /// Stable identifier, e.g. `urllib3-pool-full`.
    pub id: String,
    /// Category id, one of [`Category::ALL`].
    pub category: String,
    /// One-line description.
    pub description: String,
    /// Higher wins when several signatures match a line.
    #[serde(default = "default_priority")]
    pub priority: i32,
    /// Case-sensitive substrings; the signature is only tried on lines containing one.
    /// Empty means "try on every line" (slow; fine for a few user rules).
    #[serde(default)]
    pub literals: Vec<String>,
    /// Regexes (Rust `regex` syntax); any match anywhere in the line is a match.
    pub patterns: Vec<String>,
    /// Lines that must be classified as this signature.
    #[serde(default, rename = "match")]
    pub match_examples: Vec<String>,
    /// Lines that must not be classified as this signature.
    #[serde(default)]
    pub no_match: Vec<String>,
    /// A condition the collector checks before the signature counts: `exhausted_retry`
    /// (a zero-counter `Retrying` line was seen in the same test block). Unset: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<String>,
    /// Where the signature came from (`builtin` or the rules file); not read from TOML.
    #[serde(skip_deserializing, default)]
    pub source: String,
}

fn default_priority() -> i32 {
    50
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureFile {
    #[serde(default, rename = "signature")]
    signatures: Vec<SignatureSpec>,
}

/// Why a signature file could not be used.
#[derive(Debug)]
pub struct SignatureError(pub String);

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SignatureError {}

/// A condition under which a signature counts (see [`SignatureSpec::requires`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Retries were visibly used up earlier in the same test block.
    ExhaustedRetry,
}

/// A compiled signature.
#[derive(Debug)]
pub struct Signature {
    /// The specification it was built from.
    pub spec: SignatureSpec,
    /// Its parsed category.
    pub category: Category,
    /// Compiled patterns.
    pub regexes: Vec<Regex>,
    /// Its parsed condition.
    pub requires: Option<Requirement>,
}

/// The outcome of classifying one line.
///
/// One line can show two categories: retry exhaustion and the failure that was retried
/// (`ResponseError('too many 429 error responses')` is `retry_exhausted` and `rate_limited`;
/// `Giving up after 5 tries (requests.exceptions.ConnectTimeout: ...)` is `retry_exhausted`
/// and `connect_timeout`). Then `signature` is the exhaustion signature and `cause` the
/// category of the best other signature that matches the same line.
pub struct Hit<'l> {
    /// Index of the winning signature in [`SignatureSet::signatures`].
    pub signature: usize,
    /// Captures of the highest-priority pattern that matched (named groups are fields).
    pub captures: Captures<'l>,
    /// The retried failure, when the winning signature is a retry-exhaustion one.
    pub cause: Option<Category>,
    /// The signature that recognised the cause.
    pub cause_signature: Option<usize>,
}

/// A compiled, ready-to-use set of signatures with a shared literal prefilter.
#[derive(Debug)]
pub struct SignatureSet {
    signatures: Vec<Signature>,
    /// Prefilter over every literal of every signature, plus [`EXTRA_LITERALS`], reporting
    /// every literal occurrence (used per line to pick the signatures to try).
    prefilter: AhoCorasick,
    /// A reduced cover of the same literals for scanning whole blocks (see [`BlockScan`]).
    block_prefilter: BlockScan,
    /// For each prefilter pattern: the signatures it stands for.
    owners: Vec<Vec<usize>>,
    /// Signatures without literals (tried on every line).
    always: Vec<usize>,
    /// Number of prefilter patterns that belong to signatures.
    signature_literals: usize,
}

/// Literals that are not signatures but make a line interesting to the structure parser
/// even when it does not start with a structural character (test ids in result lines),
/// or that carry request context inside tracebacks, or that report HTTP responses.
/// `<Request('GET', 'http://...')>` (httpx) and `method = 'POST'` (urllib3) argument displays
/// in tracebacks name the request that failed.
pub const EXTRA_LITERALS: &[&str] = &[
    ".py::",
    "<Request('",
    "method = '",
    // Response lines (counted as counter-evidence, see `responses`).
    " HTTP/1.",
    "HTTP Request: ",
    // The delay a server asked for (see `responses::retry_after`).
    "Retry-After",
    "Retry-after",
    "retry-after",
    "RETRY-AFTER",
    // urllib3 DEBUG lines around a retry's sleep (see `collect::retry_debug_line`).
    "Incremented Retry for (url='",
    "connectionpool: Retry: ",
    // Retry lines without a cause on the same line (wrapped consoles) and retry loops that
    // announce their last attempt (see `line_facts::announces_last_attempt`).
    "Retrying (",
    "ttempt ",
    // pytest `-v` result lines of module-level outcomes, and unittest's verbose results.
    ".py ",
    ") ... ",
];

impl SignatureSet {
    /// The built-in signatures.
    pub fn builtin() -> SignatureSet {
        let specs = parse_specs(BUILTIN_TOML, "builtin").expect("built-in signatures parse");
        SignatureSet::new(specs).expect("built-in signatures compile")
    }

    /// Built-ins followed by the user's rules (user rules may reuse no built-in id). The
    /// rules are held to the built-ins' standard: every rule needs a `match` example, and a
    /// rule whose examples do not hold is an error that names the rule and the example.
    pub fn with_rules(rules_toml: &str, origin: &str) -> Result<SignatureSet, SignatureError> {
        let set = SignatureSet::with_rules_unchecked(rules_toml, origin)?;
        let failures = set.check_examples_from(origin);
        match failures.first() {
            None => Ok(set),
            Some(first) => {
                let more = match failures.len() - 1 {
                    0 => String::new(),
                    n => format!(
                        " (and {n} more; `rca signatures --rules {origin} --check` lists them)"
                    ),
                };
                Err(SignatureError(format!("{origin}: {first}{more}")))
            }
        }
    }

    /// Like [`SignatureSet::with_rules`], without checking the rules' examples (for
    /// `rca signatures --check`, which reports every failing example).
    pub fn with_rules_unchecked(
        rules_toml: &str,
        origin: &str,
    ) -> Result<SignatureSet, SignatureError> {
        let mut specs = parse_specs(BUILTIN_TOML, "builtin")?;
        let user = parse_specs(rules_toml, origin)?;
        if user.is_empty() {
            return Err(SignatureError(format!(
                "{origin}: no [[signature]] entries found"
            )));
        }
        specs.extend(user);
        SignatureSet::new(specs)
    }

    /// Compiles a list of specifications.
    pub fn new(specs: Vec<SignatureSpec>) -> Result<SignatureSet, SignatureError> {
        let mut seen = std::collections::HashSet::new();
        let duplicate = specs.iter().position(|spec| !seen.insert(spec.id.as_str()));
        let duplicate_error = duplicate.map(|i| {
            SignatureError(format!(
                "{}: duplicate signature id '{}'",
                specs[i].source, specs[i].id
            ))
        });
        let compiled = compile_all(specs);
        let mut signatures = Vec::with_capacity(compiled.len());
        let mut literals: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        let mut duplicate_error = duplicate_error;
        // The first problem in definition order, whether a duplicate id or a bad pattern.
        for (idx, signature) in compiled.into_iter().enumerate() {
            if Some(idx) == duplicate {
                return Err(duplicate_error.take().expect("one duplicate error"));
            }
            let signature = signature?;
            if signature.spec.literals.is_empty() {
                always.push(idx);
            }
            for lit in &signature.spec.literals {
                match literals.iter().position(|l| l == lit) {
                    Some(i) => owners[i].push(idx),
                    None => {
                        literals.push(lit.clone());
                        owners.push(vec![idx]);
                    }
                }
            }
            signatures.push(signature);
        }
        let signature_literals = literals.len();
        for extra in EXTRA_LITERALS {
            literals.push((*extra).to_string());
            owners.push(Vec::new());
        }
        // A DFA: every candidate line is searched for overlapping matches, and the
        // NFA's state transitions cost several times more per byte.
        let prefilter = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&literals)
            .map_err(|e| SignatureError(format!("cannot build literal prefilter: {e}")))?;
        let block_prefilter = BlockScan::new(&literals)?;
        Ok(SignatureSet {
            signatures,
            prefilter,
            block_prefilter,
            owners,
            always,
            signature_literals,
        })
    }

    /// All signatures, in definition order.
    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    /// Start offsets of literal occurrences in `block` (non-overlapping; enough to tell
    /// which lines contain at least one literal).
    pub fn literal_hits(&self, block: &[u8], out: &mut Vec<usize>) {
        self.block_prefilter.hits(block, out);
    }

    /// True when some signature has no literal, so every line must be classified.
    pub fn needs_every_line(&self) -> bool {
        !self.always.is_empty()
    }

    /// True when `pattern_id` from the prefilter belongs to a signature (not a structural extra).
    pub fn is_signature_literal(&self, pattern_id: usize) -> bool {
        pattern_id < self.signature_literals
    }

    /// Classifies one line: the winning signature and its captures, if any matches.
    pub fn classify<'l>(&self, line: &'l [u8], scratch: &mut Vec<usize>) -> Option<Hit<'l>> {
        scratch.clear();
        scratch.extend_from_slice(&self.always);
        for m in self.prefilter.find_overlapping_iter(line) {
            scratch.extend_from_slice(&self.owners[m.pattern().as_usize()]);
        }
        if scratch.is_empty() {
            return None;
        }
        scratch.sort_unstable_by_key(|&i| (std::cmp::Reverse(self.signatures[i].spec.priority), i));
        scratch.dedup();
        let (pos, captures) = scratch
            .iter()
            .enumerate()
            .find_map(|(pos, &idx)| self.captures(idx, line).map(|c| (pos, c)))?;
        let first = scratch[pos];
        let winner = &self.signatures[first];
        let plain = |i: &usize| self.signatures[*i].requires.is_none();
        if winner.requires.is_some() {
            return Some(Hit {
                signature: first,
                captures,
                cause: None,
                cause_signature: None,
            });
        }
        let exhausted = |i: &usize| self.signatures[*i].category == Category::RetryExhausted;
        if winner.category == Category::RetryExhausted {
            // The failure that was retried, named on the same line.
            let cause_signature = scratch[pos + 1..]
                .iter()
                .copied()
                .filter(|i| !exhausted(i) && plain(i))
                .find(|&i| self.matches(i, line));
            return Some(Hit {
                signature: first,
                captures,
                cause: cause_signature.map(|i| self.signatures[i].category),
                cause_signature,
            });
        }
        // The line names a failure and also says that the retries ran out.
        let exhaustion = scratch[pos + 1..]
            .iter()
            .filter(|i| exhausted(i) && plain(i))
            .find(|&&i| self.matches(i, line));
        Some(match exhaustion {
            Some(&idx) => Hit {
                signature: idx,
                captures,
                cause: Some(winner.category),
                cause_signature: Some(first),
            },
            None => Hit {
                signature: first,
                captures,
                cause: None,
                cause_signature: None,
            },
        })
    }

    fn captures<'l>(&self, idx: usize, line: &'l [u8]) -> Option<Captures<'l>> {
        self.signatures[idx]
            .regexes
            .iter()
            .find_map(|re| re.captures(line))
    }

    fn matches(&self, idx: usize, line: &[u8]) -> bool {
        self.signatures[idx]
            .regexes
            .iter()
            .any(|re| re.is_match(line))
    }

    /// Checks every signature's examples against the whole set; returns one message per failure.
    pub fn check_examples(&self) -> Vec<String> {
        self.check_where(|_| true)
    }

    /// Checks the examples of the signatures that came from `origin` (a rules file).
    pub fn check_examples_from(&self, origin: &str) -> Vec<String> {
        self.check_where(|s| s.spec.source == origin)
    }

    fn check_where(&self, keep: impl Fn(&Signature) -> bool) -> Vec<String> {
        let mut failures = Vec::new();
        let mut scratch = Vec::new();
        for (idx, sig) in self.signatures.iter().enumerate() {
            if !keep(sig) {
                continue;
            }
            let id = &sig.spec.id;
            if sig.spec.match_examples.is_empty() {
                failures.push(format!("{id}: has no `match` example"));
            }
            for ex in &sig.spec.match_examples {
                match self.classify(ex.as_bytes(), &mut scratch) {
                    Some(hit) if hit.signature == idx || hit.cause_signature == Some(idx) => {}
                    Some(hit) => failures.push(format!(
                        "{id}: example classified as '{}' instead: {ex}",
                        self.signatures[hit.signature].spec.id
                    )),
                    None => failures.push(format!("{id}: example not matched: {ex}")),
                }
            }
            for ex in &sig.spec.no_match {
                if let Some(hit) = self.classify(ex.as_bytes(), &mut scratch)
                    && (hit.signature == idx || hit.cause_signature == Some(idx))
                {
                    failures.push(format!("{id}: no_match example matched: {ex}"));
                }
            }
        }
        failures
    }
}

/// Short substrings shared by many literals. They stand in for those literals in the
/// block scan only (a line with `ReadTimeout` contains `Timeout`); the per-line prefilter
/// still uses the exact literals to pick the signatures to try. Fewer, shared patterns keep
/// the SIMD literal search fast.
const BLOCK_ANCHORS: &[&str] = &[
    "[Errno ",
    "[WinError ",
    "(100",
    "Error",
    "Connection",
    "Failed to ",
    "Pool ",
    " error '",
    "etries ",
    "Timeout",
    "Retry",
];

/// Largest pattern group of one packed (Teddy) searcher.
const PACKED_GROUP: usize = 64;

/// Finds the lines of a block that contain a literal. Every literal contains one of the
/// scanned patterns: a literal that contains another pattern (`httpx.ReadTimeout` contains
/// `Timeout`) is dropped, and what is left is searched with SIMD "Teddy" searchers of at
/// most [`PACKED_GROUP`] patterns each (measured: 89 patterns in two groups scan faster than
/// one regex alternation of them, which slows down sharply past about 90). Without SIMD
/// support the patterns form one regex alternation.
#[derive(Debug)]
enum BlockScan {
    Packed(Vec<aho_corasick::packed::Searcher>),
    Regex(Regex),
}

impl BlockScan {
    fn new(literals: &[String]) -> Result<BlockScan, SignatureError> {
        let mut all: Vec<&str> = literals.iter().map(String::as_str).collect();
        all.extend_from_slice(BLOCK_ANCHORS);
        all.sort_unstable();
        all.dedup();
        let cover: Vec<&str> = all
            .iter()
            .copied()
            .filter(|l| !all.iter().any(|o| o != l && l.contains(o)))
            .collect();
        let groups = cover.len().div_ceil(PACKED_GROUP).max(1);
        let size = cover.len().div_ceil(groups).max(1);
        let packed: Option<Vec<_>> = cover
            .chunks(size)
            .map(|group| {
                let mut b = aho_corasick::packed::Config::new().builder();
                for p in group {
                    b.add(p);
                }
                b.build()
            })
            .collect();
        if let Some(searchers) = packed {
            return Ok(BlockScan::Packed(searchers));
        }
        let alternation = cover
            .iter()
            .map(|l| regex::escape(l))
            .collect::<Vec<_>>()
            .join("|");
        regex::bytes::RegexBuilder::new(&alternation)
            .unicode(false)
            .size_limit(64 << 20)
            .build()
            .map(BlockScan::Regex)
            .map_err(|e| SignatureError(format!("cannot build block prefilter: {e}")))
    }

    /// Start offsets of pattern occurrences in `block`, ascending: the first of each line
    /// (the search resumes at the next line, as a line with one hit is a candidate
    /// whatever else it holds, and an event-dense line can hold a dozen).
    fn hits(&self, block: &[u8], out: &mut Vec<usize>) {
        out.clear();
        let next_line =
            |at: usize| memchr::memchr(b'\n', &block[at..]).map_or(block.len(), |i| at + i + 1);
        match self {
            BlockScan::Regex(re) => {
                let mut from = 0;
                while let Some(m) = re.find_at(block, from) {
                    out.push(m.start());
                    from = next_line(m.start());
                }
            }
            BlockScan::Packed(searchers) => {
                for s in searchers {
                    let mut from = 0;
                    while from < block.len()
                        && let Some(m) =
                            s.find_in(block, aho_corasick::Span::from(from..block.len()))
                    {
                        out.push(m.start());
                        from = next_line(m.start());
                    }
                }
                if searchers.len() > 1 {
                    out.sort_unstable();
                    out.dedup();
                }
            }
        }
    }
}

/// Checks and compiles one specification (its id already known to be new): the category,
/// the patterns, the literals and the requirement.
/// Compiles every spec, in order, split across cores (the regexes of the built-in set take
/// tens of milliseconds to compile, before any line can be read).
fn compile_all(specs: Vec<SignatureSpec>) -> Vec<Result<Signature, SignatureError>> {
    const PER_THREAD: usize = 8;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let threads = (specs.len() / PER_THREAD).clamp(1, cores);
    if threads == 1 {
        return specs.into_iter().map(compile).collect();
    }
    let part = specs.len().div_ceil(threads);
    let mut parts: Vec<Vec<SignatureSpec>> = Vec::with_capacity(threads);
    let mut specs = specs.into_iter().peekable();
    while specs.peek().is_some() {
        parts.push(specs.by_ref().take(part).collect());
    }
    let mut parts = parts.into_iter();
    let first = parts.next().unwrap_or_default();
    std::thread::scope(|scope| {
        let others: Vec<_> = parts
            .map(|p| scope.spawn(move || p.into_iter().map(compile).collect::<Vec<_>>()))
            .collect();
        let mut out: Vec<_> = first.into_iter().map(compile).collect();
        for handle in others {
            out.extend(handle.join().expect("compiling does not panic"));
        }
        out
    })
}

fn compile(spec: SignatureSpec) -> Result<Signature, SignatureError> {
    let category = Category::from_id(&spec.category).ok_or_else(|| {
        SignatureError(format!(
            "{}: signature '{}' has unknown category '{}' (known: {})",
            spec.source,
            spec.id,
            spec.category,
            Category::ALL.map(|c| c.id()).join(", ")
        ))
    })?;
    if spec.patterns.is_empty() {
        return Err(SignatureError(format!(
            "{}: signature '{}' has no patterns",
            spec.source, spec.id
        )));
    }
    let mut regexes = Vec::new();
    for p in &spec.patterns {
        let re = Regex::new(p).map_err(|e| {
            let first = e.to_string().lines().last().unwrap_or("").to_string();
            SignatureError(format!(
                "{}: signature '{}': bad pattern {p:?}: {first}",
                spec.source, spec.id
            ))
        })?;
        regexes.push(re);
    }
    if spec.literals.iter().any(String::is_empty) {
        return Err(SignatureError(format!(
            "{}: signature '{}' has an empty literal",
            spec.source, spec.id
        )));
    }
    let requires = match spec.requires.as_deref() {
        None => None,
        Some("exhausted_retry") => Some(Requirement::ExhaustedRetry),
        Some(other) => {
            return Err(SignatureError(format!(
                "{}: signature '{}' has unknown requires '{other}' (known: exhausted_retry)",
                spec.source, spec.id
            )));
        }
    };
    Ok(Signature {
        spec,
        category,
        regexes,
        requires,
    })
}

/// Parses a TOML signature file; `origin` names it in error messages.
pub fn parse_specs(text: &str, origin: &str) -> Result<Vec<SignatureSpec>, SignatureError> {
    let file: SignatureFile = toml::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let one_line = msg.split_whitespace().collect::<Vec<_>>().join(" ");
        SignatureError(format!("{origin}: invalid signature file: {one_line}"))
    })?;
    Ok(file
        .signatures
        .into_iter()
        .map(|mut s| {
            s.source = origin.to_string();
            s
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_example_holds() {
        let set = SignatureSet::builtin();
        let failures = set.check_examples();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Compiled across threads, the set keeps definition order, and the first problem in
    /// that order is the one reported, whichever thread met it.
    #[test]
    fn signatures_compile_in_order_and_the_first_problem_is_reported() {
        let builtin = parse_specs(BUILTIN_TOML, "builtin").unwrap();
        let ids: Vec<String> = builtin.iter().map(|s| s.id.clone()).collect();
        let set = SignatureSet::new(builtin.clone()).unwrap();
        let compiled: Vec<&str> = set
            .signatures()
            .iter()
            .map(|s| s.spec.id.as_str())
            .collect();
        assert_eq!(compiled, ids);
        let last = builtin.len() - 1;
        let mut bad_late = builtin.clone();
        bad_late[last].patterns = vec!["(unclosed".to_string()];
        let mut dup_early = bad_late.clone();
        dup_early[2].id = dup_early[1].id.clone();
        let Err(e) = SignatureSet::new(dup_early) else {
            panic!("duplicate id refused")
        };
        assert!(e.0.contains("duplicate signature id"), "{}", e.0);
        let Err(e) = SignatureSet::new(bad_late.clone()) else {
            panic!("bad pattern refused")
        };
        assert!(
            e.0.contains(&ids[last]) && !e.0.contains("duplicate"),
            "{}",
            e.0
        );
        let mut dup_late = bad_late;
        dup_late[1].patterns = vec!["(also unclosed".to_string()];
        dup_late[last - 1].id = dup_late[0].id.clone();
        let Err(e) = SignatureSet::new(dup_late) else {
            panic!("bad pattern refused")
        };
        assert!(
            e.0.contains(&ids[1]) && !e.0.contains("duplicate"),
            "{}",
            e.0
        );
    }

    #[test]
    fn every_category_has_a_builtin_signature() {
        let set = SignatureSet::builtin();
        for c in Category::ALL {
            assert!(
                set.signatures().iter().any(|s| s.category == c),
                "no signature for {c}"
            );
        }
    }

    #[test]
    fn user_rules_are_added_and_validated() {
        let rules = r#"
[[signature]]
id = "app-job-failed"
category = "http_error"
description = "our job runner gave up"
priority = 95
literals = ["job gave up"]
patterns = ['job gave up after (?P<status>\d{3})']
match = ["ERROR runner: job gave up after 502"]
no_match = ["job gave up"]
"#;
        let set = SignatureSet::with_rules(rules, "rules.toml").unwrap();
        assert!(set.check_examples().is_empty());
        let bad = rules.replace("http_error", "nonsense");
        let err = SignatureSet::with_rules(&bad, "rules.toml").unwrap_err();
        assert!(
            err.to_string().contains("unknown category 'nonsense'"),
            "{err}"
        );
        let bad = rules.replace(r"(?P<status>\d{3})", "(unclosed");
        assert!(SignatureSet::with_rules(&bad, "rules.toml").is_err());
        assert!(SignatureSet::with_rules("x = 1", "rules.toml").is_err());
    }

    #[test]
    fn user_rules_examples_are_checked_when_loading() {
        let rules = r#"
[[signature]]
id = "app-job-failed"
category = "http_error"
description = "our job runner gave up"
literals = ["job gave up"]
patterns = ['job gave up after (?P<status>\d{3})']
match = ["ERROR runner: job gave up after 502", "ERROR runner: job gave up"]
no_match = ["ERROR runner: job gave up after 502 tries"]
"#;
        let err = SignatureSet::with_rules(rules, "rules.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "rules.toml: app-job-failed: example not matched: ERROR runner: job gave up"
            ),
            "{err}"
        );
        assert!(err.contains("and 1 more"), "{err}");
        assert!(!err.contains('\n'));
        let set = SignatureSet::with_rules_unchecked(rules, "rules.toml").unwrap();
        assert_eq!(set.check_examples_from("rules.toml").len(), 2);
        assert!(set.check_examples_from("builtin").is_empty());
        let no_examples = r#"
[[signature]]
id = "x"
category = "http_error"
description = "d"
literals = ["boom"]
patterns = ['boom']
"#;
        let err = SignatureSet::with_rules(no_examples, "r.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "r.toml: x: has no `match` example");
    }
}
