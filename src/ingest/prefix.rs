//! Line normalisation before parsing: removes ANSI colour escapes (`--color=yes`), the
//! prefixes CI runners put before every line (ISO timestamps, `[ 28s]` build clocks,
//! `[2025-01-02T03:04:05Z]` Jenkins stamps, `INTERNALERROR> `), keeping the CI timestamp,
//! and the per-line wrappers that pasting and log shippers add around pytest's own text:
//! Markdown quotes (`> `), bullets (`- `, `* `), comments (`# FAILED ...`), inline-code
//! backticks, `docker compose` service prefixes (`web-1  | `), journald prefixes
//! (`Nov 27 09:50:00 host proc[12]: `), `docker: `, tox/nox environment prefixes
//! (`py311: `, `nox > `) and table/ExceptionGroup frames (`  | `).
//!
//! Indentation is kept: whether an indented line is echoed source or indented log text is
//! decided by the collector, which knows whether it is inside a traceback.
//!
//! All checks are hand-written byte tests, because they run on every line of gigabyte logs.
//!
//! Not here: splitting the input into lines ([`super::lines`]) and what the remaining text means
//! ([`crate::parse`]).

/// A line after normalisation.
pub struct Normalized<'a> {
    /// The pytest-visible text of the line.
    pub text: &'a [u8],
    /// The CI runner's timestamp, when the prefix carried one.
    pub ci_time: Option<&'a [u8]>,
    /// True when the line was an `INTERNALERROR>` line.
    pub internal_error: bool,
    /// True for a Markdown code fence line (` ``` `, ` ```text `): a pasted block starts
    /// or ends here.
    pub fence: bool,
}

/// Strips ANSI escapes into `scratch` when there are any, then CI prefixes.
pub fn normalize<'a>(line: &'a [u8], scratch: &'a mut Vec<u8>) -> Normalized<'a> {
    let line = if memchr::memchr(0x1b, line).is_some() {
        strip_ansi(line, scratch);
        &scratch[..]
    } else {
        line
    };
    strip_ci_prefix(line)
}

/// Copies `line` into `out` without CSI escape sequences (`ESC [ ... final-byte`).
pub fn strip_ansi(line: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut i = 0;
    while i < line.len() {
        if line[i] == 0x1b {
            i += 1;
            if i < line.len() && line[i] == b'[' {
                i += 1;
                while i < line.len() && !(0x40..=0x7e).contains(&line[i]) {
                    i += 1;
                }
                i += 1; // the final byte
            } else if i < line.len() && matches!(line[i], b'(' | b')' | b'*' | b'+') {
                i += 2; // character-set designation such as ESC ( B
            } else if i < line.len() {
                i += 1; // other two-byte escapes
            }
            continue;
        }
        out.push(line[i]);
        i += 1;
    }
}

/// Removes any stack of CI prefixes from the start of a line.
pub fn strip_ci_prefix(mut line: &[u8]) -> Normalized<'_> {
    let mut ci_time = None;
    let mut internal_error = false;
    // Prefixes can stack (a timestamp, then INTERNALERROR>); a few rounds suffice.
    for _ in 0..3 {
        let Some(&first) = line.first() else { break };
        if first.is_ascii_digit() {
            if let Some(end) = iso_timestamp_end(line) {
                ci_time = Some(&line[..end]);
                line = skip_gitlab_stream(&line[end + 1..]);
                continue;
            }
        } else if first == b'[' {
            if let Some(end) = bracket_clock_end(line) {
                line = &line[end..];
                continue;
            }
            if let Some(end) = line
                .get(1..)
                .and_then(iso_timestamp_end_bracketed)
                .map(|e| e + 1)
            {
                ci_time = Some(&line[1..end]);
                line = skip_spaces(&line[end + 1..]);
                continue;
            }
        } else if first == b'I' && line.starts_with(b"INTERNALERROR>") {
            internal_error = true;
            line = &line[b"INTERNALERROR>".len()..];
            if line.first() == Some(&b' ') {
                line = &line[1..];
            }
            continue;
        }
        break;
    }
    // Log records start with their timestamp's digits: no wrapper to look for.
    let (text, fence) = if line.first().is_some_and(u8::is_ascii_digit) {
        (line, false)
    } else {
        strip_wrappers(line)
    };
    Normalized {
        text,
        ci_time,
        internal_error,
        fence,
    }
}

/// How many wrapper layers are removed at most (a quoted bullet in a compose log is three).
const MAX_WRAPPERS: usize = 6;

