//! The report: the one value every printer takes. It holds each stage's result side by
//! side — the run's facts, their diagnosis, and what the optional stages added (a re-probe,
//! the CI run, the history, a baseline run, the code under test) — and is put together by
//! the driver ([`crate::run`], the command line), not by any stage.
//!
//! It owns no computation and no serialised shape (the JSON document is
//! [`json::Document`](super::json::Document), built from it field by field).

use crate::compare::BaselineComparison;
use crate::diagnose::Diagnosis;
use crate::facts::{RunFacts, SCHEMA_VERSION, ToolInfo};
use crate::history::identity::CiRun;
use crate::history::trend::recurrence::RunHistory;
use crate::probe::fold::Reprobe;
use crate::source::SourceScan;

/// Everything one `rca analyze` reports.
#[derive(Debug, Clone)]
pub struct Report {
    /// JSON schema version.
    pub schema_version: u32,
    /// rca name and version.
    pub tool: ToolInfo,
    /// What the inputs show.
    pub facts: RunFacts,
    /// Root causes and recommendations.
    pub diagnosis: Diagnosis,
    /// A re-probe of the servers the root causes name (`rca analyze --probe`).
    pub reprobe: Option<Reprobe>,
    /// The CI run the environment names.
    pub ci: Option<CiRun>,
    /// This run against the recorded history (`rca analyze --history`).
    pub history: Option<RunHistory>,
    /// This run against a baseline run of the same suite (`rca analyze --baseline`).
    pub baseline: Option<BaselineComparison>,
    /// The client configuration read from the code under test (`rca analyze --source DIR`).
    pub source: Option<SourceScan>,
}

impl Report {
    /// The report of a run's facts and diagnosis, before any optional stage.
    pub fn new(facts: RunFacts, diagnosis: Diagnosis) -> Report {
        Report {
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo {
                name: "rca",
                version: env!("CARGO_PKG_VERSION"),
            },
            facts,
            diagnosis,
            reprobe: None,
            ci: None,
            history: None,
            baseline: None,
            source: None,
        }
    }
}
