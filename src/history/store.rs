//! Store operations written once for both backends: record (or replace) a run, load runs
//! for a trend, list and prune; reads adapt to the schema version found, so they never
//! need to migrate. Each backend only provides a transaction ([`Tx`]) that runs SQL with
//! `$1, $2, ...` placeholders (PostgreSQL's syntax; SQLite binds them by position as long as
//! they appear in order, which every query here keeps). It does not open connections
//! ([`super::sqlite`], [`super::postgres`]) and holds no trend rule ([`super::trend`]).

use super::Error;
use super::record::{
    Counts, FindingRecord, RootCauseRecord, RunRecord, SignatureRecord, TestOutcome,
};
use super::schema::Version;
use std::collections::{BTreeMap, BTreeSet};

/// A query parameter.
#[derive(Debug, Clone)]
pub enum Param<'a> {
    /// BIGINT.
    Int(i64),
    /// TEXT.
    Text(&'a str),
    /// NULL or TEXT.
    OptText(Option<&'a str>),
    /// NULL or BIGINT.
    OptInt(Option<i64>),
}

impl From<i64> for Param<'_> {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(v: &'a str) -> Self {
        Param::Text(v)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(v: &'a String) -> Self {
        Param::Text(v)
    }
}

/// A value read back.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// NULL.
    Null,
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
}

impl Value {
    /// The integer, if it is one.
    pub fn int(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }

    /// The text, if it is text.
    pub fn text(&self) -> Option<&str> {
        match self {
            Value::Text(v) => Some(v),
            _ => None,
        }
    }

    fn string(&self) -> String {
        self.text().unwrap_or_default().to_string()
    }

    fn count(&self) -> u64 {
        self.int().unwrap_or(0).max(0) as u64
    }
}

/// One transaction of a backend.
pub trait Tx {
    /// Runs one statement; returns the rows it changed.
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, Error>;
    /// Runs a query; returns its rows.
    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Value>>, Error>;
    /// Runs several statements without parameters.
    fn batch(&mut self, sql: &str) -> Result<(), Error>;
    /// Names of the tables in the store (the current schema, on PostgreSQL).
    fn tables(&mut self) -> Result<BTreeSet<String>, Error>;
    /// Names of the columns of `table`.
    fn columns(&mut self, table: &str) -> Result<BTreeSet<String>, Error>;
}

/// What [`record`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// The run was added.
    Added,
    /// A run with its id was there and was replaced (`--replace`).
    Replaced,
    /// A run with its id was there; nothing changed.
    Skipped,
}

/// Which runs to load.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    /// Only runs at or after this epoch second.
    pub since: Option<i64>,
    /// Only the most recent N runs (after the other filters).
    pub last: Option<usize>,
    /// Only runs carrying all these labels.
    pub labels: BTreeMap<String, String>,
    /// Only runs at or before this epoch second.
    pub before: Option<i64>,
    /// Leave out the run with this id (the run being compared with its history).
    pub exclude: Option<String>,
}

/// Test hook: when `RCA_TEST_PAUSE_IN_RECORD` names a file, the recorder creates it after
/// writing the first half of a run's tests and sleeps inside the open transaction, so a test can kill
/// the process mid-record. Not for users; documented in tests/history.rs.
const PAUSE_HOOK: &str = "RCA_TEST_PAUSE_IN_RECORD";

/// Stores `run` unless a run with its id is already there (first write wins: re-recording
/// never duplicates a run); with `replace`, a run with its id is deleted first, in the same
/// transaction.
pub fn record(tx: &mut dyn Tx, run: &RunRecord, replace: bool) -> Result<Recorded, Error> {
    let replaced = replace && delete_run(tx, &run.id)?;
    if !insert_run(tx, run)? {
        return Ok(Recorded::Skipped);
    }
    for (k, v) in &run.labels {
        tx.execute(
            "INSERT INTO run_labels (run_id, key, value) VALUES ($1, $2, $3)",
            &[(&run.id).into(), k.into(), v.into()],
        )?;
    }
    let (first, second) = run.tests.split_at(run.tests.len() / 2);
    insert_tests(tx, &run.id, first)?;
    pause_for_tests();
    insert_tests(tx, &run.id, second)?;
    for (cat, n) in &run.categories {
        tx.execute(
            "INSERT INTO run_categories (run_id, category, events) VALUES ($1, $2, $3)",
            &[(&run.id).into(), cat.into(), int(*n)],
        )?;
    }
    insert_findings(tx, run)?;
    insert_root_causes(tx, run)?;
    insert_signatures(tx, run)?;
    Ok(if replaced {
        Recorded::Replaced
    } else {
        Recorded::Added
    })
}

