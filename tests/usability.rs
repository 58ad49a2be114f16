//! The command line as a person used to ripgrep or cargo meets it (issue 14):
//! completions and man page, `--version`, help texts, text on a pipe, implicit standard
//! input, `-o` extensions, the `--fail-on` line, `rca.toml`, the JSON Schema and the
//! composite GitHub action. Colour, layout and progress are in `tests/terminal.rs`.

mod common;

use common::tty::{bin, has_colour, on_tty};
use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

#[test]
fn completions_and_the_man_page_generate() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.len() > 1000, "{shell}: {} bytes", script.len());
        for word in ["analyze", "fail-on", "trend", "completions"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let out = rca().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let man = stdout_of(&["man"]);
    assert!(man.contains(".TH rca 1"), "{}", &man[..200.min(man.len())]);
    assert!(man.contains("analyze") && man.contains("completions"));
}

#[test]
fn version_names_the_commit_when_built_from_git() {
    let v = stdout_of(&["--version"]);
    assert!(v.starts_with("rca 0.1.0"), "{v}");
    let git = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if let Some(g) = git.ok().filter(|g| g.status.success()) {
        let commit = String::from_utf8(g.stdout).unwrap();
        assert!(v.contains(&format!("commit {}", commit.trim())), "{v}");
        let built = v.split("built ").nth(1).expect("a build date");
        assert_eq!(built.trim().trim_end_matches(')').len(), 10, "{v}");
    }
}

#[test]
fn help_texts_have_examples_and_say_the_right_thing() {
    let top = stdout_of(&["--help"]);
    let examples = top.split("Examples:").nth(1).expect("top-level examples");
    assert_eq!(
        examples
            .lines()
            .filter(|l| l.starts_with("  "))
            .take_while(|l| l.contains("rca "))
            .count(),
        3,
        "{top}"
    );
    for cmd in [
        &["analyze"][..],
        &["signatures"],
        &["probe"],
        &["record"],
        &["trend"],
        &["history"],
        &["history", "list"],
        &["history", "prune"],
        &["completions"],
        &["man"],
        &["schema"],
        &["config"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let help = stdout_of(&args);
        assert!(
            help.contains("Examples:"),
            "rca {cmd:?} --help has no examples"
        );
    }
    let trend = stdout_of(&["trend", "--help"]);
    assert!(!trend.contains("root causes, recommendations"), "{trend}");
    assert!(trend.contains("SVG charts"), "{trend}");
    let list = stdout_of(&["history", "list", "--help"]);
    assert!(!list.contains("trend default"), "{list}");
    let analyze = stdout_of(&["analyze", "--help"]);
    let title = analyze
        .lines()
        .skip_while(|l| !l.contains("--title"))
        .nth(1)
        .unwrap_or("");
    assert!(title.contains("Markdown and HTML"), "{title}");
    let probe = stdout_of(&["probe", "--help"]);
    assert!(probe.contains("[possible values: get, head]"), "{probe}");
    assert!(!probe.contains("GET, HEAD"), "{probe}");
}

#[test]
fn text_is_the_default_on_a_pipe_and_json_is_asked_for() {
    let log = seed();
    let piped = stdout_of(&["analyze", &log, "-q"]);
    assert!(
        piped.starts_with("rca 0.1.0: 18 of 41 tests failed"),
        "{piped}"
    );
    assert!(!has_colour(&piped), "no colour on a pipe");
    let json = stdout_of(&["analyze", &log, "-q", "--format", "json"]);
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["schema_version"], 1);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rca.json");
    stdout_of(&["analyze", &log, "-q", "-o", file.to_str().unwrap()]);
    let doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(doc["summary"]["failed"], 18);
    let txt = dir.path().join("rca");
    stdout_of(&["analyze", &log, "-q", "-o", txt.to_str().unwrap()]);
    assert!(
        std::fs::read_to_string(&txt)
            .unwrap()
            .starts_with("rca 0.1.0:")
    );
}

