//! Secret redaction for everything rca prints: bearer tokens and Authorization headers,
//! `token=`/`api_key=`/`password=` style values, passwords in URL userinfo, AWS access keys.
//! Log text is untrusted and often full of credentials; reports get attached to tickets.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// What replaces a secret.
pub const MASK: &str = "[REDACTED]";

static TRIGGERS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build([
            "bearer",
            "authorization",
            "token",
            "key",
            "passw",
            "pwd",
            "secret",
            "@",
            "akia",
            "asia",
            "session",
            "cookie",
            "signature",
        ])
        .expect("redaction triggers")
});

static RULES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    let rules: [(&str, &str); 6] = [
        // Authorization: Bearer xxx / Authorization: Basic xxx / 'Authorization': 'xxx'
        (
            r#"(?i)(\bauthorization['"]?\s*[:=]\s*['"]?(?:bearer|basic|token|digest)?\s*)[^\s'",;}]+"#,
            "${1}[REDACTED]",
        ),
        (r"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]{6,}", "${1}[REDACTED]"),
        // key=value in query strings, forms and logs; "key": "value" in JSON-ish text.
        (
            r#"(?i)(\b[\w-]*(?:token|api[_-]?key|apikey|passw(?:or)?d|pwd|secret|session[_-]?id|signature|cookie)['"]?\s*(?:=|:\s*)\s*['"]?)[^\s&'",;}\])]+"#,
            "${1}[REDACTED]",
        ),
        // scheme://user:password@host
        (
            r"([a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@'\x22]+:)[^/\s@'\x22]+@",
            "${1}[REDACTED]@",
        ),
        // AWS access key ids.
        (r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", "[REDACTED]"),
        // aws_secret_access_key = xxx
        (
            r"(?i)(aws_secret_access_key\s*[=:]\s*)[A-Za-z0-9/+=]{20,}",
            "${1}[REDACTED]",
        ),
    ];
    rules
        .into_iter()
        .map(|(p, r)| (Regex::new(p).expect(p), r))
        .collect()
});

/// Redacts secrets in `text`; borrows when there is nothing to hide.
pub fn redact(text: &str) -> Cow<'_, str> {
    if !TRIGGERS.is_match(text) {
        return Cow::Borrowed(text);
    }
    let mut out = Cow::Borrowed(text);
    for (re, rep) in RULES.iter() {
        if re.is_match(&out) {
            out = Cow::Owned(re.replace_all(&out, *rep).into_owned());
        }
    }
    out
}

/// A switchable redactor, so callers need not test the `--no-redact` flag everywhere.
#[derive(Debug, Clone, Copy)]
pub struct Redactor {
    /// False with `--no-redact`.
    pub enabled: bool,
}

impl Redactor {
    /// Redacts (or not) one string.
    pub fn apply(&self, text: &str) -> String {
        if self.enabled {
            redact(text).into_owned()
        } else {
            text.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_common_secrets() {
        let cases = [
            (
                "headers = {'Authorization': 'Bearer eyJhbGciOiJIUzI1NiJ9.abc.def'}",
                "eyJhbGci",
            ),
            ("GET https://h/api?token=s3cr3tvalue&x=1", "s3cr3tvalue"),
            ("POST /login password=hunter22 user=bob", "hunter22"),
            ("url=https://bob:pa55word@db.internal:5432/x", "pa55word"),
            ("key AKIAIOSFODNN7EXAMPLE leaked", "AKIAIOSFODNN7EXAMPLE"),
            ("api_key=abcdef123456", "abcdef123456"),
            ("{\"client_secret\": \"zzz-top\"}", "zzz-top"),
        ];
        for (input, secret) in cases {
            let out = redact(input);
            assert!(!out.contains(secret), "{input} -> {out}");
            assert!(out.contains(MASK), "{input} -> {out}");
        }
    }

    #[test]
    fn leaves_ordinary_lines_alone() {
        let line = "HTTPSConnectionPool(host='10.10.10.100', port=443): Max retries exceeded with url: /focus-server/configure";
        assert!(matches!(redact(line), Cow::Borrowed(_)));
        let line = "Connection pool is full, discarding connection: 10.10.10.100. Connection pool size: 10";
        assert_eq!(redact(line), line);
    }
}
