//! The PostgreSQL backend (the `postgres` crate, synchronous, no TLS: meant for a server on
//! the loopback or a private network; see README "History and trend"). Same schema and
//! queries as SQLite; migrations hold an advisory lock so concurrent openers serialise.
//! Reads run in `READ ONLY` transactions and never migrate; a schema without rca's tables
//! is "no history" to a read. It holds no query on runs: the SQL is [`super::store`]'s and
//! the schema [`super::schema`]'s.

use super::Error;
use super::schema::{self, Found, Version};
use super::store::{Param, Tx, Value};
use ::postgres::types::{ToSql, Type};
use ::postgres::{Client, NoTls, Statement};
use std::collections::BTreeSet;
use std::collections::HashMap;

/// Advisory lock key taken while migrating ("rca" + 1).
const MIGRATION_LOCK: i64 = 0x7263_6101;

/// An open PostgreSQL history.
pub struct Db {
    client: Client,
    /// Statements prepared on this connection, by SQL text (saves a round trip each).
    statements: HashMap<String, Statement>,
}

fn connect(url: &str) -> Result<Db, Error> {
    let client = Client::connect(url, NoTls).map_err(|e| {
        Error::new(format!(
            "{}: cannot connect: {}",
            super::redact_url(url),
            message(&e)
        ))
    })?;
    Ok(Db {
        client,
        statements: HashMap::new(),
    })
}

impl Db {
    /// Connects to `url` (`postgres://user:pass@host:port/db`) and migrates the schema.
    /// Returns the store and the version it had before.
    pub fn open(url: &str) -> Result<(Db, i64), Error> {
        let mut db = connect(url)?;
        let found = db.with_tx(true, |tx| {
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[MIGRATION_LOCK.into()])?;
            schema::migrate(tx)
        })?;
        Ok((db, found))
    }

    /// Connects to `url` for reading only; a schema without an rca history is "no history".
    pub fn open_read(url: &str) -> Result<(Db, Version), Error> {
        let mut db = connect(url)?;
        match db.with_tx(false, schema::inspect)? {
            Found::Empty => Err(Error::no_history(&super::redact_url(url))),
            Found::History(v) => Ok((db, v)),
        }
    }

    /// Runs `f` in a transaction (`READ ONLY` unless `write`), committing when it succeeds.
    pub fn with_tx<T>(
        &mut self,
        write: bool,
        f: impl FnOnce(&mut dyn Tx) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut tx = self.client.build_transaction().read_only(!write).start()?;
        let out = f(&mut PgTx {
            tx: &mut tx,
            statements: &mut self.statements,
        })?;
        tx.commit()?;
        Ok(out)
    }
}

struct PgTx<'a, 'b> {
    tx: &'a mut ::postgres::Transaction<'b>,
    statements: &'a mut HashMap<String, Statement>,
}

impl PgTx<'_, '_> {
    fn statement(&mut self, sql: &str) -> Result<Statement, Error> {
        if let Some(st) = self.statements.get(sql) {
            return Ok(st.clone());
        }
        let st = self.tx.prepare(sql)?;
        self.statements.insert(sql.to_string(), st.clone());
        Ok(st)
    }
}

fn boxed<'a>(params: &'a [Param<'a>]) -> Vec<Box<dyn ToSql + Sync + 'a>> {
    params
        .iter()
        .map(|p| -> Box<dyn ToSql + Sync + 'a> {
            match p {
                Param::Int(v) => Box::new(*v),
                Param::Text(s) => Box::new(*s),
                Param::OptText(s) => Box::new(*s),
                Param::OptInt(v) => Box::new(*v),
            }
        })
        .collect()
}

impl Tx for PgTx<'_, '_> {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, Error> {
        let owned = boxed(params);
        let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|b| &**b as _).collect();
        let st = self.statement(sql)?;
        Ok(self.tx.execute(&st, &refs)?)
    }

    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Value>>, Error> {
        let owned = boxed(params);
        let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|b| &**b as _).collect();
        let st = self.statement(sql)?;
        let rows = self.tx.query(&st, &refs)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut values = Vec::with_capacity(row.len());
            for (i, col) in row.columns().iter().enumerate() {
                let v = match *col.type_() {
                    Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
                    Type::INT4 => row
                        .try_get::<_, Option<i32>>(i)?
                        .map(|v| Value::Int(v.into())),
                    Type::VOID => None,
                    _ => row.try_get::<_, Option<String>>(i)?.map(Value::Text),
                };
                values.push(v.unwrap_or(Value::Null));
            }
            out.push(values);
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), Error> {
        Ok(self.tx.batch_execute(sql)?)
    }

    fn tables(&mut self) -> Result<BTreeSet<String>, Error> {
        self.names(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema()",
            &[],
        )
    }

    fn columns(&mut self, table: &str) -> Result<BTreeSet<String>, Error> {
        self.names(
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1",
            &[table.into()],
        )
    }
}

impl PgTx<'_, '_> {
    fn names(&mut self, sql: &str, params: &[Param<'_>]) -> Result<BTreeSet<String>, Error> {
        Ok(self
            .query(sql, params)?
            .iter()
            .filter_map(|r| r.first().and_then(Value::text).map(str::to_string))
            .collect())
    }
}

/// The server's own message when there is one ("db error" alone says nothing).
fn message(e: &::postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => e.to_string(),
    }
}

impl From<::postgres::Error> for Error {
    fn from(e: ::postgres::Error) -> Self {
        let text = message(&e).split_whitespace().collect::<Vec<_>>().join(" ");
        Error::new(format!("postgres: {text}"))
    }
}
