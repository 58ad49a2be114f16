//! Recommendations from the scanned code: each recommendation's "before" becomes the real
//! code its root causes point at (`# file:line` over each piece), and its "after" a
//! unified-diff-shaped patch of those lines where one can be written (an adapter sized to
//! the concurrency, a Retry with backoff or without POST, a session from the one client
//! configuration); what is missing (a health check, a rate limit) is pointed at as such. It
//! does not choose the recommendations ([`crate::diagnose::recommend`]) nor read the code
//! ([`super::python`]).

use super::SourceScan;
use super::link::SourceLink;
use super::python::{ClientSite, SiteKind};
use crate::diagnose::recommend::Recommendation;
use crate::diagnose::{RootCause, URLLIB3_DEFAULT_POOL};

/// Links and real code for one recommendation.
pub fn recommendation(
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
    let cause = CauseSites { mine, scan };
    let (links, patch) = links_and_patch(r, &cause, concurrency);
    if links.is_empty() {
        return;
    }
    r.before = before_block(&links);
    if let Some(p) = patch.filter(|p| !p.is_empty()) {
        r.after = p;
    }
    r.source_links = links;
}

/// The code sites a recommendation's root causes link to.
struct CauseSites<'a> {
    mine: Vec<&'a SourceLink>,
    scan: &'a SourceScan,
}

impl<'a> CauseSites<'a> {
    /// The scanned site a link points at.
    fn site_at(&self, l: &SourceLink) -> Option<&'a ClientSite> {
        self.scan
            .sites
            .iter()
            .find(|s| s.file == l.file && s.line == l.line && s.kind.id() == l.kind)
    }

    /// The linked sites of these kinds, each once, in link order.
    fn of_kind(&self, kinds: &[SiteKind]) -> Vec<&'a ClientSite> {
        let mut v: Vec<&ClientSite> = Vec::new();
        for l in &self.mine {
            if let Some(s) = self.site_at(l).filter(|s| kinds.contains(&s.kind))
                && !v.iter().any(|x| std::ptr::eq(*x, s))
            {
                v.push(s);
            }
        }
        v
    }

    /// The links that point at `sites`.
    fn plain(&self, sites: &[&ClientSite]) -> Vec<SourceLink> {
        plain(sites, &self.mine)
    }
}

/// What a recommendation points at in the code and, where one can be written, its patch.
fn links_and_patch(
    r: &mut Recommendation,
    cause: &CauseSites<'_>,
    concurrency: Option<u32>,
) -> (Vec<SourceLink>, Option<String>) {
    match r.id.as_str() {
        crate::diagnose::recommend::CLIENT_CONFIG_ID => (client_config_links(r, cause), None),
        "pool-size-matches-concurrency" => pool_links(cause, concurrency),
        "explicit-pool-on-every-session" => session_links(cause),
        "backoff-with-jitter" | "honour-retry-after" | "idempotency-aware-retries" => {
            retry_links(&r.id, cause)
        }
        "retry-budget" => (cause.plain(&cause.of_kind(&[SiteKind::Retry])), None),
        "circuit-breaker" | "shorter-connect-timeout" => {
            let sites = cause.of_kind(&[SiteKind::TimeoutCall, SiteKind::HttpxTimeout]);
            (cause.plain(&sites), None)
        }
        "rate-limit-load-tests" => (
            rate_limit_links(
                &cause.of_kind(&[SiteKind::ThreadPool]),
                &cause.mine,
                cause.scan,
            ),
            None,
        ),
        "health-check-before-suite" => (health_links(cause.scan), None),
        _ => (Vec::new(), None),
    }
}

