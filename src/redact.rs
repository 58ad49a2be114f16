//! Secret redaction for everything rca prints and stores: node ids, messages, sample lines,
//! paths and warnings in every report format, and what the history keeps.
//!
//! The shapes are data: `src/redact.toml` (compiled in) lists each rule with its literal
//! keywords, its regex and examples that must and must not be masked; vendor-token rules
//! are a curated subset of gitleaks' rule set (MIT), see that file. Two shapes are code:
//! long high-entropy base64 runs and lines that are nothing but a base64 token, which is how
//! the body of a private key looks when it arrives one line at a time.
//!
//! Cheap first: one Aho-Corasick pass over the keywords of every rule decides which rules
//! run at all, so text without a keyword is returned borrowed after one scan.
//!
//! A secret becomes `[REDACTED:xxxxxxxx]`: eight hex digits of HMAC-SHA256 of the secret
//! under a key, so the same secret always masks to the same text (the same parametrized test
//! stays the same test across formats, runs and the history) and different secrets give
//! different masks. The key is `RCA_REDACT_KEY` when set, else a key built into rca. With
//! the built-in key the tag is a public function of the secret: a reader cannot reverse it,
//! but can confirm a guess of a weak password (32 bits leave no doubt). Set `RCA_REDACT_KEY`
//! (a CI secret, the same on every runner that shares a history) to make tags unguessable.
//!
//! This module does not decide what is printed; callers pass every log-derived string.

use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::Deserialize;
use std::borrow::Cow;
use std::sync::LazyLock;

/// How every mask starts; the rest is `xxxxxxxx]`.
pub const MASK_PREFIX: &str = "[REDACTED:";

/// Hex digits of the tag in a mask.
const TAG_HEX: usize = 8;

/// The environment variable that holds the masking key.
pub const KEY_ENV: &str = "RCA_REDACT_KEY";

/// The built-in rule file.
const RULES_TOML: &str = include_str!("redact.toml");

/// One rule as written in `src/redact.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable name.
    pub id: String,
    /// Literals (any case); the regex runs only on text containing one of them.
    pub keywords: Vec<String>,
    /// The regex; the named group `s` is the secret, else the whole match.
    pub regex: String,
    /// The secret must contain an ASCII digit.
    #[serde(default)]
    pub needs_digit: bool,
    /// `[text, secret]`: the secret must be gone from the redacted text.
    #[serde(default)]
    pub hides: Vec<(String, String)>,
    /// Texts the rule must leave unchanged.
    #[serde(default)]
    pub keeps: Vec<String>,
}

#[derive(Deserialize)]
struct RuleFile {
    rule: Vec<RuleSpec>,
}

struct Rule {
    spec: RuleSpec,
    re: Regex,
    secret: Option<usize>,
}

struct Rules {
    rules: Vec<Rule>,
    keywords: AhoCorasick,
    /// For each keyword pattern, the rules (bit set) it enables.
    enables: Vec<u64>,
}

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let file: RuleFile = toml::from_str(RULES_TOML).expect("src/redact.toml parses");
    assert!(file.rule.len() <= 64, "one bit per rule in the prefilter");
    let mut words: Vec<String> = Vec::new();
    let mut enables: Vec<u64> = Vec::new();
    let mut rules = Vec::new();
    for (i, spec) in file.rule.into_iter().enumerate() {
        for k in &spec.keywords {
            let k = k.to_ascii_lowercase();
            match words.iter().position(|w| *w == k) {
                Some(p) => enables[p] |= 1 << i,
                None => {
                    words.push(k);
                    enables.push(1 << i);
                }
            }
        }
        let re = Regex::new(&spec.regex)
            .unwrap_or_else(|e| panic!("redact rule {}: bad regex: {e}", spec.id));
        let secret = re.capture_names().position(|n| n == Some("s"));
        rules.push(Rule { spec, re, secret });
    }
    let keywords = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&words)
        .expect("redaction keywords");
    Rules {
        rules,
        keywords,
        enables,
    }
});

/// The built-in rules, in the order they run.
pub fn rules() -> impl Iterator<Item = &'static RuleSpec> {
    RULES.rules.iter().map(|r| &r.spec)
}

/// The key masks are computed with (32 bytes; never printed).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}

impl Key {
    /// The key built into rca (used when `RCA_REDACT_KEY` is not set).
    pub fn builtin() -> Key {
        Key::derive(b"")
    }

