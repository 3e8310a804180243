//! Work: the office's queues (my work, unassigned, due today, overdue, by workload or person,
//! by age) with bulk assignment, "get next work", saved views and CSV export; one item's page
//! with its moves and history; search; notifications; the manager's dashboard with its
//! settings; and the area director's side-by-side view.

use super::home::day_counts;
use super::{render, render_status, when, zone_of, Chrome};
use crate::auth::{Csrf, PageUser, SignedIn};
use crate::error::PageError;
use crate::flash;
use crate::form::Form;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::sync::Arc;
use time::Date;
use worktrack_domain::permit;
use worktrack_domain::work::{
    allowed_phrase, escalation, highlight, history_phrase, may_undo_complete, search_terms,
    time_to_due_phrase, Action, AgeBucket, AssignmentRule, Escalation, Priority, Status,
};
use worktrack_domain::{Calendar, Role, Scope};
use worktrack_store::{
    now_ms, HistoryEntry, Load, MoveInput, NewWorkItem, Office, QueueCounts, QueueQuery, QueueView,
    SavedView, SearchHit, StoreError, User, WorkItem, WorkloadRule,
};

/// Rows on one queue page.
pub const QUEUE_PAGE: i64 = 50;

#[derive(Deserialize, Default, Clone)]
pub struct QueueParams {
    #[serde(default)]
    pub office: String,
    #[serde(default)]
    pub view: String,
    #[serde(default)]
    pub workload: String,
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub age: String,
    #[serde(default)]
    pub after_due: String,
    #[serde(default)]
    pub after_id: Option<i64>,
}

/// The offices `who` may work in (their scope), and the one chosen by `code` (default: their own).
pub async fn working_office(
    state: &AppState,
    who: &SignedIn,
    code: &str,
) -> Result<(Office, Vec<Office>), PageError> {
    if who.viewer.scope == Scope::Nothing {
        return Err(PageError::forbidden(
            "Your role sees no individual work items; see the office pages for figures.",
        ));
    }
    let offices: Vec<Office> = match &who.viewer.scope {
        Scope::Offices(ids) => {
            let mut mine = Vec::with_capacity(ids.len());
            for id in ids {
                match state.store.office_cached(*id).await {
                    Ok(o) => mine.push((*o).clone()),
                    Err(StoreError::NotFound) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            mine.sort_by(|a, b| a.code.cmp(&b.code));
            mine
        }
        _ => state.store.offices_cached().await?.to_vec(),
    };
    let chosen = if code.is_empty() {
        who.viewer
            .office_id
            .and_then(|id| offices.iter().find(|o| o.id == id))
            .or_else(|| offices.first())
    } else {
        offices.iter().find(|o| o.code.eq_ignore_ascii_case(code))
    };
    let office = chosen.cloned().ok_or_else(PageError::not_found)?;
    Ok((office, offices))
}

fn age_param(s: &str) -> Option<AgeBucket> {
    match s {
        "0-2" => Some(AgeBucket::Fresh),
        "3-5" => Some(AgeBucket::Week),
        "6-10" => Some(AgeBucket::TwoWeeks),
        "11+" => Some(AgeBucket::Old),
        _ => None,
    }
}

pub fn age_key(b: AgeBucket) -> &'static str {
    match b {
        AgeBucket::Fresh => "0-2",
        AgeBucket::Week => "3-5",
        AgeBucket::TwoWeeks => "6-10",
        AgeBucket::Old => "11+",
    }
}

/// Turns the query string of a queue into a store query, or a message saying what is wrong.
pub fn queue_query(
    p: &QueueParams,
    office: &Office,
    people: &[User],
    rules: &[WorkloadRule],
    limit: i64,
) -> Result<QueueQuery, String> {
    let view = if p.view.is_empty() {
        QueueView::Open
    } else {
        QueueView::parse(&p.view).ok_or_else(|| format!("{:?} is not a queue", p.view))?
    };
    let workload = match p.workload.as_str() {
        "" => None,
        w if rules.iter().any(|r| r.workload == w) => Some(w.to_string()),
        w => return Err(format!("{w:?} is not a workload")),
    };
    let assignee_id = match p.assignee.as_str() {
        "" => None,
        a => Some(
            people
                .iter()
                .find(|u| u.username == a)
                .map(|u| u.id)
                .ok_or_else(|| format!("{a:?} is not a member of {}", office.code))?,
        ),
    };
    let age = match p.age.as_str() {
        "" => None,
        a => Some(age_param(a).ok_or_else(|| format!("{a:?} is not an age bucket"))?),
    };
    let after = match (p.after_due.as_str(), p.after_id) {
        ("", None) => None,
        (d, Some(id))
            if Date::parse(d, &time::format_description::well_known::Iso8601::DATE).is_ok() =>
        {
            Some((d.to_string(), id))
        }
        _ => return Err("the page position in the address is not valid".into()),
    };
    Ok(QueueQuery {
        office_id: office.id,
        view,
        workload,
        assignee_id,
        age,
        after,
        limit,
        today: office.today(),
    })
}

/// An item as a row shows it: with its escalation and time to due.
pub struct Row {
    pub item: WorkItem,
    pub escalation: Escalation,
    pub time_to_due: String,
    pub workload_name: String,
}

pub fn row(item: WorkItem, calendar: &Calendar, today: Date, rules: &[WorkloadRule]) -> Row {
    let due = item.due_date().unwrap_or(today);
    let (escalation, time_to_due) = if item.status.is_open() {
        let e = escalation(calendar, item.status, due, today);
        let phrase = if e == Escalation::Paused {
            "clock paused".to_string()
        } else {
            time_to_due_phrase(calendar, due, today)
        };
        (e, phrase)
    } else {
        (Escalation::OnTrack, item.status.label().to_lowercase())
    };
    let workload_name = rules
        .iter()
        .find(|r| r.workload == item.workload)
        .map(|r| r.name.clone())
        .unwrap_or_else(|| item.workload.clone());
    Row {
        item,
        escalation,
        time_to_due,
        workload_name,
    }
}

#[derive(Template)]
#[template(path = "work_queue.html")]
pub struct QueuePage {
    pub chrome: Chrome,
    pub office: Office,
    pub offices: Vec<Office>,
    pub params: QueueParams,
    pub view: QueueView,
    pub views: Vec<(QueueView, i64)>,
    pub aging: Vec<(&'static str, &'static str, i64)>,
    pub rows: Vec<Row>,
    pub next_href: Option<String>,
    pub csv_href: String,
    pub rules: Vec<WorkloadRule>,
    pub people: Vec<User>,
    pub saved: Vec<SavedView>,
    pub query_string: String,
    /// The office, workload and employee chosen, for the tabs and age links (which add the view
    /// or the age bucket).
    pub filter_query: String,
    pub can_manage: bool,
    pub can_take: bool,
}

/// The query string of `p` without paging and messages, for links and saved views.
pub fn view_query(p: &QueueParams) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("office", &p.office),
        ("view", &p.view),
        ("workload", &p.workload),
        ("assignee", &p.assignee),
        ("age", &p.age),
    ] {
        if !v.is_empty() {
            parts.push(format!("{k}={}", urlencode(v)));
        }
    }
    parts.join("&")
}

