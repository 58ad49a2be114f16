//! A streaming filter in front of the XML reader that cuts overlong runs of character data
//! (text, attribute values, CDATA sections, comments) while the bytes flow, so that a
//! 500 MB `<failure>` body or a 50 MB `name="..."` is never buffered whole: the XML reader
//! buffers one event at a time, and an event can then be at most a run's bound.
//!
//! The markup itself passes unchanged, so the document stays well-formed: a cut text run
//! still ends at its `<`, a cut attribute value at its quote, a cut section at its `]]>`
//! or `-->`. Cuts fall on UTF-8 character boundaries (the input is valid UTF-8, repaired
//! upstream). A cut entity reference (`&am`) is read as dangling text, which the JUnit
//! reader allows. What this filter does not own: deciding how much text the report keeps
//! (the JUnit reader caps that far lower) or repairing UTF-8.

use std::io::{self, BufRead, Read};

/// Bounds on each kind of run, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Text between markup, and CDATA sections.
    pub text: usize,
    /// One attribute value.
    pub attribute: usize,
}

/// Where in the markup the last byte left the scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Character data between tags.
    Text,
    /// Just after `<`.
    Open,
    /// After `<!`, having matched `n` bytes of `--` or of `[CDATA[`.
    Bang { n: u8, cdata: bool },
    /// Inside a tag, declaration or processing instruction, outside quotes.
    Tag,
    /// Inside a quoted attribute value.
    Value(u8),
    /// Inside `<!-- ... -->`; `tail` counts the trailing `-` seen.
    Comment { tail: u8 },
    /// Inside `<![CDATA[ ... ]]>`; `tail` counts the trailing `]` seen.
    Cdata { tail: u8 },
}

/// The filter: reads `inner`, yields the same XML with overlong runs cut.
pub struct CapRuns<R> {
    inner: R,
    bounds: Bounds,
    state: State,
    /// Length of the current run, in bytes.
    run: usize,
    out: Vec<u8>,
    pos: usize,
    /// Bytes and newlines dropped so far (to keep reported positions and lines right).
    dropped_bytes: u64,
    dropped_newlines: u64,
    /// True once any run was cut.
    cut: bool,
    /// True while the bytes of a dropped character are being dropped.
    dropping: bool,
}

impl<R: BufRead> CapRuns<R> {
    pub fn new(inner: R, bounds: Bounds) -> Self {
        CapRuns {
            inner,
            bounds,
            state: State::Text,
            run: 0,
            out: Vec::new(),
            pos: 0,
            dropped_bytes: 0,
            dropped_newlines: 0,
            cut: false,
            dropping: false,
        }
    }

    /// Bytes dropped so far.
    pub fn dropped_bytes(&self) -> u64 {
        self.dropped_bytes
    }

    /// Newlines among the dropped bytes.
    pub fn dropped_newlines(&self) -> u64 {
        self.dropped_newlines
    }

    /// True once a run was cut.
    pub fn was_cut(&self) -> bool {
        self.cut
    }

    /// The bound of the run the scanner is in, if it is a run of character data.
    fn bound(&self) -> Option<usize> {
        match self.state {
            State::Text | State::Cdata { .. } | State::Comment { .. } => Some(self.bounds.text),
            State::Value(_) => Some(self.bounds.attribute),
            State::Open | State::Bang { .. } | State::Tag => None,
        }
    }

    /// Moves the scanner past `b`; true when `b` ends the current run of data.
    fn step(&mut self, b: u8) -> bool {
        let (next, ends) = match self.state {
            State::Text => match b {
                b'<' => (State::Open, true),
                _ => (State::Text, false),
            },
            State::Open => match b {
                b'!' => (State::Bang { n: 0, cdata: false }, false),
                _ => (State::Tag, false),
            },
            State::Bang { n, cdata } => bang(n, cdata, b),
            State::Tag => match b {
                b'"' | b'\'' => (State::Value(b), false),
                b'>' => (State::Text, false),
                _ => (State::Tag, false),
            },
            State::Value(q) if b == q => (State::Tag, true),
            State::Value(q) => (State::Value(q), false),
            State::Comment { tail } => match (b, tail) {
                (b'>', 2..) => (State::Text, true),
                (b'-', _) => (
                    State::Comment {
                        tail: (tail + 1).min(2),
                    },
                    false,
                ),
                _ => (State::Comment { tail: 0 }, false),
            },
            State::Cdata { tail } => match (b, tail) {
                (b'>', 2..) => (State::Text, true),
                (b']', _) => (
                    State::Cdata {
                        tail: (tail + 1).min(2),
                    },
                    false,
                ),
                _ => (State::Cdata { tail: 0 }, false),
            },
        };
        let entered = next != self.state
            && matches!(self.state, State::Tag | State::Open | State::Bang { .. });
        self.state = next;
        ends || entered
    }

