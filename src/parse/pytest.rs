//! Recognition of pytest's console structure, one normalised line at a time: session
//! banners, test result lines (all verbosity levels and pytest-xdist), failure section
//! headers, live-log and captured-output sub-sections, short test summary lines and the
//! final "N failed, M passed in Ts" line. Pure functions; the state lives in `collect`.
//!
//! Not here: failure signatures and event fields ([`super::signatures`], [`super::fields`]),
//! and the state across lines (which test is running, which section a line is in), which is
//! the collector's.

use crate::model::Outcome;
use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while1},
    character::complete::{char, digit1, space0, space1},
    combinator::{map_res, opt},
    multi::separated_list1,
    sequence::preceded,
};

/// What one line is, structurally.
#[derive(Debug, Clone, PartialEq)]
pub enum LineKind<'a> {
    /// `=== test session starts ===`.
    SessionStart,
    /// Another `=== title ===` banner (FAILURES, ERRORS, PASSES, warnings summary, ...).
    Banner(Banner),
    /// The final counts line.
    Final(FinalCounts),
    /// `____ test_name[param] ____` or `____ ERROR at setup of test_name ____`.
    SectionHeader(SectionHeader<'a>),
    /// `---- live log call ----`, `---- Captured stderr setup ----`, ...
    SubSection(SubSection),
    /// A run-phase result line: a test id and/or an outcome.
    Result {
        /// The test id, when the line names one.
        nodeid: Option<&'a str>,
        /// The outcome, when the line gives one.
        outcome: Option<Outcome>,
    },
    /// A `-s` run: a test id followed by what the test printed (its outcome comes later).
    ResultWithOutput {
        /// The test id.
        nodeid: &'a str,
        /// The printed text after it.
        output: &'a str,
    },
    /// A short-test-summary line such as `FAILED nodeid - message`.
    Summary {
        /// Outcome word at the start.
        outcome: Outcome,
        /// Test id.
        nodeid: &'a str,
        /// Message after ` - `, if any.
        message: Option<&'a str>,
    },
    /// A module-level or folded skip in the short summary: `SKIPPED [2] tests/t.py:8: reason`
    /// (`count` tests skipped at that location; pytest names no test id).
    FoldedSkip {
        /// `path:line` as printed.
        location: &'a str,
        /// How many tests the line stands for.
        count: u64,
    },
    /// A unittest failure header: `FAIL: test_x (module.Class)` / `ERROR: test_x (...)`.
    UnittestHeader {
        /// `test_x (module.Class)` as printed.
        name: &'a str,
        /// `Failed` for `FAIL:`, `Error` for `ERROR:`.
        outcome: Outcome,
    },
    /// A bare `=====` or `-----` rule (unittest separates its failure sections with them);
    /// holds the rule's character.
    Rule(u8),
    /// A non-verbose progress line such as `..F.sxE    [ 45%]`.
    Progress,
    /// Anything else.
    Other,
}

/// A `===` banner's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Banner {
    /// FAILURES section.
    Failures,
    /// ERRORS section.
    Errors,
    /// PASSES section (`-rP`/`-rA`).
    Passes,
    /// warnings summary.
    Warnings,
    /// short test summary info.
    ShortSummary,
    /// slowest N durations.
    Durations,
    /// Any other banner (plugins, `xfailed`, rerun summaries, ...).
    Other,
}

/// A `____ title ____` failure section header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionHeader<'a> {
    /// Test name as pytest printed it (`test_x[1]`, `TestA.test_x`).
    pub name: &'a str,
    /// `Some` for `ERROR at setup of` / `ERROR at teardown of`.
    pub error_phase: Option<Phase>,
}

/// Test phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Fixture setup.
    Setup,
    /// The test body.
    Call,
    /// Fixture teardown.
    Teardown,
}

/// A `----` sub-section header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubSection {
    /// `live log setup|call|teardown|start|finish` (belongs to the current test).
    LiveLogTest,
    /// `live log sessionstart|collection|sessionfinish` (belongs to the session).
    LiveLogSession,
    /// `Captured log <phase>`.
    CapturedLog,
    /// `Captured stdout <phase>`.
    CapturedStdout,
    /// `Captured stderr <phase>`.
    CapturedStderr,
    /// Any other `---- x ----` line.
    Other,
}

