//! Linking the scanned code to the analysis: each root cause's evidence to the sites that
//! explain it (the pool size in a pool-full warning to the `Session()` without an adapter,
//! the retries and measured backoff to the `Retry(...)`, the logged timeout to the call that
//! sets it, the observed concurrency to the thread pool, the cause's logger names to their
//! modules), and each recommendation's "before" to the real code with a patch-shaped "after".
//! Every string folded in is redacted (source may hold tokens). It does not extract sites
//! ([`super::python`]) nor decide the causes or verdicts ([`crate::diagnose`]).

use super::python::{ClientSite, SiteKind};
use super::{SourceScan, module_name};
use crate::diagnose::Diagnosis;
use crate::diagnose::{Family, Finding, RootCause, URLLIB3_DEFAULT_POOL};
use crate::model::Category;
use crate::redact::Redactor;

pub use crate::model::SourceLink;

/// Links per root cause at most (besides its logger modules), and per kind of evidence.
const MAX_LINKS: usize = 8;
const MAX_PER_GROUP: usize = 3;

/// Folds `scan` into the diagnosis: links on root causes and recommendations, real code as
/// "before"; gives back the scan (redacted) for the report.
pub fn apply(d: &mut Diagnosis, mut scan: SourceScan, redactor: Redactor) -> SourceScan {
    redact_scan(&mut scan, redactor);
    let concurrency = d.rca.observed_concurrency;
    let per_cause: Vec<Vec<SourceLink>> = d
        .rca
        .root_causes
        .iter()
        .map(|rc| {
            let fs: Vec<&Finding> = d
                .rca
                .findings
                .iter()
                .filter(|f| rc.findings.contains(&f.id))
                .collect();
            cause_links(rc, &fs, concurrency, &scan)
        })
        .collect();
    for (rc, links) in d.rca.root_causes.iter_mut().zip(per_cause) {
        rc.source_links = links;
    }
    for r in &mut d.recommendations {
        super::advice::recommendation(r, &d.rca.root_causes, concurrency, &scan);
    }
    scan
}

fn redact_scan(scan: &mut SourceScan, r: Redactor) {
    r.in_place(&mut scan.dir);
    for s in &mut scan.skipped {
        r.in_place(s);
    }
    for site in &mut scan.sites {
        for t in [&mut site.file, &mut site.code, &mut site.callee] {
            r.in_place(t);
        }
        for t in [&mut site.written, &mut site.prefix, &mut site.suffix] {
            r.in_place(t);
        }
        if let Some(t) = &mut site.target {
            r.in_place(t);
        }
        for arg in &mut site.args {
            r.in_place(&mut arg.value);
            if let Some(v) = &mut arg.resolved {
                r.in_place(v);
            }
        }
    }
}

fn link(site: &ClientSite, note: String, check: Option<&str>) -> SourceLink {
    SourceLink {
        file: site.file.clone(),
        line: site.line,
        end_line: site.end_line,
        kind: site.kind.id().to_string(),
        code: site.code.clone(),
        note,
        check: check.map(str::to_string),
    }
}

/// One root cause as the linking sees it.
struct Cause<'a> {
    rc: &'a RootCause,
    fs: &'a [&'a Finding],
    scan: &'a SourceScan,
    /// `(file, test function)` of its failed and contributing tests.
    tests: Vec<(String, String)>,
    /// Files of the modules its log lines name as loggers.
    logger_files: Vec<String>,
}