/// The consolidated client configuration: its "before" is every client site of the cause.
fn client_config_links(r: &mut Recommendation, cause: &CauseSites<'_>) -> Vec<SourceLink> {
    let sites = cause.of_kind(&[
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
    cause.plain(&sites)
}

/// Sessions and adapters whose pool is below the concurrency, with the resized pool.
fn pool_links(
    cause: &CauseSites<'_>,
    concurrency: Option<u32>,
) -> (Vec<SourceLink>, Option<String>) {
    let sites: Vec<&ClientSite> = cause
        .of_kind(&[SiteKind::Session, SiteKind::HttpAdapter])
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
    (cause.plain(&sites), patch)
}

/// Sessions with no adapter mounted, each replaced by the configured session.
fn session_links(cause: &CauseSites<'_>) -> (Vec<SourceLink>, Option<String>) {
    let sites: Vec<&ClientSite> = cause
        .of_kind(&[SiteKind::Session])
        .into_iter()
        .filter(|s| s.mounted == Some(false))
        .collect();
    let patch = sites
        .iter()
        .filter_map(|s| patch(s, &format!("{}make_session(){}", s.prefix, kept_suffix(s))))
        .collect::<Vec<_>>()
        .join("\n");
    (cause.plain(&sites), Some(patch))
}

/// `Retry(...)` calls, each with the arguments recommendation `id` changes.
fn retry_links(id: &str, cause: &CauseSites<'_>) -> (Vec<SourceLink>, Option<String>) {
    let sites = cause.of_kind(&[SiteKind::Retry]);
    let set = retry_changes(id);
    let patch = sites
        .iter()
        .filter_map(|s| patch(s, &call_with(s, &set)))
        .collect::<Vec<_>>()
        .join("\n");
    (cause.plain(&sites), Some(patch))
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
        _ => match (pool_of(s).parse::<u32>(), concurrency) {
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
    let keep = format!("{}{}(){}", s.prefix, s.written, kept_suffix(s));
    let adapter = format!(
        "{target}_adapter = HTTPAdapter(pool_connections={n}, pool_maxsize={n}, pool_block=True)"
    )
    .replace("self.", "");
    let name = adapter.split(" = ").next().unwrap_or("adapter").to_string();
    // `with requests.Session() as s:`: the new lines go inside the block.
    let indent = if kept_suffix(s).ends_with(':') {
        "    "
    } else {
        ""
    };
    let lines = [
        keep,
        format!("{indent}{adapter}"),
        format!("{indent}{target}.mount(\"http://\", {name})"),
        format!("{indent}{target}.mount(\"https://\", {name})"),
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
    let parts: Vec<String> = args
        .iter()
        .map(|(k, v)| match k.as_str() {
            "*" | "**" => format!("{k}{v}"),
            _ => format!("{k}={v}"),
        })
        .collect();
    let one = format!(
        "{}{}({}){}",
        s.prefix,
        s.written,
        parts.join(", "),
        kept_suffix(s)
    );
    if one.len() <= 96 {
        return one;
    }
    let mut lines = vec![format!("{}{}(", s.prefix, s.written)];
    lines.extend(parts.iter().map(|p| format!("    {p},")));
    lines.push(format!("){}", kept_suffix(s)));
    lines.join("\n")
}

/// What follows the call on its line, less a trailing comment (it spoke of the old code).
fn kept_suffix(s: &ClientSite) -> &str {
    match s.suffix.find('#') {
        Some(i) if !s.suffix[..i].contains(['"', '\'']) => s.suffix[..i].trim_end(),
        _ => &s.suffix,
    }
}

/// A unified-diff-shaped replacement of the site's lines by `new` (none when the site's
/// code was cut for length).
fn patch(s: &ClientSite, new: &str) -> Option<String> {
    use crate::source::python::CUT;
    let cut = [&s.code, &s.prefix, &s.suffix, &s.written]
        .iter()
        .any(|t| t.contains(CUT))
        || s.args.iter().any(|a| a.value.contains(CUT));
    if cut {
        return None;
    }
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

/// The pool size an adapter gives (urllib3's default when it names none).
fn pool_of(site: &ClientSite) -> String {
    site.arg("pool_maxsize").map_or_else(
        || URLLIB3_DEFAULT_POOL.to_string(),
        |a| a.effective().to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::python::extract;

    fn site(src: &str, kind: SiteKind) -> ClientSite {
        let found = extract("t.py", src).unwrap().sites;
        found.into_iter().find(|s| s.kind == kind).unwrap()
    }

    #[test]
    fn a_retry_patch_replaces_and_adds_keywords_and_keeps_the_rest() {
        let s = site(
            "from urllib3 import Retry\ndef f():\n    r = Retry(3, backoff_factor=0.1)  # ours\n",
            SiteKind::Retry,
        );
        let new = call_with(&s, &retry_changes("idempotency-aware-retries"));
        assert_eq!(
            new,
            "r = Retry(total=3, backoff_factor=0.1, allowed_methods=Retry.DEFAULT_ALLOWED_METHODS)"
        );
        let p = patch(&s, &new).unwrap();
        assert_eq!(
            p,
            "--- a/t.py\n+++ b/t.py\n@@ -3,1 +3,1 @@\n-r = Retry(3, backoff_factor=0.1)  # ours\n+r = Retry(total=3, backoff_factor=0.1, allowed_methods=Retry.DEFAULT_ALLOWED_METHODS)"
        );
    }

    #[test]
    fn a_session_in_a_with_block_gets_its_adapter_inside_the_block() {
        let s = site(
            "import requests\nwith requests.Session() as s:\n    pass\n",
            SiteKind::Session,
        );
        let p = pool_patch(&s, 20).unwrap();
        assert!(p.ends_with(
            "-with requests.Session() as s:\n+with requests.Session() as s:\n+    s_adapter = HTTPAdapter(pool_connections=20, pool_maxsize=20, pool_block=True)\n+    s.mount(\"http://\", s_adapter)\n+    s.mount(\"https://\", s_adapter)"
        ), "{p}");
    }

    #[test]
    fn a_call_cut_for_length_gets_no_patch() {
        let args: String = (0..12).map(|i| format!("    a{i}=1,\n")).collect();
        let s = site(
            &format!("from urllib3 import Retry\nr = Retry(\n{args})\n"),
            SiteKind::Retry,
        );
        assert!(patch(&s, "r = Retry()").is_none());
    }
}
