//! Linking the scanned code to the analysis: each root cause's evidence to the sites that
//! explain it (the pool size in a pool-full warning to the `Session()` without an adapter,
//! the retries and measured backoff to the `Retry(...)`, the logged timeout to the call that
//! sets it, the observed concurrency to the thread pool, the cause's logger names to their
//! modules), and each recommendation's "before" to the real code with a patch-shaped "after".
//! Every string folded in is redacted (source may hold tokens).

use super::python::{ClientSite, SiteKind};
use super::{SourceScan, module_name};
use crate::analysis::Analysis;
use crate::model::Category;
use crate::recommend::Recommendation;
use crate::redact::Redactor;
use crate::rootcause::{Family, Finding, RootCause, URLLIB3_DEFAULT_POOL};
use schemars::JsonSchema;
use serde::Serialize;

/// A pointer from a root cause or a recommendation into the scanned code.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SourceLink {
    /// Path relative to `--source DIR`.
    pub file: String,
    /// First line (1-based).
    pub line: u32,
    /// Last line.
    pub end_line: u32,
    /// A site kind (`session`, `http_adapter`, `retry`, `timeout_call`, `thread_pool`, ...),
    /// `logger` (the module a cause's log lines come from), or what is missing:
    /// `missing_health_check`, `missing_rate_limit`.
    pub kind: String,
    /// The code at that place (empty for what is missing).
    pub code: String,
    /// Why it is linked, with the values on both sides.
    pub note: String,
    /// The cross-check of the root cause it backs (`pool_vs_concurrency`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
}

/// Links per root cause shown at most.
const MAX_LINKS: usize = 8;

/// Folds `scan` into `a`: links on root causes and recommendations, real code as "before".
pub fn apply(a: &mut Analysis, mut scan: SourceScan, redactor: Redactor) {
    redact_scan(&mut scan, redactor);
    let concurrency = a.rca.observed_concurrency;
    let per_cause: Vec<Vec<SourceLink>> = a
        .rca
        .root_causes
        .iter()
        .map(|rc| {
            let fs: Vec<&Finding> = a
                .rca
                .findings
                .iter()
                .filter(|f| rc.findings.contains(&f.id))
                .collect();
            cause_links(rc, &fs, concurrency, &scan)
        })
        .collect();
    for (rc, links) in a.rca.root_causes.iter_mut().zip(per_cause) {
        rc.source_links = links;
    }
    for r in &mut a.recommendations {
        recommendation(r, &a.rca.root_causes, concurrency, &scan);
    }
    a.source = Some(scan);
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

/// The first of `ids` among the cause's cross-checks.
fn check_of<'a>(rc: &RootCause, ids: &[&'a str]) -> Option<&'a str> {
    ids.iter()
        .copied()
        .find(|id| rc.cross_checks.iter().any(|c| c.id == *id))
}

fn has(rc: &RootCause, cats: &[Category]) -> bool {
    rc.categories.iter().any(|c| cats.contains(c))
}

/// The links of one root cause, strongest first.
pub fn cause_links(
    rc: &RootCause,
    fs: &[&Finding],
    concurrency: Option<u32>,
    scan: &SourceScan,
) -> Vec<SourceLink> {
    let mut out = Vec::new();
    if rc.family == Family::ClientPool || has(rc, &[Category::PoolFull, Category::PoolExhausted]) {
        pool_links(rc, fs, scan, &mut out);
    }
    let retried = fs.iter().any(|f| f.retry_attempts > 0) || has(rc, &[Category::RetryExhausted]);
    if retried {
        retry_links(rc, scan, &mut out);
    }
    let timed_out = has(
        rc,
        &[
            Category::ConnectTimeout,
            Category::ReadTimeout,
            Category::RequestTimeout,
        ],
    );
    if timed_out {
        timeout_links(rc, fs, scan, &mut out);
    }
    if matches!(rc.family, Family::ClientPool | Family::ErrorResponses) {
        worker_links(rc, concurrency, scan, &mut out);
    }
    out.truncate(MAX_LINKS);
    logger_links(fs, scan, &mut out);
    out
}

/// The pool size each adapter gives (requests' default when it names none).
fn adapter_pool(site: &ClientSite) -> String {
    site.arg("pool_maxsize").map_or_else(
        || URLLIB3_DEFAULT_POOL.to_string(),
        |a| a.effective().to_string(),
    )
}

