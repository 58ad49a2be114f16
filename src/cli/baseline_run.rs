//! `rca analyze --baseline SOURCE`: which baseline run SOURCE names (a log file, or
//! `history:last-pass` / `history:RUN_ID` in the history store), checked before any work;
//! then that run analysed or loaded, compared with this run ([`crate::compare`]) and folded
//! into the analysis. Errors are one line (exit 2): a missing file, a history without a
//! passing run, an unknown run id. It does not compare runs ([`crate::compare`]) nor print
//! the Baseline run section ([`crate::report::baseline_run`]).

use super::history::{StoreArgs, target};
use crate::compare::{self, Side};
use crate::history::{History, RunFilter, RunRecord};
use crate::parse::signatures::SignatureSet;
use crate::report::Report;
use crate::run::{self, Options};

/// Where the baseline run comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Source {
    /// A log (console log or JUnit XML) of the baseline run.
    Log(String),
    /// The newest run of the history without failures or errors.
    LastPass,
    /// A run of the history by id.
    Run(String),
}

impl Source {
    /// Parses `--baseline`.
    pub(super) fn parse(arg: &str) -> Result<Source, String> {
        match arg.strip_prefix("history:") {
            Some("last-pass") => Ok(Source::LastPass),
            Some("") => Err("--baseline history:: name a run id, or history:last-pass".to_string()),
            Some(id) => Ok(Source::Run(id.to_string())),
            None if arg.is_empty() => Err("--baseline: empty".to_string()),
            None if arg != "-" && !std::path::Path::new(arg).is_file() => {
                Err(format!("--baseline {arg}: no such file"))
            }
            None if arg == "-" => Err(
                "--baseline: the baseline run must be a file (standard input is this run's)"
                    .to_string(),
            ),
            None => Ok(Source::Log(arg.to_string())),
        }
    }

    /// True when the baseline run is read from a log (this run is then profiled too).
    pub(super) fn is_log(&self) -> bool {
        matches!(self, Source::Log(_))
    }
}

/// Analyses or loads the baseline run, compares this run with it and writes the result into
/// `analysis` (the Baseline section, `baseline` in JSON, verdict lines).
pub(super) fn apply(
    analysis: &mut Report,
    source: &Source,
    sigs: &SignatureSet,
    opts: &Options,
    store: &StoreArgs,
) -> Result<(), String> {
    match source {
        Source::Log(path) => {
            let base = run::analyze(std::slice::from_ref(path), sigs, opts)
                .map_err(|e| format!("--baseline: {e}"))?;
            let name = crate::redact::Redactor::new(opts.redact, opts.redact_key).apply(path);
            fold(
                analysis,
                &Side::of_analysis(&base.facts, &base.diagnosis),
                name,
                "log",
            );
        }
        Source::LastPass | Source::Run(_) => {
            let record = from_history(source, store)?;
            let name = format!("history:{}", record.id);
            fold(analysis, &Side::of_record(&record), name, "history");
        }
    }
    Ok(())
}

fn fold(report: &mut Report, base: &Side<'_>, name: String, kind: &'static str) {
    let c = compare::compare(
        &Side::of_analysis(&report.facts, &report.diagnosis),
        base,
        name,
        kind,
    );
    compare::fold(&mut report.facts, &mut report.diagnosis, &c, base);
    report.baseline = Some(c);
}

/// The run `history:last-pass` or `history:RUN_ID` names, with its tests.
fn from_history(source: &Source, store: &StoreArgs) -> Result<RunRecord, String> {
    let t = target(store)?;
    let place = t.describe();
    let mut h = History::open_read(&t).map_err(|e| format!("--baseline: history: {e}"))?;
    let runs = h
        .list(&RunFilter::default())
        .map_err(|e| format!("--baseline: history: {e}"))?;
    let chosen = match source {
        Source::Run(id) => runs.iter().find(|r| &r.id == id).ok_or_else(|| {
            format!("--baseline history:{id}: no run with this id in the history ({place})")
        })?,
        _ => runs
            .iter()
            .rev()
            .find(|r| r.counts.failed == 0 && r.counts.errors == 0 && r.counts.total > 0)
            .ok_or_else(|| {
                format!(
                    "--baseline history:last-pass: the history ({place}) has no passing run ({} run(s) recorded)",
                    runs.len()
                )
            })?,
    };
    // The listing has no tests: load the runs recorded at that second, then pick it.
    let filter = RunFilter {
        since: Some(chosen.at),
        before: Some(chosen.at),
        ..RunFilter::default()
    };
    let loaded = h
        .load(&filter)
        .map_err(|e| format!("--baseline: history: {e}"))?;
    loaded
        .into_iter()
        .find(|r| r.id == chosen.id)
        .ok_or_else(|| format!("--baseline: history: run {} could not be read", chosen.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources() {
        assert_eq!(Source::parse("history:last-pass"), Ok(Source::LastPass));
        assert_eq!(
            Source::parse("history:nightly-42"),
            Ok(Source::Run("nightly-42".into()))
        );
        assert!(Source::parse("history:").is_err());
        assert!(Source::parse("-").is_err());
        assert!(
            Source::parse("/nonexistent/good.log")
                .unwrap_err()
                .contains("no such file")
        );
        assert!(Source::parse("Cargo.toml").unwrap().is_log());
    }
}
