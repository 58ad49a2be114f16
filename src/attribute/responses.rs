//! HTTP responses the log shows besides failures: urllib3's debug line
//! (`https://host:443 "POST /path HTTP/1.1" 200 15`) and httpx's info line
//! (`HTTP Request: POST http://host/path "HTTP/1.1 200 OK"`). Counting them per target and
//! second gives the counter-evidence a verdict needs: "the same server answered 312
//! requests in the same window". Also the `Retry-After` a line reports. It does not judge
//! what the counts mean (the verdicts and the `retry_after` cross-check are
//! `crate::diagnose`'s), and it does not choose which lines are read: the collector
//! ([`collect`](crate::attribute::collect)) feeds them.

use memchr::memmem::Finder;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// One parsed response line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// `host:port`.
    pub target: String,
    /// HTTP status.
    pub status: u16,
}

/// Searchers built once: these run on every candidate line of a DEBUG log, where building
/// a searcher per call cost more than searching.
static HTTPX_MARK: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"HTTP Request: "));
static VERSION: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b" HTTP/"));
static HTTP: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"HTTP"));

/// True when the line mentions HTTP at all (the cheap test before [`parse`]).
pub fn mentions_http(line: &[u8]) -> bool {
    HTTP.find(line).is_some()
}

/// Parses a response line, if the line is one.
pub fn parse(line: &[u8]) -> Option<Response> {
    if let Some(i) = HTTPX_MARK.find(line) {
        let text = std::str::from_utf8(&line[i + "HTTP Request: ".len()..]).ok()?;
        return parse_httpx(text);
    }
    let q = VERSION.find(line)?;
    // The status and the URL sit within a few hundred bytes of the version.
    let from = line[..q]
        .iter()
        .rposition(|b| *b == b' ')
        .map_or(0, |p| p.saturating_sub(512));
    let window = &line[from..(q + 64).min(line.len())];
    let text = match std::str::from_utf8(window) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&window[..e.valid_up_to()]).ok()?,
    };
    parse_urllib3(text)
}

/// `https://host:443 "POST /path HTTP/1.1" 200 15`
fn parse_urllib3(text: &str) -> Option<Response> {
    let q = text.find(" HTTP/")?;
    let before = &text[..q];
    let quote = before.rfind(" \"")?;
    let url_part = before[..quote].rsplit(' ').next()?;
    let (scheme, rest) = url_part.split_once("://")?;
    if !matches!(scheme, "http" | "https") || rest.contains('/') || rest.is_empty() {
        return None;
    }
    let after = &text[q + 1..];
    let close = after.find("\" ")?;
    let status = after[close + 2..].split(' ').next()?.parse().ok()?;
    let target = if rest.contains(':') {
        rest.to_string()
    } else {
        format!("{rest}:{}", if scheme == "https" { 443 } else { 80 })
    };
    Some(Response { target, status })
}

/// `POST http://127.0.0.1:8000/x "HTTP/1.1 200 OK"`
fn parse_httpx(text: &str) -> Option<Response> {
    let mut parts = text.splitn(3, ' ');
    let _method = parts.next()?;
    let url = parts.next()?;
    let rest = parts.next()?;
    let (scheme, after) = url.split_once("://")?;
    let hostport = after.split('/').next()?;
    let status = rest
        .strip_prefix("\"HTTP/")?
        .split(' ')
        .nth(1)?
        .parse()
        .ok()?;
    let target = if hostport.contains(':') {
        hostport.to_string()
    } else {
        format!("{hostport}:{}", if scheme == "https" { 443 } else { 80 })
    };
    Some(Response { target, status })
}

/// The delay a `Retry-After` header in the line asks for, in seconds: the header as
/// printed by applications (`Retry-After: 5`), by `requests`/`httpx` header dicts
/// (`'Retry-After': '5'`) and by httpcore traces (`(b'retry-after', b'5')`). The HTTP-date
/// form is not read: a date needs the response's own clock to become a delay.
pub fn retry_after(line: &[u8]) -> Option<f64> {
    const KEY: &[u8] = b"retry-after";
    // `etry-` in any usual casing, then the whole name checked without case.
    let at = finder!(b"etry-")
        .find_iter(line)
        .chain(finder!(b"ETRY-").find_iter(line))
        .filter_map(|i| i.checked_sub(1))
        .find(|&i| {
            line.get(i..i + KEY.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(KEY))
        })?;
    let mut rest = &line[at + KEY.len()..];
    // Separators between the name and the value: quotes, colon, equals, comma, blanks, and
    // the `b` of a Python bytes literal.
    loop {
        match rest {
            [b'\'' | b'"' | b':' | b'=' | b',' | b' ' | b'\t', tail @ ..] => rest = tail,
            [b'b', b'\'' | b'"', tail @ ..] => rest = tail,
            _ => break,
        }
    }
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_digit() || *b == b'.'))
        .unwrap_or(rest.len());
    if end == 0 || end > 12 {
        return None;
    }
    // A date (`Wed, 21 Oct 2015 ...`) starts with letters and never reaches here; a bare
    // day number followed by a month name must not pass for seconds either.
    if rest[end..].first().is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    std::str::from_utf8(&rest[..end]).ok()?.parse().ok()
}

