//! The analysis pipeline: open each input, stream console logs through the line scanner,
//! prefilter and collector, parse JUnit XML (digesting the bytes on the way), then build the
//! [`Report`] of the run's facts and diagnosis. It owns the order of the steps and the
//! threads that run them, no step
//! itself: each is its stage's ([`crate::ingest`], [`crate::parse`], [`crate::attribute`],
//! [`crate::diagnose`]), and it prints nothing (the command line hands the result to
//! [`crate::report`]).

use crate::attribute::collect::{self, Collector, Prepared, Preparer};
use crate::facts::{self, InputInfo};
use crate::ingest::digest;
use crate::ingest::junit::{self, JunitRun};
use crate::ingest::lines::{self, Block, BlockReader, ScanStats};
use crate::ingest::open::{self, InputError, InputKind};
use crate::ingest::prefix;
use crate::parse::signatures::SignatureSet;
use crate::redact::{Key, Redactor};
use crate::report::Report;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Options of one analysis.
#[derive(Debug, Clone)]
pub struct Options {
    /// Read size in bytes (tests use tiny ones to exercise chunk boundaries).
    pub chunk: usize,
    /// Redact secrets in everything printed.
    pub redact: bool,
    /// The masking key (`RCA_REDACT_KEY`, else the built-in one).
    pub redact_key: Key,
    /// How the single-request baseline tests are found (`--baseline-tests REGEX`; default:
    /// the words baseline, single, smoke in test names).
    pub baseline: crate::diagnose::baseline::BaselineRule,
    /// Also read requests per endpoint and log templates ([`crate::attribute::profile`]),
    /// for a comparison with a baseline run (`--baseline`).
    pub profile: bool,
    /// How much of the per-line work the reading thread takes (the result is the same).
    pub read_ahead: ReadAhead,
}

/// Which candidate lines the reading thread reads ahead of the collector
/// ([`crate::attribute::collect::Prepared`]); the collector reads the others itself, with
/// the same result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadAhead {
    /// Those it reaches while the collector has blocks waiting (it would otherwise wait for
    /// the collector): most of them on an event-dense log, few on a sparse one.
    #[default]
    WhileBehind,
    /// Every one (tests).
    Always,
    /// None (tests).
    Never,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            chunk: lines::DEFAULT_CHUNK,
            redact: true,
            redact_key: Key::builtin(),
            baseline: Default::default(),
            profile: false,
            read_ahead: ReadAhead::default(),
        }
    }
}

/// A block with the offsets of signature-literal occurrences in it and what its candidate
/// lines say by themselves, in order.
#[derive(Default)]
struct Scanned {
    block: Block,
    hits: Vec<usize>,
    /// What the candidate lines say, by the offset of their line in the block.
    prepared: Vec<(usize, Prepared)>,
}

/// Reads `reader` on a helper thread (reading, decompression, the literal prefilter and
/// what each candidate line says by itself: on an event-dense log that is most of the
/// per-line work, and this thread would otherwise wait) while this thread walks the lines
/// and runs the collector. Two bounded channels keep at most a few blocks in flight, so
/// memory stays flat whatever the input size.
fn scan_console(
    reader: Box<dyn std::io::BufRead + Send>,
    opts: &Options,
    sigs: &SignatureSet,
    collector: &mut Collector<'_>,
) -> std::io::Result<ScanStats> {
    const IN_FLIGHT: usize = 3;
    let (full_tx, full_rx) = mpsc::sync_channel::<std::io::Result<Scanned>>(IN_FLIGHT);
    let (empty_tx, empty_rx) = mpsc::sync_channel::<Scanned>(IN_FLIGHT + 2);
    let every_line = sigs.needs_every_line();
    // Blocks sent and not yet taken by the collector.
    let backlog = AtomicUsize::new(0);
    let backlog = &backlog;
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            let mut blocks = BlockReader::new(reader, opts.chunk);
            let mut preparer = Preparer::default();
            loop {
                let recycled = empty_rx.try_recv().unwrap_or_default();
                let (buf, mut hits, mut prepared) =
                    (recycled.block.data, recycled.hits, recycled.prepared);
                match blocks.next_block(buf) {
                    Ok(Some(block)) => {
                        hits.clear();
                        if !every_line {
                            sigs.literal_hits(&block.data, &mut hits);
                        }
                        prepared.clear();
                        if opts.read_ahead != ReadAhead::Never {
                            let lines = (&block, &hits[..], every_line);
                            let backlog =
                                (opts.read_ahead == ReadAhead::WhileBehind).then_some(backlog);
                            read_ahead_while_behind(
                                lines,
                                sigs,
                                &mut preparer,
                                &mut prepared,
                                backlog,
                            );
                        }
                        let scanned = Scanned {
                            block,
                            hits,
                            prepared,
                        };
                        backlog.fetch_add(1, Ordering::Relaxed);
                        if full_tx.send(Ok(scanned)).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = full_tx.send(Err(e));
                        break;
                    }
                }
            }
            blocks.stats()
        });
        let mut scratch = Vec::new();
        let mut result = Ok(());
        for msg in full_rx {
            match msg {
                Ok(mut scanned) => {
                    backlog.fetch_sub(1, Ordering::Relaxed);
                    feed_block(&mut scanned, every_line, collector, &mut scratch);
                    let _ = empty_tx.try_send(scanned);
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        drop(empty_tx);
        let stats = producer.join().expect("reader thread does not panic");
        result.map(|()| stats)
    })
}

