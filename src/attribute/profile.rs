//! What a run's log shows beyond its failures, read only when a run is compared with a
//! baseline run (`rca analyze --baseline`): requests per endpoint (`METHOD /path/{id}`) with
//! their statuses and durations, and the run's log templates (each log record with its
//! timestamp, object addresses and numbers masked) with their counts. The collector feeds
//! every line here when profiling is on ([`Profiler::line`]); without `--baseline` nothing
//! is read and nothing changes.
//!
//! Lines are read in the forms the clients and the seed framework print:
//! urllib3's debug line (`https://h:443 "POST /x HTTP/1.1" 200 15`), httpx's info line
//! (`HTTP Request: POST http://h/x "HTTP/1.1 200 OK"`), an application line with a duration
//! (`POST https://h/x -> 200 in 183.2ms`) and the application's failure line with the time
//! spent (`Request timeout after 2607.07ms for POST https://h/x`). It does not compare
//! profiles (the sibling `side` module does) nor count failures (the collector's events).

use crate::redact::Redactor;
use memchr::memmem::Finder;
use regex::Regex;
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

/// Distinct templates kept per run; further new ones are only counted (memory stays flat on
/// logs whose lines never repeat).
pub const MAX_TEMPLATES: usize = 20_000;
/// Durations kept per endpoint for its percentiles.
pub const MAX_DURATIONS: usize = 100_000;

const METHODS: &str = "GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS";

static URLLIB3: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#""({METHODS}) (/[^\s"]*) HTTP/[\d.]+" (\d{{3}})\b"#
    ))
    .expect("urllib3 response pattern")
});
static HTTPX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"HTTP Request: ({METHODS}) (\S+) "HTTP/[\d.]+ (\d{{3}})\b"#
    ))
    .expect("httpx response pattern")
});
static APP_OK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b({METHODS}) (\S+) -> (\d{{3}}) in (\d+(?:\.\d+)?) ?(ms|s)\b"
    ))
    .expect("application response pattern")
});
static APP_FAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\bafter (\d+(?:\.\d+)?) ?(ms|s) for ({METHODS}) (\S+)"
    ))
    .expect("application failure pattern")
});
/// Searchers built once: they run on every line of the two logs.
static LEVELS: LazyLock<[Finder<'static>; 5]> = LazyLock::new(|| {
    let names: [&'static [u8]; 5] = [b"DEBUG", b"INFO", b"WARNING", b"ERROR", b"CRITICAL"];
    names.map(Finder::new)
});
static HTTP: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"HTTP"));
static ARROW: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b" -> "));
static AFTER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"s for "));

/// Requests to one endpoint as the log shows them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EndpointSeen {
    /// Responses with a status below 400.
    pub ok: u64,
    /// Responses with a status of 400 or more.
    pub error_responses: u64,
    /// Requests that got no response (the application's failure line).
    pub failures: u64,
    /// Durations in milliseconds of the requests that got a response, at most
    /// [`MAX_DURATIONS`].
    pub durations_ms: Vec<f64>,
}

/// One log template: how often it occurs and where first.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateSeen {
    /// Lines of this template.
    pub count: u64,
    /// Input index and 1-based line of the first.
    pub first: (u16, u64),
}

/// What [`Profiler`] read, redacted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunProfile {
    /// Per endpoint `METHOD /path/{id}`.
    pub endpoints: BTreeMap<String, EndpointSeen>,
    /// Per template.
    pub templates: HashMap<String, TemplateSeen>,
    /// New templates not kept once [`MAX_TEMPLATES`] were.
    pub templates_dropped: u64,
}

/// The live output and the replay of captured logs in failure sections, kept apart: a
/// replayed line is the same request again, so the replay counts only when the log has no
/// live output (a run without live logging).
#[derive(Debug, Default)]
pub struct Profiler {
    live: RunProfile,
    replay: RunProfile,
}

impl Profiler {
    /// Reads one line (already without its CI prefix and indentation). `replay` is true in
    /// pytest's failure sections.
    pub fn line(&mut self, file: u16, lineno: u64, text: &[u8], replay: bool) {
        let Ok(text) = std::str::from_utf8(text) else {
            return;
        };
        let p = if replay {
            &mut self.replay
        } else {
            &mut self.live
        };
        if let Some((endpoint, seen)) = request_of(text) {
            p.add_request(endpoint, seen);
        }
        if is_log_record(text.as_bytes()) {
            p.add_template(template(text), (file, lineno));
        }
    }

