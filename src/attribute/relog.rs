//! Re-logged failures: one failed request is often logged by more than one logger (the HTTP
//! client wrapper logs "Request failed after 894ms for POST url: <exception>", the job runner
//! that called it logs "job 9 failed: RetryError: <exception>"). This module decides, in O(1)
//! per record, which final-failure records repeat the record just before them, so that the
//! collector counts one event with the number of log lines beside it.
//!
//! It owns the record identity (who printed it and what exception it prints) and the
//! small per-(test, source, target) queues of failures waiting for their re-log; it does not
//! classify lines or count events (that is `collect/`).
//!
//! The rule: a final-failure record R is a re-log of an earlier record O when
//! - both belong to the same test, were read from the same source (live log, captured log)
//!   and name the same host, port and path template;
//! - they were printed by different emitters (the text before the exception, digits masked:
//!   `src.load.runner: job {n} failed: RetryError:` is one emitter): a logger never re-logs
//!   its own record, so two identical records from the same emitter are two failures (two
//!   concurrent workers hitting the same URL in the same second);
//! - they describe the same failure: the same exception text (from the exception's own
//!   start, object addresses and decimals masked), or the same exception class when one side
//!   only names a class (tenacity's `RetryError[<Future ... raised ConnectError>]`), or an
//!   application deadline (`request_timeout`) beside the retry exhaustion of a timeout it
//!   ended in;
//! - R follows O closely: within the same or the next second when both carry a time, else
//!   among the next 8 final-failure records of that test and source (pytest's `Captured
//!   log` replay has no times, and concurrent workers interleave: client A, client B,
//!   runner A, runner B);
//! - O was not already paired: each record pairs at most once, oldest first.

use crate::attribute::event::{Event, EventKind, Source, epoch_millis};
use crate::model::Category;
use std::collections::VecDeque;
use std::hash::BuildHasher;

type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// The hasher of slot keys and identities: fixed, so a run hashes the same every time.
fn fixed_hasher() -> impl Hasher {
    foldhash::fast::FixedState::with_seed(0).build_hasher()
}
use std::hash::{Hash, Hasher};

/// Longest time between a record and its re-log when both carry a time: the same or the
/// next second (loggers with second resolution straddle a second boundary).
const WINDOW_MS: i64 = 1999;

/// Without times, a re-log is one of the next this many final-failure records of its test
/// and source (concurrent workers interleave: client A, client B, runner A, runner B).
const WINDOW_RECORDS: u64 = 8;

/// At most this many failures wait for their re-log in one queue; older ones are counted.
const MAX_WAITING: usize = 256;

/// What a record says and who said it, as hashes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Identity {
    /// The text before the exception, digits masked (logger name, message prefix).
    pub emitter: u64,
    /// The exception text from its start, addresses and decimals masked.
    pub exception: Option<u64>,
    /// The exception class, when the record names one.
    pub class: Option<u64>,
    /// The record names only the class (a wrapped future), not its message.
    pub class_only: bool,
}

/// Reads the identity of a final-failure line.
pub fn identity(text: &[u8]) -> Identity {
    if let Some((class_at, end)) = future_raised(text) {
        return Identity {
            emitter: masked_hash(&text[..class_at], false),
            exception: None,
            class: Some(plain_hash(&text[class_at..end])),
            class_only: true,
        };
    }
    let Some(anchor) = exception_start(text) else {
        return Identity {
            emitter: masked_hash(text, false),
            ..Identity::default()
        };
    };
    Identity {
        emitter: masked_hash(&text[..anchor.prefix_end], false),
        exception: Some(masked_hash(&text[anchor.message..], true)),
        class: anchor.class.map(|(a, b)| plain_hash(&text[a..b])),
        class_only: false,
    }
}

/// Where the exception starts in a line.
struct Anchor {
    /// End of the emitter's part (start of the class name, else of the message).
    prefix_end: usize,
    /// Start of the exception's message.
    message: usize,
    /// The class name's range, when one precedes the message.
    class: Option<(usize, usize)>,
}

/// The exception's start: a urllib3 pool message (`HTTPSConnectionPool(host=...)`), else
/// the message after the first `SomeError: ` (a dotted name ending in Error, Exception,
/// Timeout, ...). The class name just before either is kept apart.
fn exception_start(text: &[u8]) -> Option<Anchor> {
    if let Some(pool) = finder!(b"ConnectionPool(").find(text) {
        let start = text[..pool]
            .iter()
            .rposition(|b| !b.is_ascii_alphanumeric())
            .map_or(0, |i| i + 1);
        let class = class_before(text, start);
        return Some(Anchor {
            prefix_end: class.map_or(start, |c| c.0),
            message: start,
            class,
        });
    }
    let mut from = 0;
    while let Some(i) = finder!(b": ").find(&text[from..]).map(|i| i + from) {
        if let Some(c) = class_ending_at(text, i) {
            return Some(Anchor {
                prefix_end: c.0,
                message: i + 2,
                class: Some(c),
            });
        }
        from = i + 2;
    }
    None
}

