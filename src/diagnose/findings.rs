//! Findings: the events of the run grouped by fingerprint (category, target, masked
//! sample, status), with the tests they touch, and the failure [`Family`] a finding belongs
//! to. It does not cluster findings into causes ([`super::cluster`]) nor judge them.

use super::*;
use crate::hashed::Prehashed;

/// (category, target, path, status): one failure at one endpoint, whatever the method.
pub(crate) type FailureAt<'a> = (Category, Option<String>, &'a str, Option<u16>);

/// An empty finding for the first event with fingerprint `fp`.
pub(crate) fn new_finding(
    e: &EventReport,
    fp: &str,
    target: &Option<String>,
    endpoint: &Option<String>,
) -> Finding {
    Finding {
        id: String::new(),
        fingerprint: fp.to_string(),
        category: e.category,
        cause: e.cause,
        target: target.clone(),
        endpoint: endpoint.clone(),
        status: e.status,
        events: 0,
        terminal_events: 0,
        retry_attempts: 0,
        tests: Vec::new(),
        failed_tests: Vec::new(),
        timeouts_s: Vec::new(),
        pool_sizes: Vec::new(),
        max_elapsed_ms: None,
        first_at: None,
        last_at: None,
        locations: Vec::new(),
        samples: Vec::new(),
        event_indices: Vec::new(),
    }
}

/// What [`findings`] needs of one event, read from it alone: on every core at once, as an
/// event-dense run has tens of thousands of events.
struct Keyed<'a> {
    target: Option<String>,
    endpoint: Option<String>,
    fingerprint: Prehashed<String>,
    masked_sample: Prehashed<String>,
    test: Option<Prehashed<&'a str>>,
}

/// The run's events grouped into findings by fingerprint, in order of first appearance.
pub(crate) fn findings(a: &RunFacts, tests_by_id: &TestIndex<'_>) -> Vec<Finding> {
    /// Fewer events than this per thread are not worth one.
    const PER_THREAD: usize = 1024;
    // Findings in order of first appearance, found by fingerprint.
    let mut out: Vec<Finding> = Vec::new();
    let mut slot: HashMap<Prehashed<String>, usize> = HashMap::default();
    let targets = crate::par::map(&a.events, PER_THREAD, |_, e| target_of(e));
    let methods = methods_by_failure(a, &targets);
    let keyed = crate::par::map(&a.events, PER_THREAD, |i, e| {
        let target = targets[i].clone();
        let endpoint = endpoint_with_method(e, &target, &methods);
        let mut fp = String::new();
        fingerprint(&mut fp, e, &target, &endpoint);
        Keyed {
            target,
            endpoint,
            fingerprint: Prehashed::new(fp),
            masked_sample: Prehashed::new(mask_line(&e.sample)),
            test: e.test.as_deref().map(Prehashed::new),
        }
    });
    drop(methods);
    drop(targets);
    // (finding, test) pairs already counted and (finding, masked sample) positions: sets
    // and maps, as one finding may hold 100k tests with as many distinct lines.
    let mut seen_tests: HashSet<(usize, Prehashed<&str>)> = HashSet::default();
    let mut sample_at: HashMap<(usize, Prehashed<String>), usize> = HashMap::default();
    for (index, (e, k)) in a.events.iter().zip(keyed).enumerate() {
        let fi = match slot.get(&k.fingerprint) {
            Some(&i) => i,
            None => {
                out.push(new_finding(e, &k.fingerprint.value, &k.target, &k.endpoint));
                slot.insert(k.fingerprint, out.len() - 1);
                out.len() - 1
            }
        };
        let f = &mut out[fi];
        f.event_indices.push(index);
        count_event(f, e);
        if let Some(t) = k.test
            && seen_tests.insert((fi, t.clone()))
        {
            f.tests.push(t.value.to_owned());
            if tests_by_id.get(t.value).is_some_and(|x| is_failed(x)) {
                f.failed_tests.push(t.value.to_owned());
            }
        }
        merge_values(f, e);
        f.locations.extend(e.locations.iter().copied());
        add_sample(f, fi, e, k.masked_sample, &mut sample_at);
    }
    for (i, f) in out.iter_mut().enumerate() {
        f.id = format!("F{}", i + 1);
        crate::keep_first_sorted(
            &mut f.locations,
            crate::attribute::event::MAX_LINES_PER_GROUP,
            Ord::cmp,
        );
        // Most frequent first; the text breaks the rare tie so that the order is total.
        crate::keep_first_sorted(&mut f.samples, 5, |a, b| {
            b.count
                .cmp(&a.count)
                .then(a.location.cmp(&b.location))
                .then_with(|| a.text.cmp(&b.text))
        });
    }
    out
}

/// The methods records name for each failure at an endpoint: tracebacks rarely name the
/// method, so they borrow it from records of the same failure.
/// `targets` holds each event's [`target_of`].
fn methods_by_failure<'a>(
    a: &'a RunFacts,
    targets: &[Option<String>],
) -> BTreeMap<FailureAt<'a>, BTreeSet<&'a str>> {
    let mut methods: BTreeMap<FailureAt<'_>, BTreeSet<&str>> = BTreeMap::new();
    for (e, target) in a.events.iter().zip(targets) {
        if let (Some(m), Some(p)) = (&e.method, &e.path) {
            methods
                .entry((e.category, target.clone(), p.as_str(), e.status))
                .or_default()
                .insert(m.as_str());
        }
    }
    methods
}