/// Inserts the run's own row; false when a run with its id is there.
fn insert_run(tx: &mut dyn Tx, run: &RunRecord) -> Result<bool, Error> {
    let c = &run.counts;
    let added = tx.execute(
        "INSERT INTO runs (id, at, recorded_at, total, passed, failed, errors, skipped, xfailed, \
         xpassed, tool_version, ci_id, report, duration_s, failure_span_s, detail_version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
         ON CONFLICT (id) DO NOTHING",
        &[
            (&run.id).into(),
            run.at.into(),
            super::unix_now().into(),
            int(c.total),
            int(c.passed),
            int(c.failed),
            int(c.errors),
            int(c.skipped),
            int(c.xfailed),
            int(c.xpassed),
            Param::OptText(run.tool_version.as_deref()),
            Param::OptText(run.ci_id.as_deref()),
            Param::OptText(run.report.as_deref()),
            Param::OptInt(run.duration_s),
            Param::OptInt(run.failure_span_s),
            Param::Int(run.recorded_schema),
        ],
    )?;
    Ok(added > 0)
}

/// Deletes the run `id` and everything recorded about it; true when it was there.
fn delete_run(tx: &mut dyn Tx, id: &str) -> Result<bool, Error> {
    for table in super::schema::CHILD_TABLES {
        tx.execute(
            &format!("DELETE FROM {table} WHERE run_id = $1"),
            &[id.into()],
        )?;
    }
    Ok(tx.execute("DELETE FROM runs WHERE id = $1", &[id.into()])? > 0)
}

fn insert_findings(tx: &mut dyn Tx, run: &RunRecord) -> Result<(), Error> {
    for f in &run.findings {
        tx.execute(
            "INSERT INTO run_findings (run_id, fingerprint, category, events, root_cause) \
             VALUES ($1, $2, $3, $4, $5)",
            &[
                (&run.id).into(),
                (&f.fingerprint).into(),
                (&f.category).into(),
                int(f.events),
                Param::OptText(f.root_cause.as_deref()),
            ],
        )?;
    }
    Ok(())
}

fn insert_root_causes(tx: &mut dyn Tx, run: &RunRecord) -> Result<(), Error> {
    for rc in &run.root_causes {
        let endpoints = rc.endpoints.join("\n");
        tx.execute(
            "INSERT INTO run_root_causes (run_id, fingerprint, title, family, target, locus, \
             failed_tests, events, endpoints) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                (&run.id).into(),
                (&rc.fingerprint).into(),
                (&rc.title).into(),
                (&rc.family).into(),
                Param::OptText(rc.target.as_deref()),
                (&rc.locus).into(),
                int(rc.failed_tests),
                int(rc.events),
                (&endpoints).into(),
            ],
        )?;
    }
    Ok(())
}

fn insert_signatures(tx: &mut dyn Tx, run: &RunRecord) -> Result<(), Error> {
    for s in &run.signatures {
        tx.execute(
            "INSERT INTO run_signatures (run_id, signature, events, passed_tests, failed_tests) \
             VALUES ($1, $2, $3, $4, $5)",
            &[
                (&run.id).into(),
                (&s.signature).into(),
                int(s.events),
                int(s.passed_tests),
                int(s.failed_tests),
            ],
        )?;
    }
    Ok(())
}

/// Rows per multi-row INSERT of tests (one round trip each on PostgreSQL).
const TEST_ROWS_PER_INSERT: usize = 100;

fn insert_tests(tx: &mut dyn Tx, run_id: &str, tests: &[TestOutcome]) -> Result<(), Error> {
    for chunk in tests.chunks(TEST_ROWS_PER_INSERT) {
        let cats: Vec<String> = chunk.iter().map(|t| t.categories.join(",")).collect();
        let mut sql =
            String::from("INSERT INTO run_tests (run_id, nodeid, outcome, categories) VALUES ");
        let mut params: Vec<Param<'_>> = Vec::with_capacity(chunk.len() * 4);
        for (i, (t, c)) in chunk.iter().zip(&cats).enumerate() {
            let n = i * 4;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
            params.extend([
                run_id.into(),
                (&t.nodeid).into(),
                (&t.outcome).into(),
                c.into(),
            ]);
        }
        sql.push_str(" ON CONFLICT (run_id, nodeid) DO NOTHING");
        tx.execute(&sql, &params)?;
    }
    Ok(())
}