/// Counts from pytest's final line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FinalCounts {
    /// failed
    pub failed: u64,
    /// passed
    pub passed: u64,
    /// skipped
    pub skipped: u64,
    /// errors
    pub errors: u64,
    /// xfailed
    pub xfailed: u64,
    /// xpassed
    pub xpassed: u64,
    /// deselected
    pub deselected: u64,
    /// warnings
    pub warnings: u64,
    /// reruns (pytest-rerunfailures)
    pub rerun: u64,
    /// Session duration in seconds.
    pub duration_s: Option<f64>,
}

/// Classifies a normalised line. `in_summary` selects short-summary parsing.
pub fn classify(line: &str, in_summary: bool) -> LineKind<'_> {
    let Some(first) = line.bytes().next() else {
        return LineKind::Other;
    };
    match first {
        b'=' => banner(line),
        b'_' => section_header(line).map_or(LineKind::Other, LineKind::SectionHeader),
        b'-' => sub_section(line).map_or_else(|| rule(line), LineKind::SubSection),
        _ if in_summary => summary_line(line)
            .or_else(|| unittest_line(line))
            .unwrap_or_else(|| bare_final(line)),
        b'.' | b'F' | b'E' | b's' | b'x' | b'X' if is_progress(line) => LineKind::Progress,
        _ => result_line(line)
            .or_else(|| unittest_line(line))
            .unwrap_or_else(|| bare_final(line)),
    }
}

fn rule(line: &str) -> LineKind<'_> {
    let t = line.trim_end();
    let c = t.as_bytes().first().copied().unwrap_or(b' ');
    if t.len() >= 20 && matches!(c, b'-' | b'=') && t.bytes().all(|b| b == c) {
        LineKind::Rule(c)
    } else {
        LineKind::Other
    }
}

/// unittest's `FAIL: test_x (module.Class)` headers and verbose `test_x (module.Class) ... ok`
/// result lines. The name is kept as unittest prints it, parentheses included.
fn unittest_line(line: &str) -> Option<LineKind<'_>> {
    for (word, outcome) in [("FAIL: ", Outcome::Failed), ("ERROR: ", Outcome::Error)] {
        if let Some(rest) = line.strip_prefix(word) {
            let name = rest.trim_end();
            return unittest_name(name).then_some(LineKind::UnittestHeader { name, outcome });
        }
    }
    let (name, verdict) = line.split_once(" ... ")?;
    if !unittest_name(name) {
        return None;
    }
    let outcome = match verdict.trim_end() {
        "ok" => Outcome::Passed,
        "FAIL" => Outcome::Failed,
        "ERROR" => Outcome::Error,
        "expected failure" => Outcome::Xfailed,
        "unexpected success" => Outcome::Xpassed,
        v if v.starts_with("skipped") => Outcome::Skipped,
        _ => return None,
    };
    Some(LineKind::Result {
        nodeid: Some(name),
        outcome: Some(outcome),
    })
}

/// `test_x (module.Class)`: an identifier, one space, a dotted name in parentheses.
fn unittest_name(s: &str) -> bool {
    let Some((method, rest)) = s.split_once(" (") else {
        return false;
    };
    let ident = |t: &str| {
        !t.is_empty()
            && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !t.as_bytes()[0].is_ascii_digit()
    };
    let Some(class) = rest.strip_suffix(')') else {
        return false;
    };
    ident(method) && !class.is_empty() && class.split('.').all(ident)
}

fn banner(line: &str) -> LineKind<'_> {
    let inner = line.trim_matches(|c: char| c == '=' || c.is_whitespace());
    if inner.is_empty() {
        return rule(line);
    }
    if let Some(counts) = final_counts(inner) {
        return LineKind::Final(counts);
    }
    let lower = inner.to_ascii_lowercase();
    let b = match lower.as_str() {
        "test session starts" => return LineKind::SessionStart,
        "failures" => Banner::Failures,
        "errors" => Banner::Errors,
        "passes" => Banner::Passes,
        "warnings summary" => Banner::Warnings,
        "short test summary info" => Banner::ShortSummary,
        _ if lower.starts_with("slowest") && lower.contains("durations") => Banner::Durations,
        _ if lower.starts_with("test session starts") => return LineKind::SessionStart,
        _ => Banner::Other,
    };
    LineKind::Banner(b)
}

