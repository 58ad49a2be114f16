//! Recommendations: a catalogue of remediations (data, in `src/recommendations.toml`), each
//! with a trigger that must fire on the run's evidence before it is shown, and text and
//! before/after code whose values (pool size, concurrency, timeouts) come from that evidence.

use crate::analysis::{Analysis, trim_float};
use crate::model::Category;
use crate::rootcause::{Family, Locus, RootCauseAnalysis, URLLIB3_DEFAULT_POOL};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The catalogue, compiled into the binary.
pub const CATALOGUE_TOML: &str = include_str!("recommendations.toml");

/// One catalogue entry as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Stable id.
    pub id: String,
    /// `code` or `infrastructure`.
    pub kind: String,
    /// `now`, `next` or `later`.
    pub priority: String,
    /// Trigger id (see [`fires`]).
    pub trigger: String,
    /// Title (may hold placeholders).
    pub title: String,
    /// Why it applies (placeholders).
    pub why: String,
    /// Code before (placeholders; may be empty).
    pub before: String,
    /// Code after (placeholders).
    pub after: String,
    /// Hebrew title (placeholders).
    #[serde(default)]
    pub title_he: String,
    /// Hebrew explanation (placeholders).
    #[serde(default)]
    pub why_he: String,
}

#[derive(Deserialize)]
struct Catalogue {
    recommendation: Vec<Entry>,
}

/// A recommendation chosen for this run.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendation {
    /// Catalogue id.
    pub id: String,
    /// `code` or `infrastructure`.
    pub kind: String,
    /// `now`, `next` or `later`.
    pub priority: String,
    /// Title with values filled in.
    pub title: String,
    /// Why, with the run's numbers.
    pub why: String,
    /// Code before (empty for infrastructure checks).
    pub before: String,
    /// Code after, or commands to run.
    pub after: String,
    /// Root causes it addresses.
    pub root_causes: Vec<String>,
    /// Hebrew title (reports with `--lang he`).
    #[serde(skip)]
    pub title_he: String,
    /// Hebrew explanation.
    #[serde(skip)]
    pub why_he: String,
}

/// Parses the built-in catalogue.
pub fn catalogue() -> Vec<Entry> {
    toml::from_str::<Catalogue>(CATALOGUE_TOML)
        .expect("built-in recommendations parse")
        .recommendation
}

/// The facts triggers look at, gathered once from the analysis.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    /// Values for placeholders that hold for the whole run.
    pub values: BTreeMap<&'static str, String>,
    /// Values specific to one root cause (its target, status, timeout, pool size).
    pub per_cause: BTreeMap<String, BTreeMap<&'static str, String>>,
    /// Fired triggers, each with the root causes behind it.
    pub fired: BTreeMap<&'static str, Vec<String>>,
}

impl Facts {
    fn fire(&mut self, trigger: &'static str, rc: &str) {
        let list = self.fired.entry(trigger).or_default();
        if !list.iter().any(|r| r == rc) {
            list.push(rc.to_string());
        }
    }
}

