//! The history's schema: an ordered list of migrations shared by SQLite and PostgreSQL
//! (the SQL below is valid in both dialects: `TEXT`, `BIGINT`, composite primary keys,
//! `ALTER TABLE ... ADD COLUMN`), the layout each version must have, and the step that
//! brings a store up to date.
//!
//! The `schema_version` table holds one row per applied migration. Before anything is read
//! or migrated, [`inspect`] tells an empty store, an rca history of some version, and a
//! store that is something else (other tables, or an rca version whose tables are
//! missing) apart, so a wrong `--history` gets one line instead of a failed migration. A
//! store written by a newer rca (a version above [`CURRENT`]) is refused rather than
//! guessed at. Reads never migrate: they adapt to the version found ([`Version`]).
//!
//! It holds no query on runs: recording, loading, listing and pruning are
//! [`super::store`]'s.

use super::store::Tx;
use super::{Error, unix_now};
use std::collections::{BTreeMap, BTreeSet};

/// Version 1: runs, per-test outcomes, findings, events per category.
pub const V1: &str = include_str!("schema_v1.sql");

/// Version 2: labels, root causes, the finding -> root cause link, the rca version.
pub const V2: &str = "
CREATE TABLE run_labels (
    run_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
);
CREATE INDEX run_labels_kv ON run_labels (key, value);
CREATE TABLE run_root_causes (
    run_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    title TEXT NOT NULL,
    family TEXT NOT NULL,
    target TEXT,
    locus TEXT NOT NULL,
    failed_tests BIGINT NOT NULL,
    events BIGINT NOT NULL,
    PRIMARY KEY (run_id, fingerprint)
);
ALTER TABLE run_findings ADD COLUMN root_cause TEXT;
ALTER TABLE runs ADD COLUMN tool_version TEXT;
";

/// Version 3: the run's CI id, stored report, session duration and failure span (for the
/// outage guard), the failing endpoints of each root cause (its identity across port
/// changes), and what each signature fired on (its precision).
pub const V3: &str = "
ALTER TABLE runs ADD COLUMN ci_id TEXT;
ALTER TABLE runs ADD COLUMN report TEXT;
ALTER TABLE runs ADD COLUMN duration_s BIGINT;
ALTER TABLE runs ADD COLUMN failure_span_s BIGINT;
ALTER TABLE runs ADD COLUMN detail_version BIGINT;
ALTER TABLE run_root_causes ADD COLUMN endpoints TEXT;
CREATE TABLE run_signatures (
    run_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    events BIGINT NOT NULL,
    passed_tests BIGINT NOT NULL,
    failed_tests BIGINT NOT NULL,
    PRIMARY KEY (run_id, signature)
);
";

/// Migrations in order: `(version, sql)`.
pub const MIGRATIONS: &[(i64, &str)] = &[(1, V1), (2, V2), (3, V3)];

/// The schema version this rca writes.
pub const CURRENT: i64 = 3;

/// Columns each version has, by the version that added them: `(version, table, columns)`.
const LAYOUT: &[(i64, &str, &[&str])] = &[
    (
        1,
        "runs",
        &[
            "id",
            "at",
            "recorded_at",
            "total",
            "passed",
            "failed",
            "errors",
            "skipped",
            "xfailed",
            "xpassed",
        ],
    ),
    (
        1,
        "run_tests",
        &["run_id", "nodeid", "outcome", "categories"],
    ),
    (
        1,
        "run_findings",
        &["run_id", "fingerprint", "category", "events"],
    ),
    (1, "run_categories", &["run_id", "category", "events"]),
    (2, "run_labels", &["run_id", "key", "value"]),
    (
        2,
        "run_root_causes",
        &[
            "run_id",
            "fingerprint",
            "title",
            "family",
            "target",
            "locus",
            "failed_tests",
            "events",
        ],
    ),
    (2, "run_findings", &["root_cause"]),
    (2, "runs", &["tool_version"]),
    (
        3,
        "runs",
        &[
            "ci_id",
            "report",
            "duration_s",
            "failure_span_s",
            "detail_version",
        ],
    ),
    (3, "run_root_causes", &["endpoints"]),
    (
        3,
        "run_signatures",
        &[
            "run_id",
            "signature",
            "events",
            "passed_tests",
            "failed_tests",
        ],
    ),
];

/// The tables of the schema, child tables first (the order deletes run in).
pub const CHILD_TABLES: [&str; 6] = [
    "run_labels",
    "run_tests",
    "run_categories",
    "run_findings",
    "run_root_causes",
    "run_signatures",
];

const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (
    version BIGINT PRIMARY KEY,
    applied_at BIGINT NOT NULL
)";

/// A store's schema version, and what its reads can select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version(pub i64);

