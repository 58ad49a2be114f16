//! JUnit XML merged into the collected tests: each case found by node id (or made), its
//! outcome reconciled with the console's, and its failure text fed through the same event
//! path as console lines. Parsing the XML is `crate::ingest::junit`'s. It does not classify
//! the failure text itself: the event path does (`events.rs`).

use super::*;

impl<'s> Collector<'s> {
    /// Reads one JUnit XML report (input number `file`), after every console log: outcomes
    /// and durations come from the XML; each case's `<system-out>`/`<system-err>` is read
    /// like a captured log, its failure body like a traceback and its `message` like a
    /// summary line, so that a test the log already explained gains no second count.
    pub fn junit_run(&mut self, run: &crate::ingest::junit::JunitRun, file: u16) {
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
                        None => crate::ingest::junit::junit_address(&t.nodeid),
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
    pub(super) fn junit_test(&mut self, case: &crate::ingest::junit::JunitCase) -> u32 {
        let key = (case.classname.clone(), case.name.clone());
        let found = self.junit_index.get(&key).copied().or_else(|| {
            let class = case.classname.rsplit('.').next().unwrap_or("");
            let dotted = crate::ingest::bounds::cap_owned(
                format!("{class}.{}", case.name),
                crate::ingest::bounds::MAX_ID,
            );
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
    pub(super) fn junit_outcome(&mut self, t: u32, case: &crate::ingest::junit::JunitCase) {
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
    pub(super) fn junit_evidence(&mut self, t: u32, case: &crate::ingest::junit::JunitCase) {
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
    pub(super) fn feed_text(&mut self, text: &[u8], first_line: u64) {
        let mut hits = Vec::new();
        self.sigs.literal_hits(text, &mut hits);
        let every_line = self.sigs.needs_every_line();
        let mut next_hit = 0;
        for (i, (start, line)) in crate::ingest::lines::line_spans(text).enumerate() {
            let end = start + line.len();
            while next_hit < hits.len() && hits[next_hit] < start {
                next_hit += 1;
            }
            let candidate = every_line || (next_hit < hits.len() && hits[next_hit] < end);
            let n = crate::ingest::prefix::strip_ci_prefix(crate::ingest::lines::trim_cr(line));
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
}
