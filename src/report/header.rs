//! The report's header: when the run happened (from the log's own times), which servers the
//! log names, which tool wrote the report, and a default title that says what the run was
//! ("RCA: pytest run 2026-11-27, 18/41 failed"). Owns only these sentences; the view escapes
//! and translates them, the templates place them.

use crate::report::Report;

/// First and last second the log shows: events, HTTP responses, the JUnit session start.
pub fn run_window(a: &Report) -> Option<(i64, i64)> {
    let mut lo = a.facts.timeline.start_s;
    let mut hi = a.facts.timeline.end_s;
    let mut widen = |t: i64| {
        lo = Some(lo.map_or(t, |l| l.min(t)));
        hi = Some(hi.map_or(t, |h| h.max(t)));
    };
    for r in &a.facts.responses {
        if let (Some(first), Some(last)) = (r.by_second.keys().next(), r.by_second.keys().last()) {
            widen(*first);
            widen(*last);
        }
    }
    if let Some(s) = a.facts.summary.started_s {
        widen(s);
        if let Some(d) = a.facts.summary.duration_s {
            widen(s + d.round() as i64);
        }
    }
    Some((lo?, hi?))
}

/// The servers the log names: root causes' base URLs (`scheme://host:port`) first, then
/// targets that only answered; at most `max`, with how many more.
pub fn servers(a: &Report, max: usize) -> (Vec<String>, usize) {
    let mut out: Vec<String> = crate::probe::targets::targets(&a.diagnosis, &[])
        .into_iter()
        .map(|t| t.logged)
        .collect();
    for r in &a.facts.responses {
        let named = out.iter().any(|u| u.ends_with(&format!("//{}", r.target)));
        if !named {
            out.push(r.target.clone());
        }
    }
    let more = out.len().saturating_sub(max);
    out.truncate(max);
    (out, more)
}

fn date_time(epoch: i64) -> (String, String) {
    chrono::DateTime::from_timestamp(epoch, 0).map_or_else(
        || (String::new(), String::new()),
        |t| {
            (
                t.format("%Y-%m-%d").to_string(),
                t.format("%H:%M:%S").to_string(),
            )
        },
    )
}

/// "Run: 2026-11-27 09:50:36 – 09:51:29 UTC; servers named in the log: https://...; rca
/// 0.1.0", clauses separated by `; ` so that each is translated on its own.
pub fn run_line(a: &Report) -> String {
    let mut clauses = Vec::new();
    if let Some((lo, hi)) = run_window(a) {
        let ((d1, t1), (d2, t2)) = (date_time(lo), date_time(hi));
        clauses.push(if d1 == d2 {
            format!("Run: {d1} {t1} – {t2} UTC")
        } else {
            format!("Run: {d1} {t1} – {d2} {t2} UTC")
        });
    }
    let (servers, more) = servers(a, 5);
    if !servers.is_empty() {
        let mut list = servers.join(", ");
        if more > 0 {
            list.push_str(&format!(" and {more} more"));
        }
        clauses.push(format!("servers named in the log: {list}"));
    }
    clauses.push(format!("{} {}", a.tool.name, a.tool.version));
    clauses.join("; ")
}

/// The default title: the run's date and its failed/total count, else the first input.
pub fn default_title(a: &Report) -> String {
    let s = &a.facts.summary;
    let failed = s.failed + s.errors;
    let what = match run_window(a) {
        Some((lo, _)) => format!("pytest run {}", date_time(lo).0),
        None => a
            .facts
            .inputs
            .first()
            .map_or("pytest run".to_string(), |i| i.path.clone()),
    };
    if s.total == 0 {
        format!("RCA: {what}")
    } else {
        format!("RCA: {what}, {failed}/{} failed", s.total)
    }
}