/// Removes the per-line wrappers around a line's text; returns the text and whether the
/// line is a Markdown code fence. Leading indentation of the result is kept.
pub fn strip_wrappers(mut line: &[u8]) -> (&[u8], bool) {
    for _ in 0..MAX_WRAPPERS {
        let Some(&first) = line.first() else { break };
        let rest = match first {
            b'>' => quote(line),
            b'-' | b'*' | b'+' => bullet(line),
            b'#' => comment(line),
            b'`' => {
                if line.starts_with(b"```") || line.starts_with(b"~~~") {
                    return (b"", true);
                }
                inline_code(line)
            }
            b' ' | b'\t' | b'|' => frame(line),
            b'd' if line.starts_with(b"docker: ") => Some(&line[8..]),
            b'n' if line.starts_with(b"nox > ") => Some(&line[6..]),
            b'~' if line.starts_with(b"~~~") => return (b"", true),
            // Log records start with a digit (their timestamp): no wrapper to look for.
            _ if first.is_ascii_alphabetic() => service_prefix(line)
                .or_else(|| journald_prefix(line))
                .or_else(|| tox_env_prefix(line)),
            _ => None,
        };
        match rest {
            Some(r) if r.len() < line.len() => line = r,
            _ => break,
        }
    }
    (line, false)
}

/// `> text` (Markdown quote, nested quotes too) or a bare `>`. pytest's own `>   code`
/// marker has several spaces after the `>` and is kept.
fn quote(line: &[u8]) -> Option<&[u8]> {
    match line.get(1) {
        None => Some(&line[1..]),
        Some(b' ') if line.get(2).is_some_and(|b| *b != b' ') => Some(&line[2..]),
        Some(b'>') => Some(&line[1..]),
        _ => None,
    }
}

/// `- text`, `* text`, `+ text` list bullets (not `---` rules or `- ` diff lines of pytest,
/// which only appear after an `E`).
fn bullet(line: &[u8]) -> Option<&[u8]> {
    (line.get(1) == Some(&b' ') && line.get(2).is_some_and(|b| !b.is_ascii_whitespace()))
        .then(|| &line[2..])
}

/// `# FAILED ...`: a shell or Markdown comment before an upper-case word.
fn comment(line: &[u8]) -> Option<&[u8]> {
    let body = line.strip_prefix(b"# ")?;
    body.first()
        .is_some_and(u8::is_ascii_uppercase)
        .then_some(body)
}

/// A whole line in inline-code backticks: `` `text` `` (the closing one may be cut off).
fn inline_code(line: &[u8]) -> Option<&[u8]> {
    let body = &line[1..];
    if body.first() == Some(&b'`') {
        return None;
    }
    Some(body.strip_suffix(b"`").unwrap_or(body))
}

/// `  | text`: ExceptionGroup sub-tracebacks, Markdown and CloudWatch table cells. The
/// indentation before the bar goes with it; a trailing ` |` cell end is removed too.
fn frame(line: &[u8]) -> Option<&[u8]> {
    let spaces = line
        .iter()
        .take_while(|b| **b == b' ' || **b == b'\t')
        .count();
    let rest = &line[spaces..];
    let body = rest
        .strip_prefix(b"| ")
        .or_else(|| (rest == b"|").then(|| &rest[1..]))?;
    Some(body.strip_suffix(b" |").unwrap_or(body))
}

/// `docker compose` prefixes: `web-1  | text`, `project_web_1 | text`.
fn service_prefix(line: &[u8]) -> Option<&[u8]> {
    let name = line
        .iter()
        .take(64)
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        .count();
    let spaces = line[name..].iter().take_while(|b| **b == b' ').count();
    if spaces == 0 {
        return None;
    }
    let rest = &line[name + spaces..];
    match rest {
        [b'|', b' ', ..] => Some(&rest[2..]),
        [b'|'] => Some(&rest[1..]),
        _ => None,
    }
}

