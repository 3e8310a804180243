//! Importing call records: the file is read once on a blocking thread (the domain's parsers,
//! through `call_files`) while the calls it gives are stored, a few thousand per transaction,
//! on this task. Each call is keyed by the phone system's own identity (office, time entered,
//! queue, call id), so importing the same records again, or an export that overlaps an earlier
//! one, adds nothing twice; a later record that says more (a call that was still waiting, an
//! answered call whose end was missing) completes the stored one. The tallies the figures are
//! read from change in the same transaction as the calls.

use super::{office_zone, Store};
use crate::audit::Event;
use crate::call_files::{read_calls, BadLine, CallFormat, Item, ReadError, ReadReport};
use crate::db::{now_ms, Backend, WriteTx};
use crate::error::{Result, StoreError};
use crate::offices::Office;
use crate::Viewer;
use futures::TryStreamExt;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;
use std::io::BufRead;
use worktrack_domain::calls::access;
use worktrack_domain::calls::metrics::{OutcomeSums, Settings};
use worktrack_domain::calls::queue_log::{AgentEvent, AgentEventKind};
use worktrack_domain::calls::{Call, Outcome, QueueEvent};
use worktrack_domain::TimeZone;

/// Calls stored per transaction: large enough that a transaction's cost is spread, small
/// enough that other writers (bookings, uploads) wait a few milliseconds at most.
const BATCH: usize = 4_000;
/// Rows per multi-row INSERT statement (12 values each, well under both databases' limits).
const ROWS_PER_STATEMENT: usize = 400;

/// One import and its report, as the import page and the API list them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallImport {
    pub id: i64,
    pub office_id: i64,
    pub format: String,
    pub file_name: String,
    /// `running`, `done` or `failed`.
    pub status: String,
    pub lines: i64,
    pub bad_lines: i64,
    /// Calls the file held (a call still waiting at its end included).
    pub calls_read: i64,
    /// Calls stored for the first time.
    pub calls_stored: i64,
    /// Calls already stored that this file completed (they were waiting, or their end was
    /// missing).
    pub calls_completed: i64,
    /// Calls already stored as the file has them: counted once, not again.
    pub calls_known: i64,
    pub waiting_at_end: i64,
    /// The first lines that could not be read, with their line numbers.
    pub first_bad: Vec<BadLine>,
    pub error: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

struct ImportRow {
    id: i64,
    office_id: i64,
    format: String,
    file_name: String,
    status: String,
    lines: i64,
    bad_lines: i64,
    calls_read: i64,
    calls_stored: i64,
    calls_completed: i64,
    calls_known: i64,
    waiting_at_end: i64,
    report: String,
    error: Option<String>,
    created_at: i64,
    finished_at: Option<i64>,
}

from_row!(ImportRow {
    id,
    office_id,
    format,
    file_name,
    status,
    lines,
    bad_lines,
    calls_read,
    calls_stored,
    calls_completed,
    calls_known,
    waiting_at_end,
    report,
    error,
    created_at,
    finished_at,
});

impl From<ImportRow> for CallImport {
    fn from(r: ImportRow) -> CallImport {
        let first_bad = serde_json::from_str::<StoredReport>(&r.report)
            .map(|s| {
                s.first_bad
                    .into_iter()
                    .map(|(line, reason)| BadLine { line, reason })
                    .collect()
            })
            .unwrap_or_default();
        CallImport {
            id: r.id,
            office_id: r.office_id,
            format: r.format,
            file_name: r.file_name,
            status: r.status,
            lines: r.lines,
            bad_lines: r.bad_lines,
            calls_read: r.calls_read,
            calls_stored: r.calls_stored,
            calls_completed: r.calls_completed,
            calls_known: r.calls_known,
            waiting_at_end: r.waiting_at_end,
            first_bad,
            error: r.error,
            created_at: r.created_at,
            finished_at: r.finished_at,
        }
    }
}

