//! Field extraction from an event line: host, port, method, URL path, timeout, pool size,
//! status, urllib3 retry counters and elapsed time. Named captures of the winning signature
//! take precedence; the generic extractors below fill in whatever else the line carries.
//! These regexes only ever run on lines that a signature already matched.

use regex::bytes::{Captures, Regex};
use serde::Serialize;
use std::sync::LazyLock;

/// urllib3 `Retry(total=.., connect=.., read=.., redirect=.., status=..)` counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
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
    RETRY_PATH,
    r"(?:connection broken by .*': |Incremented Retry for \(url=')(?P<path>/[^\s?#']*)"
);
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
    RETRY,
    r"Retry\(total=(?P<total>-?\d+|None|False), connect=(?P<connect>-?\d+|None|False), read=(?P<read>-?\d+|None|False), redirect=(?P<redirect>-?\d+|None|False), status=(?P<status>-?\d+|None|False)\)"
);
re!(
    STATUS,
    r"(?:too many (?P<a>\d{3}) error responses|\b(?P<b>\d{3}) (?:Client|Server) Error|(?:Client|Server) error '(?P<c>\d{3})|\b(?P<d>[45]\d\d) (?:Too Many Requests|Service Unavailable|Gateway Time-?out|Bad Gateway|Internal Server Error))"
);
re!(METHOD, r"\b(?P<m>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b");
re!(
    ELAPSED,
    r"(?:after|in|took) (?P<v>\d+(?:\.\d+)?) ?(?P<unit>ms|s)\b"
);

fn text(c: &Captures<'_>, name: &str) -> Option<String> {
    c.name(name)
        .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
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
    if let Some(c) = URL.captures(line) {
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
            .or_else(|| RETRY_PATH.captures(line))
            .and_then(|c| text(&c, "path"))
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
    if f.status.is_none() {
        f.status = STATUS.captures(line).and_then(|c| {
            ["a", "b", "c", "d"]
                .iter()
                .find_map(|n| number::<u16>(&c, n))
        });
    }
    if let Some(c) = RETRY.captures(line) {
        let counter = |n: &str| number::<i64>(&c, n);
        f.retry = Some(RetryCounters {
            total: counter("total"),
            connect: counter("connect"),
            read: counter("read"),
            redirect: counter("redirect"),
            status: counter("status"),
        });
    }
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
    f
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
