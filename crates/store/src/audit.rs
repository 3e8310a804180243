//! The audit log: append-only and hash-chained with a key.
//!
//! Row n carries hash_n = HMAC-SHA-256(K, hash_{n-1} ‖ canonical(row n)), starting from
//! [`GENESIS_HASH`], where K is derived from the master key (label `audit-chain`) and so never
//! lives in the database: someone with the database alone cannot recompute the chain after
//! changing a row. `audit_head` holds the last sequence number and hash. Changing a row breaks
//! its hash, removing one leaves a gap in the sequence, removing the tail disagrees with the
//! head (and, when the head is set back too, with the checkpoints kept outside the database;
//! see `checkpoints`). Triggers refuse UPDATE and DELETE on `audit_log`.
//!
//! Databases from before keying have rows chained with plain SHA-256. Those rows are kept as
//! they are: the first connection records in `audit_head.keyed_from` (with an HMAC of it, so
//! the boundary cannot be moved) the first row that is keyed, and appends an `audit.keyed` row
//! there; its keyed hash covers the last plain hash, so the older rows cannot be rewritten
//! either. Verification checks the rows before the boundary with SHA-256 and the rest with
//! the key.

use crate::batch::Statements;
use crate::db::{now_ms, Store};
use crate::error::{Result, StoreError};
use crate::keys::Keys;
use crate::{Actor, Viewer};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, FromRow};
use std::collections::{BTreeMap, BTreeSet};
use worktrack_domain::permit;

/// The label of the key that chains the rows ([`Keys::derive`]).
const CHAIN_KEY_LABEL: &str = "audit-chain";

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One event to record.
pub struct Event<'a> {
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: String,
    pub office_id: Option<i64>,
    pub detail: serde_json::Value,
}

impl<'a> Event<'a> {
    /// `action` on the `target_type` record `target_id`, owned by office `office_id`, with no
    /// detail; add one with [`Event::detail`].
    pub fn new(
        action: &'a str,
        target_type: &'a str,
        target_id: impl ToString,
        office_id: Option<i64>,
    ) -> Event<'a> {
        Event {
            action,
            target_type,
            target_id: target_id.to_string(),
            office_id,
            detail: serde_json::json!({}),
        }
    }

    /// The same event with `detail` recorded.
    pub fn detail(self, detail: serde_json::Value) -> Event<'a> {
        Event { detail, ..self }
    }
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

    /// The hash of a row from before keying: SHA-256(previous hash ‖ canonical row).
    fn plain_hash(&self, prev_hash: &str) -> String {
        let mut h = Sha256::new();
        h.update(prev_hash.as_bytes());
        h.update(self.canonical().as_bytes());
        hex::encode(h.finalize())
    }

    /// The hash of a keyed row: HMAC-SHA-256(chain key, previous hash ‖ canonical row).
    fn keyed_hash(&self, chain_key: &[u8; 32], prev_hash: &str) -> String {
        hex::encode(hmac_sha256(
            chain_key,
            &[prev_hash.as_bytes(), self.canonical().as_bytes()],
        ))
    }
}

from_row!(AuditRow {
    seq,
    at,
    actor_id,
    actor,
    action,
    target_type,
    target_id,
    office_id,
    detail,
    prev_hash,
    hash
});