    /// The profile, its endpoints and templates redacted.
    pub fn finish(self, redactor: Redactor) -> RunProfile {
        let p = if self.live.endpoints.is_empty() && self.live.templates.is_empty() {
            self.replay
        } else {
            self.live
        };
        RunProfile {
            endpoints: p
                .endpoints
                .into_iter()
                .map(|(k, v)| (redactor.apply(&k), v))
                .collect(),
            templates: p
                .templates
                .into_iter()
                .map(|(k, v)| (redactor.apply(&k), v))
                .collect(),
            templates_dropped: p.templates_dropped,
        }
    }
}

/// What one line says about a request.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Seen {
    Response { status: u16, ms: Option<f64> },
    Failure,
}

impl RunProfile {
    fn add_request(&mut self, endpoint: String, seen: Seen) {
        let e = self.endpoints.entry(endpoint).or_default();
        match seen {
            Seen::Response { status, ms } => {
                if status < 400 {
                    e.ok += 1;
                } else {
                    e.error_responses += 1;
                }
                if let Some(ms) = ms
                    && e.durations_ms.len() < MAX_DURATIONS
                {
                    e.durations_ms.push(ms);
                }
            }
            Seen::Failure => e.failures += 1,
        }
    }

    fn add_template(&mut self, t: String, at: (u16, u64)) {
        let full = self.templates.len() >= MAX_TEMPLATES;
        match self.templates.get_mut(&t) {
            Some(seen) => seen.count += 1,
            None if full => self.templates_dropped += 1,
            None => {
                self.templates.insert(
                    t,
                    TemplateSeen {
                        count: 1,
                        first: at,
                    },
                );
            }
        }
    }
}

/// `METHOD /path/{id}` of a URL or path (the query left out).
fn endpoint(method: &str, url: &str) -> String {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let path = path.trim_end_matches([',', ':', ';', ')', '\'', '"']);
    format!("{method} {}", crate::attribute::event::path_template(path))
}

fn millis(value: &str, unit: &str) -> Option<f64> {
    let v: f64 = value.parse().ok()?;
    Some(if unit == "s" { v * 1000.0 } else { v })
}

/// The request a line reports, if it reports one.
fn request_of(text: &str) -> Option<(String, Seen)> {
    // One cheap test before any pattern: every form has one of these.
    let b = text.as_bytes();
    let http = HTTP.find(b).is_some();
    let arrow = ARROW.find(b).is_some();
    let after = AFTER.find(b).is_some();
    if !(http || arrow || after) {
        return None;
    }
    if http {
        if let Some(c) = HTTPX.captures(text) {
            let status = c[3].parse().ok()?;
            return Some((endpoint(&c[1], &c[2]), Seen::Response { status, ms: None }));
        }
        if let Some(c) = URLLIB3.captures(text) {
            let status = c[3].parse().ok()?;
            return Some((endpoint(&c[1], &c[2]), Seen::Response { status, ms: None }));
        }
    }
    if arrow && let Some(c) = APP_OK.captures(text) {
        let status = c[3].parse().ok()?;
        let ms = millis(&c[4], &c[5]);
        return Some((endpoint(&c[1], &c[2]), Seen::Response { status, ms }));
    }
    if after && let Some(c) = APP_FAIL.captures(text) {
        return Some((endpoint(&c[3], &c[4]), Seen::Failure));
    }
    None
}

/// A log record: a level name within the line's first 48 bytes (`2026-11-27 09:50:36
/// [   INFO] name: ...`, pytest's `WARNING  name:file.py:870 ...`).
fn is_log_record(b: &[u8]) -> bool {
    let head = &b[..b.len().min(48)];
    LEVELS.iter().any(|l| l.find(head).is_some())
}

