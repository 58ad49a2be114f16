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

use crate::event::{Event, EventGroup, EventKind, GroupKey, SOURCES, Source, path_template};
use crate::fields;
use crate::model::{Category, Outcome};
use crate::pytest::{self, Banner, LineKind, SubSection};
use crate::signatures::SignatureSet;
use std::collections::BTreeMap;

/// The collector's maps: hashed with a fast, per-process seeded hasher (they are touched
/// once or more per event).
pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
use std::hash::BuildHasher;

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
    groups: HashMap<GroupKey, EventGroup>,
    timeline: BTreeMap<(i64, Category), u64>,
    responses: BTreeMap<String, crate::responses::TargetResponses>,
    replayed_responses: BTreeMap<String, crate::responses::TargetResponses>,
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
    relogs: crate::relog::Relogs,
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
    profile: Option<crate::compare::profile::Profiler>,
    scratch: Vec<usize>,
    /// The facts of recent distinct event lines.
    memo: crate::line_facts::FactsMemo,
}

/// What the collector hands to the analysis stage.
pub struct Collected {
    /// Tests in order of first appearance.
    pub tests: Vec<TestRecord>,
    /// Aggregated events.
    pub groups: HashMap<GroupKey, EventGroup>,
    /// Counted events per (epoch second, category), for events with a timestamp.
    pub timeline: BTreeMap<(i64, Category), u64>,
    /// HTTP responses per target (live output; the captured replay when there was none).
    pub responses: BTreeMap<String, crate::responses::TargetResponses>,
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
    pub profile: Option<crate::compare::profile::Profiler>,
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
            relogs: crate::relog::Relogs::default(),
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
    /// kept). `candidate` is true when a signature literal occurs in it.
    pub fn line(&mut self, lineno: u64, line: &crate::prefix::Normalized<'_>, candidate: bool) {
        if line.fence {
            self.block_boundary();
            return;
        }
        let indent = line
            .text
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        let text = &line.text[indent..];
        if let Some(p) = &mut self.profile {
            let replay = matches!(self.state, State::Sections(_));
            p.line(self.file, lineno, text, replay);
        }
        let ci_time = line.ci_time;
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

    /// A Markdown fence opens or closes a pasted block: what follows is not the same test.
    fn block_boundary(&mut self) {
        self.flush_section();
        self.end_block();
        self.current = None;
        self.section_part = SectionPart::Other;
        self.native_traceback = None;
    }

    /// Tracks CPython tracebacks (`Traceback (most recent call last):`, ExceptionGroups):
    /// their deeper-indented lines are frames and source, until a line at the block's own
    /// indentation (the exception) ends the block.
    fn follow_native_traceback(&mut self, indent: usize, text: &[u8]) {
        if text.ends_with(b"Traceback (most recent call last):") {
            self.native_traceback = Some(indent);
        } else if let Some(base) = self.native_traceback
            && indent <= base
            && !text.is_empty()
        {
            self.native_traceback = None;
        }
    }

    /// The indentation beyond which lines are echoed source, when inside a traceback.
    fn echo_base(&self) -> Option<usize> {
        match (self.state, self.section_part) {
            (State::Sections(_), SectionPart::Traceback) if self.section.is_some() => {
                Some(self.section_indent)
            }
            _ => self.native_traceback,
        }
    }

    /// pytest's `>` marker lines and indented source are never events: inside a traceback
    /// every deeper-indented line is source; elsewhere an indented line is source only when
    /// it has the shape of Python code (an excerpt that starts mid-traceback), so that
    /// indented log text (Markdown code blocks, YAML-embedded logs) is still read.
    fn is_echo(&self, indent: usize, text: &[u8]) -> bool {
        if text.first() == Some(&b'>') {
            return true;
        }
        match self.echo_base() {
            Some(base) => indent > base,
            None => indent > 0 && crate::echo::looks_like_code(text),
        }
    }

    /// Applies a structural line; returns true when the line is fully handled.
    fn structure(&mut self, lineno: u64, indent: usize, kind: &LineKind<'_>) -> bool {
        match *kind {
            LineKind::Other => false,
            LineKind::Rule(c) => {
                // unittest closes each failure section with a `=====` rule.
                if self.unittest_section && c == b'=' {
                    self.flush_section();
                    self.unittest_section = false;
                    self.set_current(None);
                    self.section_part = SectionPart::Other;
                }
                true
            }
            LineKind::FoldedSkip { location, count } => {
                // With `-v` every skipped test was already named; the summary only folds them.
                if !self.verbose_results {
                    let t = self.test_by_nodeid(location, lineno);
                    let rec = &mut self.tests[t as usize];
                    rec.multiplicity = rec.multiplicity.max(count.max(1));
                    self.set_outcome(t, Outcome::Skipped);
                }
                true
            }
            LineKind::UnittestHeader { name, outcome } => {
                self.flush_section();
                self.end_block();
                let t = self.test_by_nodeid(name, lineno);
                self.set_outcome(t, outcome);
                self.unittest_section = true;
                self.state = State::Sections(Banner::Failures);
                self.header_in_banner = true;
                self.open_section(t, indent, SectionPart::Traceback);
                true
            }
            LineKind::Progress => {
                if self.state == State::Preamble {
                    self.state = State::Run;
                }
                self.saw_progress = true;
                true
            }
            LineKind::SessionStart => {
                self.flush_section();
                self.deferring = None;
                self.saw_session_start = true;
                self.state = State::Run;
                self.set_current(None);
                true
            }
            LineKind::Final(ref counts) => {
                self.flush_section();
                self.deferring = None;
                self.final_counts = Some(counts.clone());
                self.state = State::Run;
                self.set_current(None);
                true
            }
            LineKind::Banner(b) => {
                self.flush_section();
                self.deferring = None;
                self.set_current(None);
                self.section_part = SectionPart::Other;
                self.header_in_banner = false;
                self.state = match b {
                    Banner::ShortSummary => State::Summary,
                    other => State::Sections(other),
                };
                true
            }
            LineKind::SectionHeader(h) => {
                let banner = match self.state {
                    State::Sections(b @ (Banner::Failures | Banner::Errors | Banner::Passes)) => b,
                    State::Sections(Banner::Warnings | Banner::Durations) => return false,
                    // A header opens its test's section even when the excerpt starts below
                    // the `=== FAILURES ===` banner.
                    _ => {
                        self.state = State::Sections(Banner::Failures);
                        Banner::Failures
                    }
                };
                self.flush_section();
                self.header_in_banner = true;
                let want = match (banner, h.error_phase) {
                    (_, Some(_)) | (Banner::Errors, _) => Outcome::Error,
                    (Banner::Passes, _) => Outcome::Passed,
                    _ => Outcome::Failed,
                };
                let test = self.test_by_name(h.name, want, lineno);
                if banner == Banner::Errors || h.error_phase.is_some() {
                    self.note_error_phase(test);
                }
                let part = if banner == Banner::Passes {
                    SectionPart::Other
                } else {
                    SectionPart::Traceback
                };
                self.open_section(test, indent, part);
                true
            }
            LineKind::SubSection(sub) => {
                match self.state {
                    State::Sections(_) => {
                        // The traceback's event waits until the section ends, so that
                        // retries seen in its captured log can still inform it.
                        self.section_part = match sub {
                            SubSection::CapturedLog => SectionPart::Captured(Source::CapturedLog),
                            SubSection::CapturedStdout => {
                                SectionPart::Captured(Source::CapturedStdout)
                            }
                            SubSection::CapturedStderr => {
                                SectionPart::Captured(Source::CapturedStderr)
                            }
                            _ => SectionPart::Other,
                        };
                    }
                    _ => match sub {
                        SubSection::LiveLogSession => self.set_current(None),
                        SubSection::Other => return false,
                        _ => {}
                    },
                }
                true
            }
            LineKind::ResultWithOutput { nodeid, output } => {
                if !matches!(self.state, State::Run | State::Preamble) {
                    return false;
                }
                self.state = State::Run;
                let t = self.test_by_nodeid(nodeid, lineno);
                self.set_current(Some(t));
                self.live_source = Source::Live;
                self.event_line(lineno, output.as_bytes(), None, Source::Live, Some(t));
                true
            }
            LineKind::Result { nodeid, outcome } => {
                if !matches!(self.state, State::Run | State::Preamble) {
                    return false;
                }
                if self.state == State::Preamble && nodeid.is_none() {
                    return false;
                }
                self.state = State::Run;
                if let Some(id) = nodeid {
                    let t = self.test_by_nodeid(id, lineno);
                    self.set_current(Some(t));
                    self.live_source = Source::Live;
                    if outcome.is_some() {
                        self.verbose_results = true;
                    }
                }
                if let (Some(o), Some(t)) = (outcome, self.current) {
                    self.set_outcome(t, o);
                }
                true
            }
            LineKind::Summary {
                outcome,
                nodeid,
                message,
            } => {
                let t = self.test_by_nodeid(nodeid, lineno);
                self.set_outcome(t, outcome);
                if matches!(self.state, State::Run | State::Preamble) {
                    // A pasted summary line: what follows is not that test's output.
                    self.set_current(None);
                }
                if outcome == Outcome::Failed {
                    self.give_deferred_entry(self.summary_failed, t);
                    self.summary_failed += 1;
                }
                if let Some(msg) = message {
                    let rec = &mut self.tests[t as usize];
                    rec.summary_message = Some(truncate(msg, MAX_TEXT));
                    if outcome.is_failure() || outcome == Outcome::Xfailed {
                        self.event_line(lineno, msg.as_bytes(), None, Source::Summary, Some(t));
                    }
                }
                true
            }
        }
    }

    /// Starts the failure section of `test`, whose header sits at `indent`.
    fn open_section(&mut self, test: u32, indent: usize, part: SectionPart) {
        self.set_current(Some(test));
        self.section_part = part;
        self.section_indent = indent;
        self.native_traceback = None;
        self.section = Some(SectionAcc::new(Some(test)));
    }

    /// Makes `t` the test that following lines belong to; the previous test's block ends.
    fn set_current(&mut self, t: Option<u32>) {
        if t != self.current {
            self.end_block();
        }
        self.current = t;
    }

    /// `--tb=line` prints failures without `____ name ____` headers: each entry is a run of
    /// `E` lines closed by a `path:line: message` line, maybe followed by captured output.
    /// Entries come in run order, so the k-th entry belongs to the k-th failed test. With
    /// `-q` the failed tests are only named by the short summary that follows: such entries
    /// wait (see [`Collector::give_deferred_entry`]).
    fn tb_line_entry(
        &mut self,
        lineno: u64,
        indent: usize,
        text: &[u8],
        ci_time: Option<&[u8]>,
        candidate: bool,
    ) {
        let first = text.first().copied().unwrap_or(b' ');
        if matches!(first, b'=' | b'_' | b'-') {
            let s = crate::lossy(text);
            let kind = pytest::classify(&s, false);
            if matches!(kind, LineKind::SectionHeader(_)) {
                // Not `--tb=line` after all: leave the headerless mode.
                self.header_in_banner = true;
                self.structure(lineno, indent, &kind);
                return;
            }
            if self.structure(lineno, indent, &kind) {
                return;
            }
        }
        let is_e = text.starts_with(b"E ");
        let is_location = is_location_line(text);
        let opens_entry = is_e
            || is_location
            || (first.is_ascii_alphabetic() && looks_like_exception_message(&crate::lossy(text)));
        if opens_entry && (self.section.is_none() || self.entry_located) {
            self.flush_section();
            let entry = self.tb_line_cursor;
            let test = self.failed_order.get(entry).copied();
            self.tb_line_cursor += 1;
            self.set_current(test);
            let mut acc = SectionAcc::new(test);
            if test.is_none() {
                acc.deferred_entry = Some(entry);
                self.deferring = Some(self.deferred_entries.len());
                self.deferred_entries.push(DeferredEntry {
                    k: entry,
                    events: Vec::new(),
                    exhausted: None,
                    final_attempt: false,
                });
            } else {
                self.deferring = None;
            }
            self.section = Some(acc);
            self.section_indent = indent;
            self.section_part = SectionPart::Traceback;
            self.entry_located = false;
        }
        if candidate {
            self.stats.candidate_lines += 1;
            self.content(lineno, indent, text, ci_time);
        }
        // pytest >= 8 prints the chain's `E` lines, then the location line, then the
        // test's captured output: the entry lasts until the next entry starts.
        self.entry_located |= is_location;
    }

    /// The short summary named `test` as the `k`-th failed test: a `--tb=line` entry read
    /// before it (a `-q` run) is its failure, with the retries its captured log showed.
    fn give_deferred_entry(&mut self, k: usize, test: u32) {
        let Some(i) = self.deferred_entries.iter().position(|e| e.k == k) else {
            return;
        };
        let entry = self.deferred_entries.swap_remove(i);
        if self.deferring.is_some() {
            self.deferring = None;
        }
        if let Some(cause) = entry.exhausted {
            self.mark_retries_used_up(Some(test), cause);
        }
        self.tests[test as usize].final_attempt |= entry.final_attempt;
        for (source, event) in entry.events {
            self.emit(event, source, Some(test));
        }
        self.end_block();
    }

    /// A non-structural line that a signature literal pointed at.
    fn content(&mut self, lineno: u64, indent: usize, text: &[u8], ci_time: Option<&[u8]>) {
        // Source echoed in tracebacks (indented code, `>` markers) is never an event.
        if self.is_echo(indent, text) {
            return;
        }
        // "Retry-After", "Incremented Retry", "Retry: ", "Retrying": one cheap check first.
        if ETRY.find(text).is_some() || ETRY_UPPER.find(text).is_some() {
            if let Some(delay) = crate::responses::retry_after(text) {
                self.retry_after.add(delay, lineno);
            }
            self.note_retry_sleep(text, ci_time);
            self.note_retries_used_up(text);
        } else if finder!(b"ttempt").find(text).is_some() {
            self.note_retries_used_up(text);
        }
        if crate::responses::mentions_http(text)
            && let Some(r) = crate::responses::parse(text)
        {
            let at = timestamp_of(ci_time, text).and_then(|t| crate::event::epoch_seconds(&t));
            let replay = matches!(self.state, State::Sections(_));
            let map = if replay {
                &mut self.replayed_responses
            } else {
                &mut self.responses
            };
            let entry = map.entry(r.target.clone()).or_default();
            entry.target = r.target;
            entry.add(r.status, at);
            // An error response may also be a failure event (e.g. httpx's 429 line).
            if r.status < 400 {
                return;
            }
        }
        match self.state {
            State::Preamble | State::Run => {
                let src = self.live_source;
                self.event_line(lineno, text, ci_time, src, self.current);
            }
            State::Summary => self.event_line(lineno, text, ci_time, Source::Live, None),
            State::Sections(Banner::Warnings | Banner::Durations) => {}
            State::Sections(_) => match self.section_part {
                SectionPart::Traceback => {
                    if is_traceback_event_line(text) {
                        self.event_line(lineno, text, ci_time, Source::Traceback, self.current);
                    } else {
                        self.note_request_context(text);
                    }
                }
                SectionPart::Captured(src) => {
                    self.event_line(lineno, text, ci_time, src, self.current);
                }
                SectionPart::Other => {
                    self.event_line(lineno, text, ci_time, Source::Live, self.current);
                }
            },
        }
    }

    /// Classifies a line and records the event it carries, if any.
    fn event_line(
        &mut self,
        lineno: u64,
        text: &[u8],
        ci_time: Option<&[u8]>,
        source: Source,
        test: Option<u32>,
    ) {
        let facts = self
            .memo
            .facts(self.sigs, text, &mut self.scratch)
            .filter(|facts| self.condition_holds(facts.signature, test));
        let Some(facts) = facts else {
            if source == Source::Traceback {
                self.note_traceback_message(text);
            }
            return;
        };
        let sig = &self.sigs.signatures()[facts.signature];
        let priority = sig.spec.priority;
        let category = sig.category;
        let mut cause = facts.cause;
        if sig.requires == Some(crate::signatures::Requirement::ExhaustedRetry) {
            cause = self.block_retry_state(test).1;
        }
        let kind = facts.kind;
        let fields = facts.fields;
        if kind == EventKind::RetryAttempt && source == Source::Live {
            self.note_retry_gap(test, &fields, ci_time, text);
        }
        if kind == EventKind::RetryAttempt && fields.retry.is_some_and(|r| r.exhausted()) {
            self.mark_retries_used_up(test, Some(category));
        }
        let event = Event {
            file: self.file,
            line: lineno,
            category,
            cause,
            signature: facts.signature,
            kind,
            fields,
            timestamp: timestamp_of(ci_time, text),
            text: event_text(text),
            mentions_exhaustion: facts.mentions_exhaustion,
            lines: 1,
            also: None,
            identity: facts.identity,
        };
        if source == Source::Traceback {
            self.note_traceback_message(text);
            if self.section.is_some() {
                self.accumulate(priority, event);
                return;
            }
        }
        self.emit(event, source, test);
    }

    /// Folds one line of a traceback chain into the section's single event.
    fn accumulate(&mut self, priority: i32, event: Event) {
        let Some(acc) = self.section.as_mut() else {
            return;
        };
        let Some((p, old)) = acc.best.take() else {
            acc.best = Some((priority, event));
            return;
        };
        // A wrapper (retries ran out, an application deadline) names what it wraps: the
        // chain `httpx.ReadTimeout` -> `openai.APITimeoutError` is one request timeout
        // caused by a read timeout, whatever the priorities.
        let (keep_new, p) = match (is_wrapper(event.category), is_wrapper(old.category)) {
            (true, false) => (true, priority),
            (false, true) => (false, p),
            _ if priority >= p => (true, priority),
            _ => (false, p),
        };
        let (mut kept, other) = if keep_new { (event, old) } else { (old, event) };
        fields::merge_missing(&mut kept.fields, &other.fields);
        kept.mentions_exhaustion |= other.mentions_exhaustion;
        if is_wrapper(kept.category) && !is_wrapper(other.category) {
            kept.cause = kept.cause.or(Some(other.category));
        } else {
            kept.cause = kept.cause.or(other.cause);
        }
        acc.best = Some((p, kept));
    }

    fn flush_section(&mut self) {
        if let Some(acc) = self.section.take()
            && let Some((_, mut event)) = acc.best
        {
            // Only borrow a request's identity when it does not contradict the exception's.
            let ctx = &acc.context;
            if event.fields.host.is_none() || event.fields.host == ctx.host {
                fields::merge_missing(&mut event.fields, ctx);
            } else if event.fields.method.is_none() {
                event.fields.method = ctx.method.clone();
            }
            self.emit(event, acc.source, acc.test);
        }
    }

    /// Whether a conditional signature may count for `test` now (a bare "Max retries
    /// exceeded" is retry exhaustion only after a zero-counter `Retrying` line).
    fn condition_holds(&self, signature: usize, test: Option<u32>) -> bool {
        match self.sigs.signatures()[signature].requires {
            None => true,
            Some(crate::signatures::Requirement::ExhaustedRetry) => self.block_retry_state(test).0,
        }
    }

    /// (retries were visibly used up, the category of the retried failure) for `test`.
    fn block_retry_state(&self, test: Option<u32>) -> (bool, Option<Category>) {
        match test {
            Some(t) => {
                let r = &self.tests[t as usize];
                (r.saw_exhausted_retry, r.exhausted_cause)
            }
            None => (
                self.session_saw_exhausted_retry,
                self.session_exhausted_cause,
            ),
        }
    }

    /// Records that the retries of `test` (or of the session) were visibly used up.
    fn mark_retries_used_up(&mut self, test: Option<u32>, cause: Option<Category>) {
        if test.is_none()
            && let Some(entry) = self.deferring.map(|i| &mut self.deferred_entries[i])
        {
            let seen = entry.exhausted.get_or_insert(None);
            *seen = cause.or(*seen);
            return;
        }
        let (flag, slot) = match test {
            Some(t) => {
                let r = &mut self.tests[t as usize];
                (&mut r.saw_exhausted_retry, &mut r.exhausted_cause)
            }
            None => (
                &mut self.session_saw_exhausted_retry,
                &mut self.session_exhausted_cause,
            ),
        };
        *flag = true;
        if cause.is_some() {
            *slot = cause;
        }
    }

    /// A `Retrying (Retry(total=0, ...))` warning whose cause text was cut or wrapped onto
    /// the next line, or an application's last attempt (`Retrying (3/3)`, `attempt 5 of
    /// 5`): the retries are used up even though the line itself matches no signature.
    fn note_retries_used_up(&mut self, text: &[u8]) {
        let test = self.current;
        if finder!(b"Retrying (Retry(").find(text).is_some() {
            if fields::retry_counters(text).is_some_and(|r| r.exhausted()) {
                self.mark_retries_used_up(test, None);
            }
        } else if announces_last_attempt(text) {
            match (test, self.deferring) {
                (Some(t), _) => self.tests[t as usize].final_attempt = true,
                (None, Some(i)) => self.deferred_entries[i].final_attempt = true,
                (None, None) => self.session_final_attempt = true,
            }
        }
    }

    /// Ends the block of the current test: held-back exhaustion events are decided now.
    fn end_block(&mut self) {
        for (test, source, event) in std::mem::take(&mut self.pending_exhaustion) {
            self.emit_now(event, source, test);
        }
        self.flush_relogs();
    }

    /// Measures the time between two consecutive `Retrying` warnings of one request: the
    /// same test and target, the remaining `total` one lower than the previous line's.
    fn note_retry_gap(
        &mut self,
        test: Option<u32>,
        fields: &fields::Fields,
        ci_time: Option<&[u8]>,
        text: &[u8],
    ) {
        let (Some(host), Some(total)) = (&fields.host, fields.retry.and_then(|r| r.total)) else {
            return;
        };
        let Some((ms, precise)) =
            timestamp_of(ci_time, text).and_then(|t| crate::event::epoch_millis(&t))
        else {
            return;
        };
        let target = match fields.port {
            Some(p) => format!("{host}:{p}"),
            None => host.clone(),
        };
        let key = (test.unwrap_or(SESSION), target.clone());
        if let Some((prev_ms, prev_total)) = self.retry_seq.get(&key).copied()
            && total.checked_add(1) == Some(prev_total)
            && ms >= prev_ms
        {
            let g = self.retry_gaps.entry(target).or_default();
            g.add(ms - prev_ms, precise, fields.timeout_s);
        }
        self.retry_seq.insert(key, (ms, total));
    }

    /// Measures urllib3's sleep before a retry from its DEBUG lines: `Retry.increment` logs
    /// "Incremented Retry for (url='/p')", then urlopen sleeps (backoff or Retry-After) and
    /// logs "Retry: /p" (status retries) or the "Retrying (...) ...: /p" warning (errors).
    fn note_retry_sleep(&mut self, text: &[u8], ci_time: Option<&[u8]>) {
        let Some((path, status)) = retry_debug_line(text) else {
            return;
        };
        let Some((ms, true)) =
            timestamp_of(ci_time, text).and_then(|t| crate::event::epoch_millis(&t))
        else {
            return; // whole seconds cannot measure sleeps of a fraction of one
        };
        let key = (self.current.unwrap_or(SESSION), path);
        match status {
            None => {
                let e = self.pending_sleeps.entry(key).or_insert((ms, 0));
                *e = (ms, e.1 + 1);
            }
            Some(is_status) => {
                let Some((at, pending)) = self.pending_sleeps.remove(&key) else {
                    return;
                };
                if pending == 1 && ms >= at {
                    let s = self
                        .retry_sleeps
                        .entry(crate::event::path_template(&key.1))
                        .or_default();
                    let gaps = if is_status {
                        &mut s.status
                    } else {
                        &mut s.error
                    };
                    gaps.add(ms - at, true, None);
                }
            }
        }
    }

    /// Remembers request context from traceback argument displays.
    fn note_request_context(&mut self, text: &[u8]) {
        let Some(acc) = self.section.as_mut() else {
            return;
        };
        let ctx = &mut acc.context;
        if let Some(i) = finder!(b"<Request('").find(text) {
            let rest = &text[i + 10..];
            let method_end = rest.iter().position(|b| *b == b'\'').unwrap_or(0);
            let method = crate::lossy(&rest[..method_end]).into_owned();
            let f = fields::extract(rest, None);
            if f.host.is_some() {
                ctx.host = f.host;
                ctx.port = f.port;
                ctx.path = f.path;
            }
            if !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase()) {
                ctx.method = Some(method);
            }
        } else if let Some(i) = finder!(b"method = '").find(text) {
            let rest = &text[i + 10..];
            let end = rest.iter().position(|b| *b == b'\'').unwrap_or(0);
            if end > 0 && rest[..end].iter().all(u8::is_ascii_uppercase) {
                ctx.method = Some(crate::lossy(&rest[..end]).into_owned());
            }
        }
    }