impl Cause<'_> {
    /// The first of `ids` among the cause's cross-checks.
    fn check(&self, ids: &[&'static str]) -> Option<&'static str> {
        ids.iter()
            .copied()
            .find(|id| self.rc.cross_checks.iter().any(|c| c.id == *id))
    }

    fn has(&self, cats: &[Category]) -> bool {
        self.rc.categories.iter().any(|c| cats.contains(c))
    }

    /// How close a site is to the cause: inside one of its tests (0), in a test file of
    /// it (1), in a module its log lines come from (2), elsewhere (3).
    fn proximity(&self, s: &ClientSite) -> u8 {
        let same_file = |f: &str| f.ends_with(&s.file) || s.file.ends_with(f);
        if self
            .tests
            .iter()
            .any(|(f, name)| same_file(f) && s.function.as_deref() == Some(name.as_str()))
        {
            0
        } else if self.tests.iter().any(|(f, _)| same_file(f)) {
            1
        } else if self.logger_files.contains(&s.file) {
            2
        } else {
            3
        }
    }
}

/// `tests/a.py::test_x[20]` -> (`tests/a.py`, `test_x`).
fn test_place(nodeid: &str) -> Option<(String, String)> {
    let (file, rest) = nodeid.split_once("::")?;
    let name = rest.rsplit("::").next().unwrap_or(rest);
    let name = name.split('[').next().unwrap_or(name);
    Some((file.to_string(), name.to_string()))
}

/// Ranked links of one kind of evidence, best first, at most [`MAX_PER_GROUP`].
fn best(mut ranked: Vec<(u8, SourceLink)>) -> impl Iterator<Item = SourceLink> {
    ranked.sort_by_key(|(r, _)| *r);
    ranked.into_iter().map(|(_, l)| l).take(MAX_PER_GROUP)
}

/// The links of one root cause, strongest first.
pub fn cause_links(
    rc: &RootCause,
    fs: &[&Finding],
    concurrency: Option<u32>,
    scan: &SourceScan,
) -> Vec<SourceLink> {
    let modules = logger_modules(fs, scan);
    let cause = Cause {
        rc,
        fs,
        scan,
        tests: rc
            .failed_tests
            .iter()
            .chain(&rc.contributing_to)
            .filter_map(|t| test_place(t))
            .collect(),
        logger_files: modules
            .iter()
            .filter_map(|m| scan.modules.get(m).map(|(f, _)| f.clone()))
            .collect(),
    };
    let mut out = Vec::new();
    if rc.family == Family::ClientPool || cause.has(&[Category::PoolFull, Category::PoolExhausted])
    {
        out.extend(best(pool_links(&cause)));
    }
    if fs.iter().any(|f| f.retry_attempts > 0) || cause.has(&[Category::RetryExhausted]) {
        out.extend(best(retry_links(&cause)));
    }
    let timeouts = [
        Category::ConnectTimeout,
        Category::ReadTimeout,
        Category::RequestTimeout,
    ];
    if cause.has(&timeouts) {
        out.extend(best(timeout_links(&cause)));
    }
    if matches!(rc.family, Family::ClientPool | Family::ErrorResponses) {
        out.extend(best(worker_links(&cause, concurrency)));
    }
    out.truncate(MAX_LINKS);
    out.extend(logger_links(&modules, scan));
    out
}

/// The pool size an adapter or pool manager gives (urllib3's default when it names none).
fn pool_of(site: &ClientSite) -> String {
    let name = match site.kind {
        SiteKind::PoolManager => "maxsize",
        _ => "pool_maxsize",
    };
    site.arg(name).map_or_else(
        || URLLIB3_DEFAULT_POOL.to_string(),
        |a| a.effective().to_string(),
    )
}

fn pool_links(c: &Cause) -> Vec<(u8, SourceLink)> {
    let mut sizes: Vec<u32> =
        c.fs.iter()
            .flat_map(|f| f.pool_sizes.iter().copied())
            .collect();
    sizes.sort_unstable();
    sizes.dedup();
    let check = c.check(&["pool_vs_concurrency"]);
    let mut out = Vec::new();
    if sizes.contains(&URLLIB3_DEFAULT_POOL) {
        for s in c
            .scan
            .of(SiteKind::Session)
            .filter(|s| s.mounted == Some(false))
        {
            let note = format!(
                "requests.Session() with no adapter mounted: requests' default pool of {URLLIB3_DEFAULT_POOL}, the pool size the pool-full warning shows"
            );
            out.push((c.proximity(s), link(s, note, check)));
        }
    }
    let shown = sizes
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let blocked = c.has(&[Category::PoolExhausted]);
    for s in c
        .scan
        .of(SiteKind::HttpAdapter)
        .chain(c.scan.of(SiteKind::PoolManager))
    {
        let (what, key) = match s.kind {
            SiteKind::PoolManager => ("urllib3 pool", "maxsize"),
            _ => ("HTTPAdapter", "pool_maxsize"),
        };
        let pool = pool_of(s);
        let (strength, note) = match pool.parse::<u32>() {
            Ok(n) if sizes.contains(&n) => (
                0,
                format!("{what} {key}={pool}: the pool size the pool-full warning shows"),
            ),
            Ok(_) if !sizes.is_empty() => (
                8,
                format!(
                    "{what} {key}={pool}: not the pool of {shown} the warning shows, so the warning comes from another session"
                ),
            ),
            _ if blocked && s.arg("block").or(s.arg("pool_block")).is_some() => (
                0,
                format!(
                    "{what} {key}={pool}: with block=True a request waits for a free connection"
                ),
            ),
            _ => (8, format!("{what} {key}={pool}: the pool size it sets")),
        };
        out.push((strength + c.proximity(s), link(s, note, check)));
    }
    out
}

/// `Retry(total=3, backoff_factor=0.1, ...)` with what each value does.
fn retry_note(s: &ClientSite) -> String {
    let shown: Vec<String> = s.args.iter().map(|a| a.written(a.effective())).collect();
    let mut clauses = vec![format!("Retry({})", shown.join(", "))];
    if let Some(total) = s
        .arg("total")
        .and_then(|a| a.effective().parse::<u32>().ok())
    {
        clauses.push(format!("allows {} attempts per request", total + 1));
    }
    if s.arg("allowed_methods").map(|a| a.effective()) == Some("None") {
        clauses.push("allowed_methods=None retries every method, POST included".to_string());
    }
    let total = s
        .arg("total")
        .and_then(|a| a.effective().parse::<u32>().ok());
    if let Some(f) = s
        .arg("backoff_factor")
        .and_then(|a| a.effective().parse::<f64>().ok())
    {
        let sleeps = urllib3_sleeps(f, total.unwrap_or(3));
        let shown: Vec<String> = sleeps.iter().map(|x| trim(*x)).collect();
        clauses.push(format!(
            "backoff_factor={}: urllib3 sleeps {} s between attempts",
            trim(f),
            shown.join(", ")
        ));
        if !sleeps.is_empty() {
            let mean = sleeps.iter().sum::<f64>() / sleeps.len() as f64;
            clauses.push(format!(
                "{} s per retry on average, to compare with the measured backoff",
                trim((mean * 1000.0).round() / 1000.0)
            ));
        }
    }
    if s.args.iter().any(|a| a.parameter_default) {
        clauses.push("a caller may pass other values".to_string());
    }
    clauses.join("; ")
}

/// urllib3's sleep before each of `retries` retries (1.26 and 2.x alike): none before the
/// first, then `factor * 2^(n-1)` after the n-th consecutive error (at most 5 shown).
fn urllib3_sleeps(factor: f64, retries: u32) -> Vec<f64> {
    (1..=retries.min(5))
        .map(|n| match n {
            1 => 0.0,
            n => factor * f64::from(1u32 << (n - 1)),
        })
        .collect()
}

fn trim(x: f64) -> String {
    crate::facts::trim_float(x)
}

/// The statuses a cause's findings show (`503`), as Retry's `status_forcelist` writes them.
fn statuses(c: &Cause) -> Vec<String> {
    c.fs.iter()
        .filter_map(|f| f.status)
        .map(|s| s.to_string())
        .collect()
}

fn retry_links(c: &Cause) -> Vec<(u8, SourceLink)> {
    let check = c.check(&[
        "status_retries",
        "observed_backoff",
        "retry_amplification",
        "retry_after",
    ]);
    let statuses = statuses(c);
    let mut out = Vec::new();
    for s in c.scan.of(SiteKind::Retry) {
        // A Retry whose status list names the cause's status is the one that retried it.
        let on_status = s.arg("status_forcelist").is_some_and(|a| {
            numbers(a.effective())
                .iter()
                .any(|n| statuses.contains(&n.to_string()))
        });
        let strength = if statuses.is_empty() || on_status {
            0
        } else {
            4
        };
        out.push((strength + c.proximity(s), link(s, retry_note(s), check)));
    }
    for s in c.scan.of(SiteKind::HttpAdapter) {
        if let Some(n) = s
            .arg("max_retries")
            .and_then(|a| a.effective().parse::<u32>().ok())
        {
            let note = format!("HTTPAdapter max_retries={n}: Retry(total={n}) with no backoff");
            out.push((c.proximity(s), link(s, note, check)));
        }
    }
    for s in c.scan.of(SiteKind::HttpxTransport) {
        if let Some(a) = s.arg("retries") {
            let note = format!(
                "httpx transport retries={}: connect errors only, no backoff",
                a.effective()
            );
            out.push((c.proximity(s), link(s, note, check)));
        }
    }
    out
}

/// The numbers in a value such as `(0.5, 30)` or `httpx.Timeout(5.0, connect=0.5)`.
fn numbers(text: &str) -> Vec<f64> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|t| t.parse::<f64>().ok())
        .collect()
}

