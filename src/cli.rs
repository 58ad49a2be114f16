//! Command-line interface: argument definitions (clap derive) and dispatch to the library.
//! Exit codes: 0 analysed, 1 `--fail-on` matched, 2 usage or input error.

use crate::model::Category;
use crate::render;
use crate::run::{self, Options};
use crate::signatures::SignatureSet;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};

mod history;

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
  rca analyze run.log --record --label branch=main   also store the run in the history

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
    Analyze(AnalyzeArgs),
    /// List the failure signatures (built-in and from --rules).
    #[command(
        after_help = "Examples:\n  rca signatures\n  rca signatures --format json\n  rca signatures --rules team-rules.toml"
    )]
    Signatures(SignaturesArgs),
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
    /// Exit with code 1 when events of these categories are found (comma-separated ids, or `any`).
    #[arg(long, value_name = "CATEGORIES", value_delimiter = ',')]
    fail_on: Vec<String>,
    /// Do not redact secrets (tokens, passwords) in the output.
    #[arg(long)]
    no_redact: bool,
    /// Do not print warnings on standard error.
    #[arg(short, long)]
    quiet: bool,
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
        Command::Analyze(args) => analyze(args),
        Command::Signatures(args) => signatures(args),
        Command::Record(args) => history::record(args),
        Command::Trend(args) => history::trend(args),
        Command::History(cmd) => history::history(cmd),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("rca: {msg}");
            EXIT_ERROR
        }
    }
}

fn load_signatures(rules: Option<&str>) -> Result<SignatureSet, String> {
    match rules {
        None => Ok(SignatureSet::builtin()),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                let kind = match e.kind() {
                    std::io::ErrorKind::NotFound => "no such file".to_string(),
                    _ => e.to_string(),
                };
                format!("{path}: cannot read rules: {kind}")
            })?;
            SignatureSet::with_rules(&text, path).map_err(|e| e.to_string())
        }
    }
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
    let stdin_count = args.files.iter().filter(|f| *f == "-").count();
    if stdin_count > 1 {
        return Err("standard input (-) can be given only once".to_string());
    }
    let sigs = load_signatures(args.rules.as_deref())?;
    let opts = Options {
        chunk: args.buffer_size.max(1),
        redact: !args.no_redact,
    };
    let analysis = run::analyze(&args.files, &sigs, &opts).map_err(|e| e.to_string())?;
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let from_extension = match (&args.format, args.output.as_deref()) {
        (None, Some(path)) => format_from_extension(path)?,
        _ => None,
    };
    let format = args.format.or(from_extension).unwrap_or(if to_terminal {
        Format::Text
    } else {
        Format::Json
    });
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
    history::record_analysis(&args.history, &analysis, &args.files, args.quiet)?;
    if !args.quiet {
        for w in &analysis.warnings {
            eprintln!("rca: warning: {w}");
        }
    }
    let found = analysis.categories_present().any(|c| fail_on.contains(&c));
    Ok(if found { EXIT_FOUND } else { EXIT_OK })
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
    let sigs = load_signatures(args.rules.as_deref())?;
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
