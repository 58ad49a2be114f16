//! Byte-level fuzzing of the console analyzer: arbitrary bytes (one to three inputs: console
//! logs, gzip, JUnit XML) through `rca::run::analyze` and every renderer.
//!
//! Input layout: the first byte picks the options (bits 0-1: read size 13 / 64 / 4096 /
//! default; bit 2: `--no-redact`); the rest is split into inputs at each `\0--\0`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rca::parse::signatures::SignatureSet;
use rca::run::{Options, ReadAhead};
use rca_fuzz::recombine::exercise;
use std::sync::LazyLock;

static SIGS: LazyLock<SignatureSet> = LazyLock::new(SignatureSet::builtin);

/// Separates inputs in one fuzz case.
const SPLIT: &[u8] = b"\0--\0";

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let opts = Options {
        chunk: [13, 64, 4096, Options::default().chunk][usize::from(flags & 3)],
        redact: flags & 4 == 0,
        read_ahead: [ReadAhead::WhileBehind, ReadAhead::Always, ReadAhead::Never]
            [usize::from(flags >> 3 & 3) % 3],
        ..Options::default()
    };
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut rest = rest;
    while parts.len() < 2 {
        match rest.windows(SPLIT.len()).position(|w| w == SPLIT) {
            Some(i) => {
                parts.push(&rest[..i]);
                rest = &rest[i + SPLIT.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    let paths = exercise::write_inputs(rca_fuzz::scratch(), &parts);
    let _ = exercise::analyze_and_render(&paths, &SIGS, &opts);
});
