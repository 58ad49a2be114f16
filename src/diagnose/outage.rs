//! Outage windows: stretches of time in which a target failed and did not answer, split
//! at gaps of [`OUTAGE_GAP_S`] seconds, from the findings and the responses the log shows.
//! It reads the run's facts only; it does not name causes.

use super::*;

/// Two failed tests belong to one outage when the second one's first event comes at most
/// this long after the first one's last event.
pub(crate) const OUTAGE_GAP_S: i64 = 10;

/// Groups the failed tests of a cause into outage windows: tests whose failures overlap or
/// follow each other within [`OUTAGE_GAP_S`], unless the target answered successfully in
/// the gap between them (then the server was up in between and these are two episodes).
/// A window needs two tests or more: its tests are collateral of one outage, not
/// independent failures.
pub(crate) fn outage_windows(
    index: &TestIndex<'_>,
    failed: &[String],
    answered: Option<&crate::attribute::responses::TargetResponses>,
) -> Vec<OutageWindow> {
    let mut spans: Vec<(i64, i64, &String)> = failed
        .iter()
        .filter_map(|t| {
            let x = index.get(t.as_str())?;
            Some((x.first_event_s?, x.last_event_s?, t))
        })
        .collect();
    spans.sort();
    let mut windows: Vec<OutageWindow> = Vec::new();
    for (start, end, test) in spans {
        let joins = windows.last().is_some_and(|w| {
            start <= w.end_s + OUTAGE_GAP_S
                && (start <= w.end_s
                    || answered.is_none_or(|r| r.ok_between(w.end_s + 1, start - 1) == 0))
        });
        match windows.last_mut() {
            Some(w) if joins => {
                w.end_s = w.end_s.max(end);
                w.tests.push(test.clone());
            }
            _ => windows.push(OutageWindow {
                start_s: start,
                end_s: end,
                tests: vec![test.clone()],
                answered_ok: None,
            }),
        }
    }
    windows.retain(|w| w.tests.len() >= 2);
    for w in &mut windows {
        w.answered_ok = answered.map(|r| r.ok_between(w.start_s, w.end_s));
    }
    windows
}
