//! Recommendations: a catalogue of remediations (data, in `recommendations.toml` beside this file), each
//! with a trigger that must fire on the run's evidence before it is shown, and text and
//! before/after code whose values (pool size, concurrency, timeouts) come from that evidence.
//! Entries about one client setting (`part_of_config`) are folded into one consolidated
//! client configuration ([`client_config`](crate::diagnose::client_config)), so every setting has one
//! value in one place; endpoints, service names and URLs come from the run, else neutral
//! placeholders. The load tests' in-flight limit comes from the capacity evidence.
//!
//! It does not infer the client's settings ([`client_config`]), decide verdicts
//! (`crate::diagnose::verdict`) or print anything ([`crate::report`]).

use crate::diagnose::client_config::{self, Setting};
use crate::diagnose::{
    Family, Finding, Locus, RootCause, RootCauseAnalysis, URLLIB3_DEFAULT_POOL, test_concurrency,
};
use crate::facts::{RunFacts, trim_float};
use crate::model::Category;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

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
    /// Trigger id (fired by the run's evidence, see `Facts::fire`).
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
    /// A setting of the client configuration: folded into [`CLIENT_CONFIG_ID`].
    #[serde(default)]
    pub part_of_config: bool,
}

/// Id of the consolidated client configuration.
pub const CLIENT_CONFIG_ID: &str = "client-configuration";

#[derive(Deserialize)]
struct Catalogue {
    recommendation: Vec<Entry>,
}

/// A recommendation chosen for this run.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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
    /// The consolidated configuration this setting is part of ([`CLIENT_CONFIG_ID`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_of: Option<String>,
    /// For the consolidated configuration: each setting, the run's value and the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<Setting>,
    /// The scanned code its "before" shows (`rca analyze --source DIR`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_links: Vec<crate::model::SourceLink>,
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
pub fn facts(rca: &RootCauseAnalysis) -> Facts {
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
        let mut mine: BTreeMap<&'static str, String> = BTreeMap::new();
        target_values(rc, &fs, &mut mine);
        endpoint_values(&fs, &mut mine);
        match rc.family {
            Family::ClientPool => pool_triggers(&mut f, &mut mine, rc, &fs, concurrency),
            Family::Unreachable => unreachable_triggers(&mut f, &mut mine, rc, &fs),
            Family::ErrorResponses => error_response_triggers(&mut f, &mut mine, rc, &fs),
            Family::SlowOrDropping => {}
        }
        locus_triggers(&mut f, rc, concurrency);
        retry_triggers(&mut f, &mut mine, rc, &fs);
        f.per_cause.insert(rc.id.clone(), mine);
    }
    default_values(&mut f.values);
    concurrency_values(&mut f.values, concurrency);
    f
}

/// A cause's target and what follows from it: host, port and base URL.
fn target_values(rc: &RootCause, fs: &[&Finding], mine: &mut BTreeMap<&'static str, String>) {
    let target = rc.target.clone().unwrap_or_default();
    if target.is_empty() {
        return;
    }
    mine.insert("target", target.clone());
    let (host, port) = match target.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => (h.to_string(), p.to_string()),
        _ => (target.clone(), "443".to_string()),
    };
    mine.insert("host", host);
    mine.insert("port", port);
    let lines: Vec<&str> = fs
        .iter()
        .flat_map(|x| x.samples.iter().map(|s| s.text.as_str()))
        .collect();
    let scheme = crate::diagnose::scheme_of(&target, &lines);
    mine.insert("base_url", format!("{scheme}://{target}"));
}

/// A cause's first logged endpoint: method, path and the service the path names.
fn endpoint_values(fs: &[&Finding], mine: &mut BTreeMap<&'static str, String>) {
    let Some((method, path)) = fs
        .iter()
        .find_map(|x| x.endpoint.as_deref()?.split_once(' '))
    else {
        return;
    };
    mine.insert("method", method.to_ascii_lowercase());
    mine.insert("path", path.to_string());
    if let Some(service) = service_of(path) {
        mine.insert("service", service.to_string());
        mine.insert(
            "service_from",
            format!("inferred from the logged path {path}; use the service's own label"),
        );
    }
}

