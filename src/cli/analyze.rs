//! `rca analyze`: its arguments, the project file's defaults folded in ([`super::config`]),
//! the checks made before any work (format and `-o` extension, `--fail-on`, history
//! options, probe options), the analysis with its progress line, the report in the chosen
//! format and colour, and the exit code with the line that explains a `--fail-on` hit. It
//! does not analyse or print anything itself: the pipeline is [`crate::run`]'s, the history
//! and baseline steps are [`super::recording`]'s and [`super::baseline_run`]'s, and each
//! format's printer is [`crate::report`]'s.

use super::color::{self, ColorWhen};
use super::config::Config;
use super::output::{Format, choose_format, stream_output, terminal_width, write_output};
use super::{EXIT_FOUND, EXIT_OK, ProbeLimits, history, recording};
use crate::model::Category;
use crate::report;
use crate::report::Report;
use crate::run::{self, Options};
use std::io::{IsTerminal, Write};

pub(super) const ANALYZE_EXAMPLES: &str = "\
Examples:
  rca analyze run.log                      the report as tables (also on a pipe)
  rca analyze run.log --format json -o rca.json
  rca analyze run.log -o rca.md --title \"Nightly load run\"   Markdown RCA report
  rca analyze run.log -o rca.html                  self-contained HTML report
  rca analyze run.log -o rca.html --lang he        the report in Hebrew (right-to-left)
  rca analyze run.log --format md --github-summary   also append it to $GITHUB_STEP_SUMMARY
  rca analyze run.log.gz junit.xml         merge a console log with its JUnit XML
  pytest -v 2>&1 | rca analyze             read standard input (or name it: -)
  rca analyze run.log --fail-on connect_timeout,dns_failure   exit 1 if any are found
  rca analyze run.log --rules team-rules.toml
  rca analyze run.log --probe -o rca.md    re-probe the servers the root causes name
  rca analyze run.log --probe --probe-map https://10.10.10.100:443=https://staging.internal
  rca analyze run.log --probe --ramp 1,2,5,10,20,50 --rate 500
                                           the re-probe's knee beside the log's capacity knee
  rca analyze run.log --record --label branch=main   also store the run in the history
  rca analyze run.log --history h.sqlite   new / recurring / regressed against the history
  rca analyze run.log --baseline good.log  compare with a passing run of the same suite
  rca analyze run.log --baseline history:last-pass   ... with the newest passing run recorded
  rca analyze run.log --source .           point root causes and fixes at the client code

Defaults for --rules, --history, --label, --probe-map, --health-path, --lang and --fail-on
can come from rca.toml (see `rca config --help`).
Exit codes: 0 analysed, 1 --fail-on matched, 2 usage or input error.";

