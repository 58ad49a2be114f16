//! Log text must not control the reader's screen or page (issue 10, section 3), through the
//! real binary: control characters from console logs and from JUnit character references
//! never reach a terminal as themselves (`analyze` and `trend` text, warnings on stderr);
//! bidi controls show as `<U+XXXX>` in every format (JSON as `\uXXXX`, the decoded data
//! unchanged); and `[text](url)`, `![](url)`, autolinks, raw HTML and character references
//! from logs stay text in the Markdown report and the GitHub step summary, as a GitHub
//! Flavoured Markdown renderer (comrak) shows.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

/// A failing test `test_call[{id}]` whose short-summary message is `message`.
fn console_log(id: &str, message: &str) -> String {
    format!(
        "============================= test session starts ==============================
platform linux -- Python 3.11.7, pytest-9.2.0, pluggy-1.7.0
collected 2 items

tests/test_ui.py::test_call[{id}] FAILED                                 [ 50%]
tests/test_ui.py::test_ok PASSED                                         [100%]

=================================== FAILURES ===================================
_______________________________ test_call[{id}] ________________________________
E   AssertionError: {message}
=========================== short test summary info ============================
FAILED tests/test_ui.py::test_call[{id}] - AssertionError: {message}
========================= 1 failed, 1 passed in 0.12s ==========================
"
    )
}

/// A JUnit XML report with one failing case `name` (XML-escaped text) and one passing one.
fn junit(name: &str, message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites><testsuite name=\"pytest\" errors=\"0\" failures=\"1\" skipped=\"0\" tests=\"2\" time=\"0.3\" timestamp=\"2026-11-27T09:50:00+00:00\">\
         <testcase classname=\"tests.test_ui\" name=\"{name}\" time=\"0.1\"><failure message=\"{message}\">tb</failure></testcase>\
         <testcase classname=\"tests.test_ui\" name=\"test_ok\" time=\"0.1\"/></testsuite></testsuites>\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// Runs rca; returns (stdout, stderr) of a successful run.
fn run(args: &[&str], env: &[(&str, &Path)]) -> (String, String) {
    let mut cmd = rca();
    cmd.env_remove("RCA_HISTORY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    assert!(
        out.status.success(),
        "rca {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The characters that must never be printed as themselves (the line feed aside).
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

fn assert_no_hidden(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|&c| hidden(c)) {
        panic!("{what} prints U+{:04X} as itself:\n{text}", c as u32);
    }
}

const CONTROLS: &str =
    "title\x1b]0;pwned\x07 clear\x1b[2J bs\x08\x08 cr\roverwrite del\x7f csi\u{9b}6n bell\x07";

#[test]
fn control_characters_from_a_console_log_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let log = write(dir.path(), "run.log", &console_log("a", CONTROLS));
    let (text, _) = run(&["analyze", &log, "-f", "text", "-q"], &[]);
    assert!(text.contains("test_call[a]"), "{text}");
    assert_no_hidden("analyze text", &text);
    for shown in [
        "<U+0008>",
        "<U+007F>",
        "<U+009B>6n",
        "<U+0007>",
        "cr<U+000D>overwrite",
    ] {
        assert!(text.contains(shown), "text lacks {shown}:\n{text}");
    }
    // The JSON document keeps the data and escapes every such byte.
    let (json, _) = run(&["analyze", &log, "-f", "json", "-q"], &[]);
    assert_no_hidden("analyze json", &json);
    let doc: Value = serde_json::from_str(&json).unwrap();
    let msg = doc["tests"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("csi\u{9b}6n") && msg.contains("del\x7f"),
        "{msg}"
    );
    for format in ["md", "html"] {
        let (out, _) = run(&["analyze", &log, "-f", format, "-q"], &[]);
        assert_no_hidden(format, &out);
    }
}

#[test]
fn junit_character_references_never_reach_the_terminal_or_the_trend() {
    let dir = tempfile::tempdir().unwrap();
    let xml = write(
        dir.path(),
        "junit.xml",
        &junit(
            "test_call[x&#27;[2Jy]",
            "AssertionError: &#27;]0;pwned&#7;&#27;[2J&#155;6n&#8;&#127; done",
        ),
    );
    let (text, _) = run(&["analyze", &xml, "-f", "text", "-q"], &[]);
    assert_no_hidden("analyze text", &text);
    assert!(
        text.contains("<U+001B>]0;pwned<U+0007><U+001B>[2J<U+009B>6n<U+0008><U+007F> done"),
        "{text}"
    );
    assert!(text.contains("test_call[x<U+001B>[2Jy]"), "{text}");

    let db = dir.path().join("h.sqlite");
    let db = db.to_str().unwrap();
    run(&["analyze", &xml, "-q", "--record", "--history", db], &[]);
    let (trend, _) = run(&["trend", "-f", "text", "--history", db], &[]);
    assert_no_hidden("trend text", &trend);
    assert!(trend.contains("test_call[x<U+001B>[2Jy]"), "{trend}");
    let (listing, _) = run(&["history", "list", "--history", db], &[]);
    assert_no_hidden("history list", &listing);
    for format in ["json", "md", "html"] {
        let (out, _) = run(&["trend", "-f", format, "--history", db], &[]);
        assert_no_hidden(&format!("trend {format}"), &out);
    }
}

#[test]
fn warnings_on_stderr_show_controls_visibly() {
    let dir = tempfile::tempdir().unwrap();
    // The log says failed, the XML says passed: rca warns, naming the test.
    let log = write(dir.path(), "run.log", &console_log("a\u{202e}", "x"));
    let xml = junit("test_call[a&#x202E;]", "").replace("<failure message=\"\">tb</failure>", "");
    let xml = write(dir.path(), "junit.xml", &xml);
    let (_, stderr) = run(&["analyze", &log, &xml, "-f", "json"], &[]);
    assert!(stderr.contains("the log says failed"), "{stderr}");
    assert_no_hidden("stderr", &stderr);
    assert!(stderr.contains("test_call[a<U+202E>]"), "{stderr}");
    // A cut-off log warns with the file's name, which may hold anything.
    let cut = console_log("a", "x");
    let cut = write(dir.path(), "run\x1b]0;pwned\x07.log", cut.trim_end());
    let (_, stderr) = run(&["analyze", &cut, "-f", "json"], &[]);
    assert!(stderr.contains("no line ending"), "{stderr}");
    assert_no_hidden("stderr", &stderr);
    assert!(
        stderr.contains("run<U+001B>]0;pwned<U+0007>.log"),
        "{stderr}"
    );
}

#[test]
fn bidi_controls_are_visible_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    // A name that would read "test_call[user_exe.png]" with the override obeyed.
    let id = "user\u{202e}gnp.exe\u{202c}";
    let message = "expected \u{2066}admin\u{2069} got \u{200f}guest\u{061c}";
    let log = write(dir.path(), "run.log", &console_log(id, message));
    let summary = dir.path().join("summary.md");
    let mut outputs = Vec::new();
    for format in ["text", "json", "md", "html"] {
        let (out, _) = run(
            &["analyze", &log, "-f", format, "-q", "--github-summary"],
            &[("GITHUB_STEP_SUMMARY", &summary)],
        );
        assert_no_hidden(format, &out);
        outputs.push((format, out));
    }
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert_no_hidden("step summary", &summary);
    for (format, out) in &outputs {
        let shown = match *format {
            "json" => "user\\u202egnp.exe\\u202c",
            "html" => "user&#60;U+202E&#62;gnp.exe&#60;U+202C&#62;",
            _ => "user<U+202E>gnp.exe<U+202C>",
        };
        assert!(out.contains(shown), "{format} lacks {shown}:\n{out}");
    }
    let text = &outputs[0].1;
    assert!(text.contains("expected <U+2066>admin<U+2069> got <U+200F>guest<U+061C>"));
    let md = &outputs[2].1;
    assert!(
        md.contains(
            "expected &lt;U+2066&gt;admin&lt;U+2069&gt; got &lt;U+200F&gt;guest&lt;U+061C&gt;"
        ),
        "prose cells: {md}"
    );
    // JSON is data: the escapes decode to the names the log had.
    let doc: Value = serde_json::from_str(&outputs[1].1).unwrap();
    assert_eq!(
        doc["tests"][0]["nodeid"],
        format!("tests/test_ui.py::test_call[{id}]")
    );
    assert_eq!(doc["tests"][0]["symptom"], message);
    // Rendered as GitHub would, the Markdown shows the marks as text.
    for md in [md, &summary] {
        let html = gfm(md);
        assert_no_hidden("rendered markdown", &html);
        assert!(html.contains("&lt;U+202E&gt;"), "{html}");
    }
}