/// `..F.sxXE` followed by an optional `[ 45%]` marker.
fn is_progress(line: &str) -> bool {
    let body = strip_progress(line);
    !body.is_empty()
        && body.len() < line.trim_end().len() + 1
        && body
            .bytes()
            .all(|b| matches!(b, b'.' | b'F' | b'E' | b's' | b'x' | b'X' | b'R'))
        && (body.len() != line.trim_end().len() || body.contains('.'))
}

/// A final line without `=` decoration (`-q` prints `3 failed, 1 passed in 0.5s`).
fn bare_final(line: &str) -> LineKind<'_> {
    match final_counts(line.trim()) {
        Some(c) => LineKind::Final(c),
        None => LineKind::Other,
    }
}

fn section_header(line: &str) -> Option<SectionHeader<'_>> {
    let line = line.trim_end();
    let inner = line.trim_matches(|c: char| c == '_' || c.is_whitespace());
    // `_ _ _ _` separators between traceback entries are not headers; a real header has
    // underscores on both sides (`____ test_x ____`).
    if inner.is_empty()
        || !line.starts_with("___")
        || !line.ends_with("__")
        || inner.starts_with("_ ")
        || inner.ends_with(" _")
    {
        return None;
    }
    let (name, error_phase) = if let Some(rest) = inner.strip_prefix("ERROR at setup of ") {
        (rest, Some(Phase::Setup))
    } else if let Some(rest) = inner.strip_prefix("ERROR at teardown of ") {
        (rest, Some(Phase::Teardown))
    } else if let Some(rest) = inner.strip_prefix("ERROR collecting ") {
        (rest, Some(Phase::Setup))
    } else {
        (inner, None)
    };
    // A test name has no spaces outside its `[parameters]`.
    if has_space_outside_brackets(name) && error_phase.is_none() {
        return None;
    }
    Some(SectionHeader { name, error_phase })
}

fn has_space_outside_brackets(s: &str) -> bool {
    let mut depth = 0usize;
    for b in s.bytes() {
        match b {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b' ' | b'\t' if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

fn sub_section(line: &str) -> Option<SubSection> {
    if !line.starts_with("---") {
        return None;
    }
    let inner = line.trim_matches(|c: char| c == '-' || c.is_whitespace());
    // A bare rule of dashes (printed by many programs) is not a pytest sub-section.
    if inner.is_empty() {
        return None;
    }
    let kind = if let Some(rest) = inner.strip_prefix("live log ") {
        match rest {
            "sessionstart" | "collection" | "sessionfinish" => SubSection::LiveLogSession,
            _ => SubSection::LiveLogTest,
        }
    } else if inner.starts_with("Captured log ") {
        SubSection::CapturedLog
    } else if inner.starts_with("Captured stdout ") {
        SubSection::CapturedStdout
    } else if inner.starts_with("Captured stderr ") {
        SubSection::CapturedStderr
    } else {
        SubSection::Other
    };
    Some(kind)
}

/// Parses an outcome word as printed in result and summary lines.
pub fn outcome_word(word: &str) -> Option<Outcome> {
    Some(match word {
        "PASSED" => Outcome::Passed,
        "FAILED" => Outcome::Failed,
        "ERROR" => Outcome::Error,
        "SKIPPED" => Outcome::Skipped,
        "XFAIL" => Outcome::Xfailed,
        "XPASS" => Outcome::Xpassed,
        _ => return None,
    })
}

/// Length of the pytest node id at the start of `s`, if it starts with one.
/// Parameters in brackets may contain spaces, `::` and nested brackets.
pub fn nodeid_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let first_sep = s.find("::")?;
    let head = &s[..first_sep];
    if head.is_empty() || head.contains(char::is_whitespace) || !looks_like_path(head) {
        return None;
    }
    let mut i = first_sep + 2;
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => depth += 1,
            b']' if depth > 0 => depth -= 1,
            b' ' | b'\t' if depth == 0 => break,
            _ => {}
        }
        i += 1;
    }
    if i == first_sep + 2 || depth != 0 {
        return None;
    }
    Some(i)
}

