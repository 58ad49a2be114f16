//! The text report on a terminal (issue 11 §4, issue 14): colour decided by `--color`
//! and the environment, log text inert with colour on, the progress line, tables fitted
//! to the terminal without breaking identifiers (also one that reports 0 columns), and
//! the top recommendations with the command for the full report. The terminal is a real
//! pseudo-terminal (`common::tty`).

mod common;

use common::tty::*;
use common::*;

#[test]
fn colour_follows_the_flag_then_the_environment_then_the_terminal() {
    let log = seed();
    let piped = |extra: &[&str], env: &[(&str, &str)]| {
        let mut cmd = rca();
        for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM"] {
            cmd.env_remove(var);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd
            .args(["analyze", &log, "-q"])
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let plain = piped(&[], &[]);
    assert!(!has_colour(&plain));
    let forced = piped(&[], &[("CLICOLOR_FORCE", "1")]);
    assert!(has_colour(&forced), "CLICOLOR_FORCE colours a pipe");
    assert!(!has_colour(&piped(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    )));
    let always = piped(
        &["--color", "always"],
        &[("NO_COLOR", "1"), ("TERM", "dumb")],
    );
    assert!(
        has_colour(&always),
        "--color always wins over the environment"
    );
    assert_eq!(
        strip_colour(&always),
        plain,
        "colour adds nothing but colour"
    );
    assert!(only_colour_escapes(&always));
    assert!(!has_colour(&piped(
        &["--format", "json", "--color", "always"],
        &[]
    )));

    let tty = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["analyze", log.as_str(), "-q"];
        args.extend_from_slice(extra);
        let (code, out) = on_tty(&args, env, None);
        assert_eq!(code, 0, "{out}");
        out
    };
    let coloured = tty(&[], &[]);
    assert!(has_colour(&coloured), "a terminal gets colour");
    assert!(only_colour_escapes(&coloured));
    assert!(
        coloured.contains("\u{1b}[36mconnect_timeout"),
        "category ids are coloured"
    );
    assert!(!has_colour(&tty(&[], &[("NO_COLOR", "1")])), "NO_COLOR");
    assert!(!has_colour(&tty(&[], &[("TERM", "dumb")])), "TERM=dumb");
    assert!(
        !has_colour(&tty(&["--color", "never"], &[])),
        "--color never"
    );
    assert_eq!(strip_colour(&coloured), tty(&["--color", "never"], &[]));
}

#[test]
fn hostile_log_text_stays_inert_with_colour_on() {
    let raw = String::from_utf8_lossy(&sample_bytes(&format!("{SEED}.log"))).into_owned();
    let hostile = raw.replace(
        "test_heavy_config_concurrent",
        "test_heavy_config_concurrent\u{1b}[2J\u{1b}]8;;http://x\u{7}",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.log");
    std::fs::write(&path, hostile).unwrap();
    let out = stdout_of(&["analyze", path.to_str().unwrap(), "-q", "--color", "always"]);
    assert!(has_colour(&out));
    assert!(
        only_colour_escapes(&out),
        "only rca's own colour codes reach the terminal"
    );
}

#[test]
fn a_progress_line_shows_on_a_terminal_only() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("run.log.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(&sample_bytes(&format!("{SEED}.log")))
        .unwrap();
    enc.finish().unwrap();
    let report = dir.path().join("r.json");
    let (g, r) = (gz.to_str().unwrap(), report.to_str().unwrap());
    let (code, shown) = on_tty(&["analyze", g, "-o", r], &[], None);
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("rca: reading"), "{shown}");
    assert!(shown.contains("(gzip)") && shown.contains("/s"), "{shown}");
    let (_, quiet) = on_tty(&["analyze", g, "-o", r, "-q"], &[], None);
    assert!(!quiet.contains("rca: reading"), "{quiet}");
    let out = rca().args(["analyze", g, "-o", r]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("reading"));
}

#[test]
fn terminal_tables_fit_without_breaking_identifiers() {
    let log = seed();
    let doc = analyze_json(&[&log]);
    let failing: Vec<String> = doc["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["outcome"] == "failed")
        .map(|t| t["nodeid"].as_str().unwrap().to_string())
        .collect();
    for columns in ["100", "80"] {
        let (code, shown) = on_tty(&["analyze", &log, "-q"], &[("COLUMNS", columns)], None);
        assert_eq!(code, 0, "{shown}");
        let shown = strip_colour(&shown);
        let limit: usize = columns.parse().unwrap();
        let tables: Vec<&str> = shown
            .lines()
            .filter(|l| l.starts_with(['│', '┌', '└', '╞']))
            .collect();
        assert!(
            tables.iter().all(|l| width(l) <= limit),
            "{columns}: {shown}"
        );
        // Each failing test id is on one line, whole or cut at the front with an
        // ellipsis, keeping the test's name.
        for id in &failing {
            let whole = shown.contains(id.as_str());
            let cut = shown.lines().any(|l| {
                l.split('…').nth(1).is_some_and(|rest| {
                    let tail = rest.split(' ').next().unwrap_or("");
                    tail.len() >= 24 && id.ends_with(tail)
                })
            });
            assert!(
                whole || cut,
                "{columns}: {id} broken across lines:\n{shown}"
            );
        }
        // host:port targets never split.
        assert!(shown.contains("127.0.0.1:54789"), "{shown}");
    }
}

#[test]
fn a_terminal_reporting_zero_columns_gets_80() {
    let (code, shown) = on_tty(&["analyze", &seed(), "-q", "--color", "never"], &[], None);
    assert_eq!(code, 0, "{shown}");
    let widest = shown.lines().map(width).max().unwrap();
    assert!(
        (70..=80).contains(&widest),
        "widest line {widest}:\n{shown}"
    );
    assert!(
        shown.contains("│ category "),
        "headings stay whole: {shown}"
    );
}

#[test]
fn text_ends_with_the_top_recommendations_and_the_full_report_command() {
    let log = seed();
    let doc = analyze_json(&[&log]);
    let text = stdout_of(&["analyze", &log, "-q"]);
    // Settings folded into the consolidated client configuration are not listed apart.
    let recs: Vec<&serde_json::Value> = doc["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["part_of"].is_null())
        .collect();
    assert!(recs.len() > 3);
    assert!(
        text.contains(&format!("Top recommendations (3 of {})", recs.len())),
        "{text}"
    );
    assert!(
        !text.contains("Size the connection pool to the concurrency"),
        "{text}"
    );
    for (i, r) in recs.iter().take(3).enumerate() {
        let line = format!(
            "  {}. [{}] {}",
            i + 1,
            r["priority"].as_str().unwrap(),
            r["title"].as_str().unwrap()
        );
        assert!(text.contains(&line), "missing {line:?}:\n{text}");
    }
    assert!(!text.contains(&format!("  4. [{}]", recs[3]["priority"].as_str().unwrap())));
    assert!(
        text.contains(&format!("full report: rca analyze {log} -o rca.md\n")),
        "{text}"
    );
    let piped = {
        let out = rca()
            .args(["analyze", "-q"])
            .write_stdin(sample_bytes(&format!("{SEED}.log")))
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(
        piped.contains("full report: rca analyze FILE -o rca.md"),
        "{piped}"
    );
}