/// A query value: everything but letters, digits and `-_.` percent-encoded.
fn urlencode(s: &str) -> String {
    const VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.');
    percent_encoding::utf8_percent_encode(s, VALUE).to_string()
}

async fn queue_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    p: QueueParams,
    error: Option<String>,
) -> Result<(StatusCode, QueuePage), PageError> {
    let (office, offices) = working_office(state, who, &p.office).await?;
    let rules = state.store.workload_rules_cached(office.id).await?.to_vec();
    let people: Vec<User> = state
        .store
        .staff_cached(office.id)
        .await?
        .iter()
        .filter(|u| u.active && permit::may_hold_work(u.role))
        .cloned()
        .collect();
    let today = office.today();
    let mut error = error;
    let mut status = StatusCode::OK;
    let query = match queue_query(&p, &office, &people, &rules, QUEUE_PAGE) {
        Ok(q) => q,
        Err(m) => {
            error = Some(m);
            status = StatusCode::BAD_REQUEST;
            queue_query(
                &QueueParams::default(),
                &office,
                &people,
                &rules,
                QUEUE_PAGE,
            )
            .map_err(|_| PageError::internal())?
        }
    };
    let page = state.store.queue(&who.viewer, &query).await?;
    let calendar = state.store.office_calendar_cached(&office).await?;
    let counts = state
        .store
        .queue_counts(&who.viewer, &office, &calendar, today)
        .await?;
    let rows = page
        .items
        .into_iter()
        .map(|i| row(i, &calendar, today, &rules))
        .collect();
    let base = view_query(&QueueParams {
        office: office.code.clone(),
        ..p.clone()
    });
    let next_href = page
        .next
        .map(|(due, id)| format!("/work?{base}&after_due={due}&after_id={id}"));
    let views = QueueView::ALL
        .into_iter()
        .filter(|v| *v != QueueView::Completed)
        .map(|v| {
            let n = match v {
                QueueView::Open => counts.open,
                QueueView::Mine => counts.mine,
                QueueView::Unassigned => counts.unassigned,
                QueueView::DueToday => counts.due_today,
                QueueView::Overdue => counts.overdue,
                QueueView::Waiting => counts.waiting,
                QueueView::Completed => 0,
            };
            (v, n)
        })
        .collect();
    let aging = AgeBucket::ALL
        .into_iter()
        .enumerate()
        .map(|(i, b)| (age_key(b), b.label(), counts.aging[i]))
        .collect();
    let saved = match who.viewer.actor.user_id {
        Some(id) => state.store.saved_views_cached(id).await?.to_vec(),
        None => Vec::new(),
    };
    let filter_query = view_query(&QueueParams {
        office: office.code.clone(),
        workload: p.workload.clone(),
        assignee: p.assignee.clone(),
        ..QueueParams::default()
    });
    let page = QueuePage {
        filter_query,
        chrome: Chrome::for_user(who, "Work", csrf, "/work")
            .with_error(error)
            .with_day_counts(&day_counts(state, who).await?),
        csv_href: format!("/work.csv?{base}"),
        query_string: base,
        view: query.view,
        params: QueueParams {
            office: office.code.clone(),
            ..p
        },
        office,
        offices,
        views,
        aging,
        rows,
        next_href,
        rules,
        people,
        saved,
        can_manage: permit::may_manage(who.role()),
        can_take: permit::may_hold_work(who.role()),
    };
    Ok((status, page))
}

pub async fn queue(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
    RawQuery(raw): RawQuery,
    Query(p): Query<QueueParams>,
) -> Result<Response, PageError> {
    super::audit_list_view(&state, &who, "work", None, list_filters(raw.as_deref())).await?;
    let (status, page) = queue_page(&state, &who, csrf, p, None).await?;
    Ok(render_status(status, &page))
}

/// A list's filters for the audit log, as they were asked for (any number in them masked).
pub(crate) fn list_filters(raw: Option<&str>) -> serde_json::Value {
    serde_json::json!({ "query": worktrack_domain::mask_in_text(raw.unwrap_or("")) })
}

fn csv_field(s: &str) -> String {
    // A leading = + - @ would be read as a formula by spreadsheets, and so would one after a
    // leading tab or carriage return (OWASP's list of CSV injection characters).
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The whole view as CSV (every page, up to 100,000 rows).
pub async fn queue_csv(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Query(p): Query<QueueParams>,
) -> Result<Response, PageError> {
    let (office, _) = working_office(&state, &who, &p.office).await?;
    let rules = state.store.workload_rules_cached(office.id).await?;
    let people = state.store.staff_cached(office.id).await?;
    let mut query = queue_query(&p, &office, &people, &rules, 1000)
        .map_err(|m| PageError::new(StatusCode::BAD_REQUEST, "Invalid view", m))?;
    let calendar = state.store.office_calendar_cached(&office).await?;
    let today = office.today();
    let mut out = String::from(
        "id,office,workload,title,priority,status,assignee,received_on,due_on,escalation,time_to_due,documents\r\n",
    );
    let mut rows = 0;
    loop {
        let page = state.store.queue(&who.viewer, &query).await?;
        for item in page.items {
            let r = row(item, &calendar, today, &rules);
            let i = &r.item;
            let fields = [
                i.id.to_string(),
                office.code.clone(),
                r.workload_name.clone(),
                i.title.clone(),
                i.priority.label().to_string(),
                i.status.label().to_string(),
                i.assignee.clone().unwrap_or_default(),
                i.received_on.clone(),
                i.due_on.clone(),
                r.escalation.label().to_string(),
                r.time_to_due.clone(),
                i.documents.to_string(),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
            rows += 1;
        }
        match page.next {
            Some(next) if rows < 100_000 => query.after = Some(next),
            _ => break,
        }
    }
    let name = format!("work-{}-{}-{}.csv", office.code, query.view.as_str(), today);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        out,
    )
        .into_response())
}

/// The queue a form returns to, checked before the form changes anything: a line break or
/// other character a link cannot hold is refused, not carried into a `Location` header.
fn return_query(query: &str) -> Result<&str, PageError> {
    worktrack_domain::links::query_string(query).ok_or_else(|| {
        PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid form",
            "The form's return address holds a character a link cannot (a line break, a space or a backslash). Nothing was changed; go back to the queue and try again.",
        )
    })
}

/// Redirects back to a queue whose page shows `message` (a notice, or an error when `key` is
/// `"error"`).
fn back_to(state: &AppState, query: &str, key: &str, message: &str) -> Response {
    let to = format!("/work?{query}");
    if key == "error" {
        flash::redirect_error(state, &to, message)
    } else {
        flash::redirect(state, &to, message)
    }
}

#[derive(Deserialize)]
pub struct NextForm {
    #[serde(default)]
    back: String,
}

