//! Appointments over the API: an office's types, the free slots of a day, the next free one,
//! bookings (a taken time is a 409 naming the next free one) and moves.

use super::appointment_json::*;
use super::ApiJson;
use crate::auth::{ApiUser, SignedIn};
use crate::error::Problem;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use worktrack_domain::appointments::{instant_at, AppointmentMove, TypeSpec};
use worktrack_domain::{Skill, TimeZone};
use worktrack_store::{NewAppointment, Office, StoreError};

type ApiResult<T> = Result<T, Problem>;

/// A `YYYY-MM-DD` date from a query or body.
pub(super) fn parse_date(field: &str, s: &str) -> ApiResult<time::Date> {
    time::Date::parse(
        s.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .map_err(|_| Problem::validation(format!("{field}: give a date as YYYY-MM-DD")))
}

/// The dates `from` to `to` a query asks for: `from` defaults to `today`, `to` to six days
/// after `from`; at most `max_days` apart.
pub(super) fn date_range(
    from: Option<&str>,
    to: Option<&str>,
    today: time::Date,
    max_days: i64,
) -> ApiResult<(time::Date, time::Date)> {
    let from = match from.filter(|s| !s.is_empty()) {
        Some(s) => parse_date("from", s)?,
        None => today,
    };
    let to = match to.filter(|s| !s.is_empty()) {
        Some(s) => parse_date("to", s)?,
        None => from.saturating_add(time::Duration::days(6)),
    };
    if to < from || (to - from).whole_days() > max_days {
        return Err(Problem::validation(format!(
            "to: give a date on or after from, at most {max_days} days later"
        )));
    }
    Ok((from, to))
}

pub(super) fn office_zone(office: &Office) -> ApiResult<TimeZone> {
    TimeZone::parse(&office.time_zone).map_err(|_| Problem::internal())
}

/// The office `code`, when the caller may open it (else not found, the attempt audited).
pub(super) async fn office_in_reach(
    state: &AppState,
    who: &SignedIn,
    code: &str,
) -> ApiResult<Office> {
    let office = state.store.office_by_code(code).await?;
    state
        .store
        .check_scope(&who.viewer, office.id, "office", &office.code)
        .await?;
    Ok(office)
}

async fn type_zone(state: &AppState, who: &SignedIn, type_id: i64) -> ApiResult<TimeZone> {
    let kind = state.store.appointment_type(&who.viewer, type_id).await?;
    let office = state.store.office_cached(kind.office_id).await?;
    office_zone(&office)
}

#[utoipa::path(get, path = "/api/v1/appointment-types/{id}/next-available", tag = "appointments",
    description = "The first free slot of the type from now to the last day people may book it.",
    params(("id" = i64, Path, description = "Appointment type id")),
    responses((status = 200, body = SlotOut), (status = 404, body = Problem, description = "No such type in reach, or no free slot within the horizon")))]
pub async fn next_available(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<SlotOut>> {
    let tz = type_zone(&state, &who, id).await?;
    match state.store.next_available(&who.viewer, id).await? {
        Some(slot) => Ok(Json(SlotOut::new(tz, slot))),
        None => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "no-slot",
            "No free time",
            "no time is free for this type before the last day people may book it",
        )),
    }
}

