//! Opening inputs: files or stdin, transparently gunzipped (detected by magic bytes), and
//! sniffed for what they are: a pytest console log, a JUnit XML report, or something rca
//! cannot read (binary data, an empty file). Nothing is read into memory beyond a peek.
//!
//! Damaged gzip (cut off, corrupt, or followed by bytes that are not gzip) is read up to
//! the damage, like `gzip -d` does: the decoded part is analysed and [`Opened::damage`]
//! says what stopped the decoder, for the caller to turn into a warning.
//!
//! Not here: reading what was opened (the line splitter [`super::lines`] and the JUnit reader
//! [`super::junit`]) and the wording of warnings (the caller's).

use flate2::bufread::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// How much is peeked to decide what an input is.
const SNIFF: usize = 64 * 1024;

/// What an input turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// Console output (pytest or an excerpt of it).
    Console,
    /// JUnit XML.
    Junit,
}

/// An opened, sniffed input.
pub struct Opened {
    /// Display name (`-` shown as `<stdin>`).
    pub name: String,
    /// What it is.
    pub kind: InputKind,
    /// True when it was gzip-compressed.
    pub gzip: bool,
    /// The decoded byte stream.
    pub reader: Box<dyn BufRead + Send>,
    /// Set once the gzip decoder met damage; the stream ended there.
    pub damage: GzipDamage,
}

/// What stopped a gzip decoder early, shared between the reader and the caller.
#[derive(Debug, Clone, Default)]
pub struct GzipDamage(Arc<OnceLock<String>>);

impl GzipDamage {
    /// A one-line description of the damage, or `None` when the input decoded cleanly.
    pub fn get(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }
}

/// Ends the stream at the first decoding error instead of failing the read, recording
/// the error in a [`GzipDamage`].
struct StopAtDamage<R> {
    inner: R,
    damage: GzipDamage,
    decoded: u64,
}

impl<R: Read> Read for StopAtDamage<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.damage.get().is_some() {
            return Ok(0);
        }
        match self.inner.read(buf) {
            Ok(n) => {
                self.decoded += n as u64;
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                let _ = self.damage.0.set(describe_damage(&e, self.decoded));
                Ok(0)
            }
        }
    }
}

/// Words for a gzip decoding error after `decoded` good bytes.
fn describe_damage(e: &io::Error, decoded: u64) -> String {
    let what = if e.kind() == io::ErrorKind::UnexpectedEof {
        "the gzip data is cut off".to_string()
    } else if decoded > 0 && e.to_string().contains("invalid gzip header") {
        "trailing bytes after the gzip data are not gzip and were ignored".to_string()
    } else {
        format!("the gzip data is damaged ({})", io_msg(e))
    };
    format!("{what}; analysed the {decoded} byte(s) decoded before it")
}

/// Why an input cannot be analysed. Each message is one line, without the `rca:` prefix.
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Opens `path` (`-` for stdin) with a read buffer of `buf` bytes.
pub fn open(path: &str, buf: usize) -> Result<Opened, InputError> {
    let buf = buf.max(SNIFF);
    let (name, raw): (String, Box<dyn Read + Send>) = if path == "-" {
        ("<stdin>".to_string(), Box::new(io::stdin()))
    } else {
        let p = Path::new(path);
        let meta =
            std::fs::metadata(p).map_err(|e| InputError(format!("{path}: {}", io_msg(&e))))?;
        if meta.is_dir() {
            return Err(InputError(format!(
                "{path}: is a directory, not a log file"
            )));
        }
        let f = File::open(p).map_err(|e| InputError(format!("{path}: {}", io_msg(&e))))?;
        (path.to_string(), Box::new(f))
    };
    let mut outer = BufReader::with_capacity(buf, raw);
    let head = peek(&mut outer, 2).map_err(|e| InputError(format!("{name}: {}", io_msg(&e))))?;
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    let damage = GzipDamage::default();
    let mut reader: Box<dyn BufRead + Send> = if gzip {
        let decoder = StopAtDamage {
            inner: MultiGzDecoder::new(outer),
            damage: damage.clone(),
            decoded: 0,
        };
        Box::new(BufReader::with_capacity(buf, decoder))
    } else {
        Box::new(outer)
    };
    let head = peek(&mut reader, SNIFF).map_err(|e| {
        InputError(format!(
            "{name}: cannot read{}: {}",
            if gzip { " gzip data" } else { "" },
            io_msg(&e)
        ))
    })?;
    if head.is_empty() {
        return Err(InputError(match damage.get() {
            Some(d) => format!("{name}: {d}"),
            None => format!("{name}: empty input, nothing to analyse"),
        }));
    }
    let kind = if crate::ingest::junit::looks_like_junit(&head) {
        InputKind::Junit
    } else if let Some(why) = not_text(&head) {
        return Err(InputError(format!("{name}: {why}, not a pytest log")));
    } else {
        InputKind::Console
    };
    Ok(Opened {
        name,
        kind,
        gzip,
        reader,
        damage,
    })
}

