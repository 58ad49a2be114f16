//! Snapshot tests of the Markdown and HTML reports on the bundled samples. The reports have
//! a stable order and no wall-clock time, so any change in them is a reviewed change:
//! `INSTA_UPDATE=always cargo test --test snapshots` rewrites tests/snapshots/ after a
//! deliberate change (and after the samples are regenerated).

mod common;

use common::*;

fn report(sample: &str, format: &str) -> String {
    report_in(sample, format, "en")
}

fn report_in(sample: &str, format: &str, lang: &str) -> String {
    let out = rca()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "analyze",
            &format!("samples/{sample}.log"),
            "--format",
            format,
            "--title",
            &format!("RCA: {sample}"),
            "--lang",
            lang,
            "--quiet",
        ])
        .output()
        .expect("rca runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 report")
}

#[test]
fn markdown_reports() {
    for sample in [
        "seed-urllib3-2",
        "seed-urllib3-1.26",
        "errors-urllib3-2",
        "httpx",
        "dns-urllib3-2",
        "debug-urllib3-2",
    ] {
        insta::assert_snapshot!(format!("{sample}.md"), report(sample, "md"));
    }
}

#[test]
fn html_reports() {
    for sample in ["seed-urllib3-2", "errors-urllib3-1.26"] {
        insta::assert_snapshot!(format!("{sample}.html"), report(sample, "html"));
    }
}

#[test]
fn hebrew_reports() {
    insta::assert_snapshot!(
        "seed-urllib3-2.he.md",
        report_in("seed-urllib3-2", "md", "he")
    );
    insta::assert_snapshot!(
        "seed-urllib3-2.he.html",
        report_in("seed-urllib3-2", "html", "he")
    );
}

#[test]
fn reports_are_deterministic() {
    for format in ["md", "html", "json"] {
        assert_eq!(
            report("seed-urllib3-2", format),
            report("seed-urllib3-2", format)
        );
    }
}
