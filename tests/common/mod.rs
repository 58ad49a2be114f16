//! Helpers shared by the integration tests: run the real `rca` binary and read samples.
#![allow(dead_code)]

pub mod tty;

use serde_json::Value;
use std::path::{Path, PathBuf};

/// The repository's `samples/` directory.
pub fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// Every sample that has an `.expected.json` oracle, by stem (e.g. `seed-urllib3-2`).
pub fn sample_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(samples_dir())
        .expect("samples/ exists")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".expected.json").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no samples with expected results");
    names
}

/// The input file of a sample: its console log, or its JUnit XML when no log was kept.
pub fn sample_input(name: &str) -> String {
    let log = format!("{name}.log");
    if samples_dir().join(&log).exists() {
        log
    } else {
        format!("{name}.junit.xml")
    }
}

/// The `rca` binary.
pub fn rca() -> assert_cmd::Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("rca");
    cmd.env_remove("RUST_BACKTRACE");
    cmd
}

/// Runs `rca analyze ARGS --format json`, asserts exit 0 and returns the parsed document.
pub fn analyze_json(args: &[&str]) -> Value {
    analyze_json_stdin(args, None)
}

/// Same as [`analyze_json`], feeding `stdin` when given.
pub fn analyze_json_stdin(args: &[&str], stdin: Option<Vec<u8>>) -> Value {
    let mut cmd = rca();
    cmd.arg("analyze")
        .args(args)
        .args(["--format", "json", "--quiet"]);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().expect("rca runs");
    assert!(
        out.status.success(),
        "rca {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("rca prints valid JSON")
}

/// The parts of an analysis that must not depend on how the input was delivered.
pub fn comparable(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("inputs");
    if let Some(w) = v.get_mut("warnings") {
        // Warnings about one input start with its name, which differs between deliveries.
        *w = Value::Array(
            w.as_array()
                .unwrap()
                .iter()
                .map(|w| {
                    let text = w.as_str().unwrap_or("");
                    let text = match text.split_once(": ") {
                        Some((name, rest))
                            if name == "<stdin>"
                                || name.ends_with(".log")
                                || name.ends_with(".gz") =>
                        {
                            rest
                        }
                        _ => text,
                    };
                    Value::String(text.to_string())
                })
                .collect(),
        );
    }
    v
}

/// Reads a sample file.
pub fn sample_bytes(name: &str) -> Vec<u8> {
    std::fs::read(samples_dir().join(name)).expect("sample exists")
}

/// Markdown with its code blocks and inline code spans removed: where markup would be live.
pub fn outside_code(md: &str) -> String {
    let mut out = String::new();
    let mut fence: Option<usize> = None;
    for line in md.lines() {
        let ticks = line.len() - line.trim_start_matches('`').len();
        match fence {
            Some(n) if ticks >= n && line.trim_matches('`').is_empty() => fence = None,
            Some(_) => {}
            None if ticks >= 3 => fence = Some(ticks),
            None => {
                for part in line.split('`').step_by(2) {
                    out.push_str(part);
                }
                out.push('\n');
            }
        }
    }
    out
}

/// The seed sample, the one the README's examples use.
pub const SEED: &str = "seed-urllib3-2";

/// The path of the seed sample's console log.
pub fn seed() -> String {
    samples_dir()
        .join(format!("{SEED}.log"))
        .to_str()
        .unwrap()
        .to_string()
}

/// Runs `rca ARGS`, asserts success and returns standard output.
pub fn stdout_of(args: &[&str]) -> String {
    let out = rca().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "rca {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// nodeid -> (outcome, categories) of an analysis.
pub fn outcomes(v: &Value) -> std::collections::BTreeMap<String, (String, Vec<String>)> {
    v["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let cats = t["categories"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect();
            (
                t["nodeid"].as_str().unwrap().to_string(),
                (t["outcome"].as_str().unwrap().to_string(), cats),
            )
        })
        .collect()
}

/// Every object of the schema closed to fields it does not list, so that the test also
/// catches a field rca writes but the schema leaves out.
pub fn closed(mut schema: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                    map.insert("additionalProperties".into(), Value::Bool(false));
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut schema);
    schema
}

/// The recommendation `id` of a JSON report.
pub fn recommendation<'v>(v: &'v Value, id: &str) -> &'v Value {
    v["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no recommendation {id}"))
}
