//! What one event line says by itself: the winning signature, the fields, the kind of event
//! and the re-log identity ([`LineFacts`]). They are a pure function of the line's text, so a
//! small memo ([`FactsMemo`]) reads each distinct line once: an event-dense log repeats the
//! same few failures thousands of times, and classification plus field extraction (a dozen
//! regex searches with captures) is most of what such a line costs.
//!
//! Two parts of a line vary on every repetition without changing what it says, so the memo's
//! key leaves them out: the digits of a leading `logging` timestamp (`2026-11-27 09:50:36,123`)
//! and the object addresses of Python reprs (`... object at 0x7f84ef669b50>`). No built-in
//! signature or field reads either (`every_sample_line_says_the_same_whatever_its_time_and_addresses`
//! checks it on every line of `samples/`); a `--rules` pattern that did would see the first
//! line of its kind. Timestamps themselves are read from each line by the collector, never
//! from the memo.
//!
//! Not here: anything that depends on the collector's state (which test is running, whether
//! retries were used up, traceback sections); the collector applies those after the lookup.

use crate::attribute::event::EventKind;
use crate::attribute::relog::Identity;
use crate::model::Category;
use crate::parse::fields::{self, Fields};
use crate::parse::signatures::SignatureSet;

/// What a line that a signature recognised says, whatever the state around it.
#[derive(Debug, Clone, PartialEq)]
pub struct LineFacts {
    /// Index of the winning signature.
    pub signature: usize,
    /// The retried failure the line names, when the winner is a retry-exhaustion signature.
    pub cause: Option<Category>,
    /// Host, port, path, timeout and the other fields of the line.
    pub fields: Fields,
    /// A retry attempt, a pool warning or a failure that ended a request.
    pub kind: EventKind,
    /// The line says that the retries ran out (`Max retries exceeded`, `RetryError`).
    pub mentions_exhaustion: bool,
    /// What the record says and who said it (re-log detection), for terminal events.
    pub identity: Identity,
}

/// Reads the facts of `text` from scratch.
pub fn read(sigs: &SignatureSet, text: &[u8], scratch: &mut Vec<usize>) -> Option<LineFacts> {
    let hit = sigs.classify(text, scratch)?;
    let category = sigs.signatures()[hit.signature].category;
    let kind = if is_retry_attempt(text) {
        EventKind::RetryAttempt
    } else if category == Category::PoolFull {
        EventKind::PoolWarning
    } else {
        EventKind::Terminal
    };
    Some(LineFacts {
        signature: hit.signature,
        cause: hit.cause,
        fields: fields::extract(text, Some(&hit.captures)),
        kind,
        mentions_exhaustion: mentions_retry_exhaustion(text),
        identity: if kind == EventKind::Terminal {
            crate::attribute::relog::identity(text)
        } else {
            Identity::default()
        },
    })
}

/// What a line says about its test's retries being used up, whatever the state around it
/// (the collector marks the test).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UsedUp {
    /// Nothing.
    #[default]
    No,
    /// A `Retrying (Retry(total=0, ...))` warning: urllib3's counters ran out.
    ZeroCounter,
    /// An application announced its last attempt (`Retrying (3/3)`, `attempt 5 of 5`).
    LastAttempt,
}

/// Whether `text` says that retries are used up: a zero-counter `Retrying (Retry(` repr
/// (whether or not its cause text follows), else an announced last attempt. Only lines
/// with `etry`, `ETRY` or `ttempt` can say so: callers check that first, cheaply.
pub fn used_up(text: &[u8]) -> UsedUp {
    const RETRYING: &[u8] = b"Retrying (Retry(";
    if let Some(at) = finder!(RETRYING).find(text) {
        let exhausted =
            fields::counters_from(&text[at + RETRYING.len()..]).is_some_and(|r| r.exhausted());
        return if exhausted {
            UsedUp::ZeroCounter
        } else {
            UsedUp::No
        };
    }
    if announces_last_attempt(text) {
        UsedUp::LastAttempt
    } else {
        UsedUp::No
    }
}