/// Reads ahead the candidate lines of a block (with its hits, and whether every line is a
/// candidate) while the collector has blocks waiting. When it has none it would wait for
/// this thread, so the rest of the block is left to it: it reads a line without a
/// read-ahead itself, with the same result. Thus the reading thread takes over as much of
/// the per-line work as keeps both threads busy: most of it on an event-dense log, little
/// on a sparse one, where the collector keeps up. With no `backlog`, every candidate line
/// is read ahead.
fn read_ahead_while_behind(
    (block, hits, every_line): (&Block, &[usize], bool),
    sigs: &SignatureSet,
    preparer: &mut Preparer,
    out: &mut Vec<(usize, Prepared)>,
    backlog: Option<&AtomicUsize>,
) {
    /// Lines read between two looks at the collector's backlog.
    const LOOK_EVERY: usize = 64;
    let behind = || backlog.is_none_or(|b| b.load(Ordering::Relaxed) > 0);
    if !behind() {
        return;
    }
    let mut read = 0;
    walk_candidates(block, hits, every_line, |at, n| {
        read += 1;
        if read % LOOK_EVERY == 0 && !behind() {
            return false;
        }
        if !n.fence {
            let text = &n.text[collect::indentation(n.text)..];
            out.push((at, preparer.prepare(sigs, text)));
        }
        true
    });
}

/// Feeds the lines of one block to the collector, each candidate line with what the reading
/// thread read of it (matched by the line's offset; a line it did not read, the collector
/// reads itself).
fn feed_block(
    scanned: &mut Scanned,
    every_line: bool,
    collector: &mut Collector<'_>,
    scratch: &mut Vec<u8>,
) {
    let Scanned {
        block,
        hits,
        prepared,
    } = scanned;
    let mut read_ahead = ReadAheads::new(prepared.drain(..));
    walk_block(
        block,
        hits,
        every_line,
        scratch,
        |lineno, at, n, candidate| {
            let prepared = read_ahead.take(at).filter(|_| candidate && !n.fence);
            collector.line(lineno, n, candidate, prepared);
        },
    );
}

/// The reading thread's read-aheads of one block, taken in line order.
struct ReadAheads<I> {
    rest: I,
    next: Option<Prepared>,
    /// Offset of the line `next` is for (`usize::MAX` when there is none): most lines of a
    /// sparse log have no read-ahead, and this one comparison is all they cost.
    next_at: usize,
}

impl<I: Iterator<Item = (usize, Prepared)>> ReadAheads<I> {
    fn new(mut rest: I) -> ReadAheads<I> {
        let (next_at, next) = rest
            .next()
            .map_or((usize::MAX, None), |(at, p)| (at, Some(p)));
        ReadAheads {
            rest,
            next,
            next_at,
        }
    }

    /// The read-ahead of the line at offset `at`, if there is one; those of earlier lines
    /// are dropped.
    fn take(&mut self, at: usize) -> Option<Prepared> {
        while self.next_at < at {
            self.advance();
        }
        if self.next_at != at {
            return None;
        }
        let mine = self.next.take();
        self.advance();
        mine
    }

    fn advance(&mut self) {
        (self.next_at, self.next) = self
            .rest
            .next()
            .map_or((usize::MAX, None), |(at, p)| (at, Some(p)));
    }
}