fn pool_links(rc: &RootCause, fs: &[&Finding], scan: &SourceScan, out: &mut Vec<SourceLink>) {
    let mut sizes: Vec<u32> = fs
        .iter()
        .flat_map(|f| f.pool_sizes.iter().copied())
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    let check = check_of(rc, &["pool_vs_concurrency"]);
    if sizes.contains(&URLLIB3_DEFAULT_POOL) {
        for s in scan
            .of(SiteKind::Session)
            .filter(|s| s.mounted == Some(false))
        {
            out.push(link(
                s,
                format!(
                    "requests.Session() with no adapter mounted: requests' default pool of {URLLIB3_DEFAULT_POOL}, the pool size the pool-full warning shows"
                ),
                check,
            ));
        }
    }
    let shown = sizes
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    for s in scan.of(SiteKind::HttpAdapter) {
        let pool = adapter_pool(s);
        let note = match pool.parse::<u32>() {
            Ok(n) if sizes.contains(&n) => {
                format!(
                    "HTTPAdapter pool_maxsize={pool}: the pool size the pool-full warning shows"
                )
            }
            Ok(_) if !sizes.is_empty() => format!(
                "HTTPAdapter pool_maxsize={pool}: not the pool of {shown} the warning shows, so the warning comes from another session"
            ),
            _ => format!("HTTPAdapter pool_maxsize={pool}"),
        };
        out.push(link(s, note, check));
    }
}

/// `Retry(total=3, backoff_factor=0.1, ...)` with what each value does.
fn retry_note(s: &ClientSite) -> String {
    let shown: Vec<String> = s
        .args
        .iter()
        .map(|a| format!("{}={}", a.name, a.effective()))
        .collect();
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
    if let Some(f) = s
        .arg("backoff_factor")
        .and_then(|a| a.effective().parse::<f64>().ok())
    {
        clauses.push(format!(
            "backoff_factor={}: urllib3 sleeps 0, {}, {} s between attempts",
            trim(f),
            trim(2.0 * f),
            trim(4.0 * f)
        ));
    }
    clauses.join("; ")
}

fn trim(x: f64) -> String {
    crate::analysis::trim_float(x)
}

fn retry_links(rc: &RootCause, scan: &SourceScan, out: &mut Vec<SourceLink>) {
    let check = check_of(
        rc,
        &[
            "status_retries",
            "retry_amplification",
            "observed_backoff",
            "retry_after",
        ],
    );
    for s in scan.of(SiteKind::Retry) {
        out.push(link(s, retry_note(s), check));
    }
    for s in scan.of(SiteKind::HttpAdapter) {
        if let Some(n) = s
            .arg("max_retries")
            .and_then(|a| a.effective().parse::<u32>().ok())
        {
            out.push(link(
                s,
                format!("HTTPAdapter max_retries={n}: Retry(total={n}) with no backoff"),
                check,
            ));
        }
    }
    for s in scan.of(SiteKind::HttpxTransport) {
        if let Some(a) = s.arg("retries") {
            out.push(link(
                s,
                format!(
                    "httpx transport retries={}: connect errors only, no backoff",
                    a.effective()
                ),
                check,
            ));
        }
    }
}

/// The numbers in a value such as `(0.5, 30)` or `httpx.Timeout(5.0, connect=0.5)`.
fn numbers(text: &str) -> Vec<f64> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|t| t.parse::<f64>().ok())
        .collect()
}

