//! Text as the JUnit reader keeps it: bodies capped at [`MAX_TEXT_BYTES`] with a marker,
//! short values (names, hosts) capped at 1 KiB, entity references resolved, and snippets
//! of input quoted in messages.
//!
//! Not here: cutting overlong runs before the XML reader buffers them ([`super::xmlcap`]) and
//! bounding test names ([`crate::ingest::bounds`]).

use super::MAX_TEXT_BYTES;
use quick_xml::events::BytesRef;

/// Marker appended to text that was cut at [`MAX_TEXT_BYTES`].
pub(super) const TRUNCATION_MARKER: &str = "\n[... truncated by rca: text exceeded 64 KiB]";

/// Text capped at [`MAX_TEXT_BYTES`].
#[derive(Debug, Default)]
pub(super) struct CappedText {
    text: String,
    overflow: bool,
}

impl CappedText {
    pub(super) fn push(&mut self, s: &str) {
        if self.overflow {
            return;
        }
        let room = MAX_TEXT_BYTES - self.text.len();
        if s.len() <= room {
            self.text.push_str(s);
        } else {
            self.text.push_str(&s[..floor_char_boundary(s, room)]);
            self.overflow = true;
        }
    }

    pub(super) fn finish(self) -> Option<String> {
        let CappedText { mut text, overflow } = self;
        if overflow {
            let keep = floor_char_boundary(&text, MAX_TEXT_BYTES - TRUNCATION_MARKER.len());
            text.truncate(keep);
            text.push_str(TRUNCATION_MARKER);
        }
        if text.trim().is_empty() {
            None
        } else {
            Some(text)
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(super) fn cap(s: String) -> String {
    if s.len() <= MAX_TEXT_BYTES {
        return s;
    }
    let mut t = CappedText::default();
    t.push(&s);
    t.finish().unwrap_or_default()
}

/// Names, values and host names are kept to 1 KiB.
pub(super) fn cap_short(s: String) -> String {
    const MAX: usize = 1024;
    if s.len() <= MAX {
        return s;
    }
    let end = floor_char_boundary(&s, MAX);
    format!("{}…", &s[..end])
}

/// Resolves a predefined entity or character reference; `None` for anything else.
pub(super) fn resolve_ref(r: &BytesRef<'_>) -> Option<String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c.to_string()),
        Ok(None) => quick_xml::escape::resolve_predefined_entity(r).map(str::to_owned),
        Err(_) => None,
    }
}

/// At most 80 characters of `s`, for messages.
pub(super) fn snippet(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if s.chars().nth(80).is_some() {
        out.push('…');
    }
    out
}
