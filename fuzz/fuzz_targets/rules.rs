//! The `--rules` loader (`rca::parse::signatures::SignatureSet::with_rules`) on arbitrary TOML. A set
//! that loads has its examples checked, then a small pytest log made of its own `match`
//! examples (as live-log records and as exception lines of two failing tests) goes through
//! `rca::run::analyze` with that set and every renderer, so user patterns and their named
//! groups reach field extraction.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rca::run::Options;
use rca::parse::signatures::SignatureSet;
use rca_fuzz::recombine::exercise;

/// A two-test pytest log whose failures are `lines`.
fn log_of(lines: &[&str]) -> String {
    let mut log = String::from(
        "============================= test session starts ==============================\n",
    );
    for (t, second) in [("test_one", "00"), ("test_two", "01")] {
        log.push_str(&format!("tests/test_rules.py::{t} \n"));
        for l in lines {
            log.push_str(&format!("2026-11-27 09:50:{second} [  ERROR] app: {l}\n"));
        }
        log.push_str(
            "FAILED                                                                   [ 50%]\n",
        );
    }
    log.push_str(
        "=================================== FAILURES ===================================\n",
    );
    for t in ["test_one", "test_two"] {
        log.push_str(&format!("_____ {t} _____\n"));
        for l in lines {
            log.push_str(&format!("E       {l}\n"));
        }
    }
    log.push_str(
        "=========================== short test summary info ============================\n",
    );
    for t in ["test_one", "test_two"] {
        let first = lines.first().copied().unwrap_or("");
        log.push_str(&format!("FAILED tests/test_rules.py::{t} - {first}\n"));
    }
    log.push_str(
        "============================== 2 failed in 1.00s ===============================\n",
    );
    log
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(sigs) = SignatureSet::with_rules(text, "fuzz.toml") else {
        return;
    };
    let _ = sigs.check_examples();
    let lines: Vec<&str> = sigs
        .signatures()
        .iter()
        .filter(|s| s.spec.source == "fuzz.toml")
        .flat_map(|s| s.spec.match_examples.iter().chain(&s.spec.no_match))
        .flat_map(|l| l.lines())
        .take(32)
        .collect();
    let paths = exercise::write_inputs(rca_fuzz::scratch(), &[log_of(&lines).as_bytes()]);
    let _ = exercise::analyze_and_render(&paths, &sigs, &Options::default());
});
