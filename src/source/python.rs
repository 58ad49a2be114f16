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

pub use super::names::{CUT, MAX_VALUE_CHARS};
use super::names::{
    HTTP_VERBS, RATE_LIMIT_MODULES, collapse, cut, in_docstring, known_kind, positional_names,
    string_literal,
};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::HashMap;
use tree_sitter::{Node, Parser};

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

/// A binding: the expression a name stands for, the scope it is evaluated in, its line.
/// `None` for a parameter without a default (its value is the caller's).
type Binding<'t> = Option<(Node<'t>, usize)>;

/// One file's names, bindings and calls.
struct Index<'t> {
    src: &'t [u8],
    /// Byte offset of each line's start.
    line_starts: Vec<usize>,
    /// Scope arena: each function's parent scope (0 is the module).
    parents: Vec<usize>,
    /// Import bindings: local name -> dotted origin.
    imports: HashMap<String, String>,
    /// `(scope, name)` -> binding (first one wins).
    names: HashMap<(usize, String), Binding<'t>>,
    /// `self.NAME = ...` anywhere in the file.
    attrs: HashMap<String, (Node<'t>, usize)>,
    /// Every call with its scope, in source order.
    calls: Vec<(Node<'t>, usize)>,
    mentions_health: bool,
    imports_rate_limiter: bool,
    /// Expressions [`Self::value`] may still look at for the argument at hand: names that
    /// stand for tuples of names that stand for tuples would otherwise grow exponentially.
    budget: std::cell::Cell<u32>,
}

/// Expressions looked at per argument value.
const VALUE_BUDGET: u32 = 256;

impl<'t> Index<'t> {
    fn new(src: &'t [u8]) -> Self {
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', src).map(|i| i + 1))
            .collect();
        Index {
            src,
            line_starts,
            parents: vec![0],
            imports: HashMap::new(),
            names: HashMap::new(),
            attrs: HashMap::new(),
            calls: Vec::new(),
            mentions_health: false,
            imports_rate_limiter: false,
            budget: std::cell::Cell::new(VALUE_BUDGET),
        }
    }

    fn text(&self, n: Node) -> &'t str {
        n.utf8_text(self.src).unwrap_or("")
    }

    /// One preorder walk with an explicit stack (deeply nested code cannot overflow it).
    fn collect(&mut self, root: Node<'t>) {
        let mut stack = vec![(root, 0usize)];
        while let Some((n, scope)) = stack.pop() {
            let mut inner = scope;
            match n.kind() {
                "import_statement" | "import_from_statement" => self.import(n),
                "function_definition" | "lambda" => {
                    self.parents.push(scope);
                    inner = self.parents.len() - 1;
                    self.parameters(n, scope, inner);
                }
                "assignment" => self.assignment(n, scope),
                "call" => self.calls.push((n, scope)),
                "string_content" | "identifier" if !self.mentions_health && !in_docstring(n) => {
                    self.mentions_health = names_health_check(n.kind(), self.text(n));
                }
                _ => {}
            }
            let mut c = n.walk();
            let children: Vec<Node<'t>> = n.named_children(&mut c).collect();
            stack.extend(children.into_iter().rev().map(|k| (k, inner)));
        }
    }

    fn import(&mut self, n: Node<'t>) {
        let module = n
            .child_by_field_name("module_name")
            .map(|m| self.text(m).to_string());
        if let Some(m) = &module {
            self.note_rate_limiter(m);
        }
        let mut c = n.walk();
        for name in n.children_by_field_name("name", &mut c) {
            let (dotted, alias) = match name.kind() {
                "aliased_import" => (
                    name.child_by_field_name("name").map(|d| self.text(d)),
                    name.child_by_field_name("alias").map(|a| self.text(a)),
                ),
                _ => (Some(self.text(name)), None),
            };
            let Some(dotted) = dotted else { continue };
            self.note_rate_limiter(dotted);
            match (&module, alias) {
                (Some(m), alias) => {
                    let local = alias.unwrap_or(dotted);
                    let m = m.trim_start_matches('.');
                    let origin = if m.is_empty() {
                        dotted.to_string()
                    } else {
                        format!("{m}.{dotted}")
                    };
                    self.imports.insert(local.to_string(), origin);
                }
                // `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`.
                (None, Some(alias)) => {
                    self.imports.insert(alias.to_string(), dotted.to_string());
                }
                (None, None) => {
                    let first = dotted.split('.').next().unwrap_or(dotted);
                    self.imports.insert(first.to_string(), first.to_string());
                }
            }
        }
    }

    fn note_rate_limiter(&mut self, dotted: &str) {
        let first = dotted
            .trim_start_matches('.')
            .split('.')
            .next()
            .unwrap_or("");
        if RATE_LIMIT_MODULES.contains(&first) {
            self.imports_rate_limiter = true;
        }
    }

    /// Parameters bind in the function's scope; defaults are evaluated in the outer one.
    fn parameters(&mut self, f: Node<'t>, outer: usize, inner: usize) {
        let Some(params) = f.child_by_field_name("parameters") else {
            return;
        };
        let mut c = params.walk();
        for p in params.named_children(&mut c) {
            let (name, default) = match p.kind() {
                "identifier" => (Some(p), None),
                "default_parameter" | "typed_default_parameter" => (
                    p.child_by_field_name("name"),
                    p.child_by_field_name("value"),
                ),
                "typed_parameter" => (p.named_child(0), None),
                _ => (None, None),
            };
            let Some(name) = name.filter(|n| n.kind() == "identifier") else {
                continue;
            };
            self.names
                .entry((inner, self.text(name).to_string()))
                .or_insert(default.map(|d| (d, outer)));
        }
    }

    fn assignment(&mut self, a: Node<'t>, scope: usize) {
        let (Some(left), Some(right)) = (
            a.child_by_field_name("left"),
            a.child_by_field_name("right"),
        ) else {
            return;
        };
        match left.kind() {
            "identifier" => {
                self.names
                    .entry((scope, self.text(left).to_string()))
                    .or_insert(Some((right, scope)));
            }
            "attribute" => {
                let object = left.child_by_field_name("object").map(|o| self.text(o));
                let attr = left.child_by_field_name("attribute").map(|o| self.text(o));
                if let (Some("self" | "cls"), Some(attr)) = (object, attr) {
                    self.attrs.entry(attr.to_string()).or_insert((right, scope));
                }
            }
            _ => {}
        }
    }

    /// The binding of `name` seen from `scope` (inner scopes first).
    fn lookup(&self, name: &str, mut scope: usize) -> Option<Binding<'t>> {
        loop {
            if let Some(b) = self.names.get(&(scope, name.to_string())) {
                return Some(*b);
            }
            if scope == 0 {
                return None;
            }
            scope = self.parents[scope];
        }
    }

    /// Follows names (and `self.x`) to the expression they stand for.
    fn follow(&self, n: Node<'t>, scope: usize) -> (Node<'t>, usize) {
        let (n, scope, _) = self.follow_noting(n, scope);
        (n, scope)
    }

    /// [`Self::follow`], and whether a parameter's default was on the way (a caller may
    /// pass another value).
    fn follow_noting(&self, mut n: Node<'t>, mut scope: usize) -> (Node<'t>, usize, bool) {
        let mut through_default = false;
        for _ in 0..MAX_DEPTH {
            let next = match n.kind() {
                "identifier" => self.lookup(self.text(n), scope).flatten(),
                "attribute" => self.self_attr(n),
                _ => None,
            };
            match next {
                Some((m, s)) => {
                    through_default |= m.parent().is_some_and(|p| {
                        matches!(p.kind(), "default_parameter" | "typed_default_parameter")
                    });
                    (n, scope) = (m, s);
                }
                None => break,
            }
        }
        (n, scope, through_default)
    }

    fn self_attr(&self, n: Node<'t>) -> Option<(Node<'t>, usize)> {
        let object = self.text(n.child_by_field_name("object")?);
        let attr = self.text(n.child_by_field_name("attribute")?);
        if !matches!(object, "self" | "cls") {
            return None;
        }
        self.attrs
            .get(attr)
            .copied()
            .or_else(|| self.lookup(attr, 0).flatten())
    }

    /// The value of an expression as far as the file tells: literals as written, names
    /// followed, tuples and lists element by element. Returns the text and, when a name was
    /// followed, the line it was bound on.
    fn value(&self, n: Node<'t>, scope: usize, depth: u8) -> Val {
        let as_written = || Val {
            text: collapse(self.text(n)),
            line: None,
            default: false,
        };
        if depth > MAX_DEPTH || !self.spend() {
            return as_written();
        }
        match n.kind() {
            "identifier" | "attribute" => {
                let (m, s, default) = self.follow_noting(n, scope);
                if m.id() == n.id() {
                    return as_written();
                }
                let v = self.value(m, s, depth + 1);
                Val {
                    text: v.text,
                    line: Some(m.start_position().row as u32 + 1),
                    default: default || v.default,
                }
            }
            "tuple" | "list" => {
                let mut c = n.walk();
                let mut items: Vec<Val> = n
                    .named_children(&mut c)
                    .filter(|k| k.kind() != "comment")
                    .take(MAX_ITEMS + 1)
                    .map(|k| self.value(k, scope, depth + 1))
                    .collect();
                if items.len() > MAX_ITEMS {
                    items.truncate(MAX_ITEMS);
                    items.push(Val {
                        text: CUT.to_string(),
                        line: None,
                        default: false,
                    });
                }
                let (open, close) = if n.kind() == "list" {
                    ("[", "]")
                } else {
                    ("(", if items.len() == 1 { ",)" } else { ")" })
                };
                let texts: Vec<&str> = items.iter().map(|v| v.text.as_str()).collect();
                Val {
                    text: cut(
                        format!("{open}{}{close}", texts.join(", ")),
                        MAX_VALUE_CHARS,
                        false,
                    ),
                    line: None,
                    default: items.iter().any(|v| v.default),
                }
            }
            "parenthesized_expression" => match n.named_child(0) {
                Some(k) => self.value(k, scope, depth + 1),
                None => as_written(),
            },
            _ => as_written(),
        }
    }

    /// A dotted callee with its first name replaced by what the file imported it as.
    fn dotted(&self, n: Node) -> String {
        let text = collapse(self.text(n));
        let (first, rest) = match text.find('.') {
            Some(i) => (&text[..i], &text[i..]),
            None => (text.as_str(), ""),
        };
        match self.imports.get(first) {
            Some(origin) => format!("{origin}{rest}"),
            None => text.clone(),
        }
    }

    fn is_imported(&self, n: Node) -> bool {
        let text = self.text(n);
        let first = text.split('.').next().unwrap_or(text).trim();
        self.imports.contains_key(first)
    }

    /// The site a call makes, if it configures a client.
    fn site(&self, file: &str, call: Node<'t>, scope: usize) -> Option<ClientSite> {
        let function = call.child_by_field_name("function")?;
        let arguments = call.child_by_field_name("arguments")?;
        if arguments.kind() != "argument_list" {
            return None;
        }
        self.budget.set(VALUE_BUDGET);
        let mut raw = self.raw_args(arguments, scope);
        let (mut callee_node, mut callee) = (function, self.dotted(function));
        // functools.partial(requests.get, timeout=5): the call partial stands for.
        if matches!(callee.as_str(), "functools.partial" | "partial")
            && !raw.is_empty()
            && raw[0].0.is_none()
        {
            let (_, inner, _) = raw.remove(0);
            callee_node = inner;
            callee = self.dotted(inner);
        }
        let kind = self.kind_of(callee_node, &callee, &raw)?;
        let args = self.named_args(kind, raw);
        if kind == SiteKind::TimeoutCall && !args.iter().any(|a| a.name.ends_with("timeout")) {
            return None;
        }
        let (line, end_line) = (
            call.start_position().row as u32 + 1,
            call.end_position().row as u32 + 1,
        );
        Some(ClientSite {
            file: file.to_string(),
            line,
            end_line,
            kind,
            callee,
            target: self.target(call),
            function: self.function_of(call),
            args,
            mounted: None,
            code: self.code(line, end_line),
            written: collapse(self.text(callee_node)),
            prefix: self
                .line_part(self.line_starts[line as usize - 1], call.start_byte())
                .trim_start()
                .to_string(),
            suffix: self
                .line_part(call.end_byte(), self.line_end(call.end_byte()))
                .trim_end()
                .to_string(),
        })
    }

    fn kind_of(&self, callee_node: Node, callee: &str, raw: &[RawArg<'t>]) -> Option<SiteKind> {
        if let Some(k) = known_kind(callee) {
            return Some(k);
        }
        let last = callee.rsplit('.').next().unwrap_or(callee);
        if !self.is_imported(callee_node) && !callee.contains('.') {
            // A star import or a name the file defines elsewhere: the distinctive names only.
            let by_name = match last {
                "HTTPAdapter" => Some(SiteKind::HttpAdapter),
                "Retry" => Some(SiteKind::Retry),
                "ThreadPoolExecutor" => Some(SiteKind::ThreadPool),
                "Semaphore" | "BoundedSemaphore" => Some(SiteKind::Semaphore),
                _ => None,
            };
            if by_name.is_some() {
                return by_name;
            }
        }
        if last == "mount" && callee.contains('.') && !raw.is_empty() {
            return Some(SiteKind::Mount);
        }
        let http_call = callee.starts_with("requests.")
            || callee.starts_with("httpx.")
            || (callee.contains('.') && HTTP_VERBS.contains(&last));
        // A client built with its own timeouts: `Client(url, connect_timeout=0.5)`.
        let passes_timeout = raw
            .iter()
            .any(|(k, _, _)| k.as_deref().is_some_and(|k| k.ends_with("_timeout")));
        (http_call || passes_timeout).then_some(SiteKind::TimeoutCall)
    }

    /// Arguments as written: `(keyword, value node, the scope it is evaluated in)`.
    fn raw_args(&self, list: Node<'t>, scope: usize) -> Vec<RawArg<'t>> {
        self.raw_args_at(list, scope, 0)
    }

    fn raw_args_at(&self, list: Node<'t>, scope: usize, depth: u8) -> Vec<RawArg<'t>> {
        let mut out = Vec::new();
        let mut c = list.walk();
        for a in list.named_children(&mut c) {
            match a.kind() {
                "comment" => {}
                "list_splat" => {
                    if let Some(e) = a.named_child(0) {
                        out.push((Some("*".to_string()), e, scope));
                    }
                }
                "keyword_argument" => {
                    if let (Some(k), Some(v)) = (
                        a.child_by_field_name("name"),
                        a.child_by_field_name("value"),
                    ) {
                        out.push((Some(self.text(k).to_string()), v, scope));
                    }
                }
                "dictionary_splat" => {
                    if let Some(e) = a.named_child(0) {
                        self.splat(e, scope, depth, &mut out);
                    }
                }
                _ => out.push((None, a, scope)),
            }
        }
        out
    }

    /// `**{"k": v}`, `**dict(k=v)` or `**NAME` bound to either: its keys as keywords.
    fn splat(&self, e: Node<'t>, scope: usize, depth: u8, out: &mut Vec<RawArg<'t>>) {
        let (config, at) = self.follow(e, scope);
        let arguments = (config.kind() == "call" && self.is_dict_call(config))
            .then(|| config.child_by_field_name("arguments"))
            .flatten();
        match (config.kind(), arguments) {
            ("dictionary", _) => {
                let mut c = config.walk();
                for pair in config.named_children(&mut c) {
                    let (Some(k), Some(v)) = (
                        pair.child_by_field_name("key"),
                        pair.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    if let Some(key) = string_literal(self.text(k)) {
                        out.push((Some(key), v, at));
                    }
                }
            }
            // `dict(k=v, **more)`, with a bound on how deep `more` is followed (`a =
            // dict(**a)` must not loop).
            (_, Some(args)) if depth < MAX_DEPTH && self.spend() => {
                out.extend(
                    self.raw_args_at(args, at, depth + 1)
                        .into_iter()
                        .filter(|a| a.0.is_some()),
                );
            }
            // Not expandable here (`**kwargs` from the caller): kept as written.
            _ => out.push((Some("**".to_string()), e, scope)),
        }
    }

    /// Takes one from the budget; false when it is spent.
    fn spend(&self) -> bool {
        let left = self.budget.get();
        self.budget.set(left.saturating_sub(1));
        left > 0
    }

    fn is_dict_call(&self, n: Node) -> bool {
        n.child_by_field_name("function")
            .is_some_and(|f| self.text(f) == "dict")
    }

    fn named_args(&self, kind: SiteKind, raw: Vec<RawArg<'t>>) -> Vec<Arg> {
        let names = positional_names(kind);
        let mut position = 0;
        raw.into_iter()
            .map(|(key, v, scope)| {
                let name = key.unwrap_or_else(|| {
                    let n = names
                        .get(position)
                        .map_or_else(|| format!("arg{position}"), |s| s.to_string());
                    position += 1;
                    n
                });
                let text = collapse(self.text(v));
                self.budget.set(VALUE_BUDGET);
                let v = self.value(v, scope, 0);
                let changed = v.text != text;
                Arg {
                    name,
                    value: text,
                    resolved: changed.then_some(v.text),
                    resolved_at: v.line.filter(|_| changed),
                    parameter_default: changed && v.default,
                }
            })
            .collect()
    }

    /// The name of the innermost function around `n`.
    fn function_of(&self, n: Node) -> Option<String> {
        let mut at = n.parent();
        while let Some(p) = at {
            if p.kind() == "function_definition" {
                return p
                    .child_by_field_name("name")
                    .map(|name| self.text(name).to_string());
            }
            at = p.parent();
        }
        None
    }

    /// `x = call(...)`, `self.s = call(...)`, `with call(...) as s`.
    fn target(&self, call: Node) -> Option<String> {
        let parent = call.parent()?;
        match parent.kind() {
            "assignment" => parent
                .child_by_field_name("left")
                .filter(|_| parent.child_by_field_name("right").map(|r| r.id()) == Some(call.id()))
                .map(|l| collapse(self.text(l))),
            "as_pattern" => parent
                .child_by_field_name("alias")
                .map(|a| collapse(self.text(a))),
            _ => None,
        }
    }

    fn line_part(&self, from: usize, to: usize) -> String {
        let to = to.max(from);
        let long = to - from > 4 * MAX_VALUE_CHARS;
        let to = if long { from + 4 * MAX_VALUE_CHARS } else { to };
        let text = String::from_utf8_lossy(&self.src[from..to]).replace('\t', "    ");
        cut(text, MAX_VALUE_CHARS, long)
    }

    fn line_end(&self, at: usize) -> usize {
        memchr::memchr(b'\n', &self.src[at..]).map_or(self.src.len(), |i| at + i)
    }

    /// Source lines `line..=end`, dedented, tabs as four spaces, at most MAX_CODE_LINES.
    fn code(&self, line: u32, end: u32) -> String {
        let from = self.line_starts[line as usize - 1];
        let last = (end as usize).min(line as usize - 1 + MAX_CODE_LINES + 1);
        let to = self
            .line_starts
            .get(last)
            .copied()
            .unwrap_or(self.src.len());
        let text = String::from_utf8_lossy(&self.src[from..to]);
        let lines: Vec<String> = text
            .lines()
            .map(|l| {
                let l = l.replace('\t', "    ").trim_end().to_string();
                cut(l, MAX_VALUE_CHARS, false)
            })
            .collect();
        let indent = lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let mut shown: Vec<String> = lines
            .iter()
            .take(MAX_CODE_LINES)
            .map(|l| l.get(indent..).unwrap_or(l.trim_start()).to_string())
            .collect();
        let total = (end - line + 1) as usize;
        if total > MAX_CODE_LINES {
            shown.push(format!("# ... {} more line(s)", total - MAX_CODE_LINES));
        }
        shown.join("\n")
    }
}

type RawArg<'t> = (Option<String>, Node<'t>, usize);

/// A resolved value: its text, the line a followed name was bound on, and whether a
/// parameter's default was on the way.
struct Val {
    text: String,
    line: Option<u32>,
    default: bool,
}

#[cfg(test)]
#[path = "python_tests.rs"]
mod tests;

/// A string that requests a health endpoint (`"/health"`, `f"{BASE}/healthz"`) or a name of a
/// health-check function (`check_health`, `wait_for_healthcheck`, `health_check`). Not any
/// mention of the word: a `HEALTHY` switch, a `HealthyServer` fixture or an
/// `"RCA_SEED_HEALTHY"` variable check nothing.
fn names_health_check(kind: &str, text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    match kind {
        "string_content" => t.contains("/health"),
        _ => ["health_check", "healthcheck", "check_health"]
            .iter()
            .any(|w| t.contains(w)),
    }
}