    /// Counts an event unless it repeats a failure already counted from another source. A
    /// live or session event that says retries ran out, before any zero-counter `Retrying`
    /// line was seen, waits for the end of its test's block (see [`Collector::end_block`]).
    fn emit(&mut self, event: Event, source: Source, test: Option<u32>) {
        if test.is_none()
            && let Some(entry) = self.deferring.map(|i| &mut self.deferred_entries[i])
            && entry.events.len() < MAX_DEFERRED_EVENTS
        {
            entry.events.push((source, event));
            return;
        }
        let waits = event.kind == EventKind::Terminal
            && event.category != Category::RetryExhausted
            && event.mentions_exhaustion
            && matches!(source, Source::Live)
            && !self.block_retry_state(test).0
            && self.pending_exhaustion.len() < MAX_PENDING_EXHAUSTION;
        if waits {
            self.pending_exhaustion.push((test, source, event));
        } else {
            self.emit_now(event, source, test);
        }
    }

    fn emit_now(&mut self, mut event: Event, source: Source, test: Option<u32>) {
        // A final failure after a `Retrying (...)` warning with a counter at zero means the
        // retries ran out: that is retry exhaustion, caused by the original category. So is
        // the failure that follows an application's "last attempt" line.
        let (saw_exhausted, _) = self.block_retry_state(test);
        let final_attempt = event.kind == EventKind::Terminal
            && match test {
                Some(t) => std::mem::take(&mut self.tests[t as usize].final_attempt),
                None => std::mem::take(&mut self.session_final_attempt),
            };
        if event.kind == EventKind::Terminal
            && event.category != Category::RetryExhausted
            && ((event.mentions_exhaustion && saw_exhausted) || final_attempt)
        {
            event.cause = Some(event.category);
            event.category = Category::RetryExhausted;
        }
        if event.kind == EventKind::Terminal
            && matches!(source, Source::Summary | Source::Junit)
            && let Some(t) = test
            && self.has_terminal_from(t, &[Source::Traceback, Source::Summary, Source::Junit])
        {
            self.stats.duplicates += 1;
            return;
        }
        if event.kind == EventKind::Terminal && may_relog(source) {
            let path = event.fields.path.as_deref().map(path_template);
            let key = crate::relog::slot_key(test, source, &event, path.as_deref());
            for (test, source, event) in self.relogs.offer(key, event) {
                self.count_event(event, source, test);
            }
            return;
        }
        self.count_event(event, source, test);
    }