#[derive(Serialize, serde::Deserialize, Default)]
struct StoredReport {
    /// Line number and reason.
    first_bad: Vec<(u64, String)>,
}

/// What an import did: its record, and the reader's full report.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub import: CallImport,
    pub report: ReadReport,
}

/// What one batch did to the stored calls.
#[derive(Debug, Default, Clone, Copy)]
struct BatchCounts {
    stored: i64,
    completed: i64,
    known: i64,
}

/// What the import carries from one batch to the next.
struct Progress {
    clock: LocalClock,
    /// Agents seen, with the first time each was seen.
    agents: HashMap<String, i64>,
    /// The latest time a call entered among the office's stored calls.
    latest: i64,
}

/// The reader stopped because the writer did (its error is the one reported).
#[derive(Debug)]
struct WriterGone;

const IMPORT_COLUMNS: &str = "id, office_id, format, file_name, status, lines, bad_lines, calls_read, \
     calls_stored, calls_completed, calls_known, waiting_at_end, report, error, created_at, finished_at";

impl Store {
    /// Imports the call records in `input` into `office`, streaming: the file is never held
    /// in memory, whatever its size. `progress` is told the bytes read so far. Lines that
    /// cannot be read are counted and the first of them kept with their line numbers; they
    /// never stop the import. A file refused as a whole (a CSV without the columns it needs)
    /// stores nothing and is an invalid request; the failed import is recorded either way.
    pub async fn import_calls<R>(
        &self,
        viewer: &Viewer,
        office: &Office,
        format: CallFormat,
        file_name: &str,
        input: R,
        progress: impl FnMut(u64) + Send + 'static,
    ) -> Result<ImportOutcome>
    where
        R: BufRead + Send + 'static,
    {
        let allowed = access::may_import_calls(viewer.role, &viewer.scope, office.id);
        self.check_calls_access(
            viewer,
            office,
            allowed,
            "only the office's managers import its call records",
        )
        .await?;
        let file_name = file_name_of(file_name)?;
        let settings = self.call_settings(office.id).await?;
        let zone = office_zone(office)?;
        let import_id = self
            .start_import(viewer, office, format.name(), &file_name)
            .await?;

        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<Item>>(4);
        let reader = tokio::task::spawn_blocking(move || {
            let mut batch: Vec<Item> = Vec::with_capacity(BATCH);
            let rules = zone.rules();
            let report = read_calls(
                input,
                &format,
                &rules,
                |item| {
                    batch.push(item);
                    if batch.len() >= BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        sender.blocking_send(full).map_err(|_| WriterGone)?;
                    }
                    Ok(())
                },
                progress,
            );
            if report.is_ok() && !batch.is_empty() {
                sender
                    .blocking_send(batch)
                    .map_err(|_| ReadError::Sink(WriterGone))?;
            }
            report
        });

