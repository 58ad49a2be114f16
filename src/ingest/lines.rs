//! Streaming line splitter: reads any `Read` in large chunks and hands out blocks of complete
//! lines with exact 1-based line numbers, without ever holding the whole input in memory.
//!
//! Lines are byte slices without their terminator (`\n`, and a `\r` before it). A final line
//! without a terminator (a log cut off mid-line) is still delivered. A line longer than
//! [`MAX_LINE`] is cut to that length so that memory stays bounded whatever the input.
//! Blocks are owned buffers so that one thread can read while another parses; callers hand
//! finished buffers back to [`BlockReader::next_block`] to be reused.
//!
//! Not here: what is on a line (CI prefixes and colour are [`super::prefix`]'s, its meaning
//! [`crate::parse`]'s) and the threads that read and parse ([`crate::run`]).

use std::io::{self, Read};

/// Default read size: large enough that per-read costs vanish on gigabyte logs.
pub const DEFAULT_CHUNK: usize = 1 << 20;

/// Longest line kept whole; the rest of a longer line is skipped (and counted).
pub const MAX_LINE: usize = 1 << 20;

/// Partial lines up to this size are copied between reads rather than moved.
const CARRY_COPY_LIMIT: usize = 64 * 1024;

/// What the reader tells its consumer about the whole input after the last block.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ScanStats {
    /// Number of lines delivered.
    pub lines: u64,
    /// Number of bytes read.
    pub bytes: u64,
    /// Lines longer than [`MAX_LINE`] that were cut.
    pub cut_lines: u64,
    /// True when the input did not end with a newline.
    pub unterminated: bool,
}

/// A block of whole lines: each ends in `\n` except possibly the input's very last line.
#[derive(Debug, Default)]
pub struct Block {
    /// Number of the first line in `data`.
    pub first_line: u64,
    /// The lines.
    pub data: Vec<u8>,
}

/// Reads an input as a sequence of [`Block`]s.
pub struct BlockReader<R> {
    input: R,
    chunk: usize,
    carry: Vec<u8>,
    next_line: u64,
    stats: ScanStats,
    skipping_long_line: bool,
    eof: bool,
}

impl<R: Read> BlockReader<R> {
    /// A reader that reads `chunk` bytes at a time.
    pub fn new(input: R, chunk: usize) -> BlockReader<R> {
        BlockReader {
            input,
            chunk: chunk.max(1),
            carry: Vec::new(),
            next_line: 1,
            stats: ScanStats::default(),
            skipping_long_line: false,
            eof: false,
        }
    }

    /// Totals so far (final once `next_block` returned `None`).
    pub fn stats(&self) -> ScanStats {
        self.stats
    }