/// Application retry loops announcing their last attempt: `Retrying (3/3)`, `retry 5/5`,
/// `attempt 3 of 3`, `(attempt 4/4)`. A failure after it means the retries ran out.
pub fn announces_last_attempt(text: &[u8]) -> bool {
    static LAST: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(
            r"(?i)\b(?:retrying|retry|attempt)\s*\(?#?(\d{1,3})\s*(?:/|of)\s*(\d{1,3})\b",
        )
        .expect("last-attempt pattern")
    });
    LAST.captures_iter(text).any(|c| {
        let n = |i| std::str::from_utf8(&c[i]).ok()?.parse::<u32>().ok();
        matches!((n(1), n(2)), (Some(a), Some(b)) if a == b && b > 0)
    })
}

/// urllib3's `Retrying (...)` warnings (also their ` after connection broken by '...'`
/// continuation when a console wrapped the line) and application lines saying they will
/// retry.
pub fn is_retry_attempt(text: &[u8]) -> bool {
    finder!(b"Retrying (").find(text).is_some()
        || text.starts_with(b"after connection broken by ")
        || finder!(b"retrying").find(text).is_some()
        || finder!(b"will retry").find(text).is_some()
}

fn mentions_retry_exhaustion(text: &[u8]) -> bool {
    finder!(b"Max retries exceeded").find(text).is_some()
        || finder!(b"RetryError").find(text).is_some()
}

/// Lines longer than this are read every time (they are rarely repeated, and keys stay small).
const MAX_KEY: usize = 1024;
/// Distinct lines remembered; the memo starts over when it is full (bounded memory).
const MAX_ENTRIES: usize = 4096;

type Map = std::collections::HashMap<Box<[u8]>, Option<LineFacts>, foldhash::fast::RandomState>;

/// Remembers the facts of recent distinct lines.
#[derive(Default)]
pub struct FactsMemo {
    map: Map,
    key: Vec<u8>,
}

impl FactsMemo {
    /// The facts of `text`: remembered when a line that differs only in its timestamp digits
    /// and object addresses was read before, else read now.
    pub fn facts(
        &mut self,
        sigs: &SignatureSet,
        text: &[u8],
        scratch: &mut Vec<usize>,
    ) -> Option<LineFacts> {
        if !key_of(text, &mut self.key) {
            return read(sigs, text, scratch);
        }
        if let Some(facts) = self.map.get(self.key.as_slice()) {
            return facts.clone();
        }
        let facts = read(sigs, text, scratch);
        if self.map.len() >= MAX_ENTRIES {
            self.map.clear();
        }
        self.map.insert(self.key.as_slice().into(), facts.clone());
        facts
    }
}

/// Writes the memo key of `text` to `out`: the line with the digits of a leading timestamp
/// zeroed and the hex digits of ` at 0x...` addresses dropped. False when the line is too
/// long to remember.
fn key_of(text: &[u8], out: &mut Vec<u8>) -> bool {
    out.clear();
    if text.len() > MAX_KEY {
        return false;
    }
    let mut i = leading_timestamp_len(text);
    out.extend(
        text[..i]
            .iter()
            .map(|b| if b.is_ascii_digit() { b'0' } else { *b }),
    );
    const AT: &[u8] = b" at 0x";
    while let Some(at) = finder!(AT).find(&text[i..]) {
        let digits_at = i + at + AT.len();
        out.extend_from_slice(&text[i..digits_at]);
        i = digits_at
            + text[digits_at..]
                .iter()
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
    }
    out.extend_from_slice(&text[i..]);
    true
}

