//! Generated history for training offices (`worktrack demo`): a work item made today through
//! the ordinary moves is given the dates it would have had, so dashboards and queues show
//! weeks of work instead of one day's. Refused for any office that is not a training office,
//! so real history can never be rewritten.

use crate::db::Store;
use crate::error::{Result, StoreError};
use time::Date;

impl Store {
    /// Dates the moves of work item `id` at `times` (Unix ms, one per history row in the
    /// order they were made; extra rows keep their time), its creation at the first and its
    /// last change at the last, and its completion on `completed_on`.
    pub async fn backdate_training_work_item(
        &self,
        id: i64,
        times: &[i64],
        completed_on: Option<Date>,
    ) -> Result<()> {
        let (Some(first), Some(last)) = (times.first(), times.last()) else {
            return Err(StoreError::Invalid("no times to date the item at".into()));
        };
        let mut tx = self.begin_write().await?;
        let training: Option<i64> = sqlx::query_scalar(
            "SELECT o.training FROM work_items w JOIN offices o ON o.id = w.office_id WHERE w.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx.tx)
        .await?;
        match training {
            None => return Err(StoreError::NotFound),
            Some(0) => {
                return Err(StoreError::Forbidden(
                    "only a training office's history may be generated".into(),
                ))
            }
            Some(_) => {}
        }
        let rows: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM work_item_history WHERE work_item_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut *tx.tx)
        .await?;
        for (row, at) in rows.iter().zip(times) {
            sqlx::query("UPDATE work_item_history SET at = $1 WHERE id = $2")
                .bind(*at)
                .bind(*row)
                .execute(&mut *tx.tx)
                .await?;
        }
        sqlx::query(
            "UPDATE work_items SET created_at = $1, updated_at = $2, completed_on = COALESCE($3, completed_on) \
             WHERE id = $4",
        )
        .bind(*first)
        .bind(*last)
        .bind(completed_on.map(|d| d.to_string()))
        .bind(id)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await
    }
}
