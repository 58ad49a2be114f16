//! The verdict of one root cause: server, client or network, with its confidence, the
//! evidence for it and the counter-evidence against it, each pointing at log lines. It
//! reads the cause's findings and cross-checks; it does not compute the cross-checks.

use super::*;

/// The first `n` log lines of the findings, as `L12, L40`.
pub(crate) fn first_lines(fs: &[&Finding], n: usize) -> String {
    let mut locs: Vec<Location> = fs
        .iter()
        .flat_map(|f| f.locations.iter().copied())
        .collect();
    locs.sort();
    locs.dedup();
    let shown: Vec<String> = locs
        .iter()
        .take(n)
        .map(|l| format!("L{}", l.line))
        .collect();
    shown.join(", ")
}

/// The findings of a root cause, in the order it lists them.
pub(crate) fn findings_of<'f>(rc: &RootCause, all: &'f [Finding]) -> Vec<&'f Finding> {
    let ids: HashSet<&str> = rc.findings.iter().map(String::as_str).collect();
    all.iter().filter(|f| ids.contains(f.id.as_str())).collect()
}

/// Where a cause lies, how sure that is, and the one-line summary.
type Judgement = (Locus, Confidence, String);

/// Successful answers of a cause's target while it was failing: (ok, scope, errors).
type Answered = (u64, &'static str, u64);

/// The verdict of one root cause from its findings, the targets that answered and the
/// baseline tests.
pub(crate) fn verdict(
    a: &RunFacts,
    rc: &RootCause,
    all: &[Finding],
    baselines: &[&TestReport],
) -> Verdict {
    let fs = findings_of(rc, all);
    let target = rc
        .target
        .clone()
        .unwrap_or_else(|| "the target".to_string());
    let mut evidence = vec![events_evidence(rc, &fs)];
    let mut counter = Vec::new();
    if !rc.failed_tests.is_empty() {
        evidence.push(format!(
            "{} failed test(s) have this as their main failure",
            rc.failed_tests.len()
        ));
    }
    if !rc.passed_tests_affected.is_empty() {
        counter.push(format!(
            "{} test(s) showed these events and still passed",
            rc.passed_tests_affected.len()
        ));
    }
    let answered = answered_while_failing(a, rc);
    if let Some((ok, scope, errors)) = answered {
        counter.push(format!(
            "{target} answered {ok} request(s) successfully {scope} ({errors} error response(s) in all)"
        ));
    }
    let spoke = rc
        .target
        .as_deref()
        .is_some_and(|t| answered_targets(a, all).contains(t));
    let (locus, confidence, summary) = match rc.family {
        Family::Unreachable if answered.is_none() && spoke => answered_elsewhere(rc, &target),
        Family::Unreachable if answered.is_some() => {
            let ok = answered.map_or(0, |a| a.0);
            (
                Locus::ServerCapacity,
                Confidence::Medium,
                format!(
                    "{target} answered {ok} other request(s) while these failed: overloaded or flapping, not down"
                ),
            )
        }
        Family::Unreachable => {
            unreachable_by_baseline(&target, &fs, baselines, &mut evidence, &mut counter)
        }
        Family::ErrorResponses => error_responses(&target, &fs),
        Family::SlowOrDropping => (
            Locus::ServerCapacity,
            Confidence::Medium,
            format!("{target} accepted connections but answered too slowly or dropped them"),
        ),
        Family::ClientPool => client_pool(&fs, &mut evidence),
    };
    Verdict {
        locus,
        confidence,
        summary,
        evidence,
        counter_evidence: counter,
    }
}

/// The first piece of evidence: how many events in which findings, first at which lines.
fn events_evidence(rc: &RootCause, fs: &[&Finding]) -> String {
    format!(
        "{} event(s) in {} finding(s) ({}), first at {}",
        rc.events,
        fs.len(),
        rc.categories
            .iter()
            .map(|c| c.id())
            .collect::<Vec<_>>()
            .join(", "),
        first_lines(fs, 3)
    )
}

/// Successful responses from the same target while it was failing (in its window when
/// the responses have seconds, else during the run).
fn answered_while_failing(a: &RunFacts, rc: &RootCause) -> Option<Answered> {
    let t = rc.target.as_deref()?;
    let r = a.responses.iter().find(|r| r.target == t)?;
    let (ok, scope) = match rc.window {
        Some(w) if !r.by_second.is_empty() => {
            (r.ok_between(w.start_s, w.end_s), "in the same window")
        }
        _ => (r.ok, "during the run"),
    };
    (ok > 0).then_some((ok, scope, r.errors))
}

/// Connections failed to a target that answered other requests of the run (not while
/// these failed): a mismatch on these requests or an intermittent fault, not a server down.
fn answered_elsewhere(rc: &RootCause, target: &str) -> Judgement {
    let cats: Vec<&str> = rc.categories.iter().map(|c| c.id()).collect();
    (
        Locus::Unknown,
        Confidence::Low,
        format!(
            "connections to {target} failed ({}) although it answered other requests in this run (error statuses or slow answers): a scheme, TLS or port mismatch on these requests, or an intermittent network fault, not a server that is down",
            cats.join(", ")
        ),
    )
}

/// An unreachable target that answered nothing: the single-request baseline tells down
/// (it failed too) from overloaded (it passed).
fn unreachable_by_baseline(
    target: &str,
    fs: &[&Finding],
    baselines: &[&TestReport],
    evidence: &mut Vec<String>,
    counter: &mut Vec<String>,
) -> Judgement {
    let touched: HashSet<&str> = fs
        .iter()
        .flat_map(|f| f.tests.iter().map(String::as_str))
        .collect();
    let baseline_failed: Vec<&&TestReport> = baselines
        .iter()
        .filter(|t| touched.contains(t.nodeid.as_str()) && is_failed(t))
        .collect();
    let baseline_passed: Vec<&TestReport> = baselines
        .iter()
        .copied()
        .filter(|t| t.outcome == "passed")
        .collect();
    if !baseline_failed.is_empty() {
        evidence.push(format!(
            "the single-request baseline failed too ({}): the target fails without load",
            baseline_failed
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        (
            Locus::Infrastructure,
            if baseline_passed.is_empty() {
                Confidence::High
            } else {
                Confidence::Medium
            },
            format!(
                "{target} could not be reached even without load: server down, firewall or network"
            ),
        )
    } else if !baseline_passed.is_empty() {
        counter.push(format!(
            "baseline test(s) passed: {}",
            baseline_passed
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        (
            Locus::ServerCapacity,
            Confidence::Medium,
            format!("{target} accepts single requests but stops accepting connections under load"),
        )
    } else {
        (
            Locus::Infrastructure,
            Confidence::Low,
            format!("{target} could not be reached; no baseline test tells down from overloaded"),
        )
    }
}

/// Error responses judged by the first status: overload, server error or rejected request.
fn error_responses(target: &str, fs: &[&Finding]) -> Judgement {
    let status = fs.iter().find_map(|f| f.status);
    match status {
        Some(503) | Some(429) | Some(502) | Some(504) => (
            Locus::ServerCapacity,
            Confidence::Medium,
            format!(
                "{target} is up but refuses work with HTTP {}: overloaded or an unhealthy upstream",
                status.unwrap_or_default()
            ),
        ),
        Some(s) if s >= 500 => (
            Locus::Unknown,
            Confidence::Low,
            format!("{target} answered HTTP {s}: a server-side error; its logs must say why"),
        ),
        Some(s) => (
            Locus::TestCode,
            Confidence::Low,
            format!("{target} rejected the requests with HTTP {s}: check what the tests send"),
        ),
        None => (
            Locus::Unknown,
            Confidence::Low,
            format!("{target} answered error statuses"),
        ),
    }
}

/// A client pool too small for the concurrency: the client's code, surer with a size.
fn client_pool(fs: &[&Finding], evidence: &mut Vec<String>) -> Judgement {
    let sizes: BTreeSet<u32> = fs
        .iter()
        .flat_map(|f| f.pool_sizes.iter().copied())
        .collect();
    if sizes.contains(&URLLIB3_DEFAULT_POOL) {
        evidence.push(format!(
            "pool size {URLLIB3_DEFAULT_POOL} is the urllib3/requests default: a session without explicit pool settings"
        ));
    }
    (
        Locus::ClientCode,
        if sizes.is_empty() {
            Confidence::Medium
        } else {
            Confidence::High
        },
        "the client opened more concurrent connections than its pool keeps".to_string(),
    )
}
