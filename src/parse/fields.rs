//! Field extraction from an event line: host, port, method, URL path, timeout, pool size,
//! status, urllib3 retry counters and elapsed time. Named captures of the winning signature
//! take precedence; the generic extractors below fill in whatever else the line carries.
//! These regexes only ever run on lines that a signature already matched.
//!
//! Not here: deciding which signature a line matches ([`super::signatures`]) and aggregating
//! the fields of many events ([`crate::attribute::event`]).

use regex::bytes::{Captures, Regex};
use serde::Serialize;
use std::sync::LazyLock;

/// urllib3 `Retry(total=.., connect=.., read=.., redirect=.., status=..)` counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RetryCounters {
    /// Remaining total retries (`None` when urllib3 printed `None`).
    pub total: Option<i64>,
    /// Remaining connect retries.
    pub connect: Option<i64>,
    /// Remaining read retries.
    pub read: Option<i64>,
    /// Remaining redirects.
    pub redirect: Option<i64>,
    /// Remaining status retries.
    pub status: Option<i64>,
}

impl RetryCounters {
    /// True when some counter reached zero (or below): this was the last allowed retry.
    pub fn exhausted(&self) -> bool {
        [self.total, self.connect, self.read, self.status]
            .iter()
            .any(|c| c.is_some_and(|v| v <= 0))
    }
}

/// Everything extracted from one event line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Fields {
    /// Host name or address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// TCP port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// HTTP method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// URL path (query string removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Timeout in seconds (connect or read, whichever the line names).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_s: Option<f64>,
    /// Connection pool size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool_size: Option<u32>,
    /// HTTP status code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// urllib3 retry counters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetryCounters>,
    /// Elapsed time in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<f64>,
}

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pat).expect($pat));
    };
}

re!(
    HOST_PORT,
    r#"host=['"]?(?P<host>[^'",\s)]+)['"]?, port=(?P<port>\d{1,5})"#
);
re!(
    URL,
    r#"\b(?P<scheme>https?|wss?)://(?:[^\s/@'"]*@)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s/:'"\\,)>]+)(?::(?P<port>\d{1,5}))?(?P<path>/[^\s'"\\,)?#>]*)?"#
);
re!(WITH_URL, r"with url: (?P<path>/[^\s?#'),]*)");
re!(
    TIMEOUT,
    r"(?:connect|read|write|pool) timeout=(?P<t>\d+(?:\.\d+)?)"
);
re!(POOL_SIZE, r"[Pp]ool size: (?P<n>\d+)");
re!(
    DISCARD_HOST,
    r"discarding connection: (?P<host>[A-Za-z0-9_.:\[\]-]*[A-Za-z0-9\]])"
);
re!(
    STATUS,
    r"(?:too many (?P<a>\d{3}) error responses|\b(?P<b>\d{3}) (?:Client|Server) Error|(?:Client|Server) error '(?P<c>\d{3})|\b(?P<d>[45]\d\d) (?:Too Many Requests|Service Unavailable|Gateway Time-?out|Bad Gateway|Internal Server Error)|HTTP Error (?P<e>[45]\d\d)\b|\bassert (?P<f>[45]\d\d) ==|(?:AssertionError: |^)(?P<g>[45]\d\d) != \d{3}\b|<Response \[(?P<h>[45]\d\d)\]>|Error code: (?P<i>[45]\d\d)\b|An error occurred \((?P<j>[45]\d\d)\)|ClientResponseError: (?P<k>[45]\d\d), message=)"
);
const STATUS_GROUPS: [&str; 11] = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"];

/// A literal every alternative of [`STATUS`] contains: lines without one (most event lines)
/// skip the regex, whose leading `\d{3}` defeats the regex crate's own prefilter.
static STATUS_ANCHORS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build([
            "too many ",
            " Error",
            " error '",
            "Too Many Requests",
            "Service Unavailable",
            "Gateway Time",
            "Bad Gateway",
            "HTTP Error ",
            "assert ",
            " != ",
            "<Response [",
            "Error code: ",
            "An error occurred (",
            "ClientResponseError: ",
        ])
        .expect("status anchors")
});

