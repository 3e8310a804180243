//! Calendars over the API: one appointment as `.ics`, and the caller's private feeds.

use crate::auth::ApiUser;
use crate::error::Problem;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

type ApiResult<T> = Result<T, Problem>;

#[utoipa::path(get, path = "/api/v1/appointments/{id}/calendar.ics", tag = "appointments",
    description = "One appointment as an RFC 5545 calendar (`text/calendar`); the view is audited. The claimant's name is in the description only for the staff who serve appointments.",
    params(("id" = i64, Path, description = "Appointment id")),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn appointment_ics(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let body = crate::calendar::appointment_calendar(&state, &who, id).await?;
    Ok(crate::calendar::ics_response(
        body,
        &format!("appointment-{id}.ics"),
    ))
}

/// A feed just created: its address is shown only in this answer.
#[derive(Serialize, ToSchema)]
pub struct CalendarFeedOut {
    pub id: i64,
    /// The feed's address (`/calendar/{key}.ics`, no session needed): keep it private.
    pub url: String,
    pub created_at: String,
}

#[utoipa::path(post, path = "/api/v1/calendar-feeds", tag = "appointments",
    description = "Creates a private iCalendar feed of the caller's appointments (the last 14 days and the next 60). The address holds the secret key and is shown only once.",
    responses((status = 201, body = CalendarFeedOut), (status = 403, body = Problem)))]
pub async fn create_feed(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    headers: HeaderMap,
) -> ApiResult<(StatusCode, Json<CalendarFeedOut>)> {
    let (feed, key) = state.store.create_calendar_feed(&who.viewer).await?;
    Ok((
        StatusCode::CREATED,
        Json(CalendarFeedOut {
            id: feed.id,
            url: crate::calendar::feed_url(&state, &headers, &key),
            created_at: super::types::iso(feed.created_at),
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/calendar-feeds/{id}", tag = "appointments",
    description = "Revokes one of the caller's feeds: its address answers 404 from then on.",
    params(("id" = i64, Path, description = "Feed id")),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_feed(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.store.revoke_calendar_feed(&who.viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
