//! Printers for `rca probe`: a JSON document (schema in README.md) and terminal tables. The
//! same target table also serves the text output of `rca analyze --probe`. Server answers
//! and URLs from logs reach a terminal only through [`safe`](super::safe).
//!
//! It does not probe or judge servers: the requests, statistics and verdicts are
//! [`crate::probe`]'s; this only prints them.

use super::text::table;
use crate::probe::stats::{Latency, mix};
use crate::probe::{ProbeConfig, TargetReport};
use comfy_table::{Cell, CellAlignment, Table};
use serde::Serialize;

/// The JSON document of `rca probe --format json`.
#[derive(Serialize)]
struct ProbeDocument<'a> {
    schema_version: u32,
    limits: Limits,
    targets: &'a [TargetReport],
}

/// The bounds the probe ran under.
#[derive(Serialize)]
struct Limits {
    max_requests: u64,
    max_time_s: f64,
    rate_per_s: f64,
    health_requests: u32,
    requests_per_step: u32,
    ramp: Vec<u32>,
}

/// Pretty-printed JSON with a trailing newline.
pub fn json(reports: &[TargetReport], cfg: &ProbeConfig) -> String {
    let doc = ProbeDocument {
        schema_version: 1,
        limits: Limits {
            max_requests: cfg.max_requests,
            max_time_s: cfg.max_time.as_secs_f64(),
            rate_per_s: cfg.rate,
            health_requests: cfg.health_requests,
            requests_per_step: cfg.requests_per_step,
            ramp: cfg.ramp.clone(),
        },
        targets: reports,
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("probe report serialises");
    s.push('\n');
    super::safe::json(s)
}

fn latency_cell(l: Option<Latency>) -> String {
    l.map(|l| format!("{:.0} / {:.0} / {:.0}", l.p50_ms, l.p95_ms, l.p99_ms))
        .unwrap_or_else(|| "-".to_string())
}

fn right(s: impl ToString) -> Cell {
    Cell::new(s.to_string()).set_alignment(CellAlignment::Right)
}

/// One row per target: verdict, attempts, breaker, latency, outcomes, knee.
pub fn targets_table(reports: &[TargetReport], width: Option<u16>) -> Table {
    let mut t = table(width);
    t.set_header(vec![
        "target",
        "verdict",
        "sent",
        "breaker",
        "p50/p95/p99 ms",
        "outcomes",
        "knee",
    ]);
    for r in reports {
        let outcomes: Vec<String> = r
            .outcomes
            .iter()
            .map(|(k, n)| format!("{k} x{n}"))
            .collect();
        t.add_row(vec![
            super::text::text_cell(&r.url),
            Cell::new(r.verdict.id()),
            right(r.requests_sent),
            Cell::new(if r.circuit_opened { "opened" } else { "closed" }),
            Cell::new(latency_cell(r.latency)),
            super::text::text_cell(outcomes.join(", ")),
            Cell::new(
                r.knee
                    .as_ref()
                    .map(|k| format!("c={} ({})", k.concurrency, k.reason))
                    .unwrap_or_else(|| "-".to_string()),
            ),
        ]);
    }
    t
}

fn steps_table(r: &TargetReport, width: Option<u16>) -> Table {
    let mut t = table(width);
    t.set_header(vec![
        "concurrency",
        "peak in flight",
        "sent",
        "success",
        "p50/p95/p99 ms",
        "failures",
        "capped by",
    ]);
    for s in &r.steps {
        t.add_row(vec![
            right(s.concurrency),
            right(s.peak_in_flight),
            right(s.requests),
            right(format!("{:.0}%", s.success_rate * 100.0)),
            Cell::new(latency_cell(s.latency)),
            Cell::new(format!(
                "{}{}",
                mix(&s.outcomes),
                if s.breaker_opened {
                    "; breaker opened"
                } else {
                    ""
                }
            )),
            Cell::new(match s.capped_by {
                Some("rate") => "rate limit",
                Some("requests_per_step") => "attempts per step",
                _ => "-",
            }),
        ]);
    }
    t
}

/// Terminal text: the targets table, then per target its timings, ramp and knee.
pub fn text(reports: &[TargetReport], cfg: &ProbeConfig, width: Option<u16>) -> String {
    let mut out = format!(
        "rca probe: {} target(s); at most {} attempts, {:.0} s, {} attempts/s\n",
        reports.len(),
        cfg.max_requests,
        cfg.max_time.as_secs_f64(),
        cfg.rate
    );
    out.push_str(&targets_table(reports, width).to_string());
    out.push('\n');
    for r in reports {
        out.push_str(&format!("\n{}: {}\n", r.url, r.verdict.id()));
        let t = &r.timings;
        let part = |label: &str, v: Option<f64>| v.map(|v| format!("{label} {v:.1} ms"));
        let timings: Vec<String> = [
            part("dns", t.dns_ms),
            part("connect", t.connect_ms),
            part("tls", t.tls_ms),
            part("first byte (p50)", t.first_byte_p50_ms),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !timings.is_empty() {
            out.push_str(&format!("  timings: {}\n", timings.join(", ")));
        }
        if let Some(e) = &t.preflight_error {
            out.push_str(&format!("  preflight: {e}\n"));
        }
        for c in &r.breaker_transitions {
            out.push_str(&format!(
                "  breaker: {} -> {} at {} ms ({})\n",
                c.from, c.to, c.at_ms, c.reason
            ));
        }
        if !r.steps.is_empty() {
            out.push_str(&steps_table(r, width).to_string());
            out.push('\n');
        }
        match &r.knee {
            Some(k) => out.push_str(&format!(
                "  capacity knee at concurrency {}{}: {}\n",
                k.concurrency,
                k.last_good
                    .map(|g| format!(" (last good step: {g})"))
                    .unwrap_or_default(),
                k.detail
            )),
            None if r.steps.iter().any(|s| s.capped_by.is_some()) => {
                let reached = r.steps.iter().map(|s| s.peak_in_flight).max().unwrap_or(0);
                out.push_str(&format!(
                    "  no capacity knee up to {reached} in flight on the wire: the ramp was capped below its steps (see the warnings)\n"
                ));
            }
            None if !r.steps.is_empty() => {
                out.push_str("  no capacity knee within the ramp\n");
            }
            None => {}
        }
        for w in &r.warnings {
            out.push_str(&format!("  warning: {w}\n"));
        }
        match (r.stopped_by, r.retry_after_s) {
            (Some("retry_after"), Some(wait)) => out.push_str(&format!(
                "  stopped by: retry_after (the server asked for {wait} s, more than the client waits)\n"
            )),
            (Some(s), _) => out.push_str(&format!("  stopped by: {s}\n")),
            (None, _) => {}
        }
    }
    super::text::terminal(out)
}
