//! The collector: a state machine fed one line at a time. It follows pytest's console
//! structure (run phase, failure sections, captured output, short summary), keeps track of
//! which test each line belongs to, classifies candidate lines with the signature set and
//! aggregates the resulting events, counting every failure once.
//!
//! Duplicate rule: the same failure is often printed several times (live log, then the
//! `Captured log` replay; the traceback chain; the short summary line). Events are keyed by
//! (test, role, category, host, port, path template, status) and counted per [`Source`];
//! the number of events for a key is the largest count seen in any one source. An
//! application deadline and the retry exhaustion of a timeout are one key there: the
//! traceback's `ConnectTimeout` is the request the live log called "Request timeout".
//! Within one source, a record that another logger repeats (the client, then the job
//! runner that called it) is one event of two lines: see `relog.rs`.
//!
//! By concern: `structure.rs` (pytest's sections and the current test), `events.rs` (the
//! event path and counting), `names.rs` (tests by node id and name, outcomes), `retries.rs`
//! (retry gaps, sleeps and `Retry-After`), `junit.rs` (JUnit cases merged in), `prepare.rs`
//! (what a line says by itself, read ahead on the reading thread). It does not
//! recognise line shapes (the parse stage's signatures and pytest grammar do) and draws no
//! conclusion from the counts.

use crate::attribute::event::{
    Event, EventGroup, EventKind, GroupKey, SOURCES, Source, path_template,
};
use crate::hashed::Prehashed;
use crate::model::{Category, Outcome};
use crate::parse::fields;
use crate::parse::pytest::{self, Banner, LineKind, SubSection};
use crate::parse::signatures::SignatureSet;
use std::collections::BTreeMap;

use std::hash::BuildHasher;

mod events;
mod junit;
mod names;
mod prepare;
mod retries;
mod structure;

use events::*;
use prepare::PreparedLine;
pub use prepare::{Prepared, Preparer};
pub use retries::*;

/// The collector's maps: hashed with a fast, per-process seeded hasher (they are touched
/// once or more per event).
pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Longest text kept from a log line (samples, messages).
pub const MAX_TEXT: usize = 400;

/// Everything known about one test.
#[derive(Debug, Clone, Default)]
pub struct TestRecord {
    /// Full node id (or the short name until the node id is seen).
    pub nodeid: String,
    /// True while only the short name from a section header is known.
    pub provisional: bool,
    /// Outcome, once known.
    pub outcome: Option<Outcome>,
    /// The test failed and then also errored in teardown.
    pub teardown_error: bool,
    /// Input file and line where the test was first seen.
    pub first_seen: (u16, u64),
    /// Message from the short test summary line.
    pub summary_message: Option<String>,
    /// Last exception line of its traceback (`E   SomeError: ...`).
    pub traceback_message: Option<String>,
    /// Duration from JUnit XML, if merged.
    pub duration_s: Option<f64>,
    /// A `Retrying (...)` warning with a counter at zero was seen in this test.
    pub saw_exhausted_retry: bool,
    /// Where the outcome came from (`log` or `junit`).
    pub outcome_source: &'static str,
    /// Epoch seconds of the first and last timestamped event of this test.
    pub event_span: Option<(i64, i64)>,
    /// The category behind the zero-counter `Retrying` warning (its cause text), if any.
    pub exhausted_cause: Option<Category>,
    /// An application announced its last attempt (`Retrying (3/3)`, `attempt 5 of 5`): the
    /// next failure of this test is retry exhaustion.
    pub final_attempt: bool,
    /// Already in the list of failed tests in report order.
    pub in_failed_order: bool,
    /// How many tests this record stands for (a folded `SKIPPED [3] path:line` is three).
    pub multiplicity: u64,
    /// Categories named by this test's lines that were folded into another event (a
    /// re-log, a traceback repeating the live log): the test saw them, they count no event.
    pub folded_categories: Vec<Category>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Preamble,
    Run,
    Sections(Banner),
    Summary,
}

/// Where a line in a failure section sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SectionPart {
    Traceback,
    Captured(Source),
    Other,
}

struct SectionAcc {
    test: Option<u32>,
    best: Option<(i32, Event)>,
    /// Method, host, port and path named by argument displays in the traceback.
    context: fields::Fields,
    /// A `--tb=line` entry read before the failed tests were named (`-q`): its index among
    /// the entries, to be given to the k-th failed test of the short summary.
    deferred_entry: Option<usize>,
    /// Where the folded event counts: the console traceback, or a JUnit failure body.
    source: Source,
}