        let (stored_max,): (Option<i64>,) =
            sqlx::query_as("SELECT MAX(entered_ms) FROM calls WHERE office_id = $1")
                .bind(office.id)
                .fetch_one(self.pool())
                .await?;
        let mut progress = Progress {
            clock: LocalClock::new(zone),
            agents: HashMap::new(),
            latest: stored_max.unwrap_or(i64::MIN),
        };
        let mut totals = BatchCounts::default();
        let mut write_error = None;
        while let Some(items) = receiver.recv().await {
            match self
                .store_batch(office.id, import_id, &settings, &mut progress, items)
                .await
            {
                Ok(c) => {
                    totals.stored += c.stored;
                    totals.completed += c.completed;
                    totals.known += c.known;
                }
                Err(e) => {
                    write_error = Some(e);
                    break;
                }
            }
        }
        drop(receiver);
        let read = reader
            .await
            .map_err(|_| StoreError::Model("the call-record reader stopped unexpectedly"))?;
        if let Err(e) = self.note_agents(office.id, &progress.agents).await {
            write_error.get_or_insert(e);
        }
        let failure = match (&write_error, &read) {
            (Some(e), _) => Some(format!("storing the calls failed: {e}")),
            (None, Err(ReadError::Header(m))) => Some(m.clone()),
            (None, Err(ReadError::Io(e))) => Some(format!("reading the file failed: {e}")),
            (None, Err(ReadError::Sink(_))) => Some("storing the calls stopped".to_string()),
            (None, Ok(_)) => None,
        };
        let report = read.as_ref().map(Clone::clone).unwrap_or_default();
        let import = self
            .finish_import(
                viewer,
                office,
                import_id,
                &report,
                totals,
                failure.as_deref(),
            )
            .await?;
        if let Some(e) = write_error {
            return Err(e);
        }
        match read {
            Ok(report) => Ok(ImportOutcome { import, report }),
            Err(ReadError::Header(m)) => Err(StoreError::Invalid(m)),
            Err(ReadError::Io(e)) => Err(StoreError::Io(e)),
            Err(ReadError::Sink(_)) => Err(StoreError::Model("storing the calls stopped")),
        }
    }

    async fn start_import(
        &self,
        viewer: &Viewer,
        office: &Office,
        format: &str,
        file_name: &str,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO call_imports (office_id, format, file_name, status, created_by, created_at) \
             VALUES ($1, $2, $3, 'running', $4, $5) RETURNING id",
        )
        .bind(office.id)
        .bind(format)
        .bind(file_name)
        .bind(viewer.actor.user_id)
        .bind(now_ms())
        .fetch_one(&mut *tx.tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn finish_import(
        &self,
        viewer: &Viewer,
        office: &Office,
        id: i64,
        report: &ReadReport,
        totals: BatchCounts,
        failure: Option<&str>,
    ) -> Result<CallImport> {
        let stored = serde_json::to_string(&StoredReport {
            first_bad: report
                .first_bad
                .iter()
                .map(|b| (b.line, b.reason.clone()))
                .collect(),
        })
        .map_err(|_| StoreError::Model("an import report could not be written"))?;
        let status = if failure.is_some() { "failed" } else { "done" };
        let mut tx = self.begin_write().await?;
        let row: ImportRow = sqlx::query_as(&format!(
            "UPDATE call_imports SET status = $2, lines = $3, bad_lines = $4, calls_read = $5, \
             calls_stored = $6, calls_completed = $7, calls_known = $8, waiting_at_end = $9, \
             report = $10, error = $11, finished_at = $12 WHERE id = $1 RETURNING {IMPORT_COLUMNS}"
        ))
        .bind(id)
        .bind(status)
        .bind(count(report.lines))
        .bind(count(report.bad_lines))
        .bind(count(report.calls))
        .bind(totals.stored)
        .bind(totals.completed)
        .bind(totals.known)
        .bind(count(report.waiting_at_end))
        .bind(stored)
        .bind(failure)
        .bind(now_ms())
        .fetch_one(&mut *tx.tx)
        .await?;
        let import = CallImport::from(row);
        tx.commit_audited(
            &viewer.actor,
            Event::new("calls.import", "call_import", id, Some(office.id)).detail(json!({
                "file_name": import.file_name,
                "format": import.format,
                "status": import.status,
                "lines": import.lines,
                "bad_lines": import.bad_lines,
                "calls_stored": import.calls_stored,
                "calls_completed": import.calls_completed,
                "calls_known": import.calls_known,
            })),
        )
        .await?;
        Ok(import)
    }

    /// The office's imports, newest first.
    pub async fn call_imports(
        &self,
        viewer: &Viewer,
        office: &Office,
        limit: i64,
    ) -> Result<Vec<CallImport>> {
        let allowed = access::may_import_calls(viewer.role, &viewer.scope, office.id)
            || access::may_read_call_figures(viewer.role, &viewer.scope, office.id);
        self.check_calls_access(viewer, office, allowed, "cannot see this office's imports")
            .await?;
        let rows: Vec<ImportRow> = sqlx::query_as(&format!(
            "SELECT {IMPORT_COLUMNS} FROM call_imports WHERE office_id = $1 ORDER BY id DESC LIMIT $2"
        ))
        .bind(office.id)
        .bind(limit.clamp(1, 500))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(CallImport::from).collect())
    }

    /// Records the agents first seen in this import (mapped to no one until a manager says).
    async fn note_agents(&self, office_id: i64, agents: &HashMap<String, i64>) -> Result<()> {
        if agents.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        for (agent, first_seen) in agents {
            sqlx::query(
                "INSERT INTO call_agents (office_id, agent, first_seen_ms) VALUES ($1, $2, $3) \
                 ON CONFLICT (office_id, agent) DO UPDATE SET first_seen_ms = \
                 CASE WHEN excluded.first_seen_ms < call_agents.first_seen_ms \
                 THEN excluded.first_seen_ms ELSE call_agents.first_seen_ms END",
            )
            .bind(office_id)
            .bind(agent)
            .bind(*first_seen)
            .execute(&mut *tx.tx)
            .await?;
        }
        tx.commit().await
    }

    /// Stores one batch in one transaction: the calls not yet stored, the completions of
    /// calls stored before, the tallies' changes, agents' and other events.
    async fn store_batch(
        &self,
        office_id: i64,
        import_id: i64,
        settings: &Settings,
        progress: &mut Progress,
        items: Vec<Item>,
    ) -> Result<BatchCounts> {
        let Progress {
            clock,
            agents,
            latest,
        } = progress;
        let mut calls: HashMap<(i64, String, String), Call> = HashMap::new();
        let mut agent_events = Vec::new();
        let mut others = Vec::new();
        let mut counts = BatchCounts::default();
        for item in items {
            match item {
                Item::Call(call) => {
                    if let Some(agent) = &call.agent {
                        note_agent(agents, agent, call.entered_ms);
                    }
                    let key = (call.entered_ms, call.queue.clone(), call.call_id.clone());
                    match calls.get(&key) {
                        Some(kept) if !call.completes(kept) => counts.known += 1,
                        Some(_) => {
                            counts.known += 1;
                            calls.insert(key, call);
                        }
                        None => {
                            calls.insert(key, call);
                        }
                    }
                }
                Item::Agent(ev) => {
                    note_agent(agents, &ev.agent, ev.at_ms);
                    agent_events.push(ev);
                }
                Item::Other(ev) => others.push(ev),
            }
        }
        let mut tx = self.begin_write().await?;
        let stored = existing_calls(&mut tx, office_id, &calls, *latest).await?;
        if let Some(last) = calls.keys().map(|k| k.0).max() {
            *latest = (*latest).max(last);
        }
        let mut fresh: Vec<(Call, String, i64)> = Vec::new();
        let mut tallies = TallyChanges::default();
        for (key, call) in calls {
            let (day, hour) = clock.at(call.entered_ms);
            match stored.get(&key) {
                None => {
                    counts.stored += 1;
                    tallies.add(&day, &call, hour, settings, 1);
                    fresh.push((call, day, hour));
                }
                Some(old) if call.completes(old) => {
                    counts.completed += 1;
                    tallies.add(&day, old, hour, settings, -1);
                    tallies.add(&day, &call, hour, settings, 1);
                    complete_call(&mut tx, office_id, import_id, &call).await?;
                }
                Some(_) => counts.known += 1,
            }
        }
        insert_calls(&mut tx, office_id, import_id, &fresh).await?;
        tallies.write(&mut tx, office_id).await?;
        insert_agent_events(&mut tx, office_id, &agent_events).await?;
        insert_other_events(&mut tx, office_id, &others).await?;
        tx.commit().await?;
        Ok(counts)
    }
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn note_agent(agents: &mut HashMap<String, i64>, agent: &str, at_ms: i64) {
    match agents.get_mut(agent) {
        Some(first) => *first = (*first).min(at_ms),
        None => {
            agents.insert(agent.to_string(), at_ms);
        }
    }
}