/// HMAC-SHA-256 of the concatenated `parts`.
pub(crate) fn hmac_sha256(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = new_mac(key);
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// Whether `mac_hex` is the HMAC-SHA-256 of `parts` (compared in constant time).
pub(crate) fn hmac_sha256_matches(key: &[u8; 32], parts: &[&[u8]], mac_hex: &str) -> bool {
    let Ok(expected) = hex::decode(mac_hex) else {
        return false;
    };
    let mut mac = new_mac(key);
    for p in parts {
        mac.update(p);
    }
    mac.verify_slice(&expected).is_ok()
}

fn new_mac(key: &[u8; 32]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC-SHA-256 accepts keys of any length"))
}

/// The key that chains audit rows.
pub(crate) fn chain_key(keys: &Keys) -> [u8; 32] {
    keys.derive(CHAIN_KEY_LABEL)
}

const KEYED_FROM_TAG: &[u8] = b"worktrack/audit/keyed-from/";

/// The HMAC that vouches for `keyed_from` in `audit_head`.
fn keyed_from_mac(keys: &Keys, keyed_from: i64) -> String {
    hex::encode(hmac_sha256(
        &chain_key(keys),
        &[KEYED_FROM_TAG, keyed_from.to_string().as_bytes()],
    ))
}

fn keyed_from_authentic(keys: &Keys, keyed_from: i64, mac_hex: &str) -> bool {
    hmac_sha256_matches(
        &chain_key(keys),
        &[KEYED_FROM_TAG, keyed_from.to_string().as_bytes()],
        mac_hex,
    )
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

/// What part of the audit log a person reads ([`Store::read_audit_log`]).
#[derive(Debug, Clone)]
pub enum AuditRead {
    /// The newest rows first, at most `limit`, older than `before` when given (the API).
    Rows { before: Option<i64>, limit: i64 },
    /// One page of the rows that match `filter` (the audit page).
    Search {
        filter: AuditFilter,
        page: AuditPage,
        limit: i64,
    },
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

/// The chain's head as `audit_head` records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
    /// The first row chained with the key (`None` only if someone cleared it).
    pub keyed_from: Option<i64>,
}

from_row!(AuditHead {
    seq,
    hash,
    keyed_from
});

/// What a walk of the chain found.
pub(crate) struct ChainWalk {
    /// The last row up to which the chain holds (0 when none does).
    pub holds_through: i64,
    /// The first place it does not hold, the head included.
    pub broken: Option<ChainBreak>,
    /// The hashes of the rows asked for that the walk reached.
    pub hashes: BTreeMap<i64, String>,
    pub head: AuditHead,
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

/// Takes the next place in the audit chain: answers the new row's `seq` and the hash before
/// it. The UPDATE takes the head's row lock (PostgreSQL) or the write lock (SQLite) first, so
/// concurrent appends are serialised and each sees the previous hash. A write path that sends
/// its statements as one batch may end the batch with it and pass the answer to
/// [`append_at`].
pub(crate) const CLAIM_HEAD: &str =
    "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash";

/// Appends `event` inside the caller's transaction, so the audit row commits or rolls back
/// with the change it records.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    keys: &Keys,
    actor: &Actor,
    event: Event<'_>,
) -> Result<i64> {
    let head: (i64, String) = sqlx::query_as(CLAIM_HEAD).fetch_one(&mut *conn).await?;
    append_at(conn, keys, actor, event, head).await
}

/// Appends `event` at the place `head` (`seq`, previous hash) that [`CLAIM_HEAD`] took in this
/// transaction.
pub(crate) async fn append_at(
    conn: &mut AnyConnection,
    keys: &Keys,
    actor: &Actor,
    event: Event<'_>,
    (seq, prev_hash): (i64, String),
) -> Result<i64> {
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
    row.hash = row.keyed_hash(&chain_key(keys), &prev_hash);
    let mut batch = Statements::default();
    batch.push(
        "INSERT INTO audit_log (seq, at, actor_id, actor, action, target_type, target_id, \
         office_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            row.seq.into(),
            row.at.into(),
            row.actor_id.into(),
            row.actor.clone().into(),
            row.action.clone().into(),
            row.target_type.clone().into(),
            row.target_id.clone().into(),
            row.office_id.into(),
            row.detail.clone().into(),
            row.prev_hash.clone().into(),
            row.hash.clone().into(),
        ],
    );
    batch.push(
        "UPDATE audit_head SET hash = ? WHERE id = 1",
        vec![row.hash.clone().into()],
    );
    batch.run(conn).await?;
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
            let event = Event::new(&p.action, &p.target_type, &p.target_id, p.office_id)
                .detail(p.detail.clone());
            seqs.push(tx.audit(&p.actor, event).await?);
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
            Event::new(action, "user", username, None)
                .detail(serde_json::json!({ "client": client })),
        )
        .await
    }

    /// A person's read of the audit log: the rows `read` asks for, and the read itself recorded
    /// (`audit.view`), since the log names who did what to whom. Only roles that read the log
    /// ([`permit::may_read_audit_log`]) get any rows.
    pub async fn read_audit_log(&self, viewer: &Viewer, read: &AuditRead) -> Result<Vec<AuditRow>> {
        if !permit::may_read_audit_log(viewer.role) {
            return Err(StoreError::Forbidden(
                "only auditors and administrators read the audit log".into(),
            ));
        }
        let (rows, target_id, detail) = match read {
            AuditRead::Rows { before, limit } => {
                let rows = self.audit_rows(*before, *limit).await?;
                let target_id = before.map_or_else(|| "latest".into(), |b| b.to_string());
                let detail = serde_json::json!({ "rows": rows.len() });
                (rows, target_id, detail)
            }
            AuditRead::Search {
                filter,
                page,
                limit,
            } => {
                let rows = self.audit_search(filter, *page, *limit).await?;
                let target_id = match page {
                    AuditPage::Newest => "latest".into(),
                    AuditPage::Before(b) => format!("before {b}"),
                    AuditPage::After(a) => format!("after {a}"),
                };
                let detail = serde_json::json!({
                    "rows": rows.len(),
                    "who": filter.actor, "what": filter.action,
                    "from": filter.from_ms, "to": filter.to_ms,
                    "object": filter.target_type, "id": filter.target_id,
                });
                (rows, target_id, detail)
            }
        };
        self.audit(
            &viewer.actor,
            Event::new("audit.view", "audit_log", target_id, None).detail(detail),
        )
        .await?;
        Ok(rows)
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

    /// Records where keyed chaining starts, once, on the first connection after migration 12:
    /// the row after the current head (1 on a new database). On a database that already has
    /// rows chained with plain SHA-256, appends an `audit.keyed` row there, whose keyed hash
    /// seals the older rows.
    pub(crate) async fn start_keyed_audit_chain(&self) -> Result<()> {
        let mut tx = self.begin_write().await?;
        // The condition is checked again after the row lock, so of several servers starting
        // at once exactly one records the boundary.
        let marked: Option<i64> = sqlx::query_scalar(
            "UPDATE audit_head SET keyed_from = seq + 1 WHERE id = 1 AND keyed_from IS NULL \
             RETURNING keyed_from",
        )
        .fetch_optional(&mut *tx.tx)
        .await?;
        if let Some(from) = marked {
            sqlx::query("UPDATE audit_head SET keyed_mac = $1 WHERE id = 1")
                .bind(keyed_from_mac(self.keys(), from))
                .execute(&mut *tx.tx)
                .await?;
            if from > 1 {
                tx.audit(
                    &Actor::system("audit"),
                    Event::new("audit.keyed", "audit_log", from, None)
                        .detail(serde_json::json!({ "plain_rows": from - 1 })),
                )
                .await?;
                tracing::info!(
                    keyed_from = from,
                    "audit chain keyed from this row on; earlier rows keep their SHA-256 chain"
                );
            }
        }
        tx.commit().await
    }

    /// The head of the chain: its last row's number and hash, and where keyed chaining starts.
    pub async fn audit_head(&self) -> Result<AuditHead> {
        Ok(
            sqlx::query_as("SELECT seq, hash, keyed_from FROM audit_head WHERE id = 1")
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// The hash stored for row `seq`, if there is such a row.
    pub(crate) async fn audit_row_hash(&self, seq: i64) -> Result<Option<String>> {
        self.value_by("SELECT hash FROM audit_log WHERE seq = $1", seq)
            .await
    }

    /// Walks the whole chain; returns the number of rows when it holds, or the first break.
    /// (Checkpoints are checked too by [`Store::verify_audit`].)
    pub async fn verify_audit_chain(&self) -> Result<std::result::Result<i64, ChainBreak>> {
        let walk = self.walk_audit_chain(&BTreeSet::new()).await?;
        Ok(match walk.broken {
            None => Ok(walk.holds_through),
            Some(b) => Err(b),
        })
    }

    /// Walks the chain from row 1, checking each row's sequence number, previous hash and
    /// hash (plain before `keyed_from`, keyed from it on), then the head; keeps the hashes of
    /// the rows in `wanted` (the rows checkpoints name).
    pub(crate) async fn walk_audit_chain(&self, wanted: &BTreeSet<i64>) -> Result<ChainWalk> {
        let head = self.audit_head().await?;
        let mut walk = ChainWalk {
            holds_through: 0,
            broken: None,
            hashes: BTreeMap::new(),
            head: head.clone(),
        };
        let keyed_from = match self.authentic_keyed_from(&head).await? {
            Ok(from) => from,
            Err(b) => {
                walk.broken = Some(b);
                return Ok(walk);
            }
        };
        let prev = match self.walk_rows(&mut walk, keyed_from, wanted).await? {
            Ok(prev) => prev,
            Err(b) => {
                walk.broken = Some(b);
                return Ok(walk);
            }
        };
        walk.broken = match head_break(&head, walk.holds_through, &prev) {
            Some(b) => Some(b),
            None => self.row_past_head(&head).await?,
        };
        Ok(walk)
    }

    /// Where keyed chaining starts, if the head records it and its record authenticates.
    async fn authentic_keyed_from(
        &self,
        head: &AuditHead,
    ) -> Result<std::result::Result<i64, ChainBreak>> {
        let Some(keyed_from) = head.keyed_from else {
            return Ok(Err(ChainBreak {
                seq: 1,
                reason: "the audit head does not record where keyed chaining starts \
                         (it was altered)"
                    .into(),
            }));
        };
        let mac: Option<String> =
            sqlx::query_scalar("SELECT keyed_mac FROM audit_head WHERE id = 1")
                .fetch_one(self.pool())
                .await?;
        if !keyed_from_authentic(self.keys(), keyed_from, &mac.unwrap_or_default()) {
            return Ok(Err(ChainBreak {
                seq: 1,
                reason: format!(
                    "the audit head's record that keyed chaining starts at row {keyed_from} \
                     does not authenticate (it was altered, or the master key is not the one \
                     the log was written with)"
                ),
            }));
        }
        Ok(Ok(keyed_from))
    }

    /// Checks the rows up to the head's, in order; returns the last row's hash, or the first
    /// row that breaks the chain. `walk.holds_through` is the last row that holds.
    async fn walk_rows(
        &self,
        walk: &mut ChainWalk,
        keyed_from: i64,
        wanted: &BTreeSet<i64>,
    ) -> Result<std::result::Result<String, ChainBreak>> {
        let key = chain_key(self.keys());
        let mut expected_seq = 1i64;
        let mut prev = GENESIS_HASH.to_string();
        // Read in pages so a long log never sits in memory whole. Rows past the head read
        // above are left for later: they are being appended now (or see below).
        loop {
            let rows = sqlx::query(
                "SELECT * FROM audit_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT 1000",
            )
            .bind(expected_seq)
            .bind(walk.head.seq)
            .fetch_all(self.pool())
            .await?;
            if rows.is_empty() {
                return Ok(Ok(prev));
            }
            for r in &rows {
                let row = AuditRow::from_row(r)?;
                if let Some(b) = row_break(&row, expected_seq, &prev, keyed_from, &key) {
                    return Ok(Err(b));
                }
                if wanted.contains(&row.seq) {
                    walk.hashes.insert(row.seq, row.hash.clone());
                }
                prev = row.hash;
                walk.holds_through = row.seq;
                expected_seq += 1;
            }
        }
    }

    /// A row past the head is an append committed since (the head has moved on with it),
    /// or a row left behind when the head was set back.
    async fn row_past_head(&self, head: &AuditHead) -> Result<Option<ChainBreak>> {
        let beyond: Option<i64> = self
            .scalar_by("SELECT MIN(seq) FROM audit_log WHERE seq > $1", head.seq)
            .await?;
        if let Some(row) = beyond {
            if self.audit_head().await?.seq < row {
                return Ok(Some(ChainBreak {
                    seq: row,
                    reason: format!(
                        "past the head (the head records {} rows but row {row} exists)",
                        head.seq
                    ),
                }));
            }
        }
        Ok(None)
    }
}

/// Why `row` breaks the chain, if it does: it should be row `expected_seq`, follow `prev`, and
/// hash to its stored hash (plain before `keyed_from`, keyed from it on).
fn row_break(
    row: &AuditRow,
    expected_seq: i64,
    prev: &str,
    keyed_from: i64,
    key: &[u8; 32],
) -> Option<ChainBreak> {
    if row.seq != expected_seq {
        return Some(ChainBreak {
            seq: expected_seq,
            reason: format!(
                "missing (the log jumps from row {} to row {})",
                expected_seq - 1,
                row.seq
            ),
        });
    }
    if row.prev_hash != prev {
        return Some(ChainBreak {
            seq: row.seq,
            reason: "its previous-hash does not match the row before it".into(),
        });
    }
    let hash = if row.seq < keyed_from {
        row.plain_hash(prev)
    } else {
        row.keyed_hash(key, prev)
    };
    (hash != row.hash).then(|| ChainBreak {
        seq: row.seq,
        reason: "altered (its contents do not match its hash)".into(),
    })
}

/// Whether the head disagrees with the log that ends at row `last` with hash `prev`.
fn head_break(head: &AuditHead, last: i64, prev: &str) -> Option<ChainBreak> {
    if head.seq != last {
        return Some(ChainBreak {
            seq: last + 1,
            reason: format!(
                "missing (the head records {} rows but the log ends at row {last})",
                head.seq
            ),
        });
    }
    (head.hash != prev).then(|| ChainBreak {
        seq: last,
        reason: "the head's hash is not this row's (the head was altered)".into(),
    })
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;