/// Evaluates every trigger on the evidence.
pub fn facts(a: &Analysis, rca: &RootCauseAnalysis) -> Facts {
    let mut f = Facts::default();
    let concurrency = rca.observed_concurrency;
    if let Some(c) = concurrency {
        f.values.insert("concurrency", c.to_string());
    }
    for rc in &rca.root_causes {
        let fs: Vec<_> = rca
            .findings
            .iter()
            .filter(|x| rc.findings.contains(&x.id))
            .collect();
        let target = rc.target.clone().unwrap_or_default();
        let mut mine: BTreeMap<&'static str, String> = BTreeMap::new();
        if !target.is_empty() {
            mine.insert("target", target.clone());
            let (host, port) = match target.rsplit_once(':') {
                Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => {
                    (h.to_string(), p.to_string())
                }
                _ => (target.clone(), "443".to_string()),
            };
            mine.insert("host", host);
            mine.insert("port", port);
        }
        let pool = fs.iter().flat_map(|x| x.pool_sizes.iter().copied()).max();
        let connect_timeout = fs
            .iter()
            .filter(|x| {
                x.category == Category::ConnectTimeout || x.cause == Some(Category::ConnectTimeout)
            })
            .flat_map(|x| x.timeouts_s.iter().copied())
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        let status = fs.iter().find_map(|x| x.status);
        match rc.family {
            Family::ClientPool => {
                if let Some(p) = pool {
                    mine.insert("pool_size", p.to_string());
                    let suggested = concurrency.unwrap_or(p * 2).max(p * 2);
                    f.values.insert("suggested_pool", suggested.to_string());
                    if concurrency.is_none_or(|c| c > p) {
                        f.fire("pool_too_small", &rc.id);
                    }
                    if p == URLLIB3_DEFAULT_POOL {
                        f.fire("default_pool_session", &rc.id);
                    }
                }
                if concurrency.is_some_and(|c| c >= 20) {
                    f.fire("overload_under_concurrency", &rc.id);
                }
            }
            Family::Unreachable => {
                if rc.failed_tests.len() >= 2 {
                    f.fire("target_down", &rc.id);
                }
                if let Some(t) = connect_timeout {
                    f.values.insert("timeout", trim_float(t));
                    mine.insert("timeout", trim_float(t));
                    if t >= 10.0 {
                        f.fire("long_connect_timeout", &rc.id);
                    }
                }
            }
            Family::ErrorResponses => {
                if let Some(s) = status {
                    mine.insert("status", s.to_string());
                    if matches!(s, 429 | 503) {
                        f.fire("overload_under_concurrency", &rc.id);
                        if fs.iter().any(|x| x.category == Category::RetryExhausted) {
                            f.fire("status_retries_exhausted", &rc.id);
                        }
                    }
                    if matches!(s, 502..=504) {
                        f.fire("gateway_statuses", &rc.id);
                    }
                }
            }
            Family::SlowOrDropping => {}
        }
        match rc.verdict.locus {
            Locus::Infrastructure => f.fire("infrastructure_verdict", &rc.id),
            Locus::ServerCapacity => {
                f.fire("server_capacity_verdict", &rc.id);
                if concurrency.is_some() {
                    f.fire("capacity_for_concurrency", &rc.id);
                }
            }
            _ => {}
        }
        // Retrying cannot fix a name that does not resolve or a certificate that does not
        // verify: no retry advice for causes made only of those.
        let permanent = rc
            .categories
            .iter()
            .all(|c| matches!(c, Category::DnsFailure | Category::TlsError))
            || fs.iter().all(|x| {
                matches!(
                    x.cause.unwrap_or(x.category),
                    Category::DnsFailure | Category::TlsError
                )
            });
        for check in rc.cross_checks.iter().filter(|_| !permanent) {
            if check.id == "status_retries" && check.statement.contains("POST was retried") {
                f.fire("post_retried", &rc.id);
            }
            if check.id == "retry_amplification" {
                f.fire("retries_seen", &rc.id);
                if check
                    .statement
                    .contains("POST requests were among those retried")
                {
                    f.fire("post_retried", &rc.id);
                }
                if let Some(n) = attempts_in(&check.statement) {
                    mine.insert("attempts", n.to_string());
                    if n >= 3 {
                        f.fire("retry_amplification", &rc.id);
                    }
                }
            }
        }
        if !permanent
            && fs
                .iter()
                .any(|x| x.retry_attempts > 0 || x.category == Category::RetryExhausted)
        {
            f.fire("retries_seen", &rc.id);
        }
        f.per_cause.insert(rc.id.clone(), mine);
    }
    let timeout: f64 = f
        .values
        .get("timeout")
        .and_then(|t| t.parse().ok())
        .unwrap_or(10.0);
    f.values.insert(
        "suggested_timeout",
        trim_float((timeout / 4.0).clamp(1.0, 5.0).round()),
    );
    f.values
        .entry("attempts")
        .or_insert_with(|| "3".to_string());
    f.values
        .entry("target")
        .or_insert_with(|| "the server".to_string());
    f.values
        .entry("host")
        .or_insert_with(|| "the server".to_string());
    f.values.entry("port").or_insert_with(|| "443".to_string());
    f.values
        .entry("status")
        .or_insert_with(|| "503".to_string());
    f.values
        .entry("timeout")
        .or_insert_with(|| "60".to_string());
    let suggested = f
        .values
        .get("concurrency")
        .cloned()
        .unwrap_or_else(|| "50".to_string());
    f.values
        .entry("suggested_pool")
        .or_insert(suggested.clone());
    f.values.entry("concurrency").or_insert(suggested);
    f.values
        .entry("pool_size")
        .or_insert_with(|| URLLIB3_DEFAULT_POOL.to_string());
    let _ = a;
    f
}