/// The class name that ends with `: ` just before `at`, if any.
fn class_before(text: &[u8], at: usize) -> Option<(usize, usize)> {
    let colon = at.checked_sub(2)?;
    (text.get(colon..at) == Some(b": ")).then_some(())?;
    class_ending_at(text, colon)
}

/// A dotted identifier ending at `end` whose last part names an exception.
fn class_ending_at(text: &[u8], end: usize) -> Option<(usize, usize)> {
    let start = text[..end]
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.'))
        .map_or(0, |i| i + 1);
    let name = &text[start..end];
    let last = name.rsplit(|b| *b == b'.').next().unwrap_or(name);
    let start = end - last.len();
    const ENDINGS: [&[u8]; 6] = [
        b"Error",
        b"Exception",
        b"Timeout",
        b"Exceeded",
        b"Refused",
        b"Failure",
    ];
    (last.first().is_some_and(u8::is_ascii_uppercase) && ENDINGS.iter().any(|e| last.ends_with(e)))
        .then_some((start, end))
}

/// tenacity's `RetryError[<Future at 0x7f state=finished raised ConnectError>]`: the range
/// of the class name it names.
fn future_raised(text: &[u8]) -> Option<(usize, usize)> {
    let at = finder!(b"raised ").find(text)? + 7;
    let len = text[at..]
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))?;
    (len > 0 && text.get(at + len) == Some(&b'>')).then_some((at, at + len))
}

fn plain_hash(b: &[u8]) -> u64 {
    let mut h = fixed_hasher();
    b.hash(&mut h);
    h.finish()
}

/// Hash with runs of digits masked (`all_digits`), else only object addresses (`0x7f..`)
/// and decimals (`894.25ms`): exception texts keep their integers (ports, statuses, errno).
fn masked_hash(b: &[u8], exception: bool) -> u64 {
    // Masked bytes go to a buffer hashed once: one hasher call per line, not per byte.
    let mut out: Vec<u8> = Vec::with_capacity(b.len().min(512));
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'0' && b.get(i + 1) == Some(&b'x') {
            let n = b[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_hexdigit())
                .count();
            if n > 0 {
                out.push(b'@');
                i += 2 + n;
                continue;
            }
        }
        if c.is_ascii_digit() {
            let n = b[i..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == b'.')
                .count();
            let run = &b[i..i + n];
            if !exception || run.contains(&b'.') {
                out.push(b'#');
            } else {
                out.extend_from_slice(run);
            }
            i += n;
            continue;
        }
        out.push(c);
        i += 1;
    }
    plain_hash(&out)
}

/// A final failure waiting for its re-log.
struct Waiting {
    test: Option<u32>,
    source: Source,
    event: Event,
    id: Identity,
    at_ms: Option<i64>,
    seq: u64,
}

/// Where a failure may be re-logged: test, source and target.
pub type SlotKey = (Option<u32>, Source, u64);

/// An event decided now: its test, source and the event.
pub type Decided = (Option<u32>, Source, Event);

/// The queues of failures waiting for their re-log.
#[derive(Default)]
pub struct Relogs {
    slots: HashMap<SlotKey, VecDeque<Waiting>>,
    /// Final-failure records offered per (test, source), for "the very next record".
    seq: HashMap<(Option<u32>, Source), u64>,
}

/// The slot of an event: its test, source and target (host, port, path template).
pub fn slot_key(test: Option<u32>, source: Source, e: &Event, path: Option<&str>) -> SlotKey {
    let mut h = fixed_hasher();
    (&e.fields.host, e.fields.port, path).hash(&mut h);
    (test, source, h.finish())
}

impl Relogs {
    /// Offers a final-failure record. Returns the events that are decided now: failures whose
    /// window ended unpaired, and a pair merged into one event. The record itself may wait.
    pub fn offer(&mut self, key: SlotKey, event: Event) -> Vec<Decided> {
        let id = event.identity;
        let seq = self.seq.entry((key.0, key.1)).or_insert(0);
        *seq += 1;
        let seq = *seq;
        let at_ms = event
            .timestamp
            .as_deref()
            .and_then(epoch_millis)
            .map(|m| m.0);
        let queue = self.slots.entry(key).or_default();
        let _ = &id;
        let mut out = Vec::new();
        while let Some(front) = queue.front()
            && (expired(front, at_ms, seq) || queue.len() >= MAX_WAITING)
        {
            out.extend(queue.pop_front().map(|w| (w.test, w.source, w.event)));
        }
        let pair = queue
            .iter()
            .position(|w| w.id.emitter != id.emitter && same_failure(w, &event));
        match pair.and_then(|i| queue.remove(i)) {
            Some(original) => out.push((key.0, key.1, merge(original.event, event))),
            None => queue.push_back(Waiting {
                test: key.0,
                source: key.1,
                event,
                id,
                at_ms,
                seq,
            }),
        }
        if queue.is_empty() {
            self.slots.remove(&key);
        }
        out
    }