/// The file's name as the import list shows it: the last part of a path, 1 to 200 printable
/// characters.
fn file_name_of(given: &str) -> Result<String> {
    let name = given
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(given)
        .trim()
        .to_string();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(StoreError::Invalid(
            "the file's name must be 1 to 200 printable characters".to_string(),
        ));
    }
    Ok(name)
}

/// The office's calendar day and hour for an instant, remembered per quarter hour: calls
/// arrive in time order, and every offset in use is a whole number of quarter hours.
struct LocalClock {
    zone: TimeZone,
    block: i64,
    day: String,
    hour: i64,
}

impl LocalClock {
    fn new(zone: TimeZone) -> LocalClock {
        LocalClock {
            zone,
            block: i64::MIN,
            day: String::new(),
            hour: 0,
        }
    }

    fn at(&mut self, ms: i64) -> (String, i64) {
        let block = ms.div_euclid(900_000);
        if block != self.block {
            let local = self.zone.local_time(ms);
            self.block = block;
            self.day = local.date().to_string();
            self.hour = i64::from(local.hour());
        }
        (self.day.clone(), self.hour)
    }
}

/// The calls of this batch already stored. Only calls entered no later than the office's
/// latest stored call (`latest`, kept by the import) can be there: for a fresh file that is
/// only the few calls that overlap the batch before, looked up by their exact times; past the
/// office's latest call nothing is read at all.
async fn existing_calls(
    tx: &mut WriteTx,
    office_id: i64,
    calls: &HashMap<(i64, String, String), Call>,
    latest: i64,
) -> Result<HashMap<(i64, String, String), Call>> {
    let mut times: Vec<i64> = calls.keys().map(|k| k.0).filter(|t| *t <= latest).collect();
    times.sort_unstable();
    times.dedup();
    let mut found = HashMap::new();
    for chunk in times.chunks(ROWS_PER_STATEMENT) {
        let list = match tx.backend {
            Backend::Sqlite => vec!["?"; chunk.len()].join(", "),
            Backend::Postgres => (2..chunk.len() + 2)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let first = match tx.backend {
            Backend::Sqlite => "?",
            Backend::Postgres => "$1",
        };
        let sql = format!(
            "SELECT entered_ms, queue, call_id, outcome, wait_secs, talk_secs, hold_secs, agent \
             FROM calls WHERE office_id = {first} AND entered_ms IN ({list})"
        );
        let mut q = sqlx::query(&sql).bind(office_id);
        for t in chunk {
            q = q.bind(*t);
        }
        let mut rows = q.fetch(&mut *tx.tx);
        while let Some(r) = rows.try_next().await? {
            let key: (i64, String, String) = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
            if !calls.contains_key(&key) {
                continue;
            }
            let outcome: String = r.try_get(3)?;
            let call = Call {
                call_id: key.2.clone(),
                queue: key.1.clone(),
                entered_ms: key.0,
                outcome: Outcome::parse(&outcome)
                    .ok_or(StoreError::Model("a stored call's outcome is unknown"))?,
                wait_secs: r.try_get(4)?,
                talk_secs: r.try_get(5)?,
                hold_secs: r.try_get(6)?,
                agent: r.try_get(7)?,
            };
            found.insert(key, call);
        }
    }
    Ok(found)
}

/// `($1, …, $n), ($n+1, …)`: `rows` rows of `width` placeholders. On SQLite they are plain
/// `?`: numbered ones make SQLite's driver look each number up by name, which takes time
/// growing with the square of the values in a statement.
fn placeholders(backend: Backend, rows: usize, width: usize) -> String {
    let plain = crate::batch::value_rows(rows, width);
    match backend {
        Backend::Sqlite => plain,
        Backend::Postgres => crate::batch::numbered(&plain),
    }
}

async fn insert_calls(
    tx: &mut WriteTx,
    office_id: i64,
    import_id: i64,
    calls: &[(Call, String, i64)],
) -> Result<()> {
    for chunk in calls.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO calls (office_id, entered_ms, queue, call_id, day, hour, outcome, \
             wait_secs, talk_secs, hold_secs, agent, import_id) VALUES {}",
            placeholders(tx.backend, chunk.len(), 12)
        );
        let mut q = sqlx::query(&sql);
        for (c, day, hour) in chunk {
            q = q
                .bind(office_id)
                .bind(c.entered_ms)
                .bind(c.queue.as_str())
                .bind(c.call_id.as_str())
                .bind(day.as_str())
                .bind(*hour)
                .bind(c.outcome.as_str())
                .bind(c.wait_secs.max(0))
                .bind(c.talk_secs.max(0))
                .bind(c.hold_secs.max(0))
                .bind(c.agent.as_deref())
                .bind(import_id);
        }
        q.execute(&mut *tx.tx).await?;
    }
    Ok(())
}

