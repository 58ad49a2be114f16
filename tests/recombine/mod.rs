//! Line recombination: random but realistic pytest console logs built from the real lines of
//! `samples/*.log`. A sample is split into sections (`=== FAILURES ===` and friends) and each
//! section into blocks (one test's live-log block, one `___ test_x ___` report, one summary
//! line); a generated log keeps or drops tests, shuffles blocks, copies a test under a new name
//! into every section, moves log records between tests and samples, puts numbers at the edges
//! of the integer types into a few lines, and re-stamps every `YYYY-MM-DD HH:MM:SS` prefix with
//! a random walk that is often 0 or 1 second per record (and sometimes puts a CI runner's
//! clock before every line). The outage-window panic of issue 10 was found this way, not by
//! byte-level fuzzing.
//!
//! Shared by `tests/recombined.rs` (a bounded, deterministic run in `cargo test`) and the
//! `recombine` fuzz target (`fuzz/fuzz_targets/recombine.rs`), which include this file by
//! path. The generator needs only std; every random decision goes through [`Choices`], so the
//! fuzzer's bytes (or a seeded generator) steer it. [`exercise`] runs a log through the
//! analyzer and every renderer.

#![allow(dead_code)]

pub mod exercise;

use std::borrow::Cow;
use std::path::Path;
use std::rc::Rc;

/// Where the generator's decisions come from.
pub trait Choices {
    /// A number in `0..n` (0 when `n` is 0 or the source is exhausted).
    fn below(&mut self, n: usize) -> usize;

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }
}

/// A small deterministic generator (xorshift64*), so a failing seed reproduces.
pub struct XorShift(pub u64);

impl Choices for XorShift {
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
    }
}

/// One sample log, split into sections and blocks.
#[derive(Clone)]
pub struct Sample {
    /// File stem, e.g. `debug-urllib3-2`.
    pub name: String,
    /// The JUnit XML of the same run, when the sample has one.
    pub junit: Option<Rc<Vec<u8>>>,
    sections: Vec<Section>,
    /// Every log record line, for moving into other tests.
    records: Rc<Vec<String>>,
    /// True when its records include urllib3 DEBUG response lines (`"GET /x HTTP/1.1" 200`),
    /// which rca counts as counter-evidence: such samples are drawn more often.
    responses: bool,
}

/// A `=== title ===` section (the first one may have no header line).
#[derive(Clone)]
struct Section {
    /// The header line, kept verbatim.
    header: Option<String>,
    /// The title without `=` and ANSI escapes, e.g. `FAILURES`.
    title: String,
    /// Lines before the first block (banners, `collected N items`).
    preamble: Rc<Vec<String>>,
    blocks: Vec<Block>,
}

/// The lines of one test in one section (shared until a recombination changes them).
#[derive(Clone)]
struct Block {
    /// The test function it belongs to, if its first line names one.
    test: Option<Rc<str>>,
    lines: Rc<Vec<String>>,
}

impl Block {
    fn new(lines: Vec<String>) -> Block {
        Block {
            test: block_test(lines.first().map_or("", String::as_str)).map(Rc::from),
            lines: Rc::new(lines),
        }
    }

    fn is_test(&self, name: &str) -> bool {
        self.test.as_deref() == Some(name)
    }
}

/// Every `.log` sample of `dir`, parsed, sorted by name (so seeds reproduce).
pub fn load_samples(dir: &Path) -> Vec<Sample> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("samples/ exists")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).expect("sample reads");
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let junit = std::fs::read(dir.join(format!("{name}.junit.xml")))
                .ok()
                .map(Rc::new);
            Sample {
                junit,
                ..parse_sample(&name, &String::from_utf8_lossy(&bytes))
            }
        })
        .collect()
}

