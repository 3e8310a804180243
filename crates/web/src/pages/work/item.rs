//! One work item's page with its moves and history, and a new item's form.

use super::{capitalise, row, work_holders, working_office, Row};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::flash;
use crate::form::Form;
use crate::pages::home::day_counts;
use crate::pages::{render, render_status, when, zone_of, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::Date;
use worktrack_domain::permit;
use worktrack_domain::work::{
    allowed_phrase, history_phrase, may_undo_complete, Action, Priority, Status,
};
use worktrack_store::{
    now_ms, HistoryEntry, MoveInput, NewWorkItem, Office, StoreError, User, WorkloadRule,
};

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
        work_holders(state, office.id).await?
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
    PageRequest { state, who, csrf }: PageRequest,
    Path(id): Path<i64>,
    Query(p): Query<ShowParams>,
) -> Result<Response, PageError> {
    let view = ItemView {
        confirm_complete: p.confirm == "complete",
        ..ItemView::default()
    };
    let page = item_page(&state, &who, csrf, id, view).await?;
    render(&page)
}

#[derive(Deserialize, Default)]
pub struct ShowParams {
    /// `complete`: ask to confirm completing the item.
    #[serde(default)]
    confirm: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    action: String,
    /// `yes` once the person confirmed a completion.
    confirmed: String,
    assignee: String,
    to_office: String,
    note: String,
}

pub async fn act(
    PageRequest { state, who, csrf }: PageRequest,
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
        return render(&page);
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
#[serde(default)]
pub struct NewForm {
    pub office: String,
    pub workload: String,
    pub title: String,
    pub priority: String,
    pub received_on: String,
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
    PageRequest { state, who, csrf }: PageRequest,
    Query(form): Query<NewForm>,
) -> Result<Response, PageError> {
    render(&new_page(&state, &who, csrf, form, None).await?)
}

pub async fn create(
    PageRequest { state, who, csrf }: PageRequest,
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
