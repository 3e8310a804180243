//! Server-side sessions, personal API tokens and sign-in throttling.
//!
//! Session ids and API tokens are random 256-bit secrets handed to the client once; the
//! database keeps only their SHA-256, so a copy of the database opens no session.

use crate::audit::Event;
use crate::db::{now_ms, Store};
use crate::error::{Result, StoreError};
use crate::users::{user_from_row, User, USER_COLUMNS};
use crate::Actor;
use base64::Engine;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// Failed sign-ins allowed per user name, and per client address, within the window.
pub const THROTTLE_WINDOW_MS: i64 = worktrack_domain::throttle::WINDOW_MS;
/// A session ends after this much inactivity, or this long after sign-in.
const SESSION_IDLE_MS: i64 = 60 * 60 * 1000;
const SESSION_MAX_MS: i64 = 12 * 60 * 60 * 1000;
/// `last_seen_at` is written at most this often, so page views are not all writes.
const SESSION_TOUCH_MS: i64 = 60 * 1000;

pub(crate) fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

from_row!(ApiToken {
    id,
    name,
    prefix,
    created_at,
    expires_at,
    revoked_at,
    last_used_at
});

#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, to recognise it in a list.
    pub prefix: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// A token just created: the secret is shown once and never stored.
pub struct IssuedToken {
    pub token: ApiToken,
    pub secret: String,
}