/// Responses of one target.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct TargetResponses {
    /// `host:port`.
    pub target: String,
    /// 1xx-3xx responses.
    pub ok: u64,
    /// 4xx-5xx responses.
    pub errors: u64,
    /// Per second (`[epoch, ok, errors]`), for responses with a timestamp.
    #[serde(skip)]
    pub by_second: BTreeMap<i64, (u64, u64)>,
}

impl TargetResponses {
    /// Counts a response.
    pub fn add(&mut self, status: u16, at: Option<i64>) {
        let ok = status < 400;
        if ok {
            self.ok += 1;
        } else {
            self.errors += 1;
        }
        if let Some(t) = at {
            let e = self.by_second.entry(t).or_default();
            if ok {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }

    /// Successful responses between two epoch seconds (inclusive); none when `start` is
    /// after `end` (two events one second apart leave an empty gap between them).
    pub fn ok_between(&self, start: i64, end: i64) -> u64 {
        if start > end {
            return 0;
        }
        self.by_second.range(start..=end).map(|(_, v)| v.0).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inverted_window_holds_no_response() {
        let mut r = TargetResponses::default();
        r.add(200, Some(100));
        assert_eq!(r.ok_between(101, 100), 0);
        assert_eq!(r.ok_between(i64::MAX, i64::MIN), 0);
        assert_eq!(r.ok_between(100, 100), 1);
    }

    #[test]
    fn urllib3_debug_lines() {
        let r = parse(br#"2025-11-07 10:00:00 [  DEBUG] urllib3.connectionpool: https://staging.example:443 "POST /focus-server/configure HTTP/1.1" 200 3903"#).unwrap();
        assert_eq!(
            r,
            Response {
                target: "staging.example:443".into(),
                status: 200
            }
        );
        let r = parse(br#"DEBUG    urllib3.connectionpool:connectionpool.py:546 http://127.0.0.1:5000 "GET /x HTTP/1.1" 503 None"#).unwrap();
        assert_eq!(r.status, 503);
        assert!(parse(b"GET https://h/x HTTP/1.1 200").is_none());
    }

    #[test]
    fn retry_after_values() {
        assert_eq!(
            retry_after(b"WARNING 503 from /x, Retry-After: 5"),
            Some(5.0)
        );
        assert_eq!(
            retry_after(b"headers={'Content-Type': 'text/plain', 'Retry-After': '2'}"),
            Some(2.0)
        );
        assert_eq!(
            retry_after(b"receive_response_headers.complete return_value=(b'HTTP/1.1', 503, b'Service Unavailable', [(b'retry-after', b'30')])"),
            Some(30.0)
        );
        assert_eq!(retry_after(b"retry-after=1.5 seconds"), Some(1.5));
        assert_eq!(
            retry_after(b"Retry-After: Wed, 21 Oct 2026 07:28:00 GMT"),
            None
        );
        assert_eq!(
            retry_after(b"Retry(total=3, respect_retry_after_header=True)"),
            None
        );
        assert_eq!(retry_after(b"no header here"), None);
    }

    #[test]
    fn httpx_info_lines() {
        let r = parse(br#"2025-11-07 10:00:00 [INFO] httpx: HTTP Request: GET http://127.0.0.1:8000/health "HTTP/1.1 200 OK""#).unwrap();
        assert_eq!(
            r,
            Response {
                target: "127.0.0.1:8000".into(),
                status: 200
            }
        );
        let r =
            parse(br#"HTTP Request: POST https://api.example/v1 "HTTP/2 429 Too Many Requests""#)
                .unwrap();
        assert_eq!(
            r,
            Response {
                target: "api.example:443".into(),
                status: 429
            }
        );
    }
}
