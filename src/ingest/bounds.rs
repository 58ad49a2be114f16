//! Bounds on names taken from the input: test ids, JUnit names and URL paths are copied
//! into several report fields and indexes, so a 50 MB "name" must not become 50 MB in each.
//!
//! A name over its bound keeps its head and gets a short hash of the whole name, so two
//! different long names stay different and the same long name is cut the same way
//! wherever it is read (the console log and the JUnit XML agree).
//!
//! Not here: bounds on text the report keeps (JUnit bodies and messages are capped by the JUnit
//! reader, long lines by the line splitter) and deciding which names to bound (the callers).

use std::borrow::Cow;

/// Longest test id, JUnit classname or name kept whole, in bytes.
pub const MAX_ID: usize = 4096;

/// Longest URL path kept whole, in bytes.
pub const MAX_PATH: usize = 1024;

/// `s` if it fits in `max` bytes, else its head, `…` and the CRC-32 of the whole of `s`
/// in hex; the result is at most `max` bytes long.
pub fn cap(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let tail = format!("…#{:08x}", crc32fast::hash(s.as_bytes()));
    let mut end = max.saturating_sub(tail.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}{tail}", &s[..end]))
}

/// [`cap`] for an owned string, without copying one that fits.
pub fn cap_owned(s: String, max: usize) -> String {
    match cap(&s, max) {
        Cow::Borrowed(_) => s,
        Cow::Owned(c) => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_with_a_hash_that_keeps_them_apart() {
        assert_eq!(
            cap("tests/test_a.py::test_x", MAX_ID),
            "tests/test_a.py::test_x"
        );
        let a = format!("test_x[{}a]", "é".repeat(5000));
        let b = format!("test_x[{}b]", "é".repeat(5000));
        let (ca, cb) = (cap(&a, MAX_ID), cap(&b, MAX_ID));
        assert!(ca.len() <= MAX_ID && cb.len() <= MAX_ID);
        assert_ne!(ca, cb);
        assert_eq!(ca, cap(&a, MAX_ID), "the same name is cut the same way");
        assert!(ca.starts_with("test_x[éé") && ca.contains("…#"));
        assert_eq!(cap_owned(a.clone(), MAX_ID), ca);
    }
}