    /// Remembers a category a test's folded lines named.
    fn note_folded(&mut self, test: Option<u32>, category: Option<Category>) {
        if let (Some(t), Some(c)) = (test, category)
            && let Some(rec) = self.tests.get_mut(t as usize)
            && !rec.folded_categories.contains(&c)
        {
            rec.folded_categories.push(c);
        }
    }

    /// Final failures whose re-logs were waited for are counted now (the block ended).
    fn flush_relogs(&mut self) {
        if self.relogs.is_empty() {
            return;
        }
        for (test, source, event) in self.relogs.drain() {
            self.count_event(event, source, test);
        }
    }

    /// Counts an event unless another source already counted as many of its kind.
    fn count_event(&mut self, mut event: Event, source: Source, test: Option<u32>) {
        let test_key = test.unwrap_or(SESSION);
        let path = event.fields.path.as_deref().map(path_template);
        if event.lines > 1 {
            self.stats.duplicates += event.lines - 1;
        }
        let key = foldhash::fast::FixedState::with_seed(0).hash_one((
            event.kind,
            crate::relog::dedupe_class(event.category, event.cause),
            &event.fields.host,
            event.fields.port,
            &path,
            event.fields.status,
        ));
        let counts = self.seen.entry((test_key, key)).or_insert([0; SOURCES]);
        let s = source as usize;
        counts[s] += 1;
        let others = counts
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != s)
            .map(|(_, c)| *c)
            .max()
            .unwrap_or(0);
        let repeat = counts[s] <= others;
        if event.kind == EventKind::Terminal {
            // This source showed the test's final failure, counted or not: a summary or
            // JUnit message repeating it is a duplicate.
            terminal_sources(&mut self.seen, test_key, source);
        }
        if repeat {
            self.stats.duplicates += 1;
            self.note_folded(test, Some(event.category));
            self.note_folded(test, event.also.or(event.cause));
            return;
        }
        self.note_folded(test, event.also);
        self.stats.events += 1;
        if let Some(at) = event
            .timestamp
            .as_deref()
            .and_then(crate::event::epoch_seconds)
        {
            *self.timeline.entry((at, event.category)).or_default() += 1;
            if let Some(cause) = event.cause.filter(|c| *c != event.category) {
                *self.timeline.entry((at, cause)).or_default() += 1;
            }
            if let Some(t) = test {
                let span = &mut self.tests[t as usize].event_span;
                *span = Some(span.map_or((at, at), |(a, b)| (a.min(at), b.max(at))));
            }
        }
        let gk = GroupKey {
            test,
            category: event.category,
            cause: event.cause,
            kind: event.kind,
            signature: event.signature,
            // The group reads neither field again: moved, not copied.
            host: event.fields.host.take(),
            port: event.fields.port,
            method: event.fields.method.take(),
            path,
            status: event.fields.status,
        };
        match self.groups.get_mut(&gk) {
            Some(g) => g.add(&event),
            None => {
                self.groups.insert(gk, EventGroup::new(event));
            }
        }
    }

    fn has_terminal_from(&self, test: u32, sources: &[Source]) -> bool {
        self.seen
            .get(&(test, TERMINAL_MARK))
            .is_some_and(|c| sources.iter().any(|s| c[*s as usize] > 0))
    }

    fn note_traceback_message(&mut self, text: &[u8]) {
        let Some(t) = self.current else { return };
        let Some(rest) = text.strip_prefix(b"E") else {
            return;
        };
        let msg = crate::lossy(rest);
        let msg = msg.trim();
        if looks_like_exception_message(msg) {
            self.tests[t as usize].traceback_message = Some(truncate(msg, MAX_TEXT));
        }
    }

    fn test_by_nodeid(&mut self, full: &str, lineno: u64) -> u32 {
        let nodeid = crate::bounds::cap(full, crate::bounds::MAX_ID);
        let nodeid = nodeid.as_ref();
        if let Some(&i) = self.index.get(nodeid) {
            return i;
        }
        // A section header may have created it under its short name (e.g. with `-q`); a
        // collection error's header (`ERROR collecting tests/x.py`) under the path itself.
        let path_id = !nodeid.contains("::");
        for short in short_names(full)
            .into_iter()
            .chain(path_id.then(|| nodeid.to_string()))
        {
            if let Some(ids) = self.names.get(&short)
                && let Some(&i) = ids.iter().find(|&&i| self.tests[i as usize].provisional)
            {
                let rec = &mut self.tests[i as usize];
                rec.nodeid = nodeid.to_string();
                rec.provisional = false;
                self.index.insert(nodeid.to_string(), i);
                self.add_names(full, i);
                self.keep_long_key(full, i);
                return i;
            }
        }
        let i = self.tests.len() as u32;
        self.tests.push(TestRecord {
            nodeid: nodeid.to_string(),
            first_seen: (self.file, lineno),
            outcome_source: "log",
            multiplicity: 1,
            ..TestRecord::default()
        });
        self.index.insert(nodeid.to_string(), i);
        self.add_names(full, i);
        self.keep_long_key(full, i);
        i
    }

    /// A node id cut by [`crate::bounds::cap`] no longer gives its JUnit address: keep the
    /// address of the whole id for the (rare) test that has one.
    fn keep_long_key(&mut self, full: &str, i: u32) {
        if full.len() > crate::bounds::MAX_ID {
            self.long_keys.insert(i, crate::junit::junit_address(full));
        }
    }

    fn add_names(&mut self, nodeid: &str, i: u32) {
        for short in short_names(nodeid) {
            let ids = self.names.entry(short).or_default();
            // `i` is the newest test, or a provisional one renamed: a repeat is harmless
            // for lookups, a scan of every test sharing the name would not be.
            if ids.last() != Some(&i) {
                ids.push(i);
            }
        }
    }

    /// Finds the test a `____ name ____` header refers to, preferring one with the expected
    /// outcome that has no section yet; creates a provisional record when none is known.
    fn test_by_name(&mut self, name: &str, want: Outcome, lineno: u64) -> u32 {
        let name = crate::bounds::cap(name, crate::bounds::MAX_ID);
        let name = name.as_ref();
        if let Some(ids) = self.names.get(name) {
            let pick = ids
                .iter()
                .copied()
                .find(|&i| self.tests[i as usize].outcome == Some(want))
                .or_else(|| ids.first().copied());
            if let Some(i) = pick {
                return i;
            }
        }
        let i = self.tests.len() as u32;
        self.tests.push(TestRecord {
            nodeid: name.to_string(),
            provisional: true,
            first_seen: (self.file, lineno),
            outcome: Some(want),
            outcome_source: "log",
            multiplicity: 1,
            ..TestRecord::default()
        });
        self.names.entry(name.to_string()).or_default().push(i);
        i
    }

    fn note_error_phase(&mut self, t: u32) {
        let rec = &mut self.tests[t as usize];
        if rec.outcome == Some(Outcome::Failed) {
            rec.teardown_error = true;
        } else {
            rec.outcome = Some(Outcome::Error);
        }
    }

    fn set_outcome(&mut self, t: u32, o: Outcome) {
        let rec = &mut self.tests[t as usize];
        match (rec.outcome, o) {
            // A failed test that also errors in teardown is reported twice by pytest.
            (Some(Outcome::Failed), Outcome::Error) => rec.teardown_error = true,
            (Some(Outcome::Error), Outcome::Failed) => {
                rec.outcome = Some(Outcome::Failed);
                rec.teardown_error = true;
            }
            (Some(Outcome::Error), Outcome::Passed) => {}
            _ => rec.outcome = Some(o),
        }
        let rec = &mut self.tests[t as usize];
        if o == Outcome::Failed && !rec.in_failed_order {
            rec.in_failed_order = true;
            self.failed_order.push(t);
        }
    }

    /// Reads one JUnit XML report (input number `file`), after every console log: outcomes
    /// and durations come from the XML; each case's `<system-out>`/`<system-err>` is read
    /// like a captured log, its failure body like a traceback and its `message` like a
    /// summary line, so that a test the log already explained gains no second count.
    pub fn junit_run(&mut self, run: &crate::junit::JunitRun, file: u16) {
        self.flush_section();
        self.end_block();
        self.set_current(None);
        self.file = file;
        if self.console_tests.is_none() {
            self.console_tests = Some(self.tests.len());
            for (i, t) in self.tests.iter().enumerate() {
                if !t.provisional {
                    let key = match self.long_keys.get(&(i as u32)) {
                        Some(key) => key.clone(),
                        None => crate::junit::junit_address(&t.nodeid),
                    };
                    self.junit_index.insert(key, i as u32);
                }
            }
        }
        for case in &run.cases {
            let t = self.junit_test(case);
            self.junit_outcome(t, case);
            if case.outcome.is_failure()
                || matches!(case.outcome, Outcome::Xfailed | Outcome::Xpassed)
                || case.system_out.is_some()
                || case.system_err.is_some()
            {
                self.junit_evidence(t, case);
            }
        }
        self.state = State::Run;
        self.set_current(None);
    }

    /// The test a JUnit case describes: found by its `(classname, name)`, or a section
    /// header's short name, else a new test.
    fn junit_test(&mut self, case: &crate::junit::JunitCase) -> u32 {
        let key = (case.classname.clone(), case.name.clone());
        let found = self.junit_index.get(&key).copied().or_else(|| {
            let class = case.classname.rsplit('.').next().unwrap_or("");
            let dotted =
                crate::bounds::cap_owned(format!("{class}.{}", case.name), crate::bounds::MAX_ID);
            [case.name.as_str(), dotted.as_str()].iter().find_map(|n| {
                self.names
                    .get(*n)?
                    .iter()
                    .copied()
                    .find(|&i| self.tests[i as usize].provisional)
            })
        });
        let t = match found {
            Some(t) => t,
            None => {
                let t = self.tests.len() as u32;
                self.tests.push(TestRecord {
                    nodeid: case.nodeid_guess(),
                    first_seen: (self.file, case.lines.case),
                    outcome_source: "junit",
                    multiplicity: 1,
                    ..TestRecord::default()
                });
                t
            }
        };
        self.junit_index.insert(key, t);
        if self.junit_seen.len() < self.tests.len() {
            self.junit_seen.resize(self.tests.len(), false);
        }
        self.junit_seen[t as usize] = true;
        t
    }

    /// Outcome and duration from the XML, with a warning when the log disagrees.
    fn junit_outcome(&mut self, t: u32, case: &crate::junit::JunitCase) {
        let rec = &mut self.tests[t as usize];
        if let Some(log_outcome) = rec.outcome
            && log_outcome != case.outcome
            && !(log_outcome == Outcome::Xpassed && case.outcome == Outcome::Passed)
        {
            let msg = format!(
                "{}: the log says {} but the JUnit XML says {}; using the XML",
                rec.nodeid, log_outcome, case.outcome
            );
            self.warnings.push(msg);
        }
        let rec = &mut self.tests[t as usize];
        // pytest's XML reports a non-strict XPASS as a plain pass; the log knows better.
        if !(rec.outcome == Some(Outcome::Xpassed) && case.outcome == Outcome::Passed) {
            rec.outcome = Some(case.outcome);
            rec.outcome_source = "junit";
        }
        rec.duration_s = case.duration_s.or(rec.duration_s);
        rec.teardown_error |= case.teardown_error && case.outcome == Outcome::Failed;
        if rec.summary_message.is_none() {
            rec.summary_message = case.message.as_deref().map(|m| truncate(m, MAX_TEXT));
        }
        if case.outcome == Outcome::Failed && !rec.in_failed_order {
            rec.in_failed_order = true;
            self.failed_order.push(t);
        }
    }

    /// Classifies what a JUnit case shows: captured output first (its retries decide
    /// whether the failure is retry exhaustion), then the failure body, then the message
    /// when the body named nothing.
    fn junit_evidence(&mut self, t: u32, case: &crate::junit::JunitCase) {
        self.state = State::Sections(Banner::Failures);
        self.header_in_banner = true;
        self.open_section(t, 0, SectionPart::Traceback);
        if let Some(acc) = self.section.as_mut() {
            acc.source = Source::Junit;
        }
        let lines = case.lines;
        for (text, line) in [
            (&case.system_out, lines.system_out),
            (&case.system_err, lines.system_err),
        ] {
            if let Some(text) = text {
                self.section_part = SectionPart::Captured(Source::JunitCaptured);
                self.feed_text(text.as_bytes(), line);
            }
        }
        let failing = case.outcome != Outcome::Passed && case.outcome != Outcome::Skipped;
        if failing && let Some(body) = &case.details {
            self.section_part = SectionPart::Traceback;
            self.native_traceback = None;
            self.feed_text(body.as_bytes(), lines.details);
        }
        self.flush_section();
        if failing && let Some(msg) = &case.message {
            let first = msg.lines().next().unwrap_or("");
            self.event_line(
                lines.details,
                first.as_bytes(),
                None,
                Source::Junit,
                Some(t),
            );
        }
        self.end_block();
        self.section_part = SectionPart::Other;
    }

    /// Reads a text held in memory (a JUnit element) line by line as the current section's
    /// content, starting at line `first_line` of the current input.
    fn feed_text(&mut self, text: &[u8], first_line: u64) {
        let mut hits = Vec::new();
        self.sigs.literal_hits(text, &mut hits);
        let every_line = self.sigs.needs_every_line();
        let mut next_hit = 0;
        for (i, (start, line)) in crate::lines::line_spans(text).enumerate() {
            let end = start + line.len();
            while next_hit < hits.len() && hits[next_hit] < start {
                next_hit += 1;
            }
            let candidate = every_line || (next_hit < hits.len() && hits[next_hit] < end);
            let n = crate::prefix::strip_ci_prefix(crate::lines::trim_cr(line));
            let indent = n
                .text
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            let body = &n.text[indent..];
            self.follow_native_traceback(indent, body);
            if candidate {
                self.stats.candidate_lines += 1;
                self.content(first_line + i as u64, indent, body, n.ci_time);
            }
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

/// `Retry-After` values found in the log (headers printed by the application or by an
/// HTTP library's debug output).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct RetryAfterSeen {
    /// Lines with a value.
    pub count: u64,
    /// Smallest delay asked for, in seconds.
    pub min_s: f64,
    /// Largest delay asked for, in seconds.
    pub max_s: f64,
    /// First line that showed one.
    pub first_line: u64,
}

impl RetryAfterSeen {
    fn add(&mut self, delay_s: f64, line: u64) {
        if self.count == 0 {
            self.min_s = delay_s;
            self.max_s = delay_s;
            self.first_line = line;
        }
        self.count += 1;
        self.min_s = self.min_s.min(delay_s);
        self.max_s = self.max_s.max(delay_s);
    }
}

/// Prebuilt searchers for the retry-related lines (building one per line cost more than
/// the search).
static ETRY: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"etry"));
static ETRY_UPPER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"ETRY"));

