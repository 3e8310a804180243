//! Reads by one key: what a query gives for its one parameter (`$1`), an id or a name.

use crate::error::Result;
use crate::Store;
use sqlx::any::AnyRow;
use sqlx::{Any, Encode, FromRow, Type};

impl Store {
    /// Every row the query gives for `key`.
    pub(crate) async fn rows_by<'q, T, K>(&self, sql: &'q str, key: K) -> Result<Vec<T>>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
        K: 'q + Send + Encode<'q, Any> + Type<Any>,
    {
        Ok(sqlx::query_as(sql).bind(key).fetch_all(self.pool()).await?)
    }

    /// The row the query gives for `key`, if there is one.
    pub(crate) async fn row_by<'q, T, K>(&self, sql: &'q str, key: K) -> Result<Option<T>>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
        K: 'q + Send + Encode<'q, Any> + Type<Any>,
    {
        Ok(sqlx::query_as(sql)
            .bind(key)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The first column of every row the query gives for `key`.
    pub(crate) async fn values_by<'q, T, K>(&self, sql: &'q str, key: K) -> Result<Vec<T>>
    where
        T: Send + Unpin,
        (T,): for<'r> FromRow<'r, AnyRow>,
        K: 'q + Send + Encode<'q, Any> + Type<Any>,
    {
        Ok(sqlx::query_scalar(sql)
            .bind(key)
            .fetch_all(self.pool())
            .await?)
    }

    /// The first column of the row the query gives for `key`, if there is one.
    pub(crate) async fn value_by<'q, T, K>(&self, sql: &'q str, key: K) -> Result<Option<T>>
    where
        T: Send + Unpin,
        (T,): for<'r> FromRow<'r, AnyRow>,
        K: 'q + Send + Encode<'q, Any> + Type<Any>,
    {
        Ok(sqlx::query_scalar(sql)
            .bind(key)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The first column of the one row the query gives for `key` (an aggregate, a count);
    /// no row at all is an error.
    pub(crate) async fn scalar_by<'q, T, K>(&self, sql: &'q str, key: K) -> Result<T>
    where
        T: Send + Unpin,
        (T,): for<'r> FromRow<'r, AnyRow>,
        K: 'q + Send + Encode<'q, Any> + Type<Any>,
    {
        Ok(sqlx::query_scalar(sql)
            .bind(key)
            .fetch_one(self.pool())
            .await?)
    }
}