    /// Appends the kept part of `data` to `out`.
    fn filter(&mut self, data: &[u8]) {
        let mut i = 0;
        while i < data.len() {
            if self.state == State::Text {
                i = self.text_run(data, i);
                if i == data.len() {
                    break;
                }
            }
            self.byte(data[i]);
            i += 1;
        }
    }

    /// The fast path for character data: keeps or drops `data[i..]` up to the next `<`
    /// in bulk; returns where that `<` (or the end of `data`) is.
    fn text_run(&mut self, data: &[u8], i: usize) -> usize {
        let end = memchr::memchr(b'<', &data[i..]).map_or(data.len(), |j| i + j);
        let room = self.bounds.text.saturating_sub(self.run);
        let mut keep = (end - i).min(room);
        if keep < end - i {
            // Finish a character begun inside the bound (or left from the last chunk).
            while i + keep < end && is_continuation(data[i + keep]) && !(keep == 0 && self.dropping)
            {
                keep += 1;
            }
        }
        self.out.extend_from_slice(&data[i..i + keep]);
        self.run += keep;
        let dropped = &data[i + keep..end];
        if !dropped.is_empty() {
            self.cut = true;
            self.dropping = true;
            self.run = self.run.max(self.bounds.text);
            self.dropped_bytes += dropped.len() as u64;
            self.dropped_newlines += memchr::memchr_iter(b'\n', dropped).count() as u64;
        }
        end
    }

    /// The slow path: one byte of markup, or of a run other than text.
    fn byte(&mut self, b: u8) {
        let before = self.state;
        let limit = self.bound();
        if self.step(b) {
            self.run = 0;
            self.dropping = false;
            self.out.push(b);
            return;
        }
        match limit {
            Some(limit) if self.run >= limit => {
                // Over the bound: keep only the rest of a character begun inside it and
                // what may belong to the run's terminator.
                let keep = if is_continuation(b) {
                    !self.dropping
                } else {
                    terminating(before, b)
                };
                if keep {
                    self.out.push(b);
                } else {
                    self.dropping = true;
                    self.cut = true;
                    self.dropped_bytes += 1;
                    self.dropped_newlines += u64::from(b == b'\n');
                }
            }
            Some(_) => {
                self.run += 1;
                self.out.push(b);
            }
            None => self.out.push(b),
        }
    }
}

/// Whether `b`, met in `state` after a run's bound, may be part of the run's terminator
/// (`]]>`, `-->`): at most two such bytes in a row are kept, enough to see the end.
fn terminating(state: State, b: u8) -> bool {
    matches!(
        (state, b),
        (State::Comment { tail: 0 | 1 }, b'-') | (State::Cdata { tail: 0 | 1 }, b']')
    )
}

fn is_continuation(b: u8) -> bool {
    (0x80..0xC0).contains(&b)
}

/// After `<!`: `--` opens a comment, `[CDATA[` a CDATA section, anything else is a
/// declaration (scanned like a tag).
fn bang(n: u8, cdata: bool, b: u8) -> (State, bool) {
    const COMMENT: &[u8] = b"--";
    const CDATA: &[u8] = b"[CDATA[";
    let (pattern, is_cdata) = match (n, cdata) {
        (0, _) if b == b'[' => (CDATA, true),
        (0, _) => (COMMENT, false),
        (_, c) => (if c { CDATA } else { COMMENT }, c),
    };
    if pattern.get(n as usize) != Some(&b) {
        return match b {
            b'>' => (State::Text, false),
            _ => (State::Tag, false),
        };
    }
    let n = n + 1;
    if n as usize == pattern.len() {
        let state = if is_cdata {
            State::Cdata { tail: 0 }
        } else {
            State::Comment { tail: 0 }
        };
        return (state, false);
    }
    (State::Bang { n, cdata: is_cdata }, false)
}

