//! Command-line interface: argument definitions (clap derive) and dispatch to the library.
//! Exit codes: 0 analysed, 1 `--fail-on` matched, 2 usage or input error.

use crate::model::Category;
use crate::render;
use crate::run::{self, Options};
use crate::signatures::SignatureSet;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};

mod history;
mod parse;
mod recording;

/// Exit code: analysis done, nothing matched `--fail-on`.
pub const EXIT_OK: i32 = 0;
/// Exit code: `--fail-on` categories were found.
pub const EXIT_FOUND: i32 = 1;
/// Exit code: usage or input error.
pub const EXIT_ERROR: i32 = 2;

const ANALYZE_EXAMPLES: &str = "\
Examples:
  rca analyze run.log                      table summary on a terminal
  rca analyze run.log --format json -o rca.json
  rca analyze run.log -o rca.md --title \"Nightly load run\"   Markdown RCA report
  rca analyze run.log -o rca.html                  self-contained HTML report
  rca analyze run.log -o rca.html --lang he        the report in Hebrew (right-to-left)
  rca analyze run.log --format md --github-summary   also append it to $GITHUB_STEP_SUMMARY
  rca analyze run.log.gz junit.xml         merge a console log with its JUnit XML
  pytest -v 2>&1 | rca analyze -           read standard input
  rca analyze run.log --fail-on connect_timeout,dns_failure   exit 1 if any are found
  rca analyze run.log --rules team-rules.toml
  rca analyze run.log --probe -o rca.md    re-probe the servers the root causes name
  rca analyze run.log --probe --probe-map https://10.10.10.100:443=https://staging.internal
  rca analyze run.log --record --label branch=main   also store the run in the history
  rca analyze run.log --history h.sqlite   new / recurring / regressed against the history

Exit codes: 0 analysed, 1 --fail-on matched, 2 usage or input error.";

/// Turns a failed pytest/HTTP-client CI run log into a root-cause analysis.
#[derive(Debug, Parser)]
#[command(name = "rca", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read pytest console logs (plain or gzip) and/or JUnit XML, classify HTTP-client
    /// failures and attribute them to tests.
    #[command(after_help = ANALYZE_EXAMPLES)]
    Analyze(Box<AnalyzeArgs>),
    /// List the failure signatures (built-in and from --rules).
    #[command(
        after_help = "Examples:\n  rca signatures\n  rca signatures --format json\n  rca signatures --rules team-rules.toml\n  rca signatures --rules team-rules.toml --history h.sqlite   precision from the recorded runs"
    )]
    Signatures(SignaturesArgs),
    /// Re-probe servers safely (GET/HEAD only, capped, rate-limited, circuit breaker):
    /// healthy, degraded or down, and with --ramp where they stop keeping up.
    #[command(after_help = PROBE_EXAMPLES)]
    Probe(ProbeArgs),
    /// Store saved JSON reports (`rca analyze --format json`) in the run history.
    #[command(after_help = history::RECORD_EXAMPLES)]
    Record(history::RecordArgs),
    /// Trend over recorded runs: pass rates, categories, new/still failing, fixed and flaky
    /// tests, new/recurring/resolved root causes.
    #[command(after_help = history::TREND_EXAMPLES)]
    Trend(history::TrendArgs),
    /// List or prune the recorded runs.
    #[command(subcommand, after_help = history::HISTORY_EXAMPLES)]
    History(history::HistoryCommand),
}

const PROBE_EXAMPLES: &str = "\
Examples:
  rca probe https://staging.example/health          a few GETs: healthy, degraded or down
  rca probe http://127.0.0.1:8080/ --ramp 1,2,5,10,20,50 --requests 40 --rate 100
  rca probe https://a.example/ https://b.example/ --format json -o probe.json
  rca probe https://self-signed.internal/ --insecure --method head

Bounds: at most --max-requests attempts and --max-time in total, --rate attempts/s; the
circuit breaker (5 failures in a row, or >= 50% of >= 10 calls) ends a target's probe, so
a dead server sees about five attempts. Ramp steps are single attempts (no retries).
Exit codes: 0 probed (no target down), 1 a target is down, 2 usage error.";

