//! The closing checklist: what a lead ticks off after the meeting. One line per
//! recommendation (the settings of the client configuration count once, as the block),
//! split by owner ("client code" for code changes, "platform team" for infrastructure
//! checks), each with its priority and the root causes it addresses. Derived from the
//! recommendations alone, so every format shows the same list. It does not choose the
//! recommendations ([`super::recommend`]) nor print the list ([`crate::report`]).

use crate::diagnose::recommend::Recommendation;
use serde::Serialize;

/// One line of the checklist.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Item {
    /// `client_code` or `platform_team`.
    pub owner: &'static str,
    /// `now`, `next` or `later`.
    pub priority: String,
    /// The line to tick off (the recommendation's title).
    pub text: String,
    /// Root causes it addresses.
    pub root_causes: Vec<String>,
    /// The recommendation it stands for.
    pub recommendation: String,
    /// Hebrew text (reports with `--lang he`).
    #[serde(skip)]
    pub text_he: String,
}

/// `client_code` for code changes, `platform_team` for infrastructure checks.
fn owner(kind: &str) -> &'static str {
    if kind == "code" {
        "client_code"
    } else {
        "platform_team"
    }
}

/// The checklist: client code first, then the platform team, each by priority.
pub fn build(recs: &[Recommendation]) -> Vec<Item> {
    let rank = |p: &str| match p {
        "now" => 0,
        "next" => 1,
        _ => 2,
    };
    let mut items: Vec<Item> = recs
        .iter()
        .filter(|r| r.part_of.is_none())
        .map(|r| Item {
            owner: owner(&r.kind),
            priority: r.priority.clone(),
            text: r.title.clone(),
            root_causes: r.root_causes.clone(),
            recommendation: r.id.clone(),
            text_he: r.title_he.clone(),
        })
        .collect();
    items.sort_by_key(|i| (i.owner != "client_code", rank(&i.priority)));
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, kind: &str, priority: &str, part_of: Option<&str>) -> Recommendation {
        Recommendation {
            id: id.to_string(),
            kind: kind.to_string(),
            priority: priority.to_string(),
            title: format!("do {id}"),
            why: String::new(),
            before: String::new(),
            after: String::new(),
            root_causes: vec!["RC1".to_string()],
            title_he: String::new(),
            why_he: String::new(),
            part_of: part_of.map(str::to_string),
            settings: Vec::new(),
            source_links: Vec::new(),
        }
    }

    #[test]
    fn one_line_per_recommendation_by_owner_then_priority() {
        let recs = [
            rec("infra", "infrastructure", "now", None),
            rec("later-code", "code", "later", None),
            rec("setting", "code", "now", Some("client-configuration")),
            rec("client-configuration", "code", "now", None),
        ];
        let items = build(&recs);
        let ids: Vec<&str> = items.iter().map(|i| i.recommendation.as_str()).collect();
        assert_eq!(ids, ["client-configuration", "later-code", "infra"]);
        assert_eq!(items[2].owner, "platform_team");
        assert!(items.iter().all(|i| !i.text.contains('\n')));
    }
}
