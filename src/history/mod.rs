//! The history of analysed runs: where it lives (an embedded SQLite file by default, or a
//! PostgreSQL server shared by many CI runners) and the operations on it (record, load,
//! list, prune). What a run record holds is in [`record`]; the schema and its migrations in
//! [`schema`]; the SQL, written once for both backends, in [`store`]. Trend rules live in
//! [`crate::trend`] and never touch the database.

pub mod postgres;
pub mod record;
pub mod schema;
pub mod sqlite;
pub mod store;

pub use record::RunRecord;
pub use store::RunFilter;

use std::path::{Path, PathBuf};

/// An error of the history store, as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    /// An error with this message.
    pub fn new(msg: impl Into<String>) -> Self {
        Error(msg.into())
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
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

/// An open, migrated history.
pub struct History {
    backend: Backend,
}

impl History {
    /// Opens the store (creating and migrating it as needed).
    pub fn open(target: &Target) -> Result<History, Error> {
        let backend = match target {
            Target::Sqlite(path) => Backend::Sqlite(sqlite::Db::open(path)?),
            Target::Postgres(url) => Backend::Postgres(Box::new(postgres::Db::open(url)?)),
        };
        Ok(History { backend })
    }

    fn tx<T>(
        &mut self,
        write: bool,
        f: impl FnOnce(&mut dyn store::Tx) -> Result<T, Error>,
    ) -> Result<T, Error> {
        match &mut self.backend {
            Backend::Sqlite(db) => db.with_tx(write, f),
            Backend::Postgres(db) => db.with_tx(write, f),
        }
    }

    /// Stores a run in one transaction; false when a run with its id was already there.
    pub fn record(&mut self, run: &RunRecord) -> Result<bool, Error> {
        self.tx(true, |tx| store::record(tx, run))
    }

    /// Runs matching `filter` with per-test data, oldest first.
    pub fn load(&mut self, filter: &RunFilter) -> Result<Vec<RunRecord>, Error> {
        self.tx(false, |tx| store::load(tx, filter))
    }

    /// Runs matching `filter` (labels and counts only), oldest first.
    pub fn list(&mut self, filter: &RunFilter) -> Result<Vec<RunRecord>, Error> {
        self.tx(false, |tx| store::load_runs(tx, filter))
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
