//! Line normalisation before parsing: removes ANSI colour escapes (`--color=yes`) and the
//! prefixes CI runners put before every line (ISO timestamps, `[ 28s]` build clocks,
//! `[2025-01-02T03:04:05Z]` Jenkins stamps, `INTERNALERROR> `), keeping the CI timestamp.
//!
//! All checks are hand-written byte tests, because they run on every line of gigabyte logs.

/// A line after normalisation.
pub struct Normalized<'a> {
    /// The pytest-visible text of the line.
    pub text: &'a [u8],
    /// The CI runner's timestamp, when the prefix carried one.
    pub ci_time: Option<&'a [u8]>,
    /// True when the line was an `INTERNALERROR>` line.
    pub internal_error: bool,
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
    Normalized {
        text: line,
        ci_time,
        internal_error,
    }
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

    #[test]
    fn removes_ansi_colour() {
        let (t, _) = norm("\x1b[31mFAILED\x1b[0m tests/a.py::t \x1b[1m- boom\x1b(B");
        assert_eq!(t, "FAILED tests/a.py::t - boom");
    }
}
