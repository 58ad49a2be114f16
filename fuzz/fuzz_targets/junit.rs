//! The JUnit XML parser (`rca::ingest::junit::parse_junit`) on arbitrary bytes, read through a small
//! buffer so that events straddle refills; a parsed run's node-id lookups are exercised too.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::BufReader;

fuzz_target!(|data: &[u8]| {
    let run = match rca::ingest::junit::parse_junit(BufReader::with_capacity(7, data)) {
        Ok(run) => run,
        Err(e) => match e.into_partial() {
            Some(run) => run,
            None => return,
        },
    };
    for case in run.cases.iter().take(64) {
        let guess = case.nodeid_guess();
        let _ = case.matches_nodeid(&guess);
        let _ = run.find_nodeid(&guess);
        let _ = rca::ingest::junit::junit_address(&guess);
    }
});
