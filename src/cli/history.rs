//! The history side of the command line: `--record` on `rca analyze`, and the `record`,
//! `trend` and `history` subcommands. Argument syntax (times, durations, labels, the store
//! location from `--history`, `RCA_HISTORY` or the default path) is read here; storage is
//! [`crate::history`], the rules [`crate::trend`], the printers [`crate::render::trend`].

use super::{Format, choose_format, terminal_width, write_output};
use crate::analysis::Analysis;
use crate::history::record::{self, ReportDoc};
use crate::history::{History, RunFilter, Target};
use crate::render;
use std::collections::BTreeMap;
use std::io::Read;

pub(super) const RECORD_EXAMPLES: &str = "\
Examples:
  rca record rca.json                        import a saved `rca analyze --format json` report
  rca record reports/*.json --label branch=main
  rca record rca.json --run-id nightly-2026-11-27 --at '2026-11-27 02:00:00'
  rca analyze run.log --record --label env=staging   analyse and record in one step

The store is --history URL, else $RCA_HISTORY, else $XDG_DATA_HOME/rca/history.sqlite
(~/.local/share/rca/history.sqlite). URL: a path, sqlite:PATH, or postgres://user:pass@host/db.
Recording a run id that is already there changes nothing (first write wins).";

pub(super) const TREND_EXAMPLES: &str = "\
Examples:
  rca trend                                  the last 30 runs, as a table on a terminal
  rca trend --since 7d --label branch=main
  rca trend --last 14 -o trend.html          self-contained HTML with SVG charts
  rca trend --format json | jq '.tests[] | select(.status==\"new_failure\") | .nodeid'
  rca trend --history postgres://rca@ci-db.internal/rca -o trend.md

Statuses: tests new_failure, still_failing, flaky, fixed, passing;
root causes new, recurring, resolved (README \"History and trend\").";

pub(super) const HISTORY_EXAMPLES: &str = "\
Examples:
  rca history list
  rca history list --last 20 --label env=staging --format json
  rca history prune --older-than 90d";

/// Where the history lives (shared by every history command).
#[derive(Debug, Clone, clap::Args)]
pub(super) struct StoreArgs {
    /// History store: a path, sqlite:PATH or postgres://... [default: $RCA_HISTORY, else
    /// $XDG_DATA_HOME/rca/history.sqlite]
    #[arg(long, value_name = "URL")]
    history: Option<String>,
}

/// What `--record` stores beside the analysis.
#[derive(Debug, Clone, clap::Args)]
pub(super) struct RecordMeta {
    #[command(flatten)]
    store: StoreArgs,
    /// Run id for the history [default: derived from the report's content].
    #[arg(long, value_name = "ID")]
    run_id: Option<String>,
    /// Time of the run: RFC 3339 or `YYYY-MM-DD HH:MM:SS` (UTC) [default: the session start
    /// the log shows, else the file's modification time, else now].
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Label `key=value` stored with the run (repeatable).
    #[arg(long = "label", value_name = "KEY=VALUE")]
    labels: Vec<String>,
}

/// `--record` and its companions on `rca analyze`.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "History")]
pub(super) struct AnalyzeRecord {
    /// Also store this run in the history (see `rca record --help`).
    #[arg(long)]
    record: bool,
    #[command(flatten)]
    meta: RecordMeta,
}

#[derive(Debug, clap::Args)]
pub(super) struct RecordArgs {
    /// Saved `rca analyze --format json` reports (`-` for standard input).
    #[arg(required = true, value_name = "REPORT")]
    reports: Vec<String>,
    #[command(flatten)]
    meta: RecordMeta,
}

/// Which runs a trend or a listing covers.
#[derive(Debug, Clone, clap::Args)]
struct WindowArgs {
    /// Only runs within this duration before now (`90m`, `36h`, `7d`, `2w`).
    #[arg(long, value_name = "DURATION", conflicts_with = "last")]
    since: Option<String>,
    /// Only the N most recent runs [trend default: 30].
    #[arg(long, value_name = "N")]
    last: Option<usize>,
    /// Only runs with this label `key=value` (repeatable; all must match).
    #[arg(long = "label", value_name = "KEY=VALUE")]
    labels: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub(super) struct TrendArgs {
    #[command(flatten)]
    window: WindowArgs,
    /// Output format [default: from the -o extension, else text on a terminal, json otherwise].
    #[arg(short, long, value_enum)]
    format: Option<Format>,
    /// Write the trend to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<String>,
    /// Title of the Markdown/HTML summary.
    #[arg(long, value_name = "TITLE")]
    title: Option<String>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, clap::Subcommand)]
pub(super) enum HistoryCommand {
    /// List the recorded runs, oldest first.
    List(ListArgs),
    /// Delete runs older than a duration.
    Prune(PruneArgs),
}

#[derive(Debug, clap::Args)]
pub(super) struct ListArgs {
    #[command(flatten)]
    window: WindowArgs,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "text")]
    format: ListFormat,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub(super) struct PruneArgs {
    /// Delete runs older than this (`90d`, `12w`, `36h`).
    #[arg(long, value_name = "DURATION", required = true)]
    older_than: String,
    #[command(flatten)]
    store: StoreArgs,
}

/// Where the history is: `--history`, else `RCA_HISTORY`, else the default file.
fn target(store: &StoreArgs) -> Result<Target, String> {
    let env = std::env::var("RCA_HISTORY").ok().filter(|s| !s.is_empty());
    if let Some(url) = store.history.clone().or(env) {
        return Ok(Target::parse(&url));
    }
    let xdg = std::env::var_os("XDG_DATA_HOME").map(std::path::PathBuf::from);
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    Target::default_sqlite(xdg.as_deref(), home.as_deref())
        .ok_or_else(|| "no history location: give --history or set RCA_HISTORY".to_string())
}

fn open(store: &StoreArgs) -> Result<(History, Target), String> {
    let target = target(store)?;
    let history = History::open(&target).map_err(|e| format!("history: {e}"))?;
    Ok((history, target))
}

/// Parses `key=value` labels.
fn parse_labels(items: &[String]) -> Result<BTreeMap<String, String>, String> {
    items
        .iter()
        .map(|item| match item.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            _ => Err(format!("--label: expected KEY=VALUE, got '{item}'")),
        })
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
        "--at: cannot read '{s}' as a time (RFC 3339 or YYYY-MM-DD HH:MM:SS)"
    ))
}

/// Parses a duration such as `90m`, `36h`, `7d`, `2w` (or plain seconds). Returns seconds.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: i64 = num
        .parse()
        .map_err(|_| format!("cannot read '{s}' as a duration (e.g. 7d, 36h, 90m)"))?;
    let unit_s = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => {
            return Err(format!(
                "cannot read '{s}' as a duration (units s, m, h, d, w)"
            ));
        }
    };
    n.checked_mul(unit_s)
        .ok_or_else(|| format!("duration '{s}' is too long"))
}

/// The modification time of a file, epoch seconds.
fn mtime(path: &str) -> Option<i64> {
    let t = std::fs::metadata(path).ok()?.modified().ok()?;
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_secs()).ok()
}

/// Builds the record of one report and stores it; a one-line note goes to stderr.
fn store_report(
    history: &mut History,
    target: &Target,
    mut doc: ReportDoc,
    meta: &RecordMeta,
    source_file: Option<&str>,
    quiet: bool,
) -> Result<(), String> {
    // The history never keeps a raw secret, even of a `--no-redact` report; the run id is
    // derived from the masked content, so every way of recording one run agrees on it.
    doc.redact(&super::redactor());
    let labels = parse_labels(&meta.labels)?;
    let at = match &meta.at {
        Some(at) => parse_time(at)?,
        None => doc
            .session_start()
            .or_else(|| source_file.and_then(mtime))
            .unwrap_or_else(crate::history::unix_now),
    };
    let id = match &meta.run_id {
        Some(id) if id.trim().is_empty() => return Err("--run-id: empty".to_string()),
        Some(id) => id.clone(),
        None => doc.content_id(),
    };
    let run = doc.into_record(id, at, labels);
    let added = history.record(&run).map_err(|e| format!("history: {e}"))?;
    if !quiet {
        if added {
            eprintln!(
                "rca: recorded run {} ({}) in {}",
                run.id,
                crate::trend::rfc3339(run.at),
                target.describe()
            );
        } else {
            eprintln!(
                "rca: run {} is already in {}; not recorded again",
                run.id,
                target.describe()
            );
        }
    }
    Ok(())
}

/// `rca analyze ... --record`: stores the analysis when asked.
pub(super) fn record_analysis(
    args: &AnalyzeRecord,
    analysis: &Analysis,
    files: &[String],
    quiet: bool,
) -> Result<(), String> {
    if !args.record {
        let m = &args.meta;
        if m.run_id.is_some() || m.at.is_some() || !m.labels.is_empty() || m.store.history.is_some()
        {
            return Err("--run-id, --at, --label and --history need --record".to_string());
        }
        return Ok(());
    }
    let (mut history, target) = open(&args.meta.store)?;
    let file = files.iter().find(|f| *f != "-").map(String::as_str);
    store_report(
        &mut history,
        &target,
        record::report_of(analysis),
        &args.meta,
        file,
        quiet,
    )
}

/// `rca record REPORT...`.
pub(super) fn record(args: RecordArgs) -> Result<i32, String> {
    if args.reports.len() > 1 && args.meta.run_id.is_some() {
        return Err("--run-id applies to one report; give one report".to_string());
    }
    if args.reports.iter().filter(|r| *r == "-").count() > 1 {
        return Err("standard input (-) can be given only once".to_string());
    }
    let mut docs = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        docs.push((path, read_report(path)?));
    }
    let (mut history, target) = open(&args.meta.store)?;
    let quiet = docs.len() > 20; // a bulk import says one line at the end instead
    for (path, doc) in docs {
        let file = (path != "-").then_some(path.as_str());
        store_report(&mut history, &target, doc, &args.meta, file, quiet)?;
    }
    if quiet {
        eprintln!(
            "rca: recorded {} reports in {}",
            args.reports.len(),
            target.describe()
        );
    }
    Ok(super::EXIT_OK)
}

fn read_report(path: &str) -> Result<ReportDoc, String> {
    let text = if path == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("<stdin>: cannot read: {e}"))?;
        s
    } else {
        std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("{path}: no such file"),
            _ => format!("{path}: cannot read: {e}"),
        })?
    };
    record::parse_report(&text).map_err(|e| format!("{path}: {e}"))
}

fn filter(w: &WindowArgs, default_last: Option<usize>) -> Result<RunFilter, String> {
    let since = match &w.since {
        Some(s) => Some(
            crate::history::unix_now() - parse_duration(s).map_err(|e| format!("--since: {e}"))?,
        ),
        None => None,
    };
    Ok(RunFilter {
        since,
        last: w.last.or(if since.is_none() { default_last } else { None }),
        labels: parse_labels(&w.labels)?,
    })
}

/// Runs a trend shows unless told otherwise.
const DEFAULT_TREND_RUNS: usize = 30;

/// `rca trend`.
pub(super) fn trend(args: TrendArgs) -> Result<i32, String> {
    let filter = filter(&args.window, Some(DEFAULT_TREND_RUNS))?;
    let (mut history, _) = open(&args.store)?;
    let mut runs = history.load(&filter).map_err(|e| format!("history: {e}"))?;
    let redactor = super::redactor();
    for run in &mut runs {
        run.redact(&redactor);
    }
    let selection = crate::trend::Selection {
        since: args.window.since.clone(),
        last: filter.last,
        labels: filter.labels.clone(),
    };
    let trend = crate::trend::compute(&runs, selection);
    let (format, to_terminal) = choose_format(args.format, args.output.as_deref())?;
    let title = args.title.as_deref();
    let text = match format {
        Format::Json => render::trend::json(&trend),
        Format::Text => render::trend::text(&trend, terminal_width(to_terminal)),
        Format::Md => render::trend::markdown(&trend, title),
        Format::Html => render::trend::html(&trend, title),
    };
    write_output(args.output.as_deref(), &text)?;
    Ok(super::EXIT_OK)
}

/// `rca history ...`.
pub(super) fn history(cmd: HistoryCommand) -> Result<i32, String> {
    match cmd {
        HistoryCommand::List(args) => list(args),
        HistoryCommand::Prune(args) => prune(args),
    }
}

fn list(args: ListArgs) -> Result<i32, String> {
    let filter = filter(&args.window, None)?;
    let (mut history, _) = open(&args.store)?;
    let runs = history.list(&filter).map_err(|e| format!("history: {e}"))?;
    let text = match args.format {
        ListFormat::Json => render::trend::list_json(&runs),
        ListFormat::Text => render::trend::list_text(&runs),
    };
    write_output(None, &text)?;
    Ok(super::EXIT_OK)
}

fn prune(args: PruneArgs) -> Result<i32, String> {
    let age = parse_duration(&args.older_than).map_err(|e| format!("--older-than: {e}"))?;
    let (mut history, target) = open(&args.store)?;
    let before = crate::history::unix_now() - age;
    let n = history.prune(before).map_err(|e| format!("history: {e}"))?;
    eprintln!(
        "rca: pruned {n} run(s) older than {} from {}",
        crate::trend::rfc3339(before),
        target.describe()
    );
    Ok(super::EXIT_OK)
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
        assert!(parse_labels(&["nolabel".into()]).is_err());
    }
}