/// Fills the buffer until it holds `n` bytes or the input ends; returns a copy of the head.
fn peek(r: &mut dyn BufRead, n: usize) -> io::Result<Vec<u8>> {
    // BufRead cannot refill a partly filled buffer, so read what fill_buf gives; for small
    // reads (pipes) that may be less than `n`, which is still enough to sniff.
    loop {
        match r.fill_buf() {
            Ok(b) => return Ok(b[..b.len().min(n)].to_vec()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Why `head` is not a text log, or `None` when it is one.
///
/// Known binary formats are named by their magic bytes. Otherwise the judgement is by share:
/// a log may hold a few odd bytes (a NUL run where a crashed writer left a hole, a stray
/// Latin-1 byte), so only when more than one in ten of its non-NUL bytes are control
/// characters or invalid UTF-8 is it taken for binary data. UTF-16 (every other byte NUL)
/// gets its own message, with the command that converts it.
fn not_text(head: &[u8]) -> Option<String> {
    if let Some(format) = known_binary(head) {
        return Some(format!(
            "{format} data (gzip is supported; other archives and binaries are not)"
        ));
    }
    if looks_utf16(head) {
        return Some(
            "UTF-16 text (convert it first: iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8)".to_string(),
        );
    }
    let nul = memchr::memchr_iter(0, head).count();
    let non_nul = head.len() - nul;
    if non_nul == 0 {
        return Some("only NUL bytes".to_string());
    }
    let odd = odd_bytes(head);
    (odd * 10 > non_nul)
        .then(|| "binary data (gzip is supported; other archives are not)".to_string())
}

/// Control bytes other than whitespace, ESC and NUL, plus bytes of invalid UTF-8 (a
/// sequence cut at the end of `head` is not counted).
fn odd_bytes(head: &[u8]) -> usize {
    let control = head
        .iter()
        .filter(|&&b| {
            b < 0x20 && !matches!(b, 0 | b'\n' | b'\r' | b'\t' | 0x1b | 0x0c) || b == 0x7f
        })
        .count();
    let mut invalid = 0;
    let mut chunks = head.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        if !(last && chunk.invalid().len() < 4 && head.len() >= SNIFF) {
            invalid += chunk.invalid().len();
        }
    }
    control + invalid
}

/// Magic numbers of formats people mistake for logs.
fn known_binary(head: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "zip archive"),
        (b"\xfd7zXZ\x00", "xz-compressed"),
        (b"\x28\xb5\x2f\xfd", "zstd-compressed"),
        (b"BZh", "bzip2-compressed"),
        (b"7z\xbc\xaf\x27\x1c", "7-zip archive"),
        (b"\x7fELF", "ELF executable"),
        (b"%PDF-", "PDF"),
        (b"\x89PNG", "PNG image"),
    ];
    MAGIC
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, name)| *name)
        .filter(|name| {
            *name != "bzip2-compressed" || head.get(3).is_some_and(|b| (b'1'..=b'9').contains(b))
        })
}

/// A UTF-16 byte-order mark, or NUL in most of the even or of the odd positions.
fn looks_utf16(head: &[u8]) -> bool {
    if head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff") {
        return true;
    }
    if head.len() < 16 {
        return false;
    }
    let pairs = head.len() / 2;
    let even = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    even.max(odd) * 10 > pairs * 9 && even.min(odd) * 10 < pairs
}