impl Version {
    /// `column` when this version has it (added in `since`), else a typed NULL, so one
    /// query reads every version.
    pub fn column(self, since: i64, column: &str, int: bool) -> String {
        match (self.0 >= since, int) {
            (true, _) => column.to_string(),
            (false, true) => "CAST(NULL AS BIGINT)".to_string(),
            (false, false) => "CAST(NULL AS TEXT)".to_string(),
        }
    }

    /// This version has the tables and columns of `version`.
    pub fn has(self, version: i64) -> bool {
        self.0 >= version
    }
}

/// What a store is, before anything is written to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// No tables at all: a new store.
    Empty,
    /// An rca history of this version, its layout checked.
    History(Version),
}

/// Tells what the store is; refuses (one line) a foreign or damaged schema and a version
/// newer than this rca.
pub fn inspect(tx: &mut dyn Tx) -> Result<Found, Error> {
    let tables = tx.tables()?;
    if tables.is_empty() {
        return Ok(Found::Empty);
    }
    if !tables.contains("schema_version") {
        return Err(Error::new(format!(
            "not an rca history: it holds other tables ({}); give another --history",
            sample(&tables)
        )));
    }
    let found = version(tx)?;
    if found > CURRENT {
        return Err(Error::new(format!(
            "history schema version {found} is newer than this rca supports ({CURRENT}); upgrade rca"
        )));
    }
    if found < 1 {
        return Err(Error::new(
            "invalid rca history: schema_version holds no version".to_string(),
        ));
    }
    check_layout(tx, &tables, found)?;
    Ok(Found::History(Version(found)))
}

/// At most five names, then a count.
fn sample(names: &BTreeSet<String>) -> String {
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    match names.len() {
        n if n > 5 => format!("{}, and {} more", shown.join(", "), n - 5),
        _ => shown.join(", "),
    }
}

/// Every table and column version `found` must have is there.
fn check_layout(tx: &mut dyn Tx, tables: &BTreeSet<String>, found: i64) -> Result<(), Error> {
    let mut wanted: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (_, table, cols) in LAYOUT.iter().filter(|(v, _, _)| *v <= found) {
        wanted.entry(table).or_default().extend(cols.iter());
    }
    for (table, cols) in wanted {
        if !tables.contains(table) {
            return Err(Error::new(format!(
                "invalid rca history: schema version {found} but table {table} is missing"
            )));
        }
        let have = tx.columns(table)?;
        if let Some(col) = cols.iter().find(|c| !have.contains(**c)) {
            return Err(Error::new(format!(
                "invalid rca history: schema version {found} but {table}.{col} is missing"
            )));
        }
    }
    Ok(())
}

/// Brings the store up to date inside `tx` (a write transaction the caller holds, so
/// concurrent openers serialise). Returns the version found before migrating.
pub fn migrate(tx: &mut dyn Tx) -> Result<i64, Error> {
    let found = match inspect(tx)? {
        Found::Empty => 0,
        Found::History(Version(v)) => v,
    };
    tx.batch(VERSION_TABLE)?;
    for &(v, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > found) {
        tx.batch(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)",
            &[v.into(), unix_now().into()],
        )?;
    }
    Ok(found)
}

/// The note a read of an older store gives: it is read as it is, and upgraded by the next
/// write.
pub fn older_note(found: Version) -> Option<String> {
    (found.0 < CURRENT).then(|| {
        format!(
            "history schema version {} is older than this rca's ({CURRENT}); read as it is, \
             upgraded by the next write (rca record, rca analyze --record)",
            found.0
        )
    })
}

/// The highest applied migration (0 for an empty store).
pub fn version(tx: &mut dyn Tx) -> Result<i64, Error> {
    let rows = tx.query("SELECT MAX(version) FROM schema_version", &[])?;
    Ok(rows
        .first()
        .and_then(|r| r.first())
        .and_then(|v| v.int())
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_ordered_and_end_at_current() {
        let versions: Vec<i64> = MIGRATIONS.iter().map(|m| m.0).collect();
        assert_eq!(versions, (1..=CURRENT).collect::<Vec<_>>());
        assert!(LAYOUT.iter().all(|(v, _, _)| (1..=CURRENT).contains(v)));
    }

    #[test]
    fn reads_of_older_versions_select_typed_nulls() {
        assert_eq!(Version(2).column(3, "ci_id", false), "CAST(NULL AS TEXT)");
        assert_eq!(
            Version(2).column(3, "duration_s", true),
            "CAST(NULL AS BIGINT)"
        );
        assert_eq!(Version(3).column(3, "ci_id", false), "ci_id");
        assert!(older_note(Version(CURRENT)).is_none());
        assert!(older_note(Version(1)).unwrap().contains("next write"));
    }

    #[test]
    fn long_table_lists_are_cut() {
        let names: BTreeSet<String> = (0..8).map(|i| format!("t{i}")).collect();
        assert_eq!(sample(&names), "t0, t1, t2, t3, t4, and 3 more");
    }
}
