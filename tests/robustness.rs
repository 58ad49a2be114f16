//! Damaged and adversarial inputs never panic: random byte flips, truncations, shuffled and
//! spliced lines from real samples, long lines and structural lines out of place all either
//! analyse (with warnings) or fail with an input error.

mod common;

use common::*;
use rca::parse::signatures::SignatureSet;
use rca::run::{Options, analyze};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, src: &[u8]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = src.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    match rng.below(6) {
        0 => {
            // flip random bytes
            let mut data = src.to_vec();
            for _ in 0..200 {
                let i = rng.below(data.len());
                data[i] = rng.next() as u8;
            }
            return data;
        }
        1 => {
            // shuffle a window of lines
            let n = lines.len();
            for _ in 0..n / 4 {
                let (a, b) = (rng.below(n), rng.below(n));
                lines.swap(a, b);
            }
        }
        2 => {
            // drop random lines (structure goes missing)
            lines.retain(|_| rng.below(5) != 0);
        }
        3 => {
            // duplicate structural lines out of place
            let structural: Vec<Vec<u8>> = lines
                .iter()
                .filter(|l| matches!(l.first(), Some(b'=' | b'_' | b'-' | b'E' | b'F')))
                .cloned()
                .collect();
            for _ in 0..50 {
                if structural.is_empty() {
                    break;
                }
                let l = structural[rng.below(structural.len())].clone();
                let at = rng.below(lines.len());
                lines.insert(at, l);
            }
        }
        4 => {
            // cut every line at a random point
            for l in &mut lines {
                let cut = rng.below(l.len() + 1);
                l.truncate(cut);
            }
        }
        _ => {
            // a huge line and stray carriage returns
            let at = rng.below(lines.len());
            lines.insert(at, vec![b'E'; 3 << 20]);
            for l in lines.iter_mut().step_by(3) {
                l.push(b'\r');
            }
        }
    }
    lines.join(&b'\n')
}

#[test]
fn mangled_samples_never_panic() {
    let sigs = SignatureSet::builtin();
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut analysed = 0;
    for name in [
        "seed-urllib3-2",
        "errors-urllib3-1.26",
        "shape-tb-line",
        "httpx",
    ] {
        let src = sample_bytes(&format!("{name}.log"));
        for round in 0..12 {
            let data = mutate(&mut rng, &src);
            let path = dir.path().join(format!("{name}-{round}.log"));
            std::fs::write(&path, &data).unwrap();
            let path = path.to_str().unwrap().to_string();
            for chunk in [13, 1 << 20] {
                let opts = Options {
                    chunk,
                    ..Options::default()
                };
                // Either outcome is fine; a panic fails the test.
                if analyze(std::slice::from_ref(&path), &sigs, &opts).is_ok() {
                    analysed += 1;
                }
            }
        }
    }
    assert!(analysed > 0);
}

