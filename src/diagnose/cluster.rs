//! Root causes from findings: findings of one failure family and target clustered into one
//! cause, its title, its time window, and which targets answered at all. It does not give
//! verdicts ([`super::verdict`]) nor run cross-checks ([`super::checks`]).

use super::*;

/// Targets that answered in this run: HTTP responses in the log, error statuses, or
/// read timeouts and resets (the connection was accepted). Such a server was reachable, so
/// none of its failures may be called "unreachable".
pub(crate) fn answered_targets(a: &RunFacts, findings: &[Finding]) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = a
        .responses
        .iter()
        .filter(|r| r.ok + r.errors > 0)
        .map(|r| r.target.clone())
        .collect();
    for f in findings {
        let fam = family(f.category, f.cause, f.status);
        let spoke = f.status.is_some() || fam == Family::SlowOrDropping;
        if spoke && let Some(t) = f.target.as_deref() {
            out.insert(t.to_string());
        }
    }
    out
}

/// The host part of a target (`host:port` -> `host`).
pub(crate) fn host_of(target: &str) -> &str {
    match target.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => target,
    }
}

/// The findings clustered into root causes, numbered by failed tests, then events.
pub(crate) fn cluster(a: &RunFacts, index: &TestIndex<'_>, findings: &[Finding]) -> Vec<RootCause> {
    let spoke = answered_targets(a, findings);
    let families = Families::of(findings);
    let ported = ported_targets(findings, &families);
    let clusters = group(findings, &families, &ported);
    // Clusters are numbered in key order.
    let clusters: Vec<((Family, String), Vec<&Finding>)> = clusters.into_iter().collect();
    let primary_of = primary_clusters(a, &clusters);
    let causes = Causes {
        a,
        index,
        spoke: &spoke,
        primary_of: &primary_of,
    };
    let mut out: Vec<RootCause> = clusters
        .into_iter()
        .enumerate()
        .map(|(ci, ((fam, key), fs))| causes.root_cause(ci, fam, &key, fs))
        .collect();
    out.sort_by(|x, y| {
        y.failed_tests
            .len()
            .cmp(&x.failed_tests.len())
            .then(y.events.cmp(&x.events))
    });
    for (i, rc) in out.iter_mut().enumerate() {
        rc.id = format!("RC{}", i + 1);
    }
    out
}

/// The targets of connect failures, which decide where application deadlines belong.
///
/// Application deadlines join the connect-failure cluster of their target when there is
/// one (a deadline hit because connects kept timing out or were refused and retried),
/// else the slow-server cluster: a TLS or DNS error fails fast and explains no deadline.
struct Families<'f> {
    /// Targets with connect timeouts or refusals.
    unreachable_targets: BTreeSet<&'f str>,
    /// The hosts of those targets.
    unreachable_hosts: BTreeSet<&'f str>,
    /// Those of them that name no port.
    portless_unreachable: BTreeSet<&'f str>,
}

impl<'f> Families<'f> {
    /// The connect-failure targets of the findings.
    fn of(findings: &'f [Finding]) -> Self {
        let unreachable_targets: BTreeSet<&str> = findings
            .iter()
            .filter(|f| {
                matches!(
                    f.cause.unwrap_or(f.category),
                    Category::ConnectTimeout | Category::ConnectionRefused
                )
            })
            .filter_map(|f| f.target.as_deref())
            .collect();
        // urllib3 1.26 and bare "Connection to host timed out" lines name no port: such a
        // target stands for every port of its host, and a port-less deadline for any of them.
        let unreachable_hosts: BTreeSet<&str> =
            unreachable_targets.iter().map(|t| host_of(t)).collect();
        let portless_unreachable: BTreeSet<&str> = unreachable_targets
            .iter()
            .copied()
            .filter(|t| host_of(t) == *t)
            .collect();
        Families {
            unreachable_targets,
            unreachable_hosts,
            portless_unreachable,
        }
    }

    /// The family a finding is clustered in: a deadline without a connect failure to its
    /// target is a slow server.
    fn family(&self, f: &Finding) -> Family {
        let fam = family(f.category, f.cause, f.status);
        if f.category == Category::RequestTimeout
            && !f.target.as_deref().is_some_and(|t| {
                self.unreachable_targets.contains(t)
                    || self.portless_unreachable.contains(host_of(t))
                    || (host_of(t) == t && self.unreachable_hosts.contains(t))
            })
        {
            Family::SlowOrDropping
        } else {
            fam
        }
    }
}

