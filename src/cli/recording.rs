//! `rca analyze` with the history: `--record` and `--history`, checked before the analysis
//! starts ([`plan`]), then the store opened (for writing with `--record`, read-only
//! otherwise), the run put against the runs before it ([`Session::compare`]), and, once the
//! report is out, recorded ([`Session::record`]). Also the step both `rca analyze
//! --record` and `rca record` end with: resolve a report's id and time, store it, and say
//! what happened ([`store_report`]).
//!
//! It does not hold the storage or the rules: the store is [`crate::history`], the
//! comparison with earlier runs [`crate::history::trend::recurrence`].

use super::history::{AnalyzeRecord, RecordMeta, StoreArgs, target};
use super::parse::{parse_labels, parse_time};
use crate::history::identity::{self, CiRun};
use crate::history::record::{self, ReportDoc, RunMeta};
use crate::history::{History, Recorded, RunFilter, Target};
use crate::report::Report;
use crate::report::json::Document;
use std::collections::BTreeMap;

/// Runs a report is compared with by `rca analyze --history`.
pub const COMPARED_RUNS: usize = 30;

/// The record options, checked.
#[derive(Debug, Clone, Default)]
pub(super) struct Checked {
    run_id: Option<String>,
    at: Option<i64>,
    labels: BTreeMap<String, String>,
    report: Option<String>,
    replace: bool,
}

impl Checked {
    /// The same options for a report stored at `path` (unless `--report-url` named one).
    pub(super) fn for_report(&self, path: Option<&str>) -> Checked {
        let mut c = self.clone();
        if c.report.is_none() {
            c.report = path.map(absolute);
        }
        c
    }
}

/// Checks `--run-id`, `--at`, `--label` and `--report-url`.
pub(super) fn check(meta: &RecordMeta) -> Result<Checked, String> {
    let labels = parse_labels(&meta.labels)?;
    let at = meta.at.as_deref().map(parse_time).transpose()?;
    if let Some(id) = &meta.run_id {
        identity::validate_run_id(id)?;
    }
    if let Some(url) = &meta.report_url
        && (url.trim().is_empty() || url.chars().any(char::is_control))
    {
        return Err("--report-url: empty or with control characters".to_string());
    }
    Ok(Checked {
        run_id: meta.run_id.clone(),
        at,
        labels,
        report: meta.report_url.clone(),
        replace: meta.replace,
    })
}

/// What `rca analyze` does with the history, decided before the analysis.
pub(super) struct Plan {
    record: bool,
    /// `--history` was given: compare with the runs recorded there.
    compare: bool,
    store: Option<Target>,
    checked: Checked,
    ci: Option<CiRun>,
}

/// The CI run the environment names.
pub(super) fn ci_from_env() -> Option<CiRun> {
    identity::detect(|k| super::env::read().var(k))
}

/// Checks every history argument of `rca analyze` (exit 2 before any work).
pub(super) fn plan(args: &AnalyzeRecord, output: Option<&str>) -> Result<Plan, String> {
    let m = &args.meta;
    let mut checked = check(m)?;
    let compare = m.store.history.is_some();
    if !args.record {
        if m.run_id.is_some() || m.at.is_some() || m.replace || m.report_url.is_some() {
            return Err("--run-id, --at, --replace and --report-url need --record".to_string());
        }
        if !compare && !m.labels.is_empty() {
            return Err("--label needs --record or --history".to_string());
        }
    }
    if checked.report.is_none() {
        checked.report = output.filter(|o| *o != "-").map(absolute);
    }
    let store = if args.record || compare {
        Some(target(&m.store)?)
    } else {
        None
    };
    Ok(Plan {
        record: args.record,
        compare,
        store,
        checked,
        ci: ci_from_env(),
    })
}

/// `path` made absolute (a stored report link must not depend on the recorder's directory).
pub(super) fn absolute(path: &str) -> String {
    std::path::absolute(path)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.to_string())
}

/// The store opened for one `rca analyze`.
pub(super) struct Session {
    plan: Plan,
    open: Option<(History, Target)>,
}

impl Plan {
    /// Tags the analysis with its CI run and opens the store (for writing with `--record`,
    /// else read-only: a missing store is an error, not a new one).
    pub(super) fn open(self, analysis: &mut Report, quiet: bool) -> Result<Session, String> {
        analysis.ci = self.ci.clone();
        let open = match &self.store {
            None => None,
            Some(t) => {
                let h = if self.record {
                    History::open(t)
                } else {
                    History::open_read(t)
                }
                .map_err(|e| format!("history: {e}"))?;
                if let (Some(note), false) = (h.note(), quiet) {
                    eprintln!("rca: note: {note}");
                }
                Some((h, t.clone()))
            }
        };
        Ok(Session { plan: self, open })
    }
}

