//! Opening inputs: files or stdin, transparently gunzipped (detected by magic bytes), and
//! sniffed for what they are: a pytest console log, a JUnit XML report, or something rca
//! cannot read (binary data, an empty file). Nothing is read into memory beyond a peek.

use flate2::bufread::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

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
    let mut reader: Box<dyn BufRead + Send> = if gzip {
        Box::new(BufReader::with_capacity(buf, MultiGzDecoder::new(outer)))
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
        return Err(InputError(format!(
            "{name}: empty input, nothing to analyse"
        )));
    }
    let kind = if crate::junit::looks_like_junit(&head) {
        InputKind::Junit
    } else if looks_binary(&head) {
        return Err(InputError(format!(
            "{name}: binary data, not a pytest log (gzip is supported; other archives are not)"
        )));
    } else {
        InputKind::Console
    };
    Ok(Opened {
        name,
        kind,
        gzip,
        reader,
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

/// NUL bytes, or mostly control bytes, mean binary. UTF-16 logs are not supported.
fn looks_binary(head: &[u8]) -> bool {
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x1b | 0x0c))
        .count();
    control * 10 > head.len()
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
    fn binary_detection() {
        assert!(looks_binary(b"\x7fELF\x02\x01\x01\x00\x00"));
        assert!(!looks_binary(
            b"=== test session starts ===\n\x1b[31mFAILED\x1b[0m\r\n"
        ));
    }
}