/// The ported targets of each family and host, for port-less findings to join.
type Ported<'f> = BTreeMap<(Family, &'f str), BTreeSet<&'f str>>;

/// urllib3 1.26's `<HTTPSConnection object at 0x..>` names no port: such a finding joins
/// the one target of its family on the same host, when there is exactly one.
fn ported_targets<'f>(findings: &'f [Finding], families: &Families<'_>) -> Ported<'f> {
    let mut ported: Ported<'f> = BTreeMap::new();
    for f in findings {
        if let Some(t) = f.target.as_deref()
            && host_of(t) != t
        {
            ported
                .entry((families.family(f), host_of(t)))
                .or_default()
                .insert(t);
        }
    }
    ported
}

/// The findings grouped by (family, key): the key is the resolved target, per host for
/// pools and DNS, with the status for error responses.
fn group<'f>(
    findings: &'f [Finding],
    families: &Families<'_>,
    ported: &Ported<'_>,
) -> BTreeMap<(Family, String), Vec<&'f Finding>> {
    let mut clusters: BTreeMap<(Family, String), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        let fam = families.family(f);
        let target = f.target.as_deref().map(|t| match ported.get(&(fam, t)) {
            Some(set) if host_of(t) == t && set.len() == 1 => {
                set.iter().next().copied().unwrap_or(t)
            }
            _ => t,
        });
        let is_dns = f.cause.unwrap_or(f.category) == Category::DnsFailure;
        let key = match fam {
            Family::ClientPool => target.map(host_of).unwrap_or("").to_string(),
            // A name that does not resolve fails the same way on every port.
            Family::Unreachable if is_dns => format!("dns|{}", target.map(host_of).unwrap_or("")),
            Family::ErrorResponses => format!(
                "{}|{}",
                target.unwrap_or(""),
                f.status.map(|s| s.to_string()).unwrap_or_default()
            ),
            // Without a target, different failure kinds are not assumed to share a cause.
            _ => target.map_or_else(
                || format!("?{}", f.cause.unwrap_or(f.category).id()),
                str::to_string,
            ),
        };
        clusters.entry((fam, key)).or_default().push(f);
    }
    clusters
}

/// Each failed test's primary cause: the cluster with most of its final failures (ties:
/// the first cluster in key order).
fn primary_clusters<'a>(
    a: &'a RunFacts,
    clusters: &[((Family, String), Vec<&Finding>)],
) -> HashMap<&'a str, usize> {
    let mut terminal_by_test: HashMap<&str, BTreeMap<usize, u64>> = HashMap::default();
    for (ci, (_, fs)) in clusters.iter().enumerate() {
        for f in fs {
            let events = f.event_indices.iter().map(|&i| &a.events[i]);
            for e in events.filter(|e| e.kind == EventKind::Terminal) {
                if let Some(t) = &e.test {
                    *terminal_by_test
                        .entry(t.as_str())
                        .or_default()
                        .entry(ci)
                        .or_default() += e.count;
                }
            }
        }
    }
    terminal_by_test
        .iter()
        .filter_map(|(t, m)| {
            m.iter()
                .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                .map(|(ci, _)| (*t, *ci))
        })
        .collect()
}

/// What every cluster's root cause is built from.
struct Causes<'c> {
    /// The run.
    a: &'c RunFacts,
    /// Tests by node id.
    index: &'c TestIndex<'c>,
    /// Targets that answered in this run.
    spoke: &'c BTreeSet<String>,
    /// Each failed test's primary cluster.
    primary_of: &'c HashMap<&'c str, usize>,
}

impl Causes<'_> {
    /// The root cause of cluster `ci` (not yet numbered, judged or cross-checked).
    fn root_cause(&self, ci: usize, fam: Family, key: &str, fs: Vec<&Finding>) -> RootCause {
        let Causes {
            a,
            index,
            spoke,
            primary_of,
        } = *self;
        let (failed, contributing, passed) = split_tests(index, primary_of, ci, &fs);
        let target = cause_target(fam, key);
        let mut categories: Vec<Category> = fs.iter().map(|f| f.category).collect();
        categories.sort();
        categories.dedup();
        let window = window_of(&fs);
        let answered = target
            .as_deref()
            .and_then(|t| a.responses.iter().find(|r| r.target == t));
        let outages = outage_windows(index, &failed, answered);
        let collateral = outages.iter().flat_map(|w| w.tests.clone()).collect();
        RootCause {
            id: String::new(),
            title: title(
                fam,
                target.as_deref(),
                &fs,
                target.as_deref().is_some_and(|t| spoke.contains(t)),
            ),
            family: fam,
            target,
            findings: fs.iter().map(|f| f.id.clone()).collect(),
            categories,
            events: fs.iter().map(|f| f.events).sum(),
            failed_tests: failed,
            contributing_to: contributing,
            passed_tests_affected: passed,
            collateral_tests: collateral,
            outage_windows: outages,
            window,
            verdict: Verdict {
                locus: Locus::Unknown,
                confidence: Confidence::Low,
                summary: String::new(),
                evidence: Vec::new(),
                counter_evidence: Vec::new(),
            },
            cross_checks: Vec::new(),
            reprobe: None,
            history: None,
            source_links: Vec::new(),
        }
    }
}

