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
use crate::db::{now_ms, Backend, Store, WriteTx};
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

mod assign;
mod create;
mod monitor;
mod read;
mod rules;
mod search;

use search::write_search_row;

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

from_row!(SavedView { id, name, query });

from_row!(HistoryEntry {
    at,
    actor,
    action,
    from_status,
    to_status,
    assignee,
    note
});

from_row!(Leave {
    id,
    user_id,
    first_day,
    last_day,
    note
});

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

impl<'r> sqlx::FromRow<'r, AnyRow> for WorkItem {
    fn from_row(r: &'r AnyRow) -> std::result::Result<WorkItem, sqlx::Error> {
        item_from_row(r)
    }
}

/// A work item from a row of [`ITEM_COLUMNS`] (and perhaps more).
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

/// `args` as the arguments of a query (`sqlx::query_with` and its kin), in order.
fn arguments(args: &[Arg]) -> Result<sqlx::any::AnyArguments<'_>> {
    use sqlx::Arguments;
    let mut out = sqlx::any::AnyArguments::default();
    for a in args {
        match a {
            Arg::I(n) => out.add(*n),
            Arg::S(s) => out.add(s.as_str()),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(out)
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
    let id: i64 = sqlx::query_scalar(
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
        Event::new("work_item.create", "work_item", id, Some(f.office_id)).detail(
            serde_json::json!({ "workload": f.workload, "claimant_id": f.claimant_id,
                "due_on": due.to_string(), "transferred_from": f.transferred_from }),
        ),
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
    let done = sqlx::query_with(&sql, arguments(&args)?)
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
    let row: Option<(i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT at, actor_id, action FROM work_item_history WHERE work_item_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row
        .filter(|(_, _, action)| action == Action::Complete.as_str())
        .map(|(at, actor_id, _)| (at, actor_id)))
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn history(
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
