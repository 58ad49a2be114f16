//! The embedded SQLite backend (rusqlite, SQLite bundled): WAL journal, a 10 s busy
//! timeout, and `BEGIN IMMEDIATE` for every write, so concurrent recorders queue instead of
//! failing, and a process killed mid-record leaves its transaction rolled back.
//!
//! Two ways in. [`Db::open`] is for writes: it creates the file, checks an existing one
//! with `PRAGMA quick_check` before trusting it with a run, migrates, and checks again when
//! a write fails, so a damaged store is refused in one line rather than acknowledged.
//! [`Db::open_read`] never writes: the file is opened read-only, nothing is migrated (reads
//! adapt to the version found), and a missing file is "no history", not a new store.
//!
//! It holds no query on runs: the SQL is [`super::store`]'s and the schema
//! [`super::schema`]'s.

use super::schema::{self, Found, Version};
use super::store::{Param, Tx, Value};
use super::{Error, ErrorKind};
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a writer waits for another one before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The first 16 bytes of every SQLite database file.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// An open SQLite history.
pub struct Db {
    conn: Connection,
    path: PathBuf,
}

impl Db {
    /// Opens (creating it and its directory if needed), checks and migrates the file at
    /// `path` for writing. Returns the store and the version it had before.
    pub fn open(path: &Path) -> Result<(Db, i64), Error> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::new(format!("{}: cannot create: {e}", dir.display())))?;
        }
        let existed = check_header(path)?;
        let conn = Connection::open(path)
            .map_err(|e| Error::new(format!("{}: cannot open: {e}", path.display())))?;
        let mut db = Db {
            conn,
            path: path.to_path_buf(),
        };
        db.conn.busy_timeout(BUSY_TIMEOUT)?;
        if existed {
            db.quick_check()?;
            // Refuse a foreign or damaged schema before anything (even the journal mode)
            // is changed in the file.
            db.with_tx(false, schema::inspect)?;
        }
        let mode: String = db
            .conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(|e| db.diagnose(e.into()))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::new(format!(
                "{}: cannot switch to WAL (journal mode {mode})",
                path.display()
            )));
        }
        // In WAL mode NORMAL keeps the database consistent across crashes of the process.
        db.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let found = db.with_tx(true, schema::migrate)?;
        Ok((db, found))
    }

    /// Opens the file at `path` read-only, without migrating. A missing or empty file is
    /// "no history at PATH".
    pub fn open_read(path: &Path) -> Result<(Db, Version), Error> {
        if !check_header(path)? {
            return Err(Error::no_history(&path.display().to_string()));
        }
        match Db::open_read_with(path, false) {
            // A WAL store in a directory this process cannot write has no `-shm` to share:
            // read it as immutable (nothing can be writing to it there).
            Err(e) if e.kind() == ErrorKind::CantOpen => Db::open_read_with(path, true),
            other => other,
        }
    }

    fn open_read_with(path: &Path, immutable: bool) -> Result<(Db, Version), Error> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = if immutable {
            Connection::open_with_flags(uri(path, "immutable=1"), flags)
        } else {
            Connection::open_with_flags(path, flags)
        }
        .map_err(|e| Error::new(format!("{}: cannot open: {e}", path.display())))?;
        let mut db = Db {
            conn,
            path: path.to_path_buf(),
        };
        db.conn.busy_timeout(BUSY_TIMEOUT)?;
        match db.with_tx(false, schema::inspect)? {
            Found::Empty => Err(Error::no_history(&path.display().to_string())),
            Found::History(v) => Ok((db, v)),
        }
    }

    /// Runs `f` in a transaction (IMMEDIATE when `write`), committing when it succeeds. A
    /// failed write, or any read that meets a damaged page, is followed by a quick check,
    /// so that corruption is reported as such.
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
        let result = match self.conn.transaction_with_behavior(behavior) {
            Ok(tx) => match f(&mut SqliteTx(&tx)) {
                Ok(out) => tx.commit().map(|()| out).map_err(Error::from),
                Err(e) => Err(e), // dropping `tx` rolls it back
            },
            Err(e) => Err(e.into()),
        };
        match result {
            Err(e) if write || e.kind() == ErrorKind::Corrupt => Err(self.diagnose(e)),
            other => other,
        }
    }

    /// `e`, or the corruption behind it when a quick check finds one.
    fn diagnose(&self, e: Error) -> Error {
        match self.quick_check() {
            Err(corrupt) => corrupt,
            Ok(()) if e.kind() == ErrorKind::Corrupt => self.corrupt(&e.to_string()),
            Ok(()) => e,
        }
    }

    /// `PRAGMA quick_check`: Ok when the store is sound.
    fn quick_check(&self) -> Result<(), Error> {
        let rows: Result<Vec<String>, rusqlite::Error> = self
            .conn
            .prepare("PRAGMA quick_check(3)")
            .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect());
        match rows {
            Ok(rows) if rows.len() == 1 && rows[0] == "ok" => Ok(()),
            Ok(rows) => Err(self.corrupt(&rows.join("; "))),
            Err(e) => Err(self.corrupt(&e.to_string())),
        }
    }

    fn corrupt(&self, detail: &str) -> Error {
        let detail: String = detail
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(160)
            .collect();
        Error::with_kind(
            ErrorKind::Corrupt,
            format!(
                "{}: the history store is corrupt (quick_check: {detail}); restore it from a \
                 backup or give another --history",
                self.path.display()
            ),
        )
    }
}