/// The arguments of a site that set a timeout.
fn timeout_args(s: &ClientSite) -> impl Iterator<Item = &crate::source::Arg> {
    s.args.iter().filter(move |a| match s.kind {
        SiteKind::HttpxTimeout => true,
        // The httpx.Timeout(...) it is given is a site of its own.
        SiteKind::HttpxClient => a.name == "timeout" && !a.effective().contains("Timeout("),
        _ => a.name.ends_with("timeout"),
    })
}

fn timeout_links(c: &Cause) -> Vec<(u8, SourceLink)> {
    let mut logged: Vec<f64> =
        c.fs.iter()
            .flat_map(|f| f.timeouts_s.iter().copied())
            .collect();
    logged.sort_by(f64::total_cmp);
    logged.dedup();
    let check = c.check(&["elapsed_vs_timeout"]);
    let mut out = Vec::new();
    for s in c
        .scan
        .of(SiteKind::TimeoutCall)
        .chain(c.scan.of(SiteKind::HttpxTimeout))
        .chain(c.scan.of(SiteKind::HttpxClient))
    {
        for a in timeout_args(s) {
            let values = numbers(a.effective());
            let matched = logged
                .iter()
                .find(|t| values.iter().any(|v| (v - **t).abs() < 1e-9));
            let setting = match &a.resolved {
                Some(r) => format!("{}={} → {r}", a.name, a.value),
                None => format!("{}={}", a.name, a.value),
            };
            let mut note = match (matched, logged.first()) {
                (Some(t), _) => format!("{setting}: the {} s timeout the log shows", trim(*t)),
                (None, Some(t)) => {
                    format!("{setting}: not the {} s timeout the log shows", trim(*t))
                }
                (None, None) => format!("{setting}: the timeout this call sets"),
            };
            if a.parameter_default {
                note.push_str("; a caller may pass other values");
            }
            let strength = if matched.is_some() { 0 } else { 4 };
            out.push((strength + c.proximity(s), link(s, note, check)));
        }
    }
    out
}

