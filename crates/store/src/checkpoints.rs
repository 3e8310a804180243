//! Checkpoints of the audit chain, kept outside the database.
//!
//! The keyed chain (see `audit`) stops someone who has the database but not the master key from
//! rewriting rows, but not from deleting the newest rows and setting the head back to the last
//! row kept: what remains is a valid chain. A checkpoint records, signed with a key derived
//! from the master key (label `audit-checkpoint`), the head at one moment (row number, hash,
//! time, and the row keyed chaining starts at). Checkpoints are appended to
//! `<data_dir>/audit-checkpoints.log` (mode 0600, one JSON line each) and, when blobs are kept
//! in S3, written to the bucket as one new object each, created with `If-None-Match: *` so an
//! existing one is never replaced. The object's name carries the whole checkpoint, so one
//! listing reads them all back.
//!
//! [`CheckpointWriter`] writes one when the server starts, whenever the log has grown by
//! [`CheckpointSchedule::every_rows`] rows or [`CheckpointSchedule::every`] has passed since the
//! last one, and when it stops; `worktrack audit verify` writes one after a verification that
//! found the log intact. [`Store::verify_audit`] checks the chain and every checkpoint: a
//! checkpoint that does not authenticate, a row that no longer has the hash a checkpoint
//! records, or a log that ends before a checkpoint's row is reported, with the last good
//! checkpoint (rows after it are not vouched for).

use crate::audit::{hmac_sha256, hmac_sha256_matches, GENESIS_HASH};
use crate::db::{now_ms, Store};
use crate::error::{Result, StoreError};
use crate::keys::Keys;
use crate::s3::{Bucket, S3Config};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The checkpoint file in the data directory.
pub const CHECKPOINT_FILE: &str = "audit-checkpoints.log";
/// The label of the key that signs checkpoints ([`Keys::derive`]).
const CHECKPOINT_KEY_LABEL: &str = "audit-checkpoint";
/// The folder of checkpoint objects in the bucket, under the blob prefix.
const S3_DIR: &str = "audit-checkpoints";
const SIGNED_TAG: &str = "worktrack/audit-checkpoint/v1";

/// The head of the audit chain at one moment, signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The last row.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// When the checkpoint was taken, Unix milliseconds.
    pub at: i64,
    /// The first row chained with the key.
    pub keyed_from: i64,
    /// HMAC-SHA-256 of the fields above with the checkpoint key, hex.
    pub sig: String,
}

impl Checkpoint {
    fn signed_text(seq: i64, hash: &str, at: i64, keyed_from: i64) -> String {
        serde_json::json!([SIGNED_TAG, seq, hash, at, keyed_from]).to_string()
    }

    /// Signs the head `seq`/`hash` as of `at`.
    pub fn sign(keys: &Keys, seq: i64, hash: &str, at: i64, keyed_from: i64) -> Checkpoint {
        let text = Checkpoint::signed_text(seq, hash, at, keyed_from);
        Checkpoint {
            seq,
            hash: hash.to_string(),
            at,
            keyed_from,
            sig: hex::encode(hmac_sha256(
                &keys.derive(CHECKPOINT_KEY_LABEL),
                &[text.as_bytes()],
            )),
        }
    }

    /// Whether the signature is this master key's, over these fields.
    pub fn is_authentic(&self, keys: &Keys) -> bool {
        let text = Checkpoint::signed_text(self.seq, &self.hash, self.at, self.keyed_from);
        hmac_sha256_matches(
            &keys.derive(CHECKPOINT_KEY_LABEL),
            &[text.as_bytes()],
            &self.sig,
        )
    }

    /// The line of the checkpoint file (without its newline).
    pub fn to_line(&self) -> String {
        serde_json::json!({
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at,
            "keyed_from": self.keyed_from,
            "sig": self.sig,
        })
        .to_string()
    }

    /// The name of its object in the bucket: every field, so a listing reads it back.
    fn object_name(&self) -> String {
        format!(
            "{S3_DIR}/{:020}-{:015}-{}-{}-{}.json",
            self.seq, self.at, self.keyed_from, self.hash, self.sig
        )
    }