/// A `file:` URI for `path` with a query (`%`, `?` and `#` escaped).
fn uri(path: &Path, query: &str) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::from("file:");
    for c in abs.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            _ => out.push(c),
        }
    }
    format!("{out}?{query}")
}

/// True when `path` holds data, after checking it is an SQLite file; false when it is
/// missing or empty (a new store).
fn check_header(path: &Path) -> Result<bool, Error> {
    if path.is_dir() {
        return Err(Error::new(format!(
            "{}: is a directory, not a history file",
            path.display()
        )));
    }
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::new(format!("{}: cannot open: {e}", path.display()))),
    };
    let mut head = Vec::with_capacity(16);
    file.by_ref()
        .take(16)
        .read_to_end(&mut head)
        .map_err(|e| Error::new(format!("{}: cannot read: {e}", path.display())))?;
    if head.is_empty() {
        return Ok(false);
    }
    if head.as_slice() != MAGIC {
        return Err(Error::new(format!(
            "{}: not an SQLite database, so not an rca history; give another --history",
            path.display()
        )));
    }
    Ok(true)
}

struct SqliteTx<'a>(&'a rusqlite::Transaction<'a>);

fn values(params: &[Param<'_>]) -> Vec<SqlValue> {
    params
        .iter()
        .map(|p| match p {
            Param::Int(v) | Param::OptInt(Some(v)) => SqlValue::Integer(*v),
            Param::Text(s) | Param::OptText(Some(s)) => SqlValue::Text(s.to_string()),
            Param::OptText(None) | Param::OptInt(None) => SqlValue::Null,
        })
        .collect()
}

impl SqliteTx<'_> {
    fn names(&mut self, sql: &str, params: &[Param<'_>]) -> Result<BTreeSet<String>, Error> {
        Ok(self
            .query(sql, params)?
            .iter()
            .filter_map(|r| r.first().and_then(Value::text).map(str::to_string))
            .collect())
    }
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

    fn tables(&mut self) -> Result<BTreeSet<String>, Error> {
        self.names(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            &[],
        )
    }

    fn columns(&mut self, table: &str) -> Result<BTreeSet<String>, Error> {
        self.names("SELECT name FROM pragma_table_info($1)", &[table.into()])
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        let kind = match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => ErrorKind::Corrupt,
            // Read-only: the WAL index could not be set up (e.g. a directory this process
            // cannot write).
            Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly) => ErrorKind::CantOpen,
            _ => ErrorKind::Other,
        };
        let text = e
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Error::with_kind(kind, format!("sqlite: {text}"))
    }
}
