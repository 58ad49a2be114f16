//! The history's schema: an ordered list of migrations shared by SQLite and PostgreSQL
//! (the SQL below is valid in both dialects: `TEXT`, `BIGINT`, composite primary keys,
//! `ALTER TABLE ... ADD COLUMN`), and the step that brings any store up to date.
//!
//! The `schema_version` table holds one row per applied migration. A store written by a
//! newer rca (a version above [`CURRENT`]) is refused rather than guessed at.

use super::store::Tx;
use super::{Error, unix_now};

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

/// Migrations in order: `(version, sql)`.
pub const MIGRATIONS: &[(i64, &str)] = &[(1, V1), (2, V2)];

/// The schema version this rca writes.
pub const CURRENT: i64 = 2;

const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (
    version BIGINT PRIMARY KEY,
    applied_at BIGINT NOT NULL
)";

/// Applies the missing migrations inside `tx` (a write transaction the caller holds, so
/// concurrent openers serialise). Returns the version found before migrating.
pub fn migrate(tx: &mut dyn Tx) -> Result<i64, Error> {
    tx.batch(VERSION_TABLE)?;
    let found = version(tx)?;
    if found > CURRENT {
        return Err(Error::new(format!(
            "history schema version {found} is newer than this rca supports ({CURRENT}); upgrade rca"
        )));
    }
    for &(v, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > found) {
        tx.batch(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)",
            &[v.into(), unix_now().into()],
        )?;
    }
    Ok(found)
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
    }
}
