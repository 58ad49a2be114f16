//! A call's arguments: the argument list as written (keywords, positionals, `*args`), dict
//! configs expanded into keywords (`**{"k": v}`, `**dict(k=v)`, `**NAME` bound to either),
//! and each argument named (positionals by the callee's signature) with its resolved value.
//! It does not resolve a value itself (`value.rs`) nor decide what the call configures
//! (`site.rs`).

use super::index::{Index, VALUE_BUDGET};
use super::{Arg, MAX_DEPTH, SiteKind};
use crate::source::names::{collapse, positional_names, string_literal};
use tree_sitter::Node;

impl<'t> Index<'t> {
    /// Arguments as written: `(keyword, value node, the scope it is evaluated in)`.
    pub(super) fn raw_args(&self, list: Node<'t>, scope: usize) -> Vec<RawArg<'t>> {
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

    fn is_dict_call(&self, n: Node) -> bool {
        n.child_by_field_name("function")
            .is_some_and(|f| self.text(f) == "dict")
    }

    pub(super) fn named_args(&self, kind: SiteKind, raw: Vec<RawArg<'t>>) -> Vec<Arg> {
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
}

pub(super) type RawArg<'t> = (Option<String>, Node<'t>, usize);
