//! The report's content, independent of its format: built once from an [`Analysis`] and
//! rendered by the Markdown and HTML templates, so that both show the same things. This is
//! where log text enters both reports: each string goes through the format's [`Escaper`]
//! for the place it lands (prose, code span, code block), here and nowhere else.

use crate::analysis::Analysis;
use crate::report::i18n::{Labels, Lang, translate, word};
use crate::report::markdown::fence;
use crate::report::safe::Escaper;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Options for reports.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Report title (default: "RCA: pytest run <date>, <failed>/<total> failed").
    pub title: Option<String>,
    /// Report language.
    pub lang: Lang,
}

/// Everything a report shows, already formatted; log-derived strings are escaped by the
/// format's [`Escaper`] (for HTML only hidden characters, the template engine does the rest).
pub struct View {
    pub title: String,
    pub headline: String,
    pub version: String,
    pub inputs: Vec<String>,
    /// When the run happened, the servers the log names, the tool (translated, escaped).
    pub run_line: String,
    pub total: u64,
    pub passed: u64,
    pub failed: u64,
    pub errors: u64,
    pub skipped: u64,
    pub xfailed: u64,
    pub xpassed: u64,
    pub failed_pct: String,
    pub unexplained: usize,
    pub categories: Vec<CategoryRow>,
    pub failing: Vec<FailingRow>,
    pub causes: Vec<CauseView>,
    pub rec_groups: Vec<RecGroup>,
    /// The closing checklist, by owner.
    pub checklist: Vec<ChecklistGroup>,
    pub timeline: Vec<TimelineRow>,
    pub findings: Vec<FindingRow>,
    pub warnings: Vec<String>,
    pub svg: SvgTimeline,
    /// Re-probe rows (`rca analyze --probe`); empty without it.
    pub reprobe: Vec<ReprobeRow>,
    /// The capacity estimate from the log's load levels; `None` when no test shows a level.
    pub capacity: Option<CapacityView>,
    /// The run against its history (`rca analyze --history`); empty without it.
    pub history: String,
    /// The run against a baseline run (`rca analyze --baseline`); not shown without it.
    pub baseline: super::baseline_run::BaselineView,
    /// Fixed wording in the report's language.
    pub l: Labels,
    /// `en` / `he`.
    pub lang: &'static str,
    /// `ltr` / `rtl`.
    pub dir: &'static str,
}

/// The events-over-time chart: one row of cells per category, cell opacity by count.
#[derive(Default)]
pub struct SvgTimeline {
    /// Chart width in SVG units.
    pub width: u32,
    /// Chart height.
    pub height: u32,
    /// One row per category.
    pub rows: Vec<SvgRow>,
    /// Time axis labels.
    pub ticks: Vec<SvgTick>,
}

/// One category's row.
pub struct SvgRow {
    /// Category id.
    pub label: String,
    /// Row top.
    pub y: u32,
    /// Fill colour.
    pub color: &'static str,
    /// Non-empty buckets.
    pub cells: Vec<SvgCell>,
}

/// One time bucket with events.
pub struct SvgCell {
    /// Left edge.
    pub x: u32,
    /// Width.
    pub w: u32,
    /// 0.2..1 by count.
    pub opacity: String,
    /// Tooltip: time and count.
    pub title: String,
}

/// A time-axis label.
pub struct SvgTick {
    /// Position.
    pub x: u32,
    /// `HH:MM:SS`.
    pub label: String,
}

/// A row of the report.
pub struct CategoryRow {
    pub id: String,
    pub events: u64,
    pub tests: u64,
    pub failed_tests: u64,
    pub hosts: String,
}

/// A row of the report.
pub struct FailingRow {
    pub name: String,
    pub outcome: String,
    pub categories: String,
    pub symptom: String,
    pub cause: String,
    /// new / recurring / regressed (`--history`); empty without it.
    pub history: String,
}

/// A row of the report.
pub struct CheckRow {
    pub title: String,
    pub statement: String,
    pub lines: String,
}

/// A row of the report.
pub struct CauseView {
    pub id: String,
    pub title: String,
    pub locus: String,
    pub confidence: String,
    pub summary: String,
    pub events: u64,
    pub window: String,
    pub failed_count: usize,
    pub contributing_count: usize,
    pub fence: String,
    pub samples: Vec<String>,
    pub evidence: Vec<String>,
    pub counter: Vec<String>,
    pub checks: Vec<CheckRow>,
    pub failed: Vec<String>,
    pub outages: Vec<OutageView>,
    /// new / recurring / regressed (`--history`); empty without it.
    pub history: String,
    /// Where the scanned code explains it (`--source DIR`); empty without it.
    pub code: Vec<CodeRow>,
}

