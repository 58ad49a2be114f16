//! Structured fuzzing with realistic logs: the fuzzer's bytes steer the line-recombination
//! generator (`tests/recombine/mod.rs`: samples' tests kept, shuffled, copied under new
//! names, records moved between tests, timestamps re-stamped by a random walk), and the
//! result goes through `rca::run::analyze` and every renderer. Also checks that the report
//! does not depend on the read size (a small buffer against the default one).

#![no_main]

use libfuzzer_sys::fuzz_target;
use rca::run::Options;
use rca::parse::signatures::SignatureSet;
use rca_fuzz::Bytes;
use rca_fuzz::recombine::{Choices, Sample, exercise, generate, load_samples};
use std::sync::LazyLock;

static SIGS: LazyLock<SignatureSet> = LazyLock::new(SignatureSet::builtin);

thread_local! {
    static SAMPLES: Vec<Sample> = load_samples(&rca_fuzz::samples_dir());
}

fuzz_target!(|data: &[u8]| {
    let mut c = Bytes::new(data);
    let generated = SAMPLES.with(|samples| generate(samples, &mut c));
    let chunk = [Options::default().chunk, 13, 4096][c.below(3)];
    let redact = c.below(4) != 0;
    let mut parts: Vec<&[u8]> = vec![&generated.log];
    parts.extend(generated.second_part.as_deref());
    parts.extend(generated.junit.as_deref().map(Vec::as_slice));
    let paths = exercise::write_inputs(rca_fuzz::scratch(), &parts);
    let report = exercise::analyze_and_render(&paths, &SIGS, &Options {
            chunk,
            redact,
            ..Options::default()
        });
    if chunk != Options::default().chunk {
        let plain = rca::run::analyze(
            &paths,
            &SIGS,
            &Options {
                redact,
                ..Options::default()
            },
        )
        .ok()
        .map(|a| rca::report::json::render(&a));
        assert!(
            report == plain,
            "the report depends on the read size ({chunk} bytes vs the default)"
        );
    }
});