    fn from_object_name(name: &str) -> Option<Checkpoint> {
        let stem = name.strip_prefix(S3_DIR)?.strip_prefix('/')?;
        let stem = stem.strip_suffix(".json")?;
        let mut parts = stem.split('-');
        let c = Checkpoint {
            seq: parts.next()?.parse().ok()?,
            at: parts.next()?.parse().ok()?,
            keyed_from: parts.next()?.parse().ok()?,
            hash: parts.next()?.to_string(),
            sig: parts.next()?.to_string(),
        };
        parts.next().is_none().then_some(c)
    }
}

/// A checkpoint as read back: authentic, or why it cannot be used.
#[derive(Debug, Clone)]
pub enum StoredCheckpoint {
    Authentic {
        checkpoint: Checkpoint,
        /// Where it was read, e.g. `line 3 of /data/audit-checkpoints.log`.
        place: String,
    },
    Bad {
        place: String,
        reason: String,
    },
}

/// The checkpoints read back, and remarks that are not failures (no file yet, a write cut
/// short by a crash, S3 unreachable).
#[derive(Debug, Clone, Default)]
pub struct CheckpointsRead {
    pub entries: Vec<StoredCheckpoint>,
    pub notes: Vec<String>,
}

/// Where checkpoints are written: the file, and the bucket when blobs are in S3.
#[derive(Clone)]
pub struct CheckpointLog {
    file: PathBuf,
    bucket: Option<Arc<Bucket>>,
}

impl CheckpointLog {
    /// Checkpoints in `file` and, with `s3`, in that bucket under its prefix.
    pub fn new(file: PathBuf, s3: Option<S3Config>) -> Result<CheckpointLog> {
        let bucket = match s3 {
            Some(config) => Some(Arc::new(Bucket::new(config)?)),
            None => None,
        };
        Ok(CheckpointLog { file, bucket })
    }

    /// Checkpoints in `<data_dir>/audit-checkpoints.log` (and the bucket, with `s3`).
    pub fn in_data_dir(data_dir: &Path, s3: Option<S3Config>) -> Result<CheckpointLog> {
        CheckpointLog::new(data_dir.join(CHECKPOINT_FILE), s3)
    }

    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Where checkpoints go, for messages.
    pub fn location(&self) -> String {
        match &self.bucket {
            None => self.file.display().to_string(),
            Some(b) => {
                let c = b.config();
                let prefix = if c.prefix.is_empty() {
                    String::new()
                } else {
                    format!("{}/", c.prefix)
                };
                format!(
                    "{} and s3://{}/{prefix}{S3_DIR}/",
                    self.file.display(),
                    c.bucket
                )
            }
        }
    }

    /// Appends `c` to the file (flushed to disk) and, with S3, creates its object. An error
    /// from S3 comes after the file has the line.
    pub async fn append(&self, c: &Checkpoint) -> Result<()> {
        let file = self.file.clone();
        let line = format!("{}\n", c.to_line());
        tokio::task::spawn_blocking(move || append_line(&file, &line))
            .await
            .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))??;
        if let Some(bucket) = &self.bucket {
            bucket
                .put_new(&c.object_name(), c.to_line().into_bytes())
                .await?;
        }
        Ok(())
    }

    /// Reads back every checkpoint of the file and the bucket, checking each signature.
    pub async fn read(&self, keys: &Keys) -> Result<CheckpointsRead> {
        let mut read = CheckpointsRead::default();
        let path = self.file.clone();
        let text = tokio::task::spawn_blocking(move || std::fs::read_to_string(path))
            .await
            .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?;
        match text {
            Ok(text) => read_file_lines(&text, &self.file, keys, &mut read),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => read.notes.push(format!(
                "there is no checkpoint file {} yet",
                self.file.display()
            )),
            Err(e) => return Err(e.into()),
        }
        if let Some(bucket) = &self.bucket {
            match bucket.list_names(S3_DIR).await {
                Ok(names) => {
                    for name in names {
                        let place = format!("object {name} in s3://{}", bucket.config().bucket);
                        read.entries
                            .push(match Checkpoint::from_object_name(&name) {
                                Some(c) if c.is_authentic(keys) => StoredCheckpoint::Authentic {
                                    checkpoint: c,
                                    place,
                                },
                                Some(_) => StoredCheckpoint::Bad {
                                    place,
                                    reason: "does not authenticate (altered, or signed with \
                                         another master key)"
                                        .into(),
                                },
                                None => StoredCheckpoint::Bad {
                                    place,
                                    reason: "is not a checkpoint".into(),
                                },
                            });
                    }
                }
                Err(e) => read
                    .notes
                    .push(format!("the checkpoints in S3 could not be read: {e}")),
            }
        }
        Ok(read)
    }

    /// The newest authentic checkpoint of the file, if any.
    async fn last_in_file(&self, keys: &Keys) -> Option<Checkpoint> {
        let path = self.file.clone();
        let text = tokio::task::spawn_blocking(move || std::fs::read_to_string(path))
            .await
            .ok()?
            .ok()?;
        let mut read = CheckpointsRead::default();
        read_file_lines(&text, &self.file, keys, &mut read);
        read.entries.into_iter().rev().find_map(|e| match e {
            StoredCheckpoint::Authentic { checkpoint, .. } => Some(checkpoint),
            StoredCheckpoint::Bad { .. } => None,
        })
    }
}