#[derive(Debug, clap::Args)]
pub(super) struct AnalyzeArgs {
    /// Log files (`-` for standard input, also read when no FILE is given and standard
    /// input is not a terminal); console logs and JUnit XML of the same run.
    #[arg(value_name = "FILE")]
    files: Vec<String>,
    /// Output format [default: from the -o extension (.txt, .json, .md, .html), else text].
    #[arg(short, long, value_enum)]
    format: Option<Format>,
    /// Report title (Markdown and HTML).
    #[arg(long, value_name = "TITLE")]
    title: Option<String>,
    /// Also append the Markdown report to the file named by $GITHUB_STEP_SUMMARY, when set.
    #[arg(long)]
    github_summary: bool,
    /// Language of the Markdown and HTML reports: en, or he (Hebrew, right-to-left)
    /// [default: en].
    #[arg(long, value_name = "LANG", value_parser = ["en", "he"])]
    lang: Option<String>,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<String>,
    /// Extra signatures from a TOML file (same format as `rca signatures --format toml`).
    #[arg(long, value_name = "FILE")]
    rules: Option<String>,
    /// The run's single-request baseline tests: a regex over node ids (default: test names
    /// with the words baseline, single or smoke, or a concurrency of 1).
    #[arg(long, value_name = "REGEX")]
    baseline_tests: Option<String>,
    /// Compare with a baseline run of the same suite (a passing or less failing run): its
    /// log, or a run of the history, `history:last-pass` (the newest run without failures)
    /// or `history:RUN_ID`. Not the same as --baseline-tests.
    #[arg(long, value_name = "LOG|history:ID")]
    baseline: Option<String>,
    /// Exit with code 1 when events of these categories are found (comma-separated ids, or `any`).
    #[arg(long, value_name = "CATEGORIES", value_delimiter = ',')]
    fail_on: Vec<String>,
    /// Do not redact secrets (tokens, passwords) in the output.
    #[arg(long)]
    no_redact: bool,
    /// Do not print warnings or the progress line on standard error.
    #[arg(short, long)]
    quiet: bool,
    /// Re-probe the servers named by the root causes (GET of --health-path on each
    /// scheme://host:port; printed on standard error first) and fold the result into the
    /// verdicts. Without it, rca sends no network traffic.
    #[arg(long, help_heading = "Probe")]
    probe: bool,
    /// Rewrite a logged base URL for the re-probe (repeatable), e.g.
    /// https://10.10.10.100:443=https://staging.internal.
    #[arg(
        long,
        value_name = "OLD=NEW",
        requires = "probe",
        help_heading = "Probe"
    )]
    probe_map: Vec<String>,
    /// Path requested on each server by --probe [default: /].
    #[arg(long, value_name = "PATH", requires = "probe", help_heading = "Probe")]
    health_path: Option<String>,
    #[command(flatten)]
    probe_limits: ProbeLimits,
    /// Read the Python code under test in DIR (never imported or run; .gitignore honoured,
    /// virtualenvs and site-packages skipped) for its HTTP client configuration, and point
    /// each root cause and recommendation at the file and line that explain it.
    #[arg(long, value_name = "DIR")]
    source: Option<std::path::PathBuf>,
    /// Read buffer size in bytes (for testing).
    #[arg(long, hide = true, default_value_t = crate::ingest::lines::DEFAULT_CHUNK)]
    buffer_size: usize,
    #[command(flatten)]
    history: history::AnalyzeRecord,
}

impl AnalyzeArgs {
    /// Folds in the project file: a flag given wins; labels merge key by key.
    fn with_config(mut self, cfg: &Config) -> AnalyzeArgs {
        let s = &cfg.settings;
        if self.rules.is_none() {
            self.rules = s.rules.clone();
        }
        if self.lang.is_none() {
            self.lang = s.lang.clone();
        }
        if self.health_path.is_none() {
            self.health_path = s.health_path.clone();
        }
        if self.probe_map.is_empty() {
            self.probe_map = s.probe_map.clone();
        }
        if self.fail_on.is_empty() {
            self.fail_on = s.fail_on.clone();
        }
        let h = &mut self.history;
        h.meta.store.configured = s.history.clone();
        if h.record || h.meta.store.history.is_some() {
            h.meta.labels = cfg.labels_beside(&h.meta.labels);
        }
        self
    }
}

/// The inputs: as given, else standard input when it is not a terminal.
fn inputs(files: Vec<String>) -> Result<Vec<String>, String> {
    if !files.is_empty() {
        if files.iter().filter(|f| *f == "-").count() > 1 {
            return Err("standard input (-) can be given only once".to_string());
        }
        return Ok(files);
    }
    if std::io::stdin().is_terminal() {
        return Err(
            "no FILE given and standard input is a terminal: name a log file, or pipe one in \
             (`pytest 2>&1 | rca analyze`)"
                .to_string(),
        );
    }
    Ok(vec!["-".to_string()])
}