    /// The key for a user-supplied secret (the value of `RCA_REDACT_KEY`).
    pub fn from_secret(secret: &[u8]) -> Key {
        if secret.is_empty() {
            return Key::builtin();
        }
        Key::derive(secret)
    }

    /// `RCA_REDACT_KEY`'s value if set and not empty, else the built-in key.
    pub fn from_env_value(value: Option<&std::ffi::OsStr>) -> Key {
        match value {
            Some(v) => Key::from_secret(v.as_encoded_bytes()),
            None => Key::builtin(),
        }
    }

    fn derive(secret: &[u8]) -> Key {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        ctx.update(b"rca redaction key v1\0");
        ctx.update(secret);
        let mut k = [0u8; 32];
        k.copy_from_slice(ctx.finish().as_ref());
        Key(k)
    }

    /// The mask of one secret.
    pub fn mask(&self, secret: &str) -> String {
        thread_local! {
            // The HMAC key schedule of the key last used (one key per process in practice).
            static LAST: std::cell::RefCell<Option<(Key, ring::hmac::Key)>> =
                const { std::cell::RefCell::new(None) };
        }
        let tag = LAST.with_borrow_mut(|last| {
            if last.as_ref().is_none_or(|(k, _)| k != self) {
                *last = Some((
                    *self,
                    ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.0),
                ));
            }
            let (_, key) = last.as_ref().expect("set above");
            ring::hmac::sign(key, secret.as_bytes())
        });
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(MASK_PREFIX.len() + TAG_HEX + 1);
        out.push_str(MASK_PREFIX);
        for &b in &tag.as_ref()[..TAG_HEX / 2] {
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
        out.push(']');
        out
    }
}

/// Compiles the rules now, on a thread of their own, so that the first redaction does not
/// wait for them (their regexes take as long as reading tens of megabytes of log).
pub fn prepare_in_background() {
    // Nothing is lost if the thread cannot start: the first redaction compiles them.
    let _ = std::thread::Builder::new()
        .name("rca-redact-rules".into())
        .spawn(|| LazyLock::force(&RULES));
}

/// Redacts secrets in `text` with the built-in key; borrows when there is nothing to hide.
pub fn redact(text: &str) -> Cow<'_, str> {
    static BUILTIN: LazyLock<Key> = LazyLock::new(Key::builtin);
    redact_with(text, &BUILTIN)
}

/// Redacts secrets in `text`, masking with `key`; borrows when there is nothing to hide.
pub fn redact_with<'a>(text: &'a str, key: &Key) -> Cow<'a, str> {
    let rules = &*RULES;
    let mut fired = 0u64;
    if rules.keywords.is_match(text) {
        for m in rules.keywords.find_overlapping_iter(text) {
            fired |= rules.enables[m.pattern().as_usize()];
        }
    }
    let mut out = Cow::Borrowed(text);
    for (i, rule) in rules.rules.iter().enumerate() {
        if fired & (1 << i) != 0
            && let Some(changed) = apply_rule(rule, &out, key)
        {
            out = Cow::Owned(changed);
        }
    }
    if let Some(changed) = mask_base64(&out, key) {
        out = Cow::Owned(changed);
    }
    out
}

/// The spans of masks already in `text`.
fn mask_spans(text: &str) -> Vec<(usize, usize)> {
    static FINDER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(MASK_PREFIX));
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(i) = FINDER.find(&text.as_bytes()[from..]) {
        let start = from + i;
        let end = text[start..]
            .find(']')
            .map_or(text.len(), |j| start + j + 1);
        spans.push((start, end));
        from = end;
    }
    spans
}

/// Replaces every secret `rule` finds; `None` when it finds none.
fn apply_rule(rule: &Rule, text: &str, key: &Key) -> Option<String> {
    // The DFA says whether there is anything; captures (a slower engine) only then.
    rule.re.find(text)?;
    let found: Vec<regex::Match<'_>> = match rule.secret {
        Some(g) => rule
            .re
            .captures_iter(text)
            .filter_map(|c| c.get(g))
            .collect(),
        None => rule.re.find_iter(text).collect(),
    };
    let masks = mask_spans(text);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut changed = false;
    for m in found {
        // A span inside an earlier mask is that mask; a span around one is masked whole.
        let inside_mask = masks.iter().any(|&(s, e)| s <= m.start() && m.end() <= e);
        if m.is_empty()
            || inside_mask
            || (rule.spec.needs_digit && !m.as_str().bytes().any(|b| b.is_ascii_digit()))
        {
            continue;
        }
        out.push_str(&text[last..m.start()]);
        out.push_str(&key.mask(m.as_str()));
        last = m.end();
        changed = true;
    }
    if !changed {
        return None;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// Shortest base64 run masked wherever it appears.
const BASE64_RUN: usize = 40;
/// Shortest line that is nothing but a base64 token and is masked.
const BASE64_LINE: usize = 12;

/// The base64 alphabet (without `=`), one lookup per byte.
static BASE64: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'+' || c == b'/';
        b += 1;
    }
    t
};