fn read_file_lines(text: &str, file: &Path, keys: &Keys, read: &mut CheckpointsRead) {
    let lines: Vec<&str> = text.split('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let last = i + 1 == lines.len();
        if line.trim().is_empty() {
            continue;
        }
        let place = format!("line {} of {}", i + 1, file.display());
        match serde_json::from_str::<Checkpoint>(line) {
            Ok(c) if c.is_authentic(keys) => read.entries.push(StoredCheckpoint::Authentic {
                checkpoint: c,
                place,
            }),
            Ok(_) => read.entries.push(StoredCheckpoint::Bad {
                place,
                reason: "does not authenticate (altered, or signed with another master key)".into(),
            }),
            // A last line without its newline that does not parse is a write cut short.
            Err(_) if last => read.notes.push(format!(
                "{place} is incomplete (a write cut short) and was skipped"
            )),
            Err(_) => read.entries.push(StoredCheckpoint::Bad {
                place,
                reason: "is not a checkpoint".into(),
            }),
        }
    }
}

/// Appends `line` to `path` (created 0600) and flushes it to disk.
fn append_line(path: &Path, line: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    // One write of the whole line: with O_APPEND, writers sharing the file do not interleave.
    file.write_all(line.as_bytes())?;
    file.sync_data()?;
    Ok(())
}

/// What `worktrack audit verify` found.
#[derive(Debug, Clone)]
pub struct AuditVerification {
    /// Rows in the log (as far as the chain holds).
    pub rows: i64,
    /// The first row chained with the key.
    pub keyed_from: Option<i64>,
    /// Authentic checkpoints that agree with the log (each written once; a copy in the file
    /// and in S3 counts once).
    pub agreeing: usize,
    /// The newest checkpoint that agrees with the log, before any problem.
    pub last_good: Option<Checkpoint>,
    /// What is wrong, one sentence each, the chain's first break first.
    pub problems: Vec<String>,
}

impl AuditVerification {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }

    /// The first row no good checkpoint vouches for.
    pub fn first_unvouched(&self) -> i64 {
        self.last_good.as_ref().map_or(1, |c| c.seq + 1)
    }
}

/// How many checkpoints that do not authenticate are listed one by one.
const MAX_LISTED: usize = 10;

/// Checkpoints that disagree with the log in the same way: the first one's message, and how
/// many more.
#[derive(Default)]
struct Disagreeing {
    first: Option<String>,
    more: usize,
}

impl Disagreeing {
    fn add(&mut self, message: String) {
        match self.first {
            None => self.first = Some(message),
            Some(_) => self.more += 1,
        }
    }

    fn report(self, problems: &mut Vec<String>) {
        if let Some(first) = self.first {
            problems.push(match self.more {
                0 => first,
                1 => format!("{first}; and 1 later checkpoint likewise"),
                n => format!("{first}; and {n} later checkpoints likewise"),
            });
        }
    }
}

/// Lowers `first_bad` to `row`.
fn flag(row: i64, first_bad: &mut Option<i64>) {
    *first_bad = Some(first_bad.map_or(row, |b| b.min(row)));
}

/// A time for messages: `2026-12-07T04:37:52Z`.
pub fn format_ms(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("{ms} ms"))
}

