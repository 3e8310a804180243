//! The daily digest of overdue work for managers: who is due one, claiming it so that it goes
//! out once per manager per office day (across restarts and servers), and recording it.
//!
//! A digest names work items by number, workload, due date and assignee only: e-mail leaves the
//! system, so it carries no titles, claimants or document text.

use crate::audit::Event;
use crate::db::{now_ms, Store};
use crate::error::{Result, StoreError};
use crate::users::{user_from_row, User, USER_COLUMNS};
use crate::Actor;
use sqlx::Row;
use std::collections::hash_map::{Entry, HashMap};
use time::Date;
use worktrack_domain::{EmailAddress, TimeZone};

/// A claim on a digest that was neither sent nor released (the sender died) is taken again after
/// this long.
const STALE_CLAIM_MS: i64 = 10 * 60 * 1000;

/// Items listed in one digest; the total says how many more there are.
pub const DIGEST_ITEMS: i64 = 100;

#[derive(Debug, Clone)]
pub struct DigestItem {
    pub id: i64,
    pub workload: String,
    pub due_on: String,
    pub priority: i64,
    pub assignee: Option<String>,
}

from_row!(DigestItem {
    id,
    workload,
    due_on,
    priority,
    assignee
});

/// One manager's digest for one office day.
#[derive(Debug, Clone)]
pub struct Digest {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub office_id: i64,
    pub office_code: String,
    pub office_name: String,
    /// The office-local day it is for.
    pub day: Date,
    pub overdue: i64,
    /// The most overdue first, at most [`DIGEST_ITEMS`].
    pub items: Vec<DigestItem>,
}