/// The candidate lines of one block in order, normalised as [`walk_block`] normalises them,
/// found from the hits alone: the reading thread does not walk the other lines of a
/// sparse log. `visit` is told each line's offset in the block, and returns false to stop.
fn walk_candidates(
    block: &Block,
    hits: &[usize],
    every_line: bool,
    mut visit: impl FnMut(usize, &prefix::Normalized<'_>) -> bool,
) {
    let mut scratch = Vec::new();
    if every_line {
        let mut going = true;
        return walk_block(block, hits, true, &mut scratch, |_, at, n, _| {
            going = going && visit(at, n);
        });
    }
    let data = &block.data[..];
    let has_escapes = memchr::memchr(0x1b, data).is_some();
    let mut done_to = 0;
    for &hit in hits {
        // A hit on a line already visited, or on a line break (which belongs to no line).
        if hit < done_to || data.get(hit).is_none_or(|b| *b == b'\n') {
            continue;
        }
        let start = memchr::memrchr(b'\n', &data[..hit]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &data[hit..]).map_or(data.len(), |i| hit + i);
        done_to = end;
        let n = normalized(&data[start..end], has_escapes, &mut scratch);
        if !visit(start, &n) {
            return;
        }
    }
}

/// One line of a block without its line break, CI prefix and, when the block has any
/// (`has_escapes`), colour escapes.
fn normalized<'a>(
    line: &'a [u8],
    has_escapes: bool,
    scratch: &'a mut Vec<u8>,
) -> prefix::Normalized<'a> {
    let line = lines::trim_cr(line);
    if has_escapes {
        prefix::normalize(line, scratch)
    } else {
        prefix::strip_ci_prefix(line)
    }
}

/// Walks the lines of one block in order, normalising each (CI prefixes, colour) and
/// telling `visit` its number, its offset in the block and whether a literal hit falls in
/// it (every line is a candidate when `every_line`). Both threads normalise lines this way
/// ([`normalized`]), so that they agree on the text of each candidate line.
fn walk_block(
    block: &Block,
    hits: &[usize],
    every_line: bool,
    scratch: &mut Vec<u8>,
    mut visit: impl FnMut(u64, usize, &prefix::Normalized<'_>, bool),
) {
    let data = &block.data[..];
    let has_escapes = memchr::memchr(0x1b, data).is_some();
    let mut next_hit = 0;
    let mut start = 0;
    let mut lineno = block.first_line;
    while start < data.len() {
        let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i);
        while next_hit < hits.len() && hits[next_hit] < start {
            next_hit += 1;
        }
        let candidate = every_line || (next_hit < hits.len() && hits[next_hit] < end);
        let n = normalized(&data[start..end], has_escapes, scratch);
        visit(lineno, start, &n, candidate);
        lineno += 1;
        start = end + 1;
    }
}

/// Sees each input's bytes as they are read (the command line's progress line).
pub trait ReadHook {
    /// Wraps the reader of the (decompressed) bytes of input `name`; `size` is its size on
    /// disk (`None` for standard input).
    fn wrap(
        &self,
        name: &str,
        gzip: bool,
        size: Option<u64>,
        reader: Box<dyn std::io::BufRead + Send>,
    ) -> Box<dyn std::io::BufRead + Send>;
}

/// The hook that changes nothing.
struct NoHook;

impl ReadHook for NoHook {
    fn wrap(
        &self,
        _: &str,
        _: bool,
        _: Option<u64>,
        reader: Box<dyn std::io::BufRead + Send>,
    ) -> Box<dyn std::io::BufRead + Send> {
        reader
    }
}

/// Analyses the given inputs (`-` is stdin) as one pytest run.
pub fn analyze(
    paths: &[String],
    sigs: &SignatureSet,
    opts: &Options,
) -> Result<Report, InputError> {
    analyze_observed(paths, sigs, opts, &NoHook)
}