impl Store {
    /// A signed checkpoint of the current head (`None` while the log is empty).
    pub async fn audit_checkpoint(&self) -> Result<Option<Checkpoint>> {
        let head = self.audit_head().await?;
        let Some(keyed_from) = head.keyed_from else {
            return Ok(None);
        };
        if head.seq == 0 {
            return Ok(None);
        }
        Ok(Some(Checkpoint::sign(
            self.keys(),
            head.seq,
            &head.hash,
            now_ms(),
            keyed_from,
        )))
    }

    /// Checks the chain and the checkpoints `stored` against each other.
    pub async fn verify_audit(&self, stored: &[StoredCheckpoint]) -> Result<AuditVerification> {
        let mut authentic: Vec<(&Checkpoint, &str)> = Vec::new();
        let mut problems = Vec::new();
        let mut bad_checkpoints = Vec::new();
        for s in stored {
            match s {
                StoredCheckpoint::Authentic { checkpoint, place } => {
                    authentic.push((checkpoint, place))
                }
                StoredCheckpoint::Bad { place, reason } => {
                    bad_checkpoints.push(format!("checkpoint {place} {reason}"))
                }
            }
        }
        authentic.sort_by_key(|(c, _)| (c.seq, c.at));
        let wanted: BTreeSet<i64> = authentic.iter().map(|(c, _)| c.seq).collect();
        let walk = self.walk_audit_chain(&wanted).await?;
        // The first row that cannot be trusted.
        let mut first_bad: Option<i64> = None;
        if let Some(b) = &walk.broken {
            problems.push(b.to_string());
            flag(b.seq, &mut first_bad);
        }
        let mut agreeing: Vec<&Checkpoint> = Vec::new();
        let mut beyond_end: Option<(&Checkpoint, &str)> = None;
        // Of the checkpoints that disagree the same way, the first is reported, with a count.
        let (mut other_boundary, mut rewritten) = (Disagreeing::default(), Disagreeing::default());
        for (c, place) in &authentic {
            if Some(c.keyed_from) != walk.head.keyed_from {
                other_boundary.add(format!(
                    "the checkpoint of {} ({place}) records keyed chaining from row {}, the \
                     database from row {} (the audit head was altered)",
                    format_ms(c.at),
                    c.keyed_from,
                    walk.head
                        .keyed_from
                        .map_or_else(|| "none".to_string(), |k| k.to_string())
                ));
                flag(
                    c.keyed_from.min(walk.head.keyed_from.unwrap_or(1)).max(1),
                    &mut first_bad,
                );
                continue;
            }
            if c.seq <= 0 {
                if c.seq == 0 && c.hash == GENESIS_HASH {
                    agreeing.push(c);
                }
                continue;
            }
            match walk.hashes.get(&c.seq) {
                Some(h) if *h == c.hash => agreeing.push(c),
                Some(_) => {
                    rewritten.add(format!(
                        "audit row {}: rewritten (its hash is not the one the checkpoint of {} \
                         ({place}) records; this row or an earlier one was changed and the \
                         chain recomputed)",
                        c.seq,
                        format_ms(c.at)
                    ));
                    flag(c.seq, &mut first_bad);
                }
                // The log ends before this checkpoint's row: its tail was removed.
                None if walk.broken.is_none() => beyond_end = Some((c, place)),
                // Past a break: the break is the finding.
                None => {}
            }
        }
        other_boundary.report(&mut problems);
        rewritten.report(&mut problems);
        if let Some((c, place)) = beyond_end {
            let end = walk.holds_through;
            problems.push(format!(
                "audit row {}: missing (the log ends at row {end}, but the checkpoint of {} \
                 ({place}) records row {}: rows were removed from the end and the head set back)",
                end + 1,
                format_ms(c.at),
                c.seq
            ));
            flag(end + 1, &mut first_bad);
        }
        let more = bad_checkpoints.len().saturating_sub(MAX_LISTED);
        problems.extend(bad_checkpoints.into_iter().take(MAX_LISTED));
        if more > 0 {
            problems.push(format!("{more} more checkpoints do not authenticate"));
        }
        let good: Vec<&Checkpoint> = agreeing
            .iter()
            .copied()
            .filter(|c| first_bad.is_none_or(|b| c.seq < b))
            .collect();
        let distinct: BTreeSet<(i64, i64)> = good.iter().map(|c| (c.seq, c.at)).collect();
        Ok(AuditVerification {
            rows: walk.holds_through,
            keyed_from: walk.head.keyed_from,
            agreeing: distinct.len(),
            last_good: good
                .iter()
                .max_by_key(|c| (c.seq, c.at))
                .map(|c| (*c).clone()),
            problems,
        })
    }
}

