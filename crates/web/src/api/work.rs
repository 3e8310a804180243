//! Work items over the API: an office's queue (keyset-paged), "get next work", moves, search.

use super::ApiJson;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::pages::work::{queue_query, row, QueueParams};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use worktrack_domain::work::Action;
use worktrack_store::{MoveInput, WorkItem};

type ApiResult<T> = Result<T, Problem>;

/// A work item with its escalation on the office's today.
#[derive(Serialize, ToSchema)]
pub struct WorkItemOut {
    pub id: i64,
    pub office: String,
    pub workload: String,
    pub title: String,
    /// `normal`, `payment` or `dire_need`.
    pub priority: String,
    /// `new`, `assigned`, `in_progress`, `waiting`, `completed` or `transferred`.
    pub status: String,
    pub assignee: Option<String>,
    pub claimant_id: Option<i64>,
    pub received_on: String,
    pub due_on: String,
    /// `on_track`, `due_soon`, `due_today`, `overdue` or `paused`.
    pub escalation: String,
    pub time_to_due: String,
    pub documents: i64,
}

#[derive(Serialize, ToSchema)]
pub struct WorkPage {
    pub items: Vec<WorkItemOut>,
    /// Pass as `after_due` and `after_id` for the next page; absent on the last page.
    pub next_after_due: Option<String>,
    pub next_after_id: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
pub struct WorkQuery {
    /// Office code; default the caller's office.
    office: Option<String>,
    /// `open` (default), `mine`, `unassigned`, `due_today`, `overdue`, `waiting`, `completed`.
    view: Option<String>,
    workload: Option<String>,
    /// User name of the assignee.
    assignee: Option<String>,
    /// `0-2`, `3-5`, `6-10` or `11+` business days since received.
    age: Option<String>,
    after_due: Option<String>,
    after_id: Option<i64>,
    /// 1–500, default 50.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

async fn out(state: &AppState, item: WorkItem) -> ApiResult<WorkItemOut> {
    let office = state.store.office_by_id(item.office_id).await?;
    let calendar = state.store.office_calendar_cached(&office).await?;
    let rules = state.store.workload_rules_cached(office.id).await?;
    Ok(out_with(
        &office.code,
        row(item, &calendar, office.today(), &rules),
    ))
}

fn out_with(code: &str, r: crate::pages::work::Row) -> WorkItemOut {
    let i = r.item;
    WorkItemOut {
        id: i.id,
        office: code.to_string(),
        workload: i.workload,
        title: i.title,
        priority: i.priority.as_str().into(),
        status: i.status.as_str().into(),
        assignee: i.assignee,
        claimant_id: i.claimant_id,
        received_on: i.received_on,
        due_on: i.due_on,
        escalation: r.escalation.as_str().into(),
        time_to_due: r.time_to_due,
        documents: i.documents,
    }
}

#[utoipa::path(get, path = "/api/v1/work-items", tag = "work", params(WorkQuery),
    description = "One office's queue, earliest due first, keyset-paged. Rows carry no claimant names or SSNs.",
    responses((status = 200, body = WorkPage), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
    Query(q): Query<WorkQuery>,
) -> ApiResult<Json<WorkPage>> {
    let limit = super::handlers::page_limit(q.limit, 50, 500)?;
    crate::pages::audit_list_query(&state, &who, "work", raw.as_deref()).await?;
    let (office, _) =
        crate::pages::work::working_office(&state, &who, q.office.as_deref().unwrap_or(""))
            .await
            .map_err(|_| Problem::not_found())?;
    let rules = state.store.workload_rules_cached(office.id).await?;
    // Only a filter by assignee needs the office's people.
    let people = if q.assignee.as_deref().is_some_and(|a| !a.is_empty()) {
        state.store.staff_cached(office.id).await?.to_vec()
    } else {
        Vec::new()
    };
    let params = QueueParams {
        office: office.code.clone(),
        view: q.view.unwrap_or_default(),
        workload: q.workload.unwrap_or_default(),
        assignee: q.assignee.unwrap_or_default(),
        age: q.age.unwrap_or_default(),
        after_due: q.after_due.unwrap_or_default(),
        after_id: q.after_id,
    };
    let query =
        queue_query(&params, &office, &people, &rules, limit).map_err(Problem::validation)?;
    let page = state.store.queue(&who.viewer, &query).await?;
    let calendar = state.store.office_calendar_cached(&office).await?;
    let today = office.today();
    let (next_after_due, next_after_id) = match page.next {
        Some((d, id)) => (Some(d), Some(id)),
        None => (None, None),
    };
    Ok(Json(WorkPage {
        items: page
            .items
            .into_iter()
            .map(|i| out_with(&office.code, row(i, &calendar, today, &rules)))
            .collect(),
        next_after_due,
        next_after_id,
    }))
}

#[utoipa::path(post, path = "/api/v1/work-items/next", tag = "work",
    description = "Get next work: claims the most urgent unassigned item of the caller's office that they have the skill for. 204 when there is none.",
    responses((status = 200, body = WorkItemOut), (status = 204), (status = 403, body = Problem)))]
pub async fn next(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    match state.store.next_work(&who.viewer).await? {
        Some(item) => Ok(Json(out(&state, item).await?).into_response()),
        None => Ok(axum::http::StatusCode::NO_CONTENT.into_response()),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct MoveIn {
    /// `assign`, `take`, `unassign`, `start`, `wait`, `resume`, `complete` or `transfer`.
    pub action: String,
    /// User name, for `assign`.
    pub assignee: Option<String>,
    /// Office code, for `transfer`.
    pub to_office: Option<String>,
    /// Required for `wait` and `transfer`.
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/work-items/{id}/actions", tag = "work", request_body = MoveIn,
    params(("id" = i64, Path, description = "Work item id")),
    responses((status = 200, body = WorkItemOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn act(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<MoveIn>,
) -> ApiResult<Json<WorkItemOut>> {
    // Scope, then permission, then the body: another office's item is not found whatever
    // the body says, and an auditor is refused before a bad assignee is reported.
    state
        .store
        .check_may_change_work_item(&who.viewer, id)
        .await?;
    let action = Action::parse(&body.action).ok_or_else(|| {
        Problem::validation(format!("action: {:?} is not an action", body.action))
    })?;
    let mut input = MoveInput {
        note: body.note.unwrap_or_default(),
        ..MoveInput::default()
    };
    if let Some(a) = body.assignee.as_deref() {
        let u = state
            .store
            .user_by_username(a)
            .await
            .map_err(|_| Problem::validation(format!("assignee: there is no user {a:?}")))?;
        input.assignee_id = Some(u.id);
    }
    if let Some(o) = body.to_office.as_deref() {
        let office = state
            .store
            .office_by_code(o)
            .await
            .map_err(|_| Problem::validation(format!("to_office: there is no office {o:?}")))?;
        input.to_office_id = Some(office.id);
    }
    let item = state
        .store
        .move_work_item(&who.viewer, id, action, &input)
        .await?;
    Ok(Json(out(&state, item).await?))
}
