//! The history of analysed runs: where it lives (an embedded SQLite file by default, or a
//! PostgreSQL server shared by many CI runners) and the operations on it (record, load,
//! list, prune). A store is opened either for writing ([`History::open`]: created and
//! migrated as needed) or for reading ([`History::open_read`]: never created, migrated or
//! written). What a run record holds is in [`record`]; who a run is (its id, its CI run) in
//! [`identity`]; the schema and its migrations in [`schema`]; the SQL, written once for both
//! backends, in [`store`]. The nightly trend's rules are in [`trend`] and never touch the
//! database.
//!
//! It does not analyse runs or print them: a record is built from an analysis or a saved
//! report, and the printers are [`crate::report::trend`]'s.

pub mod identity;
pub mod postgres;
pub mod record;
pub mod schema;
pub mod sqlite;
pub mod store;
pub mod trend;

pub use record::RunRecord;
pub use store::{Recorded, RunFilter};

use std::path::{Path, PathBuf};

/// What kind of store error it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Nothing is stored at the location (reads do not create stores).
    NoHistory,
    /// The SQLite file is damaged.
    Corrupt,
    /// SQLite could not open or set up a file it needs (e.g. the `-shm` of a read-only
    /// directory).
    CantOpen,
    /// Anything else.
    Other,
}

/// An error of the history store, as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    msg: String,
    kind: ErrorKind,
}

impl Error {
    /// An error with this message.
    pub fn new(msg: impl Into<String>) -> Self {
        Error::with_kind(ErrorKind::Other, msg)
    }

    /// An error of this kind (line breaks in the message become spaces).
    pub fn with_kind(kind: ErrorKind, msg: impl Into<String>) -> Self {
        let msg: String = msg.into();
        let msg = if msg.contains(['\n', '\r']) {
            msg.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            msg
        };
        Error { msg, kind }
    }

    /// "no history at WHERE".
    pub fn no_history(location: &str) -> Self {
        Error::with_kind(ErrorKind::NoHistory, format!("no history at {location}"))
    }

    /// What kind of error it is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for Error {}

/// Where a history lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl Target {
    /// Reads `postgres://...` / `postgresql://...`, `sqlite:PATH` or a plain path.
    pub fn parse(url: &str) -> Target {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Target::Postgres(url.to_string());
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        Target::Sqlite(PathBuf::from(path))
    }

    /// The default store: `$XDG_DATA_HOME/rca/history.sqlite`, else
    /// `$HOME/.local/share/rca/history.sqlite`.
    pub fn default_sqlite(xdg_data_home: Option<&Path>, home: Option<&Path>) -> Option<Target> {
        let base = match (xdg_data_home, home) {
            (Some(x), _) if x.is_absolute() => x.to_path_buf(),
            (_, Some(h)) if !h.as_os_str().is_empty() => h.join(".local/share"),
            _ => return None,
        };
        Some(Target::Sqlite(base.join("rca").join("history.sqlite")))
    }

    /// A description for messages (a PostgreSQL password is hidden).
    pub fn describe(&self) -> String {
        match self {
            Target::Sqlite(p) => p.display().to_string(),
            Target::Postgres(url) => redact_url(url),
        }
    }
}

/// Hides the password of a connection URL.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, host) = match rest.rsplit_once('@') {
        Some(parts) => parts,
        None => return url.to_string(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

enum Backend {
    Sqlite(sqlite::Db),
    Postgres(Box<postgres::Db>),
}

/// An open history.
pub struct History {
    backend: Backend,
    version: schema::Version,
    writable: bool,
    note: Option<String>,
}

impl History {
    /// Opens the store for writing (creating and migrating it as needed).
    pub fn open(target: &Target) -> Result<History, Error> {
        let (backend, _found) = match target {
            Target::Sqlite(path) => {
                let (db, found) = sqlite::Db::open(path)?;
                (Backend::Sqlite(db), found)
            }
            Target::Postgres(url) => {
                let (db, found) = postgres::Db::open(url)?;
                (Backend::Postgres(Box::new(db)), found)
            }
        };
        Ok(History {
            backend,
            version: schema::Version(schema::CURRENT),
            writable: true,
            note: None,
        })
    }

    /// Opens the store for reading only: nothing is created, migrated or written. A
    /// location without a store is [`ErrorKind::NoHistory`]; an older schema is read as it
    /// is, with a [`note`](Self::note) saying that a write will upgrade it.
    pub fn open_read(target: &Target) -> Result<History, Error> {
        let (backend, version) = match target {
            Target::Sqlite(path) => {
                let (db, v) = sqlite::Db::open_read(path)?;
                (Backend::Sqlite(db), v)
            }
            Target::Postgres(url) => {
                let (db, v) = postgres::Db::open_read(url)?;
                (Backend::Postgres(Box::new(db)), v)
            }
        };
        Ok(History {
            backend,
            version,
            writable: false,
            note: schema::older_note(version),
        })
    }

    /// Something a reader should be told about the store (an older schema), if anything.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    fn tx<T>(
        &mut self,
        write: bool,
        f: impl FnOnce(&mut dyn store::Tx) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if write && !self.writable {
            return Err(Error::new("the history was opened for reading only"));
        }
        match &mut self.backend {
            Backend::Sqlite(db) => db.with_tx(write, f),
            Backend::Postgres(db) => db.with_tx(write, f),
        }
    }

    /// Stores a run in one transaction. A run with its id already there is left as it is,
    /// or replaced when `replace` is set.
    pub fn record(&mut self, run: &RunRecord, replace: bool) -> Result<Recorded, Error> {
        self.tx(true, |tx| store::record(tx, run, replace))
    }

    /// Runs matching `filter` with per-test data, oldest first.
    pub fn load(&mut self, filter: &RunFilter) -> Result<Vec<RunRecord>, Error> {
        let v = self.version;
        self.tx(false, |tx| store::load(tx, filter, v))
    }

    /// Runs matching `filter` (labels and counts only), oldest first.
    pub fn list(&mut self, filter: &RunFilter) -> Result<Vec<RunRecord>, Error> {
        let v = self.version;
        self.tx(false, |tx| store::load_runs(tx, filter, v))
    }

    /// Deletes runs older than `before` (epoch seconds); returns how many.
    pub fn prune(&mut self, before: i64) -> Result<u64, Error> {
        self.tx(true, |tx| store::prune(tx, before))
    }

    /// The schema version of the store.
    pub fn schema_version(&mut self) -> Result<i64, Error> {
        self.tx(false, schema::version)
    }
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_from_urls() {
        assert_eq!(
            Target::parse("postgres://u@h/db"),
            Target::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(
            Target::parse("sqlite:/tmp/h.db"),
            Target::Sqlite("/tmp/h.db".into())
        );
        assert_eq!(Target::parse("h.db"), Target::Sqlite("h.db".into()));
    }

    #[test]
    fn default_path_prefers_xdg() {
        let t = Target::default_sqlite(Some(Path::new("/x")), Some(Path::new("/home/u")));
        assert_eq!(t, Some(Target::Sqlite("/x/rca/history.sqlite".into())));
        let t = Target::default_sqlite(None, Some(Path::new("/home/u")));
        assert_eq!(
            t,
            Some(Target::Sqlite(
                "/home/u/.local/share/rca/history.sqlite".into()
            ))
        );
    }

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact_url("postgres://rca:s3cret@127.0.0.1:5432/rca"),
            "postgres://rca:***@127.0.0.1:5432/rca"
        );
    }
}