/// A pointer into the scanned code (`--source DIR`).
pub struct CodeRow {
    /// `file:line`, as an inline code span.
    pub at: String,
    /// Why it is linked.
    pub note: String,
}

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

/// An outage window of a root cause and the tests that failed together in it.
pub struct OutageView {
    pub text: String,
    pub tests: Vec<String>,
}

/// One setting of the consolidated client configuration.
pub struct SettingRow {
    pub name: String,
    pub before: String,
    pub after: String,
    pub reason: String,
    pub causes: String,
}

/// A recommendation folded into the client configuration: its title and explanation.
pub struct PartNote {
    pub title: String,
    pub why: String,
    pub causes: String,
}

/// One owner's lines of the checklist.
pub struct ChecklistGroup {
    pub heading: String,
    pub items: Vec<ChecklistRow>,
}

/// One line of the checklist.
pub struct ChecklistRow {
    pub priority: String,
    pub priority_mark: String,
    pub priority_word: String,
    pub text: String,
    pub causes: String,
}

/// A row of the report.
pub struct RecView {
    pub priority: String,
    /// Coloured mark and word, for Markdown (emoji render on GitHub).
    pub priority_mark: String,
    /// The word alone, for HTML (a CSS chip carries the colour: no emoji font needed).
    pub priority_word: String,
    /// The consolidated client configuration's settings; empty for other entries.
    pub settings: Vec<SettingRow>,
    /// The entries folded into the client configuration.
    pub parts: Vec<PartNote>,
    pub title: String,
    pub why: String,
    pub causes: String,
    pub fence: String,
    pub lang: String,
    /// `diff` for a patch of the scanned code (`--source`), else [`Self::lang`].
    pub after_lang: String,
    pub before: String,
    pub after: String,
}

/// A row of the report.
pub struct RecGroup {
    pub heading: String,
    pub items: Vec<RecView>,
}

/// A row of the report.
pub struct TimelineRow {
    pub category: String,
    pub first: String,
    pub last: String,
    /// Timed events, with the category's events that have no time beside them ("208 (+7
    /// without a time)"), so that the row agrees with Impact.
    pub events: String,
    pub peak: String,
}

/// A row of the report.
pub struct FindingRow {
    pub id: String,
    pub fingerprint: String,
    pub events: u64,
    pub tests: usize,
    pub lines: String,
}

const LABEL_W: u32 = 150;
const CHART_W: u32 = 720;
const ROW_H: u32 = 22;

fn color(c: crate::model::Category) -> &'static str {
    const PALETTE: [&str; 12] = [
        "#c0392b", "#d35400", "#8e44ad", "#6c3483", "#b03a2e", "#1f618d", "#117a65", "#7d6608",
        "#5d6d7e", "#a04000", "#2e86c1", "#943126",
    ];
    let i = crate::model::Category::ALL
        .iter()
        .position(|x| *x == c)
        .unwrap_or(0);
    PALETTE[i]
}

/// One row per category of Impact: its timed events from the timeline, and how many of
/// its events have no time (traceback, summary and JUnit lines carry none). A category
/// with no timed event still gets its row, so Impact and Timeline count the same events.
fn timeline_rows(a: &Analysis, lang: Lang) -> Vec<TimelineRow> {
    if a.timeline.series.is_empty() {
        return Vec::new();
    }
    let mut rows: Vec<TimelineRow> = Vec::new();
    for c in &a.categories {
        let series = a.timeline.series.iter().find(|s| s.category == c.id);
        let points = series.map_or(&[][..], |s| &s.points[..]);
        let timed: i64 = points.iter().map(|p| p[1]).sum();
        let untimed = i64::try_from(c.events).unwrap_or(i64::MAX) - timed;
        let events = if untimed > 0 {
            translate(lang, &format!("{timed} (+{untimed} without a time)"))
        } else {
            timed.to_string()
        };
        let peak = points.iter().max_by_key(|p| (p[1], -p[0])).copied();
        rows.push(TimelineRow {
            category: c.id.id().to_string(),
            first: points.first().map_or("—".to_string(), |p| when(p[0])),
            last: points.last().map_or("—".to_string(), |p| when(p[0])),
            events,
            peak: peak.map_or("—".to_string(), |p| {
                format!("{} ({} {})", when(p[0]), p[1], Labels::of(lang).events_word)
            }),
        });
    }
    rows
}