/// `rca analyze`.
pub(super) fn analyze(args: AnalyzeArgs, cfg: &Config, color: ColorWhen) -> Result<i32, String> {
    let args = args.with_config(cfg);
    let (format, to_terminal) = choose_format(args.format, args.output.as_deref())?;
    let fail_on = super::parse_fail_on(&args.fail_on)?;
    let history_plan = recording::plan(&args.history, args.output.as_deref())?;
    let files = inputs(args.files.clone())?;
    let sigs = super::load_signatures(args.rules.as_deref())?;
    let baseline_run = args
        .baseline
        .as_deref()
        .map(super::baseline_run::Source::parse)
        .transpose()?;
    let opts = options(&args, baseline_run.as_ref())?;
    let health_path = args.health_path.clone().unwrap_or_else(|| "/".to_string());
    let probe_setup = if args.probe {
        Some(probe_setup(&args, &health_path)?)
    } else {
        None
    };
    if let Some(dir) = &args.source {
        crate::source::walk::check_dir(dir)?;
    }
    let progress = super::progress::Progress::new(args.quiet);
    let mut analysis =
        run::analyze_observed(&files, &sigs, &opts, &progress).map_err(|e| e.to_string())?;
    if let Some(b) = &baseline_run {
        super::baseline_run::apply(&mut analysis, b, &sigs, &opts, &args.history.meta.store)?;
    }
    if let Some(dir) = &args.source {
        add_source(&mut analysis, dir, &opts)?;
    }
    if let Some((cfg, maps)) = probe_setup {
        reprobe(&mut analysis, &cfg, &maps, &health_path, args.quiet)?;
    }
    let mut history = history_plan.open(&mut analysis, args.quiet)?;
    history.compare(&mut analysis, &files)?;
    print_report(&analysis, &args, format, to_terminal, color)?;
    history.record(&analysis, &files, args.quiet)?;
    if !args.quiet {
        for w in &analysis.facts.warnings {
            eprintln!("rca: warning: {}", report::safe::visible(w));
        }
    }
    let code = match fail_on_hits(&analysis, &fail_on) {
        Some(line) => {
            eprintln!("rca: --fail-on: {line}");
            EXIT_FOUND
        }
        None => EXIT_OK,
    };
    // The process ends next: freeing an event-dense report's tens of thousands of strings
    // one at a time would be work for nothing (the history and the output are written).
    std::mem::forget(analysis);
    Ok(code)
}

/// The pipeline's options from the arguments.
fn options(
    args: &AnalyzeArgs,
    baseline_run: Option<&super::baseline_run::Source>,
) -> Result<Options, String> {
    Ok(Options {
        chunk: args.buffer_size.max(1),
        redact: !args.no_redact,
        redact_key: super::redact_key(),
        baseline: match &args.baseline_tests {
            Some(p) => crate::diagnose::baseline::BaselineRule::from_pattern(p)?,
            None => Default::default(),
        },
        profile: baseline_run.is_some_and(|b| b.is_log()),
        ..Options::default()
    })
}

/// `--source DIR`: the code under test scanned and linked to the diagnosis.
fn add_source(analysis: &mut Report, dir: &std::path::Path, opts: &Options) -> Result<(), String> {
    let scan = crate::source::scan(dir)?;
    for note in &scan.skipped {
        analysis.facts.warnings.push(format!("--source: {note}"));
    }
    let redactor = crate::redact::Redactor::new(opts.redact, opts.redact_key);
    analysis.source = Some(crate::source::link::apply(
        &mut analysis.diagnosis,
        scan,
        redactor,
    ));
    Ok(())
}

/// Prints the report in `format` where `-o` says (JSON streamed), and appends the Markdown
/// report to the GitHub step summary with `--github-summary`.
fn print_report(
    analysis: &Report,
    args: &AnalyzeArgs,
    format: Format,
    to_terminal: bool,
    color: ColorWhen,
) -> Result<(), String> {
    let report_opts = report::view::ReportOptions {
        title: args.title.clone(),
        lang: crate::report::i18n::Lang::parse(args.lang.as_deref().unwrap_or("en"))
            .unwrap_or_default(),
    };
    let rendered = match format {
        // Streamed below: a large report is never held as one string.
        Format::Json => String::new(),
        Format::Text => {
            let opts = report::text::TextOptions {
                width: terminal_width(to_terminal),
                paint: report::paint::Paint::new(color::from_env(color, to_terminal)),
            };
            report::text::render_with(analysis, &opts)
        }
        Format::Md => report::markdown::render(analysis, &report_opts),
        Format::Html => report::html::render(analysis, &report_opts),
    };
    if format == Format::Json {
        stream_output(args.output.as_deref(), |w| report::json::write(analysis, w))?;
    } else {
        write_output(args.output.as_deref(), &rendered)?;
    }
    if args.github_summary
        && let Some(path) = super::env::read()
            .var_os("GITHUB_STEP_SUMMARY")
            .filter(|p| !p.is_empty())
    {
        let md = match format {
            Format::Md => rendered,
            _ => report::markdown::render(analysis, &report_opts),
        };
        append_file(std::path::Path::new(&path), &md)?;
    }
    Ok(())
}