/// Bounds and shape of a probe, shared by `rca probe` and `rca analyze --probe`.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Probe")]
struct ProbeLimits {
    /// Concurrency steps of a load ramp, e.g. 1,2,5,10,20,50 (none: health probe only).
    #[arg(long, value_name = "STEPS", value_delimiter = ',')]
    ramp: Vec<u32>,
    /// Attempts per ramp step.
    #[arg(long, value_name = "N", default_value_t = 20)]
    requests: u32,
    /// Health requests per target.
    #[arg(long, value_name = "N", default_value_t = 5)]
    health_requests: u32,
    /// Attempts sent in total, all targets and retries included.
    #[arg(long, value_name = "N", default_value_t = 300)]
    max_requests: u64,
    /// Wall time for the whole probe (e.g. 60s, 2m, 500ms).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    max_time: std::time::Duration,
    /// Attempts per second per target.
    #[arg(long, value_name = "PER_SECOND", default_value_t = 20.0)]
    rate: f64,
    /// Connect timeout (DNS, TCP and TLS).
    #[arg(long, value_name = "DURATION", default_value = "3s", value_parser = parse_duration)]
    connect_timeout: std::time::Duration,
    /// Read timeout.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    read_timeout: std::time::Duration,
    /// Do not verify TLS certificates.
    #[arg(long)]
    insecure: bool,
}

#[derive(Debug, clap::Args)]
struct ProbeArgs {
    /// URLs to probe (http:// or https://); the path is what is requested.
    #[arg(required = true, value_name = "URL")]
    urls: Vec<String>,
    /// Request method: get or head.
    #[arg(long, value_name = "METHOD", default_value = "get", value_parser = ["get", "head", "GET", "HEAD"])]
    method: String,
    /// Output format [default: text on a terminal, json otherwise].
    #[arg(short, long, value_enum)]
    format: Option<ProbeFormat>,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<String>,
    #[command(flatten)]
    limits: ProbeLimits,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ProbeFormat {
    Text,
    Json,
}

/// `90`, `90s`, `1500ms`, `2m`.
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("{s:?}: expected a duration like 60s, 500ms or 2m"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("{s:?}: unknown unit (use ms, s, m or h)")),
    };
    if !(secs > 0.0 && secs.is_finite()) {
        return Err(format!("{s:?}: must be positive"));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

impl ProbeLimits {
    fn config(&self, method: &str) -> Result<crate::probe::ProbeConfig, String> {
        if self.ramp.contains(&0) {
            return Err("--ramp: concurrency steps must be at least 1".to_string());
        }
        if self.ramp.iter().any(|c| *c > 1000) {
            return Err("--ramp: concurrency steps above 1000 are refused".to_string());
        }
        if !(self.rate > 0.0 && self.rate.is_finite()) {
            return Err("--rate must be a positive number of attempts per second".to_string());
        }
        Ok(crate::probe::ProbeConfig {
            health_requests: self.health_requests.max(1),
            ramp: self.ramp.clone(),
            requests_per_step: self.requests.max(1),
            max_requests: self.max_requests,
            max_time: self.max_time,
            rate: self.rate,
            method: if method.eq_ignore_ascii_case("head") {
                ureq::http::Method::HEAD
            } else {
                ureq::http::Method::GET
            },
            insecure: self.insecure,
            connect_timeout: self.connect_timeout,
            read_timeout: self.read_timeout,
            ..crate::probe::ProbeConfig::default()
        })
    }
}

#[derive(Debug, clap::Args)]
struct AnalyzeArgs {
    /// Log files (`-` for standard input); console logs and JUnit XML of the same run.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Output format [default: from the -o extension (.md, .html, .json, .txt), else text on a
    /// terminal and json otherwise].
    #[arg(short, long, value_enum)]
    format: Option<Format>,
    /// Report title (Markdown).
    #[arg(long, value_name = "TITLE")]
    title: Option<String>,
    /// Also append the Markdown report to the file named by $GITHUB_STEP_SUMMARY, when set.
    #[arg(long)]
    github_summary: bool,
    /// Language of the Markdown and HTML reports: en, or he (Hebrew, right-to-left).
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = ["en", "he"])]
    lang: String,
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
    /// Exit with code 1 when events of these categories are found (comma-separated ids, or `any`).
    #[arg(long, value_name = "CATEGORIES", value_delimiter = ',')]
    fail_on: Vec<String>,
    /// Do not redact secrets (tokens, passwords) in the output.
    #[arg(long)]
    no_redact: bool,
    /// Do not print warnings on standard error.
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
    /// Path requested on each server by --probe.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "/",
        requires = "probe",
        help_heading = "Probe"
    )]
    health_path: String,
    #[command(flatten)]
    probe_limits: ProbeLimits,
    /// Read buffer size in bytes (for testing).
    #[arg(long, hide = true, default_value_t = crate::lines::DEFAULT_CHUNK)]
    buffer_size: usize,
    #[command(flatten)]
    history: history::AnalyzeRecord,
}

