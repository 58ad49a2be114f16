//! The capacity knee estimated from the log, on real load ramps made by the generator: the
//! capacity sample's server serves at most `SERVER_CAPACITY` requests at once (read from the
//! suite, not repeated here), and the knee from the log must land on the level just above it;
//! the in-flight limit of the rate-limit recommendation follows the estimate.

mod common;

use common::*;
use serde_json::Value;

/// The known capacity, as the suite's conftest.py declares it.
fn server_capacity() -> u64 {
    let conftest =
        std::fs::read_to_string(samples_dir().join("generate/suites/capacity/conftest.py"))
            .unwrap();
    conftest
        .lines()
        .find_map(|l| l.strip_prefix("SERVER_CAPACITY = "))
        .and_then(|v| v.trim().parse().ok())
        .expect("SERVER_CAPACITY in conftest.py")
}

fn max_in_flight(doc: &Value) -> Option<u64> {
    doc["recommendations"].as_array()?.iter().find_map(|r| {
        let after = r["after"].as_str()?;
        let line = after.lines().find(|l| l.starts_with("MAX_IN_FLIGHT = "))?;
        line["MAX_IN_FLIGHT = ".len()..]
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    })
}

#[test]
fn the_knee_from_the_log_is_within_one_level_of_the_known_capacity() {
    let log = samples_dir().join("capacity-urllib3-2.log");
    let doc = analyze_json(&[log.to_str().unwrap()]);
    let cap = &doc["capacity"];
    let capacity = server_capacity();
    let levels: Vec<u64> = cap["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["concurrency"].as_u64().unwrap())
        .collect();
    let knee = cap["knee"].as_u64().expect("a knee");
    let last_good = cap["last_good"].as_u64().expect("a last good level");
    // The levels bracket the capacity: the last good one at or below it, the knee the next
    // level above it.
    let above = levels.iter().position(|&l| l > capacity).unwrap();
    let knee_at = levels.iter().position(|&l| l == knee).unwrap();
    assert!(
        knee_at.abs_diff(above) <= 1,
        "knee {knee}, capacity {capacity}, levels {levels:?}"
    );
    assert!(last_good <= capacity && capacity < knee, "{cap}");
    assert_eq!(cap["basis"], "parametrised_levels");
    assert_eq!(cap["confidence"], "high");
    // The verdict of the 503s is server capacity and cites the levels; the load tests'
    // in-flight limit is the last good level.
    let rc = &doc["root_causes"][0];
    assert_eq!(rc["verdict"]["locus"], "server capacity", "{rc}");
    assert_eq!(rc["verdict"]["confidence"], "high", "{rc}");
    assert!(
        rc["verdict"]["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e.as_str().unwrap().starts_with("the log's load levels: ")),
        "{rc}"
    );
    assert_eq!(max_in_flight(&doc), Some(last_good));
}

#[test]
fn the_seed_estimate_agrees_with_its_in_flight_limit() {
    let doc = analyze_json(&[&seed()]);
    let cap = &doc["capacity"];
    assert_eq!(cap["basis"], "parametrised_levels", "{cap}");
    let last_good = cap["last_good"].as_u64().unwrap();
    assert!(cap["knee"].as_u64().unwrap() > last_good);
    assert_eq!(max_in_flight(&doc), Some(last_good));
}

#[test]
fn every_format_shows_the_capacity_section_and_a_log_without_levels_has_none() {
    let log = samples_dir().join("capacity-urllib3-2.log");
    let log = log.to_str().unwrap();
    for (format, heading) in [
        ("text", "Capacity (from the log)"),
        ("md", "## Capacity (from the log)"),
        ("html", "<h2 id=\"capacity\">"),
    ] {
        let out = stdout_of(&["analyze", log, "--format", format, "-q"]);
        assert!(out.contains(heading), "{format}: {out}");
        assert!(out.contains("errors start between concurrency"), "{format}");
    }
    let plain = samples_dir().join("errors-urllib3-2.log");
    let doc = analyze_json(&[plain.to_str().unwrap()]);
    assert!(doc.get("capacity").is_none(), "{}", doc["capacity"]);
    let out = stdout_of(&["analyze", plain.to_str().unwrap(), "-q"]);
    assert!(!out.contains("Capacity (from the log)"));
}
