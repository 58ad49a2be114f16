//! Digests of the input bytes, taken while they stream through to the scanner or the JUnit
//! parser (no second read, nothing buffered): SHA-256 of the decoded bytes, as
//! `sha256:<hex>`. They are part of a run's identity in the history (two nights with equal
//! outcomes still differ in their bytes; the same file recorded twice does not).

use sha2::{Digest, Sha256};
use std::io::{BufRead, Read};
use std::sync::{Arc, Mutex, PoisonError};

/// The digest being computed, shared between the reader (which may move to another
/// thread) and whoever reads the result once the input is consumed.
#[derive(Clone, Default)]
pub struct Tap(Arc<Mutex<Sha256>>);

impl Tap {
    fn update(&self, bytes: &[u8]) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .update(bytes);
    }

    /// `sha256:<hex>` of every byte consumed so far.
    pub fn finish(&self) -> String {
        let h = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let mut out = String::with_capacity(7 + 64);
        out.push_str("sha256:");
        for b in h.finalize() {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }
}

/// A reader that feeds every byte it hands out to a [`Tap`].
pub struct Hashing<R> {
    inner: R,
    tap: Tap,
}

impl<R> Hashing<R> {
    /// Wraps `inner`; the digest is read from the returned tap.
    pub fn new(inner: R) -> (Hashing<R>, Tap) {
        let tap = Tap::default();
        (
            Hashing {
                inner,
                tap: tap.clone(),
            },
            tap,
        )
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.tap.update(&buf[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Hashing<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // The bytes being consumed are still the head of the inner buffer.
        if let Ok(buf) = self.inner.fill_buf() {
            self.tap.update(&buf[..amt.min(buf.len())]);
        }
        self.inner.consume(amt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_buffered_reads_give_the_same_digest() {
        let data = b"line one\nline two\n".repeat(1000);
        let (mut a, tap_a) = Hashing::new(std::io::BufReader::with_capacity(7, &data[..]));
        let mut sink = Vec::new();
        a.read_to_end(&mut sink).unwrap();
        let (mut b, tap_b) = Hashing::new(std::io::BufReader::with_capacity(5, &data[..]));
        let mut line = String::new();
        while b.read_line(&mut line).unwrap() > 0 {}
        assert_eq!(tap_a.finish(), tap_b.finish());
        let (_, empty) = Hashing::new(&b""[..]);
        assert_eq!(
            empty.finish(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