/// urllib3's sleeps before retrying, measured from DEBUG lines with millisecond times.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct RetrySleeps {
    /// Before status retries ("Retry: /p"): backoff, or the server's Retry-After.
    pub status: RetryGaps,
    /// Before retries after connection errors ("Retrying (...)"): backoff only.
    pub error: RetryGaps,
}

/// The path of a urllib3 retry DEBUG line, and `None` for "Incremented Retry" (the sleep
/// starts), `Some(true)` for "Retry: /p" (a status retry starts), `Some(false)` for the
/// "Retrying (...) after ...: /p" warning (a retry after an error starts).
fn retry_debug_line(text: &[u8]) -> Option<(String, Option<bool>)> {
    const INCREMENTED: &[u8] = b"Incremented Retry for (url='";
    if let Some(i) = finder!(INCREMENTED).find(text) {
        let rest = &text[i + INCREMENTED.len()..];
        let end = finder!(b"'): ").find(rest)?;
        return Some((crate::lossy(&rest[..end]).into_owned(), None));
    }
    if let Some(i) = finder!(b"connectionpool: Retry: ").find(text) {
        let path = text[i + 23..].trim_ascii();
        return (!path.is_empty() && !path.contains(&b' '))
            .then(|| (crate::lossy(path).into_owned(), Some(true)));
    }
    if finder!(b"Retrying (Retry(").find(text).is_some() {
        let i = memchr::memmem::rfind(text, b": ")?;
        let path = text[i + 2..].trim_ascii();
        return (path.starts_with(b"/") && !path.contains(&b' '))
            .then(|| (crate::lossy(path).into_owned(), Some(false)));
    }
    None
}