/// Length of a `logging` timestamp at the start of `text` (`2026-11-27 09:50:36`, with `T`
/// and a `,123` or `.123456` fraction), 0 when there is none.
pub fn leading_timestamp_len(text: &[u8]) -> usize {
    let Some(t) = text.get(..19) else {
        return 0;
    };
    let shape_ok = t.iter().enumerate().all(|(i, b)| match i {
        4 | 7 => *b == b'-',
        10 => *b == b' ' || *b == b'T',
        13 | 16 => *b == b':',
        _ => b.is_ascii_digit(),
    });
    if !shape_ok {
        return 0;
    }
    let mut end = 19;
    if matches!(text.get(19), Some(b',') | Some(b'.')) {
        end = 20;
        while text.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> String {
        let mut out = Vec::new();
        assert!(key_of(text.as_bytes(), &mut out));
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn keys_leave_out_timestamp_digits_and_addresses_only() {
        assert_eq!(
            key(
                "2026-11-27 09:50:36,123 [WARNING] x: <HTTPSConnection(host='h', port=443) at 0x7f84ef669b50>, 'Connection to h timed out. (connect timeout=0.5)'"
            ),
            "0000-00-00 00:00:00,000 [WARNING] x: <HTTPSConnection(host='h', port=443) at 0x>, 'Connection to h timed out. (connect timeout=0.5)'"
        );
        assert_eq!(
            key(
                "E   NewConnectionError: <urllib3.connection.HTTPConnection object at 0x000001F2C3D4E5F0>: Failed"
            ),
            "E   NewConnectionError: <urllib3.connection.HTTPConnection object at 0x>: Failed"
        );
        // Digits elsewhere are what the line says: ports, counters, statuses, paths.
        assert_eq!(
            key("09:50:36 Retrying (Retry(total=2)) /jobs/0x12 port=8443"),
            "09:50:36 Retrying (Retry(total=2)) /jobs/0x12 port=8443"
        );
        let mut out = Vec::new();
        assert!(!key_of(&vec![b'a'; MAX_KEY + 1], &mut out));
    }

    /// Every line of every sample, read again with other timestamp digits and other
    /// addresses, gives the same facts: the premise of the memo.
    #[test]
    fn every_sample_line_says_the_same_whatever_its_time_and_addresses() {
        let sigs = SignatureSet::builtin();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut scratch = Vec::new();
        let (mut lines, mut recognised, mut varied) = (0, 0, 0);
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "log" || x == "xml"))
            .collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).unwrap();
            for line in data.split(|b| *b == b'\n') {
                let line = line.trim_ascii_start();
                lines += 1;
                let facts = read(&sigs, line, &mut scratch);
                let other = vary(line);
                if other != line {
                    varied += 1;
                }
                recognised += usize::from(facts.is_some());
                assert_eq!(
                    facts,
                    read(&sigs, &other, &mut scratch),
                    "{}: {}",
                    path.display(),
                    String::from_utf8_lossy(line)
                );
            }
        }
        assert!(
            lines > 10_000 && recognised > 1_000 && varied > 1_000,
            "{lines} {recognised} {varied}"
        );
    }

    /// `line` with other timestamp digits and other (longer) addresses.
    fn vary(line: &[u8]) -> Vec<u8> {
        let ts = leading_timestamp_len(line);
        let mut out: Vec<u8> = line[..ts]
            .iter()
            .map(|b| {
                if b.is_ascii_digit() {
                    b'0' + (b - b'0' + 7) % 10
                } else {
                    *b
                }
            })
            .collect();
        let rest = &line[ts..];
        let mut i = 0;
        while let Some(at) = finder!(b" at 0x").find(&rest[i..]) {
            let d = i + at + 6;
            out.extend_from_slice(&rest[i..d]);
            out.extend_from_slice(b"deadbeef0123ABCD");
            i = d + rest[d..]
                .iter()
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
        }
        out.extend_from_slice(&rest[i..]);
        out
    }

    #[test]
    fn the_memo_answers_like_a_fresh_read_and_stays_bounded() {
        let sigs = SignatureSet::builtin();
        let mut memo = FactsMemo::default();
        let mut scratch = Vec::new();
        let line = |n: usize| {
            format!(
                "2026-11-27 09:50:{:02} [WARNING] urllib3.connectionpool: Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ConnectTimeoutError(<HTTPSConnection(host='127.0.0.1', port={}) at 0x7f84ef6{n:05x}>, 'Connection to 127.0.0.1 timed out. (connect timeout=0.5)')': /jobs/{}",
                n % 60,
                1000 + n % 7,
                n % 5000
            )
        };
        for n in 0..3 * MAX_ENTRIES {
            let text = line(n);
            let fresh = read(&sigs, text.as_bytes(), &mut scratch);
            assert!(fresh.is_some());
            assert_eq!(
                memo.facts(&sigs, text.as_bytes(), &mut scratch),
                fresh,
                "{text}"
            );
            assert!(memo.map.len() <= MAX_ENTRIES);
        }
    }
}