/// The path urllib3 names after a retried request: `... connection broken by '...': /path`
/// (after the last `': ` of the line) or `Incremented Retry for (url='/path')`.
fn retry_path(line: &[u8]) -> Option<String> {
    let start = match finder!(b"connection broken by ").find(line) {
        Some(at) => memchr::memmem::rfind(&line[at..], b"': /").map(|i| at + i + 3),
        None => None,
    }
    .or_else(|| {
        const INCREMENTED: &[u8] = b"Incremented Retry for (url='";
        finder!(INCREMENTED)
            .find(line)
            .map(|i| i + INCREMENTED.len())
            .filter(|&i| line.get(i) == Some(&b'/'))
    })?;
    let rest = &line[start..];
    let end = rest
        .iter()
        .position(|b| b.is_ascii_whitespace() || matches!(b, b'?' | b'#' | b'\''))
        .unwrap_or(rest.len());
    Some(crate::lossy(&rest[..end]).into_owned())
}
re!(METHOD, r"\b(?P<m>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b");
re!(
    ELAPSED,
    r"(?:after|in|took) (?P<v>\d+(?:\.\d+)?) ?(?P<unit>ms|s)\b"
);

fn text(c: &Captures<'_>, name: &str) -> Option<String> {
    c.name(name)
        .map(|m| crate::lossy(m.as_bytes()).into_owned())
}

fn number<T: std::str::FromStr>(c: &Captures<'_>, name: &str) -> Option<T> {
    c.name(name)
        .and_then(|m| std::str::from_utf8(m.as_bytes()).ok())
        .and_then(|s| s.parse().ok())
}

/// Extracts fields from `line`, starting from the signature's named captures.
pub fn extract(line: &[u8], sig: Option<&Captures<'_>>) -> Fields {
    let mut f = Fields::default();
    if let Some(c) = sig {
        f.host = text(c, "host");
        f.port = number(c, "port");
        f.method = text(c, "method");
        f.path = text(c, "path").map(|p| strip_query(&p));
        f.timeout_s = number(c, "timeout");
        f.pool_size = number(c, "pool_size");
        f.status = number(c, "status");
        f.elapsed_ms = number(c, "elapsed_ms");
    }
    if (f.host.is_none() || f.port.is_none())
        && let Some(c) = HOST_PORT.captures(line)
    {
        f.host = f.host.or_else(|| text(&c, "host"));
        f.port = f.port.or_else(|| number(&c, "port"));
    }
    let wants_url = f.host.is_none() || f.port.is_none() || f.path.is_none();
    if wants_url
        && finder!(b"://").find(line).is_some()
        && let Some(c) = URL.captures(line)
    {
        let host = text(&c, "host");
        if f.host.is_none() || f.host == host {
            f.host = f.host.or(host);
            let default_port = match c.name("scheme").map(|m| m.as_bytes()) {
                Some(b"https") | Some(b"wss") => 443,
                _ => 80,
            };
            f.port = f.port.or_else(|| number(&c, "port").or(Some(default_port)));
            f.path = f.path.or_else(|| text(&c, "path").map(|p| strip_query(&p)));
        }
    }
    if f.path.is_none() {
        f.path = WITH_URL
            .captures(line)
            .and_then(|c| text(&c, "path"))
            .or_else(|| retry_path(line))
            .map(|p| strip_query(&p));
    }
    if f.host.is_none() {
        f.host = DISCARD_HOST.captures(line).and_then(|c| text(&c, "host"));
    }
    if f.timeout_s.is_none() {
        f.timeout_s = TIMEOUT.captures(line).and_then(|c| number(&c, "t"));
    }
    if f.pool_size.is_none() {
        f.pool_size = POOL_SIZE.captures(line).and_then(|c| number(&c, "n"));
    }
    if f.status.is_none() && STATUS_ANCHORS.is_match(line) {
        f.status = STATUS
            .captures(line)
            .and_then(|c| STATUS_GROUPS.iter().find_map(|n| number::<u16>(&c, n)));
    }
    f.retry = retry_counters(line);
    if f.method.is_none() {
        f.method = METHOD.captures(line).and_then(|c| text(&c, "m"));
    }
    if f.elapsed_ms.is_none() {
        f.elapsed_ms = ELAPSED.captures(line).and_then(|c| {
            let v: f64 = number(&c, "v")?;
            match c.name("unit").map(|m| m.as_bytes()) {
                Some(b"s") => Some(v * 1000.0),
                _ => Some(v),
            }
        });
    }
    bound_names(&mut f);
    f
}