/// Gaps between consecutive retries of one request to one target.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct RetryGaps {
    /// Pairs measured.
    pub pairs: u64,
    /// Sum of the gaps in ms.
    pub total_ms: i64,
    /// Shortest gap in ms.
    pub min_ms: i64,
    /// Longest gap in ms.
    pub max_ms: i64,
    /// Every timestamp had sub-second precision.
    pub precise: bool,
    /// The timeout the retried lines name, in seconds.
    pub timeout_s: Option<f64>,
}

impl RetryGaps {
    fn add(&mut self, gap_ms: i64, precise: bool, timeout_s: Option<f64>) {
        if self.pairs == 0 {
            self.min_ms = gap_ms;
            self.max_ms = gap_ms;
            self.precise = precise;
        }
        self.pairs += 1;
        self.total_ms += gap_ms;
        self.min_ms = self.min_ms.min(gap_ms);
        self.max_ms = self.max_ms.max(gap_ms);
        self.precise &= precise;
        self.timeout_s = self.timeout_s.or(timeout_s);
    }

    /// Adds another set of gaps to this one.
    pub fn merge(&mut self, other: &RetryGaps) {
        if other.pairs == 0 {
            return;
        }
        if self.pairs == 0 {
            *self = other.clone();
            return;
        }
        self.pairs += other.pairs;
        self.total_ms += other.total_ms;
        self.min_ms = self.min_ms.min(other.min_ms);
        self.max_ms = self.max_ms.max(other.max_ms);
        self.precise &= other.precise;
        self.timeout_s = self.timeout_s.or(other.timeout_s);
    }

