//! Reads by one key: what a query gives for its one parameter (`$1`), an id or a name.

use crate::error::Result;
use crate::Store;
use sqlx::any::AnyRow;
use sqlx::{Any, Encode, FromRow, Type};

/// A value a query can take as its parameter.
pub(crate) trait Key<'q>: 'q + Send + Encode<'q, Any> + Type<Any> {}

impl<'q, K: 'q + Send + Encode<'q, Any> + Type<Any>> Key<'q> for K {}

/// What a result row is read into.
pub(crate) trait Read: for<'r> FromRow<'r, AnyRow> + Send + Unpin {}

impl<T: for<'r> FromRow<'r, AnyRow> + Send + Unpin> Read for T {}

impl Store {
    /// Every row the query gives for `key`.
    pub(crate) async fn rows_by<'q, T: Read>(
        &self,
        sql: &'q str,
        key: impl Key<'q>,
    ) -> Result<Vec<T>> {
        Ok(sqlx::query_as(sql).bind(key).fetch_all(self.pool()).await?)
    }

    /// The row the query gives for `key`, if there is one.
    pub(crate) async fn row_by<'q, T: Read>(
        &self,
        sql: &'q str,
        key: impl Key<'q>,
    ) -> Result<Option<T>> {
        Ok(sqlx::query_as(sql)
            .bind(key)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The first column of every row the query gives for `key`.
    pub(crate) async fn values_by<'q, T>(&self, sql: &'q str, key: impl Key<'q>) -> Result<Vec<T>>
    where
        (T,): Read,
    {
        let rows: Vec<(T,)> = self.rows_by(sql, key).await?;
        Ok(rows.into_iter().map(|(value,)| value).collect())
    }

    /// The first column of the row the query gives for `key`, if there is one.
    pub(crate) async fn value_by<'q, T>(&self, sql: &'q str, key: impl Key<'q>) -> Result<Option<T>>
    where
        (T,): Read,
    {
        let row: Option<(T,)> = self.row_by(sql, key).await?;
        Ok(row.map(|(value,)| value))
    }

    /// The first column of the one row the query gives for `key` (an aggregate, a count);
    /// no row at all is an error.
    pub(crate) async fn scalar_by<'q, T>(&self, sql: &'q str, key: impl Key<'q>) -> Result<T>
    where
        (T,): Read,
    {
        let (value,): (T,) = sqlx::query_as(sql).bind(key).fetch_one(self.pool()).await?;
        Ok(value)
    }
}
