//! `--lang he`: every sentence the analysis writes has a Hebrew rendering, on every sample,
//! and the Hebrew reports are right-to-left with code and log lines left-to-right.

mod common;

use common::*;
use rca::parse::signatures::SignatureSet;
use rca::report::i18n::fully_translated;
use rca::run::{Options, analyze};

#[test]
fn every_generated_sentence_has_a_hebrew_rendering() {
    let sigs = SignatureSet::builtin();
    let mut missing = Vec::new();
    for name in sample_names() {
        let path = samples_dir().join(sample_input(&name));
        let a = analyze(
            &[path.to_str().unwrap().to_string()],
            &sigs,
            &Options::default(),
        )
        .unwrap();
        let mut sentences = vec![a.diagnosis.rca.headline.clone()];
        for rc in &a.diagnosis.rca.root_causes {
            sentences.push(rc.title.clone());
            sentences.push(rc.verdict.summary.clone());
            sentences.extend(rc.verdict.evidence.iter().cloned());
            sentences.extend(rc.verdict.counter_evidence.iter().cloned());
            for c in &rc.cross_checks {
                sentences.push(c.title.clone());
                sentences.push(c.statement.clone());
            }
        }
        if let Some(c) = &a.diagnosis.rca.capacity {
            sentences.push(c.statement.clone());
            sentences.push(c.derived_from.clone());
        }
        for r in &a.diagnosis.recommendations {
            if r.title_he.is_empty() || r.why_he.is_empty() || r.why_he.contains('{') {
                missing.push(format!("{name}: recommendation {} lacks Hebrew", r.id));
            }
        }
        for s in sentences {
            if !fully_translated(&s) {
                missing.push(format!("{name}: {s}"));
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "untranslated:\n{}", missing.join("\n"));
}

#[test]
fn every_source_pointer_has_a_hebrew_rendering() {
    let sigs = SignatureSet::builtin();
    let suites = samples_dir().join("generate/suites");
    let mut missing = Vec::new();
    let mut checked = 0;
    for name in sample_names() {
        // The suite a sample came from is the first word of its name (seed-urllib3-2).
        let suite = suites.join(name.split('-').next().unwrap());
        if !suite.is_dir() {
            continue;
        }
        let path = samples_dir().join(sample_input(&name));
        let mut a = analyze(
            &[path.to_str().unwrap().to_string()],
            &sigs,
            &Options::default(),
        )
        .unwrap();
        let scan = rca::source::scan(&suite).unwrap();
        a.source = Some(rca::source::link::apply(
            &mut a.diagnosis,
            scan,
            rca::redact::Redactor::default(),
        ));
        for rc in &a.diagnosis.rca.root_causes {
            for l in &rc.source_links {
                checked += 1;
                if !fully_translated(&l.note) {
                    missing.push(format!("{name}: {}", l.note));
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} pointers");
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "untranslated:\n{}", missing.join("\n"));
}

#[test]
fn hebrew_reports_are_right_to_left() {
    let log = samples_dir().join("seed-urllib3-2.log");
    let log = log.to_str().unwrap();
    let out = rca()
        .args(["analyze", log, "--format", "html", "--lang", "he", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.contains(r#"<html lang="he" dir="rtl">"#));
    assert!(html.contains("גורמי שורש"));
    assert!(
        html.contains("code, pre, .ltr { direction:ltr;"),
        "code stays left-to-right"
    );
    let out = rca()
        .args(["analyze", log, "--format", "md", "--lang", "he", "-q"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("## גורמי שורש"));
    assert!(md.contains("18 מתוך 41 טסטים נכשלו ← 3 גורמי שורש"));
    // Code in recommendations is untouched by translation.
    assert!(md.contains("pool_maxsize=50"));
    rca()
        .args(["analyze", log, "--format", "md", "--lang", "fr"])
        .assert()
        .code(2);
}