#[derive(Debug, clap::Args)]
struct SignaturesArgs {
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = SigFormat::Text)]
    format: SigFormat,
    /// Also load signatures from this TOML file.
    #[arg(long, value_name = "FILE")]
    rules: Option<String>,
    /// Only check the --rules file: every rule's `match` and `no_match` examples against
    /// the whole set; print each failure and exit 1 if any fails (for a team's CI).
    #[arg(long, requires = "rules")]
    check: bool,
    /// Show what each signature fired on in the runs recorded in this history: runs,
    /// events, tests that passed and failed, precision (text and json).
    #[arg(long, value_name = "URL")]
    history: Option<String>,
    #[command(flatten)]
    window: history::WindowArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    /// Markdown report (root causes, recommendations, timeline, evidence).
    Md,
    /// Self-contained HTML report (the Markdown report's content, inline CSS and SVG).
    Html,
}

/// The format an output file's extension asks for.
fn format_from_extension(path: &str) -> Result<Option<Format>, String> {
    // Result kept for extensions that may need refusing in future formats.
    let ext = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("json") => Ok(Some(Format::Json)),
        Some("md") | Some("markdown") => Ok(Some(Format::Md)),
        Some("txt") | Some("text") => Ok(Some(Format::Text)),
        Some("html") | Some("htm") => Ok(Some(Format::Html)),
        _ => Ok(None),
    }
}

/// The output format: `--format`, else the `-o` file's extension, else text on a terminal
/// and JSON otherwise; with whether the output goes to a terminal.
fn choose_format(format: Option<Format>, output: Option<&str>) -> Result<(Format, bool), String> {
    let to_terminal = output.is_none() && std::io::stdout().is_terminal();
    let from_extension = match (format, output) {
        (None, Some(path)) => format_from_extension(path)?,
        _ => None,
    };
    let fallback = if to_terminal {
        Format::Text
    } else {
        Format::Json
    };
    Ok((format.or(from_extension).unwrap_or(fallback), to_terminal))
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SigFormat {
    Text,
    Json,
    Toml,
}

/// Parses arguments, runs the command and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Analyze(args) => analyze(*args),
        Command::Signatures(args) => signatures(args),
        Command::Probe(args) => probe(args),
        Command::Record(args) => history::record(args),
        Command::Trend(args) => history::trend(args),
        Command::History(cmd) => history::history(cmd),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("rca: {}", render::safe::visible(&msg));
            EXIT_ERROR
        }
    }
}

fn load_signatures(rules: Option<&str>) -> Result<SignatureSet, String> {
    match rules {
        None => Ok(SignatureSet::builtin()),
        Some(path) => {
            let text = read_rules(path)?;
            SignatureSet::with_rules(&text, path).map_err(|e| e.to_string())
        }
    }
}

/// The key secrets are masked with: `RCA_REDACT_KEY`, else the built-in one.
fn redact_key() -> crate::redact::Key {
    crate::redact::Key::from_env_value(std::env::var_os(crate::redact::KEY_ENV).as_deref())
}

/// The redactor of what the history stores and prints (always on).
fn redactor() -> crate::redact::Redactor {
    crate::redact::Redactor::new(true, redact_key())
}