/// [`analyze`], with every input's reader passed through `hook`.
pub fn analyze_observed(
    paths: &[String],
    sigs: &SignatureSet,
    opts: &Options,
    hook: &dyn ReadHook,
) -> Result<Report, InputError> {
    if paths.len() > u16::MAX as usize {
        return Err(InputError("too many inputs".to_string()));
    }
    if opts.redact {
        crate::redact::prepare_in_background();
    }
    let mut collector = Collector::new(sigs);
    if opts.profile {
        collector.profile();
    }
    let mut junit_runs: Vec<(u16, JunitRun)> = Vec::new();
    let mut infos = Vec::new();
    let mut console_inputs = 0;
    for (i, path) in paths.iter().enumerate() {
        let read = read_input(i as u16, path, sigs, opts, hook, &mut collector)?;
        if read.info.kind == InputKind::Console {
            console_inputs += 1;
        }
        junit_runs.extend(read.junit.map(|run| (i as u16, run)));
        infos.push(read.info);
    }
    // JUnit XML after every console log, so that the log's own evidence comes first and
    // the XML adds only what the log did not show.
    for (file, run) in &junit_runs {
        collector.junit_run(run, *file);
    }
    let junit_runs: Vec<JunitRun> = junit_runs.into_iter().map(|(_, r)| r).collect();
    let mut collected = collector.finish();
    let nothing_found = collected.tests.is_empty()
        && collected.groups.is_empty()
        && collected.final_counts.is_none()
        && !collected.saw_session_start;
    if console_inputs > 0 && junit_runs.is_empty() && nothing_found {
        let names: Vec<&str> = infos.iter().map(|i| i.path.as_str()).collect();
        return Err(InputError(format!(
            "{}: not a pytest log: no test results, no pytest banners and no known HTTP-client failure lines",
            names.join(", ")
        )));
    }
    warn_of_excerpts(&mut collected, console_inputs > 0 && !nothing_found);
    let facts = facts::build(
        collected,
        junit_runs,
        infos,
        sigs,
        Redactor::new(opts.redact, opts.redact_key),
    );
    let diagnosis = crate::diagnose::diagnose(&facts, &opts.baseline);
    Ok(Report::new(facts, diagnosis))
}

/// One input as read: what it was, and its JUnit run when it was XML.
struct ReadInput {
    info: InputInfo,
    junit: Option<JunitRun>,
}

/// Opens input number `file`, streams a console log through the collector or parses JUnit
/// XML, and digests its bytes on the way.
fn read_input(
    file: u16,
    path: &str,
    sigs: &SignatureSet,
    opts: &Options,
    hook: &dyn ReadHook,
    collector: &mut Collector<'_>,
) -> Result<ReadInput, InputError> {
    let opened = open::open(path, opts.chunk)?;
    let size = (path != "-")
        .then(|| std::fs::metadata(path).ok().map(|m| m.len()))
        .flatten();
    let observed = hook.wrap(&opened.name, opened.gzip, size, opened.reader);
    let (reader, tap) = digest::Hashing::new(observed);
    let reader: Box<dyn std::io::BufRead + Send> = Box::new(reader);
    let mut info = InputInfo {
        path: opened.name.clone(),
        kind: opened.kind,
        gzip: opened.gzip,
        lines: 0,
        bytes: 0,
        digest: None,
    };
    let mut junit = None;
    match opened.kind {
        InputKind::Console => {
            collector.start_file(file);
            read_console(reader, &opened.name, sigs, opts, collector, &mut info)?;
        }
        InputKind::Junit => {
            let run = read_junit(reader, &opened.name, collector)?;
            info.lines = run.cases.len() as u64;
            junit = Some(run);
        }
    }
    if let Some(damage) = opened.damage.get() {
        collector.warn(format!("{}: {damage}", opened.name));
    }
    info.digest = Some(tap.finish());
    Ok(ReadInput { info, junit })
}

/// Streams one console log through the collector, warning of a cut last line and of
/// overlong lines.
fn read_console(
    reader: Box<dyn std::io::BufRead + Send>,
    name: &str,
    sigs: &SignatureSet,
    opts: &Options,
    collector: &mut Collector<'_>,
    info: &mut InputInfo,
) -> Result<(), InputError> {
    let stats = scan_console(reader, opts, sigs, collector)
        .map_err(|e| InputError(format!("{name}: read error: {e}")))?;
    info.lines = stats.lines;
    info.bytes = stats.bytes;
    if stats.unterminated {
        collector.warn(format!(
            "{name}: the last line has no line ending (log cut off mid-line?)"
        ));
    }
    if stats.cut_lines > 0 {
        collector.warn(format!(
            "{name}: {} line(s) longer than {} bytes were cut",
            stats.cut_lines,
            lines::MAX_LINE
        ));
    }
    Ok(())
}