    /// Mean gap in seconds.
    pub fn mean_s(&self) -> f64 {
        if self.pairs == 0 {
            0.0
        } else {
            self.total_ms as f64 / self.pairs as f64 / 1000.0
        }
    }
}

/// Key under which the sources that produced terminal events of a test are remembered.
const TERMINAL_MARK: u64 = 0;

fn terminal_sources(seen: &mut HashMap<(u32, u64), [u32; SOURCES]>, test: u32, source: Source) {
    seen.entry((test, TERMINAL_MARK)).or_insert([0; SOURCES])[source as usize] += 1;
}

/// In a traceback, exception lines count (`E   ...`, unindented `pkg.Error: ...`);
/// `name = value` argument displays and location lines do not.
fn is_traceback_event_line(text: &[u8]) -> bool {
    if text.starts_with(b"E ") || text == b"E" {
        return true;
    }
    let ident_len = text
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    !(ident_len > 0 && text[ident_len..].starts_with(b" = "))
}

/// A cheap test for `-q`'s undecorated final line (`3 failed, 1 passed in 0.52s`).
/// Must stay cheap: every timestamped log record also starts with a digit.
/// pytest's live-log and captured-log records (`WARNING  urllib3.connectionpool:...`): the
/// level padded to eight columns by its `%(levelname)-8s` format. Never a report line of
/// pytest's own, which puts one space after `ERROR` (`ERROR tests/t.py::t - ...`).
fn is_live_log_record(text: &[u8]) -> bool {
    const LEVELS: [&[u8]; 4] = [b"DEBUG    ", b"INFO     ", b"WARNING  ", b"ERROR    "];
    LEVELS.iter().any(|level| text.starts_with(level))
}

