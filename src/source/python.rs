//! Python client-configuration extraction: one file's source parsed with tree-sitter (never
//! imported, never run) into plain [`ClientSite`]s: `requests.Session()`, `HTTPAdapter(...)`,
//! `Retry(...)`, `session.mount(...)`, calls with `timeout=`, httpx clients, limits, timeouts
//! and transports, thread pools and semaphores, each with its arguments by name.
//!
//! Names go through the file's imports (`import urllib3`, `from urllib3.util.retry import
//! Retry as R`, `import concurrent.futures as cf`), so `R(...)` is a Retry and `Retry` from
//! tenacity is not. Argument values are resolved where the file says what they are: module
//! constants (`POOL = 10`), local assignments, parameter defaults (`def __init__(self,
//! pool_maxsize=50)`), `self.timeout = (...)`, dict configs (`**{"pool_maxsize": 10}`,
//! `kwargs = dict(...)`) and `functools.partial(requests.get, timeout=...)`. Linking the
//! sites to the log is [`link`](super::link)'s.
//!
//! This file holds the site types and [`extract`]; the parts live beside it: `index` (one
//! walk: imports, scopes, bindings, calls), `value` (names followed to their values), `args`
//! (argument lists and dict configs), `site` (what a call configures) and `code` (the source
//! text shown). It does not find or read the files ([`walk`](super::walk)), know the
//! libraries' callees and parameters (`names.rs`), or judge what a site means for the run
//! ([`link`](super::link), [`advice`](super::advice)).

pub use super::names::{CUT, MAX_VALUE_CHARS};
use index::Index;
use schemars::JsonSchema;
use serde::Serialize;
use tree_sitter::{Node, Parser};

mod args;
mod code;
mod index;
mod site;
mod value;

/// What a site configures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// `requests.Session()`.
    Session,
    /// `requests.adapters.HTTPAdapter(...)`.
    HttpAdapter,
    /// urllib3 `Retry(...)`.
    Retry,
    /// `session.mount(prefix, adapter)`.
    Mount,
    /// An HTTP call with `timeout=` (`requests.get`, `session.post`, `functools.partial`).
    TimeoutCall,
    /// `httpx.Client(...)` / `httpx.AsyncClient(...)`.
    HttpxClient,
    /// `httpx.Limits(...)`.
    HttpxLimits,
    /// `httpx.Timeout(...)`.
    HttpxTimeout,
    /// `httpx.HTTPTransport(...)` / `httpx.AsyncHTTPTransport(...)`.
    HttpxTransport,
    /// `ThreadPoolExecutor(max_workers=...)` (and `multiprocessing` thread pools).
    ThreadPool,
    /// `threading`/`asyncio` `Semaphore` or `BoundedSemaphore`.
    Semaphore,
    /// `urllib3.PoolManager(maxsize=..., block=...)` and urllib3 connection pools.
    PoolManager,
}

impl SiteKind {
    /// The JSON id.
    pub fn id(self) -> &'static str {
        match self {
            SiteKind::Session => "session",
            SiteKind::HttpAdapter => "http_adapter",
            SiteKind::Retry => "retry",
            SiteKind::Mount => "mount",
            SiteKind::TimeoutCall => "timeout_call",
            SiteKind::HttpxClient => "httpx_client",
            SiteKind::HttpxLimits => "httpx_limits",
            SiteKind::HttpxTimeout => "httpx_timeout",
            SiteKind::HttpxTransport => "httpx_transport",
            SiteKind::ThreadPool => "thread_pool",
            SiteKind::Semaphore => "semaphore",
            SiteKind::PoolManager => "pool_manager",
        }
    }
}

/// One argument of a site.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Arg {
    /// Its name: the keyword, or the parameter a positional argument fills (`arg0`, ... when
    /// the signature is not known).
    pub name: String,
    /// The source text, e.g. `pool_maxsize` or `(0.5, 30)`.
    pub value: String,
    /// What the file says it is, when that differs from the text, e.g. `50` for a parameter
    /// whose default is 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    /// The line the resolved value is written on (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<u32>,
    /// The resolved value is a parameter's default: a caller may pass another.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub parameter_default: bool,
}

impl Arg {
    /// The resolved value, else the text.
    pub fn effective(&self) -> &str {
        self.resolved.as_deref().unwrap_or(&self.value)
    }

    /// As an argument: `name=value`, or `*args` / `**kwargs` for what was not expanded.
    pub fn written(&self, value: &str) -> String {
        match self.name.as_str() {
            "*" | "**" => format!("{}{value}", self.name),
            name => format!("{name}={value}"),
        }
    }
}

