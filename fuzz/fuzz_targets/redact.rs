//! The redactor (`rca::redact`) on arbitrary text: never panics, borrows when nothing changes,
//! masks what it changes, is idempotent, and `Redactor` agrees with `redact`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rca::redact::{Key, MASK_PREFIX, Redactor, redact};
use std::borrow::Cow;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let out = redact(&text);
    if matches!(out, Cow::Owned(_)) {
        assert!(out.contains(MASK_PREFIX), "changed without a mask: {out:?}");
    }
    assert_eq!(redact(&out), out, "redacting twice changes nothing");
    assert_eq!(Redactor::new(true, Key::builtin()).apply(&text), out);
    assert_eq!(Redactor::new(false, Key::builtin()).apply(&text), text);
});
