//! What log text may do to the reader's screen or page: nothing. Every printer passes the
//! strings it takes from logs (and from JUnit character references) through this module once.
//!
//! Characters that move the cursor, ring the bell, rewrite the title, erase the screen, reorder
//! or hide text are shown by their code point instead: `<U+001B>` in text, Markdown and
//! HTML, and the `\u001b` escape in JSON, whose decoded strings stay exactly what the log
//! said (serde already escapes C0 controls; this adds the rest). The set ([`is_hidden`]):
//! C0 controls but the line feed (a CR right before a line feed is dropped), DEL and C1
//! (U+0080–U+009F, e.g. U+009B, a one-byte CSI), the bidirectional controls (U+061C,
//! U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), zero-width and invisible characters
//! (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+FFF9–U+FFFB, tag characters U+E0000–U+E007F)
//! and the line and paragraph separators (U+2028, U+2029).
//!
//! Escaping for a format's own syntax (Markdown punctuation, HTML entities) is the printer's;
//! [`Escaper`] carries one printer's choice for each place a string lands.
//! Redacting secrets is not done here either ([`crate::redact`]).

use std::borrow::Cow;

/// True for a character that must not reach a terminal or page as itself.
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\0'..='\x09' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}' | '\u{e0000}'..='\u{e007f}')
}

/// `text` with every hidden character shown as `<U+XXXX>`; borrows when there is none.
pub fn visible(text: &str) -> Cow<'_, str> {
    let plain = text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\n');
    if plain || !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if is_hidden(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`visible`], owned (for [`Escaper`] slots).
pub fn visible_owned(text: &str) -> String {
    visible(text).into_owned()
}

/// A serialised JSON document with every hidden character that serde left raw written as a
/// `\uXXXX` escape (a surrogate pair above U+FFFF). Outside strings a JSON document is
/// ASCII without such characters, so this only touches string contents.
pub fn json(doc: String) -> String {
    if !doc.chars().any(is_hidden_in_json) {
        return doc;
    }
    let mut out = String::with_capacity(doc.len() + 32);
    for c in doc.chars() {
        if is_hidden_in_json(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{:04x}", u));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// One string fragment as serde_json writes it, with the characters [`json`] escapes
/// escaped (for a streaming serializer).
pub fn json_fragment(fragment: &str) -> std::borrow::Cow<'_, str> {
    // Below DEL nothing is hidden (serde escapes C0 itself): checked a word at a time
    // before any character is decoded.
    if all_below_del(fragment.as_bytes()) {
        return std::borrow::Cow::Borrowed(fragment);
    }
    if fragment.chars().any(is_hidden_in_json) {
        std::borrow::Cow::Owned(json(fragment.to_string()))
    } else {
        std::borrow::Cow::Borrowed(fragment)
    }
}

/// Whether every byte is below DEL (0x7F), eight at a time: a byte `b` is below DEL
/// exactly when neither `b` nor `b + 1` has its high bit set. Adding 1 carries into the
/// next byte only out of 0xFF, which is itself flagged, so the word's answer is exact.
fn all_below_del(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut words = bytes.chunks_exact(8);
    let mut flags = 0u64;
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().unwrap_or([0xff; 8]));
        flags |= w | w.wrapping_add(ONES);
    }
    flags & HIGH == 0 && words.remainder().iter().all(|b| *b < 0x7f)
}

/// Hidden characters as they can appear raw in serde's output (it escapes C0 itself; the
/// line feeds and spaces of pretty-printing are structure).
fn is_hidden_in_json(c: char) -> bool {
    c >= '\x7f' && is_hidden(c)
}

/// How one format escapes a log-derived string in each place the report puts one.
#[derive(Clone, Copy)]
pub struct Escaper {
    /// Prose and table cells.
    pub text: fn(&str) -> String,
    /// Inside an inline code span whose delimiters the template writes.
    pub code: fn(&str) -> String,
    /// A whole inline code span in prose (test names, URLs), delimiters included: for
    /// Markdown a backtick fence longer than any backtick run inside, so the text is kept
    /// as it is (no entity, no substitution).
    pub span: fn(&str) -> String,
    /// A whole inline code span in a table cell, where `|` must be written `\|`.
    pub span_in_cell: fn(&str) -> String,
    /// Inside a code block or `<pre>` (sample lines, code snippets).
    pub block: fn(&str) -> String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_check_finds_every_byte_from_del_up_at_every_position() {
        for len in 0..20 {
            let base = vec![b'a'; len];
            assert!(all_below_del(&base));
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut v = base.clone();
                    v[at] = b;
                    assert_eq!(all_below_del(&v), b < 0x7f, "len {len} at {at} byte {b:#x}");
                    // A 0xFF before it (its +1 carries into this byte) is itself flagged.
                    if at > 0 {
                        v[at - 1] = 0xff;
                        assert!(!all_below_del(&v));
                    }
                }
            }
        }
    }

    #[test]
    fn controls_and_bidi_are_shown_not_obeyed() {
        assert_eq!(visible("a\x1b]0;pwned\x07b"), "a<U+001B>]0;pwned<U+0007>b");
        assert_eq!(
            visible("\x1b[2J\x08\x7f\u{9b}"),
            "<U+001B>[2J<U+0008><U+007F><U+009B>"
        );
        assert_eq!(visible("test_\u{202e}gnp.exe"), "test_<U+202E>gnp.exe");
        assert_eq!(
            visible("x\u{2066}y\u{200f}\u{061c}"),
            "x<U+2066>y<U+200F><U+061C>"
        );
        assert_eq!(visible("tag\u{e0041}"), "tag<U+E0041>");
        assert_eq!(visible("over\rwrite"), "over<U+000D>write");
        assert_eq!(visible("crlf\r\nline"), "crlf\nline");
        assert_eq!(visible("tab\there"), "tab<U+0009>here");
    }

    #[test]
    fn ordinary_text_is_borrowed() {
        for s in ["plain ascii", "two\nlines", "עברית · ×3 → ▁█ é"] {
            assert!(matches!(visible(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn json_keeps_the_data_and_escapes_the_bytes() {
        let doc = serde_json::to_string(&serde_json::json!({
            "id": "t[\u{202e}x]", "m": "\x1b[2J\u{9b}", "tag": "\u{e0041}", "he": "עברית"
        }))
        .unwrap();
        let safe = json(doc);
        assert!(safe.is_ascii() || safe.contains("עברית"));
        assert!(!safe.chars().any(|c| c != '\n' && is_hidden(c)), "{safe}");
        assert!(
            safe.contains("\\u202e") && safe.contains("\\u009b"),
            "{safe}"
        );
        assert!(safe.contains("\\udb40\\udc41"), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["id"], "t[\u{202e}x]");
        assert_eq!(back["m"], "\x1b[2J\u{9b}");
        assert_eq!(back["tag"], "\u{e0041}");
    }
}