/// `rca signatures --rules FILE --check`: every failing example on its own line.
fn check_rules(path: &str) -> Result<i32, String> {
    let text = read_rules(path)?;
    let sigs = SignatureSet::with_rules_unchecked(&text, path).map_err(|e| e.to_string())?;
    let failures = sigs.check_examples_from(path);
    let rules: Vec<_> = sigs
        .signatures()
        .iter()
        .filter(|s| s.spec.source == path)
        .collect();
    let examples: usize = rules
        .iter()
        .map(|s| s.spec.match_examples.len() + s.spec.no_match.len())
        .sum();
    for f in &failures {
        eprintln!("rca: {path}: {f}");
    }
    let verdict = if failures.is_empty() {
        "all hold".to_string()
    } else {
        format!("{} failed", failures.len())
    };
    write_output(
        None,
        &format!(
            "{path}: {} rule(s), {examples} example(s) checked: {verdict}\n",
            rules.len()
        ),
    )?;
    Ok(if failures.is_empty() { EXIT_OK } else { 1 })
}

fn read_rules(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| {
        let kind = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            _ => e.to_string(),
        };
        format!("{path}: cannot read rules: {kind}")
    })
}

fn parse_fail_on(items: &[String]) -> Result<Vec<Category>, String> {
    let mut out = Vec::new();
    for item in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if item == "any" {
            return Ok(Category::ALL.to_vec());
        }
        match Category::from_id(item) {
            Some(c) => out.push(c),
            None => {
                return Err(format!(
                    "--fail-on: unknown category '{item}' (known: any, {})",
                    Category::ALL.map(|c| c.id()).join(", ")
                ));
            }
        }
    }
    Ok(out)
}

fn analyze(args: AnalyzeArgs) -> Result<i32, String> {
    let fail_on = parse_fail_on(&args.fail_on)?;
    let history_plan = recording::plan(&args.history, args.output.as_deref())?;
    let stdin_count = args.files.iter().filter(|f| *f == "-").count();
    if stdin_count > 1 {
        return Err("standard input (-) can be given only once".to_string());
    }
    let sigs = load_signatures(args.rules.as_deref())?;
    let opts = Options {
        chunk: args.buffer_size.max(1),
        redact: !args.no_redact,
        redact_key: redact_key(),
        baseline: match &args.baseline_tests {
            Some(p) => crate::baseline::BaselineRule::from_pattern(p)?,
            None => Default::default(),
        },
    };
    let probe_setup = if args.probe {
        let maps = args
            .probe_map
            .iter()
            .map(|m| crate::probe::targets::ProbeMap::parse(m))
            .collect::<Result<Vec<_>, _>>()?;
        let probe_url = crate::probe::targets::join("http://127.0.0.1", &args.health_path);
        crate::probe::validate_url(&probe_url)
            .map_err(|_| format!("--health-path {:?}: not a valid URL path", args.health_path))?;
        Some((args.probe_limits.config("get")?, maps))
    } else {
        None
    };
    let mut analysis = run::analyze(&args.files, &sigs, &opts).map_err(|e| e.to_string())?;
    if let Some((cfg, maps)) = probe_setup {
        reprobe(&mut analysis, &cfg, &maps, &args.health_path, args.quiet)?;
    }
    let mut history = history_plan.open(&mut analysis, args.quiet)?;
    history.compare(&mut analysis, &args.files)?;
    let (format, to_terminal) = choose_format(args.format, args.output.as_deref())?;
    let report_opts = render::view::ReportOptions {
        title: args.title.clone(),
        lang: crate::i18n::Lang::parse(&args.lang).unwrap_or_default(),
    };
    let rendered = match format {
        Format::Json => render::json::render(&analysis),
        Format::Text => render::text::render(&analysis, terminal_width(to_terminal)),
        Format::Md => render::markdown::render(&analysis, &report_opts),
        Format::Html => render::html::render(&analysis, &report_opts),
    };
    write_output(args.output.as_deref(), &rendered)?;
    if args.github_summary
        && let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty())
    {
        let md = match format {
            Format::Md => rendered.clone(),
            _ => render::markdown::render(&analysis, &report_opts),
        };
        append_file(std::path::Path::new(&path), &md)?;
    }
    history.record(&analysis, &args.files, args.quiet)?;
    if !args.quiet {
        for w in &analysis.warnings {
            eprintln!("rca: warning: {}", render::safe::visible(w));
        }
    }
    let found = analysis.categories_present().any(|c| fail_on.contains(&c));
    Ok(if found { EXIT_FOUND } else { EXIT_OK })
}

