//! Several statements of one transaction sent together. On SQLite a string of statements runs
//! in one call to the connection's thread (each call is a hand-off between threads, and while a
//! write transaction waits for one the database's single write lock waits with it); PostgreSQL
//! does not take several statements with values in one message, so there they run one after
//! another on the same connection.
//!
//! Statements mark their values with a plain `?`, in order. Their text must hold no other `?`
//! (no string literal with one, no PostgreSQL `?` operator).

use crate::error::Result;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

/// A value bound to a `?`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(Some(v))
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Value {
        Value::Int(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(Some(v.to_string()))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(Some(v))
    }
}

/// Statements to run in order, with their values.
#[derive(Debug, Default)]
pub(crate) struct Statements {
    items: Vec<(String, Vec<Value>)>,
}

impl Statements {
    pub fn push(&mut self, sql: impl Into<String>, values: Vec<Value>) {
        self.items.push((sql.into(), values));
    }

    /// Runs them in order on `conn` (inside its transaction) and answers the rows they return,
    /// in order. The first failing statement's error is the answer; the transaction is then the
    /// caller's to roll back.
    pub async fn run(self, conn: &mut AnyConnection) -> Result<Vec<AnyRow>> {
        match conn.backend_name() {
            "SQLite" => {
                let sql: Vec<&str> = self.items.iter().map(|(s, _)| s.as_str()).collect();
                let sql = sql.join(";\n");
                let mut query = sqlx::query(&sql);
                for value in self.items.iter().flat_map(|(_, v)| v) {
                    query = bind(query, value);
                }
                Ok(query.fetch_all(&mut *conn).await?)
            }
            _ => {
                let mut rows = Vec::new();
                for (sql, values) in &self.items {
                    let sql = numbered(sql);
                    let mut query = sqlx::query(&sql);
                    for value in values {
                        query = bind(query, value);
                    }
                    rows.extend(query.fetch_all(&mut *conn).await?);
                }
                Ok(rows)
            }
        }
    }
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

fn bind<'q>(query: Query<'q>, value: &Value) -> Query<'q> {
    match value {
        Value::Int(v) => query.bind(*v),
        Value::Text(v) => query.bind(v.clone()),
    }
}

/// `?, ?` as PostgreSQL's `$1, $2`.
pub(crate) fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// `(?, ?, ?), (?, ?, ?)`: `rows` rows of `width` values.
pub(crate) fn value_rows(rows: usize, width: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(", "));
    vec![row; rows].join(", ")
}

#[cfg(test)]
#[path = "batch_tests.rs"]
mod tests;
