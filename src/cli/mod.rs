//! Command-line interface: argument definitions (clap derive) and dispatch to the library,
//! one module per concern: `analyze`, `history`/`recording`/`parse` (the run history),
//! `output` (format and where it goes), `color`, `config` (`rca.toml`), `progress`,
//! `completions` (and the man page) and `schema`.
//! Exit codes: 0 analysed, 1 `--fail-on` matched, 2 usage or input error.
//!
//! It holds no analysis of its own: the pipeline is [`crate::run`]'s and every report is
//! printed by [`crate::report`].

use crate::model::Category;
use crate::parse::signatures::SignatureSet;
use crate::report;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;

mod analyze;
mod baseline_run;
mod color;
mod completions;
mod config;
mod env;
mod history;
mod output;
mod parse;
mod progress;
mod recording;
mod schema;

use output::{terminal_width, write_output};
pub use schema::analysis_schema;

/// Exit code: analysis done, nothing matched `--fail-on`.
pub const EXIT_OK: i32 = 0;
/// Exit code: `--fail-on` categories were found.
pub const EXIT_FOUND: i32 = 1;
/// Exit code: usage or input error.
pub const EXIT_ERROR: i32 = 2;

const TOP_EXAMPLES: &str = "\
Examples:
  rca analyze run.log                         the root causes, as tables
  pytest 2>&1 | tee run.log | rca analyze --fail-on any   CI: exit 1 on any failure
  rca analyze run.log junit.xml -o rca.html   a self-contained HTML report

Set up: `rca completions SHELL`, `rca man`, a project rca.toml (`rca config --help`).
Exit codes: 0 analysed, 1 --fail-on matched (or a probed target down), 2 usage or input error.";

/// Turns a failed pytest/HTTP-client CI run log into a root-cause analysis.
#[derive(Debug, Parser)]
#[command(
    name = "rca",
    version = env!("RCA_LONG_VERSION"),
    about,
    propagate_version = true,
    after_help = TOP_EXAMPLES
)]
pub struct Cli {
    /// When to colour text output (with auto, NO_COLOR and TERM=dumb turn it off and
    /// CLICOLOR_FORCE=1 turns it on).
    #[arg(long, value_enum, value_name = "WHEN", global = true, default_value_t = color::ColorWhen::Auto)]
    color: color::ColorWhen,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read pytest console logs (plain or gzip) and/or JUnit XML, classify HTTP-client
    /// failures and attribute them to tests.
    #[command(after_help = analyze::ANALYZE_EXAMPLES)]
    Analyze(Box<analyze::AnalyzeArgs>),
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
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff).
    Man(completions::ManArgs),
    /// Print the JSON Schema of the `rca analyze --format json` document.
    Schema(schema::SchemaArgs),
    /// Print the effective settings (rca.toml, environment, defaults) and where each came from.
    #[command(after_help = CONFIG_HELP)]
    Config(ConfigArgs),
}

const CONFIG_HELP: &str = "\
rca.toml, at $RCA_CONFIG or the first one from the current directory up to the git root:

  rules = \"ci/rca-rules.toml\"          # --rules (paths relative to the file)
  history = \"postgres://rca@db/rca\"    # the store (--history / RCA_HISTORY win)
  labels = { team = \"payments\" }       # --label, with --record or --history
  probe_map = [\"https://10.0.0.5:443=https://staging.internal\"]
  health_path = \"/health\"
  lang = \"en\"
  fail_on = [\"connect_timeout\", \"dns_failure\"]

Flags override it. The file's history is where runs are stored and read; it does not
turn on `rca analyze --history`'s comparison by itself.

Examples:
  rca config
  RCA_CONFIG=ci/rca.toml rca config";

#[derive(Debug, clap::Args)]
struct ConfigArgs {}

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
    /// Request method.
    #[arg(long, value_name = "METHOD", default_value = "get", value_parser = ["get", "head"], ignore_case = true)]
    method: String,
    /// Output format [default: from the -o extension (.json), else text].
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
enum SigFormat {
    Text,
    Json,
    Toml,
}

/// Parses arguments, runs the command and returns the process exit code.
pub fn main() -> i32 {
    // The environment is read once, here, before anything depends on it.
    env::read();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    match dispatch(cli) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("rca: {}", report::safe::visible(&msg));
            EXIT_ERROR
        }
    }
}

/// Runs one command; the project file is read only by the commands it has defaults for.
fn dispatch(cli: Cli) -> Result<i32, String> {
    let config = config::Config::load;
    match cli.command {
        Command::Analyze(args) => analyze::analyze(*args, &config()?, cli.color),
        Command::Signatures(args) => signatures(args, &config()?),
        Command::Probe(args) => probe(args),
        Command::Record(args) => history::record(args, &config()?),
        Command::Trend(args) => history::trend(args, &config()?),
        Command::History(cmd) => history::history(cmd, &config()?),
        Command::Completions(args) => completions::completions(&args),
        Command::Man(args) => completions::man(&args),
        Command::Schema(args) => schema::schema(&args),
        Command::Config(_) => {
            write_output(None, &config::show(&config()?))?;
            Ok(EXIT_OK)
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
    crate::redact::Key::from_env_value(env::read().var_os(crate::redact::KEY_ENV))
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

fn probe(args: ProbeArgs) -> Result<i32, String> {
    let cfg = args.limits.config(&args.method)?;
    let reports = crate::probe::probe_all(&args.urls, &cfg)?;
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(match args.output.as_deref() {
        Some(p) if p.ends_with(".json") => ProbeFormat::Json,
        _ => ProbeFormat::Text,
    });
    let rendered = match format {
        ProbeFormat::Json => report::probe::json(&reports, &cfg),
        ProbeFormat::Text => report::probe::text(&reports, &cfg, terminal_width(to_terminal)),
    };
    write_output(args.output.as_deref(), &rendered)?;
    let down = reports
        .iter()
        .any(|r| r.verdict == crate::probe::stats::Health::Down);
    Ok(if down { EXIT_FOUND } else { EXIT_OK })
}

fn signatures(mut args: SignaturesArgs, cfg: &config::Config) -> Result<i32, String> {
    if args.check {
        return check_rules(args.rules.as_deref().unwrap_or_default());
    }
    if args.rules.is_none() {
        args.rules = cfg.settings.rules.clone();
    }
    let sigs = load_signatures(args.rules.as_deref())?;
    if let Some(url) = &args.history {
        let trend = history::signature_trend(url, &args.window, &sigs)?;
        let text = match args.format {
            SigFormat::Json => report::signals::json(&sigs, &trend),
            SigFormat::Text => report::signals::text(&sigs, &trend),
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
                signature: Vec<&'a crate::parse::signatures::SignatureSpec>,
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
