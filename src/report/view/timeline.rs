//! The Timeline section of the report view: one row per category (first, last and busiest
//! second) and the events-over-time SVG chart, bucketed into at most 60 columns.
//!
//! It does not compute the timeline: the per-second counts come from the analysis
//! ([`crate::facts::RunFacts::timeline`]); the templates draw what is built here.

use super::when;
use crate::report::Report;
use crate::report::i18n::{Labels, Lang, translate};

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
pub struct TimelineRow {
    pub category: String,
    pub first: String,
    pub last: String,
    /// Timed events, with the category's events that have no time beside them ("208 (+7
    /// without a time)"), so that the row agrees with Impact.
    pub events: String,
    pub peak: String,
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
pub(super) fn timeline_rows(a: &Report, lang: Lang) -> Vec<TimelineRow> {
    if a.facts.timeline.series.is_empty() {
        return Vec::new();
    }
    let mut rows: Vec<TimelineRow> = Vec::new();
    for c in &a.facts.categories {
        let series = a.facts.timeline.series.iter().find(|s| s.category == c.id);
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

/// How the chart cuts the run into columns: the first second, the seconds covered, the
/// number of columns and the seconds per column.
#[derive(Clone, Copy)]
struct Buckets {
    start: i64,
    span: i64,
    count: i64,
    per: i64,
}

impl Buckets {
    /// A series' per-second points summed per column.
    fn sum(self, points: &[[i64; 2]]) -> Vec<i64> {
        let mut b = vec![0i64; self.count as usize];
        for p in points {
            b[((p[0] - self.start) / self.per).min(self.count - 1) as usize] += p[1];
        }
        b
    }
}

/// Buckets the per-second timeline into at most 60 columns per category.
pub(super) fn svg_timeline(a: &Report, events_word: &str) -> SvgTimeline {
    let (Some(start), Some(end)) = (a.facts.timeline.start_s, a.facts.timeline.end_s) else {
        return SvgTimeline::default();
    };
    let span = (end - start + 1).max(1);
    let count = span.min(60);
    let per = (span + count - 1) / count;
    let buckets = Buckets {
        start,
        span,
        count,
        per,
    };
    let max = a
        .facts
        .timeline
        .series
        .iter()
        .flat_map(|s| buckets.sum(&s.points))
        .max()
        .unwrap_or(1)
        .max(1);
    let rows: Vec<SvgRow> = a
        .facts
        .timeline
        .series
        .iter()
        .enumerate()
        .map(|(i, series)| svg_row(i, series, buckets, max, events_word))
        .collect();
    let height = 10 + rows.len() as u32 * ROW_H + 24;
    SvgTimeline {
        width: LABEL_W + CHART_W + 40,
        height,
        rows,
        ticks: svg_ticks(buckets),
    }
}

/// The chart row of the `i`-th series: one cell per column with events, opacity by count
/// against the busiest column of the chart (`max`).
fn svg_row(
    i: usize,
    series: &crate::facts::Series,
    buckets: Buckets,
    max: i64,
    events_word: &str,
) -> SvgRow {
    let cell_w = (CHART_W / buckets.count as u32).max(1);
    let cells = buckets
        .sum(&series.points)
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
                when(buckets.start + k as i64 * buckets.per)
            ),
        })
        .collect();
    SvgRow {
        label: series.category.id().to_string(),
        y: 10 + i as u32 * ROW_H,
        color: color(series.category),
        cells,
    }
}

/// Five time-axis labels, at the start, the quarters and the end of the run.
fn svg_ticks(buckets: Buckets) -> Vec<SvgTick> {
    let (start, span) = (buckets.start, buckets.span);
    (0..=4)
        .map(|k| {
            let t = start + span * k / 4;
            SvgTick {
                x: LABEL_W + CHART_W * k as u32 / 4,
                label: chrono::DateTime::from_timestamp(t, 0)
                    .map(|d| d.format("%H:%M:%S").to_string())
                    .unwrap_or_default(),
            }
        })
        .collect()
}