/// Markdown rendered as GitHub does (tables, autolinks, raw HTML kept for inspection).
fn gfm(md: &str) -> String {
    let mut o = comrak::Options::default();
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.strikethrough = true;
    o.render.r#unsafe = true;
    comrak::markdown_to_html(md, &o)
}

/// Every `<a href="X">T</a>` in `html`, as (X, T).
fn links(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<a ") {
        rest = &rest[i..];
        let href = rest
            .split_once("href=\"")
            .and_then(|(_, r)| r.split_once('"'))
            .map(|(h, _)| h.to_string())
            .unwrap_or_default();
        let text = rest
            .split_once('>')
            .and_then(|(_, r)| r.split_once("</a>"))
            .map(|(t, _)| t.to_string())
            .unwrap_or_default();
        out.push((href, text));
        rest = &rest[3..];
    }
    out
}

const HOSTILE: &str = "see [the docs](http://evil.example/login) and ![pixel](http://evil.example/p.png) \
     or <http://evil.example/auto> <img src=\"http://evil.example/i.png\"> <b>bold</b> &#x202E;rtl \
     [ref]: http://evil.example/ref \\[escaped\\](http://evil.example/esc)";

#[test]
fn links_images_autolinks_and_html_from_logs_stay_text_in_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let log = write(
        dir.path(),
        "run.log",
        &console_log("[x](http://evil.example/id)", HOSTILE),
    );
    let summary = dir.path().join("summary.md");
    let (md, _) = run(
        &["analyze", &log, "-f", "md", "-q", "--github-summary"],
        &[("GITHUB_STEP_SUMMARY", &summary)],
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.contains("the docs"),
        "the message is in the report:\n{md}"
    );
    for (what, md) in [("report", &md), ("step summary", &summary)] {
        let html = gfm(md);
        assert!(!html.contains("<img"), "{what}: a remote image:\n{html}");
        assert!(!html.contains("<b>bold"), "{what}: raw HTML:\n{html}");
        assert!(
            !html.contains('\u{202e}'),
            "{what}: a character reference decoded"
        );
        for (href, text) in links(&html) {
            // GitHub autolinks bare URLs; such a link shows its own target.
            assert_eq!(href, text, "{what}: a disguised link:\n{html}");
        }
        assert!(
            html.contains("[the docs](http://evil.example/login)") || html.contains("[the docs]("),
            "{what}: the link text is shown as typed:\n{html}"
        );
    }
}
