//! pytest's console structure as the collector follows it: the run phase, failure and
//! captured-output sections, tracebacks and the short summary, and which test the lines
//! that follow belong to. It does not classify event lines (`events.rs`).

use super::*;

impl<'s> Collector<'s> {
    /// A Markdown fence opens or closes a pasted block: what follows is not the same test.
    pub(super) fn block_boundary(&mut self) {
        self.flush_section();
        self.end_block();
        self.current = None;
        self.section_part = SectionPart::Other;
        self.native_traceback = None;
    }

    /// Tracks CPython tracebacks (`Traceback (most recent call last):`, ExceptionGroups):
    /// their deeper-indented lines are frames and source, until a line at the block's own
    /// indentation (the exception) ends the block.
    pub(super) fn follow_native_traceback(&mut self, indent: usize, text: &[u8]) {
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
    pub(super) fn echo_base(&self) -> Option<usize> {
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
    pub(super) fn is_echo(&self, indent: usize, text: &[u8]) -> bool {
        if text.first() == Some(&b'>') {
            return true;
        }
        match self.echo_base() {
            Some(base) => indent > base,
            None => indent > 0 && crate::parse::echo::looks_like_code(text),
        }
    }

    /// Applies a structural line; returns true when the line is fully handled.
    pub(super) fn structure(&mut self, lineno: u64, indent: usize, kind: &LineKind<'_>) -> bool {
        match *kind {
            LineKind::Other => false,
            LineKind::Rule(c) => self.on_rule(c),
            LineKind::FoldedSkip { location, count } => {
                self.on_folded_skip(location, count, lineno)
            }
            LineKind::UnittestHeader { name, outcome } => {
                self.on_unittest_header(name, outcome, indent, lineno)
            }
            LineKind::Progress => self.on_progress(),
            LineKind::SessionStart => self.on_session_start(),
            LineKind::Final(ref counts) => self.on_final(counts),
            LineKind::Banner(b) => self.on_banner(b),
            LineKind::SectionHeader(h) => self.on_section_header(&h, indent, lineno),
            LineKind::SubSection(sub) => self.on_subsection(sub),
            LineKind::ResultWithOutput { nodeid, output } => {
                self.on_result_with_output(nodeid, output, lineno)
            }
            LineKind::Result { nodeid, outcome } => self.on_result(nodeid, outcome, lineno),
            LineKind::Summary {
                outcome,
                nodeid,
                message,
            } => self.on_summary(outcome, nodeid, message, lineno),
        }
    }

    /// A `=====` rule: unittest closes each failure section with one.
    fn on_rule(&mut self, c: u8) -> bool {
        if self.unittest_section && c == b'=' {
            self.flush_section();
            self.unittest_section = false;
            self.set_current(None);
            self.section_part = SectionPart::Other;
        }
        true
    }

    /// A folded `SKIPPED [N] location` summary line.
    fn on_folded_skip(&mut self, location: &str, count: u64, lineno: u64) -> bool {
        // With `-v` every skipped test was already named; the summary only folds them.
        if !self.verbose_results {
            let t = self.test_by_nodeid(location, lineno);
            let rec = &mut self.tests[t as usize];
            rec.multiplicity = rec.multiplicity.max(count.max(1));
            self.set_outcome(t, Outcome::Skipped);
        }
        true
    }

    /// unittest's `FAIL: test_x (module.Class)` header opens that test's section.
    fn on_unittest_header(
        &mut self,
        name: &str,
        outcome: Outcome,
        indent: usize,
        lineno: u64,
    ) -> bool {
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

    /// A progress line (`....F..  [ 40%]`): the run has started.
    fn on_progress(&mut self) -> bool {
        if self.state == State::Preamble {
            self.state = State::Run;
        }
        self.saw_progress = true;
        true
    }

    /// `=== test session starts ===`.
    fn on_session_start(&mut self) -> bool {
        self.flush_section();
        self.deferring = None;
        self.saw_session_start = true;
        self.state = State::Run;
        self.set_current(None);
        true
    }

    /// The final `=== 3 failed, 38 passed in 12.3s ===` line.
    fn on_final(&mut self, counts: &crate::parse::pytest::FinalCounts) -> bool {
        self.flush_section();
        self.deferring = None;
        self.final_counts = Some(counts.clone());
        self.state = State::Run;
        self.set_current(None);
        true
    }

    /// A section banner (`=== FAILURES ===`, `=== short test summary info ===`, ...).
    fn on_banner(&mut self, b: Banner) -> bool {
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

    /// A `___ test_name ___` header: opens the test's failure, error or passes section.
    fn on_section_header(
        &mut self,
        h: &crate::parse::pytest::SectionHeader<'_>,
        indent: usize,
        lineno: u64,
    ) -> bool {
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

    /// A `--- Captured log call ---` or `--- live log call ---` sub-section header.
    fn on_subsection(&mut self, sub: SubSection) -> bool {
        match self.state {
            State::Sections(_) => {
                // The traceback's event waits until the section ends, so that
                // retries seen in its captured log can still inform it.
                self.section_part = match sub {
                    SubSection::CapturedLog => SectionPart::Captured(Source::CapturedLog),
                    SubSection::CapturedStdout => SectionPart::Captured(Source::CapturedStdout),
                    SubSection::CapturedStderr => SectionPart::Captured(Source::CapturedStderr),
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

    /// A verbose result line with the test's output on it (`test_x.py::test_a Error: ...`).
    fn on_result_with_output(&mut self, nodeid: &str, output: &str, lineno: u64) -> bool {
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

    /// A result line (`test_x.py::test_a PASSED`, or a test id alone before its live log).
    fn on_result(&mut self, nodeid: Option<&str>, outcome: Option<Outcome>, lineno: u64) -> bool {
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

    /// A short-summary line (`FAILED test_x.py::test_a - ReadTimeout: ...`).
    fn on_summary(
        &mut self,
        outcome: Outcome,
        nodeid: &str,
        message: Option<&str>,
        lineno: u64,
    ) -> bool {
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

    /// Starts the failure section of `test`, whose header sits at `indent`.
    pub(super) fn open_section(&mut self, test: u32, indent: usize, part: SectionPart) {
        self.set_current(Some(test));
        self.section_part = part;
        self.section_indent = indent;
        self.native_traceback = None;
        self.section = Some(SectionAcc::new(Some(test)));
    }

    /// Makes `t` the test that following lines belong to; the previous test's block ends.
    pub(super) fn set_current(&mut self, t: Option<u32>) {
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
    pub(super) fn tb_line_entry(
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
    pub(super) fn give_deferred_entry(&mut self, k: usize, test: u32) {
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

    pub(super) fn flush_section(&mut self) {
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

    /// Ends the block of the current test: held-back exhaustion events are decided now.
    pub(super) fn end_block(&mut self) {
        for (test, source, event) in std::mem::take(&mut self.pending_exhaustion) {
            self.emit_now(event, source, test);
        }
        self.flush_relogs();
    }
}