#[test]
fn standard_input_is_read_when_no_file_is_given() {
    let bytes = sample_bytes(&format!("{SEED}.log"));
    let implicit = {
        let out = rca()
            .args(["analyze", "--format", "json", "-q"])
            .write_stdin(bytes.clone())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let explicit = analyze_json_stdin(&["-"], Some(bytes));
    assert_eq!(implicit, explicit);
    assert_eq!(implicit["inputs"][0]["path"], "<stdin>");
    // On a terminal there is nothing to read: say so instead of waiting.
    let (code, shown) = on_tty(&["analyze"], &[], None);
    assert_eq!(code, 2, "{shown}");
    assert!(shown.starts_with("rca: no FILE given"), "{shown}");
    assert_eq!(shown.trim_end().lines().count(), 1, "{shown}");
}

#[test]
fn an_output_extension_rca_does_not_write_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("report.xml");
    let out = rca()
        .args(["analyze", &seed(), "-q", "-o", xml.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("rca: -o "), "{err}");
    for ext in [".json", ".md", ".html", ".txt"] {
        assert!(err.contains(ext), "{err}");
    }
    assert!(!xml.exists(), "nothing written");
    // With --format the extension is the user's business.
    rca()
        .args([
            "analyze",
            &seed(),
            "-q",
            "--format",
            "json",
            "-o",
            xml.to_str().unwrap(),
        ])
        .assert()
        .success();
    assert!(serde_json::from_slice::<Value>(&std::fs::read(&xml).unwrap()).is_ok());
}

#[test]
fn fail_on_that_fires_says_why_in_one_line() {
    let log = seed();
    let doc = analyze_json(&[&log]);
    let cat = doc["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "connect_timeout")
        .unwrap();
    let expected = format!(
        "rca: --fail-on: connect_timeout ({} events in {} tests)\n",
        cat["events"], cat["tests"]
    );
    let out = rca()
        .args([
            "analyze",
            &log,
            "-q",
            "--fail-on",
            "connect_timeout,dns_failure",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
    let out = rca()
        .args(["analyze", &log, "-q", "--fail-on", "dns_failure"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A git repository in a temp dir with `rca.toml` at its root and a subdirectory.
fn project(config: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("rca.toml"), config).unwrap();
    let sub = dir.path().join("tests/load");
    std::fs::create_dir_all(&sub).unwrap();
    (dir, sub)
}

fn in_dir(dir: &Path) -> assert_cmd::Command {
    let mut cmd = rca();
    cmd.current_dir(dir)
        .env_remove("RCA_CONFIG")
        .env_remove("RCA_HISTORY");
    cmd
}

#[test]
fn the_project_file_sets_defaults_and_flags_override_it() {
    let rules = r#"
[[signature]]
id = "team-jobs-failed"
category = "http_error"
description = "a load step reported failed jobs"
literals = ["jobs failed"]
patterns = ['\d+/\d+ jobs failed']
match = ["AssertionError: 10/10 jobs failed"]
"#;
    let (dir, sub) = project(
        "rules = \"ci/rules.toml\"\nlang = \"he\"\nfail_on = [\"connect_timeout\"]\n\
         history = \"h.sqlite\"\nlabels = { team = \"payments\" }\n",
    );
    std::fs::create_dir(dir.path().join("ci")).unwrap();
    std::fs::write(dir.path().join("ci/rules.toml"), rules).unwrap();
    let log = seed();
    // fail_on from the file; a flag replaces it.
    let out = in_dir(&sub).args(["analyze", &log, "-q"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = in_dir(&sub)
        .args(["analyze", &log, "-q", "--fail-on", "dns_failure"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // rules, relative to the file.
    let out = in_dir(&sub)
        .args([
            "analyze",
            &log,
            "-q",
            "--format",
            "json",
            "--fail-on",
            "dns_failure",
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["signature"] == "team-jobs-failed"),
        "the file's rules are loaded"
    );
    // lang from the file, --lang wins.
    let md = |extra: &[&str]| {
        let out = in_dir(&sub)
            .args([
                "analyze",
                &log,
                "-q",
                "--format",
                "md",
                "--fail-on",
                "dns_failure",
            ])
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(md(&[]).contains("## גורמי שורש"));
    assert!(md(&["--lang", "en"]).contains("## Root causes"));
    // The store: the file's, relative to it; RCA_HISTORY wins; labels recorded.
    in_dir(&sub)
        .args([
            "analyze",
            &log,
            "-q",
            "--record",
            "--fail-on",
            "dns_failure",
        ])
        .assert()
        .success();
    assert!(
        dir.path().join("h.sqlite").exists(),
        "recorded in the file's store"
    );
    let list = in_dir(&sub)
        .args(["history", "list", "--format", "json"])
        .output()
        .unwrap();
    let runs: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(runs.as_array().map(Vec::len), Some(1), "{runs}");
    assert!(
        runs.to_string().contains("payments"),
        "the file's label: {runs}"
    );
    let other = dir.path().join("other.sqlite");
    in_dir(&sub)
        .env("RCA_HISTORY", &other)
        .args([
            "analyze",
            &log,
            "-q",
            "--record",
            "--fail-on",
            "dns_failure",
        ])
        .assert()
        .success();
    assert!(other.exists(), "RCA_HISTORY wins over the file");
    // rca config says where each value came from.
    let shown = in_dir(&sub).arg("config").output().unwrap();
    let shown = String::from_utf8(shown.stdout).unwrap();
    let file = dir.path().join("rca.toml");
    assert!(
        shown.contains(&format!("config file: {}", file.display())),
        "{shown}"
    );
    let row = |name: &str| {
        shown
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or("")
            .to_string()
    };
    assert!(
        row("lang").contains("he") && row("lang").contains("rca.toml"),
        "{shown}"
    );
    assert!(row("health-path").ends_with("default"), "{shown}");
    assert!(row("fail-on").contains("connect_timeout"), "{shown}");
    // RCA_CONFIG names another file; above the git root nothing is read.
    let elsewhere = dir.path().join("ci/other.toml");
    std::fs::write(&elsewhere, "fail_on = [\"dns_failure\"]\n").unwrap();
    let out = in_dir(&sub)
        .env("RCA_CONFIG", &elsewhere)
        .args(["analyze", &log, "-q"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "RCA_CONFIG's file, not the found one"
    );
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("rca.toml"), "fail_on = [\"any\"]\n").unwrap();
    let repo = outside.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let out = in_dir(&repo)
        .args(["analyze", &log, "-q"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "the file above the git root is not read"
    );
}

#[test]
fn a_bad_project_file_is_one_line_and_exit_2() {
    for (config, message) in [
        ("lang = \"fr\"\n", "lang"),
        ("fail_on = [\"nonsense\"]\n", "unknown category"),
        ("colour = true\n", "unknown field"),
        ("rules = [\n", "rca.toml"),
    ] {
        let (_dir, sub) = project(config);
        let out = in_dir(&sub)
            .args(["analyze", &seed(), "-q"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{config}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("rca: ") && err.contains(message),
            "{config}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        // Commands the file has nothing to say to still work.
        in_dir(&sub)
            .args(["completions", "bash"])
            .assert()
            .success();
    }
    let out = rca()
        .env("RCA_CONFIG", "/nonexistent/rca.toml")
        .args(["analyze", &seed(), "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RCA_CONFIG"));
}

#[test]
fn every_sample_validates_against_rca_schema() {
    let schema: Value = serde_json::from_str(&stdout_of(&["schema"])).unwrap();
    assert_eq!(schema["properties"]["schema_version"]["const"], 1);
    let open = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let strict = jsonschema::validator_for(&closed(schema)).unwrap();
    let mut inputs: Vec<String> = std::fs::read_dir(samples_dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".log") || n.ends_with(".junit.xml"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 20, "{inputs:?}");
    for name in &inputs {
        let path = samples_dir().join(name);
        let doc = analyze_json(&[path.to_str().unwrap()]);
        let errors: Vec<String> = strict.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert!(open.is_valid(&doc));
    }
    // The history fields of `rca analyze --history` too.
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h.sqlite");
    let store = store.to_str().unwrap();
    rca()
        .args([
            "analyze",
            &seed(),
            "-q",
            "--record",
            "--history",
            store,
            "-o",
        ])
        .arg(dir.path().join("r.json"))
        .env_remove("RCA_HISTORY")
        .assert()
        .success();
    let compared = analyze_json(&[&seed(), "--history", store]);
    assert!(compared["history"].is_object(), "{}", compared["history"]);
    let errors: Vec<String> = strict
        .iter_errors(&compared)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "--history: {errors:#?}");
    // The code pointers of `rca analyze --source` too.
    let suite = samples_dir().join("generate/suites/seed");
    let pointed = analyze_json(&[&seed(), "--source", suite.to_str().unwrap()]);
    assert!(pointed["source"]["sites"].is_array());
    let errors: Vec<String> = strict
        .iter_errors(&pointed)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "--source: {errors:#?}");
    // The schema can fail: a document with a wrong type does not validate.
    let mut bad = analyze_json(&[&seed()]);
    bad["summary"]["failed"] = Value::String("18".into());
    assert!(!open.is_valid(&bad));
}

/// The shell of one step of the composite action (`action.yml`), by its name.
fn action_step(name: &str) -> String {
    let yml = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml at the repository root");
    let step = yml
        .split("    - name: ")
        .find(|s| s.starts_with(name))
        .unwrap_or_else(|| panic!("no step {name:?}"));
    let script = step.split("      run: |\n").nth(1).expect("a run block");
    script
        .lines()
        .take_while(|l| l.starts_with("        ") || l.is_empty())
        .map(|l| l.strip_prefix("        ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_composite_action_writes_summary_reports_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let runner = dir.path().join("runner");
    std::fs::create_dir_all(runner.join("rca/bin")).unwrap();
    std::os::unix::fs::symlink(bin(), runner.join("rca/bin/rca")).unwrap();
    let summary = dir.path().join("summary.md");
    let store = dir.path().join("h.sqlite");
    let log = seed();
    let xml = samples_dir().join(format!("{SEED}.junit.xml"));
    let run = |history: &str, fail_on: &str| {
        Command::new("bash")
            .args(["-e", "-c", &action_step("Analyse")])
            .current_dir(dir.path())
            .env("RUNNER_TEMP", &runner)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("RCA_LOG", format!("{log} {}", xml.display()))
            .env("RCA_HISTORY", history)
            .env("RCA_LABELS", "branch=main team=pay")
            .env("RCA_FAIL_ON", fail_on)
            .env_remove("RCA_CONFIG")
            .output()
            .unwrap()
    };
    let out = run("", "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for report in ["rca.md", "rca.html", "rca.json"] {
        assert!(dir.path().join(report).exists(), "{report} written");
    }
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap()
            .contains("## Root causes")
    );
    assert!(!store.exists(), "no history asked, none written");
    let out = run(store.to_str().unwrap(), "connect_timeout");
    assert_eq!(out.status.code(), Some(1), "--fail-on fails the step");
    assert!(String::from_utf8_lossy(&out.stderr).contains("rca: --fail-on: connect_timeout"));
    let list = rca()
        .args([
            "history",
            "list",
            "--format",
            "json",
            "--history",
            store.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let runs: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(runs.as_array().map(Vec::len), Some(1), "{runs}");
    assert!(runs.to_string().contains("\"team\":\"pay\""), "{runs}");
}