impl Store {
    /// Starts a session for `user`; returns the secret for the cookie.
    pub async fn create_session(&self, user: &User) -> Result<String> {
        let secret = new_secret();
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(secret_hash(&secret))
        .bind(user.id)
        .bind(now)
        .bind(now + SESSION_MAX_MS)
        .execute(&mut *tx.tx)
        .await?;
        // Expired sessions of anyone are swept here rather than by a timer.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2")
            .bind(now)
            .bind(now - SESSION_IDLE_MS)
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// The active user of a live session, refreshing its idle timer.
    pub async fn session_user(&self, secret: &str) -> Result<Option<User>> {
        let now = now_ms();
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.active = 1"
        ))
        .bind(secret_hash(secret))
        .bind(now)
        .bind(now - SESSION_IDLE_MS)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = user_from_row(&row)?;
        let last_seen: i64 = row.try_get("last_seen_at")?;
        if now - last_seen > SESSION_TOUCH_MS {
            let hash = secret_hash(secret);
            self.touch_once(
                &hash,
                "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2",
                now,
            )
            .await?;
        }
        Ok(Some(user))
    }

    pub async fn delete_session(&self, secret: &str) -> Result<()> {
        self.write_one(
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(secret_hash(secret)),
        )
        .await
    }

    pub async fn create_api_token(
        &self,
        actor: &Actor,
        user: &User,
        name: &str,
        expires_at: i64,
    ) -> Result<IssuedToken> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(StoreError::Invalid(
                "a token name is 1 to 100 characters".into(),
            ));
        }
        let now = now_ms();
        if expires_at <= now {
            return Err(StoreError::Invalid(
                "a token's expiry must be in the future".into(),
            ));
        }
        let secret = format!("wt_{}", new_secret());
        let prefix: String = secret.chars().take(10).collect();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(user.id)
        .bind(name)
        .bind(&prefix)
        .bind(secret_hash(&secret))
        .bind(now)
        .bind(expires_at)
        .fetch_one(&mut *tx.tx)
        .await?;
        tx.commit_audited(
            actor,
            Event::new("token.create", "api_token", id, user.office_id).detail(
                serde_json::json!({ "name": name, "prefix": prefix, "expires_at": expires_at }),
            ),
        )
        .await?;
        Ok(IssuedToken {
            token: ApiToken {
                id,
                name: name.to_string(),
                prefix,
                created_at: now,
                expires_at,
                revoked_at: None,
                last_used_at: None,
            },
            secret,
        })
    }

    pub async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>> {
        self.rows_by(
            "SELECT id, name, prefix, created_at, expires_at, revoked_at, last_used_at \
             FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
            user_id,
        )
        .await
    }

    /// Revokes one of `user`'s tokens.
    pub async fn revoke_api_token(&self, actor: &Actor, user: &User, token_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(token_id)
        .bind(user.id)
        .execute(&mut *tx.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit_audited(
            actor,
            Event::new("token.revoke", "api_token", token_id, user.office_id),
        )
        .await
    }

    /// Runs `sql` (`$1` = `now`, `$2` = `hash`) to refresh a session's or token's last use,
    /// unless a request of this process is already doing it: a burst of requests on one session
    /// would otherwise queue on the writer, each to write the same minute.
    async fn touch_once(&self, hash: &str, sql: &str, now: i64) -> Result<()> {
        if !self.touching().insert(hash.to_string()) {
            return Ok(());
        }
        let result = self.write_one(sqlx::query(sql).bind(now).bind(hash)).await;
        self.touching().remove(hash);
        result
    }

    /// The active user a live (unrevoked, unexpired) token belongs to.
    pub async fn token_user(&self, secret: &str) -> Result<Option<User>> {
        let now = now_ms();
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, t.id AS token_id, t.last_used_at FROM api_tokens t \
             JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL \
             AND t.expires_at > $2 AND u.active = 1"
        ))
        .bind(secret_hash(secret))
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = user_from_row(&row)?;
        let last_used: Option<i64> = row.try_get("last_used_at")?;
        if last_used.is_none_or(|t| now - t > SESSION_TOUCH_MS) {
            self.touch_once(
                &secret_hash(secret),
                "UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2",
                now,
            )
            .await?;
        }
        Ok(Some(user))
    }

    /// Recent failed sign-ins for this user name and from this client, each with the time of
    /// the latest (for `domain::throttle::wait_secs`).
    pub async fn login_failures(
        &self,
        username: &str,
        client: &str,
    ) -> Result<worktrack_domain::throttle::Failures> {
        let since = now_ms() - THROTTLE_WINDOW_MS;
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at > $3) AS account, \
                    (SELECT MAX(at) FROM login_failures WHERE username = $1 AND at > $3) AS account_last, \
                    (SELECT COUNT(*) FROM login_failures WHERE client = $2 AND at > $3) AS source, \
                    (SELECT MAX(at) FROM login_failures WHERE client = $2 AND at > $3) AS source_last",
        )
        .bind(username.trim().to_ascii_lowercase())
        .bind(client)
        .bind(since)
        .fetch_one(self.pool())
        .await?;
        Ok(worktrack_domain::throttle::Failures {
            account: row.try_get("account")?,
            account_last_ms: row.try_get("account_last")?,
            source: row.try_get("source")?,
            source_last_ms: row.try_get("source_last")?,
        })
    }

    /// An administrator lets a user sign in again at once: the user's failures are forgotten
    /// (those of the addresses they came from stay), and the unlock is audited.
    pub async fn unlock_sign_in(&self, actor: &Actor, username: &str) -> Result<()> {
        let user = self.user_by_username(username).await?;
        self.clear_login_failures(&user.username).await?;
        self.audit(
            actor,
            Event::new("user.unlock", "user", &user.username, user.office_id),
        )
        .await
        .map(drop)
    }

    pub async fn record_login_failure(&self, username: &str, client: &str) -> Result<()> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO login_failures (username, client, at) VALUES ($1, $2, $3)")
            .bind(
                username
                    .trim()
                    .to_ascii_lowercase()
                    .chars()
                    .take(100)
                    .collect::<String>(),
            )
            .bind(client)
            .bind(now)
            .execute(&mut *tx.tx)
            .await?;
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(now - THROTTLE_WINDOW_MS)
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await
    }

    pub async fn clear_login_failures(&self, username: &str) -> Result<()> {
        self.write_one(
            sqlx::query("DELETE FROM login_failures WHERE username = $1")
                .bind(username.trim().to_ascii_lowercase()),
        )
        .await
    }
}