fn int(v: u64) -> Param<'static> {
    Param::Int(i64::try_from(v).unwrap_or(i64::MAX))
}

fn pause_for_tests() {
    if let Some(path) = std::env::var_os(PAUSE_HOOK) {
        let _ = std::fs::write(&path, b"paused\n");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

/// Runs (with labels and counts, without per-test data) matching `filter`, oldest first,
/// from a store of schema version `v` (columns it lacks read as NULL).
pub fn load_runs(tx: &mut dyn Tx, filter: &RunFilter, v: Version) -> Result<Vec<RunRecord>, Error> {
    let mut sql = format!(
        "SELECT id, at, total, passed, failed, errors, skipped, xfailed, xpassed, {}, {}, {}, \
         {}, {}, {} FROM runs r WHERE at >= $1",
        v.column(2, "tool_version", false),
        v.column(3, "ci_id", false),
        v.column(3, "report", false),
        v.column(3, "duration_s", true),
        v.column(3, "failure_span_s", true),
        v.column(3, "detail_version", true),
    );
    let since = filter.since.unwrap_or(i64::MIN);
    let mut params: Vec<Param<'_>> = vec![since.into()];
    if let Some(before) = filter.before {
        sql.push_str(&format!(" AND at <= ${}", params.len() + 1));
        params.push(before.into());
    }
    if let Some(id) = &filter.exclude {
        sql.push_str(&format!(" AND id <> ${}", params.len() + 1));
        params.push(id.into());
    }
    if !filter.labels.is_empty() && !v.has(2) {
        return Ok(Vec::new()); // no run of a version-1 store carries labels
    }
    for (k, val) in &filter.labels {
        let n = params.len();
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM run_labels l WHERE l.run_id = r.id AND l.key = ${} \
             AND l.value = ${})",
            n + 1,
            n + 2
        ));
        params.push(k.into());
        params.push(val.into());
    }
    sql.push_str(" ORDER BY at DESC, id DESC");
    if let Some(n) = filter.last {
        sql.push_str(&format!(" LIMIT ${}", params.len() + 1));
        params.push(Param::Int(i64::try_from(n).unwrap_or(i64::MAX)));
    }
    let mut runs: Vec<RunRecord> = tx
        .query(&sql, &params)?
        .into_iter()
        .map(|r| run_from_row(&r))
        .collect();
    runs.reverse();
    if v.has(2) {
        let labels = load_children(
            tx,
            &runs,
            "SELECT l.run_id, l.key, l.value FROM run_labels l",
        )?;
        for run in &mut runs {
            for row in labels.get(&run.id).into_iter().flatten() {
                run.labels.insert(row[1].string(), row[2].string());
            }
        }
    }
    Ok(runs)
}

fn run_from_row(r: &[Value]) -> RunRecord {
    RunRecord {
        id: r[0].string(),
        at: r[1].int().unwrap_or(0),
        labels: BTreeMap::new(),
        counts: Counts {
            total: r[2].count(),
            passed: r[3].count(),
            failed: r[4].count(),
            errors: r[5].count(),
            skipped: r[6].count(),
            xfailed: r[7].count(),
            xpassed: r[8].count(),
        },
        tool_version: r[9].text().map(str::to_string),
        ci_id: r[10].text().map(str::to_string),
        report: r[11].text().map(str::to_string),
        duration_s: r[12].int(),
        failure_span_s: r[13].int(),
        recorded_schema: r[14].int().unwrap_or(0),
        ..RunRecord::default()
    }
}