impl SectionAcc {
    fn new(test: Option<u32>) -> SectionAcc {
        SectionAcc {
            test,
            best: None,
            context: fields::Fields::default(),
            deferred_entry: None,
            source: Source::Traceback,
        }
    }
}

/// A `--tb=line` entry of a `-q` run, read before the short summary names its test: its
/// events and what its lines said about retries, given to the k-th failed test later.
struct DeferredEntry {
    /// Position among the entries (the k-th failed test).
    k: usize,
    /// Events in reading order.
    events: Vec<(Source, Event)>,
    /// A zero-counter `Retrying` line was seen, with the category it names.
    exhausted: Option<Option<Category>>,
    /// An application announced its last attempt.
    final_attempt: bool,
}

/// At most this many events wait in one deferred entry; later ones stay with the session.
const MAX_DEFERRED_EVENTS: usize = 4096;

/// Terminal events that say retries ran out ("Max retries exceeded") held back until the end
/// of their test's block, because the zero-counter `Retrying` line that makes them retry
/// exhaustion may come after them (nose-style captured logs, session-level records).
const MAX_PENDING_EXHAUSTION: usize = 4096;

/// Counters about the work done, for warnings and benchmarks.
#[derive(Debug, Default, Clone, Copy)]
pub struct CollectStats {
    /// Lines that looked structural and were parsed.
    pub structural_lines: u64,
    /// Lines a signature literal pointed at.
    pub candidate_lines: u64,
    /// Events counted.
    pub events: u64,
    /// Event lines recognised as repeats of an already counted failure.
    pub duplicates: u64,
}

/// The line-by-line collector.
pub struct Collector<'s> {
    sigs: &'s SignatureSet,
    file: u16,
    state: State,
    current: Option<u32>,
    live_source: Source,
    section_part: SectionPart,
    section: Option<SectionAcc>,
    tests: Vec<TestRecord>,
    index: HashMap<String, u32>,
    names: HashMap<String, Vec<u32>>,
    /// JUnit addresses of the tests whose node id was too long to keep whole.
    long_keys: HashMap<u32, (String, String)>,
    /// Keys carry their hash: the table of an event-dense log grows through tens of
    /// thousands of groups, and growing re-hashed every key's host, method and path.
    groups: HashMap<Prehashed<GroupKey>, EventGroup>,
    timeline: BTreeMap<(i64, Category), u64>,
    responses: BTreeMap<String, crate::attribute::responses::TargetResponses>,
    replayed_responses: BTreeMap<String, crate::attribute::responses::TargetResponses>,
    /// Last live retry warning per (test, target): its time in ms and remaining `total`.
    retry_seq: HashMap<(u32, String), (i64, i64)>,
    retry_gaps: BTreeMap<String, RetryGaps>,
    retry_after: RetryAfterSeen,
    /// `Incremented Retry` DEBUG lines waiting for their `Retry:`/`Retrying` line, by (test,
    /// path): (time in ms, how many are pending; more than one cannot be paired).
    pending_sleeps: HashMap<(u32, String), (i64, u32)>,
    retry_sleeps: BTreeMap<String, RetrySleeps>,
    seen: HashMap<(u32, u64), [u32; SOURCES]>,
    /// Final failures waiting for a re-log by another logger.
    relogs: crate::attribute::relog::Relogs,
    session_saw_exhausted_retry: bool,
    session_exhausted_cause: Option<Category>,
    session_final_attempt: bool,
    failed_order: Vec<u32>,
    tb_line_cursor: usize,
    /// `--tb=line` entries waiting for the short summary to name their tests.
    deferred_entries: Vec<DeferredEntry>,
    /// The deferred entry being read (index into `deferred_entries`).
    deferring: Option<usize>,
    /// The current `--tb=line` entry's location line was read; captured output may follow,
    /// and the next `E` or location line opens the next entry.
    entry_located: bool,
    /// `FAILED` lines seen in the short summary so far.
    summary_failed: usize,
    /// Exhaustion-mentioning events waiting for the end of their test's block.
    pending_exhaustion: Vec<(Option<u32>, Source, Event)>,
    /// Indentation of the header that opened the current failure section: deeper lines of
    /// its traceback are echoed source.
    section_indent: usize,
    /// Inside a CPython `Traceback (most recent call last):` block, with its indentation.
    native_traceback: Option<usize>,
    /// The current section was opened by a unittest `FAIL:`/`ERROR:` header.
    unittest_section: bool,
    /// JUnit XML: `(classname, name)` of every test found by node id, and which tests a
    /// JUnit case matched.
    junit_index: HashMap<(String, String), u32>,
    junit_seen: Vec<bool>,
    /// Tests read from console logs before any JUnit XML.
    console_tests: Option<usize>,
    /// A `____ name ____` header was seen since the last `===` banner.
    header_in_banner: bool,
    final_counts: Option<pytest::FinalCounts>,
    saw_session_start: bool,
    saw_progress: bool,
    verbose_results: bool,
    warnings: Vec<String>,
    stats: CollectStats,
    profile: Option<crate::attribute::profile::Profiler>,
    scratch: Vec<usize>,
    /// The facts of recent distinct event lines.
    memo: crate::parse::line_facts::FactsMemo,
    /// What the line being fed says by itself, when it was read ahead.
    prepared: Option<PreparedLine>,
    /// The templates of recent distinct URL paths (see [`path_template`]).
    templates: HashMap<String, std::sync::Arc<str>>,
}