/// Splits one log into sections and blocks.
pub fn parse_sample(name: &str, text: &str) -> Sample {
    // (header, title, preamble, blocks) while reading.
    type Raw = (Option<String>, String, Vec<String>, Vec<Vec<String>>);
    let mut raw: Vec<Raw> = vec![(None, String::new(), Vec::new(), Vec::new())];
    for line in text.lines() {
        if let Some(title) = section_title(line) {
            raw.push((Some(line.to_string()), title, Vec::new(), Vec::new()));
            continue;
        }
        let (_, _, preamble, blocks) = raw.last_mut().expect("one section");
        if starts_block(line) {
            blocks.push(vec![line.to_string()]);
        } else if let Some(block) = blocks.last_mut() {
            block.push(line.to_string());
        } else {
            preamble.push(line.to_string());
        }
    }
    let sections = raw
        .into_iter()
        .filter(|(header, _, preamble, blocks)| {
            header.is_some() || !preamble.is_empty() || !blocks.is_empty()
        })
        .map(|(header, title, preamble, blocks)| Section {
            header,
            title,
            preamble: Rc::new(preamble),
            blocks: blocks.into_iter().map(Block::new).collect(),
        })
        .collect::<Vec<Section>>();
    let records = sections
        .iter()
        .flat_map(|s| s.blocks.iter().flat_map(|b| b.lines.iter()))
        .filter(|l| is_record(l))
        .cloned()
        .collect::<Vec<String>>();
    Sample {
        name: name.to_string(),
        junit: None,
        sections,
        responses: records.iter().any(|r| r.contains(" HTTP/1.1\" ")),
        records: Rc::new(records),
    }
}

