//! Work items: creation (by hand, or from a profiled document), the state machine's moves with
//! their history, assignment (by hand, in bulk, by an office's rule, and "get next work"),
//! queues with keyset pagination, transfers, deadline policies, leave, full-text search,
//! dashboards and notifications.
//!
//! Every move runs in one write transaction guarded by the item's current status, so two people
//! acting on one item at once cannot both succeed. "Get next work" picks and claims in one
//! transaction: PostgreSQL skips rows another transaction has locked (`FOR UPDATE SKIP
//! LOCKED`), SQLite has a single writer.

use crate::audit::{self, Event};
use crate::db::{now_ms, Backend, Store};
use crate::error::{Result, StoreError};
use crate::keys::Keys;
use crate::{Actor, Office, Viewer};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::Date;
use worktrack_domain::permit::{self, Move, Permitted};
use worktrack_domain::work::{
    self, choose_assignee, due_date, parse_deadline_days, Action, AgeBucket, AssignmentRule,
    Candidate, Priority, Status,
};
use worktrack_domain::{Calendar, Scope};

/// One work item as lists and pages show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WorkItem {
    pub id: i64,
    pub office_id: i64,
    pub workload: String,
    pub claimant_id: Option<i64>,
    pub title: String,
    pub priority: Priority,
    pub status: Status,
    pub assignee_id: Option<i64>,
    pub assignee: Option<String>,
    pub received_on: String,
    pub deadline_days: i64,
    pub paused_days: i64,
    pub waiting_since: Option<String>,
    pub due_on: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub completed_on: Option<String>,
    pub transferred_from: Option<i64>,
    pub transferred_to: Option<i64>,
    pub documents: i64,
}

impl WorkItem {
    pub fn due_date(&self) -> Option<Date> {
        parse_date(&self.due_on)
    }

    pub fn received_date(&self) -> Option<Date> {
        parse_date(&self.received_on)
    }
}

/// A move in an item's history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub assignee: Option<String>,
    pub note: String,
}

/// A work item made by hand.
#[derive(Debug, Clone)]
pub struct NewWorkItem {
    pub office_id: i64,
    pub workload: String,
    pub claimant_id: Option<i64>,
    pub title: String,
    pub priority: Priority,
    pub received_on: Date,
}

/// What a move needs besides the action.
#[derive(Debug, Clone, Default)]
pub struct MoveInput {
    pub assignee_id: Option<i64>,
    pub to_office_id: Option<i64>,
    pub note: String,
}

/// The queues of an office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueView {
    /// Everything still owed.
    Open,
    Mine,
    Unassigned,
    DueToday,
    Overdue,
    Waiting,
    Completed,
}

impl QueueView {
    pub const ALL: [QueueView; 7] = [
        QueueView::Open,
        QueueView::Mine,
        QueueView::Unassigned,
        QueueView::DueToday,
        QueueView::Overdue,
        QueueView::Waiting,
        QueueView::Completed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QueueView::Open => "open",
            QueueView::Mine => "mine",
            QueueView::Unassigned => "unassigned",
            QueueView::DueToday => "due_today",
            QueueView::Overdue => "overdue",
            QueueView::Waiting => "waiting",
            QueueView::Completed => "completed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            QueueView::Open => "All open",
            QueueView::Mine => "My work",
            QueueView::Unassigned => "Unassigned",
            QueueView::DueToday => "Due today",
            QueueView::Overdue => "Overdue",
            QueueView::Waiting => "Waiting",
            QueueView::Completed => "Completed",
        }
    }

    pub fn parse(s: &str) -> Option<QueueView> {
        QueueView::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A queue request: one office, a view, filters, and where the previous page ended.
#[derive(Debug, Clone)]
pub struct QueueQuery {
    pub office_id: i64,
    pub view: QueueView,
    pub workload: Option<String>,
    pub assignee_id: Option<i64>,
    pub age: Option<AgeBucket>,
    /// `(due_on, id)` of the last row of the previous page.
    pub after: Option<(String, i64)>,
    pub limit: i64,
    pub today: Date,
}

/// A page of a queue; `next` is the keyset of the following page.
#[derive(Debug, Clone, Serialize)]
pub struct QueuePage {
    pub items: Vec<WorkItem>,
    pub next: Option<(String, i64)>,
}

/// Counts behind an office's queue tabs and aging buckets.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QueueCounts {
    pub open: i64,
    pub unassigned: i64,
    pub due_today: i64,
    pub overdue: i64,
    pub waiting: i64,
    pub mine: i64,
    /// Open items by age bucket, in [`AgeBucket::ALL`] order.
    pub aging: [i64; 4],
}

/// A workload's assignment facts.
#[derive(Debug, Clone, Serialize)]
pub struct WorkloadRule {
    pub workload: String,
    pub name: String,
    pub skill: Option<String>,
    pub effort: f64,
    pub deadline_days: i64,
    /// This office's own deadline, when it set one.
    pub office_days: Option<i64>,
}

/// A stretch of leave.
#[derive(Debug, Clone, Serialize)]
pub struct Leave {
    pub id: i64,
    pub user_id: i64,
    pub first_day: String,
    pub last_day: String,
    pub note: String,
}

/// One search hit: the item and a stretch of its (masked) text around the first match.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub item: WorkItem,
    pub snippet: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub id: i64,
    pub work_item_id: Option<i64>,
    pub message: String,
    pub created_at: i64,
    pub read: bool,
}

/// A saved view: a name and the queue's query string.
#[derive(Debug, Clone, Serialize)]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    pub query: String,
}

/// Load of one person: open items and their weighted effort.
#[derive(Debug, Clone, Serialize)]
pub struct Load {
    pub user_id: i64,
    pub name: String,
    pub open: i64,
    pub effort: f64,
    pub overdue: i64,
    pub away: bool,
}

const ITEM_COLUMNS: &str = "w.id, w.office_id, w.workload, w.claimant_id, w.title, w.priority, w.status, \
    w.assignee_id, u.display_name AS assignee, w.received_on, w.deadline_days, w.paused_days, w.waiting_since, \
    w.due_on, w.created_at, w.updated_at, w.completed_on, w.transferred_from, w.transferred_to, \
    (SELECT COUNT(*) FROM work_item_documents d WHERE d.work_item_id = w.id) AS documents";
const ITEM_FROM: &str = "FROM work_items w LEFT JOIN users u ON u.id = w.assignee_id";

fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s, &time::format_description::well_known::Iso8601::DATE).ok()
}

fn item_from_row(r: &AnyRow) -> std::result::Result<WorkItem, sqlx::Error> {
    let status: String = r.try_get("status")?;
    let priority: i64 = r.try_get("priority")?;
    Ok(WorkItem {
        id: r.try_get("id")?,
        office_id: r.try_get("office_id")?,
        workload: r.try_get("workload")?,
        claimant_id: r.try_get("claimant_id")?,
        title: r.try_get("title")?,
        priority: Priority::from_i64(priority).unwrap_or(Priority::Normal),
        status: Status::parse(&status).ok_or_else(|| {
            sqlx::Error::Decode(format!("unknown work item status {status:?}").into())
        })?,
        assignee_id: r.try_get("assignee_id")?,
        assignee: r.try_get("assignee")?,
        received_on: r.try_get("received_on")?,
        deadline_days: r.try_get("deadline_days")?,
        paused_days: r.try_get("paused_days")?,
        waiting_since: r.try_get("waiting_since")?,
        due_on: r.try_get("due_on")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        completed_on: r.try_get("completed_on")?,
        transferred_from: r.try_get("transferred_from")?,
        transferred_to: r.try_get("transferred_to")?,
        documents: r.try_get("documents")?,
    })
}

/// The columns of [`ITEM_COLUMNS`], as keys of a page fetched as JSON.
const ITEM_JSON_KEYS: [&str; 20] = [
    "id",
    "office_id",
    "workload",
    "claimant_id",
    "title",
    "priority",
    "status",
    "assignee_id",
    "assignee",
    "received_on",
    "deadline_days",
    "paused_days",
    "waiting_since",
    "due_on",
    "created_at",
    "updated_at",
    "completed_on",
    "transferred_from",
    "transferred_to",
    "documents",
];

#[derive(serde::Deserialize)]
struct ItemJson {
    id: i64,
    office_id: i64,
    workload: String,
    claimant_id: Option<i64>,
    title: String,
    priority: i64,
    status: String,
    assignee_id: Option<i64>,
    assignee: Option<String>,
    received_on: String,
    deadline_days: i64,
    paused_days: i64,
    waiting_since: Option<String>,
    due_on: String,
    created_at: i64,
    updated_at: i64,
    completed_on: Option<String>,
    transferred_from: Option<i64>,
    transferred_to: Option<i64>,
    documents: i64,
}