/// Triggers of a client-pool cause: a pool smaller than the concurrency, the default pool.
fn pool_triggers(
    f: &mut Facts,
    mine: &mut BTreeMap<&'static str, String>,
    rc: &RootCause,
    fs: &[&Finding],
    concurrency: Option<u32>,
) {
    let pool = fs.iter().flat_map(|x| x.pool_sizes.iter().copied()).max();
    if let Some(p) = pool {
        mine.insert("pool_size", p.to_string());
        let suggested = concurrency.unwrap_or(0).max(p.saturating_mul(2));
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

/// Triggers of an unreachable cause: a target down for several tests, a long connect timeout.
fn unreachable_triggers(
    f: &mut Facts,
    mine: &mut BTreeMap<&'static str, String>,
    rc: &RootCause,
    fs: &[&Finding],
) {
    let connect_timeout = fs
        .iter()
        .filter(|x| {
            x.category == Category::ConnectTimeout || x.cause == Some(Category::ConnectTimeout)
        })
        .flat_map(|x| x.timeouts_s.iter().copied())
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
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

/// Triggers of an error-response cause: overload statuses, status retries that ran out,
/// gateway statuses.
fn error_response_triggers(
    f: &mut Facts,
    mine: &mut BTreeMap<&'static str, String>,
    rc: &RootCause,
    fs: &[&Finding],
) {
    let Some(s) = fs.iter().find_map(|x| x.status) else {
        return;
    };
    // The log showed the server's Retry-After and the retries waited that long.
    let retry_after_honoured = rc.cross_checks.iter().any(|c| {
        c.id == "retry_after"
            && c.statement
                .contains("consistent with Retry-After being honoured")
    });
    mine.insert("status", s.to_string());
    if matches!(s, 429 | 503) {
        f.fire("overload_under_concurrency", &rc.id);
        if !retry_after_honoured && fs.iter().any(|x| x.category == Category::RetryExhausted) {
            f.fire("status_retries_exhausted", &rc.id);
        }
    }
    if matches!(s, 502..=504) {
        f.fire("gateway_statuses", &rc.id);
    }
}

/// Triggers of the cause's verdict: infrastructure, server capacity.
fn locus_triggers(f: &mut Facts, rc: &RootCause, concurrency: Option<u32>) {
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
}

/// Triggers of the cause's retries: retries seen, POST retried, retry amplification.
fn retry_triggers(
    f: &mut Facts,
    mine: &mut BTreeMap<&'static str, String>,
    rc: &RootCause,
    fs: &[&Finding],
) {
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
}

/// Run-wide values no cause set: the suggested timeout, then neutral placeholders.
fn default_values(values: &mut BTreeMap<&'static str, String>) {
    let timeout: f64 = values
        .get("timeout")
        .and_then(|t| t.parse().ok())
        .unwrap_or(10.0);
    values.insert(
        "suggested_timeout",
        trim_float((timeout / 4.0).clamp(1.0, 5.0).round()),
    );
    values.entry("attempts").or_insert_with(|| "3".to_string());
    values
        .entry("target")
        .or_insert_with(|| "the server".to_string());
    values
        .entry("host")
        .or_insert_with(|| "the server".to_string());
    values.entry("port").or_insert_with(|| "443".to_string());
    for (k, v) in [
        ("base_url", "https://SERVER"),
        ("method", "post"),
        ("path", "/ENDPOINT"),
        ("service", "SERVICE"),
        ("service_from", "the label of the service (not in the log)"),
    ] {
        values.entry(k).or_insert_with(|| v.to_string());
    }
    values.entry("status").or_insert_with(|| "503".to_string());
    values.entry("timeout").or_insert_with(|| "60".to_string());
}

/// The concurrency in prose, code and the pool size; without a concurrency in the log no
/// number is made up: prose says so, code gets a placeholder.
fn concurrency_values(values: &mut BTreeMap<&'static str, String>, concurrency: Option<u32>) {
    let (phrase, cap, workers) = match concurrency {
        Some(c) => (
            format!("up to {c} requests at a time"),
            format!("; a cap at or above {c} changes nothing"),
            c.to_string(),
        ),
        None => (
            "many requests at a time (the log does not show how many)".to_string(),
            String::new(),
            "WORKERS".to_string(),
        ),
    };
    let (phrase_he, cap_he) = match concurrency {
        Some(c) => (
            format!("עד {c} בקשות בו-זמנית"),
            format!("; מגבלה של {c} ומעלה לא משנה דבר"),
        ),
        None => (
            "בקשות רבות בו-זמנית (הלוג לא מראה כמה)".to_string(),
            String::new(),
        ),
    };
    values.insert("concurrency_phrase_he", phrase_he);
    values.insert("cap_note_he", cap_he);
    values.insert("concurrency_phrase", phrase);
    values.insert("cap_note", cap);
    values.insert("workers", workers);
    let suggested = values
        .get("concurrency")
        .cloned()
        .unwrap_or_else(|| "N".to_string());
    values.entry("suggested_pool").or_insert(suggested.clone());
    values.entry("concurrency").or_insert(suggested);
    values
        .entry("pool_size")
        .or_insert_with(|| URLLIB3_DEFAULT_POOL.to_string());
}

/// The service a logged path names by its first segment (`/focus-server/configure` ->
/// `focus-server`), unless that segment is a generic API prefix or an id.
fn service_of(path: &str) -> Option<&str> {
    let first = path.trim_start_matches('/').split(['/', '?']).next()?;
    let generic = ["api", "rest", "v1", "v2", "v3", "internal", "public", ""];
    let named = first.len() >= 3
        && first.bytes().any(|b| b.is_ascii_alphabetic())
        && first
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !first.contains('{');
    (named && !generic.contains(&first.to_ascii_lowercase().as_str())).then_some(first)
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

/// A knee the re-probe found on a server, as the in-flight limit reads it: the probe hands
/// it over ([`crate::probe::fold`]), so recommending reads no probe type.
#[derive(Debug, Clone)]
pub struct ProbedKnee {
    /// The probed URL.
    pub url: String,
    /// The root causes that name the server.
    pub root_causes: Vec<String>,
    /// The concurrency it failed from.
    pub concurrency: u32,
    /// The last step that kept up.
    pub last_good: Option<u32>,
    /// How it failed there.
    pub detail: String,
}

/// The in-flight limit for the load tests and how it was found: the re-probe's last good
/// step before the knee, else the log's capacity estimate ([`crate::diagnose::capacity`]) when its
/// failing levels belong to these causes (its last good level, else half the knee), else
/// the highest level that passed below the one where these causes' errors started (else
/// half of that), always below the observed concurrency; `None` when the run shows no
/// capacity evidence.
pub fn in_flight_limit(
    a: &RunFacts,
    rca: &RootCauseAnalysis,
    knees: &[ProbedKnee],
    rcs: &[String],
) -> Option<(u32, String)> {
    let observed = rca.observed_concurrency;
    let below = |n: u32| observed.map_or(n, |c| n.min(c.saturating_sub(1))).max(1);
    let wanted: HashSet<&str> = rcs.iter().map(String::as_str).collect();
    if let Some(limit) = reprobe_limit(knees, &wanted, below) {
        return Some(limit);
    }
    let hit: HashSet<&str> = rca
        .root_causes
        .iter()
        .filter(|rc| wanted.contains(rc.id.as_str()))
        .flat_map(|rc| rc.failed_tests.iter().chain(&rc.contributing_to))
        .map(String::as_str)
        .collect();
    if let Some(limit) = log_capacity_limit(rca, &hit, below) {
        return Some(limit);
    }
    load_level_limit(a, &hit, below)
}

/// The limit from the re-probe of these causes' targets: its last good step before the knee.
fn reprobe_limit(
    knees: &[ProbedKnee],
    wanted: &HashSet<&str>,
    below: impl Fn(u32) -> u32,
) -> Option<(u32, String)> {
    let k = knees
        .iter()
        .find(|k| k.root_causes.iter().any(|rc| wanted.contains(rc.as_str())))?;
    let url = &k.url;
    let good = k
        .last_good
        .unwrap_or(k.concurrency.saturating_sub(1).max(1));
    Some((
        below(good),
        format!(
            "the re-probe of {url} failed from concurrency {} ({}); the last good step was {good}",
            k.concurrency, k.detail
        ),
    ))
}

/// The limit from the log's capacity estimate when its failing levels are among `hit`: its
/// last good level, else half the knee.
fn log_capacity_limit(
    rca: &RootCauseAnalysis,
    hit: &HashSet<&str>,
    below: impl Fn(u32) -> u32,
) -> Option<(u32, String)> {
    let e = rca.capacity.as_ref()?;
    let knee = e.knee?;
    if !e.failing_tests.iter().any(|t| hit.contains(t.as_str())) {
        return None;
    }
    Some(match e.last_good {
        Some(g) => (
            below(g),
            format!(
                "the log's load levels: errors from concurrency {knee}, {g} passed ({} confidence)",
                e.confidence.id()
            ),
        ),
        None => (
            below((knee / 2).max(1)),
            format!(
                "the log's load levels failed from the lowest, concurrency {knee}: half of it, then raise it while the errors stay away"
            ),
        ),
    })
}

/// The limit from the tests' own levels: the highest that passed below the lowest failing
/// one of `hit`, else half of that.
fn load_level_limit(
    a: &RunFacts,
    hit: &HashSet<&str>,
    below: impl Fn(u32) -> u32,
) -> Option<(u32, String)> {
    let failing = a
        .tests
        .iter()
        .filter(|t| hit.contains(t.nodeid.as_str()))
        .filter_map(|t| test_concurrency(t).map(|c| (c, t)))
        .min_by_key(|(c, _)| *c)?;
    let passed_below = a
        .tests
        .iter()
        .filter(|t| t.outcome == "passed")
        .filter_map(|t| test_concurrency(t).map(|c| (c, t)))
        .filter(|(c, _)| *c < failing.0)
        .max_by_key(|(c, _)| *c);
    Some(match passed_below {
        Some((c, t)) => (
            below(c),
            format!(
                "errors started at concurrency {} ({}); {} passed at {c}",
                failing.0, failing.1.name, t.name
            ),
        ),
        None => (
            below((failing.0 / 2).max(1)),
            format!(
                "errors started at concurrency {} ({}) and no lower level passed: half of it, then raise it while the errors stay away",
                failing.0, failing.1.name
            ),
        ),
    })
}

/// `{max_in_flight_line}` and `{max_in_flight_why}` of the rate-limit entry.
fn in_flight_values(
    a: &RunFacts,
    rca: &RootCauseAnalysis,
    knees: &[ProbedKnee],
    rcs: &[String],
    values: &mut BTreeMap<&'static str, String>,
) {
    match in_flight_limit(a, rca, knees, rcs) {
        Some((n, why)) => {
            values.insert(
                "max_in_flight_line",
                format!("MAX_IN_FLIGHT = {n}  # {why}"),
            );
            values.insert(
                "max_in_flight_why",
                format!("A limit of {n} in flight: {why}."),
            );
            values.insert(
                "max_in_flight_why_he",
                format!("מגבלה של {n} בקשות בדרך ({why})."),
            );
        }
        None => {
            values.insert(
                "max_in_flight_line",
                "# Unknown from this log: the last error-free step of\n\
                 #   rca probe URL --ramp 1,2,5,10,20,50 --rate 500\n\
                 MAX_IN_FLIGHT = int(os.environ[\"MAX_IN_FLIGHT\"])"
                    .to_string(),
            );
            values.insert(
                "max_in_flight_why_he",
                "בלוג אין ראיות לקיבולת (אין נקודת שבירה מבדיקה חוזרת ואין רמת עומס שעברה): יש למצוא את הגבול עם ramp (rca probe URL --ramp 1,2,5,10,20,50) ולהשתמש בשלב האחרון ללא שגיאות.".to_string(),
            );
            values.insert(
                "max_in_flight_why",
                "This log shows no capacity evidence (no re-probe knee, no load level that passed): find the limit with a ramp (rca probe URL --ramp 1,2,5,10,20,50) and use its last error-free step.".to_string(),
            );
        }
    }
}

/// The consolidated client configuration: one entry standing for the settings entries.
fn consolidated(parts: &[&Recommendation], cfg: client_config::Config) -> Recommendation {
    let mut rcs: Vec<String> = Vec::new();
    for p in parts {
        for rc in &p.root_causes {
            if !rcs.contains(rc) {
                rcs.push(rc.clone());
            }
        }
    }
    rcs.sort_by_key(|r| {
        r.trim_start_matches("RC")
            .parse::<u32>()
            .unwrap_or(u32::MAX)
    });
    Recommendation {
        id: CLIENT_CONFIG_ID.to_string(),
        kind: "code".to_string(),
        priority: "now".to_string(),
        title: "One client configuration for every session: pool, retries, backoff, timeouts".to_string(),
        why: "One block for every session the tests build (the API client and helpers such as auth or token sessions). Each setting answers a finding of this run (the table below); the \"this run\" values are inferred from the log, not read from the code.".to_string(),
        before: cfg.before,
        after: cfg.after,
        root_causes: rcs,
        title_he: "תצורת לקוח אחת לכל session: pool, ניסיונות חוזרים, backoff, timeouts".to_string(),
        why_he: "בלוק אחד לכל session שהטסטים בונים (לקוח ה-API ולקוחות עזר כמו session של אימות או טוקנים). כל הגדרה עונה על ממצא של הריצה הזו (הטבלה שלהלן); ערכי \"הריצה הזו\" הוסקו מהלוג ולא נקראו מהקוד.".to_string(),
        part_of: None,
        settings: cfg.settings,
        source_links: Vec::new(),
    }
}

/// Recommendations whose triggers fired, by priority (now, next, later), code first; the
/// consolidated client configuration first when any of its settings is recommended.
pub fn recommend(
    a: &RunFacts,
    rca: &RootCauseAnalysis,
    knees: &[ProbedKnee],
) -> Vec<Recommendation> {
    let mut facts = facts(rca);
    let observed = client_config::observe(a, rca);
    let fired = |t: &str| facts.fired.get(t).cloned().unwrap_or_default();
    let causes = client_config::causes(rca, &fired);
    let cfg = client_config::build(&observed, &causes, rca.observed_concurrency);
    for (k, v) in &cfg.values {
        facts.values.insert(k, v.clone());
    }
    let rank = |p: &str| match p {
        "now" => 0,
        "next" => 1,
        _ => 2,
    };
    let mut out: Vec<Recommendation> = catalogue()
        .into_iter()
        .filter_map(|e| {
            let rcs = facts.fired.get(e.trigger.as_str())?;
            let mut values = values_for(&facts, rcs);
            let health = match values.get("service").filter(|s| *s != "SERVICE") {
                Some(s) => format!("/{s}/health"),
                None => "/health".to_string(),
            };
            values.insert("health_path", health);
            if e.id == "rate-limit-load-tests" {
                in_flight_values(a, rca, knees, rcs, &mut values);
            }
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
                part_of: e.part_of_config.then(|| CLIENT_CONFIG_ID.to_string()),
                settings: Vec::new(),
                source_links: Vec::new(),
            })
        })
        .collect();
    out.sort_by_key(|r| (rank(&r.priority), r.kind != "code"));
    let parts: Vec<&Recommendation> = out.iter().filter(|r| r.part_of.is_some()).collect();
    if !parts.is_empty() {
        let whole = consolidated(&parts, cfg);
        out.insert(0, whole);
    }
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

    use crate::diagnose::{
        Confidence, CrossCheck, Family, Finding, Locus, RootCause, RootCauseAnalysis, Verdict,
    };
    use crate::facts::Location;

    fn finding(id: &str, category: Category, status: Option<u16>) -> Finding {
        Finding {
            id: id.to_string(),
            fingerprint: String::new(),
            category,
            cause: None,
            target: Some("10.10.10.100:443".to_string()),
            endpoint: Some("POST /focus-server/configure".to_string()),
            status,
            events: 10,
            terminal_events: 5,
            retry_attempts: 0,
            tests: Vec::new(),
            failed_tests: Vec::new(),
            timeouts_s: Vec::new(),
            pool_sizes: Vec::new(),
            max_elapsed_ms: None,
            first_at: None,
            last_at: None,
            locations: vec![Location { file: 0, line: 1 }],
            samples: Vec::new(),
            event_indices: Vec::new(),
        }
    }

    fn cause(
        id: &str,
        family: Family,
        locus: Locus,
        findings: &[&Finding],
        failed: usize,
    ) -> RootCause {
        let mut categories: Vec<Category> = findings.iter().map(|f| f.category).collect();
        categories.dedup();
        RootCause {
            id: id.to_string(),
            title: String::new(),
            family,
            target: Some("10.10.10.100:443".to_string()),
            findings: findings.iter().map(|f| f.id.clone()).collect(),
            categories,
            events: 10,
            failed_tests: (0..failed).map(|i| format!("t.py::test_{i}")).collect(),
            contributing_to: Vec::new(),
            passed_tests_affected: Vec::new(),
            collateral_tests: Vec::new(),
            outage_windows: Vec::new(),
            window: None,
            verdict: Verdict {
                locus,
                confidence: Confidence::Medium,
                summary: String::new(),
                evidence: Vec::new(),
                counter_evidence: Vec::new(),
            },
            cross_checks: Vec::new(),
            reprobe: None,
            history: None,
            source_links: Vec::new(),
        }
    }

    fn fired(rca: &RootCauseAnalysis) -> Vec<&'static str> {
        facts(rca).fired.keys().copied().collect()
    }

    #[test]
    fn pool_triggers_need_a_pool_smaller_than_concurrency() {
        let mut pool = finding("F1", Category::PoolFull, None);
        pool.pool_sizes = vec![10];
        let rc = cause("RC1", Family::ClientPool, Locus::ClientCode, &[&pool], 0);
        let mut rca = RootCauseAnalysis {
            findings: vec![pool.clone()],
            root_causes: vec![rc],
            observed_concurrency: Some(200),
            ..RootCauseAnalysis::default()
        };
        let f = fired(&rca);
        assert!(
            f.contains(&"pool_too_small") && f.contains(&"default_pool_session"),
            "{f:?}"
        );
        assert!(f.contains(&"overload_under_concurrency"), "{f:?}");
        // A pool of 50 for 20 concurrent requests is neither too small nor the default.
        rca.findings[0].pool_sizes = vec![50];
        rca.observed_concurrency = Some(20);
        let f = fired(&rca);
        assert!(
            !f.contains(&"pool_too_small") && !f.contains(&"default_pool_session"),
            "{f:?}"
        );
    }

    #[test]
    fn an_unknown_concurrency_is_never_a_made_up_number() {
        let mut pool = finding("F1", Category::PoolFull, None);
        pool.pool_sizes = vec![10];
        let rc = cause("RC1", Family::ClientPool, Locus::ClientCode, &[&pool], 0);
        let rca = RootCauseAnalysis {
            findings: vec![pool.clone()],
            root_causes: vec![rc],
            observed_concurrency: None,
            ..RootCauseAnalysis::default()
        };
        let f = facts(&rca);
        assert!(f.values["concurrency_phrase"].contains("does not show"));
        assert_eq!(f.values["workers"], "WORKERS");
        assert!(f.values.values().all(|v| v != "50"), "{:?}", f.values);
        assert_eq!(service_of("/focus-server/configure"), Some("focus-server"));
        assert_eq!(service_of("/api/v1/jobs"), None);
        assert_eq!(service_of("/{id}/x"), None);
    }

    #[test]
    fn unreachable_triggers() {
        let mut ct = finding("F1", Category::ConnectTimeout, None);
        ct.timeouts_s = vec![60.0];
        let rc = cause("RC1", Family::Unreachable, Locus::Infrastructure, &[&ct], 3);
        let rca = RootCauseAnalysis {
            findings: vec![ct.clone()],
            root_causes: vec![rc],
            ..RootCauseAnalysis::default()
        };
        let f = fired(&rca);
        for t in [
            "target_down",
            "long_connect_timeout",
            "infrastructure_verdict",
        ] {
            assert!(f.contains(&t), "{t} not in {f:?}");
        }
        assert!(
            !f.contains(&"retries_seen"),
            "no retries in the evidence: {f:?}"
        );
        // One failed test and a 5 s timeout: no breaker, no timeout advice.
        ct.timeouts_s = vec![5.0];
        let rc = cause("RC1", Family::Unreachable, Locus::ServerCapacity, &[&ct], 1);
        let rca = RootCauseAnalysis {
            findings: vec![ct.clone()],
            root_causes: vec![rc],
            ..RootCauseAnalysis::default()
        };
        let f = fired(&rca);
        assert!(
            !f.contains(&"target_down") && !f.contains(&"long_connect_timeout"),
            "{f:?}"
        );
        assert!(f.contains(&"server_capacity_verdict"), "{f:?}");
        assert!(
            !f.contains(&"capacity_for_concurrency"),
            "no concurrency known: {f:?}"
        );
    }

    #[test]
    fn status_triggers() {
        let s503 = finding("F1", Category::RetryExhausted, Some(503));
        let mut rc = cause(
            "RC1",
            Family::ErrorResponses,
            Locus::ServerCapacity,
            &[&s503],
            2,
        );
        rc.cross_checks.push(CrossCheck {
            id: "status_retries",
            title: String::new(),
            statement: "5 final failure(s) ...; POST was retried on status (POST /x): ..."
                .to_string(),
            locations: Vec::new(),
        });
        let rca = RootCauseAnalysis {
            findings: vec![s503.clone()],
            root_causes: vec![rc],
            observed_concurrency: Some(50),
            ..RootCauseAnalysis::default()
        };
        let f = fired(&rca);
        for t in [
            "status_retries_exhausted",
            "gateway_statuses",
            "overload_under_concurrency",
            "post_retried",
            "retries_seen",
            "capacity_for_concurrency",
        ] {
            assert!(f.contains(&t), "{t} not in {f:?}");
        }
        let s500 = finding("F1", Category::HttpError, Some(500));
        let rc = cause("RC1", Family::ErrorResponses, Locus::Unknown, &[&s500], 1);
        let rca = RootCauseAnalysis {
            findings: vec![s500.clone()],
            root_causes: vec![rc],
            ..RootCauseAnalysis::default()
        };
        assert!(fired(&rca).is_empty(), "{:?}", fired(&rca));
    }

    #[test]
    fn retry_after_advice_stays_silent_when_the_log_shows_it_honoured() {
        let s503 = finding("F1", Category::RetryExhausted, Some(503));
        let mut rc = cause(
            "RC1",
            Family::ErrorResponses,
            Locus::ServerCapacity,
            &[&s503],
            2,
        );
        let mut check = CrossCheck {
            id: "retry_after",
            title: String::new(),
            statement: "the slowest request ... took 0.9 s in total; the server asked to wait 2 s (Retry-After, L7); honouring it takes at least 6 s, so Retry-After was not honoured".to_string(),
            locations: Vec::new(),
        };
        rc.cross_checks.push(check.clone());
        let mut rca = RootCauseAnalysis {
            findings: vec![s503.clone()],
            root_causes: vec![rc.clone()],
            ..RootCauseAnalysis::default()
        };
        assert!(fired(&rca).contains(&"status_retries_exhausted"));
        check.statement =
            "the slowest request ... took 6.5 s in total; the server asked to wait 2 s (Retry-After, L7); consistent with Retry-After being honoured".to_string();
        rc.cross_checks = vec![check];
        rca.root_causes = vec![rc];
        assert!(!fired(&rca).contains(&"status_retries_exhausted"));
    }

    #[test]
    fn retry_amplification_trigger_and_permanent_errors() {
        let mut ct = finding("F1", Category::ConnectTimeout, None);
        ct.retry_attempts = 15;
        let mut rc = cause("RC1", Family::Unreachable, Locus::ServerCapacity, &[&ct], 1);
        rc.cross_checks.push(CrossCheck {
            id: "retry_amplification",
            title: String::new(),
            statement: "15 retry attempt(s) for 5 failed request(s): 4.0 attempts per failed request against h".to_string(),
            locations: Vec::new(),
        });
        let mut rca = RootCauseAnalysis {
            findings: vec![ct.clone()],
            root_causes: vec![rc.clone()],
            ..RootCauseAnalysis::default()
        };
        let f = fired(&rca);
        assert!(
            f.contains(&"retry_amplification") && f.contains(&"retries_seen"),
            "{f:?}"
        );
        // The same retries on a name that does not resolve: retrying cannot help.
        rca.findings[0].category = Category::DnsFailure;
        rca.root_causes[0].categories = vec![Category::DnsFailure];
        let f = fired(&rca);
        assert!(
            !f.contains(&"retry_amplification") && !f.contains(&"retries_seen"),
            "{f:?}"
        );
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
