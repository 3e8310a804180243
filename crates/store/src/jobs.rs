//! The job queue, in the database so it works the same on SQLite and PostgreSQL and survives
//! restarts. On PostgreSQL any number of workers claim jobs with `FOR UPDATE SKIP LOCKED`; on
//! SQLite the single writer makes the claim atomic.

use crate::audit::Event;
use crate::db::{now_ms, Backend, Store};
use crate::error::{Result, StoreError};
use crate::Actor;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use worktrack_domain::states::JobState;

pub const JOB_QUEUED: &str = JobState::Queued.as_str();
pub const JOB_RUNNING: &str = JobState::Running.as_str();
pub const JOB_DONE: &str = JobState::Done.as_str();
pub const JOB_DEAD: &str = JobState::Dead.as_str();

#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub state: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
}

fn job_from_row(r: &AnyRow) -> std::result::Result<Job, sqlx::Error> {
    let payload: String = r.try_get("payload")?;
    Ok(Job {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
        state: r.try_get("state")?,
        attempts: r.try_get("attempts")?,
        max_attempts: r.try_get("max_attempts")?,
        run_at: r.try_get("run_at")?,
        last_error: r.try_get("last_error")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Seconds to wait before attempt `n + 1` after `n` failed ones: 2, 4, 8 … up to 10 minutes.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 10) as u32;
    (2i64.pow(exp) * 1000).min(600_000)
}

const JOB_COLUMNS: &str =
    "id, kind, payload, state, attempts, max_attempts, run_at, last_error, created_at";

impl Store {
    /// Adds a job, ready to run now.
    pub async fn enqueue(
        &self,
        kind: &str,
        payload: &serde_json::Value,
        max_attempts: i64,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, created_at) \
             VALUES ($1, $2, 'queued', 0, $3, $4, $4) RETURNING id",
        )
        .bind(kind)
        .bind(payload.to_string())
        .bind(max_attempts.max(1))
        .bind(now)
        .fetch_one(&mut *tx.tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Takes the next job that is due (or whose worker's lease ran out) for `worker`, holding
    /// it for `lease_ms`. Each job is handed to one worker at a time. Short jobs people wait
    /// for (everything but reading text) come before reading text.
    pub async fn claim_job(&self, worker: &str, lease_ms: i64) -> Result<Option<Job>> {
        self.claim_job_of(worker, lease_ms, None).await
    }

    /// As [`Store::claim_job`], but only a job of one of `kinds` (a worker's lane), when given.
    pub async fn claim_job_of(
        &self,
        worker: &str,
        lease_ms: i64,
        kinds: Option<&[&str]>,
    ) -> Result<Option<Job>> {
        let now = now_ms();
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        // The kinds are bound, one placeholder each after the three fixed ones.
        let lane = match kinds {
            Some(kinds) if !kinds.is_empty() => format!(
                "AND kind IN ({})",
                (0..kinds.len())
                    .map(|i| format!("${}", i + 4))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => String::new(),
        };
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1, locked_until = $2 \
             WHERE id = (SELECT id FROM jobs WHERE ((state = 'queued' AND run_at <= $3) \
             OR (state = 'running' AND locked_until < $3)) {lane} \
             ORDER BY CASE WHEN kind = 'text' THEN 1 ELSE 0 END, run_at, id LIMIT 1 {lock}) \
             RETURNING {JOB_COLUMNS}"
        );
        let mut query = sqlx::query(&sql)
            .bind(worker)
            .bind(now + lease_ms)
            .bind(now);
        for k in kinds.unwrap_or_default() {
            query = query.bind(*k);
        }
        let row = query.fetch_optional(&mut *tx.tx).await?;
        tx.commit().await?;
        Ok(row.as_ref().map(job_from_row).transpose()?)
    }

    pub async fn complete_job(&self, id: i64) -> Result<()> {
        self.write_one(
            sqlx::query(
                "UPDATE jobs SET state = 'done', finished_at = $1, locked_by = NULL, \
                 locked_until = NULL WHERE id = $2",
            )
            .bind(now_ms())
            .bind(id),
        )
        .await
    }

    /// Records a failed attempt: the job is retried after a backoff, or, out of attempts,
    /// becomes a dead letter with its error.
    pub async fn fail_job(&self, job: &Job, error: &str) -> Result<()> {
        let error: String = error.chars().take(2000).collect();
        let now = now_ms();
        let dead = job.attempts >= job.max_attempts;
        self.write_one(
            sqlx::query(
                "UPDATE jobs SET state = $1, run_at = $2, last_error = $3, locked_by = NULL, \
                 locked_until = NULL, finished_at = $4 WHERE id = $5",
            )
            .bind(if dead { JOB_DEAD } else { JOB_QUEUED })
            .bind(now + backoff_ms(job.attempts))
            .bind(&error)
            .bind(dead.then_some(now))
            .bind(job.id),
        )
        .await
    }

    /// Jobs in `state`, newest first.
    pub async fn jobs(&self, state: &str, limit: i64) -> Result<Vec<Job>> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE state = $1 ORDER BY id DESC LIMIT $2"
        ))
        .bind(state)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(job_from_row)
            .collect::<std::result::Result<_, _>>()?)
    }

    pub async fn job(&self, id: i64) -> Result<Job> {
        let row = sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(job_from_row(&row)?)
    }

    /// Counts of jobs per state, for the operations page and metrics.
    pub async fn job_counts(&self) -> Result<Vec<(String, i64)>> {
        Ok(
            sqlx::query_as("SELECT state, COUNT(*) FROM jobs GROUP BY state ORDER BY state")
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// Puts a dead letter back in the queue with fresh attempts.
    pub async fn retry_job(&self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, finished_at = NULL WHERE id = $2 AND state = 'dead'",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit_audited(actor, Event::new("job.retry", "job", id, None))
            .await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_and_is_capped() {
        let got: Vec<i64> = (1..=12).map(super::backoff_ms).collect();
        assert_eq!(&got[..4], &[2000, 4000, 8000, 16000]);
        assert_eq!(got[11], 600_000);
        assert!(got.windows(2).all(|w| w[0] <= w[1]));
    }
}
