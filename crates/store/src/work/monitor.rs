//! Monitoring (load, dates, summaries, today's paper), notifications and saved views.

use super::*;
use worktrack_domain::states::{DocumentStatus, ProfileStatus};

impl Store {
    /// Open work per person of the office.
    pub async fn office_load(&self, office: &Office, today: Date) -> Result<Vec<Load>> {
        let rows: Vec<(i64, String, i64, f64, i64, i64)> = sqlx::query_as(
            "SELECT u.id, u.display_name, \
             (SELECT COUNT(*) FROM work_items w WHERE w.assignee_id = u.id AND w.open = 1), \
             (SELECT COALESCE(SUM(COALESCE(r.effort, 1.0)), 0.0) FROM work_items w LEFT JOIN workload_rules r ON r.workload = w.workload \
              WHERE w.assignee_id = u.id AND w.open = 1), \
             (SELECT COUNT(*) FROM work_items w WHERE w.assignee_id = u.id AND w.open = 1 AND w.status <> 'waiting' AND w.due_on < $2), \
             (SELECT COUNT(*) FROM leave l WHERE l.user_id = u.id AND l.first_day <= $2 AND l.last_day >= $2) \
             FROM users u WHERE u.office_id = $1 AND u.active = 1 AND u.role IN ('employee', 'manager') ORDER BY u.display_name",
        )
        .bind(office.id)
        .bind(today.to_string())
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(user_id, name, open, effort, overdue, away)| Load {
                user_id,
                name,
                open,
                effort,
                overdue,
                away: away > 0,
            })
            .collect())
    }

    /// `(received_on, due_on, completed_on)` of the office's items received on or after `from`
    /// or still open: enough for backlog trends and timeliness by week.
    pub async fn office_item_dates(
        &self,
        office_id: i64,
        from: Date,
    ) -> Result<Vec<(String, String, Option<String>, String)>> {
        Ok(sqlx::query_as(
            "SELECT received_on, due_on, completed_on, status FROM work_items WHERE office_id = $1 \
             AND (open = 1 OR completed_on >= $2)",
        )
        .bind(office_id)
        .bind(from.to_string())
        .fetch_all(self.pool())
        .await?)
    }

    /// Per office of the list: open, overdue, due today, completed since `since`, and active staff.
    pub async fn office_summaries(
        &self,
        office_ids: &[i64],
        today: Date,
        since: Date,
    ) -> Result<Vec<(i64, i64, i64, i64, i64, i64)>> {
        let mut out = Vec::new();
        for id in office_ids {
            let (open, overdue, due_today, completed, staff): (i64, i64, i64, i64, i64) = sqlx::query_as(
                "SELECT \
                 (SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND open = 1), \
                 (SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND open = 1 AND status <> 'waiting' AND due_on < $2), \
                 (SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND open = 1 AND status <> 'waiting' AND due_on = $2), \
                 (SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND completed_on >= $3 AND status = 'completed'), \
                 (SELECT COUNT(*) FROM users WHERE office_id = $1 AND active = 1 AND role = 'employee')",
            )
            .bind(id)
            .bind(today.to_string())
            .bind(since.to_string())
            .fetch_one(self.pool())
            .await?;
            out.push((*id, open, overdue, due_today, completed, staff));
        }
        Ok(out)
    }

    /// Today's paper of an office: received today, uploaded today, and of those uploaded today
    /// how many are profiled and how many still wait.
    pub async fn paper_today(&self, office_id: i64, today: Date) -> Result<(i64, i64, i64, i64)> {
        let profiled = ProfileStatus::profiled_sql();
        let stored = DocumentStatus::Stored.as_str();
        Ok(sqlx::query_as(&format!(
            "SELECT \
             (SELECT COUNT(*) FROM documents WHERE office_id = $1 AND received_on = $2), \
             (SELECT COUNT(*) FROM documents WHERE office_id = $1 AND uploaded_on = $2), \
             (SELECT COUNT(*) FROM documents WHERE office_id = $1 AND uploaded_on = $2 AND profile_status IN ({profiled})), \
             (SELECT COUNT(*) FROM documents WHERE office_id = $1 AND profile_status NOT IN ({profiled}) AND status = '{stored}')",
        ))
        .bind(office_id)
        .bind(today.to_string())
        .fetch_one(self.pool())
        .await?)
    }

    /// Documents of the office waiting to be profiled (stored, neither confirmed nor accepted
    /// automatically), for the count beside *Profiling* in the navigation.
    pub async fn documents_to_profile(&self, office_id: i64) -> Result<i64> {
        let sql = format!(
            "SELECT COUNT(*) FROM documents WHERE office_id = $1 AND profile_status NOT IN ({}) AND status = '{}'",
            ProfileStatus::profiled_sql(),
            DocumentStatus::Stored.as_str()
        );
        self.scalar_by(&sql, office_id).await
    }

    // --- notifications and saved views ---------------------------------------------------------------

    pub async fn notifications(&self, user_id: i64, limit: i64) -> Result<Vec<Notification>> {
        /// `(id, work_item_id, message, created_at, read_at)`.
        type Row = (i64, Option<i64>, String, i64, Option<i64>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, work_item_id, message, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit.clamp(1, 500))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, work_item_id, message, created_at, read_at)| Notification {
                    id,
                    work_item_id,
                    message,
                    created_at,
                    read: read_at.is_some(),
                },
            )
            .collect())
    }

    pub async fn unread_notifications(&self, user_id: i64) -> Result<i64> {
        self.scalar_by(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
            user_id,
        )
        .await
    }

    pub async fn mark_notifications_read(&self, user_id: i64) -> Result<()> {
        self.write_one(
            sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
            )
            .bind(now_ms())
            .bind(user_id),
        )
        .await
    }

    pub async fn saved_views(&self, user_id: i64) -> Result<Vec<SavedView>> {
        self.rows_by(
            "SELECT id, name, query FROM saved_views WHERE user_id = $1 ORDER BY name",
            user_id,
        )
        .await
    }

    /// Saves (or replaces) a named view of the queue for `user_id`.
    pub async fn save_view(&self, user_id: i64, name: &str, query: &str) -> Result<()> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(StoreError::Invalid(
                "a saved view needs a name of 1 to 60 characters".into(),
            ));
        }
        if query.len() > 500 || query.contains(['\n', '\r']) {
            return Err(StoreError::Invalid("that view cannot be saved".into()));
        }
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        sqlx::query(
            "INSERT INTO saved_views (user_id, name, query, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, name) DO UPDATE SET query = excluded.query",
        )
        .bind(user_id)
        .bind(name)
        .bind(query)
        .bind(now_ms())
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await
    }

    pub async fn delete_view(&self, user_id: i64, id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        let done = sqlx::query("DELETE FROM saved_views WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await
    }
}
