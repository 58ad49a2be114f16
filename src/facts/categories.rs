//! The run's categories and events as reported: totals per category (events, tests,
//! hosts), and one event report per aggregated group with its sample redacted. It does not
//! describe single tests (`per_test.rs`).

use super::*;

/// The categories a group's events count for: its own and, for retry exhaustion, the
/// failure that was retried.
pub fn group_categories(k: &GroupKey) -> impl Iterator<Item = Category> {
    std::iter::once(k.category).chain(k.cause.filter(|c| *c != k.category))
}

pub(crate) fn category_reports(
    groups: &[(&GroupKey, &EventGroup)],
    tests: &[TestRecord],
) -> Vec<CategoryReport> {
    Category::ALL
        .iter()
        .filter_map(|&cat| {
            let mine: Vec<_> = groups
                .iter()
                .filter(|(k, _)| group_categories(k).any(|c| c == cat))
                .collect();
            if mine.is_empty() {
                return None;
            }
            let events = mine.iter().map(|(_, g)| g.count).sum();
            let session_events = mine
                .iter()
                .filter(|(k, _)| k.test.is_none())
                .map(|(_, g)| g.count)
                .sum();
            // Tests whose lines show the category, also when those lines were folded into
            // another event (the runner's re-logged exhaustion of the client's deadline): the
            // same set as the tests' own `categories`.
            let mut test_set: BTreeSet<u32> = mine.iter().filter_map(|(k, _)| k.test).collect();
            test_set.extend(
                tests
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.folded_categories.contains(&cat))
                    .filter_map(|(i, _)| u32::try_from(i).ok()),
            );
            let failed_tests = test_set
                .iter()
                .filter(|&&t| tests[t as usize].outcome.is_some_and(Outcome::is_failure))
                .count() as u64;
            // Counted per (host, port) and named once per pair: a dense log has tens of
            // thousands of groups and a handful of hosts.
            let mut by_target: crate::attribute::collect::HashMap<(&str, Option<u16>), u64> =
                Default::default();
            for (k, g) in &mine {
                if let Some(h) = &k.host {
                    *by_target.entry((h.as_str(), k.port)).or_default() += g.count;
                }
            }
            let mut hosts: BTreeMap<String, u64> = BTreeMap::new();
            for ((h, port), events) in by_target {
                let host = match port {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_string(),
                };
                *hosts.entry(host).or_default() += events;
            }
            let mut hosts: Vec<HostCount> = hosts
                .into_iter()
                .map(|(host, events)| HostCount { host, events })
                .collect();
            hosts.sort_by(|a, b| b.events.cmp(&a.events).then(a.host.cmp(&b.host)));
            let mut locations: Vec<Location> = mine
                .iter()
                .flat_map(|(_, g)| g.lines.iter().map(|&(file, line)| Location { file, line }))
                .collect();
            crate::keep_first_sorted(
                &mut locations,
                crate::attribute::event::MAX_LINES_PER_GROUP,
                Ord::cmp,
            );
            Some(CategoryReport {
                id: cat,
                description: describe(cat),
                events,
                tests: test_set.len() as u64,
                failed_tests,
                session_events,
                hosts,
                locations,
            })
        })
        .collect()
}

/// One group as reported; `path` (the group's path template) and `sample` (its sample
/// line) already redacted.
pub(crate) fn event_report(
    k: GroupKey,
    g: EventGroup,
    path: Option<String>,
    sample: String,
    tests: &[TestRecord],
    sigs: &SignatureSet,
) -> EventReport {
    EventReport {
        category: k.category,
        cause: g.cause,
        kind: k.kind,
        test: k.test.map(|t| tests[t as usize].nodeid.clone()),
        signature: sigs.signatures()[k.signature].spec.id.clone(),
        count: g.count,
        lines: g.log_lines,
        host: k.host,
        port: k.port,
        method: k.method,
        path,
        status: k.status,
        timeouts_s: g.timeouts_s,
        pool_sizes: g.pool_sizes,
        max_elapsed_ms: g.max_elapsed_ms,
        retry: g.retry,
        retry_max_total: g.retry_max_total,
        first_at: g.first_at,
        last_at: g.last_at,
        locations: g
            .lines
            .into_iter()
            .map(|(file, line)| Location { file, line })
            .collect(),
        last: Location {
            file: g.last.0,
            line: g.last.1,
        },
        sample,
    }
}