#[test]
fn mangled_junit_never_panics() {
    let sigs = SignatureSet::builtin();
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(42);
    let src = sample_bytes("seed-urllib3-2.junit.xml");
    for round in 0..20 {
        let mut data = src.clone();
        match round % 3 {
            0 => data.truncate(rng.below(data.len())),
            1 => {
                for _ in 0..50 {
                    let i = rng.below(data.len());
                    data[i] = rng.next() as u8;
                }
            }
            _ => data
                .splice(0..0, b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>".to_vec())
                .for_each(drop),
        }
        let path = dir.path().join(format!("j{round}.xml"));
        std::fs::write(&path, &data).unwrap();
        let _ = analyze(
            &[path.to_str().unwrap().to_string()],
            &sigs,
            &Options::default(),
        );
    }
}

/// Issue 10: two failed tests of one cause exactly one second apart, plus a response line
/// for the target, once made `outage_windows` ask for an inverted range and exit 101.
#[test]
fn failures_one_second_apart_with_a_response_line_do_not_panic() {
    let log = "\
============================= test session starts ==============================
tests/test_a.py::test_one 
2026-11-27 09:50:00 [ERROR] app: 503 Server Error: Service Unavailable for url: http://127.0.0.1:8080/api/x
FAILED                                                                   [ 50%]
tests/test_a.py::test_two 
2026-11-27 09:50:01 [ERROR] app: 503 Server Error: Service Unavailable for url: http://127.0.0.1:8080/api/x
2026-11-27 09:50:01 [DEBUG] urllib3.connectionpool: http://127.0.0.1:8080 \"GET /api/x HTTP/1.1\" 503 0
FAILED                                                                   [100%]
";
    let v = analyze_json_stdin(&["-"], Some(log.as_bytes().to_vec()));
    let causes = v["root_causes"].as_array().expect("root causes");
    assert_eq!(causes.len(), 1, "{causes:?}");
    let windows = causes[0]["outage_windows"].as_array().unwrap();
    assert_eq!(windows.len(), 1);
    assert_eq!(windows[0]["tests"].as_array().unwrap().len(), 2);
}

/// Urllib3 retry counters are log text: `Retry(total=9223372036854775807)` once overflowed the
/// attempt count of the root-cause analysis (`src/diagnose/checks/timeout.rs`) (exit 101 in debug builds, "Retry allowed
/// -9223372036854775807" in release). Found by the `recombine` fuzz target
/// (`fuzz/regressions/recombine/`).
#[test]
fn a_retry_counter_at_the_integer_limit_does_not_overflow() {
    let log = "\
============================= test session starts ==============================
tests/load/test_job_capacity.py::test_single_job_baseline 
2026-11-27 09:50:36 [WARNING] urllib3.connectionpool: Retrying (Retry(total=9223372036854775807, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ConnectTimeoutError(<HTTPSConnection(host='127.0.0.1', port=54789) at 0x7f84ef669b50>, 'Connection to 127.0.0.1 timed out. (connect timeout=0.5)')': /focus-server/configure
2026-11-27 09:50:39 [  ERROR] src.core.api_client: Request timeout after 2607.07ms for POST https://127.0.0.1:54789/focus-server/configure
FAILED                                                                   [100%]
============================== 1 failed in 3.00s ===============================
";
    let json = json_of_log(log);
    assert!(!json.contains("allowed -"), "{json}");
}

/// A pool size is log text too: `Connection pool size: 4294967295` once overflowed the
/// suggested pool (`p * 2` in `recommend.rs` and `client_config.rs`; exit 101 in debug builds,
/// a wrapped number in release). Found by the `recombine` fuzz target.
#[test]
fn a_pool_size_at_the_integer_limit_does_not_overflow() {
    let log = "\
============================= test session starts ==============================
tests/load/test_job_capacity.py::test_extreme_concurrent_load 
2026-11-27 09:50:42 [WARNING] urllib3.connectionpool: Connection pool is full, discarding connection: 127.0.0.1. Connection pool size: 4294967295
2026-11-27 09:50:43 [  ERROR] src.core.api_client: Request timeout after 2607.07ms for POST https://127.0.0.1:54789/focus-server/configure
FAILED                                                                   [100%]
============================== 1 failed in 3.00s ===============================
";
    let json = json_of_log(log);
    assert!(
        json.contains("4294967295"),
        "the pool size is reported: {json}"
    );
    assert!(!json.contains("pool_maxsize=4294967294"), "{json}");
}

/// The JSON report of `log`, analysed from a file through the library.
fn json_of_log(log: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.log");
    std::fs::write(&path, log).unwrap();
    let a = analyze(
        &[path.to_str().unwrap().to_string()],
        &SignatureSet::builtin(),
        &Options::default(),
    )
    .unwrap();
    rca::report::json::render(&a)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn failed_tests(v: &serde_json::Value) -> Vec<String> {
    v["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["outcome"] == "failed")
        .map(|t| t["nodeid"].as_str().unwrap().to_string())
        .collect()
}

fn warnings(v: &serde_json::Value) -> String {
    v["warnings"].to_string()
}

#[test]
fn damaged_gzip_is_analysed_up_to_the_damage_with_a_warning() {
    let log = sample_bytes("seed-urllib3-2.log");
    let whole = analyze_json(&[samples_dir().join("seed-urllib3-2.log").to_str().unwrap()]);
    let dir = tempfile::tempdir().unwrap();
    let gz = gzip(&log);

    let cut = dir.path().join("cut.log.gz");
    std::fs::write(&cut, &gz[..gz.len() * 6 / 10]).unwrap();
    let v = analyze_json(&[cut.to_str().unwrap()]);
    assert!(
        warnings(&v).contains("the gzip data is cut off"),
        "{}",
        warnings(&v)
    );
    let (part, all) = (failed_tests(&v), failed_tests(&whole));
    assert!(!part.is_empty() && part.len() <= all.len(), "{part:?}");
    assert!(part.iter().all(|t| all.contains(t)), "{part:?}");

    let trailing = dir.path().join("trailing.log.gz");
    let mut bytes = gz.clone();
    bytes.extend_from_slice(b"\0\0\0\0 not gzip\n");
    std::fs::write(&trailing, &bytes).unwrap();
    let v = analyze_json(&[trailing.to_str().unwrap()]);
    assert!(warnings(&v).contains("trailing bytes"), "{}", warnings(&v));
    assert_eq!(v["summary"], whole["summary"]);
    assert_eq!(failed_tests(&v), failed_tests(&whole));
}

#[test]
fn a_log_with_nul_bytes_is_still_a_log_but_an_archive_is_not() {
    let mut log = sample_bytes("seed-urllib3-2.log");
    let whole = analyze_json(&[samples_dir().join("seed-urllib3-2.log").to_str().unwrap()]);
    // A writer that crashed leaves a hole of NULs; one stray NUL sits inside a line.
    let at = log.iter().position(|&b| b == b'\n').unwrap() + 1;
    log.splice(at..at, std::iter::repeat_n(0u8, 2048));
    log.insert(at + 2048 + 5, 0);
    let dir = tempfile::tempdir().unwrap();
    let holed = dir.path().join("holed.log");
    std::fs::write(&holed, &log).unwrap();
    let v = analyze_json(&[holed.to_str().unwrap()]);
    assert_eq!(failed_tests(&v), failed_tests(&whole));

    let zip = dir.path().join("logs.zip");
    let mut bytes = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
    bytes.extend_from_slice(&log[..4096]);
    std::fs::write(&zip, &bytes).unwrap();
    let out = rca().arg("analyze").arg(&zip).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("zip archive data"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn a_test_id_too_long_to_keep_is_one_test_in_the_log_and_the_xml() {
    let param = "p".repeat(20_000);
    let id = format!("tests/test_a.py::test_p[{param}]");
    let log = format!(
        "============================= test session starts ==============================\n\
         collected 2 items\n\n\
         {id} FAILED                                     [ 50%]\n\
         tests/test_a.py::test_q PASSED                                     [100%]\n\n\
         =========================== short test summary info ============================\n\
         FAILED {id} - requests.exceptions.ConnectTimeout: HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: /{param} (Caused by ConnectTimeoutError(None, 'Connection to 127.0.0.1 timed out. (connect timeout=1)'))\n\
         ========================= 1 failed, 1 passed in 1.00s ==========================\n"
    );
    let xml = format!(
        "<testsuites><testsuite tests=\"2\" failures=\"1\"><testcase classname=\"tests.test_a\" name=\"test_p[{param}]\" time=\"1.0\"><failure message=\"requests.exceptions.ConnectTimeout\">boom</failure></testcase><testcase classname=\"tests.test_a\" name=\"test_q\" time=\"0.1\"/></testsuite></testsuites>"
    );
    let dir = tempfile::tempdir().unwrap();
    let (l, x) = (dir.path().join("run.log"), dir.path().join("run.xml"));
    std::fs::write(&l, &log).unwrap();
    std::fs::write(&x, &xml).unwrap();
    let v = analyze_json(&[l.to_str().unwrap(), x.to_str().unwrap()]);
    assert_eq!(v["summary"]["total"], 2, "{}", v["summary"]);
    assert_eq!(v["summary"]["failed"], 1);
    let failed = failed_tests(&v);
    assert_eq!(failed.len(), 1);
    assert!(failed[0].len() <= rca::ingest::bounds::MAX_ID && failed[0].contains("…#"));
    let json = v.to_string();
    assert!(json.len() < 200_000, "{} bytes of JSON", json.len());
    assert!(
        !json.contains(&param),
        "the whole parameter is not copied into the report"
    );
}