fn maybe_bare_final(text: &[u8]) -> bool {
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0
        && text.get(digits) == Some(&b' ')
        && text.get(digits + 1).is_some_and(u8::is_ascii_lowercase)
        && text.len() < 300
        && matches!(text.last(), Some(b's') | Some(b')'))
}

/// `path/to/file.py:123: message` (a `--tb=line` entry, or a traceback location). A path
/// with spaces counts only when it is absolute (`/home/a b/t.py`, `C:\Users\A B\t.py`),
/// so that a message mentioning `x.py:3:` is not taken for a location.
fn is_location_line(text: &[u8]) -> bool {
    let Some(colon) = finder!(b".py:").find(text) else {
        return false;
    };
    let path = &text[..colon];
    let absolute = path.starts_with(b"/")
        || matches!(path, [d, b':', b'\\' | b'/', ..] if d.is_ascii_alphabetic());
    if path.contains(&b' ') && !(absolute && finder!(b": ").find(path).is_none()) {
        return false;
    }
    let rest = &text[colon + 4..];
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && rest[digits..].starts_with(b":")
}

/// Categories that wrap another failure: the retries ran out, or an application deadline
/// expired. In one traceback chain the wrapper is the event and the wrapped failure its cause.
/// Sources where several loggers print one failure (a traceback or summary line is
/// pytest's own, once per test).
fn may_relog(source: Source) -> bool {
    matches!(
        source,
        Source::Live
            | Source::CapturedLog
            | Source::CapturedStdout
            | Source::CapturedStderr
            | Source::JunitCaptured
    )
}