/// Host, path and method as [`crate::ingest::bounds`] keeps them (a host or path that long is not
/// one a reader needs whole, and each is copied into several report fields).
fn bound_names(f: &mut Fields) {
    for field in [&mut f.host, &mut f.path, &mut f.method] {
        if let Some(v) = field.take() {
            *field = Some(crate::ingest::bounds::cap_owned(
                v,
                crate::ingest::bounds::MAX_PATH,
            ));
        }
    }
}

/// urllib3's `Retry(total=2, connect=None, read=None, redirect=None, status=None)` as any
/// generation prints it: 1.2x without `status=`, newer ones with `other=`, Python 2 trailing
/// commas, or cut short by a person (`Retry(total=2...)`). Each counter is read on its own;
/// the first `Retry(` of the line counts.
pub fn retry_counters(line: &[u8]) -> Option<RetryCounters> {
    let start = finder!(b"Retry(").find(line)? + 6;
    counters_from(&line[start..])
}

/// The counters of a `Retry(...)` repr from just after its `(`.
pub(crate) fn counters_from(body: &[u8]) -> Option<RetryCounters> {
    let end = memchr::memchr(b')', body).unwrap_or(body.len());
    let mut counters = RetryCounters::default();
    let mut any = false;
    for part in body[..end].split(|b| *b == b',') {
        let part = part.trim_ascii();
        let Some(eq) = memchr::memchr(b'=', part) else {
            continue;
        };
        let slot = match &part[..eq] {
            b"total" => &mut counters.total,
            b"connect" => &mut counters.connect,
            b"read" => &mut counters.read,
            b"redirect" => &mut counters.redirect,
            b"status" => &mut counters.status,
            _ => continue,
        };
        any = true;
        *slot = leading_integer(part[eq + 1..].trim_ascii());
    }
    any.then_some(counters)
}

/// The integer at the start of `value` (an optional `-`, then digits), `None` when there is
/// none or it does not fit an `i64`.
fn leading_integer(value: &[u8]) -> Option<i64> {
    let (negative, digits) = match value.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let len = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    if len == 0 {
        return None;
    }
    let mut n: i64 = 0;
    for d in &digits[..len] {
        let d = i64::from(d - b'0');
        n = n.checked_mul(10)?;
        n = if negative {
            n.checked_sub(d)?
        } else {
            n.checked_add(d)?
        };
    }
    Some(n)
}

/// Drops the query string and fragment, and punctuation that ends a sentence after a URL
/// (`... for POST https://h/x: 503` or `... /x.`).
fn strip_query(path: &str) -> String {
    let end = path.find(['?', '#']).unwrap_or(path.len());
    let p = path[..end].trim_end_matches([':', '.', ';', ',']);
    if p.is_empty() {
        "/".to_string()
    } else {
        p.to_string()
    }
}