pub async fn next(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Form(f): Form<NextForm>,
) -> Result<Response, PageError> {
    return_query(&f.back)?;
    match state.store.next_work(&who.viewer).await? {
        Some(item) => Ok(flash::redirect(
            &state,
            &format!("/work/{}", item.id),
            "This item is yours now and in progress.",
        )),
        None => Ok(back_to(
            &state,
            &f.back,
            "done",
            "There is no unassigned work you have the skills for. Well done.",
        )),
    }
}

/// `item` repeated once per ticked row.
pub async fn bulk_assign(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let back = get("back");
    return_query(&back)?;
    let ids: Result<Vec<i64>, _> = form
        .iter()
        .filter(|(k, _)| k == "item")
        .map(|(_, v)| v.parse::<i64>())
        .collect();
    let Ok(ids) = ids else {
        return Ok(back_to(
            &state,
            &back,
            "error",
            "A work item number in the form is not a number.",
        ));
    };
    let assignee = get("assignee");
    if assignee.is_empty() {
        return Ok(back_to(
            &state,
            &back,
            "error",
            "Choose whom to assign the ticked items to.",
        ));
    }
    let Ok(user) = state.store.user_by_username(&assignee).await else {
        return Ok(back_to(
            &state,
            &back,
            "error",
            "There is no such person to assign to.",
        ));
    };
    match state.store.assign_bulk(&who.viewer, &ids, user.id).await {
        Ok(n) => Ok(back_to(
            &state,
            &back,
            "done",
            &format!("{n} work item(s) assigned to {}.", user.display_name),
        )),
        Err(StoreError::Invalid(m)) | Err(StoreError::Conflict(m)) => Ok(back_to(
            &state,
            &back,
            "error",
            &format!("Nothing was assigned: {m}"),
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct SaveViewForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    query: String,
}

pub async fn save_view(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Form(f): Form<SaveViewForm>,
) -> Result<Response, PageError> {
    let uid = who.viewer.actor.user_id.ok_or_else(PageError::not_found)?;
    return_query(&f.query)?;
    match state.store.save_view(uid, &f.name, &f.query).await {
        Ok(()) => Ok(back_to(
            &state,
            &f.query,
            "done",
            &format!("View \u{201c}{}\u{201d} saved.", f.name.trim()),
        )),
        Err(StoreError::Invalid(m)) => Ok(back_to(&state, &f.query, "error", &m)),
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_view(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let uid = who.viewer.actor.user_id.ok_or_else(PageError::not_found)?;
    state.store.delete_view(uid, id).await?;
    Ok(back_to(&state, "", "done", "Saved view removed."))
}

// --- one item --------------------------------------------------------------------------------

pub struct ActionButton {
    pub action: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "work_item.html")]
pub struct ItemPage {
    pub chrome: Chrome,
    pub office: Office,
    pub row: Row,
    pub claimant: Option<String>,
    pub documents: Vec<i64>,
    pub history: Vec<HistoryLine>,
    pub simple_actions: Vec<ActionButton>,
    /// "Complete" was asked for: the page asks once before it is done.
    pub confirm_complete: bool,
    /// The item was completed less than a minute ago by this person (or they manage it).
    pub can_undo: bool,
    /// The deadline in words ("5 business days allowed").
    pub allowed: String,
    pub can_assign: bool,
    pub can_wait: bool,
    pub can_transfer: bool,
    pub people: Vec<User>,
    pub other_offices: Vec<Office>,
}

/// A line of an item's history as the page shows it: when, who, what in words, the note.
pub struct HistoryLine {
    pub at: String,
    pub actor: String,
    pub what: String,
    pub note: String,
}

impl HistoryLine {
    fn of(h: HistoryEntry, zone: Option<worktrack_domain::TimeZone>) -> HistoryLine {
        HistoryLine {
            at: when(h.at, zone),
            what: history_phrase(
                &h.action,
                h.from_status.as_deref(),
                &h.to_status,
                h.assignee.as_deref(),
            ),
            actor: h.actor,
            note: h.note,
        }
    }
}

/// What the item page shows besides the item: a confirmation step, messages.
#[derive(Default)]
struct ItemView {
    confirm_complete: bool,
    notice: Option<String>,
    error: Option<String>,
}

async fn item_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    id: i64,
    view: ItemView,
) -> Result<ItemPage, PageError> {
    let ItemView {
        confirm_complete,
        notice,
        error,
    } = view;
    let item = state.store.work_item(&who.viewer, id).await?;
    let office = state.store.office_by_id(item.office_id).await?;
    let rules = state.store.workload_rules_cached(office.id).await?;
    let calendar = state.store.office_calendar_cached(&office).await?;
    let claimant = match item.claimant_id {
        Some(cid) => match state.store.claimant(&who.viewer, cid).await {
            Ok(c) => Some(format!("{} (SSN {})", c.full_name, c.ssn_masked)),
            Err(StoreError::NotFound) => Some("held by another office".into()),
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let documents = state.store.work_item_document_ids(id).await?;
    let history = state
        .store
        .work_item_history(id)
        .await?
        .into_iter()
        .map(|h| HistoryLine::of(h, zone_of(&office)))
        .collect();
    let writes = who.role().may_write_business_data();
    let actions = if writes {
        item.status.actions()
    } else {
        Vec::new()
    };
    let manager = permit::may_manage(who.role());
    let simple_actions = actions
        .iter()
        .filter(|a| {
            matches!(
                a,
                Action::Take | Action::Start | Action::Resume | Action::Complete | Action::Unassign
            )
        })
        .filter(|a| **a != Action::Take || item.assignee_id.is_none())
        .map(|a| ActionButton {
            action: a.as_str(),
            label: a.label(),
        })
        .collect();
    let people = if manager {
        state
            .store
            .users(Some(office.id))
            .await?
            .into_iter()
            .filter(|u| u.active && permit::may_hold_work(u.role))
            .collect()
    } else {
        Vec::new()
    };
    let other_offices = if manager {
        state
            .store
            .offices()
            .await?
            .into_iter()
            .filter(|o| o.id != office.id)
            .collect()
    } else {
        Vec::new()
    };
    let today = office.today();
    let can_undo = writes
        && item.status == Status::Completed
        && match state.store.last_completion(id).await? {
            Some((at, by)) => {
                may_undo_complete(at, now_ms())
                    && permit::may_undo_completion(
                        who.role(),
                        by.is_some() && by == who.viewer.actor.user_id,
                    )
            }
            None => false,
        };
    let confirm_complete = confirm_complete && actions.contains(&Action::Complete);
    Ok(ItemPage {
        confirm_complete,
        can_undo,
        allowed: allowed_phrase(item.deadline_days, item.paused_days),
        chrome: Chrome::for_user(who, &format!("Work item {id}"), csrf, "/work")
            .with_notice(notice)
            .with_error(error)
            .with_day_counts(&day_counts(state, who).await?),
        can_assign: manager && actions.contains(&Action::Assign),
        can_wait: actions.contains(&Action::Wait),
        can_transfer: manager && actions.contains(&Action::Transfer),
        row: row(item, &calendar, today, &rules),
        office,
        claimant,
        documents,
        history,
        simple_actions,
        people,
        other_offices,
    })
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
    Path(id): Path<i64>,
    Query(p): Query<ShowParams>,
) -> Result<Response, PageError> {
    let view = ItemView {
        confirm_complete: p.confirm == "complete",
        ..ItemView::default()
    };
    let page = item_page(&state, &who, csrf, id, view).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default)]
pub struct ShowParams {
    /// `complete`: ask to confirm completing the item.
    #[serde(default)]
    confirm: String,
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    action: String,
    /// `yes` once the person confirmed a completion.
    #[serde(default)]
    confirmed: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    to_office: String,
    #[serde(default)]
    note: String,
}

pub async fn act(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
    Path(id): Path<i64>,
    Form(f): Form<MoveForm>,
) -> Result<Response, PageError> {
    // Scope, then permission, then the form: another office's item is not found, and a
    // role that changes nothing is refused, whatever the form says.
    state
        .store
        .check_may_change_work_item(&who.viewer, id)
        .await?;
    let (state_ref, who_ref, csrf_ref) = (&state, &who, &csrf);
    let refuse = move |status: StatusCode, msg: String| async move {
        let view = ItemView {
            error: Some(msg),
            ..ItemView::default()
        };
        let page = item_page(state_ref, who_ref, csrf_ref.clone(), id, view).await?;
        Ok::<_, PageError>(render_status(status, &page))
    };
    let fail = |msg: String| refuse(StatusCode::UNPROCESSABLE_ENTITY, msg);
    if f.action == "undo" {
        return match state.store.undo_complete(&who.viewer, id, now_ms()).await {
            Ok(_) => Ok(flash::redirect(
                &state,
                &format!("/work/{id}"),
                "Undone: the item is in progress again.",
            )),
            Err(StoreError::Invalid(m)) | Err(StoreError::Conflict(m)) => {
                fail(capitalise(&m)).await
            }
            Err(StoreError::Forbidden(m)) => refuse(StatusCode::FORBIDDEN, capitalise(&m)).await,
            Err(e) => Err(e.into()),
        };
    }
    let Some(action) = Action::parse(&f.action) else {
        return fail(format!(
            "{:?} is not something a work item can do.",
            f.action
        ))
        .await;
    };
    let mut input = MoveInput {
        note: f.note.clone(),
        ..MoveInput::default()
    };
    if action == Action::Complete && f.confirmed != "yes" {
        // Completing asks once; the form of the confirmation step says "yes".
        let view = ItemView {
            confirm_complete: true,
            ..ItemView::default()
        };
        let page = item_page(&state, &who, csrf.clone(), id, view).await?;
        return Ok(render(&page)?.into_response());
    }
    if action == Action::Assign {
        match state.store.user_by_username(&f.assignee).await {
            Ok(u) => input.assignee_id = Some(u.id),
            Err(_) => return fail("Choose whom to assign it to.".into()).await,
        }
    }
    if action == Action::Transfer {
        match state.store.office_by_code(&f.to_office).await {
            Ok(o) => input.to_office_id = Some(o.id),
            Err(_) => return fail("Choose the office to send it to.".into()).await,
        }
    }
    match state
        .store
        .move_work_item(&who.viewer, id, action, &input)
        .await
    {
        Ok(item) => {
            let msg = match action {
                Action::Complete => {
                    "Completed. Changed your mind? Undo it within a minute with the Undo button."
                        .to_string()
                }
                Action::Transfer => format!(
                    "Transferred: the receiving office continues it as work item {}.",
                    item.transferred_to.unwrap_or_default()
                ),
                _ => format!(
                    "Done: the item is now {}.",
                    item.status.label().to_lowercase()
                ),
            };
            Ok(flash::redirect(&state, &format!("/work/{id}"), msg))
        }
        Err(StoreError::Invalid(m)) | Err(StoreError::Conflict(m)) => fail(m).await,
        Err(StoreError::Forbidden(m)) => refuse(StatusCode::FORBIDDEN, m).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "work_new.html")]
pub struct NewPage {
    pub chrome: Chrome,
    pub office: Office,
    pub rules: Vec<WorkloadRule>,
    pub today: String,
    pub form: NewForm,
}

#[derive(Deserialize, Default, Clone)]
pub struct NewForm {
    #[serde(default)]
    pub office: String,
    #[serde(default)]
    pub workload: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub received_on: String,
    #[serde(default)]
    pub claimant: String,
}

async fn new_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    form: NewForm,
    error: Option<String>,
) -> Result<NewPage, PageError> {
    let (office, _) = working_office(state, who, &form.office).await?;
    if !who.role().may_write_business_data() {
        return Err(PageError::forbidden(
            "Your role does not create work items.",
        ));
    }
    Ok(NewPage {
        chrome: Chrome::for_user(who, "New work item", csrf, "/work").with_error(error),
        rules: state.store.workload_rules_cached(office.id).await?.to_vec(),
        today: office.today().to_string(),
        office,
        form,
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
    Query(form): Query<NewForm>,
) -> Result<Response, PageError> {
    Ok(render(&new_page(&state, &who, csrf, form, None).await?)?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
    Form(form): Form<NewForm>,
) -> Result<Response, PageError> {
    let (office, _) = working_office(&state, &who, &form.office).await?;
    let parsed = (|| {
        let received_on = Date::parse(
            form.received_on.trim(),
            &time::format_description::well_known::Iso8601::DATE,
        )
        .map_err(|_| "The received date must be a date such as 2026-12-01.".to_string())?;
        if received_on > office.today() {
            return Err("The received date cannot be in the future.".to_string());
        }
        let priority = if form.priority.is_empty() {
            Priority::Normal
        } else {
            Priority::parse(&form.priority).ok_or("Choose a priority from the list.")?
        };
        let claimant_id = match form.claimant.trim() {
            "" => None,
            c => Some(
                c.parse::<i64>()
                    .map_err(|_| "The claimant number must be a whole number.".to_string())?,
            ),
        };
        Ok::<_, String>(NewWorkItem {
            office_id: office.id,
            workload: form.workload.clone(),
            claimant_id,
            title: form.title.clone(),
            priority,
            received_on,
        })
    })();
    let result = match parsed {
        Ok(new) => state.store.create_work_item(&who.viewer, &new).await,
        Err(m) => Err(StoreError::Invalid(m)),
    };
    match result {
        Ok(item) => Ok(flash::redirect(
            &state,
            &format!("/work/{}", item.id),
            "Work item created.",
        )),
        Err(StoreError::Invalid(m)) => {
            let page = new_page(&state, &who, csrf, form, Some(m)).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

// --- search ----------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    office: String,
    #[serde(default)]
    open: String,
}

#[derive(Template)]
#[template(path = "work_search.html")]
pub struct SearchPage {
    pub chrome: Chrome,
    /// The masked SSN searched for, when the query was one.
    pub searched_for: Option<String>,
    pub q: String,
    pub office: String,
    pub open_only: bool,
    pub offices: Vec<Office>,
    pub hits: Vec<SearchLine>,
    pub searched: bool,
}

/// A search hit as the page shows it: the title and text cut into pieces, the matched words
/// marked (each piece is escaped by the template like any other text).
pub struct SearchLine {
    pub row: Row,
    pub office_code: String,
    pub title: Vec<(String, bool)>,
    pub snippet: Vec<(String, bool)>,
}

/// A search typed as an SSN (nine digits, with or without the usual dashes): searched by the
/// claimant's SSN, through the form's POST only, so the number is never in an address, a log
/// line or a bookmark.
fn ssn_query(q: &str, offices: &[Office]) -> Option<Result<worktrack_domain::Ssn, String>> {
    use worktrack_domain::{Ssn, SsnError, SsnPolicy};
    match Ssn::parse(q, SsnPolicy::Training) {
        Err(SsnError::Format) => None,
        Ok(ssn) => Some(Ok(ssn)),
        // A live office's number is checked against its own rule.
        Err(_) if offices.iter().any(|o| !o.training) => Some(
            Ssn::parse(q, SsnPolicy::Live).map_err(|e| format!("That is not a valid SSN: {e}.")),
        ),
        Err(e) => Some(Err(format!("That is not a valid SSN: {e}."))),
    }
}

pub async fn search(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
    Query(p): Query<SearchParams>,
) -> Result<Response, PageError> {
    search_page(&state, &who, csrf, p, false).await
}

/// The search form posts: a query that is an SSN is searched here, anything else is sent on
/// to the page's address (`GET /search?q=…`), which can be bookmarked.
pub async fn search_post(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
    Form(p): Form<SearchParams>,
) -> Result<Response, PageError> {
    let (_, offices) = working_office(&state, &who, "").await?;
    if ssn_query(&p.q, &offices).is_some() {
        return search_page(&state, &who, csrf, p, true).await;
    }
    let mut to = format!("/search?q={}", urlencode(p.q.trim()));
    if !p.office.is_empty() {
        to.push_str(&format!("&office={}", urlencode(&p.office)));
    }
    if p.open == "1" {
        to.push_str("&open=1");
    }
    Ok(Redirect::to(&to).into_response())
}

async fn search_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    mut p: SearchParams,
    posted: bool,
) -> Result<Response, PageError> {
    let (_, offices) = working_office(state, who, "").await?;
    let office = if p.office.is_empty() {
        None
    } else {
        Some(
            offices
                .iter()
                .find(|o| o.code.eq_ignore_ascii_case(&p.office))
                .ok_or_else(PageError::not_found)?,
        )
    };
    let mut error = None;
    let mut hits = Vec::new();
    let mut searched = !p.q.trim().is_empty();
    let ssn = ssn_query(&p.q, &offices);
    // An SSN is never shown back in full: the box is left empty and the page names the
    // masked number it searched for.
    let q = std::mem::take(&mut p.q);
    let mut searched_for = None;
    p.q = if ssn.is_some() {
        String::new()
    } else {
        q.clone()
    };
    let terms = search_terms(&p.q);
    let found = match ssn {
        Some(Ok(_)) | Some(Err(_)) if !posted => {
            searched = false;
            error = Some(
                "An SSN is searched through the search box, so that it is never in an address: type it again and press Search."
                    .to_string(),
            );
            None
        }
        Some(Err(m)) => {
            searched = false;
            error = Some(m);
            None
        }
        Some(Ok(ssn)) => {
            searched_for = Some(ssn.to_string());
            Some(
                state
                    .store
                    .search_work_by_ssn(&who.viewer, &ssn, office.map(|o| o.id), p.open == "1", 50)
                    .await,
            )
        }
        None if searched => Some(
            state
                .store
                .search_work(&who.viewer, &q, office.map(|o| o.id), p.open == "1", 50)
                .await,
        ),
        None => None,
    };
    if let Some(found) = found {
        let filters = serde_json::json!({
            "query": searched_for.clone().unwrap_or_else(|| worktrack_domain::mask_in_text(&q)),
            "office": p.office,
            "open_only": p.open == "1",
        });
        super::audit_list_view(state, who, "work.search", None, filters).await?;
        match found {
            Ok(found) => {
                // Each office's calendar and rules are read once, however many hits it has.
                let mut per_office: std::collections::HashMap<
                    i64,
                    (Arc<Calendar>, Arc<Vec<WorkloadRule>>),
                > = std::collections::HashMap::new();
                for SearchHit { item, snippet } in found {
                    let Some(o) = offices.iter().find(|o| o.id == item.office_id) else {
                        continue;
                    };
                    if let std::collections::hash_map::Entry::Vacant(e) = per_office.entry(o.id) {
                        let calendar = state.store.office_calendar_cached(o).await?;
                        let rules = state.store.workload_rules_cached(o.id).await?;
                        e.insert((calendar, rules));
                    }
                    if let Some((calendar, rules)) = per_office.get(&o.id) {
                        hits.push(SearchLine {
                            title: highlight(&item.title, &terms),
                            snippet: highlight(&snippet, &terms),
                            row: row(item, calendar, o.today(), rules),
                            office_code: o.code.clone(),
                        });
                    }
                }
            }
            Err(StoreError::Invalid(m)) => error = Some(m),
            Err(e) => return Err(e.into()),
        }
    }
    let page = SearchPage {
        chrome: Chrome::for_user(who, "Search work", csrf, "/search")
            .with_error(error)
            .with_day_counts(&day_counts(state, who).await?),
        searched_for,
        q: p.q,
        office: p.office,
        open_only: p.open == "1",
        offices,
        hits,
        searched,
    };
    Ok(render(&page)?.into_response())
}

// --- notifications ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    pub chrome: Chrome,
    pub items: Vec<(String, worktrack_store::Notification)>,
}

pub async fn notifications(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
) -> Result<Response, PageError> {
    let uid = who.viewer.actor.user_id.ok_or_else(PageError::not_found)?;
    let items = state
        .store
        .notifications(uid, 100)
        .await?
        .into_iter()
        .map(|n| (when(n.created_at, who.zone), n))
        .collect();
    let page = NotificationsPage {
        chrome: Chrome::for_user(&who, "Notifications", csrf, "/notifications")
            .with_day_counts(&day_counts(&state, &who).await?),
        items,
    };
    Ok(render(&page)?.into_response())
}

pub async fn notifications_read(
    State(state): State<AppState>,
    PageUser(who): PageUser,
) -> Result<Response, PageError> {
    let uid = who.viewer.actor.user_id.ok_or_else(PageError::not_found)?;
    state.store.mark_notifications_read(uid).await?;
    Ok(Redirect::to("/notifications").into_response())
}

// --- dashboard -------------------------------------------------------------------------------

/// A bar chart as inline SVG: one labelled bar per value, with a text alternative.
pub fn bar_chart(title: &str, bars: &[(String, f64)], unit: &str) -> String {
    let width = 640.0;
    let bar_h = 22.0;
    let label_w = 200.0;
    let height = (bars.len() as f64 * (bar_h + 8.0)).max(30.0) + 10.0;
    let max = bars.iter().map(|b| b.1).fold(0.0, f64::max).max(1.0);
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {width} {height}\" width=\"100%\">",
        esc(title)
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = 5.0 + i as f64 * (bar_h + 8.0);
        let w = (width - label_w - 90.0) * v / max;
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{:.1}\" class=\"chart-label\">{}</text><rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{bar_h}\" class=\"chart-bar\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"chart-value\">{} {}</text>",
            y + 16.0,
            esc(label),
            label_w + w + 6.0,
            y + 16.0,
            fmt_num(*v),
            esc(unit)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Columns over time as inline SVG (backlog trend, weekly compliance). A period without data
/// (`None`) is drawn as a dashed gap marked "no data", never as a zero.
pub fn column_chart(title: &str, cols: &[(String, Option<f64>)], max: Option<f64>) -> String {
    let width = 640.0;
    let height = 200.0;
    let base = 170.0;
    let n = cols.len().max(1) as f64;
    let slot = width / n;
    let max = max
        .unwrap_or_else(|| cols.iter().filter_map(|c| c.1).fold(0.0, f64::max))
        .max(1.0);
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {width} {height}\" width=\"100%\">",
        esc(title)
    );
    for (i, (label, v)) in cols.iter().enumerate() {
        let x = i as f64 * slot + slot * 0.15;
        match v {
            Some(v) => {
                let h = (base - 20.0) * v / max;
                svg.push_str(&format!(
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" class=\"chart-bar\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"chart-value\" text-anchor=\"middle\">{}</text>",
                    base - h,
                    slot * 0.7,
                    x + slot * 0.35,
                    base - h - 4.0,
                    fmt_num(*v),
                ));
            }
            None => {
                svg.push_str(&format!(
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"30\" class=\"chart-gap\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"chart-gap-label\" text-anchor=\"middle\">no data</text>",
                    base - 30.0,
                    slot * 0.7,
                    x + slot * 0.35,
                    base - 36.0,
                ));
            }
        }
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"chart-label\" text-anchor=\"middle\">{}</text>",
            x + slot * 0.35,
            base + 18.0,
            esc(label)
        ));
    }
    svg.push_str("</svg>");
    svg
}

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[derive(Template)]
#[template(path = "work_dashboard.html")]
pub struct DashboardPage {
    pub chrome: Chrome,
    pub office: Office,
    pub offices: Vec<Office>,
    pub paper: (i64, i64, i64, i64),
    pub counts: QueueCounts,
    pub load_chart: String,
    /// People with open work (the chart and its table show only them).
    pub load: Vec<Load>,
    /// Names of the people without open work.
    pub idle: Vec<String>,
    pub backlog_chart: String,
    pub backlog: Vec<(String, Option<f64>)>,
    pub timeliness_chart: String,
    pub timeliness: Vec<(String, String, String)>,
    pub people: Vec<User>,
    pub can_manage: bool,
    pub today: String,
}

/// Weeks shown on the dashboard.
const WEEKS: i64 = 8;

async fn dashboard_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    code: &str,
    notice: Option<String>,
    error: Option<String>,
) -> Result<DashboardPage, PageError> {
    let (office, offices) = working_office(state, who, code).await?;
    let today = office.today();
    let calendar = state.store.office_calendar_cached(&office).await?;
    let paper = state.store.paper_today(office.id, today).await?;
    let counts = state
        .store
        .queue_counts(&who.viewer, &office, &calendar, today)
        .await?;
    let (load, idle): (Vec<Load>, Vec<Load>) = state
        .store
        .office_load(&office, today)
        .await?
        .into_iter()
        .partition(|l| l.open > 0);
    let idle = idle.into_iter().map(|l| l.name).collect();
    let load_chart = bar_chart(
        "Open work per person, weighted by effort",
        &load
            .iter()
            .map(|l| (l.name.clone(), l.effort))
            .collect::<Vec<_>>(),
        "effort",
    );
    // Backlog at the end of each of the last weeks, and completion on time per week.
    let start = today - time::Duration::weeks(WEEKS);
    let dates = state.store.office_item_dates(office.id, start).await?;
    let first_received = dates
        .iter()
        .filter_map(|(rec, _, _, _)| parse_day(rec))
        .min();
    let parse = |s: &str| Date::parse(s, &time::format_description::well_known::Iso8601::DATE).ok();
    let mut backlog = Vec::new();
    let mut timeliness = Vec::new();
    let mut timeliness_cols = Vec::new();
    for w in (0..WEEKS).rev() {
        let end = today - time::Duration::weeks(w);
        let begin = end - time::Duration::days(6);
        let open_at_end = dates
            .iter()
            .filter(|(rec, _, done, _)| {
                parse(rec).is_some_and(|r| r <= end)
                    && done.as_deref().and_then(parse).is_none_or(|d| d > end)
            })
            .count();
        let label = format!("{:02}-{:02}", u8::from(end.month()), end.day());
        // Before the office's first item there is no backlog to speak of: a gap, not a zero.
        let known = first_received.is_some_and(|f| f <= end);
        backlog.push((label.clone(), known.then_some(open_at_end as f64)));
        let completed: Vec<_> = dates
            .iter()
            .filter(|(_, _, done, status)| {
                status == "completed"
                    && done
                        .as_deref()
                        .and_then(parse)
                        .is_some_and(|d| d >= begin && d <= end)
            })
            .collect();
        let on_time = completed
            .iter()
            .filter(|(_, due, done, _)| done.as_deref() <= Some(due.as_str()))
            .count();
        let pct = if completed.is_empty() {
            None
        } else {
            Some(100.0 * on_time as f64 / completed.len() as f64)
        };
        timeliness_cols.push((label.clone(), pct));
        timeliness.push((
            label,
            format!("{on_time} of {}", completed.len()),
            pct.map(|p| format!("{p:.0}%"))
                .unwrap_or_else(|| "—".into()),
        ));
    }
    // Upload timeliness over the same weeks (the office's upload rule).
    let from = start.to_string();
    let to = today.to_string();
    let paper_rows = state.store.paper_rows(&office, &from, &to).await?;
    let uploads_on_time = paper_rows
        .iter()
        .filter(|r| match (parse(&r.received_on), parse(&r.uploaded_on)) {
            (Some(rec), Some(up)) => {
                i64::from(calendar.business_days_between(rec, up)) <= office.upload_within_days
            }
            _ => false,
        })
        .count();
    timeliness.push((
        format!(
            "uploads within {} business day(s), last {WEEKS} weeks",
            office.upload_within_days
        ),
        format!("{uploads_on_time} of {}", paper_rows.len()),
        if paper_rows.is_empty() {
            "—".into()
        } else {
            format!(
                "{:.0}%",
                100.0 * uploads_on_time as f64 / paper_rows.len() as f64
            )
        },
    ));
    let people = state
        .store
        .users(Some(office.id))
        .await?
        .into_iter()
        .filter(|u| u.active && permit::may_hold_work(u.role))
        .collect::<Vec<_>>();
    Ok(DashboardPage {
        chrome: Chrome::for_user(
            who,
            &format!("Dashboard — {}", office.code),
            csrf,
            "/dashboard",
        )
        .with_notice(notice)
        .with_error(error)
        .with_day_counts(&day_counts(state, who).await?),
        paper,
        counts,
        load_chart,
        load,
        idle,
        backlog_chart: column_chart("Open work items at the end of each week", &backlog, None),
        backlog,
        timeliness_chart: column_chart(
            "Percent of work completed by its due date, per week",
            &timeliness_cols,
            Some(100.0),
        ),
        timeliness,
        people,
        can_manage: permit::may_set_deadlines(who.role()),
        today: today.to_string(),
        office,
        offices,
    })
}

#[derive(Deserialize, Default)]
pub struct DashParams {
    #[serde(default)]
    office: String,
}

pub async fn dashboard(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
    Query(p): Query<DashParams>,
) -> Result<Response, PageError> {
    if who.role() == Role::Analyst {
        return Ok(Redirect::to("/national").into_response());
    }
    let page = dashboard_page(&state, &who, csrf, &p.office, None, None).await?;
    Ok(render(&page)?.into_response())
}

fn parse_day(s: &str) -> Option<Date> {
    Date::parse(
        s.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .ok()
}

// --- dashboard settings ----------------------------------------------------------------------

/// A settings form sent back: which field is wrong and what was typed.
#[derive(Default)]
pub struct SettingsErrors {
    /// The assignment rule's error.
    pub rule: Option<String>,
    /// The workload whose deadline was refused, its message and the value typed.
    pub policy: Option<(String, String, String)>,
    /// The leave form's field in error (`user`, `first_day`, `last_day`, `note`), its message.
    pub leave: Option<(&'static str, String)>,
    /// The leave form as it was sent.
    pub leave_form: Option<LeaveForm>,
}

impl SettingsErrors {
    /// The message of the deadline field of `workload`, if that one was refused.
    pub fn policy_error(&self, workload: &str) -> Option<&str> {
        match &self.policy {
            Some((w, m, _)) if w == workload => Some(m.as_str()),
            _ => None,
        }
    }

    /// The value typed in the deadline field of `workload`, if that one was refused.
    pub fn policy_value(&self, workload: &str) -> &str {
        match &self.policy {
            Some((w, _, v)) if w == workload => v.as_str(),
            _ => "",
        }
    }

    /// The message of the leave form's `field`, if that one is wrong.
    pub fn leave_error(&self, field: &str) -> Option<&str> {
        match &self.leave {
            Some((f, m)) if *f == field => Some(m.as_str()),
            _ => None,
        }
    }

    /// What was typed in the leave form's `field`.
    pub fn leave_value(&self, field: &str) -> &str {
        match &self.leave_form {
            Some(f) => match field {
                "user" => &f.user,
                "first_day" => &f.first_day,
                "last_day" => &f.last_day,
                "note" => &f.note,
                _ => "",
            },
            None => "",
        }
    }
}

#[derive(Template)]
#[template(path = "work_dashboard_settings.html")]
pub struct SettingsPage {
    pub chrome: Chrome,
    pub office: Office,
    pub offices: Vec<Office>,
    pub rules: Vec<WorkloadRule>,
    pub assignment_rules: Vec<(&'static str, &'static str)>,
    pub people: Vec<User>,
    pub leave: Vec<(String, worktrack_store::Leave)>,
    pub errors: SettingsErrors,
}

async fn settings_page_of(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    code: &str,
    errors: SettingsErrors,
) -> Result<SettingsPage, PageError> {
    let (office, offices) = working_office(state, who, code).await?;
    if !permit::may_set_deadlines(who.role()) {
        return Err(PageError::forbidden(
            "Only managers and area directors change how work is handed out.",
        ));
    }
    let today = office.today();
    let people = state
        .store
        .users(Some(office.id))
        .await?
        .into_iter()
        .filter(|u| u.active && permit::may_hold_work(u.role))
        .collect::<Vec<_>>();
    let leave = state
        .store
        .leave(office.id, today)
        .await?
        .into_iter()
        .map(|l| {
            let name = people
                .iter()
                .find(|u| u.id == l.user_id)
                .map(|u| u.display_name.clone())
                .unwrap_or_default();
            (name, l)
        })
        .collect();
    let summary = errors
        .rule
        .clone()
        .or_else(|| errors.policy.as_ref().map(|p| p.1.clone()))
        .or_else(|| errors.leave.as_ref().map(|l| l.1.clone()));
    Ok(SettingsPage {
        chrome: Chrome::for_user(
            who,
            &format!("Dashboard settings — {}", office.code),
            csrf,
            "/dashboard",
        )
        .with_error(summary)
        .with_day_counts(&day_counts(state, who).await?),
        rules: state.store.workload_rules_cached(office.id).await?.to_vec(),
        assignment_rules: AssignmentRule::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
        people,
        leave,
        errors,
        office,
        offices,
    })
}

/// The settings sent back with what is wrong, next to the field: 422, nothing changed.
async fn settings_refused(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    code: &str,
    errors: SettingsErrors,
) -> Result<Response, PageError> {
    let page = settings_page_of(state, who, csrf, code, errors).await?;
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

fn back_to_settings(state: &AppState, office: &str, message: &str) -> Response {
    let to = format!("/dashboard/settings?office={}", urlencode(office));
    flash::redirect(state, &to, message)
}

pub async fn settings_page(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
    Query(p): Query<DashParams>,
) -> Result<Response, PageError> {
    let page = settings_page_of(&state, &who, csrf, &p.office, SettingsErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    office: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    keep: String,
}

pub async fn settings(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
    Form(f): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let (office, _) = working_office(&state, &who, &f.office).await?;
    match state
        .store
        .set_assignment_rule(&who.viewer, &office, &f.rule, f.keep == "on")
        .await
    {
        Ok(()) => Ok(back_to_settings(
            &state,
            &office.code,
            "Assignment settings saved.",
        )),
        Err(StoreError::Invalid(m)) => {
            let errors = SettingsErrors {
                rule: Some(capitalise(&m)),
                ..SettingsErrors::default()
            };
            settings_refused(&state, &who, csrf, &office.code, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    office: String,
    #[serde(default)]
    workload: String,
    #[serde(default)]
    days: String,
}

pub async fn policy(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
    Form(f): Form<PolicyForm>,
) -> Result<Response, PageError> {
    let (office, _) = working_office(&state, &who, &f.office).await?;
    match state
        .store
        .set_deadline_policy(&who.viewer, &office, &f.workload, &f.days)
        .await
    {
        Ok(()) => Ok(back_to_settings(
            &state,
            &office.code,
            "Deadline saved; it applies to new work items.",
        )),
        Err(StoreError::Invalid(m)) => {
            let errors = SettingsErrors {
                policy: Some((f.workload.clone(), capitalise(&m), f.days.clone())),
                ..SettingsErrors::default()
            };
            settings_refused(&state, &who, csrf, &office.code, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct LeaveForm {
    #[serde(default)]
    office: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    first_day: String,
    #[serde(default)]
    last_day: String,
    #[serde(default)]
    note: String,
}

pub async fn add_leave(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
    Form(f): Form<LeaveForm>,
) -> Result<Response, PageError> {
    let (office, _) = working_office(&state, &who, &f.office).await?;
    let refuse = |field: &'static str, m: String| SettingsErrors {
        leave: Some((field, m)),
        leave_form: Some(f.clone()),
        ..SettingsErrors::default()
    };
    let Ok(user) = state.store.user_by_username(&f.user).await else {
        let errors = refuse("user", "Choose the person on leave.".into());
        return settings_refused(&state, &who, csrf, &office.code, errors).await;
    };
    let Some(first) = parse_day(&f.first_day) else {
        let errors = refuse(
            "first_day",
            "Give the first day of leave as a date, such as 2026-12-01.".into(),
        );
        return settings_refused(&state, &who, csrf, &office.code, errors).await;
    };
    let Some(last) = parse_day(&f.last_day) else {
        let errors = refuse(
            "last_day",
            "Give the last day of leave as a date, such as 2026-12-05.".into(),
        );
        return settings_refused(&state, &who, csrf, &office.code, errors).await;
    };
    match state
        .store
        .add_leave(&who.viewer, user.id, first, last, &f.note)
        .await
    {
        Ok(_) => Ok(back_to_settings(
            &state,
            &office.code,
            &format!(
                "Leave recorded for {}: automatic assignment passes them over.",
                user.display_name
            ),
        )),
        Err(StoreError::Invalid(m)) => {
            let field = if m.contains("note") {
                "note"
            } else if m.contains("person") || m.contains("member") {
                "user"
            } else {
                "last_day"
            };
            let errors = refuse(field, capitalise(&m));
            settings_refused(&state, &who, csrf, &office.code, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

// --- area ------------------------------------------------------------------------------------

pub struct AreaRow {
    pub office: Office,
    pub open: i64,
    pub overdue: i64,
    pub due_today: i64,
    pub completed: i64,
    pub staff: i64,
    pub open_per_staff: String,
    pub overdue_percent: String,
}

#[derive(Template)]
#[template(path = "area.html")]
pub struct AreaPage {
    pub chrome: Chrome,
    pub area: String,
    pub rows: Vec<AreaRow>,
    pub chart: String,
}

pub async fn area(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
    RawQuery(_q): RawQuery,
) -> Result<Response, PageError> {
    if who.role() == Role::Analyst {
        return Ok(Redirect::to("/national").into_response());
    }
    let (own, offices) = working_office(&state, &who, "").await?;
    let today = own.today();
    let since = today - time::Duration::days(7);
    let ids: Vec<i64> = offices.iter().map(|o| o.id).collect();
    let summaries = state.store.office_summaries(&ids, today, since).await?;
    let rows: Vec<AreaRow> = summaries
        .into_iter()
        .filter_map(|(id, open, overdue, due_today, completed, staff)| {
            let office = offices.iter().find(|o| o.id == id)?.clone();
            let staff = if staff > 0 { staff } else { office.headcount };
            Some(AreaRow {
                open_per_staff: if staff > 0 {
                    format!("{:.1}", open as f64 / staff as f64)
                } else {
                    "—".into()
                },
                overdue_percent: if open > 0 {
                    format!("{:.0}%", 100.0 * overdue as f64 / open as f64)
                } else {
                    "—".into()
                },
                office,
                open,
                overdue,
                due_today,
                completed,
                staff,
            })
        })
        .collect();
    let chart = bar_chart(
        "Open work items per staff member, by office",
        &rows
            .iter()
            .map(|r| {
                (
                    r.office.code.clone(),
                    if r.staff > 0 {
                        r.open as f64 / r.staff as f64
                    } else {
                        0.0
                    },
                )
            })
            .collect::<Vec<_>>(),
        "per person",
    );
    let page = AreaPage {
        chrome: Chrome::for_user(&who, "Area", csrf, "/area"),
        area: own.area.clone(),
        rows,
        chart,
    };
    Ok(render(&page)?.into_response())
}

/// `m` with its first letter in capitals and a full stop, for a store message shown alone.
fn capitalise(m: &str) -> String {
    let mut c = m.chars();
    let mut out: String = c
        .next()
        .map(|f| f.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(c.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod props {
    use super::csv_field;
    use proptest::prelude::*;

    /// A plain RFC 4180 reader: records end with CRLF, fields are split by commas, a quoted
    /// field may hold commas, quotes (doubled) and line breaks.
    fn read_csv(text: &str) -> Vec<Vec<String>> {
        let mut records = Vec::new();
        let mut record = Vec::new();
        let mut field = String::new();
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => quoted = false,
                    _ => field.push(c),
                }
                continue;
            }
            match c {
                '"' if field.is_empty() => quoted = true,
                ',' => record.push(std::mem::take(&mut field)),
                '\r' if chars.peek() == Some(&'\n') => {
                    chars.next();
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                _ => field.push(c),
            }
        }
        records
    }

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[=+@\t\r-]?[a-z,\"\r\n' ]{0,12}",
            "[=+@-](SUM|HYPERLINK|cmd)\\(A1\\)",
        ]
    }

    proptest! {
        /// Rows written and read back by an RFC 4180 reader give the same text, with a
        /// formula-leading cell neutralised by one quote in front and nothing else changed.
        #[test]
        fn cells_round_trip_and_formulas_are_neutralised(rows in proptest::collection::vec(proptest::collection::vec(cell(), 1..5), 1..4)) {
            let mut out = String::new();
            for row in &rows {
                out.push_str(&row.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
                out.push_str("\r\n");
            }
            let read = read_csv(&out);
            prop_assert_eq!(read.len(), rows.len());
            for (written, back) in rows.iter().zip(&read) {
                prop_assert_eq!(back.len(), written.len());
                for (w, b) in written.iter().zip(back) {
                    let formula = w.starts_with(['=', '+', '-', '@', '\t', '\r']);
                    if formula {
                        prop_assert_eq!(b, &format!("'{w}"));
                    } else {
                        prop_assert_eq!(b, w);
                    }
                    prop_assert!(!b.starts_with(['=', '+', '-', '@', '\t', '\r']));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::urlencode;

    #[test]
    fn query_values_encode_all_but_letters_digits_and_three_marks() {
        assert_eq!(urlencode("earnings 2026"), "earnings%202026");
        assert_eq!(urlencode("a-b_c.d~e/f&g=ü"), "a-b_c.d%7Ee%2Ff%26g%3D%C3%BC");
    }
}