/// The line without ANSI colour escapes, for classification only.
fn plain(line: &str) -> Cow<'_, str> {
    if !line.contains('\x1b') {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `=== title ===` → `title`.
fn section_title(line: &str) -> Option<String> {
    let p = plain(line);
    let p = p.trim_end();
    (p.starts_with("==") && p.ends_with("==") && p.len() > 4)
        .then(|| p.trim_matches('=').trim().to_string())
}

/// A line that opens a test's block: a node id at column 0 (live-log and `-v` result lines,
/// xdist `[gw0]` lines), a `___ test_x ___` report header, or a short-summary line.
fn starts_block(line: &str) -> bool {
    let p = plain(line);
    let first = p.split(' ').next().unwrap_or("");
    if first.contains(".py::") || (first.starts_with("[gw") && p.contains(".py::")) {
        return true;
    }
    if p.starts_with("__") && p.trim_end().ends_with("__") && !p.starts_with("_ _") {
        return true;
    }
    [
        "FAILED ", "ERROR ", "PASSED ", "SKIPPED ", "XFAIL ", "XPASS ",
    ]
    .iter()
    .any(|w| p.starts_with(w) && p.contains("::"))
}

/// The test function a block belongs to (`test_x` of `tests/a.py::test_x[p]` or
/// `___ ERROR at setup of test_x ___`), if it names one.
fn block_test(first_line: &str) -> Option<String> {
    let p = plain(first_line);
    let name = if let Some(i) = p.find("::") {
        let rest = &p[i + 2..];
        let rest = rest.rsplit("::").next().unwrap_or(rest);
        rest.split([' ', '['].as_ref()).next().unwrap_or("")
    } else if p.starts_with("__") {
        let title = p.trim_matches(|c| c == '_' || c == ' ');
        let last = title.rsplit(' ').next().unwrap_or(title);
        let last = last.rsplit('.').next().unwrap_or(last);
        last.split('[').next().unwrap_or("")
    } else {
        ""
    };
    (name.starts_with("test") && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then(|| name.to_string())
}

/// Replaces `from` by `to` where it stands as a whole identifier.
fn rename(line: &str, from: &str, to: &str) -> String {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(i) = rest.find(from) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + from.len()..].chars().next();
        out.push_str(&rest[..i]);
        if before.is_some_and(ident) || after.is_some_and(ident) {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    out
}

/// A log record line: timestamped (live logs) or in captured-log format (`ERROR    x:y.py:1 m`).
fn is_record(line: &str) -> bool {
    let p = plain(line);
    stamp_at(&p).is_some()
        || ["DEBUG ", "INFO ", "WARNING ", "ERROR ", "CRITICAL "]
            .iter()
            .any(|w| p.starts_with(w) && p.contains(".py:"))
}

/// Byte offset of a `YYYY-MM-DD HH:MM:SS` (or `T`-separated) stamp in the first 32 bytes.
fn stamp_at(line: &str) -> Option<usize> {
    const SHAPE: &[u8] = b"dddd-dd-dd dd:dd:dd";
    let b = line.as_bytes();
    (0..=b.len().min(32)).find(|&i| {
        b.len() >= i + SHAPE.len()
            && SHAPE.iter().zip(&b[i..]).all(|(s, c)| match s {
                b'd' => c.is_ascii_digit(),
                b' ' => *c == b' ' || *c == b'T',
                s => s == c,
            })
    })
}

/// Days since 1970-01-01 to (year, month, day) (H. Hinnant's civil-from-days).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DD HH:MM:SS` for epoch seconds (clamped to years 0..=9999).
fn format_stamp(t: i64, sep: char) -> String {
    let t = t.clamp(-62_167_219_200, 253_402_300_799);
    let (y, m, d) = civil(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}{sep}{:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// How the re-stamping clock moves from one record to the next.
#[derive(Clone, Copy)]
enum Walk {
    /// Every record in the same second.
    Frozen,
    /// One second per record.
    Steady,
    /// Mostly 0 or 1 s, sometimes more, rarely backwards or a jump of hours.
    Random,
}

/// Re-stamps every timestamped line with a fresh clock.
fn restamp(lines: &mut [String], c: &mut dyn Choices) {
    const STARTS: [i64; 6] = [
        1_795_773_000, // 2026-11-27 09:50:00, like the samples
        1_795_823_990, // a few seconds before midnight
        1_830_297_590, // a few seconds before a new year (2027-12-31 23:59:50)
        1_835_395_200, // 2028-02-29, a leap day
        0,             // 1970-01-01 00:00:00
        253_402_300_790,
    ];
    let walk = [Walk::Random, Walk::Random, Walk::Frozen, Walk::Steady][c.below(4)];
    let mut t = STARTS[c.below(STARTS.len())] + c.below(60) as i64;
    for line in lines.iter_mut() {
        let Some(at) = stamp_at(line) else { continue };
        let sep = line.as_bytes()[at + 10] as char;
        let stamp = format_stamp(t, sep);
        line.replace_range(at..at + 19, &stamp);
        t += match walk {
            Walk::Frozen => 0,
            Walk::Steady => 1,
            Walk::Random => match c.below(100) {
                0..=39 => 0,
                40..=74 => 1,
                75..=89 => c.between(2, 5) as i64,
                90..=96 => c.between(6, 120) as i64,
                97 => -(c.between(1, 3) as i64),
                _ => c.between(3600, 86_400) as i64,
            },
        };
    }
}

/// Prefixes every line with a CI runner's clock (GitHub Actions, GitLab with its stream
/// marker, Jenkins in brackets, or a `[ 12s]` build clock), which rca keeps as the time of
/// lines that have none of their own.
fn ci_prefix(lines: &mut [String], c: &mut dyn Choices) {
    let style = c.below(4);
    let mut t = 1_795_773_000 + c.below(86_400) as i64;
    let mut elapsed = 0;
    for line in lines.iter_mut() {
        let stamp = format_stamp(t, 'T');
        let prefix = match style {
            0 => format!("{stamp}.{:07}Z ", c.below(10_000_000)),
            1 => format!("{stamp}.{:06}Z 00O ", c.below(1_000_000)),
            2 => format!("[{stamp}.{:03}Z] ", c.below(1000)),
            _ => format!("[{elapsed:>4}s] "),
        };
        line.insert_str(0, &prefix);
        let step = match c.below(100) {
            0..=69 => 0,
            70..=94 => 1,
            _ => c.between(2, 30),
        };
        t += step as i64;
        elapsed += step;
    }
}

/// A generated log and the extra inputs analysed with it.
pub struct Generated {
    /// The console log.
    pub log: Vec<u8>,
    /// A second console part (the log split in two, like sharded CI output), if any.
    pub second_part: Option<Vec<u8>>,
    /// The JUnit XML of the base sample, when it is to be analysed too.
    pub junit: Option<Rc<Vec<u8>>>,
}

/// Builds one log from `samples` as `c` decides.
pub fn generate(samples: &[Sample], c: &mut dyn Choices) -> Generated {
    let mut doc = pick(samples, c).clone();
    if c.chance(40) {
        borrow_blocks(&mut doc, pick(samples, c), c);
    }
    if c.chance(90) {
        keep_few_tests(&mut doc, c);
    }
    if c.chance(60) {
        terse_tracebacks(&mut doc);
    }
    for _ in 0..c.below(4) {
        duplicate_test(&mut doc, c);
    }
    for _ in 0..c.below(6) {
        move_record(&mut doc, pick(samples, c), c);
    }
    if c.chance(15) {
        for _ in 0..c.between(1, 8) {
            extreme_number(&mut doc, c);
        }
    }
    for section in &mut doc.sections {
        if c.chance(30) {
            shuffle(&mut section.blocks, c);
        }
        if !section.blocks.is_empty() && c.chance(15) {
            let i = c.below(section.blocks.len());
            section.blocks.remove(i);
        }
    }
    let mut lines = flatten(&doc, c);
    restamp(&mut lines, c);
    if c.chance(15) {
        ci_prefix(&mut lines, c);
    }
    let crlf = c.chance(5);
    let cut_last = c.chance(5);
    let split = c.chance(10).then(|| c.below(lines.len() + 1));
    let junit = if c.chance(20) {
        doc.junit.clone()
    } else {
        None
    };
    let join = |lines: &[String]| {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut out = lines.join(eol);
        if !cut_last {
            out.push_str(eol);
        }
        out.into_bytes()
    };
    match split {
        Some(at) if at > 0 && at < lines.len() => Generated {
            log: join(&lines[..at]),
            second_part: Some(join(&lines[at..])),
            junit,
        },
        _ => Generated {
            log: join(&lines),
            second_part: None,
            junit,
        },
    }
}

/// A sample: half the time one with DEBUG response lines, when there is one.
fn pick<'s>(samples: &'s [Sample], c: &mut dyn Choices) -> &'s Sample {
    let rich: Vec<&Sample> = samples.iter().filter(|s| s.responses).collect();
    if !rich.is_empty() && c.chance(50) {
        rich[c.below(rich.len())]
    } else {
        &samples[c.below(samples.len())]
    }
}

/// Fisher-Yates with the generator's choices.
fn shuffle<T>(items: &mut [T], c: &mut dyn Choices) {
    for i in (1..items.len()).rev() {
        items.swap(i, c.below(i + 1));
    }
}

/// Appends a few of `donor`'s blocks to the sections of `doc` with the same title.
fn borrow_blocks(doc: &mut Sample, donor: &Sample, c: &mut dyn Choices) {
    for theirs in &donor.sections {
        let Some(ours) = doc.sections.iter_mut().find(|s| s.title == theirs.title) else {
            continue;
        };
        for _ in 0..c.below(4) {
            if theirs.blocks.is_empty() {
                break;
            }
            let block = theirs.blocks[c.below(theirs.blocks.len())].clone();
            let at = c.below(ours.blocks.len() + 1);
            ours.blocks.insert(at, block);
        }
    }
}

/// Keeps 1 to 8 of the tests (in every section), so logs stay small and failures meet.
fn keep_few_tests(doc: &mut Sample, c: &mut dyn Choices) {
    let mut names: Vec<Rc<str>> = doc
        .sections
        .iter()
        .flat_map(|s| s.blocks.iter().filter_map(|b| b.test.clone()))
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        return;
    }
    shuffle(&mut names, c);
    names.truncate(c.between(1, 8));
    for section in &mut doc.sections {
        section
            .blocks
            .retain(|b| b.test.as_ref().is_none_or(|n| names.contains(n)));
    }
}

/// Keeps only the structural lines of long test reports (exception lines, locations, chain
/// markers, captured-output headers and records), as a terse `--tb` style would.
fn terse_tracebacks(doc: &mut Sample) {
    let keep = |l: &String| {
        let p = plain(l);
        p.starts_with("E ")
            || p.starts_with("_ _")
            || p.starts_with("---")
            || p.starts_with("During handling")
            || p.starts_with("The above exception")
            || p.contains(".py:")
            || is_record(&p)
    };
    for section in &mut doc.sections {
        for block in &mut section.blocks {
            if block.lines.len() > 40 {
                let mut lines = vec![block.lines[0].clone()];
                lines.extend(block.lines[1..].iter().filter(|l| keep(l)).cloned());
                *Rc::make_mut(&mut block.lines) = lines;
            }
        }
    }
}

/// Copies one test, renamed, into every section it appears in: the same failure in two tests.
fn duplicate_test(doc: &mut Sample, c: &mut dyn Choices) {
    let names: Vec<&Rc<str>> = doc
        .sections
        .iter()
        .flat_map(|s| s.blocks.iter().filter_map(|b| b.test.as_ref()))
        .collect();
    if names.is_empty() {
        return;
    }
    let from = names[c.below(names.len())].to_string();
    let to = format!("{from}_copy{}", c.below(1000));
    // Right after the original (a parametrized test failing the same way twice in a row)
    // or anywhere.
    let adjacent = c.chance(50);
    for section in &mut doc.sections {
        let Some(i) = section.blocks.iter().position(|b| b.is_test(&from)) else {
            continue;
        };
        let lines = section.blocks[i].lines.iter();
        let copy = Block::new(lines.map(|l| rename(l, &from, &to)).collect());
        let at = if adjacent {
            i + 1
        } else {
            c.below(section.blocks.len() + 1)
        };
        section.blocks.insert(at, copy);
    }
}

/// Copies one log record of `donor` into a test block of `doc`, after its first line.
fn move_record(doc: &mut Sample, donor: &Sample, c: &mut dyn Choices) {
    if donor.records.is_empty() {
        return;
    }
    let record = donor.records[c.below(donor.records.len())].clone();
    let blocks: Vec<(usize, usize)> = doc
        .sections
        .iter()
        .enumerate()
        .flat_map(|(s, sec)| (0..sec.blocks.len()).map(move |b| (s, b)))
        .collect();
    if blocks.is_empty() {
        return;
    }
    let (s, b) = blocks[c.below(blocks.len())];
    let block = &mut doc.sections[s].blocks[b];
    let at = c.between(1, block.lines.len());
    Rc::make_mut(&mut block.lines).insert(at, record);
}

/// Numbers at the edges of the integer types, for [`extreme_number`].
const EXTREMES: [&str; 10] = [
    "0",
    "00",
    "65536",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "99999999999999999999999999",
    "0.0000000000000000000001",
];

/// Replaces one run of digits in one line of a test's block (a port, a status, a timeout,
/// a pool size, a `Retry-After`, a duration) by a number at the edge of the integer types:
/// issue 10 asks for an audit of every range and slice built from log-derived numbers.
fn extreme_number(doc: &mut Sample, c: &mut dyn Choices) {
    let blocks: Vec<(usize, usize)> = doc
        .sections
        .iter()
        .enumerate()
        .flat_map(|(s, sec)| (0..sec.blocks.len()).map(move |b| (s, b)))
        .collect();
    if blocks.is_empty() {
        return;
    }
    let (s, b) = blocks[c.below(blocks.len())];
    let block = &mut doc.sections[s].blocks[b];
    let i = c.below(block.lines.len());
    let line = &block.lines[i];
    // Digit runs after the timestamp, so the clock stays readable.
    let from = stamp_at(line).map_or(0, |at| at + 19);
    let runs: Vec<(usize, usize)> = line
        .char_indices()
        .filter(|&(j, ch)| {
            j >= from && ch.is_ascii_digit() && !line[..j].ends_with(|p: char| p.is_ascii_digit())
        })
        .map(|(j, _)| {
            let len = line[j..].chars().take_while(char::is_ascii_digit).count();
            (j, j + len)
        })
        .collect();
    if runs.is_empty() {
        return;
    }
    let (start, end) = runs[c.below(runs.len())];
    let mut line = line.clone();
    line.replace_range(start..end, EXTREMES[c.below(EXTREMES.len())]);
    Rc::make_mut(&mut block.lines)[i] = line;
}

/// The document as lines; the final counts line is kept, recounted or dropped.
fn flatten(doc: &Sample, c: &mut dyn Choices) -> Vec<String> {
    let counts_mode = c.below(3);
    let mut lines = Vec::new();
    for section in &doc.sections {
        if let Some(header) = &section.header {
            if is_counts(&section.title) {
                match counts_mode {
                    0 => lines.push(header.clone()),
                    1 => lines.push(recount(doc)),
                    _ => {}
                }
            } else {
                lines.push(header.clone());
            }
        }
        lines.extend(section.preamble.iter().cloned());
        for block in &section.blocks {
            lines.extend(block.lines.iter().cloned());
        }
    }
    lines
}

/// `18 failed, 2 passed in 10.93s`.
fn is_counts(title: &str) -> bool {
    title.contains(" in ")
        && title.ends_with('s')
        && title.starts_with(|c: char| c.is_ascii_digit())
}

/// A final counts line matching the outcome words of the session section's blocks.
fn recount(doc: &Sample) -> String {
    let words = [
        ("FAILED", "failed"),
        ("PASSED", "passed"),
        ("SKIPPED", "skipped"),
        ("XFAIL", "xfailed"),
        ("XPASS", "xpassed"),
        ("ERROR", "error"),
    ];
    let mut counts = vec![0; words.len()];
    let session = doc
        .sections
        .iter()
        .find(|s| s.title.contains("test session starts"))
        .or(doc.sections.first());
    for block in session.map_or(&[][..], |s| &s.blocks) {
        for line in block.lines.iter() {
            let p = plain(line);
            let word = p
                .split_whitespace()
                .find_map(|t| words.iter().position(|(w, _)| *w == t));
            if let Some(i) = word {
                counts[i] += 1;
            }
        }
    }
    let parts: Vec<String> = words
        .iter()
        .zip(&counts)
        .filter(|(_, n)| **n > 0)
        .map(|((_, w), n)| format!("{n} {w}"))
        .collect();
    let body = if parts.is_empty() {
        "no tests ran".to_string()
    } else {
        parts.join(", ")
    };
    format!("======================== {body} in 1.23s ========================")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_found_and_formatted() {
        assert_eq!(stamp_at("2026-11-27 09:50:00 [ERROR] x"), Some(0));
        assert_eq!(stamp_at("\x1b[32m2026-11-27T09:50:00.1 x"), Some(5));
        assert_eq!(stamp_at("FAILED tests/a.py::t"), None);
        assert_eq!(format_stamp(1_795_773_000, ' '), "2026-11-27 09:50:00");
        assert_eq!(format_stamp(0, 'T'), "1970-01-01T00:00:00");
        assert_eq!(format_stamp(1_835_395_200, ' '), "2028-02-29 00:00:00");
    }

    #[test]
    fn extreme_numbers_spare_the_clock() {
        let text = "tests/a.py::test_x \n2026-11-27 09:50:00 [ERROR] port=44613\n";
        for seed in 1..50 {
            let mut s = parse_sample("x", text);
            extreme_number(&mut s, &mut XorShift(seed));
            let lines = &s.sections[0].blocks[0].lines;
            assert!(
                lines[1].starts_with("2026-11-27 09:50:00 [ERROR] port="),
                "{lines:?}"
            );
        }
    }

    #[test]
    fn blocks_name_their_test() {
        let s = parse_sample(
            "x",
            "=== test session starts ===\ntests/a.py::test_one[p-1] \nFAILED\n=== FAILURES ===\n___ test_one[p-1] ___\nE boom\n",
        );
        assert_eq!(s.sections.len(), 2);
        assert_eq!(s.sections[0].blocks[0].test.as_deref(), Some("test_one"));
        assert_eq!(s.sections[1].blocks[0].test.as_deref(), Some("test_one"));
        assert_eq!(
            rename("a::test_one[x] test_one_b", "test_one", "t2"),
            "a::t2[x] test_one_b"
        );
    }
}