/// An event's endpoint, with the one method records of the same failure name when it
/// names none.
fn endpoint_with_method(
    e: &EventReport,
    target: &Option<String>,
    methods: &BTreeMap<FailureAt<'_>, BTreeSet<&str>>,
) -> Option<String> {
    match (&e.method, &e.path) {
        (None, Some(p)) => match methods.get(&(e.category, target.clone(), p.as_str(), e.status)) {
            Some(ms) if ms.len() == 1 => Some(format!("{} {p}", ms.iter().next().unwrap_or(&""))),
            _ => Some(p.clone()),
        },
        _ => endpoint_of(e),
    }
}

/// An event's fingerprint: category (with cause), target, endpoint and status, written
/// into `fp` (one buffer for every event of a run).
fn fingerprint(
    fp: &mut String,
    e: &EventReport,
    target: &Option<String>,
    endpoint: &Option<String>,
) {
    use std::fmt::Write as _;
    fp.clear();
    fp.push_str(e.category.id());
    if let Some(c) = e.cause {
        fp.push('<');
        fp.push_str(c.id());
    }
    for part in [target, endpoint] {
        fp.push('|');
        fp.push_str(part.as_deref().unwrap_or(""));
    }
    fp.push('|');
    if let Some(s) = e.status {
        let _ = write!(fp, "{s}");
    }
}

/// An event's count in the finding's totals, by kind.
fn count_event(f: &mut Finding, e: &EventReport) {
    f.events += e.count;
    match e.kind {
        EventKind::Terminal => f.terminal_events += e.count,
        EventKind::RetryAttempt => f.retry_attempts += e.count,
        EventKind::PoolWarning => {}
    }
}

/// An event's timeouts, pool sizes, elapsed time and timestamps merged into the finding.
fn merge_values(f: &mut Finding, e: &EventReport) {
    for t in &e.timeouts_s {
        if !f.timeouts_s.contains(t) {
            f.timeouts_s.push(*t);
        }
    }
    for p in &e.pool_sizes {
        if !f.pool_sizes.contains(p) {
            f.pool_sizes.push(*p);
        }
    }
    if let Some(ms) = e.max_elapsed_ms {
        f.max_elapsed_ms = Some(f.max_elapsed_ms.map_or(ms, |m| m.max(ms)));
    }
    if let Some(t) = &e.first_at
        && f.first_at.as_ref().is_none_or(|x| t < x)
    {
        f.first_at = Some(t.clone());
    }
    if let Some(t) = &e.last_at
        && f.last_at.as_ref().is_none_or(|x| t > x)
    {
        f.last_at = Some(t.clone());
    }
}

/// An event's sample line, `masked` by [`mask_line`], counted into finding `fi`'s samples.
fn add_sample(
    f: &mut Finding,
    fi: usize,
    e: &EventReport,
    masked: Prehashed<String>,
    sample_at: &mut HashMap<(usize, Prehashed<String>), usize>,
) {
    match sample_at.entry((fi, masked)) {
        std::collections::hash_map::Entry::Occupied(at) => {
            f.samples[*at.get()].count += e.count;
        }
        std::collections::hash_map::Entry::Vacant(slot) => {
            f.samples.push(SampleLine {
                text: slot.key().1.value.clone(),
                count: e.count,
                location: e.locations.first().copied().unwrap_or(e.last),
            });
            slot.insert(f.samples.len() - 1);
        }
    }
}

/// The family of a category (with the cause behind retry exhaustion).
pub fn family(category: Category, cause: Option<Category>, status: Option<u16>) -> Family {
    match category {
        Category::RetryExhausted => match (cause, status) {
            (Some(c), _) if c != Category::RetryExhausted => family(c, None, None),
            _ => Family::ErrorResponses,
        },
        // A deadline that wraps a known failure (openai's APITimeoutError over a read
        // timeout) belongs with that failure.
        Category::RequestTimeout if cause.is_some_and(|c| c != Category::RequestTimeout) => {
            family(cause.unwrap_or(category), None, status)
        }
        Category::ConnectTimeout
        | Category::ConnectionRefused
        | Category::DnsFailure
        | Category::TlsError
        | Category::RequestTimeout => Family::Unreachable,
        Category::ReadTimeout | Category::ConnectionReset => Family::SlowOrDropping,
        Category::HttpError | Category::RateLimited => Family::ErrorResponses,
        Category::PoolFull | Category::PoolExhausted => Family::ClientPool,
    }
}

/// The scheme a target was reached with, read from the lines of its findings:
/// `https://host...` or urllib3's `HTTPSConnectionPool(host='host', ...)` mean https. Without
/// a hint, port 443 means https and anything else http.
pub fn scheme_of(target: &str, lines: &[&str]) -> &'static str {
    let host = target.rsplit_once(':').map_or(target, |(h, _)| h);
    for line in lines {
        if line.contains(&format!("https://{host}"))
            || line.contains(&format!("HTTPSConnectionPool(host='{host}'"))
        {
            return "https";
        }
        if line.contains(&format!("http://{host}"))
            || line.contains(&format!("HTTPConnectionPool(host='{host}'"))
        {
            return "http";
        }
    }
    if target.ends_with(":443") {
        "https"
    } else {
        "http"
    }
}
