//! Private calendar feeds: each employee may create a secret key whose address serves their
//! appointments as iCalendar without a session. The key is shown once; the database keeps only
//! its SHA-256 (as for API tokens), and revoking it ends the feed. A request with a revoked or
//! unknown key is audited as a failed attempt.

use crate::appointments::Appointment;
use crate::audit::Event;
use crate::auth::{new_secret, secret_hash};
use crate::db::now_ms;
use crate::error::{Result, StoreError};
use crate::{Actor, Store, User, Viewer};
use serde_json::json;
use worktrack_domain::schedule;

/// How far back and ahead a feed reaches.
pub const FEED_PAST_DAYS: i64 = 14;
pub const FEED_AHEAD_DAYS: i64 = 60;

/// One feed of an employee's.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarFeed {
    pub id: i64,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

from_row!(CalendarFeed {
    id,
    created_at,
    revoked_at
});

/// What a feed's address serves: whose it is, and their appointments.
pub struct FeedContent {
    pub user: User,
    pub office_id: i64,
    pub appointments: Vec<Appointment>,
}

impl Store {
    /// Creates a feed for the viewer (staff with a schedule); the secret key is returned once.
    pub async fn create_calendar_feed(&self, viewer: &Viewer) -> Result<(CalendarFeed, String)> {
        let user_id = viewer.actor.user_id.ok_or(StoreError::NotFound)?;
        if !schedule::has_schedule(viewer.role) {
            return Err(StoreError::Forbidden(
                "only staff who serve appointments have a calendar feed".into(),
            ));
        }
        let key = new_secret();
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO calendar_feeds (user_id, key_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(user_id)
        .bind(secret_hash(&key))
        .bind(now)
        .fetch_one(&mut *tx.tx)
        .await?;
        tx.commit_audited(
            &viewer.actor,
            Event::new(
                "calendar_feed.create",
                "calendar_feed",
                id,
                viewer.office_id,
            ),
        )
        .await?;
        let feed = CalendarFeed {
            id,
            created_at: now,
            revoked_at: None,
        };
        Ok((feed, key))
    }

    /// The viewer's feeds, newest first.
    pub async fn calendar_feeds(&self, viewer: &Viewer) -> Result<Vec<CalendarFeed>> {
        let user_id = viewer.actor.user_id.ok_or(StoreError::NotFound)?;
        self.rows_by(
            "SELECT id, created_at, revoked_at FROM calendar_feeds WHERE user_id = $1 ORDER BY id DESC",
            user_id,
        )
        .await
    }

    /// Revokes one of the viewer's own feeds (another's is not found).
    pub async fn revoke_calendar_feed(&self, viewer: &Viewer, id: i64) -> Result<()> {
        let user_id = viewer.actor.user_id.ok_or(StoreError::NotFound)?;
        let mut tx = self.begin_write().await?;
        let owner: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT user_id, revoked_at FROM calendar_feeds WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx.tx)
                .await?;
        match owner {
            Some((owner, _)) if owner != user_id => return Err(StoreError::NotFound),
            None => return Err(StoreError::NotFound),
            Some((_, Some(_))) => return Ok(()),
            Some((_, None)) => {}
        }
        sqlx::query(
            "UPDATE calendar_feeds SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit_audited(
            &viewer.actor,
            Event::new(
                "calendar_feed.revoke",
                "calendar_feed",
                id,
                viewer.office_id,
            ),
        )
        .await
    }

    /// The appointments a feed's `key` serves (its owner's, from 14 days ago to 60 ahead, the
    /// view audited as theirs); a revoked or unknown key is not found, audited as a failed
    /// attempt (with the first characters of the key's hash only).
    pub async fn calendar_feed(&self, key: &str) -> Result<FeedContent> {
        let hash = secret_hash(key);
        let row: Option<(i64, i64)> = self
            .row_by(
                "SELECT f.id, f.user_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id \
                 WHERE f.key_hash = $1 AND f.revoked_at IS NULL AND u.active = 1",
                &hash,
            )
            .await?;
        let user = match row {
            Some((_, user_id)) => Some(self.user_by_id(user_id).await?),
            None => None,
        };
        let Some((user, office_id)) = user.and_then(|u| u.office_id.map(|o| (u, o))) else {
            self.audit(
                &Actor::system("calendar-feed"),
                Event {
                    action: "calendar_feed.denied",
                    target_type: "calendar_feed",
                    target_id: hash[..12].to_string(),
                    office_id: None,
                    detail: json!({ "reason": "revoked or unknown key" }),
                },
            )
            .await?;
            return Err(StoreError::NotFound);
        };
        let viewer = Viewer::for_user(&user, &[]);
        let now = now_ms();
        let day = 86_400_000;
        let appointments = self
            .appointments(
                &viewer,
                office_id,
                Some(user.id),
                now - FEED_PAST_DAYS * day,
                now + FEED_AHEAD_DAYS * day,
            )
            .await?;
        Ok(FeedContent {
            user,
            office_id,
            appointments,
        })
    }
}