/// The "N attempts per failed request" figure of a retry-amplification statement, rounded.
fn attempts_in(statement: &str) -> Option<u32> {
    let idx = statement.find(" attempts per failed request")?;
    let num = statement[..idx].rsplit(' ').next()?;
    num.parse::<f64>().ok().map(|v| v.round() as u32)
}

fn fill(template: &str, values: &BTreeMap<&'static str, String>) -> String {
    let mut out = template.to_string();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out.trim_matches('\n').to_string()
}

/// Run-wide values overlaid with those of the root causes behind a recommendation; where
/// several causes differ (two targets), their values are listed together.
fn values_for(facts: &Facts, rcs: &[String]) -> BTreeMap<&'static str, String> {
    let mut values = facts.values.clone();
    let mut merged: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for rc in rcs {
        if let Some(m) = facts.per_cause.get(rc) {
            for (k, v) in m {
                let list = merged.entry(k).or_default();
                if !list.contains(v) {
                    list.push(v.clone());
                }
            }
        }
    }
    for (k, list) in merged {
        // Code snippets need one value: the first cause's; prose gets all of them.
        let joined = if matches!(k, "target" | "status") {
            list.join(", ")
        } else {
            list[0].clone()
        };
        values.insert(k, joined);
    }
    values
}

/// Recommendations whose triggers fired, by priority (now, next, later), code first.
pub fn recommend(a: &Analysis, rca: &RootCauseAnalysis) -> Vec<Recommendation> {
    let facts = facts(a, rca);
    let rank = |p: &str| match p {
        "now" => 0,
        "next" => 1,
        _ => 2,
    };
    let mut out: Vec<Recommendation> = catalogue()
        .into_iter()
        .filter_map(|e| {
            let rcs = facts.fired.get(e.trigger.as_str())?;
            let values = values_for(&facts, rcs);
            Some(Recommendation {
                id: e.id.clone(),
                kind: e.kind.clone(),
                priority: e.priority.clone(),
                title: fill(&e.title, &values),
                why: fill(&e.why, &values),
                before: fill(&e.before, &values),
                after: fill(&e.after, &values),
                root_causes: rcs.clone(),
                title_he: fill(&e.title_he, &values),
                why_he: fill(&e.why_he, &values),
            })
        })
        .collect();
    out.sort_by_key(|r| (rank(&r.priority), r.kind != "code"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_complete_and_uses_known_triggers() {
        let known = [
            "pool_too_small",
            "default_pool_session",
            "retries_seen",
            "post_retried",
            "target_down",
            "overload_under_concurrency",
            "long_connect_timeout",
            "status_retries_exhausted",
            "retry_amplification",
            "infrastructure_verdict",
            "server_capacity_verdict",
            "gateway_statuses",
            "capacity_for_concurrency",
        ];
        let entries = catalogue();
        assert!(entries.len() >= 10);
        for e in &entries {
            assert!(
                known.contains(&e.trigger.as_str()),
                "{}: {}",
                e.id,
                e.trigger
            );
            assert!(
                matches!(e.kind.as_str(), "code" | "infrastructure"),
                "{}",
                e.id
            );
            assert!(
                matches!(e.priority.as_str(), "now" | "next" | "later"),
                "{}",
                e.id
            );
            if e.kind == "code" {
                assert!(!e.before.trim().is_empty(), "{}: code needs a before", e.id);
            }
            assert!(
                !e.title_he.is_empty() && !e.why_he.is_empty(),
                "{}: Hebrew text missing",
                e.id
            );
        }
    }

    #[test]
    fn attempts_are_read_from_the_statement() {
        assert_eq!(
            attempts_in(
                "282 retry attempt(s) for 94 failed request(s): 4.0 attempts per failed request against x"
            ),
            Some(4)
        );
    }
}