    /// The next block, built in `buf` (a recycled buffer, or a new empty one).
    ///
    /// Each byte is searched for a newline once, and a partial line is moved, not copied,
    /// between calls, so cost stays linear even with tiny reads and very long lines.
    pub fn next_block(&mut self, mut recycled: Vec<u8>) -> io::Result<Option<Block>> {
        loop {
            if self.eof && self.carry.is_empty() {
                return Ok(None);
            }
            // A short partial line is copied into the recycled buffer (keeping its large
            // allocation); a long one is moved, so that long lines cost no re-copying.
            let mut buf = if self.carry.len() <= CARRY_COPY_LIMIT {
                recycled.clear();
                recycled.extend_from_slice(&self.carry);
                self.carry.clear();
                std::mem::take(&mut recycled)
            } else {
                std::mem::take(&mut self.carry)
            };
            let start = buf.len();
            if !self.eof {
                buf.resize(start + self.chunk, 0);
                let n = read_full(&mut self.input, &mut buf[start..])?;
                buf.truncate(start + n);
                self.stats.bytes += n as u64;
                self.eof = n == 0;
            }
            if self.skipping_long_line {
                // `buf` holds only new bytes here (the cut line's head was delivered).
                match memchr::memchr(b'\n', &buf) {
                    Some(i) => {
                        buf.drain(..=i);
                        self.skipping_long_line = false;
                    }
                    None => {
                        buf.clear();
                        recycled = buf;
                        continue;
                    }
                }
            }
            // Bytes before `start` came from the carry, which never holds a newline.
            let search_from = start.min(buf.len());
            let complete = if self.eof {
                buf.len()
            } else {
                memchr::memrchr(b'\n', &buf[search_from..]).map_or(0, |i| search_from + i + 1)
            };
            if complete > 0 {
                self.carry.extend_from_slice(&buf[complete..]);
                buf.truncate(complete);
                let newlines = memchr::memchr_iter(b'\n', &buf).count() as u64;
                let unterminated = buf.last() != Some(&b'\n');
                let lines = newlines + u64::from(unterminated);
                if self.eof && unterminated {
                    self.stats.unterminated = true;
                }
                let block = Block {
                    first_line: self.next_line,
                    data: buf,
                };
                self.next_line += lines;
                self.stats.lines += lines;
                return Ok(Some(block));
            }
            if buf.len() >= MAX_LINE {
                // One enormous line: deliver its first MAX_LINE bytes and skip the rest.
                buf.truncate(MAX_LINE);
                buf.push(b'\n');
                self.skipping_long_line = true;
                self.stats.cut_lines += 1;
                let block = Block {
                    first_line: self.next_line,
                    data: buf,
                };
                self.next_line += 1;
                self.stats.lines += 1;
                return Ok(Some(block));
            }
            // Not a whole line yet: keep it (moved, not copied) and read more.
            self.carry = buf;
        }
    }
}

/// Fills `buf` as far as the reader allows, retrying on interruption; 0 means end of input.
fn read_full<R: Read>(input: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Iterates the lines of a block, stripping `\n` and `\r\n`.
pub fn block_lines(block: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = block;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        Some(trim_cr(line))
    })
}

/// The lines of a text with their start offsets (without `\n`; a `\r` is kept).
pub fn line_spans(text: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |i| start + i);
        let item = (start, &text[start..end]);
        start = end + 1;
        Some(item)
    })
}

/// Removes one trailing carriage return.
pub fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(input: &[u8], chunk: usize) -> (Vec<(u64, String)>, ScanStats) {
        let mut r = BlockReader::new(input, chunk);
        let mut out = Vec::new();
        while let Some(b) = r.next_block(Vec::new()).unwrap() {
            for (i, l) in block_lines(&b.data).enumerate() {
                out.push((
                    b.first_line + i as u64,
                    String::from_utf8_lossy(l).into_owned(),
                ));
            }
        }
        (out, r.stats())
    }

    #[test]
    fn numbers_are_exact_for_every_chunk_size() {
        let text = b"a\r\nbb\n\nccc\ndddd";
        let (want, _) = lines_of(text, 1 << 16);
        assert_eq!(want.len(), 5);
        assert_eq!(want[4], (5, "dddd".to_string()));
        assert_eq!(want[0].1, "a");
        for chunk in 1..8 {
            assert_eq!(lines_of(text, chunk).0, want, "chunk {chunk}");
        }
    }

    #[test]
    fn reports_unterminated_last_line() {
        let (_, stats) = lines_of(b"x\ny", 3);
        assert!(stats.unterminated);
        assert_eq!(stats.lines, 2);
        let (_, stats) = lines_of(b"x\ny\n", 3);
        assert!(!stats.unterminated);
    }

    #[test]
    fn empty_input_has_no_lines() {
        let (lines, stats) = lines_of(b"", 4);
        assert!(lines.is_empty());
        assert_eq!(stats.lines, 0);
    }

    #[test]
    fn overlong_lines_are_cut_and_counted() {
        let mut text = vec![b'x'; MAX_LINE + 10];
        text.extend_from_slice(b"\nafter\n");
        let (lines, stats) = lines_of(&text, 4096);
        assert_eq!(stats.cut_lines, 1);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].1.len(), MAX_LINE);
        assert_eq!(lines[1], (2, "after".to_string()));
    }
}
