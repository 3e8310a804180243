//! The audit log: append-only and hash-chained.
//!
//! Row n carries hash_n = SHA-256(hash_{n-1} ‖ canonical(row n)), starting from
//! [`GENESIS_HASH`]; `audit_head` holds the last sequence number and hash. Changing a row breaks
//! its hash, removing one leaves a gap in the sequence, removing the tail disagrees with the
//! head. Triggers refuse UPDATE and DELETE on `audit_log`.

use crate::db::{now_ms, Store};
use crate::error::{Result, StoreError};
use crate::Actor;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One event to record.
pub struct Event<'a> {
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: String,
    pub office_id: Option<i64>,
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub office_id: Option<i64>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    fn canonical(&self) -> String {
        // A JSON array is unambiguous whatever the fields contain.
        serde_json::json!([
            self.seq,
            self.at,
            self.actor_id,
            self.actor,
            self.action,
            self.target_type,
            self.target_id,
            self.office_id,
            self.detail
        ])
        .to_string()
    }

    fn chained_hash(&self, prev_hash: &str) -> String {
        let mut h = Sha256::new();
        h.update(prev_hash.as_bytes());
        h.update(self.canonical().as_bytes());
        hex::encode(h.finalize())
    }

    fn from_row(r: &AnyRow) -> std::result::Result<AuditRow, sqlx::Error> {
        Ok(AuditRow {
            seq: r.try_get("seq")?,
            at: r.try_get("at")?,
            actor_id: r.try_get("actor_id")?,
            actor: r.try_get("actor")?,
            action: r.try_get("action")?,
            target_type: r.try_get("target_type")?,
            target_id: r.try_get("target_id")?,
            office_id: r.try_get("office_id")?,
            detail: r.try_get("detail")?,
            prev_hash: r.try_get("prev_hash")?,
            hash: r.try_get("hash")?,
        })
    }
}

/// What the audit page asks for; every field given must match.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Who: the actor's user name (or `system:…`), exactly.
    pub actor: Option<String>,
    /// What: an action (`claimant.view`) or a family of them (`claimant`).
    pub action: Option<String>,
    /// When: from this time (inclusive) to that one (exclusive), Unix milliseconds.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    /// The object: its type (`claimant`) and id.
    pub target_type: Option<String>,
    pub target_id: Option<String>,
}

/// Which page of matching rows: the newest, those older than a row, or those newer than one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditPage {
    Newest,
    Before(i64),
    After(i64),
}

/// A bound value of a query built from a filter.
pub(crate) enum Arg {
    Int(i64),
    Text(String),
}

/// Adds `a` to `args` and returns its placeholder.
pub(crate) fn arg(args: &mut Vec<Arg>, a: Arg) -> String {
    args.push(a);
    format!("${}", args.len())
}

/// The first place the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: String,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "audit row {}: {}", self.seq, self.reason)
    }
}

/// An event waiting for the next group commit of [`Store::audit`].
pub(crate) struct Pending {
    actor: Actor,
    action: String,
    target_type: String,
    target_id: String,
    office_id: Option<i64>,
    detail: serde_json::Value,
    reply: tokio::sync::oneshot::Sender<Result<i64>>,
}

fn lost_audit() -> StoreError {
    StoreError::Database(sqlx::Error::Protocol(
        "the audit append was abandoned".into(),
    ))
}

/// Appends `event` inside the caller's transaction, so the audit row commits or rolls back
/// with the change it records.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    actor: &Actor,
    event: Event<'_>,
) -> Result<i64> {
    // The UPDATE takes the head's row lock (PostgreSQL) or the write lock (SQLite) first, so
    // concurrent appends are serialised and each sees the previous hash.
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let seq: i64 = head.try_get(0)?;
    let prev_hash: String = head.try_get(1)?;
    let mut row = AuditRow {
        seq,
        at: now_ms(),
        actor_id: actor.user_id,
        actor: actor.label.clone(),
        action: event.action.to_string(),
        target_type: event.target_type.to_string(),
        target_id: event.target_id,
        office_id: event.office_id,
        detail: event.detail.to_string(),
        prev_hash: prev_hash.clone(),
        hash: String::new(),
    };
    row.hash = row.chained_hash(&prev_hash);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor, action, target_type, target_id, \
         office_id, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(row.seq)
    .bind(row.at)
    .bind(row.actor_id)
    .bind(&row.actor)
    .bind(&row.action)
    .bind(&row.target_type)
    .bind(&row.target_id)
    .bind(row.office_id)
    .bind(&row.detail)
    .bind(&row.prev_hash)
    .bind(&row.hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&row.hash)
        .execute(&mut *conn)
        .await?;
    Ok(seq)
}