/// A cluster's tests, each once: (failed with this as primary cause, failed mainly of
/// another cause, passed).
fn split_tests(
    index: &TestIndex<'_>,
    primary_of: &HashMap<&str, usize>,
    ci: usize,
    fs: &[&Finding],
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut failed = Vec::new();
    let mut contributing = Vec::new();
    let mut passed = Vec::new();
    let mut listed: HashSet<&str> = HashSet::default();
    for f in fs {
        for t in &f.tests {
            let is_fail = index.get(t.as_str()).is_some_and(|x| is_failed(x));
            let primary = primary_of.get(t.as_str()) == Some(&ci);
            let list = if !is_fail {
                &mut passed
            } else if primary {
                &mut failed
            } else {
                &mut contributing
            };
            if listed.insert(t.as_str()) {
                list.push(t.clone());
            }
        }
    }
    // A failed test with no final failure anywhere is explained by its only cluster.
    contributing.retain(|t: &String| {
        if primary_of.contains_key(t.as_str()) {
            true
        } else {
            failed.push(t.clone());
            false
        }
    });
    (failed, contributing, passed)
}

/// The cluster key holds the resolved target (a port-less 1.26 repr joined its ported
/// twin); DNS and pool causes are per host.
fn cause_target(fam: Family, key: &str) -> Option<String> {
    match fam {
        Family::ErrorResponses => key.split('|').next().map(str::to_string),
        _ => Some(key.strip_prefix("dns|").unwrap_or(key).to_string()),
    }
    .filter(|t| !t.is_empty() && !t.starts_with('?'))
}

/// A cause's title; `answered`: the target answered other requests in this run, so its
/// connection failures are not called "unreachable".
pub(crate) fn title(fam: Family, target: Option<&str>, fs: &[&Finding], answered: bool) -> String {
    let target = target.unwrap_or("unknown target");
    let cats: BTreeSet<&str> = fs
        .iter()
        .map(|f| f.cause.unwrap_or(f.category).id())
        .collect();
    let cats: Vec<&str> = cats.into_iter().collect();
    match fam {
        Family::Unreachable if answered => format!(
            "{target} connection failures although it answered other requests: {}",
            cats.join(", ")
        ),
        // A TLS handshake needs a TCP connection: such a server was reached.
        Family::Unreachable if cats == ["tls_error"] => {
            format!("{target} failed the TLS handshake: tls_error")
        }
        Family::Unreachable => format!("{target} unreachable: {}", cats.join(", ")),
        Family::ErrorResponses => {
            let status = fs.iter().find_map(|f| f.status);
            match status {
                Some(s) => format!("{target} answered HTTP {s}"),
                None => format!("{target} answered error statuses"),
            }
        }
        Family::SlowOrDropping => {
            format!("{target} slow or dropping connections: {}", cats.join(", "))
        }
        Family::ClientPool => {
            let sizes: BTreeSet<u32> = fs
                .iter()
                .flat_map(|f| f.pool_sizes.iter().copied())
                .collect();
            let host = host_of(target);
            match sizes.iter().next() {
                Some(s) => format!("client connection pool for {host} too small (size {s})"),
                None => format!("client connection pool for {host} exhausted"),
            }
        }
    }
}

pub(crate) fn window_of(fs: &[&Finding]) -> Option<Window> {
    let start = fs
        .iter()
        .filter_map(|f| {
            f.first_at
                .as_deref()
                .and_then(crate::attribute::event::epoch_seconds)
        })
        .min()?;
    let end = fs
        .iter()
        .filter_map(|f| {
            f.last_at
                .as_deref()
                .and_then(crate::attribute::event::epoch_seconds)
        })
        .max()?;
    Some(Window {
        start_s: start,
        end_s: end,
    })
}
