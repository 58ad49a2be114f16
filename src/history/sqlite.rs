//! The embedded SQLite backend (rusqlite, SQLite bundled): WAL journal, a 10 s busy
//! timeout, and `BEGIN IMMEDIATE` for every write, so concurrent recorders queue instead of
//! failing, and a process killed mid-record leaves its transaction rolled back.

use super::Error;
use super::schema;
use super::store::{Param, Tx, Value};
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;
use std::time::Duration;

/// How long a writer waits for another one before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// An open SQLite history.
pub struct Db {
    conn: Connection,
}

impl Db {
    /// Opens (creating it and its directory if needed) and migrates the file at `path`.
    pub fn open(path: &Path) -> Result<Db, Error> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::new(format!("{}: cannot create: {e}", dir.display())))?;
        }
        let conn = Connection::open(path)
            .map_err(|e| Error::new(format!("{}: cannot open: {e}", path.display())))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::new(format!(
                "{}: cannot switch to WAL (journal mode {mode})",
                path.display()
            )));
        }
        // In WAL mode NORMAL keeps the database consistent across crashes of the process.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let mut db = Db { conn };
        db.with_tx(true, |tx| schema::migrate(tx).map(|_| ()))?;
        Ok(db)
    }

    /// Runs `f` in a transaction (IMMEDIATE when `write`), committing when it succeeds.
    pub fn with_tx<T>(
        &mut self,
        write: bool,
        f: impl FnOnce(&mut dyn Tx) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let behavior = if write {
            TransactionBehavior::Immediate
        } else {
            TransactionBehavior::Deferred
        };
        let tx = self.conn.transaction_with_behavior(behavior)?;
        let out = f(&mut SqliteTx(&tx))?;
        tx.commit()?;
        Ok(out)
    }
}

struct SqliteTx<'a>(&'a rusqlite::Transaction<'a>);

fn values(params: &[Param<'_>]) -> Vec<SqlValue> {
    params
        .iter()
        .map(|p| match p {
            Param::Int(v) => SqlValue::Integer(*v),
            Param::Text(s) => SqlValue::Text(s.to_string()),
            Param::OptText(Some(s)) => SqlValue::Text(s.to_string()),
            Param::OptText(None) => SqlValue::Null,
        })
        .collect()
}

impl Tx for SqliteTx<'_> {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, Error> {
        let mut stmt = self.0.prepare_cached(sql)?;
        Ok(stmt.execute(rusqlite::params_from_iter(values(params)))? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Value>>, Error> {
        let mut stmt = self.0.prepare_cached(sql)?;
        let columns = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(values(params)))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(columns);
            for i in 0..columns {
                values.push(match row.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Real(v) => Value::Int(v as i64),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Value::Text(String::from_utf8_lossy(t).into_owned())
                    }
                });
            }
            out.push(values);
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), Error> {
        Ok(self.0.execute_batch(sql)?)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::new(format!("sqlite: {e}"))
    }
}