impl Session {
    /// With `--history`: puts the run against the runs recorded before it (with its labels)
    /// and writes the result into the analysis.
    pub(super) fn compare(
        &mut self,
        analysis: &mut Report,
        files: &[String],
    ) -> Result<(), String> {
        let (true, Some((history, target))) = (self.plan.compare, self.open.as_mut()) else {
            return Ok(());
        };
        let doc = masked(record::report_of(&Document::of(analysis)));
        let (id, at) = resolve(&doc, &self.plan.checked, first_file(files));
        let filter = RunFilter {
            last: Some(COMPARED_RUNS),
            labels: self.plan.checked.labels.clone(),
            before: Some(at),
            exclude: Some(id),
            ..RunFilter::default()
        };
        let mut runs = history.load(&filter).map_err(|e| format!("history: {e}"))?;
        redact_runs(&mut runs);
        let current = record::report_of(&Document::of(analysis));
        analysis.history = Some(crate::history::trend::recurrence::annotate(
            current,
            &mut analysis.facts,
            &mut analysis.diagnosis,
            &runs,
            target.describe(),
        ));
        Ok(())
    }

    /// With `--record`: stores the analysis.
    pub(super) fn record(
        &mut self,
        analysis: &Report,
        files: &[String],
        quiet: bool,
    ) -> Result<(), String> {
        let (true, Some((history, target))) = (self.plan.record, self.open.as_mut()) else {
            return Ok(());
        };
        let doc = record::report_of(&Document::of(analysis));
        let outcome = store_report(history, doc, &self.plan.checked, first_file(files))?;
        if !quiet {
            eprintln!("rca: {}", outcome.message(target));
        }
        Ok(())
    }
}

fn first_file(files: &[String]) -> Option<&str> {
    files.iter().find(|f| *f != "-").map(String::as_str)
}

/// The modification time of a file, epoch seconds.
fn mtime(path: &str) -> Option<i64> {
    let t = std::fs::metadata(path).ok()?.modified().ok()?;
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_secs()).ok()
}

/// The run's id and time: `--run-id` and `--at` when given, else the default id and the
/// session start the report shows, else the file's modification time, else now.
fn resolve(doc: &ReportDoc, c: &Checked, source_file: Option<&str>) -> (String, i64) {
    let at =
        c.at.or_else(|| doc.session_start())
            .or_else(|| source_file.and_then(mtime))
            .unwrap_or_else(crate::history::unix_now);
    let id = c
        .run_id
        .clone()
        .unwrap_or_else(|| identity::default_id(doc, c.at));
    (id, at)
}

/// What recording one report did.
pub(super) struct Outcome {
    id: String,
    at: i64,
    /// Added, replaced or skipped.
    pub(super) recorded: Recorded,
}

impl Outcome {
    /// One line for standard error (without the `rca: ` prefix).
    pub(super) fn message(&self, target: &Target) -> String {
        let when = crate::history::trend::rfc3339(self.at);
        let store = target.describe();
        match self.recorded {
            Recorded::Added => format!("recorded run {} ({when}) in {store}", self.id),
            Recorded::Replaced => format!("replaced run {} ({when}) in {store}", self.id),
            Recorded::Skipped => format!(
                "run {} ({when}) is already in {store}; not recorded again \
                 (--replace replaces it, --run-id ID records it as another run)",
                self.id
            ),
        }
    }
}

/// The report as the history may keep it: secrets masked, even in a `--no-redact` report.
/// The run id is derived from the masked content, so every way of recording one run agrees.
fn masked(mut doc: ReportDoc) -> ReportDoc {
    doc.redact(&super::redactor());
    doc
}

/// Masks secrets in runs read from the history (stored by older versions), so that nothing
/// prints one and old raw node ids meet their masked successors.
pub(super) fn redact_runs(runs: &mut [crate::history::RunRecord]) {
    let r = super::redactor();
    for run in runs {
        run.redact(&r);
    }
}

/// Builds the record of one report and stores it.
pub(super) fn store_report(
    history: &mut History,
    doc: ReportDoc,
    c: &Checked,
    source_file: Option<&str>,
) -> Result<Outcome, String> {
    let doc = masked(doc);
    let (id, at) = resolve(&doc, c, source_file);
    let run = doc.into_record(RunMeta {
        id,
        at,
        labels: c.labels.clone(),
        report: c.report.as_deref().map(|r| super::redactor().apply(r)),
    });
    let recorded = history
        .record(&run, c.replace)
        .map_err(|e| format!("history: {e}"))?;
    Ok(Outcome {
        id: run.id,
        at: run.at,
        recorded,
    })
}

/// Opens the store for writing.
pub(super) fn open_write(store: &StoreArgs) -> Result<(History, Target), String> {
    let target = target(store)?;
    let history = History::open(&target).map_err(|e| format!("history: {e}"))?;
    Ok((history, target))
}

/// Opens the store read-only; an older schema's note goes to standard error.
pub(super) fn open_read(store: &StoreArgs) -> Result<(History, Target), String> {
    let target = target(store)?;
    let history = History::open_read(&target).map_err(|e| format!("history: {e}"))?;
    if let Some(note) = history.note() {
        eprintln!("rca: note: {note}");
    }
    Ok((history, target))
}