    /// Every waiting failure, in the order they were read (the block ended).
    pub fn drain(&mut self) -> Vec<Decided> {
        self.seq.clear();
        let mut all: Vec<Waiting> = self.slots.drain().flat_map(|(_, q)| q).collect();
        all.sort_by_key(|w| (w.event.file, w.event.line));
        all.into_iter()
            .map(|w| (w.test, w.source, w.event))
            .collect()
    }

    /// Nothing waits.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

/// The record at `seq` (time `at_ms`) can no longer be the re-log of `w`.
fn expired(w: &Waiting, at_ms: Option<i64>, seq: u64) -> bool {
    match (w.at_ms, at_ms) {
        (Some(a), Some(b)) => b - a > WINDOW_MS || b < a,
        _ => seq > w.seq + WINDOW_RECORDS,
    }
}

/// `event` (identity `id`) and the waiting record describe the same failure.
fn same_failure(w: &Waiting, event: &Event) -> bool {
    let id = &event.identity;
    if w.event.kind != EventKind::Terminal || event.kind != EventKind::Terminal {
        return false;
    }
    if w.event.fields.status != event.fields.status
        && w.event.fields.status.is_some()
        && event.fields.status.is_some()
    {
        return false;
    }
    let same_text = w.id.exception.is_some() && w.id.exception == id.exception;
    let same_class =
        (w.id.class_only || id.class_only) && w.id.class.is_some() && w.id.class == id.class;
    same_text || same_class || deadline_of_exhaustion(&w.event, event)
}

/// The class under which the collector compares sources (live log, traceback, summary): an
/// application deadline and the retry exhaustion of a timeout are the same request seen by
/// two layers, so they share one class.
pub fn dedupe_class(category: Category, cause: Option<Category>) -> (Category, Option<Category>) {
    let timeout = |c: Option<Category>| {
        matches!(
            c,
            Some(Category::ConnectTimeout | Category::ReadTimeout | Category::RequestTimeout)
        )
    };
    match category {
        Category::RequestTimeout if cause.is_none() => {
            (Category::RetryExhausted, Some(Category::RequestTimeout))
        }
        Category::RetryExhausted if timeout(cause) => {
            (Category::RetryExhausted, Some(Category::RequestTimeout))
        }
        _ => (category, cause),
    }
}

/// One is an application deadline, the other the timeout (or the retry exhaustion of a
/// timeout) it ended in: the deadline is how the application saw that request.
fn deadline_of_exhaustion(a: &Event, b: &Event) -> bool {
    let timed_out = |e: &Event| match e.category {
        Category::ConnectTimeout | Category::ReadTimeout => true,
        Category::RetryExhausted => matches!(
            e.cause,
            Some(Category::ConnectTimeout | Category::ReadTimeout | Category::RequestTimeout)
        ),
        _ => false,
    };
    (is_deadline(a) && timed_out(b)) || (is_deadline(b) && timed_out(a))
}

/// An application deadline that names no cause ("Request timeout after 2607ms").
fn is_deadline(e: &Event) -> bool {
    e.category == Category::RequestTimeout && e.cause.is_none()
}

/// One event for a record and its re-log: the more specific classification (retry
/// exhaustion, or the timeout exception, over a bare deadline), the fields of both, the
/// lines summed.
fn merge(original: Event, relog: Event) -> Event {
    let relog_wins = (relog.category == Category::RetryExhausted
        && original.category != Category::RetryExhausted)
        || (is_deadline(&original) && !is_deadline(&relog));
    let (mut kept, other) = if relog_wins {
        (relog, original)
    } else {
        (original, relog)
    };
    kept.lines += other.lines;
    if other.category != kept.category {
        kept.also = kept.also.or(Some(other.category));
    }
    kept.mentions_exhaustion |= other.mentions_exhaustion;
    kept.cause = kept.cause.or(other.cause);
    crate::parse::fields::merge_missing(&mut kept.fields, &other.fields);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: &str = "2026-11-27 09:50:46 [  ERROR] src.core.api_client: Request failed after 894.25ms for POST https://127.0.0.1:36367/focus-server/configure: HTTPSConnectionPool(host='127.0.0.1', port=36367): Max retries exceeded with url: /focus-server/configure (Caused by ResponseError('too many 503 error responses'))";
    const RUNNER: &str = "2026-11-27 09:50:46 [  ERROR] src.load.runner: job 9 failed: RetryError: HTTPSConnectionPool(host='127.0.0.1', port=36367): Max retries exceeded with url: /focus-server/configure (Caused by ResponseError('too many 503 error responses'))";

    #[test]
    fn client_and_runner_print_one_exception_from_two_emitters() {
        let (c, r) = (identity(CLIENT.as_bytes()), identity(RUNNER.as_bytes()));
        assert_eq!(c.exception, r.exception);
        assert_ne!(c.emitter, r.emitter);
        let other_job = RUNNER.replace("job 9", "job 12").replace("46 [", "47 [");
        assert_eq!(identity(other_job.as_bytes()).emitter, r.emitter);
        let other_status = RUNNER.replace("503", "500");
        assert_ne!(identity(other_status.as_bytes()).exception, r.exception);
    }

    #[test]
    fn addresses_and_decimals_are_masked_in_exceptions() {
        let a = "x: ConnectTimeout: HTTPSConnectionPool(host='h', port=1): (Caused by ConnectTimeoutError(<HTTPSConnection(host='h', port=1) at 0x7f84ef650150>, 'timed out. (connect timeout=0.5)'))";
        let b = a.replace("0x7f84ef650150", "0x7f84ee5c7fd0");
        assert_eq!(
            identity(a.as_bytes()).exception,
            identity(b.as_bytes()).exception
        );
    }

    #[test]
    fn httpx_and_tenacity_shapes() {
        let httpx =
            identity(b"app.client: GET failed: httpx.ConnectError: [Errno 111] Connection refused");
        let runner =
            identity(b"worker: task 3 failed: ConnectError: [Errno 111] Connection refused");
        assert_eq!(httpx.exception, runner.exception);
        assert_eq!(httpx.class, runner.class);
        let tenacity = identity(
            b"worker: gave up: RetryError[<Future at 0x7f01 state=finished raised ConnectError>]",
        );
        assert!(tenacity.class_only);
        assert_eq!(tenacity.class, httpx.class);
        assert!(
            identity(b"Request timeout after 2607.93ms for POST https://h/p")
                .exception
                .is_none()
        );
    }

    fn record(line: u64, at: Option<&str>, text: &str) -> Event {
        Event {
            file: 0,
            line,
            category: Category::RetryExhausted,
            cause: None,
            signature: 0,
            kind: EventKind::Terminal,
            fields: crate::parse::fields::Fields::default(),
            timestamp: at.map(str::to_string),
            text: text.to_string(),
            mentions_exhaustion: true,
            lines: 1,
            also: None,
            identity: identity(text.as_bytes()),
        }
    }

    /// Offers records to one slot and drains: (events, lines) decided.
    fn decide(records: Vec<Event>) -> Vec<(u64, u64)> {
        let mut r = Relogs::default();
        let mut out = Vec::new();
        for e in records {
            let key = slot_key(Some(0), Source::Live, &e, None);
            out.extend(r.offer(key, e));
        }
        out.extend(r.drain());
        out.into_iter().map(|(_, _, e)| (e.line, e.lines)).collect()
    }

    #[test]
    fn interleaved_workers_pair_oldest_first_and_only_across_emitters() {
        let runner = |job: &str| RUNNER.replace("job 9", job);
        let at = Some("2026-11-27T09:50:46");
        let got = decide(vec![
            record(1, at, CLIENT),
            record(2, at, CLIENT),
            record(3, at, &runner("job 1")),
            record(4, at, &runner("job 2")),
        ]);
        // Each pair keeps the client's record (the earlier) with both lines.
        assert_eq!(got, vec![(1, 2), (2, 2)]);
        // One emitter twice: two failures, nothing pairs.
        let got = decide(vec![record(1, at, CLIENT), record(2, at, CLIENT)]);
        assert_eq!(got, vec![(1, 1), (2, 1)]);
        // Two seconds apart: no longer the same failure.
        let got = decide(vec![
            record(1, at, CLIENT),
            record(2, Some("2026-11-27T09:50:48"), RUNNER),
        ]);
        assert_eq!(got, vec![(1, 1), (2, 1)]);
    }

    #[test]
    fn without_times_the_window_is_a_few_records() {
        let mut records = vec![record(1, None, CLIENT)];
        for n in 0..WINDOW_RECORDS {
            records.push(record(2 + n, None, &CLIENT.replace("894.25", "1.5")));
        }
        records.push(record(100, None, RUNNER));
        let got = decide(records);
        // The first client record expired; the runner pairs with the oldest still waiting.
        assert!(got.contains(&(1, 1)), "{got:?}");
        assert!(got.contains(&(2, 2)), "{got:?}");
        assert_eq!(got.len(), 1 + WINDOW_RECORDS as usize);
    }
}