impl Store {
    /// Sets (or with `None` clears) where `username`'s daily digest goes.
    pub async fn set_user_email(
        &self,
        actor: &Actor,
        username: &str,
        email: Option<&EmailAddress>,
    ) -> Result<User> {
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        let done = sqlx::query("UPDATE users SET email = $1 WHERE username = $2")
            .bind(email.map(EmailAddress::as_str))
            .bind(username)
            .execute(&mut *tx.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1"
        ))
        .bind(username)
        .fetch_one(&mut *tx.tx)
        .await?;
        let user = user_from_row(&row)?;
        tx.commit_audited(
            actor,
            Event::new("user.email", "user", &user.username, user.office_id)
                .detail(serde_json::json!({ "email": user.email })),
        )
        .await?;
        Ok(user)
    }

    /// The digests due at `at_ms`: every active manager with an e-mail address whose office has
    /// overdue work, whose office-local time has reached `hour`:00 on a business day, and who has
    /// not had (and is not being sent) that day's digest.
    pub async fn digests_due(&self, at_ms: i64, hour: u8) -> Result<Vec<Digest>> {
        let rows = sqlx::query(
            "SELECT u.id, u.username, u.display_name, u.email, o.id AS office_id, o.code, o.name, \
             o.time_zone, o.dc_area, \
             (SELECT MAX(d.day) FROM digests_sent d WHERE d.user_id = u.id \
              AND (d.sent_at IS NOT NULL OR d.claimed_at > $1)) AS last_day \
             FROM users u JOIN offices o ON o.id = u.office_id \
             WHERE u.role = 'manager' AND u.active = 1 AND u.email IS NOT NULL \
             ORDER BY o.code, u.username",
        )
        .bind(at_ms - STALE_CLAIM_MS)
        .fetch_all(self.pool())
        .await?;
        let mut due = Vec::new();
        let mut overdue_by_office: HashMap<i64, (i64, Vec<DigestItem>)> = HashMap::new();
        for r in &rows {
            let office_id: i64 = r.try_get("office_id")?;
            let zone: String = r.try_get("time_zone")?;
            let local = match TimeZone::parse(&zone) {
                Ok(tz) => tz.local_time(at_ms),
                Err(_) => continue,
            };
            let day = local.date();
            let last_day: Option<String> = r.try_get("last_day")?;
            if local.hour() < hour || last_day.is_some_and(|d| d >= day.to_string()) {
                continue;
            }
            // A round runs every minute: the office and its calendar come from the pages' copy.
            let office = self.office_cached(office_id).await?;
            if !self
                .office_calendar_cached(&office)
                .await?
                .is_business_day(day)
            {
                continue;
            }
            let (overdue, items) = match overdue_by_office.entry(office_id) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(self.overdue_items(office_id, day).await?),
            };
            if *overdue == 0 {
                continue;
            }
            due.push(Digest {
                user_id: r.try_get("id")?,
                username: r.try_get("username")?,
                display_name: r.try_get("display_name")?,
                email: r.try_get("email")?,
                office_id,
                office_code: r.try_get("code")?,
                office_name: r.try_get("name")?,
                day,
                overdue: *overdue,
                items: items.clone(),
            });
        }
        Ok(due)
    }

    /// An office's overdue work on `today` (open, not paused, due before today): how many, and
    /// the most overdue first.
    async fn overdue_items(&self, office_id: i64, today: Date) -> Result<(i64, Vec<DigestItem>)> {
        let today = today.to_string();
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND open = 1 \
             AND due_on < $2 AND status <> 'waiting'",
        )
        .bind(office_id)
        .bind(&today)
        .fetch_one(self.pool())
        .await?;
        if total == 0 {
            return Ok((0, Vec::new()));
        }
        let items = sqlx::query_as(
            "SELECT w.id, k.name AS workload, w.due_on, w.priority, u.display_name AS assignee \
             FROM work_items w JOIN workloads k ON k.code = w.workload \
             LEFT JOIN users u ON u.id = w.assignee_id \
             WHERE w.office_id = $1 AND w.open = 1 AND w.due_on < $2 AND w.status <> 'waiting' \
             ORDER BY w.due_on, w.id LIMIT $3",
        )
        .bind(office_id)
        .bind(&today)
        .bind(DIGEST_ITEMS)
        .fetch_all(self.pool())
        .await?;
        Ok((total, items))
    }

    /// Claims `digest` for sending: true if this caller is to send it (nobody has sent it, and
    /// nobody else is sending it now).
    pub async fn claim_digest(&self, digest: &Digest) -> Result<bool> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "INSERT INTO digests_sent (user_id, day, overdue, claimed_at, sent_at) \
             VALUES ($1, $2, $3, $4, NULL) \
             ON CONFLICT (user_id, day) DO UPDATE SET overdue = $3, claimed_at = $4 \
             WHERE digests_sent.sent_at IS NULL AND digests_sent.claimed_at <= $5",
        )
        .bind(digest.user_id)
        .bind(digest.day.to_string())
        .bind(digest.overdue)
        .bind(now)
        .bind(now - STALE_CLAIM_MS)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records that `digest` went out (audited).
    pub async fn digest_sent(&self, digest: &Digest) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE digests_sent SET sent_at = $1 WHERE user_id = $2 AND day = $3")
            .bind(now_ms())
            .bind(digest.user_id)
            .bind(digest.day.to_string())
            .execute(&mut *tx.tx)
            .await?;
        tx.commit_audited(
            &Actor::system("digest"),
            Event::new(
                "digest.sent",
                "user",
                &digest.username,
                Some(digest.office_id),
            )
            .detail(serde_json::json!({
                "office": digest.office_code,
                "day": digest.day.to_string(),
                "overdue": digest.overdue,
            })),
        )
        .await
    }

    /// Gives up the claim on `digest` after a failed send, so that the next attempt sends it.
    pub async fn release_digest(&self, digest: &Digest) -> Result<()> {
        self.write_one(
            sqlx::query(
                "DELETE FROM digests_sent WHERE user_id = $1 AND day = $2 AND sent_at IS NULL",
            )
            .bind(digest.user_id)
            .bind(digest.day.to_string()),
        )
        .await
    }
}