/// The line's template: what [`crate::diagnose::mask_line`] masks (a leading timestamp
/// dropped, object addresses as `0x…`, local ports), and every other run of digits as `{n}`
/// (local ports included). One pass after the timestamp: this runs on every log record.
pub fn template(text: &str) -> String {
    let t = crate::diagnose::strip_time(text.trim_end());
    let b = t.as_bytes();
    let mut out = String::with_capacity(t.len());
    let (mut i, mut copied) = (0, 0);
    while i < b.len() {
        let c = b[i];
        if !c.is_ascii_digit() {
            i += 1;
            continue;
        }
        out.push_str(&t[copied..i]);
        let hex = c == b'0'
            && b.get(i + 1) == Some(&b'x')
            && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if hex {
            i += 2;
            while i < b.len() && b[i].is_ascii_hexdigit() {
                i += 1;
            }
            out.push_str("0x…");
        } else {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            out.push_str("{n}");
        }
        copied = i;
    }
    out.push_str(&t[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(line: &str) -> Option<(String, Seen)> {
        request_of(line)
    }

    #[test]
    fn request_lines_in_each_form() {
        assert_eq!(
            req(r#"DEBUG urllib3.connectionpool: https://h:443 "POST /jobs/8123 HTTP/1.1" 503 15"#),
            Some((
                "POST /jobs/{id}".into(),
                Seen::Response {
                    status: 503,
                    ms: None
                }
            ))
        );
        assert_eq!(
            req(
                r#"INFO httpx: HTTP Request: GET http://127.0.0.1:8000/health?x=1 "HTTP/1.1 200 OK""#
            ),
            Some((
                "GET /health".into(),
                Seen::Response {
                    status: 200,
                    ms: None
                }
            ))
        );
        assert_eq!(
            req(
                "[   INFO] src.core.api_client: POST https://127.0.0.1:33939/focus-server/configure -> 200 in 183.2ms"
            ),
            Some((
                "POST /focus-server/configure".into(),
                Seen::Response {
                    status: 200,
                    ms: Some(183.2)
                }
            ))
        );
        assert_eq!(
            req(
                "[  ERROR] src.core.api_client: Request timeout after 2607.07ms for POST https://127.0.0.1:54789/focus-server/configure"
            ),
            Some(("POST /focus-server/configure".into(), Seen::Failure))
        );
        assert_eq!(req("collected 41 items"), None);
        assert_eq!(req("x -> y"), None);
    }

    #[test]
    fn templates_mask_times_addresses_and_numbers() {
        let a = template(
            "2026-11-27 09:50:36 [   INFO] runner: job 3 failed at 0x7f84ef669b50 host=127.0.0.1 port=54789 after 2607.07ms",
        );
        let b = template(
            "2026-11-28 10:00:01 [   INFO] runner: job 17 failed at 0x7f0000000000 host=127.0.0.1 port=33939 after 12.5ms",
        );
        assert_eq!(a, b);
        assert_eq!(
            a,
            "[   INFO] runner: job {n} failed at 0x… host={n}.{n}.{n}.{n} port={n} after {n}.{n}ms"
        );
        assert!(is_log_record(
            b"2026-11-27 09:50:36 [WARNING] urllib3.connectionpool: x"
        ));
        assert!(is_log_record(
            b"WARNING  urllib3.connectionpool:connectionpool.py:870 x"
        ));
        assert!(!is_log_record(b"tests/load/test_x.py::test_y PASSED"));
    }

    #[test]
    fn the_replay_counts_only_without_live_output() {
        let line = b"[   INFO] c: GET https://h:1/x -> 200 in 5ms";
        let mut p = Profiler::default();
        p.line(0, 1, line, false);
        p.line(0, 9, line, true);
        let r = p.finish(Redactor::new(false, crate::redact::Key::builtin()));
        assert_eq!(r.endpoints["GET /x"].ok, 1);
        let mut p = Profiler::default();
        p.line(0, 9, line, true);
        let r = p.finish(Redactor::new(false, crate::redact::Key::builtin()));
        assert_eq!(r.endpoints["GET /x"].ok, 1);
        assert_eq!(r.templates.values().next().map(|t| t.first), Some((0, 9)));
    }

    #[test]
    fn templates_stop_growing_at_the_cap() {
        let mut p = RunProfile::default();
        for i in 0..(MAX_TEMPLATES + 3) {
            p.add_template(format!("t{i}"), (0, 1));
        }
        p.add_template("t0".to_string(), (0, 2));
        assert_eq!(p.templates.len(), MAX_TEMPLATES);
        assert_eq!(p.templates_dropped, 3);
        assert_eq!(p.templates["t0"].count, 2);
    }
}
