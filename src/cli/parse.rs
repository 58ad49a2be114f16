//! Argument syntax of the history commands: times (`--at`), durations (`--since`,
//! `--older-than`) and labels (`--label KEY=VALUE`). Pure functions, checked before any
//! work is done, so a bad value is one line and exit 2 before a report is written or a
//! store is created. It does not read or write the store: the parsed values go to
//! [`super::history`], [`super::recording`] and [`super::config`], which act on them.

use std::collections::BTreeMap;

/// Longest label key and value accepted.
const MAX_LABEL: usize = 200;

/// Parses and checks `key=value` labels: a key of letters, digits, `_`, `-`, `.` or `/`,
/// a value of printable characters, each key once.
pub fn parse_labels(items: &[String]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for item in items {
        let Some((k, v)) = item.split_once('=') else {
            return Err(format!(
                "--label: expected KEY=VALUE, got '{}'",
                shown(item)
            ));
        };
        let k = k.trim();
        let key_ok = |c: char| c.is_ascii_alphanumeric() || "_-./".contains(c);
        if k.is_empty() || !k.chars().all(key_ok) || k.len() > MAX_LABEL {
            return Err(format!(
                "--label '{}': the key must be 1 to {MAX_LABEL} letters, digits, '_', '-', '.' or '/'",
                shown(item)
            ));
        }
        if v.chars().any(char::is_control) || v.chars().count() > MAX_LABEL {
            return Err(format!(
                "--label {k}: the value must be at most {MAX_LABEL} printable characters"
            ));
        }
        if out.insert(k.to_string(), v.to_string()).is_some() {
            return Err(format!("--label {k}: given twice"));
        }
    }
    Ok(out)
}

/// An argument as an error message may show it: control characters replaced, bounded.
fn shown(s: &str) -> String {
    s.chars()
        .take(80)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Parses a time: RFC 3339, or `YYYY-MM-DD HH:MM:SS` / `YYYY-MM-DDTHH:MM:SS` / `YYYY-MM-DD`
/// read as UTC. Returns epoch seconds.
pub fn parse_time(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp());
    }
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(t.and_utc().timestamp());
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
            .timestamp());
    }
    Err(format!(
        "--at: cannot read '{}' as a time (RFC 3339 or YYYY-MM-DD HH:MM:SS)",
        shown(s)
    ))
}

/// Parses a duration such as `90m`, `36h`, `7d`, `2w` (or plain seconds). Returns seconds.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: i64 = num.parse().map_err(|_| {
        format!(
            "cannot read '{}' as a duration (e.g. 7d, 36h, 90m)",
            shown(s)
        )
    })?;
    let unit_s = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => {
            return Err(format!(
                "cannot read '{}' as a duration (units s, m, h, d, w)",
                shown(s)
            ));
        }
    };
    n.checked_mul(unit_s)
        .ok_or_else(|| format!("duration '{}' is too long", shown(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_both_accepted_forms() {
        assert_eq!(parse_time("1970-01-01T00:01:00Z"), Ok(60));
        assert_eq!(parse_time("1970-01-01T01:01:00+01:00"), Ok(60));
        assert_eq!(parse_time("1970-01-01 00:01:00"), Ok(60));
        assert_eq!(parse_time("1970-01-02"), Ok(86_400));
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("2026-13-01").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("7d"), Ok(7 * 86_400));
        assert_eq!(parse_duration("36h"), Ok(36 * 3600));
        assert_eq!(parse_duration("2w"), Ok(14 * 86_400));
        assert_eq!(parse_duration("90"), Ok(90));
        assert!(parse_duration("7y").is_err());
        assert!(parse_duration("d").is_err());
    }

    #[test]
    fn labels() {
        let l = parse_labels(&["branch=main".into(), "k=a=b".into()]).unwrap();
        assert_eq!(l["branch"], "main");
        assert_eq!(l["k"], "a=b");
        for bad in ["nolabel", "=x", "a b=c", "k=\u{1b}[2J"] {
            assert!(parse_labels(&[bad.into()]).is_err(), "{bad:?}");
        }
        assert!(
            parse_labels(&["k=1".into(), "k=2".into()])
                .unwrap_err()
                .contains("twice")
        );
    }
}