impl Store {
    /// Records an event that changes nothing else (a view, a search, a refused attempt) and
    /// returns once it is committed.
    ///
    /// Concurrent callers share transactions (group commit): the chain is one sequence, so its
    /// appends are serialised; instead of each waiting for its own transaction, whoever takes
    /// the flush lock appends every event queued so far in one, and tells each caller its
    /// sequence number.
    pub async fn audit(&self, actor: &Actor, event: Event<'_>) -> Result<i64> {
        let (reply, mut answer) = tokio::sync::oneshot::channel();
        self.audit_queue().push(Pending {
            actor: actor.clone(),
            action: event.action.to_string(),
            target_type: event.target_type.to_string(),
            target_id: event.target_id,
            office_id: event.office_id,
            detail: event.detail,
            reply,
        });
        let flushing = self.audit_flush_lock().lock().await;
        match answer.try_recv() {
            Ok(result) => return result,
            Err(tokio::sync::oneshot::error::TryRecvError::Empty) => {}
            Err(tokio::sync::oneshot::error::TryRecvError::Closed) => {
                return Err(lost_audit());
            }
        }
        let batch = std::mem::take(&mut *self.audit_queue());
        match self.append_batch(&batch).await {
            Ok(seqs) => {
                for (p, seq) in batch.into_iter().zip(seqs) {
                    let _ = p.reply.send(Ok(seq));
                }
            }
            Err(e) => {
                let message = e.to_string();
                for p in batch {
                    let _ =
                        p.reply
                            .send(Err(StoreError::Database(sqlx::Error::Protocol(format!(
                                "audit append failed: {message}"
                            )))));
                }
            }
        }
        drop(flushing);
        answer.await.unwrap_or_else(|_| Err(lost_audit()))
    }

    async fn append_batch(&self, batch: &[Pending]) -> Result<Vec<i64>> {
        let mut tx = self.begin_write().await?;
        let mut seqs = Vec::with_capacity(batch.len());
        for p in batch {
            let event = Event {
                action: &p.action,
                target_type: &p.target_type,
                target_id: p.target_id.clone(),
                office_id: p.office_id,
                detail: p.detail.clone(),
            };
            seqs.push(append(&mut tx.tx, &p.actor, event).await?);
        }
        tx.commit().await?;
        Ok(seqs)
    }

    /// Records a sign-in, sign-out or refused sign-in.
    pub async fn audit_auth(
        &self,
        actor: &Actor,
        action: &str,
        username: &str,
        client: &str,
    ) -> Result<i64> {
        self.audit(
            actor,
            Event {
                action,
                target_type: "user",
                target_id: username.to_string(),
                office_id: None,
                detail: serde_json::json!({ "client": client }),
            },
        )
        .await
    }