fn timeout_links(rc: &RootCause, fs: &[&Finding], scan: &SourceScan, out: &mut Vec<SourceLink>) {
    let mut logged: Vec<f64> = fs
        .iter()
        .flat_map(|f| f.timeouts_s.iter().copied())
        .collect();
    logged.sort_by(f64::total_cmp);
    logged.dedup();
    let check = check_of(rc, &["elapsed_vs_timeout"]);
    let loggers = logger_files(fs, scan);
    let mut ranked: Vec<(u8, SourceLink)> = Vec::new();
    for s in scan
        .of(SiteKind::TimeoutCall)
        .chain(scan.of(SiteKind::HttpxTimeout))
        .chain(scan.of(SiteKind::HttpxClient))
    {
        for a in s.args.iter().filter(|a| a.name.ends_with("timeout")) {
            let values = numbers(a.effective());
            let matched = logged
                .iter()
                .find(|t| values.iter().any(|v| (v - **t).abs() < 1e-9));
            let setting = if a.resolved.is_some() {
                format!("{}={} → {}", a.name, a.value, a.effective())
            } else {
                format!("{}={}", a.name, a.value)
            };
            let note = match (matched, logged.first()) {
                (Some(t), _) => format!("{setting}: the {} s timeout the log shows", trim(*t)),
                (None, Some(t)) => {
                    format!("{setting}: not the {} s timeout the log shows", trim(*t))
                }
                (None, None) => setting,
            };
            let rank = match (matched.is_some(), loggers.contains(&s.file)) {
                (true, _) => 0,
                (false, true) => 1,
                _ => 2,
            };
            ranked.push((rank, link(s, note, check)));
        }
    }
    ranked.sort_by_key(|(r, _)| *r);
    out.extend(ranked.into_iter().map(|(_, l)| l).take(4));
}

/// `min(workers, 50)` -> 50: the bound a thread pool's size expression states.
fn worker_bound(text: &str) -> Option<u32> {
    let ns: Vec<u32> = numbers(text)
        .into_iter()
        .filter(|n| n.fract() == 0.0 && *n >= 1.0)
        .map(|n| n as u32)
        .collect();
    match text.trim() {
        t if t.parse::<u32>().is_ok() => t.parse().ok(),
        t if t.starts_with("min(") => ns.into_iter().min(),
        _ => None,
    }
}

fn worker_links(
    rc: &RootCause,
    concurrency: Option<u32>,
    scan: &SourceScan,
    out: &mut Vec<SourceLink>,
) {
    let check = check_of(rc, &["pool_vs_concurrency"]);
    for s in scan.of(SiteKind::ThreadPool) {
        let Some(a) = s.arg("max_workers") else {
            continue;
        };
        let mut note = format!("ThreadPoolExecutor max_workers={}", a.effective());
        if let Some(n) = worker_bound(a.effective()) {
            note.push_str(&format!(": up to {n} requests in flight"));
        }
        if let Some(c) = concurrency {
            note.push_str(&format!("; observed concurrency {c}"));
        }
        out.push(link(s, note, check));
    }
}

/// Files of the modules the cause's log lines name as loggers (`src.core.api_client:`).
fn logger_files(fs: &[&Finding], scan: &SourceScan) -> Vec<String> {
    logger_modules(fs, scan)
        .into_iter()
        .filter_map(|m| scan.modules.get(&m).map(|(f, _)| f.clone()))
        .collect()
}

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

fn logger_links(fs: &[&Finding], scan: &SourceScan, out: &mut Vec<SourceLink>) {
    for m in logger_modules(fs, scan) {
        let Some((file, line)) = scan.modules.get(&m) else {
            continue;
        };
        debug_assert_eq!(module_name(file), m);
        out.push(SourceLink {
            file: file.clone(),
            line: *line,
            end_line: *line,
            kind: "logger".to_string(),
            code: String::new(),
            note: format!("the log lines of this cause come from logger {m}"),
            check: None,
        });
    }
}