async fn complete_call(tx: &mut WriteTx, office_id: i64, import_id: i64, c: &Call) -> Result<()> {
    sqlx::query(
        "UPDATE calls SET outcome = $5, wait_secs = $6, talk_secs = $7, hold_secs = $8, \
         agent = $9, import_id = $10 WHERE office_id = $1 AND entered_ms = $2 AND queue = $3 AND call_id = $4",
    )
    .bind(office_id)
    .bind(c.entered_ms)
    .bind(c.queue.as_str())
    .bind(c.call_id.as_str())
    .bind(c.outcome.as_str())
    .bind(c.wait_secs.max(0))
    .bind(c.talk_secs.max(0))
    .bind(c.hold_secs.max(0))
    .bind(c.agent.as_deref())
    .bind(import_id)
    .execute(&mut *tx.tx)
    .await?;
    Ok(())
}

fn kind_name(kind: AgentEventKind) -> &'static str {
    match kind {
        AgentEventKind::LoggedIn => "logged_in",
        AgentEventKind::LoggedOff => "logged_off",
        AgentEventKind::Added => "added",
        AgentEventKind::Removed => "removed",
        AgentEventKind::Paused => "paused",
        AgentEventKind::Unpaused => "unpaused",
    }
}

pub(super) fn parse_kind(name: &str) -> Option<AgentEventKind> {
    use AgentEventKind::*;
    [LoggedIn, LoggedOff, Added, Removed, Paused, Unpaused]
        .into_iter()
        .find(|k| kind_name(*k) == name)
}

