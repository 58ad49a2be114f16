//! The collector's event path: a candidate line classified (through the line-facts memo),
//! held while its failure section is open, checked for re-logs, deduplicated across
//! sources and counted into its test's event group and the timeline. It does not follow
//! pytest's structure (`structure.rs`) nor name tests (`names.rs`).

use super::*;
use crate::parse::line_facts::UsedUp;

/// Distinct URL paths whose templates the collector remembers at a time.
const MAX_TEMPLATES: usize = 4096;

/// Key under which the sources that produced terminal events of a test are remembered.
pub(crate) const TERMINAL_MARK: u64 = 0;

pub(crate) fn terminal_sources(
    seen: &mut HashMap<(u32, u64), [u32; SOURCES]>,
    test: u32,
    source: Source,
) {
    seen.entry((test, TERMINAL_MARK)).or_insert([0; SOURCES])[source as usize] += 1;
}

/// In a traceback, exception lines count (`E   ...`, unindented `pkg.Error: ...`);
/// `name = value` argument displays and location lines do not.
pub(crate) fn is_traceback_event_line(text: &[u8]) -> bool {
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
pub(crate) fn is_live_log_record(text: &[u8]) -> bool {
    const LEVELS: [&[u8]; 4] = [b"DEBUG    ", b"INFO     ", b"WARNING  ", b"ERROR    "];
    LEVELS.iter().any(|level| text.starts_with(level))
}

pub(crate) fn maybe_bare_final(text: &[u8]) -> bool {
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
pub(crate) fn is_location_line(text: &[u8]) -> bool {
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
pub(crate) fn may_relog(source: Source) -> bool {
    matches!(
        source,
        Source::Live
            | Source::CapturedLog
            | Source::CapturedStdout
            | Source::CapturedStderr
            | Source::JunitCaptured
    )
}

pub(crate) fn is_wrapper(c: Category) -> bool {
    matches!(c, Category::RetryExhausted | Category::RequestTimeout)
}

pub(crate) fn looks_like_exception_message(msg: &str) -> bool {
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

/// The event time: the CI prefix's, else a log record's `YYYY-MM-DD HH:MM:SS[,fff]` at the
/// start of the line, as `YYYY-MM-DDTHH:MM:SS[.fff]`.
pub(crate) fn timestamp_of(ci_time: Option<&[u8]>, text: &[u8]) -> Option<String> {
    let raw = ci_time.or_else(|| {
        // At most six fraction digits (microseconds) belong to the time.
        let end = crate::parse::line_facts::leading_timestamp_len(text).min(26);
        (end > 0).then(|| &text[..end])
    })?;
    let s = std::str::from_utf8(raw).ok()?;
    let s = s.trim_end_matches('Z');
    if s.is_ascii() {
        let mut out = String::with_capacity(23);
        // Byte offsets are character offsets: one slice, then the two separators.
        let b = s.as_bytes();
        let end = b.len().min(23);
        let end = memchr::memchr(b'+', &b[..end]).unwrap_or(end);
        out.push_str(&s[..end]);
        if end > 10 && b[10] == b' ' {
            out.replace_range(10..11, "T");
        }
        if end > 19 && b[19] == b',' {
            out.replace_range(19..20, ".");
        }
        return Some(out);
    }
    Some(normalised_by_characters(s))
}

/// [`timestamp_of`]'s rule, a character at a time: a `T` for the date's space, a `.` for
/// the fraction's comma, at most 23 characters, nothing from a `+` on.
pub(crate) fn normalised_by_characters(s: &str) -> String {
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
    out
}

/// The text an event keeps of its line: at most [`MAX_TEXT`] bytes. Only the head of a long
/// line is decoded (the first `MAX_TEXT` bytes of the decoded text never depend on more than
/// `MAX_TEXT + 3` bytes of the line, and a sequence cut at the end decodes past them).
pub(crate) fn event_text(line: &[u8]) -> String {
    let head = &line[..line.len().min(MAX_TEXT + 4)];
    truncate(&crate::lossy(head), MAX_TEXT)
}

impl<'s> Collector<'s> {
    /// A non-structural line that a signature literal pointed at.
    pub(super) fn content(
        &mut self,
        lineno: u64,
        indent: usize,
        text: &[u8],
        ci_time: Option<&[u8]>,
    ) {
        // Source echoed in tracebacks (indented code, `>` markers) is never an event.
        if self.is_echo(indent, text) {
            return;
        }
        // "Retry-After", "Incremented Retry", "Retry: ", "Retrying": one cheap check first.
        if prepare::names_retries(text) {
            let words = prepare::take_retry_words(&mut self.prepared, text);
            if let Some(delay) = words.retry_after {
                self.retry_after.add(delay, lineno);
            }
            self.note_retry_sleep(words.debug, text, ci_time);
            self.note_retries_used_up(text);
        } else if finder!(b"ttempt").find(text).is_some() {
            self.note_retries_used_up(text);
        }
        if let Some(r) = prepare::take_response(&mut self.prepared, text) {
            let at = timestamp_of(ci_time, text)
                .and_then(|t| crate::attribute::event::epoch_seconds(&t));
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
    pub(super) fn event_line(
        &mut self,
        lineno: u64,
        text: &[u8],
        ci_time: Option<&[u8]>,
        source: Source,
        test: Option<u32>,
    ) {
        let facts = match prepare::take_facts(&mut self.prepared, text) {
            Some(facts) => facts,
            None => self.memo.facts(self.sigs, text, &mut self.scratch),
        };
        let facts = facts.filter(|facts| self.condition_holds(facts.signature, test));
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
        if sig.requires == Some(crate::parse::signatures::Requirement::ExhaustedRetry) {
            cause = self.block_retry_state(test).1;
        }
        let kind = facts.kind;
        let fields = facts.fields;
        let timestamp = timestamp_of(ci_time, text);
        if kind == EventKind::RetryAttempt && source == Source::Live {
            self.note_retry_gap(test, &fields, timestamp.as_deref());
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
            timestamp,
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
    pub(super) fn accumulate(&mut self, priority: i32, event: Event) {
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

    /// Whether a conditional signature may count for `test` now (a bare "Max retries
    /// exceeded" is retry exhaustion only after a zero-counter `Retrying` line).
    pub(super) fn condition_holds(&self, signature: usize, test: Option<u32>) -> bool {
        match self.sigs.signatures()[signature].requires {
            None => true,
            Some(crate::parse::signatures::Requirement::ExhaustedRetry) => {
                self.block_retry_state(test).0
            }
        }
    }

    /// (retries were visibly used up, the category of the retried failure) for `test`.
    pub(super) fn block_retry_state(&self, test: Option<u32>) -> (bool, Option<Category>) {
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
    pub(super) fn mark_retries_used_up(&mut self, test: Option<u32>, cause: Option<Category>) {
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
    pub(super) fn note_retries_used_up(&mut self, text: &[u8]) {
        let said = prepare::used_up(&self.prepared, text);
        let test = self.current;
        match said {
            UsedUp::No => {}
            UsedUp::ZeroCounter => self.mark_retries_used_up(test, None),
            UsedUp::LastAttempt => match (test, self.deferring) {
                (Some(t), _) => self.tests[t as usize].final_attempt = true,
                (None, Some(i)) => self.deferred_entries[i].final_attempt = true,
                (None, None) => self.session_final_attempt = true,
            },
        }
    }

    /// Counts an event unless it repeats a failure already counted from another source. A
    /// live or session event that says retries ran out, before any zero-counter `Retrying`
    /// line was seen, waits for the end of its test's block (see [`Collector::end_block`]).
    pub(super) fn emit(&mut self, event: Event, source: Source, test: Option<u32>) {
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

    pub(super) fn emit_now(&mut self, mut event: Event, source: Source, test: Option<u32>) {
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
            let path = event.fields.path.as_deref().map(|p| self.template(p));
            let key = crate::attribute::relog::slot_key(test, source, &event, path.as_deref());
            for (test, source, event) in self.relogs.offer(key, event) {
                self.count_event(event, source, test);
            }
            return;
        }
        self.count_event(event, source, test);
    }

    /// Remembers a category a test's folded lines named.
    pub(super) fn note_folded(&mut self, test: Option<u32>, category: Option<Category>) {
        if let (Some(t), Some(c)) = (test, category)
            && let Some(rec) = self.tests.get_mut(t as usize)
            && !rec.folded_categories.contains(&c)
        {
            rec.folded_categories.push(c);
        }
    }

    /// Final failures whose re-logs were waited for are counted now (the block ended).
    pub(super) fn flush_relogs(&mut self) {
        if self.relogs.is_empty() {
            return;
        }
        for (test, source, event) in self.relogs.drain() {
            self.count_event(event, source, test);
        }
    }

    /// Counts an event unless another source already counted as many of its kind.
    pub(super) fn count_event(&mut self, mut event: Event, source: Source, test: Option<u32>) {
        let test_key = test.unwrap_or(SESSION);
        let path = event.fields.path.as_deref().map(|p| self.template(p));
        if event.lines > 1 {
            self.stats.duplicates += event.lines - 1;
        }
        let key = foldhash::fast::FixedState::with_seed(0).hash_one((
            event.kind,
            crate::attribute::relog::dedupe_class(event.category, event.cause),
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
            .and_then(crate::attribute::event::epoch_seconds)
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
        let gk = Prehashed::new(gk);
        match self.groups.get_mut(&gk) {
            Some(g) => g.add(&event),
            None => {
                self.groups.insert(gk, EventGroup::new(event));
            }
        }
    }

    /// [`path_template`] of `path`, remembered for the next events of the same path (at
    /// most [`MAX_TEMPLATES`] paths at a time).
    pub(super) fn template(&mut self, path: &str) -> std::sync::Arc<str> {
        if let Some(t) = self.templates.get(path) {
            return t.clone();
        }
        let t: std::sync::Arc<str> = path_template(path).into();
        if self.templates.len() >= MAX_TEMPLATES {
            self.templates.clear();
        }
        self.templates.insert(path.to_owned(), t.clone());
        t
    }

    pub(super) fn has_terminal_from(&self, test: u32, sources: &[Source]) -> bool {
        self.seen
            .get(&(test, TERMINAL_MARK))
            .is_some_and(|c| sources.iter().any(|s| c[*s as usize] > 0))
    }

    pub(super) fn note_traceback_message(&mut self, text: &[u8]) {
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
}