/// Links and real code for one recommendation.
fn recommendation(
    r: &mut Recommendation,
    rcs: &[RootCause],
    concurrency: Option<u32>,
    scan: &SourceScan,
) {
    let mine: Vec<&SourceLink> = rcs
        .iter()
        .filter(|rc| r.root_causes.contains(&rc.id))
        .flat_map(|rc| rc.source_links.iter())
        .collect();
    let site_at = |l: &SourceLink| {
        scan.sites
            .iter()
            .find(|s| s.file == l.file && s.line == l.line && s.kind.id() == l.kind)
    };
    let of_kind = |kinds: &[SiteKind]| -> Vec<&ClientSite> {
        let mut v: Vec<&ClientSite> = Vec::new();
        for l in &mine {
            if let Some(s) = site_at(l).filter(|s| kinds.contains(&s.kind))
                && !v.iter().any(|x| std::ptr::eq(*x, s))
            {
                v.push(s);
            }
        }
        v
    };
    let (links, patch): (Vec<SourceLink>, Option<String>) = match r.id.as_str() {
        crate::recommend::CLIENT_CONFIG_ID => {
            let sites = of_kind(&[
                SiteKind::Session,
                SiteKind::HttpAdapter,
                SiteKind::Retry,
                SiteKind::TimeoutCall,
                SiteKind::HttpxClient,
                SiteKind::HttpxTransport,
            ]);
            if !sites.is_empty() {
                r.why
                    .push_str(" With --source, \"before\" is the code itself.");
                r.why_he.push_str(" עם --source, \"לפני\" הוא הקוד עצמו.");
            }
            (plain(&sites, &mine), None)
        }
        "pool-size-matches-concurrency" => {
            let sites: Vec<&ClientSite> = of_kind(&[SiteKind::Session, SiteKind::HttpAdapter])
                .into_iter()
                .filter(|s| pool_too_small(s, concurrency))
                .collect();
            let patch = concurrency.map(|n| {
                sites
                    .iter()
                    .filter_map(|s| pool_patch(s, n))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            (plain(&sites, &mine), patch)
        }
        "explicit-pool-on-every-session" => {
            let sites: Vec<&ClientSite> = of_kind(&[SiteKind::Session])
                .into_iter()
                .filter(|s| s.mounted == Some(false))
                .collect();
            let patch = sites
                .iter()
                .filter_map(|s| patch(s, &format!("{}{}{}", s.prefix, "make_session()", s.suffix)))
                .collect::<Vec<_>>()
                .join("\n");
            (plain(&sites, &mine), Some(patch))
        }
        "backoff-with-jitter" | "honour-retry-after" | "idempotency-aware-retries" => {
            let sites = of_kind(&[SiteKind::Retry]);
            let set = retry_changes(&r.id);
            let patch = sites
                .iter()
                .filter_map(|s| patch(s, &call_with(s, &set)))
                .collect::<Vec<_>>()
                .join("\n");
            (plain(&sites, &mine), Some(patch))
        }
        "retry-budget" => {
            let sites = of_kind(&[SiteKind::Retry]);
            (plain(&sites, &mine), None)
        }
        "circuit-breaker" | "shorter-connect-timeout" => {
            let sites = of_kind(&[SiteKind::TimeoutCall, SiteKind::HttpxTimeout]);
            (plain(&sites, &mine), None)
        }
        "rate-limit-load-tests" => (
            rate_limit_links(&of_kind(&[SiteKind::ThreadPool]), &mine, scan),
            None,
        ),
        "health-check-before-suite" => (health_links(scan), None),
        _ => (Vec::new(), None),
    };
    if links.is_empty() {
        return;
    }
    r.before = before_block(&links);
    if let Some(p) = patch.filter(|p| !p.is_empty()) {
        r.after = p;
    }
    r.source_links = links;
}

/// The links of the cause that point at `sites`, one per site.
fn plain(sites: &[&ClientSite], mine: &[&SourceLink]) -> Vec<SourceLink> {
    sites
        .iter()
        .filter_map(|s| {
            mine.iter()
                .find(|l| l.file == s.file && l.line == s.line && l.kind == s.kind.id())
                .map(|l| (*l).clone())
        })
        .collect()
}

/// Each link's code under a `# file:line` header; a missing piece as a comment.
fn before_block(links: &[SourceLink]) -> String {
    links
        .iter()
        .map(|l| {
            let at = if l.end_line > l.line {
                format!("{}:{}-{}", l.file, l.line, l.end_line)
            } else {
                format!("{}:{}", l.file, l.line)
            };
            if l.code.is_empty() {
                format!("# {at}: {}", l.note)
            } else {
                format!("# {at}\n{}", l.code)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// True for a requests session on the default pool, or an adapter whose pool is below the
/// observed concurrency (or unknown).
fn pool_too_small(s: &ClientSite, concurrency: Option<u32>) -> bool {
    match s.kind {
        SiteKind::Session => s.mounted == Some(false),
        _ => match (adapter_pool(s).parse::<u32>(), concurrency) {
            (Ok(p), Some(c)) => p < c,
            _ => true,
        },
    }
}

/// A session gets a sized adapter mounted; an adapter gets the sized pool.
fn pool_patch(s: &ClientSite, n: u32) -> Option<String> {
    let sized = [
        ("pool_connections", n.to_string()),
        ("pool_maxsize", n.to_string()),
        ("pool_block", "True".to_string()),
    ];
    if s.kind == SiteKind::HttpAdapter {
        return patch(s, &call_with(s, &sized));
    }
    let target = s.target.as_deref()?;
    let keep = format!("{}{}(){}", s.prefix, s.written, s.suffix);
    let adapter = format!(
        "{target}_adapter = HTTPAdapter(pool_connections={n}, pool_maxsize={n}, pool_block=True)"
    )
    .replace("self.", "");
    let name = adapter.split(" = ").next().unwrap_or("adapter").to_string();
    let lines = [
        keep,
        adapter,
        format!("{target}.mount(\"http://\", {name})"),
        format!("{target}.mount(\"https://\", {name})"),
    ];
    patch(s, &lines.join("\n"))
}

fn retry_changes(id: &str) -> Vec<(&'static str, String)> {
    let v = |pairs: &[(&'static str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (*k, v.to_string()))
            .collect::<Vec<_>>()
    };
    match id {
        "backoff-with-jitter" => v(&[
            ("connect", "3"),
            ("backoff_factor", "1.0"),
            ("backoff_jitter", "0.5"),
            ("backoff_max", "30"),
        ]),
        "honour-retry-after" => v(&[
            ("status_forcelist", "[429, 502, 503, 504]"),
            ("respect_retry_after_header", "True"),
            ("backoff_factor", "1.0"),
        ]),
        _ => v(&[("allowed_methods", "Retry.DEFAULT_ALLOWED_METHODS")]),
    }
}

/// The site's call with `set` replacing or adding keyword arguments, on one line when
/// short, else one argument per line.
fn call_with(s: &ClientSite, set: &[(&str, String)]) -> String {
    let mut args: Vec<(String, String)> = s
        .args
        .iter()
        .map(|a| (a.name.clone(), a.value.clone()))
        .collect();
    for (k, v) in set {
        match args.iter_mut().find(|a| a.0 == *k) {
            Some(a) => a.1 = v.clone(),
            None => args.push((k.to_string(), v.clone())),
        }
    }
    let parts: Vec<String> = args.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let one = format!(
        "{}{}({}){}",
        s.prefix,
        s.written,
        parts.join(", "),
        s.suffix
    );
    if one.len() <= 96 {
        return one;
    }
    let mut lines = vec![format!("{}{}(", s.prefix, s.written)];
    lines.extend(parts.iter().map(|p| format!("    {p},")));
    lines.push(format!("){}", s.suffix));
    lines.join("\n")
}

/// A unified-diff-shaped replacement of the site's lines by `new` (none when the site's
/// code was cut for length).
fn patch(s: &ClientSite, new: &str) -> Option<String> {
    let old: Vec<&str> = s.code.lines().collect();
    if old.len() != (s.end_line - s.line + 1) as usize {
        return None;
    }
    let new: Vec<&str> = new.lines().collect();
    let mut out = vec![
        format!("--- a/{}", s.file),
        format!("+++ b/{}", s.file),
        format!("@@ -{},{} +{},{} @@", s.line, old.len(), s.line, new.len()),
    ];
    out.extend(old.iter().map(|l| format!("-{l}")));
    out.extend(new.iter().map(|l| format!("+{l}")));
    Some(out.join("\n"))
}

fn rate_limit_links(
    pools: &[&ClientSite],
    mine: &[&SourceLink],
    scan: &SourceScan,
) -> Vec<SourceLink> {
    let mut links = plain(pools, mine);
    let limited = scan.rate_limiter || scan.of(SiteKind::Semaphore).next().is_some();
    if !limited && let Some(first) = links.first().cloned() {
        links.push(SourceLink {
            kind: "missing_rate_limit".to_string(),
            code: String::new(),
            note: "no semaphore or rate limiter anywhere in the scanned code".to_string(),
            check: None,
            ..first
        });
    }
    links
}

fn health_links(scan: &SourceScan) -> Vec<SourceLink> {
    if scan.conftests.iter().any(|(_, health)| *health) {
        return Vec::new();
    }
    scan.conftests
        .iter()
        .map(|(file, _)| SourceLink {
            file: file.clone(),
            line: 1,
            end_line: 1,
            kind: "missing_health_check".to_string(),
            code: String::new(),
            note: "no health check: no name or string in this conftest.py mentions health"
                .to_string(),
            check: None,
        })
        .collect()
}