/// What `--fail-on` found, `connect_timeout (282 events in 12 tests), ...`, or nothing.
fn fail_on_hits(a: &Report, fail_on: &[Category]) -> Option<String> {
    let hits: Vec<String> = a
        .facts
        .categories
        .iter()
        .filter(|c| fail_on.contains(&c.id))
        .map(|c| {
            let tests = match c.tests {
                0 => "outside any test".to_string(),
                1 => "in 1 test".to_string(),
                n => format!("in {n} tests"),
            };
            format!("{} ({} events {tests})", c.id.id(), c.events)
        })
        .collect();
    (!hits.is_empty()).then(|| hits.join(", "))
}

type ProbeSetup = (
    crate::probe::ProbeConfig,
    Vec<crate::probe::targets::ProbeMap>,
);

/// Checks the re-probe options before the analysis.
fn probe_setup(args: &AnalyzeArgs, health_path: &str) -> Result<ProbeSetup, String> {
    let maps = args
        .probe_map
        .iter()
        .map(|m| crate::probe::targets::ProbeMap::parse(m))
        .collect::<Result<Vec<_>, _>>()?;
    let probe_url = crate::probe::targets::join("http://127.0.0.1", health_path);
    crate::probe::validate_url(&probe_url)
        .map_err(|_| format!("--health-path {health_path:?}: not a valid URL path"))?;
    Ok((args.probe_limits.config("get")?, maps))
}

/// `rca analyze --probe`: names the targets on standard error, probes them and folds the
/// result into the analysis.
fn reprobe(
    analysis: &mut Report,
    cfg: &crate::probe::ProbeConfig,
    maps: &[crate::probe::targets::ProbeMap],
    health_path: &str,
    quiet: bool,
) -> Result<(), String> {
    use crate::probe::targets::{join, targets};
    let found = targets(&analysis.diagnosis, maps);
    if found.is_empty() {
        analysis
            .facts
            .warnings
            .push("--probe: no root cause names a server to probe".to_string());
        return Ok(());
    }
    // A target the log names oddly must not stop the others from being probed.
    let mut found = found;
    found.retain(|t| {
        let url = join(&t.base_url, health_path);
        match crate::probe::validate_url(&url) {
            Ok(()) => true,
            Err(e) => {
                analysis.facts.warnings.push(format!(
                    "--probe: {} skipped: {e}",
                    t.root_causes.join(", ")
                ));
                false
            }
        }
    });
    if found.is_empty() {
        return Ok(());
    }
    let urls: Vec<String> = found
        .iter()
        .map(|t| join(&t.base_url, health_path))
        .collect();
    if !quiet {
        for (t, u) in found.iter().zip(&urls) {
            eprintln!(
                "rca: probing {} ({})",
                report::safe::visible(u),
                t.root_causes.join(", ")
            );
        }
    }
    let reports = crate::probe::probe_all(&urls, cfg)?;
    analysis.reprobe = Some(crate::probe::fold::apply(
        &mut analysis.facts,
        &mut analysis.diagnosis,
        health_path,
        found.into_iter().zip(reports).collect(),
    ));
    Ok(())
}

fn append_file(path: &std::path::Path, text: &str) -> Result<(), String> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("{}: cannot open step summary: {e}", path.display()))?;
    f.write_all(text.as_bytes())
        .map_err(|e| format!("{}: cannot write step summary: {e}", path.display()))
}