/// `min(workers, 50)` -> 50: the bound a thread pool's size expression states.
fn worker_bound(text: &str) -> Option<u32> {
    let t = text.trim();
    if let Ok(n) = t.parse::<u32>() {
        return Some(n);
    }
    t.starts_with("min(")
        .then(|| {
            numbers(t)
                .into_iter()
                .filter(|n| n.fract() == 0.0 && *n >= 1.0)
                .map(|n| n as u32)
                .min()
        })
        .flatten()
}

fn worker_links(c: &Cause, concurrency: Option<u32>) -> Vec<(u8, SourceLink)> {
    let check = c.check(&["pool_vs_concurrency"]);
    let mut out = Vec::new();
    for s in c.scan.of(SiteKind::ThreadPool) {
        let Some(a) = s.arg("max_workers") else {
            continue;
        };
        let bound = worker_bound(a.effective());
        let mut note = format!("ThreadPoolExecutor max_workers={}", a.effective());
        match bound {
            Some(n) => note.push_str(&format!(": up to {n} requests in flight")),
            None => note.push_str(": the threads it runs"),
        }
        if let Some(n) = concurrency {
            note.push_str(&format!("; observed concurrency {n}"));
        }
        // The pool whose bound is the concurrency the log shows ran these requests.
        let strength = if bound.is_some() && bound == concurrency {
            0
        } else {
            4
        };
        out.push((strength + c.proximity(s), link(s, note, check)));
    }
    out
}

/// Modules the cause's log lines name as loggers (`src.core.api_client:`), first seen first.
fn logger_modules(fs: &[&Finding], scan: &SourceScan) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for f in fs {
        for s in &f.samples {
            for word in s.text.split_whitespace() {
                let name = word
                    .trim_end_matches(':')
                    .trim_matches(|c| c == '[' || c == ']');
                if name.contains('.')
                    && scan.modules.contains_key(name)
                    && !found.iter().any(|m| m == name)
                {
                    found.push(name.to_string());
                }
            }
        }
    }
    found
}

fn logger_links(modules: &[String], scan: &SourceScan) -> Vec<SourceLink> {
    modules
        .iter()
        .filter_map(|m| {
            let (file, line) = scan.modules.get(m)?;
            debug_assert_eq!(&module_name(file), m);
            Some(SourceLink {
                file: file.clone(),
                line: *line,
                end_line: *line,
                kind: "logger".to_string(),
                code: String::new(),
                note: format!("the log lines of this cause come from logger {m}"),
                check: None,
            })
        })
        .collect()
}