impl<R: BufRead> Read for CapRuns<R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, dst)
    }
}

/// `Read::read` for a `BufRead` adapter whose buffer is its output: copies from
/// `fill_buf` and consumes what was copied.
pub(crate) fn read_buffered<R: BufRead>(r: &mut R, dst: &mut [u8]) -> io::Result<usize> {
    let src = r.fill_buf()?;
    let n = src.len().min(dst.len());
    dst[..n].copy_from_slice(&src[..n]);
    r.consume(n);
    Ok(n)
}

impl<R: BufRead> BufRead for CapRuns<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.out.len() {
            self.out.clear();
            self.pos = 0;
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                break;
            }
            let chunk = chunk.to_vec();
            self.inner.consume(chunk.len());
            self.filter(&chunk);
        }
        Ok(&self.out[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.out.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filtered(xml: &str, text: usize, attribute: usize, chunk: usize) -> (String, u64) {
        let reader = io::BufReader::with_capacity(chunk, xml.as_bytes());
        let mut f = CapRuns::new(reader, Bounds { text, attribute });
        let mut out = String::new();
        f.read_to_string(&mut out).unwrap();
        (out, f.dropped_newlines())
    }

    #[test]
    fn short_runs_pass_unchanged() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE x><a b="1>2" c='q'><!-- c --><![CDATA[<x>]]>text &amp; more</a>"#;
        for chunk in [1, 3, 4096] {
            assert_eq!(filtered(xml, 64, 64, chunk).0, xml);
        }
    }

    #[test]
    fn long_runs_are_cut_but_markup_is_kept() {
        let body = "line\n".repeat(1000);
        let xml = format!(
            r#"<a name="{}"><f>{body}</f><![CDATA[{body}]]><!--{body}--><g>é{}</g></a>"#,
            "n".repeat(500),
            "é".repeat(100)
        );
        for chunk in [1, 7, 8192] {
            let (out, newlines) = filtered(&xml, 16, 32, chunk);
            let kept = "line\nline\nline\nl";
            let expected = format!(
                r#"<a name="{}"><f>{kept}</f><![CDATA[{kept}]]><!--{kept}--><g>éééééééé</g></a>"#,
                "n".repeat(32)
            );
            assert_eq!(out, expected, "chunk {chunk}");
            assert_eq!(newlines, 3 * (1000 - 3));
        }
    }

    #[test]
    fn brackets_and_dashes_inside_sections_do_not_end_them_early() {
        let xml = "<a><![CDATA[x]] ]>y]]]><!-- a - b -- c --></a>";
        assert_eq!(filtered(xml, 1000, 1000, 1).0, xml);
        let cut = filtered("<a><![CDATA[abcdef]]]]]]]]]]]]]]]]]]]]>]]></a>", 3, 3, 1).0;
        assert_eq!(cut, "<a><![CDATA[abc]]>]]></a>");
    }

    /// The elements of a document, by name, as quick-xml reads them.
    fn elements(xml: &[u8], bounds: Option<Bounds>) -> Vec<String> {
        let inner = io::BufReader::with_capacity(5, xml);
        let mut reader: Box<dyn BufRead> = match bounds {
            Some(b) => Box::new(io::BufReader::new(CapRuns::new(inner, b))),
            None => Box::new(inner),
        };
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).unwrap();
        let mut xml = quick_xml::Reader::from_reader(bytes.as_slice());
        xml.config_mut().check_end_names = true;
        xml.config_mut().allow_dangling_amp = true;
        let mut names = Vec::new();
        loop {
            match xml.read_event().expect("still well-formed") {
                quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                    names.push(e.name().as_ref().to_string());
                }
                quick_xml::events::Event::Eof => return names,
                _ => {}
            }
        }
    }

    #[test]
    fn real_reports_stay_well_formed_with_tiny_bounds() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if !path.to_string_lossy().ends_with(".junit.xml") {
                continue;
            }
            let xml = std::fs::read(&path).unwrap();
            let whole = elements(&xml, None);
            for (text, attribute) in [(1, 1), (3, 2), (40, 7)] {
                let cut = elements(&xml, Some(Bounds { text, attribute }));
                assert_eq!(
                    cut,
                    whole,
                    "{} with bounds {text}/{attribute}",
                    path.display()
                );
            }
            seen += 1;
        }
        assert!(seen >= 3, "samples/*.junit.xml");
    }
}