/// `rca analyze --probe`: names the targets on standard error, probes them and folds the
/// result into the analysis.
fn reprobe(
    analysis: &mut crate::analysis::Analysis,
    cfg: &crate::probe::ProbeConfig,
    maps: &[crate::probe::targets::ProbeMap],
    health_path: &str,
    quiet: bool,
) -> Result<(), String> {
    use crate::probe::targets::{join, targets};
    let found = targets(analysis, maps);
    if found.is_empty() {
        analysis
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
                analysis.warnings.push(format!(
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
                render::safe::visible(u),
                t.root_causes.join(", ")
            );
        }
    }
    let reports = crate::probe::probe_all(&urls, cfg)?;
    crate::probe::fold::apply(
        analysis,
        health_path,
        found.into_iter().zip(reports).collect(),
    );
    Ok(())
}

fn probe(args: ProbeArgs) -> Result<i32, String> {
    let cfg = args.limits.config(&args.method)?;
    let reports = crate::probe::probe_all(&args.urls, &cfg)?;
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(match args.output.as_deref() {
        Some(p) if p.ends_with(".json") => ProbeFormat::Json,
        Some(_) => ProbeFormat::Text,
        None if to_terminal => ProbeFormat::Text,
        None => ProbeFormat::Json,
    });
    let rendered = match format {
        ProbeFormat::Json => render::probe::json(&reports, &cfg),
        ProbeFormat::Text => render::probe::text(&reports, &cfg, terminal_width(to_terminal)),
    };
    write_output(args.output.as_deref(), &rendered)?;
    let down = reports
        .iter()
        .any(|r| r.verdict == crate::probe::stats::Health::Down);
    Ok(if down { EXIT_FOUND } else { EXIT_OK })
}

fn terminal_width(to_terminal: bool) -> Option<u16> {
    if to_terminal {
        None // comfy-table detects the terminal width itself
    } else {
        Some(160)
    }
}

fn write_output(path: Option<&str>, text: &str) -> Result<(), String> {
    match path {
        None | Some("-") => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                // A closed pipe (`rca ... | head`) is not an error worth reporting.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write output: {e}")),
            }
        }
        Some(p) => std::fs::write(p, text).map_err(|e| format!("{p}: cannot write report: {e}")),
    }
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

fn signatures(args: SignaturesArgs) -> Result<i32, String> {
    if args.check {
        return check_rules(args.rules.as_deref().unwrap_or_default());
    }
    let sigs = load_signatures(args.rules.as_deref())?;
    if let Some(url) = &args.history {
        let trend = history::signature_trend(url, &args.window, &sigs)?;
        let text = match args.format {
            SigFormat::Json => render::signals::json(&sigs, &trend),
            SigFormat::Text => render::signals::text(&sigs, &trend),
            SigFormat::Toml => {
                return Err(
                    "--history: use --format text or json (toml is the rules format)".into(),
                );
            }
        };
        write_output(None, &text)?;
        return Ok(EXIT_OK);
    }
    if args.window.given() {
        return Err("--since, --last and --label need --history".to_string());
    }
    let text = match args.format {
        SigFormat::Json => {
            let specs: Vec<_> = sigs.signatures().iter().map(|s| &s.spec).collect();
            let mut s = serde_json::to_string_pretty(&specs).map_err(|e| e.to_string())?;
            s.push('\n');
            s
        }
        SigFormat::Toml => {
            #[derive(serde::Serialize)]
            struct File<'a> {
                signature: Vec<&'a crate::signatures::SignatureSpec>,
            }
            let specs = File {
                signature: sigs.signatures().iter().map(|s| &s.spec).collect(),
            };
            toml::to_string(&specs).map_err(|e| e.to_string())?
        }
        SigFormat::Text => {
            let mut t = comfy_table::Table::new();
            t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
            t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
            t.set_header(vec!["id", "category", "priority", "source", "description"]);
            for s in sigs.signatures() {
                t.add_row(vec![
                    s.spec.id.clone(),
                    s.category.id().to_string(),
                    s.spec.priority.to_string(),
                    s.spec.source.clone(),
                    s.spec.description.clone(),
                ]);
            }
            format!("{t}\n{} signatures\n", sigs.signatures().len())
        }
    };
    write_output(None, &text)?;
    Ok(EXIT_OK)
}
