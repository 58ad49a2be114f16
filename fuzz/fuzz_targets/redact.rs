//! The redactor (`rca::redact`) on arbitrary text: never panics, borrows when nothing changes,
//! and `Redactor` agrees with `redact`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rca::redact::{Redactor, redact};
use std::borrow::Cow;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let out = redact(&text);
    if matches!(out, Cow::Owned(_)) {
        assert!(
            out.contains(rca::redact::MASK),
            "changed without a mask: {out:?}"
        );
    }
    assert_eq!(Redactor { enabled: true }.apply(&text), out);
    assert_eq!(Redactor { enabled: false }.apply(&text), text);
});