fn is_base64(b: u8) -> bool {
    BASE64[b as usize]
}

/// Shannon entropy in bits per byte.
fn entropy(s: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Upper case, lower case and a digit: what random base64 has and words, paths and hex do not.
fn mixed_classes(s: &[u8]) -> bool {
    s.iter().any(u8::is_ascii_uppercase)
        && s.iter().any(u8::is_ascii_lowercase)
        && s.iter().any(u8::is_ascii_digit)
}

/// A base64 run long and random enough to be key material (a line of a PEM body is 64).
fn looks_like_key_run(run: &[u8]) -> bool {
    let slashes = run.iter().filter(|&&b| b == b'/').count();
    run.len() >= BASE64_RUN
        && slashes * 10 <= run.len()
        && mixed_classes(run)
        && entropy(run) >= 4.0
}

/// A line that is one base64 token and nothing else (after pytest's `E` marker): how the
/// lines of a private key's body look when they arrive one string at a time.
fn key_line_token(line: &str) -> Option<(usize, usize)> {
    let mut start = line.len() - line.trim_start().len();
    let mut t = &line[start..];
    if let Some(rest) = t.strip_prefix("E ") {
        let skip = rest.len() - rest.trim_start().len();
        start += 2 + skip;
        t = &rest[skip..];
    }
    let t = t.trim_end();
    let body = t.trim_end_matches('=');
    let slashes = body.bytes().filter(|&b| b == b'/').count();
    let ok = body.len() >= BASE64_LINE
        && t.len() - body.len() <= 2
        && body.bytes().all(is_base64)
        && slashes * 10 <= body.len()
        && mixed_classes(body.as_bytes());
    ok.then_some((start, start + t.len()))
}

/// The maximal base64 runs of at least [`BASE64_RUN`] bytes, in order: `(start, end,
/// (start, end with up to two `=` of padding))`. Any such run covers one offset of every
/// progression with step `BASE64_RUN`, so only those offsets are probed and a run is widened
/// from there: text with short runs (words, paths, numbers) costs about one lookup per
/// `BASE64_RUN` bytes.
fn long_base64_runs(bytes: &[u8]) -> impl Iterator<Item = (usize, usize, (usize, usize))> + '_ {
    let mut probe = 0;
    std::iter::from_fn(move || {
        while probe < bytes.len() {
            if !is_base64(bytes[probe]) {
                probe += BASE64_RUN;
                continue;
            }
            let mut start = probe;
            while start > 0 && is_base64(bytes[start - 1]) {
                start -= 1;
            }
            let mut end = probe;
            while end < bytes.len() && is_base64(bytes[end]) {
                end += 1;
            }
            // bytes[end] ends the run; probing on from there still meets every later run.
            probe = end;
            if end - start >= BASE64_RUN {
                let padding = bytes[end..]
                    .iter()
                    .take(2)
                    .take_while(|&&b| b == b'=')
                    .count();
                return Some((start, end, (start, end + padding)));
            }
        }
        None
    })
}