/// Length of a test-file path at the start of `s` that names a module rather than a test:
/// `tests/test_x.py` in `ERROR tests/test_x.py - ImportError` (a collection error) or in
/// `tests/test_m.py SKIPPED (reason)` (a module-level skip). It must end the token.
pub fn path_id_len(s: &str) -> Option<usize> {
    let end = s.find([' ', '\t']).unwrap_or(s.len());
    let head = &s[..end];
    (!head.is_empty() && !head.contains("::") && looks_like_path(head) && !head.starts_with('-'))
        .then_some(end)
}

/// A node id (`path::name`) or a module path id at the start of `s`.
fn any_id_len(s: &str) -> Option<usize> {
    nodeid_len(s).or_else(|| path_id_len(s))
}

fn looks_like_path(head: &str) -> bool {
    head.ends_with(".py")
        || head.ends_with(".txt")
        || head.ends_with(".rst")
        || head.ends_with(".md")
        || head.ends_with(".yaml")
        || head.ends_with(".yml")
}

/// Strips a trailing `[ 45%]` / `[ 12/300]` progress marker.
fn strip_progress(s: &str) -> &str {
    let t = s.trim_end();
    if t.ends_with(']')
        && let Some(open) = t.rfind('[')
    {
        let inner = t[open + 1..t.len() - 1].trim();
        let is_progress = inner.ends_with('%')
            && inner[..inner.len() - 1].bytes().all(|b| b.is_ascii_digit())
            || inner.contains('/') && inner.bytes().all(|b| b.is_ascii_digit() || b == b'/');
        if is_progress {
            return t[..open].trim_end();
        }
    }
    t
}

/// Splits a leading outcome word (optionally followed by ` (reason)`).
fn leading_outcome(s: &str) -> Option<(Outcome, &str)> {
    let end = s.find(|c: char| !c.is_ascii_uppercase()).unwrap_or(s.len());
    let outcome = outcome_word(&s[..end])?;
    Some((outcome, s[end..].trim_start()))
}

fn result_line(line: &str) -> Option<LineKind<'_>> {
    let mut s = line;
    // pytest-xdist: `[gw0] [ 10%] PASSED tests/x.py::t` or `[gw1] PASSED tests/x.py::t`.
    if let Some(rest) = s.strip_prefix("[gw") {
        let close = rest.find(']')?;
        s = rest[close + 1..].trim_start();
        if s.starts_with('[')
            && let Some(close) = s.find(']')
        {
            s = s[close + 1..].trim_start();
        }
        let (outcome, rest) = leading_outcome(s)?;
        let nodeid = nodeid_len(rest).map(|n| &rest[..n]);
        return Some(LineKind::Result {
            nodeid,
            outcome: Some(outcome),
        });
    }
    let s = strip_progress(s);
    if let Some(n) = path_id_len(s) {
        // `tests/test_m.py SKIPPED (reason)`: a module-level outcome in a `-v` run.
        let (outcome, _) = leading_outcome(s[n..].trim_start())?;
        return Some(LineKind::Result {
            nodeid: Some(&s[..n]),
            outcome: Some(outcome),
        });
    }
    if let Some(n) = nodeid_len(s) {
        let nodeid = &s[..n];
        let mut rest = s[n..].trim_start();
        // An inherited test: `tests/x.py::TestB::test_a <- tests/base.py PASSED`.
        if let Some(origin) = rest.strip_prefix("<- ") {
            rest = origin.split_once(' ').map_or("", |(_, r)| r.trim_start());
        }
        let outcome = if rest.is_empty() || rest.starts_with("RERUN") {
            // pytest-rerunfailures: the test runs again; its final outcome follows later.
            None
        } else {
            match leading_outcome(rest) {
                Some((o, _)) => Some(o),
                // `-s`: what the test printed follows its id on the same line.
                None => {
                    return Some(LineKind::ResultWithOutput {
                        nodeid,
                        output: rest,
                    });
                }
            }
        };
        return Some(LineKind::Result {
            nodeid: Some(nodeid),
            outcome,
        });
    }
    let (outcome, rest) = leading_outcome(s)?;
    // A lone outcome (after a live-log block); `SKIPPED (reason)` may follow.
    if rest.is_empty() || rest.starts_with('(') {
        return Some(LineKind::Result {
            nodeid: None,
            outcome: Some(outcome),
        });
    }
    // `FAILED nodeid - message` outside the short summary: pasted alone, in a bullet, a
    // quote or a Markdown fence. It reads exactly like a summary line.
    summary_line(line)
}