async fn insert_agent_events(
    tx: &mut WriteTx,
    office_id: i64,
    events: &[AgentEvent],
) -> Result<()> {
    for chunk in events.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO call_agent_events (office_id, agent, at_ms, kind, queue) VALUES {} \
             ON CONFLICT DO NOTHING",
            placeholders(tx.backend, chunk.len(), 5)
        );
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(office_id)
                .bind(e.agent.as_str())
                .bind(e.at_ms)
                .bind(kind_name(e.kind))
                .bind(e.queue.as_deref().unwrap_or(""));
        }
        q.execute(&mut *tx.tx).await?;
    }
    Ok(())
}

async fn insert_other_events(
    tx: &mut WriteTx,
    office_id: i64,
    events: &[QueueEvent],
) -> Result<()> {
    for chunk in events.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO call_other_events (office_id, at_ms, call_id, queue, agent, event, data) \
             VALUES {} ON CONFLICT DO NOTHING",
            placeholders(tx.backend, chunk.len(), 7)
        );
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(office_id)
                .bind(e.at_ms)
                .bind(e.call_id.as_str())
                .bind(e.queue.as_str())
                .bind(e.agent.as_str())
                .bind(e.event.as_str())
                .bind(e.data.join("|"));
        }
        q.execute(&mut *tx.tx).await?;
    }
    Ok(())
}

