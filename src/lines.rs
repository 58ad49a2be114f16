//! Streaming line splitter: reads any `Read` in large chunks and hands out complete lines
//! with exact 1-based line numbers, without ever holding the whole input in memory.
//!
//! Lines are byte slices without their terminator (`\n`, and a `\r` before it). A final line
//! without a terminator (a log cut off mid-line) is still delivered. A line longer than
//! [`MAX_LINE`] is cut to that length so that memory stays bounded whatever the input.

use std::io::{self, Read};

/// Default read size: large enough that per-read costs vanish on gigabyte logs.
pub const DEFAULT_CHUNK: usize = 1 << 20;

/// Longest line kept whole; the rest of a longer line is skipped (and counted).
pub const MAX_LINE: usize = 1 << 20;

/// What the scanner tells its consumer about the whole input after the last line.
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

/// Receives each chunk of complete lines. `first_line` is the number of the first line in
/// `block`; `block` holds whole lines, each ending in `\n` except possibly the input's last.
pub trait BlockSink {
    /// Called with a block of complete lines.
    fn block(&mut self, first_line: u64, block: &[u8]);
}

/// Reads `input` to the end, calling `sink` with blocks of complete lines.
pub fn scan<R: Read, S: BlockSink>(
    mut input: R,
    chunk: usize,
    sink: &mut S,
) -> io::Result<ScanStats> {
    let chunk = chunk.max(1);
    let mut buf: Vec<u8> = Vec::with_capacity(chunk + 1024);
    let mut stats = ScanStats::default();
    let mut next_line: u64 = 1;
    // When a line overflows MAX_LINE we drop bytes until its newline.
    let mut skipping_long_line = false;
    loop {
        let start = buf.len();
        buf.resize(start + chunk, 0);
        let n = read_full(&mut input, &mut buf[start..])?;
        buf.truncate(start + n);
        stats.bytes += n as u64;
        let eof = n == 0;
        if skipping_long_line {
            match memchr::memchr(b'\n', &buf) {
                Some(i) => {
                    buf.drain(..=i);
                    skipping_long_line = false;
                    // The cut line was already delivered; count its newline.
                }
                None => {
                    buf.clear();
                    if eof {
                        break;
                    }
                    continue;
                }
            }
        }
        let complete = if eof {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => i + 1,
                None => 0,
            }
        };
        if complete > 0 {
            let block = &buf[..complete];
            let count = memchr::memchr_iter(b'\n', block).count() as u64;
            let unterminated = block.last() != Some(&b'\n');
            sink.block(next_line, block);
            next_line += count + u64::from(unterminated);
            stats.lines += count + u64::from(unterminated);
            if eof && unterminated {
                stats.unterminated = true;
            }
            buf.drain(..complete);
        } else if buf.len() >= MAX_LINE {
            // One enormous line: deliver its first MAX_LINE bytes and skip the rest.
            let mut cut = buf[..MAX_LINE].to_vec();
            cut.push(b'\n');
            sink.block(next_line, &cut);
            next_line += 1;
            stats.lines += 1;
            stats.cut_lines += 1;
            buf.clear();
            skipping_long_line = true;
        }
        if eof {
            break;
        }
    }
    Ok(stats)
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

/// Iterates the lines of a block produced by [`scan`], stripping `\n` and `\r\n`.
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

/// Removes one trailing carriage return.
pub fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Collect(Vec<(u64, String)>);
    impl BlockSink for Collect {
        fn block(&mut self, first: u64, block: &[u8]) {
            for (i, l) in block_lines(block).enumerate() {
                self.0
                    .push((first + i as u64, String::from_utf8_lossy(l).into_owned()));
            }
        }
    }

    fn lines_of(input: &[u8], chunk: usize) -> (Vec<(u64, String)>, ScanStats) {
        let mut c = Collect(Vec::new());
        let stats = scan(input, chunk, &mut c).unwrap();
        (c.0, stats)
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
}
