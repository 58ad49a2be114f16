//! The Capacity and Re-probe sections of the report view: the capacity knee estimated from
//! the log's load levels (its table shortened around the knee) and one row per re-probed
//! server (`rca analyze --probe`).
//!
//! It does not estimate or probe: the estimate is [`crate::diagnose::capacity`]'s, the re-probe
//! [`crate::probe`]'s; here their sentences are translated and every value escaped.

use crate::report::Report;
use crate::report::i18n::{Labels, Lang, translate, word};
use crate::report::safe::Escaper;

/// The capacity knee estimated from the log.
#[derive(Debug, Clone)]
pub struct CapacityView {
    /// The estimate in one sentence, with its confidence.
    pub statement: String,
    /// How it was derived.
    pub how: String,
    /// The estimate against the re-probe; empty without one.
    pub reprobe: String,
    /// One row per level, lowest first.
    pub rows: Vec<CapacityRow>,
}

/// One load level of the capacity section.
#[derive(Debug, Clone)]
pub struct CapacityRow {
    pub level: String,
    pub passed: String,
    pub failed: String,
    pub tests: String,
}

/// A re-probed server.
#[derive(Debug, Clone)]
pub struct ReprobeRow {
    pub logged: String,
    pub url: String,
    pub causes: String,
    pub verdict: String,
    pub sent: u64,
    pub breaker: String,
    pub latency: String,
    pub outcomes: String,
    pub knee: String,
}

/// The capacity section: sentences translated, test names escaped.
pub(super) fn capacity_view(a: &Report, lang: Lang, esc: &Escaper) -> Option<CapacityView> {
    let e = a.diagnosis.rca.capacity.as_ref()?;
    let tr = |text: &str| (esc.text)(&translate(lang, text));
    Some(CapacityView {
        statement: format!(
            "{} ({} {})",
            tr(&e.statement),
            Labels::of(lang).confidence,
            word(lang, e.confidence.id())
        ),
        how: tr(&e.derived_from),
        reprobe: e.reprobe.as_deref().map(tr).unwrap_or_default(),
        rows: shown_levels(e)
            .into_iter()
            .map(|r| match r {
                Some(r) => CapacityRow {
                    level: r.concurrency.to_string(),
                    passed: r.passed.to_string(),
                    failed: r.failed.to_string(),
                    tests: (esc.span_in_cell)(&r.tests.join(", ")),
                },
                None => CapacityRow {
                    level: "…".to_string(),
                    passed: String::new(),
                    failed: String::new(),
                    tests: String::new(),
                },
            })
            .collect(),
    })
}

/// The levels a report table shows: all of them up to [`CAPACITY_ROWS`], else the first
/// and last few and those around the knee, `None` marking the gaps.
fn shown_levels(
    e: &crate::diagnose::capacity::CapacityEstimate,
) -> Vec<Option<&crate::diagnose::capacity::LevelRow>> {
    let n = e.levels.len();
    if n <= CAPACITY_ROWS {
        return e.levels.iter().map(Some).collect();
    }
    let knee = e
        .levels
        .iter()
        .position(|r| Some(r.concurrency) == e.knee)
        .unwrap_or(0);
    let keep = |i: usize| i < 5 || i + 5 >= n || i.abs_diff(knee) <= 5;
    let mut out = Vec::new();
    for (i, r) in e.levels.iter().enumerate() {
        if keep(i) {
            out.push(Some(r));
        } else if out.last().is_some_and(Option::is_some) {
            out.push(None);
        }
    }
    out
}

/// Level rows of the capacity table before it is shortened.
const CAPACITY_ROWS: usize = 30;

/// One row per re-probed server; every value from the log or the network is escaped.
pub(super) fn reprobe_rows(a: &Report, lang: Lang, esc: &Escaper) -> Vec<ReprobeRow> {
    let (text, code) = (esc.text, esc.span_in_cell);
    let Some(r) = &a.reprobe else {
        return Vec::new();
    };
    r.targets
        .iter()
        .map(|t| {
            let p = &t.report;
            ReprobeRow {
                logged: code(&t.logged_url),
                url: code(&p.url),
                causes: t.root_causes.join(", "),
                verdict: word(lang, p.verdict.id()),
                sent: p.requests_sent,
                breaker: word(lang, if p.circuit_opened { "opened" } else { "closed" }),
                latency: p
                    .latency
                    .map(|l| format!("{:.0} / {:.0} / {:.0} ms", l.p50_ms, l.p95_ms, l.p99_ms))
                    .unwrap_or_else(|| "—".to_string()),
                outcomes: text(
                    &p.outcomes
                        .iter()
                        .map(|(k, n)| format!("{k} ×{n}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                knee: p
                    .knee
                    .as_ref()
                    .map(|k| text(&format!("c={} ({})", k.concurrency, k.detail)))
                    .unwrap_or_else(|| "—".to_string()),
            }
        })
        .collect()
}