/// Parses one JUnit XML report; a damaged one still gives the cases read before the damage.
fn read_junit(
    reader: Box<dyn std::io::BufRead + Send>,
    name: &str,
    collector: &mut Collector<'_>,
) -> Result<JunitRun, InputError> {
    match junit::parse_junit(reader) {
        Ok(run) => {
            for w in &run.warnings {
                collector.warn(format!("{name}: {w}"));
            }
            Ok(run)
        }
        Err(e) => {
            let msg = format!("{name}: {e}");
            match e.into_partial() {
                Some(run) if !run.cases.is_empty() => {
                    collector.warn(format!(
                        "{msg}; using the {} test case(s) read before it",
                        run.cases.len()
                    ));
                    Ok(run)
                }
                _ => Err(InputError(msg)),
            }
        }
    }
}

/// The warnings that say the input was read as an excerpt: no session banner (for a console
/// log that showed something), or no test named at all.
fn warn_of_excerpts(collected: &mut crate::attribute::collect::Collected, console_showed: bool) {
    if console_showed && !collected.saw_session_start {
        collected.warnings.insert(
            0,
            "no \"test session starts\" banner: treating the input as an excerpt".to_string(),
        );
    }
    if collected.tests.is_empty() && !collected.groups.is_empty() {
        collected.warnings.insert(
            0,
            "no test is named in the input: its failures are reported for the run as a whole"
                .to_string(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The collector concludes the same whichever lines the reading thread read ahead:
    /// every sample, read in small and default blocks, gives the same report with every
    /// read-ahead, with none and with the adaptive default.
    #[test]
    fn reports_do_not_depend_on_what_was_read_ahead() {
        let sigs = SignatureSet::builtin();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut paths: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "log" || x == "gz"))
            .map(|p| p.to_str().unwrap().to_string())
            .collect();
        paths.sort();
        assert!(paths.len() > 10, "{paths:?}");
        for path in &paths {
            for chunk in [4096, lines::DEFAULT_CHUNK] {
                let report = |read_ahead| {
                    let opts = Options {
                        chunk,
                        read_ahead,
                        ..Options::default()
                    };
                    analyze(std::slice::from_ref(path), &sigs, &opts)
                        .map(|r| crate::report::json::render(&r))
                        .map_err(|e| e.0)
                };
                let never = report(ReadAhead::Never);
                assert!(never == report(ReadAhead::Always), "{path}, chunk {chunk}");
                assert!(
                    never == report(ReadAhead::WhileBehind),
                    "{path}, chunk {chunk}"
                );
            }
        }
    }

    /// Each candidate line as the collector's walk sees it: offset, text, fence.
    fn candidates_of_walk(block: &Block, hits: &[usize]) -> Vec<(usize, Vec<u8>, bool)> {
        let mut out = Vec::new();
        walk_block(
            block,
            hits,
            false,
            &mut Vec::new(),
            |_, at, n, candidate| {
                if candidate {
                    out.push((at, n.text.to_vec(), n.fence));
                }
            },
        );
        out
    }

    /// The reading thread finds exactly the candidate lines the collector's walk finds, with
    /// the same offsets and text, whatever the hits: several on a line, on line breaks, at
    /// the first and last byte; colour, CI prefixes, CRLF, empty and unterminated lines.
    #[test]
    fn candidates_found_from_hits_are_the_walks_candidate_lines() {
        let lines: [&[u8]; 8] = [
            b"2026-11-27T09:50:36.1234567Z   ReadTimeoutError: x",
            b"\x1b[31mE   urllib3.exceptions.ReadTimeoutError\x1b[0m\r",
            b"",
            b"```",
            b"    WARNING  urllib3.connectionpool:connectionpool.py:870 Retrying",
            b"plain line",
            b"\r",
            b"> quoted ConnectTimeoutError",
        ];
        let mut seed = 0x2545_f491_u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for round in 0..300 {
            let mut data = Vec::new();
            for _ in 0..1 + next(12) {
                data.extend_from_slice(lines[next(lines.len())]);
                data.push(b'\n');
            }
            if round % 3 == 0 {
                data.pop(); // an unterminated last line
            }
            let mut hits: Vec<usize> = (0..next(20)).map(|_| next(data.len().max(1))).collect();
            if round % 5 == 0 {
                hits.push(0);
                hits.push(data.len().saturating_sub(1));
            }
            hits.sort_unstable();
            let block = Block {
                first_line: 1,
                data,
            };
            let mut found = Vec::new();
            walk_candidates(&block, &hits, false, |at, n| {
                found.push((at, n.text.to_vec(), n.fence));
                true
            });
            assert_eq!(found, candidates_of_walk(&block, &hits), "round {round}");
        }
    }
}