/// journald's short format: `Nov 27 09:50:00 host ident[pid]: text` (or `ident: text`).
fn journald_prefix(line: &[u8]) -> Option<&[u8]> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let month = line.get(..3)?;
    if !MONTHS.iter().any(|m| m.as_slice() == month) || line.get(3) != Some(&b' ') {
        return None;
    }
    let mut i = 4;
    if line.get(i) == Some(&b' ') {
        i += 1; // `Nov  7`
    }
    let day = line[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    i += day;
    let clock = line.get(i..i + 9)?;
    let shape = b" dd:dd:dd";
    let clock_ok = clock.iter().zip(shape).all(|(b, s)| match s {
        b'd' => b.is_ascii_digit(),
        other => b == other,
    });
    if !(1..=2).contains(&day) || !clock_ok || line.get(i + 9) != Some(&b' ') {
        return None;
    }
    let rest = &line[i + 10..];
    let host = rest.iter().take_while(|b| **b != b' ').count();
    let rest = rest.get(host + 1..)?;
    let ident = rest.iter().take(128).position(|b| *b == b':')?;
    let name = &rest[..ident];
    let ident_ok = !name.is_empty()
        && name.iter().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/' | b'[' | b']')
        });
    if !ident_ok || rest.get(ident + 1) != Some(&b' ') {
        return None;
    }
    Some(&rest[ident + 2..])
}

/// tox environment prefixes: `py311: text`, `py3.12-django: text`, `pypy3: text`.
fn tox_env_prefix(line: &[u8]) -> Option<&[u8]> {
    let rest = line
        .strip_prefix(b"pypy")
        .or_else(|| line.strip_prefix(b"py"))?;
    let digits = rest
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
        .count();
    let name = rest[digits..]
        .iter()
        .take(64)
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        .count();
    let end = digits + name;
    if digits == 0 || rest[digits..end].first().is_some_and(|b| *b != b'-') {
        return None;
    }
    (rest.get(end) == Some(&b':') && rest.get(end + 1) == Some(&b' ')).then(|| &rest[end + 2..])
}

fn skip_spaces(line: &[u8]) -> &[u8] {
    let n = line.iter().take_while(|b| **b == b' ').count();
    &line[n..]
}

/// GitLab's timestamped job logs put a stream marker such as `00O ` or `01E+` after the time.
fn skip_gitlab_stream(line: &[u8]) -> &[u8] {
    if line.len() >= 4
        && line[0].is_ascii_hexdigit()
        && line[1].is_ascii_hexdigit()
        && matches!(line[2], b'O' | b'E')
        && matches!(line[3], b' ' | b'+')
    {
        let rest = &line[4..];
        return rest.strip_prefix(b" ").unwrap_or(rest);
    }
    line
}

/// `2025-01-02T03:04:05[.fff][Z|+hh:mm] ` at the start: returns the index of the space.
fn iso_timestamp_end(line: &[u8]) -> Option<usize> {
    let end = iso_core_end(line)?;
    (line.get(end) == Some(&b' ')).then_some(end)
}

/// The same inside brackets: returns the index of the closing `]`.
fn iso_timestamp_end_bracketed(line: &[u8]) -> Option<usize> {
    let end = iso_core_end(line)?;
    (line.get(end) == Some(&b']')).then_some(end)
}