#[utoipa::path(get, path = "/api/v1/appointment-types/{id}/availability", tag = "appointments",
    description = "The free slots of the type on one office-local date, earliest first.",
    params(("id" = i64, Path, description = "Appointment type id"), DayQuery),
    responses((status = 200, body = Vec<SlotOut>), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn availability(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<DayQuery>,
) -> ApiResult<Json<Vec<SlotOut>>> {
    let tz = type_zone(&state, &who, id).await?;
    let date = parse_date("date", &q.date)?;
    let slots = state.store.availability(&who.viewer, id, date).await?;
    Ok(Json(
        slots.into_iter().map(|s| SlotOut::new(tz, s)).collect(),
    ))
}

/// The 409 of a booking whose time was taken: the detail names the next free time, and
/// `next_start_ms` gives it (absent when nothing else is free).
fn taken(detail: String, next_start_ms: Option<i64>) -> Response {
    let mut body = serde_json::json!({
        "type": "urn:worktrack:problem:taken",
        "title": "Time taken",
        "status": 409,
        "detail": detail,
    });
    if let Some(ms) = next_start_ms {
        body["next_start_ms"] = ms.into();
    }
    let mut resp = (StatusCode::CONFLICT, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    resp
}

#[utoipa::path(post, path = "/api/v1/appointments", tag = "appointments", request_body = NewAppointmentIn,
    description = "Books an appointment for a claimant of the type's office (staff). A time just taken answers 409 with the next free time in `detail` and `next_start_ms`.",
    responses((status = 201, body = AppointmentOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn book(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewAppointmentIn>,
) -> Result<Response, Problem> {
    let tz = type_zone(&state, &who, body.type_id).await?;
    let start_ms = instant_in(body.start_ms, body.start.as_deref()).map_err(Problem::validation)?;
    let new = NewAppointment {
        type_id: body.type_id,
        claimant_id: body.claimant_id,
        start_ms,
        staff_id: body.staff_id,
        contact: body.contact,
        workload: body.workload,
        accommodations: body.accommodations.parse().map_err(Problem::validation)?,
        work_item_id: body.work_item_id,
    };
    match state.store.book_appointment(&who.viewer, &new).await {
        Ok(a) => Ok((StatusCode::CREATED, Json(AppointmentOut::new(tz, a, None))).into_response()),
        Err(StoreError::Conflict(detail)) => {
            let next = state
                .store
                .next_available(&who.viewer, body.type_id)
                .await?
                .map(|s| s.start_ms);
            Ok(taken(detail, next))
        }
        Err(e) => Err(e.into()),
    }
}

async fn appointment_zone(state: &AppState, office_id: i64) -> ApiResult<TimeZone> {
    let office = state.store.office_cached(office_id).await?;
    office_zone(&office)
}

#[utoipa::path(get, path = "/api/v1/appointments/{id}", tag = "appointments",
    description = "One appointment and its history (the view is audited).",
    params(("id" = i64, Path, description = "Appointment id")),
    responses((status = 200, body = AppointmentOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_appointment(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<AppointmentOut>> {
    let (a, history) = state.store.appointment(&who.viewer, id).await?;
    let tz = appointment_zone(&state, a.office_id).await?;
    Ok(Json(AppointmentOut::new(tz, a, Some(history))))
}

#[utoipa::path(get, path = "/api/v1/offices/{code}/appointments", tag = "appointments",
    description = "The office's appointments from `from` to `to` (office-local dates, at most 62 days), by start; the list view is audited.",
    params(("code" = String, Path, description = "Office code"), RangeQuery),
    responses((status = 200, body = Vec<AppointmentOut>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn office_appointments(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
    Query(q): Query<RangeQuery>,
) -> ApiResult<Json<Vec<AppointmentOut>>> {
    let office = office_in_reach(&state, &who, &code).await?;
    let tz = office_zone(&office)?;
    let (from, to) = date_range(q.from.as_deref(), q.to.as_deref(), office.today(), 62)?;
    let staff_id = match q.staff.as_deref().filter(|s| !s.is_empty()) {
        Some(name) => {
            let user = state.store.user_by_username(name).await.ok();
            match user.filter(|u| u.office_id == Some(office.id)) {
                Some(u) => Some(u.id),
                None => {
                    return Err(Problem::validation(format!(
                        "staff: no one of this office is {name:?}"
                    )))
                }
            }
        }
        None => None,
    };
    let day_start = |d: time::Date| instant_at(tz, d, 0).unwrap_or(0);
    let end = to.next_day().map(day_start).unwrap_or(i64::MAX);
    let list = state
        .store
        .appointments(&who.viewer, office.id, staff_id, day_start(from), end)
        .await?;
    Ok(Json(
        list.into_iter()
            .map(|a| AppointmentOut::new(tz, a, None))
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/moves", tag = "appointments", request_body = AppointmentMoveIn,
    description = "Reschedules (to `start_ms` or `start`), cancels, marks a no-show or completes an appointment, with the reason in its history. On `complete`, `work_item: create` starts a work item for the claimant and `update` notes the completion on the linked one.",
    params(("id" = i64, Path, description = "Appointment id")),
    responses((status = 200, body = AppointmentOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn move_appointment(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AppointmentMoveIn>,
) -> ApiResult<Json<AppointmentOut>> {
    let mv = AppointmentMove::parse(&body.mv).ok_or_else(|| {
        Problem::validation(format!(
            "move: {:?} is not one of reschedule, cancel, no_show, complete",
            body.mv
        ))
    })?;
    let start = match mv {
        AppointmentMove::Reschedule => {
            Some(instant_in(body.start_ms, body.start.as_deref()).map_err(Problem::validation)?)
        }
        _ => None,
    };
    let follow_up = worktrack_domain::appointments::work_item_follow_up(
        mv,
        body.work_item.as_deref().unwrap_or(""),
    )
    .map_err(Problem::validation)?;
    let a = match follow_up {
        Some(create) => {
            state
                .store
                .complete_with_work_item(&who.viewer, id, &body.note, create)
                .await?
        }
        None => {
            state
                .store
                .move_appointment(&who.viewer, id, mv, &body.note, start)
                .await?
        }
    };
    let tz = appointment_zone(&state, a.office_id).await?;
    Ok(Json(AppointmentOut::new(tz, a, None)))
}

#[utoipa::path(get, path = "/api/v1/offices/{code}/appointment-types", tag = "appointments",
    params(("code" = String, Path, description = "Office code")),
    responses((status = 200, body = Vec<AppointmentTypeOut>), (status = 404, body = Problem)))]
pub async fn list_types(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<AppointmentTypeOut>>> {
    let office = office_in_reach(&state, &who, &code).await?;
    let kinds = state
        .store
        .appointment_types(&who.viewer, office.id)
        .await?;
    Ok(Json(
        kinds
            .into_iter()
            .map(|k| AppointmentTypeOut::new(&office.code, k))
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/offices/{code}/appointment-types", tag = "appointments",
    request_body = AppointmentTypeIn, description = "Sets up an appointment type (the office's managers).",
    params(("code" = String, Path, description = "Office code")),
    responses((status = 201, body = AppointmentTypeOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_type(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<AppointmentTypeIn>,
) -> ApiResult<(StatusCode, Json<AppointmentTypeOut>)> {
    let office = office_in_reach(&state, &who, &code).await?;
    let skills = body
        .skills
        .iter()
        .map(|s| Skill::parse(s).map_err(|e| Problem::validation(format!("skills: {e}"))))
        .collect::<ApiResult<Vec<Skill>>>()?;
    let spec = TypeSpec {
        channel: body.channel,
        duration_min: body.duration_min,
        buffer_before_min: body.buffer_before_min,
        buffer_after_min: body.buffer_after_min,
        min_notice_min: body.min_notice_min,
        horizon_days: body.horizon_days,
        skills,
        capacity: body.capacity,
    };
    let kind = state
        .store
        .create_appointment_type(&who.viewer, office.id, &body.name, &spec)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AppointmentTypeOut::new(&office.code, kind)),
    ))
}