/// Signs the current head and writes it to `log`; `None` while the log is empty.
pub async fn write_audit_checkpoint(
    store: &Store,
    log: &CheckpointLog,
) -> Result<Option<Checkpoint>> {
    let Some(c) = store.audit_checkpoint().await? else {
        return Ok(None);
    };
    log.append(&c).await?;
    Ok(Some(c))
}

/// How often [`CheckpointWriter`] writes.
#[derive(Debug, Clone, Copy)]
pub struct CheckpointSchedule {
    /// After this many new rows.
    pub every_rows: i64,
    /// After this long, when there is at least one new row.
    pub every: Duration,
    /// How often the head is looked at.
    pub poll: Duration,
}

impl Default for CheckpointSchedule {
    fn default() -> Self {
        CheckpointSchedule {
            every_rows: 1000,
            every: Duration::from_secs(300),
            poll: Duration::from_secs(5),
        }
    }
}

/// Writes checkpoints in the background (see the module documentation).
pub struct CheckpointWriter {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl CheckpointWriter {
    pub fn start(store: Store, log: CheckpointLog, schedule: CheckpointSchedule) -> Self {
        let (stop, stopped) = watch::channel(false);
        let handle = tokio::spawn(run_checkpoints(store, log, schedule, stopped));
        CheckpointWriter { stop, handle }
    }

    /// Writes a last checkpoint and ends.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(e) = self.handle.await {
            tracing::error!(error = %e, "the audit checkpoint task failed");
        }
    }
}

async fn run_checkpoints(
    store: Store,
    log: CheckpointLog,
    schedule: CheckpointSchedule,
    mut stop: watch::Receiver<bool>,
) {
    let mut last = log.last_in_file(store.keys()).await;
    let mut last_written = tokio::time::Instant::now();
    let mut first = true;
    let mut stopping = false;
    loop {
        match store.audit_head().await {
            Ok(head) => {
                let grown = match &last {
                    None => head.seq,
                    Some(c) => head.seq - c.seq,
                };
                let changed = last
                    .as_ref()
                    .is_none_or(|c| c.seq != head.seq || c.hash != head.hash);
                let due = first
                    || stopping
                    || grown >= schedule.every_rows
                    || last_written.elapsed() >= schedule.every;
                if head.seq > 0 && changed && due {
                    if let Some(prev) = &last {
                        check_still_there(&store, prev).await;
                    }
                    match write_audit_checkpoint(&store, &log).await {
                        Ok(Some(c)) => {
                            tracing::debug!(seq = c.seq, "audit checkpoint written");
                            last = Some(c);
                            last_written = tokio::time::Instant::now();
                        }
                        Ok(None) => {}
                        Err(e) => tracing::warn!(
                            error = %e,
                            checkpoints = %log.location(),
                            "could not write an audit checkpoint"
                        ),
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not read the audit head"),
        }
        first = false;
        if stopping {
            break;
        }
        tokio::select! {
            _ = tokio::time::sleep(schedule.poll) => {}
            _ = stop.changed() => stopping = true,
        }
        if *stop.borrow() {
            stopping = true;
        }
    }
}

/// Logs an error when the row a previous checkpoint recorded no longer has its hash (the log
/// was cut back or rewritten since): `worktrack audit verify` reports it in full.
async fn check_still_there(store: &Store, c: &Checkpoint) {
    match store.audit_row_hash(c.seq).await {
        Ok(Some(h)) if h == c.hash => {}
        Ok(found) => tracing::error!(
            row = c.seq,
            checkpointed = %format_ms(c.at),
            found = found.is_some(),
            "the audit log no longer has the row a checkpoint recorded; run `worktrack audit verify`"
        ),
        Err(e) => tracing::warn!(error = %e, "could not check the last audit checkpoint"),
    }
}

#[cfg(test)]
#[path = "checkpoints_tests.rs"]
mod tests;
