//! Content sniffing for JUnit XML: whether the first few KiB of an input look like a report
//! (a prolog, then `<testsuites` or `<testsuite`).
//!
//! Not here: opening the input and choosing between log and report ([`crate::ingest::open`]),
//! and parsing the report ([`super::parse_junit`]).

/// Content sniffing: true if `head` (the first few KiB of a file) looks like a JUnit report.
///
/// Accepts an optional UTF-8 BOM and whitespace, then any number of `<?...?>` (including the
/// XML declaration), `<!--...-->` comments and `<!DOCTYPE ...>`, then a `<testsuites` or
/// `<testsuite` start tag (which may be cut off by the end of `head`). Returns false when the
/// prolog does not end within `head`.
pub fn looks_like_junit(head: &[u8]) -> bool {
    let mut s = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    loop {
        s = trim_ascii_ws_start(s);
        if s.starts_with(b"<?") {
            match find(s, b"?>") {
                Some(i) => s = &s[i + 2..],
                None => return false,
            }
        } else if s.starts_with(b"<!--") {
            match find(&s[4..], b"-->") {
                Some(i) => s = &s[4 + i + 3..],
                None => return false,
            }
        } else if s.len() >= 9 && s[..9].eq_ignore_ascii_case(b"<!DOCTYPE") {
            match skip_doctype(s) {
                Some(rest) => s = rest,
                None => return false,
            }
        } else {
            break;
        }
    }
    for tag in [&b"<testsuites"[..], &b"<testsuite"[..]] {
        if let Some(rest) = s.strip_prefix(tag) {
            match rest.first() {
                None => return true,
                Some(b) if b.is_ascii_whitespace() || *b == b'>' || *b == b'/' => return true,
                _ => {}
            }
        }
    }
    false
}

/// Skips a `<!DOCTYPE ...>` declaration (with an optional `[...]` internal subset).
fn skip_doctype(s: &[u8]) -> Option<&[u8]> {
    let mut in_subset = false;
    let mut quote: Option<u8> = None;
    for (i, &b) in s.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'[' => in_subset = true,
                b']' => in_subset = false,
                b'>' if !in_subset => return Some(&s[i + 1..]),
                _ => {}
            },
        }
    }
    None
}

fn trim_ascii_ws_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
