//! `rca analyze --source DIR`: the Python code under test read (never imported or run) for
//! its HTTP client configuration, and that configuration linked to the root causes and
//! recommendations the log supports. [`walk`] finds the files, [`python`] extracts the
//! sites from each, [`link`] ties them to the analysis; this module holds the scan's result.
//! Everything shown (paths, code) goes through redaction when it is folded in. It does not
//! change what the log says: the root causes and verdicts are [`crate::diagnose`]'s, and a
//! site only points at them.

pub mod advice;
pub mod link;
mod names;
pub mod python;
pub mod walk;

pub use python::{Arg, ClientSite, SiteKind};
use schemars::JsonSchema;
use serde::Serialize;
use std::path::Path;

/// What `--source DIR` found.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct SourceScan {
    /// The directory as given.
    pub dir: String,
    /// Python files parsed.
    pub files_read: u64,
    /// Client configuration sites, by file and line.
    pub sites: Vec<ClientSite>,
    /// Files not used, each with the reason (syntax error, too big, unreadable).
    pub skipped: Vec<String>,
    /// `conftest.py` files, and whether each mentions a health check.
    #[serde(skip)]
    pub conftests: Vec<(String, bool)>,
    /// Whether any file imports a rate-limiting library.
    #[serde(skip)]
    pub rate_limiter: bool,
    /// Module name (`src.core.api_client`) -> its file and its `getLogger` line.
    #[serde(skip)]
    pub modules: std::collections::BTreeMap<String, (String, u32)>,
}

/// Scans `dir`: a one-line error when it is missing or not a directory; a file that does
/// not parse or is too big is skipped with a note, never fatal.
pub fn scan(dir: &Path) -> Result<SourceScan, String> {
    walk::check_dir(dir)?;
    let mut scan = SourceScan {
        dir: dir.display().to_string(),
        ..Default::default()
    };
    walk::walk(dir, |entry| match entry {
        walk::Entry::Skipped(note) => scan.skipped.push(note),
        walk::Entry::File(rel, text) => scan.add(rel, &text),
    });
    Ok(scan)
}

impl SourceScan {
    fn add(&mut self, rel: String, text: &str) {
        match python::extract(&rel, text) {
            Ok(found) => {
                self.files_read += 1;
                if rel == "conftest.py" || rel.ends_with("/conftest.py") {
                    self.conftests.push((rel.clone(), found.mentions_health));
                }
                self.rate_limiter |= found.imports_rate_limiter;
                self.modules.insert(
                    module_name(&rel),
                    (rel.clone(), found.logger_line.unwrap_or(1)),
                );
                self.sites.extend(found.sites);
            }
            Err(e) => self.skipped.push(format!(
                "{rel}: Python syntax error at line {}, not read",
                e.line
            )),
        }
    }

    /// The sites of one kind.
    pub fn of(&self, kind: SiteKind) -> impl Iterator<Item = &ClientSite> {
        self.sites.iter().filter(move |s| s.kind == kind)
    }
}

/// `src/core/api_client.py` -> `src.core.api_client`; a package's `__init__.py` is the
/// package.
pub fn module_name(rel: &str) -> String {
    let stem = rel.strip_suffix(".py").unwrap_or(rel);
    let stem = stem.strip_suffix("/__init__").unwrap_or(stem);
    stem.replace('/', ".")
}