/// A place in the code that configures an HTTP client or its concurrency.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ClientSite {
    /// Path relative to the scanned directory, `/`-separated.
    pub file: String,
    /// First line of the call (1-based).
    pub line: u32,
    /// Last line of the call.
    pub end_line: u32,
    /// What it configures.
    pub kind: SiteKind,
    /// The callee with imports resolved, e.g. `urllib3.util.retry.Retry`, `self.session.post`.
    pub callee: String,
    /// What the result is bound to (`self.session`, `retry`, the `as` name of a `with`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The function it is in (`test_burst`, `__init__`), innermost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// Arguments in the order written (dict configs expanded).
    pub args: Vec<Arg>,
    /// For a `requests.Session()`: whether the same file mounts an adapter on what it is
    /// bound to. `false` is the default pool of 10 and no retries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mounted: Option<bool>,
    /// The source lines of the call, dedented (at most [`MAX_CODE_LINES`]).
    pub code: String,
    /// The callee as written (`Retry`, `requests.Session`), for patches.
    #[serde(skip)]
    pub written: String,
    /// The call's line before the call (`self.session = `), for patches.
    #[serde(skip)]
    pub prefix: String,
    /// The call's last line after the call (`  # comment`), for patches.
    #[serde(skip)]
    pub suffix: String,
}

impl ClientSite {
    /// The argument called `name`.
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|a| a.name == name)
    }
}

/// What one file holds.
#[derive(Debug, Default)]
pub struct Extracted {
    /// Its sites, in source order.
    pub sites: Vec<ClientSite>,
    /// A string or name in it mentions "health" (a health check, presumably).
    pub mentions_health: bool,
    /// It imports a rate-limiting library (`ratelimit`, `limits`, `pyrate_limiter`, ...).
    pub imports_rate_limiter: bool,
    /// The line of its first `logging.getLogger(...)`.
    pub logger_line: Option<u32>,
}

/// A file that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The first line with an error (1-based).
    pub line: u32,
}

/// Source lines shown per site at most.
pub const MAX_CODE_LINES: usize = 8;
/// Elements of a tuple or list followed at most.
const MAX_ITEMS: usize = 32;
/// How far names are followed (`a = b`, `b = POOL`, `POOL = 10`).
const MAX_DEPTH: u8 = 6;

/// Parses `src` and extracts its sites; `file` names them.
pub fn extract(file: &str, src: &str) -> Result<Extracted, SyntaxError> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .expect("the bundled Python grammar matches the tree-sitter version");
    let tree = parser.parse(src, None).ok_or(SyntaxError { line: 1 })?;
    let root = tree.root_node();
    if root.has_error() {
        return Err(SyntaxError {
            line: first_error_line(root),
        });
    }
    let mut file_index = Index::new(src.as_bytes());
    file_index.collect(root);
    let mut sites: Vec<ClientSite> = file_index
        .calls
        .iter()
        .filter_map(|&(call, scope)| file_index.site(file, call, scope))
        .collect();
    mark_mounted(&mut sites);
    let logger_line = file_index
        .calls
        .iter()
        .filter_map(|(c, _)| c.child_by_field_name("function"))
        .find(|f| file_index.dotted(*f) == "logging.getLogger")
        .map(|f| f.start_position().row as u32 + 1);
    Ok(Extracted {
        sites,
        logger_line,
        mentions_health: file_index.mentions_health,
        imports_rate_limiter: file_index.imports_rate_limiter,
    })
}

/// The line of the first ERROR or MISSING node, depth first.
fn first_error_line(root: Node) -> u32 {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.is_error() || n.is_missing() {
            return n.start_position().row as u32 + 1;
        }
        if n.has_error() {
            let mut c = n.walk();
            let children: Vec<Node> = n.children(&mut c).collect();
            stack.extend(children.into_iter().rev());
        }
    }
    root.start_position().row as u32 + 1
}

/// A session is mounted when the file calls `.mount(...)` on what it is bound to: in the
/// same function for a local name, anywhere in the file for `self.x`.
fn mark_mounted(sites: &mut [ClientSite]) {
    let receivers: Vec<(String, Option<String>)> = sites
        .iter()
        .filter(|s| s.kind == SiteKind::Mount)
        .filter_map(|s| {
            let r = s.callee.strip_suffix(".mount")?;
            Some((r.to_string(), s.function.clone()))
        })
        .collect();
    for s in sites.iter_mut().filter(|s| s.kind == SiteKind::Session) {
        let mounted = s.target.as_deref().is_some_and(|t| {
            receivers.iter().any(|(r, f)| {
                r == t && (t.starts_with("self.") || t.starts_with("cls.") || *f == s.function)
            })
        });
        s.mounted = Some(mounted);
    }
}

#[cfg(test)]
#[path = "python_tests.rs"]
mod tests;