fn summary_line(line: &str) -> Option<LineKind<'_>> {
    let (outcome, rest) = leading_outcome(line)?;
    if outcome == Outcome::Skipped
        && let Some(skip) = folded_skip(rest)
    {
        return Some(skip);
    }
    let n = any_id_len(rest)?;
    let nodeid = &rest[..n];
    let tail = rest[n..].trim_start();
    let message = tail
        .strip_prefix("- ")
        .or_else(|| (!tail.is_empty()).then_some(tail))
        .map(str::trim);
    Some(LineKind::Summary {
        outcome,
        nodeid,
        message,
    })
}

/// `[2] tests/t.py:8: reason` after `SKIPPED`.
fn folded_skip(rest: &str) -> Option<LineKind<'_>> {
    let inner = rest.strip_prefix('[')?;
    let close = inner.find(']')?;
    let count: u64 = inner[..close].parse().ok()?;
    let loc = inner[close + 1..].trim_start();
    let end = loc.find(": ").unwrap_or(loc.trim_end().len());
    let location = loc[..end].trim_end_matches(':');
    let (path, line) = location.rsplit_once(':')?;
    if !looks_like_path(path) || line.is_empty() || !line.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(LineKind::FoldedSkip { location, count })
}

fn count_item(input: &str) -> IResult<&str, (u64, &str)> {
    (
        map_res(digit1, str::parse::<u64>),
        preceded(space1, take_while1(|c: char| c.is_ascii_alphabetic())),
    )
        .parse(input)
}

fn duration(input: &str) -> IResult<&str, f64> {
    preceded(
        (space1, tag("in"), space1),
        nom::sequence::terminated(
            map_res(
                take_while1(|c: char| c.is_ascii_digit() || c == '.'),
                str::parse::<f64>,
            ),
            char('s'),
        ),
    )
    .parse(input)
}