/// Fills the fields `into` lacks from `from` (two lines about one failure).
pub fn merge_missing(into: &mut Fields, from: &Fields) {
    macro_rules! fill {
        ($($f:ident),*) => { $( if into.$f.is_none() { into.$f = from.$f.clone(); } )* };
    }
    fill!(
        host, port, method, path, timeout_s, pool_size, status, retry, elapsed_ms
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(s: &str) -> Fields {
        extract(s.as_bytes(), None)
    }

    #[test]
    fn max_retry_line_with_new_repr() {
        let f = fields(
            "E   urllib3.exceptions.MaxRetryError: HTTPSConnectionPool(host='127.0.0.1', port=34847): Max retries exceeded with url: /focus-server/configure?x=1 (Caused by ConnectTimeoutError(<HTTPSConnection(host='127.0.0.1', port=34847) at 0x7fa2>, 'Connection to 127.0.0.1 timed out. (connect timeout=0.5)'))",
        );
        assert_eq!(f.host.as_deref(), Some("127.0.0.1"));
        assert_eq!(f.port, Some(34847));
        assert_eq!(f.path.as_deref(), Some("/focus-server/configure"));
        assert_eq!(f.timeout_s, Some(0.5));
    }

    #[test]
    fn pool_full_and_retry_counters() {
        let f = fields(
            "WARNING: Connection pool is full, discarding connection: 10.10.10.100. Connection pool size: 10",
        );
        assert_eq!(f.host.as_deref(), Some("10.10.10.100"));
        assert_eq!(f.pool_size, Some(10));
        let f = fields(
            "Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'X'",
        );
        let r = f.retry.unwrap();
        assert_eq!(r.total, Some(0));
        assert_eq!(r.connect, None);
        assert!(r.exhausted());
        let f = fields(
            "Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ConnectTimeoutError(<HTTPSConnection(host='127.0.0.1', port=1) at 0x7f>, 'Connection to 127.0.0.1 timed out. (connect timeout=0.5)')': /focus-server/configure",
        );
        assert_eq!(f.path.as_deref(), Some("/focus-server/configure"));
        assert_eq!(f.host.as_deref(), Some("127.0.0.1"));
    }

    #[test]
    fn counter_values_parse_as_rust_integers_do() {
        for v in [
            "0",
            "7",
            "-1",
            "-",
            "",
            "None",
            "--5",
            "+5",
            "12abc",
            "-3)",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "00042",
        ] {
            let head = v
                .char_indices()
                .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '-'))
                .count();
            assert_eq!(
                leading_integer(v.as_bytes()),
                v[..head].parse::<i64>().ok(),
                "{v:?}"
            );
        }
    }

    #[test]
    fn retry_counters_of_every_generation() {
        let c = |s: &str| retry_counters(s.as_bytes()).unwrap();
        // urllib3 1.2x has no `status=`; 2.x may add `other=`.
        let old = c(
            "Retrying (Retry(total=0, connect=None, read=None, redirect=None)) after connection broken by 'X': /p",
        );
        assert_eq!(old.total, Some(0));
        assert!(old.exhausted());
        let new = c(
            "Retrying (Retry(total=1, connect=None, read=None, redirect=None, status=None, other=None))",
        );
        assert_eq!(new.total, Some(1));
        assert!(!new.exhausted());
        // Elided by a person, Python 2 trailing comma, counters in another order.
        assert_eq!(c("Retrying (Retry(total=2...)) after").total, Some(2));
        assert_eq!(
            c("Retry(total=0, connect=None, read=False, redirect=None,)").total,
            Some(0)
        );
        let odd = c("Retry(connect=0, total=3)");
        assert_eq!((odd.total, odd.connect), (Some(3), Some(0)));
        assert!(odd.exhausted());
        assert_eq!(retry_counters(b"Retrying in 3 seconds"), None);
    }

    #[test]
    fn statuses_other_clients_print() {
        for (line, status) in [
            (
                "urllib.error.HTTPError: HTTP Error 429: Too Many Requests",
                429,
            ),
            (
                "fastcore.net.HTTP403ForbiddenError: HTTP Error 403: rate limit exceeded",
                403,
            ),
            ("E   assert 502 == 200", 502),
            ("E    +  where 503 = <Response [503]>.status_code", 503),
            ("AssertionError: 503 != 201", 503),
            (
                "openai.RateLimitError: Error code: 429 - {'error': 'slow down'}",
                429,
            ),
            (
                "botocore.exceptions.ClientError: An error occurred (503) when calling the PutObject operation",
                503,
            ),
            (
                "aiohttp.client_exceptions.ClientResponseError: 502, message='Bad Gateway', url='http://h/x'",
                502,
            ),
        ] {
            assert_eq!(fields(line).status, Some(status), "{line}");
        }
        assert_eq!(fields("E   assert 200 == 201").status, None);
    }

    #[test]
    fn app_request_timeout_line() {
        let f = fields(
            "ERROR: Request timeout after 90411.54ms for POST https://10.10.10.100/focus-server/configure",
        );
        assert_eq!(f.elapsed_ms, Some(90411.54));
        assert_eq!(f.method.as_deref(), Some("POST"));
        assert_eq!(f.host.as_deref(), Some("10.10.10.100"));
        assert_eq!(f.port, Some(443));
        assert_eq!(f.path.as_deref(), Some("/focus-server/configure"));
    }

    #[test]
    fn statuses() {
        assert_eq!(
            fields("(Caused by ResponseError('too many 503 error responses'))").status,
            Some(503)
        );
        assert_eq!(
            fields("requests.exceptions.HTTPError: 500 Server Error: INTERNAL for url: http://h/x")
                .status,
            Some(500)
        );
        assert_eq!(
            fields(
                "httpx.HTTPStatusError: Client error '429 Too Many Requests' for url 'http://h/'"
            )
            .status,
            Some(429)
        );
    }
}