    /// The newest rows first, at most `limit`, older than `before` when given.
    pub async fn audit_rows(&self, before: Option<i64>, limit: i64) -> Result<Vec<AuditRow>> {
        let rows = sqlx::query("SELECT * FROM audit_log WHERE seq < $1 ORDER BY seq DESC LIMIT $2")
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .iter()
            .map(AuditRow::from_row)
            .collect::<std::result::Result<_, _>>()?)
    }

    /// One page of the rows that match `filter`, newest first: the `limit` rows just older
    /// than `page`'s `Before(seq)`, just newer than its `After(seq)`, or the newest ones.
    pub async fn audit_search(
        &self,
        filter: &AuditFilter,
        page: AuditPage,
        limit: i64,
    ) -> Result<Vec<AuditRow>> {
        let mut conditions: Vec<String> = Vec::new();
        let mut args: Vec<Arg> = Vec::new();
        if let Some(actor) = &filter.actor {
            let p = arg(&mut args, Arg::Text(actor.clone()));
            conditions.push(format!("actor = {p}"));
        }
        if let Some(action) = &filter.action {
            // A family ("claimant") matches each of its actions ("claimant.view", …).
            let exact = arg(&mut args, Arg::Text(action.clone()));
            let family = arg(
                &mut args,
                Arg::Text(format!("{}.%", action.replace('%', ""))),
            );
            conditions.push(format!("(action = {exact} OR action LIKE {family})"));
        }
        if let Some(from) = filter.from_ms {
            let p = arg(&mut args, Arg::Int(from));
            conditions.push(format!("at >= {p}"));
        }
        if let Some(to) = filter.to_ms {
            let p = arg(&mut args, Arg::Int(to));
            conditions.push(format!("at < {p}"));
        }
        if let Some(t) = &filter.target_type {
            let p = arg(&mut args, Arg::Text(t.clone()));
            conditions.push(format!("target_type = {p}"));
        }
        if let Some(id) = &filter.target_id {
            let p = arg(&mut args, Arg::Text(id.clone()));
            conditions.push(format!("target_id = {p}"));
        }
        let (order, newer) = match page {
            AuditPage::Newest => ("DESC", false),
            AuditPage::Before(seq) => {
                let p = arg(&mut args, Arg::Int(seq));
                conditions.push(format!("seq < {p}"));
                ("DESC", false)
            }
            AuditPage::After(seq) => {
                let p = arg(&mut args, Arg::Int(seq));
                conditions.push(format!("seq > {p}"));
                ("ASC", true)
            }
        };
        let mut sql = String::from("SELECT * FROM audit_log");
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        sql.push_str(&format!(" ORDER BY seq {order} LIMIT ${}", args.len() + 1));
        let mut q = sqlx::query(&sql);
        for a in &args {
            q = match a {
                Arg::Int(i) => q.bind(*i),
                Arg::Text(t) => q.bind(t.as_str()),
            };
        }
        let rows = q.bind(limit.clamp(1, 1000)).fetch_all(self.pool()).await?;
        let mut rows = rows
            .iter()
            .map(AuditRow::from_row)
            .collect::<std::result::Result<Vec<_>, _>>()?;
        if newer {
            rows.reverse();
        }
        Ok(rows)
    }

    /// Walks the whole chain; returns the number of rows when it holds, or the first break.
    pub async fn verify_audit_chain(&self) -> Result<std::result::Result<i64, ChainBreak>> {
        let mut expected_seq = 1i64;
        let mut prev = GENESIS_HASH.to_string();
        // Read in pages so a long log never sits in memory whole.
        loop {
            let rows =
                sqlx::query("SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT 1000")
                    .bind(expected_seq)
                    .fetch_all(self.pool())
                    .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let row = AuditRow::from_row(r)?;
                if row.seq != expected_seq {
                    return Ok(Err(ChainBreak {
                        seq: expected_seq,
                        reason: format!(
                            "missing (the log jumps from row {} to row {})",
                            expected_seq - 1,
                            row.seq
                        ),
                    }));
                }
                if row.prev_hash != prev {
                    return Ok(Err(ChainBreak {
                        seq: row.seq,
                        reason: "its previous-hash does not match the row before it".into(),
                    }));
                }
                if row.chained_hash(&prev) != row.hash {
                    return Ok(Err(ChainBreak {
                        seq: row.seq,
                        reason: "altered (its contents do not match its hash)".into(),
                    }));
                }
                prev = row.hash;
                expected_seq += 1;
            }
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(self.pool())
            .await?;
        let head_seq: i64 = head.try_get(0)?;
        let head_hash: String = head.try_get(1)?;
        let last = expected_seq - 1;
        if head_seq != last || head_hash != prev {
            return Ok(Err(ChainBreak {
                seq: last + 1,
                reason: format!(
                    "missing (the head records {head_seq} rows but the log ends at row {last})"
                ),
            }));
        }
        Ok(Ok(last))
    }
}