fn io_msg(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_is_judged_by_share_and_magic() {
        assert!(
            not_text(b"\x7fELF\x02\x01\x01\x00\x00")
                .unwrap()
                .contains("ELF")
        );
        assert!(not_text(b"PK\x03\x04\x14\x00").unwrap().contains("zip"));
        assert_eq!(
            not_text(b"=== test session starts ===\n\x1b[31mFAILED\x1b[0m\r\n"),
            None
        );
        // One NUL, or a NUL-filled hole, in a log does not make it binary.
        let mut log = b"tests/test_a.py::test_x PASSED\n".repeat(100);
        log[40] = 0;
        assert_eq!(not_text(&log), None);
        log.extend_from_slice(&[0; 4096]);
        assert_eq!(not_text(&log), None);
        // A stray Latin-1 byte neither.
        assert_eq!(not_text(b"caf\xe9 FAILED tests/test_a.py::test_x\n"), None);
        // Random bytes are binary; control-heavy bytes too.
        let mut x: u32 = 7;
        let random: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8
            })
            .collect();
        assert!(not_text(&random).unwrap().starts_with("binary"));
        assert!(not_text(&[1u8, 2, 3, b'a', 4, 5, 6, b'b'].repeat(10)).is_some());
        assert!(not_text(&[0u8; 100]).unwrap().contains("NUL"));
    }

    #[test]
    fn utf16_is_named() {
        let utf16: Vec<u8> = "FAILED tests/test_a.py::test_x\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(not_text(&utf16).unwrap().contains("UTF-16"));
        let mut bom = vec![0xff, 0xfe];
        bom.extend_from_slice(&utf16);
        assert!(not_text(&bom).unwrap().contains("iconv"));
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn decode(name: &str, bytes: &[u8]) -> (Result<Vec<u8>, String>, Option<String>) {
        let dir = std::env::temp_dir().join(format!("rca-input-{}-{name}", std::process::id()));
        std::fs::write(&dir, bytes).unwrap();
        let out = match open(dir.to_str().unwrap(), 8192) {
            Ok(mut o) => {
                let mut v = Vec::new();
                o.reader.read_to_end(&mut v).unwrap();
                (Ok(v), o.damage.get().map(str::to_string))
            }
            Err(e) => (Err(e.0), None),
        };
        std::fs::remove_file(&dir).unwrap();
        out
    }

    #[test]
    fn damaged_gzip_yields_what_was_decoded() {
        let log: Vec<u8> = (0..20_000)
            .flat_map(|i| format!("tests/test_a.py::test_{i} PASSED\n").into_bytes())
            .collect();
        let gz = gzip(&log);
        let (clean, damage) = decode("clean", &gz);
        assert_eq!(clean.unwrap(), log);
        assert_eq!(damage, None);

        let (cut, damage) = decode("cut", &gz[..gz.len() / 2]);
        let cut = cut.unwrap();
        assert!(
            !cut.is_empty() && log.starts_with(&cut),
            "{} bytes",
            cut.len()
        );
        let damage = damage.unwrap();
        assert!(damage.contains("cut off"), "{damage}");
        assert!(
            damage.contains(&format!("{} byte(s)", cut.len())),
            "{damage}"
        );

        let mut trailing = gz.clone();
        trailing.extend_from_slice(b"garbage after the member\n");
        let (whole, damage) = decode("trailing", &trailing);
        assert_eq!(whole.unwrap(), log);
        assert!(damage.unwrap().contains("trailing bytes"));

        // Two members are one stream, as with `cat a.gz b.gz`.
        let mut two = gz.clone();
        two.extend_from_slice(&gzip(b"more\n"));
        let (both, damage) = decode("two", &two);
        assert_eq!(both.unwrap().len(), log.len() + 5);
        assert_eq!(damage, None);

        // Nothing decodable is an error that says why.
        let (none, _) = decode("header", &gz[..12]);
        assert!(none.unwrap_err().contains("cut off"));
    }
}
