//! Recombined logs (see `tests/recombine/mod.rs`) never panic the analyzer or a renderer: a
//! fixed series of seeded logs built from the samples' own lines, with fresh timestamps, runs
//! through `rca::run::analyze` and every renderer. The `recombine` fuzz target explores the same
//! space for longer; this is its bounded, deterministic share for `cargo test`, in three shards
//! so that the test threads share the work (about 3 s of wall time in a debug build).
//!
//! With the outage-window fix of issue 10 reverted, seed 18 panics.

mod recombine;

use rca::parse::signatures::SignatureSet;
use rca::run::Options;
use recombine::{Choices, XorShift, exercise, generate, load_samples};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Logs per shard.
const SHARD: u64 = 100;

/// Builds and analyses the logs of seeds `first..first + SHARD`; a panic names its seed and
/// keeps its inputs under `target/tmp/recombined-SEED/`.
fn run_shard(first: u64) {
    let samples = load_samples(&Path::new(env!("CARGO_MANIFEST_DIR")).join("samples"));
    let sigs = SignatureSet::builtin();
    let dir = tempfile::tempdir().unwrap();
    let mut analysed = 0;
    for seed in first..first + SHARD {
        let mut c = XorShift(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let generated = generate(&samples, &mut c);
        let opts = Options {
            chunk: [13, 4096, Options::default().chunk][c.below(3)],
            redact: c.below(4) != 0,
            ..Options::default()
        };
        let mut parts: Vec<&[u8]> = vec![&generated.log];
        parts.extend(generated.second_part.as_deref());
        parts.extend(generated.junit.as_deref().map(Vec::as_slice));
        let paths = exercise::write_inputs(dir.path(), &parts);
        let run = catch_unwind(AssertUnwindSafe(|| {
            exercise::analyze_and_render(&paths, &sigs, &opts)
        }));
        match run {
            Ok(report) => analysed += u64::from(report.is_some()),
            Err(_) => {
                let keep =
                    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("recombined-{seed}"));
                std::fs::create_dir_all(&keep).unwrap();
                for p in &paths {
                    let p = Path::new(p);
                    std::fs::copy(p, keep.join(p.file_name().unwrap())).unwrap();
                }
                panic!(
                    "seed {seed} ({opts:?}) panicked; its inputs are in {}",
                    keep.display()
                );
            }
        }
    }
    // Most recombined logs are still pytest logs; a generator that broke them all tests nothing.
    assert!(
        analysed > SHARD * 3 / 4,
        "only {analysed} of {SHARD} analysed"
    );
}

#[test]
fn recombined_logs_never_panic_seeds_1_to_100() {
    run_shard(1);
}

#[test]
fn recombined_logs_never_panic_seeds_101_to_200() {
    run_shard(101);
}

#[test]
fn recombined_logs_never_panic_seeds_201_to_300() {
    run_shard(201);
}
