//! Blocks of the trend printers beside its tables: "since the previous run" (printed
//! first), the signatures' precision, links to each run's stored report, and the numbers
//! written on charts. Text is returned ready for a terminal; the Markdown/HTML parts are
//! view rows escaped by the caller's `esc` (identity for HTML, where askama escapes).
//!
//! It does not compute the changes or the precision ([`crate::history::trend`]); it only words and
//! lays them out.

use crate::history::trend::Trend;
use crate::history::trend::previous::SincePrevious;
use crate::report::signals::precision;

/// At most this many names per list in the text block; the rest are counted.
const LIST_MAX: usize = 10;

fn listed(items: &[String]) -> String {
    let mut s = items
        .iter()
        .take(LIST_MAX)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > LIST_MAX {
        s.push_str(&format!(", and {} more", items.len() - LIST_MAX));
    }
    s
}

/// One line per kind of change, `(label, count, names)`.
pub fn changes(p: &SincePrevious) -> Vec<(&'static str, usize, Vec<String>)> {
    let titles = |v: &[crate::history::trend::previous::CauseRef]| -> Vec<String> {
        v.iter().map(|c| c.title.clone()).collect()
    };
    vec![
        (
            "newly failing",
            p.newly_failing.len(),
            p.newly_failing.clone(),
        ),
        ("fixed", p.fixed.len(), p.fixed.clone()),
        (
            "new root causes",
            p.new_root_causes.len(),
            titles(&p.new_root_causes),
        ),
        (
            "gone root causes",
            p.gone_root_causes.len(),
            titles(&p.gone_root_causes),
        ),
        ("no longer run", p.not_run.len(), p.not_run.clone()),
    ]
}

/// The "since the previous run" block for a terminal.
pub fn since_text(t: &Trend) -> String {
    let Some(p) = &t.since_previous else {
        return match t.runs.last() {
            Some(r) => format!("Only one run in this window: {} ({}).\n\n", r.name, r.at),
            None => String::new(),
        };
    };
    let mut out = format!("Since the previous run ({} -> {}):\n", p.previous, p.run);
    let mut any = false;
    for (label, n, names) in changes(p) {
        if n > 0 {
            any = true;
            out.push_str(&format!("  {label} ({n}): {}\n", listed(&names)));
        }
    }
    if !any {
        out.push_str("  no change in outcomes or root causes\n");
    }
    out.push('\n');
    out
}

/// "min 0 · max 16 · newest 16" for a series of counts.
pub fn numbers(values: &[u64]) -> String {
    match (values.iter().min(), values.iter().max(), values.last()) {
        (Some(min), Some(max), Some(last)) => format!("min {min} · max {max} · newest {last}"),
        _ => String::new(),
    }
}

/// The signature block for a terminal: the least precise that fired, and how many never
/// fired.
pub fn signatures_text(t: &Trend) -> String {
    let s = &t.signatures;
    if s.runs_with_data == 0 {
        return String::new();
    }
    let mut out = format!(
        "\nSignatures ({} run(s) with signature data; precision = failed / tests fired on)\n",
        s.runs_with_data
    );
    for st in s.fired.iter().take(LIST_MAX) {
        out.push_str(&format!(
            "  {:<40} {:>5} on passed, {:>5} on failed, precision {:>4}, {} run(s)\n",
            st.id,
            st.passed_tests,
            st.failed_tests,
            precision(st.precision),
            st.runs
        ));
    }
    if s.fired.len() > LIST_MAX {
        out.push_str(&format!(
            "  ... {} more that fired\n",
            s.fired.len() - LIST_MAX
        ));
    }
    if !s.never_fired.is_empty() {
        out.push_str(&format!(
            "  never fired ({}): {}\n",
            s.never_fired.len(),
            listed(&s.never_fired)
        ));
    }
    out
}

/// A link target for a stored report: an http(s) URL as given, an absolute path as a
/// `file://` URL; anything else (other schemes, relative paths) gives no link. Characters
/// that could end the link in Markdown or HTML are percent-encoded.
pub fn report_href(report: &str) -> Option<String> {
    let lower = report.to_ascii_lowercase();
    let url = if lower.starts_with("https://") || lower.starts_with("http://") {
        report.to_string()
    } else if report.starts_with('/') {
        format!("file://{report}")
    } else {
        return None;
    };
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' | '"' | '\'' | '<' | '>' | '(' | ')' | '[' | ']' | '`' | '|' | '\\' | '{' | '}'
            | '^' => out.push_str(&format!("%{:02X}", c as u32)),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// A row of the "since the previous run" block in Markdown/HTML.
pub struct ChangeRow {
    pub label: String,
    pub count: usize,
    pub items: Vec<String>,
    pub more: usize,
}

/// The block's rows (empty kinds left out), strings escaped by `esc`.
pub fn change_rows(p: &SincePrevious, esc: fn(&str) -> String) -> Vec<ChangeRow> {
    changes(p)
        .into_iter()
        .filter(|(_, n, _)| *n > 0)
        .map(|(label, count, names)| ChangeRow {
            label: label.to_string(),
            count,
            items: names.iter().take(LIST_MAX).map(|n| esc(n)).collect(),
            more: count.saturating_sub(LIST_MAX),
        })
        .collect()
}

/// A signature row in Markdown/HTML.
pub struct SignatureRow {
    pub id: String,
    pub runs: usize,
    pub events: u64,
    pub passed: u64,
    pub failed: u64,
    pub precision: String,
}

/// The signatures that fired, least precise first, escaped by `esc`.
pub fn signature_rows(t: &Trend, esc: fn(&str) -> String) -> Vec<SignatureRow> {
    t.signatures
        .fired
        .iter()
        .map(|s| SignatureRow {
            id: esc(&s.id),
            runs: s.runs,
            events: s.events,
            passed: s.passed_tests,
            failed: s.failed_tests,
            precision: precision(s.precision),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_links_are_http_or_absolute_paths_only() {
        assert_eq!(
            report_href("https://ci.example/a b/(1).html").as_deref(),
            Some("https://ci.example/a%20b/%281%29.html")
        );
        assert_eq!(
            report_href("/srv/reports/night 1.html").as_deref(),
            Some("file:///srv/reports/night%201.html")
        );
        assert_eq!(report_href("javascript:alert(1)"), None);
        assert_eq!(report_href("data:text/html,x"), None);
        assert_eq!(report_href("reports/x.html"), None);
        assert_eq!(
            report_href("https://x/\"><script>").as_deref(),
            Some("https://x/%22%3E%3Cscript%3E")
        );
    }

    #[test]
    fn numbers_of_a_series() {
        assert_eq!(numbers(&[3, 0, 16, 2]), "min 0 · max 16 · newest 2");
        assert_eq!(numbers(&[]), "");
    }
}
