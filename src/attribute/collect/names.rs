//! Tests by name: the index from node ids (and the short names pytest prints in `-q` and
//! `--tb=line` output) to test records, and the outcome each test ends with. It does not
//! classify lines.

use super::*;

/// The names a failure header may use for a node id: `test_x[1]` and `TestA.test_x[1]`.
pub(crate) fn short_names(nodeid: &str) -> Vec<String> {
    let Some(len) = pytest::nodeid_len(nodeid) else {
        return Vec::new();
    };
    let nodeid = &nodeid[..len];
    let first = nodeid.find("::").unwrap_or(0);
    let parts: Vec<&str> = split_outside_brackets(&nodeid[first + 2..]);
    let mut out = Vec::new();
    if let Some(last) = parts.last() {
        out.push(crate::ingest::bounds::cap(last, crate::ingest::bounds::MAX_ID).into_owned());
        if parts.len() > 1 {
            out.push(crate::ingest::bounds::cap_owned(
                parts.join("."),
                crate::ingest::bounds::MAX_ID,
            ));
        }
    }
    out
}

pub(crate) fn split_outside_brackets(s: &str) -> Vec<&str> {
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

impl<'s> Collector<'s> {
    pub(super) fn test_by_nodeid(&mut self, full: &str, lineno: u64) -> u32 {
        let nodeid = crate::ingest::bounds::cap(full, crate::ingest::bounds::MAX_ID);
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

    /// A node id cut by [`crate::ingest::bounds::cap`] no longer gives its JUnit address: keep the
    /// address of the whole id for the (rare) test that has one.
    pub(super) fn keep_long_key(&mut self, full: &str, i: u32) {
        if full.len() > crate::ingest::bounds::MAX_ID {
            self.long_keys
                .insert(i, crate::ingest::junit::junit_address(full));
        }
    }

    pub(super) fn add_names(&mut self, nodeid: &str, i: u32) {
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
    pub(super) fn test_by_name(&mut self, name: &str, want: Outcome, lineno: u64) -> u32 {
        let name = crate::ingest::bounds::cap(name, crate::ingest::bounds::MAX_ID);
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

    pub(super) fn note_error_phase(&mut self, t: u32) {
        let rec = &mut self.tests[t as usize];
        if rec.outcome == Some(Outcome::Failed) {
            rec.teardown_error = true;
        } else {
            rec.outcome = Some(Outcome::Error);
        }
    }

    pub(super) fn set_outcome(&mut self, t: u32, o: Outcome) {
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
}
