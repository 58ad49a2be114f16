//! Recognising echoed Python source: the code lines that pytest, CPython and IPython print
//! inside a traceback (`    raise ReadTimeout(e, request=request)`, `except ConnectTimeout:`,
//! `e = ProtocolError('Connection aborted.', e)`), which name exceptions that were never
//! raised. Only the shape of one line is judged here; whether the collector is inside a
//! traceback (where every indented line is source) is the collector's business.
//!
//! Used on indented lines outside a known traceback, for example an excerpt that starts in
//! the middle of one, so that indented log text (a Markdown code block, a YAML-embedded log,
//! pip's `  Retrying (...)`) is still read while indented code is not.

/// Statement keywords that start a line of Python source.
const KEYWORDS: &[&str] = &[
    "raise", "except", "return", "if", "elif", "else", "try", "finally", "def", "class", "with",
    "for", "while", "import", "from", "yield", "await", "async", "assert", "del", "pass", "break",
    "continue", "lambda", "global", "nonlocal",
];

/// True when `line` (indentation already removed) has the shape of Python source.
pub fn looks_like_code(line: &[u8]) -> bool {
    let line = line.trim_ascii_end();
    let Some(&first) = line.first() else {
        return false;
    };
    if starts_with_keyword(line) || is_gutter_line(line) {
        return true;
    }
    match first {
        b'#' | b'@' | b')' | b']' | b'}' => return true,
        b'"' | b'\'' if line.starts_with(b"\"\"\"") || line.starts_with(b"'''") => return true,
        b'^' | b'~' => return line.iter().all(|b| matches!(b, b'^' | b'~' | b' ')),
        _ => {}
    }
    is_assignment(line) || is_call_statement(line) || is_continuation(line)
}

fn starts_with_keyword(line: &[u8]) -> bool {
    let word = line.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let next = line.get(word).copied();
    word > 0
        && matches!(next, None | Some(b' ' | b':' | b'(' | b'['))
        && KEYWORDS.iter().any(|k| k.as_bytes() == &line[..word])
}

/// IPython and Sentry frames: `--> 507     raise RetryError(e)`, `    505 `, `  507 |`.
fn is_gutter_line(line: &[u8]) -> bool {
    let rest = line
        .strip_prefix(b"--> ")
        .or_else(|| line.strip_prefix(b"-> "))
        .unwrap_or(line);
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && matches!(rest.get(digits), None | Some(b' '))
}

/// `name = ...`, `self.x += ...`, `out[k] = ...` (not `==` comparisons).
fn is_assignment(line: &[u8]) -> bool {
    let target = line
        .iter()
        .take_while(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'[' | b']' | b'\'' | b'"')
        })
        .count();
    if target == 0 || !(line[0].is_ascii_alphabetic() || line[0] == b'_') {
        return false;
    }
    let rest = line[target..].trim_ascii_start();
    let op = rest
        .iter()
        .take_while(|b| {
            matches!(
                b,
                b'+' | b'-' | b'*' | b'/' | b'%' | b'|' | b'&' | b'^' | b'<' | b'>'
            )
        })
        .count();
    rest.get(op) == Some(&b'=') && rest.get(op + 1) != Some(&b'=') && op <= 2
}

/// `conn.connect()`, `six.raise_from(e, None)`: a call of a lower-case (dotted) name as a
/// statement. Exception reprs (`ReadTimeout('timed out')`) start upper-case and stay text.
fn is_call_statement(line: &[u8]) -> bool {
    let name = line
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
        .count();
    name > 0
        && (line[0].is_ascii_lowercase() || line[0] == b'_')
        && line.get(name) == Some(&b'(')
        && matches!(line.last(), Some(b')' | b'(' | b','))
}

/// Continuation lines of a multi-line statement: `method=request.method,`, `OSError,`,
/// `BaseSSLError, SSLError) as e:`, `'{host}:{port}'.format(`; not JSON (`"k": "v",`) or
/// log text ending in a colon (`ERROR: failed:`).
fn is_continuation(line: &[u8]) -> bool {
    let Some(&last) = line.last() else {
        return false;
    };
    let identifier_start = line[0].is_ascii_alphabetic() || matches!(line[0], b'_' | b'\'' | b'(');
    let key_value = finder!(b"\": ").find(line).is_some() || finder!(b"': ").find(line).is_some();
    let prose = finder!(b": ").find(line).is_some();
    match last {
        b',' | b'(' | b'[' | b'{' | b'\\' => identifier_start && !key_value,
        b':' => identifier_start && !prose,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_code;

    #[test]
    fn python_source_lines() {
        for line in [
            "raise EmptyPoolError(self, \"No pool connections are available.\")",
            "raise ReadTimeout(e, request=request)",
            "except ConnectTimeout:",
            "except (TimeoutError, HTTPException, SocketError, ProtocolError,",
            "BaseSSLError, SSLError, CertificateError) as e:",
            "e = ProtocolError('Connection aborted.', e)",
            "new_e = SSLError(e)",
            "self.pool_size += 1",
            "retries = retries.increment(",
            "method=request.method,",
            "OSError,",
            "six.raise_from(e, None)",
            "conn.connect()",
            "'{interface}:{port}'.format(",
            "# Timed out by queue.",
            "\"\"\"Return a new Retry object.",
            "@pytest.mark.parametrize(",
            "),",
            "^^^^^^^^^^^^^^^",
            "--> 507                 raise RetryError(e, request=request)",
            "506             if isinstance(e.reason, ResponseError):",
            "if isinstance(e, (BaseSSLError, CertificateError)):",
            "with pytest.raises(requests.exceptions.ReadTimeout):",
            "return self.urlopen(method, url, **extra_kw)",
        ] {
            assert!(looks_like_code(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn log_and_exception_text() {
        for line in [
            "Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None))",
            "after connection broken by 'SSLError(SSLError(1, '[SSL: WRONG_VERSION_NUMBER] w",
            "requests.exceptions.ReadTimeout: HTTPConnectionPool(host='x', port=1): Read timed out.",
            "2025-11-07 10:23:45 [WARNING] urllib3.connectionpool: Connection pool is full",
            "\"error\": \"ReadTimeout('timed out')\",",
            "ReadTimeout('timed out')",
            "FAILED tests/a.py::t - requests.exceptions.ConnectTimeout: x",
            "WARNING  urllib3.connectionpool:connectionpool.py:298 Connection pool is full",
            "Could not fetch URL https://pypi.org/simple/pip/: connection error",
            "ERROR: request failed:",
            "error = NameResolutionError(\"HTTPSConnection(host='x', port=443): Failed\")",
        ] {
            let want = line.starts_with("error = ");
            assert_eq!(looks_like_code(line.as_bytes()), want, "{line}");
        }
    }
}
