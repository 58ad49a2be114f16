//! Argument values as far as the file tells: names (and `self.x`) followed to the expression
//! they stand for, through parameter defaults, and tuples and lists read element by element,
//! within a depth bound and a per-argument budget. It does not read argument lists or dict
//! configs (`args.rs`): it resolves one expression at a time.

use super::index::Index;
use super::{CUT, MAX_DEPTH, MAX_ITEMS, MAX_VALUE_CHARS};
use crate::source::names::{collapse, cut};
use tree_sitter::Node;

impl<'t> Index<'t> {
    /// Follows names (and `self.x`) to the expression they stand for.
    pub(super) fn follow(&self, n: Node<'t>, scope: usize) -> (Node<'t>, usize) {
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
    pub(super) fn value(&self, n: Node<'t>, scope: usize, depth: u8) -> Val {
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

    /// Takes one from the budget; false when it is spent.
    pub(super) fn spend(&self) -> bool {
        let left = self.budget.get();
        self.budget.set(left.saturating_sub(1));
        left > 0
    }
}

/// A resolved value: its text, the line a followed name was bound on, and whether a
/// parameter's default was on the way.
pub(super) struct Val {
    pub(super) text: String,
    pub(super) line: Option<u32>,
    pub(super) default: bool,
}
