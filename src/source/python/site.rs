//! From a call to a [`ClientSite`]: what the call configures (by its callee, imports
//! resolved, `functools.partial` looked through), what it is bound to and the function it is
//! in. It does not read the arguments (`args.rs`) nor cut the source text shown (`code.rs`),
//! and linking a site to the log is [`link`](crate::source::link)'s.

use super::args::RawArg;
use super::index::{Index, VALUE_BUDGET};
use super::{ClientSite, SiteKind};
use crate::source::names::{HTTP_VERBS, collapse, known_kind};
use tree_sitter::Node;

impl<'t> Index<'t> {
    /// The site a call makes, if it configures a client.
    pub(super) fn site(&self, file: &str, call: Node<'t>, scope: usize) -> Option<ClientSite> {
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
}
