//! The history side of the command line: the arguments of `--record`/`--history` on `rca
//! analyze` (carried out by [`super::recording`]), and the `record`, `trend` and `history`
//! subcommands. The store location comes from `--history`, `RCA_HISTORY` or the default
//! path; argument syntax is [`super::parse`]; storage is [`crate::history`], the rules
//! [`crate::history::trend`], the printers [`crate::report::trend`]. Reads (`trend`, `history list`,
//! `signatures --history`) open the store read-only and never create one. It stores,
//! computes and prints nothing itself.

use super::config::Config;
use super::output::{Format, choose_format, terminal_width, write_output};
use super::parse::{parse_duration, parse_labels};
use super::recording::{check, open_read, open_write, store_report};
use crate::history::record::{self, ReportDoc};
use crate::history::{Recorded, RunFilter, Target};
use crate::parse::signatures::SignatureSet;
use crate::report;
use std::io::Read;

pub(super) const RECORD_EXAMPLES: &str = "\
Examples:
  rca record rca.json                        import a saved `rca analyze --format json` report
  rca record reports/*.json --label branch=main
  rca record rca.json --run-id nightly-2026-11-27 --at '2026-11-27 02:00:00'
  rca analyze run.log --record --label env=staging   analyse and record in one step

The store is --history URL, else $RCA_HISTORY, else $XDG_DATA_HOME/rca/history.sqlite
(~/.local/share/rca/history.sqlite). URL: a path, sqlite:PATH, or postgres://user:pass@host/db.
The run id is derived from the input bytes, the session start, the CI run (GITHUB_RUN_ID,
CI_PIPELINE_ID, BUILD_TAG, ...) and --at: recording the same run again changes nothing
(--replace replaces it), another night is another run.";

pub(super) const TREND_EXAMPLES: &str = "\
Examples:
  rca trend                                  the last 30 runs, as tables
  rca trend --since 7d --label branch=main
  rca trend --last 14 -o trend.html          self-contained HTML with SVG charts
  rca trend --format json | jq '.tests[] | select(.status==\"new_failure\") | .nodeid'
  rca trend --history postgres://rca@ci-db.internal/rca -o trend.md
  rca trend --rules team-rules.toml          also list the team's signatures that never fired

Without --since or --last, the trend covers the last 30 runs.
Statuses: tests new_failure, still_failing, flaky, fixed, not_run, passing;
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
    /// $XDG_DATA_HOME/rca/history.sqlite]. On `rca analyze`: compare this run with the runs
    /// recorded there (new / recurring / regressed), with or without --record.
    #[arg(long, value_name = "URL")]
    pub(super) history: Option<String>,
    /// The store rca.toml names (below --history and RCA_HISTORY; never a comparison).
    #[arg(skip)]
    pub(super) configured: Option<String>,
}

/// What `--record` stores beside the analysis.
#[derive(Debug, Clone, clap::Args)]
pub(super) struct RecordMeta {
    #[command(flatten)]
    pub(super) store: StoreArgs,
    /// Run id for the history [default: derived from the input bytes, the session start,
    /// the CI run and --at].
    #[arg(long, value_name = "ID")]
    pub(super) run_id: Option<String>,
    /// Time of the run: RFC 3339 or `YYYY-MM-DD HH:MM:SS` (UTC) [default: the session start
    /// the log shows, else the file's modification time, else now].
    #[arg(long, value_name = "TIME")]
    pub(super) at: Option<String>,
    /// Label `key=value` stored with the run (repeatable); with --history, only runs with
    /// these labels are compared.
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub(super) labels: Vec<String>,
    /// Replace a run already recorded under the same id (default: leave it as it is).
    #[arg(long)]
    pub(super) replace: bool,
    /// Where the run's report can be read (e.g. a CI artifact URL), linked from the trend
    /// [default: the report file].
    #[arg(long, value_name = "URL")]
    pub(super) report_url: Option<String>,
}

/// `--record` and its companions on `rca analyze`.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "History")]
pub(super) struct AnalyzeRecord {
    /// Also store this run in the history (see `rca record --help`).
    #[arg(long)]
    pub(super) record: bool,
    #[command(flatten)]
    pub(super) meta: RecordMeta,
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
pub(super) struct WindowArgs {
    /// Only runs within this duration before now (`90m`, `36h`, `7d`, `2w`).
    #[arg(long, value_name = "DURATION", conflicts_with = "last")]
    since: Option<String>,
    /// Only the N most recent runs.
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
    /// Output format [default: from the -o extension (.txt, .json, .md, .html), else text].
    #[arg(short, long, value_enum)]
    format: Option<TrendFormat>,
    /// Write the trend to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<String>,
    /// Title of the Markdown/HTML summary.
    #[arg(long, value_name = "TITLE")]
    title: Option<String>,
    /// The team's signatures (TOML), for the ones that never fired in the window.
    #[arg(long, value_name = "FILE")]
    rules: Option<String>,
    #[command(flatten)]
    store: StoreArgs,
}

/// Formats of `rca trend`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum TrendFormat {
    /// Tables for a terminal (the default, also on a pipe).
    Text,
    /// The trend document (trend `schema_version` 1).
    Json,
    /// Markdown summary of the trend (what changed, pass rates, categories, tests).
    Md,
    /// Self-contained HTML page of the trend with SVG charts.
    Html,
}

impl From<TrendFormat> for Format {
    fn from(f: TrendFormat) -> Format {
        match f {
            TrendFormat::Text => Format::Text,
            TrendFormat::Json => Format::Json,
            TrendFormat::Md => Format::Md,
            TrendFormat::Html => Format::Html,
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub(super) enum HistoryCommand {
    /// List the recorded runs, oldest first.
    #[command(
        after_help = "Examples:\n  rca history list\n  rca history list --last 20 --label env=staging --format json\n  rca history list --history postgres://rca@ci-db.internal/rca"
    )]
    List(ListArgs),
    /// Delete runs older than a duration.
    #[command(
        after_help = "Examples:\n  rca history prune --older-than 90d\n  rca history prune --older-than 12w --history h.sqlite"
    )]
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

impl WindowArgs {
    /// Whether any window option was given.
    pub(super) fn given(&self) -> bool {
        self.since.is_some() || self.last.is_some() || !self.labels.is_empty()
    }
}

/// Where the history is: `--history`, else `RCA_HISTORY`, else the default file.
pub(super) fn target(store: &StoreArgs) -> Result<Target, String> {
    let env = super::env::read()
        .var("RCA_HISTORY")
        .filter(|s| !s.is_empty());
    if let Some(url) = store.history.clone().or(env).or(store.configured.clone()) {
        if url.trim().is_empty() {
            return Err("--history: empty".to_string());
        }
        return Ok(Target::parse(&url));
    }
    let env = super::env::read();
    let xdg = env.var_os("XDG_DATA_HOME").map(std::path::PathBuf::from);
    let home = env.var_os("HOME").map(std::path::PathBuf::from);
    Target::default_sqlite(xdg.as_deref(), home.as_deref())
        .ok_or_else(|| "no history location: give --history or set RCA_HISTORY".to_string())
}

/// `rca record REPORT...`.
pub(super) fn record(mut args: RecordArgs, cfg: &Config) -> Result<i32, String> {
    args.meta.store.configured = cfg.settings.history.clone();
    let checked = check(&args.meta)?;
    if args.reports.len() > 1 && (args.meta.run_id.is_some() || args.meta.report_url.is_some()) {
        return Err("--run-id and --report-url apply to one report; give one report".to_string());
    }
    if args.reports.iter().filter(|r| *r == "-").count() > 1 {
        return Err("standard input (-) can be given only once".to_string());
    }
    let mut docs = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        docs.push((path, read_report(path)?));
    }
    let (mut history, target) = open_write(&args.meta.store)?;
    let quiet = docs.len() > 20; // a bulk import says one line at the end instead
    let mut tally = [0usize; 3];
    for (path, doc) in docs {
        let file = (path != "-").then_some(path.as_str());
        let outcome = store_report(&mut history, doc, &checked.for_report(file), file)?;
        tally[outcome.recorded as usize] += 1;
        if !quiet {
            eprintln!("rca: {}", outcome.message(&target));
        }
    }
    if quiet {
        eprintln!("rca: {}", tally_line(&tally, &target));
    }
    Ok(super::EXIT_OK)
}

/// "recorded 998 reports in STORE (2 already there, not recorded again: --replace ...)".
fn tally_line(tally: &[usize; 3], target: &Target) -> String {
    let (added, replaced, skipped) = (
        tally[Recorded::Added as usize],
        tally[Recorded::Replaced as usize],
        tally[Recorded::Skipped as usize],
    );
    let mut s = format!("recorded {added} reports in {}", target.describe());
    if replaced > 0 {
        s.push_str(&format!(", replaced {replaced}"));
    }
    if skipped > 0 {
        s.push_str(&format!(
            " ({skipped} already there, not recorded again: --replace replaces them)"
        ));
    }
    s
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
        ..RunFilter::default()
    })
}

/// Runs a trend shows unless told otherwise.
const DEFAULT_TREND_RUNS: usize = 30;

/// The ids of the signatures that could have fired: built-in and `--rules`.
fn catalogue(sigs: &SignatureSet) -> Vec<String> {
    sigs.signatures()
        .iter()
        .map(|s| s.spec.id.clone())
        .collect()
}

/// `rca trend`.
pub(super) fn trend(mut args: TrendArgs, cfg: &Config) -> Result<i32, String> {
    args.store.configured = cfg.settings.history.clone();
    if args.rules.is_none() {
        args.rules = cfg.settings.rules.clone();
    }
    let filter = filter(&args.window, Some(DEFAULT_TREND_RUNS))?;
    let (format, to_terminal) =
        choose_format(args.format.map(Format::from), args.output.as_deref())?;
    let sigs = super::load_signatures(args.rules.as_deref())?;
    let (mut history, _) = open_read(&args.store)?;
    let mut runs = history.load(&filter).map_err(|e| format!("history: {e}"))?;
    super::recording::redact_runs(&mut runs);
    let selection = crate::history::trend::Selection {
        since: args.window.since.clone(),
        last: filter.last,
        labels: filter.labels.clone(),
    };
    let trend = crate::history::trend::compute(&runs, selection, &catalogue(&sigs));
    let title = args.title.as_deref();
    let text = match format {
        Format::Json => report::trend::json(&trend),
        // Piped, the trend's tables keep their 160-column layout.
        Format::Text => report::trend::text(&trend, terminal_width(to_terminal).or(Some(160))),
        Format::Md => report::trend::markdown(&trend, title),
        Format::Html => report::trend::html(&trend, title),
    };
    write_output(args.output.as_deref(), &text)?;
    Ok(super::EXIT_OK)
}

/// `rca signatures --history URL`: what each signature fired on over the window.
pub(super) fn signature_trend(
    url: &str,
    window: &WindowArgs,
    sigs: &SignatureSet,
) -> Result<crate::history::trend::signals::SignatureTrend, String> {
    let filter = filter(window, Some(DEFAULT_TREND_RUNS))?;
    let store = StoreArgs {
        history: Some(url.to_string()),
        configured: None,
    };
    let (mut history, _) = open_read(&store)?;
    let runs = history.load(&filter).map_err(|e| format!("history: {e}"))?;
    Ok(crate::history::trend::signals::signature_trend(
        &runs,
        &catalogue(sigs),
    ))
}

/// `rca history ...`.
pub(super) fn history(cmd: HistoryCommand, cfg: &Config) -> Result<i32, String> {
    let configured = cfg.settings.history.clone();
    match cmd {
        HistoryCommand::List(mut args) => {
            args.store.configured = configured;
            list(args)
        }
        HistoryCommand::Prune(mut args) => {
            args.store.configured = configured;
            prune(args)
        }
    }
}

fn list(args: ListArgs) -> Result<i32, String> {
    let filter = filter(&args.window, None)?;
    let (mut history, _) = open_read(&args.store)?;
    let runs = history.list(&filter).map_err(|e| format!("history: {e}"))?;
    let text = match args.format {
        ListFormat::Json => report::trend::list_json(&runs),
        ListFormat::Text => report::trend::list_text(&runs),
    };
    write_output(None, &text)?;
    Ok(super::EXIT_OK)
}

fn prune(args: PruneArgs) -> Result<i32, String> {
    let age = parse_duration(&args.older_than).map_err(|e| format!("--older-than: {e}"))?;
    // Pruning a store that is not there would create an empty one to delete nothing from.
    drop(open_read(&args.store)?);
    let (mut history, target) = open_write(&args.store)?;
    let before = crate::history::unix_now() - age;
    let n = history.prune(before).map_err(|e| format!("history: {e}"))?;
    eprintln!(
        "rca: pruned {n} run(s) older than {} from {}",
        crate::history::trend::rfc3339(before),
        target.describe()
    );
    Ok(super::EXIT_OK)
}
