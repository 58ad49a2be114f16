//! What the Python extraction knows of the libraries: the callees that configure a client
//! (`requests.Session`, urllib3 `Retry`, httpx, thread pools, semaphores), the names of their
//! positional parameters, the rate-limiting libraries, and the small text helpers that keep
//! every value shown bounded. No parsing here; [`python`](super::python) uses these.

use super::python::SiteKind;
use tree_sitter::Node;

/// Characters shown per code line, argument value or name at most.
pub const MAX_VALUE_CHARS: usize = 240;
/// Marks text cut for length (a patch is never written from it).
pub const CUT: &str = "…";

/// Rate-limiting libraries: importing one counts as a rate limit in the suite.
pub(super) const RATE_LIMIT_MODULES: &[&str] = &[
    "ratelimit",
    "ratelimiter",
    "limits",
    "pyrate_limiter",
    "aiolimiter",
    "token_bucket",
];

/// Method names of HTTP calls (`session.post(...)`) whose `timeout=` is a call-site timeout.
pub(super) const HTTP_VERBS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream",
];

/// Kinds by fully resolved callee.
pub(super) fn known_kind(callee: &str) -> Option<SiteKind> {
    Some(match callee {
        "requests.Session"
        | "requests.session"
        | "requests.sessions.Session"
        | "requests.sessions.session" => SiteKind::Session,
        "requests.adapters.HTTPAdapter" => SiteKind::HttpAdapter,
        "urllib3.Retry"
        | "urllib3.util.Retry"
        | "urllib3.util.retry.Retry"
        | "requests.adapters.Retry"
        | "requests.packages.urllib3.Retry"
        | "requests.packages.urllib3.util.Retry"
        | "requests.packages.urllib3.util.retry.Retry" => SiteKind::Retry,
        "httpx.Client" | "httpx.AsyncClient" => SiteKind::HttpxClient,
        "httpx.Limits" => SiteKind::HttpxLimits,
        "httpx.Timeout" => SiteKind::HttpxTimeout,
        "httpx.HTTPTransport" | "httpx.AsyncHTTPTransport" => SiteKind::HttpxTransport,
        "concurrent.futures.ThreadPoolExecutor"
        | "concurrent.futures.thread.ThreadPoolExecutor"
        | "multiprocessing.pool.ThreadPool"
        | "multiprocessing.dummy.Pool" => SiteKind::ThreadPool,
        "threading.Semaphore"
        | "threading.BoundedSemaphore"
        | "asyncio.Semaphore"
        | "asyncio.BoundedSemaphore" => SiteKind::Semaphore,
        "urllib3.PoolManager"
        | "urllib3.poolmanager.PoolManager"
        | "urllib3.HTTPConnectionPool"
        | "urllib3.HTTPSConnectionPool"
        | "urllib3.connectionpool.HTTPConnectionPool"
        | "urllib3.connectionpool.HTTPSConnectionPool" => SiteKind::PoolManager,
        _ => return None,
    })
}

/// Parameter names of positional arguments, per kind (the libraries' signatures).
pub(super) fn positional_names(kind: SiteKind) -> &'static [&'static str] {
    match kind {
        SiteKind::HttpAdapter => &[
            "pool_connections",
            "pool_maxsize",
            "max_retries",
            "pool_block",
        ],
        SiteKind::Retry => &[
            "total",
            "connect",
            "read",
            "redirect",
            "status",
            "other",
            "allowed_methods",
            "status_forcelist",
            "backoff_factor",
            "backoff_max",
            "raise_on_redirect",
            "raise_on_status",
            "history",
            "respect_retry_after_header",
            "remove_headers_on_redirect",
            "backoff_jitter",
        ],
        SiteKind::Mount => &["prefix", "adapter"],
        SiteKind::ThreadPool => &["max_workers", "thread_name_prefix"],
        SiteKind::Semaphore => &["value"],
        SiteKind::HttpxTimeout => &["timeout"],
        SiteKind::HttpxTransport => &["verify", "cert", "trust_env", "http1", "http2", "limits"],
        SiteKind::TimeoutCall => &["arg0", "arg1"],
        SiteKind::PoolManager => &["num_pools", "headers"],
        SiteKind::Session | SiteKind::HttpxClient | SiteKind::HttpxLimits => &[],
    }
}

/// A module, class or function docstring (a string that is a statement of its own).
pub(super) fn in_docstring(n: Node) -> bool {
    n.kind() == "string_content"
        && n.parent()
            .and_then(|s| s.parent())
            .is_some_and(|p| p.kind() == "expression_statement")
}

/// The content of a plain string literal (`"pool_maxsize"`, `'x'`), if it is one.
pub(super) fn string_literal(text: &str) -> Option<String> {
    let t = text.trim();
    let q = t.chars().next()?;
    if (q == '"' || q == '\'') && t.len() >= 2 && t.ends_with(q) {
        Some(t[1..t.len() - 1].to_string())
    } else {
        None
    }
}

/// Whitespace runs (line breaks included) as one space, at most [`MAX_VALUE_CHARS`]
/// characters (cut with [`CUT`]); only the first 4 KiB of `text` is looked at.
pub(super) fn collapse(text: &str) -> String {
    let head = &text[..floor_boundary(text, 4096)];
    let mut out = String::with_capacity(head.len().min(MAX_VALUE_CHARS + 4));
    for (i, w) in head.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
    let out = out
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(", )", ",)");
    cut(out, MAX_VALUE_CHARS, head.len() < text.len())
}

/// `s` cut to `max` characters with [`CUT`] (also when `more` says the input was longer).
pub(super) fn cut(s: String, max: usize, more: bool) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}{CUT}", &s[..i]),
        None if more => format!("{s}{CUT}"),
        None => s,
    }
}

/// The largest char boundary of `s` at or below `at`.
fn floor_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}