/// Items from a JSON array of [`ITEM_JSON_KEYS`] objects, in `(due_on, id)` order.
fn items_from_json(json: &str) -> Result<Vec<WorkItem>> {
    let rows: Vec<ItemJson> =
        serde_json::from_str(json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let mut items = rows
        .into_iter()
        .map(|r| {
            Ok(WorkItem {
                priority: Priority::from_i64(r.priority).unwrap_or(Priority::Normal),
                status: Status::parse(&r.status).ok_or_else(|| {
                    sqlx::Error::Decode(format!("unknown work item status {:?}", r.status).into())
                })?,
                id: r.id,
                office_id: r.office_id,
                workload: r.workload,
                claimant_id: r.claimant_id,
                title: r.title,
                assignee_id: r.assignee_id,
                assignee: r.assignee,
                received_on: r.received_on,
                deadline_days: r.deadline_days,
                paused_days: r.paused_days,
                waiting_since: r.waiting_since,
                due_on: r.due_on,
                created_at: r.created_at,
                updated_at: r.updated_at,
                completed_on: r.completed_on,
                transferred_from: r.transferred_from,
                transferred_to: r.transferred_to,
                documents: r.documents,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    items.sort_by(|a, b| (a.due_on.as_str(), a.id).cmp(&(b.due_on.as_str(), b.id)));
    Ok(items)
}

/// A bound value of a query built at run time.
enum Arg {
    I(i64),
    S(String),
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    args: &'q [Arg],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for a in args {
        q = match a {
            Arg::I(n) => q.bind(*n),
            Arg::S(s) => q.bind(s.as_str()),
        };
    }
    q
}

/// Words of a search as an FTS5 query: each a quoted phrase, all required.
fn fts5_query(text: &str) -> Option<String> {
    let words: Vec<String> = search_words(text)
        .into_iter()
        .map(|w| format!("\"{w}\""))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The words of a search: letters and digits only, at most 8.
fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| w.to_lowercase())
        .collect()
}

/// A short stretch of `body` around the first word of `words` found in it.
fn snippet(body: &str, words: &[String]) -> String {
    let lower = body.to_lowercase();
    let at = words
        .iter()
        .filter_map(|w| lower.find(w.as_str()))
        .min()
        .unwrap_or(0);
    // Lowercasing can change byte lengths; fall back to the start when the offset is not a
    // boundary in the original.
    let at = if body.is_char_boundary(at) { at } else { 0 };
    let start = body[..at]
        .char_indices()
        .rev()
        .nth(60)
        .map_or(0, |(i, _)| i);
    let text: String = body[start..].chars().take(180).collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if start > 0 {
        format!("\u{2026}{text}\u{2026}")
    } else {
        format!("{text}\u{2026}")
    }
}

impl Store {
    // --- rules and policies ---------------------------------------------------------------------

    /// The workloads with their skill, effort and deadlines (the office's own where set).
    pub async fn workload_rules(&self, office_id: i64) -> Result<Vec<WorkloadRule>> {
        let rows = sqlx::query(
            "SELECT w.code, w.name, r.skill, r.effort, r.deadline_days, p.days \
             FROM workloads w LEFT JOIN workload_rules r ON r.workload = w.code \
             LEFT JOIN deadline_policies p ON p.workload = w.code AND p.office_id = $1 ORDER BY w.name",
        )
        .bind(office_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let code: String = r.try_get(0)?;
                let (skill, effort) = work::default_workload_rule(&code);
                Ok(WorkloadRule {
                    name: r.try_get(1)?,
                    skill: r
                        .try_get::<Option<String>, _>(2)?
                        .or_else(|| skill.map(str::to_string)),
                    effort: r.try_get::<Option<f64>, _>(3)?.unwrap_or(effort),
                    deadline_days: r.try_get::<Option<i64>, _>(4)?.unwrap_or(10),
                    office_days: r.try_get(5)?,
                    workload: code,
                })
            })
            .collect()
    }

    async fn workload_rule(&self, office_id: i64, workload: &str) -> Result<WorkloadRule> {
        self.workload_rules(office_id)
            .await?
            .into_iter()
            .find(|r| r.workload == workload)
            .ok_or_else(|| StoreError::Invalid(format!("{workload:?} is not a workload")))
    }

    /// Sets an office's deadline for a workload from what a manager typed (0–365 business
    /// days). Applies to items created from now on.
    pub async fn set_deadline_policy(
        &self,
        viewer: &Viewer,
        office: &Office,
        workload: &str,
        days: &str,
    ) -> Result<()> {
        self.check_scope(viewer, office.id, "office", &office.code)
            .await?;
        if !permit::may_set_deadlines(viewer.role) {
            return Err(StoreError::Forbidden(
                "only managers, area directors and administrators set deadlines".into(),
            ));
        }
        let days = parse_deadline_days(days).map_err(StoreError::Invalid)?;
        self.workload_rule(office.id, workload).await?;
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        sqlx::query(
            "INSERT INTO deadline_policies (office_id, workload, days, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (office_id, workload) DO UPDATE SET days = excluded.days, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(office.id)
        .bind(workload)
        .bind(i64::from(days))
        .bind(now_ms())
        .bind(viewer.actor.user_id)
        .execute(&mut *tx.tx)
        .await?;
        audit::append(
            &mut tx.tx,
            self.keys(),
            &viewer.actor,
            Event {
                action: "deadline_policy.set",
                target_type: "office",
                target_id: office.code.clone(),
                office_id: Some(office.id),
                detail: serde_json::json!({ "workload": workload, "days": days }),
            },
        )
        .await?;
        tx.commit().await
    }

    /// Sets how an office hands out work.
    pub async fn set_assignment_rule(
        &self,
        viewer: &Viewer,
        office: &Office,
        rule: &str,
        keep_what_you_take: bool,
    ) -> Result<()> {
        self.check_scope(viewer, office.id, "office", &office.code)
            .await?;
        if !permit::may_manage(viewer.role) {
            return Err(StoreError::Forbidden(
                "only managers and area directors set the assignment rule".into(),
            ));
        }
        let rule = AssignmentRule::parse(rule)
            .ok_or_else(|| StoreError::Invalid(format!("{rule:?} is not an assignment rule")))?;
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        sqlx::query(
            "UPDATE offices SET assignment_rule = $1, keep_what_you_take = $2 WHERE id = $3",
        )
        .bind(rule.as_str())
        .bind(i64::from(keep_what_you_take))
        .bind(office.id)
        .execute(&mut *tx.tx)
        .await?;
        audit::append(
            &mut tx.tx,
            self.keys(),
            &viewer.actor,
            Event {
                action: "office.assignment_rule",
                target_type: "office",
                target_id: office.code.clone(),
                office_id: Some(office.id),
                detail: serde_json::json!({ "rule": rule.as_str(), "keep_what_you_take": keep_what_you_take }),
            },
        )
        .await?;
        tx.commit().await
    }

    /// Records leave for a user of the viewer's office.
    pub async fn add_leave(
        &self,
        viewer: &Viewer,
        user_id: i64,
        first: Date,
        last: Date,
        note: &str,
    ) -> Result<Leave> {
        let user = self.user_by_id(user_id).await?;
        let office_id = user.office_id.ok_or(StoreError::NotFound)?;
        self.check_scope(viewer, office_id, "user", &user.username)
            .await?;
        if !permit::may_record_leave(viewer.role, viewer.actor.user_id == Some(user_id)) {
            return Err(StoreError::Forbidden(
                "only managers record leave for others".into(),
            ));
        }
        if last < first {
            return Err(StoreError::Invalid(
                "leave must end on or after the day it begins".into(),
            ));
        }
        let note = note.trim();
        if note.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "the note is longer than 200 characters".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO leave (user_id, first_day, last_day, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(user_id)
        .bind(first.to_string())
        .bind(last.to_string())
        .bind(note)
        .bind(viewer.actor.user_id)
        .bind(now_ms())
        .fetch_one(&mut *tx.tx)
        .await?;
        let id: i64 = row.try_get(0)?;
        audit::append(
            &mut tx.tx,
            self.keys(),
            &viewer.actor,
            Event {
                action: "leave.create",
                target_type: "user",
                target_id: user.username.clone(),
                office_id: Some(office_id),
                detail: serde_json::json!({ "first_day": first.to_string(), "last_day": last.to_string() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Leave {
            id,
            user_id,
            first_day: first.to_string(),
            last_day: last.to_string(),
            note: note.to_string(),
        })
    }

    /// Leave of an office's staff that has not ended before `today`.
    pub async fn leave(&self, office_id: i64, today: Date) -> Result<Vec<Leave>> {
        let rows = sqlx::query(
            "SELECT l.id, l.user_id, l.first_day, l.last_day, l.note FROM leave l JOIN users u ON u.id = l.user_id \
             WHERE u.office_id = $1 AND l.last_day >= $2 ORDER BY l.first_day, l.id",
        )
        .bind(office_id)
        .bind(today.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Leave {
                    id: r.try_get(0)?,
                    user_id: r.try_get(1)?,
                    first_day: r.try_get(2)?,
                    last_day: r.try_get(3)?,
                    note: r.try_get(4)?,
                })
            })
            .collect()
    }

    // --- reading ---------------------------------------------------------------------------------

    async fn item_unscoped(&self, conn: &mut AnyConnection, id: i64) -> Result<WorkItem> {
        let row = sqlx::query(&format!(
            "SELECT {ITEM_COLUMNS} {ITEM_FROM} WHERE w.id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(item_from_row(&row)?)
    }

    /// One work item, if in the viewer's scope. Opening it is a view of the claimant's case and
    /// is audited.
    pub async fn work_item(&self, viewer: &Viewer, id: i64) -> Result<WorkItem> {
        let mut conn = self.pool().acquire().await?;
        let item = self.item_unscoped(&mut conn, id).await?;
        drop(conn);
        self.check_scope(viewer, item.office_id, "work_item", &id.to_string())
            .await?;
        self.audit(
            &viewer.actor,
            Event {
                action: "work_item.view",
                target_type: "work_item",
                target_id: id.to_string(),
                office_id: Some(item.office_id),
                detail: serde_json::json!({ "claimant_id": item.claimant_id }),
            },
        )
        .await?;
        Ok(item)
    }

    /// Whether the viewer may change work item `id` at all, before anything is read from a
    /// request's body: out of scope is `NotFound` (and audited as denied, as a read is), in
    /// scope but a role that changes no business data is `Forbidden`.
    pub async fn check_may_change_work_item(&self, viewer: &Viewer, id: i64) -> Result<()> {
        let mut conn = self.pool().acquire().await?;
        let item = self.item_unscoped(&mut conn, id).await?;
        drop(conn);
        self.check_scope(viewer, item.office_id, "work_item", &id.to_string())
            .await?;
        if !viewer.role.may_write_business_data() {
            return Err(StoreError::Forbidden(format!(
                "the {} role reads work items but does not change them",
                viewer.role.label().to_lowercase()
            )));
        }
        Ok(())
    }

    pub async fn work_item_history(&self, id: i64) -> Result<Vec<HistoryEntry>> {
        let rows = sqlx::query(
            "SELECT h.at, h.actor, h.action, h.from_status, h.to_status, u.display_name, h.note \
             FROM work_item_history h LEFT JOIN users u ON u.id = h.assignee_id WHERE h.work_item_id = $1 ORDER BY h.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HistoryEntry {
                    at: r.try_get(0)?,
                    actor: r.try_get(1)?,
                    action: r.try_get(2)?,
                    from_status: r.try_get(3)?,
                    to_status: r.try_get(4)?,
                    assignee: r.try_get(5)?,
                    note: r.try_get(6)?,
                })
            })
            .collect()
    }

    /// Ids of the item's documents, oldest first.
    pub async fn work_item_document_ids(&self, id: i64) -> Result<Vec<i64>> {
        let rows = sqlx::query(
            "SELECT document_id FROM work_item_documents WHERE work_item_id = $1 ORDER BY document_id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<std::result::Result<_, _>>()?)
    }

    /// The work item a document belongs to, if any.
    pub async fn work_item_of_document(&self, doc_id: i64) -> Result<Option<i64>> {
        let row =
            sqlx::query("SELECT work_item_id FROM work_item_documents WHERE document_id = $1")
                .bind(doc_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Open items of a claimant (for linking a document by hand).
    pub async fn open_items_of_claimant(&self, claimant_id: i64) -> Result<Vec<WorkItem>> {
        let rows = sqlx::query(&format!(
            "SELECT {ITEM_COLUMNS} {ITEM_FROM} WHERE w.claimant_id = $1 AND w.open = 1 ORDER BY w.due_on, w.id"
        ))
        .bind(claimant_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(item_from_row)
            .collect::<std::result::Result<_, _>>()?)
    }

    /// A page of one office's queue. Queue rows carry no claimant names or SSNs (the item's own
    /// page does, and is audited), so listing is not a view of personal data.
    pub async fn queue(&self, viewer: &Viewer, q: &QueueQuery) -> Result<QueuePage> {
        if !viewer.scope.permits(q.office_id) {
            let office = self.office_by_id(q.office_id).await?;
            self.check_scope(viewer, q.office_id, "office", &office.code)
                .await?;
        }
        let limit = q.limit.clamp(1, 1000);
        let mut sql = format!("SELECT {ITEM_COLUMNS} {ITEM_FROM} WHERE w.office_id = $1");
        let mut args = vec![Arg::I(q.office_id)];
        let mut push = |sql: &mut String, cond: &str, arg: Arg| {
            args.push(arg);
            sql.push_str(&cond.replace('?', &format!("${}", args.len())));
        };
        let today = q.today.to_string();
        match q.view {
            QueueView::Open => sql.push_str(" AND w.open = 1"),
            QueueView::Mine => push(
                &mut sql,
                " AND w.open = 1 AND w.assignee_id = ?",
                Arg::I(viewer.actor.user_id.unwrap_or(-1)),
            ),
            QueueView::Unassigned => sql.push_str(" AND w.status = 'new'"),
            QueueView::DueToday => push(
                &mut sql,
                " AND w.open = 1 AND w.status <> 'waiting' AND w.due_on = ?",
                Arg::S(today.clone()),
            ),
            QueueView::Overdue => push(
                &mut sql,
                " AND w.open = 1 AND w.status <> 'waiting' AND w.due_on < ?",
                Arg::S(today.clone()),
            ),
            QueueView::Waiting => sql.push_str(" AND w.status = 'waiting'"),
            QueueView::Completed => sql.push_str(" AND w.status = 'completed'"),
        }
        if let Some(wl) = &q.workload {
            push(&mut sql, " AND w.workload = ?", Arg::S(wl.clone()));
        }
        if let Some(a) = q.assignee_id {
            push(&mut sql, " AND w.assignee_id = ?", Arg::I(a));
        }
        if let Some(age) = q.age {
            let calendar = self
                .office_calendar(&self.office_by_id(q.office_id).await?)
                .await?;
            let (lo, hi) = age.received_range(&calendar, q.today);
            if let Some(lo) = lo {
                push(&mut sql, " AND w.received_on >= ?", Arg::S(lo.to_string()));
            }
            if let Some(hi) = hi {
                push(&mut sql, " AND w.received_on <= ?", Arg::S(hi.to_string()));
            }
        }
        if let Some((due, id)) = &q.after {
            args.push(Arg::S(due.clone()));
            args.push(Arg::I(*id));
            let n = args.len();
            sql.push_str(&format!(" AND (w.due_on, w.id) > (${}, ${n})", n - 1));
        }
        args.push(Arg::I(limit + 1));
        sql.push_str(&format!(" ORDER BY w.due_on, w.id LIMIT ${}", args.len()));
        // The page comes back as one JSON row: the driver's cost is per row, not per byte.
        let sql = match self.backend() {
            Backend::Sqlite => format!(
                "SELECT COALESCE(json_group_array(json_object({})), '[]') FROM ({sql}) q",
                ITEM_JSON_KEYS
                    .iter()
                    .map(|k| format!("'{k}', q.{k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Backend::Postgres => {
                format!("SELECT COALESCE(json_agg(q ORDER BY q.due_on, q.id), '[]')::text FROM ({sql}) q")
            }
        };
        let json: String = bind_all(sqlx::query(&sql), &args)
            .fetch_one(self.pool())
            .await?
            .try_get(0)?;
        let mut items = items_from_json(&json)?;
        let next = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|i| (i.due_on.clone(), i.id))
        } else {
            None
        };
        Ok(QueuePage { items, next })
    }

    /// Counts of an office's open work by queue and by age.
    pub async fn queue_counts(
        &self,
        viewer: &Viewer,
        office: &Office,
        calendar: &Calendar,
        today: Date,
    ) -> Result<QueueCounts> {
        self.check_scope(viewer, office.id, "office", &office.code)
            .await?;
        let mut args = vec![
            Arg::I(office.id),
            Arg::S(today.to_string()),
            Arg::I(viewer.actor.user_id.unwrap_or(-1)),
        ];
        // One narrow index range per figure instead of every open item through ten CASEs: the
        // statuses new and waiting are open by definition, and the aging buckets partition the
        // open work.
        let mut sql = String::from(
            "SELECT \
             (SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND status = 'new'), \
             (SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND open = 1 AND due_on = $2 AND status <> 'waiting'), \
             (SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND open = 1 AND due_on < $2 AND status <> 'waiting'), \
             (SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND status = 'waiting'), \
             (SELECT COUNT(*) FROM work_items WHERE assignee_id = $3 AND open = 1 AND office_id = $1)",
        );
        for b in AgeBucket::ALL {
            let (lo, hi) = b.received_range(calendar, today);
            let mut conds = String::new();
            if let Some(lo) = lo {
                args.push(Arg::S(lo.to_string()));
                conds.push_str(&format!(" AND received_on >= ${}", args.len()));
            }
            if let Some(hi) = hi {
                args.push(Arg::S(hi.to_string()));
                conds.push_str(&format!(" AND received_on <= ${}", args.len()));
            }
            sql.push_str(&format!(
                ", (SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND open = 1{conds})"
            ));
        }
        let row = bind_all(sqlx::query(&sql), &args)
            .fetch_one(self.pool())
            .await?;
        let get = |i: usize| row.try_get::<i64, _>(i);
        let aging = [get(5)?, get(6)?, get(7)?, get(8)?];
        Ok(QueueCounts {
            open: aging.iter().sum(),
            unassigned: get(0)?,
            due_today: get(1)?,
            overdue: get(2)?,
            waiting: get(3)?,
            mine: get(4)?,
            aging,
        })
    }

    // --- creating --------------------------------------------------------------------------------

    /// Creates a work item by hand, hands it out by the office's rule, and indexes it.
    pub async fn create_work_item(&self, viewer: &Viewer, new: &NewWorkItem) -> Result<WorkItem> {
        let office = self.office_by_id(new.office_id).await?;
        self.check_scope(viewer, office.id, "office", &office.code)
            .await?;
        if !viewer.role.may_write_business_data() {
            return Err(StoreError::Forbidden(format!(
                "the {} role cannot create work items",
                viewer.role.label().to_lowercase()
            )));
        }
        let title = new.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "a work item needs a title of 1 to 200 characters".into(),
            ));
        }
        let rule = self.workload_rule(office.id, &new.workload).await?;
        if let Some(cid) = new.claimant_id {
            self.check_claimant_office(cid, office.id).await?;
        }
        let days = rule.office_days.unwrap_or(rule.deadline_days).clamp(0, 365) as u32;
        let calendar = self.office_calendar(&office).await?;
        let mut tx = self.begin_write().await?;
        let id = insert_item(
            &mut tx.tx,
            self.keys(),
            &viewer.actor,
            &ItemFacts {
                office_id: office.id,
                workload: &new.workload,
                claimant_id: new.claimant_id,
                title,
                priority: new.priority,
                received_on: new.received_on,
                deadline_days: days,
                calendar: &calendar,
                transferred_from: None,
                note: "created by hand",
            },
        )
        .await?;
        self.auto_assign(&mut tx.tx, &office, id, &rule, office.today())
            .await?;
        self.index_item(&mut tx.tx, id).await?;
        tx.commit().await?;
        let mut conn = self.pool().acquire().await?;
        self.item_unscoped(&mut conn, id).await
    }

    async fn check_claimant_office(&self, claimant_id: i64, office_id: i64) -> Result<()> {
        let found = sqlx::query("SELECT office_id FROM claimants WHERE id = $1")
            .bind(claimant_id)
            .fetch_optional(self.pool())
            .await?;
        let office: Option<i64> = found.map(|r| r.try_get(0)).transpose()?;
        if office != Some(office_id) {
            return Err(StoreError::Invalid(
                "the claimant is not one of this office's claimants".into(),
            ));
        }
        Ok(())
    }

    /// Files a just-profiled document into work, inside the profile's transaction: it joins the
    /// claimant's open item of the same workload, or starts a new one. Returns the item's id.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn file_into_work(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        office: &Office,
        doc: &crate::Document,
        workload: &str,
        title: &str,
        claimant_id: Option<i64>,
        deadline_days: u32,
        calendar: &Calendar,
    ) -> Result<i64> {
        if let Some(existing) =
            sqlx::query("SELECT work_item_id FROM work_item_documents WHERE document_id = $1")
                .bind(doc.id)
                .fetch_optional(&mut *conn)
                .await?
        {
            return Ok(existing.try_get(0)?);
        }
        let joined = match claimant_id {
            Some(cid) => sqlx::query(
                "SELECT id FROM work_items WHERE claimant_id = $1 AND workload = $2 AND office_id = $3 AND open = 1 \
                 ORDER BY id LIMIT 1",
            )
            .bind(cid)
            .bind(workload)
            .bind(office.id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?,
            None => None,
        };
        let id = match joined {
            Some(id) => {
                let status: String = sqlx::query("SELECT status FROM work_items WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get(0)?;
                history(
                    conn,
                    actor,
                    id,
                    "document_added",
                    Some(&status),
                    &status,
                    None,
                    &format!("document {} ({title}) joined this item", doc.id),
                )
                .await?;
                sqlx::query("UPDATE work_items SET updated_at = $1 WHERE id = $2")
                    .bind(now_ms())
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                id
            }
            None => {
                let received = parse_date(&doc.received_on).ok_or_else(|| {
                    StoreError::Invalid("the document has no valid received date".into())
                })?;
                let id = insert_item(
                    conn,
                    self.keys(),
                    actor,
                    &ItemFacts {
                        office_id: office.id,
                        workload,
                        claimant_id,
                        title,
                        priority: Priority::Normal,
                        received_on: received,
                        deadline_days,
                        calendar,
                        transferred_from: None,
                        note: &format!("created from document {}", doc.id),
                    },
                )
                .await?;
                let rule = self.workload_rule(office.id, workload).await?;
                self.auto_assign(conn, office, id, &rule, office.today())
                    .await?;
                id
            }
        };
        sqlx::query(
            "INSERT INTO work_item_documents (document_id, work_item_id, added_at) VALUES ($1, $2, $3)",
        )
        .bind(doc.id)
        .bind(id)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
        self.index_item(conn, id).await?;
        Ok(id)
    }

    /// An office's deadline for `workload` when it set one.
    pub(crate) async fn office_deadline(
        &self,
        office_id: i64,
        workload: &str,
    ) -> Result<Option<u32>> {
        let row = sqlx::query(
            "SELECT days FROM deadline_policies WHERE office_id = $1 AND workload = $2",
        )
        .bind(office_id)
        .bind(workload)
        .fetch_optional(self.pool())
        .await?;
        Ok(row
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?
            .map(|d| d.clamp(0, 365) as u32))
    }

    /// Rewrites the item's search entry: title, workload and its documents' masked text.
    async fn index_item(&self, conn: &mut AnyConnection, id: i64) -> Result<()> {
        let row = sqlx::query(
            "SELECT w.office_id, w.title, COALESCE(l.name, w.workload) FROM work_items w \
             LEFT JOIN workloads l ON l.code = w.workload WHERE w.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        let office_id: i64 = row.try_get(0)?;
        let mut body = format!(
            "{} {}",
            row.try_get::<String, _>(1)?,
            row.try_get::<String, _>(2)?
        );
        let texts = sqlx::query(
            "SELECT t.text FROM page_texts t JOIN work_item_documents d ON d.document_id = t.document_id \
             WHERE d.work_item_id = $1 ORDER BY t.document_id, t.page",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        for t in &texts {
            if body.len() > 100_000 {
                break;
            }
            body.push('\n');
            body.push_str(&t.try_get::<String, _>(0)?);
        }
        write_search_row(conn, self.backend(), id, office_id, &body).await
    }

    // --- assignment --------------------------------------------------------------------------------

    /// The people of an office who could take work today, with their load.
    async fn candidates(
        &self,
        conn: &mut AnyConnection,
        office_id: i64,
        today: Date,
    ) -> Result<Vec<Candidate>> {
        let rows = sqlx::query(
            "SELECT u.id, u.last_assigned_at, \
             (SELECT COUNT(*) FROM leave l WHERE l.user_id = u.id AND l.first_day <= $2 AND l.last_day >= $2), \
             (SELECT COALESCE(SUM(COALESCE(r.effort, 1.0)), 0.0) FROM work_items w LEFT JOIN workload_rules r ON r.workload = w.workload \
              WHERE w.assignee_id = u.id AND w.open = 1) \
             FROM users u WHERE u.office_id = $1 AND u.active = 1 AND u.role = 'employee' ORDER BY u.id",
        )
        .bind(office_id)
        .bind(today.to_string())
        .fetch_all(&mut *conn)
        .await?;
        let skills = sqlx::query(
            "SELECT s.user_id, s.skill FROM user_skills s JOIN users u ON u.id = s.user_id WHERE u.office_id = $1",
        )
        .bind(office_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let id: i64 = r.try_get(0)?;
            let mut user_skills = Vec::new();
            for s in &skills {
                if s.try_get::<i64, _>(0)? == id {
                    user_skills.push(s.try_get::<String, _>(1)?);
                }
            }
            out.push(Candidate {
                user_id: id,
                skills: user_skills,
                last_assigned_at: r.try_get(1)?,
                away: r.try_get::<i64, _>(2)? > 0,
                open_effort: r.try_get::<f64, _>(3)?,
            });
        }
        Ok(out)
    }

    /// Hands a new item out by the office's rule, if it has one and someone can take it.
    async fn auto_assign(
        &self,
        conn: &mut AnyConnection,
        office: &Office,
        id: i64,
        rule: &WorkloadRule,
        today: Date,
    ) -> Result<()> {
        let Some(how) = AssignmentRule::parse(&office.assignment_rule) else {
            return Ok(());
        };
        if how == AssignmentRule::Manual {
            return Ok(());
        }
        let candidates = self.candidates(conn, office.id, today).await?;
        let Some(user_id) = choose_assignee(how, &candidates, rule.skill.as_deref()) else {
            return Ok(());
        };
        let actor = Actor::system(how.as_str());
        set_status(
            conn,
            id,
            Status::New,
            Status::Assigned,
            &StatusChange {
                assignee: Some(Some(user_id)),
                ..StatusChange::default()
            },
        )
        .await?;
        history(
            conn,
            &actor,
            id,
            Action::Assign.as_str(),
            Some(Status::New.as_str()),
            Status::Assigned.as_str(),
            Some(user_id),
            how.label(),
        )
        .await?;
        sqlx::query("UPDATE users SET last_assigned_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
        notify(
            conn,
            user_id,
            Some(id),
            &format!(
                "Work item {id} was assigned to you ({}).",
                how.label().to_lowercase()
            ),
        )
        .await
    }

    /// Checks that `user_id` may be given an item of `workload` in `office_id`.
    async fn check_assignee(
        &self,
        conn: &mut AnyConnection,
        user_id: i64,
        office_id: i64,
        workload: &str,
    ) -> Result<()> {
        let user = self.user_by_id(user_id).await?;
        if user.office_id != Some(office_id) || !user.active {
            return Err(StoreError::Invalid(format!(
                "{} is not an active member of this office",
                user.display_name
            )));
        }
        if !permit::may_hold_work(user.role) {
            return Err(StoreError::Invalid(format!(
                "{} is not an employee or manager and cannot be given work",
                user.display_name
            )));
        }
        let rule = self.workload_rule(office_id, workload).await?;
        if let Some(skill) = &rule.skill {
            let has = sqlx::query("SELECT 1 FROM user_skills WHERE user_id = $1 AND skill = $2")
                .bind(user_id)
                .bind(skill)
                .fetch_optional(&mut *conn)
                .await?
                .is_some();
            if !has {
                return Err(StoreError::Invalid(format!(
                    "{} does not have the skill \u{201c}{skill}\u{201d} that {} work needs",
                    user.display_name,
                    rule.name.to_lowercase()
                )));
            }
        }
        Ok(())
    }

    /// Applies `action` to item `id` as `viewer`.
    pub async fn move_work_item(
        &self,
        viewer: &Viewer,
        id: i64,
        action: Action,
        input: &MoveInput,
    ) -> Result<WorkItem> {
        let mut tx = self.begin_write().await?;
        let item = self.item_unscoped(&mut tx.tx, id).await?;
        if !viewer.scope.permits(item.office_id) {
            drop(tx);
            self.check_scope(viewer, item.office_id, "work_item", &id.to_string())
                .await?;
            return Err(StoreError::NotFound);
        }
        self.apply_move(&mut tx.tx, viewer, &item, action, input)
            .await?;
        tx.commit().await?;
        let mut conn = self.pool().acquire().await?;
        self.item_unscoped(&mut conn, id).await
    }

    /// When item `id` was completed (Unix ms) and by whom, if that completion is still its
    /// newest move; `None` once anything else happened to it (or it was never completed).
    pub async fn last_completion(&self, id: i64) -> Result<Option<(i64, Option<i64>)>> {
        let mut conn = self.pool().acquire().await?;
        last_completion(&mut conn, id).await
    }

    /// Takes back the completion of item `id` at `now` (Unix ms): the item is in progress again
    /// with the same owner. Allowed to whoever completed it and to managers, only while the
    /// completion is the item's newest move and at most a minute old
    /// ([`work::may_undo_complete`]); otherwise refused, and nothing changes.
    pub async fn undo_complete(&self, viewer: &Viewer, id: i64, now: i64) -> Result<WorkItem> {
        let mut tx = self.begin_write().await?;
        let item = self.item_unscoped(&mut tx.tx, id).await?;
        if !viewer.scope.permits(item.office_id) {
            drop(tx);
            self.check_scope(viewer, item.office_id, "work_item", &id.to_string())
                .await?;
            return Err(StoreError::NotFound);
        }
        if !viewer.role.may_write_business_data() {
            return Err(StoreError::Forbidden(format!(
                "the {} role cannot change work items",
                viewer.role.label().to_lowercase()
            )));
        }
        if item.status != Status::Completed {
            return Err(StoreError::Invalid(format!(
                "work item {id} is {}, not completed: there is nothing to undo",
                item.status.label().to_lowercase()
            )));
        }
        let Some((at, by)) = last_completion(&mut tx.tx, id).await? else {
            return Err(StoreError::Invalid(
                "the item changed after it was completed: the completion can no longer be undone"
                    .into(),
            ));
        };
        if !permit::may_undo_completion(viewer.role, by.is_some() && by == viewer.actor.user_id) {
            return Err(StoreError::Forbidden(
                "only the person who completed it or a manager undoes a completion".into(),
            ));
        }
        if !work::may_undo_complete(at, now) {
            return Err(StoreError::Invalid(
                "the minute to undo the completion has passed: the item stays completed".into(),
            ));
        }
        let done = sqlx::query(
            "UPDATE work_items SET status = $1, open = 1, completed_on = NULL, updated_at = $2 \
             WHERE id = $3 AND status = $4",
        )
        .bind(Status::InProgress.as_str())
        .bind(now_ms())
        .bind(id)
        .bind(Status::Completed.as_str())
        .execute(&mut *tx.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "work item {id} was changed by someone else meanwhile; reload it"
            )));
        }
        history(
            &mut tx.tx,
            &viewer.actor,
            id,
            work::UNDO_COMPLETE,
            Some(Status::Completed.as_str()),
            Status::InProgress.as_str(),
            item.assignee_id,
            "",
        )
        .await?;
        audit::append(
            &mut tx.tx,
            self.keys(),
            &viewer.actor,
            Event {
                action: "work_item.undo_complete",
                target_type: "work_item",
                target_id: id.to_string(),
                office_id: Some(item.office_id),
                detail: serde_json::json!({ "completed_at": at }),
            },
        )
        .await?;
        tx.commit().await?;
        let mut conn = self.pool().acquire().await?;
        self.item_unscoped(&mut conn, id).await
    }

    /// Assigns each of `ids` to `assignee_id`: all or none.
    pub async fn assign_bulk(
        &self,
        viewer: &Viewer,
        ids: &[i64],
        assignee_id: i64,
    ) -> Result<usize> {
        if ids.is_empty() {
            return Err(StoreError::Invalid("choose at least one work item".into()));
        }
        if ids.len() > 1000 {
            return Err(StoreError::Invalid(
                "assign at most 1000 work items at a time".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        for id in ids {
            let item = self.item_unscoped(&mut tx.tx, *id).await?;
            if !viewer.scope.permits(item.office_id) {
                drop(tx);
                self.check_scope(viewer, item.office_id, "work_item", &id.to_string())
                    .await?;
                return Err(StoreError::NotFound);
            }
            let input = MoveInput {
                assignee_id: Some(assignee_id),
                note: "bulk assignment".into(),
                ..MoveInput::default()
            };
            self.apply_move(&mut tx.tx, viewer, &item, Action::Assign, &input)
                .await
                .map_err(|e| match e {
                    StoreError::Invalid(m) => StoreError::Invalid(format!("work item {id}: {m}")),
                    other => other,
                })?;
        }
        tx.commit().await?;
        Ok(ids.len())
    }

    async fn apply_move(
        &self,
        conn: &mut AnyConnection,
        viewer: &Viewer,
        item: &WorkItem,
        action: Action,
        input: &MoveInput,
    ) -> Result<()> {
        let office = self.office_by_id(item.office_id).await?;
        let me = viewer.actor.user_id;
        let note = input.note.trim();
        let assignee_name = item.assignee.clone().unwrap_or_default();
        let permitted = permit::may_move(&Move {
            role: viewer.role,
            user_id: me,
            keep_what_you_take: office.keep_what_you_take,
            item_id: item.id,
            status: item.status,
            office_id: item.office_id,
            assignee_id: item.assignee_id,
            assignee_name: &assignee_name,
            action,
            assign_to: input.assignee_id,
            to_office_id: input.to_office_id,
            note,
        })?;
        let (next, assignee) = match permitted {
            Permitted::Here { next, assignee } => (next, assignee),
            Permitted::Transfer { to_office_id } => {
                let dest = self.office_by_id(to_office_id).await.map_err(|_| {
                    StoreError::Invalid("there is no such office to transfer to".into())
                })?;
                return self
                    .transfer(conn, viewer, item, &office, &dest, note)
                    .await;
            }
        };
        // Whoever is given the item must be able to hold this work here.
        if let Some(Some(to)) = assignee {
            self.check_assignee(conn, to, item.office_id, &item.workload)
                .await?;
        }
        let today = office.today();
        let mut change = StatusChange {
            assignee,
            ..StatusChange::default()
        };
        match action {
            Action::Assign | Action::Take | Action::Unassign | Action::Start => {}
            Action::Complete => {
                change.completed_on = Some(today);
            }
            Action::Wait => {
                change.waiting_since = Some(Some(today));
            }
            Action::Resume => {
                let calendar = self.office_calendar(&office).await?;
                let since = item
                    .waiting_since
                    .as_deref()
                    .and_then(parse_date)
                    .unwrap_or(today);
                let held = calendar.business_days_between(since, today) as i64;
                let paused = item.paused_days + held;
                let received = item.received_date().unwrap_or(today);
                change.paused_days = Some(paused);
                change.due_on = Some(due_date(
                    &calendar,
                    received,
                    item.deadline_days.clamp(0, 365) as u32,
                    paused.clamp(0, 10_000) as u32,
                ));
                change.waiting_since = Some(None);
            }
            // A transfer has returned above.
            Action::Transfer => {}
        }
        if change.completed_on.is_some() || next == Status::Completed {
            change.completed_on = Some(today);
        }
        set_status(conn, item.id, item.status, next, &change).await?;
        let assignee_after = match change.assignee {
            Some(a) => a,
            None => item.assignee_id,
        };
        history(
            conn,
            &viewer.actor,
            item.id,
            action.as_str(),
            Some(item.status.as_str()),
            next.as_str(),
            assignee_after,
            note,
        )
        .await?;
        audit::append(
            conn,
            self.keys(),
            &viewer.actor,
            Event {
                action: "work_item.move",
                target_type: "work_item",
                target_id: item.id.to_string(),
                office_id: Some(item.office_id),
                detail: serde_json::json!({ "action": action.as_str(), "from": item.status.as_str(),
                    "to": next.as_str(), "assignee_id": assignee_after }),
            },
        )
        .await?;
        if let (Some(Some(to)), true) = (change.assignee, action == Action::Assign) {
            if Some(to) != me {
                notify(
                    conn,
                    to,
                    Some(item.id),
                    &format!(
                        "{} assigned work item {} to you: {}.",
                        viewer.actor.label, item.id, item.title
                    ),
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Closes the item here and opens it at `dest` with its documents and a pointer back to
    /// its history.
    async fn transfer(
        &self,
        conn: &mut AnyConnection,
        viewer: &Viewer,
        item: &WorkItem,
        from: &Office,
        dest: &Office,
        note: &str,
    ) -> Result<()> {
        let calendar = self.office_calendar(dest).await?;
        let received = item.received_date().unwrap_or(dest.today());
        let new_id = insert_item(
            conn,
            self.keys(),
            &viewer.actor,
            &ItemFacts {
                office_id: dest.id,
                workload: &item.workload,
                claimant_id: item.claimant_id,
                title: &item.title,
                priority: item.priority,
                received_on: received,
                deadline_days: (item.deadline_days + item.paused_days).clamp(0, 10_000) as u32,
                calendar: &calendar,
                transferred_from: Some(item.id),
                note: &format!(
                    "transferred from {} (work item {}): {note}",
                    from.code, item.id
                ),
            },
        )
        .await?;
        set_status(
            conn,
            item.id,
            item.status,
            Status::Transferred,
            &StatusChange {
                completed_on: Some(from.today()),
                transferred_to: Some(new_id),
                ..StatusChange::default()
            },
        )
        .await?;
        history(
            conn,
            &viewer.actor,
            item.id,
            Action::Transfer.as_str(),
            Some(item.status.as_str()),
            Status::Transferred.as_str(),
            item.assignee_id,
            &format!("to {} (work item {new_id}): {note}", dest.code),
        )
        .await?;
        let docs =
            sqlx::query("SELECT document_id FROM work_item_documents WHERE work_item_id = $1")
                .bind(item.id)
                .fetch_all(&mut *conn)
                .await?;
        for d in &docs {
            let doc_id: i64 = d.try_get(0)?;
            sqlx::query("UPDATE work_item_documents SET work_item_id = $1 WHERE document_id = $2")
                .bind(new_id)
                .bind(doc_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query("UPDATE documents SET office_id = $1 WHERE id = $2")
                .bind(dest.id)
                .bind(doc_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query("UPDATE document_profiles SET office_id = $1 WHERE document_id = $2")
                .bind(dest.id)
                .bind(doc_id)
                .execute(&mut *conn)
                .await?;
        }
        audit::append(
            conn,
            self.keys(),
            &viewer.actor,
            Event {
                action: "work_item.transfer",
                target_type: "work_item",
                target_id: item.id.to_string(),
                office_id: Some(item.office_id),
                detail: serde_json::json!({ "to_office": dest.code, "new_item": new_id, "documents": docs.len() }),
            },
        )
        .await?;
        let managers = sqlx::query(
            "SELECT id FROM users WHERE office_id = $1 AND role = 'manager' AND active = 1",
        )
        .bind(dest.id)
        .fetch_all(&mut *conn)
        .await?;
        for m in &managers {
            notify(
                conn,
                m.try_get(0)?,
                Some(new_id),
                &format!(
                    "{} transferred work item {new_id} to your office: {}.",
                    from.code, item.title
                ),
            )
            .await?;
        }
        self.index_item(conn, new_id).await?;
        Ok(())
    }

    /// "Get next work": claims the most urgent unassigned item of the viewer's office that they
    /// have the skill for (dire need first, then payment-impacting, then by due date), or
    /// `None` when there is none. Safe when many press it at once: each item goes to one person.
    pub async fn next_work(&self, viewer: &Viewer) -> Result<Option<WorkItem>> {
        let Some(user_id) = viewer.actor.user_id else {
            return Err(StoreError::Forbidden("sign in to take work".into()));
        };
        if !permit::may_hold_work(viewer.role) {
            return Err(StoreError::Forbidden(
                "only employees and managers take work".into(),
            ));
        }
        let office_id = viewer.office_id.ok_or(StoreError::NotFound)?;
        let office = self.office_by_id(office_id).await?;
        let user = self.user_by_id(user_id).await?;
        let excluded: Vec<String> = self
            .workload_rules(office_id)
            .await?
            .into_iter()
            .filter(|r| r.skill.as_ref().is_some_and(|s| !user.skills.contains(s)))
            .map(|r| r.workload)
            .collect();
        let mut sql =
            "SELECT id FROM work_items WHERE office_id = $1 AND status = 'new'".to_string();
        let mut args = vec![Arg::I(office_id)];
        if !excluded.is_empty() {
            let marks: Vec<String> = excluded
                .iter()
                .map(|w| {
                    args.push(Arg::S(w.clone()));
                    format!("${}", args.len())
                })
                .collect();
            sql.push_str(&format!(" AND workload NOT IN ({})", marks.join(", ")));
        }
        sql.push_str(" ORDER BY priority DESC, due_on, id LIMIT 1");
        if self.backend() == Backend::Postgres {
            sql.push_str(" FOR UPDATE SKIP LOCKED");
        }
        let mut tx = self.begin_write().await?;
        let Some(row) = bind_all(sqlx::query(&sql), &args)
            .fetch_optional(&mut *tx.tx)
            .await?
        else {
            return Ok(None);
        };
        let id: i64 = row.try_get(0)?;
        let changed = set_status(
            &mut tx.tx,
            id,
            Status::New,
            Status::InProgress,
            &StatusChange {
                assignee: Some(Some(user_id)),
                ..StatusChange::default()
            },
        )
        .await;
        match changed {
            Ok(()) => {}
            // Another server's transaction took it first (SQLite across processes): none this time.
            Err(StoreError::Conflict(_)) => return Ok(None),
            Err(e) => return Err(e),
        }
        history(
            &mut tx.tx,
            &viewer.actor,
            id,
            Action::Take.as_str(),
            Some(Status::New.as_str()),
            Status::InProgress.as_str(),
            Some(user_id),
            "get next work",
        )
        .await?;
        audit::append(
            &mut tx.tx,
            self.keys(),
            &viewer.actor,
            Event {
                action: "work_item.take",
                target_type: "work_item",
                target_id: id.to_string(),
                office_id: Some(office.id),
                detail: serde_json::json!({ "via": "next_work" }),
            },
        )
        .await?;
        tx.commit().await?;
        let mut conn = self.pool().acquire().await?;
        Ok(Some(self.item_unscoped(&mut conn, id).await?))
    }

    // --- search ------------------------------------------------------------------------------------

    /// Full-text search over items' titles, workloads and masked document text, in the offices
    /// of the viewer's scope (or one of them), newest first. Audited: hits show case text.
    /// Work items of the claimants in scope whose SSN is `ssn` (newest first), for a search
    /// typed as an SSN: found through the blind index, audited as an SSN search
    /// (`claimant.search_ssn`, with the masked number), never matched against text.
    pub async fn search_work_by_ssn(
        &self,
        viewer: &Viewer,
        ssn: &worktrack_domain::Ssn,
        office_id: Option<i64>,
        open_only: bool,
        limit: i64,
    ) -> Result<Vec<SearchHit>> {
        let open = if open_only { " AND w.open = 1" } else { "" };
        let mut hits = Vec::new();
        for claimant in self.claimants_by_ssn(viewer, ssn).await? {
            if office_id.is_some_and(|o| o != claimant.office_id) {
                continue;
            }
            let rows = sqlx::query(&format!(
                "SELECT {ITEM_COLUMNS} {ITEM_FROM} WHERE w.claimant_id = $1{open} ORDER BY w.id DESC LIMIT $2"
            ))
            .bind(claimant.id)
            .bind(limit.clamp(1, 200))
            .fetch_all(self.pool())
            .await?;
            for r in &rows {
                hits.push(SearchHit {
                    item: item_from_row(r)?,
                    snippet: format!("Claimant with SSN {ssn}"),
                });
            }
        }
        hits.sort_by_key(|h| std::cmp::Reverse(h.item.id));
        hits.truncate(limit.clamp(1, 200) as usize);
        Ok(hits)
    }

    pub async fn search_work(
        &self,
        viewer: &Viewer,
        text: &str,
        office_id: Option<i64>,
        open_only: bool,
        limit: i64,
    ) -> Result<Vec<SearchHit>> {
        let offices: Vec<i64> = match (office_id, &viewer.scope) {
            (Some(o), _) => {
                if !viewer.scope.permits(o) {
                    self.check_scope(viewer, o, "office", &o.to_string())
                        .await?;
                }
                vec![o]
            }
            (None, Scope::Offices(ids)) => ids.clone(),
            (None, Scope::AllOffices) => Vec::new(),
            (None, Scope::Nothing) => return Ok(Vec::new()),
        };
        let words = search_words(text);
        if words.is_empty() {
            return Err(StoreError::Invalid("type a word to search for".into()));
        }
        let limit = limit.clamp(1, 200);
        let open = if open_only { " AND w.open = 1" } else { "" };
        let rows = match self.backend() {
            Backend::Sqlite => {
                let mut q = fts5_query(text).unwrap_or_default();
                if !offices.is_empty() {
                    let list: Vec<String> = offices.iter().map(|o| format!("\"o{o}\"")).collect();
                    q = format!("office: ({}) AND body: ({q})", list.join(" OR "));
                }
                sqlx::query(&format!(
                    "SELECT {ITEM_COLUMNS}, s.body AS body FROM work_search s JOIN work_items w ON w.id = s.rowid \
                     LEFT JOIN users u ON u.id = w.assignee_id WHERE work_search MATCH $1 {open} \
                     ORDER BY s.rowid DESC LIMIT $2"
                ))
                .bind(q)
                .bind(limit)
                .fetch_all(self.pool())
                .await?
            }
            Backend::Postgres => {
                let office_q = offices
                    .iter()
                    .map(|o| format!("o{o}"))
                    .collect::<Vec<_>>()
                    .join(" | ");
                let tsq = if office_q.is_empty() {
                    "plainto_tsquery('english', $1)".to_string()
                } else {
                    "(plainto_tsquery('english', $1) && to_tsquery('simple', $3))".to_string()
                };
                let sql = format!(
                    "SELECT {ITEM_COLUMNS}, s.body AS body FROM work_search s JOIN work_items w ON w.id = s.work_item_id \
                     LEFT JOIN users u ON u.id = w.assignee_id WHERE s.tsv @@ {tsq} {open} \
                     ORDER BY s.work_item_id DESC LIMIT $2"
                );
                let q = sqlx::query(&sql).bind(words.join(" ")).bind(limit);
                let q = if office_q.is_empty() {
                    q
                } else {
                    q.bind(office_q)
                };
                q.fetch_all(self.pool()).await?
            }
        };
        let mut hits = Vec::new();
        for r in &rows {
            let item = item_from_row(r)?;
            let body: String = r.try_get("body")?;
            hits.push(SearchHit {
                snippet: snippet(&body, &words),
                item,
            });
        }
        self.audit(
            &viewer.actor,
            Event {
                action: "work_item.search",
                target_type: "work_item",
                target_id: "search".into(),
                office_id,
                detail: serde_json::json!({ "words": words.len(), "hits": hits.iter().map(|h| h.item.id).collect::<Vec<_>>() }),
            },
        )
        .await?;
        Ok(hits)
    }

    // --- monitoring ----------------------------------------------------------------------------------

    /// Open work per person of the office.
    pub async fn office_load(&self, office: &Office, today: Date) -> Result<Vec<Load>> {
        let rows = sqlx::query(
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
        rows.iter()
            .map(|r| {
                Ok(Load {
                    user_id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    open: r.try_get(2)?,
                    effort: r.try_get(3)?,
                    overdue: r.try_get(4)?,
                    away: r.try_get::<i64, _>(5)? > 0,
                })
            })
            .collect()
    }

    /// `(received_on, due_on, completed_on)` of the office's items received on or after `from`
    /// or still open: enough for backlog trends and timeliness by week.
    pub async fn office_item_dates(
        &self,
        office_id: i64,
        from: Date,
    ) -> Result<Vec<(String, String, Option<String>, String)>> {
        let rows = sqlx::query(
            "SELECT received_on, due_on, completed_on, status FROM work_items WHERE office_id = $1 \
             AND (open = 1 OR completed_on >= $2)",
        )
        .bind(office_id)
        .bind(from.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
            .collect()
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
            let r = sqlx::query(
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
            out.push((
                *id,
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                r.try_get(4)?,
            ));
        }
        Ok(out)
    }

    /// Today's paper of an office: received today, uploaded today, and of those uploaded today
    /// how many are profiled and how many still wait.
    pub async fn paper_today(&self, office_id: i64, today: Date) -> Result<(i64, i64, i64, i64)> {
        let r = sqlx::query(
            "SELECT \
             (SELECT COUNT(*) FROM documents WHERE office_id = $1 AND received_on = $2), \
             (SELECT COUNT(*) FROM documents WHERE office_id = $1 AND uploaded_on = $2), \
             (SELECT COUNT(*) FROM documents WHERE office_id = $1 AND uploaded_on = $2 AND profile_status IN ('confirmed', 'auto')), \
             (SELECT COUNT(*) FROM documents WHERE office_id = $1 AND profile_status NOT IN ('confirmed', 'auto') AND status = 'stored')",
        )
        .bind(office_id)
        .bind(today.to_string())
        .fetch_one(self.pool())
        .await?;
        Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))
    }

    /// Documents of the office waiting to be profiled (stored, neither confirmed nor accepted
    /// automatically), for the count beside *Profiling* in the navigation.
    pub async fn documents_to_profile(&self, office_id: i64) -> Result<i64> {
        let r = sqlx::query(
            "SELECT COUNT(*) FROM documents WHERE office_id = $1 AND profile_status NOT IN ('confirmed', 'auto') AND status = 'stored'",
        )
        .bind(office_id)
        .fetch_one(self.pool())
        .await?;
        Ok(r.try_get(0)?)
    }

    // --- notifications and saved views ---------------------------------------------------------------

    pub async fn notifications(&self, user_id: i64, limit: i64) -> Result<Vec<Notification>> {
        let rows = sqlx::query(
            "SELECT id, work_item_id, message, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit.clamp(1, 500))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Notification {
                    id: r.try_get(0)?,
                    work_item_id: r.try_get(1)?,
                    message: r.try_get(2)?,
                    created_at: r.try_get(3)?,
                    read: r.try_get::<Option<i64>, _>(4)?.is_some(),
                })
            })
            .collect()
    }

    pub async fn unread_notifications(&self, user_id: i64) -> Result<i64> {
        let r = sqlx::query(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(self.pool())
        .await?;
        Ok(r.try_get(0)?)
    }

    pub async fn mark_notifications_read(&self, user_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(now_ms())
            .bind(user_id)
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await
    }

    pub async fn saved_views(&self, user_id: i64) -> Result<Vec<SavedView>> {
        let rows =
            sqlx::query("SELECT id, name, query FROM saved_views WHERE user_id = $1 ORDER BY name")
                .bind(user_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                Ok(SavedView {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    query: r.try_get(2)?,
                })
            })
            .collect()
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

/// What a new item is made of.
struct ItemFacts<'a> {
    office_id: i64,
    workload: &'a str,
    claimant_id: Option<i64>,
    title: &'a str,
    priority: Priority,
    received_on: Date,
    deadline_days: u32,
    calendar: &'a Calendar,
    transferred_from: Option<i64>,
    note: &'a str,
}

async fn insert_item(
    conn: &mut AnyConnection,
    keys: &Keys,
    actor: &Actor,
    f: &ItemFacts<'_>,
) -> Result<i64> {
    let due = due_date(f.calendar, f.received_on, f.deadline_days, 0);
    let now = now_ms();
    let row = sqlx::query(
        "INSERT INTO work_items (office_id, workload, claimant_id, title, priority, status, open, received_on, \
         deadline_days, due_on, created_at, created_by, updated_at, transferred_from) \
         VALUES ($1, $2, $3, $4, $5, 'new', 1, $6, $7, $8, $9, $10, $9, $11) RETURNING id",
    )
    .bind(f.office_id)
    .bind(f.workload)
    .bind(f.claimant_id)
    .bind(f.title)
    .bind(f.priority.as_i64())
    .bind(f.received_on.to_string())
    .bind(i64::from(f.deadline_days))
    .bind(due.to_string())
    .bind(now)
    .bind(actor.user_id)
    .bind(f.transferred_from)
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get(0)?;
    history(
        conn,
        actor,
        id,
        "create",
        None,
        Status::New.as_str(),
        None,
        f.note,
    )
    .await?;
    audit::append(
        conn,
        keys,
        actor,
        Event {
            action: "work_item.create",
            target_type: "work_item",
            target_id: id.to_string(),
            office_id: Some(f.office_id),
            detail: serde_json::json!({ "workload": f.workload, "claimant_id": f.claimant_id,
                "due_on": due.to_string(), "transferred_from": f.transferred_from }),
        },
    )
    .await?;
    Ok(id)
}

/// Fields a status change may also set (`Some(None)` clears).
#[derive(Default)]
struct StatusChange {
    assignee: Option<Option<i64>>,
    waiting_since: Option<Option<Date>>,
    paused_days: Option<i64>,
    due_on: Option<Date>,
    completed_on: Option<Date>,
    transferred_to: Option<i64>,
}

/// Moves item `id` from `from` to `to`; fails with a conflict when it is no longer in `from`
/// (someone else moved it first).
async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    from: Status,
    to: Status,
    c: &StatusChange,
) -> Result<()> {
    let mut sql = "UPDATE work_items SET status = $1, open = $2, updated_at = $3".to_string();
    let mut args = vec![
        Arg::S(to.as_str().into()),
        Arg::I(i64::from(to.is_open())),
        Arg::I(now_ms()),
    ];
    let mut set = |sql: &mut String, col: &str, arg: Option<Arg>| match arg {
        Some(a) => {
            args.push(a);
            sql.push_str(&format!(", {col} = ${}", args.len()));
        }
        None => sql.push_str(&format!(", {col} = NULL")),
    };
    if let Some(a) = c.assignee {
        set(&mut sql, "assignee_id", a.map(Arg::I));
    }
    if let Some(w) = c.waiting_since {
        set(&mut sql, "waiting_since", w.map(|d| Arg::S(d.to_string())));
    }
    if let Some(p) = c.paused_days {
        set(&mut sql, "paused_days", Some(Arg::I(p)));
    }
    if let Some(d) = c.due_on {
        set(&mut sql, "due_on", Some(Arg::S(d.to_string())));
    }
    if let Some(d) = c.completed_on {
        set(&mut sql, "completed_on", Some(Arg::S(d.to_string())));
    }
    if let Some(t) = c.transferred_to {
        set(&mut sql, "transferred_to", Some(Arg::I(t)));
    }
    args.push(Arg::I(id));
    args.push(Arg::S(from.as_str().into()));
    let n = args.len();
    sql.push_str(&format!(" WHERE id = ${} AND status = ${n}", n - 1));
    let done = bind_all(sqlx::query(&sql), &args)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "work item {id} was changed by someone else meanwhile; reload it"
        )));
    }
    Ok(())
}

/// The newest move of item `id` if it is a completion: when, and by whom.
async fn last_completion(conn: &mut AnyConnection, id: i64) -> Result<Option<(i64, Option<i64>)>> {
    let row = sqlx::query(
        "SELECT at, actor_id, action FROM work_item_history WHERE work_item_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let action: String = row.try_get(2)?;
    if action != Action::Complete.as_str() {
        return Ok(None);
    }
    Ok(Some((row.try_get(0)?, row.try_get(1)?)))
}

#[allow(clippy::too_many_arguments)]
async fn history(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    action: &str,
    from: Option<&str>,
    to: &str,
    assignee: Option<i64>,
    note: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO work_item_history (work_item_id, at, actor_id, actor, action, from_status, to_status, assignee_id, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(now_ms())
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(action)
    .bind(from)
    .bind(to)
    .bind(assignee)
    .bind(note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn notify(
    conn: &mut AnyConnection,
    user_id: i64,
    item: Option<i64>,
    message: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO notifications (user_id, work_item_id, message, created_at) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(item)
        .bind(message)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Writes one item's search row (FTS5 on SQLite, a tsvector on PostgreSQL).
pub(crate) async fn write_search_row(
    conn: &mut AnyConnection,
    backend: Backend,
    id: i64,
    office_id: i64,
    body: &str,
) -> Result<()> {
    match backend {
        Backend::Sqlite => {
            sqlx::query("DELETE FROM work_search WHERE rowid = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
            sqlx::query("INSERT INTO work_search (rowid, office, body) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(format!("o{office_id}"))
                .bind(body)
                .execute(&mut *conn)
                .await?;
        }
        Backend::Postgres => {
            sqlx::query(
                "INSERT INTO work_search (work_item_id, body, tsv) VALUES ($1, $2, to_tsvector('english', $2) || $3::tsvector) \
                 ON CONFLICT (work_item_id) DO UPDATE SET body = excluded.body, tsv = excluded.tsv",
            )
            .bind(id)
            .bind(body)
            .bind(format!("o{office_id}"))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_are_plain_and_quoted() {
        assert_eq!(
            fts5_query("wage \"stub\" OR NEAR(x"),
            Some("\"wage\" \"stub\" \"or\" \"near\" \"x\"".into())
        );
        assert_eq!(fts5_query("  -- "), None);
    }

    #[test]
    fn snippets_start_near_the_match() {
        let body = format!("{} earnings statement follows", "word ".repeat(100));
        let s = snippet(&body, &["earnings".into()]);
        assert!(
            s.starts_with('\u{2026}') && s.contains("earnings statement"),
            "{s}"
        );
    }
}