/// Buckets the per-second timeline into at most 60 columns per category.
fn svg_timeline(a: &Analysis, events_word: &str) -> SvgTimeline {
    let (Some(start), Some(end)) = (a.timeline.start_s, a.timeline.end_s) else {
        return SvgTimeline::default();
    };
    let span = (end - start + 1).max(1);
    let buckets = span.min(60);
    let per = (span + buckets - 1) / buckets;
    let cell_w = (CHART_W / buckets as u32).max(1);
    let mut rows = Vec::new();
    let max = a
        .timeline
        .series
        .iter()
        .flat_map(|s| {
            let mut b = vec![0i64; buckets as usize];
            for p in &s.points {
                b[((p[0] - start) / per).min(buckets - 1) as usize] += p[1];
            }
            b
        })
        .max()
        .unwrap_or(1)
        .max(1);
    for (i, series) in a.timeline.series.iter().enumerate() {
        let mut b = vec![0i64; buckets as usize];
        for p in &series.points {
            b[((p[0] - start) / per).min(buckets - 1) as usize] += p[1];
        }
        let cells = b
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| SvgCell {
                x: LABEL_W + k as u32 * cell_w,
                w: cell_w.saturating_sub(1).max(1),
                opacity: format!("{:.2}", 0.2 + 0.8 * (*n as f64 / max as f64)),
                title: format!(
                    "{}: {} {}, {}",
                    series.category.id(),
                    n,
                    events_word,
                    when(start + k as i64 * per)
                ),
            })
            .collect();
        rows.push(SvgRow {
            label: series.category.id().to_string(),
            y: 10 + i as u32 * ROW_H,
            color: color(series.category),
            cells,
        });
    }
    let height = 10 + rows.len() as u32 * ROW_H + 24;
    let ticks = (0..=4)
        .map(|k| {
            let t = start + span * k / 4;
            SvgTick {
                x: LABEL_W + CHART_W * k as u32 / 4,
                label: chrono::DateTime::from_timestamp(t, 0)
                    .map(|d| d.format("%H:%M:%S").to_string())
                    .unwrap_or_default(),
            }
        })
        .collect();
    SvgTimeline {
        width: LABEL_W + CHART_W + 40,
        height,
        rows,
        ticks,
    }
}

fn when(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| epoch.to_string())
}

/// "2026-11-27 09:50:36 – 2026-11-27 09:51:29 UTC: 10 failed tests within 53 s; ..."
fn outage_sentence(w: &crate::rootcause::OutageWindow) -> String {
    let mut text = format!(
        "{} – {} UTC: {} failed tests within {} s",
        when(w.start_s),
        when(w.end_s),
        w.tests.len(),
        w.end_s - w.start_s + 1
    );
    match w.answered_ok {
        Some(0) => text.push_str("; no successful response from the target in that time"),
        Some(n) => text.push_str(&format!(
            "; the target answered {n} request(s) successfully in that time"
        )),
        None => {}
    }
    text
}

