//! Every real sample log against its oracle (`samples/*.expected.json`, written by the
//! generator from pytest's own outcomes and the failure each test was designed to provoke),
//! and every sample through every input path.

mod common;

use common::*;
use flate2::{Compression, write::GzEncoder};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Write;

const COUNTS: [&str; 7] = [
    "total", "passed", "failed", "errors", "skipped", "xfailed", "xpassed",
];

fn str_set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Compares one analysis with its oracle; returns the differences.
fn differences(name: &str, got: &Value, want: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    for k in COUNTS {
        if got["summary"][k] != want["summary"][k] {
            diffs.push(format!(
                "summary.{k}: got {} want {}",
                got["summary"][k], want["summary"][k]
            ));
        }
    }
    let tests: Vec<&Value> = got["tests"].as_array().unwrap().iter().collect();
    // pytest folds skips into `SKIPPED [n] path:line: reason` without naming the tests:
    // such entries stand for skipped tests of that file that the oracle names.
    let is_folded_skip = |t: &&Value| {
        let id = t["nodeid"].as_str().unwrap_or("");
        !id.contains("::")
            && id
                .rsplit_once(':')
                .is_some_and(|(p, l)| p.ends_with(".py") && l.bytes().all(|b| b.is_ascii_digit()))
    };
    let named = tests.iter().filter(|t| !is_folded_skip(t)).count() as u64;
    let named_all = Some(named) == got["summary"]["total"].as_u64();
    for (nodeid, w) in want["tests"].as_object().unwrap() {
        let Some(g) = tests.iter().find(|t| t["nodeid"] == nodeid.as_str()) else {
            // Without -v, pytest never names passing, skipped or xfail tests.
            let outcome = w["outcome"].as_str().unwrap();
            let failing = matches!(outcome, "failed" | "error");
            if failing || named_all {
                diffs.push(format!("{name}: test {nodeid} ({outcome}) not found"));
            }
            continue;
        };
        if g["outcome"] != w["outcome"] {
            diffs.push(format!(
                "{nodeid}: outcome {} want {}",
                g["outcome"], w["outcome"]
            ));
        }
        let optional = str_set(&w["optional_categories"]);
        let got_c: BTreeSet<_> = str_set(&g["categories"])
            .difference(&optional)
            .cloned()
            .collect();
        let want_c: BTreeSet<_> = str_set(&w["categories"])
            .difference(&optional)
            .cloned()
            .collect();
        if got_c != want_c {
            diffs.push(format!("{nodeid}: categories {got_c:?} want {want_c:?}"));
        }
    }
    for t in &tests {
        let id = t["nodeid"].as_str().unwrap();
        if is_folded_skip(t) {
            let file = id.rsplit_once(':').unwrap().0;
            let skipped_there = want["tests"].as_object().unwrap().iter().any(|(n, w)| {
                (n == file || n.starts_with(&format!("{file}::"))) && w["outcome"] == "skipped"
            });
            if t["outcome"] != "skipped" || !skipped_there {
                diffs.push(format!("unexpected folded skip {id}"));
            }
        } else if want["tests"].get(id).is_none() {
            diffs.push(format!("unexpected test {id}"));
        }
    }
    diffs
}

#[test]
fn every_sample_matches_its_oracle() {
    let mut all = Vec::new();
    for name in sample_names() {
        let log = samples_dir().join(sample_input(&name));
        let got = analyze_json(&[log.to_str().unwrap()]);
        let want: Value =
            serde_json::from_slice(&sample_bytes(&format!("{name}.expected.json"))).unwrap();
        for d in differences(&name, &got, &want) {
            all.push(format!("{name}: {d}"));
        }
    }
    assert!(
        all.is_empty(),
        "{} differences:\n{}",
        all.len(),
        all.join("\n")
    );
}

#[test]
fn category_events_add_up_over_tests_and_session() {
    for name in sample_names() {
        let log = samples_dir().join(sample_input(&name));
        let got = analyze_json(&[log.to_str().unwrap()]);
        for c in got["categories"].as_array().unwrap() {
            let id = c["id"].as_str().unwrap();
            let per_tests: u64 = got["tests"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|t| t["category_events"][id].as_u64())
                .sum();
            let session = c["session_events"].as_u64().unwrap();
            assert_eq!(
                c["events"].as_u64().unwrap(),
                per_tests + session,
                "{name}: {id}"
            );
            let from_groups: u64 = got["events"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["category"] == id || e["cause"] == id)
                .map(|e| e["count"].as_u64().unwrap())
                .sum();
            assert_eq!(c["events"].as_u64().unwrap(), from_groups, "{name}: {id}");
        }
    }
}

/// The path and values of the first difference between two JSON values.
fn first_difference(path: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                let p = format!("{path}.{k}");
                match (x.get(k.as_str()), y.get(k.as_str())) {
                    (Some(u), Some(v)) => first_difference(&p, u, v),
                    _ => Some(format!("{p}: present in one only")),
                }
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(&format!("{path}[{i}]"), p, q)),
        _ if a == b => None,
        _ => {
            let short = |v: &Value| v.to_string().chars().take(300).collect::<String>();
            Some(format!("{path}: {} vs {}", short(a), short(b)))
        }
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn crlf(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 40);
    for &b in data {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

#[test]
fn every_input_path_gives_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    for name in sample_names() {
        let file = sample_input(&name);
        let raw = sample_bytes(&file);
        let plain = samples_dir().join(&file);
        let plain = plain.to_str().unwrap();
        let baseline = comparable(analyze_json(&[plain]));

        let gz = dir.path().join(format!("{name}.log.gz"));
        std::fs::write(&gz, gzip(&raw)).unwrap();
        let crlf_path = dir.path().join(format!("{name}.crlf.log"));
        std::fs::write(&crlf_path, crlf(&raw)).unwrap();

        let variants = [
            ("gzip", analyze_json(&[gz.to_str().unwrap()])),
            ("crlf", analyze_json(&[crlf_path.to_str().unwrap()])),
            ("stdin", analyze_json_stdin(&["-"], Some(raw.clone()))),
            ("tiny buffer", analyze_json(&[plain, "--buffer-size", "7"])),
        ];
        for (how, got) in variants {
            let got = comparable(got);
            if let Some(diff) = first_difference("", &got, &baseline) {
                panic!("{name}: reading via {how} changed the result at {diff}");
            }
        }
    }
}
