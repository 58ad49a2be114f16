//! One file's index for the extraction: the byte offsets of its lines, its scopes, what its
//! imports bind each name to, its assignments and parameter defaults, every call with its
//! scope, and whether it mentions a health check or imports a rate limiter, all gathered in
//! one walk of the tree. It does not resolve values (`value.rs`) nor decide which calls are
//! sites (`site.rs`).

use crate::source::names::{RATE_LIMIT_MODULES, collapse, in_docstring};
use std::collections::HashMap;
use tree_sitter::Node;

/// A binding: the expression a name stands for, the scope it is evaluated in, its line.
/// `None` for a parameter without a default (its value is the caller's).
pub(super) type Binding<'t> = Option<(Node<'t>, usize)>;

/// One file's names, bindings and calls.
pub(super) struct Index<'t> {
    pub(super) src: &'t [u8],
    /// Byte offset of each line's start.
    pub(super) line_starts: Vec<usize>,
    /// Scope arena: each function's parent scope (0 is the module).
    pub(super) parents: Vec<usize>,
    /// Import bindings: local name -> dotted origin.
    pub(super) imports: HashMap<String, String>,
    /// `(scope, name)` -> binding (first one wins).
    pub(super) names: HashMap<(usize, String), Binding<'t>>,
    /// `self.NAME = ...` anywhere in the file.
    pub(super) attrs: HashMap<String, (Node<'t>, usize)>,
    /// Every call with its scope, in source order.
    pub(super) calls: Vec<(Node<'t>, usize)>,
    pub(super) mentions_health: bool,
    pub(super) imports_rate_limiter: bool,
    /// Expressions [`Self::value`] may still look at for the argument at hand: names that
    /// stand for tuples of names that stand for tuples would otherwise grow exponentially.
    pub(super) budget: std::cell::Cell<u32>,
}

/// Expressions looked at per argument value.
pub(super) const VALUE_BUDGET: u32 = 256;

impl<'t> Index<'t> {
    pub(super) fn new(src: &'t [u8]) -> Self {
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

    pub(super) fn text(&self, n: Node) -> &'t str {
        n.utf8_text(self.src).unwrap_or("")
    }

    /// One preorder walk with an explicit stack (deeply nested code cannot overflow it).
    pub(super) fn collect(&mut self, root: Node<'t>) {
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
    pub(super) fn lookup(&self, name: &str, mut scope: usize) -> Option<Binding<'t>> {
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

    /// A dotted callee with its first name replaced by what the file imported it as.
    pub(super) fn dotted(&self, n: Node) -> String {
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

    pub(super) fn is_imported(&self, n: Node) -> bool {
        let text = self.text(n);
        let first = text.split('.').next().unwrap_or(text).trim();
        self.imports.contains_key(first)
    }
}

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
