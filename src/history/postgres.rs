//! The PostgreSQL backend (the `postgres` crate, synchronous, no TLS: meant for a server on
//! the loopback or a private network; see README "History and trend"). Same schema and
//! queries as SQLite; migrations hold an advisory lock so concurrent openers serialise.

use super::Error;
use super::schema;
use super::store::{Param, Tx, Value};
use ::postgres::types::{ToSql, Type};
use ::postgres::{Client, NoTls, Statement};
use std::collections::HashMap;

/// Advisory lock key taken while migrating ("rca" + 1).
const MIGRATION_LOCK: i64 = 0x7263_6101;

/// An open PostgreSQL history.
pub struct Db {
    client: Client,
    /// Statements prepared on this connection, by SQL text (saves a round trip each).
    statements: HashMap<String, Statement>,
}

impl Db {
    /// Connects to `url` (`postgres://user:pass@host:port/db`) and migrates the schema.
    pub fn open(url: &str) -> Result<Db, Error> {
        let client = Client::connect(url, NoTls).map_err(|e| {
            Error::new(format!(
                "{}: cannot connect: {}",
                super::redact_url(url),
                message(&e)
            ))
        })?;
        let mut db = Db {
            client,
            statements: HashMap::new(),
        };
        db.with_tx(true, |tx| {
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[MIGRATION_LOCK.into()])?;
            schema::migrate(tx).map(|_| ())
        })?;
        Ok(db)
    }

    /// Runs `f` in a transaction, committing when it succeeds.
    pub fn with_tx<T>(
        &mut self,
        _write: bool,
        f: impl FnOnce(&mut dyn Tx) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut tx = self.client.transaction()?;
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
        Error::new(format!("postgres: {}", message(&e)))
    }
}