/// What the collector hands to the analysis stage.
pub struct Collected {
    /// Tests in order of first appearance.
    pub tests: Vec<TestRecord>,
    /// Aggregated events.
    pub groups: HashMap<Prehashed<GroupKey>, EventGroup>,
    /// Counted events per (epoch second, category), for events with a timestamp.
    pub timeline: BTreeMap<(i64, Category), u64>,
    /// HTTP responses per target (live output; the captured replay when there was none).
    pub responses: BTreeMap<String, crate::attribute::responses::TargetResponses>,
    /// Time between consecutive retries of one request, per target.
    pub retry_gaps: BTreeMap<String, RetryGaps>,
    /// `Retry-After` values the log shows.
    pub retry_after: RetryAfterSeen,
    /// urllib3's sleeps before retries (DEBUG logs), per path template.
    pub retry_sleeps: BTreeMap<String, RetrySleeps>,
    /// pytest's own final counts, if the final line was read.
    pub final_counts: Option<pytest::FinalCounts>,
    /// A `test session starts` banner or a `-q` progress line was seen.
    pub saw_session_start: bool,
    /// Tests were named in result lines (`-v` or xdist), so every test is known by id.
    pub verbose_results: bool,
    /// Problems noticed while reading.
    pub warnings: Vec<String>,
    /// Work counters.
    pub stats: CollectStats,
    /// Requests per endpoint and log templates (only with [`Collector::profile`]).
    pub profile: Option<crate::attribute::profile::Profiler>,
}

const SESSION: u32 = u32::MAX;

