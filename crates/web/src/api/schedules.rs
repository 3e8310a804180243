//! Work schedules over the API: an employee's week and days (through the store's
//! `staff_days`, the domain's one "who works where, when"), the week and dated changes
//! (managers), and the changes employees ask for and managers decide.

use super::appointment_json::*;
use super::appointments::{date_range, parse_date};
use super::ApiJson;
use crate::auth::{ApiUser, SignedIn};
use crate::error::Problem;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use worktrack_domain::schedule::{self, Shift, Week};
use worktrack_store::{Office, User};

type ApiResult<T> = Result<T, Problem>;

/// The staff member `username` and their office, when the caller may see them (else not
/// found, the attempt audited); people without a schedule are not found either.
async fn subject(state: &AppState, who: &SignedIn, username: &str) -> ApiResult<(User, Office)> {
    let user = state.store.user_by_username(username).await?;
    let office_id = user.office_id.ok_or_else(Problem::not_found)?;
    state
        .store
        .check_scope(&who.viewer, office_id, "user", &user.username)
        .await?;
    if !schedule::has_schedule(user.role) {
        return Err(Problem::not_found());
    }
    let office = state.store.office_by_id(office_id).await?;
    Ok((user, office))
}

#[derive(Deserialize, IntoParams)]
pub struct ScheduleQuery {
    /// First office-local date, `YYYY-MM-DD` (default today).
    pub from: Option<String>,
    /// Last date (default six days after `from`; at most 92 days after it).
    pub to: Option<String>,
}

async fn schedule_of(
    state: &AppState,
    user: &User,
    office: &Office,
    from: time::Date,
    to: time::Date,
) -> ApiResult<ScheduleOut> {
    let week = state.store.week(user.id).await?;
    let overrides = state.store.overrides(user.id, from, to).await?;
    let staff = state.store.staff_days(office, from, to).await?;
    let days = staff
        .into_iter()
        .find(|s| s.user_id == user.id)
        .map(|s| s.days)
        .unwrap_or_default();
    Ok(ScheduleOut {
        username: user.username.clone(),
        office: office.code.clone(),
        time_zone: office.time_zone.clone(),
        week: week.0.iter().map(ShiftJson::from_shift).collect(),
        days: days
            .into_iter()
            .map(|(d, day)| ScheduleDayOut::new(d, day, overrides.iter().any(|o| o.date == d)))
            .collect(),
    })
}

#[utoipa::path(get, path = "/api/v1/users/{username}/schedule", tag = "schedules",
    description = "An employee's default week and, for each date of the range, where and when they work and why (leave, holidays and closures included).",
    params(("username" = String, Path, description = "User name"), ScheduleQuery),
    responses((status = 200, body = ScheduleOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn get_schedule(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(username): Path<String>,
    Query(q): Query<ScheduleQuery>,
) -> ApiResult<Json<ScheduleOut>> {
    let (user, office) = subject(&state, &who, &username).await?;
    let (from, to) = date_range(q.from.as_deref(), q.to.as_deref(), office.today(), 92)?;
    Ok(Json(schedule_of(&state, &user, &office, from, to).await?))
}

#[utoipa::path(put, path = "/api/v1/users/{username}/schedule", tag = "schedules", request_body = WeekIn,
    description = "Sets an employee's default week, Monday first (the office's managers).",
    params(("username" = String, Path, description = "User name")),
    responses((status = 200, body = ScheduleOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_week(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(username): Path<String>,
    ApiJson(body): ApiJson<WeekIn>,
) -> ApiResult<Json<ScheduleOut>> {
    let (user, office) = subject(&state, &who, &username).await?;
    if body.days.len() != 7 {
        return Err(Problem::validation("days: give seven days, Monday first"));
    }
    let mut week = [Shift::OFF; 7];
    for (i, day) in body.days.iter().enumerate() {
        week[i] = day
            .parse(&format!("days[{i}]"))
            .map_err(Problem::validation)?;
    }
    state
        .store
        .set_week(&who.viewer, user.id, &Week(week))
        .await?;
    let from = office.today();
    let to = from.saturating_add(time::Duration::days(6));
    Ok(Json(schedule_of(&state, &user, &office, from, to).await?))
}

#[utoipa::path(post, path = "/api/v1/users/{username}/schedule/overrides", tag = "schedules",
    request_body = ScheduleChangeIn,
    description = "Sets (or replaces) an employee's schedule on one date: a swapped telework day, a training day, a day off (the office's managers).",
    params(("username" = String, Path, description = "User name")),
    responses((status = 201, body = ScheduleDayOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn post_override(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(username): Path<String>,
    ApiJson(body): ApiJson<ScheduleChangeIn>,
) -> ApiResult<(StatusCode, Json<ScheduleDayOut>)> {
    let (user, office) = subject(&state, &who, &username).await?;
    let date = parse_date("date", &body.date)?;
    let shift = body.shift.parse("shift").map_err(Problem::validation)?;
    state
        .store
        .set_override(&who.viewer, user.id, date, shift, &body.note)
        .await?;
    let out = schedule_of(&state, &user, &office, date, date).await?;
    let day = out.days.into_iter().next().ok_or_else(Problem::internal)?;
    Ok((StatusCode::CREATED, Json(day)))
}

#[utoipa::path(post, path = "/api/v1/schedule-requests", tag = "schedules", request_body = ScheduleChangeIn,
    description = "Asks for a change to the caller's own schedule on one date (a swap); a manager of the office decides.",
    responses((status = 201, body = ScheduleRequestOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn post_request(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<ScheduleChangeIn>,
) -> ApiResult<(StatusCode, Json<ScheduleRequestOut>)> {
    if !schedule::may_request_change(who.role()) {
        return Err(Problem::forbidden(
            "only the office's staff have a schedule",
        ));
    }
    let date = parse_date("date", &body.date)?;
    let shift = body.shift.parse("shift").map_err(Problem::validation)?;
    let id = state
        .store
        .request_schedule_change(&who.viewer, date, shift, &body.note)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ScheduleRequestOut {
            id,
            status: "pending".into(),
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/schedule-requests/{id}/decision", tag = "schedules", request_body = DecisionIn,
    description = "Approves (the change becomes the employee's schedule that day) or declines a pending request (the office's managers).",
    params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, body = ScheduleRequestOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn post_decision(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<DecisionIn>,
) -> ApiResult<Json<ScheduleRequestOut>> {
    let approve = match body.decision.as_str() {
        "approve" => true,
        "decline" => false,
        other => {
            return Err(Problem::validation(format!(
                "decision: {other:?} is not approve or decline"
            )))
        }
    };
    state
        .store
        .decide_schedule_request(&who.viewer, id, approve, &body.note)
        .await?;
    Ok(Json(ScheduleRequestOut {
        id,
        status: if approve { "approved" } else { "declined" }.into(),
    }))
}
