//! Calendars (RFC 5545, written by the `icalendar` crate): one appointment as an `.ics` file,
//! each employee's private feed at `/calendar/{key}.ics` (no session: the key is the secret,
//! kept hashed and revocable), and the small page where employees create and revoke feeds.
//!
//! An entry never carries an SSN; the claimant's name is only in the description, and only for
//! the staff who serve appointments.

use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::routes::{get, post, Table};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use worktrack_domain::appointments::{self as rules, AppointmentState, Channel};
use worktrack_domain::TimeZone;
use worktrack_store::{Appointment, CalendarFeed};

pub fn routes() -> Table {
    Table::new()
        .route("/appointments/{id}/calendar.ics", get(appointment_ics))
        .route("/calendar", get(page).post(create))
        .route("/calendar/{key}", get(feed))
        .route("/calendar/{id}/revoke", post(revoke))
}

fn utc(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// The calendar entry of `a`. `staff`: the reader serves appointments, and may read whom it is
/// with and how to reach them.
fn event(a: &Appointment, tz: TimeZone, office_name: &str, staff: bool) -> Event {
    let mut lines = vec![
        format!(
            "{} appointment, {}",
            a.channel.label(),
            worktrack_store::local_label(tz, a.start_ms)
        ),
        format!("Reason: {}", a.workload),
    ];
    if staff {
        lines.push(format!("Claimant: {}", a.claimant_name));
        if !a.contact.is_empty() {
            lines.push(format!("Contact: {}", a.contact));
        }
    }
    let needs = a.accommodations.describe();
    if !needs.is_empty() {
        lines.push(format!("Accommodations: {}", needs.join(", ")));
    }
    lines.push(format!("With: {}", a.staff_name));
    lines.push(format!("WorkTrack appointment {}", a.id));
    let location = match a.channel {
        Channel::InPerson => office_name.to_string(),
        Channel::Phone => "Phone".to_string(),
        Channel::Video => "Video".to_string(),
    };
    Event::new()
        .uid(&format!("appointment-{}@worktrack", a.id))
        .summary(&format!("{} ({})", a.type_name, a.channel.label()))
        .description(&lines.join("\n"))
        .location(&location)
        .starts(utc(a.start_ms))
        .ends(utc(a.end_ms))
        .status(if a.state == AppointmentState::Cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        })
        .done()
}

/// A calendar of `appointments` in RFC 5545 text.
pub fn ics(
    name: &str,
    appointments: &[Appointment],
    tz: TimeZone,
    office_name: &str,
    staff: bool,
) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for a in appointments {
        calendar.push(event(a, tz, office_name, staff));
    }
    calendar.to_string()
}

/// `body` as a `text/calendar` download named `file`.
pub fn ics_response(body: String, file: &str) -> Response {
    let mut resp = body.into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The `.ics` of appointment `id` as `who` may read it (the view is audited by the store).
pub async fn appointment_calendar(
    state: &AppState,
    who: &SignedIn,
    id: i64,
) -> Result<String, worktrack_store::StoreError> {
    let (a, _) = state.store.appointment(&who.viewer, id).await?;
    let office = state.store.office_cached(a.office_id).await?;
    let tz = TimeZone::parse(&office.time_zone)
        .map_err(|e| worktrack_store::StoreError::Invalid(e.to_string()))?;
    let staff = rules::may_book(who.role());
    Ok(ics(
        &format!("WorkTrack appointment {id}"),
        std::slice::from_ref(&a),
        tz,
        &office.name,
        staff,
    ))
}

async fn appointment_ics(
    PageRequest { state, who, .. }: PageRequest,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let body = appointment_calendar(&state, &who, id).await?;
    Ok(ics_response(body, &format!("appointment-{id}.ics")))
}

/// An employee's feed: no session, the key in the address. A revoked or unknown key is not
/// found (a plain message), and the store audits the attempt.
async fn feed(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    let key = key.strip_suffix(".ics").unwrap_or(&key);
    let not_found = || {
        (
            StatusCode::NOT_FOUND,
            "There is no calendar feed at this address: it was revoked, or never existed.",
        )
            .into_response()
    };
    if key.is_empty() || key.len() > 100 {
        return not_found();
    }
    let content = match state.store.calendar_feed(key).await {
        Ok(c) => c,
        Err(worktrack_store::StoreError::NotFound) => return not_found(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let office = match state.store.office_cached(content.office_id).await {
        Ok(o) => o,
        Err(e) => return PageError::from(e).into_response(),
    };
    let Ok(tz) = TimeZone::parse(&office.time_zone) else {
        return PageError::internal().into_response();
    };
    let body = ics(
        &format!("WorkTrack: {}", content.user.display_name),
        &content.appointments,
        tz,
        &office.name,
        rules::may_book(content.user.role),
    );
    ics_response(body, "worktrack.ics")
}

/// The address of a feed, as the browser reached this server.
pub fn feed_url(state: &AppState, headers: &HeaderMap, key: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}/calendar/{key}.ics")
}

pub struct FeedRow {
    pub id: i64,
    pub created: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "calendar_feed.html")]
pub struct FeedPage {
    pub chrome: Chrome,
    pub feeds: Vec<FeedRow>,
    pub new_url: Option<String>,
}

async fn feed_page(state: &AppState, who: &SignedIn, csrf: String) -> Result<FeedPage, PageError> {
    let feeds: Vec<CalendarFeed> = state.store.calendar_feeds(&who.viewer).await?;
    Ok(FeedPage {
        chrome: Chrome::for_user(who, "Calendar feed", csrf, "/calendar"),
        feeds: feeds
            .into_iter()
            .map(|f| FeedRow {
                id: f.id,
                created: when(f.created_at, who.zone),
                active: f.revoked_at.is_none(),
            })
            .collect(),
        new_url: None,
    })
}

fn may_have_feed(who: &SignedIn) -> Result<(), PageError> {
    if worktrack_domain::schedule::has_schedule(who.role()) {
        Ok(())
    } else {
        Err(PageError::forbidden(
            "Only staff who serve appointments have a calendar feed.",
        ))
    }
}

async fn page(PageRequest { state, who, csrf }: PageRequest) -> Result<Response, PageError> {
    may_have_feed(&who)?;
    render(&feed_page(&state, &who, csrf).await?)
}

/// Creates a feed and shows its address once (on this answer, never in a URL or a redirect).
async fn create(
    PageRequest { state, who, csrf }: PageRequest,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    may_have_feed(&who)?;
    let (_, key) = state.store.create_calendar_feed(&who.viewer).await?;
    let mut page = feed_page(&state, &who, csrf).await?;
    page.new_url = Some(feed_url(&state, &headers, &key));
    render(&page)
}

async fn revoke(
    PageRequest { state, who, .. }: PageRequest,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    may_have_feed(&who)?;
    state.store.revoke_calendar_feed(&who.viewer, id).await?;
    Ok(crate::flash::redirect(
        &state,
        "/calendar",
        "The feed is revoked: its address no longer works.",
    ))
}