/// Parses the inside of pytest's final line: `6 failed, 5 passed, 1 warning in 3.25s (0:00:03)`.
pub fn final_counts(inner: &str) -> Option<FinalCounts> {
    if let Some(rest) = inner.strip_prefix("no tests ran") {
        let mut c = FinalCounts::default();
        if let Ok((_, d)) = duration(rest) {
            c.duration_s = Some(d);
        }
        return Some(c);
    }
    let (rest, items) = separated_list1((char(','), space0), count_item)
        .parse(inner)
        .ok()?;
    let (rest, secs) = opt(duration).parse(rest).ok()?;
    let rest = rest.trim();
    if secs.is_none() || !(rest.is_empty() || rest.starts_with('(') && rest.ends_with(')')) {
        return None;
    }
    let mut c = FinalCounts {
        duration_s: secs,
        ..FinalCounts::default()
    };
    for (n, word) in items {
        match word {
            "failed" => c.failed += n,
            "passed" => c.passed += n,
            "skipped" => c.skipped += n,
            "error" | "errors" => c.errors += n,
            "xfailed" => c.xfailed += n,
            "xpassed" => c.xpassed += n,
            "deselected" => c.deselected += n,
            "warning" | "warnings" => c.warnings += n,
            "rerun" | "reruns" => c.rerun += n,
            _ => {}
        }
    }
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_line_variants() {
        let LineKind::Final(c) = classify(
            "=============== 6 failed, 5 passed, 1 warning, 1 error in 3.25s ================",
            false,
        ) else {
            panic!()
        };
        assert_eq!((c.failed, c.passed, c.errors, c.warnings), (6, 5, 1, 1));
        assert_eq!(c.duration_s, Some(3.25));
        let LineKind::Final(c) = classify(
            "= 197 failed, 3870 passed, 17 skipped, 650 warnings, 12 errors in 60986.65s (16:56:26) =",
            false,
        ) else {
            panic!()
        };
        assert_eq!((c.failed, c.skipped, c.errors), (197, 17, 12));
        assert!(matches!(
            classify("3 failed, 1 passed, 2 xfailed, 1 xpassed in 0.50s", false),
            LineKind::Final(FinalCounts {
                failed: 3,
                xfailed: 2,
                xpassed: 1,
                ..
            })
        ));
        assert_eq!(
            classify("5 passed in the test", false),
            LineKind::Other,
            "not a final line"
        );
    }

    #[test]
    fn verbose_result_lines() {
        assert_eq!(
            classify(
                "tests/load/test_x.py::test_a[8] PASSED                                   [  8%]",
                false
            ),
            LineKind::Result {
                nodeid: Some("tests/load/test_x.py::test_a[8]"),
                outcome: Some(Outcome::Passed)
            }
        );
        assert_eq!(
            classify("tests/load/test_x.py::TestA::test_b[a b-c] ", false),
            LineKind::Result {
                nodeid: Some("tests/load/test_x.py::TestA::test_b[a b-c]"),
                outcome: None
            }
        );
        assert_eq!(
            classify(
                "FAILED                                                  [ 41%]",
                false
            ),
            LineKind::Result {
                nodeid: None,
                outcome: Some(Outcome::Failed)
            }
        );
        assert_eq!(
            classify(
                "tests/t.py::test_s SKIPPED (no server)         [ 50%]",
                false
            ),
            LineKind::Result {
                nodeid: Some("tests/t.py::test_s"),
                outcome: Some(Outcome::Skipped)
            }
        );
    }

    #[test]
    fn xdist_result_lines() {
        assert_eq!(
            classify("[gw0] [ 10%] PASSED tests/t.py::test_a[1] ", false),
            LineKind::Result {
                nodeid: Some("tests/t.py::test_a[1]"),
                outcome: Some(Outcome::Passed)
            }
        );
        assert_eq!(
            classify("[gw1] FAILED tests/t.py::test_b", false),
            LineKind::Result {
                nodeid: Some("tests/t.py::test_b"),
                outcome: Some(Outcome::Failed)
            }
        );
    }

    #[test]
    fn summary_lines() {
        assert_eq!(
            classify(
                "FAILED tests/t.py::test_a[x - y] - requests.exceptions.ReadTimeout: boom",
                true
            ),
            LineKind::Summary {
                outcome: Outcome::Failed,
                nodeid: "tests/t.py::test_a[x - y]",
                message: Some("requests.exceptions.ReadTimeout: boom")
            }
        );
        assert_eq!(
            classify("XPASS tests/t.py::test_x reason here", true),
            LineKind::Summary {
                outcome: Outcome::Xpassed,
                nodeid: "tests/t.py::test_x",
                message: Some("reason here")
            }
        );
        assert_eq!(
            classify("SKIPPED [1] tests/t.py:12: no server", true),
            LineKind::FoldedSkip {
                location: "tests/t.py:12",
                count: 1
            }
        );
        assert_eq!(
            classify(
                "SKIPPED [3] tests/test_m.py:8: module needs a server",
                false
            ),
            LineKind::FoldedSkip {
                location: "tests/test_m.py:8",
                count: 3
            }
        );
    }

    #[test]
    fn result_lines_outside_the_summary() {
        for (line, nodeid, message) in [
            (
                "FAILED tests/t.py::test_a - requests.exceptions.ReadTimeout: boom",
                "tests/t.py::test_a",
                Some("requests.exceptions.ReadTimeout: boom"),
            ),
            (
                "ERROR tests/test_x.py - ImportError: No module named 'foo'",
                "tests/test_x.py",
                Some("ImportError: No module named 'foo'"),
            ),
            ("ERROR tests/test_x.py", "tests/test_x.py", None),
            (
                "XFAIL tests/t.py::test_x - reason: flaky server",
                "tests/t.py::test_x",
                Some("reason: flaky server"),
            ),
        ] {
            let outcome = outcome_word(line.split(' ').next().unwrap()).unwrap();
            let want = LineKind::Summary {
                outcome,
                nodeid,
                message,
            };
            assert_eq!(classify(line, false), want, "{line}");
            assert_eq!(classify(line, true), want, "{line}");
        }
        assert_eq!(
            classify("tests/test_m.py SKIPPED (no server)      [ 50%]", false),
            LineKind::Result {
                nodeid: Some("tests/test_m.py"),
                outcome: Some(Outcome::Skipped)
            }
        );
        assert_eq!(
            classify("ERROR    src.api:api.py:12 request failed", false),
            LineKind::Other
        );
        assert_eq!(
            classify("FAILED to connect to the database", false),
            LineKind::Other
        );
        assert_eq!(
            classify(
                "t.py::test_api Python says:('Connection aborted.', x)",
                false
            ),
            LineKind::ResultWithOutput {
                nodeid: "t.py::test_api",
                output: "Python says:('Connection aborted.', x)"
            }
        );
        assert_eq!(
            classify(
                "tests/x.py::TestB::test_a <- tests/base.py PASSED   [ 50%]",
                false
            ),
            LineKind::Result {
                nodeid: Some("tests/x.py::TestB::test_a"),
                outcome: Some(Outcome::Passed)
            }
        );
    }

    #[test]
    fn unittest_lines() {
        assert_eq!(
            classify("ERROR: testGetNotFound (__main__.RootTest)", false),
            LineKind::UnittestHeader {
                name: "testGetNotFound (__main__.RootTest)",
                outcome: Outcome::Error
            }
        );
        assert_eq!(
            classify("FAIL: test_x (tests.test_api.ApiTest.test_x)", false),
            LineKind::UnittestHeader {
                name: "test_x (tests.test_api.ApiTest.test_x)",
                outcome: Outcome::Failed
            }
        );
        assert_eq!(
            classify("test_ping (tests.test_api.ApiTest) ... ok", false),
            LineKind::Result {
                nodeid: Some("test_ping (tests.test_api.ApiTest)"),
                outcome: Some(Outcome::Passed)
            }
        );
        assert_eq!(classify("ERROR: could not connect", false), LineKind::Other);
        assert_eq!(
            classify("=".repeat(70).as_str(), false),
            LineKind::Rule(b'=')
        );
        assert_eq!(
            classify("-".repeat(70).as_str(), false),
            LineKind::Rule(b'-')
        );
    }

    #[test]
    fn headers_and_sub_sections() {
        assert_eq!(
            classify(
                "______________________ ERROR at setup of test_setup_error ______________________",
                false
            ),
            LineKind::SectionHeader(SectionHeader {
                name: "test_setup_error",
                error_phase: Some(Phase::Setup)
            })
        );
        assert_eq!(
            classify("_____ TestA.test_b[1] _____", false),
            LineKind::SectionHeader(SectionHeader {
                name: "TestA.test_b[1]",
                error_phase: None
            })
        );
        assert_eq!(classify("_ _ _ _ _ _ _ _ _ _", false), LineKind::Other);
        assert_eq!(classify("_____ test_x", false), LineKind::Other);
        assert_eq!(
            classify("____ not a test name ____", false),
            LineKind::Other
        );
        assert_eq!(
            classify("____ test_z[a b] ____", false),
            LineKind::SectionHeader(SectionHeader {
                name: "test_z[a b]",
                error_phase: None
            })
        );
        assert_eq!(
            classify(
                "------------------------------ Captured log call -------------------------------",
                false
            ),
            LineKind::SubSection(SubSection::CapturedLog)
        );
        assert_eq!(
            classify(
                "-------------------------------- live log sessionfinish ---------",
                false
            ),
            LineKind::SubSection(SubSection::LiveLogSession)
        );
        assert_eq!(
            classify(
                "=========================== short test summary info ============================",
                false
            ),
            LineKind::Banner(Banner::ShortSummary)
        );
        assert_eq!(
            classify(
                "============================= test session starts ==============================",
                false
            ),
            LineKind::SessionStart
        );
    }

    #[test]
    fn progress_lines() {
        assert_eq!(
            classify(".FFF.sxXEF                      [100%]", false),
            LineKind::Progress
        );
        assert_eq!(classify("....", false), LineKind::Progress);
        assert_eq!(
            classify("18 failed, 2 passed, 1 error in 11.18s", true),
            LineKind::Final(FinalCounts {
                failed: 18,
                passed: 2,
                errors: 1,
                duration_s: Some(11.18),
                ..FinalCounts::default()
            })
        );
    }

    #[test]
    fn non_structural_lines() {
        assert_eq!(classify("E   boom", false), LineKind::Other);
        assert_eq!(
            classify("ERROR    src.api:api.py:12 request failed", false),
            LineKind::Other
        );
        assert_eq!(classify("PASSED but not really", false), LineKind::Other);
    }
}