fn iso_core_end(line: &[u8]) -> Option<usize> {
    if line.len() < 20 {
        return None;
    }
    let shape = b"dddd-dd-ddTdd:dd:dd";
    for (i, s) in shape.iter().enumerate() {
        let b = line[i];
        let ok = match s {
            b'd' => b.is_ascii_digit(),
            other => b == *other,
        };
        if !ok {
            return None;
        }
    }
    let mut i = shape.len();
    if line.get(i) == Some(&b'.') || line.get(i) == Some(&b',') {
        i += 1;
        while line.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    match line.get(i) {
        Some(b'Z') => i += 1,
        Some(b'+') | Some(b'-') => {
            i += 1;
            while line
                .get(i)
                .is_some_and(|b| b.is_ascii_digit() || *b == b':')
            {
                i += 1;
            }
        }
        _ => {}
    }
    Some(i)
}

/// `[ 28s] ` / `[  123.456s] ` build clocks (OBS, some CI systems): index after the space.
fn bracket_clock_end(line: &[u8]) -> Option<usize> {
    let mut i = 1;
    while line.get(i) == Some(&b' ') {
        i += 1;
    }
    let digits = i;
    while line
        .get(i)
        .is_some_and(|b| b.is_ascii_digit() || *b == b'.')
    {
        i += 1;
    }
    if i == digits || line.get(i) != Some(&b's') || line.get(i + 1) != Some(&b']') {
        return None;
    }
    i += 2;
    if line.get(i) == Some(&b' ') {
        i += 1;
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> (String, Option<String>) {
        let mut scratch = Vec::new();
        let n = normalize(s.as_bytes(), &mut scratch);
        (
            String::from_utf8_lossy(n.text).into_owned(),
            n.ci_time.map(|t| String::from_utf8_lossy(t).into_owned()),
        )
    }

    #[test]
    fn strips_github_actions_timestamp() {
        let (t, ts) = norm("2025-11-07T10:23:45.1234567Z FAILED tests/a.py::t - x");
        assert_eq!(t, "FAILED tests/a.py::t - x");
        assert_eq!(ts.as_deref(), Some("2025-11-07T10:23:45.1234567Z"));
    }

    #[test]
    fn strips_gitlab_stream_marker() {
        let (t, _) = norm("2025-11-07T10:23:45.123456Z 00O tests/a.py::t PASSED");
        assert_eq!(t, "tests/a.py::t PASSED");
    }

    #[test]
    fn strips_build_clock_and_internalerror() {
        assert_eq!(norm("[  28s] PASSED [ 5%]").0, "PASSED [ 5%]");
        assert_eq!(norm("[   1.5s] E   boom").0, "E   boom");
        assert_eq!(
            norm("INTERNALERROR> Traceback (most recent call last):").0,
            "Traceback (most recent call last):"
        );
    }

    #[test]
    fn strips_jenkins_bracketed_stamp() {
        let (t, ts) = norm("[2025-11-07T10:23:45.123Z] tests/a.py::t FAILED");
        assert_eq!(t, "tests/a.py::t FAILED");
        assert_eq!(ts.as_deref(), Some("2025-11-07T10:23:45.123Z"));
    }

    #[test]
    fn keeps_live_log_timestamps_and_xdist_markers() {
        let line = "2025-11-07 10:23:45 [WARNING] urllib3.connectionpool: x";
        assert_eq!(norm(line).0, line);
        assert_eq!(norm("[gw0] [ 10%] PASSED t").0, "[gw0] [ 10%] PASSED t");
        assert_eq!(norm("[ 45%]").0, "[ 45%]");
    }

    fn unwrapped(s: &str) -> String {
        let mut scratch = Vec::new();
        String::from_utf8_lossy(normalize(s.as_bytes(), &mut scratch).text).into_owned()
    }

    #[test]
    fn strips_pasting_wrappers() {
        let failed = "FAILED tests/a.py::t - requests.exceptions.ReadTimeout: x";
        for wrapped in [
            format!("> {failed}"),
            format!("> > {failed}"),
            format!("- {failed}"),
            format!("* {failed}"),
            format!("# {failed}"),
            format!("`{failed}`"),
            format!("`{failed}"),
            format!("2025-11-07T10:23:45.1234567Z > {failed}"),
            format!("web-1  | {failed}"),
            format!("project_tests_1 | - {failed}"),
            format!("Nov 27 09:50:00 ci-runner-3 pytest[4121]: {failed}"),
            format!("Nov  7 09:50:00 host python3: {failed}"),
            format!("docker: {failed}"),
            format!("py311: {failed}"),
            format!("py3.12-django42: {failed}"),
            format!("nox > {failed}"),
            format!("  | {failed}"),
            format!("| {failed} |"),
        ] {
            assert_eq!(unwrapped(&wrapped), failed, "{wrapped}");
        }
    }

    #[test]
    fn keeps_what_is_not_a_wrapper() {
        for line in [
            ">       raise ReadTimeout(e, request=request)",
            ">",
            "----------------------------- Captured log call ------------------------------",
            "#comment",
            "2025-03-12 13:41:58.608 | ERROR    | app.llm:ask_tool:260 - API error: Request timed out.",
            "2023-10-06 05:57:22 | ERROR | stderr | conn.connect()",
            "    indented log text",
            "ERROR    src.api:api.py:12 request failed",
            "python: not a tox env",
            "May the tests pass",
            "E       requests.exceptions.ConnectTimeout: x",
        ] {
            let want = if line == ">" { "" } else { line };
            assert_eq!(unwrapped(line), want, "{line}");
        }
        let mut scratch = Vec::new();
        assert!(normalize(b"```text", &mut scratch).fence);
        assert!(normalize(b"  ```", &mut scratch).text.ends_with(b"```"));
    }

    #[test]
    fn removes_ansi_colour() {
        let (t, _) = norm("\x1b[31mFAILED\x1b[0m tests/a.py::t \x1b[1m- boom\x1b(B");
        assert_eq!(t, "FAILED tests/a.py::t - boom");
    }
}