/// The capacity section: sentences translated, test names escaped.
fn capacity_view(a: &Analysis, lang: Lang, esc: &Escaper) -> Option<CapacityView> {
    let e = a.rca.capacity.as_ref()?;
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
fn shown_levels(e: &crate::capacity::CapacityEstimate) -> Vec<Option<&crate::capacity::LevelRow>> {
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
fn reprobe_rows(a: &Analysis, lang: Lang, esc: &Escaper) -> Vec<ReprobeRow> {
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

/// The coloured mark (Markdown) and the word of a priority.
fn priority_words(l: &Labels, priority: &str) -> (String, String) {
    let (mark, word) = match priority {
        "now" => ("🔴", l.now),
        "next" => ("🟠", l.next),
        _ => ("🟡", l.later),
    };
    (format!("{mark} {word} ·"), word.to_string())
}

/// A recommendation's text in the report's language.
fn localised<'r>(lang: Lang, en: &'r str, he: &'r str) -> &'r str {
    if lang == Lang::He && !he.is_empty() {
        he
    } else {
        en
    }
}

/// Code changes and infrastructure checks; the settings entries are folded into the
/// client configuration, whose table says what each line answers.
fn rec_groups(a: &Analysis, lang: Lang, l: &Labels, escaper: &Escaper) -> Vec<RecGroup> {
    let (esc, block) = (escaper.text, escaper.block);
    let parts: Vec<PartNote> = a
        .recommendations
        .iter()
        .filter(|r| r.part_of.is_some())
        .map(|r| PartNote {
            title: esc(localised(lang, &r.title, &r.title_he)),
            why: esc(localised(lang, &r.why, &r.why_he)),
            causes: r.root_causes.join(", "),
        })
        .collect();
    let mut parts = Some(parts);
    let mut groups: Vec<RecGroup> = Vec::new();
    for (kind, heading) in [("code", l.code_changes), ("infrastructure", l.infra_checks)] {
        let items: Vec<RecView> = a
            .recommendations
            .iter()
            .filter(|r| r.kind == kind && r.part_of.is_none())
            .map(|r| {
                let (priority_mark, priority_word) = priority_words(l, &r.priority);
                let settings: Vec<SettingRow> = r
                    .settings
                    .iter()
                    .map(|s| SettingRow {
                        name: (escaper.span_in_cell)(&s.name),
                        before: s
                            .before
                            .as_deref()
                            .map_or_else(|| "—".to_string(), |b| (escaper.span_in_cell)(b)),
                        after: (escaper.span_in_cell)(&s.after),
                        reason: esc(&translate(lang, &s.reason)),
                        causes: s.root_causes.join(", "),
                    })
                    .collect();
                let folded = if settings.is_empty() {
                    Vec::new()
                } else {
                    parts.take().unwrap_or_default()
                };
                RecView {
                    priority: r.priority.clone(),
                    priority_mark,
                    priority_word,
                    title: esc(localised(lang, &r.title, &r.title_he)),
                    why: esc(localised(lang, &r.why, &r.why_he)),
                    causes: r.root_causes.join(", "),
                    fence: fence(&[&r.before, &r.after]),
                    lang: if kind == "code" { "python" } else { "sh" }.to_string(),
                    after_lang: if r.after.starts_with("--- a/") {
                        "diff"
                    } else if kind == "code" {
                        "python"
                    } else {
                        "sh"
                    }
                    .to_string(),
                    before: block(&r.before),
                    after: block(&r.after),
                    settings,
                    parts: folded,
                }
            })
            .collect();
        if !items.is_empty() {
            groups.push(RecGroup {
                heading: heading.to_string(),
                items,
            });
        }
    }
    groups
}

/// The closing checklist: client code, then the platform team.
fn checklist_groups(
    a: &Analysis,
    lang: Lang,
    l: &Labels,
    escaper: &Escaper,
) -> Vec<ChecklistGroup> {
    let items = crate::checklist::build(&a.recommendations);
    [
        ("client_code", l.client_code),
        ("platform_team", l.platform_team),
    ]
    .into_iter()
    .filter_map(|(owner, heading)| {
        let rows: Vec<ChecklistRow> = items
            .iter()
            .filter(|i| i.owner == owner)
            .map(|i| {
                let (priority_mark, priority_word) = priority_words(l, &i.priority);
                ChecklistRow {
                    priority: i.priority.clone(),
                    priority_mark,
                    priority_word,
                    text: (escaper.text)(localised(lang, &i.text, &i.text_he)),
                    causes: i.root_causes.join(", "),
                }
            })
            .collect();
        (!rows.is_empty()).then(|| ChecklistGroup {
            heading: heading.to_string(),
            items: rows,
        })
    })
    .collect()
}

/// Evidence lines longer than this are cut ([`cut_evidence`]).
pub const EVIDENCE_WIDTH: usize = 160;

/// Where the part of a log line that matters starts: urllib3's `(Caused by ...)`, else the
/// first exception name.
static EXCEPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\(Caused by |\b[A-Z][A-Za-z0-9]*(?:Error|Exception|Timeout)\b")
        .expect("exception pattern")
});

/// A long evidence line cut at the part that matters: the exception (from `Caused by`, else
/// the first exception name) is kept whole as far as `max` allows, the prefix (timestamp,
/// logger, URL) is shortened first; a line without an exception keeps its start.
pub fn cut_evidence(text: &str, max: usize) -> String {
    let len = text.chars().count();
    if len <= max {
        return text.to_string();
    }
    let anchor = text
        .find("(Caused by ")
        .or_else(|| EXCEPTION.find(text).map(|m| m.start()));
    let Some(at) = anchor else {
        return format!("{}…", text.chars().take(max - 1).collect::<String>());
    };
    let (head, tail) = text.split_at(at);
    let tail_len = tail.chars().count();
    if tail_len + 24 >= max {
        let kept: String = tail.chars().take(max - 2).collect();
        let more = if tail_len > max - 2 { "…" } else { "" };
        return format!("…{kept}{more}");
    }
    let head_room = max - tail_len - 2;
    let head: String = head.chars().take(head_room).collect();
    format!("{head}…{tail}")
}

/// Builds the report view; `escaper` escapes every string taken from the log.
pub fn build_view(a: &Analysis, opts: &ReportOptions, escaper: &Escaper) -> View {
    let (esc, span, cell_span, block) = (
        escaper.text,
        escaper.span,
        escaper.span_in_cell,
        escaper.block,
    );
    let s = &a.summary;
    let lang = opts.lang;
    let l = Labels::of(lang);
    // Sentences the analysis wrote, in the report's language, then escaped.
    let tr = |text: &str| esc(&translate(lang, text));
    let inputs: Vec<String> = a.inputs.iter().map(|i| span(&i.path)).collect();
    let title = opts
        .title
        .clone()
        .unwrap_or_else(|| super::header::default_title(a));
    let mut primary: BTreeMap<&str, &str> = BTreeMap::new();
    for rc in &a.rca.root_causes {
        for t in &rc.failed_tests {
            primary.insert(t.as_str(), rc.id.as_str());
        }
    }
    let failing = a
        .tests
        .iter()
        .filter(|t| t.outcome == "failed" || t.outcome == "error")
        .map(|t| FailingRow {
            name: cell_span(&t.nodeid),
            outcome: word(lang, &t.outcome),
            categories: t
                .categories
                .iter()
                .map(|c| c.id())
                .collect::<Vec<_>>()
                .join(", "),
            symptom: tr(t.symptom.as_deref().unwrap_or("")),
            cause: primary
                .get(t.nodeid.as_str())
                .copied()
                .unwrap_or("—")
                .to_string(),
            history: t.history.as_ref().map(|h| tr(&h.text)).unwrap_or_default(),
        })
        .collect();
    let causes = a
        .rca
        .root_causes
        .iter()
        .map(|rc| {
            // The cause's most frequent lines across its findings, so that a finding listed
            // late (the runner's re-logged exhaustions) is not hidden by one with many rare lines.
            let mut all: Vec<&crate::rootcause::SampleLine> = a
                .rca
                .findings
                .iter()
                .filter(|f| rc.findings.contains(&f.id))
                .flat_map(|f| f.samples.iter())
                .collect();
            all.sort_by(|x, y| y.count.cmp(&x.count).then(x.location.cmp(&y.location)));
            let samples: Vec<String> = all
                .into_iter()
                .take(6)
                .map(|s| {
                    block(&format!(
                        "L{}  ×{}  {}",
                        s.location.line,
                        s.count,
                        cut_evidence(&s.text, EVIDENCE_WIDTH)
                    ))
                })
                .collect();
            let refs: Vec<&str> = samples.iter().map(String::as_str).collect();
            let names = |v: &[String]| -> Vec<String> {
                v.iter()
                    .map(|t| span(t.rsplit("::").next().unwrap_or(t)))
                    .collect()
            };
            CauseView {
                id: rc.id.clone(),
                title: tr(&rc.title),
                locus: word(lang, rc.verdict.locus.id()),
                confidence: word(lang, rc.verdict.confidence.id()),
                summary: tr(&rc.verdict.summary),
                events: rc.events,
                window: rc
                    .window
                    .map(|w| format!("{} – {} UTC", when(w.start_s), when(w.end_s)))
                    .unwrap_or_default(),
                failed_count: rc.failed_tests.len(),
                contributing_count: rc.contributing_to.len(),
                fence: fence(&refs),
                samples,
                evidence: rc.verdict.evidence.iter().map(|e| tr(e)).collect(),
                counter: rc.verdict.counter_evidence.iter().map(|e| tr(e)).collect(),
                checks: rc
                    .cross_checks
                    .iter()
                    .map(|c| CheckRow {
                        title: tr(&c.title),
                        statement: tr(&c.statement),
                        lines: c
                            .locations
                            .iter()
                            .map(|l| format!("L{}", l.line))
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
                    .collect(),
                failed: names(&rc.failed_tests),
                history: rc.history.as_ref().map(|h| tr(&h.text)).unwrap_or_default(),
                code: rc
                    .source_links
                    .iter()
                    .map(|l| CodeRow {
                        at: span(&format!("{}:{}", l.file, l.line)),
                        note: tr(&l.note),
                    })
                    .collect(),
                outages: rc
                    .outage_windows
                    .iter()
                    .map(|w| OutageView {
                        text: tr(&outage_sentence(w)),
                        tests: names(&w.tests),
                    })
                    .collect(),
            }
        })
        .collect();
    let groups = rec_groups(a, lang, &l, escaper);
    let checklist = checklist_groups(a, lang, &l, escaper);
    let timeline = timeline_rows(a, lang);
    let findings = a
        .rca
        .findings
        .iter()
        .map(|f| FindingRow {
            id: f.id.clone(),
            fingerprint: cell_span(&f.fingerprint),
            events: f.events,
            tests: f.tests.len(),
            lines: f
                .locations
                .iter()
                .take(5)
                .map(|l| format!("L{}", l.line))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let reprobe = reprobe_rows(a, lang, escaper);
    View {
        reprobe,
        baseline: super::baseline_run::view(a, lang, escaper),
        capacity: capacity_view(a, lang, escaper),
        history: a
            .history
            .as_ref()
            .map(|h| tr(&h.summary))
            .unwrap_or_default(),
        title: esc(&title),
        headline: esc(&translate(lang, &a.rca.headline).replace("->", "→")),
        version: a.tool.version.to_string(),
        inputs,
        run_line: tr(&super::header::run_line(a)),
        total: s.total,
        passed: s.passed,
        failed: s.failed,
        errors: s.errors,
        skipped: s.skipped,
        xfailed: s.xfailed,
        xpassed: s.xpassed,
        failed_pct: if s.total == 0 {
            "0%".to_string()
        } else {
            format!("{:.0}%", s.failed as f64 * 100.0 / s.total as f64)
        },
        unexplained: a.rca.unexplained_failures.len(),
        categories: a
            .categories
            .iter()
            .map(|c| CategoryRow {
                id: c.id.id().to_string(),
                events: c.events,
                tests: c.tests,
                failed_tests: c.failed_tests,
                hosts: esc(&c
                    .hosts
                    .iter()
                    .take(3)
                    .map(|h| format!("{} ({})", h.host, h.events))
                    .collect::<Vec<_>>()
                    .join(", ")),
            })
            .collect(),
        failing,
        causes,
        rec_groups: groups,
        checklist,
        timeline,
        findings,
        warnings: a.warnings.iter().map(|w| esc(w)).collect(),
        svg: svg_timeline(a, l.events_word),
        lang: lang.code(),
        dir: lang.dir(),
        l,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_evidence_keeps_the_exception_not_the_prefix() {
        let line = format!(
            "[  ERROR] src.core.api_client: Request failed after 894.25ms for POST https://127.0.0.1:36367/{}: HTTPSConnectionPool(host='127.0.0.1', port=36367): Max retries exceeded with url: /x (Caused by ResponseError('too many 503 error responses'))",
            "p/".repeat(30)
        );
        let cut = cut_evidence(&line, 160);
        assert!(cut.chars().count() <= 160, "{cut}");
        assert!(
            cut.ends_with("(Caused by ResponseError('too many 503 error responses'))"),
            "{cut}"
        );
        assert!(cut.starts_with("[  ERROR] src.core"), "{cut}");
        let retrying = "[WARNING] urllib3.connectionpool: Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ConnectTimeoutError(<HTTPSConnection(host='127.0.0.1', port=54789) at 0x…>, 'Connection to 127.0.0.1 timed out. (connect timeout=0.5)')': /focus-server/configure";
        let cut = cut_evidence(retrying, 160);
        assert!(cut.contains("ConnectTimeoutError("), "{cut}");
        assert!(cut.contains("timed out. (connect timeout=0.5)"), "{cut}");
        assert_eq!(cut_evidence("short", 160), "short");
        assert_eq!(cut_evidence(&"x".repeat(200), 160).chars().count(), 160);
    }
}