impl<'s> Collector<'s> {
    /// A collector using `sigs`.
    pub fn new(sigs: &'s SignatureSet) -> Collector<'s> {
        Collector {
            sigs,
            file: 0,
            state: State::Preamble,
            current: None,
            live_source: Source::Live,
            section_part: SectionPart::Other,
            section: None,
            tests: Vec::new(),
            index: HashMap::default(),
            names: HashMap::default(),
            long_keys: HashMap::default(),
            groups: HashMap::default(),
            timeline: BTreeMap::new(),
            responses: BTreeMap::new(),
            replayed_responses: BTreeMap::new(),
            retry_seq: HashMap::default(),
            retry_gaps: BTreeMap::new(),
            retry_after: RetryAfterSeen::default(),
            pending_sleeps: HashMap::default(),
            retry_sleeps: BTreeMap::new(),
            seen: HashMap::default(),
            relogs: crate::attribute::relog::Relogs::default(),
            session_saw_exhausted_retry: false,
            session_exhausted_cause: None,
            session_final_attempt: false,
            failed_order: Vec::new(),
            tb_line_cursor: 0,
            deferred_entries: Vec::new(),
            deferring: None,
            entry_located: false,
            summary_failed: 0,
            pending_exhaustion: Vec::new(),
            section_indent: 0,
            native_traceback: None,
            unittest_section: false,
            junit_index: HashMap::default(),
            junit_seen: Vec::new(),
            console_tests: None,
            header_in_banner: false,
            final_counts: None,
            saw_session_start: false,
            saw_progress: false,
            verbose_results: false,
            warnings: Vec::new(),
            stats: CollectStats::default(),
            profile: None,
            scratch: Vec::new(),
            memo: Default::default(),
            prepared: None,
            templates: HashMap::default(),
        }
    }

    /// Also reads every line's requests per endpoint and log template (for `--baseline`).
    pub fn profile(&mut self) {
        self.profile = Some(Default::default());
    }

    /// Starts reading input file number `file` (line numbers restart).
    pub fn start_file(&mut self, file: u16) {
        self.flush_section();
        self.file = file;
    }

    /// Feeds one normalised line (CI prefixes and pasting wrappers removed, indentation
    /// kept). `candidate` is true when a signature literal occurs in it; `prepared` is what
    /// the line without its indentation says by itself, when it was read ahead (else the
    /// collector reads it when it needs it).
    pub fn line(
        &mut self,
        lineno: u64,
        line: &crate::ingest::prefix::Normalized<'_>,
        candidate: bool,
        prepared: Option<Prepared>,
    ) {
        if line.fence {
            self.block_boundary();
            return;
        }
        let indent = indentation(line.text);
        match prepared {
            None => self.indented_line(lineno, line, indent, candidate),
            Some(p) => {
                self.prepared = Some(PreparedLine::new(&line.text[indent..], p));
                self.indented_line(lineno, line, indent, candidate);
                // Only for this line: another text could later sit at the same address.
                self.prepared = None;
            }
        }
    }

    /// [`Collector::line`] once its indentation is measured (`indent` bytes).
    fn indented_line(
        &mut self,
        lineno: u64,
        line: &crate::ingest::prefix::Normalized<'_>,
        indent: usize,
        candidate: bool,
    ) {
        let (text, ci_time) = (&line.text[indent..], line.ci_time);
        if let Some(p) = &mut self.profile {
            let replay = matches!(self.state, State::Sections(_));
            p.line(self.file, lineno, text, replay);
        }
        self.follow_native_traceback(indent, text);
        if self.state == State::Sections(Banner::Failures) && !self.header_in_banner {
            self.tb_line_entry(lineno, indent, text, ci_time, candidate);
            return;
        }
        let first = text.first().copied().unwrap_or(b' ');
        let in_source = self.echo_base().is_some_and(|base| indent > base);
        let structural = !in_source
            && !is_live_log_record(text)
            && (matches!(
                first,
                b'=' | b'_' | b'-' | b'[' | b'P' | b'F' | b'E' | b'S' | b'X' | b'.'
            ) || (candidate && !first.is_ascii_digit())
                || (self.state == State::Summary && first.is_ascii_uppercase())
                || (first.is_ascii_digit() && maybe_bare_final(text)));
        if structural {
            self.stats.structural_lines += 1;
            let s = crate::lossy(text);
            let kind = pytest::classify(&s, self.state == State::Summary);
            if self.structure(lineno, indent, &kind) {
                return;
            }
        }
        if candidate {
            self.stats.candidate_lines += 1;
            self.content(lineno, indent, text, ci_time);
        }
    }

    /// Adds a warning for the final report.
    pub fn warn(&mut self, w: String) {
        self.warnings.push(w);
    }

    /// Ends the input and returns what was collected.
    pub fn finish(mut self) -> Collected {
        self.flush_section();
        self.end_block();
        if let Some(n) = self.console_tests
            && self.saw_session_start
        {
            let missing = (0..n)
                .filter(|&i| !self.junit_seen.get(i).copied().unwrap_or(false))
                .count();
            if missing > 0 {
                self.warnings.push(format!(
                    "{missing} test(s) in the log are not in the JUnit XML (is the XML from the same run?)"
                ));
            }
        }
        // `--tb=line` entries whose tests the log never named stay with the session.
        self.deferring = None;
        for entry in std::mem::take(&mut self.deferred_entries) {
            for (source, event) in entry.events {
                self.emit(event, source, None);
            }
        }
        self.end_block();
        Collected {
            tests: self.tests,
            groups: self.groups,
            timeline: self.timeline,
            responses: if self.responses.is_empty() {
                self.replayed_responses
            } else {
                self.responses
            },
            retry_gaps: self.retry_gaps,
            retry_after: self.retry_after,
            retry_sleeps: self.retry_sleeps,
            final_counts: self.final_counts,
            saw_session_start: self.saw_session_start || self.saw_progress,
            verbose_results: self.verbose_results,
            warnings: self.warnings,
            stats: self.stats,
            profile: self.profile,
        }
    }
}

/// Spaces and tabs at the start of `text`.
pub fn indentation(text: &[u8]) -> usize {
    text.iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count()
}

/// Cuts `s` to at most `max` bytes on a character boundary, marking the cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests;