/// Changes to the tallies, per day, queue, hour and outcome; `sign` −1 takes a call away.
#[derive(Default)]
struct TallyChanges {
    groups: HashMap<(String, String, i64, Outcome), [i64; 7]>,
}

impl TallyChanges {
    fn add(&mut self, day: &str, call: &Call, hour: i64, settings: &Settings, sign: i64) {
        if call.outcome == Outcome::Waiting {
            return;
        }
        let s = OutcomeSums::of(call, settings);
        let g = self
            .groups
            .entry((day.to_string(), call.queue.clone(), hour, call.outcome))
            .or_insert([0; 7]);
        let values = sums_values(&s);
        for (total, v) in g.iter_mut().zip(values) {
            *total += sign * v;
        }
    }

    async fn write(self, tx: &mut WriteTx, office_id: i64) -> Result<()> {
        let groups: Vec<_> = self.groups.into_iter().collect();
        for chunk in groups.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO call_tallies (office_id, day, queue, hour, outcome, calls, wait_secs, \
                 talk_secs, hold_secs, within_limit, over_limit, short) VALUES {} \
                 ON CONFLICT (office_id, day, queue, hour, outcome) DO UPDATE SET \
                 calls = call_tallies.calls + excluded.calls, \
                 wait_secs = call_tallies.wait_secs + excluded.wait_secs, \
                 talk_secs = call_tallies.talk_secs + excluded.talk_secs, \
                 hold_secs = call_tallies.hold_secs + excluded.hold_secs, \
                 within_limit = call_tallies.within_limit + excluded.within_limit, \
                 over_limit = call_tallies.over_limit + excluded.over_limit, \
                 short = call_tallies.short + excluded.short",
                placeholders(tx.backend, chunk.len(), 12)
            );
            let mut q = sqlx::query(&sql);
            for ((day, queue, hour, outcome), v) in chunk {
                q = q
                    .bind(office_id)
                    .bind(day.as_str())
                    .bind(queue.as_str())
                    .bind(*hour)
                    .bind(outcome.as_str());
                for x in v {
                    q = q.bind(*x);
                }
            }
            q.execute(&mut *tx.tx).await?;
        }
        Ok(())
    }
}

/// The sums as stored, in the order of `call_tallies`' columns after `outcome`: calls, wait,
/// talk, hold, within the limit, over it, short.
fn sums_values(s: &OutcomeSums) -> [i64; 7] {
    [
        count(s.calls),
        s.wait_secs,
        s.talk_secs,
        s.hold_secs,
        count(s.within_limit),
        count(s.over_limit),
        count(s.short),
    ]
}

/// Recounts `office_id`'s tallies from its calls under `settings` (after its limits changed),
/// inside `tx`.
pub(super) async fn recount_tallies(
    tx: &mut WriteTx,
    office_id: i64,
    settings: &Settings,
) -> Result<()> {
    sqlx::query("DELETE FROM call_tallies WHERE office_id = $1")
        .bind(office_id)
        .execute(&mut *tx.tx)
        .await?;
    let mut tallies = TallyChanges::default();
    {
        let mut rows = sqlx::query(
            "SELECT day, queue, hour, outcome, wait_secs, talk_secs, hold_secs FROM calls \
             WHERE office_id = $1 AND outcome <> 'waiting'",
        )
        .bind(office_id)
        .fetch(&mut *tx.tx);
        while let Some(r) = rows.try_next().await? {
            let day: String = r.try_get(0)?;
            let outcome: String = r.try_get(3)?;
            let call = Call {
                call_id: String::new(),
                queue: r.try_get(1)?,
                entered_ms: 0,
                outcome: Outcome::parse(&outcome)
                    .ok_or(StoreError::Model("a stored call's outcome is unknown"))?,
                wait_secs: r.try_get(4)?,
                talk_secs: r.try_get(5)?,
                hold_secs: r.try_get(6)?,
                agent: None,
            };
            tallies.add(&day, &call, r.try_get(2)?, settings, 1);
        }
    }
    tallies.write(tx, office_id).await
}