/// Masks long random base64 runs and lines that are one base64 token.
fn mask_base64(text: &str, key: &Key) -> Option<String> {
    let bytes = text.as_bytes();
    let mut spans: Vec<(usize, usize)> = long_base64_runs(bytes)
        .filter(|&(start, end, _)| looks_like_key_run(&bytes[start..end]))
        .map(|(_, _, padded)| padded)
        .collect();
    let mut offset = 0;
    for line in text.split('\n') {
        if let Some((s, e)) = key_line_token(line) {
            let (s, e) = (offset + s, offset + e);
            if !spans.iter().any(|&(a, b)| a < e && s < b) {
                spans.push((s, e));
            }
        }
        offset += line.len() + 1;
    }
    if spans.is_empty() {
        return None;
    }
    spans.sort_unstable();
    let masks = mask_spans(text);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut changed = false;
    for (s, e) in spans {
        if s < last || masks.iter().any(|&(a, b)| a < e && s < b) {
            continue;
        }
        out.push_str(&text[last..s]);
        out.push_str(&key.mask(&text[s..e]));
        last = e;
        changed = true;
    }
    if !changed {
        return None;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// A switchable redactor, so callers need not test the `--no-redact` flag everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redactor {
    enabled: bool,
    key: Key,
}

impl Default for Redactor {
    /// Enabled, with the built-in key.
    fn default() -> Self {
        Redactor::new(true, Key::builtin())
    }
}

impl Redactor {
    /// A redactor; `enabled` is false with `--no-redact`.
    pub fn new(enabled: bool, key: Key) -> Self {
        Redactor { enabled, key }
    }

    /// The same key, enabled whatever `--no-redact` says (for what the history stores).
    pub fn always(&self) -> Self {
        Redactor::new(true, self.key)
    }

    /// False with `--no-redact`.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Redacts (or not) one string, borrowing when nothing changes.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.enabled {
            redact_with(text, &self.key)
        } else {
            Cow::Borrowed(text)
        }
    }

    /// Redacts (or not) one string.
    pub fn apply(&self, text: &str) -> String {
        self.redact(text).into_owned()
    }

    /// Redacts `s` in place.
    pub fn in_place(&self, s: &mut String) {
        if let Cow::Owned(r) = self.redact(s) {
            *s = r;
        }
    }

    /// Redacts (or not) many strings, in order: split across the machine's cores when there
    /// are enough of them to pay for a thread (an event-dense log has tens of thousands of
    /// sample lines, and by the time they are reported the reading thread is done).
    pub fn apply_all<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<String> {
        /// Fewer strings than this per thread are not worth one.
        const PER_THREAD: usize = 512;
        let per_thread = if self.enabled { PER_THREAD } else { usize::MAX };
        crate::par::map(texts, per_thread, |_, t| self.apply(t.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every maximal base64 run, walked byte by byte: what the probing scan must equal.
    fn base64_runs_byte_by_byte(bytes: &[u8]) -> Vec<(usize, usize, (usize, usize))> {
        let mut runs = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if !is_base64(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && is_base64(bytes[i]) {
                i += 1;
            }
            let mut end = i;
            while end < bytes.len() && end - i < 2 && bytes[end] == b'=' {
                end += 1;
            }
            if i - start >= BASE64_RUN {
                runs.push((start, i, (start, end)));
            }
            i = end;
        }
        runs
    }

    #[test]
    fn probing_for_base64_runs_finds_what_a_byte_walk_finds() {
        // Runs of every length around BASE64_RUN, at every alignment, with and without
        // padding, separated by one or more other bytes; a fixed pseudo-random sequence.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for _ in 0..2_000 {
            let mut text = Vec::new();
            while text.len() < 400 {
                let run = match next(4) {
                    0 => next(12),
                    1 => 36 + next(8),
                    _ => next(90),
                };
                text.extend((0..run).map(|k| b"aZ9+/Qx"[(k as usize) % 7]));
                text.extend(std::iter::repeat_n(b'=', next(4) as usize));
                text.extend(std::iter::repeat_n(b' ', 1 + next(3) as usize));
            }
            let fast: Vec<_> = long_base64_runs(&text).collect();
            assert_eq!(
                fast,
                base64_runs_byte_by_byte(&text),
                "{}",
                String::from_utf8_lossy(&text)
            );
        }
    }

    #[test]
    fn every_rule_hides_its_examples_and_keeps_its_counter_examples() {
        let mut checked = 0;
        let key = Key::builtin();
        for compiled in &RULES.rules {
            let rule = &compiled.spec;
            assert!(!rule.keywords.is_empty(), "{}: no keywords", rule.id);
            assert!(!rule.hides.is_empty(), "{}: no examples", rule.id);
            for (text, secret) in &rule.hides {
                assert!(text.contains(secret.as_str()), "{}: bad example", rule.id);
                let alone = apply_rule(compiled, text, &key).unwrap_or_default();
                assert!(
                    alone.contains(MASK_PREFIX) && !alone.contains(secret.as_str()),
                    "{} on its own: {text:?} -> {alone:?}",
                    rule.id
                );
                let out = redact(text);
                assert!(
                    !out.contains(secret.as_str()),
                    "{}: {text:?} -> {out:?}",
                    rule.id
                );
                assert!(out.contains(MASK_PREFIX), "{}: {out}", rule.id);
                checked += 1;
            }
            for text in &rule.keeps {
                assert_eq!(redact(text), text.as_str(), "{}", rule.id);
            }
        }
        assert!(checked >= 40, "{checked} examples");
    }

    #[test]
    fn every_keyword_is_implied_by_its_rule() {
        // The prefilter must never hide a match: each example holds one of its keywords.
        for rule in rules() {
            for (text, _) in &rule.hides {
                let lower = text.to_ascii_lowercase();
                assert!(
                    rule.keywords.iter().any(|k| lower.contains(k.as_str())),
                    "{}: example without a keyword: {text}",
                    rule.id
                );
            }
        }
    }

    #[test]
    fn masks_are_stable_keyed_and_distinct() {
        let a = redact("token=ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").into_owned();
        let b = redact("token=ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").into_owned();
        let c = redact("token=ghp_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb").into_owned();
        assert_eq!(a, b);
        assert_ne!(a, c);
        let mask = &a["token=".len()..];
        assert_eq!(mask.len(), MASK_PREFIX.len() + TAG_HEX + 1, "{mask}");
        let other = Key::from_secret(b"team key");
        let d = redact_with("token=ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &other);
        assert_ne!(a, d, "another key, another mask");
        assert_eq!(Key::from_secret(b""), Key::builtin());
    }

    #[test]
    fn redaction_is_idempotent() {
        for rule in rules() {
            for (text, _) in &rule.hides {
                let once = redact(text).into_owned();
                assert_eq!(redact(&once), once, "{}", rule.id);
            }
        }
    }

    #[test]
    fn a_mask_inside_a_larger_secret_does_not_shield_the_rest() {
        let out =
            redact("Cookie: session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2ln; theme=dark42");
        assert!(!out.contains("dark42"), "{out}");
        assert!(!out.contains("eyJzdWIi"), "{out}");
    }

    #[test]
    fn private_key_bodies_are_masked_line_by_line() {
        let body = [
            "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
            "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
            "E   n8q2wMX1rLmNc0Qa3TqZ",
            "4Fz2XkRmLQ7w==",
        ];
        for line in body {
            let out = redact(line);
            let token = line.trim_start_matches("E   ");
            assert!(!out.contains(token), "{line} -> {out}");
        }
        for ordinary in [
            "AssertionError",
            "E   assert 200 == 503",
            "/api/v1/Users/Abc123/Orders/XyZ789/items/Q1w2E3r4",
            "sha256 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "tests/test_api.py::TestUsers::test_create[Admin1]",
        ] {
            assert_eq!(redact(ordinary), ordinary);
        }
    }

    #[test]
    fn leaves_ordinary_lines_alone() {
        let line = "HTTPSConnectionPool(host='10.10.10.100', port=443): Max retries exceeded with url: /focus-server/configure";
        assert!(matches!(redact(line), Cow::Borrowed(_)));
        let line = "Connection pool is full, discarding connection: 10.10.10.100. Connection pool size: 10";
        assert_eq!(redact(line), line);
    }

    #[test]
    fn a_disabled_redactor_changes_nothing() {
        let r = Redactor::new(false, Key::builtin());
        assert_eq!(r.apply("password=hunter22"), "password=hunter22");
        assert!(r.always().apply("password=hunter22").contains(MASK_PREFIX));
    }

    #[test]
    fn redacting_many_at_once_equals_redacting_one_by_one_in_order() {
        let secrets: Vec<&str> = rules()
            .flat_map(|rule| rule.hides.iter().map(|(text, _)| text.as_str()))
            .collect();
        // Enough strings for several threads, each distinct so that order is checked.
        let texts: Vec<String> = (0..5_000)
            .map(|i| match i % 3 {
                0 => format!("{i} {}", secrets[i % secrets.len()]),
                1 => format!("{i} GET /api/v1/orders/{i} 503"),
                _ => format!("{i} password=hunter{i}"),
            })
            .collect();
        let r = Redactor::default();
        let one_by_one: Vec<String> = texts.iter().map(|t| r.apply(t)).collect();
        assert_eq!(r.apply_all(&texts), one_by_one);
        assert_ne!(one_by_one, texts, "the test must contain secrets");
        let off = Redactor::new(false, Key::builtin());
        assert_eq!(off.apply_all(&texts), texts);
        assert!(r.apply_all::<&str>(&[]).is_empty());
    }
}