fn is_wrapper(c: Category) -> bool {
    matches!(c, Category::RetryExhausted | Category::RequestTimeout)
}

/// Application retry loops announcing their last attempt: `Retrying (3/3)`, `retry 5/5`,
/// `attempt 3 of 3`, `(attempt 4/4)`. A failure after it means the retries ran out.
fn announces_last_attempt(text: &[u8]) -> bool {
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

fn looks_like_exception_message(msg: &str) -> bool {
    if msg.starts_with("assert ") || msg.starts_with("AssertionError") {
        return true;
    }
    let head_len = msg
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(msg.len());
    head_len > 0
        && msg[head_len..].starts_with(": ")
        && msg[..head_len]
            .rsplit('.')
            .next()
            .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// The names a failure header may use for a node id: `test_x[1]` and `TestA.test_x[1]`.
fn short_names(nodeid: &str) -> Vec<String> {
    let Some(len) = pytest::nodeid_len(nodeid) else {
        return Vec::new();
    };
    let nodeid = &nodeid[..len];
    let first = nodeid.find("::").unwrap_or(0);
    let parts: Vec<&str> = split_outside_brackets(&nodeid[first + 2..]);
    let mut out = Vec::new();
    if let Some(last) = parts.last() {
        out.push(crate::bounds::cap(last, crate::bounds::MAX_ID).into_owned());
        if parts.len() > 1 {
            out.push(crate::bounds::cap_owned(
                parts.join("."),
                crate::bounds::MAX_ID,
            ));
        }
    }
    out
}

fn split_outside_brackets(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b':' if depth == 0 && b.get(i + 1) == Some(&b':') => {
                parts.push(&s[start..i]);
                start = i + 2;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&s[start..]);
    parts
}

/// The event time: the CI prefix's, else a log record's `YYYY-MM-DD HH:MM:SS[,fff]` at the
/// start of the line, as `YYYY-MM-DDTHH:MM:SS[.fff]`.
fn timestamp_of(ci_time: Option<&[u8]>, text: &[u8]) -> Option<String> {
    let raw = ci_time.or_else(|| {
        // At most six fraction digits (microseconds) belong to the time.
        let end = crate::line_facts::leading_timestamp_len(text).min(26);
        (end > 0).then(|| &text[..end])
    })?;
    let s = std::str::from_utf8(raw).ok()?;
    let s = s.trim_end_matches('Z');
    let mut out = String::with_capacity(23);
    for (i, c) in s.chars().enumerate() {
        match (i, c) {
            (10, ' ') => out.push('T'),
            (19, ',') => out.push('.'),
            (i, _) if i >= 23 => break,
            (_, '+') => break,
            _ => out.push(c),
        }
    }
    Some(out)
}

/// The text an event keeps of its line: at most [`MAX_TEXT`] bytes. Only the head of a long
/// line is decoded (the first `MAX_TEXT` bytes of the decoded text never depend on more than
/// `MAX_TEXT + 3` bytes of the line, and a sequence cut at the end decodes past them).
fn event_text(line: &[u8]) -> String {
    let head = &line[..line.len().min(MAX_TEXT + 4)];
    truncate(&crate::lossy(head), MAX_TEXT)
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
mod tests {
    use super::*;

    #[test]
    fn location_lines_with_and_without_spaces() {
        assert!(is_location_line(
            b"tests/test_x.py:12: requests.exceptions.ConnectTimeout: x"
        ));
        assert!(is_location_line(
            br"C:\Users\Dana Levi\proj\tests\test_x.py:12: requests.exceptions.ConnectTimeout: x"
        ));
        assert!(is_location_line(
            b"/home/ci user/proj/tests/test_x.py:7: AssertionError"
        ));
        assert!(!is_location_line(b"error in helper x.py:3: boom"));
        assert!(!is_location_line(
            b"E   ValueError: see /tmp/a b/x.py:3: boom"
        ));
        assert!(!is_location_line(b"tests/test_x.py:abc: nope"));
    }

    #[test]
    fn urllib3_retry_debug_lines() {
        let inc = b"2026-11-27 12:36:01.948 [  DEBUG] urllib3.util.retry: Incremented Retry for (url='/ratelimit/x'): Retry(total=1, connect=None, read=None, redirect=None, status=None)";
        assert_eq!(
            retry_debug_line(inc),
            Some(("/ratelimit/x".to_string(), None))
        );
        let status =
            b"2026-11-27 12:36:02.951 [  DEBUG] urllib3.connectionpool: Retry: /ratelimit/x";
        assert_eq!(
            retry_debug_line(status),
            Some(("/ratelimit/x".to_string(), Some(true)))
        );
        let error = b"WARNING  urllib3.connectionpool:connectionpool.py:870 Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ConnectTimeoutError(...)': /focus-server/configure";
        assert_eq!(
            retry_debug_line(error),
            Some(("/focus-server/configure".to_string(), Some(false)))
        );
        assert_eq!(retry_debug_line(b"app: Retry: later, maybe"), None);
    }

    #[test]
    fn short_names_of_nodeids() {
        assert_eq!(short_names("t.py::test_a[1]"), vec!["test_a[1]"]);
        assert_eq!(
            short_names("t.py::TestA::test_a[x::y]"),
            vec!["test_a[x::y]", "TestA.test_a[x::y]"]
        );
    }

    #[test]
    fn timestamps_are_normalised() {
        assert_eq!(
            timestamp_of(None, b"2025-11-07 10:23:45,123 [WARNING] x").as_deref(),
            Some("2025-11-07T10:23:45.123")
        );
        assert_eq!(
            timestamp_of(Some(b"2025-11-07T10:23:45.1234567Z"), b"x").as_deref(),
            Some("2025-11-07T10:23:45.123")
        );
        assert_eq!(timestamp_of(None, b"E   boom"), None);
    }

    #[test]
    fn traceback_lines() {
        assert!(is_traceback_event_line(b"E   urllib3.exceptions.X: y"));
        assert!(is_traceback_event_line(
            b"urllib3.exceptions.ResponseError: too many 503 error responses"
        ));
        assert!(!is_traceback_event_line(
            b"self = <HTTPSConnection(host='h', port=1) at 0x1>"
        ));
    }
}
