//! What the fuzz targets share: the line-recombination generator and the analyze-and-render
//! exercise (`tests/recombine/`, included by path so that `cargo test` runs the same code),
//! the fuzzer's bytes as a source of the generator's choices, and a per-process scratch
//! directory for the files `rca::run::analyze` reads (it takes paths, not bytes).

#[path = "../../tests/recombine/mod.rs"]
pub mod recombine;

use libfuzzer_sys::arbitrary::Unstructured;
use recombine::{Choices, XorShift};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The generator's choices taken from the fuzzer's bytes; once they run out, from a
/// generator seeded with a hash of them, so that a short input still makes a log whose
/// later decisions (the timestamp walk of hundreds of records) vary, and the same input
/// always makes the same log.
pub struct Bytes<'a> {
    data: Unstructured<'a>,
    rest: XorShift,
}

impl<'a> Bytes<'a> {
    /// Choices from `data`.
    pub fn new(data: &'a [u8]) -> Bytes<'a> {
        // FNV-1a, never 0 (xorshift would stay at 0).
        let hash = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        Bytes {
            data: Unstructured::new(data),
            rest: XorShift(hash | 1),
        }
    }
}

impl Choices for Bytes<'_> {
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        if self.data.is_empty() {
            return self.rest.below(n);
        }
        self.data.int_in_range(0..=n - 1).unwrap_or(0)
    }
}

/// The repository's `samples/`.
pub fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples")
}

/// A directory of this process's own (in `/dev/shm` when there is one), for input files.
/// Each fuzzing process (`-fork`, `-jobs`) gets its own; libFuzzer exits without unwinding,
/// so the directories of processes that are gone are removed here.
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        remove_stale(&base);
        let dir = base.join(format!("rca-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        dir
    })
}

/// Removes `rca-fuzz-PID` directories in `base` whose process no longer runs.
fn remove_stale(base: &Path) {
    if !Path::new("/proc/self").exists() {
        return; // no way to tell which processes run
    }
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("rca-fuzz-")) else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