/// Runs matching `filter` with everything recorded about them, oldest first.
pub fn load(tx: &mut dyn Tx, filter: &RunFilter, v: Version) -> Result<Vec<RunRecord>, Error> {
    let mut runs = load_runs(tx, filter, v)?;
    let mut tests = load_children(
        tx,
        &runs,
        "SELECT t.run_id, t.nodeid, t.outcome, t.categories FROM run_tests t",
    )?;
    let mut cats = load_children(
        tx,
        &runs,
        "SELECT c.run_id, c.category, c.events FROM run_categories c",
    )?;
    let finding_sql = format!(
        "SELECT f.run_id, f.fingerprint, f.category, f.events, {} FROM run_findings f",
        v.column(2, "f.root_cause", false)
    );
    let mut findings = load_children(tx, &runs, &finding_sql)?;
    let mut rcs = if v.has(2) {
        let sql = format!(
            "SELECT c.run_id, c.fingerprint, c.title, c.family, c.target, c.locus, \
             c.failed_tests, c.events, {} FROM run_root_causes c",
            v.column(3, "c.endpoints", false)
        );
        load_children(tx, &runs, &sql)?
    } else {
        BTreeMap::new()
    };
    let mut sigs = if v.has(3) {
        load_children(
            tx,
            &runs,
            "SELECT s.run_id, s.signature, s.events, s.passed_tests, s.failed_tests \
             FROM run_signatures s",
        )?
    } else {
        BTreeMap::new()
    };
    for run in &mut runs {
        let rows =
            |m: &mut BTreeMap<String, Vec<Vec<Value>>>| m.remove(&run.id).unwrap_or_default();
        run.tests = rows(&mut tests).iter().map(|r| test_from_row(r)).collect();
        run.categories = rows(&mut cats)
            .iter()
            .map(|r| (r[1].string(), r[2].count()))
            .collect();
        run.findings = rows(&mut findings)
            .iter()
            .map(|r| FindingRecord {
                fingerprint: r[1].string(),
                category: r[2].string(),
                events: r[3].count(),
                root_cause: r[4].text().map(str::to_string),
            })
            .collect();
        run.root_causes = rows(&mut rcs).iter().map(|r| cause_from_row(r)).collect();
        run.signatures = rows(&mut sigs)
            .iter()
            .map(|r| SignatureRecord {
                signature: r[1].string(),
                events: r[2].count(),
                passed_tests: r[3].count(),
                failed_tests: r[4].count(),
            })
            .collect();
    }
    Ok(runs)
}

fn test_from_row(r: &[Value]) -> TestOutcome {
    TestOutcome {
        nodeid: r[1].string(),
        outcome: r[2].string(),
        categories: split_categories(&r[3].string()),
    }
}

fn cause_from_row(r: &[Value]) -> RootCauseRecord {
    RootCauseRecord {
        fingerprint: r[1].string(),
        title: r[2].string(),
        family: r[3].string(),
        target: r[4].text().map(str::to_string),
        locus: r[5].string(),
        failed_tests: r[6].count(),
        events: r[7].count(),
        endpoints: r[8]
            .text()
            .unwrap_or("")
            .split('\n')
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect(),
    }
}

fn split_categories(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// Rows of a child table (`select` names its table with an alias and the run id first)
/// for the given runs, grouped by run id. One query over the runs' time range, then a
/// filter, so the statement stays the same whatever the number of runs.
fn load_children(
    tx: &mut dyn Tx,
    runs: &[RunRecord],
    select: &str,
) -> Result<BTreeMap<String, Vec<Vec<Value>>>, Error> {
    let (Some(from), Some(to)) = (
        runs.iter().map(|r| r.at).min(),
        runs.iter().map(|r| r.at).max(),
    ) else {
        return Ok(BTreeMap::new());
    };
    let alias = select
        .rsplit(' ')
        .next()
        .expect("select ends with its table alias");
    let sql = format!(
        "{select} JOIN runs r ON r.id = {alias}.run_id WHERE r.at >= $1 AND r.at <= $2 \
         ORDER BY {alias}.run_id"
    );
    let wanted: BTreeSet<&str> = runs.iter().map(|r| r.id.as_str()).collect();
    let mut out: BTreeMap<String, Vec<Vec<Value>>> = BTreeMap::new();
    for row in tx.query(&sql, &[from.into(), to.into()])? {
        let id = row[0].string();
        if wanted.contains(id.as_str()) {
            out.entry(id).or_default().push(row);
        }
    }
    Ok(out)
}

/// Deletes runs recorded for before `before` (epoch seconds). Returns how many.
pub fn prune(tx: &mut dyn Tx, before: i64) -> Result<u64, Error> {
    for table in super::schema::CHILD_TABLES {
        tx.execute(
            &format!("DELETE FROM {table} WHERE run_id IN (SELECT id FROM runs WHERE at < $1)"),
            &[before.into()],
        )?;
    }
    tx.execute("DELETE FROM runs WHERE at < $1", &[before.into()])
}
