//! Digests of the input bytes, taken while they stream through to the scanner or the JUnit
//! parser (no second read, nothing buffered). They are part of a run's identity in the
//! history: two nights with equal outcomes still differ in their bytes; the same file
//! recorded twice does not.
//!
//! The digest is `rca1:<bytes>:<crc32 of all bytes>:<sha256 of the first MiB>` (hex). A
//! full SHA-256 costs about a second per GiB here, as much as the whole analysis; CRC-32
//! runs at memory speed on the reader thread, covers every byte, and with the length and a
//! strong hash of the head it tells different runs apart — it is an identity, not a seal.
//!
//! Not here: the run id built from these digests and the rest of the run
//! ([`crate::history::identity`]), and reading or interpreting the bytes.

use std::io::{BufRead, Read};
use std::sync::{Arc, Mutex, PoisonError};

/// Bytes at the start that the strong hash covers.
pub const HEAD: u64 = 1 << 20;

/// SHA-256 is ring's (assembly with the CPU's SHA or vector extensions), about four times
/// the speed of a portable implementation on the first MiB of every input.
struct State {
    len: u64,
    crc: crc32fast::Hasher,
    head: ring::digest::Context,
}

impl Default for State {
    fn default() -> Self {
        State {
            len: 0,
            crc: crc32fast::Hasher::new(),
            head: ring::digest::Context::new(&ring::digest::SHA256),
        }
    }
}

/// The digest being computed, shared between the reader (which may move to another
/// thread) and whoever reads the result once the input is consumed.
#[derive(Clone, Default)]
pub struct Tap(Arc<Mutex<State>>);

impl Tap {
    fn update(&self, bytes: &[u8]) {
        let mut s = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let room = HEAD.saturating_sub(s.len).min(bytes.len() as u64) as usize;
        s.head.update(&bytes[..room]);
        s.crc.update(bytes);
        s.len += bytes.len() as u64;
    }

    /// `rca1:<bytes>:<crc32>:<sha256 of the head>` of every byte consumed so far.
    pub fn finish(&self) -> String {
        let s = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out = format!("rca1:{}:{:08x}:", s.len, s.crc.clone().finalize());
        for b in s.head.clone().finish().as_ref() {
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

    fn digest_of(data: &[u8], capacity: usize) -> String {
        let (mut r, tap) = Hashing::new(std::io::BufReader::with_capacity(capacity, data));
        let mut sink = Vec::new();
        r.read_to_end(&mut sink).unwrap();
        tap.finish()
    }

    #[test]
    fn reads_and_buffered_reads_give_the_same_digest() {
        let data = b"line one\nline two\n".repeat(1000);
        let (mut b, tap_b) = Hashing::new(std::io::BufReader::with_capacity(5, &data[..]));
        let mut line = String::new();
        while b.read_line(&mut line).unwrap() > 0 {}
        assert_eq!(digest_of(&data, 7), tap_b.finish());
        assert_eq!(
            digest_of(b"", 7),
            "rca1:0:00000000:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn a_change_past_the_head_changes_the_digest() {
        let mut data = vec![b'x'; (HEAD as usize) * 2];
        let a = digest_of(&data, 64 * 1024);
        data[HEAD as usize + 10] = b'y';
        let b = digest_of(&data, 64 * 1024);
        assert_ne!(a, b);
        assert_eq!(a.rsplit(':').next(), b.rsplit(':').next(), "same head");
    }
}
