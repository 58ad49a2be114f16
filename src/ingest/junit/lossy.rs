//! Streaming UTF-8 repair in front of the XML reader: invalid bytes become U+FFFD, a
//! sequence split between two reads is joined first, and a leading BOM and whitespace can
//! be skipped before the document is sniffed.
//!
//! Not here: cutting overlong runs of text ([`super::xmlcap`]) and anything about XML.

use std::io::{self, BufRead, Read};

/// A `BufRead` adapter that repairs invalid UTF-8 (U+FFFD), streaming.
pub(super) struct LossyUtf8<R> {
    inner: R,
    /// Repaired bytes not yet consumed: `out[pos..]`.
    out: Vec<u8>,
    pos: usize,
    /// An incomplete UTF-8 sequence at the end of the last chunk (at most 3 bytes).
    pending: Vec<u8>,
    eof: bool,
}

impl<R: BufRead> LossyUtf8<R> {
    pub(super) fn new(inner: R) -> Self {
        LossyUtf8 {
            inner,
            out: Vec::new(),
            pos: 0,
            pending: Vec::new(),
            eof: false,
        }
    }

    /// Consumes a leading UTF-8 BOM and ASCII whitespace. Returns the number of bytes
    /// skipped, or `None` if the input holds nothing else.
    pub(super) fn skip_bom_and_whitespace(&mut self) -> io::Result<Option<u64>> {
        let mut skipped = 0u64;
        let mut first = true;
        loop {
            let buf = self.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let mut n = 0;
            if first && buf.starts_with(b"\xEF\xBB\xBF") {
                n = 3;
            }
            first = false;
            n += buf[n..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            let done = n < buf.len();
            self.consume(n);
            skipped += n as u64;
            if done {
                return Ok(Some(skipped));
            }
        }
    }

    pub(super) fn peek_byte(&self) -> Option<u8> {
        self.out.get(self.pos).copied()
    }

    /// Appends the repaired form of `data` to `out`, keeping an incomplete tail in `pending`.
    fn repair(out: &mut Vec<u8>, pending: &mut Vec<u8>, data: &[u8]) {
        let mut rest = data;
        loop {
            match std::str::from_utf8(rest) {
                Ok(_) => {
                    out.extend_from_slice(rest);
                    return;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    out.extend_from_slice(&rest[..valid]);
                    match e.error_len() {
                        Some(bad) => {
                            out.extend_from_slice("\u{FFFD}".as_bytes());
                            rest = &rest[valid + bad..];
                        }
                        None => {
                            pending.extend_from_slice(&rest[valid..]);
                            return;
                        }
                    }
                }
            }
        }
    }
}

impl<R: BufRead> Read for LossyUtf8<R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        super::xmlcap::read_buffered(self, dst)
    }
}

impl<R: BufRead> BufRead for LossyUtf8<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.out.len() && !self.eof {
            self.out.clear();
            self.pos = 0;
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                self.eof = true;
                if !self.pending.is_empty() {
                    self.pending.clear();
                    self.out.extend_from_slice("\u{FFFD}".as_bytes());
                }
                break;
            }
            let n = chunk.len();
            if self.pending.is_empty() {
                Self::repair(&mut self.out, &mut self.pending, chunk);
            } else {
                let mut data = std::mem::take(&mut self.pending);
                data.extend_from_slice(chunk);
                Self::repair(&mut self.out, &mut self.pending, &data);
            }
            self.inner.consume(n);
        }
        Ok(&self.out[self.pos.min(self.out.len())..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.out.len());
    }
}
